"""Hand-written NumPy adjoints of the workloads in workloads.py: the baseline.

Written the way a careful person writes an adjoint by hand, statement by statement:
run the forward pass (the same statements as the primal, loss included), keep
exactly the values the backward pass reads, then walk the statements backwards,
loops reversed. No framework, no generic helpers: shapes are known, so bias
gradients are plain `sum(axis=0)` and matmul adjoints are plain transposed products.
Each adjoint also differentiates through `np.max` (routing the max's adjoint to the
arg-max entries, split evenly on ties), as srcdiff does, even though that adjoint is
zero up to rounding for a shifted softmax/logsumexp.

Every function returns the gradient(s) in the order of the workload's `wrt`.
"""
import numpy as np


def control_flow_grad(a):
    b = a * 2
    trips = 0
    while np.linalg.norm(b) < 1000:
        b = b * 2
        trips += 1
    positive = b.sum() > 0
    # backward: d c = 1
    d_b = np.ones_like(b) if positive else np.full_like(b, 100.0)
    for _ in range(trips):
        d_b = d_b * 2
    return d_b * 2


def mlp_grad(w1, b1, w2, b2, x, labels):
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    e = np.exp(shifted)
    s = np.sum(e, axis=1, keepdims=True)
    log_probs = shifted - np.log(s)
    loss = -np.mean(np.sum(log_probs * labels, axis=1))
    # backward
    d_log_probs = labels * (-1.0 / x.shape[0])
    d_s = -np.sum(d_log_probs, axis=1, keepdims=True) / s
    d_shifted = d_log_probs + d_s * e
    d_m = -np.sum(d_shifted, axis=1, keepdims=True)
    is_max = logits == m
    d_logits = d_shifted + is_max * (d_m / np.sum(is_max, axis=1, keepdims=True))
    d_w2 = h.T @ d_logits
    d_b2 = d_logits.sum(axis=0)
    d_h = d_logits @ w2.T
    d_pre = d_h * (1 - h * h)
    d_w1 = x.T @ d_pre
    d_b1 = d_pre.sum(axis=0)
    return d_w1, d_b1, d_w2, d_b2


def rnn_grad(wx, wh, b, xs, h0):
    steps = xs.shape[0]
    hs = [h0]                      # every state: the backward pass reads all of them
    h = h0
    loss = 0.0
    for t in range(steps):
        h = np.tanh(xs[t] @ wx + h @ wh + b)
        loss = loss + np.sum(h * h)
        hs.append(h)
    # backward: d loss = 1
    d_wx = np.zeros_like(wx)
    d_wh = np.zeros_like(wh)
    d_b = np.zeros_like(b)
    d_h = np.zeros_like(h0)
    for t in reversed(range(steps)):
        h = hs[t + 1]
        d_h = d_h + 2 * h
        d_pre = d_h * (1 - h * h)
        d_wx += xs[t].T @ d_pre
        d_wh += hs[t].T @ d_pre
        d_b += d_pre.sum(axis=0)
        d_h = d_pre @ wh.T
    return d_wx, d_wh, d_b


def scalar_loop_grad(x):
    saved = []                     # (x, sin x) of every step
    acc = 0.0
    for i in range(1000):
        s = np.sin(x)
        saved.append((x, s))
        x = s * x + 0.1
        acc = acc + x
    # backward: d acc = 1 at every step
    d_x = 0.0
    for i in reversed(range(1000)):
        x, s = saved[i]
        d_x = d_x + 1.0
        d_x = d_x * (s + np.cos(x) * x)
    return d_x


def logsumexp_grad(a):
    m = np.max(a, axis=1, keepdims=True)
    e = np.exp(a - m)
    s = np.sum(e, axis=1, keepdims=True)
    lse = m + np.log(s)
    total = np.sum(lse)
    # backward: d lse = 1 for every row
    d_a = e * (1.0 / s)
    d_m = 1.0 - np.sum(d_a, axis=1, keepdims=True)
    is_max = a == m
    d_a += is_max * (d_m / np.sum(is_max, axis=1, keepdims=True))
    return d_a


HANDWRITTEN = {
    "control_flow": control_flow_grad,
    "mlp": mlp_grad,
    "rnn": rnn_grad,
    "scalar_loop": scalar_loop_grad,
    "logsumexp": logsumexp_grad,
}
