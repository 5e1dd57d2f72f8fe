"""The pass over the user's function before it is lowered: everyday Python shapes rewritten
into ones the lowering already differentiates (stage 3, lower: called by lower.py's
Lowerer.__init__; idioms.py and container_writes.py use its `placed_at`). Takes a gast
FunctionDef and a resolver of its free names (`desugar`); gives back a rewritten copy (the
user's tree is left alone), or the same one where nothing applies.

  - ``for ... else`` and ``while ... else``: the else block runs after the loop unless a
    ``break`` of that loop ran, so each such break first sets a flag of its own
    (``broke = True``) and the else block becomes ``if not broke: ...``.
  - ``zip(...)`` and ``enumerate(...)`` outside a for header, where their items are read
    once, right away (an argument of list, tuple, dict, sorted, sum, min, max, any, all,
    set, zip or enumerate; the value unpacked by ``a, b = zip(...)``; the iterable of a for
    header or comprehension): the list of their items, as the comprehension
    ``[(a, b) for a, b in zip(x, y)]``. Bound to a name (``z = zip(x, y)``) and read once,
    by a later for header or comprehension of the same block: its arguments are bound to
    names there and zip is called where it is read (iterators_read_once). Read more than
    once (an iterator is used up by its first loop and a list is not), it stays refused
    (wrap it in list()).
  - ``zip(*rows)``: the columns of rows (a list of sequences, or an array's rows), as
    ``[tuple([row[j] for row in rows]) for j in range(shortest)]``.
  - ``max(a, b, c)`` (min too): ``max(max(a, b), c)``, which picks the same first largest.
  - ``next(iter(c))``, the first item (key) of a list, tuple or dict c (a parameter passed
    one, or a local bound only to displays), or of its .keys(), .values(), .items():
    ``list(c)[0]``, the same item (an iterator or generator stays next's).
  - ``max(xs, key=f)``: ``sorted(xs, key=f, reverse=True)[0]``, the same first largest
    (sorted is stable either way); ``min(xs, key=f)``: ``sorted(xs, key=f)[0]``;
    ``max(xs, default=d)``: ``(sorted(xs, reverse=True) + [d])[0]``, d where xs is empty.
  - ``a, *rest, b = value``: ``unpacked = list(value)``, a check of its length (Python's
    ValueError), then ``a, rest, b = unpacked[0], unpacked[1:len(unpacked) - 1], ...``;
    the same for ``for a, *rest in pairs`` and comprehension headers (``starred_header``,
    called by desugar.py as it lowers the loop).
  - ``{**d, "k": v}`` (d first, then string keys): ``dict(d, k=v)``, which idioms.py
    lowers as a copy of d.
  - ``dict(zip(keys, values))`` (and dict of enumerate(...), of a list display or
    comprehension of pairs): the dict comprehension ``{k: v for k, v in ...}``.
  - ``list(filter(f, xs))`` (filter read at once by such a builtin): ``[v for v in xs if
    f(v)]`` (filter_calls.py).
"""
import builtins

from . import census
from . import syntax as S

CONSUMERS = ("list", "tuple", "dict", "sorted", "sum", "min", "max", "any", "all", "set",
             "frozenset", "zip", "enumerate")
_REWRITTEN = ("zip", "enumerate", "max", "min", "dict", "filter", "next", "reversed")   # calls it may rewrite


# -- the pass before lowering ---------------------------------------------------------
def desugar(fdef, resolve, known=None, containers=()):
    """A copy of the user's FunctionDef with the shapes above rewritten (see the docstring).
    `resolve(name)` is the object a free name means (None where it is not known); `known`:
    the facts it is specialised on (a parameter holding a list of functions); `containers`:
    the parameters passed a list, tuple or dict."""
    lists = known and any(k.endswith(".__len__") for k in known)
    if not lists and not census.may_desugar(census.take(fdef)):
        return fdef   # nothing of the above in it (srcdiff/census.py)
    from . import function_loops   # imported only where the census says it may have work
    fdef = function_loops.unroll(fdef, resolve, known)   # loops over a list of functions
    names = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    if not any(isinstance(n, (S.For, S.While)) and n.orelse or isinstance(n, S.Call)
               and isinstance(n.func, S.Name) and n.func.id in _REWRITTEN
               or isinstance(n, S.Dict) and None in n.keys or isinstance(n, S.Assign)
               and len(n.targets) == 1 and starred_at(n.targets[0]) is not None
               for n in S.walk(fdef)):
        return fdef
    tree = S.clone(fdef)
    pass_ = _Desugar(resolve, names, assigned)
    pass_.containers = _plain_containers(fdef, containers)
    pass_.iterators_read_once(tree)
    return pass_.visit(tree)


class _Desugar(S.NodeTransformer):
    def __init__(self, resolve, names, assigned):
        self.resolve = resolve
        self.taken = set(names)
        self.assigned = assigned
        self.containers = set()   # names holding a list, tuple or dict (_plain_containers)
        self.lazy = set()   # zip and enumerate calls a for header reads as it goes

    def fresh(self, base):
        k = 0
        while f"{base}_{k}" in self.taken:
            k += 1
        name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def builtin(self, node, *names):
        """The builtin's name where `node` is a call of one of `names` (not shadowed)."""
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
                node.func.id in names and node.func.id not in self.assigned:
            if self.resolve(node.func.id) is getattr(builtins, node.func.id):
                return node.func.id
        return None

    # loops
    def visit_For(self, node):
        self.lazy.update(id(c) for c in self.header_nest(node.iter, node.target)[1:])
        self.generic_visit(node)
        if isinstance(node.iter, S.Call) and self.builtin(node.iter, "zip") and any(
                isinstance(a, S.Starred) for a in node.iter.args):
            node.iter = self.materialize(node.iter)
        return self.loop_else(node)

    def header_nest(self, call, target):
        """The zip and enumerate calls of a for header, nested as its target unpacks them
        (`for i, (a, b) in enumerate(zip(x, y))`): desugar reads their sequences item by item
        as the loop goes (Python's iterators are lazy: a write into x in the body is seen by
        later items), so the inner ones are not made lists first. [] where it does not apply."""
        kind = self.builtin(call, "zip", "enumerate")
        if kind is None or any(isinstance(a, S.Starred) for a in call.args):
            return []
        if kind == "zip":
            parts = call.args if not call.keywords else []
        else:
            ok = 1 <= len(call.args) and len(call.args) + len(call.keywords) <= 2 and all(
                k.arg == "start" for k in call.keywords)
            parts = [None, call.args[0]] if ok else []
        if not parts:
            return []
        if isinstance(target, (S.Tuple, S.List)):
            if len(target.elts) != len(parts) or any(isinstance(e, S.Starred)
                                                     for e in target.elts):
                return []
            subs = target.elts
        elif target is None or isinstance(target, S.Name):
            subs = [None] * len(parts)
        else:
            return []
        nest = [call]
        for part, sub in zip(parts, subs):
            if part is not None:
                nest += self.header_nest(part, sub)
        return nest

    def visit_While(self, node):
        self.generic_visit(node)
        return self.loop_else(node)

    def visit_comprehension(self, node):
        self.generic_visit(node)
        if self.builtin(node.iter, "zip") and any(isinstance(a, S.Starred)
                                                  for a in node.iter.args):
            node.iter = self.materialize(node.iter)
        return node

    def loop_else(self, node):
        if not node.orelse:
            return node
        orelse, node.orelse = node.orelse, []
        if not _has_break(node.body):
            return [node] + orelse
        flag = self.fresh("broke")
        node.body = _BreakFlag(flag).block(node.body)
        first = placed_at(S.Assign(targets=[S.store(flag)], value=S.const(False),
                             type_comment=None), node)
        test = placed_at(S.UnaryOp(op=S.Not(), operand=S.load(flag)), node)
        last = placed_at(S.If(test=test, body=orelse, orelse=[]), node)
        return [first, node, last]

    # z = zip(x, y) (or enumerate) kept in a name and iterated once
    def iterators_read_once(self, fdef):
        """Where `z = zip(a, b)` (enumerate too) binds z once and a later statement of the
        same block reads it once, as the iterable of a for header or of a comprehension's
        first `for` (run once each time the binding runs): the binding becomes
        `z_arg_0 = a; z_arg_1 = b` and the read `zip(z_arg_0, z_arg_1)`. The names hold the
        objects zip would hold (`z_arg_0` is an alias of a, as zip's hold is) and zip reads
        them where Python's iterator would, so a loop over z sees what it sees in Python.
        Any other read of z (a second loop, which would find the iterator used up,
        next(z), z passed on) stays refused by the lowering."""
        loads, stores = {}, {}
        for n in S.walk(fdef):
            if isinstance(n, S.Name):
                table = loads if isinstance(n.ctx, S.Load) else stores
                table[n.id] = table.get(n.id, 0) + 1
        for block in list(_blocks(fdef)):
            split = {}
            for i, stmt in enumerate(block):
                if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                        stmt.targets[0], S.Name) and self._iterator(stmt.value)):
                    continue
                name, call = stmt.targets[0].id, stmt.value
                if loads.get(name) != 1 or stores.get(name) != 1 or any(
                        isinstance(a, S.Starred) for a in call.args):
                    continue
                for later in block[i + 1:]:
                    holder = _read_once(later, name)
                    if holder is not None:
                        split[i] = self._split(stmt, call, holder)
                        break
            for i in sorted(split, reverse=True):
                block[i:i + 1] = split[i]

    def _split(self, stmt, call, holder):
        name = stmt.targets[0].id
        values = list(call.args) + [k.value for k in call.keywords]
        parts = [self.fresh(f"{name}_arg") for _ in values]
        bound = [placed_at(S.Assign(targets=[S.store(p)], value=v, type_comment=None), stmt)
                 for p, v in zip(parts, values)]
        fresh = S.Call(func=S.load(call.func.id), args=[S.load(p) for p in parts[:len(
            call.args)]], keywords=[S.keyword(arg=k.arg, value=S.load(p)) for k, p in zip(
                call.keywords, parts[len(call.args):])])
        holder.iter = placed_at(fresh, holder.iter)
        return bound

    # zip and enumerate as values
    def visit_Call(self, node):
        self.generic_visit(node)
        first = self.first_item(node)
        if first is not node:
            return first
        consumer = self.builtin(node, *CONSUMERS)
        if consumer is None:
            return node
        if consumer == "enumerate" and len(node.args) == 1 and len(node.keywords) == 1 and \
                node.keywords[0].arg == "start":
            node.args, node.keywords = node.args + [node.keywords[0].value], []
        if consumer in ("max", "min") and len(node.args) > 2 and not node.keywords and \
                not any(isinstance(a, S.Starred) for a in node.args):
            # max(a, b, c) is max(max(a, b), c): the first largest, as Python picks it
            first = S.Call(func=S.load(consumer), args=node.args[:2], keywords=[])
            return self.visit_Call(placed_at(S.Call(func=node.func, args=[first] + node.args[2:],
                                              keywords=[]), node))
        named = [k.arg for k in node.keywords]
        if consumer in ("max", "min") and len(node.args) == 1 and "default" in named and \
                set(named) <= {"key", "default"} and not isinstance(node.args[0], S.Starred) \
                and "sorted" not in self.assigned and self.resolve("sorted") is sorted and (
                    named[0] != "default" or len(named) == 1 or
                    isinstance(node.keywords[0].value, S.Constant)):
            # max(xs, default=d) is (sorted(xs, reverse=True) + [d])[0]: the first largest
            # as below, and d where xs is empty (min: sorted(xs)); xs, then d, evaluated once
            default = node.keywords[named.index("default")].value
            keywords = [k for k in node.keywords if k.arg == "key"] + (
                [S.keyword(arg="reverse", value=S.const(True))] if consumer == "max" else [])
            ordered = self.visit_Call(placed_at(S.Call(func=S.load("sorted"), args=node.args,
                                                       keywords=keywords), node))
            return placed_at(S.Subscript(value=S.BinOp(
                left=ordered, op=S.Add(), right=S.List(elts=[default], ctx=S.Load())),
                slice=S.const(0), ctx=S.Load()), node)
        if consumer in ("max", "min") and node.args and [k.arg for k in node.keywords] == \
                ["key"] and not any(isinstance(a, S.Starred) for a in node.args) and \
                "sorted" not in self.assigned and self.resolve("sorted") is sorted:
            # max(xs, key=f) is sorted(xs, key=f, reverse=True)[0]: sorted is stable in
            # both directions, so that is the first largest, as max picks it (min: [0] of
            # sorted(xs, key=f)); max(a, b, key=f) sorts the list [a, b]
            seq = node.args[0] if len(node.args) == 1 else S.List(elts=node.args,
                                                                   ctx=S.Load())
            keywords = node.keywords + ([S.keyword(arg="reverse", value=S.const(True))]
                                        if consumer == "max" else [])
            ordered = self.visit_Call(placed_at(S.Call(func=S.load("sorted"), args=[seq],
                                                       keywords=keywords), node))
            return placed_at(S.Subscript(value=ordered, slice=S.const(0), ctx=S.Load()), node)
        node.args = [self.materialize(a) if self._iterator(a) and id(a) not in self.lazy
                     else _filtered(a, self.fresh) if self.builtin(a, "filter")
                     else self.reversed_items(a) if self.builtin(a, "reversed") and
                     consumer not in ("zip", "enumerate") else a
                     for a in node.args]   # filter read at once: filter_calls.py
        if consumer == "dict" and len(node.args) == 1 and not node.keywords and \
                isinstance(node.args[0], (S.ListComp, S.GeneratorExp, S.List, S.Tuple)):
            return self.dict_of_pairs(node, node.args[0])
        return node

    def first_item(self, node):
        """`next(iter(c))`, the first item of a container c (a name holding a list, tuple or
        dict, or its .keys(), .values() or .items()): `list(c)[0]`, which reads the same
        item (and raises where c is empty, IndexError for StopIteration). `node` itself
        where it is not that call (a default given to next, a name that may hold an
        iterator, which list() would use up, or a generator, whose later items it would
        compute)."""
        if not (self.builtin(node, "next") and len(node.args) == 1 and not node.keywords):
            return node
        inner = node.args[0]
        if not (self.builtin(inner, "iter") and len(inner.args) == 1 and not inner.keywords):
            return node
        seq = inner.args[0]
        view = seq.func.value if isinstance(seq, S.Call) and not seq.args and \
            not seq.keywords and isinstance(seq.func, S.Attribute) and \
            seq.func.attr in ("keys", "values", "items") else seq
        if not (isinstance(view, S.Name) and view.id in self.containers) or \
                "list" in self.assigned or self.resolve("list") is not list:
            return node
        listed = self.visit_Call(placed_at(S.Call(func=S.load("list"), args=[seq],
                                                  keywords=[]), node))
        return placed_at(S.Subscript(value=listed, slice=S.const(0), ctx=S.Load()), node)

    def visit_Dict(self, node):
        """`{**d, "k": v}`: `dict(d, k=v)` (d first, then the keys written as names)."""
        self.generic_visit(node)
        rest = list(zip(node.keys[1:], node.values[1:]))
        if node.keys and node.keys[0] is None and all(
                isinstance(k, S.Constant) and isinstance(k.value, str) and k.value.isidentifier()
                for k, _ in rest) and len({k.value for k, _ in rest}) == len(rest) and \
                "dict" not in self.assigned and self.resolve("dict") is dict:
            return placed_at(S.Call(func=S.load("dict"), args=[node.values[0]], keywords=[
                S.keyword(arg=k.value, value=v) for k, v in rest]), node)
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if all(isinstance(t, (S.Tuple, S.List)) for t in node.targets) and \
                self._iterator(node.value):
            node.value = self.materialize(node.value)
        if len(node.targets) == 1 and starred_at(node.targets[0]) is not None and all(
                n not in self.assigned and self.resolve(n) is getattr(builtins, n)
                for n in ("list", "len", "ValueError")):
            return self.starred_assign(node)
        return node

    def starred_assign(self, node):
        """`a, *rest, b = value`: the items of `list(value)` by position (a length check
        first, with Python's ValueError), rest the slice between."""
        return unpack_starred(node.targets[0], node.value, self.fresh("unpacked"), node)

    def _iterator(self, node):
        return self.builtin(node, "zip", "enumerate") is not None and not any(
            k.arg is None for k in node.keywords)

    def reversed_items(self, call):
        """`reversed(xs)` read at once (`list(reversed(xs))`, `sum(reversed(xs))`) as the
        list of its items, `[v for v in reversed(xs)]`, where reversed is a for header's
        (a list, a tuple, an array, a range or a dict's keys, in reverse); `call` as it
        was where it is not one plain argument."""
        if len(call.args) != 1 or call.keywords or isinstance(call.args[0], S.Starred) or \
                id(call) in self.lazy:
            return call
        item = self.fresh("item")
        return placed_at(S.ListComp(elt=S.load(item), generators=[S.comprehension(
            target=S.store(item), iter=call, ifs=[], is_async=0)]), call)

    def materialize(self, call):
        """The list of the items of zip(...) / enumerate(...), as a list comprehension."""
        if self.builtin(call, "zip") and len(call.args) == 1 and isinstance(
                call.args[0], S.Starred) and not call.keywords:
            return self.transpose(call, call.args[0].value)
        if any(isinstance(a, S.Starred) for a in call.args):
            return call   # zip(a, *rest): refused by the lowering, as before
        width = len(call.args) if call.func.id == "zip" else 2
        if width == 0:
            return call
        items = [self.fresh("item") for _ in range(width)]
        elt = S.Tuple(elts=[S.load(v) for v in items], ctx=S.Load())
        target = S.Tuple(elts=[S.store(v) for v in items], ctx=S.Store())
        return placed_at(S.ListComp(elt=elt, generators=[
            S.comprehension(target=target, iter=call, ifs=[], is_async=0)]), call)

    def transpose(self, call, rows_value):
        rows, row, j = self.fresh("rows"), self.fresh("row"), self.fresh("column")
        column = S.ListComp(
            elt=S.Subscript(value=S.load(row), slice=S.load(j), ctx=S.Load()),
            generators=[S.comprehension(target=S.store(row), iter=S.load(rows), ifs=[],
                                        is_async=0)])
        lengths = S.ListComp(
            elt=S.Call(func=S.load("len"), args=[S.load(row)], keywords=[]),
            generators=[S.comprehension(target=S.store(row), iter=S.load(rows), ifs=[],
                                        is_async=0)])
        bound = S.NamedExpr(target=S.store(rows), value=rows_value)
        shortest = S.IfExp(test=S.Call(func=S.load("len"), args=[bound], keywords=[]),
                           body=S.Call(func=S.load("min"), args=[lengths], keywords=[]),
                           orelse=S.const(0))
        count = S.Call(func=S.load("range"), args=[shortest], keywords=[])
        out = S.ListComp(elt=S.Call(func=S.load("tuple"), args=[column], keywords=[]),
                         generators=[S.comprehension(target=S.store(j), iter=count, ifs=[],
                                                     is_async=0)])
        return placed_at(out, call)

    def dict_of_pairs(self, call, pairs):
        key, value = self.fresh("key"), self.fresh("value")
        target = S.Tuple(elts=[S.store(key), S.store(value)], ctx=S.Store())
        source = pairs
        if isinstance(pairs, S.ListComp) and len(pairs.generators) == 1 and \
                self.builtin(pairs.generators[0].iter, "zip", "enumerate") and \
                getattr(pairs, "sd_materialized", False):
            source = pairs.generators[0].iter  # {k: v for k, v in zip(keys, values)}
        return placed_at(S.DictComp(key=S.load(key), value=S.load(value), generators=[
            S.comprehension(target=target, iter=source, ifs=[], is_async=0)]), call)


class _BreakFlag:
    """Each break of one loop (not of loops inside it) first sets the loop's flag."""

    def __init__(self, flag):
        self.flag = flag

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, S.Break):
                out.append(placed_at(S.Assign(targets=[S.store(self.flag)], value=S.const(True),
                                        type_comment=None), stmt))
                out.append(stmt)
                continue
            if isinstance(stmt, S.If):
                stmt.body, stmt.orelse = self.block(stmt.body), self.block(stmt.orelse)
            elif isinstance(stmt, (S.With, S.Try)):
                for field in ("body", "orelse", "finalbody"):
                    if hasattr(stmt, field):
                        setattr(stmt, field, self.block(getattr(stmt, field)))
            out.append(stmt)
        return out


def _blocks(fdef):
    """Every statement list of the function (not of functions nested in it)."""
    todo = [fdef]
    while todo:
        node = todo.pop()
        for field in ("body", "orelse", "finalbody", "handlers"):
            stmts = getattr(node, field, None)
            if not isinstance(stmts, list):
                continue
            if field != "handlers":
                yield stmts
            todo.extend(n for n in stmts if not isinstance(
                n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef, S.Lambda)))


def _read_once(stmt, name):
    """The for statement or comprehension whose iterable is the Name `name`, where `stmt`
    reads it once each time it runs (a for header, or the first `for` of a comprehension,
    neither inside a loop, comprehension or function of `stmt`); None otherwise."""
    if isinstance(stmt, (S.For, S.AsyncFor)):
        if isinstance(stmt.iter, S.Name) and stmt.iter.id == name:
            return stmt
        return _read_once_in_expr(stmt.iter, name)
    if isinstance(stmt, S.If):
        return _read_once_in_expr(stmt.test, name) or _first(
            _read_once(s, name) for s in stmt.body + stmt.orelse)
    if isinstance(stmt, (S.With, S.Try)):
        return _first(_read_once(s, name) for s in getattr(stmt, "body", []) + getattr(
            stmt, "orelse", []) + getattr(stmt, "finalbody", []))
    if isinstance(stmt, (S.While, S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
        return None
    return _read_once_in_expr(stmt, name)


def _first(items):
    return next((i for i in items if i is not None), None)


def _read_once_in_expr(node, name):
    scopes = (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp, S.Lambda)
    for comp in S.walk(node):
        if isinstance(comp, scopes[:4]) and isinstance(comp.generators[0].iter, S.Name) \
                and comp.generators[0].iter.id == name:
            inside = [n for n in S.walk(node) if isinstance(n, scopes) and n is not comp
                      and any(m is comp for m in S.walk(n))]
            return None if inside else comp.generators[0]
    return None


def _has_break(stmts):
    for stmt in stmts:
        if isinstance(stmt, S.Break):
            return True
        if isinstance(stmt, S.If) and (_has_break(stmt.body) or _has_break(stmt.orelse)):
            return True
        if isinstance(stmt, (S.With, S.Try)) and any(
                _has_break(getattr(stmt, f, [])) for f in ("body", "orelse", "finalbody")):
            return True
    return False


def unpack_starred(target, value, seq, node):
    """The statements of `a, *rest, b = value` (`target` holding one starred name) without
    the star: `seq = list(value)`, Python's ValueError where it has too few items, then
    `a, rest, b = seq[0], seq[1:len(seq) - 1], seq[len(seq) - 1]`; each placed at `node`.
    `seq` is a fresh name; the caller checks list, len and ValueError are the builtins.
    Also used by desugar.py for a starred target of a for header or comprehension."""
    star = starred_at(target)
    before, after = star, len(target.elts) - star - 1
    length = S.Call(func=S.load("len"), args=[S.load(seq)], keywords=[])

    def at(i):
        return S.Subscript(value=S.load(seq), slice=i, ctx=S.Load())

    def from_end(j):   # len(seq) - j
        return S.BinOp(left=S.clone(length), op=S.Sub(), right=S.const(j))

    items = [at(S.const(i)) for i in range(before)]
    items.append(at(S.Slice(lower=S.const(before), upper=from_end(after) if after else None,
                            step=None)))
    items += [at(from_end(after - j)) for j in range(after)]
    elts = [e.value if isinstance(e, S.Starred) else e for e in target.elts]
    message = f"not enough values to unpack (expected at least {before + after})"
    stmts = [
        S.Assign(targets=[S.store(seq)], value=S.Call(func=S.load("list"), args=[value],
                                                      keywords=[]), type_comment=None),
        S.If(test=S.Compare(left=length, ops=[S.Lt()], comparators=[
            S.const(before + after)]), body=[S.Raise(exc=S.Call(
                func=S.load("ValueError"), args=[S.const(message)], keywords=[]),
                cause=None)], orelse=[]),
        S.Assign(targets=[S.Tuple(elts=elts, ctx=S.Store())],
                 value=S.Tuple(elts=items, ctx=S.Load()), type_comment=None)]
    return [placed_at(stmt, node) for stmt in stmts]


def starred_header(lw, node):
    """`for a, *rest in pairs: body` (a comprehension's header too, which desugar.py makes
    a for loop): `for item in pairs: a, *rest = item; body`, the unpacking written out by
    unpack_starred (`list(item)`, Python's ValueError where it is too short, the slices).
    Called by desugar.stmt_For with the Lowerer `lw` before it lowers the loop; the loop is
    given back as it is where it has no starred target, or where list, len or ValueError
    mean something else here (then lower.py's `store` refuses it, located)."""
    if starred_at(node.target) is None or any(
            name in lw.locals or lw.resolver.lookup(name, None) is not getattr(builtins, name)
            for name in ("list", "len", "ValueError")):
        return node
    item, seq = lw.namer.fresh("item"), lw.namer.fresh("unpacked")
    lw.locals |= {item, seq}
    # a comprehension's loop is not placed (its lines are): the target written is
    at = node if hasattr(node, "col_offset") else node.target
    unpack = unpack_starred(S.clone(node.target), S.load(item), seq, at)
    loop = S.For(target=S.store(item), iter=node.iter, body=unpack + node.body, orelse=[],
                 type_comment=None)
    loop.lineno = node.lineno
    return placed_at(loop, at)


def starred_at(target):
    """The position of the one starred name of an unpacking target (`a, *rest = ...`), or
    None."""
    if not isinstance(target, (S.Tuple, S.List)):
        return None
    stars = [i for i, e in enumerate(target.elts) if isinstance(e, S.Starred)]
    return stars[0] if len(stars) == 1 else None


def placed_at(new, old):
    """`new` and every node under it placed at `old`'s line and column."""
    S.place_unplaced(new, old)
    if isinstance(new, S.ListComp):
        new.sd_materialized = True
    return new


_DISPLAYS = (S.List, S.Tuple, S.Dict, S.ListComp, S.DictComp)


def _plain_containers(fdef, containers):
    """The names of `fdef` that hold a list, tuple or dict wherever they are read: a
    parameter of `containers` never bound again, or a local bound only by assignments of a
    display or comprehension (never a loop's target, a nonlocal, ...)."""
    stores, displays = {}, {}
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del, S.Param)):
            stores[n.id] = stores.get(n.id, 0) + 1
        elif isinstance(n, S.Assign) and isinstance(n.value, _DISPLAYS):
            for t in n.targets:
                if isinstance(t, S.Name):
                    displays[t.id] = displays.get(t.id, 0) + 1
        elif isinstance(n, (S.Global, S.Nonlocal)):
            for name in n.names:
                stores[name] = stores.get(name, 0) + 2   # never plain
    params = {a.id for a in fdef.args.args + fdef.args.posonlyargs + fdef.args.kwonlyargs}
    return {name for name, count in stores.items()
            if name in containers and name in params and count == 1
            or name not in params and count == displays.get(name, 0)}


def _filtered(node, fresh):
    """filter_calls.filtered, its module imported at the first filter(...) met."""
    from .filter_calls import filtered
    return filtered(node, fresh)
