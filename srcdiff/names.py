"""Deterministic, readable fresh names that never collide with the user's."""
import re


class Namer:
    """Hands out names like `sum_1`, `d_x`, `cond_2`; the same inputs give the same names."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.counters = {}

    def __deepcopy__(self, memo):
        # names are strings: copying the containers is enough (and much faster)
        clone = Namer()
        clone.taken = set(self.taken)
        clone.counters = dict(self.counters)
        return clone

    def reserve(self, identifier):
        self.taken.add(identifier)

    def exact_or_fresh(self, base):
        """`base` itself if free, otherwise `base_1`, `base_2`, ..."""
        base = _clean(base)
        if base not in self.taken:
            self.taken.add(base)
            return base
        return self.fresh(base)

    def fresh(self, base):
        base = _clean(base)
        n = self.counters.get(base, 0)
        while True:
            n += 1
            candidate = f"{base}_{n}"
            if candidate not in self.taken:
                self.counters[base] = n
                self.taken.add(candidate)
                return candidate


def _clean(base):
    base = re.sub(r"\W", "_", base).strip("_") or "t"
    if base[0].isdigit():
        base = "t" + base
    return base


# Names srcdiff's own code uses inside an emitted module. The passes write them as these
# placeholders; `settle` gives each its readable name (`tape`, `slice`, ...) or, where the
# user's code in that module already uses the name (a variable, a parameter, a global it
# reads), a fresh one (`tape_1`): emitted code never captures a user's name, and no user
# name captures srcdiff's.
TAPE = "__srcdiff_tape__"
from .syntax import SLICE  # noqa: E402 (syntax builds slice calls with it)
LIST = "__srcdiff_list__"
TYPE = "__srcdiff_type__"

_PRIVATE = {TAPE: ("tape", None), SLICE: ("slice", slice), LIST: ("list", list),
            TYPE: ("type", type)}


def settle(nodes, bindings):
    """Rename the placeholders in `nodes` (gast trees, changed in place) to free readable
    names, binding the builtins among them in `bindings`."""
    from . import syntax as S
    used, found = set(bindings), set()
    every = [n for node in nodes for n in S.walk(node)]
    for n in every:
        for name in _identifiers(n, S):
            (found if name in _PRIVATE else used).add(name)
    chosen = {}
    for placeholder in sorted(found):
        base, obj = _PRIVATE[placeholder]
        name, i = base, 0
        while name in used:
            i += 1
            name = f"{base}_{i}"
        used.add(name)
        chosen[placeholder] = name
        if obj is not None:
            bindings[name] = obj
    if chosen:
        for n in every:
            if isinstance(n, S.Name) and n.id in chosen:  # parameters are Names in gast
                n.id = chosen[n.id]
    return chosen


def _identifiers(node, S):
    if isinstance(node, S.Name):
        yield node.id
    elif isinstance(node, (S.FunctionDef, S.ClassDef)):
        yield node.name
    elif isinstance(node, S.alias):
        yield (node.asname or node.name).split(".")[0]
    elif isinstance(node, S.Global):
        yield from node.names
