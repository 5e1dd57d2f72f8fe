"""srcdiff/checkpoint_closures.py: a checkpointed loop whose body defines a function (a def,
a lambda, the probe of a try block) or calls a local function that reads what the loop
changes. The segment functions (forward_segment_N, backward_segment_N) define the body's
functions and run its try blocks themselves, and define again at their tops the local
functions that read the loop's names, so that those read the segment's values (hunt19 found
the closure reading the value from before the loop: a wrong derivative, then refused).

Each program is written with its loop marked (`srcdiff.checkpointed(..., snapshots=2)`) and
checked against finite differences in both modes and to second order (gradcheck.check); the
same program unmarked is checked with `checkpoint=` (an int, "sqrt") against finite
differences and against the gradient and hvp without checkpointing.
"""
import inspect
import math
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check, numerical_grad
from user_modules import load

X = np.array([0.5, -1.3, 0.7])


# -- functions the loop's body defines ---------------------------------------------------------
def defines_its_step_reading_the_carry(x, s):
    for i in srcdiff.checkpointed(range(5), snapshots=2):
        def step(t):
            return np.tanh(t * s)
        s = step(x[i % 3]) + 0.1   # this one crashed (NameError in the emitted segment)
    return s * x[0]


def defines_a_pure_step(x, s):
    for i in srcdiff.checkpointed(range(5), snapshots=2):
        def step(t):
            return np.tanh(t * 2.0)
        s = step(s) + x[i % 3]
    return s * x[0]


def binds_a_lambda_reading_a_name_outside(x, s):
    for i in srcdiff.checkpointed(range(5), snapshots=2):
        g = lambda t: np.sin(t) * s + t * x[1]   # noqa: E731
        s = g(x[i % 3]) * 0.8
    return s


def sorts_by_a_lambda(x, s):
    for i in srcdiff.checkpointed(range(3), snapshots=2):
        v = sorted([x[0] * s, x[1] * s, x[2]], key=lambda a: -a)
        s = v[0] * 0.5 + s
    return s


def maps_a_lambda_in_a_while(x, s):
    k = 0
    while srcdiff.checkpointed(k < 4, snapshots=2):
        s = sum(map(lambda a: a * s, x)) * 0.5
        k += 1
    return s


def defines_a_step_reading_a_name_bound_after_it(x, s):
    w = s
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        def g(t):
            return t * w
        s = g(x[i % 3]) + s
        w = np.sin(s)
    return s


# -- try blocks (each one's probe is a def srcdiff writes in the body) -----------------------
def tries_a_log(x, s):
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        try:
            v = np.log(s * s + x[i % 3] ** 2)
        except FloatingPointError:
            v = 0.0
        s = v * 0.5 + s
    return s


def tries_a_log_caught_on_some_trips(x, s):
    for i in srcdiff.checkpointed(range(6), snapshots=2):
        try:
            v = math.log(x[i % 3] + s)   # x[1] + s < 0: ValueError on those trips
        except ValueError:
            v = s * 0.3
        s = v * 0.5 + s
    return s


def runs_a_with_block(x, s):
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        with np.errstate(all="ignore"):
            v = np.sin(s) * x[i % 3]
        s = v + s
    return s


# -- local functions defined before the loop, reading what it changes -------------------------
def steps_a_closure_reading_the_carry(x, s):
    def step(t):
        return np.tanh(t * s)
    for i in srcdiff.checkpointed(range(5), snapshots=2):
        s = step(x[i % 3])
    return s * x[0]


def while_steps_a_lambda_reading_the_carry(x, s):
    step = lambda t: np.sin(t * s) + s   # noqa: E731
    k = 0
    while srcdiff.checkpointed(k < 4, snapshots=2):
        s = step(x[k % 3])
        k += 1
    return s


def steps_a_closure_reading_an_array_it_writes(x, s):
    y = x * s
    def step(t):
        return np.tanh(t * y[0])
    for i in srcdiff.checkpointed(range(5), snapshots=2):
        y[0] = step(x[i % 3]) + y[1]
    return np.sum(y * x)


def steps_closures_calling_closures(x, s):
    def inner(t):
        return t * s
    def outer(t):
        return np.sin(inner(t)) + 0.5 * s
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        s = outer(x[i % 3]) * 0.7
    return s


def sorts_by_a_key_reading_the_carry(x, s):
    key = lambda a: abs(a - s)   # noqa: E731
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        v = sorted([x[0], x[1] * s, x[2]], key=key)
        s = v[0] * 0.5 + s
    return s


def breaks_out_calling_a_closure_reading_the_carry(x, s):
    def step(t):
        return np.tanh(t * s) + 0.2
    for i in srcdiff.checkpointed(range(8), snapshots=2):
        s = step(x[i % 3])
        if i > 4:
            break
    return s


def steps_a_closure_reading_a_name_rebound_after(x, s):
    a = s * 1.5
    step = lambda t: np.sin(t * a)   # noqa: E731
    h = s
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        h = step(x[i % 3]) * h
    a = h * 2.0
    return a * s


PROGRAMS = [defines_its_step_reading_the_carry, defines_a_pure_step,
            binds_a_lambda_reading_a_name_outside, sorts_by_a_lambda, maps_a_lambda_in_a_while,
            defines_a_step_reading_a_name_bound_after_it, tries_a_log,
            tries_a_log_caught_on_some_trips, runs_a_with_block,
            steps_a_closure_reading_the_carry, while_steps_a_lambda_reading_the_carry,
            steps_a_closure_reading_an_array_it_writes, steps_closures_calling_closures,
            sorts_by_a_key_reading_the_carry, breaks_out_calling_a_closure_reading_the_carry,
            steps_a_closure_reading_a_name_rebound_after]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_the_marked_loop_differentiates(f):
    # both modes, second order: forward over the checkpointed reverse too
    check(f, X.copy(), 0.4, wrt=(0, 1))


def _unmarked(f, tmp_path):
    """f with its loop not marked, from a module of its own (checkpoint= applies to it)."""
    text = re.sub(r"srcdiff\.checkpointed\((.*), snapshots=2\)", r"\1",
                  inspect.getsource(f))
    assert "checkpointed" not in text
    return getattr(load(tmp_path, "unmarked_" + f.__name__, "import math\nimport numpy as np\n"
                        "import srcdiff\n\n\n" + text), f.__name__)


@pytest.mark.parametrize("policy", [2, 3, "sqrt"])
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_checkpoint_policies_agree_with_differences_and_the_taped_gradient(f, policy, tmp_path):
    g = _unmarked(f, tmp_path)
    got = srcdiff.grad(g, wrt=(0, 1), checkpoint=policy)(X.copy(), 0.4)
    for k in (0, 1):
        np.testing.assert_allclose(got[k], numerical_grad(g, (X.copy(), 0.4), k),
                                   rtol=1e-5, atol=1e-6)
    want = srcdiff.grad(g, wrt=(0, 1))(X.copy(), 0.4)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    v = np.array([0.3, -0.2, 0.9])
    hvp = srcdiff.hvp(g, checkpoint=policy)(X.copy(), 0.4, v)
    np.testing.assert_allclose(hvp, srcdiff.hvp(g)(X.copy(), 0.4, v), rtol=1e-10, atol=1e-12)
    grad = srcdiff.grad(g, checkpoint=policy)
    eps = 1e-6
    numeric = (grad(X + eps * v, 0.4) - grad(X - eps * v, 0.4)) / (2 * eps)
    np.testing.assert_allclose(hvp, numeric, rtol=1e-5, atol=1e-6)


def test_a_closure_over_the_carry_is_defined_again_in_the_segment_functions():
    text = srcdiff.source(srcdiff.grad(steps_closures_calling_closures))
    forward = text.split("def forward_segment_1(")[1].split("\ndef ")[0]
    # both closures read s, inner through outer: the segment defines both, reading its own s
    assert "def inner(t):" in forward and "def outer(t):" in forward
    assert "outer" not in forward.split(")")[0] and "np" not in forward.split(")")[0]


def test_a_closure_reading_no_name_the_loop_changes_is_not_defined_again():
    def steps_a_closure_over_a_constant(x, s):
        a = s * 1.5
        step = lambda t: np.sin(t * a)   # noqa: E731
        for i in srcdiff.checkpointed(range(4), snapshots=2):
            s = step(x[i % 3]) * s
        return s
    text = srcdiff.source(srcdiff.grad(steps_a_closure_over_a_constant))
    assert "lambda" not in text.split("def forward_segment_1(")[1]
    check(steps_a_closure_over_a_constant, X.copy(), 0.4, wrt=(0, 1))


def bound_twice_then_stepped(x, s, flag):
    step = lambda t: np.tanh(t * s)   # noqa: E731
    if flag:
        step = lambda t: np.sin(t * s)   # noqa: E731
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        s = step(x[i % 3])
    return s


def test_a_closure_over_the_carry_bound_twice_is_refused_at_its_first_binding():
    # (function_bindings.py: the call could reach either binding)
    with pytest.raises(srcdiff.UnsupportedCodeError, match="bound more than once") as err:
        srcdiff.grad(bound_twice_then_stepped, wrt=(0, 1))(X.copy(), 0.4, True)
    assert err.value.filename.endswith("test_checkpoint_closures.py")
    assert err.value.line.strip() == "step = lambda t: np.tanh(t * s)   # noqa: E731"
