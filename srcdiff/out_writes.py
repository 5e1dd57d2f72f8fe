"""NumPy calls that write into an array they are handed, lowered as the item write they
are (stage 3, lower: called by lower_calls.py). Takes a library call (or a `.fill()` /
`.sort()` method call) and the Lowerer; gives back core statements ending in `a[...] = v`,
or None where the call writes into nothing.

A NumPy call given `out=a` (a ufunc's outputs also by position: `numpy.add(x, y, a)`)
computes its value and stores it into a, whose old items are gone, and returns a. So for a
local array a (a parameter or a name the function binds), `r = numpy.f(..., out=a)` is
lowered as

    f_result = numpy.f(...)            (the call without out=: its rule, as usual)
    a[...] = f_result                  (an item write: aliasing.py checks who else sees a,
    r = a                               checks.py that a holds floats where v has a derivative)

and the same for an array method given out= (`x.sum(axis=0, out=a)`). `a.fill(v)` is
`a[...] = v`, `a.sort(axis, kind)` is `a[...] = numpy.sort(a, axis, kind)` (after a check
that a is an array), `numpy.copyto(a, v)` is `a[...] = v` (`numpy.copyto(a[1:3], v)`, a view by slices
alone, `a[1:3] = v`) and `numpy.copyto(a, v, where=m)` is `a[...] = numpy.where(m, v, a)`. A list the function builds (list_reorder):
`xs.reverse()` is `xs = [xs[i] for i in range(len(xs) - 1, -1, -1)]` and `xs.sort(key=f,
reverse=r)` is `xs = sorted(xs, key=f, reverse=r)` (the order carries no derivative, the
items keep theirs), each marked as xs's in-place update, so that a write another name holding
the list would see is refused (aliasing.py); a list argument's sort or reverse is refused.

Refused, located, as before: out= an array the function does not own (a module-level
value, an attribute, an item), out= given with where= (the items where= leaves out keep
their old values: write `a[...] = numpy.where(m, f(...), a)`), a tuple of outputs, and
copyto's casting= other than its default. Calls in srcdiff's own emitted code never use
out=.
"""
import builtins

from . import syntax as S
from .core import Kind


def prepare(lw, node, obj, args, keywords):
    """The call of the library function `obj` (lowered `args`, `keywords`): (the local array
    out= names, args and keywords without it), or None where out= is not given; SciPy's
    overwrite_*= and an out= this module does not lower are refused (lower_copies.py)."""
    ufunc = type(obj).__name__ == "ufunc" and type(obj).__module__ == "numpy"
    nin = getattr(obj, "nin", None) if ufunc else None
    written = split_out(lw, node, obj, args, keywords, nin if isinstance(nin, int) else None)
    lw._refuse_out_argument(node, obj, out_taken=written is not None)
    return written


def split_out(lw, node, obj, args, keywords, ufunc_inputs=None):
    """For a library call given out= a local array: (that array's Name, the arguments
    without it, the keywords without it); None where no out= is given (or out=None).
    `ufunc_inputs`: a ufunc's number of inputs (outputs by position follow them)."""
    given = None
    kept = []
    for k in keywords:
        if k.arg == "out" and not (isinstance(k.value, S.Constant) and k.value.value is None):
            given = k.value
        else:
            kept.append(k)
    if ufunc_inputs is not None and len(args) > ufunc_inputs:
        if given is not None or len(args) > ufunc_inputs + 1:
            raise _refusal(lw, node, "is given more than one output array")
        given, args = args[ufunc_inputs], args[:ufunc_inputs]
    if given is None:
        return None
    name = _spelled_out(node, ufunc_inputs)
    if any(k.arg == "where" for k in kept):
        raise lw.error(node, f"{S.spell(node.func)} is given out= with where=: the items "
                       "where= leaves out keep the old values of the out= array",
                       hint="write o[...] = numpy.where(m, f(...), o) instead")
    if not (isinstance(given, S.Name) and given.id in lw.locals):
        raise _refusal(lw, node, f"is given out={name}, an array this function does not own "
                       "(a module-level value, an attribute, an item or a tuple of arrays)")
    return given, args, kept


def finish(lw, node, value, obj, target, out, discard):
    """`target[...] = value` (value: the call without out=), then the call's result, the
    array target itself (a statement binding `_`, as lower_calls' _result gives)."""
    result = lw.temp(out, value, Kind.CALL, f"{target.id}_update", func=obj)
    out.append(lw.setitem(S.load(target.id), S.const(Ellipsis), result, node))
    if discard:
        return None
    return lw.info(S.Assign(targets=[S.store("_")], value=S.load(target.id),
                            type_comment=None), Kind.COPY)


def writes_in_place(lw, call):
    """Whether the user's statement `call` calls numpy.copyto, numpy.fill_diagonal or
    numpy.put_along_axis (or put, putmask, place: flat_writes)."""
    import numpy
    from .core import GENERATED_PREFIX
    if lw.src.filename.startswith(GENERATED_PREFIX):
        return False
    func = call.func
    if isinstance(func, S.Attribute) and lw._global_path(func) is None:
        return False   # a method of a local value
    obj = lw._callee_object(func)
    if obj in (numpy.copyto, numpy.fill_diagonal, numpy.put_along_axis):
        return True
    from . import flat_writes   # put, putmask, place
    return flat_writes.applies(lw, obj)


def lower_statement(lw, node, out):
    """The statement `numpy.copyto(...)`, `numpy.fill_diagonal(...)` or
    `numpy.put_along_axis(...)` (writes_in_place):
    its core statements."""
    import numpy
    from . import flat_writes
    if flat_writes.applies(lw, lw._callee_object(node.func)):   # put, putmask, place
        return flat_writes.lower_statement(lw, node, out)
    dst_view = None   # numpy.copyto(y[1:3], v): the write `y[1:3] = v` (a view of y)
    if lw._callee_object(node.func) is numpy.copyto and node.args and \
            _sliced_local(lw, node.args[0]):
        dst_view = node.args[0]
        index = lw.index(dst_view.slice, out)
    args = [S.load(dst_view.value.id) if dst_view is not None and i == 0 else lw.expr(a, out)
            for i, a in enumerate(node.args)]
    keywords = [S.keyword(arg=k.arg, value=lw.expr(k.value, out)) for k in node.keywords]
    if dst_view is not None:
        return copyto(lw, node, args, keywords, out, index)
    if lw._callee_object(node.func) is numpy.fill_diagonal:
        return fill_diagonal(lw, node, args, keywords, out)
    if lw._callee_object(node.func) is numpy.put_along_axis:
        return put_along_axis(lw, node, args, keywords, out)
    return copyto(lw, node, args, keywords, out)


def _sliced_local(lw, node):
    """Whether the user's `node` is a local array's part taken by slices alone (`y[1:3]`,
    `A[:, ::2]`, `A[..., 1:]`): a view of it, which numpy.copyto writes through."""
    if not (isinstance(node, S.Subscript) and isinstance(node.value, S.Name) and
            node.value.id in lw.locals):
        return False
    parts = node.slice.elts if isinstance(node.slice, S.Tuple) else [node.slice]
    return bool(parts) and all(isinstance(p, S.Slice) or isinstance(p, S.Constant) and
                               p.value is Ellipsis for p in parts)


def put_along_axis(lw, node, args, keywords, out):
    """numpy.put_along_axis(arr, indices, values, axis) into a local array arr: NumPy's own
    meaning, `arr[along_axis_index(arr, indices, axis)] = values` (the index tuple
    numpy.take_along_axis reads; values broadcast against indices as an item write's do).
    axis=None (arr's flat items) is refused, with numpy.put as what to write instead."""
    given = dict(zip(["arr", "indices", "values", "axis"], args))
    for k in keywords:
        if k.arg not in ("arr", "indices", "values", "axis") or k.arg in given:
            raise lw.error(node, f"numpy.put_along_axis is given {k.arg}= in a way srcdiff "
                           "does not read", hint="write numpy.put_along_axis(arr, indices, "
                           "values, axis=k)")
        given[k.arg] = k.value
    arr, axis = given.get("arr"), given.get("axis")
    if set(given) != {"arr", "indices", "values", "axis"} or \
            isinstance(axis, S.Constant) and axis.value is None:
        raise lw.error(node, "numpy.put_along_axis is called without an axis (axis=None "
                       "writes arr's flat items)", hint="give the axis, or write "
                       "numpy.put(arr, indices, values) for flat positions")
    if not (isinstance(arr, S.Name) and arr.id in lw.locals):
        raise lw.error(node, "numpy.put_along_axis writes into an array this function does "
                       "not own (a module-level value, an attribute, an item)",
                       hint="copy it into a local array first")
    from . import runtime_inplace
    ref = lw._runtime_helper("along_axis_index", runtime_inplace)
    index = lw.temp(out, S.Call(func=ref, args=[S.load(arr.id), given["indices"], axis],
                                keywords=[]), Kind.CALL, "along_axis",
                    func=runtime_inplace.along_axis_index)
    out.append(lw.setitem(S.load(arr.id), index, given["values"], node))
    return out


def fill_diagonal(lw, node, args, keywords, out):
    """numpy.fill_diagonal(a, val) into a local array a: the items a[i, i, ...] for i below
    the shortest side (wrap=True, which goes on below a tall matrix's square, is refused).
    A number val is `a[diagonal_index(a)] = val`; any other is `numpy.put(a,
    diagonal_positions(a), val)` (flat_writes.put): NumPy repeats or cuts val's flat items
    along the diagonal, as put does."""
    given = dict(zip(["a", "val", "wrap"], args))
    for k in keywords:
        given[k.arg] = k.value
    wrap = given.get("wrap")
    a = given.get("a")
    if wrap is not None and not (isinstance(wrap, S.Constant) and wrap.value is False) or \
            set(given) - {"a", "val", "wrap"} or "val" not in given:
        raise lw.error(node, "numpy.fill_diagonal is given arguments srcdiff does not "
                       "follow (wrap=True)", hint="write a[numpy.diag_indices(n)] = val")
    if not (isinstance(a, S.Name) and a.id in lw.locals):
        raise lw.error(node, "numpy.fill_diagonal writes into an array this function does "
                       "not own (a module-level value, an attribute, an item)",
                       hint="copy it into a local array first")
    from . import runtime_inplace
    val = given["val"]
    if not (isinstance(val, S.Constant) and isinstance(val.value, (int, float))):
        ref = lw._runtime_helper("diagonal_positions", runtime_inplace)
        positions = lw.temp(out, S.Call(func=ref, args=[S.load(a.id)], keywords=[]), Kind.CALL,
                            "diagonal", func=runtime_inplace.diagonal_positions)
        from . import flat_writes
        return flat_writes.put(lw, node, a, positions, val, out)
    ref = lw._runtime_helper("diagonal_index", runtime_inplace)
    index = lw.temp(out, S.Call(func=ref, args=[S.load(a.id)], keywords=[]), Kind.CALL,
                    "diagonal", func=runtime_inplace.diagonal_index)
    out.append(lw.setitem(S.load(a.id), index, val, node))
    return out


def copyto(lw, node, args, keywords, out, index=None):
    """`numpy.copyto(dst, src[, casting='same_kind'][, where=m])` into a local array dst;
    `index`: the lowered slices of dst's view written (`numpy.copyto(dst[1:3], src)`: dst
    the local array itself here), else None (all of dst)."""
    names = ["dst", "src", "casting", "where"]
    given = dict(zip(names, args))
    for k in keywords:
        if k.arg not in names or k.arg in given:
            raise lw.error(node, f"numpy.copyto is given {k.arg}= in a way srcdiff does not "
                           "read", hint="write numpy.copyto(dst, src, where=mask)")
        given[k.arg] = k.value
    casting = given.get("casting")
    if casting is not None and not (isinstance(casting, S.Constant) and
                                    casting.value == "same_kind"):
        raise lw.error(node, "numpy.copyto is given a casting= srcdiff does not follow",
                       hint="leave casting= out")
    dst, src = given.get("dst"), given.get("src")
    if not (isinstance(dst, S.Name) and dst.id in lw.locals) or src is None:
        raise lw.error(node, "numpy.copyto writes into an array this function does not own "
                       "(a module-level value, an attribute, an item)",
                       hint="copy into a local array, or assign: dst = numpy.where(m, src, dst)")
    value = src
    part = S.const(Ellipsis) if index is None else index
    if given.get("where") is not None:
        import numpy
        old = S.load(dst.id) if index is None else lw.temp(out, S.Subscript(
            value=S.load(dst.id), slice=S.clone(index), ctx=S.Load()), Kind.SUBSCRIPT,
            f"{dst.id}_part")
        ref = lw.bind("numpy.where", numpy.where)
        value = lw.temp(out, S.Call(func=ref, args=[given["where"], src, old],
                                    keywords=[]), Kind.CALL, f"{dst.id}_update",
                        func=numpy.where)
    out.append(lw.setitem(S.load(dst.id), part, value, node))
    return out


def method(lw, node, base, name, out, discard):
    """`base.name(...)` where name is a method changing its object (callables'
    MUTATING_METHODS): `a.fill(v)` and `a.sort(axis, kind)` on a local name a are lowered
    into `out` (the statement returned gives the result, None, to `_`; None where it is
    dropped); any other is refused, located. `a.put`, `a.partition`, `a.resize`:
    flat_writes.method."""
    if name in ("put", "partition", "resize") and isinstance(base, S.Name) and \
            base.id in lw.locals:
        from . import flat_writes
        return flat_writes.method(lw, node, base, name, out, discard)
    if _list_reordered(lw, node, base, name):
        return list_reorder(lw, node, base, name, out, discard)
    if not _lowered_method(lw, node, base, name):
        hint = "build a new value instead (for lists, only append is supported)" \
            if not name.startswith("__") else "write the operator itself (y[i] = v, " \
            "y += v), which srcdiff follows"
        if name in ("sort", "partition"):
            hint = (f"build a new value instead: y = numpy.{name}(y, ...), which "
                    "srcdiff differentiates")
        if name == "sort" and isinstance(base, S.Name) and base.id in lw.user_names:
            hint = (f"build a new list instead: {base.id} = sorted({base.id}, ...), which "
                    "srcdiff differentiates")
        raise lw.error(node, f".{name}() changes its object in place, which srcdiff "
                       "does not support", hint=hint)
    _guard_array(lw, node, base, name, out)
    args = [lw.expr(a, out) for a in node.args]
    if name == "fill":
        value = args[0]
    else:
        import numpy
        keywords = [S.keyword(arg=k.arg, value=lw.expr(k.value, out)) for k in node.keywords]
        ref = lw.bind("numpy.sort", numpy.sort)
        value = lw.temp(out, S.Call(func=ref, args=[S.load(base.id)] + args,
                                    keywords=keywords), Kind.CALL, f"{base.id}_sorted",
                        func=numpy.sort)
    out.append(lw.setitem(S.load(base.id), S.const(Ellipsis), value, node))
    return None if discard else lw.info(S.Assign(targets=[S.store("_")], value=S.const(None),
                                                 type_comment=None), Kind.COPY)


def _list_reordered(lw, node, base, name):
    """Whether `base.name(...)` is `xs.reverse()` or `xs.sort([key=f][, reverse=r])` on a
    list the function builds (every binding of xs a list display or comprehension)."""
    if name not in ("reverse", "sort") or not isinstance(base, S.Name) or \
            base.id not in lw.locals or node.args:
        return False
    if name == "reverse" and node.keywords:
        return False
    if any(k.arg not in ("key", "reverse") for k in node.keywords):
        return False
    if name == "reverse" and not all(b not in lw.locals and lw.resolver.lookup(b, None) is
                                     getattr(builtins, b) for b in ("len", "range")):
        return False   # (the user's own len or range)
    from . import sequences
    return base.id in sequences.list_names(lw.fdef.body)


def list_reorder(lw, node, base, name, out, discard):
    """`xs.reverse()` as `xs = xs[::-1]`, `xs.sort(key=f, reverse=r)` as `xs = sorted(xs,
    key=f, reverse=r)` (value_builtins: the order carries no derivative, the items keep
    theirs): the rebinding is marked as xs's in-place update (`__iadd__`, like extend), so
    aliasing.py refuses it where another name holding the list is read after."""
    from . import value_builtins
    from .idioms import placed_at
    if name == "reverse":   # a new list (a slice xs[::-1] would be taken for a view)
        index = lw.namer.fresh("index")
        lw.locals.add(index)
        count = S.Call(func=S.load("len"), args=[S.load(base.id)], keywords=[])
        order = S.Call(func=S.load("range"), args=[
            S.BinOp(left=count, op=S.Sub(), right=S.const(1)), S.const(-1), S.const(-1)],
            keywords=[])
        comp = S.ListComp(elt=S.Subscript(value=S.load(base.id), slice=S.load(index),
                                          ctx=S.Load()),
                          generators=[S.comprehension(target=S.store(index), iter=order,
                                                      ifs=[], is_async=0)])
        value = lw.comprehension(placed_at(comp, node), out)
    else:
        call = placed_at(S.Call(func=S.load("sorted"), args=[S.load(base.id)],
                                keywords=node.keywords), node)
        stmt = value_builtins.desugar_call(lw, call, sorted, out, False)
        value = lw.temp(out, stmt.value, stmt.sd.kind, f"{base.id}_sorted")
    stmt = lw.assign(base.id, value, Kind.COPY)
    stmt.sd.inplace = "__iadd__"
    out.append(stmt)
    return None if discard else lw.info(S.Assign(targets=[S.store("_")], value=S.const(None),
                                                 type_comment=None), Kind.COPY)


def _lowered_method(lw, node, base, name):
    """Whether `base.name(...)` is a fill or sort this module lowers: on a local name (not
    a list display's), fill with one value, sort with axis and kind at most."""
    if name not in ("fill", "sort") or not isinstance(base, S.Name) or \
            base.id not in lw.locals or any(isinstance(a, S.Starred) for a in node.args):
        return False
    keys = {k.arg for k in node.keywords}
    if name == "fill" and (len(node.args) != 1 or keys):
        return False
    if name == "sort" and (len(node.args) + len(keys) > 2 or not keys <= {"axis", "kind"}):
        return False   # key=, reverse=: a list's sort
    from . import sequences
    return base.id not in sequences.list_names(lw.fdef.body)


def _guard_array(lw, node, base, name, out):
    """A check that `base` is an array where the run reaches `base.name(...)`."""
    from . import checks, runtime_checks
    error = lw.error(node, f"{base.id}.{name}() is lowered as a write into the array "
                     f"{base.id}, and {base.id} is not an array here",
                     hint=f"build a new value: {base.id} = sorted({base.id}) for a list"
                     if name == "sort" else f"write {base.id} = [v] * len({base.id})")
    lw.bindings["check_array"] = runtime_checks.check_array
    stmt = S.Expr(value=S.Call(func=S.load("check_array"), args=[
        S.load(base.id)] + checks.refusal_args(error), keywords=[]))
    out.append(lw.info(stmt, Kind.EFFECT, func=runtime_checks.check_array))


def _spelled_out(node, ufunc_inputs):
    for k in node.keywords:
        if k.arg == "out":
            return S.spell(k.value)
    if ufunc_inputs is not None and len(node.args) > ufunc_inputs:
        return S.spell(node.args[ufunc_inputs])
    return "out"


def _refusal(lw, node, why):
    name = S.spell(node.func)
    return lw.error(node, f"{name} {why}: srcdiff follows values, not writes into arrays a "
                    "call is handed", hint="assign the result instead: o = f(...) (or "
                    "o[...] = f(...) to fill a local array o)")
