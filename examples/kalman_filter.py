"""The log-likelihood of a linear-Gaussian state-space model, by a Kalman filter, and its
gradient with respect to the model's parameters: a local linear trend (level and slope),
the slope damped by `a`, observed with noise.

    x[t] = F(a) x[t-1] + noise(q I),   y[t] = H x[t] + noise(r)

Run it with:  python examples/kalman_filter.py
"""
import numpy as np

import srcdiff


def kalman_loglik(params, ys):
    """log p(ys | a, log q, log r)."""
    F = np.array([[1.0, 1.0], [0.0, params[0]]])
    H = np.array([[1.0, 0.0]])
    Q = np.exp(params[1]) * np.eye(2)
    R = np.exp(params[2]) * np.eye(1)
    mean, cov = np.zeros(2), np.eye(2)
    loglik = 0.0
    for y in ys:
        # predict
        mean = F @ mean
        cov = F @ cov @ F.T + Q
        # update
        S = H @ cov @ H.T + R
        gain = cov @ H.T @ np.linalg.inv(S)
        resid = y - H @ mean
        loglik -= 0.5 * (np.log(np.linalg.det(2.0 * np.pi * S))
                         + resid @ np.linalg.solve(S, resid))
        mean = mean + gain @ resid
        cov = (np.eye(2) - gain @ H) @ cov
    return loglik


def simulate(n=30, a=0.9, q=0.05, r=0.5, seed=0):
    rng = np.random.default_rng(seed)
    level, slope, ys = 0.0, 0.3, []
    for _ in range(n):
        level = level + slope + np.sqrt(q) * rng.standard_normal()
        slope = a * slope + np.sqrt(q) * rng.standard_normal()
        ys.append([level + np.sqrt(r) * rng.standard_normal()])
    return np.array(ys)


def main():
    ys = simulate()
    params = np.array([0.5, np.log(0.3), np.log(0.3)])
    grad = srcdiff.grad(kalman_loglik)
    for step in range(100):
        params = params + 0.005 * grad(params, ys)
    print("fitted a, q, r:", params[0], np.exp(params[1]), np.exp(params[2]))
    print("log-likelihood:", kalman_loglik(params, ys))
    return params


if __name__ == "__main__":
    main()
