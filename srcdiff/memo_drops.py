"""A recursive nested function caching its results in a dict of the function around it,
the cache dropped (stage 3, lower: called by nonlocal_writes._Scope for each function, before
it follows that function's nonlocal names). Takes a gast FunctionDef (a copy nonlocal_writes
made, changed in place) and a resolver of free names; gives back the names of the dicts
dropped.

    def f(x):                              def f(x):
        memo = {}                              memo = {}
        def a(n):                              def a(n):
            if n in memo:
                return memo[n]
            if n < 2:                              if n < 2:
                out = x[n]                             out = x[n]
            else:                                  else:
                out = a(n - 1) + a(n - 2)              out = a(n - 1) + a(n - 2)
            memo[n] = out
            return out                             return out
        return a(6)                            return a(6)

A hit returns what an earlier call with the same key computed and returned; computing it
again gives the same value and derivative where the result is a function of the key alone:
g (a def bound once, not decorated) takes one parameter n and never binds it, begins with
`if n in memo: return memo[n]`, uses memo otherwise only in `memo[n] = v` followed at once by
`return v`, binds plain names only (no item or attribute write, no nonlocal or global, no
nested function, lambda or class, no yield), and calls only itself and functions that change
nothing and draw no random numbers (try_blocks' pure: NumPy, math, the builtins that only
read, methods that only read); memo is bound once, to `{}`, by a statement of the function's
top level before g's def, and read nowhere else; and g is called once from the function, by a
statement of its top level (so one memo serves a single outermost call, during which nothing
but g runs: what g reads cannot change). Each call recomputes: a recursion calling itself
twice takes exponential time in n. Any other cache is left as written (refused at its
write, located, as before).
"""
from . import syntax as S


def dropped_memos(outer, lookup=lambda name: None):
    """The names of `outer`'s dicts a nested function caches its results in, dropped (the
    module's docstring); `outer` is changed in place."""
    done = []
    for g in [n for n in outer.body if isinstance(n, S.FunctionDef)]:
        memo = _memo_of(g)
        if memo is None or not _pure(outer, g, memo, lookup) or \
                not _memo_fits(outer, g, memo) or not _called_once(outer, g):
            continue
        n = g.args.args[0].id
        g.body = _without_memo(g.body[1:], memo, n)
        done.append(memo)
    return done


def _memo_of(g):
    """The name of the dict g's first statement `if n in memo: return memo[n]` reads, where
    g takes the one parameter n; else None."""
    a = g.args
    if g.decorator_list or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or \
            a.defaults or len(a.args) != 1 or len(g.body) < 2:
        return None
    n, first = a.args[0].id, g.body[0]
    if not (isinstance(first, S.If) and not first.orelse and len(first.body) == 1):
        return None
    test, ret = first.test, first.body[0]
    if not (isinstance(test, S.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], S.In)
            and _is(test.left, n) and isinstance(test.comparators[0], S.Name)):
        return None
    memo = test.comparators[0].id
    if not (isinstance(ret, S.Return) and _item(ret.value, memo, n)):
        return None
    return memo if memo != n else None


def _is(node, name):
    return isinstance(node, S.Name) and node.id == name


def _item(node, memo, n):
    """Whether `node` is `memo[n]`."""
    return isinstance(node, S.Subscript) and _is(node.value, memo) and _is(node.slice, n)


def _stores(stmt, memo, n):
    """The name v where `stmt` is `memo[n] = v`; else None."""
    if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
            _item(stmt.targets[0], memo, n) and isinstance(stmt.value, S.Name):
        return stmt.value.id
    return None


def _blocks(stmts):
    yield stmts
    for stmt in stmts:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], S.stmt):
                yield from _blocks(inner)
        for handler in getattr(stmt, "handlers", None) or ():
            yield from _blocks(handler.body)


def _memo_fits(outer, g, memo):
    """Whether memo is used in g only by its first statement and `memo[n] = v` followed by
    `return v`, and in `outer` only by one statement `memo = {}` of its top level before
    g's def."""
    n = g.args.args[0].id
    allowed = {id(m) for m in S.walk(g.body[0])}
    for block in _blocks(g.body[1:]):
        for k, stmt in enumerate(block):
            v = _stores(stmt, memo, n)
            if v is None:
                continue
            after = block[k + 1] if k + 1 < len(block) else None
            if not (isinstance(after, S.Return) and _is(after.value, v)):
                return False
            allowed |= {id(m) for m in S.walk(stmt.targets[0])}
    made = [s for s in outer.body if isinstance(s, S.Assign) and len(s.targets) == 1 and
            _is(s.targets[0], memo) and isinstance(s.value, S.Dict) and not s.value.keys]
    if len(made) != 1 or outer.body.index(made[0]) > outer.body.index(g):
        return False
    allowed.add(id(made[0].targets[0]))
    return all(id(m) in allowed for m in S.walk(outer) if _is(m, memo)) and \
        not any(isinstance(m, S.Nonlocal) and memo in m.names for m in S.walk(outer))


def _pure(outer, g, memo, lookup):
    """Whether g binds plain names only, never its parameter, and calls only itself and
    functions that change nothing (try_blocks' pure)."""
    from .try_blocks import _Rewriter
    n = g.args.args[0].id
    bound_outer = {m.id for m in S.walk(outer) if isinstance(m, S.Name) and
                   not isinstance(m.ctx, S.Load)} | {
        d.name for d in S.walk(outer) if isinstance(d, (S.FunctionDef, S.ClassDef))}
    judge = _Rewriter(None, lookup, set(), bound_outer)
    for m in S.scope_nodes(g):
        if isinstance(m, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef, S.Nonlocal,
                          S.Global, S.Yield, S.YieldFrom, S.Await, S.Delete)):
            return False
        if isinstance(m, (S.Subscript, S.Attribute)) and not isinstance(m.ctx, S.Load):
            if not (isinstance(m, S.Subscript) and _is(m.value, memo) and _is(m.slice, n)):
                return False
        if isinstance(m, S.Name) and m.id == n and not isinstance(m.ctx, (S.Load, S.Param)):
            return False
        if isinstance(m, S.Name) and m.id == g.name and not isinstance(m.ctx, S.Load):
            return False
        if isinstance(m, S.Call) and not _is(m.func, g.name) and not judge.pure(m.func):
            return False
    return True


def _called_once(outer, g):
    """Whether g is bound once in outer and read there only by one call in a statement of
    outer's top level (its recursive calls aside)."""
    mine = {id(m) for m in S.walk(g)}
    if sum(1 for m in S.walk(outer) if (isinstance(m, S.FunctionDef) and m.name == g.name)
           or (_is(m, g.name) and not isinstance(m.ctx, S.Load))) != 1:
        return False
    reads = [m for m in S.walk(outer) if _is(m, g.name) and id(m) not in mine]
    if len(reads) != 1:
        return False
    for stmt in outer.body:
        if any(m is reads[0] for m in S.walk(stmt)):
            break
    else:
        return False
    if isinstance(stmt, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.For, S.While,
                         S.If, S.Try, S.With)):
        return False
    calls = [m for m in S.walk(stmt) if isinstance(m, S.Call) and m.func is reads[0]]
    nested = any(isinstance(m, (S.Lambda, S.ListComp, S.SetComp, S.DictComp,
                                S.GeneratorExp)) and any(r is reads[0] for r in S.walk(m))
                 for m in S.walk(stmt))
    return len(calls) == 1 and not nested


def _without_memo(stmts, memo, n):
    """The block (g's, after its first statement) without its `memo[n] = v` statements."""
    out = []
    for stmt in stmts:
        if _stores(stmt, memo, n) is not None:
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], S.stmt):
                setattr(stmt, field, _without_memo(inner, memo, n))
        for handler in getattr(stmt, "handlers", None) or ():
            handler.body = _without_memo(handler.body, memo, n)
        out.append(stmt)
    return out
