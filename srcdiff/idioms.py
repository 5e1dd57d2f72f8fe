"""Everyday Python shapes, rewritten into constructs the lowering already differentiates.

Three entry points:

* `desugar(fdef, resolve)`, called by Lowerer.__init__: a pass over the user's function
  before it is lowered (on a copy; the user's tree is left alone):

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
  - ``dict(zip(keys, values))`` (and dict of enumerate(...), of a list display or
    comprehension of pairs): the dict comprehension ``{k: v for k, v in ...}``.

* `expand_call(lowerer, node, out, discard)` and `expand_method(...)`, asked first by
  Lowerer.call and Lowerer.method_call; each returns the lowered statement or None:

  - ``functools.reduce(f, items[, initial])``: ``acc = initial (or items[0]); for item in
    items[1:]: acc = f(acc, item)``, a loop the lowering differentiates like the user's own
    (f an operator function or the user's function).
  - ``math.prod(items, start=1)``: the same loop with ``acc = acc * item``.
  - calls made only to read (result dropped): print (also of ``*values``), logging's
    functions and a logger's methods (a local logger's, whose class is known only when it
    runs, through runtime_idioms.call_logger, which checks it), warnings.warn: they run as
    written and carry no derivative.
  - ``d.get(k[, default])`` on a value that may be a dict: ``d[k] if k in d else default``
    (after a check that d is a dict).
  - ``x.item(*index)``: the element as ``numpy.ravel(x)[i]`` (one index), ``x[i, j]``
    (several), or the only element of an array of size 1 (after checking the size).
  - ``x.tolist()``: runtime_idioms.array_tolist, whose rules are in templates/idioms.py.
  - ``d.update({k: v})``, ``d.update(k=v)``, ``d.setdefault(k, v)`` (dict_write, asked by
    Lowerer.method_call before it refuses methods that change their object): item writes
    ``d[k] = v`` after a check that d is a dict; ``d.pop(k[, default])``: the value read,
    then d bound to runtime_idioms.dict_without(d, k), refused by container_writes where
    another name holding the dict (or a live view of it) is read after.

  ``x.item()`` and ``x.tolist()`` first check, when they run, that x is an array or a NumPy
  scalar (an object of another class may mean something else by its method).

* `reads_instead(low, stmt)`, asked by reverse.py and forward.py for each call made for its
  effects that is given a value being differentiated (analyze.effects_on_varied): a function
  of the user's (a progress or plotting callback) then runs through
  runtime_idioms.call_reading, which hands it read-only views of what it is given: arrays
  that refuse writes, lists and dicts that refuse changes (ReadOnlyList, ReadOnlyDict),
  tuples item by item, numbers and strings as they are; any other object is refused at the
  call. It may read them, print them, plot them, keep copies; a write into them is refused
  at the call (a located RuntimeRefusal) instead of changing what the derivative was
  computed from. The lowering has already refused a callee that writes into its parameters
  where the source shows it (`v[0] = ...`). Calls given no value being differentiated run
  as written (a helper filling a list of counts). A library's function called for its
  effects on a differentiated value (numpy.copyto, numpy.add.at) stays refused, with the
  hint of reverse.effect_error.
"""
import functools
import logging
import math
import types
import warnings

from . import syntax as S
from .core import Kind

CONSUMERS = ("list", "tuple", "dict", "sorted", "sum", "min", "max", "any", "all", "set",
             "frozenset", "zip", "enumerate")
READERS = (print, warnings.warn, logging.debug, logging.info, logging.warning, logging.error,
           logging.critical, logging.exception, logging.log)
LOGGER_METHODS = ("debug", "info", "warning", "error", "critical", "exception", "log")
_REWRITTEN = ("zip", "enumerate", "max", "min", "dict")   # calls desugar may rewrite


# -- the pass before lowering ---------------------------------------------------------
def desugar(fdef, resolve):
    """A copy of the user's FunctionDef with the shapes above rewritten (see the docstring).
    `resolve(name)` is the object a free name means (None where it is not known)."""
    names = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    if not any(isinstance(n, (S.For, S.While)) and n.orelse or isinstance(n, S.Call)
               and isinstance(n.func, S.Name) and n.func.id in _REWRITTEN
               for n in S.walk(fdef)):
        return fdef
    tree = S.clone(fdef)
    pass_ = _Desugar(resolve, names, assigned)
    pass_.iterators_read_once(tree)
    return pass_.visit(tree)


class _Desugar(S.NodeTransformer):
    def __init__(self, resolve, names, assigned):
        self.resolve = resolve
        self.taken = set(names)
        self.assigned = assigned

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
            import builtins
            if self.resolve(node.func.id) is getattr(builtins, node.func.id):
                return node.func.id
        return None

    # loops
    def visit_For(self, node):
        self.generic_visit(node)
        if isinstance(node.iter, S.Call) and self.builtin(node.iter, "zip") and any(
                isinstance(a, S.Starred) for a in node.iter.args):
            node.iter = self.materialize(node.iter)
        return self.loop_else(node)

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
        first = _at(S.Assign(targets=[S.store(flag)], value=S.const(False),
                             type_comment=None), node)
        test = _at(S.UnaryOp(op=S.Not(), operand=S.load(flag)), node)
        last = _at(S.If(test=test, body=orelse, orelse=[]), node)
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
        bound = [_at(S.Assign(targets=[S.store(p)], value=v, type_comment=None), stmt)
                 for p, v in zip(parts, values)]
        fresh = S.Call(func=S.load(call.func.id), args=[S.load(p) for p in parts[:len(
            call.args)]], keywords=[S.keyword(arg=k.arg, value=S.load(p)) for k, p in zip(
                call.keywords, parts[len(call.args):])])
        holder.iter = _at(fresh, holder.iter)
        return bound

    # zip and enumerate as values
    def visit_Call(self, node):
        self.generic_visit(node)
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
            return self.visit_Call(_at(S.Call(func=node.func, args=[first] + node.args[2:],
                                              keywords=[]), node))
        node.args = [self.materialize(a) if self._iterator(a) else a for a in node.args]
        if consumer == "dict" and len(node.args) == 1 and not node.keywords and \
                isinstance(node.args[0], (S.ListComp, S.GeneratorExp, S.List, S.Tuple)):
            return self.dict_of_pairs(node, node.args[0])
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if all(isinstance(t, (S.Tuple, S.List)) for t in node.targets) and \
                self._iterator(node.value):
            node.value = self.materialize(node.value)
        return node

    def _iterator(self, node):
        return self.builtin(node, "zip", "enumerate") is not None and not any(
            k.arg is None for k in node.keywords)

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
        return _at(S.ListComp(elt=elt, generators=[
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
        return _at(out, call)

    def dict_of_pairs(self, call, pairs):
        key, value = self.fresh("key"), self.fresh("value")
        target = S.Tuple(elts=[S.store(key), S.store(value)], ctx=S.Store())
        source = pairs
        if isinstance(pairs, S.ListComp) and len(pairs.generators) == 1 and \
                self.builtin(pairs.generators[0].iter, "zip", "enumerate") and \
                getattr(pairs, "sd_materialized", False):
            source = pairs.generators[0].iter  # {k: v for k, v in zip(keys, values)}
        return _at(S.DictComp(key=S.load(key), value=S.load(value), generators=[
            S.comprehension(target=target, iter=source, ifs=[], is_async=0)]), call)


class _BreakFlag:
    """Each break of one loop (not of loops inside it) first sets the loop's flag."""

    def __init__(self, flag):
        self.flag = flag

    def block(self, stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, S.Break):
                out.append(_at(S.Assign(targets=[S.store(self.flag)], value=S.const(True),
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


def _at(new, old):
    """`new` and every node under it placed at `old`'s line and column."""
    for n in S.walk(new):
        if isinstance(n, (S.stmt, S.expr)) and getattr(n, "lineno", None) is None:
            n.lineno, n.col_offset = old.lineno, old.col_offset
            n.end_lineno = getattr(old, "end_lineno", old.lineno)
            n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    if isinstance(new, S.ListComp):
        new.sd_materialized = True
    return new


# -- calls, asked first by Lowerer.call / Lowerer.method_call -------------------------------
def expand_call(low, node, out, discard):
    """The lowered statement of a call of functools.reduce, math.prod, a function that only
    reads, or a user function whose result is dropped; None for any other call."""
    func = node.func
    if not isinstance(func, (S.Name, S.Attribute)) or low._global_path(func) is None or (
            isinstance(func, S.Name) and func.id in low.local_functions):
        return None
    obj = low._callee_object(func)
    if obj is None:
        return None
    if obj is functools.reduce:
        return low._result(_reduce(low, node, out), Kind.COPY, None, discard)
    if obj is math.prod:
        return low._result(_prod(low, node, out), Kind.COPY, None, discard)
    if not discard:
        return None
    if _reads_only(obj):
        # print(*values) and print(**options) too: the call runs as written
        args = [S.Starred(value=low.expr(a.value, out), ctx=S.Load())
                if isinstance(a, S.Starred) else low.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=low.expr(k.value, out)) for k in node.keywords]
        value = S.Call(func=_reference(low, func, obj), args=args, keywords=keywords)
        # a bound logger method is known by its function (templates/idioms.py)
        return low._result(value, Kind.EFFECT, getattr(obj, "__func__", obj), True)
    return None


def _reads_only(obj):
    if any(obj is r for r in READERS):
        return True
    fn = getattr(obj, "__func__", None)
    return isinstance(getattr(obj, "__self__", None), logging.Logger) and any(
        fn is getattr(logging.Logger, m) for m in LOGGER_METHODS)


def _reference(low, func, obj):
    from .callables import canonical_path
    path = canonical_path(obj)
    if path is not None and not path.startswith("__main__") and \
            not isinstance(obj, types.MethodType):
        return low.bind(path, obj)
    return low.free_reference(func)


def reads_instead(low, stmt):
    """A call of a function of the user's made for its effects (result dropped) and given a
    value being differentiated (analyze.effects_on_varied): rewritten in place as
    runtime_idioms.call_reading(where, f, *args), which runs f on read-only views of its
    arguments; True. False for any other call (a library's, which stays refused). The
    lowering checked already that f writes into none of its parameters."""
    from . import runtime_idioms
    from .callables import is_user_function
    call = stmt.value
    if not (isinstance(stmt, S.Expr) and isinstance(call, S.Call)
            and is_user_function(stmt.sd.func)) or \
            low.source.filename.startswith("srcdiff-generated/"):
        return False
    args = list(call.args)
    keywords = list(call.keywords)
    named = getattr(call, S.KEYWORD_ONLY, None) or []
    if named:   # keyword-only parameters, passed last by position (see lower.call)
        given = args[len(args) - len(named):]
        args = args[:len(args) - len(named)]
        keywords += [S.keyword(arg=n, value=a) for n, a in zip(named, given)]
    name = runtime_idioms.call_reading.__name__
    low.bindings[name] = runtime_idioms.call_reading
    where = f"{low.source.filename}:{stmt.sd.line}"
    stmt.value = S.Call(func=S.load(name), args=[S.const(where), call.func] + args,
                        keywords=keywords)
    stmt.sd.func = runtime_idioms.call_reading
    stmt.sd.clear_facts()
    return True


def _helper(low, name):
    from . import runtime_idioms
    return low._runtime_helper(name, runtime_idioms)


def _local(low, *atoms):
    """Atoms the lowering made, read again by user-shaped code lowered here: locals."""
    for atom in atoms:
        if isinstance(atom, S.Name):
            low.locals.add(atom.id)
    return atoms[0] if len(atoms) == 1 else atoms


def _where(low, node):
    return f"{low.src.filename}:{getattr(node, 'lineno', low.line)}"


def _loop(low, node, acc, items, step, out):
    """Lower `for item in items: acc = step(acc, item)` (user statements at node's line)."""
    item = low.namer.fresh("item")
    low.locals |= {acc, item}
    body = [_at(S.Assign(targets=[S.store(acc)], value=step(S.load(acc), S.load(item)),
                         type_comment=None), node)]
    loop = _at(S.For(target=S.store(item), iter=items, body=body, orelse=[],
                     type_comment=None), node)
    line = low.line
    out += low.block([loop])
    low.line = line
    return S.load(acc)


def _reduce(low, node, out):
    if node.keywords or not 2 <= len(node.args) <= 3 or any(
            isinstance(a, S.Starred) for a in node.args):
        raise low.error(node, "functools.reduce takes a function, the items and, if you "
                        "like, a first value, passed by position")
    fn = node.args[0]
    if isinstance(fn, S.Lambda):
        a = fn.args
        if len(a.args) != 2 or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or \
                a.defaults:
            raise low.error(fn, "the lambda given to functools.reduce takes two parameters")
        names = [p.id for p in a.args]

        def step(left, right):
            return _Substitute({names[0]: left, names[1]: right}).visit(S.clone(fn.body))
    elif isinstance(fn, (S.Name, S.Attribute)):
        def step(left, right):
            return _at(S.Call(func=S.clone(fn), args=[left, right], keywords=[]), node)
    else:
        raise low.error(fn, "srcdiff can only reduce with a function named here or a lambda",
                        hint="name the function (operator.add, or one of yours)")
    items = low.expr(node.args[1], out)
    acc = low.namer.fresh("total")
    if len(node.args) == 3:
        out.append(low.assign(acc, low.expr(node.args[2], out), Kind.COPY))
        rest = items
    else:
        first = S.Subscript(value=items, slice=S.const(0), ctx=S.Load())
        out.append(low.assign(acc, first, Kind.SUBSCRIPT))
        rest = low.temp(out, S.Subscript(value=items, slice=S.Slice(
            lower=S.const(1), upper=None, step=None), ctx=S.Load()), Kind.SUBSCRIPT, "rest")
    _local(low, rest)
    return _loop(low, node, acc, rest, step, out)


def _prod(low, node, out):
    if len(node.args) != 1 or any(k.arg != "start" for k in node.keywords) or \
            isinstance(node.args[0], S.Starred):
        raise low.error(node, "math.prod takes the items and, if you like, start=")
    items = low.expr(node.args[0], out)
    acc = low.namer.fresh("product")
    start = low.expr(node.keywords[0].value, out) if node.keywords else S.const(1)
    out.append(low.assign(acc, start, Kind.COPY))
    _local(low, items)

    def step(left, right):
        return _at(S.BinOp(left=left, op=S.Mult(), right=right), node)
    return _loop(low, node, acc, items, step, out)


class _Substitute(S.NodeTransformer):
    def __init__(self, values):
        self.values = values

    def visit_Name(self, node):
        if node.id in self.values and isinstance(node.ctx, S.Load):
            return S.clone(self.values[node.id])
        return node

    def visit_Lambda(self, node):
        return node


def expand_method(low, node, base, args, out, discard):
    """d.get(k[, default]), x.item(*index), x.tolist() (see the docstring); None otherwise.
    `base` and `args` are the lowered object and arguments."""
    method = node.func.attr
    if discard and method in LOGGER_METHODS and isinstance(base, S.Name):
        # log.info(...) on a local logger (its class known only when it runs): logged as
        # written where it is a logging.Logger (or LoggerAdapter), refused otherwise
        from . import runtime_idioms
        keywords = [S.keyword(arg=k.arg, value=low.expr(k.value, out)) for k in node.keywords
                    if k.arg is not None]
        if len(keywords) == len(node.keywords):
            value = S.Call(func=_helper(low, "call_logger"), args=[
                S.const(_where(low, node)), base, S.const(method)] + args, keywords=keywords)
            return low._result(value, Kind.EFFECT, runtime_idioms.call_logger, True)
    if node.keywords:
        return None
    if method == "get" and 1 <= len(args) <= 2 and low._may_be_dict(node.func.value):
        check = S.Call(func=_helper(low, "check_dict"), args=[
            base, S.const("get"), S.const(_where(low, node))], keywords=[])
        from . import runtime_idioms
        out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_dict))
        default = args[1] if len(args) == 2 else S.const(None)
        key = args[0]
        _local(low, base, key, default)
        choice = S.IfExp(test=S.Compare(left=key, ops=[S.In()], comparators=[base]),
                         body=S.Subscript(value=base, slice=key, ctx=S.Load()),
                         orelse=default)
        return low._result(low.ifexp(_at(choice, node), out), Kind.COPY, None, discard)
    if method == "item" or (method == "tolist" and not args):
        from . import runtime_idioms
        check = S.Call(func=_helper(low, "check_array"), args=[
            base, S.const(method), S.const(_where(low, node)),
            S.const(method == "item" and not args)], keywords=[])
        out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_array))
    if method == "item":
        if not args:
            args = [S.const(0)]
        if len(node.args) == 1 and isinstance(node.args[0], S.Tuple):   # x.item((i, j))
            args = [low.expr(e, out) for e in node.args[0].elts]
        if len(args) == 1:
            import numpy
            flat = low.temp(out, S.Call(func=low.bind("numpy.ravel", numpy.ravel), args=[base],
                                        keywords=[]), Kind.CALL, "flat", func=numpy.ravel)
            value = S.Subscript(value=flat, slice=args[0], ctx=S.Load())
        else:
            value = S.Subscript(value=base, slice=S.Tuple(elts=args, ctx=S.Load()),
                                ctx=S.Load())
        return low._result(value, Kind.SUBSCRIPT, None, discard)
    if method == "tolist" and not args:
        from . import runtime_idioms
        value = S.Call(func=_helper(low, "array_tolist"), args=[base], keywords=[])
        return low._result(value, Kind.CALL, runtime_idioms.array_tolist, discard)
    return None


# -- dict methods that change the dict ------------------------------------------------------
def dict_write(low, node, base, out, discard):
    """`d.update({k: v, ...})`, `d.update(k=v)`, `d.setdefault(k[, v])` and `d.pop(k[,
    default])` on a local that may be a dict (after a check, where they run, that it is
    one): the item writes `d[k] = v`, which the lowering differentiates with the aliasing
    care of any item write (a dict passed in is copied before it is written, a value read
    before keeps its adjoint); setdefault is `if k not in d: d[k] = v`, then d[k]; pop reads
    d[k] (or the default) and binds d to a new dict without k (runtime_idioms.dict_without:
    container_writes refuses it where another name holding the dict reads it after). None
    for any other call."""
    method = node.func.attr
    if method == "pop" and not node.args and not node.keywords:
        return None   # lst.pop(): a list's (the lowering's POP)
    if method not in ("update", "setdefault", "pop") or not (
            isinstance(base, S.Name) and base.id in low.locals
            and low._may_be_dict(node.func.value)):
        return None
    from . import runtime_idioms
    check = S.Call(func=_helper(low, "check_dict"), args=[
        base, S.const(method), S.const(_where(low, node))], keywords=[])
    out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_dict))
    if method == "pop":
        return _pop(low, node, base, out, discard)
    if method == "setdefault":
        if node.keywords or not 1 <= len(node.args) <= 2:
            raise low.error(node, "setdefault takes a key and a default value")
        key = _local(low, low.expr(node.args[0], out))
        default = _local(low, low.expr(node.args[1], out)) if len(node.args) == 2 else \
            S.const(None)
        write = S.Assign(targets=[S.Subscript(value=S.clone(base), slice=S.clone(key),
                                              ctx=S.Store())], value=S.clone(default),
                         type_comment=None)
        test = S.Compare(left=S.clone(key), ops=[S.NotIn()], comparators=[S.clone(base)])
        lowered = low.stmt(_at(S.If(test=test, body=[write], orelse=[]), node))
        if discard:   # d.setdefault(k, v) as a statement: the write only
            out.extend(lowered[:-1])
            return lowered[-1]
        out.extend(lowered)
        value = S.Subscript(value=base, slice=key, ctx=S.Load())
        return low._result(value, Kind.SUBSCRIPT, None, discard)
    if not discard:
        raise low.error(node, "the result of update is None", hint="use the dict itself")
    pairs = []
    for arg in node.args:
        if not (len(node.args) == 1 and isinstance(arg, S.Dict) and None not in arg.keys):
            raise low.error(node, "srcdiff follows d.update(...) given a dict display or "
                            "keywords, whose keys it reads here",
                            hint="write d[k] = other[k] for each key, or d.update({k: v, ...})")
        # Python makes the whole dict first: every key and value read before any write
        pairs += [(low.expr(k, out), low.expr(v, out)) for k, v in zip(arg.keys, arg.values)]
    if any(k.arg is None for k in node.keywords):
        raise low.error(node, "srcdiff follows d.update(...) given a dict display or keywords",
                        hint="write d[k] = v for each key")
    pairs += [(S.const(k.arg), low.expr(k.value, out)) for k in node.keywords]
    last = None
    for key, value in pairs:
        _local(low, key, value)
        write = _at(S.Assign(targets=[S.Subscript(value=S.clone(base), slice=key,
                                                  ctx=S.Store())], value=value,
                             type_comment=None), node)
        if last is not None:
            out.append(last)
        lowered = low.stmt(write)
        out.extend(lowered[:-1])
        last = lowered[-1]
    return last if last is not None else out.pop()   # d.update(): the check only


def _pop(low, node, base, out, discard):
    """`v = d.pop(k[, default])`: `v = d[k]` (`d[k] if k in d else default`), then
    `d = dict_without(d, k)`."""
    from . import runtime_idioms
    if node.keywords or not 1 <= len(node.args) <= 2:
        raise low.error(node, "pop takes a key and a default value")
    key = _local(low, low.expr(node.args[0], out))
    if len(node.args) == 1:   # a missing key raises KeyError, as pop does
        value = low.temp(out, S.Subscript(value=S.clone(base), slice=S.clone(key),
                                          ctx=S.Load()), Kind.SUBSCRIPT, "popped")
    else:
        default = _local(low, low.expr(node.args[1], out))
        choice = S.IfExp(test=S.Compare(left=S.clone(key), ops=[S.In()],
                                        comparators=[S.clone(base)]),
                         body=S.Subscript(value=S.clone(base), slice=S.clone(key),
                                          ctx=S.Load()), orelse=default)
        value = low.temp(out, low.ifexp(_at(choice, node), out), Kind.COPY, "popped")
    _local(low, value)
    rest = low.temp(out, S.Call(func=_helper(low, "dict_without"), args=[
        S.clone(base), S.clone(key)], keywords=[]), Kind.CALL, base.id + "_rest",
        func=runtime_idioms.dict_without)
    _local(low, rest)
    rebind = low.assign(base.id, rest, Kind.COPY)
    if discard:
        return rebind
    out.append(rebind)
    return low._result(value, Kind.COPY, None, discard)
