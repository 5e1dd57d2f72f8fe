"""Functions read from a module-level dict of functions (stage 3, lower: called by
values.py and function_loops.py). Takes a subscript `D[k]` (gast) with the lowering's state,
or a free name with the function's resolver; gives back the function `D[k]` holds where
srcdiff can tell before the code runs, the run-time check of a key read from a parameter,
the (key, item) pairs of `D.items()`, or a located refusal.

    ACTS = {"tanh": np.tanh, "sin": np.sin}          # at module level

    def f(x, y, act="sin"):
        g = ACTS[act]                                # ACTS["tanh"](x) and
        return np.sum(g(x) * y)                      # for k, g in ACTS.items() too

A call needs its callee before the code runs. A module-level dict is read as the functions
it holds when the code is compiled, as a module-level name is (`act = np.tanh` at module
level): `ACTS["tanh"]` is numpy.tanh, and `for k, g in ACTS.items()` is written out once
per pair, each with `ACTS[k]` in place of `g` (function_loops.py). A key written as a
constant is known; a key read from a parameter with a constant default (`act="sin"`) is
specialised on that default and checked where the code runs (`check_key`): a call passing
another key is refused there rather than differentiated through the wrong function. A key
known only at run time (a parameter without a default, a value computed here) is refused at
the call's line, with what to write instead (pass the function itself, or call
`ACTS["tanh"]` where it is chosen).
"""
from . import syntax as S

MAX_PAIRS = 8   # a larger dict's loop stays a loop (function_items.MAX_ITEMS)


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
    return obj if functions_dict(obj) else None


def _key(lw, index):
    """(key, parameter) for the subscript's index: a constant (parameter None), or a
    parameter never rebound whose default is a constant; None otherwise."""
    from .core import assigned_names
    if isinstance(index, S.Constant):
        return index.value, None
    if not isinstance(index, S.Name) or index.id not in lw.params or \
            index.id in assigned_names(lw.fdef.body):
        return None
    args = lw.fdef.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults)) + [
        (a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for arg, default in pairs:
        if arg.id == index.id and isinstance(default, S.Constant):
            return default.value, index.id
    return _checked_key(lw, index.id)


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
    if key is None:
        raise lw.error(node, f"srcdiff cannot tell which function of {shown} this key names "
                       "before the code runs, so it cannot differentiate the call",
                       hint=f"write the key ({shown}[{next(iter(table))!r}]), give the "
                            "parameter holding it a constant default, or pass the function "
                            "itself as an argument")
    if key[0] not in table:
        raise lw.error(node, f"{shown} has no key {key[0]!r}",
                       hint=f"use one of its keys: {', '.join(map(repr, table))}")
    return table[key[0]]   # values.item_held keeps it where it is a function value


def guard(lw, func, out):
    """Before a call through `func` (`D[act]`, or a local bound once to it): where the key
    is a parameter's default, the check that the key passed is that default
    (runtime_values.check_key), appended to `out`."""
    from .objects import _single_bindings
    if isinstance(func, S.Name):
        func = _single_bindings(lw).get(func.id)
    if not isinstance(func, S.Subscript) or _module_dict(lw, func.value) is None:
        return
    key = _key(lw, func.slice)
    if key is None or key[1] is None:
        return
    from . import runtime_values
    from .core import Kind
    from .errors import where
    lw.bindings["check_key"] = runtime_values.check_key
    check = S.Call(func=S.load("check_key"), args=[
        S.load(key[1]), S.const(key[0]), S.const(func.value.id),
        S.const(where(lw.src.filename, lw.line))], keywords=[])
    out.append(lw.info(S.Expr(value=check), Kind.EFFECT, func=runtime_values.check_key))


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
