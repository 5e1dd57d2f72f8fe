"""srcdiff/object_loops.py: `for p in params` over an object of the user's class whose
`__iter__` yields its fields or returns iter() of a field, checked against finite
differences in both modes and to second order (gradcheck.check); loops Python would run
through `__getitem__`, or an `__iter__` of another form, stay refused at the user's line."""
import numpy as np
import pytest

from gradcheck import check, refusal

X = np.array([0.3, -0.5, 0.7])


class Pair:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        yield self.a
        yield self.b * self.a


class Items:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class Indexed:   # no __iter__: Python's loop calls __getitem__(0), (1), ... until IndexError
    def __init__(self, items):
        self.items = items

    def __getitem__(self, i):
        return self.items[i]


class Shuffled(Items):
    def __iter__(self):
        return iter(self.items[::-1] + [self.items[0]])


def yielded_fields(x):
    s = 0.0
    for p in Pair(x, 2.0 * x):
        s = s + np.sum(p ** 2)
    return s


def iter_of_a_field(x):
    params = Items([x, np.sin(x)])
    s = 0.0
    for p in params:
        s = s + np.sum(p * x)
    return s


def in_a_comprehension(x):
    params = Items([x, np.cos(x), x * x])
    return sum([np.sum(p * p) for p in params])


def passed_in(params, x):
    s = 0.0
    for p in params:
        s = s + np.sum(np.tanh(p) * x)
    return s


def by_length_and_index(x):
    params = Items([x, np.sin(x)])
    s = 0.0
    for i in range(len(params)):
        s = s + np.sum(params[i] * x)
    return s


@pytest.mark.parametrize("f", [yielded_fields, iter_of_a_field, in_a_comprehension,
                               by_length_and_index])
def test_a_loop_over_an_object_made_here(f):
    check(f, X.copy())


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("cls", [Items, Pair])
def test_a_loop_over_an_object_passed_in(cls, wrt):
    params = Items([X + 1.0, X * X]) if cls is Items else Pair(X + 1.0, X * X)
    check(passed_in, params, X.copy(), wrt=wrt)


def over_getitem(x):
    s = 0.0
    for p in Indexed([x, x * x]):
        s = s + np.sum(p)
    return s


def over_another_iter(x):
    s = 0.0
    for p in Shuffled([x, x * x]):
        s = s + np.sum(p)
    return s


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, method", [(over_getitem, "__getitem__"),
                                       (over_another_iter, "__iter__")])
def test_loops_it_does_not_follow_are_refused_at_the_line(f, method, mode):
    err = refusal(f, (X,), mode)
    assert f"Python calls its {method} there" in str(err), str(err)
    assert err.line.strip().startswith("for p in ")


class Nested:
    def __init__(self, parts, scale):
        self.parts = parts
        self.scale = scale

    def __iter__(self):
        return iter(self.parts["w"])


def iter_of_an_item_made_in_the_header(x):
    s = 0.0
    for p in Nested({"w": [x, np.sin(x)]}, 2.0):
        s = s + np.sum(p * x)
    return s


def test_the_object_made_in_the_loop_header_is_made_once():
    check(iter_of_an_item_made_in_the_header, X.copy())


class Swapped:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        return iter((self.b, self.a * 2.0))


class Flipped:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        return iter((self.b, self.a))


def unpacked_display_iter(x):
    v = Flipped(x, x ** 2)
    first, second = v
    return np.sum(first * 3.0 + second ** 3)


def looped_display_iter(x):
    s = 0.0
    v = Flipped(x, np.sin(x))
    for k, p in enumerate(v):
        s = s + (k + 1.0) * np.sum(p ** 2)
    return s


# hunt 30: `a, b = v` of an object whose __iter__ returns iter((self.b, self.a)) crashed in
# the emitted code ('Flipped' object is not subscriptable: read as v[0], v[1]); the tuple
# display of self's fields is followed now, for unpacking and for loops alike.
@pytest.mark.parametrize("f", [unpacked_display_iter, looped_display_iter])
def test_an_iter_returning_a_display_of_fields_is_followed(f):
    check(f, X.copy())


def test_an_iter_computing_its_display_stays_refused():
    def computed(x):
        s = 0.0
        for p in Swapped(x, x * x):
            s = s + np.sum(p)
        return s
    assert "Python calls its __iter__ there" in str(refusal(computed, (X,), "grad"))
