"""srcdiff/factories.py: the class a classmethod constructor (`Dense.init(w)` returning
`cls(...)`), a staticmethod factory or a factory function returns, read from its source;
the objects they make used as objects made by their class's call, checked against finite
differences in both modes and to second order (gradcheck.check)."""
import dataclasses

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff.factories import made_by_method, made_class

X = np.array([0.5, -1.0, 0.5])


class Unit:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    @classmethod
    def init(cls, w):
        return cls(w, 0.1)

    @classmethod
    def named(cls, w):
        made = cls(w * 0.5, w)
        return made

    @staticmethod
    def make(w):
        return Unit(w * 2.0, 0.3)

    def forward(self, t):
        return np.tanh(t * self.w + self.b)


class Wide(Unit):
    def forward(self, t):
        return np.sin(t * self.w) + self.b


class Grown(Unit):
    def scaled(self, c):
        return Grown(self.w * c, self.b)

    def same(self, c):
        return type(self)(self.w * c, self.b)

    def again(self, c):
        return self.__class__(self.w * c, self.b)

    def itself(self):
        return self

    def declining(self, o):
        if not isinstance(o, Grown):
            return NotImplemented
        return Grown(self.w + o.w, self.b)

    def rebinds(self, c):
        self = Unit(c, c)
        return type(self)(c, c)

    def __add__(self, o):
        return Grown(self.w + o, self.b)

    def __radd__(self, o):
        return self + o   # (the reflected operator written with the class's own)

    def __mul__(self, o):
        return self.w * o   # an array

    def __rmul__(self, o):
        return self * o

    def __sub__(self, o):
        return self - o   # (itself: read once, makes no class known)

    def __rsub__(self, o):
        self = Unit(o, o)
        return self + o   # self is another object there


def make_unit(w):
    return Unit(w, w * w)


def either(w, c):
    if c:
        return Unit(w, 0.0)
    return Wide(w, 0.0)


def test_the_class_each_factory_makes():
    assert made_class(Unit.init) is Unit and made_class(Wide.init) is Wide
    assert made_class(Unit.named) is Unit and made_class(Unit.make) is Unit
    assert made_class(make_unit) is Unit
    assert made_class(either) is None   # two classes: not one known before the code runs
    assert made_class(np.tanh) is None and made_class(Unit.forward) is None


def test_the_class_a_method_of_an_object_makes():
    # `return Grown(...)`, `type(self)(...)`, `self.__class__(...)`, `return self`: an object
    # of the class it is called on; NotImplemented (an operator declining) makes none
    for name in ("scaled", "same", "again", "itself", "declining"):
        assert made_by_method(Grown, name) is Grown, name
    assert made_by_method(Grown, "forward") is None   # an array
    assert made_by_method(Grown, "rebinds") is None   # self is another object there


def test_a_reflected_operator_written_with_the_classs_own_makes_what_that_makes():
    assert made_by_method(Grown, "__radd__") is Grown   # return self + o: Grown.__add__
    assert made_by_method(Grown, "__rmul__") is None    # Grown.__mul__ makes an array
    assert made_by_method(Grown, "__sub__") is None     # (its own operator: no end)
    assert made_by_method(Grown, "__rsub__") is None    # self rebound


def a_classmethod_constructor(x):
    u = Unit.init(x[0])
    return np.sum(u.forward(x))


def a_staticmethod_factory(x):
    return np.sum(Unit.make(x[1]).forward(x))


def factories_in_a_list(x):
    units = [Unit.init(x[0]), Wide.init(x[1]), Unit.named(x[2]), make_unit(x[0])]
    for u in units:
        x = u.forward(x)
    return np.sum(x)


def a_classmethod_called_on_an_object(x):
    u = Unit(x[0], x[1])
    v = u.init(x[2])
    return np.sum(v.forward(x) * u.forward(x))


@pytest.mark.parametrize("f", [a_classmethod_constructor, a_staticmethod_factory,
                               factories_in_a_list, a_classmethod_called_on_an_object])
def test_objects_a_factory_makes(f):
    check(f, X.copy())


def made_by_either(x):
    u = either(x[0], True)
    return np.sum(u.forward(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_factory_of_two_classes_is_refused_at_the_users_line(mode):
    err = refusal(made_by_either, (X,), mode)
    assert "cannot tell the class of u" in str(err), str(err)


def _call(text):
    import srcdiff.syntax as S
    return S.parse_module(text).body[0].value


def test_replaced_argument_names_the_argument_whose_class_is_given_back():
    import dataclasses
    from srcdiff.factories import replaced_argument

    def step(p, lr):
        return dataclasses.replace(p, w=p.w * lr)

    def rebinds(p, lr):
        p = p
        return dataclasses.replace(p, w=lr)

    def two(p, q):
        if p is None:
            return dataclasses.replace(q)
        return dataclasses.replace(p)

    assert replaced_argument(dataclasses.replace, _call("replace(a, w=1)")).id == "a"
    assert replaced_argument(step, _call("step(a, 0.1)")).id == "a"
    assert replaced_argument(step, _call("step(lr=0.1, p=b)")).id == "b"
    assert replaced_argument(step, _call("step(*xs)")) is None
    assert replaced_argument(rebinds, _call("rebinds(a, 0.1)")) is None
    assert replaced_argument(two, _call("two(a, b)")) is None


@dataclasses.dataclass
class Phase:
    p: np.ndarray
    q: float

    def __add__(self, o):
        return Phase(self.p + o.p, self.q + o.q)


def phase_rhs(v):
    return Phase(np.sin(v.p) * v.q, 0.1 * np.sum(v.p))


def phase_step(v):
    return phase_rhs(v) + v        # a factory's call, then its class's __add__


def phase_of_phase(v):
    return phase_step(v)           # a factory returning another factory's result


def stepped(x, s):
    w = phase_step(Phase(x * 1.0, s))
    return np.sum(w.p) * w.q


def stepped_twice_removed(x, s):
    w = phase_of_phase(Phase(x * 1.0, s))
    return np.sum(w.p) * w.q


@pytest.mark.parametrize("f", [stepped, stepped_twice_removed])
def test_a_helper_returning_a_factory_call_or_an_operator_on_one_makes_its_class(f):
    # was refused: "cannot tell the class" of w (made_class read only `return C(...)`)
    check(f, np.array([0.3, -0.5]), 0.7, order=2)


def looping_factory(v):
    return looping_factory(v) + v   # never called: made_class must not recurse without end


def test_made_class_of_a_recursive_factory_ends():
    from srcdiff.factories import made_class
    assert made_class(looping_factory) in (None, Phase)


# -- a function naming no class, only a factory of one: mk(x) + mk(x) calls Pair.__add__ ----
@dataclasses.dataclass
class Pair:
    a: np.ndarray
    b: np.ndarray

    def __add__(self, o):
        return Pair(self.a + o.a, self.b * o.b)


def make_pair(x):
    return Pair(x * 1.0, np.sin(x))


def summed_pairs(x):
    p = make_pair(x) + make_pair(x * 2.0)
    y = p.a * 2.0
    y[1] = np.sum(p.b)
    return np.sum(y * p.b)


def test_names_objects_sees_a_factory():
    from srcdiff.factories import names_objects
    assert names_objects(Pair) and names_objects(make_pair)
    assert not names_objects(np.sin) and not names_objects(summed_pairs)


def test_an_operator_on_factories_results_in_a_function_naming_no_class():
    check(summed_pairs, X, wrt=0, order=2)
