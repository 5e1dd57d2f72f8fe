"""The lowered functions made for a user function, kept for the next derivative of it (stage
3, lower: called by transform.lower_function). grad, value_and_grad and vjp of one function,
and hvp's gradient, lower it the same way; each gets a copy of one lowering (`lowered`).

A copy shares nothing the later stages change: the statements are cloned, and their facts
(core.Info, a loop's LoopInfo, a call's UserCall operands) copied; the namer and bindings
are new containers. An entry is made again when a name it read is bound anew
(resolver.stale, as derivative.py's own cache), and is dropped with the derivatives when
srcdiff.api.clear_cache runs (it lives in the same per-function table).
"""
import copy

from . import syntax as S
from .core import Lowered, UserCall
from .resolver import _STATE, stale, tracking


def lowered(fn, key, make):
    """make() (a frozen core.Lowered), or a copy of the one it gave for `key` before."""
    from .derivative import _derivatives_of
    table = _derivatives_of(fn)
    kept = table.get(("lowered",) + key)
    if kept is not None and not stale(kept[1]):
        if _STATE.tracking:
            _STATE.tracking[-1].extend(kept[1])   # the derivative depends on them too
        return copy_lowered(kept[0])
    with tracking() as deps:
        low = make()
    if _STATE.tracking:
        _STATE.tracking[-1].extend(deps)
    table[("lowered",) + key] = (copy_lowered(low), tuple(deps))
    return low


def copy_lowered(low):
    """A copy of a frozen Lowered sharing nothing a later stage changes."""
    loops = {}

    def facts(node):
        sd = node.__dict__.get("sd")
        if sd is None:
            return
        new = copy.copy(sd)
        if sd.loop is not None:
            new.loop = loops.get(id(sd.loop))
            if new.loop is None:
                new.loop = loops[id(sd.loop)] = copy.copy(sd.loop)
        if sd.user_call is not None:
            new.user_call = UserCall(sd.user_call.form, S.clone(list(sd.user_call.args)))
        node.sd = new

    body = S.clone(low.body)
    for stmt in body:
        for node in S.walk(stmt):
            facts(node)
    defaults = {k: S.clone(v) for k, v in low.defaults.items()}
    new = Lowered(low.name, list(low.params), defaults, body, copy.deepcopy(low.namer),
                  dict(low.bindings), low.source)
    new.known_types = dict(low.known_types)
    new.kinds = dict(low.kinds)
    return new.freeze()
