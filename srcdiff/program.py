"""The functions one emitted module holds besides the main derivative (stage 5, reverse and
forward: called by reverse.py, forward.py, their mixins, transform.py and forward_driver.py,
which share this callee table). Takes the user's functions called with differentiated
arguments; gives back the names of their emitted variants and the definitions.

In reverse mode a call to the user's own function with differentiated arguments becomes a
call to a pair of emitted functions: `forward_g(tape, ...)` runs g's primal,
pushing what g's adjoint needs onto the caller's tape, and
`backward_g(tape, d_result)` pops it and returns the adjoints of g's active
parameters. A pair is made once per function and activity pattern and reused
by every call site (recursion included: the names exist before the bodies).
In forward mode a call becomes `jvp_g(args..., tangents...)`.
"""
import copy

from . import analyze
from . import syntax as S
from .names import Namer


class Program:
    """The callee table: the emitted variants of the user's functions one module holds.

    Both modes use it. A variant is keyed by (mode, function, differentiated
    parameters, parameters holding lists, known classes of objects) and made once;
    its name(s) exist before its body is built, so recursion finds them. The table
    does not know how a variant is built: the caller passes `build`, an object with
    `names(namer, base)` (the variant's names: `base` is the function's name, with
    `_wrt_<parameters>` added for a second variant, `jvp_g_wrt_b`) and `build(program, low, fn, wrt,
    containers, names)` (append its definitions to `defs`). `lower` (the driver's
    lower_function) lowers the callee; the table imports no stage above it.

    A fixpoint that generates code several times takes a `snapshot()` before and
    `rollback(snapshot)` before each new round, so a variant made by a round thrown
    away leaves neither a definition nor a taken name.
    """

    def __init__(self, taken=(), lower=None):
        self.namer = Namer(taken)
        self.lower = lower
        self.pairs = {}
        self.defs = []
        self.bindings = {}
        self.user_names = []  # (the helper's Source, the names its own code binds)
        self.building = []    # (function, known) of the variants being built, outermost first

    def callee(self, mode, fn, wrt, containers, known, build, zero_cotangents=False):
        """The name(s) of `fn`'s `mode` variant with respect to `wrt`, made if new.
        `zero_cotangents`: a reverse variant given a cotangent that may hold a selection's
        zeros (srcdiff/zero_cotangents.py), a variant of its own."""
        known = dict(known or {})
        key = (mode, fn, tuple(wrt), frozenset(containers),
               tuple(sorted(known.items(), key=lambda kv: kv[0])))
        if zero_cotangents:
            key += ("zero cotangents",)
        hit = self.pairs.get(key)
        if hit is not None:
            return hit
        base = fn.__name__ if fn.__name__ != "<lambda>" else "lambda"
        if any(k[0] == mode and k[1] is fn for k in self.pairs):
            # another variant of fn: named by what it differentiates, not by a counter
            base += "_wrt_" + ("_".join(wrt) or "nothing")
        refuse_growing_arity(fn, known, self.building)
        names = build.names(self.namer, base)
        self.pairs[key] = names
        if self.lower is None:
            raise RuntimeError("srcdiff internal error: a callee table made without a "
                               "lowering function")
        self.building.append((fn, known))
        try:
            low = self.lower(fn, known, containers)
            extra = {"zero_cotangents": True} if zero_cotangents else {}
            build.build(self, low, fn, tuple(wrt), containers, names, **extra)
        finally:
            self.building.pop()
        return names

    def snapshot(self):
        """What `rollback` restores: the names taken and the variants made so far."""
        return (copy.deepcopy(self.namer), dict(self.pairs), len(self.defs),
                dict(self.bindings), len(self.user_names))

    def rollback(self, snapshot):
        namer, pairs, defs, bindings, user_names = snapshot
        self.namer = copy.deepcopy(namer)
        self.pairs = dict(pairs)
        del self.defs[defs:]
        self.bindings = dict(bindings)
        del self.user_names[user_names:]


def refuse_growing_arity(fn, known, building):
    """A helper calling itself with more *args items at each level (`g(w, n - 1, *args, v)`):
    a variant is made per number of items, so the variants being built would never end;
    refused at its def, with what to write instead, once three enclosing variants of it
    each had fewer items."""
    lengths = {k: v for k, v in known.items() if k.endswith(".__len__") and type(v) is int}
    if not lengths:
        return
    fewer = [k for f, k in building if f is fn and any(
        type(k.get(name)) is int and k[name] < n for name, n in lengths.items())]
    if len(fewer) < 3:
        return
    from .callables import LocalFunction
    from .frontend import get_source
    source = fn.source if isinstance(fn, LocalFunction) else get_source(fn)
    name = getattr(fn, "__qualname__", source.node.name)
    raise source.error(source.node, f"{name} calls itself with more *args items at each "
                       "level; srcdiff makes its derivative per number of items, so this "
                       "recursion has no end it can see before the code runs",
                       hint="pass the items as one list or array instead "
                            "(g(w, n - 1, items + [v]), items = [] at the first call)")


def refuse_grown_parameters(low, fn, containers):
    """A helper that grows a list it was passed (`lst += [v]`, `lst.extend(...)`): the caller's
    list would not change in the derivative; refused at the line (a tuple, which `+=` only
    rebinds, is refused too: the static type does not tell the two apart)."""
    from .sequences import grown_parameters
    for stmt, name in grown_parameters(low.body, low.params, containers):
        raise low.source.error(
            stmt.sd.line, f"{fn.__qualname__} updates its argument {name!r} in place (+=, "
            ".extend, .pop(i), .insert or del on the list or tuple passed in), which srcdiff "
            "does not follow back into the caller's value",
            hint=f"build a new one and return it: new = {name} + [...]; return new")


def known_for_callee(stmt, params, known):
    """Classes of the user objects a call passes, by the callee's parameter names."""
    args = analyze.call_args(stmt)
    out = {p: known[a.id] for p, a in zip(params, args)
           if isinstance(a, S.Name) and a.id in known}
    from .markers import NONE_PASSED   # `if callback is not None:` answered in the callee
    out.update({p + NONE_PASSED: True for p, a in zip(params, args)
                if isinstance(a, S.Constant) and a.value is None})
    from .objects import facts_for_callee
    out.update(facts_for_callee(params, args, known))
    return out


def active_params(stmt, params, active):
    """Which of a callee's parameters receive active arguments at this call."""
    args = analyze.call_args(stmt)
    return [p for p, a in zip(params, args) if isinstance(a, S.Name) and a.id in active]


__all__ = ["Program", "active_params", "known_for_callee", "refuse_grown_parameters",
           "refuse_growing_arity"]
