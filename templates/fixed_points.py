"""srcdiff.misc.fixed_point (autograd's autograd.misc.fixed_points.fixed_point) with respect to
its parameter `a`, by the implicit function theorem, in both modes and to second order (forward
over reverse: grad of grad, hvp, hessian); the helpers (srcdiff.misc) iterate the derivatives'
linear maps with srcdiff's own derivatives of f(a)(x). The start x0 carries no derivative: the
fixed point does not depend on it. f itself carries none (one reading a differentiated value of
the enclosing function is refused at the user's line: pass it through a), nor distance or tol.
A derivative of the tangent (forward over forward) is refused at the user's line.
"""
from srcdiff.misc import fixed_point, fixed_point_jvp, fixed_point_vjp, fixed_point_vjp_jvp
from srcdiff.rules import d, forward, held_constant, not_implemented, reverse

held_constant(fixed_point, **{
    "f": "the derivative comes from a only, and this f carries one itself (a nested function "
         "reading a differentiated variable, say); pass what f needs through a (a tuple or "
         "an array of them) instead of closing over it",
    "distance": "distance only decides when the iteration stops",
    "tol": "tol only decides when the iteration stops"})
not_implemented(fixed_point_jvp, "a derivative of fixed_point's tangent (forward mode over "
                "forward mode, jvp of jvp): take second derivatives of a function calling "
                "srcdiff.misc.fixed_point with grad of grad, hvp or hessian (forward over "
                "reverse) instead")


@reverse(fixed_point)
def fixed_point_adjoint(x, f, a, x0, distance, tol):
    d[a] = fixed_point_vjp(f, a, x, d[x], distance, tol)


@forward(fixed_point)
def fixed_point_tangent(x, f, a, x0, distance, tol):
    d[x] = fixed_point_jvp(f, a, x, d[a], distance, tol)


# -- the helper's tangent rule (forward over the emitted gradient: hvp, hessian, grad of grad) --

@forward(fixed_point_vjp)
def fixed_point_vjp_tangent(r, f, a, x, g, distance, tol):
    d[r] = fixed_point_vjp_jvp(f, a, x, g, distance, tol, d[a], None, None)
    d[r] = fixed_point_vjp_jvp(f, a, x, g, distance, tol, None, d[x], None)
    d[r] = fixed_point_vjp_jvp(f, a, x, g, distance, tol, None, None, d[g])
