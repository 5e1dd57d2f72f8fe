"""A list's edits by position, as new lists bound to its name (stage 3, lower: called by
lower_calls.py for `lst.pop(i)` and `lst.insert(i, v)`, and by container_writes.py for
`del lst[i]` and `del lst[a:b]`). Takes the Lowerer and the call or del target; gives back
the lowered statements, or None where the value is not surely a list (a dict's pop is
idioms.dict_write's).

  - ``v = lst.pop(i)``: ``v = lst[i]`` (IndexError where Python raises it), then
    ``lst = list_without(lst, i)``;
  - ``lst.insert(i, v)``: ``lst = list_inserted([lst, v], i, lst)``;
  - ``del lst[i]``: ``lst = list_without(lst, i)``; ``del lst[a:b:c]``:
    ``lst = list_cut(lst, a, b, c)``,

each after runtime_list_edits.check_list_edit, which raises Python's error where the
value is no list. The derivative follows the new list on `lst` only, while Python changes
the one list every holder of it sees: container_writes.check_appends refuses an edit
another name holding the list would see. A list passed in is never changed (its edits
are made on copies). The index may be computed, negative or (insert) past the end: the
helpers make the same edit Python makes (srcdiff/runtime_list_edits.py).
"""
from . import syntax as S
from .core import Kind


def surely_list(low, node, base):
    """Whether the user expression `node` (lowered to the name `base`) holds a list here:
    a local no dict may reach, or a parameter given a list (bound again to no dict)."""
    if not (isinstance(base, S.Name) and base.id in low.locals):
        return False
    if base.id in low.params and low.known_types.get(base.id) is not list:
        return False
    return not low._may_be_dict(node)   # (lst = list(lst): no dict either)


def method(low, node, base, out, discard):
    """`lst.pop(i)` or `lst.insert(i, v)` of a list (surely_list), lowered; None for
    anything else (lst.pop() is the lowering's POP)."""
    name = node.func.attr
    if name not in ("pop", "insert") or name == "pop" and not node.args and not \
            node.keywords:
        return None
    if not surely_list(low, node.func.value, base):
        return None
    if node.keywords or any(isinstance(a, S.Starred) for a in node.args) or \
            len(node.args) != (1 if name == "pop" else 2):
        raise low.error(node, f"srcdiff follows lst.{name}(...) given "
                        f"{'an index' if name == 'pop' else 'an index and an item'} by position",
                        hint="write lst.pop(i)" if name == "pop" else "write lst.insert(i, v)")
    _check(low, node, base, name, out)
    index = _local(low, low.expr(node.args[0], out))
    if name == "pop":
        value = low.temp(out, S.Subscript(value=S.clone(base), slice=S.clone(index),
                                          ctx=S.Load()), Kind.SUBSCRIPT, "popped")
        _local(low, value)
        rebind = _rebind(low, base, "list_without", [S.clone(base), S.clone(index)], out)
        if discard:
            return rebind
        out.append(rebind)
        return low._result(value, Kind.COPY, None, discard)
    if not discard:
        raise low.error(node, "the result of insert is None", hint="use the list itself")
    item = _local(low, low.expr(node.args[1], out))
    parts = _local(low, low.temp(out, S.List(elts=[S.clone(base), item], ctx=S.Load()),
                                 Kind.DISPLAY, "parts"))
    return _rebind(low, base, "list_inserted", [parts, S.clone(index), S.clone(base)], out)


def refusal(low, node):
    """The error refusing `x.pop(k)` that is neither a list's (surely_list) nor a dict's
    held in a local name (idioms.dict_write)."""
    if low._may_be_dict(node.func.value):   # d.pop(key) where d is not a local
        return low.error(node, "srcdiff follows d.pop(key) only on a dict held in a local "
                         "name", hint="read d[key] (or d.get(key, default)) instead")
    return low.error(node, "srcdiff follows lst.pop(i) on a list it can tell is one (built "
                     "in the function, or a list passed in)",
                     hint="bind the list to a local name, or index it instead")


def delete(low, target, out):
    """`del lst[i]` / `del lst[a:b:c]` of a list (surely_list), lowered into out; False
    where the target is anything else."""
    if not (isinstance(target, S.Subscript) and isinstance(target.value, S.Name)):
        return False
    base = S.load(target.value.id)
    if not surely_list(low, target.value, base):
        return False
    low.line = getattr(target, "lineno", low.line)
    _check(low, target, base, "del", out)
    key = target.slice
    if isinstance(key, S.Slice):
        bounds = [_local(low, low.expr(b, out)) if b is not None else S.const(None)
                  for b in (key.lower, key.upper, key.step)]
        out.append(_rebind(low, base, "list_cut", [S.clone(base)] + bounds, out))
    else:
        index = _local(low, low.expr(key, out))
        out.append(_rebind(low, base, "list_without", [S.clone(base), index], out))
    return True


def _check(low, node, base, method, out):
    from . import runtime_list_edits
    where = f"{low.src.filename}:{getattr(node, 'lineno', low.line)}"
    check = S.Call(func=low._runtime_helper("check_list_edit", runtime_list_edits),
                   args=[S.clone(base), S.const(method), S.const(where)], keywords=[])
    out.append(low.info(S.Expr(value=check), Kind.EFFECT,
                        func=runtime_list_edits.check_list_edit))


def _rebind(low, base, helper, args, out):
    """`base = helper(*args)` through a new name, as d.pop(k) rebinds d."""
    from . import runtime_list_edits
    func = getattr(runtime_list_edits, helper)
    rest = low.temp(out, S.Call(func=low._runtime_helper(helper, runtime_list_edits),
                                args=args, keywords=[]), Kind.CALL, base.id + "_rest",
                    func=func)
    _local(low, rest)
    return low.assign(base.id, rest, Kind.COPY)


def _local(low, atom):
    if isinstance(atom, S.Name):
        low.locals.add(atom.id)
    return atom
