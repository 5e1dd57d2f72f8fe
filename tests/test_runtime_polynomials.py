"""srcdiff/runtime_polynomials.py: the polynomial helpers against NumPy's own polynomials
(their derivatives in the rules are tests/templates/test_polynomials.py's)."""
import numpy as np
import pytest

from srcdiff.runtime_polynomials import (poly_coefficient_grad, poly_derivative_at, poly_powers,
                                         polyder_grad, polyint_grad)

C = np.array([0.5, -1.2, 2.0, 0.3])


@pytest.mark.parametrize("m", [0, 1, 2, 4])
def test_derivative_at_is_polyval_of_polyder(m):
    x = np.array([[0.0, 0.4], [-1.3, 2.0]])
    want = np.polyval(np.polyder(C, m), x) if m < len(C) else np.zeros_like(x)
    assert np.allclose(poly_derivative_at(C, x, m), want)


def test_powers_are_finite_at_zero():
    got = poly_powers(np.array([0.0, 1.0]), C, 1)
    assert np.all(np.isfinite(got)) and got.shape == (4, 2)
    assert np.allclose(got[:, 0], [0.0, 0.0, 1.0, 0.0])


def test_coefficient_grad_is_the_transpose_of_polyval():
    """<grad, polyval(e_i, x)> for each unit coefficient vector e_i, items broadcast."""
    rng = np.random.default_rng(0)
    c = rng.normal(size=(3, 2))
    x = rng.normal(size=(4, 1))
    grad = rng.normal(size=(4, 2))
    got = poly_coefficient_grad(grad, c, x)
    want = np.zeros_like(c)
    for i in np.ndindex(c.shape):
        unit = np.zeros_like(c)
        unit[i] = 1.0
        want[i] = np.sum(grad * np.polyval(unit, x))
    assert np.allclose(got, want)


@pytest.mark.parametrize("m", [1, 2, 5])
def test_polyder_and_polyint_grads_are_transposes(m):
    p = np.array([0.7, -0.4, 1.3, 2.0])
    for func, grad_of in ((np.polyder, polyder_grad), (np.polyint, polyint_grad)):
        grad = np.arange(1.0, 1.0 + len(func(p, m)))
        want = [np.sum(grad * func(np.eye(len(p))[i], m)) for i in range(len(p))]
        assert np.allclose(grad_of(grad, p, m), want)


def test_poly_tail_is_the_transpose_of_padding():
    from srcdiff.runtime_polynomials import poly_tail
    grad = np.array([1.0, 2.0, 3.0, 4.0])
    short, long = np.array([0.5, 0.2]), np.ones(4)
    for a, b in ((short, long), (long, short)):
        want = [np.sum(grad * np.polyadd(np.eye(len(a))[i], np.zeros(len(b))))
                for i in range(len(a))]
        assert np.allclose(poly_tail(grad, a), want)
    assert np.isclose(poly_tail(grad, 0.3), 4.0)


def test_polymul_is_the_tail_of_the_whole_product_and_padded_is_its_transpose():
    from srcdiff.runtime_polynomials import poly_padded
    a, b = np.array([0.0, 2.0, -1.0]), np.array([0.0, 0.5, 3.0, 1.0])
    whole = np.convolve(a, b)
    short = np.polymul(a, b)                  # poly1d dropped both leading zeros
    assert len(short) == len(whole) - 2 and np.allclose(whole[-len(short):], short)
    g = np.arange(1.0, len(short) + 1.0)
    padded = poly_padded(g, a, b)
    assert padded.shape == whole.shape and np.allclose(padded[-len(short):], g)
    assert np.all(padded[:2] == 0)


def test_check_polymul_refuses_leading_zeros_only():
    from srcdiff.errors import RuntimeRefusal
    from srcdiff.runtime_polynomials import check_polymul
    check_polymul(np.array([1.0, 0.0]), 0.0, None)      # a trailing zero, a number: fine
    check_polymul([0.0], np.array([2.0, 1.0]), None)     # the zero polynomial: one coefficient
    with pytest.raises(RuntimeRefusal, match="leading zero"):
        check_polymul(np.array([0.0, 1.0]), np.array([1.0]), "here.py:3")


def test_poly_root_slopes_are_central_differences_of_numpy_poly():
    from srcdiff.runtime_polynomials import poly_root_slopes
    r, h = np.array([0.4, -1.3, 0.9, 0.4]), 1e-6
    first = poly_root_slopes(r, 1)
    second = poly_root_slopes(r, 2)
    for i in range(4):
        e = np.eye(4)[i] * h
        assert np.allclose(first[i], (np.poly(r + e) - np.poly(r - e)) / (2 * h), atol=1e-8)
        assert np.allclose(second[i], (poly_root_slopes(r + e, 1) - poly_root_slopes(r - e, 1))
                           / (2 * h), atol=1e-7)


def test_polydiv_helpers_are_the_transposes_of_numpy_polydiv_and_multiplying():
    from srcdiff.runtime_polynomials import poly_correlate, poly_front, poly_quotient_adjoint
    rng = np.random.default_rng(2)
    u, v, h, g = rng.normal(size=6), rng.normal(size=3), rng.normal(size=4), rng.normal(size=6)
    # <Q u, h> = <u, Q^T h> for the quotient's map Q (linear in u)
    assert np.isclose(np.polydiv(u, v)[0] @ h, u @ poly_quotient_adjoint(h, v, 6))
    # <conv(q, v), g> = <q, C_v^T g>
    assert np.isclose(np.convolve(h, v) @ g, h @ poly_correlate(g, v, 4))
    assert poly_front(np.array([1.0, 2.0]), 4).tolist() == [0.0, 0.0, 1.0, 2.0]
    assert not poly_quotient_adjoint(h[:1], v, 2).any()   # u shorter than v: q is zero
