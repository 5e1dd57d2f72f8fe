"""Rules for srcdiff's own runtime helpers, so emitted gradient code can be differentiated.

Forward mode run over reverse-mode code (forward-over-reverse: Hessian-vector
products) meets the helpers of `srcdiff.runtime` that reverse templates and the
reverse engine emit. Each one here gets a tangent rule:

* most are linear in their gradient argument (the others only give shapes,
  axes or masks): `linear(helper, "grad")` declares the tangent, the helper applied
  to the incoming tangent, and with `transpose=` the reverse rule;
* bilinear ones (matmul_grad_*, dot_grad_*, solve_grad_a) are declared linear in
  each argument: one statement per argument (the product rule); det_grad,
  solve_grad_b, inner_grad, ... are written by hand;
* masks and tie weights are piecewise constant: their helpers are marked
  non-differentiable (zero tangent almost everywhere); weights that vary
  smoothly (norm weights, prod_others) get real tangents from
  `srcdiff.forward_runtime`;
* helpers that may update a buffer in place (scatter_add, add_item, take_and_zero with
  owned=True) are called on tangents with owned=False: a tangent is never
  written in place, it is copied.

Template functions are named `*_tangent` / `*_adjoint` so they never shadow the
helper of the same name that their body calls.
"""
import numpy

from srcdiff.forward_runtime import (det_cofactor_tangent, det_grad_tangent_a, log_base_tangent,
                                     norm_weights_tangent, prod_others_tangent)
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import (abs_slope, arange_slopes, center_like, centered,
                             index_concat_grad, index_concat_tangent, linspace_fraction,
                             linspace_tangent, normal_draw, uniform_fraction,
                             abs_slope_tangent, add_adjoints, add_item, array_grad, copy_array,
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
                             scattered_add_grad, sum_to_gradient, take_along_axis_grad,
                             take_and_zero, take_grad, zero_cotangent_product,
                             zero_cotangent_tangent, zero_restored_slot,
                             take_indices, tie_split,
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
linear(unbroadcast, "grad",
       transpose=lambda y, grad, like: broadcast_like(d[y], grad))
linear(broadcast_like, "tangent",
       transpose=lambda y, tangent, like: unbroadcast(d[y], tangent))


@forward(add_adjoints)
def add_adjoints_tangent(y, a, b):
    d[y] = d[a]
    d[y] = d[b]


@forward(scatter_add)
def scatter_add_tangent(y, buffer, value, index, grad, owned, where=None):
    d[y] = d[buffer]
    d[y] = scatter_add(None, value, index, d[grad], False, where)


@forward(add_item)
def add_item_tangent(y, buffer, index, grad):
    d[y] = d[buffer]
    d[y] = scatter_add(None, buffer, index, d[grad], False)


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


linear(saved_item, "value")
linear(zero_restored_slot, "buffer")
# a product of a zero cotangent made 0 where NaN (srcdiff/zero_cotangents.py): linear in the
# product, under a mask (where it was zeroed) that is piecewise constant
linear(zero_cotangent_tangent, "tangent",
       transpose=lambda y, cotangent, product, tangent: zero_cotangent_tangent(
           cotangent, product, d[y]))


@forward(zero_cotangent_product)
def zero_cotangent_product_tangent(y, cotangent, product):
    d[y] = zero_cotangent_tangent(cotangent, product, d[product])


@reverse(zero_cotangent_product)
def zero_cotangent_product_adjoint(y, cotangent, product):
    d[product] = zero_cotangent_tangent(cotangent, product, d[y])
linear(pop_adjoint, "buffer")
linear(sum_to_gradient, "grad")
linear(finalize, "grad")


@forward(check_cotangent)
def check_cotangent_tangent(y, cotangent, value):
    d[y] = d[cotangent]


# -- helpers of the reverse templates ------------------------------------------------
linear(matmul_grad_left, "grad", "b")
linear(matmul_grad_right, "grad", "a")
linear(expand_reduced, "grad",
       transpose=lambda y, grad, like, axis, keepdims: numpy.reshape(d[y], numpy.shape(grad)))
linear(extremum_grad, "grad")
linear(reduce_grad, "grad", transpose=lambda y, grad, like, axis, keepdims:
       numpy.reshape(numpy.sum(d[y], axis=axis, keepdims=keepdims), numpy.shape(grad)))


@forward(centered)
def centered_tangent(y, a, axis, kink=False):
    d[y] = center_like(d[a], a, axis, kink)


linear(center_like, "t",
       transpose=lambda y, t, a, axis, kink: center_like(d[y], a, axis, kink))


@forward(prod_others)
def prod_others_tangent_rule(y, a, axis):
    d[y] = prod_others_tangent(d[a], a, axis)


linear(cumsum_grad, "grad", transpose=lambda y, grad, like, axis:
       numpy.reshape(numpy.cumsum(d[y], axis=axis), numpy.shape(grad)))
linear(tie_split, "grad",
       transpose=lambda y, grad, wins, ties: unbroadcast(tie_split(d[y], wins, ties), grad))
linear(dot_grad_left, "grad", "b")
linear(dot_grad_right, "grad", "a")
linear(cast_grad, "grad")
linear(split_grad, "grad")
linear(index_concat_grad, "grad", transpose=lambda y, grad, concatenator, items:
       index_concat_tangent(concatenator, d[y], items))
linear(index_concat_tangent, "tangents", transpose=lambda y, concatenator, tangents, items:
       index_concat_grad(d[y], concatenator, items))
linear(linspace_tangent, "tangent")
linear(unstack_grad, "grad")
linear(array_grad, "grad")
linear(diagonal_grad, "grad")


@forward(abs_slope)
def abs_slope_tangent_rule(y, x):
    d[y] = abs_slope_tangent(d[x], x)


linear(imag_grad, "grad")
linear(builtin_sum_grad, "grad")
linear(pick_grad, "grad")
linear(pick_tangent, "tangent")


@forward(power_exponent)
def power_exponent_tangent(y, exponent):
    d[y] = d[exponent] * (exponent != 0)


@forward(log_base)
def log_base_tangent_rule(y, base):
    d[y] = log_base_tangent(d[base], base)


linear(reshape_like, "grad",
       transpose=lambda y, grad, like, order: reshape_like(d[y], grad, order))


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


linear(solve_grad_a, "grad_b", "x")


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


linear(take_grad, "grad")
linear(scattered_add_grad, "grad")
linear(take_along_axis_grad, "grad")
linear(repeat_grad, "grad")


# -- + and * on operands that may be lists or tuples (templates/containers.py) ----------
linear(sequence_add_grad, "grad",
       transpose=lambda y, grad, a, b, which: sequence_add_tangent(d[y], a, b, grad, which))
linear(sequence_add_tangent, "tangent",
       transpose=lambda out, tangent, a, b, y, which: sequence_add_grad(d[out], a, b, which))
linear(sequence_extend_grad, "grad")
linear(sequence_extend_tangent, "tangent")
linear(sequence_sum_grad, "grad")
linear(sequence_sum_tangent, "tangent")
linear(dict_from_lists_grad, "grad")
linear(dict_from_lists_tangent, "tangent")
linear(dict_values_grad, "grad")
linear(dict_items_grad, "grad")
linear(dict_values_tangent, "tangent")
linear(dict_items_tangent, "tangent")
linear(sequence_of_grad, "grad")
linear(sequence_of_tangent, "tangent")
linear(iteration_order_grad, "grad")
linear(iteration_order_tangent, "tangent")


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


# -- reverse rules of helpers not declared linear above -------------------------------
@reverse(centered)
def centered_adjoint(y, a, axis, kink=False):
    d[a] = center_like(d[y], a, axis, kink)


