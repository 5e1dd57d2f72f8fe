"""Tangent rules of srcdiff's runtime helpers (templates/runtime_rules.py), against central
differences: each helper is called as a plain function and differentiated with srcdiff.jvp.

These rules let forward mode run over emitted reverse-mode code (Hessians), so the
cases follow the ways reverse templates and the reverse engine call each helper.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_jvp
from srcdiff.runtime import (add_adjoints, array_grad, copy_array, log_base, power_exponent,
                             reshape_like, unpop_adjoint, broadcast_like, builtin_sum_grad,
                             cast_grad, check_cotangent, clip_mask, cumsum_grad, det_cofactor, det_grad,
                             diagonal_grad, dot_grad_left, dot_grad_right, expand_reduced,
                             extremum_weights, finalize, imag_grad, inner_grad, log_of_base,
                             matmul_grad_left, matmul_grad_right, norm_weights, ones_like_value,
                             pick_grad, pick_tangent, pop_adjoint, prod_others, reduce_grad,
                             reduced_count, repeat_grad, safe_divide, saved_item, scatter_add,
                             solve_grad_a, solve_grad_b, solve_tangent_a, split_grad,
                             scattered_add_grad, sum_to_gradient, take_along_axis_grad,
                             take_and_zero, take_grad,
                             tie_split, unbroadcast,
                             unstack_grad, zeros_like_value)
from srcdiff.runtime import abs_slope, extremum_grad
from srcdiff.runtime import (center_like, dict_from_lists_tangent, dict_items_tangent,
                             dict_values_tangent, index_concat_tangent, iteration_order_tangent,
                             linspace_tangent, sequence_add_tangent, sequence_extend_tangent,
                             sequence_mul_tangent, sequence_of_tangent, sequence_sum_tangent)

rng = np.random.default_rng(11)


def check_fwd(f, *args, **kwargs):
    """`check` in forward mode: these helpers are met by forward mode over emitted gradients;
    only the few at the end of this file have reverse rules too."""
    return check(f, *args, modes=("fwd",), order=1, **kwargs)
HAS_VECTOR_NORM = hasattr(np.linalg, "vector_norm")


def _arr(*shape):
    return rng.normal(size=shape)


def _spd(n, batch=()):
    m = rng.normal(size=batch + (n, n))
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


# --- the reverse engine's helpers ------------------------------------------------------
@pytest.mark.parametrize("gshape,lshape", [((2, 3), (3,)), ((2, 3), (1, 3)), ((4, 2, 3), (2, 1)),
                                           ((2, 3), ()), ((2, 3), (2, 3))])
def test_unbroadcast(gshape, lshape):
    like = _arr(*lshape)
    check_fwd(lambda g, x: unbroadcast(g * g, x), _arr(*gshape), like)
    if lshape == ():
        check_fwd(lambda g: unbroadcast(np.sin(g), 1.0), _arr(*gshape))


@pytest.mark.parametrize("tshape,lshape", [((3,), (2, 3)), ((), (2, 3)), ((2, 1), (2, 3)),
                                           ((2, 3), (2, 3))])
def test_broadcast_like(tshape, lshape):
    check_fwd(lambda t, x: broadcast_like(t * t, x), _arr(*tshape), _arr(*lshape))


def test_add_adjoints_arrays_and_lists():
    check_fwd(lambda a, b: add_adjoints(a * a, b * a), _arr(2, 3), _arr(2, 3), wrt=(0, 1))
    check_fwd(lambda a, b: add_adjoints(a * a, b), _arr(2, 3), _arr(2, 3), wrt=1)
    check_fwd(lambda a, b: add_adjoints([a * a, a], [b, b]), _arr(3), _arr(3), wrt=0)
    check_fwd(lambda a, b: add_adjoints([a, a], [b * b, b]), _arr(3), _arr(3), wrt=1)


def test_add_adjoints_lists_both_active():
    check_fwd(lambda a, b: add_adjoints([a * a, a], [b, b * a]), _arr(3), _arr(3), wrt=(0, 1))


def test_scatter_add_list_buffer_and_grad_both_active():
    value = [_arr(2), _arr(2)]
    check_fwd(lambda b, g: scatter_add([b, b * b], value, 0, g * b, True), _arr(2), _arr(2),
              wrt=(0, 1))


@pytest.mark.parametrize("index", [1, slice(1, 3), (0, slice(None)), np.array([0, 2, 0]),
                                   (np.array([1, 1]), np.array([0, 2]))],
                         ids=["int", "slice", "tuple", "fancy-repeats", "fancy-2d"])
@pytest.mark.parametrize("owned", [False, True])
def test_scatter_add_arrays(index, owned):
    value = _arr(3, 3)
    item = value[index]

    def buffered(buffer, grad):
        return scatter_add(buffer * buffer, value, index, grad * buffer[0, 0], owned)

    def fresh(grad):
        return scatter_add(None, value, index, grad * grad, owned=False)

    check_fwd(buffered, _arr(3, 3), _arr(*np.shape(item)), wrt=(0, 1))
    if not owned and not isinstance(index, tuple):
        check_fwd(buffered, _arr(3, 3), _arr(*np.shape(item)), wrt=0)
        check_fwd(buffered, _arr(3, 3), _arr(*np.shape(item)), wrt=1)
        check_fwd(fresh, _arr(*np.shape(item)))


def test_scatter_add_owned_buffer_of_an_argument_is_not_mutated():
    # the primal may update an owned buffer in place; the tangent never touches the caller's
    value = _arr(4)
    b, tb = _arr(4), _arr(4)
    tb_before = tb.copy()
    _, t = srcdiff.jvp(lambda b, g: scatter_add(b, value, 2, g, owned=True) * 1.0,
                       wrt=(0, 1))(b, 0.5, tb, 0.25)
    np.testing.assert_array_equal(tb, tb_before)
    expected = tb_before.copy()
    expected[2] += 0.25
    np.testing.assert_allclose(t, expected)


def test_scatter_add_containers():
    value = [_arr(2), _arr(2), _arr(2)]
    check_fwd(lambda g: scatter_add(None, value, 1, g * g, False), _arr(2))
    check_fwd(lambda g: scatter_add(None, value, slice(0, 2), [g * g, g], False), _arr(2))
    check_fwd(lambda b, g: scatter_add([b, b * b, b], value, 0, g, True), _arr(2), _arr(2),
              wrt=0)
    dvalue = {"a": _arr(2), "b": 1.5}
    check_fwd(lambda g: scatter_add(None, dvalue, "a", g * g, False), _arr(2))


@pytest.mark.parametrize("index", [1, slice(0, 2), (slice(None), 1)], ids=["int", "slice", "col"])
@pytest.mark.parametrize("owned", [False, True])
def test_take_and_zero_arrays(index, owned):
    def f(b):
        taken, rest = take_and_zero(b * b, index, owned)
        return taken, rest
    check_fwd(f, _arr(3, 3))
    if owned:
        return

    def g(b):   # the tuple itself
        return take_and_zero(np.sin(b), index, owned=owned)
    check_fwd(g, _arr(3, 3))


def test_take_and_zero_list_and_pop_adjoint():
    def f(a):
        taken, rest = take_and_zero([a, a * a, 2.0 * a], 1, True)
        return taken, rest
    check_fwd(f, _arr(2))

    def g(a):
        last, rest = pop_adjoint([a, a * a, np.sin(a)])
        return last, rest
    check_fwd(g, _arr(2))
    check_fwd(lambda a: pop_adjoint([a * a]), _arr(3))


def test_unpop_adjoint():
    value = [_arr(2), _arr(2), _arr(2)]
    check_fwd(lambda b, g: unpop_adjoint([b, b * b], value, g * b), _arr(2), _arr(2),
              wrt=(0, 1))
    check_fwd(lambda b, g: unpop_adjoint([b, b * b], value, g), _arr(2), _arr(2), wrt=0)
    check_fwd(lambda b, g: unpop_adjoint([b, b * b], value, g * g), _arr(2), _arr(2), wrt=1)
    check_fwd(lambda g: unpop_adjoint(None, value, g * g), _arr(2))
    check_fwd(lambda b: unpop_adjoint([b, b * b], value, None), _arr(2))


def test_copy_array_power_exponent_log_base_reshape_like():
    check_fwd(lambda x: copy_array(x * x), _arr(2, 3))
    check_fwd(lambda x: copy_array(x * x), 0.7)
    check_fwd(lambda e: power_exponent(e * e), np.array([0.5, -1.5, 2.0]))
    check_fwd(lambda e: power_exponent(e * e), 1.3)
    check_fwd(lambda b: log_base(b * b), np.array([0.5, 1.5, 2.0]))
    check_fwd(lambda b: log_base(b), np.array([0.5, -1.5, 2.0]))
    check_fwd(lambda b: log_base(b * b), 1.3)
    check_fwd(lambda b: log_base(b), -1.3)
    check_fwd(lambda g: reshape_like(g * g, np.ones((3, 2))), _arr(2, 3))
    check_fwd(lambda g: reshape_like(g * g, np.ones(6), "F"), _arr(2, 3))
    w = _arr(3, 2)
    check(lambda g: np.sum(np.sin(reshape_like(g * g, w, "F")) * w), _arr(2, 3))


def test_own_copy_of_a_parameter_written_into():
    # lowering gives a parameter the function writes into a private copy (runtime.own_copy)
    def f(x, w):
        x[1] = x[0] * x[2]
        x[0] += w
        return np.sum(np.sin(x) * x)
    check(f, _arr(3), 0.4, wrt=(0, 1))


def test_saved_item_and_sum_to_gradient():
    check_fwd(lambda x: saved_item(x * x, 1), _arr(3, 2))
    check_fwd(lambda x: saved_item(x * x, (slice(None), 0)), _arr(3, 2))
    check_fwd(lambda x: saved_item([x, x * x], 1), _arr(3))
    likes = [_arr(2, 3), _arr(3), _arr(1, 3)]
    check_fwd(lambda g: sum_to_gradient(g * g, likes), _arr(2, 3))


@pytest.mark.parametrize("like", [np.ones((2, 3)), np.ones(3), 2.0, np.float64(2.0),
                                  np.ones((2, 3), dtype=np.float32)],
                         ids=["array", "vector", "float", "float64-scalar", "float32"])
def test_finalize(like):
    shape = np.shape(like)
    # float32 results: a larger step keeps rounding out of the differences
    kw = dict(eps=1e-2, rtol=1e-3, atol=1e-4) if getattr(like, "dtype", None) == np.float32 \
        else {}
    check_fwd(lambda g: finalize(g * g, like, "x"), _arr(*shape), **kw)
    check_fwd(lambda g: finalize(np.sin(g), like, "x"), _arr(2, *shape), rtol=1e-3, atol=1e-4,
              eps=1e-3)


def test_finalize_containers_and_check_cotangent():
    like = (np.ones(2), 1.0)
    check_fwd(lambda a, b: finalize([a * a, b * b], like, "p"), _arr(2), 0.7, wrt=(0, 1))
    check_fwd(lambda a: finalize({"u": a * a}, {"u": np.ones(2)}, "d"), _arr(2))
    check_fwd(lambda c, y: check_cotangent(c * c, y), _arr(2, 3), _arr(2, 3))


# --- reverse templates' helpers --------------------------------------------------------
MATMUL = [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)), ((3,), (3,)), ((2, 3, 4), (4, 2)),
          ((1, 3, 4), (2, 4, 2))]


@pytest.mark.parametrize("sa,sb", MATMUL)
def test_matmul_grads(sa, sb):
    a, b = _arr(*sa), _arr(*sb)
    g = _arr(*np.shape(a @ b))
    check_fwd(lambda g, a, b: matmul_grad_left(g, a, b), g, a, b, wrt=(0, 1, 2))
    check_fwd(lambda g, a, b: matmul_grad_right(g, a, b), g, a, b, wrt=(0, 1, 2))
    if sa != (3, 3):
        return
    check_fwd(lambda g, a, b: matmul_grad_left(g * g, a, np.sin(b)), g, a, b, wrt=(0, 2))
    check_fwd(lambda g, a, b: matmul_grad_right(g * g, np.sin(a), b), g, a, b, wrt=(0, 1))


REDUCE = [((2, 3, 4), None, False), ((2, 3, 4), None, True), ((2, 3, 4), 1, False),
          ((2, 3, 4), -1, True), ((2, 3, 4), (0, 2), False), ((), None, False)]


@pytest.mark.parametrize("shape,axis,keepdims", REDUCE)
def test_reduce_grad_and_expand_reduced(shape, axis, keepdims):
    a = _arr(*shape)
    g = _arr(*np.shape(np.sum(a, axis=axis, keepdims=keepdims)))
    check_fwd(lambda g: reduce_grad(g * g, a, axis, keepdims) * 1.0, g)
    check_fwd(lambda g: expand_reduced(g * g, a, axis, keepdims), g)


@pytest.mark.parametrize("shape,axis,keepdims", REDUCE)
def test_extremum_grad(shape, axis, keepdims):
    a = _arr(*shape)
    if shape:
        a.flat[1] = a.flat[0] = np.max(a) + 1.0   # a tie: the adjoint is shared
    result = np.max(a, axis=axis, keepdims=keepdims)
    check_fwd(lambda g: extremum_grad(g * g, a, result, axis, keepdims), _arr(*np.shape(result)))


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 2), -1])
def test_prod_others(axis):
    a = rng.uniform(0.5, 1.5, size=(3, 4, 2))
    check_fwd(lambda a: prod_others(a * a, axis), a)
    z = a.copy()
    z[1, 2, 0] = 0.0
    z[0, 1, 1] = 0.0
    check_fwd(lambda a: prod_others(a, axis), z)   # exact at zeros: it is a polynomial
    if axis in (None, 0, -1):
        check_fwd(lambda a: prod_others(a, axis), _arr(5))


def test_prod_others_small():
    check_fwd(lambda a: prod_others(a, None), _arr(1))
    check_fwd(lambda a: prod_others(a, 0), _arr(2, 3))
    check_fwd(lambda a: prod_others(a, None), 1.5 + 0 * _arr())


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumsum_grad(axis):
    like = _arr(3, 4)
    g = _arr(*np.shape(np.cumsum(like, axis=axis)))
    check_fwd(lambda g: cumsum_grad(g * g, like, axis), g)


def test_tie_split():
    x1 = np.array([1.0, 2.0, 3.0, 2.0])
    x2 = np.array([[1.0], [2.0]])
    check_fwd(lambda g: tie_split(g * g, x1 > x2, x1 == x2), _arr(2, 4))
    check_fwd(lambda g: tie_split(g * g, x2 > x1, x1 == x2), _arr(2, 4))


DOT = [((), ()), ((), (3,)), ((3,), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
       ((2, 3), (3, 4)), ((2, 2, 3), (3,)), ((2, 3), (4, 3, 2)), ((), (2, 3))]


@pytest.mark.parametrize("sa,sb", DOT)
def test_dot_grads(sa, sb):
    a, b = _arr(*sa), _arr(*sb)
    g = _arr(*np.shape(np.dot(a, b)))
    check_fwd(lambda g, a, b: dot_grad_left(g * g, a, np.sin(b)), g, a, b, wrt=(0, 1, 2))
    check_fwd(lambda g, a, b: dot_grad_right(g * g, np.sin(a), b), g, a, b, wrt=(0, 1, 2))


INNER = [((), (3,)), ((3,), ()), ((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)),
         ((2, 3), (4, 3)), ((2, 2, 3), (4, 3))]


@pytest.mark.parametrize("sa,sb", INNER)
@pytest.mark.parametrize("which", [0, 1])
def test_inner_grad(sa, sb, which):
    a, b = _arr(*sa), _arr(*sb)
    g = _arr(*np.shape(np.inner(a, b)))
    check_fwd(lambda g, a, b: inner_grad(g * g, np.sin(a), np.sin(b), which), g, a, b,
              wrt=(0, 1, 2))
    if sa == (2, 3):   # one operand at a time: the other's statement is a zero
        check_fwd(lambda g, a, b: inner_grad(g, a, b, which), g, a, b, wrt=1)
        check_fwd(lambda g, a, b: inner_grad(g, a, b, which), g, a, b, wrt=2)


def test_cast_grad():
    x32 = np.ones(3, dtype=np.float32)
    check_fwd(lambda g: cast_grad(g * g, x32, np.ones(3)), _arr(3), eps=1e-2, rtol=1e-3,
              atol=1e-4)
    check_fwd(lambda g: cast_grad(g * g, np.ones(3), np.ones(3)), _arr(3))
    check_fwd(lambda g: cast_grad(g * g, np.ones(3), np.ones(3, dtype=int)), _arr(3))


@pytest.mark.parametrize("shapes,axis,promote", [
    ([(2, 3), (1, 3), (3, 3)], 0, None), ([(2, 3), (2, 1)], 1, None),
    ([(2, 3), (4,)], None, None), ([(3,), (2,), ()], None, 1), ([(2, 3), (2, 2)], None, 1),
    ([(3,), (2, 3)], 0, 2)], ids=["axis0", "axis1", "flat", "hstack1d", "hstack2d", "vstack"])
def test_split_grad(shapes, axis, promote):
    arrays = [_arr(*s) for s in shapes]
    if promote == 1:
        total = np.hstack(arrays)
    elif promote == 2:
        total = np.vstack(arrays)
    else:
        total = np.concatenate(arrays, axis=axis)
    check_fwd(lambda g: split_grad(g * g, arrays, axis, promote), _arr(*np.shape(total)))


def test_unstack_array_builtin_sum_grads():
    arrays = [_arr(2, 3), _arr(2, 3)]
    check_fwd(lambda g: unstack_grad(g * g, arrays, 1), _arr(2, 2, 3))
    check_fwd(lambda g: unstack_grad(g * g, arrays, 0), _arr(2, 2, 3))
    check_fwd(lambda g: array_grad(g * g, [[1.0, 2.0], [3.0, 4.0]]), _arr(2, 2))
    check_fwd(lambda g: array_grad(g * g, np.ones((2, 2))), _arr(2, 2))
    items = [_arr(2, 3), _arr(3), 1.0]
    check_fwd(lambda g: builtin_sum_grad(g * g, items), _arr(2, 3))
    rows = _arr(4, 3)
    check_fwd(lambda g: builtin_sum_grad(g * g, rows), _arr(3))


@pytest.mark.parametrize("shape,offset,axis1,axis2", [((3, 3), 0, 0, 1), ((3, 4), 1, 0, 1),
                                                      ((4, 3), -1, 0, 1), ((2, 3, 3), 0, 1, 2),
                                                      ((3, 2, 3), 0, -1, 0)])
def test_diagonal_grad(shape, offset, axis1, axis2):
    like = _arr(*shape)
    g = _arr(*np.shape(np.diagonal(like, offset, axis1, axis2)))
    check_fwd(lambda g: diagonal_grad(g * g, like, offset, axis1, axis2), g)


def test_imag_grad_of_real_input():
    check_fwd(lambda g: imag_grad(g * g, np.ones(3)), _arr(3))


def test_imag_grad_of_complex_input():
    check_fwd(lambda g: imag_grad(g * g, np.ones(3, dtype=complex)), _arr(3))


def test_abs_slope():
    check_fwd(lambda x: abs_slope(x * x), np.array([0.5 - 1.0j, -1.5 + 0.2j, 0.3 + 0.0j]))
    check_fwd(lambda x: abs_slope(x * x) * x, np.array([0.5, -1.5, 0.3]))


@pytest.mark.parametrize("largest", [True, False])
def test_pick_grad_and_pick_tangent(largest):
    values = [1.0, 3.0, 2.0]
    check_fwd(lambda g: pick_grad(g * g, values, None, 0, largest), 0.7)
    check_fwd(lambda g: pick_grad(g * g, 1.0, 2.0, 0, largest), 0.7)
    check_fwd(lambda g: pick_grad(g * g, 1.0, 2.0, 1, largest), 0.7)
    check_fwd(lambda t: pick_tangent([t, t * t, 2.0 * t], values, None, 0, largest), 0.7)
    check_fwd(lambda t: pick_tangent(t * t, 1.0, 2.0, 0, largest), 0.7)
    check_fwd(lambda t: pick_tangent(t * t, 1.0, 2.0, 1, largest), 0.7)


def test_log_of_base_and_safe_divide():
    check_fwd(lambda b: log_of_base(b * b), 1.7)
    check_fwd(lambda b: 2.0 * log_of_base(None) * b, 1.7)
    den = np.array([1.5, 0.0, -2.0])
    check_fwd(lambda n, d: safe_divide(n * n, d), _arr(3), den, wrt=0)
    check_fwd(lambda n, d: safe_divide(n * n, d * d), _arr(3), _arr(3), wrt=(0, 1))
    check_fwd(lambda n, d: safe_divide(n, d), _arr(2, 3), _arr(3), wrt=(0, 1))
    # at den == 0 the value is 0 for every num: a zero tangent
    t = check_jvp(lambda n, d: safe_divide(n, d), _arr(3), den, wrt=(0, 1),
                  tangents=[_arr(3), np.array([1.0, 0.0, 1.0])])
    assert t[1] == 0.0


@pytest.mark.parametrize("axis,mode", [(None, "raise"), (1, "raise"), (0, "wrap"), (-1, "clip")])
def test_take_grad(axis, mode):
    like = _arr(3, 4)
    indices = np.array([[0, 2], [2, 5]]) if mode != "raise" else np.array([[0, 2], [2, 1]])
    g = _arr(*np.shape(np.take(like, indices, axis=axis, mode=mode)))
    check_fwd(lambda g: take_grad(g * g, like, indices, axis, mode), g)
    check_fwd(lambda g: take_grad(g * g, like, 1, axis, mode), _arr(*np.shape(
        np.take(like, 1, axis=axis, mode=mode))))


@pytest.mark.parametrize("sign", [1, -1])
def test_scattered_add_grad(sign):
    values = _arr(4)
    indices = (np.array([0, 2, 0, 0]), np.array([1, 1, 1, 3]))
    check_fwd(lambda g: scattered_add_grad(g * g, indices, values, sign), _arr(3, 4))
    check_fwd(lambda g: scattered_add_grad(g * g, [1, 1], 2.0, sign), _arr(3))


@pytest.mark.parametrize("axis", [None, 1, 0])
def test_take_along_axis_grad(axis):
    like = _arr(3, 4)
    indices = {None: np.array([5, 0, 5]), 1: np.array([[0, 0], [3, 1], [2, 2]]),
               0: np.array([[2, 0, 1, 1]])}[axis]
    g = _arr(*np.shape(np.take_along_axis(like, indices, axis)))
    check_fwd(lambda g: take_along_axis_grad(g * g, like, indices, axis), g)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_repeat_grad(axis):
    like = _arr(2, 3)
    g = _arr(*np.shape(np.repeat(like, 2, axis=axis)))
    check_fwd(lambda g: repeat_grad(g * g, like, 2, axis), g)


# --- linear algebra ----------------------------------------------------------------------
@pytest.mark.parametrize("batch", [(), (2,)])
def test_det_grad(batch):
    a = _spd(3, batch)
    g = _arr(*batch)

    def f(g, a):
        return det_grad(g * g, a * a)
    check_fwd(f, g, a, wrt=(0, 1), rtol=1e-4, atol=1e-5)
    check_fwd(f, g, a, wrt=1, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_det_grad_at_singular_matrices(rank):
    """det_grad's tangent along a used inv(a): LinAlgError at a singular matrix, where the
    cofactors are still smooth (polynomials in a)."""
    a = _arr(3, rank) @ _arr(rank, 3)
    a = np.stack([a, _spd(3)])
    g = _arr(2)
    check_fwd(lambda g, a: det_grad(g * g, a), g, a, wrt=(0, 1), rtol=1e-4, atol=1e-5)
    check_fwd(lambda a: det_cofactor(a), a, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3, 2))])
def test_solve_grads(sa, sb):
    a = _spd(sa[-1], sa[:-2]) + _arr(*sa) * 0.1
    b = _arr(*sb)
    x = np.linalg.solve(a, b) if len(sb) > 1 else np.linalg.solve(a, b[..., None])[..., 0]
    g = _arr(*np.shape(x))
    kw = dict(rtol=1e-4, atol=1e-5)
    check_fwd(lambda g, a: solve_grad_b(g * g, a * 1.0, b), g, a, wrt=(0, 1), **kw)
    check_fwd(lambda g, a: solve_grad_b(g, np.sin(a) + 3.0 * np.eye(sa[-1]), b), g, a,
              wrt=1, **kw)
    gb = _arr(*np.shape(g))
    check_fwd(lambda gb, x: solve_grad_a(gb * gb, b, np.sin(x)), gb, x, wrt=(0, 1), **kw)
    t = _arr(*np.shape(a))
    check_fwd(lambda t, a, x: solve_tangent_a(t * t, a, b, np.sin(x)), t, a, x, wrt=(0, 1, 2),
              **kw)


# --- norms ---------------------------------------------------------------------------------
VECTOR_NORMS = [(None, None, False), (2, None, False), (3, None, False), (1.5, None, True),
                (None, 1, False), (None, 0, True), (3, -1, False), (np.inf, 1, False),
                (1, 0, False), (0, 1, False), (-np.inf, None, False)]


@pytest.mark.parametrize("ord,axis,keepdims", VECTOR_NORMS)
def test_norm_weights_vector(ord, axis, keepdims):
    shape = (5,) if axis is None else (3, 4)
    x = _arr(*shape)

    def f(x):
        y = np.linalg.norm(x, ord, axis, keepdims)
        return norm_weights(x, y, ord, axis, keepdims)
    check_fwd(f, x, rtol=1e-4, atol=1e-5)

    def g(x, s):   # the norm given separately: the tangent along y alone
        y = np.linalg.norm(x, ord, axis, keepdims) * s
        return norm_weights(x, y, ord, axis, keepdims)
    if ord not in (np.inf, -np.inf, 0, 1):   # else the weights do not depend on y
        check_fwd(g, x, 1.3, wrt=1, rtol=1e-4, atol=1e-5)


SVD_NORMS = [("nuc", None, False), (2, None, False), (-2, None, False), ("nuc", (0, 2), False),
             (2, (2, 0), True), (-2, (1, 2), False)]
MATRIX_NORMS = [(None, None, False), ("fro", None, True), (1, None, False), (np.inf, None, True),
                (-1, None, False), (None, (0, 1), False)]
SQUARE, WIDE, TALL = (3, 3), (2, 4), (4, 2)


@pytest.mark.parametrize("ord,axis,keepdims,shape",
                         [c + (s,) for c in SVD_NORMS[:3] for s in (SQUARE, WIDE, TALL)]
                         + [c + (SQUARE,) for c in SVD_NORMS[3:]]
                         + [c + (WIDE,) for c in MATRIX_NORMS])
def test_norm_weights_matrix(ord, axis, keepdims, shape):
    if axis is not None:
        shape = (shape[0], 2, shape[1])
    x = _arr(*shape)

    def f(x):
        y = np.linalg.norm(x, ord, axis, keepdims)
        return norm_weights(x, y, ord, axis, keepdims)
    check_fwd(f, x, rtol=1e-4, atol=1e-5)


def test_norm_weights_at_zero_norm_has_zero_tangent():
    x = np.zeros(3)
    _, t = srcdiff.jvp(lambda x: norm_weights(x, np.linalg.norm(x), None, None, False))(
        x, np.ones(3))
    np.testing.assert_array_equal(t, np.zeros(3))


@pytest.mark.skipif(not HAS_VECTOR_NORM, reason="numpy.linalg.vector_norm needs NumPy 2")
@pytest.mark.parametrize("ord,axis,keepdims", [(2, None, False), (3, (0, 2), True),
                                               (1.5, 1, False), (np.inf, -1, False)])
def test_norm_weights_vector_kind(ord, axis, keepdims):
    x = _arr(2, 3, 4)

    def f(x):
        y = np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
        return norm_weights(x, y, ord, axis, keepdims, "vector")
    check_fwd(f, x, rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not HAS_VECTOR_NORM, reason="numpy.linalg.matrix_norm needs NumPy 2")
@pytest.mark.parametrize("ord,keepdims", [("fro", False), ("nuc", True), (2, False),
                                          (-2, False), (1, False)])
def test_norm_weights_matrix_kind(ord, keepdims):
    x = _arr(2, 3, 4)

    def f(x):
        y = np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
        return norm_weights(x, y, ord, None, keepdims, "matrix")
    check_fwd(f, x, rtol=1e-4, atol=1e-5)


# --- non-differentiable helpers: masks, counts, constants ------------------------------------
def test_masks_counts_and_constants_carry_no_tangent():
    x = np.array([[0.3, 1.2, -0.5], [2.0, 0.1, 0.4]])

    def f(x):
        w = extremum_weights(x * x, np.max(x * x, axis=1), 1, False)
        return x * w / reduced_count(x, np.max(x, axis=1))
    check_fwd(f, x)

    def g(x):
        m = clip_mask(x * 2.0, -0.5, 1.0, "a") + clip_mask(x, -0.5, 1.0, "hi")
        return x * m + zeros_like_value(x * x) + ones_like_value(x)
    check_fwd(g, x)
    t = srcdiff.jvp(lambda x: zeros_like_value(x) + ones_like_value(x * x))(x, np.ones_like(x))[1]
    np.testing.assert_array_equal(t, np.zeros_like(x))


# --- reverse rules of the simple linear helpers ----------------------------------------------
@pytest.mark.parametrize("gshape,lshape", [((2, 3), (3,)), ((4, 2, 3), (2, 1)), ((2, 3), ())])
def test_reverse_unbroadcast_broadcast_like(gshape, lshape):
    w = _arr(*lshape)
    check(lambda g: np.sum(np.sin(unbroadcast(g * g, w)) * w), _arr(*gshape))
    v = _arr(*gshape)
    check(lambda t: np.sum(np.sin(broadcast_like(t * t, v)) * v), _arr(*lshape))


@pytest.mark.parametrize("shape,axis,keepdims", REDUCE)
def test_reverse_reduce_grad_expand_reduced(shape, axis, keepdims):
    a = _arr(*shape)
    g = _arr(*np.shape(np.sum(a, axis=axis, keepdims=keepdims)))
    check(lambda g: np.sum(np.sin(reduce_grad(g * g, a, axis, keepdims)) * a), g)
    e = _arr(*np.shape(expand_reduced(g, a, axis, keepdims)))
    check(lambda g: np.sum(np.sin(expand_reduced(g * g, a, axis, keepdims)) * e), g)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reverse_cumsum_grad_and_tie_split(axis):
    like = _arr(3, 4)
    g = _arr(*np.shape(np.cumsum(like, axis=axis)))
    check(lambda g: np.sum(np.sin(cumsum_grad(g * g, like, axis)) * like), g)
    x1 = np.array([1.0, 2.0, 3.0, 2.0])
    x2 = np.array([[1.0], [2.0]])
    check(lambda g: np.sum(np.sin(tie_split(g * g, x1 > x2, x1 == x2))), _arr(4))


# --- rules of helpers that forward-mode code calls (reached by forward over forward code, or
# reverse over it): each helper called as a plain function -------------------------------------
def test_center_like_both_modes():
    a = np.array([[0.3, 1.2, -0.5], [2.0, 2.0, 2.0]])     # the second row is constant
    w = _arr(2, 3)
    for axis, kink in ((1, True), (1, False), (None, True), (0, False)):
        check(lambda t: np.sum(np.sin(center_like(t * t, a, axis, kink)) * w), _arr(2, 3))
    check(lambda t: np.sum(np.sin(center_like([t, t * t], [1.0, 2.0], 0, True)) * w[0, :2]),
          0.7)


@pytest.mark.parametrize("concatenator,items", [
    (np.r_, [_arr(2), _arr(3)]),
    (np.r_, ["0", _arr(2, 2), _arr(1, 2)]),
    (np.c_, [_arr(3), _arr(3, 2)]),
    (np.r_, [_arr(2), slice(0, 3)]),
], ids=["r", "r-directive", "c", "r-range"])
def test_index_concat_tangent_both_modes(concatenator, items):
    w = _arr(*np.shape(concatenator[tuple(items)]))
    positions = [i for i, item in enumerate(items) if isinstance(item, np.ndarray)]

    def f(t):
        tangents = [t[positions.index(i)] ** 2 if i in positions else 0.0
                    for i in range(len(items))]
        return np.sum(np.sin(index_concat_tangent(concatenator, tangents, items)) * w)
    check(f, [_arr(*np.shape(items[i])) for i in positions])


def test_linspace_tangent():
    fraction = np.linspace(0.0, 1.0, 4)[:, None] * np.ones((4, 3))
    check_fwd(lambda t: linspace_tangent(t * t, fraction, 0), _arr(3))
    check_fwd(lambda t: linspace_tangent(np.sin(t), fraction.T, -1), 0.4)


def test_sequence_add_tangent_both_modes():
    a, b = [_arr(2), _arr(2)], [_arr(2)]
    w = _arr(3, 2)
    check(lambda t: np.sum(np.stack(sequence_add_tangent([t * t, t], a, b, a + b, 0)) * w),
          _arr(2))
    check(lambda t: np.sum(np.stack(sequence_add_tangent([np.sin(t)], a, b, a + b, 1)) * w),
          _arr(2))
    x, y = _arr(2, 3), _arr(3)          # arithmetic: the tangent broadcast to the result
    check(lambda t: np.sum(np.sin(sequence_add_tangent(t * t, x, y, x + y, 1)) * x), _arr(3))


def test_sequence_extend_tangent():
    a, w = [_arr(2)], _arr(3, 2)
    for b, by_items in (([_arr(2), _arr(2)], True), ((_arr(2), _arr(2)), True),
                        ([_arr(2), _arr(2)], False)):
        y = a + list(b)
        check_fwd(lambda t: np.stack(sequence_extend_tangent([t * t], a, b, y, 0, by_items)) * w,
                  _arr(2))
        check_fwd(lambda t: np.stack(sequence_extend_tangent([t, np.sin(t)], a, b, y, 1,
                                                             by_items)) * w, _arr(2))
    rows = _arr(2, 2)                   # extend by an array: its rows
    check_fwd(lambda t: np.stack(sequence_extend_tangent(t * t, a, rows, a + list(rows), 1,
                                                         True)) * w, _arr(2, 2))


def test_sequence_mul_tangent():
    a, w = [_arr(2), _arr(2)], _arr(6, 2)
    check_fwd(lambda t: np.stack(sequence_mul_tangent([t * t, t], a, 3, a * 3, 0)) * w, _arr(2))
    check_fwd(lambda t: np.stack(sequence_mul_tangent([t * t, t], 3, a, 3 * a, 1)) * w, _arr(2))
    check_fwd(lambda t: np.stack(sequence_mul_tangent(t, a, 3, a * 3, 1)) * w, 0.3)
    x, y = _arr(2, 3), _arr(3)          # arithmetic: the other operand moves too
    check_fwd(lambda t, x, y: sequence_mul_tangent(t * t, x, y, x * y, 0), _arr(2, 3), x, y,
              wrt=(0, 1, 2))
    check_fwd(lambda t, x, y: sequence_mul_tangent(np.sin(t), x, y, x * y, 1), _arr(3), x, y,
              wrt=(0, 1, 2))


def test_sequence_sum_tangent():
    items, w = [[_arr(2)], [_arr(2), _arr(2)]], _arr(4, 2)
    start = [_arr(2)]
    y = start + items[0] + items[1]
    check_fwd(lambda t: np.stack(sequence_sum_tangent([[t * t], [t, np.sin(t)]], items, start,
                                                      y, 0)) * w, _arr(2))
    check_fwd(lambda t: np.stack(sequence_sum_tangent([t * t], items, start, y, 1)) * w, _arr(2))
    nums, s = [_arr(2), _arr(2)], _arr(2)
    check_fwd(lambda t: sequence_sum_tangent([t * t, np.sin(t)], nums, s, s + nums[0] + nums[1],
                                             0), _arr(2))
    check_fwd(lambda t: sequence_sum_tangent(t * t, nums, 0.5, 0.5 + nums[0] + nums[1], 1), 0.4)


def test_dict_and_sequence_tangents():
    p = {"a": _arr(2), "b": _arr(2)}
    check_fwd(lambda t: dict_from_lists_tangent([t * t, np.sin(t)], ["a", "b"],
                                                [p["a"], p["b"]]), _arr(2))
    check_fwd(lambda ta, tb: np.stack(dict_values_tangent({"a": ta * tb, "b": np.sin(tb)}, p)),
              _arr(2), _arr(2), wrt=(0, 1))
    check_fwd(lambda ta: np.stack(dict_values_tangent({"b": ta * ta}, p)), _arr(2))
    check_fwd(lambda ta: np.stack([v for _, v in dict_items_tangent({"a": np.sin(ta)}, p)]),
              _arr(2))
    check_fwd(lambda t: np.stack(dict_items_tangent({"a": t * t, "b": t}, p)[1][1:] + (t,)),
              _arr(2))
    pair = [_arr(2), _arr(2)]
    check_fwd(lambda t: np.stack(iteration_order_tangent([t * t, t], pair)), _arr(2))
    check_fwd(lambda t: np.sum(iteration_order_tangent(t, p)) + t * t, _arr(2))  # keys: zeros
    check_fwd(lambda t: np.stack(sequence_of_tangent((t * t, np.sin(t)), (1.0, 2.0))), _arr(2))
    rows = _arr(3, 2)
    check_fwd(lambda t: np.stack(sequence_of_tangent(t * t, rows)), _arr(3, 2))
    check_fwd(lambda t: np.sum(sequence_of_tangent(t, p)) + t * t, _arr(2))


def test_dict_and_sequence_grads_tangents():
    """The adjoint helpers of the container rules are linear in the adjoint they are given:
    their tangent is the helper applied to its tangent (runtime_rules' linear(...))."""
    from srcdiff.runtime import (dict_from_lists_grad, dict_items_grad, dict_values_grad,
                                 iteration_order_grad, sequence_of_grad)
    p = {"a": _arr(2), "b": _arr(2)}
    check_fwd(lambda t: np.stack(sequence_of_grad([t * t, np.sin(t)], [1.0, 2.0])), _arr(2))
    check_fwd(lambda t: sequence_of_grad([t * t, t, np.sin(t)], _arr(3, 2)), _arr(2))
    check_fwd(lambda t: np.stack(list(dict_values_grad([t * t, np.sin(t)], p).values())),
              _arr(2))
    check_fwd(lambda t: np.stack(list(dict_items_grad([("a", t * t), ("b", np.sin(t))],
                                                      p).values())), _arr(2))
    check_fwd(lambda t: np.stack(iteration_order_grad([t * t, np.sin(t)], [_arr(2), _arr(2)])),
              _arr(2))
    check_fwd(lambda t: np.stack(dict_from_lists_grad({"a": t * t, "b": np.sin(t)}, ["a", "b"],
                                                      [p["a"], p["b"]])), _arr(2))


def test_sequence_grads_tangents():
    from srcdiff.runtime import sequence_extend_grad, sequence_mul_grad, sequence_sum_grad
    a, b = [_arr(2)], [_arr(2), _arr(2)]
    for which in (0, 1):
        check_fwd(lambda t: np.stack(sequence_extend_grad([t * t, t, np.sin(t)], a, b, which,
                                                          True)), _arr(2))
    items, start = [[_arr(2)], [_arr(2), _arr(2)]], [_arr(2)]
    check_fwd(lambda t: np.stack(sequence_sum_grad([t * t, t, np.sin(t), t], items, start,
                                                    0)[1]), _arr(2))
    check_fwd(lambda t: np.stack(sequence_sum_grad([t * t, t, np.sin(t), t], items, start, 1)),
              _arr(2))
    pair = [_arr(2), _arr(2)]
    check_fwd(lambda t: np.stack(sequence_mul_grad([t * t, t, np.sin(t), t, t, t * t], pair, 3,
                                                    0)), _arr(2))
    x, y = _arr(2, 3), _arr(3)          # arithmetic: the other operand moves too
    check_fwd(lambda g, x, y: sequence_mul_grad(g * g, x, y, 0), _arr(2, 3), x, y, wrt=(0, 1, 2))
    check_fwd(lambda g, x, y: sequence_mul_grad(np.sin(g), x, y, 1), _arr(2, 3), x, y,
              wrt=(0, 1, 2))


def test_centered_index_concat_grad_sequence_add_grad_both_modes():
    """Helpers with reverse rules too (grad of grad meets them): both modes, second order."""
    from srcdiff.runtime import centered, index_concat_grad, sequence_add_grad
    w = _arr(2, 3)
    for axis, kink in ((1, True), (None, False), (0, False)):
        check(lambda t: np.sum(np.sin(centered(t * t, axis, kink)) * w), _arr(2, 3))
    items = [_arr(2), _arr(3)]
    check(lambda g: np.sum(np.sin(np.concatenate(index_concat_grad(g * g, np.r_, items)))),
          _arr(5))
    a, b = [_arr(2), _arr(2)], [_arr(2)]
    for which in (0, 1):
        check(lambda t: np.sum(np.sin(np.stack(sequence_add_grad([t * t, t, np.sin(t)], a, b,
                                                                 which))) * w[0, :2]), _arr(2))
