"""srcdiff/status.py: the static status of a derivative (zero / borrowed / owned) shared by
both modes: `join` where two paths meet, the reverse pass's `State` and `merge`, the forward
pass's `TangentState` (alias groups, demotion) and `merge_tangents`; and what the lattice
is for: derivatives borrowed from the caller (seeds, tangents, inputs) are never updated
in place, while owned ones may be."""
import itertools

import numpy as np
import pytest

from srcdiff import status
from srcdiff.status import BORROWED, OWNED, ZERO, State, TangentState

from gradcheck import check

STATUSES = (ZERO, BORROWED, OWNED)


@pytest.mark.parametrize("a, b", list(itertools.product(STATUSES, STATUSES)))
@pytest.mark.parametrize("materialized", [BORROWED, OWNED])
def test_join_is_owned_only_when_both_paths_own_and_zero_only_when_both_are_zero(
        a, b, materialized):
    got = status.join(a, b, materialized)
    assert got is status.join(b, a, materialized)   # the order of the paths does not matter
    if a is ZERO and b is ZERO:
        assert got is ZERO
    else:
        on_a = materialized if a is ZERO else a
        on_b = materialized if b is ZERO else b
        assert got is (OWNED if on_a is OWNED and on_b is OWNED else BORROWED)


def test_a_zero_met_with_an_owned_derivative_takes_the_status_it_is_materialized_with():
    assert status.join(ZERO, OWNED, OWNED) is OWNED          # the forward pass's owned zero
    assert status.join(ZERO, OWNED, BORROWED) is BORROWED    # the reverse pass's


def test_the_reverse_state_is_zero_where_absent_and_merges_a_zero_as_borrowed():
    a, b = State({"x": OWNED, "y": OWNED}), State({"y": OWNED, "z": BORROWED})
    assert a.get("w") is ZERO and isinstance(a.copy(), State) and a.copy() == a
    merged = status.merge(a, b)
    assert isinstance(merged, State)
    assert merged == {"x": BORROWED, "y": OWNED, "z": BORROWED}


def test_demoting_a_tangent_demotes_its_whole_alias_group():
    state = TangentState()
    state.fresh("a", 1, owned=True)
    state.alias("b", "a")
    state.fresh("c", 2, owned=True)
    assert state.owned("a") and state.owned("b")
    state.demote("b")
    assert not state.owned("a") and not state.owned("b") and state.owned("c")
    state.demote("nowhere")   # a zero tangent: nothing to demote
    state.kill("c")
    assert not state.nonzero("c") and state.nonzero("a")


def test_merge_tangents_unites_the_alias_groups_of_both_paths():
    gids = itertools.count(10)
    a, b = TangentState(must={"p", "q"}), TangentState(must={"q"})
    a.fresh("p", 1, owned=True)
    a.alias("q", "p")           # on path a, p and q share memory
    a.fresh("r", 2, owned=True)
    b.fresh("q", 5, owned=True)
    b.fresh("r", 6, owned=False)
    b.alias("s", "r")           # on path b, r and s share memory
    out = status.merge_tangents(a, b, lambda: next(gids))
    assert out.group["p"] == out.group["q"] and out.group["r"] == out.group["s"]
    assert out.group["p"] != out.group["r"]
    assert out.status == {"p": OWNED, "q": OWNED, "r": BORROWED, "s": BORROWED}
    assert out.must == {"q"}
    assert out.key() != a.key() and out.key() == out.copy().key()


# -- what the lattice is for ----------------------------------------------------------
def accumulates_in_a_branch(x, c):
    s = x
    if c > 0:
        s = s + np.sin(x)
    for i in range(3):
        s = s + x * x
    return s


def accumulates_into_items(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = out[i] + x[i] * x[(i + 1) % 3]
    y = out
    y = y + x
    return y


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_derivatives_borrowed_from_the_caller_are_never_updated_in_place(c):
    # check() asserts that the arguments and tangents it passes come back unchanged
    check(accumulates_in_a_branch, np.array([0.5, -1.0, 2.0]), c)


def test_item_updates_of_owned_derivatives_are_right():
    check(accumulates_into_items, np.array([0.5, -1.0, 2.0]))


def test_surely_read_leaves_out_what_may_not_run():
    from srcdiff import syntax as S
    from srcdiff.status import surely_read
    expr = S.parse("a + (b if c else d) + (e and f) + sum(g for h in i if j) + (lambda k: m)(n)"
                   ).body[0].value
    assert surely_read(expr) == {"a", "c", "e", "sum", "i", "n"}
