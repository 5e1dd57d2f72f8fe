"""srcdiff/api_composite.py: hvp, hessian and jacobian as Composites assembled from emitted
derivatives (forward over the emitted gradient; one vjp per output element or one jvp per
input element), checked against finite differences of the function itself, with their
shapes, their argument checks and their refusals of complex values."""
import collections

import numpy as np
import pytest

import srcdiff
from srcdiff.derivative import Composite

from gradcheck import check_hvp, numerical_hessian


def energy(x, k):
    return np.sum(np.sin(x) * x * x) * k + np.prod(x[:2])


def field(x, a):
    return np.stack([np.sin(x[0] * x[1]), x[2] * x[0] * a, np.exp(x[1])])


def matrix_field(m):
    return m @ m


def holomorphic(z):
    return z * z + np.exp(z)


def conjugating(z):
    return np.conj(z) * z[0]


X = np.array([0.4, -1.3, 0.9])


def fd_jacobian(f, x, *rest, h=1e-6):
    x = np.asarray(x)
    columns = []
    for i in range(x.size):
        e = np.zeros(x.size, dtype=x.dtype)
        e[i] = h
        e = e.reshape(x.shape)
        columns.append((np.asarray(f(x + e, *rest)) - np.asarray(f(x - e, *rest))) / (2 * h))
    out_shape = np.shape(f(x, *rest))
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def test_the_hessian_is_the_second_differences_of_the_function():
    H = srcdiff.hessian(energy)(X, 1.5)
    assert isinstance(srcdiff.hessian(energy), Composite) and H.shape == (3, 3)
    np.testing.assert_allclose(H, numerical_hessian(energy, X, 1.5), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def test_the_hessian_of_a_matrix_parameter_has_its_shape_twice():
    def trace_cubed(m):
        return np.trace(m @ m @ m)
    m = np.array([[0.5, -1.0], [2.0, 0.25]])
    H = srcdiff.hessian(trace_cubed)(m)
    assert H.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(H, numerical_hessian(trace_cubed, m), rtol=1e-5, atol=1e-6)


def test_the_hessian_with_respect_to_another_parameter():
    def both(k, x):
        return np.sum(np.cos(x * k) * x)
    H = srcdiff.hessian(both, wrt=1)(1.5, X)
    np.testing.assert_allclose(H, numerical_hessian(lambda x, k: both(k, x), X, 1.5), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(srcdiff.hessian(both, argnums=1)(1.5, X), H)


def test_a_hessian_of_a_float_is_a_float():
    H = srcdiff.hessian(lambda x: x ** 3 * np.sin(x))(0.7)
    expected = numerical_hessian(lambda x: float(x[0] ** 3 * np.sin(x[0])), np.array([0.7]))
    assert np.ndim(H) == 0
    np.testing.assert_allclose(H, expected[0, 0], rtol=1e-5)


def test_the_hessian_and_jacobian_of_float32_inputs_are_float32_as_grad_and_hvp_are():
    x = X.astype(np.float32)
    g = srcdiff.grad(energy)(x, 1.5)
    hv = srcdiff.hvp(energy)(x, 1.5, np.ones(3, np.float32))
    H = srcdiff.hessian(energy)(x, 1.5)
    assert g.dtype == hv.dtype == H.dtype == np.float32 and H.shape == (3, 3)
    np.testing.assert_allclose(H, numerical_hessian(energy, X, 1.5), rtol=1e-3, atol=1e-3)
    for mode in ("reverse", "forward"):
        J = srcdiff.jacobian(field, mode=mode)(x, np.float32(2.0))
        assert J.dtype == np.float32, mode
        np.testing.assert_allclose(J, fd_jacobian(field, X, 2.0), rtol=1e-3, atol=1e-3)
    scalar = np.float32(0.7)
    h = srcdiff.hessian(lambda s: s ** 3 * np.sin(s))(scalar)
    assert type(h) is type(srcdiff.grad(lambda s: s ** 3 * np.sin(s))(scalar)) is np.float32
    for mode in ("reverse", "forward"):
        assert type(srcdiff.jacobian(lambda s: s * s, mode=mode)(scalar)) is np.float32, mode


def test_hvp_is_the_hessian_times_the_vector_without_forming_it():
    v = np.array([1.0, -0.5, 2.0])
    hv = srcdiff.hvp(energy)(X, 1.5, v)
    assert isinstance(srcdiff.hvp(energy), Composite)
    np.testing.assert_allclose(hv, numerical_hessian(energy, X, 1.5) @ v, rtol=1e-5, atol=1e-6)
    check_hvp(energy, X, 1.5, vector=v)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_jacobian_in_either_mode_is_the_columns_of_finite_differences(mode):
    J = srcdiff.jacobian(field, mode=mode)(X, 2.0)
    assert J.shape == (3, 3)
    np.testing.assert_allclose(J, fd_jacobian(field, X, 2.0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_jacobian_has_shape_output_then_input(mode):
    m = np.array([[0.5, -1.0, 0.0], [2.0, 0.25, 1.0], [0.3, 0.1, -0.7]])
    J = srcdiff.jacobian(matrix_field, mode=mode)(m)
    assert J.shape == (3, 3, 3, 3)
    np.testing.assert_allclose(J, fd_jacobian(matrix_field, m), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_jacobian_of_a_holomorphic_function_is_its_complex_derivative(mode):
    z = np.array([0.3 + 0.5j, -1.0 + 0.2j])
    J = srcdiff.jacobian(holomorphic, mode=mode)(z)
    np.testing.assert_allclose(J, fd_jacobian(holomorphic, z), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(J, np.diag(2 * z + np.exp(z)), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_jacobian_of_a_function_that_is_not_holomorphic_is_refused(mode):
    z = np.array([0.3 + 0.5j, -1.0 + 0.2j])
    with pytest.raises(srcdiff.ArgumentError, match="not holomorphic"):
        srcdiff.jacobian(conjugating, mode=mode)(z)


def test_complex_hessians_are_refused_with_a_pointer_to_hvp():
    def norm2(z):
        return np.sum(np.abs(z) ** 2)
    with pytest.raises(srcdiff.ArgumentError, match="srcdiff.hvp"):
        srcdiff.hessian(norm2)(np.array([0.3 + 0.5j, 1.0]))


@pytest.mark.parametrize("make, match", [
    (lambda: srcdiff.jacobian(field, mode="sideways"), "mode must be"),
    (lambda: srcdiff.jacobian(field, wrt=(0, 1)), "one parameter"),
    (lambda: srcdiff.hessian(energy, wrt=(0, 1)), "one parameter|with respect to one"),
    (lambda: srcdiff.hvp(energy, wrt=(0, 1)), "one parameter|with respect to one"),
])
def test_arguments_a_composite_cannot_take_are_refused_when_it_is_made(make, match):
    with pytest.raises(srcdiff.ArgumentError, match=match):
        make()


def test_arguments_are_copied_through_named_tuples_and_dict_classes():
    """jacobian and hessian call f on copies of its arguments (f may write into them): a
    named tuple or an OrderedDict / defaultdict holding arrays is copied too, its class kept."""
    import collections
    import typing

    from srcdiff.api_composite import _copied

    class Pair(typing.NamedTuple):
        w: np.ndarray
        b: float
    w = np.ones(2)
    for tree in (Pair(w, 1.0), collections.OrderedDict(w=w),
                 collections.defaultdict(float, w=w)):
        out = _copied(tree)
        assert type(out) is type(tree)
        held = out[0] if isinstance(out, tuple) else out["w"]
        assert held is not w and np.array_equal(held, w)


# -- hunt19: the Jacobian of a function returning a tuple, a list or a dict -----------------
def doubled_and_squared(x):
    return x * 2.0, np.sin(x) ** 2


def state_and_loss(x):
    return np.tanh(x), np.sum(x * x)


def named_outputs(x):
    return {"a": x * 2.0, "b": x ** 2}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_a_tuple_of_equal_shapes_stacks_like_an_array(mode):
    x = np.array([0.3, -1.2, 0.8])
    got = srcdiff.jacobian(doubled_and_squared, mode=mode)(x)
    eps, want = 1e-6, np.zeros((2, 3, 3))
    for j in range(3):
        e = np.zeros(3)
        e[j] = eps
        want[..., j] = (np.array(doubled_and_squared(x + e)) -
                        np.array(doubled_and_squared(x - e))) / (2 * eps)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f", [state_and_loss, named_outputs])
def test_jacobian_of_outputs_that_do_not_stack_is_refused(mode, f):
    # it crashed in NumPy (an inhomogeneous shape; float() of a dict)
    with pytest.raises(srcdiff.ArgumentError, match="do not stack into one array"):
        srcdiff.jacobian(f, mode=mode)(np.array([0.3, -1.2, 0.8]))


Pair = collections.namedtuple("Pair", ["w", "b"])


def of_a_dict(d):
    return np.sum(d["a"] ** 2 * d["b"]) + d["c"] ** 3


def of_a_pair(p):
    return np.sum(p.w ** 3) * p.b ** 2


@pytest.mark.parametrize("what", ["hessian", "jacobian"])
@pytest.mark.parametrize("f,arg", [
    (of_a_dict, {"a": np.array([1.0, 2.0]), "b": np.array([0.5, -1.0]), "c": 0.7}),
    (of_a_pair, Pair(np.array([1.0, 2.0]), 0.3))])
def test_hessian_and_jacobian_wrt_a_container_that_does_not_stack_are_refused(what, f, arg):
    # they crashed in NumPy (float() of a dict; an inhomogeneous shape)
    with pytest.raises(srcdiff.ArgumentError, match="do not stack into one array"):
        getattr(srcdiff, what)(f)(arg)


def product_of_items(xs):
    a, b, c = xs
    return a * b * c + a ** 3 * c


def items_squared(xs):
    return [xs[0] * xs[1], xs[2] ** 2, xs[0] + xs[1]]


def rows_product(rows):
    return np.sum(rows[0] * rows[1] ** 2)


@pytest.mark.parametrize("kind", [list, tuple])
def test_the_hessian_and_forward_jacobian_of_a_list_of_numbers_take_list_tangents(kind):
    # they raised "the tangent for xs must be a list or tuple of 3 tangents ... got
    # ndarray", a tangent the caller never passed: the units were arrays
    xs = kind([0.3, -1.2, 0.7])
    array = np.array(xs)
    H = srcdiff.hessian(product_of_items)(xs)
    np.testing.assert_allclose(H, numerical_hessian(product_of_items, array),
                               rtol=1e-5, atol=1e-6)
    J = srcdiff.jacobian(items_squared, mode="forward")(xs)
    np.testing.assert_allclose(J, fd_jacobian(items_squared, array), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(J, srcdiff.jacobian(items_squared)(xs), rtol=1e-12)


def test_the_hessian_of_a_list_of_equal_arrays_reads_it_as_one_array():
    rows = [np.array([0.5, -1.0]), np.array([0.3, 0.8])]
    H = srcdiff.hessian(rows_product)(rows)
    assert H.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(H, numerical_hessian(rows_product, np.array(rows)),
                               rtol=1e-5, atol=1e-6)


def test_the_forward_jacobian_of_a_list_of_complex_numbers_takes_list_tangents():
    zs = [0.3 + 0.5j, -1.0 + 0.2j]
    J = srcdiff.jacobian(holomorphic_items, mode="forward")(zs)
    np.testing.assert_allclose(J, fd_jacobian(holomorphic_items, np.array(zs)),
                               rtol=1e-6, atol=1e-8)


def holomorphic_items(zs):
    return [zs[0] * zs[1], zs[1] ** 2]


def wavy(x):
    return np.sum(np.sin(x) * x) + x[0] * x[1] ** 2


WAVY_JVP = srcdiff.jvp(wavy)


def value_and_slope(x):
    return WAVY_JVP(x, np.array([1.1, 0.4, -0.6]))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_jacobian_of_a_pair_of_numbers_from_a_derivative_called_inside(mode):
    # reverse mode passed an array cotangent for the (value, slope) tuple, which the vjp
    # of the composed derivative refused: "the cotangent must be a tuple or list of 2 values"
    x = np.array([0.3, -1.2, 0.7])
    J = srcdiff.jacobian(value_and_slope, mode=mode)(x)
    np.testing.assert_allclose(J, fd_jacobian(lambda v: np.array(value_and_slope(v)), x),
                               rtol=1e-6, atol=1e-8)
