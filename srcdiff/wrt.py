"""Which parameters a transform differentiates: `wrt=` (positions or names) and JAX's
`argnums=` checked against the function's signature (derivative: called by api.py,
api_composite.py, compose.py, compose_calls.py and derivative.py). Takes a function and its
`wrt=` / `argnums=`; gives back the parameters differentiated, or raises a located refusal;
and f's defaults as objects compared by identity (`defaults_of`).
"""
import inspect

from .errors import ArgumentError


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
            if _in_varargs(sig, item) and getattr(fn, "__wrapped__", None) is None:
                raise _varargs_refusal(fn, sig, item)
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


def _in_varargs(sig, item):
    """Whether position `item` of a call falls in the *args of a function taking *args
    (positions count as the call passes them, keyword-only parameters after *args are
    not positions)."""
    params = list(sig.parameters.values())
    if not any(p.kind == p.VAR_POSITIONAL for p in params):
        return False
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    return item >= positional or item < 0


def _varargs_refusal(fn, sig, item):
    """wrt is a position in the *args of the function differentiated: refused at its def."""
    from .errors import UnsupportedCodeError
    from .resolver import _unwrap
    import linecache
    code = _unwrap(fn).__code__
    return UnsupportedCodeError(
        f"wrt={item} falls in the *args of {_fname(fn)}{sig}: the transforms of f count "
        "positions inside *args as the call passes them, compositions of them (grad of a "
        "grad, ...) only the named parameters",
        hint="name the argument: differentiate lambda x, c: f(x, c) (or give f a "
             "parameter for it), or use srcdiff.hvp / srcdiff.hessian of f", filename=code.co_filename, lineno=code.co_firstlineno,
        line=linecache.getline(code.co_filename, code.co_firstlineno))


def _wrapper_refusal(fn, sig, item):
    """wrt names a parameter of a function that takes *args or **kwargs (a decorator's
    wrapper): refused at its def, saying what is differentiated."""
    from .errors import UnsupportedCodeError
    from .resolver import _unwrap
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


def _fname(fn):
    return getattr(fn, "__qualname__", repr(fn))


class _DefaultWrt(int):
    """The default of `wrt=`: position 0, an int in every use, yet told apart (by identity)
    from a `wrt=0` the caller wrote, so that `wrt=` and `argnums=` together are refused."""

    __slots__ = ()


WRT_DEFAULT = _DefaultWrt(0)


def _choose_wrt(wrt, argnums):
    """`argnums=` (JAX's name: positions only) as a synonym of `wrt=`; both given is refused."""
    if argnums is None:
        return 0 if wrt is WRT_DEFAULT else wrt
    if wrt is not WRT_DEFAULT:
        raise ArgumentError(f"pass wrt= or argnums= (JAX's name for positions), not both: "
                            f"got wrt={wrt!r} and argnums={argnums!r}",
                            hint="keep one of them (argnums= takes positions, wrt= positions "
                                 "or parameter names)")
    items = argnums if isinstance(argnums, tuple) else (argnums,)
    if not items or not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
        raise ArgumentError(f"argnums= takes a position or a tuple of positions, not {argnums!r}",
                            hint="name parameters with wrt='w' (or wrt=('w', 'b'))")
    return argnums


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


def defaults_of(fn):
    """(f's __defaults__, __kwdefaults__) as objects compared by identity: derivative.py
    makes its signature again when they change (comparing the tuples' items, arrays, could
    raise or cost time on each call)."""
    return _Same(getattr(fn, "__defaults__", None)), _Same(getattr(fn, "__kwdefaults__", None))


class _Same:
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return self.obj is other.obj

    def __hash__(self):
        return id(self.obj)
