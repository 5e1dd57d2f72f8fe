"""srcdiff/runtime_integrate.py's odeint helpers called directly on a small system: the
tangent (odeint_jvp), the adjoint method (odeint_vjp) and the tangent of the adjoint
(odeint_vjp_jvp) against central differences of SciPy's odeint itself (tight tolerances, so
that the differences mean something); the solver options passed on; the refusals of
check_odeint_call at the user's line. (The rules that call them are
tests/templates/test_scipy_integrate.py's.)"""
import types

import numpy as np
import pytest

si = pytest.importorskip("scipy.integrate")

from gradcheck import directional_difference as _difference  # noqa: E402
from srcdiff.errors import RuntimeRefusal  # noqa: E402
from srcdiff.runtime_integrate import (check_odeint_call, odeint_jvp, odeint_options,  # noqa: E402
                                       odeint_vjp, odeint_vjp_jvp)

TOL = 1e-11
T = np.array([0.0, 0.3, 0.8])
Y0 = np.array([1.0, -0.5])
P = np.array([0.7, 1.3])
C = 0.4
rng = np.random.default_rng(3)


def rhs(y, t, p, c):
    return np.array([-p[0] * y[0] + c * y[1] * np.sin(t), p[1] * np.tanh(y[0]) - c * y[1] ** 2])


def solve(y0=Y0, t=T, p=P, c=C):
    return si.odeint(rhs, y0, t, args=(p, c), rtol=TOL, atol=TOL)


OPTIONS = odeint_options(TOL, TOL, None, 0.0, 0.0, 0.0, 0, 0, 0, 12, 5, False, False)


def directional_difference(f, x, tangent):
    """Central differences with a step of 1e-5: with 1e-6 the solver's own error (about
    1e-11, a step-size change) shows through as 1e-6 in the difference."""
    return _difference(f, x, tangent, eps=1e-5)


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=2e-5, atol=1e-7)


def test_jvp_along_y0_t_and_args():
    dy0, dt, dp, dc = rng.normal(size=2), rng.normal(size=3), rng.normal(size=2), 0.6
    close(odeint_jvp(rhs, Y0, T, (P, C), dy0, None, None, OPTIONS),
          directional_difference(lambda y0: solve(y0=y0), Y0, dy0))
    close(odeint_jvp(rhs, Y0, T, (P, C), None, dt, None, OPTIONS),
          directional_difference(lambda t: solve(t=t), T, dt))
    close(odeint_jvp(rhs, Y0, T, (P, C), None, None, (dp, dc), OPTIONS),
          directional_difference(lambda s: solve(p=P + s * dp, c=C + s * dc), 0.0, 1.0))


def test_vjp_is_the_gradient_of_a_weighted_sum():
    g, ys = rng.normal(size=(3, 2)), solve()
    dy0, dt, dp, dc = rng.normal(size=2), rng.normal(size=3), rng.normal(size=2), -0.3

    def weighted(**kw):
        return np.sum(g * solve(**kw))

    gy0 = odeint_vjp("y0", g, ys, rhs, T, (P, C), OPTIONS)
    close(gy0 @ dy0, directional_difference(lambda y0: weighted(y0=y0), Y0, dy0))
    gt = odeint_vjp("t", g, ys, rhs, T, (P, C), OPTIONS)
    assert gt.shape == T.shape
    close(gt @ dt, directional_difference(lambda t: weighted(t=t), T, dt))
    gp, gc = odeint_vjp("args", g, ys, rhs, T, (P, C), OPTIONS)
    close(gp @ dp + gc * dc,
          directional_difference(lambda s: weighted(p=P + s * dp, c=C + s * dc), 0.0, 1.0))


@pytest.mark.parametrize("which", ["y0", "t", "args"])
def test_vjp_jvp_along_each_input(which):
    """The tangent of odeint_vjp along g, ys, t and args, each alone, against central
    differences of odeint_vjp itself (the others held)."""
    g, ys = rng.normal(size=(3, 2)), solve()
    dg, dys, dt, dp, dc = (rng.normal(size=(3, 2)), rng.normal(size=(3, 2)),
                           rng.normal(size=3), rng.normal(size=2), 0.5)

    def vjp(g=g, ys=ys, t=T, p=P, c=C):
        out = odeint_vjp(which, g, ys, rhs, t, (p, c), OPTIONS)
        return np.concatenate([np.ravel(o) for o in out]) if which == "args" else out

    def tangent(*tangents):
        out = odeint_vjp_jvp(which, g, ys, rhs, T, (P, C), OPTIONS, *tangents)
        return np.concatenate([np.ravel(o) for o in out]) if which == "args" else out

    close(tangent(dg, None, None, None), directional_difference(lambda g: vjp(g=g), g, dg))
    close(tangent(None, dys, None, None), directional_difference(lambda ys: vjp(ys=ys), ys, dys))
    close(tangent(None, None, dt, None), directional_difference(lambda t: vjp(t=t), T, dt))
    close(tangent(None, None, None, (dp, dc)),
          directional_difference(lambda s: vjp(p=P + s * dp, c=C + s * dc), 0.0, 1.0))


def test_array_tolerances_cover_the_larger_systems():
    options = odeint_options(np.array([1e-9, 1e-10]), 1e-12, None, 0.0, 0.0, 0.0, 0, 0, 0, 12,
                             5, False, False)
    keywords = options.keywords(5, 2)
    np.testing.assert_array_equal(keywords["rtol"], [1e-9, 1e-10, 1e-10, 1e-10, 1e-10])
    assert keywords["atol"] == 1e-12 and keywords["mxordn"] == 12


def test_tfirst_systems():
    def rhs_tfirst(t, y, p, c):
        return rhs(y, t, p, c)

    options = odeint_options(TOL, TOL, None, 0.0, 0.0, 0.0, 0, 0, 0, 12, 5, False, True)
    dy0 = rng.normal(size=2)
    close(odeint_jvp(rhs_tfirst, Y0, T, (P, C), dy0, None, None, options),
          directional_difference(lambda y0: solve(y0=y0), Y0, dy0))


@pytest.mark.parametrize("full_output,func,args,message", [
    (True, rhs, (P, C), "full_output=True"),
    (False, np.sin, (), "is not a Python function"),
    (False, lambda y, t, *rest: y, (), "takes \\*args"),
    (False, rhs, (types.SimpleNamespace(k=np.ones(2)), C), "SimpleNamespace holding numbers"),
])
def test_check_odeint_call_refuses_at_the_users_line(full_output, func, args, message):
    with pytest.raises(RuntimeRefusal, match=message) as info:
        check_odeint_call(full_output, func, args, f"{__file__}:1")
    assert "test_runtime_integrate.py" in str(info.value)
    check_odeint_call(False, rhs, (P, C, [1, 2]), f"{__file__}:1")   # integers carry nothing
    check_odeint_call(False, rhs, (P, C, [0.5, {"k": np.ones(2)}]), f"{__file__}:1")   # flattened
