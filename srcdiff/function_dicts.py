"""Functions read from a module-level dict of functions (stage 3, lower: called by
values.py, function_loops.py and variadic.py). Takes a subscript `D[k]` (gast) with the
lowering's state, or a free name (a dict display) with the function's resolver, or a call's
arguments (`keys_passed`: the keys a caller passes are noted); gives back the function
`D[k]` holds where srcdiff can tell before the code runs, the run-time checks of the key and
item read, the (key, item) pairs of `D.items()` (of a dict display's too) and the check of
D's keys before a loop written out over them, or a located refusal.

    ACTS = {"tanh": np.tanh, "sin": np.sin}          # at module level

    def f(x, y, act="sin"):
        g = ACTS[act]                                # ACTS["tanh"](x) and
        return np.sum(g(x) * y)                      # for k, g in ACTS.items() too

A module-level list or tuple of functions is read the same way, keyed by position
(`LAYERS[1](x)`, a constant index).

A call needs its callee before the code runs. A module-level dict is read as the functions
it holds when the code is compiled, as a module-level name is (`act = np.tanh` at module
level): `ACTS["tanh"]` is numpy.tanh, and `for k, g in ACTS.items()` is written out once
per pair, each with `ACTS[k]` in place of `g` (function_loops.py). A key written as a
constant is known; a key read from a parameter is specialised on the string constant the
caller passes for it (`act(x, "relu")`, `act(x, kind=KIND)`: keys_passed), else on the
parameter's constant default (`act="sin"`), and checked where the code runs (`check_key`):
a call passing another key is refused there rather than differentiated through the wrong
function, and an
item whose function has an importable path is checked to be that function where it is
called (`check_item`: the dict changed since is refused); a loop written out over D's pairs
first asserts that D still has the keys it had (key_checks). A key
known only at run time (a parameter without a default, a value computed here) is refused at
the call's line, with what to write instead (pass the function itself, or call
`ACTS["tanh"]` where it is chosen).
"""
from . import syntax as S

MAX_PAIRS = 8   # a larger dict's loop stays a loop (function_items.MAX_ITEMS)
KEY = ".__key__"   # known_types["kind.__key__"]: the key a caller passed for `kind`


def functions_dict(obj):
    """Whether `obj` is a dict of a few items whose keys are strings or numbers and whose
    values include a function (not a class)."""
    return type(obj) is dict and 0 < len(obj) <= MAX_PAIRS and all(
        type(k) in (str, int) for k in obj) and any(
        callable(v) and not isinstance(v, type) for v in obj.values())


def _module_dict(lw, node):
    """The module-level dict `node` (a Name that is no local) names, or None."""
    if not isinstance(node, S.Name) or node.id in lw.locals:
        return None
    obj = lw._callee_object(node)
    if type(obj) in (list, tuple):   # FS = [sq, np.tanh]: FS[1] as a dict keyed by position
        obj = dict(enumerate(obj))
    return obj if functions_dict(obj) else None


def _key(lw, index):
    """(key, parameter) for the subscript's index: a constant (parameter None), or a
    parameter never rebound passed a constant key by the caller (keys_passed) or whose
    default is a constant; None otherwise."""
    from .core import assigned_names
    from .object_lists import constant_index
    if isinstance(index, S.Constant):
        return index.value, None
    if constant_index(index) is not None:   # FS[-1] of a module-level list
        return constant_index(index), None
    if not isinstance(index, S.Name) or index.id not in lw.params or \
            index.id in assigned_names(lw.fdef.body):
        return None
    passed = lw.known_types.get(index.id + KEY)
    if type(passed) is str:
        return passed, index.id   # act(x, "relu"): specialised on "relu", checked (guard)
    args = lw.fdef.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults)) + [
        (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for arg, default in pairs:
        if arg.id == index.id and isinstance(default, S.Constant):
            return default.value, index.id
    return _checked_key(lw, index.id)


def keys_passed(lw, fn, names, full, out):
    """The arguments `full` (atoms, in the order of `fn`'s parameters `names`) of a call of
    the user's function `fn` that reads a module-level dict of functions: each string
    constant passed (a literal, a module-level constant, a local bound once to a literal) is
    bound to a name known to hold it (the fact `name.__key__`), on which the callee is
    specialised, so
    `ACTS[kind]` there is the function that key picks (`_key`); the callee checks the key
    where it runs (guard: a module-level constant rebound since is refused there, as the
    default's key is). Other calls' arguments are given back as they are."""
    if not _reads_functions_dict(fn, 3, set()):
        return full
    from .core import Kind
    from .object_lists import known_values
    out_args = list(full)
    for i, (name, atom) in enumerate(zip(names, full)):
        key = _constant_string(lw, atom)
        if key is None:
            continue
        held = lw.temp(out, atom, Kind.COPY, name + "_key")   # a module-level name read
        lw.locals.add(held.id)
        known_values(lw)[held.id + KEY] = key   # the callee's `kind.__key__` (facts_for_callee)
        out_args[i] = held
    return out_args


def _reads_functions_dict(fn, depth, seen):
    """Whether the code of the user's function `fn` (its nested code too), or of a function
    of the user's it names, `depth` calls deep, names a module-level dict of functions."""
    from .callables import is_user_function
    scope, code = getattr(fn, "__globals__", None), getattr(fn, "__code__", None)
    if scope is None or code is None or id(code) in seen:
        return False
    seen.add(id(code))
    stack, names = [code], set()
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if hasattr(k, "co_names"))
    values = [scope.get(n) for n in names]
    return any(functions_dict(v) for v in values) or depth > 0 and any(
        is_user_function(v) and _reads_functions_dict(v, depth - 1, seen) for v in values)


def _constant_string(lw, atom):
    """The string `atom` surely holds where the call is made, or None: a literal, a
    module-level name (read when the code is compiled, as a module-level function is), a
    local bound once to a literal, a parameter passed such a key (checked where it is used
    as one)."""
    from .object_lists import _single_bindings
    if isinstance(atom, S.Constant):
        return atom.value if type(atom.value) is str else None
    if not isinstance(atom, S.Name):
        return None
    passed = lw.known_types.get(atom.id + KEY)
    if type(passed) is str and atom.id in lw.params:
        return passed   # a key passed on (the first callee's check_key checks it)
    if atom.id in lw.locals:
        value = _single_bindings(lw).get(atom.id)
        return value.value if isinstance(value, S.Constant) and type(value.value) is str \
            else None
    obj = lw.resolver.lookup(atom.id, None)
    return obj if type(obj) is str else None


def _checked_key(lw, name):
    """(key, name) where the function (a derivative srcdiff made, transformed again) checks
    the parameter `name` with `check_key(name, key, ...)`: the key it was compiled for; the
    call is checked again where it runs (guard)."""
    from . import runtime_values
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Call) and len(n.args) == 4 and isinstance(n.args[0], S.Name) and \
                n.args[0].id == name and isinstance(n.args[1], S.Constant) and \
                lw._callee_object(n.func) is runtime_values.check_key:
            return n.args[1].value, name
    return None


def item_held(lw, node):
    """The item `node` (`D[k]`, D a module-level dict of functions) reads, or None where
    `node` is no such subscript; a located refusal where the key is known only at run
    time."""
    if not isinstance(node, S.Subscript):
        return None
    table = _module_dict(lw, node.value)
    if table is None:
        return None
    key = _key(lw, node.slice)
    shown = node.value.id
    held = lw._callee_object(node.value)
    if key is None and type(held) in (list, tuple):
        return None   # FS[i] of a list: read by the other means (a loop written out, ...)
    if type(held) in (list, tuple) and type(key[0]) is int and -len(held) <= key[0] < 0:
        key = (key[0] + len(held), key[1])   # FS[-1]
    if key is None:
        raise lw.error(node, f"srcdiff cannot tell which function of {shown} this key names "
                       "before the code runs, so it cannot differentiate the call",
                       hint=f"write the key ({shown}[{next(iter(table))!r}]), loop over "
                            f"the pairs (for name, fn in {shown}.items()), give the parameter "
                            "holding the key a constant default, or pass the function itself "
                            "as an argument")
    if key[0] not in table:
        raise lw.error(node, f"{shown} has no key {key[0]!r}",
                       hint=f"use one of its keys: {', '.join(map(repr, table))}")
    return table[key[0]]   # values.item_held keeps it where it is a function value


def guard(lw, func, obj, ref, out):
    """Before a call through `func` (`D[k]`, or a local bound once to it) of `obj`, held in
    `ref`: where the key is a parameter's default, the check that the key passed is that
    default (runtime_values.check_key); where `obj` has an importable path, the check that
    the item read is still `obj` (check_item). Appended to `out`."""
    from .object_lists import _single_bindings
    if isinstance(func, S.Name):
        func = _single_bindings(lw).get(func.id)
    if not isinstance(func, S.Subscript) or _module_dict(lw, func.value) is None:
        return
    key = _key(lw, func.slice)
    if key is None:
        return
    from . import runtime_values
    from .callables import canonical_path
    from .errors import where
    here = S.const(where(lw.src.filename, lw.line))
    if key[1] is not None:
        _check(lw, out, "check_key", runtime_values.check_key, [
            S.load(key[1]), S.const(key[0]), S.const(func.value.id), here])
    path = canonical_path(obj)
    if path is not None and ref is not None:
        _check(lw, out, "check_item", runtime_values.check_item, [
            S.clone(ref), lw.bind(path, obj), S.const(f"{func.value.id}[{key[0]!r}]"),
            S.clone(here)])


def _check(lw, out, name, helper, args):
    """`name(*args)`, a call of the run-time check `helper`, appended to `out`."""
    from .core import Kind
    lw.bindings[name] = helper
    out.append(lw.info(S.Expr(value=S.Call(func=S.load(name), args=args, keywords=[])),
                       Kind.EFFECT, func=helper))


def pairs(name, resolve):
    """`name.items()` of a module-level dict of functions (`name` a free name the function
    never binds): its (key, name[key]) tuple displays, in the dict's order; None
    otherwise."""
    table = resolve(name)
    if not functions_dict(table):
        return None
    return [S.Tuple(elts=[S.const(k), S.Subscript(value=S.load(name), slice=S.const(k),
                                                   ctx=S.Load())], ctx=S.Load())
            for k in table]


def dict_read(node, resolve, bound):
    """The name D where `node` is `D.items()` or `D.values()`, D a module-level dict of
    functions and no name in `bound` (the function's own), and `tuple` the builtin (for
    key_check); else None."""
    if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
            node.func.attr in ("items", "values") and not node.args and not node.keywords \
            and isinstance(node.func.value, S.Name):
        name = node.func.value.id
        if name not in bound and "tuple" not in bound and resolve("tuple") is tuple and \
                functions_dict(resolve(name)):
            return name
    return None


def key_checks(iterable, resolve, bound, at):
    """For each module-level dict of functions whose pairs `iterable` reads (dict_read),
    `assert tuple(D) == (its keys now), why`, placed at `at`: a loop over D's pairs is
    written out once per pair it has when compiled (function_loops.py), so the code refuses
    to run once D has other keys (each item's function is checked where it is called:
    guard)."""
    out = []
    for node in S.walk(iterable):
        name = dict_read(node, resolve, bound)
        if name is None:
            continue
        keys = tuple(resolve(name))
        test = S.Compare(left=S.Call(func=S.load("tuple"), args=[S.load(name)], keywords=[]),
                         ops=[S.Eq()], comparators=[S.Tuple(elts=[S.const(k) for k in keys],
                                                            ctx=S.Load())])
        why = (f"srcdiff wrote this loop out once per item of {name}, keys {keys!r}, when it "
               f"compiled the code; {name} has other keys now: make the derivative again "
               "(srcdiff.grad)")
        out.append(S.place_unplaced(S.Assert(test=test, msg=S.const(why)), at))
    return out


class PairsOfDict(S.Tuple):
    """The (key, value) pairs of a dict display, as a tuple display (see display_pairs)."""
    _fields = S.Tuple._fields


def display_pairs(display):
    """A dict display of distinct constant keys as the tuple display of its (key, value)
    pairs, in order; None for a `**` spread, a computed key or a repeated one."""
    if not isinstance(display, S.Dict):
        return None
    keys = [k.value if isinstance(k, S.Constant) else None for k in display.keys]
    if any(not isinstance(k, S.Constant) for k in display.keys) or \
            len(set(map(repr, keys))) != len(keys):
        return None
    return PairsOfDict(elts=[S.Tuple(elts=[k, v], ctx=S.Load())
                             for k, v in zip(display.keys, display.values)], ctx=S.Load())
