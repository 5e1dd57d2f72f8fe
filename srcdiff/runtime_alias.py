"""A runtime check the emitted code calls before a helper that updates its argument in place.

`vx, vy = step(vx, vy, dt)` where step does `vx -= dt * vy`: the caller never reads its
old vx again (alias_flow proved it), and step's derivative updates a copy of its own, so
the two agree, unless the array step updates is also what another argument holds (`step(v,
v, dt)`, or a view of it): then Python's update shows through that argument and the copy's
does not. Only the run can tell; this refuses that case.
"""
import numpy

from .runtime_checks import refuse


def check_update_unshared(value, others, method, reason, hint, filename, lineno, col):
    """Refuse when `value` (updated in place by the helper, `method` being its operator's
    in-place method) is an array or list that one of `others` (the call's other arguments)
    holds or shares memory with. Numbers are rebound, never shared."""
    if not hasattr(type(value), method):
        return
    for other in others:
        if other is value or (hasattr(value, "shape") and hasattr(other, "shape")
                              and numpy.shares_memory(value, other)):
            refuse(reason, hint, f"{filename}:{lineno}")
        if isinstance(other, (list, tuple, dict)):
            items = other.values() if isinstance(other, dict) else other
            if any(item is value for item in items):
                refuse(reason, hint, f"{filename}:{lineno}")
