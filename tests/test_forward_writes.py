"""Forward mode through in-place writes (srcdiff/forward_writes.py): `x[i] = v` and
`lst.append(v)` write into a tangent made safe to change first, checked by finite
differences along a tangent.
"""
import numpy as np

from forward_checks import check_jvp
from srcdiff.forward_driver import forward_source

rng = np.random.default_rng(7)


# --- item writes and lists ---------------------------------------------------------------
def write_into_copy_of_input(x):
    y = x + 0.0          # its tangent is the caller's tangent itself
    y[0] = 3.0
    y[1] = y[2] * x[3]
    return y


def write_into_input_view(x, w):
    y = w * 1.0
    r = y[0]              # a view: writing r writes y, in the primal and the tangent
    r[1] = x[0] * x[1]
    return y * 2.0


def list_setitem(x):
    items = [x, x * 2.0, 1.0]
    items[2] = np.sum(x * x)
    items[0] = 0.5
    return items[1] * items[2] + items[0]


def recurrence(x):
    y = x * 1.0
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * 0.5 + np.sin(y[i])
    return y


def test_setitem():
    x = rng.normal(size=4)
    check_jvp(write_into_copy_of_input, (x,))
    # the caller's tangent is copied once, before the first write, never again
    assert forward_source(write_into_copy_of_input, ("x",)).text.count("copy_tangent") == 1
    check_jvp(recurrence, (x,))
    loop = forward_source(recurrence, ("x",)).text.split("for i in")[1]
    assert "copy_tangent" not in loop
    check_jvp(write_into_input_view, (x, rng.normal(size=(2, 3))), wrt=("x", "w"))
    check_jvp(write_into_input_view, (x, rng.normal(size=(2, 3))), wrt=("x",))
    check_jvp(list_setitem, (x,))


def rows_then_stack(x):
    rows = []
    h = x
    for i in range(4):
        h = np.tanh(h * 0.8 + x)
        rows.append(h)
        rows.append(np.ones_like(h))      # an element with no tangent
    return np.stack(rows)


def test_append_and_stack():
    check_jvp(rows_then_stack, (rng.normal(size=3),))


def writes_a_varied_value_into_a_constant(x):
    y = np.zeros(3)              # no tangent until the write
    y[0] = x[0] * x[1]
    y[2] = np.sin(x[2])
    table = {"k": 1.0}
    table["k"] = table["k"] * x[1]
    return y * table["k"]


def test_a_write_gives_a_constant_array_or_dict_its_tangent():
    check_jvp(writes_a_varied_value_into_a_constant, (rng.normal(size=3),))
    from gradcheck import check   # both modes and second order (forward over reverse)
    check(lambda x: np.sum(writes_a_varied_value_into_a_constant(x) ** 2), rng.normal(size=3))


# --- a list two names hold, popped from a tape (forward over reverse) ----------------------
def sorted_pops(x):
    lst = [x[0], x[1], x[2]]
    s = 0.0
    for _ in range(2):
        lst.sort()
        s = s + lst.pop() * x[0]
        lst.append(s * 0.5)
    return s


def test_a_list_popped_twice_from_the_tape_keeps_one_tangent():
    # the reverse pass restores `lst` and the sorted list from the tape: the same list under
    # two names; copying one's tangent before its append must not part it from the other's
    import srcdiff
    from gradcheck import check
    check(sorted_pops, np.array([0.3, -1.1, 0.8]), order=2)
    src = srcdiff.source(srcdiff.jvp(srcdiff.grad(sorted_pops)))
    assert "aliased_tangent(" in src
