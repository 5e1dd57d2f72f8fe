"""RK4 integration of the Lotka-Volterra equations, differentiated with respect to the
model's four rates. The integrator takes the right-hand side as a parameter, as a user's
own ODE code does.

Run it with:  python examples/lotka_volterra.py
"""
import numpy as np

import srcdiff


def lotka_volterra(y, t, theta):
    prey, pred = y[0], y[1]
    a, b, c, d = theta[0], theta[1], theta[2], theta[3]
    return np.array([a * prey - b * prey * pred, c * prey * pred - d * pred])


def rk4_step(f, y, t, dt, theta):
    k1 = f(y, t, theta)
    k2 = f(y + 0.5 * dt * k1, t + 0.5 * dt, theta)
    k3 = f(y + 0.5 * dt * k2, t + 0.5 * dt, theta)
    k4 = f(y + dt * k3, t + dt, theta)
    return y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def integrate(f, y0, theta, dt=0.05, steps=40):
    y, t = y0, 0.0
    for _ in range(steps):
        y = rk4_step(f, y, t, dt, theta)
        t = t + dt
    return y


def final_population(theta, y0):
    y = integrate(lotka_volterra, y0, theta)
    return y[0] + 2.0 * y[1]


def main():
    theta = np.array([1.0, 0.4, 0.3, 0.8])
    y0 = np.array([2.0, 1.0])
    g = srcdiff.grad(final_population)(theta, y0)
    print("prey + 2 predators at the end:", final_population(theta, y0))
    print("d / d (a, b, c, d):", g)
    return g


if __name__ == "__main__":
    main()
