"""Helpers the emitted code of a checkpointed loop calls (run time: called by emitted code;
checkpointing.py, checkpoint_adjoint.py and cli.py bind them). Takes the loop's range, its
policy and its state; gives back the schedule's sweeps (`checkpoint_plan`), or the online
schedule of a loop whose trip count is known only at its end.

checkpoint_plan(steps, policy, state) turns the loop's range and its policy into the two
sweeps of a schedule (srcdiff/revolve.py): a list of ranges, each run forward after the
state at its start is kept, and a list of (action, range) pairs for the adjoint. Both
are plain lists of Python ranges, made when the loop is reached, so the emitted loops
over them are ordinary loops.
"""
import array
import bisect

from .revolve import count, reverse_actions, sqrt_units, sweeps, units_for
from .runtime import refuse, snapshot


def parse_budget(text):
    """Bytes of a memory budget written '64MB', '1.5 GiB', '4096B'; None if not one."""
    if not isinstance(text, str):
        return None
    units = {"B": 1, "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9,
             "KIB": 2 ** 10, "MIB": 2 ** 20, "GIB": 2 ** 30}
    spelled = text.strip().upper().replace(" ", "")
    for unit in sorted(units, key=len, reverse=True):
        if spelled.endswith(unit):
            number = spelled[:-len(unit)]
            try:
                value = float(number)
            except ValueError:
                return None
            return int(value * units[unit]) if value > 0 else None
    return None


def policy_error(policy):
    """Why `policy` is not a checkpoint policy (None when it is one)."""
    if policy is None or policy == "sqrt":
        return None
    if isinstance(policy, bool):
        return "a bool is not a snapshot count"
    if isinstance(policy, int):
        return None if policy >= 1 else "the snapshot count must be at least 1"
    if isinstance(policy, str) and parse_budget(policy) is not None:
        return None
    return (f"{policy!r} is not a checkpoint policy: use 'sqrt', a number of snapshots "
            "(an int >= 1) or a memory budget such as '64MB'")


def state_bytes(state):
    """Bytes one snapshot of the loop's state takes (arrays by nbytes, others 8)."""
    total = 0
    for value in state:
        if isinstance(value, (list, tuple)):
            total += state_bytes(value)
        else:
            total += int(getattr(value, "nbytes", 8) or 8)
    return max(total, 1)


def snapshots_for(policy, steps, state):
    """(snapshots, steps per unit) for a policy and a loop of `steps` steps."""
    if policy is None or policy == "sqrt":
        unit = sqrt_units(steps)
        return max(1, -(-steps // unit)), unit
    if isinstance(policy, str):
        budget = parse_budget(policy)
        policy = max(1, budget // state_bytes(state))
    return policy, units_for(steps, policy)


def checkpoint_plan(steps, policy, state, where):
    """(forward sweep, reverse sweep) of a checkpointed loop over the range `steps`, whose
    state at the loop's start is `state` (a tuple: its size sets a byte budget's count)."""
    reason = policy_error(policy)
    if reason is not None:
        refuse(reason, "write srcdiff.checkpointed(range(n), snapshots='sqrt'), snapshots=k "
               "or snapshots='64MB'", where)
    if not isinstance(steps, range):
        refuse("a checkpointed loop runs over a range", "loop over range(len(...))", where)
    n = len(steps)
    snapshots, unit = snapshots_for(policy, n, state)
    units = -(-n // unit)
    return sweeps(units, snapshots, Sweep(steps, unit, with_actions=False),
                  Sweep(steps, unit, with_actions=True))


class Sweep:
    """A sweep of a schedule as a sequence: its ranges (the forward sweep), or its
    (action, range) pairs (the reverse sweep; range None for 'restore'), made as they are
    read from a few bytes an action, so that a schedule of a long loop stays small."""

    ACTIONS = ("advance", "turn", "restore", "restore_kept")

    def __init__(self, steps, unit, with_actions):
        self.steps = steps
        self.unit = unit
        self.with_actions = with_actions
        self.kinds = array.array("b")
        self.starts = array.array("q")
        self.stops = array.array("q")

    def append(self, action):
        """Add an action ('advance' | 'turn', a, b) or ('restore', None, None), in units."""
        kind, a, b = action
        self.kinds.append(self.ACTIONS.index(kind))
        self.starts.append(-1 if a is None else a)
        self.stops.append(-1 if b is None else b)

    def __len__(self):
        return len(self.kinds)

    def __getitem__(self, i):
        if not -len(self.kinds) <= i < len(self.kinds):
            raise IndexError(i)
        a = self.starts[i]
        piece = None if a < 0 else self.steps[a * self.unit:min(
            self.stops[i] * self.unit, len(self.steps))]
        if not self.with_actions:
            return piece
        return self.ACTIONS[self.kinds[i]], piece


def kept_state(values, deep=True):
    """The loop's state as a snapshot keeps it, so that the loop's later writes in place do
    not change it: copied all the way down (arrays, lists item by item), or, for a loop
    that only appends to or pops from its lists (deep=False), the lists copied, their
    items shared."""
    if deep:
        return tuple(snapshot(v) for v in values)
    return tuple(list(v) if type(v) is list else dict(v) if type(v) is dict else v
                 for v in values)


def describe(policy, steps, state=()):
    """What a policy does for a loop of `steps` steps: snapshots held at most, steps per unit,
    steps run again in the backward pass (plainly, and taped), forward runs per step."""
    snapshots, unit = snapshots_for(policy, steps, state)
    units = -(-steps // unit)
    forward, reverse = sweeps(units, snapshots)
    most, rerun, taped = count(forward, reverse, unit, steps)
    return {"steps": steps, "snapshots": most, "steps_per_unit": unit,
            "rerun_plainly": rerun, "rerun_taped": taped,
            "forward_runs_per_step": 1.0 + (rerun + taped) / steps if steps else 0.0}


# -- online: a loop whose trip count is known only at its end (while, break, return) --------
# The emitted loop keeps, in a list, the states at the starts of steps 0, stride, 2 * stride,
# ...: when it holds more than online_room(policy, stride) of them, it keeps every other
# one and doubles the stride. With k snapshots it keeps at most max(1, k // 2) (the rest are
# left to reverse one segment with); with "sqrt" at most 2 * stride, so about sqrt(2 T) at
# the end of T steps.
def online_policy(policy, state, where):
    """The policy of an online loop, checked: "sqrt" or a number of snapshots (a memory
    budget turned into one by the bytes of `state`, the loop's state at its start)."""
    reason = policy_error(policy)
    if reason is not None:
        refuse(reason, "write srcdiff.checkpointed(cond, snapshots='sqrt'), snapshots=k "
               "or snapshots='64MB'", where)
    if policy is None or policy == "sqrt":
        return "sqrt"
    if isinstance(policy, str):
        return max(1, parse_budget(policy) // state_bytes(state))
    return policy


def online_room(policy, stride):
    """How many snapshots the loop keeps at most, at this stride."""
    if policy == "sqrt":
        return max(2, 2 * stride)
    return max(1, policy // 2)


def online_schedule(kept, stride, policy, steps):
    """The reverse sweep of an online checkpointed loop that kept `kept` snapshots, `stride`
    steps apart, and ran over `steps` (a range of its trips): (action, range) pairs, as
    checkpoint_plan's reverse sweep, with one more action, ("restore_kept", None): pop the
    last snapshot the loop kept."""
    if not isinstance(steps, range):
        refuse("a checkpointed loop runs over a range", "loop over range(len(...))", None)
    return OnlineSweep(kept, stride, policy, steps)


class OnlineSweep:
    """The reverse sweep of an online loop, segment by segment (segment j: the steps from
    snapshot j to the next one), last first: restore snapshot j, then reverse the segment:
    taped at once ("sqrt"), or with the binomial schedule of k - j snapshots (snapshots
    0..j-1 are still kept: at most k - 1 - j more on the tape). Made as it is read, one
    segment at a time, so that only one segment's schedule is held; indexable, as forward
    mode reads it."""

    def __init__(self, kept, stride, policy, steps):
        self.steps = steps
        self.stride = stride
        self.policy = policy
        self.count = kept
        self._cache = (None, None)
        self._starts = []  # index of the first action of each segment, last segment first
        total = 0
        for j in reversed(range(self.count)):
            self._starts.append(total)
            total += len(self._actions(j))
        self._total = total

    def _segment(self, j):
        return self.steps[j * self.stride:min((j + 1) * self.stride, len(self.steps))]

    def _actions(self, j):
        if self._cache[0] == j:
            return self._cache[1]
        segment = self._segment(j)
        if self.policy == "sqrt":
            out = [("restore_kept", None), ("turn", segment)]
        else:
            snapshots = max(1, self.policy - j)
            # units of a segment: 1000 in all over the loop, as an offline schedule's
            unit = units_for(len(segment), snapshots, max(1, 1000 // self.count))
            out = Sweep(segment, unit, with_actions=True)
            out.append(("restore_kept", None, None))
            reverse_actions(0, -(-len(segment) // unit), snapshots - 1, out)
        self._cache = (j, out)
        return out

    def __len__(self):
        return self._total

    def __iter__(self):
        for j in reversed(range(self.count)):
            yield from self._actions(j)

    def __getitem__(self, i):
        if i < 0:
            i += self._total
        if not 0 <= i < self._total:
            raise IndexError(i)
        pos = bisect.bisect_right(self._starts, i) - 1
        return self._actions(self.count - 1 - pos)[i - self._starts[pos]]
