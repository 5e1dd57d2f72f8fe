"""operator.iadd(a, b) and its siblings, lowered the way Python runs them (stage 3, lower:
called by lower.py, lower_exprs.py, lower_copies.py and argument_writes.py). Takes a call of
operator.iadd (isub, imul, itruediv, ipow, imatmul, imod, and iconcat, which is iadd for
sequences only) with the Lowerer; gives back its core statements (`lower`), or None for any
other call.

`operator.iadd(a, b)` calls `a.__iadd__(b)` where a's type has that method: an array (or a
list) is changed in place and is itself the result, under every name that holds it. Where
the type has no such method (a number, a tuple) a is left alone and the result is a new
value, `a + b`. The statement `a += b` does the very same and then binds the name a to the
result, which changes nothing in the in-place case. So for a local name a,
`result = operator.iadd(a, b)` is lowered as

    in_place_1 = changes_in_place(a, '__iadd__')
    if in_place_1:
        a += b              (lowered as that statement is: aliasing.py checks the write,
        result = a           which is refused where another name would see it)
    else:
        result = a + b

and `a = operator.iadd(a, b)` as `a += b` itself. A first argument that is not a local name
is evaluated once, into a temporary t, and t takes a's place: a value the function makes
(`operator.iadd(x * 2, b)`) is changed in place where no one else sees it. Where t may be
shared, the in-place branch refuses first, at the user's line, where the run shows the
write would be seen elsewhere: an item `x[i]` (a row view of the array x, an array a list
holds) or a module-level value, an attribute, which the function does not own.

`operator.iconcat(a, b)` is lowered so too, after `check_concat(a, b, True)`
(srcdiff.runtime_sequences), which raises TypeError where a or b is no sequence, as the call
does (numbers, NumPy arrays).

Calls in srcdiff's own emitted code are not rewritten (they are never made there).
"""
import operator

from . import syntax as S
from .core import GENERATED_PREFIX, Kind

FUNCTIONS = {operator.iadd: S.Add, operator.isub: S.Sub, operator.imul: S.Mult,
             operator.itruediv: S.Div, operator.ipow: S.Pow, operator.imatmul: S.MatMult,
             operator.imod: S.Mod, operator.iconcat: S.Add}
_BINARY = {S.Add: operator.add, S.Sub: operator.sub, S.Mult: operator.mul,
           S.Div: operator.truediv, S.Pow: operator.pow, S.MatMult: operator.matmul,
           S.Mod: operator.mod}
_METHODS = {S.Add: "__iadd__", S.Sub: "__isub__", S.Mult: "__imul__", S.Div: "__itruediv__",
            S.Pow: "__ipow__", S.MatMult: "__imatmul__", S.Mod: "__imod__"}
_TEXT = {S.Add: "+", S.Sub: "-", S.Mult: "*", S.Div: "/", S.Pow: "**", S.MatMult: "@",
         S.Mod: "%"}


def operator_of(obj):
    """The operator class (S.Add, ...) of `obj` when it is one of the seven functions (by
    object: operator.iadd, operator.__iadd__ and `from operator import iadd` are one), else
    None."""
    try:
        return FUNCTIONS.get(obj)
    except TypeError:   # an unhashable callable
        return None


def same_name_update(lowerer, target, call):
    """`a = operator.iadd(a, b)` for a local a: the AugAssign `a += b` it means (for any
    type), else None."""
    op = _operator(lowerer, call)
    if op is None or not _plain(call) or _is_iconcat(lowerer, call):
        return None   # (iconcat: checked first, in `lower`)
    first = call.args[0]
    if not (isinstance(first, S.Name) and first.id == target and target in lowerer.locals):
        return None
    aug = S.AugAssign(target=S.store(target), op=op(), value=call.args[1])
    S.copy_location(aug, call)
    return aug


def callee_resolver(fn, resolver, fdef, params):
    """resolve(func) -> the object the function expression of a call in `fdef` (the def of
    fn, a function of the user's that the differentiated one calls) means, or None: read
    through `resolver` (a frontend.Resolver; None: fn's own)."""
    from .frontend import Resolver
    from .core import assigned_names
    local = set(params) | assigned_names(fdef.body)
    found = {}

    def resolve(node):
        parts = []
        while isinstance(node, S.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, S.Name) or node.id in local:
            return None
        if "resolver" not in found:
            found["resolver"] = resolver if resolver is not None else Resolver(fn)
        obj = found["resolver"].lookup(node.id, None)
        for attr in reversed(parts):
            obj = getattr(obj, attr, None)
        return obj
    return resolve


def applies(lowerer, call):
    """Whether `call` (a user expression) calls one of the seven functions."""
    return _operator(lowerer, call) is not None


def lower(lowerer, call, out, target=None):
    """Lower `operator.iop(a, b)` (a call `applies` accepts) into `out`. Returns the statement
    that gives the result to `target` (None: the result is dropped), for the caller to
    append, or None where there is none."""
    op = _operator(lowerer, call)
    name = S.spell(call.func)
    if not _plain(call):
        raise lowerer.error(call, f"{name} takes two arguments, given by position",
                            hint=f"write {name}(a, b)")
    first, second = call.args
    method, text = _METHODS[op], _TEXT[op]
    spelled = S.spell(first)
    guard = None
    if isinstance(first, S.Name) and first.id in lowerer.locals:
        a = S.load(first.id)
        if any(isinstance(n, S.NamedExpr) and n.target.id == first.id for n in S.walk(second)):
            raise lowerer.error(call, f"the second argument of {name} rebinds {first.id}, "
                                "the first one", hint="bind it on a line of its own first")
    elif isinstance(first, S.Subscript):
        base = lowerer.expr(first.value, out)
        index = lowerer.index(first.slice, out)
        a = lowerer.temp(out, S.Subscript(value=base, slice=index, ctx=S.Load()), Kind.SUBSCRIPT,
                         _stem(base) + "_item")
        lowerer.locals.add(a.id)
        lowerer.spelled[a.id] = spelled
        guard = _guard(lowerer, call, "check_not_shared", [a, base], _refusal(
            lowerer, call, name, spelled,
            f"{spelled} is an item of {S.spell(first.value)} that it shares (a row or a slice "
            "of an array, an array or a list a container holds)",
            f"write the update as a statement, {spelled} {text}= ... (srcdiff follows that "
            f"write), or use the new value, {spelled} {text} ..."))
    else:
        a = _atom(lowerer, first, out)
        if isinstance(first, (S.Name, S.Attribute)):   # a module-level value, an attribute
            lowerer.spelled[a.id] = spelled
            guard = _guard(lowerer, call, "check_in_place", [a, S.const(method)], _refusal(
                lowerer, call, name, spelled,
                f"{spelled} is a value this function does not own (a module-level value, "
                "an attribute of an object)",
                f"use the new value instead, {spelled} {text} ..., or copy it first: "
                f"{name}(numpy.copy({spelled}), ...)"))
    b = _atom(lowerer, second, out)
    if _is_iconcat(lowerer, call):   # a sequence only: numbers and arrays raise
        from . import runtime_sequences
        from . import checks
        error = lowerer.error(call, f"{name}({spelled}, ...) extends the list {spelled} by "
                              "the items of an array here, where srcdiff's a += b would add "
                              "the array to it", hint=f"pass a list: {name}({spelled}, list(...))")
        check = S.Call(func=_helper(lowerer, call, runtime_sequences.check_concat),
                       args=[a, b, S.const(True)] + checks.refusal_args(error), keywords=[])
        out.append(lowerer.info(S.Expr(value=check), Kind.EFFECT,
                                func=runtime_sequences.check_concat))
    if isinstance(a, S.Constant):   # a literal: never changed in place
        return _binary(lowerer, op, a, b, target)
    from . import runtime_inplace
    helper = _helper(lowerer, call, runtime_inplace.changes_in_place)
    cond = lowerer.temp(out, S.Call(func=helper, args=[a, S.const(method)], keywords=[]),
                        Kind.CALL, "in_place", func=runtime_inplace.changes_in_place)
    body = [guard] if guard is not None else []
    aug = S.AugAssign(target=S.store(a.id), op=op(), value=b)
    S.copy_location(aug, call)
    body += lowerer.stmt_AugAssign(aug)
    orelse = []
    if target is not None and target != a.id:
        body.append(lowerer.assign(target, S.load(a.id), Kind.COPY))
    if target is not None:
        orelse.append(_binary(lowerer, op, a, b, target))
    return lowerer.info(S.If(test=cond, body=body, orelse=orelse), Kind.IF)


def _operator(lowerer, call):
    if lowerer.src.filename.startswith(GENERATED_PREFIX) or not isinstance(call, S.Call):
        return None
    func = call.func
    if isinstance(func, S.Attribute) and lowerer._global_path(func) is None:
        return None   # a method of a local value
    return operator_of(lowerer._callee_object(func))


def _is_iconcat(lowerer, call):
    """operator.iconcat(a, b): `a += b` where a and b are sequences, an error otherwise."""
    return lowerer._callee_object(call.func) is operator.iconcat


def _plain(call):
    return len(call.args) == 2 and not call.keywords and not any(
        isinstance(a, S.Starred) for a in call.args)


def _atom(lowerer, node, out):
    """`node` evaluated once, as a constant or a local name (a temporary where it is a
    module-level value, read here), which the lowering of `a += b` takes as an operand."""
    if (isinstance(node, S.Name) and node.id not in lowerer.locals) or (
            isinstance(node, S.Attribute) and lowerer._global_path(node) is not None):
        atom = lowerer.temp(out, lowerer.expr(node, out), Kind.COPY, _stem_of(node))
    else:
        atom = lowerer.expr(node, out)
    if isinstance(atom, S.Name):
        lowerer.locals.add(atom.id)   # a temporary: a local name from here on
    return atom


def _binary(lowerer, op, a, b, target):
    """`target = a op b`: what the call returns where a has no in-place method."""
    if target is None:
        return None
    return lowerer.assign(target, S.BinOp(left=a, op=op(), right=b), Kind.BINOP,
                          func=_BINARY[op])


def _helper(lowerer, node, func):
    if func.__name__ in lowerer.locals:
        raise lowerer.error(node, f"the local name {func.__name__!r} hides srcdiff's helper",
                            hint=f"rename the local variable {func.__name__!r}")
    lowerer.bindings[func.__name__] = func
    return S.load(func.__name__)


def _refusal(lowerer, call, name, spelled, why, hint):
    return lowerer.error(call, f"{name}({spelled}, ...) changes {spelled} in place here (it "
                         f"is an array or a list), and {why}: srcdiff does not follow that "
                         "change", hint=hint)


def _guard(lowerer, call, helper_name, args, error):
    """A check that raises `error` when the run shows the in-place write is refused."""
    from . import checks, runtime
    func = getattr(runtime, helper_name)
    ref = _helper(lowerer, call, func)
    stmt = S.Expr(value=S.Call(func=ref, args=args + checks.refusal_args(error), keywords=[]))
    return lowerer.info(stmt, Kind.EFFECT, func=func)


def _stem(atom):
    return atom.id if isinstance(atom, S.Name) else "value"


def _stem_of(node):
    if isinstance(node, S.Attribute):
        return node.attr
    return node.id if isinstance(node, S.Name) else "value"
