"""Rules for srcdiff's own runtime helpers, so emitted gradient code can be differentiated.

Forward mode run over reverse-mode code (forward-over-reverse: Hessian-vector
products) meets the helpers of `srcdiff.runtime` that reverse templates and the
reverse engine emit. Each one here gets a tangent rule:

* most are linear in their gradient argument (the others only give shapes,
  axes or masks): the tangent is the helper applied to the incoming tangent;
* bilinear ones (matmul_grad_*, dot_grad_*, solve_grad_*, det_grad, ...) get
  one statement per differentiable argument (the product rule);
* masks and tie weights are piecewise constant: their helpers are marked
  non-differentiable (zero tangent almost everywhere); weights that vary
  smoothly (norm weights, prod_others) get real tangents from
  `srcdiff.forward_runtime`;
* helpers that may update a buffer in place (scatter_add, take_and_zero with
  owned=True) are called on tangents with owned=False: a tangent is never
  written in place, it is copied.

Template functions are named `*_tangent` / `*_adjoint` so they never shadow the
helper of the same name that their body calls.
"""
import numpy

from srcdiff.forward_runtime import (det_cofactor_tangent, det_grad_tangent_a, log_base_tangent,
                                     norm_weights_tangent, prod_others_tangent)
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import (abs_slope, arange_slopes, center_like, centered,
                             index_concat_grad, index_concat_tangent, linspace_fraction,
                             linspace_tangent, normal_draw, uniform_fraction,
                             abs_slope_tangent, add_adjoints, array_grad, copy_array,
                             log_base, power_exponent,
                             reshape_like, unpop_adjoint, broadcast_like, builtin_sum_grad,
                             cast_grad, check_cotangent, check_differentiable, check_in_place,
                             check_item_update,
                             check_directive, check_item_copies, check_no_step,
                             check_no_view, check_norm_order, check_not_shared, check_spread,
                             clip_mask,
                             cumsum_grad, det_cofactor, det_grad, diagonal_grad, dot_grad_left,
                             dot_grad_right, expand_reduced, extremum_grad, extremum_weights,
                             finalize,
                             imag_grad, inner_grad, inverse_axes, log_of_base,
                             matmul_grad_left, matmul_grad_right, no_derivative, norm_weights,
                             ones_like_value,
                             pick_grad, pick_tangent, pop_adjoint, prod_others, reduce_grad,
                             reduced_count, repeat_grad, safe_divide, saved_item, scatter_add,
                             solve_grad_a, solve_grad_b, solve_tangent_a, split_grad,
                             sum_to_gradient, take_and_zero, take_grad, take_indices, tie_split,
                             unbroadcast, unstack_grad, zeros_like_value)
# the container helpers of templates/containers.py
from srcdiff.runtime import (concatenates, dict_from_lists_grad, dict_from_lists_tangent,
                             dict_items_grad, dict_items_tangent, dict_values_grad,
                             dict_values_tangent, drop_missing, grows_by_items,
                             iteration_order_grad, iteration_order_tangent, repeated_side,
                             sequence_add_grad, sequence_add_tangent, sequence_extend_grad,
                             sequence_extend_tangent, sequence_mul_grad, sequence_mul_grad_moved,
                             sequence_mul_tangent, sequence_mul_tangent_moved, sequence_of_grad,
                             sequence_of_tangent, sequence_sum_grad, sequence_sum_tangent)
# which operation a container helper meets, and dropping a key the restore put back: no tangent
nondifferentiable(concatenates, repeated_side, grows_by_items, drop_missing)

# constants, checks, integer counts, axis permutations, boolean masks and tie weights;
# range slopes and fractions (they depend on shapes, dtypes and flags only) and the
# standard draws behind random samples (fixed along the sample's path)
nondifferentiable(zeros_like_value, ones_like_value, check_differentiable, reduced_count,
                  inverse_axes, clip_mask, extremum_weights, take_indices, no_derivative,
                  check_in_place, check_item_copies, check_item_update, check_norm_order,
                  check_not_shared,
                  check_no_view, check_directive, check_no_step, check_spread, arange_slopes,
                  linspace_fraction, normal_draw, uniform_fraction)


# -- the reverse engine's helpers: adjoint buffers, item writes, lists, the result ------
@forward(unbroadcast)
def unbroadcast_tangent(y, grad, like):
    d[y] = unbroadcast(d[grad], like)


@forward(broadcast_like)
def broadcast_like_tangent(y, tangent, like):
    d[y] = broadcast_like(d[tangent], like)


@forward(add_adjoints)
def add_adjoints_tangent(y, a, b):
    d[y] = d[a]
    d[y] = d[b]


@forward(scatter_add)
def scatter_add_tangent(y, buffer, value, index, grad, owned, where=None):
    d[y] = d[buffer]
    d[y] = scatter_add(None, value, index, d[grad], False, where)


@forward(take_and_zero)
def take_and_zero_tangent(y, buffer, index, owned, where=None):
    d[y] = take_and_zero(d[buffer], index, False, where)


@forward(unpop_adjoint)
def unpop_adjoint_tangent(y, buffer, value, grad):
    # always a list: the list display makes two terms add item by item (add_tangents)
    d[y] = [*unpop_adjoint(d[buffer], value, None)]
    d[y] = [*unpop_adjoint(None, value, d[grad])]


@forward(copy_array)
def copy_array_tangent(y, value):
    d[y] = d[value]


@forward(saved_item)
def saved_item_tangent(y, value, index):
    d[y] = saved_item(d[value], index)


@forward(pop_adjoint)
def pop_adjoint_tangent(y, buffer):
    d[y] = pop_adjoint(d[buffer])


@forward(sum_to_gradient)
def sum_to_gradient_tangent(y, grad, like):
    d[y] = sum_to_gradient(d[grad], like)


@forward(finalize)
def finalize_tangent(y, grad, like, name):
    d[y] = finalize(d[grad], like, name)


@forward(check_cotangent)
def check_cotangent_tangent(y, cotangent, value):
    d[y] = d[cotangent]


# -- helpers of the reverse templates ------------------------------------------------
@forward(matmul_grad_left)
def matmul_grad_left_tangent(y, grad, a, b):
    d[y] = matmul_grad_left(d[grad], a, b)
    d[y] = matmul_grad_left(grad, a, d[b])


@forward(matmul_grad_right)
def matmul_grad_right_tangent(y, grad, a, b):
    d[y] = matmul_grad_right(d[grad], a, b)
    d[y] = matmul_grad_right(grad, d[a], b)


@forward(expand_reduced)
def expand_reduced_tangent(y, grad, like, axis, keepdims):
    d[y] = expand_reduced(d[grad], like, axis, keepdims)


@forward(extremum_grad)
def extremum_grad_tangent(y, grad, a, result, axis, keepdims):
    d[y] = extremum_grad(d[grad], a, result, axis, keepdims)


@forward(reduce_grad)
def reduce_grad_tangent(y, grad, like, axis, keepdims):
    d[y] = reduce_grad(d[grad], like, axis, keepdims)


@forward(centered)
def centered_tangent(y, a, axis, kink=False):
    d[y] = center_like(d[a], a, axis, kink)


@forward(center_like)
def center_like_tangent(y, t, a, axis, kink):
    d[y] = center_like(d[t], a, axis, kink)


@forward(prod_others)
def prod_others_tangent_rule(y, a, axis):
    d[y] = prod_others_tangent(d[a], a, axis)


@forward(cumsum_grad)
def cumsum_grad_tangent(y, grad, like, axis):
    d[y] = cumsum_grad(d[grad], like, axis)


@forward(tie_split)
def tie_split_tangent(y, grad, wins, ties):
    d[y] = tie_split(d[grad], wins, ties)


@forward(dot_grad_left)
def dot_grad_left_tangent(y, grad, a, b):
    d[y] = dot_grad_left(d[grad], a, b)
    d[y] = dot_grad_left(grad, a, d[b])


@forward(dot_grad_right)
def dot_grad_right_tangent(y, grad, a, b):
    d[y] = dot_grad_right(d[grad], a, b)
    d[y] = dot_grad_right(grad, d[a], b)


@forward(cast_grad)
def cast_grad_tangent(y, grad, like, result):
    d[y] = cast_grad(d[grad], like, result)


@forward(split_grad)
def split_grad_tangent(y, grad, arrays, axis, promote=None):
    d[y] = split_grad(d[grad], arrays, axis, promote)


@forward(index_concat_grad)
def index_concat_grad_tangent(y, grad, concatenator, items):
    d[y] = index_concat_grad(d[grad], concatenator, items)


@forward(index_concat_tangent)
def index_concat_tangent_tangent(y, concatenator, tangents, items):
    d[y] = index_concat_tangent(concatenator, d[tangents], items)


@forward(linspace_tangent)
def linspace_tangent_tangent(y, tangent, fraction, axis):
    d[y] = linspace_tangent(d[tangent], fraction, axis)


@forward(unstack_grad)
def unstack_grad_tangent(y, grad, arrays, axis):
    d[y] = unstack_grad(d[grad], arrays, axis)


@forward(array_grad)
def array_grad_tangent(y, grad, like):
    d[y] = array_grad(d[grad], like)


@forward(diagonal_grad)
def diagonal_grad_tangent(y, grad, like, offset, axis1, axis2):
    d[y] = diagonal_grad(d[grad], like, offset, axis1, axis2)


@forward(abs_slope)
def abs_slope_tangent_rule(y, x):
    d[y] = abs_slope_tangent(d[x], x)


@forward(imag_grad)
def imag_grad_tangent(y, grad, like):
    d[y] = imag_grad(d[grad], like)


@forward(builtin_sum_grad)
def builtin_sum_grad_tangent(y, grad, iterable):
    d[y] = builtin_sum_grad(d[grad], iterable)


@forward(pick_grad)
def pick_grad_tangent(y, grad, values, other, position, largest):
    d[y] = pick_grad(d[grad], values, other, position, largest)


@forward(pick_tangent)
def pick_tangent_tangent(y, tangent, values, other, position, largest):
    d[y] = pick_tangent(d[tangent], values, other, position, largest)


@forward(power_exponent)
def power_exponent_tangent(y, exponent):
    d[y] = d[exponent] * (exponent != 0)


@forward(log_base)
def log_base_tangent_rule(y, base):
    d[y] = log_base_tangent(d[base], base)


@forward(reshape_like)
def reshape_like_tangent(y, grad, like, order="C"):
    d[y] = reshape_like(d[grad], like, order)


@forward(log_of_base)
def log_of_base_tangent(y, base):
    d[y] = d[base] / base


@forward(safe_divide)
def safe_divide_tangent(y, num, den):
    d[y] = safe_divide(d[num], den)
    d[y] = -safe_divide(d[den] * y, den)


@forward(norm_weights)
def norm_weights_tangent_rule(w, x, y, ord, axis, keepdims, kind="norm"):
    d[w] = norm_weights_tangent(d[x], None, x, y, ord, axis, keepdims, kind)
    d[w] = norm_weights_tangent(None, d[y], x, y, ord, axis, keepdims, kind)


@forward(det_grad)
def det_grad_tangent(out, grad, a):
    d[out] = det_grad(d[grad], a)
    d[out] = det_grad_tangent_a(d[a], grad, a)


@forward(det_cofactor)
def det_cofactor_tangent_rule(out, a):
    d[out] = det_cofactor_tangent(d[a], a)


@forward(solve_grad_b)
def solve_grad_b_tangent(out, grad, a, b):
    d[out] = solve_grad_b(d[grad], a, b)
    d[out] = solve_tangent_a(numpy.swapaxes(d[a], -1, -2), numpy.swapaxes(a, -1, -2), b, out)


@forward(solve_grad_a)
def solve_grad_a_tangent(out, grad_b, b, x):
    d[out] = solve_grad_a(d[grad_b], b, x)
    d[out] = solve_grad_a(grad_b, b, d[x])


@forward(solve_tangent_a)
def solve_tangent_a_tangent(out, tangent, a, b, x):
    d[out] = solve_tangent_a(d[tangent], a, b, x)
    d[out] = solve_tangent_a(tangent, a, b, d[x])
    d[out] = solve_tangent_a(d[a], a, b, out)


@forward(inner_grad)
def inner_grad_tangent(out, grad, a, b, which):
    d[out] = inner_grad(d[grad], a, b, which)
    d[out] = inner_grad(grad, d[a], b, which) * (which == 1)
    d[out] = inner_grad(grad, a, d[b], which) * (which == 0)


@forward(take_grad)
def take_grad_tangent(y, grad, like, indices, axis, mode):
    d[y] = take_grad(d[grad], like, indices, axis, mode)


@forward(repeat_grad)
def repeat_grad_tangent(y, grad, like, repeats, axis):
    d[y] = repeat_grad(d[grad], like, repeats, axis)


# -- + and * on operands that may be lists or tuples (templates/containers.py) ----------
@forward(sequence_add_grad)
def sequence_add_grad_tangent(y, grad, a, b, which):
    d[y] = sequence_add_grad(d[grad], a, b, which)


@forward(sequence_add_tangent)
def sequence_add_tangent_tangent(y, tangent, a, b, like, which):
    d[y] = sequence_add_tangent(d[tangent], a, b, like, which)


@forward(sequence_extend_grad)
def sequence_extend_grad_tangent(y, grad, a, b, which, by_items):
    d[y] = sequence_extend_grad(d[grad], a, b, which, by_items)


@forward(sequence_extend_tangent)
def sequence_extend_tangent_tangent(y, tangent, a, b, like, which, by_items):
    d[y] = sequence_extend_tangent(d[tangent], a, b, like, which, by_items)


@forward(sequence_sum_grad)
def sequence_sum_grad_tangent(y, grad, iterable, start, which):
    d[y] = sequence_sum_grad(d[grad], iterable, start, which)


@forward(sequence_sum_tangent)
def sequence_sum_tangent_tangent(y, tangent, iterable, start, like, which):
    d[y] = sequence_sum_tangent(d[tangent], iterable, start, like, which)


@forward(dict_from_lists_grad)
def dict_from_lists_grad_tangent(y, grad, keys, values):
    d[y] = dict_from_lists_grad(d[grad], keys, values)


@forward(dict_from_lists_tangent)
def dict_from_lists_tangent_tangent(y, tangent, keys, values):
    d[y] = dict_from_lists_tangent(d[tangent], keys, values)


@forward(dict_values_grad)
def dict_values_grad_tangent(y, grad, value):
    d[y] = dict_values_grad(d[grad], value)


@forward(dict_items_grad)
def dict_items_grad_tangent(y, grad, value):
    d[y] = dict_items_grad(d[grad], value)


@forward(dict_values_tangent)
def dict_values_tangent_tangent(y, tangent, value):
    d[y] = dict_values_tangent(d[tangent], value)


@forward(dict_items_tangent)
def dict_items_tangent_tangent(y, tangent, value):
    d[y] = dict_items_tangent(d[tangent], value)


@forward(sequence_of_grad)
def sequence_of_grad_tangent(y, grad, value):
    d[y] = sequence_of_grad(d[grad], value)


@forward(sequence_of_tangent)
def sequence_of_tangent_tangent(y, tangent, value):
    d[y] = sequence_of_tangent(d[tangent], value)


@forward(iteration_order_grad)
def iteration_order_grad_tangent(y, grad, value):
    d[y] = iteration_order_grad(d[grad], value)


@forward(iteration_order_tangent)
def iteration_order_tangent_tangent(y, tangent, value):
    d[y] = iteration_order_tangent(d[tangent], value)


@forward(sequence_mul_grad)
def sequence_mul_grad_tangent(y, grad, a, b, which):
    d[y] = sequence_mul_grad(d[grad], a, b, which)
    d[y] = sequence_mul_grad_moved(grad, d[a], a, b, which, 0)
    d[y] = sequence_mul_grad_moved(grad, d[b], a, b, which, 1)


@forward(sequence_mul_tangent)
def sequence_mul_tangent_tangent(y, tangent, a, b, like, which):
    d[y] = sequence_mul_tangent(d[tangent], a, b, like, which)
    d[y] = sequence_mul_tangent_moved(tangent, d[a], a, b, like, which, 0)
    d[y] = sequence_mul_tangent_moved(tangent, d[b], a, b, like, which, 1)


# -- reverse rules for the simplest linear helpers --------------------------------------
@reverse(unbroadcast)
def unbroadcast_adjoint(y, grad, like):
    d[grad] = broadcast_like(d[y], grad)


@reverse(broadcast_like)
def broadcast_like_adjoint(y, tangent, like):
    d[tangent] = unbroadcast(d[y], tangent)


@reverse(reduce_grad)
def reduce_grad_adjoint(y, grad, like, axis, keepdims):
    d[grad] = numpy.reshape(numpy.sum(d[y], axis=axis, keepdims=keepdims), numpy.shape(grad))


@reverse(expand_reduced)
def expand_reduced_adjoint(y, grad, like, axis, keepdims):
    d[grad] = numpy.reshape(d[y], numpy.shape(grad))


@reverse(reshape_like)
def reshape_like_adjoint(y, grad, like, order="C"):
    d[grad] = reshape_like(d[y], grad, order)


@reverse(centered)
def centered_adjoint(y, a, axis, kink=False):
    d[a] = center_like(d[y], a, axis, kink)


@reverse(center_like)
def center_like_adjoint(y, t, a, axis, kink):
    d[t] = center_like(d[y], a, axis, kink)


@reverse(index_concat_grad)
def index_concat_grad_adjoint(y, grad, concatenator, items):
    d[grad] = index_concat_tangent(concatenator, d[y], items)


@reverse(index_concat_tangent)
def index_concat_tangent_adjoint(y, concatenator, tangents, items):
    d[tangents] = index_concat_grad(d[y], concatenator, items)


@reverse(cumsum_grad)
def cumsum_grad_adjoint(y, grad, like, axis):
    d[grad] = numpy.reshape(numpy.cumsum(d[y], axis=axis), numpy.shape(grad))


@reverse(tie_split)
def tie_split_adjoint(y, grad, wins, ties):
    d[grad] = unbroadcast(tie_split(d[y], wins, ties), grad)


@reverse(sequence_add_grad)
def sequence_add_grad_adjoint(y, grad, a, b, which):
    d[grad] = sequence_add_tangent(d[y], a, b, grad, which)


@reverse(sequence_add_tangent)
def sequence_add_tangent_adjoint(y, tangent, a, b, like, which):
    d[tangent] = sequence_add_grad(d[y], a, b, which)
