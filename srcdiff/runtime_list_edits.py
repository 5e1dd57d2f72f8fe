"""A list's edits by position as new lists (run time: called by the code list_edits.py
lowers `lst.pop(i)`, `lst.insert(i, v)`, `del lst[i]` and `del lst[a:b]` to, and by the
rules of templates/containers.py). Takes the list (or its tangent or adjoint) and the
position; gives back a new list, the caller's never changed.

`lst.pop(i)` is `popped = lst[i]` then `lst = list_without(lst, i)`; `del lst[a:b]` is
`lst = list_cut(lst, a, b, step)`; `lst.insert(i, v)` is `lst = list_inserted([lst, v], i,
lst)`. Each is linear in the list (and in v): its tangent is the same edit of the tangents,
its adjoint puts the result's adjoint back at the places the items came from (zeros at the
places taken out). Where the items came from is found by making the same edit of the list
of positions `range(len(lst))`, so negative indices, indices past the end and slices
with steps move exactly as Python moves them.
"""
from .runtime_adjoint import zeros_like_value
from .runtime_checks import refuse


def check_list_edit(value, method, where):
    """Before `value.pop(i)`, `value.insert(i, v)` or `del value[...]` lowered as a new
    list: Python's own error where value is no list (a tuple, an array, a string); a
    srcdiff refusal for an object of a class of the user's (its method may mean something
    else)."""
    if type(value) is list:
        return
    attribute = "__delitem__" if method == "del" else method
    if isinstance(value, list) or hasattr(type(value), attribute):
        what = "del of an item" if method == "del" else f".{method}()"
        refuse(f"srcdiff reads {what} as a list's, but the value is a "
               f"{type(value).__name__}", "pass a list (list(value))", where)
    if method == "del":
        raise TypeError(f"{type(value).__name__!r} object doesn't support item deletion")
    raise AttributeError(f"{type(value).__name__!r} object has no attribute {method!r}")


def _positions(value):
    return list(range(len(value)))


def _edited(value, edit):
    """A copy of the list value with `edit` made to it; anything else (a zero derivative
    that is no list) as it is."""
    if not isinstance(value, list):
        return value
    out = list(value)
    edit(out)
    return out


def list_without(value, index):
    """`del value[index]` made on a copy of the list value (`value.pop(index)`)."""
    def edit(out):
        del out[index]
    return _edited(value, edit)


def list_cut(value, lower, upper, step):
    """`del value[lower:upper:step]` made on a copy of the list value."""
    def edit(out):
        del out[lower:upper:step]
    return _edited(value, edit)


def list_inserted(parts, index, base):
    """`lst.insert(index, item)` made on a copy of lst, parts being [lst, item]; base is
    lst itself, whose length a zero tangent of lst (no list) stands for."""
    items, item = parts
    if not isinstance(items, list):
        items = zeros_like_value(list(base))
    out = list(items)
    out.insert(index, item)
    return out


def _placed(grad, value, kept):
    """The adjoint of the list value from that of the list of its items at positions
    `kept` (in order): grad's items put back, zeros elsewhere."""
    out = zeros_like_value(list(value))
    if isinstance(grad, (list, tuple)):
        for g, i in zip(grad, kept):
            if g is not None:
                out[i] = g
    return out


def list_without_grad(grad, value, index):
    """The adjoint of the list value of list_without(value, index)."""
    kept = _positions(value)
    del kept[index]
    return _placed(grad, value, kept)


def list_cut_grad(grad, value, lower, upper, step):
    """The adjoint of the list value of list_cut(value, lower, upper, step)."""
    kept = _positions(value)
    del kept[lower:upper:step]
    return _placed(grad, value, kept)


def list_inserted_grad(grad, parts, index, base):
    """The adjoint of parts = [lst, item] of list_inserted(parts, index, base): the
    result's adjoint but at the item's place, and the item's own."""
    order = _positions(base)
    order.insert(index, None)
    at = order.index(None)
    item = zeros_like_value(parts[1])
    if isinstance(grad, (list, tuple)) and grad[at] is not None:
        item = grad[at]
    kept = order[:at] + order[at + 1:]
    rest = grad[:at] + grad[at + 1:] if isinstance(grad, (list, tuple)) else None
    return [_placed(rest, base, kept), item]
