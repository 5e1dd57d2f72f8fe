"""The shape of lowered code that alias_flow reads: where a statement sits and whether nested
functions are only called where they are defined (stage 3, lower: called by alias_flow.py and
aliasing.py). Takes lowered core statements; gives back plain facts: a statement's block,
the way to it from the function's body, the blocks around it (`places`, `path_to`,
`blocks_around`, `local_functions_only_called`, `bound_just_before`), the order of a copy,
its source's rebinding and the writes (`rebound_first`, `written_only_before`), whether two
statements sit in the two arms of one `if` (`apart`), the
argument a call gives each parameter (`bound_arguments`), whether a name surely holds
no list (`never_a_list`), whether a binding makes a new array (`binds_new_array`),
whether a statement follows a write in its block (`later_in_block`), and, for a writing
helper's call, what may share its copy (`helpers_result`) and whether an item write stores
that copy back (`written_back`); whether a name surely holds an index array, which takes
a copy (`fancy_index`; an array of numbers, which an item write copies into:
alias_tuples.numeric_array); what a call statement reads besides its library callee
(`without_plain_callee`).
"""
import numpy

from . import analyze
from . import syntax as S
from .core import Kind


def places(body):
    """{id(statement): (id of the statement list holding it directly, its index there)}."""
    out = {}

    def walk(block):
        for k, u in enumerate(block):
            out[id(u)] = (id(block), k)
            for field in ("body", "orelse"):
                inner = getattr(u, field, None)
                if isinstance(inner, list) and not isinstance(u, S.FunctionDef):
                    walk(inner)
    walk(body)
    return out


def path_to(body, stmt):
    """[(block, index)] from the function's body inwards: the statement lists holding
    `stmt` (directly or nested) and where in each the way to it goes; None if not there."""
    for i, t in enumerate(body):
        if t is stmt:
            return [(body, i)]
        for field in ("body", "orelse"):
            inner = getattr(t, field, None)
            if isinstance(inner, list) and not isinstance(t, S.FunctionDef):
                found = path_to(inner, stmt)
                if found is not None:
                    return [(body, i)] + found
    return None


def blocks_around(body, stmt):
    """The statement lists holding `stmt` (directly or nested), from the body of the
    innermost loop around it (or the function's body) inwards."""
    def path(block, owner):
        for t in block:
            if t is stmt:
                return [(block, owner)]
            for field in ("body", "orelse"):
                inner = getattr(t, field, None)
                if isinstance(inner, list) and not isinstance(t, S.FunctionDef):
                    found = path(inner, t)
                    if found is not None:
                        return [(block, owner)] + found
        return None
    out = []
    for block, owner in path(body, None) or []:
        if isinstance(owner, (S.For, S.While)):
            out = []
        out.append(block)
    return out


def is_local(stmt):
    return stmt.sd.user_call is not None and stmt.sd.user_call.form == "local"


def local_functions_only_called(stmts):
    """Whether every nested def and lambda is only called where it is defined (the lowering
    passes its free variables to each such call, so what it reads is seen there): one used
    as a value (passed on, stored, returned) may run anywhere, and this analysis gives up,
    unless it is closed (`_closed`: it reads no name the body reads or binds, so wherever
    it runs it sees only its arguments, as any unknown callee does)."""
    defined, closed = set(), set()
    outer = {n.id for t in stmts if not isinstance(t, S.FunctionDef) and not (
        isinstance(t, S.Assign) and isinstance(t.value, S.Lambda)) for n in S.walk(
        t.test if isinstance(t, (S.If, S.While)) else S.Tuple(elts=[t.target, t.iter],
        ctx=S.Load()) if isinstance(t, S.For) else t) if isinstance(n, S.Name)}
    for t in stmts:
        if isinstance(t, S.ClassDef):
            return False
        if isinstance(t, S.FunctionDef):
            defined.add(t.name)
            closed |= {t.name} if _closed(t, outer) else set()
        elif isinstance(t, S.Assign) and isinstance(t.value, S.Lambda) and \
                isinstance(t.targets[0], S.Name):
            defined.add(t.targets[0].id)
            closed |= {t.targets[0].id} if _closed(t.value, outer) else set()
    for t in stmts:
        if isinstance(t, S.FunctionDef) or (isinstance(t, S.Assign) and
                                            isinstance(t.value, S.Lambda)):
            continue
        own = [t.test] if isinstance(t, (S.If, S.While)) else [t.iter] \
            if isinstance(t, S.For) else [t]   # (a block's statements are checked apart)
        if any(isinstance(n, (S.Lambda, S.FunctionDef)) for o in own for n in S.walk(o)):
            return False
        if (defined - closed) & set(analyze.operands(t)):
            return False
    return True


def _closed(fn, outer):
    """Whether the nested def or lambda `fn` reads no name of `outer` (every name the body's
    own statements read or bind) but its own parameters and locals, and holds nothing made
    when it was defined (no decorator; defaults, if any, constants): a value holding no
    array of the body's."""
    args = fn.args
    if getattr(fn, "decorator_list", None) or not all(
            isinstance(d, S.Constant) for d in args.defaults + [
                k for k in args.kw_defaults if k is not None]):
        return False
    own = {n.id for n in S.walk(fn) if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
    own |= {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    own |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    return not any(isinstance(n, S.Name) and n.id in outer and n.id not in own
                   for n in S.walk(fn))


def inplace(stmt):
    return stmt.sd.inplace is not None


def rebound_first(copy_stmt, src, body, stmts):
    """True when `src` gets a new value after the copy and before every write into it: the
    copy then shares the old array, which is never written. The copy and the rebinding are
    statements of one block: the function's body, or a loop's body, where the write of the
    next iteration must follow a rebinding at the top of the body (new = u.copy(); new[i] =
    ...; u = new)."""
    found = block_of(copy_stmt, body, None)
    if found is None:
        return False
    block, loop = found
    order = {id(t): i for i, t in enumerate(stmts)}
    ic = order[id(copy_stmt)]
    rebinds = [order[id(t)] for t in block
               if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
               and t.targets[0].id == src and not inplace(t)]
    writes = [order[id(w)] for w in stmts
              if (w.sd.kind == Kind.SETITEM and w.targets[0].value.id == src)
              or (inplace(w) and w.targets[0].id == src)]
    if loop is None:
        later = [ia for ia in rebinds if ia > ic]
        return bool(later) and all(iw < ic or iw > min(later) for iw in writes)
    inside = {order[id(t)] for t in analyze.flatten(loop.body)}
    for iw in writes:
        if iw < order[id(loop)]:
            continue  # before the loop: the copy does not exist yet
        if iw not in inside:
            return False  # after the loop: keep it simple
        if not any((ic < ia < iw) if iw > ic else (ia < iw) for ia in rebinds):
            return False
    return True


def written_only_before(share, writes, stmts):
    """True when every write comes before the statement that shares the array (`v[0] = ...`
    then `return s, v`) and no loop runs the write again after it: the other name only
    ever sees the array as written."""
    order = {id(t): i for i, t in enumerate(stmts)}
    if any(order[id(w)] > order[id(share)] for w in writes):
        return False
    for loop in stmts:
        if isinstance(loop, (S.For, S.While)):
            inner = {id(t) for t in analyze.flatten(loop.body)}
            if id(share) in inner and any(id(w) in inner for w in writes):
                return False
    return True


def apart(a, b, body):
    """Whether the statements `a` and `b` sit in the two arms of one `if` (its body and its
    orelse) that no loop runs again: a run that runs one never runs the other (a name `a`
    binds never holds what it held when `b` runs)."""
    pa, pb = path_to(body, a), path_to(body, b)
    if not pa or not pb:
        return False
    k = 0
    while k < min(len(pa), len(pb)) and pa[k][0] is pb[k][0] and pa[k][1] == pb[k][1]:
        k += 1
    if k == 0 or k == min(len(pa), len(pb)) or pa[k][0] is pb[k][0]:
        return False   # (one block: one after the other; or one inside the other)
    owner = pa[k - 1][0][pa[k - 1][1]]
    return isinstance(owner, S.If) and {id(pa[k][0]), id(pb[k][0])} == {
        id(owner.body), id(owner.orelse)} and not any(
        isinstance(blk[i], (S.For, S.While)) for blk, i in pa[:k])


def block_of(stmt, block, loop):
    """(the statement list holding `stmt` directly, the innermost loop around it) or None.
    A branch of an `if` counts (what rebound_first looks for there runs whenever `stmt`
    does: the same branch); a loop's `else` does not."""
    if any(t is stmt for t in block):
        return block, loop
    for t in block:
        inner = [(t.body, t)] if isinstance(t, (S.For, S.While)) else \
            [(t.body, loop), (t.orelse, loop)] if isinstance(t, S.If) else []
        for b, lp in inner:
            found = block_of(stmt, b, lp)
            if found is not None:
                return found
    return None


def bound_just_before(body, place, t, defs, order, after):
    """Whether one of `defs` (bindings of a name t reads) is a statement of t's own
    block before t, and after the statement at `after` (None: anywhere): each time t
    runs, that binding ran just before it in the same pass through the block. (The
    binding's own reads are checked as reads of their own.)"""
    block, k = place(t)
    for d in defs:
        b, j = place(d)
        if b == block and block is not None and j < k and d.sd.kind != Kind.SETITEM \
                and not inplace(d) and (after is None or order[id(d)] > after):
            return True
    if after is None:
        return False
    # or of a block around t's (t in a loop or branch after it: `h = x` then `for w in
    # ...: h = np.tanh(w * h)`), bound after the write: each time t runs, that binding
    # ran before it in the same pass, after the write (what binds n between reads
    # values of its own, checked as reads of their own)
    path = path_to(body, t) or []
    around = {id(blk): i for blk, i in path[:-1]}
    for d in defs:
        b, j = place(d)
        if b in around and j < around[b] and d.sd.kind != Kind.SETITEM and \
                not inplace(d) and order[id(d)] > after:
            return True
    return False


def bound_arguments(func, call):
    """{parameter: the argument node the lowered `call` gives it} (a default: absent), or
    None where a starred argument or a mismatch leaves it unknown."""
    import inspect
    spelled = getattr(call, S.VARIADIC, None)
    if spelled is not None:   # (variadic.bind_call: one argument per parameter, in order,
        try:                  # the tuple made for *args, the dict for **kwargs)
            params = list(inspect.signature(func, follow_wrapped=False).parameters.values())
        except (TypeError, ValueError):
            return None
        if call.keywords or not len(spelled) == len(call.args) == len(params) or any(
                kind in ("*", "**") and name != p.name or
                (kind == "*") != (p.kind == p.VAR_POSITIONAL)
                for (kind, name), p in zip(spelled, params)):
            return None
        return {p.name: a for p, a in zip(params, call.args)}
    if any(isinstance(a, S.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords):
        return None
    try:
        bound = inspect.signature(func).bind(*range(len(call.args)),
                                             **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    out = {}
    for p, v in bound.arguments.items():
        if isinstance(v, int):
            out[p] = call.args[v]
        elif not isinstance(v, (tuple, dict)):   # (not *args, **kwargs: absent)
            out[p] = v
    return out


def never_a_list(name, defs, depth=0):
    """Whether `name` (bound by `defs`: name -> its bindings) surely holds no list or tuple,
    whose items may repeat one array, where a loop takes its rows: a NumPy function's new
    array, arithmetic on one, or arithmetic no list has (`-`, `/`, `m * m`, `m * 0.9`)."""
    ds = defs.get(name, [])
    return bool(ds) and depth < 4 and all(no_list_value(t, defs, depth) for t in ds)


def _surely_an_array(name, defs, depth):
    from .alias_flow_fresh import numpy_array_call
    ds = defs.get(name, [])
    return bool(ds) and depth < 4 and all(
        (t.sd.kind == Kind.CALL and numpy_array_call(t.sd.func)) or (
            t.sd.kind == Kind.BINOP and isinstance(t.value, S.BinOp) and any(
                isinstance(o, S.Name) and _surely_an_array(o.id, defs, depth + 1)
                for o in (t.value.left, t.value.right))) for t in ds)


def fancy_index(name, defs):
    """Whether `name` surely holds an integer or boolean index array of one or more
    dimensions (`numpy.array([1, 1, 0])`, `numpy.arange(n)`): `x[name]` is then a copy of
    x's items (advanced indexing), or raises for a list or tuple, never x's own memory."""
    def listed(a):
        return isinstance(a, S.Name) and all(
            d.sd.kind == Kind.DISPLAY and isinstance(d.value, S.List) for d in defs.get(a.id, [None])
            if d is not None) and bool(defs.get(a.id))
    ds = defs.get(name, [])
    return bool(ds) and all(
        t.sd.kind == Kind.CALL and isinstance(t.value, S.Call) and not t.value.keywords and (
            t.sd.func is numpy.arange or t.sd.func is numpy.array and len(t.value.args) == 1 and
            listed(t.value.args[0])) for t in ds)


def no_list_value(t, defs, depth=0):
    """never_a_list for the value one binding `t` makes."""
    from .alias_flow_fresh import numpy_array_call
    v = t.value
    if t.sd.kind == Kind.CALL:
        return numpy_array_call(t.sd.func)
    if t.sd.kind == Kind.UNARY:
        return True
    if t.sd.kind != Kind.BINOP or not isinstance(v, S.BinOp):
        return False
    if not isinstance(v.op, (S.Add, S.Mult)):
        return True   # (no list or tuple has -, /, **, @, ...)
    sides = (v.left, v.right)
    if any(isinstance(o, S.Name) and _surely_an_array(o.id, defs, depth + 1) for o in sides):
        return True   # (an array times a list is an array)
    if isinstance(v.op, S.Mult) and isinstance(v.left, S.Name) and \
            isinstance(v.right, S.Name) and v.left.id == v.right.id:
        return True   # (a list times a list is an error)
    numbers = [o.value for o in sides if isinstance(o, S.Constant) and
               type(o.value) in (int, float, complex)]
    return bool(numbers) and (isinstance(v.op, S.Add) or any(
        type(c) is not int for c in numbers))   # (not `rows * 2`: a list repeated)


def binds_new_array(t, defs, place):
    """Whether the binding `t` gives its name an array (or number) made anew each time it
    runs, sharing no memory: arithmetic or a copying NumPy function no list comes from
    (no_list_value), directly or through a name bound once, earlier in t's own block
    (`add_2 = mul_1 + 0.1; x = add_2`), or a writing helper's copy of what it wrote into
    (`out = held[1]`, held bound there by its variant's call: writing_helpers.py). `place`:
    alias_flow.Flow._place."""
    held = t.value.value if t.sd.kind == Kind.SUBSCRIPT and isinstance(
        t.value.value, S.Name) and isinstance(t.value.slice, S.Constant) and \
        t.value.slice.value != 0 else None
    if (t.sd.kind == Kind.COPY and isinstance(t.value, S.Name)) or held is not None:
        ds = defs.get(held.id if held is not None else t.value.id, [])
        if len(ds) != 1:
            return False
        (b, j), (c, k) = place(ds[0]), place(t)
        if b is None or b != c or j >= k:
            return False
        if held is not None:
            return ds[0].sd.kind == Kind.CALL and bool(getattr(ds[0].sd.func,
                                                               "_srcdiff_written", None))
        t = ds[0]
    return t.sd.kind in (Kind.BINOP, Kind.UNARY, Kind.CALL) and no_list_value(t, defs) or \
        _fresh_user_result(t)


def _fresh_user_result(t):
    """Whether `t` binds what a function (or method) of the user's returns, proven to be
    made in the call and to hold only values made there (alias_flow_fresh.fresh_items):
    `h = layer.apply(h)` with apply returning `numpy.tanh(t * self.w) + self.b`."""
    import types
    from .alias_flow_fresh import fresh_items
    from .callables import is_user_function
    func, call = t.sd.func, t.sd.user_call
    return t.sd.kind == Kind.CALL and isinstance(func, types.FunctionType) and \
        is_user_function(func) and (call is None or call.form == "method") and \
        not getattr(func, "_srcdiff_written", None) and fresh_items(func)


def helpers_result(t, defs):
    """For `y = held[k]` (k >= 1), held bound once by a writing helper's variant's call
    (writing_helpers.py): y is the helper's copy of what it wrote into, new, which nothing
    but the helper's result (held[0]) may share: the name bound to that result, or () where
    none is; None for any other binding."""
    v = t.value if isinstance(t, S.Assign) else None
    if not (isinstance(v, S.Subscript) and isinstance(v.value, S.Name) and isinstance(
            v.slice, S.Constant) and isinstance(v.slice.value, int) and v.slice.value > 0):
        return None
    ds = defs.get(v.value.id, [])
    if len(ds) != 1 or ds[0].sd.kind != Kind.CALL or \
            not getattr(ds[0].sd.func, "_srcdiff_written", None):
        return None
    results = [n for n, bound in defs.items() for d in bound
               if isinstance(getattr(d, "value", None), S.Subscript) and
               isinstance(d.value.value, S.Name) and d.value.value.id == v.value.id and
               isinstance(d.value.slice, S.Constant) and d.value.slice.value == 0]
    return results[0] if results else ()


def later_in_block(place, write, t, body=None, binds=()):
    """Whether `t` comes after `write` in the write's own statement list (`place`:
    alias_flow.Flow._place); with `body`, also inside a statement of that list after the
    write (a branch, a loop) that runs none of `binds` (so a loop there cannot bind anew
    before its next read)."""
    (b, j), (c, k) = place(write), place(t)
    if b is not None and b == c and k > j:
        return True
    for blk, i in (path_to(body, t) or [])[:-1] if body is not None and b is not None else ():
        if id(blk) == b and i > j:
            inner = {id(u) for u in analyze.flatten([blk[i]])}
            return not any(id(d) in inner for d in binds)
    return False


def stable_lists(stmts, binds, place, keeps_nothing):
    """{id(display): (the list's name, its appends in order)} for each list `L = [...]` built
    here whose items keep their positions: L is bound there only, and every other statement
    reading L appends to it in the display's own statement list, after it (straight-line:
    no loop or branch of its own), reads an item `v = L[k]`, loops over it, or hands it to a
    call that keeps nothing (len, numpy.stack). Anything else (a pop, an item write, another
    name for L, a call that may change it, returning it) leaves its positions unknown."""
    out = {}
    for d in stmts:
        if not (d.sd.kind == Kind.DISPLAY and isinstance(d, S.Assign) and
                isinstance(d.value, S.List) and isinstance(d.targets[0], S.Name)):
            continue
        name = d.targets[0].id
        if binds.get(name) != [d]:
            continue
        (block, at), appends = place(d), []
        for t in stmts:
            if t is d or name not in analyze.operands(t):
                continue
            call = getattr(t, "value", None)
            if t.sd.kind == Kind.APPEND and isinstance(call.func.value, S.Name) and \
                    call.func.value.id == name and name not in analyze.operands(
                        S.Expr(value=S.Tuple(elts=call.args, ctx=S.Load()))):
                b, i = place(t)
                if b != block or i <= at:
                    break
                appends.append(t)
            elif isinstance(t, S.Assign) and t.sd.kind == Kind.SUBSCRIPT and \
                    isinstance(call.value, S.Name) and call.value.id == name and \
                    name not in analyze.operands(S.Expr(value=call.slice)):
                continue
            elif isinstance(t, S.For) and isinstance(t.iter, S.Name):
                continue
            elif t.sd.kind in (Kind.CALL, Kind.EFFECT_VALUE) and isinstance(t, S.Assign) and \
                    t.sd.user_call is None and keeps_nothing(t.sd.func) and \
                    isinstance(call, S.Call) and all(isinstance(a, S.Name) for a in call.args) \
                    and not any(isinstance(n, S.Name) and n.id == name for n in S.walk(call.func)):
                continue
            else:
                break
        else:
            out[id(d)] = (name, appends)
    return out



def written_back(write, call, defs):
    """Whether the item write `write` stores an item of what the call `call` (a writing
    helper's variant) returned: the helper's copy written back into the caller's array, by
    value (writing_helpers.write_back; the run checks it is an array of numbers):
    aliasing.check_writes reads it as no write into what the helper stored into its copy."""
    held = analyze.assigned(call)
    value = write.value if write.sd.kind == Kind.SETITEM else None
    return held is not None and isinstance(value, S.Name) and any(
        d.sd.kind == Kind.SUBSCRIPT and isinstance(d.value, S.Subscript) and
        isinstance(d.value.value, S.Name) and d.value.value.id == held
        for d in defs.get(value.id, ()))


def without_plain_callee(stmt):
    """What a call statement's value reads, less the name of the function it calls where
    that is a library function holding nothing of the user's (`sum(L)`: the builtin `sum`
    is no array the result could be): the call itself with its arguments only, else the
    whole value (for alias_flow)."""
    from . import alias_flow_fresh
    value, func = stmt.value, stmt.sd.func
    if stmt.sd.kind != Kind.CALL or not isinstance(value, S.Call) or \
            not alias_flow_fresh.plain_library_function(func):
        return value
    node = value.func
    while isinstance(node, S.Attribute):
        node = node.value
    if not isinstance(node, S.Name):
        return value
    return S.Tuple(elts=list(value.args) + [k.value for k in value.keywords], ctx=S.Load())
