"""Every elementwise rule in templates/ufuncs.py against central differences."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_grad, check_hvp
from rule_tables import BINARY, UNARY, binary_program, unary_program

rng = np.random.default_rng(0)


def _in(lo, hi, shape=(2, 3)):
    return rng.uniform(lo, hi, size=shape)


@pytest.mark.parametrize("fn,domain", UNARY, ids=[f.__name__ for f, _ in UNARY])
@pytest.mark.parametrize("shape", [(2, 3), (4,), ()], ids=["2d", "1d", "0d"])
def test_unary(fn, domain, shape):
    check(unary_program(fn), _in(*domain, shape=shape))


@pytest.mark.parametrize("fn,domain", UNARY[:12], ids=[f.__name__ for f, _ in UNARY[:12]])
def test_unary_python_float(fn, domain):
    x = float(rng.uniform(*domain))
    check(lambda x: fn(x) * 3.0, x)


def test_imag_of_real_input_has_zero_gradient():
    x = _in(-1, 1)
    check(lambda x: np.sum(np.imag(x) + x), x)


def test_abs_kink_has_zero_derivative():
    g = srcdiff.grad(lambda x: np.sum(np.abs(x)))(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("fn,da,db", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
@pytest.mark.parametrize("sa,sb", [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)),
                                   ((), (2,))], ids=["same", "row", "outer", "scalar"])
def test_binary(fn, da, db, sa, sb):
    check(binary_program(fn), _in(*da, shape=sa), _in(*db, shape=sb), wrt=(0, 1))


@pytest.mark.parametrize("fn", [np.maximum, np.minimum, np.fmax, np.fmin])
@pytest.mark.parametrize("sa,sb", [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), ())])
def test_maximum_minimum(fn, sa, sb):
    a = rng.permutation(np.linspace(-1, 1, int(np.prod(sa)))).reshape(sa)
    b = np.full(sb, 0.05) if sb == () else rng.uniform(-1.03, 1.03, size=sb)
    check(lambda a, b: np.sum(fn(a, b) * np.sin(a + 1)), a, b, wrt=(0, 1))


def test_maximum_minimum_ties_split_evenly():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([2.0, 2.0, 2.0])
    ga, gb = srcdiff.grad(lambda a, b: np.sum(np.maximum(a, b)), wrt=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(gb, [1.0, 0.5, 0.0])
    ga, gb = srcdiff.grad(lambda a, b: np.sum(np.minimum(a, b)), wrt=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(gb, [0.0, 0.5, 1.0])


def test_fmax_ignores_nan():
    a = np.array([1.0, np.nan, 3.0])
    b = np.array([2.0, 2.0, np.nan])
    ga, gb = srcdiff.grad(lambda a, b: np.sum(np.fmax(a, b)), wrt=(0, 1))(a, b)
    np.testing.assert_array_equal(ga, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(gb, [1.0, 1.0, 0.0])


# -- where ---------------------------------------------------------------------

@pytest.mark.parametrize("sx,sy", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), ())])
def test_where(sx, sy):
    x, y = _in(-1, 1, sx), _in(-1, 1, sy)
    check(lambda x, y: np.sum(np.where(x > 0, x * x, y) * np.cos(x)), x, y, wrt=(0, 1))


def test_where_python_float_branch():
    x = _in(-1, 1, (3, 2))
    check(lambda x, c: np.sum(np.where(x > 0, c, np.sin(x))), x, 0.7, wrt=(0, 1))


def test_where_broadcast_condition():
    x = _in(-1, 1, (3,))
    cond = np.array([[True], [False]])
    check(lambda x: np.sum(np.where(cond, x, 2 * x) * np.arange(6.0).reshape(2, 3)), x)


def _sqrt_where_positive(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0))


def _log_or_sqrt(x):
    return np.sum(np.where(x > 0, np.log(x), np.sqrt(-x)))


@pytest.mark.parametrize("f", [_sqrt_where_positive, _log_or_sqrt], ids=lambda f: f.__name__)
def test_where_with_a_nan_in_the_unchosen_branch(f):
    with np.errstate(invalid="ignore", divide="ignore"):
        check(f, np.array([0.3, -0.4, 0.5]))


def _angle_between(u, v):
    c = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.arccos(np.clip(c * 1.25, -1.0, 1.0))   # clipped: arccos's slope at 1 is inf


def _arcsin_of_clipped(x):
    return np.sum(np.arcsin(np.clip(x, -1, 1)) * x)


def _arccos_of_minimum(x):
    return np.sum(np.arccos(np.minimum(x, 1.0)) + np.sqrt(np.maximum(x, 0.0)) * x)


@pytest.mark.parametrize("f,args", [
    (_angle_between, (np.array([1.0, 0.2, 0.1]), np.array([0.9, 0.25, 0.05]))),
    (_arcsin_of_clipped, (np.array([0.5, -1.5, 0.2, 2.0]),)),
    (_arccos_of_minimum, (np.array([0.5, -0.5, 0.2, 2.0]),))],
    ids=["angle_between", "arcsin_of_clipped", "arccos_of_minimum"])
def test_a_clipped_item_gets_zero_under_an_infinite_slope(f, args):
    """The items clip (maximum, minimum) does not pass on get derivative 0, also where the
    cotangent coming back is infinite (arccos at 1, sqrt at 0): 0, not inf * 0 = NaN (the
    angle between two vectors, its cosine clipped against rounding)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        check(f, *args, wrt=tuple(range(len(args))))


# -- clip ----------------------------------------------------------------------

def test_clip_scalars():
    x = rng.permutation(np.linspace(-1.03, 1.03, 12)).reshape(3, 4)
    check(lambda x: np.sum(np.clip(x, -0.5, 0.5) * np.cos(x)), x)


def test_clip_method_and_none_bounds():
    x = rng.permutation(np.linspace(-1.03, 1.03, 12)).reshape(3, 4)
    check(lambda x: np.sum(x.clip(0.1, None) ** 2), x)
    check(lambda x: np.sum(np.clip(x, None, 0.1) ** 2), x)


def test_clip_bound_gradients():
    x = rng.permutation(np.linspace(-1.03, 1.03, 12)).reshape(3, 4)
    lo = np.array([-0.5, -0.2, 0.05, -2.0])
    check(lambda x, lo, hi: np.sum(np.clip(x, lo, hi) * np.sin(x)), x, lo, 0.41,
          wrt=(0, 1, 2))


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.1.0", reason="min=/max= need 2.1")
def test_clip_min_max_keywords():
    x = rng.permutation(np.linspace(-1.03, 1.03, 12)).reshape(3, 4)
    check(lambda x, hi: np.sum(np.clip(x, min=-0.3, max=hi) ** 2), x, 0.33, wrt=(0, 1))
    check(lambda x, lo: np.sum(np.clip(x, min=lo, max=0.6) ** 2 * np.cos(x)), x, -0.33,
          wrt=(0, 1))


def test_clip_value_on_bound_passes_through():
    g = srcdiff.grad(lambda x: np.sum(np.clip(x, 0.0, 1.0)))(np.array([-1.0, 0.0, 0.5, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])


# Complex inputs: for a real-valued f(z), srcdiff.grad gives df/da - i df/db (z = a + ib),
# JAX's convention, checked here by finite differences in a and in b.
def _complex_fd_grad(f, z, eps=1e-6):
    g = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[i] = eps
        da = (f(z + e) - f(z - e)) / (2 * eps)
        db = (f(z + 1j * e) - f(z - 1j * e)) / (2 * eps)
        g[i] = da - 1j * db
    return g


def complex_abs(z):
    return np.sum(np.abs(z) * np.real(z))


def complex_norm(z):
    return np.linalg.norm(z) + np.sum(np.imag(z * z))


def complex_builtin_abs(z):
    total = 0.0
    for k in range(z.shape[0]):
        total = total + abs(z[k]) ** 2
    return total


@pytest.mark.parametrize("f", [complex_abs, complex_norm, complex_builtin_abs])
def test_complex_inputs_follow_the_convention(f):
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])
    want = _complex_fd_grad(f, z)
    np.testing.assert_allclose(srcdiff.grad(f)(z), want, rtol=1e-6, atol=1e-8)
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    eps = 1e-6
    fd = (f(z + eps * t) - f(z - eps * t)) / (2 * eps)
    assert srcdiff.jvp(f)(z, t)[1] == pytest.approx(fd, rel=1e-6)
    check_hvp(f, z, vector=np.array([1.0 - 0.5j, 0.2 + 0.1j, -0.3 + 0.8j]))


@pytest.mark.parametrize("f", [complex_abs, complex_norm])
def test_complex_inputs_checked(f):
    check(f, np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j]))


COMPLEX_UNARY = [np.exp, np.sin, np.cos, np.tan, np.sinh, np.cosh, np.tanh, np.log, np.sqrt,
                 np.square, np.reciprocal, np.conj, np.real, np.imag, np.negative, np.expm1,
                 np.log1p, np.arctan, np.abs, np.log10, np.exp2]


@pytest.mark.parametrize("fn", COMPLEX_UNARY, ids=[f.__name__ for f in COMPLEX_UNARY])
def test_complexunary_program(fn):
    z = np.array([1.0 + 0.5j, -0.5 + 0.3j, 0.7 - 0.4j])
    check(lambda z: np.sum(np.real(fn(z)) * np.arange(1.0, 4.0) + np.imag(fn(z))), z)
    check(lambda z: fn(z) * 2.0, z)


def test_complex_binary():
    # a base with a negative real part: the principal log (the exponent's derivative was 0)
    a = np.array([1.0 + 0.5j, -0.5 + 0.3j, 0.7 - 0.4j])
    b = np.array([0.3 - 0.2j, 1.2 + 0.4j, -0.6 + 0.1j])
    check(lambda a, b: a * b + a / b, a, b, wrt=(0, 1))
    check(lambda a, b: a ** b, a, b, wrt=(0, 1))
    check(lambda a, b: np.power(a, b) + np.sum(a) * b, a, b, wrt=(0, 1))
    check(lambda a, b: a @ b + np.dot(a, b) + np.mean(a * b) + np.prod(a + b), a, b,
          wrt=(0, 1))


def test_complex_norms_without_a_rule_are_refused():
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j])
    with pytest.raises(ValueError, match="norms of complex values"):
        srcdiff.grad(lambda z: np.linalg.norm(z, 1))(z)


# -- numpy.heaviside: x2 is its value where x1 == 0 (issue 12, item 10) --------------------
def heaviside_second(x):
    x1 = np.array([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0]])
    return np.sum(np.heaviside(x1, x * x) * np.arange(1.0, 7.0).reshape(2, 3))


def heaviside_both(x):
    return np.sum(np.heaviside(x - 0.5, x * 3.0) ** 2 * x)


def test_heaviside_second_argument():
    from gradcheck import check
    check(heaviside_second, np.array([0.3, -1.2, 0.7]))
    check(heaviside_second, 0.8)
    check(heaviside_both, np.array([0.1, 0.3, 0.7, 1.0]))  # x1 away from 0: a step


# -- complex arccosh: the branch of numpy.arccosh -----------------------------------------
def complex_arccosh(z):
    v = np.arccosh(z)
    return np.sum(np.real(v) * np.array([1.0, 2.0, -1.5]) + np.imag(v) * np.array([0.5, -1.0, 2.0]))


def test_complex_arccosh_takes_numpys_branch():
    """1 / sqrt(z * z - 1) has the wrong sign where Re z < 0 (the first point): the
    derivative of numpy.arccosh is 1 / (sqrt(z - 1) sqrt(z + 1))."""
    z = np.array([-0.2 + 0.5j, 0.4 + 0.3j, 1.5 - 0.7j])
    want = _complex_fd_grad(complex_arccosh, z)
    np.testing.assert_allclose(srcdiff.grad(complex_arccosh)(z), want, rtol=1e-6, atol=1e-8)
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    fd = (complex_arccosh(z + 1e-6 * t) - complex_arccosh(z - 1e-6 * t)) / 2e-6
    assert srcdiff.jvp(complex_arccosh)(z, t)[1] == pytest.approx(fd, rel=1e-6)
    check_hvp(complex_arccosh, z, vector=t)


# -- list arguments: comparisons are numpy's, item by item (Python compares lists whole) ---
def list_maximum(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.maximum([a, b], [b, a * 1.5])) * np.array([1.0, 2.0]))


def list_minimum(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.minimum([a, b], [b, a * 1.5])) * np.array([1.0, 2.0]))


def list_fmax(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.fmax([a, b], [b, a * 1.5])) * np.array([1.0, 2.0]))


def list_fmin(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.fmin([a, b], [b, a * 1.5])) * np.array([1.0, 2.0]))


def list_heaviside(x):
    return np.sum(np.heaviside([0.0, 1.0, 0.0], [x[0], x[1], x[0] * x[1]]) * np.array([1.0, 2.0,
                                                                                        3.0]))


def list_clip(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.clip([a, b], [0.1, 0.2], [b, 0.9])) * np.array([1.0, 2.0]))


def list_add(x):
    a, b = x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2
    return np.sum(np.sin(np.add([a, b], [b, a * 1.5])) * np.array([1.0, 2.0]))


@pytest.mark.parametrize("f", [list_maximum, list_minimum, list_fmax, list_fmin, list_heaviside,
                               list_clip, list_add])
def test_list_arguments(f):
    """maximum/minimum/fmax/fmin/heaviside of lists gave silently wrong gradients (a whole-list
    comparison); clip crashed; add's forward rule concatenated the two list tangents."""
    from gradcheck import check
    check(f, np.array([0.37, 0.9]))
    check(f, np.array([1.3, -0.4]))


def _pair(x):
    return x[0] * 0.5 + 0.1, x[1] * x[1] * 0.3 + 0.2


def list_log(x):
    a, b = _pair(x)
    return np.sum(np.sin(np.log([a, b])) * np.array([1.0, 2.0]))


def list_square(x):
    a, b = _pair(x)
    return np.sum(np.square([a, b]) * np.array([1.0, 2.0]))


def list_multiply(x):
    a, b = _pair(x)
    return np.sum(np.multiply([a, b], (b, a * 1.5)) * np.array([1.0, 2.0]))


def list_power(x):
    a, b = _pair(x)
    return np.sum(np.power([a, b], [b, 2.0]) * np.array([1.0, 2.0]))


def list_arctan2(x):
    a, b = _pair(x)
    return np.sum(np.arctan2([a, b], [b, a * 1.5]) * np.array([1.0, 2.0]))


def list_sinc(x):
    a, b = _pair(x)
    return np.sum(np.sinc([a, b]) * np.array([1.0, 2.0]))


def list_negative(x):
    a, b = _pair(x)
    return np.sum(np.sin(np.negative([a, b])) * np.array([1.0, 2.0]))


@pytest.mark.parametrize("f", [list_log, list_square, list_multiply, list_power, list_arctan2,
                               list_sinc, list_negative])
def test_ufunc_of_a_list_display(f):
    """A list display given to a ufunc is made an array first (numpy.asarray, as the ufunc
    does): the rules computed with the list itself (2 * [a, b] repeats it; 1 / [a, b] and
    [a, b] * 0.5 crash) in reverse, forward or second order."""
    from gradcheck import check
    check(f, np.array([0.37, 0.9]))


def named_list_square_of_one(x):
    lst = [x[0] * x[1]]
    return np.sum(np.square(lst) * 3.0)


def named_list_log(x):
    lst = [x[0] + 1.0, x[1] * x[1] + 0.5]
    return np.sum(np.log(lst) * np.array([1.0, 2.0]))


def named_list_multiply(x):
    lst = [x[0], x[1]]
    return np.sum(np.multiply(lst, lst) * np.array([1.0, 2.0]))


def named_list_reciprocal(x):
    lst = [x[0] + 2.0]
    return np.sum(np.divide(1.0, lst) * 2.0) + np.sum(np.reciprocal(lst)) + x[1]


@pytest.mark.parametrize("f", [named_list_square_of_one, named_list_log, named_list_multiply,
                               named_list_reciprocal])
def test_ufunc_of_a_named_list(f):
    """lst = [v]; numpy.square(lst): 2 * lst repeated the list, a silently wrong gradient
    (half the right one here); longer lists crashed. Names bound only to list displays are
    made arrays before a ufunc, like displays."""
    from gradcheck import check
    check(f, np.array([0.37, 0.9]))


def square_of_argument(x):
    return np.sum(np.square(x) * 3.0) + np.sum(np.log(x))


@pytest.mark.parametrize("x", [[0.5], [0.5, 2.0], (0.5, 2.0)])
def test_ufunc_of_a_list_argument(x):
    """grad(f)([0.5]) with numpy.square(x) inside gave 1.5 (want 3.0): the rule computed
    2 * x with the list; list and tuple arguments are now made arrays before a ufunc.
    (Second order over list arguments still takes the general variant: not checked here.)"""
    from gradcheck import check_jvp
    check_grad(square_of_argument, x)
    check_jvp(square_of_argument, x)


def test_hvp_of_a_list_argument_to_a_ufunc():
    want = check_hvp(square_of_argument, np.array([0.5]), vector=np.array([1.0]))
    np.testing.assert_allclose(srcdiff.hvp(square_of_argument)([0.5], [1.0]), want)


# -- numpy.copysign and numpy.ldexp: piecewise constant in their second argument ----------
def copysign_first(x):
    signs = np.array([1.0, -2.0, -0.0, 3.0])
    return np.sum(np.copysign(x * x - 0.2, signs) * np.arange(1.0, 5.0))


def copysign_both(x):
    return np.sum(np.sin(np.copysign(x, x - 0.4)) * x)


def ldexp_first(x):
    return np.sum(np.ldexp(np.sin(x), np.array([0, 1, -2, 3])) * np.arange(1.0, 5.0))


def test_copysign_and_ldexp():
    from gradcheck import check
    x = np.array([0.9, -1.1, 0.3, 0.7])
    check(copysign_first, x.copy())
    check(copysign_both, x.copy())
    check(copysign_first, 0.8)
    check(ldexp_first, x.copy())
    check(lambda s: np.ldexp(s * s, 3) + np.copysign(s, -1.0), 0.6)


W23 = np.arange(1.0, 7.0).reshape(2, 3)
X23 = np.array([[0.3, -1.7, 2.45], [5.2, -0.6, 3.9]])   # no integers, no powers of two


def fractional_part(x):
    return np.sum(np.sin(np.modf(x)[0] * 3) * W23)


def both_parts(x):
    frac, whole = np.modf(x)
    return np.sum(frac ** 2 * whole * W23)


def integral_part_only(x):
    return np.sum(np.modf(x)[1] * W23 + x)


def mantissa_and_exponent(x):
    m, e = np.frexp(x)
    return np.sum(np.sin(m * 2) * e * W23)


def mantissa_squared(x):
    return np.sum(np.frexp(x)[0] ** 2 * W23)


def of_a_number(s):
    return np.frexp(s)[0] * s + np.modf(s * 3.0)[0] ** 2


@pytest.mark.parametrize("f", [fractional_part, both_parts, integral_part_only,
                               mantissa_and_exponent, mantissa_squared])
def test_modf_and_frexp(f):
    from gradcheck import check
    check(f, X23.copy())


@pytest.mark.parametrize("s", [0.7, -5.3, 1e-3])
def test_modf_and_frexp_of_numbers(s):
    from gradcheck import check
    check(of_a_number, s)
