"""A corpus of programs written in the style of autograd's examples (issue #13), the way
their users write them: an MLP classifier with a dict of parameters, an RNN and an LSTM, a
convolutional net, a Gaussian process, a fluid simulation with np.roll, black-box
variational inference and a Gaussian mixture. Each is checked against finite differences
in both modes and to second order (gradcheck.check).
"""
import numpy as np
import pytest

from gradcheck import check

RNG = np.random.default_rng(0)


def logsumexp_rows(z):
    m = np.max(z, axis=1, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


# -- an MLP classifier, its parameters in a dict ----------------------------------------
def init_mlp(sizes, rng):
    params = {}
    for i, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        params["W%d" % i] = 0.3 * rng.standard_normal((m, n))
        params["b%d" % i] = 0.1 * rng.standard_normal(n)
    return params


def mlp_predict(params, inputs):
    h = inputs
    for i in range(len(params) // 2):
        out = np.dot(h, params["W%d" % i]) + params["b%d" % i]
        h = np.tanh(out)
    return out - logsumexp_rows(out)


def mlp_loss(params, inputs, targets):
    log_prior = -0.01 * sum(np.sum(p ** 2) for p in params.values())
    return -log_prior - np.sum(mlp_predict(params, inputs) * targets)


def mlp_loss_items(params, inputs, targets):
    reg = 0.0
    for name, p in params.items():
        reg = reg + 0.01 * np.sum(p ** 2)
    return reg - np.sum(mlp_predict(params, inputs) * targets)


def mlp_scaled(params, inputs, targets):
    scaled = {k: 0.5 * v for k, v in params.items()}
    return mlp_loss(scaled, inputs, targets)


def mlp_tuples(params, inputs, targets):
    h = inputs
    for W, b in params:
        out = np.dot(h, W) + b
        h = np.tanh(out)
    return -np.sum((out - logsumexp_rows(out)) * targets)


X = RNG.standard_normal((4, 3))
LABELS = np.eye(3)[[0, 1, 2, 0]]


@pytest.mark.parametrize("loss", [mlp_loss, mlp_loss_items, mlp_scaled],
                         ids=lambda f: f.__name__)
def test_mlp_with_a_dict_of_parameters(loss):
    check(loss, init_mlp([3, 4, 3], RNG), X, LABELS)


def test_mlp_with_a_list_of_weight_and_bias_pairs():
    params = [(0.3 * RNG.standard_normal((3, 4)), 0.1 * RNG.standard_normal(4)),
              (0.3 * RNG.standard_normal((4, 3)), 0.1 * RNG.standard_normal(3))]
    check(mlp_tuples, params, X, LABELS)


# -- an RNN and an LSTM --------------------------------------------------------------------
def rnn_predict(params, inputs):
    hidden = np.repeat(params["init hiddens"], inputs.shape[1], axis=0)
    outputs = []
    for x in inputs:
        cat = np.concatenate((x, hidden), axis=1)
        hidden = np.tanh(np.dot(cat, params["change"]))
        outputs.append(np.dot(hidden, params["predict"]))
    return outputs


def rnn_loss(params, inputs, targets):
    outputs = rnn_predict(params, inputs)
    total = 0.0
    for t in range(len(outputs)):
        total = total + np.sum((outputs[t] - targets[t]) ** 2)
    return total / len(outputs)


def rnn_loss_logged(params, inputs, targets):
    outputs = rnn_predict(params, inputs)
    loss = sum(np.sum((o - t) ** 2) for o, t in zip(outputs, targets))
    print("loss", loss)
    return loss


def lstm_loss(params, inputs, target):
    n = inputs.shape[1]
    hidden = np.zeros((n, params["change"].shape[1]))
    cells = np.zeros((n, params["change"].shape[1]))
    for x in inputs:
        cat = np.concatenate((x, hidden, np.ones((n, 1))), axis=1)
        change = np.tanh(np.dot(cat, params["change"]))
        forget = sigmoid(np.dot(cat, params["forget"]))
        ingate = sigmoid(np.dot(cat, params["ingate"]))
        outgate = sigmoid(np.dot(cat, params["outgate"]))
        cells = cells * forget + ingate * change
        hidden = outgate * np.tanh(cells)
    return np.mean((hidden - target) ** 2)


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def lstm_loss_star_args(params, inputs, target):
    n = inputs.shape[1]
    hidden = np.zeros((n, params["change"].shape[1]))
    cells = np.zeros((n, params["change"].shape[1]))
    for x in inputs:
        change = np.tanh(concat_and_multiply(params["change"], x, hidden))
        forget = sigmoid(concat_and_multiply(params["forget"], x, hidden))
        ingate = sigmoid(concat_and_multiply(params["ingate"], x, hidden))
        outgate = sigmoid(concat_and_multiply(params["outgate"], x, hidden))
        cells = cells * forget + ingate * change
        hidden = outgate * np.tanh(cells)
    return np.mean((hidden - target) ** 2)


def lstm_loss_get(params, inputs, target):
    p = {"change": params.get("change"), "forget": params["forget"],
         "ingate": params["ingate"], "outgate": params["outgate"]}
    return lstm_loss(p, inputs, target)


def _rnn_params():
    return {"init hiddens": 0.1 * RNG.standard_normal((1, 3)),
            "change": 0.3 * RNG.standard_normal((5, 3)),
            "predict": 0.3 * RNG.standard_normal((3, 2))}


def _lstm_args():
    params = {k: 0.3 * RNG.standard_normal((2 + 3 + 1, 3))
              for k in ("change", "forget", "ingate", "outgate")}
    return params, RNG.standard_normal((3, 2, 2)), RNG.standard_normal((2, 3))


@pytest.mark.parametrize("loss", [rnn_loss, rnn_loss_logged], ids=lambda f: f.__name__)
def test_rnn(loss):
    check(loss, _rnn_params(), RNG.standard_normal((3, 2, 2)), RNG.standard_normal((3, 2, 2)))


def test_lstm():
    check(lstm_loss, *_lstm_args())


def test_lstm_with_a_star_args_helper():
    check(lstm_loss_star_args, *_lstm_args())


def test_lstm_reading_parameters_with_get():
    check(lstm_loss_get, *_lstm_args())


# -- a convolutional net -------------------------------------------------------------------
def conv2d_valid(images, filters):
    n, h, w = images.shape
    k = filters.shape[1]
    out = []
    for f in filters:
        rows = []
        for i in range(h - k + 1):
            cols = []
            for j in range(w - k + 1):
                patch = images[:, i:i + k, j:j + k]
                cols.append(np.sum(patch * f, axis=(1, 2)))
            rows.append(np.stack(cols, axis=1))
        out.append(np.stack(rows, axis=1))
    return np.stack(out, axis=1)


def convnet_loss(filters, weights, images, labels):
    features = np.tanh(conv2d_valid(images, filters))
    flat = np.reshape(features, (images.shape[0], -1))
    logits = np.dot(flat, weights)
    return -np.sum((logits - logsumexp_rows(logits)) * labels)


class ConvLayer:
    def __init__(self, filters):
        self.filters = filters

    def forward(self, images):
        return np.tanh(conv2d_valid(images, self.filters))


class DenseLayer:
    def __init__(self, weights):
        self.weights = weights

    def forward(self, inputs):
        return np.dot(np.reshape(inputs, (inputs.shape[0], -1)), self.weights)


def convnet_layers_loss(filters, weights, images, labels):
    layers = [ConvLayer(filters), DenseLayer(weights)]
    h = images
    for layer in layers:
        h = layer.forward(h)
    return -np.sum((h - logsumexp_rows(h)) * labels)


def _conv_args():
    return (0.5 * RNG.standard_normal((2, 2, 2)), 0.3 * RNG.standard_normal((8, 2)),
            RNG.standard_normal((2, 3, 3)), np.eye(2))


def test_convnet():
    check(convnet_loss, *_conv_args(), wrt=(0, 1))


def test_convnet_as_a_list_of_layer_objects():
    # a loop over layers of two classes: a branch per class at the call
    check(convnet_layers_loss, *_conv_args(), wrt=(0, 1))


# -- a Gaussian process ------------------------------------------------------------------
def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))


def gp_log_marginal_likelihood(params, x, y):
    noise = np.exp(params[2]) + 0.001
    K = rbf_covariance(params, x, x) + noise * np.eye(len(y))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, y)
    return -0.5 * np.dot(y, alpha) - np.sum(np.log(np.diag(L))) \
        - 0.5 * len(y) * np.log(2 * np.pi)


def test_gaussian_process():
    check(gp_log_marginal_likelihood, np.array([0.1, -0.2, -1.0]),
          RNG.standard_normal((5, 2)), RNG.standard_normal(5))


# -- a fluid simulation with np.roll ------------------------------------------------------
def project(vx, vy):
    p = np.zeros(vx.shape)
    div = -0.5 * (np.roll(vx, -1, axis=1) - np.roll(vx, 1, axis=1)
                  + np.roll(vy, -1, axis=0) - np.roll(vy, 1, axis=0))
    for k in range(4):
        p = (div + np.roll(p, 1, axis=1) + np.roll(p, -1, axis=1)
             + np.roll(p, 1, axis=0) + np.roll(p, -1, axis=0)) / 4.0
    vx = vx - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    vy = vy - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))
    return vx, vy


def advect_diffuse(f, vx, vy):
    laplacian = (np.roll(f, 1, axis=0) + np.roll(f, -1, axis=0) + np.roll(f, 1, axis=1)
                 + np.roll(f, -1, axis=1) - 4.0 * f)
    transport = (vx * (np.roll(f, -1, axis=1) - np.roll(f, 1, axis=1))
                 + vy * (np.roll(f, -1, axis=0) - np.roll(f, 1, axis=0)))
    return f + 0.1 * laplacian - 0.05 * transport


def simulate(vx, vy, smoke, num_steps):
    for t in range(num_steps):
        vx, vy = project(vx, vy)
        vx = advect_diffuse(vx, vx, vy)
        vy = advect_diffuse(vy, vx, vy)
        smoke = advect_diffuse(smoke, vx, vy)
    return smoke


def fluid_loss(vx, vy, smoke, target):
    return np.mean((simulate(vx, vy, smoke, 3) - target) ** 2)


def test_fluid_simulation_with_roll():
    vx, vy = 0.3 * RNG.standard_normal((4, 4)), 0.3 * RNG.standard_normal((4, 4))
    check(fluid_loss, vx, vy, RNG.standard_normal((4, 4)), RNG.standard_normal((4, 4)),
          wrt=(0, 1, 2))


# -- black-box variational inference ------------------------------------------------------
def log_density(x):
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = -0.5 * log_sigma ** 2 / 1.35 ** 2
    mu_density = -0.5 * mu ** 2 / np.exp(log_sigma) ** 2 - log_sigma
    return sigma_density + mu_density


def gaussian_entropy(log_std):
    return 0.5 * log_std.shape[0] * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)


def make_variational_objective(logprob, D):
    def objective(params, noise):
        mean, log_std = params[:D], params[D:]
        samples = noise * np.exp(log_std) + mean
        return -(gaussian_entropy(log_std) + np.mean(logprob(samples)))
    return objective


def variational_objective(params, noise):
    mean, log_std = params[:2], params[2:]
    samples = noise * np.exp(log_std) + mean
    return -(gaussian_entropy(log_std) + np.mean(log_density(samples)))


@pytest.mark.parametrize("objective", [variational_objective,
                                       make_variational_objective(log_density, 2)],
                         ids=["plain", "made_by_a_factory"])
def test_black_box_variational_inference(objective):
    check(objective, np.array([-0.1, -0.1, -0.5, -0.5]), RNG.standard_normal((5, 2)))


# -- a Gaussian mixture ------------------------------------------------------------------
def logsumexp_vec(v):
    m = np.max(v)
    return m + np.log(np.sum(np.exp(v - m)))


def gmm_log_likelihood(params, data):
    cluster_lls = []
    log_weights = params["log proportions"] - logsumexp_vec(params["log proportions"])
    for log_w, mean, chol in zip(log_weights, params["means"], params["lower triangles"]):
        cov = np.dot(chol.T, chol) + 0.5 * np.eye(len(mean))
        diff = data - mean
        sol = np.linalg.solve(cov, diff.T).T
        ll = -0.5 * np.sum(diff * sol, axis=1) - 0.5 * np.log(np.linalg.det(cov)) \
            - len(mean) * 0.5 * np.log(2 * np.pi)
        cluster_lls.append(log_w + ll)
    stacked = np.stack(cluster_lls, axis=1)
    m = np.max(stacked, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(stacked - m), axis=1)))


def gmm_enumerated(params, data):
    lls = []
    for i, (mean, chol) in enumerate(zip(params["means"], params["lower triangles"])):
        cov = np.dot(chol.T, chol) + 0.5 * np.eye(len(mean))
        diff = data - mean
        lls.append(params["log proportions"][i]
                   - 0.5 * np.sum(diff * np.linalg.solve(cov, diff.T).T, axis=1))
    return np.sum(np.stack(lls))


def _gmm_params():
    return {"log proportions": RNG.standard_normal(2), "means": RNG.standard_normal((2, 2)),
            "lower triangles": 0.5 * RNG.standard_normal((2, 2, 2))}


def test_gaussian_mixture():
    check(gmm_log_likelihood, _gmm_params(), RNG.standard_normal((4, 2)))


def test_gaussian_mixture_enumerating_zipped_parameters():
    check(gmm_enumerated, _gmm_params(), RNG.standard_normal((4, 2)))
