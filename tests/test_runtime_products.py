"""srcdiff/runtime_products.py called directly: the adjoints of numpy.kron, cross, tensordot
and einsum against the central-difference vector-Jacobian products of the products."""
import numpy as np
import pytest

from gradcheck import numerical_grad
from srcdiff.runtime_products import (cross_grad, einsum_apply, einsum_grad, einsum_grad_along,
                                      kron_grad, tensordot_grad)

rng = np.random.default_rng(23)


def _vjp(f, args, i, g):
    return numerical_grad(f, args, i, cotangent=g)


@pytest.mark.parametrize("sa,sb", [((2, 3), (4, 1)), ((3,), (2,)), ((2,), (3, 2)),
                                   ((2, 2, 1), (1, 3))])
def test_kron_adjoints(sa, sb):
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    g = rng.normal(size=np.kron(a, b).shape)
    for which in (0, 1):
        got = kron_grad(g, a, b, which)
        assert got.shape == (sa, sb)[which]
        np.testing.assert_allclose(got, _vjp(np.kron, [a, b], which, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("sa,sb,kwargs", [((3,), (3,), {}), ((4, 3), (3,), {}),
                                          ((3, 4), (4, 3), {"axisa": 0, "axisb": 1})])
def test_cross_adjoints(sa, sb, kwargs):
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    primal = lambda u, v: np.cross(u, v, **kwargs)  # noqa: E731
    g = rng.normal(size=np.shape(primal(a, b)))
    axisa, axisb = kwargs.get("axisa", -1), kwargs.get("axisb", -1)
    for which in (0, 1):
        got = cross_grad(g, a, b, axisa, axisb, -1, None, which)
        assert np.shape(got) == (sa, sb)[which]
        np.testing.assert_allclose(got, _vjp(primal, [a, b], which, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("sa,sb,axes", [((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 2), ([1], [0])),
                                        ((3, 4), (4, 3), ([0, 1], [1, 0])), ((2,), (3,), 0)])
def test_tensordot_adjoints(sa, sb, axes):
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    primal = lambda u, v: np.tensordot(u, v, axes)  # noqa: E731
    g = rng.normal(size=np.shape(primal(a, b)))
    for which in (0, 1):
        np.testing.assert_allclose(tensordot_grad(g, a, b, axes, which),
                                   _vjp(primal, [a, b], which, g), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("subscripts,shapes", [("ij,jk->ik", [(2, 3), (3, 4)]),
                                               ("ii->", [(3, 3)]), ("i,i", [(3,), (3,)]),
                                               ("ij,j,k->ik", [(2, 3), (3,), (2,)]),
                                               ("...j,jk", [(2, 2, 3), (3, 2)]),
                                               ("ij->ji", [(2, 3)])])
def test_einsum_adjoints(subscripts, shapes):
    ops = [rng.normal(size=s) for s in shapes]
    primal = lambda *v: np.einsum(subscripts, *v)  # noqa: E731
    y = primal(*ops)
    np.testing.assert_allclose(einsum_apply(subscripts, False, *ops), y)
    g = rng.normal(size=np.shape(y))
    for which in range(len(ops)):
        got = einsum_grad(g, subscripts, which, *ops)
        assert np.shape(got) == shapes[which]
        np.testing.assert_allclose(got, _vjp(primal, ops, which, g), rtol=1e-6, atol=1e-8)


def test_einsum_grad_along_is_linear_in_the_other_operand():
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    g = rng.normal(size=(2, 4))
    t = rng.normal(size=(3, 4))
    np.testing.assert_allclose(einsum_grad_along(g, "ij,jk->ik", 0, 1, a, t),
                               einsum_grad(g, "ij,jk->ik", 0, a, t))
    assert np.all(einsum_grad_along(g, "ij,jk->ik", 0, 0, a, b) == 0)


@pytest.mark.parametrize("shapes", [[(2, 3), (3, 4)], [(2, 3), (3, 4), (4, 2)],
                                    [(3,), (3, 4), (4, 2)], [(2, 3), (3,)],
                                    [(3,), (3, 3), (3, 3), (3,)]])
def test_multi_dot_adjoints_tangent_and_its_own_tangent(shapes):
    from srcdiff.runtime_products import multi_dot_grad, multi_dot_grad_along, multi_dot_tangent
    ops = [rng.normal(size=s) for s in shapes]

    def primal(*v):
        return np.linalg.multi_dot(list(v))
    g = rng.normal(size=np.shape(primal(*ops)))
    grads = multi_dot_grad(g, ops)
    for which in range(len(ops)):
        assert np.shape(grads[which]) == shapes[which]
        np.testing.assert_allclose(grads[which], _vjp(primal, ops, which, g), rtol=1e-6,
                                   atol=1e-8)
    ts = [rng.normal(size=s) for s in shapes]
    eps = 1e-6
    moved = [primal(*[o + s * eps * t for o, t in zip(ops, ts)]) for s in (1, -1)]
    np.testing.assert_allclose(multi_dot_tangent(ts, ops), (moved[0] - moved[1]) / (2 * eps),
                               rtol=1e-6, atol=1e-8)
    along = multi_dot_grad_along(g, ops, ts)
    moved = [multi_dot_grad(g, [o + s * eps * t for o, t in zip(ops, ts)]) for s in (1, -1)]
    for which in range(len(ops)):
        np.testing.assert_allclose(along[which], (moved[0][which] - moved[1][which]) / (2 * eps),
                                   rtol=1e-6, atol=1e-8)
