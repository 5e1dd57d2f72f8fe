"""The user's generator functions (stage 3, lowering: Lowerer.__init__ calls `prepare` after
idiom_rewrite). Takes a gast FunctionDef; gives it back with the two rewrites below, or
raises a located refusal.

A generator called where its items are all taken, right away, by code that cannot change
what the generator reads while it runs, gives the same items as the list of them made
first. So:

  - a generator function lowered as a callee becomes the function that builds that list
    (`as_list_function`): `yield e` is `items.append(e)`, `yield from it` is
    `for v in it: items.append(v)`, `return` (anywhere) is `return items`.
  - each call of a generator function in the function lowered is checked where it stands
    (`check_calls`): the iterable of a for header or a comprehension, the argument of
    list, tuple, sum, sorted, min, max, any, all, or of zip/enumerate standing there, the
    value unpacked by `a, b = gen(x)`. A
    for loop over it may write in place only into lists, dicts and arrays it made itself
    (`out = []`), and may leave early (break, return) only where the generator's loops are
    bounded (no while loop); any, all and zip stop early too. A generator kept in a
    variable, passed on, given to next(), sent to, infinite (`while True` with no way
    out), or writing into a value it yielded, is refused, located, saying what to write.

The call nodes checked are marked (`APPROVED`): lower_calls refuses a call of a
generator function without the mark (one the check could not see, e.g. a held function).
"""
import builtins
import inspect

from . import syntax as S

APPROVED = "sd_generator_consumed"
# builtins that take every item of their argument (any/all may stop early)
FULL = ("list", "tuple", "sum", "sorted", "min", "max", "set", "frozenset", "dict")
EARLY = ("any", "all")
MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
            "sort", "reverse", "fill", "resize", "put", "itemset", "popitem", "add",
            "discard", "__setitem__", "__iadd__"}
FRESH_CALLS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
               "full_like", "array", "copy", "eye", "identity", "arange", "linspace", "list",
               "dict", "deepcopy"}
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


# -- what a function's own body holds (not nested functions) ----------------------------
def own_nodes(node):
    """Nodes under `node` that belong to its own scope (nested defs and lambdas skipped)."""
    todo = list(S.iter_child_nodes(node))[::-1]
    while todo:   # in source order
        n = todo.pop()
        yield n
        if not isinstance(n, _SCOPES):
            todo.extend(list(S.iter_child_nodes(n))[::-1])


def is_generator(fdef):
    return isinstance(fdef, S.FunctionDef) and any(
        isinstance(n, (S.Yield, S.YieldFrom)) for n in own_nodes(fdef))


def is_generator_function(obj):
    obj = getattr(obj, "__func__", obj)
    return inspect.isgeneratorfunction(inspect.unwrap(obj)) if callable(obj) else False


# -- the generator as the function building the list of its items -------------------------
def as_list_function(source, fdef):
    """`fdef` (a generator) as the function returning the list of its items; other
    functions are given back as they are."""
    if not is_generator(fdef):
        return fdef
    _check_generator(source, fdef)
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    items = _fresh("items", taken)
    fdef.body = ([_at(S.quote(f"{items} = []")[0], fdef.body[0])]
                 + _ListBuilder(items, taken).block(fdef.body)
                 + [_at(S.quote(f"return {items}")[0], fdef.body[-1])])
    return fdef


def _check_generator(source, fdef):
    yielded = set()
    for n in own_nodes(fdef):
        if isinstance(n, (S.Yield, S.YieldFrom)) and n.value is not None:
            yielded |= _held(n.value)
    assigns = [n for n in own_nodes(fdef) if isinstance(n, S.Assign)]
    grown = True
    while grown:   # names bound to a yielded name (`v = acc; yield v`) are yielded too
        grown = False
        for n in assigns:
            if isinstance(n.value, S.Name) and n.value.id not in yielded and any(
                    isinstance(t, S.Name) and t.id in yielded for t in n.targets):
                yielded.add(n.value.id)
                grown = True
    for n in own_nodes(fdef):
        if isinstance(n, (S.Yield, S.YieldFrom)):
            parent = _parent_of(fdef, n)
            if not isinstance(parent, S.Expr):
                raise source.error(n, "srcdiff cannot differentiate a generator whose yield "
                                   "is used as a value (send() or the result of yield from)",
                                   hint="yield values only, as statements (`yield x`)")
        elif isinstance(n, S.While) and _always_true(n.test) and not _exits(n.body):
            raise source.error(n, "this generator never ends (while True with no break or "
                               "return), so srcdiff cannot take all of its items",
                               hint="give the loop an end (while step < n_steps) or a "
                                    "number of steps (for step in range(n_steps))")
        elif isinstance(n, (S.Assign, S.AugAssign)):
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            for t in targets:
                written = _written_root(t) if not isinstance(t, S.Name) else (
                    t.id if isinstance(n, S.AugAssign) and t.id in yielded else None)
                if written is not None:
                    raise source.error(n, f"this generator writes into {written!r} in place; "
                                       "srcdiff takes a generator's items before its consumer "
                                       "runs, which is only the same when it writes into "
                                       "nothing it yields or reads",
                                       hint=f"make a new value each step ({written} = "
                                            f"{written} + ..., or {written}.copy() first)")
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS and _written_root(n.func.value, True) in yielded:
            raise source.error(n, f"this generator changes {n.func.value.id!r} in place after "
                               "yielding it", hint="yield a new value each step")


class _ListBuilder:
    def __init__(self, items, taken):
        self.items = items
        self.taken = taken

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.stmt(stmt))
        return out

    def stmt(self, stmt):
        if isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Yield):
            value = stmt.value.value if stmt.value.value is not None else S.const(None)
            new = S.quote(f"{self.items}.append(VALUE)", VALUE=value)
            return [_at(s, stmt) for s in new]
        if isinstance(stmt, S.Expr) and isinstance(stmt.value, S.YieldFrom):
            item = _fresh("item", self.taken)
            new = S.quote(f"for {item} in ITER:\n    {self.items}.append({item})",
                          ITER=stmt.value.value)
            return [_at(s, stmt) for s in new]
        if isinstance(stmt, S.Return):   # a new list: appends the flag skips follow it
            return [_at(S.quote(f"return {self.items} + []")[0], stmt)]
        if isinstance(stmt, _SCOPES):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", []) or []:
            handler.body = self.block(handler.body)
        return [stmt]


# -- where the function lowered calls a generator ---------------------------------------
def check_calls(source, fdef, resolve, known_types=()):
    """Refuse each call of a generator function in `fdef` that does not stand where its
    items are all taken at once; mark (APPROVED) the others."""
    local_defs = {n.name: n for n in own_nodes(fdef) if isinstance(n, S.FunctionDef)}
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    calls = []
    for n in S.walk(fdef):
        if isinstance(n, S.Call):
            gen = _generator_called(n, resolve, known_types, local_defs, assigned)
            if gen is not None:
                calls.append((n, gen))
    if not calls:
        return
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    fresh = _fresh_locals(fdef)
    for call, gen in calls:
        _check_call(source, call, gen, parents, resolve, assigned, (fdef, fresh))
        setattr(call, APPROVED, True)


def _check_call(source, call, gen, parents, resolve, assigned, fresh):
    name = S.spell(call.func)
    parent = parents.get(call)
    bounded = gen.bounded
    if isinstance(parent, S.Call) and call in parent.args and _builtin(
            parent, resolve, assigned, "zip", "enumerate"):
        stops = _builtin(parent, resolve, assigned, "zip") is not None and len(parent.args) > 1
        if stops and not bounded:
            raise source.error(call, f"zip stops taking items from {name}(...) early, and "
                               f"{name} loops with while, so srcdiff cannot take all its "
                               "items first", hint=f"give {name} a bounded loop (for ... in "
                               "range(n)) or zip lists of the same length")
        call, parent = parent, parents.get(parent)
    if isinstance(parent, S.For) and parent.iter is call:
        early = _exits(parent.body, returns=True)
        if early is not None and not bounded:
            raise source.error(early, f"this loop over {name}(...) can stop early, and {name} "
                               "loops with while, so srcdiff cannot take all its items first",
                               hint=f"give {name} a bounded loop (for ... in range(n)), or "
                                    "loop over all its items")
        _check_body(source, parent, call, name, gen, *fresh)
        return
    if isinstance(parent, S.comprehension) and parent.iter is call:
        return
    if isinstance(parent, S.Assign) and parent.value is call and all(
            isinstance(t, (S.Tuple, S.List)) for t in parent.targets):
        return   # a, b = gen(x): unpacked at once
    if isinstance(parent, S.Call) and call in parent.args:
        if _builtin(parent, resolve, assigned, *FULL):
            return
        if _builtin(parent, resolve, assigned, *EARLY):
            if bounded:
                return
            raise source.error(call, f"{S.spell(parent.func)} stops early and {name} loops "
                               "with while, so srcdiff cannot take all its items first",
                               hint=f"give {name} a bounded loop (for ... in range(n))")
    what = ("kept in a variable" if isinstance(parent, (S.Assign, S.AnnAssign, S.NamedExpr))
            else "given to next()" if isinstance(parent, S.Call) and
            isinstance(parent.func, S.Name) and parent.func.id in ("next", "iter")
            else "sent to or closed" if isinstance(parent, S.Attribute)
            else "passed on or kept")
    raise source.error(call, f"srcdiff differentiates a generator only where all its items "
                       f"are taken at once (a for header, a comprehension, list(), sum(), ...); "
                       f"here {name}(...) is {what}",
                       hint=f"loop over {name}(...) directly, or take its items first: "
                            f"items = list({name}(...)), then index or loop over items")


def _check_body(source, loop, call, name, gen, fdef, fresh):
    """The body of a for loop over a generator writes in place only into values made here
    that the generator cannot see (and rebinds none of a local generator's free names)."""
    seen, holds = _visible(fdef, call, loop, gen)
    for n in _walk_block(loop.body + loop.orelse):
        for target in _stores(n):
            if isinstance(target, S.Name) and target.id in gen.free:
                raise source.error(n, f"this loop over {name}(...) rebinds {target.id!r}, "
                                   f"which {name} reads while it runs; srcdiff takes "
                                   "a generator's items before the loop",
                                   hint=f"pass {target.id} to {name} as an argument, or "
                                        f"take the items first: items = list({name}(...))")
        for root, deep in _writes(n):
            if root in fresh and root not in seen and not (deep and root in holds):
                continue
            raise source.error(n, f"this loop over {name}(...) changes {root!r} in place "
                               f"while {name} runs; srcdiff takes a generator's items before "
                               "the loop, which is only the same when the loop changes "
                               "nothing the generator could read",
                               hint=f"take the items first (items = list({name}(...)), then "
                                    f"loop over items), or write into a new value "
                                    f"({root} = {root} + ...)")


def _stores(n):
    if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            yield from (m for m in S.walk(t) if isinstance(m, S.Name) and
                        isinstance(m.ctx, S.Store))


def _writes(n):
    """(root name, deep) of each in-place write statement or call `n` makes: deep where it
    writes into an object `root` holds (x[i][j] = v, x[i] += v) rather than into root's."""
    if isinstance(n, S.AugAssign):
        if isinstance(n.target, S.Name):
            yield n.target.id, False
        elif _written_root(n.target) is not None:
            yield _written_root(n.target), True
    elif isinstance(n, (S.Assign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            for m in S.walk(t):
                if isinstance(m, (S.Subscript, S.Attribute)) and isinstance(m.ctx, S.Store):
                    root = _written_root(m)
                    if root is not None:
                        yield root, not isinstance(m.value, S.Name)
    elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
            n.func.attr in MUTATORS:
        root = _written_root(n.func.value, True)
        if root is not None:
            yield root, not isinstance(n.func.value, S.Name)


def _visible(fdef, call, loop, gen):
    """Names of `fdef` whose object the generator may reach (`seen`: its arguments, its free
    names, the loop's targets, their views and what they hold) and names that may hold such
    an object (`holds`)."""
    seen = set().union(*[_held(a) for a in call.args + [k.value for k in call.keywords]])
    seen |= gen.free | {n.id for n in S.walk(loop.target) if isinstance(n, S.Name)}
    links = []   # (holder names, aliased names, held names)
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.AugAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            holders = {m.id for t in targets for m in S.walk(t) if isinstance(m, S.Name)}
            aliased = set() if isinstance(n, S.AugAssign) else _aliased(n.value)
            links.append((holders, aliased, _held(n.value)))   # x += v: x stays itself
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS:
            links.append((_held(n.func.value), set(),
                          set().union(*[_held(a) for a in n.args])))
    holds = set()
    while True:
        before = len(seen), len(holds)
        for holders, aliased, held in links:
            if holders & seen:
                seen |= held          # reached through a holder the generator sees
            if aliased & seen:
                seen |= holders       # the same object (or memory) as one it sees
            if held & (seen | holds):
                holds |= holders
        if (len(seen), len(holds)) == before:
            return seen, holds


def _aliased(value):
    """Names whose object (or memory) `value` may be: x, x[1:], x.T, x.reshape(..)."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Subscript, S.Attribute, S.Starred)):
        return _aliased(value.value)
    if isinstance(value, S.Call) and isinstance(value.func, S.Attribute):
        return _aliased(value.func.value)
    if isinstance(value, S.IfExp):
        return _aliased(value.body) | _aliased(value.orelse)
    if isinstance(value, (S.Tuple, S.List)):   # a, b = x, y
        return set().union(*[_aliased(e) for e in value.elts])
    return set()


class _Generator:
    def __init__(self, fdef):
        self.bounded = not any(isinstance(n, S.While) for n in own_nodes(fdef))
        params = {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)}
        stored = {n.id for n in own_nodes(fdef) if isinstance(n, S.Name)
                  and isinstance(n.ctx, S.Store)}
        self.free = {n.id for n in own_nodes(fdef) if isinstance(n, S.Name)
                     and isinstance(n.ctx, S.Load)} - params - stored


def _generator_called(call, resolve, known_types, local_defs, assigned):
    func = call.func
    if isinstance(func, S.Name) and func.id in local_defs:
        node = local_defs[func.id]
        return _Generator(node) if is_generator(node) else None
    obj = None
    if isinstance(func, S.Name) and func.id not in assigned:
        obj = resolve(func.id)
    elif isinstance(func, S.Attribute):
        base, rest = S.attribute_chain(func)
        if isinstance(base, S.Name):
            head = base.id
            if head in dict(known_types):
                obj = dict(known_types)[head]
            elif head not in assigned:
                obj = resolve(head)
            for attr in rest:
                obj = inspect.getattr_static(obj, attr, None) if inspect.isclass(obj) \
                    else getattr(obj, attr, None)
                obj = getattr(obj, "__func__", obj)   # staticmethod, classmethod
    if obj is None or not is_generator_function(obj):
        return None
    try:
        from .frontend import get_source
        return _Generator(get_source(getattr(obj, "__func__", obj)).node)
    except Exception:   # no source: lowering the call refuses it, located
        return None


# -- small helpers ----------------------------------------------------------------------
def _builtin(call, resolve, assigned, *names):
    f = call.func
    if isinstance(f, S.Name) and f.id in names and f.id not in assigned and \
            resolve(f.id) is getattr(builtins, f.id):
        return f.id
    return None


def _fresh_locals(fdef):
    """Locals every binding of which makes a new value (a display, a number, a new array)."""
    good, bad = set(), set()
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            for t in targets:
                if isinstance(t, S.Name):
                    (good if len(targets) == 1 and _makes_new(n.value) else bad).add(t.id)
                else:
                    bad |= {m.id for m in S.walk(t) if isinstance(m, S.Name)
                            and isinstance(m.ctx, S.Store)}
        elif isinstance(n, (S.For, S.comprehension, S.With, S.NamedExpr)):
            target = getattr(n, "target", None) or getattr(n, "optional_vars", None)
            if target is not None:
                bad |= {m.id for m in S.walk(target) if isinstance(m, S.Name)}
    bad |= {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)}
    return good - bad


def _makes_new(value):
    if isinstance(value, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp,
                          S.Constant, S.BinOp, S.UnaryOp)):
        return True
    if isinstance(value, S.Call):
        f = value.func
        name = f.attr if isinstance(f, S.Attribute) else getattr(f, "id", None)
        return name in FRESH_CALLS
    return False


def _held(value):
    """Names whose object `value` may be or share memory with (x, x[i], x.T, x.reshape(..),
    (a, b)); an arithmetic result is a new object."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Tuple, S.List)):
        return set().union(*[_held(e) for e in value.elts])
    if isinstance(value, S.Starred):
        return _held(value.value)
    if isinstance(value, S.Dict):
        return set().union(*[_held(e) for e in value.keys + value.values if e is not None])
    if isinstance(value, (S.ListComp, S.DictComp, S.SetComp, S.GeneratorExp)):
        return {n.id for n in S.walk(value) if isinstance(n, S.Name)}
    if isinstance(value, (S.Subscript, S.Attribute)):
        return _held(value.value)
    if isinstance(value, S.Call):
        held = _held(value.func.value) if isinstance(value.func, S.Attribute) else set()
        return held.union(*[_held(a) for a in value.args])
    if isinstance(value, S.IfExp):
        return _held(value.body) | _held(value.orelse)
    return set()


def _written_root(target, method=False):
    """The name an in-place write through `target` (x[i], x.a, x[i].b) changes."""
    node = target
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    if isinstance(node, S.Name) and (method or node is not target):
        return node.id
    return None


def _walk_block(stmts):
    for stmt in stmts:
        yield stmt
        yield from own_nodes(stmt)


def _exits(stmts, returns=False):
    """A break of this loop (or, with `returns`, a return) in `stmts`; None if none."""
    for stmt in stmts:
        if isinstance(stmt, S.Break) or isinstance(stmt, S.Return):
            return stmt
        if isinstance(stmt, (S.For, S.While)):
            inner = [n for n in _walk_block(stmt.body + stmt.orelse) if isinstance(n, S.Return)]
            if inner:
                return inner[0]
            found = _exits(stmt.orelse, returns)
        elif isinstance(stmt, _SCOPES):
            continue
        else:
            found = _exits([s for f in ("body", "orelse", "finalbody")
                            for s in (getattr(stmt, f, None) or []) if isinstance(s, S.stmt)],
                           returns)
        if found is not None:
            return found
    return None


def _always_true(test):
    return isinstance(test, S.Constant) and bool(test.value)


def _parent_of(root, target):
    for n in S.walk(root):
        if target in list(S.iter_child_nodes(n)):
            return n
    return None


def _fresh(base, taken):
    k = 0
    while f"{base}_{k}" in taken:
        k += 1
    taken.add(f"{base}_{k}")
    return f"{base}_{k}"


def _at(new, old):
    for n in S.walk(new):
        if isinstance(n, (S.stmt, S.expr)):
            n.lineno, n.col_offset = old.lineno, old.col_offset
            n.end_lineno = getattr(old, "end_lineno", old.lineno)
            n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    return new


def refuse_unchecked(lowerer, call, fn):
    """A call of generator function `fn` that check_calls did not see (and mark): refused."""
    node = getattr(fn, "source", None)
    generator = is_generator(node.node) if node is not None and hasattr(node, "node") \
        else is_generator_function(fn)
    if generator and not getattr(call, APPROVED, False):
        name = getattr(fn, "__name__", "the generator")
        raise lowerer.error(call, f"srcdiff differentiates a generator ({name}) only where it "
                            "is called by name and all its items are taken at once (a for "
                            "header, a comprehension, list(), sum(), ...)",
                            hint=f"call {name}(...) by name in a for header, or take its "
                                 f"items first: items = list({name}(...))")


def refuse_differentiated(fn):
    """The function differentiated itself is a generator: refused at its def."""
    if isinstance(fn, type) or not is_generator_function(fn):
        return
    from .frontend import get_source
    source = get_source(getattr(fn, "__func__", fn))
    raise source.error(source.node, f"{fn.__name__} is a generator: srcdiff differentiates "
                       "a function returning numbers, arrays or containers of them",
                       hint=f"differentiate a function that consumes it, e.g. "
                            f"lambda x: sum({fn.__name__}(x)), or make it return the list of its items")


def prepare(source, fdef, resolve, known_types=()):
    """The Lowerer's one call: a generator as its list-building function, then the calls
    of generators in it checked."""
    fdef = as_list_function(source, fdef)
    check_calls(source, fdef, resolve, known_types)
    return fdef
