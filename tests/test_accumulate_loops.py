"""srcdiff/accumulate_loops.py: `acc = list(itertools.accumulate(...))` taken by dict_idioms'
pass, called directly on a parsed def: the loop it becomes runs as the original does (with
and without f and initial), the bindings it cannot be sure of are left alone, and a quoted
template sits at the user's line. The corpus tests/test_issue13_containers.py checks the
derivatives."""
import ast
import builtins
import itertools
import operator
import textwrap

import numpy as np
import pytest

from srcdiff import syntax as S
from srcdiff.accumulate_loops import quote_at
from srcdiff.dict_idioms import rewrite

GLOBALS = {"itertools": itertools, "operator": operator,
           "accumulate": itertools.accumulate}
X = np.array([0.3, -0.7, 0.5, 1.1])


def _lookup(name):
    return GLOBALS[name] if name in GLOBALS else getattr(builtins, name, None)


def _run(fdef, x):
    module = ast.fix_missing_locations(ast.Module([S.to_python_ast(fdef)], []))
    namespace = dict(GLOBALS)
    exec(compile(module, "<rewritten>", "exec"), namespace)
    return namespace[fdef.name](x.copy())


@pytest.mark.parametrize("call", [
    "itertools.accumulate(x)", "accumulate(x, operator.mul)",
    "itertools.accumulate(x, initial=2.0)", "accumulate(x, lambda a, b: a * 0.5 + b)",
    "itertools.accumulate(x[1:], max, initial=x[0])"])
def test_the_loop_runs_as_the_original(call):
    fdef = S.parse_function(f"def f(x):\n    acc = list({call})\n    return acc\n")
    new = rewrite(fdef, _lookup)
    assert new is not fdef and not any(
        isinstance(n, S.Attribute) and n.attr == "accumulate" for n in S.walk(new))
    np.testing.assert_allclose(_run(new, X), _run(fdef, X))


@pytest.mark.parametrize("source", [
    "def f(x):\n    acc = x\n    acc = list(itertools.accumulate(acc))\n    return acc\n",
    "def f(x):\n    len = 3\n    acc = list(itertools.accumulate(x))\n    return acc\n",
    "def f(x):\n    acc = list(itertools.accumulate(*[x]))\n    return acc\n",
    "def f(x):\n    acc = tuple(itertools.accumulate(x))\n    return acc\n"])
def test_what_it_cannot_be_sure_of_is_left_alone(source):
    fdef = S.parse_function(source)
    assert rewrite(fdef, _lookup) is fdef


def test_a_quoted_template_sits_at_the_users_line():
    old = S.parse_function(textwrap.dedent("""
        def f(x):

            y = x
        """)).body[0]
    (stmt,) = quote_at("z = X + 1", old, X=S.load("x"))
    assert {n.lineno for n in S.walk(stmt) if isinstance(n, (S.stmt, S.expr))} == {old.lineno}
