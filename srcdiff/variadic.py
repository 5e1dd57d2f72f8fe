"""*args and **kwargs in the user's helpers, and starred displays and calls (stage 3, lower:
called by lower.py, lower_calls.py, lower_exprs.py, lower_copies.py, alias_flow_fresh.py and
derivative.py). Takes a call or display with `*xs` / `**kw`, or the differentiated
function's own call (`pack_call`); gives back the call bound to the parameters with *args as
a tuple and **kwargs as a dict, or raises a located refusal.

A helper's `*args` parameter is a tuple, its `**kwargs` a dict, made at each call from the
arguments that fill them (a display the caller builds: `concat(w, a, b)` passes `args =
(a, b)`), differentiated like any tuple or dict argument; the call emitted for the helper
itself spreads them again (syntax.VARIADIC, emit.py). `f(a, *xs)` where `*xs` is exactly
f's `*args` passes xs whole; `*xs` of a display (or a local bound once to one, whose length
nothing changes) passes its items; `**kw` of a dict display with string keys (or a local
bound once to one, keys added by statements of the body before the call included) passes
its keywords. `[*a, b]` and `(*a, b)` are concatenations (list(a) + [b]).

The function differentiated itself may take *args and **kwargs: its derivative is made per
call for the number of extra arguments and their keywords (pack_call: the emitted code
takes every parameter positionally, *args as a tuple, **kwargs as a dict); `wrt` counts
positions as the call passes them, and one inside *args is refused (wrt.py).

`*x` of an array parameter (or a constant slice of one, `*x[3:]`) passes its items (x[0],
x[1], ...): the derivative is made per length of the arrays it spreads so (spread_arrays,
called by derivative.py, noting `x.__rows__`).

`*xs` of a length srcdiff cannot see into a call without derivative (numpy.zeros(*shape),
rs.randn(*x.shape)) is passed as a tuple and spread again when it runs (spread_call).

Refused at the user's line: `*xs` of a length srcdiff cannot see that does not fill a
`*args` into a call with a derivative, `**kw` of keys it cannot see.
"""
import dis
import inspect
import types

from . import function_dicts, objects, values
from . import syntax as S
from .callables import LocalFunction, is_user_function
from .core import Kind
from .object_lists import _generated

ROWS = ".__rows__"   # known_types["x.__rows__"]: len(x) of an array parameter spread by *x


def parameter_names(fdef):
    """A def's parameters in the order of its signature, *args and **kwargs included."""
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args]
    if a.vararg is not None:
        names.append(_arg_name(a.vararg))
    names += [p.id for p in a.kwonlyargs]
    if a.kwarg is not None:
        names.append(_arg_name(a.kwarg))
    return names


def _arg_name(node):
    return node.id if isinstance(node, S.Name) else node.arg


# -- *args and **kwargs of the function differentiated itself --------------------------
def pack_call(sig, args, kwargs, extra=()):
    """A call of the derivative of a function taking *args or **kwargs, as its emitted code
    takes it: every parameter positionally (defaults filled, the extra positional arguments
    as a tuple, the extra keywords as a dict), then the `extra` parameters of the transform
    (tangents, a cotangent: by name, or the last positional arguments). Returns (the
    arguments, {}, what the code is specialised on: the tuple's length, the dict's keys)."""
    from .errors import ArgumentError
    kwargs = dict(kwargs)
    given = {e: kwargs.pop(e) for e in extra if e in kwargs}
    n = len(extra) - len(given)
    if n > len(args):
        raise ArgumentError(f"the derivative takes the function's arguments, then "
                            f"{', '.join(extra)}; {len(args)} positional given")
    primal, trailing = (args[:len(args) - n], args[len(args) - n:]) if n else (args, ())
    given.update(zip([e for e in extra if e not in given], trailing))
    try:
        bound = sig.bind(*primal, **kwargs)
    except TypeError as exc:
        raise ArgumentError(f"this call does not match the function's parameters: {exc}") \
            from None
    bound.apply_defaults()
    packed = [bound.arguments[name] for name in sig.parameters] + [given[e] for e in extra]
    return tuple(packed), {}, entry_key(sig, bound.arguments)


def entry_key(sig, arguments):
    """What a variant is made for: the length of the *args tuple, the keys of the **kwargs
    dict (in the order given)."""
    out = []
    for name, p in sig.parameters.items():
        if p.kind == p.VAR_POSITIONAL:
            out.append((name, len(arguments.get(name, ()))))
        elif p.kind == p.VAR_KEYWORD:
            out.append((name, tuple(arguments.get(name, {}))))
    return tuple(out)


def entry_facts(sig, arguments):
    """known_types for the *args tuple and the **kwargs dict passed (by name): their kinds,
    the tuple's length and the dict's keys, which lowering spreads them by."""
    facts = {}
    for (name, fact) in entry_key(sig, arguments):
        if isinstance(fact, int):
            facts[name], facts[name + ".__len__"] = tuple, fact
        else:
            facts[name], facts[name + ".__keys__"] = dict, fact
    return facts


def spread_arrays(fn, names, args, kwargs):
    """{name.__rows__: len(a)} for each array `a` passed for a parameter `name` that fn's
    code spreads (`f(*x)`, `g(*x[1:])`): its derivative is made for those lengths (the
    exact shapes key each variant; derivative.py adds these to the key for any shapes)."""
    spread = _spread_parameters(fn)
    out = {}
    for n, a in list(zip(names, args)) + list(kwargs.items()):
        shape = getattr(a, "shape", None) if n in spread else None
        if type(shape) is tuple and shape and type(shape[0]) is int:
            out[n + ROWS] = shape[0]
    return out


_SPREAD = {}   # fn's code -> the names its source spreads (read once per code object)


def _spread_parameters(fn):
    """The names fn's source spreads with a star, bare or sliced (`*x`, `*x[1:]`)."""
    code = getattr(fn, "__code__", None)
    if code in _SPREAD:
        return _SPREAD[code]
    if code is not None and not _may_star(code):
        return set()   # (no star in its bytecode: its source is not read here)
    from .frontend import get_source
    try:
        fdef = get_source(fn).node
    except Exception:   # noqa: BLE001 - no source: refused where it is lowered
        return set()
    names = {(n.value.value if isinstance(n.value, S.Subscript) else n.value).id
             for n in S.walk(fdef) if isinstance(n, S.Starred) and (
                 isinstance(n.value, S.Name) or isinstance(n.value, S.Subscript) and
                 isinstance(n.value.value, S.Name) and isinstance(n.value.slice, S.Slice))}
    if code is not None:
        if len(_SPREAD) > 4096:
            _SPREAD.clear()
        _SPREAD[code] = names
    return names


# the opcodes a star compiles to: f(*x), [*x], (*x,), {*x}, a, *b = x (3.9 and later)
_STAR_OPS = {"CALL_FUNCTION_EX", "LIST_EXTEND", "SET_UPDATE", "UNPACK_EX"}


def _may_star(code):
    """Whether `code` (or a code nested in it) may spread a name with a star: False only
    where none of the opcodes a star compiles to is there (an interpreter that has none of
    them by these names answers True, and the source is read)."""
    if not _STAR_OPS & set(dis.opmap):
        return True
    for c in _codes(code):
        if any(i.opname in _STAR_OPS for i in dis.get_instructions(c)):
            return True
    return False


def _codes(code):
    """`code` and the code objects nested in it (its defs, lambdas, comprehensions)."""
    yield code
    for k in code.co_consts:
        if isinstance(k, types.CodeType):
            yield from _codes(k)


def check_variadic(source, fdef, known_types):
    """*args and **kwargs: followed in a helper called with them (its caller made the tuple
    and the dict, known_types says so); refused in the function differentiated itself."""
    a = fdef.args
    for extra, kind in ((a.vararg, tuple), (a.kwarg, dict)):
        if extra is not None and known_types.get(_arg_name(extra)) is not kind:
            raise source.error(fdef, "srcdiff makes the derivative of a function taking "
                               "*args or **kwargs for the arguments of a call (how many, "
                               "which keywords), and has none here",
                               hint="call the derivative first (srcdiff.source then shows "
                                    "the code made for that call), or list the parameters")


def displays_passed(lw, node, fn, out):
    """`node`, a call of `fn`, with each list or tuple display of functions it passes to the
    user's function lowered first, for the callee (function_items.displays_passed); `node`
    itself where fn is no function of the user's or no argument is a display."""
    kinds = (S.List, S.Tuple, S.Name) if _generated(lw) else (S.List, S.Tuple)
    if not is_user_function(fn) or not any(isinstance(a, kinds) for a in
                                           node.args + [k.value for k in node.keywords]):
        return node
    from .function_items import displays_passed as lowered
    return lowered(lw, node, out)


def bind_call(lw, node, fn, args, keywords, out):
    """A call's arguments in the callee's parameter order, defaults filled; a *args
    parameter gets a tuple display of the extra positional arguments, **kwargs a dict
    display of the extra keywords. Returns (args, [], variadic): variadic is None, or the
    kinds of the parameters (for emit.py to spell the call)."""
    if isinstance(fn, LocalFunction) and not fn.variadic:
        full, _ = lw._bind_user_call(node, fn, args, keywords)
        return full, [], None
    sig = inspect.signature(fn, follow_wrapped=False)
    kinds = [p.kind for p in sig.parameters.values()]
    if inspect.Parameter.VAR_POSITIONAL not in kinds and \
            inspect.Parameter.VAR_KEYWORD not in kinds:
        full, _ = lw._bind_user_call(node, fn, args, keywords)
        # act(x, "relu") of `def act(x, kind="tanh"): return ACTS[kind](x)`
        full = function_dicts.keys_passed(lw, fn, list(sig.parameters), full, out)
        return full, [], None
    try:
        bound = sig.bind(*args, **{k.arg: k.value for k in keywords})
    except TypeError as exc:
        raise lw.error(node, f"this call does not match {fn.__qualname__}'s parameters: "
                       f"{exc}") from None
    full, spelled = [], []
    for name, param in sig.parameters.items():
        if param.kind == param.VAR_POSITIONAL:
            items = list(bound.arguments.get(name, ()))
            given = _passed_through(node, items)
            if given is not None:
                atom = given
                length = getattr(node, "sd_star_length", None)
            else:
                atom = lw.temp(out, S.Tuple(elts=items, ctx=S.Load()), Kind.DISPLAY, name)
                lw.spelled[atom.id] = f"{fn.__name__}'s *{name}"   # refusals name it so
                length = len(items)
            lw.locals.add(atom.id)
            values.known_values(lw)[atom.id] = tuple
            if given is None:   # apply(x, np.sin, act): the functions it holds
                from .function_items import item_facts
                item_facts(lw, atom, items)
            if length is not None:   # the callee may spread it again: f(*args)
                values.known_values(lw)[atom.id + ".__len__"] = length
            full.append(atom)
            spelled.append(("*", name))
        elif param.kind == param.VAR_KEYWORD:
            extra = bound.arguments.get(name, {})
            atom = lw.temp(out, S.Dict(keys=[S.const(k) for k in extra],
                                       values=list(extra.values())), Kind.DISPLAY, name)
            lw.spelled[atom.id] = f"{fn.__name__}'s **{name}"
            lw.locals.add(atom.id)
            values.known_values(lw)[atom.id] = dict
            values.known_values(lw)[atom.id + ".__keys__"] = tuple(extra)   # for f(**kwargs)
            from .entry_classes import note_keywords   # kw["l"] of run(l=layer): its class
            note_keywords(lw, node, atom, extra, objects.class_of)
            full.append(atom)
            spelled.append(("**", name))
        else:
            if name in bound.arguments:
                full.append(bound.arguments[name])
            else:
                full.append(lw.default_argument(fn, name, param.default))
            spelled.append(("=" if param.kind == param.KEYWORD_ONLY else "", name))
    return full, [], tuple(spelled)


def _passed_through(node, items):
    """The tuple a `*xs` argument passes whole as the callee's *args (unstar_call marks
    it), or None."""
    through = getattr(node, "sd_star_through", None)
    if through is not None and len(items) == 1 and isinstance(items[0], S.Name) and \
            items[0].id == through.id:
        return through
    return None


def unstar_call(lw, node, out):
    """A call without `*xs` and `**kw` arguments: a starred display or a name bound once to
    one gives its items; `**{...}` and a dict display bound once (items written later with
    literal keys included) give their keywords; `f(a, *xs)` where f's *args takes what
    xs holds passes xs whole. Refused otherwise, at the call."""
    stars = [a for a in node.args if isinstance(a, S.Starred)]
    dstars = [k for k in node.keywords if k.arg is None]
    if not stars and not dstars:
        return node
    args, keywords, through, star_length, spread = [], [], None, None, []
    for a in node.args:
        if not isinstance(a, S.Starred):
            args.append(a)
            continue
        items = _display_items(lw, a.value)
        if items is not None:
            args.extend(items)
            continue
        if a is node.args[-1] and len(stars) == 1 and _fills_varargs(lw, node, len(args)):
            tup = _tuple_of(lw, lw.expr(a.value, out), out)
            through = tup
            star_length = _param_fact(lw, a.value, ".__len__")
            args.append(tup)
            continue
        count = _fixed_arity(lw, node, len(args), len(node.args) - 1 - node.args.index(a)) \
            if len(stars) == 1 else None
        if count is not None:   # f(*v) of f(a, b, c): v's 3 items, checked when it runs
            atom = lw.expr(a.value, out)
            if isinstance(atom, S.Name):
                lw.locals.add(atom.id)
            lw._check_unpacked(atom, count, out)
            args.extend(S.Subscript(value=atom, slice=S.const(i), ctx=S.Load())
                        for i in range(count))
            continue
        if _spreads_at_run_time(lw, node):
            # a call without derivative (numpy.zeros(*shape), rs.randn(*x.shape)): the
            # tuple spread again when it runs, whatever its length (spread_call)
            atom = lw.expr(a.value, out)
            tup = _tuple_of(lw, atom, out)
            spread.append(len(args))
            args.append(tup)
            continue
        raise lw.error(node, "srcdiff passes *xs only where it fills a *args parameter, "
                       "where xs is a list or tuple display or an array parameter (or a "
                       "constant slice of one), into a function of a fixed number of "
                       "parameters, or into a call without derivative (numpy.zeros(*shape), "
                       "rs.randn(*x.shape)): it cannot tell how many items xs holds here",
                       hint="unpack it into names first (a, b, c = xs) and pass those, "
                            "or pass the items one by one (f(xs[0], xs[1]))")
    for k in node.keywords:
        if k.arg is not None:
            keywords.append(k)
            continue
        entries = _dict_entries(lw, k.value)
        if entries is None:
            raise lw.error(node, "srcdiff passes **kw only where kw is a dict display with "
                           "string keys, or a local bound once to one",
                           hint="pass the keywords one by one")
        keywords += entries
    new = S.Call(func=node.func, args=args, keywords=keywords)
    _place_call(new, node)
    if through is not None:
        new.sd_star_through = through
        new.sd_star_length = star_length
    if spread:
        new.sd_spread = tuple(spread)
    return new


def _tuple_of(lw, atom, out):
    """tuple(xs) for a `*xs` passed on whole."""
    from . import runtime
    tup = lw.temp(out, S.Call(func=lw._runtime_helper("sequence_of"), args=[
        lw.bind("tuple", tuple), atom], keywords=[]), Kind.CALL, "args",
        func=runtime.sequence_of)
    lw.locals.add(tup.id)
    return tup


def _spreads_at_run_time(lw, node):
    """Whether the call `node` carries no derivative, so a `*xs` of any length may be
    spread again when it runs: a function without derivative (numpy.zeros, numpy.random's)
    or a method of an object srcdiff does not follow (rs.randn of a RandomState), which
    spread_call checks once lowered."""
    func = node.func
    if isinstance(func, S.Attribute) and lw._global_path(func) is None:
        from .callables import ARRAY_METHODS
        return func.attr not in ARRAY_METHODS   # followed (or refused) once lowered
    if not isinstance(func, (S.Name, S.Attribute)) or (isinstance(func, S.Name) and (
            func.id in lw.locals or func.id in lw.local_functions)):
        return False
    from . import rules
    obj = lw._callee_object(func)
    return obj is not None and rules.is_nondifferentiable(obj)


def spread_call(lw, node, stmt):
    """The lowered call of `node` whose `*xs` were kept as tuples (unstar_call): marked so
    that emit.py spreads them again; refused at the call where it was lowered to anything
    but a call of a function without derivative, or of an object's method srcdiff does not
    follow, passing the tuples where they were."""
    from . import rules
    positions = getattr(node, "sd_spread", ())
    call = getattr(stmt, "value", None) if stmt is not None else None
    dynamic = stmt is not None and getattr(stmt.sd, "dynamic_method", False)
    fine = isinstance(call, S.Call) and (dynamic or (
        stmt.sd.func is not None and rules.is_nondifferentiable(stmt.sd.func)))
    if fine:
        expected = [node.args[i] for i in positions]
        fine = len(call.args) == len(node.args) and all(
            isinstance(call.args[i], S.Name) and call.args[i].id == e.id
            for i, e in zip(positions, expected))
    if not fine:
        raise lw.error(node, "srcdiff passes *xs of a length it cannot see only into a "
                       "call without derivative (numpy.zeros(*shape), rs.randn(*x.shape))",
                       hint="pass the items one by one (f(xs[0], xs[1]))")
    spelled = [("*" if i in positions else "", "") for i in range(len(call.args))]
    spelled += [("=", k.arg) for k in call.keywords]
    call.args = list(call.args) + [k.value for k in call.keywords]
    call.keywords = []
    setattr(call, S.VARIADIC, tuple(spelled))
    return stmt


def _place_call(new, old):
    new.lineno, new.col_offset = old.lineno, old.col_offset
    for attr in ("end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))


def _fills_varargs(lw, node, position):
    """Whether the callee of `node` is the user's function whose *args starts at
    `position` (so a trailing *xs is exactly its *args)."""
    func = node.func
    if isinstance(func, S.Name) and func.id in lw.locals:
        obj = values.held(lw, func.id)
    else:
        obj = lw._callee_object(func)
    if obj is None or not is_user_function(obj) or isinstance(obj, LocalFunction):
        return False
    params = list(inspect.signature(obj, follow_wrapped=False).parameters.values())
    for i, p in enumerate(params):
        if p.kind == p.VAR_POSITIONAL:
            return i == position
    return False


def _fixed_arity(lw, node, position, after):
    """How many items the one `*xs` of the call `node` must give, `position` arguments
    before it and `after` after it: the number of positional parameters left between
    them, where the callee is a function of the user's
    (or a def of this function) taking no *args, with no default among those parameters
    and none of them passed by keyword; None otherwise."""
    func = node.func
    if not isinstance(func, S.Name):
        return None
    if func.id in lw.local_functions:
        obj = lw.local_functions[func.id]
    elif func.id in lw.locals:
        obj = values.held(lw, func.id)
    else:
        obj = lw._callee_object(func)
    if obj is None or not (is_user_function(obj) or isinstance(obj, LocalFunction)):
        return None
    try:
        params = list(inspect.signature(obj, follow_wrapped=False).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                  p.POSITIONAL_OR_KEYWORD)]
    rest = positional[position:len(positional) - after]
    named = {k.arg for k in node.keywords}
    if position + after > len(positional) or any(
            p.default is not p.empty or p.name in named for p in positional[position:]):
        return None
    return len(rest)


def _display_items(lw, node):
    """The item expressions of a list or tuple display (its starred items spread where
    their own items are known: `(*xs, y)`), or of a local bound once to one, whose length
    nothing changes (or a constant slice of it, `xs[::-1]`), for `*xs`; None otherwise."""
    if isinstance(node, (S.List, S.Tuple)):
        items = []
        for e in node.elts:
            inner = _display_items(lw, e.value) if isinstance(e, S.Starred) else [e]
            if inner is None:
                return None
            items.extend(inner)
        return items
    picked = None
    if isinstance(node, S.Subscript) and isinstance(node.value, S.Name) and isinstance(
            node.slice, S.Slice):   # xs[::-1], xs[1:]: a constant slice of such a local
        bounds = [_int_constant(b) for b in (node.slice.lower, node.slice.upper,
                                             node.slice.step)]
        if any(b is False for b in bounds) or bounds[2] == 0:
            return None
        picked, node = slice(*bounds), node.value
    length = _known_length(lw, node)
    if length is None:
        return None
    return [S.Subscript(value=S.load(node.id), slice=S.const(i), ctx=S.Load())
            for i in range(length)[picked or slice(None)]]


def _int_constant(node):
    """The int a slice's bound writes (None where left out), else False."""
    if node is None:
        return None
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        inner = _int_constant(node.operand)
        return -inner if type(inner) is int else False
    return node.value if isinstance(node, S.Constant) and type(node.value) is int else False


def _known_length(lw, node):
    """How many items `node` holds where srcdiff can see it: a helper's *args (its length
    known where it is called), an array parameter spread (spread_arrays), a display, or a
    local bound once to a display whose length nothing changes; None otherwise."""
    if isinstance(node, (S.List, S.Tuple)):
        total = 0
        for e in node.elts:
            n = _known_length(lw, e.value) if isinstance(e, S.Starred) else 1
            if n is None:
                return None
            total += n
        return total
    length = _param_fact(lw, node, ".__len__")
    if length is None:   # an array parameter's length, where its derivative is made per one
        length = _param_fact(lw, node, ROWS)
    if length is not None:
        return length
    if isinstance(node, S.Name) and node.id in lw.locals:
        value = values._single_bindings(lw).get(node.id)
        if isinstance(value, (S.List, S.Tuple)) and not objects._grown(lw, node.id):
            return _known_length(lw, value)
    return None


def _param_fact(lw, node, fact):
    """A fact about a parameter never rebound (its tuple's length, its dict's keys) that the
    call site gave, or None."""
    if isinstance(node, S.Name) and node.id in lw.params and node.id not in _own_stores(
            lw.fdef.body):
        return lw.known_types.get(node.id + fact)
    return None


def _own_stores(body):
    """The names the statements bind in their own scope: a nested def's parameters and
    locals are its own (`def inner(**kw)` rebinds no kw here), but what it declares
    nonlocal is bound here."""
    out, stack = set(), list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda)):
            out.add(getattr(node, "name", None))
            out.update(n for m in S.walk(node) if isinstance(m, S.Nonlocal) for n in m.names)
            a = getattr(node, "args", None)
            stack.extend(getattr(node, "decorator_list", []) + (
                a.defaults + [d for d in a.kw_defaults if d is not None] if a else []))
            continue
        if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Param, S.Del)):
            out.add(node.id)
        stack.extend(S.iter_child_nodes(node))
    return out


def _dict_entries(lw, node):
    keys = _param_fact(lw, node, ".__keys__")
    if keys is not None:   # a helper's **kwargs, its keys known where it is called
        return [S.keyword(arg=k, value=S.Subscript(value=S.load(node.id), slice=S.const(k),
                                                   ctx=S.Load())) for k in keys]
    if isinstance(node, S.Dict) and all(isinstance(k, S.Constant) and isinstance(
            k.value, str) for k in node.keys):
        return [S.keyword(arg=k.value, value=v) for k, v in zip(node.keys, node.values)]
    if isinstance(node, S.Name) and node.id in lw.locals:
        value = values._single_bindings(lw).get(node.id)
        if isinstance(value, S.Dict) and all(isinstance(k, S.Constant) and isinstance(
                k.value, str) for k in value.keys):
            keys = [k.value for k in value.keys]
            # items added by statements of the body itself before the call: kw['c'] = ...
            for stmt in lw.fdef.body:
                if isinstance(stmt, S.Assign) and stmt.lineno < node.lineno and len(
                        stmt.targets) == 1 and _literal_item(stmt.targets[0], node.id):
                    if stmt.targets[0].slice.value not in keys:
                        keys.append(stmt.targets[0].slice.value)
            for n in S.walk(lw.fdef):   # other writes: the keys may differ when called
                if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store) and isinstance(
                        n.value, S.Name) and n.value.id == node.id:
                    if not _literal_item(n, node.id) or n.slice.value not in keys:
                        return None
            return [S.keyword(arg=k, value=S.Subscript(value=S.load(node.id), slice=S.const(k),
                                                       ctx=S.Load())) for k in keys]
    return None


def _literal_item(node, name):
    return (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
            and node.value.id == name and isinstance(node.slice, S.Constant)
            and isinstance(node.slice.value, str))


def starred_display(lw, node, out, target):
    """`[*a, b]` / `(*a, b)`: the concatenation list(a) + [b] (tuple(a) + (b,))."""
    from . import runtime
    kind = list if isinstance(node, S.List) else tuple
    parts, run = [], []

    def flush():
        if run:
            parts.append(lw.temp(out, type(node)(elts=list(run), ctx=S.Load()), Kind.DISPLAY,
                                 "items"))
            run.clear()
    for e in node.elts:
        if isinstance(e, S.Starred):
            flush()
            atom = lw.expr(e.value, out)
            parts.append(lw.temp(out, S.Call(func=lw._runtime_helper("sequence_of"), args=[
                lw.bind(kind.__name__, kind), atom], keywords=[]), Kind.CALL, "items",
                func=runtime.sequence_of))
        else:
            run.append(lw.expr(e, out))
    flush()
    for p in parts:
        lw.locals.add(p.id)
    total = parts[0]
    for p in parts[1:-1]:
        total = lw.temp(out, S.BinOp(left=total, op=S.Add(), right=p), Kind.BINOP, "items",
                        func=__import__("operator").add)
        lw.locals.add(total.id)
    if len(parts) == 1:
        return lw.assign(target, total, Kind.COPY)
    import operator
    return lw.assign(target, S.BinOp(left=total, op=S.Add(), right=parts[-1]), Kind.BINOP,
                     func=operator.add)
