"""srcdiff/plain_blocks.py: statements that change no differentiated value, run as plain
code (issue #13): imports in the function's body, with-blocks of np.errstate /
np.printoptions / warnings.catch_warnings, match on literal patterns, `del L[k]` on a local
list. Each accepted shape is checked against central differences in reverse and forward
mode and to second order (gradcheck.check); each has a neighbour that stays refused,
located, where running it as plain code would change what the function does."""
import warnings

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.4, 0.9, 1.3])


# -- imports in the body ---------------------------------------------------------------------
def imports_numpy_inside(x):
    import numpy as jnp          # an alias the module does not have
    return jnp.sum(jnp.tanh(x) * jnp.pi)


def imports_a_function_inside(x):
    from math import tanh
    from numpy import exp as e
    return tanh(x[0]) * x[1] + np.sum(e(x))


def imports_scipy_special_inside(x):
    s = x * 2.0
    import scipy.special as sp
    return np.sum(sp.expit(s) * sp.erf(x))


def imports_a_package_path(x):
    import scipy.special
    return np.sum(scipy.special.expit(x) ** 2)


def import_then_rebound(x):
    import math as m
    m = m.pi
    return x[0] * m


def read_before_import(x):
    y = np.sum(x)
    import numpy as np  # noqa: F811 (the import refused here)
    return y * np.sum(x)


# -- with-blocks -----------------------------------------------------------------------------
def errstate_around_a_log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x > 0.5, np.log(x), x ** 2)
        z = y * x
    return np.sum(z)


def catch_warnings_with_a_filter(x):
    s = 0.0
    for k in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            s = s + np.sum(np.sqrt(x) * (k + 1))
    return s


def printoptions_and_errstate(x):
    with np.printoptions(precision=3), np.errstate(over="ignore"):
        y = np.exp(x)
    return np.sum(y * x)


def errstate_raise(x):
    with np.errstate(all="raise"):
        y = np.log(x)
    return np.sum(y)


def filter_error(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = np.log(x)
    return np.sum(y)


def filter_in_a_branch(x):
    with warnings.catch_warnings():
        if x[0] > 0:
            warnings.simplefilter("ignore")
        y = np.log(x)
    return np.sum(y)


def catch_warnings_record(x):
    with warnings.catch_warnings(record=True) as caught:
        y = np.log(x)
    return np.sum(y) + len(caught)


def open_file(x):
    with open(__file__) as fh:
        n = len(fh.readline())
    return np.sum(x) * n


# -- match on literals ----------------------------------------------------------------------
def match_on_a_mode(x, mode="tanh"):
    match mode:
        case "tanh":
            y = np.tanh(x)
        case "sigmoid" | "logistic":
            y = 1.0 / (1.0 + np.exp(-x))
        case None:
            y = x
        case _:
            y = x ** 2
    return np.sum(y)


def match_with_a_guard(x, n=2):
    match n + 1:
        case 3 if x[0] > 0:
            return np.sum(x ** 3)
        case -1:
            return np.sum(x)
    return np.sum(np.sin(x))


def match_capture(x, mode=("a", 1)):
    match mode:
        case (_, k):
            return np.sum(x) * k
    return np.sum(x)


# -- del L[k] ---------------------------------------------------------------------------------
def del_first_and_last(x):
    L = [x[0], x[1] * 2.0, np.sin(x[2]), x[0] * x[2]]
    del L[0]
    del L[-1]
    return L[0] * L[-1]


def del_in_a_loop(x):
    L = [v * v for v in x]
    s = 0.0
    while len(L) > 1:
        s = s + L[1] * L[0]
        del L[1]
    return s + L[0]


def del_seen_by_another_name(x):
    L = [x[0], x[1], x[2]]
    M = L
    del L[-2]
    return M[0] * M[1]


def del_out_of_range(x):
    L = [x[0], x[1]]
    del L[2]
    return L[0]


def del_a_slice(x):
    L = [x[0], x[1], x[2]]
    del L[1:]
    return L[0]


def match_in_a_loop_with_break(x, modes=("tanh", "sq", "stop", "sq")):
    s = 0.0
    for m in modes:
        match m:
            case "tanh":
                s = s + np.sum(np.tanh(x))
            case "stop":
                break
            case _:
                s = s + np.sum(x ** 2)
    return s


def errstate_with_a_return_in_a_loop(x):
    s = 0.0
    for k in range(3):
        with np.errstate(over="ignore"):
            s = s + np.sum(np.exp(x * k))
            if s > 12.0:
                return s
    return s


def _helper_importing(t):
    import numpy as nn
    from math import sin
    return nn.sum(t ** 2) * sin(0.5)


def imports_in_a_helper_and_a_nested_def(x):
    def inner(t):
        from numpy import cos
        return cos(t)
    return _helper_importing(x) + np.sum(inner(x))


ACCEPTED = [match_in_a_loop_with_break, errstate_with_a_return_in_a_loop,
            imports_in_a_helper_and_a_nested_def, imports_numpy_inside, imports_a_function_inside,
            imports_scipy_special_inside, imports_a_package_path, errstate_around_a_log,
            catch_warnings_with_a_filter,
            printoptions_and_errstate, match_on_a_mode, match_with_a_guard, del_first_and_last,
            del_in_a_loop, del_seen_by_another_name]


@pytest.mark.parametrize("f", ACCEPTED, ids=[f.__name__ for f in ACCEPTED])
def test_accepted(f):
    if f in (imports_scipy_special_inside, imports_a_package_path):
        pytest.importorskip("scipy")   # (the scipy extra: not in the README's test install)
    check(f, X.copy())


@pytest.mark.parametrize("mode", ["tanh", "logistic", None, "relu"])
def test_each_case_of_a_match(mode):
    check(match_on_a_mode, X.copy(), mode, wrt=0)


def test_a_guard_that_fails_goes_on_to_the_next_case():
    check(match_with_a_guard, -X, 2, wrt=0)
    check(match_with_a_guard, X.copy(), -2, wrt=0)
    check(match_with_a_guard, X.copy(), 5, wrt=0)


@pytest.mark.parametrize("f, words", [
    (import_then_rebound, "bound again"),
    (read_before_import, "read before the import"),
    (errstate_raise, "all='raise'"),
    (filter_error, "into an error"),
    (catch_warnings_record, "records or raises"),
    (filter_in_a_branch, "filters of the whole program"),
    (open_file, "with-block"),
    (match_capture, "match statement"),
])
def test_refused_where_plain_code_would_change_what_runs(f, words):
    err = refusal(f, (X.copy(),), "grad")
    assert words in str(err), str(err)


def test_del_of_a_slice_differentiates():
    check(del_a_slice, X.copy())   # a new list without the items (srcdiff/list_edits.py)


def test_an_index_out_of_range_raises_as_del_does():
    with pytest.raises(IndexError):
        del_out_of_range(X)
    with pytest.raises(IndexError):
        srcdiff.grad(del_out_of_range)(X)


def test_the_emitted_code_does_not_depend_on_the_users_alias():
    text = srcdiff.source(srcdiff.grad(imports_numpy_inside))
    code = [ln for ln in text.split('"""')[-1].splitlines() if not ln.strip().startswith("#")]
    assert not any("jnp" in ln or "import" in ln for ln in code), text


def test_no_warning_state_leaks_out_of_the_derivative():
    before = list(warnings.filters)
    srcdiff.grad(catch_warnings_with_a_filter)(X)
    assert warnings.filters == before


def _plain(x):
    return np.sum(np.sin(x) * x)


def test_the_census_asks_what_needed_asks():
    """source_rewrites reads plain_blocks.needed from the one census walk (census.blocks)."""
    from srcdiff import census, frontend, plain_blocks
    fns = [v for v in globals().values() if callable(v) and getattr(v, "__module__", None)
           == __name__ and not isinstance(v, type) and not v.__name__.startswith("test_")]
    seen = set()
    for fn in fns:
        try:
            fdef = frontend.get_source(fn).node
        except Exception:
            continue
        seen.add(plain_blocks.needed(fdef))
        assert census.take(fdef).blocks == plain_blocks.needed(fdef), fn.__name__
    assert seen == {True, False}   # (_plain needs none)
    plain = frontend.get_source(_plain).node   # (a function with none of them)
    assert not census.take(plain).blocks and not plain_blocks.needed(plain)
