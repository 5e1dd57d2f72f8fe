"""Issue 13's false refusals of aliasing found in round h14 (the alias5 list), each a small
program written the way users write it and checked with gradcheck.check against central
differences in reverse and forward mode, to second order: a write whose own right-hand side
takes views of the array, in a loop that also hands a dict to helpers built of dict
comprehensions (grad_like, update); an alias a loop rebinds before the write (a while loop,
a for loop over rows, a dict rebound by a helper); a ufunc's result of what a helper made
of a view. Next to each, the program where a later read really sees the write, and its
located refusal: at compile time, or (where only the run tells whether the loop rebound
the alias) at run time, when the run shows the sharing."""
import dataclasses

import numpy as np

import srcdiff
from gradcheck import check
from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, 0.9, 1.3, 0.7])
Y = np.array([-0.2, 0.6, 1.1, 0.5])


def on_xy(f):
    on_args(f, (X, Y), (0, 1))


def refused(f, match, error=srcdiff.SrcdiffError):
    refused_in_both_modes(f, (X, Y), (0, 1), match, error)


def grad_like(p, t):
    return {"w": np.tanh(p["w"] * t), "b": 0.5 * p["b"]}


def update(p, g, lr=0.1):
    return {k: p[k] - lr * g[k] for k in p}


def scaled_rows(p, scale):
    return [row * scale for row in p]


# === 1) a write whose right-hand side views the array, in a loop with dict helpers ==========
def shift_mix_in_loop(x, y):
    total = 0.0
    for r in (0.5, 1.5):
        P = {"w": x * y, "b": r}
        t = np.arctan(x + r * y)
        for _ in range(3):
            G = grad_like(P, t)
            P = update(P, G, lr=0.2)
        total = total + np.sum(np.tanh(P["w"])) * P["b"]
        t[1:] = t[1:] * np.tanh(t[:-1])
        total = total + np.sum(t * y)
    return total


def shift_mix_view_kept(x, y):
    total = 0.0
    for r in (0.5, 1.5):
        P = {"w": x * y, "b": r}
        t = np.arctan(x + r * y)
        head = t[:-1]
        for _ in range(2):
            P = update(P, grad_like(P, t), lr=0.2)
        t[1:] = t[1:] * np.tanh(t[:-1])
        total = total + np.sum(head * y[1:]) + np.sum(P["w"])
    return total


def test_dict_helpers_are_fresh_results():
    from srcdiff.alias_flow_fresh import fresh_result, returned_parameters
    assert fresh_result(grad_like) and fresh_result(update) and fresh_result(scaled_rows)
    assert returned_parameters(update) == {"p", "g", "lr"}


def test_view_in_the_writes_own_statement_in_a_loop():
    on_xy(shift_mix_in_loop)


def shift_mix_view_kept_in_a_list(x, y):
    total = 0.0
    for r in (0.5, 1.5):
        t = np.arctan(x + r * y)
        kept = [t[:-1]]
        t[1:] = t[1:] * np.tanh(t[:-1])
        total = total + np.sum(kept[0] * y[1:])
    return total


def test_view_kept_and_read_after_the_write_is_read_through_the_array():
    on_xy(shift_mix_view_kept)   # (view_writes.py: each read of head is t[:-1], taken anew)


def test_view_kept_in_a_list_and_read_after_the_write_stays_refused():
    refused(shift_mix_view_kept_in_a_list, "would also change")


# === 2) an alias a loop rebinds before the write ============================================
def alias_rebound_by_while(x, y):
    a = x
    k = 0
    while k < 3:
        k += 1
        a = 0.5 * a + np.tanh(y)
    x[::2] = np.sin(x[::2] * y[::2])
    return np.sum(a * x)


def alias_not_rebound_when_the_loop_does_not_run(x, y):
    a = x
    k = 5
    while k < 3:
        k += 1
        a = 0.5 * a + np.tanh(y)
    x[::2] = np.sin(x[::2] * y[::2])
    return np.sum(a * x)


def alias_never_rebound(x, y):
    a = x
    s = np.sum(a * y)
    x[::2] = np.sin(x[::2] * y[::2])
    return np.sum(a * x) + s


def test_alias_rebound_by_while_loop():
    on_xy(alias_rebound_by_while)


def test_alias_the_loop_left_alone_is_refused_when_it_runs():
    refused(alias_not_rebound_when_the_loop_does_not_run,
            "would also change a, which holds", srcdiff.RuntimeRefusal)


def test_alias_never_rebound_is_followed_as_the_same_array():
    # a = x is an exact alias: its reads go through x (alias_groups.py)
    check(alias_never_rebound, X.copy(), Y.copy(), wrt=0)


def written_alias_rebound_over_rows(x, y):
    h = np.tanh(x * y)
    a = h
    for row in np.outer(x, y):
        a = 0.5 * a + 0.25 * np.tanh(row)
    a[a > 0.5] = np.arctan(y[0])
    return np.sum(a * y) + np.sum(h * x)


def written_alias_over_no_rows(x, y):
    h = np.tanh(x * y)
    a = h
    for row in np.outer(x, y)[:0]:
        a = 0.5 * a + 0.25 * np.tanh(row)
    a[a > 0.5] = np.arctan(y[0])
    return np.sum(a * y) + np.sum(h * x)


def test_written_alias_rebound_by_for_loop():
    on_xy(written_alias_rebound_over_rows)


def test_written_alias_of_an_untaken_loop_is_refused_at_run_time():
    refused(written_alias_over_no_rows, "would also change h", srcdiff.RuntimeRefusal)


def dict_rebound_by_helper(x, y):
    for _ in range(2):
        P = {"w": x, "b": y[0]}
        for _ in range(2):
            P = update(P, grad_like(P, y), lr=0.2)
        x[[0, 2]] += np.sin(y[0]) * x[1]
        x = x + 0.2 * np.tanh(P["w"])
    return np.sum(x * y)


def dict_read_before_rebinding(x, y):
    P = {"w": x, "b": y[0]}
    x[[0, 2]] += np.sin(y[0]) * x[1]
    P = update(P, grad_like(P, y), lr=0.2)
    return np.sum(x * y) + np.sum(P["w"])


def test_dict_rebound_by_helper_in_loop():
    on_xy(dict_rebound_by_helper)


def test_dict_read_before_rebinding_stays_refused():
    refused(dict_read_before_rebinding, "would also change P")


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: float


def record_rebound_by_loop(x, y, n=2):
    L = Layer(x, 0.5)
    for _ in range(n):
        L = Layer(np.tanh(L.w * y), L.b * 0.9)
    x[1] = np.cos(y[1]) * x[0]
    return np.sum(L.w * x) + L.b


def record_left_alone(x, y):
    return record_rebound_by_loop(x, y, 0)


def test_record_rebound_by_loop():
    on_xy(record_rebound_by_loop)


def test_record_holding_the_array_is_refused_at_run_time():
    refused(record_left_alone, "would also change L", srcdiff.RuntimeRefusal)


# === 3) a ufunc's result is a new array, whatever it was made of =============================
def helper(m, s):
    scale = sum(v * v for v in (s, 1.0))   # (a generator: not followed by the proof)
    return m * scale if s > 100.0 else m


def ufunc_of_helper_of_view(x, y):
    a = np.sin(helper(x[::-1], y[0]))
    x += np.arctan(y)
    a = a + 0.2 * np.tanh(np.sum(x))
    return np.sum(a * a)


def helper_result_kept(x, y):
    a = helper(x[::-1], y[0])
    x += np.arctan(y)
    return np.sum(a * a) + np.sum(x)


def test_ufunc_of_what_a_helper_made_of_a_view():
    on_xy(ufunc_of_helper_of_view)


def test_helper_result_of_a_view_kept_stays_refused():
    refused(helper_result_kept, "would also change", srcdiff.SrcdiffError)


# === 4) a row a loop takes, bound anew before each read, and the array written after ========
def rows_then_update_in_outer_loop(x, y):
    M = np.outer(x, y)
    acc = 0.0
    for _ in range(3):
        for r in M:
            if np.sum(r) > 50.0:
                continue
            acc = acc * 0.5 + np.sum(np.sin(r))
        M *= 0.5 + 0.4 * np.arctan(M)
    return acc + np.sum(M)


def row_read_before_the_loop_takes_it_anew(x, y):
    M = np.outer(x, y)
    acc = 0.0
    r = M[0]
    for _ in range(3):
        acc = acc + np.sum(r * r)   # (the last row of the previous trip, written since)
        for r in M:
            acc = acc * 0.5 + np.sum(np.sin(r))
        M *= 0.5 + 0.4 * np.arctan(M)
    return acc + np.sum(M)


def test_row_taken_anew_in_each_trip_of_an_outer_loop():
    on_xy(rows_then_update_in_outer_loop)


def test_row_read_before_it_is_taken_anew_stays_refused():
    refused(row_read_before_the_loop_takes_it_anew, "would also change")


def stop_gradient_then_alias_in_other_branch(x, y):
    s = np.sum(y)
    if s > 100.0:
        x = srcdiff.stop_gradient(np.where(x > 0.0, x, -x))
        h = x
        t = np.sum(h * y)
    else:
        x[:2] = np.tanh(x + x * x)[2:]
        t = np.sum(x * y)
    return t + np.sum(x)


def stop_gradient_alias_read_after(x, y):
    h = srcdiff.stop_gradient(x)
    x[:2] = np.tanh(x + x * x)[2:]
    return np.sum(x * y) + np.sum(h * y)


def test_a_stopped_value_is_the_value_itself_no_unknown():
    on_xy(stop_gradient_then_alias_in_other_branch)
    refused(stop_gradient_alias_read_after, "would also change h")


def stopped_view_read_after(x, y):
    h = srcdiff.stop_gradient(x)[1:]
    x[:2] = np.tanh(x + x * x)[2:]
    return np.sum(x * y) + np.sum(h * y[1:])


def stopped_copy_returned_early(x, y):
    for r in y:
        if r > 100.0:
            return srcdiff.stop_gradient(x).copy()
    x[::2] *= np.arctan(y[::2])
    return x * y


def test_a_view_of_a_stopped_value_read_after_the_write_is_refused():
    refused(stopped_view_read_after, "would also change h")


def test_a_copy_of_a_stopped_value_sees_no_later_write():
    on_xy(stopped_copy_returned_early)
