"""Lean hand-written NumPy adjoints of the workloads in workloads.py: the second baseline.

handwritten.py writes each adjoint statement by statement, as srcdiff does: it computes
the loss the gradient function does not return, and differentiates through `np.max`
even where that derivative is zero. These adjoints are what a careful person writes
when only the gradient is wanted:

* no output value computed that the gradient does not read (no loss, no `total`);
* no work for a derivative that is zero: the max that shifts a softmax or a
  log-sum-exp changes nothing (the shift cancels exactly), so its adjoint is left out;
* shapes are known: matmul adjoints are plain transposed products, bias gradients
  plain sums, a scalar recurrence works on scalars.

The gradients equal handwritten.py's to rounding (run.py checks both against it).
Every function returns the gradient(s) in the order of the workload's `wrt`.
"""
import numpy as np


def control_flow_grad(a):
    b = a * 2
    trips = 0
    while np.linalg.norm(b) < 1000:
        b = b * 2
        trips += 1
    d_b = np.ones_like(b) if b.sum() > 0 else np.full_like(b, 100.0)
    for _ in range(trips):
        d_b = d_b * 2
    return d_b * 2


def mlp_grad(w1, b1, w2, b2, x, labels):
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    e = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    # d log_probs = -labels / n; through the log-softmax: d logits = d lp - rowsum(d lp) * p
    d_lp = labels * (-1.0 / x.shape[0])
    d_logits = d_lp - np.sum(d_lp, axis=1, keepdims=True) * (e / np.sum(e, axis=1, keepdims=True))
    d_w2 = h.T @ d_logits
    d_b2 = d_logits.sum(axis=0)
    d_pre = (d_logits @ w2.T) * (1 - h * h)
    d_w1 = x.T @ d_pre
    d_b1 = d_pre.sum(axis=0)
    return d_w1, d_b1, d_w2, d_b2


def rnn_grad(wx, wh, b, xs, h0):
    steps = xs.shape[0]
    hs = [h0]
    h = h0
    for t in range(steps):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
        hs.append(h)
    d_wx = np.zeros_like(wx)
    d_wh = np.zeros_like(wh)
    d_b = np.zeros_like(b)
    d_h = np.zeros_like(h0)
    for t in reversed(range(steps)):
        h = hs[t + 1]
        d_pre = (d_h + 2 * h) * (1 - h * h)
        d_wx += xs[t].T @ d_pre
        d_wh += hs[t].T @ d_pre
        d_b += d_pre.sum(axis=0)
        d_h = d_pre @ wh.T
    return d_wx, d_wh, d_b


def scalar_loop_grad(x):
    saved = []                     # (x, sin x) of every step
    for i in range(1000):
        s = np.sin(x)
        saved.append((x, s))
        x = s * x + 0.1
    d_x = 0.0
    for i in reversed(range(1000)):
        x, s = saved[i]
        d_x = (d_x + 1.0) * (s + np.cos(x) * x)
    return d_x


def logsumexp_grad(a):
    e = np.exp(a - np.max(a, axis=1, keepdims=True))
    e /= np.sum(e, axis=1, keepdims=True)
    return e


LEAN = {
    "control_flow": control_flow_grad,
    "mlp": mlp_grad,
    "rnn": rnn_grad,
    "scalar_loop": scalar_loop_grad,
    "logsumexp": logsumexp_grad,
}
