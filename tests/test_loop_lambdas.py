"""srcdiff/loop_lambdas.py: lambdas made in a loop, each binding the loop's value as a default,
run as the list display of the lambdas; checked against central differences in reverse and
forward mode and to second order (gradcheck.check). A lambda reading the loop's variable
when it is called (late binding) stays refused, located."""
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


def computed_bounds(x):
    n = len(x)
    fs = [lambda t, k=k: t * k for k in range(n)]
    return sum(f(x[0]) for f in fs)


@pytest.mark.parametrize("f", [powers_in_a_comprehension, appended_in_a_loop])
def test_lambdas_made_in_a_loop(f):
    check(f, X.copy())


def test_the_loop_variable_keeps_its_last_value():
    assert abs(appended_in_a_loop(X) - srcdiff.value_and_grad(appended_in_a_loop)(X)[0]) < 1e-12


@pytest.mark.parametrize("f", [late_binding, computed_bounds])
def test_left_as_written_and_refused(f):
    err = refusal(f, (X.copy(),), "grad")
    assert "default values must be literals" in str(err) or \
        "cannot tell which function" in str(err), str(err)
