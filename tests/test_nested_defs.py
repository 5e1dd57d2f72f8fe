"""srcdiff/nested_defs.py: a nested def or lambda reads the enclosing function's locals as
free variables (differentiated through them, both modes, second order); what it cannot
take (decorators, a nested function calling another that is bound twice, defined after it
and called before that, or reads a name the caller binds) is refused at the user's line, saying what to write
instead. A nested function calling another (and through it a third) is differentiated,
closures over the enclosing function's locals included; so are nested functions calling
each other (even calling odd, defined after it, and odd calling even back); so is one calling itself (on an int
depth, on a list, to a depth the data decides), one taking *args and **kwargs (called with
**d of a dict the function built), and one declaring nonlocal names
(tests/test_nonlocal_writes.py)."""
import functools
import math

import numpy as np
import pytest

import srcdiff

from gradcheck import check


def closure_over_locals(x, a):
    scale = a * 2.0

    def shifted(t):
        return np.sin(t * scale) + a

    square = lambda t: t * t * scale   # noqa: E731
    return np.sum(shifted(x) * square(x))


def decorated_nested(x):
    @functools.lru_cache
    def g(t):
        return t * 2.0
    return g(x)


def decorated_by_another(x):
    @staticmethod
    def g(t):
        return t * 2.0
    return g(x)


def cached_returning_an_array(x):
    @functools.cache
    def g(t):
        return np.zeros(2)   # one array for every caller: b below is a
    a = g(1)
    a += x
    b = g(1)
    return np.sum(b * x)


def cached_reading_a_local(x):
    scale = x * 2.0

    @functools.lru_cache(maxsize=None)
    def g(k):
        return k + scale[0]
    return g(1.0)


def cached_weights(x):
    import functools as ft

    @ft.lru_cache(maxsize=None)
    def weight(k):
        w = 1.0 / (k + 1)
        w += math.sqrt(k)
        return w if k else weight(k + 1) * 2.0
    return sum(weight(i) * x[i] ** 2 for i in range(len(x))) + decorated_nested(x[0])


# @functools.lru_cache / @functools.cache on a nested helper returning numbers (its values
# made by arithmetic, math functions and builtins of its arguments): a cache gives back what
# the helper returned, so the derivative is the undecorated helper's (refused before,
# "decorated nested functions are not supported"; hunt27's lru_cache_helper).
def test_a_cached_nested_helper_of_numbers_differentiates_as_the_helper():
    check(cached_weights, np.array([0.4, -0.7, 1.1]), order=2)
    check(decorated_nested, 0.5, order=2)


def variadic_nested(x):
    def g(*ts):
        return ts[0] * 2.0
    return g(x)


def nonlocal_nested(x):
    total = x

    def g(t):
        nonlocal total
        total = total + t
        return total
    return g(x)


def calls_one_defined_after_it(x):
    def even(v, n):
        return 1.0 if n == 0 else v * odd(v, n - 1)
    y = even(x, 0)   # (runs: n is 0) before odd is defined

    def odd(v, n):
        return v if n == 0 else even(v, n - 1) + v
    return even(x * y, 3)


def calls_one_defined_after_it_binding_what_it_reads(x):
    t = x * 2.0

    def even(v, n):
        t = v * 2.0
        return t if n == 0 else odd(t, n - 1)

    def odd(v, n):
        return v * t if n == 0 else even(v, n - 1)
    return even(x, 3)


def recursive_power(x):
    def pw(v, n):
        return 1.0 if n == 0 else v * pw(v, n - 1)
    return pw(x, 3)


def recursive_over_free_variables(x):
    a = np.cos(x)

    def pw(n):
        if n == 0:
            return a
        return x * pw(n - 1) + a
    return pw(3)


def recursive_tree_sum(x):
    def tsum(t):
        if isinstance(t, list):
            s = 0.0
            for c in t:
                s = s + tsum(c)
            return s
        return t * t
    return tsum([x, [x * 2.0, [x]]])


def recursive_on_a_list(x):
    def total(items):
        if len(items) == 0:
            return 0.0
        return items[0] * items[0] + total(items[1:])
    return total([x, 2.0 * x, np.sin(x)])


def recursive_to_a_depth_the_data_decides(x):
    def halve(v, k):
        if v < 1.0:
            return v * k
        return halve(v / 2.0, k + 1)
    return halve(x, 0)


def recursive_with_a_default_calling_another(x):
    def sq(t):
        return t * t * x

    def walk(v, n=2):
        if n == 0:
            return v
        return walk(sq(v), n - 1)
    return walk(x) + walk(x, 1)


def recursive_passed_on(x):
    def pw(v, n):
        return 1.0 if n == 0 else v * pw(v, n - 1)
    return sum(map(lambda k: pw(x, k), [1, 2]))


def kwargs_nested(x):
    def g(a, **kw):
        return a * kw["b"] + kw["c"]
    return g(x, b=x * x, c=np.sin(x))


def kwargs_of_a_built_dict(x):
    def g(a, **kw):
        s = a
        for k in kw:
            s = s * kw[k]
        return s
    d = {"p": x, "q": np.sin(x)}
    d["r"] = 3.0
    return g(x, **d)


def kwargs_passed_through(x):
    def inner(a, b=1.0, c=0.0):
        return a * b + c

    def outer(a, *args, **kw):
        return inner(a, *args, **kw)
    return outer(x, x * x, c=np.cos(x)) + outer(x)


def args_and_keyword_only(x):
    def g(*vs, scale=1.0, **kw):
        return scale * sum(vs) * kw["w"]
    return g(x, x * x, scale=2.0, w=np.exp(x))


def args_of_a_lambda(x):
    g = lambda *vs: vs[0] * vs[1]   # noqa: E731
    return g(x, np.sin(x))


def args_of_two_lengths(x):
    def g(*vs):
        return vs[0] * len(vs) + vs[-1]
    return g(x) + g(x, x, np.tanh(x))


@pytest.mark.parametrize("f", [recursive_power, recursive_over_free_variables,
                               recursive_tree_sum, recursive_on_a_list,
                               recursive_to_a_depth_the_data_decides,
                               recursive_with_a_default_calling_another, recursive_passed_on,
                               variadic_nested, nonlocal_nested, kwargs_nested,
                               kwargs_of_a_built_dict, kwargs_passed_through,
                               args_and_keyword_only, args_of_a_lambda, args_of_two_lengths])
@pytest.mark.parametrize("x", [0.7, 2.6])
def test_recursive_and_variadic_nested_functions_to_second_order(f, x):
    check(f, x, wrt=0, order=2)


def nested_calling_nested(x, a):
    def inner(t):
        return t * a

    def outer(t):
        return inner(t) + 1.0
    return outer(x)


def nested_calling_nested_over_locals(x, a):
    c = np.sum(a * x)

    def g(t):
        return np.sin(t) * c

    def h(t):
        return g(t) * 2.0 + g(t * x)
    return np.sum(h(x) * h(a))


def nested_calling_a_chain(x, a):
    c = np.sum(a)

    def g(t):
        return np.sin(t) * c

    def h(t):
        return g(t) * x

    def k(t):
        return h(t) + g(t * t)
    return np.sum(k(a) * k(x))


def lambda_calling_nested(x, a):
    def g(t):
        return np.tanh(t)
    h = lambda t: g(t) * x   # noqa: E731
    return np.sum(h(a))


def nested_calling_nested_in_a_loop_after_a_rebinding(x, a):
    c = np.sum(a)

    def g(t, p=2.0):
        return np.tanh(t) * c * p

    def h(t):
        return g(t) + g(t, 3.0) + t
    c = c * x[0]   # g reads c when it runs: the rebound value
    s = x
    for _ in range(3):
        s = h(s)
    return np.sum(s)


def nested_calling_nested_mapped(x, a):
    def g(t):
        return np.cos(t) * a[0]
    h = lambda t: g(t) * t   # noqa: E731
    return sum(map(h, [x[0], x[1]]))


def nested_calling_nested_that_reads_its_own_name(x, a):
    c = np.sum(a)

    def g(t):
        return np.sin(t) * c

    def h(t):
        c = 3.0
        return g(t) * c
    return np.sum(h(x))


def nested_calling_nested_bound_twice(x, a):
    def g(t):
        return np.sin(t)

    def h(t):
        return g(t) * 2.0

    y = np.sum(h(x))
    g = functools.partial(g)   # g bound again: which one h reads depends on when it runs
    return y + np.sum(h(x))


def test_a_nested_def_and_a_lambda_are_differentiated_through_their_free_variables():
    check(closure_over_locals, np.array([0.3, -0.5, 1.1]), 0.7, wrt=(0, 1))


@pytest.mark.parametrize("f", [nested_calling_nested_over_locals, nested_calling_a_chain,
                               lambda_calling_nested,
                               nested_calling_nested_in_a_loop_after_a_rebinding,
                               nested_calling_nested_mapped])
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_nested_function_calling_another_is_differentiated(f, wrt):
    check(f, np.array([0.5, -1.0, 0.5]), np.array([0.3, 0.2, -0.4]), wrt=wrt, order=2)


def test_a_nested_function_calling_another_over_scalars():
    check(nested_calling_nested, 0.5, 0.2, wrt=(0, 1), order=2)


def euler(g, y, dt, n=2):
    for _ in range(n):
        y = y + dt * g(y)
    return y


def passes_a_closure_not_reaching_the_result(x, a):
    c = np.min(a)

    def g(t):
        return np.sin(t) * c + 0.1 * x
    y = euler(g, x, 0.2)
    x = x + 0.2 * np.tanh(y)
    return a * 2.0


def passes_a_closure(x, a):
    c = np.min(a)

    def g(t):
        return np.sin(t) * c + 0.1 * x
    return np.sum(euler(g, x, 0.2) * a)


def passes_a_nested_function_calling_another(x, a):
    c = np.sum(a)

    def g(t):
        return np.sin(t) * c

    def h(t):
        return g(t) + a * t
    return np.sum(euler(h, x, 0.2))


@pytest.mark.parametrize("f", [passes_a_closure_not_reaching_the_result, passes_a_closure,
                               passes_a_nested_function_calling_another])
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_nested_function_passed_on_to_second_order(f, wrt):
    # the first derivative passes `closure_of(g, ('c', 'x'), [c, x])`; differentiated
    # again, that is g passed (closures_again)
    check(f, np.array([0.5, -1.0, 0.5]), np.array([0.3, 0.2, -0.4]), wrt=wrt, order=2)


TWO = (nested_calling_nested_that_reads_its_own_name, nested_calling_nested_bound_twice)


@pytest.mark.parametrize("fn, says, hint", [
    (decorated_by_another, "through its decorator @staticmethod", "srcdiff.extend"),
    (cached_returning_an_array, "each return gives a number", "return a number"),
    (cached_reading_a_local, "it reads 'scale'", "pass scale to g as an argument"),
    (calls_one_defined_after_it, "even calls odd, a nested function defined after it, "
     "and even is used at line", "define odd before even is called"),
    (calls_one_defined_after_it_binding_what_it_reads, "even binds 't', which another of "
     "them reads", "define odd before even is called"),
    (nested_calling_nested_that_reads_its_own_name, "h binds 'c', which g reads",
     "rename h's own names that g reads"),
    (nested_calling_nested_bound_twice, "g is bound more than once", "bind g once, before h"),
])
def test_what_a_nested_function_cannot_take_is_refused_at_its_line(fn, says, hint):
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(fn)(np.array([0.5, 0.1]), np.array([0.2, 0.3])) if fn in TWO \
            else srcdiff.grad(fn)(0.5)
    text = str(info.value)
    assert says in text and hint in text
    assert "test_nested_defs.py" in text


# -- a nested def reading module globals, emitted where those globals are not its own (hunt9,
# session 17): a helper of another module (its `onp`, `SCALE`), a helper's own closure cell,
# and emitted code differentiated again (jvp of hvp; tests/test_compose.py). The nested def
# stayed as written and read a bare `onp` in the caller's module: NameError.
import nested_helpers   # noqa: E402


def calls_a_helper_with_a_nested_def(x):
    return nested_helpers.with_nested_def(x) * 2.0


def calls_a_helper_with_a_lambda(x):
    return nested_helpers.with_lambda(x) - 1.0


_cell_helper = nested_helpers.made_with_cell(0.75)


def calls_a_helper_with_a_cell(x):
    return _cell_helper(x) + np.sum(x)


@pytest.mark.parametrize("f", [calls_a_helper_with_a_nested_def, calls_a_helper_with_a_lambda,
                               calls_a_helper_with_a_cell])
def test_a_nested_def_of_another_module_reads_its_own_globals(f):
    check(f, np.array([0.31, -0.42, 0.57]))


def test_third_order_through_a_helper_with_a_nested_def():
    f = calls_a_helper_with_a_nested_def
    x, v = np.array([0.31, -0.42, 0.57]), np.array([1.0, 0.5, -0.5])
    hvp = srcdiff.hvp(f)
    got = srcdiff.jvp(hvp, wrt=0)(x, v, v)[1]
    want = (hvp(x + 1e-6 * v, v) - hvp(x - 1e-6 * v, v)) / 2e-6
    assert np.allclose(got, want, rtol=1e-5, atol=1e-7)


def _recursive_nested(x):
    def shrink(v, n):
        if n == 0:
            return v
        return shrink(np.sin(v) * v, n - 1)
    return np.sum(shrink(x, 3))


def _recursive_at_module_level(v, n):
    if n == 0:
        return v
    return _recursive_at_module_level(np.sin(v) * v, n - 1)


def test_a_nested_def_calling_itself_differentiates_as_at_module_level():
    """The lifted copy of a nested def could not see its own name (refused, session 20); it
    now holds a copy of the def and calls its own lifted variant, as a module-level helper
    does."""
    x = np.array([0.3, 0.9])
    check(_recursive_nested, x, order=2)
    np.testing.assert_allclose(srcdiff.grad(_recursive_nested)(x), srcdiff.grad(
        lambda x: np.sum(_recursive_at_module_level(x, 3)))(x))


def _apply_to(f, a, b):
    return f(a, b)


def star_args_def_passed_to_a_helper(x):
    def f(*a):
        return a[0] * np.sin(a[1])
    return np.sum(_apply_to(f, x, x * x))


def test_a_nested_def_taking_star_args_passed_to_a_helper():
    # issue #13's form (a[0] * a[1] of a def taking *a), passed on to a helper that calls it
    check(star_args_def_passed_to_a_helper, np.array([0.3, -0.5, 0.7]))


def mutual_over_free_variables(x):
    c = np.cos(x[0])
    w = x * 0.5

    def ping(v, n):
        if n <= 0:
            return v * c
        return pong(v + w, n - 1) * 0.9

    def pong(v, n):
        return ping(np.sin(v) * c, n - 1)
    return np.sum(ping(x, 5))


def mutual_with_a_counter(x):
    count = 0
    tot = 0.0

    def down(v, k):
        if k <= 0:
            return v
        return up(v * x[1], k - 1) + np.tanh(v)

    def up(v, k):
        return down(v + x[0], k - 1)
    for _ in range(3):
        count = count + 1
        tot = tot + np.sum(down(x * count, count))
    return tot


def mutual_three_in_a_ring(x):
    def a(v, n):
        return v if n == 0 else b(v * 1.1, n - 1)

    def b(v, n):
        return c(np.sin(v), n)

    def c(v, n):
        return a(v + 0.2 * v * v, n)
    return np.sum(a(x, 3))


def mutual_called_by_a_third(x):
    s = x[2]

    def even(v, n):
        return v if n == 0 else odd(v * s, n - 1)

    def odd(v, n):
        return v if n == 0 else even(np.exp(v * 0.3), n - 1)

    def both(v):
        return even(v, 3) + odd(v, 2)
    return np.sum(both(x))


def mutual_defined_in_a_loop(x):
    out = 0.0
    for k in range(2):
        def f1(v, n):
            return v if n == 0 else f2(v * x[k], n - 1)

        def f2(v, n):
            return f1(np.cos(v), n)
        out = out + np.sum(f1(x, 2 + k))
    return out


def mutual_with_a_default_computed_here(x):
    c = x[1] * 2.0

    def even(v, n, s=c):
        return v if n == 0 else odd(v * s, n - 1)

    def odd(v, n):
        return v if n == 0 else even(np.sin(v), n - 1)
    return np.sum(even(x, 3))


def _apply3(fn, v):
    return fn(v, 3)


def mutual_passed_to_a_helper(x):
    c = x[0]

    def even(v, n):
        return v if n == 0 else odd(v * c, n - 1)

    def odd(v, n):
        return v if n == 0 else even(np.sin(v), n - 1)
    return np.sum(_apply3(even, x))


def mutual_mapped_to_a_depth_the_data_decides(x):
    c = x[0]

    def even(v):
        return v if v > 0.5 else odd(v * c + 0.4)

    def odd(v):
        return v * 2.0 if v > 1.0 else even(np.sin(v) + 0.3)
    return sum(map(even, x))


@pytest.mark.parametrize("f", [mutual_over_free_variables, mutual_with_a_counter,
                               mutual_three_in_a_ring, mutual_called_by_a_third,
                               mutual_defined_in_a_loop, mutual_with_a_default_computed_here,
                               mutual_passed_to_a_helper,
                               mutual_mapped_to_a_depth_the_data_decides])
def test_nested_functions_calling_each_other_to_second_order(f):
    """even calling odd, defined after it, was refused; called only after both are defined,
    each lifted copy holds a copy of them all and calls the others' lifted variants."""
    check(f, np.array([0.3, -0.7, 0.9]), order=2)


def called_under_another_name(x):
    def scale(v):
        return v * x[0] + np.sin(v)
    g = scale
    return np.sum(g(x) * g(x[::-1]))


def aliased_in_a_loop(x):
    tot = 0.0
    for i in range(2):
        c = x[i]

        def scale(v):
            return v * c + np.sin(v)
        g = scale
        tot = tot + np.sum(g(x) * x)
    return tot


def alias_bound_twice(x):
    def scale(v):
        return v * x[0]
    g = scale
    y = g(x)
    g = np.sin
    return np.sum(g(y))


@pytest.mark.parametrize("f", [called_under_another_name, aliased_in_a_loop])
def test_a_nested_function_called_under_another_name_to_second_order(f):
    """`g = scale; g(x)` was refused ("cannot tell which function 'g' holds"): g, bound
    once to the one def of scale, is scale when called (nested_defs.named_alias)."""
    check(f, np.array([0.3, -0.7, 0.9]), wrt=0, order=2)


def test_an_alias_bound_twice_is_still_refused_at_the_call():
    from gradcheck import refusal
    err = refusal(alias_bound_twice, (np.array([0.3, -0.7, 0.9]),), "grad")
    assert "y = g(x)" in err.line and "cannot tell which function 'g'" in str(err)


def alias_of_a_lambda_item(x):
    c = np.cos(x)
    ops = {"sq": lambda v: v * v * c, "sin": np.sin}
    fs = [lambda v: np.tanh(v), np.sin]
    g = ops["sq"]
    h = fs[0]
    return np.sum(g(x) + h(x) * ops["sin"](x))


def test_a_name_bound_to_a_lambda_item_of_a_display_is_that_lambda():
    # named_alias: g = ops["sq"] holds the display's lambda (issue #13)
    check(alias_of_a_lambda_item, np.array([0.4, -0.7, 1.2]), order=2)
