"""srcdiff/alias_flow_blocks.py: where a lowered statement sits, read by alias_flow."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import alias_flow_blocks as blocks
from srcdiff.transform import lower_function


def branchy(x):
    y = x * 1.0
    if np.sum(x) > 0.0:
        y[0] = 2.0
    for k in range(2):
        y = y + k
    return np.sum(y)


def _write(body):
    from srcdiff import analyze
    from srcdiff.core import Kind
    return next(s for s in analyze.flatten(body) if s.sd.kind == Kind.SETITEM)


def test_the_way_to_a_statement_and_its_place():
    body = lower_function(branchy).body
    write = _write(body)
    path = blocks.path_to(body, write)
    assert path[0][0] is body and path[-1][0][path[-1][1]] is write
    where = blocks.places(body)
    assert where[id(write)] == (id(path[-1][0]), path[-1][1])
    assert blocks.blocks_around(body, write)[-1] is path[-1][0]
    assert blocks.local_functions_only_called(list(body))



def _takes(a, b, c=1.0, *rest, d=2.0):
    return a


def test_bound_arguments_names_the_node_each_parameter_gets():
    import gast
    call = gast.parse("f(x, y, d=z)").body[0].value
    bound = blocks.bound_arguments(_takes, call)
    assert {p: n.id for p, n in bound.items()} == {"a": "x", "b": "y", "d": "z"}
    assert blocks.bound_arguments(_takes, gast.parse("f(*xs)").body[0].value) is None
    assert blocks.bound_arguments(_takes, gast.parse("f(x)").body[0].value) is None


def _put_all(out, *vals):
    for k, v in enumerate(vals):
        out[k] = v


def _calls_put_all(x):
    out = np.zeros(3)
    _put_all(out, x[0], x[1])
    return out


def test_bound_arguments_reads_the_tuple_made_for_star_args():
    from srcdiff import syntax as S
    from srcdiff.core import Kind
    low = lower_function(_calls_put_all)
    call = next(s for s in low.body if s.sd.kind == Kind.CALL and
                getattr(s.sd.func, "__name__", "") == "_put_all")
    bound = blocks.bound_arguments(call.sd.func, call.value)
    assert bound["out"].id == "out" and isinstance(bound["vals"], S.Name)


def _binds_sequences(A, L):
    p = A * A
    q = np.ones(3) * 2
    r = L * 2
    s = A + A
    t = -A
    u = A + 1.0
    return p, q, r, s, t, u


def test_never_a_list_rules_out_lists_only_where_sure():
    from srcdiff import syntax as S
    low = lower_function(_binds_sequences)
    defs = {}
    for t in low.body:
        if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
            defs.setdefault(t.targets[0].id, []).append(t)
    got = {n: blocks.never_a_list(n, defs) for n in "pqrstu"}
    assert got == {"p": True, "q": True, "r": False, "s": False, "t": True, "u": True}


def bindings_of_y(x, m):
    y = x * 1.0          # arithmetic: a new array each time
    y = np.tanh(y)       # a copying NumPy function
    y = m                # another name's array
    y = x[1:]            # a view
    y = [x, x] * 2       # a list of the same items
    return y


def test_binds_new_array_only_for_values_made_there():
    from srcdiff import analyze
    body = lower_function(bindings_of_y).body
    stmts = list(analyze.flatten(body))
    defs = {}
    for t in stmts:
        if analyze.assigned(t) is not None:
            defs.setdefault(analyze.assigned(t), []).append(t)
    where = blocks.places(body)
    found = [blocks.binds_new_array(t, defs, lambda s: where.get(id(s), (None, None)))
             for t in defs["y"]]
    assert found == [True, True, False, False, False], found


# -- rebound_first where the copy sits in a branch (an early return in a loop puts what
# follows in one): fuzz --family writes seed 1512000026, shrunk by hand
def dict_item_written_in_a_loop_after_an_early_return(x, s):
    for i in range(2):
        if x[0] > 5.0:
            return s * 1.0
    t = 0.0
    for k in range(2):
        P = {"w": x * 1.0, "b": s}
        w = P["w"]
        w[1] = np.sum(x * x)             # srcdiff writes a copy, stores it, rebinds w
        t = t + np.sum(np.tanh(P["w"])) * P["b"]
    return t


def alias_in_a_branch_then_written(x, s):
    u = x * 1.0
    t = 0.0
    keep = x                             # (keep = u here too: an exact alias, followed)
    for k in range(2):
        if s > 0.0:
            keep = u                     # never bound anew before the write
        u[0] = np.sum(x) * k
        t = t + np.sum(keep * x)
    return t


def test_a_copy_in_a_branch_bound_anew_before_each_write_differentiates():
    check(dict_item_written_in_a_loop_after_an_early_return, np.array([0.3, -0.6, 0.9]),
          0.4, wrt=(0, 1), order=2)


def test_an_alias_made_in_a_branch_and_written_is_still_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="would also change keep"):
        srcdiff.grad(alias_in_a_branch_then_written, wrt=(0, 1))(np.ones(3) * 0.3, 0.2)


def grows_in_line(x):
    L = [x * 1.0]
    L.append(x * 2.0)
    M = [x]
    for _ in range(2):
        M.append(x * 3.0)
    N = [x]
    N.pop()
    return np.sum(L[-1]) + np.sum(np.stack(M)) + len(N)


def test_stable_lists_are_those_only_appended_in_line_and_read():
    from srcdiff import alias_flow
    body = lower_function(grows_in_line).body
    flow = alias_flow.Flow(body)
    stable = {name: len(appends) for name, appends in flow._stable_lists().values()}
    assert stable == {"L": 1}   # (M: appended in a loop; N: popped)
    read = next(t for t in flow.stmts if flow.position(t) is not None)
    assert read.value.value.id == "L" and flow.position(read)[1] == 1


# -- a writing helper's call (writing_helpers.py): its copy bound back, or written back
def _fill(out, v):
    out[:] = np.tanh(v)
    return np.sum(v)


def fills_y_twice(x):
    y = x * 1.0
    _fill(y, x)              # y = held[1]: the helper's copy, new each time
    keep = x
    if x[0] > 0.0:
        keep = y
    _fill(y, x * 2.0)        # keep may read y after: the copy written back, y[...] = copy
    return np.sum(keep * y)


def test_a_writing_helpers_copy_is_a_new_array_and_its_write_back_is_known():
    from srcdiff import analyze
    from srcdiff.core import Kind
    body = lower_function(fills_y_twice).body
    stmts = list(analyze.flatten(body))
    defs = {}
    for t in stmts:
        if analyze.assigned(t) is not None:
            defs.setdefault(analyze.assigned(t), []).append(t)
    where = blocks.places(body)
    found = [blocks.binds_new_array(t, defs, lambda s: where.get(id(s), (None, None)))
             for t in defs["y"][:2] + defs["keep"][1:]]
    assert found == [True, True, False], found   # (x * 1.0, the first call's copy, keep)
    assert blocks.helpers_result(defs["y"][1], defs) == ()   # (its result: not kept)
    assert blocks.helpers_result(defs["y"][0], defs) is None
    calls = [t for t in stmts if t.sd.kind == Kind.CALL and
             getattr(t.sd.func, "_srcdiff_written", None)]
    back = _write(body)
    assert len(calls) == 2 and blocks.written_back(back, calls[1], defs)
    assert not blocks.written_back(back, calls[0], defs)
    check(fills_y_twice, np.array([-0.3, -0.6, 0.9]))   # (keep is x: the write followed)


def two_arms(x):
    y = x * 1.0
    if np.sum(x) > 0.0:
        h = y
        x = h
    else:
        y[0] = 2.0
    for k in range(2):
        if k == 0:
            g = y
            x = g
        else:
            y[1] = 3.0
    return np.sum(y)


def test_two_statements_in_the_arms_of_one_if_no_loop_runs_again_are_apart():
    from srcdiff import analyze, syntax as S
    from srcdiff.core import Kind
    body = lower_function(two_arms).body
    stmts = list(analyze.flatten(body))
    copies = [s for s in stmts if s.sd.kind == Kind.COPY and isinstance(s.value, S.Name)
              and s.value.id == "y" and s.targets[0].id in ("h", "g")]
    writes = [s for s in stmts if s.sd.kind == Kind.SETITEM]
    assert len(copies) == 2 and len(writes) == 2
    assert blocks.apart(copies[0], writes[0], body) and blocks.apart(writes[0], copies[0], body)
    assert not blocks.apart(copies[1], writes[1], body)   # (the loop runs both arms)
    assert not blocks.apart(copies[0], writes[1], body)   # (one after the other)
    assert not blocks.apart(writes[0], writes[0], body)


# === nested functions used as values (issue #13, users 2461000000) ========================
def closed_function_in_a_list(x, s):
    def lam(t):
        return np.log(1.5 + t * t)
    k = 0
    while k < 2:
        k += 1
        x[[0, 2]] += np.sin(1.5 * s)
        t8 = x
        fs = [lam, np.sin]
        a9 = np.sum(np.stack([g(t8) for g in fs]), axis=0)
    return np.sum(x * x) + np.sum(a9)


def closed_function_and_a_list_read_after(x, s):
    def lam(t):
        return np.log(1.5 + t * t)
    w = x * 1.0
    total = 0.0
    for k in range(2):
        keep = [w, x]
        w[0] = np.sin(1.5 * s)   # (keep[0] is w: read after, it sees the write)
        fs = [lam, np.sin]
        total = total + np.sum(np.stack([g(keep[0]) for g in fs]))
    return total


def test_a_closed_nested_function_used_as_a_value_leaves_the_flow_working():
    """`fs = [lam, np.sin]`, lam reading none of the body's names: the analysis gave up
    (a nested function used as a value may run anywhere) and the write was refused as seen
    by `t8 = x`, bound anew before any read on every trip. lam holds nothing of the body's,
    so it runs as any unknown callee would."""
    check(closed_function_in_a_list, np.array([0.4, 0.9, 1.3, 0.7]), 0.3, wrt=(0, 1),
          order=2)
    with pytest.raises(srcdiff.SrcdiffError, match="writing into w here would also change "
                                                   "keep, a list holding it"):
        srcdiff.grad(closed_function_and_a_list_read_after, wrt=(0, 1))(
            np.array([0.4, 0.9, 1.3, 0.7]), 0.3)


def test_only_a_nested_function_reading_none_of_the_bodys_names_is_closed():
    from srcdiff import analyze, syntax as S
    fdef = S.parse_function(
        "def f(x, s):\n    def a(t):\n        return t * 2.0\n"
        "    def b(t):\n        return t * s\n    def c(t, k=s):\n        return t * k\n"
        "    c2 = lambda t, k=2.0: t + k\n    y = x * s\n    fs = [a, b, c, c2]\n"
        "    return y\n")
    stmts = list(analyze.flatten(fdef.body))
    outer = {"x", "s", "y", "fs"}
    got = {t.name if isinstance(t, S.FunctionDef) else t.targets[0].id:
           blocks._closed(t if isinstance(t, S.FunctionDef) else t.value, outer)
           for t in stmts if isinstance(t, S.FunctionDef) or isinstance(t.value, S.Lambda)}
    assert got == {"a": True, "b": False, "c": False, "c2": True}
