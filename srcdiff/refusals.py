"""Located refusals shared by both modes (stage 5, reverse and forward: called by reverse.py,
forward.py and their call mixins; imports the leaves rules, callables and errors, and
method_refusals' deque refusal).
Takes the user's `Source`, the core statement and the callee; gives back a NoRuleError
naming the file:line, quoting it, saying why and what to do instead.
"""
import collections

import numpy

from . import rules
from . import syntax as S
from .errors import NoRuleError


def no_rule_error(src, stmt, func, what, register):
    """The located error for a call srcdiff has no rule for (shared by both modes)."""
    hint = rules.not_implemented_hint(func) if func is not None else None
    if made_by_srcdiff(func):
        return src.error(stmt.sd.line, f"srcdiff cannot differentiate through {func!r}, a "
                         "derivative it made, called inside the function",
                         hint="differentiate it directly: srcdiff.grad(srcdiff.grad(f)), "
                              "srcdiff.hessian(f) or srcdiff.hvp(f)", cls=NoRuleError)
    if getattr(func, "__module__", None) == "itertools":
        return itertools_error(src, stmt, func)
    if func is collections.deque:
        from .method_refusals import deque_error
        return deque_error(src, stmt.sd.line, "this collections.deque")
    if hint:
        return src.error(stmt.sd.line, f"the derivative of {describe(func)} is not "
                         "implemented yet", hint=hint, cls=NoRuleError)
    return src.error(stmt.sd.line, f"srcdiff has no {what} for {describe(func)}",
                     hint=f"add one with {register} (see templates/ for examples), or wrap "
                          "the argument in srcdiff.stop_gradient if no derivative should "
                          "flow", cls=NoRuleError)


# what to write instead of an itertools call srcdiff does not rewrite (itertools_calls.py)
_ITERTOOLS_HINTS = {
    "permutations": "write the loops out: for i in range(len(xs)): for j in range(len(xs)): "
                    "if i != j: ... xs[i], xs[j]",
    "combinations_with_replacement": "write the loops out: for i in range(len(xs)): for j in "
                                     "range(i, len(xs)): ... xs[i], xs[j]",
    "combinations": "give it a name or an attribute path (xs = ...; combinations(xs, 2)) "
                    "and r an int literal from 1 to 4, or write the loops out",
    "pairwise": "give it a name or an attribute path (xs = ...; pairwise(xs)), or write "
                "zip(xs, xs[1:])",
    "product": "write one for loop per factor (for a in xs: for b in ys: ...)",
    "cycle": "index instead: xs[k % len(xs)] for k in range(n)",
    "count": "use range(start, start + n), or enumerate(xs, start)",
    "islice": "slice a list of the items: list(...)[start:stop]",
    "takewhile": "loop over the items and break where the test fails",
    "dropwhile": "loop over the items with an if (skip while the test holds)",
    "filterfalse": "a comprehension with the test negated: [v for v in xs if not test(v)]",
    "compress": "a comprehension: [v for v, keep in zip(xs, flags) if keep]",
    "groupby": "loop over the items and compare each one's key with the last",
    "tee": "make a list of the items (items = list(xs)) and read it as often as needed",
    "starmap": "a comprehension: [f(*args) for args in pairs]",
}


def itertools_error(src, stmt, func):
    """The located refusal of an itertools call whose items a derivative would flow
    through, naming the call and what to write instead."""
    name = getattr(func, "__name__", "")
    return src.error(
        stmt.sd.line, f"srcdiff does not differentiate through itertools.{name}(...) of a "
        "value being differentiated here: it makes its items where srcdiff cannot see them",
        hint=_ITERTOOLS_HINTS.get(name, "make a list of the items first, or loop over "
                                        "indices"), cls=NoRuleError)


def effect_error(src, stmt):
    """The located error for a call made for its effects on a differentiated value."""
    from .callables import is_user_function
    func = stmt.sd.func
    from .helper_effects import is_own_helper
    if func is not None and is_user_function(func):
        hint = "return the new values from the function and assign them"
    elif func is not None and is_own_helper(func):   # (helper_effects.py lists those followed)
        hint = ("it is one of srcdiff's own helpers, which may write into what it is given: "
                "write the change as an assignment (out[i] = out[i] + v); for a derivative "
                "srcdiff emitted, differentiate the original function again instead "
                "(srcdiff.hessian(f), srcdiff.hvp(f), srcdiff.grad(srcdiff.grad(f)))")
    else:
        hint = ("write the change as an assignment (out = out + v, out[i] = v); to add up "
                "values at repeated indices, loop over them (for k in range(len(i)): "
                "out[i[k]] += v[k]) or multiply by a one-hot matrix")
    return src.error(stmt.sd.line, f"the result of {describe(func)} is dropped, but it is "
                     "given a value being differentiated: a function called for its effects "
                     "may change its arguments in place, which srcdiff cannot follow",
                     hint=hint, cls=NoRuleError)


def made_by_srcdiff(func):
    """Whether `func` is a derivative srcdiff made (api's Derivative or Composite), told by
    its class, so that this leaf need not import the API module above it."""
    cls = type(func)
    return cls.__name__ in ("Derivative", "Composite") and \
        cls.__module__.split(".")[0] == "srcdiff"


def describe(func):
    from .callables import canonical_path
    if func is None:
        return "this call"
    owner = getattr(func, "__self__", None)
    if isinstance(owner, numpy.ufunc):  # numpy.add.at, numpy.maximum.reduce, ...
        return f"numpy.{owner.__name__}.{func.__name__}"
    path = canonical_path(func)
    if path and path.startswith("scipy.") and "._" in path:
        path = public_path(func, path)
    return path or getattr(func, "__qualname__", None) or repr(func)


def public_path(func, path):
    """The shortest public path of a SciPy function `path` names in a private module
    (scipy.linalg._matfuncs.logm: scipy.linalg.logm), else `path`."""
    import sys
    parts = path.split(".")
    for i in range(1, len(parts) - 1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is not None and getattr(module, parts[-1], None) is func:
            return ".".join(parts[:i] + parts[-1:])
    return path


def bind_rule(src, stmt, template, target, args, keywords, func):
    """The operands of `stmt`'s call as the rule's template names them; a call the rule's
    signature does not take is refused at the user's line."""
    try:
        return template.bind(target, args, keywords)
    except TypeError as exc:
        raise src.error(stmt.sd.line, f"srcdiff's rule for {describe(func)} does not accept "
                        f"this call: {exc}", hint="pass only the arguments the rule knows") \
            from None


def refuse_held(src, stmt, func, carries):
    """Refuse a call whose rule holds an argument constant (rules.held_argument) that
    `carries(parameter)` says carries a derivative here."""
    held = rules.held_argument(func, carries)
    if held is not None:
        raise src.error(stmt.sd.line, f"srcdiff does not differentiate {describe(func)} with "
                        f"respect to {held[0]!r}: {held[1]}",
                        hint=f"wrap {held[0]} in srcdiff.stop_gradient if no derivative "
                             "should flow through it")


def casts_to_integers(func, keywords, bindings):
    """Whether a call's `dtype=` may make its result integer or bool (`numpy.sum(x,
    dtype=int)`, `numpy.cumsum(x, dtype=numpy.int32)`): its result is then piecewise
    constant and carries no derivative, which the emitted code settles with cast_grad where
    the rule would pass one through. False where no dtype is given or it surely is a float
    or complex type; numpy.array, asarray and astype's rules see to it themselves."""
    dtype = keywords.get("dtype")
    if dtype is None or getattr(func, "__name__", "") in (
            "array", "asarray", "astype", "method_astype"):
        return False
    if isinstance(dtype, S.Constant):
        value = dtype.value
    elif isinstance(dtype, S.Name) and dtype.id in bindings:
        value = bindings[dtype.id]
    elif isinstance(dtype, S.Name) and dtype.id in ("float", "complex"):
        value = dtype.id   # (the builtin: a module's own float is bound in `bindings`)
    elif isinstance(dtype, S.Attribute) and isinstance(dtype.value, S.Name) and \
            dtype.value.id == "numpy":
        value = getattr(numpy, dtype.attr, int)
    else:
        return True
    if value is None:
        return False
    try:
        return numpy.dtype(value).kind not in "fc"
    except TypeError:
        return True


def refuse_returning_nothing(fn):
    """The function differentiated has no `return` with a value (a forgotten `return total`):
    its derivative would be zero whatever it computes, so it is refused at its def, as a
    function returning a list is (ArgumentError). A lambda always returns its value. Gives
    back the Source it read (unchanged: the caller lowers it rather than reading and
    converting the def again), or None where it could not read one."""
    from .errors import ArgumentError
    from .frontend import _unwrap, get_source
    target = getattr(fn, "__func__", fn)
    try:
        source = get_source(target)
    except Exception:
        return None
    # given back only where it is the function lower_function reads (not a staticmethod's)
    read = source if target is _unwrap(fn) else None
    node = source.node
    if not isinstance(node, S.FunctionDef):
        return read
    stack, returns = list(node.body), False
    while stack and not returns:
        n = stack.pop()
        if isinstance(n, S.Return):
            returns = n.value is not None and not (
                isinstance(n.value, S.Constant) and n.value.value is None)
        elif not isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)):
            stack.extend(S.iter_child_nodes(n))
    if not returns:
        raise source.error(node, f"{node.name} returns nothing (no return statement gives a "
                           "value), so its derivative would be zero whatever it computes",
                           hint="return the value to differentiate, e.g. `return loss`",
                           cls=ArgumentError)
    return read
