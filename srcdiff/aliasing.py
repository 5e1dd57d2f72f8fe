"""Item writes that another name would see: refused, since the gradient would be wrong.

`y[i] = v` is differentiated by saving and restoring the old item. That is only
right when no other live name shares y's memory: an alias (`z = y`), a view
(`z = y[1:]`, `y.reshape(...)`), or a list holding y. Such writes are refused with
a located error, unless y gets a new value before every write, so the other
name only holds the old array.
"""
import numpy

from . import analyze
from . import syntax as S

VIEW_FUNCS = {getattr(numpy, n) for n in (
    "reshape", "transpose", "ravel", "squeeze", "swapaxes", "moveaxis", "expand_dims",
    "diagonal", "real", "imag", "broadcast_to", "asarray", "asanyarray", "atleast_1d",
    "atleast_2d", "atleast_3d", "matrix_transpose", "permute_dims", "flip", "fliplr",
    "flipud", "rot90") if hasattr(numpy, n)}


def _rebound_first(copy_stmt, src, body, stmts):
    """True when `src` gets a new value after the copy and before every write into it: the
    copy then shares the old array, which is never written. The copy and the rebinding are
    statements of one block: the function's body, or a loop's body, where the write of the
    next iteration must follow a rebinding at the top of the body (new = u.copy(); new[i] =
    ...; u = new)."""
    found = _block_of(copy_stmt, body, None)
    if found is None:
        return False
    block, loop = found
    order = {id(t): i for i, t in enumerate(stmts)}
    ic = order[id(copy_stmt)]
    rebinds = [order[id(t)] for t in block
               if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
               and t.targets[0].id == src and not _inplace(t)]
    writes = [order[id(w)] for w in stmts
              if (w.sd.kind == "setitem" and w.targets[0].value.id == src)
              or (_inplace(w) and w.targets[0].id == src)]
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


def _block_of(stmt, block, loop):
    """(the statement list holding `stmt` directly, the loop whose body that is) or None;
    blocks inside if-branches do not count (their statements may not run)."""
    if any(t is stmt for t in block):
        return block, loop
    for t in block:
        if isinstance(t, (S.For, S.While)):
            found = _block_of(stmt, t.body, t)
            if found is not None:
                return found
    return None


def _is_view_index(index):
    parts = index.elts if isinstance(index, S.Tuple) else [index]
    return any(isinstance(p, S.Slice) or (isinstance(p, S.Constant) and p.value in (None, Ellipsis))
               for p in parts)



def _inplace(stmt):
    extra = stmt.sd.extra
    return isinstance(extra, tuple) and extra[0] == "inplace"


def check_writes(source, user_names, body):
    """Refuse item writes that would be seen through another name (an alias or a view).

    `z += v` (lowered as z = z + v) is such a write too when z is an array, which only the
    run can tell (for numbers it is a rebinding): there the refusal becomes a check placed
    before the statement, `check_in_place(z, '__iadd__', message)`.
    """
    stmts = list(analyze.flatten(body))
    writes = {}
    for s in stmts:
        if s.sd.kind == "setitem":
            writes.setdefault(s.targets[0].value.id, []).append(s)
        elif _inplace(s):
            writes.setdefault(s.targets[0].id, []).append(s)
    if not writes:
        return []
    order = {id(t): i for i, t in enumerate(stmts)}
    loops = [{id(t) for t in analyze.flatten(t.body)} for t in stmts
             if isinstance(t, (S.For, S.While))]

    def later_write(name, made):
        """The first write into `name` that may run once `made` has: after it, or in a loop
        around both (the next iteration). Writes before it change an array not shared yet."""
        for w in writes.get(name, ()):
            if order[id(w)] > order[id(made)] or any(
                    id(w) in inner and id(made) in inner for inner in loops):
                return w
        return None

    guards = {}
    displays = {t.targets[0].id for t in stmts if t.sd.kind == "display"
                and isinstance(t.targets[0], S.Name)}  # lists, tuples and dicts built here
    temps = {t.targets[0].id: t for t in stmts if isinstance(t, S.Assign)
             and isinstance(t.targets[0], S.Name) and t.targets[0].id not in user_names
             and t.sd.kind == "subscript"}  # the items tuple unpacking goes through

    def fail(stmt, reason, hint, other=None):
        error = source.error(stmt.sd.line, reason, hint=hint)
        if not _inplace(stmt):
            raise error
        if other is None or _read_after(other, stmt, stmts):
            # an update nothing reads the other name after (w = w0; w -= ...) is left alone
            guards.setdefault(id(stmt), (stmt, str(error)))

    for s in stmts:
        if not isinstance(s, S.Assign) or not isinstance(s.targets[0], S.Name):
            if s.sd.kind == "append":
                arg = s.value.args[0]
                if isinstance(arg, S.Name) and later_write(arg.id, s) and \
                        not _rebound_first(s, arg.id, body, stmts):
                    fail(later_write(arg.id, s), f"{arg.id} is written into after being stored "
                         "in a list, so the list would see the change (an alias)",
                         f"append a copy: numpy.copy({arg.id})")
            continue
        target = s.targets[0].id
        value = s.value
        user_target = target in user_names
        if later_write(target, s):
            what = None
            d, value = s, s.value
            if d.sd.kind == "copy" and isinstance(value, S.Name) and value.id in temps:
                d, value = temps[value.id], temps[value.id].value  # a = tuple_1[0], a temp
            if d.sd.kind == "copy" and isinstance(value, S.Name) and value.id in user_names:
                what = f"{target} is an alias of {value.id}"
            elif d.sd.kind == "subscript" and _is_view_index(value.slice):
                what = f"{target} is a view into {_stem(value.value)}"
            elif d.sd.kind == "subscript" and d.sd.extra == "loop_item":
                fail(later_write(target, s), f"writing into {target} here would change "
                     f"{_stem(value.value)} too: the loop takes its rows (or list items), "
                     "which are shared, not copies",
                     f"loop over indices and write into {_stem(value.value)} itself, e.g. "
                     f"{_stem(value.value)}[i, 0] = ...")
            elif d.sd.kind == "call" and d.sd.func in VIEW_FUNCS:
                what = f"{target} may be a view of another array"
            elif d.sd.kind == "call" and d.sd.extra == "method":
                what = f"{target} comes from a method call, which may return a view"
            elif d.sd.kind == "subscript" and isinstance(value.value, S.Name) \
                    and value.value.id in displays:
                holder = value.value.id if value.value.id in user_names else \
                    "a tuple or list built here"
                what = f"{target} is an item of {holder}, shared with it, not a copy"
            elif d.sd.kind in ("opaque", "attribute"):
                what = f"{target} is not an array this function created"
            if what:
                base = value if isinstance(value, S.Name) else value.args[0] \
                    if isinstance(value, S.Call) and value.args else getattr(value, "value", None)
                other = base.id if isinstance(base, S.Name) else None
                fail(later_write(target, s), f"writing into {target} here would change another "
                     f"array too: {what}",
                     f"copy it first: {target} = numpy.copy(...)", other)
        value = s.value
        sources = []
        if s.sd.kind == "copy" and isinstance(value, S.Name) and user_target:
            sources = [value.id]
        elif s.sd.kind == "subscript" and _is_view_index(value.slice) and user_target:
            sources = [value.value.id] if isinstance(value.value, S.Name) else []
        elif s.sd.kind == "call" and s.sd.func in VIEW_FUNCS and user_target:
            sources = [a.id for a in value.args[:1] if isinstance(a, S.Name)]
        elif s.sd.kind == "display":
            elts = value.values if isinstance(value, S.Dict) else value.elts
            sources = [e.id for e in elts if isinstance(e, S.Name)]
        for src in sources:
            if later_write(src, s) and src != target and \
                    not _rebound_first(s, src, body, stmts):
                kind = "a view" if s.sd.kind in ("subscript", "call") else "an alias"
                fail(later_write(src, s), f"writing into {src} here would also change {target}, "
                     f"{kind} of it made on line {s.sd.line}",
                     f"make {target} a copy: {target} = numpy.copy(...)", target)
    return list(guards.values())


def _read_after(name, write, stmts):
    """Whether `name` may be read once `write` has run: later in order, or anywhere in a loop
    around the write (the next iteration)."""
    position = next(i for i, t in enumerate(stmts) if t is write)
    if any(name in analyze.operands(t) for t in stmts[position + 1:]):
        return True
    for loop in stmts:
        if isinstance(loop, (S.For, S.While)):
            inner = list(analyze.flatten(loop.body))
            if any(t is write for t in inner) and any(name in analyze.operands(t)
                                                      for t in inner):
                return True
    return False


def insert_guards(body, guards, make):
    """Put make(stmt, message) before each guarded statement, at any depth."""
    i = 0
    while i < len(body):
        stmt = body[i]
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, S.FunctionDef):
                insert_guards(inner, guards, make)
        if id(stmt) in guards:
            body.insert(i, make(*guards[id(stmt)]))
            i += 1
        i += 1


def _stem(atom):
    return atom.id if isinstance(atom, S.Name) else "value"
