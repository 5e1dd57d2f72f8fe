"""Checkpointing schedules for a loop's adjoint: which states to keep, what to run again (leaf:
called by runtime_checkpoint.py, at run time of emitted code). Takes a number of units and
of snapshots; gives back the forward and reverse sweeps of Griewank's binomial schedule
(`sweeps`) as lists of actions.

A loop of T steps is cut into n units of u steps (u = 1 unless said below). The adjoint
needs the state at the start of each unit, in reverse order. Keeping all of them is the
tape; keeping s of them and running forward again from the nearest one is checkpointing.

The schedule is Griewank's binomial one (revolve): with s snapshots a stretch of L units
is reversed with every unit run forward at most r more times, r the least with
beta(s, r) = C(s + r, s) >= L. The stretch is split where its left part fits
beta(s, r - 1) (reversed later with s snapshots, one of its runs spent on the way
across) and its right part beta(s - 1, r) (reversed first, with one snapshot fewer:
the one holding the stretch's start).

A schedule is three kinds of action on the loop's state (the loop-carried values):

* ("advance", a, b): keep the state (a snapshot, pushed on the tape), then run units
  a..b plainly, without taping;
* ("turn", a, b): units a..b taped, then their adjoint (the state is unit a's);
* ("restore", None, None): pop the last snapshot back into the state.

The forward sweep (`sweeps`' first list) is advances only, and ends at the loop's end,
so the primal goes on from there; the reverse sweep starts by restoring. Snapshots are
last in, first out: the tape holds them.
"""
import math

def beta(s, r):
    """How many units s snapshots reverse with each unit run forward at most r more times."""
    return math.comb(s + r, s)


def repetitions(s, length):
    """The least r with beta(s, r) >= length (s >= 1)."""
    r = 0
    while beta(s, r) < length:
        r += 1
    return r


def split(length, s):
    """Units in the left part of a stretch of `length` units reversed with s snapshots."""
    r = repetitions(s, length)
    left = length - beta(s - 1, r)  # the right part takes all its s - 1 snapshots allow
    return max(1, min(left if left > 0 else 1, beta(s, r - 1), length - 1))


def reverse_actions(a, b, s, out):
    """Append the actions that reverse units a..b from the state at a, with s snapshots
    (the recursion of the binomial schedule, on a stack of its own: s may be large)."""
    work = [(a, b, s)]
    while work:
        task = work.pop()
        if task is None:
            out.append(("restore", None, None))
            continue
        a, b, s = task
        if b - a == 1 or s <= 0:
            out.append(("turn", a, b))  # s == 0 with several units: they are taped together
            continue
        m = a + split(b - a, s)
        out.append(("advance", a, m))
        # then units m..b with one snapshot fewer, the state back at a, units a..m
        work += [(a, m, s), None, (m, b, s - 1)]


def sweeps(units, snapshots, forward=None, reverse=None):
    """(forward sweep, reverse sweep) in units, keeping at most `snapshots` states: lists of
    actions, or the `forward` and `reverse` given (anything with append), filled as the
    schedule is made."""
    forward = [] if forward is None else forward
    reverse = [] if reverse is None else reverse
    if units > 0:
        reverse_actions(0, units, max(0, snapshots - 1), _Split(forward, reverse))
    return forward, reverse


class _Split:
    """Routes a schedule's actions: the advances before its first turn are the forward
    sweep, which also runs the first turn's units (the primal goes on from the loop's end);
    the reverse sweep restores the state at their start and goes on from that turn."""

    def __init__(self, forward, reverse):
        self.forward, self.reverse = forward, reverse
        self.turned = False

    def append(self, action):
        if not self.turned and action[0] == "turn":
            self.turned = True
            self.forward.append(("advance",) + action[1:])
            self.reverse.append(("restore", None, None))
        (self.reverse if self.turned else self.forward).append(action)


def units_for(steps, snapshots, base_units=1000):
    """Steps per unit for `snapshots` snapshots: 1 where the schedule stays within two
    reruns or `base_units` units; more otherwise, so the schedule (a list) stays small
    (a turn then tapes u steps at once)."""
    if steps <= 0:
        return 1
    most = max(beta(max(snapshots, 1), 2), base_units)
    return max(1, -(-steps // most))


def sqrt_units(steps):
    """The "sqrt" policy: units of about sqrt(T) steps, a snapshot at each one's start."""
    return max(1, math.isqrt(max(steps - 1, 0)) + 1)


def count(forward, reverse, unit, steps):
    """(most snapshots held at once, steps run plainly in the reverse sweep, steps taped)
    of a schedule over units of `unit` steps of a loop of `steps` steps."""
    depth = most = 0
    rerun = taped = 0
    for i, (action, a, b) in enumerate(forward + reverse):
        if action == "advance":
            depth += 1
            most = max(most, depth)
        elif action == "restore":
            depth -= 1
        length = 0 if a is None else min(b * unit, steps) - a * unit
        if i >= len(forward) and action == "advance":
            rerun += length
        elif action == "turn":
            taped += length
    return most, rerun, taped
