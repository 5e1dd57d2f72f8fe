"""A damped spring-mass system integrated with `while t < T`, differentiated with respect
to its stiffness and damping: how the final energy depends on them.

Run it with:  python examples/spring_mass.py
"""
import numpy as np

import srcdiff


def step(x, v, k, c, dt):
    """One semi-implicit Euler step of unit masses, updating x and v in place."""
    a = -k * x - c * v
    v += dt * a
    x += dt * v
    return x, v


def final_energy(params, x0, v0, T=2.0, dt=0.01):
    k, c = params[0], params[1]
    x, v = x0.copy(), v0.copy()
    t = 0.0
    while t < T:
        x, v = step(x, v, k, c, dt)
        t += dt
    return 0.5 * np.sum(v * v) + 0.5 * k * np.sum(x * x)


def main():
    params = np.array([4.0, 0.3])
    x0, v0 = np.array([1.0, 0.5]), np.array([0.0, -0.2])
    g = srcdiff.grad(final_energy)(params, x0, v0)
    print("final energy:", final_energy(params, x0, v0))
    print("d energy / d (k, c):", g)
    return g


if __name__ == "__main__":
    main()
