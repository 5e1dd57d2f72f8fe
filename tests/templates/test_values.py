"""templates/values.py: a dataclass's field read record_field(p, 'w') (reverse: the
adjoint FieldGrads under the field's name; forward: the field of p's tangent; the adjoint
helper's tangent, met by forward over reverse), a dataclass made in the function
(record_of), a function value made here and passed to a helper (closure_of, partial_of:
linear in the values it carries, whose adjoints come back as record_of's do), sorted's order
and check_class (no derivative). Every case is checked against central differences in reverse mode, forward
mode and to second order."""
import dataclasses
import functools

import numpy as np
import pytest

import srcdiff
from gradcheck import check


@dataclasses.dataclass
class Affine:
    w: np.ndarray
    b: float
    label: str = "affine"

    def apply(self, x):
        return x @ self.w + self.b


def field_reads(p, x):
    return np.sum(np.sin(p.w) * p.b) + np.sum(p.apply(x) ** 2)


def one_field(p, x):
    return np.sum(np.exp(p.w * x[0]))


def sorted_values(x):
    xs = [x[0], x[1] * 3.0, x[2] - 1.0]
    ys = sorted(xs, key=lambda v: v * v)
    return ys[0] * 2.0 + ys[1] * ys[2] ** 2


def made_here(w, x):
    p = Affine(w * 2.0, b=x[0])
    q = Affine(np.sin(w), 0.5, "q")
    return np.sum(p.apply(x) * q.b + q.apply(x) ** 2) + np.sum(p.w)


def _apply(f, x):
    return f(x)


def closure_passed(w, x):
    def g(y):
        return np.sin(y * w)
    return np.sum(_apply(g, x) * w)


def partial_passed(w, x):
    g = functools.partial(np.multiply, w)
    h = functools.partial(np.power, 2.0)
    return np.sum(_apply(g, x) ** 2 + _apply(h, w))


def affine_list(ps, x):   # a list of records: its gradient given back by finalize_items
    for p in ps:
        x = np.tanh(p.apply(x))
    return np.sum(x ** 2)


P = Affine(np.array([[0.3, -0.2], [0.5, 0.1]]), 0.4)
X = np.array([[0.7, -1.1]])


@pytest.mark.parametrize("f, args, wrt", [
    (field_reads, (P, X), 0), (field_reads, (P, X), (0, 1)), (one_field, (P, X[0]), 0),
    (sorted_values, (np.array([0.2, 0.5, 1.3]),), 0),
    (made_here, (P.w, X[0]), (0, 1)),
    (closure_passed, (X[0], X[0] * 0.5), (0, 1)), (partial_passed, (X[0], X[0] * 0.5), (0, 1)),
    (affine_list, ([P, Affine(P.w.T, -0.3, "t")], X), 0)],
    ids=["field_reads", "field_reads_and_x", "one_field", "sorted", "made_here",
         "closure_passed", "partial_passed", "affine_list"])
def test_record_field(f, args, wrt):
    check(f, *args, wrt=wrt, order=2)


@dataclasses.dataclass
class Dense:
    w: np.ndarray
    b: np.ndarray

    def __call__(self, h):
        return np.tanh(self.w @ h + self.b)


def _through(layers, x):
    for layer in layers:
        x = layer(x)
    return np.sum(x)


def layers_given_to_a_helper(layers, x):
    return _through(layers, x)


def test_a_field_of_an_object_not_differentiated_read_in_a_helper_that_is():
    """The helper is differentiated along every argument: the layers' tangent is a zero,
    and its fields' tangents are zeros shaped like the fields (`tan_w @ h` crashed on 0.0)."""
    w = np.array([[0.5, 0.1, -0.2], [0.3, 0.8, 0.05], [-0.1, 0.2, 0.6]])
    b = np.array([0.3, -0.5, 0.7])
    layers = [Dense(w, b), Dense(w.T, -b)]
    check(layers_given_to_a_helper, layers, b, wrt=1, order=2)


def _dense_loss(layer, x):
    return np.sum(layer(x) ** 2)


def gradient_of_a_record_inside(layer, x):
    # the vjp of the gradient gives an object of the record's class: field_grads holds it
    # as differentiated code holds a record's derivative; to second order the tangent of
    # the record's derivative is read field by field (record_field_tangent, differentiated)
    g = srcdiff.grad(_dense_loss)(layer, x)
    return np.sum(g.w * layer.w) + np.sum(np.sin(g.b))


def test_the_gradient_of_a_record_called_inside():
    w = np.array([[0.5, 0.1, -0.2], [0.3, 0.8, 0.05], [-0.1, 0.2, 0.6]])
    b = np.array([0.3, -0.5, 0.7])
    check(gradient_of_a_record_inside, Dense(w, b), b * 2.0, wrt=(0, 1), order=2)
