"""templates/fields.py: check_field_function, placed before a call of the function an
object's field holds (srcdiff/field_calls.py), carries no derivative and refuses the user's
line where the field holds another function when the call runs. The programs it sits in are
checked against central differences in reverse mode, forward mode and to second order; so is
check_field_number, placed before `u.b += e` (srcdiff/field_writes.py)."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.5, -1.0, 0.7])
W = np.array([0.3, 0.2, -0.4])


@dataclasses.dataclass
class Unit:
    w: np.ndarray
    act: object = np.tanh


def through_the_field(w, x):
    u = Unit(w)
    return np.sum(u.act(u.w * x) * x)


def through_a_field_passed_in(u, x):
    return np.sum(u.act(u.w * x) ** 2)


def test_the_check_carries_no_derivative():
    check(through_the_field, W.copy(), X.copy(), wrt=(0, 1))
    check(through_the_field, W.copy(), X.copy(), wrt=1)   # hvp: forward over the check
    check(through_a_field_passed_in, Unit(W.copy(), np.sin), X.copy(), wrt=1)
    text = srcdiff.source(srcdiff.grad(through_the_field))
    assert "check_field_function(" in text and "numpy.tanh" in text


def swap_to_sine(u):
    setattr(u, "act", np.sin)
    return 0.0


def changed_by_a_helper(u, x):
    swap_to_sine(u)
    return np.sum(u.act(u.w * x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_field_changed_while_the_function_runs_is_refused_there(mode):
    u = Unit(W.copy())
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        if mode == "grad":
            srcdiff.grad(changed_by_a_helper, wrt=1)(u, X.copy())
        else:
            srcdiff.jvp(changed_by_a_helper, wrt=1)(u, X.copy(), np.ones(3))
    err = info.value
    assert err.filename == __file__ and err.line == "return np.sum(u.act(u.w * x))", str(err)
    assert "tanh" in str(err) and "sin" in str(err)


@dataclasses.dataclass
class Bias:
    w: np.ndarray
    b: float


def updates_a_number_field(w, x):
    u = Bias(w * x, x[0])
    u.b += x[1] * x[2]
    return np.sum(np.sin(u.w)) * u.b


def test_the_check_of_a_field_update_carries_no_derivative():
    # check_field_number (srcdiff/field_writes.py) sits before u.b's update
    check(updates_a_number_field, W.copy(), X.copy(), wrt=(0, 1))
    text = srcdiff.source(srcdiff.grad(updates_a_number_field, wrt=1))
    assert "check_field_number(" in text


class Shifted:
    def __init__(self, w, c):
        self.w = w
        self.v = w * c   # computed: the object is made of its fields by object_of


def made_of_computed_fields(w, x):
    u = Shifted(w * x, x[0])
    u.v = u.v + x[2]
    return np.sum(np.sin(u.v) * u.w)


def test_an_object_made_of_its_fields_is_linear_in_them():
    # object_of (srcdiff/init_fields.py, field_writes.py): both modes and second order
    check(made_of_computed_fields, W.copy(), X.copy(), wrt=(0, 1))
    check(made_of_computed_fields, W.copy(), X.copy(), wrt=1)
    assert "object_of(" in srcdiff.source(srcdiff.grad(made_of_computed_fields, wrt=1))
