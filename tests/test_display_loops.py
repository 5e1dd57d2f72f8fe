"""display_loops: `for r in [x, m]: r[-1] = v` writes into x and then m, which later reads
see; the loop is unrolled with each name in r's place, and the derivative is checked against
central differences in both modes to second order. Loops the rewrite leaves as written (a
named list read after the write, a break, a display name rebound in the body) stay refused
at the user's line."""
import numpy as np
import pytest

from srcdiff import syntax as S
from srcdiff.display_loops import rewrite
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])


def written_then_read(x, v):
    x = x * 1.0
    m = x * 2.0
    for r in [x, m]:
        r[-1] = v
    return np.sum(x * m) + np.sum(np.sin(m))


def tuple_updates(x, v):
    x = x * 1.0
    m = x * 2.0
    for r in (x, m):
        r[0] += v
        r[1:] *= v
    return np.sum(x * m)


def in_an_outer_loop(x, v):
    x = x * 1.0
    m = np.sin(x)
    for k in range(2):
        for r in [x, m]:
            r[k] = r[k] * v
    return np.sum(x * m)


def item_read_after(x, v):   # r is m after the loop
    x = x * 1.0
    m = x * 2.0
    for r in [x, m]:
        r[-1] = v
    return np.sum(x * m) + np.sum(r)


def same_name_twice(x, v):
    x = x * 1.0
    for r in [x, x]:
        r[0] = r[0] * v
    return np.sum(x ** 2)


@pytest.mark.parametrize("f", [written_then_read, tuple_updates, in_an_outer_loop,
                               item_read_after, same_name_twice])
def test_display_loop_writes(f):
    on_args(f, (X, 0.3), (0, 1))


# --- left as written: refused -------------------------------------------------------------
def named_list_read_after(x, v):
    x = x * 1.0
    m = x * 2.0
    rows = [x, m]
    for r in rows:
        r[-1] = v
    return np.sum(rows[0] * m)


def with_break(x, v):
    x = x * 1.0
    m = x * 2.0
    for r in [x, m]:
        r[-1] = v
        if v > 10.0:
            break
    return np.sum(x * m)


def display_name_rebound(x, v):
    x = x * 1.0
    m = x * 2.0
    for r in [x, m]:
        r[-1] = v
        x = x + 1.0
    return np.sum(x * m)


@pytest.mark.parametrize("f, match", [
    (named_list_read_after, "writing into r here would change rows too"),
    (with_break, r"writing into r here would change \[x, m\] too"),
    (display_name_rebound, r"writing into r here would change \[x, m\] too"),
])
def test_loops_left_as_written_refused(f, match):
    refused_in_both_modes(f, (X, 0.3), (0, 1), match)


# --- the rewrite itself ---------------------------------------------------------------------
def _fdef(text):
    return S.parse_function(text)


def test_unrolled_text():
    fdef = _fdef("def f(x, m, v):\n    for r in [x, m]:\n        r[0] = v * r[1]\n"
                 "    return r\n")
    got = "\n".join(S.spell(s) for s in rewrite(fdef).body)
    assert "x[0] = v * x[1]" in got and "m[0] = v * m[1]" in got and "r = m" in got
    assert "for" not in got


@pytest.mark.parametrize("text", [
    "def f(x, m, v):\n    for r in [x, m]:\n        s = r[0]\n    return s\n",   # no write
    "def f(x, m, v):\n    for r in [x, m * 2]:\n        r[0] = v\n    return x\n",  # not names
    "def f(x, m, v):\n    for r in [x, m]:\n        r[0] = v\n    else:\n        v = 1\n"
    "    return x\n",
    "def f(x, m, v):\n    for r in [x, m]:\n        r[0] = v\n        r = v\n    return x\n",
    "def f(x, m, v):\n    r = x\n    for r in [x, m]:\n        r[0] = v\n    return x\n",
    "def f(x, m, v):\n    g = lambda: r\n    for r in [x, m]:\n        r[0] = v\n"
    "    return g()\n",
    "def f(x, m, v):\n    for r in [x, m]:\n        r[0] = v\n        continue\n    return x\n",
])
def test_left_as_written(text):
    fdef = _fdef(text)
    assert rewrite(fdef) is fdef
