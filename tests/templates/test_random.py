"""templates/random.py: pathwise derivatives of numpy.random samplers (the random state is
seeded in the function, so finite differences see the same draw), both modes and second
order; samplers without a rule are refused, located."""
import numpy as np
import pytest

import srcdiff
from rulecheck import check_modes


def normal(x):
    np.random.seed(3)
    return np.sum(np.sin(np.random.normal(x, x * x + 0.5, size=(2, 3))) * x)


def normal_arrays(x):
    np.random.seed(4)
    return np.sum(np.random.normal(x[0], x, size=(2, 3)) ** 2)


def uniform(x):
    np.random.seed(5)
    return np.sum(np.random.uniform(x, 2.0 * x + 1.0, 4) ** 3)


def uniform_arrays(x):
    np.random.seed(6)
    return np.sum(np.cos(np.random.uniform(low=x, high=3.0)) * x)


def exponential(x):
    np.random.seed(7)
    return np.sum(np.random.exponential(x * x, 5) ** 2)


@pytest.mark.parametrize("f,x", [(normal, 0.6), (normal_arrays, np.array([0.5, 1.2, 0.8])),
                                 (uniform, 0.4), (uniform_arrays, np.array([0.3, -0.6])),
                                 (exponential, 0.7)],
                         ids=["normal", "normal-arrays", "uniform", "uniform-arrays",
                              "exponential"])
def test_pathwise_derivative(f, x):
    check_modes(f, x, rtol=1e-5, atol=1e-5)


def test_zero_scale_is_refused():
    def f(s):
        np.random.seed(0)
        return np.sum(np.random.normal(1.0, s, 3))
    with pytest.raises((ValueError, srcdiff.SrcdiffError), match="standard draw"):
        srcdiff.grad(f)(0.0)


def choice(x):
    return np.sum(np.random.choice(x, 2))


def permutation(x):
    return np.sum(np.random.permutation(x) * np.arange(3.0))


def gamma(x):
    return np.sum(np.random.gamma(x, 1.0, 3))


def beta(x):
    return np.sum(np.random.beta(x, 1.0, 3))


def shuffle(x):
    y = x * 1.0
    np.random.shuffle(y)
    return np.sum(y * np.arange(3.0))


@pytest.mark.parametrize("f", [choice, permutation, gamma, beta, shuffle])
def test_samplers_without_a_rule_are_refused(f):
    with pytest.raises(srcdiff.errors.NoRuleError) as info:
        srcdiff.grad(f)(np.array([0.5, 1.0, 2.0]))
    assert "test_random.py" in str(info.value)


def test_draws_from_constants_still_work():
    def f(x):
        np.random.seed(1)
        k = np.random.choice(3)
        p = np.random.permutation(3)
        return np.sum(x[p] * np.random.normal(0.0, 1.0, 3)) * x[k]
    check_modes(f, np.array([0.5, 1.0, 2.0]))
