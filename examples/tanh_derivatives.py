"""Plot tanh and its first six derivatives, each made by srcdiff from the one before it.

    pip install ".[plot]"        # matplotlib, from the checkout
    python examples/tanh_derivatives.py [OUTPUT.png]

srcdiff.grad of a derivative srcdiff made is forward mode over that derivative's emitted
code (srcdiff/compose.py): the n-th derivative is forward mode n - 1 times over the
reverse-mode gradient of tanh, one pass per order whatever the number of points. Every
curve is checked against the closed form: d^n/dx^n tanh(x) = P_n(tanh(x)), with P_0(t) = t
and P_{n+1}(t) = P_n'(t) (1 - t^2) (the chain rule, since tanh' = 1 - tanh^2).
"""
import sys

import numpy as np

import srcdiff

ORDERS = 6


def f(x):
    return np.tanh(x)


def closed_form(n):
    """The polynomial P_n with d^n/dx^n tanh(x) = P_n(tanh(x))."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = p.deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0])
    return p


def derivatives(x, orders=ORDERS):
    """[tanh(x), tanh'(x), ..., the orders-th derivative], each by srcdiff, each checked."""
    curves, d = [f(x)], f
    for n in range(1, orders + 1):
        d = srcdiff.grad(d)
        curve = d(x)
        # the derivative came from srcdiff; the polynomial is used only here, to check it
        np.testing.assert_allclose(curve, closed_form(n)(np.tanh(x)), rtol=1e-9, atol=1e-9)
        curves.append(curve)
    return curves


def main(path="tanh_derivatives.png"):
    x = np.linspace(-4.0, 4.0, 400)
    curves = derivatives(x)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: pip install '.[plot]' from the checkout (or pip "
              "install matplotlib) to draw the plot. The derivatives were computed and checked.")
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for n, curve in enumerate(curves):
        ax.plot(x, curve, label="tanh(x)" if n == 0 else f"order {n}")
    ax.set_xlabel("x")
    ax.set_yscale("symlog", linthresh=1.0)  # order 6 reaches about 50, tanh stays under 1
    ax.set_title("tanh and its first six derivatives (srcdiff.grad, applied again and again)")
    ax.legend(loc="upper right", ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main(*sys.argv[1:2])
