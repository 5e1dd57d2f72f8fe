"""srcdiff/operator_lowering.py: the method call an operator on the user's objects means,
lowered after the checks of where the code runs (runtime_checks.check_operands before it,
check_implemented after a method that may decline), and `v += w` as the assignment it
means (an `__iadd__` writing the object's fields followed where it gives back the object
and one name holds it, refused otherwise). The operators' derivatives are
checked against finite differences in test_operator_methods.py, on the same module."""
import sys

import numpy as np
import pytest

import srcdiff
from operator_programs import SOURCE as _SOURCE
from user_modules import load


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    module = load(tmp_path_factory.mktemp("operators_lowered"), "operators_lowered", _SOURCE)
    yield module
    del sys.modules["operators_lowered"]


X = np.array([0.3, 0.5, 0.7, 0.2])


def test_the_operator_is_checked_where_the_code_runs(m):
    text = srcdiff.source(srcdiff.grad(m.reflected))
    assert "check_operands(" in text
    text = srcdiff.source(srcdiff.grad(m.declined))
    assert "check_implemented(" in text   # P.__add__ may decline
    assert "check_implemented(" not in srcdiff.source(srcdiff.grad(m.add_mul))


def test_an_iadd_changing_its_object_in_place_is_refused_at_its_line(m):
    # (an __iadd__ that writes self and gives back another object)
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=r"operators_lowered.py:[0-9]+:[0-9]+: srcdiff cannot follow "
                             r"R.__iadd__ here: it changes r's fields in place"):
        srcdiff.grad(m.mutated_then_new)(X.copy())


@pytest.mark.parametrize("transform", [srcdiff.grad, srcdiff.jvp])
def test_an_iadd_giving_back_its_object_is_followed_where_one_name_holds_it(m, transform):
    # m += M(x * x), M.__iadd__ writing self.w and returning self: m's fields rebound
    # (state_methods.call); where another name holds the object (n = m), refused at the
    # line, saying which
    from gradcheck import check
    check(m.mutated, X.copy(), wrt=0, order=2)
    with pytest.raises(srcdiff.UnsupportedCodeError,
                       match=r"operators_lowered.py:[0-9]+:[0-9]+: srcdiff cannot call "
                             r"m.__iadd__\(\), which writes fields of its object: another "
                             r"name holds this object: `n = m`"):
        transform(m.mutated_shared)(X.copy(), *([X.copy()] if transform is srcdiff.jvp else []))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_update_of_an_object_whose_class_is_not_told_is_refused_not_crashed(m, mode):
    # `for c in cs: c += x`: lowered as NumPy's update, checked where the code runs to hold
    # no object of a class with an operator method (a class with only __iadd__ too: the
    # check was missing there, and NumPy's `+` crashed on the object); refused, located
    from gradcheck import refusal
    err = refusal(m.counted_items, (X.copy(),), mode)
    assert "could not tell before the code runs that this operand is an object" in str(err)
    refusal(m.updated_items, (X.copy(),), mode)
