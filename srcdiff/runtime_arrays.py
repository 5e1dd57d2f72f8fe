"""Runtime helpers of the array-manipulation rules, templates/arrays.py (run time: called by
emitted code; checks.py places its argument checks). Takes the primal values and the adjoint
or tangent; gives back a new array, or an index map or mask.

The adjoints here are linear in their gradient argument (their tangent rules, beside the
templates, apply the helper to the incoming tangent); the index maps and masks are
piecewise constant (marked non-differentiable there). Arrays are only ever made from
other arrays (zeros_like, ones_like), so device arrays stay on their device.
"""
import numpy

from .runtime_adjoint import unbroadcast
from .runtime_checks import refuse
from .runtime_coordinates import (coordinates_f_grad, coordinates_x_grad,
                                  coordinates_x_tangent)
from .runtime_indexing import array_grad, diagonal_grad, split_grad, take_grad


def _float_dtype(value):
    """The float (or complex) dtype a derivative of `value` has (a list, a number: float64)."""
    return numpy.result_type(getattr(value, "dtype", numpy.float64), numpy.float64)


# -- nan_to_num ----------------------------------------------------------------------
def finite_part(grad, x):
    """`grad` where x is finite, 0 where numpy.nan_to_num replaces x (real and imaginary
    parts apart for complex x); the adjoint and the tangent of nan_to_num in x."""
    if numpy.iscomplexobj(x):
        re = numpy.real(grad) * numpy.isfinite(numpy.real(x))
        im = numpy.imag(grad) * numpy.isfinite(numpy.imag(x))
        return re + 1j * im if numpy.iscomplexobj(grad) else re
    return grad * numpy.isfinite(x)


def replaced_where(x, which):
    """Where numpy.nan_to_num puts its `which` value ('nan', 'posinf', 'neginf'): a 0/1
    float array (0/1 + 0/1j for complex x, parts apart)."""
    test = {"nan": numpy.isnan, "posinf": numpy.isposinf, "neginf": numpy.isneginf}[which]
    if numpy.iscomplexobj(x):
        return test(numpy.real(x)) * 1.0 + 1j * test(numpy.imag(x))
    return test(x) * 1.0


# -- select --------------------------------------------------------------------------
def select_masks(condlist, y):
    """For numpy.select(condlist, ...): where each choice is taken (the first true
    condition wins), then where none is (the default), each broadcast to y's shape."""
    taken = numpy.zeros_like(y, dtype=bool)
    masks = []
    for cond in condlist:
        mask = numpy.logical_and(cond, numpy.logical_not(taken))
        masks.append(numpy.logical_and(mask, numpy.ones_like(y, dtype=bool)))
        taken = numpy.logical_or(taken, cond)
    masks.append(numpy.logical_not(taken))
    return masks


def select_grad(grad, condlist, choicelist, y):
    """The adjoint of numpy.select in its choices: one piece per choice (a list)."""
    masks = select_masks(condlist, y)
    out = []
    for mask, choice in zip(masks, choicelist):
        piece = _unbroadcast(grad * mask, choice)
        out.append(array_grad(piece, choice))
    return out


def select_tangent(tangents, condlist, y):
    """The tangent of numpy.select from its choices' tangents (default 0)."""
    masks = select_masks(condlist, y)
    total = numpy.zeros_like(y)
    for mask, t in zip(masks, tangents):
        total = total + mask * t
    return total


def _unbroadcast(grad, like):
    if isinstance(like, (list, tuple)):
        return unbroadcast(grad, numpy.zeros(numpy.shape(like)))
    return unbroadcast(grad, like)


# -- diag ----------------------------------------------------------------------------
def diag_grad(grad, v, k):
    """The adjoint of numpy.diag(v, k): the k-th diagonal of grad for a vector v, grad on
    the k-th diagonal of zeros shaped like v for a matrix v."""
    if numpy.ndim(v) == 1:
        return numpy.diagonal(grad, k)
    return diagonal_grad(grad, v, k, 0, 1)


# -- pad -----------------------------------------------------------------------------
PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum",
             "minimum", "mean", "median")
_STAT_MODES = ("maximum", "minimum", "mean", "median")


def pad_refusal(mode):
    """(reason, hint) refusing numpy.pad(..., mode=mode) differentiated; None where srcdiff
    differentiates that mode."""
    if isinstance(mode, str) and mode in PAD_MODES:
        return None
    return (f"srcdiff differentiates numpy.pad only in the modes {', '.join(PAD_MODES)}, "
            f"not mode={mode!r}",
            "build the padding yourself (numpy.full, or a function of slices of the array) "
            "and join the pieces with numpy.concatenate")


def check_pad_mode(mode, where):
    """Before numpy.pad(..., mode=m), differentiated, with m a name: refused at `where`
    when srcdiff has no rule for that mode."""
    refusal = pad_refusal(mode)
    if refusal:
        refuse(*refusal, where)


def pad_index(array, pad_width, mode):
    """For numpy.pad(array, pad_width, mode) in a mode that copies elements (edge, reflect,
    symmetric, wrap): the flat index into `array` of each padded element."""
    shape = numpy.shape(array)
    flat = numpy.reshape(numpy.arange(int(numpy.prod(shape, dtype=int))), shape)
    return numpy.pad(flat, pad_width, mode)


def _pad_widths(pad_width, ndim):
    widths = numpy.broadcast_to(numpy.asarray(pad_width, dtype=int), (ndim, 2))
    return [(int(b), int(a)) for b, a in widths]


def _ramp_adjoint(grad, shape, pad_width):
    """(the adjoint in the array, the (ndim, 2) adjoints in the end values) of
    numpy.pad(array, pad_width, 'linear_ramp', end_values=e), array shaped `shape`. NumPy pads
    axis after axis (a later axis ramps from edges an earlier one padded): the steps are
    transposed last axis first. On an axis padded by b before and a after, the k-th value
    before (k = 0 outermost) is e + (edge - e) k / b, the j-th after (j = 0 next to the
    array) edge + (e - edge) (j + 1) / a."""
    widths = _pad_widths(pad_width, len(shape))
    ends = [None] * len(shape)
    for axis in reversed(range(len(shape))):
        before, after = widths[axis]
        moved = numpy.moveaxis(grad, axis, 0)
        n = numpy.shape(moved)[0]
        inner = moved[before:n - after] * 1   # (a copy, written below)
        pairs = []
        for k in range(before):
            inner[0] = inner[0] + moved[k] * (k / before)
        zero = numpy.sum(moved[:0])   # (0 of grad's type, on its device)
        pairs.append(sum((numpy.sum(moved[k]) * (1.0 - k / before) for k in range(before)),
                         zero))
        for j in range(after):
            inner[-1] = inner[-1] + moved[n - after + j] * ((after - 1 - j) / after)
        pairs.append(sum((numpy.sum(moved[n - after + j]) * ((j + 1) / after)
                          for j in range(after)), zero))
        ends[axis] = numpy.stack(pairs)
        grad = numpy.moveaxis(inner, 0, axis)
    return grad, numpy.stack(ends)


def _slab_weights(slab, mode):
    """The weights, shaped like `slab` (the statistic's axis first), of the elements the
    statistic `mode` of numpy.pad reads: 1/n each (mean), one at the largest or smallest
    (maximum, minimum; shared among ties), one or two halves at the middle of the sorted
    values (median)."""
    n = numpy.shape(slab)[0]
    if mode == "mean":
        return numpy.zeros_like(slab, dtype=float) + 1.0 / n
    if mode in ("maximum", "minimum"):
        pick = numpy.max if mode == "maximum" else numpy.min
        hits = (slab == pick(slab, axis=0, keepdims=True)) * 1.0
        return hits / numpy.sum(hits, axis=0, keepdims=True)
    ranks = numpy.argsort(numpy.argsort(slab, axis=0, kind="stable"), axis=0, kind="stable")
    if n % 2:
        return (ranks == n // 2) * 1.0
    return ((ranks == n // 2 - 1) * 1.0 + (ranks == n // 2)) / 2


def _stat_steps(array, pad_width, mode, stat_length):
    """numpy.pad(array, pad_width, mode, stat_length=s) in a statistic's mode, as numpy pads
    it, axis after axis (an axis's statistic reads an earlier axis's padding): for each axis,
    (axis, before, after, the weights of the slab before, of the slab after)."""
    ndim = numpy.ndim(array)
    widths = _pad_widths(pad_width, ndim)
    lengths = None if stat_length is None else _pad_widths(stat_length, ndim)
    steps = []
    current = array
    for axis in range(ndim):
        before, after = widths[axis]
        moved = numpy.moveaxis(current, axis, 0)
        n = numpy.shape(moved)[0]
        lb, la = (n, n) if lengths is None else (min(lengths[axis][0], n),
                                                  min(lengths[axis][1], n))
        steps.append((axis, before, after, _slab_weights(moved[:lb], mode),
                      _slab_weights(moved[n - la:], mode)))
        one = [(0, 0)] * ndim
        one[axis] = (before, after)
        current = numpy.pad(current, one, mode, stat_length=lengths)
    return steps


def _stat_adjoint(grad, array, pad_width, mode, stat_length):
    """The adjoint in `array` of numpy.pad in a statistic's mode: each padded value's grad
    spread back over the slab its statistic read, weighted, axis after axis (last first)."""
    for axis, before, after, wb, wa in reversed(_stat_steps(array, pad_width, mode,
                                                            stat_length)):
        moved = numpy.moveaxis(grad, axis, 0)
        n = numpy.shape(moved)[0]
        inner = moved[before:n - after]
        m = numpy.shape(inner)[0]
        lb, la = numpy.shape(wb)[0], numpy.shape(wa)[0]
        head = wb * numpy.sum(moved[:before], axis=0, keepdims=True)
        tail = wa * numpy.sum(moved[n - after:], axis=0, keepdims=True)
        grad_inner = (inner + numpy.concatenate([head, numpy.zeros_like(inner[lb:])])
                      + numpy.concatenate([numpy.zeros_like(inner[:m - la]), tail]))
        grad = numpy.moveaxis(grad_inner, 0, axis)
    return grad


def pad_tangent(tangent, array, pad_width, mode, stat_length=None):
    """The tangent of numpy.pad(array, pad_width, mode) along the tangent of `array`: the
    tangent padded in the same mode (zeros for constant_values and end_values), or, in a
    statistic's mode, each padded value the weighted sum of the tangent over the slab its
    statistic read."""
    if mode not in _STAT_MODES:
        return numpy.pad(tangent, pad_width, mode)
    for axis, before, after, wb, wa in _stat_steps(array, pad_width, mode, stat_length):
        moved = numpy.moveaxis(tangent, axis, 0)
        n = numpy.shape(moved)[0]
        lb, la = numpy.shape(wb)[0], numpy.shape(wa)[0]
        head = numpy.sum(wb * moved[:lb], axis=0, keepdims=True)
        tail = numpy.sum(wa * moved[n - la:], axis=0, keepdims=True)
        pieces = [head] * before + [moved] + [tail] * after
        tangent = numpy.moveaxis(numpy.concatenate(pieces), 0, axis)
    return tangent


def pad_grad(grad, array, pad_width, mode, stat_length=None):
    """The adjoint of numpy.pad in `array`: the interior (mode 'constant'), the interior
    with each ramp's share of its edge added (mode 'linear_ramp'), each padded value's grad
    spread over the slab its statistic read (maximum, minimum, mean, median), or every copy
    of an element added back onto it (the other modes)."""
    if mode in _STAT_MODES:
        return _stat_adjoint(grad, array, pad_width, mode, stat_length)
    if mode == "linear_ramp":
        return _ramp_adjoint(grad, numpy.shape(array), pad_width)[0]
    if mode == "constant":
        shape = numpy.shape(array)
        index = tuple(slice(b, b + n) for (b, _), n in
                      zip(_pad_widths(pad_width, len(shape)), shape))
        return grad[index]
    return take_grad(grad, array, pad_index(array, pad_width, mode), None, "raise")


def pad_constant_grad(grad, array, pad_width, constant_values):
    """The adjoint of numpy.pad(array, pad_width, 'constant', constant_values=c) in c: the
    sum of grad over the padding each value of c fills (a number, or c's structure)."""
    ndim = numpy.ndim(array)
    widths = _pad_widths(pad_width, ndim)
    if numpy.ndim(constant_values) == 0:
        inner = pad_grad(grad, array, pad_width, "constant")
        return numpy.sum(grad) - numpy.sum(inner)
    # numpy pads axis after axis: the corners take the value of the later axis
    sums = []
    region = grad
    for axis in reversed(range(ndim)):
        before, after = widths[axis]
        moved = numpy.moveaxis(region, axis, 0)
        n = numpy.shape(moved)[0]
        sums.append((axis, numpy.sum(moved[:before]), numpy.sum(moved[n - after:])))
        region = numpy.moveaxis(moved[before:n - after], 0, axis)
    per_axis = [None] * ndim
    for axis, b, a in sums:
        per_axis[axis] = numpy.stack([b, a])
    total = numpy.stack(per_axis)  # (ndim, 2): one sum per axis and side
    return _pairs_grad(total, constant_values)


def pad_ramp_ends_grad(grad, array, pad_width, end_values):
    """The adjoint of numpy.pad(array, pad_width, 'linear_ramp', end_values=e) in e (a number,
    or e's structure)."""
    return _pairs_grad(_ramp_adjoint(grad, numpy.shape(array), pad_width)[1], end_values)


def pad_ramp_ends_tangent(tangent, array, pad_width, y):
    """The tangent of numpy.pad(array, pad_width, 'linear_ramp', end_values=e) along e's
    tangent: the ramps from zeros to it."""
    zeros = numpy.zeros_like(array, dtype=getattr(y, "dtype", None))
    if isinstance(tangent, (list, tuple)):
        tangent = numpy.asarray(tangent)
    return numpy.pad(zeros, pad_width, "linear_ramp", end_values=tangent)


def _pairs_grad(total, values):
    """The adjoint in `values` (constant_values, end_values) of numpy.pad reading them as
    pairs, given `total`, the (ndim, 2) adjoints of one value per axis and side."""
    # numpy.pad reads constant_values as numpy's pairs: one value, (before, after) for every
    # axis (shape (2,) or (1, 2)), or one pair per axis (broadcast to (ndim, 2))
    shape = numpy.shape(values)
    if int(numpy.prod(shape, dtype=int)) == 2 and shape != (2, 1):
        reduced = numpy.reshape(numpy.sum(total, axis=0), shape)
    else:
        reduced = _unbroadcast(total, numpy.zeros(shape))
    return array_grad(reduced, values)


def pad_constant_tangent(tangent, array, pad_width, y):
    """The tangent of numpy.pad(array, pad_width, 'constant', constant_values=c) along the
    tangent of c: the padding filled with it, zeros inside."""
    zeros = numpy.zeros_like(array, dtype=getattr(y, "dtype", None))
    if isinstance(tangent, (list, tuple)):
        tangent = numpy.asarray(tangent)
    return numpy.pad(zeros, pad_width, "constant", constant_values=tangent)


# -- tile ----------------------------------------------------------------------------
def tile_grad(grad, A, reps):
    """The adjoint of numpy.tile(A, reps): the copies of each element summed."""
    reps = tuple(reps) if numpy.ndim(reps) else (int(reps),)
    shape = tuple(numpy.shape(A))
    n = max(len(reps), len(shape))
    reps = (1,) * (n - len(reps)) + tuple(int(r) for r in reps)
    full = (1,) * (n - len(shape)) + shape
    split = []
    for r, s in zip(reps, full):
        split += [r, s]
    summed = numpy.sum(numpy.reshape(grad, tuple(split)), axis=tuple(range(0, 2 * n, 2)))
    return numpy.reshape(summed, shape)


# -- roll, rollaxis ------------------------------------------------------------------
def negative_shift(shift):
    """-shift for numpy.roll (an int, or a tuple of them)."""
    if isinstance(shift, (list, tuple)):
        return tuple(-int(s) for s in shift)
    return -shift


def rollaxis_inverse(ndim, axis, start):
    """The permutation undoing numpy.rollaxis(x, axis, start) of an ndim-d x."""
    order = list(range(ndim))
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    moved = order.pop(axis)
    order.insert(start - 1 if start > axis else start, moved)
    inverse = [0] * ndim
    for i, a in enumerate(order):
        inverse[a] = i
    return tuple(inverse)


# -- append, split, column_stack, dstack ---------------------------------------------
def append_grad(grad, arr, values, axis, which):
    """The adjoint of numpy.append(arr, values, axis) in arr (which 0) or values (1)."""
    parts = [arr, values]
    pieces = split_grad(grad, [numpy.zeros(numpy.shape(p)) for p in parts], axis)
    return array_grad(numpy.reshape(pieces[which], numpy.shape(parts[which])), parts[which])


def append_tangent(tangent, arr, values, axis, which):
    """The tangent of numpy.append(arr, values, axis) along that of arr (which 0) or of
    values (1): zeros in the other's place."""
    if isinstance(tangent, (list, tuple)):
        tangent = numpy.asarray(tangent)
    other = values if which == 0 else arr
    zeros = numpy.zeros_like(numpy.asarray(other, like=tangent)
                             if isinstance(other, (list, tuple, float, int)) else other,
                             dtype=_float_dtype(tangent))
    if which == 0:
        return numpy.append(tangent, zeros, axis)
    return numpy.append(zeros, tangent, axis)


def split_axis(ary, axis, kind):
    """The axis numpy.split / array_split (axis), hsplit, vsplit or dsplit cut along."""
    if kind == "h":
        return 1 if numpy.ndim(ary) > 1 else 0
    if kind == "v":
        return 0
    if kind == "d":
        return 2
    return axis


def split_join(grad, ary, indices_or_sections, axis, kind):
    """The adjoint of a split (numpy.split, array_split, hsplit, vsplit, dsplit): the
    pieces' adjoints (a list; 0 or None for a piece the loss does not use) joined back."""
    axis = split_axis(ary, axis, kind)
    pieces = numpy.array_split(ary, indices_or_sections, axis)
    parts = []
    for g, piece in zip(grad, pieces):
        if g is None or (numpy.ndim(g) == 0 and numpy.ndim(piece) != 0):
            g = numpy.zeros_like(piece) + (g if g is not None else 0.0)
        parts.append(numpy.broadcast_to(g, numpy.shape(piece)))
    return numpy.concatenate(parts, axis=axis)


def _joined_shapes(arrays, kind):
    shapes = []
    for a in arrays:
        s = tuple(numpy.shape(a))
        if kind == "column":  # vectors become columns
            s = {0: (1, 1), 1: s + (1,)}.get(len(s), s)
        else:  # depth: numpy.atleast_3d
            s = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s), s)
        shapes.append(s)
    return shapes


def stacked_grad(grad, arrays, kind):
    """The adjoint of numpy.column_stack ('column') or numpy.dstack ('depth') of arrays:
    one piece of grad per array (a list), in the array's own shape."""
    arrays = list(arrays)
    axis = 1 if kind == "column" else 2
    shapes = _joined_shapes(arrays, kind)
    out, start = [], 0
    for a, s in zip(arrays, shapes):
        n = s[axis]
        piece = grad[(slice(None),) * axis + (slice(start, start + n),)]
        start += n
        out.append(array_grad(numpy.reshape(piece, numpy.shape(a)), a))
    return out


# -- sort, partition -----------------------------------------------------------------
def _last(x, axis):
    return numpy.reshape(x, (-1,)) if axis is None else numpy.moveaxis(x, axis, -1)


def _tie_mean(values, keys):
    """`values` averaged over each run of equal `keys` (sorted along the last axis)."""
    n = numpy.shape(keys)[-1]
    if n < 2:
        return values
    same = keys[..., 1:] == keys[..., :-1]
    if not numpy.any(same):
        return values
    ones = numpy.ones_like(keys, dtype=int)
    index = numpy.cumsum(ones, axis=-1) - 1
    first = numpy.concatenate([ones[..., :1] > 0, numpy.logical_not(same)], axis=-1)
    last = numpy.concatenate([numpy.logical_not(same), ones[..., :1] > 0], axis=-1)
    start = numpy.maximum.accumulate(numpy.where(first, index, 0), axis=-1)
    end = numpy.flip(numpy.minimum.accumulate(
        numpy.flip(numpy.where(last, index, n - 1), axis=-1), axis=-1), axis=-1)
    running = numpy.cumsum(values, axis=-1)
    running = numpy.concatenate([running[..., :1] * 0, running], axis=-1)
    total = (numpy.take_along_axis(running, end + 1, axis=-1)
             - numpy.take_along_axis(running, start, axis=-1))
    return total / (end - start + 1)


def _orders(a, y, axis):
    aa, yy = _last(a, axis), _last(y, axis)
    order_a = numpy.argsort(aa, axis=-1, kind="stable")
    order_y = numpy.argsort(yy, axis=-1, kind="stable")
    return order_a, order_y, numpy.take_along_axis(yy, order_y, axis=-1)


def _back(x, like, axis):
    if axis is None:
        return numpy.reshape(x, numpy.shape(like))
    return numpy.moveaxis(x, -1, axis)


def permuted_grad(grad, a, y, axis):
    """The adjoint of y = numpy.sort(a, axis) or numpy.partition(a, kth, axis), y a
    permutation of a along axis (flattened for axis None): each element of a gets the
    gradient of the place its value went to; elements of equal value (ties) share the
    gradients of their places evenly (the tie convention of max and min)."""
    order_a, order_y, keys = _orders(a, y, axis)
    g = numpy.take_along_axis(_last(grad, axis), order_y, axis=-1)
    g = _tie_mean(g, keys)
    out = numpy.take_along_axis(g, numpy.argsort(order_a, axis=-1), axis=-1)
    return _back(out, a, axis)


def permuted_tangent(tangent, a, y, axis):
    """The tangent of a sort or partition (see permuted_grad): ties share evenly."""
    order_a, order_y, keys = _orders(a, y, axis)
    t = numpy.take_along_axis(_last(tangent, axis), order_a, axis=-1)
    t = _tie_mean(t, keys)
    out = numpy.take_along_axis(t, numpy.argsort(order_y, axis=-1), axis=-1)
    return _back(out, y, axis)


# -- diff ----------------------------------------------------------------------------
def _slab(a, axis):
    """One slice of `a` along axis (length 1 there), as numpy.diff broadcasts a 0-d
    prepend or append to."""
    return a[(slice(None),) * axis + (slice(0, 1),)]


def diff_grad(grad, a, n, axis, prepend, append, which):
    """The adjoint of numpy.diff(a, n, axis, prepend, append) in a, prepend or append
    (`which`); prepend/append None when not given."""
    axis = axis % numpy.ndim(a)
    g = grad
    for _ in range(n):
        zero = numpy.zeros_like(_slab(g, axis))
        g = -numpy.diff(numpy.concatenate([zero, g, zero], axis=axis), axis=axis)
    k0 = 0
    if prepend is not None:
        k0 = 1 if numpy.ndim(prepend) == 0 else numpy.shape(prepend)[axis]
    na = numpy.shape(a)[axis]
    moved = numpy.moveaxis(g, axis, 0)
    if which == "a":
        return numpy.moveaxis(moved[k0:k0 + na], 0, axis)
    part = prepend if which == "prepend" else append
    piece = numpy.moveaxis(moved[:k0] if which == "prepend" else moved[k0 + na:], 0, axis)
    if numpy.ndim(part) == 0:
        return numpy.sum(piece)
    return unbroadcast(piece, part)


def diff_tangent(tangent, a, n, axis, prepend, append, which):
    """The tangent of numpy.diff(a, n, axis, prepend, append) along that of a, prepend or
    append (`which`), the others held."""
    axis = axis % numpy.ndim(a)
    dtype = _float_dtype(tangent)
    parts = []
    for name, part in (("prepend", prepend), ("a", a), ("append", append)):
        if part is None:
            continue
        if name == "a":
            zeros = numpy.zeros_like(a, dtype=dtype)
        elif numpy.ndim(part) == 0:
            zeros = numpy.zeros_like(_slab(a, axis), dtype=dtype)
        else:
            zeros = numpy.zeros_like(numpy.broadcast_to(part, numpy.shape(part)), dtype=dtype)
        parts.append(zeros + tangent if name == which else zeros)
    return numpy.diff(numpy.concatenate(parts, axis=axis), n, axis=axis)


# -- gradient ------------------------------------------------------------------------
def gradient_refusal(spacing):
    """(reason, hint) refusing numpy.gradient differentiated with a spacing that is neither
    a number nor one array of coordinates; None otherwise."""
    if numpy.ndim(spacing) <= 1:
        return None
    return ("srcdiff differentiates numpy.gradient with one scalar spacing or one array of "
            "coordinates", "pass a scalar spacing, or the coordinates along the axis as a "
            "1-d array (with axis= for an array of several dimensions)")


def check_gradient_spacing(spacing, where):
    """Before numpy.gradient(f, h), differentiated, with h a name: refused at `where` when
    h is an array of coordinates."""
    refusal = gradient_refusal(spacing)
    if refusal:
        refuse(*refusal, where)


def _gradient_axes(f, axis):
    """The axes numpy.gradient differentiates along, and whether it returns one array
    (one axis) rather than a tuple."""
    ndim = numpy.ndim(f)
    if axis is None:
        axes = list(range(ndim))
    elif isinstance(axis, (list, tuple)):
        axes = [a % ndim for a in axis]
    else:
        axes = [axis % ndim]
    return axes, len(axes) == 1


def _gradient_adjoint_1(g, h, edge_order):
    """The transpose of numpy.gradient along axis 0 with spacing h."""
    n = numpy.shape(g)[0]
    out = numpy.zeros_like(g)
    c = g[1:-1] / (2.0 * h)
    out[2:] = out[2:] + c
    out[:-2] = out[:-2] - c
    if edge_order == 1:
        out[1] = out[1] + g[0] / h
        out[0] = out[0] - g[0] / h
        out[n - 1] = out[n - 1] + g[n - 1] / h
        out[n - 2] = out[n - 2] - g[n - 1] / h
    else:
        for i, w in ((0, -1.5), (1, 2.0), (2, -0.5)):
            out[i] = out[i] + w * g[0] / h
        for i, w in ((n - 1, 1.5), (n - 2, -2.0), (n - 3, 0.5)):
            out[i] = out[i] + w * g[n - 1] / h
    return out


def gradient_grad(grad, f, spacing, axis, edge_order):
    """The adjoint of numpy.gradient(f, spacing, axis=axis, edge_order=edge_order) in f:
    `grad` is one array (one axis) or a sequence of them (0 or None where unused); for
    coordinates (spacing an array), runtime_coordinates.coordinates_f_grad."""
    if numpy.ndim(spacing):
        return coordinates_f_grad(grad, f, spacing, axis, edge_order)
    axes, single = _gradient_axes(f, axis)
    grads = [grad] if single else list(grad)
    out = numpy.zeros_like(f, dtype=_float_dtype(f))
    for ax, g in zip(axes, grads):
        if g is None:
            continue
        g = numpy.broadcast_to(g, numpy.shape(f)) if numpy.ndim(g) == 0 else g
        moved = numpy.moveaxis(g, ax, 0)
        out = out + numpy.moveaxis(_gradient_adjoint_1(moved, spacing, edge_order), 0, ax)
    return out


def gradient_spacing_grad(grad, y, spacing, axis, f, edge_order=1):
    """The adjoint of numpy.gradient(f, spacing, ...) in a scalar spacing h: the result
    is proportional to 1 / h, so it is -sum(grad * y) / h (coordinates:
    runtime_coordinates.coordinates_x_grad)."""
    if numpy.ndim(spacing):
        return coordinates_x_grad(grad, f, spacing, axis, edge_order)
    _, single = _gradient_axes(f, axis)
    grads, ys = ([grad], [y]) if single else (list(grad), list(y))
    total = 0.0
    for g, v in zip(grads, ys):
        if g is not None:
            total = total + numpy.sum(g * v)
    return -total / spacing


def gradient_spacing_tangent(tangent, y, spacing, axis, f, edge_order=1):
    """The tangent of numpy.gradient(f, spacing, ...) along that of a scalar spacing (or of
    coordinates: runtime_coordinates.coordinates_x_tangent)."""
    if numpy.ndim(spacing):
        return coordinates_x_tangent(tangent, f, spacing, axis, edge_order)
    _, single = _gradient_axes(f, axis)
    if single:
        return -y * (tangent / spacing)
    return [-v * (tangent / spacing) for v in y]

