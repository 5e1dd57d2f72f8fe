"""srcdiff/record_notes.py: the classes of records made inline as a helper's argument, or in a
list display only ever passed on, are noted for the helper. Every derivative is checked
against finite differences (gradcheck.check: both modes, and second order)."""
import dataclasses
import typing

import numpy as np
import pytest

import srcdiff
from gradcheck import check


@dataclasses.dataclass
class _WB:
    w: np.ndarray
    b: float


def _wb_loss(p, x):
    return np.sum(p.w * x) * p.b


def _made_inline(x):
    return _wb_loss(_WB(x[:3], x[3]), x[3:])


def test_a_record_made_inline_as_a_helpers_argument_differentiates():
    """`loss(Params(w, b), x)`: the helper was not told the class of what it was given (as
    it is for `p = Params(w, b); loss(p, x)`) and refused `p.b`."""
    check(_made_inline, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


class _Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b


def _forward(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(layer.W @ h + layer.b)
    return np.sum(h ** 2)


def _layers_made_here(x):
    layers = [_Affine(x[:4].reshape(2, 2), x[4:6]), _WB(x[2:4], x[5])]
    kept = (_Affine(x[2:6].reshape(2, 2), x[:2]),)
    return _forward(layers[:1], x[:2]) + _forward(kept, x[1:3])


def _mixed_list(x):
    layers = [_Affine(x[:4].reshape(2, 2), x[4:6]), _Affine(x[2:6].reshape(2, 2), x[:2])]
    return _forward(layers, np.array([0.5, -0.3]))


def test_a_list_of_records_made_here_and_passed_to_a_helper_differentiates():
    """`layers = [Affine(W1, b1), Affine(W2, b2)]; forward(layers, x)`: the helper was not
    told its items' class and refused `layer.b`; a list only ever passed on whole now
    tells it, as a list passed in does. A list sliced first (`layers[:1]`) was refused
    ("attribute .b"): its slice's items are some of its own, of the classes noted."""
    check(_mixed_list, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))
    check(_layers_made_here, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


class _Pair(typing.NamedTuple):
    w: np.ndarray
    b: float


def _forward_wb(layers, x):
    h = x
    for layer in layers:
        h = np.tanh(layer.w * h + layer.b)
    return np.sum(h ** 2)


def _sliced_both_ways(x):
    layers = [_Affine(x[:4].reshape(2, 2), x[4:6]), _Affine(x[2:6].reshape(2, 2), x[:2])]
    return _forward(layers[:1], x[:2]) + _forward(layers[1:], x[1:3]) + \
        _forward(layers[::-1], x[3:5])


def _named_tuples_sliced(x):
    layers = [_Pair(x[:2], x[4]), _Pair(x[2:4], x[5]), _Pair(x[1:3], x[0])]
    return _forward_wb(layers[1:], x[:2]) + _forward_wb(layers[::-2], x[1:3])


def _loop_over_a_slice(x):
    layers = [_WB(x[:2], x[4]), _WB(x[2:4], x[5]), _WB(x[1:3], x[0])]
    h = x[:2]
    for layer in layers[1:]:
        h = np.tanh(layer.w * h + layer.b)
    for layer in layers[::-1]:
        h = np.tanh(layer.w * h * layer.b)
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [_sliced_both_ways, _named_tuples_sliced, _loop_over_a_slice])
def test_a_list_of_records_made_here_sliced_differentiates(f):
    check(f, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


def _passed_sliced(layers, x):
    return _forward_wb(layers[:1], x) + _forward_wb(layers[::-1], x)


def _passed_loop_over_a_slice(layers, x):
    h = x
    for layer in layers[1:]:
        h = np.tanh(layer.w * h + layer.b)
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [_passed_sliced, _passed_loop_over_a_slice])
@pytest.mark.parametrize("kind", [_WB, _Pair])
def test_a_list_of_records_passed_in_sliced_differentiates(f, kind):
    x = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])
    layers = [kind(x[:2], 0.3), kind(x[2:4], -0.4), kind(x[4:6], 0.8)]
    check(f, layers, x[:2], wrt=1)


def test_a_slice_of_a_list_of_several_classes_in_a_loop_stays_refused():
    """`for layer in layers[1:]` over items of two classes: srcdiff cannot tell which an
    item is before the code runs."""
    def f(x):
        layers = [_WB(x[:2], x[4]), _Affine(x[:4].reshape(2, 2), x[2:4])]
        h = x[:2]
        for layer in layers[1:]:
            h = h * layer.b
        return np.sum(h)
    with pytest.raises(srcdiff.SrcdiffError, match="attribute .b|class"):
        srcdiff.grad(f)(np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))
