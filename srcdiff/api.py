"""The public API: grad, value_and_grad, vjp, stop_gradient, source.

Each transform returns a `Derivative`: a callable with the signature of the
function it differentiates. The derivative's source is generated and compiled
on first use (so a function may call helpers defined after it), then cached:
the same function and options are transformed once.
"""
import functools
import inspect
import weakref

from . import boundary as _boundary
from .checkpointing import with_policy
from .errors import ArgumentError, SrcdiffError
from .frontend import stale as _stale  # called on every cached call: no import there


def stop_gradient(x):
    """Return `x` unchanged; no derivative flows through it (PyTorch's `detach`)."""
    return x


_CACHE_ATTRIBUTE = "__srcdiff_derivatives__"


class _Derivatives(dict):
    """The derivatives made of one function (options -> emitted function), kept on the
    function itself: they go when it does. (A cache keyed by the function, even weakly,
    would keep it alive: an emitted function's globals are the function's module, which
    holds the function.) `owner` tells the function's own from one functools.wraps copied
    into a wrapper's __dict__."""

    __slots__ = ("owner", "generation", "__weakref__")


_GENERATION = [0]  # clear_cache() moves it on: every function's derivatives are made again


def clear_cache(fn=None):
    """Forget the derivatives made so far: of `fn`, or (None) of every function."""
    if fn is None:
        _GENERATION[0] += 1
    else:
        _derivatives_of(fn).clear()


def _derivatives_of(fn):
    """The `_Derivatives` of fn (of the function a bound method calls, its object's class
    then being part of each key), or a new one not kept anywhere when fn takes no
    attributes."""
    target = fn.__func__ if inspect.ismethod(fn) else fn
    found = getattr(target, "__dict__", {}).get(_CACHE_ATTRIBUTE)
    if found is not None and found.owner() is target:
        if found.generation != _GENERATION[0]:
            found.clear()
            found.generation = _GENERATION[0]
        return found
    made = _Derivatives()
    made.generation = _GENERATION[0]
    try:
        made.owner = weakref.ref(target)
        setattr(target, _CACHE_ATTRIBUTE, made)
    except (AttributeError, TypeError):
        pass
    return made

# Derivatives are specialised on the pattern of the shapes of the arrays passed in (which
# sizes are 0, 1 or equal: srcdiff/shapes.py); past this many variants of one derivative,
# new patterns share a single shape-independent variant.
MAX_SHAPE_VARIANTS = 8
_MAX_CALL_KEYS = 1024  # exact argument shapes remembered, each pointing at its variant

# When true, emitted adjoints end by asserting that the tape's pushes and pops paired
# (a debugging aid; the test suite switches it on).
CHECK_TAPE = False


def _signature(fn):
    """The signature of the code that runs when `fn` is called: a functools.wraps wrapper's
    own, not the one of the function it wraps (which inspect.signature reports)."""
    return inspect.signature(fn, follow_wrapped=False)


def _params(fn):
    try:
        sig = _signature(fn)
    except (TypeError, ValueError):
        raise ArgumentError(f"{fn!r} is not a Python function srcdiff can read") from None
    return sig, [p.name for p in sig.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _normalize_wrt(fn, wrt):
    sig, names = _params(fn)
    single = not isinstance(wrt, (tuple, list))
    items = (wrt,) if single else tuple(wrt)
    if not items:
        raise ArgumentError("wrt is empty: name at least one parameter to differentiate")
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise ArgumentError(f"wrt must be a parameter position or name, not {item!r}")
        if isinstance(item, int):
            if not -len(names) <= item < len(names) and _takes_any(sig):
                raise _wrapper_refusal(fn, sig, item)
            if not -len(names) <= item < len(names):
                raise ArgumentError(f"wrt={item} is out of range: {_fname(fn)} has "
                                    f"{len(names)} parameter(s) {tuple(names)}")
            item = names[item]
        elif item not in names and _takes_any(sig):
            raise _wrapper_refusal(fn, sig, item)
        elif item not in names:
            raise ArgumentError(f"wrt={item!r} is not a parameter of {_fname(fn)}; its "
                                f"parameters are {tuple(names)}")
        if item in out:
            raise ArgumentError(f"wrt names {item!r} twice")
        out.append(item)
    return tuple(out), single


def _takes_any(sig):
    return any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())


def _wrapper_refusal(fn, sig, item):
    """wrt names a parameter of a function that takes *args or **kwargs (a decorator's
    wrapper): refused at its def, saying what is differentiated."""
    from .errors import UnsupportedCodeError
    from .frontend import _unwrap
    code = _unwrap(fn).__code__
    import linecache
    line = linecache.getline(code.co_filename, code.co_firstlineno)
    wrapped = getattr(fn, "__wrapped__", None)
    what = (f"{_fname(fn)} is a wrapper made by a decorator (it has __wrapped__): srcdiff "
            "differentiates the wrapper, the code that runs when it is called, and ") \
        if wrapped is not None else f"{_fname(fn)} "
    return UnsupportedCodeError(
        what + f"its parameters {sig} name no parameter "
        f"{'at position ' + str(item) if isinstance(item, int) else repr(item)}",
        hint="give the wrapper the parameters of the function it wraps (def wrapper(x): "
             "return 2 * fn(x)), or differentiate the function before it is decorated",
        filename=code.co_filename, lineno=code.co_firstlineno, line=line)


def _plain_types():
    import numpy
    return {numpy.ndarray, float, int, bool, complex, str, type(None), numpy.float64,
            numpy.float32, numpy.int64, numpy.complex128}


_PLAIN_TYPES = _plain_types()
_NDARRAY = __import__("numpy").ndarray


def _call_key(args, kwargs):
    """One cheap pass over the arguments: what a compiled variant is chosen by."""
    import numpy
    key = []
    for a in args:
        t = type(a)
        if t is numpy.ndarray:
            key.append(a.shape)
        elif t in _PLAIN_TYPES:
            key.append(t)
        else:
            key.append((_kind(a), getattr(a, "shape", None)))
    if kwargs:
        key.append(tuple(sorted((k, _kind(v), getattr(v, "shape", None))
                                for k, v in kwargs.items())))
    return tuple(key)


def _kind(value):
    """What the compiled code is specialised on: containers, and user objects by class."""
    if type(value) in _PLAIN_TYPES:
        return None
    if type(value) in (list, tuple, dict) or _is_user_object(value):
        from .objects import object_facts
        facts = object_facts("", value)
        if facts:   # the classes of the objects it holds (values.py)
            return (type(value),) + tuple(sorted(facts.items(), key=lambda kv: kv[0]))
        return type(value)
    return _function_value(value)


def _function_value(value):
    """A function passed as an argument: the compiled code is specialised on it (values.py)."""
    import functools
    import types
    if isinstance(value, (types.FunctionType, functools.partial, types.MethodType)) or \
            callable(value) and not isinstance(value, type) and hasattr(value, "__name__"):
        from .values import Known, is_function_value
        if is_function_value(value):
            return Known(value)
    return None


def _is_user_object(value):
    import numbers
    import types
    import numpy
    return not isinstance(value, (numpy.ndarray, numpy.generic, numbers.Number, str, bytes,
                                  list, tuple, dict, type(None), types.ModuleType,
                                  types.FunctionType)) and hasattr(value, "__dict__") and \
        type(value).__module__ not in ("numpy", "builtins") and \
        not hasattr(value, "__array_function__")


def _fname(fn):
    return getattr(fn, "__qualname__", repr(fn))


class Derivative:
    """A derivative of a Python function, compiled from emitted source on first call.

    Call it like the original function. `srcdiff.source(d)` (or `d.source`) is
    the emitted code; `inspect.getsource(d)` shows it too.
    """

    _checkpoint = None  # a checkpoint policy for f's outermost loops (checkpointing.py)

    def __init__(self, fn, wrt, single, kind, has_aux=False, backend="numpy", jit=False):
        self._jit = jit  # True, "auto": compiled by Numba (numba_backend.py)
        # a bound method's emitted derivative takes `self` first, like the function does
        self._self = fn.__self__ if inspect.ismethod(fn) else None
        self._has_aux = has_aux
        self._backend = backend
        self._fn = fn
        self._wrt = wrt
        self._single = single
        self._kind = kind
        self._compiled = {}
        self.__module__ = getattr(fn, "__module__", None)
        self.__qualname__ = f"{kind}({_fname(fn)})"
        self.__doc__ = f"The {kind} of {_fname(fn)} with respect to {', '.join(wrt)} (srcdiff)."
        self.__name__ = f"{kind}_{getattr(fn, '__name__', 'f')}"
        sig = _signature(fn)
        extra = ["cotangent"] if kind == "vjp" else [f"tangent_{w}" for w in wrt] \
            if kind == "jvp" else []
        self._extra = extra
        self._user_signature = sig
        has_defaults = any(p.default is not p.empty for p in sig.parameters.values())
        # jvp/vjp (tangents after the arguments) and defaults that can not trail the emitted
        # positional parameters are filled in by binding each call (_with_defaults)
        self._bind_defaults = has_defaults and (bool(extra) or _trailing_defaults(sig) is None)
        if extra:
            params = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.default)
                      if p.kind == p.KEYWORD_ONLY else p for p in sig.parameters.values()]
            params += [inspect.Parameter(e, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                       for e in extra]
            try:
                sig = sig.replace(parameters=params)
            except ValueError:
                pass
        self.__signature__ = sig

    def _structure(self, args, kwargs):
        return tuple(_kind(a) for a in args) + tuple(
            (k, _kind(v)) for k, v in sorted(kwargs.items()))

    def _shapes(self, args, kwargs):
        from .shapes import input_shapes
        _, names = _params(self._fn)
        return input_shapes(names, args, kwargs)

    def _known_types(self, args, kwargs):
        """Classes of user objects passed in (their methods are differentiated through), and
        list and tuple arguments (a ufunc given one makes an array of it: lower.py)."""
        _, names = _params(self._fn)
        known = {n: type(a) for n, a in zip(names, args)
                 if _is_user_object(a) or type(a) in (list, tuple)}
        known.update({k: type(v) for k, v in kwargs.items()
                      if _is_user_object(v) or type(v) in (list, tuple)})
        from .objects import object_facts
        for n, a in list(zip(names, args)) + list(kwargs.items()):
            held = _function_value(a)   # a function passed in (values.py)
            if held is not None:
                known[n] = held
            known.update(object_facts(n, a))   # classes of the objects it holds
        return known

    def _containers(self, args, kwargs):
        _, names = _params(self._fn)
        out = {n for n, a in zip(names, args) if type(a) in (list, tuple, dict)}
        out |= {k for k, v in kwargs.items() if type(v) in (list, tuple, dict)}
        return frozenset(out)

    def _compile(self, containers=frozenset(), known=None, shapes=None):
        # the transform makes many small tree objects and no cycles worth collecting
        import gc
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._compile_now(containers, known, shapes)
        finally:
            if enabled:
                gc.enable()

    def _compile_now(self, containers, known, shapes):
        from . import frontend
        known = known or {}
        if self._kind == "jvp":
            shapes = None  # forward code is not specialised on shapes: one variant serves all
        per_fn = _derivatives_of(self._fn)
        key = (self._wrt, self._kind, containers, self._single, self._has_aux, CHECK_TAPE,
               self._checkpoint,
               self._backend, tuple(sorted(known.items(), key=lambda kv: kv[0])),
               None if shapes is None else tuple(sorted(shapes.items())),
               type(self._self) if self._self is not None else None)
        if self._jit:
            key += (("jit", self._jit),)
        hit = per_fn.get(key)
        if hit is not None and frontend.stale(hit._srcdiff_deps):
            hit = None  # a function it calls was redefined since
        if hit is None:
            with frontend.tracking() as deps:
                try:
                    hit = self._transform_now(containers, known, shapes)
                except RecursionError:
                    raise frontend.too_deep(self._fn) from None
            unique = {}
            for where, name, obj in deps:
                unique.setdefault((id(where), name), (where, name, obj))
            hit._srcdiff_deps = tuple(unique.values())
            per_fn[key] = hit
        return hit

    def _transform_now(self, containers, known, shapes):
        from . import transform
        if self._kind == "jvp":
            from .forward_driver import forward_source
            emitted = forward_source(self._fn, self._wrt, containers=containers,
                                     known_types=known)
        else:
            emitted = transform.reverse_source(self._fn, self._wrt, self._kind, containers,
                                               as_tuple=not self._single,
                                               has_aux=self._has_aux,
                                               check_tape=CHECK_TAPE, known_types=known,
                                               input_shapes=shapes,
                                               checkpoint=self._checkpoint)
        if self._backend != "numpy":
            # the explicit form: the emitted `numpy.` calls go to this array module
            import importlib
            emitted.bindings["numpy"] = importlib.import_module(self._backend)
        fn = transform.load_emitted(emitted)
        if self._jit:
            from . import numba_backend
            fn = numba_backend.jitted(emitted, fn, self._jit, numba_backend.argument_refusal(
                containers, known, (), {}))
        if not self._bind_defaults:
            # the emitted def takes every parameter positionally, keyword-only ones too
            fn.__defaults__ = _trailing_defaults(self._user_signature)
        return fn

    def _with_defaults(self, args, kwargs):
        """jvp/vjp of a function with defaults: the tangents (the cotangent) are the last
        positional arguments or passed by name; the function's arguments before them get
        the function's defaults, as a call of the function would."""
        extra = {k: kwargs.pop(k) for k in self._extra if k in kwargs}
        n = len(self._extra) - len(extra)
        if n > len(args):
            raise ArgumentError(f"{self.__name__} takes the function's arguments, then "
                                f"{', '.join(self._extra)}; {len(args)} positional given")
        primal, trailing = (args[:len(args) - n], args[len(args) - n:]) if n else (args, ())
        try:
            bound = self._user_signature.bind(*primal, **kwargs)
        except TypeError as exc:
            raise ArgumentError(f"{self.__name__}: {exc}") from None
        bound.apply_defaults()
        names = [p for p in self._extra if p not in extra]
        extra.update(zip(names, trailing))
        return tuple(bound.args), {**bound.kwargs, **extra}

    def __call__(self, /, *args, **kwargs):  # `self` may be an argument's name too
        try:
            return self._call(args, kwargs)
        except SrcdiffError as exc:
            _boundary.hide_internals(exc)
            raise  # bare: no frame of srcdiff's added (boundary.api)

    def _call(self, args, kwargs):
        if self._bind_defaults:
            args, kwargs = self._with_defaults(args, kwargs)
        key = _call_key(args, kwargs)
        if not all(type(a) is _NDARRAY for a in args) or kwargs:
            self._check_array_types(args, kwargs)
        fn = self._compiled.get(key)
        if fn is not None and fn._srcdiff_deps and _stale(fn._srcdiff_deps):
            self._compiled.clear()  # a function it calls was redefined: make it again
            fn = None
        if fn is None:
            structure = self._structure(args, kwargs)
            if len(self._compiled) > _MAX_CALL_KEYS:
                self._compiled.clear()  # many sizes of few patterns: found again cheaply
            if len({id(f) for f in self._compiled.values()}) >= MAX_SHAPE_VARIANTS:
                # shapes keep changing (e.g. sequences of any length): one general variant
                key, shapes = structure + ("any shape",), None
                fn = self._compiled.get(key)
            else:
                shapes = self._shapes(args, kwargs)
            if fn is None:
                fn = self._compiled[key] = self._compile(self._containers(args, kwargs),
                                                         self._known_types(args, kwargs),
                                                         shapes)
        if self._self is not None:
            args = (self._self,) + args
        try:
            result = fn(*args, **kwargs)
        except SrcdiffError as exc:
            # a refusal made while it ran (RuntimeRefusal), located at the user's line; one
            # only the output tells (a gradient of a dict) at the function's def line
            if exc.filename is None:
                _locate_at_def(exc, self._fn)
            raise
        except TypeError as exc:
            text = str(exc)
            if text.startswith("cannot differentiate"):  # also has_aux misuse
                error = ArgumentError(text)
                _locate_at_def(error, self._fn)  # what f returned: named at f's def line
                raise error from None
            raise
        except ValueError as exc:
            if "cotangent" in str(exc) or "tangent for" in str(exc):
                raise ArgumentError(str(exc)) from None
            raise
        except Exception as exc:
            kernel = getattr(fn, "_srcdiff_kernel", None)  # compiled by Numba (jit=True)
            failure = kernel.failure(exc) if kernel is not None else None
            if failure is None:
                raise
            return self._numba_failed(failure, key, fn, args, kwargs)
        return result

    def _numba_failed(self, exc, key, fn, args, kwargs):
        """Numba could not type the kernel for these arguments: jit=True raises the located
        refusal; jit="auto" warns and runs the NumPy path for them from now on."""
        from . import numba_backend
        if self._jit != "auto":
            raise exc.refusal from None
        numba_backend.fallback_warning(exc.refusal)
        fallback = self._compiled[key] = fn._srcdiff_numpy
        fallback._srcdiff_deps = fn._srcdiff_deps
        return self._call(args[1:] if self._self is not None else args, kwargs)

    def _check_array_types(self, args, kwargs):
        from .subclasses import check_arguments
        names = self.__dict__.get("_argument_names")
        if names is None:
            names = self._argument_names = _params(self._fn)[1] + self._extra
        check_arguments(self._fn, names, args, kwargs)

    @property
    def __wrapped__(self):
        return self._compile()

    @property
    def source(self):
        """The emitted Python source of this derivative."""
        from .loader import source_of
        return source_of(self._emitted())

    def _emitted(self):
        """The emitted function `source` shows: the variant compiled for the latest call (it
        knows the classes of objects passed), or the general one."""
        latest = next(reversed(self._compiled.values()), None) if self._compiled else None
        return latest or self._compile()

    def _repr_markdown_(self):
        return f"```python\n{self.source}```"

    def _repr_html_(self):
        from .html_view import to_html
        return to_html(self)

    def __repr__(self):
        return f"<srcdiff {self._kind} of {_fname(self._fn)} wrt {', '.join(self._wrt)}>"

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    def __reduce__(self):
        """Pickled by reference, as the function it differentiates is (its module and
        name), with its options; the emitted code is made again where it is loaded."""
        wrt = self._wrt[0] if self._single else self._wrt
        return _remade, (self._kind, self._fn, wrt, self._has_aux, self._backend, self._jit)


def _locate_at_def(exc, fn):
    """Name the def line of the user's function `fn` in `exc`, a SrcdiffError without a
    place (raised by a runtime helper that sees only a value)."""
    import linecache
    code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__func__", None),
                                                    "__code__", None)
    if code is None:
        return
    exc.filename, exc.lineno = code.co_filename, code.co_firstlineno
    exc.line = linecache.getline(exc.filename, exc.lineno).strip() or None
    exc.args = (exc._render(),)


def _choose_wrt(wrt, argnums):
    """`argnums=` (JAX's name: positions only) as a synonym of `wrt=`."""
    if argnums is None:
        return wrt
    if not (isinstance(wrt, int) and wrt == 0):
        raise ArgumentError("pass wrt= or argnums= (JAX's name for positions), not both")
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    if not items or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
        raise ArgumentError(f"argnums= takes a position or a tuple of positions, not {argnums!r}",
                            hint="name parameters with wrt='w' (or wrt=('w', 'b'))")
    return argnums


def _remade(kind, fn, wrt, has_aux, backend, jit=False):
    return _transform(kind, fn, wrt, has_aux, backend, jit)


def _transform(kind, f, wrt, has_aux=False, backend="numpy", jit=False):
    if f is None:
        return _boundary.api(lambda fn: _transform(kind, fn, wrt, has_aux, backend, jit))
    if not isinstance(backend, str):
        raise ArgumentError(f"backend must be a module name such as 'cupy', not {backend!r}")
    if jit is not False or backend == "numba":
        from . import numba_backend
        backend, jit = numba_backend.choose(backend, jit)
    if _is_derived(f):  # a derivative srcdiff made: srcdiff/compose.py
        if jit is True:
            raise ArgumentError(f"srcdiff.{kind}(..., jit=True) compiles a function's derivative; "
                                f"{f!r} is already a derivative srcdiff made",
                                hint="compose without jit (srcdiff.grad(srcdiff.grad(f))), or use "
                                     "jit='auto' to fall back to NumPy for the composition")
        from . import compose
        return compose.transform(kind, f, wrt, has_aux)
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
def grad(f=None, wrt=0, has_aux=False, backend="numpy", argnums=None, jit=False,
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
def value_and_grad(f=None, wrt=0, has_aux=False, backend="numpy", argnums=None, jit=False,
                   checkpoint=None):
    """Like `grad`, returning `(f(...), gradient)` from one run.

    With has_aux=True: `((output, aux), gradient)`. jit: as for `grad`.
    """
    return _checkpointed(lambda: _transform("value_and_grad", f, _choose_wrt(wrt, argnums),
                                            has_aux, backend, jit), checkpoint, jit)


@_boundary.api
def vjp(f=None, wrt=0, argnums=None, jit=False, checkpoint=None):
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
def jvp(f=None, wrt=0, argnums=None, jit=False):
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


def _is_derived(f):
    """A derivative srcdiff made (its transforms are made by srcdiff/compose.py)."""
    from .compose import Composed
    return isinstance(f, (Derivative, Composite, Composed))


# --- higher order ---------------------------------------------------------------------
class Composite:
    """A derivative built from emitted ones (Hessians, Jacobians, grad of grad).

    Call it like the function it differentiates; `srcdiff.source(c)` shows the
    emitted code it runs (forward mode over the emitted gradient, for second
    derivatives).
    """

    def __init__(self, name, fn, signature, call, shown, recipe=None):
        self._recipe = recipe  # (kind, fn, wrt): how srcdiff/compose.py makes it again
        self.__name__ = name
        self.__qualname__ = name
        self.__doc__ = f"{name} (srcdiff)"
        self.__signature__ = signature
        self._fn = fn
        self._call = call
        self._shown = shown  # the Derivative (or _OverGradient) whose emitted code it runs

    def __call__(self, /, *args, **kwargs):
        try:
            return self._call(*args, **kwargs)
        except SrcdiffError as exc:
            _boundary.hide_internals(exc)
            raise

    @property
    def source(self):
        return self._shown.source

    def _repr_markdown_(self):
        return f"```python\n{self.source}```"

    def _repr_html_(self):
        from .html_view import to_html
        return to_html(self)

    def __repr__(self):
        return f"<srcdiff {self.__name__}>"


def _ones_like(value):
    import numpy
    if isinstance(value, float):
        return 1.0
    return numpy.ones_like(value)


def _trailing_defaults(sig):
    """The defaults of a signature as a __defaults__ tuple for the same parameters taken
    positionally; None when a parameter without a default follows one with a default."""
    defaults = []
    for p in sig.parameters.values():
        if p.default is not p.empty:
            defaults.append(p.default)
        elif defaults:
            return None
    return tuple(defaults)


def _bound(fn, args, kwargs):
    bound = _signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _gradient_arguments(f, args, kwargs):
    """The arguments of a call of f by name, for the emitted gradient of f (which takes a
    bound method's object first, under the name the method gives it)."""
    arguments = _bound(f, args, kwargs)
    if inspect.ismethod(f):
        first = next(iter(_signature(f.__func__).parameters))
        arguments = {first: f.__self__, **arguments}
    return arguments


class _OverGradient:
    """Forward mode over f's emitted gradient (with respect to `grad_wrt`), along `wrt`.

    The gradient is compiled for the containers and the classes of the user objects each
    call passes (a method of an object passed in is followed only when its class is
    known), and made again when a function it calls is redefined.
    """

    def __init__(self, f, grad_wrt, wrt):
        self._f = f
        self._grad = _transform("grad", f, grad_wrt)
        self._wrt = wrt
        self._made = {}
        self._latest = None

    def __call__(self, args, kwargs):
        """(the jvp of the emitted gradient for this call, the call's arguments by name)."""
        self._grad._check_array_types(args, kwargs)
        bound = _bound(self._f, args, kwargs)
        emitted = self._grad._compile(self._grad._containers((), bound),
                                      self._grad._known_types((), bound), None)
        along = self._made.get(emitted)
        if along is None:
            along = self._made[emitted] = jvp(emitted, wrt=self._wrt)
        self._latest = along
        return along, _gradient_arguments(self._f, args, kwargs)

    @property
    def derivative(self):
        """The jvp of the emitted gradient made for the latest call (or a general one)."""
        if self._latest is None:
            self._latest = jvp(self._grad.__wrapped__, wrt=self._wrt)
        return self._latest

    @property
    def source(self):
        return self.derivative.source


@_boundary.api
def hvp(f, wrt=0, argnums=None):
    """Hessian-vector product: `hvp(f)(*args, vector)`, without forming the Hessian.

    Forward mode over the emitted reverse-mode gradient (forward-over-reverse).
    """
    wrt = _choose_wrt(wrt, argnums)
    if _is_derived(f):
        from . import compose
        return compose.transform("hvp", f, wrt)
    names, single = _normalize_wrt(f, wrt)
    if not single:
        raise ArgumentError("hvp differentiates with respect to one parameter",
                            hint="pass wrt as a single position or name")
    over = _OverGradient(f, names[0], names[0])

    def product(*args, **kwargs):
        if "vector" in kwargs:
            vector = kwargs.pop("vector")
        else:
            *args, vector = args
        from .subclasses import check_arguments
        check_arguments(f, ["vector"], [vector], {})
        along, arguments = over(args, kwargs)
        return along(**arguments, **{f"tangent_{names[0]}": vector})[1]

    sig = _signature(f)
    try:
        sig = sig.replace(parameters=list(sig.parameters.values()) + [
            inspect.Parameter("vector", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    except ValueError:  # f has defaults: `vector` (last, or by name) can not follow them
        pass
    return Composite(f"hvp_{f.__name__}", f, sig, product, over, ("hvp", f, names[0]))


def _copied(tree):
    """Arrays, lists, tuples and dicts copied all the way down (other objects shared)."""
    import numpy
    if isinstance(tree, numpy.ndarray):
        return tree.copy()
    if type(tree) in (list, tuple):
        return type(tree)(_copied(v) for v in tree)
    if type(tree) is dict:
        return {k: _copied(v) for k, v in tree.items()}
    return tree


def _basis(value):
    import numpy
    if isinstance(value, float):
        yield (), 1.0
        return
    for index in numpy.ndindex(numpy.shape(value)):
        e = numpy.zeros_like(value)
        e[index] = 1
        yield index, e


def _stack(columns, out_shape, in_value):
    """Assemble J[out..., in...] from one output-shaped column per input element."""
    import numpy
    in_shape = numpy.shape(in_value)
    dtype = complex if any(numpy.iscomplexobj(c) for _, c in columns) else float
    result = numpy.zeros(tuple(out_shape) + tuple(in_shape), dtype=dtype)
    for index, column in columns:
        result[(Ellipsis,) + tuple(index)] = column
    if not out_shape and not in_shape and isinstance(in_value, float):
        return float(result)
    return result


@_boundary.api
def jacobian(f, wrt=0, mode="reverse", argnums=None):
    """The Jacobian of f's output with respect to one parameter: shape out.shape + in.shape.

    mode="reverse" runs one vjp per output element; mode="forward" one jvp per
    input element (cheaper when the input is smaller than the output).
    """
    wrt = _choose_wrt(wrt, argnums)
    import numpy
    if mode not in ("reverse", "forward"):
        raise ArgumentError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    if _is_derived(f):
        from . import compose
        return compose.transform("jacobian", f, wrt, mode=mode)
    names, single = _normalize_wrt(f, wrt)
    if not single:
        raise ArgumentError("jacobian differentiates with respect to one parameter")
    name = names[0]
    if mode == "forward":
        derivative = jvp(f, wrt=name)

        def jac(*args, **kwargs):
            arguments = _bound(f, args, kwargs)
            x = arguments[name]
            columns, out_shape = [], ()
            for index, e in _basis(x):
                value, tangent = derivative(**arguments, **{f"tangent_{name}": e})
                out_shape = numpy.shape(value)
                if _is_complex(x):  # the tangent along the imaginary direction too
                    along_i = derivative(**arguments, **{f"tangent_{name}": 1j * e})[1]
                    tangent = _complex_column(f, value, tangent, along_i)
                columns.append((index, tangent))
            return _stack(columns, out_shape, x)
    else:
        derivative = vjp(f, wrt=name)

        def jac(*args, **kwargs):
            arguments = _bound(f, args, kwargs)
            x = arguments[name]
            value = f(**_copied(arguments))  # f may update its arguments in place
            complex_out = _is_complex(value)
            rows = numpy.zeros(numpy.shape(value) + numpy.shape(x),
                               dtype=complex if complex_out or _is_complex(x) else float)
            for index, e in _basis(value if numpy.shape(value) else float(value)):
                row = derivative(**arguments, cotangent=e)
                if complex_out:  # the cotangent along the imaginary direction too
                    along_i = derivative(**arguments, cotangent=1j * e)
                    row = _complex_row(f, x, row, along_i)
                rows[index] = row
            if isinstance(x, float) and not numpy.shape(value) and not complex_out:
                return float(rows)
            return rows
    return Composite(f"jacobian_{f.__name__}", f, _signature(f), jac, derivative,
                     ("jacobian", f, name))


def _is_complex(value):
    import numpy
    return isinstance(value, complex) or numpy.iscomplexobj(value)


# The Jacobian of a function with complex values (README, "Complex numbers"): for a real
# output of a complex input, each row is that output's gradient (df/da - i df/db, the
# convention of grad); for a complex output, the complex derivative df/dz, which exists
# only where f is holomorphic (Cauchy-Riemann: the derivative along i is i times the one
# along 1). A non-holomorphic f (conj, abs, real parts) has no complex Jacobian, only a
# real one of twice the size: refused rather than half of it returned.
def _complex_column(f, value, along_1, along_i):
    """J's column from the tangents along 1 and along i of a complex input."""
    import numpy
    if not _is_complex(value):
        return along_1 - 1j * along_i
    _require_holomorphic(f, along_i, 1j * numpy.asarray(along_1))
    return along_1


def _complex_row(f, x, row_1, row_i):
    """J's row from the vjps of cotangents 1 and i on a complex output."""
    import numpy
    if not _is_complex(x):  # d Re f / dx - i d(-Im f) / dx
        return numpy.asarray(row_1) - 1j * numpy.asarray(row_i)
    _require_holomorphic(f, row_i, 1j * numpy.asarray(row_1))
    return row_1


def _require_holomorphic(f, got, want):
    import numpy
    got, want = numpy.asarray(got), numpy.asarray(want)
    scale = max(1.0, float(numpy.max(numpy.abs(want), initial=0.0)))
    if not numpy.allclose(got, want, rtol=1e-7, atol=1e-9 * scale):
        raise ArgumentError(
            f"srcdiff.jacobian of {_fname(f)}: f maps complex values to complex values and "
            "is not holomorphic here (its derivative along i is not i times its derivative "
            "along 1, as with conj, abs or real parts), so it has no complex Jacobian",
            hint="differentiate its real and imaginary parts as real functions of z.real "
                 "and z.imag, or use srcdiff.jvp / srcdiff.vjp directly")


def _refuse_complex(what, f, *values):
    if any(_is_complex(v) for v in values):
        raise ArgumentError(
            f"srcdiff.{what} of {_fname(f)} at complex values: the second derivative of a "
            "real function of complex values is a real matrix of twice the size, which "
            "srcdiff does not assemble",
            hint="use srcdiff.hvp (complex vectors follow the gradient's convention)")


@_boundary.api
def hessian(f, wrt=0, argnums=None):
    """The Hessian of a scalar function with respect to one parameter (forward-over-reverse).

    Shape in.shape + in.shape; a float for a float input.
    """
    wrt = _choose_wrt(wrt, argnums)
    import numpy
    if _is_derived(f):
        from . import compose
        return compose.transform("hessian", f, wrt)
    names, single = _normalize_wrt(f, wrt)
    if not single:
        raise ArgumentError("hessian differentiates with respect to one parameter")
    name = names[0]
    over = _OverGradient(f, name, name)

    def hess(*args, **kwargs):
        along, arguments = over(args, kwargs)
        x = arguments[name]
        _refuse_complex("hessian", f, x)
        columns = [(index, along(**arguments, **{f"tangent_{name}": e})[1])
                   for index, e in _basis(x)]
        return _stack(columns, numpy.shape(x), x)

    return Composite(f"hessian_{f.__name__}", f, _signature(f), hess, over,
                     ("hessian", f, name))
