"""The loops NumPy's maps of a function mean, written (stage 3, lower: called by
numpy_maps._Maps.lowered). Takes the pass (`m`: its fresh names, its statements before the one
being rewritten, its resolver of free names) and the call of np.vectorize(g)(...), a
vectorized function, np.apply_along_axis, np.piecewise or np.apply_over_axes; gives back the
name holding the call's value, the statements computing it appended to `m.before`, or
raises a located refusal (a function writing into the slice it is given, or declaring
global or nonlocal names). The shapes written are in numpy_maps.py's docstring.
"""
import builtins
import types

import numpy

from . import syntax as S
from .callables import MUTATING_METHODS


def defined(m, node):
    """The def or lambda `node` calls where srcdiff can read it, else None."""
    if isinstance(node, S.Lambda):
        return node
    if isinstance(node, S.Name) and node.id in m.stored:
        if node.id in m.local_defs:
            return m.local_defs[node.id]
        made = [n.value for n in S.walk(m.tree) if isinstance(n, S.Assign) and any(
            isinstance(t, S.Name) and t.id == node.id for t in n.targets)]
        return made[0] if len(made) == 1 and isinstance(made[0], S.Lambda) else None
    obj = m.obj(node)
    if isinstance(obj, numpy.vectorize):
        obj = obj.pyfunc
    if isinstance(obj, types.FunctionType):
        from .frontend import get_source
        try:
            return get_source(obj).node
        except Exception:
            return None
    return None


def check_function(m, node, call, slices):
    """Refuse a function that declares global or nonlocal names, or (`slices`: it is
    given views of the user's array) writes into its first parameter."""
    fdef = defined(m, node)
    if fdef is None:
        return
    what = f"the function {S.spell(node)}" if not isinstance(node, S.Lambda) else \
        "the lambda"
    for n in S.walk(fdef):
        if isinstance(n, (S.Global, S.Nonlocal)):
            raise m.error(call, f"{what} given to this map declares "
                          f"{'global' if isinstance(n, S.Global) else 'nonlocal'} "
                          f"{', '.join(n.names)}: what it reads may change between "
                          "the items", hint="pass the value it needs as an argument")
    params = fdef.args.posonlyargs + fdef.args.args
    if not slices or not params:
        return
    obj = m.obj(node) if not isinstance(node, S.Lambda) else None
    resolve = _names_of(getattr(obj, "pyfunc", obj)) if isinstance(
        getattr(obj, "pyfunc", obj), types.FunctionType) else m.obj
    if _writes(fdef, params[0].id, resolve, 0):
        raise m.error(call, f"{what} given to this map writes into its argument "
                      f"{params[0].id!r}, a view of the array NumPy maps over",
                      hint=f"write into a copy: {params[0].id} = {params[0].id}.copy() first")


def _writes(fdef, name, resolve, depth):
    """Whether the def `fdef` writes into its parameter `name` (an item or attribute store,
    an augmented assignment, an in-place method, `out=`, numpy.copyto and its kin), or
    passes it by position to a function of the user's that does (followed 4 calls deep)."""
    for n in S.walk(fdef):
        if isinstance(n, (S.Subscript, S.Attribute)) and isinstance(n.ctx, S.Store) and \
                _root(n) == name or isinstance(n, S.AugAssign) and _root(n.target) == name:
            return True
        if not isinstance(n, S.Call):
            continue
        func = n.func
        if isinstance(func, S.Attribute) and (
                func.attr in MUTATING_METHODS and _root(func.value) == name or
                func.attr in _WRITERS and n.args and _root(n.args[0]) == name) or any(
                    k.arg == "out" and _root(k.value) == name for k in n.keywords):
            return True
        for i, a in enumerate(n.args):
            if isinstance(a, S.Name) and a.id == name and depth < 4:
                callee = resolve(func)
                if not isinstance(callee, types.FunctionType):
                    continue
                from .frontend import get_source
                try:
                    inner = get_source(callee).node
                except Exception:
                    continue
                params = inner.args.posonlyargs + inner.args.args
                if i < len(params) and _writes(inner, params[i].id, _names_of(callee),
                                               depth + 1):
                    return True
    return False


def _names_of(fn):
    """A resolver of the names and attribute paths of the Python function `fn`'s module."""
    def resolve(node):
        parts = []
        while isinstance(node, S.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, S.Name):
            return None
        value = fn.__globals__.get(node.id, getattr(builtins, node.id, None))
        for attr in reversed(parts):
            value = getattr(value, attr, None)
        return value
    return resolve


# the maps -------------------------------------------------------------------------
def vectorize(m, call):
    func = call.func
    inputs = None   # np.frompyfunc's nin: its result holds Python objects, a 0-d one unwrapped
    if isinstance(func, S.Call):
        fn, otypes = m.vectorize_parts(func)
        inputs = getattr(func, "sd_inputs", None)
    elif isinstance(func, S.Name) and func.id in m.vectorized:
        fn, otypes, inputs = m.vectorized[func.id]
    else:
        obj = m.obj(func)
        if obj.signature is not None or obj.excluded or obj.otypes and len(
                obj.otypes) != 1:
            raise m.error(call, "srcdiff follows a vectorized function without "
                          "signature= or excluded=, of one output",
                          hint="call the function on the items in a loop")
        fn = S.Attribute(value=func, attr="pyfunc", ctx=S.Load())
        otypes = S.const(numpy.dtype(obj.otypes[0]).char) if obj.otypes else None
    if any(isinstance(a, S.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords) or not call.args + call.keywords:
        raise m.error(call, "srcdiff follows a vectorized function given its "
                      "arguments one by one", hint="name each argument")
    if inputs is not None and (inputs != len(call.args) or call.keywords):
        raise m.error(call, f"this ufunc of np.frompyfunc takes {inputs} arguments, by "
                      "position", hint="pass them by position")
    check_function(m, fn, call, slices=False)
    fn = m.function(fn, "vectorized_fn")
    subs = {"FN": fn, "DT": otypes}
    values = [m.bind(a, "vectorized_arg") for a in call.args] + [
        m.bind(k.value, "vectorized_arg") for k in call.keywords]
    names = [f"SDARG_{i}" for i in range(len(values))]
    subs.update(zip(names, values))
    items, out = m.fresh("items"), m.fresh("vectorized")
    item = [m.fresh("item") for _ in values]
    passed = ", ".join(item[:len(call.args)] + [
        f"{k.arg}={v}" for k, v in zip(call.keywords, item[len(call.args):])])
    firsts = [f"NP.ravel({n})[0]" for n in names]
    dtype = "DT"
    if otypes is None:   # vectorize's: its result's for the first items (NumPy scalars)
        dtype = m.fresh("dtype")
        m.quoted(f"{dtype} = NP.asarray(FN(" + ", ".join(firsts[:len(call.args)] + [
            f"{k.arg}={v}" for k, v in zip(call.keywords, firsts[len(call.args):])]) +
            ")).dtype", call, **subs)
    if len(values) == 1 and not call.keywords:
        m.quoted(f"{items} = [FN({passed}) for {item[0]} in NP.ravel(SDARG_0).tolist()]"
                 f"\n{out} = NP.copy(NP.array({items}).astype({dtype}).reshape("
                 f"NP.shape(SDARG_0))" + (")[()]" if inputs is not None else ")"), call,
                 **subs)   # (a copy: a new array, as vectorize's, no view of a temporary)
        return S.load(out)
    m.builtin("zip", call)
    shape = m.fresh("shape")
    spread = ", ".join(f"NP.ravel(NP.broadcast_to({n}, {shape})).tolist()" for n in names)
    m.quoted(f"{shape} = NP.broadcast_shapes({', '.join(f'NP.shape({n})' for n in names)})"
             f"\n{items} = [FN({passed}) for {', '.join(item)} in zip({spread})]"
             f"\n{out} = NP.copy(NP.array({items}).astype({dtype}).reshape({shape})"
             + (")[()]" if inputs is not None else ")"), call, **subs)
    return S.load(out)


def apply_along_axis(m, call):
    args = call.args
    if len(args) < 3 or any(isinstance(a, S.Starred) for a in args) or any(
            k.arg is None or k.arg in ("func1d", "axis", "arr") for k in call.keywords):
        raise m.error(call, "srcdiff follows np.apply_along_axis(g, axis, A, ...) "
                      "with its first three arguments by position",
                      hint="write np.apply_along_axis(g, axis, A, *args)")
    check_function(m, args[0], call, slices=True)
    fn = m.function(args[0], "along_fn")
    axis = m.bind(args[1], "along_axis")
    rest = [m.bind(a, "along_arg") for a in args[3:]]
    kw = [m.bind(k.value, "along_arg") for k in call.keywords]
    subs = {"FN": fn, "AXIS": axis, "ARR": args[2]}
    subs.update({f"SDARG_{i}": v for i, v in enumerate(rest + kw)})
    moved, items, first, stacked, out, row = (m.fresh(b) for b in (
        "slices", "items", "first", "stacked", "along", "row"))
    passed = ", ".join([row] + [f"SDARG_{i}" for i in range(len(rest))] + [
        f"{k.arg}=SDARG_{len(rest) + i}" for i, k in enumerate(call.keywords)])
    at = "AXIS" if isinstance(axis, S.Constant) and axis.value >= 0 else \
        f"AXIS % {moved}.ndim"
    m.quoted(f"""\
{moved} = NP.moveaxis(ARR, AXIS, -1)
{items} = [FN({passed}) for {row} in {moved}.reshape(-1, {moved}.shape[-1])]
{first} = NP.asarray({items}[0])
{stacked} = NP.array({items}).astype({first}.dtype).reshape({moved}.shape[:-1] + {first}.shape)
{out} = NP.copy(NP.moveaxis({stacked}, list(range({moved}.ndim - 1, {stacked}.ndim)), \
list(range({at}, {at} + {first}.ndim))))""", call, **subs)
    return S.load(out)


def piecewise(m, call):
    args = call.args
    if len(args) < 3 or any(isinstance(a, S.Starred) for a in args) or not isinstance(
            args[1], (S.List, S.Tuple)) or not isinstance(args[2], (S.List, S.Tuple)) or \
            any(k.arg is None or k.arg in ("x", "condlist", "funclist")
                for k in call.keywords) or len(args[2].elts) not in (
                    len(args[1].elts), len(args[1].elts) + 1) or not args[1].elts:
        raise m.error(call, "srcdiff follows np.piecewise(x, [c0, c1, ...], [f0, f1, "
                      "...]) with the conditions and the functions written as lists, "
                      "one function for each condition (and one more for the rest)",
                      hint="write the lists in the call")
    conds, funcs = args[1].elts, args[2].elts
    kinds = [piece(m, f, call) for f in funcs]
    x, masks, out = m.fresh("piecewise_x"), m.fresh("conditions"), \
        m.fresh("piecewise")
    fns = [m.function(f, "piece") if k else f for f, k in zip(funcs, kinds)]
    rest = [m.bind(a, "piecewise_arg") for a in args[3:]]
    kw = [m.bind(k.value, "piecewise_arg") for k in call.keywords]
    subs = {"X": args[0]}
    subs.update({f"SDARG_{i}": v for i, v in enumerate(rest + kw)})
    subs.update({f"SDCOND_{i}": c for i, c in enumerate(conds)})
    subs.update({f"SDFN_{i}": f for i, f in enumerate(fns)})
    extra = "".join(f", SDARG_{i}" for i in range(len(rest))) + "".join(
        f", {k.arg}=SDARG_{len(rest) + i}" for i, k in enumerate(call.keywords))
    n = len(conds)
    text = f"""\
{x} = NP.asarray(X)
{masks} = NP.asarray([{', '.join(f'SDCOND_{i}' for i in range(n))}], dtype=bool)
if {masks}.shape != ({n},) + {x}.shape:
    raise ValueError('np.piecewise: srcdiff follows conditions each shaped like x')
{out} = NP.zeros({x}.shape, {x}.dtype)
"""
    for i, is_function in enumerate(kinds):
        mask = m.fresh("where")
        value = f"~NP.any({masks}, axis=0)" if i == n else f"{masks}[{i}]"
        text += f"{mask} = {value}\n"
        if is_function:
            check_function(m, funcs[i], call, slices=False)   # (x[cond]: a copy)
            text += f"if NP.any({mask}):\n    {out}[{mask}] = SDFN_{i}({x}[{mask}]{extra})\n"
        else:
            text += f"{out}[{mask}] = SDFN_{i}\n"
    m.quoted(text, call, **subs)
    return S.load(out)


def piece(m, node, call):
    """Whether an item of piecewise's function list is a function (False: a value)."""
    if is_constant(node):
        return False
    if isinstance(node, S.Lambda) or defined(m, node) is not None:
        return True
    obj = m.obj(node)
    if obj is not None:
        return callable(obj)
    raise m.error(call, f"srcdiff cannot tell whether {S.spell(node)} in piecewise's "
                  "list is a function or a value", hint="write a lambda or a constant")


def apply_over_axes(m, call):
    args = call.args
    axes = args[2] if len(args) == 3 else None
    listed = axes.elts if isinstance(axes, (S.List, S.Tuple)) else [axes]
    if call.keywords or any(isinstance(a, S.Starred) for a in args) or not all(
            int_of(a) is not None for a in listed if a is not None) or axes is None:
        raise m.error(call, "srcdiff follows np.apply_over_axes(g, A, axes) with "
                      "constant axes, by position", hint="write the axes as numbers")
    check_function(m, args[0], call, slices=True)   # (given A itself)
    fn = m.function(args[0], "over_fn")
    value = m.fresh("over")
    text = f"{value} = NP.asarray(SDA)\n"
    start = value
    for ax in (int_of(a) for a in listed):
        at = str(ax) if ax >= 0 else f"{start}.ndim + {ax}"
        res, nxt = m.fresh("reduced"), m.fresh("over")
        text += f"""\
{res} = FN({value}, {at})
if NP.ndim({res}) != {value}.ndim:
    {res} = NP.expand_dims({res}, {at})
if NP.ndim({res}) != {value}.ndim:
    raise ValueError('function is not returning an array of the correct shape')
{nxt} = {res}
"""
        value = nxt
    m.quoted(text, call, FN=fn, SDA=args[1])
    return S.load(value)


_WRITERS = {"copyto", "put", "place", "putmask", "fill_diagonal"}


def _root(node):
    """The name at the root of a subscript or attribute path (`r` of r[0].x), or None."""
    while isinstance(node, (S.Subscript, S.Attribute)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


def is_constant(node):
    """Whether `node` is a constant, or a negated one (`-1`)."""
    return isinstance(node, S.Constant) or isinstance(node, S.UnaryOp) and isinstance(
        node.operand, S.Constant)


def int_of(node):
    """The int a constant (`2`, `-1`) is, or None (loop_lambdas.int_constant)."""
    from .loop_lambdas import int_constant
    return int_constant(node)
