"""srcdiff/nonlocal_hoist.py: a call of a nested function rebinding nonlocal names made inside
an expression (`out = out + step(v)`, `out += np.sin(step(v))`, two calls in one
expression, one call's result passed to another) moves onto a line of its own and
differentiates in both modes (checked against finite differences); where the statement reads
what the call rebinds before it, under `and` or a conditional expression, or after a
subscript it does not move (nonlocal_writes refuses the statement, located)."""
import numpy as np
import pytest

from srcdiff import nonlocal_hoist
from srcdiff import syntax as S

from gradcheck import check

X = np.array([0.3, -0.7, 1.1])


def summed_in_a_loop(x):
    state = 1.0

    def step(v):
        nonlocal state
        state = state * 0.5 + v
        return state * state

    out = 0.0
    for v in x:
        out = out + step(v)
    return out + state


def augmented_under_a_call(x):
    state = 1.0

    def step(v):
        nonlocal state
        state = state * 0.5 + v
        return state * state

    out = 0.0
    for v in x:
        out += np.sin(step(v)) * 2.0
    return out + state


def two_calls_and_one_inside_another(x):
    state = 1.0

    def step(v):
        nonlocal state
        state = np.tanh(state + v)
        return state * v

    first = step(x[0]) + step(x[1])
    return first * (1.0 + step(step(x[2])))


@pytest.mark.parametrize("f", [summed_in_a_loop, augmented_under_a_call,
                               two_calls_and_one_inside_another])
def test_a_call_inside_an_expression_differentiates(f):
    check(f, X, order=1)


def test_a_call_inside_an_expression_to_second_order():
    check(summed_in_a_loop, X, order=2)


def _hoisted(text, names=("state",)):
    body = S.quote(text)
    taken = set()

    def fresh(base):
        taken.add(base if base not in taken else base + "_2")
        return base if len(taken) == 1 else base + "_2"
    writers = {"step": (None, list(names))}
    return [S.spell(s) for s in nonlocal_hoist.hoist_calls(body, writers, {"out", "a"}, fresh)]


@pytest.mark.parametrize("text", [
    "out = state + step(v)",            # reads state before step rebinds it
    "out = a[0] + step(v)",             # an item read before the call
    "out = a and step(v)",              # made only where a holds
    "out = step(v) if a else 0.0",      # a conditional expression
    "out = out + f(a) + step(v)",       # another call made before it
    "out = [step(v) for v in a]",       # a comprehension
])
def test_what_may_change_before_the_call_stays_as_written(text):
    assert _hoisted(text) == [text]


def test_the_moved_call_is_bound_first_in_the_order_python_makes_it():
    assert _hoisted("out = out + step(v)") == ["step_value = step(v)",
                                               "out = out + step_value"]
    assert _hoisted("out += numpy.sin(step(v))") == ["step_value = step(v)",
                                                     "out += numpy.sin(step_value)"]
