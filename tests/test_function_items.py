"""function_items: the items of a display of functions computed where it is, bound to fresh
names just before it; what does not qualify is left alone. (The loops these displays feed,
checked against central differences: tests/test_function_loops.py.)"""
import numpy as np

from srcdiff import syntax as S
from srcdiff.function_items import hoisted, is_function, simple


class Layer:
    def __call__(self, t):
        return t


class _Facts(set):
    stored = frozenset({"x", "fs"})
    once = {}


RESOLVE = {"np": np, "Layer": Layer}.get


def _display(text):
    return S.parse_function(f"def f(x):\n    fs = {text}\n").body[0].value


def test_items_computed_here_are_bound_to_fresh_names_in_order():
    display = _display("[np.tanh, Layer(), x[0], lambda v: v]")
    taken = {"item_0"}
    made = hoisted(display, RESOLVE, _Facts(), taken)
    assert [m.targets[0].id for m in made] == ["item_1", "item_2", "item_3"]
    assert all(getattr(m, "sd_hoisted", False) for m in made)
    assert [type(e).__name__ for e in display.elts] == ["Attribute", "Name", "Name", "Name"]


def test_displays_that_do_not_qualify_are_left_alone():
    for text in ("[x[0], x[1]]", "[np.tanh, *x]", "[np.tanh, np.sin]"):
        assert hoisted(_display(text), RESOLVE, _Facts(), set()) == [], text
    # an object made here is hoisted wherever the display is (in a loop too), as is a number
    assert len(hoisted(_display("[np.tanh, Layer()]"), RESOLVE, _Facts(), set())) == 1
    assert len(hoisted(_display("[np.tanh, x[0]]"), RESOLVE, _Facts(), set())) == 1


def test_simple_items_and_functions():
    facts = _Facts()
    assert simple(_display("[np.tanh]").elts[0], RESOLVE, facts)
    assert not simple(_display("[x[0]]").elts[0], RESOLVE, facts)
    assert is_function(_display("[np.tanh]").elts[0], RESOLVE, facts)
    assert not is_function(_display("[Layer]").elts[0], RESOLVE, facts)   # a class



def _loop(body):
    src = "def f(x, s):\n    for g, c in zip(fs, (s, 0.5)):\n" + "".join(
        "        " + line + "\n" for line in body) + "    return x\n"
    fdef = S.parse_function(src)
    return fdef, fdef.body[0].body


def test_a_closure_called_in_the_trip_that_makes_it():
    from srcdiff.function_items import read_in_closure
    for body in (["lam = lambda u: -u * c", "x = x + 1.0"],            # never called
                 ["lam = lambda u: g(u) * c", "x = lam(x)"],
                 ["def h(u):", "    return u * c", "x = h(x) + h(x)"],
                 ["x = x * 2.0", "lam = lambda u: u"]):                  # reads no variable
        fdef, loop = _loop(body)
        assert not read_in_closure(fdef, loop, {"g", "c"}), body


def test_a_closure_that_may_run_in_another_trip():
    from srcdiff.function_items import read_in_closure
    for body in (["x = lam(x) if x is not None else x", "lam = lambda u: u * c"],  # last trip's
                 ["lam = lambda u: u * c", "keep = lam"],                 # escapes by name
                 ["lam = lambda u: u * c", "gen = (lam(v) for v in x)"],  # runs when consumed
                 ["x = apply(lambda u: u * c, x)"],                       # not bound by the body
                 ["lam = lambda u: u * c", "lam = lambda u: u"],
                 ["global lam", "lam = lambda u: u * c", "x = lam(x)"]):
        fdef, loop = _loop(body)
        assert read_in_closure(fdef, loop, {"g", "c"}), body
    fdef = S.parse_function("def f(x, s):\n    for g in fs:\n        lam = lambda u: g(u)\n"
                            "        x = lam(x)\n    return lam(x)\n")   # called after the loop
    assert read_in_closure(fdef, fdef.body[0].body, {"g"})
