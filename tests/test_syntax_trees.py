"""srcdiff/syntax_trees.py: the converters between the standard library's ast and gast (their
trees compared with gast's own converters on whole files in tests/test_syntax.py)."""
import ast

import gast

from srcdiff import syntax as S
from srcdiff import syntax_trees

TEXT = ("def f(a, /, b: int = 1, *c, d, e=2, **g):\n"
        "    try:\n        return a[1:2] + b\n    except E as err:\n        raise\n")


def test_syntax_hands_out_the_converters():
    assert S.ast_to_gast is syntax_trees.ast_to_gast
    assert S.to_python_ast is syntax_trees.to_python_ast


def test_ast_to_gast_gives_gasts_tree_with_positions():
    tree = ast.parse(TEXT)
    mine = syntax_trees.ast_to_gast(tree)
    assert gast.dump(mine) == gast.dump(gast.ast_to_gast(tree))
    ret = mine.body[0].body[0].body[0]
    assert (ret.lineno, ret.col_offset) == (3, 8)


def test_to_python_ast_round_trips():
    tree = gast.parse(TEXT)
    back = syntax_trees.to_python_ast(tree)
    assert isinstance(back, ast.Module)
    assert ast.unparse(back) == ast.unparse(gast.gast_to_ast(tree))
    assert back.body[0].body[0].lineno == 2


def test_to_python_ast_without_positions_gives_the_same_tree_unplaced():
    # emit.py converts without positions (astor reads none; its fallback, ast.unparse,
    # reads a def's line for type comments, given by ast.fix_missing_locations): the same nodes
    # and fields, the same text, and no position on any node (parameters included)
    tree = gast.parse(TEXT)
    bare = syntax_trees.to_python_ast(tree, positions=False)
    placed = syntax_trees.to_python_ast(tree)
    assert ast.dump(bare) == ast.dump(placed) == ast.dump(gast.gast_to_ast(tree))
    assert not any(hasattr(n, "lineno") for n in ast.walk(bare))
    assert ast.unparse(ast.fix_missing_locations(bare)) == ast.unparse(placed)
    assert placed.body[0].body[0].lineno == 2 and placed.body[0].args.args[0].lineno == 1
