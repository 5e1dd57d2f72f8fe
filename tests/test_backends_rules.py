"""Every derivative rule on a device array type: the emitted code never leaves the device.

tests/test_backends.py runs a few whole programs on array types NumPy dispatches to.
This module runs the rules one by one: for each rule family of templates/ (the tables
of tests/templates/, reused where they are tables), `srcdiff.grad(f)` and
`srcdiff.jvp(f)` are computed on NumPy inputs and on `DeviceArray` inputs (the
CuPy stand-in of test_backends.py, given cupy.ndarray's methods below: it refuses to
become, or to be mixed with, a host ndarray). A derivative must come back as a
DeviceArray with NumPy's values (rtol 1e-10). A few cases also run `srcdiff.hvp`
(forward mode over the emitted gradient), which meets the runtime helpers' own rules.

As a CuPy user passes them, only float arrays go to the device: Python floats, ints
and integer index arrays stay on the host. The constants a function multiplies by
(weights) are passed as arguments, so they go to the device too.

A case the *primal* function cannot run on such an array (CuPy can not either) is an
xfail(strict=True) saying why; srcdiff's own host conversions are bugs, not xfails.
`test_every_rule_is_covered` checks that the cases reach every rule in templates/.
On a machine with a GPU, the gpu-marked `test_*_on_cupy` run the same cases on CuPy
(scripts/gpu_check.py); elsewhere they skip. They run the function itself on CuPy first: a
case whose function CuPy cannot run is skipped naming the exception, and one whose value
CuPy computes otherwise (eigh's eigenvector signs) has its device derivatives checked
against central differences on the device (check_grad_on, check_jvp_on; their logic runs
on CPU too, with fakes of CuPy's behaviours).
"""
import math
import statistics
import os
import operator

import numpy as np
import pytest

import srcdiff
import srcdiff.api
import srcdiff.rules
import srcdiff.signal
from device_arrays import DeviceArray as _DeviceArray
from gradcheck import numerical_grad
from rule_coverage import backend_rule_name, backend_rules_missing
from rule_tables import (AXES, BINARY, DOT_SHAPES, INNER_SHAPES, MATH, UNARY, VECTOR_ORDS,
                         IDS as OPERATOR_IDS, SHAPES as OPERATOR_SHAPES,
                         binary_program as _binary, unary_program as _unary)

rng = np.random.default_rng(20240607)
HAS_NUMPY2 = hasattr(np, "matrix_transpose")


def _in(lo, hi, shape):
    return rng.uniform(lo, hi, size=shape)


def _x(*shape):
    return rng.normal(size=shape)


def _w(shape):
    """Distinct weights, so a derivative landing on the wrong element is caught."""
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


def _distinct(shape):
    """No ties and no zeros (for max/min/prod/norms)."""
    n = int(np.prod(shape, dtype=int))
    vals = rng.permutation(np.linspace(0.3, 1.7, n)) * rng.choice([-1.0, 1.0], size=n)
    return vals.reshape(shape)


class DeviceArray(_DeviceArray):
    """test_backends.DeviceArray with the ndarray methods cupy.ndarray has (emitted code
    keeps the method form a function was written in: `x.clip(0.1, None)`), each the NumPy
    function of that name, so it dispatches back to this type; and numpy.take as CuPy has
    it: a host index array is copied to the device, and there is no mode=."""

    _METHODS = {"all", "any", "argmax", "argmin", "argsort", "clip", "conj", "conjugate",
                "cumprod", "cumsum", "diagonal", "dot", "max", "mean", "min", "nonzero", "prod",
                "ravel", "repeat", "round", "squeeze", "std", "sum", "swapaxes", "take",
                "trace", "var"}

    def __getattr__(self, name):
        if name in self._METHODS:
            return lambda *args, **kwargs: getattr(np, name)(self, *args, **kwargs)
        raise AttributeError(name)

    def transpose(self, *axes):
        return np.transpose(self, axes[0] if len(axes) == 1 else axes or None)

    def flatten(self, order="C"):   # cupy.ndarray.flatten: always a copy
        return np.ravel(self, order=order).copy()

    def compress(self, condition, axis=None):  # cupy.ndarray.compress(condition, axis)
        return np.compress(condition, self, axis=axis)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.take:
            # cupy.take(a, indices, axis=None, out=None): a host index is copied to the
            # device, and there is no mode=
            if "mode" in kwargs or len(args) > 4:
                raise TypeError("take() got an unexpected keyword argument 'mode'")
            if isinstance(args[1], np.ndarray):
                args = (args[0], type(self)(args[1])) + tuple(args[2:])
        return super().__array_function__(func, types, args, kwargs)



# --- the cases ----------------------------------------------------------------------------
CASES = []   # pytest.param(f, args, wrt, id=..., marks=...)
CASES_BY_MODE = {"reverse": [], "forward": []}   # the same, marked for that mode's runs


def case(name, f, *args, wrt=0, xfail=None, xfail_modes=("reverse", "forward")):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    CASES.append(pytest.param(f, args, wrt, id=name, marks=marks if len(xfail_modes) == 2
                              else []))
    for mode, cases in CASES_BY_MODE.items():
        cases.append(pytest.param(f, args, wrt, id=name,
                                  marks=marks if mode in xfail_modes else []))


# templates/ufuncs.py -----------------------------------------------------------------------
for fn, (lo, hi) in UNARY:
    case(fn.__name__, _unary(fn), _in(lo, hi, (2, 3)))
for fn, (lo, hi) in UNARY[:4]:
    case(f"{fn.__name__}-0d", _unary(fn), _in(lo, hi, ()))
case("imag", lambda x: np.sum(np.imag(x) + x), _x(2, 3))

# templates/complex_values.py (on real device arrays: the angle is flat there); fixed values,
# so the random values of the cases after it stay as they were
case("angle", lambda x: np.sum(np.angle(x) * x), np.array([[0.5, -1.2, 0.3], [2.0, -0.7, 1.1]]))

BINARY_SHAPES = [((4, 1), (1, 3)), ((), (2,))]  # both operands broadcast; a 0-d one
for fn, da, db in BINARY:
    for sa, sb in BINARY_SHAPES:
        case(f"{fn.__name__}-{sa}-{sb}", _binary(fn), _in(*da, sa), _in(*db, sb), wrt=(0, 1))


def _extremum(fn):
    return lambda a, b: np.sum(fn(a, b) * np.sin(a + 1))


for fn in [np.maximum, np.minimum, np.fmax, np.fmin]:
    for sa, sb in [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), ())]:
        a = rng.permutation(np.linspace(-1, 1, int(np.prod(sa, dtype=int)))).reshape(sa)
        b = np.full(sb, 0.05) if sb == () else _in(-1.03, 1.03, sb)
        case(f"{fn.__name__}-{sa}-{sb}", _extremum(fn), a, b, wrt=(0, 1))
case("maximum-ties", lambda a, b: np.sum(np.maximum(a, b)), np.array([1.0, 2.0, 3.0]),
     np.array([2.0, 2.0, 2.0]), wrt=(0, 1))

for sx, sy in [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), ())]:
    case(f"where-{sx}-{sy}", lambda x, y: np.sum(np.where(x > 0, x * x, y) * np.cos(x)),
         _x(*sx), _x(*sy), wrt=(0, 1))
case("where-python-float", lambda x, c: np.sum(np.where(x > 0, c, np.sin(x))), _x(3, 2), 0.7,
     wrt=(0, 1))
case("where-broadcast-condition", lambda x, m, w: np.sum(np.where(m > 0, x, 2 * x) * w),
     _x(3), np.array([[1.0], [-1.0]]), _w((2, 3)))

CLIPPED = rng.permutation(np.linspace(-1.03, 1.03, 12)).reshape(3, 4)
case("clip-scalars", lambda x: np.sum(np.clip(x, -0.5, 0.5) * np.cos(x)), CLIPPED)
case("clip-method", lambda x: np.sum(x.clip(0.1, None) ** 2), CLIPPED)
case("clip-no-lower", lambda x: np.sum(np.clip(x, None, 0.1) ** 2), CLIPPED)
case("clip-bounds", lambda x, lo, hi: np.sum(np.clip(x, lo, hi) * np.sin(x)), CLIPPED,
     np.array([-0.5, -0.2, 0.05, -2.0]), 0.41, wrt=(0, 1, 2))
if np.lib.NumpyVersion(np.__version__) >= "2.1.0":
    case("clip-min-max", lambda x, hi: np.sum(np.clip(x, min=-0.3, max=hi) ** 2), CLIPPED,
         0.33, wrt=(0, 1))

# templates/arithmetic.py --------------------------------------------------------------------
def _operators(a, b):
    return np.sum(np.sin(a + b) + np.sin(a - b) + np.sin(a * b) + np.sin(a / b)
                  + np.sin(b ** a) + np.sin(-a) * +b)


def _ufunc_twins(a, b):
    return np.sum(np.sin(np.add(a, b)) + np.sin(np.subtract(a, b)) + np.sin(np.multiply(a, b))
                  + np.sin(np.divide(a, b)) + np.sin(np.true_divide(a, b))
                  + np.sin(np.power(b, a)) + np.negative(a) * np.positive(b))


for (sa, sb), shape_id in zip(OPERATOR_SHAPES, OPERATOR_IDS):
    a, b = _x(*sa), _in(0.5, 2.0, sb)
    case(f"operators-{shape_id}", _operators, a, b, wrt=(0, 1))
    case(f"ufunc-twins-{shape_id}", _ufunc_twins, a, b, wrt=(0, 1))
case("python-float-constants", lambda x: np.sum(x * 2.0 + 1.0 / x - 3.0 ** x),
     _in(0.5, 2.0, (2, 3)))
case("integer-powers", lambda x: np.sum(x ** 2 + x ** 3 + x ** 0), _x(2, 3))
case("array-to-float-power", lambda b, p: np.sum(b ** p), np.array([0.5, 2.0]), 1.5,
     wrt=(0, 1))
for sa, sb in [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)), ((3,), (3,)),
               ((2, 3, 4), (4, 2)), ((1, 3, 4), (2, 4, 2))]:
    a, b = _x(*sa), _x(*sb)
    case(f"matmul-operator-{sa}-{sb}", lambda a, b, w: np.sum((a @ b) * w), a, b,
         _w(np.shape(a @ b)), wrt=(0, 1))
    if sa[-1] == 4:
        case(f"np.matmul-{sa}-{sb}", lambda a, b, w: np.sum(np.matmul(a, b) * w), a, b,
             _w(np.shape(a @ b)), wrt=(0, 1))

# templates/reductions.py --------------------------------------------------------------------
X234 = _distinct((2, 3, 4))


def _reduction(fn, axis, keepdims):
    return lambda x, w: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims)) * w)


for fn in [np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.var, np.std]:
    for axis, keepdims in AXES if fn not in (np.amax, np.amin) else AXES[2:4]:
        if fn in (np.var, np.std) and axis == ():
            continue  # variance over no axes is zero (std has a kink), as in test_reductions
        w = _w(np.shape(fn(X234, axis=axis, keepdims=keepdims)))
        case(f"{fn.__name__}-axis={axis}-keepdims={keepdims}", _reduction(fn, axis, keepdims),
             X234, w)


def _ddof(fn, axis, ddof):
    return lambda x: np.sum(np.cos(fn(x, axis=axis, ddof=ddof)))


for fn in [np.var, np.std]:
    for ddof in [0, 1]:
        for axis in [None, -1]:
            case(f"{fn.__name__}-ddof={ddof}-axis={axis}", _ddof(fn, axis, ddof),
                 _distinct((3, 4)))


def _whole(fn):
    return lambda x: fn(x) * 2.0


def _positional_axis(fn):
    return lambda y: np.sum(np.sin(fn(y, 1)))


for fn in [np.sum, np.mean, np.prod, np.max, np.min, np.var, np.std]:
    case(f"{fn.__name__}-vector", _whole(fn), _distinct((5,)))
    case(f"{fn.__name__}-positional-axis", _positional_axis(fn), _distinct((3, 4)))

X34 = _distinct((3, 4))
case("method-sum", lambda x: np.sum(x.sum(axis=0) ** 2), X34)
case("method-mean", lambda x: np.sum(x.mean(axis=0) ** 2), X34)
case("method-prod", lambda x: x.prod(), X34)
case("method-max-min", lambda x: x.max() + x.min(), X34)
case("method-max-keepdims", lambda x: np.sum(x.max(axis=1, keepdims=True) * x), X34)
case("method-std-var", lambda x: x.std() + x.var(axis=1).sum(), X34)
case("method-cumsum", lambda x: np.sum(x.cumsum(axis=1) ** 2), X34)
ZEROS = _distinct((2, 3))
ZEROS.flat[[0, 5]] = 0.0
case("prod-with-zeros", lambda x: np.prod(x), ZEROS)
case("prod-with-zeros-axis", lambda x, w: np.sum(np.prod(x, axis=1) * w), ZEROS,
     np.array([1.0, 2.0]))
case("max-ties", lambda x: np.sum(np.max(x, axis=1)),
     np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))


def _cumsum(axis):
    return lambda x, w: np.sum(np.cumsum(x, axis=axis) * w)


for axis in [None, 0, 1, -1]:
    case(f"cumsum-axis={axis}", _cumsum(axis), X34, _w(np.shape(np.cumsum(X34, axis=axis))))


def _norm(ord):
    return lambda x: np.linalg.norm(x, ord) * 2.0


def _norm_axis(ord, axis, keepdims):
    return lambda x: np.sum(np.sin(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)))


def _norm_axes(ord, keepdims):
    return lambda x, w: np.sum(np.linalg.norm(x, ord, axis=(0, 2), keepdims=keepdims).ravel()
                               * w)


for ord in VECTOR_ORDS:
    case(f"norm-vector-ord={ord}", _norm(ord), _distinct((5,)))
for ord in [None, 2, 1, np.inf, 3]:
    for axis, keepdims in [(0, False), (-1, True), (1, False)]:
        case(f"norm-ord={ord}-axis={axis}-keepdims={keepdims}", _norm_axis(ord, axis, keepdims),
             X34)
for ord in [None, "fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf]:
    case(f"norm-matrix-ord={ord}", _norm(ord), X34)
for ord in ["fro", "nuc", 2, 1, np.inf]:
    for keepdims in [False, True]:
        case(f"norm-matrix-ord={ord}-axes-keepdims={keepdims}", _norm_axes(ord, keepdims),
             _distinct((3, 2, 4)), np.arange(1.0, 3.0))
case("norm-nd", lambda x: np.linalg.norm(x), _distinct((2, 3, 2)))
case("norm-nd-keepdims", lambda x: np.sum(np.linalg.norm(x, keepdims=True) * x),
     _distinct((2, 3, 2)))
case("norm-zero-vector", lambda x: np.linalg.norm(x), np.zeros(3))
if hasattr(np.linalg, "vector_norm"):
    case("vector_norm", lambda x: np.linalg.vector_norm(x), X34)
    case("vector_norm-axis-ord1", lambda x, w: np.sum(np.linalg.vector_norm(x, axis=1, ord=1) * w),
         X34, np.arange(3.0))
    case("vector_norm-inf", lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=np.inf), X34)
    case("matrix_norm", lambda x: np.linalg.matrix_norm(x), X34)
    case("matrix_norm-nuc", lambda y, w: np.sum(np.linalg.matrix_norm(y, ord="nuc") * w),
         _distinct((2, 3, 3)), np.arange(2.0))
    case("matrix_norm-2-keepdims",
         lambda y: np.sum(np.linalg.matrix_norm(y, ord=2, keepdims=True) * y),
         _distinct((2, 3, 3)))

# templates/reductions.py and statistics.py: issue 15's statistics and reductions ------------
# (their own generator: the draws of the cases below stay what they were)
_srng = np.random.default_rng(15)


def _sdistinct(shape):
    n = int(np.prod(shape, dtype=int))
    vals = _srng.permutation(np.linspace(0.3, 1.7, n)) * _srng.choice([-1.0, 1.0], size=n)
    return vals.reshape(shape)


def _axis_fn(fn, axis, keepdims):
    return lambda x, w: np.sum(np.sin(fn(x, axis=axis, keepdims=keepdims)) * w)


XNAN = _sdistinct((3, 4))
XNAN.flat[[1, 6]] = np.nan
for fn in [np.nansum, np.nanmean, np.nanprod, np.nanvar, np.nanstd, np.nanmax, np.nanmin,
           np.ptp, np.median, np.nanmedian, np.average]:
    for axis, keepdims in [(None, False), (1, True), (0, False)]:
        x = X34 if fn in (np.ptp, np.median, np.average) else XNAN
        w = _w(np.shape(fn(x, axis=axis, keepdims=keepdims)))
        case(f"{fn.__name__}-axis={axis}-keepdims={keepdims}", _axis_fn(fn, axis, keepdims), x, w)
def _running(fn, axis):
    return lambda x, w: np.sum(fn(x, axis=axis) * w)


CUMZ = _sdistinct((3, 4))
CUMZ.flat[[1, 2, 9]] = 0.0
for fn in [np.cumprod, np.nancumsum, np.nancumprod]:
    for axis in [None, 1]:
        x = XNAN if fn in (np.nancumsum, np.nancumprod) else CUMZ
        case(f"{fn.__name__}-axis={axis}", _running(fn, axis), x, _w(np.shape(fn(x, axis=axis))))
case("method-cumprod", lambda x: np.sum(x.cumprod(axis=1) ** 2), CUMZ)
if hasattr(np, "cumulative_sum"):
    case("cumulative_sum-initial", lambda x, w: np.sum(
        np.cumulative_sum(x, axis=1, include_initial=True) * w), X34, _w((3, 5)))
    case("cumulative_prod-initial", lambda x, w: np.sum(
        np.cumulative_prod(x, axis=0, include_initial=True) * w), CUMZ, _w((4, 4)))
case("average-weights", lambda x, v, w: np.sum(np.average(x, 1, v) * w), X34,
     np.array([0.5, 1.0, 2.0, 1.5]), _w((3,)), wrt=(0, 1))
Q = np.array([0.2, 0.75])
for fn, q in [(np.quantile, Q), (np.nanquantile, Q), (np.percentile, Q * 100),
              (np.nanpercentile, Q * 100)]:
    x = XNAN if fn in (np.nanquantile, np.nanpercentile) else X34
    case(f"{fn.__name__}", (lambda fn: lambda x, q, w: np.sum(np.sin(fn(x, q, axis=1)) * w))(fn),
         x, q, _w((2, 3)), wrt=(0, 1))
XP = np.array([0.0, 0.5, 1.3, 2.0, 3.1])
case("interp", lambda x, xp, fp, w: np.sum(np.sin(np.interp(x, xp, fp)) * w),
     np.array([-0.4, 0.2, 0.8, 1.7, 3.6]), XP, _sdistinct((5,)), _w((5,)), wrt=(0, 1, 2))
case("interp-left-right", lambda x, fp, lo, hi, xp: np.sum(np.interp(x, xp, fp, lo, hi) ** 2),
     np.array([-0.4, 0.2, 3.6]), _sdistinct((5,)), 0.3, -0.2, XP, wrt=(0, 1, 2, 3))
case("histogram", lambda a, w: np.sum(np.histogram(a, bins=3, density=True)[0] * w)
     + np.sum(np.histogram(a, bins=3)[1] * np.sin(a[:4])), np.array([0.3, -1.2, 0.75, 2.0, 1.1]),
     _w((3,)))
case("histogram_bin_edges", lambda a: np.sum(np.histogram_bin_edges(a, bins=4) ** 2),
     np.array([0.3, -1.2, 0.75, 2.0, 1.1]))
case("trapezoid-x", lambda y, t, w: np.sum(np.trapezoid(y, t) * w), X34,
     np.array([0.0, 0.4, 1.1, 1.5]), _w((3,)), wrt=(0, 1))
case("trapezoid-dx", lambda y, h: np.trapezoid(y, dx=h, axis=0)[1], X34, 0.3, wrt=(0, 1))
for fn in [np.convolve, np.correlate]:
    for mode in ["full", "same", "valid"]:
        case(f"{fn.__name__}-{mode}", (lambda fn, mode: lambda a, v: np.sum(
            np.sin(fn(a, v, mode))))(fn, mode), _sdistinct((5,)), _sdistinct((3,)), wrt=(0, 1))
for fn in [np.add.outer, np.subtract.outer, np.multiply.outer, np.divide.outer,
           np.maximum.outer, np.minimum.outer]:
    case(f"{fn.__self__.__name__}.outer", (lambda fn: lambda a, b, w: np.sum(
        fn(a, b) * w))(fn), _sdistinct((3,)), _sdistinct((2,)) + 2.5, _w((3, 2)), wrt=(0, 1))
for fn in [np.add.reduce, np.multiply.reduce, np.maximum.reduce, np.minimum.reduce,
           np.add.accumulate, np.multiply.accumulate]:
    case(f"{fn.__self__.__name__}.{fn.__name__}", (lambda fn: lambda x, w: np.sum(
        fn(x, axis=1) * w))(fn), CUMZ if fn.__name__ == "accumulate" else X34,
        _w((3, 4) if fn.__name__ == "accumulate" else (3,)))
case("i0", lambda x: np.sum(np.i0(x)), _srng.normal(size=(2, 3)))
case("sinc", lambda x: np.sum(np.sinc(x)), np.array([0.0, 0.3, -1.2]))


# templates/shapes.py ----------------------------------------------------------------------
X23, X234, X213 = _x(2, 3), _x(2, 3, 4), _x(2, 1, 3)
W6, W23, W32 = _w((6,)), _w((2, 3)), _w((3, 2))
case("reshape", lambda x, w: np.sum(np.reshape(x, (3, 2)) * w), X23, W32)
case("reshape-flat", lambda x, w: np.sum(np.reshape(x, -1) * w), X23, W6)
case("reshape-F", lambda x, w: np.sum(np.reshape(x, (3, 2), order="F") * w), X23, W32)
case("reshape-method", lambda x, w: np.sum(x.reshape(3, 2) * w), X23, W32)
case("reshape-method-tuple", lambda x, w: np.sum(x.reshape((6,)) * w), X23, W6)
case("ravel", lambda x, w: np.sum(np.ravel(x) * w), X23, W6)
case("ravel-F", lambda x, w: np.sum(np.ravel(x, order="F") * w), X23, W6)
case("ravel-method", lambda x, w: np.sum(x.ravel() * w), X23, W6)
case("flatten-method", lambda x, w: np.sum(x.flatten() * w), X23, W6)
case("transpose", lambda x, w: np.sum(np.transpose(x) * w), X234, _w((4, 3, 2)))
case("transpose-T", lambda x, w: np.sum(x.T * w), X234, _w((4, 3, 2)))
case("transpose-axes", lambda x, w: np.sum(np.transpose(x, (1, 2, 0)) * w), X234, _w((3, 4, 2)))
case("transpose-negative-axes", lambda x, w: np.sum(np.transpose(x, (-2, -1, 0)) * w), X234,
     _w((3, 4, 2)))
case("transpose-method", lambda x, w: np.sum(x.transpose(1, 2, 0) * w), X234, _w((3, 4, 2)))
if HAS_NUMPY2:
    case("matrix_transpose", lambda x, w: np.sum(np.matrix_transpose(x) * w), X234,
         _w((2, 4, 3)))
    case("mT", lambda x, w: np.sum(x.mT * w), X234, _w((2, 4, 3)))
case("swapaxes", lambda x, w: np.sum(np.swapaxes(x, 0, 2) * w), X234, _w((4, 3, 2)))
case("swapaxes-method", lambda x, w: np.sum(x.swapaxes(-1, 1) * w), X234, _w((2, 4, 3)))
case("moveaxis", lambda x, w: np.sum(np.moveaxis(x, 0, -1) * w), X234, _w((3, 4, 2)))
case("moveaxis-tuple", lambda x, w: np.sum(np.moveaxis(x, (0, 1), (2, 0)) * w), X234,
     _w((3, 4, 2)))
case("squeeze", lambda x, w: np.sum(np.squeeze(x) * w), X213, W23)
case("squeeze-axis", lambda x, w: np.sum(np.squeeze(x, axis=1) * w), X213, W23)
case("squeeze-method", lambda x, w: np.sum(x.squeeze() * w), X213, W23)
case("expand_dims", lambda y, w: np.sum(np.expand_dims(y, 1) * w), X23, _w((2, 1, 3)))
case("expand_dims-tuple", lambda y, w: np.sum(np.expand_dims(y, (0, -1)) * w), X23,
     _w((1, 2, 3, 1)))
case("atleast_1d", lambda y, w: np.sum(np.atleast_1d(y) * w), np.array(0.7), _w((1,)))
case("atleast_2d", lambda y, w: np.sum(np.atleast_2d(y) * w), _x(3), _w((1, 3)))
case("atleast_3d", lambda y, w: np.sum(np.atleast_3d(y) * w), X23, _w((2, 3, 1)))
case("flip", lambda x, w: np.sum(np.flip(x) * w), X23, W23)
case("flip-axis", lambda x, w: np.sum(np.flip(x, axis=1) * w), X23, W23)
case("broadcast_to", lambda v, w: np.sum(np.broadcast_to(v, (2, 3)) * w), _x(3), W23)
case("broadcast_to-0d", lambda v, w: np.sum(np.broadcast_to(v, (2, 3)) * w), np.array(0.5), W23)
case("copy", lambda x, w: np.sum(np.copy(x) * w), X23, W23)
case("copy-method", lambda x, w: np.sum(x.copy() * w), X23, W23)
HOST_ONLY = ("the function itself calls numpy.{0}() on a device array: NumPy does not "
             "dispatch {0} without like= and converts it to a host ndarray (HostConversionError; "
             "CuPy raises TypeError); device code writes numpy.{0}(..., like=x) or cupy.{0}")
case("array", lambda x, w: np.sum(np.array(x) * w), X23, W23, xfail=HOST_ONLY.format("array"))
case("asarray", lambda x, w: np.sum(np.asarray(x) * w), X23, W23,
     xfail=HOST_ONLY.format("asarray"))
case("array-of-list", lambda a, b, w: np.sum(np.array([a, b]) * w), _x(3), _x(3), W23,
     wrt=(0, 1), xfail=HOST_ONLY.format("array"))
case("asarray-like", lambda x, w: np.sum(np.asarray(x, like=w) * w), X23, W23)
case("array-of-list-like", lambda a, b, w: np.sum(np.array([a, b], like=w) * w), _x(3), _x(3),
     W23, wrt=(0, 1))
case("astype", lambda x, w: np.sum(np.astype(x, np.float64) * w), X23, W23)
case("astype-method-float32", lambda x, w: np.sum(x.astype(np.float32) * w), X23, W23)
case("astype-method-int", lambda x, w: np.sum(x.astype(int) * w) + np.sum(x), X23, W23)
case("astype-from-float32", lambda x, w: np.sum(x.astype(np.float64) * w),
     X23.astype(np.float32), W23)


def _concatenate(axis):
    return lambda a, b, w: np.sum(np.concatenate([a, b], axis=axis) * w)


def _stack(axis):
    return lambda a, b, w: np.sum(np.stack([a, b], axis=axis) * w)


for axis in [0, 1, -1, None]:
    a = _x(2, 3)
    b = _x(2, 3) if axis is None else _x(*((1, 3) if axis == 0 else (2, 2)))
    case(f"concatenate-axis={axis}", _concatenate(axis), a, b,
         _w(np.shape(np.concatenate([a, b], axis=axis))), wrt=(0, 1))
case("concatenate-same-array", lambda a, w: np.sum(np.concatenate([a, a * 2.0]) * w), _x(3), W6)
case("concatenate-tuple", lambda a, b, w: np.sum(np.concatenate((a, b)) * w), _x(3), _x(3), W6,
     wrt=(0, 1))
case("concatenate-list-argument", lambda xs, w: np.sum(np.concatenate(xs) * w),
     [_x(2), _x(3), _x(1)], W6)
case("r_-and-c_", lambda a, w: np.sum(np.r_[a, a * 2.0] * w) + np.sum(np.c_[a, a] ** 2), _x(3),
     W6, xfail="the function itself gives device arrays to numpy.r_ and numpy.c_, which "
     "make host ndarrays of them (HostConversionError); device code writes cupy.r_, cupy.c_")
for axis in [0, 1, -1]:
    a, b = _x(2, 3), _x(2, 3)
    case(f"stack-axis={axis}", _stack(axis), a, b, _w(np.shape(np.stack([a, b], axis=axis))),
         wrt=(0, 1))
case("hstack-1d", lambda a, b, w: np.sum(np.hstack([a, b]) * w), _x(2), _x(4), W6, wrt=(0, 1))
case("hstack-2d", lambda m, n, w: np.sum(np.hstack([m, n]) * w), _x(2, 1), _x(2, 2), W23,
     wrt=(0, 1))
case("vstack-1d", lambda a, b, w: np.sum(np.vstack([a, b]) * w), _x(3), _x(3), W23, wrt=(0, 1))
case("vstack-mixed", lambda m, v, w: np.sum(np.vstack([m, v]) * w), _x(2, 2), _x(2), W32,
     wrt=(0, 1))

# templates/containers.py: + and * on lists and tuples (concatenation, repetition)
def _plus_equals_tuple(a, b):
    lst = [a]
    lst += (b * a, b)
    return lst


def _iterated(d, w):
    return np.sum(np.stack([d[k] for k in d]) * w)


def _items_values(d, w):
    s = 0.0
    pairs = list(d.items())
    for k, v in pairs:
        s = s + np.sum(v * w[0])
    return s + np.sum(np.stack(tuple(d.values())) * w)


def _comprehended(a, b):
    return {k: v * a for k, v in zip(["a", "b"], [a, b])}


def _extended(a, b):
    lst = [b]
    lst.extend([a * b, a])
    return lst



case("list-concatenation", lambda a, b, w: np.sum(np.stack([a] + [b, a]) * w), _x(2), _x(2), W32,
     wrt=(0, 1))
case("tuple-repetition", lambda a, w: np.sum(np.stack((a,) * 3) * w), _x(2), W32)
case("list-plus-equals-tuple", lambda a, b, w: np.sum(np.stack(_plus_equals_tuple(a, b)) * w),
     _x(2), _x(2), W32, wrt=(0, 1))
case("list-extend", lambda a, b, w: np.sum(np.stack(_extended(a, b)) * w), _x(2), _x(2), W32,
     wrt=(0, 1))
case("dict-iterated", lambda a, b, w: _iterated({"a": a * b, "b": b}, w), _x(2), _x(2),
     W32[:2], wrt=(0, 1))
case("dict-display-iterated", lambda a, b, w: np.sum(np.stack([k * a for k in {1.0: a, 2.0: b}])
                                                      * w), _x(2), _x(2), W32[:2])
case("dict-items-values", lambda a, b, w: _items_values({"a": a * b, "b": b}, w), _x(2), _x(2),
     W32[:2], wrt=(0, 1))
case("dict-comprehension", lambda a, b, w: np.sum(np.stack(list(_comprehended(a, b).values()))
                                                   * w), _x(2), _x(2), W32[:2], wrt=(0, 1))
case("builtin-sum-of-lists", lambda a, b, w: np.sum(np.stack(sum([[a], [a * b]], [b])) * w),
     _x(2), _x(2), W32, wrt=(0, 1))
case("list-repetition-count-first", lambda a, b, w: np.sum(np.stack(3 * [a * b]) * w), _x(2),
     _x(2), W32, wrt=(0, 1))


def _diagonal(offset):
    return lambda x, w: np.sum(np.diagonal(x, offset) * w)


def _diagonal_method(offset):
    return lambda x, w: np.sum(x.diagonal(offset) * w)


def _trace(offset):
    return lambda x: np.trace(x, offset) * 3.0


def _trace_method(offset):
    return lambda x: x.trace(offset=offset) * 3.0


X34 = _x(3, 4)
for offset in [0, 1, -1, 2]:
    w = _w(np.shape(np.diagonal(X34, offset)))
    case(f"diagonal-offset={offset}", _diagonal(offset), X34, w)
    case(f"trace-offset={offset}", _trace(offset), X34)
case("diagonal-method", _diagonal_method(1), X34, _w(np.shape(np.diagonal(X34, 1))))
case("trace-method", _trace_method(-1), X34)
X324 = _x(3, 2, 4)
case("diagonal-other-axes", lambda x, w: np.sum(np.diagonal(x, 1, 0, 2) * w), X324,
     _w(np.shape(np.diagonal(X324, 1, 0, 2))))
case("trace-other-axes", lambda x, w: np.sum(np.trace(x, 0, 2, 0) * w), X324, np.arange(2.0))

IDX = np.array([2, 0, 2])
case("take-flat", lambda x, idx, w: np.sum(np.take(x, idx) * w), X34, IDX, np.arange(3.0))
case("take-axis0", lambda x, idx, w: np.sum(np.take(x, idx, axis=0) * w), X34, IDX, _w((3, 4)))
case("take-method-2d-index", lambda x, idx, w: np.sum(x.take(idx, axis=1) * w), X34,
     np.array([[1, 3], [3, 3]]), _w((3, 2, 2)))
case("take-wrap", lambda x, idx, w: np.sum(np.take(x, idx, axis=1, mode="wrap") * w), X34,
     np.array([5, -1]), _w((3, 2)),
     xfail="the function itself passes mode='wrap' to numpy.take, and CuPy's take has no "
     "mode= (cupy.take(a, indices, axis=None, out=None)): TypeError in the primal")
case("take-scalar-index", lambda x: np.take(x, 1, axis=1)[0] * 2.0, X34)
case("numpy-scalar-types", lambda x: np.sum(np.float64(x) * x) + np.sum(np.abs(
    np.complex128(x) * 2.0j)) + np.sum(np.longdouble(x) + np.float32(x) + np.float16(x)) +
    np.sum(np.abs(np.complex64(x) + np.clongdouble(x))), X34,
     xfail="the function itself makes numpy.float64(x) of a device array, which CuPy refuses "
     "(no implicit conversion to a host array): an error in the primal")
def _add_at(x, w):
    a = x * w
    np.add.at(a, (np.array([0, 2, 0]), np.array([1, 1, 1])), x[1, :3])
    np.subtract.at(a, [1, 1], x[0] * 0.5)
    return np.sum(a * w)


case("add-at", _add_at, X34, _w((3, 4)))
case("take-along-axis", lambda x, w: np.sum(np.take_along_axis(
    x, np.argsort(x, axis=1)[:, :3], axis=1) * w), X34, _w((3, 3)))   # indices on the device


def _repeat(axis):
    return lambda x, w: np.sum(np.repeat(x, 2, axis=axis) * w)


for axis in [None, 0, 1]:
    case(f"repeat-axis={axis}", _repeat(axis), X23, _w(np.shape(np.repeat(X23, 2, axis=axis))))
case("repeat-method", lambda x, w: np.sum(x.repeat(3) * w), X23, np.arange(18.0))
case("full-of-array", lambda c, w: np.sum(np.full((2, 3), c) * w), _x(3), W23,
     xfail="the function itself calls numpy.full(shape, c) with a device array c: NumPy does "
     "not dispatch full without like= and converts c to a host ndarray (numpy.asarray(c)); "
     "device code writes numpy.full(shape, c, like=c), cupy.full or numpy.full_like")
case("full-like", lambda c, w: np.sum(np.full((2, 3), c, like=w) * w), _x(3), W23)
case("full_like", lambda x, c, w: np.sum(np.full_like(x, c) * w), X23, 0.5, W23, wrt=(0, 1))
case("full_like-of-array", lambda x, c, w: np.sum(np.full_like(x, c) * w), X23, _x(3), W23,
     wrt=(0, 1))
case("real-attribute", lambda x, w: np.sum(x.real * w), X23, W23)

# templates/linalg.py ----------------------------------------------------------------------
for sa, sb in DOT_SHAPES:
    a, b = _x(*sa), _x(*sb)
    w = _w(np.shape(np.dot(a, b)))
    case(f"dot-{sa}-{sb}", lambda a, b, w: np.sum(np.dot(a, b) * w), a, b, w, wrt=(0, 1))
    if sa == (2, 3):
        case(f"dot-method-{sa}-{sb}", lambda a, b, w: np.sum(a.dot(b) * w), a, b, w,
             wrt=(0, 1))
for sa, sb in INNER_SHAPES:
    a, b = _x(*sa), _x(*sb)
    case(f"inner-{sa}-{sb}", lambda a, b, w: np.sum(np.inner(a, b) * w), a, b,
         _w(np.shape(np.inner(a, b))), wrt=(0, 1))
case("vdot", lambda a, b: np.vdot(a, b) * 2.0, _x(2, 3), _x(3, 2), wrt=(0, 1))
case("outer", lambda u, v, w: np.sum(np.outer(u, v) * w), _x(3), _x(2, 2), _w((3, 4)),
     wrt=(0, 1))
for shape in [(3, 3), (2, 3, 3)]:
    case(f"inv-{shape}", lambda a, w: np.sum(np.linalg.inv(a) * w),
         _x(*shape) * 0.3 + np.eye(3) * 2.0, _w(shape))
for shape in [(3, 3), (2, 3, 3), (1, 1)]:
    n = shape[-1]
    case(f"det-{shape}", lambda a, w: np.sum(np.linalg.det(a) * w),
         _x(*shape) * 0.3 + np.eye(n) * 2.0, _w(shape[:-2]))
for sa, sb in [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)), ((2, 3, 3), (3, 1)),
               ((3, 3), (2, 3, 2)), ((2, 3, 3), (3,))]:
    a, b = _x(*sa) * 0.3 + np.eye(3) * 2.0, _x(*sb)
    case(f"solve-{sa}-{sb}", lambda a, b, w: np.sum(np.linalg.solve(a, b) * w), a, b,
         _w(np.shape(np.linalg.solve(a, b))), wrt=(0, 1))

case("kron", lambda a, b, w: np.sum(np.kron(a, b) * w), _x(2, 3), _x(2, 2), _w((4, 6)),
     wrt=(0, 1))
case("cross", lambda a, b, w: np.sum(np.cross(a, b, axisa=0) * w), _x(3, 4), _x(4, 3),
     _w((4, 3)), wrt=(0, 1))
case("tensordot", lambda a, b, w: np.sum(np.tensordot(a, b, ([1, 2], [1, 0])) * w),
     _x(2, 3, 4), _x(4, 3), _w((2,)), wrt=(0, 1))
case("srcdiff-convolve", lambda a, b, w: np.sum(srcdiff.signal.convolve(
    a, b, axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode="valid") * w),
     _x(2, 2, 4, 3), _x(2, 3, 2, 2), _w((2, 3, 3, 2)), wrt=(0, 1))
case("einsum", lambda a, b, w: np.sum(np.einsum("...ij,jk->...ik", a, b) * w), _x(2, 2, 3),
     _x(3, 4), _w((2, 2, 4)), wrt=(0, 1))
case("einsum-diagonal", lambda a, w: np.sum(np.einsum("iij->ij", a) * w), _x(3, 3, 2),
     _w((3, 2)))
case("einsum-outer-sum", lambda a, b: np.einsum("ij,k->", a, b) ** 2, _x(2, 3), _x(4),
     wrt=(0, 1))

_SPD = np.array([[4.0, 1.0, 0.5], [0.7, 3.0, 0.2], [0.3, 0.4, 2.0]])
case("slogdet", lambda a, w: np.sum(np.linalg.slogdet(a)[1] * w) + np.linalg.slogdet(a)[0],
     _x(2, 3, 3) * 0.3 + np.eye(3) * 2.0, _w((2,)))
case("matrix_power", lambda a, w: np.sum(np.linalg.matrix_power(a, 3) * w), _x(3, 3), _w((3, 3)))
case("matrix_power-negative", lambda a, w: np.sum(np.linalg.matrix_power(a, -2) * w),
     _x(3, 3) * 0.3 + np.eye(3) * 2.0, _w((3, 3)))
case("cholesky", lambda a, w: np.sum(np.linalg.cholesky(a) * w), _SPD, _w((3, 3)))
case("eigh", lambda a, w: np.sum(np.linalg.eigh(a)[0] * w[0]) + np.sum(np.linalg.eigh(a)[1] * w),
     _SPD, _w((3, 3)))
case("eigvalsh", lambda a, w: np.sum(np.linalg.eigvalsh(a, "U") * w), _SPD, _w((3,)))

_WIDE = np.array([[1.5, 0.2, -0.3], [0.1, -0.9, 0.4]])
case("svd", lambda a, w: np.sum(np.linalg.svd(a, full_matrices=False)[0] ** 2 * w[:, :2])
     + np.sum(np.linalg.svd(a, full_matrices=False)[2] * w), _WIDE, _w((2, 3)))
case("svd-values", lambda a, w: np.sum(np.linalg.svd(a, compute_uv=False) * w), _WIDE, _w((2,)))
case("qr", lambda a, w: np.sum(np.linalg.qr(a)[0] * w) + np.sum(np.linalg.qr(a)[1] ** 2),
     _WIDE.T.copy(), _w((3, 2)))
case("pinv", lambda a, w: np.sum(np.linalg.pinv(a) * w), _WIDE, _w((3, 2)))
case("lstsq", lambda a, b, w: np.sum(np.linalg.lstsq(a, b)[0] * w)
     + np.sum(np.linalg.lstsq(a, b)[1]), _WIDE.T.copy(), _x(3), _w((2,)), wrt=(0, 1))

case("eig", lambda a, w: np.sum(np.abs(np.linalg.eig(a)[1]) ** 2 * w)
     + np.sum(np.real(np.linalg.eig(a)[0]) * w[0]),
     np.array([[0.5, -2.0, 0.3], [1.5, 0.2, -0.4], [0.1, 0.6, 2.0]]), _w((3, 3)))
case("named-fields", lambda a, w: np.sum(np.linalg.eigh(a).eigenvalues * w)
     + np.linalg.slogdet(a).logabsdet, _SPD, _w((3,)))

# templates/fft.py -------------------------------------------------------------------------
def _fft_power(fn, n, axes, norm=None):
    return lambda a: np.sum(np.abs(fn(a, n, axes, norm) + 0.5) ** 2)


for fn in [np.fft.fft, np.fft.ifft, np.fft.rfft, np.fft.irfft, np.fft.hfft, np.fft.ihfft]:
    case(f"{fn.__name__}", _fft_power(fn, 6, 0, "ortho"), _x(5, 3))
for fn in [np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn, np.fft.rfft2, np.fft.irfft2,
           np.fft.rfftn, np.fft.irfftn]:
    case(f"{fn.__name__}", _fft_power(fn, (4, 3), (0, 2)), _x(3, 2, 4))
case("fftshift", lambda a, w: np.sum(np.fft.fftshift(a, 1) ** 2 * w), _x(3, 4), _w((3, 4)))
case("ifftshift", lambda a, w: np.sum(np.fft.ifftshift(a) * w), _x(3, 5), _w((3, 5)))

# templates/python.py: builtins on arrays, and math functions of a float taken of an array ----
case("builtin-pow", lambda x: np.sum(pow(x, 3.0)), _x(2, 3))
case("builtin-abs", lambda x: np.sum(abs(x) * x), _in(0.2, 1, (2, 3)) * [1, -1, 1])
case("builtin-float-of-sum", lambda x: float(np.sum(x)) * 3.0, _x(2, 3))
case("builtin-float-of-item", lambda x: float(x[0, 1]) ** 2, _x(2, 3))
case("builtin-float-of-0d", lambda x: float(x) * 2.0, np.array(0.7))
case("builtin-sum-of-list", lambda a, b: np.sum(np.sin(sum([a, b, a]))), _x(2, 3), _x(3),
     wrt=(0, 1))
case("builtin-sum-with-start", lambda a, t: np.sum(sum([a, a], t) * 2.0), _x(3), 0.5,
     wrt=(0, 1))
case("builtin-sum-of-rows", lambda x, w: np.sum(sum(x) * w), _x(3, 2), np.array([1.0, 2.0]))


def _sum_of_terms(x):
    terms = []
    for i in range(3):
        terms.append(x * i)
    return np.sum(sum(terms) ** 2)


case("builtin-sum-of-appended", _sum_of_terms, _x(2))


def _edited_list(x):
    terms = [x, x * 2.0, np.sin(x)]
    k = len(terms) - 2
    a = terms.pop(k)
    terms.insert(-1, a * x)
    del terms[k:]
    return np.sum(terms[0] * a)


case("list-edits-by-position", _edited_list, _x(2))


def _pick(fn):
    return lambda a, b: fn(np.sum(a), np.sum(b)) * 2.0


def _pick_list(fn):
    return lambda a, b: fn([np.sum(a), np.sum(b), np.sum(a * b)]) * 2.0


for fn in [max, min]:
    case(f"builtin-{fn.__name__}", _pick(fn), _x(3), _x(3), wrt=(0, 1))
    case(f"builtin-{fn.__name__}-of-list", _pick_list(fn), _x(3), _x(3), wrt=(0, 1))


def _math_of_array(fn):
    return lambda v: fn(float(np.sum(v))) * 2.0


for fn, value in MATH:
    case(f"math.{fn.__name__}", _math_of_array(fn), np.array([value]))
case("math.log-base", lambda v, b: math.log(float(np.sum(v)), b) * 2.0, np.array([1.7]), 3.0,
     wrt=(0, 1))
case("math.atan2", lambda v, x: math.atan2(float(np.sum(v)), x) * 2.0, np.array([0.3]), -0.8,
     wrt=(0, 1))
case("math.pow", lambda v, y: math.pow(float(np.sum(v)), y) * 2.0, np.array([1.3]), 2.4,
     wrt=(0, 1))
case("math.hypot", lambda v, y: math.hypot(float(np.sum(v)), y) * 2.0, np.array([0.3]), -0.8,
     wrt=(0, 1))
case("math.fmod", lambda v, y: math.fmod(float(np.sum(v)) * 5.0, y) * 2.0, np.array([1.3]), 0.7,
     wrt=(0, 1))
case("math.remainder", lambda v, y: math.remainder(float(np.sum(v)) * 5.0, y) * 2.0,
     np.array([1.3]), 0.7, wrt=(0, 1))
case("math.fsum", lambda a, b: math.fsum([float(np.sum(a)), float(np.sum(a * b))]) * 2.0,
     _x(3), _x(3), wrt=(0, 1))
case("statistics.mean", lambda a, b: statistics.mean([float(np.sum(a)), float(np.sum(b * b))]),
     _x(3), _x(3), wrt=(0, 1))
case("statistics.fmean", lambda a: statistics.fmean([float(np.sum(a)), float(np.sum(a * a))]),
     _x(3))
case("math.copysign", lambda v: math.copysign(float(np.sum(v)), -1.0) * 2.0, np.array([0.7]))


# templates/grids.py, random.py and the rules the audit of nondifferentiable.py added ------
case("linspace", lambda a, w: np.sum(np.linspace(a, a * 2.0 + 1.0, 4, axis=1) * w), _x(2),
     _w((2, 4)))
case("arange", lambda t, w: np.sum(np.arange(t, 3.0, 0.5, like=w) * w), 0.3, _w((6,)))
case("heaviside", lambda x1, x2, w: np.sum(np.heaviside(x1, x2) * w),
     np.array([0.0, 1.0, -1.0]), _x(3), _w((3,)), wrt=1)
case("bincount", lambda w: np.sum(np.bincount(np.array([0, 2, 2]), weights=w) ** 2), _x(3),
     xfail="the function itself gives device weights to numpy.bincount, which makes a host "
     "ndarray of them (HostConversionError); CuPy has cupy.bincount")


def _seeded(sampler):
    def f(p, q):
        np.random.seed(0)
        return np.sum(sampler(p, q) ** 2)
    return f


for _name, _sampler in [("normal", lambda p, q: np.random.normal(p, q, 3)),
                        ("uniform", lambda p, q: np.random.uniform(p, p + q, 3)),
                        ("exponential", lambda p, q: np.random.exponential(p * p * q, 3))]:
    case(f"random-{_name}", _seeded(_sampler), _x(3), _in(0.5, 1.0, (3,)), wrt=(0, 1),
         xfail="the function itself draws with numpy.random on device parameters, which "
         "makes host ndarrays of them (HostConversionError); CuPy has cupy.random")


# templates/scipy_*.py (SciPy is an optional extra) ------------------------------------------
try:
    import scipy.integrate as _si
    import scipy.linalg as _sl
    import scipy.signal as _ss
    import scipy.special as _sp
    import scipy.stats as _st
except ImportError:  # pragma: no cover - without the extra, its rules are not loaded
    _sp = None

_SCIPY_HOST = ("the function itself calls scipy.{}, which makes host ndarrays of device "
               "arrays (HostConversionError); CuPy users call cupyx.scipy")
if _sp is not None:
    _SPECIAL_UNARY = [
        (_sp.expit, (-2, 2)), (_sp.logit, (0.2, 0.8)), (_sp.gammaln, (0.5, 3)),
        (_sp.digamma, (0.5, 3)), (_sp.gamma, (0.5, 3)), (_sp.erf, (-1.5, 1.5)),
        (_sp.erfc, (-1.5, 1.5)), (_sp.erfinv, (-0.8, 0.8)), (_sp.erfcinv, (0.2, 1.8)),
        (_sp.ndtr, (-2, 2)), (_sp.log_ndtr, (-3, 2)), (_sp.ndtri, (0.1, 0.9)),
        (_sp.i0, (-2, 2)), (_sp.i1, (-2, 2)), (_sp.i0e, (-2, 2)), (_sp.i1e, (-2, 2)),
        (_sp.entr, (0.2, 2))]
    for fn, (lo, hi) in _SPECIAL_UNARY:
        case(f"scipy-{fn.__name__}", _unary(fn), _in(lo, hi, (2, 3)))
    for fn, da, db in [(_sp.betaln, (0.5, 3), (0.5, 3)), (_sp.beta, (0.5, 3), (0.5, 3)),
                       (_sp.xlogy, (-2, 2), (0.3, 2)), (_sp.xlog1py, (-2, 2), (-0.5, 2)),
                       (_sp.rel_entr, (0.2, 2), (0.2, 2)), (_sp.kl_div, (0.2, 2), (0.2, 2))]:
        case(f"scipy-{fn.__name__}", _binary(fn), _in(*da, (2, 3)), _in(*db, (3,)), wrt=(0, 1))
    case("scipy-owens_t", lambda h, a: np.sum(_sp.owens_t(h, a)), _in(-1.5, 1.5, (2, 3)),
         _in(0.2, 2, (3,)), wrt=(0, 1))
    case("scipy-polygamma", lambda x: np.sum(_sp.polygamma(1, x)), _in(0.5, 3, (3,)),
         xfail=_SCIPY_HOST.format("special.polygamma"))
    case("scipy-iv-ive", lambda x: np.sum(_sp.iv(1.5, x) + _sp.ive(2.0, x)), _in(0.3, 2, (3,)))
    case("scipy-multigammaln", lambda a: np.sum(_sp.multigammaln(a, 3)), _in(2, 4, (3,)),
         xfail=_SCIPY_HOST.format("special.multigammaln"))
    case("scipy-logsumexp", lambda x, b: np.sum(_sp.logsumexp(x, axis=1, b=b)), _x(2, 3),
         _in(0.5, 2, (3,)), wrt=(0, 1), xfail=_SCIPY_HOST.format("special.logsumexp"))
    case("scipy-softmax", lambda x, w: np.sum(_sp.softmax(x, axis=0) * w), _x(2, 3), _w((2, 3)),
         xfail=_SCIPY_HOST.format("special.softmax"))
    case("scipy-log-softmax", lambda x, w: np.sum(_sp.log_softmax(x, axis=1) * w), _x(2, 3),
         _w((2, 3)), xfail=_SCIPY_HOST.format("special.log_softmax"))
    _STATS = [("norm", ()), ("t", (3.5,)), ("gamma", (2.5,)), ("beta", (2.0, 3.0)),
              ("chi2", (4.0,)), ("laplace", ()), ("cauchy", ()), ("logistic", ()),
              ("expon", ())]

    def _density(fn, shapes):
        """x, scale -> sum(fn(x, *shapes, 0.1, scale)), fn called by a name it closes over"""
        if not shapes:
            return lambda x, s: np.sum(fn(x, 0.1, s))
        if len(shapes) == 1:
            return lambda x, s: np.sum(fn(x, shapes[0], 0.1, s))
        return lambda x, s: np.sum(fn(x, shapes[0], shapes[1], 0.1, s))

    def _mass(fn, shapes):
        k = np.array([0.0, 2.0, 3.0])
        if not shapes:
            return lambda p: np.sum(fn(k, p))
        return lambda p: np.sum(fn(k, shapes[0], p))

    def _closing_over(fn, kind):
        if kind == "dirichlet":
            return lambda a: fn(np.array([0.2, 0.3, 0.5]), a)
        if kind == "mvn":
            return lambda x, m, c: np.sum(fn(x, m, c))
        return lambda a: np.sum(fn(a))

    for _dist, _shapes in _STATS:
        for _method in ("logpdf", "pdf", "cdf", "logcdf"):
            case(f"scipy-{_dist}-{_method}",
                 _density(getattr(getattr(_st, _dist), _method), _shapes),
                 _in(0.2, 0.8, (3,)), 1.3, wrt=(0, 1),
                 xfail=_SCIPY_HOST.format(f"stats.{_dist}.{_method}"))
    for _dist, _shapes in (("poisson", ()), ("binom", (6,))):
        for _method in ("logpmf", "pmf", "cdf", "logcdf"):
            case(f"scipy-{_dist}-{_method}", _mass(getattr(getattr(_st, _dist), _method), _shapes),
                 _in(0.2, 0.8, (3,)), xfail=_SCIPY_HOST.format(f"stats.{_dist}.{_method}"))
    for _method in ("logpdf", "pdf"):
        case(f"scipy-dirichlet-{_method}",
             _closing_over(getattr(_st.dirichlet, _method), "dirichlet"), _in(1.2, 3, (3,)),
             xfail=_SCIPY_HOST.format(f"stats.dirichlet.{_method}"))
        case(f"scipy-multivariate-normal-{_method}",
             _closing_over(getattr(_st.multivariate_normal, _method), "mvn"), _x(2, 3), _x(3),
             np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.8]]), wrt=(0, 1, 2),
             xfail=_SCIPY_HOST.format(f"stats.multivariate_normal.{_method}"))
    _TRI = np.array([[2.0, 0.5, 0.1], [0.3, 1.5, 0.2], [0.4, 0.2, 1.8]])
    case("scipy-solve-triangular", lambda a, b: np.sum(_sl.solve_triangular(a, b, lower=True)),
         _TRI, _x(3), wrt=(0, 1), xfail=_SCIPY_HOST.format("linalg.solve_triangular"))
    case("scipy-cho-factor-solve",
         lambda a, b: np.sum(_sl.cho_solve(_sl.cho_factor(a), b)), _TRI @ _TRI.T, _x(3),
         wrt=(0, 1), xfail=_SCIPY_HOST.format("linalg.cho_factor"))
    for _fn in (_sl.expm, _sl.sqrtm, _sl.logm):
        case(f"scipy-{_fn.__name__}", _closing_over(_fn, "matrix"), _TRI @ _TRI.T,
             xfail=_SCIPY_HOST.format(f"linalg.{_fn.__name__}"))
    case("scipy-solve-sylvester", lambda a, b, q: np.sum(_sl.solve_sylvester(a, b, q)), _TRI,
         _TRI.T, _x(3, 3), wrt=(0, 1, 2), xfail=_SCIPY_HOST.format("linalg.solve_sylvester"))
    case("scipy-convolve", lambda x, k: np.sum(_ss.convolve(x, k, mode="same") ** 2), _x(6),
         _x(3), wrt=(0, 1), xfail=_SCIPY_HOST.format("signal.convolve"))
    # templates/scipy_special_more.py and templates/scipy_banded.py
    for fn, (lo, hi) in [(_sp.j0, (-4, 4)), (_sp.j1, (-4, 4)), (_sp.y0, (0.3, 5)),
                         (_sp.y1, (0.3, 5)), (_sp.rgamma, (0.2, 4))]:
        case(f"scipy-{fn.__name__}", _unary(fn), _in(lo, hi, (2, 3)))
    case("scipy-jv-yn", lambda x: np.sum(_sp.jv(1.5, x) * x + _sp.yn(2, x) * _sp.gammasgn(x)),
         _in(0.3, 4, (3,)))
    case("scipy-gammainc-gammaincc",
         lambda x: np.sum(_sp.gammainc(1.5, x) * 2.0 + _sp.gammaincc(0.7, x)), _in(0.2, 3, (3,)))
    case("scipy-betainc", lambda x: np.sum(_sp.betainc(1.5, 2.5, x) ** 2), _in(0.1, 0.9, (3,)))
    case("scipy-solve-banded", lambda ab, b: np.sum(_sl.solve_banded((1, 1), ab, b) ** 2),
         _x(3, 4) + np.array([[0.0], [4.0], [0.0]]), _x(4), wrt=(0, 1),
         xfail=_SCIPY_HOST.format("linalg.solve_banded"))
    # templates/scipy_special_extra.py (fixed values: the cases after these keep theirs)
    _POS = np.array([[0.4, 1.3, 2.2], [0.9, 1.7, 2.8]])
    for fn in (_sp.loggamma, _sp.erfcx, _sp.dawsn, _sp.exp1, _sp.expi, _sp.spence):
        case(f"scipy-{fn.__name__}", _unary(fn), _POS)
    case("scipy-expn-poch", lambda x: np.sum(_sp.expn(2, x) + _sp.poch(x, x[::-1])), _POS[0])
    case("scipy-boxcox", lambda x, lm: np.sum(_sp.boxcox(x, lm) + _sp.boxcox1p(x, lm)), _POS,
         np.array([0.5, 0.0, -0.7]), wrt=(0, 1))
    case("scipy-sici-fresnel", lambda x, w: np.sum(_sp.sici(x)[0] * w + _sp.sici(x)[1]) +
         np.sum(_sp.fresnel(x)[0] * _sp.fresnel(x)[1] * w), _POS, _w((2, 3)))
    # templates/scipy_structured.py (fixed values)
    for _name, _f, _args in [
            ("toeplitz", lambda c, r: np.sum(_sl.toeplitz(c, r) ** 2), (_POS[0], _POS[1])),
            ("hankel", lambda c, r: np.sum(_sl.hankel(c, r) ** 2), (_POS[0], _POS[1])),
            ("circulant", lambda c, r: np.sum(_sl.circulant(c) * r), (_POS[0], _POS[1])),
            ("block_diag", lambda c, r: np.sum(_sl.block_diag(c, r) ** 2), (_POS[0], _POS)),
            ("convolution_matrix", lambda c, r: np.sum(_sl.convolution_matrix(c, 4) ** 2),
             (_POS[0], _POS[1])),
            ("companion", lambda c, r: np.sum(_sl.companion(c) ** 2), (_POS[0], _POS[1]))]:
        case(f"scipy-{_name}", _f, *_args, wrt=0, xfail=_SCIPY_HOST.format(f"linalg.{_name}"))
    # templates/scipy_fft.py, scipy.integrate.trapezoid and scipy.stats.sem (fixed values)
    import scipy.fft as _sfft
    import scipy.integrate as _sint
    import scipy.stats as _sstats
    for _name in ("dct", "idct", "dctn", "idctn"):
        case(f"scipy-{_name}", lambda x, w, _f=getattr(_sfft, _name): np.sum(_f(x, 2) * w), _POS,
             _w((2, 3)), xfail=_SCIPY_HOST.format(f"fft.{_name}"))
    case("scipy-trapezoid", lambda y, x, w: np.sum(_sint.trapezoid(y, x) * w), _POS, _POS[1],
         _w((2,)), wrt=(0, 1), xfail=_SCIPY_HOST.format("integrate.trapezoid"))
    case("scipy-sem", lambda a, w: np.sum(_sstats.sem(a, axis=1) * w), _POS, _w((2,)),
         xfail=_SCIPY_HOST.format("stats.sem"))
    # templates/scipy_linalg_decomp.py
    _SPD = _TRI @ _TRI.T + 0.2 * _TRI
    for _name, _f, _args in [
            ("solve", lambda a, b: np.sum(_sl.solve(a, b, assume_a="pos", lower=True) ** 2),
             (_SPD, _x(3))),
            ("inv-det", lambda a, b: np.sum(_sl.inv(a) * b) + _sl.det(a), (_TRI, _x(3, 3))),
            ("cholesky", lambda a, b: np.sum(_sl.cholesky(a) * b), (_SPD, _x(3, 3))),
            ("eigh", lambda a, b: np.sum(_sl.eigh(a)[1] * b) + np.sum(_sl.eigvalsh(a) * b[0]),
             (_SPD, _x(3, 3))),
            ("svd", lambda a, b: np.sum(_sl.svd(a, full_matrices=False)[0] * b[:, :2]) +
             np.sum(_sl.svdvals(a) * b[0, :2]), (_TRI[:, :2], _x(3, 3))),
            ("qr", lambda a, b: np.sum(_sl.qr(a, mode="economic")[0] * b), (_TRI, _x(3, 3))),
            ("lstsq", lambda a, b: np.sum(_sl.lstsq(a, b)[0] ** 2), (_TRI[:, :2], _x(3))),
            ("pinv", lambda a, b: np.sum(_sl.pinv(a) * b), (_TRI[:, :2], _x(2, 3))),
            ("lu_factor-solve", lambda a, b: np.sum(_sl.lu_solve(_sl.lu_factor(a), b)) +
             np.sum(_sl.lu_factor(a)[0] * b[0]), (_TRI, _x(3)))]:
        case(f"scipy-{_name}", _f, *_args, wrt=(0, 1),
             xfail=_SCIPY_HOST.format(f"linalg.{_name.split('-')[0]}"))
    # templates/scipy_integrate.py
    case("scipy-odeint", lambda y0, k: np.sum(_si.odeint(_decay, y0, np.array([0.0, 0.5]),
                                                         args=(k,)) ** 2),
         _in(0.5, 2, (2,)), 0.7, wrt=(0, 1), xfail=_SCIPY_HOST.format("integrate.odeint"))


def _decay(y, t, k):
    """odeint's F for the scipy-odeint case."""
    return -k * y


# templates/arrays.py (and the % operator, which shares numpy.remainder's rule) ------------
def _arr(name, fn, *args, wrt=0, xfail=None):
    """A case sum(fn(*args) * w), w (the last argument) distinct weights on the device."""
    shape = np.shape(fn(*args))
    n = len(args)
    g = {1: lambda a, w: np.sum(fn(a) * w), 2: lambda a, b, w: np.sum(fn(a, b) * w),
         3: lambda a, b, c, w: np.sum(fn(a, b, c) * w)}[n]
    case(name, g, *args, _w(shape), wrt=wrt, xfail=xfail)


X34 = _x(3, 4)
_arr("mod-operator", lambda a, b: a % b, _in(-3, 3, (2, 3)), _in(0.5, 1.5, (3,)), wrt=(0, 1))
_arr("mod-operator-float", lambda a: 2.5 % a, _in(0.5, 1.5, (3,)))
_arr("divmod-builtin", lambda a, b: divmod(a, b)[1] * divmod(a, b)[0], _in(-3, 3, (2, 3)),
     _in(0.5, 1.5, (3,)), wrt=(0, 1))
_arr("floordiv-operator", lambda a, b: (a // b) * a + b, _in(-3, 3, (2, 3)), _in(0.5, 1.5, (3,)),
     wrt=(0, 1))
_arr("divmod-numpy", lambda a, b: np.divmod(a, b)[1] + np.divmod(a, b)[0], _in(-3, 3, (2, 3)),
     _in(0.5, 1.5, (3,)), wrt=(0, 1))
_arr("nan_to_num", lambda x, c: np.nan_to_num(x, nan=c, posinf=3.0, neginf=-3.0),
     np.array([[0.3, np.nan, -1.2], [np.inf, 2.0, -np.inf]]), 0.5, wrt=(0, 1))
_arr("select", lambda x, y: np.select([x > 0.2, x < -0.5], [x * x, y], default=np.sin(x)),
     _x(2, 3), _x(3), wrt=(0, 1))
_arr("angle-deg", lambda z: np.angle(z, deg=True), _x(2, 3) + 1j * _x(2, 3))
_arr("angle-real", np.angle, _x(2, 3))
_arr("real_if_close", np.real_if_close, _x(2, 3))
_arr("diag-vector", lambda v: np.diag(v, 1), _x(3))
_arr("diag-matrix", lambda m: np.diag(m, -1), X34)
_arr("tril", lambda m: np.tril(m, 1), X34)
_arr("triu-1d", np.triu, _x(3))
for _mode in ["constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp"]:
    _arr(f"pad-{_mode}", lambda m, mode=_mode: np.pad(m, ((1, 2), (3, 0)), mode), X34)
for _mode in ["maximum", "minimum", "mean", "median"]:
    _arr(f"pad-{_mode}", lambda m, mode=_mode: np.pad(m, ((1, 2), (3, 0)), mode,
                                                      stat_length=((1, 2), (3, 2))), X34)
_arr("pad-constant_values", lambda m, c: np.pad(m, 2, constant_values=c), X34, 0.3, wrt=(0, 1))
_arr("pad-end_values", lambda m, e: np.pad(m, ((1, 2), (3, 0)), "linear_ramp", end_values=e),
     X34, 0.3, wrt=(0, 1))
_arr("tile", lambda m: np.tile(m, (2, 1, 2)), X34)
_arr("flipud", np.flipud, X34)
_arr("fliplr", np.fliplr, X34)
_arr("rot90", lambda m: np.rot90(m, 3, axes=(1, 0)), X34)
_arr("roll", lambda m: np.roll(m, (1, -2), axis=(0, 1)), X34)
_arr("roll-flat", lambda m: np.roll(m, 5), X34)
_arr("rollaxis", lambda m: np.rollaxis(m, 2, 1), _x(2, 3, 4))
_arr("append", lambda a, b: np.append(a, b), X34, _x(2), wrt=(0, 1))
_arr("append-axis", lambda a, b: np.append(a, b, axis=0), X34, _x(1, 4), wrt=(0, 1))
# (fixed values, not rng draws: the cases after these keep the values they were written for)
_EDIT_V = np.array([0.4, -1.3, 0.8, 1.9])
_arr("delete", lambda a: np.delete(a, [0, 2], axis=1), X34)
_arr("delete-flat", lambda a: np.delete(a, slice(1, 5)), X34)
_arr("insert", lambda a, b: np.insert(a, [1, 3], b, axis=1), X34,
     np.array([[0.3, -0.2], [1.1, 0.5], [-0.7, 0.9]]), wrt=(0, 1))
_arr("insert-broadcast", lambda a, b: np.insert(a, 2, b), X34, _EDIT_V[:2], wrt=(0, 1))
case("meshgrid", lambda a, b, w: np.sum(np.meshgrid(a, b)[0] * np.meshgrid(a, b)[1] * w),
     _EDIT_V[:3], _EDIT_V * 1.5, _w((4, 3)), wrt=(0, 1))
case("meshgrid-ij-sparse", lambda a, b, c, w: np.sum(
    np.meshgrid(a, b, c, indexing="ij", sparse=True)[1] * w), _EDIT_V[:2], _EDIT_V[1:],
    _EDIT_V - 0.5, _w((1, 3, 1)), wrt=(0, 1, 2))
# templates/array_api.py (NumPy 2's spellings; matvec and vecmat from NumPy 2.2): fixed values,
# not rng draws (the cases after these keep the values they were written for)
def _fixed(*shape):
    return np.cos(np.arange(1.0, 1.0 + np.prod(shape, dtype=int)) * 1.3).reshape(shape)


if HAS_NUMPY2:
    _la = np.linalg
    case("linalg-matmul", lambda a, b, w: np.sum(_la.matmul(a, b) * w), X34, _fixed(4, 2),
         _w((3, 2)), wrt=(0, 1))
    case("linalg-outer", lambda a, b, w: np.sum(_la.outer(a, b) * w), _fixed(3), _fixed(2),
         _w((3, 2)), wrt=(0, 1))
    case("linalg-tensordot", lambda a, b, w: np.sum(_la.tensordot(a, b, axes=1) * w), X34,
         _fixed(4, 2), _w((3, 2)), wrt=(0, 1))
    case("linalg-trace", lambda x, w: np.sum(_la.trace(x, offset=1) * w), X234, _w((2,)))
    case("linalg-diagonal", lambda x, w: np.sum(_la.diagonal(x) * w), X234, _w((2, 3)))
    case("linalg-matrix_transpose", lambda x, w: np.sum(_la.matrix_transpose(x) * w), X234,
         _w((2, 4, 3)))
    case("linalg-cross", lambda a, b, w: np.sum(_la.cross(a, b) * w), _fixed(2, 3), _fixed(3),
         _w((2, 3)), wrt=(0, 1))
    case("linalg-svdvals", lambda x, w: np.sum(_la.svdvals(x) * w), X34, _w((3,)))
    case("vecdot", lambda a, b, w: np.sum(np.vecdot(a, b) * w), X34, _fixed(4), _w((3,)),
         wrt=(0, 1))
    case("linalg-vecdot", lambda a, b, w: np.sum(_la.vecdot(a, b, axis=0) * w), X34,
         _fixed(3, 1), _w((4,)), wrt=(0, 1))
if hasattr(np, "matvec"):
    case("matvec", lambda a, b, w: np.sum(np.matvec(a, b) * w), X234, _fixed(4), _w((2, 3)),
         wrt=(0, 1))
    case("vecmat", lambda a, b, w: np.sum(np.vecmat(a, b) * w), _fixed(3), X234, _w((2, 4)),
         wrt=(0, 1))
# templates/spectra.py (fixed values, as above)
case("eigvals", lambda a, w: np.sum(np.abs(np.linalg.eigvals(a)) ** 2 * w),
     np.array([[0.5, -1.2, 0.3], [0.8, 0.1, -0.7], [0.2, 0.9, 1.4]]), _w((3,)))
case("roots", lambda p, w: np.sum(np.abs(np.roots(p)) ** 2 * w), np.array([1.5, -0.4, -2.0, 0.7]),
     _w((3,)))
# templates/moves.py and grids.py's logspace and geomspace (fixed values, as above)
_MV = _fixed(2, 3)
if hasattr(np, "unstack"):
    case("unstack", lambda x, w: np.sum(np.unstack(x, axis=1)[1] * w), _MV, _w((2,)))
case("broadcast_arrays", lambda a, b, w: np.sum(np.broadcast_arrays(a, b)[0] *
                                                np.broadcast_arrays(a, b)[1] * w),
     _MV, _fixed(3), _w((2, 3)), wrt=(0, 1))
_arr("resize", lambda x: np.resize(x, (4, 2)), _MV)
case("trim_zeros", lambda x, w: np.sum(np.trim_zeros(x * (x > 0)) * w),
     np.array([-0.5, 0.3, -1.2, 0.8, -0.1]), _w((3,)))
case("extract", lambda x, w: np.sum(np.extract(x > 0, x) * w), np.array([0.4, -1.0, 0.9]),
     _w((2,)))
case("choose", lambda a, b, w: np.sum(np.choose(np.array([0, 1, 1]), [a, b]) * w), _fixed(3),
     _fixed(3) * 2.0, _w((3,)), wrt=(0, 1),
     xfail="the function itself gives numpy.choose a host index array with device choices "
     "(HostConversionError); CuPy's choose takes a device index array")
case("sort_complex", lambda x, w: np.sum(np.real(np.sort_complex(x)) * w), _fixed(4), _w((4,)))
case("unwrap", lambda x, w: np.sum(np.unwrap(x * 4.0) * w), _fixed(5), _w((5,)))
case("logspace", lambda a, w: np.sum(np.logspace(a, a * 2.0, 3, axis=1) * w), _fixed(2) * 0.5,
     _w((2, 3)))
case("geomspace", lambda a, w: np.sum(np.geomspace(a, a * 3.0 + 1.0, 3) * w),
     np.array([0.5, 1.5]), _w((3, 2)))
_arr("split", lambda x: np.split(x, 2, axis=1)[1] * 2.0, X34)
_arr("array_split", lambda x: np.array_split(x, 2)[0] + np.array_split(x, 2)[0], X34)
_arr("hsplit", lambda x: np.hsplit(x, [1])[1], X34)
_arr("vsplit", lambda x: np.vsplit(x, 3)[2], X34)
_arr("dsplit", lambda x: np.dsplit(x, 2)[0], _x(2, 3, 4))
_arr("column_stack", lambda a, m: np.column_stack([a, m]), _x(3), _x(3, 2), wrt=(0, 1))
_arr("dstack", lambda a, m: np.dstack([a, m]), _x(2, 3), _x(2, 3, 2), wrt=(0, 1))
_arr("sort", lambda x: np.sort(x, axis=0), _distinct((3, 4)))
_arr("sort-flat", lambda x: np.sort(x, axis=None), _distinct((3, 4)))
_arr("partition", lambda x: np.partition(x, 1), _distinct((3, 4)))
_arr("diff", lambda x, p: np.diff(x, 2, axis=0, prepend=p), X34, 0.3, wrt=(0, 1))
_arr("diff-append", lambda x, q: np.diff(x, append=q), X34, _x(3, 1), wrt=(0, 1))
_arr("gradient", lambda x, h: np.gradient(x, h, axis=1, edge_order=2), X34, 0.7, wrt=(0, 1))
_arr("gradient-coordinates", lambda x, c: np.gradient(x, c, axis=1, edge_order=2), X34,
     np.array([0.0, 0.3, 1.1, 1.4]), wrt=(0, 1))
case("gradient-tuple", lambda x, h, w: np.sum(np.gradient(x, h)[0] * w) +
     np.sum(np.gradient(x, h)[1] ** 2), X34, 0.7, _w((3, 4)), wrt=(0, 1))
case("gradient-per-axis", lambda x, h, c, w: np.sum(np.gradient(x, h, c)[0] * w) +
     np.sum(np.gradient(x, h, c, edge_order=2)[1] ** 2), X34, 0.7,
     np.array([0.0, 0.3, 1.1, 1.4]), _w((3, 4)), wrt=(0, 1, 2))

# compress, row_stack (templates/shapes.py) and operator.abs (templates/python.py) -----------
case("compress", lambda x, w: np.sum(np.compress(x[:, 0] > 0.0, x, axis=0) * w),
     _in(0.2, 1, (3, 2)) * np.array([[1.0], [-1.0], [1.0]]), _w((2, 2)))
case("compress-method", lambda x, w: np.sum(x.compress(x[:, 0] > 0.0, axis=0) * w),
     _in(0.2, 1, (3, 2)) * np.array([[1.0], [-1.0], [1.0]]), _w((2, 2)))
case("operator-abs", lambda x: np.sum(operator.abs(x) * x), _in(0.2, 1, (2, 3)) * [1, -1, 1])
case("operator-inplace", lambda a, b, w: np.sum((operator.imul(a, b) + operator.iadd(b, 1.5))
                                                * w), _x(2, 3), _x(2, 3), _w((2, 3)), wrt=(0, 1))
if hasattr(np, "row_stack"):
    case("row_stack", lambda a, b, w: np.sum(np.row_stack([a, b]) * w), _x(3), _x(2, 3),
         _w((3, 3)), wrt=(0, 1))


# polynomials and the survey's rules (templates/polynomials.py, arrays.py)
_POLY_HOST = ("runtime_polynomials' helpers and NumPy's own polynomial functions convert their "
              "arguments to host ndarrays (numpy.asarray): not device-ready yet")
case("polyval", lambda p, x: np.sum(np.polyval(p, x)), _x(4), _x(3), wrt=(0, 1),
     xfail=_POLY_HOST)
case("polyder", lambda p, w: np.sum(np.polyder(p) * w), _x(4), _w((3,)), xfail=_POLY_HOST,
     xfail_modes=("reverse",))
case("polyint", lambda p, w: np.sum(np.polyint(p) * w), _x(3), _w((4,)), xfail=_POLY_HOST,
     xfail_modes=("reverse",))
case("polyadd", lambda a, b, w: np.sum(np.polyadd(a, b) * w), _x(3), _x(2), _w((3,)),
     wrt=(0, 1), xfail=_POLY_HOST)
case("polysub", lambda a, b, w: np.sum(np.polysub(a, b) * w), _x(3), _x(2), _w((3,)),
     wrt=(0, 1), xfail=_POLY_HOST)
case("vander", lambda x, w: np.sum(np.vander(x, 3) * w), _x(4), _w((4, 3)), xfail=_POLY_HOST)
case("copysign", lambda x, w: np.sum(np.copysign(x, -1.0) * w), _x(2, 3), _w((2, 3)))
case("ldexp", lambda x, w: np.sum(np.ldexp(x, 2) * w), _x(2, 3), _w((2, 3)))
case("diagflat", lambda x, w: np.sum(np.diagflat(x) * w), _x(3), _w((3, 3)))

# session 18's rules: polymul (polynomials.py), cov/corrcoef (covariance.py), multi_dot
# (linalg.py), modf/frexp (ufuncs.py), ediff1d (arrays.py), running extrema (reductions.py);
# their values from a generator of their own, so the random values of the cases after them
# stay as they were
_r18 = np.random.default_rng(18)


def _x18(*shape):
    return _r18.normal(size=shape)


def _in18(lo, hi, shape):
    return _r18.uniform(lo, hi, size=shape)


case("polymul", lambda a, b, w: np.sum(np.polymul(a, b) * w), _in18(0.5, 1, (3,)),
     _in18(0.5, 1, (2,)), _w((4,)), wrt=(0, 1))
case("cov", lambda x, w: np.sum(np.cov(x) * w), _x18(3, 5), _w((3, 3)))
case("cov-y-rowvar", lambda x, y, w: np.sum(np.cov(x, y, rowvar=False, ddof=0) * w),
     _x18(5, 2), _x18(5), _w((3, 3)), wrt=(0, 1))
case("cov-aweights", lambda x, a, w: np.sum(np.cov(x, aweights=a) * w), _x18(2, 4),
     _in18(0.5, 2, (4,)), _w((2, 2)))
case("corrcoef", lambda x, w: np.sum(np.corrcoef(x) * w), _x18(3, 5), _w((3, 3)))
case("corrcoef-y", lambda x, y, w: np.sum(np.corrcoef(x, y) * w), _x18(4), _x18(4), _w((2, 2)),
     wrt=(0, 1))
case("multi_dot", lambda a, b, c, w: np.sum(np.linalg.multi_dot([a, b, c]) * w), _x18(2, 3),
     _x18(3, 4), _x18(4, 2), _w((2, 2)), wrt=(0, 1, 2))
case("multi_dot-vectors", lambda v, m, u: np.linalg.multi_dot([v, m, u]), _x18(3), _x18(3, 2),
     _x18(2), wrt=(0, 1, 2))
case("modf", lambda x, w: np.sum(np.modf(x)[0] * w + np.modf(x)[1]), _in18(0.1, 3, (2, 3)),
     _w((2, 3)))
case("frexp", lambda x, w: np.sum(np.frexp(x)[0] * w), _in18(0.3, 3, (2, 3)), _w((2, 3)))
case("ediff1d", lambda x, b, e, w: np.sum(np.ediff1d(x, to_end=e, to_begin=b) * w), X34,
     _x18(2), _x18(1), _w((14,)), wrt=(0, 1, 2))
for _fn in (np.maximum.accumulate, np.minimum.accumulate, np.fmax.accumulate,
            np.fmin.accumulate):
    case(f"{_fn.__self__.__name__}.accumulate",
         lambda x, w, fn=_fn: np.sum(fn(x, axis=1) * w),
         _r18.permutation(np.linspace(-1.0, 1.0, 12)).reshape(3, 4), _w((3, 4)))
for _fn in (np.logaddexp.reduce, np.logaddexp2.reduce, np.logaddexp.accumulate,
            np.logaddexp2.accumulate):
    case(f"{_fn.__self__.__name__}.{_fn.__name__}",
         lambda x, w, fn=_fn: np.sum(fn(x, axis=1) * w), _x18(3, 4),
         _w((3, 4) if _fn.__name__ == "accumulate" else (3,)))
# templates/reductions.py's where= and initial= (the mask computed on the device)
_rk = np.random.default_rng(2207)
case("reductions-where-initial", lambda x, v, w: np.sum(np.sum(x, axis=0, where=x > 0.1) * w)
     + np.mean(x, where=x < 0.5) + np.prod(x, axis=1, where=x > 0, initial=v).sum()
     + np.max(x, initial=v) * np.min(x, axis=1, where=x < 0.8, initial=v).sum(),
     _rk.uniform(-1, 1, (3, 4)), 0.3, _rk.normal(size=4), wrt=(0, 1))
# templates/polynomials.py's polyfit (in y) and templates/linalg_tensor.py
case("polyfit", lambda x, y, w: np.sum(np.polyfit(x, y, 2) * w), np.linspace(-1.0, 1.0, 6),
     _rk.normal(size=6), _rk.normal(size=3), wrt=1)
_TS = (np.eye(6) * 2.0 + 0.3 * _rk.normal(size=(6, 6))).reshape(2, 3, 6)
case("tensorsolve", lambda a, b, w: np.sum(np.linalg.tensorsolve(a, b) * w), _TS,
     _rk.normal(size=(2, 3)), _rk.normal(size=6), wrt=(0, 1))
case("tensorinv", lambda a, w: np.sum(np.linalg.tensorinv(a) * w), _TS,
     _rk.normal(size=(6, 2, 3)))
case("cond", lambda x, w: np.sum(np.linalg.cond(x) * w), _rk.normal(size=(2, 3, 4)),
     _rk.normal(size=2))
# session 23's rules (their own generator: the random values of the cases after stay as they were)
_rk23 = np.random.default_rng(23)
_SQ23 = _rk23.normal(size=(2, 3, 3)) * 0.3 + 2.0 * np.eye(3)
case("cond-p", lambda x, w: np.sum((np.linalg.cond(x, "fro") + np.linalg.cond(x, 1)
                                    + np.linalg.cond(x, -np.inf)) * w), _SQ23, _rk23.normal(size=2))
case("poly", lambda r, w: np.sum(np.poly(r) * w), _rk23.normal(size=3), _rk23.normal(size=4))
case("poly-of-a-matrix", lambda a, w: np.sum(np.poly(a) * w), _rk23.normal(size=(3, 3)),
     _rk23.normal(size=4))
case("polyfit-x", lambda x, y, w: np.sum(np.polyfit(x, y, 2) * w),
     np.linspace(-1.0, 1.0, 6) + 0.05 * _rk23.normal(size=6), _rk23.normal(size=6),
     _rk23.normal(size=3), wrt=(0, 1), xfail=_POLY_HOST)   # (vander_slopes, as vander's)
case("polydiv", lambda u, v, w: np.sum(np.polydiv(u, v)[0] * w) + np.sum(np.polydiv(u, v)[1]),
     _rk23.normal(size=5), _rk23.normal(size=3) + np.array([2.0, 0.0, 0.0]), _rk23.normal(size=3),
     wrt=(0, 1))
if _sp is not None:
    case("scipy-polar", lambda a, w: np.sum(_sl.polar(a)[0] * w) + np.sum(_sl.polar(a, "left")[1]),
         _SQ23[0], _rk23.normal(size=(3, 3)), xfail=_SCIPY_HOST.format("linalg.polar"))
    case("scipy-zeta", lambda q: np.sum(_sp.zeta(3.0, q)), _rk23.uniform(0.5, 2.0, (3,)))
    case("scipy-hyp1f1-hyp2f1",
         lambda z: np.sum(_sp.hyp1f1(0.5, 1.5, z) + _sp.hyp2f1(0.3, 1.2, 2.5, 0.5 * z)),
         _rk23.uniform(-0.9, 0.9, (3,)))
    case("scipy-lu", lambda a, w: np.sum(_sl.lu(a)[1] * w) + np.sum(_sl.lu(a)[2] * w),
         _rk23.normal(size=(3, 3)), _rk23.normal(size=(3, 3)),
         xfail=_SCIPY_HOST.format("linalg.lu"))
# templates/arrays_block.py
case("block", lambda a, b, w: np.sum(np.block([[a, b], [b, a]]) * w), _rk.normal(size=(2, 2)),
     _rk.normal(size=(2, 2)), _rk.normal(size=(4, 4)), wrt=(0, 1))
if _sp is not None:   # (templates/scipy_stats.py)
    for _dist, _shapes in _STATS:
        for _method in ("sf", "logsf"):
            case(f"scipy-{_dist}-{_method}",
                 _density(getattr(getattr(_st, _dist), _method), _shapes),
                 _in18(0.2, 0.8, (3,)), 1.3, wrt=(0, 1),
                 xfail=_SCIPY_HOST.format(f"stats.{_dist}.{_method}"))
    case("scipy-multivariate-normal-entropy",
         lambda c: _st.multivariate_normal.entropy(cov=c) * 2.0,
         np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.8]]),
         xfail=_SCIPY_HOST.format("stats.multivariate_normal.entropy"))
    # templates/scipy_signal.py's fftconvolve, convolve2d, correlate, correlate2d, detrend
    _r22 = np.random.default_rng(22)
    for _name, _shapes in (("fftconvolve", ((6,), (3,))), ("correlate", ((6,), (3,))),
                           ("convolve2d", ((4, 5), (2, 3))), ("correlate2d", ((4, 5), (2, 3)))):
        case(f"scipy-{_name}", lambda x, k, fn=getattr(_ss, _name): np.sum(
            fn(x, k, mode="same") ** 2), _r22.normal(size=_shapes[0]),
            _r22.normal(size=_shapes[1]), wrt=(0, 1), xfail=_SCIPY_HOST.format(f"signal.{_name}"))
    case("scipy-detrend", lambda x, w: np.sum(_ss.detrend(x, axis=0) * w),
         _r22.normal(size=(5, 3)), _r22.normal(size=(5, 3)),
         xfail=_SCIPY_HOST.format("signal.detrend"))
    # templates/scipy_linalg_spectral.py (its own generator)
    _r26 = np.random.default_rng(26)
    case("scipy-eigh_tridiagonal", lambda dv, ev, w: np.sum(_sl.eigh_tridiagonal(dv, ev)[1] * w)
         + np.sum(_sl.eigh_tridiagonal(dv, ev, eigvals_only=True) * w[0]),
         np.array([1.0, 2.5, 4.0]) + 0.1 * _r26.normal(size=3), 0.5 + 0.2 * _r26.normal(size=2),
         _r26.normal(size=(3, 3)), wrt=(0, 1), xfail=_SCIPY_HOST.format("linalg.eigh_tridiagonal"))
    case("scipy-expm_frechet", lambda a, e, w: np.sum(_sl.expm_frechet(a, e)[1] * w)
         + np.sum(_sl.expm_frechet(a, e)[0]), 0.4 * _r26.normal(size=(3, 3)),
         _r26.normal(size=(3, 3)), _r26.normal(size=(3, 3)), wrt=(0, 1),
         xfail=_SCIPY_HOST.format("linalg.expm_frechet"))
    case("scipy-hessenberg", lambda a, w: np.sum(_sl.hessenberg(a) * w)
         + np.sum(_sl.hessenberg(a, calc_q=True)[1] * w.T), _r26.normal(size=(4, 4)),
         _r26.normal(size=(4, 4)), xfail=_SCIPY_HOST.format("linalg.hessenberg"))
    case("scipy-schur", lambda a, w: np.sum(_sl.schur(a)[0] * w) + np.sum(_sl.schur(a)[1] * w.T),
         np.array([[1.0, 0.4, -0.3], [0.2, 2.5, 0.6], [-0.1, 0.3, 4.0]]),
         _r26.normal(size=(3, 3)), xfail=_SCIPY_HOST.format("linalg.schur"))


# --- running a case on the host and on the device ----------------------------------------
class Device:
    """Where the device cases run: the DeviceArray stand-in, or CuPy on a GPU."""

    def __init__(self, kind, put, get, rtol, name="the device"):
        self.kind, self.put, self.get, self.rtol, self.name = kind, put, get, rtol, name


STAND_IN = Device(DeviceArray, lambda a: DeviceArray(a.copy()), lambda a: a.host(), 1e-10,
                  "the DeviceArray stand-in")


def cupy_device():
    from device_arrays import cupy_or_skip as _cupy
    cupy = _cupy()  # skips without cupy or a GPU
    # GPU transcendentals may differ from the CPU's in the last bits
    return Device(cupy.ndarray, cupy.asarray, cupy.asnumpy, 1e-8, f"CuPy {cupy.__version__}")


def to_device(value, device=STAND_IN):
    """Float arrays to the device; Python numbers and integer index arrays stay."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return device.put(value)
    if isinstance(value, list):
        return [to_device(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(to_device(v, device) for v in value)
    return value


def _leaves(tree):
    if isinstance(tree, (list, tuple)):
        return [leaf for t in tree for leaf in _leaves(t)]
    return [tree]


def assert_same(got, expected, what, device=STAND_IN):
    got_leaves, expected_leaves = _leaves(got), _leaves(expected)
    assert len(got_leaves) == len(expected_leaves), f"{what}: structure differs"
    for g, e in zip(got_leaves, expected_leaves):
        if isinstance(e, (np.ndarray, np.generic)):
            assert type(g) is device.kind, \
                f"{what}: {type(g).__name__}, not a {device.kind.__name__}"
            assert g.shape == np.shape(e) and g.dtype == e.dtype, \
                f"{what}: {g.dtype}{g.shape} != {e.dtype}{np.shape(e)}"
            np.testing.assert_allclose(device.get(g), e, rtol=device.rtol, atol=0, err_msg=what)
        else:
            assert type(g) is type(e), f"{what}: {type(g).__name__} != {type(e).__name__}"
            np.testing.assert_allclose(g, e, rtol=device.rtol, atol=0, err_msg=what)


def _positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


def _host_copies(args):
    return [[a.copy() for a in v] if isinstance(v, list) else
            v.copy() if isinstance(v, np.ndarray) else v for v in args]


# the rules each mode looked up (filled while the cases compile) and the cases that ran
SEEN = {"reverse": {}, "forward": {}}
RAN = {"reverse": set(), "forward": set()}


@pytest.fixture(autouse=True)
def _record_rules(monkeypatch):
    lookup = srcdiff.rules.lookup

    def recording(mode, func):
        template = lookup(mode, func)
        if template is not None:
            SEEN[mode][srcdiff.rules.Table._key(func)] = func
        return template
    monkeypatch.setattr(srcdiff.rules, "lookup", recording)


def _assert_unchanged(device_args, args, device=STAND_IN):
    for d, a in zip(_leaves(device_args), _leaves(args)):
        if isinstance(d, device.kind):
            np.testing.assert_array_equal(device.get(d), a, err_msg="an argument was changed")


def _grad_both(f, args, wrt, device=STAND_IN):
    expected = srcdiff.grad(f, wrt=wrt)(*_host_copies(args))
    device_args = to_device(args, device)
    return srcdiff.grad(f, wrt=wrt)(*device_args), expected, device_args


@pytest.mark.parametrize("f, args, wrt", CASES_BY_MODE["reverse"])
def test_grad_on_device(request, f, args, wrt):
    RAN["reverse"].add(request.node.callspec.id)
    got, expected, device_args = _grad_both(f, args, wrt)
    assert_same(got, expected, "gradient")
    _assert_unchanged(device_args, args)


def _tangent(value):
    if isinstance(value, list):
        return [_tangent(v) for v in value]
    if isinstance(value, float):
        return 0.5
    return np.cos(np.arange(np.size(value), dtype=float)).reshape(np.shape(value)).astype(
        value.dtype)


def _jvp_both(f, args, wrt, device=STAND_IN):
    tangents = [_tangent(args[p]) for p in _positions(wrt)]
    expected = srcdiff.jvp(f, wrt=wrt)(*_host_copies(args), *_host_copies(tangents))
    device_args = to_device(args, device)
    got = srcdiff.jvp(f, wrt=wrt)(*device_args, *to_device(tangents, device))
    return got, expected, device_args


@pytest.mark.parametrize("f, args, wrt", CASES_BY_MODE["forward"])
def test_jvp_on_device(request, f, args, wrt):
    RAN["forward"].add(request.node.callspec.id)
    got, expected, device_args = _jvp_both(f, args, wrt)
    assert_same(got[0], expected[0], "value")
    assert_same(got[1], expected[1], "tangent")
    _assert_unchanged(device_args, args)


# --- on CuPy: the function itself first ---------------------------------------------------
# CuPy lacks some of what NumPy has (numpy.linalg.vector_norm, clip's min=, maximum.reduce,
# eigh's named fields, ...) and picks some results its own way (eigh's eigenvector signs).
# So the CuPy tests run the user's function itself on the device arguments first: where it
# raises, the case is skipped naming the exception (only the user's function runs there, so a
# failure of srcdiff's emitted code or helpers still fails); where its value differs from the
# host's, the device's derivatives are checked against central differences of the function
# on the device, not against the host's derivatives. check_grad_on and check_jvp_on also run
# on CPU below, with the stand-in and fakes of those behaviours.
def device_value(f, device_args, device):
    """f itself on the device arguments, or a skip naming why the device cannot run it."""
    try:
        return f(*device_args)
    except Exception as err:  # the user's function only: srcdiff's code is not run here
        pytest.skip(f"{device.name} cannot run the function itself: "
                    f"{type(err).__name__}: {err}")


def _on_host(value, device):
    """The leaves of a value, as host arrays."""
    return [np.asarray(device.get(v)) if isinstance(v, device.kind) else np.asarray(v)
            for v in _leaves(value)]


def same_primal(value, host_value, device):
    """Whether f's value on the device is its value on the host (within the device's rtol)."""
    got, want = _on_host(value, device), _on_host(host_value, device)
    return len(got) == len(want) and all(
        g.shape == w.shape and np.allclose(g, w, rtol=device.rtol, atol=0, equal_nan=True)
        for g, w in zip(got, want))


FD_STEP, FD_RTOL, FD_ATOL = 1e-6, 1e-6, 1e-6


def _assert_close_on_device(got, expected, what, device):
    """got (device leaves where expected has arrays) against host values `expected`."""
    got_leaves, expected_leaves = _leaves(got), _leaves(expected)
    assert len(got_leaves) == len(expected_leaves), f"{what}: structure differs"
    for g, e in zip(got_leaves, expected_leaves):
        if np.ndim(e):
            assert type(g) is device.kind, \
                f"{what}: {type(g).__name__}, not a {device.kind.__name__}"
        np.testing.assert_allclose(_on_host(g, device)[0], e, rtol=FD_RTOL, atol=FD_ATOL,
                                   err_msg=f"{what} against central differences on the device")


def assert_grad_is_device_differences(f, args, wrt, got, device):
    """The device's gradient against central differences of f evaluated on the device."""
    def on_device(*host_args):
        return float(_on_host(f(*to_device(list(host_args), device)), device)[0])
    grads = got if isinstance(wrt, tuple) else (got,)
    for position, g in zip(_positions(wrt), grads):
        expected = numerical_grad(on_device, _host_copies(args), position, eps=FD_STEP)
        _assert_close_on_device(g, expected, "gradient", device)


def _shifted(value, tangent, step):
    if isinstance(value, list):
        return [_shifted(v, t, step) for v, t in zip(value, tangent)]
    return value + step * tangent


def assert_jvp_is_device_differences(f, args, wrt, tangents, got, value, device):
    """The device's jvp: its value f's value on the device, its tangent central differences
    of f on the device along the tangents."""
    assert same_primal(got[0], value, device), "value: not f's value on the device"

    def along(step):
        host = _host_copies(args)
        for p, t in zip(_positions(wrt), tangents):
            host[p] = _shifted(host[p], t, step)
        return _on_host(f(*to_device(host, device)), device)
    expected = [(plus - minus) / (2 * FD_STEP)
                for plus, minus in zip(along(FD_STEP), along(-FD_STEP))]
    _assert_close_on_device(got[1], expected, "tangent", device)


def check_grad_on(device, f, args, wrt):
    """test_grad_on_cupy's check, for any device."""
    value = device_value(f, to_device(args, device), device)  # on its own copies: f may write
    device_args = to_device(args, device)
    got = srcdiff.grad(f, wrt=wrt)(*device_args)
    if same_primal(value, f(*_host_copies(args)), device):
        assert_same(got, srcdiff.grad(f, wrt=wrt)(*_host_copies(args)), "gradient", device)
    else:
        assert_grad_is_device_differences(f, args, wrt, got, device)
    _assert_unchanged(device_args, args, device)


def check_jvp_on(device, f, args, wrt):
    """test_jvp_on_cupy's check, for any device."""
    tangents = [_tangent(args[p]) for p in _positions(wrt)]
    value = device_value(f, to_device(args, device), device)  # on its own copies: f may write
    device_args = to_device(args, device)
    got = srcdiff.jvp(f, wrt=wrt)(*device_args, *to_device(tangents, device))
    if same_primal(value, f(*_host_copies(args)), device):
        expected = srcdiff.jvp(f, wrt=wrt)(*_host_copies(args), *_host_copies(tangents))
        assert_same(got[0], expected[0], "value", device)
        assert_same(got[1], expected[1], "tangent", device)
    else:
        assert_jvp_is_device_differences(f, args, wrt, tangents, got, value, device)
    _assert_unchanged(device_args, args, device)


@pytest.mark.gpu
@pytest.mark.parametrize("f, args, wrt", CASES_BY_MODE["reverse"])
def test_grad_on_cupy(f, args, wrt):
    check_grad_on(cupy_device(), f, args, wrt)


@pytest.mark.gpu
@pytest.mark.parametrize("f, args, wrt", CASES_BY_MODE["forward"])
def test_jvp_on_cupy(f, args, wrt):
    check_jvp_on(cupy_device(), f, args, wrt)


# Forward-over-reverse (srcdiff.hvp: forward mode over the emitted gradient) meets the rules of
# srcdiff's runtime helpers (templates/runtime_rules.py). These (case, wrt position) pairs
# reach each helper rule that any case above reaches that way.
HVP_CASES = [
    ("norm-matrix-ord=fro-axes-keepdims=False", 0), ("take-scalar-index", 0),
    ("solve-(3, 3)-(3,)", 0), ("builtin-sum-of-appended", 0), ("imag", 0),
    ("maximum-(2, 3)-(2, 3)", 0), ("matmul-operator-(3, 3)-(3, 3)", 0),
    ("matmul-operator-(3, 3)-(3, 3)", 1), ("sum-axis=None-keepdims=False", 0),
    ("prod-axis=None-keepdims=False", 0), ("max-axis=None-keepdims=False", 0),
    ("method-cumsum", 0), ("asarray-like", 0), ("astype", 0), ("concatenate-axis=0", 0),
    ("stack-axis=0", 0), ("diagonal-offset=0", 0), ("repeat-axis=None", 0),
    ("dot-(3,)-(3,)", 0), ("dot-(3,)-(3,)", 1), ("inner-(3,)-(3,)", 0), ("det-(3, 3)", 0),
    ("builtin-max", 0), ("list-concatenation", 1), ("list-repetition-count-first", 0),
    ("list-plus-equals-tuple", 0), ("list-extend", 1), ("dict-iterated", 0),
    ("dict-items-values", 1), ("dict-comprehension", 0), ("builtin-sum-of-lists", 0),
    ("angle", 0), ("operator-inplace", 0),
    # templates/arrays.py's helpers
    ("nan_to_num", 0), ("select", 0), ("diag-matrix", 0), ("pad-reflect", 0),
    ("pad-constant_values", 1), ("tile", 0), ("append", 1), ("split", 0),
    ("column_stack", 0), ("dstack", 1), ("sort", 0), ("diff", 1), ("gradient", 0),
    ("gradient", 1), ("gradient-tuple", 1), ("gradient-coordinates", 0),
    ("gradient-coordinates", 1),
    # templates/edits.py's helpers
    ("delete", 0), ("insert", 0), ("insert-broadcast", 1), ("meshgrid", 0),
    ("meshgrid-ij-sparse", 2),
    # templates/array_api.py, moves.py and grids.py's logspace and geomspace
    ("linalg-svdvals", 0), ("vecdot", 0), ("unstack", 0), ("broadcast_arrays", 1),
    ("resize", 0), ("trim_zeros", 0), ("extract", 0), ("unwrap", 0), ("logspace", 0),
    ("geomspace", 0),
    # templates/linalg.py and fft.py
    ("fft", 0), ("irfft", 0), ("hfft", 0), ("ihfft", 0), ("fftn", 0), ("irfftn", 0),
    ("rfftn", 0), ("fftshift", 0), ("kron", 0), ("kron", 1), ("srcdiff-convolve", 0),
    ("srcdiff-convolve", 1), ("cross", 0), ("tensordot", 1),
    ("einsum", 0), ("einsum-diagonal", 0), ("einsum-outer-sum", 1), ("slogdet", 0),
    ("matrix_power", 0), ("matrix_power-negative", 0), ("cholesky", 0), ("eigh", 0),
    ("eigvalsh", 0), ("svd", 0), ("svd-values", 0), ("qr", 0), ("pinv", 0), ("lstsq", 0),
    ("lstsq", 1), ("eig", 0), ("named-fields", 0),
    # templates/reductions.py and statistics.py
    ("cumprod-axis=1", 0), ("nanstd-axis=1-keepdims=True", 0), ("nanvar-axis=0-keepdims=False", 0),
    ("median-axis=1-keepdims=True", 0), ("quantile", 0), ("quantile", 1), ("nanpercentile", 1),
    ("average-weights", 1), ("trapezoid-x", 0), ("trapezoid-x", 1), ("convolve-same", 0),
    ("correlate-valid", 1), ("multiply.outer", 0), ("maximum.outer", 1), ("i0", 0), ("sinc", 0),
    ("interp", 0), ("interp", 1), ("interp", 2), ("multiply.accumulate", 0),
]
_BY_ID = {param.id: param.values for param in CASES}


@pytest.mark.parametrize("name, position", HVP_CASES, ids=[f"{n}-wrt{p}" for n, p in HVP_CASES])
def test_hvp_on_device(name, position):
    f, args, wrt = _BY_ID[name]
    vector = _tangent(args[position])
    expected = srcdiff.hvp(f, wrt=position)(*_host_copies(args), *_host_copies([vector]))
    device_args = to_device(args)
    got = srcdiff.hvp(f, wrt=position)(*device_args, *to_device([vector]))
    assert_same(got, expected, "Hessian-vector product")
    _assert_unchanged(device_args, args)


# --- the CuPy tests' logic, on CPU: fakes of what CuPy does --------------------------------
class FlippedEighArray(DeviceArray):
    """A DeviceArray whose numpy.linalg.eigh picks other eigenvector signs (the last two
    columns negated), as cuSOLVER did on the eigh case, and returns a plain tuple, as CuPy's."""

    def __array_function__(self, func, types, args, kwargs):
        result = super().__array_function__(func, types, args, kwargs)
        if func is np.linalg.eigh:
            w, v = result
            return w, type(v)(v.host() * np.array([1.0, -1.0, -1.0]))
        return result


class NoSortArray(DeviceArray):
    """A DeviceArray without numpy.sort: srcdiff's quantile helpers sort, numpy.median itself
    (dispatched whole) does not, as CuPy had median but not the nanquantile they called."""

    def __array_function__(self, func, types, args, kwargs):
        if func is np.sort:
            raise TypeError("no implementation found for 'numpy.sort'")
        return super().__array_function__(func, types, args, kwargs)


def _fake(kind):
    return Device(kind, lambda a: kind(a.copy()), lambda a: a.host(), 1e-10, kind.__name__)


@pytest.mark.parametrize("check", [check_grad_on, check_jvp_on])
def test_a_function_the_device_cannot_run_is_skipped_naming_why(check):
    f, args, wrt = _BY_ID["array"]   # numpy.array(x) of a device array: a host conversion
    with pytest.raises(pytest.skip.Exception, match="DeviceArray stand-in cannot run the "
                       "function itself: HostConversionError"):
        check(STAND_IN, f, args, wrt)


@pytest.mark.parametrize("check", [check_grad_on, check_jvp_on])
def test_a_failure_of_srcdiffs_code_is_not_skipped(check):
    f, args, wrt = _BY_ID["median-axis=1-keepdims=True"]
    device = _fake(NoSortArray)
    device_value(f, to_device(args, device), device)  # the function itself runs
    with pytest.raises(TypeError, match="numpy.sort"):
        check(device, f, args, wrt)


@pytest.mark.parametrize("check", [check_grad_on, check_jvp_on])
def test_a_function_writing_into_its_arguments_runs_on_its_own_copies(check):
    """operator.imul(a, b) writes into a: f run first must not change srcdiff's arguments."""
    check(STAND_IN, *_BY_ID["operator-inplace"])


@pytest.mark.parametrize("check", [check_grad_on, check_jvp_on])
def test_a_value_the_device_computes_otherwise_is_checked_by_its_own_differences(check):
    f, args, wrt = _BY_ID["eigh"]
    device = _fake(FlippedEighArray)
    assert not same_primal(f(*to_device(args, device)), f(*_host_copies(args)), device)
    check(device, f, args, wrt)


def test_the_device_differences_catch_a_wrong_derivative():
    """The host's derivatives of the eigh case are not the derivatives of the device's f."""
    f, args, wrt = _BY_ID["eigh"]
    device = _fake(FlippedEighArray)
    host_grad = srcdiff.grad(f, wrt=wrt)(*_host_copies(args))
    with pytest.raises(AssertionError, match="gradient against central differences"):
        assert_grad_is_device_differences(f, args, wrt, device.put(host_grad), device)
    tangents = [_tangent(args[p]) for p in _positions(wrt)]
    host_jvp = srcdiff.jvp(f, wrt=wrt)(*_host_copies(args), *_host_copies(tangents))
    value = f(*to_device(args, device))
    with pytest.raises(AssertionError, match="tangent against central differences"):
        assert_jvp_is_device_differences(f, args, wrt, tangents, (value, host_jvp[1]), value,
                                         device)
    with pytest.raises(AssertionError, match="not f's value on the device"):
        assert_jvp_is_device_differences(f, args, wrt, tangents, to_device(host_jvp, device),
                                         value, device)


def reached_here():
    """{mode: {"seen": the names of the rules this process's cases looked up, "ran": the ids
    of the cases it ran, "all": every case's id}}: a pytest-xdist worker hands it to the
    controller (conftest.py)."""
    return {mode: {"seen": sorted(backend_rule_name(f) for f in SEEN[mode].values()),
                   "ran": sorted(RAN[mode]), "all": [p.id for p in CASES]} for mode in SEEN}


def _compile_unran():
    """Compile, in each mode, the cases this process did not run (-k, a single test), the
    rules they look up recorded in SEEN."""
    lookup = srcdiff.rules.lookup

    def recording(mode, func):
        template = lookup(mode, func)
        if template is not None:
            SEEN[mode][srcdiff.rules.Table._key(func)] = func
        return template
    srcdiff.rules.lookup = recording
    try:
        for mode, transform in (("reverse", srcdiff.grad), ("forward", srcdiff.jvp)):
            for param in CASES:
                f, args, wrt = param.values
                if param.id not in RAN[mode]:
                    srcdiff.api.clear_cache(f)
                    extra = [] if mode == "reverse" else [_tangent(args[p])
                                                          for p in _positions(wrt)]
                    transform(f, wrt=wrt)(*_host_copies(args), *extra)
    finally:
        srcdiff.rules.lookup = lookup


def test_every_rule_is_covered():
    """Each rule of templates/ (but the runtime helpers' own rules, runtime_rules and
    lazy_rules, which forward-over-reverse code meets) is looked up by at least one case
    above, in each mode. (Under pytest-xdist each worker runs some of the cases: the
    controller checks what they looked up together, once every worker is done,
    tests/conftest.py.)"""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("under pytest-xdist the controller checks the rules every worker's cases "
                    "looked up, at the session's end (tests/conftest.py)")
    _compile_unran()
    missing = backend_rules_missing({mode: [backend_rule_name(f) for f in SEEN[mode].values()]
                                     for mode in SEEN})
    assert not any(missing.values()), f"rules no case reaches: {missing}"
