"""srcdiff/operator_methods.py: operators on objects of the user's classes (`v + w`, `2.0 *
v`, `-v`, `v @ w`, `v[i]`, `len(v)`, `v += w`) follow the methods Python calls for them, as
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
from user_modules import load

_SOURCE = 'from dataclasses import dataclass\n\nimport numpy as np\n\n\n@dataclass\nclass V:\n    a: np.ndarray\n    b: np.ndarray\n\n    def __add__(self, o):\n        return V(self.a + o.a, self.b + o.b)\n\n    def __sub__(self, o):\n        return V(self.a - o.a, self.b - o.b)\n\n    def __mul__(self, s):\n        return V(self.a * s, self.b * s)\n\n    def __rmul__(self, s):\n        return V(s * self.a, s * self.b)\n\n    def __truediv__(self, s):\n        return V(self.a / s, self.b / s)\n\n    def __neg__(self):\n        return V(-self.a, -self.b)\n\n    def __pos__(self):\n        return V(self.a, self.b)\n\n    def __pow__(self, k):\n        return V(self.a ** k, self.b ** k)\n\n    def __matmul__(self, o):\n        return np.sum(self.a * o.a) + np.sum(self.b * o.b)\n\n    def __getitem__(self, i):\n        return self.a[i] + self.b[i]\n\n    def __len__(self):\n        return len(self.a)\n\n\nclass P:\n    def __init__(self, w):\n        self.w = w\n\n    def __add__(self, o):\n        if not isinstance(o, P):\n            return NotImplemented\n        return P(self.w + o.w)\n\n    def __radd__(self, o):\n        return P(self.w + o)\n\n    def __rsub__(self, o):\n        return P(o - self.w)\n\n    def __rtruediv__(self, o):\n        return P(o / self.w)\n\n    def __iadd__(self, o):\n        return P(self.w * 1.0 + o.w)\n\n\nclass Q(P):\n    def __radd__(self, o):\n        return Q(self.w * 2.0 + o.w)\n\n\ndef add_mul(x):\n    v = V(x, x * 2.0)\n    u = v + v * 3.0\n    return np.sum(u.a * u.b)\n\n\ndef items(x):\n    v = V(x, np.sin(x))\n    return v[0] + v[2]\n\n\ndef of_param(v):\n    u = v + v * 3.0 - v / 2.0\n    return np.sum(u.a * u.b)\n\n\ndef signs(x):\n    v = V(x, np.cos(x))\n    u = -v + (+v) ** 2\n    return np.sum(u.a + u.b * x)\n\n\ndef matmul(x):\n    v = V(x, x * x)\n    return v @ (v * 2.0)\n\n\ndef reflected(x):\n    v = V(x, np.exp(x))\n    u = 2.0 * v\n    s = float(np.sum(x))\n    w = s * u\n    return np.sum(w.a * w.b)\n\n\ndef declined(x):\n    p = P(x)\n    q = P(x * x)\n    r = p + q\n    t = 1.5 + p\n    z = 2.0 - p\n    k = 3.0 / q\n    return np.sum(r.w * t.w + z.w * k.w)\n\n\ndef subclass_first(x):\n    p = P(x)\n    q = Q(x * x)\n    r = p + q\n    return np.sum(r.w * r.w)\n\n\ndef updated(x):\n    p = P(x)\n    p += P(np.sin(x))\n    return np.sum(p.w ** 2)\n\n\ndef updated_by_add(x):\n    v = V(x, x * 2.0)\n    v += V(np.sin(x), x)\n    return np.sum(v.a * v.b)\n\n\ndef counted(x):\n    v = V(x, np.sin(x))\n    t = 0.0\n    for i in range(len(v)):\n        t = t + v[i] * x[i]\n    return t\n\n\ndef sliced(x):\n    v = V(x, x * 3.0)\n    return np.sum(v[1:3] * x[0])\n\n\ndef passed_on(x):\n    v = V(x, x * 2.0)\n    return helper(v * 2.0, v + v)\n\n\ndef helper(p, q):\n    return np.sum(p.a * q.b)\n\n\ndef numpy_scalar_left(x):\n    v = V(x, x)\n    w = np.sum(x) * v\n    return np.sum(w.a)\n\n\ndef array_left(x):\n    v = V(x, x)\n    w = x * v\n    return np.sum(w.a)\n\n\ndef floor_divided(x):\n    v = V(x, x)\n    w = v // 2.0\n    return np.sum(w.a)\n\n\nclass M:\n    def __init__(self, w):\n        self.w = w\n\n    def __iadd__(self, o):\n        self.w = self.w + o.w\n        return self\n\n    def __add__(self, o):\n        if not hasattr(o, "w"):\n            return NotImplemented\n        return M(self.w + o.w)\n\n\ndef mutated(x):\n    m = M(x)\n    m += M(x * x)\n    return np.sum(m.w * x)\n\n\ndef undecided(x):\n    m = M(x)\n    r = m + M(x * 2.0)\n    return np.sum(r.w)\n\n\ndef make(x, flag):\n    return V(x, x) if flag else V(x, 2 * x)\n\n\ndef unknown_class(x):\n    v = make(x, True)\n    u = v + v\n    return np.sum(u.a * u.b)\n\n\ndef of_param_updated(v, x):\n    v += V(x, x * x)\n    v = v * 0.5\n    return np.sum(v.a * v.b)\n\n\ndef in_a_loop(x):\n    v = V(x, np.cos(x))\n    w = V(x * x, x)\n    for _ in range(3):\n        v = v * 0.5 + w\n    return np.sum(v.a * v.b)\n\n\ndef nested_class(x):\n    class W:\n        def __init__(self, a):\n            self.a = a\n    return np.sum(W(x).a)\n'


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
    "counted",          # len(v), v[i] in a loop
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


def test_an_iadd_changing_its_object_in_place_is_refused_at_its_line(m):
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=r"operators_user.py:[0-9]+:[0-9]+: srcdiff cannot follow "
                             r"M.__iadd__ here: it changes m's fields in place"):
        srcdiff.grad(m.mutated)(X.copy())


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


def test_a_class_defined_in_the_function_is_refused_with_where_to_define_it(m):
    with pytest.raises(srcdiff.UnsupportedCodeError, match=r"(?s)a class definition.*module "
                                                           r"level .*before the code runs"):
        srcdiff.grad(m.nested_class)(X.copy())


def test_the_operator_is_checked_where_the_code_runs(m):
    text = srcdiff.source(srcdiff.grad(m.reflected))
    assert "check_operands(" in text
    text = srcdiff.source(srcdiff.grad(m.declined))
    assert "check_implemented(" in text   # P.__add__ may decline
