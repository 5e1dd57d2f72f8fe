"""srcdiff/core.py: the core language's types (Kind, Info, Lowered) and its grammar check.

`validate` is run on every function the test suite lowers (conftest sets SRCDIFF_VALIDATE);
here each rule of the grammar is broken by hand, on a lowered function, and must be caught.
"""
import copy

import numpy as np
import pytest

from srcdiff import core
from srcdiff import syntax as S
from srcdiff.core import GrammarError, Info, Kind, validate
from srcdiff.transform import lower_function


# -- Kind and Info --------------------------------------------------------------------
def test_kind_is_a_string_enum_so_unconverted_comparisons_keep_working():
    assert Kind.CALL == "call" and "call" == Kind.CALL
    assert Kind("setitem") is Kind.SETITEM
    assert f"{Kind.EFFECT_VALUE}" == "effect_value" and str(Kind.IF) == "if"
    assert {Kind.COPY: 1}["copy"] == 1


def test_every_kind_lowering_uses_is_a_member():
    assert {k.value for k in Kind} == {
        "call", "binop", "unary", "copy", "subscript", "attribute", "display", "opaque",
        "stop_gradient", "effect_value", "pop", "setitem", "append", "effect", "if", "for",
        "while", "break", "return", "assert", "raise"}


def test_info_turns_a_kind_spelled_as_a_string_into_a_kind_and_refuses_a_typo():
    info = Info("call")
    assert info.kind is Kind.CALL
    info.kind = "binop"
    assert info.kind is Kind.BINOP
    with pytest.raises(ValueError):
        Info("cal")
    with pytest.raises(ValueError):
        info.kind = "bin_op"


def test_info_facts_are_named_fields():
    info = Info(Kind.CALL, func=np.sin, line=3)
    assert not info.marked and info.call_args is None
    info.user_call = core.UserCall("local", (S.load("a"), S.load("b")))
    assert info.marked and [a.id for a in info.call_args] == ["a", "b"]
    info.clear_facts()
    assert not info.marked and info.func is np.sin and info.line == 3
    for fact in (dict(inplace="__iadd__"), dict(augmented=True), dict(dynamic_method=True),
                 dict(loop_item=True), dict(loop_keys=True), dict(check=core.Check("x"))):
        assert Info(Kind.COPY, **fact).marked
    assert not hasattr(Info(Kind.COPY), "extra")     # the untyped field is gone


def test_info_replace_and_copy_are_independent():
    info = Info(Kind.SUBSCRIPT, line=1, loop_item=True)
    other = info.replace(line=7)
    assert other.line == 7 and other.loop_item and info.line == 1
    dup = copy.copy(info)
    dup.kind = "call"
    assert info.kind is Kind.SUBSCRIPT


# -- Lowered ---------------------------------------------------------------------------
def _scale(x):
    y = x * 2.0
    return y


def test_a_lowered_function_is_frozen():
    low = lower_function(_scale)
    with pytest.raises(AttributeError, match="frozen"):
        low.body = []
    with pytest.raises(AttributeError, match="frozen"):
        low.params = ["z"]
    low.bindings["extra_helper"] = len      # later stages still bind helpers
    low.namer = low.namer                   # and take fresh names


# -- validate --------------------------------------------------------------------------
def _loop(x, n):
    s = 0.0
    for i in range(n):
        if s > 10.0:
            break
        s = s + x[i] * 2.0
    return s


def _body(fn):
    return copy.deepcopy(list(lower_function(fn).body))


class _Fake:
    def __init__(self, body):
        self.body = body


def _stmt(text, kind, **kw):
    (stmt,) = S.quote(text)
    stmt.sd = Info(kind, line=1, **kw)
    return stmt


def test_well_formed_lowered_code_passes():
    validate(lower_function(_scale))
    validate(lower_function(_loop))


def test_a_statement_without_an_info_is_refused():
    body = _body(_scale)
    del body[0].sd
    with pytest.raises(GrammarError, match="no Info"):
        validate(_Fake(body))


def test_an_operand_that_is_not_an_atom_is_refused():
    body = _body(_scale)
    body.insert(0, _stmt("t = x * 2.0 + 1.0", Kind.BINOP))
    with pytest.raises(GrammarError, match="not one operation on atoms"):
        validate(_Fake(body))
    body = _body(_scale)
    body.insert(0, _stmt("t = f(x * 2.0)", Kind.CALL))
    with pytest.raises(GrammarError, match="not one operation on atoms"):
        validate(_Fake(body))


def test_the_target_among_the_operands_is_refused():
    body = _body(_scale)
    body.insert(0, _stmt("x = x * 2.0", Kind.BINOP))
    with pytest.raises(GrammarError, match="target is among the operands"):
        validate(_Fake(body))


def test_a_kind_that_does_not_match_the_statement_is_refused():
    body = _body(_scale)
    body.insert(0, _stmt("t = x * 2.0", Kind.CALL))
    with pytest.raises(GrammarError, match="call statement"):
        validate(_Fake(body))
    body = _body(_scale)
    body.insert(0, _stmt("t[0] = x", Kind.COPY))
    with pytest.raises(GrammarError, match="assigns one name"):
        validate(_Fake(body))


def test_returns_other_than_one_at_the_end_are_refused():
    body = _body(_scale)
    body.insert(0, _stmt("return x", Kind.RETURN))
    with pytest.raises(GrammarError, match="one return"):
        validate(_Fake(body))
    body = _body(_scale)
    body.append(_stmt("t = x", Kind.COPY))
    with pytest.raises(GrammarError, match="does not end with a return"):
        validate(_Fake(body))
    body = _body(_scale)
    body[-1] = _stmt("return x * 2.0", Kind.RETURN)
    with pytest.raises(GrammarError, match="returns a name"):
        validate(_Fake(body))


def test_a_branch_on_an_expression_is_refused():
    body = _body(_scale)
    stmt = _stmt("if x > 0:\n    t = x", Kind.IF)
    stmt.body[0].sd = Info(Kind.COPY)
    body.insert(0, stmt)
    with pytest.raises(GrammarError, match="condition name"):
        validate(_Fake(body))


def _find(body, kind):
    return next(s for s in body if getattr(s, "sd", None) is not None and s.sd.kind == kind)


def test_a_for_loop_over_anything_but_a_range_in_a_name_is_refused():
    body = _body(_loop)
    loop = _find(body, Kind.FOR)
    loop.iter = S.quote_expr("range(n)")
    with pytest.raises(GrammarError, match="range held in a name"):
        validate(_Fake(body))


def test_break_anywhere_but_the_end_of_a_loop_body_is_refused():
    body = _body(_loop)
    loop = _find(body, Kind.FOR)
    exit_ = loop.body.pop()           # `if cond: break`, last
    loop.body.insert(0, exit_)
    with pytest.raises(GrammarError, match="only the last statement of a loop body"):
        validate(_Fake(body))
    body = _body(_loop)
    loop = _find(body, Kind.FOR)
    loop.body.insert(0, _stmt("break", Kind.BREAK))
    with pytest.raises(GrammarError, match="break outside"):
        validate(_Fake(body))


def test_a_loop_whose_loop_info_disagrees_is_refused():
    body = _body(_loop)
    loop = _find(body, Kind.FOR)
    loop.sd.loop.ends_with_break = False
    with pytest.raises(GrammarError, match="ends with `if flag: break` exactly when"):
        validate(_Fake(body))
    body = _body(_loop)
    _find(body, Kind.FOR).sd.loop = None
    with pytest.raises(GrammarError, match="LoopInfo"):
        validate(_Fake(body))


def test_item_writes_and_appends_take_atoms():
    body = _body(_scale)
    body.insert(0, _stmt("t[0] = x * 2.0", Kind.SETITEM))
    with pytest.raises(GrammarError, match="item write"):
        validate(_Fake(body))
    body = _body(_scale)
    body.insert(0, _stmt("t.append(x * 2.0)", Kind.APPEND))
    with pytest.raises(GrammarError, match="append"):
        validate(_Fake(body))
    body = _body(_scale)
    body.insert(0, _stmt("t.append(x)", Kind.APPEND))
    validate(_Fake(body))


def _kind_literals(path):
    """String literals naming a Kind where a statement kind is meant: compared with a
    `.kind` or `kind`, or given to Info/LoopInfo or as `kind=`."""
    import ast
    values = {k.value for k in Kind}
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())

    def strings(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in values:
            yield node
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for e in node.elts:
                yield from strings(e)

    def is_kind(node):
        return (isinstance(node, ast.Attribute) and node.attr == "kind") or (
            isinstance(node, ast.Name) and node.id == "kind")
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left] + node.comparators
            if any(is_kind(s) for s in sides):
                for s in sides:
                    yield from strings(s)
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                node.func, "id", "")
            if name in ("Info", "LoopInfo") and node.args:
                yield from strings(node.args[0])
            for kw in node.keywords:
                if kw.arg == "kind":
                    yield from strings(kw.value)


def test_no_stage_names_a_statement_kind_by_a_bare_string():
    # a typo in Kind.CALL raises; a typo in "call" would silently change what a pass does
    import os
    root = os.path.dirname(core.__file__)
    found = [f"{name}:{lit.lineno} {lit.value!r}" for name in sorted(os.listdir(root))
             if name.endswith(".py") for lit in _kind_literals(os.path.join(root, name))]
    assert not found, "write Kind.X, not a string: " + ", ".join(found)
