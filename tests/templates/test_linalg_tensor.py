"""templates/linalg_tensor.py: numpy.linalg.tensorsolve, tensorinv and cond (every p) against
central differences, both modes and second order, with respect to every array, in several foldings."""
import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(22)


def _well_conditioned(rows, cols_shape):
    """An array whose matrix (rows x prod(cols_shape)) is the identity plus a small part."""
    n = int(np.prod(cols_shape))
    return (np.eye(rows, n) * 2.0 + 0.3 * rng.normal(size=(rows, n)))


@pytest.mark.parametrize("a_lead,x_shape", [((6,), (6,)), ((2, 3), (6,)), ((2, 3), (3, 2)),
                                            ((4,), (2, 2))])
def test_tensorsolve(a_lead, x_shape):
    a = _well_conditioned(int(np.prod(a_lead)), x_shape).reshape(a_lead + x_shape)
    b = rng.normal(size=a_lead)
    w = rng.normal(size=x_shape)
    check(lambda a, b: np.sum(np.sin(np.linalg.tensorsolve(a, b)) * w), a, b, wrt=(0, 1))


@pytest.mark.parametrize("shape,ind", [((2, 3, 6), 2), ((6, 2, 3), 1), ((2, 2, 2, 2), 2),
                                       ((4, 4), 1)])
def test_tensorinv(shape, ind):
    m = int(np.prod(shape[:ind]))
    a = _well_conditioned(m, shape[ind:]).reshape(shape)
    w = rng.normal(size=shape[ind:] + shape[:ind])
    check(lambda a: np.sum(np.sin(np.linalg.tensorinv(a, ind=ind)) * w), a)
    if ind == 2:
        check(lambda a: np.sum(np.linalg.tensorinv(a) ** 2), a)


def tensorsolve_axes(a, b):
    return np.sum(np.linalg.tensorsolve(a, b, axes=(0,)))


def test_tensorsolve_axes_is_refused_at_the_line():
    from issue13_cases import refused_in_both_modes
    a = _well_conditioned(6, (6,)).reshape(6, 2, 3)
    refused_in_both_modes(tensorsolve_axes, (a, rng.normal(size=(2, 3))), (0, 1),
                          "does not accept this call")


# -- cond (every p NumPy takes: the product of x's norm and its inverse's) -------------------
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 3)])
def test_cond(shape):
    x = rng.normal(size=shape)
    w = rng.normal(size=shape[:-2])
    check(lambda x: np.sum(np.sin(np.linalg.cond(x)) * w), x, rtol=1e-4, atol=1e-6)


def cond_fro(x):
    return np.linalg.cond(x, "fro")


@pytest.mark.parametrize("p, order", [
    ("fro", 2), (1, 2), (-1, 1), (np.inf, 1), (-np.inf, 1), (-2, 2), (2, 1), ("nuc", 1)])
def test_cond_with_p(p, order):
    x = rng.normal(size=(2, 3, 3)) * 0.3 + 2.0 * np.eye(3)
    w = rng.normal(size=2)
    check(lambda x: np.sum(np.sin(np.linalg.cond(x, p)) * w), x, order=order, rtol=1e-4,
          atol=1e-6)


def test_cond_minus_2_of_a_rectangular_matrix_and_fro_as_a_function():
    check(lambda x: np.linalg.cond(x, -2), rng.normal(size=(2, 4)), rtol=1e-4)
    check(cond_fro, rng.normal(size=(3, 3)) + 2.0 * np.eye(3), order=1)
