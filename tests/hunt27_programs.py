"""Hunt 27 (tests/test_hunt27.py): programs written the way users write NumPy code, in kinds
the earlier hunts did not try — integrators with adaptive steps and early exit, optimisation
loops with momentum and `while` line searches, log-likelihoods by logsumexp, mixtures and an
HMM's forward algorithm, convolution and FIR/IIR filters, cumsum/diff, image stencils by
np.pad/np.roll and strided slices, linear algebra (solve, cholesky, qr, inv, det, norm,
einsum, matrix powers), tree recursion, dicts of parameters under string keys, lists of
arrays pushed and popped, in-place updates of slices and masks, broadcasting corner cases,
integer and boolean intermediates, ties of clip/abs/maximum, negative axes, reshape and
transpose chains, closures and small classes — each checked against central differences by
gradcheck.check."""
import math

import numpy as np

rng = np.random.default_rng(27)

DT = 0.05
TOL = 1e-6
SIGMA = 0.7
KERNEL3 = np.array([0.25, 0.5, 0.25])
LAPLACE = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
M3 = np.array([[2.0, 0.3, -0.1], [0.3, 1.5, 0.2], [-0.1, 0.2, 1.8]])
# (no ties, and no value at a threshold the programs compare with: 0, 0.5, 1, the mean)
IMG = np.array([[0.21, 0.57, -0.13, 0.83],
                [1.12, -0.41, 0.34, 0.62],
                [0.07, 0.93, -0.72, 0.44],
                [0.48, 0.16, 0.26, -0.35]])


# --- integrators -----------------------------------------------------------------------------
def verlet_pendulum(theta0):
    """Velocity Verlet for a pendulum, stepped a fixed time; the energy drift returned with
    the angle."""
    th, om = theta0, 0.0
    acc = -9.81 * math.sin(th)
    for _ in range(40):
        th = th + DT * om + 0.5 * DT * DT * acc
        new_acc = -9.81 * math.sin(th)
        om = om + 0.5 * DT * (acc + new_acc)
        acc = new_acc
    energy = 0.5 * om * om - 9.81 * math.cos(th)
    return th + 0.1 * energy


def rk4_system_early_exit(p):
    """Classical RK4 of a damped two-body-like system with the state a vector; stops when
    the first coordinate crosses zero (early exit by return inside the loop)."""
    def f(y):
        r = y[:2]
        v = y[2:]
        a = -p[0] * r / (np.dot(r, r) + 0.5) ** 1.5 - p[1] * v
        return np.concatenate([v, a])
    y = np.array([1.0, 0.0, 0.0, 0.8])
    h = 0.1
    for step in range(60):
        k1 = f(y)
        k2 = f(y + 0.5 * h * k1)
        k3 = f(y + 0.5 * h * k2)
        k4 = f(y + h * k3)
        y_new = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        if y_new[0] < 0.0:
            frac = y[0] / (y[0] - y_new[0])
            return y[1] + frac * (y_new[1] - y[1])
        y = y_new
    return y[1]


def adaptive_step_doubling(lam):
    """Step doubling: one Euler step of h against two of h/2; accepted when they agree, h
    halved otherwise, grown after a success; a while loop with a step counter."""
    t, y, h = 0.0, 1.0, 0.2
    count = 0
    while t < 1.0 and count < 200:
        h = min(h, 1.0 - t)
        big = y + h * (-lam * y + math.sin(t))
        half = y + 0.5 * h * (-lam * y + math.sin(t))
        small = half + 0.5 * h * (-lam * half + math.sin(t + 0.5 * h))
        err = abs(big - small)
        if err < 1e-3:
            t += h
            y = 2.0 * small - big
            h *= 1.5
        else:
            h *= 0.5
        count += 1
    return y


def leapfrog_particles(q0, masses=np.array([1.0, 2.0, 0.5])):
    """Leapfrog for three particles on a line joined by springs; positions and momenta are
    arrays updated with slices (np.diff for the spring lengths)."""
    q = q0.copy()
    p = np.zeros_like(q)
    def force(q):
        ext = np.diff(q) - 1.0
        F = np.zeros_like(q)
        F[:-1] += ext
        F[1:] -= ext
        return F
    p += 0.5 * DT * force(q)
    for _ in range(20):
        q += DT * p / masses
        p += DT * force(q)
    p -= 0.5 * DT * force(q)
    return np.sum(q * np.arange(1, 4)) + np.sum(p ** 2 / masses)


def implicit_euler_newton(k):
    """Implicit Euler of y' = -k y^3: each step solves g(z) = z - y + h k z^3 = 0 by Newton,
    stopped by a tolerance."""
    y = 1.0
    h = 0.1
    for _ in range(10):
        z = y
        for _ in range(30):
            g = z - y + h * k * z ** 3
            dg = 1.0 + 3.0 * h * k * z ** 2
            dz = g / dg
            z = z - dz
            if abs(dz) < 1e-14:
                break
        y = z
    return y


def heat_equation_explicit(u0):
    """The 1-D heat equation by explicit finite differences with fixed ends, the interior
    written by a slice assignment each step."""
    u = u0.copy()
    r = 0.3
    for _ in range(12):
        u[1:-1] = u[1:-1] + r * (u[2:] - 2 * u[1:-1] + u[:-2])
    return np.sum(u ** 2 * np.linspace(0.5, 1.5, len(u)))


def bouncing_ball_events(h0):
    """A ball dropped from h0, bouncing with restitution; the bounce times found by solving
    the quadratic, the time of the third bounce returned."""
    g = 9.81
    e = 0.8
    t = math.sqrt(2.0 * h0 / g)
    v = g * t * e
    times = [t]
    while len(times) < 3:
        dt = 2.0 * v / g
        t += dt
        v *= e
        times.append(t)
    return times[-1] + 0.5 * times[0]


# --- optimisation loops ------------------------------------------------------------------------
def gradient_descent_momentum(w0, A=M3, b=np.array([1.0, -0.5, 0.3])):
    """Heavy-ball descent on a quadratic with a hand gradient; stops when the step is small
    or after a cap; the final objective returned."""
    w = w0.copy()
    v = np.zeros_like(w)
    for it in range(100):
        g = A @ w - b
        v = 0.8 * v - 0.1 * g
        w = w + v
        if np.linalg.norm(v) < 1e-9:
            break
    return 0.5 * w @ A @ w - b @ w + np.sum(w0 ** 2)


def backtracking_line_search(x):
    """One gradient step of a Rosenbrock-like function with Armijo backtracking in a while
    loop (the step size only chosen by comparisons)."""
    def fun(z):
        return (1 - z[0]) ** 2 + 5.0 * (z[1] - z[0] ** 2) ** 2
    def gradient(z):
        return np.array([-2 * (1 - z[0]) - 20.0 * z[0] * (z[1] - z[0] ** 2),
                         10.0 * (z[1] - z[0] ** 2)])
    g = gradient(x)
    t = 1.0
    while fun(x - t * g) > fun(x) - 0.3 * t * g @ g:
        t *= 0.5
    return fun(x - t * g)


def newton_minimize_1d(a):
    """Newton's method on f(x) = x^4 - a x with a damped step and a while loop on the
    gradient's size; returns the minimum value (its derivative is -x*)."""
    x = 1.0
    it = 0
    while True:
        g = 4 * x ** 3 - a
        if abs(g) < 1e-13 or it > 100:
            break
        hdd = 12 * x ** 2
        x -= g / hdd
        it += 1
    return x ** 4 - a * x


def coordinate_descent_lasso(y, X=np.array([[1.0, 0.2], [0.3, 1.1], [0.5, -0.4], [0.9, 0.6]]),
                             lam=0.3):
    """Lasso by coordinate descent with soft thresholding by np.sign and np.maximum; the
    coefficients kept in an array updated item by item."""
    n, d = X.shape
    w = np.zeros(d)
    for sweep in range(30):
        for j in range(d):
            r = y - X @ w + X[:, j] * w[j]
            rho = X[:, j] @ r / n
            z = X[:, j] @ X[:, j] / n
            w[j] = np.sign(rho) * np.maximum(np.abs(rho) - lam, 0.0) / z
    return np.sum((X @ w - y) ** 2) + lam * np.sum(np.abs(w))


def rmsprop_dict(theta):
    """RMSProp over a dict of named parameters with a cache dict, looping over sorted keys."""
    params = {"scale": theta[0], "shift": theta[1]}
    cache = {k: 0.0 for k in params}
    xs = np.array([0.1, 0.5, 0.9])
    ys = np.array([0.3, 1.1, 2.0])
    for _ in range(5):
        pred = params["scale"] * xs + params["shift"]
        r = pred - ys
        grads = {"scale": 2 * np.mean(r * xs), "shift": 2 * np.mean(r)}
        for k in sorted(params):
            cache[k] = 0.9 * cache[k] + 0.1 * grads[k] ** 2
            params[k] = params[k] - 0.05 * grads[k] / (math.sqrt(cache[k]) + 1e-8)
    return np.mean((params["scale"] * xs + params["shift"] - ys) ** 2)


def golden_section_argmin(c):
    """Golden-section search for the minimum of (x - c)^2 + 0.1 x^4 on [-3, 3]; the value
    at the bracket's midpoint (piecewise constant bracket, smooth at the end)."""
    lo, hi = -3.0, 3.0
    phi = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(60):
        a = hi - phi * (hi - lo)
        b = lo + phi * (hi - lo)
        if (a - c) ** 2 + 0.1 * a ** 4 < (b - c) ** 2 + 0.1 * b ** 4:
            hi = b
        else:
            lo = a
    x = 0.5 * (lo + hi)
    return (x - c) ** 2 + 0.1 * x ** 4 + c * 0.0


def nesterov_quadratic(b):
    """Nesterov acceleration on 0.5 x'Ax - b'x with a list of iterates kept (last two read
    by negative indices)."""
    xs = [np.zeros(3), np.zeros(3)]
    for k in range(1, 30):
        y = xs[-1] + (k - 1) / (k + 2) * (xs[-1] - xs[-2])
        xs.append(y - 0.3 * (M3 @ y - b))
    return np.sum(xs[-1] ** 2) + xs[-2] @ b


# --- probabilistic models ----------------------------------------------------------------------
def logsumexp(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True))
    if not keepdims:
        out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out


def gmm_loglik(means, x=rng.normal(size=6), log_w=np.log(np.array([0.3, 0.7]))):
    """A two-component Gaussian mixture's log-likelihood by logsumexp over components,
    broadcast as (n, 1) against (k,)."""
    d = x[:, None] - means[None, :]
    log_comp = -0.5 * d ** 2 / SIGMA ** 2 - np.log(SIGMA * np.sqrt(2 * np.pi)) + log_w
    return np.sum(logsumexp(log_comp, axis=1))


def em_gmm_steps(x0, data=np.array([-1.2, -0.8, -1.0, 0.9, 1.3, 1.1, 0.2])):
    """Three EM steps of a two-component 1-D mixture: responsibilities by softmax over the
    last axis, the means and weights re-estimated; the final log-likelihood returned."""
    mu = x0.copy()
    pi = np.array([0.5, 0.5])
    for _ in range(3):
        logp = -0.5 * (data[:, None] - mu) ** 2 + np.log(pi)
        logp -= logp.max(axis=-1, keepdims=True)
        r = np.exp(logp)
        r /= r.sum(axis=-1, keepdims=True)
        nk = r.sum(axis=0)
        mu = (r * data[:, None]).sum(axis=0) / nk
        pi = nk / len(data)
    logp = -0.5 * (data[:, None] - mu) ** 2 + np.log(pi)
    return np.sum(logsumexp(logp, axis=-1))


def hmm_forward(log_emit, log_A=np.log(np.array([[0.8, 0.2], [0.3, 0.7]])),
                log_pi=np.log(np.array([0.6, 0.4]))):
    """The HMM forward algorithm in log space, alpha updated by logsumexp over the previous
    state with keepdims, the messages kept in a list."""
    alphas = [log_pi + log_emit[0]]
    for t in range(1, log_emit.shape[0]):
        prev = alphas[-1][:, None] + log_A
        alphas.append(logsumexp(prev, axis=0) + log_emit[t])
    return logsumexp(alphas[-1])


def hmm_forward_scaled(emit, A=np.array([[0.8, 0.2], [0.3, 0.7]]), pi=np.array([0.6, 0.4])):
    """The scaled forward algorithm in probability space: alpha normalised each step in
    place, log of the scales summed."""
    alpha = pi * emit[0]
    c = alpha.sum()
    alpha /= c
    loglik = np.log(c)
    for t in range(1, len(emit)):
        alpha = (alpha @ A) * emit[t]
        c = alpha.sum()
        alpha /= c
        loglik += np.log(c)
    return loglik


def poisson_regression_nll(beta, X=np.array([[1.0, 0.2], [1.0, -0.5], [1.0, 1.3], [1.0, 0.7]]),
                           counts=np.array([2, 0, 5, 3])):
    """Poisson regression's negative log-likelihood with integer counts and log-factorials by
    math.lgamma in a generator."""
    eta = X @ beta
    lf = sum(math.lgamma(k + 1) for k in counts)
    return np.sum(np.exp(eta) - counts * eta) + lf


def student_t_loglik(params, x=np.array([0.3, -1.2, 2.5, 0.1, -0.4])):
    """Student-t log-density with location, log-scale and log-dof, math.lgamma of a traced
    value."""
    loc, log_s, log_nu = params
    s = np.exp(log_s)
    nu = np.exp(log_nu)
    z = (x - loc) / s
    c = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * np.log(nu * np.pi) - np.log(s)
    return np.sum(c - (nu + 1) / 2 * np.log1p(z ** 2 / nu))


def categorical_kl(logits_p, logits_q=np.array([0.2, -0.1, 0.5, 0.0])):
    """KL between categoricals from logits by log-softmax with keepdims on a 1-D array
    (axis=-1)."""
    lp = logits_p - logsumexp(logits_p, axis=-1, keepdims=True)
    lq = logits_q - logsumexp(logits_q, axis=-1, keepdims=True)
    return np.sum(np.exp(lp) * (lp - lq))


def beta_binomial_grid(a, ks=np.array([0, 1, 3, 2]), n=4):
    """A beta-binomial likelihood on a grid: the log-beta function from lgamma, terms in a
    list comprehension over integer data."""
    b = 2.0
    def lbeta(x, y):
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)
    terms = [lbeta(k + a, n - k + b) - lbeta(a, b) for k in ks]
    return sum(terms)


def dirichlet_logpdf(alpha, x=np.array([0.2, 0.5, 0.3])):
    """A Dirichlet log-density with scipy-free gammaln by a loop of math.lgamma."""
    norm = math.lgamma(float(np.sum(alpha)))
    for a in alpha:
        norm -= math.lgamma(a)
    return norm + np.sum((alpha - 1.0) * np.log(x))


# --- signal processing -------------------------------------------------------------------------
def fir_convolve_same(h, x=np.sin(np.linspace(0, 3, 12))):
    """An FIR filter by np.convolve in 'same' mode, energy of the output."""
    y = np.convolve(x, h, mode="same")
    return np.sum(y ** 2)


def fir_convolve_valid_signal(x, h=np.array([0.2, 0.5, 0.3, -0.1])):
    """np.convolve 'valid' in the signal, then np.correlate 'full' with the filter."""
    y = np.convolve(x, h, mode="valid")
    z = np.correlate(y, h, mode="full")
    return np.sum(z * np.arange(len(z)))


def iir_filter_loop(b, x=np.array([1.0, 0.5, -0.3, 0.8, 0.0, -1.0, 0.4])):
    """A second-order IIR filter written as a loop with the output array filled item by
    item, reading y[n-1] and y[n-2] (zero before the start)."""
    a1, a2 = -0.5, 0.2
    y = np.zeros_like(x)
    for n in range(len(x)):
        acc = b[0] * x[n]
        if n >= 1:
            acc += b[1] * x[n - 1] - a1 * y[n - 1]
        if n >= 2:
            acc += b[2] * x[n - 2] - a2 * y[n - 2]
        y[n] = acc
    return np.sum(y ** 2)


def moving_average_cumsum(x, w=3):
    """A moving average by the cumsum trick (c[w:] - c[:-w]), with np.insert of a zero."""
    c = np.cumsum(np.insert(x, 0, 0.0))
    ma = (c[w:] - c[:-w]) / w
    return np.sum(ma ** 3)


def exponential_smoothing(alpha, x=np.array([1.0, 1.4, 0.8, 1.9, 2.2, 1.7])):
    """Exponential smoothing with the level kept in a Python float, forecasts appended to a
    list, the squared one-step errors summed."""
    level = x[0]
    errs = []
    for v in x[1:]:
        errs.append(v - level)
        level = alpha * v + (1 - alpha) * level
    return sum(e * e for e in errs)


def diff_total_variation(x):
    """Total variation by np.diff twice (with n=2), np.abs and np.sqrt of a smoothed
    square."""
    d1 = np.diff(x)
    d2 = np.diff(x, n=2)
    return np.sum(np.sqrt(d1 ** 2 + 1e-3)) + 0.5 * np.sum(np.abs(d2))


def autocorrelation_lags(x):
    """The autocorrelation at lags 0..3 by slicing x[:-k] against x[k:], in a dict keyed by
    the lag."""
    xc = x - x.mean()
    ac = {0: xc @ xc}
    for k in range(1, 4):
        ac[k] = xc[:-k] @ xc[k:]
    return sum(ac[k] / ac[0] * (k + 1) for k in ac)


def dft_power(x):
    """A DFT by an explicit complex matrix, its power spectrum summed with weights."""
    n = len(x)
    k = np.arange(n)
    W = np.exp(-2j * np.pi * np.outer(k, k) / n)
    X = W @ x
    P = np.abs(X) ** 2
    return np.sum(P[: n // 2] * np.arange(1, n // 2 + 1))


def median_of_three_filter(x):
    """A median-of-three filter by np.sort over a stacked axis, then a smoothed output."""
    s = np.stack([x[:-2], x[1:-1], x[2:]], axis=-1)
    med = np.sort(s, axis=-1)[:, 1]
    return np.sum(med ** 2) + np.sum(np.median(s, axis=1))


# --- image ops ---------------------------------------------------------------------------------
def laplacian_by_roll(u):
    """The periodic 5-point Laplacian by np.roll along both axes, negative shifts too."""
    lap = (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1)
           + np.roll(u, -1, axis=1) - 4 * u)
    return np.sum(lap ** 2) + np.sum(u * lap)


def blur_padded_edges(img):
    """A 3x3 box blur with np.pad in edge mode, the stencil summed by shifted slices."""
    p = np.pad(img, 1, mode="edge")
    out = np.zeros_like(img)
    for di in range(3):
        for dj in range(3):
            out += p[di:di + img.shape[0], dj:dj + img.shape[1]]
    out /= 9.0
    return np.sum(out ** 2 * IMG)


def conv2d_stencil_loop(img):
    """A 2-D stencil by a double loop over the kernel with zero padding (np.pad default)."""
    p = np.pad(img, ((1, 1), (1, 1)))
    H, W = img.shape
    out = np.zeros((H, W))
    for i in range(3):
        for j in range(3):
            out = out + LAPLACE[i, j] * p[i:i + H, j:j + W]
    return np.sum(np.tanh(out))


def downsample_strided(img):
    """Strided slices: even rows and odd columns, reversed rows, negative steps."""
    a = img[::2, 1::2]
    b = img[::-1, ::-2]
    c = img[-1:0:-2, :]
    return np.sum(a ** 2) + np.sum(b * b[::-1]) + np.sum(c[:, -2:] ** 3)


def threshold_mask_where(img):
    """A soft threshold by a boolean mask: values under the mean zeroed by `out[mask] = 0`,
    the rest shifted, with np.where on another mask."""
    out = img.copy()
    mask = img < img.mean()
    out[mask] = 0.0
    out[~mask] -= 0.1
    bright = np.where(img > 0.5, img ** 2, 0.5 * img)
    return np.sum(out * bright)


def sobel_magnitude(img):
    """Sobel gradients by slicing of an edge-padded image, the magnitude by np.hypot."""
    p = np.pad(img, 1, mode="reflect")
    gx = (p[1:-1, 2:] - p[1:-1, :-2]) * 2 + (p[:-2, 2:] - p[:-2, :-2]) + (p[2:, 2:] - p[2:, :-2])
    gy = (p[2:, 1:-1] - p[:-2, 1:-1]) * 2 + (p[2:, :-2] - p[:-2, :-2]) + (p[2:, 2:] - p[:-2, 2:])
    return np.sum(np.hypot(gx, gy + 0.1))


def max_pool_2x2(img):
    """2x2 max pooling by reshape and max over two axes (axis=(1, 3)), then mean pooling by
    negative axes."""
    H, W = img.shape
    pooled = img.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3))
    avg = img.reshape(H // 2, 2, W // 2, 2).mean(axis=(-1, -3))
    return np.sum(pooled ** 2) + np.sum(avg * pooled)


def image_patches_transpose(img):
    """Image patches by reshape/swapaxes into (4, 2, 2), each patch normalised."""
    patches = img.reshape(2, 2, 2, 2).swapaxes(1, 2).reshape(4, 2, 2)
    means = patches.mean(axis=(1, 2), keepdims=True)
    norm = patches - means
    return np.sum(norm ** 2 * np.arange(16.0).reshape(4, 2, 2))


def gamma_clip_image(img):
    """Intensities clipped to [0, 1], gamma corrected; ties at the clip bounds not met."""
    c = np.clip(img, 0.0, 1.0)
    return np.sum(c ** 2.2) + np.sum(np.clip(img, -0.5, None))


def histogram_equalize_like(img):
    """Ranks by argsort of the flattened image (integer intermediates), values weighted by
    their rank's place."""
    flat = img.ravel()
    order = np.argsort(flat)
    ranks = np.empty_like(order)
    ranks[order] = np.arange(flat.size)
    w = ranks.astype(float) / (flat.size - 1)
    return np.sum(w * flat ** 2)


# --- linear algebra ----------------------------------------------------------------------------
def cholesky_solve_two_triangles(A, b=np.array([1.0, -0.5, 2.0])):
    """A solve through a Cholesky factor and two triangular solves by np.linalg.solve."""
    S = A @ A.T + np.eye(3)
    L = np.linalg.cholesky(S)
    z = np.linalg.solve(L, b)
    x = np.linalg.solve(L.T, z)
    return x @ b + np.sum(np.log(np.diag(L)))


def qr_least_squares(X, y=np.array([1.0, 0.5, -0.2, 0.8, 1.4])):
    """Least squares by reduced QR: R solved against Q'y; the residual norm returned."""
    Q, R = np.linalg.qr(X)
    beta = np.linalg.solve(R, Q.T @ y)
    return np.linalg.norm(X @ beta - y) + np.sum(beta ** 2)


def matrix_power_loop(A):
    """A matrix power by repeated squaring in a while loop on an integer exponent."""
    result = np.eye(A.shape[0])
    base = A.copy()
    n = 5
    while n > 0:
        if n % 2 == 1:
            result = result @ base
        base = base @ base
        n //= 2
    return np.trace(result) + np.sum(np.linalg.matrix_power(A, 3))


def inverse_det_norms(A):
    """inv, det and several norms (fro, 1, inf, 2 of a vector, ord=1 of a vector)."""
    Ai = np.linalg.inv(A)
    v = A[:, 0]
    return (np.linalg.det(A) + np.linalg.norm(Ai) + np.linalg.norm(A, 1)
            + np.linalg.norm(A, np.inf) + np.linalg.norm(v, 1) + np.linalg.norm(v, ord=3))


def power_iteration_rayleigh(A):
    """Power iteration on A'A with the vector normalised in place, Rayleigh quotient."""
    S = A.T @ A
    v = np.ones(3) / np.sqrt(3.0)
    for _ in range(60):
        v = S @ v
        v /= np.linalg.norm(v)
    return v @ S @ v


def einsum_bilinear_batch(W, X=rng.normal(size=(4, 3)), Y=rng.normal(size=(4, 3))):
    """A batched bilinear form by einsum with an ellipsis, and an outer-trace einsum."""
    b = np.einsum("...i,ij,...j->...", X, W, Y)
    t = np.einsum("ij,ji", W, W)
    return np.sum(np.tanh(b)) + t


def lu_by_hand_det(A):
    """Doolittle LU without pivoting by loops over rows (slice assignments of rows of U), the
    determinant as the product of U's diagonal."""
    n = A.shape[0]
    U = A.copy()
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] = U[i, k:] - L[i, k] * U[k, k:]
    return np.prod(np.diag(U)) + np.sum(L ** 2)


def gram_schmidt(A):
    """Classical Gram-Schmidt on the columns, the basis in a list, stacked by column_stack."""
    basis = []
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for q in basis:
            v -= (q @ A[:, j]) * q
        basis.append(v / np.linalg.norm(v))
    Q = np.column_stack(basis)
    return np.sum(Q * np.arange(9.0).reshape(3, 3)) + np.sum((Q.T @ A) ** 2)


def solve_multiple_rhs(A, B=rng.normal(size=(3, 2))):
    """solve with a matrix right-hand side, and np.linalg.lstsq of a tall system."""
    X = np.linalg.solve(A, B)
    coef = np.linalg.lstsq(np.vstack([A, np.eye(3)]), np.ones(6), rcond=None)[0]
    return np.sum(X ** 2) + coef @ coef


def conjugate_gradient(b, A=M3):
    """Conjugate gradients with a while loop on the residual's norm (early exit)."""
    x = np.zeros_like(b)
    r = b - A @ x
    p = r.copy()
    rs = r @ r
    k = 0
    while np.sqrt(rs) > 1e-12 and k < 20:
        Ap = A @ p
        alpha = rs / (p @ Ap)
        x += alpha * p
        r -= alpha * Ap
        rs_new = r @ r
        p = r + (rs_new / rs) * p
        rs = rs_new
        k += 1
    return x @ x + x @ b


# --- recursion, containers, classes ------------------------------------------------------------
def tree_eval(x):
    """An expression tree as nested tuples evaluated recursively; the leaves index x."""
    tree = ("+", ("*", 0, 1), ("sin", ("-", 2, ("*", 0, 0))))
    def ev(node):
        if isinstance(node, int):
            return x[node]
        op = node[0]
        if op == "sin":
            return np.sin(ev(node[1]))
        a, b = ev(node[1]), ev(node[2])
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        return a * b
    return ev(tree)


def binary_tree_reduce(x):
    """A pairwise (tree) reduction by recursion on halves with a nonlinear combine."""
    def reduce(lo, hi):
        if hi - lo == 1:
            return x[lo]
        mid = (lo + hi) // 2
        a = reduce(lo, mid)
        b = reduce(mid, hi)
        return a * b + np.sin(a - b)
    return reduce(0, len(x))


def stack_machine(x):
    """A stack machine over a program of strings; operands pushed and popped from a list."""
    program = ["x0", "x1", "mul", "x2", "add", "dup", "mul", "x0", "sub"]
    stack = []
    for op in program:
        if op.startswith("x"):
            stack.append(x[int(op[1:])])
        elif op == "dup":
            stack.append(stack[-1])
        else:
            b = stack.pop()
            a = stack.pop()
            if op == "add":
                stack.append(a + b)
            elif op == "sub":
                stack.append(a - b)
            else:
                stack.append(a * b)
    return stack.pop()


def params_by_string_keys(theta):
    """A model whose parameters live in a dict under dotted string keys, built by slicing a
    flat vector with shapes from a list of (name, shape)."""
    spec = [("layer1.weight", (2, 3)), ("layer1.bias", (2,)), ("out.weight", (1, 2))]
    params = {}
    i = 0
    for name, shape in spec:
        size = int(np.prod(shape))
        params[name] = theta[i:i + size].reshape(shape)
        i += size
    x = np.array([0.5, -1.0, 0.3])
    h = np.tanh(params["layer1.weight"] @ x + params["layer1.bias"])
    out = params["out.weight"] @ h
    return float(out[0]) ** 2 + sum(np.sum(v ** 2) for k, v in params.items() if k.endswith("bias"))


def queue_of_arrays(x):
    """A FIFO of arrays: pop(0) the oldest, append the processed; the survivors summed."""
    q = [x[:2], x[1:3], x[2:]]
    for _ in range(4):
        a = q.pop(0)
        q.append(np.tanh(a * 1.5) + a[::-1])
    return sum(np.sum(a ** 2) for a in q)


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, t):
        out = 0.0
        for c in self.coeffs[::-1]:
            out = out * t + c
        return out

    def derivative(self):
        n = len(self.coeffs)
        return Polynomial(self.coeffs[1:] * np.arange(1, n))


def polynomial_class(c):
    """A small class: a polynomial evaluated by Horner in __call__, its derivative a new
    object."""
    p = Polynomial(c)
    dp = p.derivative()
    return p(0.7) + dp(-0.3) ** 2


class RunningStats:
    def __init__(self):
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def push(self, x):
        self.n += 1
        d = x - self.mean
        self.mean += d / self.n
        self.m2 += d * (x - self.mean)

    def variance(self):
        return self.m2 / (self.n - 1)


def welford_class(x):
    """Welford's running variance in a class whose method updates attributes in place."""
    s = RunningStats()
    for v in x:
        s.push(v)
    return s.variance() + s.mean ** 2


def make_scaled_loss(scale, power):
    def loss(v):
        return scale * np.sum(np.abs(v) ** power)
    return loss


def closure_factory_losses(x):
    """Losses made by a factory returning closures, kept in a dict and summed by name."""
    losses = {"l1": make_scaled_loss(0.5, 1), "l3": make_scaled_loss(0.1, 3)}
    total = 0.0
    for name in ("l1", "l3"):
        total += losses[name](x - 0.2)
    return total


def tuple_swap_unpack(x):
    """Tuples unpacked and swapped (`a, b = b, a + b`), a Fibonacci-like recurrence, and a
    starred unpack of an array."""
    a, b = x[0], x[1]
    for _ in range(6):
        a, b = b, a + 0.5 * b * b
    first, *rest = x
    return a + b * first + np.sum(np.array(rest) ** 2)


# --- in-place updates and broadcasting corners ------------------------------------------------
def slice_assign_blocks(x):
    """Blocks of a matrix written by slice assignment from x, with a negative-step slice and
    an in-place multiply of a column."""
    M = np.zeros((3, 4))
    M[0, :3] = x
    M[1:, 1:] = np.outer(x[:2], x)
    M[:, -1] *= 2.0
    M[2, ::-1] += x[0]
    return np.sum(M ** 2) + np.sum(M[:, 0] * M[:, 2])


def mask_assign_scaled(x):
    """`x[mask] *= c` and `x[mask] = expr` on a copy, the masks from comparisons."""
    y = x.copy()
    y[y > 0] *= 2.0
    y[y < -0.5] = np.sqrt(-y[y < -0.5])
    return np.sum(y ** 2)


def row_vector_vs_flat(x):
    """Shapes (1, n) against (n,) and (n, 1): an outer sum by broadcasting, keepdims sums,
    a 0-d array from np.sum mixed with floats."""
    r = x.reshape(1, -1)
    c = x[:, None]
    M = r + c * 0.5
    s0 = np.sum(M, axis=0, keepdims=True)
    s1 = np.sum(M, axis=1)
    tot = np.array(np.sum(M))
    return float(tot) * 0.1 + np.sum(s0 * r) + np.sum(s1 ** 2) + (tot * 2.0).item()


def negative_axis_reductions(A):
    """Reductions with negative axes (-1, -2), a tuple of axes, and np.mean over -1 of a
    moveaxis'd 3-D stack."""
    B = np.stack([A, A ** 2], axis=-1)
    m = B.mean(axis=-1)
    s = np.sum(B, axis=(-3, -1))
    C = np.moveaxis(B, -1, 0)
    return np.sum(m ** 2) + np.sum(s * np.arange(3)) + np.sum(np.max(C, axis=-2))


def reshape_transpose_chain(x):
    """reshape/transpose/swapaxes/moveaxis chains, ravel in Fortran order."""
    a = x.reshape(2, 3, 2)
    b = a.transpose(2, 0, 1)
    c = np.swapaxes(b, 0, 2).reshape(3, -1)
    d = np.moveaxis(a, 0, -1).ravel(order="F")
    return np.sum(c * np.arange(12.0).reshape(3, 4)) + np.sum(d[::3] ** 2)


def clip_ties(x):
    """np.maximum at a tie (half to each side, as central differences see it) and x*|x| at
    zero (differentiable there); np.clip away from its bounds (at a bound srcdiff takes the
    inside's derivative, a one-sided convention central differences do not see)."""
    return (np.sum(np.clip(x, -1.0, 1.0) ** 2) + np.sum(np.maximum(x, 0.5))
            + np.sum(np.abs(x) * x))


def integer_bool_intermediates(x):
    """Integer and boolean arrays in the middle: counts of positives, argmax as an index,
    a boolean cast to float times x."""
    pos = x > 0
    n_pos = np.count_nonzero(pos)
    i = np.argmax(x)
    w = pos.astype(float) + np.arange(len(x)) % 2
    return np.sum(w * x ** 2) / (n_pos + 1) + x[i] ** 3 + np.sum(x[np.nonzero(pos)])


def zero_d_arrays(x):
    """0-d arrays: np.array(x_i), np.float64, .item(), and a 0-d array used as an index
    source."""
    a = np.array(x[0])
    b = np.float64(x[1])
    c = a * b + np.sqrt(a ** 2 + 1.0)
    d = np.asarray(c)[()]
    return d + float(np.dot(x, x)) + np.sum(x * a)


def cumulative_ops(x):
    """cumsum over a negative axis, cumprod, np.diff with prepend, and a running max via
    np.maximum.accumulate."""
    M = np.vstack([x, x ** 2])
    cs = np.cumsum(M, axis=-1)
    cp = np.cumprod(1.0 + 0.1 * x)
    d = np.diff(x, prepend=0.0)
    rm = np.maximum.accumulate(x)
    return np.sum(cs ** 2) + np.sum(cp) + np.sum(d ** 3) + np.sum(rm)


def where_with_scalar_branches(x):
    """np.where with a scalar branch and a broadcast (1, n) branch; np.select of three
    conditions."""
    a = np.where(x > 0.3, x ** 2, 0.0)
    b = np.where(x[:, None] > x[None, :], x[None, :], 1.0)
    c = np.select([x < -0.5, x < 0.5], [-x, x ** 3], default=np.sin(x))
    return np.sum(a) + np.sum(b ** 2) + np.sum(c)


def sort_partition_topk(x):
    """The mean of the top three by np.sort with a negative step, np.partition for the
    median, np.take with an index array."""
    top = np.sort(x)[::-1][:3]
    med = np.partition(x, len(x) // 2)[len(x) // 2]
    idx = np.array([0, 2, 2, 4])
    return np.mean(top) * med + np.sum(np.take(x, idx) ** 2)


def float_scalar_mix(x):
    """Python floats and NumPy scalars mixed: float(x[i]), math functions of items, the
    items combined in a list and np.array'd back."""
    a = float(x[0])
    b = math.exp(a) + math.tanh(float(x[1]))
    vals = [b, a * b, x[2] * 2.0]
    arr = np.array(vals)
    return np.sum(arr ** 2) + math.hypot(a, b)


def list_of_arrays_pop_accumulate(x):
    """Arrays appended to a list in a loop, the last two popped and combined until one is
    left (a reduction by pops)."""
    items = []
    for k in range(4):
        items.append(x * (k + 1) + np.roll(x, k))
    while len(items) > 1:
        a = items.pop()
        b = items.pop()
        items.append(np.sqrt(a * a + b * b + 1.0))
    return np.sum(items[0])


def augmented_assign_item_chain(x):
    """Items of an array updated by every augmented operator in a loop."""
    y = np.ones(4)
    for i in range(4):
        y[i] += x[i]
        y[i] *= x[(i + 1) % 4]
        y[i] -= 0.5 * x[i] ** 2
        y[i] /= 1.0 + x[i] ** 2
        y[i] **= 2
    return np.sum(y)


def kronecker_and_tile(x):
    """np.kron, np.tile and np.repeat of a parameter vector."""
    K = np.kron(x[:2], np.array([1.0, -1.0, 0.5]))
    T = np.tile(x, (2, 1))
    R = np.repeat(x, [1, 2, 3])
    return np.sum(K ** 2) + np.sum(T * np.arange(6).reshape(2, 3)) + np.sum(R ** 3)


def triangular_masks(A):
    """np.triu/np.tril with offsets, np.diag of a vector and of a matrix with an offset,
    np.trace with an offset."""
    U = np.triu(A, 1)
    L = np.tril(A, -1)
    D = np.diag(np.diag(A))
    return (np.sum((U - L.T) ** 2) + np.sum(D * A) + np.sum(np.diag(A, k=1) ** 3)
            + np.trace(A @ A, offset=-1))


def softmax_temperature_classes(logits):
    """A small class holding a temperature, its method a softmax with keepdims over axis=-1,
    called on a 2-D batch."""
    class Softmax:
        def __init__(self, t):
            self.t = t

        def __call__(self, z):
            z = z / self.t
            z = z - z.max(axis=-1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=-1, keepdims=True)
    sm = Softmax(0.5)
    p = sm(logits)
    return np.sum(p * np.arange(p.size).reshape(p.shape))


def hmm_viterbi_free_posterior(log_emit):
    """Forward-backward posteriors of a 2-state HMM with arrays of messages filled row by
    row (forward) and in reverse (backward), posteriors normalised over axis 1."""
    A = np.array([[0.9, 0.1], [0.2, 0.8]])
    emit = np.exp(log_emit)
    T = len(emit)
    fw = np.zeros((T, 2))
    bw = np.ones((T, 2))
    fw[0] = 0.5 * emit[0]
    fw[0] /= fw[0].sum()
    for t in range(1, T):
        fw[t] = (fw[t - 1] @ A) * emit[t]
        fw[t] /= fw[t].sum()
    for t in range(T - 2, -1, -1):
        bw[t] = A @ (emit[t + 1] * bw[t + 1])
        bw[t] /= bw[t].sum()
    post = fw * bw
    post /= post.sum(axis=1, keepdims=True)
    return np.sum(post[:, 0] * np.arange(T))


def simpson_integral(a):
    """Simpson's rule with weights built by slice assignment with a step, of a function of
    the parameter."""
    xs = np.linspace(0.0, 1.0, 9)
    w = np.ones(9)
    w[1:-1:2] = 4.0
    w[2:-1:2] = 2.0
    f = np.exp(-a * xs ** 2) * np.cos(a * xs)
    return (xs[1] - xs[0]) / 3.0 * np.sum(w * f)


def piecewise_linear_interp_search(x, knots=np.array([0.0, 0.5, 1.0, 2.0]),
                                   vals=np.array([1.0, 0.2, 0.8, -0.5])):
    """Piecewise linear interpolation by a hand search (np.searchsorted) and a slope, in
    the query points."""
    i = np.clip(np.searchsorted(knots, x) - 1, 0, len(knots) - 2)
    t = (x - knots[i]) / (knots[i + 1] - knots[i])
    y = vals[i] * (1 - t) + vals[i + 1] * t
    return np.sum(y ** 2 + x * y)


# --- second batch: aliasing, repeated indices, views written, swaps -------------------------
def swap_items_tuple(x):
    """Two items swapped by a tuple assignment `y[i], y[j] = y[j], y[i]` (a bubble sort
    pass), values read after."""
    y = x.copy()
    for i in range(len(y) - 1):
        if y[i] > y[i + 1]:
            y[i], y[i + 1] = y[i + 1], y[i]
    return np.sum(y * np.arange(1.0, len(y) + 1)) + y[-1] ** 2


def swap_rows_tuple(A):
    """Two rows swapped by `B[[0, 2]] = B[[2, 0]]` (fancy indices copy), and columns by a
    tuple of copies."""
    B = A.copy()
    B[[0, 2]] = B[[2, 0]]
    B[:, 0], B[:, 1] = B[:, 1].copy(), B[:, 0].copy()
    return np.sum(B * np.arange(9.0).reshape(3, 3)) + np.sum(B[0] ** 3)


def overlapping_shift_assign(x):
    """`y[1:] = y[:-1]` (overlapping: NumPy copies the right side first), then
    `y[:-1] += y[1:]`."""
    y = x * 1.0
    y[1:] = y[:-1]
    y[:-1] += y[1:]
    return np.sum(y ** 2 * np.arange(1.0, len(y) + 1))


def repeated_index_add(x, idx=np.array([0, 2, 2, 1, 0, 0])):
    """np.add.at with repeated indices, against `acc[idx] += v` (NumPy adds once per
    distinct index: the last write wins)."""
    acc = np.zeros(3)
    np.add.at(acc, idx, x)
    acc2 = np.zeros(3)
    acc2[idx] += x
    return np.sum(acc ** 2) + np.sum(acc2 * np.array([1.0, 2.0, 3.0]))


def repeated_index_read(x):
    """Fancy reads with repeated and negative indices, and a gather by a 2-D index
    array."""
    idx = np.array([0, -1, 0, 2, -2])
    a = x[idx]
    G = x[np.array([[0, 1], [1, 1], [3, 0]])]
    return np.sum(a ** 3) + np.sum(G[:, 0] * G[:, 1])


def bincount_weights(x, labels=np.array([0, 2, 1, 2, 0])):
    """Group sums by np.bincount with weights, group means by dividing by counts."""
    sums = np.bincount(labels, weights=x, minlength=3)
    counts = np.bincount(labels, minlength=3)
    means = sums / counts
    return np.sum(means ** 2) + np.sum((x - means[labels]) ** 2)


def view_written_then_base_read(x):
    """A reshaped view of a fresh array written in place (v[0] += ...), the base read after:
    both change."""
    base = np.outer(x, np.array([1.0, 2.0]))
    v = base.reshape(-1)
    v[0] += x[1] ** 2
    v[-1] *= 3.0
    return np.sum(base ** 2)


def diagonal_filled(A):
    """np.fill_diagonal on a copy, then A's diagonal read through np.diagonal and
    np.diag_indices."""
    B = A.copy()
    np.fill_diagonal(B, 1.0)
    di = np.diag_indices(3)
    return np.sum(B ** 2) + np.sum(np.diagonal(A) ** 3) + np.sum(A[di] * B[0])


def sorted_in_place(x):
    """y.sort() in place on a copy, then quantiles of the sorted values read by index."""
    y = x.copy()
    y.sort()
    q1 = y[len(y) // 4]
    q3 = y[3 * len(y) // 4]
    return (q3 - q1) ** 2 + np.sum(y * np.arange(len(y)))


def out_arguments(x):
    """ufuncs with out= into a preallocated array and into a slice of it."""
    buf = np.empty(len(x))
    np.exp(x, out=buf)
    np.multiply(buf[:2], x[:2], out=buf[:2])
    res = np.add(buf, 1.0, out=buf)
    return np.sum(res ** 2)


def reversed_list_and_slices(x):
    """reversed() of a list of items, a list sliced with a step, a list extended by +=."""
    items = [x[i] * (i + 1) for i in range(len(x))]
    rev = list(reversed(items))
    evens = items[::2]
    items += [v ** 2 for v in evens]
    return sum(a * b for a, b in zip(rev, items)) + sum(items[-2:])


def elementwise_library(x):
    """Less common elementwise functions: logaddexp, log1p, expm1, arctan2, sinc, hypot,
    cbrt, deg2rad, heaviside-free sign."""
    y = x + 0.1
    return np.sum(np.logaddexp(x, 2 * y) + np.log1p(y ** 2) + np.expm1(0.3 * x)
                  + np.arctan2(x, 1.5 + y ** 2) + np.sinc(x) + np.hypot(x, 1.0)
                  + np.cbrt(y + 3.0) + np.deg2rad(x) * np.sign(y))


def float_mod_floor(x):
    """Float modulo and floor division: the angle wrapped by % (derivative 1 away from the
    wrap), a period count by // (zero)."""
    wrapped = (x + np.pi) % (2 * np.pi) - np.pi
    turns = x // (2 * np.pi)
    return np.sum(np.sin(wrapped) * wrapped) + np.sum(turns * x)


def positional_axis_reductions(A):
    """Reductions with the axis given by position (A.sum(0), np.max(A, 1), A.mean(-1),
    np.std(A, 0, ddof=1)) and ptp."""
    return (np.sum(A.sum(0) ** 2) + np.sum(np.max(A, 1)) + np.sum(A.mean(-1) ** 3)
            + np.sum(np.std(A, 0, ddof=1)) + np.sum(np.ptp(A, axis=-1)))


def norms_with_axes(A):
    """np.linalg.norm over an axis with keepdims, the nuclear and spectral norms."""
    rn = np.linalg.norm(A, axis=1, keepdims=True)
    U = A / rn
    return np.sum(U * np.arange(9.0).reshape(3, 3)) + np.linalg.norm(A, "nuc") + \
        np.linalg.norm(A, 2)


def eigh_spectrum(A):
    """Symmetric eigendecomposition of A + A': the sum of exp of eigenvalues (the trace of
    expm) and the top eigenvector's squared first entry."""
    S = 0.5 * (A + A.T)
    w, V = np.linalg.eigh(S)
    return np.sum(np.exp(w)) + V[0, -1] ** 2


def svd_low_rank(A):
    """A rank-1 approximation by SVD, reconstructed with broadcasting of s[:, None]."""
    U, s, Vt = np.linalg.svd(A)
    approx = (U[:, :1] * s[:1]) @ Vt[:1]
    return np.sum((A - approx) ** 2) + s[0]


def flip_rot(A):
    """np.flip, np.fliplr, np.rot90 with k, and np.flipud of a parameter."""
    return (np.sum(np.flip(A) * A) + np.sum(np.fliplr(A)[0] ** 2)
            + np.sum(np.rot90(A, 2) * np.rot90(A)) + np.sum(np.flipud(A)[:, 0] ** 3))


def trapezoid_integral(y):
    """Trapezoids written by hand with np.diff of the grid and mean of neighbours."""
    xs = np.array([0.0, 0.1, 0.3, 0.6, 1.0])
    return np.sum(np.diff(xs) * (y[1:] + y[:-1]) / 2.0) + np.sum(np.diff(y) ** 2)


def power_both_arrays(x):
    """x ** y with both arrays, np.power with an integer array exponent, a ** x with a
    scalar base."""
    y = np.array([1.5, 2.0, 0.5])
    k = np.array([1, 2, 3])
    return np.sum(np.abs(x) ** y) + np.sum(np.power(x, k)) + np.sum(2.0 ** x) + \
        np.sum((x + 2.0) ** (x * 0.5))


def global_counter_list(x):
    """A module-level list of weights read in a loop (never written), zip of it with a
    list of expressions."""
    feats = [x[0], x[1] ** 2, np.sin(x[2]), x[0] * x[2]]
    return sum(w * f for w, f in zip(WEIGHTS4, feats))


WEIGHTS4 = [0.5, -1.0, 2.0, 0.25]


def accumulator_aliased(x):
    """`total = acc` binds a second name to an array, `acc += ...` changes both; read both
    after."""
    acc = np.zeros(3)
    total = acc
    for i in range(3):
        acc += x * (i + 1)
    return np.sum(total ** 2) + np.sum(acc)


def list_of_rows_mutated(A):
    """A list of A's rows (copies), each scaled in place in a loop, then stacked."""
    rows = [A[i].copy() for i in range(A.shape[0])]
    for i, r in enumerate(rows):
        r *= (i + 1.0)
        r[0] += r[-1]
    return np.sum(np.vstack(rows) ** 2)


def dict_of_arrays_inplace(x):
    """Arrays held in a dict under string keys updated in place through the dict
    (`d["a"] += ...`, `d["b"][1:] *= ...`)."""
    d = {"a": x.copy(), "b": x ** 2}
    d["a"] += 1.0
    d["b"][1:] *= d["a"][:-1]
    d["c"] = d["a"] * d["b"]
    return sum(np.sum(v) for v in d.values())


def while_with_pop_and_condition(x):
    """A worklist processed by pop() in a while loop whose test reads the values; pushes
    halves of large values back."""
    work = [x[0], x[1], x[2]]
    out = 0.0
    n = 0
    while work and n < 20:
        v = work.pop()
        if v > 0.6:
            work.append(v * 0.5)
            work.append(v * 0.3)
        else:
            out = out + v ** 2
        n += 1
    return out


def recursive_matrix_det(A):
    """The determinant by cofactor expansion along the first row, recursive on minors made
    by np.delete."""
    def det(M):
        if M.shape[0] == 1:
            return M[0, 0]
        total = 0.0
        for j in range(M.shape[0]):
            minor = np.delete(np.delete(M, 0, axis=0), j, axis=1)
            total = total + (-1) ** j * M[0, j] * det(minor)
        return total
    return det(A)


def kmeans_fixed_assign(X):
    """Two steps of k-means: assignments by argmin of distances (integer), centres as
    masked means; the inertia returned."""
    C = X[:2].copy()
    for _ in range(2):
        D = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)
        lab = np.argmin(D, axis=1)
        for k in range(2):
            C[k] = X[lab == k].mean(axis=0)
    D = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)
    return np.sum(np.min(D, axis=1))


def take_along_axis_topk(S):
    """The largest entry of each row picked by np.take_along_axis with argsort indices,
    and put back into zeros by np.put_along_axis."""
    idx = np.argsort(S, axis=1)[:, -2:]
    top = np.take_along_axis(S, idx, axis=1)
    Z = np.zeros_like(S)
    np.put_along_axis(Z, idx, top ** 2, axis=1)
    return np.sum(top * np.array([1.0, 2.0])) + np.sum(Z * S)


def meshgrid_field(p):
    """A field on a grid by np.meshgrid with indexing='ij', its integral by sums."""
    xs = np.linspace(-1, 1, 4)
    ys = np.linspace(0, 1, 3)
    Xg, Yg = np.meshgrid(xs, ys, indexing="ij")
    F = np.exp(-p[0] * Xg ** 2 - p[1] * (Yg - 0.5) ** 2)
    return np.sum(F) * (xs[1] - xs[0]) * (ys[1] - ys[0]) + np.sum(F[:, -1] ** 2)


def complex_roundtrip(x):
    """Complex numbers in the middle: a phasor, its real and imaginary parts and conj."""
    z = x[0] * np.exp(1j * x[1]) + x[2]
    w = z * np.conj(z) + z ** 2
    return np.real(w) + np.imag(z) ** 2 + np.abs(z)


def where_nan_guard(x):
    """The double-where trick: a safe log where x <= 0 is masked out before the log, so
    no nan reaches the gradient."""
    safe = np.where(x > 0, x, 1.0)
    return np.sum(np.where(x > 0, np.log(safe), 0.0)) + np.sum(x ** 2)


def einsum_repeated_and_diag(A):
    """einsum taking the diagonal ("ii->i"), an outer product ("i,j->ij"), a transpose
    ("ij->ji") and a contraction with itself."""
    d = np.einsum("ii->i", A)
    O = np.einsum("i,j->ij", d, A[0])
    T = np.einsum("ij->ji", A)
    return np.sum(O * T) + np.einsum("ij,ij->", A, A) + np.sum(d ** 3)


def stack_split_concat(x):
    """np.split into three, np.array_split uneven, np.concatenate with axis=None and
    hstack of 0-d pieces."""
    a, b, c = np.split(x, 3)
    parts = np.array_split(x, 4)
    flat = np.concatenate([a[None], b[None]], axis=None)
    h = np.hstack([np.sum(a), np.sum(c * b)])
    return np.sum(flat ** 2) + sum(np.sum(p ** 3) for p in parts) + np.sum(h ** 2)


# --- third batch: aliases made by views and by Python, builtins over arrays ------------------
def rows_scaled_through_loop_name(A):
    """Each row copy in a list scaled in place through the loop's name (`for r in rows:
    r *= c`): the list's items change."""
    rows = [A[i].copy() for i in range(A.shape[0])]
    for i, r in enumerate(rows):
        r *= (i + 1.0)
    return np.sum(np.vstack(rows) ** 2)


def full_slice_view_written(A):
    """`C = B[:]` is a view of an array (not a copy as for lists): writing C changes B."""
    B = A.copy()
    C = B[:]
    C[0] = A[1] * 2.0
    return np.sum(B ** 2 * np.arange(9.0).reshape(3, 3))


def ravel_vs_flatten_written(A):
    """flatten() copies (B unchanged), ravel() of a contiguous array is a view (B changes)."""
    B = A.copy()
    f = B.flatten()
    f[0] = 10.0
    r = B.ravel()
    r[1] = A[2, 2] ** 2
    return np.sum(B ** 2) + np.sum(f)


def chained_assignment_shared(x):
    """`a = b = np.zeros(3)` binds two names to one array: writing a changes b."""
    a = b = np.zeros(3)
    a[0] = x[0] ** 2
    a[1:] = x[1:] * 3.0
    return np.sum(b * np.array([1.0, 2.0, 3.0])) + np.sum(a)


def list_times_shared_rows(x):
    """`[np.zeros(2)] * 3` holds one array three times: writing one item writes all."""
    rows = [np.zeros(2)] * 3
    rows[0][0] = x[0]
    rows[1][1] = x[1] ** 2
    return sum(np.sum(r * (i + 1)) for i, r in enumerate(rows))


def self_transpose_add(A):
    """`B += B.T` (NumPy buffers the overlap: B + B' of the old B), and `x += x[::-1]`."""
    B = A.copy()
    B += B.T
    x = A[0].copy()
    x += x[::-1]
    return np.sum(B ** 2 * np.arange(9.0).reshape(3, 3)) + np.sum(x ** 3)


def overlapping_inplace_subtract(x):
    """`y[1:] -= y[:-1]` (overlapping operands in place: NumPy reads the old values)."""
    y = x.copy()
    y[1:] -= y[:-1]
    return np.sum(y ** 2 * np.arange(1.0, len(y) + 1))


def helper_mutates_argument(x):
    """A helper normalising its argument in place (`v /= v.sum()`), called on a copy, the
    copy read after."""
    def normalize_(v):
        v /= np.sum(v)
    w = np.exp(x)
    normalize_(w)
    return np.sum(w * np.arange(len(w)))


def helper_appends_to_list(x):
    """A helper appending to a list it is passed; the list read after."""
    def push_features(out, v):
        out.append(v ** 2)
        out.append(np.sin(v))
    feats = []
    for i in range(len(x)):
        push_features(feats, x[i])
    return sum(f * (k + 1) for k, f in enumerate(feats))


class SGDModel:
    def __init__(self, w):
        self.w = w.copy()

    def step(self, g, lr=0.1):
        self.w -= lr * g

    def loss(self, X, y):
        return np.sum((X @ self.w - y) ** 2)


def class_inplace_sgd(w):
    """A class whose method updates an array attribute in place (`self.w -= lr * g`),
    the gradient written by hand."""
    X = np.array([[1.0, 0.5], [0.2, -0.3], [0.7, 1.1]])
    y = np.array([0.5, -0.2, 1.0])
    m = SGDModel(w)
    for _ in range(4):
        g = 2 * X.T @ (X @ m.w - y)
        m.step(g, lr=0.05)
    return m.loss(X, y)


def python_builtins_over_array(x):
    """Python's sum/max/min/sorted over a 1-D array (its items), sum with a start value."""
    s = sum(x)
    m = max(x)
    lo = min(x)
    srt = sorted(x)
    tot = sum([x, x ** 2], np.zeros(len(x)))
    return s * m + lo ** 2 + srt[1] * 3.0 + np.sum(tot ** 2)


def python_sum_over_matrix_rows(A):
    """Python's sum over a 2-D array adds its rows; zip(*A) goes through its columns."""
    r = sum(A)
    cols = [np.array(c) for c in zip(*A)]
    return np.sum(r ** 2) + sum(np.sum(c * (i + 1)) for i, c in enumerate(cols))


def star_unpack_array(x):
    """An array unpacked into a call's arguments (`f(*x)`) and into names (`a, b, c = x`)."""
    def f(a, b, c):
        return a * b + np.cos(c)
    a, b, c = x
    return f(*x) + f(c, a, b) ** 2


def or_default_values(x):
    """`or` choosing a value (`s = cfg.get("scale") or x[1]`), `and` returning an operand,
    a conditional expression in a comprehension."""
    cfg = {"scale": None, "shift": 0.5}
    scale = cfg.get("scale") or x[1]
    shift = cfg.get("shift") or x[2]
    vals = [v if v > 0 else -2.0 * v for v in x]
    pick = (x[0] > 0) and x[2]
    return scale * shift + sum(vals) + pick * 3.0


def walrus_and_continue(x):
    """A while loop with continue, and the walrus operator in a condition."""
    i = -1
    acc = 0.0
    while (i := i + 1) < len(x):
        if (v := x[i] ** 2) < 0.2:
            continue
        acc += v * np.exp(-x[i])
    return acc


def chained_comparisons(x):
    """Chained comparisons (`0 < v < 1`) choosing the piece, any()/all() in a test."""
    total = 0.0
    for v in x:
        if 0.0 < v < 1.0:
            total += v ** 2
        elif -1.0 < v <= 0.0:
            total += np.sin(v)
        else:
            total += 0.5 * v
    if all(x > -2.0) and any(x > 1.0):
        total = total * 2.0
    return total


def match_statement(x):
    """A match statement on a string mode chosen in a loop."""
    total = 0.0
    for mode in ("square", "sine", "cube", "other"):
        match mode:
            case "square":
                total += np.sum(x ** 2)
            case "sine":
                total += np.sum(np.sin(x))
            case "cube":
                total += np.sum(x ** 3)
            case _:
                total += x[0]
    return total


def generator_function_yield(x):
    """A generator function yielding running products, consumed by a for loop."""
    def running(v):
        p = 1.0
        for item in v:
            p = p * item
            yield p
    return sum(r ** 2 for r in running(x)) + max(running(x * 0.5))


def functools_reduce_map(x):
    """functools.reduce with a lambda, map with a named function, filter with a lambda."""
    import functools
    prod = functools.reduce(lambda a, b: a * b + 0.1, x)
    sq = list(map(np.square, x))
    pos = list(filter(lambda v: v > 0, x))
    return prod + sum(sq) + sum(p ** 3 for p in pos)


def method_forms(A):
    """Array methods instead of functions: clip, cumsum(axis), prod, dot, var(ddof),
    std(axis), trace, diagonal, squeeze, min(axis), argmax-picked item."""
    v = A[:, :1]
    return (np.sum(A.clip(-0.2, 1.6)) + np.sum(A.cumsum(axis=-1) ** 2) + A[0].prod()
            + A[0].dot(A[1]) + A.var(ddof=1) + np.sum(A.std(axis=0)) + A.trace()
            + np.sum(A.diagonal() ** 3) + np.sum(v.squeeze() ** 2) + np.sum(A.min(axis=1))
            + A.ravel()[A.argmax()])


def fill_and_copyto(x):
    """y.fill(v) of a traced value, np.copyto into a slice, np.put at indices."""
    y = np.empty(4)
    y.fill(x[0])
    np.copyto(y[1:3], x[1:] ** 2)
    np.put(y, [3], x[2] * 5.0)
    return np.sum(y ** 2 * np.arange(1.0, 5.0))


def enumerate_start_and_reverse_range(x):
    """enumerate with start=1, a reversed range with negative step over items, indices
    counted from the end."""
    s = 0.0
    for k, v in enumerate(x, start=1):
        s += k * v ** 2
    for i in range(len(x) - 1, -1, -1):
        s = s * 0.5 + x[i] * x[-1 - i]
    return s


def nonlocal_array_closure(x):
    """A closure that updates an array of the enclosing function in place (no nonlocal
    needed for an item write) and one that rebinds a float with nonlocal."""
    buf = np.zeros(3)
    count = 0.0

    def add(v, i):
        buf[i] += v

    def bump(v):
        nonlocal count
        count = count + v

    for i in range(3):
        add(x[i] ** 2, i)
        bump(x[i])
    return np.sum(buf * np.array([1.0, 2.0, 3.0])) + count ** 2


def vectorize_scalar_fn(x):
    """A scalar Python function with branches applied by np.vectorize."""
    def piece(v):
        if v > 0:
            return v ** 2
        return math.sin(v)
    return np.sum(np.vectorize(piece)(x))


def astype_int_and_back(x):
    """Integer casts in the middle (bins of x), float casts back, and an integer power of
    a float."""
    bins = (x * 2).astype(int)
    frac = x * 2 - bins
    return np.sum(frac ** 2) + np.sum(bins.astype(float) * x)


def array_of_list_of_arrays(x):
    """np.array of a list of arrays (stacked), np.asarray of a list of scalars, a nested
    list display."""
    M = np.array([x, x ** 2, np.sin(x)])
    v = np.asarray([x[0], x[1] * x[2]])
    N = np.array([[x[0], 1.0], [2.0, x[1]]])
    return np.sum(M @ x) + np.sum(v ** 2) + np.linalg.det(N)


# --- fourth batch: writes that broadcast, double subscripts, fancy and mixed indexing --------
W34 = np.arange(12.0).reshape(3, 4) / 7.0


def broadcast_setitem_rows(x):
    """A vector written into two rows at once (`A[[0, 2]] = x`), a number into a masked
    set (`A[mask] = x[0]`), a row into a column block by broadcasting (`A[:, 1:3] = x[:2]`)."""
    A = np.ones((3, 4))
    A[[0, 2]] = x
    A[W34 > 1.0] = x[0] ** 2
    A[1, 1:3] = x[:2] * 3.0
    return np.sum(A ** 2 * W34)


def broadcast_inplace_adds(x):
    """In-place adds that broadcast the right side: `A[0:2] += x`, `A[:, 1] += x[0]`,
    `A[..., -1] *= x[1]`, `A += x[None, :]`."""
    A = W34.copy()
    A[0:2] += x
    A[:, 1] += x[0]
    A[..., -1] *= x[1]
    A += x[None, :] ** 2
    return np.sum(A ** 2)


def double_subscript_writes(x):
    """`A[i][j] = v` and `A[i][j] += v` (A[i] is a view: A changes), in loops."""
    A = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            A[i][j] = x[i] * x[j]
    for i in range(3):
        A[i][i] += x[i]
    return np.sum(A ** 2 * np.arange(9.0).reshape(3, 3))


def fancy_then_subscript_write(x):
    """`A[[0, 1]][0] = v` writes into a copy (A unchanged), `A[:, 0][1] = v` into a view
    (A changes)."""
    A = np.outer(x, x)
    A[[0, 1]][0] = 100.0
    A[:, 0][1] = x[2] ** 3
    A[A > 0.1][0] = 5.0
    return np.sum(A * np.arange(9.0).reshape(3, 3))


def transposed_inplace(A):
    """`B.T[0] += v` changes B's first column; `B.T[:, 1] = w` its second row."""
    B = A.copy()
    B.T[0] += A[0] ** 2
    B.T[:, 1] = A[2] * 2.0
    return np.sum(B ** 2 * np.arange(9.0).reshape(3, 3))


def mixed_fancy_indexing(A):
    """Pairwise fancy indices, np.ix_ cross products, a slice with a fancy list, a
    boolean list on an axis, triu_indices."""
    a = A[[0, 1], [1, 2]]
    b = A[np.ix_([0, 2], [1, 2])]
    c = A[1:, [0, 2]]
    d = A[:, [True, False, True]]
    e = A[np.triu_indices(3, 1)]
    return np.sum(a ** 2) + np.sum(b * c) + np.sum(d ** 3) + np.sum(e * np.array([1.0, 2.0, 3.0]))


def mixed_fancy_writes(x):
    """Writes through np.ix_, pairwise indices, triu_indices and a boolean 2-D mask."""
    A = np.zeros((3, 3))
    A[np.ix_([0, 2], [0, 1])] = np.outer(x[:2], x[1:])
    A[[1, 2], [2, 0]] += x[0]
    A[np.triu_indices(3, 1)] *= 2.0
    A[A < 0] = 0.5 * A[A < 0]
    return np.sum(A ** 2 * np.arange(1.0, 10.0).reshape(3, 3))


def ufunc_methods(x):
    """ufunc methods: np.add.reduce over an axis, np.multiply.reduce, np.add.outer,
    np.subtract.outer, np.maximum.reduce."""
    M = np.add.outer(x, x ** 2)
    D = np.subtract.outer(x, x)
    return (np.sum(np.add.reduce(M, axis=0) ** 2) + np.multiply.reduce(x + 2.0)
            + np.sum(D ** 2) + np.maximum.reduce(x * np.array([1.0, 2.0, 0.5])))


def broadcast_to_and_expand(x):
    """np.broadcast_to, np.expand_dims with a tuple, np.atleast_2d and squeeze(axis=-1)."""
    B = np.broadcast_to(x, (4, 3))
    E = np.expand_dims(x, (0, 2))
    F = np.atleast_2d(x)
    S = np.squeeze(x[:, None], axis=-1)
    return (np.sum(B * np.arange(12.0).reshape(4, 3)) + np.sum(E ** 2) + np.sum(F @ F.T)
            + np.sum(S ** 3))


def products_family(A):
    """tensordot with axes lists and with an integer, inner, outer of 2-D arrays (they are
    flattened), vdot of 2-D arrays, cross, multi_dot, matmul of a vector and a matrix."""
    v = A[0]
    return (np.sum(np.tensordot(A, A, axes=([1], [0]))) + np.tensordot(A, A.T, axes=2)
            + np.sum(np.inner(A, v)) + np.sum(np.outer(A[:2], v) ** 2) + np.vdot(A, A.T)
            + np.sum(np.cross(v, A[1]) ** 2) + np.sum(np.linalg.multi_dot([A, A.T, A]))
            + np.sum(np.matmul(v, A)))


def pad_modes(x):
    """np.pad in reflect, symmetric, wrap and constant modes (a traced constant value),
    with uneven widths."""
    a = np.pad(x, (2, 1), mode="reflect")
    b = np.pad(x, (1, 2), mode="symmetric")
    c = np.pad(x, 2, mode="wrap")
    d = np.pad(x, (1, 0), mode="constant", constant_values=0.5)
    return (np.sum(a * np.arange(len(a))) + np.sum(b ** 2 * np.arange(len(b)))
            + np.sum(c ** 3) + np.sum(d * np.arange(len(d))))


def roll_variants(A):
    """np.roll without an axis on a 2-D array (it rolls the flattened array), with tuples
    of shifts and axes."""
    a = np.roll(A, 2)
    b = np.roll(A, (1, -1), axis=(0, 1))
    return np.sum(a * np.arange(9.0).reshape(3, 3)) + np.sum(b ** 2 * A)


def nan_aware_reductions(x):
    """nansum, nanmean and nanmax of an array with a NaN placed in it by np.where."""
    y = np.where(np.arange(len(x)) == 1, np.nan, x)
    return np.nansum(y ** 2) + np.nanmean(y) * 2.0 + np.nanmax(y) + np.nanmin(y) ** 2


def average_axis_weights(A):
    """np.average over an axis with weights, var with a tuple of axes and keepdims."""
    w = np.array([0.2, 0.3, 0.5])
    a = np.average(A, axis=0, weights=w)
    v = np.var(A[None], axis=(1, 2), keepdims=True)
    return np.sum(a ** 2) + np.sum(v) + np.sum(np.average(A ** 2, axis=-1, weights=w * A[0]))


def diff_axis_append(A):
    """np.diff along axis 0 and along -1 with append, on a 2-D array."""
    d0 = np.diff(A, axis=0)
    d1 = np.diff(A, axis=-1, append=A[:, :1])
    return np.sum(d0 ** 2) + np.sum(d1 * np.arange(9.0).reshape(3, 3))


def flat_strided_write(A):
    """`B.flat[::4] = v` writes the diagonal of a 3x3; `B.flat[-1] += w`."""
    B = A.copy()
    B.flat[::4] = A[0] ** 2
    B.flat[-1] += A[1, 0]
    return np.sum(B ** 2 * np.arange(9.0).reshape(3, 3))


def sort_axis0_2d(A):
    """np.sort along axis 0 of a 2-D array, then np.argsort of a column used to permute
    rows."""
    S = np.sort(A, axis=0)
    order = np.argsort(A[:, 1])
    P = A[order]
    return np.sum(S * np.arange(9.0).reshape(3, 3)) + np.sum(P[0] ** 2) + np.sum(P[-1])


def zero_d_inplace_accumulator(x):
    """A 0-d array as an accumulator (`s = np.array(0.0); s += v`) shared with another
    name: both see the adds."""
    s = np.array(0.0)
    t = s
    for v in x:
        s += v * v
    return float(t) + float(s) * 0.5


def batched_linalg(S):
    """Batched solve with a (k, n, 1) right side, batched det/inv, trace over the last two
    axes."""
    B = np.stack([S @ S.T + np.eye(3), S.T @ S + np.eye(3)])
    rhs = np.ones((2, 3, 1))
    X = np.linalg.solve(B, rhs)
    tr = np.trace(B, axis1=1, axis2=2)
    return np.sum(X ** 2) + np.sum(np.linalg.det(B)) * 0.01 + np.sum(tr) + \
        np.sum(np.linalg.inv(B)[:, 0, 0])


def pinv_and_eig(A):
    """The pseudo-inverse of a tall matrix and eigenvalues of a nonsymmetric matrix
    (real here)."""
    T = np.vstack([A, A[:1] * 0.5])
    P = np.linalg.pinv(T)
    w = np.linalg.eigvals(A @ A.T + np.diag([0.0, 1.0, 2.0]))
    return np.sum(P ** 2) + np.sum(np.real(w) ** 2)


def diag_offsets_build(x):
    """A tridiagonal matrix built from np.diag with k=-1, 0, 1, then solved."""
    T = np.diag(x) * 4.0 + np.diag(x[:-1], k=1) + np.diag(np.ones(len(x) - 1), k=-1)
    return np.sum(np.linalg.solve(T, np.ones(len(x)))) + np.sum(np.diag(T, -1) * x[1:])


# --- fifth batch: late binding, library containers, classes with properties -----------------
def lambdas_late_binding(x):
    """Lambdas made in a comprehension without a default (all read the last k: late
    binding) and with one (each keeps its own k)."""
    late = [lambda v: v ** k for k in range(1, 4)]
    bound = [lambda v, k=k: v ** k for k in range(1, 4)]
    return sum(f(x[0]) for f in late) + sum(f(x[1]) for f in bound)


def closures_appended_in_loop(x):
    """Closures appended in a for loop reading the loop's variable (late binding: every
    one sees its last value) and a scale read through a default."""
    fs = []
    for k in range(3):
        def g(v):
            return v * x[k]
        fs.append(g)
    hs = []
    for k in range(3):
        def h(v, k=k):
            return v * x[k]
        hs.append(h)
    return sum(f(2.0) for f in fs) ** 2 + sum(h(1.5) ** 2 for h in hs)


def memo_recursion(x):
    """A recursive sequence with a memo dict keyed by int (later calls read stored
    values)."""
    memo = {}

    def a(n):
        if n in memo:
            return memo[n]
        if n < 2:
            out = x[n]
        else:
            out = a(n - 1) * 0.5 + np.sin(a(n - 2))
        memo[n] = out
        return out
    return a(6)


def deque_window(x):
    """A collections.deque with maxlen as a sliding window (the oldest dropped), averaged
    at each step."""
    from collections import deque
    win = deque(maxlen=3)
    out = 0.0
    for v in x:
        win.append(v)
        out = out + (sum(win) / len(win)) ** 2
    return out


def heapq_priorities(x):
    """heapq with traced priorities: the two smallest popped and combined (Huffman-like)."""
    import heapq
    heap = [(float(v) ** 2, i) for i, v in enumerate(x)]
    heapq.heapify(heap)
    total = 0.0
    while len(heap) > 1:
        a, i = heapq.heappop(heap)
        b, j = heapq.heappop(heap)
        total += a + b
        heapq.heappush(heap, (a + b, min(i, j)))
    return total


def itertools_combinations(x):
    """itertools.combinations and pairwise over the items of an array, accumulate of
    products."""
    import itertools
    pair_sum = sum(a * b for a, b in itertools.combinations(x, 2))
    steps = sum((b - a) ** 2 for a, b in itertools.pairwise(x))
    acc = list(itertools.accumulate(x, lambda s, v: s * v + 1.0))
    return pair_sum + steps + acc[-1]


class Shape:
    def __init__(self, sides):
        self.sides = sides

    @property
    def perimeter(self):
        return np.sum(self.sides)

    def area(self):
        raise NotImplementedError


class Rect(Shape):
    def __init__(self, w, h):
        super().__init__(np.array([w, h, w, h]))
        self.w = w
        self.h = h

    def area(self):
        return self.w * self.h


class Tri(Shape):
    def area(self):
        a, b, c = self.sides
        s = 0.5 * (a + b + c)
        return np.sqrt(s * (s - a) * (s - b) * (s - c))


def shapes_inheritance(x):
    """Subclasses with super().__init__, a property and an overridden method, in a list."""
    shapes = [Rect(x[0], x[1]), Tri(np.array([x[0] + 2.0, x[1] + 2.0, x[2] + 2.0]))]
    return sum(s.area() + 0.1 * s.perimeter for s in shapes)


class Buffer:
    def __init__(self, data):
        self.data = data

    def __getitem__(self, i):
        return self.data[i] * 2.0

    def __len__(self):
        return len(self.data)


def container_dunders(x):
    """A class with __getitem__ and __len__ indexed in a loop."""
    b = Buffer(x)
    return sum(b[i] ** 2 for i in range(len(b))) + b[-1]


def ndenumerate_loop(A):
    """np.ndenumerate and np.ndindex loops over a matrix's entries."""
    s = 0.0
    for (i, j), v in np.ndenumerate(A):
        s += (i + 2 * j) * v ** 2
    for idx in np.ndindex(A.shape):
        s += np.sin(A[idx])
    return s


def rows_unpacked(P):
    """Rows of an (n, 2) array unpacked in a for header (`for a, b in P`)."""
    s = 0.0
    for a, b in P:
        s += a * b + np.cos(a - b)
    return s


def apply_along_axis_rows(A):
    """np.apply_along_axis of a Python function over rows."""
    def row_norm(r):
        return np.sqrt(np.sum(r ** 2) + 1.0)
    return np.sum(np.apply_along_axis(row_norm, 1, A) ** 2) + np.sum(A)


def allclose_convergence(a):
    """A fixed-point iteration stopped by np.allclose (a comparison only)."""
    x = np.ones(3)
    for _ in range(200):
        new = 0.5 * np.cos(a * x) + 0.1 * x
        if np.allclose(new, x, atol=1e-14, rtol=0.0):
            x = new
            break
        x = new
    return np.sum(x ** 2)


def dict_mutations(x):
    """A dict of traced values with pop, del, update and setdefault in a loop."""
    d = {"a": x[0], "b": x[1], "c": x[2]}
    d["d"] = d.pop("a") * 2.0
    del d["b"]
    d.update({"e": x[1] ** 2, "c": d["c"] + 1.0})
    for k in ("f", "c"):
        d.setdefault(k, x[0])
    return sum(v ** 2 for v in d.values()) + d["f"]


def list_sort_in_place_key(x):
    """A list of (array, label) pairs sorted in place by a key reading the array."""
    items = [(x * 1.0, "a"), (x[::-1] * 2.0, "b"), (np.sin(x), "c")]
    items.sort(key=lambda p: float(p[0][0]))
    return np.sum(items[0][0] ** 2) + np.sum(items[-1][0])


def dict_from_zip(x):
    """dict(zip(keys, values)) of traced values and a dict comprehension over zip."""
    names = ["w", "b", "s"]
    p = dict(zip(names, x))
    q = {k: v ** 2 for k, v in zip(names, x)}
    return p["w"] * q["s"] + p["b"] + sum(q.values())


def static_and_class_methods(x):
    """A staticmethod and a classmethod making an instance, called on traced values."""
    return Scaler.from_pair(x[0], x[1]).apply(x) + Scaler.square(x[2])


class Scaler:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    @classmethod
    def from_pair(cls, a, b):
        return cls(a, b)

    @staticmethod
    def square(v):
        return v * v

    def apply(self, v):
        return np.sum(self.a * v + self.b) ** 2


def nested_loops_break_while(x):
    """A while loop around a for loop with break, the while stopped on a traced test."""
    total = 0.0
    rounds = 0
    while total < 3.0 and rounds < 10:
        for v in x:
            if v < 0:
                break
            total += v * v
        rounds += 1
    return total * x[0]


def lru_cache_helper(x):
    """A helper cached by functools.lru_cache on an integer argument, giving a constant."""
    import functools

    @functools.lru_cache(maxsize=None)
    def weight(k):
        return 1.0 / (k + 1)
    return sum(weight(i) * x[i] ** 2 for i in range(len(x)))


# --- statements joined by semicolons (short scripts, notebook cells) ---------------------------
W33 = np.arange(9.0).reshape(3, 3)


def rows_listed_scaled_one_line(A):
    """A list of two rows of B (views), the first scaled in place through the list, B read
    on the same line: B changes. Was differentiated as if B were unchanged (a wrong value
    and gradient, no error); refused now, where it runs."""
    B = A.copy(); parts = [B[0], B[1]]; parts[0] *= 3.0; return np.sum(B ** 2 * W33)  # noqa: E702


def row_in_dict_shifted_one_line(A):
    """The same through a dict's item (`parts["r"] += 3.0`)."""
    B = A.copy(); parts = {"r": B[0]}; parts["r"] += 3.0; return np.sum(B ** 2 * W33)  # noqa: E702


def dict_item_kept_scaled_one_line(A):
    """An item of a dict kept under a second name, then scaled in place through the dict,
    the second name read on the same line."""
    net = {"W": A * 1.0}; W2 = net["W"]; net["W"] *= 0.5; return np.sum(W2 ** 2 * W33)  # noqa: E702


def fresh_items_one_line(A):
    """One-line statements where no other name holds the item: differentiated."""
    L = [A * 1.0, A ** 2]; L[0] *= 3.0; s = np.sum(L[0] * W33); return s + np.sum(L[1])  # noqa: E702


CASES = [
    ("verlet_pendulum", verlet_pendulum, (0.6,), {}),
    ("rk4_system_early_exit", rk4_system_early_exit, (np.array([1.0, 0.1]),), {}),
    ("adaptive_step_doubling", adaptive_step_doubling, (1.3,), {}),
    ("leapfrog_particles", leapfrog_particles, (np.array([0.0, 1.2, 1.9]),), {}),
    ("implicit_euler_newton", implicit_euler_newton, (2.0,), {}),
    ("heat_equation_explicit", heat_equation_explicit, (np.sin(np.linspace(0, 3, 8)),), {}),
    ("bouncing_ball_events", bouncing_ball_events, (2.0,), {}),
    ("gradient_descent_momentum", gradient_descent_momentum, (np.array([0.5, -0.3, 0.8]),), {}),
    ("backtracking_line_search", backtracking_line_search, (np.array([-0.4, 0.7]),), {}),
    ("newton_minimize_1d", newton_minimize_1d, (2.5,), {}),
    ("coordinate_descent_lasso", coordinate_descent_lasso, (np.array([1.2, 0.4, 0.1, 1.5]),), {}),
    ("rmsprop_dict", rmsprop_dict, (np.array([0.5, 0.1]),), {}),
    ("golden_section_argmin", golden_section_argmin, (0.8,), {"order": 1}),
    ("nesterov_quadratic", nesterov_quadratic, (np.array([1.0, -0.4, 0.6]),), {}),
    ("gmm_loglik", gmm_loglik, (np.array([-0.5, 0.8]),), {}),
    ("em_gmm_steps", em_gmm_steps, (np.array([-0.3, 0.4]),), {}),
    ("hmm_forward", hmm_forward, (np.log(rng.uniform(0.1, 1.0, size=(5, 2))),), {}),
    ("hmm_forward_scaled", hmm_forward_scaled, (rng.uniform(0.1, 1.0, size=(5, 2)),), {}),
    ("poisson_regression_nll", poisson_regression_nll, (np.array([0.3, 0.8]),), {}),
    ("student_t_loglik", student_t_loglik, (np.array([0.1, -0.2, 1.0]),), {}),
    ("categorical_kl", categorical_kl, (np.array([0.5, -0.3, 0.1, 0.9]),), {}),
    ("beta_binomial_grid", beta_binomial_grid, (1.7,), {}),
    ("dirichlet_logpdf", dirichlet_logpdf, (np.array([1.5, 2.0, 0.8]),), {}),
    ("fir_convolve_same", fir_convolve_same, (np.array([0.2, 0.5, 0.3]),), {}),
    ("fir_convolve_valid_signal", fir_convolve_valid_signal, (np.sin(np.arange(9.0)),), {}),
    ("iir_filter_loop", iir_filter_loop, (np.array([0.5, 0.3, 0.2]),), {}),
    ("moving_average_cumsum", moving_average_cumsum, (np.array([0.3, 1.2, -0.4, 0.8, 1.5, 0.1]),), {}),
    ("exponential_smoothing", exponential_smoothing, (0.4,), {}),
    ("diff_total_variation", diff_total_variation, (np.array([0.3, 1.2, -0.4, 0.8, 1.5, 0.1]),), {}),
    ("autocorrelation_lags", autocorrelation_lags, (np.array([0.3, 1.2, -0.4, 0.8, 1.5, 0.1]),), {}),
    ("dft_power", dft_power, (np.array([0.3, 1.2, -0.4, 0.8, 1.5, 0.1]),), {}),
    ("median_of_three_filter", median_of_three_filter, (np.array([0.3, 1.2, -0.4, 0.8, 1.5, 0.1]),), {}),
    ("laplacian_by_roll", laplacian_by_roll, (IMG,), {}),
    ("blur_padded_edges", blur_padded_edges, (IMG,), {}),
    ("conv2d_stencil_loop", conv2d_stencil_loop, (IMG,), {}),
    ("downsample_strided", downsample_strided, (IMG,), {}),
    ("threshold_mask_where", threshold_mask_where, (IMG,), {}),
    ("sobel_magnitude", sobel_magnitude, (IMG,), {}),
    ("max_pool_2x2", max_pool_2x2, (IMG,), {}),
    ("image_patches_transpose", image_patches_transpose, (IMG,), {}),
    ("gamma_clip_image", gamma_clip_image, (IMG,), {}),
    ("histogram_equalize_like", histogram_equalize_like, (IMG,), {}),
    ("cholesky_solve_two_triangles", cholesky_solve_two_triangles, (M3,), {}),
    ("qr_least_squares", qr_least_squares, (rng.normal(size=(5, 2)),), {}),
    ("matrix_power_loop", matrix_power_loop, (M3 * 0.5,), {}),
    ("inverse_det_norms", inverse_det_norms, (M3,), {}),
    ("power_iteration_rayleigh", power_iteration_rayleigh, (M3,), {}),
    ("einsum_bilinear_batch", einsum_bilinear_batch, (rng.normal(size=(3, 3)),), {}),
    ("lu_by_hand_det", lu_by_hand_det, (M3,), {}),
    ("gram_schmidt", gram_schmidt, (M3,), {}),
    ("solve_multiple_rhs", solve_multiple_rhs, (M3,), {}),
    ("conjugate_gradient", conjugate_gradient, (np.array([1.0, -0.4, 0.6]),), {}),
    ("tree_eval", tree_eval, (np.array([0.4, -0.7, 1.1]),), {}),
    ("binary_tree_reduce", binary_tree_reduce, (np.array([0.4, -0.7, 1.1, 0.3, 0.9]),), {}),
    ("stack_machine", stack_machine, (np.array([0.4, -0.7, 1.1]),), {}),
    ("params_by_string_keys", params_by_string_keys, (np.linspace(-0.5, 0.6, 10),), {}),
    ("queue_of_arrays", queue_of_arrays, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("polynomial_class", polynomial_class, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("welford_class", welford_class, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("closure_factory_losses", closure_factory_losses, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("tuple_swap_unpack", tuple_swap_unpack, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("slice_assign_blocks", slice_assign_blocks, (np.array([0.4, -0.7, 1.1]),), {}),
    ("mask_assign_scaled", mask_assign_scaled, (np.array([0.4, -0.7, 1.1, -0.2, -1.3]),), {}),
    ("row_vector_vs_flat", row_vector_vs_flat, (np.array([0.4, -0.7, 1.1]),), {}),
    ("negative_axis_reductions", negative_axis_reductions, (M3,), {}),
    ("reshape_transpose_chain", reshape_transpose_chain, (np.linspace(-1, 1, 12),), {}),
    ("clip_ties", clip_ties, (np.array([0.7, -1.3, 0.5, 0.0, 2.0]),), {"order": 1}),
    ("integer_bool_intermediates", integer_bool_intermediates, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("zero_d_arrays", zero_d_arrays, (np.array([0.4, -0.7, 1.1]),), {}),
    ("cumulative_ops", cumulative_ops, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("where_with_scalar_branches", where_with_scalar_branches, (np.array([0.4, -0.7, 1.1, 0.1]),), {}),
    ("sort_partition_topk", sort_partition_topk, (np.array([0.4, -0.7, 1.1, 0.3, 0.9]),), {}),
    ("float_scalar_mix", float_scalar_mix, (np.array([0.4, -0.7, 1.1]),), {}),
    ("list_of_arrays_pop_accumulate", list_of_arrays_pop_accumulate, (np.array([0.4, -0.7, 1.1]),), {}),
    ("augmented_assign_item_chain", augmented_assign_item_chain, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("kronecker_and_tile", kronecker_and_tile, (np.array([0.4, -0.7, 1.1]),), {}),
    ("triangular_masks", triangular_masks, (M3,), {}),
    ("softmax_temperature_classes", softmax_temperature_classes, (rng.normal(size=(2, 3)),), {}),
    ("hmm_viterbi_free_posterior", hmm_viterbi_free_posterior, (np.log(rng.uniform(0.1, 1.0, size=(4, 2))),), {}),
    ("simpson_integral", simpson_integral, (1.3,), {}),
    ("piecewise_linear_interp_search", piecewise_linear_interp_search, (np.array([0.2, 0.7, 1.4, 1.9]),), {}),
    ("swap_items_tuple", swap_items_tuple, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("swap_rows_tuple", swap_rows_tuple, (M3,), {}),
    ("overlapping_shift_assign", overlapping_shift_assign, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("repeated_index_add", repeated_index_add, (np.array([0.4, -0.7, 1.1, 0.3, 0.9, -0.2]),), {}),
    ("repeated_index_read", repeated_index_read, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("bincount_weights", bincount_weights, (np.array([0.4, -0.7, 1.1, 0.3, 0.9]),), {}),
    ("view_written_then_base_read", view_written_then_base_read, (np.array([0.4, -0.7, 1.1]),), {}),
    ("diagonal_filled", diagonal_filled, (M3,), {}),
    ("sorted_in_place", sorted_in_place, (np.array([0.4, -0.7, 1.1, 0.3, 0.9, -0.2, 1.6, 0.05]),), {}),
    ("out_arguments", out_arguments, (np.array([0.4, -0.7, 1.1]),), {}),
    ("reversed_list_and_slices", reversed_list_and_slices, (np.array([0.4, -0.7, 1.1, 0.3, 0.9]),), {}),
    ("elementwise_library", elementwise_library, (np.array([0.4, -0.7, 1.1]),), {}),
    ("float_mod_floor", float_mod_floor, (np.array([0.4, -2.7, 4.1, 8.3]),), {}),
    ("positional_axis_reductions", positional_axis_reductions, (M3 + np.arange(9.0).reshape(3, 3) * 0.01,), {}),
    ("norms_with_axes", norms_with_axes, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("eigh_spectrum", eigh_spectrum, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("svd_low_rank", svd_low_rank, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("flip_rot", flip_rot, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("trapezoid_integral", trapezoid_integral, (np.array([0.4, -0.7, 1.1, 0.3, 0.9]),), {}),
    ("power_both_arrays", power_both_arrays, (np.array([0.4, -0.7, 1.1]),), {}),
    ("global_counter_list", global_counter_list, (np.array([0.4, -0.7, 1.1]),), {}),
    ("accumulator_aliased", accumulator_aliased, (np.array([0.4, -0.7, 1.1]),), {}),
    ("list_of_rows_mutated", list_of_rows_mutated, (M3,), {}),
    ("dict_of_arrays_inplace", dict_of_arrays_inplace, (np.array([0.4, -0.7, 1.1]),), {}),
    ("while_with_pop_and_condition", while_with_pop_and_condition, (np.array([0.4, 1.7, 0.9]),), {}),
    ("recursive_matrix_det", recursive_matrix_det, (M3,), {}),
    ("kmeans_fixed_assign", kmeans_fixed_assign, (np.array([[0.1, 0.2], [1.5, 1.1], [0.3, -0.1], [1.2, 1.4], [0.0, 0.5]]),), {}),
    ("take_along_axis_topk", take_along_axis_topk, (rng.normal(size=(3, 4)),), {}),
    ("meshgrid_field", meshgrid_field, (np.array([1.3, 0.7]),), {}),
    ("complex_roundtrip", complex_roundtrip, (np.array([0.4, -0.7, 1.1]),), {}),
    ("where_nan_guard", where_nan_guard, (np.array([0.4, -0.7, 1.1]),), {}),
    ("einsum_repeated_and_diag", einsum_repeated_and_diag, (M3,), {}),
    ("stack_split_concat", stack_split_concat, (np.linspace(-1.0, 1.3, 6),), {}),
    ("rows_scaled_through_loop_name", rows_scaled_through_loop_name, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("full_slice_view_written", full_slice_view_written, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("ravel_vs_flatten_written", ravel_vs_flatten_written, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("chained_assignment_shared", chained_assignment_shared, (np.array([0.4, -0.7, 1.1]),), {}),
    ("list_times_shared_rows", list_times_shared_rows, (np.array([0.4, -0.7, 1.1]),), {}),
    ("self_transpose_add", self_transpose_add, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("overlapping_inplace_subtract", overlapping_inplace_subtract, (np.array([0.4, -0.3, 1.1, 0.9]),), {}),
    ("helper_mutates_argument", helper_mutates_argument, (np.array([0.4, -0.7, 1.1]),), {}),
    ("helper_appends_to_list", helper_appends_to_list, (np.array([0.4, -0.7, 1.1]),), {}),
    ("class_inplace_sgd", class_inplace_sgd, (np.array([0.3, -0.2]),), {}),
    ("python_builtins_over_array", python_builtins_over_array, (np.array([0.4, -0.7, 1.1]),), {}),
    ("python_sum_over_matrix_rows", python_sum_over_matrix_rows, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("star_unpack_array", star_unpack_array, (np.array([0.4, -0.7, 1.1]),), {}),
    ("or_default_values", or_default_values, (np.array([0.4, -0.7, 1.1]),), {}),
    ("walrus_and_continue", walrus_and_continue, (np.array([0.4, -0.3, 1.1, 0.9]),), {}),
    ("chained_comparisons", chained_comparisons, (np.array([0.4, -0.3, 1.1, -1.5, 0.9]),), {}),
    ("match_statement", match_statement, (np.array([0.4, -0.7, 1.1]),), {}),
    ("generator_function_yield", generator_function_yield, (np.array([0.4, -0.7, 1.1]),), {}),
    ("functools_reduce_map", functools_reduce_map, (np.array([0.4, -0.7, 1.1]),), {}),
    ("method_forms", method_forms, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("fill_and_copyto", fill_and_copyto, (np.array([0.4, -0.7, 1.1]),), {}),
    ("enumerate_start_and_reverse_range", enumerate_start_and_reverse_range, (np.array([0.4, -0.3, 1.1, 0.9]),), {}),
    ("nonlocal_array_closure", nonlocal_array_closure, (np.array([0.4, -0.7, 1.1]),), {}),
    ("vectorize_scalar_fn", vectorize_scalar_fn, (np.array([0.4, -0.3, 1.1, 0.9]),), {}),
    ("astype_int_and_back", astype_int_and_back, (np.array([0.4, -0.7, 1.1]),), {}),
    ("array_of_list_of_arrays", array_of_list_of_arrays, (np.array([0.4, -0.7, 1.1]),), {}),
    ("broadcast_setitem_rows", broadcast_setitem_rows, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("broadcast_inplace_adds", broadcast_inplace_adds, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("double_subscript_writes", double_subscript_writes, (np.array([0.4, -0.7, 1.1]),), {}),
    ("fancy_then_subscript_write", fancy_then_subscript_write, (np.array([0.4, -0.7, 1.1]),), {}),
    ("transposed_inplace", transposed_inplace, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("mixed_fancy_indexing", mixed_fancy_indexing, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("mixed_fancy_writes", mixed_fancy_writes, (np.array([0.4, -0.7, 1.1]),), {}),
    ("ufunc_methods", ufunc_methods, (np.array([0.4, -0.7, 1.1]),), {}),
    ("broadcast_to_and_expand", broadcast_to_and_expand, (np.array([0.4, -0.7, 1.1]),), {}),
    ("products_family", products_family, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("pad_modes", pad_modes, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("roll_variants", roll_variants, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("nan_aware_reductions", nan_aware_reductions, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("average_axis_weights", average_axis_weights, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("diff_axis_append", diff_axis_append, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("flat_strided_write", flat_strided_write, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("sort_axis0_2d", sort_axis0_2d, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("zero_d_inplace_accumulator", zero_d_inplace_accumulator, (np.array([0.4, -0.7, 1.1]),), {}),
    ("batched_linalg", batched_linalg, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("pinv_and_eig", pinv_and_eig, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("diag_offsets_build", diag_offsets_build, (np.array([0.4, -0.7, 1.1, 0.3]),), {}),
    ("lambdas_late_binding", lambdas_late_binding, (np.array([0.4, -0.7, 1.1]),), {}),
    ("closures_appended_in_loop", closures_appended_in_loop, (np.array([0.4, -0.7, 1.1]),), {}),
    ("memo_recursion", memo_recursion, (np.array([0.4, -0.7, 1.1]),), {}),
    ("deque_window", deque_window, (np.array([0.4, 0.3, 1.1, 0.9]),), {}),
    ("heapq_priorities", heapq_priorities, (np.array([0.4, 0.3, 1.1, 0.9]),), {}),
    ("itertools_combinations", itertools_combinations, (np.array([0.4, 0.3, 1.1, 0.9]),), {}),
    ("shapes_inheritance", shapes_inheritance, (np.array([0.4, -0.7, 1.1]),), {}),
    ("container_dunders", container_dunders, (np.array([0.4, -0.7, 1.1]),), {}),
    ("ndenumerate_loop", ndenumerate_loop, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("rows_unpacked", rows_unpacked, (np.array([[0.4, -0.7], [1.1, 0.3], [0.2, 0.9]]),), {}),
    ("apply_along_axis_rows", apply_along_axis_rows, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("allclose_convergence", allclose_convergence, (1.3,), {}),
    ("dict_mutations", dict_mutations, (np.array([0.4, -0.7, 1.1]),), {}),
    ("list_sort_in_place_key", list_sort_in_place_key, (np.array([0.4, -0.7, 1.1]),), {}),
    ("dict_from_zip", dict_from_zip, (np.array([0.4, -0.7, 1.1]),), {}),
    ("static_and_class_methods", static_and_class_methods, (np.array([0.4, -0.7, 1.1]),), {}),
    ("nested_loops_break_while", nested_loops_break_while, (np.array([0.4, 0.3, 1.1, 0.9]),), {}),
    ("lru_cache_helper", lru_cache_helper, (np.array([0.4, -0.7, 1.1]),), {}),
    ("rows_listed_scaled_one_line", rows_listed_scaled_one_line, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("row_in_dict_shifted_one_line", row_in_dict_shifted_one_line, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("dict_item_kept_scaled_one_line", dict_item_kept_scaled_one_line, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
    ("fresh_items_one_line", fresh_items_one_line, (M3 + np.arange(9.0).reshape(3, 3) * 0.1,), {}),
]

# Programs srcdiff refuses today, each at its line (see the report of hunt 27).
REFUSED = {
    # were silently wrong (one-line statements: a holder read later on the update's line),
    # now refused where they run (item_sharing._after):
    "rows_listed_scaled_one_line",
    "row_in_dict_shifted_one_line",
    "dict_item_kept_scaled_one_line",
    # true refusals (the code changes an array through a name srcdiff does not follow):
    "repeated_index_add",          # acc[idx] += v with a repeated index (the last add wins)
    "view_written_then_base_read", # v = base.reshape(-1); v[0] += ... (base changes)
    "ravel_vs_flatten_written",    # r = B.ravel(); r[1] = ... (B changes)
    "list_times_shared_rows",      # [np.zeros(2)] * 3: one array three times, written
    "zero_d_inplace_accumulator",  # s = np.array(0.0); t = s; s += ... (t sees the adds)
    # false refusals (the derivative exists), left for a later session:
}

# Crashes the hunt found (fixed ones listed with what was fixed).
CRASHES = set()
