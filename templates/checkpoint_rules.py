"""Rules for the helpers of checkpointed loops (srcdiff.runtime_checkpoint), so that forward
mode runs over their emitted adjoints (hvp, hessian, grad of grad).

The schedule is made of ranges: it carries no derivative (nor do an online loop's policy and
room, numbers of snapshots). A snapshot of the loop's state is a copy of it: its tangent is
the copy of the state's tangent.
"""
from srcdiff.rules import d, forward, nondifferentiable
from srcdiff.runtime_checkpoint import (checkpoint_plan, kept_state, online_policy,
                                        online_room, online_schedule)

nondifferentiable(checkpoint_plan)
nondifferentiable(online_policy)
nondifferentiable(online_room)
nondifferentiable(online_schedule)


@forward(kept_state)
def kept_state_tangent(y, values, deep=True):
    d[y] = kept_state(d[values], deep)
