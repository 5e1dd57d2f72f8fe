"""The benchmarked functions: plain NumPy, module-level, so srcdiff can read their source.

Each workload is described in `WORKLOADS` (bottom of the file): the function, which
parameters the gradient is taken with respect to, and a maker of float64 inputs.
The hand-written adjoints (handwritten.py) and the peers (peers.py) compute the
gradient of exactly these functions.
"""
import numpy as np


def control_flow(a):
    """The chapter's control-flow function: a data-dependent while loop and a branch."""
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def mlp_loss(w1, b1, w2, b2, x, labels):
    """Softmax cross-entropy of a 784-512-10 tanh network (as examples/models.py)."""
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(log_probs * labels, axis=1))


def rnn_loss(wx, wh, b, xs, h0):
    """A vanilla tanh RNN unrolled by a Python loop; the loss sums the squares of every state."""
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
        loss = loss + np.sum(h * h)
    return loss


def scalar_loop(x):
    """1000 steps of a scalar recurrence on a 0-d array, accumulating every iterate."""
    acc = 0.0
    for i in range(1000):
        x = np.sin(x) * x + 0.1
        acc = acc + x
    return acc


def logsumexp(a):
    """Row-wise log-sum-exp of a matrix (max-shifted), summed to a scalar."""
    m = np.max(a, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True))
    return np.sum(lse)


# ---- inputs ---------------------------------------------------------------------------

def control_flow_inputs(rng):
    return (np.array(0.3),)


def mlp_inputs(rng, batch=256, n_in=784, n_hidden=512, n_out=10):
    w1 = rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)
    b1 = 0.1 * rng.standard_normal(n_hidden)
    w2 = rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)
    b2 = 0.1 * rng.standard_normal(n_out)
    x = rng.standard_normal((batch, n_in))
    labels = np.eye(n_out)[rng.integers(0, n_out, batch)]
    return (w1, b1, w2, b2, x, labels)


def rnn_inputs(rng, steps=50, batch=32, n_in=64, n_hidden=128):
    wx = rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)
    wh = 0.9 * rng.standard_normal((n_hidden, n_hidden)) / np.sqrt(n_hidden)
    b = 0.1 * rng.standard_normal(n_hidden)
    xs = rng.standard_normal((steps, batch, n_in))
    h0 = np.zeros((batch, n_hidden))
    return (wx, wh, b, xs, h0)


def scalar_loop_inputs(rng):
    return (np.array(0.7),)


def logsumexp_inputs(rng, n=1000):
    return (rng.standard_normal((n, n)),)


class Workload:
    def __init__(self, key, title, fn, wrt, make_inputs):
        self.key = key
        self.title = title
        self.fn = fn
        self.wrt = wrt                  # tuple of parameter positions
        self.make_inputs = make_inputs


WORKLOADS = [
    Workload("control_flow", "control flow (0-d)", control_flow, (0,), control_flow_inputs),
    Workload("mlp", "MLP 784-512-10, batch 256", mlp_loss, (0, 1, 2, 3), mlp_inputs),
    Workload("rnn", "RNN 50 steps, 32x64->128", rnn_loss, (0, 1, 2), rnn_inputs),
    Workload("scalar_loop", "scalar loop, 1000 steps", scalar_loop, (0,), scalar_loop_inputs),
    Workload("logsumexp", "logsumexp 1000x1000", logsumexp, (0,), logsumexp_inputs),
]
