"""Plot sin(x) and its derivative, computed by srcdiff (not by calling cos).

    pip install ".[plot]"        # matplotlib, from the checkout
    python examples/plot_sin_derivative.py [OUTPUT.png]

The derivative of sin at 400 points is one call of the emitted gradient: the
output sin(x) is differentiated as the sum of its elements, and each element
depends on its own x only, so the gradient is the elementwise derivative.
"""
import sys

import numpy as np

import srcdiff


def f(x):
    return np.sin(x)


def main(path="sin_derivative.png"):
    x = np.linspace(-2 * np.pi, 2 * np.pi, 400)
    dfdx = srcdiff.grad(f)(x)
    # the derivative came from the emitted adjoint; cos is only used here, to check it
    np.testing.assert_allclose(dfdx, np.cos(x), atol=1e-12)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: pip install '.[plot]' from the checkout (or pip install "
              "matplotlib) to draw the plot. The derivative was computed and checked.")
        return None
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(x, f(x), label="f(x) = sin(x)")
    ax.plot(x, dfdx, "--", label="df/dx by srcdiff")
    ax.set_xlabel("x")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(*sys.argv[1:2])
