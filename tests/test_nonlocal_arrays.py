"""srcdiff/nonlocal_arrays.py: a nested function writing items of an array of the function
around it (`buf[i] += v`, `M[i, 0] = v`) differentiates, both modes, to second order, where
the array is new (a NumPy constructor), bound once at the top level, and nothing else keeps
a part of it; an array another name holds (`keep = buf`), a view of it kept (`head =
buf[:2]`), a parameter's, or a writer passed as a value, is left as written (refused at the
write, located, as before)."""
import numpy as np
import pytest

from gradcheck import check, refusal
from hunt27_programs import nonlocal_array_closure

X = np.array([0.4, -0.7, 1.1])


def rows_written(x):
    M = np.zeros((3, 2))

    def put(i, v):
        M[i, 0] = v
        M[i, 1] += v ** 2
    for i in range(3):
        put(i, np.sin(x[i]))
    return np.sum(M @ np.array([1.0, -2.0])) + M.sum() * x[1]


def two_writers(x):
    acc = np.ones(3)

    def scale(i, c):
        acc[i] *= c

    def shift(i, c):
        acc[i] = acc[i] + c * x[i]
    for i in range(3):
        scale(i, x[i])
        shift(i, 0.5)
    return float(np.dot(acc, acc))


def read_between_writes(x):
    hist = np.zeros(4)

    def record(k, v):
        """Stores v at k."""
        hist[k] = v
    total = 0.0
    for k in range(3):
        record(k, x[k] * hist[k - 1] + x[k])
        total = total + hist[k] ** 2
    record(3, total)
    return hist


@pytest.mark.parametrize("f", [nonlocal_array_closure, rows_written, two_writers,
                               read_between_writes])
def test_a_closure_writing_items_of_a_new_array_differentiates(f):
    check(f, X.copy(), order=2)


def another_name_holds_it(x):
    buf = np.zeros(3)
    keep = buf

    def add(v, i):
        buf[i] += v
    for i in range(3):
        add(x[i] ** 2, i)
    return np.sum(keep * np.array([1.0, 2.0, 3.0]))


def a_view_of_it_kept(x):
    buf = np.zeros(3)
    head = buf[:2]

    def add(v, i):
        buf[i] = buf[i] + v
    for i in range(3):
        add(x[i] ** 2, i)
    return np.sum(head) * x[0]


def the_parameter_written(x):
    def add(v, i):
        x[i] += v
    add(1.0, 0)
    return np.sum(x ** 2)


def the_writer_passed_as_a_value(x):
    buf = np.zeros(3)

    def add(v, i):
        buf[i] += v
    fs = [add]
    for i in range(3):
        fs[0](x[i], i)
    return np.sum(buf ** 2)


def returned_as_a_view(x):
    buf = np.zeros(3)

    def add(v, i):
        buf[i] += v
    rows = [buf]
    for i in range(3):
        add(x[i], i)
    return np.sum(rows[0] ** 2)


@pytest.mark.parametrize("f,line", [
    (another_name_holds_it, "buf[i] += v"),
    (a_view_of_it_kept, "buf[i] = buf[i] + v"),
    (the_parameter_written, "x[i] += v"),
    (the_writer_passed_as_a_value, "buf[i] += v"),
    (returned_as_a_view, "buf[i] += v"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_array_something_else_may_hold_is_refused_at_the_write(f, line, mode):
    err = refusal(f, (X.copy(),), mode)
    assert err.filename.endswith("test_nonlocal_arrays.py") and line in str(err), str(err)
    assert "hint:" in str(err)
