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


# --- item-write loops over a 1-D array of a known shape (shapes.py's facts): the adjoint of
# one item is taken inline (`d_item = d_y[t]; d_y[t] = 0.0`) and an item read's adjoint is
# added by add_item; every variant below is checked against finite differences

def linear_recurrence(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = a * y[t - 1] + x[t]
    return np.sum(y ** 2)


def stencil_sweep(u, c):
    u_new = u.copy()
    for i in range(1, u.shape[0] - 1):
        u_new[i] = u[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    return np.sum(u_new ** 2)


def counted_index(x):
    s = np.zeros_like(x)
    k = 0                                 # an int by induction: k = k + 1
    for t in range(x.shape[0]):
        s[k] = np.sin(x[t]) + (s[k - 1] if k > 0 else 0.0)
        k = k + 1
    return np.sum(s * s)


def with_exits(x, w):
    y = np.ones_like(x)
    for t in range(1, x.shape[0]):
        if x[t] > 1.2:
            break                         # the count depends on the data
        if x[t] < -1.0:
            continue
        y[t] = y[t - 1] * w + x[t]
    return np.sum(y * y)


def writes_in_branches(x, w):
    y = x * 1.0
    for t in range(1, x.shape[0]):
        if y[t - 1] > 0.0:
            y[t] = y[t - 1] * w
        else:
            y[t] = np.cos(y[t]) + w
    return np.sum(y * x)


def complex_items(x):
    y = np.zeros_like(x)
    for t in range(x.shape[0]):
        z = x[t] * (1.0 + 2.0j)          # an item read whose adjoint is complex
        y[t] = np.real(z * z) + np.imag(z)
    return np.sum(y * y)


def rows_of_a_matrix(m, w):
    h = m * 1.0
    for t in range(1, m.shape[0]):
        h[t] = np.tanh(h[t - 1] * w) + m[t]   # a row: take_and_zero, not the inline take
    return np.sum(h * h)


def through_an_alias(x, a):
    y = np.zeros_like(x)
    z = y                                  # the same array under another name
    for t in range(1, x.shape[0]):
        y[t] = a * z[t - 1] + x[t]
    return np.sum(z * x)


def indexed_parameter(x, a):
    y = np.zeros_like(x)
    for t in range(x.shape[0]):
        y[t] = a[()] * x[t]                # a indexed: its zero adjoint stays an array
    return np.sum(y * y)


A = np.array(0.8)
Y = rng.normal(size=7)


@pytest.mark.parametrize("f, args, wrt", [
    (linear_recurrence, (Y, A), (0, 1)), (stencil_sweep, (Y, np.array(0.1)), (0, 1)),
    (counted_index, (Y,), 0), (with_exits, (np.array([0.3, -1.5, 0.4, 0.9, 1.5, 0.2]), A), (0, 1)),
    (writes_in_branches, (Y, A), (0, 1)), (complex_items, (Y,), 0),
    (rows_of_a_matrix, (rng.normal(size=(4, 3)), A), (0, 1)),
    (through_an_alias, (Y, A), (0, 1)), (indexed_parameter, (Y, A), (0, 1))],
    ids=["recurrence", "stencil", "counted-index", "break-continue", "branches", "complex",
         "rows", "alias", "indexed-parameter"])
def test_item_write_loops_of_known_shapes(f, args, wrt):
    check(f, *args, wrt=wrt)


def test_a_known_item_is_taken_inline():
    import srcdiff
    g = srcdiff.grad(linear_recurrence, wrt=(0, 1))
    g(Y, A)
    text = srcdiff.source(g)
    assert "take_and_zero(" not in text and "scatter_add(" not in text, text
    assert "d_y[t] = 0.0" in text and "d_x = add_item(d_x, t," in text, text
    assert "d_a = 0.0" in text and "unbroadcast(" not in text and "shape_of(" not in text, text
    rows = srcdiff.grad(rows_of_a_matrix, wrt=(0, 1))
    rows(rng.normal(size=(4, 3)), A)
    assert "take_and_zero(" in srcdiff.source(rows)   # a row is a view: taken by the helper
