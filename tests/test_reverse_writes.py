"""srcdiff/reverse_writes.py: adjoints of in-place writes: `x[i] = v` (the overwritten
item's adjoint taken out, the value's added, unbroadcast to its shape), `lst.append(v)`
and `v = lst.pop()` (the list and its adjoint restored item by item).

Each program is checked against finite differences in both modes and to second order.
"""
import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(53)
X = rng.normal(size=5) * 0.8


def overwrites_an_item(x):
    y = x * 2.0
    y[1] = 3.0                        # x[1] reaches the output no more through y
    y[2] = y[3] * y[4]
    return np.sum(y * y)


def scalar_into_a_slice(x, s):
    y = x * 1.0
    y[1:4] = s * s                    # one value broadcast over three items
    return np.sum(np.sin(y) * x)


def rows_and_masks(m, v):
    a = m * 1.0
    a[0] = v                          # a row
    a[:, 1] = np.tanh(a[:, 2])        # a column
    a[a > 0.5] = 0.5                  # a mask
    a[1, 2] = v[0] * v[1]             # a tuple index
    return np.sum(a * a * m)


def test_item_writes():
    check(overwrites_an_item, X)
    check(scalar_into_a_slice, X, 0.6, wrt=(0, 1))
    check(rows_and_masks, rng.normal(size=(3, 3)), rng.normal(size=3), wrt=(0, 1))


def recurrence(x, w):
    y = x * 1.0
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * w + np.sin(y[i])
    return np.sum(y)


def list_and_dict_items(x):
    items = [x, x * 2.0, 1.0]
    items[2] = np.sum(x * x)
    items[0] = 0.5
    table = {"a": x}
    table["a"] = table["a"] * items[1]
    table["b"] = np.cos(x)
    return np.sum(items[1] * items[2] + items[0]) + np.sum(table["a"] * table["b"])


def test_writes_in_loops_and_into_lists_and_dicts():
    check(recurrence, X, 0.7, wrt=(0, 1))
    check(list_and_dict_items, X)


def appends(x):
    rows = []
    h = x
    for i in range(3):
        h = np.tanh(h * 0.9 + x)
        rows.append(h)
        rows.append(np.ones_like(h))  # an item that carries no derivative
    return np.sum(np.stack(rows) * np.arange(1.0, 7.0)[:, None])


def pops(x):
    stack = [x, x * x, np.sin(x)]
    total = 0.0
    while len(stack) > 1:
        top = stack.pop()
        total = total + np.sum(top * stack[-1])
    return total + np.sum(stack[0])


def test_appends_and_pops():
    check(appends, X)
    check(pops, X)


def drops_a_pop(x):
    stack = [x, x * 2.0]
    stack.pop()
    return np.sum(stack[0])


def test_a_pop_whose_value_is_dropped():
    """Lowering names the dropped value, so the list can be restored in reverse."""
    check(drops_a_pop, X)


def write_then_read_old_value(x):
    y = x * 1.0
    old = y[0] * 1.0
    y[0] = y[1] * old
    return np.sum(y) * old


@pytest.mark.parametrize("x", [X, -X])
def test_the_overwritten_item_is_read_before_the_write(x):
    check(write_then_read_old_value, x)
