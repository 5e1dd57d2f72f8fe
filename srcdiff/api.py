"""The public transforms grad, value_and_grad, vjp, jvp, stop_gradient and source (API: called
by the user, through srcdiff/__init__.py). Takes a function, `wrt` and options; gives back a
`Derivative` (or, for a derivative srcdiff made, what compose.py makes of it), and for
`source` the emitted text.

Each transform returns a `Derivative` (srcdiff/derivative.py): a callable with the
signature of the function it differentiates. The derivative's source is generated and
compiled on first use (so a function may call helpers defined after it), then cached:
the same function and options are transformed once. hvp, hessian and jacobian live in
srcdiff/api_composite.py; a transform of a derivative srcdiff made is composed by
srcdiff/compose.py.
"""
import inspect

from . import boundary as _boundary
from . import compose_calls  # noqa: F401 (provides derivative_called to lower.py)
from .checkpointing import with_policy
from .derivative import (MAX_SHAPE_VARIANTS, Composite, Derivative,  # noqa: F401
                         _remade, clear_cache)
from .errors import ArgumentError, SrcdiffError
from .markers import provide, stop_gradient  # noqa: F401
from .wrt import WRT_DEFAULT, _choose_wrt, _normalize_wrt, _signature  # noqa: F401


def _transform(kind, f, wrt, has_aux=False, backend="numpy", jit=False):
    if f is None:
        return _boundary.api(lambda fn: _transform(kind, fn, wrt, has_aux, backend, jit))
    if not isinstance(backend, str):
        raise ArgumentError(f"backend must be a module name such as 'cupy', not {backend!r}")
    if jit is not False or backend == "numba":
        from . import numba_compile
        backend, jit = numba_compile.choose(backend, jit)
    if not _plain_without_varargs(f):
        from . import wrt_varargs   # a position inside *args: made per call's arguments
        if isinstance(f, wrt_varargs.AtCall) or wrt_varargs.applies(f, wrt):
            return wrt_varargs.transform(kind, f, wrt, lambda g, w: _transform(
                kind, g, w, has_aux, backend, jit))
    if _is_derived(f):  # a derivative srcdiff made: srcdiff/compose.py
        if jit is True:
            raise ArgumentError(f"srcdiff.{kind}(..., jit=True) compiles a function's derivative; "
                                f"{f!r} is already a derivative srcdiff made",
                                hint="compose without jit (srcdiff.grad(srcdiff.grad(f))), or use "
                                     "jit='auto' to fall back to NumPy for the composition")
        from . import compose
        return compose.transform(kind, f, wrt, has_aux)
    if not (inspect.isfunction(f) or inspect.ismethod(f)):
        from . import wrt_varargs
        f = wrt_varargs.of_rule(f) or f   # numpy.sqrt: through its rule
    if not (inspect.isfunction(f) or inspect.ismethod(f)):
        raise ArgumentError(f"srcdiff.{kind} needs a Python function whose source it can read, "
                            f"not {f!r}", hint="wrap it: srcdiff.grad(lambda x: f(x)) uses "
                            "f's derivative rule")
    names, single = _normalize_wrt(f, wrt)
    if jit:
        from .numba_api import JitDerivative
        return JitDerivative(f, names, single, kind, has_aux, backend, jit)
    return Derivative(f, names, single, kind, has_aux, backend, jit)


@_boundary.api
def grad(f=None, wrt=WRT_DEFAULT, has_aux=False, backend="numpy", argnums=None, jit=False,
         checkpoint=None):
    """The gradient of `f` with respect to the parameter(s) `wrt`.

    `wrt` is a position, a parameter name, or a tuple of them (then a tuple of
    gradients comes back). A non-scalar output is differentiated as the sum of
    its elements. Usable as `@grad` and `@grad(wrt="w")`. With has_aux=True, f
    returns a pair (output, aux): the output is differentiated and
    `(gradient, aux)` comes back.

    The emitted code calls `numpy.<function>`, which NumPy dispatches to CuPy or
    Dask arrays. backend="cupy" (any module name) binds those calls to that
    module explicitly instead.

    jit=True (or backend="numba") compiles the emitted code with Numba (pip install
    srcdiff[numba]): loops over numbers and small arrays run at compiled speed. Where
    Numba cannot compile it, jit=True raises a located error and jit="auto" warns and
    runs the NumPy path.

    checkpoint="sqrt" (an int number of snapshots, or a memory budget such as "64MB")
    differentiates every outermost for loop of f in bounded memory: snapshots of the
    loop's state, the rest recomputed (see srcdiff.checkpointed). Not with jit.
    """
    return _checkpointed(lambda: _transform("grad", f, _choose_wrt(wrt, argnums), has_aux,
                                            backend, jit), checkpoint, jit)


@_boundary.api
def value_and_grad(f=None, wrt=WRT_DEFAULT, has_aux=False, backend="numpy", argnums=None,
                   jit=False, checkpoint=None):
    """Like `grad`, returning `(f(...), gradient)` from one run.

    With has_aux=True: `((output, aux), gradient)`. jit: as for `grad`.
    """
    return _checkpointed(lambda: _transform("value_and_grad", f, _choose_wrt(wrt, argnums),
                                            has_aux, backend, jit), checkpoint, jit)


@_boundary.api
def vjp(f=None, wrt=WRT_DEFAULT, argnums=None, jit=False, checkpoint=None):
    """Vector-Jacobian product: `vjp(f)(*args, cotangent)`.

    Takes f's arguments followed by a cotangent shaped like f's output (also
    accepted as the keyword `cotangent=`), and returns the gradient of
    `sum(cotangent * f(*args))` with respect to `wrt`. jit: as for `grad`.
    """
    return _checkpointed(lambda: _transform("vjp", f, _choose_wrt(wrt, argnums), jit=jit),
                         checkpoint, jit)


def _checkpointed(make, checkpoint, jit):
    """grad(f, checkpoint=...): checkpointing.with_policy of the derivative make() returns;
    not with Numba's compiled path."""
    if checkpoint is not None and jit is not False:
        raise ArgumentError("checkpoint= and jit= cannot be used together yet: the compiled "
                            "path does not run checkpointed loops",
                            hint="leave jit out to checkpoint, or checkpoint out to compile")
    return with_policy(make(), checkpoint)


@_boundary.api
def jvp(f=None, wrt=WRT_DEFAULT, argnums=None, jit=False):
    """Jacobian-vector product (forward mode): `jvp(f)(*args, *tangents)` -> (value, tangent).

    Takes f's arguments followed by one tangent per `wrt` argument (each shaped
    like its input; also accepted by keyword as `tangent_<name>=`), and returns
    f's value with the directional derivative of f along those tangents. jit: as for
    `grad` (jit=True compiles the forward code with Numba).
    """
    return _transform("jvp", f, _choose_wrt(wrt, argnums), jit=jit)


@_boundary.api
def source(derivative):
    """The emitted Python source of any function srcdiff made, as a string."""
    if _is_derived(derivative):
        return derivative.source
    from .loader import source_of
    text = source_of(derivative)
    if text is None:
        raise SrcdiffError(f"{derivative!r} was not made by srcdiff")
    return text


def package_attribute(name):
    """The package's `__getattr__` (srcdiff/__init__.py): `srcdiff.show` imports html_view.py
    (and html, hashlib) at its first use, not at `import srcdiff`."""
    import sys
    if name == "show":
        from .html_view import show
        setattr(sys.modules["srcdiff"], "show", show)
        return show
    raise AttributeError(f"module 'srcdiff' has no attribute {name!r}")


def package_names():
    """The package's `__dir__`: its names, `show` among them before its first use."""
    import sys
    return sorted(set(vars(sys.modules["srcdiff"])) | {"show"})


def _plain_without_varargs(f):
    """A Python function whose signature is its code's and takes no *args: no position of
    `wrt` can fall inside *args (wrt_varargs.applies), so wrt_varargs is not imported."""
    return inspect.isfunction(f) and not f.__code__.co_flags & inspect.CO_VARARGS and \
        "__signature__" not in f.__dict__


def _is_derived(f):
    """A derivative srcdiff made (its transforms are made by srcdiff/compose.py)."""
    from .compose import Composed
    return isinstance(f, (Derivative, Composite, Composed))


for _public in (grad, value_and_grad, vjp, jvp):
    provide(_public.__name__, _public)
provide("make", _transform)
