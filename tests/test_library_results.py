"""srcdiff/library_results.py: what a library call gives back, checked against NumPy itself
(np.shares_memory on the results), not against a list written twice."""
import numpy as np
import pytest

from srcdiff import library_results as L
from srcdiff import syntax as S


def _call(text):
    return S.parse_function(f"def f(y):\n    return {text}\n").body[0].value


@pytest.mark.parametrize("text,expr", [
    ("y.conj()", lambda y: y.conj()), ("y.conjugate()", lambda y: y.conjugate()),
    ("y.astype(float, copy=False)", lambda y: y.astype(float, copy=False))])
def test_a_method_giving_back_its_receiver_is_told(text, expr):
    y = np.array([0.3, 0.7])
    assert np.shares_memory(expr(y), y)          # what NumPy does for a real float array
    assert L.may_return_receiver(_call(text))
    assert not L.fresh_call(None, _call(text))


@pytest.mark.parametrize("text,expr", [
    ("y.astype(float)", lambda y: y.astype(float)), ("y.copy()", lambda y: y.copy()),
    ("y.astype(float, copy=True)", lambda y: y.astype(float, copy=True))])
def test_a_copying_method_is_not_its_receiver(text, expr):
    y = np.array([0.3, 0.7])
    assert not np.shares_memory(expr(y), y)
    assert not L.may_return_receiver(_call(text))


def test_ufuncs_and_copying_functions_give_new_arrays_views_do_not():
    y = np.array([[0.3, 0.7], [1.0, 2.0]])
    for func in (np.sin, np.conjugate, np.sum, np.concatenate):
        assert L.fresh_call(func) and L.numpy_array_call(func)
    assert not np.shares_memory(np.conjugate(y), y)
    for func in (np.reshape, np.transpose, np.ravel):
        assert func in L.VIEW_FUNCS and not L.fresh_call(func)
        assert np.shares_memory(func(y, -1) if func is np.reshape else func(y), y)
    assert L.keeps_nothing(np.sin) and L.plain_library_function(np.sum)
    assert not L.plain_library_function([].append)


@pytest.mark.parametrize("name,args", [("split", (2,)), ("array_split", (2,)),
                                       ("hsplit", (2,)), ("vsplit", (2,)), ("dsplit", (2,))])
def test_the_splits_give_views_of_their_array(name, args):
    y = np.arange(16.0).reshape(2, 2, 4) if name == "dsplit" else np.arange(16.0).reshape(4, 4)
    pieces = getattr(np, name)(y, *args)
    assert all(np.shares_memory(p, y) for p in pieces)   # NumPy's own answer
    assert getattr(np, name) in L.VIEW_FUNCS and not L.fresh_call(getattr(np, name))


_SPLIT_READ_AFTER_WRITE = '''
import numpy as np


def first_half_after_write(x):
    y = x * 1.0
    t = np.split(y, 2)[0]
    y[1] = 5.0 * x[2]
    return np.sum(t * np.array([1.0, 2.0]))


def pieces_read_after_write(x):
    y = x * 1.0
    a, b = np.array_split(y, 2)
    y[1] = 5.0 * x[2]
    return np.sum(a * b)


def pieces_read_before_the_write(x):
    y = x * 1.0
    a, b = np.split(y, 2)
    s = np.sum(a * b)
    y[1] = 5.0 * x[2]
    return s + np.sum(y * y)
'''


def test_a_piece_of_a_split_read_after_a_write_into_its_array(tmp_path):
    """`t = np.split(y, 2)[0]; y[1] = ...; read t`: t is a view of y and sees the write. The
    gradient was silently wrong (t taken as a new array): now refused, located; pieces read
    only before the write still differentiate."""
    import srcdiff
    from gradcheck import check
    from user_modules import load
    m = load(tmp_path, "split_reads", _SPLIT_READ_AFTER_WRITE)
    x = np.array([0.3, -0.5, 0.8, 0.1])
    for f in (m.first_half_after_write, m.pieces_read_after_write):
        with pytest.raises(srcdiff.SrcdiffError, match="split_reads.py:[0-9]+: writing "
                           "into y here would also change"):
            srcdiff.grad(f)(x.copy())
    check(m.pieces_read_before_the_write, x, order=2)


@pytest.mark.parametrize("text,expr,viewed", [
    ("numpy.einsum('ij->ji', y)", lambda y: np.einsum('ij->ji', y), "y"),
    ("numpy.einsum('ii->i', y)", lambda y: np.einsum('ii->i', y), "y"),
    ("numpy.einsum(y, [0, 1], [1, 0])", lambda y: np.einsum(y, [0, 1], [1, 0]), "y"),
    ("numpy.diff(y, 0)", lambda y: np.diff(y, 0), "y"),
    ("numpy.diff(y, n=0)", lambda y: np.diff(y, n=0), "y"),
    ("numpy.real_if_close(y)", lambda y: np.real_if_close(y), "y"),
    ("numpy.rollaxis(y, 1)", lambda y: np.rollaxis(y, 1), "y"),
    ("numpy.einsum('ij,jk->ik', y, z)", lambda y: np.einsum('ij,jk->ik', y, y.T.copy()), None),
    ("numpy.diff(y)", lambda y: np.diff(y), None), ("numpy.diff(y, 2)", lambda y: np.diff(y, 2),
                                                     None)])
def test_the_argument_a_result_may_view_is_named(text, expr, viewed):
    """viewed_argument names the argument whose memory NumPy's result shares (its own
    answer, np.shares_memory), and none where the result is new."""
    import numpy
    y = np.arange(1.0, 10.0).reshape(3, 3)
    assert np.shares_memory(expr(y), y) == (viewed is not None)
    call = _call(text)
    func = eval(S.spell(call.func), {"numpy": numpy})
    found = L.viewed_argument(func, call)
    assert (found.id if found is not None else None) == viewed
    assert L.fresh_call(func, call) == (viewed is None)


_MAY_VIEW_READ_AFTER_WRITE = '''
import numpy as np


def transposed_by_einsum(x):
    y = x.reshape(2, 2) * 1.0
    t = np.einsum("ij->ji", y)
    y[0, 1] = 5.0 * x[2]
    return np.sum(t * np.array([[1.0, 2.0], [3.0, 4.0]]))


def zeroth_difference(x):
    y = x * 1.0
    t = np.diff(y, 0)
    y[1] = 5.0 * x[2]
    return np.sum(t * np.arange(1.0, 5.0))


def real_if_close_of_a_real_array(x):
    y = x * 1.0
    t = np.real_if_close(y)
    y[1] = 5.0 * x[2]
    return np.sum(t * np.arange(1.0, 5.0))


def diagonal_of(m):
    return np.einsum("ii->i", m)


def through_a_helper(x):
    y = x.reshape(2, 2) * 1.0
    t = diagonal_of(y)
    y[1, 1] = 5.0 * x[2]
    return np.sum(t * np.array([1.0, 2.0]))


def einsum_of_two_operands(x):
    y = x.reshape(2, 2) * 1.0
    t = np.einsum("ij,jk->ik", y, y)
    y[0, 1] = 5.0 * x[2]
    return np.sum(t) + np.sum(y * y)
'''


def test_a_result_numpy_may_give_as_a_view_read_after_a_write(tmp_path):
    """`t = np.einsum('ij->ji', y)` (one operand), `np.diff(y, 0)`, `np.real_if_close(y)`
    give y's memory (or y): a later write into y shows in t. Their gradients were silently
    wrong (t taken as a new array); now refused, located. einsum of two operands is new."""
    import srcdiff
    from gradcheck import check
    from user_modules import load
    m = load(tmp_path, "may_view", _MAY_VIEW_READ_AFTER_WRITE)
    x = np.array([0.3, -0.5, 0.8, 0.1])
    for f in (m.transposed_by_einsum, m.zeroth_difference, m.real_if_close_of_a_real_array,
              m.through_a_helper):
        with pytest.raises(srcdiff.SrcdiffError, match="may_view.py:[0-9]+: writing into y "
                           "here would"):
            srcdiff.grad(f)(x.copy())
    check(m.einsum_of_two_operands, x, order=2)


@pytest.mark.parametrize("text,expr", [
    ("numpy.ascontiguousarray(y)", lambda y: np.ascontiguousarray(y)),
    ("numpy.asfortranarray(y)", lambda y: np.asfortranarray(y)),
    ("numpy.asarray_chkfinite(y)", lambda y: np.asarray_chkfinite(y)),
    ("numpy.require(y)", lambda y: np.require(y)),
    ("numpy.array(y, copy=False)", lambda y: np.array(y, copy=False)),
    ("numpy.array(y, copy=None)", lambda y: np.array(y, copy=None)),
    ("numpy.array(y, copy=None, ndmin=1)", lambda y: np.array(y, copy=None, ndmin=1)),
    ("numpy.lib.stride_tricks.sliding_window_view(y, 2)",
     lambda y: np.lib.stride_tricks.sliding_window_view(y, 2)),
    ("numpy.lib.stride_tricks.as_strided(y, (2,), (8,))",
     lambda y: np.lib.stride_tricks.as_strided(y, (2,), (8,))),
    ("numpy.nan_to_num(y, copy=False)", lambda y: np.nan_to_num(y, copy=False)),
    ("numpy.nan_to_num(y, False)", lambda y: np.nan_to_num(y, False)),
    ("numpy.trim_zeros(y)", lambda y: np.trim_zeros(y)),
    ("numpy.polyint(y, 0)", lambda y: np.polyint(y, 0)),
    ("numpy.polyint(y, m=0)", lambda y: np.polyint(y, m=0)),
    ("numpy.unstack(y)", lambda y: np.unstack(y.reshape(1, 3))[0]),   # (its rows)
    ("numpy.broadcast_arrays(y)", lambda y: np.broadcast_arrays(y)[0]),
    ("numpy.frombuffer(y)", lambda y: np.frombuffer(y)),
    ("numpy.linalg.matrix_transpose(y)", lambda y: np.linalg.matrix_transpose(y[None])),
    ("numpy.linalg.diagonal(y)", lambda y: np.linalg.diagonal(y[None]))])
def test_a_function_giving_back_its_argument_under_some_arguments_is_told(text, expr):
    """NumPy's conversions give back the array itself where it already is what they ask
    (contiguous, Fortran order, finite, `copy=False`/`None`), and the stride tricks give
    views: viewed_argument names it (was taken as a new array: silently wrong gradients)."""
    import numpy
    y = np.array([0.3, 0.7, 1.1])
    assert np.shares_memory(expr(y), y)
    call = _call(text)
    func = eval(S.spell(call.func), {"numpy": numpy})
    found = L.viewed_argument(func, call)
    assert found is not None and found.id == "y"
    assert not L.fresh_call(func, call)


def test_an_array_copied_on_request_is_new():
    import numpy
    y = np.array([0.3, 0.7, 1.1])
    for text, expr in (("numpy.array(y)", np.array), ("numpy.array(y, copy=True)",
                                                      lambda y: np.array(y, copy=True)),
                       ("numpy.nan_to_num(y)", np.nan_to_num),
                       ("numpy.nan_to_num(y, True)", lambda y: np.nan_to_num(y, True)),
                       ("numpy.polyint(y, 1)", lambda y: np.polyint(y, 1))):
        assert not np.shares_memory(expr(y), y)
        call = _call(text)
        func = eval(S.spell(call.func), {"numpy": numpy})
        assert L.viewed_argument(func, call) is None


_GIVEN_BACK_THEN_WRITTEN = '''
import numpy as np


def contiguous_doubled(x):
    y = np.ascontiguousarray(x * 1.0)
    z = np.ascontiguousarray(y)
    z *= 2.0
    return np.sum(y * y)


def fortran_written(x):
    y = x * 1.0
    z = np.asfortranarray(y)
    z[0] = 1.0
    return np.sum(y * x)


def array_without_copy(x):
    y = x * 1.0
    z = np.array(y, copy=None)
    z[0] = 1.0
    return np.sum(y * x)


def array_copy_false(x):
    y = x * 1.0
    z = np.array(y, copy=False, ndmin=1)
    z[1] = 2.0 * x[0]
    return np.sum(y * x)


def window_written(x):
    y = x * 1.0
    w = np.lib.stride_tricks.sliding_window_view(y, 2, writeable=True)
    w[0, 0] = 1.0
    return np.sum(y * x)


def zeros_trimmed(x):
    y = x * 1.0
    z = np.trim_zeros(y)
    z[0] = 2.0 * x[1]
    return np.sum(y * x)


def nan_to_num_in_place(x):
    y = x * 1.0
    z = np.nan_to_num(y, copy=False)
    z[0] = 2.0 * x[1]
    return np.sum(y * x)


def linalg_transposed(x):
    a = np.outer(x, x)
    b = np.linalg.matrix_transpose(a)
    b[0, 1] = 0.0
    return np.sum(a * x)


def integrated_zero_times(x):
    y = x * 1.0
    z = np.polyint(y, 0)
    z[0] = 2.0 * x[1]
    return np.sum(y * x)


def array_copied(x):
    y = x * 1.0
    z = np.array(y)
    z[0] = 1.0
    return np.sum(y * x) + np.sum(z * z)
'''


def test_an_array_given_back_by_a_conversion_then_written(tmp_path):
    """`z = np.ascontiguousarray(y)` (or asfortranarray, np.array(y, copy=None|False),
    sliding_window_view(..., writeable=True), np.trim_zeros, np.nan_to_num(y, copy=False),
    np.linalg.matrix_transpose, np.polyint(y, 0)) is y itself or a view of it: writing into z
    changes y. The gradients were silently wrong (z taken as a new array); now refused,
    located. np.array(y) copies and differentiates."""
    import srcdiff
    from gradcheck import check
    from user_modules import load
    m = load(tmp_path, "given_back", _GIVEN_BACK_THEN_WRITTEN)
    x = np.array([0.3, -0.5, 0.8, 0.1])
    for f in (m.contiguous_doubled, m.fortran_written, m.array_without_copy,
              m.array_copy_false, m.window_written, m.zeros_trimmed, m.nan_to_num_in_place,
              m.linalg_transposed, m.integrated_zero_times):
        with pytest.raises(srcdiff.SrcdiffError, match="given_back.py:[0-9]+: "):
            srcdiff.grad(f)(x.copy())
    check(m.array_copied, x, order=2)


# numpy.append, insert and delete always give a new array (a copy with items added or
# taken out): `a = np.append(x, c["w"])` then `c["w"][0] = v` was refused ("a holds it too").
def _appended_then_item_written(x):
    c = {"w": x * 2.0}
    a = np.append(x, c["w"])
    b = np.insert(c["w"], 1, x[0])
    d = np.delete(c["w"], 0)
    c["w"][0] = 5.0 * x[1]
    return np.sum(a ** 2) + np.sum(b * d[0]) + np.sum(c["w"] ** 3)


def _appended_and_a_view_written(x):   # v, a view of c["w"], sees the write: refused
    c = {"w": x * 2.0}
    a = np.append(x, c["w"])
    v = c["w"][1:]
    c["w"][0] = 5.0 * x[1]
    v[0] = 3.0 * x[2]
    return np.sum(a ** 2) + np.sum(c["w"] ** 3)


def test_what_numpy_append_insert_delete_give_is_new():
    from gradcheck import check, refusal
    check(_appended_then_item_written, np.array([0.4, -0.7, 1.1]), order=2)
    for mode in ("grad", "jvp"):
        err = refusal(_appended_and_a_view_written, (np.array([0.4, -0.7, 1.1]),), mode)
        assert "v holds it too" in str(err)


def test_append_insert_delete_are_fresh():
    assert all(L.fresh_call(f) for f in (np.append, np.insert, np.delete))
