"""Rules for `srcdiff.flatten` called in differentiated code (`v, _ = flatten(params)`, as in
autograd's neural-net examples' L2 penalty): the vector is linear in the parameters' float
leaves (srcdiff/flatten.py has the helpers). The unflatten function it also gives carries no
derivative; its calls (`loss(unflatten(v))`, autograd's flatten_func) are call_unflatten's.
"""
from srcdiff.flatten import flatten, flatten_adjoint, flatten_tangent, flatten_values
from srcdiff.runtime_closures import call_unflatten
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse


@reverse(flatten)
def flatten_grad(y, tree):
    d[tree] = flatten_adjoint(d[y][0], tree)


@forward(flatten)
def flatten_jvp(y, tree):
    d[y] = flatten_tangent(d[tree], tree)


# `unflatten(v)`: linear in v, the tree's leaves are v's slices (a tree like the result)
@reverse(call_unflatten)
def call_unflatten_grad(y, unflatten, values):
    d[values] = flatten_values(d[y], y)


@forward(call_unflatten)
def call_unflatten_jvp(y, unflatten, values):
    d[y] = flatten_adjoint(d[values], y)


# the helpers the emitted code calls, for derivatives of derivatives
linear(flatten_adjoint, "g", transpose=lambda y, g, tree: flatten_values(d[y], tree))
linear(flatten_values, "t", transpose=lambda y, t, tree: flatten_adjoint(d[y], tree))
linear(flatten_tangent, "t", transpose=lambda y, t, tree: flatten_adjoint(d[y][0], tree))
