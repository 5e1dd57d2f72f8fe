"""Every reduction rule in templates/reductions.py against central differences."""
import numpy as np
import pytest

import srcdiff
from forward_checks import check_jvp_of_jvp
from gradcheck import check, check_grad
from rule_tables import AXES, VECTOR_ORDS

rng = np.random.default_rng(1)

AXIS_IDS = [f"axis={a},keepdims={k}" for a, k in AXES]


def _distinct(shape):
    """Values with no ties and no zeros (for max/min/prod)."""
    n = int(np.prod(shape))
    vals = rng.permutation(np.linspace(0.3, 1.7, n)) * rng.choice([-1.0, 1.0], size=n)
    return vals.reshape(shape)


def _weights(f, x):
    """Fixed weights shaped like f(x), so every output element matters differently."""
    return np.arange(1.0, 1.0 + np.size(f(x))).reshape(np.shape(f(x)))


def _reduction(fn, axis, keepdims):
    w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims), np.ones((2, 3, 4)))
    return lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims)) * w)


@pytest.mark.parametrize("fn", [np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin,
                                np.var, np.std])
@pytest.mark.parametrize("axis,keepdims", AXES, ids=AXIS_IDS)
def test_reduction(fn, axis, keepdims):
    if fn in (np.var, np.std) and axis == ():
        pytest.skip("variance over no axes is zero (std has a kink)")
    check(_reduction(fn, axis, keepdims), _distinct((2, 3, 4)))


@pytest.mark.parametrize("fn", [np.var, np.std])
@pytest.mark.parametrize("ddof", [0, 1])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 1)])
def test_var_std_ddof(fn, ddof, axis):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.cos(fn(x, axis=axis, ddof=ddof))), x)


@pytest.mark.parametrize("fn", [np.sum, np.mean, np.prod, np.max, np.min, np.var, np.std])
def test_reduction_of_vector_and_positional_axis(fn):
    x = _distinct((5,))
    check(lambda x: fn(x) * 2.0, x)
    y = _distinct((3, 4))
    check(lambda y: np.sum(np.sin(fn(y, 1))), y)


def test_methods():
    x = _distinct((3, 4))
    check(lambda x: np.sum(x.sum(axis=0) ** 2), x)
    check(lambda x: np.sum(x.mean(axis=0) ** 2), x)
    check(lambda x: x.prod(), x)
    check(lambda x: x.max() + x.min(), x)
    check(lambda x: np.sum(x.max(axis=1, keepdims=True) * x), x)
    check(lambda x: x.std() + x.var(axis=1).sum(), x)
    check(lambda x: np.sum(x.cumsum(axis=1) ** 2), x)


@pytest.mark.parametrize("zeros", [[0], [0, 5], [0, 1, 2]])
def test_prod_with_zeros(zeros):
    x = _distinct((2, 3))
    x.flat[zeros] = 0.0
    check(lambda x: np.prod(x), x)
    check(lambda x: np.sum(np.prod(x, axis=1) * np.array([1.0, 2.0])), x)
    check(lambda x: np.sum(np.prod(x, axis=0, keepdims=True) * x), x)


def test_prod_empty_axis_is_one():
    x = np.ones((2, 0))
    g = srcdiff.grad(lambda x: np.sum(np.prod(x, axis=1)))(x)
    assert g.shape == (2, 0)


def test_max_ties_split_evenly():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    g = srcdiff.grad(lambda x: np.sum(np.max(x, axis=1)))(x)
    np.testing.assert_allclose(g, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    g = srcdiff.grad(lambda x: np.min(x))(np.array([[1.0, 3.0], [1.0, 2.0]]))
    np.testing.assert_allclose(g, [[0.5, 0], [0.5, 0]])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumsum(axis):
    x = _distinct((3, 4))
    w = np.arange(12.0).reshape(np.shape(np.cumsum(x, axis=axis)))
    check(lambda x: np.sum(np.cumsum(x, axis=axis) * w), x)


# -- norms ---------------------------------------------------------------------



@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_norm_vector(ord):
    x = _distinct((5,))
    check(lambda x: np.linalg.norm(x, ord) * 2.0, x)


@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, 3])
@pytest.mark.parametrize("axis,keepdims", [(0, False), (-1, True), (1, False)])
def test_norm_vector_axis(ord, axis, keepdims):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(np.linalg.norm(x, ord=ord, axis=axis,
                                                      keepdims=keepdims))), x)


@pytest.mark.parametrize("ord", [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf])
def test_norm_matrix(ord):
    x = _distinct((3, 4))
    check(lambda x: np.linalg.norm(x, ord), x)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, 1, np.inf])
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_matrix_axes(ord, keepdims):
    x = _distinct((3, 2, 4))
    w = np.arange(1.0, 3.0)
    check(lambda x: np.sum(np.linalg.norm(x, ord, axis=(0, 2), keepdims=keepdims).ravel()
                                * w), x)


def test_norm_flattens_nd_without_ord():
    x = _distinct((2, 3, 2))
    check(lambda x: np.linalg.norm(x), x)
    check(lambda x: np.sum(np.linalg.norm(x, keepdims=True) * x), x)


def test_norm_of_zero_vector_has_zero_gradient():
    g = srcdiff.grad(lambda x: np.linalg.norm(x))(np.zeros(3))
    np.testing.assert_array_equal(g, np.zeros(3))


@pytest.mark.skipif(not hasattr(np.linalg, "vector_norm"), reason="NumPy 2 only")
def test_vector_and_matrix_norm():
    x = _distinct((3, 4))
    check(lambda x: np.linalg.vector_norm(x), x)
    check(lambda x: np.sum(np.linalg.vector_norm(x, axis=1, ord=1) * np.arange(3.0)), x)
    check(lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=np.inf), x)
    check(lambda x: np.linalg.matrix_norm(x), x)
    y = _distinct((2, 3, 3))
    check(lambda y: np.sum(np.linalg.matrix_norm(y, ord="nuc") * np.arange(2.0)), y)
    check(lambda y: np.sum(np.linalg.matrix_norm(y, ord=2, keepdims=True) * y), y)


# -- norms of lists, and at zero (issue 12, item 14) -------------------------------------
@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, -np.inf, 3, 0.5])
def test_norm_of_a_list_of_scalars(ord):
    from gradcheck import check
    check(lambda x: np.linalg.norm([x, x + 2.0], ord) * 1.5, 0.3)
    check(lambda x: np.linalg.norm([x, 2.0 * x, 1.0 - x], ord), 0.7)
    assert srcdiff.grad(lambda x: np.linalg.norm([x, x + 2]))(0.0) == pytest.approx(1.0)


@pytest.mark.parametrize("ord,axis", [(None, 0), (2, 1), (1, -1), (np.inf, 0), (3, None),
                                      ("fro", None), ("nuc", None), (2, (0, 1))])
def test_norm_of_a_list_of_arrays(ord, axis):
    from gradcheck import check
    if ord is not None and axis is None and ord != 3:
        axis = (0, 1)
    if ord == 3 and axis is None:
        axis = 1
    check(lambda x: np.sum(np.linalg.norm([x, x * x - 1.0], ord, axis=axis)),
                np.array([0.3, -1.2, 0.8]))


@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, -np.inf, 3, 0.5, 1.5])
def test_norm_of_zero_vector_is_a_zero_subgradient(ord):
    x = np.zeros(3)
    g = srcdiff.grad(lambda x: np.linalg.norm(x, ord))(x)
    np.testing.assert_array_equal(g, np.zeros(3))
    _, t = srcdiff.jvp(lambda x: np.linalg.norm(x, ord))(x, np.ones(3))
    assert t == 0.0
    h = srcdiff.hvp(lambda x: np.linalg.norm(x, ord))(x, np.ones(3))
    assert np.all(np.isfinite(h))


@pytest.mark.parametrize("ord", [0.5, 3, 1.5])
def test_p_norm_with_a_zero_element(ord):
    from gradcheck import check
    x = np.array([0.0, 0.7, -1.3])
    g = check_grad(lambda x: np.linalg.norm(x, ord), x)
    assert g[0] == 0.0
    if ord > 1:  # differentiable through a zero element (twice only for ord >= 2)
        check(lambda x: np.linalg.norm(x, ord), x, order=2 if ord >= 2 else 1)


@pytest.mark.parametrize("ord", ["nuc", 2, "fro", 1, np.inf])
def test_matrix_norm_of_zero_matrix_is_a_zero_subgradient(ord):
    x = np.zeros((2, 3))
    g = srcdiff.grad(lambda x: np.linalg.norm(x, ord))(x)
    np.testing.assert_array_equal(g, np.zeros((2, 3)))
    h = srcdiff.hvp(lambda x: np.linalg.norm(x, ord))(x, np.ones((2, 3)))
    assert np.all(np.isfinite(h))


# -- var and std of complex values, and where the input is constant (issue 12, items 7-8) --
import warnings  # noqa: E402

from gradcheck import check_hvp  # noqa: E402


from gradcheck import complex_numerical_grad as _complex_fd  # noqa: E402


@pytest.mark.parametrize("fn", [np.var, np.std])
@pytest.mark.parametrize("axis,keepdims,ddof", [(None, False, 0), (0, False, 1), (-1, True, 0),
                                                ((0, 1), False, 1)])
def test_var_std_of_complex_values(fn, axis, keepdims, ddof):
    z = np.array([[1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j], [0.2 - 0.4j, 1.5 + 0.1j, -1.0 - 0.6j]])
    w = np.arange(1.0, 1.0 + np.size(fn(z, axis=axis, keepdims=keepdims, ddof=ddof)))

    def f(z):
        return np.sum(np.cos(fn(z, axis=axis, keepdims=keepdims, ddof=ddof)).ravel() * w)
    np.testing.assert_allclose(srcdiff.grad(f)(z), _complex_fd(f, z), rtol=1e-6, atol=1e-8)
    t = np.array([[0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j], [0.5 + 0.5j, -0.1 - 0.2j, 0.4 + 0.0j]])
    eps = 1e-6
    value, tangent = srcdiff.jvp(f)(z, t)
    assert np.isrealobj(tangent) and value == pytest.approx(f(z))
    assert tangent == pytest.approx((f(z + eps * t) - f(z - eps * t)) / (2 * eps), rel=1e-6)
    check_hvp(f, z, vector=t[::-1] * 1j + t)


@pytest.mark.parametrize("fn", [np.var, np.std])
def test_var_std_tangent_of_complex_input_is_real(fn):
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])
    _, t = srcdiff.jvp(lambda z: fn(z))(z, np.array([1.0 + 1.0j, 0.5j, -1.0]))
    assert np.isrealobj(t)


def test_std_of_a_constant_has_zero_derivative():
    assert srcdiff.grad(lambda x: np.std(x))(3.5) == 0.0
    assert srcdiff.jvp(lambda x: np.std(x))(3.5, 1.0)[1] == 0.0
    assert srcdiff.grad(lambda x: np.std(np.full(3, x)))(0.3) == 0.0
    assert srcdiff.grad(lambda x: np.std(np.full(3, x)))(0.1) == 0.0
    assert srcdiff.jvp(lambda x: np.std(np.full(3, x)))(0.1, 1.0)[1] == 0.0
    assert srcdiff.grad(lambda x: np.var(np.full(3, x)))(0.1) == 0.0
    assert srcdiff.hvp(lambda x: np.std(np.full(3, x)))(0.1, 1.0) == 0.0
    g = srcdiff.grad(lambda x: np.sum(np.std(x, axis=0)))(np.ones((1, 3)))
    np.testing.assert_array_equal(g, np.zeros((1, 3)))
    h = srcdiff.hvp(lambda x: np.sum(np.std(x, axis=0)))(np.ones((1, 3)), np.ones((1, 3)))
    assert np.all(np.isfinite(h))


@pytest.mark.parametrize("fn", [np.var, np.std])
@pytest.mark.parametrize("axis,keepdims", [(1, False), (-1, True), (0, False), ((), False)])
def test_var_std_with_a_constant_reduction(fn, axis, keepdims):
    """Row 0 and column 1 are constant: their derivative is 0 (FD agrees: std(c + e v) is
    even in e); the others are checked as usual."""
    from gradcheck import check
    x = np.array([[0.5, 0.5, 0.5], [0.3, 0.5, 1.1]])
    w = np.arange(1.0, 1.0 + np.size(fn(x, axis=axis, keepdims=keepdims)))
    w = w.reshape(np.shape(fn(x, axis=axis, keepdims=keepdims)))
    check(lambda x: np.sum(fn(x, axis=axis, keepdims=keepdims) * w), x,
                order=2 if fn is np.var else 1)


@pytest.mark.parametrize("fn", [np.var, np.std])
def test_var_std_of_lists_and_floats(fn):
    from gradcheck import check
    check(lambda x: fn([x, 2.0 * x, 3.0]), 0.4)
    check(lambda x: fn([x, x * x, 1.0 - x], ddof=1), 0.4)
    check(lambda x: np.sum(fn([x, x * x], axis=0)), np.array([0.3, 1.5]))


# -- numpy.bincount(weights=) is a sum per bin; histogram is refused (issue 12, item 10) --
BINS = np.array([0, 2, 2, 1, 4, 2])


def bincount_weights(w):
    return np.sum(np.sin(np.bincount(BINS, weights=w * w)) * np.arange(1.0, 6.0))


def bincount_minlength(w):
    return np.sum(np.bincount(BINS, w, minlength=7) ** 2 * np.arange(1.0, 8.0))


def bincount_of_a_list(w):
    return np.sum(np.bincount([0, 1, 1], weights=w[:3]) ** 3)


def test_bincount_weights():
    from gradcheck import check
    x = np.array([0.3, -1.2, 0.7, 0.5, 2.0, -0.4])
    check(bincount_weights, x)
    check(bincount_minlength, x)
    check(bincount_of_a_list, x)


def test_bincount_without_weights_is_a_constant():
    from gradcheck import check
    check(lambda x: np.sum(np.bincount(BINS) * x), np.arange(1.0, 6.0))


def histogram_counts(x):
    return np.sum(np.histogram(x, bins=3)[0] * 1.0) + np.sum(x)


def test_histogram_counts_carry_no_derivative():
    # refused before numpy.histogram had a rule (statistics.py): its counts are constants
    from gradcheck import check
    check(histogram_counts, np.array([0.3, -1.2, 0.7]))


# -- neighbours: empty inputs and ddof >= the count ---------------------------------------
def prod_of_empty_rows(x):
    return np.sum(np.prod(x, axis=1) + 1.0)


def prod_of_empty_rows_keepdims(x):
    return np.sum(np.prod(x, axis=-1, keepdims=True))


@pytest.mark.parametrize("f", [prod_of_empty_rows, prod_of_empty_rows_keepdims])
def test_prod_over_a_non_empty_axis_of_an_empty_array(f):
    """Shape (0, 3) reduced over its length-3 axis: prod_others reshaped to (0, -1)."""
    x = np.ones((0, 3))
    assert srcdiff.grad(f)(x).shape == (0, 3)
    assert srcdiff.jvp(f)(x, x)[1] == 0.0
    assert srcdiff.hvp(f)(x, x).shape == (0, 3)


def var_ddof_all(x):
    return np.sum(np.var(x, axis=0, ddof=2))


def var_of_empty_rows(x):
    return np.sum(np.var(x, axis=1))


def test_var_with_no_degrees_of_freedom_is_not_a_crash():
    """NumPy's value is inf (ddof equal to the count: a division by zero): the derivative
    is not finite either, never a ZeroDivisionError; with no elements it is empty."""
    x = np.array([[0.3, 1.0], [1.2, -0.5]])
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not np.isfinite(var_ddof_all(x))
        assert not np.any(np.isfinite(srcdiff.grad(var_ddof_all)(x)))
        assert not np.isfinite(srcdiff.jvp(var_ddof_all)(x, x)[1])
        assert srcdiff.grad(var_of_empty_rows)(np.ones((0, 3))).shape == (0, 3)


def complex_vector_norm(z):
    return np.linalg.vector_norm(z) ** 2 + np.sum(np.linalg.vector_norm(z, axis=1))


def complex_matrix_norm(z):
    return np.linalg.matrix_norm(z) * 2.0


@pytest.mark.skipif(not hasattr(np.linalg, "vector_norm"), reason="NumPy 2 only")
@pytest.mark.parametrize("f", [complex_vector_norm, complex_matrix_norm])
def test_vector_and_matrix_norm_of_complex_values(f):
    """The tangent of these real norms came out complex (numpy.real was missing, unlike
    linalg.norm's rule): jvp warned and dropped it, and hvp, which carries it on, was wrong."""
    z = np.array([[1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j], [0.2 - 0.4j, 1.5 + 0.1j, -1.0 - 0.6j]])
    t = np.array([[0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j], [0.5 + 0.5j, -0.1 - 0.2j, 0.4 + 0.0j]])
    np.testing.assert_allclose(srcdiff.grad(f)(z), _complex_fd(f, z), rtol=1e-6, atol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        _, tangent = srcdiff.jvp(f)(z, t)
    assert tangent == pytest.approx((f(z + 1e-6 * t) - f(z - 1e-6 * t)) / 2e-6, rel=1e-6)
    check_hvp(f, z, vector=t)


# -- cumprod, running sums and products, ptp, average, nan* and ufunc methods (issue 15) ------
import srcdiff.errors  # noqa: E402

CUMULATIVE_AXES = [None, 0, 1, -1]


@pytest.mark.parametrize("axis", CUMULATIVE_AXES)
def test_cumprod(axis):
    x = _distinct((3, 4))
    w = np.arange(1.0, 13.0).reshape(np.shape(np.cumprod(x, axis=axis)))
    check(lambda x: np.sum(np.cumprod(x, axis=axis) * w), x)


@pytest.mark.parametrize("zeros", [[1], [0, 2], [1, 2], [0, 1, 2, 3], [5, 7, 9]])
@pytest.mark.parametrize("axis", [None, 1, 0])
def test_cumprod_with_zeros_is_exact(zeros, axis):
    """No division by the input: one zero, several, adjacent ones, a whole row."""
    x = _distinct((3, 4))
    x.flat[zeros] = 0.0
    w = np.arange(1.0, 13.0).reshape(np.shape(np.cumprod(x, axis=axis)))
    check(lambda x: np.sum(np.sin(np.cumprod(x, axis=axis)) * w), x)


def test_cumprod_method_dtype_and_scalars():
    x = _distinct((2, 3))
    check(lambda x: np.sum(x.cumprod(axis=1) ** 2), x)
    check(lambda x: np.sum(np.cumprod(x, 0, np.float64) * x), x)
    check(lambda x: np.sum(np.cumprod(x)), 0.7)
    check(lambda x: np.sum(np.cumprod([x, 2.0 * x, x * x])), 0.7)
    check(lambda x: np.sum(np.cumprod(x, axis=0)), np.ones((0, 2)) * 1.0, order=1)


@pytest.mark.skipif(not hasattr(np, "cumulative_sum"), reason="NumPy 2.1+")
@pytest.mark.parametrize("fn", ["cumulative_sum", "cumulative_prod"])
@pytest.mark.parametrize("axis,initial", [(0, False), (1, True), (-1, False), (0, True)])
def test_cumulative_sum_and_prod(fn, axis, initial):
    f = getattr(np, fn)
    x = _distinct((3, 4))
    x[1, 2] = 0.0
    w = np.arange(1.0, 1.0 + np.size(f(x, axis=axis, include_initial=initial)))
    w = w.reshape(np.shape(f(x, axis=axis, include_initial=initial)))
    check(lambda x: np.sum(np.sin(f(x, axis=axis, include_initial=initial)) * w), x)
    check(lambda x: np.sum(f(x, include_initial=initial) ** 2), x[0])


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), (-1, False),
                                           ((0, 1), True)])
def test_ptp(axis, keepdims):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(np.ptp(x, axis=axis, keepdims=keepdims))), x)


def test_ptp_ties_split_evenly():
    """The minimum 1 is held twice: each gets -1/2 (central differences agree); a constant
    input has ptp 0 everywhere near it... and derivative 0."""
    g = check(lambda x: np.ptp(x), np.array([1.0, 1.0, 2.0]), order=1)
    np.testing.assert_allclose(g, [-0.5, -0.5, 1.0])
    assert np.all(srcdiff.grad(lambda x: np.ptp(x))(np.full(3, 0.4)) == 0.0)


AVERAGE_CASES = [(None, None), (0, "axis"), (1, "axis"), (-1, "axis"), (None, "full"),
                 (1, "full"), ((0, 1), "axes")]


@pytest.mark.parametrize("axis,weights", AVERAGE_CASES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_average(axis, weights, keepdims):
    x = _distinct((3, 4))
    if weights is None:
        check(lambda x: np.sum(np.sin(np.average(x, axis=axis, keepdims=keepdims))), x)
        return
    if weights == "axis":
        w = np.linspace(0.5, 2.0, x.shape[axis])
    elif weights == "full":
        w = np.linspace(0.5, 2.0, 12).reshape(3, 4)
    else:
        w = np.linspace(0.5, 2.0, 12).reshape(3, 4)
    check(lambda x, w: np.sum(np.sin(np.average(x, axis, w, keepdims=keepdims))), x, w,
          wrt=(0, 1))


def test_average_of_a_list_and_a_scalar():
    check(lambda x: np.average([x, 2.0 * x, 1.0], weights=[1.0, 2.0, 3.0]), 0.3)
    check(lambda w: np.average(np.array([1.0, 2.0, 4.0]), weights=w * w), np.array([1.0, 0.5, 2.0]))


def test_average_of_ints_with_float_weights():
    check(lambda w: np.average(np.arange(4), weights=w * w), np.array([1.0, 0.5, 2.0, 0.3]))
    check(lambda w: np.sum(np.average(np.arange(6).reshape(2, 3), axis=1, weights=w)),
          np.array([1.0, 0.5, 2.0]))


def average_returned(x):
    return np.average(x, weights=x, returned=True)[0]


def test_average_returned_is_refused_at_the_line():
    with pytest.raises(srcdiff.errors.UnsupportedCodeError, match="returned") as info:
        srcdiff.grad(average_returned)(np.array([1.0, 2.0]))
    assert "test_reductions.py" in str(info.value)


def _with_nans(shape):
    x = _distinct(shape)
    x.flat[[1, 6, 7]] = np.nan
    return x


NAN_REDUCTIONS = [np.nansum, np.nanmean, np.nanprod, np.nanvar, np.nanstd, np.nanmax,
                  np.nanmin]
NAN_AXES = [(None, False), (0, False), (1, True), (-1, False), ((0, 2), False), ((0, -1), True)]


@pytest.mark.parametrize("fn", NAN_REDUCTIONS)
@pytest.mark.parametrize("axis,keepdims", NAN_AXES)
def test_nan_reductions(fn, axis, keepdims):
    x = _with_nans((2, 3, 4))
    w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims), x)
    check(lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims)) * w), x)


@pytest.mark.parametrize("fn", NAN_REDUCTIONS)
def test_nan_reductions_without_nans_are_the_plain_ones(fn):
    x = _distinct((3, 4))
    plain = {np.nansum: np.sum, np.nanmean: np.mean, np.nanprod: np.prod, np.nanvar: np.var,
             np.nanstd: np.std, np.nanmax: np.max, np.nanmin: np.min}[fn]
    w = np.arange(1.0, 5.0)
    g = check(lambda x: np.sum(np.cos(fn(x, axis=0)) * w), x)
    np.testing.assert_allclose(g, srcdiff.grad(lambda x: np.sum(np.cos(plain(x, axis=0)) * w))(x))


@pytest.mark.parametrize("fn", [np.nanvar, np.nanstd])
@pytest.mark.parametrize("ddof", [0, 1])
def test_nanvar_nanstd_ddof_and_complex(fn, ddof):
    x = _with_nans((3, 4))
    check(lambda x: np.sum(np.cos(fn(x, axis=1, ddof=ddof))), x)
    z = x + 1j * _distinct((3, 4))
    check(lambda z: np.sum(np.cos(fn(z, axis=1, ddof=ddof))), z)


def test_nanstd_of_a_constant_row_has_zero_derivative():
    x = np.array([[0.5, np.nan, 0.5], [0.3, 0.5, np.nan]])
    g = srcdiff.grad(lambda x: np.sum(np.nanstd(x, axis=1) * np.array([1.0, 2.0])))(x)
    assert np.all(g[0] == 0.0)
    check(lambda x: np.sum(np.nanstd(x, axis=1) * np.array([1.0, 2.0])), x, order=1)
    check(lambda x: np.sum(np.nanvar(x, axis=1) * np.array([1.0, 2.0])), x)


@pytest.mark.parametrize("fn", NAN_REDUCTIONS)
def test_nan_reductions_of_an_all_nan_row_pass_no_derivative(fn):
    x = np.array([[np.nan, np.nan], [0.3, 1.2]])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = srcdiff.grad(lambda x: np.nansum(fn(x, axis=1)))(x)
    assert np.all(g[0] == 0.0) and np.all(np.isfinite(g[1]))


@pytest.mark.parametrize("fn", [np.nancumsum, np.nancumprod])
@pytest.mark.parametrize("axis", CUMULATIVE_AXES)
def test_nan_running_sum_and_product(fn, axis):
    x = _with_nans((3, 4))
    x[2, 1] = 0.0
    w = np.arange(1.0, 13.0).reshape(np.shape(fn(x, axis=axis)))
    check(lambda x: np.sum(np.sin(fn(x, axis=axis)) * w), x)


def nansum_where(x):
    return np.nansum(x, where=x > 0)


def nanmax_initial(x):
    return np.nanmax(x, initial=0.0)


def sum_out_where(x):
    return np.sum(x, out=np.zeros(()), where=x > 0)


@pytest.mark.parametrize("f", [nansum_where, nanmax_initial, sum_out_where])
def test_keywords_the_rules_do_not_handle_are_refused_at_the_line(f):
    with pytest.raises(srcdiff.errors.UnsupportedCodeError) as info:
        srcdiff.grad(f)(np.array([1.0, -2.0]))
    assert "test_reductions.py" in str(info.value)


UFUNC_REDUCE = [np.add.reduce, np.multiply.reduce, np.maximum.reduce, np.minimum.reduce]


@pytest.mark.parametrize("fn", UFUNC_REDUCE, ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("axis,keepdims", [(0, False), (1, True), (None, False),
                                           ((0, 1), True), (-1, False)])
def test_ufunc_reduce(fn, axis, keepdims):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims))), x)


@pytest.mark.parametrize("fn", UFUNC_REDUCE, ids=lambda f: f.__self__.__name__)
def test_ufunc_reduce_default_axis_is_zero(fn):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(fn(x)) * np.arange(1.0, 5.0)), x)


@pytest.mark.parametrize("fn", [np.add.accumulate, np.multiply.accumulate],
                         ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_ufunc_accumulate(fn, axis):
    x = _distinct((3, 4))
    x[1, 1] = 0.0
    check(lambda x: np.sum(np.sin(fn(x, axis=axis)) * np.arange(12.0).reshape(3, 4)), x)


RUNNING = [np.maximum.accumulate, np.minimum.accumulate, np.fmax.accumulate,
           np.fmin.accumulate]


@pytest.mark.parametrize("fn", RUNNING, ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_running_extrema(fn, axis):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(fn(x, axis=axis)) * np.arange(12.0).reshape(3, 4)), x)


@pytest.mark.parametrize("fn", RUNNING, ids=lambda f: f.__self__.__name__)
def test_running_extrema_default_axis_vectors_and_3d(fn):
    check(lambda x: np.sum(fn(x) ** 2 * np.arange(1.0, 6.0)), _distinct((5,)))
    check(lambda x: np.sum(np.sin(fn(x)) * np.arange(1.0, 5.0).reshape(4, 1)), _distinct((4, 2)))
    check(lambda x: np.sum(np.exp(fn(x, 2)) * x), _distinct((2, 2, 3)))


def running_max_weighted(x):
    return np.sum(np.maximum.accumulate(x) * np.arange(1.0, 1.0 + x.size))


def prefix_max_weighted(x):   # the same values, written as numpy.max of each prefix
    return np.sum(np.stack([np.max(x[:i + 1]) for i in range(len(x))]) *
                  np.arange(1.0, 1.0 + x.size))


def test_running_extremum_at_a_two_way_tie_splits_as_central_differences_do():
    """Two elements tie for a running maximum: half to each, what central differences give
    (the gradient jumps there, so first order only)."""
    check(running_max_weighted, np.array([0.2, 1.0, 0.5, 1.0, 0.3]), order=1)
    check(lambda x: np.sum(np.minimum.accumulate(x) * np.arange(1.0, 5.0)),
          np.array([0.4, -0.2, 0.1, -0.2]), order=1)


@pytest.mark.parametrize("x", [[1.0, 1.0, 1.0, 1.0], [0.5, 2.0, 2.0, 0.1, 2.0],
                               [-1.0, 0.3, 0.3, 0.3]])
def test_running_extremum_ties_split_evenly_as_numpy_max_does(x):
    """Several elements tie: y[i] is numpy.max(x[:i + 1]), and the derivative is that of
    numpy.max's rule on each prefix (split evenly among the tied elements), both modes."""
    x = np.array(x)
    assert np.allclose(srcdiff.grad(running_max_weighted)(x.copy()),
                       srcdiff.grad(prefix_max_weighted)(x.copy()))
    t = np.cos(np.arange(x.size))
    assert np.allclose(srcdiff.jvp(running_max_weighted)(x.copy(), t)[1],
                       srcdiff.jvp(prefix_max_weighted)(x.copy(), t)[1])


def test_running_extremum_with_nan():
    """fmax/fmin skip a NaN (it gets no derivative unless it leads); maximum/minimum carry it
    on, and the NaN gets the derivative of the values it makes NaN."""
    w = np.arange(1.0, 5.0)
    x = np.array([0.3, np.nan, 2.0, 0.1])
    grad = srcdiff.grad(lambda x: np.sum(np.fmax.accumulate(x) * w))(x.copy())
    assert np.allclose(grad, srcdiff.grad(lambda x: np.sum(np.fmax.accumulate(x) * w))(
        np.array([0.3, -5.0, 2.0, 0.1])))
    grad = srcdiff.grad(lambda x: np.sum(np.maximum.accumulate(x) * w))(x.copy())
    assert np.array_equal(grad, srcdiff.grad(running_max_by_steps)(x.copy()))


def running_max_by_steps(x):   # numpy.maximum, whose rule gives a NaN operand the derivative
    y = [x[0]]
    for i in range(1, len(x)):
        y.append(np.maximum(y[-1], x[i]))
    return np.sum(np.stack(y) * np.arange(1.0, 5.0))


def running_into_out(x):
    o = np.zeros(4)
    np.maximum.accumulate(x, out=o)
    return np.sum(o * np.arange(1.0, 5.0))


def test_running_extremum_out_into_a_local_array_is_the_write_it_makes():
    check(running_into_out, _distinct((4,)))   # o[...] = accumulate(x) (out_writes.py)


# -- where= and initial= of sum, mean, prod, max, min (and the methods) --------------------
MASK = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])
KEYWORD_AXES = [(None, False), (0, False), (1, True), (-1, False), ((0, 2), True)]


MASK3 = np.stack([MASK, ~MASK])  # a kept element in every reduction of KEYWORD_AXES


@pytest.mark.parametrize("fn", [np.sum, np.mean, np.prod])
@pytest.mark.parametrize("axis,keepdims", KEYWORD_AXES)
def test_where(fn, axis, keepdims):
    """masks shaped like the values, and (3, 4) broadcast against (2, 3, 4) values (not for
    mean: a reduction with no kept element is NaN): masked elements get 0"""
    x = _distinct((2, 3, 4))
    for mask in (MASK3, MASK) if fn is not np.mean else (MASK3,):
        w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims, where=mask), x)
        check(lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims, where=mask)) * w), x)
        g = srcdiff.grad(lambda x: np.sum(fn(x, axis=axis, keepdims=keepdims, where=mask) * w))(x)
        assert np.all(g[~np.broadcast_to(mask, x.shape)] == 0.0)


@pytest.mark.parametrize("fn", [np.sum, np.prod])
@pytest.mark.parametrize("axis,keepdims", KEYWORD_AXES)
def test_initial_and_where(fn, axis, keepdims):
    """initial= differentiated too, alone and with where="""
    x = _distinct((2, 3, 4))
    w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims, initial=1.3), x)
    check(lambda x, v: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims, initial=v)) * w),
          x, 1.3, wrt=(0, 1))
    check(lambda x, v: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims, initial=v,
                                        where=MASK)) * w), x, 0.7, wrt=(0, 1))


@pytest.mark.parametrize("fn", [np.max, np.min, np.amax, np.amin])
@pytest.mark.parametrize("axis,keepdims", KEYWORD_AXES)
def test_extrema_initial_and_where(fn, axis, keepdims):
    """initial in the middle of the values: it is the result of some reductions (its
    derivative goes to initial there), not of others; with where=, masked elements never
    are the extremum"""
    x = _distinct((2, 3, 4))
    v = 0.05 if fn in (np.max, np.amax) else -0.05
    w = _weights(lambda x: fn(x, axis=axis, keepdims=keepdims, initial=v), x)
    for mask in (True, MASK):
        def f(x, v, mask=mask):
            return np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims, initial=v,
                                    where=mask)) * w)
        check(f, x, v, wrt=(0, 1))
        check(f, -x, v, wrt=(0, 1))
    check(lambda x, v: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims, initial=v,
                                        where=MASK3)) * w), x, v, wrt=(0, 1))


def test_extremum_of_initial_only():
    """max(x, initial=v) with v above every element: all of the derivative goes to v"""
    x = np.array([0.2, -0.4, 0.1])
    gx, gv = srcdiff.grad(lambda x, v: np.max(x, initial=v), wrt=(0, 1))(x, 2.0)
    assert np.all(gx == 0.0) and gv == 1.0


def test_extremum_tie_with_initial_goes_to_the_element():
    """a tie of initial with an element (a kink): the element takes the derivative, a
    subgradient; moving both together moves the max at rate 1"""
    x = np.array([0.2, 0.5, 0.1])
    gx, gv = srcdiff.grad(lambda x, v: np.max(x, initial=v), wrt=(0, 1))(x, 0.5)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0])
    assert gv == 0.0
    _, t = srcdiff.jvp(lambda x, v: np.max(x, initial=v), wrt=(0, 1))(
        x, 0.5, np.ones(3), 1.0)
    assert t == 1.0


def keyword_methods(x, m):
    return (x.sum(where=m) + x.max(initial=0.3) * x.min(axis=0, initial=-0.2).sum()
            + np.sum(x.mean(axis=1, where=m) ** 2) + x.prod(where=m, initial=1.5)
            + x.max(where=m, initial=-5.0))


def test_keyword_methods():
    check(keyword_methods, _distinct((3, 4)), MASK)


def test_reductions_without_keywords_emit_no_keyword_helper():
    """where=/initial= helpers fold away (srcdiff.splice) when the call has neither"""
    def f(x):
        return np.sum(x) + np.mean(x, axis=0).sum() + np.prod(x) + np.max(x) + np.amin(x)
    for make in (srcdiff.grad, srcdiff.jvp):
        text = srcdiff.source(make(f))
        for name in ("where_filled", "where_count", "with_initial", "initial_weight",
                     "where="):
            assert name not in text, (name, text)


# -- logaddexp/logaddexp2.reduce and .accumulate: log(sum(exp)) over an axis, and its running
# form (y[i] = log(exp(a[0]) + ... + exp(a[i])), base 2 for logaddexp2)
LOG_REDUCE = [np.logaddexp.reduce, np.logaddexp2.reduce]
LOG_ACCUMULATE = [np.logaddexp.accumulate, np.logaddexp2.accumulate]


@pytest.mark.parametrize("fn", LOG_REDUCE, ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("axis,keepdims", [(0, False), (1, True), (None, False),
                                           ((0, 1), True), (-1, False)])
def test_logaddexp_reduce(fn, axis, keepdims):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims))), x)


@pytest.mark.parametrize("fn", LOG_REDUCE, ids=lambda f: f.__self__.__name__)
def test_logaddexp_reduce_default_axis_and_far_apart_values(fn):
    """axis=0 by default; values hundreds apart (exp of them overflows) stay exact"""
    check(lambda x: np.sum(np.sin(fn(x)) * np.arange(1.0, 5.0)), _distinct((3, 4)))
    x = np.array([-900.0, 800.0, 799.5, -3.0])
    check(lambda x: fn(x) * 2.0, x)


@pytest.mark.parametrize("fn", LOG_ACCUMULATE, ids=lambda f: f.__self__.__name__)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_logaddexp_accumulate(fn, axis):
    x = _distinct((3, 4))
    check(lambda x: np.sum(np.sin(fn(x, axis=axis)) * np.arange(12.0).reshape(3, 4)), x)


@pytest.mark.parametrize("fn", LOG_ACCUMULATE, ids=lambda f: f.__self__.__name__)
def test_logaddexp_accumulate_vectors_3d_and_far_apart_values(fn):
    """the running sums are scaled by the running result, not by exp(a): values a thousand
    apart (whose exp overflows or underflows) give exact derivatives"""
    check(lambda x: np.sum(np.cos(fn(x)) * np.arange(1.0, 6.0)), _distinct((5,)))
    check(lambda x: np.sum(np.exp(fn(x, 2)) * x), _distinct((2, 2, 3)))
    x = np.array([-1000.0, -999.0, 0.5, 800.0, 799.0, 801.0, -5.0])
    check(lambda x: np.sum(fn(x) * np.arange(1.0, 8.0)), x)


@pytest.mark.parametrize("fn", LOG_ACCUMULATE + LOG_REDUCE, ids=lambda f: f.__self__.__name__
                         + "." + f.__name__)
def test_logaddexp_methods_forward_over_forward(fn):
    """a jvp of the emitted jvp (the accumulate helper's own forward rule) against differences"""
    check_jvp_of_jvp(lambda x: np.sum(np.sin(fn(x, axis=1)) * np.arange(1.0, 1.0 + np.size(
        fn(x, axis=1))).reshape(np.shape(fn(x, axis=1)))), _distinct((3, 4)))


@pytest.mark.parametrize("fn", LOG_ACCUMULATE, ids=lambda f: f.__self__.__name__)
def test_logaddexp_accumulate_with_leading_minus_infinity(fn):
    """log(0) = -inf elements, leading ones too (the running result is -inf there): they get
    derivative 0, and the others theirs (NaN nowhere)"""
    x = np.array([-np.inf, -np.inf, 0.3, 1.0, -np.inf, 0.2])
    w = np.arange(1.0, 7.0)
    check(lambda x: np.sum(np.sin(fn(x)[2:]) * w[2:]), x)
    g = srcdiff.grad(lambda x: np.sum(np.sin(fn(x)[2:]) * w[2:]))(x.copy())
    assert np.all(g[[0, 1, 4]] == 0.0) and np.all(np.isfinite(g))
