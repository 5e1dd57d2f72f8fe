"""Loops over constant keys of a module-level (or local) dict of functions (stage 3, lower:
called by function_loops.py, which writes such loops out). Takes a loop's iterable, target and body
(gast) with the function's free-name resolver; gives back the keys to write the loop out
over (`names`) and whether its variable picks a function by key (`keyed`), and the locals
each copy binds to its own name (`own_locals`, `renamed`), or nothing where the loop does not
qualify.

    ACTS = {"tanh": np.tanh, "sin": np.sin}          # at module level

    def f(x):
        for name in ("tanh", "sin"):                 # or names = [...]; for name in names
            x = ACTS[name](x)                        # or g = ACTS[name]; x = g(x)
        y = 0.0
        for kind in ["tanh", "sin"]:
            y = y + helper(x, kind=kind)             # helper reads ACTS[kind]
        return np.sum(x) + np.sum(y)

A call needs its callee before the code runs, and `ACTS[name]` with `name` a loop's variable
is known only once the loop runs. Where the loop's items are string constants written in a
display (in the header, or a local bound once to one: function_loops._known_lists), the loop
is written out once per key with the key in place of the variable, so each copy reads
`ACTS["tanh"]` (function_dicts.item_held) or passes "tanh" to a helper, which is then
specialised on that key (function_dicts.keys_passed). Only a loop whose variable is used so
is written out (`keyed`): the index of a module-level dict of functions read in the body, or
an argument of a call of a user's function that reads such a dict (its own code or a
function it names, three calls deep); any other loop over strings stays a loop. A key taken
from data (a parameter holding a list of names, a value computed here) is no display, so the
loop stays a loop and the read is refused at its line as before.

A local table of functions is read the same way: a dict, list or tuple display bound once in
the function, holding a function and read only by items, in loops and by `len` (`ops = {"sin":
np.sin, "sq": lambda v: v * v}`, `for key in ["sin", "sq"]: ops[key](x)`; `local_tables`):
nothing the function does changes which function a key picks, and function_loops.py writes
out `for key in ops`, `for i in range(len(fs))` and `range(3)` over its keys too.

A local the body binds once, at its top level, to the function the key picks (`g =
ACTS[name]`, then `x = g(x)`) would be bound once per copy, and a call of a name bound twice
has no known callee: each copy binds it under a name of its own (`g_0`, `g_1`: `own_locals`,
`renamed`), where the name is read nowhere but in the body after that binding, bound nowhere
else and read by no closure (whose trip would then matter).
"""
from . import syntax as S
from .function_dicts import _reads_functions_dict, functions_dict
from .function_items import MAX_ITEMS, read_in_closure


def names(value):
    """The items of a list or tuple display of 1..MAX_ITEMS string constants, else None."""
    if isinstance(value, (S.List, S.Tuple)) and 0 < len(value.elts) <= MAX_ITEMS and all(
            isinstance(e, S.Constant) and type(e.value) is str for e in value.elts):
        return value.elts
    return None


def keyed(target, parts, resolve, bound, tables=()):
    """Whether a loop variable of `target` (a Name, or a tuple of them: `for i, name in
    enumerate(...)`) is, in `parts` (the body's statements or a comprehension's
    expressions), the index of a module-level dict of functions, of a local display of
    functions in `tables` (local_tables), or an argument of a call of a user's function
    reading such a dict (no name in `bound`, the function's own, is followed)."""
    variables = {n.id for n in S.walk(target) if isinstance(n, S.Name)}

    def is_var(node):
        return isinstance(node, S.Name) and node.id in variables and \
            isinstance(node.ctx, S.Load)

    for part in parts:
        for n in S.walk(part):
            if isinstance(n, S.Subscript) and is_var(n.slice) and _table(n.value, resolve,
                                                                        bound, tables):
                return True
            if isinstance(n, S.Call) and _free(n.func, bound) and (
                    any(is_var(a) for a in n.args) or
                    any(is_var(k.value) for k in n.keywords)) and \
                    _reads_dict(resolve(n.func.id)):
                return True
    return False


def _table(node, resolve, bound, tables):
    """Whether `node` names a module-level dict of functions or a local table (`tables`)."""
    return isinstance(node, S.Name) and node.id in tables or _free(node, bound) and \
        functions_dict(resolve(node.id))


def local_tables(fdef, is_function):
    """{name: (display, its binding)} for each local bound once, by an assignment, to a
    list, tuple or dict display (no starred item, no `**`) holding a function
    (`is_function(item)`), and read only by items (`ops[key]`, `fs[i]`), as a loop's
    iterable, by `len(name)` and by `name.items()` / `.values()` / `.keys()`: nothing the
    function does changes which function a key picks there."""
    parents, stores, bindings = {}, {}, {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[id(child)] = n
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], S.Name) and isinstance(n.value, (S.List, S.Tuple, S.Dict)):
            bindings[n.targets[0].id] = n
    declared = {name for n in S.walk(fdef) if isinstance(n, (S.Global, S.Nonlocal))
                for name in n.names}
    out = {}
    for name, stmt in bindings.items():
        value = stmt.value
        items = value.values if isinstance(value, S.Dict) else value.elts
        if stores.get(name) != 1 or name in declared or not 0 < len(items) <= MAX_ITEMS or \
                any(isinstance(e, S.Starred) for e in items) or None in getattr(
                    value, "keys", ()) or not any(is_function(e) for e in items):
            continue
        if all(_read_only(n, parents) for n in S.walk(fdef) if isinstance(n, S.Name) and
               n.id == name and isinstance(n.ctx, S.Load)):
            out[name] = (value, stmt)
    return out


def _read_only(node, parents):
    """Whether the load `node` of a local table reads it without changing it (local_tables)."""
    up = parents.get(id(node))
    if isinstance(up, S.Subscript) and up.value is node:
        return isinstance(up.ctx, S.Load)
    if isinstance(up, (S.For, S.comprehension)) and up.iter is node:
        return True
    if isinstance(up, S.Call) and isinstance(up.func, S.Name) and up.func.id == "len" and \
            up.args == [node] and not up.keywords:
        return True
    call = parents.get(id(up))
    return isinstance(up, S.Attribute) and up.attr in ("items", "values", "keys") and \
        isinstance(call, S.Call) and call.func is up and not call.args and not call.keywords


def _free(node, bound):
    return isinstance(node, S.Name) and node.id not in bound


def _reads_dict(fn):
    from .callables import is_user_function
    return is_user_function(fn) and _reads_functions_dict(fn, 3, set())


def own_locals(fdef, loop, resolve, bound, tables=()):
    """The names the body of `loop` (a For over keys) binds once, at its top level, to
    `D[var]` (D a module-level dict of functions, var a variable of the loop's target), read
    nowhere in `fdef` but in
    the body's statements after that binding, bound nowhere else, declared neither global
    nor nonlocal and read by no def or lambda of the body."""
    declared = {name for n in S.walk(fdef) if isinstance(n, (S.Global, S.Nonlocal))
                for name in n.names}
    variables = {n.id for n in S.walk(loop.target) if isinstance(n, S.Name)}
    out = set()
    for i, stmt in enumerate(loop.body):
        if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and
                isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Subscript)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if not (isinstance(value.slice, S.Name) and value.slice.id in variables and
                _table(value.value, resolve, bound, tables)):
            continue
        if name in variables or name in declared:
            continue
        after = {id(n) for s in loop.body[i + 1:] for n in S.walk(s)}
        uses = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name]
        stores = [n for n in uses if not isinstance(n.ctx, S.Load)]
        if len(stores) != 1 or stores[0] is not stmt.targets[0] or any(
                isinstance(n.ctx, S.Load) and id(n) not in after for n in uses):
            continue
        if any(isinstance(n, (S.FunctionDef, S.AsyncFunctionDef)) and n.name == name
               for n in S.walk(fdef)) or read_in_closure(fdef, loop.body, {name}):
            continue
        out.add(name)
    return out


class Keys(S.List):
    """The keys of a local bound once to a display of string constants (function_loops'
    known lists): written out only where a loop's variable picks functions by them."""
    _fields = S.List._fields
