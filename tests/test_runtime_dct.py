"""srcdiff/runtime_dct.py: dct_grad is the transpose of the transform it is given (finite
differences of <cotangent, call(x)> give it exactly), for each kind, type, norm, n or s."""
import numpy
import pytest

fft = pytest.importorskip("scipy.fft")

from srcdiff.runtime_dct import dct_grad  # noqa: E402
from gradcheck import assert_close_tree, numerical_grad  # noqa: E402

RNG = numpy.random.default_rng(21)
X = RNG.normal(size=(3, 4))


@pytest.mark.parametrize("name, type_, shape, axes, norm, ortho", [
    ("dct", 2, None, -1, None, None), ("idct", 1, 6, 0, "ortho", None),
    ("dct", 4, 2, 1, "forward", None), ("dct", 2, None, 0, "ortho", False),
    ("dctn", 3, None, None, None, None), ("idctn", 2, (4, 2), (0, 1), "ortho", None),
    ("dctn", 1, None, [1], "backward", None)])
def test_dct_grad_is_the_transpose(name, type_, shape, axes, norm, ortho):
    f = getattr(fft, name)

    def call(x):
        return f(x, type_, shape, axes, norm, orthogonalize=ortho)
    g = RNG.normal(size=call(X).shape)
    assert_close_tree(dct_grad(g, X, name, type_, shape, axes, norm, ortho),
                      numerical_grad(call, [X], 0, cotangent=g), 1e-6, 1e-8)
