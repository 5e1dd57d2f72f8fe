"""srcdiff/field_updates.py: the in-place writes of an object's fields in srcdiff's copy of a
method: the fields a method writes in place (`in_place_fields`), and the rewriting of those
writes (`Updates`): an owned field's `self.w -= e` bound anew after Python's check, its item
written into a copy bound back; another field's `op=` checked where it runs. What the
rewritten methods compute is checked against finite differences in
tests/test_field_ownership.py and tests/test_state_methods.py (gradcheck.check)."""
import numpy as np

from gradcheck import check
from srcdiff import field_updates
from srcdiff import syntax as S
from srcdiff.emit import to_source


def _method(text):
    return S.quote(text)[0]


def test_in_place_fields_are_the_fields_written_in_place():
    tree = _method("def step(self, g, i):\n    self.w -= g\n    self.h[i] = g\n"
                   "    self.c[i] += 1.0\n    self.n = self.n + 1\n    g[0] = 1.0\n")
    assert field_updates.in_place_fields(tree) == {"w", "h", "c"}
    assert field_updates.in_place_fields(tree, items=True) == {"h", "c"}


def _rewritten(text, held):
    tree = _method(text)
    taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    field_updates.Updates("self", "f.py", held, taken).visit(tree)
    return to_source(tree)


def test_an_owned_fields_update_is_a_binding_after_pythons_check():
    text = _rewritten("def step(self, g):\n    self.w -= 0.1 * g\n", {"w": ""})
    assert "w_step = 0.1 * g" in text
    assert "check_update(self.w, w_step, '__isub__')" in text
    assert "self.w = self.w - w_step" in text


def test_an_owned_fields_item_is_written_into_a_copy_bound_back():
    text = _rewritten("def put(self, i, v):\n    self.w[i] = v * 2.0\n", {"w": ""})
    lines = [line.strip() for line in text.splitlines()]
    assert lines[1:] == ["w_item = v * 2.0", "w_new = self.w.copy()", "w_new[i] = w_item",
                         "self.w = w_new"]


def test_another_fields_update_is_checked_where_it_runs_and_its_items_left():
    text = _rewritten("def step(self, g, i):\n    self.w -= g\n    self.h[i] = g\n",
                      {"w": "`w0 = m.w`", "h": "`h0 = m.h`"})
    assert "check_field_number(self.w, 'self.w', 'f.py:2', '`w0 = m.w`')" in text
    assert "self.h[i] = g" in text


def test_an_item_whose_value_calls_a_method_of_the_object_is_left():
    text = _rewritten("def put(self, i):\n    self.w[i] = self.norm()\n", {"w": ""})
    assert "self.w[i] = self.norm()" in text


class Scaler:
    def __init__(self, w):
        self.w = np.asarray(w) * 1.0

    def scale(self, k):
        self.w *= k
        self.w[0] += k


def scaled(x):
    s = Scaler(x)
    s.scale(x[1])
    return np.sum(s.w ** 2)


def test_a_method_rewritten_differentiates():
    check(scaled, np.array([0.3, -0.4, 0.5]), order=2)
