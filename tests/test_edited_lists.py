"""srcdiff/edited_lists.py: a local list of objects edited by append, insert, pop and item
stores keeps one class srcdiff reads, so that `vs.pop(0)`, `vs[0]` and operators on them call
the class's methods (issue #13; hunt22's pop_vecs and repeated_appended_vec are gradchecked in
test_hunt22.py). Checked against finite differences (gradcheck.check)."""
import dataclasses

import numpy as np
import pytest

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
