"""Runtime helpers of shapes, indexing, grids and random draws (run time: called by emitted
code, through the rules of templates/ (shapes, grids, random) and the code srcdiff's
lowering emits for numpy.r_, c_, mgrid and ogrid; a leaf importing numpy and srcdiff's
runtime leaves). Takes the primal values and the adjoint or tangent; gives back new values.

`numpy.add.at(a, i, v)` / `numpy.subtract.at` as a value (`scattered_add`, on a copy of a:
the lowering writes it back with `a[...] = ...`) and its adjoint in v (`scattered_add_grad`: a
gather at i, each repeated index read again).
Adjoints that scatter a gradient back where the primal gathered it (concatenate, stack,
numpy.array of a list, diagonal, take, repeat), the permutation undoing a transpose, the
index expressions numpy.r_[...] and friends are lowered to (`index_concat`, `index_grid`,
`range_item`) with their derivatives, the slopes of arange and linspace in their bounds,
and the standard draws behind reparameterized samples (`normal_draw`, `uniform_fraction`).
Each returns new values; none writes its arguments. Self-contained, so the codegen command
can copy them.
"""
import numpy

from .runtime_adjoint import _index_like, add_at, unbroadcast
from .runtime_numpy import _count


def inverse_axes(axes, ndim):
    """The permutation undoing numpy.transpose(x, axes) (None reverses, its own inverse)."""
    if axes is None:
        return None
    inverse = [0] * ndim
    for i, ax in enumerate(axes):
        inverse[int(ax) % ndim] = i
    return tuple(inverse)


def split_grad(grad, arrays, axis, promote=None):
    """The adjoint of concatenating `arrays`: one piece of `grad` per array, as a list.

    `promote` is 1 or 2 for hstack/vstack (arrays are first made at least 1-d/2-d).
    """
    if promote == 1:
        axis = 0 if all(numpy.ndim(a) <= 1 for a in arrays) else 1
    shapes = [numpy.shape(a) for a in arrays]
    if axis is None:
        sizes = [int(numpy.prod(s)) for s in shapes]
        grad = numpy.reshape(grad, (-1,))
        axis = 0
    else:
        sizes = []
        for s in shapes:
            if promote == 1 and len(s) == 0:
                s = (1,)
            if promote == 2 and len(s) < 2:
                s = (1,) * (2 - len(s)) + tuple(s)
            sizes.append(s[axis])
    cuts = []
    total = 0
    for n in sizes[:-1]:
        total += n
        cuts.append(total)
    bounds = [0] + cuts + [None]
    ndim = numpy.ndim(grad)
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        index = (slice(None),) * (axis % ndim) + (slice(start, stop),)
        pieces.append(grad[index])
    return [numpy.reshape(p, s) for p, s in zip(pieces, shapes)]


def range_item(start, stop, step):
    """The range a:b:c given to numpy.r_, c_, mgrid or ogrid (a slice)."""
    return slice(start, stop, step)


def index_grid(grid, items):
    """numpy.mgrid[items] or numpy.ogrid[items] (`grid`), as srcdiff lowers them: `items` a
    list for a tuple key (mgrid[a:b, c:d], mgrid[a:b,]), or the one key itself (mgrid[a:b],
    which NumPy makes 1-d)."""
    return grid[tuple(items) if isinstance(items, list) else items]


def index_concat(concatenator, items):
    """numpy.r_[items] or numpy.c_[items] (`concatenator`), as srcdiff lowers them."""
    return concatenator[tuple(items)]


def _index_concat_layout(concatenator, items):
    """For numpy.r_/c_[items]: the concatenation axis and each item's length along it (a
    matrix directive was refused before, where the concatenation is: checks.py)."""
    directive = items[0] if items and isinstance(items[0], str) else None
    axis = concatenator.axis
    if directive is not None:
        axis = int(directive.split(",")[0])
    lengths = []
    for item in items:
        if isinstance(item, str):
            lengths.append(0)
            continue
        block = concatenator[(item,) if directive is None else (directive, item)]
        lengths.append(numpy.shape(block)[axis])
    return axis, lengths


def index_concat_grad(grad, concatenator, items):
    """The adjoint of index_concat: one piece of `grad` per item, in the item's shape (a
    list; 0.0 for ranges and directive strings, which carry no derivative)."""
    items = list(items)
    axis, lengths = _index_concat_layout(concatenator, items)
    axis = axis % numpy.ndim(grad)
    out, start = [], 0
    for item, n in zip(items, lengths):
        piece = grad[(slice(None),) * axis + (slice(start, start + n),)]
        start += n
        if isinstance(item, (str, slice)):
            out.append(0.0)
        else:
            out.append(array_grad(numpy.reshape(piece, numpy.shape(item)), item))
    return out


def index_concat_tangent(concatenator, tangents, items):
    """The tangent of index_concat: the items' tangents concatenated the same way (ranges
    become zeros, directive strings stay)."""
    items = list(items)
    _index_concat_layout(concatenator, items)
    parts = []
    for item, t in zip(items, tangents):
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, slice):
            parts.append(numpy.zeros_like(numpy.r_[item], dtype=float))
        else:
            parts.append(t)
    return concatenator[tuple(parts)]


def unstack_grad(grad, arrays, axis):
    """The adjoint of numpy.stack(arrays, axis): one slice of `grad` per array, as a list."""
    moved = numpy.moveaxis(grad, axis, 0)
    return [moved[i] for i in range(len(arrays))]


def array_grad(grad, like):
    """The adjoint of numpy.array(like) for an array, or a (nested) list of values."""
    if isinstance(like, (list, tuple)):
        return [array_grad(grad[i], v) for i, v in enumerate(like)]
    return grad


def diagonal_grad(grad, like, offset, axis1, axis2):
    """Place `grad` (shaped like numpy.diagonal(like, ...)) on that diagonal of zeros."""
    ndim = numpy.ndim(like)
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    zeros = numpy.moveaxis(numpy.zeros_like(like), (axis1, axis2), (-2, -1))
    shape = numpy.shape(zeros)
    n1, n2 = shape[-2], shape[-1]
    flat = numpy.reshape(zeros, shape[:-2] + (n1 * n2,)).copy()
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        start = offset
    else:
        length = max(0, min(n1 + offset, n2))
        start = -offset * n2
    if length:
        flat[..., start:start + (length - 1) * (n2 + 1) + 1:n2 + 1] = grad
    return numpy.moveaxis(numpy.reshape(flat, shape), (-2, -1), (axis1, axis2))


def take_grad(grad, like, indices, axis, mode):
    """The adjoint of numpy.take: scatter-add `grad` back at `indices` (repeats add up)."""
    indices = take_indices(indices, like, axis, mode)
    if axis is None:
        out = numpy.zeros_like(numpy.reshape(like, (-1,)))
        target = out
        axis = 0
    else:
        axis = axis % numpy.ndim(like)
        out = numpy.zeros_like(like)
        target = numpy.moveaxis(out, axis, 0)
    k = numpy.ndim(indices)
    g = numpy.moveaxis(grad, tuple(range(axis, axis + k)), tuple(range(k))) if k else grad
    updated = add_at(target, indices, g)
    if updated is not target:  # an array type that can not add in place (Dask)
        out = numpy.moveaxis(updated, 0, axis)
    return numpy.reshape(out, numpy.shape(like))


def _along_axis_index(like, indices, axis):
    """The index tuple that reads what numpy.take_along_axis(like, indices, axis) reads:
    `indices` on `axis` (like flattened where axis is None), a broadcast range on every
    other axis."""
    if axis is None:
        return (indices,)
    ndim = numpy.ndim(like)
    axis = axis % ndim
    index = []
    for dim, n in enumerate(numpy.shape(like)):
        if dim == axis:
            index.append(indices)
        else:
            shape = (1,) * dim + (n,) + (1,) * (ndim - dim - 1)
            index.append(numpy.reshape(numpy.arange(n, like=indices), shape))
    return tuple(index)


def take_along_axis_grad(grad, like, indices, axis):
    """The adjoint of numpy.take_along_axis: `grad` added back where each value was read
    (an index repeated along the axis, or an axis of `like` of length 1 that the indices
    broadcast, adds up)."""
    out = numpy.zeros_like(numpy.reshape(like, (-1,)) if axis is None else like)
    updated = add_at(out, _along_axis_index(like, indices, axis), grad)
    return numpy.reshape(updated, numpy.shape(like))


def take_indices(indices, like, axis, mode):
    """numpy.take's `indices` into `like` with its `mode` ('wrap', 'clip') applied, so the
    take needs no mode= (CuPy's take has none); 'raise' leaves them as they are."""
    if mode == "raise":
        return indices
    if isinstance(indices, (list, tuple)):
        indices = numpy.asarray(indices, like=like)
    shape = numpy.shape(like)
    n = _count(shape) if axis is None else shape[axis]
    if mode == "wrap":
        return indices % n
    return numpy.clip(indices, 0, n - 1)


def repeat_grad(grad, like, repeats, axis):
    """The adjoint of numpy.repeat: sum each group of copies (one count, or one per item)."""
    if numpy.ndim(like) == 0:
        axis = None  # numpy.repeat(0-d, n, axis=0) repeats it as a 1-d array
    if numpy.ndim(repeats) != 0:
        if axis is None:
            like_flat = numpy.reshape(like, (-1,))
            out = numpy.zeros_like(like_flat)
            g = numpy.reshape(grad, (-1,))
        else:
            axis = axis % numpy.ndim(like)
            out = numpy.moveaxis(numpy.zeros_like(like), axis, 0)
            g = numpy.moveaxis(grad, axis, 0)
        n = numpy.shape(out)[0]
        counts = repeats if hasattr(repeats, "shape") else numpy.asarray(repeats)
        source = numpy.repeat(numpy.arange(n), numpy.broadcast_to(counts, (n,)))
        out = add_at(out, source, g)  # (add_at moves a host index to a device buffer)
        if axis is None:
            return numpy.reshape(out, numpy.shape(like))
        return numpy.moveaxis(out, 0, axis)
    r = int(repeats)
    if r == 0 or _count(numpy.shape(like)) == 0:  # no copies (or nothing to copy): all zero
        return numpy.zeros_like(like) * numpy.sum(grad)
    if axis is None:
        g = numpy.reshape(grad, (-1, r))
        return numpy.reshape(numpy.sum(g, axis=-1), numpy.shape(like))
    axis = axis % numpy.ndim(like)
    shape = numpy.shape(grad)
    g = numpy.reshape(grad, shape[:axis] + (shape[axis] // r, r) + shape[axis + 1:])
    return numpy.sum(g, axis=axis + 1)


def arange_slopes(y, stop, which):
    """For y = numpy.arange(start, stop, step): dy/dstart ('start': ones) or dy/dstep
    ('step': 0, 1, 2, ...). Zero for integer results, and dy/dstart is zero when the first
    argument is the stop (numpy.arange(stop) moves no value, only the length)."""
    kind = getattr(getattr(y, "dtype", None), "kind", "f")
    ones = numpy.ones_like(y, dtype=float) if kind not in "fc" else numpy.ones_like(y)
    if kind not in "fc" or (which == "start" and stop is None):
        return ones * 0
    if which == "start":
        return ones
    return numpy.cumsum(ones) - 1


def linspace_fraction(start, stop, num, endpoint, retstep, dtype, axis):
    """For y = numpy.linspace(start, stop, ...): the fraction t with y = start (1 - t) +
    stop t, shaped like y (zero for an integer dtype, whose values are piecewise constant).
    retstep=True was refused before, where the samples are drawn (checks.py)."""
    fraction = numpy.linspace(start * 0.0, stop * 0.0 + 1.0, num, endpoint=endpoint,
                              axis=axis)
    if dtype is not None and numpy.dtype(dtype).kind not in "fc":
        return fraction * 0
    return numpy.real(fraction)


def linspace_tangent(tangent, fraction, axis):
    """`tangent` (of start or stop, broadcastable to the samples' shape without `axis`)
    spread along `axis` with the weights `fraction`."""
    shape = list(numpy.shape(fraction))
    del shape[axis % len(shape)]
    return numpy.expand_dims(numpy.broadcast_to(tangent, tuple(shape)), axis) * fraction


def _draw(value, offset, spread):
    """(value - offset) / spread: the standard draw behind a reparameterized sample (a zero
    spread was refused before, where the sample is drawn: check_spread)."""
    return (value - offset) / spread


def normal_draw(y, loc, scale):
    """z of y = loc + scale * z (numpy.random.normal): dy/dscale, at the sample drawn."""
    return _draw(y, loc, scale)


def uniform_fraction(y, low, high):
    """u of y = low + (high - low) * u (numpy.random.uniform): dy/dhigh (dy/dlow is 1 - u)."""
    return _draw(y, low, high - low)


def scattered_add(a, indices, values, sign):
    """numpy.add.at(a, indices, values) (sign 1) or numpy.subtract.at (sign -1) done on a
    copy of `a`, which is given back: repeated indices add up, values broadcast against
    a[indices], NumPy's casting errors as the user's call raises them."""
    out = numpy.copy(a)
    if not isinstance(out, numpy.ndarray):   # a host index for device data: move it over
        indices = _index_like(indices, out)
    (numpy.add if sign > 0 else numpy.subtract).at(out, indices, values)
    return out


def scattered_add_grad(grad, indices, values, sign):
    """The adjoint of scattered_add in `values`: the result's adjoint read at `indices`
    (a repeated index read once for each time it is given), summed down to values' shape."""
    if not isinstance(grad, numpy.ndarray):
        indices = _index_like(indices, grad)
    gathered = grad[indices]
    return unbroadcast(gathered if sign > 0 else -gathered, values)
