"""templates/random.py: pathwise derivatives of numpy.random samplers (the random state is
seeded in the function, so finite differences see the same draw), both modes and second
order; samplers without a rule are refused, located."""
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check


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
    check(f, x, rtol=1e-5, atol=1e-5)


def zero_scale(s):
    np.random.seed(0)
    return np.sum(np.random.normal(1.0, s, 3))  # refused


def equal_bounds(s):
    np.random.seed(0)
    return np.sum(np.random.uniform(s, 2.0 * s, 3))  # refused


@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
@pytest.mark.parametrize("f", [zero_scale, equal_bounds])
def test_zero_spread_is_refused_at_the_users_line(f, mode):
    """The standard draw behind the sample is lost where scale (high - low) is zero: a
    located refusal when the derivative runs, in both modes and to second order."""
    derivative = {"grad": srcdiff.grad(f), "jvp": lambda s: srcdiff.jvp(f)(s, 1.0),
                  "hvp": lambda s: srcdiff.hvp(f)(s, 1.0)}[mode]
    with pytest.raises(srcdiff.RuntimeRefusal, match="standard draw") as info:
        derivative(0.0)
    err = info.value
    assert os.path.samefile(err.filename, __file__)
    assert err.line.endswith("# refused") and err.hint
    assert f":{err.lineno}: " in str(err) and err.line in str(err)


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
    check(f, np.array([0.5, 1.0, 2.0]))
