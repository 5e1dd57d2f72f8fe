"""srcdiff/property_setters.py: a property set through its `@value.setter` (`s.value = e`,
`s.value op= e`), called as the method writing its object's fields it is (state_methods.py),
checked against finite differences in both modes and to second order (gradcheck.check); the
located refusals where another name or a list holds the object, where the caller passed it,
and where the class has no such property or field."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.5, -1.0, 0.5])

# A property's setter (`s.value = e` through `@value.setter`): the call of the setter,
# a method writing its object's fields (state_methods.py), on a record made here and held by
# one name; refused, at the write, where another name or a list holds the object, where the
# caller passed it, and where the class has no such property or field.
class Clipped:
    def __init__(self, v):
        self._v = v

    @property
    def value(self):
        return self._v

    @value.setter
    def value(self, new):
        if np.any(np.isnan(new)):
            raise ValueError("value is nan")
        self._v = np.clip(new, -0.5, 0.8)

    def rescale(self, k):
        self.value = self.value * k


class Temperature:
    def __init__(self, kelvin):
        self.kelvin = kelvin

    @property
    def celsius(self):
        return self.kelvin - 273.15

    @celsius.setter
    def celsius(self, c):
        self.kelvin = c + 273.15


def set_through_a_clipping_setter(x):
    c = Clipped(x)
    c.value = c.value * 2.0
    return np.sum(c.value ** 2)


def set_through_a_setter_in_a_method(x):
    c = Clipped(x * 0.5)
    c.rescale(1.5)
    return np.sum(np.sin(c.value))


def set_through_a_setter_in_a_loop(x):
    t = Temperature(np.sum(x ** 2))
    for k in range(3):
        t.celsius = t.celsius * 0.5 + x[k]
    return t.kelvin


def updated_through_a_setter(x):
    t = Temperature(np.sum(x))
    t.celsius *= x[0]
    t.celsius += x[1]
    return t.kelvin * x[2]


@pytest.mark.parametrize("f", [set_through_a_clipping_setter, set_through_a_setter_in_a_method,
                               set_through_a_setter_in_a_loop, updated_through_a_setter])
def test_a_property_set_through_its_setter(f):
    check(f, X * 0.3, order=2)


def set_where_another_name_holds_it(x):
    t = Temperature(x)
    u = t
    t.celsius = x * 2.0
    return np.sum(u.kelvin)


def set_where_a_list_holds_it(x):
    t = Temperature(x)
    ts = [t]
    t.celsius = x * 2.0
    return np.sum(ts[0].kelvin)


def set_on_the_callers_object(t, x):
    t.celsius = x * 2.0
    return np.sum(t.kelvin)


def set_without_a_setter(x):
    t = Temperature(x)
    t.fahrenheit = x * 2.0
    return np.sum(t.kelvin)


@pytest.mark.parametrize("f, args, words", [
    (set_where_another_name_holds_it, (X,), "another name holds this object: `u = t`"),
    (set_where_a_list_holds_it, (X,), "another name holds this object: `ts = [t]`"),
    (set_on_the_callers_object, (Temperature(X), X), "an object the caller passed"),
    (set_without_a_setter, (X,), ".fahrenheit is not one of its fields")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_property_set_where_others_see_it_is_refused_at_its_line(f, args, words, mode):
    err = refusal(f, args, mode, wrt=len(args) - 1)
    assert err.line.strip().endswith("= x * 2.0")
    assert words in str(err), str(err)


def updated_through_a_setter_as_an_array(x):
    t = Temperature(x)
    t.celsius += x ** 2
    return np.sum(t.kelvin * x)


def test_an_array_updated_through_a_setter_is_refused_where_it_runs():
    # `t.celsius += e` updates what the getter gives in place, then sets it: for an array,
    # checked where the code runs as a field's `+=` is
    with pytest.raises(srcdiff.RuntimeRefusal, match="holds an array"):
        srcdiff.grad(updated_through_a_setter_as_an_array)(X.copy())


class Room:
    def __init__(self, t):
        self.temp = Temperature(t)


def set_on_a_nested_object(x):
    r = Room(x)
    r.temp.celsius = x * 2.0
    return np.sum(r.temp.kelvin)


def set_on_an_item_of_a_list(x):
    ts = [Temperature(x), Temperature(x * 2.0)]
    ts[0].celsius = x * 2.0
    return np.sum(ts[0].kelvin)


def set_on_a_nested_object_bound_to_a_name(x):
    r = Room(x)
    t = r.temp
    t.celsius = x * 2.0
    return np.sum(r.temp.kelvin)


@pytest.mark.parametrize("f", [set_on_a_nested_object, set_on_an_item_of_a_list,
                               set_on_a_nested_object_bound_to_a_name])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_property_of_an_object_others_hold_set_is_refused_at_its_line(f, mode):
    # (r.temp, ts[0] and t are objects another holder sees: Python's r.temp.kelvin changes)
    err = refusal(f, (X,), mode)
    assert err.line.strip().endswith(".celsius = x * 2.0")
