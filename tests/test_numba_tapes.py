"""srcdiff/numba_tapes.py: the tapes the Numba kernel preallocates. A tape pushed once per
trip of a `for` over a range with no break or continue, and popped once per trip of the loop
running that range backwards, becomes an array (a list for arrays) of the loop's length,
written and read by trip number; every other tape stays a list. The derivatives compiled
either way agree with the NumPy path, whose own are checked against finite differences.
"""
import ast

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from numba_checks import needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_tapes


KERNEL = """\
tape = []
range_1 = range(3)
for t in range_1:
    tape.append(x)
    x = x * 2.0
    if x > 1.0:
        tape.append(z)
        z = x
for t in reversed(range_1):
    if z:
        z = tape.pop()
    x = tape.pop()
range_2 = range(2)
for u in range_2:
    tape.append(w)
    w = w + 1.0
    break
for u in reversed(range_2):
    w = tape.pop()
"""


def _pushes_and_pops(body):
    pushes, pops = {}, {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and \
                    getattr(n.value.func, "attr", None) == "append":
                pushes.setdefault("tape_" + n.value.args[0].id, []).append(n)
            elif isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and \
                    getattr(n.value.func, "attr", None) == "pop":
                pops.setdefault("tape_" + n.targets[0].id, []).append(n)
    return pushes, pops


def test_only_a_tape_pushed_once_per_trip_of_a_counted_loop_is_preallocated():
    body = ast.parse(KERNEL).body
    pushes, pops = _pushes_and_pops(body)
    chosen = numba_tapes.counted(body, pushes, pops)
    assert set(chosen) == {"tape_x"}   # z: pushed in a branch; w: a loop left by break
    loop, back = chosen["tape_x"]
    assert loop.iter.id == "range_1" and back.iter.args[0].id == "range_1"


def test_the_rewrite_counts_trips_and_indexes_the_tape():
    body = ast.parse(KERNEL).body
    lines = KERNEL.splitlines()
    pushes, pops = _pushes_and_pops(body)
    edits = {}
    pushed = {t: [(n, n.value.args[0].id, "") for n in v] for t, v in pushes.items()}
    popped = {t: [(n, n.targets[0].id) for n in v] for t, v in pops.items()}
    assert numba_tapes.preallocate(body, pushed, popped, lines, edits) == {"tape_x"}
    text = "\n".join(edits.get(k + 1, line) for k, line in enumerate(lines))
    assert "range_1_at = -1\nfor t in range_1:\n    range_1_at += 1" in text
    assert "    if range_1_at == 0:\n        tape_x = empty_tape(len(range_1), x)\n" \
           "    tape_x[range_1_at] = x" in text
    assert "range_1_back = len(range_1)\nfor t in reversed(range_1):\n" \
           "    range_1_back -= 1" in text
    assert "    x = tape_x[range_1_back]" in text and "z = tape.pop()" in text
    ast.parse(text)


def scalar_steps(x):
    acc = 0.0
    for i in range(50):
        x = np.sin(x) * x + 0.1
        acc = acc + x
    return acc


def rows_and_exits(m, w):
    h = m * 1.0
    total = 0.0
    for t in range(1, m.shape[0]):
        h[t] = np.tanh(h[t - 1] * w) + m[t]          # rows: a list of the loop's length
        total = total + np.sum(h[t])
    k = 0
    while k < 3:                                      # a while loop: its tapes stay lists
        total = total * 0.5 + np.sum(h[k])
        k = k + 1
    for t in range(m.shape[0]):
        if np.sum(m[t]) > 2.0:
            break                                     # left by break: lists
        total = total + np.sum(m[t] * w)
    return total


def cumulative(x):
    s = np.zeros_like(x)
    s[0] = x[0]
    for t in range(1, x.shape[0]):
        s[t] = s[t - 1] + x[t]
    return np.sum(s ** 2)


@needs_numba
@pytest.mark.parametrize("f, args, wrt", [
    (scalar_steps, (np.array(0.7),), 0),
    (rows_and_exits, (np.random.default_rng(3).normal(size=(5, 3)), np.array(0.8)), (0, 1)),
    (cumulative, (np.random.default_rng(4).normal(size=8),), 0),
    (cumulative, (np.random.default_rng(4).normal(size=1),), 0)],   # a loop of no trip
    ids=["scalar", "rows-while-break", "cumulative", "no-trip"])
def test_preallocated_tapes_give_the_numpy_paths_derivatives(f, args, wrt):
    want = check(f, *args, wrt=wrt, order=1)
    compiled = srcdiff.grad(f, wrt=wrt, jit=True)
    got = compiled(*args)
    for a, b in zip(got if isinstance(wrt, tuple) else (got,),
                    want if isinstance(wrt, tuple) else (want,)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    if f is not rows_and_exits:
        assert "empty_tape(len(range_1)" in compiled.source
