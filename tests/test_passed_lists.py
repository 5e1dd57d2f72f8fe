"""srcdiff/passed_lists.py: a nested function growing a list it is passed (`push(feats, v)`
doing `out.append(...)`), every call passing the same new list of the function, differentiates,
both modes, to second order (the list passed twice too: one list); two lists, a list another
name holds, one the helper returns, a parameter's list, or a loop over the list calling the
helper, is left as written (refused at the call, located, as before)."""
import numpy as np
import pytest

from gradcheck import check, refusal
from hunt27_programs import helper_appends_to_list

X = np.array([0.4, -0.7, 1.1])

def passed_twice(x):
    def push(a, b, v):
        a.append(v ** 2)
        b.append(np.sin(v) * len(a))
    feats = []
    for v in x:
        push(feats, feats, v)
    return sum(f * (k + 1) for k, f in enumerate(feats))
def two_lists(x):
    def push(out, v):
        out.append(v ** 2)
    a = []
    b = []
    for v in x:
        push(a, v)
        push(b, np.cos(v))
    return sum(a) * sum(b)
def aliased(x):
    def push(out, v):
        out.append(v ** 2)
    feats = []
    keep = feats
    for v in x:
        push(feats, v)
    return sum(keep)
def returns_it(x):
    def push(out, v):
        out.append(v ** 2)
        return out
    feats = []
    for v in x:
        r = push(feats, v)
    return sum(r) + sum(feats)
def reads_own(x):
    feats = [x[0]]
    def push(out, v):
        out.append(v * out[-1] + len(out))
        out.extend([v, v ** 3])
    for v in x:
        push(feats, v)
    for f in reversed(feats):
        x = x * 0.5 + f
    return np.sum(x) + max(feats)
def param_list(x, lst):
    def push(out, v):
        out.append(v)
    push(lst, x[0])
    return x[0] * len(lst)
def iter_while_append(x):
    feats = [x[0]]
    def push(out, v):
        out.append(v)
    total = 0.0
    for k, f in enumerate(feats):
        total = total + f
        if k < 3:
            push(feats, f * 2.0)
    return total

@pytest.mark.parametrize("f", [helper_appends_to_list, passed_twice, reads_own])
def test_a_helper_growing_the_list_it_is_passed_differentiates(f):
    check(f, X.copy(), order=2)


@pytest.mark.parametrize("f,line", [
    (two_lists, "push(a, v)"),
    (aliased, "push(feats, v)"),
    (iter_while_append, "push(feats, f * 2.0)"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_list_something_else_may_hold_is_refused(f, line, mode):
    err = refusal(f, (X.copy(),), mode)
    assert err.filename.endswith("test_passed_lists.py") and "hint:" in str(err), str(err)
    assert line in str(err), str(err)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_list_the_caller_passes_in_is_refused(mode):
    err = refusal(param_list, (X.copy(), [1.0]), mode)
    assert err.filename.endswith("test_passed_lists.py") and "push(lst, x[0])" in str(err)


# a helper returning the list it grows: refused in reverse mode, at its append; forward mode
# follows the helper's append to the same list (checked right)
def test_a_helper_returning_the_list_it_grows():
    err = refusal(returns_it, (X.copy(),), "grad")
    assert "out.append(v ** 2)" in str(err)
    check(returns_it, X.copy(), order=2, modes=("fwd",))
