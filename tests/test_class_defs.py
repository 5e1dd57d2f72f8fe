"""srcdiff/class_defs.py: a class statement in the body of the function differentiated is
made once where srcdiff compiles, from the user's lines, and its objects' methods are
followed as a module-level class's (both modes, second order; refused before: "srcdiff
cannot differentiate through a class definition"). A class that reads a name of the
function, keeps something on the class itself, or is more than defs and literals is
refused at its line, saying what to write instead."""
import numpy as np
import pytest

import srcdiff

from gradcheck import check, refusal

X = np.array([0.4, -0.9, 1.3])


class Base:
    def __init__(self, t):
        self.t = t

    def scale(self):
        return self.t * 2.0


def softmax_of_a_local_class(z):
    class Softmax:
        """A softmax with a temperature."""
        axis = -1

        def __init__(self, t):
            self.t = t

        def __call__(self, v):
            v = v / self.t
            e = np.exp(v - v.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
    sm = Softmax(0.5)
    p = sm(z)
    return np.sum(p * np.arange(p.size).reshape(p.shape))


def a_subclass_with_super(x):
    class Scaled(Base):
        def __init__(self, t, k):
            super().__init__(t)
            self.k = k

        def apply(self, v):
            return np.tanh(v * self.k) * self.scale()
    s = Scaled(x[0], 1.5)
    return np.sum(s.apply(x) ** 2)


def two_local_classes(x):
    class Square:
        def value(self, v):
            return v * v

    class Affine:
        def __init__(self, a):
            self.a = a

        def value(self, v):
            return self.a * v + 1.0
    sq = Square()
    af = Affine(x[1])
    return np.sum(sq.value(x) * af.value(x))


@pytest.mark.parametrize("f", [softmax_of_a_local_class, a_subclass_with_super,
                               two_local_classes])
def test_a_class_defined_in_the_function_differentiates(f):
    x = np.array([[0.4, -0.9, 1.3], [0.2, 0.7, -0.5]]) if f is softmax_of_a_local_class \
        else X.copy()
    check(f, x, order=2)


def helper_calling_a_method(obj, v):
    return obj.apply(v) * 2.0


def passed_to_a_helper_and_listed(x):
    class Scaled:
        def __init__(self, t):
            self.t = t

        def apply(self, v):
            return np.tanh(v / self.t) * self.t
    s = Scaled(x[0] + 2.0)
    ps = [Scaled(x[1] + 2.0), Scaled(3.0)]
    return np.sum(helper_calling_a_method(s, x) ** 2) + sum(np.sum(p.apply(x)) for p in ps)


def test_an_object_of_a_local_class_passed_to_a_helper_and_listed():
    check(passed_to_a_helper_and_listed, X.copy(), order=2)


def counted(fn):
    COUNTS.append(fn.__name__)
    return fn


COUNTS = []


def a_method_decorated_otherwise(x):
    class Twice:
        @counted
        def apply(self, v):
            return v * 2.0
    return np.sum(Twice().apply(x))


def a_property_and_a_static_method(x):
    class Box:
        def __init__(self, w):
            self._w = w

        @property
        def w(self):
            return self._w * 2.0

        @staticmethod
        def square(v):
            return v * v
    b = Box(x[0])
    return np.sum(b.square(x) * b.w)


def test_a_property_and_a_static_method_of_a_local_class():
    check(a_property_and_a_static_method, X.copy(), order=2)


def reads_a_local(x):
    scale = x[0] * 2.0

    class Scaled:
        def apply(self, v):
            return v * scale
    return np.sum(Scaled().apply(x))


def makes_another_of_itself(x):
    class V:
        def __init__(self, v):
            self.v = v

        def double(self):
            return V(self.v * 2.0)
    return np.sum(V(x).double().v)


def keeps_a_count_on_the_class(x):
    class Counter:
        n = 0

        def bump(self, v):
            type(self).n += 1
            return v * self.n
    c = Counter()
    return np.sum(c.bump(x))


def a_mutable_class_attribute(x):
    class Acc:
        seen = []

        def add(self, v):
            return v * 2.0
    return np.sum(Acc().add(x))


def a_method_binding_what_another_reads(x):
    e = x * 3.0

    class Two:
        def first(self, v):
            e = v + 1.0
            return e

        def second(self, v):
            return v * e
    t = Two()
    return np.sum(t.first(x) + t.second(x))


@pytest.mark.parametrize("f, says", [
    (reads_a_local, "it reads 'scale', a name of the function"),
    (makes_another_of_itself, "it reads 'V', a name of the function"),
    (makes_another_of_itself, "write type(self)(...)"),
    (keeps_a_count_on_the_class, "assigns an attribute of the class"),
    (a_method_decorated_otherwise, "has the decorator @counted"),
    (a_mutable_class_attribute, "its body holds more than defs"),
    (a_method_binding_what_another_reads, "it reads 'e', a name of the function"),
])
def test_a_class_it_cannot_make_once_is_refused_at_its_line(f, says):
    for mode in ("grad", "jvp"):
        err = refusal(f, (X.copy(),), mode)
        assert says in str(err) and "define the class at module level" in str(err), str(err)
        assert "cannot make the class" in str(err)


# A local class whose base is another class of the function's body (`class B(A)`, super()):
# made once, its base read from the module, it crashed (NameError) — or, where the module has
# a class of that name too, would have taken that one (session 28's review). Its base is now
# the local class made before it; a base the function computes is refused.
class A:   # (the module's A: not the local one the function's B takes)
    def f(self, v):
        return v * 100.0


def a_local_class_based_on_another(x):
    class A:
        def f(self, v):
            return v * 2.0

    class B(A):
        def f(self, v):
            return super().f(v) + v ** 2
    return np.sum(B().f(x) * A().f(x[::-1]))


def a_base_the_function_computes(x):
    Kind = Base

    class Twice(Kind):
        def scale(self):
            return self.t * 4.0
    return np.sum(Twice(x).scale())


def test_a_local_class_based_on_another_local_class():
    check(a_local_class_based_on_another, X, order=2)


def test_a_base_the_function_computes_is_refused_at_its_line():
    for mode in ("grad", "jvp"):
        err = refusal(a_base_the_function_computes, (X.copy(),), mode)
        assert "its base reads 'Kind'" in str(err) and err.lineno == \
            a_base_the_function_computes.__code__.co_firstlineno + 3
