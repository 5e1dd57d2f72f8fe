"""Liveness: `del` a large temporary after its last reader, or reuse its memory there (stage 6,
optimize: called by transform.py and inline.py). Takes an emitted function body and the sizes
(`sizes_of`) or shapes (`shapes_of`) of its values; gives back the body with `del name` lines
inserted (`free_dead`), or with `t *= r` for a last reader `d = r * t` (`reuse_dead_operands`).

An emitted gradient names every intermediate value, and a name keeps its array alive
until the function returns: NumPy's temporaries in a hand-written adjoint die at the end
of their expression, so their memory is reused by the next allocation, while the
emitted code holds them all at once. `free_dead(body, sizes)` inserts `del name` after
the last top-level statement that reads `name`, for names that are bound once, at the
top level, hold an array of at least MIN_ELEMENTS elements (known from the input shapes;
a size standing for any size, a placeholder of srcdiff/shapes.py, counts as large, since
the code serves every size of its shape pattern) and are not read again (the return
included). Where a `del` frees nothing it is left
out: small values, names bound to another name's array (a copy, a broadcast view), names
whose last reader hands the array on under another name, and deletions just before the
return, which frees them all anyway.

A temporary's last reader can also take its memory: `d = 1 / s * e` (the softmax's
gradient, e dead after it) allocates a new array where `e *= 1 / s; d = e` writes into
e's, as a hand-written `e /= s` does; `reuse_dead_operands` says when that is exact
(the result certainly of e's shape and dtype).
"""
from . import syntax as S

MIN_ELEMENTS = 2 ** 14  # 128 KiB of float64


_CLOSURES = frozenset((S.FunctionDef, S.Lambda, S.ClassDef, S.Global, S.Nonlocal))

UNCOUNTED = object()   # no census given: the pass takes one itself


def statement_names(stmt):
    """(the names `stmt` reads, the names it binds or deletes), one entry per Name node of
    it; None where it holds a def, a lambda, a class, a global or a nonlocal."""
    loads, stores = [], []
    name_type, closures, load = S.Name, _CLOSURES, S.Load
    for n in S.nodes(stmt):
        cls = n.__class__
        if cls is name_type:
            (loads if n.ctx.__class__ is load else stores).append(n.id)
        elif cls in closures:
            return None
    return loads, stores


def census(body):
    """[statement_names(stmt) for each statement of `body`], or None where one of them holds
    a closure (a closure might read any name later: inline.py's and this module's passes
    then change nothing). inline_single_use, reuse_dead_operands and free_dead read it one
    after the other, each keeping it up to date (in place) as it changes the body."""
    out = []
    for stmt in body:
        names = statement_names(stmt)
        if names is None:
            return None
        out.append(names)
    return out


def free_dead(body, sizes, names=UNCOUNTED):
    """Insert `del` statements into `body` (a function's top-level statements) in place.

    `sizes`: {name: number of elements} where known; `names`: `census(body)`, where
    taken."""
    if not sizes:
        return body
    if names is UNCOUNTED:
        names = census(body)
    if names is None:
        return body  # a closure might read a name later
    stores, defined, last_read = {}, {}, {}
    for i, stmt in enumerate(body):
        loads, binds = names[i]
        for name in loads:
            last_read[name] = i
        for name in binds:
            stores[name] = stores.get(name, 0) + 1
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], S.Name) and not _shares(stmt.value):
            defined.setdefault(stmt.targets[0].id, i)
    after = {}
    for name, i in defined.items():
        last = last_read.get(name)
        if (sizes.get(name, 0) >= MIN_ELEMENTS and stores.get(name) == 1
                and last is not None and i < last < len(body) - 2
                and not _hands_on(body[last], name)
                and any(not _is_copy(s) for s in body[last + 1:-1])):
            after.setdefault(last, []).append(name)
    for i in sorted(after, reverse=True):
        freed = sorted(after[i])
        body.insert(i + 1, S.Delete(targets=[S.Name(id=n, ctx=S.Del(), annotation=None,
                                                    type_comment=None) for n in freed]))
        names.insert(i + 1, ([], freed))
    return body


def _shares(value):
    """Whether an assigned value may be another name's array (or a view of one)."""
    if isinstance(value, (S.Name, S.Attribute, S.Subscript)):
        return True
    return isinstance(value, S.Call) and isinstance(value.func, S.Attribute) and \
        value.func.attr in ("broadcast_to", "reshape", "transpose", "swapaxes", "moveaxis",
                            "expand_dims", "squeeze", "ravel", "asarray")


def _is_copy(stmt):
    return isinstance(stmt, S.Assign) and isinstance(stmt.value, S.Name)


def _hands_on(stmt, name):
    """`x = name`: the array lives on as x."""
    return isinstance(stmt, S.Assign) and isinstance(stmt.value, S.Name) and \
        stmt.value.id == name


def sizes_of(low, shapes, adjoints=None):
    """{name: elements} for the top-level values of a lowered function whose shapes are
    known, and for their adjoints (`adjoints`: {name: adjoint name}), which share them."""
    if shapes is None:
        return {}
    out = {}
    for stmt in low.body:
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            name = stmt.targets[0].id
            shape = shapes.of(stmt, name)
            if shape is not None:
                n = 1
                for k in shape:
                    n *= int(k)
                out[name] = n
    for name, d in (adjoints or {}).items():
        if name in out:
            out.setdefault(d, out[name])
    return out


# ---- a dead temporary's buffer reused: `t *= r` for `d = r * t` ---------------------------

# NumPy functions whose result, for an inexact (floating or complex) argument, has the
# argument's dtype; for any other argument an inexact dtype or object.
_FLOAT_UFUNCS = frozenset(("exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos",
                           "tan", "tanh", "sinh", "cosh", "arctan", "sqrt"))
_REDUCTIONS = frozenset(("sum", "max", "min", "amax", "amin"))
_KEPT_DTYPE_OPS = (S.Add, S.Sub, S.Mult, S.Div)


def reuse_dead_operands(body, shapes, names=UNCOUNTED):
    """Rewrite `d = r * t` (or `t * r`, `t / r`) as `t *= r` (`t /= r`) and `d = t`, in place,
    where `t` is a large fresh temporary (bound once, at the top level, by a NumPy call or an
    operator: an array nothing else holds) that no statement reads after this one, and where
    the result is certainly of t's shape and of t's dtype: `shapes` ({name: shape}, the
    shape facts of the specialised variant) gives t's shape and r's, which must broadcast
    to t's; and r's dtype must be t's by construction (`_dtype_class`), as input dtypes are
    not part of what a variant is specialised on. The product is then written into t's
    memory, as a hand-written adjoint's `e /= s` does, instead of into a new array; an
    immutable value (a NumPy scalar, another array module's array) is rebound by `*=`
    instead, the same value either way. `names`: `census(body)`, where taken (kept up to
    date here)."""
    if not shapes:
        return body
    if names is UNCOUNTED:
        names = census(body)
    if names is None:
        return body
    stores, reads, bound_at, classes = {}, {}, {}, {}
    for i, stmt in enumerate(body):
        loads, binds = names[i]
        for name in loads:
            reads.setdefault(name, []).append(i)
        for name in binds:
            stores[name] = stores.get(name, 0) + 1
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
                isinstance(stmt.targets[0], S.Name):
            bound_at.setdefault(stmt.targets[0].id, (i, stmt.value))
    shapes = {n: s for n, s in shapes.items() if stores.get(n) == 1}
    for name, (i, value) in bound_at.items():
        if stores.get(name) == 1:
            if name not in shapes and _shape(value, shapes) is not None:
                shapes[name] = _shape(value, shapes)   # an adjoint's: `d_s = 1 / s`
            token = _dtype_class(value, classes)
            if token is not None:
                classes[name] = token if token != "fresh" else name
    out, counted = [], []
    for i, stmt in enumerate(body):
        found = _reusable(stmt, i, stores, reads, bound_at, classes, shapes)
        if found is None:
            out.append(stmt)
            counted.append(names[i])
            continue
        temp, op, other = found
        out.append(S.AugAssign(target=S.store(temp), op=op, value=other))
        out.append(S.Assign(targets=[stmt.targets[0]], value=S.load(temp), type_comment=None))
        counted += [statement_names(out[-2]), statement_names(out[-1])]
    body[:] = out
    names[:] = counted
    return body


def _reusable(stmt, i, stores, reads, bound_at, classes, shapes):
    """(t, operator, r) when `stmt` may write its result into t's memory; else None."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.BinOp)
            and isinstance(stmt.value.op, (S.Mult, S.Div))):
        return None
    left, right = stmt.value.left, stmt.value.right
    sides = [(left, right)] + ([(right, left)] if isinstance(stmt.value.op, S.Mult) else [])
    for temp, other in sides:
        if not isinstance(temp, S.Name) or temp.id == stmt.targets[0].id:
            continue
        name = temp.id
        where = bound_at.get(name)
        if (stores.get(name) != 1 or where is None or where[0] >= i
                or reads.get(name, [None])[-1] != i or reads[name].count(i) != 1
                or not _fresh(where[1])
                or _elements(shapes.get(name)) < MIN_ELEMENTS):
            continue
        if any(n.id == name for n in S.walk_names(other)):
            continue
        other_shape = _shape(other, shapes)
        if other_shape is None or broadcast(shapes[name], other_shape) != shapes[name]:
            continue
        if classes.get(name) is None or not _same_dtype(other, classes[name], classes):
            continue
        return name, type(stmt.value.op)(), other
    return None


def _fresh(value):
    """A value that is a new array: a NumPy call's result or an operator's (never a view)."""
    if isinstance(value, S.BinOp):
        return True
    return isinstance(value, S.Call) and _numpy_function(value) in _FLOAT_UFUNCS


def _numpy_function(call):
    func = call.func
    if isinstance(func, S.Attribute) and isinstance(func.value, S.Name) and \
            func.value.id == "numpy":
        return func.attr
    return None


def _real_number(node):
    return isinstance(node, S.Constant) and type(node.value) in (int, float)


def _dtype_class(value, classes):
    """A token for the dtype of `value` where it is certainly inexact: the name of a value of
    the same dtype (`classes`: {name: token}), "fresh" for an inexact dtype of its own, or
    None where nothing is certain (an input, a value of unknown kind)."""
    if isinstance(value, S.Name):
        return classes.get(value.id)
    if isinstance(value, S.Call) and not value.keywords and len(value.args) == 1 \
            and _numpy_function(value) in _FLOAT_UFUNCS:
        inner = _dtype_class(value.args[0], classes)
        return inner if inner not in (None, "fresh") else "fresh"
    if isinstance(value, S.Call) and _numpy_function(value) in _REDUCTIONS and \
            len(value.args) == 1 and all(k.arg in ("axis", "keepdims") and
                                         isinstance(k.value, S.Constant)
                                         for k in value.keywords):
        inner = _dtype_class(value.args[0], classes)
        return None if inner == "fresh" else inner
    if isinstance(value, S.UnaryOp) and isinstance(value.op, S.USub):
        inner = _dtype_class(value.operand, classes)
        return None if inner == "fresh" else inner
    if isinstance(value, S.BinOp) and isinstance(value.op, _KEPT_DTYPE_OPS):
        # NEP 50: a Python int or float keeps an inexact operand's dtype
        if _real_number(value.left):
            inner = _dtype_class(value.right, classes)
        elif _real_number(value.right):
            inner = _dtype_class(value.left, classes)
        else:
            inner = _dtype_class(value.left, classes)
            if inner != _dtype_class(value.right, classes):
                return None
        return None if inner == "fresh" else inner
    return None


def _same_dtype(value, token, classes):
    """Whether `value` certainly has the dtype that `token` stands for (a Python int or
    float in place of an array keeps it too)."""
    return _real_number(value) or _dtype_class(value, classes) == token


def _shape(value, shapes):
    """The shape of an expression of names, numbers, operators and elementwise NumPy
    functions, where `shapes` gives its names'; None if unknown."""
    if isinstance(value, S.Name):
        return shapes.get(value.id)
    if _real_number(value):
        return ()
    if isinstance(value, S.UnaryOp) and isinstance(value.op, S.USub):
        return _shape(value.operand, shapes)
    if isinstance(value, S.BinOp) and isinstance(value.op, _KEPT_DTYPE_OPS):
        return broadcast(_shape(value.left, shapes), _shape(value.right, shapes))
    if isinstance(value, S.Call) and not value.keywords and len(value.args) == 1 and \
            _numpy_function(value) in _FLOAT_UFUNCS:
        return _shape(value.args[0], shapes)
    return None


def broadcast(a, b):
    """NumPy's broadcast of two known shapes (sizes alone: srcdiff/shapes.py's placeholders
    are sizes too); None if either is unknown or they do not broadcast."""
    if a is None or b is None:
        return None
    a, b = (1,) * (len(b) - len(a)) + tuple(a), (1,) * (len(a) - len(b)) + tuple(b)
    out = []
    for m, n in zip(a, b):
        if m != n and 1 not in (m, n):
            return None
        out.append(n if m == 1 else m)
    return tuple(out)


def _elements(shape):
    if shape is None:
        return 0
    n = 1
    for k in shape:
        n *= int(k)
    return n


def shapes_of(low, shapes):
    """{name: shape} for the top-level values of a lowered function bound once whose shapes
    are known (`shapes`: the variant's srcdiff/shapes.py facts)."""
    if shapes is None:
        return {}
    out, bound = {}, {}
    for stmt in low.body:
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            name = stmt.targets[0].id
            bound[name] = bound.get(name, 0) + 1
            shape = shapes.of(stmt, name)
            if shape is not None:
                out[name] = shape
    return {n: s for n, s in out.items() if bound[n] == 1}
