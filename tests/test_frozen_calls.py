"""srcdiff/frozen_calls.py: a frozen scipy.stats distribution's method is the
distribution's own function with the frozen parameters after the method's arguments, made
inline or bound once to a name; a frozen object made from a name bound again is refused at
the user's line; the calls so rewritten differentiate right (finite differences, both modes,
second order)."""
import numpy as np
import pytest

import srcdiff
from srcdiff.core import Kind
from srcdiff.transform import lower_function

from gradcheck import check

stats = pytest.importorskip("scipy.stats")   # the Quickstart installs no SciPy


def frozen_inline(x):
    return stats.norm(0.5, 2.0).logpdf(x)


def frozen_named(x, loc):
    dist = stats.norm(loc, 2.0)
    return dist.logpdf(x) + dist.cdf(x * 0.5)


def frozen_from_a_name_bound_again(x, loc):
    dist = stats.norm(loc, 1.0)
    loc = loc * 2.0
    return dist.logpdf(x) + loc


def not_a_frozen_method(x):
    return np.sum(stats.norm(0.0, 1.0).pdf(x)) + np.sum(x)


def _calls(fn):
    return [s for s in lower_function(fn).body if s.sd.kind is Kind.CALL]


def test_a_method_of_a_distribution_made_inline_is_its_function_with_the_parameters():
    call = _calls(frozen_inline)[0]
    assert call.sd.func == stats.norm.logpdf
    assert [a.value for a in call.value.args[1:]] == [0.5, 2.0]
    check(frozen_inline, 0.3)


def test_a_distribution_bound_once_to_a_name_passes_its_parameters_to_each_method():
    funcs = [s.sd.func for s in _calls(frozen_named)]
    assert stats.norm.logpdf in funcs and stats.norm.cdf in funcs
    check(frozen_named, 0.3, -0.2)


def test_a_distribution_made_from_a_name_bound_again_is_refused_at_the_call():
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(frozen_from_a_name_bound_again, wrt=1)(0.3, 0.1)
    text = str(info.value)
    assert "frozen distribution 'dist' was made from 'loc'" in text
    assert "test_frozen_calls.py" in text and "dist.logpdf(x)" in text
    assert "norm.logpdf(x, ...)" in text


def test_a_distribution_method_of_an_array_argument_is_differentiated():
    check(not_a_frozen_method, np.array([0.3, -0.4, 1.2]))
