"""Forward mode through branches and loops (srcdiff/forward_control.py): the reverse-mode
control-flow corpus (tests/control_corpus.py) checked by finite differences along a
tangent and against the gradient, loops kept as loops, zero tangents materialized only where
paths meet.
"""
import numpy as np
import pytest

import srcdiff
from control_corpus import CORPUS, INPUTS, MAT, MATRIX_CORPUS
from forward_checks import check_against_grad, check_jvp
from gradcheck import check_hvp
from srcdiff.errors import NoRuleError
from srcdiff.forward_driver import forward_source

rng = np.random.default_rng(7)


# --- control flow: the reverse-mode corpus ------------------------------------------------
@pytest.mark.parametrize("x", list(INPUTS.values()), ids=list(INPUTS))
@pytest.mark.parametrize("f", CORPUS, ids=lambda f: f.__name__)
def test_corpus_vector(f, x):
    check_jvp(f, (x,), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("m", [MAT, -MAT, np.abs(MAT)], ids=["mat", "neg", "pos"])
@pytest.mark.parametrize("f", MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_corpus_matrix(f, m):
    check_jvp(f, (m,), rtol=1e-4, atol=1e-5)


def test_loop_over_a_rebound_array_and_nested_exits():
    """Issue 12 items 5 and 12 at the issue's points: the loop reads the array it started
    with; an inner loop's break inside a branch of an outer loop is the inner loop's."""
    from control_corpus import (break_of_inner_loop_in_branch,
                                           rebinds_its_sequence, reduces_to_0d_in_a_loop)
    x = np.array([0.5, 2.0, 3.0])
    check_jvp(rebinds_its_sequence, (x,))
    check_jvp(break_of_inner_loop_in_branch, (np.array([0.3, 0.6, 1.0]),))
    check_jvp(reduces_to_0d_in_a_loop, (np.array(1.5),))
    check_hvp(rebinds_its_sequence, x, vector=np.array([0.3, -0.2, 0.7]))


@pytest.mark.parametrize("f", CORPUS + MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_corpus_matches_grad(f):
    x = MAT if f in MATRIX_CORPUS else INPUTS["mixed"]
    if np.ndim(f(x)) != 0:
        pytest.skip("not a scalar output")
    try:
        srcdiff.grad(f)(x)
    except NoRuleError as exc:   # a reverse rule still missing: not forward mode's concern
        pytest.skip(str(exc).splitlines()[0])
    check_against_grad(f, (x,))


def test_control_flow_keeps_loops_and_branches():
    from control_corpus import for_break, nested_while_in_for, while_data
    text = forward_source(nested_while_in_for, ("x",)).text
    assert text.count("for ") >= 1 and "while " in text
    text = forward_source(for_break, ("x",)).text
    assert "break" in text
    # the emitted size does not grow with the trip count: loops stay loops
    assert forward_source(while_data, ("x",)).text.count("tan_y = ") <= 3




def branch_one_side(x, c):
    y = c * 2.0
    if c > 0:
        y = y * x
    return y


def loop_starts_constant(x):
    s = 0.0
    for i in range(3):
        s = s + x * i
    return s


def test_static_zero_tracking():
    text = forward_source(branch_one_side, ("x",)).text
    # nonzero on one branch only: a zero is materialized on the other, not before the if
    assert text.count("zeros_like_value(y)") == 1
    assert "tan_y = broadcast_like(tan_x * y, mul_1)" in text  # tidy.py: no tan_mul_1 copy
    check_jvp(branch_one_side, (0.5, 1.5), wrt=("x",))
    check_jvp(branch_one_side, (0.5, -1.5), wrt=("x",))
    text = forward_source(loop_starts_constant, ("x",)).text
    before_loop = text.split("for i in")[0]
    assert "tan_s = zeros_like_value(s)" in before_loop
    check_jvp(loop_starts_constant, (rng.normal(size=3),))


def becomes_varied_on_the_second_trip(x, c):
    a = c * 1.0
    b = c * 0.5
    for i in range(3):
        b = np.sin(a) * b        # a's tangent is zero on the first trip, nonzero after
        a = x * (i + 1.0)
    return np.sum(a * b)


def test_a_loops_nonzero_tangents_reach_their_fixed_point():
    """The loop body is generated again until its set of nonzero tangents is stable: b's
    tangent is zero on entry and nonzero from the second trip on; a zero for it is made
    before the loop, not in the body."""
    text = forward_source(becomes_varied_on_the_second_trip, ("x",)).text
    assert "tan_b = zeros_like_value(b)" in text.split("for i in")[0]
    x = rng.normal(size=3)
    check_jvp(becomes_varied_on_the_second_trip, (x, 0.7))
    check_hvp(becomes_varied_on_the_second_trip, x, 0.7, vector=np.ones(3))


def branches_on_one_flag_twice(x, y, c):
    if c:
        b = y * 2.0
    t = x * 1.0
    if c:
        for i in range(3):
            t = t + np.sin(b)    # b's tangent is zero on the first trip, nonzero after
            b = x * t
    return np.sum(t)


def rebinds_its_flag_between(x, y, c):
    if c:
        b = y * 2.0
    c = y[0] > 0.0
    t = x * 1.0
    if c:
        for i in range(3):
            b = x * t            # bound here first when the first branch did not run
            t = t + np.sin(b)
    return np.sum(t)


@pytest.mark.parametrize("c", [True, False])
def test_a_flag_tested_twice_tells_what_its_first_branch_bound(c):
    """The second `if c:` runs only where the first did: b is bound there, and its zero
    tangent is made before the loop that varies it (the shape of an emitted adjoint's
    backward sweep, seed 1306000003). Once c is assigned again, that is no longer known."""
    x, y = rng.normal(size=3), np.array([0.4, -0.3, 0.8])   # y[0] > 0: the second runs
    text = forward_source(branches_on_one_flag_twice, ("x",)).text
    assert "tan_b = zeros_like_value(b)" in text.split("for i in")[0]
    check_jvp(branches_on_one_flag_twice, (x, y, c))
    check_hvp(branches_on_one_flag_twice, x, y, c, vector=np.ones(3))
    text = forward_source(rebinds_its_flag_between, ("x",)).text
    assert "zeros_like_value(b)" not in text
    check_jvp(rebinds_its_flag_between, (x, y, c))
    check_hvp(rebinds_its_flag_between, x, y, c, vector=np.ones(3))


def _bound_in_a_try_read_in_its_handler(x, s):
    d = {"b": s * s}
    try:
        u = np.sum(x * x)
        t = d["b"]
    except KeyError:
        t = u * 0.5   # reads u: bound after the handler, whichever path ran
    k = 0
    while k < 3:
        k += 1
        u -= 0.3 * t   # u's tangent becomes nonzero in the loop
        x = x * 0.9 + 0.1 * np.tanh(u)
    return np.sum(x)


def test_a_name_bound_on_every_path_that_runs_gets_a_zero_tangent_before_the_loop():
    """u is bound in a try block and read by its handler, so it is bound after both (Python
    raised otherwise); it carries no tangent along s before the loop that makes it carry
    one: the zero is materialized before the loop (the jvp read an unbound tan_u: fuzz
    loops 2101000039)."""
    from gradcheck import check
    x = np.array([0.3, 0.5, 0.7])
    check(_bound_in_a_try_read_in_its_handler, x, 0.4, wrt=1, order=2)
    check(_bound_in_a_try_read_in_its_handler, x, 0.4, wrt=0, order=2)
