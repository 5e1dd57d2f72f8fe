"""examples/lstm.py: an LSTM with a `*args` helper and a list of layer objects, against
finite differences. `*args` helpers and objects held in a list are idiomsA's part of issue
#13: refused today, strict xfails to flip when they work."""
import numpy as np
import pytest

import examples_path  # noqa: F401
import lstm
import srcdiff
from gradcheck import check


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    inputs = 0.5 * rng.standard_normal((3, 2, 2))
    params = [lstm.init_params(2, 2, rng)]
    return params, inputs, rng.standard_normal((2, 2))


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="issue #13 (idiomsA): objects in a list (for layer in layers: "
                          "layer.forward(h)) and *args helpers")
def test_lstm_loss_gradient():
    params, inputs, target = _setup()
    check(lstm.loss, params, inputs, target, order=1)


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="issue #13 (idiomsA): *args helpers, concat_and_multiply(w, *args)")
def test_star_args_helper():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((5, 2))

    def f(w, x, h):
        return np.sum(np.tanh(lstm.concat_and_multiply(w, x, h)))
    check(f, w, rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), wrt=(0, 1, 2))


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="issue #13 (idiomsA): objects in a list (for layer in layers: "
                          "layer.forward(h)) and *args helpers")
def test_main_runs():
    lstm.main()
