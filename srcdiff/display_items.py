"""Which item of a display a constant subscript reads (stage 3, lower: called by values.py
and nested_defs.py where a call goes through `fs[1]` or `fs["act"]`). Takes a list, tuple or
dict display (gast) and the subscript's index; gives back the item written there, or None
where which item sits where is known only when the code runs.

A list or tuple display is read by an int literal (`fs[1]`, `fs[-1]`); a display with a
starred item (`[*gs, h]`) is never read (its items' positions depend on gs's length). A dict
display is read by a string or int literal key where every key is a literal; of equal
keys, the last written is the one Python keeps.
"""
from . import syntax as S
from .object_lists import constant_index


def constant_key(index):
    """The int or string a subscript's index is written as (`0`, `-1`, `"relu"`), or None."""
    if isinstance(index, S.Constant) and type(index.value) is str:
        return index.value
    return constant_index(index)


def display_item(value, index):
    """The item of the display `value` (a list, tuple or dict display: gast) that the
    constant index or key `index` reads, or None (a display with a starred item or a dict
    display with a key that is no constant: which item sits where is known only when the
    code runs)."""
    key = constant_key(index)
    if key is None:
        return None
    if isinstance(value, S.Dict):
        if not all(isinstance(k, S.Constant) for k in value.keys):
            return None
        written = {}
        for k, v in zip(value.keys, value.values):
            written[k.value] = v   # as Python keeps them: the last of equal keys (1, True)
        return written.get(key)
    if not isinstance(value, (S.List, S.Tuple)) or type(key) is not int or \
            any(isinstance(e, S.Starred) for e in value.elts) or \
            not -len(value.elts) <= key < len(value.elts):
        return None
    return value.elts[key]
