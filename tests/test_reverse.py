"""srcdiff/reverse.py: the reverse pass on a lowered function, called directly. `Reverse.run`
gives an `Adjoint` record: the primal and adjoint halves, the active names (only those on a
path from wrt to the output), the adjoint names, and what the primal saves on the tape (only
names the adjoint reads after they are overwritten). The adjoint statements run in the
reverse order of the primal's; a name read twice accumulates its adjoint; one assigned
before it is read gets no zero array. The same programs' gradients are checked against
central differences in both modes and to second order."""
import ast
import dataclasses
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.program import Program
from srcdiff.reverse import Adjoint, Reverse
from srcdiff.transform import lower_function


def _adjoint(fn, wrt):
    low = lower_function(fn)
    return Reverse(low, wrt, program=Program(low.namer.taken, lower_function)).run()


def _text(stmts):
    return ast.unparse(ast.fix_missing_locations(ast.Module(S.to_python_ast(list(stmts)), [])))


def straight(x, w):
    a = np.sin(x) * w
    unused = np.cos(w) + 1.0     # reaches no output
    scale = w * 2.0              # reaches the output, not from x
    b = a * a + x                # `x` read again: its adjoint accumulates
    return np.sum(b * scale) + 0.0 * unused


def rebinding(x, n):
    y = x
    for i in range(n):
        y = np.sin(y) * x
    return np.sum(y)


def test_the_record_of_a_straight_line_function():
    adj = _adjoint(straight, ["x"])
    assert isinstance(adj, Adjoint)
    with pytest.raises(dataclasses.FrozenInstanceError):
        adj.tape_used = True
    assert {"x", "a", "b"} <= adj.active
    assert "scale" not in adj.active and "unused" not in adj.active   # not from x
    assert "w" not in adj.active
    assert not adj.tape_used                                          # nothing overwritten
    assert "unused" not in adj.saved and "a" in adj.saved             # what the adjoint reads
    assert adj.adjoints["x"] in _text(adj.adjoint)
    assert adj.seed == adj.adjoints[adj.output]


def test_the_adjoint_runs_in_reverse_order():
    adj = _adjoint(straight, ["x"])
    text = _text(adj.adjoint)
    # the adjoint of b (the later primal statement) is read before a's is made
    d_b, d_a = adj.adjoints["b"], adj.adjoints["a"]
    assert text.index(d_b) < text.index(f"{d_a} =")
    d_x = adj.adjoints["x"]
    assert f"{d_x} = {d_x} + " in text           # x is read by two statements


def test_a_rebound_name_is_saved_on_the_tape():
    adj = _adjoint(rebinding, ["x"])
    assert adj.tape_used and "y" in adj.saved
    assert adj.trip_counts == {} or all(isinstance(v, str) for v in adj.trip_counts.values())


def test_no_zero_array_for_an_adjoint_assigned_before_it_is_read():
    text = srcdiff.source(srcdiff.grad(straight))
    assert not re.search(r"zeros(_like)?\(", text), text


def branch(x, w):
    if np.sum(x) > 0.0:
        y = np.sin(x) * w
    else:
        y = x * x * w
    return np.sum(y * x)


@pytest.mark.parametrize("f, args", [
    (straight, (np.array([0.3, -0.8, 1.2]), 0.7)),
    (rebinding, (np.array([0.3, -0.8]), 3)),
    (branch, (np.array([0.3, 0.8]), 0.7)),
    (branch, (np.array([-0.3, -0.8]), 0.7)),
], ids=["straight", "rebinding", "branch-true", "branch-false"])
def test_gradients_against_central_differences(f, args):
    check(f, *args, wrt=(0, 1) if isinstance(args[1], float) else 0)


def test_the_record_takes_every_field_once_and_stays_as_made():
    adj = _adjoint(straight, ["x"])
    fields = {f: getattr(adj, f) for f in Adjoint.__slots__}
    with pytest.raises(TypeError):
        Adjoint(**{f: v for f, v in fields.items() if f != "seed"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        del adj.seed
    assert repr(adj).startswith("Adjoint(primal=")
    check(straight, np.array([0.3, -1.2]), np.array([0.7, 1.1]), wrt=(0, 1))


# -- generation rounds: a second round that would build the same statements is skipped ---
def looped_branch(w, x):
    h = np.tanh(x @ w)
    loss = np.sum(h * h)
    r = 0.0
    for i in range(3):
        r = r + np.sum(w * w) * 0.01
    if loss > 0:
        loss = loss + r
    else:
        loss = loss - r
    return loss + np.mean(h ** 2)


def looped_rebinding(w, x):
    y = x @ w
    for i in range(2):
        y = np.sin(y) * 2.0       # y saved: the second round adds its restore
    if np.sum(y) > 0:
        y = y * w[0]
    return np.sum(y)


def looped_append(w, x):
    out = []
    for i in range(2):
        out.append(np.tanh(x * w))
    if np.sum(w) > 0:
        w = w * 2.0
    return np.sum(out[0] * out[1]) + np.sum(w)


def looped_item_write(w, x):
    y = x * w
    for i in range(2):
        y[0] = y[0] * w[1]
    if np.sum(y) > 0:
        y = y + w
    return np.sum(y * y)


def _generated(fn, args, forced=False):
    """(the gradient's emitted source, the number of rounds generate ran): forced, every
    round's saves are decided again and the round run (generate before the skip)."""
    rounds = []
    seed_state = Reverse._seed_state
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Reverse, "_seed_state", lambda self: rounds.append(1) or
                      seed_state(self))
        if forced:
            def decide_again(self, needed):
                first = (self.saves, self.rereads, self.end_saves, self.preinit)
                self.preinit = set()
                saves = self._decide_saves(needed)
                decided = (saves, self.rereads, self.end_saves, self.preinit)
                self.saves, self.rereads, self.end_saves, self.preinit = first
                return decided
            patch.setattr(Reverse, "_decide_again", decide_again)
        srcdiff.api.clear_cache(fn)
        g = srcdiff.grad(fn)
        g(*args)   # with the input shapes known, as a first call makes it
    srcdiff.api.clear_cache(fn)
    return srcdiff.source(g), len(rounds)


@pytest.mark.parametrize("fn, skipped", [
    (looped_branch, True), (looped_rebinding, False), (looped_append, False),
    (looped_item_write, False)], ids=["reads-only", "rebinding", "append", "item-write"])
def test_a_round_that_would_build_the_same_adjoint_is_skipped(fn, skipped):
    """The names the adjoint reads (h, w, the branch's condition) are never overwritten
    after: the second round would decide no other save and build the first round's
    statements, so generate stops after one. Where it saves a name (a loop rebinding y),
    or reads known_needed (an append's adjoint, an item write's restore), it runs again."""
    w = np.array([0.3, -0.7, 0.5])
    x = np.array([0.6, -0.2, 0.9])
    if fn in (looped_branch, looped_rebinding):
        x = np.array([[0.2, 0.4, -0.1], [0.5, -0.3, 0.8]])
    if fn is looped_rebinding:
        w = np.array([[0.3, -0.7], [0.5, 0.2], [-0.4, 0.9]])
    got, rounds = _generated(fn, (w, x))
    expected, forced_rounds = _generated(fn, (w, x), forced=True)
    assert got == expected
    assert forced_rounds >= 2
    assert (rounds == 1) == skipped, (rounds, forced_rounds)
    check(fn, w, x)


# -- hunt20: lists of lists and list parameters written with items of another shape ---------
def list_parameter_slot_shrunk(xs, s):
    xs[0] = xs[0][1:] * s
    return np.sum(xs[0]) + np.sum(xs[1] ** 2)


def row_of_a_list_of_lists_written(x, s):
    LL = [[x * 1.0, x * 2.0], [x]]
    row = LL[0]
    row[0] = x[1:] * s
    return np.sum(row[0]) + np.sum(LL[0][1])


def test_a_list_written_into_an_item_of_a_list_of_lists():
    """`row = LL[0]; row[0] = v`: the alias checks copy row (own_copy) after the lowering
    gave each local its kind, so the copy's adjoint was added with `+` (joining two lists)
    and unbroadcast to a ragged list (a crash); the copy of a maybe-list is one
    (reverse._copy_edges) and a list's adjoint passes unbroadcast as it is. A list
    parameter's slot written with another shape: on main a crash, (2,) and (3,)."""
    x = np.array([0.3, -1.2, 0.7])
    check(list_parameter_slot_shrunk, [x.copy(), x * 2], 0.8, wrt=(0, 1), order=2)
    check(row_of_a_list_of_lists_written, x, 0.8, wrt=(0, 1), order=2)


def euler_steps_written_into_a_copy(y0, a):
    y = y0.copy()   # a maybe-list (a list's .copy() is one): its slot is re-zeroed in reverse
    out = np.zeros(6)
    for t in range(6):
        y[0] = y[0] + 0.05 * (a * y[1])
        y[1] = y[1] - 0.05 * np.sin(y[0])
        out[t] = y[0] * y[1]
    return np.sum(out ** 2)


def test_an_item_write_into_a_maybe_list_compiles_with_numba():
    """zero_restored_slot, emitted after the restore of an item write into what may be a
    list, has a Numba version (the array's adjoint as it is): jit=True compiled it no more."""
    pytest.importorskip("numba")
    args = (np.array([0.5, 0.3]), 1.2)
    check(euler_steps_written_into_a_copy, *args, wrt=(0, 1))
    want = srcdiff.grad(euler_steps_written_into_a_copy, wrt=(0, 1))(*args)
    got = srcdiff.grad(euler_steps_written_into_a_copy, wrt=(0, 1), jit=True)(*args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_the_linear_algebra_calls_reverse_asks_about_are_known_by_their_module():
    """reverse._container_names imports runtime_linalg only for a call whose function's
    module is numpy.linalg or runtime_linalg (names.LINALG_RUNTIME): every function
    returns_tuple answers yes for, and result_field, must be of one of them."""
    from srcdiff import names, runtime_linalg
    seen = [f for module in (np, np.linalg) for f in vars(module).values()
            if callable(f) and runtime_linalg.returns_tuple(f)]
    assert seen and all(f.__module__ == "numpy.linalg" for f in seen)
    assert runtime_linalg.result_field.__module__ == names.LINALG_RUNTIME
