"""A 1-D heat equation stepped in place (explicit finite differences, fixed ends), and the
gradient of the final temperature profile's mismatch with respect to the initial one and
the diffusivity.

Run it with:  python examples/heat_equation.py
"""
import numpy as np

import srcdiff


def heat_loss(u0, alpha, target, steps=20):
    u = u0.copy()
    for _ in range(steps):
        u[1:-1] += alpha * (u[:-2] - 2.0 * u[1:-1] + u[2:])
        u[0] = u[-1] = 0.0
    return np.sum((u - target) ** 2)


def main():
    x = np.linspace(0.0, 1.0, 12)
    u0 = np.sin(np.pi * x) + 0.3 * np.sin(3 * np.pi * x)
    target = 0.5 * np.sin(np.pi * x)
    du0, dalpha = srcdiff.grad(heat_loss, wrt=(0, 1))(u0, 0.2, target)
    print("loss:", heat_loss(u0, 0.2, target))
    print("d loss / d alpha:", dalpha)
    print("d loss / d u0:", du0)
    return du0, dalpha


if __name__ == "__main__":
    main()
