"""Helpers of the scipy.integrate.odeint rules, templates/scipy_integrate.py (run time: called
by emitted code; checks.py places its argument checks). Takes odeint's arguments (func, y0,
t, args, the solver options) and the cotangent or tangents; gives back the tangent of ys
(`odeint_jvp`), the adjoints of y0, t and args (`odeint_vjp`), or the tangent of those
adjoints (`odeint_vjp_jvp`).

ys = odeint(func, y0, t, args) solves y' = F(y, t, *args), y(t[0]) = y0, and returns y at
each time point t[i] (ys[i]). The derivatives are themselves solutions of ODEs, solved with
odeint and the user's solver options:

* tangent (odeint_jvp): s = dy along (dy0, dt, dargs) solves s' = J_y F s + J_args F dargs
  with s(t0) = dy0 - F(y0, t0) dt[0], solved together with y; then
  dys[i] = s(t[i]) + F(ys[i], t[i]) dt[i];
* adjoint (odeint_vjp): the adjoint method. Going back from the last time point,
  [y, a, m] solves y' = F, a' = -a J_y F, m' = -a J_args F on each interval (t[i-1], t[i]),
  starting from y = ys[i]; the cotangent of ys[i - 1] is added to a at t[i - 1]. Then
  gy0 = a(t0), gargs = m(t0), gt[i] = g[i] . F(ys[i], t[i]) for i > 0 and
  gt[0] = -a(t0) . F(y0, t0) (before g[0] is added);
* the tangent of the adjoint (odeint_vjp_jvp, for forward over reverse: hvp, hessian,
  grad of grad): the same backward intervals with the tangent of [y, a, m] solved beside
  them; its equations need F's second derivatives, forward mode over F's emitted vjp. A moved
  time point moves an interval's ends: the start state's tangent loses G(z, t[i]) dt[i], the
  end state's gains G(z, t[i-1]) dt[i-1] (G: the backward system's right-hand side).

F's derivatives come from srcdiff itself, made at run time from F's source (srcdiff.jvp and
srcdiff.vjp of F, srcdiff.jvp of the emitted vjp) and cached with F, like any derivative.
SciPy is imported only when a helper runs.
"""
import inspect

import numpy

from .flatten import flatten, flatten_adjoint, flatten_values
from .runtime_checks import refuse


class Options:
    """The user's solver options, passed on to every odeint this module calls, and tfirst."""

    __slots__ = ("tfirst", "solver")

    def __init__(self, tfirst, solver):
        self.tfirst = bool(tfirst)
        self.solver = solver

    def keywords(self, size, n):
        """The solver options for a system of `size` unknowns whose first `n` are y: an
        array of tolerances (one per y) is extended with its smallest entry."""
        out = {}
        for name, value in self.solver.items():
            if name in ("rtol", "atol") and value is not None and numpy.ndim(value) > 0:
                value = numpy.ravel(value)
                value = numpy.concatenate([value[:n], numpy.full(size - n, numpy.min(value))])
            out[name] = value
        return out


def odeint_options(rtol, atol, tcrit, h0, hmax, hmin, ixpr, mxstep, mxhnil, mxordn, mxords,
                   printmessg, tfirst):
    """The options of the user's odeint call that its derivatives' solves use too (Dfun,
    col_deriv, ml and mu describe the user's system's Jacobian, not theirs)."""
    return Options(tfirst, dict(rtol=rtol, atol=atol, tcrit=tcrit, h0=h0, hmax=hmax, hmin=hmin,
                                ixpr=ixpr, mxstep=mxstep, mxhnil=mxhnil, mxordn=mxordn,
                                mxords=mxords, printmessg=printmessg))


def argument_checks():
    """{odeint: (check, names of its arguments the check is given)} for srcdiff.checks
    (empty until the user's code has imported scipy.integrate)."""
    import sys
    integrate = sys.modules.get("scipy.integrate")
    if integrate is None:
        return {}
    return {integrate.odeint: (check_odeint_call, ["full_output", "func", "args"])}


def check_odeint_call(full_output, func, args, where):
    """Before a differentiated odeint: full_output=True (it returns (ys, infodict)), an F
    that is not a Python function or method (srcdiff makes F's derivatives from its
    source) or takes *args, and an argument that is a list or tuple of numbers (its
    derivative would be lost) are refused at the user's line."""
    for arg in args if isinstance(args, tuple) else ():
        if not isinstance(arg, (list, tuple, dict)) and _holds_parameters(arg):
            refuse("srcdiff differentiates odeint with respect to arguments that are numbers, "
                   f"arrays, or lists, tuples and dicts of them, and one of args is a "
                   f"{type(arg).__name__} holding numbers",
                   "pass its arrays in args (a tuple or dict of them), or as arguments of "
                   "their own", where)
    if full_output:
        refuse("srcdiff differentiates odeint's solution only: full_output=True makes it "
               "return (ys, infodict)",
               "call odeint without full_output to differentiate it, and again with "
               "full_output=True on values that carry no derivative (wrapped in "
               "srcdiff.stop_gradient) for the solver's report", where)
    target = func.__func__ if inspect.ismethod(func) else func
    if func is not None and not inspect.isfunction(target):
        refuse(f"srcdiff differentiates odeint's F from its Python source, and {func!r} is "
               "not a Python function",
               "pass a function defined with def, taking the values it needs through "
               "odeint's args=(...)", where)
    if func is not None and any(p.kind == p.VAR_POSITIONAL
                                for p in inspect.signature(func).parameters.values()):
        refuse(f"odeint's F, {func.__qualname__}, takes *args: srcdiff differentiates F "
               "with respect to its named parameters",
               "name F's parameters one by one (def F(y, t, k, c))", where)


def _holds_parameters(value):
    """An object other than a number or an array that holds float values (a dataclass of
    arrays, an object with arrays in its attributes): its derivative would be lost."""
    if _inexact(value) or isinstance(value, (int, bool, str, bytes)) or value is None or \
            hasattr(value, "dtype") or callable(value):
        return False
    held = [value] + list(getattr(value, "__dict__", {}).values())   # a dataclass, an object
    return numpy.size(flatten(held)[0]) > 0


def _is_tree(value):
    """A list, tuple or dict of arguments (nested ones too): differentiated through its
    float leaves, in srcdiff.flatten's order."""
    return isinstance(value, (list, tuple, dict))


def _inexact(value):
    return isinstance(value, float) or numpy.issubdtype(
        getattr(value, "dtype", numpy.int64), numpy.inexact) and not isinstance(value, bool)


class _Rhs:
    """F(y, t, *args) of one odeint call, with its derivatives with respect to y, t and the
    arguments of a floating type (the others, integers, flags, are held constant)."""

    def __init__(self, func, args, tfirst):
        self.func = func
        self.args = tuple(args)  # odeint takes a tuple only
        self.tfirst = tfirst
        self.trees = {j: flatten(a)[1] for j, a in enumerate(self.args) if _is_tree(a)}
        self.active = [j for j, a in enumerate(self.args)
                       if _inexact(a) or (j in self.trees and numpy.size(flatten(a)[0]))]
        self.shapes = [None if j in self.trees else numpy.shape(self.args[j])
                       for j in self.active]
        self.sizes = [int(numpy.size(flatten(self.args[j])[0])) if j in self.trees else
                      int(numpy.prod(s, dtype=int)) for j, s in zip(self.active, self.shapes)]
        self.p = sum(self.sizes)
        names = [p.name for p in inspect.signature(func).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        # (check_odeint_call refused an F taking *args; odeint itself one taking too few)
        self.y_name, self.t_name = (names[1], names[0]) if tfirst else (names[0], names[1])
        self.arg_names = [names[2 + j] for j in self.active]
        self.wrt = (self.y_name, self.t_name, *self.arg_names)
        self._jvp = self._vjp = self._jvp_vjp = None
        # a method's emitted vjp takes its object first
        self._owner = (func.__self__,) if inspect.ismethod(func) else ()

    def _call(self, y, t):
        return (t, y, *self.args) if self.tfirst else (y, t, *self.args)

    def value(self, y, t):
        return numpy.ravel(numpy.asarray(self.func(*self._call(y, t)), dtype=float))

    def _pieces(self, flat):
        """The flat vector over the active arguments, cut into one 1-d piece each."""
        starts = numpy.cumsum([0] + self.sizes)
        return [flat[starts[i]:starts[i + 1]] for i in range(len(self.sizes))]

    def _arg_tangents(self, flat):
        """A flat vector of the active arguments' tangents, split and shaped like them (a
        list, tuple or dict argument's rebuilt with its structure)."""
        out = []
        for j, shape, piece in zip(self.active, self.shapes, self._pieces(flat)):
            if j in self.trees:
                out.append(self.trees[j](piece))
            else:
                out.append(float(piece[0]) if shape == () and isinstance(self.args[j], float)
                           else numpy.reshape(piece, shape))
        return out

    def flat_arg_tangents(self, tangents):
        """The tangents of the arguments (a tuple/list like args, None for zero) as one flat
        vector over the active ones."""
        if tangents is None:
            return None
        items = list(tangents)
        pieces = [numpy.zeros(size) if items[j] is None else
                  numpy.asarray(flatten_values(items[j], self.args[j]), dtype=float)
                  if j in self.trees else numpy.ravel(numpy.asarray(items[j], dtype=float))
                  for j, size in zip(self.active, self.sizes)]
        return numpy.concatenate(pieces) if pieces else numpy.zeros(0)

    def arg_gradients(self, flat):
        """The flat gradient of the active arguments, as the adjoint of args (zero for the
        others)."""
        pieces = self._arg_tangents(flat)
        out = [0.0 for _ in self.args]
        for j, piece, raw in zip(self.active, pieces, self._pieces(flat)):
            out[j] = flatten_adjoint(raw, self.args[j]) if j in self.trees else piece
        return out

    def _tangents(self, y, t, ydot, tdot, flat_args):
        tangents = {f"tangent_{self.y_name}": ydot, f"tangent_{self.t_name}": float(tdot)}
        pieces = self._arg_tangents(numpy.zeros(self.p) if flat_args is None else flat_args)
        tangents.update((f"tangent_{name}", piece)
                        for name, piece in zip(self.arg_names, pieces))
        return tangents

    def jvp(self, y, t, ydot, tdot, flat_args):
        """(F, its tangent along y by ydot, t by tdot and the active arguments by flat_args)."""
        if self._jvp is None:
            from .markers import provided
            self._jvp = provided("jvp")(self.func, wrt=self.wrt)
        value, tangent = self._jvp(*self._call(y, t),
                                   **self._tangents(y, t, ydot, tdot, flat_args))
        return (numpy.ravel(numpy.asarray(value, dtype=float)),
                numpy.ravel(numpy.asarray(tangent, dtype=float)))

    def vjp(self, y, t, a):
        """(a J_y F, a J_t F, a J_args F flat)."""
        if self._vjp is None:
            from .markers import provided
            self._vjp = provided("vjp")(self.func, wrt=self.wrt)
        return self._split(self._vjp(*self._call(y, t), a))

    def _split(self, grads):
        gy, gt, *gargs = grads
        gargs = [flatten_values(g, self.args[j]) if j in self.trees else g
                 for j, g in zip(self.active, gargs)]
        flat = numpy.concatenate([numpy.ravel(g) for g in gargs]) if gargs else numpy.zeros(0)
        return numpy.ravel(gy), float(gt), numpy.asarray(flat, dtype=float)

    def jvp_vjp(self, y, t, a, ydot, tdot, flat_args, adot):
        """(vjp(y, t, a), its tangent along y, t, the arguments and a)."""
        if self._jvp_vjp is None:
            from .markers import provided
            emitted = provided("vjp")(self.func, wrt=self.wrt).__wrapped__
            self._jvp_vjp = provided("jvp")(emitted, wrt=(*self.wrt, "cotangent"))
        tangents = self._tangents(y, t, ydot, tdot, flat_args)
        value, tangent = self._jvp_vjp(*self._owner, *self._call(y, t), a, **tangents,
                                       tangent_cotangent=adot)
        return self._split(value), self._split(tangent)


def _solve(rhs, z0, times, options, n):
    import scipy.integrate
    return scipy.integrate.odeint(rhs, z0, numpy.asarray(times, dtype=float),
                                  **options.keywords(len(z0), n))


def _cotangent_table(value, m, n):
    return numpy.zeros((m, n)) if value is None else \
        numpy.reshape(numpy.asarray(value, dtype=float), (m, n))


def odeint_jvp(func, y0, t, args, tangent_y0, tangent_t, tangent_args, options):
    """The tangent of odeint(func, y0, t, args) along the tangents given (None: zero)."""
    rhs = _Rhs(func, args, options.tfirst)
    y0 = numpy.ravel(numpy.asarray(y0, dtype=float))
    times = numpy.ravel(numpy.asarray(t, dtype=float))
    n = len(y0)
    flat_args = rhs.flat_arg_tangents(tangent_args)
    s0 = numpy.zeros(n) if tangent_y0 is None else \
        numpy.ravel(numpy.asarray(tangent_y0, dtype=float)).copy()
    tdot = None if tangent_t is None else numpy.ravel(numpy.asarray(tangent_t, dtype=float))
    if tdot is not None:
        s0 = s0 - rhs.value(y0, times[0]) * tdot[0]

    def system(z, time):
        value, tangent = rhs.jvp(z[:n], time, z[n:], 0.0, flat_args)
        return numpy.concatenate([value, tangent])

    solved = _solve(system, numpy.concatenate([y0, s0]), times, options, n)
    out = solved[:, n:]
    if tdot is not None:
        out = out + numpy.stack([rhs.value(solved[i, :n], times[i]) * tdot[i]
                                 for i in range(len(times))])
    return out


def odeint_vjp(which, g, ys, func, t, args, options):
    """The gradient of sum(g * odeint(func, y0, t, args)) with respect to `which` ('y0',
    't' or 'args'), given the solution ys (the adjoint method)."""
    rhs = _Rhs(func, args, options.tfirst)
    times = numpy.ravel(numpy.asarray(t, dtype=float))
    m = len(times)
    ys = numpy.reshape(numpy.asarray(ys, dtype=float), (m, -1))
    n = ys.shape[1]
    g = _cotangent_table(g, m, n)
    with_args = which == "args"
    p = rhs.p if with_args else 0
    a, mu, gt = g[-1].copy(), numpy.zeros(p), numpy.zeros(m)

    def system(z, time):
        y, a = z[:n], z[n:2 * n]
        gy, _, gargs = rhs.vjp(y, time, a)
        parts = [rhs.value(y, time), -gy]
        if with_args:
            parts.append(-gargs)
        return numpy.concatenate(parts)

    for i in range(m - 1, 0, -1):
        if which == "t":
            gt[i] = g[i] @ rhs.value(ys[i], times[i])
        end = _solve(system, numpy.concatenate([ys[i], a, mu]), times[i - 1:i + 1][::-1],
                     options, n)[-1]
        a, mu = end[n:2 * n], end[2 * n:]
        if i == 1 and which == "t":
            gt[0] = -(a @ rhs.value(ys[0], times[0]))
        a = a + g[i - 1]
    if which == "y0":
        return a
    if which == "t":
        return numpy.reshape(gt, numpy.shape(t))
    return rhs.arg_gradients(mu if m > 1 else numpy.zeros(rhs.p))


def odeint_vjp_jvp(which, g, ys, func, t, args, options, tangent_g, tangent_ys, tangent_t,
                   tangent_args):
    """The tangent of odeint_vjp(which, g, ys, func, t, args, options) along the tangents
    given (None: zero)."""
    rhs = _Rhs(func, args, options.tfirst)
    times = numpy.ravel(numpy.asarray(t, dtype=float))
    m = len(times)
    ys = numpy.reshape(numpy.asarray(ys, dtype=float), (m, -1))
    n = ys.shape[1]
    g, gdot, ysdot = (_cotangent_table(g, m, n), _cotangent_table(tangent_g, m, n),
                      _cotangent_table(tangent_ys, m, n))
    tdot = numpy.zeros(m) if tangent_t is None else \
        numpy.ravel(numpy.asarray(tangent_t, dtype=float))
    flat_args = rhs.flat_arg_tangents(tangent_args)
    with_args = which == "args"
    p = rhs.p if with_args else 0
    size = 2 * n + p
    a, adot = g[-1].copy(), gdot[-1].copy()
    mu, mudot = numpy.zeros(p), numpy.zeros(p)
    gt, gtdot = numpy.zeros(m), numpy.zeros(m)

    def both(z, zdot, time):
        """G(z, time) and its tangent along zdot and the arguments' tangents."""
        y, a = z[:n], z[n:2 * n]
        ydot, adot = zdot[:n], zdot[n:2 * n]
        f, fdot = rhs.jvp(y, time, ydot, 0.0, flat_args)
        (gy, _, gargs), (gydot, _, gargsdot) = rhs.jvp_vjp(y, time, a, ydot, 0.0, flat_args,
                                                           adot)
        value, tangent = [f, -gy], [fdot, -gydot]
        if with_args:
            value.append(-gargs)
            tangent.append(-gargsdot)
        return numpy.concatenate(value), numpy.concatenate(tangent)

    def system(w, time):
        return numpy.concatenate(both(w[:size], w[size:], time))

    for i in range(m - 1, 0, -1):
        if which == "t":
            f, fdot = rhs.jvp(ys[i], times[i], ysdot[i], tdot[i], flat_args)
            gt[i] = g[i] @ f
            gtdot[i] = gdot[i] @ f + g[i] @ fdot
        z = numpy.concatenate([ys[i], a, mu])
        zdot = numpy.concatenate([ysdot[i], adot, mudot])
        zdot = zdot - both(z, numpy.zeros(size), times[i])[0] * tdot[i]
        end = _solve(system, numpy.concatenate([z, zdot]), times[i - 1:i + 1][::-1], options,
                     n)[-1]
        z, zdot = end[:size], end[size:] + both(end[:size], numpy.zeros(size),
                                                 times[i - 1])[0] * tdot[i - 1]
        a, mu, adot, mudot = z[n:2 * n], z[2 * n:], zdot[n:2 * n], zdot[2 * n:]
        if i == 1 and which == "t":
            f, fdot = rhs.jvp(ys[0], times[0], ysdot[0], tdot[0], flat_args)
            gt[0] = -(a @ f)
            gtdot[0] = -(adot @ f) - a @ fdot
        a, adot = a + g[i - 1], adot + gdot[i - 1]
    if which == "y0":
        return adot
    if which == "t":
        return numpy.reshape(gtdot, numpy.shape(t))
    return rhs.arg_gradients(mudot if m > 1 else numpy.zeros(rhs.p))


# the codegen command refuses these: they make F's derivatives with srcdiff as they run
for _helper in (odeint_jvp, odeint_vjp, odeint_vjp_jvp):
    _helper.srcdiff_at_run_time = "differentiates odeint's F"
