"""Tangent rules for srcdiff/lazy_runtime.py, the helpers of gradients that stay one pass
over lazy arrays: forward mode over an emitted gradient (Hessian-vector products) meets them."""
from srcdiff.lazy_runtime import (broadcast_back, decided, scale_gradient, scale_gradient_tangent, unit_like,
                                  unit_like_tangent)
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable

# a branch condition as a Python bool: no tangent
nondifferentiable(decided)


@forward(unit_like)
def unit_like_tangent_rule(y, s):
    d[y] = unit_like_tangent(d[s], s)


@forward(scale_gradient)
def scale_gradient_tangent_rule(y, g, s):
    d[y] = scale_gradient(d[g], s)
    d[y] = scale_gradient_tangent(g, d[s], s)


linear(broadcast_back, "grad")
