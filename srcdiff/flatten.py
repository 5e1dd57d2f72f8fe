"""`srcdiff.flatten`: a structure of arrays as one vector, and back (leaf: called by the user
through srcdiff/__init__.py, by lower_calls.py for the unflatten functions it makes, and by
runtime_integrate.py). Takes a structure of arrays (dicts, lists, tuples, dataclasses);
gives back `(vector, unflatten)`.

Optimisers such as `scipy.optimize.minimize` work on one 1-d vector, while models keep
their parameters in dicts, lists, tuples or dataclasses of arrays, and srcdiff's gradients
have that same structure. `flatten(tree)` gives `(vector, unflatten)`:

* the float and complex leaves (arrays, NumPy scalars, Python floats), raveled and joined in
  a fixed order: dict entries by sorted key, lists and tuples in order, dataclass fields in
  their declared order;
* `unflatten(vector)` rebuilds the structure from a vector of that length, each leaf with its
  shape and dtype (a Python float comes back as a float);
* anything else (integers, booleans, strings, None, functions) is not a parameter: it is
  carried over unchanged and takes no place in the vector.

Flattening a gradient with the `unflatten` of its parameters' tree lays it out the same
way, so `flatten(srcdiff.grad(loss)(params))[0]` is the gradient of
`lambda v: loss(unflatten(v))`.
"""
import dataclasses
import numbers

import numpy

from . import boundary
from .errors import ArgumentError


def flatten(tree):
    """(vector, unflatten) for a dict / list / tuple / dataclass of arrays and floats."""
    leaves = []
    build = _walk(tree, leaves)
    sizes = [int(numpy.size(leaf)) for leaf in leaves]
    if leaves:
        vector = numpy.concatenate([numpy.ravel(numpy.asarray(leaf)) for leaf in leaves])
    else:
        vector = numpy.zeros(0)
    total = sum(sizes)

    @boundary.api
    def unflatten(values):
        values = numpy.asarray(values) if not hasattr(values, "shape") else values
        if numpy.ndim(values) != 1 or values.shape[0] != total:
            raise ArgumentError(f"unflatten takes a 1-d vector of {total} entries, not one of "
                                f"shape {numpy.shape(values)}")
        parts, start = [], 0
        for leaf, size in zip(leaves, sizes):
            parts.append(_like(leaf, values[start:start + size]))
            start += size
        return build(iter(parts))
    # called in differentiated code: runtime_closures.call_unflatten carries the rules
    unflatten._srcdiff_unflatten = True
    return vector, unflatten


def is_unflatten(obj):
    """Whether `obj` is an unflatten function flatten gave."""
    return getattr(obj, "_srcdiff_unflatten", False) is True


def _is_leaf(value):
    if isinstance(value, (bool, numpy.bool_)) or isinstance(value, numbers.Integral):
        return False
    if isinstance(value, numbers.Number):
        return True
    dtype = getattr(value, "dtype", None)
    return dtype is not None and hasattr(value, "shape") and \
        numpy.issubdtype(dtype, numpy.inexact)


def _walk(tree, leaves):
    """Collect the leaves of `tree` into `leaves`; return build(parts) remaking the tree from
    an iterator over the new leaves, in the same order."""
    if _is_leaf(tree):
        leaves.append(tree)
        return lambda parts: next(parts)
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr) if not _sortable(tree) else sorted(tree)
        builds = [(k, _walk(tree[k], leaves)) for k in keys]

        def build_dict(parts):
            made = {k: b(parts) for k, b in builds}
            return type(tree)((k, made[k]) for k in tree) if type(tree) is not dict else \
                {k: made[k] for k in tree}
        return build_dict
    if isinstance(tree, (list, tuple)):
        builds = [_walk(item, leaves) for item in tree]

        def build_sequence(parts):
            items = [b(parts) for b in builds]
            if isinstance(tree, tuple) and hasattr(tree, "_fields"):  # a namedtuple
                return type(tree)(*items)
            return type(tree)(items)
        return build_sequence
    if dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        fields = dataclasses.fields(tree)
        builds = [(f.name, _walk(getattr(tree, f.name), leaves)) for f in fields]

        def build_dataclass(parts):
            return _set_fields(tree, {name: b(parts) for name, b in builds})
        return build_dataclass
    return lambda parts: tree  # not a parameter: carried over


def _sortable(d):
    try:
        sorted(d)
        return True
    except TypeError:
        return False


def _set_fields(obj, values):
    """A shallow copy of the dataclass instance `obj` with new field values."""
    import copy
    new = copy.copy(obj)
    for name, value in values.items():
        object.__setattr__(new, name, value)  # frozen dataclasses too
    return new


def _like(leaf, values):
    """`values` (a slice of the vector) shaped and typed like `leaf`."""
    if isinstance(leaf, numbers.Number) and not hasattr(leaf, "dtype"):
        value = values[0]
        return complex(value) if isinstance(leaf, complex) else float(numpy.real(value))
    shaped = numpy.reshape(values, numpy.shape(leaf))
    if numpy.ndim(leaf) == 0 and not hasattr(leaf, "ndim") or isinstance(leaf, numpy.generic):
        return leaf.dtype.type(shaped[()]) if hasattr(leaf, "dtype") else shaped[()]
    return shaped.astype(leaf.dtype, copy=True)


# -- flatten inside differentiated code (templates/flattening.py) ----------------------------
# `v, unflatten = flatten(params)` in a loss (an L2 penalty over every parameter) is linear in
# the leaves: the vector's adjoint goes back to each float leaf as its slice, shaped like it;
# what takes no place in the vector (integers, strings, None) gets no derivative (0.0).
# Container adjoints are srcdiff's: a list for a list or tuple, a dict for a dict.

def flatten_adjoint(g, tree):
    """The adjoint of `tree` from the adjoint `g` of the vector `flatten(tree)` gives."""
    g = numpy.asarray(g)
    start = 0

    def take(leaf):
        nonlocal start
        size = int(numpy.size(leaf))
        part = numpy.reshape(g[start:start + size], numpy.shape(leaf))
        start += size
        return part[()] if numpy.ndim(leaf) == 0 else part
    return _per_leaf(tree, take)


def flatten_values(t, tree):
    """The vector flatten gives for `t`, a value shaped like `tree` (its tangent, or an
    adjoint of flatten_adjoint's), read at the places of `tree`'s float leaves."""
    parts = []

    def take(leaf, value):
        parts.append(numpy.ravel(numpy.broadcast_to(value, numpy.shape(leaf))))
        return None
    _per_leaf(tree, take, t)
    return numpy.concatenate(parts) if parts else numpy.zeros(0)


def flatten_tangent(t, tree):
    """The tangent of `flatten(tree)` along `t`: the vector's, and none for unflatten."""
    return flatten_values(t, tree), 0.0


def _per_leaf(tree, take, other=None):
    """Walk `tree` in flatten's order, calling take(leaf) (take(leaf, item of `other`) when
    `other`, a value shaped like tree, is given) at each float leaf; give the results in
    srcdiff's container shapes, 0.0 where tree holds no parameter."""
    paired = other is not None
    if _is_leaf(tree):
        return take(tree, other) if paired else take(tree)
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr) if not _sortable(tree) else sorted(tree)
        made = {k: _per_leaf(tree[k], take, other[k] if paired else None) for k in keys}
        return {k: made[k] for k in tree}
    if isinstance(tree, (list, tuple)):
        return [_per_leaf(item, take, other[i] if paired else None)
                for i, item in enumerate(tree)]
    if dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        return _set_fields(tree, {f.name: _per_leaf(
            getattr(tree, f.name), take, getattr(other, f.name) if paired else None)
            for f in dataclasses.fields(tree)})
    return 0.0
