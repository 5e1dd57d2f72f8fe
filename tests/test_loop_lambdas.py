"""srcdiff/loop_lambdas.py: lambdas made in a loop, each binding the loop's value as a default,
run as the list display of the lambdas; checked against central differences in reverse and
forward mode and to second order (gradcheck.check); so are lambdas reading a comprehension's
variable when called (late binding: its last value) and defs appended in a for loop. Computed
bounds, and a scope in the lambda binding the variable again, stay refused, located."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.4, 0.9, 1.3])


def powers_in_a_comprehension(x):
    fs = [lambda t, k=k: t ** k for k in range(3)]
    return sum(f(x[0]) * x[1] for f in fs)


def appended_in_a_loop(x):
    fs = []
    for k in range(1, 4):
        fs.append(lambda t, k=k: np.sin(t * k) / k)
    s = 0.0
    for f in fs:
        s = s + f(x[0]) * x[2]
    return s * k                     # the loop's variable stays bound to its last value


def late_binding(x):
    fs = [lambda t: t ** k for k in range(3)]    # every lambda reads k when called: 2
    return sum(f(x[0]) for f in fs)


def late_and_bound(x):
    fs = [lambda v, p=k: v ** p + k * v for k in range(1, 4)]   # p its own, k the last: 3
    return sum(f(x[0]) * x[1] for f in fs)


def defs_appended_in_a_loop(x):
    fs = []
    for k in range(3):
        def g(v):
            return v * x[k] ** 2     # k read when called: 2 here, 0 and 1 in the loop below
        fs.append(g)
    hs = []
    for j in range(1, 3):
        def h(v, p=j, q=2.0):
            return v ** p * q + x[j]
        hs.append(h)
    s = 0.0
    for k in range(2):
        for f in fs:
            s = s + f(x[1]) * (k + 1)
    return s + sum(h(x[0]) for h in hs) * j + h(x[2])


def a_scope_binding_the_variable_again(x):
    fs = [lambda v: (lambda k: v * k)(2.0) + k for k in range(1, 4)]
    return sum(f(x[0]) for f in fs)


def computed_bounds(x):
    n = len(x)
    fs = [lambda t, k=k: t * k for k in range(n)]
    return sum(f(x[0]) for f in fs)


@pytest.mark.parametrize("f", [powers_in_a_comprehension, appended_in_a_loop])
def test_lambdas_made_in_a_loop(f):
    check(f, X.copy())


# Late binding, as Python computes it: a comprehension's lambdas reading its variable all
# see its last value; defs appended in a for loop read the function's variables when called
# (the loop's variable rebound later included), one def per value where a default reads it
# (refused before: "cannot tell which function 'f' holds"; hunt27's lambdas_late_binding and
# closures_appended_in_loop).
@pytest.mark.parametrize("f", [late_binding, late_and_bound, defs_appended_in_a_loop])
def test_late_binding_differentiates_as_python_runs_it(f):
    check(f, X.copy(), order=2)


def test_the_loop_variable_keeps_its_last_value():
    assert abs(appended_in_a_loop(X) - srcdiff.value_and_grad(appended_in_a_loop)(X)[0]) < 1e-12


@pytest.mark.parametrize("f", [computed_bounds, a_scope_binding_the_variable_again])
def test_left_as_written_and_refused(f):
    err = refusal(f, (X.copy(),), "grad")
    assert "default values must be literals" in str(err) or \
        "cannot tell which function" in str(err), str(err)


# -- over a display of literals, and a list both iterated and indexed (issue #13; hunt29's
# lambda_default_argument) ----------------------------------------------------------------
def over_a_display_of_floats(x):
    fs = []
    for k in [0.5, -1.5, 2.0]:
        fs.append(lambda v, k=k: np.tanh(v * k))
    return sum(np.sum(f(x)) for f in fs) * k


def iterated_and_indexed(x):
    fs = [lambda v, k=k: v * k for k in range(1, 4)]
    total = 0.0
    for f in fs:
        total = total + np.sin(f(x[0]))
    return total + fs[0](x[1]) * fs[-1](x[2]) + sum(f(x[0]) ** 2 for f in fs)


def late_binding_indexed(x):
    fs = [lambda v: v * k for k in (2, 3, 5)]   # all read the last k: 5
    return fs[0](x[0]) * sum(f(x[1]) for f in fs)


@pytest.mark.parametrize("f", [over_a_display_of_floats, iterated_and_indexed,
                               late_binding_indexed])
def test_lambdas_over_literals_called_by_loop_and_by_index(f):
    check(f, X.copy(), order=2)


def over_an_array(x):
    fs = [lambda v, w=w: v * w for w in x]   # as many as x has items: not known
    return sum(f(x[0]) for f in fs)


def appended_to_after(x):
    fs = [lambda v, k=k: v * k for k in range(1, 4)]
    fs.append(np.sin)
    return sum(f(x[0]) for f in fs) + fs[0](x[1])


def item_written_after(x):
    fs = [lambda v, k=k: v * k for k in range(1, 4)]
    fs[0] = np.cos
    return sum(f(x[0]) for f in fs) + fs[0](x[1])


@pytest.mark.parametrize("f", [over_an_array, appended_to_after, item_written_after])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_lambdas_whose_list_is_not_known_stay_refused(f, mode):
    assert "cannot tell which function" in str(refusal(f, (X.copy(),), mode))
