"""autograd's `autograd.misc.fixed_points.fixed_point`, `from srcdiff.misc import fixed_point`
(API: called by the user, and by the emitted code of templates/fixed_points.py's rules; imports
frontend and loader to read the user's iteration). Takes `f` (a function of the parameter `a`
giving the iteration's step, a function of x), `a`, the start `x0`, `distance(x, y)` and `tol`;
gives back the fixed point x* = f(a)(x*) the iteration reaches, and (fixed_point_jvp,
fixed_point_vjp, fixed_point_vjp_jvp) its derivatives by the implicit function theorem, or
raises a located UnsupportedCodeError where f is not written in a form srcdiff can read.

The iteration is autograd's: x, previous = f(a)(x0), x0, then x, previous = f(a)(x), x while
distance(x, previous) > tol. Its derivative is not the derivative of those steps: at the fixed
point, x* = S(a, x*) with S(a, x) = f(a)(x), so (the implicit function theorem, where S
contracts in x)

* tangent (fixed_point_jvp): dx* solves t = J_a S da + J_x S t, found by iterating that map;
* adjoint (fixed_point_vjp): w solves w = g + w J_x S, found by iterating; then
  a's adjoint is w J_a S;
* the tangent of that adjoint (fixed_point_vjp_jvp, forward over reverse: grad of grad, hvp):
  dw solves dw = dg + (the tangent of w J_x S along da, dx*, w held) + dw J_x S, and the
  result is the tangent of w J_a S along da, dx* and dw.

S's vjp and jvp (and the jvp of its emitted vjp) are srcdiff's own, made from the source of
`f` rewritten as a function of both (`_step`): `def f(a): ...; return lambda x: E` becomes
`def f_step(a, x): ...; return E`, and `def f(a): ...; def g(x): BODY; return g` becomes
`def f_step(a, x): ...; BODY`. The linear iterations run until the update is at rounding
level (they contract at the primal's rate), not to `tol`: the derivative is the one of the
exact fixed point at the x* reached. f's own free variables are constants: templates/
fixed_points.py refuses an f carrying a derivative, at the user's line. x is a number or an
array; a's adjoint has a's structure.
"""
import weakref

import numpy

from .errors import UnsupportedCodeError

_MAX_ITERATIONS = 100000
_STEPS = weakref.WeakKeyDictionary()   # f -> (its step function S(a, x), a's name, x's name)


def fixed_point(f, a, x0, distance, tol):
    """The fixed point of f(a) reached from x0 (autograd's signature): iterate x = f(a)(x)
    until distance(x, previous x) <= tol."""
    step = f(a)
    x, previous = step(x0), x0
    count = 1
    while numpy.any(numpy.asarray(distance(x, previous)) > tol):
        x, previous = step(x), x
        count += 1
        if count > _MAX_ITERATIONS:
            raise RuntimeError(f"fixed_point: {_qualname(f)} did not reach distance {tol} in "
                               f"{_MAX_ITERATIONS} steps (the iteration does not contract)")
    return x


def _qualname(f):
    return getattr(f, "__qualname__", repr(f))


def _step(f):
    """(S, a's name, x's name): S(a, x) = f(a)(x) as one function srcdiff reads."""
    hit = _STEPS.get(f)
    if hit is not None and hit[0] is f.__code__:
        return hit[1]
    from . import syntax as S
    from .frontend import get_source
    source = get_source(f)
    node = S.clone(source.node)

    def refuse(why):
        raise source.error(node, f"srcdiff differentiates fixed_point(f, a, ...) through "
                                 f"f(a)(x) read as one function of a and x, and {why}",
                           hint="write f as `def f(a): ...; return lambda x: <expression>` "
                                "or `def f(a): ...; def step(x): ...; return step` (one "
                                "parameter each, no *args or defaults)")

    def one_parameter(args, what):
        if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or \
                args.posonlyargs or len(args.args) != 1:
            refuse(f"{what} does not take exactly one plain parameter")
        return args.args[0].id

    if isinstance(node, S.Lambda):
        a_name = one_parameter(node.args, "f")
        body = [S.Return(value=node.body)]
    else:
        a_name = one_parameter(node.args, "f")
        body = list(node.body)
    if not body or not isinstance(body[-1], S.Return) or body[-1].value is None:
        refuse("f does not end with `return` of the step function")
    last = body[-1].value
    if isinstance(last, S.Lambda):
        x_name = one_parameter(last.args, "the lambda f returns")
        inner = [S.Return(value=last.body)]
        before = body[:-1]
    elif isinstance(last, S.Name) and len(body) >= 2 and \
            isinstance(body[-2], S.FunctionDef) and body[-2].name == last.id:
        x_name = one_parameter(body[-2].args, f"the function {last.id} f returns")
        inner, before = list(body[-2].body), body[:-2]
    else:
        refuse("f's last statement returns neither a lambda nor the function defined "
               "just before it")
    used = {n.id for stmt in before for n in S.walk(stmt) if isinstance(n, S.Name)}
    if x_name in used or x_name == a_name:
        refuse(f"the step's parameter {x_name!r} is a name f itself uses")
    name = f"{getattr(f, '__name__', 'f')}_step".replace("<", "").replace(">", "")
    tree = S.function_def(name, [a_name, x_name], before + inner)
    free = dict(zip(f.__code__.co_freevars,
                    (c.cell_contents for c in (f.__closure__ or ()))))
    from . import loader
    made = loader.load_made(tree, f"{_qualname(f)}(a)(x) as one function of a and x",
                            "fixed-point", free, f)
    found = (made, a_name, x_name)
    try:
        _STEPS[f] = (f.__code__, found)
    except TypeError:
        pass
    return found


def _zero(value):
    from .flatten import flatten
    if isinstance(value, numpy.ndarray):
        return numpy.zeros_like(value)
    if not isinstance(value, (list, tuple, dict)) and numpy.ndim(value) == 0:
        return 0.0 * value
    leaves, unflatten = flatten(value)
    return unflatten(numpy.zeros_like(numpy.asarray(leaves, dtype=float)))


class _Map:
    """S(a, x) of one fixed_point call, with srcdiff's derivatives of it."""

    def __init__(self, f, a, x):
        from .markers import provided
        self.step, self.a_name, self.x_name = _step(f)
        self.a, self.x = a, x
        self.wrt = (self.a_name, self.x_name)
        self.provided = provided
        if not (isinstance(x, float) or isinstance(x, numpy.ndarray) or numpy.isscalar(x)):
            raise UnsupportedCodeError(
                f"fixed_point differentiates a fixed point x that is a number or an array, "
                f"and {_qualname(f)}'s is a {type(x).__name__}",
                hint="iterate over one array (numpy.concatenate the parts, split them "
                     "after)")

    def jvp(self, da, dx):
        jvp = self.provided("jvp")(self.step, wrt=self.wrt)
        return jvp(self.a, self.x, **{f"tangent_{self.a_name}": da,
                                      f"tangent_{self.x_name}": dx})[1]

    def vjp(self, w):
        return self.provided("vjp")(self.step, wrt=self.wrt)(self.a, self.x, w)

    def vjp_jvp(self, w, da, dx, dw):
        """The tangent of (w J_a S, w J_x S) along a by da, x by dx and w by dw."""
        emitted = self.provided("vjp")(self.step, wrt=self.wrt).__wrapped__
        jvp = self.provided("jvp")(emitted, wrt=(*self.wrt, "cotangent"))
        return jvp(self.a, self.x, w, **{f"tangent_{self.a_name}": da,
                                         f"tangent_{self.x_name}": dx,
                                         "tangent_cotangent": dw})[1]

    def solve(self, constant, apply):
        """The fixed point of v -> constant + apply(v), iterated from constant until the
        update is at rounding level."""
        v = constant
        for _ in range(_MAX_ITERATIONS):
            new = constant + apply(v)
            change = numpy.max(numpy.abs(new - v)) if numpy.size(new) else 0.0
            scale = max(1.0, float(numpy.max(numpy.abs(new))) if numpy.size(new) else 0.0)
            v = new
            if not numpy.isfinite(change) or change <= 1e-14 * scale:
                break
        else:
            raise RuntimeError("fixed_point's derivative: the linear iteration did not "
                               f"converge in {_MAX_ITERATIONS} steps (the step does not "
                               "contract at the fixed point)")
        return v


def fixed_point_jvp(f, a, x, da, distance, tol):
    """The tangent of the fixed point x of f(a) along a's tangent da."""
    m = _Map(f, a, x)
    zero_a = _zero(a)
    return m.solve(m.jvp(da, _zero(x)), lambda t: m.jvp(zero_a, t))


def _adjoint(m, g):
    return m.solve(g, lambda w: m.vjp(w)[1])


def fixed_point_vjp(f, a, x, g, distance, tol):
    """a's adjoint, given the adjoint g of the fixed point x of f(a)."""
    m = _Map(f, a, x)
    return m.vjp(_adjoint(m, g))[0]


def fixed_point_vjp_jvp(f, a, x, g, distance, tol, tangent_a, tangent_x, tangent_g):
    """The tangent of fixed_point_vjp(f, a, x, g, ...) along the tangents of a, x and g
    (None: zero)."""
    m = _Map(f, a, x)
    w = _adjoint(m, g)
    da = _zero(a) if tangent_a is None else tangent_a
    dx = _zero(x) if tangent_x is None else tangent_x
    dg = _zero(x) if tangent_g is None else tangent_g
    moved = m.vjp_jvp(w, da, dx, _zero(w))[1]
    dw = m.solve(dg + moved, lambda v: m.vjp(v)[1])
    return m.vjp_jvp(w, da, dx, dw)[0]
