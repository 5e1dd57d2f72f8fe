"""What a call or an attribute in user code means (leaf: called by the lowering, the analyses,
the call rules of both modes, cli.py and coverage.py). Takes a Python object, or a node with
its resolver; gives back its canonical dotted path (`canonical_path`, `name_path`,
`reference`), or whether it is the user's function, a frozen distribution or a literal, or
which parameters of a library function passed by position write into their argument
(`written_positions`).

Canonical dotted paths for the objects srcdiff calls (so emitted code says
`numpy.sum` whatever the user's aliases), the ndarray methods and attributes
and the NumPy functions they mean, the user's own functions (differentiated
from their source), and nested functions lifted over their free variables.
"""
import builtins
import inspect
import math
import operator
import types
import weakref

import numpy

from . import runtime as _runtime
from . import syntax as S

# ndarray methods and the numpy function each one means (x.m(...) == numpy.m(x, ...)).
ARRAY_METHODS = {
    m: getattr(numpy, m) for m in (
        "all", "any", "argmax", "argmin", "argsort", "astype", "choose", "clip", "conj",
        "conjugate", "copy", "cumprod", "cumsum", "diagonal", "dot", "max",
        "mean", "min", "nonzero", "prod", "ravel", "repeat", "round",
        "squeeze", "std", "sum", "swapaxes", "take", "trace", "var")
}
ARRAY_METHODS["flatten"] = _runtime.method_flatten   # (a copy: numpy.ravel may be a view)
ARRAY_METHODS["copy"] = _runtime.method_copy
ARRAY_METHODS["astype"] = _runtime.method_astype
ARRAY_METHODS["compress"] = _runtime.method_compress
ARRAY_METHODS["reshape"] = numpy.reshape
ARRAY_METHODS["transpose"] = numpy.transpose
# the methods whose function above is exactly the method, so emitted code can call the
# method as the user wrote it (x.sum(axis=0), x.copy(), x.flatten())
SAME_AS_METHOD = {m for m, f in ARRAY_METHODS.items() if f is getattr(numpy, m, None)} | {
    "copy", "astype", "flatten"}
VARARG_METHODS = {"reshape", "transpose"}  # x.reshape(2, 3) == x.reshape((2, 3))
ARRAY_ATTRIBUTES = {"T": numpy.transpose, "real": numpy.real, "imag": numpy.imag,
                    "mT": numpy.matrix_transpose}
SHAPE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes", "__class__"}
MUTATING_METHODS = {"sort", "fill", "put", "resize", "partition", "itemset",
                    "setfield", "byteswap", "extend", "insert", "remove",
                    "clear", "update", "setdefault", "popitem", "reverse",
                    # the operators' own methods, called by name (y.__setitem__(0, v))
                    "__setitem__", "__delitem__", "__setattr__", "__delattr__", "__iadd__",
                    "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
                    "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__",
                    "__ilshift__", "__irshift__"}


def canonical_path(obj):
    """A dotted path like 'numpy.linalg.norm' that names `obj`, or None."""
    hit = _path_cache.get(id(obj))
    if hit is not None and (hit[0] if hit[2] is None else hit[2]()) is obj:
        return hit[1]   # (held strongly, or by a weak reference: _remember)
    return _found_path(obj)


def _found_path(obj):
    """canonical_path of an object not in the cache."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, numpy.ufunc) and isinstance(getattr(obj, "__name__", None), str):
        # numpy.add.reduce, numpy.multiply.outer: a new bound method at each read
        if getattr(numpy, owner.__name__, None) is owner:
            return f"numpy.{owner.__name__}.{obj.__name__}"
        return None
    name = getattr(obj, "__name__", None)
    if owner is not None and type(owner).__name__ == "RandomState" and isinstance(name, str) \
            and getattr(numpy.random, name, None) is obj:
        # numpy.random.normal: a method of NumPy's global RandomState, held by numpy.random
        return f"numpy.random.{name}"
    module_name = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if isinstance(obj, numpy.ufunc):
        module_name, qualname = "numpy", obj.__name__
    if module_name and qualname and "<" not in qualname:
        candidates = [module_name]
        parts = module_name.split(".")
        # numpy functions report numpy._core..., reach them from the public package
        candidates += [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
        for mod in candidates:
            target = _resolve_path(mod + "." + qualname)
            if target is obj:
                _remember(obj, mod + "." + qualname)
                return mod + "." + qualname
    return None


def _remember(obj, path):
    """Cache obj's path. A Python function is held weakly: the cache keeps no user function
    (nor its module) alive, and its entry goes with it."""
    key = id(obj)

    def forget(ref):
        hit = _path_cache.get(key)
        if hit is not None and hit[2] is ref:
            _path_cache.pop(key, None)
    try:
        _path_cache[key] = (None, path, weakref.ref(obj, forget))
    except TypeError:   # C functions, which live as long as their modules: held
        _path_cache[key] = (obj, path, None)


# id(obj) -> (obj held, its dotted path, None), or (None, its path, a weak reference to obj)
_path_cache = {}


def _prefill():
    """The functions of numpy, numpy.linalg, math, operator and builtins under their names.
    Held (not weakly: they live as long as their modules, and a weak reference with its
    callback for each of ~600 was most of this module's import)."""
    found = {}
    for mod in (numpy, numpy.linalg, math, operator, builtins):
        prefix = "" if mod is builtins else mod.__name__ + "."
        held = vars(mod).get
        for attr in dir(mod):
            # what the module holds now: reading numpy's other names would import its lazy
            # submodules (numpy.testing, numpy.f2py, ...), 0.4 s of a first call for nothing
            obj = held(attr)
            if callable(obj) and not isinstance(obj, type) and (
                    id(obj) not in found or getattr(obj, "__name__", None) == attr):
                found[id(obj)] = (obj, prefix + attr, None)
    _path_cache.update(found)


_prefill()


def name_path(obj, path):
    """Record `path` as the dotted name emitted code calls `obj` by (a rule module's
    functions that canonical_path can not find: scipy.special's ufuncs call themselves
    numpy's, a bound method of a module-level object is made anew at each access)."""
    _path_cache[id(obj)] = (obj, path, None)  # held: rule objects live as long as srcdiff


def _resolve_path(path):
    """What `path` names read as emitted code reads it: its root module, then attributes (a
    package attribute can hide a submodule of the same name: `srcdiff.flatten` is the
    function, not the module srcdiff/flatten.py). The longest importable prefix is imported
    first, so that the submodules on the way are loaded."""
    import importlib
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            obj = importlib.import_module(parts[0])
            for p in parts[1:]:
                obj = getattr(obj, p)
        except (AttributeError, ImportError):
            return None
        return obj
    return None


def reference(path):
    """A gast expression for a dotted path (builtins stay bare names)."""
    parts = path.split(".")
    node = S.load(parts[0])
    for p in parts[1:]:
        node = S.Attribute(value=node, attr=p, ctx=S.Load())
    return node



def is_user_function(obj):
    """A plain Python function with no derivative rule: srcdiff differentiates its source."""
    if isinstance(obj, LocalFunction):
        return True
    module = getattr(obj, "__module__", "") or ""
    if not isinstance(obj, types.FunctionType):   # inspect.isfunction
        return False   # (asked of every callee: a ufunc, a builtin is answered here)
    if module.split(".")[0] == "scipy":
        return False   # SciPy's own code (array-API and batching wrappers, Cython calls) is
        # never followed: one without a rule is refused at the user's line (refusals.describe)
    from . import rules
    return (rules.lookup("reverse", obj) is None
            and not rules.is_nondifferentiable(obj)
            and rules.not_implemented_hint(obj) is None  # refused at the call (odeint)
            and (not module.startswith("srcdiff") or module == "srcdiff.generated"))


def is_distribution(obj):
    """A scipy.stats distribution object (norm, dirichlet, ...), whose call freezes it."""
    import sys
    stats = sys.modules.get("scipy.stats")
    if stats is None or obj is None:
        return False
    kinds = (stats.rv_continuous, stats.rv_discrete)
    multi = getattr(sys.modules.get("scipy.stats._multivariate"), "multi_rv_generic", None)
    return isinstance(obj, kinds + ((multi,) if multi else ()))


def is_literal(value):
    if isinstance(value, tuple):
        return all(is_literal(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, complex, str))



def _param_name(node):
    return node.id if isinstance(node, S.Name) else node.arg


class LocalDefault:
    """The default of a lifted function's parameter that is not a literal: the enclosing
    function's local `name` holds its value (lower_funcs_defaults.hoisted binds it where the
    nested function is written; a call leaving the parameter out passes it)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class LocalFunction:
    """A function defined inside the differentiated one, lifted: free variables become parameters."""

    def __init__(self, name, node, free, outer_source, resolver, outer_name, hoisted=()):
        self.__name__ = name
        self.__qualname__ = f"{outer_name}.<locals>.{name}"
        self.__module__ = "srcdiff.local"
        self.free = list(free)
        if isinstance(node, S.Lambda):
            ret = S.Return(value=node.body)
            ret.lineno, ret.col_offset = node.lineno, node.col_offset
            body = [ret]
        else:
            body = node.body
        args = node.args
        params = args.posonlyargs + args.args
        star = [_param_name(args.vararg)] if args.vararg is not None else []
        dstar = [_param_name(args.kwarg)] if args.kwarg is not None else []
        # in the signature's order; the lifted copy takes *args as a tuple, **kwargs as a
        # dict, by position (variadic.bind_call makes them at each call)
        self.own_params = [a.id for a in params] + star + [a.id for a in args.kwonlyargs] + \
            dstar
        self.variadic = bool(star or dstar)
        defaults = {}
        pairs = list(zip(params[len(params) - len(args.defaults):], args.defaults)) + [
            (a, dflt) for a, dflt in zip(args.kwonlyargs, args.kw_defaults) if dflt is not None]
        for a, dflt in pairs:
            if isinstance(dflt, S.Name) and dflt.id in hoisted:   # lower_funcs_defaults
                defaults[a.id] = LocalDefault(dflt.id)
                self.free += [dflt.id] if dflt.id not in self.free else []
                continue
            if not isinstance(dflt, S.Constant):
                raise outer_source.error(dflt, "srcdiff reads a nested function's default "
                                         "values only where they are literals or values "
                                         "the enclosing function computes before it",
                                         hint="pass the value explicitly")
            defaults[a.id] = dflt.value
        lifted = S.arguments(args=[S.name(p, S.Param()) for p in self.own_params + self.free],
                             posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                             kwarg=None, defaults=[])
        fdef = S.FunctionDef(name=name, args=lifted, body=body, decorator_list=[],
                             returns=None, type_comment=None, type_params=[])
        fdef.lineno, fdef.col_offset = node.lineno, node.col_offset
        if getattr(node, S.NONLOCAL_TAKEN, None):   # (its nonlocal names: nonlocal_writes)
            setattr(fdef, S.NONLOCAL_TAKEN, getattr(node, S.NONLOCAL_TAKEN))
        # a frontend.Source of the lifted def, made by the outer function's source class
        # (callables is a leaf: it does not import frontend)
        self.source = type(outer_source)(outer_source.filename, outer_source.lines, fdef)
        self.resolver = resolver
        P = inspect.Parameter
        kinds = [P.POSITIONAL_OR_KEYWORD] * len(params) + [P.VAR_POSITIONAL] * len(star) + \
            [P.KEYWORD_ONLY] * len(args.kwonlyargs) + [P.VAR_KEYWORD] * len(dstar)
        self.__signature__ = inspect.Signature(
            [inspect.Parameter(p, kind, default=defaults.get(p, inspect.Parameter.empty))
             for p, kind in zip(self.own_params, kinds)])
        self.lifted_params = self.own_params + self.free

    def __call__(self, *args, **kwargs):  # pragma: no cover - never called, only lifted
        raise RuntimeError("a lifted local function is emitted, not called")


# id(obj) -> (obj, its (position, parameter) written by position) of NumPy's functions and
# ufuncs and builtins (they live as long as their modules), held: a signature is slow to make
# (a 20-line function asked it of 11 calls of 7 functions)
_WRITTEN = {}


def writes_argument(name):
    """Whether a parameter so named lets the call write into the argument."""
    return name == "out" or name.startswith("overwrite_")


def written_positions(obj):
    """(position, name) of the parameters of `obj` that may be passed by position (those
    before the first that can not) and write into the argument (out=, overwrite_*=)."""
    hit = _WRITTEN.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    try:
        params = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError):
        return ()
    positions = []
    for i, param in enumerate(params):
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            break
        if writes_argument(param.name):
            positions.append((i, param.name))
    positions = tuple(positions)
    owner = getattr(obj, "__self__", None)
    if type(obj).__module__ in ("builtins", "numpy") and (
            owner is None or isinstance(owner, types.ModuleType)):
        _WRITTEN[id(obj)] = (obj, positions)   # not a method made at each access
    return positions
