"""templates/nondifferentiable.py: a function is listed only if its output is piecewise
constant in every float input; the audit of issue 12 (item 10) moved the others out.
Called with constants only, functions with a refusal still work."""
import builtins

import numpy as np
import pytest

import srcdiff
import srcdiff.rules as rules
from gradcheck import check

MOVED_OUT = [np.linspace, np.logspace, np.geomspace, np.arange, np.meshgrid, np.bincount,
             np.histogram, np.histogram_bin_edges, np.heaviside, np.unique,
             np.random.normal, np.random.uniform, np.random.exponential, np.random.choice,
             np.random.permutation, np.random.shuffle, np.random.gamma, np.random.beta,
             builtins.getattr]


@pytest.mark.parametrize("func", MOVED_OUT, ids=lambda f: f.__name__)
def test_functions_whose_values_move_are_not_listed(func):
    rules.load_templates()
    assert not rules.is_nondifferentiable(func)
    has_rule = rules.lookup("reverse", func) is not None and rules.lookup("forward", func)
    assert has_rule or rules.not_implemented_hint(func)


def unique_values(x):
    return np.sum(np.unique(x))


def getattr_computed_name(x):
    name = "real" if x[0] > 0 else "imag"
    return np.sum(getattr(x, name))


def unique_values_array_api(x):   # NumPy 2's unique_values, unique_counts, unique_inverse,
    return np.sum(np.unique_values(x))   # unique_all: their first item is unique's values


def unique_counts_array_api(x):
    return np.sum(np.unique_counts(x)[0])


def unique_inverse_array_api(x):
    return np.sum(np.unique_inverse(x)[0])


def unique_all_array_api(x):
    return np.sum(np.unique_all(x)[0])


UNIQUE_ARRAY_API = [unique_values_array_api, unique_counts_array_api, unique_inverse_array_api,
                    unique_all_array_api]


@pytest.mark.parametrize("f", [unique_values, getattr_computed_name] + UNIQUE_ARRAY_API)
def test_refused_when_differentiated(f):
    with pytest.raises(srcdiff.errors.NoRuleError) as info:
        srcdiff.grad(f)(np.array([0.5, 1.0, 0.5]))
    assert "test_nondifferentiable.py" in str(info.value)
    if f in UNIQUE_ARRAY_API:
        assert "return_index=True" in str(info.value)   # the hint numpy.unique's refusal gives


def unique_by_index(x):
    return np.sum(x[np.unique(srcdiff.stop_gradient(x), return_index=True)[1]] ** 2)


def constants(x):
    labels = np.unique(np.array([3, 1, 3, 2]))
    edges = np.histogram_bin_edges(np.array([0.0, 1.0, 3.0]), bins=3)
    counts = np.histogram(np.array([0.0, 1.0, 3.0]), bins=3)[0]
    return np.sum(x * labels[:3]) + np.sum(x * edges[1:]) + np.sum(counts * x)


def test_hint_and_constant_calls_work():
    check(unique_by_index, np.array([0.5, 1.0, -0.5, 2.0]))
    check(constants, np.array([0.5, 1.0, 2.0]))


def listed_since(x):
    """Functions of issue #13's survey, piecewise constant in every float input: their
    results are constants and the derivative flows around them."""
    w = np.where(np.isposinf(x * np.inf) | np.isneginf(x), 1.0, 2.0)
    m = np.nanargmax(x) + np.nanargmin(x) + np.sum(np.isin(x, [0.5]))
    window = np.hanning(3) + np.hamming(3) + np.blackman(3) + np.bartlett(3)
    return np.sum(x * x * w * window) * m + np.sum(x * np.spacing(x))


def test_listed_since_have_zero_derivatives():
    rules.load_templates()
    for func in (np.isposinf, np.isneginf, np.nanargmax, np.nanargmin, np.spacing, np.gcd,
                 np.lcm, np.lexsort, np.isin, np.hanning, np.tril_indices_from):
        assert rules.is_nondifferentiable(func), func
    check(listed_since, np.array([0.6, -1.3, 2.2]))  # away from powers of two (spacing)


def test_matrix_rank_carries_no_derivative():
    check(lambda a: np.linalg.matrix_rank(a) * np.sum(a * a), np.eye(2) + 0.1, order=1)
