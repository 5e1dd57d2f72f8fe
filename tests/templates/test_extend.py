"""templates/extend.py: a second derivative through an autograd-style primitive's vjp maker
srcdiff cannot read (runtime_extend.vjp_of: here a functools.partial) is refused at the user's
line, saying what to write instead; the same primitive given in srcdiff's template form
differentiates to second order."""
import functools

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import d
from srcdiff.errors import NoRuleError
from srcdiff.extend import defjvp, defvjp, primitive


@primitive
def softplus(x):
    return np.log1p(np.exp(x))


def softplus_vjp(scale, ans, x):
    return lambda g: scale * g / (1.0 + np.exp(-x))


defvjp(softplus, functools.partial(softplus_vjp, 1.0))
defjvp(softplus, lambda g, ans, x: g / (1.0 + np.exp(-x)))


def uses_softplus(x):
    return np.sum(softplus(x) * x)


def test_second_order_through_a_vjp_maker_is_refused_at_the_users_line():
    x = np.array([0.2, -1.0])
    check(uses_softplus, x, order=1)
    for second in (lambda: srcdiff.hvp(uses_softplus)(x, np.ones(2)),
                   lambda: srcdiff.grad(lambda x: np.sum(srcdiff.grad(uses_softplus)(x)))(x),
                   lambda: srcdiff.hessian(uses_softplus)(x)):
        with pytest.raises(NoRuleError) as err:
            second()
        assert err.value.lineno == uses_softplus.__code__.co_firstlineno + 1, str(err.value)
        assert "srcdiff.reverse_rule" in err.value.hint


def softplus_plain(x):
    return np.log1p(np.exp(x))


@srcdiff.reverse_rule(softplus_plain)
def softplus_plain_adjoint(y, x):
    d[x] = d[y] / (1.0 + np.exp(-x))


@srcdiff.forward_rule(softplus_plain)
def softplus_plain_tangent(y, x):
    d[y] = d[x] / (1.0 + np.exp(-x))


def uses_softplus_plain(x):
    return np.sum(softplus_plain(x) * x)


def test_what_the_hint_says_works_to_second_order():
    check(uses_softplus_plain, np.array([0.2, -1.0]))


@primitive
def cubed(x):
    return x ** 3


def cubed_vjp(ans, x):
    return lambda g: 3.0 * g * x ** 2


defvjp(cubed, cubed_vjp)   # no defjvp: forward mode from the vjps (jvp_by_vjps)


def uses_cubed(x):
    return np.sum(cubed(x) * x)


def test_a_derivative_of_the_tangent_made_from_vjps_is_refused_naming_defjvp():
    x = np.array([0.4, -1.2])
    check(uses_cubed, x)   # both modes, and forward over reverse
    with pytest.raises(NoRuleError) as err:   # forward over forward
        srcdiff.jvp(srcdiff.jvp(uses_cubed))(x, np.ones(2), np.ones(2))
    assert "jvp_by_vjps" in str(err.value) and "defjvp" in err.value.hint


@primitive
def tangent_only(x):
    return np.sin(x)


defjvp(tangent_only, lambda g, ans, x: g * np.cos(x))   # no defvjp: reverse from the jvps


def uses_tangent_only(x):
    return np.sum(tangent_only(x) * x)


def test_a_derivative_of_the_adjoint_made_from_jvps_is_refused_naming_defvjp():
    x = np.array([0.4, -1.2])
    check(uses_tangent_only, x, order=1)
    with pytest.raises(NoRuleError) as err:
        srcdiff.hvp(uses_tangent_only)(x, np.ones(2))
    assert err.value.lineno == uses_tangent_only.__code__.co_firstlineno + 1, str(err.value)
    assert "defvjp" in err.value.hint
