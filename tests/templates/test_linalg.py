"""Every rule in templates/linalg.py against central differences."""
import numpy as np
import pytest

from gradcheck import check

rng = np.random.default_rng(3)


def _x(*shape):
    return rng.normal(size=shape)


DOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
              ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((), (2, 3)),
              ((2, 3), ())]


def _weights(shape):
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


@pytest.mark.parametrize("sa,sb", DOT_SHAPES, ids=[f"{a}x{b}" for a, b in DOT_SHAPES])
def test_dot(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.dot(a, b)))
    check(lambda a, b: np.sum(np.dot(a, b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(a.dot(b) * w), a, b, wrt=(0, 1))


def test_dot_python_floats():
    check(lambda s, t: np.dot(s, t) * 2.0, 0.3, -0.7, wrt=(0, 1))


INNER_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 3), (4, 3)),
                ((2, 2, 3), (4, 3)), ((2, 3), (2, 4, 3)), ((), (2, 3))]


@pytest.mark.parametrize("sa,sb", INNER_SHAPES, ids=[f"{a}x{b}" for a, b in INNER_SHAPES])
def test_inner(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(np.inner(a, b)))
    check(lambda a, b: np.sum(np.inner(a, b) * w), a, b, wrt=(0, 1))


def test_vdot_outer():
    a, b = _x(2, 3), _x(3, 2)
    check(lambda a, b: np.vdot(a, b) * 2.0, a, b, wrt=(0, 1))
    u, v = _x(3), _x(2, 2)
    w = _weights((3, 4))
    check(lambda u, v: np.sum(np.outer(u, v) * w), u, v, wrt=(0, 1))


@pytest.mark.parametrize("sa,sb", [((3, 3), (3, 3)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((2, 3, 4), (4, 2)), ((1, 3, 4), (2, 4, 2)), ((3,), (3,))])
def test_matmul(sa, sb):
    a, b = _x(*sa), _x(*sb)
    w = _weights(np.shape(a @ b))
    check(lambda a, b: np.sum((a @ b) * w), a, b, wrt=(0, 1))
    check(lambda a, b: np.sum(np.matmul(a, b) * w), a, b, wrt=(0, 1))


def _well_conditioned(*shape):
    n = shape[-1]
    return _x(*shape) * 0.3 + np.eye(n) * 2.0


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape)
    check(lambda a: np.sum(np.linalg.inv(a) * w), a)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (1, 1)])
def test_det(shape):
    a = _well_conditioned(*shape)
    w = _weights(shape[:-2])
    check(lambda a: np.sum(np.linalg.det(a) * w), a)


def _rank(n, r, *batch):
    return np.matmul(_x(*batch, n, r), _x(*batch, r, n))


SINGULAR = {"2x2 rank 1": _rank(2, 1), "3x3 rank 2": _rank(3, 2), "3x3 rank 1": _rank(3, 1),
            "4x4 rank 2": _rank(4, 2), "zero 3x3": np.zeros((3, 3)),
            "stack with a singular one": np.stack([_rank(3, 2), _well_conditioned(3, 3)]),
            "stack of singular ones": _rank(3, 2, 2)}


@pytest.mark.parametrize("a", SINGULAR.values(), ids=SINGULAR.keys())
def test_det_at_singular_matrices(a):
    """The derivatives of det used inv(a): LinAlgError 'Singular matrix' (found by the
    random-program tester), though det is a polynomial, smooth everywhere."""
    w = _weights(a.shape[:-2])
    check(lambda a: np.sum(np.linalg.det(a) * w), a)
    check(lambda a: np.sum(np.linalg.det(a * a + 1.0) * w), a)  # singular only where a is
    check(lambda a: np.sum(np.linalg.det(a) ** 2 * w), a)


@pytest.mark.parametrize("a", [_x(2, 2) + 1j * _x(2, 2), _x(3, 3) + 1j * _x(3, 3),
                               _rank(3, 2) * (1 + 2j), _rank(3, 1) * (1 - 1j)],
                         ids=["2x2", "3x3", "3x3 rank 2", "3x3 rank 1"])
def test_det_of_complex_matrices(a):
    """det is holomorphic: its rules take no conjugate (the complex rules' convention)."""
    check(lambda a: np.real(np.linalg.det(a)) + 2.0 * np.imag(np.linalg.det(a)), a)
    check(lambda a: np.abs(np.linalg.det(a) + 0.5) ** 2, a)


@pytest.mark.parametrize("sa,sb", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 2)),
                                   ((2, 3, 3), (3,))])
def test_solve(sa, sb):
    a, b = _well_conditioned(*sa), _x(*sb)
    w = _weights(np.shape(np.linalg.solve(a, b)))
    check(lambda a, b: np.sum(np.linalg.solve(a, b) * w), a, b, wrt=(0, 1))


# -- numpy.vdot of complex values: conjugate-linear in its first argument ------------------
import srcdiff  # noqa: E402


from gradcheck import complex_numerical_grad as _complex_fd  # noqa: E402


B_COMPLEX = np.array([0.5 - 1.0j, 2.0 + 0.5j, -0.3 + 0.2j])


def vdot_first(z):
    v = np.vdot(z, B_COMPLEX)
    return np.real(v) * 2.0 + np.imag(v) * 3.0 + np.real(v * v)


def vdot_second(z):
    v = np.vdot(B_COMPLEX, z)
    return np.real(v) * 2.0 + np.imag(v) * 3.0 + np.real(v * v)


def vdot_self(z):
    v = np.vdot(z, z * 1j + 1.0)
    return np.real(v) - 2.0 * np.imag(v)


@pytest.mark.parametrize("f", [vdot_first, vdot_second, vdot_self])
def test_vdot_of_complex_values(f):
    """The adjoint of a in vdot(a, b) missed the conjugate of the incoming derivative (wrong
    wherever the result's imaginary part matters)."""
    from gradcheck import check_hvp
    z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])
    np.testing.assert_allclose(srcdiff.grad(f)(z), _complex_fd(f, z), rtol=1e-6, atol=1e-8)
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    fd = (f(z + 1e-6 * t) - f(z - 1e-6 * t)) / 2e-6
    assert srcdiff.jvp(f)(z, t)[1] == pytest.approx(fd, rel=1e-6)
    check_hvp(f, z, vector=t)


def list_dot(x):
    return np.dot([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0])


def list_inner(x):
    return np.inner([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0])


@pytest.mark.parametrize("f", [list_dot, list_inner])
def test_list_arguments(f):
    """dot and inner of lists crashed in reverse mode (list times a float)."""
    from gradcheck import check
    check(f, np.array([0.37, 0.9]))


def list_vdot(x):
    return np.vdot([x[0], 2.0 * x[1]], [x[1] * x[1], 1.0]) * x[0]


def test_vdot_of_lists():
    from gradcheck import check
    check(list_vdot, np.array([0.37, 0.9]))
