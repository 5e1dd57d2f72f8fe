"""srcdiff/alias_flow_seen.py: whether a later read sees a write (Flow.seen_by), and a
parameter whose caller never sees the change (`owned`), seen only by the function's own names
holding it; rows a loop takes that nothing reads (`_dead_reads`)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import alias_flow, aliasing, analyze, census, writing_helpers
from srcdiff.core import Kind
from srcdiff.transform import lower_function


def _flow_and_write(f, monkeypatch):
    monkeypatch.setattr(aliasing, "check_writes", lambda *args: [])   # (the question asked here)
    # the views as written (view_writes.py would read w = y[1:] as y[1:] at each read)
    monkeypatch.setattr(census, "may_bind_views", lambda fdef: False)
    body = lower_function(f).body
    write = next(s for s in analyze.flatten(body) if s.sd.kind == Kind.SETITEM or
                 (s.sd.kind == Kind.CALL and getattr(s.sd.func, "_srcdiff_written", None)))
    return alias_flow.Flow(body), write


def view_read_after(x):
    y = x * 1.0
    w = y[1:]
    y[0] = 2.0
    return np.sum(w)


def view_read_before(x):
    y = x * 1.0
    w = y[1:]
    s = np.sum(w)
    y[0] = 2.0
    return s + np.sum(y)


def fill(out, v):
    out[:] = np.tanh(v)


def param_viewed(x, out):
    w = out[1:]
    fill(out, x)   # (lowered t = fill_writing(out, x); out = t[1], out copied first)
    return np.sum(w)


def param_alone(x, out):
    s = np.sum(out)
    fill(out, x)
    return s + np.sum(out)


def test_a_view_read_after_the_write_sees_it_one_read_before_does_not(monkeypatch):
    flow, write = _flow_and_write(view_read_after, monkeypatch)
    name, where = flow.seen_by(write, "y")
    assert name == "w" and where is not None
    flow, write = _flow_and_write(view_read_before, monkeypatch)
    assert flow.seen_by(write, "y") is None and flow.unseen(write, "y")


def test_a_parameter_is_unknown_unless_owned_then_only_its_holders_see_it(monkeypatch):
    rewrite = writing_helpers.rewrite

    def lowered_unchecked(lw, body):   # (the call lowered; its own check asks seen_by too)
        try:
            return rewrite(lw, body)
        except srcdiff.UnsupportedCodeError:
            return set()
    monkeypatch.setattr(writing_helpers, "rewrite", lowered_unchecked)
    flow, write = _flow_and_write(param_viewed, monkeypatch)
    # (w reads out after the call: the helper's copy is written back into out, out[...] = c,
    # out given its own copy first; without that copy, out is the caller's array)
    body = [s for s in flow.body if getattr(s.sd.func, "__name__", "") != "own_copy"]
    flow = alias_flow.Flow(body)
    write = next(s for s in body if s.sd.kind == Kind.SETITEM)
    assert flow.seen_by(write, "out") == (None, None)
    assert flow.seen_by(write, "out", owned=("out",))[0] == "w"
    flow, write = _flow_and_write(param_alone, monkeypatch)
    # (a parameter a helper writes into gets its own copy first, out = own_copy(out): the
    # flow knows that array, and no other name holds it)
    assert flow.seen_by(write, "out") is None
    assert flow.seen_by(write, "out", owned=("x", "out")) is None


SCALE = 2.0


def stale_list_appended_then_global_read(x):
    y = x * 1.0
    L = [y]
    y[0] = 2.0
    L.append(y)
    return np.sum(y) * SCALE


def test_a_global_read_after_the_write_is_no_reader_of_it(monkeypatch):
    # (seen_by's STALE mark on the names holding the written array was once made a holder
    # by `L.append(y)`; a global, numpy or SCALE, which reads as STALE, then reached y)
    flow, write = _flow_and_write(stale_list_appended_then_global_read, monkeypatch)
    name, where = flow.seen_by(write, "y")
    assert name == "L" and where.sd.kind == Kind.APPEND   # (the list itself: seen)
    assert flow.seen_by(write, "y", ignore=frozenset({"L"})) is None


def rows_of_a_view_unused(x):
    y = x * 1.0
    for r in reversed(np.flip(y)):
        y[2] += 0.5
    return np.sum(y)


def rows_of_a_view_read(x):
    y = x * 1.0
    for r in reversed(np.flip(y)):
        y[2] += r
    return np.sum(y)


def test_rows_nothing_reads_do_not_see_a_write(monkeypatch):
    flow, write = _flow_and_write(rows_of_a_view_unused, monkeypatch)
    assert flow.seen_by(write, "y") is None
    assert any(s.sd.loop_item and id(s) in flow._dead_reads() for s in flow.stmts)
    flow, write = _flow_and_write(rows_of_a_view_read, monkeypatch)
    reader, where = flow.seen_by(write, "y")
    assert where.sd.loop_item and not flow._dead_reads() & {id(where)}


def rows_of_new_arrays(x):
    for r in [x * 2.0, np.sin(x)]:
        r[0] = 1.0
    stack = [x * 1.0, np.cos(x)]
    while stack:
        z = stack.pop()
        z[1] = 2.0
    return np.sum(x)


def rows_of_one_array_twice(x):
    a = x * 2.0
    for r in [a, a, x * 3.0]:   # (not a display of names only: display_loops leaves it)
        r[0] = 1.0
    stack = [a, np.cos(x)]
    stack.append(np.sin(x))
    while stack:
        z = stack.pop()
        z[1] = 2.0
    return np.sum(x)


def test_a_display_of_new_arrays_apart_only_looped_over_or_popped(monkeypatch):
    """items_apart: each iteration takes another array; pops_apart: a popped array is in
    the list no more (the names whose reads then see nothing: the list and its tests)."""
    for f, apart in ((rows_of_new_arrays, True), (rows_of_one_array_twice, False)):
        flow, _ = _flow_and_write(f, monkeypatch)
        looped = {t.value.value.id for t in flow.stmts if t.sd.loop_item}
        assert len(looped) == 1 and flow.items_apart(looped.pop()) is apart
        quiet = flow.pops_apart("stack", "z")
        assert (quiet is not None and "stack" in quiet) is apart


def rows_taken_again_by_an_outer_loop(x):
    rows = [x * 2.0, np.sin(x)]
    total = 0.0
    for k in range(2):
        for r in rows:
            total = total + np.sum(r * r)
            r[0] = 1.0
    return total


def test_a_display_an_outer_loop_takes_the_items_of_again_is_not_apart(monkeypatch):
    flow, _ = _flow_and_write(rows_taken_again_by_an_outer_loop, monkeypatch)
    assert not flow.items_apart("rows")


def appended_after_the_write(x, s):
    y = x * 2.0
    L = [x * 1.0]
    _ = [y, x]   # (a list holding y, never read again: the write is checked)
    y[0] = s * 3.0
    t = np.sum(L[0])
    L.append(y)
    return t + np.sum(L[-1])


def appended_before_the_write(x, s):
    y = x * 2.0
    L = [x * 1.0]
    M = [y, x]
    L.append(y)
    y[0] = s * 3.0
    t = np.sum(L[0])
    return t + np.sum(L[-1]) + 0.0 * len(M)


def test_a_store_after_the_write_does_not_make_earlier_holders_see_it():
    """alias_flow's `held` is the whole body's: L holds y from `L.append(y)` on, but that
    store comes after `y[0] = v`, so L holds the written y, as the derivative's L does; at
    the write L held nothing of y's (Seen._reach_before). It was refused (`_ = [y, x]`, never
    read again, made the write checked; L was taken to see it). Where the append comes
    before the write, L's later read sees it: refused."""
    from gradcheck import check
    x = np.array([0.4, 0.9, 1.3])
    check(appended_after_the_write, x, 0.8, wrt=(0, 1), order=2)
    with pytest.raises(srcdiff.SrcdiffError, match="writing into y here"):
        srcdiff.grad(appended_before_the_write, wrt=(0, 1))(x, 0.8)
