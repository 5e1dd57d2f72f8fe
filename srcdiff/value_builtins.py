"""Builtins that take a function value, lowered where they are called (stage 3, lower: called
by lower_calls.py). Takes a call of `functools.partial`, `map`, `sorted` or
`dataclasses.replace` in the user's function (with the Lowerer, `lw`); gives back its
lowering:

* `functools.partial(fn, a, k=b)` made here: its arguments copied where it is made, noted
  (values.LocalPartial) for the calls of the name it is bound to (values.held); a partial
  of a partial is made as one partial (`partial(partial(g, a), b)` is `partial(g, a, b)`),
  and a partial called where it is made (`partial(g, k=a)(x)`: partial_called, for
  idioms.expand_call) calls g with its arguments;
* `map(f, xs, ...)`: the list `[f(x) for x in xs]` (zip of the sequences for several); f
  may be a method of a local object (`map(layer.forward, xs)`);
* `sorted(xs, key=f, reverse=r)`: the items of xs in the order of their keys (an order
  carries no derivative: runtime_values.sort_order);
* `dataclasses.replace(p, w=v)`, p a name holding a dataclass object of a class known here
  (a parameter, a record made here or given back by a helper): the record made as
  `P(w=v, b=p.b, ...)`, which is what replace calls (`_replace`: every field its __init__
  takes, those not changed read from p).

The function they take must be known where the code is compiled (values.py says which
values are); `m = map(...)` (an iterator used up by its first reader) is refused.
"""
import functools

from . import syntax as S
from .core import Kind
from .objects import _state
from .values import (LocalPartial, call_held, called_value, held, is_function_value,
                     lambda_value)


def desugar_call(lw, node, obj, out, discard):
    import dataclasses
    if obj is dataclasses.replace:
        return _replace(lw, node, out, discard)
    if obj is map:
        return _map(lw, node, out, discard)
    if obj is functools.partial:
        # a call of functools.partial, which has no rule: where the partial itself carries
        # a derivative (passed to odeint, returned), refused as before; its calls are not
        # through it (call_held), so where it is only called it is not differentiated
        return lw._result(make_partial(lw, node, out), Kind.CALL, functools.partial, discard)
    return _sorted(lw, node, out, discard)


def make_partial(lw, node, out):
    """`functools.partial(fn, a, k=b)` in the function: its arguments copied where it is
    made, for the calls of the name it is bound to (held). A partial of a partial made
    there (`partial(partial(g, a), b)`) is made as `partial(g, a, b)`, which is what it
    calls (a keyword of the outer one overrides the inner one's, as it would in the call)."""
    made, fn_node = _local_partial(lw, node, out)
    _state(lw)["partials"][id(node)] = made
    ref = lw.bind("functools.partial", functools.partial)
    fn_atom = lw.expr(fn_node, out)
    value = S.Call(func=ref, args=[fn_atom] + list(made.args), keywords=[
        S.keyword(arg=k, value=v) for k, v in made.keywords.items()])
    return value


def partial_called(lw, node, out, discard):
    """`functools.partial(g, a, k=b)(x)`, a partial called where it is made (a partial of a
    partial too): its arguments evaluated first, as Python does, then g called with them,
    the call's own arguments and keywords (a keyword of the call overrides the partial's).
    None where node.func is not such a call. Called by idioms.expand_call."""
    if not _partial_made(lw, node.func):
        return None
    made, _ = _local_partial(lw, node.func, out)
    from .variadic import unstar_call   # partial(g, a)(*xs): the items of a display
    node = unstar_call(lw, node, out)
    if getattr(node, "sd_spread", None):
        raise lw.error(node, "srcdiff cannot tell how many items this *xs passes to the "
                       "partial", hint="pass the arguments one by one")
    return call_held(lw, node, made, out, discard)


def _partial_made(lw, node):
    """Whether `node` is a call of functools.partial itself (by any name it has here)."""
    return isinstance(node, S.Call) and isinstance(node.func, (S.Name, S.Attribute)) and \
        lw._global_path(node.func) is not None and \
        lw._callee_object(node.func) is functools.partial


def _local_partial(lw, node, out, seen=lambda atom: atom):
    """The LocalPartial of the call `node` of functools.partial, its arguments lowered in
    Python's order (an inner partial's first; each atom given to `seen` first), and the
    node of the function it calls."""
    if not node.args:
        raise lw.error(node, "functools.partial needs the function first")
    if any(k.arg is None for k in node.keywords) or any(
            isinstance(a, S.Starred) for a in node.args):
        raise lw.error(node, "* and ** in functools.partial are not supported",
                       hint="pass the arguments one by one: functools.partial(g, a, k=v)")
    fn_node = node.args[0]
    if _partial_made(lw, fn_node):   # partial(partial(g, a, k=b), c): partial(g, a, c, k=b)
        inner, fn_node = _local_partial(lw, fn_node, out, seen)
        fn, args, keywords = inner.fn, list(inner.args), dict(inner.keywords)
        method = getattr(inner, "method", False)
    else:   # partial(layer.forward, a): the class's function given the object first
        found = _method_of(lw, fn_node, out, seen)
        method = found is not None
        fn, args, keywords = found or (_function_of(lw, fn_node), [], {})
    args += [_kept(lw, a, seen(lw.expr(a, out)), out) for a in node.args[1:]]
    for k in node.keywords:
        keywords.pop(k.arg, None)   # the outer partial's keyword wins (and comes last)
        keywords[k.arg] = _kept(lw, k.value, seen(lw.expr(k.value, out)), out)
    made = LocalPartial(fn, args, keywords)
    made.method = method   # (args[0]: the object of fn_node, `layer.forward`)
    return made, fn_node


def _method_of(lw, fn_node, out, seen):
    """(the function of the class, [the object], {}) where `fn_node` is `obj.method` of a
    local or parameter whose class srcdiff knows (objects.object_class: checked where it
    runs where read from the objects passed) and `method` a plain function of that class,
    not a field; None for anything else (a partial keeps the object itself: the one the
    name held when it was made)."""
    import inspect
    if not (isinstance(fn_node, S.Attribute) and isinstance(fn_node.value, S.Name) and
            fn_node.value.id in lw.locals):
        return None
    from .field_calls import instance_fields
    from .objects import class_of, known_values, object_class
    cls = class_of(lw, fn_node.value, set())
    method = inspect.getattr_static(cls, fn_node.attr, None) if isinstance(cls, type) else None
    if not inspect.isfunction(method) or fn_node.attr in instance_fields(cls):
        return None
    base = seen(lw.expr(fn_node.value, out))
    if not isinstance(base, S.Name) or object_class(lw, fn_node.value, base, out) is not cls:
        return None
    kept = _kept(lw, fn_node.value, base, out)
    known_values(lw)[kept.id] = cls
    return method, [kept], {}


def _kept(lw, node, atom, out):
    """A partial's argument, kept as the partial keeps it: the object the name had (a later
    rebinding of the name does not change it; a write into it in place changes both, so the
    copy of the name is one the aliasing checks see, aliasing.py)."""
    if not (isinstance(atom, S.Name) and atom.id in lw.locals):
        return atom
    name = lw.namer.exact_or_fresh(atom.id + "_in_partial")
    out.append(lw.assign(name, atom, Kind.COPY))
    lw.locals.add(name)
    lw.user_names.add(name)
    return S.load(name)


def _function_of(lw, fn_node):
    """The function a function expression means here (partial's first argument, map's)."""
    if isinstance(fn_node, S.Name) and fn_node.id in lw.local_functions:
        return lw.local_functions[fn_node.id]
    if isinstance(fn_node, S.Name) and fn_node.id in lw.locals:
        obj = held(lw, fn_node.id)
    elif isinstance(fn_node, (S.Name, S.Attribute)) and lw._global_path(fn_node) is not None:
        obj = lw._callee_object(fn_node)
    else:
        obj = None
    if obj is None or not (is_function_value(obj) or called_value(lw, obj)
                           or isinstance(obj, LocalPartial)):
        hint = "name a function defined at module level or in this function"
        if isinstance(fn_node, S.Attribute):   # map(self.layers[0].forward, xs)
            hint += (f", or bind the object to a name first (obj = {S.spell(fn_node.value)}; "
                     f"then obj.{fn_node.attr})")
        raise lw.error(fn_node, "srcdiff needs to know which function this is where the "
                       "code is compiled", hint=hint)
    return obj


def _caller(lw, node, out):
    """How a comprehension calls map's or sorted's function: items -> the call. A name
    (a lambda gets one), a method of a local object (`layer.forward`), or
    `functools.partial(g, a, k=b)` written there: g called with the partial's arguments,
    evaluated once, where the partial is made."""
    if isinstance(node, S.Lambda):
        fn = lambda_value(lw, node, out)
    elif isinstance(node, S.Call) and isinstance(node.func, (S.Name, S.Attribute)) and \
            lw._global_path(node.func) is not None and \
            lw._callee_object(node.func) is functools.partial:
        return _partial_caller(lw, node, out)
    elif isinstance(node, S.Attribute) and isinstance(node.value, S.Name) and \
            node.value.id in lw.locals:
        # map(layer.forward, xs): layer.forward(x) for each item, lowered as a method call
        # where it is written (its class known there, or refused there); the name `layer`
        # cannot be rebound while the items are made, so it is the object map would bind
        fn = S.clone(node)
    else:
        _function_of(lw, node)
        fn = S.clone(node)
    return lambda items: S.Call(func=S.clone(fn), args=list(items), keywords=[])


def _local(lw, atom, out):
    """An atom the comprehension reads: a temporary made here is a local of the function."""
    if isinstance(atom, S.Name) and atom.id not in lw.locals and any(
            isinstance(t, S.Name) and t.id == atom.id for stmt in out
            for t in getattr(stmt, "targets", ())):
        lw.locals.add(atom.id)
    return atom


def _partial_caller(lw, node, out):
    """map(partial(g, a, k=b), xs) (a partial of a partial too, as one partial of g): g
    called with the partial's arguments, evaluated once, here, then each item."""
    if any(isinstance(a, S.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords):
        raise lw.error(node, "srcdiff follows functools.partial(g, ...) here only with g "
                       "first and its arguments one by one",
                       hint="pass the arguments one by one, without * or **")
    made, fn_node = _local_partial(lw, node, out, lambda atom: _local(lw, atom, out))
    if isinstance(made.fn, LocalPartial):
        raise lw.error(node, "srcdiff follows a functools.partial here only of a named "
                       "function", hint="make the partial of a function defined at module "
                       "level or in this function")
    args, keywords = list(made.args), list(made.keywords.items())
    if getattr(made, "method", False):   # partial(layer.forward, a): layer.forward(a, item), called here
        args = args[1:]

    def call(items):
        return S.Call(func=S.clone(fn_node), args=[S.clone(a) for a in args] + list(items),
                      keywords=[S.keyword(arg=k, value=S.clone(v)) for k, v in keywords])
    return call


def _fresh_local(lw, stem):
    name = lw.namer.fresh(stem)
    lw.locals.add(name)
    return name


def _map(lw, node, out, discard):
    if len(node.args) < 2 or node.keywords:
        raise lw.error(node, "map takes a function and one or more sequences")
    for n in S.walk(lw.fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.NamedExpr)) and n.value is node:
            # an iterator, used up by its first reader: srcdiff makes a list, which is not
            raise lw.error(node, "srcdiff reads map(...) as the list of its results, which "
                           "a name bound to it would not be after its first use",
                           hint="bind list(map(...)) instead, or use map where it is read "
                                "(for v in map(...), sum(map(...)), list(map(...)))")
    inline = _method_lambda(node.args[0], len(node.args) - 1) and not any(
        isinstance(m, S.NamedExpr) for m in S.walk(node))
    call = None if inline else _caller(lw, node.args[0], out)
    seqs = []
    for seq in node.args[1:]:
        if inline and isinstance(seq, S.Name) and seq.id in lw.locals:
            seqs.append(S.clone(seq))   # read by the comprehension at once (its items' class)
            continue
        seqs.append(S.load(_fresh_local(lw, "seq")))
        out.append(lw.assign(seqs[-1].id, lw.expr(seq, out), Kind.COPY))
    # map(lambda layer: layer.forward(x), layers): the lambda's body, its parameters the
    # comprehension's own names, so the items' class is known where the method is called
    items = [S.load(a.id) if inline else S.load(_fresh_local(lw, "item"))
             for a in (node.args[0].args.args if inline else seqs)]
    if len(seqs) == 1:
        target, it = S.store(items[0].id), seqs[0]
    else:
        target = S.Tuple(elts=[S.store(i.id) for i in items], ctx=S.Store())
        it = S.Call(func=S.load("zip"), args=seqs, keywords=[])
        it = _builtin(lw, it, "zip")
    comp = S.ListComp(elt=S.clone(node.args[0].body) if inline else call(items), generators=[
        S.comprehension(target=target, iter=it, ifs=[], is_async=0)])
    _place(comp, node)
    atom = lw.comprehension(comp, out)
    return lw._result(atom, Kind.COPY, None, discard)


def _method_lambda(fn, n):
    """Whether `fn` is a lambda of `n` plain parameters whose body calls a method of one of
    them (`lambda layer: layer.forward(x)`), and binds no name (a walrus would bind it in
    the lambda, not around it): map's comprehension may then be its body itself."""
    if not isinstance(fn, S.Lambda):
        return False
    a = fn.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.defaults or a.posonlyargs or \
            len(a.args) != n or any(isinstance(m, (S.NamedExpr, S.Yield, S.YieldFrom, S.Lambda,
                                                   S.Await)) for m in S.walk(fn.body)):
        return False
    params = {p.id for p in a.args}
    return any(isinstance(m, S.Call) and isinstance(m.func, S.Attribute) and
               isinstance(m.func.value, S.Name) and m.func.value.id in params
               for m in S.walk(fn.body))


def _builtin(lw, call, name):
    """A call of the builtin `name` inside a rewrite: refused where a local hides it."""
    if name in lw.locals or lw.resolver.lookup(name, None) is not __builtins_of(name):
        raise lw.error(call, f"the name {name!r} does not mean the builtin here",
                       hint=f"rename what hides {name}")
    return call


def __builtins_of(name):
    import builtins
    return getattr(builtins, name)


def _place(new, old):
    for n in S.walk(new):
        if hasattr(n, "lineno") or isinstance(n, (S.expr, S.stmt)):
            n.lineno, n.col_offset = old.lineno, old.col_offset


def _sorted(lw, node, out, discard):
    """sorted(xs, key=f, reverse=r): the items of xs in the order runtime_values.sort_order
    gives their keys (a permutation: no derivative)."""
    from . import runtime_values
    if len(node.args) != 1 or any(k.arg not in ("key", "reverse") for k in node.keywords):
        raise lw.error(node, "sorted takes one sequence, and key= and reverse=")
    kw = {k.arg: k.value for k in node.keywords}
    seq = _fresh_local(lw, "seq")
    out.append(lw.assign(seq, lw.sequence(node.args[0], out), Kind.COPY))   # a dict's keys
    keys = S.load(seq)
    if kw.get("key") is not None and not (isinstance(kw["key"], S.Constant)
                                          and kw["key"].value is None):
        call = _caller(lw, kw["key"], out)
        item = _fresh_local(lw, "item")
        comp = S.ListComp(elt=call([S.load(item)]), generators=[
            S.comprehension(target=S.store(item), iter=S.load(seq), ifs=[], is_async=0)])
        _place(comp, node)
        keys = lw.comprehension(comp, out)
    reverse = lw.expr(kw["reverse"], out) if "reverse" in kw else S.const(False)
    lw.bindings["sort_order"] = runtime_values.sort_order
    order = lw.temp(out, S.Call(func=S.load("sort_order"), args=[keys, reverse], keywords=[]),
                    Kind.CALL, "order", func=runtime_values.sort_order)
    lw.locals.add(order.id)
    index = _fresh_local(lw, "index")
    comp = S.ListComp(elt=S.Subscript(value=S.load(seq), slice=S.load(index), ctx=S.Load()),
                      generators=[S.comprehension(target=S.store(index), iter=order, ifs=[],
                                                  is_async=0)])
    _place(comp, node)
    atom = lw.comprehension(comp, out)
    return lw._result(atom, Kind.COPY, None, discard)


def _replace(lw, node, out, discard):
    """`dataclasses.replace(p, w=v)`: `P(w=v, b=p.b, ...)` made as a record of P
    (records.make_record), the changes first, then each other field P's __init__ takes, read
    from p, as replace does; P is p's class where it is known here, a dataclass srcdiff
    reads as a record with no field its __init__ leaves out (init=False), and p a name.
    Anything else is refused at the call."""
    import dataclasses
    from . import records
    from .callables import canonical_path
    from .objects import class_of
    target = node.args[0] if len(node.args) == 1 else None
    cls = class_of(lw, target, set()) if isinstance(target, S.Name) else None
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and
            records.is_record_class(cls) and canonical_path(cls) is not None and
            all(f.init for f in dataclasses.fields(cls))):
        raise lw.error(node, "srcdiff follows dataclasses.replace(p, field=value) only where "
                       "p is a name holding an object of a dataclass it knows here whose "
                       "__init__ only stores its fields (no __post_init__, no init=False "
                       "field)", hint="make the new object with its class, passing each "
                       "field: P(w=..., b=p.b)")
    fields = [f.name for f in dataclasses.fields(cls)]
    changed = [k.arg for k in node.keywords]
    if None in changed or any(k not in fields for k in changed):
        raise lw.error(node, f"dataclasses.replace changes only {cls.__qualname__}'s fields "
                       f"({', '.join(fields)}), each by name")
    kept = [S.keyword(arg=name, value=S.Attribute(value=S.load(target.id), attr=name,
                                                  ctx=S.Load()))
            for name in fields if name not in changed]
    for k in kept:
        _place(k.value, node)
    made = S.Call(func=S.clone(node.func), args=[], keywords=list(node.keywords) + kept)
    made.lineno, made.col_offset = node.lineno, node.col_offset
    return records.make_record(lw, made, cls, out, discard)
