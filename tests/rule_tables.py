"""Input tables shared by the rule tests of tests/templates/ and the device-like array run of
tests/test_backends_rules.py: each rule test parametrizes over its table, and the backend
test runs the same cases on its array type. One home, so the two cannot drift apart."""
import math

import numpy as np

# templates/arithmetic.py: operand shapes of the binary operators (broadcasting cases)
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 3)), ((2, 3), ()), ((), (3,)),
          ((2, 1, 3), (4, 1))]
IDS = ["same", "row", "outer", "array-scalar", "scalar-array", "3d"]

# templates/linalg.py: operand shapes of np.dot and np.inner
DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((), (2, 3)),
              ((2, 3), ())]
INNER_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 3), (4, 3)),
                ((2, 2, 3), (4, 3)), ((2, 3), (2, 4, 3)), ((), (2, 3))]

# templates/python.py: the math module's one-argument functions and a point inside the domain
MATH = [
    (math.sin, 0.7), (math.cos, 0.7), (math.tan, 0.4), (math.exp, 0.3), (math.expm1, 0.3),
    (math.log, 1.7), (math.log1p, 0.4), (math.log2, 1.7), (math.log10, 1.7),
    (math.sqrt, 1.7), (math.sinh, 0.6), (math.cosh, 0.6), (math.tanh, 0.6),
    (math.asin, 0.4), (math.acos, 0.4), (math.atan, 0.8), (math.asinh, 0.8),
    (math.acosh, 1.8), (math.atanh, 0.4), (math.fabs, -0.8), (math.degrees, 0.8),
    (math.radians, 0.8), (math.erf, 0.5), (math.erfc, 0.5),
    (math.lgamma, 1.7), (math.gamma, 1.7),
] + [(getattr(math, n), 0.6) for n in ("exp2", "cbrt") if hasattr(math, n)]

# templates/reductions.py: (axis, keepdims) of the reductions, and the orders of vector norms
AXES = [(None, False), (None, True), (0, False), (1, True), (-1, False), ((0, 2), False),
        ((0, -1), True), ((), False)]
VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, 0]

# templates/ufuncs.py: (function, input domain); inputs stay away from kinks and domain edges
UNARY = [
    (np.exp, (-1, 1)), (np.exp2, (-1, 1)), (np.expm1, (-1, 1)), (np.log, (0.5, 2)),
    (np.log2, (0.5, 2)), (np.log10, (0.5, 2)), (np.log1p, (-0.5, 1)), (np.sqrt, (0.5, 2)),
    (np.cbrt, (0.5, 2)), (np.square, (-1, 1)), (np.reciprocal, (0.5, 2)),
    (np.abs, (0.2, 1)), (np.absolute, (-1, -0.2)), (np.fabs, (0.2, 1)),
    (np.sin, (-2, 2)), (np.cos, (-2, 2)), (np.tan, (-1, 1)), (np.arcsin, (-0.8, 0.8)),
    (np.arccos, (-0.8, 0.8)), (np.arctan, (-2, 2)), (np.sinh, (-1, 1)), (np.cosh, (-1, 1)),
    (np.tanh, (-1, 1)), (np.arcsinh, (-2, 2)), (np.arccosh, (1.5, 3)),
    (np.arctanh, (-0.8, 0.8)), (np.deg2rad, (-1, 1)), (np.radians, (-1, 1)),
    (np.rad2deg, (-1, 1)), (np.degrees, (-1, 1)), (np.sinc, (0.1, 0.9)),
    (np.negative, (-1, 1)), (np.positive, (-1, 1)), (np.conj, (-1, 1)),
    (np.conjugate, (-1, 1)), (np.real, (-1, 1)),
]
# (function, domain of a, domain of b)
BINARY = [
    (np.arctan2, (-1, 1), (0.5, 2)), (np.hypot, (0.5, 1), (-1, -0.5)),
    (np.logaddexp, (-1, 1), (-1, 1)), (np.logaddexp2, (-1, 1), (-1, 1)),
    (np.float_power, (0.5, 2), (-1, 1)), (np.power, (0.5, 2), (-1, 1)),
    (np.remainder, (2.1, 2.9), (0.7, 0.9)), (np.mod, (-2.9, -2.1), (0.7, 0.9)),
    (np.fmod, (-2.9, -2.1), (0.7, 0.9)),
    (np.add, (-1, 1), (-1, 1)), (np.subtract, (-1, 1), (-1, 1)),
    (np.multiply, (-1, 1), (-1, 1)), (np.divide, (-1, 1), (0.5, 2)),
]


def unary_program(fn):
    """A scalar function of x through fn (times a non-constant factor, so a dropped term shows)."""
    return lambda x: np.sum(fn(x) * np.cos(x))


def binary_program(fn):
    """A scalar function of a and b through fn."""
    return lambda a, b: np.sum(fn(a, b) * np.cos(a))
