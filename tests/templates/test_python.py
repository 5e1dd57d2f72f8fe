"""Every rule in templates/python.py (math module, builtins) against central differences."""
import math
import statistics

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import runtime_gamma
from rule_tables import MATH

rng = np.random.default_rng(4)


def _chain(fn):
    return lambda x: fn(x) * x + 1.0


@pytest.mark.parametrize("fn,x", MATH, ids=[f.__name__ for f, _ in MATH])
def test_math_unary(fn, x):
    g = check(_chain(fn), x)
    assert type(g) is float


# math.lgamma's derivative is digamma, math.gamma's gamma * digamma (srcdiff.runtime_gamma,
# no SciPy), to second order (polygamma), also below 0 where lgamma is log|gamma|
@pytest.mark.parametrize("x", [0.3, 1.7, 12.5, -1.3, -2.6])
def test_math_lgamma_and_gamma_to_second_order(x):
    assert type(check(lambda v: math.lgamma(v) * v + 1.0, x, order=2)) is float
    check(lambda v: math.gamma(v) * v + 1.0, x, order=2)
    check(lambda a, b: math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b), x, 0.8,
          wrt=(0, 1), order=2)


# digamma's rule emits polygamma(1, v), polygamma's polygamma(n + 1, v): the rules of the
# derivatives above, reached by differentiating srcdiff's own digamma twice (lgamma's third
# order), in both modes
def _digamma_scaled(v):
    return runtime_gamma.digamma(v * 1.5 + 2.0) * v


@pytest.mark.parametrize("x", [0.7, -0.3])
def test_digamma_and_polygamma_to_second_order(x):
    check(_digamma_scaled, x, order=2)


def test_math_two_arguments():
    check(lambda x, b: math.log(x, b) * 2.0, 1.7, 3.0, wrt=(0, 1))
    check(lambda y, x: math.atan2(y, x) * 2.0, 0.3, -0.8, wrt=(0, 1))
    check(lambda x, y: math.pow(x, y) * 2.0, 1.3, 2.4, wrt=(0, 1))
    check(lambda x: math.pow(x, 0.0) + x, 1.3)
    check(lambda x, y: math.hypot(x, y) * 2.0, 0.3, -0.8, wrt=(0, 1))
    check(lambda x, y: math.fmod(x * 5.0, y) * x, 1.3, 0.7, wrt=(0, 1))
    check(lambda x, y: math.fmod(x * 5.0, y) * x, -1.3, 0.7, wrt=(0, 1))
    check(lambda x, y: math.remainder(x * 5.0, y) * x, 1.3, 0.7, wrt=(0, 1))
    check(lambda x, y: math.remainder(x, y) * y, -2.9, 1.1, wrt=(0, 1))


def test_builtin_pow():
    check(lambda x, y: pow(x, y) * 2.0, 1.3, 2.4, wrt=(0, 1))
    check(lambda x: np.sum(pow(x, 3.0)), rng.normal(size=(2, 3)))


def test_builtin_abs():
    check(lambda x: abs(x) * x, -0.7)
    check(lambda x: np.sum(abs(x) * x), rng.uniform(0.2, 1, (2, 3)) * [1, -1, 1])


def test_float():
    x = rng.normal(size=(2, 3))
    check(lambda x: float(np.sum(x)) * 3.0, x)
    check(lambda x: float(x[0, 1]) ** 2, x)
    check(lambda x: float(x) * 2.0, 0.7)
    check(lambda x: float(np.sum(x)) * 2.0, np.array(0.7))


def test_builtin_sum():
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3,))
    check(lambda a, b: np.sum(np.sin(sum([a, b, a]))), a, b, wrt=(0, 1))
    check(lambda s, t: sum([s, t * t]) * 2.0, 0.3, 0.5, wrt=(0, 1))
    check(lambda s, t: sum([s, s], t) * 2.0, 0.3, 0.5, wrt=(0, 1))
    check(lambda xs: sum(xs) ** 2, [0.3, 0.5, -0.2])
    x = rng.normal(size=(3, 2))
    check(lambda x: np.sum(sum(x) * np.array([1.0, 2.0])), x)


def test_builtin_sum_of_list_built_in_a_loop():
    def f(x):
        terms = []
        for i in range(3):
            terms.append(x * i)
        return np.sum(sum(terms) ** 2)
    check(f, rng.normal(size=(2,)))


@pytest.mark.parametrize("fn", [max, min])
def test_builtin_max_min(fn):
    check(lambda a, b: fn(a, b) * 2.0, 0.3, -0.5, wrt=(0, 1))
    check(lambda a, b: fn(a, b) * 2.0, -0.3, 0.5, wrt=(0, 1))
    check(lambda a, b: fn([a, b, a * b]) * 2.0, 0.3, -1.5, wrt=(0, 1))


def test_builtin_max_tie_goes_to_first_argument():
    ga, gb = srcdiff.grad(lambda a, b: max(a, b), wrt=(0, 1))(0.5, 0.5)
    assert (ga, gb) == (1.0, 0.0)
    ga, gb = srcdiff.grad(lambda a, b: min([a, b]), wrt=(0, 1))(0.5, 0.5)
    assert (ga, gb) == (1.0, 0.0)


def test_operator_abs():
    import operator
    check(lambda x: np.sum(operator.abs(x) * np.arange(1.0, 4.0)), np.array([0.5, -1.5, 2.0]))
    check(lambda s: operator.abs(s) * 3.0, -0.7)


@pytest.mark.parametrize("name", ["iadd", "isub", "imul", "itruediv", "ipow", "imatmul", "imod"])
def test_in_place_operator_functions(name):
    """Once refused; now `y = operator.iadd(y, x)` is y += x (tests/test_inplace_calls.py
    checks the call's other forms: its result, and a changed in place or not)."""
    import operator
    fn = getattr(operator, name)

    def f(x):
        y = x * 1.7
        y = fn(y, x)
        return np.sum(y)
    check(f, np.array([[1.5, 0.5], [0.2, 1.1]]))


def test_math_fsum():
    check(lambda s, t: math.fsum([s, t * t, math.sin(s)]) * 2.0, 0.3, 0.5, wrt=(0, 1), order=2)
    check(lambda x: math.fsum(v * v for v in x) ** 2, np.array([0.3, -1.2, 0.7]), order=2)
    check(lambda x: math.fsum(x) * x[0], np.array([0.3, -1.2, 0.7]), order=2)


@pytest.mark.parametrize("fn", [statistics.mean, statistics.fmean])
def test_statistics_mean_and_fmean(fn):
    check(lambda s, t: fn([s, t * t, s * t]) ** 2, 0.3, 0.5, wrt=(0, 1), order=2)
    check(lambda x: fn(x) * x[1], np.array([0.3, -1.2, 0.7]), order=2)
    check(lambda x: fn([v ** 3 for v in x]) * 2.0, np.array([0.3, -1.2, 0.7]), order=2)


def test_statistics_fmean_weights_are_refused_at_the_line():
    def weighted(x):
        return statistics.fmean([x[0], x[1]], weights=[1.0, 2.0])
    with pytest.raises(srcdiff.SrcdiffError, match="weights"):
        srcdiff.grad(weighted)(np.array([0.3, 0.5]))


@pytest.mark.parametrize("y", [-1.0, 2.0, -0.0])
def test_math_copysign(y):
    check(lambda x: math.copysign(x * x, y) * x, 0.7, order=2)
    check(lambda x: math.copysign(x, y) * 3.0, -0.4, order=2)
    check(lambda x, t: math.copysign(x, t) * t, 0.6, y + 0.1 if y == 0 else y, wrt=(0, 1),
          order=2)
