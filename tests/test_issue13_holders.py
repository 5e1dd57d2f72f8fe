"""Issue 13's false refusals of aliasing taken in round h15 (the alias7 list), each a small
program written the way users write it and checked with gradcheck.check against central
differences in reverse and forward mode, to second order: a record holding an array whose
method is called for its effects (`R.energy()`, keeping nothing) before the array is rebound
and written. Next to each, the program where a later read really sees the write, and its
located refusal."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def on_xy(f):
    check(f, X.copy(), Y.copy(), wrt=(0, 1), order=2)


def refused(f, match, error=srcdiff.SrcdiffError):
    for make in (srcdiff.grad, srcdiff.jvp):
        args = (X.copy(), Y.copy()) + ((X.copy(), Y.copy()) if make is srcdiff.jvp else ())
        with pytest.raises(error, match=match) as info:
            make(f, wrt=(0, 1))(*args)
        assert __file__ in str(info.value)


@dataclasses.dataclass
class Record:
    w: np.ndarray
    b: float

    def apply(self, t):
        return np.tanh(t * self.w) + self.b

    def energy(self):
        return np.sum(np.sin(self.w)) * self.b


# -- 1. a holder whose method, called for its effects, keeps nothing ---------------------
def record_energy_then_rebound(x, y):
    for r in x:
        recs = [Record(w=x, b=np.std(x)), Record(np.where(x > 1.0, x, 0.0), 0.3)]
        h = np.where(x > 0.0, x, 0.0)
        for R in recs:
            h = R.apply(h)
            R.energy()
        x = x + 0.2 * np.tanh(h) * y
    x[[0, 2]] += 0.5 * np.tanh(0.3)
    return np.sum(x * x) + np.sum(y)


def record_energy_then_read(x, y):
    R = Record(w=x, b=0.3)
    R.energy()
    x[[0, 2]] += 0.5 * y[1]
    return R.energy() + np.sum(x * y)


def test_a_record_whose_method_is_called_for_its_effects_then_rebound():
    on_xy(record_energy_then_rebound)


def test_a_record_read_after_the_write_is_still_refused():
    refused(record_energy_then_read, "Record made on line")
