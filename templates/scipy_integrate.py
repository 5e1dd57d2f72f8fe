"""scipy.integrate.odeint, with respect to the initial state y0, the time points t and the
arguments args (those of a floating type, and lists, tuples and dicts of them, in
srcdiff.flatten's order), in both modes and to second order; the
helpers (srcdiff.runtime_integrate) solve the derivatives' own ODEs with odeint and the
user's solver options. The function F itself carries no derivative: one made inside the
differentiated function from differentiated values (a closure, a lambda) is refused at the
user's line. full_output=True is refused at the user's line. Loaded once the user's code has
imported scipy.integrate (srcdiff.rules.OPTIONAL).
"""
import scipy.integrate

from srcdiff.callables import name_path
from srcdiff.rules import d, forward, held_constant, nondifferentiable, real_only, reverse
from srcdiff.runtime_integrate import (check_odeint_call, odeint_jvp, odeint_options,
                                       odeint_vjp, odeint_vjp_jvp)

name_path(scipy.integrate.odeint, "scipy.integrate.odeint")
real_only("scipy.integrate.odeint", scipy.integrate.odeint)
held_constant(scipy.integrate.odeint, **{
    "func": "the derivative comes from y0, t and args only, and this F carries one itself "
            "(a nested function reading a differentiated variable, say); pass the values F "
            "needs through args=(...) instead of closing over them",
    "Dfun": "Dfun, the Jacobian of F, only guides the solver"})
nondifferentiable(odeint_options, check_odeint_call)


@reverse(scipy.integrate.odeint)
def odeint(y, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
           rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
           mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False):
    options = odeint_options(rtol, atol, tcrit, h0, hmax, hmin, ixpr, mxstep, mxhnil, mxordn,
                             mxords, printmessg, tfirst)
    d[y0] = odeint_vjp("y0", d[y], y, func, t, args, options)
    d[t] = odeint_vjp("t", d[y], y, func, t, args, options)
    d[args] = odeint_vjp("args", d[y], y, func, t, args, options)


@forward(scipy.integrate.odeint)
def odeint(y, func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
           rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
           mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False):
    options = odeint_options(rtol, atol, tcrit, h0, hmax, hmin, ixpr, mxstep, mxhnil, mxordn,
                             mxords, printmessg, tfirst)
    d[y] = odeint_jvp(func, y0, t, args, d[y0], None, None, options)
    d[y] = odeint_jvp(func, y0, t, args, None, d[t], None, options)
    d[y] = odeint_jvp(func, y0, t, args, None, None, d[args], options)


# -- the helpers' tangent rules (forward over the emitted gradient: hvp, hessian) -----------

@forward(odeint_vjp)
def odeint_vjp_tangent(r, which, g, ys, func, t, args, options):
    d[r] = odeint_vjp_jvp(which, g, ys, func, t, args, options, d[g], None, None, None)
    d[r] = odeint_vjp_jvp(which, g, ys, func, t, args, options, None, d[ys], None, None)
    d[r] = odeint_vjp_jvp(which, g, ys, func, t, args, options, None, None, d[t], None)
    d[r] = odeint_vjp_jvp(which, g, ys, func, t, args, options, None, None, None, d[args])


# scipy.integrate.trapezoid: numpy.trapezoid's rule (templates/statistics.py), the same sum
import numpy  # noqa: E402

from srcdiff.runtime_stats import expand_axis, trapezoid_grad_x, trapezoid_weights  # noqa: E402

name_path(scipy.integrate.trapezoid, "scipy.integrate.trapezoid")


@reverse(scipy.integrate.trapezoid)
def trapezoid(out, y, x=None, dx=1.0, axis=-1):
    d[y] = numpy.broadcast_to(expand_axis(d[out], y, axis) * trapezoid_weights(y, x, dx, axis),
                              numpy.shape(y))
    d[x] = trapezoid_grad_x(d[out], y, x, axis)
    d[dx] = numpy.sum(d[out] * numpy.trapezoid(y, None, 1.0, axis)) * (x is None)


@forward(scipy.integrate.trapezoid)
def trapezoid(out, y, x=None, dx=1.0, axis=-1):
    d[out] = numpy.trapezoid(d[y], x, dx, axis)
    d[out] = numpy.trapezoid(y, d[x], dx, axis)
    d[out] = numpy.trapezoid(y, None, d[dx], axis) * (x is None)
