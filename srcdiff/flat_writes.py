"""NumPy calls that write into an array by flat position, reorder it or resize it, lowered as
the item write or the new array they are (stage 3, lower: called by out_writes.py). Takes
the Lowerer and the user's statement `numpy.put(a, ind, v)` / `numpy.putmask(a, mask, v)` /
`numpy.place(a, mask, v)`, or a method call `a.put(ind, v)` / `a.partition(k)` /
`a.resize(n)`; gives back core statements (an item write `a[index] = values`, or `a =
resized(a, shape)`), or a located error.

put, putmask and place repeat their values by flat position, not by broadcasting
(putmask's item at flat position n takes v.flat[n % v.size]; put's and place's i-th
written item v.flat[i % v.size]), so `numpy.where(mask, v, a)` would be wrong for a v of
another shape than a's. They are lowered as

    index = flat_write_index(a, 'putmask', mask, v)   (the items written, each once: the
    take = flat_write_take(a, 'putmask', mask, v)      last write where put repeats one)
    a[index] = numpy.ravel(v)[take]

an item write (aliasing.py checks who else sees a, checks.py that a holds floats), whose
derivative is that of indexing. `a.partition(k, axis)` is `a[...] = numpy.partition(a, k,
axis)`, as out_writes lowers `a.sort()`, after a check that a is an array.

`a.resize(shape)` changes a's shape, so it cannot be an item write: it is `a =
resized_array(a, shape)` (runtime_inplace.zero_resized: a's items in flat order, cut or
followed by zeros), a new array bound to a. That is what NumPy does only where nothing else
refers to a (refcheck: NumPy raises otherwise) and a owns its data: so a must be a name the
function binds only to new arrays (NumPy's calls making one, `.copy()`, arithmetic), never a
parameter (the caller holds it), never bound to another name, put in a display or passed to
a call other than NumPy's (which could keep it); otherwise it is refused, located.
"""
from . import syntax as S
from .core import Kind

CALLS = ("put", "putmask", "place")


def applies(lw, obj):
    """Whether the library object `obj` is numpy.put, numpy.putmask or numpy.place."""
    import numpy
    return any(obj is getattr(numpy, name) for name in CALLS)


def lower_statement(lw, node, out):
    """The user's statement `numpy.put(a, ind, v[, mode])` (putmask, place): its core
    statements appended to `out`, which is given back."""
    import numpy
    obj = lw._callee_object(node.func)
    how = next(name for name in CALLS if obj is getattr(numpy, name))
    names = {"put": ["a", "ind", "v", "mode"], "putmask": ["a", "mask", "values"],
             "place": ["arr", "mask", "vals"]}[how]
    given = _bound(lw, node, f"numpy.{how}", names, out)
    a = given.get(names[0])
    return _write(lw, node, how, a, given.get(names[1]), given.get(names[2]),
                  given.get("mode"), out)


def method(lw, node, base, name, out, discard):
    """`a.put(ind, v[, mode])`, `a.partition(kth[, axis, kind])` or `a.resize(shape)` on a
    local name a: its core statements appended to `out`; gives back the statement binding
    the call's result, None, to `_` (None where it is dropped)."""
    if name == "put":
        given = _bound(lw, node, f"{base.id}.put", ["ind", "v", "mode"], out)
        _guard_array(lw, node, base, name, out)
        _write(lw, node, "put", base, given.get("ind"), given.get("v"), given.get("mode"),
               out)
    elif name == "partition":
        given = _bound(lw, node, f"{base.id}.partition", ["kth", "axis", "kind"], out)
        if "kth" not in given:
            raise lw.error(node, f"{base.id}.partition() is given no kth",
                           hint=f"write {base.id}.partition(k)")
        _guard_array(lw, node, base, name, out)
        import numpy
        ref = lw.bind("numpy.partition", numpy.partition)
        keywords = [S.keyword(arg=k, value=given[k]) for k in ("axis", "kind") if k in given]
        value = lw.temp(out, S.Call(func=ref, args=[S.load(base.id), given["kth"]],
                                    keywords=keywords), Kind.CALL,
                        f"{base.id}_partitioned", func=numpy.partition)
        out.append(lw.setitem(S.load(base.id), S.const(Ellipsis), value, node))
    else:
        _resize(lw, node, base, out)
    return None if discard else lw.info(S.Assign(targets=[S.store("_")], value=S.const(None),
                                                 type_comment=None), Kind.COPY)


def _bound(lw, node, spelled, names, out):
    """The call's lowered arguments by parameter name (positional ones first)."""
    if any(isinstance(a, S.Starred) for a in node.args) or \
            any(k.arg is None for k in node.keywords) or len(node.args) > len(names):
        raise lw.error(node, f"{spelled}(...) is given arguments srcdiff does not read",
                       hint=f"pass them by name: {spelled}({', '.join(names)})")
    given = dict(zip(names, [lw.expr(a, out) for a in node.args]))
    for k in node.keywords:
        if k.arg not in names or k.arg in given:
            raise lw.error(node, f"{spelled}(...) is given {k.arg}=, which srcdiff does not "
                           "read", hint=f"pass only {', '.join(names)}")
        given[k.arg] = lw.expr(k.value, out)
    return given


def put(lw, node, a, ind, values, out):
    """`numpy.put(a, ind, values)` into the local array a (out_writes' fill_diagonal with an
    array value, whose items repeat along the diagonal as put's do): its core statements
    appended to `out`, which is given back."""
    return _write(lw, node, "put", a, ind, values, None, out)


def _write(lw, node, how, a, where, values, mode, out):
    """`a[index] = numpy.ravel(values)[take]`, the items numpy.put/putmask/place writes."""
    import numpy
    from . import runtime_inplace
    if where is None or values is None:
        raise lw.error(node, f"numpy.{how} is given too few arguments",
                       hint=f"write numpy.{how}(a, {'ind' if how == 'put' else 'mask'}, v)")
    if not (isinstance(a, S.Name) and a.id in lw.locals):
        raise lw.error(node, f"numpy.{how} writes into an array this function does not own "
                       "(a module-level value, an attribute, an item, or a view of another "
                       "array)", hint="copy it into a local array first: a = numpy.array(...)")
    args = [S.load(a.id), S.const(how), where, values] + ([mode] if mode is not None else [])
    index = lw.temp(out, S.Call(func=lw._runtime_helper("flat_write_index", runtime_inplace),
                                args=args, keywords=[]), Kind.CALL, f"{a.id}_written",
                    func=runtime_inplace.flat_write_index)
    take = lw.temp(out, S.Call(func=lw._runtime_helper("flat_write_take", runtime_inplace),
                               args=list(args), keywords=[]), Kind.CALL, f"{a.id}_taken",
                   func=runtime_inplace.flat_write_take)
    ref = lw.bind("numpy.ravel", numpy.ravel)
    flat = lw.temp(out, S.Call(func=ref, args=[values], keywords=[]), Kind.CALL,
                   f"{a.id}_values", func=numpy.ravel)
    picked = lw.temp(out, S.Subscript(value=flat, slice=take, ctx=S.Load()), Kind.SUBSCRIPT,
                     f"{a.id}_put")
    out.append(lw.setitem(S.load(a.id), index, picked, node))
    return out


def _guard_array(lw, node, base, name, out):
    """A check that `base` is an array where the run reaches `base.name(...)`."""
    from . import checks, runtime_checks
    error = lw.error(node, f"{base.id}.{name}() is lowered as a write into the array "
                     f"{base.id}, and {base.id} is not an array here",
                     hint=f"build a new value: {base.id} = numpy.{name}({base.id}, ...)")
    lw.bindings["check_array"] = runtime_checks.check_array
    stmt = S.Expr(value=S.Call(func=S.load("check_array"), args=[
        S.load(base.id)] + checks.refusal_args(error), keywords=[]))
    out.append(lw.info(stmt, Kind.EFFECT, func=runtime_checks.check_array))


def _resize(lw, node, base, out):
    """`a.resize(shape)` (or `a.resize(n, m)`, refcheck= any): `a = resized_array(a,
    shape)`, where a is an array only this function's name refers to (see the docstring)."""
    from . import runtime_inplace
    shape = [k for k in node.keywords if k.arg != "refcheck"]
    if shape or any(isinstance(a, S.Starred) for a in node.args) or not node.args:
        raise lw.error(node, f"{base.id}.resize(...) is given arguments srcdiff does not read",
                       hint=f"write {base.id}.resize(n) or {base.id}.resize((n, m))")
    why = _shared(lw, base.id)
    if why is not None:
        raise lw.error(node, f"{base.id}.resize() resizes the array in place, and {why}: "
                       "NumPy refuses to resize an array something else refers to, and "
                       "srcdiff cannot tell that nothing does",
                       hint=f"make a new array: {base.id} = numpy.concatenate([{base.id}.ravel(), "
                       f"numpy.zeros(n - {base.id}.size)])[:n] (ndarray.resize fills with zeros)")
    args = [lw.expr(a, out) for a in node.args]
    shape = args[0] if len(args) == 1 else lw.temp(
        out, S.Tuple(elts=args, ctx=S.Load()), Kind.DISPLAY, "shape")
    ref = lw._runtime_helper("resized_array", runtime_inplace)
    made = lw.temp(out, S.Call(func=ref, args=[S.load(base.id), shape], keywords=[]),
                   Kind.CALL, f"{base.id}_resized", func=runtime_inplace.resized_array)
    out.append(lw.assign(base.id, made, Kind.COPY))


_MAKES_FRESH = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                "full_like", "array", "copy", "arange", "linspace", "eye", "identity",
                "concatenate", "stack", "tile", "repeat"}


def _shared(lw, name):
    """Why the array `name` may be referred to by something else (a parameter, a name bound
    otherwise than to a new array, bound to another name, put in a display or passed to a
    call other than NumPy's); None where only `name` refers to it."""
    fdef = lw.fdef
    a = fdef.args
    params = {p.arg if hasattr(p, "arg") else p.id for p in
              a.posonlyargs + a.args + a.kwonlyargs + [v for v in (a.vararg, a.kwarg) if v]}
    if name in params:
        return f"{name} is a parameter: the caller's array"
    for n in S.walk(fdef):
        if isinstance(n, (S.Global, S.Nonlocal)) and name in n.names:
            return f"{name} is a module-level name"
        targets = n.targets if isinstance(n, S.Assign) else [n.target] if isinstance(
            n, S.AnnAssign) and n.value is not None else []
        if any(isinstance(t, S.Name) and t.id == name for t in targets):
            if not _fresh(lw, n.value):
                return f"{name} is bound to {S.spell(n.value)}, which may be another array"
        elif isinstance(n, (S.For, S.comprehension, S.withitem, S.NamedExpr)):
            target = getattr(n, "target", None) or getattr(n, "optional_vars", None)
            if target is not None and any(isinstance(t, S.Name) and t.id == name
                                          for t in S.walk(target)):
                return f"{name} is bound to an item of another value"
        elif isinstance(n, S.Assign):
            if any(isinstance(t, S.Name) and t.id == name for t in S.walk(n.value)) and (
                    isinstance(n.value, S.Name) or isinstance(n.value, (
                        S.Tuple, S.List, S.Set, S.Dict))):
                return f"{name} is bound to another name here"
        if isinstance(n, (S.List, S.Tuple, S.Set, S.Dict)) and isinstance(
                getattr(n, "ctx", S.Load()), S.Load) and any(
                isinstance(e, S.Name) and e.id == name
                for e in list(getattr(n, "elts", [])) + list(getattr(n, "values", []))):
            return f"{name} is put in a display here"
        if isinstance(n, S.Call) and any(isinstance(e, S.Name) and e.id == name for e in
                                         list(n.args) + [k.value for k in n.keywords]):
            path = _numpy_path(lw, n.func)
            if path is None:
                return f"{name} is passed to {S.spell(n.func)}, which may keep it"
    return None


def _fresh(lw, value):
    """Whether `value` makes a new array: a call of a NumPy function making one, a
    `.copy()`, or arithmetic (`a * 2`)."""
    if isinstance(value, (S.BinOp, S.UnaryOp)):
        return True
    if not isinstance(value, S.Call):
        return False
    if isinstance(value.func, S.Attribute) and value.func.attr == "copy" and not value.args:
        return True
    path = _numpy_path(lw, value.func)
    return path is not None and path.split(".")[-1] in _MAKES_FRESH


def _numpy_path(lw, func):
    """`numpy.zeros` for the user's spelling of a NumPy function (`np.zeros`); None for any
    other callee."""
    from .callables import canonical_path
    if not isinstance(func, (S.Name, S.Attribute)) or not lw._global_path(func):
        return None
    try:
        path = canonical_path(lw._callee_object(func))
    except Exception:
        return None
    return path if path and path.split(".")[0] == "numpy" else None
