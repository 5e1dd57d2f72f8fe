"""scipy.special: the Bessel functions of the first and second kinds (j0, j1, jv = jn, y0,
y1, yn), rgamma, the regularized incomplete gamma and beta functions (gammainc, gammaincc,
betainc) with respect to x, Hurwitz's zeta in q, the confluent and Gauss hypergeometric
functions hyp1f1 and hyp2f1 in z, and gammasgn (no derivative: a sign).

Orders (jv's v, yn's n), the incomplete functions' parameters (gammainc's a, betainc's a
and b), the hypergeometric functions' parameters (a, b, c) and zeta's exponent x are held
constant: a derivative with respect to one is refused at the user's line.
Loaded only once the user's code has imported scipy.special (srcdiff.rules.OPTIONAL).
scipy.special.jn is the same object as jv; scipy.special.psi the same as digamma
(templates/scipy_special.py).
"""
import numpy
import scipy.special

from srcdiff.callables import name_path
from srcdiff.rule_forms import elementwise, partials
from srcdiff.rules import held_constant, nondifferentiable, real_only

for _name in "j0 j1 jv y0 y1 yn rgamma gammainc gammaincc betainc gammasgn zeta hyp1f1 hyp2f1".split():
    name_path(getattr(scipy.special, _name), "scipy.special." + _name)

# j0' = -j1, y0' = -y1; j1' = (j0 - j2) / 2 = j0 - j1 / x (j2 = 2 j1 / x - j0), 1/2 at 0:
# only j0 and j1, which CuPy has too (cupyx.scipy.special has no jv); y1' = (y0 - y2) / 2
elementwise(scipy.special.j0, lambda y, x: -scipy.special.j1(x))
elementwise(scipy.special.j1, lambda y, x: numpy.where(
    x == 0, 0.5, scipy.special.j0(x) - y / numpy.where(x == 0, 1.0, x)))
elementwise(scipy.special.y0, lambda y, x: -scipy.special.y1(x))
elementwise(scipy.special.y1, lambda y, x: 0.5 * (scipy.special.y0(x) - scipy.special.yn(2, x)))
# rgamma = 1 / gamma: rgamma' = -rgamma digamma
elementwise(scipy.special.rgamma, lambda y, x: -y * scipy.special.digamma(x))


# jv(v, x)' = (jv(v - 1, x) - jv(v + 1, x)) / 2, the same for yn (yn(-1, x) = -y1(x))
partials(scipy.special.jv)(
    lambda y, v, x: (None, 0.5 * (scipy.special.jv(v - 1, x) - scipy.special.jv(v + 1, x))))
partials(scipy.special.yn)(
    lambda y, n, x: (None, 0.5 * (scipy.special.yn(n - 1, x) - scipy.special.yn(n + 1, x))))

_ORDER = "srcdiff has no derivative with respect to a Bessel function's order"
held_constant(scipy.special.jv, v=_ORDER)
held_constant(scipy.special.yn, n=_ORDER)


# gammainc(a, x) = P(a, x): dP/dx = x^(a-1) e^-x / gamma(a) (xlogy: 0 log 0 = 0 at a = 1),
# and gammaincc = 1 - P
partials(scipy.special.gammainc)(lambda y, a, x: (None, numpy.exp(
    scipy.special.xlogy(a - 1, x) - x - scipy.special.gammaln(a))))
partials(scipy.special.gammaincc)(lambda y, a, x: (None, -numpy.exp(
    scipy.special.xlogy(a - 1, x) - x - scipy.special.gammaln(a))))


# betainc(a, b, x) = I_x(a, b): dI/dx = x^(a-1) (1-x)^(b-1) / B(a, b)
partials(scipy.special.betainc)(lambda y, a, b, x: (None, None, numpy.exp(
    scipy.special.xlogy(a - 1, x) + scipy.special.xlog1py(b - 1, -x) - scipy.special.betaln(a, b))))


_PARAMETER = ("srcdiff differentiates the regularized incomplete {} function with respect to "
              "x only")
held_constant(scipy.special.gammainc, a=_PARAMETER.format("gamma"))
held_constant(scipy.special.gammaincc, a=_PARAMETER.format("gamma"))
held_constant(scipy.special.betainc, a=_PARAMETER.format("beta"), b=_PARAMETER.format("beta"))

nondifferentiable(scipy.special.gammasgn)


# zeta(x, q), Hurwitz's sum of (k + q)^-x: d/dq = -x zeta(x + 1, q); x (Riemann's zeta where q
# is None) is held constant: its derivative, a sum of log(k + q) (k + q)^-x, is no SciPy function
partials(scipy.special.zeta)(lambda y, x, q=None: (None, -x * scipy.special.zeta(x + 1, q)))
held_constant(scipy.special.zeta, x="srcdiff differentiates scipy.special.zeta with respect to "
              "q only (the exponent x's derivative is no SciPy function)")


# d/dz 1F1(a; b; z) = a/b 1F1(a+1; b+1; z) and d/dz 2F1(a, b; c; z) = ab/c 2F1(a+1, b+1; c+1; z)
# (each term of the series differentiated); in the parameters the derivative is a double series
# that SciPy has no function for, so they are held constant
partials(scipy.special.hyp1f1)(
    lambda y, a, b, z: (None, None, a / b * scipy.special.hyp1f1(a + 1, b + 1, z)))
partials(scipy.special.hyp2f1)(
    lambda y, a, b, c, z: (None, None, None,
                           a * b / c * scipy.special.hyp2f1(a + 1, b + 1, c + 1, z)))
_HYPERGEOMETRIC = ("srcdiff differentiates scipy.special.{} with respect to z only (its "
                   "derivative in a parameter is no SciPy function)")
held_constant(scipy.special.hyp1f1, a=_HYPERGEOMETRIC.format("hyp1f1"),
              b=_HYPERGEOMETRIC.format("hyp1f1"))
held_constant(scipy.special.hyp2f1, a=_HYPERGEOMETRIC.format("hyp2f1"),
              b=_HYPERGEOMETRIC.format("hyp2f1"), c=_HYPERGEOMETRIC.format("hyp2f1"))

for _name in "j0 j1 y0 y1 yn rgamma gammainc gammaincc betainc zeta hyp1f1 hyp2f1".split():
    real_only(f"scipy.special.{_name}", getattr(scipy.special, _name))
