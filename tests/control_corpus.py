"""The control-flow corpus: loops and branches (branches taken each way, loops stopped at
different points), with the inputs that exercise them. tests/test_reverse_control.py checks
their gradients; test_forward*, test_higher_order, test_checkpointing and test_numba_backend
run the same programs through their own paths."""
import numpy as np

rng = np.random.default_rng(42)
VEC = rng.normal(size=4)
MAT = rng.normal(size=(3, 4))


# --- branches ---------------------------------------------------------------
def if_else(x):
    if np.sum(x) > 0:
        y = x * x
    else:
        y = -3.0 * x
    return np.sum(y)


def if_only(x):
    y = x * 2.0
    if np.sum(x) > 0:
        y = y * x
    return np.sum(y)


def elif_chain(x):
    s = np.sum(x)
    if s > 1:
        y = x * x
    elif s > -1:
        y = x * 3.0
    elif s > -3:
        y = x / 2.0
    else:
        y = x ** 3.0
    return np.sum(y)


def nested_if(x):
    y = x
    if np.sum(x) > 0:
        if np.max(x) > 1:
            y = x * x * x
        else:
            y = x * 5.0
    else:
        if np.min(x) < -1:
            y = -x * x
    return np.sum(y)


def conditional_expression(x):
    y = x * x if np.sum(x) > 0 else x * 4.0
    return np.sum(y)


def and_or_not(x):
    s = np.sum(x)
    if s > 0 and np.max(x) > 0.5 or not s < 5:
        y = x * x
    else:
        y = 2.0 * x
    return np.sum(y)


def or_value(x):
    # `or` returns one of its operands, whichever decides
    y = np.sum(x) * (np.sum(x) > 0) or np.sum(x * x)
    return y * 3.0


# --- for loops --------------------------------------------------------------
def for_range(x):
    y = x
    for i in range(3):
        y = y * x + i
    return np.sum(y)


def for_range_start_stop_step(x):
    s = 0.0
    for i in range(1, 9, 3):
        s = s + x * i
    return np.sum(s * s)


def for_negative_step(x):
    s = x
    for i in range(5, 0, -2):
        s = s * 0.5 + x / i
    return np.sum(s)


def for_range_from_shape(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * x[i]
    return s


def for_range_from_data(x):
    n = int(np.sum(np.abs(x)) * 2) + 1
    y = x
    for _ in range(n):
        y = y * 0.9
    return np.sum(y)


def for_rows(m):
    s = 0.0
    for row in m:
        s = s + np.sum(row * row)
    return s


def for_list(x):
    s = 0.0
    for c in [1.0, 2.0, -0.5]:
        s = s + c * x
    return np.sum(s * x)


def for_tuple_of_arrays(x):
    a = x * 2.0
    b = x * x
    s = 0.0
    for v in (a, b, x):
        s = s + v * v
    return np.sum(s)


def for_enumerate(m):
    s = 0.0
    for i, row in enumerate(m):
        s = s + row * (i + 1.0)
    return np.sum(s * s)


def for_enumerate_start(m):
    s = 0.0
    for i, row in enumerate(m, 2):
        s = s + row * i
    return np.sum(s)


def for_zip(x):
    a = x * 2.0
    s = 0.0
    for u, v in zip(a, x):
        s = s + u * v
    return s


def nested_loops(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            s = s + m[i, j] * m[i, j] * (i + j)
    return s


def nested_loops_carried(x):
    y = x
    for i in range(2):
        z = y
        for j in range(3):
            z = z * 0.5 + y * x
        y = z
    return np.sum(y)


def loop_then_loop(x):
    y = x
    for i in range(2):
        y = y * x
    for i in range(3):
        y = y + x * i
    return np.sum(y)


# --- while loops --------------------------------------------------------------
def while_norm(a):
    b = a * 2
    while np.sqrt(np.sum(b * b)) < 1000:
        b = b * 2
    if np.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


def while_counter(x):
    i = 0
    y = x
    while i < 4:
        y = y * x
        i = i + 1
    return np.sum(y)


def while_data(x):
    y = x
    while np.sum(y * y) < 50.0:
        y = y * 1.5 + 0.1
    return np.sum(y)


def nested_while_in_for(x):
    y = x
    for i in range(3):
        k = 0
        while k < i:
            y = y * 1.1
            k = k + 1
        y = y + x
    return np.sum(y)


# --- break, continue, return ---------------------------------------------------
def for_break(x):
    y = x
    for i in range(10):
        y = y * 1.5
        if np.sum(y) > 5.0:
            break
        y = y + x
    return np.sum(y)


def for_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + x * i
    return np.sum(s * x)


def while_break(x):
    y = x
    while True:
        y = y * 2.0
        if np.sum(np.abs(y)) > 20.0:
            break
    return np.sum(y)


def break_and_continue(x):
    s = 0.0
    for i in range(10):
        if i == 1:
            continue
        s = s + x * i
        if np.sum(s) > 6.0:
            break
    return np.sum(s * s)


def nested_break(m):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if j > i + 1:
                break
            s = s + m[i, j] * (j + 1.0)
    return s * s


def early_return(x):
    if np.sum(x) > 0:
        return np.sum(x * x)
    y = x * 3.0
    return np.sum(y)


def multiple_returns(x):
    s = np.sum(x)
    if s > 2:
        return s * s
    elif s > 0:
        return s * 3.0
    return -s


def return_in_loop(x):
    y = x
    for i in range(10):
        y = y * 1.3
        if np.sum(y) > 3.0:
            return np.sum(y * x)
    return np.sum(y)


def return_in_while(x):
    y = x
    while True:
        y = y * 2.0
        if np.sum(np.abs(y)) > 10:
            return np.sum(y * y)


# --- overwritten values and writes ------------------------------------------------
def overwrite_in_loop(x):
    t = x
    acc = 0.0
    for i in range(4):
        t = np.sin(t) * t * 0.5 + 0.1
        acc = acc + t
    return np.sum(acc)


def augmented(x):
    s = 0.0
    y = x * 1.0
    for i in range(3):
        s += np.sum(y)
        y *= x
        y -= 0.5
        y /= 1.5
    return s


def setitem_loop(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = x[i] * x[i] * (i + 1.0)
    return np.sum(y * y)


def slice_recurrence(x):
    y = x * 1.0
    y[1:] = y[1:] * y[:-1]
    return np.sum(y)


def setitem_overwrites(x):
    y = x * 2.0
    y[0] = 5.0
    y[1] = y[2] * y[3]
    return np.sum(y * x)


def setitem_augmented(x):
    y = np.zeros_like(x)
    for i in range(3):
        y[i % 2] += x[i] * x[i + 1]
    return np.sum(y * y)


def diffusion_steps(x):
    # a fresh copy written into each step, then rebound: not an alias when written
    u = x * 1.0
    for step in range(3):
        new = u.copy()
        new[1:-1] += 0.2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u = new
    return np.sum(u * u)


def sliding_window(x):
    # slices bounded by the loop variable, read and written
    out = np.zeros(x.shape[0] - 1)
    for i in range(out.shape[0]):
        out[i:i + 1] = np.sum(x[i:i + 2] * x[i:i + 2])
    return np.sum(np.tanh(out))


def return_before_branch_locals(x):
    # y is bound only on the paths that do not return early
    s = np.sum(x)
    if s > 2.0:
        return np.sum(x ** 2)
    elif s > 0.0:
        y = x * 3.0
    else:
        y = -x
    return np.sum(y * x)


def buffer_rebuilt_and_written(x):
    # a fresh buffer each step, written into, read only for its shape by the adjoint
    u = x.copy()
    for step in range(3):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + 0.3 * lap
        u[0] = u[1] * 0.5
    return np.sum(u * u)


def append_then_stack(x):
    rows = []
    h = x
    for i in range(3):
        h = h * 0.5 + x
        rows.append(h)
    return np.sum(np.stack(rows) ** 2)


def append_then_array(x):
    vals = []
    for i in range(x.shape[0]):
        vals.append(x[i] * x[i])
    return np.sum(np.array(vals) * x)


def comprehension_sum(x):
    return sum([x[i] * x[i] for i in range(x.shape[0])])


def list_build_and_index(x):
    items = [x, x * 2.0, x * x]
    return np.sum(items[2] * items[1] + items[0])


def tuple_unpack(x):
    a, b = x * 2.0, x * x
    a, b = b, a
    return np.sum(a * 3.0 + b)


def walrus(x):
    if (s := np.sum(x)) > 0:
        return s * s
    return s


def integer_loop_state(x):
    y = x
    k = 1
    for i in range(4):
        k = k * 2
        y = y + x * k
    return np.sum(y)


# --- issue 12: loops rebinding what they iterate over, loops inside loops, empty adjoints ---
def rebinds_its_sequence(x):
    """Python iterates over the array the loop started with, not the rebound name."""
    for r in x:
        x = x * r
    return np.sum(x)


def rebinds_its_sequence_nested(x):
    for i in range(2):
        for r in x:
            x = x * r
    return np.sum(x)


def rebinds_enumerated_and_zipped(x):
    y = x * 1.0
    for i, r in enumerate(y):
        y = y * r
        y += 0.5          # in place on the new y: the loop's array is not touched
    for r, s in zip(y, x):
        y = y * 0.5 + s
        x = x * 1.1
    return np.sum(y * x)


def rebinds_reversed_sequence(x):
    for r in reversed(x):
        x = x * r
    return np.sum(x)


def updates_its_sequence_in_place(x):
    """`y += r` changes the array the loop iterates over: later items see it."""
    y = x * 1.0
    for r in y:
        y += r
    return np.sum(y * y)


def break_of_inner_loop_in_branch(x):
    for i in range(2):
        if x[0] > 0:
            for r in x:
                if r > 0.5:
                    break
            x = x * 0.9
    return np.sum(x)


def continue_of_inner_loop_in_branch(x):
    for i in range(2):
        if x[0] > 0:
            for r in x:
                if r > 0.5:
                    continue
                x = x * r
            x = x * 0.9
    return np.sum(x)


def break_of_inner_while_in_branch(x):
    k = 0
    while k < 2:
        if x[1] > 0:
            j = 0
            while j < 3:
                j += 1
                if x[j] > 0.5:
                    break
                x = x * 1.1
            x = x * 0.9
        k += 1
    return np.sum(x)


def return_from_inner_loop(x):
    for i in range(3):
        for r in x:
            if r * i > 1.5:
                return np.sum(x * r)
            x = x * 1.1
    return np.sum(x)


def empty_adjoint_loop(x):
    v = x
    for i in range(3):
        v = v + 1.0
    return np.sum(v)


def empty_adjoint_while(x):
    v = x
    k = 0
    while k < 3:
        v = v + 1.0
        k = k + 1
    return np.sum(v)


def empty_adjoint_nested_loops(x):
    v = x
    for i in range(2):
        for j in range(2):
            v = v + 1.0
    return np.sum(v)


def empty_adjoint_branch(x):
    v = x * 2.0
    if x[0] > 0:
        v = v - 1.0
    return np.sum(v)


def empty_primal_branch(x):
    v = x * 2.0
    if x[0] > 0:
        pass
    elif x[1] > 0:
        v = v * 3.0
    else:
        pass
    return np.sum(v)


def reduces_to_0d_in_a_loop(x):
    """s.sum(axis=0) on the 0-d value of the last trip: NumPy returns it as it is."""
    s = x * x
    for i in range(3):
        s = s.sum(axis=0)
    return s


def reduces_until_0d(x):
    s = np.outer(x, x)
    while np.ndim(s) > 0:
        s = s.max(axis=-1) + s.sum(axis=0)
    for i in range(2):
        s = s.prod(axis=0) * 0.5
    return s


CORPUS = [
    if_else, if_only, elif_chain, nested_if, conditional_expression, and_or_not, or_value,
    for_range, for_range_start_stop_step, for_negative_step, for_range_from_shape,
    for_range_from_data, for_list, for_tuple_of_arrays, for_zip,
    nested_loops_carried, loop_then_loop, while_counter, while_data, nested_while_in_for,
    for_break, for_continue, while_break, break_and_continue, early_return,
    multiple_returns, return_in_loop, return_in_while, overwrite_in_loop, augmented,
    setitem_loop, slice_recurrence, setitem_overwrites, setitem_augmented,
    buffer_rebuilt_and_written, return_before_branch_locals, sliding_window, diffusion_steps,
    append_then_stack, append_then_array, comprehension_sum, list_build_and_index,
    tuple_unpack, walrus, integer_loop_state,
    rebinds_its_sequence, rebinds_its_sequence_nested, rebinds_enumerated_and_zipped,
    rebinds_reversed_sequence, updates_its_sequence_in_place, break_of_inner_loop_in_branch,
    continue_of_inner_loop_in_branch, break_of_inner_while_in_branch, return_from_inner_loop,
    empty_adjoint_loop, empty_adjoint_while, empty_adjoint_nested_loops, empty_adjoint_branch,
    empty_primal_branch, reduces_to_0d_in_a_loop, reduces_until_0d,
]
MATRIX_CORPUS = [for_rows, for_enumerate, for_enumerate_start, nested_loops, nested_break]

INPUTS = {
    "positive": np.array([0.9, 0.4, 1.3, 0.2]),
    "negative": np.array([-0.9, -0.4, -1.3, -0.2]),
    "mixed": VEC,
    "small": np.array([0.01, -0.02, 0.03, 0.015]),
}
