"""Liveness: `del` a large temporary after its last reader (stage 6, optimize: called by
transform.py and inline.py). Takes an emitted function body and the sizes of its values
(`sizes_of`); gives back the body with `del name` lines inserted (`free_dead`).

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
"""
from . import syntax as S

MIN_ELEMENTS = 2 ** 14  # 128 KiB of float64


def free_dead(body, sizes):
    """Insert `del` statements into `body` (a function's top-level statements) in place.

    `sizes`: {name: number of elements} where known."""
    if not sizes:
        return body
    stores, defined, last_read = {}, {}, {}
    for i, stmt in enumerate(body):
        for n in S.walk(stmt):
            if isinstance(n, (S.FunctionDef, S.Lambda, S.ClassDef, S.Global, S.Nonlocal)):
                return body  # a closure might read a name later
            if isinstance(n, S.Name):
                if isinstance(n.ctx, S.Load):
                    last_read[n.id] = i
                else:
                    stores[n.id] = stores.get(n.id, 0) + 1
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
        names = sorted(after[i])
        body.insert(i + 1, S.Delete(targets=[S.Name(id=n, ctx=S.Del(), annotation=None,
                                                    type_comment=None) for n in names]))
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
