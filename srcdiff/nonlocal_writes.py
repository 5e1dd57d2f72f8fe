"""Nested functions that rebind a variable of the enclosing function with `nonlocal` (stage 3,
lower: called by source_rewrites.counted_rewrite where the census saw a nonlocal statement,
or an append: a nested function growing a list of the function is one, nonlocal_lists.py).
Takes the user's `Source` and a gast FunctionDef; gives back a rewritten copy in which no
nested function declares a name nonlocal, or raises a located refusal.

    def f(x):                          def f(x):
        total = 0.0                        total = 0.0
        def add(v):                        def add(total, v):
            nonlocal total                     total = total + v * x
            total = total + v * x              return (None, total)
        add(x)                             add_result, total = add(total, x)
        return total                       return total

A nested function `g` declaring names nonlocal takes their values as its first parameters
and gives back its result with their new values (every return of its own, and one at its
end); each call of g becomes `r, n1, n2 = g(n1, n2, ...)`. This is what the cells do, read
when g starts and written back when it returns, wherever nothing else reads them while g
runs: so every call of g must be the whole value of a statement (`g(v)`, `r = g(v)`,
`return g(v)`; or a part of one that nonlocal_hoist.py moves onto a line of its own before
it: `out = out + g(v)`) of the enclosing function, or of a nested function declaring the same names
nonlocal, outside a try block; g is bound once; each name is bound by a statement of the
enclosing function's top level before g's def (or is its parameter) and never deleted; and
no other nested function or lambda reads the names (it would see the cell's value while g
runs). Refused, located, otherwise, and for a generator declaring a name nonlocal, or a name
of a function enclosing the one differentiated. Nested functions are handled scope by scope,
outermost first; a name of a function further out than the one defining g (`inner`, inside
`outer`, declaring `tot` of f nonlocal) is first declared nonlocal in each function between
(outer binds no tot: declaring it changes nothing outer does), so that outer takes tot and
gives it back to f, and inner to outer.

`global` statements stay refused (lower.py): a write to a module's variable outlives the
call, so a derivative would either repeat the user's side effect at each evaluation or
leave the module in a state the function alone would not.
"""
from . import syntax as S
from .core import assigned_names

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_HINT = "pass the value in as an argument and return the new value"


def needed(fdef):
    """Whether a nested function of `fdef` declares a name nonlocal."""
    return any(isinstance(n, S.Nonlocal) for n in S.walk(fdef))


def rewrite(source, fdef, lookup=None):
    """`fdef`, or a copy with every nested function's nonlocal names passed in and given back
    (see the module docstring). lookup(name): what a free name of fdef means (the builtins
    and NumPy functions nonlocal_lists takes for reading a list; None: none is taken)."""
    from . import nonlocal_arrays, nonlocal_lists, passed_lists   # (a nested def growing a
    if not needed(fdef) and not nonlocal_lists.needed(fdef) and \
            not nonlocal_arrays.needed(fdef) and not passed_lists.needed(fdef):
        return fdef   # list, writing an array's items: declared nonlocal there)
    fdef = S.clone(fdef)
    _declare_through(fdef, [])
    _Scope(source, fdef, set(_names(fdef)), fdef.name, fdef, lookup).run()
    return fdef


def _declare_through(fn, around):
    """Declare nonlocal, in each nested function between, a name a nested function of `fn`
    (`around`: the functions holding fn, outermost first) declares nonlocal that belongs to
    a function further out: `inner` declaring `tot` nonlocal inside `outer`, which binds no
    tot, where f around them binds it. outer declaring tot nonlocal too changes nothing it
    does (it binds no tot), and makes each scope one level deep for `_Scope`."""
    for g in (n for n in S.own_nodes(fn) if isinstance(n, S.FunctionDef)):
        _declare_through(g, around + [fn])
    if not around:
        return
    for name, node in _declared(fn).items():
        chain = []
        for parent in reversed(around):
            if name in _declared(parent) or name in _own_bound(parent):
                break
            chain.append(parent)
        else:
            continue   # bound by no function around: refused by _Scope
        for parent in chain:
            stmt = S.Nonlocal(names=[name])
            stmt.lineno, stmt.col_offset = node.lineno, node.col_offset
            parent.body.insert(0, stmt)


def _names(tree):
    for n in S.walk(tree):
        if isinstance(n, S.Name):
            yield n.id
        elif isinstance(n, (S.FunctionDef, S.ClassDef)):
            yield n.name


def _declared(fn):
    """{name: the Nonlocal node} of the names `fn` declares nonlocal itself, in order."""
    out = {}
    for n in S.own_nodes(fn):
        if isinstance(n, S.Nonlocal):
            for name in n.names:
                out.setdefault(name, n)
    return out


def _own_bound(fn):
    """The parameters of `fn` and the names its own statements bind."""
    a = fn.args
    params = [p for p in a.posonlyargs + a.args + a.kwonlyargs] + [
        p for p in (a.vararg, a.kwarg) if p is not None]
    out = {getattr(p, "id", getattr(p, "arg", None)) for p in params}
    for n in S.own_nodes(fn):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            out.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)):
            out.add(n.name)
    return out


class _Scope:
    """The nested functions of one function (`outer`) declaring its names nonlocal."""

    def __init__(self, source, outer, taken, top, root, lookup=None):
        self.source, self.outer, self.taken, self.top = source, outer, taken, top
        self.root = root   # the function differentiated
        self.lookup = lookup or (lambda name: None)

    def error(self, node, reason, hint=_HINT):
        return self.source.error(node, reason, hint=hint)

    def run(self):
        outer = self.outer
        from .memo_drops import dropped_memos   # if n in memo: return memo[n] ...: dropped
        dropped_memos(outer, self.lookup)
        from .nonlocal_lists import _fits
        from .passed_lists import passed_lists   # g(hist, v) growing hist: g(v), by name
        follows = (_bound_before, _statements, _whole_call)
        passed_lists(outer, lambda name, growers: _fits(
            outer, name, growers, outer is self.root, _bound_before, self.lookup), follows)
        from .nonlocal_lists import grown_lists   # hist.append(v) in g: hist = hist + [v]
        grown_lists(outer, outer is self.root, (_bound_before, _statements, _whole_call),
                    self.lookup)
        from .nonlocal_arrays import written_arrays   # buf[i] += v in g: buf = buf.copy() first
        written_arrays(outer, outer is self.root, (_bound_before, _statements, _whole_call),
                       self.lookup)
        from .nonlocal_updates import rebound_updates   # acc += e in g: acc = acc + e
        rebound_updates(outer, outer is self.root, self.lookup)
        defs = [n for n in S.own_nodes(outer) if isinstance(n, S.FunctionDef)]
        writers = {}
        for g in defs:
            declared = _declared(g)
            if declared:
                self._check_writer(g, declared)
                writers[g.name] = (g, list(declared))
        if writers:
            self._check_readers(writers)
            sharing = [outer] + [g for g, _ in writers.values()]
            from .nonlocal_hoist import hoist_calls
            for fn in sharing:   # out = out + g(v): r = g(v) first, where that is the same
                fn.body = hoist_calls(fn.body, writers, _own_bound(outer), self._fresh)
            self._check_calls(writers, sharing)
            for fn in sharing:
                fn.body = self._block(fn.body, writers)
            for g, names in writers.values():
                _give_back(g, names)
        for g in defs:
            _Scope(self.source, g, self.taken, self.top, self.root, self.lookup).run()

    def _check_writer(self, g, declared):
        outer = self.outer
        own = _own_bound(outer)
        if any(isinstance(n, (S.Yield, S.YieldFrom)) for n in S.own_nodes(g)):
            raise self.error(g, f"the generator {g.name} declares a name nonlocal, which "
                             "srcdiff does not follow", hint="return the new value instead")
        bindings = [n for n in S.own_nodes(outer) if (isinstance(n, S.FunctionDef) and
                    n.name == g.name) or (isinstance(n, S.Name) and n.id == g.name and
                                          not isinstance(n.ctx, S.Load))]
        if len(bindings) != 1:
            raise self.error(g, f"{g.name} declares a name nonlocal and is bound more than "
                             f"once in {outer.name}: srcdiff cannot tell which calls rebind "
                             "it", hint=f"bind {g.name} once")
        params = set(_own_bound_params(outer))
        for name, node in declared.items():
            if name not in own:
                raise self.error(node, f"{g.name} declares {name!r} nonlocal, a variable "
                                 f"of a function enclosing {self.top}, the function "
                                 f"differentiated: srcdiff follows nonlocal variables of "
                                 f"{self.top} and of the functions inside it only")
            if name not in params and not _bound_before(outer, name, g):
                raise self.error(node, f"{g.name} declares {name!r} nonlocal, but {name} "
                                 f"is not bound by a statement of {outer.name} before "
                                 f"{g.name}'s def (in its block or one holding it): its "
                                 f"value may not exist when {g.name} is called",
                                 hint=f"bind {name} before the def ({name} = 0.0)")
            for n in S.own_nodes(outer):
                if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, S.Del):
                    raise self.error(n, f"{name} is deleted here, and {g.name} declares "
                                     "it nonlocal", hint=f"do not delete {name}")

    def _check_readers(self, writers):
        """No nested function or lambda of the scope other than a writer declaring it reads
        a nonlocal name (it would read the cell while a writer runs)."""
        written = {}
        for g, names in writers.values():
            for name in names:
                written.setdefault(name, g.name)
        for fn in S.walk(self.outer):   # (those inside a writer too: one it gives back
            # would read the value the writer had, not the cell's)
            if not isinstance(fn, (S.FunctionDef, S.Lambda)) or fn is self.outer:
                continue
            declared = set(_declared(fn)) if isinstance(fn, S.FunctionDef) else set()
            local = _own_bound(fn) if isinstance(fn, S.FunctionDef) else {
                a.id for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs}
            own = S.own_nodes(fn) if isinstance(fn, S.FunctionDef) else S.walk(fn.body)
            for n in own:
                if isinstance(n, S.Name) and n.id in written and n.id not in declared and \
                        n.id not in local:
                    what = fn.name if isinstance(fn, S.FunctionDef) else "this lambda"
                    raise self.error(n, f"{what} reads {n.id}, which {written[n.id]} "
                                     "rebinds as a nonlocal variable: srcdiff passes "
                                     f"{n.id} to {written[n.id]} and takes it back, and "
                                     f"{what} would not see the value in between",
                                     hint=f"pass {n.id} to it as an argument, or declare "
                                          f"{n.id} nonlocal in it too")

    def _check_calls(self, writers, sharing):
        """Every read of a writer's name is the function called as the whole value of a
        statement of a function sharing its names, outside a try block."""
        allowed = {}
        for fn in sharing:
            mine = set(_declared(fn)) if fn is not self.outer else None
            for stmt, in_try in _statements(fn.body):
                call = _whole_call(stmt)
                if call is None or not isinstance(call.func, S.Name) or \
                        call.func.id not in writers:
                    continue
                g, names = writers[call.func.id]
                if not in_try and (mine is None or set(names) <= mine):
                    allowed[id(call.func)] = True
        for n in S.walk(self.outer):
            if isinstance(n, S.Name) and n.id in writers and isinstance(n.ctx, S.Load) \
                    and id(n) not in allowed:
                g, names = writers[n.id]
                shown = ", ".join(names)
                raise self.error(n, f"{n.id} rebinds {shown} of {self.outer.name} "
                                 f"(nonlocal): srcdiff follows it only called as the whole "
                                 f"value of a statement (r = {n.id}(...)) of "
                                 f"{self.outer.name}, or of a nested function declaring "
                                 f"{shown} nonlocal too, outside try blocks",
                                 hint=f"call it on a line of its own, outside try blocks: "
                                      f"r = {n.id}(...), binding first what the statement "
                                      f"reads before the call ({shown} before it changes)")

    def _block(self, stmts, writers):
        out = []
        for stmt in stmts:
            call = _whole_call(stmt)
            if call is not None and isinstance(call.func, S.Name) and call.func.id in writers:
                out += self._rewritten(stmt, call, writers[call.func.id][1])
                continue
            if not isinstance(stmt, _SCOPES):
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(stmt, field, None)
                    if isinstance(block, list) and block and isinstance(block[0], S.stmt):
                        setattr(stmt, field, self._block(block, writers))
                for handler in getattr(stmt, "handlers", None) or ():
                    handler.body = self._block(handler.body, writers)
                for case in getattr(stmt, "cases", None) or ():
                    case.body = self._block(case.body, writers)
            out.append(stmt)
        return out

    def _fresh(self, base):
        name, i = base, 1
        while name in self.taken:
            i += 1
            name = f"{base}_{i}"
        self.taken.add(name)
        return name

    def _rewritten(self, stmt, call, names):
        """`stmt`, whose whole value is `call` of a writer taking back `names`."""
        new_call = S.Call(func=call.func, args=[S.load(n) for n in names] + call.args,
                          keywords=call.keywords)
        S.place_unplaced(new_call, call)
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], S.Name) and stmt.targets[0].id not in names:
            first, after = stmt.targets[0].id, []
        else:
            first = self._fresh(f"{call.func.id}_result")
            if isinstance(stmt, S.Assign):
                after = [S.Assign(targets=stmt.targets, value=S.load(first), type_comment=None)]
            elif isinstance(stmt, S.Return):
                after = [S.Return(value=S.load(first))]
            else:
                after = []
        target = S.Tuple(elts=[S.store(first)] + [S.store(n) for n in names], ctx=S.Store())
        bind = S.Assign(targets=[target], value=new_call, type_comment=None)
        return [S.place_unplaced(s, stmt) for s in [bind] + after]


def _own_bound_params(fn):
    a = fn.args
    return [getattr(p, "id", getattr(p, "arg", None)) for p in a.posonlyargs + a.args +
            a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p is not None]]


def _bound_before(outer, name, g):
    """Whether a statement before the one holding `g`, in its block or a block holding that
    one, assigns `name` (so that it is bound whenever g's def has run)."""
    block = outer.body
    while block is not None:
        inner = None
        for stmt in block:
            if any(n is g for n in S.walk(stmt)):
                inner = _block_holding(stmt, g)
                break
            if _assigns(stmt, name):
                return True
        block = inner
    return False


def _assigns(stmt, name):
    return isinstance(stmt, (S.Assign, S.AnnAssign)) and stmt.value is not None and \
        name in assigned_names(stmt.targets if isinstance(stmt, S.Assign) else [stmt.target])


def _block_holding(stmt, g):
    """The block of `stmt` (a compound statement) that holds `g`, else None."""
    if stmt is g or isinstance(stmt, _SCOPES):
        return None
    blocks = [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody")] + [
        h.body for h in getattr(stmt, "handlers", None) or ()] + [
        c.body for c in getattr(stmt, "cases", None) or ()]
    for block in blocks:
        if isinstance(block, list) and any(n is g for b in block for n in S.walk(b)):
            return block
    return None


def _whole_call(stmt):
    """The call that is the whole value of an expression statement, an assignment or a
    return, else None."""
    if isinstance(stmt, (S.Expr, S.Assign, S.Return)) and isinstance(stmt.value, S.Call):
        return stmt.value
    return None


def _statements(stmts, in_try=False):
    """(statement, whether inside a try block) of a block and the blocks it holds, not those
    of nested functions or classes."""
    for stmt in stmts:
        yield stmt, in_try
        if isinstance(stmt, _SCOPES):
            continue
        inner = in_try or isinstance(stmt, S.Try)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], S.stmt):
                yield from _statements(block, inner)
        for handler in getattr(stmt, "handlers", None) or ():
            yield from _statements(handler.body, inner)
        for case in getattr(stmt, "cases", None) or ():
            yield from _statements(case.body, inner)


def _give_back(g, names):
    """g without its nonlocal statements, taking `names` first and returning them after its
    result."""
    params = [S.name(n, S.Param()) for n in names]
    setattr(g, S.NONLOCAL_TAKEN, tuple(names))   # (refusals: not g's arguments to the user)
    if g.args.posonlyargs:
        g.args.posonlyargs = params + g.args.posonlyargs
    else:
        g.args.args = params + g.args.args
    g.body = _returns(g.body, names) or [S.place_unplaced(S.Pass(), g)]
    if not _always_returns(g.body):
        end = S.Return(value=S.Constant(value=None, kind=None))
        g.body.append(_returning(_place_at_end(end, g.body[-1]), names))


def _place_at_end(stmt, last):
    line = getattr(last, "end_lineno", None) or last.lineno
    for n in S.walk(stmt):
        if isinstance(n, (S.stmt, S.expr)):
            n.lineno, n.col_offset = line, last.col_offset
            n.end_lineno, n.end_col_offset = line, last.col_offset
    return stmt


def _returning(ret, names):
    value = ret.value if ret.value is not None else S.Constant(value=None, kind=None)
    new = S.Return(value=S.Tuple(elts=[value] + [S.load(n) for n in names], ctx=S.Load()))
    return S.place_unplaced(new, ret)


def _returns(stmts, names):
    """A block without nonlocal statements, each return of its own giving back `names` too."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, S.Nonlocal):
            continue
        if isinstance(stmt, S.Return):
            out.append(_returning(stmt, names))
            continue
        if not isinstance(stmt, _SCOPES):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block and isinstance(block[0], S.stmt):
                    setattr(stmt, field, _returns(block, names) or [S.place_unplaced(
                        S.Pass(), stmt)])
            for handler in getattr(stmt, "handlers", None) or ():
                handler.body = _returns(handler.body, names) or [S.place_unplaced(
                    S.Pass(), handler)]
            for case in getattr(stmt, "cases", None) or ():
                case.body = _returns(case.body, names) or [S.place_unplaced(S.Pass(), case)]
        out.append(stmt)
    return out


def _always_returns(stmts):
    """Whether a block ends in a return or raise on every path."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (S.Return, S.Raise)):
        return True
    if isinstance(last, S.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False
