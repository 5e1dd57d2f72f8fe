"""srcdiff/analyze.py, stage 4, on small lowered functions: activity, operands,
definedness, what a name is taken from, integral names and effects on varied values.

Activity decides which values get derivatives: where it says a value is inactive, the
derivative through it is zero, so the functions here are also checked against finite
differences (rev, fwd, second order) with tests/gradcheck.py.
"""
import numpy as np

import srcdiff
from gradcheck import check
from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.core import Kind
from srcdiff.transform import lower_function


def _stmt(low, text):
    """The lowered statement spelled `text` (first match)."""
    return next(s for s in analyze.flatten(low.body) if S.spell(s).strip() == text)


def _output(low):
    return low.body[-1].value.id


# -- activity ----------------------------------------------------------------------
def mixed(x, y):
    a = x * 2.0          # varied by x, useful
    b = y * 3.0          # not varied by x
    n = len(x)           # an integer: never active
    c = np.sum(a) + np.sum(b) * n
    unused = x * x       # varied but not useful
    return c


def test_active_means_varied_by_wrt_and_useful_to_the_output():
    low = lower_function(mixed)
    active = analyze.activity(low.body, ["x"], _output(low))
    assert {"x", "a"} <= active
    assert not {"y", "b", "n", "unused"} & active
    both = analyze.activity(low.body, ["x", "y"], _output(low))
    assert {"x", "y", "a", "b"} <= both and "unused" not in both
    check(mixed, np.array([1.0, 2.0]), np.array([0.5, -1.0]), wrt=(0, 1))


def through_a_loop(x, n):
    s = 0.0
    t = 0.0
    for i in range(n):
        t = s * 1.0      # varied only from the second trip on: flow-insensitive analysis
        s = s + x
    return t


def test_activity_is_flow_insensitive_so_loops_carry_it_around():
    low = lower_function(through_a_loop)
    active = analyze.activity(low.body, ["x"], _output(low))
    assert {"s", "t"} <= active
    check(through_a_loop, 1.5, 3)


def stopped(x):
    return srcdiff.stop_gradient(x * 2.0) * x


def test_nondifferentiable_calls_cut_activity():
    def argmax_times(x):
        k = np.argmax(x)
        return x[k] * 2.0
    low = lower_function(argmax_times)
    assert "k" not in analyze.activity(low.body, ["x"], _output(low))
    check(argmax_times, np.array([1.0, 3.0, 2.0]))
    low = lower_function(stopped)
    assert low.body[1].sd.kind is Kind.STOP_GRADIENT
    assert "stop_gradient_1" not in analyze.activity(low.body, ["x"], _output(low))
    # the derivative treats the stopped value as a constant: d/dx (c * x) at c = 2x
    assert np.isclose(srcdiff.grad(stopped)(1.3), 2.0 * 1.3)


# -- operands ------------------------------------------------------------------------
def ops(x, d):
    y = x[0] + x[1]
    z = np.maximum(y, 0.0)
    m = d.shape
    v = [y, z]
    v.append(x)
    return z


def test_operands_and_differentiable_operands_by_kind():
    low = lower_function(ops)
    add = _stmt(low, "y = x_item_1 + x_item_2")
    assert add.sd.kind is Kind.BINOP
    assert analyze.operands(add) == ["x_item_1", "x_item_2"]
    assert analyze.differentiable_operands(add) == ["x_item_1", "x_item_2"]
    item = _stmt(low, "x_item_1 = x[0]")
    assert analyze.differentiable_operands(item) == ["x"]
    shape = _stmt(low, "m = d.shape")
    assert shape.sd.kind is Kind.OPAQUE
    assert analyze.operands(shape) == ["d"] and analyze.differentiable_operands(shape) == []
    append = next(s for s in analyze.flatten(low.body) if s.sd.kind is Kind.APPEND)
    assert analyze.assigned(append) == "v" and analyze.differentiable_operands(append) == ["x"]


def calls_nested(x, a):
    def g(v):
        return v * a
    return g(x)


def test_a_nested_function_call_reads_its_free_variables():
    low = lower_function(calls_nested)
    call = _stmt(low, "g_1 = g(x)")
    assert analyze.operands(call) == ["x", "a"]
    assert analyze.differentiable_operands(call) == ["x", "a"]
    assert "a" in analyze.activity(low.body, ["a"], _output(low))
    check(calls_nested, 1.2, 0.7, wrt=(0, 1))


# -- definedness ---------------------------------------------------------------------
def branches(x, c):
    if c > 0:
        y = x * 2.0
        w = x
    else:
        y = x * 3.0
    z = y + 1.0
    return z


def test_definedness_after_a_branch_is_union_for_may_and_intersection_for_must():
    low = lower_function(branches)
    defined = analyze.Definedness(low.body, low.params)
    after = _stmt(low, "z = y + 1.0")
    assert "w" in set(defined.maybe(after)) and "w" not in set(defined.must(after))
    assert "y" in set(defined.must(after))
    first = low.body[0]
    assert set(defined.must(first)) == {"x", "c"}


# -- taken_from, integral names, effects ----------------------------------------------
def rows(A):
    r = A[1]
    q = r
    return np.sum(q * q)


def test_taken_from_follows_rows_and_copies_to_the_array_they_share():
    low = lower_function(rows)
    assert analyze.taken_from(low.body, {"q"}) == {"r", "A"}
    check(rows, np.arange(6.0).reshape(2, 3))


def counts(x):
    n = len(x)
    k = n * 2
    s = x * 1.0
    return s * k


def test_integral_names_are_those_only_ever_bound_to_integers():
    low = lower_function(counts)
    integral = analyze.integral_names(low.body)
    assert "n" in integral and "s" not in integral


def effect_on_varied(x, out):
    np.maximum.at(out, 0, x)
    return np.sum(x)


def test_a_call_kept_for_its_effect_on_a_varied_value_is_found():
    low = lower_function(effect_on_varied)
    found = list(analyze.effects_on_varied(low.body, ["x"]))
    assert [S.spell(s).strip() for s in found] == ["numpy.maximum.at(out, 0, x)"]
    assert list(analyze.effects_on_varied(low.body, ["out"])) != []
    low = lower_function(mixed)
    assert list(analyze.effects_on_varied(low.body, ["x"])) == []


# -- a float value made from a shape, later popped into (session 16, hunt8). integral_names
# took `p = numpy.zeros_like(x)` (a function with no derivative) for a count, so `p = L.pop()`
# carried no derivative from the list: the gradient through p was silently zero (first
# order, both modes). Forward over reverse met the same through the emitted adjoint's
# `tan_pop_1 = zeros_like_value(pop_1)`: every third derivative through a popped list was wrong.
def zeros_then_popped(x):
    L = [x * 2.0, np.sin(x)]
    p = np.zeros_like(x)
    s = 0.0
    while L:
        p = L.pop()
        s = s + np.sum(p * p)
    return s + np.sum(p)


def ones_then_popped_in_a_loop(x):
    L = [x * 2.0, np.sin(x)]
    p = np.ones(3)
    s = 0.0
    for i in range(2):
        p = L.pop()
        s = s + np.sum(p * x)
    return s


def rounded_then_popped(x):
    L = [np.exp(x), x * x]
    p = np.floor(x)
    for i in range(2):
        p = L.pop() * p + p
    return np.sum(p)


def powers_popped(a):
    L = []
    y = a
    for i in range(2):
        L.append(y)
        y = y * a
    s = 0.0
    while L:
        s = s + L.pop() * y
    return s


def count_then_popped(x):
    L = [np.sum(x) * 2.0, x[1] * x[2]]
    p = len(L)
    s = 0.0
    while L:
        p = L.pop()
        s = s + p * p
    return s


def position_then_popped(x):
    L = [x[0] * 2.0, x[1] * x[2]]
    p = np.argmax(x)
    s = 0.0
    for i in range(2):
        p = L.pop()
        s = s + p * x[2]
    return s


def test_a_float_made_from_a_shape_is_not_integral():
    low = lower_function(zeros_then_popped)
    assert "p" not in analyze.integral_names(low.body)


def test_a_value_popped_into_a_name_first_bound_to_zeros_carries_its_derivative():
    x = np.array([0.3, -0.2, 0.5])
    check(zeros_then_popped, x)
    check(ones_then_popped_in_a_loop, x)
    check(rounded_then_popped, x)


def test_a_count_popped_back_only_from_a_list_it_was_pushed_onto_carries_no_derivative():
    # an integral name skips the derivative of `p = L.pop()` only where p itself was pushed
    # onto L (a tape's restore of a range or a count); a user's list gives it any value
    x = np.array([0.3, -0.2, 0.5])
    check(count_then_popped, x)
    check(position_then_popped, x)


def test_third_derivative_through_a_popped_list():
    # the second derivative is forward over the emitted gradient; its derivative is forward
    # mode over that, which pops the tangents of the list's items from the tangent list
    check(srcdiff.grad(srcdiff.grad(powers_popped)), 0.37, order=1)


# a callee's backward restores a range inside a loop from the tape its caller's forward filled
# (`range_2 = tape.pop()`, no push of it in the same function): still no derivative, or
# forward mode over it (second order) gives the range a tangent (seed 1662000013, users)
def halves_rows_with_nested_loops(t, u):
    for i in range(2):
        for j in range(len(u)):
            if u[j] > 5.0:
                break
            t[i, 1] = t[i, 1] * 0.5 * np.tanh(u[j])
    return t * t


def calls_a_helper_with_nested_loops(x, A):
    return np.sum(halves_rows_with_nested_loops(A * 1.0, x))


def test_a_range_a_callee_restores_from_its_callers_tape_carries_no_tangent():
    A = np.array([[0.3, 0.2, 0.1], [0.5, -0.4, 0.2], [0.1, 0.1, 0.1]])
    check(calls_a_helper_with_nested_loops, np.array([0.3, -0.2, 0.5]), A, wrt=0, order=2)


# a user's helper popping from the list it is given: forward mode (reverse refuses the
# helper's change to its argument); the user's code has no tape, so no pop is a restore
def pops_its_argument(L):
    p = len(L)
    s = 0.0
    while L:
        p = L.pop()
        s = s + p * p
    return s


def pops_a_list_through_a_helper(x):
    return pops_its_argument([x[0] * 2.0, x[1] * x[2]])


def test_a_helper_popping_its_argument_into_a_count_differentiates_forward():
    check(pops_a_list_through_a_helper, np.array([0.3, -0.2, 0.5]), modes=("fwd",))


def test_activity_is_the_closure_of_its_edges_in_any_order():
    """activity's varied and useful sets, found by rounds that count what a round finds at
    once (and, for useful names, against program order), are the closures a plain round by
    round search gives, on random dependency graphs with cycles."""
    import random

    def closure(start, step):
        done = set(start)
        while True:
            more = set(step(done)) - done
            if not more:
                return done
            done |= more

    rng = random.Random(7)
    names = [f"v{i}" for i in range(12)]
    for _ in range(300):
        edges = [(rng.choice(names), rng.sample(names, rng.randint(0, 3)))
                 for _ in range(rng.randint(0, 25))]
        wrt, output = rng.sample(names, rng.randint(1, 3)), rng.choice(names)
        varied = closure(wrt, lambda done: [t for t, ss in edges if set(ss) & done])
        useful = closure({output}, lambda done: [s for t, ss in edges if t in done for s in ss])
        assert analyze._varied(edges, wrt) == varied
        assert analyze.activity([], wrt, output, extra_edges=edges) == varied & useful
