"""A custom derivative rule: a numerically stable gradient for logsumexp.

srcdiff differentiates your functions from their source. Sometimes you know a
better derivative than the one the source implies: here, the gradient of
logsumexp is the softmax, exp(x - logsumexp(x)), which never overflows. Give it
to srcdiff in the same template form as the rules in templates/: `d[x]` is the
derivative of x; a reverse rule adds to `d[arg]`, a forward rule builds
`d[result]`. A registered rule takes precedence over the function's source.

Run it with:  python examples/custom_rule.py
"""
import numpy as np

import srcdiff
from srcdiff import d


def logsumexp(x):
    """log(sum(exp(x))), shifted by the maximum so large inputs do not overflow."""
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@srcdiff.reverse_rule(logsumexp)
def logsumexp_adjoint(y, x):
    d[x] = d[y] * np.exp(x - y)


@srcdiff.forward_rule(logsumexp)
def logsumexp_tangent(y, x):
    d[y] = np.sum(d[x] * np.exp(x - y))


def loss(scores, labels):
    """Cross-entropy of one example: logsumexp(scores) - the score of the label."""
    return logsumexp(scores) - np.sum(scores * labels)


def clipped_mean(x):
    """A non-differentiable helper: srcdiff runs it but sends no derivative through it."""
    return float(np.mean(np.clip(x, -1.0, 1.0)))


srcdiff.nondifferentiable(clipped_mean)


def with_statistic(x):
    return np.sum(x * x) * clipped_mean(x)


if __name__ == "__main__":
    scores = np.array([1000.0, 1001.0, 999.5])   # exp(1000) overflows float64
    labels = np.array([0.0, 1.0, 0.0])
    g = srcdiff.grad(loss)(scores, labels)
    softmax = np.exp(scores - scores.max()) / np.sum(np.exp(scores - scores.max()))
    np.testing.assert_allclose(g, softmax - labels, rtol=1e-12)
    print("gradient of the loss at scores near 1000:", g)
    print("jvp along e_0:", srcdiff.jvp(loss)(scores, labels, np.array([1.0, 0.0, 0.0]))[1])
    print("\nThe emitted gradient calls logsumexp forward and uses the rule backward:\n")
    print(srcdiff.source(srcdiff.grad(loss)))
    x = np.array([0.5, -2.0, 3.0])
    print("gradient with a non-differentiable statistic:", srcdiff.grad(with_statistic)(x))
