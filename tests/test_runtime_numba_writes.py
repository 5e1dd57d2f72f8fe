"""srcdiff/runtime_numba_writes.py: the compiled helpers of item writes (`y[t] = v`, `y[t] += v`)
agree with the plain ones and never change what they are given; and the loops scientists
write item by item (a recurrence, a cumulative sum, a stencil, a heat step, a particle loop,
rows and cells of a matrix, with break, continue, an early return and a write in a branch)
compile with jit=True, giving the NumPy path's value and derivatives (which gradcheck checks
against finite differences) on float64 and float32 inputs, in grad, value_and_grad, vjp and
jvp; what Numba still cannot type is refused at the user's line.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from numba_checks import check_jit, needs_numba, own_cache  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_backend, runtime_numba_helpers as helpers


# --- the helpers, compiled ----------------------------------------------------------------
def _compiled(fn):
    from srcdiff import runtime_numba
    numba = runtime_numba.install()
    return numba.njit(fn)


@needs_numba
def test_a_saved_item_is_a_copy_a_number_or_a_row():
    from srcdiff.runtime_numba import saved_item

    def save(m, v, i):
        return saved_item(m, i), saved_item(v, i)

    m, v = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    row, item = _compiled(save)(m, v, 1)
    assert isinstance(item, float) and item == 1.0
    np.testing.assert_array_equal(row, m[1])
    row[0] = 99.0
    assert m[1, 0] == 3.0  # a copy, not a view of m


@needs_numba
@pytest.mark.parametrize("owned", [False, True])
def test_take_and_zero_takes_the_item_and_copies_a_buffer_not_owned(owned):
    from srcdiff.runtime_numba import take_and_zero

    def take(buffer, i, owned):
        return take_and_zero(buffer, i, owned=owned)

    buffer = np.array([[1.0, 2.0], [3.0, 4.0]])
    kept = buffer.copy()
    row, out = _compiled(take)(buffer, 1, owned)
    want_row, want_out = helpers.take_and_zero(kept.copy(), 1, owned)
    np.testing.assert_array_equal(row, want_row)
    np.testing.assert_array_equal(out, want_out)
    np.testing.assert_array_equal(buffer, want_out if owned else kept)
    out[0, 0] = 7.0
    assert row[0] == 3.0  # the taken row is a copy


@needs_numba
def test_add_item_adds_in_place_and_the_real_part_of_a_complex_adjoint():
    from srcdiff.runtime_numba import add_item

    def add(buffer, i, g, h):
        return add_item(add_item(buffer, i, g), i - 1, h)

    buffer = np.zeros(3)
    out = _compiled(add)(buffer, 2, 1.5, 2.0 + 5.0j)
    assert out is buffer or np.shares_memory(out, buffer)
    np.testing.assert_array_equal(buffer, [0.0, 2.0, 1.5])
    np.testing.assert_array_equal(buffer, helpers.add_item(np.zeros(3), 2, 1.5) +
                                  helpers.add_item(np.zeros(3), 1, 2.0))


@needs_numba
def test_an_index_set_in_a_branch_indexes():
    """Numba types an index set in a branch (None before) as an Optional integer, which it
    cannot index by: as_index gives the integer."""
    from srcdiff.runtime_numba import saved_item, scatter_add, take_and_zero

    def use(v, n):
        k = None
        for i in range(n):
            k = i
        taken, out = take_and_zero(v, k, owned=False)
        return saved_item(v, k), taken, scatter_add(out, v, k, 5.0, owned=True)

    v = np.array([1.0, 2.0, 3.0])
    item, taken, out = _compiled(use)(v, 2)
    assert item == 2.0 and taken == 2.0
    np.testing.assert_array_equal(out, [1.0, 5.0, 3.0])
    np.testing.assert_array_equal(v, [1.0, 2.0, 3.0])


@needs_numba
def test_the_arithmetic_of_plus_equals_is_the_plain_helpers():
    from srcdiff import runtime_numba as rn

    def ops(a, b, g):
        return (rn.sequence_add(a, b), rn.sequence_mul(a, b),
                rn.sequence_add_grad(g, a, b, 0), rn.sequence_add_grad(g, a, b, 1),
                rn.sequence_mul_grad(g, a, b, 0), rn.sequence_mul_grad(g, a, b, 1),
                rn.sequence_mul_tangent(g, a, b, a * b, 0),
                rn.sequence_mul_tangent(g, a, b, a * b, 1),
                rn.sequence_add_tangent(g, a, b, a + b, 1),
                rn.add_adjoints(a, g), rn.add_tangents(g, a))

    a, b, g = np.array([1.0, 2.0]), 3.0, np.array([0.5, -1.0])
    got = _compiled(ops)(a, b, g)
    want = ops(a, b, g)  # the plain helpers
    for x, y in zip(got, want):
        np.testing.assert_allclose(x, y)


@needs_numba
def test_a_write_into_an_array_another_name_sees_is_refused():
    from srcdiff.runtime_numba import check_not_shared

    def guard(value, holder):
        check_not_shared(value, holder, "r", "h", "w")
        return 1.0

    m = np.ones((3, 2))
    assert _compiled(guard)(m.copy(), m) == 1.0
    with pytest.raises(ValueError, match="^w: r; h$"):
        _compiled(guard)(m[1], m)
    with pytest.raises(ValueError):
        helpers.check_not_shared(m[1], m, "r", "h", "w")


# --- the programs ---------------------------------------------------------------------------
def recurrence(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = a * y[t - 1] + x[t]
    return np.sum(y ** 2)


def cumulative_sum(x):
    out = np.zeros_like(x)
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i]
        out[i] = s
    return np.sum(out * out)


def stencil(u):
    d = np.zeros_like(u)
    for i in range(1, u.shape[0] - 1):
        d[i] = u[i - 1] - 2.0 * u[i] + u[i + 1]
    return np.sum(d ** 2)


def heat_step(u, k):
    u = u.copy()
    for step in range(3):
        new = u.copy()
        for i in range(1, u.shape[0] - 1):
            new[i] = u[i] + k * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u = new
    return np.sum(u ** 2)


def particles(pos, vel):
    pos = pos.copy()
    dt = 0.1
    for s in range(3):
        for i in range(pos.shape[0]):
            pos[i] += dt * vel[i] * pos[i]
    return np.sum(pos ** 2)


def rows(m, w):
    out = np.zeros_like(m)
    for i in range(m.shape[0]):
        out[i] = np.tanh(m[i] * w)
    return np.sum(out ** 2)


def cells(m):
    out = m * 1.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            out[i, j] = out[i, j] * m[j, i] + 0.5
    return np.sum(out ** 2)


def with_break(x):
    y = x * 1.0
    for i in range(1, x.shape[0]):
        if y[i - 1] > 0.6:
            break
        y[i] = y[i - 1] * x[i] + y[i]
    return np.sum(y ** 2)


def with_continue(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        if i % 2 == 0:
            continue
        y[i] = np.exp(x[i]) * x[i - 1]
    return np.sum(y * x)


def early_return(x):
    y = x * 2.0
    for i in range(x.shape[0]):
        y[i] = y[i] * y[i]
        if y[i] > 1.5:
            return np.sum(y)
    return np.sum(y ** 3)


def write_in_a_branch(x, c):
    y = x * 1.0
    for i in range(x.shape[0]):
        if x[i] > 0.5:
            y[i] = c * y[i]
        else:
            y[i] = y[i] + c
    return np.sum(y ** 2)


def shifted_slices(x, a):
    y = x * 1.0
    for k in range(3):
        y[1:] = y[:-1] * a + y[1:]
    return np.sum(y ** 2)


def columns_then_rows(m, a):
    out = m * 1.0
    for j in range(m.shape[1]):
        out[:, j] = np.sin(out[:, j]) * a
    for i in range(m.shape[0]):
        out[i, :] = out[i, :] * out[i, 0]
    return np.sum(out ** 2)


def negative_indices(x):
    y = x * 1.0
    for k in range(3):
        y[-1] = y[-1] * y[0] + y[-2]
        y[k] = y[k - 1] * 0.5
    return np.sum(y ** 2)


def rows_and_cells(m, v):
    out = m * 1.0
    acc = v * 1.0
    for i in range(m.shape[0]):
        out[i] = out[i] * acc
        acc[i % v.shape[0]] = np.sum(out[i])
        out[i, i % m.shape[1]] = acc[0] * 2.0
    return np.sum(out ** 2) + np.sum(acc)


def _vector(n=7):
    return np.linspace(0.1, 1, n) ** 2 + 0.1 * np.sin(np.arange(float(n)))


def _matrix():
    v = _vector(4)
    return np.outer(v, v[::-1]) + np.eye(4)


PROGRAMS = [(recurrence, (_vector(), np.array(0.7)), (0, 1)),
            (cumulative_sum, (_vector(),), 0),
            (stencil, (_vector(),), 0),
            (heat_step, (_vector(), np.array(0.2)), (0, 1)),
            (particles, (_vector(), _vector()[::-1].copy()), (0, 1)),
            (rows, (_vector()[:6].reshape(3, 2), np.array(0.3)), (0, 1)),
            (cells, (_matrix(),), 0),
            (with_break, (_vector(),), 0),
            (with_continue, (_vector(),), 0),
            (early_return, (_vector(),), 0),
            (early_return, (_vector() * 0.5,), 0),   # no early return
            (write_in_a_branch, (_vector(), np.array(0.4)), (0, 1)),
            (shifted_slices, (_vector(), np.array(0.6)), (0, 1)),
            (columns_then_rows, (_matrix()[:3], np.array(0.7)), (0, 1)),
            (negative_indices, (_vector(),), 0),
            (rows_and_cells, (_matrix(), _vector(4)), (0, 1))]
IDS = [f"{f.__name__}-{k}" for k, (f, _, _) in enumerate(PROGRAMS)]


@pytest.mark.parametrize("f, args, wrt", PROGRAMS, ids=IDS)
def test_the_numpy_path_passes_gradcheck(f, args, wrt):
    """The reference the compiled path is held to: the NumPy path's derivatives, checked
    against finite differences (both modes, second order)."""
    check(f, *args, wrt=wrt)


@needs_numba
@pytest.mark.parametrize("f, args, wrt", PROGRAMS, ids=IDS)
def test_item_writes_compile_and_match_the_numpy_path(f, args, wrt):
    check_jit(f, *args, wrt=wrt)
    for make in (srcdiff.value_and_grad, srcdiff.grad):
        want = make(f, wrt=wrt)(*args)
        got = make(f, wrt=wrt, jit=True)(*args)
        for x, y in zip(_leaves(got), _leaves(want)):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)
    if any(p[1] is args for p in PROGRAMS[1::3]):   # (a compile of its own: seconds each)
        want = srcdiff.vjp(f, wrt=wrt)(*args, 1.3)
        got = srcdiff.vjp(f, wrt=wrt, jit=True)(*args, 1.3)
        for x, y in zip(_leaves(got), _leaves(want)):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    tangents = [np.cos(np.arange(np.size(args[p]), dtype=float)).reshape(np.shape(args[p]))
                for p in positions]
    want = srcdiff.jvp(f, wrt=wrt)(*args, *tangents)
    got = srcdiff.jvp(f, wrt=wrt, jit=True)(*args, *tangents)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    source = srcdiff.grad(f, wrt=wrt, jit=True).source   # a tape per value, never one tape
    assert ("= []" in source or "= empty_tape(len(" in source) and "tape = []" not in source


@needs_numba
@pytest.mark.parametrize("f, args, wrt", PROGRAMS[::3], ids=IDS[::3])
def test_item_writes_compile_on_float32(f, args, wrt):
    """float32 arrays: the compiled value, gradient (float32) and tangent are the NumPy
    path's, to float32's rounding (Numba's scalar arithmetic with a Python float runs in
    float64). A third of the programs (each compiles anew for float32: seconds of Numba's
    time each), rows, cells, slices and early returns among them."""
    args = tuple(np.asarray(a, np.float32) for a in args)
    want = srcdiff.value_and_grad(f, wrt=wrt)(*args)
    got = srcdiff.value_and_grad(f, wrt=wrt, jit=True)(*args)
    scale = max(np.max(np.abs(x)) for x in _leaves(want))
    for x, y in zip(_leaves(got), _leaves(want)):
        np.testing.assert_allclose(x, y, rtol=2e-5, atol=2e-6 * scale)
    for g, a in zip(_leaves(got[1]), args if isinstance(wrt, tuple) else args[:1]):
        assert np.asarray(g).dtype == np.float32 and np.shape(g) == np.shape(a)
    tangents = [np.ones_like(args[p]) for p in (wrt if isinstance(wrt, tuple) else (wrt,))]
    want = srcdiff.jvp(f, wrt=wrt)(*args, *tangents)
    got = srcdiff.jvp(f, wrt=wrt, jit=True)(*args, *tangents)
    scale = max(np.max(np.abs(x)) for x in _leaves(want))
    for x, y in zip(_leaves(got), _leaves(want)):
        np.testing.assert_allclose(x, y, rtol=2e-5, atol=2e-6 * scale)


def _leaves(value):
    if isinstance(value, tuple):
        return [x for v in value for x in _leaves(v)]
    return [value]


# --- index arrays and masks -------------------------------------------------------------------
def index_array_write(x, idx):
    y = x * 1.0
    for k in range(2):
        y[idx] = y[idx] * x[1]
    return np.sum(y ** 2)


@needs_numba
def test_an_index_array_write_differentiates_and_a_repeated_index_is_refused():
    """A write through a vector of integer positions compiles (it was refused: saved_item and
    take_and_zero took basic indices only); one hitting an element twice has no gradient, and
    is refused with the NumPy path's words, never a number."""
    x = _vector()
    idx = np.array([0, 2])
    np.testing.assert_allclose(srcdiff.grad(index_array_write, jit=True)(x, idx),
                               check(index_array_write, x, idx, order=1))
    repeated = np.array([0, 2, 0])
    with pytest.raises(srcdiff.SrcdiffError, match="more than once") as numpy_path:
        srcdiff.grad(index_array_write)(x, repeated)
    with pytest.raises(ValueError, match="more than once") as compiled:
        srcdiff.grad(index_array_write, jit=True)(x, repeated)
    assert "test_runtime_numba_writes.py" in str(compiled.value)
    assert "make the indices unique" in str(numpy_path.value)


def mask_write(x):
    y = x * 1.0
    for k in range(2):
        y[y > 0.0] = y[y > 0.0] * x[1]
    return np.sum(y ** 2)


@needs_numba
def test_a_mask_write_is_refused_at_its_line_and_auto_falls_back():
    x = _vector()
    with pytest.raises(numba_backend.NumbaUnsupported,
                       match=r"test_runtime_numba_writes.py:\d+") as info:
        srcdiff.grad(mask_write, jit=True)(x)
    assert "y[y > 0.0] = y[y > 0.0] * x[1]" in str(info.value)
    assert "an item write through an index it does not take" in str(info.value)
    with pytest.warns(UserWarning, match="jit='auto' runs the NumPy path"):
        got = srcdiff.grad(mask_write, jit="auto")(x)
    np.testing.assert_allclose(got, check(mask_write, x, order=1))


@needs_numba
def test_an_item_update_of_an_array_passes_the_check():
    from srcdiff.runtime_numba import check_item_update

    def update(m, v):
        check_item_update(m, v, "__iadd__", "r", "h", "w")
        return 1.0

    assert _compiled(update)(np.ones(3), 2.0) == 1.0
    with pytest.raises(ValueError):
        helpers.check_item_update([np.ones(2)], np.ones(2), "__iadd__", "r", "h", "w")


def writes_through_a_row(m, k):
    out = m * 1.0
    r = out[k]   # (a row taken by a constant index is followed: view_writes.py)
    for i in range(3):
        r[i] = r[i] * out[0, i] + out[1, i]
    return np.sum(out ** 2)


@needs_numba
def test_a_write_through_a_view_is_refused_as_on_the_numpy_path():
    """The NumPy path refuses a write into a row another name sees; the compiled check
    (address ranges) raises with the same words, never a number."""
    m = _matrix()[:3]
    with pytest.raises(srcdiff.SrcdiffError) as numpy_path:
        srcdiff.grad(writes_through_a_row)(m, 1)
    with pytest.raises(ValueError) as compiled:
        srcdiff.grad(writes_through_a_row, jit=True)(m, 1)
    assert "writing into r here would change out too" in str(compiled.value)
    assert "test_runtime_numba_writes.py" in str(compiled.value)
    assert "writing into r here would change out too" in str(numpy_path.value)
