"""Dead code: drop pure assignments nothing reads (stage 6, optimize: called by transform.py).
Takes an emitted function body; gives back the body without the unread pure assignments
(`drop_unread`) and without `name = None` lines no path needs (`drop_needless_inits`);
and without the unread derivatives srcdiff.grad made and functions made for them
(`drop_unread_makers`).

The primal part of an emitted gradient is the user's function, statement by statement,
and it computes what only its caller would read: a gradient seeded with 1.0 does not
read the scalar output (or the running sum that makes it: `loss = loss + np.sum(h * h)`
in a loop). `drop_unread(body)` removes, at every nesting level, assignments `name =
value` where the value is pure (names, constants, arithmetic and comparisons of them,
`numpy.<function>(...)` calls from PURE, `srcdiff.api.grad(f)` and the other MAKERS) and
no statement that is kept reads the name, found as a fixpoint, so a chain or a
loop-carried cycle of unread values goes at once (an `if` on a name left with nothing in
either branch goes with them).
Anything else (calls, tape pushes and pops, item writes, augmented assignments, loop
and branch tests) is kept, with everything it reads.
"""
from . import fixpoint
from . import syntax as S

PURE = frozenset((
    "sum", "mean", "prod", "max", "min", "amax", "amin", "exp", "log", "log1p", "expm1",
    "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "square", "abs", "absolute",
    "negative", "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
    "power", "reciprocal", "where", "dot", "matmul", "arctan", "arcsin", "arccos"))
# srcdiff's makers of derivatives: `g = srcdiff.api.grad(potential)` only makes an object
# (its code is emitted when first called); unread once the calls of g go to the derivative
# rules' function (compose_calls.py)
MAKERS = frozenset(("grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp"))


def drop_unread(body):
    """Remove the unread pure assignments from a function body, in place."""
    stmts = list(_statements(body))
    reads = _own_reads(stmts)
    if reads is None:
        return body  # a closure may read any name
    pure = [s for s in stmts if _pure(s)]
    pure_ids = {id(s) for s in pure}
    useful = set()
    for stmt in stmts:
        if id(stmt) not in pure_ids:
            useful |= reads[id(stmt)]
            if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
                useful.add(stmt.target.id)
    backward = pure[::-1]   # (a generator against program order: a round settles most bodies)
    useful = fixpoint.closure(useful, lambda useful: (
        n for stmt in backward if stmt.targets[0].id in useful for n in reads[id(stmt)]))
    dead = {id(s) for s in pure if s.targets[0].id not in useful}
    if dead:
        _remove(body, dead)
    return body


_CLOSURES = frozenset((S.FunctionDef, S.Lambda, S.ClassDef, S.Global, S.Nonlocal))


def _statements(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse"):
            yield from _statements(getattr(stmt, field, None) or [])


def _own_reads(stmts):
    """{id(statement): the names it reads itself} for `stmts` (every statement of a body,
    `_statements`'), each statement's own part walked once (a compound statement's test or
    iterable: its blocks are statements of their own; a pure assignment's reads are its
    value's); None where a closure, a global or a nonlocal is met. The parts
    walked hold every node of the body (a statement whose blocks `_statements` does not
    list, as a try, a with or a def, is walked whole)."""
    reads = {}
    closures, name_type, load = _CLOSURES, S.Name, S.Load
    for stmt in stmts:
        cls = stmt.__class__
        if cls is S.If or cls is S.While:
            parts = (stmt.test,)
        elif cls is S.For:
            parts = (stmt.iter,)   # (its target's reads, as `x[i]`'s, are not counted)
            if any(n.__class__ in closures for n in S.nodes(stmt.target)):
                return None
        else:
            parts = (stmt,)
        names = set()
        for part in parts:
            for n in S.nodes(part):
                kind = n.__class__
                if kind is name_type:
                    if n.ctx.__class__ is load:
                        names.add(n.id)
                elif kind in closures:
                    return None
        reads[id(stmt)] = names
    return reads


def _atom(node):
    return isinstance(node, (S.Name, S.Constant))


def _pure(stmt):
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return False
    value = stmt.value
    if _atom(value):
        return True
    if isinstance(value, S.BinOp):
        return _atom(value.left) and _atom(value.right)
    if isinstance(value, S.UnaryOp):
        return _atom(value.operand)
    if isinstance(value, S.Compare):
        return _atom(value.left) and all(_atom(c) for c in value.comparators)
    if isinstance(value, S.Call):
        func = value.func
        if _is_maker(func):
            return all(_atom(a) for a in value.args) and all(
                _atom(k.value) for k in value.keywords)
        return (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                and func.value.id == "numpy" and func.attr in PURE
                and all(_atom(a) for a in value.args)
                and all(_atom(k.value) or isinstance(k.value, S.Tuple) for k in value.keywords))
    return False


def drop_unread_makers(body):
    """Remove `g = srcdiff.api.grad(f)` (any of MAKERS) where nothing in the body reads g,
    in place, and then the lambdas and nested defs nothing reads any more (`t = lambda z:
    ...` made for such a transform: making a function runs none of its code), to a
    fixpoint. Runs on both modes' bodies (drop_unread keeps every binding of a body that
    makes a closure)."""
    while True:
        functions = {s.name if isinstance(s, S.FunctionDef) else s.targets[0].id
                     for s in _statements(body) if isinstance(s, S.FunctionDef) or (
                         _pure_target(s) and isinstance(s.value, S.Lambda))}
        # what would be dropped were no name read (_makes_unread asks of `loads` only that
        # it lacks a name): where nothing is, the body's reads are not walked
        maybe = [s for s in _statements(body) if _makes_unread(s, (), functions)]
        if not maybe:
            return body
        loads = {n.id for stmt in body for n in S.walk_names(stmt)
                 if n.ctx.__class__ is S.Load}
        dead = {id(s) for s in maybe if _makes_unread(s, loads, functions)}
        if not dead:
            return body
        _remove(body, dead)


def _makes_unread(stmt, loads, functions):
    """Whether `stmt` only makes a derivative or a function (or copies a name bound to a
    function, one of `functions`), bound to a name not in loads."""
    if isinstance(stmt, S.FunctionDef):
        args = stmt.args
        return stmt.name not in loads and not stmt.decorator_list and all(
            d is None or _atom(d) for d in args.defaults + args.kw_defaults)
    if not _pure_target(stmt) or stmt.targets[0].id in loads:
        return False
    value = stmt.value
    if isinstance(value, S.Name):   # (t_1 = function_1: the lowering's copy of a lambda)
        return value.id in functions
    if isinstance(value, S.Lambda):
        return all(d is None or _atom(d) for d in value.args.defaults + value.args.kw_defaults)
    return isinstance(value, S.Call) and _is_maker(value.func) and _pure(stmt)


def _pure_target(stmt):
    return isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
        isinstance(stmt.targets[0], S.Name)


def _is_maker(func):
    """Whether `func` is srcdiff.api.<maker> (a transform of a function)."""
    return (isinstance(func, S.Attribute) and func.attr in MAKERS
            and isinstance(func.value, S.Attribute) and func.value.attr == "api"
            and isinstance(func.value.value, S.Name) and func.value.value.id == "srcdiff")


def _remove(body, dead):
    """Drop the dead statements; a branch left with nothing on either side, on a name,
    goes too; any other emptied block keeps a `pass`."""
    kept = []
    for stmt in body:
        if id(stmt) in dead:
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                _remove(inner, dead)
        if isinstance(stmt, S.If) and not stmt.body and not stmt.orelse and _atom(stmt.test):
            continue
        if isinstance(getattr(stmt, "body", None), list) and not stmt.body:
            stmt.body.append(S.Pass())
        kept.append(stmt)
    body[:] = kept


def drop_needless_inits(body):
    """Remove, from a function body's top level, each `name = None` after which every path
    binds the name before it reads it (the adjoint pass binds names to None first where a
    tape push, a snapshot or a zero may read them before the primal does; for a loop that
    runs as written, such as an online checkpointed loop, nothing does). In place."""
    dead = set()
    for i, stmt in enumerate(body):
        if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Constant)
                and stmt.value.value is None
                and not _read_first(body[i + 1:], stmt.targets[0].id)[0]):
            dead.add(id(stmt))
    body[:] = [s for s in body if id(s) not in dead]
    return body


def _read_first(stmts, name):
    """(whether some path through `stmts` reads `name` before binding it, whether every
    path that goes on past them binds it). Conservative: a read anywhere inside a nested
    def, lambda, class, try or with counts; a loop may run zero times."""
    for stmt in stmts:
        read, bound = _read_first_in(stmt, name)
        if read:
            return True, False
        if bound:
            return False, True
    return False, False


def _read_first_in(stmt, name):
    if isinstance(stmt, S.If):
        if _reads(stmt.test, name):
            return True, False
        (r1, b1), (r2, b2) = _read_first(stmt.body, name), _read_first(stmt.orelse, name)
        return r1 or r2, b1 and b2
    if isinstance(stmt, (S.For, S.While)):
        head = stmt.iter if isinstance(stmt, S.For) else stmt.test
        if _reads(head, name):
            return True, False
        if isinstance(stmt, S.For) and _binds(stmt.target, name):
            return False, False   # the body sees it bound; after the loop, maybe not
        return _read_first(stmt.body, name)[0] or _read_first(stmt.orelse, name)[0], False
    if isinstance(stmt, S.Assign):
        if _reads(stmt.value, name) or any(_reads(t, name) for t in stmt.targets):
            return True, False
        return False, any(_binds(t, name) for t in stmt.targets)
    if isinstance(stmt, S.AugAssign) and _binds(stmt.target, name):
        return True, False   # n += v reads n
    return _reads(stmt, name), False


def _reads(node, name):
    for n in S.walk(node):
        if isinstance(n, (S.FunctionDef, S.Lambda, S.ClassDef, S.Try, S.With, S.Global,
                          S.Nonlocal)) and any(
                m.id == name for m in S.walk_names(n)):
            return True
        if isinstance(n, S.Name) and n.id == name and not isinstance(n.ctx, S.Store):
            return True
        if isinstance(n, (S.Global, S.Nonlocal)) and name in n.names:
            return True
    return False


def _binds(target, name):
    """Whether an assignment target binds `name` itself (not an item or attribute of it)."""
    if isinstance(target, S.Name):
        return target.id == name
    if isinstance(target, (S.Tuple, S.List)):
        return any(_binds(e, name) for e in target.elts)
    if isinstance(target, S.Starred):
        return _binds(target.value, name)
    return False
