"""An LSTM written the way a user writes one: a helper taking `*args` to concatenate its
inputs, and the layers as a list of objects the loss loops over.

Run it with:  python examples/lstm.py
"""
import numpy as np

import srcdiff


def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


class LSTMLayer:
    def __init__(self, params):
        self.params = params

    def forward(self, inputs):
        p = self.params
        n = inputs.shape[1]
        hidden = np.zeros((n, p["change"].shape[1]))
        cells = np.zeros((n, p["change"].shape[1]))
        outputs = []
        for x in inputs:
            change = np.tanh(concat_and_multiply(p["change"], x, hidden))
            forget = sigmoid(concat_and_multiply(p["forget"], x, hidden))
            ingate = sigmoid(concat_and_multiply(p["ingate"], x, hidden))
            outgate = sigmoid(concat_and_multiply(p["outgate"], x, hidden))
            cells = cells * forget + ingate * change
            hidden = outgate * np.tanh(cells)
            outputs.append(hidden)
        return np.stack(outputs)


def init_params(n_in, n_hidden, rng):
    shape = (n_in + n_hidden + 1, n_hidden)
    return {k: 0.3 * rng.standard_normal(shape) for k in ("change", "forget", "ingate",
                                                          "outgate")}


def loss(params_list, inputs, target):
    layers = [LSTMLayer(p) for p in params_list]
    h = inputs
    for layer in layers:
        h = layer.forward(h)
    return np.mean((h[-1] - target) ** 2)


def main():
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((6, 2, 3))      # time, batch, features
    params = [init_params(3, 4, rng), init_params(4, 4, rng)]
    target = rng.standard_normal((2, 4))
    g = srcdiff.grad(loss)(params, inputs, target)
    print("loss:", loss(params, inputs, target))
    print("gradient keys:", [sorted(layer) for layer in g])
    return g


if __name__ == "__main__":
    main()
