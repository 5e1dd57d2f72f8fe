"""Facts about a lowered function that the transforms rely on (stage 4, analyze: called by
lower.py, transform.py, reverse.py, forward.py and the passes and constructs below them).
Takes lowered core statements and `wrt`; gives back activity (varied and useful names),
definedness (names that may or must be bound before each statement) and the facts of
operands, calls and copies.

* activity: a value is *varied* if it depends on a differentiated input and
  *useful* if the output depends on it; only active (varied and useful)
  values get derivatives. Flow-insensitive, so it errs on the side of
  computing a derivative, never of dropping one.
* definedness: which names may be, and which must be, bound before each
  statement (the reverse pass saves an old value only if one may exist).
"""
from . import fixpoint, rules, runtime
from . import syntax as S
from .core import Kind
from .callables import is_user_function


def operands(stmt):
    """Names a core statement reads."""
    if isinstance(stmt, S.Assign) and stmt.sd.user_call is not None:
        return [a.id for a in call_args(stmt) if isinstance(a, S.Name)]
    if isinstance(stmt, S.Assign):
        nodes = [stmt.value] + [t for t in stmt.targets if not isinstance(t, S.Name)]
    elif isinstance(stmt, (S.If, S.While)):
        nodes = [stmt.test]
    elif isinstance(stmt, S.For):
        nodes = [stmt.iter]
    elif isinstance(stmt, (S.Return, S.Expr)):
        nodes = [stmt.value]
    elif isinstance(stmt, S.Assert):
        nodes = [stmt.test] + ([stmt.msg] if stmt.msg else [])
    elif isinstance(stmt, S.Raise):
        nodes = [stmt.exc] if stmt.exc else []
    else:
        nodes = []
    return [n.id for root in nodes for n in S.nodes(root)
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]


def call_parts(value):
    """(function operands, keyword operands) of an operation node, as atoms."""
    if isinstance(value, S.BinOp):
        return [value.left, value.right], {}
    if isinstance(value, S.UnaryOp):
        return [value.operand], {}
    if isinstance(value, S.Call):
        return list(value.args), {k.arg: k.value for k in value.keywords}
    return [], {}


def call_args(stmt):
    """A call's positional operands; for a lifted local function, its free variables too."""
    if stmt.sd.user_call is not None:
        return stmt.sd.call_args
    return list(stmt.value.args)


def differentiable_operands(stmt):
    """Names whose derivative a statement's result (or target) may carry."""
    info = stmt.sd
    kind = info.kind
    if isinstance(stmt, S.Assign):
        value = stmt.value
        if kind == Kind.COPY:
            return [value.id] if isinstance(value, S.Name) else []
        if kind in (Kind.BINOP, Kind.UNARY, Kind.CALL):
            if kind == Kind.CALL and info.func is not None and rules.is_nondifferentiable(info.func):
                return []
            args, kw = call_parts(value)
            if kind == Kind.CALL:
                args = call_args(stmt)
            names = [a.id for a in args + list(kw.values()) if isinstance(a, S.Name)]
            if kind == Kind.CALL and info.dynamic_method:
                base = value.func.value
                if isinstance(base, S.Name):
                    names.append(base.id)
            return names
        if kind == Kind.SUBSCRIPT:
            return [value.value.id] if isinstance(value.value, S.Name) else []
        if kind == Kind.DISPLAY:
            elts = value.values if isinstance(value, S.Dict) else value.elts
            return [e.id for e in elts if isinstance(e, S.Name)]
        if kind == Kind.ATTRIBUTE:
            return [value.value.id] if isinstance(value.value, S.Name) else []
        if kind == Kind.SETITEM:
            return [value.id] if isinstance(value, S.Name) else []
        if kind == Kind.POP:
            return [value.func.value.id]
        return []
    if kind == Kind.APPEND:
        arg = stmt.value.args[0]
        return [arg.id] if isinstance(arg, S.Name) else []
    return []


def popped_list(stmt):
    """The list a `x = lst.pop()` or `lst.pop()` statement pops from."""
    call = stmt.value
    return call.func.value.id


def assigned(stmt):
    """The name a core statement binds or changes, if any."""
    if isinstance(stmt, S.Assign):
        target = stmt.targets[0]
        if isinstance(target, S.Name):
            return target.id
        return target.value.id
    if isinstance(stmt, S.Expr) and stmt.sd.kind == Kind.APPEND:
        return stmt.value.func.value.id
    return None


def taken_from(body, names):
    """The names whose arrays `names` may share memory with, through the lowered `body`: what
    each was indexed (a row, a slice) or copied from, transitively. Used where a write into
    one name is seen through another (restores the adjoint needs, parameters written through
    a row)."""
    parents = {}
    for stmt in flatten(body):
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            value = stmt.value
            if isinstance(value, S.Subscript) and isinstance(value.value, S.Name):
                parents.setdefault(stmt.targets[0].id, set()).add(value.value.id)
            elif stmt.sd.kind == Kind.COPY and isinstance(value, S.Name):
                parents.setdefault(stmt.targets[0].id, set()).add(value.id)
    out, todo = set(), list(names)
    while todo:
        for base in parents.pop(todo.pop(), ()):
            if base not in out:
                out.add(base)
                todo.append(base)
    return out


def flatten(body):
    """Every core statement, nested ones included, in program order. A stack of the blocks
    being read (each read as it is when reached, as a recursion over them would), and no
    block looked into for a statement that holds none (an assignment, a call)."""
    stack = [iter(body)]
    while stack:
        for stmt in stack[-1]:
            yield stmt
            cls = stmt.__class__
            if cls in _NO_BLOCKS or isinstance(stmt, S.FunctionDef):
                continue  # a nested def's body is lowered on its own
            stack.append(_blocks(stmt))
            break
        else:
            stack.pop()


def _blocks(stmt):
    """The statements of `stmt`'s body, then of its orelse (each read when reached)."""
    yield from getattr(stmt, "body", None) or []
    yield from getattr(stmt, "orelse", None) or []


_NO_BLOCKS = frozenset((S.Assign, S.Expr, S.AugAssign, S.Return, S.Break, S.Continue,
                        S.Pass, S.Assert, S.Raise))


def shared_list_edges(stmt, containers):
    """A call to a user function may change the lists it is given (a tape, say): each such
    list then depends on everything the call reads."""
    if not (stmt.sd.kind in (Kind.CALL, Kind.EFFECT) and is_user_function(stmt.sd.func)):
        return []
    value = stmt.value
    args = call_args(stmt) if isinstance(stmt, S.Assign) else list(value.args)
    names = [a.id for a in args if isinstance(a, S.Name)]
    return [(n, names) for n in names if n in containers]


def integral_names(body):
    """Names some statement defines as a range, a count or a flag (values with no derivative),
    and every other one too, bar restores: `name = lst.pop()` after `lst.append(name)`, or
    from a list the body never binds (a tape its caller filled: a callee's backward). A pop
    from a list the name was not pushed onto before (a user's list; the list a pop is undone
    into, `L.append(p)` after `p = L.pop()`) gives it the list's values."""
    from . import rules
    integral, other = set(), set()
    stmts = list(flatten(body))
    pushed = {}   # (list, name) -> the position of the first `list.append(name)`
    bound = set()
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, S.Expr) and stmt.sd.kind == Kind.APPEND and \
                isinstance(stmt.value.func.value, S.Name) and len(stmt.value.args) == 1 and \
                isinstance(stmt.value.args[0], S.Name):
            pushed.setdefault((stmt.value.func.value.id, stmt.value.args[0].id), i)
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            bound.add(stmt.targets[0].id)
        elif isinstance(stmt, S.For):
            bound |= {n.id for n in S.walk(stmt.target) if isinstance(n, S.Name)}
    for i, stmt in enumerate(stmts):
        name = assigned(stmt)
        if name is None:
            continue
        if stmt.sd.kind == Kind.POP:
            source = _popped_list(stmt)
            if source is None or source in bound and pushed.get((source, name), i) >= i:
                other.add(name)   # not a restore: whatever the list holds
            continue
        if isinstance(stmt, S.Assign) and isinstance(stmt.value, S.Constant) and \
                stmt.value.value is None:
            continue  # `x = None` before a loop says nothing about x's kind
        kind, func = stmt.sd.kind, stmt.sd.func
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name) and (
                kind in (Kind.EFFECT_VALUE, Kind.OPAQUE) or (
                    kind == Kind.CALL and func is not None and rules.is_nondifferentiable(func)
                    and not _float_valued(func))):
            integral.add(name)
        else:
            other.add(name)
    return integral - other  # every value it ever gets (bar tape restores) is integral


def _float_valued(func):
    """A function with no derivative whose result is a float array all the same (zeros from a
    shape, a rounding, a draw): a name first bound to one and later to `L.pop()` holds floats
    that move with the list's items, so it is no count (`p = numpy.zeros_like(x)` before
    `p = L.pop()`; the emitted adjoint's `tan_pop_1 = zeros_like_value(pop_1)`)."""
    global _FLOAT_VALUED
    if _FLOAT_VALUED is None:
        import numpy
        found = [getattr(numpy, n, None) for n in (
            "zeros_like ones_like empty_like zeros ones empty eye identity tri floor ceil "
            "trunc rint fix round around sign").split()]
        found += [getattr(numpy.random, n, None) for n in (
            "rand randn random random_sample standard_normal").split()]
        found += [runtime.zeros_like_value, runtime.ones_like_value]
        _FLOAT_VALUED = [f for f in found if f is not None]
    return any(func is f for f in _FLOAT_VALUED)


_FLOAT_VALUED = None


def _popped_list(stmt):
    """The list name of `x = lst.pop()` (None for another form)."""
    call = stmt.value
    if isinstance(call, S.Call) and isinstance(call.func, S.Attribute) and \
            isinstance(call.func.value, S.Name):
        return call.func.value.id
    return None


def activity(body, wrt, output, containers=(), extra_outputs=(), extra_edges=(), emitted=False):
    """Return the set of active names: varied by `wrt` and useful to `output`.

    `extra_outputs` are names the caller reads too (lists shared with it);
    `extra_edges` are (target, sources) dependencies the statements do not show;
    `emitted`: the body is srcdiff's emitted code, whose tape restores of ranges, counts and
    flags carry no derivative (a user's `p = L.pop()` always carries the list's).
    """
    edges = _edges(body, containers, extra_edges, emitted)
    varied = _varied(edges, wrt)
    # (a generator: what a round finds counts at once, later edges first, so that a round
    # against program order settles most bodies, as a round in it settles `_varied`'s)
    backward = edges[::-1]
    useful = fixpoint.closure({output} | set(extra_outputs), lambda useful: (
        s for target, sources in backward if target in useful for s in sources))
    return varied & useful


def _edges(body, containers, extra_edges=(), emitted=False):
    edges = list(extra_edges)  # (target, sources)
    integral = integral_names(body) if emitted else set()
    for stmt in flatten(body):
        if isinstance(stmt, S.FunctionDef):
            # a nested function carries what it reads of the enclosing function: passed as a
            # value (odeint's F), it is varied when they are, and the call's rule refuses it
            edges.append((stmt.name, closed_over(stmt)))
            continue
        if isinstance(stmt, S.Assign) and isinstance(stmt.value, S.Lambda) and isinstance(
                stmt.targets[0], S.Name):
            edges.append((stmt.targets[0].id, closed_over(stmt.value)))   # so does a lambda
            continue
        target = assigned(stmt)
        if target is not None:
            if stmt.sd.kind == Kind.POP and target in integral:
                continue  # a range, count or flag restored from a tape carries no derivative
            edges.append((target, differentiable_operands(stmt)))
        edges += shared_list_edges(stmt, containers)
    return edges


def closed_over(fdef):
    """The names a nested def reads that it does not bind itself (its parameters, its own
    assignments): the enclosing function's variables among them are what it closes over."""
    args = fdef.args
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            own.add(extra.id if isinstance(extra, S.Name) else extra.arg)
    body = fdef.body if isinstance(fdef.body, list) else [fdef.body]
    stored = {n.id for stmt in body for n in S.walk(stmt)
              if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load)}
    loads = []
    for stmt in body:
        for n in S.walk(stmt):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id not in own \
                    and n.id not in stored and n.id not in loads:
                loads.append(n.id)
    return loads


def _varied(edges, wrt):
    """The names `wrt` reach through (target, sources) edges: a target is varied once any
    of its sources is."""
    edges = list(edges)
    return fixpoint.closure(wrt, lambda varied: (t for t, sources in edges
                                                 if not varied.isdisjoint(sources)))


def copies(body):
    """(source, target) of each `target = source` copy between names: what a fact about a
    value (a container, a dict) carries to (with `fixpoint.reach`)."""
    return [(stmt.value.id, stmt.targets[0].id) for stmt in flatten(body)
            if isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.COPY
            and isinstance(stmt.value, S.Name) and isinstance(stmt.targets[0], S.Name)]


def primal_names(params, body):
    """Every name the primal binds: parameters, assignment targets and loop variables."""
    names = set(params)
    for stmt in flatten(body):
        name = assigned(stmt)
        if name:
            names.add(name)
        if isinstance(stmt, S.For):
            names.add(stmt.target.id)
    return names


def effects_on_varied(body, wrt, containers=()):
    """Calls made only for their effects (result dropped) that are given a value varied by
    `wrt`, other than known-pure functions: such a call may change an array in place
    (numpy.add.at, numpy.copyto, ...) where no derivative can follow. Yields statements."""
    varied = _varied(_edges(body, containers), wrt)
    for stmt in flatten(body):
        if not (stmt.sd.kind == Kind.EFFECT and isinstance(stmt, S.Expr)
                and isinstance(stmt.value, S.Call)):
            continue
        from . import helper_effects   # imported where an effect statement is met
        func = stmt.sd.func
        call = stmt.value
        writes_out = any(k.arg == "out" for k in call.keywords)  # numpy.multiply(a, b, out=y)
        if func is not None and helper_effects.followed(func):
            continue  # srcdiff's checks, and helpers forward mode repeats on tangents
        if func is not None and not is_user_function(func) and not writes_out and (
                rules.lookup("reverse", func) is not None or rules.is_nondifferentiable(func)):
            continue  # a function with a rule (pure; call_reading, a callback's read), print
        if any(isinstance(a, S.Name) and a.id in varied
               for a in list(call.args) + [k.value for k in call.keywords]):
            yield stmt


class _Names:
    """The names defined before one statement: a shared base set plus the names a
    straight run of statements added, up to this statement (no copy per statement,
    so a long function costs linear time, not quadratic)."""
    __slots__ = ("base", "added", "upto")

    def __init__(self, base, added, upto):
        self.base, self.added, self.upto = base, added, upto

    def __contains__(self, name):
        if name in self.base:
            return True
        k = self.added.get(name)
        return k is not None and k < self.upto

    def __iter__(self):
        yield from self.base
        for name, k in self.added.items():
            if k < self.upto:
                yield name


class _Growing:
    """A set that only grows along a straight run of statements; `view()` is the set now."""

    def __init__(self, names):
        self.base = frozenset(names)
        self.added = {}
        self.n = 0

    def view(self):
        return _Names(self.base, self.added, self.n)

    def add(self, name):
        if name not in self.base and name not in self.added:
            self.added[name] = self.n
        self.n += 1

    def set(self):
        return set(self.view())


class Definedness:
    """May-be-defined and must-be-defined names before each statement."""

    def __init__(self, body, params):
        self.before = {}
        self._block(body, _Growing(params), _Growing(params))

    def _block(self, body, maybe, must):
        for stmt in body:
            self.before[id(stmt)] = (maybe.view(), must.view())
            if isinstance(stmt, S.If):
                m1, d1 = self._block(stmt.body, _Growing(maybe.view()), _Growing(must.view()))
                m2, d2 = self._block(stmt.orelse, _Growing(maybe.view()), _Growing(must.view()))
                maybe, must = _Growing(m1.set() | m2.set()), _Growing(d1.set() & d2.set())
            elif isinstance(stmt, (S.For, S.While)):
                header = {stmt.target.id} if isinstance(stmt, S.For) else set()
                m1, _ = self._block(stmt.body, _Growing(maybe.set() | header),
                                    _Growing(must.set() | header))
                m2, _ = self._block(stmt.body, _Growing(m1.view()), _Growing(must.set() | header))
                maybe = _Growing(m2.view())
            else:
                name = assigned(stmt)
                if name is not None:
                    maybe.add(name)
                    must.add(name)
        return maybe, must

    def maybe(self, stmt):
        return self.before[id(stmt)][0]

    def must(self, stmt):
        return self.before[id(stmt)][1]


def copies_and_own_copies(body):
    """(source, target) of `target = source` and of `target = own_copy(source)`, the copy the
    alias checks put before a write into an item of a list (`row = LL[0]; row[0] = v`), made
    after the lowering gave each local its kind: the copy of a list is one."""
    from .runtime_adjoint import own_copy
    return copies(body) + [
        (stmt.value.args[0].id, stmt.targets[0].id) for stmt in flatten(body)
        if isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and stmt.sd.func is own_copy
        and isinstance(stmt.targets[0], S.Name) and len(stmt.value.args) == 1
        and isinstance(stmt.value.args[0], S.Name)]
