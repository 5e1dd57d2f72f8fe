"""*args and **kwargs in the user's helpers, and starred displays and calls
(srcdiff/variadic.py): a helper taking *args called with explicit and starred arguments,
keywords spread with **, starred displays; a variadic call without derivative is emitted
with its star. Checked against finite differences in both modes and to second order.
(Moved from tests/test_callables_values.py; its refusals stay there, with the other
refusals of calls.)"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_hvp, refusal

X = np.array([0.3, 0.7, 1.1])


def step_direction(w, x):
    return np.tanh(w * x)


# -- *args and **kwargs ---------------------------------------------------------------
def concat_and_multiply(weights, *args):
    return np.concatenate(args) * weights


def passes_args_on(w, *args):
    return concat_and_multiply(w, *args) + concat_and_multiply(w, args[0], args[1])


def variadic(x):
    return np.sum(passes_args_on(x[0], x[:2], x[1:]))


def with_options(x, *, power=2, **opts):
    return x ** power * opts["s"]


def keywords_spread(x):
    kw = {"s": x[1]}
    kw["power"] = 3
    return np.sum(with_options(x, **kw) + with_options(x, s=x[0]) +
                  with_options(x, **{"s": x[2]}))


def starred_arguments(x):
    pair = (x * 3.0, x)
    return np.sum(step_direction(*[x, x * 2.0])) + np.sum(step_direction(*(x, x))) + \
        np.sum(step_direction(*pair))


def starred_displays(x):
    a = (x[0], x[1])
    b = [*a, x[2], *a]
    c = (*b, x[0])
    return b[0] * b[4] + c[2] * c[5]


def starred_display_spread(x):
    # *xs where xs is a display with starred items of a length srcdiff sees (issue #13)
    first = [x * 2.0]
    parts = (*first, x)
    both = [*parts]
    return np.sum(step_direction(*parts)) + np.sum(step_direction(*(*[x], x[::-1]))) + \
        np.sum(step_direction(*both))


@pytest.mark.parametrize("f", [variadic, keywords_spread, starred_arguments,
                               starred_displays, starred_display_spread])
def test_variadic_calls(f):
    check(f, X)


def inactive_variadic_call(x):
    k = np.sum(concat_and_multiply(2.0, np.ones(2), np.ones(1) * 3.0, *[np.ones(1)]))
    return np.sum(x * x) * k


def test_a_variadic_call_without_derivative_is_emitted_with_its_star():
    check(inactive_variadic_call, X)
    g = srcdiff.grad(inactive_variadic_call)
    g(X)
    assert "concat_and_multiply(2.0, *args" in srcdiff.source(g)


def spread_of_a_grown_list(x):
    first = [x]
    parts = (*first, x)
    first.append(x)
    return np.sum(step_direction(*parts))


def spread_of_a_grown_list_into_args(x):
    def total(*vs):
        return sum(np.sum(v) for v in vs)
    first = [x]
    parts = (*first, x)
    first.append(x)
    return total(*parts)


def test_a_starred_display_of_a_grown_list_is_refused_where_no_arity_tells_its_length():
    with pytest.raises(srcdiff.SrcdiffError, match="passes \\*xs only"):
        srcdiff.grad(spread_of_a_grown_list_into_args)(X)
    # step_direction takes two: parts' items read, their number checked when it runs
    check(spread_of_a_grown_list, X)


# -- *xs of a length not seen, into a call without derivative (issue #13) ------------------
def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean   # autograd's VAE example


def reparameterised(x):
    rs = np.random.RandomState(0)
    m = np.reshape(x, (2, 3))
    return np.sum(sample_diag_gaussian(m, m * 0.5, rs) ** 2)


def shape_of_a_value(x):
    shape = np.outer(x, x).shape
    return np.sum(np.outer(x, x) * np.ones(*[shape]) + np.zeros(shape, *()) +
                  np.random.RandomState(1).rand(*shape))


def shape_passed_in(x, shape):
    return np.sum(x * np.random.RandomState(2).normal(0.0, 1.0, *shape) + np.zeros(*shape))


X6 = np.arange(1.0, 7.0) / 10


@pytest.mark.parametrize("f, args", [(reparameterised, (X6,)), (shape_of_a_value, (X,)),
                                     (shape_passed_in, (X6, (6,)))])
def test_a_starred_shape_into_a_call_without_derivative(f, args):
    check(f, *args)
    g = srcdiff.grad(f)
    g(*args)
    assert "(*args" in srcdiff.source(g)   # spread again when it runs, whatever its length


def sums_a_pair_passed_in(x, pair):
    return np.sum(np.add(*pair) * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_starred_tuple_of_unseen_length_into_a_rule_is_refused(mode):
    err = refusal(sums_a_pair_passed_in, (X, (X, X)), mode)
    assert "fills a *args parameter" in str(err) and "one by one" in str(err)


# -- *args and **kwargs of the function differentiated itself (issue #13) -----------------
def objective(params, data, scale):
    return np.sum(np.sin(params * data)) * scale


# autograd's flatten_func: `lambda _x, *args: flatten(func(unflatten(_x), *args))[0]`
flat_objective = lambda _x, *args: objective(_x * 2.0, *args) + np.sum(_x ** 2) * len(args)


def takes_args_and_keywords(x, *args, power=2, **kw):
    total = np.sum(x ** power) * kw.get("s", 1.0)
    for a in args:
        total = total + np.sum(np.tanh(x * a))
    return total + kw.get("t", 0.25) * x[0]


@pytest.mark.parametrize("f, extra", [(flat_objective, (X[::-1], 0.7)),
                                      (flat_objective, (0.5, 1.5)),
                                      (takes_args_and_keywords, ()),
                                      (takes_args_and_keywords, (0.3,)),
                                      (takes_args_and_keywords, (0.3, X, 2.0))])
def test_the_function_differentiated_takes_args(f, extra):
    # specialised on how many are passed; second order: srcdiff.hvp (check's own second
    # order runs the emitted code, which takes *args as one tuple)
    check(f, X, *extra, order=1)
    check_hvp(f, X, *extra, vector=X[::-1])


def test_the_function_differentiated_takes_args_and_keywords():
    from gradcheck import numerical_grad
    for args, kw in [((), {"t": 0.5}), ((0.3, X), {"t": 0.5, "s": 2.0, "power": 3})]:
        got = srcdiff.grad(takes_args_and_keywords)(X, *args, **kw)
        want = numerical_grad(lambda x: takes_args_and_keywords(x, *args, **kw), (X,), 0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        _, tangent = srcdiff.jvp(takes_args_and_keywords)(X, *args, X[::-1], **kw)
        np.testing.assert_allclose(tangent, want @ X[::-1], rtol=1e-5, atol=1e-6)
        along = srcdiff.hvp(takes_args_and_keywords)(X, *args, X[::-1], **kw)
        hess = numerical_grad(lambda x: srcdiff.grad(takes_args_and_keywords)(x, *args, **kw)
                              @ X[::-1], (X,), 0)
        np.testing.assert_allclose(along, hess, rtol=1e-4, atol=1e-5)


def _sum_of_rest(w, *args, **kw):
    total = w
    for a in args:
        total = total + np.sum(np.tanh(a))
    for v in kw.values():
        total = total + np.sum(np.sin(v))
    return total


def _rest_then_written(x):
    a = _sum_of_rest(x[0], x, b=x * 2.0)
    x[0] = 1.0
    return np.sum(x) * a


def test_a_refusal_names_the_callees_rest_not_srcdiffs_tuple():
    # right, or refused naming `_sum_of_rest's *args`, never srcdiff's temporary args_1
    try:
        check(_rest_then_written, X.copy())
    except srcdiff.SrcdiffError as err:
        first = str(err).splitlines()[0]
        assert "_sum_of_rest's *args" in first and "args_1" not in first, first


# -- session 23 (hunt22's nested_star_call, nested_kwargs_forward were refused) ----------
def spread_slices(x):
    def f3(a, b, c):
        return a * b - c

    parts = [x[0], x[1], x[2]]
    return f3(*parts[::-1]) * f3(*parts[1:], x[0]) + f3(x[1], *parts[-2:])


def kwargs_passed_on(x):
    def inner(**kw):
        return kw["u"] * kw["v"]

    def outer(**kw):   # (inner's own **kw rebinds no kw of outer)
        return inner(**kw) + kw["u"]

    return np.sum(outer(u=x, v=np.exp(x)))


@pytest.mark.parametrize("f", [spread_slices, kwargs_passed_on], ids=lambda f: f.__name__)
def test_a_constant_slice_spread_and_a_kwargs_passed_on_differentiate(f):
    check(f, X, order=1)


def rebinds_its_kwargs(x):
    def outer(**kw):
        def rebind():
            nonlocal kw
            kw = {"u": x[0]}
        rebind()
        return helper_kw(**kw)

    return outer(u=x[1], v=x[2])


def helper_kw(**kw):
    return kw["u"] * 2.0


def test_kwargs_a_nested_def_rebinds_are_not_taken_for_the_callers():
    with pytest.raises(srcdiff.SrcdiffError, match=r"passes \*\*kw only"):
        srcdiff.grad(rebinds_its_kwargs)(X)


# -- f(*x) of an array (issue #13; hunt27's star_unpack_array, hunt29's
# star_args_sum_squares) ------------------------------------------------------------------
def spread_array_parameter(x):
    def f(a, b, c):
        return a * b + np.cos(c)

    def sumsq(*vals):
        return sum(v ** 2 for v in vals)

    return f(*x[:3]) * sumsq(*x[1:]) + sumsq(*x[::-1]) * x[0]


def spread_rows(M):
    def f(r, s):
        return np.sum(r * np.tanh(s))

    return f(*M) + f(*M[::-1]) ** 2


def spread_into_fixed_parameters(x):
    def f(a, b, c, d):
        return a * b - np.sin(c) * d

    v = x * 2.0
    return f(*v, x[0]) + f(x[1], *x[:3]) + f(*(x[1:] - 1.0), 0.5, 2.0)


def spread_list_into_fixed_parameters(x, n):
    xs = [x] * n
    return np.sum(two_of(*xs)) + np.sum(two_of(x, *[x * 3.0]))


def two_of(a, b):
    return a * np.exp(b)


@pytest.mark.parametrize("f, args", [(spread_array_parameter, (X,)),
                                     (spread_array_parameter, (X6,)),
                                     (spread_rows, (X6.reshape(2, 3),)),
                                     (spread_into_fixed_parameters, (X,)),
                                     (spread_list_into_fixed_parameters, (X, 2))],
                         ids=lambda a: getattr(a, "__name__", ""))
def test_an_array_spread_into_a_call_differentiates(f, args):
    check(f, *args, order=2)


def test_an_array_spread_is_made_per_length():
    # the derivative of each length spreads that many items (never the first length's)
    g = srcdiff.grad(spread_array_parameter)
    from gradcheck import numerical_grad
    for x in (X, X6, X6[:4], X, X6[:4]):
        np.testing.assert_allclose(g(x), numerical_grad(spread_array_parameter, (x,), 0),
                                   rtol=1e-5, atol=1e-6)


def test_an_array_spread_is_made_per_length_past_the_shape_variants():
    # past MAX_SHAPE_VARIANTS the shapes share one variant: its key keeps each length
    from gradcheck import numerical_grad

    def sumsq_spread(x):
        def sumsq(*vals):
            return sum(v ** 2 for v in vals)
        return sumsq(*x) * x[0]

    g = srcdiff.grad(sumsq_spread)
    from srcdiff.derivative import MAX_SHAPE_VARIANTS
    for n in list(range(2, 4 + MAX_SHAPE_VARIANTS)) + [3, 2]:
        x = np.linspace(0.2, 1.1, n)
        np.testing.assert_allclose(g(x), numerical_grad(sumsq_spread, (x,), 0),
                                   rtol=1e-5, atol=1e-6)


def spread_wrong_length(x):
    def f(a, b, c):
        return a * b * c
    return f(*(x * 2.0))


def test_a_spread_of_another_length_than_the_parameters_is_refused_when_it_runs():
    # f(*v) of f(a, b, c) reads v[0], v[1], v[2]: a v of 4 items is Python's error, located
    with pytest.raises(srcdiff.SrcdiffError, match="too many values") as info:
        srcdiff.grad(spread_wrong_length)(X6[:4])
    assert info.value.lineno == spread_wrong_length.__code__.co_firstlineno + 3
    check(spread_wrong_length, X)


def spread_of_a_local_array(x):
    def sumsq(*vals):
        return sum(v ** 2 for v in vals)
    y = x[x > 0]
    return sumsq(*y)


def spread_of_a_rebound_parameter(x):
    def sumsq(*vals):
        return sum(v ** 2 for v in vals)
    x = x[1:]
    return sumsq(*x)


def spread_of_a_nested_functions_own_parameter(x):
    def sumsq(*vals):
        return sum(v ** 3 for v in vals)

    def inner(x):   # its own x: not the length of the outer x
        return sumsq(*x)

    return inner(np.concatenate([x, x])) + sumsq(*x)


@pytest.mark.parametrize("f", [spread_of_a_local_array, spread_of_a_rebound_parameter,
                               spread_of_a_nested_functions_own_parameter])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_spread_of_a_length_not_known_is_refused(f, mode):
    err = refusal(f, (X,), mode)
    assert "cannot tell how many items" in str(err) and "unpack it into names" in str(err)
