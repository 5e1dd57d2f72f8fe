"""srcdiff/class_calls.py: `type(self)(...)` and `self.__class__(...)` make an object of
the class srcdiff knows the object has (a dataclass, a record class, a class whose
__init__ computes its fields, a subclass's own class), checked against finite differences
in both modes and to second order (gradcheck.check); where the class cannot be told, the
call is refused at the user's line."""
import dataclasses

import numpy as np
import pytest

from gradcheck import check, refusal

X = np.array([0.3, -0.5, 0.7])


@dataclasses.dataclass
class Dense:
    w: np.ndarray
    b: float = 0.5

    def scaled(self, c):
        return type(self)(self.w * c, self.b * c)

    def again(self, c):
        return self.__class__(w=np.sin(self.w) * c)


class Plain:   # a record class: its __init__ stores each parameter
    def __init__(self, w):
        self.w = w

    def scaled(self, c):
        return type(self)(self.w * c)

    def twice(self):
        made = self.__class__(self.w * 2.0)
        return type(self)(made.w * made.w)


class Offset(Plain):   # type(self) is the subclass where the object is one
    def scaled(self, c):
        return self.__class__(self.w * c + 1.0)


class Doubled:   # its __init__ computes the field
    def __init__(self, w):
        self.w = w * 2.0
        self.n = 3

    def scaled(self, c):
        return type(self)(self.w * c)


def dataclass_type_of_self(x):
    return np.sum(Dense(x).scaled(2.0).w ** 2) + Dense(x).again(3.0).w @ x


def record_type_of_self(x):
    return np.sum(Plain(x).scaled(2.0).w * x) + np.sum(Plain(x).twice().w)


def computed_fields(x):
    return np.sum(Doubled(x).scaled(3.0).w ** 2)


def type_of_a_local(x):
    o = Plain(x * x)
    return np.sum(type(o)(np.tanh(o.w)).w * x)


def objects_passed(x, layers):
    s = 0.0
    for layer in layers:
        s = s + np.sum(layer.scaled(2.0).w * x)
    return s


def local_classes():
    class Local:
        def __init__(self, w):
            self.w = w

        def scaled(self, c):
            return type(self)(self.w * c)

    @dataclasses.dataclass
    class LocalData:
        w: np.ndarray

        def scaled(self, c):
            return self.__class__(w=self.w * c)

    def local_record(x):
        return np.sum(Local(x).scaled(2.0).w * x)

    def local_dataclass(x):
        return np.sum(LocalData(np.cos(x)).scaled(2.0).w * x)
    return [local_record, local_dataclass]


@pytest.mark.parametrize("f", [dataclass_type_of_self, record_type_of_self, computed_fields,
                               type_of_a_local] + local_classes(), ids=lambda f: f.__name__)
def test_an_object_of_its_own_class(f):
    check(f, X.copy())


@pytest.mark.parametrize("cls", [Plain, Offset])
@pytest.mark.parametrize("wrt", [0, 1])
def test_objects_passed_make_ones_of_their_class(cls, wrt):
    check(objects_passed, X.copy(), [cls(X + 1.0), cls(X - 2.0)], wrt=wrt)


def type_of_a_number(x, c):
    return np.sum(type(c)(x[0]) * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_class_it_cannot_tell_is_refused_at_the_line(mode):
    err = refusal(type_of_a_number, (X, 2.0), mode)
    assert "cannot tell which class type(c) is before the code runs" in str(err), str(err)
    assert err.line.strip() == "return np.sum(type(c)(x[0]) * x)"


class Scaled:   # alternate constructors, a property, an override calling super()
    def __init__(self, w):
        self.w = w

    @staticmethod
    def make(w):
        return Scaled(w)

    @classmethod
    def from_scale(cls, w, s):
        return cls(w * s)

    @property
    def squared(self):
        return self.w * self.w

    def apply(self, x):
        return self.w * x


class Twice(Scaled):
    def apply(self, x):
        return super().apply(x) * 2.0 + x


def other_ways_to_make_and_call(x):
    a = Scaled.from_scale(x, 2.0)
    b = Scaled.make(np.sin(x))
    return np.sum(a.squared + b.apply(x)) + np.sum(Twice(x).apply(x))


def test_alternate_constructors_a_property_and_super_in_an_override():
    # issue #13's item 7 forms, which followed before type(self)(...) did: kept following
    check(other_ways_to_make_and_call, X.copy())
