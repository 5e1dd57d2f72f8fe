"""srcdiff/checkpoint_adjoint.py: the reverse pass of a checkpointed loop or call.

A checkpointed loop's body becomes forward_segment_N / backward_segment_N functions of the
emitted module and its adjoint a loop over the schedule; a loop whose trip count is known
only at its end is checkpointed online. The loop's state is what it assigns that matters
afterwards (a snapshot keeps it; one the loop only appends to is kept as a list of shared
items). Each case is checked against finite differences in both modes and to second order;
the structural facts asserted are the module's promises (one pair of segment functions per
loop, a schedule loop, the body not unrolled), not the exact text.
(tests/test_checkpointing.py holds the markers' and policies' tests.)
"""
import numpy as np
import pytest

import srcdiff
from srcdiff import stop_gradient
from gradcheck import check
from srcdiff.errors import UnsupportedCodeError

rng = np.random.default_rng(29)
X = rng.normal(size=3) * 0.5
W = rng.normal(size=(3, 3)) * 0.5


def two_loops(x, w):
    h = x
    for t in srcdiff.checkpointed(range(6), snapshots=2):
        h = np.tanh(w @ h)
    g = h * 1.0
    for t in srcdiff.checkpointed(range(5)):
        g = np.sin(g) + 0.3 * h
    return np.sum(g * h)


def test_each_loop_gets_its_own_segment_functions():
    text = srcdiff.source(srcdiff.grad(two_loops, wrt=(0, 1)))
    for n in (1, 2):
        assert text.count(f"def forward_segment_{n}(") == 1
        assert text.count(f"def backward_segment_{n}(") == 1
    assert "def forward_segment_3(" not in text
    assert text.count("np.tanh") + text.count("numpy.tanh") <= 4   # loops are not unrolled
    check(two_loops, X, W, wrt=(0, 1))


def state_and_scratch(x, w):
    """`scratch` is assigned in the loop and never read after it: not part of the state;
    `total` and `h` are."""
    h = x
    total = 0.0
    for t in srcdiff.checkpointed(range(7), snapshots=3):
        scratch = w @ h
        h = np.tanh(scratch) * 0.9 + 0.1 * x
        total = total + np.sum(h * scratch)
    return total + np.sum(h)


def test_the_state_is_what_matters_after_the_loop():
    text = srcdiff.source(srcdiff.grad(state_and_scratch, wrt=(0, 1)))
    segment = text.split("def forward_segment_1(")[1].split("\ndef ")[0]
    state_return = [line for line in segment.splitlines() if line.strip().startswith("return")]
    assert state_return and "scratch" not in state_return[-1]
    assert "h" in state_return[-1] and "total" in state_return[-1]
    check(state_and_scratch, X, W, wrt=(0, 1))


def appends_in_the_loop(x, w):
    rows = []
    h = x
    for t in srcdiff.checkpointed(range(5), snapshots=2):
        h = np.tanh(w @ h + 0.2 * t)
        rows.append(h * h)
    return np.sum(np.stack(rows) * np.arange(1.0, 6.0)[:, None])


def writes_into_state(x, w):
    buf = x * 1.0
    for t in srcdiff.checkpointed(range(6), snapshots=2):
        buf[t % 3] = np.sin(buf[(t + 1) % 3]) + w[0, t % 3] * buf[t % 3]
    return np.sum(buf * buf)


def test_state_written_in_place_or_appended_to():
    check(appends_in_the_loop, X, W, wrt=(0, 1))
    check(writes_into_state, X, W, wrt=(0, 1))


def while_with_a_break(x):
    h = x
    k = 0
    while np.sum(h * h) < 50.0:
        h = h * 1.3 + 0.1
        k = k + 1
        if k > 20:
            break
    return np.sum(np.sin(h))


def early_exit(x, w):
    h = x
    for t in srcdiff.checkpointed(range(12), snapshots=3):
        h = np.tanh(w @ h) + 0.5 * h
        if np.sum(h) > 2.0:
            break
    return np.sum(h * h)


def test_loops_known_only_at_their_end_are_checkpointed_online():
    for policy in ("sqrt", 3):
        grad = srcdiff.grad(while_with_a_break, checkpoint=policy)
        x = np.array([0.3, -0.2, 0.5])
        grad(x)
        text = srcdiff.source(grad)
        assert "online" in text and "def backward_segment_" in text
        check(while_with_a_break, x)
        np.testing.assert_allclose(grad(x), srcdiff.grad(while_with_a_break)(x), rtol=1e-12)
    text = srcdiff.source(srcdiff.grad(early_exit, wrt=(0, 1)))
    assert "online" in text
    check(early_exit, X, W, wrt=(0, 1))
    check(early_exit, X + 1.0, W, wrt=(0, 1))    # the break taken early


def inside_a_plain_loop(x, w):
    h = x
    for k in range(3):
        for t in srcdiff.checkpointed(range(4), snapshots=2):
            h = np.sin(w @ h) + 0.2 * k
    return np.sum(h)


def test_a_checkpointed_loop_inside_a_plain_loop_is_refused_at_its_line():
    with pytest.raises(UnsupportedCodeError, match="not inside another loop") as info:
        srcdiff.grad(inside_a_plain_loop)(X, W)
    message = str(info.value)
    assert "test_checkpoint_adjoint.py:" in message and "srcdiff.checkpointed(range(4)" in message
    assert "checkpoint the outer loop instead" in message


@srcdiff.checkpoint
def cell(h, w, scale=1.0):
    return np.tanh(w @ h) * scale + 0.1 * h


def calls_with_keywords_and_reuse(x, w):
    h = x
    for t in range(3):
        a = cell(h, w, scale=0.5)
        h = a * a + cell(a, w)
        if np.sum(h) > 10.0:
            h = cell(h, w, scale=0.1)
    return np.sum(h)


def test_checkpointed_calls_keyword_arguments_and_branches():
    text = srcdiff.source(srcdiff.grad(calls_with_keywords_and_reuse, wrt=(0, 1)))
    assert "checkpointed: run again" in text
    check(calls_with_keywords_and_reuse, X, W, wrt=(0, 1))
    check(calls_with_keywords_and_reuse, X + 3.0, W, wrt=(0, 1))


# -- a slice written in a checkpointed loop (session 16, hunt8). The taped segment saves the
# old items with `saved_item(y, slice(1, None))`, written as srcdiff's private `slice` name;
# backward_segment_N took that name as a parameter (the caller passed the builtin), so forward
# mode over the adjoint (every second derivative) met a function it could not see through
# and refused with a message about `slice`, a name the user never wrote.
def rule_result_sliced_in_a_checkpointed_loop(x):
    y = x * 1.0
    for t in srcdiff.checkpointed(range(4), snapshots=2):
        y = np.exp(y * 0.5)
        y[1:] *= 0.5
    return np.sum(y * y)


def test_a_slice_written_in_a_checkpointed_loop_differentiates_to_second_order():
    text = srcdiff.source(srcdiff.grad(rule_result_sliced_in_a_checkpointed_loop))
    assert "def backward_segment_1(segment, d_y" in text   # srcdiff's slice is no parameter
    check(rule_result_sliced_in_a_checkpointed_loop, X, order=2)


# -- a helper writing into the loop's state in place (session 16, hunt8). The untaped
# forward_segment_N runs the helper as written (it writes into the array the caller passes);
# the snapshot kept that array itself, not a copy, because the loop body shows no item
# write, so a later segment changed the snapshot and the backward pass ran again from a
# wrong state: a silently wrong gradient at first order (the taped run writes into a copy).
def tanh_into_row(m, i):
    m[i] = np.tanh(m[i]) * m[i]


def helper_writes_the_state(x):
    m = np.outer(x, x) + 1.0
    for i in srcdiff.checkpointed(range(3), snapshots=1):
        tanh_into_row(m, i)
    return np.sum(m * m)


def helper_writes_the_state_of_a_while_loop(x):
    m = np.outer(x, x) + 1.0
    t = 0
    while srcdiff.checkpointed(t < 3, snapshots=1):   # online: kept as it runs
        tanh_into_row(m, t)
        t += 1
    return np.sum(m * m)


@pytest.mark.parametrize("f", [helper_writes_the_state, helper_writes_the_state_of_a_while_loop])
def test_a_snapshot_copies_state_a_helper_writes_into_in_place(f):
    check(f, X, order=2)


# -- hunt19 (fuzz functions seed 2444000017 under checkpoint=2) ------------------------------
def binds_a_carry_only_in_a_branch(x, s):
    t = x * 1.0
    for r in srcdiff.checkpointed(x, snapshots=2):
        if r * s > 0.1:
            u = x * r
            for k in range(2):
                u = np.sin(u)
            t = t + u * s
    return np.sum(t * t)


@pytest.mark.parametrize("s", [0.4, -0.4, 3.0])
def test_a_checkpointed_loop_binding_a_carried_name_in_a_branch_it_may_skip(s):
    # forward_segment_N returned u without taking it: UnboundLocalError where a segment
    # skipped the branch (s = -0.4: every step skips it; 0.4: some do)
    check(binds_a_carry_only_in_a_branch, np.array([0.5, -1.3, 0.7]), s, wrt=(0, 1))


# -- hunt19 (fuzz writes seed 2445000013 under checkpoint=2) ---------------------------------
def _sines(v):
    return np.sum(np.sin(v))


def writes_into_what_a_call_before_it_was_given(x, s):
    u = x * s
    a = _sines(u)   # backward__sines reads u from its tape
    for i in srcdiff.checkpointed(range(2), snapshots=2):
        u[i] += 0.1 * a
    return np.sum(u * s) + a


def writes_into_it_in_a_checkpointed_while(x, s):
    u = x * s
    a = _sines(u)
    k = 0
    while srcdiff.checkpointed(k < 2, snapshots=2):
        u[k] += 0.1 * a
        k += 1
    return np.sum(u * s) + a


@pytest.mark.parametrize("f", [writes_into_what_a_call_before_it_was_given,
                               writes_into_it_in_a_checkpointed_while])
def test_a_checkpointed_loop_writing_into_an_array_an_earlier_call_taped(f):
    # the segments wrote into the very array the call's tape held: its adjoint read the
    # loop's values (a wrong gradient); the loop now runs on a copy
    check(f, np.array([0.13673317, -0.6070102, 0.09158958]), 0.7865, wrt=(0, 1))


def _pops_only(x, A, s):   # found by ckfuzz_hvp (seed 2540000018, family loops), as generated
    a1 = np.sin(stop_gradient(np.fmax(x, -0.2)))
    A = (stop_gradient((A + x)) + np.linalg.inv(3.0 * np.eye(3) + np.tanh((x[:, None] * a1))))
    for r2 in reversed(np.where(a1 < 0.0, x, x)):
        a1 /= (1.5 + 0.5 * np.tanh(r2) * 0.5 * np.tanh(r2))
    if max(a1[0], a1[1]) > -0.3:
        for r3 in [np.mean(A), np.max(x)]:
            if np.abs(1.5) < 0.2:
                continue
            A[:, 0] = a1 / (1.0 + a1 * a1)
            A -= 0.3 * np.arctan(A)
        if abs(s) > -0.3:
            return (np.eye(3) * (x.mean() + (s if s > 1.0 else s)))
    return np.matmul((stop_gradient(A) + A), ((A + A) * (A @ A)))


@pytest.mark.parametrize("policy", [2, "sqrt"])
def test_a_loop_whose_adjoint_only_pops_values_back_runs_no_backward_segment(policy):
    # the first loop's adjoint (with respect to A) only restores a1 for the line before it:
    # backward_segment_1 returned nothing, and hvp refused its call ("the result of
    # backward_segment_1 is dropped, but it is given a value being differentiated"); it is
    # not emitted now. (stop_gradient: compared with the derivatives without checkpoint=)
    x = np.array([-0.13755696, 0.25915091, -0.35785884])
    A = np.array([[-0.0777, 0.21, 0.0008], [-0.7287, -0.199, -0.8786], [1.43, 0.742, 0.377]])
    v = rng.normal(size=(3, 3))
    text = srcdiff.source(srcdiff.grad(_pops_only, wrt=1, checkpoint=policy))
    assert "def backward_segment_1" not in text and "def backward_segment_2" in text
    np.testing.assert_allclose(srcdiff.grad(_pops_only, wrt=1, checkpoint=policy)(x, A, 0.47),
                               srcdiff.grad(_pops_only, wrt=1)(x, A, 0.47), rtol=1e-12)
    np.testing.assert_allclose(srcdiff.hvp(_pops_only, wrt=1, checkpoint=policy)(x, A, 0.47, v),
                               srcdiff.hvp(_pops_only, wrt=1)(x, A, 0.47, v), rtol=1e-10,
                               atol=1e-12)
