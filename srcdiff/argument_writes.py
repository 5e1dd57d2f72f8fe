"""Where a called function changes, in place, what its caller passed it (stage 3, lower: called
by lower_copies.py before a call of the user's function, and lower.py). Takes a gast def and
its parameters; gives back the parameters written and how, and, over a lowered body, the
checks relaxed where the caller never sees a helper's update (`relax_unseen_argument_updates`).

Read from the callee's syntax: item writes, in-place operators and methods (`operator.iadd`
too), through the names, views (`p.reshape(...)`, `p[1:]`) and rows (`for r in p`) that
alias a parameter (`argument_writes`), and a parameter the callee hands on to a function
that writes into it, however many calls down (`passed_on_write`, with a `follow` callback
saying how a callee's syntax is found). This is the one place that follows argument writes.
"""
import os

from . import alias_flow_fresh, analyze
from . import syntax as S
from .aliasing import VIEW_FUNCS
from .core import Kind
from .library_results import VIEW_METHODS
VIEW_FUNC_NAMES = {f.__name__ for f in VIEW_FUNCS}
ROW_BUILTINS = {"list", "tuple", "enumerate", "zip", "reversed", "iter", "sorted"}


def argument_writes(fdef, params, resolve=None):
    """Where a function changes what its parameters hold, in place, read from its syntax.

    Returns (writes, updates): `writes` are (parameter, node) for item writes into a
    parameter or anything it may share memory with (`v[0] = ...`, `v[:] = ...`, `w = v;
    w[1] += ...`, `for row in v: row[0] = ...`, `self.w[0] = ...`, `self.w -= ...`,
    `v.fill(0)`); `updates` are (parameter, operator, node) for `v op= ...` on a parameter
    itself (or a plain alias of it), which changes an array in place but only rebinds a
    number: only the run can tell. A parameter rebound to a new value before the write
    does not count. `operator.iadd(v, x)` (isub, ...: `resolve(func)` gives the object a
    call's function expression means) counts as `v += x`.

    What a name may share with a parameter is one of: "plain" (the object itself),
    "view" (memory of it: a slice, a row, an attribute, a view method's result) and "rows"
    (a new container of its rows, `list(v)`: only writes into its items reach v).
    """
    writes, updates = [], []
    _may_alias(fdef.body, {p: (p, "plain") for p in params}, writes, updates, resolve)
    return writes, updates


def fresh_argument(stmt):
    """Whether the lowered statement `stmt` (binding srcdiff's temporary for a call's
    argument) makes a new value no other name holds: an arithmetic result (`x * 2.0`, `-x`),
    a ufunc's or a copying NumPy function's result, or that of a function of the user's
    alias_flow_fresh proves new. A helper may then write into it unseen (for an array: `+`
    of lists makes a new list of the same items, which the run checks)."""
    import types

    import numpy
    from .callables import is_user_function
    from .core import Kind
    if stmt.sd.kind in (Kind.BINOP, Kind.UNARY):
        return True
    call, func = stmt.value, stmt.sd.func
    if stmt.sd.kind != Kind.CALL or not isinstance(call, S.Call) or any(
            k.arg in ("copy", "out") or k.arg is None for k in call.keywords):
        return False
    if isinstance(func, numpy.ufunc) or func in alias_flow_fresh.FRESH:
        return True
    from . import runtime_numpy
    if func in (runtime_numpy.method_copy, runtime_numpy.method_astype):
        return True   # `v.copy()`: an array's copy (a list's shares its items: the run checks)
    return stmt.sd.user_call is None and isinstance(func, types.FunctionType) and \
        is_user_function(func) and alias_flow_fresh.fresh_result(func)


def _is_view_index_node(index):
    parts = index.elts if isinstance(index, S.Tuple) else [index]
    return any(isinstance(p, S.Slice) or (isinstance(p, S.Constant) and p.value in
                                          (None, Ellipsis)) for p in parts)


def _root_alias(node, aliases):
    """(parameter, kind) when the value of `node` may share memory with a parameter."""
    from .callables import SHAPE_ATTRIBUTES
    if isinstance(node, S.Name):
        return aliases.get(node.id)
    if isinstance(node, S.Attribute):
        base = None if node.attr in SHAPE_ATTRIBUTES else _root_alias(node.value, aliases)
        return (base[0], "view") if base else None
    if isinstance(node, S.Subscript):
        base = _root_alias(node.value, aliases)
        if base is None:
            return None
        if _is_view_index_node(node.slice):
            return (base[0], "rows" if base[1] == "rows" else "view")
        # an item: a row of a container of rows, or of an array of two or more dimensions
        # (a view: `w = t.T[2]; w -= v` changes the caller's t), or a list's or dict's item
        # (the caller's object); of a 1-D array, a number (its update only rebinds it)
        return (base[0], "view")
    if isinstance(node, S.Call):
        func = node.func
        if isinstance(func, S.Attribute) and func.attr in VIEW_METHODS:
            base = _root_alias(func.value, aliases)     # v.reshape(...)
            if base:
                return (base[0], "view")
        if isinstance(func, S.Attribute) and func.attr in VIEW_FUNC_NAMES and node.args:
            base = _root_alias(node.args[0], aliases)   # numpy.reshape(v, ...)
            if base:
                return (base[0], "view")
        if isinstance(func, S.Name) and func.id in ROW_BUILTINS:
            for a in node.args:                          # list(v), zip(v, w), ...
                base = _root_alias(a, aliases)
                if base:
                    return (base[0], "rows")
    if isinstance(node, (S.List, S.Tuple)):              # [v[0], v[1]], (v, w)
        for e in node.elts:
            base = _root_alias(e, aliases)
            if base:
                return (base[0], "rows")
    if isinstance(node, (S.ListComp, S.GeneratorExp)):   # [r for r in v]
        for gen in node.generators:
            base = _root_alias(gen.iter, aliases)
            if base:
                return (base[0], "rows")
    return None


def _written_root(target, aliases):
    """The parameter an assignment target writes into (through items or attributes)."""
    node, depth = target, 0
    while isinstance(node, (S.Subscript, S.Attribute)):
        node, depth = node.value, depth + 1
    if depth and isinstance(node, S.Name) and node.id in aliases:
        param, kind = aliases[node.id]
        if kind != "rows" or depth >= 2:
            return param
    return None


def _bind_targets(target, value, aliases):
    if isinstance(target, S.Name):
        hit = _root_alias(value, aliases) if value is not None else None
        if hit:
            aliases[target.id] = hit
        else:
            aliases.pop(target.id, None)
    elif isinstance(target, (S.Tuple, S.List)):
        values = value.elts if isinstance(value, (S.Tuple, S.List)) and \
            len(value.elts) == len(target.elts) else [None] * len(target.elts)
        whole = _root_alias(value, aliases) if value is not None else None
        for t, v in zip(target.elts, values):
            if v is None and whole:
                _bind_element(t, (whole[0], "view"), aliases)   # unpacked rows
            else:
                _bind_targets(t, v, aliases)


def _bind_element(target, hit, aliases):
    for n in S.walk(target):
        if isinstance(n, S.Name):
            if hit:
                aliases[n.id] = hit
            else:
                aliases.pop(n.id, None)


def _bind_loop_target(loop, aliases):
    """What each name a for loop binds may share: the rows of what it iterates."""
    it, target = loop.iter, loop.target
    parts = None
    if isinstance(it, S.Call) and isinstance(it.func, S.Name) and \
            it.func.id in ("enumerate", "zip"):
        args = it.args[:1] if it.func.id == "enumerate" else it.args
        parts = ([None] if it.func.id == "enumerate" else []) + [
            _root_alias(a, aliases) for a in args]
        parts = [(p[0], "view") if p else None for p in parts]
    if parts is not None and isinstance(target, (S.Tuple, S.List)) and \
            len(target.elts) == len(parts):
        for t, hit in zip(target.elts, parts):
            _bind_element(t, hit, aliases)
        return
    hit = _root_alias(it, aliases)
    if parts is not None:   # one name for each tuple of items
        hit = next(((p[0], "rows") for p in parts if p), None)
    elif hit:
        hit = (hit[0], "view")   # rows are views; list items are the caller's objects
    _bind_element(target, hit, aliases)


def _may_alias(body, aliases, writes, updates, resolve=None):
    from .callables import MUTATING_METHODS
    for stmt in body:
        if isinstance(stmt, (S.FunctionDef, S.ClassDef)):
            continue
        if isinstance(stmt, S.If):
            a1, a2 = dict(aliases), dict(aliases)
            _may_alias(stmt.body, a1, writes, updates, resolve)
            _may_alias(stmt.orelse, a2, writes, updates, resolve)
            aliases.clear()
            aliases.update({**a2, **a1})
            continue
        if isinstance(stmt, (S.For, S.While)):
            for _ in range(2):   # the second pass sees what the first iteration bound
                if isinstance(stmt, S.For):
                    _bind_loop_target(stmt, aliases)
                inner = dict(aliases)
                _may_alias(stmt.body + stmt.orelse, inner, writes, updates, resolve)
                aliases.update(inner)
            continue
        for node in _walk_calls(stmt):
            func = node.func
            if isinstance(func, S.Attribute) and func.attr in MUTATING_METHODS:
                hit = _root_alias(func.value, aliases)
                if hit and hit[1] != "rows":
                    writes.append((hit[0], node))
            _inplace_call(node, aliases, writes, updates, resolve)
        if isinstance(stmt, S.Assign):
            for target in stmt.targets:
                for t in (target.elts if isinstance(target, (S.Tuple, S.List)) else [target]):
                    root = _written_root(t, aliases)
                    if root:
                        writes.append((root, stmt))
            for target in stmt.targets:
                _bind_targets(target, stmt.value, aliases)
        elif isinstance(stmt, S.AugAssign):
            target = stmt.target
            if isinstance(target, S.Name):
                hit = aliases.get(target.id)
                if hit and hit[1] == "plain":
                    updates.append((hit[0], type(stmt.op), stmt))
                elif hit and hit[1] == "view":
                    writes.append((hit[0], stmt))   # a slice, a row or an object's array
            else:
                root = _written_root(target, aliases)
                if root:
                    writes.append((root, stmt))
        elif isinstance(stmt, S.AnnAssign) and stmt.value is not None:
            _bind_targets(stmt.target, stmt.value, aliases)


def _inplace_call(node, aliases, writes, updates, resolve):
    """`operator.iadd(v, x)` (and its siblings) changes what v holds as `v += x` does."""
    from .inplace_calls import operator_of
    op = operator_of(resolve(node.func)) if resolve is not None else None
    if op is None or not node.args:
        return
    first = node.args[0]
    hit = aliases.get(first.id) if isinstance(first, S.Name) else _root_alias(first, aliases)
    if hit and hit[1] == "plain" and isinstance(first, S.Name):
        updates.append((hit[0], op, node))
    elif hit and hit[1] != "rows":
        writes.append((hit[0], node))   # a slice, a row or an object's array


def _walk_calls(stmt):
    """The calls a simple statement makes (not inside nested functions or lambdas)."""
    todo = [stmt]
    while todo:
        node = todo.pop()
        if isinstance(node, (S.Lambda, S.FunctionDef)):
            continue
        if isinstance(node, S.Call):
            yield node
        todo.extend(S.iter_child_nodes(node))


def passed_on_write(fdef, params, resolve, follow, seen=frozenset(), depth=0):
    """(param, call, callee name, 'file:line' of the write) where the function of `fdef`
    hands one of its parameters, never rebound, to a function that writes into it in place
    (itself, or through a function it hands it on to), or None. For a function where
    `argument_writes` finds no write of its own: a write two calls down changes the
    caller's array as much as one made in the callee. Where the function it is handed to
    only updates it (`t += 0.5`: in place for an array, a new number otherwise), the tuple
    has a fifth item, the operator, and only the run tells.

    `resolve(func)` gives the object a call's function expression means; `follow(callee)`
    gives (source, parameters, resolve) of a callee to follow (a function of the user's
    with source), or None; `seen` holds the functions already on the way down.
    """
    from .core import assigned_names
    if depth > 8:
        return None
    kept = set(params) - assigned_names(fdef.body)
    for call in S.walk(fdef):
        if not isinstance(call, S.Call):
            continue
        callee = resolve(call.func)
        if callee is None or callee in seen:
            continue
        positional = list(enumerate(call.args))
        named = [(k.arg, k.value) for k in call.keywords if k.arg]
        if not any(isinstance(a, S.Name) and a.id in kept for _, a in positional + named):
            continue
        followed = follow(callee)
        if followed is None:
            continue
        source, inner_params, inner_resolve = followed
        handed = {}   # the callee's parameter -> ours it is given
        for slot, a in positional + named:
            target = slot if isinstance(slot, str) else (
                inner_params[slot] if slot < len(inner_params) else None)
            if target is not None and isinstance(a, S.Name) and a.id in kept:
                handed[target] = a.id
        writes, updates = argument_writes(source.node, inner_params, inner_resolve)
        written = {p: (where,) for p, where in writes}
        for p, op, where in updates:
            written.setdefault(p, (where, op))
        name = getattr(callee, "__qualname__", source.node.name)
        for target, param in handed.items():
            if target in written:
                line = getattr(written[target][0], "lineno", None)
                return (param, call, name, f"{os.path.basename(source.filename)}:{line}") + \
                    written[target][1:]
        deeper = passed_on_write(source.node, inner_params, inner_resolve, follow,
                                 seen | {callee}, depth + 1)
        if deeper is not None and deeper[0] in handed:
            inner_param, _, inner_name, where = deeper[:4]
            return (handed[inner_param], call, f"{name} (and on to {inner_name})", where) + \
                deeper[4:]
    return None


def unseen_argument_update(body, call, name):
    """Whether the caller never reads the array `name` it passes to a helper doing `v op=
    ...` on it (the statement `call`), apart from what the helper returns: the helper's
    derivative updates a copy of its own (lower._own_written_params), so the two differ
    only where a name bound before the call reads the array after it. The call's result
    (`return v, w`) holds the helper's copy, not the caller's array; the array must not
    have been given to a function that may keep it. (That no other argument holds it is
    checked by the run: runtime_alias.check_update_unshared.)"""
    from . import alias_flow
    flow = alias_flow.Flow(body, fresh=[id(call)])
    return flow.ok and id(call) in flow.before and flow.unseen(call, name, own_ok=False)


def relax_unseen_argument_updates(body, bindings):
    """Where the caller never sees a helper's `v op= ...` (unseen_argument_update), the check
    `check_argument_update(v, ...)` placed before the call becomes
    `check_update_unshared(v, (other arguments), ...)`, which only refuses an array another
    argument shares."""
    from . import runtime

    def walk(block):
        for i, stmt in enumerate(block):
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and not isinstance(stmt, S.FunctionDef):
                    walk(inner)
            if not _is_check(stmt, runtime.check_argument_update):
                continue
            j = i + 1
            while j < len(block) and isinstance(block[j], S.Expr) and \
                    block[j].sd.kind == Kind.EFFECT:
                j += 1
            call = block[j] if j < len(block) else None
            arg = stmt.value.args[0]
            if call is None or call.sd.kind != Kind.CALL or not isinstance(arg, S.Name) or \
                    not unseen_argument_update(body, call, arg.id):
                continue
            names = [a.id for a in analyze.call_args(call) if isinstance(a, S.Name)]
            if arg.id in names:
                names.remove(arg.id)   # (once: step(v, v) passes v as another argument too)
            others = [S.load(n) for n in names]
            from .runtime_alias import check_update_unshared as func   # (where one is met)
            bindings[func.__name__] = func
            old = stmt.value.args
            stmt.value = S.Call(func=S.load(func.__name__), args=[
                old[0], S.Tuple(elts=others, ctx=S.Load())] + old[1:], keywords=[])
            stmt.sd.func = func
    walk(body)


def _is_check(stmt, func):
    return isinstance(stmt, S.Expr) and getattr(stmt, "sd", None) is not None and \
        stmt.sd.func is func
