"""Temporaries: a value srcdiff named only to hand it on is written where it is read (stage 6,
optimize: called by tidy.py). Takes an emitted function def; gives back the def, rewritten
in place, with such temporaries inlined, in the functions nested in it too
(`inline_temporaries`).

Lowering names every intermediate value (`n_ys_1 = len(ys)`, `range_1 =
range(n_ys_1)`, `for index_1 in range_1:`). Where such a temporary (a fresh name,
`<base>_<n>`, not a derivative `d_...` / `tan_...`) is bound once and read once, and the
read is in the next statement (comment markers aside), `inline_temporaries` writes the
value in its place: `for index_1 in range(len(ys)):`. Exact, because

- the read is in the part of the statement that runs once (a loop's iterable, a
  branch's test, the whole of a simple statement; never a `while` test, a loop body, a
  lambda, a comprehension, or an operand that `and`/`or`/`if-else` may skip), and
- everything that statement evaluates before the read is a name or a constant (or the
  method looked up on a name for a call), so the value is computed at the same point of
  the computation as before: nothing it could change, or that could change it, runs in
  between; or the value and the expression it goes into are both side-effect free;
- or the statements in between bind names to side-effect-free values (names, numbers,
  arithmetic, `len`, `range`, a pure runtime helper) or push such values on the tape,
  and neither read the temporary nor rebind what its value reads, and the value is
  side-effect free as well.

The value keeps its parentheses where the new place needs them (the emitter adds them).
"""
import re

from . import syntax as S
from .syntax import COMMENT
from .names import TAPE

_FRESH = re.compile(r"^(?!d_|tan_).*_\d+$")
_FRESH_ANY = re.compile(r"^.*_\d+$")

# calls that neither change anything nor depend on anything but their arguments
_PURE_CALLS = frozenset(("len", "range", "reversed", "zeros_like_value", "shape_of"))
_PURE_NUMPY = frozenset((
    "zeros", "ones", "eye", "shape", "ndim", "size", "exp", "log", "sin", "cos", "tanh",
    "sqrt", "transpose", "zeros_like", "ones_like", "asarray", "array"))
_PURE_ATTRS = frozenset(("shape", "ndim", "size", "dtype", "T", "real", "imag"))


def inline_temporaries(fdef, census=None):
    """Inline the single-use temporaries of a function (and of the functions in it).
    `census`: `census_of(S.nodes(fdef))` where the caller walked it (tidy.py)."""
    counts, kinds = _census(fdef) if census is None else census
    if S.Global in kinds or S.Nonlocal in kinds:
        return fdef
    _blocks(fdef.body, counts)
    if S.Try not in kinds:   # inlining adds no try
        # the counts of the tree as inlined: _blocks took out each temporary it inlined
        # (its one binding and its one read; its value's names moved, as many as before)
        _copies(fdef.body, counts)
    return fdef


def _copies(body, counts):
    """`t = value ... y = t` as `y = value ...`, where t (any fresh temporary, a derivative's
    too) is bound once and read once, by the copy, in the same block, and nothing in
    between reads or binds y: y gets the same value, only its binding moves up past
    statements that do not see it (the function has no try, so none of them can raise
    into code that would)."""
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _copies(inner, counts)
    where = {}
    dead = set()
    for i, stmt in enumerate(body):
        name = _bound_name(stmt)
        if name is None:
            continue
        at = i  # the statement that binds name, once any copy is coalesced
        if isinstance(stmt.value, S.Name) and stmt.value.id in where and stmt.value.id != name:
            i0 = where.pop(stmt.value.id)
            between = [n for s in body[i0 + 1:i] for n in S.walk(s)]
            if not any((isinstance(n, S.Name) and n.id == name)
                       or isinstance(n, (S.FunctionDef, S.Lambda, S.ClassDef))
                       for n in between):
                body[i0].targets[0] = S.store(name)
                dead.add(i)
                at = i0
        if _FRESH_ANY.match(name) and counts.get(name) == [1, 1]:
            where[name] = at
    if dead:
        body[:] = [s for k, s in enumerate(body) if k not in dead]


def _bound_name(stmt):
    if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return stmt.targets[0].id
    return None


def _census(node):
    """({name: [stores (params and deletions included), loads]} over the whole tree, the
    set of node classes in it), in one walk."""
    return census_of(S.nodes(node))


def census_of(found):
    """`_census` of a tree whose nodes are `found` (S.nodes')."""
    counts, kinds = {}, set()
    for n in found:
        cls = n.__class__
        kinds.add(cls)
        if cls is S.Name:
            entry = counts.setdefault(n.id, [0, 0])
            entry[1 if n.ctx.__class__ is S.Load else 0] += 1
        elif cls is S.FunctionDef or cls is S.ClassDef:
            counts.setdefault(n.name, [0, 0])[0] += 1
    return counts, kinds


def _blocks(body, counts):
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                _blocks(inner, counts)
        for handler in getattr(stmt, "handlers", None) or []:
            _blocks(handler.body, counts)
    i = len(body) - 2
    while i >= 0:
        if _inline_at(body, i, counts):
            del counts[body[i].targets[0].id]   # bound once and read once, both gone
            del body[i]
        i -= 1


def _temporary(stmt, counts):
    """The name of `t = value`, a fresh temporary bound once and read once; else None."""
    if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)):
        return None
    name = stmt.targets[0].id
    if not _FRESH.match(name) or counts.get(name) != [1, 1]:
        return None
    if any(isinstance(n, (S.Lambda, S.Yield, S.YieldFrom, S.Await, S.NamedExpr, S.Starred,
                          S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp))
           for n in S.walk(stmt.value)):
        return None
    return name


def _inline_at(body, i, counts):
    name = _temporary(body[i], counts)
    if name is None:
        return False
    value = body[i].value
    reads = {n.id for n in S.walk_names(value)}
    pure = _pure(value)
    for j in range(i + 1, len(body)):
        later = body[j]
        if _is_comment(later):
            continue
        slot = _read_slot(later, name, pure)
        if slot is not None:
            parent, field, index = slot
            if j > i + 1 and not pure:
                return False
            if index is None:
                setattr(parent, field, value)
            else:
                getattr(parent, field)[index] = value
            return True
        if not (pure and _passable(later, name, reads)):
            return False
    return False


def _is_comment(stmt):
    return (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)
            and isinstance(stmt.value.func, S.Name) and stmt.value.func.id == COMMENT)


def _passable(stmt, name, reads):
    """A statement the value may move past: a name bound to a pure value that neither
    reads the temporary nor is read by the value; or a push of a pure value on the tape
    (a list only srcdiff's code holds, which a value that does not read it cannot see)."""
    if _tape_push(stmt) is not None and TAPE not in reads:
        arg = _tape_push(stmt)
        return _pure(arg) and not any(isinstance(n, S.Name) and n.id == name
                                      for n in S.walk(arg))
    return (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name)
            and stmt.targets[0].id not in reads and stmt.targets[0].id != name
            and _pure(stmt.value)
            and not any(n.id == name for n in S.walk_names(stmt.value)))


def _tape_push(stmt):
    """x, for `tape.append(x)`; else None."""
    if (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)
            and isinstance(stmt.value.func, S.Attribute) and stmt.value.func.attr == "append"
            and isinstance(stmt.value.func.value, S.Name) and stmt.value.func.value.id == TAPE
            and len(stmt.value.args) == 1 and not stmt.value.keywords
            and not isinstance(stmt.value.args[0], S.Starred)):
        return stmt.value.args[0]
    return None


def _pure(node):
    """Side-effect-free: names, numbers, arithmetic, tuples, a few attributes and subscripts
    of them, and calls of len, range and pure runtime and NumPy functions."""
    for n in S.walk(node):
        if isinstance(n, S.Call):
            if getattr(n, S.VARIADIC, None):
                return False
            func = n.func
            if isinstance(func, S.Name) and func.id in _PURE_CALLS:
                continue
            if (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                    and func.value.id == "numpy" and func.attr in _PURE_NUMPY):
                continue
            return False
        if isinstance(n, S.Attribute):
            if n.attr in _PURE_ATTRS or (isinstance(n.value, S.Name) and n.value.id == "numpy"):
                continue
            return False
        if not isinstance(n, (S.Name, S.Constant, S.BinOp, S.UnaryOp, S.Compare, S.Tuple,
                              S.List, S.Subscript, S.Slice, S.keyword, S.operator, S.unaryop,
                              S.cmpop)):
            return False
    return True


def _read_slot(stmt, name, pure):
    """(parent, field, index or None) of the one read of `name` in `stmt`, where it is
    the first thing the statement evaluates that is not a name or a constant, or (for a
    `pure` value) anywhere in a side-effect-free expression the statement evaluates once;
    else None."""
    if isinstance(stmt, S.Assign):
        roots = [(stmt, "value", None)]
    elif isinstance(stmt, (S.Expr, S.Return)) and stmt.value is not None:
        roots = [(stmt, "value", None)]
    elif isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Name):
        roots = [(stmt, "value", None)]
    elif isinstance(stmt, S.For):
        roots = [(stmt, "iter", None)]
    elif isinstance(stmt, S.If):
        roots = [(stmt, "test", None)]
    else:
        return None
    found = []
    for parent, field, index in roots:
        if _first_effect(parent, field, index, name, found):
            break
    if not found and pure and _pure(getattr(roots[0][0], roots[0][1])):
        return _slot_anywhere(roots[0], name)
    return found[0] if found else None


def _slot_anywhere(root, name):
    parent, field, _ = root
    if _is_read(getattr(parent, field), name):
        return root
    for node in S.walk(getattr(parent, field)):
        for f in node._fields:
            value = getattr(node, f, None)
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if _is_read(item, name):
                        return node, f, k
            elif _is_read(value, name):
                return node, f, None
    return None


def _is_read(node, name):
    return isinstance(node, S.Name) and node.id == name and isinstance(node.ctx, S.Load)


def _first_effect(parent, field, index, name, found):
    """Walk the expression at parent.field[index] in evaluation order; record the slot of
    the read of `name` in `found` if it comes before anything but names and constants
    is evaluated. Returns True to stop the walk."""
    node = getattr(parent, field) if index is None else getattr(parent, field)[index]
    if isinstance(node, S.Name):
        if node.id == name and isinstance(node.ctx, S.Load):
            found.append((parent, field, index))
            return True
        return False
    if isinstance(node, S.Constant):
        return False
    if isinstance(node, S.Call):
        if getattr(node, S.VARIADIC, None):
            return True  # its tuple of arguments is printed `*args_1`: keep the name
        func = node.func
        if isinstance(func, S.Attribute) and isinstance(func.value, S.Name):
            pass  # the method looked up on a name: no effect the value could see
        elif _first_effect(node, "func", None, name, found):
            return True
        elif not isinstance(func, S.Name):
            return True
        for k in range(len(node.args)):
            if isinstance(node.args[k], S.Starred):
                return True
            if _first_effect(node, "args", k, name, found):
                return True
        for kw in node.keywords:
            if _first_effect(kw, "value", None, name, found):
                return True
        return True  # the call itself runs
    if isinstance(node, (S.BinOp,)):
        return (_first_effect(node, "left", None, name, found)
                or _first_effect(node, "right", None, name, found) or True)
    if isinstance(node, S.UnaryOp):
        return _first_effect(node, "operand", None, name, found) or True
    if isinstance(node, S.Compare):
        if _first_effect(node, "left", None, name, found):
            return True
        for k in range(len(node.comparators)):
            if _first_effect(node, "comparators", k, name, found):
                return True
        return True
    if isinstance(node, (S.Tuple, S.List)) and isinstance(node.ctx, S.Load):
        for k in range(len(node.elts)):
            if isinstance(node.elts[k], S.Starred):
                return True
            if _first_effect(node, "elts", k, name, found):
                return True
        return False  # building a tuple or list has no effect
    if isinstance(node, S.Subscript):
        return (_first_effect(node, "value", None, name, found)
                or _first_effect(node, "slice", None, name, found) or True)
    if isinstance(node, S.Attribute):
        return _first_effect(node, "value", None, name, found) or True
    return True  # anything else (and/or, if-else, lambdas, comprehensions...): stop
