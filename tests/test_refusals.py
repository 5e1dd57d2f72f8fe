"""srcdiff/refusals.py: the located refusals both modes raise for a call no rule covers (no
rule, a rule not implemented yet, a call the rule's signature does not take, an argument
the rule holds constant, a call made for its effects on a differentiated value): each a
SrcdiffError naming the user's file and line, quoting it, saying why and what to do
instead, the same in reverse and forward mode."""
import itertools

import numpy as np
import pytest

import srcdiff
from srcdiff import errors, refusals

from gradcheck import check
from lowering import assert_located

try:
    import scipy.special as special
except ImportError:   # the Quickstart installs no SciPy
    special = None


def run(mode, f, *args):
    if mode == "grad":
        return srcdiff.grad(f)(*args)
    return srcdiff.jvp(f)(*args, np.ones_like(args[0]))


def no_rule(x):
    return np.sum(np.union1d(x, x))


def not_implemented_yet(x):
    return np.sum(np.unique(x))


def dropped_effect(x):
    y = x * 1.0
    np.random.shuffle(y)
    return np.sum(y * x)


def call_the_rule_does_not_take(x):
    return np.sum(np.sin(x, bogus=1))


X = np.array([0.5, 1.25])

CASES = [
    # function, error class, line offset, quoted line, phrase of the reason, phrase of the hint
    (no_rule, errors.NoRuleError, 1, "return np.sum(np.union1d(x, x))",
     "rule for numpy.union1d", "srcdiff.stop_gradient"),
    (not_implemented_yet, errors.NoRuleError, 1, "return np.sum(np.unique(x))",
     "derivative of numpy.unique is not implemented yet", "return_index=True"),
    (dropped_effect, errors.NoRuleError, 2, "np.random.shuffle(y)",
     "the result of numpy.random.shuffle is dropped", "write the change as an assignment"),
    (call_the_rule_does_not_take, errors.UnsupportedCodeError, 1,
     "return np.sum(np.sin(x, bogus=1))",
     "rule for numpy.sin does not accept this call", "pass only the arguments"),
]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, cls, offset, quoted, reason, hint", CASES,
                         ids=[c[0].__name__ for c in CASES])
def test_a_call_no_rule_covers_is_refused_at_the_users_line(f, cls, offset, quoted, reason,
                                                             hint, mode):
    with pytest.raises(cls) as info:
        run(mode, f, X.copy() if f is not not_implemented_yet else 0.5)
    assert_located(info.value, f, offset, quoted)
    assert reason in info.value.reason and hint in info.value.hint


@pytest.mark.parametrize("mode, what, register", [
    ("grad", "no derivative rule", "srcdiff.reverse_rule"),
    ("jvp", "no forward (tangent) rule", "srcdiff.forward_rule")])
def test_the_missing_rule_is_named_for_the_mode_that_needs_it(mode, what, register):
    with pytest.raises(errors.NoRuleError) as info:
        run(mode, no_rule, X.copy())
    assert what in info.value.reason and register in info.value.hint


def bessel_of_order(x, n):
    return np.sum(special.iv(n, x))


@pytest.mark.skipif(special is None, reason="SciPy is not installed")
def test_an_argument_a_rule_holds_constant_is_refused_only_where_it_is_differentiated():
    check(bessel_of_order, X, 2.0)   # the order is not differentiated: fine
    for make in (lambda: srcdiff.grad(bessel_of_order, wrt=(0, 1))(X, 2.0),
                 lambda: srcdiff.jvp(bessel_of_order, wrt=1)(X, 2.0, 1.0)):
        with pytest.raises(errors.UnsupportedCodeError, match="with respect to 'v'") as info:
            make()
        assert_located(info.value, bessel_of_order, 1,
                       "return np.sum(special.iv(n, x))")
        assert "srcdiff.stop_gradient" in info.value.hint


def squared(x):
    return np.sum(x * x)


def test_made_by_srcdiff_tells_srcdiffs_derivatives_by_their_class():
    assert refusals.made_by_srcdiff(srcdiff.grad(squared))
    assert refusals.made_by_srcdiff(srcdiff.hessian(squared))
    assert not refusals.made_by_srcdiff(squared)

    class Derivative:   # the user's own class of that name
        pass
    assert not refusals.made_by_srcdiff(Derivative())


def test_describe_names_a_callee_as_the_user_reads_it():
    assert refusals.describe(np.add.at) == "numpy.add.at"
    assert refusals.describe(np.linalg.norm) == "numpy.linalg.norm"
    assert refusals.describe(None) == "this call"
    assert refusals.describe(squared) == f"{__name__}.squared"


# -- dtype= that may make a result integer: no derivative through it (lead20, from funcs20's
# strict xfail: numpy.sum(x, dtype=int) and its siblings passed the derivative through their
# truncated result, a wrong gradient in both modes)
_XI = np.array([-0.5, 0.7, 1.2])


@pytest.mark.parametrize("f", [
    lambda x: np.sum(x * 3.0, dtype=int) * 1.0 + np.sum(x),
    lambda x: np.sum(np.cumsum(x * 3.0, dtype=np.int32)) * 1.0 + np.sum(x),
    lambda x: np.trace(np.diag(x * 3.0), dtype="int64") * 1.0 + np.sum(x ** 2),
    lambda x: np.sum(np.full(3, x[2] * 2.0, dtype=int)) * 1.0 + x[0],
    lambda x: np.sum(np.full_like(x, x[2] * 2.0, dtype=bool)) * 1.0 + x[0],
    lambda x: np.prod(x * 3.0, dtype=np.int64) * 1.0 + np.mean(x * x, dtype=float),
], ids=["sum", "cumsum", "trace", "full", "full_like", "prod"])
def test_an_integer_dtype_keyword_carries_no_derivative(f):
    check(f, _XI)


def test_which_dtypes_cast_to_integers():
    from srcdiff import syntax as S
    sum_ = np.sum
    def kw(node):
        return {"dtype": node}
    assert refusals.casts_to_integers(sum_, kw(S.Name(id="int", ctx=S.Load(), annotation=None,
                                                      type_comment=None)), {"int": int})
    assert not refusals.casts_to_integers(sum_, kw(S.const("float32")), {})
    assert refusals.casts_to_integers(sum_, kw(S.const("i8")), {})
    assert not refusals.casts_to_integers(sum_, kw(S.const(None)), {})
    assert not refusals.casts_to_integers(sum_, {}, {})
    assert not refusals.casts_to_integers(np.asarray, kw(S.const("i8")), {})   # its own rule


# -- a function returning nothing (lead20: a forgotten `return` gave a zero gradient)
def forgot_return(x):
    total = np.sum(x ** 2)


def returns_none_on_every_path(x):
    if x[0] > 0:
        print(np.sum(x))
        return
    return None


def returns_from_one_branch(x):
    if x[0] > 0:
        return np.sum(x ** 2)


def test_a_function_returning_nothing_is_refused_at_its_def():
    for f in (forgot_return, returns_none_on_every_path):
        for transform in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.hessian):
            with pytest.raises(errors.ArgumentError, match="returns nothing") as err:
                transform(f)(np.array([0.5, -1.0]))
            assert err.value.filename == __file__
        with pytest.raises(errors.ArgumentError, match="returns nothing"):
            srcdiff.jvp(f)(np.array([0.5, -1.0]), np.ones(2))


def test_a_function_returning_a_value_on_some_path_is_differentiated():
    check(returns_from_one_branch, np.array([0.5, -1.0]))


def _scaled_sum(x):
    return np.sum(x * 3.0)


class _Holder:
    def total(self, x):
        return np.sum(x ** 2)


@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_the_def_read_for_the_check_is_the_one_lowered(transform, monkeypatch):
    """refuse_returning_nothing reads the def (frontend.get_source: converted from the file's
    parse) and hands it to the lowering, which does not read and convert it again."""
    from srcdiff import frontend
    read = []
    real = frontend.get_source

    def get_source(fn):
        read.append(fn)
        return real(fn)
    monkeypatch.setattr(frontend, "get_source", get_source)
    srcdiff.api.clear_cache()
    x = np.array([0.5, -1.0])
    for fn in (_scaled_sum, _Holder().total):
        read.clear()
        if transform == "grad":
            np.testing.assert_allclose(srcdiff.grad(fn)(x), (3.0 * np.ones(2) if fn is
                                                             _scaled_sum else 2 * x))
        else:
            srcdiff.jvp(fn)(x, np.ones(2))
        assert [getattr(f, "__func__", f) for f in read] == [getattr(fn, "__func__", fn)]
    srcdiff.api.clear_cache()


# --- itertools calls srcdiff does not rewrite: the refusal names the call the user wrote ----
def _permutations_of_x(x):
    s = 0.0
    for a, b in itertools.permutations(x, 2):
        s = s + a * b
    return s


def _takewhile_of_x(x):
    s = 0.0
    for a in itertools.takewhile(lambda v: v < 1.8, x):
        s = s + a * a
    return s


def _islice_of_a_cycle(x):
    s = 0.0
    for a in itertools.islice(itertools.cycle(x), 5):
        s = s + a * a
    return s


def _permutations_of_indices(x):   # no derivative flows through the itertools call
    s = 0.0
    for i, j in itertools.permutations(range(3), 2):
        s = s + x[i] * x[j]
    return s


@pytest.mark.parametrize("f, quoted, named, hint", [
    (_permutations_of_x, "for a, b in itertools.permutations(x, 2):", "permutations",
     "if i != j"),
    (_takewhile_of_x, "for a in itertools.takewhile(lambda v: v < 1.8, x):", "takewhile",
     "break"),
    (_islice_of_a_cycle, "for a in itertools.islice(itertools.cycle(x), 5):", "cycle",
     "k % len(xs)")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_itertools_call_not_rewritten_is_refused_by_its_name(f, quoted, named, hint,
                                                                  mode):
    """Before, reverse mode said "no derivative rule for builtins.tuple" (the tuple its
    items are taken into), and both modes' hint was to register a rule."""
    from gradcheck import refusal
    X = np.array([0.5, 1.5, 2.0])
    err = refusal(f, (X,), mode)
    assert_located(err, f, 2, quoted)
    assert f"itertools.{named}(...)" in err.reason and "builtins.tuple" not in str(err)
    assert hint in err.hint and "reverse_rule" not in err.hint


def test_an_itertools_call_of_indices_still_differentiates():
    check(_permutations_of_indices, np.array([0.5, 1.5, 2.0]), order=2)
