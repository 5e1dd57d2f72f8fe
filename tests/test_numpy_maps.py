"""NumPy's maps of a user's function (srcdiff/numpy_maps.py, issue #13): np.vectorize (called
where it is made, bound to a name, decorating a def, module-level, several arguments
broadcast, otypes), np.apply_along_axis (axis 0, 1, -1, a scalar or an array per slice, extra
arguments), np.piecewise (functions and constants, the "otherwise" function) and
np.apply_over_axes, each checked against central differences in both modes and to second
order (gradcheck.check); and the located refusals: a function writing into its slice, one
declaring global names, a map in a lambda or after a call of the user's in its statement."""
import numpy as np
import pytest
from numpy import vectorize

import srcdiff
from srcdiff import frontend, source_rewrites
from srcdiff import syntax as S

import user_modules
from gradcheck import check, refusal

X = np.array([[0.3, 0.7, 1.1], [0.2, 0.95, -0.4]])
W = np.array([0.5, 1.5, 2.0])
CALLS = 0


def branchy(v):
    if v > 0.5:
        return np.sin(v) * v
    return v * v


def two(a, b):
    return a * np.cos(b) + b


@np.vectorize
def decorated(v):
    return v * v * 1.5 + np.exp(-v)


scaled = np.vectorize(two, otypes=[float])


def vectorize_called_where_made(x):
    return np.sum(np.vectorize(branchy)(x) ** 2)


def vectorize_bound_to_a_name(x, w):
    h = np.vectorize(two, otypes=[float])
    return np.sum(h(x, w) ** 2)


def vectorize_keyword_argument(x, w):
    return np.sum(np.vectorize(two)(x, b=w))


def vectorize_module_level(x, w):
    return np.sum(decorated(x) * x) + np.sum(scaled(w, x))


def vectorize_a_lambda(x):
    return np.sum(np.vectorize(lambda v: v ** 3 + 1.0)(x))


def vectorize_a_local_def(x):
    @np.vectorize
    def k(v):
        if v < 0.0:
            return -v * 0.5
        return np.tanh(v) * v
    return np.sum(k(x) * k(x + 1.0))


def vectorize_imported_by_name(x):
    return np.sum(vectorize(branchy, otypes="d")(x * 2.0))


def vectorize_a_scalar(x):
    return np.vectorize(branchy)(x[0, 1]) * x[1, 0]


def along_axis_0_scalar(a):
    return np.sum(np.apply_along_axis(lambda r: np.sum(r * r) * r[0], 0, a) ** 2)


def along_axis_1_array_extra_argument(a, w):
    y = np.apply_along_axis(lambda r, s: np.outer(r, s), 1, a, w)
    return np.sum(np.sin(y))


def along_last_axis(a):
    return np.sum(np.apply_along_axis(np.cumsum, -1, a) ** 2)


def along_axis_of_a_3d_array(a):
    b = np.reshape(np.concatenate([a, a * a]), (2, 2, 3))
    return np.sum(np.apply_along_axis(branchy_row, 1, b, scale=0.5) ** 2)


def branchy_row(r, scale=1.0):
    if r[0] > 0.5:
        return np.tanh(r) * scale
    return r * r[::-1]


def along_a_1d_array(a):
    return np.sum(np.apply_along_axis(lambda r: r * np.sum(r), 0, a[0]))


def piecewise_functions_and_a_constant(x):
    y = np.piecewise(x, [x < 0.5, x >= 0.9], [lambda t: t * t, np.sin, 0.25])
    return np.sum(y * x)


def piecewise_one_per_condition(x, w):
    y = np.piecewise(x, [x < 0.5, x >= 0.5], [branchy_on_array, lambda t, k: t * k], w[0])
    return np.sum(y ** 2)


def branchy_on_array(t, k):
    return np.exp(t) * k


def over_axes(a):
    return np.sum(np.sin(np.apply_over_axes(np.sum, a * a, [0, -1])))


def helper_of_g(v):
    return 0.1 * v


def g_with_default(v, c=0.5):
    if v > c:
        return np.sin(v) * v
    return v * v + helper_of_g(v)


def map_in_a_loop(x):
    y = x
    for _ in range(2):
        y = np.vectorize(g_with_default)(y) * 0.9
    return np.sum(y)


def map_in_a_branch_test_and_an_update(x):
    s = 0.0
    if np.sum(np.vectorize(g_with_default)(x)) > 0.0:
        s += np.sum(np.vectorize(g_with_default)(x * 2.0))
    else:
        s -= 1.0
    return s


def map_of_a_map(a):
    return np.sum(np.vectorize(g_with_default)(np.apply_along_axis(lambda r: r * np.sum(r),
                                                                   0, a)))


def map_in_a_helper(x):
    return helper_with_a_map(x) * 2.0


def helper_with_a_map(x):
    return np.sum(np.apply_along_axis(np.sum, 1, x * x))


def map_in_a_while_body(x):
    y, n = x, 0
    while n < 2:
        y = np.vectorize(g_with_default)(y)
        n += 1
    return np.sum(y)


def vectorized_name_called_twice(x):
    h = np.vectorize(g_with_default)
    return np.sum(h(h(x)))


def map_of_a_call_of_the_users(x):
    return np.sum(np.vectorize(g_with_default)(helper_of_g(x) + x))


def frompyfunc_called_where_made(x):
    return np.sum(np.frompyfunc(g_with_default, 1, 1)(x).astype(float) * x)


def frompyfunc_bound_two_arguments(x, w):
    h = np.frompyfunc(two, 2, 1)
    return np.sum(np.asarray(h(x, w), dtype=float) ** 2) + float(h(x[0, 0], w[1]))


def mapped_by_a_helper(x, fn):
    return np.sum(np.vectorize(fn)(x)) + np.sum(np.apply_along_axis(fn, 0, x))


def smooth(v):
    return np.sin(v) * v


def map_of_a_function_passed_on(x):
    return mapped_by_a_helper(x, smooth) * 2.0


def vectorize_a_float(s):
    return np.vectorize(g_with_default)(s) * s


CASES = [(vectorize_called_where_made, (X,)), (vectorize_bound_to_a_name, (X, W)),
         (vectorize_keyword_argument, (X, W)), (vectorize_module_level, (X, W)),
         (vectorize_a_lambda, (X,)), (vectorize_a_local_def, (X,)),
         (vectorize_imported_by_name, (X,)), (vectorize_a_scalar, (X,)),
         (along_axis_0_scalar, (X,)), (along_axis_1_array_extra_argument, (X, W)),
         (along_last_axis, (X,)), (along_axis_of_a_3d_array, (X,)), (along_a_1d_array, (X,)),
         (piecewise_functions_and_a_constant, (X,)), (piecewise_one_per_condition, (X, W)),
         (over_axes, (X,)), (map_in_a_loop, (X,)), (map_in_a_branch_test_and_an_update, (X,)),
         (map_of_a_map, (X,)), (map_in_a_helper, (X,)), (map_in_a_while_body, (X,)),
         (vectorized_name_called_twice, (X,)), (vectorize_a_float, (0.7,)),
         (map_of_a_call_of_the_users, (X,)), (frompyfunc_called_where_made, (X,)),
         (frompyfunc_bound_two_arguments, (X, W)), (map_of_a_function_passed_on, (X,))]


@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_each_map_differentiates_in_both_modes_to_second_order(f, args):
    check(f, *args, wrt=tuple(range(len(args))))


def test_the_result_is_numpys_own(tmp_path):
    """The written loops compute what NumPy computes: a vectorized function whose first
    result is an int gives an int array (vectorize takes the first result's dtype)."""
    mod = user_modules.load(tmp_path, "maps_first_int", """\
import numpy as np


def step(v):
    return 0 if v < 0.0 else v * v


def f(x):
    return np.sum(np.vectorize(step)(x) * x)
""")
    x = np.array([-0.5, 0.7, 1.2])
    grad = srcdiff.grad(mod.f)(x)
    assert np.allclose(grad, np.vectorize(mod.step)(x))   # int [0, 0, 1]: its items only


def test_a_function_of_another_module_of_the_users(tmp_path):
    user_modules.load(tmp_path, "maps_helpers", """\
import numpy as np


def bump(v, c):
    return np.exp(-(v - c) ** 2)
""")
    mod = user_modules.load(tmp_path, "maps_user", """\
import numpy as np
import maps_helpers


def f(x, c):
    return np.sum(np.vectorize(maps_helpers.bump)(x, c))
""")
    check(mod.f, X, W, wrt=(0, 1))


def test_a_module_importing_numpy_by_its_name(tmp_path):
    mod = user_modules.load(tmp_path, "maps_plain_import", """\
import numpy


def f(a):
    y = numpy.apply_along_axis(lambda r: numpy.outer(r, r), -1, a)
    return numpy.sum(numpy.piecewise(y, [y < 0.3], [lambda t: t ** 2, numpy.sqrt]))
""")
    check(mod.f, X)


def test_the_numba_path_refuses_rather_than_guess():
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(map_in_a_loop, jit=True)(X)


def test_a_plain_function_is_not_rewritten():
    source = frontend.get_source(along_last_axis)
    fdef = source_rewrites.rewrite(source, frontend.Resolver(along_last_axis), (), {})[0]
    assert fdef is not source.node
    assert "apply_along_axis" not in S.dump(fdef)

    def plain(x):
        return np.sum(np.cumsum(x))
    source = frontend.get_source(plain)
    assert source_rewrites.rewrite(source, frontend.Resolver(plain), (), {})[0] is source.node


def test_the_emitted_code_names_the_users_line():
    text = srcdiff.source(srcdiff.grad(along_axis_0_scalar))
    assert "# line" in text and "np.apply_along_axis(lambda r: np.sum(r * r) * r[0], 0, a)" \
        in text


def writes_its_slice(a):
    def g(r):
        r[0] = 0.0
        return np.sum(r)
    return np.sum(np.apply_along_axis(g, 0, a))


def adds_into_its_slice(a):
    def g(r):
        r += 1.0
        return r
    return np.sum(np.apply_along_axis(g, 1, a))


def counting(v):
    global CALLS
    CALLS += 1
    return v * CALLS


def reads_a_changing_global(x):
    return np.sum(np.vectorize(counting)(x))


def map_in_a_lambda(x):
    h = lambda t: np.vectorize(branchy)(t)   # noqa: E731
    return np.sum(h(x))


def map_after_a_call_of_the_users(x):
    return np.sum(branchy(x[0, 0]) + np.vectorize(branchy)(x))


def vectorize_with_a_signature(x):
    return np.sum(np.vectorize(lambda r: r * 2.0, signature="(n)->(n)")(x))


@pytest.mark.parametrize("f, words", [
    (writes_its_slice, "writes into its argument 'r'"),
    (adds_into_its_slice, "writes into its argument 'r'"),
    (reads_a_changing_global, "declares global CALLS"),
    (map_in_a_lambda, "not evaluated once"),
    (map_after_a_call_of_the_users, "branchy) would then run after it"),
    (vectorize_with_a_signature, "signature="),
])
def test_refused_at_the_users_line(f, words):
    for mode in ("grad", "jvp"):
        err = refusal(f, (X,), mode)
        assert words in str(err), str(err)
