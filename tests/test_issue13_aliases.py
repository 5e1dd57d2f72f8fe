"""Issue 13's false refusals of aliasing found in round 1 (the alias4 list), each a small
program written the way users write it and checked with gradcheck.check against central
differences in reverse and forward mode, to second order: an alias made in one branch of an
if/elif and a write in another (after `a = sum(L)`), a write into the row of a temporary a
loop goes through (in an inner loop, and by a helper), a name rebound on the first trip of
`while True`, a write after a loop over an array's rows, an append into the list a starred
for target makes. Next to each, the program where a later read really sees the write, and
its located refusal."""
import numpy as np

import srcdiff
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def on_xy(f):
    on_args(f, (X, Y), (0, 1))


def refused(f, match, error=srcdiff.SrcdiffError):
    refused_in_both_modes(f, (X, Y), (0, 1), match, error)


# === a) an alias in an elif branch, a write in the else branch ==============================
def alias_in_elif_write_in_else(x, y):
    parts = [np.max(x) * y]
    for _ in range(3):
        parts.append(np.tanh(x))
    a = sum(parts)
    s = np.sum(y)
    if s > 10.0:
        t = a * 2.0
    elif s > 0.0:
        h = a
        while np.sum(h * h) > 0.05:
            h = 0.5 * h + 0.1 * np.tanh(np.maximum(x, a)) * h
        t = a + h
    else:
        a[1:] = a[1:] * np.tanh(a[:-1])
        t = a
    return np.sum(t * y)


def alias_in_elif_write_in_else_taken(x, y):
    return alias_in_elif_write_in_else(x, -y)


def alias_then_write_on_one_path(x, y):
    parts = [np.tanh(x), x * y]
    a = sum(parts)
    h = a
    a[1:] = a[1:] * np.tanh(a[:-1])
    return np.sum(h * y)


# === b) a write into a row of a temporary a loop goes through ================================
def row_of_temporary_written_in_inner_loop(x, y):
    A = np.outer(x[:3], y[:3])
    b = np.sin(x[:3])
    s = np.sum(y)
    total = np.minimum(s, 0.1)
    for r in np.matmul(A, A):
        total = total + np.sum(np.tanh(r)) * 0.25
        if np.sum(r) < -1.0:
            break
        A = np.arctan(np.cos(np.stack([b, r, b])))
        h = b
        k = 0
        while np.sum(h * h) > 0.1 and k < 3:
            k += 1
            h = 0.5 * h + 0.1 * np.tanh(r) * h
            r[::2] *= np.tanh(total - s)
    return np.sum(A * A) + total


def scale_first(r, c):
    r[0] *= c


def row_of_temporary_written_by_helper(x, y):
    A = np.outer(x[:3], y[:3])
    s = 0.0
    for r in A * A:
        s = s + np.sum(np.tanh(r))
        scale_first(r, np.cos(s))
        s = s + np.sum(np.sin(r))
    return s


def rows_of_named_array_written_then_read(x, y):
    M = np.outer(x[:3], y[:3])
    s = 0.0
    for r in M:
        k = 0
        while k < 2:
            k += 1
            r[::2] *= 0.5
        s = s + np.sum(r)
    return s + np.sum(M * M)   # (loop_rows.py: r a copy, stored back into M after each write)


def rows_of_named_array_written_then_read_through_a_name(x, y):
    M = np.outer(x[:3], y[:3])
    s = 0.0
    for r in M:
        k = 0
        while k < 2:
            k += 1
            r[::2] *= 0.5
        last = r
        s = s + np.sum(last)
    return s + np.sum(M * M)


def rows_written_by_helper_then_read(x, y):
    M = np.outer(x[:3], y[:3])
    s = 0.0
    for r in M:
        scale_first(r, 2.0)
        s = s + np.sum(r)
    return s + np.sum(M * M)


def rows_taken_again_by_an_outer_loop(x, y):
    M = np.outer(x[:3], y[:3])
    s = 0.0
    for _ in range(2):
        for r in M:   # (loop_rows.py: r a copy, stored back into M after each write)
            s = s + np.sum(np.sin(r))
            j = 0
            while j < 1:
                j += 1
                r[0] *= 2.0
    return s


def rows_of_a_list_taken_again_by_an_outer_loop(x, y):
    M = [x[:3] * 1.0, y[:3] * 1.0]
    s = 0.0
    for _ in range(2):
        for r in M:
            s = s + np.sum(np.sin(r))
            j = 0
            while j < 1:
                j += 1
                r[0] *= 2.0
    return s


# === c) rebound on the first trip of `while True` ===========================================
def rebound_on_first_trip(x, y):
    h = y
    k = 0
    while True:
        h = 0.5 * h + x
        k += 1
        if k > 3:
            break
    h[-1] -= x[0]
    return np.sum(h * h)


def maybe_not_rebound(x, y):
    w = y * 1.0
    h = w
    k = 0
    while True:
        if np.sum(x) > k:
            break
        h = 0.5 * h + x
        k += 1
    h[-1] -= x[0]
    return np.sum(h * h) + np.sum(w)


def rebound_each_trip_before_the_write(x, y):
    w = x * 1.0
    h = w
    k = 0
    while k < 2:
        k += 1
        h = 0.5 * h + 0.1 * np.tanh(h) * h
        if np.sum(h) < -5.0:
            break
        w[[0, 2]] += y[0]
    else:
        h = h * 0.5 + np.cos(w * w)
    return np.sum(h * y) + np.sum(w * w)


def rebound_in_a_branch_only(x, y):
    w = x * 1.0
    h = w
    k = 0
    while k < 2:
        k += 1
        if np.sum(y) > 100.0:
            h = 0.5 * h
        w[[0, 2]] += y[0]
    return np.sum(h * y) + np.sum(w * w)


def rebound_to_a_view_before_the_write(x, y):
    w = x * 1.0
    h = w
    k = 0
    while k < 2:
        k += 1
        h = h[::-1]
        w[[0, 2]] += y[0]
    return np.sum(h * y) + np.sum(w * w)


# === d) a write after a loop over an array's rows ===========================================
def write_after_loop_over_rows(x, y):
    A = np.outer(x[:3], y[:3])
    s = 0.0
    for row in A:
        s = s + np.sum(row * row)
        if s > 100.0:
            break
    A[1, 1] *= np.tanh(s)
    return s + np.sum(A * A)


def write_after_loop_then_row_read(x, y):
    A = np.outer(x[:3], y[:3])
    s = 0.0
    for row in A:
        s = s + np.sum(row * row)
    A[2, 1] *= np.tanh(s)
    return s + np.sum(A * A) + np.sum(row)


# === e) an append into the list a starred for target makes =================================
def append_to_starred_target(x, y):
    pairs = [[x[0], x[1], x[2]], [y[0], y[1], y[2]], [x[3], y[3], x[1]]]
    s = 0.0
    for *init, last in pairs:
        init.append(last * 2.0)
        s = s + init[0] * init[-1] + init[1]
    return s


def append_to_slice_of_item(x, y):
    pairs = [[x[0], x[1], x[2]], [y[0], y[1], y[2]]]
    s = 0.0
    for item in pairs:
        init = list(item)[:-1]
        last = item[-1]
        init.append(last)
        s = s + init[0] * init[-1]
    return s


def starred_list_kept_across_trips(x, y):
    pairs = [[x[0], x[1], x[2]], [y[0], y[1], y[2]]]
    s = 0.0
    prev = [x[3]]
    for *init, last in pairs:
        s = s + prev[-1] * last
        prev = init
        init.append(last)   # (an exact alias: alias_groups reads prev after it as init)
    return s


def starred_list_kept_across_trips_in_a_branch(x, y):
    pairs = [[x[0], x[1], x[2]], [y[0], y[1], y[2]]]
    s = 0.0
    prev = [x[3]]
    for *init, last in pairs:
        s = s + prev[-1] * last
        if last > 0.0:
            prev = init
        init.append(last)
    return s


class TestAliasInAnotherBranch:
    def test_alias_in_elif_write_in_else(self):
        on_xy(alias_in_elif_write_in_else)

    def test_write_taken(self):
        on_xy(alias_in_elif_write_in_else_taken)

    def test_alias_read_after_write_follows_the_write(self):
        # (refused until round h16: alias_flow now knows sum(parts), lowered to
        # sequence_add, makes a new value, so h = a is a must-alias whose read the
        # derivative follows, as for a = x * y)
        on_xy(alias_then_write_on_one_path)


class TestRowsOfTemporaries:
    def test_written_in_inner_loop(self):
        on_xy(row_of_temporary_written_in_inner_loop)

    def test_written_by_helper(self):
        on_xy(row_of_temporary_written_by_helper)

    def test_named_array_read_after(self):
        on_xy(rows_of_named_array_written_then_read)

    def test_named_array_read_after_through_a_name_refused(self):
        refused(rows_of_named_array_written_then_read_through_a_name, "would change M too")

    def test_rows_taken_again_by_an_outer_loop(self):
        on_xy(rows_taken_again_by_an_outer_loop)

    def test_rows_of_a_list_taken_again_by_an_outer_loop_refused(self):
        refused(rows_of_a_list_taken_again_by_an_outer_loop, "the loop takes its rows")

    def test_helper_named_array_read_after_refused(self):
        refused(rows_written_by_helper_then_read, "M")


class TestWhileTrue:
    def test_rebound_on_first_trip(self):
        on_xy(rebound_on_first_trip)

    def test_maybe_not_rebound_refused(self):
        refused(maybe_not_rebound, "w")


    def test_rebound_each_trip_before_the_write(self):
        on_xy(rebound_each_trip_before_the_write)

    def test_rebound_in_a_branch_only_refused(self):
        refused(rebound_in_a_branch_only, "would also change h")

    def test_rebound_to_a_view_refused(self):
        refused(rebound_to_a_view_before_the_write, "h")


class TestWriteAfterRows:
    def test_write_after_loop(self):
        on_xy(write_after_loop_over_rows)

    def test_row_read_after_refused(self):
        refused(write_after_loop_then_row_read, "row")


class TestStarredTargets:
    def test_append_to_starred_target(self):
        on_xy(append_to_starred_target)

    def test_append_to_slice_of_item(self):
        on_xy(append_to_slice_of_item)

    def test_list_kept_across_trips(self):
        on_xy(starred_list_kept_across_trips)

    def test_list_kept_across_trips_in_a_branch_refused(self):
        refused(starred_list_kept_across_trips_in_a_branch,
                "changing the list init here would change prev")
