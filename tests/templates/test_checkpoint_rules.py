"""Tangent rules of the checkpointed loops' helpers (templates/checkpoint_rules.py), against
central differences: each helper called as a plain function and differentiated with
srcdiff.jvp, and met by forward mode over a checkpointed adjoint (hvp)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.runtime_checkpoint import kept_state

rng = np.random.default_rng(18)


def keeps_a_state(a, b):
    kept = kept_state((a, b))
    return np.sum(kept[0] * np.sin(kept[1]))


def keeps_lists_shallow(a, b):
    kept = kept_state(([a, b], b), False)
    first = kept[0]
    return np.sum(first[0] * first[1] + kept[1])


@pytest.mark.parametrize("f", [keeps_a_state, keeps_lists_shallow])
def test_kept_state(f):
    """Forward mode only: emitted adjoints call kept_state, user code does not (no reverse
    rule)."""
    check(f, rng.normal(size=3), rng.normal(size=3), wrt=(0, 1), modes=("fwd",), order=1)


def writes_into_its_state(x):
    buf = x * 1.0
    for t in srcdiff.checkpointed(range(6), snapshots=2):
        buf[t % 3] = np.tanh(buf[(t + 1) % 3] * buf[t % 3] + 0.2)
    return np.sum(buf * buf)


def appends_to_its_state(x):
    hs = [x]
    for t in srcdiff.checkpointed(range(5), snapshots=2):
        hs.append(np.sin(hs[-1]) * 1.2)
    return np.sum(np.stack(hs) ** 2)


@pytest.mark.parametrize("f", [writes_into_its_state, appends_to_its_state])
def test_snapshots_in_second_order(f):
    """hvp and grad of grad: forward mode meets kept_state and checkpoint_plan (no
    derivative) in the emitted adjoint."""
    check(f, rng.normal(size=3) * 0.5)
