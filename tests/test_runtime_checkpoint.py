"""The helpers a checkpointed loop's emitted code calls (srcdiff/runtime_checkpoint.py): plans
cut from the loop's range, policies (snapshot counts, memory budgets, 'sqrt') checked and
described, and online schedules of loops whose trip count is known only at their end, played
as the emitted code plays them: every step turned once, in reverse order, within the bounds
the policy promises."""
import math

import pytest

from srcdiff import revolve, runtime_checkpoint


def test_plans_cut_the_loops_range():
    steps = range(3, 40, 3)
    fwd, rev = runtime_checkpoint.checkpoint_plan(steps, 2, (1.0,), None)
    assert [i for r in fwd for i in r] == list(steps)
    turned = [i for a, r in rev if a == "turn" for i in reversed(r)]
    assert turned == list(reversed(steps))


def test_budget_policy():
    import numpy as np
    state = (np.zeros(1000),)  # 8000 bytes a snapshot
    assert runtime_checkpoint.parse_budget("80kB") == 80000
    assert runtime_checkpoint.parse_budget("1 MiB") == 2 ** 20
    assert runtime_checkpoint.parse_budget("lots") is None
    assert runtime_checkpoint.snapshots_for("80KB", 1000, state)[0] == 10
    assert runtime_checkpoint.snapshots_for("1B", 1000, state)[0] == 1


@pytest.mark.parametrize("bad", [0, -3, True, "cubic", 2.5, "0MB"])
def test_bad_policies_are_named(bad):
    assert runtime_checkpoint.policy_error(bad)


def test_describe():
    info = runtime_checkpoint.describe("sqrt", 10 ** 4)
    assert info["snapshots"] == 100 and info["steps_per_unit"] == 100
    assert info["rerun_plainly"] == 0 and info["forward_runs_per_step"] == 2.0
    info = runtime_checkpoint.describe(20, 10 ** 4)
    assert info["snapshots"] <= 20 and 2.0 < info["forward_runs_per_step"] < 8.0
    assert math.isfinite(info["forward_runs_per_step"])


# --- online schedules: loops whose trip count is known only at their end -----------------
def run_online(steps, policy):
    """Play an online loop of `steps` steps as the emitted code does (keep, thin), then its
    reverse sweep: (units turned in order, most snapshots held at once, runs of each step in
    the backward pass, the stride, the snapshots kept)."""
    policy = runtime_checkpoint.online_policy(policy, (1.0,), None)
    kept, stride, most = [], 1, 0
    for step in range(steps):
        if step == len(kept) * stride:
            kept.append(step)
            most = max(most, len(kept))
            if len(kept) > runtime_checkpoint.online_room(policy, stride):
                kept, stride = kept[::2], stride * 2
    assert kept == list(range(0, steps, stride))
    schedule = runtime_checkpoint.online_schedule(len(kept), stride, policy, range(steps))
    actions = list(schedule)
    assert len(actions) == len(schedule)
    assert [schedule[i] for i in range(len(schedule))] == actions  # forward mode indexes it
    held, tape, pos, turned, runs = list(kept), [], steps, [], [0] * steps
    for action, segment in actions:
        if action == "restore_kept":
            pos = held.pop()
        elif action == "restore":
            pos = tape.pop()
        else:
            assert segment[0] == pos
            for i in segment:
                runs[i] += 1
            if action == "advance":
                tape.append(pos)
                pos = segment[-1] + 1
            else:
                turned += list(reversed(segment))
        most = max(most, len(held) + len(tape))
    assert not held and not tape
    return turned, most, runs, stride, len(kept)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 8, 13, 20])
def test_online_schedule_bounds(k):
    """Every step turned once, in reverse order; at most k snapshots held (2 for k = 1: the
    one kept and the next, before thinning); segments of fewer than 2 T / (k // 2) steps,
    segment j's steps each run at most r + 1 times in the backward pass, r the least with
    C(k - 1 - j + r, r) >= its units."""
    for steps in list(range(0, 200)) + [1000, 4097, 20000]:
        turned, most, runs, stride, count = run_online(steps, k)
        assert turned == list(reversed(range(steps)))
        assert most <= max(k, 2)
        keep = max(1, k // 2)
        assert count <= keep and (stride == 1 or stride < 2 * steps / keep)
        for j in range(count):
            segment = range(steps)[j * stride:(j + 1) * stride]
            snapshots = max(1, k - j)
            unit = revolve.units_for(len(segment), snapshots, max(1, 1000 // count))
            units = -(-len(segment) // unit)
            r = revolve.repetitions(snapshots - 1, units) if snapshots > 1 else 0
            assert max(runs[i] for i in segment) <= r + 1


def test_online_sqrt_schedule_bounds():
    """'sqrt' online: at most sqrt(2 T) + 2 snapshots, segments of at most sqrt(2 T) steps,
    each step run once more (taped) in the backward pass."""
    for steps in list(range(0, 300)) + [10 ** 4, 10 ** 5 + 7]:
        turned, most, runs, stride, count = run_online(steps, "sqrt")
        assert turned == list(reversed(range(steps)))
        assert most <= math.isqrt(2 * steps) + 2
        assert stride * stride <= max(2 * steps, 1)
        assert all(r == 1 for r in runs)


def test_online_budget_policy():
    import numpy as np
    state = (np.zeros(1000),)  # 8000 bytes a snapshot
    assert runtime_checkpoint.online_policy("80KB", state, None) == 10
    assert runtime_checkpoint.online_policy(None, state, None) == "sqrt"
    with pytest.raises(Exception, match="at least 1"):
        runtime_checkpoint.online_policy(0, state, None)


# --- the plan's pieces, called as the emitted code calls them ---------------------------------
def test_plan_refusals_name_the_users_line():
    from srcdiff.errors import RuntimeRefusal
    where = f"{__file__}:1"
    with pytest.raises(RuntimeRefusal, match="snapshot count must be at least 1") as info:
        runtime_checkpoint.checkpoint_plan(range(10), 0, (1.0,), where)
    assert "test_runtime_checkpoint.py" in str(info.value) and "snapshots='sqrt'" in str(info.value)
    with pytest.raises(RuntimeRefusal, match="runs over a range"):
        runtime_checkpoint.checkpoint_plan([0, 1, 2], 2, (1.0,), where)
    with pytest.raises(RuntimeRefusal, match="runs over a range"):
        runtime_checkpoint.online_schedule(1, 1, 2, [0, 1])


def test_sweeps_read_as_sequences():
    fwd, rev = runtime_checkpoint.checkpoint_plan(range(10), 3, (1.0,), None)
    assert len(fwd) >= 1 and fwd[-1] == fwd[len(fwd) - 1]
    assert all(isinstance(r, range) for r in fwd)
    assert {a for a, _ in rev} <= {"advance", "turn", "restore"}
    assert all(r is None for a, r in rev if a == "restore")
    for sweep in (fwd, rev):
        with pytest.raises(IndexError):
            sweep[len(sweep)]
        assert list(sweep) == [sweep[i] for i in range(len(sweep))]
    # an empty loop: nothing run, nothing turned
    fwd, rev = runtime_checkpoint.checkpoint_plan(range(0), "sqrt", (1.0,), None)
    assert [i for r in fwd for i in r] == [] and [a for a, _ in rev].count("turn") == 0


def test_kept_state_is_unchanged_by_later_writes():
    import numpy as np
    x, items = np.arange(3.0), [np.ones(2)]
    deep = runtime_checkpoint.kept_state((x, items, 2.0))
    x[0] = 9.0
    items[0][0] = 9.0
    items.append(np.zeros(1))
    assert deep[0][0] == 0.0 and deep[1][0][0] == 1.0 and len(deep[1]) == 1 and deep[2] == 2.0
    # a loop that only appends and pops: the list is copied, its items shared
    row = np.ones(2)
    lst, table = [row], {"a": row}
    shallow = runtime_checkpoint.kept_state((lst, table), deep=False)
    lst.append(row)
    table["b"] = row
    assert len(shallow[0]) == 1 and shallow[0][0] is row and set(shallow[1]) == {"a"}


def test_state_bytes_sets_a_budgets_snapshot_count():
    import numpy as np
    assert runtime_checkpoint.state_bytes((np.zeros(10), [np.zeros(5), 1.0])) == 80 + 40 + 8
    assert runtime_checkpoint.state_bytes(()) == 1
    snapshots, unit = runtime_checkpoint.snapshots_for("1KB", 100, (np.zeros(25),))
    assert snapshots == 5 and unit >= 1
