"""srcdiff/object_lists.py: the items of a local list of objects grown only by its own
.append calls (read from the appended expressions), and the lists it leaves alone (given to
another function or name, extended); the programs that use them are checked against finite
differences in tests/test_objects.py and tests/test_fuzz_found.py."""
import builtins
import types

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.object_lists import appended_items


def _items(source):
    fdef = S.parse_function(source)
    bindings = {n.targets[0].id: n.value for n in S.walk(fdef) if isinstance(n, S.Assign)
                and isinstance(n.targets[0], S.Name)}
    lw = types.SimpleNamespace(fdef=fdef, _callee_object=lambda n: getattr(builtins, n.id, None))
    items = appended_items(lw, "layers", bindings)
    return None if items is None else [S.spell(e) for e in items]


def test_the_display_then_each_appended_expression():
    assert _items("def f(x):\n    layers = [A(1)]\n    for c in x:\n"
                  "        layers.append(B(c))\n    for l in layers:\n        x = l(x)\n"
                  "    return x + len(layers) + layers[0](x)\n") == ["A(1)", "B(c)"]


@pytest.mark.parametrize("use", ["g(layers)", "other = layers", "layers.extend([B(1)])",
                                 "layers.insert(0, B(1))", "layers.append(*more)"])
def test_a_list_other_code_may_grow_is_left_alone(use):
    assert _items(f"def f(x):\n    layers = []\n    layers.append(A(1))\n    {use}\n"
                  "    return x\n") is None


class Gain:
    def __init__(self, g):
        self.g = g

    def forward(self, t):
        return np.tanh(t * self.g)


def appended_then_indexed(x):
    layers = []
    for i in range(2):
        layers.append(Gain(x[i]))
    h = layers[1].forward(x) + layers[-1].forward(x[::-1])
    for layer in reversed(layers):
        h = layer.forward(h)
    return np.sum(h) * len(layers)


def test_items_of_an_appended_list_indexed_and_iterated():
    check(appended_then_indexed, np.array([0.5, -1.0, 0.5]))
