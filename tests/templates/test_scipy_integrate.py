"""templates/scipy_integrate.py: scipy.integrate.odeint with respect to y0, t and args, in
both modes and to second order (forward over reverse: hvp), against central differences of
odeint itself (tight tolerances, so the differences are meaningful); the refusals, each at
the user's line."""
import dataclasses
import functools

import numpy as np
import pytest

si = pytest.importorskip("scipy.integrate")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402

TOL = 1e-11
T3 = np.array([0.0, 0.4, 1.0])


def decay(y, t, k):
    return -k * y + np.sin(t) * y[::-1]


def through_odeint(y0, k):
    return np.sum(si.odeint(decay, y0, T3, args=(k,), rtol=TOL, atol=TOL) ** 2)


def test_y0_and_a_scalar_argument():
    check(through_odeint, np.array([1.0, 2.0]), 0.5, wrt=(0, 1))


@pytest.mark.parametrize("wrt", [0, 1])
def test_each_alone_with_hvp(wrt):
    check(through_odeint, np.array([1.0, -0.5]), 0.8, wrt=wrt)


def coupled(y, t, p, c):
    """A nonlinear system of three, a vector parameter p and a scalar c."""
    return np.array([-p[0] * y[0] + c * y[1] * y[2],
                     p[1] * y[0] - np.tanh(y[1]) * c,
                     -p[2] * y[2] ** 2 + np.cos(t) * y[0]])


def with_vector_params(y0, p, c):
    ys = si.odeint(coupled, y0, np.linspace(0.0, 1.5, 4), args=(p, c), rtol=TOL, atol=TOL)
    return np.sum(ys * np.arange(1.0, 13.0).reshape(4, 3))


def test_vector_and_scalar_arguments():
    check(with_vector_params, np.array([1.0, 0.5, 0.8]), np.array([0.7, 0.3, 0.5]), 0.9,
          wrt=(0, 1, 2))


@pytest.mark.parametrize("wrt", [1, 2])
def test_arguments_alone_with_hvp(wrt):
    check(with_vector_params, np.array([1.0, 0.5, 0.8]), np.array([0.7, 0.3, 0.5]), 0.9,
          wrt=wrt)


def oscillator(t, y, w):
    return np.array([y[1], -w * y[0] - 0.1 * y[1] * t])


def moving_times(y0, t_end, t_start):
    """Time points built from differentiated values, the first one too (tfirst=True)."""
    t = np.array([0.0, 0.25, 0.6, 1.0]) * (t_end - t_start) + t_start
    return np.sum(si.odeint(oscillator, y0, t, args=(2.0,), tfirst=True, rtol=TOL, atol=TOL) ** 2)


def test_time_points():
    check(moving_times, np.array([1.0, 0.3]), 1.7, 0.2, wrt=(0, 1, 2))


@pytest.mark.parametrize("wrt", [1, 2])
def test_time_points_alone_with_hvp(wrt):
    check(moving_times, np.array([1.0, 0.3]), 1.7, 0.2, wrt=wrt)


def given_times(t):
    return np.sum(si.odeint(decay, np.array([1.0, 0.5]), t, args=(0.6,), rtol=TOL, atol=TOL) ** 2)


def test_time_array_itself():
    check(given_times, np.array([0.1, 0.5, 0.7, 1.2]))


def matrix_flow(y, t, a):
    """A 2 x 2 state, flattened as odeint needs: Y' = A Y - Y^3."""
    m = np.reshape(y, (2, 2))
    return np.reshape(a @ m - m ** 3, (4,))


def matrix_state(m0, a):
    ys = si.odeint(matrix_flow, np.reshape(m0, (4,)), np.array([0.0, 0.5]), args=(a,),
                   rtol=TOL, atol=TOL)
    return np.sum(np.reshape(ys[-1], (2, 2)) @ m0)


def test_matrix_state_and_matrix_argument():
    check(matrix_state, np.array([[1.0, 0.2], [-0.3, 0.8]]),
          np.array([[-0.5, 0.3], [0.2, -0.7]]), wrt=(0, 1))


def stepped(y0, k):
    """odeint in a loop: each step starts from the last step's end."""
    y = y0
    total = 0.0
    for i in range(3):
        y = si.odeint(decay, y, np.array([0.0, 0.3]), args=(k * (i + 1),), rtol=TOL, atol=TOL)[-1]
        total = total + np.sum(y * y)
    return total


def test_odeint_in_a_loop():
    check(stepped, np.array([1.0, 2.0]), 0.4, wrt=(0, 1))


def mixed(y, t, k, n, scale):
    return -k * y ** n * scale


def integer_and_array_arguments(y0, k):
    """An integer argument (held constant), an array and a vector of tolerances."""
    ys = si.odeint(mixed, y0, T3, args=(k, 2, np.array([1.0, 0.5])), rtol=1e-11,
                   atol=np.array([1e-11, 1e-12]), hmax=0.1, mxstep=5000)
    return np.sum(ys)


def test_integer_argument_and_solver_options():
    check(integer_and_array_arguments, np.array([1.0, 2.0]), 0.5, wrt=(0, 1))


class Model:
    def __init__(self, c):
        self.c = c

    def rhs(self, y, t, k):
        return -k * self.c * y + np.cos(t)


MODEL = Model(1.5)


def bound_method(y0, k):
    return np.sum(si.odeint(MODEL.rhs, y0, T3, args=(k,), rtol=TOL, atol=TOL) ** 2)


def test_bound_method_as_the_function():
    check(bound_method, np.array([1.0, 2.0]), 0.5, wrt=(0, 1))


def nested_constant(y0, k):
    """A nested function reading only constants of the enclosing one carries no derivative."""
    c = 0.5

    def rhs(y, t):
        return -c * y

    return k * np.sum(si.odeint(rhs, y0, T3, rtol=TOL, atol=TOL))


def test_nested_function_of_constants():
    check(nested_constant, np.array([1.0, 2.0]), 0.3, wrt=(0, 1))


def test_hessian_and_grad_of_grad():
    y0, k = np.array([1.0, 2.0]), 0.5
    hess = srcdiff.hessian(through_odeint, wrt=1)(y0, k)
    grad = srcdiff.grad(through_odeint, wrt=1)
    step = 1e-4
    want = (grad(y0, k + step) - grad(y0, k - step)) / (2 * step)
    assert np.allclose(hess, want, rtol=1e-5, atol=1e-7)
    second = srcdiff.grad(srcdiff.grad(through_odeint, wrt=1), wrt=1)(y0, k)
    assert np.allclose(second, want, rtol=1e-5, atol=1e-7)


def constant_odeint(k):
    return k * np.sum(si.odeint(decay, np.array([1.0, 2.0]), np.array([0.0, 1.0]), args=(0.5,)))


def test_odeint_of_constants_runs():
    check(constant_odeint, 0.3)


# -- refusals, each at the user's line -------------------------------------------------------

def closing_over(y0, k):
    def rhs(y, t):
        return -k * y
    return np.sum(si.odeint(rhs, y0, T3, rtol=TOL, atol=TOL))


def partial_function(y0, k):
    return np.sum(si.odeint(functools.partial(decay, k=k), y0, T3, rtol=TOL, atol=TOL))


def _call(mode, f, wrt, y0, k):
    tangent = np.ones_like(y0) if wrt == 0 else 1.0
    return {"grad": lambda: srcdiff.grad(f, wrt=wrt)(y0, k),
            "jvp": lambda: srcdiff.jvp(f, wrt=wrt)(y0, k, tangent),
            "hvp": lambda: srcdiff.hvp(f, wrt=wrt)(y0, k, tangent)}[mode]


@pytest.mark.parametrize("f", [closing_over, partial_function])
@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
def test_function_carrying_a_derivative_is_refused(mode, f):
    """F closing over the differentiated k (a nested def, a partial) would give k no
    derivative through odeint: refused, never a silent zero."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_integrate.py:\d+") as info:
        _call(mode, f, 1, np.array([1.0, 2.0]), 0.5)()
    if f is closing_over or mode != "jvp":  # forward mode refuses functools.partial itself
        assert "'func'" in str(info.value) and "args=" in str(info.value)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_closure_over_other_values_differentiates_y0(mode):
    """The same nested function, differentiated with respect to y0 only: k is constant."""
    y0 = np.array([1.0, 2.0])
    check(closing_over, y0, 0.5, wrt=0, modes=("rev", "fwd") if mode == "grad" else ("fwd",))


def partial_of_constant(y0):
    return np.sum(si.odeint(functools.partial(decay, k=0.3), y0, T3, rtol=TOL, atol=TOL))


def full_output(y0, k):
    ys, info = si.odeint(decay, y0, T3, args=(k,), full_output=True)
    return np.sum(ys)


def star_args(y, t, *p):
    return -p[0] * y


def through_star_args(y0, k):
    return np.sum(si.odeint(star_args, y0, T3, args=(k,)))


def list_params(y, t, p):
    return -p[0] * y


def through_a_list(y0, k):
    return np.sum(si.odeint(list_params, y0, T3, args=([k, 1.0],), rtol=TOL, atol=TOL) ** 2)


def dict_params(y, t, p):
    return -p["k"] * y


def through_a_dict(y0, k):
    return np.sum(si.odeint(dict_params, y0, T3, args=({"k": k},), rtol=TOL, atol=TOL) ** 2)


def layer_params(y, t, params, scale):
    (w, b), k = params[0], params[1]["k"]
    return np.tanh(w @ y + b) * scale - k * y


def through_nested_params(w, b, k, y0):
    """autograd's ode_net passes its network's parameters (a list of (w, b) tuples) in args."""
    ys = si.odeint(layer_params, y0, T3, args=([(w, b), {"k": k}], 2),
                   rtol=TOL, atol=TOL)
    return np.sum(ys ** 2)


@pytest.mark.parametrize("f", [through_a_list, through_a_dict])
def test_a_list_or_dict_of_numbers_in_args(f):
    check(f, np.array([1.0, 2.0]), 0.5, wrt=(0, 1), order=2, rtol=1e-4, atol=1e-6)


def test_nested_containers_of_arrays_in_args():
    rng = np.random.default_rng(5)
    args = (rng.normal(size=(2, 2)) * 0.5, rng.normal(size=2) * 0.3, 0.7, np.array([0.5, -0.3]))
    check(through_nested_params, *args, wrt=(0, 1, 2, 3), order=1, rtol=1e-4, atol=1e-6)
    check(through_nested_params, *args, wrt=(0, 2), order=2, rtol=1e-3, atol=1e-5)


@dataclasses.dataclass
class Rates:
    k: np.ndarray


def rates_params(y, t, p):
    return -p.k * y


def through_a_dataclass(y0, k):
    return np.sum(si.odeint(rates_params, y0, T3, args=(Rates(k),)))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, words", [(partial_of_constant, "not a Python function"),
                                      (full_output, "full_output=True"),
                                      (through_star_args, "takes *args"),
                                      (through_a_dataclass, "Rates holding numbers")])
def test_refused_calls(mode, f, words):
    y0 = np.array([1.0, 2.0])
    args = (y0,) if f is partial_of_constant else (y0, 0.5)
    wrt = 1 if f is through_a_dataclass else 0  # it holds k
    tangent = 1.0 if wrt else np.ones(2)
    call = (lambda: srcdiff.grad(f, wrt=wrt)(*args)) if mode == "grad" else \
        (lambda: srcdiff.jvp(f, wrt=wrt)(*args, tangent))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_integrate.py:\d+") as info:
        call()
    assert words in str(info.value)


def complex_start(y0):
    return np.sum(np.abs(si.odeint(decay, y0, T3, args=(0.5,))))


def test_complex_state_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_integrate.py:\d+.*\n.*\n.*"
                       r"|real arguments only"):
        srcdiff.grad(complex_start)(np.array([1.0 + 1j, 2.0]))


def test_trapezoid_of_scipy_integrate():
    import scipy.integrate as si
    y = np.array([[0.3, -1.2, 0.7], [2.0, 1.1, 0.4]])
    x = np.array([0.0, 0.5, 1.7])
    check(lambda y, x: np.sum(si.trapezoid(y ** 2, x) * np.array([1.0, 2.0])), y, x, wrt=(0, 1))
    check(lambda y, dx: np.sum(si.trapezoid(y, dx=dx, axis=0) * np.array([1.0, 2.0, 3.0])), y,
          0.7, wrt=(0, 1))
