"""Functions whose results carry no derivative: shapes, indices, comparisons, rounding,
constructors from shapes, random numbers, and integer/boolean-valued builtins.

Rounding functions (floor, ceil, round, ...) are piecewise constant: their
derivative is zero almost everywhere, so no derivative flows through them.
"""
import builtins
import math

import numpy

from srcdiff.rules import nondifferentiable


def _present(module, names):
    return [getattr(module, n) for n in names.split() if hasattr(module, n)]


nondifferentiable(*_present(numpy, """
    shape ndim size argmax argmin argsort argpartition nonzero flatnonzero argwhere
    count_nonzero searchsorted digitize bincount unique
    floor ceil trunc rint fix round around sign signbit heaviside floor_divide
    isnan isinf isfinite isclose allclose array_equal array_equiv isreal iscomplex
    isrealobj iscomplexobj isscalar iscomplexobj result_type can_cast promote_types
    greater greater_equal less less_equal equal not_equal
    logical_and logical_or logical_not logical_xor all any
    bitwise_and bitwise_or bitwise_xor invert left_shift right_shift
    zeros_like ones_like empty_like zeros ones empty eye identity arange
    linspace logspace geomspace tri tril_indices triu_indices diag_indices indices
    ix_ meshgrid unravel_index ravel_multi_index broadcast_shapes
    histogram histogram_bin_edges
"""))
nondifferentiable(*_present(numpy.random, """
    rand randn random random_sample uniform normal standard_normal integers randint
    choice permutation shuffle default_rng seed poisson binomial exponential gamma beta
"""))
nondifferentiable(*_present(builtins, """
    len int bool range slice isinstance issubclass print round hash id repr str type
    callable hasattr getattr any all
"""))
nondifferentiable(*_present(math, """
    floor ceil trunc isnan isinf isfinite isclose factorial comb perm gcd lcm
    isqrt
"""))
