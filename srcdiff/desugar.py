"""Desugaring of loops, exits, conditional and boolean expressions, comprehensions (stage 3,
lower: a mixin of lower.Lowerer). Takes user statements and expressions; gives back core
statements, in which:

* every `for` runs over a `range` held in a temporary (`for x in seq`, `enumerate`, `zip`,
  `reversed`, dict views: an index loop whose body starts by reading the items; a set,
  np.ndindex, itertools.product, ...: over a tuple of their items);
* `break`, `continue` and a `return` before the end set flags (`stop`, `skip`, `returned`);
  the statements after one run under `if not flag`, and a loop with a break ends with
  `if cond: break` (the only break left);
* a `while` test is computed before the loop and again at the end of the body;
* `a if c else b`, `a and b`, `a or b` are `if` statements assigning one temporary;
* a list, generator or dict comprehension is a for loop appending to a fresh list.
"""
import operator
from . import objects as fobjects
from . import syntax as S
from .census import local_statements as _walk_local
from .core import Kind, LoopInfo, assigned_names
from .dict_facts import DictFacts
from .lower_exprs import _stem

def _rebound_names(nodes):
    """Names a list of user statements binds anew (`x = ...`, `for x in ...`), not counting
    augmented assignments, which change an array in place as the loop iterates over it."""
    aug = {id(n.target) for stmt in nodes for n in S.walk(stmt) if isinstance(n, S.AugAssign)}
    return {n.id for stmt in nodes for n in S.walk(stmt)
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Store) and id(n) not in aug}


def _one_pass(node, obj):
    """Whether a for loop iterates over a set, or an object of a class of itertools' or
    NumPy's having no len() or no items by index (np.ndindex, itertools.product; an
    nditer's index gives an operand), where the loop can not index it."""
    module = (getattr(obj, "__module__", None) or "").split(".")[0]
    return isinstance(node, S.Set) or obj in (set, frozenset) or isinstance(obj, type) and \
        module in ("itertools", "numpy") and (obj.__name__ == "nditer" or not (
            hasattr(obj, "__len__") and hasattr(obj, "__getitem__")))   # (not map, zip, ...)


class _Rename(S.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if node.id in self.renames:
            return S.name(self.renames[node.id], node.ctx)
        return node

    def visit_Lambda(self, node):
        return node


class Desugaring(DictFacts):
    """Loops, exits, branches made of expressions (a mixin of lower.Lowerer; which values
    may be dicts, for `for k in d`, is DictFacts's)."""

    def _has_nonfinal_return(self, body):
        returns = [n for stmt in body for n in _walk_local(stmt) if isinstance(n, S.Return)]
        if not returns:
            return False
        return not (len(returns) == 1 and body and body[-1] is returns[0])

    def block(self, stmts):
        out = []
        for i, stmt in enumerate(stmts):
            self.line = getattr(stmt, "lineno", self.line)
            out += self.stmt(stmt)
            rest = stmts[i + 1:]
            flags = self._exit_flags(stmt)
            if rest and flags:
                cond = self._guard(out, flags)
                saved = self.line
                inner = self.block(rest)
                self.line = saved
                if inner:
                    out.append(self.info(S.If(test=cond, body=inner, orelse=[]), Kind.IF))
                return out
        return out

    def _exit_flags(self, stmt):
        """Flags that may be set once `stmt` has run (break/continue/return)."""
        flags = []
        loop = self.loops[-1] if self.loops else None
        # a loop statement's own break/continue end that loop, not the enclosing one
        nodes = [] if loop is None or isinstance(stmt, (S.For, S.While)) else \
            _walk_local(stmt, into_loops=False)   # (no loop: no break or continue to find)
        for node in nodes:
            if isinstance(node, S.Break) and loop is not None and loop.brk not in flags:
                flags.append(loop.brk)
            elif isinstance(node, S.Continue) and loop is not None and loop.cont not in flags:
                flags.append(loop.cont)
        if self.ret_flag and any(isinstance(n, S.Return) for n in _walk_local(stmt)):
            flags.append(self.ret_flag)
        return flags

    def _guard(self, out, flags):
        expr = S.quote_expr("not (" + " or ".join(flags) + ")") if len(flags) > 1 else \
            S.quote_expr("not " + flags[0])
        return self.temp(out, expr, Kind.OPAQUE, "go_on")

    def stmt_Return(self, node):
        out = []
        value = node.value if node.value is not None else S.const(None)
        if self.ret_flag is None:
            atom = self.expr(value, out)
            out.append(self.info(S.Return(value=atom), Kind.RETURN))
            return out
        self.assign_to(self.ret_value, value, out)
        out.append(self.assign(self.ret_flag, S.const(True), Kind.COPY))
        for loop in self.loops:
            if loop.brk:
                out.append(self.assign(loop.brk, S.const(True), Kind.COPY))
        return out

    def stmt_Break(self, node):
        return [self.assign(self.loops[-1].brk, S.const(True), Kind.COPY)]

    def stmt_Continue(self, node):
        return [self.assign(self.loops[-1].cont, S.const(True), Kind.COPY)]

    def _new_loop(self, kind, body):
        loop = LoopInfo(kind, kind.value)
        # a break in a loop nested in this one is that loop's (even at the top of the body)
        own = [s for s in body if not isinstance(s, (S.For, S.While))]
        has_break = any(isinstance(n, S.Break) for s in own for n in _walk_local(s, False))
        has_cont = any(isinstance(n, S.Continue) for s in own for n in _walk_local(s, False))
        has_ret = self.ret_flag is not None and any(
            isinstance(n, S.Return) for s in body for n in _walk_local(s))
        if has_break or has_ret:
            loop.brk = self.namer.fresh("stop")
        if has_cont:
            loop.cont = self.namer.fresh("skip")
        return loop

    def stmt_For(self, node):
        if node.orelse:
            raise self.error(node, "for/else is not supported",
                             hint="use a flag set before break")
        if isinstance(node.target, (S.Tuple, S.List)):   # for a, *rest in pairs
            from .idiom_rewrite import starred_header
            node = starred_header(self, node)
        out = []
        line = self.line
        loop = self._new_loop(Kind.FOR, node.body)
        fobjects.note_loop(self, node)   # a comprehension's own item names (objects.py)
        from . import checkpointing  # for t in srcdiff.checkpointed(range(n), snapshots=k)
        iter_node = checkpointing.unwrap(self, node, node.iter, out, loop)
        prelude = []          # statements at the top of each iteration
        call_obj = self._callee_object(iter_node.func) if isinstance(iter_node, S.Call) else None
        target = node.target
        if call_obj is range:
            rng = self.temp(out, self._range_call(iter_node, out), Kind.EFFECT_VALUE, "range",
                            func=range)
            index_target = target
        elif call_obj is reversed and len(iter_node.args) == 1 and not iter_node.keywords:
            # reversed(seq) reads seq[n - 1], ..., seq[0] as it goes, like Python's reversed
            # iterator: a write into seq inside the loop is seen by later items
            seq = self.sequence(iter_node.args[0], out, node.body)
            n = self.temp(out, S.Call(func=self.bind("len", len), args=[seq], keywords=[]),
                          Kind.CALL, "n_" + _stem(seq), func=len)
            last = self.temp(out, S.BinOp(left=n, op=S.Sub(), right=S.const(1)), Kind.BINOP,
                             "last", func=operator.sub)
            rng = self.temp(out, S.Call(func=self.bind("range", range),
                                        args=[last, S.const(-1), S.const(-1)], keywords=[]),
                            Kind.EFFECT_VALUE, "range", func=range)
            index_target = S.store(self.namer.fresh("index"))
            self._prelude_item(target, seq, S.load(index_target.id), prelude)
        elif call_obj in (enumerate, zip):
            from . import zip_headers
            # zip and enumerate, nested as written (`for i, (a, b) in enumerate(zip(x, y))`),
            # read their sequences item by item as the loop goes, as Python's iterators do:
            # a write into x in the body is seen by the items read after it
            shape = zip_headers.header_shape(self, iter_node, target)
            if shape is None:
                raise self.error(node, "unpack enumerate() as `for i, item in enumerate(...)`"
                                 if call_obj is enumerate else
                                 "unpack zip() into as many names as it has sequences")
            seqs = []
            plan = zip_headers.header_plan(self, shape, out, node.body, seqs)
            rng = self._range_over(seqs, out)
            index_target = S.store(self.namer.fresh("index"))
            zip_headers.header_items(self, plan, S.load(index_target.id), prelude)
        elif self._dict_view(iter_node):
            # for k, v in d.items() / for v in d.values(): over the keys, each value read from
            # d as the loop reaches it (a view shows writes made by earlier iterations)
            base = self.expr(iter_node.func.value, out)
            from . import runtime
            keys = self.temp(out, S.Call(func=self._runtime_helper("dict_keys"), args=[base],
                                         keywords=[]), Kind.CALL, "keys_" + _stem(base),
                             func=runtime.dict_keys, loop_keys=True)
            rng = self._range_over([keys], out)
            index_target = S.store(self.namer.fresh("index"))
            key = self.temp(prelude, S.Subscript(value=keys, slice=S.load(index_target.id),
                                                 ctx=S.Load()), Kind.SUBSCRIPT, "key")
            view = iter_node.func.attr
            value = None if view == "keys" else self.temp(
                prelude, S.Subscript(value=base, slice=key, ctx=S.Load()), Kind.SUBSCRIPT,
                _stem(base) + "_item")
            item = key if view == "keys" else value if view == "values" else self.temp(
                prelude, S.Tuple(elts=[key, value], ctx=S.Load()), Kind.DISPLAY, "pair")
            self.store(target, item, prelude)
        else:
            if _one_pass(iter_node, call_obj):   # (a tuple of its items, taken at the start)
                seq = self.temp(out, S.Call(func=self.bind("tuple", tuple), args=[self.expr(
                    iter_node, out)], keywords=[]), Kind.CALL, "items", func=tuple)
            else:
                seq = self.sequence(iter_node, out, node.body)
            rng = self._range_over([seq], out)
            index_target = S.store(self.namer.fresh("index"))
            # `for a, b in [d1, d2]` unpacks each dict's keys
            keys = isinstance(target, (S.Tuple, S.List)) and self._items_keyed(iter_node)
            self._prelude_item(target, seq, S.load(index_target.id), prelude, keys)
        if not isinstance(index_target, S.Name):
            # `for a, b in range(...)` can not happen; tuples come from sequences
            raise self.error(node, "srcdiff cannot unpack a range element")
        if index_target.id in assigned_names(node.body):
            # the body rebinds the loop variable: iterate over a private one
            user = index_target.id
            index_target = S.store(self.namer.fresh(user + "_next"))
            prelude.insert(0, self.assign(user, S.load(index_target.id), Kind.COPY))
        self.loops.append(loop)
        body = []
        if loop.cont:
            body.append(self.assign(loop.cont, S.const(False), Kind.COPY))
        body += prelude
        body += self.block(node.body)
        self.loops.pop()
        self.line = line
        if loop.brk:
            out.append(self.assign(loop.brk, S.const(False), Kind.COPY))
            stop = self.namer.fresh("cond")
            body.append(self.assign(stop, S.load(loop.brk), Kind.COPY))
            body.append(self.info(S.If(test=S.load(stop), body=[self.info(S.Break(), Kind.BREAK)],
                                       orelse=[]), Kind.IF))
            loop.ends_with_break = True
        loop_stmt = S.For(target=S.store(index_target.id), iter=rng, body=body, orelse=[],
                          type_comment=None)
        out.append(self.info(loop_stmt, Kind.FOR, loop=loop))
        return out

    def _prelude_store(self, target, value, prelude, kind, func):
        if not isinstance(target, S.Name):
            atom = self.temp(prelude, value, kind, "item", func=func)
            self.store(target, atom, prelude)
        else:
            prelude.append(self.assign(target.id, value, kind, func=func))

    def _prelude_item(self, target, seq, index, prelude, keys=False):
        read = S.Subscript(value=seq, slice=index, ctx=S.Load())
        if isinstance(target, S.Name):
            # marked: a row of an array (or an array in a list) is shared, not a copy
            prelude.append(self.assign(target.id, read, Kind.SUBSCRIPT, loop_item=True))
        else:
            item = self.temp(prelude, read, Kind.SUBSCRIPT, _stem(seq) + "_item")
            if keys:   # (an item that may be a dict unpacks its keys)
                item = self._iteration_order(item, prelude, target)
            self.store(target, item, prelude)

    def sequence(self, node, out, body=()):
        """The sequence a for loop iterates over, as a name read at each trip.

        Python iterates over the object the loop started with: when the body rebinds
        the name (`for r in x: x = x * r`), the loop reads a name of its own."""
        atom = self.expr(node, out)
        keys = self._keys_if_dict(node, atom, out)
        if keys is not atom:
            return keys
        if isinstance(atom, S.Name) and atom.id in self.locals and not atom.id.startswith("seq"):
            if atom.id in _rebound_names(body):
                return self.temp(out, atom, Kind.COPY, "seq")
            return atom
        return atom if isinstance(atom, S.Name) else self.temp(out, atom, Kind.COPY, "seq")

    def _range_over(self, seqs, out):
        lens = []
        for seq in seqs:
            ref = self.bind("len", len)
            lens.append(self.temp(out, S.Call(func=ref, args=[seq], keywords=[]), Kind.CALL,
                                  "n_" + _stem(seq), func=len))
        n = lens[0]
        if len(lens) > 1:
            ref = self.bind("min", min)
            n = self.temp(out, S.Call(func=ref, args=lens, keywords=[]), Kind.CALL, "n", func=min)
        ref = self.bind("range", range)
        return self.temp(out, S.Call(func=ref, args=[n], keywords=[]), Kind.EFFECT_VALUE,
                         "range", func=range)

    def _range_call(self, call, out):
        if call.keywords or not 1 <= len(call.args) <= 3:
            raise self.error(call, "range() takes one to three positional arguments")
        args = [self.expr(a, out) for a in call.args]
        return S.Call(func=self.bind("range", range), args=args, keywords=[])

    def stmt_While(self, node):
        if node.orelse:
            raise self.error(node, "while/else is not supported",
                             hint="use a flag set before break")
        out = []
        line = self.line
        loop = self._new_loop(Kind.WHILE, node.body)
        from . import checkpointing  # while srcdiff.checkpointed(cond, snapshots=k)
        test = checkpointing.unwrap(self, node, node.test, out, loop)
        cond_name = self.namer.fresh("cond")
        test_out = []
        self.condition(test, test_out, cond_name)
        if loop.brk:
            out.append(self.assign(loop.brk, S.const(False), Kind.COPY))
        out += test_out
        self.loops.append(loop)
        body = []
        if loop.cont:
            body.append(self.assign(loop.cont, S.const(False), Kind.COPY))
        body += self.block(node.body)
        self.loops.pop()
        self.line = line
        recompute = [S.clone(s) for s in test_out]
        for s in recompute:
            s.sd = s.sd.replace(line=line)
        if loop.brk:
            stop = self.namer.fresh("cond")
            body.append(self.assign(stop, S.load(loop.brk), Kind.COPY))
            body.append(self.info(S.If(test=S.load(stop),
                                       body=[self.assign(cond_name, S.const(False), Kind.COPY)],
                                       orelse=recompute), Kind.IF))
        else:
            body += recompute
        out.append(self.info(S.While(test=S.load(cond_name), body=body, orelse=[]), Kind.WHILE,
                             loop=loop))
        return out

    def ifexp(self, node, out):
        result = self.namer.fresh("choice")
        cond = self.condition(node.test, out)
        line = self.line
        body, orelse = [], []
        self.assign_to(result, node.body, body)
        self.assign_to(result, node.orelse, orelse)
        self.line = line
        out.append(self.info(S.If(test=cond, body=body, orelse=orelse), Kind.IF))
        return S.load(result)

    def boolop(self, node, out):
        result = self.namer.fresh("either" if isinstance(node.op, S.Or) else "both")
        first = self.expr(node.values[0], out)
        out.append(self.assign(result, first, Kind.COPY))
        rest = node.values[1:]
        if not rest:
            return S.load(result)
        cond = self.temp(out, S.load(result), Kind.COPY, "cond")
        inner = []
        if len(rest) == 1:
            self.assign_to(result, rest[0], inner)
        else:
            sub = S.BoolOp(op=node.op, values=rest)
            atom = self.boolop(sub, inner)
            inner.append(self.assign(result, atom, Kind.COPY))
        if isinstance(node.op, S.And):
            stmt = S.If(test=cond, body=inner, orelse=[])
        else:
            stmt = S.If(test=cond, body=[self.info(S.Pass(), Kind.EFFECT)], orelse=inner)
        out.append(self.info(stmt, Kind.IF))
        return S.load(result)

    def comprehension(self, node, out):
        if any(gen.is_async for gen in node.generators):
            raise self.error(node, "async comprehensions are not supported",
                             hint="write the loop out with list.append")
        is_dict = isinstance(node, S.DictComp)
        result = self.namer.fresh("items")
        out.append(self.assign(result, S.List(elts=[], ctx=S.Load()), Kind.DISPLAY))
        if is_dict:   # keys and values in two lists, made into a dict after the loop
            keys = self.namer.fresh("keys")
            out.append(self.assign(keys, S.List(elts=[], ctx=S.Load()), Kind.DISPLAY))
            self.locals.add(keys)
        # the comprehension's own variables are private to it
        renames = {}
        for gen in node.generators:
            for n in S.walk(gen.target):
                if isinstance(n, S.Name):
                    renames[n.id] = self.namer.fresh(n.id)
                    self.spelled[renames[n.id]] = n.id   # refusals name the user's variable
        self.locals |= set(renames.values())
        sub = _Rename(renames)
        def append(to, elt):
            return S.Expr(value=S.Call(func=S.Attribute(value=S.load(to), attr="append",
                                                        ctx=S.Load()), args=[elt], keywords=[]))
        if is_dict:
            body = [append(keys, sub.visit(S.clone(node.key))),
                    append(result, sub.visit(S.clone(node.value)))]
        else:
            body = [append(result, sub.visit(S.clone(node.elt)))]
        # `for a in x for b in a if c`: nested loops, the first one's iterable read outside
        for k in range(len(node.generators) - 1, -1, -1):
            gen = node.generators[k]
            for cond in reversed([sub.visit(S.clone(c)) for c in gen.ifs]):
                body = [S.If(test=cond, body=body, orelse=[])]
            iterable = gen.iter if k == 0 else sub.visit(S.clone(gen.iter))
            body = [S.For(target=sub.visit(S.clone(gen.target)), iter=iterable, body=body,
                          orelse=[], type_comment=None)]
        loop = body[0]
        for n in S.walk(loop):
            if hasattr(n, "lineno") or isinstance(n, S.stmt):
                n.lineno = self.line
        self.locals.add(result)
        out += self.stmt_For(loop)
        if is_dict:
            from . import runtime
            ref = self._runtime_helper("dict_from_lists")
            return self.temp(out, S.Call(func=ref, args=[S.load(keys), S.load(result)],
                                         keywords=[]), Kind.CALL, "entries",
                             func=runtime.dict_from_lists)
        return S.load(result)

