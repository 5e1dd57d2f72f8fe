"""Issue 13's false refusals of aliasing found in round h16 (the alias8 survey of seed 1620):
an alias or a list holding an array made in one arm of an `if` while the write into the
array is in the other arm, no loop around both (one run takes one arm: the other name never
holds the written array); a loop over a list or tuple display of new arrays, each written
(each iteration takes another array); `a * b` where b may be a list (lowered as
sequence_mul: a new value, as for arrays). Each program is checked with gradcheck.check
against central differences in reverse and forward mode to second order; next to each, the
neighbour where another name really reads the written array after, which stays refused."""
import dataclasses

import numpy as np

import srcdiff
from gradcheck import check
from issue13_cases import on_args, refused_in_both_modes
from srcdiff import stop_gradient

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def on_xy(f):
    on_args(f, (X, Y), (0, 1))


def refused(f, match, error=srcdiff.SrcdiffError):
    refused_in_both_modes(f, (X, Y), (0, 1), match, error)


def blend(a, b, w=0.5, act=np.tanh):
    return w * act(a) + (1.0 - w) * b


def relu(t):
    return np.maximum(t, 0.0)


# -- an alias made in one arm, the write in the other (seed 1620000007, habits) -----------
def stopped_alias_in_the_arm_not_taken(x, y):
    a = blend(x, b=y, act=relu)
    if np.sum(y) > 10.0:
        h = stop_gradient(a)
        a = a + np.sum(h)
    elif np.sum(x) > 0.0:
        a[[0, 2]] += 0.5 * np.tanh(y[:2])
    return np.sum(a * y)


def alias_in_the_arm_not_taken(x, y):
    a = blend(x, b=y, act=relu)
    if np.sum(y) > 10.0:
        h = a
        a = a + np.sum(h)
    elif np.sum(x) > 0.0:
        a[[0, 2]] += 0.5 * np.tanh(y[:2])
    return np.sum(a * y)


def alias_in_the_arm_taken(x, y):
    a = blend(x, b=y, act=relu)
    if np.sum(y) > 0.0:
        h = a
        total = np.sum(h * h)
    else:
        a[[0, 2]] += 0.5 * np.tanh(y[:2])
        total = np.sum(a * x)
    return total + np.sum(a * y)


def test_an_alias_made_in_the_other_arm_of_an_if_differentiates():
    on_xy(alias_in_the_arm_not_taken)
    on_xy(alias_in_the_arm_taken)


def test_a_stopped_alias_made_in_the_other_arm_of_an_if_differentiates():
    # (never gradchecked, as finite differences cannot see stop_gradient: its arm does not
    # run at X, Y, so both derivatives equal those of the same program with a plain alias)
    for make, extra in ((srcdiff.grad, ()), (srcdiff.jvp, (np.ones(4), np.ones(4)))):
        got = make(stopped_alias_in_the_arm_not_taken, wrt=(0, 1))(X.copy(), Y.copy(), *extra)
        want = make(alias_in_the_arm_not_taken, wrt=(0, 1))(X.copy(), Y.copy(), *extra)
        np.testing.assert_allclose(np.hstack(got), np.hstack(want), rtol=1e-12)


def alias_a_loop_carries_into_the_other_arm(x, y):
    a = blend(x, b=y, act=relu)
    h = y
    for k in range(2):
        if k == 0:
            h = a
        else:
            a[[0, 2]] += 0.5 * np.tanh(y[:2])
    return np.sum(h * y) + np.sum(a)


def test_an_alias_a_loop_carries_into_the_other_arm_stays_refused():
    # the first trip binds h = a, the second writes into a, and h is read after
    refused(alias_a_loop_carries_into_the_other_arm, "would also change h")


# -- a list built in one arm, the write in the other (seed 1620000007, control) -----------
def list_in_the_arm_not_taken(x, y):
    h = y
    while True:
        h = 0.5 * h + 0.1 * np.tanh(x) * h
        if np.sum(h * h) < 10.0:
            break
    if np.sum(y) > 10.0:
        s = np.sum(np.sin(np.stack([h, y - h, h])))
    else:
        s = 0.0
        for i in range(2):
            h[i] += 0.5 * np.tanh(x[i] * y[i])
    return s + np.sum(h * y)


def list_a_loop_carries_into_the_other_arm(x, y):
    h = y
    while True:
        h = 0.5 * h + 0.1 * np.tanh(x) * h
        if np.sum(h * h) < 10.0:
            break
    held = [y]
    for k in range(2):
        if k == 0:
            held = [h, y]
        else:
            h[1] += 0.5 * np.tanh(x[1])
    return np.sum(held[0] * y) + np.sum(h)


def test_a_list_built_in_the_other_arm_of_an_if_differentiates():
    on_xy(list_in_the_arm_not_taken)


def test_a_list_a_loop_carries_into_the_other_arm_stays_refused():
    refused(list_a_loop_carries_into_the_other_arm, "would also change")


# -- a loop over a display of new arrays, each written (seed 1620000010, objects) ---------
def rows_of_a_list_of_new_arrays(x, y):
    total = 0.0
    for r in [x / 2.4, np.where(x > 0.2, x, 0.0) * y]:
        r[2] = np.tanh(y[0])
        total = total + np.sum(r * r)
    return total


def rows_of_a_tuple_of_new_arrays(x, y):
    total = 0.0
    for r in (x * y, np.sin(x)):
        r[1:3] *= y[1:3]
        total = total + np.sum(r * x)
    return total


def test_a_loop_over_a_display_of_new_arrays_writing_each_differentiates():
    on_xy(rows_of_a_list_of_new_arrays)
    on_xy(rows_of_a_tuple_of_new_arrays)


def rows_of_one_array_twice(x, y):
    a = x * y
    total = 0.0
    for r in [a, a]:
        r[2] = r[2] * 2.0
        total = total + np.sum(r * r)
    return total


def rows_read_after_through_the_list(x, y):
    rows = [x * y, np.sin(x)]
    for r in rows:
        r[2] = np.tanh(y[0])
    return np.sum(rows[0] * rows[1])


def rows_one_named_and_read_in_the_loop(x, y):
    a = x * y
    total = 0.0
    for r in [a, np.sin(x)]:
        total = total + np.sum(a * r)
        r[0] = 1.0
    return total


def rows_one_named_and_read_after(x, y):
    a = x * y
    for r in [np.sin(x), a]:
        r[0] = 1.0
    return np.sum(a * y)


def test_a_loop_over_a_display_of_one_name_twice_is_written_out():
    # display_loops (session 22) writes `for r in [a, a]` out as two updates of a: exact
    check(rows_of_one_array_twice, X.copy(), Y.copy(), wrt=(0, 1), order=2)


def test_a_loop_over_a_display_whose_written_items_are_read_again_stays_refused():
    for f in (rows_one_named_and_read_in_the_loop, rows_one_named_and_read_after):
        refused(f, "the loop takes its rows")


def test_a_loop_over_a_list_display_of_new_arrays_read_after_differentiates():
    # refused before; loop_rows now takes a list display of new arrays, bound just before
    # the loop, as it takes a comprehension's (each row a copy stored back by its index)
    check(rows_read_after_through_the_list, X.copy(), Y.copy(), wrt=(0, 1), order=2)


# -- `a * b` with b a field that may be a list: sequence_mul, a new value (1620000004) ----
@dataclasses.dataclass
class Record:
    w: np.ndarray
    b: float

    def apply(self, t):
        return np.tanh(t * self.w) + self.b


def written_through_its_own_views(x, y):
    r = Record(w=x * x, b=np.sum(y))
    a = r.apply(y) * r.b
    k = 0
    while k < 3:
        k += 1
        if np.inner(x, a) > -100.0:
            a[1:] = a[1:] * np.tanh(a[:-1])
        else:
            x = np.arctan(x)
    return np.sum(a * a)


def a_view_of_the_product_read_after(x, y):
    r = Record(w=x * x, b=np.sum(y))
    a = r.apply(y) * r.b
    v = a[1:]
    a[1:] = a[1:] * np.tanh(a[:-1])
    return np.sum(v * y[1:])


def test_a_write_into_a_product_through_its_own_views_differentiates():
    on_xy(written_through_its_own_views)


def test_a_view_of_the_product_read_after_the_write_stays_refused():
    refused(a_view_of_the_product_read_after, "would also change v")


# -- an alias of x rebound before each write in a loop (seed 1621000034, objects) ---------
class Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, t):
        return self.act(self.w * t) + self.b

    def act(self, t):
        return np.sin(t)


def alias_rebound_before_each_write(x, y):
    layers = []
    for c in (x[0], y):
        layers.append(Dense(c, 0.1))
    h = x
    for layer in layers:
        h = layer.forward(h)
        if np.sum(y) > 10.0:
            y = y / 1.5
        else:
            h[1:] = h[1:] * np.tanh(h[:-1])
            h = h + 0.2 * np.tanh(y * h)
    return np.sum(h * x)


def alias_rebound_in_one_arm_only(x, y):
    h = x * 1.0
    g = h
    for k in range(2):
        if k == 1:
            h = np.tanh(h * y)
        h[1:] = h[1:] * np.tanh(h[:-1])
    return np.sum(g * y) + np.sum(h)


def test_an_alias_rebound_before_each_write_differentiates():
    on_xy(alias_rebound_before_each_write)


def test_an_alias_rebound_only_in_one_arm_before_the_write_stays_refused():
    # the first trip writes into h while g still holds the same array, read after
    refused(alias_rebound_in_one_arm_only, "would also change g")


# -- the written array read under its own name in a branch after the write, its name
# bound anew only before the write in each trip (seed 1620000001, users) -----------------
def star_sum(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def own_name_read_in_a_branch_after_the_write(x, y):
    k = 0
    total = 0.0
    while k < 2:
        k += 1
        u = x.copy()
        a = star_sum(np.fmax(y[0], -0.5), u, np.sin(y))
        u[0] = np.tanh(y[1])
        if float(a) > 10.0:
            total = total + np.sum(np.tanh(x))
        else:
            p = {"w": np.where(x < -1.0, u, 0.9) + 0.0, "b": a}
            total = total + np.sum(p["w"] * u) * p["b"]
    return total


def list_read_in_a_branch_after_the_write(x, y):
    k = 0
    total = 0.0
    while k < 2:
        k += 1
        u = x.copy()
        held = [u, y]
        u[0] = np.tanh(y[1])
        if np.sum(y) > 10.0:
            total = total + np.sum(np.tanh(x))
        else:
            total = total + np.sum(held[0] * y)
    return total


def test_the_written_array_read_under_its_own_name_in_a_branch_differentiates():
    on_xy(own_name_read_in_a_branch_after_the_write)


def test_a_list_holding_it_read_in_a_branch_after_the_write_stays_refused():
    refused(list_read_in_a_branch_after_the_write, "would also change held")


def rows_of_new_arrays_taken_again_by_an_outer_loop(x, y):
    rows = [x * y, np.sin(x)]
    total = 0.0
    for k in range(2):
        for r in rows:
            total = total + np.sum(r * r)
            r[0] = 1.0
    return total


def rows_of_a_display_built_in_each_outer_pass(x, y):
    total = 0.0
    for k in range(2):
        for r in [x * y, np.sin(x) * k]:
            total = total + np.sum(r * r)
            r[0] = 1.0
    return total


def test_rows_of_new_arrays_taken_again_by_an_outer_loop_stay_refused():
    refused(rows_of_new_arrays_taken_again_by_an_outer_loop, "the loop takes its rows")


def test_rows_of_a_display_built_in_each_outer_pass_differentiate():
    on_xy(rows_of_a_display_built_in_each_outer_pass)
