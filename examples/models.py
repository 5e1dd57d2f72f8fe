"""Small models whose gradients the codegen example writes out (see README, "Offline codegen").

    srcdiff examples/models.py:mlp_loss --wrt w1,b1,w2,b2 -o mlp_loss_grad.py
"""
import numpy as np

DECAY = 0.9


def mlp_loss(w1, b1, w2, b2, x, labels):
    """Softmax cross-entropy of a one-hidden-layer tanh network."""
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(log_probs * labels, axis=1))


def rnn_loss(wx, wh, xs, h0):
    """A vanilla RNN unrolled by a Python loop; the loss is the sum of squared states."""
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ wx + h @ wh)
        loss = loss + np.sum(h * h)
    return loss


def decayed_sum(x):
    """A while loop on data, a branch and a break."""
    total = 0.0
    scale = 1.0
    while scale > 0.05:
        total = total + scale * np.sum(np.sin(x))
        if total > 10.0:
            break
        scale = scale * DECAY
    return total
