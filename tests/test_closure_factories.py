"""srcdiff/closure_factories.py: a nested factory returning the nested function (or lambda)
it defines last, each closure it makes bound to a name and called, differentiates in both
modes to second order, each closure with its own values (one over a differentiated value,
one over a constant; made in a loop; a lambda; a factory computing what its closure reads;
a closure reading the function's own variables when called); the rewrite gives back the
values the closure reads and passes them where it is called; any other use of a factory is
left as written (refused, located, as before)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import closure_factories, frontend
from srcdiff import syntax as S

from gradcheck import check
# make_scaler(k) returning scale(v) = v * k; s2 = make_scaler(2.0), s3 = make_scaler(x[0])
from hunt22_programs import nested_closure_counter_grad as two_scalers


def made_in_a_loop(x):
    def make(c):
        def f(v):
            return np.sin(v * c) + c
        return f
    tot = 0.0
    for i in range(3):
        g = make(x[i] * (i + 1.0))
        tot = tot + np.sum(g(x))
    return tot


def a_lambda_made(x):
    def make_affine(a, b):
        return lambda v: a * v + b
    h1 = make_affine(x[0], 1.0)
    h2 = make_affine(2.0, x[1])
    return np.sum(h1(h2(x)))


def the_factory_computes_what_it_reads(x):
    w = np.cos(x)

    def make(a, n=2):
        s = a * a
        t = np.tanh(a) + s

        def g(v, scale=1.0):
            return scale * (v * s + t * w) ** n
        return g
    p = make(x[0])
    q = make(x[2], 3)
    return np.sum(p(x) + q(x, scale=0.5)) + np.sum(p(w, 2.0))


def reads_the_functions_variables_when_called(x):
    def make(k):
        def g(v):
            return v * k + late
        return g
    s = make(x[1])
    late = np.exp(x[0])
    first = s(x)
    late = late * x[2]
    return np.sum(first * s(x))


def called_in_another_nested_function(x):
    def make(k):
        def g(v):
            return np.tanh(v * k)
        return g
    s = make(x[2])

    def twice(v):
        return s(s(v))
    return np.sum(twice(x))


def its_comprehension_variable_is_its_own(x):
    def make(k):
        def g(v):
            return sum([v * k for k in (1.0, 2.0)]) + k * v
        return g
    s = make(x[0])
    return np.sum(s(x))


@pytest.mark.parametrize("f", [two_scalers, made_in_a_loop, a_lambda_made,
                               the_factory_computes_what_it_reads,
                               reads_the_functions_variables_when_called,
                               called_in_another_nested_function,
                               its_comprehension_variable_is_its_own])
def test_closures_a_nested_factory_makes_to_second_order(f):
    """`s3 = make_scaler(x[0]); s3(x)` was refused ("cannot tell which function 's3'
    holds"); each closure now keeps its own values, passed where it is called."""
    check(f, np.array([0.3, -0.7, 0.9]), wrt=0, order=2)


def test_each_closure_keeps_its_own_values():
    x = np.array([0.3, -0.7, 0.9])
    # d/dx of sum(2x * x0 x) = 4 x0 x (+ e0 sum(2x^2))
    want = 4.0 * x[0] * x + np.array([2.0 * np.sum(x * x), 0.0, 0.0])
    np.testing.assert_allclose(srcdiff.grad(two_scalers)(x), want)


def test_the_factory_gives_back_what_its_closure_reads():
    source = frontend.get_source(two_scalers)
    before = S.spell(source.node)
    text = S.spell(closure_factories.rewrite(source.node))
    assert S.spell(source.node) == before   # the user's tree is left alone
    assert "def make_scaler(k):\n        return k" in text
    assert "def scale(k, v):" in text
    assert "s3_k = make_scaler(x[0])" in text
    assert "scale(s2_k, x) * scale(s3_k, x)" in text


def passed_on(x):
    def make(k):
        def g(v):
            return v * k
        return g
    s = make(x[0])
    return np.sum(list(map(s, x)))


def bound_twice(x):
    def make(k):
        def g(v):
            return v * k
        return g
    s = make(x[0])
    y = s(x)
    s = make(x[1])
    return np.sum(y * s(x))


def returns_it_from_a_branch(x):
    def make(k):
        if k > 0:
            return lambda v: v * k

        def g(v):
            return v - k
        return g
    s = make(x[0])
    return np.sum(s(x))


@pytest.mark.parametrize("f, line", [
    (passed_on, "return np.sum(list(map(s, x)))"),
    (bound_twice, "y = s(x)"),
    (returns_it_from_a_branch, "return np.sum(s(x))"),
])
def test_what_does_not_fit_is_left_as_written_and_refused_at_its_line(f, line):
    source = frontend.get_source(f)
    assert closure_factories.rewrite(source.node) is source.node
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(f)(np.array([0.3, -0.7, 0.9]))
    assert info.value.filename.endswith("test_closure_factories.py")
    assert line in info.value.line, str(info.value)


def written_after_the_closure_holds_it(x):
    def make(k):
        def s(v):
            return v * k
        return s
    s2 = make(x)
    r = s2(x)
    x[0] = 2.0
    return np.sum(r * s2(x))


def test_a_refusal_names_what_the_closure_holds_as_the_user_wrote_it():
    """The rewrite binds what s2 holds to a name of srcdiff's (`s2_k`); the refusal of the
    write into x, which s2's k may be, named that name, which the user never wrote."""
    from gradcheck import refusal
    err = refusal(written_after_the_closure_holds_it, (np.array([0.3, -0.7, 0.9]),), "grad")
    assert "x[0] = 2.0" in err.line
    assert "s2's k" in str(err) and "s2_k" not in str(err), str(err)


def make_scaler_here(c):
    def scale(v):
        return c * v
    return scale


def make_affine_here(a, b=1.0):
    return lambda v: a * v + np.sin(b * v)


OFFSET = 0.5


def make_shifted_here(k):
    def shifted(v):
        return v * k + OFFSET
    return shifted


def by_a_module_factory(x):
    s = make_scaler_here(x[0])
    h = make_affine_here(x[1], x[2])
    return np.sum(s(h(x)) * x)


def called_at_once(x):
    def make(k):
        def g(v):
            return np.sin(v * k)
        return g
    return np.sum(make(x[0])(x) * make_scaler_here(x[1])(x))


def reads_a_global_the_function_binds(x):
    OFFSET = 2.0
    s = make_shifted_here(x[0])
    return np.sum(s(x)) * OFFSET


@pytest.mark.parametrize("f", [by_a_module_factory, called_at_once])
def test_module_factories_and_closures_called_at_once_to_second_order(f):
    """A factory defined at module level (`s = make_scaler(x[0]); s(x)`) and a closure
    called where it is made (`make(k)(x)`) were refused ("cannot tell which function 's'
    holds", "can only call functions by name")."""
    check(f, np.array([0.3, -0.7, 0.9]), wrt=0, order=2)


def test_a_module_factory_is_copied_in_and_rewritten():
    from srcdiff.resolver import Resolver
    source = frontend.get_source(by_a_module_factory)
    text = S.spell(closure_factories.rewrite(source.node, source,
                                             Resolver(by_a_module_factory)))
    assert "def make_scaler_here(c):\n        return c" in text
    assert "s_c = make_scaler_here(x[0])" in text


def reads_it_called_at_once(x):
    OFFSET = x[2]
    return np.sum(make_shifted_here(x[0])(x)) * OFFSET


@pytest.mark.parametrize("f, line", [
    (reads_a_global_the_function_binds, "s = make_shifted_here(x[0])"),
    (reads_it_called_at_once, "return np.sum(make_shifted_here(x[0])(x)) * OFFSET")])
def test_a_module_factory_reading_a_name_the_function_binds_is_refused_naming_it(f, line):
    """(its copy would read the function's OFFSET, not the module's: it was refused with
    "cannot tell which function 's' holds"; now at the factory's call, naming OFFSET, the
    line of the factory reading it and of the function binding it, and what to write)"""
    from srcdiff.resolver import Resolver
    source = frontend.get_source(f)
    with pytest.raises(srcdiff.UnsupportedCodeError):
        closure_factories.rewrite(source.node, source, Resolver(f))
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(f)(np.array([0.3, -0.7, 0.9]))
    err = info.value
    read = make_shifted_here.__code__.co_firstlineno + 2
    bound = f.__code__.co_firstlineno + 1
    assert err.line.strip() == line, str(err)
    assert "'OFFSET'" in str(err) and f"test_closure_factories.py:{read}" in str(err), str(err)
    assert f"line {bound}" in str(err) and "another name" in str(err), str(err)


# === a closure called where it is made, reading two of the factory's names or none =========
def make_affine_two(a, b):
    def g(z):
        return a * z + b
    return g


def two_names_called_at_once(x):
    return np.sum(make_affine_two(2.0, x[0])(x) * x)


def two_names_at_once_and_held(x):
    def make(a, b):
        c = a * b
        return lambda z: np.sin(c * z) + a
    s = make(x[1], 0.5)
    return np.sum(make(x[0], x[2])(x) * s(x))


def none_read_called_at_once(x):
    def make(k):
        def g(z):
            return np.tanh(z) * z
        return g
    return np.sum(make(x[0])(x))


@pytest.mark.parametrize("f", [two_names_called_at_once, two_names_at_once_and_held,
                               none_read_called_at_once])
def test_a_closure_reading_other_than_one_name_called_at_once_to_second_order(f):
    """(make(k, x[0])(x) was refused, "can only call functions by name": only a closure
    reading one of the factory's names was called where it was made)"""
    check(f, np.array([0.3, -0.7, 0.9]), wrt=0, order=2)


def test_the_closure_takes_the_tuple_its_factory_gives_back():
    source = frontend.get_source(two_names_at_once_and_held)
    text = S.spell(closure_factories.rewrite(source.node, source))
    assert "return a, c" in text or "return (a, c)" in text, text
    assert "a, c = make_values" in text or "(a, c) = make_values" in text, text
    assert "s_a, s_c = make(x[1], 0.5)" in text or "(s_a, s_c) = make(x[1], 0.5)" in text, text
    assert "lambda" not in text and "make(x[0], x[2]), x)" in text, text


# Closures a factory makes, kept in a dict (or list, tuple) display and called by a key
# (`losses[name](v)`, hunt27's closure_factory_losses): every item is a call of the same
# factory, so every item is that one closure over its own values; the display holds what
# each closure reads and the call is `loss(losses[name], v)` (refused before: "it cannot
# tell which function losses[name] holds"). A missing key raises the KeyError it raised.
def make_scaled_loss(scale, power):
    def loss(v):
        return scale * np.sum(np.abs(v) ** power)
    return loss


def losses_by_name(x, names=("l1", "l3")):
    losses = {"l1": make_scaled_loss(0.5, 1), "l3": make_scaled_loss(x[0], 3)}
    total = 0.0
    for name in names:
        total += losses[name](x - 0.2)
    return total


def shifts_by_position(x):
    def make(k):
        return lambda v: np.sin(v + k)
    shifts = [make(0.5), make(x[1]), make(-1.0)]
    return sum(np.sum(shifts[i](x) * (i + 1)) for i in range(3)) + np.sum(shifts[-1](x))


def of_two_factories(x):
    def make(k):
        return lambda v: v * k

    def other(k):
        return lambda v: v + k
    fs = {"a": make(2.0), "b": other(1.0)}
    return np.sum(fs["a"](x) * fs["b"](x))


def read_otherwise(x):
    def make(k):
        return lambda v: v * k
    fs = {"a": make(2.0), "b": make(x[0])}
    return np.sum(fs["a"](x)) * len(fs)


@pytest.mark.parametrize("f", [losses_by_name, shifts_by_position])
def test_closures_in_a_display_called_by_a_key_to_second_order(f):
    check(f, np.array([0.4, -0.7, 1.1, 0.3]), order=2)


def test_a_missing_key_raises_as_it_did():
    with pytest.raises(KeyError):
        srcdiff.grad(losses_by_name)(np.array([0.4, -0.7, 1.1]), ("l1", "l2"))


@pytest.mark.parametrize("f", [of_two_factories, read_otherwise])
def test_a_display_of_closures_otherwise_is_left_as_written(f):
    source = frontend.get_source(f)
    fdef = closure_factories.rewrite(source.node)
    assert not any(isinstance(n, S.Return) and isinstance(n.value, S.Name) and n.value.id ==
                   "k" for n in S.walk(fdef))   # (no factory gives back what it closes over)
