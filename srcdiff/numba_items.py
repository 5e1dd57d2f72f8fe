"""The item tapes of the Numba kernel (stage 7, emit: called by numba_backend.py). Takes the
kernel's statements, the names of its tapes and the source lines; gives back which tape each
item write's save goes on, and the user's line of each such write.

The NumPy path saves the item an item write `y[t] = v` overwrites on its one tape,
`tape.append(saved_item(y, t))`, and writes it back in reverse, `y[t] = tape.pop()`.
numba_backend.py gives each array and index its own tape (`tape_y_items`), keyed here by the
array's name and the index written as one comparable value (`_index_key`), so that each tape
holds one kind of value (Numba types a list by its entries).
"""
import ast
import re

from .numba_tapes import call_name as _call_name


def _item_tapes(body, tapes):
    """The tapes of saved items: {(array, index key): tape name}, one per array and index
    pushed as `tape.append(saved_item(y, t))` and read back as `y[t] = tape.pop()`, named
    `tape_y_items` (`tape_y_items2`, ... for other indices of y). An index is one expression
    at its push and its restore, so each such tape holds one kind: the numbers of a 1-D
    array's items, the rows of a matrix (Numba types a list by its entries). Splitting the
    one tape by this key keeps the order within each: a restore pops its own push."""
    names = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name)}
    taken = names | {"tape_" + n for n in names}
    out = {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Expr) and _is_method(n.value, tapes, "append") and \
                    len(n.value.args) == 1:
                key = _item_key(n.value.args[0])
                if key is None or key in out:
                    continue
                k, name = 1, f"tape_{key[0]}_items"
                while name in taken or name in out.values():
                    k += 1
                    name = f"tape_{key[0]}_items{k}"
                out[key] = name
    return out


def _restore_places(body, tapes, lines):
    """{(array, index key): the user's line of its item write}, read off the comment above
    the write's restore (the primal part, where its item is saved, has no comments)."""
    out = {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Assign) and _is_method(n.value, tapes, "pop"):
                key = _restore_key(n)
                if key is not None and key not in out:
                    out[key] = _comment_line(lines, n.lineno)
    return out


def _comment_line(lines, lineno):
    """N of the nearest `# line N: ...` comment above line `lineno` (1-based), or None."""
    for k in range(min(lineno, len(lines)) - 1, -1, -1):
        m = re.match(r"\s*# line (\d+):", lines[k])
        if m:
            return int(m.group(1))
    return None


def _item_key(node):
    """(array, index key) of `saved_item(y, index)`, else None."""
    if _call_name(node) == "saved_item" and len(node.args) == 2 and not node.keywords and \
            isinstance(node.args[0], ast.Name):
        return node.args[0].id, _index_key(node.args[1])
    return None


def _restore_key(assign):
    """(array, index key) of `y[index] = tape.pop()`, else None."""
    target = assign.targets[0] if len(assign.targets) == 1 else None
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
            not assign.value.args:
        return target.value.id, _index_key(target.slice)
    return None


def _index_key(node):
    """An index written as a subscript (`1:`) or as the value saved_item takes
    (`__srcdiff_slice__(1, None)`), as one comparable key."""
    if isinstance(node, ast.Slice):
        return ("slice", _index_key(node.lower), _index_key(node.upper), _index_key(node.step))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("slice", "__srcdiff_slice__") and not node.keywords and \
            1 < len(node.args) <= 3:
        parts = [_index_key(a) for a in node.args] + [None] * (3 - len(node.args))
        return ("slice", *parts)
    if isinstance(node, ast.Tuple):
        return ("tuple",) + tuple(_index_key(e) for e in node.elts)
    if node is None or isinstance(node, ast.Constant) and node.value is None:
        return None
    return ast.dump(node)


def _is_method(node, owners, method):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr == method and isinstance(node.func.value, ast.Name) and \
        node.func.value.id in owners
