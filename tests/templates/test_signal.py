"""templates/signal.py: srcdiff.signal.convolve's rules (and convolve_grad's tangent, met by
forward over reverse), checked against central differences in both modes and to second
order with respect to either operand and both (gradcheck.check)."""
import numpy as np
import pytest

from gradcheck import check
from srcdiff.signal import convolve

rng = np.random.default_rng(11)


def images(a, b):
    out = convolve(a, b, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode="valid")
    return np.sum(np.tanh(out))


def images_full(a, b):
    return np.sum(convolve(a, b, axes=([2, 3], [2, 3]), dot_axes=([1], [0])) ** 2)


def vectors_same(a, b):
    return np.sum(np.sin(convolve(a, b, mode="same")) * np.arange(1.0, 6.0))


def smaller_first_valid(a, b):
    return np.sum(convolve(a, b, mode="valid") ** 3)


def one_axis_of_each(a, b):
    return np.sum(np.cos(convolve(a, b, axes=([1], [0]), mode="full")))


@pytest.mark.parametrize("f, shapes", [
    (images, ((2, 2, 5, 4), (2, 3, 3, 2))),
    (images_full, ((1, 2, 3, 3), (2, 2, 2, 2))),
    (vectors_same, ((5,), (3,))),
    (smaller_first_valid, ((2, 3), (4, 5))),
    (one_axis_of_each, ((2, 4), (3, 2))),
])
@pytest.mark.parametrize("wrt", [0, 1, (0, 1)])
def test_convolve(f, shapes, wrt):
    check(f, *[rng.normal(size=s) for s in shapes], wrt=wrt)


def small_convnet(w_vect, inputs, targets):
    # autograd's convnet example in one function: a valid convolution of images with filters
    # taken out of a flat parameter vector, 2x2 max pooling, a dense layer, log-softmax
    filters = np.reshape(w_vect[:16], (1, 4, 2, 2))
    biases = np.reshape(w_vect[16:20], (1, 4, 1, 1))
    dense = np.reshape(w_vect[20:52], (16, 2))
    conv = np.tanh(convolve(inputs, filters, axes=([2, 3], [2, 3]), dot_axes=([1], [0]),
                            mode="valid") + biases)
    pooled = np.max(np.max(conv.reshape((2, 4, 2, 2, 2, 2)), axis=3), axis=4)
    logits = pooled.reshape((2, 16)) @ dense
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(log_probs * targets) + 0.01 * np.dot(w_vect, w_vect)


def test_a_small_convnet():
    check(small_convnet, rng.normal(size=52) * 0.5, rng.normal(size=(2, 1, 5, 5)),
          np.eye(2), wrt=0)
