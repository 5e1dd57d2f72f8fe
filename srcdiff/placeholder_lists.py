"""Lists of placeholders filled item by item right after they are made (stage 3, lower: called
by source_rewrites.counted_rewrite before the closure factories). Takes a gast FunctionDef;
gives back a rewritten copy, or the FunctionDef itself where no such list fits.

    fs = [None, None]                      fs_0 = make_scale(2.0)
    fs[0] = make_scale(2.0)        ->      fs_1 = np.sin
    fs[1] = np.sin                         return fs_0(x) + fs_1(x)
    return fs[0](x) + fs[1](x)

A call needs its callee before the code runs, and an item written after the list was made
is not in its display. Where the writes follow the display at once (`fs = [None] * 2` too),
each at a constant index, no two at the same one, and no value written reads the list, the
items hold exactly the values written, in the order written: read only by constant items
(`fs[0]`, written ones), each item is a name of its own (`fs_0`, bound where the write
was), so a closure a factory made is called through a name bound once (closure_factories.py);
read otherwise (a loop over it, `len(fs)`), the list is the display of what was written
(`fs = [np.sin, lambda v: v * v]`; items written out of order bound to names first, in the
order written), made where the last write was.

It applies only where the list's name is bound once, by that display, declared neither
global nor nonlocal, written nowhere else (no other item write, no `del`), read by no def or
lambda (which a written value might call before the list is full), and the statements are in
no try or with block (whose handler, or a context silencing the error, could leave the list
half filled for the code after it). Anything else is left as
written (lower_calls.py refuses a call of an item it cannot tell, located).
"""
from . import syntax as S
from .function_choices import replace

MAX_ITEMS = 16


def rewrite(fdef):
    """`fdef`, or a copy with each list of placeholders that fits rewritten (see the
    module's docstring)."""
    if not any(_placeholders(n) for n in S.walk(fdef)):
        return fdef
    given, fdef = fdef, S.clone(fdef)
    changed = False
    for block in list(_blocks(fdef)):
        i = 0
        while i < len(block):
            made = _filled(fdef, block, i)
            if made is not None:
                changed = True
                block[i:i + made[0]] = made[1]
                i += len(made[1])
            else:
                i += 1
    return fdef if changed else given


def _placeholders(stmt):
    """(name, length) where `stmt` is `name = [None, ...]` or `name = [None] * k`."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and
            isinstance(stmt.targets[0], S.Name)):
        return None
    value, n = stmt.value, None
    if isinstance(value, S.List) and value.elts and all(_is_none(e) for e in value.elts):
        n = len(value.elts)
    elif isinstance(value, S.BinOp) and isinstance(value.op, S.Mult) and isinstance(
            value.left, S.List) and len(value.left.elts) == 1 and _is_none(
            value.left.elts[0]) and isinstance(value.right, S.Constant) and type(
            value.right.value) is int:
        n = value.right.value
    return (stmt.targets[0].id, n) if n is not None and 0 < n <= MAX_ITEMS else None


def _is_none(node):
    return isinstance(node, S.Constant) and node.value is None


def _blocks(fdef):
    """The statement lists of the function's own scope outside any try or with block (an
    exception there may leave the list half filled where code after it still runs)."""
    stack = [fdef]
    while stack:
        node = stack.pop()
        if isinstance(node, (S.Try, S.With, S.AsyncWith)) or type(node).__name__ == "TryStar":
            continue
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], S.stmt):
                yield stmts
                stack.extend(s for s in stmts if not isinstance(
                    s, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)))
        for case in getattr(node, "cases", ()):
            yield case.body
            stack.extend(case.body)


def _write(stmt, name, n):
    """The index (0..n-1) where `stmt` is `name[k] = value` with k a constant int in range."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], S.Subscript) and isinstance(stmt.targets[0].value, S.Name) and
            stmt.targets[0].value.id == name):
        return None
    from .object_lists import constant_index
    k = constant_index(stmt.targets[0].slice)
    return k % n if k is not None and -n <= k < n else None


def _filled(fdef, block, i):
    """(statements replaced, the statements in their place) for the list made at block[i]
    and filled by the statements right after it; None where it does not fit."""
    found = _placeholders(block[i])
    if found is None:
        return None
    name, n = found
    writes = []
    for stmt in block[i + 1:]:
        k = _write(stmt, name, n)
        if k is None:
            break
        writes.append((k, stmt))
    indices = [k for k, _ in writes]
    if not writes or len(set(indices)) != len(indices) or not _only_these(
            fdef, name, block[i], [s for _, s in writes]):
        return None
    if any(isinstance(m, S.Name) and m.id == name for _, s in writes for m in S.walk(s.value)):
        return None
    taken = {m.id for m in S.walk(fdef) if isinstance(m, S.Name)}
    reads = _reads(fdef, name, n)
    if reads is not None and set(reads) <= set(indices):   # read only by written items
        names = {k: _fresh(f"{name}_{k}", taken) for k in indices}
        for k, node in reads.items():
            for read in node:
                replace(fdef, read, S.place_unplaced(S.load(names[k]), read))
        return 1 + len(writes), [_bound(names[k], s) for k, s in writes]
    if indices == sorted(indices):   # the display, evaluated in the order written
        items = {k: s.value for k, s in writes}
        out = []
    else:
        names = {k: _fresh(f"{name}_{k}", taken) for k in indices}
        out = [_bound(names[k], s) for k, s in writes]
        items = {k: S.load(names[k]) for k in indices}
    display = S.List(elts=[items.get(k, S.const(None)) for k in range(n)], ctx=S.Load())
    last = writes[-1][1]
    made = S.Assign(targets=[S.clone(block[i].targets[0])], value=display, type_comment=None)
    return 1 + len(writes), out + [S.place_unplaced(made, last)]


def _fresh(base, taken):
    name = S.fresh_name(base, taken)
    taken.add(name)
    return name


def _bound(name, write):
    new = S.Assign(targets=[S.store(name)], value=write.value, type_comment=None)
    return S.place_unplaced(new, write)


def _only_these(fdef, name, made, writes):
    """Whether `made` is the one binding of `name`, the `writes` its only item writes, and
    no def or lambda reads it; no global or nonlocal declares it, no parameter is it."""
    ok = {id(made.targets[0])} | {id(w.targets[0]) for w in writes}
    a = fdef.args
    if name in {p.id for p in a.posonlyargs + a.args + a.kwonlyargs} | {
            p.id for p in (a.vararg, a.kwarg) if p is not None}:
        return False
    for node in S.walk(fdef):
        if isinstance(node, (S.Global, S.Nonlocal)) and name in node.names:
            return False
        if isinstance(node, S.Name) and node.id == name and not isinstance(
                node.ctx, S.Load) and id(node) not in ok:
            return False
        if isinstance(node, (S.Subscript, S.Attribute)) and not isinstance(
                node.ctx, S.Load) and id(node) not in ok and isinstance(
                node.value, S.Name) and node.value.id == name:
            return False
        if isinstance(node, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)) and \
                node is not fdef and any(isinstance(m, S.Name) and m.id == name
                                         for m in S.walk(node)):
            return False
    return True


def _reads(fdef, name, n):
    """{index: [the subscripts reading it]} where every read of `name` is `name[k]` with k a
    constant int in range; None otherwise."""
    from .object_lists import constant_index
    parents = {}
    for node in S.walk(fdef):
        for child in S.iter_child_nodes(node):
            parents[id(child)] = node
    out = {}
    for node in S.walk(fdef):
        if isinstance(node, S.Name) and node.id == name and isinstance(node.ctx, S.Load):
            up = parents.get(id(node))
            if isinstance(up, S.Subscript) and up.value is node and isinstance(
                    up.ctx, S.Store) and isinstance(parents.get(id(up)), S.Assign):
                continue   # a write (_only_these: one of the fill's)
            if not (isinstance(up, S.Subscript) and up.value is node and isinstance(
                    up.ctx, S.Load)):
                return None
            k = constant_index(up.slice)
            if k is None or not -n <= k < n:
                return None
            out.setdefault(k % n, []).append(up)
    return out

