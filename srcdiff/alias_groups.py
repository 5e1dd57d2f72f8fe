"""Writes through an exact alias made visible under the other names (stage 3, lower: called
by lower.py's Lowerer.__init__, before idiom_rewrite.desugar). Takes a gast FunctionDef
(`rewrite`); gives back a copy where the names certainly holding one object are read and
written through one of them, with the others bound to it after each in-place write, or the
same FunctionDef where there is no such write.

After `a1 = x` (names only) the two names hold one object until either is bound again, so
`a1[::2] *= s` changes x too, which Python's later reads of x see. srcdiff's lowering gives
each name a value of its own, so it refuses such a write (aliasing.py). The rewrite keeps
Python's meaning exactly and makes the value semantics say it:

  - while a1 and x are one object, each read of a1 is a read of x (the group's name bound
    first: a parameter before a local, then by position), the write included:
    `x[::2] *= s` -- the same object, so the same run;
  - after each such write, `a1 = x` for each other member the function still reads (a no-op
    for Python: a1 is x already), so a read of a1 after x is bound anew (`x = x * 2`)
    reads the written array, through the dataflow the derivative follows.

The groups are must-aliases only, computed over the user's structured statements:

  - `a = b` of two local names puts a in b's group (`a = b = v`: a and b in one group;
    `a = a`, or `a = b` where they are in one group already, changes nothing); any other
    binding of a name (an assignment, `a += v`, which rebinds a number, a for
    target, a walrus, `with ... as a`, `del a`, a def) takes it out of its group;
  - `a op= v` (+ - * /) where a is bound to an array (inplace_arrays.py: `a = numpy.copy(x)`,
    `a = x.copy()`, arithmetic of one) is NumPy's in-place update, seen by the group: it is
    made the write `a[...] op= v`, under a check that a holds an array of one or more
    dimensions when it runs (checks.view_guard; else a located refusal);
  - after `if`, the groups both branches keep; at a loop's head, the groups every way in
    keeps (the entry, the end of the body, each continue), found by iterating to a fixed
    point; after the loop, those the head and every break keep; a `return` or `raise`
    ends a path (it joins nothing);
  - `try`, `with`, `match` and anything else are not looked into: the names they bind
    leave their groups (nothing inside them is renamed).

A write is `m[...] = v`, `m.f = v`, `m[...] op= v`, `del m[k]` (any depth of subscripts
and fields rooted at the name m) and a call made as a statement whose callee is a method
of m or that takes m as an argument (`m.append(v)`, `fill(m, v)`). Names bound or read
inside a nested function, lambda or class, and names declared global or nonlocal, are
never grouped (a closure's cell must not be bound anew). May-aliases (`a = x` in one branch only) are not
groups: aliasing.py keeps refusing or checking those.
"""
from . import syntax as S

_ROUNDS = 32   # a loop's fixed point is reached well within this (the groups only shrink)
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)
_SIMPLE = (S.Assign, S.AugAssign, S.AnnAssign, S.Expr, S.Return, S.Delete, S.Assert)


def rewrite(fdef, resolve=None, not_arrays=()):
    """`fdef`, or a copy with the rebindings placed (see the module's docstring). With
    `resolve`, a resolver of fdef's free names, and `not_arrays`, the parameters known to
    hold lists, tuples, dicts or objects, `u op= e` on an array a group shares is made the
    write `u[...] op= e` it is (inplace_arrays.py)."""
    if not _may_apply(fdef, resolve is not None):
        return fdef
    tree = S.clone(fdef)
    pass_ = _Groups(tree)
    if not pass_.usable:
        return fdef
    if resolve is not None and any(isinstance(n, S.AugAssign) and isinstance(n.target, S.Name)
                                   for n in S.walk(tree)):
        from . import inplace_arrays
        pass_.updates = inplace_arrays.array_updates(tree, resolve, not_arrays)
    pass_.block(tree.body, frozenset(), emit=True)
    if not pass_.placed:
        return fdef
    read = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
    for stmts, bind in pass_.binds:   # a rebinding of a name no read is left of: dropped
        if bind.targets[0].id not in read:
            stmts.remove(bind)
    return tree


def groups_at_writes(params, body):
    """For a lowered body: id(in-place write) -> {name written: the other names certainly
    holding its object there} (must-aliases, as above). reverse_tape.restore reads it: a
    write restored in place in the adjoint (`x[1:] = tape.pop()`) restores the object of
    every name in x's group, which the adjoint code then says (`div_1 = x`), so a pass
    over the adjoint (forward mode, for second derivatives) sees the names as one object
    again after `x = tape.pop()` hid it."""
    pass_ = _Groups(S.function_def("_groups", list(params), list(body)))
    pass_.record = {}
    if pass_.usable:
        pass_.block(list(body), frozenset(), emit=False)
    return pass_.record


def _may_apply(fdef, updates=False):
    """Whether an alias `a = b` and an in-place write into one of its names are both there
    (a cheap look); with `updates`, `a op= e` counts as one."""
    aliased, written = set(), set()
    for n in S.walk(fdef):
        if isinstance(n, S.Assign) and all(isinstance(t, S.Name) for t in n.targets) and (
                isinstance(n.value, S.Name) or len(n.targets) > 1):
            aliased.update(t.id for t in n.targets)
            if isinstance(n.value, S.Name):
                aliased.add(n.value.id)
        elif isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign, S.Delete)):
            written.update(_root(t) for t in _targets(n)
                           if isinstance(t, (S.Subscript, S.Attribute)) or updates and
                           isinstance(n, S.AugAssign))
        elif isinstance(n, S.Expr) and isinstance(n.value, S.Call):
            call = n.value
            written.add(_root(call.func) if isinstance(call.func, S.Attribute) else None)
            written.update(a.id for a in call.args if isinstance(a, S.Name))
    return not aliased.isdisjoint(written)


def _targets(stmt):
    """The targets of an assignment, with tuple and list targets opened."""
    todo = list(stmt.targets) if isinstance(stmt, (S.Assign, S.Delete)) else [stmt.target]
    out = []
    while todo:
        t = todo.pop()
        if isinstance(t, (S.Tuple, S.List)):
            todo.extend(t.elts)
        elif isinstance(t, S.Starred):
            todo.append(t.value)
        else:
            out.append(t)
    return out


def _root(node):
    """The name a chain of subscripts and fields starts from, or None."""
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


def _stored(node):
    """The names a statement (or expression) binds (and, to be safe, those nested scopes
    bind)."""
    out = set()
    for n in S.walk(node):
        cls = n.__class__
        if cls is S.Name:
            if n.ctx.__class__ is not S.Load:
                out.add(n.id)
        elif cls in (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef):
            out.add(n.name)
        elif cls in (S.Global, S.Nonlocal):
            out.update(n.names)
        elif cls is S.alias:
            out.add((n.asname or n.name).split(".")[0])
    return out


def _meet(*states):
    """The groups every reaching state keeps (None: a path that ends, which keeps all)."""
    states = [s for s in states if s is not None]
    if not states:
        return None
    out = states[0]
    for other in states[1:]:
        out = frozenset(g & h for g in out for h in other if len(g & h) > 1)
    return out


def _without(state, names):
    if state is None or not names:
        return state
    return frozenset(g - names for g in state if len(g - names) > 1)


class _Groups:
    def __init__(self, fdef):
        self.placed = False
        self.updates = frozenset()   # id(u op= e) on an array: inplace_arrays.array_updates
        self.record = None   # groups_at_writes: id(write) -> {name: its group's others}
        self.binds = []   # (the list, the rebinding placed into it)
        self.loops = []   # per enclosing loop: (states at its continues, states at its breaks)
        args = fdef.args
        order = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs +
                 [args.vararg, args.kwarg] if isinstance(a, S.Name)]
        params = set(order)
        own = list(S.walk(fdef))[1:]   # (nested scopes too: their names are shut below)
        local = params | {n.id for n in own if isinstance(n, S.Name)
                          and isinstance(n.ctx, S.Store)}
        shut = set()   # names of closures and declarations: never grouped
        for n in own:
            if isinstance(n, (S.Global, S.Nonlocal)):
                shut.update(n.names)
            elif isinstance(n, _SCOPES):
                shut.update(m.id for m in S.walk(n) if isinstance(m, S.Name))
        self.groupable = local - shut
        self.read = {n.id for n in own if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
        self.first = {a: (-1, k, a) for k, a in enumerate(order)}   # where first bound
        for n in own:
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Store) and n.id not in params:
                at = (getattr(n, "lineno", 0) or 0, getattr(n, "col_offset", 0) or 0, n.id)
                self.first[n.id] = min(self.first.get(n.id, at), at)
        self.usable = bool(self.groupable)

    # statements
    def block(self, stmts, state, emit):
        """Walk `stmts` from `state`; with `emit`, rename the reads and place the rebindings."""
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            if emit and self._turns(stmt, state):
                self._turn(stmt, state)
            if emit and isinstance(stmt, _SIMPLE + (S.If, S.For)):
                self._rename(stmt.test if isinstance(stmt, S.If) else
                             stmt.iter if isinstance(stmt, S.For) else stmt, state)
            state = self.stmt(stmt, state, emit)
            if state is not None and self.record is not None:   # (a loop's last walk wins)
                self.record[id(stmt)] = {m: frozenset(o for g in state if m in g
                                                      for o in g - {m})
                                         for m in self._written(stmt)}
            if state is not None and emit:
                extra = [self._bind(o, m, stmt) for m in sorted(self._written(stmt))
                         for g in state if m in g for o in sorted(g - {m}) if o in self.read]
                if extra:
                    stmts[i + 1:i + 1] = extra
                    self.binds.extend((stmts, b) for b in extra)
                    self.placed = True
                    i += len(extra)
            i += 1
        return state

    def _rename(self, node, state):
        """Each read of a grouped name in `node` made a read of its group's first-bound
        name: the same object, so the writes and the reads go through one name, which
        aliasing.py follows. Nested scopes are left out, and so are generator expressions
        (read later, when consumed, where the names may hold other objects) and
        comprehensions binding a name of a group."""
        if not state:
            return
        canon = {}
        for g in state:
            first = min(g, key=lambda n: self.first.get(n, (1 << 30, 0, n)))
            canon.update((n, first) for n in g)
        todo = [node]
        while todo:
            n = todo.pop()
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and \
                    canon.get(n.id, n.id) != n.id:
                n.id = canon[n.id]
                self.placed = True
            elif isinstance(n, _COMPREHENSIONS) and (isinstance(n, S.GeneratorExp) or set(
                    canon) & set().union(*[_stored(g.target) for g in n.generators])):
                continue   # read later, when consumed; or a name of the group bound inside
            elif not isinstance(n, _SCOPES):
                todo.extend(S.iter_child_nodes(n))

    def stmt(self, stmt, state, emit):
        if state is None:
            return None   # after a return, break, ...: never reached
        if self._turns(stmt, state):
            return _without(state, _stored(stmt.value))   # u[...] op= e: u stays in its group
        if isinstance(stmt, S.Assign):
            state = _without(state, _stored(stmt.value))
            names = [t.id for t in stmt.targets if isinstance(t, S.Name)]
            if len(names) == len(stmt.targets) and all(n in self.groupable for n in names) \
                    and (isinstance(stmt.value, S.Name) or len(names) > 1):
                if isinstance(stmt.value, S.Name) and any(
                        {stmt.value.id, *names} <= g for g in state) or \
                        isinstance(stmt.value, S.Name) and set(names) == {stmt.value.id}:
                    return state   # `a = a`, `a = b` of one group: the same object still
                state = _without(state, set(names))
                src = stmt.value.id if isinstance(stmt.value, S.Name) and \
                    stmt.value.id in self.groupable else None
                group = set(names) | {src} - {None}
                keep = [g for g in state if src is None or src not in g]
                group |= set().union(*[g for g in state if src is not None and src in g])
                return frozenset(keep + [frozenset(group)]) if len(group) > 1 else \
                    frozenset(keep)
            return _without(state, _stored(stmt))
        if isinstance(stmt, S.If):
            state = _without(state, _stored(stmt.test))
            return _meet(self.block(stmt.body, state, emit),
                         self.block(stmt.orelse, state, emit))
        if isinstance(stmt, (S.For, S.While)):
            return self.loop(stmt, state, emit)
        if isinstance(stmt, (S.Break, S.Continue)):
            if self.loops:
                self.loops[-1][isinstance(stmt, S.Break)].append(state)
            return None
        if isinstance(stmt, (S.Return, S.Raise)):
            return None
        return _without(state, _stored(stmt))   # try, with, def, ...: not looked into

    def loop(self, stmt, entry, emit):
        """A for or while loop: the groups at its head, a fixed point, then its body."""
        if isinstance(stmt, S.For):   # the iterable is read once, the target bound each trip
            entry, trip = _without(entry, _stored(stmt.iter)), _stored(stmt.target)
        else:                         # the test runs (and may bind) before each trip
            trip = _stored(stmt.test)
        head = entry
        for _ in range(_ROUNDS):
            self.loops.append(([], []))
            end = self.block(stmt.body, _without(head, trip), emit=False)
            conts, _breaks = self.loops.pop()
            new = _meet(entry, end, *conts)
            if new == head:
                break
            head = new
        else:
            head = frozenset()
        if emit and isinstance(stmt, S.While):
            self._rename(stmt.test, head)
        self.loops.append(([], []))
        self.block(stmt.body, _without(head, trip), emit)
        _conts, breaks = self.loops.pop()
        return _meet(self.block(stmt.orelse, _without(head, trip), emit), *breaks)

    # writes
    def _written(self, stmt):
        """The names whose object `stmt` may change in place."""
        if isinstance(stmt, (S.Assign, S.AugAssign, S.AnnAssign, S.Delete)):
            return {_root(t) for t in _targets(stmt)
                    if isinstance(t, (S.Subscript, S.Attribute))} - {None}
        if isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call):
            call = stmt.value
            out = {_root(call.func)} if isinstance(call.func, S.Attribute) else set()
            out |= {a.id for a in call.args if isinstance(a, S.Name)}
            return out - {None}
        return set()

    def _turns(self, stmt, state):
        """Whether `stmt` is `u op= e` on an array (inplace_arrays.py) while u is in a group:
        the item write `u[...] op= e` it is, which the other names see."""
        return id(stmt) in self.updates and state is not None and \
            isinstance(stmt.target, S.Name) and any(stmt.target.id in g for g in state)

    def _turn(self, stmt, state):
        """`u op= e` made `u[...] op= e`, under a check that u is an array
        (checks.view_guard, kind "update")."""
        name = stmt.target.id
        others = sorted(o for g in state if name in g for o in g - {name})
        stmt.target = S.place_unplaced(S.Subscript(value=S.load(name), slice=S.const(Ellipsis),
                                                   ctx=S.Store()), stmt)
        op = {S.Add: "+=", S.Sub: "-=", S.Mult: "*=", S.Div: "/="}.get(type(stmt.op), "op=")
        setattr(stmt, S.VIEWS_OF, (name, (", ".join(others), op), "update", stmt.lineno))
        self.placed = True

    @staticmethod
    def _bind(other, name, at):
        """`other = name`, placed at the write `at`."""
        new = S.Assign(targets=[S.store(other)], value=S.load(name), type_comment=None)
        return S.place_unplaced(new, at)
