"""Rows written in a loop over an array, written back into it (stage 3, lower: called by
lower.py's Lowerer.__init__, after alias_groups). Takes a gast FunctionDef and a resolver of its
free names (`rewrite`); gives back a copy where each such loop goes over indices, with the
row a private copy stored back after each write into it, or the same FunctionDef where no
loop qualifies.

`for row in A: row[idx] = v` changes A in Python: the loop hands out views of A's rows.
srcdiff's lowering gives `row` a value of its own, so aliasing.py refuses the write. Where A
is surely an array, the loop is rewritten as

    for row_i in range(len(A)):
        row = A[row_i].copy()
        row[idx] = v
        A[row_i] = row          # after each write into row

which Python runs as the original does, and whose value semantics say it. `for k, row in
enumerate(A)` is the same loop with `k = row_i` first; `for row in e`, e a new array no name
holds (`A + A`), first binds e to a private name (`row_rows = A + A`). It applies only where
that is exact:

  - A is an array on every path to the loop: each binding reaching it (parameters are not
    known) is `A = e` with e a NumPy call making a new array, an arithmetic expression with
    such an operand or a name known to be an array, arithmetic no list supports of
    parameters and numbers (`A * 1.0`, `A - 1`: an array or a number, which raises as the
    loop starts, as Python's does), or `.copy()` / `.astype(...)` of one; and the loop's
    body neither binds A nor writes into it nor hands it to a call that could (reads of A
    are fine: each write into row is in A before the next statement);
  - row is the loop's target name, bound nowhere else in the function and read only where
    a view could not escape: as `row[...]` written into, or by a call statement out_writes.py
    lowers as that write (`row.fill(v)`, `row.sort()`, `numpy.copyto(row, v)`: stored back
    after it like any write into row; a 1-D A's rows are numbers, which its check of `fill`
    and `sort` refuses), or as an operand (of arithmetic, a
    comparison, a ufunc, a NumPy call making a new array or a method giving one, `row.sum()`,
    `A.max(axis=0)`), possibly through subscripts
    (`row[1:] * 2`, `np.sum(row[:2])`), or the iterable of an inner loop `for t in row`
    whose t is bound nowhere else and read only so, inside it. `r = row`, `f(row)`,
    `L.append(row)` keep the loop as it is, and aliasing.py keeps refusing it.

`row op= e` (row updated nowhere outside the loop, and not read after the update: that is
the scalar idiom, `for t in x: t *= 2.0; acc += t`, left as written) is a write into row
too, stored back after it: NumPy's in-place operator changes A's row. A 1-D A's rows are
numbers, which the update binds anew, so the loop then carries a check before it that A is
an array of two or more dimensions (checks.view_guard's "array rows": a 1-D array, a list,
refused). A row written twice or more in the loop, or in an inner loop, is stored back as a
copy (`A[row_i] = row.copy()`), so that aliasing.py does not take the next write into row for
one into A.
"""
import types

import numpy

from . import syntax as S
from .accumulate_loops import quote_at
from .census import call_writes_into

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_ARRAY_METHODS = ("copy", "astype")
# an array's methods giving a new value, never a view of it (a read of the loop's array or row)
_NEW_METHODS = frozenset(("sum", "mean", "max", "min", "prod", "std", "var", "any", "all",
                          "argmax", "argmin", "cumsum", "cumprod", "copy", "dot", "round"))


def rewrite(fdef, resolve, not_arrays=None):
    """`fdef`, or a copy with the loops above rewritten. `not_arrays` (None: no parameter is
    known): the parameters the call gives a list, tuple, dict or object (the derivative is
    made per kind); the others are taken to hold arrays, which the run checks before the
    loop (checks.view_guard: an array whose rows are views, else refused)."""
    if not any(isinstance(n, S.For) and _row_of(n) is not None and
               _writes_into(_row_of(n)[1], n.body) for n in S.walk(fdef)):
        return fdef   # (a cheap look: no loop writing into the row it takes)
    tree = S.clone(fdef)
    pass_ = _Rows(tree, resolve)
    args = tree.args
    variadic = {a.id for a in (args.vararg, args.kwarg) if isinstance(a, S.Name)}
    given = frozenset() if not_arrays is None else pass_.params - set(not_arrays) - variadic
    pass_.block(tree.body, given)
    return tree if pass_.changed else fdef


def _row_of(loop):
    """(the index's target or None, the row's name, the sequence) of `for row in seq` or
    `for k, row in enumerate(seq)`, else None."""
    target, seq = loop.target, loop.iter
    if isinstance(target, S.Name):
        return None, target.id, seq
    if isinstance(target, S.Tuple) and len(target.elts) == 2 and \
            all(isinstance(t, S.Name) for t in target.elts) and \
            target.elts[0].id != target.elts[1].id and isinstance(seq, S.Call) and \
            isinstance(seq.func, S.Name) and seq.func.id == "enumerate" and \
            len(seq.args) == 1 and not seq.keywords:
        return target.elts[0].id, target.elts[1].id, seq.args[0]
    return None


def _stored(node, updates=True):
    """Names bound anywhere in `node` (nested scopes: their own names); the names of
    `u op= e` left out unless `updates` (inplace_arrays.py asks both)."""
    skip = set() if updates else {id(n.target) for n in S.walk(node)
                                  if isinstance(n, S.AugAssign) and isinstance(n.target, S.Name)}
    out = set()
    for n in S.walk(node):
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)) and id(n) not in skip:
            out.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            out.add(n.name)
        elif isinstance(n, (S.Global, S.Nonlocal)):
            out.update(n.names)
    return out


def _sliced(node):
    """Whether `node` is a name's part taken by slices alone (`row[1:]`, `row[..., ::2]`): a
    view of it, which numpy.copyto writes through (out_writes.py lowers it as the write)."""
    if not (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)):
        return False
    parts = node.slice.elts if isinstance(node.slice, S.Tuple) else [node.slice]
    return bool(parts) and all(isinstance(p, S.Slice) or isinstance(p, S.Constant) and
                               p.value is Ellipsis for p in parts)


def _writes_into(name, body):
    """Whether a statement of `body` writes into an item of `name` (`name[...] = v`, or a
    call out_writes.py lowers so: `name.fill(v)`, `name.sort()`, `numpy.copyto(name, v)`,
    `numpy.copyto(name[1:], v)`)."""
    return any(isinstance(n, S.Subscript) and not isinstance(n.ctx, S.Load) and
               _root(n) == name or call_writes_into(n, name) or
               isinstance(n, S.AugAssign) and isinstance(n.target, S.Name) and
               n.target.id == name for stmt in body for n in S.walk(stmt))


def _updates(name, node):
    """How many `name op= e` statements `node` holds."""
    return sum(isinstance(n, S.AugAssign) and isinstance(n.target, S.Name) and
               n.target.id == name for n in S.walk(node))


def read_after_update(name, node):
    """Whether `name` is read in `node` after (in the source's order) a `name op= e`: the
    scalar idiom (`for t in x: t *= 2.0; acc += t`, `w = t[2]; w -= v; ... w ...`), where
    the items may be numbers the update binds anew; left as written (view_writes.py too)."""
    updates = [n for n in S.walk(node) if isinstance(n, S.AugAssign) and
               isinstance(n.target, S.Name) and n.target.id == name]
    if not updates:
        return False
    inside = {id(m) for u in updates for m in S.walk(u)}   # (`row += s * row` reads it first)
    first = min((u.lineno, u.col_offset) for u in updates)
    return any(isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, S.Load) and
               id(n) not in inside and (n.lineno, n.col_offset) > first for n in S.walk(node))


def _comprehension_own(tree):
    """The ids of the Name nodes of `tree` that are a comprehension's own variables (bound by
    one of its `for` targets; Python gives a comprehension a scope of its own), read or bound
    inside it, but for its first iterable's, which the enclosing scope evaluates."""
    out = set()
    for comp in S.walk(tree):
        if not isinstance(comp, (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
            continue
        names = {t.id for g in comp.generators for t in S.walk(g.target)
                 if isinstance(t, S.Name)}
        outer = {id(n) for n in S.walk(comp.generators[0].iter)}
        out.update(id(n) for n in S.walk(comp) if isinstance(n, S.Name) and
                   n.id in names and id(n) not in outer)
    return out


def _root(node):
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


class _Rows:
    def __init__(self, fdef, resolve):
        self.resolve = resolve
        self.tree = fdef
        self.changed = False
        self.listed = set()   # id of each loop over a list's new items (new_items)
        args = fdef.args
        self.params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
                       if isinstance(a, S.Name)}
        own = list(S.walk(fdef))[1:]   # (nested scopes too: conservative)
        self.taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
        self.bound_count = {}
        updates = {id(n.target) for n in own if isinstance(n, S.AugAssign)}
        inner = _comprehension_own(fdef)   # (`sum(... for p in params)`: another p)
        for n in own:   # (`row op= e` is no binding of row: a write into it, see written)
            if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)) and \
                    id(n) not in updates and id(n) not in inner:
                self.bound_count[n.id] = self.bound_count.get(n.id, 0) + 1
        self.updated = {n.target.id for n in own if isinstance(n, S.AugAssign) and
                        isinstance(n.target, S.Name)}
        self.loads = {}
        for n in S.walk(fdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and id(n) not in inner:
                self.loads[n.id] = self.loads.get(n.id, 0) + 1
        self.outside = set()   # names a nested scope reads or a declaration names
        for n in own:
            if isinstance(n, _SCOPES):
                self.outside.update(m.id for m in S.walk(n) if isinstance(m, S.Name))
            elif isinstance(n, (S.Global, S.Nonlocal)):
                self.outside.update(n.names)

    # which names surely hold an array, statement by statement
    def block(self, stmts, known):
        for i, stmt in enumerate(stmts):
            known = self.stmt(stmts, i, stmt, known)
        return known

    def stmt(self, stmts, i, stmt, known):
        if isinstance(stmt, S.Assign):
            bound = _stored(stmt)
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], S.Name) and \
                    self.array(stmt.value, known):
                return (known - bound) | {stmt.targets[0].id}
            return known - bound
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
            return known   # an array stays one (`A += v` changes it in place)
        if isinstance(stmt, S.If):
            known = known - _stored(stmt.test)   # (a walrus in the test)
            return self.block(stmt.body, known) & self.block(stmt.orelse, known)
        if isinstance(stmt, (S.For, S.While)):
            inner = known - _stored(stmt)
            self.block(stmt.body, inner)   # (inner loops first: they are rewritten in place)
            self.block(stmt.orelse, inner)
            if isinstance(stmt, S.For) and self.qualifies(stmt, inner,
                                                          stmts[i - 1] if i else None):
                self.change(stmts, i, stmt)
            return inner
        return known - _stored(stmt)

    def array(self, node, known):
        """Whether `node` surely makes an array (see the module's docstring)."""
        if isinstance(node, S.Name):
            return node.id in known
        if isinstance(node, S.BinOp):
            return self.array(node.left, known) or self.array(node.right, known) or \
                self.numbers_only(node, known)
        if isinstance(node, S.UnaryOp):
            return self.array(node.operand, known) or isinstance(node.op, S.USub) and \
                self.operand_of_numbers(node.operand, known)
        if not isinstance(node, S.Call) or any(k.arg in ("out",) or k.arg is None
                                               for k in node.keywords):
            return False
        if isinstance(node.func, S.Attribute) and node.func.attr in _ARRAY_METHODS and \
                self.callee(node.func) is None:   # (numpy.copy(x) is a NumPy call)
            return self.array(node.func.value, known)
        return self.makes_array(node)

    def numbers_only(self, node, known):
        """Arithmetic no list, tuple or string supports (`- / **`; `+ *` with a float) of
        parameters never bound again, numbers and arrays: an array or a number (either way,
        looping over it or slicing it does what an array's does, or raises)."""
        sides = (node.left, node.right)
        if not isinstance(node.op, (S.Sub, S.Div, S.Pow)) and not (
                isinstance(node.op, (S.Add, S.Mult)) and any(
                    isinstance(n, S.Constant) and type(n.value) is float for n in sides)):
            return False
        return all(self.operand_of_numbers(n, known) for n in sides)

    def operand_of_numbers(self, node, known):
        if isinstance(node, S.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, S.Name) and node.id in self.params and \
                node.id not in self.bound_count:
            return True
        return self.array(node, known)

    def makes_array(self, call):
        func = self.callee(call.func)
        if isinstance(func, numpy.ufunc):
            return True
        if func is numpy.where and len(call.args) != 3:
            return False   # np.where(cond): a tuple of index arrays
        from .alias_flow_fresh import FRESH   # (only once a loop writes into its rows)
        return func in FRESH

    def callee(self, node):
        base = node
        rest = []
        while isinstance(base, S.Attribute):
            rest.append(base.attr)
            base = base.value
        if not isinstance(base, S.Name) or base.id in self.bound_count:
            return None
        obj = self.resolve(base.id)
        for attr in reversed(rest):
            obj = getattr(obj, attr, None)
        return obj if isinstance(obj, (types.BuiltinFunctionType, types.FunctionType,
                                       numpy.ufunc)) or callable(obj) else None

    # the loop
    def qualifies(self, loop, known, before=None):
        shape = _row_of(loop)
        if shape is None:
            return False
        index, row, seq_node = shape
        if isinstance(seq_node, S.Name):
            seq = seq_node.id
            listed = seq not in known and self.new_items(seq, before, known)
            if (seq not in known and not listed) or seq in self.outside:
                return False
            if listed:
                self.listed.add(id(loop))
        elif self.array(seq_node, known):
            seq = None   # a new array no name holds: bound to a private name first
        else:
            return False
        if row == seq or index is not None and index in (row, seq) or \
                self.bound_count.get(row, 0) != 1 or row in self.updated and \
                _updates(row, self.tree) != _updates(row, loop) or \
                row in self.outside or index is not None and index in self.outside:
            return False
        if seq is not None and (seq in _stored(loop) or any(
                seq in self.written(s) for s in S.walk(loop)
                if isinstance(s, S.stmt) and s is not loop)):
            return False
        if any(isinstance(n, (S.Try, S.With, S.AsyncWith, S.Match)) for n in S.walk(loop)):
            return False   # (a write inside them would not be stored back)
        if self.loads.get(row, 0) != sum(isinstance(n, S.Name) and n.id == row and
                                         isinstance(n.ctx, S.Load) for n in S.walk(loop)):
            return False   # row read after the loop: Python's is a view of A's last row
        parents = {}
        for n in S.walk(loop):
            for child in S.iter_child_nodes(n):
                parents[id(child)] = n
        self.parents = parents
        for n in S.walk(loop):
            if isinstance(n, S.Name) and n.id == seq and isinstance(n.ctx, S.Load) and \
                    n is not seq_node and not self.read_only(n, parents):
                return False
            if isinstance(n, S.Name) and n.id == row and not isinstance(n.ctx, S.Store) \
                    and not self.safe_row(n, parents):
                return False
        wrote = any(row in self.written(s) for s in S.walk(loop)
                    if isinstance(s, S.stmt) and s is not loop)
        return wrote

    def new_items(self, seq, before, known):
        """Whether the statement `before`, just before the loop, binds `seq` (bound nowhere
        else) to a list comprehension each of whose items is a new object no other name
        holds (`[A[i].copy() for i in range(n)]`, `[numpy.sin(A[i]) for i in ...]`, `[A[i] *
        2.0 ...]`, A surely an array), or to a list display of such items (`[A[:3].copy(),
        A[3:].copy()]`: each evaluated once, a new object each): the loop's row, written, is
        that item; its copy stored back under its index is seen by no other name. The run checks each item is
        an array of its own (runtime_checks.check_item_arrays): a number is bound anew by
        `row op= e`."""
        if not (isinstance(before, S.Assign) and len(before.targets) == 1 and
                isinstance(before.targets[0], S.Name) and before.targets[0].id == seq and
                self.bound_count.get(seq) == 1):
            return False
        value = before.value
        if isinstance(value, S.ListComp) and len(value.generators) == 1:
            return self.new_item(value.elt, known)
        return isinstance(value, S.List) and bool(value.elts) and all(
            not isinstance(e, S.Starred) and self.new_item(e, known) for e in value.elts)

    def new_item(self, elt, known):
        """Whether each evaluation of `elt` makes a new object no other name holds (new_items'
        items)."""

        def of_array(node):   # A, A[i], A[i][j]: A surely an array
            while isinstance(node, S.Subscript):
                node = node.value
            return isinstance(node, S.Name) and node.id in known

        def operand(node):
            return of_array(node) or isinstance(node, S.Constant) and type(
                node.value) in (int, float) or self.array(node, known)
        if isinstance(elt, S.BinOp):
            return operand(elt.left) and operand(elt.right)
        if isinstance(elt, S.UnaryOp):
            return operand(elt.operand)
        return isinstance(elt, S.Call) and not any(
            k.arg in ("out", "copy") or k.arg is None for k in elt.keywords) and (
            self.makes_array(elt) or isinstance(elt.func, S.Attribute) and
            elt.func.attr == "copy" and not elt.args and of_array(elt.func.value))

    def written(self, stmt):
        """The names whose object `stmt` may change in place (`row op= e`: row, an array's
        row changed in place, see change)."""
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
            return {stmt.target.id}
        if isinstance(stmt, (S.Assign, S.AugAssign, S.AnnAssign, S.Delete)):
            targets = stmt.targets if isinstance(stmt, (S.Assign, S.Delete)) else [stmt.target]
            out = set()
            for t in targets:
                for n in S.walk(t):
                    if isinstance(n, (S.Subscript, S.Attribute)) and \
                            not isinstance(n.ctx, S.Load):
                        out.add(_root(n))
            return out - {None}
        if isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call):
            call = stmt.value   # row.fill(v), row.sort(), numpy.copyto(row, v)
            name = call.func.value if isinstance(call.func, S.Attribute) and \
                call.func.attr in ("fill", "sort") else call.args[0] if call.args else None
            if _sliced(name) and self.call_write(name.value, {   # numpy.copyto(row[1:], v)
                    id(call): stmt, id(name): call, id(name.value): name}):
                return {name.value.id}
            if isinstance(name, S.Name) and self.call_write(name, {
                    id(call): stmt, id(call.func): call,
                    id(name): call.func if isinstance(call.func, S.Attribute) and
                    call.func.value is name else call}):
                return {name.id}
        return set()

    def call_write(self, name, parents):
        """Whether the read `name` is the array a call statement writes into, as out_writes.py
        lowers it: `name.fill(v)`, `name.sort(...)` or `numpy.copyto(name, ...)`."""
        parent = parents.get(id(name))
        if _sliced(parent) and parent.value is name:   # numpy.copyto(row[1:], v): a view
            call = parents.get(id(parent))
            return isinstance(call, S.Call) and isinstance(parents.get(id(call)), S.Expr) \
                and bool(call.args) and call.args[0] is parent and not call.keywords and \
                self.callee(call.func) is numpy.copyto
        call = parents.get(id(parent)) if isinstance(parent, S.Attribute) else parent
        if not isinstance(call, S.Call) or not isinstance(parents.get(id(call)), S.Expr) or \
                not call_writes_into(call, name.id):
            return False
        if isinstance(parent, S.Attribute):   # name.fill(v), name.sort()
            return parent.value is name and call.func is parent
        return call.args[0] is name and self.callee(call.func) is numpy.copyto

    def read_only(self, name, parents):
        """A read of the array the loop goes through that cannot write into it: an
        operand of arithmetic, a comparison, a ufunc or a NumPy call making a new array,
        possibly through subscripts read."""
        node = name
        while True:
            parent = parents.get(id(node))
            if isinstance(parent, S.Subscript) and parent.value is node and \
                    isinstance(parent.ctx, S.Load):
                node = parent
                continue
            return self.operand(node, parent)

    def safe_row(self, name, parents):
        """A read of the row that no name, container or call can keep (see the module's
        docstring), or the row written into (`row[...] = v`, `row[...] op= v`,
        `numpy.copyto(row[1:], v)`)."""
        if _sliced(parents.get(id(name))) and self.call_write(name, parents):
            return True
        node = name
        while True:
            parent = parents.get(id(node))
            if isinstance(parent, S.Subscript) and parent.value is node:
                if not isinstance(parent.ctx, S.Load):
                    return True   # row[...] = v, del row[...]
                grand = parents.get(id(parent))
                if isinstance(grand, S.AugAssign) and grand.target is parent:
                    return True   # row[...] op= v
                node = parent
                continue
            return self.operand(node, parent) or self.loop_over(node, parent) or \
                node is name and self.call_write(name, parents)

    def loop_over(self, node, parent):
        """`for t in row`, t bound nowhere else and only read as an operand inside the
        loop (its items: numbers, or views of the row no name keeps)."""
        if not (isinstance(parent, S.For) and parent.iter is node and
                isinstance(parent.target, S.Name)):
            return False
        item = parent.target.id
        if self.bound_count.get(item, 0) != 1 or item in self.outside:
            return False
        reads = [n for n in S.walk(parent) if isinstance(n, S.Name) and n.id == item and
                 isinstance(n.ctx, S.Load)]
        return len(reads) == self.loads.get(item, 0) and all(
            self.read_only(n, self.parents) for n in reads)

    def operand(self, node, parent):
        if isinstance(parent, (S.BinOp, S.UnaryOp, S.Compare)) or \
                isinstance(parent, S.AugAssign) and parent.value is node:
            return True   # (`t op= e`: e's values are read, e itself kept by no name)
        if isinstance(parent, S.Attribute) and parent.value is node and \
                parent.attr in _NEW_METHODS:   # A.max(axis=0), row.sum(): a new value
            call = self.parents.get(id(parent))
            return isinstance(call, S.Call) and call.func is parent and not any(
                k.arg in ("out", "copy") or k.arg is None for k in call.keywords)
        if isinstance(parent, S.Call) and node in parent.args and not any(
                k.arg in ("copy", "out") or k.arg is None for k in parent.keywords):
            return self.makes_array(parent)
        return False

    def change(self, stmts, i, loop):
        index, row, seq_node = _row_of(loop)
        bind = []
        if not isinstance(seq_node, S.Name):   # a new array: held by a private name
            seq = self._fresh(f"{row}_rows")
            bind = [S.place_unplaced(S.Assign(targets=[S.store(seq)], value=seq_node,
                                              type_comment=None), loop)]
        else:   # a name others may read: the run checks that its rows are views
            seq = seq_node.id
        at = self._fresh(f"{row}_i")
        head = quote_at(f"for {at} in range(len({seq})):\n    pass", loop)[0]
        take = quote_at(f"{row} = {seq}[{at}].copy()", loop)[0]
        count = quote_at(f"{index} = {at}", loop)[0] if index is not None else None
        # `row op= e` with row read after it: the scalar idiom where A is 1-D (the update
        # binds row anew, A unchanged), a write into A's row where it has more dimensions:
        # stored back only there
        listed = id(loop) in self.listed   # (its items: arrays, updated in place)
        either = bool(_updates(row, loop)) and read_after_update(row, loop) and not listed
        # a row written twice or more (or once in an inner loop, run again): each
        # store-back takes a copy, so that the next write into row is not (to aliasing.py)
        # a write into what A already holds
        many = sum(row in self.written(s) for s in S.walk(loop)
                   if isinstance(s, S.stmt) and s is not loop) > 1 or any(
            row in self.written(s) for inner in S.walk(loop)
            if isinstance(inner, (S.For, S.While)) and inner is not loop
            for s in S.walk(inner) if isinstance(s, S.stmt) and s is not inner)
        head.body = [c for c in (count, take) if c is not None] + \
            self._stored_back(loop.body, row, seq, at, either, listed or many)
        head.orelse = loop.orelse
        shown = S.spell(seq_node) if bind else seq   # (a refusal names the user's text)
        if listed:
            setattr(head, S.VIEWS_OF, (seq, row, "array items", loop.lineno, shown))
        elif either:
            setattr(head, S.VIEWS_OF, (seq, row, "rows", loop.lineno, shown))
        elif _updates(row, loop):   # `row op= e`: the rows must be arrays (1-D A: numbers)
            setattr(head, S.VIEWS_OF, (seq, row, "array rows", loop.lineno, shown))
        elif not bind:
            setattr(head, S.VIEWS_OF, (seq, row, "rows", loop.lineno, shown))
        stmts[i:i + 1] = bind + [S.place_unplaced(head, loop)]
        self.changed = True

    def _fresh(self, base):
        k = 0
        while f"{base}{k or ''}" in self.taken:
            k += 1
        self.taken.add(f"{base}{k or ''}")
        return f"{base}{k or ''}"

    def _stored_back(self, body, row, seq, index, either=False, listed=False):
        out = []
        for stmt in body:
            for field in ("body", "orelse"):
                if isinstance(stmt, (S.If, S.For, S.While)):
                    setattr(stmt, field, self._stored_back(getattr(stmt, field), row, seq,
                                                           index, either, listed))
            out.append(stmt)
            if row in self.written(stmt):   # (a list keeps what it is given: a copy)
                stored = f"{row}.copy()" if listed else row
                back = quote_at(f"if {seq}.ndim > 1:\n    {seq}[{index}] = {stored}" if either
                                else f"{seq}[{index}] = {stored}", stmt)[0]
                out.append(S.place_unplaced(back, stmt))
        return out
