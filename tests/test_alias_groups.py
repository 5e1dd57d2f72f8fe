"""srcdiff/alias_groups.py: the rewrite of writes through an exact alias, called directly on
a parsed def. Where names surely hold one object, reads and writes go through one of them
and the others are bound to it after each write; the rewritten def runs as the original does
(Python's own result, on the same inputs); may-aliases, globals and closures are left alone,
and the user's tree is never changed. The derivatives are checked in
tests/test_issue13_writes.py."""
import ast
import textwrap

import numpy as np
import pytest

from srcdiff import alias_groups
from srcdiff import syntax as S
from rewritten import run_def


def _rewrite(source):
    """(the parsed def, the def rewrite gives, its text)."""
    fdef = S.parse_function(textwrap.dedent(source))
    new = alias_groups.rewrite(fdef)
    return fdef, new, ast.unparse(S.to_python_ast(new))


_run = run_def   # (tests/rewritten.py)


def _same_run(source, *args):
    """The rewritten def returns what the original returns (each on copies of the args)."""
    fdef, new, _ = _rewrite(source)
    copy = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    want = _run(fdef, *[np.array(a, copy=True) if isinstance(a, np.ndarray) else a
                        for a in args])
    got = _run(new, *copy)
    np.testing.assert_allclose(got, want)


STRAIGHT = """
def f(x, s):
    a1 = x
    a1[::2] *= s
    x = x * 2.0
    return np.sum(a1 * x)
"""

LOOP = """
def f(x, s):
    a = x
    for i in range(3):
        a[i + 1] = a[i] * s
        if s > 5.0:
            continue
    return np.sum(x)
"""

ONE_BRANCH = """
def f(x, s):
    a = x * 1.0
    if s > 0.0:
        a = x
    a[0] = s
    return np.sum(x * a)
"""

REBOUND_IN_LOOP = """
def f(x, s):
    a = x
    for r in x[:2]:
        a = a + r
    a[0] = s
    return np.sum(x * a)
"""

GLOBAL = """
def f(x, s):
    a = G
    a[0] = s
    return np.sum(x * G)
"""

CLOSURE = """
def f(x, s):
    a = x
    g = lambda t: np.sum(x * t)
    a[0] = s
    return g(a)
"""

BRANCHES = """
def f(x, s):
    a = x
    if s > 0.0:
        a[0] = s
    else:
        x[1] = s
        return np.sum(a)
    return np.sum(x * a)
"""

WHILE = """
def f(x, s):
    a = x
    k = 0
    while k < 3:
        a[k] *= s
        k += 1
        if k == 2:
            break
    return np.sum(x)
"""

CALL = """
def f(x, s):
    buf = x * 1.0
    out = buf
    np.copyto(out, x * s)
    buf = buf + 1.0
    return np.sum(out * buf)
"""


def test_a_write_through_an_alias_goes_through_the_first_name():
    fdef, new, text = _rewrite(STRAIGHT)
    assert new is not fdef
    assert "x[::2] *= s\n    a1 = x\n    x = x * 2.0" in text
    assert "a1[::2]" in ast.unparse(S.to_python_ast(fdef))   # the user's tree is left alone


def test_in_a_loop_the_reads_are_renamed_and_dead_rebindings_dropped():
    _, _, text = _rewrite(LOOP)
    assert "x[i + 1] = x[i] * s" in text
    assert text.count("a = x") == 1   # the user's own; a is read nowhere after


def test_both_branches_and_a_return():
    _, _, text = _rewrite(BRANCHES)
    assert "x[0] = s" in text and "return np.sum(x)" in text
    assert text.rstrip().endswith("return np.sum(x * x)")


def test_a_while_loop_with_a_break():
    _, _, text = _rewrite(WHILE)
    assert "x[k] *= s" in text


def test_a_call_for_its_effect_and_the_alias_read_after_a_rebinding():
    _, _, text = _rewrite(CALL)
    assert "np.copyto(buf, x * s)\n    out = buf\n    buf = buf + 1.0" in text


@pytest.mark.parametrize("source", [ONE_BRANCH, REBOUND_IN_LOOP, GLOBAL, CLOSURE])
def test_no_exact_alias_nothing_changes(source):
    fdef, new, _ = _rewrite(source)
    assert new is fdef


@pytest.mark.parametrize("source", [STRAIGHT, LOOP, BRANCHES, WHILE, CALL, ONE_BRANCH,
                                    REBOUND_IN_LOOP])
@pytest.mark.parametrize("s", [-0.7, 0.8])
def test_the_rewritten_def_runs_as_the_original(source, s):
    _same_run(source, np.array([0.4, 0.9, 1.3, 0.7]), s)


COMPREHENSIONS = """
def f(x, s):
    a = x
    g = (a[i] * s for i in range(2))
    ys = [a * t for t in range(2)]
    a[0] = s
    x = x * 2.0
    return np.sum(np.array(list(g))) + np.sum(ys[1]) + np.sum(a)
"""

SHADOWED = """
def f(x, s):
    a = x
    a[1] = s
    zs = [a * x for x in range(3)]
    return zs[2]
"""


def test_generator_expressions_and_shadowing_comprehensions_are_not_renamed():
    _, _, text = _rewrite(COMPREHENSIONS)
    assert "g = (a[i] * s for i in range(2))" in text   # read when list(g) runs
    assert "ys = [x * t for t in range(2)]" in text
    _same_run(COMPREHENSIONS, np.array([0.4, 0.9, 1.3, 0.7]), 0.8)
    _, _, text = _rewrite(SHADOWED)
    assert "x[1] = s" in text and "zs = [a * x for x in range(3)]" in text
    _same_run(SHADOWED, np.array([0.4, 0.9, 1.3, 0.7]), 0.8)


DELETE = """
def f(x, s):
    d = {"a": x, "b": s}
    e = d
    del e["a"]
    d = {"c": s}
    return len(e) + len(d)
"""


def test_a_delete_is_a_write():
    _, _, text = _rewrite(DELETE)
    assert "del d['a']\n    e = d\n    d = {'c': s}" in text
    _same_run(DELETE, np.array([0.4, 0.9]), 0.8)


SELF_ASSIGNED = """
def f(x, s):
    a = x
    for i in range(2):
        a = a
        a = x
    a[0] = s
    return np.sum(a * x)
"""


def test_a_name_bound_again_to_its_own_group_stays_in_it():
    _, _, text = _rewrite(SELF_ASSIGNED)
    assert "x[0] = s" in text and "np.sum(x * x)" in text
    _same_run(SELF_ASSIGNED, np.array([0.3, 0.5]), 0.7)


# -- groups_at_writes: the groups at each in-place write of a lowered body (reverse_tape
# binds a restored object's other names again; tests/test_reverse_tape.py checks the
# second derivatives it makes right)
def _lowered_groups(fn):
    from srcdiff.core import Kind
    from srcdiff.transform import lower_function
    low = lower_function(fn)
    groups = alias_groups.groups_at_writes(low.params, low.body)
    from srcdiff import analyze
    return [groups[id(s)] for s in analyze.flatten(low.body) if s.sd.kind == Kind.SETITEM]


def _exp_then_written(x):
    y = np.exp(x)
    for i in range(2):
        y = np.exp(y)
        y[1:] = y[1:] * 0.5
    return y


def _aliased_in_one_branch(x, c):
    y = np.exp(x)
    z = y if c else y * 2.0
    z[0] = 1.0
    return z


def test_groups_at_writes_are_the_must_aliases_there():
    [at_loop_write] = _lowered_groups(_exp_then_written)
    assert set(at_loop_write) == {"y"} and len(at_loop_write["y"]) == 1
    assert next(iter(at_loop_write["y"])).startswith("exp_")   # y = exp_2: one object
    [at_branch_write] = _lowered_groups(_aliased_in_one_branch)
    assert set(at_branch_write) == {"z"} and "y" not in at_branch_write["z"]   # may-alias
