"""Deterministic, readable fresh names that never collide with the user's (leaf: called by the
lowering, both adjoint stages, the compositions, syntax.py and temporaries.py). Takes the
names taken and a base name (`Namer`); gives back a fresh name, `<base>_<n>`.
"""
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
# placeholders; `syntax.settle` gives each its readable name (`tape`, `slice`, ...) or, where the
# user's code in that module already uses the name (a variable, a parameter, a global it
# reads), a fresh one (`tape_1`): emitted code never captures a user's name, and no user
# name captures srcdiff's.
TAPE = "__srcdiff_tape__"
SLICE = "__srcdiff_slice__"
LIST = "__srcdiff_list__"
TYPE = "__srcdiff_type__"

_PRIVATE = {TAPE: ("tape", None), SLICE: ("slice", slice), LIST: ("list", list),
            TYPE: ("type", type)}

# the module of srcdiff's runtime for decompositions' results (runtime_linalg.py): the reverse
# pass asks whether a call's function is of it (or of numpy.linalg) by this name, so that a
# function calling neither never imports it
LINALG_RUNTIME = __package__ + ".runtime_linalg"
