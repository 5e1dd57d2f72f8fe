"""What Python calls for an operator on objects of the user's classes (stage 3, lower: called
by objects.py, record_notes.py and operator_lowering.py, each passing objects.class_of as
`of`: this module does not import objects, which reads it). Takes the lowering's state and
an expression of the user's (`v + w`, `-v`, `3.0 * v`, `v[i]`) or an update (`v += w`); gives back the call it means (`v.__add__(w)`, `v.__rmul__(3.0)`,
`v.__getitem__(i)`), which operator_lowering.py lowers as any method called by name is,
the class of its result (operator_class), or None where no operand is an object of a class
of the user's that srcdiff knows, or raises a located refusal where it cannot tell what
Python calls.

Python's rules, followed before the code runs: for `a + b`, b's `__radd__` first where
b's class is a proper subclass of a's overriding it; else a's `__add__`, and b's `__radd__`
(b of another class) where a's class has no `__add__` or its `__add__` returns
NotImplemented for b; `a += b` calls `__iadd__` where the class has one, else means
`a = a + b`. A method that may return NotImplemented is followed only where the tests
guarding its `return NotImplemented` (`if not isinstance(o, V): return NotImplemented`) can
be read for the other operand here (`_declines`); srcdiff checks where the code runs that
the method it chose is the one Python calls for the operands passed and that it did not
decline (runtime_checks.check_operands, check_implemented), so code compiled for one
class never runs another's method.
"""
import inspect

from . import syntax as S
from .object_lists import is_user_class
from .operator_names import BINARY, SIGNS, UNARY, builtin_protocol_call


class Refusal(Exception):
    """Raised inside: the node and the reason, made a located error by `call_for`."""

    def __init__(self, node, reason, hint):
        super().__init__(reason)
        self.node, self.reason, self.hint = node, reason, hint


def call_for(lw, node, of, strict=True):
    """The call `node` means (see the module), with `.sd_operands` noting what to check where
    it runs; None where no operand is a known object of the user's classes. `strict`: raise
    the located refusal where srcdiff cannot tell (else None)."""
    try:
        return _call_for(lw, node, of)
    except Refusal as refusal:
        if not strict:
            return None
        raise lw.error(refusal.node, refusal.reason, hint=refusal.hint)


def _class(lw, node, of):
    cls = of(lw, node, set())
    return cls if cls is not None and is_user_class(cls) else None


def method_of(cls, name):
    """The user's function `name` of the class `cls` (its own or a base's of the user's),
    None where none of the user's classes in its MRO defines it."""
    for k in cls.__mro__[:-1]:
        if is_user_class(k) and name in vars(k):
            fn = vars(k)[name]
            return fn if fn is not None else None
    return None


def _call_for(lw, node, of):
    if getattr(node, "sd_operator", None) is not None:
        return node   # update_call's v.__iadd__(w), reaching the lowering of expressions
    if isinstance(node, S.BinOp) and type(node.op) in BINARY:
        return _binary(lw, node, node.left, node.right, BINARY[type(node.op)], of)
    if isinstance(node, S.UnaryOp) and type(node.op) in UNARY:
        cls = _class(lw, node.operand, of)
        if cls is None:
            return None
        name = UNARY[type(node.op)]
        fn = _plain(node, cls, name)
        if fn is None:
            raise Refusal(node, f"srcdiff cannot apply {_sign(node)} to an object of your "
                          f"class {cls.__name__}: it has no {name}",
                          f"define {name} in {cls.__name__}")
        return _method_call(node, node.operand, name, [], cls, fn)
    if builtin_protocol_call(node):
        return _builtin_call(lw, node, of)
    if isinstance(node, S.Subscript) and isinstance(node.ctx, S.Load):
        cls = _class(lw, node.value, of)
        if cls is None or method_of(cls, "__getitem__") is None:
            return None
        fn = _plain(node, cls, "__getitem__")
        return _method_call(node, node.value, "__getitem__", [_index(lw, node)], cls, fn)
    return None   # (len(v) calls __len__ itself: an int, no derivative, as written)


def _builtin_call(lw, node, of):
    """`abs(v)` as `v.__abs__()`, `pow(v, w)` as `v ** w` (its `__pow__` or w's `__rpow__`),
    where v (or w) is an object of the user's class and the name is the builtin's; None
    otherwise (a number's or an array's abs and pow have their rules)."""
    if lw._callee_object(node.func) is not (abs if node.func.id == "abs" else pow):
        return None
    if node.func.id == "pow":
        return _binary(lw, node, node.args[0], node.args[1], "pow", of)
    cls = _class(lw, node.args[0], of)
    if cls is None:
        return None
    fn = _plain(node, cls, "__abs__")
    if fn is None:
        raise Refusal(node, f"srcdiff cannot apply abs() to an object of your class "
                      f"{cls.__name__}: it has no __abs__", f"define __abs__ in {cls.__name__}")
    return _method_call(node, node.args[0], "__abs__", [], cls, fn)


def update_call(lw, node, of, strict=True):
    """`v += w` (an AugAssign) where v's class defines `__iadd__`: the call `v.__iadd__(w)`
    the name is bound to; the BinOp `v + w` where it defines none (lowered by call_for), or
    where only w is an object of the user's classes; None where neither is known."""
    if type(node.op) not in BINARY or not isinstance(node.target, S.Name):
        return None
    target = S.place_unplaced(S.load(node.target.id), node.target)
    cls = _class(lw, target, of)
    name = f"__i{BINARY[type(node.op)]}__"
    if cls is None or method_of(cls, name) is None:
        located = _as_binop(node)   # v = v + w, located at the user's line
        return located if cls is not None or _class(lw, node.value, of) is not None else None
    try:
        fn = _plain(node, cls, name)
        _refuse_declining(node, fn, cls, name)
    except Refusal as refusal:
        if not strict:
            return None
        raise lw.error(refusal.node, refusal.reason, hint=refusal.hint)
    return _method_call(node, target, name, [node.value], cls, fn)


def operator_class(lw, node, seen, of):
    """objects.class_of of an operator's result (`v + w`: the class `v.__add__(w)` makes), of
    a temporary `lower` bound an operand to, or of a local updated by operators
    (updated_class); None where none of them."""
    if isinstance(node, S.Name):
        held = operand_classes(lw).get(node.id)
        if held is not None or node.id in seen or node.id not in lw.locals:
            return held
        return updated_class(lw, node.id, seen, of)
    call = call_for(lw, node, of, strict=False)
    return of(lw, call, seen) if call is not None else None


def updated_class(lw, name, seen, of):
    """The class of the local `name` bound to an object of the user's class and updated
    only by operators on itself (`v = V(...)`, then `v += w` or `v = v * 2.0`), each giving
    an object of that class again; None otherwise. (The object each binding makes is
    checked where the code runs: objects.object_class.)"""
    made, updates, stores = _bindings(lw).get(name, ((), (), 0))
    if not updates or stores != len(made) + len(updates):
        return None
    classes = {of(lw, v, set(seen) | {name}) for v in made}
    if name in lw.params:
        classes.add(lw.known_types.get(name))
    if len(classes) != 1 or not isinstance(next(iter(classes)), type):
        return None
    cls = classes.pop()
    held = operand_classes(lw)
    assumed = held.get(name)
    held[name] = cls   # assumed, and kept only where every update makes one of it again
    try:
        from .factories import made_by_method
        for update in updates:
            if update is GIVEN_BACK:
                continue   # (the nested def's own updates of it are among `updates`)
            own = f"__i{BINARY.get(type(update.op), '')}__" if isinstance(
                update, S.AugAssign) else None
            if own is not None and method_of(cls, own) is not None:
                made = made_by_method(cls, own)   # (refused where it is lowered if it must be)
            else:
                made = of(lw, _as_binop(update) if own else update, set(seen))
            if made is not cls:
                return None
    finally:
        if assumed is None:
            del held[name]
        else:
            held[name] = assumed
    return cls


def _bindings(lw):
    """Each local name updated by `v op= e` or `v = ... v ...` -> (the values bound to it
    reading no v, the updates, its number of stores): one walk of the function."""
    st = getattr(lw, "_operator_bindings", None)
    if st is not None:
        return st
    made, updates, stores = {}, {}, {}
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], S.Name):
            name = n.targets[0].id
            reads = any(isinstance(r, S.Name) and r.id == name for r in S.walk(n.value))
            (updates if reads else made).setdefault(name, []).append(n.value)
        elif isinstance(n, S.AugAssign) and isinstance(n.target, S.Name):
            updates.setdefault(n.target.id, []).append(n)
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], S.Tuple):   # r, v = g(v, ...): v given back by a nested def
            for name in _given_back(lw.fdef, n):
                updates.setdefault(name, []).append(GIVEN_BACK)
    lw._operator_bindings = {name: (made.get(name, []), ups, stores.get(name, 0))
                             for name, ups in updates.items()}
    return lw._operator_bindings


GIVEN_BACK = S.Pass()   # an update of v by `r, v = g(v, ...)` (_given_back)


def _given_back(fdef, assign):
    """The names `r, v = g(v, ...)` binds to what the nested def g gives back of its
    parameter of that name unchanged but by g's own statements (a nested def rebinding
    `nonlocal v`, as nonlocal_writes.py rewrites it: takes v first, returns (result, v) on
    every path): those statements bind v in the walk of the function, so they are among
    v's bindings already. [] where the call is not of that form."""
    call = assign.value
    if not (isinstance(call, S.Call) and isinstance(call.func, S.Name) and not
            call.keywords):
        return []
    defs = [n for n in S.walk(fdef) if isinstance(n, S.FunctionDef) and n.name == call.func.id
            and n is not fdef]
    if len(defs) != 1:
        return []
    g = defs[0]
    params = [a.id for a in g.args.posonlyargs + g.args.args]
    returns = [n for n in S.walk(g) if isinstance(n, S.Return)]
    if any(isinstance(n, (S.FunctionDef, S.Lambda, S.Global, S.Nonlocal)) and n is not g
           for n in S.walk(g)) or not returns:
        return []
    out = []
    for i, target in enumerate(assign.targets[0].elts):
        if not (i >= 1 and isinstance(target, S.Name) and i - 1 < min(
                len(params), len(call.args))):
            continue
        name, arg = target.id, call.args[i - 1]
        if params[i - 1] != name or not (isinstance(arg, S.Name) and arg.id == name):
            continue
        if all(isinstance(r.value, S.Tuple) and len(r.value.elts) > i and isinstance(
                r.value.elts[i], S.Name) and r.value.elts[i].id == name for r in returns):
            out.append(name)
    return out


def returns_self(fn):
    """Whether the plain method fn (an `__iadd__`) gives back its first parameter, unrebound,
    on every path: each return is `return self`, the last statement is one, and self is
    never rebound (`v += w` then leaves v holding the object it held)."""
    from .frontend import get_source
    try:
        tree = get_source(fn).node
    except Exception:
        return False
    if not isinstance(tree, S.FunctionDef) or not tree.args.args or tree.args.vararg or \
            tree.args.kwarg or not isinstance(tree.body[-1], S.Return):
        return False
    me = tree.args.args[0].id
    for n in S.walk(tree):
        if isinstance(n, (S.FunctionDef, S.Lambda)) and n is not tree:
            return False   # (a nested function's own returns, or one rebinding self)
        if isinstance(n, S.Return) and not (isinstance(n.value, S.Name) and n.value.id == me):
            return False
        if isinstance(n, S.Name) and n.id == me and isinstance(n.ctx, (S.Store, S.Del)):
            return False
        if isinstance(n, (S.Yield, S.YieldFrom)):
            return False
    return True


def _as_binop(node):
    """`v op= e` as the `v op e` it means where v's class has no `__iop__`."""
    left = S.load(node.target.id)
    binop = S.BinOp(left=left, op=node.op, right=node.value)
    return S.place_unplaced(binop, node)


def _binary(lw, node, left, right, op, of):
    lcls, rcls = _class(lw, left, of), _class(lw, right, of)
    if lcls is None and rcls is None:
        return None
    name, rname = f"__{op}__", f"__r{op}__"
    tries = []
    if rcls is not None and lcls is not None and rcls is not lcls and issubclass(rcls, lcls) \
            and method_of(rcls, rname) is not None and \
            method_of(rcls, rname) is not method_of(lcls, rname):
        tries.append((right, rcls, rname, left, lcls))   # a subclass's override first
    if lcls is not None and method_of(lcls, name) is not None:
        tries.append((left, lcls, name, right, rcls))
    elif lcls is None and not _number(left):
        # an array's operator would apply itself item by item; a number's declines: which
        # one it is is checked where the code runs (check_operands)
        pass
    if rcls is not None and rcls is not lcls and method_of(rcls, rname) is not None and \
            not any(t[2] == rname for t in tries):
        tries.append((right, rcls, rname, left, lcls))
    for me, cls, method, other, ocls in tries:
        fn = _plain(node, cls, method)
        if _declines(node, fn, cls, method, other, ocls):
            continue
        call = _method_call(node, me, method, [other], cls, fn)
        call.sd_operands = (left, right, name, rname)
        return call
    shown = " and ".join(c.__name__ for c in dict.fromkeys(c for c in (lcls, rcls) if c))
    raise Refusal(node, f"srcdiff cannot tell what {_sign(node)} does here: no method of "
                  f"your class {shown} takes these operands ({name} of the left one, "
                  f"{rname} of the right one, or they return NotImplemented for them)",
                  f"define {name} (or {rname}) in your class for them, or call a method "
                  "by name")


def _number(node):
    return isinstance(node, S.Constant) and type(node.value) in (int, float, complex)


def _plain(node, cls, name):
    """The user's function `name` of `cls`, refused where it is no plain function."""
    fn = method_of(cls, name)
    if fn is None:
        return None
    if not inspect.isfunction(fn):
        raise Refusal(node, f"srcdiff cannot follow {cls.__name__}.{name}: it is a "
                      f"{type(fn).__name__}, not a function defined in the class",
                      f"define {name} with def in {cls.__name__}")
    return fn


def _method_call(node, me, name, args, cls, fn):
    call = S.Call(func=S.Attribute(value=me, attr=name, ctx=S.Load()), args=args, keywords=[])
    S.place_unplaced(call, node)
    call.sd_operator = (cls, fn, _mentions_not_implemented(fn))
    return call


def _index(lw, node):
    """The value `v[...]` hands to __getitem__: the index, a tuple, or slice(a, b, c)."""
    part = node.slice
    if isinstance(part, S.Slice):
        if "slice" in lw.locals:
            raise Refusal(node, "srcdiff cannot pass this slice to __getitem__: the local "
                          "name slice hides the builtin", "rename the local slice")
        args = [p if p is not None else S.const(None) for p in (part.lower, part.upper,
                                                                 part.step)]
        return S.place_unplaced(S.Call(func=S.load("slice"), args=args, keywords=[]), node)
    if isinstance(part, S.Tuple) and any(isinstance(e, S.Slice) for e in part.elts):
        raise Refusal(node, "srcdiff cannot pass an index with slices in a tuple to "
                      "__getitem__", "pass slice(a, b) objects, or call a method by name")
    return part


def _sign(node):
    if isinstance(node, S.UnaryOp):
        return "unary " + ("-" if isinstance(node.op, S.USub) else "+")
    if isinstance(node, S.BinOp):
        return SIGNS.get(BINARY.get(type(node.op)), "the operator")
    return "the operator"


# -- NotImplemented --------------------------------------------------------------------
def _mentions_not_implemented(fn):
    return "NotImplemented" in fn.__code__.co_names


def _refuse_declining(node, fn, cls, name):
    if _mentions_not_implemented(fn):
        raise Refusal(node, f"srcdiff cannot follow {cls.__name__}.{name}: it may return "
                      "NotImplemented, and Python then calls another method",
                      f"write the update as an assignment (v = v + w), or let {name} "
                      "always return a value")


def _declines(node, fn, cls, name, other, ocls):
    """Whether `fn` (cls.name) returns NotImplemented for the operand `other`, read from its
    source: every `return NotImplemented` is the only statement of an `if` at the top of its
    body whose test reads only isinstance or type of its second parameter; raises where it
    cannot tell."""
    if not _mentions_not_implemented(fn):
        return False
    from .frontend import get_source
    fdef = get_source(fn).node
    params = [a.id for a in fdef.args.posonlyargs + fdef.args.args]
    why = None
    if len(params) != 2:
        why = "it does not take exactly one operand"
    guards, rest = [], list(fdef.body)
    while rest and isinstance(rest[0], S.If) and not rest[0].orelse and \
            len(rest[0].body) == 1 and _returns_not_implemented(rest[0].body[0]):
        guards.append(rest.pop(0).test)
    if why is None and any(isinstance(n, S.Name) and n.id == "NotImplemented"
                           for s in rest for n in S.walk(s)):
        why = "it returns NotImplemented other than from an if at the top of its body"
    for test in guards:
        if why is not None:
            break
        try:
            if _truth(test, fn, params[1], other, ocls):
                return True
        except _Unknown as unknown:
            why = f"srcdiff cannot tell the test `{S.spell(test)}` for the " \
                f"operand {S.spell(other)} here ({unknown})"
    if why is None:
        return False
    raise Refusal(node, f"srcdiff cannot tell whether {cls.__name__}.{name} returns "
                  f"NotImplemented here: {why}", f"test the operand with isinstance(o, C) "
                  f"in an if at the top of {name} (if not isinstance(o, C): return "
                  "NotImplemented), or call a method by name")


def _returns_not_implemented(stmt):
    return isinstance(stmt, S.Return) and isinstance(stmt.value, S.Name) and \
        stmt.value.id == "NotImplemented"


class _Unknown(Exception):
    pass


def _truth(test, fn, param, other, ocls):
    """The value of `test` for the operand `other` (of the user's class `ocls`, or a number
    or an array where None) bound to `param`."""
    if isinstance(test, S.UnaryOp) and isinstance(test.op, S.Not):
        return not _truth(test.operand, fn, param, other, ocls)
    if isinstance(test, S.BoolOp):
        values = [_truth(v, fn, param, other, ocls) for v in test.values]
        return all(values) if isinstance(test.op, S.And) else any(values)
    if isinstance(test, S.Call) and isinstance(test.func, S.Name) and \
            test.func.id == "isinstance" and len(test.args) == 2 and \
            isinstance(test.args[0], S.Name) and test.args[0].id == param:
        classes = _classes(test.args[1], fn)
        if ocls is not None:
            return issubclass(ocls, classes)
        if all(is_user_class(c) for c in classes):
            return False   # a number or an array is no object of the user's classes
        if _number(other):
            return isinstance(other.value, classes)
        raise _Unknown("it may hold a number or an array")
    raise _Unknown("only isinstance(o, C), not, and, or are read")


def _classes(node, fn):
    """The classes `node` (a name, a dotted path or a tuple of them) names in fn's scope."""
    if isinstance(node, S.Tuple):
        return tuple(c for e in node.elts for c in _classes(e, fn))
    from .factories import _resolved
    obj = _resolved(fn, node)
    if obj is None and isinstance(node, S.Name):
        import builtins
        obj = getattr(builtins, node.id, None)
    if isinstance(obj, type):
        return (obj,)
    if isinstance(obj, tuple) and all(isinstance(c, type) for c in obj):
        return obj
    raise _Unknown(f"{S.spell(node)} is not a class known here")


def operand_classes(lw):
    """The temporaries `lower` bound the operands to -> their classes (objects.class_of
    reads them)."""
    st = getattr(lw, "_operand_classes", None)
    if st is None:
        st = lw._operand_classes = {}
    return st
