"""The call of a derivative compiled by Numba (jit=True): the NumPy path's call, with a
shortcut for calls like one that already ran (derivative: called by api.py). Takes a
Derivative made with jit=True; gives back a JitDerivative, called as the Derivative is,
returning the same values.

A compiled gradient of a loop over numbers takes a microsecond or two, which the general
call (derivative.Derivative: the key of the variant, the checks of argument types, staleness)
would double. `JitDerivative` remembers, per (type, shape) of the positional arguments,
the emitted function a successful call ran, and calls it directly while the functions it
depends on are unchanged. Anything else (keywords, a new shape, an error) goes through
Derivative's call, which makes, checks and translates as usual (a derivative that raised
is run again there: emitted code never changes its arguments). A run-time check of the
compiled code refuses with a ValueError saying the user's line, the reason and the hint
(Numba raises constant messages: runtime_numba_checks.refusal_message); the call then runs
the NumPy path's derivative on the same arguments and raises its refusal, the same
RuntimeRefusal the NumPy path gives.
"""
import re

from . import boundary as _boundary
from .errors import SrcdiffError
from .call_keys import NDARRAY as _NDARRAY, call_key as _call_key
from .derivative import Derivative
from .frontend import stale as _stale

_PLAIN = (_NDARRAY, float)


class JitDerivative(Derivative):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._warm = {}   # (type or shape of each positional argument) -> emitted function
        self._warm1 = {}  # the same for one argument, functions that depend on no other

    def __call__(self, /, *args, **kwargs):
        if len(args) == 1 and not kwargs:  # the shortest way, for f(x)
            a = args[0]
            fn = self._warm1.get(a.shape if type(a) is _NDARRAY else type(a))
            if fn is not None:
                try:
                    return fn(a)
                except Exception:
                    pass  # again through the general call, which translates the error
        key = None
        if not kwargs:
            key = tuple([a.shape if type(a) is _NDARRAY else type(a) for a in args])
            fn = self._warm.get(key)
            if fn is not None and not (fn._srcdiff_deps and _stale(fn._srcdiff_deps)):
                try:
                    return fn(*args) if self._self is None else fn(self._self, *args)
                except Exception:
                    pass
        try:
            result = Derivative.__call__(self, *args, **kwargs)
        except ValueError as exc:
            refusal = self._numpy_refusal(exc, args, kwargs)
            if refusal is None:
                raise
            _boundary.hide_internals(refusal)
            raise refusal from None
        if key is not None and not self._bind_defaults and \
                all(type(a) in _PLAIN for a in args):
            fn = self._compiled.get(_call_key(args, kwargs))
            if fn is not None:
                self._warm[key] = fn
                if len(args) == 1 and self._self is None and not fn._srcdiff_deps:
                    self._warm1[key[0]] = fn
        return result

    def _numpy_refusal(self, exc, args, kwargs):
        """The NumPy path's refusal of these arguments where the compiled code raised a check's
        ValueError ('FILE:LINE: reason; hint'), else None."""
        if type(exc) is not ValueError or not _LOCATED.match(str(exc)):
            return None
        fn = self._compiled.get(_call_key(args, kwargs))
        numpy_fn = getattr(fn, "_srcdiff_numpy", None)
        if numpy_fn is None:
            return None
        try:
            numpy_fn(*args, **kwargs) if self._self is None else \
                numpy_fn(self._self, *args, **kwargs)
        except SrcdiffError as refusal:
            return refusal
        except Exception:   # noqa: BLE001 - not a refusal: the compiled code's error stands
            return None
        return None


_LOCATED = re.compile(r"^\S.*:\d+: ")   # a compiled check's refusal: its where first
