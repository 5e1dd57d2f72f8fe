"""examples/attention.py: scaled dot-product attention against finite differences, both
modes and second order."""
import numpy as np

import attention  # noqa: I100
from gradcheck import check


def test_attention_loss_gradient():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4))
    wq, wk, wv = (0.5 * rng.standard_normal((4, 2)) for _ in range(3))
    target = rng.standard_normal((3, 2))
    check(attention.attention_loss, wq, wk, wv, x, target, wrt=(0, 1, 2))


def test_attention_wrt_its_inputs():
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal((3, 2)) for _ in range(3))
    check(attention.attention, q, k, v, wrt=(0, 1, 2), order=1)


def test_main_runs():
    assert all(np.all(np.isfinite(g)) for g in attention.main())
