"""A derivative of one function, as the public transforms return it (derivative: called by
api.py, api_composite.py, compose.py and compose_calls.py). Takes a function, `wrt`, the
transform kind and options; gives back a `Derivative` (or a `Composite`), a callable that
makes and runs the emitted code.

`Derivative` is a callable with the signature of the function it differentiates; its
emitted code is made by transform.py on the first call with each pattern of argument
kinds and shapes (`call_keys.call_key`), kept per function (function_tables.py: on the function
itself, so it goes when the function does) and made again when a function it calls is
redefined. `Composite` is a derivative assembled from emitted ones (api_composite.py).
"""
import functools
import sys
import inspect

from . import boundary as _boundary
from .errors import ArgumentError, SrcdiffError, at_def as _locate_at_def
from .frontend import stale as _stale  # called on every cached call: no import there
from .markers import DICT_PASSED as _DICT_PASSED, NONE_PASSED as _NONE_PASSED, \
    UNINDEXED_PASSED as _UNINDEXED_PASSED, unindexed as _unindexed, \
    KEYED_ITEMS_PASSED as _KEYED_ITEMS_PASSED, keyed_items as _keyed_items
from .markers import CompositeBase, DerivativeBase
from .call_keys import NDARRAY as _NDARRAY, call_key as _call_key, function_value as _function_value
from .call_keys import kind as _kind
from .markers import is_user_object as _is_user_object
from .wrt import _fname, _params, _signature, _trailing_defaults, defaults_of as _defaults_of


from .function_tables import _GENERATION, clear_cache  # noqa: F401 (api's clear_cache)
from .function_tables import derivatives_of as _derivatives_of


# Derivatives are specialised on the pattern of the shapes of the arrays passed in (which
# sizes are 0, 1 or equal: srcdiff/shapes.py); past this many variants of one derivative,
# new patterns share a single shape-independent variant.
MAX_SHAPE_VARIANTS = 8
_MAX_CALL_KEYS = 1024  # exact argument shapes remembered, each pointing at its variant

# When true, emitted adjoints end by asserting that the tape's pushes and pops paired
# (a debugging aid; the test suite switches it on).
CHECK_TAPE = False


def _with_extras(sig, params):
    """sig with `params` (the function's, then the extras a vjp or jvp takes); where defaults
    come before the extras, shown without the defaults (a call may still leave them out), so
    that the extras are in it: a call of the derivative inside a differentiated function
    lowers by it. sig itself where params can not make a signature (a name twice)."""
    for candidate in (params, [p.replace(default=p.empty) for p in params]):
        try:
            return sig.replace(parameters=candidate)
        except ValueError:
            pass
    return sig


_NONE = type(None)   # None passed, in the key of the variant for any shapes


class Derivative(DerivativeBase):
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
        self._generation = _GENERATION[0]
        self.__module__ = getattr(fn, "__module__", None)
        self.__qualname__ = f"{kind}({_fname(fn)})"
        self.__doc__ = f"The {kind} of {_fname(fn)} with respect to {', '.join(wrt)} (srcdiff)."
        self.__name__ = f"{kind}_{getattr(fn, '__name__', 'f')}"
        self._set_signature(fn, kind, wrt)

    def _set_signature(self, fn, kind, wrt):
        """The user's signature and what follows from it; made again when f's defaults are
        bound anew (`f.__defaults__ = ...`: the old ones gave old values silently)."""
        self._defaults = _defaults_of(fn)
        sig = _signature(fn)
        # *args / **kwargs: specialised on the number and keywords passed (variadic.py)
        self._variadic = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                             for p in sig.parameters.values())
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
            sig = _with_extras(sig, params)
        self.__signature__ = sig

    def _names(self):
        """The names of the arguments the emitted code takes, in order."""
        if self._variadic:
            return list(self._user_signature.parameters)
        return _params(self._fn)[1]

    def _structure(self, args, kwargs):
        """The key of the variant for any shapes: what the code is specialised on, None
        passed included (`p is None` is answered where it compiles: class_tests.py)."""
        return tuple(_kind(a) if a is not None else _NONE for a in args) + tuple(
            (k, _kind(v) if v is not None else _NONE) for k, v in sorted(kwargs.items()))

    def _shapes(self, args, kwargs):
        from .shapes import input_shapes
        names = self._names()
        return input_shapes(names, args, kwargs)

    def _known_types(self, args, kwargs):
        """Classes of user objects passed in (their methods are differentiated through), and
        list and tuple arguments (a ufunc given one makes an array of it: lower.py)."""
        from .named_tuples import is_named_tuple_class
        names = self._names()
        known = {}
        from .objects import object_facts
        from .values import function_items
        from .records import items_facts
        for n, a in list(zip(names, args)) + list(kwargs.items()):
            if _is_user_object(a) or type(a) in (list, tuple) or is_named_tuple_class(type(a)):
                known[n] = type(a)
            elif type(a) is dict:   # d.update(opts) of a dict passed in (dict_idioms)
                known[n + _DICT_PASSED] = dict
            elif a is None:   # `p is None` answered where srcdiff compiles (class_tests)
                known[n + _NONE_PASSED] = True
            elif _unindexed(a):   # a set, a dict's view, an iterator: no positions
                known[n + _UNINDEXED_PASSED] = True
            if type(a) in (list, tuple, dict) and _keyed_items(a):   # for a, b in dicts
                known[n + _KEYED_ITEMS_PASSED] = True   # (dict_facts._item_kinds)
            held = _function_value(a)   # a function passed in (values.py)
            if held is not None:
                known[n] = held
            known.update(object_facts(n, a))   # classes of the objects it holds
            known.update(items_facts(n, a))   # a list, tuple or dict of records
            known.update(function_items(n, a))   # the functions a list or tuple holds
            if _is_user_object(a):   # (field_facts has none of anything else: no import)
                from .field_calls import field_facts
                known.update(field_facts(n, a))   # the functions an object's fields hold
            if type(a) in (list, tuple) or _is_user_object(a):   # layers[].act: its items'
                from .item_fields import item_field_facts
                known.update(item_field_facts(n, a))
        passed = set(names[:len(args)]) | set(kwargs)
        for n, p in self._user_signature.parameters.items():
            if n not in passed and p.default is not p.empty:   # def f(x, act=np.tanh)
                held = _function_value(p.default)
                if held is not None:
                    known[n] = held
                if p.default is None and not self._variadic:   # def f(x, mask=None)
                    known[n + _NONE_PASSED] = True
        from .variadic import spread_arrays   # f(*x) of an array: per its length
        known.update(spread_arrays(self._fn, names, args, kwargs))
        if self._variadic:   # the *args tuple's length, the **kwargs dict's keys
            from .variadic import entry_facts
            known.update(entry_facts(self._user_signature, {
                **dict(zip(names, args)), **kwargs}))
        return known

    def _containers(self, args, kwargs):
        names = self._names()
        # (a dict of a class of its own, OrderedDict or Counter, is a dict: `for k in p`
        # goes through its keys)
        out = {n for n, a in zip(names, args) if type(a) in (list, tuple) or isinstance(a, dict)}
        out |= {k for k, v in kwargs.items() if type(v) in (list, tuple) or isinstance(v, dict)}
        return frozenset(out)

    def _compile(self, containers=frozenset(), known=None, shapes=None):
        # the transform makes many small tree objects and no cycles worth collecting
        import gc
        enabled = gc.isenabled()
        modules = len(sys.modules)
        gc.disable()
        try:
            return self._compile_now(containers, known, shapes)
        finally:
            if enabled:
                if len(sys.modules) > modules:
                    _settle_imported(gc)
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
               type(self._self) if self._self is not None else None, self._defaults)
        if self._jit:
            key += (("jit", self._jit),)
        hit = per_fn.get(key)
        if hit is not None and frontend.stale(hit._srcdiff_deps):
            hit = None  # a function it calls was redefined since
        if hit is None:
            from .lowered_cache import making
            with frontend.tracking() as deps, making():
                try:
                    hit = self._transform_now(containers, known, shapes)
                except RecursionError:
                    raise frontend.too_deep(self._fn) from None
            from .resolver import class_deps
            classes = [v for v in known.values() if isinstance(v, type)]
            if self._self is not None:
                classes.append(type(self._self))
            for cls in dict.fromkeys(classes):
                class_deps(cls, deps)   # the classes of the objects passed in
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
            from . import numba_compile
            fn = numba_compile.jitted(emitted, fn, self._jit, numba_compile.argument_refusal(
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
        spread = ()
        fn_given = self._fn   # (its defaults bound anew: identity only, nothing made per call)
        if getattr(fn_given, "__defaults__", None) is not self._defaults[0].obj or \
                getattr(fn_given, "__kwdefaults__", None) is not self._defaults[1].obj:
            self._set_signature(self._fn, self._kind, self._wrt)
            self._compiled.clear()
        if self._variadic:   # every parameter positionally, *args a tuple (variadic.py)
            from .variadic import pack_call
            args, kwargs, spread = pack_call(self._user_signature, args, kwargs, self._extra)
        elif self._bind_defaults:
            args, kwargs = self._with_defaults(args, kwargs)
        key = _call_key(args, kwargs) + spread
        if kwargs:
            self._check_array_types(args, kwargs)
        else:
            for a in args:  # a loop, not all(<generator>): this runs on every call
                if type(a) is not _NDARRAY:
                    self._check_array_types(args, kwargs)
                    break
        if self._generation != _GENERATION[0]:   # clear_cache() since (rules given late)
            self._compiled.clear()
            self._generation = _GENERATION[0]
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
                from .variadic import spread_arrays   # f(*x): made per len(x)
                rows = tuple(sorted(spread_arrays(self._fn, self._names(), args,
                                                  kwargs).items()))
                key, shapes = structure + spread + rows + ("any shape",), None
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
                reason, _, hint = text.partition("; ")   # "why; what to do instead"
                error = ArgumentError(reason, hint=hint or None)
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
        from . import numba_compile
        if self._jit != "auto":
            raise exc.refusal from None
        numba_compile.fallback_warning(exc.refusal)
        fallback = self._compiled[key] = fn._srcdiff_numpy
        fallback._srcdiff_deps = fn._srcdiff_deps
        return self._call(args[1:] if self._self is not None else args, kwargs)

    def _check_array_types(self, args, kwargs):
        from .subclasses import check_arguments
        names = self.__dict__.get("_argument_names")
        if names is None:
            names = self._argument_names = self._names() + self._extra
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


# --- higher order ---------------------------------------------------------------------
class Composite(CompositeBase):
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


def _remade(kind, fn, wrt, has_aux, backend, jit=False):
    """A pickled Derivative made again where it is loaded (by api's maker)."""
    from .markers import provided
    return provided("make")(kind, fn, wrt, has_aux, backend, jit)



def _settle_imported(gc):
    """After a transform that imported modules (a process's first: srcdiff's stages and the
    rules it used): what is tracked goes to the oldest generation at once, gc.freeze then
    gc.unfreeze, instead of a young collection scanning those thousands of long-lived
    objects (functions, classes, rule tables; 2 ms of a first derivative) and promoting
    them. Nothing stays frozen and nothing is lost: garbage among them (and among the
    program's young objects, promoted with them) is collected with the oldest generation.
    Only once per module imported, and not where the program froze objects itself."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
