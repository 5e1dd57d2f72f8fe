"""srcdiff/class_tests.py: `if isinstance(p, C)` answered where the call tells p's class, or
that p holds a number or an array, and the branch that cannot run dropped; left as written
wherever srcdiff cannot be sure. The derivatives of the operator methods it serves (Dual's
`__add__` taking a Dual or a number) are checked against finite differences in
test_hunt22.py (dual_forward_mode, dual_add_number, dual2_*) and below."""
import abc
import re

import numpy as np
import pytest

import srcdiff
from srcdiff import class_tests, frontend
from srcdiff import syntax as S
from srcdiff.class_tests import NUMBER_OR_ARRAY
from gradcheck import check

import hunt22_programs as P


class Scalar(float):
    """A number of the user's: a number passed may be one."""


class Marked:
    """A class of the user's one of whose subclasses is a number."""


class MarkedScalar(float, Marked):
    pass


class Abstract(abc.ABC):
    pass


Abstract.register(float)   # isinstance(2.0, Abstract) is True


def branches(o):
    if isinstance(o, P.Dual):
        return o.v
    return o


def either(o, w):
    if isinstance(o, (P.Dual, P.Vec)) or isinstance(w, P.Dual):
        return 1.0
    return 2.0


def negated(o):
    if not isinstance(o, P.Dual):
        return o
    y = o.v
    return y


def picked(o):
    return o.v if isinstance(o, P.Dual) else o


def in_a_loop(o, n):
    t = 0.0
    for k in range(n):
        if isinstance(o, P.Dual):
            t = t + o.v
            continue
        t = t + o
    return t


def rebound(o):
    if isinstance(o, P.Dual):
        o = o.v
    return o


def local_isinstance(o):
    isinstance = callable   # noqa: F841  (the name is not the builtin here)
    if isinstance(o, P.Dual):
        return o.v
    return o


def scalar_test(o):
    if isinstance(o, Scalar):
        return o
    return o.v


def float_test(o):
    if isinstance(o, float):
        return o
    return o.v


def marked_test(o):
    if isinstance(o, Marked):
        return o
    return o.v


def abstract_test(o):
    if isinstance(o, Abstract):
        return o
    return o.v


def _rewrite(fn, known):
    fdef = frontend.get_source(fn).node
    resolver = frontend.Resolver(fn)
    return fdef, class_tests.rewrite(fdef, lambda n: resolver.lookup(n, None), known)


def _text(tree):
    return S.spell(tree)


PLAIN = {"o" + NUMBER_OR_ARRAY: True}


def test_the_branch_for_a_class_the_call_tells_is_taken_and_the_rest_dropped():
    _, tree = _rewrite(branches, {"o": P.Dual})
    assert [type(s) for s in tree.body] == [S.Return]
    assert _text(tree.body[0]).strip() == "return o.v"
    _, tree = _rewrite(branches, PLAIN)   # a number or an array: no Dual
    assert [_text(s).strip() for s in tree.body] == ["return o"]


def test_not_and_or_and_conditional_expressions_are_answered():
    _, tree = _rewrite(negated, {"o": P.Dual})
    assert [_text(s).strip() for s in tree.body] == ["y = o.v", "return y"]
    _, tree = _rewrite(negated, PLAIN)
    assert [_text(s).strip() for s in tree.body] == ["return o"]
    _, tree = _rewrite(either, {"o": P.Vec})   # (w untold: the or is decided by o)
    assert [_text(s).strip() for s in tree.body] == ["return 1.0"]
    _, tree = _rewrite(picked, PLAIN)
    assert _text(tree.body[0]).strip() == "return o"


def test_either_test_untold_leaves_the_if_as_written():
    fdef, tree = _rewrite(either, PLAIN)   # o no Dual nor Vec, but w untold
    assert tree is fdef


def test_a_branch_ending_in_continue_drops_the_rest_of_the_loop_body():
    _, tree = _rewrite(in_a_loop, {"o": P.Dual})
    loop = tree.body[1]
    assert [_text(s).strip() for s in loop.body] == ["t = t + o.v", "continue"]


@pytest.mark.parametrize("fn,known", [
    (rebound, {"o": P.Dual}),                  # o bound again in the function
    (local_isinstance, {"o": P.Dual}),         # isinstance is not the builtin there
    (scalar_test, PLAIN),                     # a number passed may be a Scalar
    (float_test, PLAIN),                      # a number or an array: float or not
    (marked_test, PLAIN),                     # a subclass of Marked is a number
    (abstract_test, PLAIN),                   # an ABC a number is registered with
    (branches, {}),                            # nothing told
    (branches, {"o.w": P.Dual}),               # a fact of a field, not of o
])
def test_a_test_srcdiff_cannot_be_sure_of_is_left_as_written(fn, known):
    fdef, tree = _rewrite(fn, known)
    assert tree is fdef


def test_an_exact_class_answers_any_class_test():
    # (the class told is exact: checked where the code runs, runtime_values.check_class)
    _, tree = _rewrite(float_test, {"o": P.Dual})
    assert [_text(s).strip() for s in tree.body] == ["return o.v"]


def test_the_number_fact_is_dropped_where_the_parameter_is_bound_again():
    fdef = frontend.get_source(rebound).node
    known = {"o" + NUMBER_OR_ARRAY: True, "w" + NUMBER_OR_ARRAY: True, "o": P.Dual}
    assert class_tests.settled(known, fdef) == {"w" + NUMBER_OR_ARRAY: True, "o": P.Dual}
    assert class_tests.settled({"o": P.Dual}, fdef) == {"o": P.Dual}


def test_the_parameters_a_method_tests_are_read_from_its_source():
    assert class_tests.tested_params(P.Dual.__add__) == {"o"}
    assert class_tests.tested_params(P.Dual.__rmul__) == set()
    assert class_tests.tested_params(either) == {"o", "w"}


def test_each_kind_of_operand_gets_its_own_variant_of_the_method():
    text = srcdiff.source(srcdiff.grad(P.dual_add_number))
    assert "operand_1 = 2.0" in text   # the number, told to Dual.__add__'s variant
    assert "isinstance" not in text.split("def forward___add")[1]


class Tagged:
    """An operator whose other branch would be refused: `o.t` of a number."""

    def __init__(self, v, t):
        self.v = v
        self.t = t

    def __mul__(self, o):
        if isinstance(o, Tagged):
            return Tagged(self.v * o.v, self.t + o.t)
        return Tagged(self.v * o, self.t)

    def __rmul__(self, o):
        return self * o

    def __sub__(self, o):
        if not isinstance(o, Tagged):
            return Tagged(self.v - o, self.t)
        return Tagged(self.v - o.v, self.t - o.t)


def tagged(x):
    a = Tagged(x, np.cos(x))
    b = 3.0 * a * x - 1.0
    c = (a - b) * a * np.sum(x)
    return np.sum(c.v * c.t)


@pytest.mark.parametrize("f", [P.dual_forward_mode, P.dual_add_number, P.dual2_expression,
                               tagged])
def test_operators_branching_on_their_operand_differentiate(f):
    check(f, P.X3, wrt=0, order=2)


# --- `p is None` answered where the call passed None (session 26) -------------------------
# An options or mask argument left to its default: the branch using it never runs, but its
# code was lowered and refused (`o.update(opts)` of a None, a helper it calls).
DEFAULT_OPTIONS = {"scale": 2.0, "shift": 0.5}


def options_or_defaults(x, w, opts=None):
    o = dict(DEFAULT_OPTIONS)
    if opts is not None:
        o.update(opts)
    return np.sum(np.tanh(x * w) * o["scale"]) + o["shift"] * np.sum(w ** 2)


def masked_square(x, mask=None):
    y = x if mask is None else x * mask
    return np.sum(y ** 2)


def _masked_sum(x, m):
    if m is None:
        return np.sum(np.sin(x))
    return np.sum(np.sin(x) * m)


def mask_made_when_none(x, mask=None):
    if mask is None:
        mask = np.linspace(0.5, 1.5, x.shape[0])   # bound anew: `m is None` is False below
    return _masked_sum(x, mask)


def mask_passed_on(x, mask=None):
    return _masked_sum(x, mask) * 2.0


X2 = np.array([0.4, -0.3, 0.8])
W2 = np.array([0.2, 0.5, -0.6])


@pytest.mark.parametrize("opts", [None, {"shift": 0.25}], ids=["none", "dict"])
def test_a_branch_on_an_option_left_out_is_dropped_and_a_dict_passed_differentiates(opts):
    args = (X2, W2) if opts is None else (X2, W2, dict(opts))
    check(options_or_defaults, *args, wrt=1, order=2)


def test_none_and_an_array_get_their_own_variants():
    g = srcdiff.grad(masked_square)
    mask = np.array([1.0, 0.0, 2.0])
    np.testing.assert_allclose(g(X2), 2 * X2)
    np.testing.assert_allclose(g(X2, mask), 2 * X2 * mask ** 2)
    np.testing.assert_allclose(g(X2, None), 2 * X2)
    check(masked_square, X2, mask, wrt=0, order=2)
    check(masked_square, X2, wrt=0, order=2)


def test_the_variant_for_any_shape_keeps_none_apart_from_an_array(monkeypatch):
    from srcdiff import derivative
    monkeypatch.setattr(derivative, "MAX_SHAPE_VARIANTS", 1)   # the second is for any shape
    g = srcdiff.grad(masked_square)
    np.testing.assert_allclose(g(X2), 2 * X2)
    for n in (2, 4, 5):
        x = np.linspace(-1.0, 1.0, n)
        mask = np.linspace(0.5, 2.0, n)
        np.testing.assert_allclose(g(x, None), 2 * x)
        np.testing.assert_allclose(g(x, mask), 2 * x * mask ** 2)


@pytest.mark.parametrize("f", [mask_made_when_none, mask_passed_on], ids=lambda f: f.__name__)
def test_the_none_fact_reaches_a_callee_only_where_the_parameter_is_not_bound_anew(f):
    check(f, X2, wrt=0, order=2)
    check(f, X2, np.array([2.0, 0.5, -1.0]), wrt=0, order=2)


def test_is_none_is_answered_only_for_a_parameter_told_and_never_rebound():
    from srcdiff.markers import NONE_PASSED
    tree = frontend.get_source(mask_made_when_none).node
    assert class_tests.rewrite(tree, lambda n: None, {}) is tree
    assert class_tests.rewrite(tree, lambda n: None, {"mask" + NONE_PASSED: True}) is tree
    kept = class_tests.settled({"mask" + NONE_PASSED: True, "x" + NONE_PASSED: True}, tree)
    assert kept == {"x" + NONE_PASSED: True}
    tree = frontend.get_source(masked_square).node
    folded = class_tests.rewrite(tree, lambda n: None, {"mask" + NONE_PASSED: True})
    assert "mask" not in {n.id for s in folded.body for n in S.walk(s) if isinstance(n, S.Name)}


class Weighed:
    """An operator telling a Python number (and a NumPy float64, a float too) from an array
    (a 0-d one too) by `isinstance(o, (int, float))`, with a different formula for each, so
    that a test answered wrongly gives a wrong derivative."""

    def __init__(self, v):
        self.v = v

    def __mul__(self, o):
        if isinstance(o, (int, float)):
            return Weighed(self.v * o)
        return Weighed(self.v * np.sin(o))


class Paired:
    """The same test with an object's branch after it: `o.v` of an array would raise."""

    def __init__(self, v, d):
        self.v = v
        self.d = d

    def __mul__(self, o):
        if isinstance(o, (int, float)):
            return Paired(self.v * o, self.d * o)
        return Paired(self.v * o.v, self.v * o.d + self.d * o.v)


def weighed_by_a_python_float(x):
    return np.sum((Weighed(x) * float(x[0] * x[1])).v ** 2)


def weighed_by_a_numpy_float64(x):
    return np.sum((Weighed(x) * (x[0] * x[1])).v ** 2)


def weighed_by_a_0d_array(x):
    return np.sum((Weighed(x) * np.array(x[0] * x[1])).v ** 2)


def weighed_by_an_array(x):
    return np.sum((Weighed(x) * (x * 2.0)).v ** 2)


def weighed_by_both_in_a_loop(x):
    w = Weighed(x)
    for s in [x[0] * 1.0, x * 0.5]:   # (a float64, then an array: the test each trip)
        w = w * s
    return np.sum(w.v)


def paired_by_numbers(x):
    p = Paired(x, np.cos(x)) * x[1]
    q = p * Paired(x * x, x) * float(x[2])
    return np.sum(q.v * q.d)


def paired_by_an_array(x):
    p = Paired(x, np.cos(x)) * (x * 2.0)
    return np.sum(p.v)


@pytest.mark.parametrize("f", [weighed_by_a_python_float, weighed_by_a_numpy_float64,
                               weighed_by_a_0d_array, weighed_by_an_array,
                               weighed_by_both_in_a_loop, paired_by_numbers])
def test_a_test_of_number_classes_is_made_where_the_code_runs(f):
    # (refused before: isinstance(o, (int, float)) of a number or array cannot be answered
    # before the code runs; now each answer has its variant, chosen where it runs)
    check(f, P.X3, wrt=0, order=2)


def test_the_test_is_in_the_emitted_code_and_each_variant_answers_it():
    text = srcdiff.source(srcdiff.grad(weighed_by_a_numpy_float64))
    assert text.count("isinstance(") == 1, text   # at the call; the variants have none
    assert re.search(r"isinstance\(\w+, int_float\w*\)", text), text


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_array_meeting_an_objects_branch_raises_as_python_does(mode):
    with pytest.raises(AttributeError, match="has no attribute 'v'"):
        paired_by_an_array(P.X3)
    transform = srcdiff.grad(paired_by_an_array) if mode == "grad" else \
        srcdiff.jvp(paired_by_an_array)
    args = (P.X3,) if mode == "grad" else (P.X3, np.ones(3))
    with pytest.raises(AttributeError, match="no attribute 'v'"):
        transform(*args)


def _report(step, value):
    """A progress callback: reads its arguments, carries no derivative."""
    _report.last = (step, float(value))


def _fit_steps(w, callback=None, act=None, scale=None):
    """A helper with options left out the way users write them: `if callback:` and
    `if callback is not None:`, an activation defaulting to np.tanh where None is passed."""
    if act is None:
        act = np.tanh
    for i in range(2):
        loss = np.sum(act(w * (i + 1)) ** 2)
        if callback is not None:
            callback(i, loss)
        if callback:
            callback(i, loss)
        if scale:
            loss = loss * scale
        w = w - 0.1 * w * loss
    return np.sum(w ** 2)


def fit_defaults(w):
    return _fit_steps(w)


def fit_nones_passed(w):
    return _fit_steps(w, None, None, None) + _fit_steps(w, callback=None)


def fit_functions_passed(w):
    return _fit_steps(w, _report, np.sin, 2.0) * _fit_steps(w, act=lambda v: v * v)


def fit_lambda_default(w, act=None):
    if act is None:
        act = lambda v: v * v * 0.5
    return np.sum(act(w))


# A helper's `callback=None` left out (or None passed) was refused at `callback(i, loss)`
# ("cannot tell which function 'callback' holds"), though that branch never runs: the None
# passed now reaches the callee (program.known_for_callee), `if callback:` is answered as
# `if callback is not None:` is, and `if act is None: act = np.tanh` as the body's first
# statement is answered before act's binding (early_facts), act then holding np.tanh.
@pytest.mark.parametrize("f", [fit_defaults, fit_nones_passed, fit_functions_passed],
                         ids=lambda f: f.__name__)
def test_options_left_to_none_in_a_helper_differentiate(f):
    check(f, X2, order=2)


# (was silently wrong: `act = lambda ...` in `if act is None:` was taken for act whatever
# was passed, np.sin's derivative becoming the lambda's)
@pytest.mark.parametrize("act", [None, np.sin, np.cos], ids=["none", "sin", "cos"])
def test_a_parameter_bound_when_none_keeps_the_function_passed(act):
    args = (X2,) if act is None else (X2, act)
    g = srcdiff.grad(fit_lambda_default, wrt=0)(*args)
    np.testing.assert_allclose(g, X2 if act is None else {np.sin: np.cos, np.cos: lambda v: -np.sin(v)}[act](X2))
    check(fit_lambda_default, *args, wrt=0, order=2)


def test_early_facts_hold_until_the_parameters_first_binding():
    from srcdiff.markers import NONE_PASSED
    tree = frontend.get_source(fit_lambda_default).node
    early = class_tests.early_facts({"act" + NONE_PASSED: True}, tree)
    assert early == {"act": True}
    folded = class_tests.rewrite(tree, lambda n: None, {}, early)
    assert not any(isinstance(s, S.If) for s in folded.body)
    assert class_tests.early_facts({"act": np.sin}, tree) == {"act": False}
    tree = frontend.get_source(mask_made_when_none).node   # rebound: no fact for mask
    assert class_tests.early_facts({}, tree) == {}
