"""Reads and writes of a view taken by basic slicing, made reads and writes of the array it
views (stage 3, lower: called by lower.py's Lowerer.__init__, before alias_groups). Takes a
gast FunctionDef, a resolver of its free names and the parameters known not to hold arrays
(`rewrite`); gives back a copy where, while a view `v = B[idx]` surely views B, each read of
v is `B[idx]` and each write into v a write into B, or the same FunctionDef where there is
none.

After `a2 = A[-1, :]` with A an array, a2 is a view: `a2 -= v` changes A, which Python's
later reads of A see. srcdiff's lowering gives each name a value of its own, so aliasing.py
refuses the write. While neither a2 nor A is bound anew, a2 and `A[-1, :]` are the same
memory, so the rewrite keeps Python's meaning exactly:

  - each read of a2 is a read of `A[-1, :]` (taken anew: the same values);
  - `a2 op= e` is `A[-1, :] op= e` (the view's in-place operator, then a store of the
    view into itself);
  - `a2[j] = e` and `a2[j] op= e` are writes into A at the composed index where it is
    exact: the view's slices `:` take j's parts as they are, `a:` and `a::k` (a, k
    constants, a >= 0, k > 0) take a constant j >= 0 as a + k*j; j's parts beyond the
    view's slices index A's later axes. Where it cannot be composed the write stays as
    written (and aliasing.py refuses it).

The view's index is evaluated once, at its binding: each name in it is first bound to a
private name (`a2_at0 = k`), so a later `k = ...` changes nothing. It qualifies when it is
basic slicing of a name: at least one slice, no None or Ellipsis, its integer parts constants
or names bound only as `for i in range(...)` targets or to integer constants (an array there
would be fancy indexing, a copy); slice bounds any names or constants (with + - * //).

B must surely be an array: a local bound on every path to a NumPy call making a new array,
arithmetic with one, or `.copy()` of one (loop_rows.py's rule), or a parameter not known to
hold a list, tuple, dict or object, indexed by a tuple (a list or tuple raises there, as it
would in Python); indexed otherwise (`v = B[1:]`, B a parameter or its `.copy()`) where the
function writes into v, the run checks that B is NumPy's array (a list's slice is a new
list: refused). A row `v = B[i]` (integer parts only) is followed only where the function
writes into v and does not read v after `v op= e` (`w = t[2]; w -= u; ... w ...`: the scalar
idiom, left as written), and the run checks at the binding that B has more dimensions than
the index has parts (a 1-D B's item is a number, which `v *= 3.0` binds anew: refused).
`B op= e` keeps the view (an array is changed in place); any other binding of B or v ends it;
after `if` only the views both branches keep, at a loop's head those every way in keeps.
Nested scopes, generator expressions (read later), comprehensions binding the view's name,
statements with a walrus binding the view or its array, and names declared global or
nonlocal or read by a nested scope are left alone; `try`, `with` and `match` are not looked
into.
"""
from . import syntax as S
from .alias_groups import _stored
from .loop_rows import _Rows, _root, read_after_update

_ROUNDS = 32
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_SIMPLE = (S.Assign, S.AugAssign, S.AnnAssign, S.Expr, S.Return, S.Delete, S.Assert)
_ARITH = (S.Add, S.Sub, S.Mult, S.FloorDiv)
_COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp)


def rewrite(fdef, resolve, not_arrays=()):
    """`fdef`, or a copy with the views' reads and writes rewritten (see the docstring)."""
    if not any(isinstance(n, S.Assign) and len(n.targets) == 1 and
               isinstance(n.targets[0], S.Name) and isinstance(n.value, S.Subscript) and
               isinstance(n.value.value, S.Name) for n in S.walk(fdef)):
        return fdef   # (a cheap look: no name bound to an item or a slice of a name)
    tree = S.clone(fdef)
    pass_ = _Views(tree, resolve, set(not_arrays))
    if not pass_.bindings:
        return fdef
    pass_.block(tree.body, pass_.entry, emit=True)
    if not pass_.used:
        return fdef
    pass_.settle()
    for n in S.walk(tree):   # the run checks that these slices are views (Dask's are not)
        if id(n) in pass_.used:
            view, base = pass_.bindings[id(n)][:2]
            if id(n) in pass_.picks:   # v = B[0]: B must have more dimensions
                setattr(n, S.VIEWS_OF, (base, (view, pass_.picks[id(n)]), "array index",
                                        n.lineno))
                continue
            kind = "array slice" if id(n) in pass_.strict else "slice"
            setattr(n, S.VIEWS_OF, (base, view, kind, n.lineno))
    return tree


def _has_slice(index):
    parts = index.elts if isinstance(index, S.Tuple) else [index]
    return any(isinstance(p, S.Slice) for p in parts)


def _int_const(node):
    """The int a constant (or its negation) spells, else None (bools are not ints here:
    loop_lambdas.int_constant)."""
    from .loop_lambdas import int_constant
    return int_constant(node)


def _plain_bound(node):
    """A slice bound evaluated without side effects: names, constants, + - * //."""
    if node is None or isinstance(node, (S.Name, S.Constant)):
        return True
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        return _plain_bound(node.operand)
    return isinstance(node, S.BinOp) and isinstance(node.op, _ARITH) and \
        _plain_bound(node.left) and _plain_bound(node.right)


class _Views:
    def __init__(self, fdef, resolve, not_arrays):
        self.rows = _Rows(fdef, resolve)   # (its `array`: a value surely an array)
        self.used = set()   # ids of the bindings whose views were read or written through
        self.tree = fdef
        self.strict = set()   # ids of those whose array the run must show is NumPy's
        self.picks = {}   # id of `v = B[i]` -> the dimensions B must have (checked)
        self.written = {_root(n) for n in S.walk(fdef) if isinstance(n, S.Subscript) and
                        not isinstance(n.ctx, S.Load)} | {
            n.target.id for n in S.walk(fdef)
            if isinstance(n, S.AugAssign) and isinstance(n.target, S.Name)}
        self.placed = []    # (the list, the capture placed into it, the binding, its index)
        self.loops = []
        args = fdef.args
        params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs +
                  [args.vararg, args.kwarg] if isinstance(a, S.Name)}
        own = list(S.walk(fdef))[1:]
        shut = set()
        for n in own:
            if isinstance(n, (S.Global, S.Nonlocal)):
                shut.update(n.names)
            elif isinstance(n, _SCOPES):
                shut.update(m.id for m in S.walk(n) if isinstance(m, S.Name))
        self.taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
        self.ints = self._int_names(fdef, params | shut)
        self.entry = (frozenset(params - shut - set(not_arrays) -
                                {args.vararg and args.vararg.id, args.kwarg and args.kwarg.id}),
                      frozenset(), {})
        self.bindings = {}   # id(stmt) -> (view, base, the index with its names captured,
        for n in own:        #               the captures)
            view = self.candidate(n, shut)
            if view is not None:
                self.bindings[id(n)] = view

    @staticmethod
    def _int_names(fdef, excluded):
        """Names bound only as `for i in range(...)` targets, to integer constants, or by
        `i += c` (+ - * // of an integer constant)."""
        approved = set()
        for n in S.walk(fdef):
            if isinstance(n, S.For) and isinstance(n.target, S.Name) and \
                    isinstance(n.iter, S.Call) and isinstance(n.iter.func, S.Name) and \
                    n.iter.func.id == "range":
                approved.add(id(n.target))
            elif isinstance(n, S.Assign) and _int_const(n.value) is not None:
                approved.update(id(t) for t in n.targets if isinstance(t, S.Name))
            elif isinstance(n, S.AugAssign) and isinstance(n.target, S.Name) and \
                    isinstance(n.op, _ARITH) and _int_const(n.value) is not None:
                approved.add(id(n.target))
        good, bad = set(), set(excluded)
        for n in S.walk(fdef):
            if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
                (good if id(n) in approved else bad).add(n.id)
            elif isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
                bad.add(n.name)
            elif isinstance(n, S.alias):
                bad.add((n.asname or n.name).split(".")[0])
        bad |= {n.id for n in S.walk(fdef.args) if isinstance(n, S.Name)}
        return good - bad

    def candidate(self, stmt, shut):
        """(view, base, index, captures) where `stmt` binds a view by basic slicing."""
        if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and
                isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Subscript)
                and isinstance(stmt.value.value, S.Name)):
            return None
        view, base, index = stmt.targets[0].id, stmt.value.value.id, stmt.value.slice
        if view == base or {view, base} & shut:
            return None
        parts = index.elts if isinstance(index, S.Tuple) else [index]
        if not _has_slice(index):   # a row (B of more dimensions, which the run checks)
            self.picks[id(stmt)] = len(parts) + 1
        for p in parts:
            if isinstance(p, S.Slice):
                if not all(_plain_bound(b) for b in (p.lower, p.upper, p.step)):
                    return None
            elif _int_const(p) is None and not (isinstance(p, S.Name) and p.id in self.ints):
                return None
        index = S.clone(index)
        captures = []
        for n in list(S.walk(index)):
            if isinstance(n, S.Name):
                k = 0
                while f"{view}_at{k}" in self.taken:
                    k += 1
                private = f"{view}_at{k}"
                self.taken.add(private)
                captures.append((private, n.id))
                n.id = private
        return view, base, index, captures

    # statements
    def block(self, stmts, state, emit):
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            if emit and state is not None and state[2]:
                if isinstance(stmt, _SIMPLE):
                    self.statement(stmt, state[2])
                elif isinstance(stmt, S.If):
                    stmt.test = self.reads(stmt.test, state[2])
                elif isinstance(stmt, S.For):
                    stmt.iter = self.reads(stmt.iter, state[2])
            new = self.stmt(stmt, state, emit)
            view = self.bindings.get(id(stmt))
            if emit and view is not None and view[3] and new is not None and \
                    new[2].get(view[0], (0, 0, 0))[2] == id(stmt):
                capture = [S.place_unplaced(S.Assign(targets=[S.store(p)], value=S.load(n),
                                                     type_comment=None), stmt)
                           for p, n in view[3]]
                self.placed.append((stmts, capture, stmt, stmt.value.slice))
                stmt.value.slice = S.clone(view[2])
                stmts[i:i] = capture
                i += len(capture)
            state = new
            i += 1
        return state

    def stmt(self, stmt, state, emit):
        if state is None:
            return None
        if isinstance(stmt, S.If):
            state = self.drop(state, _stored(stmt.test))
            return _meet(self.block(stmt.body, state, emit), self.block(stmt.orelse, state, emit))
        if isinstance(stmt, (S.For, S.While)):
            return self.loop(stmt, state, emit)
        if isinstance(stmt, (S.Break, S.Continue)):
            if self.loops:
                self.loops[-1][isinstance(stmt, S.Break)].append(state)
            return None
        if isinstance(stmt, (S.Return, S.Raise)):
            return None
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name) and \
                stmt.target.id in state[0] | state[1] | set(state[2]):
            return self.drop(state, _stored(stmt.value))   # an array, changed in place
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], S.Name):
            name, value = stmt.targets[0].id, stmt.value
            maybe, known, views = self.drop(state, _stored(stmt))
            if isinstance(value, S.Name):
                if value.id in state[1]:
                    known = known | {name}
                elif value.id in state[0]:
                    maybe = maybe | {name}
            elif self.numeric(value, state):
                known = known | {name}
            elif _copy_of(value) in state[0]:   # x.copy() of a parameter: what x is
                maybe = maybe | {name}
            view = self.bindings.get(id(stmt))
            if view is not None and id(stmt) in self.picks and (
                    name not in self.written or read_after_update(name, self.tree)):
                view = None   # (a row only read, or read after `v op= e`: left as written)
            if view is not None and view[1] not in state[2] and (
                    view[1] in state[1] or view[1] in state[0] and (
                        isinstance(view[2], S.Tuple) or name in self.written)):
                if view[1] not in state[1] and not isinstance(view[2], S.Tuple):
                    self.strict.add(id(stmt))   # (a list's slice is a copy: checked)
                views = dict(views)
                views[name] = (view[1], view[2], id(stmt))
            return maybe, known, views
        return self.drop(state, _stored(stmt))

    def numeric(self, node, state, maybe_too=False):
        """Whether `node` surely gives an array or a number (either way, slicing it gives
        a view or raises, as Python does): loop_rows.py's arrays, numbers, and arithmetic
        no list, tuple or string supports (`- / **`, `+ *` with a float, unary minus)."""
        maybe, known, _views = state
        if isinstance(node, S.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, S.Name):
            return node.id in known or maybe_too and node.id in maybe
        if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
            return self.numeric(node.operand, state, True)
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Sub, S.Div, S.Pow)):
            return self.numeric(node.left, state, True) and \
                self.numeric(node.right, state, True)
        if isinstance(node, S.BinOp) and isinstance(node.op, (S.Add, S.Mult)):
            sides = (node.left, node.right)
            if any(isinstance(n, S.Constant) and type(n.value) is float for n in sides):
                return all(self.numeric(n, state, True) for n in sides)
        return self.rows.array(node, known)

    @staticmethod
    def drop(state, names):
        if state is None or not names:
            return state
        maybe, known, views = state
        return (maybe - names, known - names,
                {v: f for v, f in views.items() if v not in names and f[0] not in names})

    def loop(self, stmt, entry, emit):
        if isinstance(stmt, S.For):
            entry, trip = self.drop(entry, _stored(stmt.iter)), _stored(stmt.target)
        else:
            trip = _stored(stmt.test)
        head = entry
        for _ in range(_ROUNDS):
            self.loops.append(([], []))
            end = self.block(stmt.body, self.drop(head, trip), emit=False)
            conts, _breaks = self.loops.pop()
            new = _meet(entry, end, *conts)
            if _same(new, head):
                break
            head = new
        else:
            head = (frozenset(), frozenset(), {})
        if emit and isinstance(stmt, S.While) and head[2]:
            stmt.test = self.reads(stmt.test, head[2])
        self.loops.append(([], []))
        self.block(stmt.body, self.drop(head, trip), emit)
        _conts, breaks = self.loops.pop()
        return _meet(self.block(stmt.orelse, self.drop(head, trip), emit), *breaks)

    # the rewrite
    def statement(self, stmt, views):
        """Writes into a view made writes into its array, then reads of views made reads."""
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name) and \
                stmt.target.id in views:
            stmt.target = S.place_unplaced(self.taken_anew(stmt.target.id, views, S.Store()),
                                           stmt.target)
        targets = stmt.targets if isinstance(stmt, (S.Assign, S.Delete)) else \
            [stmt.target] if isinstance(stmt, (S.AugAssign, S.AnnAssign)) else []
        for k, t in enumerate(targets):
            if isinstance(t, S.Subscript) and isinstance(t.value, S.Name) and \
                    t.value.id in views and not isinstance(stmt, S.Delete):
                composed = self.compose(t.value.id, t.slice, views)
                if composed is not None:
                    new = S.Subscript(value=S.load(views[t.value.id][0]),
                                      slice=self.reads(composed, views), ctx=t.ctx)
                    targets[k] = S.place_unplaced(new, t)
                    continue
            targets[k] = self.reads(t, views)
        if isinstance(stmt, (S.AugAssign, S.AnnAssign)):
            stmt.target = targets[0]
        for field in ("value", "test", "msg"):
            if getattr(stmt, field, None) is not None:
                setattr(stmt, field, self.reads(getattr(stmt, field), views))

    def taken_anew(self, view, views, ctx):
        base, index, binding = views[view]
        self.used.add(binding)
        return S.Subscript(value=S.load(base), slice=S.clone(index), ctx=ctx)

    def reads(self, node, views):
        """`node` with each read of a view in it made `B[idx]`; nested scopes and generator
        expressions are left alone, and so is a view written into (`v[j][k] = e`, `v.f = e`:
        they stay as written, and aliasing.py refuses them)."""
        names = set(views) | {f[0] for f in views.values()}
        if any(isinstance(n, S.NamedExpr) and _stored(n.target) & names
               for n in S.walk(node)):
            return node   # (a walrus binding a view or its array: left as written)
        written = set()
        for n in S.walk(node):
            if isinstance(n, (S.Subscript, S.Attribute)) and not isinstance(n.ctx, S.Load):
                root = n.value
                while isinstance(root, (S.Subscript, S.Attribute)):
                    root = root.value
                written.add(id(root))

        def visit(n):
            if isinstance(n, S.Name):
                if isinstance(n.ctx, S.Load) and n.id in views and id(n) not in written:
                    return S.place_unplaced(self.taken_anew(n.id, views, S.Load()), n)
                return n
            if isinstance(n, _SCOPES + (S.GeneratorExp,)) or isinstance(
                    n, _COMPREHENSIONS) and set(views) & set().union(
                        *[_stored(g.target) for g in n.generators]):
                return n   # (read later; or a comprehension's own name)
            for f in n._fields:
                value = getattr(n, f, None)
                if isinstance(value, list):
                    value[:] = [visit(c) if isinstance(c, S.AST) else c for c in value]
                elif isinstance(value, S.AST) and f != "ctx":
                    setattr(n, f, visit(value))
            return n
        return visit(node)

    def compose(self, view, index, views):
        """The index into the base of `view[index]`, where exact (see the docstring)."""
        if isinstance(views[view][1], S.Tuple):
            outer = list(views[view][1].elts)
        else:
            outer = [views[view][1]]
        inner = list(index.elts) if isinstance(index, S.Tuple) else [index]
        if any(isinstance(q, S.Starred) or isinstance(q, S.Constant) and
               q.value in (None, Ellipsis) for q in inner):
            return None
        if not all(isinstance(q, S.Slice) and q.lower is q.upper is q.step is None or
                   _int_const(q) is not None or isinstance(q, S.Name) and q.id in self.ints
                   for q in inner):
            return None
        parts = []
        for p in outer:
            if not isinstance(p, S.Slice) or not inner:
                parts.append(S.clone(p))
                continue
            q = inner.pop(0)
            if p.lower is p.upper is p.step is None:
                parts.append(S.clone(q))
                continue
            if isinstance(q, S.Slice):
                parts.append(S.clone(p))
                continue
            start = 0 if p.lower is None else _int_const(p.lower)
            step = 1 if p.step is None else _int_const(p.step)
            j = _int_const(q)
            if p.upper is not None or start is None or step is None or j is None or \
                    start < 0 or step <= 0 or j < 0:
                return None
            parts.append(S.const(start + step * j))
        parts += [S.clone(q) for q in inner]
        self.used.add(views[view][2])
        return parts[0] if len(parts) == 1 else S.Tuple(elts=parts, ctx=S.Load())

    def settle(self):
        """The captures of views never read or written through taken out again."""
        for stmts, capture, binding, index in self.placed:
            if id(binding) not in self.used:
                for c in capture:
                    stmts.remove(c)
                binding.value.slice = index


def _meet(*states):
    """What every reaching state keeps (None: a path that ends)."""
    states = [s for s in states if s is not None]
    if not states:
        return None
    views = {v: f for v, f in states[0][2].items()
             if all(_fact(s[2].get(v)) == _fact(f) for s in states[1:])}
    return (frozenset.intersection(*[s[0] for s in states]),
            frozenset.intersection(*[s[1] for s in states]), views)


def _fact(f):
    return None if f is None else (f[0], f[2])   # (the base, the binding)


def _same(a, b):
    if a is None or b is None:
        return a is b
    return a[0] == b[0] and a[1] == b[1] and \
        {v: _fact(f) for v, f in a[2].items()} == {v: _fact(f) for v, f in b[2].items()}


def _copy_of(node):
    """The name `node` copies (`x.copy()`; `numpy.copy(x)` is loop_rows.py's array), else
    None: a list's copy is a list, so it is no surer an array than x."""
    if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
            node.func.attr == "copy" and isinstance(node.func.value, S.Name) and \
            not node.args and not node.keywords:
        return node.func.value.id
    return None
