"""Derivatives srcdiff made, called inside a function srcdiff differentiates (composition:
called by lower_calls.py through markers.provided; api.py imports it, which provides it).
Takes the lowerer and a callee node of the function being lowered; gives back, for a
derivative srcdiff made, a plain function with derivative rules (one vjp or jvp of it per
argument), else None.

`def loss(w): return outer(w - 0.1 * srcdiff.grad(inner)(w, x))`, or the same with the
gradient made once outside (`g = srcdiff.grad(inner)` at module level or in a closure) and
called inside, also in loops; a lambda or nested def reading the function's variables
(`g = srcdiff.grad(lambda z: np.sum(np.sin(z) * x))`), lifted over them (`_lifted`): a
function of its own parameters and then of those variables, passed where g is called (the
values its closure reads there). lower.py's call lowering asks `derivative_called` about each
callee; for a derivative it gets a small function calling that derivative, registered with
derivative rules: in reverse mode one vjp of the derivative per argument that needs one
(srcdiff/compose.py: for a gradient, forward mode over it, one pass), in forward mode its
jvp. Those are derivatives srcdiff made too, so the caller's derivatives compose again.
"""
import keyword
import weakref

from . import syntax as S
from .compose import _FILES, Composed, _name, compose_runtime, transform
from .derivative import Composite, Derivative
from .errors import ArgumentError
from .markers import provide, provided
from .wrt import _signature


def derivative_called(lowerer, func):
    """The plain function to differentiate through when the callee `func` (a node) is a
    derivative srcdiff made: a name bound to one (`g = srcdiff.grad(inner)` at module level,
    in a closure, or once in the function itself: _bound_transform), or
    `srcdiff.grad(inner, ...)` written at the call, made here once. None for any other
    callee; a parameter holding no function passed by name (`_descend(srcdiff.grad(f), w)`
    calling its g) is refused, located, saying to pass f and make its derivative there."""
    obj = None
    if isinstance(func, S.Name) and func.id in lowerer.locals:
        bound = _bound_transform(lowerer, func.id)   # g = srcdiff.grad(inner) in here
        if bound is not None:
            return derivative_called(lowerer, bound)
        passed = _passed_derivative(lowerer, func.id)   # _descend(srcdiff.grad(f), w)'s g
        if passed is not None:
            return _made_for(passed)
        from .object_lists import _single_bindings   # (a parameter rebound before read)
        if func.id in lowerer.params and func.id not in lowerer.known_types and \
                func.id not in _single_bindings(lowerer):
            raise lowerer.error(func, f"srcdiff cannot tell which function {func.id!r} holds "
                                f"before the code runs: {func.id} is a parameter, and the "
                                f"caller passed no function by name (a module-level or "
                                f"nested def, a lambda, a method), but a value computed "
                                f"there, such as a derivative srcdiff.grad(f) made there",
                                hint=f"pass the function itself and make its derivative "
                                     f"here: srcdiff.grad({func.id})(...) (a function "
                                     "computed at run time: call it where it is chosen)")
    if isinstance(func, S.Call) and isinstance(func.func, (S.Name, S.Attribute)):
        maker = _static(lowerer, func.func)
        if maker not in _MAKERS:
            return None
        args = [_static_argument(lowerer, a) for a in func.args]
        keywords = {k.arg: _static_argument(lowerer, k.value) for k in func.keywords}
        try:
            obj = _MAKERS[maker](*args, **keywords)
        except (TypeError, ArgumentError) as exc:
            raise lowerer.error(func, f"this srcdiff transform can not be made: {exc}") from None
        lifted = [_LIFTED_OWN[a] + (_closure_passed(lowerer, n),)
                  for a, n in zip(args, func.args) if a in _LIFTED_OWN]
        if lifted:
            _LIFTED_FREE[obj] = lifted[0]
    elif isinstance(func, (S.Name, S.Attribute)) and not (
            isinstance(func, S.Name) and func.id in lowerer.locals):
        obj = _static(lowerer, func)
    if not isinstance(obj, (Derivative, Composite, Composed)):
        return None
    from .lowered_cache import not_kept
    not_kept()   # (what is made here is named and set per derivative: its lowering is not kept)
    free = _LIFTED_FREE.get(obj)
    if free is not None:   # a transform of a lambda or nested def: lifted (_lifted)
        made = _CALLED.get(obj)
        if made is None:
            made = _CALLED[obj] = _called_function(obj)
        made.free_arguments = _passing(*free)   # (for this call: lower_calls reads it now)
        return made
    if isinstance(obj, Derivative) and obj._self is not None:
        raise lowerer.error(func, f"srcdiff cannot differentiate through {obj!r}, a derivative "
                            "of a bound method, called inside the function",
                            hint="differentiate the method's function with the object passed "
                                 "as its first argument")
    return _made_for(obj)


def _made_for(obj):
    """The function calls of the derivative `obj` lower to, made once per derivative."""
    made = _CALLED.get(obj)
    if made is None:
        made = _CALLED[obj] = _called_function(obj)
    return made


def derivative_passed(lowerer, node):
    """The derivative a helper is passed where the argument `node` is a transform written
    there (`_descend(srcdiff.grad(f), w, x)`) or a name bound to one, made before the code
    runs of a function by name (no lambda or nested def reading this function's variables),
    so the helper is specialised on it as on a function passed (values.argument); else None.
    The same transform written again (the caller lowered again) gives back the same object,
    so the helper's lowering is keyed the same."""
    from . import syntax as S
    from .derivative import Composite, Derivative
    if isinstance(node, S.Name) and node.id in lowerer.locals:
        bound = _bound_transform(lowerer, node.id)
        return derivative_passed(lowerer, bound) if bound is not None else None
    if isinstance(node, (S.Name, S.Attribute)):
        obj = _static(lowerer, node)   # a module-level g = srcdiff.grad(f)
        return obj if isinstance(obj, (Derivative, Composite, Composed)) and not (
            isinstance(obj, Derivative) and obj._self is not None) and (
            obj not in _LIFTED_FREE) else None
    if not (isinstance(node, S.Call) and isinstance(node.func, (S.Name, S.Attribute))):
        return None
    maker = _static(lowerer, node.func)
    if maker not in _MAKERS or any(isinstance(a, S.Lambda) or (
            isinstance(a, S.Name) and a.id in lowerer.locals) for a in node.args):
        return None   # (a lambda or function value of the caller's: lifted at its call)
    try:
        args = tuple(_static_argument(lowerer, a) for a in node.args)
        keywords = tuple((k.arg, _static_argument(lowerer, k.value)) for k in node.keywords)
        key = (maker, args, keywords)
        hash(key)
    except Exception:  # noqa: BLE001 - an argument srcdiff cannot read: not passed as known
        return None
    obj = _PASSED.get(key)
    if obj is None:
        try:
            obj = _PASSED[key] = _MAKERS[maker](*args, **dict(keywords))
        except (TypeError, ArgumentError) as exc:
            raise lowerer.error(node, f"this srcdiff transform can not be made: {exc}") from None
    return obj if isinstance(obj, (Derivative, Composite, Composed)) else None


def _passed_derivative(lowerer, name):
    """The derivative the parameter `name` holds where the caller passed one it made before
    the code runs (derivative_passed, noted as a function value for the callee), else None."""
    from .derivative import Composite, Derivative
    from .known_objects import Known
    known = lowerer.known_types.get(name)
    obj = known.obj if isinstance(known, Known) else None
    return obj if isinstance(obj, (Derivative, Composite, Composed)) else None


_PASSED = weakref.WeakValueDictionary()   # (maker, arguments) of a transform passed -> it


_CALLED = weakref.WeakKeyDictionary()  # derivative -> the function its calls lower to
_RULE_NAMES = weakref.WeakValueDictionary()  # a name rules bind -> the derivative it means


def _unique(name, obj):
    """`name`, or name_2, name_3, ...: the rules of different calls may meet in one emitted
    module, so one name never means two derivatives."""
    candidate, n = name, 1
    while _RULE_NAMES.get(candidate, obj) is not obj:
        n += 1
        candidate = f"{name}_{n}"
    _RULE_NAMES[candidate] = obj
    return candidate


def for_records(fn, records):
    """The function a call of a derivative lowers to where the arguments of the parameters
    `records` are objects of the user's record classes (lower_calls._derivative_call): its
    reverse rule gives their derivatives as differentiated code holds a record's (a
    FieldGrads, runtime_values.field_grads), not the objects of their class the vjp gives
    back. `fn` itself where `records` is empty."""
    obj = _DERIVATIVE_OF.get(fn)
    if not records or obj is None:
        return fn
    made = _RECORD_CALLED.setdefault(obj, {})
    key = frozenset(records)
    if key not in made:
        made[key] = _called_function(obj, key)
    return made[key]


_RECORD_CALLED = weakref.WeakKeyDictionary()   # derivative -> {record parameters: function}
_DERIVATIVE_OF = weakref.WeakKeyDictionary()   # function calls lower to -> its derivative


def _called_function(obj, records=frozenset()):
    """A function calling `obj` with the derivative rules of a call of it: in reverse mode,
    one vjp of `obj` per argument the caller differentiates (for a gradient, forward mode
    over the gradient: one pass each), in forward mode its jvp. Those are derivatives
    srcdiff made too, so the caller's own derivatives can be differentiated again.
    `records`: the parameters passed records (for_records)."""
    from . import loader, rule_template, rules
    from .version import __version__
    from .core import GENERATED_PREFIX
    from .names import Namer
    sig = _signature(obj)
    params = [p.name for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if len(params) != len(sig.parameters):
        raise ArgumentError(f"{obj!r} takes *args or **kwargs")
    name = _name(obj)
    namer = Namer(params + ["d", "tangent_part"] + keyword.kwlist)   # grad(<lambda>): lambda_2
    target = namer.exact_or_fresh(name)
    args = ", ".join(params)
    namespace = {f"{target}_derivative": obj, "__name__": "srcdiff.generated"}
    # the emitted call passes every argument by position, in the signature's order (a call
    # leaving defaults out is bound with them filled: lower_calls._derivative_call, by the
    # derivative's signature, given to the function as __signature__); keyword-only ones go
    # on to the derivative by name
    passed = ", ".join(f"{p.name}={p.name}" if p.kind == p.KEYWORD_ONLY else p.name
                       for p in sig.parameters.values())
    text = (f"# Code generated by srcdiff {__version__}: a call of {obj!r} inside a "
            f"differentiated function. DO NOT EDIT.\n"
            f"def {target}({args}):\n    return {target}_derivative({passed})\n")
    filename = f"{GENERATED_PREFIX}compose-{next(_FILES)}/{target}.py"
    fn = loader.load(text, target, filename, namespace, None)
    fn.__signature__ = sig
    result = namer.exact_or_fresh("result")
    reverse_lines, forward_lines = [], []
    rule_namespace = {"d": rules.d, "__name__": "srcdiff.compose_rules",
                      "tangent_part": compose_runtime.tangent_part}
    if records:
        from .runtime_values import field_grads
        rule_namespace["field_grads"] = field_grads
    for p in params:
        vjp, jvp = transform("vjp", obj, p), transform("jvp", obj, p)
        vjp_name = _unique(namer.exact_or_fresh(f"vjp_{p}_of_{name}"), vjp)
        jvp_name = _unique(namer.exact_or_fresh(f"jvp_{p}_of_{name}"), jvp)
        rule_namespace[vjp_name], rule_namespace[jvp_name] = vjp, jvp
        reverse_lines.append(f"    d[{p}] = field_grads({vjp_name}({args}, d[{result}]))\n"
                             if p in records else
                             f"    d[{p}] = {vjp_name}({args}, d[{result}])\n")
        forward_lines.append(f"    d[{result}] = tangent_part({jvp_name}({args}, d[{p}]))\n")
    for mode, table, lines in (("reverse", rules.REVERSE, reverse_lines),
                               ("forward", rules.FORWARD, forward_lines)):
        rule_text = f"def {target}_{mode}({result}, {args}):\n" + "".join(lines)
        exec(compile(rule_text, f"<srcdiff rule of {target}>", "exec"), rule_namespace)
        rule = rule_namespace[f"{target}_{mode}"]
        rules._register(mode, table, [fn], rule,
                        body=lambda text=rule_text: rule_template.parse_template_text(text),
                        origin=f"srcdiff.compose ({mode} rule of a call of {obj!r})")
    _DERIVATIVE_OF[fn] = obj
    return fn


def _bound_transform(lowerer, name):
    """The call `srcdiff.grad(inner, ...)` (any transform) that the local `name` is bound to,
    where the function binds it there once and nowhere else (not a parameter): a call of
    `name` can only run with that derivative in it. None otherwise."""
    from . import syntax as S
    from .object_lists import _single_bindings
    value = _single_bindings(lowerer).get(name)
    if isinstance(value, S.Call) and isinstance(value.func, (S.Name, S.Attribute)) and \
            _static(lowerer, value.func) in _MAKERS:
        return value
    return None


def _static(lowerer, node):
    if lowerer._global_path(node) is None:
        return None
    try:
        return lowerer._static_value(node)
    except Exception:  # noqa: BLE001 - not a name srcdiff can read: not a derivative
        return None


def _static_argument(lowerer, node):
    """An argument of a transform written at the call: a constant, a tuple of them, or a
    name of a function (or value) the differentiated function reads."""
    from . import syntax as S
    if isinstance(node, S.Constant):
        return node.value
    if isinstance(node, S.Tuple):
        return tuple(_static_argument(lowerer, e) for e in node.elts)
    if isinstance(node, (S.Name, S.Attribute)) and lowerer._global_path(node) is not None \
            and not (isinstance(node, S.Name) and node.id in lowerer.locals):
        return lowerer._static_value(node)
    if isinstance(node, S.Lambda):
        return _lifted(lowerer, None, node)
    if isinstance(node, S.Name) and node.id in lowerer.locals:
        passed = _passed_function(lowerer, node.id)   # def sgd(loss, w): grad(loss)(w)
        if passed is not None:
            return passed
        local = lowerer.local_functions.get(node.id)
        if local is None:   # a parameter holding a closure of the caller's: its lifted copy
            from . import values
            from .callables import LocalFunction
            held = values.held(lowerer, node.id)
            local = held if isinstance(held, LocalFunction) else None
        if local is not None and not local.variadic:
            return _lifted(lowerer, local, node)
        if local is not None:   # (*args or **kwargs: its lifted copy takes them packed)
            raise lowerer.error(node, f"srcdiff makes a derivative inside a differentiated "
                                f"function of a function defined here only where it takes "
                                f"no *args or **kwargs: {node.id} does",
                                hint=f"give {node.id} named parameters, or define it at "
                                     "module level")
    raise lowerer.error(node, "a srcdiff transform made inside a differentiated function "
                        "takes functions by name and constant options",
                        hint="make the derivative once outside (g = srcdiff.grad(inner)) and "
                             "call g inside")


def _lifted(lowerer, local, node):
    """A lambda or nested def (`node`, its LocalFunction `local`) passed to a transform
    written in the function: a live function of its own parameters and then of its free
    variables (the enclosing function's locals it reads), made from its lifted copy
    (callables.LocalFunction). The transform of it is called with the free variables
    passed by name where the call is (`free_arguments` of the function derivative_called
    gives back), which are the values the closure reads when it is called there."""
    from . import loader, nested_defs
    from .resolver import _STATE
    import types
    if local is None:
        name = f"{lowerer.fdef.name}_lambda"
        had = lowerer.local_functions.get(name)
        local = nested_defs.local_function(lowerer, name, node)
        if had is None:
            del lowerer.local_functions[name]
        else:
            lowerer.local_functions[name] = had
    _refuse_renamed_reads(lowerer, local, node)
    key = (lowerer.src.filename, local.source.node.lineno, local.source.node.col_offset,
           tuple(local.lifted_params))
    made = _LIFTED.get(key)
    resolver = local.resolver   # (the module and closure of the function it is written in)
    if made is not None and made.__globals__ is resolver.globals:
        return made
    cells = {k: c.cell_contents for k, c in resolver.cells.items()
             if _filled(c)}   # the enclosing function's own closure: read as bindings
    home = [h.fn for h in _STATE.home if getattr(h, "fn", None) is not None]
    origin = home[-1] if home and getattr(home[-1], "__globals__", None) is \
        resolver.globals else types.FunctionType(
            (lambda: None).__code__, resolver.globals, local.__name__)
    made = loader.load_made(local.source.node, f"{local.__qualname__} lifted over the "
                            "variables it reads from the function around it", "lifted",
                            cells, origin)
    _LIFTED[key] = made
    _LIFTED_OWN[made] = (len(local.own_params), tuple(local.free))
    return made


def _closure_passed(lowerer, node):
    """The parameter `node` names where it holds a closure the caller passed (its free
    variables are the Closure's fields here: values._carried), else None (they are locals)."""
    from . import syntax as S
    if isinstance(node, S.Name) and node.id not in lowerer.local_functions:
        return node.id
    return None


def _passing(own, free, ref):
    """(args, keywords) of a call of a transform of a lifted function with its free
    variables added (locals of the function lowered, or the fields of the closure its
    parameter `ref` holds): by position after the function's own where the call passes
    more (a jvp's tangent, an hvp's vector follow them), else by name."""
    from . import syntax as S

    def add(args, keywords, lw, out):
        if ref is None:
            def load(v):
                return lw.expr(S.load(v), out)
        else:
            from .values import _carried
            closure = lw.expr(S.load(ref), out)

            def load(v):
                return _carried(lw, closure, v, out)
        if len(args) > own:
            return args[:own] + [load(v) for v in free] + args[own:], keywords
        return args, keywords + [_keyword(v, load(v)) for v in free]
    return add


def _keyword(name, value):
    from . import syntax as S
    return S.keyword(arg=name, value=value)


def _refuse_renamed_reads(lowerer, local, node):
    """A lambda written in a comprehension reading the comprehension's variable (its own
    scope's, renamed k_1 by the lowering; a k of the function is another variable): the
    lifted function would be passed the function's k. Refused, located."""
    from . import syntax as S
    from .core import assigned_names
    fdef = local.source.node
    at = (fdef.lineno, fdef.col_offset)
    bound = set(local.own_params) | assigned_names(fdef.body)
    reads = {m.id for stmt in fdef.body for m in S.walk(stmt) if isinstance(m, S.Name)
             and isinstance(m.ctx, S.Load)} - bound
    for comp in S.walk(lowerer.fdef):
        if not isinstance(comp, (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)):
            continue
        names = {n.id for g in comp.generators for n in S.walk(g.target)
                 if isinstance(n, S.Name)} & reads
        if names and any(isinstance(m, S.Lambda) and (m.lineno, m.col_offset) == at
                         for m in S.walk(comp)):
            name = sorted(names)[0]
            raise lowerer.error(node, f"srcdiff cannot make a derivative here of a lambda "
                                f"reading {name}, the variable of the comprehension it is "
                                "written in", hint=f"write the loop out (for {name} in "
                                f"...:), or pass {name} to the lambda as an argument")


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


_LIFTED = {}   # (file, line, column, parameters) of a lifted local function -> it, made
_LIFTED_OWN = weakref.WeakKeyDictionary()   # lifted function -> its free variables
_LIFTED_FREE = weakref.WeakKeyDictionary()   # transform of a lifted one -> its free variables


def _passed_function(lowerer, name):
    """The function a parameter or local holds where the code is specialised on it (a
    helper passed a module-level function: values.held), or None."""
    from . import values
    from .callables import LocalFunction, is_user_function
    obj = values.held(lowerer, name)
    if isinstance(obj, LocalFunction) or not callable(obj):
        return None   # (a nested function without free variables: a module-level one
        #               is what transforms take; a LocalFunction has no run-time object)
    return obj if is_user_function(obj) else None


def _makers():
    makers = [provided(kind) for kind in ("grad", "value_and_grad", "vjp", "jvp", "jacobian",
                                         "hessian", "hvp")]
    return {maker: maker for maker in makers}


class _Makers(dict):
    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def _fill(self):
        if not dict.__len__(self):
            self.update(_makers())


_MAKERS = _Makers()


provide("derivative_called", derivative_called)  # lower.py finds it there
provide("derivative_passed", derivative_passed)  # values.argument
provide("derivative_for_records", for_records)  # lower_calls._derivative_call
