"""The digamma and polygamma functions of Python floats, which the rules of math.lgamma and
math.gamma (templates/python.py) emit (run time: called by emitted code; a leaf, the math
module only, so srcdiff's derivatives of math.lgamma need no SciPy). Takes a real number x
(a Python float, int or NumPy scalar; not a pole: x not 0, -1, -2, ...) and, for polygamma,
an order n >= 1; gives back a Python float, accurate to about 1e-14 relative.

    digamma(x)       = d/dx log|gamma(x)|
    polygamma(n, x)  = the n-th derivative of digamma at x

Both shift x up to at least 10 by the recurrences
digamma(x) = digamma(x + 1) - 1/x and polygamma(n, x) = polygamma(n, x + 1) + (-1)**(n+1) n!/x**(n+1),
then sum the asymptotic series in 1/x with Bernoulli numbers; x < 0 goes through the
reflection formulas (digamma(1 - x) - digamma(x) = pi cot(pi x), and its n-th derivative).
"""
import math

# the Bernoulli numbers B_2k for k = 1..10: digamma(x) ~ log x - 1/(2x) - sum B_2k / (2k x**2k)
_BERNOULLI = (1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6,
              -3617.0 / 510, 43867.0 / 798, -174611.0 / 330)
_LARGE = 10.0


def _real(x):
    x = float(x)
    if x <= 0 and x == math.floor(x):
        raise ValueError(f"digamma/polygamma: x = {x} is a pole of the gamma function")
    return x


def digamma(x):
    """d/dx log|gamma(x)| of a real x (not 0 or a negative integer), as a Python float."""
    x = _real(x)
    if x < 0:
        # digamma(x) = digamma(1 - x) - pi cot(pi x), with pi x reduced mod pi first
        return digamma(1.0 - x) - math.pi / math.tan(math.pi * (x - math.floor(x)))
    shift = 0.0
    while x < _LARGE:
        shift -= 1.0 / x
        x += 1.0
    inverse_square = 1.0 / (x * x)
    series, power = 0.0, 1.0
    for k, b in enumerate(_BERNOULLI, start=1):
        power *= inverse_square
        series += b / (2 * k) * power
    return shift + math.log(x) - 0.5 / x - series


def _cot_derivative(n, x):
    """The n-th derivative of pi cot(pi x), by the polynomials P_n(c), c = cot(pi x):
    d/dx P(c) = -pi (1 + c**2) P'(c), starting from P_0 = c, scaled by pi**(n + 1)."""
    coefficients = [0.0, 1.0]   # P_0(c) = c
    for _ in range(n):
        derived = [k * a for k, a in enumerate(coefficients)][1:]     # P'(c)
        # -(1 + c**2) P'(c)
        out = [0.0] * (len(derived) + 2)
        for k, a in enumerate(derived):
            out[k] -= a
            out[k + 2] -= a
        coefficients = out
    c = 1.0 / math.tan(math.pi * (x - math.floor(x)))
    value = 0.0
    for a in reversed(coefficients):
        value = value * c + a
    return math.pi ** (n + 1) * value


def polygamma(n, x):
    """The n-th derivative of digamma (n >= 1 an integer) at a real x (not a pole), as a
    Python float."""
    if n != int(n) or n < 1:
        raise ValueError(f"polygamma: the order n = {n} is not an integer >= 1")
    n, x = int(n), _real(x)
    if x < 0:
        # differentiating digamma(x) = digamma(1 - x) - pi cot(pi x) n times
        return (-1.0) ** n * polygamma(n, 1.0 - x) - _cot_derivative(n, x)
    sign = -1.0 if n % 2 == 0 else 1.0          # (-1)**(n + 1)
    factorial = math.factorial(n)
    shift = 0.0
    while x < _LARGE:
        shift += 1.0 / x ** (n + 1)
        x += 1.0
    # polygamma(n, x) ~ (-1)**(n+1) [(n-1)!/x**n + n!/(2 x**(n+1))
    #                                + sum B_2k (2k+n-1)! / ((2k)! x**(2k+n))]
    series = math.factorial(n - 1) / x ** n + factorial / (2.0 * x ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        series += (b * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
                   / x ** (2 * k + n))
    return sign * (factorial * shift + series)
