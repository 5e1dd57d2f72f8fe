"""scipy.special: loggamma, erfcx, dawsn, exp1, expi, expn (in x), spence, poch, boxcox and
boxcox1p (in x and lmbda), owens_t (in h and a), and the pairs sici (Si, Ci) and fresnel
(S, C).

Each derivative is the function's own closed form (DLMF): erfcx' = 2 x erfcx - 2/sqrt(pi),
dawsn' = 1 - 2 x dawsn, E1' = -e^-x / x, Ei' = e^x / x, E_n' = -E_{n-1} (E_0' = -E_0 (1 +
1/x)), spence(z)' = log(z) / (1 - z) (-1 at z = 1), poch(z, m) = gamma(z + m) / gamma(z),
Si' = sin(x) / x (1 at 0), Ci' = cos(x) / x, S' = sin(pi x^2 / 2), C' = cos(pi x^2 / 2);
boxcox(x, l) = (x^l - 1) / l (log x at l = 0) has d/dl = (x^l log x - y) / l ((log x)^2 / 2
at l = 0). At those removable points (spence's z = 1, sici's 0, boxcox's l = 0) the rule is
the start of the derivative's Taylor series, so that second derivatives are right there too. expn's order n is held constant (a derivative in it is refused at the user's
line); every rule here holds for real arguments (a complex one is refused at the user's
line). Loaded only once the user's code has imported scipy.special (srcdiff.rules.OPTIONAL).
"""
import math

import numpy
import scipy.special

from srcdiff.callables import name_path
from srcdiff.rule_forms import elementwise, partials
from srcdiff.rules import d, forward, held_constant, real_only, reverse

_NAMES = ("loggamma erfcx dawsn exp1 expi expn spence poch boxcox boxcox1p sici fresnel "
          "owens_t").split()
for _name in _NAMES:
    name_path(getattr(scipy.special, _name), "scipy.special." + _name)

elementwise(scipy.special.loggamma, lambda y, x: scipy.special.digamma(x))
elementwise(scipy.special.erfcx, lambda y, x: 2 * x * y - 2 / math.sqrt(math.pi))
elementwise(scipy.special.dawsn, lambda y, x: 1 - 2 * x * y)
elementwise(scipy.special.exp1, lambda y, x: -numpy.exp(-x) / x)
elementwise(scipy.special.expi, lambda y, x: numpy.exp(x) / x)
# spence' = -log1p(u) / u, u = x - 1: at u = 0 its Taylor start -1 + u / 2 (so that its own
# derivative, second order, is right there too)
elementwise(scipy.special.spence, lambda y, x: numpy.where(
    x == 1, (x - 1) / 2 - 1, -numpy.log1p(x - 1) / numpy.where(x == 1, 1.0, x - 1)))

partials(scipy.special.expn)(lambda y, n, x: (None, numpy.where(
    n >= 1, -scipy.special.expn(numpy.maximum(n - 1, 0), x), -y * (1 + 1 / x))))
held_constant(scipy.special.expn, n="srcdiff has no derivative with respect to expn's order")

partials(scipy.special.poch)(lambda y, z, m: (
    y * (scipy.special.digamma(z + m) - scipy.special.digamma(z)),
    y * scipy.special.digamma(z + m)))

# Owen's T(h, a) = the integral over 0..a of exp(-h^2 (1 + x^2) / 2) / (2 pi (1 + x^2)):
# dT/da is the integrand at a, dT/dh = -exp(-h^2 / 2) erf(a h / sqrt 2) / (2 sqrt(2 pi))
partials(scipy.special.owens_t)(lambda y, h, a: (
    -numpy.exp(-0.5 * h * h) * scipy.special.erf(a * h / math.sqrt(2)) / (
        2 * math.sqrt(2 * math.pi)),
    numpy.exp(-0.5 * h * h * (1 + a * a)) / (2 * math.pi * (1 + a * a))))


@partials(scipy.special.boxcox)
def boxcox(y, x, lmbda):
    at_zero = lmbda == 0
    log = numpy.log(x)
    return x ** (lmbda - 1), numpy.where(
        at_zero, log * log * (0.5 + lmbda * log / 3),
        (x ** lmbda * log - y) / numpy.where(at_zero, 1.0, lmbda))


@partials(scipy.special.boxcox1p)
def boxcox1p(y, x, lmbda):
    at_zero = lmbda == 0
    log = numpy.log1p(x)
    return (1 + x) ** (lmbda - 1), numpy.where(
        at_zero, log * log * (0.5 + lmbda * log / 3),
        ((1 + x) ** lmbda * log - y) / numpy.where(at_zero, 1.0, lmbda))


# sici and fresnel return two arrays: each part's cotangent times its derivative. Ci is -inf
# at 0: its term is left out there (a loss using it there is not finite)
@reverse(scipy.special.sici)
def sici(y, x):
    at_zero = x == 0
    safe = numpy.where(at_zero, 1.0, x)
    d[x] = d[y][0] * numpy.where(at_zero, 1 - x * x / 6, numpy.sin(x) / safe) + \
        d[y][1] * numpy.where(at_zero, 0.0, numpy.cos(x) / safe)


@forward(scipy.special.sici)
def sici(y, x):
    at_zero = x == 0
    safe = numpy.where(at_zero, 1.0, x)
    d[y] = (d[x] * numpy.where(at_zero, 1 - x * x / 6, numpy.sin(x) / safe),
            d[x] * numpy.where(at_zero, 0.0, numpy.cos(x) / safe))


@reverse(scipy.special.fresnel)
def fresnel(y, x):
    d[x] = d[y][0] * numpy.sin(0.5 * math.pi * x * x) + d[y][1] * numpy.cos(0.5 * math.pi * x * x)


@forward(scipy.special.fresnel)
def fresnel(y, x):
    d[y] = (d[x] * numpy.sin(0.5 * math.pi * x * x), d[x] * numpy.cos(0.5 * math.pi * x * x))


for _name in _NAMES:
    real_only(f"scipy.special.{_name}", getattr(scipy.special, _name))
