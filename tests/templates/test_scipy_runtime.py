"""templates/scipy_runtime.py: the rules of srcdiff.runtime_scipy's helpers (met by
forward-over-reverse code through the SciPy rules' emitted gradients), each helper called as
a plain function through gradcheck.check, both modes and second order."""
import numpy as np
import pytest

pytest.importorskip("scipy")

from gradcheck import check  # noqa: E402
from srcdiff import runtime_scipy as rs  # noqa: E402

rng = np.random.default_rng(13)
W = np.arange(1.0, 10.0).reshape(3, 3)


def _m():
    return rng.normal(size=(3, 3))


def test_reduced_input():
    for like, b, axis, keep, shape in [(np.ones((2, 3)), None, 1, False, (2,)),
                                       (np.ones(3), np.ones((2, 3)), 0, False, (3,)),
                                       (np.ones((2, 3)), None, None, False, ()),
                                       (np.ones((2, 3)), None, (0, 1), True, (1, 1))]:
        check(lambda v: np.sum(rs.reduced_input(v, like, b, axis, keep) * np.arange(6.0).reshape(
            2, 3) ** 2), rng.normal(size=shape))


def test_weighted():
    check(lambda p, b: np.sum(rs.weighted(p, b) ** 2), rng.normal(size=3), rng.normal(size=3),
          wrt=(0, 1))
    check(lambda p: np.sum(rs.weighted(p, None) ** 2), rng.normal(size=3))


def test_polygamma_of():
    check(lambda x: np.sum(rs.polygamma_of(1, x) * x), rng.uniform(0.5, 3, 3))
    check(lambda x: rs.polygamma_of(3, x), 1.7)


def test_multipolygamma():
    check(lambda a: rs.multipolygamma(1, a, 3) * a, 2.7)
    check(lambda a: np.sum(rs.multipolygamma(0, a, 2)), rng.uniform(2, 4, 2))


def test_lower_gradient_and_lower_tangent():
    check(lambda g: np.sum(rs.lower_gradient(g) ** 2 * W), _m())
    check(lambda t: np.sum(rs.lower_tangent(t) ** 2 * W), _m())


def test_deviation():
    check(lambda x, m: np.sum(rs.deviation(x, m) ** 2), rng.normal(size=(2, 3)),
          rng.normal(size=3), wrt=(0, 1))
    check(lambda x: np.sum(rs.deviation(x, None) ** 2), rng.normal(size=3))


def test_rows_of():
    check(lambda a: np.sum(rs.rows_of(a) ** 3), rng.normal(size=(2, 2, 3)))


@pytest.mark.parametrize("lower", [False, True])
def test_factor_of_and_triangle(lower):
    check(lambda m: np.sum(rs.factor_of(m, lower) ** 2 * W), _m())
    check(lambda m: np.sum(rs.factor_of_adjoint(m, lower) ** 2 * W), _m())
    check(lambda m: np.sum(rs.triangle(m, lower, True) ** 2 * W), _m())
    check(lambda m: np.sum(rs.triangle(m, lower) ** 2 * W), _m())


def test_transpose_if_halve_lower_as_columns():
    check(lambda m: np.sum(rs.transpose_if(m, 1) ** 2 * W), _m())
    check(lambda m: np.sum(rs.transpose_if(m, 0) ** 2 * W), _m())
    check(lambda m: np.sum(rs.halve_lower(m) ** 2 * W), _m())
    check(lambda v: np.sum(rs.as_columns(v) ** 3 * np.arange(3.0).reshape(3, 1)),
          rng.normal(size=3))


def test_item_adjoint():
    m = _m()
    check(lambda g: np.sum(rs.item_adjoint((m, True), 0, g)[0] ** 2 * W), _m())


def test_expm_frechet():
    """forward mode only: the helper has a tangent rule (forward over reverse of expm)"""
    check(lambda a, e: np.sum(rs.expm_frechet(a, e) * W), 0.5 * _m(), _m(), wrt=(0, 1),
          modes=("fwd",), order=1)


def test_pad_to_full_crop_from_full_pad_into():
    a, b = np.ones((4, 3)), np.ones((2, 2))
    check(lambda g: np.sum(rs.pad_to_full(g, a, b) ** 2 * np.arange(20.0).reshape(5, 4)),
          rng.normal(size=(3, 2)))
    check(lambda g: np.sum(rs.crop_from_full(g, b) ** 3), rng.normal(size=(5, 4)))
    check(lambda g: np.sum(rs.pad_into(g, a) ** 2 * np.arange(12.0).reshape(4, 3)),
          rng.normal(size=(2, 2)))
