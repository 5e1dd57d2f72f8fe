"""srcdiff/runtime_adjoint.py called directly: the adjoint engine's helpers give derivatives
the structure, shape and dtype of their values, accumulate without touching what they do
not own, refuse what has no gradient at the user's line, and sum broadcast adjoints back as
the central-difference vector-Jacobian product of a broadcast says."""
import dataclasses

import numpy as np
import pytest

from gradcheck import check, numerical_grad
from srcdiff.errors import RuntimeRefusal
from srcdiff.runtime_adjoint import (MissingItem, ShapeOf, add_adjoints, add_at, copy_array,
                                     drop_missing, finalize, no_derivative, ones_like_value,
                                     own_copy, pop_adjoint, saved_item, scatter_add, shape_of,
                                     snapshot, sum_to_gradient, take_and_zero, unbroadcast,
                                     unpop_adjoint, zero_restored_slot, zeros_like_value)

rng = np.random.default_rng(17)


@pytest.mark.parametrize("like_shape,grad_shape", [((3,), (2, 3)), ((2, 1), (2, 4)), ((), (3,)),
                                                   ((1, 3), (5, 2, 3)), ((2, 3), (2, 3))])
def test_unbroadcast_is_the_broadcasts_adjoint(like_shape, grad_shape):
    like = rng.normal(size=like_shape)
    g = rng.normal(size=grad_shape)
    want = numerical_grad(lambda v: np.broadcast_to(v, grad_shape), [like], 0, cotangent=g)
    got = unbroadcast(g, like)
    assert np.shape(got) == like_shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_unbroadcast_of_a_complex_cotangent_onto_a_real_value_is_real():
    assert not np.iscomplexobj(unbroadcast(np.ones(3) * (1 + 2j), np.ones(3)))
    assert np.iscomplexobj(unbroadcast(np.ones(3) * (1 + 2j), np.ones(3) * 1j))


def test_seeds_and_zeros_follow_the_values_structure():
    assert ones_like_value(2.0) == 1.0 and ones_like_value(np.ones((2, 2))).shape == (2, 2)
    with pytest.raises(TypeError, match="cannot differentiate a function returning a dict"):
        ones_like_value({"a": 1.0})
    zeros = zeros_like_value({"a": [1.0, np.ones(2)], "b": (3,)})
    assert zeros["a"][0] == 0.0 and np.array_equal(zeros["a"][1], np.zeros(2))
    assert zeros["b"] == [0.0]
    assert zeros_like_value(range(3)) == 0.0 and zeros_like_value(ShapeOf((2,), 1, None)) == 0.0
    assert no_derivative(range(2)) == range(2)


def test_add_adjoints_adds_item_by_item_and_keeps_one_sided_keys():
    out = add_adjoints({"a": 1.0}, {"a": 2.0, "b": 3.0})
    assert out == {"a": 3.0, "b": 3.0}
    assert add_adjoints([1.0, 2.0], [3.0, 4.0]) == [4.0, 6.0]


def test_scatter_add_adds_repeated_indices_and_copies_a_borrowed_buffer():
    value = rng.normal(size=5)
    index = np.array([0, 2, 2, 4])
    g = rng.normal(size=4)
    want = numerical_grad(lambda v: v[index], [value], 0, cotangent=g)
    np.testing.assert_allclose(scatter_add(None, value, index, g, False), want, atol=1e-8)
    borrowed = np.ones(5)
    out = scatter_add(borrowed, value, index, g, False)
    assert np.array_equal(borrowed, np.ones(5)) and out is not borrowed
    owned = np.ones(5)
    assert scatter_add(owned, value, slice(1, 3), np.ones(2), True) is owned
    assert scatter_add(None, [1.0, 2.0, 3.0], slice(0, 2), [5.0, 6.0], False) == [5.0, 6.0, 0.0]
    assert scatter_add(None, {"a": 1.0}, "a", 4.0, False) == {"a": 4.0}
    real = scatter_add(None, np.ones(2), 0, 1 + 1j, False)
    assert not np.iscomplexobj(real) and real[0] == 1.0
    np.testing.assert_array_equal(add_at(np.zeros(3), np.array([1, 1]), np.ones(2)), [0, 2, 0])


def test_take_and_zero_refuses_a_repeated_write_at_the_users_line(tmp_path):
    source = tmp_path / "user.py"
    source.write_text("def f(x, v):\n    x[[0, 0]] = v\n")
    taken, rest = take_and_zero(np.arange(4.0), np.array([1, 3]), False)
    assert np.array_equal(taken, [1.0, 3.0]) and np.array_equal(rest, [0.0, 0.0, 2.0, 0.0])
    with pytest.raises(RuntimeRefusal) as info:
        take_and_zero(np.arange(4.0), np.array([0, 0]), False, f"{source}:2")
    assert info.value.lineno == 2 and info.value.line == "x[[0, 0]] = v"
    assert take_and_zero(None, 0, False) == (None, None)
    taken, rest = take_and_zero([1.0, 2.0], 1, False)
    assert taken == 2.0 and rest == [1.0, 0.0]


def test_tape_values_are_copies_or_stand_ins():
    x = np.ones(3)
    for copy in (copy_array(x), snapshot([x])[0], own_copy(x), saved_item(np.ones((2, 3)), 0)):
        assert isinstance(copy, np.ndarray) and not np.shares_memory(copy, x)
    kept = shape_of(np.ones((2, 3)))
    assert isinstance(kept, ShapeOf) and kept.shape == (2, 3) and kept.ndim == 2
    assert shape_of(2.0) == 2.0
    d = {"a": 1.0}
    missing = saved_item(d, "b")
    assert isinstance(missing, MissingItem)
    d["b"] = missing
    drop_missing(d, "b")
    assert d == {"a": 1.0}
    assert own_copy([1.0]) == [1.0] and own_copy({"a": 1}) == {"a": 1}


def test_list_pops_and_appends_replay():
    assert pop_adjoint([1.0, 2.0, 3.0]) == (3.0, [1.0, 2.0])
    assert pop_adjoint(None) == (None, None)
    assert unpop_adjoint([1.0], [5.0, 6.0], 2.0) == [1.0, 2.0]
    assert unpop_adjoint(None, [5.0, 6.0], None) == [0.0, 0.0]
    grads = sum_to_gradient(np.ones(3), [np.zeros(3), 0.0])
    assert grads[0].shape == (3,) and grads[1] == 3.0


@pytest.mark.parametrize("like", [np.ones(3, dtype=np.float32), np.array(2.0), 2.0,
                                  np.float64(1.0), [1.0, np.ones(2)], {"a": np.ones(2)},
                                  (1.0, 2.0)])
def test_finalize_gives_the_inputs_type_shape_and_dtype(like):
    grad = finalize(None, like, "x")
    for g, v in zip(_leaves(grad), _leaves(like)):
        assert type(g) is type(v) and np.shape(g) == np.shape(v)
        assert getattr(g, "dtype", None) == getattr(v, "dtype", None)
    assert type(grad) is type(like)


def _leaves(tree):
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in _leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [x for v in tree for x in _leaves(v)]
    return [tree]


def test_finalize_sums_broadcast_gradients_and_never_hands_back_a_view():
    like = np.ones((2, 3))
    out = finalize(np.ones(3), like, "x")                # broadcast up, written into a copy
    assert out.shape == (2, 3) and out.flags.writeable
    out = finalize(np.ones((4, 2, 3)), like, "x")
    assert np.array_equal(out, np.full((2, 3), 4.0))
    view = np.broadcast_to(np.ones(3), (2, 3))
    assert finalize(view, like, "x").flags.writeable
    assert finalize(np.ones(2) * (1 + 1j), np.ones(2), "x").dtype == np.float64
    assert finalize(np.ones(3), 2.0, "x") == 3.0


def test_take_and_zero_of_a_number_standing_for_a_0d_array():
    # the adjoint of a 0-d array comes back from unbroadcast as a NumPy scalar (or a float)
    taken, rest = take_and_zero(np.float64(2.5), ..., False)
    assert taken == 2.5 and isinstance(rest, np.ndarray) and rest.shape == () and rest == 0.0
    taken, rest = take_and_zero(1.5, (), False)
    assert taken == 1.5 and rest.shape == () and rest == 0.0


# -- hunt19: writes into a 0-d array (`b[...] = v`, out= b, b.fill) --------------------------
def sums_into_a_0d_out(x):
    b = np.zeros(())
    np.sum(x * x, out=b)
    return b * x[0]


def writes_a_0d_array_in_a_loop(x):
    b = np.zeros(())
    for i in range(3):
        b[...] = b * x[i] + x[i]
    return b * 1.0


def writes_a_0d_array_by_an_empty_index(x):
    b = np.zeros(())
    b[()] = np.sum(x * x)
    return np.sum(b * x)


@pytest.mark.parametrize("f", [sums_into_a_0d_out, writes_a_0d_array_in_a_loop,
                               writes_a_0d_array_by_an_empty_index])
def test_a_write_into_a_0d_array(f):
    # take_and_zero was handed the 0-d array's adjoint as a numpy.float64 (from unbroadcast)
    # and crashed on `buffer[...] = 0`
    check(f, np.array([0.5, -1.0, 0.7]))


def test_add_item_adds_the_real_part_into_a_real_buffer():
    import warnings
    from srcdiff.runtime import add_item
    buffer = np.zeros(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no ComplexWarning: the real part is taken
        assert add_item(buffer, 1, np.complex128(2.0 + 3.0j)) is buffer
        add_item(buffer, -1, 0.5)
    np.testing.assert_array_equal(buffer, [0.0, 2.0, 0.5])
    complex_buffer = np.zeros(2, dtype=complex)
    add_item(complex_buffer, 0, 1.0 + 1.0j)
    assert complex_buffer[0] == 1.0 + 1.0j


def test_saved_item_of_an_array_copies_what_is_not_a_number():
    from srcdiff.runtime import saved_item
    numbers = np.arange(3.0)
    assert saved_item(numbers, 1) == 1.0 and type(saved_item(numbers, 1)) is np.float64
    row = np.ones((2, 2))
    saved = saved_item(row, 0)
    row[0, 0] = 5.0
    assert saved[0] == 1.0                      # a row is copied, not viewed
    held = np.empty(1, dtype=object)
    held[0] = [1.0]
    saved = saved_item(held, 0)
    held[0].append(2.0)
    assert saved == [1.0]                       # a mutable object in an object array too


def test_zero_restored_slot_takes_the_restored_items_shape():
    """A list slot zeroed with the written item's shape gets the restored item's; a dict key
    the restore took out leaves the adjoint; an array's adjoint is given back untouched; the
    adjoint given is not changed (a fresh container)."""
    d_list = [np.zeros(2), np.ones(3)]
    got = zero_restored_slot(d_list, [np.arange(4.0), np.arange(3.0)], 0)
    assert np.shape(got[0]) == (4,) and got[1] is d_list[1] and np.shape(d_list[0]) == (2,)
    d_dict = {"w": np.zeros(2), "new": np.zeros(1)}
    assert np.shape(zero_restored_slot(d_dict, {"w": np.ones(3)}, "w")["w"]) == (3,)
    assert "new" not in zero_restored_slot(d_dict, {"w": np.ones(3)}, "new") and "new" in d_dict
    buffer = np.ones(3)
    assert zero_restored_slot(buffer, np.ones(3), 0) is buffer


class _Items:
    """A record NumPy would read as a sequence of numbers (its __len__ and __getitem__)."""

    def __init__(self, a):
        self.a = a

    def __len__(self):
        return len(self.a)

    def __getitem__(self, i):
        return self.a[i]


def test_the_zero_of_a_record_numpy_reads_as_a_sequence_is_a_record_zero():
    # (numpy.zeros_like read its items: an array of their shape, which the record's
    # FieldGrads could not be added to)
    zero = zeros_like_value(_Items(np.ones(3)))
    assert zero.dtype == object and zero.ndim == 0 and zero[()] == 0
    assert zeros_like_value(np.ones(3)).dtype == np.float64


@dataclasses.dataclass
class _Vec:
    p: np.ndarray
    q: float

    def __add__(self, o):
        return _Vec(self.p + o.p, self.q + o.q)

    def __rmul__(self, c):
        return _Vec(c * self.p, c * self.q)


def _records_loop_over_a_slice(x):
    v = _Vec(x * 1.0, -1.2)
    vs = [v, _Vec(x, 0.5), 2.0 * v]
    for t in vs[1:]:   # the list's adjoint starts at zeros_like_value: a record's zero at 0
        v = v + 0.5 * t
    return np.sum(np.sin(v.p)) * v.q


def test_a_records_zero_adds_to_its_adjoint():
    # (the fuzzer's crash, seed 2341000002: add_adjoints(FieldGrads, 0-d object zero))
    check(_records_loop_over_a_slice, np.array([0.3, -0.7, 0.5]), order=2)
