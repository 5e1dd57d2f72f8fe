"""srcdiff/reverse_calls.py: adjoints of calls: a rule's template spliced in, terms that
repeat merged, calls of the user's own functions through a forward_/backward_ pair made
for the parameters that carry a derivative, helpers given the user's line where they may
refuse at run time, and the located refusals of calls with no rule.

Each program is checked against finite differences in both modes and to second order.
"""
import math
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.errors import NoRuleError, RuntimeRefusal

rng = np.random.default_rng(47)
X = rng.normal(size=4) * 0.7


def square_sum(x):
    return np.sum(x * x)


def test_a_term_that_repeats_is_added_once_doubled():
    text = srcdiff.source(srcdiff.grad(square_sum))
    assert len(re.findall(r"^\s*d_x\s*=", text, re.M)) == 1
    check(square_sum, X)


def several_rules(x, w):
    a = np.exp(0.3 * x) * np.tanh(w)
    b = np.maximum(a, 0.5) + np.arctan2(a, w + 2.0)
    return np.sum(b * np.log1p(a * a))


def test_rules_spliced_into_the_adjoint():
    check(several_rules, X, 0.4, wrt=(0, 1))
    check(several_rules, X, rng.normal(size=4), wrt=(0, 1))


def helper(a, b, k):
    return np.sin(a) * b + k


def calls_a_helper(x, w):
    c = np.ones(4)
    y = helper(x, c, 2.0)                   # only a carries a derivative
    z = helper(y, w, 1.0)                   # a and b do
    unused = helper(c, c, 0.0)             # nothing does: plain call, no adjoint
    return np.sum(z * y) + np.sum(unused)


def test_user_calls_go_through_forward_and_backward_variants():
    text = srcdiff.source(srcdiff.grad(calls_a_helper, wrt=(0, 1)))
    backward_defs = re.findall(r"^def (backward_\w+)\(", text, re.M)
    forward_defs = re.findall(r"^def (forward_\w+)\(", text, re.M)
    assert len(backward_defs) == 2 and len(forward_defs) == 2   # one pair per activity pattern
    assert "helper(c, c, 0.0)" in text                           # the inactive call stays plain
    check(calls_a_helper, X, rng.normal(size=4), wrt=(0, 1))


def zeros_then_written(x):
    y = np.zeros_like(x)                     # no derivative: y's writes carry it
    y[0] = x[1] * x[2]
    y[1:] = np.sin(x[:-1])
    return np.sum(y * y)


def test_nondifferentiable_calls_and_later_writes():
    check(zeros_then_written, X)


def writes_at_an_index(x, idx):
    y = x * 1.0
    y[idx] = x[:2] * 2.0
    return np.sum(y * y)


def test_a_helper_that_may_refuse_is_given_the_users_line():
    check(writes_at_an_index, X, np.array([0, 2]))
    with pytest.raises(RuntimeRefusal, match="more than once") as info:
        srcdiff.grad(writes_at_an_index)(X, np.array([0, 0]))
    assert re.search(r"test_reverse_calls.py:\d+", str(info.value))
    assert "y[idx] = x[:2] * 2.0" in str(info.value)


def unwraps(x):
    return np.sum(np.union1d(x, x))


def reads_bytes(x):
    return np.sum(np.frombuffer(x.tobytes()) * x)


def counts_bytes(x):
    return len(x.tobytes()) * np.sum(x)      # an int: no derivative, no rule needed


def test_calls_without_a_rule_are_refused_at_their_line():
    with pytest.raises(NoRuleError, match=r"test_reverse_calls.py:\d+: .*numpy.union1d"):
        srcdiff.grad(unwraps)(X)
    with pytest.raises(NoRuleError, match=r"test_reverse_calls.py:\d+: .*(frombuffer|tobytes)"):
        srcdiff.grad(reads_bytes)(X)
    check(counts_bytes, X)


# -- hunt19 (fuzz seed 2440000006): a local function reading the name its result rebinds ----
def rebinds_what_its_lambda_reads(x, s):
    scaled = lambda t: t * s   # noqa: E731  (reads s when called)
    s = scaled(3.0)
    return s * x[0]


def rebinds_what_its_closure_reads_in_a_branch(x, s):
    def damp(t):
        return np.exp(np.tanh(t)) * s
    if x[0] > 0:
        s = damp(math.cos(-0.7))
    return 0.5 * np.tanh(s * s) + x[1]


def rebinds_what_its_closure_reads_in_a_loop(x, s):
    def step(t):
        return t * s + np.sin(s)
    for i in range(2):
        s = step(x[i])
    return s * x[0]


@pytest.mark.parametrize("f", [rebinds_what_its_lambda_reads,
                               rebinds_what_its_closure_reads_in_a_branch,
                               rebinds_what_its_closure_reads_in_a_loop])
def test_a_call_rebinding_a_name_its_local_function_reads(f):
    # `s = g(...)` where g reads s as a free variable: the adjoint of the new s was added to
    # the old s's and then dropped with the target's (the gradient wrt s came back 0)
    check(f, np.array([0.5, 1.0]), -0.61, wrt=(0, 1))


# -- hunt27: a method of a module-level array called with nothing active (`A = W.copy()`,
# then `A[0] += x`) was refused, "no derivative rule for ndarray.copy", in reverse mode:
# its result is a constant, whatever the method --------------------------------------------
W23 = np.arange(6.0).reshape(2, 3) / 5.0


def copy_of_a_module_array_then_updated(x):
    A = W23.copy()
    A[0] += x
    B = W23.reshape(3, 2)
    A = A + B.T * x
    return np.sum(A ** 2) + np.sum(W23.clip(0.2, 0.8) @ x)


def test_a_method_of_a_module_level_array_gives_a_constant():
    check(copy_of_a_module_array_then_updated, np.array([0.4, -0.7, 1.1]), order=2)


def method_of_a_module_array_given_x(x):
    return np.sum(W23.dot(x) ** 2)   # x flows in: the method needs its rule


def test_a_method_of_a_module_level_array_given_an_active_argument_is_not_dropped():
    import srcdiff
    try:
        g = srcdiff.grad(method_of_a_module_array_given_x)(np.array([0.4, -0.7, 1.1]))
    except srcdiff.SrcdiffError as err:
        assert "W23.dot" in str(err) or "ndarray.dot" in str(err)   # refused, not dropped
    else:
        np.testing.assert_allclose(g, 2 * W23.T @ (W23 @ np.array([0.4, -0.7, 1.1])))
