"""srcdiff/function_arguments.py: a nested helper given a function as an argument (issue 13:
`rk4(pendulum, y, dt, n)` with pendulum a nested def, `euler(lambda y: -a * y, ...)`,
`integrate(np.exp, ...)`, `compose(np.sin, g)` returning `lambda v: f(g(v))`) is specialised
on the function passed and differentiates, both modes, to second order (each was refused:
"cannot tell which function 'rhs' holds"); a function chosen where the code runs and passed
stays refused at the call."""
import numpy as np
import pytest

from srcdiff import frontend, function_arguments
from srcdiff import syntax as S

from gradcheck import check, refusal

X = np.array([0.4, -0.9, 1.3])


def cube(v):
    return v ** 3 + np.sin(v)


def nested_def_passed(k):
    def step(rhs, y, dt, n):
        for _ in range(n):
            y = y + dt * rhs(y)
        return y

    def decay(y):
        return -k[0] * y + np.sin(k[1] * y)

    return np.sum(step(decay, np.array([1.0, 0.5]), 0.1, 5) ** 2)


def lambda_passed(a):
    def apply_twice(f, v):
        return f(f(v))

    return np.sum(apply_twice(lambda t: np.tanh(a * t), a) + apply_twice(lambda t: t * t, a))


def module_and_numpy_functions_passed(x):
    def total(f, v, scale=2.0):
        return scale * np.sum(f(v))

    return total(np.sin, x) + total(cube, x, scale=0.5) + total(f=np.exp, v=x * 0.1)


def helper_passing_on_its_function(x):
    def inner(g, v):
        return g(v) * v

    def outer(g, v):
        return inner(g, v) + g(2.0 * v)

    def act(t):
        return np.tanh(t) * x[0]

    return np.sum(outer(act, x))


def composed_closure(x):
    def compose(f, g):
        return lambda v: f(g(v))

    h = compose(np.sin, lambda v: v ** 2 + x[0])
    return np.sum(h(x)) + np.sum(h(0.5 * x))


@pytest.mark.parametrize("f", [nested_def_passed, lambda_passed,
                               module_and_numpy_functions_passed,
                               helper_passing_on_its_function, composed_closure])
def test_a_function_passed_to_a_nested_helper_differentiates(f):
    check(f, X, order=2)


def helper_binding_the_name_passed(x):
    def apply(f, v):
        act = np.cos(v)   # (the caller's act is passed as f: left as written)
        return f(v) * act

    def act(t):
        return np.tanh(t)

    return np.sum(apply(act, x))


def test_a_helper_binding_the_name_of_the_function_passed_is_not_specialised():
    fdef = frontend.get_source(helper_binding_the_name_passed).node
    assert function_arguments.rewrite(fdef, lambda name: None) is fdef


def test_the_helper_is_copied_for_the_function_passed():
    fdef = frontend.get_source(nested_def_passed).node
    out = function_arguments.rewrite(fdef, lambda name: None)
    text = S.spell(out)
    assert "def step_decay(y, dt, n):" in text
    assert "decay(y)" in text and "step_decay(np.array" in text


def chosen_at_run_time(x, i):
    def apply(f, v):
        return f(v)

    fs = [np.sin, np.cos]
    g = fs[i]
    return np.sum(apply(g, x))


def test_a_function_chosen_where_the_code_runs_and_passed_stays_refused():
    for mode in ("grad", "jvp"):
        err = refusal(chosen_at_run_time, (X, 1), mode)
        assert "which function" in str(err)


# A lambda is made a nested def just before the function's statement holding the call: its
# defaults are computed there. In a while test Python computes them on each test, in a
# loop's body on each trip: such a lambda (defaults other than constants) is not specialised
# (it gave twice the value and derivative before: `k=k` taken once, before the loop).
def lambda_default_in_a_while_test(x):
    def run(h, v):
        return h(v)

    k = 1.0
    s = 0.0
    while np.sum(run(lambda v, k=k: v * k, x)) < 10.0 and k < 6.0:
        k = k + 1.0
        s = s + np.sum(x) * k
    return s + np.sum(run(lambda v, k=k: v * k, x))


def lambda_default_in_a_loop(x):
    def run(h, v):
        return h(v)

    s = 0.0
    c = 5.0
    for k in range(1, 3):
        c = c * 0.5
        s = s + np.sum(run(lambda v, c=c: v * c, x) ** 2)
    return s


def lambda_constant_default_in_a_loop(x):
    def run(h, v):
        return h(v)

    s = 0.0
    for _ in range(2):
        s = s + np.sum(run(lambda v, c=2.0: np.sin(v) * c, x))
    return s


def test_a_lambdas_defaults_keep_the_moment_python_computes_them():
    x = np.array([0.3, 1.2, 0.7, 1.1])
    check(lambda_default_in_a_while_test, x, order=2)
    check(lambda_constant_default_in_a_loop, x, order=2)
    for mode in ("grad", "jvp"):   # (refused at the call: never a default taken early)
        assert "which function" in str(refusal(lambda_default_in_a_loop, (x,), mode))


# A helper calling itself with the function it was given (`twice(f, f(v), n - 1)`) was
# specialised again each round, then refused as "nested too deeply"; its copy now calls
# itself. A helper whose defaults are computed (`c=scale`) is not copied (its copy, made at
# the call, would compute them there), and stays as it was.
def passes_itself_the_function(x):
    def twice(f, v, n):
        if n == 0:
            return v
        return twice(f, f(v), n - 1)

    return np.sum(twice(np.sin, x, 3) * np.arange(1.0, 4.0))


def helper_with_a_computed_default(x):
    scale = 2.0

    def run(f, v, c=scale):
        return f(v) * c

    scale = 5.0
    return np.sum(run(np.tanh, x))


def test_a_helper_passing_the_function_to_itself_differentiates():
    check(passes_itself_the_function, X, order=2)


def test_a_helper_with_computed_defaults_is_not_copied():
    fdef = frontend.get_source(helper_with_a_computed_default).node
    assert function_arguments.rewrite(fdef, lambda name: None) is fdef


def helper_also_called_otherwise(x):
    def apply(f, v):
        return f(v) * v

    # (a call in a comprehension is not copied: a lambda there may read its variables)
    return np.sum(apply(np.tanh, x)) + sum(np.sum(apply(np.cos, v)) for v in (x, 2.0 * x))


def test_a_helper_whose_copies_replace_every_call_is_dropped():
    fdef = frontend.get_source(nested_def_passed).node
    text = S.spell(function_arguments.rewrite(fdef, lambda name: None))
    assert "def step(" not in text and "def step_decay(" in text, text
    fdef = frontend.get_source(helper_passing_on_its_function).node
    text = S.spell(function_arguments.rewrite(fdef, lambda name: None))
    assert "def outer(" not in text and "def outer_act(" in text, text   # (inner: it calls)
    # still called with what no copy is made for: kept
    fdef = frontend.get_source(helper_also_called_otherwise).node
    text = S.spell(function_arguments.rewrite(fdef, {"np": np}.get))
    assert "def apply(" in text and "def apply_np_tanh(" in text, text
