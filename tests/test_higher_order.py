"""Higher order: grad of grad, Hessians, Hessian-vector products, Jacobians.

Second derivatives are checked against central differences of srcdiff's own
first derivative (itself checked against finite differences of the function).
"""
import numpy as np
import pytest

import srcdiff

rng = np.random.default_rng(11)
X = np.array([0.3, -0.5, 1.2])


def fd_hessian(f, x, eps=1e-5):
    g = srcdiff.grad(f)
    x = np.asarray(x, dtype=float)
    cols = []
    for j in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[j] = eps
        cols.append((g(x + e) - g(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(x.shape + x.shape)


def check_hessian(f, x, rtol=1e-5, atol=1e-6):
    h = srcdiff.hessian(f)(x)
    np.testing.assert_allclose(h, fd_hessian(f, x), rtol=rtol, atol=atol)
    return h


# one or more functions per rule family (templates/*.py), each C2 near X
FAMILIES = {
    "arithmetic": lambda x: np.sum(x * x * x - x / (2.0 + x * x) + (x + 2.0) ** 1.5),
    "matmul": lambda x: np.sum(np.outer(x, x) @ np.sin(x)),
    "ufuncs": lambda x: np.sum(np.exp(x) * np.tanh(x) + np.log1p(x * x) + np.arctan(x)),
    "trig": lambda x: np.sum(np.sin(x) * np.cos(2 * x) + np.sqrt(x * x + 1.0)),
    "reductions": lambda x: np.mean(x ** 2) * np.prod(x + 2.0) + np.linalg.norm(x) ** 3,
    "softmax": lambda x: np.log(np.sum(np.exp(x - np.max(x)))) + np.max(x),
    "shapes": lambda x: np.sum(np.concatenate([x, x * x]).reshape(2, 3).T ** 2 * 1.5),
    "stack_where": lambda x: np.sum(np.stack([x, np.where(x > 0, x * x, -x ** 3)]) ** 2),
    "linalg": lambda x: np.sum(np.linalg.inv(np.eye(3) * 3.0 + np.outer(x, x)) @ x),
    "python_math": lambda x: np.sum(x ** 2) * float(np.sum(x)) + abs(np.sum(x * x * x)),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_second_derivatives_of_rule_families(name):
    check_hessian(FAMILIES[name], X)


def quadratic(x):
    return x @ A @ x * 0.5 + B @ x


A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
B = np.array([1.0, -1.0, 0.5])


def test_hessian_of_a_quadratic_is_its_matrix():
    np.testing.assert_allclose(srcdiff.hessian(quadratic)(X), A, atol=1e-12)


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def test_hessian_of_rosenbrock():
    check_hessian(rosenbrock, np.array([0.5, 1.2, -0.3, 0.8]))


def test_hessian_of_a_float_function_is_a_float():
    h = srcdiff.hessian(lambda t: t ** 3.0 + np.sin(t))(0.7)
    assert isinstance(h, float)
    assert h == pytest.approx(6 * 0.7 - np.sin(0.7))


def loopy(x):
    y = x
    for i in range(3):
        if np.sum(y) > 0:
            y = np.sin(y) * x + 0.5
        else:
            y = y * y - x
    return np.sum(y * y)


def while_loop(x):
    y = x
    k = 0
    while np.sum(y * y) < 20.0 and k < 10:
        y = y * 1.3 + np.tanh(x)
        k = k + 1
    return np.sum(y ** 3)


def with_writes(x):
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        y[i] = x[i] * np.sum(x)
    out = []
    for i in range(2):
        out.append(y * (i + 1.0))
    return np.sum(np.stack(out) ** 2)


def breaks(x):
    s = 0.0
    for i in range(8):
        s = s + np.sin(x * i)
        if np.sum(s) > 1.5:
            break
    return np.sum(s * s)


@pytest.mark.parametrize("f", [loopy, while_loop, with_writes, breaks],
                         ids=lambda f: f.__name__)
def test_hessian_through_control_flow(f):
    check_hessian(f, X, rtol=1e-4, atol=1e-5)


def test_grad_of_grad_sums_the_hessian_rows():
    gg = srcdiff.grad(srcdiff.grad(loopy))(X)
    np.testing.assert_allclose(gg, fd_hessian(loopy, X).sum(axis=0), rtol=1e-4, atol=1e-5)


def test_grad_of_grad_of_a_scalar_function():
    f = lambda t: t ** 4.0  # noqa: E731
    assert srcdiff.grad(srcdiff.grad(f))(2.0) == pytest.approx(48.0)


def chapter(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def test_chapter_function_has_zero_second_derivative():
    for a in (np.array(0.3), rng.normal(size=3)):
        np.testing.assert_array_equal(srcdiff.grad(srcdiff.grad(chapter))(a),
                                      np.zeros_like(a))


def mixed(x, y):
    return np.sum(np.sin(x) * y * y + x * x * y)


def test_mixed_second_derivative():
    y = np.array([0.4, -0.2, 0.9])
    got = srcdiff.grad(srcdiff.grad(mixed, wrt=0), wrt=1)(X, y)
    # d/dy sum_i d mixed/dx_i = d/dy sum(cos(x) y^2 + 2 x y) = 2 y cos(x) + 2 x
    eps = 1e-6
    g = srcdiff.grad(mixed, wrt=0)
    fd = np.array([(np.sum(g(X, y + e)) - np.sum(g(X, y - e))) / (2 * eps)
                   for e in np.eye(3) * eps])
    np.testing.assert_allclose(got, fd, rtol=1e-6)


def test_hvp_matches_hessian_times_vector():
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(srcdiff.hvp(loopy)(X, v), fd_hessian(loopy, X) @ v,
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(srcdiff.hvp(loopy)(X, vector=v), srcdiff.hvp(loopy)(X, v))


def broadcast_loss(x, b):
    return np.sum(np.sin(x + b) * x)


def test_second_derivatives_read_their_own_gradient_variant():
    """A shape-specialised gradient loaded under the same file name as the general one
    (which forward mode differentiates) must not be read in its place: its literal
    shapes would not fit inputs of other shapes."""
    x3, x4, b = np.linspace(0.0, 1.0, 3), np.linspace(0.0, 1.0, 4), np.ones((2, 4))
    hvp = srcdiff.hvp(broadcast_loss)
    hvp(x3, 0.5, np.ones(3))
    srcdiff.grad(broadcast_loss)(x3, 0.5)  # specialised on shape (3,), loaded last
    v = np.array([1.0, -2.0, 0.5, 3.0])
    hessian = fd_hessian(lambda x: broadcast_loss(x, b), x4)
    np.testing.assert_allclose(hvp(x4, b, v), hessian @ v, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcdiff.grad(srcdiff.grad(broadcast_loss))(x4, b),
                               hessian.sum(axis=1), rtol=1e-6, atol=1e-8)


def vector_function(x, w):
    return np.tanh(x * w) * np.sum(x)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_both_modes(mode):
    w = np.array([0.5, 1.5, -1.0])
    jac = srcdiff.jacobian(vector_function, mode=mode)(X, w)
    eps = 1e-6
    fd = np.stack([(vector_function(X + e, w) - vector_function(X - e, w)) / (2 * eps)
                   for e in np.eye(3) * eps], axis=-1)
    np.testing.assert_allclose(jac, fd, rtol=1e-6, atol=1e-8)
    assert jac.shape == (3, 3)


def test_jacobian_of_a_matrix_output():
    m = rng.normal(size=(2, 3))
    jac = srcdiff.jacobian(lambda m: m @ m.T)(m)
    assert jac.shape == (2, 2, 2, 3)
    np.testing.assert_allclose(jac, srcdiff.jacobian(lambda m: m @ m.T, mode="forward")(m))


def test_second_order_source_is_inspectable():
    text = srcdiff.source(srcdiff.hessian(loopy))
    assert text.startswith("# Code generated by srcdiff")
    assert "def jvp_grad_loopy(" in text and "for " in text and "if " in text
    assert "tape.pop()" in text  # the emitted adjoint, tape and all, was differentiated
    # grad of grad: the function a call runs first (named for what it differentiates),
    # then the emitted forward-over-reverse code it calls
    second = srcdiff.source(srcdiff.grad(srcdiff.grad(loopy)))
    assert second.startswith("# Code generated by srcdiff")
    head = second.split("\n\n")[0]
    assert "def grad_grad_loopy(x):" in head
    assert "return jvp_grad_loopy(x, ones_like_value(x))[1]" in head
    assert "def jvp_grad_loopy(" in second and "tape.pop()" in second


# --- calls to the user's own functions: forward mode and Hessians through them ------------
from calls_corpus import (calls_imported_function, calls_module_function,  # noqa: E402
                          lambda_local, literal_arguments, nested_closure_in_loop,
                          recursion_with_branch, unpacks_tuple)

W = np.array([0.4, 0.1, -0.7])


@pytest.mark.parametrize("f", [calls_module_function, recursion_with_branch, lambda_local,
                               literal_arguments], ids=lambda f: f.__name__)
def test_jvp_and_hessian_through_calls(f):
    v = np.array([1.0, -0.5, 2.0])
    _, t = srcdiff.jvp(f)(X, v)
    assert t == pytest.approx(srcdiff.grad(f)(X) @ v)
    check_hessian(f, X, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f", [calls_imported_function, unpacks_tuple, nested_closure_in_loop],
                         ids=lambda f: f.__name__)
def test_jvp_through_calls_two_arguments(f):
    v, u = np.array([1.0, 0.0, 2.0]), np.array([0.5, -1.0, 0.0])
    _, t = srcdiff.jvp(f, wrt=(0, 1))(X, W, v, u)
    gx, gw = srcdiff.grad(f, wrt=(0, 1))(X, W)
    assert t == pytest.approx(gx @ v + gw @ u)
    h = srcdiff.hessian(f)(X, W)
    g = srcdiff.grad(f)
    eps = 1e-5
    fd = np.stack([(g(X + e, W) - g(X - e, W)) / (2 * eps) for e in np.eye(3) * eps], -1)
    np.testing.assert_allclose(h, fd, rtol=1e-4, atol=1e-5)


def writes_into_its_argument(x):
    x[0] = x[1] * x[2]
    return np.sum(x * x) + np.sum(np.sin(x))


def test_hessian_of_a_function_writing_into_its_argument():
    x = X.copy()
    check_hessian(writes_into_its_argument, x)
    np.testing.assert_array_equal(x, X)


def rebinds_then_writes(x):
    y = x * 2.0
    z = y
    y = y * 1.0
    y[0] = 5.0
    return np.sum(y * z)


def test_an_alias_of_an_old_value_is_fine():
    from gradcheck import check_grad
    check_grad(rebinds_then_writes, X)


# --- every control-flow shape of the reverse corpus, to second order ------------------------
from control_corpus import CORPUS, INPUTS, MAT, MATRIX_CORPUS  # noqa: E402


@pytest.mark.parametrize("f", CORPUS, ids=lambda f: f.__name__)
def test_corpus_second_order(f):
    check_hessian(f, INPUTS["mixed"], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f", MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_matrix_corpus_second_order(f):
    check_hessian(f, MAT, rtol=1e-4, atol=1e-5)


# --- second derivatives through helpers reached only by their result ----------------------
# The helper's forward saves values on the tape that its backward reads; forward mode over
# the emitted gradient must carry the tangents of those saved values too (they were lost when
# the helper's result itself was not needed: return h(x), -h(x), np.sum(h(x)), lambdas).
def _cube(r):
    return r ** 3


def _cube_of_sin(r):
    return _cube(np.sin(r)) * 1.0


def _power_loop(r):
    y = r
    for k in range(3):
        y = y * r + 0.1 * k
    return y


def _nll(w, feats, labels):
    z = feats @ w
    return np.sum(np.log1p(np.exp(-labels * z)))


FEATS = np.array([[1.0, 2.0, 0.5], [0.5, -1.0, 1.0], [2.0, 1.0, -0.3], [-0.4, 0.2, 1.5]])
LABELS = np.array([1.0, -1.0, 1.0, -1.0])


class _Energy:
    def __init__(self, scale):
        self.scale = scale

    def total(self, x):
        return np.sum(self.scale * _cube(x))


ENERGY = _Energy(np.array([0.5, 2.0, -1.0]))


def returns_helper(x):
    return _cube(x)


def returns_negated_helper(x):
    return -_cube(x)


def sums_helper(x):
    return np.sum(_cube(x))


def means_helper(x):
    return np.mean(_cube(x))


def returns_helper_of_helper(x):
    return np.sum(_cube_of_sin(x))


def returns_looping_helper(x):
    return np.sum(_power_loop(x))


def returns_method(x, energy):
    return energy.total(x)


def returns_nll(w):
    return _nll(w, FEATS, LABELS)


HELPER_WAYS = {
    "return": returns_helper,
    "negated": returns_negated_helper,
    "sum": sums_helper,
    "mean": means_helper,
    "helper_of_helper": returns_helper_of_helper,
    "loop": returns_looping_helper,
    "bound_method": ENERGY.total,
    "nll": returns_nll,
    "lambda_nll": lambda w: _nll(w, FEATS, LABELS),
    "lambda_sum": lambda x: np.sum(_cube(x)),
    "lambda_negated": lambda x: -np.sum(_power_loop(x)),
}


def _fd_jacobian_of_grad(f, x, eps=1e-6):
    """Central differences of srcdiff.grad(f) (itself checked against f) along each input."""
    g = srcdiff.grad(f)
    cols = []
    for e in np.eye(x.size):
        e = e.reshape(x.shape) * eps
        cols.append((np.asarray(g(x + e)) - np.asarray(g(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(x.shape + x.shape)


@pytest.mark.parametrize("way", sorted(HELPER_WAYS))
def test_second_derivatives_through_helpers_reached_every_way(way):
    from gradcheck import check_grad, check_hvp, check_jvp
    f = HELPER_WAYS[way]
    x = np.array([0.4, -0.3, 0.8])
    check_grad(f, x)
    check_jvp(f, x)
    want = _fd_jacobian_of_grad(f, x)
    assert np.abs(want).max() > 0.1   # the trap: these were all zeros
    np.testing.assert_allclose(srcdiff.hessian(f)(x), want, rtol=1e-5, atol=1e-7)
    check_hvp(f, x, vector=np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(srcdiff.grad(srcdiff.grad(f))(x), want.sum(axis=1),
                               rtol=1e-5, atol=1e-7)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcdiff.jacobian(srcdiff.grad(f), mode=mode)(x), want,
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f", [returns_helper, returns_negated_helper],
                         ids=lambda f: f.__name__)
def test_grad_of_grad_through_a_returned_helper_of_a_float(f):
    g = srcdiff.grad(f)
    eps = 1e-6
    want = (g(3.0 + eps) - g(3.0 - eps)) / (2 * eps)
    assert abs(want) > 1.0
    got = srcdiff.grad(srcdiff.grad(f))(3.0)
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-6)


def test_second_derivatives_through_a_method_of_an_object_passed_in():
    from gradcheck import check_grad, check_hvp
    x = np.array([0.4, -0.3, 0.8])
    check_grad(returns_method, x, ENERGY)
    v = np.array([1.0, -2.0, 0.5])
    eps = 1e-6
    value, tangent = srcdiff.jvp(returns_method)(x, ENERGY, v)
    assert value == returns_method(x, ENERGY)
    assert tangent == pytest.approx((returns_method(x + eps * v, ENERGY)
                                     - returns_method(x - eps * v, ENERGY)) / (2 * eps), rel=1e-6)
    g = srcdiff.grad(returns_method)
    want = np.stack([(g(x + e, ENERGY) - g(x - e, ENERGY)) / (2 * eps)
                     for e in np.eye(3) * eps], axis=-1)
    assert np.abs(want).max() > 0.1
    np.testing.assert_allclose(srcdiff.hessian(returns_method)(x, ENERGY), want, rtol=1e-5,
                               atol=1e-7)
    check_hvp(returns_method, x, ENERGY, vector=np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(srcdiff.grad(g)(x, ENERGY), want.sum(axis=1), rtol=1e-5,
                               atol=1e-7)
    np.testing.assert_allclose(srcdiff.jacobian(g)(x, ENERGY), want, rtol=1e-5, atol=1e-7)


def _mixed_helper(x, w):
    return np.sum(np.sin(x * w) * w)


def mixed_through_helper(x, w):
    return _mixed_helper(x, w)


def test_mixed_second_derivatives_through_a_returned_helper():
    x, w = np.array([0.4, -0.3, 0.8]), np.array([1.0, 2.0, -0.5])
    g = srcdiff.grad(mixed_through_helper, wrt=0)
    eps = 1e-6
    want = np.stack([(g(x, w + e) - g(x, w - e)) / (2 * eps) for e in np.eye(3) * eps], -1)
    assert np.abs(want).max() > 0.1
    np.testing.assert_allclose(srcdiff.jacobian(g, wrt=1)(x, w), want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.grad(g, wrt=1)(x, w), want.sum(axis=0), rtol=1e-5,
                               atol=1e-7)


# --- stop_gradient holds in second derivatives ------------------------------------------
def stopped_scale(x):
    return np.sum(x ** 2 * srcdiff.stop_gradient(x))


def scaled(x, s):
    return np.sum(x ** 2 * s)


def test_stop_gradient_holds_to_second_order():
    """The emitted gradient kept `s = x` for `s = stop_gradient(x)`, so forward mode over it
    (hvp, hessian) and grad of grad differentiated through the stop (2x too much here). The
    stopped value is a constant: the answer is that of scaled(x, s) at s = x, whose hvp is
    checked against central differences of its gradient."""
    from gradcheck import check_hvp
    x = np.array([1.5, -0.5, 2.0])
    v = np.array([1.0, 0.5, -2.0])
    want = check_hvp(scaled, x, x.copy(), vector=v)
    np.testing.assert_allclose(srcdiff.hvp(stopped_scale)(x, v), want, rtol=1e-12)
    np.testing.assert_allclose(srcdiff.grad(stopped_scale)(x), srcdiff.grad(scaled)(x, x))
    assert srcdiff.grad(srcdiff.grad(lambda x: x ** 2 * srcdiff.stop_gradient(x)))(1.5) == \
        pytest.approx(check_hvp(scaled, 1.5, 1.5, vector=1.0))
