"""`wrt` naming a position inside `*args` (the API: called by api._transform,
api_composite._second_order and api_composite.jacobian; imports rules for of_rule). Takes a function `def f(w, *args)`
and `wrt` positions counted as the caller passes arguments (`grad(f, wrt=1)` is the first
item of *args); gives back `AtCall`, a callable that, at each call, writes an adapter with
one named parameter per argument passed and differentiates it with the transform asked for
(grad, value_and_grad, vjp, jvp, hvp, hessian, jacobian); and `of_rule`, the adapter of a
function with a rule and no source (numpy.sqrt).

For `h(w, *args)` called with three positional arguments and the keyword `c`, the adapter is

    def h(w, args_0, args_1, *, c):
        return h(w, args_0, args_1, c=c)

(the inner `h` is the user's function, reached through the adapter's globals), its text
registered with linecache under `<srcdiff: h with 3 arguments>` so the frontend reads it as
it reads a notebook cell. The derivative of the adapter with respect to the positions asked
is made once per pattern of call (positions passed, keywords named) and kept. A position
past what a call passes is an ArgumentError naming the call.
"""
import inspect
import keyword
import linecache

from .errors import ArgumentError, at_def

TRAILING = {"grad": 0, "value_and_grad": 0, "vjp": 1, "hvp": 1,   # the transform's own
            "hessian": 0, "jacobian": 0}
OWN_KEYWORDS = {"vjp": ("cotangent",), "hvp": ("vector",)}            # arguments after f's


def applies(fn, wrt):
    """Whether some position of `wrt` falls in the *args of `fn` (a plain function, or a
    decorator's wrapper taking *args: positions count as the call passes them)."""
    try:
        sig = inspect.signature(fn, follow_wrapped=False)
    except (TypeError, ValueError):
        return False
    params = list(sig.parameters.values())
    if not any(p.kind == p.VAR_POSITIONAL for p in params) or not inspect.isfunction(fn):
        return False
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    return any(isinstance(i, int) and not isinstance(i, bool) and (i >= positional or i < 0)
               for i in items)


def transform(kind, fn, wrt, make):
    """`kind` of `fn` (a function taking *args, or an AtCall: a transform of one) with
    respect to `wrt`; `make(g, wrt)` makes the transform of a function or derivative."""
    if isinstance(fn, AtCall):
        return Over(kind, fn, wrt, make)
    return AtCall(kind, fn, wrt, make)


class AtCall:
    """transform(f, wrt=...) for positions inside *args: `make(adapter, wrt)` makes the
    transform of each adapter (see the module docstring)."""

    def __init__(self, kind, fn, wrt, make):
        self.kind, self.fn, self.wrt, self.make = kind, fn, wrt, make
        self.single = not isinstance(wrt, (tuple, list))
        self.items = (wrt,) if self.single else tuple(wrt)
        for item in self.items:
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                raise ArgumentError(f"wrt must be a parameter position or name, not {item!r}")
        if len(set(self.items)) != len(self.items):
            raise ArgumentError(f"wrt names a position twice: {wrt!r}")
        self.made = {}
        self.__name__ = f"{kind}_{fn.__name__}"
        self.__qualname__ = f"{kind}_{fn.__qualname__}"
        self.__doc__ = f"{kind} of {fn.__qualname__} with respect to wrt={wrt!r}, positions " \
                       "counted as the call passes them."

    def __repr__(self):
        return f"<srcdiff.{self.kind} of {self.fn.__qualname__}, wrt={self.wrt!r}>"

    def __call__(self, *args, **kwargs):
        return self.derivative_for(args, kwargs)(*args, **kwargs)

    def _split(self, args, kwargs):
        """(the arguments of the function transformed, its keywords): a call's arguments
        less the transform's own (cotangent, tangents, vector) after them."""
        own = set(OWN_KEYWORDS.get(self.kind, ())) | {k for k in kwargs
                                                     if k.startswith("tangent_")}
        if own & set(kwargs):
            trailing = 0
        elif self.kind == "jvp":
            trailing = len(self.items)
        else:
            trailing = TRAILING[self.kind]
        return args[:len(args) - trailing], {k: v for k, v in kwargs.items() if k not in own}

    def derivative_for(self, args, kwargs):
        """The transform srcdiff made for a call with these arguments."""
        inner, keywords = self._split(args, kwargs)
        count, passed = len(inner), tuple(sorted(keywords))
        key = (count, passed)
        if key not in self.made:
            adapter, names = _adapter(self.fn, count, passed)
            wrt = []
            for item in self.items:
                if isinstance(item, str):
                    wrt.append(item)
                    continue
                if not -count <= item < count:
                    raise at_def(ArgumentError(
                        f"wrt={item} is out of range for this call: {self.fn.__qualname__} "
                        f"was given {count} positional argument(s)",
                        hint=f"pass at least {item + 1 if item >= 0 else -item} positional "
                             "arguments, or differentiate with respect to a position the "
                             "call passes"), self.fn)
                wrt.append(names[item])
            self.made[key] = self.make(adapter, tuple(wrt) if not self.single else wrt[0])
        return self.made[key]

    @property
    def source(self):
        """The emitted source of the latest call's derivative."""
        if not self.made:
            raise ArgumentError("call the derivative once first: its code is made per call")
        return list(self.made.values())[-1].source


class Over(AtCall):
    """A transform of an AtCall (forward over its reverse mode, ...): per call, `make` of
    the derivative the AtCall made for that call's arguments, `wrt` counted over them."""

    def derivative_for(self, args, kwargs):
        inner_args, inner_kwargs = self._split(args, kwargs)
        inner = self.fn.derivative_for(inner_args, inner_kwargs)
        if id(inner) not in self.made:
            self.made[id(inner)] = self.make(inner, self.wrt)
        return self.made[id(inner)]


def _adapter(fn, count, keywords):
    """The adapter of `fn` called with `count` positional arguments and `keywords` (see the
    module docstring), and its positional parameter names."""
    sig = inspect.signature(fn, follow_wrapped=False)
    params = list(sig.parameters.values())
    named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                  p.POSITIONAL_OR_KEYWORD)]
    star = next(p.name for p in params if p.kind == p.VAR_POSITIONAL)
    taken = {p.name for p in params} | set(keywords)
    names = list(named[:count])
    for k in range(count - len(names)):
        name = f"{star}_{k}"
        while name in taken:
            name += "_"
        taken.add(name)
        names.append(name)
    for k in keywords:
        if not k.isidentifier() or keyword.iskeyword(k):
            raise ArgumentError(f"the keyword {k!r} passed to {fn.__qualname__} is not a name "
                                "srcdiff can write as a parameter")
    own = fn.__name__ if fn.__name__.isidentifier() and not keyword.iskeyword(fn.__name__) \
        else "function_of_varargs"   # a lambda's <lambda>
    callee = own if own not in taken else "function_differentiated"
    head = ", ".join(names + (["*"] + list(keywords) if keywords else []))
    call = ", ".join(names + [f"{k}={k}" for k in keywords])
    text = f"def {own}({head}):\n    return {callee}({call})\n"
    filename = f"<srcdiff: {fn.__qualname__} with {count} arguments" + (
        f" and {', '.join(keywords)}>" if keywords else ">")
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    scope = {callee: fn, "__name__": getattr(fn, "__module__", None) or "__main__"}
    made = {}
    exec(compile(text, filename, "exec"), scope, made)
    adapter = made[own]
    adapter.__qualname__ = fn.__qualname__
    return adapter, names


def of_rule(fn):
    """For a callable with no Python source but a derivative rule of srcdiff's (a NumPy ufunc:
    `srcdiff.grad(numpy.sqrt)`), an adapter `def sqrt(x): return sqrt_with_rule(x)` (its
    text registered with linecache, as `_adapter`'s) that srcdiff differentiates through the
    rule; None for anything else."""
    import numpy
    from . import rules
    if inspect.isfunction(fn) or inspect.ismethod(fn) or not callable(fn):
        return None
    rules.load_templates()
    if rules.lookup("reverse", fn) is None and rules.lookup("forward", fn) is None:
        return None
    if isinstance(fn, numpy.ufunc):
        names = ["x"] if fn.nin == 1 else [f"x{k + 1}" for k in range(fn.nin)]
    else:
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            return None
        if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or
               p.default is not p.empty for p in params):
            return None
        names = [p.name for p in params]
    own = getattr(fn, "__name__", "")
    if not own.isidentifier() or keyword.iskeyword(own) or own in names:
        own = "function_with_rule"
    callee = f"{own}_with_rule"
    text = f"def {own}({', '.join(names)}):\n    return {callee}({', '.join(names)})\n"
    filename = f"<srcdiff: {own}, a function with a derivative rule>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    made = {}
    exec(compile(text, filename, "exec"), {callee: fn, "__name__": "srcdiff.generated"}, made)
    return made[own]
