"""Runtime helpers of autograd-style primitives (run time: called by emitted code that the
rules extend.py registers splice in). Takes a primitive's vjp maker, the output's adjoint (or
an argument's tangent), the primitive's output and its arguments; gives back the maker's vjp
applied to the adjoint (`vjp_of`) or the output's tangent made from vjps (`jvp_by_vjps`), or
raises a RuleError naming the maker when that vjp has another shape than its argument; for a
value of a user vector space (extend.VSpace.register), its zero cotangent, added into with
the space's `_add` (`vspace_zeros`, `VSpaceCotangent`), and the gradient given back
(`vspace_finalize`), or a RuleError where a vjp left the space.

`defvjp(f, maker)` (srcdiff/extend.py) follows autograd: `maker(ans, *args, **kwargs)`
returns a function of the output's adjoint `g` giving the adjoint of one argument. srcdiff's
reverse rule for f calls it through `vjp_of`, which checks the shape the vjp returns, since
an adjoint of another shape would be broadcast into the argument's and give a wrong
gradient. The call of a function the maker returned is opaque to srcdiff: templates/extend.py
refuses a second derivative through it, at the user's line.
"""
import numpy

from .errors import RuleError


def vjp_of(maker, g, argnum, ans, *args, **kwargs):
    """maker(ans, *args, **kwargs)(g), checked to have the shape of args[argnum]."""
    out = maker(ans, *args, **kwargs)(g)
    if argnum < len(args) and getattr(type(args[argnum]), "__srcdiff_vspace__", None):
        return out   # a user vector space's value: its class is checked where it is added
    if argnum < len(args) and numpy.shape(out) != numpy.shape(args[argnum]):
        code = getattr(maker, "__code__", None)
        raise RuleError(
            f"the vjp {getattr(maker, '__qualname__', repr(maker))} registered with "
            f"defvjp returned an adjoint of shape {numpy.shape(out)} for argument {argnum}, "
            f"whose shape is {numpy.shape(args[argnum])}",
            hint="return the adjoint with the argument's own shape (sum over the axes "
                 "broadcasting added: numpy.sum(g, axis=...))",
            filename=code.co_filename if code else None,
            lineno=code.co_firstlineno if code else None)
    return out


def jvp_by_vjps(maker, t, argnum, ans, *args, **kwargs):
    """The output's tangent along argument argnum's tangent t, from the vjp alone: element i
    of it is vjp(e_i) . t, e_i the i-th unit output (one vjp call per output element; exact,
    since a vjp is J^T applied). For a primitive given defvjp and no defjvp."""
    if getattr(type(t), "__srcdiff_vspace__", None) is not None:
        raise RuleError(f"srcdiff makes the tangent of a primitive from its vjp "
                        f"({getattr(maker, '__qualname__', maker)}) only along arrays, and "
                        f"this tangent is a {type(t).__name__} of a user vector space",
                        hint="give the primitive's jvp for that argument with "
                             "srcdiff.extend.defjvp")
    if isinstance(ans, (tuple, list, dict)) or numpy.iscomplexobj(ans) or \
            numpy.iscomplexobj(t):
        raise RuleError(f"srcdiff makes the tangent of a primitive from its vjp "
                        f"({getattr(maker, '__qualname__', maker)}) only for one real array "
                        f"output, and this one is {type(ans).__name__}"
                        f"{' (complex)' if numpy.iscomplexobj(ans) else ''}",
                        hint="give the primitive's jvp with srcdiff.extend.defjvp")
    vjp = maker(ans, *args, **kwargs)
    return _by_units(numpy.shape(ans), numpy.result_type(ans, t, 1.0),
                     lambda unit: numpy.sum(vjp(unit) * t))


def vjp_by_jvps(jvp, g, argnum, ans, *args, **kwargs):
    """Argument argnum's adjoint from the jvp alone: element j of it is g . jvp(e_j), e_j the
    j-th unit tangent of the argument (one jvp call per element of the argument; exact). For
    a primitive given defjvp and no defvjp."""
    x = args[argnum]
    if numpy.iscomplexobj(x) or numpy.iscomplexobj(g) or isinstance(ans, (tuple, list, dict)):
        raise RuleError(f"srcdiff makes the adjoint of a primitive from its jvp "
                        f"({getattr(jvp, '__qualname__', jvp)}) only for real arrays",
                        hint="give the primitive's vjp with srcdiff.extend.defvjp")
    return _by_units(numpy.shape(x), numpy.result_type(x, g, 1.0),
                     lambda unit: numpy.sum(numpy.asarray(g) * jvp(unit, ans, *args, **kwargs)))


def _by_units(shape, dtype, element):
    """The array of `shape` whose element i is element(e_i), e_i the i-th unit array of that
    shape (a number where the shape is ())."""
    out = numpy.zeros(shape, dtype=dtype)
    flat = out.reshape(-1)
    for i in range(flat.size):
        unit = numpy.zeros(shape, dtype=dtype)
        unit.reshape(-1)[i] = 1.0
        flat[i] = element(unit if shape else unit[()])
    return out if shape else out[()]


def same_jvp(fun, argnum, t, ans, *args, **kwargs):
    """autograd's "same" jvp: fun with the tangent t in argument argnum's place."""
    args = list(args)
    args[argnum] = t
    return fun(*args, **kwargs)


def space_of(value):
    """The vector space (extend.VSpace) of a value of a class registered with
    VSpace.register, or None."""
    maker = getattr(type(value), "__srcdiff_vspace__", None)
    return None if maker is None else maker(value)


class VSpaceCotangent:
    """The cotangent of a value of a registered vector space while the adjoint code adds
    into it: `d += vjp` and `a + b` go through the space's `_add`, so the emitted code's
    accumulation needs nothing of the user's class (which may have no `+`). It starts at the
    space's zeros (runtime_adjoint.zeros_like_value) and is unwrapped by finalize."""

    __slots__ = ("space", "value")

    def __init__(self, space, value):
        self.space, self.value = space, value

    def _plus(self, other):
        if isinstance(other, VSpaceCotangent):
            other = other.value
        elif type(other) in (int, float) and other == 0:
            return self   # a zero srcdiff wrote as a number
        elif not (isinstance(other, type(self.value)) or isinstance(self.value, type(other))):
            raise RuleError(
                f"a cotangent of a {type(self.value).__name__} (a value of the vector space "
                f"{type(self.space).__name__}) met a {type(other).__name__}: a vjp given "
                "with defvjp for it returned a value outside its space",
                hint=f"return a {type(self.value).__name__} from the vjp (or None for zero)")
        return VSpaceCotangent(self.space, self.space._add(self.value, other))

    __add__ = __radd__ = __iadd__ = _plus

    def __repr__(self):
        return f"VSpaceCotangent({self.value!r})"


def check_space_value(value, name):
    """At a derivative's entry, compiled for a value of a user vector space as `name`."""
    if getattr(type(value), "__srcdiff_vspace__", None) is None:
        raise TypeError(f"cannot differentiate with respect to {name}: a "
                        f"{type(value).__name__} is not a value of a user vector space")


def vspace_zeros(value):
    """The zero cotangent of a value of a registered vector space, ready to be added into."""
    space = space_of(value)
    return VSpaceCotangent(space, space.zeros())


def vspace_finalize(grad, like, name):
    """The gradient given back for the argument `name`, a value of a registered vector
    space: the sum made (the space's zeros where nothing was added)."""
    if grad is None or (type(grad) in (int, float) and grad == 0):
        return space_of(like).zeros()
    if isinstance(grad, VSpaceCotangent):
        return grad.value
    if not (isinstance(grad, type(like)) or isinstance(like, type(grad))):
        raise RuleError(f"the gradient of {name}, a {type(like).__name__}, came out as a "
                        f"{type(grad).__name__}, not a value of its vector space",
                        hint=f"return a {type(like).__name__} from the vjps given for it")
    return grad
