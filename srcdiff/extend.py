"""autograd's extension API, `from srcdiff.extend import primitive, defvjp, defjvp` (API:
called by the user, as autograd's `from autograd.extend import ...`; imports rules and
derivative, for the cache). Takes a function, and vjp makers or jvp functions in autograd's
signatures; gives back the primitive (a wrapper srcdiff never looks inside) with srcdiff
rules calling them registered, or raises a RuleError naming what cannot be registered.

The facts follow autograd's documentation:

* `primitive(f)` gives back a function calling f, which srcdiff treats as opaque: its source
  is never differentiated; a derivative through it is refused, at the user's line, until
  `defvjp` (reverse mode) or `defjvp` (forward mode) gives one.
* `defvjp(f, maker_0, maker_1, ..., argnums=(0, 1, ...))`: `maker_i(ans, *args, **kwargs)`
  returns a function taking the output's adjoint `g` and giving argument i's adjoint; None
  for an argument with zero gradient. srcdiff's reverse rule calls the vjp the maker returns
  as one function srcdiff reads (vjp_makers.py: `def m(ans, x): ...; return lambda g: ...`
  and the like), so second order differentiates it again; a maker of another form is
  called through runtime_extend.vjp_of, opaque.
* `defjvp(f, jvp_0, jvp_1, ..., argnums=...)`: `jvp_i(g, ans, *args, **kwargs)` gives the
  output's tangent along argument i's tangent `g`; None for zero, "same" for f applied to
  `g` in argument i's place (a linear f). The tangents of the arguments are summed.
* A primitive given defvjp and no defjvp still has forward mode (jvp, hvp, and so second
  order): element i of its output's tangent is vjp(e_i) . t, exact, at one vjp call per
  output element (runtime_extend.jvp_by_vjps); give defjvp where outputs are large. The
  other way round, defjvp alone gives reverse mode, one jvp call per argument element
  (vjp_by_jvps).
* A derivative with respect to an argument no maker was given for is refused at the user's
  line (autograd raises NotImplementedError there).

`defvjp_argnum`, `defjvp_argnum` and `def_linear` are there too, over the two above, and
`func` (autograd.util's). User vector spaces: `VSpace.register(cls)` makes values of cls
differentiable where the function passes them only to primitives (a function in a kernel
space evaluated by a primitive __call__: autograd's rkhs example); their cotangents start at
the space's `zeros()` and are added with its `_add` (runtime_extend.VSpaceCotangent).
autograd's `Box` is accepted and means nothing here: srcdiff never boxes values.

Rules registered after a derivative was made replace the old ones: every cached derivative
is made again (derivative.clear_cache). The second derivative through an opaque vjp maker
(hvp, grad of grad) is refused, located: for second order, rewrite the maker in one of the
forms vjp_makers.py reads, or give the rule in srcdiff's template form (srcdiff.reverse_rule
and forward_rule); a jvp function is called by name and differentiated as the user's code
is.
"""
import functools
import inspect
import re

from . import rules, vjp_makers
from .errors import RuleError
from .runtime_extend import jvp_by_vjps, same_jvp, vjp_by_jvps, vjp_of

_RULES = {}   # id(primitive) -> _Primitive
_NAMES = {}   # name bound in emitted code -> the object it is bound to (unique names)


class _Primitive:
    def __init__(self, wrapped, fun):
        self.wrapped, self.fun = wrapped, fun
        self.vjps = None   # {argnum: maker or None}, once defvjp is called
        self.jvps = None   # {argnum: jvp function, None or "same"}, once defjvp is called


def primitive(f):
    """A function calling f that srcdiff never looks inside (autograd's `@primitive`); its
    derivatives come from `defvjp` and `defjvp`."""
    if id(f) in _RULES:
        return f
    rules.load_templates()   # srcdiff's own first: a mark made before would be put again

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return f(*args, **kwargs)
    wrapped.fun = f
    wrapped.__srcdiff_primitive__ = True
    _RULES[id(wrapped)] = _Primitive(wrapped, f)
    _mark(_RULES[id(wrapped)])
    return wrapped


def _parameters(prim):
    """f's parameters, each (name, kind, default); *args and **kwargs are refused."""
    try:
        signature = inspect.signature(prim.fun)
    except (TypeError, ValueError):
        raise RuleError(f"srcdiff cannot read the parameters of {_name(prim)}",
                        hint="make the primitive of a Python function with named "
                             "parameters") from None
    params = list(signature.parameters.values())
    starred = [p.name for p in params if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if starred:
        raise RuleError(f"srcdiff's rules need named parameters, and the primitive "
                        f"{_name(prim)} takes *{starred[0]}",
                        hint="make the primitive of a function with one named parameter per "
                             "argument (def f(x, y): ...), calling the one taking *args")
    return params


def _name(prim):
    return getattr(prim.fun, "__qualname__", repr(prim.fun))


def _base(prim):
    """The stem of the names emitted code binds for prim's rules: its name, a dunder method
    named with its class (RKHSFun.__call__: RKHSFun_call)."""
    name = getattr(prim.fun, "__name__", "primitive")
    if name.startswith("__") and name.endswith("__"):
        owner = getattr(prim.fun, "__qualname__", name).rsplit(".", 2)
        name = (owner[-2] + "_" if len(owner) > 1 else "") + name.strip("_")
    return name


def _unique(base, obj):
    """A name for obj in emitted code, the same for the same object, never for two."""
    base = re.sub(r"\W", "_", base).strip("_") or "primitive"
    name, n = base, 1
    while name in _NAMES and _NAMES[name] is not obj:
        n += 1
        name = f"{base}_{n}"
    _NAMES[name] = obj
    return name


def _lookup(fun):
    prim = _RULES.get(id(fun))
    if prim is None or prim.wrapped is not fun:
        raise RuleError(f"{getattr(fun, '__qualname__', fun)!r} is not a primitive: srcdiff "
                        "would differentiate its source, not call the derivatives given",
                        hint="decorate it with @srcdiff.extend.primitive first (or give its "
                             "rule with srcdiff.reverse_rule / forward_rule)")
    return prim


def _argnums(prim, given, count, params):
    argnums = tuple(range(count)) if given is None else tuple(given)
    if len(argnums) != count:
        raise RuleError(f"{count} derivative functions were given for {_name(prim)} and "
                        f"argnums names {len(argnums)}", hint="give one per argnum")
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for a in argnums:
        if not isinstance(a, int) or not 0 <= a < len(positional):
            raise RuleError(f"argnum {a!r} of {_name(prim)}: it takes {len(positional)} "
                            "positional arguments", hint="count arguments from 0")
    return argnums


def defvjp(fun, *vjpmakers, argnums=None):
    """autograd's defvjp: `vjpmakers[i](ans, *args, **kwargs)` returns `g -> adjoint` of
    argument argnums[i] (default i); None: its gradient is zero."""
    prim = _lookup(fun)
    params = _parameters(prim)
    for maker in vjpmakers:
        if maker is not None and not callable(maker):
            raise RuleError(f"a vjp maker of {_name(prim)} is {maker!r}, not a function",
                            hint="pass makers (ans, *args) -> (g -> adjoint), or None")
    prim.vjps = dict(zip(_argnums(prim, argnums, len(vjpmakers), params), vjpmakers))
    _install(prim, params)


def defjvp(fun, *jvpfuns, argnums=None):
    """autograd's defjvp: `jvpfuns[i](g, ans, *args, **kwargs)` is the output's tangent along
    argument argnums[i]'s tangent g; None: zero; "same": fun with g in that argument."""
    prim = _lookup(fun)
    params = _parameters(prim)
    for jvp in jvpfuns:
        if jvp is not None and jvp != "same" and not callable(jvp):
            raise RuleError(f"a jvp of {_name(prim)} is {jvp!r}, not a function",
                            hint='pass functions (g, ans, *args) -> tangent, None or "same"')
    prim.jvps = dict(zip(_argnums(prim, argnums, len(jvpfuns), params), jvpfuns))
    _install(prim, params)


def _positional(fun):
    params = _parameters(_lookup(fun))
    return [i for i, p in enumerate(params) if p.kind != p.KEYWORD_ONLY]


def defvjp_argnum(fun, vjpmaker):
    """autograd's defvjp_argnum: `vjpmaker(argnum, ans, args, kwargs)` returns `g -> adjoint`
    of argument argnum, for every positional argument."""
    argnums = _positional(fun)
    defvjp(fun, *[functools.partial(_vjp_argnum, vjpmaker, i) for i in argnums],
           argnums=argnums)


def _vjp_argnum(vjpmaker, argnum, ans, *args, **kwargs):
    return vjpmaker(argnum, ans, args, kwargs)


def defjvp_argnum(fun, jvpmaker):
    """autograd's defjvp_argnum: `jvpmaker(argnum, g, ans, args, kwargs)` is the output's
    tangent along argument argnum's tangent g, for every positional argument."""
    argnums = _positional(fun)
    defjvp(fun, *[functools.partial(_jvp_argnum, jvpmaker, i) for i in argnums],
           argnums=argnums)


def _jvp_argnum(jvpmaker, argnum, g, ans, *args, **kwargs):
    return jvpmaker(argnum, g, ans, args, kwargs)


def def_linear(fun):
    """autograd's def_linear: fun is linear in each positional argument; its tangent along
    one is fun with the tangent in that argument's place."""
    argnums = _positional(fun)
    defjvp(fun, *["same"] * len(argnums), argnums=argnums)


class VSpace:
    """autograd's VSpace: a user vector space. A subclass gives `zeros()`, `_add(x, y)`,
    `_scalar_mul(x, a)` and `_inner_prod(x, y)` (autograd's names; `randn()` where a check
    draws directions), and `VSpace.register(value_type)` makes it the space of value_type's
    values: srcdiff then differentiates with respect to such a value where the function
    passes it only to primitives (vector_spaces.py checks it, at the user's line), starting
    its cotangent at `zeros()` and adding the primitives' vjps with `_add`."""

    def __init__(self, value=None):
        self.value = value

    @classmethod
    def register(cls, value_type, vspace_maker=None):
        """Values of `value_type` belong to the space `vspace_maker(value)` (default: cls)."""
        import numbers
        import numpy
        if not isinstance(value_type, type) or value_type.__module__ in (
                "builtins", "numpy") or issubclass(value_type, (
                    Box, VSpace, list, tuple, dict, numpy.ndarray, numbers.Number)):
            raise RuleError(f"srcdiff registers vector spaces for classes of your own, not "
                            f"lists, tuples, dicts, arrays or numbers, and {value_type!r} is "
                            "not one",
                            hint="register the class whose values you differentiate with "
                                 "respect to (numbers, arrays and containers of them have "
                                 "srcdiff's own)")
        maker = vspace_maker or cls
        type.__setattr__(value_type, "__srcdiff_vspace__", staticmethod(maker))
        # the zero cotangent, made by the class itself: runtime_adjoint's helpers (copied
        # into standalone modules) then import nothing of srcdiff's
        from .runtime_extend import vspace_zeros
        type.__setattr__(value_type, "__srcdiff_vspace_zeros__", staticmethod(vspace_zeros))
        from . import derivative
        derivative.clear_cache()

    def add(self, x, y):
        return self._add(x, y)

    def scalar_mul(self, x, a):
        return self._scalar_mul(x, a)

    def inner_prod(self, x, y):
        return self._inner_prod(x, y)

    def covector(self, x):
        return x

    def _add(self, x, y):
        raise NotImplementedError(f"{type(self).__name__} has no _add")

    def _scalar_mul(self, x, a):
        raise NotImplementedError(f"{type(self).__name__} has no _scalar_mul")

    def _inner_prod(self, x, y):
        raise NotImplementedError(f"{type(self).__name__} has no _inner_prod")


def vspace(value):
    """The vector space of `value`, for a value of a registered class (None otherwise)."""
    maker = getattr(type(value), "__srcdiff_vspace__", None)
    return None if maker is None else maker(value)


class Box:
    """autograd's Box: its tracer's wrapper of a value, which srcdiff, differentiating
    source rather than tracing, never makes: a Box subclass's objects are never made nor
    passed by srcdiff, and `Box.register(value_type)` is accepted and has no effect (what
    makes a value differentiable is `VSpace.register`). A program written for autograd's
    extension API keeps its Box classes unchanged."""

    types = {}   # value_type -> the Box subclass registered for it (not read by srcdiff)

    @classmethod
    def register(cls, value_type):
        Box.types[value_type] = cls


def func(f):
    """autograd.util.func: the function of a method (the same function in Python 3)."""
    return getattr(f, "__func__", f)


def _call_operands(params):
    """The arguments of a call passing every parameter on (keyword-only ones by keyword)."""
    return [p.name if p.kind != p.KEYWORD_ONLY else f"{p.name}={p.name}" for p in params]


def _install(prim, params):
    """Register the reverse and forward rules the makers given so far describe."""
    names = {p.name for p in params}
    result = "ans"
    while result in names:
        result = "_" + result
    signature = inspect.Signature(
        [inspect.Parameter(result, inspect.Parameter.POSITIONAL_OR_KEYWORD)] +
        [p.replace(annotation=inspect.Parameter.empty) for p in params])
    operands = ", ".join(_call_operands(params))
    base = _base(prim)
    namespace = {"__name__": getattr(prim.fun, "__module__", None) or "__main__"}
    origin = f"srcdiff.extend rule of {_name(prim)}"
    for mode, given in (("reverse", prim.vjps), ("forward", prim.jvps)):
        if given is None and mode == "reverse" and prim.jvps is not None:
            _install_from_the_other_mode(mode, prim, params, result, operands, namespace,
                                         signature, origin)
            continue
        if given is None and mode == "forward" and prim.vjps is not None:
            _install_from_the_other_mode(mode, prim, params, result, operands, namespace,
                                         signature, origin)
            continue
        if given is None:
            continue
        lines = []
        for argnum, made in sorted(given.items()):
            arg = params[argnum].name
            if made is None:
                continue   # zero
            flat = vjp_makers.applied(made) if mode == "reverse" else None
            if flat is not None:   # srcdiff reads it: second order differentiates it again
                name = _unique(f"{base}_vjp_{argnum}", flat)
                namespace[name] = flat
                lines.append(f"d[{arg}] = {name}(d[{result}], {result}, {operands})")
            elif mode == "reverse":
                helper = _unique("vjp_of", vjp_of)
                maker = _unique(f"{base}_vjp_{argnum}", made)
                namespace.update({helper: vjp_of, maker: made})
                lines.append(f"d[{arg}] = {helper}({maker}, d[{result}], {argnum}, {result}, "
                             f"{operands})")
            elif made == "same":
                own = _unique(base, prim.wrapped)
                namespace[own] = prim.wrapped
                swapped = ", ".join(f"d[{arg}]" if p.name == arg else o for p, o in
                                    zip(params, _call_operands(params)))
                lines.append(f"d[{result}] = {own}({swapped})")
            else:
                jvp = _unique(f"{base}_jvp_{argnum}", made)
                namespace[jvp] = made
                lines.append(f"d[{result}] = {jvp}(d[{arg}], {result}, {operands})")
        text = "def rule():\n" + "".join(f"    {line}\n" for line in lines or ["pass"])
        table = rules.REVERSE if mode == "reverse" else rules.FORWARD
        rules._register(mode, table, [prim.wrapped], rules._Holder(namespace),
                        lambda text=text: rules.parse_template_text(text), signature, origin)
    _mark(prim)
    from . import derivative
    derivative.clear_cache()   # derivatives made before use the rules given now


def _install_from_the_other_mode(mode, prim, params, result, operands, namespace, signature,
                                 origin):
    """The rule of `mode` for a primitive given only the other mode's functions, each term
    made from them (runtime_extend): reverse from jvps (vjp_by_jvps: one jvp call per element
    of the argument), forward from vjps (jvp_by_vjps: one vjp call per output element)."""
    base = _base(prim)
    lines = []
    given, helper_fn, kind = (prim.jvps, vjp_by_jvps, "jvp_of") if mode == "reverse" else \
        (prim.vjps, jvp_by_vjps, "vjp_maker")
    for argnum, made in sorted(given.items()):
        if made is None:
            continue
        if made == "same":
            made = functools.partial(same_jvp, prim.wrapped, argnum)
        helper = _unique(helper_fn.__name__, helper_fn)
        other = _unique(f"{base}_{kind}_{argnum}", made)
        namespace.update({helper: helper_fn, other: made})
        arg = params[argnum].name
        target, seed = (arg, result) if mode == "reverse" else (result, arg)
        lines.append(f"d[{target}] = {helper}({other}, d[{seed}], {argnum}, {result}, "
                     f"{operands})")
    text = "def rule():\n" + "".join(f"    {line}\n" for line in lines or ["pass"])
    table = rules.REVERSE if mode == "reverse" else rules.FORWARD
    rules._register(mode, table, [prim.wrapped], rules._Holder(namespace),
                    lambda: rules.parse_template_text(text), signature, origin)


def _mark(prim):
    """The refusals of what is not given yet: a mode with no rule (its hint), an argument
    with no derivative function (held constant, at the user's line)."""
    name = _name(prim)
    prim.wrapped.__srcdiff_modes__ = {"reverse": frozenset(prim.vjps or ()),   # read by
                                      "forward": frozenset(prim.jvps or ())}   # vector_spaces
    missing = [m for m, given in (("vjp", prim.vjps or prim.jvps),
                                  ("jvp", prim.jvps or prim.vjps)) if given is None]
    if missing:
        needs = " and ".join(f"srcdiff.extend.def{m}({name}, ...)" for m in missing)
        modes = {"vjp": "reverse mode (grad, vjp)", "jvp": "forward mode (jvp, hvp, hessian)"}
        rules.not_implemented(prim.wrapped, f"{name} is a primitive (srcdiff.extend): srcdiff "
                              f"does not look inside it, and {' and '.join(modes[m] for m in missing)} "
                              f"needs {needs}")
    else:
        dict.pop(rules.NOT_IMPLEMENTED, rules.Table._key(prim.wrapped), None)
    params = _parameters(prim) if (prim.vjps is not None or prim.jvps is not None) else []
    reasons = {}
    for p in params[:len([q for q in params if q.kind != q.KEYWORD_ONLY])]:
        index = params.index(p)
        lacking = [m for m, given in (("vjp", prim.vjps or prim.jvps),
                                      ("jvp", prim.jvps or prim.vjps))
                   if given is not None and index not in given]
        if lacking:
            reasons[p.name] = (f"{name} is a primitive and no {' or '.join(lacking)} was given "
                               f"for its argument {index} ({p.name}); give one with "
                               f"srcdiff.extend.def{lacking[0]}({name}, ..., argnums=...), or "
                               "None there for a zero derivative")
    if reasons:
        rules.held_constant(prim.wrapped, **reasons)
    else:
        dict.pop(rules.HELD_CONSTANT, rules.Table._key(prim.wrapped), None)
