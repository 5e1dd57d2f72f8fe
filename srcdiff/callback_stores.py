"""What a callback stores where the differentiated code reads it back (stage 3, lower: called
by idioms.reads_instead). Takes the lowering, the call statement and the callback (a
function of the user's run for its effects on read-only views: runtime_idioms.call_reading);
gives back nothing, or raises a located refusal where code srcdiff differentiates may read
what the callback stores.

A callback given a value being differentiated runs on its primal value and carries no
derivative. That is right for what callbacks are for (printing, plotting, keeping a history
of losses), and wrong where the function then reads the stored value back:

    def record(v):
        losses.append(v)             # a global list

    def f(x):
        record(np.sum(x * 2.0))
        return losses[-1] * np.sum(x)   # reads the stored value: its derivative is lost

What a callback may change is read from its syntax, and that of the functions of the user's
it calls: if it writes anything anywhere (an item, an attribute, a mutating method such as
`append` or `update`, a `global` or `nonlocal` name), every mutable object it reaches through
a free name is taken as changed, with the attribute names it writes (`self.hist.append(v)`
changes `hist`). The readers are the functions srcdiff differentiates or runs for the
function being differentiated: it and every function of the user's its code reaches through
names (globals, closure cells, classes and their methods, the objects' classes), the
callback itself left out. A reader naming a changed object, a changed attribute or a
rebound global is refused at the callback's call; a callback nothing reads back runs as
before.
"""
import inspect
import sys
import types

from . import syntax as S

MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "popitem",
                      "remove", "clear", "add", "discard", "appendleft", "extendleft",
                      "put", "fill", "sort", "reverse", "itemset", "resize", "__setitem__",
                      "__setattr__", "__iadd__", "write"})


def check(low, stmt, callback):
    """Refuse `stmt`, a call of `callback` run on read-only views, where a function srcdiff
    differentiates for the derivative being made may read what the callback stores."""
    from .resolver import _STATE
    if not _STATE.home:
        return
    changed = _changes(callback)
    if changed is None:
        return
    name = getattr(callback, "__qualname__", getattr(callback, "__name__", "the callback"))
    for var in _enclosing_reads(low, callback):
        raise low.source.error(
            stmt.sd.line, f"{name} is called for its effects with a value being "
            f"differentiated, and may change {var}, which this function reads: the value "
            f"{name} stores there carries no derivative, so srcdiff's derivative would be wrong",
            hint=f"return the value from {name} and bind it here; a callback may print, plot "
                 "or keep values nothing differentiated reads back")
    root = getattr(_STATE.home[0], "fn", None)
    if root is None:
        return
    for reader, what in _readers(root, low, callback, changed):
        raise low.source.error(
            stmt.sd.line, f"{name} is called for its effects with a value being "
            f"differentiated, and changes {what}, which {reader} reads: the value {name} "
            "stores there carries no derivative, so srcdiff's derivative would be wrong",
            hint=f"return the value from {name} and pass it on where it is needed; a "
                 "callback may print, plot or keep values nothing differentiated reads back")


def check_appended(low, stmt, lst, name):
    """Refuse `stmt`, `name.append(v)` into the list `lst` reached by a free name, where a
    function srcdiff differentiates for the derivative being made reads `lst` other than to
    append to it (the values appended carry no derivative): the function being lowered by
    its syntax, the functions reached from the one differentiated by their code, then
    their syntax where they name the list."""
    from .resolver import _STATE
    where = _only_appends(low.source.node, name)
    if where is not None:
        raise low.source.error(where, f"{name} is appended a value being differentiated and "
                               f"read here: the values kept in {name} carry no derivative, "
                               "so srcdiff's derivative would be wrong",
                               hint=f"keep {name} for values nothing differentiated reads "
                                    "back (a history of losses), and pass on the value itself")
    if not _STATE.home or getattr(_STATE.home[0], "fn", None) is None:
        return
    changed = _Changes()
    changed.objects[id(lst)] = (lst, name)
    for reader, what in _readers(_STATE.home[0].fn, low, None, changed, _appends_only):
        raise low.source.error(
            stmt.sd.line, f"{name} is appended a value being differentiated, and {reader} "
            f"reads {what}: the values kept there carry no derivative, so srcdiff's "
            "derivative would be wrong",
            hint=f"keep {name} for values nothing differentiated reads back (a history of "
                 "losses), and pass on the value itself")


def _only_appends(node, name):
    """None where every read of `name` in the def `node` is `name.append(...)` as a
    statement; else the first other read."""
    bases = {id(n.value.func.value) for n in S.walk(node) if isinstance(n, S.Expr) and
             isinstance(n.value, S.Call) and isinstance(n.value.func, S.Attribute) and
             n.value.func.attr == "append" and isinstance(n.value.func.value, S.Name)}
    for n in S.walk(node):
        if isinstance(n, S.Name) and n.id == name and id(n) not in bases:
            return n
    return None


def _appends_only(fn, name):
    """Whether the user's function `fn` only appends to `name` (read from its source;
    False where there is none)."""
    found = _syntax(fn)
    return found is not None and _only_appends(found[0], name) is None


def _enclosing_reads(low, callback):
    """The enclosing function's variables a nested def run as a callback reaches (lifted
    as its parameters: `seen.append(v)` into the caller's `seen`) that the enclosing
    function reads itself, outside its nested functions."""
    from .callables import LocalFunction
    if not isinstance(callback, LocalFunction) or not callback.free:
        return []
    free = set(callback.free)
    return sorted({n.id for n in S.own_nodes(low.source.node) if isinstance(n, S.Name)
                   and isinstance(n.ctx, S.Load) and n.id in free})


class _Changes:
    def __init__(self):
        self.objects = {}     # id -> (object, the name the callback reaches it by)
        self.attrs = set()    # attribute names written through
        self.globals = set()  # (id of a module's dict, name) rebound by `global`
        self.cells = {}       # id of a closure cell rebound by `nonlocal` -> its name


def _changes(callback):
    """What `callback` may change (a _Changes), or None where it writes nothing."""
    out = _Changes()
    writes = False
    seen = set()
    todo = [callback]
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        found = _syntax(fn)
        if found is None:
            continue
        node, env, cells = found
        local = _locals(node)
        w, attrs, declared = _writes(node)
        writes = writes or w
        out.attrs |= attrs
        for name in declared:
            if name in cells:
                out.cells[id(cells[name])] = name
            else:
                out.globals.add((id(env), name))
        for name in _free_loads(node, local):
            value = _resolve(name, env, cells)
            if value is _MISSING:
                continue
            if _is_user_code(value):
                todo.append(value)
            elif _mutable(value):
                out.objects[id(value)] = (value, name)
    if not writes:
        return None
    return out


_MISSING = object()


def _syntax(fn):
    """(FunctionDef, globals, closure cells by name) of a function of the user's, or None."""
    from .callables import LocalFunction
    if isinstance(fn, LocalFunction):
        return fn.source.node, fn.resolver.globals, dict(fn.resolver.cells)
    fn = getattr(fn, "__func__", fn)
    if not inspect.isfunction(fn):
        return None
    from . import frontend
    try:
        node = frontend.get_source(fn).node
    except Exception:   # no source: nothing is known, nothing refused here
        return None
    code = fn.__code__
    cells = dict(zip(code.co_freevars, fn.__closure__ or ()))
    return node, fn.__globals__, cells


def _locals(node):
    args = node.args
    names = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    names |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    declared = set()
    for n in S.walk(node):
        if isinstance(n, (S.Global, S.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
            names.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not node:
            names.add(n.name)
    return names - declared


def _writes(node):
    """(whether the body writes anything, the attribute names written through, the names
    declared global or nonlocal and bound)."""
    writes, attrs, declared = False, set(), set()
    bound = {n.id for n in S.walk(node) if isinstance(n, S.Name) and
             isinstance(n.ctx, (S.Store, S.Del))}
    for n in S.walk(node):
        if isinstance(n, (S.Global, S.Nonlocal)):
            hit = set(n.names) & bound
            declared |= hit
            writes = writes or bool(hit)
        elif isinstance(n, (S.Subscript, S.Attribute)) and isinstance(n.ctx, (S.Store, S.Del)):
            writes = True
            attrs |= _attrs_of(n)
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS:
            writes = True
            attrs |= _attrs_of(n.func.value)
        elif isinstance(n, S.AugAssign) and not isinstance(n.target, S.Name):
            writes = True
            attrs |= _attrs_of(n.target)
    return writes, attrs, declared


def _attrs_of(node):
    """The attribute names along a chain `a.b[k].c` (b and c)."""
    out = set()
    while isinstance(node, (S.Subscript, S.Attribute)):
        if isinstance(node, S.Attribute):
            out.add(node.attr)
        node = node.value
    return out


def _free_loads(node, local):
    return sorted({n.id for n in S.walk(node) if isinstance(n, S.Name) and
                   isinstance(n.ctx, S.Load) and n.id not in local})


def _resolve(name, env, cells):
    if name in cells:
        try:
            return cells[name].cell_contents
        except ValueError:
            return _MISSING
    if name in env:
        return env[name]
    return _MISSING


def _mutable(value):
    """Whether a value read by name can be changed in place: lists, dicts, sets, arrays,
    deques, and objects of the user's classes."""
    import collections
    import numpy
    if isinstance(value, (list, dict, set, bytearray, numpy.ndarray, collections.deque)):
        return True
    if isinstance(value, (types.ModuleType, type)) or callable(value):
        return False
    return _user_module(type(value).__module__)


def _is_user_code(value):
    from .callables import LocalFunction
    if isinstance(value, LocalFunction):
        return True
    fn = getattr(value, "__func__", value)
    return inspect.isfunction(fn) and _user_module(fn.__module__)


def _user_module(name):
    if not name or name.split(".")[0] in ("srcdiff", "numpy", "scipy"):
        return name == "srcdiff.generated"
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None) or ""
    if name == "__main__" or not path:
        return True
    return "site-packages" not in path and not path.startswith(
        (sys.base_prefix + "/lib", sys.prefix + "/lib/python"))


# -- the readers -----------------------------------------------------------------------------
def _readers(root, low, callback, changed, harmless=None):
    """(the reader's name, what it reads) for each function reached from `root` (the
    function being differentiated) whose code reads what `changed` holds. The methods of
    the classes in play (the root's object's, the objects passed in, those read by name) are
    reached where a reached function names them (`self.step(x)`). `harmless(fn, name)`:
    whether a function naming a changed object only does what cannot read it back."""
    skip = {id(getattr(callback, "__func__", callback))}
    todo = [getattr(root, "__func__", root)]
    classes = list(getattr(low, "known_types", {}).values())
    owner = getattr(root, "__self__", None)
    if owner is not None:
        classes.append(type(owner))
    seen = set()
    while todo:
        fn = todo.pop()
        if id(fn) in seen or id(fn) in skip or not inspect.isfunction(fn):
            continue
        seen.add(id(fn))
        env = fn.__globals__
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        names = _code_names(fn.__code__)
        for name in sorted(names):
            if (id(env), name) in changed.globals:
                yield fn.__qualname__, f"the global {name}"
                return
            cell = cells.get(name)
            if cell is not None and id(cell) in changed.cells:
                yield fn.__qualname__, f"the variable {name}"
                return
            if name in changed.attrs:
                yield fn.__qualname__, f"the attribute .{name}"
                return
            for cls in classes:
                todo += _method(cls, name)
            value = _resolve(name, env, cells)
            if value is _MISSING:
                continue
            if id(value) in changed.objects and not (harmless and harmless(fn, name)):
                yield fn.__qualname__, f"{changed.objects[id(value)][1]}"
                return
            todo += _reached(value, classes)


def _code_names(code):
    names = set(code.co_names) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _reached(value, classes):
    """The functions of the user's a value read by name leads to (a user class met is put
    in play: its methods are reached where code names them)."""
    if isinstance(value, types.MethodType):
        classes.append(type(value.__self__))
        return [value.__func__]
    if inspect.isfunction(value):
        return [value] if _user_module(value.__module__) else []
    if isinstance(value, type):
        if _user_module(value.__module__):
            classes.append(value)
            return _method(value, "__init__") + _method(value, "__call__")
        return []
    if isinstance(value, types.ModuleType) or not _user_module(type(value).__module__):
        return []
    classes.append(type(value))
    return _method(type(value), "__call__")


def _method(cls, name):
    """The user's function `name` is in cls (a method, static or class method, a
    property's getter), or []."""
    for klass in getattr(cls, "__mro__", ())[:-1]:
        if name in vars(klass):
            v = vars(klass)[name]
            v = getattr(v, "__func__", v)
            if isinstance(v, property):
                v = v.fget
            if inspect.isfunction(v) and _user_module(klass.__module__):
                return [v]
            return []
    return []
