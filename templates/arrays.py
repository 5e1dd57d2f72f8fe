"""Array manipulation: functions that pick, copy, pad, cut, join, rotate or order elements
(numpy.diag, diagflat, pad, tile, flipud/fliplr, rot90, roll, rollaxis, tril/triu, append, the
splits, column_stack, dstack, sort, partition, diff, gradient), and nan_to_num, select
and real_if_close (numpy.angle is in complex_values.py). The `%` operator shares numpy.remainder's rule (ufuncs.py).

They are linear in their array arguments: the forward rule applies the function
to the tangent, the reverse rule its transpose (a helper of srcdiff.runtime_arrays, whose
tangent rule, at the end of this file, applies it to the incoming tangent). Sorting and
partitioning follow the elements: ties split the derivative evenly between the places of
equal values (the convention of max and min). nan_to_num's values move with
nan=, posinf= and neginf= where it puts them. A keyword a rule does not handle is not in its
signature, so the call is refused at the user's line; numpy.pad's other modes are refused
there too (srcdiff/checks.py). numpy.gradient takes a scalar spacing or one array of
coordinates (srcdiff/runtime_coordinates.py), in both of which it is differentiated.
"""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import broadcast_like, cast_grad, unbroadcast
from srcdiff.runtime_coordinates import gradient_grad_along, gradient_spacing_grad_along
from srcdiff.runtime_stats import ediff1d_grad, ediff1d_tangent
from srcdiff.runtime_spacings import (gradient_spacings, spacings_f_grad,
                                      spacings_f_grad_along, spacings_spacing_grad,
                                      spacings_spacing_grad_along, spacings_tangent)
from srcdiff.runtime_arrays import (append_grad, append_tangent, check_gradient_spacing,
                                    check_pad_mode, diag_grad, diff_grad,
                                    diff_tangent, finite_part, gradient_grad,
                                    gradient_spacing_grad, gradient_spacing_tangent,
                                    negative_shift, pad_constant_grad, pad_constant_tangent,
                                    pad_grad, pad_index, pad_ramp_ends_grad,
                                    pad_ramp_ends_tangent, pad_tangent, permuted_grad,
                                    permuted_tangent,
                                    replaced_where, rollaxis_inverse, select_grad,
                                    select_masks, select_tangent, split_join, stacked_grad,
                                    tile_grad)


# -- nan_to_num, select, real_if_close ----------------------------------------
@reverse(numpy.nan_to_num)
def nan_to_num(y, x, *, nan=0.0, posinf=None, neginf=None):
    d[x] = finite_part(d[y], x)
    d[nan] = numpy.real(numpy.sum(d[y] * replaced_where(x, "nan")))
    d[posinf] = numpy.real(numpy.sum(d[y] * replaced_where(x, "posinf")))
    d[neginf] = numpy.real(numpy.sum(d[y] * replaced_where(x, "neginf")))


@forward(numpy.nan_to_num)
def nan_to_num(y, x, *, nan=0.0, posinf=None, neginf=None):
    d[y] = finite_part(d[x], x)
    d[y] = d[nan] * replaced_where(x, "nan")
    d[y] = d[posinf] * replaced_where(x, "posinf")
    d[y] = d[neginf] * replaced_where(x, "neginf")


@reverse(numpy.select)
def select(y, condlist, choicelist, default=0):
    d[choicelist] = select_grad(d[y], condlist, choicelist, y)
    d[default] = unbroadcast(d[y] * select_masks(condlist, y)[-1], default)


@forward(numpy.select)
def select(y, condlist, choicelist, default=0):
    d[y] = select_tangent(d[choicelist], condlist, y)
    d[y] = broadcast_like(d[default], y) * select_masks(condlist, y)[-1]


# real_if_close drops an imaginary part that is close to zero: then it is numpy.real
@reverse(numpy.real_if_close)
def real_if_close(y, a, tol=100):
    d[a] = cast_grad(d[y], a, y)


@forward(numpy.real_if_close)
def real_if_close(y, a, tol=100):
    d[y] = cast_grad(d[a], y, y)


# -- diagonals and triangles ---------------------------------------------------------
@reverse(numpy.diag)
def diag(y, v, k=0):
    d[v] = diag_grad(d[y], v, k)


@forward(numpy.diag)
def diag(y, v, k=0):
    d[y] = numpy.diag(d[v], k)


# diagflat: v's values (raveled) on diagonal k of a new matrix
linear(numpy.diagflat, "v", transpose=lambda y, v, k=0: numpy.reshape(
    diag_grad(d[y], numpy.ravel(v), k), numpy.shape(v)))


@reverse(numpy.tril)
def tril(y, m, k=0):
    d[m] = unbroadcast(numpy.tril(d[y], k), m)


@forward(numpy.tril)
def tril(y, m, k=0):
    d[y] = numpy.tril(d[m], k)


@reverse(numpy.triu)
def triu(y, m, k=0):
    d[m] = unbroadcast(numpy.triu(d[y], k), m)


@forward(numpy.triu)
def triu(y, m, k=0):
    d[y] = numpy.triu(d[m], k)


# -- padding and tiling --------------------------------------------------------------
# numpy.pad's other modes (empty, a function) and keyword reflect_type are refused. It is
# linear in the array and in constant_values or end_values (linear_ramp's): the tangent in
# the array is the tangent padded in the same mode (zeros for the values, numpy's defaults);
# in a statistic's mode (maximum, minimum, mean, median) each padded value is a weighted sum
# of the slab the statistic reads (weights of the primal's largest, smallest, middle values)
@reverse(numpy.pad)
def pad(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0):
    d[array] = pad_grad(d[y], array, pad_width, mode, stat_length)
    d[constant_values] = pad_constant_grad(d[y], array, pad_width, constant_values)
    d[end_values] = pad_ramp_ends_grad(d[y], array, pad_width, end_values)


@forward(numpy.pad)
def pad(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0):
    d[y] = pad_tangent(d[array], array, pad_width, mode, stat_length)
    d[y] = pad_constant_tangent(d[constant_values], array, pad_width, y)
    d[y] = pad_ramp_ends_tangent(d[end_values], array, pad_width, y)


@reverse(numpy.tile)
def tile(y, A, reps):
    d[A] = tile_grad(d[y], A, reps)


@forward(numpy.tile)
def tile(y, A, reps):
    d[y] = numpy.tile(d[A], reps)


# -- flips, rotations, rolls ---------------------------------------------------------
@reverse(numpy.flipud)
def flipud(y, m):
    d[m] = numpy.flipud(d[y])


@forward(numpy.flipud)
def flipud(y, m):
    d[y] = numpy.flipud(d[m])


@reverse(numpy.fliplr)
def fliplr(y, m):
    d[m] = numpy.fliplr(d[y])


@forward(numpy.fliplr)
def fliplr(y, m):
    d[y] = numpy.fliplr(d[m])


@reverse(numpy.rot90)
def rot90(y, m, k=1, axes=(0, 1)):
    d[m] = numpy.rot90(d[y], -k, axes)


@forward(numpy.rot90)
def rot90(y, m, k=1, axes=(0, 1)):
    d[y] = numpy.rot90(d[m], k, axes)


@reverse(numpy.roll)
def roll(y, a, shift, axis=None):
    d[a] = numpy.roll(d[y], negative_shift(shift), axis)


@forward(numpy.roll)
def roll(y, a, shift, axis=None):
    d[y] = numpy.roll(d[a], shift, axis)


@reverse(numpy.rollaxis)
def rollaxis(y, a, axis, start=0):
    d[a] = numpy.transpose(d[y], rollaxis_inverse(numpy.ndim(a), axis, start))


@forward(numpy.rollaxis)
def rollaxis(y, a, axis, start=0):
    d[y] = numpy.rollaxis(d[a], axis, start)


# -- joining and cutting -------------------------------------------------------------
@reverse(numpy.append)
def append(y, arr, values, axis=None):
    d[arr] = append_grad(d[y], arr, values, axis, 0)
    d[values] = append_grad(d[y], arr, values, axis, 1)


@forward(numpy.append)
def append(y, arr, values, axis=None):
    d[y] = append_tangent(d[arr], arr, values, axis, 0)
    d[y] = append_tangent(d[values], arr, values, axis, 1)


@reverse(numpy.split, numpy.array_split)
def split(y, ary, indices_or_sections, axis=0):
    d[ary] = split_join(d[y], ary, indices_or_sections, axis, None)


@forward(numpy.split, numpy.array_split)
def split(y, ary, indices_or_sections, axis=0):
    d[y] = numpy.array_split(d[ary], indices_or_sections, axis)


@reverse(numpy.hsplit)
def hsplit(y, ary, indices_or_sections):
    d[ary] = split_join(d[y], ary, indices_or_sections, None, "h")


@forward(numpy.hsplit)
def hsplit(y, ary, indices_or_sections):
    d[y] = numpy.hsplit(d[ary], indices_or_sections)


@reverse(numpy.vsplit)
def vsplit(y, ary, indices_or_sections):
    d[ary] = split_join(d[y], ary, indices_or_sections, None, "v")


@forward(numpy.vsplit)
def vsplit(y, ary, indices_or_sections):
    d[y] = numpy.vsplit(d[ary], indices_or_sections)


@reverse(numpy.dsplit)
def dsplit(y, ary, indices_or_sections):
    d[ary] = split_join(d[y], ary, indices_or_sections, None, "d")


@forward(numpy.dsplit)
def dsplit(y, ary, indices_or_sections):
    d[y] = numpy.dsplit(d[ary], indices_or_sections)


@reverse(numpy.column_stack)
def column_stack(y, tup):
    d[tup] = stacked_grad(d[y], tup, "column")


@forward(numpy.column_stack)
def column_stack(y, tup):
    d[y] = numpy.column_stack(d[tup])


@reverse(numpy.dstack)
def dstack(y, tup):
    d[tup] = stacked_grad(d[y], tup, "depth")


@forward(numpy.dstack)
def dstack(y, tup):
    d[y] = numpy.dstack(d[tup])


# -- ordering ------------------------------------------------------------------------
@reverse(numpy.sort)
def sort(y, a, axis=-1, kind=None, *, stable=None):
    d[a] = permuted_grad(d[y], a, y, axis)


@forward(numpy.sort)
def sort(y, a, axis=-1, kind=None, *, stable=None):
    d[y] = permuted_tangent(d[a], a, y, axis)


@reverse(numpy.partition)
def partition(y, a, kth, axis=-1, kind="introselect"):
    d[a] = permuted_grad(d[y], a, y, axis)


@forward(numpy.partition)
def partition(y, a, kth, axis=-1, kind="introselect"):
    d[y] = permuted_tangent(d[a], a, y, axis)


# -- differences ---------------------------------------------------------------------
@reverse(numpy.diff)
def diff(y, a, n=1, axis=-1, prepend=None, append=None):
    d[a] = diff_grad(d[y], a, n, axis, prepend, append, "a")
    d[prepend] = diff_grad(d[y], a, n, axis, prepend, append, "prepend")
    d[append] = diff_grad(d[y], a, n, axis, prepend, append, "append")


@forward(numpy.diff)
def diff(y, a, n=1, axis=-1, prepend=None, append=None):
    d[y] = diff_tangent(d[a], a, n, axis, prepend, append, "a")
    d[y] = diff_tangent(d[prepend], a, n, axis, prepend, append, "prepend")
    d[y] = diff_tangent(d[append], a, n, axis, prepend, append, "append")


# ediff1d(ary, to_end, to_begin): to_begin, the differences of ary's flattening, to_end
@reverse(numpy.ediff1d)
def ediff1d(y, ary, to_end=None, to_begin=None):
    d[ary] = ediff1d_grad(d[y], ary, to_end, to_begin, "ary")
    d[to_end] = ediff1d_grad(d[y], ary, to_end, to_begin, "to_end")
    d[to_begin] = ediff1d_grad(d[y], ary, to_end, to_begin, "to_begin")


@forward(numpy.ediff1d)
def ediff1d(y, ary, to_end=None, to_begin=None):
    d[y] = ediff1d_tangent(d[ary], ary, to_end, to_begin, "ary")
    d[y] = ediff1d_tangent(d[to_end], ary, to_end, to_begin, "to_end")
    d[y] = ediff1d_tangent(d[to_begin], ary, to_end, to_begin, "to_begin")


linear(ediff1d_grad, "grad")


# one scalar spacing, or one array of coordinates (srcdiff.runtime_coordinates); several
# spacings do not bind to the rule (refused at the call's line)
@reverse(numpy.gradient)
def gradient(y, f, spacing=1.0, *, axis=None, edge_order=1):
    d[f] = gradient_grad(d[y], f, spacing, axis, edge_order)
    d[spacing] = gradient_spacing_grad(d[y], y, spacing, axis, f, edge_order)


@forward(numpy.gradient)
def gradient(y, f, spacing=1.0, *, axis=None, edge_order=1):
    d[y] = numpy.gradient(d[f], spacing, axis=axis, edge_order=edge_order)
    d[y] = gradient_spacing_tangent(d[spacing], y, spacing, axis, f, edge_order)


# a spacing per axis, numpy.gradient(f, dx, dy): gradient_spacings (srcdiff/spacing_calls.py
# lowers the call to it; srcdiff/runtime_spacings.py), result k the one-spacing gradient
# along axis k
@reverse(gradient_spacings)
def gradient_per_axis(y, f, s0, s1, s2=None, s3=None, *, axis=None, edge_order=1):
    d[f] = spacings_f_grad(d[y], f, s0, s1, s2, s3, axis, edge_order)
    d[s0] = spacings_spacing_grad(d[y], y, f, s0, s1, s2, s3, axis, edge_order, 0)
    d[s1] = spacings_spacing_grad(d[y], y, f, s0, s1, s2, s3, axis, edge_order, 1)
    d[s2] = spacings_spacing_grad(d[y], y, f, s0, s1, s2, s3, axis, edge_order, 2)
    d[s3] = spacings_spacing_grad(d[y], y, f, s0, s1, s2, s3, axis, edge_order, 3)


@forward(gradient_spacings)
def gradient_per_axis(y, f, s0, s1, s2=None, s3=None, *, axis=None, edge_order=1):
    d[y] = gradient_spacings(d[f], s0, s1, s2, s3, axis=axis, edge_order=edge_order)
    d[y] = spacings_tangent(d[s0], y, f, s0, s1, s2, s3, axis, edge_order, 0)
    d[y] = spacings_tangent(d[s1], y, f, s0, s1, s2, s3, axis, edge_order, 1)
    d[y] = spacings_tangent(d[s2], y, f, s0, s1, s2, s3, axis, edge_order, 2)
    d[y] = spacings_tangent(d[s3], y, f, s0, s1, s2, s3, axis, edge_order, 3)


@forward(spacings_f_grad)
def spacings_f_grad_tangent(out, grad, f, s0, s1, s2, s3, axis, edge_order):
    d[out] = spacings_f_grad(d[grad], f, s0, s1, s2, s3, axis, edge_order)
    d[out] = spacings_f_grad_along(grad, f, s0, s1, s2, s3, axis, edge_order, d[s0], 0)
    d[out] = spacings_f_grad_along(grad, f, s0, s1, s2, s3, axis, edge_order, d[s1], 1)
    d[out] = spacings_f_grad_along(grad, f, s0, s1, s2, s3, axis, edge_order, d[s2], 2)
    d[out] = spacings_f_grad_along(grad, f, s0, s1, s2, s3, axis, edge_order, d[s3], 3)


@forward(spacings_spacing_grad)
def spacings_spacing_grad_tangent(out, grad, y, f, s0, s1, s2, s3, axis, edge_order, which):
    d[out] = spacings_spacing_grad(d[grad], y, f, s0, s1, s2, s3, axis, edge_order, which)
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[y], "y")
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[f], "f")
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[s0], 0)
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[s1], 1)
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[s2], 2)
    d[out] = spacings_spacing_grad_along(out, grad, y, f, s0, s1, s2, s3, axis, edge_order,
                                         which, d[s3], 3)


# -- the helpers' own rules (forward mode over the gradients above) -------------------
nondifferentiable(replaced_where, select_masks, pad_index, negative_shift, rollaxis_inverse,
                  check_pad_mode, check_gradient_spacing)


linear(finite_part, "grad")
linear(select_grad, "grad")
linear(diag_grad, "grad")
linear(pad_grad, "grad")
linear(pad_constant_grad, "grad")
linear(pad_ramp_ends_grad, "grad")
linear(tile_grad, "grad")
linear(append_grad, "grad")
linear(split_join, "grad")
linear(stacked_grad, "grad")
linear(permuted_grad, "grad")
linear(diff_grad, "grad")


@forward(gradient_grad)
def gradient_grad_tangent(out, grad, f, spacing, axis, edge_order):
    d[out] = gradient_grad(d[grad], f, spacing, axis, edge_order)
    d[out] = gradient_grad_along(out, grad, f, spacing, axis, edge_order, d[spacing])


@forward(gradient_spacing_grad)
def gradient_spacing_grad_tangent(out, grad, y, spacing, axis, f, edge_order=1):
    d[out] = gradient_spacing_grad(d[grad], y, spacing, axis, f, edge_order)
    d[out] = gradient_spacing_grad_along(out, grad, y, spacing, axis, f, edge_order, d[y], "y")
    d[out] = gradient_spacing_grad_along(out, grad, y, spacing, axis, f, edge_order, d[f], "f")
    d[out] = gradient_spacing_grad_along(out, grad, y, spacing, axis, f, edge_order,
                                         d[spacing], "spacing")
