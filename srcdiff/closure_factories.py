"""Nested factories of closures: a nested function that returns the nested function (or
lambda) it defines last, each closure it makes bound to a name and only called (stage 3,
lower: called by source_rewrites.counted_rewrite where a name bound to a call's result is
called). Takes a gast FunctionDef; gives back a rewritten copy in which the factory returns
the values its closure reads from it and the closure is a nested function of the function
taking them first, or the FunctionDef itself where no factory fits.

    def f(x):                              def f(x):
        def make_scaler(k):                    def make_scaler(k):
            def scale(v):                          return k
                return v * k                   def scale(k, v):
            return scale                           return v * k
        s2 = make_scaler(2.0)                  s2_k = make_scaler(2.0)
        s3 = make_scaler(x[0])                 s3_k = make_scaler(x[0])
        return np.sum(s2(x) * s3(x))           return np.sum(scale(s2_k, x) * scale(s3_k, x))

The closure a call of the factory returns reads the factory's variables as they are when
the factory returns (it returns right after the def), in a frame of that call alone: each
closure keeps its own values, which the factory now returns and the name it was bound to
now holds (`s3_k`), passed to the closure's function at each call where the name was
called. The names the closure reads from the function around the factory it still reads
there, when it is called, as before. The function being lowered then holds plain nested
functions, which nested_defs.py lifts (the derivative flows from the closure's calls back
through s3_k into x[0]).

A factory fits where its body ends with `def g(...): ...; return g` (or `return lambda
...`), nothing before that defines a function or class, returns, yields or declares a name
global or nonlocal, g's defaults are literals, g reads neither its own name nor the
factory's, and the factory is bound once in the function, read only as the call
`name = factory(...)`, and each such name is bound once and read only as `name(...)`.
A closure called where it is made, `make(k)(x)`, is `scale(make(k), x)` (the factory's call
is still evaluated first); where the closure reads two of the factory's names or more (or
none), the factory gives back their tuple, which the closure's function takes as one
parameter, `make_values`, and unpacks first (`a, b = make_values`), and a name holding a
closure passes the tuple of what it holds (`g((s_a, s_b), x)`).

A factory defined at module level in the function's own file (`def make_scaler(c): def
s(v): return c * v; return s`, called in f as `s = make_scaler(x[0]); s(x)`) is copied in as
a nested factory first, where it fits as one would, is a plain function without closure,
decorators or defaults other than literals, and reads no name the function binds (its copy
reads the module's names where the module's function does: through the same globals); one
that fits but reads a name the function binds too is refused at the call, naming the name
(its copy would read the function's).

Closures kept in a dict, list or tuple display each of whose items is a call of the same
factory, bound to a name bound once and read only as `name[k](...)` (`losses = {"l1":
make(0.5, 1), "l3": make(0.1, 3)}; losses[name](v)`), are that one closure over each
item's values: the display holds what each closure reads (the factory's values, one tuple
where it reads other than one name) and the call is `loss(losses[name], v)`, the key read
first as before (a missing one raises the KeyError it raised).

Any other use is left as written (where a closure is called through a name, lower_calls.py
refuses it, located).
"""
from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def rewrite(fdef, source=None, resolver=None):
    """`fdef`, or a copy with each nested factory that fits rewritten (the module's
    docstring), and each factory of the function's module that fits copied in first. The
    names given to what each closure holds (`s3_k`) are recorded in `source.renamed`, so
    that refusals name them as the user wrote them (`s3's k`, and in a hint `k`, the
    factory's variable)."""
    copies = _module_factories(fdef, source, resolver) if resolver is not None else []
    if copies:
        fdef = S.clone(fdef)
        at = 1 if fdef.body and isinstance(fdef.body[0], S.Expr) and isinstance(
            fdef.body[0].value, S.Constant) and isinstance(fdef.body[0].value.value, str) else 0
        fdef.body[at:at] = copies
    elif not any(_fits(fdef, n) for n in S.own_nodes(fdef) if isinstance(n, S.FunctionDef)):
        return fdef
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | {
        n.name for n in S.walk(fdef) if isinstance(n, (S.FunctionDef, S.ClassDef))}
    for factory in [n for n in S.own_nodes(fdef) if isinstance(n, S.FunctionDef)]:
        if _fits(fdef, factory):
            _rewrite_one(fdef, factory, _made(factory), _sites(fdef, factory), taken, source)
    return fdef


def _fits(fdef, factory):
    """Whether the nested def `factory` is a factory whose every use fits."""
    made = _made(factory)
    sites = _sites(fdef, factory) if made is not None else None
    return sites is not None


def _module_factories(fdef, source, resolver):
    """Copies of the factories of the function's own module (`make_scaler`, defined at
    module level in the function's file and read through its globals) it calls as
    `s = make_scaler(k)` or `make_scaler(k)(x)`, each fitting as a nested factory would:
    a plain function, no closure, no decorators, literal defaults, and no name it reads
    bound in the function (its copy reads them where the module's function does)."""
    import types
    bound = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
             not isinstance(n.ctx, S.Load)} | {
        n.name for n in S.walk(fdef) if isinstance(n, (S.FunctionDef, S.ClassDef))}
    called = []
    for n in S.walk(fdef):
        if isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id not in bound \
                and n.func.id not in called:
            called.append(n.func.id)
    copies = []
    for name in called:
        fn = resolver.lookup(name, None)
        if not (isinstance(fn, types.FunctionType) and fn.__closure__ is None and
                fn.__globals__ is resolver.globals and source is not None and
                fn.__code__.co_filename == source.filename and fn.__name__ == name and
                any(isinstance(c, types.CodeType) for c in fn.__code__.co_consts)):
            continue   # (a factory's code holds the code of the function it makes)
        from .frontend import get_source
        try:
            node = S.clone(get_source(fn).node)
        except Exception:   # (no source: not a factory srcdiff can copy)
            continue
        if node.decorator_list or any(d is not None and not isinstance(d, S.Constant) for d
                                      in node.args.defaults + node.args.kw_defaults):
            continue
        own = {m.id for m in S.walk(node) if isinstance(m, S.Name) and
               not isinstance(m.ctx, S.Load)} | {
            m.name for m in S.walk(node) if isinstance(m, (S.FunctionDef, S.ClassDef))}
        free = {m.id for m in S.walk(node) if isinstance(m, S.Name) and m.id not in own}
        trial = S.clone(fdef)
        trial.body = [node] + trial.body
        if not _fits(trial, trial.body[0]):
            continue
        if free & bound:   # (its copy would read f's name, not the module's)
            raise _clash(fdef, node, fn, sorted(free & bound)[0], source)
        copies.append(node)
    return copies


def _clash(fdef, node, fn, name, source):
    """The located refusal of a factory of the module that would fit but reads `name`, a
    name of its module, which the function binds too: copied in, it would read the
    function's."""
    import os
    read = next(m for m in S.walk(node) if isinstance(m, S.Name) and m.id == name)
    bound = next(m for m in S.walk(fdef) if isinstance(m, S.Name) and m.id == name and
                 not isinstance(m.ctx, S.Load))
    call = next(m for m in S.walk(fdef) if isinstance(m, S.Call) and
                isinstance(m.func, S.Name) and m.func.id == node.name)
    file = os.path.basename(fn.__code__.co_filename)
    return source.error(call, f"the closure {node.name} makes reads {name!r} of its module "
                        f"({file}:{read.lineno}), and {fdef.name} binds {name!r} too "
                        f"(line {bound.lineno}): srcdiff differentiates the closure as a "
                        f"copy of {node.name} inside {fdef.name}, where {name!r} would be "
                        f"{fdef.name}'s, not the module's",
                        hint=f"give {fdef.name}'s {name} another name ({name}_here), so "
                        f"that {name} in the copy means the module's {name}")


def _made(factory):
    """The closure `factory` returns (a FunctionDef, or a Lambda) where its body fits (see
    the module's docstring), else None."""
    body = factory.body
    if factory.decorator_list or not body or not isinstance(body[-1], S.Return):
        return None
    returned = body[-1].value
    if isinstance(returned, S.Lambda):
        made, before = returned, body[:-1]
    elif isinstance(returned, S.Name) and len(body) >= 2 and isinstance(
            body[-2], S.FunctionDef) and body[-2].name == returned.id:
        made, before = body[-2], body[:-2]
    else:
        return None
    for stmt in before:
        for n in [stmt] + list(_own(stmt)):
            if isinstance(n, _SCOPES + (S.Return, S.Yield, S.YieldFrom, S.Global,
                                        S.Nonlocal, S.Await)):
                return None
    if getattr(made, "decorator_list", None) or any(
            d is not None and not isinstance(d, S.Constant)
            for d in made.args.defaults + made.args.kw_defaults):
        return None
    inside = [n for n in S.walk(made) if n is not made]
    names = {getattr(made, "name", None), factory.name}
    if any(isinstance(n, S.Name) and n.id in names for n in inside) or any(
            isinstance(n, (S.Global, S.Nonlocal)) for n in inside):
        return None
    return made


def _own(node):
    """The nodes under `node` of its own scope (not those of a def, lambda or class in it)."""
    todo = list(S.iter_child_nodes(node))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, _SCOPES):
            todo.extend(S.iter_child_nodes(n))


def _sites(fdef, factory):
    """{name: [(the Assign `name = factory(...)`, [each call `name(...)`])]}, and under None
    the calls `factory(...)(...)`, where the factory is bound once and read only those ways
    and each name is bound once and read only as called; None otherwise."""
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[id(child)] = n
    if len(_bindings(fdef, factory.name)) != 1:
        return None
    inside = {id(n) for n in S.walk(factory)}
    sites = {}
    for n in S.walk(fdef):
        if not (isinstance(n, S.Name) and n.id == factory.name):
            continue
        if id(n) in inside:
            return None
        call, assign = parents.get(id(n)), parents.get(id(parents.get(id(n))))
        if isinstance(n.ctx, S.Load) and isinstance(call, S.Call) and call.func is n and \
                isinstance(assign, S.Call) and assign.func is call:
            sites.setdefault(None, []).append(assign)   # make(k)(x)
            continue
        if isinstance(n.ctx, S.Load) and isinstance(call, S.Call) and call.func is n and \
                isinstance(assign, (S.Dict, S.List, S.Tuple)):   # {"a": make(k), ...}
            table = _table(fdef, factory, assign, parents, inside)
            if table is None:
                return None
            tables = sites.setdefault(_TABLES, {})
            if table[0] in tables and tables[table[0]][0] is not table[1]:
                return None
            tables[table[0]] = table[1:]
            continue
        if not (isinstance(n.ctx, S.Load) and isinstance(call, S.Call) and call.func is n and
                isinstance(assign, S.Assign) and assign.value is call and
                len(assign.targets) == 1 and isinstance(assign.targets[0], S.Name)):
            return None
        held = assign.targets[0].id
        if held in sites or held == factory.name or len(
                [b for b in _bindings(fdef, held) if id(b) not in inside]) != 1:
            return None
        calls = []
        shadowed = held in _scope_bound(factory)   # (the factory's own s: not this one)
        for m in S.walk(fdef):
            if shadowed and id(m) in inside:
                continue
            if isinstance(m, S.Name) and m.id == held and m is not assign.targets[0]:
                parent = parents.get(id(m))
                if id(m) in inside or not (isinstance(m.ctx, S.Load) and isinstance(
                        parent, S.Call) and parent.func is m):
                    return None
                calls.append(parent)
        sites[held] = (assign, calls)
    return sites


_TABLES = "tables"   # (the key of _sites' displays of closures: no name a site has)


def _table(fdef, factory, display, parents, inside):
    """(name, its Assign, [each call `name[k](...)`]) where `display` is a dict, list or
    tuple display each of whose items is a call of `factory`, bound to a name bound once
    and read only as `name[k](...)`; None otherwise."""
    items = display.values if isinstance(display, S.Dict) else display.elts
    if not items or not all(isinstance(i, S.Call) and isinstance(i.func, S.Name) and
                            i.func.id == factory.name for i in items):
        return None
    if isinstance(display, S.Dict) and (None in display.keys or not all(
            isinstance(k, S.Constant) for k in display.keys)):
        return None
    assign = parents.get(id(display))
    if not (isinstance(assign, S.Assign) and assign.value is display and
            len(assign.targets) == 1 and isinstance(assign.targets[0], S.Name)):
        return None
    held = assign.targets[0].id
    if held == factory.name or len(_bindings(fdef, held)) != 1 or held in _scope_bound(factory):
        return None
    calls = []
    for m in S.walk(fdef):
        if isinstance(m, S.Name) and m.id == held and m is not assign.targets[0]:
            sub, call = parents.get(id(m)), parents.get(id(parents.get(id(m))))
            if id(m) in inside or not (isinstance(m.ctx, S.Load) and isinstance(
                    sub, S.Subscript) and sub.value is m and isinstance(sub.ctx, S.Load) and
                    isinstance(call, S.Call) and call.func is sub):
                return None
            calls.append(call)
    return held, assign, calls


def _bindings(fdef, name):
    """Every binding of `name` in `fdef` (nested scopes too): stores, deletions,
    parameters, defs and classes."""
    return [n for n in S.walk(fdef) if (isinstance(n, S.Name) and n.id == name and
                                        not isinstance(n.ctx, S.Load)) or
            (isinstance(n, (S.FunctionDef, S.ClassDef)) and n.name == name)]


def _scope_bound(fn):
    """The names `fn` (a def or lambda) binds in its own scope: its parameters, and the
    names its own statements bind (a comprehension's variables are the comprehension's)."""
    a = fn.args
    out = {getattr(p, "id", getattr(p, "arg", None)) for p in
           a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]}
    body = fn.body if isinstance(fn.body, list) else [fn.body]
    comprehended = set()
    for stmt in body:
        for n in [stmt] + list(_own(stmt)):
            if isinstance(n, S.comprehension):
                comprehended.update(id(t) for t in S.walk(n.target))
    for stmt in body:
        for n in [stmt] + list(_own(stmt)):
            if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load) and \
                    id(n) not in comprehended:
                out.add(n.id)
            elif isinstance(n, (S.FunctionDef, S.ClassDef)):
                out.add(n.name)
    return out


def _read(factory, made):
    """The factory's names the closure reads: its parameters in order, then the others."""
    own = _scope_bound(factory)
    mine = _scope_bound(made)
    body = made.body if isinstance(made.body, list) else [made.body]
    read = []
    for stmt in body:
        for n in S.walk(stmt):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id in own and \
                    n.id not in mine and n.id not in read:
                read.append(n.id)
    params = _params(factory)
    return [p for p in params if p in read] + sorted(r for r in read if r not in params)


def _rewrite_one(fdef, factory, made, sites, taken, source):
    read = _read(factory, made)
    name = getattr(made, "name", None)
    if name is None or any(_outside(fdef, factory, name)):
        name = S.fresh_name(f"{name or 'closure'}_of_{factory.name}", taken)
    ret = factory.body[-1]
    value = S.Tuple(elts=[S.load(r) for r in read], ctx=S.Load()) if len(read) > 1 else \
        S.load(read[0]) if read else S.const(None)
    new_return = S.place_unplaced(S.Return(value=value), ret)
    cut = 1 if isinstance(made, S.Lambda) else 2
    factory.body = factory.body[:-cut] + [new_return]
    packed = None   # make(k)(x) where the closure reads other than one name: one tuple
    tables = sites.pop(_TABLES, {})
    if (sites.get(None) or tables) and len(read) != 1:
        packed = S.fresh_name(f"{factory.name}_values", taken)
    lifted = _lifted(made, name, read, packed)
    block = S.block_holding(fdef, factory)
    block.insert(next(k for k, s in enumerate(block) if s is factory) + 1, lifted)
    for call in sites.pop(None, ()):   # make(k)(x): the closure's function(make(k), x)
        made_by = call.func
        call.func = S.place_unplaced(S.load(name), made_by.func)
        call.args = [made_by] + call.args
    for held, (assign, calls) in tables.items():   # losses[k](x): loss(losses[k], x)
        for call in calls:   # (each item of the display now what its closure read)
            call.args = [call.func] + call.args
            call.func = S.place_unplaced(S.load(name), call.func)
    for held, (assign, calls) in sites.items():
        carried = [S.fresh_name(f"{held}_{r}", taken) for r in read]
        if source is not None:   # refusals name what the user wrote (frontend.Source)
            said = getattr(source, "renamed", None) or {}
            said.update({c: (f"{held}'s {r}", r) for c, r in zip(carried, read)})
            source.renamed = said
        if len(carried) > 1:
            target = S.Tuple(elts=[S.store(c) for c in carried], ctx=S.Store())
        else:
            target = S.store(carried[0]) if carried else S.store(held)
        assign.targets = [S.place_unplaced(target, assign.targets[0])]
        for call in calls:
            func = call.func
            call.func = S.place_unplaced(S.load(name), func)
            given = [S.place_unplaced(S.load(c), func) for c in carried]
            if packed is not None:
                given = [S.place_unplaced(S.Tuple(elts=given, ctx=S.Load()), func)]
            call.args = given + call.args


def _params(fn):
    a = fn.args
    return [getattr(p, "id", getattr(p, "arg", None)) for p in
            a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]]


def _outside(fdef, factory, name):
    """The nodes of `fdef` outside `factory` that use `name`."""
    inside = {id(n) for n in S.walk(factory)}
    for n in S.walk(fdef):
        if id(n) in inside:
            continue
        if (isinstance(n, S.Name) and n.id == name) or (
                isinstance(n, (S.FunctionDef, S.ClassDef)) and n.name == name):
            yield n


def _lifted(made, name, read, packed=None):
    """The closure `made` as a def named `name` taking `read` before its own parameters (or,
    `packed` a name, taking one tuple of them by that name, unpacked first)."""
    args = S.clone(made.args)
    first = [S.name(r, S.Param()) for r in read] if packed is None else [
        S.name(packed, S.Param())]
    if args.posonlyargs:
        args.posonlyargs = first + args.posonlyargs
    else:
        args.args = first + args.args
    if isinstance(made, S.Lambda):
        body = [S.place_unplaced(S.Return(value=S.clone(made.body)), made.body)]
    else:
        body = [S.clone(s) for s in made.body]
    if packed is not None and read:   # a, b = make_values
        target = S.Tuple(elts=[S.store(r) for r in read], ctx=S.Store())
        body = [S.place_unplaced(S.Assign(targets=[target], value=S.load(packed),
                                          type_comment=None), body[0])] + body
    new = S.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                        type_comment=None, type_params=[])
    return S.place_unplaced(new, made)
