"""srcdiff/item_sharing.py: `c[k] op= v` changes an array item in place; where another name
may hold that item and be read afterwards, a run-time check goes before the update and
refuses it, at the user's line, when the item is an array or a list."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze, errors
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import assert_located


def checks_named(fn, helper):
    return [s for s in analyze.flatten(lower_function(fn).body)
            if s.sd.kind is Kind.EFFECT and getattr(s.sd.func, "__name__", "") == helper]


# -- updates of items another name may hold -------------------------------------------
def item_update(x):
    c = [x * 1.0, x * 2.0]
    r = c[0]
    c[0] += x
    return np.sum(r * c[0])


def test_an_update_of_an_item_another_name_holds_is_checked():
    assert len(checks_named(item_update, "check_item_update")) == 1
    check(item_update, 1.5)   # numbers: `+=` makes a new number, r keeps the old one
    with pytest.raises(errors.RuntimeRefusal, match="another name here may hold") as info:
        srcdiff.grad(item_update)(np.array([1.0, 2.0]))   # arrays: r would change too
    assert_located(info.value, item_update, 3, "c[0] += x")


def test_the_update_lowers_to_valid_core_code():
    validate(lower_function(item_update))
