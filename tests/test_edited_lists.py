"""srcdiff/edited_lists.py: a local list of objects edited by append, insert, pop and item
stores keeps one class srcdiff reads, so that `vs.pop(0)`, `vs[0]` and operators on them call
the class's methods (issue #13; hunt22's pop_vecs and repeated_appended_vec are gradchecked in
test_hunt22.py). Checked against finite differences (gradcheck.check)."""
import dataclasses

import numpy as np
import pytest

from callable_layers import Layer, Scale, layer as _layer
from gradcheck import check, refusal

X = np.array([0.4, -0.3, 0.9])


@dataclasses.dataclass
class Pt:
    a: np.ndarray
    b: float

    def __add__(self, o):
        return Pt(self.a + o.a, self.b + o.b)

    def __mul__(self, c):
        return Pt(self.a * c, self.b * c)

    def energy(self):
        return np.sum(self.a ** 2) * self.b


@dataclasses.dataclass
class Other:
    a: np.ndarray

    def __mul__(self, c):
        return Other(self.a * c * c)

    def energy(self):
        return np.sum(np.sin(self.a))


def popped_and_put_back(x):
    ps = [Pt(x * 1.0, 0.5), Pt(np.cos(x), 2.0)]
    p = ps.pop()
    ps.append(p * 3.0)
    ps[0] = ps[0] + ps[1]
    return ps[0].energy() + ps[1].energy()


def scaled_in_place(x):
    ps = [Pt(x * 2.0, 1.5)]
    ps.insert(0, Pt(x, 0.5))
    ps[1] = ps[1] * 0.5
    q = ps.pop(0)
    return (q + ps[0]).energy()


@pytest.mark.parametrize("f", [popped_and_put_back, scaled_in_place])
def test_an_edited_list_of_objects_differentiates(f):
    check(f, X, wrt=0, order=1)


def test_second_order():
    check(popped_and_put_back, X, wrt=0, order=2)


def mixed(x):
    ps = [Pt(x * 1.0, 0.5)]
    ps.append(Other(x))
    p = ps.pop()
    return (p * 2.0).energy()


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_items_of_two_classes_are_not_taken_for_one(mode):
    err = refusal(mixed, (X,), mode)
    assert "class" in str(err)


@dataclasses.dataclass
class Sq:
    a: np.ndarray

    def __mul__(self, c):
        return Sq(self.a * self.a * c)


def item_updated(x):
    ps = [Sq(x * 1.0), Sq(x * 2.0)]
    ps[1] *= 0.5
    return np.sum(ps[1].a) + np.sum(ps[0].a)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_updated_by_an_operator_is_refused_not_wrong(mode):
    # ps[1] *= 0.5 is lowered as NumPy's product, not Sq.__mul__ (which squares): reading
    # the items' class here made both modes' derivatives wrong, so such a list tells none
    refusal(item_updated, (X,), mode)


# A list that starts as a copy of a list passed in, whose items are all of one class
# (issue #13; hunt22's pop_records is gradchecked in test_hunt22.py): its items keep that
# class through pop and iteration, so calling one calls the class's __call__.


def popped_while_any(layers, x):
    ls = list(layers)
    h = x
    while ls:
        l = ls.pop()
        h = l(h)
    return np.sum(h ** 2)


def popped_from_the_front(layers, x):
    ls = layers.copy()
    h = x
    for _ in range(len(ls)):
        l = ls.pop(0)
        h = l(h)
    return np.sum(h ** 2)


def last_apart(layers, x):
    layers = layers[:]
    last = layers.pop()
    h = x
    for l in layers:
        h = l(h)
    return np.sum(last(h) * h)


@pytest.mark.parametrize("f", [popped_while_any, popped_from_the_front, last_apart])
def test_a_copy_of_a_list_of_objects_passed_in_is_popped_and_called(f):
    layers = [_layer(1), _layer(2), _layer(3)]
    check(f, layers, X, wrt=0, order=2)
    check(f, layers, X, wrt=1, order=2)


def copied_then_grown(layers, x):
    ls = list(layers)
    ls.append(Scale(0.5))
    l = ls.pop()
    return np.sum(l(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_copy_of_a_list_of_two_classes_is_refused_at_its_line(mode):
    err = refusal(popped_while_any, ([_layer(1), Scale(0.5)], X), mode, wrt=1)
    assert "'l'" in str(err)
    err = refusal(copied_then_grown, ([_layer(1)], X), mode, wrt=1)
    assert "'l'" in str(err)
