"""examples/lstm.py: an LSTM with a `*args` helper and a list of layer objects, against
finite differences: the `*args` helper, and the layer objects made in a comprehension from the
differentiated parameters (`[LSTMLayer(p) for p in params_list]`, then `for layer in layers:
h = layer.forward(h)`), in both modes and to second order on a small case."""
import numpy as np
import lstm
from gradcheck import check


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    inputs = 0.5 * rng.standard_normal((3, 2, 2))
    params = [lstm.init_params(2, 2, rng)]
    return params, inputs, rng.standard_normal((2, 2))


def test_lstm_loss_gradient():
    params, inputs, target = _setup()
    check(lstm.loss, params, inputs, target, order=1)


def test_lstm_two_layers_second_order():
    rng = np.random.default_rng(2)
    params = [lstm.init_params(2, 2, rng), lstm.init_params(2, 2, rng)]
    check(lstm.loss, params, 0.5 * rng.standard_normal((2, 1, 2)),
          rng.standard_normal((1, 2)), order=2)


def test_star_args_helper():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((5, 2))

    def f(w, x, h):
        return np.sum(np.tanh(lstm.concat_and_multiply(w, x, h)))
    check(f, w, rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), wrt=(0, 1, 2))


def test_main_runs():
    lstm.main()
