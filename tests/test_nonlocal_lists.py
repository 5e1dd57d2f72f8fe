"""srcdiff/nonlocal_lists.py: a nested function declaring a name nonlocal that grows a list of
the function around it (`hist.append(e)`, `hist.extend(e)`) differentiates, both modes, to
second order (one declaring nothing too, called as a statement), where the list is new,
bound once, and nothing but reads keeps it; the
rewrite declares the list nonlocal and rebinds it; a list another name holds, a parameter's,
or one another nested function reads, is left as written (refused in reverse mode, located,
as before)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import frontend, nonlocal_lists
from srcdiff import syntax as S

from gradcheck import check, refusal
from hunt22_programs import nonlocal_list_append

X = np.array([0.3, -0.7, 1.1])


def _lookup(name):
    import builtins
    return globals()[name] if name in globals() else getattr(builtins, name, None)


def _grown(fdef, lookup=_lookup):
    from srcdiff.nonlocal_writes import _bound_before, _statements, _whole_call
    return nonlocal_lists.grown_lists(fdef, True, (_bound_before, _statements, _whole_call),
                                      lookup)


def extends_and_reads_an_item(x):
    rows = []
    tot = 0.0

    def add(v):
        nonlocal tot
        tot = tot + np.sum(v)
        rows.extend([np.sin(v), v * tot])
        if len(rows) > 2:
            rows.append(rows[-1] * rows[0])
    add(x)
    add(x * 2.0)
    return np.sum(np.stack(rows)) * tot


def grown_in_a_loop_of_its_own(x):
    out = [x[0]]
    n = 0

    def fill(v):
        nonlocal n
        for k in range(2):
            out.append(v * out[-1] + k)
            n = n + 1
    for v in x:
        fill(v)
    return sum([o * o for o in out]) / n


def appended_by_a_helper_declaring_nothing(x):
    out = []

    def add(v):
        out.append(np.sin(v) * x[0])
    for v in x:
        add(v)
    add(x[1] * 2.0)
    return np.sum(np.array(out) * x[2])


@pytest.mark.parametrize("f", [nonlocal_list_append, extends_and_reads_an_item,
                               grown_in_a_loop_of_its_own,
                               appended_by_a_helper_declaring_nothing])
def test_a_list_grown_by_a_nested_function_to_second_order(f):
    """`hist.append(s * s)` in a nested def declaring s nonlocal was refused in reverse mode
    ("changes 'hist', a list of the function around it, in place"), and `out.append(...)`
    in one declaring nothing in both ("called for its effects")."""
    check(f, X, wrt=0, order=2)


def test_the_append_rebinds_the_list_declared_nonlocal():
    fdef = S.clone(frontend.get_source(nonlocal_list_append).node)
    assert _grown(fdef) == ["hist"]
    text = S.spell(fdef)
    assert "nonlocal hist" in text and "hist = hist + [s * s]" in text
    assert "hist.append" not in text


def kept_by_another_name(x):
    hist = []
    kept = hist
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)
    for v in x:
        rec(v)
    return sum(kept) + s


def read_by_another_nested_function(x):
    hist = []
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)

    def last():
        return hist[-1]
    for v in x:
        rec(v)
    return last() + s


def looped_over_while_grown(x):
    hist = [x[0]]
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        if len(hist) < 4:
            hist.append(s * v)
    for h in hist:
        rec(h)
    return sum(hist) + s


def stored_in_another_list(x):
    hist = []
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)
    both = [hist, hist]
    for v in x:
        rec(v)
    return sum(both[0]) + s


@pytest.mark.parametrize("f", [kept_by_another_name, read_by_another_nested_function,
                               looped_over_while_grown, stored_in_another_list])
def test_a_list_something_else_may_see_grow_is_left_as_written(f):
    fdef = S.clone(frontend.get_source(f).node)
    assert _grown(fdef) == []
    err = refusal(f, (X,), "grad")
    assert "hist.append" in err.line, str(err)


def passed_as_a_value(x):
    out = []

    def add(v):
        out.append(np.sin(v))
    list(map(add, x))
    return np.sum(np.array(out))


def bound_after_the_def(x):
    def add(v):
        out.append(np.sin(v))
    out = []
    for v in x:
        add(v)
    return np.sum(np.array(out))


@pytest.mark.parametrize("f", [passed_as_a_value, bound_after_the_def])
def test_a_helper_declaring_nothing_that_nonlocal_writes_could_not_follow_is_left(f):
    fdef = S.clone(frontend.get_source(f).node)
    assert _grown(fdef) == []
    assert "out.append" in S.spell(fdef)


def _keeping(xs):   # a function of the user's that keeps what it is given
    _keeping.kept = xs
    return 0.0


def test_a_reading_call_is_known_by_the_function_its_name_means():
    """`len(rows)` and `np.stack(rows)` read the list as the builtin and NumPy's do; the same
    names meaning a function that keeps the list (or meaning nothing srcdiff knows) leave the
    def as written."""
    fdef = frontend.get_source(extends_and_reads_an_item).node
    assert _grown(S.clone(fdef)) == ["rows"]
    for name in ("len", "np"):
        other = {"len": _keeping, "np": S}[name]
        assert _grown(S.clone(fdef), lambda n: other if n == name else _lookup(n)) == []
    assert _grown(S.clone(fdef), lambda n: None) == []


def grows_its_own_parameter(x):
    hist = []

    def rec(hist, v):
        hist.append(v * v)
    rec(hist, x[0])
    return sum(hist)


def test_a_parameter_of_the_nested_def_shadowing_the_list_is_its_own():
    """rec's `hist` is its parameter (syntax.scope_nodes walks the def's arguments too): the
    list it grows is whatever it is passed, not the function's, so the def is left."""
    fdef = S.clone(frontend.get_source(grows_its_own_parameter).node)
    rec = next(n for n in S.walk(fdef) if isinstance(n, S.FunctionDef) and n.name == "rec")
    assert {"hist", "v"} <= nonlocal_lists._bound_in(rec)
    assert _grown(fdef) == []


def made_by_list(x):
    hist = list()
    seen = list(x[:1])

    def step(s):
        hist.append(s * s)
        seen.append(np.sin(s) * seen[-1])
    for i in range(3):
        step(x[i])
    return sum(hist) + np.sum(np.array(seen))


def test_a_list_made_by_the_builtin_list_grown_by_a_nested_function_to_second_order():
    """(hist = list() was left as written: refused, "step is called for its effects ...")"""
    check(made_by_list, X.copy(), wrt=0, order=2)
    fdef = S.clone(frontend.get_source(made_by_list).node)
    assert sorted(_grown(fdef)) == ["hist", "seen"]


def list_meaning_something_else(x):
    hist = list()

    def step(s):
        hist.append(s * s)
    for i in range(3):
        step(x[i])
    return len(hist)


def test_a_list_call_not_of_the_builtin_is_left():
    fdef = S.clone(frontend.get_source(list_meaning_something_else).node)
    assert _grown(fdef, lambda n: _keeping if n == "list" else _lookup(n)) == []
    assert _grown(S.clone(fdef)) == ["hist"]


def called_in_a_comprehension(x):
    out = []

    def add(v):
        out.append(np.sin(v) * x[0])
    [add(v) for v in x]
    return np.sum(np.array(out))


@pytest.mark.parametrize("f", [passed_as_a_value, called_in_a_comprehension])
def test_a_list_grown_through_a_call_whose_result_is_not_differentiated_is_refused(f):
    """(map(add, x) and [add(v) for v in x] gave a gradient of zeros: the call's result is
    None, so the reverse pass made no derivative of add, and what it appended to out carried
    none; the forward mode follows the appends and stays checked)"""
    err = refusal(f, (X.copy(),), "grad")
    text = str(err)
    assert "out" in text and "add" in text and "as a statement" in text, text
    check(f, X.copy(), wrt=0, order=1, modes=("fwd",))


def grown_then_enumerated(x):
    feats = []

    def push(v):
        feats.append(v ** 2)
        feats.append(np.sin(v))
    for v in x:
        push(v)
    total = sum(f * (k + 1) for k, f in enumerate(feats))
    for f in reversed(feats):
        total = total * 0.5 + f
    return total


def grown_while_enumerated(x):
    feats = [x[0]]

    def push(v):
        feats.append(v)
    total = 0.0
    for k, f in enumerate(feats):
        total = total + f
        if k < 3:
            push(f * 2.0)   # (Python's loop takes the items appended as it goes)
    return total


# enumerate(hist) and reversed(hist) iterated right there read the list as it is (a loop over
# it calling a function growing it is left as written: refused)
def test_a_grown_list_enumerated_or_reversed_differentiates():
    check(grown_then_enumerated, X.copy(), order=2)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_list_grown_while_a_loop_enumerates_it_is_refused(mode):
    err = refusal(grown_while_enumerated, (X.copy(),), mode)
    assert "push(f * 2.0)" in str(err) or "feats.append(v)" in str(err), str(err)
