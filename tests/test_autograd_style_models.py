"""More programs in the style of autograd's examples (issue #13), written the way their users
write them, that tests/test_autograd_style.py does not have: a neural ODE (an RK4 integrator
taking the right-hand side as a parameter, an MLP over the state and time as that side), a
Hamiltonian Monte Carlo leapfrog trajectory (the potential's gradient made by srcdiff.grad
inside it) tuned by the gradient of its expected jump, a variational autoencoder's ELBO with
the reparameterisation trick (parameters in a dict of layer lists) and a Gaussian process's
negative log marginal likelihood in its kernel hyperparameters through a Cholesky solve
(NumPy's and SciPy's). Each is checked against finite differences in both modes and to
second order (gradcheck.check).
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

RNG = np.random.default_rng(22)


def init_layers(sizes, rng, scale=0.5):
    return [(scale * rng.standard_normal((m, n)), scale * rng.standard_normal(n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def mlp(params, inputs):
    for W, b in params[:-1]:
        inputs = np.tanh(np.dot(inputs, W) + b)
    W, b = params[-1]
    return np.dot(inputs, W) + b


# -- a neural ODE: RK4 with the right-hand side as a parameter ----------------------------
def nn_dynamics(state, t, params):
    state_and_time = np.hstack([state, np.array([t])])
    return mlp(params, state_and_time)


def rk4(rhs, y0, ts, params):
    y = y0
    trajectory = [y0]
    for i in range(len(ts) - 1):
        t, h = ts[i], ts[i + 1] - ts[i]
        k1 = rhs(y, t, params)
        k2 = rhs(y + 0.5 * h * k1, t + 0.5 * h, params)
        k3 = rhs(y + 0.5 * h * k2, t + 0.5 * h, params)
        k4 = rhs(y + h * k3, t + h, params)
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        trajectory.append(y)
    return np.array(trajectory)


def neural_ode_loss(params, y0, ts, targets):
    predicted = rk4(nn_dynamics, y0, ts, params)
    return np.mean(np.sum((predicted - targets) ** 2, axis=1))


def _ode_args():
    params = init_layers([3, 4, 2], np.random.default_rng(1))
    ts = np.linspace(0.0, 1.0, 5)
    return params, np.array([1.0, -0.5]), ts, RNG.standard_normal((5, 2))


def test_neural_ode_with_an_rk4_integrator_taking_the_dynamics():
    check(neural_ode_loss, *_ode_args(), wrt=(0, 1))


def test_neural_ode_trained_a_few_steps_lowers_the_loss():
    params, y0, ts, targets = _ode_args()
    loss_grad = srcdiff.grad(neural_ode_loss)
    before = neural_ode_loss(params, y0, ts, targets)
    for _ in range(5):
        g = loss_grad(params, y0, ts, targets)
        params = [(W - 0.05 * gW, b - 0.05 * gb) for (W, b), (gW, gb) in zip(params, g)]
    assert neural_ode_loss(params, y0, ts, targets) < before


# -- Hamiltonian Monte Carlo: a leapfrog trajectory's gradient ----------------------------
def potential(q, precision):
    return 0.5 * np.dot(q, np.dot(precision, q)) + 0.05 * np.sum(q ** 4)


def leapfrog(q, p, step_size, num_steps, precision):
    grad_potential = srcdiff.grad(potential)
    p = p - 0.5 * step_size * grad_potential(q, precision)
    for i in range(num_steps):
        q = q + step_size * p
        if i < num_steps - 1:
            p = p - step_size * grad_potential(q, precision)
    p = p - 0.5 * step_size * grad_potential(q, precision)
    return q, -p


def hamiltonian(q, p, precision):
    return potential(q, precision) + 0.5 * np.sum(p ** 2)


def expected_jump(q, p, step_size, precision):
    """The squared jump weighted by a smoothed acceptance probability: an objective for
    tuning the step size (and, through q and p, a check of the trajectory itself)."""
    q_new, p_new = leapfrog(q, p, step_size, 4, precision)
    energy_change = hamiltonian(q, p, precision) - hamiltonian(q_new, p_new, precision)
    acceptance = 1.0 / (1.0 + np.exp(-energy_change))
    return acceptance * np.sum((q_new - q) ** 2)


def _hmc_args():
    A = RNG.standard_normal((3, 3))
    return RNG.standard_normal(3), RNG.standard_normal(3), 0.3, A @ A.T / 3 + np.eye(3)


def test_hmc_leapfrog_jump_gradient():
    check(expected_jump, *_hmc_args(), wrt=(0, 1, 2))


def test_hmc_leapfrog_conserves_energy_to_second_order_in_the_step():
    q, p, _, precision = _hmc_args()
    errors = []
    for step in (0.02, 0.01):
        q_new, p_new = leapfrog(q, p, step, 10, precision)
        errors.append(abs(hamiltonian(q_new, p_new, precision) - hamiltonian(q, p, precision)))
    assert errors[1] < errors[0] / 3


# -- a variational autoencoder's ELBO (reparameterisation trick) --------------------------
def diag_gaussian_log_density(x, mean, log_std):
    return np.sum(-0.5 * ((x - mean) / np.exp(log_std)) ** 2 - log_std
                  - 0.5 * np.log(2 * np.pi), axis=-1)


def encode(encoder, data):
    out = mlp(encoder, data)
    latent_dim = out.shape[-1] // 2
    return out[:, :latent_dim], out[:, latent_dim:]


def elbo(params, data, noise):
    mean, log_std = encode(params["encoder"], data)
    latents = mean + np.exp(log_std) * noise
    decoded = mlp(params["decoder"], latents)
    log_likelihood = diag_gaussian_log_density(data, decoded, params["log_noise"])
    kl = 0.5 * np.sum(np.exp(2 * log_std) + mean ** 2 - 1.0 - 2 * log_std, axis=1)
    return np.mean(log_likelihood - kl)


def _vae_args():
    rng = np.random.default_rng(3)
    params = {"encoder": init_layers([4, 3, 4], rng), "decoder": init_layers([2, 3, 4], rng),
              "log_noise": np.array(-0.5)}
    return params, RNG.standard_normal((5, 4)), RNG.standard_normal((5, 2))


def test_vae_elbo_with_the_reparameterisation_trick():
    check(elbo, *_vae_args(), wrt=(0, 1))


def test_vae_elbo_negated_for_an_optimiser():
    def negative_elbo(params, data, noise):
        return -elbo(params, data, noise)
    check(negative_elbo, *_vae_args(), order=1)


# -- a Gaussian process's marginal likelihood through a Cholesky solve ---------------------
def squared_distances(x1, x2):
    return (np.sum(x1 ** 2, axis=1)[:, None] + np.sum(x2 ** 2, axis=1)[None, :]
            - 2.0 * np.dot(x1, x2.T))


def rbf_kernel(hypers, x1, x2):
    log_amplitude, log_lengthscale = hypers[0], hypers[1]
    return np.exp(2 * log_amplitude - 0.5 * squared_distances(x1, x2)
                  / np.exp(2 * log_lengthscale))


def gp_negative_log_marginal(hypers, x, y):
    n = len(y)
    K = rbf_kernel(hypers, x, x) + (np.exp(2 * hypers[2]) + 1e-6) * np.eye(n)
    L = np.linalg.cholesky(K)
    v = np.linalg.solve(L, y)
    return 0.5 * np.dot(v, v) + np.sum(np.log(np.diag(L))) + 0.5 * n * np.log(2 * np.pi)


def gp_negative_log_marginal_scipy(hypers, x, y):
    from scipy.linalg import cho_solve, solve_triangular
    n = len(y)
    K = rbf_kernel(hypers, x, x) + (np.exp(2 * hypers[2]) + 1e-6) * np.eye(n)
    L = np.linalg.cholesky(K)
    alpha = solve_triangular(L.T, solve_triangular(L, y, lower=True), lower=False)
    beta = cho_solve((L, True), y)
    return (0.25 * np.dot(y, alpha) + 0.25 * np.dot(y, beta) + np.sum(np.log(np.diag(L)))
            + 0.5 * n * np.log(2 * np.pi))


def _gp_args():
    x = RNG.standard_normal((6, 2))
    return np.array([0.2, -0.1, -1.5]), x, np.sin(x[:, 0]) + 0.1 * RNG.standard_normal(6)


def test_gp_marginal_likelihood_in_the_kernel_hyperparameters():
    check(gp_negative_log_marginal, *_gp_args(), wrt=(0, 1, 2))


def test_gp_marginal_likelihood_with_scipy_cholesky_solves():
    pytest.importorskip("scipy")
    check(gp_negative_log_marginal_scipy, *_gp_args(), wrt=(0, 1, 2))
    hypers, x, y = _gp_args()
    assert np.isclose(gp_negative_log_marginal_scipy(hypers, x, y),
                      gp_negative_log_marginal(hypers, x, y))
