"""srcdiff/signal.py: autograd's convolve(A, B, axes, dot_axes, mode) written in NumPy. Its
values against the definition written out as loops (out[n] = sum_k A[k] B[n + start - k]
along each convolved pair, summed over dot_axes), in each mode and for either operand the
larger; the refusals autograd makes (a 'valid' pair of mixed sizes, an unknown mode). Its
derivatives are checked in tests/templates/test_signal.py."""
import itertools

import numpy as np
import pytest

from srcdiff.signal import convolve, convolve_grad

rng = np.random.default_rng(7)


def _start(na, nb, mode):
    return {"full": 0, "valid": min(na, nb) - 1, "same": (nb - 1) // 2}[mode]


def _length(na, nb, mode):
    return {"full": na + nb - 1, "valid": abs(na - nb) + 1, "same": na}[mode]


def _by_loops_1d(a, b, mode):
    na, nb = len(a), len(b)
    s = _start(na, nb, mode)
    out = np.zeros(_length(na, nb, mode))
    for n in range(len(out)):
        for k in range(na):
            if 0 <= n + s - k < nb:
                out[n] += a[k] * b[n + s - k]
    return out


def _by_loops_images(images, filters, mode):
    """convolve(images, filters, axes=([2, 3], [2, 3]), dot_axes=([1], [0])): images
    (N, C, H, W), filters (C, F, h, w) -> (N, F, H', W')."""
    N, C, H, W = images.shape
    _, F, h, w = filters.shape
    sh, sw = _start(H, h, mode), _start(W, w, mode)
    out = np.zeros((N, F, _length(H, h, mode), _length(W, w, mode)))
    for i, f, y, x in itertools.product(*map(range, out.shape)):
        for c, ky, kx in itertools.product(range(C), range(H), range(W)):
            py, px = y + sh - ky, x + sw - kx
            if 0 <= py < h and 0 <= px < w:
                out[i, f, y, x] += images[i, c, ky, kx] * filters[c, f, py, px]
    return out


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("na, nb", [(5, 3), (3, 5), (4, 4), (1, 3)])
def test_one_dimension_is_the_definition(na, nb, mode):
    a, b = rng.normal(size=na), rng.normal(size=nb)
    np.testing.assert_allclose(convolve(a, b, mode=mode), _by_loops_1d(a, b, mode),
                               atol=1e-12)


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_images_and_filters_over_chosen_axes(mode):
    images, filters = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(3, 2, 3, 2))
    got = convolve(images, filters, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode=mode)
    np.testing.assert_allclose(got, _by_loops_images(images, filters, mode), atol=1e-12)


def test_the_output_axes_are_As_others_then_Bs_then_the_convolved():
    a, b = rng.normal(size=(4, 2, 5)), rng.normal(size=(3, 6))
    out = convolve(a, b, axes=([2], [1]), mode="valid")
    assert out.shape == (4, 2, 3, 2)
    np.testing.assert_allclose(out[1, 0, 2], _by_loops_1d(a[1, 0], b[2], "valid"))


def test_the_adjoints_are_the_transposes():
    # <g, convolve(A, B)> = <convolve_grad(g, ..., 0), A> = <convolve_grad(g, ..., 1), B>
    a, b = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(3, 2, 3, 2))
    for mode in ("full", "valid", "same"):
        kw = dict(axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode=mode)
        out = convolve(a, b, **kw)
        g = rng.normal(size=out.shape)
        for which, x in ((0, a), (1, b)):
            adjoint = convolve_grad(g, a, b, which=which, **kw)
            assert adjoint.shape == x.shape
            np.testing.assert_allclose(np.sum(adjoint * x), np.sum(g * out), rtol=1e-10)


@pytest.mark.parametrize("kwargs, match", [
    (dict(mode="circular"), "mode must be one of"),
    (dict(mode="valid", axes=([0, 1], [0, 1])), "at least as large"),
    (dict(axes=([0], [0, 1])), "pair an axis"),
    (dict(axes=([0, 0], [0, 1])), "distinct axes"),
])
def test_what_autograd_refuses_is_a_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        convolve(rng.normal(size=(4, 2)), rng.normal(size=(3, 3)), **kwargs)
