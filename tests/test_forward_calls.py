"""Forward mode through calls (srcdiff/forward_calls.py): a rule's forward template spliced
in and its terms summed (a negated term subtracted), the user's own functions through their
jvp_ variant (nested defs and lambdas with the variables they close over), and the located
refusals of calls with no rule; checked by finite differences along a tangent.
"""
import math
import re

import numpy as np
import pytest

import srcdiff
from forward_checks import check_jvp
from gradcheck import check_hvp
from gradcheck import check_jvp as shared_check_jvp
from srcdiff.errors import NoRuleError, UnsupportedCodeError
from srcdiff.forward_driver import forward_source

rng = np.random.default_rng(7)


def helper(x):
    return x * 2.0


def calls_helper(x):
    return np.sum(helper(x))


def reads_flat(x):
    return np.sum(x.flat)


def calls_method(x):  # x.tolist() differentiates now (tests/templates/test_idioms.py)
    return np.sum(np.frombuffer(x.tobytes()))


def unwraps(x):  # numpy.union1d has no rule (numpy.roll and numpy.unwrap, used here before, have)
    return np.sum(np.union1d(x, x) * x)


def test_errors_are_located():
    # the user's own functions are differentiated through (one jvp per activity pattern)
    check_jvp(calls_helper, (rng.normal(size=3),), wrt=("x",))
    with pytest.raises(NoRuleError, match="test_forward_calls.py:.*attribute .flat"):
        forward_source(reads_flat, ("x",))
    with pytest.raises(NoRuleError, match="test_forward_calls.py:.*method .tobytes"):
        forward_source(calls_method, ("x",))
    with pytest.raises(NoRuleError, match="test_forward_calls.py:[0-9]+: .*numpy.union1d"):
        forward_source(unwraps, ("x",))
    # an inactive operand needs no rule
    check_jvp(calls_helper_inactive, (0.5, rng.normal(size=3)), wrt=("x",))


def calls_helper_inactive(x, w):
    return x * np.sum(helper(w))


# --- a sample of rules from every template module, through forward mode ---------------------------
def r_ufuncs(x, y):
    return np.arctan2(x, y) + np.hypot(x, y) * np.maximum(x, y) + np.sqrt(x) ** 1.5


def r_reductions(x, y):
    a = np.var(x * y, axis=1, ddof=1) + np.max(x + y, axis=0) + np.prod(x, axis=1)
    return a + np.linalg.norm(x - y, axis=1) + np.cumsum(y, axis=0)[2]


def r_shapes(x, y):
    s = np.concatenate([x, y], axis=1).reshape(3, 2, 3)
    return np.transpose(s, (1, 2, 0))[0] * np.stack([x, y], axis=1)[:, 0] + np.squeeze(y[None])[0:1]


def r_linalg(x, y):
    m = x + 3.0 * np.eye(3)
    return np.linalg.solve(m, y) @ np.linalg.inv(m) * np.linalg.det(m) + np.dot(x, y).T


def r_python(x, y):
    return max(x, y) * abs(x - y) + sum([x, y, 1.0]) + pow(x, 2.0) + math.sin(y) * math.exp(x)


@pytest.mark.parametrize("f", [r_ufuncs, r_reductions, r_shapes, r_linalg],
                         ids=lambda f: f.__name__)
def test_rule_sample(f):
    x = np.array([[0.3, 0.5, 0.2], [0.6, 0.15, 0.45], [0.25, 0.35, 0.7]])
    y = np.array([[0.4, 0.1, 0.8], [0.2, 0.9, 0.3], [0.55, 0.65, 0.12]])
    for wrt in (("x", "y"), ("x",), ("y",)):
        check_jvp(f, (x, y), wrt=wrt, rtol=1e-4)


def test_rule_sample_floats():
    for wrt in (("x", "y"), ("x",), ("y",)):
        check_jvp(r_python, (0.7, 0.4), wrt=wrt, rtol=1e-5)


def lambda_over_parameter(x, c):
    scale = lambda t: t * c  # noqa: E731
    return np.sum(scale(x) * x)


def nested_def_over_parameter(x, c):
    def shifted(t):
        return np.sin(t + c) * c
    return np.sum(shifted(x) + shifted(2.0 * x))


@pytest.mark.parametrize("f", [lambda_over_parameter, nested_def_over_parameter])
def test_tangents_of_variables_a_nested_function_closes_over(f):
    """The free variables of a nested def or lambda are operands of its calls: a tangent of c
    flows through scale(x) even though x itself carries none."""
    x = np.array([0.3, -0.7, 1.2])
    for wrt in (0, 1):
        shared_check_jvp(f, x, 0.8, wrt=wrt)
    check_hvp(f, x, 0.8, vector=1.0, wrt=1)


# A lambda calling another lambda: both emitted as jvp_lambda, the helper's definition
# replaced the top-level one (found while testing templates/grids.py).
_triple = lambda x: x * 3.0  # noqa: E731
_plus_triple = lambda x: _triple(x) + x  # noqa: E731


def test_jvp_of_a_lambda_calling_a_lambda():
    """Both were emitted as jvp_lambda and the helper's definition replaced the function's:
    (6.0, 3.0) where (8.0, 4.0) is right. The function's own name is now taken first."""
    from gradcheck import check
    check(_plus_triple, 2.0)
    check(lambda x: _plus_triple(x) * x, np.array([0.5, -1.0]))


def difference_of_products(x, w):
    return x * 2.0 - w * x


def test_a_negative_term_is_subtracted_not_added():
    # `tan_a - e`, not `tan_a + -e` (reverse mode does the same for adjoints)
    text = forward_source(difference_of_products, ("x", "w")).text
    assert "+ -" not in text and "+ (-" not in text, text
    assert ") - broadcast_like(" in text, text
    check_jvp(difference_of_products, (np.array([0.3, -1.1]), np.array([2.0, 0.5])),
              wrt=("x", "w"))
    check_jvp(difference_of_products, (0.7, -0.4), wrt=("w",))
    from gradcheck import check   # both modes and second order (forward over reverse)
    check(difference_of_products, np.array([0.3, -1.1]), np.array([2.0, 0.5]), wrt=(0, 1))


# --- calls of the user's own functions that change a list, return several values ------------
def push_square(items, v):
    items.append(v * v)


def callee_appends_for_effect(x):
    items = [x]
    push_square(items, x)
    return np.sum(np.stack(items))


def push_square_and_return(items, v):
    items.append(v * v)
    return items


def callee_appends(x):
    items = [x]
    items = push_square_and_return(items, x)
    items = push_square_and_return(items, np.sin(x))
    return np.sum(np.stack(items) * np.arange(1.0, 4.0)[:, None])


def pair(a, b):
    return a * b, np.sin(a) - b


def callee_returns_a_pair(x, w):
    p, q = pair(x, w)
    r, s = pair(q, 2.0)              # b carries no tangent here
    return np.sum(p * r + s)


def test_user_calls_that_append_or_return_several_values():
    from gradcheck import check   # both modes and second order (forward over reverse)
    x = rng.normal(size=3)
    text = forward_source(callee_appends, ("x",)).text
    assert text.count("def jvp_push_square_and_return") == 1    # one jvp for both calls
    check_jvp(callee_appends, (x,))
    with pytest.raises(UnsupportedCodeError, match="changes its argument 'items' in place"):
        srcdiff.grad(callee_appends)(x)        # reverse mode refuses it, located
    # a call made for its effects on a list it is given is refused at its line
    for transform in (srcdiff.jvp, srcdiff.grad):
        with pytest.raises(srcdiff.RuntimeRefusal, match="called for its effects") as info:
            transform(callee_appends_for_effect)(x, np.ones(3)) if transform is srcdiff.jvp \
                else transform(callee_appends_for_effect)(x)
        assert "test_forward_calls.py:" in str(info.value)
    check(callee_returns_a_pair, x, rng.normal(size=3), wrt=(0, 1))


def nondifferentiable_call(x):
    k = np.argmax(x)
    s = np.sign(x)
    return np.sum(x * s) + k


def test_a_nondifferentiable_call_has_no_tangent():
    text = forward_source(nondifferentiable_call, ("x",)).text
    assert not re.search(r"\btan_(k|s)\b", text)
    check_jvp(nondifferentiable_call, (rng.normal(size=4),))
