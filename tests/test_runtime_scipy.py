"""srcdiff/runtime_scipy.py: the helpers of the SciPy rules, tested directly. Linear helper
pairs are checked as transposes (finite differences of <g, forward(x)> give the adjoint);
the covariance a multivariate normal reads, the Frechet derivatives of expm and the
convolution windows against SciPy itself."""
import numpy
import pytest

from srcdiff import runtime_scipy as rsp
from srcdiff.errors import SrcdiffError
from gradcheck import assert_close_tree, directional_difference, numerical_grad

scipy = pytest.importorskip("scipy")
import scipy.linalg  # noqa: E402
import scipy.signal  # noqa: E402
import scipy.stats  # noqa: E402

RNG = numpy.random.default_rng(5)


def _transpose(forward, x, g):
    return numerical_grad(forward, [x], 0, cotangent=g)


def test_lower_gradient_is_the_transpose_of_lower_tangent():
    t, g = RNG.normal(size=(4, 4)), RNG.normal(size=(4, 4))
    assert_close_tree(rsp.lower_gradient(g), _transpose(rsp.lower_tangent, t, g), 1e-6, 1e-8)
    assert not numpy.any(numpy.triu(rsp.lower_gradient(g), 1))


@pytest.mark.parametrize("cov", [2.0, numpy.array([1.0, 2.0, 0.5]),
                                 numpy.array([[2.0, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 1.5]])])
def test_covariance_is_what_scipy_reads_and_its_gradient_the_transpose(cov):
    mean = numpy.zeros(3)
    x = RNG.normal(size=3)
    dense = rsp.covariance(cov, mean)
    assert scipy.stats.multivariate_normal(mean, cov).logpdf(x) == pytest.approx(
        scipy.stats.multivariate_normal(mean, dense).logpdf(x))
    g = RNG.normal(size=(3, 3))
    expected = _transpose(lambda c: rsp.covariance(c, mean), numpy.asarray(cov, dtype=float), g)
    assert_close_tree(numpy.asarray(rsp.covariance_gradient(g, cov), dtype=float),
                      numpy.asarray(expected), 1e-6, 1e-8)


def test_mvn_and_dirichlet_points_are_refused_at_the_users_line_when_scipy_reads_them_otherwise():
    with pytest.raises(SrcdiffError):
        rsp.check_mvn_points(numpy.ones(2), numpy.zeros(3), numpy.eye(3), "model.py:2")
    rsp.check_mvn_points(numpy.ones((5, 3)), numpy.zeros(3), numpy.eye(3), "model.py:2")
    alpha = numpy.ones(4)
    rsp.check_dirichlet_points(numpy.full(3, 0.2), alpha, "model.py:2")
    with pytest.raises(SrcdiffError):
        rsp.check_dirichlet_points(numpy.full(2, 0.2), alpha, "model.py:2")


@pytest.mark.parametrize("k", [3, 4])
def test_simplex_point_its_tangent_and_gradient(k):
    alpha = numpy.ones(4)
    x = RNG.uniform(0.05, 0.2, size=3)
    if k == 4:
        x = numpy.append(x, 1 - numpy.sum(x))
    assert scipy.stats.dirichlet(alpha).logpdf(rsp.simplex_point(x, alpha)) == pytest.approx(
        scipy.stats.dirichlet(alpha).logpdf(x))
    t, g = RNG.normal(size=k), RNG.normal(size=4)
    assert_close_tree(rsp.simplex_tangent(t, x, alpha),
                      directional_difference(lambda v: rsp.simplex_point(v, alpha), x, t),
                      1e-6, 1e-8)
    assert_close_tree(rsp.simplex_gradient(g, x, alpha),
                      _transpose(lambda v: rsp.simplex_point(v, alpha), x, g), 1e-6, 1e-8)


@pytest.mark.parametrize("lower", [True, False])
def test_factor_of_adjoint_is_the_transpose_of_factor_of(lower):
    c, g = RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))
    assert_close_tree(rsp.factor_of_adjoint(g, lower),
                      _transpose(lambda v: rsp.factor_of(v, lower), c, g), 1e-6, 1e-8)
    spd = c @ c.T + 3 * numpy.eye(3)
    factor = scipy.linalg.cho_factor(spd, lower=lower)
    chol = rsp.factor_of(factor[0], lower)
    assert_close_tree(chol @ chol.T, spd, 1e-10, 1e-10)


@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
def test_trans_flags(trans):
    m = RNG.normal(size=(3, 3))
    flipped = rsp.transpose_if(m, rsp.flipped_trans(trans))
    assert numpy.array_equal(rsp.transpose_if(flipped, trans), m.T)


def test_expm_frechet_and_its_derivative_match_differences():
    a, e, da = (0.3 * RNG.normal(size=(3, 3)) for _ in range(3))
    eps = 1e-6
    along = (scipy.linalg.expm(a + eps * e) - scipy.linalg.expm(a - eps * e)) / (2 * eps)
    assert_close_tree(rsp.expm_frechet(a, e), along, 1e-6, 1e-8)
    second = (rsp.expm_frechet(a + eps * da, e) - rsp.expm_frechet(a - eps * da, e)) / (2 * eps)
    assert_close_tree(rsp.expm_frechet_second(a, e, da), second, 1e-5, 1e-7)


def test_block_helpers_are_transposes_and_the_frechet_derivative_a_corner():
    small, big = RNG.normal(size=(3, 3)), RNG.normal(size=(6, 6))
    assert_close_tree(rsp.corner_of(big), _transpose(rsp.upper_corner, small, big), 1e-6, 1e-8)
    assert_close_tree(rsp.upper_corner(small), _transpose(rsp.corner_of, big, small), 1e-6,
                      1e-8)
    assert_close_tree(rsp.diagonal_blocks(big), _transpose(rsp.doubled, small, big), 1e-6, 1e-8)
    assert_close_tree(rsp.doubled(small), _transpose(rsp.diagonal_blocks, big, small), 1e-6,
                      1e-8)
    a, e = 0.3 * RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))
    whole = scipy.linalg.expm(numpy.block([[a, e], [a * 0, a]]))
    assert_close_tree(rsp.corner_of(whole), rsp.expm_frechet(a, e), 1e-10, 1e-12)
    g = RNG.normal(size=(3, 3))
    assert rsp.expm_frechet_cotangents([e, g], True) == [e, g]
    pair = rsp.expm_frechet_cotangents(g, False)
    assert not pair[0].any() and pair[1] is g


@pytest.mark.parametrize("mode", ["same", "valid"])
def test_convolution_windows_are_transposes_and_centered_as_scipy_crops(mode):
    in1, in2 = RNG.normal(size=(6, 5)), RNG.normal(size=(3, 2))
    part = scipy.signal.convolve(in1, in2, mode)
    full = scipy.signal.convolve(in1, in2, "full")
    assert_close_tree(rsp.crop_from_full(full, part), part, 1e-12, 1e-12)
    g = RNG.normal(size=part.shape)
    assert numpy.sum(g * rsp.crop_from_full(full, part)) == pytest.approx(
        numpy.sum(rsp.pad_to_full(g, in1, in2) * full))
    assert numpy.array_equal(rsp.pad_into(g, full), rsp.pad_to_full(g, in1, in2))


def test_check_real_refuses_complex_values():
    rsp.check_real("real only", "model.py:1", 1.0, numpy.ones(2), [1.0])
    with pytest.raises(SrcdiffError, match="real only"):
        rsp.check_real("real only", "model.py:1", numpy.ones(2), [1j])


def test_polygamma_of_a_cupy_array_calls_cupyx_zeta_and_gamma(monkeypatch):
    """On a CuPy array (a type of module cupy) polygamma_of calls cupyx.scipy.special's zeta
    and gamma: SciPy's Hurwitz zeta ufunc is named _zeta, which CuPy looks up in cupyx, where
    it is a module. A fake cupyx module records the calls; the values are polygamma's."""
    import sys
    import types
    from device_arrays import StrictArray

    calls = []
    special = types.ModuleType("cupyx.scipy.special")
    special.zeta = lambda s, x: calls.append("zeta") or scipy.special.zeta(s, x)
    special.gamma = lambda x: calls.append("gamma") or scipy.special.gamma(x)
    cupyx = types.ModuleType("cupyx")
    cupyx.scipy = types.ModuleType("cupyx.scipy")
    cupyx.scipy.special = special
    for name, module in [("cupyx", cupyx), ("cupyx.scipy", cupyx.scipy),
                         ("cupyx.scipy.special", special)]:
        monkeypatch.setitem(sys.modules, name, module)
    fake = type("ndarray", (StrictArray,), {"__module__": "cupy"})
    x = RNG.uniform(0.5, 3, size=(2, 3))
    for n, expect_calls in [(1, ["zeta"]), (numpy.int64(3), ["zeta"]),
                            (fake(numpy.array([1, 2, 3])), ["gamma", "zeta"])]:
        calls.clear()
        got = rsp.polygamma_of(n, fake(x))
        assert type(got) is fake and calls == expect_calls
        numpy.testing.assert_allclose(got.host(), scipy.special.polygamma(
            numpy.asarray(getattr(n, "host", lambda: n)()), x), rtol=1e-13)
    assert rsp.device_special(x) is None and rsp.device_special(StrictArray(x)) is None
    numpy.testing.assert_array_equal(rsp.polygamma_of(2, x), scipy.special.polygamma(2, x))
