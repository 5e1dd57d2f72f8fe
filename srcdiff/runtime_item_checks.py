"""The check the emitted code runs before `c[k] op= v` where c (or a dict or list c is a
shallow copy of) is read afterwards at other keys than k, and its items came from where
srcdiff cannot see them: the caller's (run time: called by emitted code; item_sharing.py
places it). Takes the item c[k], the key, the in-place method's name and the containers
holding the item at that key; gives back nothing, or refuses (`check_item_alone`).

Python changes an array (or list) item in place, so another key holding that very object
(`{"w": a, "b": a}`, or a view of it) sees the change, while srcdiff's derivative rebinds
the slot k alone. The check refuses exactly then: a number is rebound by the operator, and
an item no other key holds is seen at k alone.
"""
from .runtime_checks import _holds, refuse


def check_item_alone(item, key, method, reason, hint, where, *containers):
    """Before `c[key] op= v` (item = c[key]): refuse where `item` is changed in place (it has
    `method`) and an item of one of `containers` at another key holds it (is it, holds it
    at any depth, or shares its memory)."""
    if not hasattr(type(item), method):
        return
    for c in containers:
        if isinstance(c, dict):
            others = [v for k, v in c.items() if k != key]
        elif isinstance(c, (list, tuple)):
            at = key % len(c) if isinstance(key, int) and c else None
            others = [v for i, v in enumerate(c) if i != at]
        else:
            continue
        if any(_holds(o, item) for o in others):
            refuse(reason, hint, where)
