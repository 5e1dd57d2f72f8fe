"""Rules for `srcdiff.flatten` called in differentiated code (`v, _ = flatten(params)`, as in
autograd's neural-net examples' L2 penalty): the vector is linear in the parameters' float
leaves (srcdiff/flatten.py has the helpers). The unflatten function it also gives carries no
derivative.
"""
from srcdiff.flatten import flatten, flatten_adjoint, flatten_tangent, flatten_values
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse


@reverse(flatten)
def flatten_grad(y, tree):
    d[tree] = flatten_adjoint(d[y][0], tree)


@forward(flatten)
def flatten_jvp(y, tree):
    d[y] = flatten_tangent(d[tree], tree)


# the helpers the emitted code calls, for derivatives of derivatives
linear(flatten_adjoint, "g", transpose=lambda y, g, tree: flatten_values(d[y], tree))
linear(flatten_values, "t", transpose=lambda y, t, tree: flatten_adjoint(d[y], tree))
linear(flatten_tangent, "t", transpose=lambda y, t, tree: flatten_adjoint(d[y][0], tree))
