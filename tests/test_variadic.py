"""*args and **kwargs in the user's helpers, and starred displays and calls
(srcdiff/variadic.py): a helper taking *args called with explicit and starred arguments,
keywords spread with **, starred displays; a variadic call without derivative is emitted
with its star. Checked against finite differences in both modes and to second order.
(Moved from tests/test_callables_values.py; its refusals stay there, with the other
refusals of calls.)"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.3, 0.7, 1.1])


def step_direction(w, x):
    return np.tanh(w * x)


# -- *args and **kwargs ---------------------------------------------------------------
def concat_and_multiply(weights, *args):
    return np.concatenate(args) * weights


def passes_args_on(w, *args):
    return concat_and_multiply(w, *args) + concat_and_multiply(w, args[0], args[1])


def variadic(x):
    return np.sum(passes_args_on(x[0], x[:2], x[1:]))


def with_options(x, *, power=2, **opts):
    return x ** power * opts["s"]


def keywords_spread(x):
    kw = {"s": x[1]}
    kw["power"] = 3
    return np.sum(with_options(x, **kw) + with_options(x, s=x[0]) +
                  with_options(x, **{"s": x[2]}))


def starred_arguments(x):
    pair = (x * 3.0, x)
    return np.sum(step_direction(*[x, x * 2.0])) + np.sum(step_direction(*(x, x))) + \
        np.sum(step_direction(*pair))


def starred_displays(x):
    a = (x[0], x[1])
    b = [*a, x[2], *a]
    c = (*b, x[0])
    return b[0] * b[4] + c[2] * c[5]


@pytest.mark.parametrize("f", [variadic, keywords_spread, starred_arguments,
                               starred_displays])
def test_variadic_calls(f):
    check(f, X)


def inactive_variadic_call(x):
    k = np.sum(concat_and_multiply(2.0, np.ones(2), np.ones(1) * 3.0, *[np.ones(1)]))
    return np.sum(x * x) * k


def test_a_variadic_call_without_derivative_is_emitted_with_its_star():
    check(inactive_variadic_call, X)
    g = srcdiff.grad(inactive_variadic_call)
    g(X)
    assert "concat_and_multiply(2.0, *args" in srcdiff.source(g)


# -- *xs of a length not seen, into a call without derivative (issue #13) ------------------
def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean   # autograd's VAE example


def reparameterised(x):
    rs = np.random.RandomState(0)
    m = np.reshape(x, (2, 3))
    return np.sum(sample_diag_gaussian(m, m * 0.5, rs) ** 2)


def shape_of_a_value(x):
    shape = np.outer(x, x).shape
    return np.sum(np.outer(x, x) * np.ones(*[shape]) + np.zeros(shape, *()) +
                  np.random.RandomState(1).rand(*shape))


def shape_passed_in(x, shape):
    return np.sum(x * np.random.RandomState(2).normal(0.0, 1.0, *shape) + np.zeros(*shape))


X6 = np.arange(1.0, 7.0) / 10


@pytest.mark.parametrize("f, args", [(reparameterised, (X6,)), (shape_of_a_value, (X,)),
                                     (shape_passed_in, (X6, (6,)))])
def test_a_starred_shape_into_a_call_without_derivative(f, args):
    check(f, *args)
    g = srcdiff.grad(f)
    g(*args)
    assert "(*args" in srcdiff.source(g)   # spread again when it runs, whatever its length


def sums_a_pair_passed_in(x, pair):
    return np.sum(np.add(*pair) * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_starred_tuple_of_unseen_length_into_a_rule_is_refused(mode):
    err = refusal(sums_a_pair_passed_in, (X, (X, X)), mode)
    assert "fills a *args parameter" in str(err) and "one by one" in str(err)
