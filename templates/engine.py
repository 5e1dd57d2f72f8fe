"""Rules for the helpers srcdiff's own lowering inserts into the primal code."""
from srcdiff import runtime
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime import own_copy

# the tape keeps only the shape of arrays whose values the adjoint never reads
nondifferentiable(runtime.shape_of, runtime.check_differentiable)


@reverse(own_copy)
def own_copy_adjoint(y, value):
    d[value] = d[y]


@forward(own_copy)
def own_copy_tangent(y, value):
    d[y] = d[value]
