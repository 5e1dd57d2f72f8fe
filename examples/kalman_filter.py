"""The log-likelihood of a linear-Gaussian state-space model, by a Kalman filter, and its
gradient with respect to the model's parameters.

    x[t] = a * x[t-1] + noise(q),   y[t] = x[t] + noise(r)

Run it with:  python examples/kalman_filter.py
"""
import numpy as np

import srcdiff


def kalman_loglik(params, ys):
    """log p(ys | a, log q, log r) for a scalar random walk with drift a."""
    a, log_q, log_r = params[0], params[1], params[2]
    q, r = np.exp(log_q), np.exp(log_r)
    mean, var = 0.0, 1.0
    loglik = 0.0
    for y in ys:
        # predict
        mean = a * mean
        var = a * a * var + q
        # update
        s = var + r
        gain = var / s
        resid = y - mean
        loglik = loglik - 0.5 * (np.log(2.0 * np.pi * s) + resid * resid / s)
        mean = mean + gain * resid
        var = (1.0 - gain) * var
    return loglik


def simulate(n=30, a=0.9, q=0.2, r=0.5, seed=0):
    rng = np.random.default_rng(seed)
    x, ys = 0.0, []
    for _ in range(n):
        x = a * x + np.sqrt(q) * rng.standard_normal()
        ys.append(x + np.sqrt(r) * rng.standard_normal())
    return np.array(ys)


def main():
    ys = simulate()
    params = np.array([0.5, np.log(0.3), np.log(0.3)])
    grad = srcdiff.grad(kalman_loglik)
    for step in range(200):
        params = params + 0.01 * grad(params, ys)
    print("fitted a, q, r:", params[0], np.exp(params[1]), np.exp(params[2]))
    print("log-likelihood:", kalman_loglik(params, ys))
    return params


if __name__ == "__main__":
    main()
