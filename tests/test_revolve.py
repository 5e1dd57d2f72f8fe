"""The checkpointing schedules (srcdiff/revolve.py): every unit reversed once, in reverse
order, from the state at its start, with at most k snapshots. (The plans and online schedules
the emitted code reads are tests/test_runtime_checkpoint.py's.)"""
import pytest

from srcdiff import revolve, runtime_checkpoint


def run(units, snapshots):
    """Play a schedule on positions: (units turned in order, most snapshots held)."""
    forward, reverse = revolve.sweeps(units, snapshots)
    stack, pos, most = [], 0, 0
    for action, a, b in forward:
        assert action == "advance" and a == pos
        stack.append(pos)
        pos = b
        most = max(most, len(stack))
    assert pos == units  # the primal goes on from the loop's end
    turned = []
    for action, a, b in reverse:
        if action == "restore":
            pos = stack.pop()
        elif action == "advance":
            assert a == pos
            stack.append(pos)
            pos = b
        else:
            assert action == "turn" and a == pos
            turned += list(reversed(range(a, b)))
        most = max(most, len(stack))
    assert not stack
    return turned, most


@pytest.mark.parametrize("snapshots", range(1, 9))
def test_every_unit_is_turned_once_in_reverse_order(snapshots):
    for units in range(0, 70):
        turned, most = run(units, snapshots)
        assert turned == list(reversed(range(units)))
        assert most <= snapshots


@pytest.mark.parametrize("units,snapshots", [(100, 10), (1000, 31), (10000, 100), (500, 3)])
def test_binomial_repetitions(units, snapshots):
    """Each unit is run forward at most r + 1 times (r reruns, beta(s - 1, r) >= units) and
    the reruns are far fewer than the quadratic schedule's."""
    forward, reverse = revolve.sweeps(units, snapshots)
    runs = [0] * units
    for action, a, b in forward + reverse:
        if action in ("advance", "turn"):
            for u in range(a, b):
                runs[u] += 1
    r = revolve.repetitions(snapshots - 1, units)
    assert max(runs) <= r + 1
    most, rerun, taped = revolve.count(forward, reverse, 1, units)
    assert most <= snapshots and taped == units
    assert rerun <= r * units


def test_sqrt_policy_units():
    for steps in (1, 2, 10, 99, 100, 101, 10 ** 6):
        unit = revolve.sqrt_units(steps)
        assert unit * unit >= steps and (unit - 1) ** 2 < steps
    fwd, rev = runtime_checkpoint.checkpoint_plan(range(100), "sqrt", (1.0,), None)
    assert len(fwd) == 10 and all(len(r) == 10 for r in fwd)
    assert [a for a, _ in rev].count("turn") == 10
    assert [a for a, _ in rev].count("advance") == 0  # one forward sweep more, no reruns
