"""srcdiff/nonlocal_updates.py: a nested function updating a nonlocal name with an operator
(`calls += 1`, `acc += w * x[n] ** 2`) inside a recursive nested function differentiates,
both modes, to second order (it was refused: "updates its argument 'calls' in place", an
argument the user never wrote); the update rebinds the name where every value it holds is a
number or new and no read keeps it; any other update is left as written (an array another
name holds changes in place, as in Python)."""
import numpy as np
import pytest

from srcdiff import frontend, nonlocal_updates
from srcdiff import syntax as S

from gradcheck import check

X = np.array([0.3, -0.7, 1.1])


def counted_walk(x):
    acc = 0.0
    calls = 0

    def walk(n):
        nonlocal acc, calls
        calls += 1
        acc += x[n] * np.sin(x[n - 1])
        if n > 0:
            walk(n - 1)
    walk(len(x) - 1)
    return acc / calls


def walked_twice_in_a_loop(x):
    acc = 0.0

    def walk(n, w):
        nonlocal acc
        acc *= 0.5
        acc += w * x[n] ** 2
        if n > 0:
            walk(n - 1, w * x[n])
    for k in range(2):
        walk(len(x) - 1, 1.0 + k)
    return acc


def summed_rows(x):
    acc = 0.0

    def walk(n):
        nonlocal acc
        acc += np.outer(x, x)[n] * x[n]
        if n > 0:
            walk(n - 1)
    walk(len(x) - 1)
    return np.sum(acc * acc[0])


@pytest.mark.parametrize("f", [counted_walk, walked_twice_in_a_loop, summed_rows])
def test_a_recursive_nested_function_updating_a_nonlocal_name_to_second_order(f):
    check(f, X, wrt=0, order=2)


def test_the_update_rebinds_the_name():
    fdef = S.clone(frontend.get_source(counted_walk).node)
    assert sorted(nonlocal_updates.rebound_updates(fdef, True)) == ["acc", "calls"]
    text = S.spell(fdef)
    assert "calls = calls + 1" in text and "acc = acc + x[n] * np.sin(x[n - 1])" in text


def kept_by_a_list(x):
    acc = x * 0.0
    seen = []

    def add(v):
        nonlocal acc
        acc += v * x
    seen.append(acc)
    for v in x:
        add(v)
    return np.sum(seen[0] * x)


def bound_to_a_parameter(x, start):
    acc = start

    def add(v):
        nonlocal acc
        acc += v
    add(x[0])
    return acc


def read_as_itself(x):
    acc = 0.0
    other = 1.0

    def add(v):
        nonlocal acc
        acc += v
    add(x[0])
    kept = acc or other
    return kept


@pytest.mark.parametrize("f", [kept_by_a_list, bound_to_a_parameter, read_as_itself])
def test_a_name_whose_value_another_name_may_hold_is_left_as_written(f):
    fdef = S.clone(frontend.get_source(f).node)
    assert nonlocal_updates.rebound_updates(fdef, True) == []
    assert "acc += v" in S.spell(fdef)


def test_an_array_another_name_holds_is_refused_at_the_update_not_rebound():
    # (left as written: the list's array is acc's and changes with it in Python; rebinding
    # acc would part them, a wrong derivative)
    from gradcheck import refusal
    err = refusal(kept_by_a_list, (X,), "grad")
    assert "acc += v * x" in err.line, str(err)


def of_a_function_further_out_holding_a_parameter(x):
    acc = x

    def mid(v):
        def inner(w):
            nonlocal acc
            acc += w
        inner(v)
    mid(x[0])
    return np.sum(acc * x)


def test_an_update_of_a_name_further_out_is_left_as_written():
    # (acc holds x itself: inner's += changes x too, which rebinding would not; refused)
    from gradcheck import refusal
    err = refusal(of_a_function_further_out_holding_a_parameter, (X.copy(),), "grad")
    assert "acc += w" in err.line, str(err)
    fdef = S.clone(frontend.get_source(of_a_function_further_out_holding_a_parameter).node)
    mid = fdef.body[1]
    mid.body.insert(0, S.place_unplaced(S.Nonlocal(names=["acc"]), mid.body[0]))
    assert nonlocal_updates.rebound_updates(mid, False) == []


# === an array the function makes with NumPy, updated by op= in a nested function ===========
def accumulated_array(x):
    acc = np.zeros(3)

    def add(v):
        nonlocal acc
        acc += v * v
    add(x)
    add(np.sin(x))
    return np.sum(acc)


def accumulated_like(x):
    acc = np.ones_like(x)
    total = np.full(3, 0.5)

    def add(v, w):
        nonlocal acc, total
        acc *= v
        total -= np.tanh(v) * w
    for k in range(2):
        add(x + k, x[k])
    return np.dot(acc, total) + np.max(acc) + acc[1] * 2.0


@pytest.mark.parametrize("f", [accumulated_array, accumulated_like])
def test_an_array_made_with_numpy_updated_in_a_nested_function_to_second_order(f):
    """(was refused: "add updates its argument 'acc' in place", an argument the user never
    wrote: np.zeros(3) is a new array no other name holds, so acc += e is acc = acc + e)"""
    check(f, X.copy(), wrt=0, order=2)


def _lookup(name):
    return globals().get(name)


def test_a_numpy_array_update_rebinds_the_name():
    fdef = S.clone(frontend.get_source(accumulated_array).node)
    assert nonlocal_updates.rebound_updates(fdef, True, _lookup) == ["acc"]
    assert "acc = acc + v * v" in S.spell(fdef)
    # np meaning something else than NumPy (or nothing known): np.zeros is not known new
    fdef = S.clone(frontend.get_source(accumulated_array).node)
    assert nonlocal_updates.rebound_updates(fdef, True, lambda n: None) == []


def kept_by_asarray(x):
    acc = np.zeros(3)

    def add(v):
        nonlocal acc
        acc += v * v
    held = np.asarray(acc)
    add(x)
    return np.sum(held * x)


def kept_by_a_keyword_out(x):
    acc = np.zeros(3)
    out = np.zeros(3)

    def add(v):
        nonlocal acc
        acc += v * v
    add(x)
    np.sin(acc, out=out)
    return np.sum(out * acc)


@pytest.mark.parametrize("f", [kept_by_asarray, kept_by_a_keyword_out])
def test_a_numpy_array_another_name_may_hold_is_left_as_written(f):
    fdef = S.clone(frontend.get_source(f).node)
    assert nonlocal_updates.rebound_updates(fdef, True, _lookup) == []
    assert "acc += v * v" in S.spell(fdef)


def copied_parameter(x, start):
    acc = start.copy()

    def add(v):
        nonlocal acc
        acc -= v * x
    add(x[0])
    add(np.cos(x[1]))
    return np.sum(acc * acc)


def test_a_copy_of_a_parameter_updated_in_a_nested_function_to_second_order():
    check(copied_parameter, X.copy(), X[::-1].copy(), wrt=(0, 1), order=2)


def test_an_array_parameter_updated_as_a_nonlocal_is_refused_as_one():
    """(the refusal said "add updates its argument 'acc'": the user wrote no such argument;
    it names the variable of the function around, declared nonlocal, and the way out)"""
    from gradcheck import refusal
    err = refusal(bound_to_a_parameter, (X.copy(), X.copy()), "grad")
    text = str(err)
    assert "acc += v" in err.line and "argument" not in text.split("hint")[0], text
    assert "declared nonlocal" in text and "acc = acc + ..." in text, text
