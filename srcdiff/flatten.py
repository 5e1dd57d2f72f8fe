"""`srcdiff.flatten`: a structure of arrays as one vector, and back.

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
    return vector, unflatten


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
