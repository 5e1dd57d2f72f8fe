"""Array types the backend tests run emitted code on (tests/test_backends.py,
test_backends_rules.py, test_checkpointing.py): `StrictArray`, a duck array that wraps an
ndarray, dispatches every NumPy call to NumPy on the unwrapped data and wraps the results,
and refuses, like CuPy, to become a host ndarray; `DeviceArray` and its variants shaped
like cupy.ndarray; and CuPy itself where a GPU is there."""
import numpy as np
import pytest
from numpy.lib.mixins import NDArrayOperatorsMixin


# --- a duck array that never becomes a host ndarray ---------------------------------------
class HostConversionError(RuntimeError):
    """A StrictArray was converted to, or mixed with, a host ndarray."""


def _unwrap(x):
    if isinstance(x, StrictArray):
        return x._data
    if isinstance(x, np.ndarray):
        # CuPy refuses NumPy arrays as operands too ("Unsupported type ndarray")
        raise HostConversionError(f"a host ndarray was mixed into a StrictArray computation: "
                                  f"{x!r}")
    if isinstance(x, tuple):
        return tuple(_unwrap(v) for v in x)
    if isinstance(x, list):
        return [_unwrap(v) for v in x]
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _wrap(x, cls):
    if isinstance(x, (np.ndarray, np.generic)):
        return cls(x)
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # e.g. numpy.linalg.svd's result
        return type(x)(*(_wrap(v, cls) for v in x))
    if isinstance(x, (tuple, list)):
        return type(x)(_wrap(v, cls) for v in x)
    return x


class StrictArray(NDArrayOperatorsMixin):
    """An array type NumPy dispatches to, which refuses to become a host ndarray.

    Like CuPy it returns 0-d arrays (not NumPy scalars) from reductions, allows
    bool()/float()/int() of one element (what data-dependent control flow needs),
    has no `flags` attribute (like Dask) and supports item assignment.
    """

    def __init__(self, data):
        self._data = data if isinstance(data, np.ndarray) else np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        raise HostConversionError("StrictArray converted to a host ndarray")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        result = getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))
        if method == "at":  # in place on the unwrapped data
            return None
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result, type(self))

    def __array_function__(self, func, types, args, kwargs):
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)), type(self))

    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    dtype = property(lambda self: self._data.dtype)
    size = property(lambda self: self._data.size)
    T = property(lambda self: type(self)(self._data.T))

    def copy(self):
        return type(self)(self._data.copy())

    def astype(self, dtype, copy=True):
        return type(self)(self._data.astype(dtype, copy=copy))

    def reshape(self, *shape):
        return type(self)(self._data.reshape(*shape))

    def __getitem__(self, key):
        return _wrap(self._data[_unwrap(key)], type(self))

    def __setitem__(self, key, value):
        self._data[_unwrap(key)] = _unwrap(value)

    def __len__(self):
        return len(self._data)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self._data)

    def __float__(self):
        return float(self._data)

    def __int__(self):
        return int(self._data)

    def __index__(self):
        return self._data.__index__()

    def __repr__(self):
        return f"StrictArray({self._data!r})"

    def host(self):
        """The wrapped ndarray, for checking results (the explicit, allowed way out)."""
        return self._data


class CupyFlags:
    """cupy.ndarray.flags: c_contiguous, f_contiguous and owndata, and no `writeable`."""

    def __init__(self, a):
        self.c_contiguous = a.flags.c_contiguous
        self.f_contiguous = a.flags.f_contiguous
        self.owndata = a.flags.owndata


class CupyFlagsArray(StrictArray):
    """A StrictArray with a `flags` attribute shaped like CuPy's."""

    flags = property(lambda self: CupyFlags(self._data))
    strides = property(lambda self: self._data.strides)


class DeviceArray(StrictArray):
    """Like CuPy: a ufunc given a host ndarray among its operands returns NotImplemented
    (so `numpy.add.at(device, host_index, device)` raises TypeError); indexing with a
    host array is allowed."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if any(isinstance(a, np.ndarray) for a in inputs):
            return NotImplemented
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.asarray and isinstance(args[0], np.ndarray):  # cupy.asarray(host)
            return type(self)(np.asarray(*args, **{k: v for k, v in kwargs.items()
                                                   if k != "like"}))
        return super().__array_function__(func, types, args, kwargs)

    def __getitem__(self, key):
        return _wrap(self._data[_host_index(key)], type(self))

    def __setitem__(self, key, value):
        self._data[_host_index(key)] = _unwrap(value)


class NoAtDeviceArray(DeviceArray):
    """A DeviceArray whose ufuncs have no `.at` (CuPy before 13, Dask)."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "at":
            return NotImplemented
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)


def _host_index(key):
    """An index with host integer arrays allowed (they are small and only read)."""
    if isinstance(key, tuple):
        return tuple(_host_index(k) for k in key)
    return key if isinstance(key, np.ndarray) else _unwrap(key)


def cupy_or_skip():
    cupy = pytest.importorskip("cupy")
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device
        pytest.skip(f"no CUDA device: {exc}")
    if count < 1:
        pytest.skip("no CUDA device")
    return cupy
