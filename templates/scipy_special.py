"""scipy.special: logsumexp, softmax, log_softmax, the gamma and error function families,
Bessel functions i0/i1/iv and their scaled forms, xlogy/xlog1py, entropies (entr, rel_entr,
kl_div: 0 log 0 = 0, with the partials it gives where x == 0).

Loaded only once the user's code has imported scipy.special (srcdiff.rules.OPTIONAL).
Orders and counts (polygamma's n, iv's v, multigammaln's d) are held constant: a
derivative with respect to one is refused at the user's line. Kinks follow the project's
convention: sign(0) = 0 where the scaled Bessel functions meet |x|. Complex arguments follow
the README's convention where the function is holomorphic (erf, erfc, ndtr, log_ndtr, xlogy,
xlog1py, iv: the rules are f'(z)); elsewhere (|x| in ive, digamma's derivative through a real
zeta) a complex argument is refused at the user's line.
"""
import math

import numpy
import scipy.special

from srcdiff.callables import name_path
from srcdiff.rule_forms import elementwise, partials
from srcdiff.rules import d, forward, held_constant, real_only, reverse
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_scipy import multipolygamma, polygamma_of, reduced_input, weighted

for _name in ("logsumexp softmax log_softmax expit logit gammaln digamma polygamma gamma "
              "betaln beta erf erfc erfinv erfcinv ndtr log_ndtr ndtri xlogy xlog1py i0 i1 "
              "i0e i1e iv ive multigammaln rel_entr entr kl_div").split():
    name_path(getattr(scipy.special, _name), "scipy.special." + _name)

elementwise(scipy.special.expit, lambda y, x: y * (1 - y))
elementwise(scipy.special.logit, lambda y, x: 1 / (x * (1 - x)))
elementwise(scipy.special.gammaln, lambda y, x: scipy.special.digamma(x))
elementwise(scipy.special.digamma, lambda y, x: polygamma_of(1, x))
elementwise(scipy.special.gamma, lambda y, x: y * scipy.special.digamma(x))
elementwise(scipy.special.erf, lambda y, x: (2 / math.sqrt(math.pi)) * numpy.exp(-(x * x)))
elementwise(scipy.special.erfc, lambda y, x: (-2 / math.sqrt(math.pi)) * numpy.exp(-(x * x)))
elementwise(scipy.special.erfinv, lambda y, x: (math.sqrt(math.pi) / 2) * numpy.exp(y * y))
elementwise(scipy.special.erfcinv, lambda y, x: (-math.sqrt(math.pi) / 2) * numpy.exp(y * y))
elementwise(scipy.special.ndtr, lambda y, x: numpy.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))
# phi(x) / ndtr(x) as one exponential: finite far in the left tail, where ndtr underflows
elementwise(scipy.special.log_ndtr, lambda y, x: numpy.exp(-0.5 * x * x - y) / math.sqrt(2 * math.pi))
elementwise(scipy.special.ndtri, lambda y, x: math.sqrt(2 * math.pi) * numpy.exp(0.5 * y * y))
elementwise(scipy.special.i0, lambda y, x: scipy.special.i1(x))
# i1' = (i0 + i2) / 2 = i0 - i1 / x (i2 = i0 - 2 i1 / x), 1/2 at 0: only i0 and i1, which
# CuPy has too (cupyx.scipy.special has no iv, ive); i1e = i1 exp(-|x|) likewise
elementwise(scipy.special.i1, lambda y, x: numpy.where(
    x == 0, 0.5, scipy.special.i0(x) - y / numpy.where(x == 0, 1.0, x)))
elementwise(scipy.special.i0e, lambda y, x: scipy.special.i1e(x) - numpy.sign(x) * y)
elementwise(scipy.special.i1e, lambda y, x: numpy.where(
    x == 0, 0.5, scipy.special.i0e(x) - y / numpy.where(x == 0, 1.0, x)) - numpy.sign(x) * y)
# entr(x) = -x log x, 0 at x == 0 (0 log 0 = 0): its slope there is infinite from the right
# and it is -inf left of 0, so entr(a(t)) with a(0) == 0 is differentiable only where
# a'(0) == 0, its derivative 0 there; the partial is 0 at x == 0, where -(log 0 + 1) made
# entr(x * x) NaN at 0 (inf * 0)
elementwise(scipy.special.entr, lambda y, x: numpy.where(
    x == 0, 0.0, -(numpy.log(numpy.where(x == 0, 1.0, x)) + 1)))


@reverse(scipy.special.logsumexp)
def logsumexp(y, a, axis=None, b=None, keepdims=False):
    grad = reduced_input(d[y], a, b, axis, keepdims)
    p = numpy.exp(a - reduced_input(y, a, b, axis, keepdims))
    d[a] = unbroadcast(grad * weighted(p, b), a)
    d[b] = unbroadcast(broadcast_like(grad * p, weighted(p, b)), b)


@forward(scipy.special.logsumexp)
def logsumexp(y, a, axis=None, b=None, keepdims=False):
    p = numpy.exp(a - reduced_input(y, a, b, axis, keepdims))
    d[y] = numpy.sum(weighted(p, b) * d[a], axis=axis, keepdims=keepdims)
    d[y] = numpy.sum(p * d[b], axis=axis, keepdims=keepdims)


@reverse(scipy.special.softmax)
def softmax(y, x, axis=None):
    d[x] = y * (d[y] - numpy.sum(d[y] * y, axis=axis, keepdims=True))


@forward(scipy.special.softmax)
def softmax(y, x, axis=None):
    d[y] = y * (d[x] - numpy.sum(d[x] * y, axis=axis, keepdims=True))


@reverse(scipy.special.log_softmax)
def log_softmax(y, x, axis=None):
    d[x] = d[y] - numpy.exp(y) * numpy.sum(d[y], axis=axis, keepdims=True)


@forward(scipy.special.log_softmax)
def log_softmax(y, x, axis=None):
    d[y] = d[x] - numpy.sum(numpy.exp(y) * d[x], axis=axis, keepdims=True)


partials(scipy.special.polygamma)(lambda y, n, x: (None, polygamma_of(n + 1, x)))
held_constant(scipy.special.polygamma, n="the order n of polygamma is an integer")


# iv(v, x)' = (iv(v - 1, x) + iv(v + 1, x)) / 2, and ive(v, x) = iv(v, x) exp(-|x|)
partials(scipy.special.iv)(
    lambda y, v, x: (None, 0.5 * (scipy.special.iv(v - 1, x) + scipy.special.iv(v + 1, x))))
partials(scipy.special.ive)(lambda y, v, x: (None, 0.5 * (
    scipy.special.ive(v - 1, x) + scipy.special.ive(v + 1, x)) - numpy.sign(x) * y))

_ORDER = "srcdiff has no derivative with respect to a Bessel function's order"
held_constant(scipy.special.iv, v=_ORDER)
held_constant(scipy.special.ive, v=_ORDER)


partials(scipy.special.multigammaln, broadcast=False)(
    lambda y, a, dim: (multipolygamma(0, a, dim), None))
# the rule names multigammaln's d `dim` (`d` means the derivative in a rule): pass d by position
held_constant(scipy.special.multigammaln, dim="the dimension d of multigammaln is an integer")


# the gradients of beta and betaln: digamma(a) - digamma(a + b), and the same in b
@partials(scipy.special.betaln)
def betaln(y, a, b):
    both = scipy.special.digamma(a + b)
    return scipy.special.digamma(a) - both, scipy.special.digamma(b) - both


@partials(scipy.special.beta)
def beta(y, a, b):
    both = scipy.special.digamma(a + b)
    return y * (scipy.special.digamma(a) - both), y * (scipy.special.digamma(b) - both)


# xlogy(x, y) = x log y and xlog1py(x, y) = x log1p(y), 0 where x == 0 (so is the derivative
# in y there, as the value is 0 for every y). Where x == 0 and y == 0 (1 + y == 0) the
# partial in x is 0, not log 0: xlogy(a(t), b(t)) with a(0) == b(0) == 0 is differentiable
# only where a'(0) == 0 (a(t) log b(t) is O(t^2 log t)), its derivative 0 there, which
# log 0 * a'(0) made NaN (xlogy(x * x, x * x) at 0: 0 log 0 = 0)
partials(scipy.special.xlogy)(lambda out, x, y: (
    numpy.log(numpy.where((x == 0) & (y == 0), 1, y)), x / numpy.where(x == 0, 1, y)))
partials(scipy.special.xlog1py)(lambda out, x, y: (
    numpy.log1p(numpy.where((x == 0) & (y == -1), 0, y)), x / numpy.where(x == 0, 1, 1 + y)))
# rel_entr(x, y) = x log(x / y) and kl_div(x, y) = x log(x / y) - x + y, 0 (y) at x == 0,
# +inf left of it: as for entr, the partial in x is 0 at x == 0 (not log 0), the one in y
# its limit there (x / y -> 0), also where y == 0 (rel_entr(x * x, x * x) at 0)
@partials(scipy.special.rel_entr)
def rel_entr(out, x, y):
    ratio = x / numpy.where(x == 0, 1, y)
    return numpy.where(x == 0, 0.0, numpy.log(numpy.where(x == 0, 1, ratio)) + 1), -ratio


@partials(scipy.special.kl_div)
def kl_div(out, x, y):
    ratio = x / numpy.where(x == 0, 1, y)
    return numpy.where(x == 0, 0.0, numpy.log(numpy.where(x == 0, 1, ratio))), 1 - ratio


for _name in ("logsumexp softmax log_softmax expit logit gammaln digamma polygamma gamma "
              "betaln beta erfinv erfcinv ndtri i0 i1 i0e i1e ive multigammaln rel_entr "
              "entr kl_div").split():
    real_only(f"scipy.special.{_name}", getattr(scipy.special, _name))
