"""numpy.random samplers whose draws move with float parameters (legacy module functions).

The derivative is the reparameterized (pathwise) one: the sample drawn, as a function of
its parameters with the random state fixed (y = loc + scale * z for normal, low +
(high - low) * u for uniform, scale * e for exponential), the standard draw being
recovered from the sample. The draw does not move with the parameters, so its helpers
carry no derivative (second derivatives are those of the path). Samplers drawn from
shapes or counts (rand, standard_normal, integers, poisson, ...) are in
nondifferentiable.py; those without a pathwise rule here are refused.
"""
import numpy

from srcdiff.rule_forms import partials
from srcdiff.rules import not_implemented
from srcdiff.runtime import normal_draw, uniform_fraction


partials(numpy.random.normal)(
    lambda y, loc=0.0, scale=1.0, size=None: (1, normal_draw(y, loc, scale), None))
partials(numpy.random.uniform)(lambda y, low=0.0, high=1.0, size=None: (
    1 - uniform_fraction(y, low, high), uniform_fraction(y, low, high), None))
partials(numpy.random.exponential)(
    lambda y, scale=1.0, size=None: (normal_draw(y, 0.0, scale), None))


not_implemented(numpy.random.choice, "draw indices and index with them: "
                "a[numpy.random.choice(len(a), size, replace, p)]; the draw does not move with "
                "p (wrap p in srcdiff.stop_gradient)")
not_implemented(numpy.random.permutation, "index with a permutation of the positions: "
                "x[numpy.random.permutation(len(x))]")
not_implemented(numpy.random.shuffle, "shuffle changes its argument in place; write "
                "x = x[numpy.random.permutation(len(x))]")
not_implemented(numpy.random.gamma, "srcdiff has no pathwise derivative for gamma draws; "
                "wrap the parameters in srcdiff.stop_gradient if none should flow")
not_implemented(numpy.random.beta, "srcdiff has no pathwise derivative for beta draws; "
                "wrap the parameters in srcdiff.stop_gradient if none should flow")
