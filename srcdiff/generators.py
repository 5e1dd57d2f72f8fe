"""The user's generator functions (stage 3, lower: called by generator_calls.prepare, which
Lowerer.__init__ calls after idiom_rewrite, for `as_list_function`; lower_calls.py,
transform.py and forward_driver.py call the refusals). Takes the user's `Source` and a gast
FunctionDef; gives it back rewritten as the function building the list of its items, or
raises a located refusal.

A generator called where its items are all taken, right away, by code that cannot change
what the generator reads while it runs (generator_calls.py checks each call), gives the same
items as the list of them made first. So a generator function lowered as a callee becomes
the function that builds that list: `yield e` is `items.append(e)`, `yield from it` is
`for v in it: items.append(v)`, `return` (anywhere) is `return items`. Refused, located: a
yield used as a value (send(), `x = yield from g`), a loop that never ends (`while True`
with no break or return), a write in place into a value it yielded (`buf[0] = ...; yield
buf`) or into anything not its own.

`refuse_unchecked` (called by lower_calls) refuses a call of a generator function that
generator_calls did not mark (APPROVED: e.g. one made through a held function);
`refuse_differentiated` (transform, forward_driver) a generator differentiated itself.
"""
import inspect

from . import syntax as S

APPROVED = "sd_generator_consumed"
MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
            "sort", "reverse", "fill", "resize", "put", "itemset", "popitem", "add",
            "discard", "__setitem__", "__iadd__"}
SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


# -- what a function's own body holds (not nested functions) ----------------------------
def own_nodes(node):
    """Nodes under `node` that belong to its own scope (nested defs and lambdas skipped)."""
    todo = list(S.iter_child_nodes(node))[::-1]
    while todo:   # in source order
        n = todo.pop()
        yield n
        if not isinstance(n, SCOPES):
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
    check_generator(source, fdef)
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    items = _fresh("items", taken)
    said = getattr(source, "renamed", None) or {}
    said[items] = (f"the list of what {fdef.name} yields", items)
    source.renamed = said   # refusals name what the user wrote (frontend.Source)
    fdef.body = ([_at(S.quote(f"{items} = []")[0], fdef.body[0])]
                 + _ListBuilder(items, taken).block(fdef.body)
                 + [_at(S.quote(f"return {items}")[0], fdef.body[-1])])
    return fdef


def check_generator(source, fdef, endless=False):
    """Refuse, located, a yield used as a value, a write in place into a yielded value and
    (unless `endless`: inlined under a loop that leaves) a loop that never ends."""
    yielded = set()
    for n in own_nodes(fdef):
        if isinstance(n, (S.Yield, S.YieldFrom)) and n.value is not None:
            yielded |= holding(n.value)
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
        elif isinstance(n, S.While) and not endless and _always_true(n.test) and \
                not exits(n.body):
            raise source.error(n, "this generator never ends (while True with no break or "
                               "return), so srcdiff cannot take all of its items",
                               hint="give the loop an end (while step < n_steps) or a "
                                    "number of steps (for step in range(n_steps))")
        elif isinstance(n, (S.Assign, S.AugAssign)):
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            for t in targets:
                written = written_root(t) if not isinstance(t, S.Name) else (
                    t.id if isinstance(n, S.AugAssign) and t.id in yielded else None)
                if written is not None:
                    raise source.error(n, f"this generator writes into {written!r} in place; "
                                       "srcdiff takes a generator's items before its consumer "
                                       "runs, which is only the same when it writes into "
                                       "nothing it yields or reads",
                                       hint=f"make a new value each step ({written} = "
                                            f"{written} + ..., or {written}.copy() first)")
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS and written_root(n.func.value, True) in yielded:
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
        if isinstance(stmt, SCOPES):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(stmt, field, self.block(getattr(stmt, field)))
        for handler in getattr(stmt, "handlers", []) or []:
            handler.body = self.block(handler.body)
        return [stmt]


# -- small helpers ----------------------------------------------------------------------
def holding(value):
    """Names whose object `value` may be or share memory with (x, x[i], x.T, x.reshape(..),
    (a, b)); an arithmetic result is a new object."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Tuple, S.List)):
        return set().union(*[holding(e) for e in value.elts])
    if isinstance(value, S.Starred):
        return holding(value.value)
    if isinstance(value, S.Dict):
        return set().union(*[holding(e) for e in value.keys + value.values if e is not None])
    if isinstance(value, (S.ListComp, S.DictComp, S.SetComp, S.GeneratorExp)):
        return {n.id for n in S.walk(value) if isinstance(n, S.Name)}
    if isinstance(value, (S.Subscript, S.Attribute)):
        return holding(value.value)
    if isinstance(value, S.Call):
        held = holding(value.func.value) if isinstance(value.func, S.Attribute) else set()
        return held.union(*[holding(a) for a in value.args])
    if isinstance(value, S.IfExp):
        return holding(value.body) | holding(value.orelse)
    return set()


def written_root(target, method=False):
    """The name an in-place write through `target` (x[i], x.a, x[i].b) changes."""
    node = target
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    if isinstance(node, S.Name) and (method or node is not target):
        return node.id
    return None


def walk_block(stmts):
    for stmt in stmts:
        yield stmt
        yield from own_nodes(stmt)


def exits(stmts, returns=False):
    """A break of this loop (or, with `returns`, a return) in `stmts`; None if none."""
    for stmt in stmts:
        if isinstance(stmt, S.Break) or isinstance(stmt, S.Return):
            return stmt
        if isinstance(stmt, (S.For, S.While)):
            inner = [n for n in walk_block(stmt.body + stmt.orelse) if isinstance(n, S.Return)]
            if inner:
                return inner[0]
            found = exits(stmt.orelse, returns)
        elif isinstance(stmt, SCOPES):
            continue
        else:
            found = exits([s for f in ("body", "orelse", "finalbody")
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
    raise source.error(source.node, f"srcdiff cannot differentiate generators themselves: "
                       f"{fn.__name__} is a generator",
                       hint=f"return a value (or a list of values) instead of yielding, or "
                            f"differentiate a function that consumes it, e.g. "
                            f"lambda x: sum({fn.__name__}(x))")
