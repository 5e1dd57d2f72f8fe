"""The lowering of a function being differentiated, kept for its next derivative (stage 3,
lower: called by transform.lower_function). Takes the function, what the lowering is given
(the classes and facts of the arguments, `known`; the parameters holding containers) and
`make`, which lowers it; gives back a frozen core.Lowered: make()'s, or a copy of the one
make() gave before for the same inputs while nothing it read has changed. grad,
value_and_grad and vjp of one function, and hvp's gradient, lower it the same way.

What a lowering reads, and where each is in the key or the checks (an entry is used only
when all agree, else made again; `derivative._compile_now`'s own key and deps are a subset):

* the function's code and defaults: the table is on the function (a function defined
  again is a new one), and the key has its `__code__` and its `__defaults__` and
  `__kwdefaults__` (by identity, as derivative.py's key);
* the arguments: `known` (classes of objects passed and the facts about them, a bound
  method's `self` included), the containers, the class of `self`: in the key, compared
  by type and value; `known` that can not be hashed is not kept;
* classes: the methods of the classes in `known` and of `self`'s (resolver.class_deps, as
  derivative.py adds them), and the functions, classes and modules the lowering found by
  name (resolver.tracking): the deps, checked by resolver.stale;
* every other name it looked up (globals, closure cells, builtins, a name not found) and
  attribute it read (`cfg.n`), whatever the value (numbers, lists, arrays, which the
  derivative reads live): resolver.reading, and every global and closure variable the
  code of the function, of the functions it found and of those these hold names
  (`_named_by_code`: what a step reads from a helper's globals directly, not through a
  Resolver); each must still be the same object, and a
  list, tuple, dict or object of the user's must still hold the same objects two levels
  down (an array the same shape and dtype), else the entry is made again;
* the derivative being made (frontend.home: the names the emitted module binds, the
  function whose readers callback_stores.py checks): an entry is made and used only for
  the function a derivative is being made of, lowered first (one home, of this function,
  with nothing bound yet); what the lowering bound in the home is bound again on a hit;
* the options of the transform (mode, wrt, shapes, has_aux, the tape check, checkpoint,
  backend, jit) are not read by the lowering: they come after it (transform.py);
* a derivative called inside the function (compose_calls.py makes and names its functions
  per derivative: `not_kept`): such a lowering is not kept;
* srcdiff's own code and settings, and the rules (extend.py calls clear_cache, which
  empties the table): only through a derivative being made (`making`, set by
  derivative.py), never for a lowering asked for directly (a test replacing one of
  srcdiff's functions); SRCDIFF_NO_LOWERING_CACHE=1 (or ENABLED = False) turns it off.

A copy shares nothing the later stages change: the statements are cloned, and their facts
(core.Info, a loop's LoopInfo, a call's UserCall operands) copied; the namer is deep-copied,
the bindings, known_types and kinds are new dicts. An entry keeps the values it read (so
that "the same object" can not be a new one at a freed one's address).
"""
import copy
import os
import threading
import types

from . import syntax as S
from .core import Lowered, UserCall
from .function_tables import derivatives_of
from .resolver import MISSING, _STATE, _AttributesOf, class_deps, reading, stale, tracking

ENABLED = os.environ.get("SRCDIFF_NO_LOWERING_CACHE", "") in ("", "0")

_LARGE = 1000   # a container read with more items than this: its lowering is not kept


class _Making(threading.local):
    def __init__(self):
        self.depth = 0
        self.kept = []   # one flag per lowering being made: whether it may be kept


_MAKING = _Making()


class making:
    """`with making():` while derivative.py makes a derivative: only then are lowerings
    kept and used."""

    def __enter__(self):
        _MAKING.depth += 1
        return self

    def __exit__(self, *exc):
        _MAKING.depth -= 1
        return False


def not_kept():
    """Called by a lowering step whose result is made per derivative (compose_calls.py: a
    derivative called inside, its functions named and set anew each time): the lowerings
    being made now are not kept."""
    for i in range(len(_MAKING.kept)):
        _MAKING.kept[i] = False


def lowered(fn, known, containers, self_type, make):
    """make() (a frozen core.Lowered), or a copy of the one it gave for these inputs."""
    home = _STATE.home
    if not ENABLED or not _MAKING.depth or len(home) != 1 or home[0].fn is not fn or \
            home[0].aliases or home[0].taken:
        return make()
    key = ("lowered", _exact(tuple(sorted(known.items(), key=lambda kv: kv[0]))),
           frozenset(containers), self_type, _Same(getattr(fn, "__defaults__", None)),
           _Same(getattr(fn, "__kwdefaults__", None)), getattr(fn, "__code__", None))
    try:
        hash(key)
    except TypeError:
        return make()
    table = derivatives_of(fn)
    kept = table.get(key)
    if kept is not None and not stale(kept.deps) and not _changed(kept.reads):
        if _STATE.tracking:
            _STATE.tracking[-1].extend(kept.deps)   # the derivative depends on them too
        if _STATE.reads:   # (a lowering around this one: it read them too)
            _STATE.reads[-1].extend(r[:3] for r in kept.reads)
        home[0].aliases.update(kept.aliases)
        home[0].taken.update(kept.taken)
        return copy_lowered(kept.low)
    _MAKING.kept.append(True)
    try:
        with tracking() as deps, reading() as reads:
            low = make()
    finally:
        keep = _MAKING.kept.pop()
    if _STATE.tracking:
        _STATE.tracking[-1].extend(deps)
    if _STATE.reads:
        _STATE.reads[-1].extend(reads)
    classes = [v for v in known.values() if isinstance(v, type)]
    if self_type is not None:
        classes.append(self_type)
    for cls in dict.fromkeys(classes):
        class_deps(cls, deps)   # (as derivative.py adds them to the derivative's)
    named = _named_by_code([fn] + [obj for _, _, obj in deps] + [v for _, _, v in reads] +
                           list(known.values()))
    snapshots = _snapshots(reads + named) if keep and named is not None else None
    if snapshots is None:
        table.pop(key, None)
        return low
    table[key] = _Entry(copy_lowered(low), tuple(deps), snapshots, dict(home[0].aliases),
                        set(home[0].taken))
    return low


class _Entry:
    __slots__ = ("low", "deps", "reads", "aliases", "taken")

    def __init__(self, low, deps, reads, aliases, taken):
        self.low, self.deps, self.reads = low, deps, reads
        self.aliases, self.taken = aliases, taken


def _exact(value):
    """value with each item paired with its type (1, 1.0 and True are one key otherwise)."""
    if type(value) is tuple:
        return (tuple, tuple(_exact(v) for v in value))
    if type(value) is frozenset:
        return (frozenset, frozenset(_exact(v) for v in value))
    return (type(value), value)


_FUNCTIONS = 200   # functions whose globals a lowering's entry checks, at most


def _named_by_code(found):
    """(namespace, name, value) for every global and closure variable the code of each
    function among `found` names, and of each function those hold, transitively: what a
    step of the lowering may read from a helper's globals directly (factories.py,
    generator_inline.py, callback_stores.py, ...), not through a Resolver. None past
    _FUNCTIONS functions."""
    import types
    out, seen = [], set()
    work = [f.__func__ if isinstance(f, types.MethodType) else f for f in found]
    while work:
        f = work.pop()
        if type(f) is not types.FunctionType or id(f) in seen:
            continue
        seen.add(id(f))
        if len(seen) > _FUNCTIONS:
            return None
        names = set()
        codes = [f.__code__]
        while codes:
            code = codes.pop()
            names.update(code.co_names)
            codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
        namespace = f.__globals__
        for name in sorted(names):
            value = namespace.get(name, MISSING)
            out.append((namespace, name, value))
            work.append(value)
        for cell in f.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                value = MISSING
            out.append((cell, None, value))
            work.append(value)
    return out


def _read_now(where, name):
    if name is None:   # a closure cell
        try:
            return where.cell_contents
        except ValueError:
            return MISSING
    try:
        return where[name]
    except KeyError:
        return MISSING


def _snapshots(reads):
    """(where, name, value, contents) for each read; None where one can not be checked. A
    place read again is checked once: the same name in the same namespace, or the same
    attribute of the same object (each read of `np.sum` records its own _AttributesOf of
    the module: the place is the object, not its wrapper)."""
    out = []
    seen = set()
    for where, name, value in reads:
        place = (id(where.owner), True, name) if type(where) is _AttributesOf \
            else (id(where), False, name)
        if place in seen:
            continue
        seen.add(place)
        contents = _contents(value, 2)
        if contents is _UNCHECKED:
            return None
        out.append((where, name, value, contents))
    return tuple(out)


def _changed(reads):
    """Whether a name or attribute read now holds another object, or what it holds changed."""
    for where, name, value, contents in reads:
        try:
            now = _read_now(where, name)
        except Exception:  # noqa: BLE001 (a property that raises now: made again)
            return True
        if now is not value or _contents(now, 2) != contents:
            return True
    return False


_UNCHECKED = ("unchecked",)


class _Same:
    """An object compared by identity (kept, so its address is not a new object's)."""
    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, _Same) and self.obj is other.obj

    def __hash__(self):
        return id(self.obj)


def _contents(value, depth):
    """What a list, tuple, dict, set or object of the user's holds, `depth` levels down, as
    objects compared by identity; an array's shape and dtype; None for anything else."""
    t = type(value)
    if t.__module__ == "numpy" and t.__name__ == "ndarray":
        return ("array", value.shape, value.dtype)
    if isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, dict):
        items = [x for kv in value.items() for x in kv]
    elif isinstance(value, (set, frozenset)):
        items = sorted(value, key=id)
    elif hasattr(value, "__dict__") and not isinstance(
            value, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                    types.MethodType)) and type(getattr(value, "__dict__", None)) is dict:
        items = [t] + [x for kv in vars(value).items() for x in kv]
    else:
        return None
    if len(items) > _LARGE:
        return _UNCHECKED
    out = []
    for item in items:
        inner = _contents(item, depth - 1) if depth > 1 else None
        if inner is _UNCHECKED:
            return _UNCHECKED
        out.append((_Same(item), inner))
    return (t, tuple(out))


def copy_lowered(low):
    """A copy of a frozen Lowered sharing nothing a later stage changes."""
    loops = {}

    def facts(node):
        sd = node.__dict__.get("sd")
        if sd is None:
            return
        new = copy.copy(sd)
        if sd.loop is not None:
            new.loop = loops.get(id(sd.loop))
            if new.loop is None:
                new.loop = loops[id(sd.loop)] = copy.copy(sd.loop)
        if sd.user_call is not None:
            new.user_call = UserCall(sd.user_call.form, S.clone(list(sd.user_call.args)))
        node.sd = new

    body = S.clone(low.body)
    for stmt in body:
        for node in S.nodes(stmt):
            facts(node)
    defaults = {k: S.clone(v) for k, v in low.defaults.items()}
    new = Lowered(low.name, list(low.params), defaults, body, copy.deepcopy(low.namer),
                  dict(low.bindings), low.source)
    new.known_types = dict(low.known_types)
    new.kinds = dict(low.kinds)
    return new.freeze()
