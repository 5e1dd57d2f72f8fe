"""The copies of a loop written out once per item (srcdiff/loop_copies.py): a target bound
to an item's parts, a statement with the parts in place of the names (at the loads' lines),
the break flag of a body written as loops of one trip, and the rebinding and call tests."""
from srcdiff import syntax as S
from srcdiff.loop_copies import bind, break_sets, calls, own_exits, stores, substitute, unless


def expr(text):
    return S.parse_module(text).body[0].value


def stmts(text):
    return S.parse_module(text).body


def test_bind_unpacks_a_tuple_target_and_refuses_a_mismatch():
    target = expr("g, (c, d)")
    bound = bind(target, expr("np.sin, (1.0, 2)"))
    assert sorted(bound) == ["c", "d", "g"] and S.spell(bound["g"]).strip() == "np.sin"
    assert bind(target, expr("np.sin, 1.0")) is None
    assert bind(expr("g"), expr("np.tanh"))["g"] is not None


def test_substitute_puts_each_part_at_the_line_of_the_load():
    stmt = stmts("t = 0.5 * g(t)\n")[0]
    copy = substitute(stmt, {"g": expr("np.tanh")})
    assert S.spell(copy).strip() == "t = 0.5 * np.tanh(t)"
    call = copy.value.right
    assert call.func.lineno == 1 and stmt.value.right.func.id == "g"   # the original kept


def test_own_exits_sees_this_loops_break_not_an_inner_loops():
    assert own_exits(stmts("if a:\n    break\n"))
    assert not own_exits(stmts("for i in r:\n    break\n"))
    assert own_exits(stmts("try:\n    pass\nfinally:\n    continue\n"))


def test_break_sets_the_flag_before_each_break_of_the_loop():
    out = break_sets("stopped_0", stmts("if a:\n    break\nx = 1\n"))
    flag, brk = out[0].body
    assert isinstance(brk, S.Break) and flag.targets[0].id == "stopped_0" and \
        flag.value.value is True
    assert len(out) == 2 and isinstance(out[1], S.Assign)
    guard = unless("stopped_0", stmts("x = 1\n"))
    assert isinstance(guard.test.op, S.Not) and guard.test.operand.id == "stopped_0"


def test_stores_and_calls():
    body = stmts("c = 0.5 * c + g(t)\n")
    assert stores(body, {"c"}) and not stores(body, {"g"})
    assert calls(body, {"g"}) and not calls(body, {"c"})
