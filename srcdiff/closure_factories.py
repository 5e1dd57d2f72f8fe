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
Any other use is left as written (where a closure is called through a name, lower_calls.py
refuses it, located).
"""
from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def rewrite(fdef, source=None):
    """`fdef`, or a copy with each nested factory that fits rewritten (the module's
    docstring). The names given to what each closure holds (`s3_k`) are recorded in
    `source.renamed`, so that refusals name them as the user wrote them (`s3's k`, and in
    a hint `k`, the factory's variable)."""
    if not any(_made(n) is not None and _sites(fdef, n) is not None
               for n in S.own_nodes(fdef) if isinstance(n, S.FunctionDef)):
        return fdef
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | {
        n.name for n in S.walk(fdef) if isinstance(n, (S.FunctionDef, S.ClassDef))}
    for factory in [n for n in S.own_nodes(fdef) if isinstance(n, S.FunctionDef)]:
        made = _made(factory)
        sites = _sites(fdef, factory) if made is not None else None
        if sites is not None:
            _rewrite_one(fdef, factory, made, sites, taken, source)
    return fdef


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
    """{name: [(the Assign `name = factory(...)`, [each call `name(...)`])]} where the factory
    is bound once and read only that way and each name is bound once and read only as
    called; None otherwise."""
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
        if not (isinstance(n.ctx, S.Load) and isinstance(call, S.Call) and call.func is n and
                isinstance(assign, S.Assign) and assign.value is call and
                len(assign.targets) == 1 and isinstance(assign.targets[0], S.Name)):
            return None
        held = assign.targets[0].id
        if held in sites or len(_bindings(fdef, held)) != 1 or held == factory.name:
            return None
        calls = []
        for m in S.walk(fdef):
            if isinstance(m, S.Name) and m.id == held and m is not assign.targets[0]:
                parent = parents.get(id(m))
                if id(m) in inside or not (isinstance(m.ctx, S.Load) and isinstance(
                        parent, S.Call) and parent.func is m):
                    return None
                calls.append(parent)
        sites[held] = (assign, calls)
    return sites


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


def _rewrite_one(fdef, factory, made, sites, taken, source):
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
    read = [p for p in params if p in read] + sorted(r for r in read if r not in params)
    name = getattr(made, "name", None)
    if name is None or any(_outside(fdef, factory, name)):
        name = S.fresh_name(f"{name or 'closure'}_of_{factory.name}", taken)
    ret = factory.body[-1]
    value = S.Tuple(elts=[S.load(r) for r in read], ctx=S.Load()) if len(read) > 1 else \
        S.load(read[0]) if read else S.const(None)
    new_return = S.place_unplaced(S.Return(value=value), ret)
    cut = 1 if isinstance(made, S.Lambda) else 2
    factory.body = factory.body[:-cut] + [new_return]
    lifted = _lifted(made, name, read)
    block = _block_holding(fdef, factory)
    block.insert(next(k for k, s in enumerate(block) if s is factory) + 1, lifted)
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
            call.args = [S.place_unplaced(S.load(c), func) for c in carried] + call.args


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


def _lifted(made, name, read):
    """The closure `made` as a def named `name` taking `read` before its own parameters."""
    args = S.clone(made.args)
    first = [S.name(r, S.Param()) for r in read]
    if args.posonlyargs:
        args.posonlyargs = first + args.posonlyargs
    else:
        args.args = first + args.args
    if isinstance(made, S.Lambda):
        body = [S.place_unplaced(S.Return(value=S.clone(made.body)), made.body)]
    else:
        body = [S.clone(s) for s in made.body]
    new = S.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                        type_comment=None, type_params=[])
    return S.place_unplaced(new, made)


def _block_holding(fdef, node):
    for n in S.walk(fdef):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(n, field, None)
            if isinstance(block, list) and any(s is node for s in block):
                return block
    raise AssertionError("a nested def outside every block")   # pragma: no cover
