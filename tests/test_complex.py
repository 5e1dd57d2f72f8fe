"""Complex values follow one convention in every path (README, "Complex numbers"): the
gradient of a real f of z = a + ib is df/da - i df/db, so the cotangent of a real-valued
intermediate (abs, real, imag, norm, var, std of complex values) is real. Every answer here
is checked against complex finite differences (gradcheck), in reverse and forward mode and
to second order."""
import numpy as np
import pytest

import srcdiff
from srcdiff.errors import ArgumentError

from gradcheck import check, complex_numerical_grad

pytestmark = pytest.mark.filterwarnings("error")  # no ComplexWarning on any path

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])


def abs_times_z(z):
    return np.sum(np.real(np.abs(z) * z))


def test_issue_example_gradient_matches_finite_differences():
    z = np.array([1.0 + 2.0j])
    got = srcdiff.grad(abs_times_z)(z)
    np.testing.assert_allclose(got, complex_numerical_grad(abs_times_z, z), rtol=1e-7)
    check(abs_times_z, z)


def builtin_abs_times_z(z):
    return np.sum(np.real(abs(z) * z))


def real_times_z(z):
    return np.sum(np.real(np.real(z) * z))


def imag_times_z(z):
    return np.sum(np.imag(np.imag(z) * z))


def norm_times_z(z):
    return np.sum(np.real(np.linalg.norm(z) * z))


def var_times_z(z):
    return np.sum(np.imag(np.var(z) * z * z))


def std_times_z(z):
    return np.sum(np.real(np.std(z) * (1 - 2j) * z))


def abs_into_complex_matmul(z):
    w = np.abs(z) @ np.array([[1.0 + 1.0j, 2.0], [0.5j, -1.0], [1.0, 1.0 - 1.0j]])
    return np.sum(np.real(w * np.conj(w)))


def abs_through_real_helpers(z):
    r = np.sin(np.abs(z)) * 2.0          # real all the way from abs(z) ...
    return np.sum(np.real(r * z * 1j))   # ... until it meets z again


@pytest.mark.parametrize("f", [abs_times_z, builtin_abs_times_z, real_times_z, imag_times_z,
                               norm_times_z, var_times_z, std_times_z,
                               abs_into_complex_matmul, abs_through_real_helpers])
def test_real_intermediates_of_complex_values(f):
    check(f, Z)
    np.testing.assert_allclose(srcdiff.grad(f)(Z), complex_numerical_grad(f, Z),
                               rtol=1e-6, atol=1e-8)


def phase_of_real(x):
    return np.sum(np.real(np.exp(1j * x) * (2.0 - 1.0j)) * x)


def test_real_input_through_complex_values_has_a_real_gradient():
    x = np.array([0.3, 1.2, -0.4])
    g = check(phase_of_real, x)
    assert g.dtype == np.float64


def mixed(x, z):
    return np.sum(np.abs(x * z) ** 2 + np.real(x * np.conj(z)))


def test_real_and_complex_arguments_together():
    check(mixed, np.array([0.3, 1.2, -0.4]), Z, wrt=(0, 1))


def test_jvp_with_complex_tangents():
    t = np.array([0.3 + 0.1j, -1.0 + 0.5j, 0.2 - 0.4j])
    value, tangent = srcdiff.jvp(abs_times_z)(Z, t)
    eps = 1e-6
    want = (abs_times_z(Z + eps * t) - abs_times_z(Z - eps * t)) / (2 * eps)
    assert value == pytest.approx(abs_times_z(Z))
    assert tangent == pytest.approx(want, rel=1e-6)


# --- jacobian -------------------------------------------------------------------------

def _fd_jacobian(f, x, eps=1e-6):
    """J[out..., in...] by central differences along each input's real direction (the
    complex derivative of a holomorphic f; for a real input, its only direction)."""
    cols = []
    for i in np.ndindex(np.shape(x)):
        e = np.zeros_like(x)
        e[i] = eps
        cols.append((f(x + e) - f(x - e)) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(np.shape(f(x)) + np.shape(x))


def holomorphic(z):
    return z * z + np.exp(z) * z[0]


def real_of_complex(z):
    return np.abs(z) * np.real(z) + np.imag(z * z)


def complex_of_real(x):
    return np.exp(1j * x) * x


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_holomorphic_function_is_its_complex_derivative(mode):
    got = srcdiff.jacobian(holomorphic, mode=mode)(Z)
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, _fd_jacobian(holomorphic, Z), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_real_function_of_complex_values_is_the_gradient(mode):
    got = srcdiff.jacobian(real_of_complex, mode=mode)(Z)
    rows = [complex_numerical_grad(lambda z, k=k: real_of_complex(z)[k], Z)
            for k in range(len(Z))]
    np.testing.assert_allclose(got, np.stack(rows), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_complex_function_of_real_values(mode):
    x = np.array([0.3, 1.2, -0.4])
    got = srcdiff.jacobian(complex_of_real, mode=mode)(x)
    np.testing.assert_allclose(got, _fd_jacobian(complex_of_real, x), rtol=1e-6, atol=1e-8)
    assert np.abs(got.imag).max() > 0.1  # the imaginary part is kept


def conjugated(z):
    return np.conj(z) * z[0]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_non_holomorphic_complex_function_is_refused(mode):
    with pytest.raises(ArgumentError, match="not holomorphic"):
        srcdiff.jacobian(conjugated, mode=mode)(Z)


def sum_abs(z):
    return np.sum(np.abs(z) ** 3)


def test_hessian_at_complex_values_is_refused_and_hvp_checked():
    with pytest.raises(ArgumentError, match="complex values"):
        srcdiff.hessian(sum_abs)(Z)
    with pytest.raises(ArgumentError, match="complex values"):
        srcdiff.jacobian(srcdiff.grad(sum_abs))(Z)
    check(sum_abs, Z)  # order 2: forward over reverse with complex tangents


# --- real and complex values mixed, through indexing, stacking and loops ----------------

ZS = np.array([1.0 + 2.0j, 0.5 - 1.0j])
XS = np.array([0.3, 1.2, -0.4])


def sliced_real_times_complex(x, z):
    return np.sum(np.real(x[1:] * z))


def written_real_times_complex(x, z):
    y = x[:2] * 2.0
    y[0] = 1.0
    return np.sum(np.real(y * z))


def fancy_indexed_real_times_complex(x, z):
    return np.sum(np.real(x[[0, 2]] * z))


def concatenated(x, z):
    both = np.concatenate([x, z])
    return np.sum(np.abs(both) ** 2 * both.real)


def stacked(x, z):
    return np.sum(np.imag(np.stack([x[:2], z]) * z))


def where_mixed(x, z):
    return np.sum(np.real(np.where(x[:2] > 0, x[:2] * z, z)))


def dot_mixed(x, z):
    return np.real(np.dot(x[1:], z)) + np.real(x[1:] @ z)


def loop_mixed(x, z):
    s = 0.0
    for v in x:
        s = s + v * z[0]
    return np.real(s * np.conj(z[1]))


def masked_phase(x, z):
    return np.sum(np.real(np.exp(1j * x[x > 0]) * z[0]))


@pytest.mark.parametrize("f", [sliced_real_times_complex, written_real_times_complex,
                               fancy_indexed_real_times_complex, concatenated, stacked,
                               where_mixed, dot_mixed, loop_mixed, masked_phase])
def test_real_and_complex_values_mixed(f):
    g = check(f, XS, ZS, wrt=(0, 1))
    assert g[0].dtype == np.float64 and g[1].dtype == np.complex128


# -- grad of a function whose output is complex: the gradient of its real part, as vjp with
# the cotangent 1 gives (a cotangent pairs with a value by Re(sum(u * y))); JAX, PyTorch and
# autograd refuse such an output. Checked against finite differences of the real part, for a
# real and a complex input, and through a global complex array the function reads
W_COMPLEX = np.array([1.0 + 1.0j, 2.0 - 0.5j, 3.0])


def _complex_output(x):
    return np.sum(np.tanh(W_COMPLEX * x) ** 2)


def _its_real_part(x):
    return np.real(_complex_output(x))


def test_grad_of_a_complex_output_is_the_gradient_of_its_real_part():
    x = np.array([0.1, -0.2, 0.3])
    np.testing.assert_allclose(srcdiff.grad(_complex_output)(x),
                               srcdiff.grad(_its_real_part)(x), rtol=1e-12)
    check(_its_real_part, x)
    z = x + 0.2j
    np.testing.assert_allclose(srcdiff.grad(_complex_output)(z),
                               complex_numerical_grad(_its_real_part, z), rtol=1e-6)
