"""The located refusal of a method call whose object's class srcdiff could not tell (stage
3, lower, with the adjoint stages reading it: called by reverse_calls.py and
forward_calls.py). Takes the function's source and the core statement `v = obj.m(...)`
carrying a derivative; gives back the located error: what srcdiff follows, and what to
write instead (objects.py says which classes it knows); and the refusal of a
collections.deque passed on or aliased (`deque_error`, read by refusals.py too).
"""
from . import syntax as S

_DEQUE_ONLY = ("popleft", "appendleft", "extendleft", "rotate")   # methods of deques alone


def method_refusal(src, stmt):
    """The located error for `obj.m(...)` carrying a derivative where srcdiff could not tell
    obj's class before the code runs (read by reverse_calls.py and forward_calls.py): what
    it follows, and what to write instead."""
    from .errors import NoRuleError
    value = stmt.value
    method = value.func.attr
    held = value.func.value.id if isinstance(value.func.value, S.Name) else None
    if held not in {n.id for n in S.walk(src.node) if isinstance(n, S.Name)}:
        held = _written(src, stmt.sd.line, method)   # a temporary: the user's expression
    call = f"{held}.{method}(...)" if held else f".{method}(...)"
    if method in _DEQUE_ONLY:   # a deque given to this function, or aliased
        return deque_error(src, stmt.sd.line, f"a collections.deque ({call})")
    held = held or "the object"
    return src.error(
        stmt.sd.line, f"srcdiff does not know the derivative of the method .{method}(): it "
        f"cannot tell the class of {held} before the code runs (it follows a method of "
        "your own class on an argument, an object made here, or an item of a list passed "
        "in or made here by a display, a comprehension or .append calls, and given to no "
        "other function)",
        hint=f"build the objects' list here (a display, a comprehension or .append calls "
             f"on a list no other function is given), or pass it in, then call {call} on "
             "its items; for a "
             "NumPy value, call the numpy function instead, or register a rule",
        cls=NoRuleError)


def _written(src, line, method):
    """The user's expression for the object of the call `....method(...)` at `line`
    (`layers[0]`, `Layer(w)`), or None where it cannot be read back."""
    for n in S.walk(src.node):
        if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr == method and getattr(n, "lineno", None) == line:
            from .emit import to_source
            try:
                text = to_source(S.Expr(value=S.clone(n.func.value))).strip()
            except Exception:
                return None
            return text if text and "\n" not in text else None
    return None


def deque_error(src, line, what):
    """The located refusal of a collections.deque (`what`: how to call it) of differentiated
    values that queue_lists.py could not make a list: what srcdiff follows, what to write
    instead."""
    from .errors import NoRuleError
    return src.error(
        line, f"srcdiff follows {what} only as a local bound once and then used by its own "
        "name in the function that makes it (append, appendleft, pop, popleft, an item "
        "d[i], a loop, sum, len, list, ...); here it is bound to another name too, given to "
        "a function, or called with another method",
        hint="keep every use on the deque's own name in this function: take the items "
             "out here and pass those (v = d.popleft(); helper(v)), or pass list(d), a copy, "
             "to a helper that only reads it", cls=NoRuleError)
