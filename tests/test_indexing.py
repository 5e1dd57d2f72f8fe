"""Reads by indexing, each checked against finite differences (first and second order)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_grad, check_hvp, check_jvp

rng = np.random.default_rng(5)
M = rng.normal(size=(4, 5))
V = rng.normal(size=6)
IDX = np.array([0, 2, 2, 3, 0])           # repeated indices must accumulate
MASK = np.array([True, False, True, True, False, True])

VECTOR_READS = {
    "integer": lambda v: v[2] * v[3] + v[0],
    "negative": lambda v: v[-1] * v[-2] * 3.0,
    "slice_step": lambda v: np.sum(v[1:5:2] * v[::3]),
    "reverse_slice": lambda v: np.sum(v[::-1] * v),
    "integer_array_repeats": lambda v: np.sum(v[IDX] ** 2),
    "integer_list": lambda v: np.sum(v[[1, 1, 4]] * 2.0),
    "boolean_mask": lambda v: np.sum(v[MASK] ** 3),
    "mask_from_data": lambda v: np.sum(v[v > 0] * v[v > 0]),
    "newaxis": lambda v: np.sum(v[:, None] * v[None, :]),
}
MATRIX_READS = {
    "column": lambda m: np.sum(m[:, 0] * m[:, 1]),
    "block": lambda m: np.sum(m[1:, 1:] ** 2),
    "tuple_of_ints": lambda m: m[1, 2] * m[3, 4] + m[-1, -1],
    "row_then_item": lambda m: m[2][3] * m[2][1],
    "ellipsis": lambda m: np.sum(m[..., 1] * m[..., -1]),
    "rows_by_array": lambda m: np.sum(m[IDX[:3]] * 2.0 + m[IDX[:3], 1:2]),
    "fancy_pairs": lambda m: np.sum(m[[0, 1, 1], [2, 3, 3]] ** 2),
}


@pytest.mark.parametrize("name", sorted(VECTOR_READS))
def test_vector_reads(name):
    check_grad(VECTOR_READS[name], V)


@pytest.mark.parametrize("name", sorted(MATRIX_READS))
def test_matrix_reads(name):
    check_grad(MATRIX_READS[name], M)


def reads_in_a_loop(m):
    s = 0.0
    for i in range(m.shape[0]):
        s = s + m[i, i % 3] * m[i, IDX[i]]
    return s


def test_reads_in_a_loop():
    check_grad(reads_in_a_loop, M)


def containers(x):
    pair = (x * 2.0, x * x)
    table = {"a": x, "b": pair[1]}
    items = [pair[0], table["b"], x[1:]]
    return np.sum(items[0] * items[1]) + np.sum(items[2]) * table["a"][0]


def test_reads_from_tuples_dicts_and_lists():
    check_grad(containers, V)


@pytest.mark.parametrize("name", ["integer_array_repeats", "boolean_mask", "slice_step"])
def test_second_order_through_indexing(name):
    f = VECTOR_READS[name]
    h = srcdiff.hessian(f)(V)
    g = srcdiff.grad(f)
    eps = 1e-5
    fd = np.stack([(g(V + e) - g(V - e)) / (2 * eps) for e in np.eye(6) * eps], axis=-1)
    np.testing.assert_allclose(h, fd, rtol=1e-5, atol=1e-6)


def fancy_write(x, idx):
    out = np.zeros(4)
    out[idx] += x * x
    return np.sum(out * np.arange(1.0, 5.0))


def fancy_write_by_loop(x, idx):
    out = np.zeros(4)
    for k in range(len(idx)):
        out[idx[k]] += x[k] * x[k]
    return np.sum(out * np.arange(1.0, 5.0))


def test_integer_array_writes():
    """x[idx] += v: unique indices differentiate; a repeated index is refused (NumPy does not
    say which write lands), and the loop the message suggests adds them up."""
    x = np.array([0.5, -1.0, 2.0])
    check_grad(fancy_write, x, np.array([3, 0, 1]))
    with pytest.raises(ValueError, match="more than once"):
        srcdiff.grad(fancy_write)(x, np.array([3, 0, 3]))
    check_grad(fancy_write_by_loop, x, np.array([3, 0, 3]))


def updates_then_aliases(x):
    x /= 2.0
    a = x
    return np.sum(a * a * a)


def writes_then_stores_in_a_list(x):
    y = x * 1.0
    y[0] = y[1] * y[2]
    items = [y, x]
    return np.sum(np.stack(items) ** 2)


def writes_then_aliases_in_a_loop(x):
    y = x * 1.0
    keep = y
    for i in range(2):
        y[0] = y[0] * 0.5
        keep = y
    return np.sum(keep * y)


@pytest.mark.parametrize("f", [updates_then_aliases, writes_then_stores_in_a_list])
def test_writes_made_before_an_alias_exists_are_fine(f):
    """Found by the random-program tester: x /= 2.0; a = x was refused ("writing into x here
    would also change a, an alias of it made on line ...") though the alias is made after
    the write; only writes that may run once the alias exists are refused now."""
    x = np.array([0.3, 0.6, -1.0])
    check_grad(f, x)
    check_jvp(f, x)
    check_hvp(f, x, vector=np.array([1.0, -0.5, 0.2]))


def test_a_write_in_a_loop_after_which_an_alias_is_made_is_followed():
    """The next iteration writes into the array the alias holds: keep = y is an exact
    alias, so keep's reads go through y (alias_groups.py)."""
    check(writes_then_aliases_in_a_loop, np.array([0.3, 0.6, -1.0]))


def masked_writes_in_a_loop_into_a_constant(x, A, c):
    B = A * 1.0
    for r in x:
        B[B > -0.3] = np.arctan(c)
    return np.sum(B * np.matmul(np.stack([x, x, x], axis=1), B))


def test_a_mask_written_through_in_a_loop_is_saved_for_restoring():
    """Found by the random-program tester: A[A > c] = v in a loop, A not differentiated but
    read by the adjoint: restoring A's items used the last iteration's mask for every
    iteration (ValueError, or A restored wrong); the mask is now saved per iteration."""
    x = np.array([-1.0, -0.65, 1.2])
    A = np.array([[0.6, 0.9, 0.7], [0.14, 0.55, 0.09], [-0.2, -0.31, 0.42]])
    f = masked_writes_in_a_loop_into_a_constant
    check_grad(f, x, A, -0.65)
    check_jvp(f, x, A, -0.65)
    check_hvp(f, x, A, -0.65, vector=np.array([0.3, 1.0, -0.6]))


def rows_read_then_constant_written(x, A, s):
    x = x - np.stack([row @ x for row in A])
    A[-1, 1] *= s
    return np.sum(x * x)


def loop_rows_read_then_constant_written(x, A, s):
    acc = 0.0
    for row in A:
        acc = acc + np.sum(np.sin(row * x))
    A[0, 0] = s
    return acc * np.sum(A)


@pytest.mark.parametrize("f", [rows_read_then_constant_written,
                               loop_rows_read_then_constant_written])
def test_a_write_into_an_array_whose_rows_the_adjoint_reads(f):
    """A is not differentiated, but the adjoint of `row @ x` reads rows of A (views): the
    write into A after them changed what the adjoint read (a silent wrong gradient, found by
    the random-program tester). The old item is now restored before the adjoint reads."""
    from gradcheck import check
    x = np.array([-0.5, 1.07, 0.08])
    A = np.array([[-0.2, -0.75, -0.19], [-0.65, -0.04, -0.24], [0.11, 0.27, 0.19]])
    check(f, x, A, 0.3)


def _grid_1d(x):
    g = np.mgrid[0:4]              # one slice, no tuple: shape (4,), not (1, 4)
    return np.sum(x * g.T)


def _grid_item(x):
    g = np.mgrid[0:4]
    return x[0] * g[2]


def _ogrid_1d(x):
    return np.sum(x * np.ogrid[1:9:2])


def _grid_one_item_tuple(x):
    g = np.mgrid[0:4, ]            # a one-item tuple key: shape (1, 4)
    return np.sum(x * g.T)


@pytest.mark.parametrize("f", [_grid_1d, _grid_item, _ogrid_1d, _grid_one_item_tuple])
def test_mgrid_and_ogrid_of_one_slice_keep_numpys_shape(f):
    # mgrid[0:4] was computed as mgrid[0:4,]: x * g.T broadcast to (4, 4) and the sum,
    # value and gradient, came out silently wrong (or g[2] raised IndexError)
    x = np.linspace(0.5, 2.0, 4)
    value, grad = srcdiff.value_and_grad(f)(x)
    assert value == pytest.approx(f(x))
    check_grad(f, x)
    check_jvp(f, x)
    check_hvp(f, x, vector=np.array([0.3, -1.0, 0.5, 2.0]))
