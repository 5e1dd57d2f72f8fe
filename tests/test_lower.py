"""srcdiff/lower.py: what lowering produces for the statements it lowers itself (its split
modules have their own files: test_desugar, test_lower_exprs, test_lower_calls,
test_lower_copies), read with srcdiff's own printer, and that the
lowered code computes what the user's function does (run as plain Python).
"""
import pytest

import srcdiff

from srcdiff import errors
from srcdiff import syntax as S
from srcdiff.core import validate
from srcdiff.transform import lower_function

from lowering import expect


def augmented(x):
    z = x * 1.0
    z += x
    return z


def test_augmented_assignment_is_a_checked_rebinding_marked_in_place():
    expect(augmented, """
        z = x * 1.0
        check_update(z, x, '__iadd__')
        add_1 = z + x
        z = add_1
        return z""")
    low = lower_function(augmented)
    assert low.body[3].sd.inplace == "__iadd__" and low.body[2].sd.augmented


def returns_a_parameter(x):
    return x


def test_the_returned_value_has_a_name_of_its_own():
    expect(returns_a_parameter, """
        result_1 = x
        return result_1""")


# -- the refusal fence ----------------------------------------------------------------
def with_try(x):
    try:
        return x
    except ValueError:
        return x


def with_generator(x):
    yield x


def test_refused_statements_name_the_users_line():
    # a try block that does more than read (try_blocks.py): refused at the statement
    with pytest.raises(errors.UnsupportedCodeError, match="only where it only reads") as info:
        lower_function(with_try)
    assert info.value.lineno == with_try.__code__.co_firstlineno + 2
    assert info.value.line.strip() == "return x"
    # a generator lowered as a callee is the function building its items' list
    # (generators.py); differentiated itself, it is refused at its def
    with pytest.raises(errors.UnsupportedCodeError, match="generators") as info:
        srcdiff.grad(with_generator)(1.0)
    assert info.value.line.strip() == "def with_generator(x):"


@pytest.mark.parametrize("fn", [augmented, returns_a_parameter])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))


def test_a_class_read_through_one_of_pythons_own_modules_is_no_users():
    """`itertools.product(...)` read through its module is Python's class, not the user's: a
    loop over it stays a plain loop (session 26: counting it as the user's made the loop
    refused as over an object whose __iter__ srcdiff does not follow)."""
    import itertools
    from srcdiff.lower import _module_names_objects
    fdef = S.parse_function("def f(x):\n    return list(itertools.product(x, x))\n")
    lookup = type("R", (), {"lookup": staticmethod(
        lambda name, default=None: {"itertools": itertools}.get(name, default))})()
    assert not _module_names_objects(fdef, lookup, {"x"})
