"""What a function of the user's returns, read deeper than alias_flow_fresh: whether it also
holds nothing made before the call (stage 3, lower: called by alias_flow_fresh.py). Takes
alias_flow_fresh's proof of one function (its locals, their bindings, its returns); gives
back whether every value it returns is new and holds only new values, at any depth
(`deep_fresh`), and the number of items of the tuple it returns (`returned_arity`); and the
bindings of a function's locals (`bindings`) and the parts of a comprehension (`items_of`),
which that proof reads; for a method, the class whose own methods a call on its receiver
runs (`own_class`, `class_function`: `self.act(t)` in Dense.forward is Dense.act); the
lambdas bound to a local nothing reads, which keep nothing (`dead_lambdas`).

alias_flow_fresh.fresh_result proves a helper's result is made inside it; the items of a
list, tuple or dict it returns may still be what its arguments reach, so the caller counts
them as held by the result (`P = update(P, G)` then holds what P held: the caller's x of
`P = {"w": x}`, which a later write into x seemed to change). `deep_fresh` proves more:
each returned value is a number, a new array of numbers (a ufunc's, a copying NumPy
function's, arithmetic no list has: `p[k] - lr * g[k]`, `0.5 * v`), or a list, tuple, dict
or comprehension of such values, or what a helper proven the same way returns. A name
bound from a parameter, an item, an attribute, `+` or `*` of unknown values (a list's
items repeat) is not proven.
"""
import types

from . import syntax as S
from .callables import is_user_function

# comprehensions run at once (a generator expression, which runs later, is not followed)
COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp)


def deep_fresh(proof, recurse, new_value):
    """Whether every value `proof`'s function returns holds only values made in the call
    (see the module docstring). `recurse(fn, seen)`: the same question for a helper it
    calls; `new_value(func)`: whether a library function's result is a new number or array
    of numbers."""
    deep = set(proof.locals)
    for _ in range(len(proof.locals) + 2):
        before = set(deep)
        for name in proof.locals:
            if not all(how == "name" and value is not None and
                       _deep(value, proof, deep, recurse, new_value)
                       for how, value in proof.bindings.get(name, [("?", None)])):
                deep.discard(name)
        if deep == before:
            break
    else:
        return False
    return all(r.value is None or _deep(r.value, proof, deep, recurse, new_value)
               for r in proof.returns)


def returned_arity(proof):
    """n where every value `proof`'s function returns is a tuple or list display of n items,
    each a value of its own, never another's (`return a * 2.0, b - 1.0`: not `return t, t`,
    nor `u = t; return t, u`), else None. (Each is deep_fresh's to prove new.)"""
    sizes = set()
    for r in proof.returns:
        elts = r.value.elts if isinstance(r.value, (S.Tuple, S.List)) else None
        names = [e.id for e in elts or () if isinstance(e, S.Name)]
        if elts is None or len(set(names)) != len(names) or not all(
                _makes(e) or (isinstance(e, S.Name) and e.id in proof.locals and all(
                    how == "name" and _makes(v) for how, v in
                    proof.bindings.get(e.id, [("?", None)]))) for e in elts):
            return None
        sizes.add(len(elts))
    return sizes.pop() if len(sizes) == 1 else None


def _makes(node):
    """Whether evaluating `node` makes a value of its own each time (or a number)."""
    return isinstance(node, (S.BinOp, S.UnaryOp, S.Compare, S.Call, S.Constant, S.Tuple,
                             S.List, S.Dict, S.Set) + COMPREHENSIONS)


def _deep(node, proof, deep, recurse, new_value):
    def rec(n):
        return _deep(n, proof, deep, recurse, new_value)
    if isinstance(node, S.Constant):
        return True
    if isinstance(node, S.Name):
        return node.id in deep and node.id in proof.locals
    if isinstance(node, (S.UnaryOp, S.Compare)):
        return proof._tame(node, True)   # (a number, a bool, a new array: no list has them)
    if isinstance(node, S.BinOp):
        if not proof._tame(node, True):
            return False
        if not isinstance(node.op, (S.Add, S.Mult)):
            return True   # (no list or tuple has -, /, **, @, ...)
        sides = (node.left, node.right)
        numbers = [o.value for o in sides if isinstance(o, S.Constant) and
                   type(o.value) in (float, complex) or (isinstance(o, S.Constant) and
                   type(o.value) is int and isinstance(node.op, S.Add))]
        arrays = [o for o in sides if isinstance(o, S.Call) and rec(o) and
                  _new_value(proof, o, new_value)]   # (an array with anything: an array)
        return bool(numbers or arrays) or all(rec(o) for o in sides)
    if isinstance(node, (S.BoolOp, S.IfExp)):
        parts = node.values if isinstance(node, S.BoolOp) else [node.body, node.orelse]
        return all(rec(p) for p in parts)
    if isinstance(node, (S.Tuple, S.List, S.Set)):
        return all(rec(e) for e in node.elts)
    if isinstance(node, S.Dict):   # (its values: alias_flow follows no dict's keys, which
        return all(e is not None for e in node.keys) and \
            all(rec(e) for e in node.values)   # are hashable: no array, list or dict)
    if isinstance(node, COMPREHENSIONS):
        return proof._fresh(node) and all(rec(e) for e in items_of(node)[-1:])
    if not isinstance(node, S.Call) or any(isinstance(a, S.Starred) for a in node.args) or \
            any(k.arg in ("copy", "out", "dtype") or k.arg is None for k in node.keywords):
        return False
    func = proof._callee(node)   # (self.act(t): the class's act)
    tame = all(proof._tame(a) for a in list(node.args) + [k.value for k in node.keywords])
    try:
        if new_value(func):
            return tame
    except TypeError:   # (unhashable)
        return False
    return is_user_function(func) and tame and recurse(func, proof.seen)


def bindings(nodes):
    """name -> [(how, value)] for each binding of a local: ("name", value) for `n = value`
    and `n op= value` (the same object, or a new number), ("unpack", value) for a name
    inside a tuple target or a for target (its value: the iterable's item), ("?", None)
    for anything else (an augmented item write binds nothing)."""
    out = {}
    for node in nodes:
        if isinstance(node, (S.Assign, S.AnnAssign)):
            targets = node.targets if isinstance(node, S.Assign) else [node.target]
            for t in targets:
                if isinstance(t, S.Name):
                    out.setdefault(t.id, []).append(("name", node.value))
                elif isinstance(t, (S.Tuple, S.List)):
                    for n in S.walk(t):
                        if isinstance(n, S.Name):
                            out.setdefault(n.id, []).append(("unpack", node.value))
        elif isinstance(node, S.AugAssign) and isinstance(node.target, S.Name):
            # n op= v: n keeps its object (an array), or gets a new number, or (a list)
            # holds v's items too
            out.setdefault(node.target.id, []).append(
                ("name", S.BinOp(left=S.load(node.target.id), op=node.op, right=node.value)))
        elif isinstance(node, S.For):
            for n in S.walk(node.target):
                if isinstance(n, S.Name):
                    out.setdefault(n.id, []).append(("unpack", node.iter))
        elif isinstance(node, S.comprehension):   # (`for k in p` of `{k: ... for k in p}`)
            for n in S.walk(node.target):
                if isinstance(n, S.Name):
                    out.setdefault(n.id, []).append(("unpack", node.iter))
    return out


# comprehensions run at once (a generator expression, which runs later, is not followed)
COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp)


def items_of(node):
    """The expressions a comprehension's items are made of."""
    return [node.key, node.value] if isinstance(node, S.DictComp) else [node.elt]


def _new_value(proof, call, new_value):
    try:
        return bool(new_value(proof._callee(call)))
    except TypeError:   # (unhashable)
        return False


def own_class(fn, fdef):
    """(the receiver's name, the class) for a method `fn` (whose def is `fdef`) of a
    module-level class that has no subclasses, its receiver a plain first parameter: a call
    `self.m(...)` in it runs that class's m. Else None."""
    parts = getattr(fn, "__qualname__", "").split(".")
    args = fdef.args.posonlyargs + fdef.args.args
    cls = getattr(fn, "__globals__", {}).get(parts[0]) if len(parts) == 2 else None
    if not isinstance(cls, type) or cls.__dict__.get(parts[1]) is not fn or not args or \
            type.__subclasses__(cls):
        return None
    return args[0].id, cls


def class_function(cls, attr, missing):
    """The plain function `attr` names on the class (a method, not a field, static or class
    method, property), else `missing`."""
    if any(attr in getattr(c, "__annotations__", {}) for c in cls.__mro__):
        return missing   # (a field of a record may hold any function)
    for c in cls.__mro__:
        if attr in c.__dict__:
            func = c.__dict__[attr]
            return func if isinstance(func, types.FunctionType) else missing
    return missing


def dead_lambdas(nodes):
    """ids of the lambdas bound to a local name (`lam = lambda t: ...`) that nothing reads:
    never called, returned or stored, such a function object is dropped when the call
    returns and keeps nothing (its body, never run, is still read as the rest is)."""
    read = {n.id for n in nodes if isinstance(n, S.Name) and not isinstance(n.ctx, S.Store)}
    return {id(n.value) for n in nodes if isinstance(n, S.Assign) and
            isinstance(n.value, S.Lambda) and len(n.targets) == 1 and
            isinstance(n.targets[0], S.Name) and n.targets[0].id not in read}


def at_key(base, keyed, key):
    """For returned_sources' (kw, key): the objects the **kwargs dicts `base` hold under
    `key`, where each is a dict alias_flow knows every key of (`keyed`: object -> {key:
    objects}): none where it has no such key (`kw.get("c", 0.5)` gives 0.5). Else (and
    for key None: the whole parameter) base."""
    if key is None or not base or not all(o in keyed for o in base):
        return base
    return set().union(*(keyed[o].get(key, set()) for o in base))


def is_sequence_of(func):
    """Whether `func` is srcdiff's sequence_of (`list(L)`, `tuple(rows)` lowered): a new list
    of its argument's very items (alias_flow reads it so)."""
    from .runtime_containers import sequence_of
    return func is sequence_of
