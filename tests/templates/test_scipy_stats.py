"""templates/scipy_stats.py: densities of scipy.stats distributions against central
differences, both modes and second order, with respect to the point and the parameters;
called as `norm.logpdf(x, loc, scale)` (positional and keywords) and on frozen
distributions; parameters without a rule refused at the user's line."""
import numpy as np
import pytest

st = pytest.importorskip("scipy.stats")
from scipy.special import softmax  # noqa: E402
from scipy.stats import norm  # noqa: E402

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

rng = np.random.default_rng(5)
METHODS = ["logpdf", "pdf", "cdf", "logcdf"]


def _in(lo, hi, shape=(3,)):
    return rng.uniform(lo, hi, size=shape)


# name -> (shape parameters, their domain, the point's domain relative to loc/scale)
CONTINUOUS = {
    "norm": ((), [], (-2, 2)),
    "t": (("df",), [(2.5, 6)], (-2, 2)),
    "gamma": (("a",), [(1.5, 3)], (0.5, 3)),
    "beta": (("a", "b"), [(1.5, 3), (1.5, 3)], (0.2, 0.8)),
    "chi2": (("df",), [(3, 6)], (0.5, 4)),
    "laplace": ((), [], (0.1, 2)),
    "cauchy": ((), [], (-3, 3)),
    "logistic": ((), [], (-3, 3)),
    "expon": ((), [], (0.2, 3)),
}


def _continuous_case(name, method, shapes_active):
    fn = getattr(getattr(st, name), method)
    params, domains, xdom = CONTINUOUS[name]
    loc, scale = 0.3, 1.4
    x = loc + scale * _in(*xdom)
    shape_values = [rng.uniform(*dom) for dom in domains]
    n = len(params)
    if n == 0:
        def f(x, loc, scale):
            return np.sum(np.sin(fn(x, loc, scale)))
    elif n == 1:
        def f(x, loc, scale, a):
            return np.sum(np.sin(fn(x, a, loc, scale)))
    else:
        def f(x, loc, scale, a, b):
            return np.sum(np.sin(fn(x, a, b, loc, scale)))
    wrt = (0, 1, 2) + (tuple(range(3, 3 + n)) if shapes_active else ())
    return f, [x, loc, scale] + shape_values, wrt


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous(name, method):
    """every argument of pdf/logpdf; cdf/logcdf w.r.t. x, loc and scale (shapes held)"""
    f, args, wrt = _continuous_case(name, method, method in ("logpdf", "pdf"))
    check(f, *args, wrt=wrt, rtol=1e-4, atol=1e-6)


def norm_keywords(x, m, s):
    return np.sum(norm.logpdf(x, loc=m, scale=s) ** 2 + norm.pdf(x, scale=s) + norm.cdf(
        x=x, loc=m) + norm.logcdf(x, m))


def norm_defaults(x):
    return np.sum(norm.logpdf(x) + norm.logcdf(x))


def test_keywords_defaults_and_shapes():
    check(norm_keywords, _in(-2, 2), 0.2, 1.3, wrt=(0, 1, 2))
    check(norm_keywords, _in(-2, 2, (2, 3)), _in(-1, 1, (3,)), _in(0.5, 2, (2, 1)),
          wrt=(0, 1, 2))
    check(norm_keywords, 0.4, 0.2, 1.3, wrt=(0, 1, 2))
    check(norm_defaults, _in(-2, 2, (2, 2)))
    check(lambda x: norm.logpdf(x) * x, np.array(0.7))


def test_gamma_shape_arrays():
    check(lambda x, a, s: np.sum(st.gamma.logpdf(x, a, scale=s)), _in(0.5, 3, (2, 3)),
          _in(1.5, 3, (3,)), _in(0.5, 2, (2, 1)), wrt=(0, 1, 2))


def test_log_cdf_far_in_the_tail():
    g = srcdiff.grad(lambda x: np.sum(norm.logcdf(x)))(np.array([-30.0, -5.0]))
    assert np.all(np.isfinite(g))


# frozen distributions: the parameters pass through the frozen object's method
def frozen_inline(x, loc, scale):
    return np.sum(norm(loc, scale).logpdf(x) + st.t(3.5, loc=loc).cdf(x))


def frozen_named(x, loc, scale):
    dist = norm(loc, scale=scale)
    other = st.gamma(2.5, scale=scale)
    return np.sum(dist.logpdf(x) * dist.cdf(x) + other.logpdf(x + 3.0))


def frozen_in_loop(x, loc, scale):
    total = 0.0
    dist = norm(loc, scale)
    for i in range(3):
        total = total + dist.pdf(x * i)
    return np.sum(total)


@pytest.mark.parametrize("f", [frozen_inline, frozen_named, frozen_in_loop])
def test_frozen(f):
    check(f, _in(-1, 1), 0.3, 1.2, wrt=(0, 1, 2))


def frozen_then_changed(x, loc):
    dist = norm(loc, 1.0)
    loc = loc * 2.0
    return np.sum(dist.logpdf(x)) + loc


def test_frozen_from_a_changed_name_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_stats.py:\d+") as info:
        srcdiff.grad(frozen_then_changed, wrt=1)(_in(-1, 1), 0.3)
    assert "frozen" in str(info.value)


def frozen_discrete(mu, p):
    k = np.array([0.0, 2.0, 3.0])
    return np.sum(st.poisson(mu).logpmf(k) + st.poisson(mu).cdf(k) + st.binom(6, p).pmf(k)
                  + st.binom(5, p).logcdf(k))


def frozen_multivariate(x, m, alpha):
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.8]])
    gaussian = st.multivariate_normal(m, cov)
    return gaussian.logpdf(x) + st.multivariate_normal(mean=m, cov=cov).pdf(x) + st.dirichlet(
        alpha).logpdf(softmax(x)) + st.dirichlet(alpha).pdf(softmax(x))


def test_frozen_discrete_and_multivariate():
    check(frozen_discrete, 2.1, 0.4, wrt=(0, 1))
    check(frozen_multivariate, _in(-1, 1), _in(-1, 1), _in(1.2, 3), wrt=(0, 1, 2), rtol=1e-4)


def cdf_wrt_shape(x, df):
    return st.t.cdf(x, df)


def poisson_wrt_k(k, mu):
    return st.poisson.logpmf(k, mu)


@pytest.mark.parametrize("f", [cdf_wrt_shape, poisson_wrt_k])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_held_arguments_are_refused_located(f, mode):
    wrt = 1 if f is cdf_wrt_shape else 0
    call = srcdiff.grad(f, wrt=wrt) if mode == "grad" else (
        lambda a, b: srcdiff.jvp(f, wrt=wrt)(a, b, 1.0))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_stats.py:\d+") as info:
        call(2.0, 3.0)
    assert "with respect to" in str(info.value)


DISCRETE = ["logpmf", "pmf", "cdf", "logcdf"]


@pytest.mark.parametrize("method", DISCRETE)
def test_poisson(method):
    k = np.array([0.0, 1.0, 3.0, 6.0])
    fn = getattr(st.poisson, method)
    check(lambda mu: np.sum(np.sin(fn(k, mu))), 2.3)
    check(lambda mu: np.sum(fn(k + 1, mu, loc=1)), _in(1, 4, (4,)))


@pytest.mark.parametrize("method", DISCRETE)
def test_binom(method):
    k = np.array([0.0, 1.0, 3.0, 5.0])
    fn = getattr(st.binom, method)
    check(lambda p: np.sum(np.sin(fn(k, 6, p))), 0.37)
    check(lambda p: np.sum(fn(k, 7, p)), _in(0.2, 0.8, (4,)))


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_dirichlet(method):
    fn = getattr(st.dirichlet, method)
    alpha = _in(1.2, 3, (3,))
    check(lambda z, alpha: fn(softmax(z), alpha) * 2.0, _in(-1, 1, (3,)), alpha, wrt=(0, 1))
    check(lambda z, alpha: np.sum(np.sin(fn(softmax(z, axis=0), alpha))), _in(-1, 1, (3, 4)),
          alpha, wrt=(0, 1))


def _spd(k):
    a = rng.normal(size=(k, k))
    return a @ a.T + k * np.eye(k)


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_multivariate_normal(method):
    fn = getattr(st.multivariate_normal, method)
    cov = _spd(3)
    check(lambda x, m, c: np.sum(np.sin(fn(x, m, c))), rng.normal(size=(4, 3)),
          rng.normal(size=3), cov, wrt=(0, 1, 2), rtol=1e-4)
    check(lambda x, m, c: fn(x, mean=m, cov=c) * 2.0, rng.normal(size=3), rng.normal(size=3),
          cov, wrt=(0, 1, 2), rtol=1e-4)
    check(lambda x, c: fn(x, cov=c), rng.normal(size=3), cov, wrt=(0, 1), rtol=1e-4)


def test_multivariate_normal_reads_only_the_lower_triangle():
    """scipy reads cov's lower triangle only: the upper triangle has no derivative."""
    cov = _spd(3)
    g = srcdiff.grad(lambda c: st.multivariate_normal.logpdf(np.ones(3), np.zeros(3), c))(cov)
    assert np.all(g[np.triu_indices(3, 1)] == 0.0)


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_multivariate_normal_with_a_number_or_variances_for_cov(method):
    """cov as a number c (c times the identity) or a vector v (diag(v)), as scipy reads them;
    the default cov=1 too."""
    fn = getattr(st.multivariate_normal, method)
    x, m = rng.normal(size=(4, 3)), rng.normal(size=3)
    check(lambda x, m, c: np.sum(np.cos(fn(x, m, c))), x, m, 1.7, wrt=(0, 1, 2), rtol=1e-4)
    check(lambda x, m, v: np.sum(fn(x, m, v)), x, m, _in(0.5, 2.0, (3,)), wrt=(0, 1, 2),
          rtol=1e-4)
    check(lambda x, m: fn(x, m) * 2.0, rng.normal(size=3), m, wrt=(0, 1), rtol=1e-4)
    check(lambda x, v: fn(x, np.zeros(2), v), rng.normal(size=2), _in(0.5, 2.0, (2,)),
          wrt=(0, 1), rtol=1e-4)


def test_multivariate_normal_with_a_number_for_cov_matches_its_matrix():
    x = rng.normal(size=(5, 2))
    g = srcdiff.grad(lambda x, c: np.sum(st.multivariate_normal.logpdf(x, np.zeros(2), c)),
                     wrt=(0, 1))
    gx, gc = g(x, 2.0)
    gx2, gm = g(x, 2.0 * np.eye(2))
    np.testing.assert_allclose(gx, gx2)
    assert gc == pytest.approx(np.trace(gm), rel=1e-12)


def points_of_a_line(x):
    return np.sum(st.multivariate_normal.logpdf(x, 0.0, 2.0))


def test_points_of_a_one_dimensional_normal_given_as_a_vector_are_refused_where_called():
    """scipy reads x of shape (3,) as three points when the distribution is 1-dimensional;
    srcdiff wants the coordinates along the last axis."""
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"x\[:, None\]") as info:
        srcdiff.grad(points_of_a_line)(np.ones(3))
    assert info.value.filename == __file__
    assert "multivariate_normal.logpdf" in info.value.line
    check(points_of_a_line, rng.normal(size=(3, 1)))


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
def test_dirichlet_with_k_minus_1_coordinates(method):
    """scipy completes a point of K - 1 coordinates with 1 - their sum."""
    fn = getattr(st.dirichlet, method)
    alpha = _in(1.2, 3, (3,))
    check(lambda z, alpha: fn(softmax(z)[:2], alpha) * 2.0, _in(-1, 1, (3,)), alpha,
          wrt=(0, 1))
    check(lambda z, alpha: np.sum(np.sin(fn(softmax(z, axis=0)[:2], alpha))),
          _in(-1, 1, (3, 4)), alpha, wrt=(0, 1))


def test_dirichlet_of_other_shapes_is_refused_where_called():
    with pytest.raises(srcdiff.SrcdiffError, match="first axis") as info:
        srcdiff.grad(lambda x: st.dirichlet.logpdf(x, np.ones(4) * 2.0))(np.ones(2) / 2)
    assert info.value.filename == __file__


def complex_logpdf(x):
    return np.abs(np.sum(norm.logpdf(x, 0.5, 2.0)))


def test_complex_argument_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_stats.py:\d+") as info:
        srcdiff.grad(complex_logpdf)(np.array([0.3 + 0.1j, 0.2 - 0.4j]))
    assert "real arguments only" in str(info.value)


def frozen_rvs(loc):
    np.random.seed(0)
    dist = norm(loc, 1.0)
    return np.sum(dist.rvs(3, random_state=1))


def test_frozen_method_without_a_rule_is_refused_not_misread():
    """frozen.rvs(3) is not norm.rvs(3, loc, scale): such methods are not rewritten, and a
    differentiated one is refused at the user's line"""
    assert frozen_rvs(0.5) == np.sum(norm(0.5, 1.0).rvs(3, random_state=1))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_stats.py:\d+"):
        srcdiff.grad(frozen_rvs)(0.5)


def test_tangent_rules_of_the_dirichlet_and_covariance_helpers():
    """Each helper called as a plain function and differentiated in forward mode (forward
    over forward code meets simplex_tangent; forward over reverse the others)."""
    from srcdiff.runtime_scipy import (covariance, covariance_gradient, simplex_gradient,
                                       simplex_point, simplex_tangent)
    alpha, short, full = _in(1.2, 3, (3,)), _in(0.1, 0.4, (2, 4)), _in(0.1, 0.4, (3, 4))
    for x in (short, full):
        check(lambda t: np.sum(np.sin(simplex_tangent(t * t, x, alpha))), x, modes=("fwd",),
              order=1)
        check(lambda x: np.sum(np.sin(simplex_point(x, alpha))), x, modes=("fwd",), order=1)
        check(lambda g: np.sum(np.sin(simplex_gradient(g, x, alpha))), _in(-1, 1, (3, 4)),
              modes=("fwd",), order=1)
    for cov in (1.3, _in(0.5, 2.0, (2,)), _spd(2)):
        check(lambda c: np.sum(np.sin(covariance(c, np.zeros(2)))), cov, modes=("fwd",),
              order=1)
        check(lambda g: np.sum(np.sin(covariance_gradient(g, cov))), _spd(2), modes=("fwd",),
              order=1)


def test_multivariate_normal_entropy():
    """entropy(mean, cov) = log det(2 pi e S) / 2: in cov (matrix, variances, a number; only
    the lower triangle read), nothing in the mean (autograd's rule, issue #13)."""
    cov = _spd(3)
    check(lambda c: st.multivariate_normal.entropy(cov=c) ** 2, cov.copy(), rtol=1e-4)
    check(lambda m, c: st.multivariate_normal.entropy(m, c) * 3.0, rng.normal(size=3),
          cov.copy(), wrt=(0, 1), rtol=1e-4)
    check(lambda m, v: np.sin(st.multivariate_normal.entropy(m, v)), rng.normal(size=2),
          _in(0.5, 2.0, (2,)), wrt=(0, 1), rtol=1e-4)
    check(lambda m, c: st.multivariate_normal.entropy(m, c), rng.normal(size=2), 1.7,
          wrt=(0, 1), rtol=1e-4)


@pytest.mark.parametrize("method", ["sf", "logsf"])
@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_survival_functions(name, method):
    """sf = 1 - cdf and logsf (autograd's norm.sf/logsf, issue #13), in x, loc and scale;
    the shape parameters are held, as for cdf."""
    f, args, wrt = _continuous_case(name, method, False)
    check(f, *args, wrt=wrt, rtol=1e-4, atol=1e-6)


def survival_in_df(df, x):
    return np.sum(st.t.sf(x, df))


def test_survival_function_shape_parameter_is_refused_located():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_stats.py:\d+") as info:
        srcdiff.grad(survival_in_df)(3.0, _in(-1, 1))
    assert "with respect to 'df'" in str(info.value)


def test_log_survival_far_in_the_tail():
    g = srcdiff.grad(lambda x: np.sum(norm.logsf(x)))(np.array([30.0, 5.0]))
    assert np.all(np.isfinite(g))


@pytest.mark.parametrize("axis, ddof", [(0, 1), (1, 0), (None, 1), (-1, 2)])
def test_sem(axis, ddof):
    import scipy.stats
    m = np.array([[0.3, -1.2, 0.7, 2.0], [1.1, 0.4, -0.6, 0.9], [-0.2, 1.5, 0.8, -1.0]])
    check(lambda a: np.sum(scipy.stats.sem(a ** 2, axis=axis, ddof=ddof) *
                           np.arange(1.0, 1.0 + np.size(scipy.stats.sem(m, axis=axis)))), m)


@pytest.mark.parametrize("method", METHODS + ["sf", "logsf"])
@pytest.mark.parametrize("name", ["laplace", "cauchy", "logistic"])
def test_symmetric_families_both_sides(name, method):
    """points on both sides of loc, loc and scale as arrays (broadcast), batched points"""
    fn = getattr(getattr(st, name), method)

    def f(x, loc, scale):
        return np.sum(np.cos(fn(x, loc, scale)))

    x = np.array([[-2.1, -0.7, 0.9, 1.6], [-1.2, -0.2, 0.6, 2.4]])
    check(f, x, np.array([0.1, -0.3, 0.2, 0.05]), np.array([[0.8], [1.3]]), wrt=(0, 1, 2),
          rtol=1e-4, atol=1e-6)


def test_laplace_kink_takes_the_zero_subgradient():
    """log density -|x - loc| / scale: at x == loc the derivative in x is taken as 0"""
    g = srcdiff.grad(lambda x: st.laplace.logpdf(x, 0.5, 2.0))(0.5)
    assert g == 0.0


@pytest.mark.parametrize("method", METHODS + ["sf", "logsf"])
def test_expon(method):
    fn = getattr(st.expon, method)
    check(lambda x, loc, scale: np.sum(np.sin(fn(x, loc, scale))), _in(0.6, 3, (2, 3)),
          np.array([0.1, 0.3, 0.2]), 1.7, wrt=(0, 1, 2), rtol=1e-4, atol=1e-6)


def spearman_weighted(x):
    """ranks are piecewise constant in x: x's derivative comes from its other uses alone"""
    return np.sum(st.rankdata(x, axis=1) * x ** 2) + np.sum(
        np.reshape(st.rankdata(x, method="min", axis=None), (2, 3)) * np.sin(x))


def test_rankdata_carries_no_derivative():
    x = np.array([[0.3, -1.2, 2.0], [0.7, 1.1, -0.4]])
    check(spearman_weighted, x)
    g = srcdiff.grad(spearman_weighted)(x.copy())
    assert np.allclose(g, 2 * x * st.rankdata(x, axis=1) + np.cos(x) * np.reshape(st.rankdata(
        x, method="min", axis=None), (2, 3)))
