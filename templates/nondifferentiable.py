"""Functions whose results carry no derivative: shapes, indices, comparisons, rounding,
constructors from shapes, random numbers drawn from shapes or counts, and
integer/boolean-valued builtins.

A function belongs here only if its output is piecewise constant in every float
input (rounding functions such as floor, ceil, round have a zero derivative almost
everywhere). Functions whose values move with a float input have rules or a
not-implemented refusal elsewhere, even if they are often called with constants:
numpy.arange and numpy.linspace (templates/grids.py), numpy.heaviside's second
argument (ufuncs.py), numpy.bincount's weights (reductions.py), numpy.random.normal,
uniform and exponential (random.py), numpy.meshgrid (edits.py); numpy.unique, logspace,
geomspace, random.choice/permutation/shuffle/gamma/beta and builtins.getattr are
refused with what to write instead.
"""
import builtins
import math

import numpy

from srcdiff.rules import nondifferentiable, not_implemented


def _present(module, names):
    return [getattr(module, n) for n in names.split() if hasattr(module, n)]


nondifferentiable(*_present(numpy, """
    shape ndim size argmax argmin argsort argpartition nonzero flatnonzero argwhere
    count_nonzero searchsorted digitize
    floor ceil trunc rint fix round around sign signbit floor_divide
    isnan isinf isfinite isclose allclose array_equal array_equiv isreal iscomplex
    isrealobj iscomplexobj isscalar iscomplexobj result_type can_cast promote_types
    greater greater_equal less less_equal equal not_equal
    logical_and logical_or logical_not logical_xor all any
    bitwise_and bitwise_or bitwise_xor invert left_shift right_shift
    zeros_like ones_like empty_like zeros ones empty eye identity
    tri tril_indices triu_indices diag_indices indices
    ix_ unravel_index ravel_multi_index broadcast_shapes
    isposinf isneginf nanargmax nanargmin spacing gcd lcm lexsort isin in1d bitwise_count
    diag_indices_from tril_indices_from triu_indices_from mask_indices
    hanning hamming blackman bartlett shares_memory may_share_memory
"""))
nondifferentiable(numpy.linalg.matrix_rank)   # an integer (a count of singular values)
nondifferentiable(*_present(numpy.random, """
    rand randn random random_sample standard_normal integers randint
    default_rng seed poisson binomial
"""))
nondifferentiable(*_present(builtins, """
    len int bool range slice isinstance issubclass print round hash id repr str type
    callable hasattr any all
"""))
nondifferentiable(*_present(math, """
    floor ceil trunc isnan isinf isfinite isclose factorial comb perm gcd lcm
    isqrt
"""))


# values that move with a float input, with no rule yet: refused when one is differentiated
_UNIQUE_HINT = ("the unique values are elements of x: index x with the positions of its "
                "first occurrences, x[numpy.unique(srcdiff.stop_gradient(x), "
                "return_index=True)[1]]")
not_implemented(numpy.unique, _UNIQUE_HINT)
for _unique in _present(numpy, "unique_values unique_counts unique_inverse unique_all"):
    not_implemented(_unique, _UNIQUE_HINT)   # NumPy 2's array-API forms (values first)
not_implemented(builtins.getattr, "read the attribute itself (x.real, p.w), or name it with "
                "a string written in the call (getattr(p, \"w\")) or a loop over a named "
                "tuple's fields or a display of strings (for name in p._fields: getattr(p, "
                "name)), which srcdiff reads as the attribute")
