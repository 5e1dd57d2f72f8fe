"""Hunt 22: programs combining last session's features (operators of user classes, records
and containers of records as wrt, nonlocal, nested recursion and variadics, list edits,
x.flat, np.gradient's spacings, derivatives called inside, repeated items) with each other
and with older ones (tests/hunt22_programs.py), each checked against central differences by
gradcheck.check, to second order; and the wrong derivatives the hunt found, now refused."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from hunt_cases import corpus_tests

import hunt22_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


# An operator on objects of a class of the user's whose class srcdiff could not tell before
# the code runs (made by a factory function, an item of a list written or popped) was lowered
# as NumPy's: `a * b` of two Dotted objects (their nonlinear __mul__) got NumPy's product rule,
# a wrong gradient with no error. Now the operands are checked where the code runs.
@pytest.mark.parametrize("f", [P.dotted_negated_from_a_dict])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_operator_on_an_object_of_a_class_not_told_is_refused_not_wrong(f, mode):
    err = refusal(f, (P.X3,), mode)
    assert "could not tell before the code runs" in str(err)


# Items of a list made here, replaced, updated by an operator's result or popped, and
# objects a factory makes in a function naming no class: srcdiff now tells their one class
# (edited_lists.py, factories.names_objects), so the operator is Dotted's nonlinear __mul__
# (these were refused above, at run time, before).
@pytest.mark.parametrize("f,order", [(P.dotted_item_replaced, 1), (P.dotted_items_updated, 1),
                                     (P.dotted_popped, 2), (P.dotted_from_a_factory, 1),
                                     (P.vec_item_from_a_factory, 1)])
def test_an_operator_on_items_of_a_list_edited_here_differentiates(f, order):
    check(f, P.X3, wrt=0, order=order)


def test_the_guard_is_emitted_only_where_objects_of_operator_classes_may_be_met():
    assert "check_no_object(" in srcdiff.source(srcdiff.grad(P.dotted_from_a_factory))
    # (this module defines no class with operators, nor reads one)
    assert "check_no_object" not in srcdiff.source(srcdiff.grad(_plain_module_function))


def _plain_module_function(x):
    return np.sum(np.sin(x) * x)


FACTORY = '''
import numpy as np


class T:
    def __init__(self, a):
        self.a = a

    def __mul__(self, o):
        if isinstance(o, T):
            return np.sum(np.sin(self.a) * o.a)
        return T(self.a * o)

    def __rmul__(self, s):
        return T(s * self.a)


def make(x):
    return T(x)


def make_either(x, flip):
    if flip:
        return T(x)
    return x * 1.0
'''

USER = '''
import numpy as np
import hunt22_factory
from hunt22_factory import make


def by_name(x):
    a = make(x)
    b = make(x * 2.0)
    return a * b


def by_module(x):
    a = hunt22_factory.make(x)
    return a * hunt22_factory.make(np.cos(x))


def either_by_module(x):
    a = hunt22_factory.make_either(x, True)
    return a * hunt22_factory.make_either(np.cos(x), True)
'''


def test_objects_of_a_class_another_module_makes_differentiate(tmp_path):
    # (the class is no global of the user's module, only of the factory's it reads: refused
    # at run time before; now the factory's one class is told, factories.names_objects)
    from user_modules import load
    load(tmp_path, "hunt22_factory", FACTORY)
    user = load(tmp_path, "hunt22_user", USER)
    check(user.by_name, P.X3, wrt=0, order=1)


def test_objects_a_factory_read_through_its_module_makes_differentiate(tmp_path):
    # (m.make(x) of a module the user's imports: refused at run time before, as the
    # function named no class nor factory of one by a bare name; lower._module_names_objects)
    from user_modules import load
    load(tmp_path, "hunt22_factory", FACTORY)
    user = load(tmp_path, "hunt22_user", USER)
    check(user.by_module, P.X3, wrt=0, order=2)


def test_objects_a_module_factory_of_two_kinds_makes_are_refused_not_wrong(tmp_path):
    from user_modules import load
    load(tmp_path, "hunt22_factory", FACTORY)
    user = load(tmp_path, "hunt22_user", USER)
    for mode in ("grad", "jvp"):
        err = refusal(user.either_by_module, (P.X3,), mode)
        assert "could not tell before the code runs" in str(err)


PLAIN_BESIDE_A_CLASS = '''
import numpy as np


class V:
    def __init__(self, a):
        self.a = a

    def __add__(self, o):
        return V(self.a + o.a)


def plain(x):
    y = x * x
    for i in range(3):
        y = y + np.sin(x) * i
    return np.sum(y)
'''


def test_the_operand_check_compiles_on_the_numba_path(tmp_path):
    pytest.importorskip("numba")
    from gradcheck import numerical_grad
    from user_modules import load
    plain = load(tmp_path, "hunt22_plain", PLAIN_BESIDE_A_CLASS).plain
    assert "check_no_object(" in srcdiff.source(srcdiff.grad(plain))
    got = srcdiff.grad(plain, jit=True)(P.X3)
    np.testing.assert_allclose(got, numerical_grad(plain, (P.X3,), 0), rtol=1e-6, atol=1e-8)
