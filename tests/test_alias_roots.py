"""srcdiff/alias_roots.py: the names whose arrays a name may hold (roots: copies, rows,
views, items of a list built here), with what functions of the user's given them may
return (may_share), and the names it may be the very same array as (same_as), read from a
lowered body's bindings alone."""
import numpy as np

from srcdiff import aliasing, analyze
from srcdiff import syntax as S
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


_STORED = '''
import numpy as np


def stored_in_a_dict(x):
    y = x * 1.0
    d = {}
    d["a"] = y
    t = d["a"]
    y[1] = 5.0 * x[2]
    return np.sum(t * np.arange(1.0, 5.0)) + np.sum(y)


def stored_in_a_list_slot(x):
    y = x * 1.0
    L = [x, x]
    L[1] = y
    y[2] = y[2] * x[0]
    return np.sum(L[1] * np.arange(1.0, 5.0))


def stored_by_update(x):
    y = x * 1.0
    d = {}
    d.update(a=y)
    y[1] = 5.0 * x[2]
    return np.sum(d["a"] * np.arange(1.0, 5.0))


def stored_by_setdefault(x):
    y = x * 1.0
    d = {}
    t = d.setdefault("a", y)
    y[1] = 5.0 * x[2]
    return np.sum(t * np.arange(1.0, 5.0))


def stored_then_read_before_the_write(x):
    y = x * 1.0
    d = {}
    d["a"] = y
    s = np.sum(d["a"] * x)
    y[1] = 5.0 * x[2]
    return s + np.sum(y * y)


def stored_into_an_array_row(x):
    A = np.zeros((2, 4))
    y = x * 2.0
    A[0] = y
    y[1] = 3.0 * x[0]
    return np.sum(A * A) + np.sum(y * x)
'''


def test_a_list_or_dict_slot_holding_an_array_written_after(tmp_path):
    """`d["a"] = y` (or `L[1] = y`, `d.update(a=y)`, `d.setdefault("a", y)`) stores y's array
    itself: a later write into y shows through d. These gradients were silently wrong (d's
    item taken as y's value at the store); now refused, located, naming the holder. A store
    into an array's row copies the values, and a holder read only before the write sees
    nothing: both still differentiate."""
    import pytest
    import srcdiff
    from gradcheck import check
    from user_modules import load
    m = load(tmp_path, "stored", _STORED)
    x = np.array([0.3, -0.5, 0.8, 0.1])
    for f in (m.stored_in_a_dict, m.stored_in_a_list_slot, m.stored_by_update,
              m.stored_by_setdefault):
        with pytest.raises(srcdiff.SrcdiffError, match=r"stored.py:[0-9]+: y is written into "
                           r"after being stored in (d|L) on line"):
            srcdiff.grad(f)(x.copy())
    check(m.stored_then_read_before_the_write, x, order=2)
    check(m.stored_into_an_array_row, x, order=2)


_GIVEN = '''
import numpy as np


class Layer:
    def __init__(self, w):
        self.w = w

    def copied(self):
        return self.w.copy()


class Grab:
    def __init__(self, w):
        self.w = w

    def copied(self):
        return self.w


def handed_back(x):
    y = x * 1.0
    layers = [Layer(y), Grab(y)]
    g = layers[1].copied()
    layer = Layer(y) if x[0] > 0.0 else Grab(y)
    h = layer.copied()
    t = np.tanh(y)
    return np.sum(g * x) + np.sum(h * x) + np.sum(t)
'''


def test_the_arguments_of_the_calls_a_result_came_from(tmp_path, monkeypatch):
    """given_to_calls: `g = layers[1].copied()` may hold what srcdiff's name for layers[1]
    holds; `h` came from a class dispatch (copied_1 = grab_1.copied() in each arm, then h =
    copied_1), whose objects are srcdiff's copies of the user's layer: layer. A ufunc's
    result came from no call of the user's."""
    from user_modules import load
    monkeypatch.setattr(aliasing, "check_writes", lambda *args: [])   # (no write here)
    m = load(tmp_path, "given", _GIVEN)
    low = lower_function(m.handed_back)
    tree = Roots(list(analyze.flatten(low.body)))
    users = {"x", "y", "layers", "g", "layer", "h", "t"}
    (item,) = tree.given_to_calls("g", users)
    assert item not in users and S.spell(tree.defs[item][0].value) == "layers[1]"
    assert tree.given_to_calls("h", users) == {"layer"}
    assert tree.given_to_calls("t", users) == set() == tree.given_to_calls("y", users)
