"""Helpers that forward-mode (jvp) code calls. Self-contained: numpy and nothing else.

Like `srcdiff.runtime`, each helper stands alone (no srcdiff imports, no shared
state) so the codegen command can copy its source into a module, and arrays
are only ever made from other arrays (`zeros_like`, `copy`), never from a
bare shape, so the same code runs on any array type NumPy dispatches to.
"""
import numpy


def check_tangent(tangent, value, name):
    """A jvp's input tangent must have its input's structure and shape; return it."""
    if isinstance(value, (list, tuple)):
        if not isinstance(tangent, (list, tuple)) or len(tangent) != len(value):
            raise ValueError(f"the tangent for {name} must be a list or tuple of "
                             f"{len(value)} tangents, one per element of {name}; got "
                             f"{type(tangent).__name__}"
                             + (f" of length {len(tangent)}"
                                if isinstance(tangent, (list, tuple)) else ""))
        out = [check_tangent(t, v, f"{name}[{i}]")
               for i, (t, v) in enumerate(zip(tangent, value))]
        return tuple(out) if isinstance(tangent, tuple) else out
    if isinstance(value, dict):
        if not isinstance(tangent, dict) or set(tangent) != set(value):
            raise ValueError(f"the tangent for {name} must be a dict with the keys of {name} "
                             f"({sorted(map(repr, value))})")
        return {k: check_tangent(tangent[k], v, f"{name}[{k!r}]") for k, v in value.items()}
    if tangent is None or isinstance(tangent, (str, bytes, list, tuple, dict)):
        raise ValueError(f"the tangent for {name} must be a number or an array shaped like "
                         f"{name}, not {type(tangent).__name__}")
    if numpy.shape(tangent) != numpy.shape(value):
        raise ValueError(f"the tangent for {name} has shape {numpy.shape(tangent)} but {name} "
                         f"has shape {numpy.shape(value)}; pass one tangent value per "
                         f"element of {name}")
    return tangent


def copy_tangent(tangent):
    """A private copy of a tangent, safe to update in place (item writes, append)."""
    if isinstance(tangent, list):
        return list(tangent)
    if isinstance(tangent, tuple):
        return list(tangent)
    if isinstance(tangent, dict):
        return dict(tangent)
    if isinstance(tangent, (float, int, complex)):
        return tangent
    return numpy.copy(tangent)


def add_tangents(a, b):
    """Add two tangents of the same structure (arrays, numbers, or containers)."""
    if isinstance(a, (list, tuple)):
        out = [add_tangents(x, y) for x, y in zip(a, b)]
        return tuple(out) if isinstance(a, tuple) else out
    if isinstance(a, dict):
        return {k: add_tangents(a[k], b[k]) for k in a}
    return a + b


def output_tangent(tangent, value):
    """Give the output tangent the type and shape of the output (None means zero)."""
    if isinstance(value, (list, tuple)):
        if tangent is None:
            tangent = [None] * len(value)
        out = [output_tangent(t, v) for t, v in zip(tangent, value)]
        return tuple(out) if isinstance(value, tuple) else out
    if isinstance(value, dict):
        if tangent is None:
            tangent = {}
        return {k: output_tangent(tangent.get(k), v) for k, v in value.items()}
    if value is None:
        return None
    if isinstance(value, numpy.generic):
        dtype = value.dtype if value.dtype.kind in "fc" else numpy.dtype(float)
        if tangent is None:
            return dtype.type(0)
        if numpy.ndim(tangent) == 0:
            return dtype.type(tangent)
        return numpy.reshape(tangent, ())[()]
    if isinstance(value, (bool, int, float, complex)):
        if tangent is None:
            return 0.0
        if isinstance(value, complex) or numpy.iscomplexobj(tangent):
            return complex(numpy.reshape(tangent, ())[()])
        return float(numpy.reshape(tangent, ())[()])
    shape = numpy.shape(value)
    dtype = getattr(value, "dtype", None)
    float_dtype = dtype if dtype is not None and dtype.kind in "fc" else numpy.dtype(float)
    if tangent is None:
        return numpy.zeros_like(value, dtype=float_dtype)
    if numpy.shape(tangent) == shape and type(tangent) is type(value):
        return tangent
    out = numpy.zeros_like(value, dtype=numpy.result_type(float_dtype, tangent))
    out[...] = tangent
    return out
