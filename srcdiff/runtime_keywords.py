"""Helpers that the reduction rules of templates/reductions.py emit for the keywords where=
and initial= (numpy.sum, mean, prod, max, min, amax, amin and the methods lowered to them)
(run time: called by emitted code; a leaf importing NumPy only). Takes the primal values, the
mask and the initial value the call was given; gives back masked values, counts and weights.

Each is written so that the call without the keyword is its first argument: srcdiff.splice
folds `where_filled(g, True, 0.0)`, `where_count(n, True, a, axis)` and
`with_initial(g, None)` to `g` (or `n`) when the user's call passes no where= or initial=,
so a reduction without these keywords emits the code it always did.

Like srcdiff.runtime, each helper stands alone (numpy and nothing else, no shared state), so
the codegen command can copy its source into a module. Their tangent rules (forward mode
over emitted gradients) are in templates/runtime_rules.py.
"""
import numpy


def where_filled(value, where, fill):
    """`value` where the mask `where` is true, `fill` elsewhere (broadcast together): the
    derivative of a masked reduction reaches the kept elements only."""
    return numpy.where(where, value, fill)


def where_count(count, where, a, axis):
    """How many elements of `a` each result of a mean with where= averages: the mask's
    true elements along `axis` (kept dims, so it broadcasts against `a`); `count` (the
    reduction's size) is what the call without where= divides by."""
    mask = numpy.logical_and(where, numpy.ones_like(a, dtype=bool))
    return numpy.sum(mask, axis=axis, keepdims=True)


def with_initial(value, initial):
    """`value` times the initial= of a product (`value` itself without one)."""
    return value if initial is None else value * initial


def initial_weight(a, result, initial, axis, keepdims):
    """1.0 where max/min's `result` is its initial= value and no element of `a` (masked
    elements are NaN here) attains it, else 0.0: the derivative goes to initial there.
    A tie of initial with an element gives the element the whole derivative (a
    subgradient: the derivative along any direction that moves both stays right)."""
    ndim = numpy.ndim(a)
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        axes = tuple(sorted(int(k) % ndim for k in axes)) if ndim else ()
    kept = result
    if not keepdims and ndim:
        shape = list(numpy.shape(result))
        for k in axes:
            shape.insert(k, 1)
        kept = numpy.reshape(result, tuple(shape))
    attained = numpy.any(a == kept, axis=axes, keepdims=keepdims) if ndim else a == kept
    return numpy.where(numpy.logical_or(attained, result != initial), 0.0, 1.0)
