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


# -- a list or tuple of functions passed to a helper (passed_display, item_facts): the helper
# is specialised on the functions, and its loop over them written out (function_loops)
import pytest   # noqa: E402

import srcdiff   # noqa: E402
from gradcheck import check, numerical_grad, refusal   # noqa: E402

X = np.array([0.31, 0.77, 1.13])


def cube(v):
    return v * v * v


def summed(x, fs):
    t = 0.0
    for f in fs:
        t = t + np.sum(f(x))
    return t


def chained(x, *fs, scale=1.0):
    for f in fs:
        x = scale * f(x) + 0.1 * x
    return [g(x) for g in fs]


def passes_a_list(x):
    act = np.tanh
    return summed(x, [np.sin, cube]) * summed(x * 2.0, (act, lambda v: v * 0.5))


def passes_a_closure(x):
    return summed(x * 2.0, (np.tanh, lambda v: v * x[0]))


def passes_args(x):
    ys = chained(x, np.tanh, cube, np.sin, scale=0.5)
    return np.sum(ys[0] * ys[2]) + np.sum(chained(x, np.cos)[0])


def first_by_index(x, fs):
    return np.sum(fs[0](x) * fs[-1](x))


def passes_for_an_index(x):
    return first_by_index(x, [np.sin, np.cos, cube]) + first_by_index(x, (cube,))


@pytest.mark.parametrize("f", [passes_a_list, passes_args, passes_for_an_index])
def test_functions_passed_in_a_display_against_central_differences(f):
    check(f, X.copy(), order=2)


def test_a_closure_passed_in_a_display_to_first_order():
    # the closure travels as a record of the values it reads (values.py); differentiating
    # the derivative again does not follow its call through the tuple's item yet
    check(passes_a_closure, X.copy(), order=1)


@pytest.mark.parametrize("fs", [(np.sin, cube), [np.tanh, np.sin, cube]])
def test_functions_passed_to_the_function_differentiated(fs):
    check(summed, X.copy(), fs, order=1)
    g = srcdiff.grad(summed)
    other = (cube,) if len(fs) > 1 else (np.sin, np.cos)
    g(X, fs)
    got = g(X, other)   # another list: compiled again for it, not the first one's loop
    want = numerical_grad(summed, (X, other), 0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def changes_its_list(x, fs):
    t = 0.0
    for f in fs:
        t = t + np.sum(f(x))
    fs = fs[1:]   # rebound: the loop is not written out over the items passed
    return t + len(fs)


def passes_a_list_changed(x):
    return changes_its_list(x, [np.sin, cube])


def passes_a_number_among_functions(x):
    return summed(x, [np.sin, 2.0])


@pytest.mark.parametrize("f", [passes_a_list_changed, passes_a_number_among_functions])
def test_a_list_srcdiff_cannot_follow_is_refused_at_its_line(f):
    err = refusal(f, (X,), "grad")
    assert "which function" in str(err), str(err)


# -- rows holding different functions passed in (`[(np.tanh, 0.5), (cube, 2.0)]`: values'
# `name[k][i]` facts, parameter_lists' rows): the loop is written out per row, the function
# specialised on the function objects passed
def soft(v):
    return v / (1.0 + v * v)


def through_rows(x, layers):
    for (fn, w) in layers:
        x = fn(x * w)
    return np.sum(x)


def through_rows_indexed(x, layers):
    for row in layers:
        x = row[0](x * row[1]) + 0.1 * x
    return np.sum(x * x) + np.sum(layers[-1][0](x))


ROWS = [[(np.tanh, 0.5), (np.sin, 2.0)], ((soft, 0.5), (cube, 0.7), (np.tanh, 1.5))]


@pytest.mark.parametrize("f", [through_rows, through_rows_indexed])
@pytest.mark.parametrize("layers", ROWS)
def test_rows_holding_different_functions_passed_in(f, layers):
    check(f, X.copy(), layers, wrt=0, order=2)


def test_rows_holding_other_functions_make_another_derivative():
    g = srcdiff.grad(through_rows)
    g(X, ROWS[0])
    for layers in ([(np.sin, 2.0), (np.tanh, 0.5)], ROWS[1], [(np.sin, 0.3)]):
        want = numerical_grad(through_rows, (X, layers), 0)
        np.testing.assert_allclose(g(X, layers), want, rtol=1e-5, atol=1e-6)


def test_rows_of_different_lengths_stay_refused_at_the_call():
    err = refusal(through_rows_indexed, (X, [(np.tanh, 0.5), (np.sin, 2.0, "note")]), "grad")
    assert "row[0](x * row[1])" in err.line
