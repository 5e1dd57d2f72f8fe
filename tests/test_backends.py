"""The same emitted code on other array types: a strict duck array, Dask, and CuPy (GPU).

srcdiff's emitted code calls `numpy.<func>` and the helpers in srcdiff/runtime.py,
which make arrays only from other arrays. So a gradient taken of arrays NumPy
dispatches to (`__array_function__`, `__array_ufunc__`) must come back as that
array type, computed without a trip through a host ndarray.

- `StrictArray` (tests/device_arrays.py) is a duck array that wraps an ndarray, dispatches every
  NumPy call to NumPy on the unwrapped data and wraps the results, and refuses,
  like CuPy, to be turned into a host ndarray (`__array__` raises) or to be mixed
  with one in a computation. A gradient that comes back as a StrictArray with
  NumPy's values proves the emitted code never left the array type.
- Dask: gradients of chunked arrays come back as lazy dask arrays; for functions
  without data-dependent control flow, taking the gradient computes nothing (a
  counting scheduler checks it) and Dask's fallbacks to NumPy (which compute)
  are errors. `.compute()` then matches NumPy's gradient.
- CuPy: the same cases on the GPU (`-m gpu`, skipped without cupy or a GPU).

A case that fails because of srcdiff is marked xfail(strict=True) with the
helper to fix in its reason, so it turns into a failure (XPASS) once fixed.
"""
import os
import sys
import warnings

import numpy as np
import pytest

import srcdiff
from device_arrays import (CupyFlagsArray, DeviceArray, HostConversionError, NoAtDeviceArray,
                           StrictArray, cupy_or_skip)
from gradcheck import check

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "examples"))
import models  # noqa: E402


def test_strict_array_refuses_host_conversion():
    a = StrictArray(np.arange(3.0))
    with pytest.raises(HostConversionError, match="converted to a host ndarray"):
        np.asarray(a)
    with pytest.raises(HostConversionError, match="mixed"):
        a + np.ones(3)
    total = np.sum(np.sin(a) * 2.0 + np.mean(a[1:2]))
    assert type(total) is StrictArray and total.ndim == 0


# --- the functions differentiated ---------------------------------------------------------
def elementwise(x):
    return np.sum(np.tanh(x) * np.exp(-x * x) + np.sin(x) * np.cos(x) / (1.0 + x * x))


def plain_sum(x):
    return np.sum(x)


def power(x):
    return np.sum(x ** 3 + np.abs(x) ** 0.5)


def broadcasting(x, b):
    y = (x + b) * b - x / (2.0 + b * b)
    return np.sum(y * y)


def reductions(x):
    m = np.max(x, axis=1)
    s = np.sum(x, axis=0, keepdims=True)
    return np.sum(m * m) + np.sum(s * x) + np.sum(np.prod(x, axis=0))


def mean_var(x):
    return np.sum(np.mean(x, axis=0)) + np.var(x) + np.sum(np.std(x, axis=1))


def matmul(w, x):
    h = np.tanh(x @ w)
    return np.sum(h * h) + np.sum(x.T @ x @ w)


def scan_rows(x):
    # a loop over rows, item reads and a non-differentiated trip count
    total = 0.0
    for i in range(x.shape[0]):
        total = total + np.sum(np.sin(x[i]) * x[i])
    return total


def gather_scatter(x, idx):
    # x[integer array] inside a loop: the adjoint scatter-adds, repeats accumulate
    total = 0.0
    for k in range(2):
        total = total + np.sum(x[idx] * x[k])
    return total


def take_rows(x, idx):
    return np.sum(np.take(x, idx, axis=0) * x[0])


def while_if(x):
    b = x * 2.0
    while np.sum(b * b) < 100.0:
        b = b * 2.0
    if np.sum(b) > 0:
        c = b * b
    else:
        c = -3.0 * b
    return np.sum(c)


def item_writes(x):
    y = x * 1.0
    for i in range(1, 4):
        y[i] = y[i - 1] * x[i]
    return np.sum(y)


def write_argument(x):
    x[0] = x[1] * 3.0
    return np.sum(x * x)


def copy_and_slice_write(x):
    y = x.copy()
    y[1:] = y[1:] * y[:-1]
    return np.sum(y)


def boolean_mask(x):
    y = x[x > 0]
    return np.sum(y * y)


def stack_list(x):
    rows = []
    for i in range(x.shape[0]):
        rows.append(np.sin(x[i]) * (i + 1.0))
    s = np.stack(rows)
    return np.sum(s * s)


def concatenate(x):
    c = np.concatenate([x, x * x], axis=1)
    return np.sum(c * c)


def reshape_flat(x):
    flat = x.reshape(-1)
    return np.sum(np.cumsum(flat) * flat)


def astype_roundtrip(x):
    y = x.astype(np.float32).astype(np.float64)
    return np.sum(y * y)


def where_clip(x, y):
    z = np.where(x > y, x * y, np.maximum(x, y))
    return np.sum(z * z) + np.sum(np.clip(x, -0.5, 0.5))


rng = np.random.default_rng(0)
X = rng.normal(size=(3, 4))
Y = rng.normal(size=(3, 4))
B = rng.normal(size=4)
W = rng.normal(size=(4, 2))
V = rng.normal(size=5)
IDX = np.array([0, 2, 2])
W1, B1 = rng.normal(size=(6, 5)) * 0.3, rng.normal(size=5) * 0.1
W2, B2 = rng.normal(size=(5, 3)) * 0.3, rng.normal(size=3) * 0.1
XB, LABELS = rng.normal(size=(4, 6)), np.eye(3)[[0, 1, 2, 1]]

# Why a case fails today, by backend; each is an xfail(strict=True) naming what to change.
MASK_NAN = ("boolean-mask indexing gives Dask arrays of unknown (NaN) length, and Dask "
            "cannot scatter them back (x[mask] = g) until it computes; srcdiff says so and "
            "suggests numpy.where")

# id: (function, args, wrt, control_flow, {backend: (reason, exception types)})
CASES = {
    "elementwise": (elementwise, (V,), 0, False, {}),
    "power": (power, (V,), 0, False, {}),
    "broadcasting": (broadcasting, (X, B), (0, 1), False, {}),
    "reductions": (reductions, (X,), 0, False, {}),
    "mean_var": (mean_var, (X,), 0, False, {}),
    "matmul": (matmul, (W, X), (0, 1), False, {}),
    "mlp_loss": (models.mlp_loss, (W1, B1, W2, B2, XB, LABELS), (0, 1, 2, 3), False, {}),
    "rnn_loss": (models.rnn_loss, (W[:3], rng.normal(size=(2, 2)), X[:, :3], B[:2]),
                 (0, 1, 3), False, {}),
    "scan_rows": (scan_rows, (X,), 0, False, {}),
    "gather_scatter": (gather_scatter, (X, IDX), 0, False, {}),
    "take_rows": (take_rows, (X, IDX), 0, False, {}),
    "while_if": (while_if, (V,), 0, True, {}),
    "decayed_sum": (models.decayed_sum, (V,), 0, True, {}),
    "item_writes": (item_writes, (V,), 0, False, {}),
    "write_argument": (write_argument, (V,), 0, False, {}),
    "copy_and_slice_write": (copy_and_slice_write, (V,), 0, False, {}),
    "boolean_mask": (boolean_mask, (V,), 0, False, {"dask": (MASK_NAN, ValueError)}),
    "stack_list": (stack_list, (X,), 0, False, {}),
    "concatenate": (concatenate, (X,), 0, False, {}),
    "reshape_flat": (reshape_flat, (X,), 0, False, {}),
    "astype_roundtrip": (astype_roundtrip, (X,), 0, False, {}),
    "where_clip": (where_clip, (X, Y), (0, 1), False, {}),
}


def cases_for(backend, marks=()):
    out = []
    for name, (f, args, wrt, control, failing) in CASES.items():
        case_marks = list(marks)
        if backend in failing:
            reason, raises = failing[backend]
            case_marks.append(pytest.mark.xfail(strict=True, reason=reason, raises=raises))
        out.append(pytest.param(f, args, wrt, control, id=name, marks=case_marks))
    return out


def as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


# --- StrictArray ------------------------------------------------------------------------
@pytest.mark.parametrize("f, args, wrt, control", cases_for("strict"))
def test_strict_array_gradient(f, args, wrt, control):
    expected = as_tuple(srcdiff.grad(f, wrt=wrt)(*args))
    strict_args = [StrictArray(a.copy()) for a in args]
    got = as_tuple(srcdiff.grad(f, wrt=wrt)(*strict_args))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert type(g) is StrictArray, type(g)
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g.host(), e, rtol=1e-10, atol=1e-12)
    for a, s in zip(args, strict_args):  # the caller's arrays are never changed
        np.testing.assert_array_equal(s.host(), a)


def test_strict_array_value_and_grad():
    value, grad = srcdiff.value_and_grad(matmul, wrt=0)(StrictArray(W), StrictArray(X))
    assert type(value) is StrictArray and type(grad) is StrictArray
    np.testing.assert_allclose(value.host(), matmul(W, X))
    np.testing.assert_allclose(grad.host(), srcdiff.grad(matmul)(W, X))


@pytest.mark.parametrize("cls", [DeviceArray, NoAtDeviceArray])
def test_device_data_with_a_host_index(cls):
    """Data on the device, an integer index on the host (CuPy allows x[host_index]): the
    scatter-add of the adjoint moves the index to the data's kind, never the data, with
    ufunc.at or without it (the one-hot fallback)."""
    got = srcdiff.grad(gather_scatter)(cls(X.copy()), IDX)
    assert type(got) is cls
    np.testing.assert_allclose(got.host(), srcdiff.grad(gather_scatter)(X, IDX), rtol=1e-12)


def test_cupy_like_flags():
    got = srcdiff.grad(elementwise)(CupyFlagsArray(V))
    assert type(got) is CupyFlagsArray
    np.testing.assert_allclose(got.host(), srcdiff.grad(elementwise)(V))


def test_cupy_like_broadcast_gradients_are_copied():
    """CuPy has no read-only arrays: a gradient that is a broadcast view (zero strides) of
    one number is copied before the caller gets it, as NumPy's read-only views are."""
    got = srcdiff.grad(plain_sum)(CupyFlagsArray(V))
    assert type(got) is CupyFlagsArray and 0 not in got.strides
    np.testing.assert_array_equal(got.host(), np.ones_like(V))


# --- Dask ---------------------------------------------------------------------------------
class CountingScheduler:
    """A synchronous Dask scheduler that counts how often anything is computed."""

    def __init__(self):
        self.calls = 0

    def __call__(self, dsk, keys, **kwargs):
        import dask
        self.calls += 1
        return dask.get(dsk, keys, **kwargs)


@pytest.mark.parametrize("f, args, wrt, control", cases_for("dask"))
def test_dask_gradient(f, args, wrt, control):
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    expected = as_tuple(srcdiff.grad(f, wrt=wrt)(*args))
    dargs = [da.from_array(a, chunks=2) if a.dtype.kind == "f" else a for a in args]
    scheduler = CountingScheduler()
    with dask.config.set(scheduler=scheduler), warnings.catch_warnings():
        # Dask warns, then computes with NumPy, for a function it does not implement
        warnings.simplefilter("error", FutureWarning)
        got = as_tuple(srcdiff.grad(f, wrt=wrt)(*dargs))
    if not control:  # without data-dependent control flow nothing is computed yet
        assert scheduler.calls == 0, f"the gradient computed {scheduler.calls} time(s)"
    assert len(got) == len(expected)
    with dask.config.set(scheduler="synchronous"):
        for g, e in zip(got, expected):
            assert isinstance(g, da.Array), type(g)
            assert g.dtype == e.dtype and g.shape == e.shape
            np.testing.assert_allclose(g.compute(), e, rtol=1e-10, atol=1e-12)


def masked_by_where(x):
    y = np.where(x > 0, x, 0.0)
    return np.sum(y * y)


def test_dask_boolean_mask_says_what_to_write_instead():
    da = pytest.importorskip("dask.array")
    x = da.from_array(V, chunks=2)
    with pytest.raises(ValueError, match=r"write numpy.where\(mask, x, 0\) instead of x\[mask\]"):
        srcdiff.grad(boolean_mask)(x)
    got = srcdiff.grad(masked_by_where)(x)  # the suggested form stays lazy and agrees
    assert isinstance(got, da.Array)
    np.testing.assert_allclose(got.compute(scheduler="synchronous"), srcdiff.grad(boolean_mask)(V))


def rmse(w, x, y):
    r = x @ w - y
    return np.sqrt(np.mean(r ** 2))


def branch_on_mean(w, x, y):
    r = x @ w - y
    m = np.mean(r * r)
    if m > 1.0:
        return np.sqrt(m)
    return m


def mean_squares(w, x, y):
    r = x @ w - y
    return np.mean(r * r) + 0.1 * np.mean(w * w)


XD, YD, WD = rng.normal(size=(40, 3)), rng.normal(size=40), rng.normal(size=3)


@pytest.mark.parametrize("f, branch_tests", [(rmse, 0), (branch_on_mean, 1)])
def test_dask_whole_dataset_factor_stays_lazy(f, branch_tests):
    """The scalar factor is applied after X.T @ (...): the gradient is one lazy graph
    (nothing computed, but the branch's condition, once) and agrees with NumPy's."""
    dask = pytest.importorskip("dask")
    da = pytest.importorskip("dask.array")
    for scale in (1.0, 0.1):  # both branches
        args = (WD * scale, XD * scale, YD * scale)
        expected = srcdiff.grad(f, wrt=(0, 1, 2))(*args)
        dargs = [da.from_array(a, chunks=10) for a in args]
        scheduler = CountingScheduler()
        with dask.config.set(scheduler=scheduler):
            got = srcdiff.grad(f, wrt=(0, 1, 2))(*dargs)
        assert scheduler.calls == branch_tests, scheduler.calls
        for g, e in zip(got, expected):
            assert isinstance(g, da.Array)
            np.testing.assert_allclose(g.compute(scheduler="synchronous"), e, rtol=1e-10)


@pytest.mark.parametrize("f", [rmse, mean_squares, branch_on_mean])
def test_dask_unknown_chunk_sizes(f):
    """Rows chosen by a mask: Dask does not know how many until it computes (NaN chunks)."""
    da = pytest.importorskip("dask.array")
    keep = XD[:, 0] > -0.5
    x, y = da.from_array(XD, chunks=(10, 3)), da.from_array(YD, chunks=10)
    xs, ys = x[x[:, 0] > -0.5], y[x[:, 0] > -0.5]
    assert np.isnan(xs.shape[0])
    expected = srcdiff.grad(f)(WD, XD[keep], YD[keep])
    got = srcdiff.grad(f)(da.from_array(WD), xs, ys)
    np.testing.assert_allclose(np.asarray(got.compute(scheduler="synchronous")), expected,
                               rtol=1e-10)


def sum_squares(w, x):
    return np.sum((x @ w) ** 2)


def sums_over_axes(w, x):
    r = x @ w
    return np.sum(np.sum(x * x, axis=0) * w) + np.sum(r * r, keepdims=True)[0]


def sums_in_a_loop(w, x):
    total = 0.0
    for k in range(3):
        total = total + np.sum(np.sin(x @ w) * (k + 1)) + np.sum(x * w)
    return total


@pytest.mark.parametrize("f", [sum_squares, sums_over_axes, sums_in_a_loop])
def test_dask_sums_over_unknown_chunk_sizes(f):
    """numpy.sum's adjoint over rows chosen by a mask (a NaN length): broadcast by adding
    zeros of the array's chunks. Agrees with NumPy's gradient, checked against central
    differences to second order."""
    da = pytest.importorskip("dask.array")
    keep = XD[:, 0] > -0.5
    check(f, WD, XD[keep], wrt=(0, 1))
    expected = srcdiff.grad(f, wrt=(0, 1))(WD, XD[keep])
    x = da.from_array(XD, chunks=(10, 3))
    xs = x[x[:, 0] > -0.5]
    assert np.isnan(xs.shape[0])
    got = srcdiff.grad(f, wrt=(0, 1))(da.from_array(WD), xs)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(np.asarray(g.compute(scheduler="synchronous")), e,
                                   rtol=1e-10)
    tangent = da.from_array(np.linspace(-1, 1, 3))
    hv = srcdiff.hvp(f)(da.from_array(WD), xs, tangent)
    np.testing.assert_allclose(np.asarray(hv.compute(scheduler="synchronous")),
                               srcdiff.hvp(f)(WD, XD[keep], np.linspace(-1, 1, 3)),
                               rtol=1e-10)


def mean_of_squares(w, x):
    r = x @ w
    return np.mean(r * r)


def reductions_by_axis(w, x):
    s = x * w
    return (np.sum(np.sum(s * s, axis=0, keepdims=True) * w) + np.sum(np.mean(s, axis=1) ** 2)
            + np.mean(s))


def _rechunked(graph):
    return sorted({k[0].split("-")[0] for k in dict(graph) if isinstance(k, tuple)
                   and k[0].startswith("rechunk")})


@pytest.mark.parametrize("f", [sum_squares, mean_of_squares, reductions_by_axis])
def test_dask_reduction_adjoints_keep_the_arrays_chunks(f):
    """The adjoint of a sum or mean over Dask is broadcast back in the summed array's own
    chunks (a view of the cotangent per chunk): numpy.broadcast_to gave one chunk as long
    as the array, which the elementwise products after it split into the data's chunks,
    Dask copying each piece (a cotangent as large as the data, held at once). No chunk is
    split or merged in the gradient's graph, and the gradient agrees with NumPy's, checked
    against central differences to second order."""
    da = pytest.importorskip("dask.array")
    check(f, WD, XD, wrt=(0, 1))
    expected = srcdiff.grad(f, wrt=(0, 1))(WD, XD)
    x = da.from_array(XD, chunks=(10, 3))
    got = srcdiff.grad(f, wrt=(0, 1))(da.from_array(WD), x)
    for g, e in zip(got, expected):
        assert _rechunked(g.__dask_graph__()) == []
        np.testing.assert_allclose(np.asarray(g.compute(scheduler="synchronous")), e,
                                   rtol=1e-10)
    tangent = np.linspace(-1, 1, 3)
    hv = srcdiff.hvp(f)(da.from_array(WD), x, da.from_array(tangent))
    np.testing.assert_allclose(np.asarray(hv.compute(scheduler="synchronous")),
                               srcdiff.hvp(f)(WD, XD, tangent), rtol=1e-10)


def masked_mean(x):
    y = x[x > 0]
    return np.mean(y * y)


def test_dask_boolean_mask_under_a_mean_says_what_to_write_instead():
    da = pytest.importorskip("dask.array")
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"numpy.where\(mask, x, 0\)"):
        srcdiff.grad(masked_mean)(da.from_array(V, chunks=2))


# --- CuPy (GPU) ---------------------------------------------------------------------------
def cupy_cases():
    out = []
    for name, (f, args, wrt, control, failing) in CASES.items():
        marks = [pytest.mark.gpu]
        if "cupy" in failing:
            reason, raises = failing["cupy"]
            marks.append(pytest.mark.xfail(strict=True, reason=reason, raises=raises))
        out.append(pytest.param(f, args, wrt, control, id=name, marks=marks))
    return out


@pytest.mark.parametrize("f, args, wrt, control", cupy_cases())
def test_cupy_gradient(f, args, wrt, control):
    cupy = cupy_or_skip()
    expected = as_tuple(srcdiff.grad(f, wrt=wrt)(*args))
    got = as_tuple(srcdiff.grad(f, wrt=wrt)(*[cupy.asarray(a) for a in args]))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert isinstance(g, cupy.ndarray), type(g)
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(cupy.asnumpy(g), e, rtol=1e-8, atol=1e-10)


@pytest.mark.gpu
def test_cupy_data_with_a_host_index():
    cupy = cupy_or_skip()
    got = srcdiff.grad(gather_scatter)(cupy.asarray(X), IDX)
    assert isinstance(got, cupy.ndarray)
    np.testing.assert_allclose(cupy.asnumpy(got), srcdiff.grad(gather_scatter)(X, IDX))


# --- the explicit form: emitted code bound to an array module by name -------------------
def test_backend_option_binds_numpy_calls_to_another_module(monkeypatch):
    import types
    calls = []
    fake = types.ModuleType("fakecupy")

    def __getattr__(name):
        target = getattr(np, name)
        if callable(target):
            def wrapped(*args, **kwargs):
                calls.append(name)
                return target(*args, **kwargs)
            return wrapped
        return target
    fake.__getattr__ = __getattr__
    monkeypatch.setitem(sys.modules, "fakecupy", fake)
    g = srcdiff.grad(elementwise, backend="fakecupy")
    np.testing.assert_allclose(g(V), srcdiff.grad(elementwise)(V))
    assert calls  # the emitted numpy.<f> calls went through the bound module


def test_codegen_backend_flag():
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    out = subprocess.run([sys.executable, "-m", "srcdiff", "models.py:mlp_loss", "--backend",
                          "cupy"], cwd=os.path.join(root, "examples"), env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "import cupy as numpy" in out.stdout
