"""templates/grids.py: numpy.arange and numpy.linspace against central differences, both
modes and second order, and numpy.logspace and numpy.geomspace (logspace's base is held
constant: a derivative in it is refused, located) (meshgrid's rule:
tests/templates/test_edits.py).

Each function weights its samples inline with distinct weights (W), so a derivative landing
on the wrong sample is caught. Named functions and inline weights, not lambdas and helpers:
srcdiff.jvp of a lambda calling a lambda, and second derivatives through `return helper(x)`
(issue 12, item 3), are wrong on this branch, for reasons outside the rules.
"""
import os

import numpy as np
import pytest

import srcdiff
from gradcheck import check


def lin_stop(x):
    v = np.linspace(0.0, x, 5)
    return np.sum(np.sin(v) * np.arange(1.0, 6.0))


def lin_start_no_endpoint(x):
    v = np.linspace(x, 2.0, 4, endpoint=False)
    return np.sum(np.sin(v) * np.arange(1.0, 5.0))


def lin_both(x):
    v = np.linspace(x, x * x + 1.0, 6)
    return np.sum(np.sin(v) * np.arange(1.0, 7.0))


def lin_one_sample(x):
    v = np.linspace(x, 3.0, 1)
    return np.sum(np.sin(v) * 2.0)


def lin_dtype_float(x):
    v = np.linspace(-x, x, num=3, dtype=float)
    return np.sum(np.sin(v) * np.arange(1.0, 4.0))


@pytest.mark.parametrize("f", [lin_stop, lin_start_no_endpoint, lin_both, lin_one_sample,
                               lin_dtype_float])
def test_linspace_of_floats(f):
    check(f, 0.7)


W34 = np.arange(1.0, 13.0).reshape(3, 4)


def lin_start_array_axis0(x):
    return np.sum(np.sin(np.linspace(x, np.array([1.0, 2.0, -0.5, 0.2]), 3)) * W34)


def lin_stop_array_axis1(x):
    return np.sum(np.sin(np.linspace(0.5, x, 4, axis=1)) * W34)


def lin_both_arrays_last_axis(x):
    return np.sum(np.sin(np.linspace(x[:, None] * 0.5, x[:, None] + 1.0, 4, axis=-1)) * W34)


def test_linspace_of_arrays():
    check(lin_start_array_axis0, np.array([0.3, -0.2, 0.9, 1.1]))
    check(lin_stop_array_axis1, np.array([0.3, -0.2, 0.9]))
    check(lin_both_arrays_last_axis, np.array([0.3, -0.2, 0.9]))


def test_linspace_with_integer_dtype_is_flat():
    g = srcdiff.grad(lambda x: np.sum(np.linspace(0.0, x, 4, dtype=int) * 1.0) + x)(7.3)
    assert g == 1.0


def lin_with_step(x):
    v, step = np.linspace(0.0, x, 4, retstep=True)  # refused
    return np.sum(v) * step


@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
def test_linspace_retstep_is_refused_at_the_users_line(mode):
    with pytest.raises(srcdiff.UnsupportedCodeError, match="retstep") as info:
        if mode == "grad":
            srcdiff.grad(lin_with_step)(1.0)
        elif mode == "jvp":
            srcdiff.jvp(lin_with_step)(1.0, 1.0)
        else:
            srcdiff.hvp(lin_with_step)(1.0, 1.0)
    err = info.value
    assert os.path.samefile(err.filename, __file__)
    assert err.line.strip().endswith("# refused") and "(num - 1)" in err.hint


def test_linspace_retstep_of_constants_still_works():
    def f(x):
        grid, step = np.linspace(0.0, 1.0, 5, retstep=True)
        return np.sum(np.sin(grid * x)) * step
    check(f, 0.7)


def ar_start(x):
    v = np.arange(x, 3.0, 0.5)  # 6 samples near x = 0.45
    return np.sum(np.sin(v) * np.arange(1.0, 7.0)) + x


def ar_step(x):
    v = np.arange(0.0, 3.0, x)  # 7 samples near x = 0.45
    return np.sum(np.sin(v) * np.arange(1.0, 8.0)) + x


def ar_start_and_step(x):
    v = np.arange(x, 3.9 * x, x)  # 3 samples for every x > 0
    return np.sum(np.sin(v) * np.arange(1.0, 4.0)) + x


def ar_start_default_step(x):
    v = np.arange(-x, 2.0)  # 3 samples near x = 0.45
    return np.sum(np.sin(v) * np.arange(1.0, 4.0)) + x


def ar_stop(x):
    v = np.arange(0.0, x, 0.125)  # 4 samples near x = 0.45: the stop moves none
    return np.sum(np.sin(v) * np.arange(1.0, 5.0)) + x


def ar_stop_only(x):
    v = np.arange(x)  # [0.0]: the stop moves none
    return np.sum(np.sin(v + 1.0)) + x


@pytest.mark.parametrize("f", [ar_start, ar_step, ar_start_and_step, ar_start_default_step,
                               ar_stop, ar_stop_only])
def test_arange_of_floats(f):
    check(f, 0.45)


def test_arange_of_integers_is_a_constant():
    check(lambda x: np.sum(np.arange(4) * x), np.array([0.5, 1.0, -1.0, 2.0]))
    check(lambda x: np.sum(np.arange(len(x)) * x ** 2), np.array([0.5, 1.0, -1.0]))


def logspace_of_a_stop(x):
    return np.sum(np.logspace(0.3, x, 4) * np.array([1.0, 2.0, 3.0, 4.0]))


def logspace_base_two_axis(x):
    return np.sum(np.logspace(x[:2], x[2:] * x[0], 3, base=2.0, axis=-1) ** 2 *
                  np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))


def logspace_no_endpoint_of_integers(x):
    return np.sum(np.logspace(0.0, x[0], 3, endpoint=False) * x[1:]) + \
        np.sum(np.logspace(x[0], x[2], 3, dtype=int) * x[:3])


def geomspace_of_both(x):
    return np.sum(np.geomspace(x[0], x[1] * 3.0, 5) * np.array([1.0, 2.0, 3.0, 4.0, 5.0]))


def geomspace_negative_axis(x):
    return np.sum(np.geomspace(-x[:2], -x[2:] * 2.0, 3, endpoint=False, axis=1) ** 2 *
                  np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))


def geomspace_complex(x):
    return np.sum(np.abs(np.geomspace(x[0] + 1j, x[1] - 0.5j, 4)) ** 2 *
                  np.array([1.0, 2.0, 3.0, 4.0]))


@pytest.mark.parametrize("f", [logspace_of_a_stop, logspace_base_two_axis,
                               logspace_no_endpoint_of_integers, geomspace_of_both,
                               geomspace_negative_axis, geomspace_complex])
def test_logspace_and_geomspace(f):
    check(f, np.array([0.7, 1.3, 0.9, 1.6]))


def test_logspace_in_its_base_is_refused_at_the_call():
    def in_the_base(x):
        return np.sum(np.logspace(0.0, 1.0, 3, base=x[0]))
    with pytest.raises(srcdiff.SrcdiffError, match="base") as info:
        srcdiff.grad(in_the_base)(np.array([2.0, 3.0]))
    assert "test_grids.py" in str(info.value)


def test_constant_grids_still_work():
    check(lambda x: np.sum(np.logspace(0.0, 1.0, 3) * x) + np.sum(
        np.meshgrid(np.arange(3.0), np.arange(2.0))[0] @ x), np.array([0.5, 1.0, 2.0]))


def test_linspace_endpoints_of_other_kinds():
    """Empty and one-point grids, complex and 0-d array endpoints, axis=-1 (issue 15)."""
    check(lambda a, b: np.sum(np.linspace(a, b, 0)) + a * b, 0.3, 1.2, wrt=(0, 1))
    check(lambda a, b: np.sum(np.linspace(a, b, 1, endpoint=False) * 3.0), 0.3, 1.2, wrt=(0, 1))
    check(lambda a, b: np.sum(np.abs(np.linspace(a, b, 4)) ** 2), 0.3 + 1j, 1.2 - 0.5j,
          wrt=(0, 1))
    check(lambda a, b: np.sum(np.linspace(a, b, 5) ** 2), np.array(0.3), np.array(1.1),
          wrt=(0, 1))
    check(lambda a, b: np.sum(np.linspace(a, b, 3, axis=-1) * np.arange(1.0, 7.0).reshape(2, 3)), np.array([0.1, 0.4]),
          np.array([1.0, -2.0]), wrt=(0, 1))
