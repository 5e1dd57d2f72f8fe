"""Transforms of derivatives srcdiff made: any transform of any other, to any depth
(composition: called by api.py, api_composite.py and compose_calls.py). Takes a transform
kind and a derivative srcdiff made; gives back a `Composed`, whose generated source runs the
transform over the derivative's emitted code.

A derivative srcdiff made runs plain Python source: the emitted code of a Derivative, or a
short function generated here for a composition. To transform it again, srcdiff finds
that function for the call (`plain`: the variant compiled for the arguments' containers
and classes) and differentiates its source like any other:

* jvp of a derivative: forward mode over its code (the tangent rules of the runtime
  helpers that emitted code calls are in templates/runtime_rules.py and
  templates/compose_rules.py);
* grad of a gradient (grad_B of grad_A g): forward mode over grad_B g along ones in A (the
  mixed second derivatives of a twice-differentiable g are symmetric), one pass whatever
  the size of the input; so the n-th derivative of a scalar function is forward mode
  n - 1 times over its reverse-mode gradient;
* grad, value_and_grad, vjp and jacobian (either mode) of any other derivative: one
  forward pass over its code per element of the input differentiated, assembled by the
  generated function (a loop over the elements; srcdiff.compose_runtime);
* hessian of a derivative: the jacobian of its gradient; hvp: forward mode over its
  gradient along the vector.

The generated function is named for what it computes (grad_grad_f, jacobian_grad_f,
hvp_jvp_f) and `srcdiff.source` shows it with the emitted functions it calls.

Beside it: srcdiff/compose_calls.py (a derivative called inside differentiated code),
srcdiff/compose_codegen.py (the codegen command's second derivatives),
srcdiff/compose_runtime.py (the helpers generated code calls; their rules are in
templates/compose_rules.py).
"""
import inspect
import itertools
import weakref

from . import compose_runtime, markers, runtime
from .derivative import Composite, Derivative, _with_extras
from .errors import ArgumentError
from .wrt import _normalize_wrt, _signature

KINDS = ("grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp")
_TITLES = {"grad": "Gradient", "value_and_grad": "Value and gradient",
           "vjp": "Vector-Jacobian product", "jvp": "Jacobian-vector product",
           "jacobian": "Jacobian", "hvp": "Hessian-vector product"}
_FILES = itertools.count(1)  # each generated function gets a file name of its own
_CALLS = weakref.WeakKeyDictionary()  # generated code -> the srcdiff-made functions it calls


def _make(kind, fn, wrt, has_aux=False, backend="numpy"):
    """api's maker of a transform of a plain function (provided to markers by api.py)."""
    return markers.provided("make")(kind, fn, wrt, has_aux, backend)


def transform(kind, inner, wrt=0, has_aux=False, mode="reverse"):
    """`kind` (grad, vjp, jacobian, ...) of `inner`, a derivative srcdiff made."""
    if has_aux:
        raise ArgumentError(f"srcdiff.{kind}(..., has_aux=True) of a derivative srcdiff made "
                            "is not supported", hint="differentiate the function itself "
                            "with has_aux, or leave has_aux out")
    if mode not in ("reverse", "forward"):
        raise ArgumentError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    inner = _composable(inner)
    if getattr(inner, "_has_aux", False):
        raise ArgumentError(f"srcdiff.{kind} of {inner!r}: a derivative made with has_aux=True "
                            "returns its aux too, which is not differentiated",
                            hint="differentiate a derivative made without has_aux")
    names, single = _normalize_wrt(inner, wrt)
    if kind in ("jacobian", "hessian", "hvp") and not single:
        raise ArgumentError(f"{kind} differentiates with respect to one parameter",
                            hint="pass wrt as a single position or name")
    if kind == "hessian":
        return Composed("jacobian", grad_of(inner, names[0]), names, True,
                        name=f"hessian_{_name(inner)}")
    return Composed(kind, inner, names, single)


def grad_of(fn, name):
    """The gradient of fn (a plain function or a derivative srcdiff made) along one
    parameter: a Derivative for a plain function, else a composition."""
    if isinstance(fn, (Derivative, Composed)):
        return Composed("grad", fn, (name,), True)
    return _make("grad", fn, name)


def _composable(obj):
    """A Composite (derivative.py: hessian, hvp, jacobian of a plain function) as a Composed."""
    if isinstance(obj, Derivative) and getattr(obj, "_jit", False):
        # compiled by Numba: composed over the same derivative on the NumPy path
        # (Numba compiles the code it runs, not code that differentiates it)
        wrt = obj._wrt[0] if obj._single else obj._wrt
        return _make(obj._kind, obj._fn, wrt, obj._has_aux, obj._backend)
    if isinstance(obj, Composite):
        recipe = getattr(obj, "_recipe", None)
        if recipe is None:
            raise ArgumentError(f"srcdiff cannot differentiate {obj!r}")
        kind, fn, name = recipe
        if kind == "hessian":
            return Composed("jacobian", grad_of(fn, name), (name,), True,
                            name=f"hessian_{_name(fn)}")
        return Composed(kind, fn, (name,), True)
    return obj


def _name(fn):
    name = getattr(fn, "__name__", "f")
    return name if name.isidentifier() else "lambda"


def plain(obj, args, kwargs):
    """(function, args, kwargs): a function with readable source that computes
    obj(*args, **kwargs) when called with those arguments (args None: the general
    variant, made without seeing a call)."""
    if isinstance(obj, Composed):
        return obj._plain(args, kwargs)
    if isinstance(obj, Derivative):
        return _plain_derivative(obj, args, kwargs)
    if isinstance(obj, Composite):
        return plain(_composable(obj), args, kwargs)
    if inspect.ismethod(obj):
        return obj.__func__, None if args is None else (obj.__self__,) + tuple(args), kwargs
    return obj, None if args is None else tuple(args), kwargs


def _plain_derivative(d, args, kwargs):
    if d._has_aux:
        raise ArgumentError(f"srcdiff cannot differentiate {d!r}: it was made with "
                            "has_aux=True", hint="differentiate a derivative made without "
                            "has_aux")
    if args is None:
        fn = d._compile()
    else:
        args, kwargs = tuple(args), dict(kwargs)
        if d._bind_defaults:
            args, kwargs = d._with_defaults(args, kwargs)
        d._check_array_types(args, kwargs)
        fn = d._compile(d._containers(args, kwargs), d._known_types(args, kwargs), None)
    if d._self is not None and args is not None:
        args = (d._self,) + tuple(args)
    return fn, args, kwargs


def _positional(fn, args, kwargs):
    """fn's parameter names and, for a call, the values bound to them in order."""
    sig = inspect.signature(fn)
    names = list(sig.parameters)
    if args is None:
        return names, None
    try:
        bound = sig.bind(*args, **(kwargs or {}))
    except TypeError:
        # the derivatives' calls made here pass keyword-only parameters by position, in
        # order (as Composed's signature shows them): bind those so
        bound = _keyword_only_by_position(sig).bind(*args, **(kwargs or {}))
    bound.apply_defaults()
    return names, [bound.arguments[n] for n in names]


def _keyword_only_by_position(sig):
    from .derivative import _with_extras
    return _with_extras(sig, [p.replace(kind=p.POSITIONAL_OR_KEYWORD) if p.kind == p.KEYWORD_ONLY
                              else p for p in sig.parameters.values()])


def _extras(kind, inner_names, wrt):
    """The parameters a transform takes after the inner derivative's (cotangent, tangents,
    vector), named apart from those (jvp of a jvp: tangent_x_1 after tangent_x)."""
    from .names import Namer
    namer = Namer(inner_names)
    if kind == "vjp":
        return [namer.exact_or_fresh("cotangent")]
    if kind == "jvp":
        return [namer.exact_or_fresh(f"tangent_{w}") for w in wrt]
    if kind == "hvp":
        return [namer.exact_or_fresh("vector")]
    return []


class Composed(markers.ComposedBase):
    """A transform (grad, vjp, jacobian, ...) of a derivative srcdiff made; call it like
    the function it differentiates (then the cotangent, tangents or vector its kind takes).
    """

    def __init__(self, kind, inner, wrt, single, name=None):
        self._kind = kind
        self._inner = inner
        self._wrt = tuple(wrt)
        self._single = single
        self._fn = getattr(inner, "_fn", inner)  # the user's function, at the bottom
        self._has_aux = False
        self._made = {}  # (plain function, ...) -> generated function or jvp Derivative
        self._latest = None
        self._shown = None
        base = name or f"{kind}_{_name(inner)}"
        self.__name__ = self.__qualname__ = base
        self.__module__ = getattr(self._fn, "__module__", None)
        self.__doc__ = f"{base} (srcdiff): the {kind} of {_name(inner)} with respect to " \
                       f"{', '.join(self._wrt)}."
        sig = _signature(inner)
        self._extras = _extras(kind, list(sig.parameters), self._wrt)
        params = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  if p.kind == p.KEYWORD_ONLY else p for p in sig.parameters.values()]
        params += [inspect.Parameter(e, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                   for e in self._extras]
        self.__signature__ = _with_extras(sig, params)

    def __repr__(self):
        return f"<srcdiff {self.__name__} wrt {', '.join(self._wrt)}>"

    def __call__(self, /, *args, **kwargs):
        from . import boundary
        from .errors import SrcdiffError
        try:
            fn, args, kwargs = self._plain(args, kwargs)
            return fn(*args, **kwargs)
        except SrcdiffError as exc:
            boundary.hide_internals(exc)
            raise
        except ValueError as exc:  # a cotangent or tangent that does not fit (the helpers)
            if "cotangent" in str(exc) or "tangent for" in str(exc):
                raise ArgumentError(f"{self.__name__}: {exc}") from None
            raise

    # -- the function a call runs ----------------------------------------------------
    def _split(self, args, kwargs):
        """(the inner derivative's args and kwargs, the values of this kind's extras)."""
        if args is None:
            return None, None, [None] * len(self._extras)
        kwargs = dict(kwargs)
        extra = {e: kwargs.pop(e) for e in self._extras if e in kwargs}
        missing = [e for e in self._extras if e not in extra]
        if len(missing) > len(args):
            raise ArgumentError(f"{self.__name__} takes the arguments of {_name(self._inner)}, "
                                f"then {', '.join(self._extras)}")
        if missing:
            args, trailing = args[:len(args) - len(missing)], args[len(args) - len(missing):]
            extra.update(zip(missing, trailing))
        return tuple(args), kwargs, [extra[e] for e in self._extras]

    def _plain(self, args, kwargs):
        inner_args, inner_kwargs, extras = self._split(args, kwargs)
        fn, pargs, pkwargs = plain(self._inner, inner_args, inner_kwargs)
        names, values = _positional(fn, pargs, pkwargs)
        made = self._generated(fn, names, values, inner_args, inner_kwargs)
        self._latest = made
        if values is None:
            return made, None, None
        return made, tuple(values) + tuple(extras), {}

    def _jvp(self, fn, names, values, wrt):
        """fn's emitted jvp along parameter `wrt` (a name, or a tuple of them), compiled for
        these arguments."""
        key = ("jvp", fn, wrt)
        derivative = self._made.get(key)
        if derivative is None:
            derivative = self._made[key] = _make("jvp", fn, wrt)
        self._shown = derivative  # the view (html_view.py) shows the code it emits
        if values is None:
            return plain(derivative, None, None)[0]
        along = wrt if isinstance(wrt, tuple) else (wrt,)
        tangents = tuple(runtime.zeros_like_value(values[names.index(w)]) for w in along)
        return plain(derivative, tuple(values) + tangents, {})[0]

    def _generated(self, fn, names, values, inner_args, inner_kwargs):
        kind = self._kind
        if kind == "jvp":
            return self._jvp(fn, names, values,
                             self._wrt[0] if len(self._wrt) == 1 else self._wrt)
        if values is not None:
            self._refuse_containers(names, values)
        if kind in ("grad", "vjp") and self._single and _is_gradient(self._inner):
            return self._grad_of_gradient(fn, names, values, inner_args, inner_kwargs)
        if kind == "hvp":
            return self._hvp(inner_args, inner_kwargs)
        key = (kind, fn) + tuple(self._jvp(fn, names, values, w) for w in self._wrt)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._write(fn, names, values, key[2:])
        return made

    def _refuse_containers(self, names, values):
        import numpy
        for w in self._wrt:
            value = values[names.index(w)]
            if isinstance(value, (list, tuple, dict)) or numpy.iscomplexobj(value) or \
                    isinstance(value, complex):
                what = "a list, tuple or dict" if not numpy.iscomplexobj(value) and \
                    not isinstance(value, complex) else "at complex values"
                raise ArgumentError(
                    f"srcdiff.{self._kind} of {_name(self._inner)} with respect to {w}, "
                    f"{what}: transforms of derivatives in reverse mode differentiate real "
                    "arrays and numbers", hint="pass the values as one real array, or "
                    "use srcdiff.jvp of the derivative (srcdiff.hvp at complex values)")

    def _grad_of_gradient(self, fn, names, values, inner_args, inner_kwargs):
        """grad_B(grad_A g) = the tangent of grad_B g along ones in A, and the vjp of grad_A g
        with respect to B for a cotangent u the tangent of grad_B g along u in A (mixed
        second derivatives are symmetric): one forward pass."""
        outer = self._wrt[0]
        inner_wrt = self._inner._wrt[0]
        along = self._inner if outer == inner_wrt else \
            self._made.setdefault(("grad", outer), grad_of(_below(self._inner), outer))
        gfn, gargs, gkwargs = plain(along, inner_args, inner_kwargs)
        gnames, gvalues = _positional(gfn, gargs, gkwargs)
        if gvalues is not None:
            value = gvalues[gnames.index(inner_wrt)]
            if isinstance(value, (list, tuple, dict)):
                raise ArgumentError(f"grad of {_name(self._inner)}: {inner_wrt} holds a list, "
                                    "tuple or dict", hint="pass one array")
        jfn = self._jvp(gfn, gnames, gvalues, inner_wrt)
        key = (self._kind + " of grad", gfn, jfn)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._write_grad_of_gradient(gfn, gnames, jfn,
                                                                  inner_wrt, outer)
        return made

    def _hvp(self, inner_args, inner_kwargs):
        """jvp of the inner function's gradient along the vector."""
        w = self._wrt[0]
        grad = self._made.get(("grad", w))
        if grad is None:
            grad = self._made[("grad", w)] = grad_of(self._inner, w)
        gfn, gargs, gkwargs = plain(grad, inner_args, inner_kwargs)
        gnames, gvalues = _positional(gfn, gargs, gkwargs)
        jfn = self._jvp(gfn, gnames, gvalues, w)
        key = ("hvp", gfn, jfn)
        made = self._made.get(key)
        if made is None:
            from .names import Namer
            namer = Namer(gnames)
            jname = namer.exact_or_fresh(jfn.__name__)
            vector = namer.exact_or_fresh("vector")
            doc = (f"Hessian-vector product of {_name(self._inner)} with respect to {w}: "
                   f"forward mode over its gradient {gfn.__name__} along {vector}.")
            body = [f"return {jname}({', '.join(gnames)}, {vector})[1]"]
            made = self._made[key] = self._load(self.__name__, gnames + [vector], doc, body,
                                                {jname: jfn}, [jfn])
        return made

    # -- generated source --------------------------------------------------------------
    def _write_grad_of_gradient(self, gfn, names, jfn, inner_wrt, outer):
        from .names import Namer
        namer = Namer(names)
        jname = namer.exact_or_fresh(jfn.__name__)
        args = ", ".join(names)
        bindings = {jname: jfn}
        params = list(names)
        if self._kind == "vjp":
            direction = namer.exact_or_fresh("cotangent")
            params.append(direction)
            what = f"Vector-Jacobian product of {_name(self._inner)} with respect to {outer}"
            along = direction
            check = namer.exact_or_fresh("check_cotangent")
            bindings[check] = runtime.check_cotangent  # shaped like the gradient, like A
            direction = f"{check}({direction}, {inner_wrt})"
        else:
            ones = namer.exact_or_fresh("ones_like_value")
            bindings[ones] = runtime.ones_like_value
            what = f"Gradient of {_name(self._inner)} with respect to {outer}"
            direction, along = f"{ones}({inner_wrt})", "ones"
        doc = (f"{what}: forward mode over {gfn.__name__} along {along} in {inner_wrt}\n"
               "    (its mixed second derivatives are symmetric), one pass.")
        body = [f"return {jname}({args}, {direction})[1]"]
        return self._load(self.__name__, params, doc, body, bindings, [jfn])

    def _write(self, fn, names, values, jfns):
        from .names import Namer
        namer = Namer(names)
        bind = {}

        def bound(name, obj):
            got = namer.exact_or_fresh(name)
            bind[got] = obj
            return got

        import numpy
        numpy_name = bound("numpy", numpy)
        helpers = {h: bound(h, getattr(compose_runtime, h)) for h in
                   ("unit", "with_item", "total", "vdot", "jacobian_start", "with_column")}
        zeros = bound("zeros_like_value", runtime.zeros_like_value)
        jnames = [bound(j.__name__, j) for j in jfns]
        fname = bound(fn.__name__, fn)
        args = ", ".join(names)
        kind = self._kind
        params = list(names)
        over = f"forward mode over {fn.__name__}, one pass per element of"
        index = namer.fresh("i")
        if kind == "jacobian":
            w = self._wrt[0]
            value, jac = namer.fresh("value"), namer.fresh("jacobian")
            body = [f"{value} = {fname}({args})",
                    f"{jac} = {helpers['jacobian_start']}({value}, {w})",
                    f"for {index} in range({numpy_name}.size({w})):",
                    f"    {jac} = {helpers['with_column']}({jac}, {index}, "
                    f"{jnames[0]}({args}, {helpers['unit']}({w}, {index}))[1], {w})",
                    f"return {jac}"]
            doc = f"Jacobian of {fn.__name__} with respect to {w}:\n    {over} {w}."
            return self._load(self.__name__, params, doc, body, bind, [fn] + list(jfns))
        cotangent = None
        if kind == "vjp":
            cotangent = namer.exact_or_fresh("cotangent")
            params.append(cotangent)
        body, results = [], []
        for w, jname in zip(self._wrt, jnames):
            g = namer.exact_or_fresh(f"d_{w}")
            contract = f"{helpers['vdot']}({cotangent}, " if cotangent else f"{helpers['total']}("
            body += [f"{g} = {zeros}({w})",
                     f"for {index} in range({numpy_name}.size({w})):",
                     f"    {g} = {helpers['with_item']}({g}, {index}, {contract}"
                     f"{jname}({args}, {helpers['unit']}({w}, {index}))[1]))"]
            results.append(g)
        result = results[0] if self._single else "(" + ", ".join(results) + ",)"
        if kind == "value_and_grad":
            result = f"{fname}({args}), {result}"
        body.append(f"return {result}")
        wrt = ", ".join(self._wrt)
        doc = f"{_TITLES[kind]} of {fn.__name__} with respect to {wrt}:\n    {over} {wrt}."
        return self._load(self.__name__, params, doc, body, bind, [fn] + list(jfns))

    def _load(self, name, params, doc, body, bindings, calls):
        from . import loader
        from .version import __version__
        from .core import GENERATED_PREFIX
        text = (f"# Code generated by srcdiff {__version__} (a transform of a derivative "
                f"srcdiff made). DO NOT EDIT.\n"
                f"def {name}({', '.join(params)}):\n"
                f'    """{doc}\n    """\n'
                + "".join(f"    {line}\n" for line in body))
        filename = f"{GENERATED_PREFIX}compose-{next(_FILES)}/{name}.py"
        made = loader.load(text, name, filename, bindings, None)
        _CALLS[made.__code__] = list(calls)
        if calls and hasattr(calls[0], "__code__"):   # a refusal transforming it again
            from . import emitted_origins             # names the user's line
            emitted_origins.register(filename, text, calls[0], made)
        return made

    # -- source ------------------------------------------------------------------------
    @property
    def __wrapped__(self):
        return self._latest if self._latest is not None else self._plain(None, None)[0]

    @property
    def source(self):
        """The function a call runs, then each srcdiff-made function it calls."""
        return source_tree(self.__wrapped__)

    def _repr_markdown_(self):
        return f"```python\n{self.source}```"

    def _repr_html_(self):
        from .html_view import to_html
        return to_html(self)

    @property
    def shown_derivative(self):
        """The Derivative (a jvp) whose emitted code the function a call runs calls."""
        if self._shown is None:
            self.__wrapped__
        return self._shown


def _is_gradient(obj):
    if isinstance(obj, Derivative):
        return obj._kind == "grad" and obj._single and not obj._has_aux
    return isinstance(obj, Composed) and obj._kind == "grad" and obj._single


def _below(gradient):
    """The function a gradient differentiates."""
    return gradient._fn if not isinstance(gradient, Composed) else gradient._inner


def source_tree(fn):
    """The source of fn, then of every srcdiff-made function it calls (once each)."""
    from .loader import source_of
    seen, out, todo = set(), [], [fn]
    while todo:
        f = todo.pop(0)
        code = getattr(f, "__code__", None)
        if code is None or id(code) in seen:
            continue
        seen.add(id(code))
        text = source_of(f)
        if text is None:
            continue
        out.append(text)
        todo += _CALLS.get(code, [])
    return "\n\n".join(t.rstrip("\n") + "\n" for t in out)
