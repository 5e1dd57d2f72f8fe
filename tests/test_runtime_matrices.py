"""srcdiff/runtime_matrices.py called directly: each adjoint is the transpose of the primal's
derivative, so it must equal the central-difference vector-Jacobian product
numerical_grad(primal, args, i, cotangent=g); each tangent the directional difference."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from srcdiff.errors import RuntimeRefusal
from srcdiff.runtime_matrices import (check_norm_order, det_cofactor, det_grad, dot_grad_left,
                                      dot_grad_right, inner_grad, matmul_grad_left,
                                      matmul_grad_right, norm_axes, norm_weights, solve_grad_a,
                                      solve_grad_b, solve_tangent_a)

rng = np.random.default_rng(7)


def _vjp(f, args, i, g):
    return numerical_grad(f, args, i, cotangent=g)


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 1))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_matmul_adjoints_match_finite_differences(sa, sb):
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    g = rng.normal(size=np.shape(a @ b))
    ga, gb = matmul_grad_left(g, a, b), matmul_grad_right(g, a, b)
    assert np.shape(ga) == sa and np.shape(gb) == sb   # broadcast stacks summed back
    np.testing.assert_allclose(ga, _vjp(np.matmul, [a, b], 0, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb, _vjp(np.matmul, [a, b], 1, g), rtol=1e-6, atol=1e-8)


DOT_SHAPES = [((), (3,)), ((3,), ()), ((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)),
              ((3,), (3, 2)), ((2, 2, 3), (4, 3, 2)), ((2, 3), (2, 3, 4))]


@pytest.mark.parametrize("sa,sb", DOT_SHAPES)
def test_dot_adjoints_match_finite_differences(sa, sb):
    a = rng.normal(size=sa) if sa else float(rng.normal())
    b = rng.normal(size=sb) if sb else float(rng.normal())
    g = rng.normal(size=np.shape(np.dot(a, b)))
    ga, gb = dot_grad_left(g, a, b), dot_grad_right(g, a, b)
    assert np.shape(ga) == sa and np.shape(gb) == sb
    np.testing.assert_allclose(ga, _vjp(np.dot, [a, b], 0, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gb, _vjp(np.dot, [a, b], 1, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3)),
                                   ((2, 3), (3,))])
def test_inner_adjoints_match_finite_differences(sa, sb):
    a = rng.normal(size=sa) if sa else float(rng.normal())
    b = rng.normal(size=sb)
    g = rng.normal(size=np.shape(np.inner(a, b)))
    for which in (0, 1):
        got = inner_grad(g, a, b, which)
        assert np.shape(got) == (sa, sb)[which]
        np.testing.assert_allclose(got, _vjp(np.inner, [a, b], which, g), rtol=1e-6,
                                   atol=1e-8)


@pytest.mark.parametrize("shape,ord,axis", [
    ((5,), None, None), ((5,), 1, None), ((5,), 3, None), ((5,), np.inf, None),
    ((3, 4), None, None), ((3, 4), "fro", None), ((3, 4), 1, None), ((3, 4), np.inf, None),
    ((3, 4), 2, None), ((3, 4), "nuc", None), ((3, 4), None, 1), ((2, 3, 4), None, (1, 2)),
])
def test_norm_weights_are_the_norms_gradient(shape, ord, axis):
    x = rng.normal(size=shape)
    y = np.linalg.norm(x, ord=ord, axis=axis)
    axes = norm_axes(x, ord, axis, "norm")[0]
    g = rng.normal(size=np.shape(y))
    got = norm_weights(x, y, ord, axis, False) * np.expand_dims(g, axes)
    want = _vjp(lambda v: np.linalg.norm(v, ord=ord, axis=axis), [x], 0, g)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_norm_weights_at_zero_are_zero_not_nan():
    x = np.zeros(4)
    w = norm_weights(x, np.linalg.norm(x), None, None, False)
    assert np.array_equal(w, np.zeros(4))


def test_complex_norm_orders_are_refused_at_the_users_line(tmp_path):
    source = tmp_path / "user.py"
    source.write_text("import numpy as np\ny = np.linalg.norm(z, ord=1)\n")
    z = rng.normal(size=3) + 1j * rng.normal(size=3)
    check_norm_order(z, None, None, "norm", f"{source}:2")        # default order: fine
    check_norm_order(z, 2, None, "norm", f"{source}:2")           # 2-norm of a vector: fine
    check_norm_order(z.real, 1, None, "norm", f"{source}:2")      # real: every order
    with pytest.raises(RuntimeRefusal) as info:
        check_norm_order(z, 1, None, "norm", f"{source}:2")
    assert info.value.lineno == 2 and "ord=1" in info.value.reason
    assert info.value.line == "y = np.linalg.norm(z, ord=1)"
    with pytest.raises(RuntimeRefusal):
        check_norm_order(np.outer(z, z), 2, None, "norm", f"{source}:2")  # matrix 2-norm


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_det_adjoint_matches_finite_differences(shape):
    a = rng.normal(size=shape)
    g = rng.normal(size=shape[:-2])
    np.testing.assert_allclose(det_grad(g, a), _vjp(np.linalg.det, [a], 0, g), rtol=1e-6,
                               atol=1e-8)


def test_det_cofactor_is_defined_at_singular_matrices():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.5, -1.0, 2.0]])   # rank 2
    want = numerical_grad(np.linalg.det, [a], 0)
    np.testing.assert_allclose(det_cofactor(a), want, rtol=1e-6, atol=1e-8)
    assert det_cofactor(np.zeros((0, 0))).shape == (0, 0)


@pytest.mark.parametrize("sb", [(3,), (3, 2)])
def test_solve_adjoints_and_tangent_match_finite_differences(sb):
    a = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    b = rng.normal(size=sb)
    x = np.linalg.solve(a, b)
    g = rng.normal(size=x.shape)
    gb = solve_grad_b(g, a, b)
    np.testing.assert_allclose(gb, _vjp(np.linalg.solve, [a, b], 1, g), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(solve_grad_a(gb, b, x), _vjp(np.linalg.solve, [a, b], 0, g),
                               rtol=1e-6, atol=1e-8)
    da = rng.normal(size=a.shape)
    eps = 1e-6
    want = (np.linalg.solve(a + eps * da, b) - np.linalg.solve(a - eps * da, b)) / (2 * eps)
    np.testing.assert_allclose(solve_tangent_a(da, a, b, x), want, rtol=1e-6, atol=1e-8)


def test_adjoints_do_not_write_their_arguments():
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    g = rng.normal(size=(3, 2))
    before = [a.copy(), b.copy(), g.copy()]
    matmul_grad_left(g, a, b), matmul_grad_right(g, a, b), dot_grad_left(g, a, b)
    for now, then in zip([a, b, g], before):
        assert np.array_equal(now, then)
