"""numpy.gradient given a spacing per axis, `numpy.gradient(f, dx, dy, axis=...)`, lowered to
runtime_spacings.gradient_spacings (stage 3, lower: called by sequences.rewrite on the
lowered body). Takes a lowered call statement and the binder of srcdiff's helpers; gives
back whether it was such a call, which it changes in place (its rules: templates/arrays.py).

numpy.gradient's rule takes one spacing (a number or an array of coordinates, for every
axis it differentiates along); with two to four spacings the call becomes
`gradient_spacings(f, dx, dy, ...)`, which gives NumPy's tuple and whose rules apply the
one-spacing rule result by result. More spacings than four stay refused at the call
(the rule's signature does not take them).
"""
from . import syntax as S
from .core import Kind

MOST = 4   # spacings gradient_spacings takes


def rewrite(stmt, helper):
    """`y = numpy.gradient(f, s0, s1, ...)` (two to MOST spacings, by position) as
    `y = gradient_spacings(f, s0, s1, ...)`; True where it was one."""
    import numpy
    if not (isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and
            stmt.sd.func is numpy.gradient and isinstance(stmt.value, S.Call)):
        return False
    args = stmt.value.args
    if not 3 <= len(args) <= MOST + 1 or any(isinstance(a, S.Starred) for a in args):
        return False
    from . import runtime_spacings
    stmt.value.func = helper("gradient_spacings", runtime_spacings)
    stmt.sd.func = runtime_spacings.gradient_spacings
    return True
