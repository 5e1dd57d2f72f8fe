"""srcdiff/syntax_walks.py: the walks over a tree's nodes, compared with ast.walk's order (less
the expression contexts) on srcdiff's own files, and on trees holding what is not a node in
their list fields."""
import ast
import os
import textwrap

import gast
import pytest

from srcdiff import syntax as S
from srcdiff import syntax_walks

SRCDIFF = os.path.dirname(os.path.abspath(syntax_walks.__file__))
CONTEXTS = (gast.Load, gast.Store, gast.Del)


def _reference(tree):
    """ast.walk's breadth-first order (the same as a queue over iter_child_nodes), less the
    contexts and what hangs below leaf fields."""
    out, queue = [], [tree]
    for node in queue:
        if isinstance(node, CONTEXTS):
            continue
        out.append(node)
        for field in syntax_walks._walked_fields(node.__class__):
            value = getattr(node, field, None)
            if isinstance(value, list):
                queue.extend(v for v in value if isinstance(v, gast.AST))
            elif isinstance(value, gast.AST):
                queue.append(value)
    return [n for n in out if not isinstance(n, CONTEXTS)]


def test_syntax_hands_out_the_walks():
    assert S.walk is syntax_walks.walk and S.nodes is syntax_walks.nodes
    assert S.walk_names is syntax_walks.walk_names and S.own_nodes is syntax_walks.own_nodes


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(SRCDIFF) if n.endswith(".py"))[::7])
def test_walks_meet_ast_walks_nodes_in_its_order(name):
    with open(os.path.join(SRCDIFF, name)) as fh:
        tree = gast.parse(fh.read())
    want = _reference(tree)
    assert list(S.walk(tree)) == want
    assert S.nodes(tree) == want
    assert list(S.walk_names(tree)) == [n for n in want if isinstance(n, gast.Name)]


STRAYS = '''
def f(x, *, k=None, **kw):
    global G, H
    d = {**kw, "a": x}
    match x:
        case Point(x=0, y=yy) as p:
            return {**d}
        case {"k": v, **rest}:
            pass
    return lambda q, *, r=None: q
'''


def test_what_is_not_a_node_in_a_list_field_is_skipped():
    tree = gast.parse(STRAYS)
    found = S.nodes(tree)
    assert all(isinstance(n, gast.AST) for n in found)
    assert found == list(S.walk(tree)) == _reference(tree)
    assert [n.id for n in S.walk_names(tree)] == [
        n.id for n in _reference(tree) if isinstance(n, gast.Name)]
    # a dict display's None key and Global's names were in the lists walked
    dicts = [n for n in found if isinstance(n, gast.Dict)]
    assert any(None in d.keys for d in dicts)


def test_a_walk_of_what_is_not_a_node_fails():
    for walker in (S.walk, S.walk_names):
        with pytest.raises(AttributeError):
            list(walker(None))
    with pytest.raises(AttributeError):
        S.nodes("x")


def test_a_node_met_after_a_stray_keeps_its_place():
    # a None key then a name: the name still comes where ast.walk puts it
    tree = gast.parse("{**a, b: c}")
    names = [n.id for n in S.walk_names(tree)]
    assert names == [n.id for n in ast.walk(ast.parse("{**a, b: c}"))
                     if isinstance(n, ast.Name)]


def test_a_field_not_set_reads_as_none():
    # a node built without its optional fields (a name without annotation, a return
    # without value): the walks read the fields it has and go on
    x = gast.Name(id="x", ctx=gast.Load())
    ret = gast.Return()
    body = [gast.Expr(value=gast.BinOp(left=x, op=gast.Add(), right=gast.Constant(1, None))), ret]
    tree = gast.Module(body=body, type_ignores=[])
    found = S.nodes(tree)
    assert found == list(S.walk(tree))
    assert [type(n).__name__ for n in found] == [
        "Module", "Expr", "Return", "BinOp", "Name", "Add", "Constant"]
    assert list(S.walk_names(tree)) == [x]


def test_map_own_statements_reaches_every_block_of_its_own_scope_only():
    fdef = S.parse_function(textwrap.dedent("""
        def f(x):
            a += 1
            if x:
                a += 2
            else:
                for i in x:
                    a += 3
            try:
                a += 4
            except ValueError:
                a += 5
            finally:
                a += 6
            def g():
                a += 7
            return a
        """))

    def replace(stmt):
        if isinstance(stmt, S.AugAssign):
            new = S.Assign(targets=[S.store("a")], value=stmt.value, type_comment=None)
            return S.place_unplaced(new, stmt)
        return None
    fdef.body = S.map_own_statements(fdef.body, replace)
    text = ast.unparse(S.to_python_ast(fdef))
    assert [f"a = {k}" in text for k in range(1, 7)] == [True] * 6, text
    assert "a += 7" in text


def test_scope_nodes_meets_the_parameters_and_not_an_inner_scope():
    g = S.parse('''
def g(v, w=1.0, *rest, k, **kw):
    acc.append(v * w)
    def inner(q):
        hidden = q
    seen = lambda z: z + lost
    return k
''').body[0]
    names = {n.id for n in S.scope_nodes(g) if isinstance(n, gast.Name)}
    assert {"v", "w", "rest", "k", "kw", "acc", "seen"} <= names   # parameters, own body
    assert not names & {"q", "hidden", "z", "lost"}   # inner def's and lambda's
    assert S.scope_nodes is syntax_walks.scope_nodes
    own = {n.id for n in S.own_nodes(g) if isinstance(n, gast.Name)}
    assert "rest" not in own and "kw" not in own   # own_nodes: the body only


def test_block_holding_finds_the_list_a_statement_sits_in():
    fdef = S.parse_function("def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n"
                            "    return y\n")
    branch = fdef.body[0]
    assert S.block_holding(fdef, branch) is fdef.body
    assert S.block_holding(fdef, branch.orelse[0]) is branch.orelse
    with pytest.raises(AssertionError):
        S.block_holding(fdef, S.parse_function("def g():\n    pass\n").body[0])
