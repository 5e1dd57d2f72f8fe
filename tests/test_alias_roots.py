"""srcdiff/alias_roots.py: the names whose arrays a name may hold (roots: copies, rows,
views, items of a list built here), with what functions of the user's given them may
return (may_share), and the names it may be the very same array as (same_as), read from a
lowered body's bindings alone."""
import numpy as np

from srcdiff import aliasing, analyze
from srcdiff.alias_roots import Roots
from srcdiff.transform import lower_function


def _helper(a, b):
    return a * b


def bound(x, y):
    a = x
    r = a[1]
    v = np.reshape(y, (2, 2))
    L = [a, v]
    h = _helper(r, y)
    z = h if x[0] > 0.0 else a
    t = np.tanh(x)
    return np.sum(z) + np.sum(t) + np.sum(L[0])


def _roots(monkeypatch):
    monkeypatch.setattr(aliasing, "check_writes", lambda *args: [])   # (no write here)
    return Roots(list(analyze.flatten(lower_function(bound).body)))


def test_what_each_name_may_hold(monkeypatch):
    tree = _roots(monkeypatch)
    assert {"x", "a"} <= tree.roots("r") and "y" not in tree.roots("r")
    assert "y" in tree.roots("v") and {"x", "y"} <= tree.roots("L")
    assert "t" not in tree.roots("x") and tree.roots("t") == {"t"}   # (a ufunc's result)
    # h may be r or y (what _helper was given), r being a row of x
    assert {"x", "y"} <= tree.may_share("h") and "x" not in tree.roots("h")


def test_the_names_a_name_may_be(monkeypatch):
    tree = _roots(monkeypatch)
    assert {"a", "x", "h", "r", "y"} <= tree.same_as("z")   # (a copy in each branch)
    assert "x" not in tree.same_as("t") and "x" not in tree.same_as("L")
    assert "L" in tree.displays and "t" not in tree.displays
