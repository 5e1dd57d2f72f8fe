"""Issue 13's false refusals of aliasing taken in round h15 (the alias7 list), each a small
program written the way users write it and checked with gradcheck.check against central
differences in reverse and forward mode, to second order: a record holding an array whose
method is called for its effects (`R.energy()`, keeping nothing) before the array is rebound
and written; layers whose method calls another method of theirs (`self.act(...)`: proven to
keep nothing, so the array given is not taken as kept) run on an array written after; an
alias rebound, in each trip, to what a method returns (a new array) before it is written; a
loop whose rows come from the array written in it, where the loop variable is never read;
records holding the product of layers' outputs (`Dense.forward`: a new array, holding
nothing) written after, the records never read again; a helper calling numpy.eye and
float(i) (keeping nothing) given an array written after, its alias on another branch. Next to each, the program where a later read really sees the write, and its
located refusal."""
import dataclasses

import numpy as np

import srcdiff
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def on_xy(f):
    on_args(f, (X, Y), (0, 1))


def refused(f, match, error=srcdiff.SrcdiffError):
    refused_in_both_modes(f, (X, Y), (0, 1), match, error)


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


# -- 2. a method calling another method of its class, given an array written later -------
class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, t):
        return self.act(self.w * t) + self.b

    def act(self, t):
        return np.sin(t)


def layers_then_write(x, y):
    layers = [Dense(np.tanh(y[0]), 0.1), Dense(np.where(x > 0.5, x, 0.0), 0.1)]
    h = x
    for layer in layers:
        h = layer.forward(h)
    x[x > 0.2] = 0.3 * y[1]
    return np.sum(h * x)


def maybe_no_layer_then_write(x, y):
    layer = Dense(np.tanh(y[0]), 0.1)
    h = x
    k = 0
    while k < int(y[2] < 0.0):   # (no trip: h is still x when x is written)
        h = layer.forward(h)
        k += 1
    x[x > 0.2] = 0.3 * y[1]
    return np.sum(h * x)


def test_layers_given_an_array_written_after_them():
    on_xy(layers_then_write)


def test_an_alias_no_layer_rebound_is_refused_when_the_run_shows_it():
    refused(maybe_no_layer_then_write, "would also change h", srcdiff.RuntimeRefusal)


# -- 3. an alias rebound to a method's new result before each write ----------------------
def rebound_by_methods_then_written(x, y):
    recs = [Record(w=y, b=0.3), Record(np.cos(x), 0.1)]
    h = x
    for R in recs:
        h = R.apply(h)
        h[1] = 0.5 * y[0] * h[2]
    return np.sum(h * y) + np.sum(x)


def written_before_the_method_rebinds_it(x, y):
    recs = [Record(w=y, b=0.3), Record(np.cos(x), 0.1)]
    h = x
    for R in recs:
        h[1] = 0.5 * y[0] * h[2]   # (the first trip writes into x itself, read after)
        h = R.apply(h)
    return np.sum(h * y) + np.sum(x)


def test_an_alias_rebound_by_a_method_before_each_write():
    on_xy(rebound_by_methods_then_written)


def test_an_alias_written_before_the_method_rebinds_it_is_refused():
    refused(written_before_the_method_rebinds_it, "would also change x", srcdiff.RuntimeRefusal)


# -- 4. a loop over (a view of) the array written in it, its rows never read -------------
def rows_unused_while_written(x, y):
    for r in reversed(np.flip(x)):
        x[2] += np.arctan(y[0] * y[1])
    for i, r2 in enumerate(np.flip(x)):
        x[1] -= 0.1 * np.sin(y[2]) * i
    return np.sum(x * x)


def rows_read_while_written(x, y):
    for r in reversed(np.flip(x)):
        x[2] += np.arctan(y[0] * r)   # (the next rows come from the written x)
    return np.sum(x * x)


def test_a_loop_whose_rows_are_never_read_over_the_array_written():
    on_xy(rows_unused_while_written)


def test_a_loop_whose_rows_are_read_over_the_array_written_is_refused():
    refused(rows_read_while_written, "takes its items from", srcdiff.RuntimeRefusal)


# -- 5. records of layers' outputs, written after, the records read no more ---------------
def outputs_multiplied_then_written(x, y):
    layers = [Dense(np.tanh(y[0]), 0.3), Dense(y[1], 0.1)]
    h = x + x
    ys = [layer.forward(h) for layer in layers]
    a = ys[-1] * ys[0]
    recs = [Record(a, 0.5 + y[2]), Record(a, 0.3)]
    e = sum(R.energy() for R in recs)
    a[1:] = a[1:] * np.tanh(a[:-1])
    return np.sum(h * a) + e


def outputs_multiplied_then_written_and_read(x, y):
    layers = [Dense(np.tanh(y[0]), 0.3), Dense(y[1], 0.1)]
    h = x + x
    ys = [layer.forward(h) for layer in layers]
    a = ys[-1] * ys[0]
    recs = [Record(a, 0.5 + y[2]), Record(a, 0.3)]
    a[1:] = a[1:] * np.tanh(a[:-1])
    return np.sum(h * a) + recs[1].energy()


def test_records_of_layer_outputs_written_after():
    on_xy(outputs_multiplied_then_written)


def test_records_of_layer_outputs_read_after_the_write_are_refused():
    refused(outputs_multiplied_then_written_and_read, "Record made on line")


# -- 6. a helper keeping nothing (numpy.eye, float(i)), an alias on another branch -------
def _eyes(t):
    for i in range(2):
        t = 0.5 * np.tanh(t) + np.sum(np.eye(3) * float(i))
    return np.where(t > 0.5, t * t, 0.0)


def helper_then_write(x, y):
    if y[0] > 0.0:
        a = x
        y = y * np.sum(a)
    else:
        c = _eyes(x)
        x[1:] = x[1:] * np.tanh(x[:-1]) * c[0]
    return np.sum(x * y)


def helper_then_write_alias_read(x, y):
    a = x   # (an exact alias: alias_groups follows it)
    c = _eyes(x)
    x[1:] = x[1:] * np.tanh(x[:-1]) * c[0]
    return np.sum(a * y)


def helper_then_write_record_read(x, y):
    R = Record(x, 0.3)
    c = _eyes(x)
    x[1:] = x[1:] * np.tanh(x[:-1]) * c[0]
    return np.sum(x * y) + R.energy()


def test_a_helper_keeping_nothing_then_a_write():
    on_xy(helper_then_write)
    on_xy(helper_then_write_alias_read)


def test_a_helper_keeping_nothing_then_a_write_a_record_reads_is_refused():
    refused(helper_then_write_record_read, "Record made on line")
