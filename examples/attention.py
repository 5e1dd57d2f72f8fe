"""Scaled dot-product attention, as a transformer layer computes it, differentiated with
respect to its projection matrices.

Run it with:  python examples/attention.py
"""
import numpy as np

import srcdiff


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def attention(q, k, v):
    d = q.shape[-1]
    scores = q @ k.T / np.sqrt(d)
    return softmax(scores, axis=-1) @ v


def attention_loss(wq, wk, wv, x, target):
    out = attention(x @ wq, x @ wk, x @ wv)
    return np.mean((out - target) ** 2)


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    wq, wk, wv = (0.5 * rng.standard_normal((4, 3)) for _ in range(3))
    target = rng.standard_normal((5, 3))
    grads = srcdiff.grad(attention_loss, wrt=(0, 1, 2))(wq, wk, wv, x, target)
    print("loss:", attention_loss(wq, wk, wv, x, target))
    for name, g in zip(("wq", "wk", "wv"), grads):
        print(f"d loss / d {name}:\n{g}")
    return grads


if __name__ == "__main__":
    main()
