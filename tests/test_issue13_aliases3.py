"""Issue 13's programs of round h22 (views22's list) that differentiate on main already, kept
so: a list srcdiff builds naming an array rebound after (`x = f(np.stack([x, x, x]))` then
`x[m] = v`), a view written while its base is read later (`w = y[1:]; w[0] = x[0]`), a
chain of a helper's results (`a1 = bump(a0); a2 = bump(a1); a2[0] = b`), an item of a
dict's copy updated in place where the original's item is not read after (`p =
dict(defaults); p["w"] *= 2`); each checked against central differences in both modes to
second order. Next to each, the program where a later read really sees the write, refused
at the user's line (at run time where only the values tell)."""
import numpy as np
import pytest

import srcdiff
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def bump(a):
    return a * 2.0


def same(a):
    return a


def stacked_then_written(x, v):
    x = np.tanh(np.stack([x, x, x]))
    m = x > 0.5
    x[m] = v
    return np.sum(x ** 2)


def stacked_list_kept(x, v):
    L = [x, x]
    x = np.tanh(np.stack(L))
    x[0, 1] = v
    return np.sum(x ** 2) + np.sum(L[0])


def bumped_chain(a0, b):
    a1 = bump(a0)
    a2 = bump(a1)
    a2[0] = b
    return np.sum(a2 * a1)


def bumped_in_loop(a0, b):
    a = bump(a0)
    for _ in range(3):
        a = bump(a)
        a[0] = a[0] * b
    return np.sum(a)


def dict_copy_updated(w, b):
    defaults = {"w": w, "b": b}
    p = dict(defaults)
    p["w"] *= 2
    return np.sum(p["w"] * p["b"])


@pytest.mark.parametrize("f", [stacked_then_written, stacked_list_kept, bumped_chain,
                               bumped_in_loop, dict_copy_updated])
def test_number_second(f):
    on_args(f, (X, 0.3), (0, 1))


def tail_view_written(x, y):
    y = y * 1.0
    w = y[1:]
    w[0] = x[0]
    return np.sum(y * x)


def strided_view_written(x, y):
    y = y * 1.0
    w = y[::2]
    w[1] = x[0] * w[0]
    return np.sum(y * x) + np.sum(w)


@pytest.mark.parametrize("f", [tail_view_written, strided_view_written])
def test_view_written_base_read(f):
    on_args(f, (X, Y), (0, 1))


# --- a later read sees the write: refused -------------------------------------------------
def same_chain(a0, b):   # a2 is a1 itself
    a1 = bump(a0)
    a2 = same(a1)
    a2[0] = b
    return np.sum(a2 * a1)


def dict_copy_original_read(w, b):   # defaults["w"] is p["w"], changed in place
    defaults = {"w": w * 1.0, "b": b}
    p = dict(defaults)
    p["w"] *= 2
    return np.sum(p["w"] * p["b"]) + np.sum(defaults["w"])


@pytest.mark.parametrize("f, match", [
    (same_chain, "writing into a2 here would change a1 too: a2 comes from a function of "
                 "yours, which may return a1 itself"),
    (dict_copy_original_read, r"p\['w'\] \*= \.\.\. changes the item p\['w'\] in place"),
])
def test_seen_writes_refused(f, match):
    refused_in_both_modes(f, (X, 0.3), (0, 1), match, srcdiff.RuntimeRefusal)


def row_written_base_read(x, y):   # w = y[1] is a row view of the 2-D y: only the run tells
    y = np.outer(x, y)
    w = y[1]
    w[:2] = x[:2] * 3.0
    return np.sum(y * y)


def test_row_view_written_refused_in_reverse():
    """Forward mode follows the write (w's tangent is a row of y's); reverse refuses it when
    the run shows w is a row view of y."""
    with pytest.raises(srcdiff.RuntimeRefusal, match="writing into w here would change y "
                       "too") as info:
        srcdiff.grad(row_written_base_read, wrt=(0, 1))(X.copy(), Y.copy())
    assert row_written_base_read.__code__.co_filename in str(info.value)
    on_args(row_written_base_read, (X, Y), (0, 1), modes=("fwd",))
