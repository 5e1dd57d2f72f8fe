"""scipy.special: logsumexp, softmax, log_softmax, the gamma and error function families,
Bessel functions i0/i1/iv and their scaled forms, xlogy/xlog1py, entropies.

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
from srcdiff.rule_forms import elementwise
from srcdiff.rules import d, forward, held_constant, real_only, reverse
from srcdiff.runtime import broadcast_like, unbroadcast
from srcdiff.runtime_scipy import multipolygamma, polygamma_of, reduced_input, weighted

_G = globals()

for _name in ("logsumexp softmax log_softmax expit logit gammaln digamma polygamma gamma "
              "betaln beta erf erfc erfinv erfcinv ndtr log_ndtr ndtri xlogy xlog1py i0 i1 "
              "i0e i1e iv ive multigammaln rel_entr entr").split():
    name_path(getattr(scipy.special, _name), "scipy.special." + _name)

elementwise(scipy.special.expit, "y * (1 - y)", _G)
elementwise(scipy.special.logit, "1 / (x * (1 - x))", _G)
elementwise(scipy.special.gammaln, "scipy.special.digamma(x)", _G)
elementwise(scipy.special.digamma, "polygamma_of(1, x)", _G)
elementwise(scipy.special.gamma, "y * scipy.special.digamma(x)", _G)
elementwise(scipy.special.erf, "(2 / math.sqrt(math.pi)) * numpy.exp(-(x * x))", _G)
elementwise(scipy.special.erfc, "(-2 / math.sqrt(math.pi)) * numpy.exp(-(x * x))", _G)
elementwise(scipy.special.erfinv, "(math.sqrt(math.pi) / 2) * numpy.exp(y * y)", _G)
elementwise(scipy.special.erfcinv, "(-math.sqrt(math.pi) / 2) * numpy.exp(y * y)", _G)
elementwise(scipy.special.ndtr, "numpy.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)", _G)
# phi(x) / ndtr(x) as one exponential: finite far in the left tail, where ndtr underflows
elementwise(scipy.special.log_ndtr, "numpy.exp(-0.5 * x * x - y) / math.sqrt(2 * math.pi)", _G)
elementwise(scipy.special.ndtri, "math.sqrt(2 * math.pi) * numpy.exp(0.5 * y * y)", _G)
elementwise(scipy.special.i0, "scipy.special.i1(x)", _G)
# i1' = (i0 + i2) / 2: no division by x, so finite at 0
elementwise(scipy.special.i1, "0.5 * (scipy.special.i0(x) + scipy.special.iv(2, x))", _G)
elementwise(scipy.special.i0e, "scipy.special.i1e(x) - numpy.sign(x) * y", _G)
elementwise(scipy.special.i1e, "0.5 * (scipy.special.i0e(x) + scipy.special.ive(2, x)) - "
            "numpy.sign(x) * y", _G)
elementwise(scipy.special.entr, "-(numpy.log(x) + 1)", _G)


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


@reverse(scipy.special.polygamma)
def polygamma(y, n, x):
    d[x] = unbroadcast(d[y] * polygamma_of(n + 1, x), x)


@forward(scipy.special.polygamma)
def polygamma(y, n, x):
    d[y] = broadcast_like(d[x] * polygamma_of(n + 1, x), y)


held_constant(scipy.special.polygamma, n="the order n of polygamma is an integer")


# iv(v, x)' = (iv(v - 1, x) + iv(v + 1, x)) / 2, and ive(v, x) = iv(v, x) exp(-|x|)
@reverse(scipy.special.iv)
def iv(y, v, x):
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.iv(v - 1, x) + scipy.special.iv(v + 1, x)), x)


@forward(scipy.special.iv)
def iv(y, v, x):
    d[y] = broadcast_like(d[x] * 0.5 * (scipy.special.iv(v - 1, x) + scipy.special.iv(v + 1, x)),
                          y)


@reverse(scipy.special.ive)
def ive(y, v, x):
    d[x] = unbroadcast(d[y] * (0.5 * (scipy.special.ive(v - 1, x) + scipy.special.ive(v + 1, x))
                               - numpy.sign(x) * y), x)


@forward(scipy.special.ive)
def ive(y, v, x):
    d[y] = broadcast_like(d[x] * (0.5 * (scipy.special.ive(v - 1, x)
                                         + scipy.special.ive(v + 1, x)) - numpy.sign(x) * y), y)


_ORDER = "srcdiff has no derivative with respect to a Bessel function's order"
held_constant(scipy.special.iv, v=_ORDER)
held_constant(scipy.special.ive, v=_ORDER)


@reverse(scipy.special.multigammaln)
def multigammaln(y, a, dim):
    d[a] = d[y] * multipolygamma(0, a, dim)


@forward(scipy.special.multigammaln)
def multigammaln(y, a, dim):
    d[y] = d[a] * multipolygamma(0, a, dim)


# the rule names multigammaln's d `dim` (`d` means the derivative in a rule): pass d by position
held_constant(scipy.special.multigammaln, dim="the dimension d of multigammaln is an integer")


# the gradients of beta and betaln: digamma(a) - digamma(a + b), and the same in b
@reverse(scipy.special.betaln)
def betaln(y, a, b):
    both = scipy.special.digamma(a + b)
    d[a] = unbroadcast(d[y] * (scipy.special.digamma(a) - both), a)
    d[b] = unbroadcast(d[y] * (scipy.special.digamma(b) - both), b)


@forward(scipy.special.betaln)
def betaln(y, a, b):
    both = scipy.special.digamma(a + b)
    d[y] = broadcast_like(d[a] * (scipy.special.digamma(a) - both), y)
    d[y] = broadcast_like(d[b] * (scipy.special.digamma(b) - both), y)


@reverse(scipy.special.beta)
def beta(y, a, b):
    both = scipy.special.digamma(a + b)
    d[a] = unbroadcast(d[y] * y * (scipy.special.digamma(a) - both), a)
    d[b] = unbroadcast(d[y] * y * (scipy.special.digamma(b) - both), b)


@forward(scipy.special.beta)
def beta(y, a, b):
    both = scipy.special.digamma(a + b)
    d[y] = broadcast_like(d[a] * y * (scipy.special.digamma(a) - both), y)
    d[y] = broadcast_like(d[b] * y * (scipy.special.digamma(b) - both), y)


# xlogy(x, y) = x log y and xlog1py(x, y) = x log1p(y), 0 where x == 0 (so is the derivative
# in y there, as the value is 0 for every y)
@reverse(scipy.special.xlogy)
def xlogy(out, x, y):
    d[x] = unbroadcast(d[out] * numpy.log(y), x)
    d[y] = unbroadcast(d[out] * x / numpy.where(x == 0, 1, y), y)


@forward(scipy.special.xlogy)
def xlogy(out, x, y):
    d[out] = broadcast_like(d[x] * numpy.log(y), out)
    d[out] = broadcast_like(d[y] * x / numpy.where(x == 0, 1, y), out)


@reverse(scipy.special.xlog1py)
def xlog1py(out, x, y):
    d[x] = unbroadcast(d[out] * numpy.log1p(y), x)
    d[y] = unbroadcast(d[out] * x / numpy.where(x == 0, 1, 1 + y), y)


@forward(scipy.special.xlog1py)
def xlog1py(out, x, y):
    d[out] = broadcast_like(d[x] * numpy.log1p(y), out)
    d[out] = broadcast_like(d[y] * x / numpy.where(x == 0, 1, 1 + y), out)


# rel_entr(x, y) = x log(x / y) (0 at x == 0)
@reverse(scipy.special.rel_entr)
def rel_entr(out, x, y):
    d[x] = unbroadcast(d[out] * (numpy.log(x / y) + 1), x)
    d[y] = unbroadcast(-d[out] * x / y, y)


@forward(scipy.special.rel_entr)
def rel_entr(out, x, y):
    d[out] = broadcast_like(d[x] * (numpy.log(x / y) + 1), out)
    d[out] = broadcast_like(-d[y] * x / y, out)


for _name in ("logsumexp softmax log_softmax expit logit gammaln digamma polygamma gamma "
              "betaln beta erfinv erfcinv ndtri i0 i1 i0e i1e ive multigammaln rel_entr "
              "entr").split():
    real_only(f"scipy.special.{_name}", getattr(scipy.special, _name))
