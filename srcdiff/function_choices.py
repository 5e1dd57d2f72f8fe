"""A function chosen where the code runs, then called (stage 3, lower: called by
source_rewrites.counted_rewrite where a name bound to a conditional expression or a subscript
is called). Takes a gast FunctionDef and a lookup of the function's free names; gives back a
rewritten copy in which the name holds which function was chosen and each call is the
conditional expression over the calls of the candidates, or the FunctionDef itself where no
choice fits.

    def f(x, c, name):                          def f(x, c, name):
        act = np.tanh if c else np.sin              act_choice = 0 if c else 1
        acts = {"tanh": np.tanh,                    def pick_relu(z):
                "relu": lambda z: z * z}                return z * z
        pick = acts[name]                           pick_choice = {'tanh': 0, 'relu': 1}[name]
        return np.sum(act(x) + pick(x))             return np.sum((np.tanh(x) if act_choice
                                                        == 0 else np.sin(x)) + (np.tanh(x)
                                                        if pick_choice == 0 else pick_relu(x)))

A call needs its callee before the code runs; a name bound to one function out of a few,
picked by a test or a key the run gives (a parameter, `x.sum() > 0`), holds one of
functions srcdiff does know. The test (or the subscript) is still evaluated where the name
was bound, once, but to the position of the function it picks among the candidates; each
call then calls the candidate at that position, the others not: the same calls Python
makes, each of a function srcdiff knows, whatever the run picks. A key the dict does not
hold raises the KeyError it raised (the dict of positions has the same keys).

A choice fits where the name is bound once in the function, by `name = <choice>` in the
function's own scope, is no parameter, and is read only as called (`name(...)`) in the
function's own scope; a choice is `A if test else B` of choices, `D[k]` where D is a dict,
list or tuple display of candidates (written there, or a name bound once to one and read
nowhere else) and k no constant (`acts["tanh"]` is known where srcdiff compiles:
function_items.py), or a candidate: a name or attribute path of the module (`np.tanh`, `uf`: not
bound in the function), a nested def of the function bound once, a parameter bound nowhere
else (the function passed: called as the parameter, the derivative is made per function
passed, as for a direct call), or a lambda without
defaults (made a nested def, before the statement that made it: it reads the function's
variables when called, as the lambda did). Eight candidates at most. Any other binding is
left as written (lower_calls.py refuses its calls, located).
"""
from . import syntax as S

MAX_CANDIDATES = 8


def rewrite(fdef, lookup):
    """`fdef`, or a copy with each choice that fits rewritten (the module's docstring)."""
    if not _choices(fdef, lookup):
        return fdef
    count = len(_choices(fdef, lookup))
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | {
        n.name for n in S.walk(fdef) if isinstance(n, (S.FunctionDef, S.ClassDef))}
    for _ in range(count):   # (found afresh each time: a call's arguments are copied into
        found = _choices(fdef, lookup)   # each candidate's call, act(pick(x)) pick's too)
        if not found:
            break
        _rewrite_one(fdef, *found[0], taken)
    return fdef


def _choices(fdef, lookup):
    """[(name, its Assign, the calls of it, the display's Assign or None)] of each choice
    that fits."""
    own = list(S.own_nodes(fdef))
    owned = {id(n) for n in own}
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[id(child)] = n
    bindings = _bindings(fdef)
    params = set(_params(fdef)) | {name for n in S.walk(fdef) if isinstance(
        n, (S.Global, S.Nonlocal)) for name in n.names}   # (a cell or the module's: not ours)
    defs = {n.name for n in own if isinstance(n, S.FunctionDef) and len(bindings.get(
        n.name, ())) == 1}
    a = fdef.args   # a parameter bound only by the call: the function passed, specialised on
    defs |= {p.id for p in a.posonlyargs + a.args + a.kwonlyargs if len(bindings.get(
        p.id, ())) == 1 and p.id in params}
    out, tables = [], set()
    for assign in own:
        if not (isinstance(assign, S.Assign) and len(assign.targets) == 1 and
                isinstance(assign.targets[0], S.Name) and
                isinstance(assign.value, (S.IfExp, S.Subscript))):
            continue
        name = assign.targets[0].id
        if name in params or len(bindings.get(name, ())) != 1:
            continue
        calls = []
        for n in S.walk(fdef):
            if isinstance(n, S.Name) and n.id == name and n is not assign.targets[0]:
                call = parents.get(id(n))
                if id(n) not in owned or not (isinstance(n.ctx, S.Load) and isinstance(
                        call, S.Call) and call.func is n):
                    calls = None
                    break
                calls.append(call)
        if not calls:
            continue
        leaves, table = [], []
        if not _choice(assign.value, leaves, table, fdef, bindings, defs, lookup, own,
                       parents, params):
            continue
        if len(_candidates(leaves)) > MAX_CANDIDATES or any(id(t) in tables for t in table):
            continue
        tables.update(id(t) for t in table)
        out.append((name, assign, calls, table[0] if table else None))
    return out


def _choice(node, leaves, table, fdef, bindings, defs, lookup, own, parents, params):
    """Whether `node` is a choice (the module's docstring); its candidates are appended to
    `leaves`, the Assign of a display it reads through a name to `table`."""
    if isinstance(node, S.IfExp):
        return all(_choice(b, leaves, table, fdef, bindings, defs, lookup, own, parents,
                           params) for b in (node.body, node.orelse))
    if isinstance(node, S.Subscript) and isinstance(node.ctx, S.Load):
        if isinstance(node.slice, S.Constant):
            return False   # (acts["tanh"]: known where srcdiff compiles, function_items.py)
        display = node.value
        if isinstance(display, S.Name):
            assign = _display_binding(display.id, node, fdef, bindings, own, parents, params)
            if assign is None:
                return False
            table.append(assign)
            display = assign.value
        if isinstance(display, S.Dict):
            if None in display.keys or not all(isinstance(k, S.Constant) for k in
                                               display.keys):
                return False
            items = display.values
        elif isinstance(display, (S.List, S.Tuple)):
            items = display.elts
        else:
            return False
        return bool(items) and all(_candidate(i, leaves, bindings, defs, lookup)
                                   for i in items)
    return _candidate(node, leaves, bindings, defs, lookup)


def _display_binding(name, read, fdef, bindings, own, parents, params):
    """The Assign `name = <display>` of the function's own scope, where name is bound there
    once, is no parameter, and `read` is its only read; else None."""
    if name in params or len(bindings.get(name, ())) != 1:
        return None
    reads = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name and
             isinstance(n.ctx, S.Load)]
    if len(reads) != 1 or reads[0] is not read.value:
        return None
    assign = parents.get(id(bindings[name][0]))
    if isinstance(assign, S.Assign) and len(assign.targets) == 1 and \
            assign.targets[0] is bindings[name][0] and any(assign is n for n in own) and \
            isinstance(assign.value, (S.Dict, S.List, S.Tuple)):
        return assign
    return None


def _candidate(node, leaves, bindings, defs, lookup):
    """Whether `node` is a candidate (appended to `leaves`)."""
    if isinstance(node, S.Lambda):
        a = node.args
        if a.defaults or any(d is not None for d in a.kw_defaults):
            return False
        leaves.append(node)
        return True
    root = node
    while isinstance(root, S.Attribute):
        root = root.value
    if not isinstance(root, S.Name):
        return False
    if root is node and root.id in defs:   # a nested def, bound once
        leaves.append(node)
        return True
    if root.id in bindings or lookup(root.id) is None:
        return False   # (a name of the function, or one nothing knows)
    leaves.append(node)
    return True


def _candidates(leaves):
    """The distinct candidates of `leaves` (a name or path once, each lambda its own), in
    order: [(key, the first leaf)]."""
    out = {}
    for leaf in leaves:
        key = id(leaf) if isinstance(leaf, S.Lambda) else S.spell(leaf)
        out.setdefault(key, leaf)
    return list(out.items())


def _rewrite_one(fdef, name, assign, calls, table, taken):
    leaves = []
    _leaves(assign.value, leaves, table.value if table is not None else None)
    candidates = _candidates(leaves)
    position = {key: k for k, (key, _) in enumerate(candidates)}
    labels = _labels(assign.value, table)
    made, funcs = [], []
    for key, leaf in candidates:
        if isinstance(leaf, S.Lambda):   # a nested def of the lambda, before its statement
            label = labels.get(id(leaf))
            def_name = S.fresh_name(f"{name}_{label}" if label else f"{name}_option",
                                    taken)
            taken.add(def_name)
            made.append(_def_of(leaf, def_name))
            funcs.append(lambda leaf=leaf, d=def_name: S.place_unplaced(S.load(d), leaf))
        else:
            funcs.append(lambda leaf=leaf: S.clone(leaf))
    chosen = S.fresh_name(f"{name}_choice", taken)
    taken.add(chosen)
    value = _positions(assign.value, position, table)
    assign.targets = [S.place_unplaced(S.store(chosen), assign.targets[0])]
    assign.value = S.place_unplaced(value, assign.value)
    for call in calls:
        replace(fdef, call, _call_each(call, chosen, funcs))
    at = table if table is not None else assign
    block = S.block_holding(fdef, at)
    k = next(i for i, s in enumerate(block) if s is at)
    if table is not None:
        block[k:k + 1] = made   # (the display: read by the choice alone, now positions)
    else:
        block[k:k] = made


def _leaves(node, out, display=None):
    if isinstance(node, S.IfExp):
        _leaves(node.body, out, display)
        _leaves(node.orelse, out, display)
    elif isinstance(node, S.Subscript):
        shown = display if isinstance(node.value, S.Name) else node.value
        out.extend(shown.values if isinstance(shown, S.Dict) else shown.elts)
    else:
        out.append(node)


def _labels(value, table):
    """{id(lambda): its key} for each lambda of a dict display whose key is a name-like
    string (its def is called `act_relu`)."""
    out = {}
    displays = [table.value] if table is not None else [
        n.value for n in S.walk(value) if isinstance(n, S.Subscript)]
    for d in displays:
        if isinstance(d, S.Dict):
            for k, v in zip(d.keys, d.values):
                if isinstance(v, S.Lambda) and isinstance(k.value, str) and \
                        k.value.isidentifier():
                    out[id(v)] = k.value
    return out


def _key(leaf):
    return id(leaf) if isinstance(leaf, S.Lambda) else S.spell(leaf)


def _positions(node, position, table):
    """The choice `node` with each candidate as its position among the candidates (a
    display's items too)."""
    if isinstance(node, S.IfExp):
        return S.IfExp(test=node.test, body=S.place_unplaced(
            _positions(node.body, position, table), node.body), orelse=S.place_unplaced(
            _positions(node.orelse, position, table), node.orelse))
    if isinstance(node, S.Subscript):
        shown = table.value if isinstance(node.value, S.Name) else node.value
        if isinstance(shown, S.Dict):
            display = S.Dict(keys=[S.clone(k) for k in shown.keys],
                             values=[S.const(position[_key(v)]) for v in shown.values])
        else:
            display = S.Tuple(elts=[S.const(position[_key(v)]) for v in shown.elts],
                              ctx=S.Load())
        return S.Subscript(value=S.place_unplaced(display, node.value), slice=node.slice,
                           ctx=S.Load())
    return S.const(position[_key(node)])


def _call_each(call, chosen, funcs):
    """`call` as `f0(...) if chosen == 0 else (f1(...) if ...)`, over the candidates."""
    branches = [S.place_unplaced(S.Call(func=func(), args=S.clone(call.args),
                                        keywords=S.clone(call.keywords)), call)
                for func in funcs]
    value = branches[-1]
    for k in range(len(branches) - 2, -1, -1):
        test = S.Compare(left=S.load(chosen), ops=[S.Eq()], comparators=[S.const(k)])
        value = S.place_unplaced(S.IfExp(test=S.place_unplaced(test, call), body=branches[k],
                                         orelse=value), call)
    return value


def replace(fdef, old, new):
    """Puts `new` where the node `old` is in fdef's tree."""
    for n in S.walk(fdef):
        for field in n._fields:
            value = getattr(n, field, None)
            if value is old:
                setattr(n, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[next(i for i, v in enumerate(value) if v is old)] = new
                return
    raise AssertionError("a call outside the tree")   # pragma: no cover


def _def_of(lam, name):
    body = [S.place_unplaced(S.Return(value=S.clone(lam.body)), lam.body)]
    new = S.FunctionDef(name=name, args=S.clone(lam.args), body=body, decorator_list=[],
                        returns=None, type_comment=None, type_params=[])
    return S.place_unplaced(new, lam)


def _bindings(fdef):
    """{name: [the nodes binding it]} over the whole function (nested scopes too):
    stores, deletions, parameters, defs, classes and imports."""
    out = {}
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            out.setdefault(n.id, []).append(n)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not fdef:
            out.setdefault(n.name, []).append(n)
        elif isinstance(n, S.alias):
            out.setdefault((n.asname or n.name).split(".")[0], []).append(n)
    return out


def _params(fn):
    a = fn.args
    return [getattr(p, "id", getattr(p, "arg", None)) for p in
            a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]]
