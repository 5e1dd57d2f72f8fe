"""srcdiff/operator_methods.py: operators on objects of the user's classes (`v + w`, `2.0 *
v`, `-v`, `v @ w`, `v[i]`, `v += w`) follow the methods Python calls for them, as
methods called by name are followed: each checked against finite differences, both modes,
second order, with the objects made in the function or passed in (the gradient a V).
Reflected methods, a subclass's override first, NotImplemented read from isinstance tests,
`__iadd__` or `__add__` for `+=`, as Python resolves them. Where srcdiff cannot tell what
Python calls, it refuses at the user's line (or, where only the run can tell, where it
runs)."""
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from hunt22_programs import Vec
from hunt30_programs import Vec2
from operator_programs import SOURCE
from user_modules import load

_SOURCE = SOURCE


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    module = load(tmp_path_factory.mktemp("operators"), "operators_user", _SOURCE)
    yield module
    del sys.modules["operators_user"]


X = np.array([0.3, 0.5, 0.7, 0.2])


@pytest.mark.parametrize("name", [
    "add_mul",          # __add__, __mul__ (the f1)
    "items",            # __getitem__ (the f2)
    "signs",            # __neg__, __pos__, __pow__
    "matmul",           # __matmul__ giving a number
    "reflected",        # 2.0 * v: __rmul__
    "declined",         # __add__ returning NotImplemented for a number: __radd__; __rsub__,
                        # __rtruediv__
    "subclass_first",   # p + q, q's class a subclass overriding __radd__: Q.__radd__ first
    "updated",          # p += w: __iadd__
    "updated_by_add",   # v += w: v = v + w (no __iadd__)
    "counted",          # len(v) (Python's call: an int), v[i] in a loop, v[len(v) - 1]
                        # (the fuzzer's crash: __len__ had been differentiated, its zero an
                        # array added to the record's FieldGrads)
    "sliced",           # v[1:3]: __getitem__(slice(1, 3))
    "passed_on",        # helper(v * 2.0, v + v): the operators' classes noted for the helper
    "in_a_loop",        # v = v * 0.5 + w in a loop
])
def test_an_operator_differentiates_as_the_method_python_calls(m, name):
    check(getattr(m, name), X.copy(), order=2)


def test_a_differentiated_object_gets_its_gradient_through_operators(m):
    v = m.V(X.copy(), X + 1.0)
    g = check(m.of_param, v, order=2)
    assert type(g) is m.V
    check(m.of_param_updated, m.V(X.copy(), X * 2.0), X.copy(), wrt=(0, 1), order=2)


def test_an_operator_no_method_takes_is_refused_at_its_line(m):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=r"operators_user.py:[0-9]+:[0-9]+: srcdiff cannot tell what // "
                             r"does here: no method of your class V"):
        srcdiff.grad(m.floor_divided)(X.copy())


@pytest.mark.parametrize("name, kind", [("numpy_scalar_left", "float64"),
                                        ("array_left", "ndarray")])
def test_a_left_operand_python_would_not_hand_to_the_reflected_method_is_refused_where_it_runs(
        m, name, kind):
    # np.sum(x) * v: NumPy's scalar reads V (with __len__, __getitem__) as a sequence; x * v:
    # the array applies itself item by item. Neither calls V.__rmul__.
    with pytest.raises(srcdiff.RuntimeRefusal, match=rf"number on the left of a V .*but it "
                                                     rf"is a {kind}"):
        srcdiff.grad(getattr(m, name))(X.copy())


def test_a_not_implemented_test_srcdiff_cannot_read_is_refused_at_its_line(m):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=r"cannot tell whether M.__add__ returns NotImplemented here: "
                             r".*`not hasattr\(o, 'w'\)`"):
        srcdiff.grad(m.undecided)(X.copy())


def test_a_field_of_an_object_of_unknown_class_is_refused_saying_why(m):
    # make() returns V(...) from either branch of an if-expression: srcdiff cannot tell
    with pytest.raises(srcdiff.NoRuleError, match=r"attribute .b of a value being "
                                                  r"differentiated whose class it cannot tell"):
        srcdiff.grad(m.unknown_class)(X.copy())


def test_a_class_defined_in_the_function_differentiates(m):
    # refused before, "a class definition": now made once where srcdiff compiles
    # (class_defs.py, tests/test_class_defs.py)
    check(m.nested_class, X.copy(), order=2)


def nonlocal_object_updated_twice(x):
    v = Vec(x, np.sin(x))

    def step(s):
        nonlocal v
        v = v * s
        v = v - Vec(x * s, x) * 0.5

    step(0.7)
    step(x[1])
    return v @ v + np.sum(v.a)


def nonlocal_object_turned_into_a_number(x):
    v = Vec(x, np.sin(x))

    def step():
        nonlocal v
        v = v @ v   # (a number now: v's operators are no longer Vec's)

    step()
    return np.sum(v * x)


def test_an_object_a_nested_def_rebinds_nonlocal_by_operators_differentiates():
    # (refused before: the name rebound by the call, r, v = step(v, s), told no class)
    check(nonlocal_object_updated_twice, np.array([0.3, -0.7, 1.1]), wrt=0, order=2)


def test_an_object_a_nested_def_makes_another_kind_is_refused_not_wrong():
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(nonlocal_object_turned_into_a_number)(np.array([0.3, -0.7, 1.1]))


class Planar(Vec2):
    """hunt 30's 2-D vector (__add__, __mul__, its length by __abs__) with a __pow__."""

    def __pow__(self, k):
        return Planar(self.x ** k, self.y ** k)


def length_by_abs(x):
    a = Planar(x[0], x[1])
    b = a * 2.0 + Planar(x[2], x[0])
    return abs(b) + abs(x[1] - 2.0) * abs(a * 2.0)


def squared_by_pow(x):
    p = pow(Planar(x[0], x[1]), 2)
    return p.x + 3.0 * p.y + pow(x[2], 3)


def length_of_param(v):
    return abs(v * 2.0) ** 2 + abs(v)


# abs(v) of an object of the user's class is v.__abs__() (hunt 30: the emitted code called
# numpy.sign(v), a TypeError), pow(v, k) is v ** k, as `-v` and `v ** k` are followed; abs
# and pow of numbers keep their rules.
@pytest.mark.parametrize("f", [length_by_abs, squared_by_pow])
def test_abs_and_pow_of_an_object_follow_its_methods(f):
    check(f, np.array([0.6, -0.8, 1.3]), order=2)


def test_abs_of_an_object_passed_in_differentiates():
    g = check(length_of_param, Planar(0.6, -0.8), order=2)
    assert type(g) is Planar


def _planar_or_number(a, b):
    if a > 100.0:
        return a
    return Planar(a, b)


def length_of_an_object_of_untold_class(x):
    v = _planar_or_number(x[0], x[1])
    return abs(v) * x[2]


# hunt 30: abs(v) where srcdiff cannot tell v's class before the code runs is lowered as a
# number's abs; the emitted code crashed on the object (numpy.sign(v)). v is checked where
# it runs now, as an operator's operands are: refused, located, when it is an object.
def test_abs_of_an_object_of_untold_class_is_refused_where_it_runs():
    with pytest.raises(srcdiff.RuntimeRefusal, match="could not tell before the code runs "
                                                     "that this operand is an object"):
        srcdiff.grad(length_of_an_object_of_untold_class)(np.array([0.6, -0.8, 1.3]))
