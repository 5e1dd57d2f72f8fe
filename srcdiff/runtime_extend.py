"""Runtime helper of autograd-style primitives (run time: called by emitted code that the
rules extend.py registers splice in). Takes a primitive's vjp maker, the output's adjoint, the
primitive's output and its arguments; gives back the maker's vjp applied to the adjoint, or
raises a RuleError naming the maker when that vjp has another shape than its argument.

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
