"""Hunt 21 (part 1): NumPy programs written the way scientists and ML people write them —
integrators, filters, attention, convolution and dynamic-programming loops, sorting losses,
masked and fancy-index updates, broadcasting corners, dtype mixes, linear algebra and
scipy log-densities — each checked against central differences by gradcheck.check (both
modes; second order for the cheap ones)."""
import math

import numpy as np
import pytest
try:
    from scipy import special, stats
except ImportError:   # the README's test command installs no SciPy: its cases skip
    special = stats = None

from hunt_cases import check_case


rng_a = np.random.default_rng(21)


def euler_while(k, x0=1.0, T=1.0, dt=0.1):
    t = 0.0
    x = x0
    while t < T:
        x = x - dt * k * x
        t += dt
    return x


def rk4_pendulum(theta0, g=9.81, L=1.0, dt=0.05, n=20):
    def f(y):
        return np.array([y[1], -g / L * np.sin(y[0])])
    y = np.array([theta0, 0.0])
    for _ in range(n):
        k1 = f(y)
        k2 = f(y + 0.5 * dt * k1)
        k3 = f(y + 0.5 * dt * k2)
        k4 = f(y + dt * k3)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0]


def inplace_state(params, steps=10):
    state = np.zeros(3)
    state[0] = 1.0
    for i in range(steps):
        state[1] += params[0] * state[0]
        state[2] += params[1] * state[1]
        state[0] *= 0.9
    return state.sum()


def leapfrog(q0, p0, eps=0.1, L=10):
    q = q0.copy()
    p = p0.copy()
    p -= 0.5 * eps * q
    for i in range(L):
        q += eps * p
        if i != L - 1:
            p -= eps * q
    p -= 0.5 * eps * q
    return np.sum(q ** 2) + np.sum(p ** 2)


def kalman(obs, q=0.1, r=0.5):
    x = 0.0
    P = 1.0
    ll = 0.0
    for z in obs:
        P = P + q
        S = P + r
        K = P / S
        resid = z - x
        ll += -0.5 * (np.log(2 * np.pi * S) + resid ** 2 / S)
        x = x + K * resid
        P = (1 - K) * P
    return ll


def kalman_matrix(A, obs):
    n = A.shape[0]
    x = np.zeros(n)
    P = np.eye(n)
    Q = 0.1 * np.eye(n)
    R = 0.2 * np.eye(n)
    total = 0.0
    for t in range(obs.shape[0]):
        x = A @ x
        P = A @ P @ A.T + Q
        S = P + R
        K = P @ np.linalg.inv(S)
        y = obs[t] - x
        total = total - 0.5 * (y @ np.linalg.solve(S, y) + np.log(np.linalg.det(S)))
        x = x + K @ y
        P = (np.eye(n) - K) @ P
    return total


def attention(Wq, X):
    Q = X @ Wq
    K = X @ Wq.T
    V = X
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w /= w.sum(axis=-1, keepdims=True)
    out = w @ V
    return (out ** 2).sum()


def attention_masked(Wq, X):
    T = X.shape[0]
    Q = X @ Wq
    scores = Q @ X.T
    mask = np.triu(np.ones((T, T)), k=1).astype(bool)
    scores[mask] = -1e9
    scores = scores - scores.max(axis=1)[:, None]
    p = np.exp(scores)
    p = p / p.sum(axis=1)[:, None]
    return np.sum(p @ X)


def conv1d_loop(w, x):
    k = len(w)
    n = len(x) - k + 1
    out = np.zeros(n)
    for i in range(n):
        for j in range(k):
            out[i] += w[j] * x[i + j]
    return np.sum(np.tanh(out))


def conv2d_loop(kern, img):
    kh, kw = kern.shape
    H, W = img.shape
    out = np.empty((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            out[i, j] = np.sum(img[i:i + kh, j:j + kw] * kern)
    return np.mean(out ** 2)


def viterbi_score(emis, trans):
    T, S = emis.shape
    score = emis[0].copy()
    for t in range(1, T):
        cand = score[:, None] + trans
        score = cand.max(axis=0) + emis[t]
    return score.max()


def forward_algorithm(emis, trans):
    T, S = emis.shape
    alpha = emis[0]
    for t in range(1, T):
        m = alpha.max()
        alpha = np.log(np.exp(alpha - m) @ np.exp(trans)) + m + emis[t]
    m = np.max(alpha)
    return m + np.log(np.sum(np.exp(alpha - m)))


def dtw(x, y):
    n, m = len(x), len(y)
    D = np.full((n + 1, m + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = (x[i - 1] - y[j - 1]) ** 2
            D[i, j] = cost + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]


def sorted_loss(x):
    s = np.sort(x)
    w = np.arange(len(x))
    return np.sum(w * s)


def argsort_loss(x, y):
    idx = np.argsort(x)
    return np.sum((x[idx] - y) ** 2)


def ranking_topk(scores, k=3):
    order = np.argsort(-scores)
    top = scores[order[:k]]
    return np.log(np.sum(np.exp(top)))


def cumsum_loss(x):
    c = np.cumsum(x)
    return np.sum(c ** 2) + np.cumprod(1 + 0.1 * x)[-1]


def masked_update(x):
    y = x.copy()
    mask = y < 0
    y[mask] = 0.1 * y[mask]
    return np.sum(y ** 2)


def masked_update_scalar(x, thresh=0.5):
    y = x * 2
    y[y > thresh] = thresh
    return np.sum(y * x)


def fancy_repeated(w):
    idx = np.array([0, 1, 1, 2, 0, 0])
    v = w[idx]
    return np.sum(v ** 2)


def add_at(w):
    out = np.zeros(3)
    idx = np.array([0, 1, 1, 2, 2, 2])
    np.add.at(out, idx, w)
    return np.sum(out ** 3)


def segment_sum(vals):
    seg = np.array([0, 0, 1, 1, 1, 2])
    tot = np.zeros(3)
    np.add.at(tot, seg, vals ** 2)
    return np.sum(np.sqrt(tot))


def broadcast_size1(a, b):
    return np.sum(a[:, None] * b[None, :] + a.reshape(-1, 1))


def broadcast_0d(x):
    s = np.array(2.0)
    return np.sum(s * x) + float(np.sum(x * x)) * s


def int_times_float(w):
    counts = np.array([1, 2, 3])
    return np.sum(counts * w ** 2) + np.sum(counts // 2 * w)


def early_return(x):
    total = 0.0
    for i in range(len(x)):
        if x[i] > 10:
            return total
        total += x[i] ** 2
    return total * 2


def break_continue(x):
    acc = 0.0
    for v in x:
        if v < -0.5:
            continue
        acc += np.sin(v)
        if acc > 2.0:
            break
    return acc


def generator_sum(x):
    return sum(xi ** 2 for xi in x if xi > 0)


def comprehension_stack(x):
    rows = [x * i for i in range(3)]
    return np.sum(np.stack(rows) ** 2)


def params_dict(p, X):
    h = np.tanh(X @ p["W1"] + p["b1"])
    o = h @ p["W2"]
    return np.sum(o ** 2)


def list_of_arrays(w):
    layers = [w, 2 * w, w ** 2]
    layers[1] = layers[1] + layers[0]
    layers.append(np.exp(w))
    return sum(np.sum(l) for l in layers)


def transpose_reshape(A):
    B = A.T.reshape(-1)
    return np.sum(B * np.arange(B.size))


def where_chain(x):
    y = np.where(x > 0, x, 0.01 * x)
    z = np.where(np.abs(y) < 0.5, y ** 2, np.where(y > 0, y, -y))
    return np.sum(z)


def solve_in_loop(A, b):
    x = b
    for _ in range(3):
        x = np.linalg.solve(A + np.eye(len(b)), x)
    return np.sum(x)


def inv_det(A):
    M = A @ A.T + np.eye(A.shape[0])
    return np.log(np.linalg.det(M)) + np.trace(np.linalg.inv(M))


def eigh_loss(A):
    S = A + A.T
    w, V = np.linalg.eigh(S)
    return np.sum(w ** 2) + w[-1]


def svd_nuclear(A):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sum(s)


def cholesky_logdet(A):
    M = A @ A.T + 2 * np.eye(A.shape[0])
    L = np.linalg.cholesky(M)
    return 2 * np.sum(np.log(np.diag(L)))


def gp_nll(logl, X, y):
    ell = np.exp(logl)
    d = X[:, None] - X[None, :]
    K = np.exp(-0.5 * d ** 2 / ell ** 2) + 0.1 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def special_logpdf(x):
    from scipy import special
    return np.sum(special.gammaln(x) + special.logsumexp(x) + special.expit(x))


def stats_logpdf(mu, x):
    from scipy import stats
    return np.sum(stats.norm.logpdf(x, loc=mu, scale=2.0)) + stats.t.logpdf(mu[0], 3.0)


X5 = rng_a.normal(size=(5, 3))


CASES_A = [
    ("euler_while", euler_while, (0.7,), {}),
    ("rk4_pendulum", rk4_pendulum, (0.3,), {}),
    ("inplace_state", inplace_state, (np.array([0.5, 0.3]),), {}),
    ("leapfrog", leapfrog, (rng_a.normal(size=3), rng_a.normal(size=3)), {}),
    ("kalman", kalman, (rng_a.normal(size=6),), {}),
    ("kalman_matrix", kalman_matrix, (0.5 * np.eye(2) + 0.1 * rng_a.normal(size=(2, 2)), rng_a.normal(size=(4, 2))), {"order": 1}),
    ("attention", attention, (rng_a.normal(size=(3, 3)), rng_a.normal(size=(4, 3))), {}),
    ("attention_masked", attention_masked, (rng_a.normal(size=(3, 3)), rng_a.normal(size=(4, 3))), {}),
    ("conv1d_loop", conv1d_loop, (rng_a.normal(size=3), rng_a.normal(size=7)), {}),
    ("conv2d_loop", conv2d_loop, (rng_a.normal(size=(2, 2)), rng_a.normal(size=(4, 4))), {}),
    ("viterbi_score", viterbi_score, (rng_a.normal(size=(4, 3)), rng_a.normal(size=(3, 3))), {}),
    ("forward_algorithm", forward_algorithm, (rng_a.normal(size=(4, 3)), rng_a.normal(size=(3, 3))), {}),
    ("dtw", dtw, (rng_a.normal(size=4), rng_a.normal(size=3)), {}),
    ("sorted_loss", sorted_loss, (rng_a.normal(size=5),), {}),
    ("argsort_loss", argsort_loss, (rng_a.normal(size=5), rng_a.normal(size=5)), {}),
    ("ranking_topk", ranking_topk, (rng_a.normal(size=6),), {}),
    ("cumsum_loss", cumsum_loss, (rng_a.normal(size=5),), {}),
    ("masked_update", masked_update, (rng_a.normal(size=6),), {}),
    ("masked_update_scalar", masked_update_scalar, (rng_a.normal(size=6),), {}),
    ("fancy_repeated", fancy_repeated, (rng_a.normal(size=3),), {}),
    ("add_at", add_at, (rng_a.normal(size=6),), {}),
    ("segment_sum", segment_sum, (rng_a.normal(size=6),), {}),
    ("broadcast_size1", broadcast_size1, (rng_a.normal(size=3), rng_a.normal(size=4)), {}),
    ("broadcast_0d", broadcast_0d, (rng_a.normal(size=3),), {}),
    ("int_times_float", int_times_float, (rng_a.normal(size=3),), {}),
    ("early_return", early_return, (rng_a.normal(size=5),), {}),
    ("break_continue", break_continue, (rng_a.normal(size=8),), {}),
    ("generator_sum", generator_sum, (rng_a.normal(size=6),), {}),
    ("comprehension_stack", comprehension_stack, (rng_a.normal(size=3),), {}),
    ("params_dict", params_dict, ({"W1": rng_a.normal(size=(3, 4)), "b1": rng_a.normal(size=4), "W2": rng_a.normal(size=(4, 2))}, X5), {}),
    ("list_of_arrays", list_of_arrays, (rng_a.normal(size=3),), {}),
    ("transpose_reshape", transpose_reshape, (rng_a.normal(size=(2, 3)),), {}),
    ("where_chain", where_chain, (rng_a.normal(size=8),), {}),
    ("solve_in_loop", solve_in_loop, (rng_a.normal(size=(3, 3)), rng_a.normal(size=3)), {}),
    ("inv_det", inv_det, (rng_a.normal(size=(3, 3)),), {}),
    ("eigh_loss", eigh_loss, (rng_a.normal(size=(3, 3)),), {}),
    ("svd_nuclear", svd_nuclear, (rng_a.normal(size=(3, 2)),), {}),
    ("cholesky_logdet", cholesky_logdet, (rng_a.normal(size=(3, 3)),), {}),
    ("gp_nll", gp_nll, (0.2, rng_a.normal(size=4), rng_a.normal(size=4)), {}),
    ("special_logpdf", special_logpdf, (rng_a.random(4) + 0.5,), {}),
    ("stats_logpdf", stats_logpdf, (rng_a.normal(size=3), rng_a.normal(size=3)), {}),
]


rng_b = np.random.default_rng(22)


def alias_then_write(x):
    y = x * 1.0
    z = y
    z[0] = 3.0 * z[1]
    return np.sum(y ** 2)


def overlap_shift(x):
    y = x.copy()
    y[1:] = y[:-1]
    return np.sum(y ** 2 * x)


def overlap_shift_add(x):
    y = x.copy()
    y[1:] += y[:-1]
    return np.sum(y ** 2)


def swap_elements(x):
    y = x.copy()
    y[0], y[2] = y[2], y[0]
    return np.sum(y * np.arange(len(y)))


def swap_rows(A):
    B = A.copy()
    B[[0, 1]] = B[[1, 0]]
    return np.sum(B * np.arange(B.size).reshape(B.shape))


def inplace_sort(x):
    y = x * 2
    y.sort()
    return np.sum(y * np.arange(len(y)))


def tuple_swap_loop(a, b):
    for _ in range(3):
        a, b = b, a + b
    return a * b


def item_and_float(x):
    s = np.sum(x ** 2)
    return float(s) * x[0].item() + math.exp(x[1])


def builtin_max_abs(x):
    m = max(x[0], x[1])
    return m ** 2 + abs(x[2]) + min(x[0] * x[2], 1.0)


def power_forms(x):
    return np.sum(np.power(x, 3) + x ** 2.5 + np.square(x) + (-x) ** 2)


def clip_maximum(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2 + np.maximum(x, 0.1) * x + np.minimum(x, 0.0))


def roll_diff_pad(x):
    d = np.diff(x)
    r = np.roll(x, 2)
    p = np.pad(x, 1, mode="constant")
    return np.sum(d ** 2) + np.sum(r * x) + np.sum(p[:-2] * p[2:])


def reverse_slices(x):
    return np.sum(x[::-1] * x) + np.sum(x[::2] ** 3)


def einsum_forms(A, B):
    return np.einsum("ij,jk->", A, B) + np.einsum("ii", A @ A.T) + np.sum(np.einsum("ij,ij->i", A, A))


def tensordot_outer_kron(a, B):
    return np.sum(np.tensordot(B, B, axes=([1], [1]))) + np.sum(np.outer(a, a)) + np.sum(np.kron(B, a[:2]))


def trapz_interp(y):
    xs = np.linspace(0, 1, len(y))
    area = np.trapezoid(y ** 2, xs)
    return area + np.sum(np.interp(np.array([0.1, 0.55, 0.9]), xs, y))


def polyval_fit(c):
    xs = np.linspace(-1, 1, 7)
    return np.sum(np.polyval(c, xs) ** 2)


def norm_variants(A):
    return np.linalg.norm(A) + np.sum(np.linalg.norm(A, axis=1)) + np.linalg.norm(A[0], ord=1) + np.linalg.norm(A, ord=2)


def slogdet_lstsq(A, b):
    sign, ld = np.linalg.slogdet(A @ A.T + np.eye(3))
    x, *_ = np.linalg.lstsq(A, b, rcond=None)
    return ld + np.sum(x ** 2)


def qr_loss(A):
    Q, R = np.linalg.qr(A)
    return np.sum(np.abs(np.diag(R)))


def matrix_power_loss(A):
    return np.sum(np.linalg.matrix_power(0.5 * A, 3))


def logs_and_friends(x):
    return np.sum(np.log1p(x ** 2) + np.logaddexp(x, 0.0) + np.hypot(x, 1.0) + np.arctan2(x, 2.0) + np.expm1(x))


def xlogy_softplus(p):
    q = special.expit(p)
    return np.sum(special.xlogy(q, q) + special.xlog1py(1 - q, -q)) + np.sum(special.softmax(p) ** 2)


def mvn_logpdf(mu):
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    x = np.array([[0.1, 0.2], [-1.0, 0.5]])
    return np.sum(stats.multivariate_normal.logpdf(x, mean=mu, cov=cov))


def gamma_beta_poisson(a):
    return stats.gamma.logpdf(2.0, a) + stats.beta.logpdf(0.3, a, 2.0) + np.sum(stats.poisson.logpmf(np.array([1, 3]), a))


def reductions_axes(A):
    return np.sum(np.mean(A, axis=(0, 1))) + np.sum(A.var(axis=0, ddof=1)) + np.std(A) + np.sum(A.max(axis=1, keepdims=True) * A)


def median_percentile(x):
    return np.median(x) + np.percentile(x, 30)


def cross_meshgrid(a, b):
    X, Y = np.meshgrid(a, b)
    return np.sum(np.cross(a, b)) + np.sum(X * Y ** 2)


def param_augassign(x):
    x = x * 1
    x += 1.0
    x *= x
    return np.sum(x)


def param_inplace_rebind(x, lr=0.1):
    for _ in range(3):
        g = 2 * x
        x = x - lr * g
    return np.sum(x ** 2)


def asarray_alias(x):
    a = np.asarray(x, dtype=float)
    b = a.copy()
    b[0] = 0.0
    return np.sum(a * b)


def concatenate_stack(a, b):
    c = np.concatenate([a, b, a[:1]])
    s = np.vstack([a, b])
    h = np.hstack([a, b])
    return np.sum(c ** 2) + np.sum(s[1] * s[0]) + np.sum(h ** 3)


def split_loss(x):
    parts = np.split(x, 3)
    return sum(np.prod(p) for p in parts)


def tril_triu_diag(A):
    return np.sum(np.tril(A) ** 2) + np.sum(np.triu(A, 1)) + np.sum(np.diag(np.diag(A)) @ A)


def fill_diag(A):
    B = A @ A.T
    np.fill_diagonal(B, 1.0)
    return np.sum(B ** 2)


def zeros_like_fill(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i] * (i + 1)
    y[-1] = y[0] + y[1]
    return np.sum(np.sin(y))


def empty_fill(x):
    out = np.empty((3, len(x)))
    out[0] = x
    out[1] = x ** 2
    out[2, :] = np.exp(x)
    return np.sum(out @ x)


def one_hot_ce(logits, labels=np.array([0, 2, 1])):
    n = logits.shape[0]
    lse = np.log(np.sum(np.exp(logits), axis=1))
    return -np.mean(logits[np.arange(n), labels] - lse)


def maxpool(x):
    n = len(x) // 2
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.max(x[2 * i:2 * i + 2])
    return np.sum(out ** 2)


def argmax_select(x, W):
    i = np.argmax(x @ W)
    return np.sum(W[:, i] * x)


def bool_index_read(x):
    pos = x[x > 0]
    return np.sum(pos ** 2) / max(len(pos), 1)


def nonzero_where(x):
    idx = np.nonzero(x > 0)[0]
    return np.sum(x[idx] ** 3)


def int_array_float_param(w):
    steps = np.arange(5)
    decay = w ** steps
    return np.sum(decay * np.array([1, 2, 3, 4, 5]))


def int_division_mix(a):
    n = 7
    half = n // 2
    return a ** half + a * (n % 3) / 2


def zero_d_array(x):
    s = np.array(0.0)
    for v in x:
        s = s + v ** 2
    return s * np.float64(2.0)


def keepdims_broadcast(A):
    mu = A.mean(axis=0, keepdims=True)
    sd = A.std(axis=0, keepdims=True)
    Z = (A - mu) / sd
    return np.sum(Z ** 3)


def batchnorm_layernorm(X, gamma):
    mu = X.mean(-1)[..., None]
    var = ((X - mu) ** 2).mean(-1)[..., None]
    return np.sum(gamma * (X - mu) / np.sqrt(var + 1e-5) * X)


CASES_B = [
    ("alias_then_write", alias_then_write, (rng_b.normal(size=3),), {}),
    ("overlap_shift", overlap_shift, (rng_b.normal(size=5),), {}),
    ("overlap_shift_add", overlap_shift_add, (rng_b.normal(size=5),), {}),
    ("swap_elements", swap_elements, (rng_b.normal(size=4),), {}),
    ("swap_rows", swap_rows, (rng_b.normal(size=(3, 2)),), {}),
    ("inplace_sort", inplace_sort, (rng_b.normal(size=5),), {}),
    ("tuple_swap_loop", tuple_swap_loop, (0.3, 0.7), {}),
    ("item_and_float", item_and_float, (rng_b.normal(size=3),), {}),
    ("builtin_max_abs", builtin_max_abs, (rng_b.normal(size=3),), {}),
    ("power_forms", power_forms, (rng_b.random(4) + 0.2,), {}),
    ("clip_maximum", clip_maximum, (np.array([-0.9, -0.3, 0.2, 0.7, 1.3]),), {}),
    ("roll_diff_pad", roll_diff_pad, (rng_b.normal(size=5),), {}),
    ("reverse_slices", reverse_slices, (rng_b.normal(size=5),), {}),
    ("einsum_forms", einsum_forms, (rng_b.normal(size=(3, 3)), rng_b.normal(size=(3, 2))), {}),
    ("tensordot_outer_kron", tensordot_outer_kron, (rng_b.normal(size=3), rng_b.normal(size=(2, 3))), {}),
    ("trapz_interp", trapz_interp, (rng_b.normal(size=5),), {}),
    ("polyval_fit", polyval_fit, (rng_b.normal(size=3),), {}),
    ("norm_variants", norm_variants, (rng_b.normal(size=(3, 2)),), {}),
    ("slogdet_lstsq", slogdet_lstsq, (rng_b.normal(size=(3, 2)), rng_b.normal(size=3)), {}),
    ("qr_loss", qr_loss, (rng_b.normal(size=(3, 2)),), {}),
    ("matrix_power_loss", matrix_power_loss, (rng_b.normal(size=(2, 2)),), {}),
    ("logs_and_friends", logs_and_friends, (rng_b.normal(size=4),), {}),
    ("xlogy_softplus", xlogy_softplus, (rng_b.normal(size=4),), {}),
    ("mvn_logpdf", mvn_logpdf, (rng_b.normal(size=2),), {}),
    ("gamma_beta_poisson", gamma_beta_poisson, (1.7,), {}),
    ("reductions_axes", reductions_axes, (rng_b.normal(size=(3, 4)),), {}),
    ("median_percentile", median_percentile, (rng_b.normal(size=6),), {}),
    ("cross_meshgrid", cross_meshgrid, (rng_b.normal(size=3), rng_b.normal(size=3)), {}),
    ("param_augassign", param_augassign, (rng_b.normal(size=3),), {}),
    ("param_inplace_rebind", param_inplace_rebind, (rng_b.normal(size=3),), {}),
    ("asarray_alias", asarray_alias, (rng_b.normal(size=3),), {}),
    ("concatenate_stack", concatenate_stack, (rng_b.normal(size=3), rng_b.normal(size=3)), {}),
    ("split_loss", split_loss, (rng_b.normal(size=6),), {}),
    ("tril_triu_diag", tril_triu_diag, (rng_b.normal(size=(3, 3)),), {}),
    ("fill_diag", fill_diag, (rng_b.normal(size=(3, 3)),), {}),
    ("zeros_like_fill", zeros_like_fill, (rng_b.normal(size=4),), {}),
    ("empty_fill", empty_fill, (rng_b.normal(size=3),), {}),
    ("one_hot_ce", one_hot_ce, (rng_b.normal(size=(3, 3)),), {}),
    ("maxpool", maxpool, (rng_b.normal(size=6),), {}),
    ("argmax_select", argmax_select, (rng_b.normal(size=3), rng_b.normal(size=(3, 4))), {}),
    ("bool_index_read", bool_index_read, (rng_b.normal(size=6),), {}),
    ("nonzero_where", nonzero_where, (rng_b.normal(size=6),), {}),
    ("int_array_float_param", int_array_float_param, (0.8,), {}),
    ("int_division_mix", int_division_mix, (1.3,), {}),
    ("zero_d_array", zero_d_array, (rng_b.normal(size=3),), {}),
    ("keepdims_broadcast", keepdims_broadcast, (rng_b.normal(size=(4, 3)),), {}),
    ("batchnorm_layernorm", batchnorm_layernorm, (rng_b.normal(size=(2, 4)), rng_b.normal(size=4)), {}),
]



rng_f = np.random.default_rng(26)


def multihead(W, X, heads=2):
    T, D = X.shape
    Q = (X @ W).reshape(T, heads, D // heads).transpose(1, 0, 2)
    K = X.reshape(T, heads, D // heads).transpose(1, 0, 2)
    S = Q @ K.transpose(0, 2, 1) / np.sqrt(D // heads)
    S = S - S.max(-1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(-1, keepdims=True)
    O = (P @ K).transpose(1, 0, 2).reshape(T, D)
    return np.sum(O ** 2)


def conv_pad_stride(w, x):
    xp = np.pad(x, (1, 1))
    out = np.array([np.dot(w, xp[i:i + 3]) for i in range(0, len(x), 2)])
    return np.sum(np.maximum(out, 0) ** 2)


def viterbi_backtrack(emis, trans):
    T, S = emis.shape
    score = emis[0].copy()
    back = np.zeros((T, S), dtype=int)
    for t in range(1, T):
        cand = score[:, None] + trans
        back[t] = np.argmax(cand, axis=0)
        score = np.max(cand, axis=0) + emis[t]
    path = [int(np.argmax(score))]
    for t in range(T - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    path = path[::-1]
    return sum(emis[t, s] for t, s in enumerate(path)) + score.max()


def quantile_loss(pred, y, q=0.3):
    r = y - pred
    return np.mean(np.maximum(q * r, (q - 1) * r))


def soft_rank_loss(x):
    order = np.argsort(x)
    ranks = np.empty_like(order)
    ranks[order] = np.arange(len(x))
    return np.sum(x * ranks) + np.sum(np.sort(x)[::-1][:2])


def cumsum_axis(A):
    C = np.cumsum(A, axis=0)
    R = np.cumsum(A[::-1], axis=1)
    return np.sum(C * R)


def masked_loop_update(x, steps=3):
    y = x.copy()
    for _ in range(steps):
        m = y > 0.2
        y[m] = y[m] * 0.5 + 0.1
        y[~m] += 0.3 * y[~m] ** 2
    return np.sum(y)


def add_at_2d(W):
    acc = np.zeros((3, 2))
    rows = np.array([0, 2, 0, 1])
    np.add.at(acc, rows, W)
    return np.sum(acc ** 2)


def subtract_at_and_max_at(x):
    acc = np.ones(3)
    np.subtract.at(acc, np.array([0, 0, 2]), x)
    return np.sum(acc ** 3)


def broadcasting_column(a, B):
    col = a.reshape(-1, 1)
    row = a[None]
    return np.sum(B * col) + np.sum((B.T * row.T) ** 2) + np.sum(col @ row)


def int_matrix_float_vec(w):
    M = np.array([[1, 2, 0], [0, 1, 3]])
    counts = np.bincount(np.array([0, 1, 1, 2]))
    return np.sum((M @ w) ** 2) + np.sum(counts * w)


def nested_early_return(A):
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] > 5:
                return total
            total += A[i, j] ** 2
            if total > 3.5:
                return total * 2
    return total


def gen_pipeline(x):
    sq = (v * v for v in x)
    sc = (s * 2 for s in sq)
    return sum(sc)


def dict_comprehension_params(x):
    p = {f"w{i}": x[i] * (i + 1) for i in range(3)}
    return sum(v ** 2 for v in p.values()) + p["w1"] * p["w2"]


def list_of_arrays_mutated(x):
    bufs = [np.zeros(2) for _ in range(3)]
    for i, b in enumerate(bufs):
        bufs[i] = b + x[i] * np.array([1.0, 2.0])
    bufs[0][1] = bufs[2][0] * bufs[1][1]
    return sum(np.sum(b ** 2) for b in bufs)


def special_mix(a):
    return np.sum(special.digamma(a) + special.betaln(a, 2.0) + special.erf(a) + special.log_softmax(a))


def student_t_nll(params, x):
    loc, log_scale, log_df = params
    return -np.sum(stats.t.logpdf(x, np.exp(log_df), loc, np.exp(log_scale)))


def dirichlet_like(alpha, p):
    return special.gammaln(np.sum(alpha)) - np.sum(special.gammaln(alpha)) + np.sum((alpha - 1) * np.log(p))


def kalman_slogdet(A, ys):
    n = A.shape[0]
    m = np.zeros(n)
    P = np.eye(n)
    ll = 0.0
    for y in ys:
        m = A @ m
        P = A @ P @ A.T + 0.1 * np.eye(n)
        S = P + 0.5 * np.eye(n)
        r = y - m
        sign, logdet = np.linalg.slogdet(S)
        ll -= 0.5 * (logdet + r @ np.linalg.solve(S, r))
        K = np.linalg.solve(S.T, P.T).T
        m = m + K @ r
        P = P - K @ S @ K.T
    return ll


def power_iteration(A):
    v = np.ones(A.shape[0])
    M = A @ A.T
    for _ in range(20):
        v = M @ v
        v /= np.linalg.norm(v)
    return v @ M @ v


def eigh_in_loop(A):
    total = 0.0
    M = A + A.T
    for k in range(3):
        w, V = np.linalg.eigh(M + k * np.eye(M.shape[0]))
        total += w[0] + np.sum(V[:, -1] ** 4)
    return total


def inv_update_loop(A):
    M = np.eye(2) + 0.1 * A
    for _ in range(3):
        M = np.linalg.inv(M) + 0.5 * A
    return np.sum(M)


def cholesky_solve_loop(A, bs):
    M = A @ A.T + np.eye(A.shape[0])
    L = np.linalg.cholesky(M)
    total = 0.0
    for b in bs:
        z = np.linalg.solve(L, b)
        total += z @ z
    return total


def while_tolerance(x0, a):
    x = x0
    it = 0
    while abs(x * x - a) > 1e-12 and it < 50:
        x = 0.5 * (x + a / x)
        it += 1
    return x + it * 0.0


def euler_maruyama_fixed_noise(theta, noise):
    x = 1.0
    dt = 0.01
    for n in noise:
        x = x + theta * (0.5 - x) * dt + 0.2 * np.sqrt(dt) * n
    return x


def gridworld_value_iteration(r, gamma=0.9):
    n = len(r)
    V = np.zeros(n)
    for _ in range(15):
        left = np.roll(V, 1)
        right = np.roll(V, -1)
        V = r + gamma * np.maximum(left, right)
    return np.sum(V)


def softmin_dtw(x, y, g=0.5):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), 1e10)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = (x[i - 1] - y[j - 1]) ** 2
            r = np.array([R[i - 1, j], R[i, j - 1], R[i - 1, j - 1]])
            rmin = r.min()
            R[i, j] = c + rmin - g * np.log(np.sum(np.exp(-(r - rmin) / g)))
    return R[n, m]


def knn_weights(X, q):
    d = np.sum((X - q) ** 2, axis=1)
    idx = np.argsort(d)[:2]
    w = np.exp(-d[idx])
    return np.sum(w / w.sum() * X[idx, 0])


def piecewise_interp_loop(y):
    out = 0.0
    for t in np.linspace(0.05, 0.95, 5):
        i = int(t * (len(y) - 1))
        frac = t * (len(y) - 1) - i
        out += (1 - frac) * y[i] + frac * y[i + 1]
    return out ** 2


def histogram_soft(x, centers=np.linspace(-1, 1, 4)):
    h = np.zeros(len(centers))
    for v in x:
        h += np.exp(-(v - centers) ** 2)
    return np.sum(h * np.log(h))


def particles_resample_fixed(w, x):
    p = np.exp(w - w.max())
    p = p / p.sum()
    idx = np.array([0, 0, 2, 3])
    return np.sum(p[idx] * x[idx]) + np.sum(np.log(p) * p)


def ema(x, alpha=0.3):
    s = np.empty_like(x)
    s[0] = x[0]
    for t in range(1, len(x)):
        s[t] = alpha * x[t] + (1 - alpha) * s[t - 1]
    return np.sum((s - x) ** 2)


def ar_likelihood(phi, y):
    resid = y[2:] - phi[0] * y[1:-1] - phi[1] * y[:-2]
    return -0.5 * np.sum(resid ** 2)


def gmm_em_step(mu, x):
    resp = np.exp(-0.5 * (x[:, None] - mu[None, :]) ** 2)
    resp /= resp.sum(axis=1, keepdims=True)
    new_mu = (resp * x[:, None]).sum(0) / resp.sum(0)
    return np.sum(new_mu ** 2) + np.sum(np.log(np.exp(-0.5 * (x[:, None] - new_mu) ** 2).sum(1)))


def adam_unrolled(w0, X, y, steps=4):
    w = w0.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = 2 * X.T @ (X @ w - y) / len(y)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mhat = m / (1 - 0.9 ** t)
        vhat = v / (1 - 0.999 ** t)
        w -= 0.1 * mhat / (np.sqrt(vhat) + 1e-8)
    return np.sum((X @ w - y) ** 2)


CASES_F = [
    ("multihead", multihead, (rng_f.normal(size=(4, 4)), rng_f.normal(size=(3, 4))), {}),
    ("conv_pad_stride", conv_pad_stride, (rng_f.normal(size=3), rng_f.normal(size=6)), {}),
    ("viterbi_backtrack", viterbi_backtrack, (rng_f.normal(size=(4, 3)), rng_f.normal(size=(3, 3))), {}),
    ("quantile_loss", quantile_loss, (rng_f.normal(size=5), rng_f.normal(size=5)), {}),
    ("soft_rank_loss", soft_rank_loss, (rng_f.normal(size=5),), {}),
    ("cumsum_axis", cumsum_axis, (rng_f.normal(size=(3, 3)),), {}),
    ("masked_loop_update", masked_loop_update, (np.array([0.1, 0.5, -0.3, 0.9, 0.05]),), {}),
    ("add_at_2d", add_at_2d, (rng_f.normal(size=(4, 2)),), {}),
    ("subtract_at_and_max_at", subtract_at_and_max_at, (rng_f.normal(size=3),), {}),
    ("broadcasting_column", broadcasting_column, (rng_f.normal(size=3), rng_f.normal(size=(3, 3))), {}),
    ("int_matrix_float_vec", int_matrix_float_vec, (rng_f.normal(size=3),), {}),
    ("nested_early_return", nested_early_return, (rng_f.normal(size=(3, 3)),), {}),
    ("gen_pipeline", gen_pipeline, (rng_f.normal(size=4),), {}),
    ("dict_comprehension_params", dict_comprehension_params, (rng_f.normal(size=3),), {}),
    ("list_of_arrays_mutated", list_of_arrays_mutated, (rng_f.normal(size=3),), {}),
    ("special_mix", special_mix, (rng_f.random(3) + 0.5,), {}),
    ("student_t_nll", student_t_nll, (np.array([0.1, -0.2, 1.0]), rng_f.normal(size=4)), {}),
    ("dirichlet_like", dirichlet_like, (rng_f.random(3) + 1.0, np.array([0.2, 0.3, 0.5])), {}),
    ("kalman_slogdet", kalman_slogdet, (0.5 * np.eye(2) + 0.1 * rng_f.normal(size=(2, 2)), rng_f.normal(size=(3, 2))), {"order": 1}),
    ("power_iteration", power_iteration, (rng_f.normal(size=(3, 3)),), {}),
    ("eigh_in_loop", eigh_in_loop, (rng_f.normal(size=(3, 3)),), {}),
    ("inv_update_loop", inv_update_loop, (rng_f.normal(size=(2, 2)),), {}),
    ("cholesky_solve_loop", cholesky_solve_loop, (rng_f.normal(size=(2, 2)), rng_f.normal(size=(3, 2))), {}),
    ("while_tolerance", while_tolerance, (1.0, 2.0), {}),
    ("euler_maruyama_fixed_noise", euler_maruyama_fixed_noise, (0.7, rng_f.normal(size=10)), {}),
    ("gridworld_value_iteration", gridworld_value_iteration, (rng_f.normal(size=5),), {}),
    ("softmin_dtw", softmin_dtw, (rng_f.normal(size=3), rng_f.normal(size=3)), {}),
    ("knn_weights", knn_weights, (rng_f.normal(size=(4, 2)), rng_f.normal(size=2)), {}),
    ("piecewise_interp_loop", piecewise_interp_loop, (rng_f.normal(size=5),), {}),
    ("histogram_soft", histogram_soft, (rng_f.normal(size=4),), {}),
    ("particles_resample_fixed", particles_resample_fixed, (rng_f.normal(size=4), rng_f.normal(size=4)), {}),
    ("ema", ema, (rng_f.normal(size=5),), {}),
    ("ar_likelihood", ar_likelihood, (np.array([0.3, 0.1]), rng_f.normal(size=6)), {}),
    ("gmm_em_step", gmm_em_step, (np.array([-0.5, 0.7]), rng_f.normal(size=5)), {}),
    ("adam_unrolled", adam_unrolled, (rng_f.normal(size=2), rng_f.normal(size=(4, 2)), rng_f.normal(size=4)), {}),
]

CASES = CASES_A + CASES_B + CASES_F
# second order (forward over reverse, hvp) only where it is cheap; first order elsewhere
SECOND_ORDER = {"euler_while", "kalman", "attention", "conv1d_loop", "viterbi_score", "sorted_loss", "cumsum_loss", "masked_update", "add_at", "early_return",
                "generator_sum", "params_dict", "where_chain", "inv_det", "eigh_loss",
                "cholesky_logdet", "overlap_shift", "swap_rows", "inplace_sort", "clip_maximum",
                "einsum_forms", "norm_variants", "logs_and_friends", "one_hot_ce", "maxpool"}


@pytest.mark.parametrize("name,f,args,options", CASES, ids=[c[0] for c in CASES])
def test_program_derivatives_agree_with_finite_differences(name, f, args, options):
    check_case(name, f, args, options, SECOND_ORDER)
