"""Items of a display of functions made where the display is, bound to names before it, and
displays of functions passed to a helper (stage 3, lower: called by function_loops.py, which
unrolls loops over such displays, and by lower_calls.py and variadic.bind_call). Takes a
list or tuple display (gast), the function's free-name resolver and its local facts; gives
back the assignments binding each item computed there (an object made here, a lambda, x[0])
to a fresh name, the display then naming them, or nothing where the display does not qualify;
for a display passed (`summed(x, [np.sin, act])`, `*args` of functions), the facts the
callee is specialised on (`passed_display`, `item_facts`).

A helper passed a list or tuple of functions knows, where it is compiled, the function each
item holds (`fs[i]` -> values.Known) and how many there are (`fs.__len__`), as the function
differentiated does for a list passed in (values.function_items): a call `fs[0](x)` is a
call of that function, and a loop `for f in fs` is written out once per item with `fs[i]`
in place of f (function_loops.parameter_lists), where the helper reads fs only by items and
never rebinds it; otherwise such a call is refused at its line, as before.

A display evaluates its items where it is written, once: `fs = [np.tanh, Dense(0.5, 0.1)]`
is `item_0 = Dense(0.5, 0.1); fs = [np.tanh, item_0]`, and a for header's display (`for g, c
in zip(fs, (x[0], 0.5))`) is evaluated before the loop's first trip, so binding those items
to names just before computes the same values in the same order (the other items are names,
attribute paths and constants, which read nothing a call could change). function_loops.py
then writes out the loop once per item, with the names in place of the loop's variable. In a
loop (or a branch) the binding runs where the display does, once per trip: the name then
holds that trip's object, whose class the lowering reads from its one binding (objects.py),
so an object made in a loop (`for k in range(n): fs = [np.tanh, Dense(t[0], s)]`) is
followed as one made in the function's own body.

A closure in the loop's body reading the loop's variables (`lam = lambda t: -t * c`) sees
the item of the trip it runs in, not the one it was made in: the loop is written out only
where each such def or lambda is called in the trip that makes it (read_in_closure).
"""
from . import syntax as S

MAX_ITEMS = 8   # a longer list stays a loop (and its calls are refused)


def simple(node, resolve, local_defs):
    """Whether `node` is an item the copies may repeat: a constant, a free name or attribute
    path, a nested def's name, a local bound once (see _local_defs) or a parameter the body
    never binds again; a tuple of those."""
    if isinstance(node, S.Constant):
        return True
    if isinstance(node, S.Tuple):
        return all(simple(e, resolve, local_defs) for e in node.elts)
    base = node
    while isinstance(base, S.Attribute):
        base = base.value
    if not isinstance(base, S.Name):
        return False
    if base.id in local_defs or base.id in local_defs.once or base.id in getattr(
            local_defs, "params", ()):   # (a parameter never bound again: the object passed)
        return base is node
    return base.id not in local_defs.stored and resolve(base.id) is not None


def is_function(node, resolve, local_defs, depth=0):
    """Whether the item `node` is a function (not a class): a lambda, a def of the body, a
    local bound once to one, a free name or attribute path holding one."""
    if isinstance(node, S.Tuple):
        return any(is_function(e, resolve, local_defs, depth) for e in node.elts)
    if isinstance(node, S.Lambda) or isinstance(node, S.Name) and node.id in local_defs:
        return True
    if isinstance(node, S.Name) and node.id in local_defs.once:
        return depth < 8 and is_function(local_defs.once[node.id], resolve, local_defs,
                                         depth + 1)
    path = []
    while isinstance(node, S.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, S.Name) or node.id in local_defs.stored:
        return False
    obj = resolve(node.id)
    for attr in reversed(path):
        obj = getattr(obj, attr, None)
    return callable(obj) and not isinstance(obj, type)


def hoisted(display, resolve, local_defs, taken, need_function=True):
    """For a list or tuple display with a function among its items (any, without
    `need_function`), the items that are not
    simple (a callable object made here, a lambda, x[0]) each replaced in the display by a
    fresh name, and the assignments binding those names (marked `sd_hoisted`); [] where
    there is none or the display does not qualify."""
    if not 0 < len(display.elts) <= MAX_ITEMS or any(
            isinstance(n, (S.Starred, S.NamedExpr, S.Yield, S.YieldFrom, S.Await))
            for e in display.elts for n in S.walk(e)):
        return []
    if need_function and not any(is_function(e, resolve, local_defs) for e in display.elts):
        return []
    out = []
    for k, e in enumerate(display.elts):
        if simple(e, resolve, local_defs):
            continue
        n = 0
        while f"item_{n}" in taken:
            n += 1
        name = f"item_{n}"
        taken.add(name)
        stmt = S.Assign(targets=[S.store(name)], value=e, type_comment=None)
        stmt.sd_hoisted = True
        out.append(stmt)
        display.elts[k] = S.load(name)
    return out


def read_in_closure(fdef, body, names):
    """Whether a nested def or lambda of the loop `body` reads one of the loop's variables
    `names` and may run in a trip other than the one making it, where Python's closure
    would read that trip's item: all but a def, or `name = lambda ...`, that is a statement
    of the body itself whose name fdef binds nowhere else and reads only as the callee of
    calls in the body after it, in no nested def, lambda or generator expression (so it
    runs in its trip)."""
    closures = [n for node in body for n in S.walk(node) if isinstance(
        n, (S.Lambda, S.FunctionDef, S.AsyncFunctionDef)) and any(
        isinstance(m, S.Name) and m.id in names for m in S.walk(n))]
    if not closures:
        return False
    local = {}
    for at, stmt in enumerate(body):
        if isinstance(stmt, S.FunctionDef):
            local[id(stmt)] = stmt.name, at
        elif isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], S.Name) and isinstance(stmt.value, S.Lambda):
            local[id(stmt.value)] = stmt.targets[0].id, at
    for closure in closures:
        if id(closure) not in local or not _called_in_its_trip(fdef, body, *local[id(closure)]):
            return True
    return False


def _called_in_its_trip(fdef, body, name, at):
    """Whether fdef binds `name` only at the body's statement `at` and reads it only as the
    callee of calls in the body's statements after it, outside nested defs, lambdas and
    generator expressions, and declares it neither global nor nonlocal."""
    inner, callees = set(), set()
    for n in S.walk(fdef):
        if isinstance(n, (S.Global, S.Nonlocal)) and name in n.names:
            return False
        if isinstance(n, (S.Lambda, S.FunctionDef, S.AsyncFunctionDef, S.GeneratorExp)) and \
                n is not fdef:   # a generator expression runs when it is consumed
            inner.update(id(m) for m in S.walk(n) if m is not n)
        if isinstance(n, S.Call) and isinstance(n.func, S.Name):
            callees.add(id(n.func))
    after = {id(n) for stmt in body[at + 1:] for n in S.walk(stmt)}
    binding = body[at]
    for n in S.walk(fdef):
        if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef)) and n.name == name and \
                n is not binding:
            return False
        if not (isinstance(n, S.Name) and n.id == name):
            continue
        if isinstance(n.ctx, S.Load):
            if id(n) not in after or id(n) in inner or id(n) not in callees:
                return False
        elif not (isinstance(binding, S.Assign) and n is binding.targets[0]):
            return False
    return True


def displays_passed(lw, call, out):
    """`call` (a call of the user's function, before its arguments are lowered) with each
    argument that is a display of functions lowered first (passed_display) and named by the
    name it is bound to, so the callee is specialised on the functions; a local argument
    bound once to such a display noted so too (_note_bound_list). A copy where any changed."""
    import copy
    from .values import argument
    args, keywords, changed = [], [], False
    for node in call.args + [k.value for k in call.keywords]:
        atom = passed_display(lw, node, out, argument)
        changed = changed or atom is not None
        (args if len(args) < len(call.args) else keywords).append(atom or node)
    if not changed:
        return call
    new = copy.copy(call)
    new.args = args
    new.keywords = [S.keyword(arg=k.arg, value=v) for k, v in zip(call.keywords, keywords)]
    return new


def passed_display(lw, node, out, argument):
    """A list or tuple display of functions passed to the user's function (`apply(x,
    [np.sin, act])`): its items lowered as arguments (`argument`: a function value noted for
    the callee), the display bound to a name with the facts the callee is specialised on
    (`name[i]` -> the function item i holds, `name.__len__`; function_loops writes out the
    callee's loops over it); None where `node` is no such display."""
    from .core import Kind
    from .values import Known, known_values
    if isinstance(node, S.Name) and node.id in lw.locals:
        _note_bound_list(lw, node.id)
        return None
    if not isinstance(node, (S.List, S.Tuple)) or not 0 < len(node.elts) <= MAX_ITEMS or \
            any(isinstance(e, S.Starred) for e in node.elts):
        return None
    if not any(_function_item(lw, e) for e in node.elts):
        return None   # lowered as any display
    items = [argument(lw, e, out) for e in node.elts]
    facts = known_values(lw)
    held = {i: facts.get(a.id) for i, a in enumerate(items) if isinstance(a, S.Name)}
    atom = lw.temp(out, type(node)(elts=items, ctx=S.Load()), Kind.DISPLAY, "functions")
    lw.locals.add(atom.id)
    if isinstance(node, S.Tuple):
        facts[atom.id] = tuple
    facts[atom.id + ".__len__"] = len(items)
    facts.update({f"{atom.id}[{i}]": h for i, h in held.items() if isinstance(h, Known)})
    return atom


def item_facts(lw, atom, items):
    """For a *args tuple `atom` made of `items` (atoms): `atom[i]` -> the function item i
    holds, where `argument` noted one (variadic.bind_call)."""
    from .values import Known, known_values
    facts = known_values(lw)
    for i, a in enumerate(items):
        if isinstance(a, S.Name) and isinstance(facts.get(a.id), Known):
            facts[f"{atom.id}[{i}]"] = facts[a.id]


def _function_item(lw, node):
    """Whether `node`, an item of a display passed, is surely a function value: a lambda, a
    def of the function, or a module-level name or attribute path holding a function."""
    from .values import held, is_function_value
    if isinstance(node, S.Lambda) or isinstance(node, S.Name) and \
            node.id in lw.local_functions:
        return True
    if isinstance(node, S.Name) and node.id in lw.locals:   # act = np.tanh, bound once
        return is_function_value(held(lw, node.id))
    if isinstance(node, (S.Name, S.Attribute)) and lw._global_path(node) is not None:
        return is_function_value(lw._callee_object(node))
    return False


def _note_bound_list(lw, name):
    """A local bound once to a display whose every item values.item_held can tell (srcdiff's
    own code passing the display it bound, as a derivative transformed again does): the
    facts passed_display gives a display written in the call, on `name`."""
    from .objects import _single_bindings
    from .values import Known, item_held, known_values
    value = _single_bindings(lw).get(name)
    if not isinstance(value, (S.List, S.Tuple)) or not 0 < len(value.elts) <= MAX_ITEMS:
        return
    found = [item_held(lw, S.Subscript(value=S.load(name), slice=S.const(i), ctx=S.Load()))
             for i in range(len(value.elts))]
    if any(obj is None for obj in found):
        return
    facts = known_values(lw)
    facts[name + ".__len__"] = len(found)
    facts.update({f"{name}[{i}]": Known(obj) for i, obj in enumerate(found)})


def _item(name, i):
    """`name[i]`, read."""
    return S.Subscript(value=S.load(name), slice=S.const(i), ctx=S.Load())


def parameter_lists(fdef, known):
    """{name: [name[0], name[1], ...]} for each parameter (`*args` too) the function never
    rebinds that `known` says holds a list or tuple of 1..MAX_ITEMS functions: its length
    (`name.__len__`) and each item's function (`name[i]`, values.Known), as a caller passing
    a display or *args makes them (function_items.passed_display, item_facts). A loop over
    it is written out with `name[i]` in place of its variable, the item values.item_held
    reads (only where the function reads the list only by items). A list or tuple of rows
    holding functions (`[(np.tanh, 0.5), (act, 2.0)]`: `name[k][i]` facts, the rows'
    length `name[].__len__`) gives per row the tuple display of its items, `(name[k][0],
    name[k][1])`, which a loop unpacking the rows (`for fn, w in layers`) takes apart."""
    if not known:
        return {}
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args + a.kwonlyargs] + (
        [a.vararg.id if isinstance(a.vararg, S.Name) else a.vararg.arg] if a.vararg else [])
    out = {}
    for name in names:
        n = known.get(name + ".__len__")
        if type(n) is not int or not 0 < n <= MAX_ITEMS:
            continue
        if all(type(known.get(f"{name}[{i}]")).__name__ == "Known" for i in range(n)):
            out[name] = [_item(name, i) for i in range(n)]
        elif type(known.get(name + "[].__len__")) is int:   # rows holding functions
            width = known[name + "[].__len__"]
            out[name] = [S.Tuple(elts=[S.Subscript(value=_item(name, k), slice=S.const(i),
                                                   ctx=S.Load()) for i in range(width)],
                                 ctx=S.Load()) for k in range(n)]
    if out:
        stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
                  isinstance(n.ctx, (S.Store, S.Del))}
        declared = {v for n in S.walk(fdef) if isinstance(n, (S.Global, S.Nonlocal))
                    for v in n.names}
        out = {k: v for k, v in out.items() if k not in stored and k not in declared}
    return out
