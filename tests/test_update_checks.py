"""`a op= b` raises where Python raises (srcdiff/update_checks.py, runtime_updates.py).

srcdiff computes `a += b` as a = a + b; NumPy writes the result into the array a, and
refuses where it does not fit: another shape, a dtype a's cannot be cast from, `@=` of two
vectors. The emitted code must raise the same error (type and message) as the function
itself, in both modes and to second order; where the result fits, the derivatives are
checked against central differences."""
import itertools
import operator

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.runtime_updates import check_update

rng = np.random.default_rng(3)
V3, M23, M33 = rng.uniform(0.5, 1.5, 3), rng.uniform(0.5, 1.5, (2, 3)), \
    rng.uniform(0.2, 0.6, (3, 3))


def add_update(a, b):
    a += b
    return np.sum(a * a)


def matmul_update(a, b):
    a @= b
    return np.sum(a * a)


def integer_update(a, b):
    c = a.astype(int)
    c += b
    return np.sum(c * a)


def divide_integers(a, b):
    c = np.ones(3, dtype=int)
    c /= 2
    return np.sum(a * b)


def accumulated(a, b):
    s = 0.0
    for k in range(2):
        s += a * k
    s += b   # s is an array by now: b of another shape does not fit
    return np.sum(s)


def iadd_call(a, b):
    a = operator.iadd(a, b)
    return np.sum(a * a)


def iadd_result(a, b):
    r = operator.iadd(a, b)
    return np.sum(r)


def imatmul_call(a, b):
    r = operator.imatmul(a, b)
    return np.sum(r)


def itruediv_call(a, b):
    c = a.astype(int)
    c = operator.itruediv(c, b)
    return np.sum(c * a)


def row_update(a, b):
    m = np.stack([a, a * 2.0])
    m[0] += b         # a row of m is updated in place: b of shape (2, 3) does not fit
    return np.sum(m * m)


def list_item_update(a, b):
    items = [a, a * 2.0]
    items[1] += b     # so is an array a list holds
    return np.sum(items[1] * items[0])


def integer_row_update(a, b):
    m = np.stack([a, b]).astype(int)
    m[0] += 0.5
    return np.sum(m * a)


def aliased_update(a, b, c):
    y = a * 1.0
    z = y if c > 0 else a * 2.0
    y += b            # checked for sharing with z too (aliasing.py): both checks run
    return np.sum(y * z)


RAISING = [
    (aliased_update, (V3, M23, -1.0)),
    (aliased_update, (V3, M23, 1.0)),
    (row_update, (V3, M23)),
    (list_item_update, (V3, M23)),
    (integer_row_update, (V3, V3)),
    (add_update, (V3, M23)),          # (3,) += (2, 3): a result of another shape
    (add_update, (V3, rng.uniform(size=2))),
    (matmul_update, (V3, V3.copy())),   # two vectors (apart: one array passed twice to a
    #                                     function writing into it is refused at the entry)
    (matmul_update, (M33, V3)),
    (matmul_update, (M23, rng.uniform(size=(3, 2)))),
    (integer_update, (V3, 0.5)),      # an integer array += a float
    (integer_update, (V3, V3)),
    (divide_integers, (V3, V3)),
    (accumulated, (V3, M23)),
    (iadd_call, (V3, M23)),
    (iadd_result, (V3, M23)),
    (imatmul_call, (V3, V3.copy())),
    (itruediv_call, (V3, 2.0)),
]


def _python_error(f, args):
    with pytest.raises(Exception) as python:
        f(*[np.copy(a) for a in args])
    return python.value


@pytest.mark.parametrize("f, args", RAISING,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(RAISING)])
def test_raises_what_python_raises(f, args):
    error = _python_error(f, args)
    tangent = np.ones_like(args[0])
    for run in (lambda: srcdiff.grad(f)(*args),
                lambda: srcdiff.value_and_grad(f, wrt=(0, 1))(*args),
                lambda: srcdiff.jvp(f)(*args, tangent),
                lambda: srcdiff.hvp(f)(*args, tangent)):
        with pytest.raises(type(error)) as ours:
            run()
        assert str(ours.value) == str(error)


def broadcast_update(a, b):
    a = a * 1.0
    a += b            # (2, 3) += (3,): fits
    a -= 0.5
    a *= b
    a /= 2
    return np.sum(a * a)


def matrix_update(a, b):
    a = a * 1.0
    a @= b            # (2, 3) @= (3, 3): fits
    return np.sum(a * a)


def integer_counts(a, b):
    n = np.zeros(3, dtype=int)
    n += 2            # an integer array and an integer: fits
    return np.sum(a * n * b)


def single_precision(a, b):
    c = a.astype(np.float32)
    c += 0.5          # a float32 array and a Python float: stays float32
    return np.sum(c * b)


def item_of_vector(a, b):
    x = a * 1.0
    x[0] += b[1]      # a number: rebound, then stored
    x[1:] *= b[:2]
    return np.sum(x * x)


@pytest.mark.parametrize("f, args", [
    (broadcast_update, (M23, V3)), (matrix_update, (M23, M33)), (iadd_call, (M23, V3)),
    (integer_counts, (V3, V3)), (accumulated, (V3, V3)), (add_update, (1.5, V3)),
    (row_update, (V3, V3)), (list_item_update, (V3, V3)), (item_of_vector, (V3, V3))],
    ids=lambda v: getattr(v, "__name__", ""))
def test_updates_that_fit_differentiate(f, args):
    check(f, *args, wrt=(0, 1))


def test_single_precision_fits():
    assert srcdiff.grad(single_precision)(V3, V3) == pytest.approx(V3, rel=1e-6)
    assert srcdiff.jvp(single_precision)(V3, V3, V3)[1] == pytest.approx(
        np.sum(V3 * V3), rel=1e-6)


def number_updates(a, b):
    k = 1
    k *= 2
    scale = 1.0
    for i in range(3):
        scale *= 0.5
        k += i
    return np.sum(a * b) * k * scale


def list_updates(a, b):
    items = [a]
    items += [b]
    items *= 2
    return items[0] * items[3]


def test_no_check_where_the_name_always_holds_a_number_or_a_list():
    assert "check_update" not in srcdiff.source(srcdiff.grad(list_updates))
    check(list_updates, 1.5, 0.5, wrt=(0, 1))
    assert "check_update" not in srcdiff.source(srcdiff.grad(number_updates))
    assert "check_update" not in srcdiff.source(srcdiff.jvp(number_updates))
    assert "check_update" in srcdiff.source(srcdiff.grad(accumulated))
    check(number_updates, V3, V3, wrt=(0, 1))


# -- the helper against NumPy's own in-place operators, case by case ----------------------

VALUES = [np.ones(3), np.ones((2, 3)), np.ones((3, 3)), np.ones(3, dtype=int),
          np.ones((2, 3), dtype=np.float32), np.ones(3, dtype=bool), np.array(2.0),
          np.ones((0, 3)), np.ones((2, 3, 3)), 1.5, 3, (1.0, 2.0), np.float64(2.0),
          np.ones(3, dtype=complex)]
OTHERS = VALUES + [0.5, 2, True, 1j, [1.0, 2.0, 3.0], np.ones(2), np.ones((3, 1)),
                   np.ones(3, dtype=np.int8), np.float32(2.0)]
METHODS = ["__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__ifloordiv__",
           "__imod__", "__imatmul__"]
OPERATORS = {"__iadd__": operator.iadd, "__isub__": operator.isub, "__imul__": operator.imul,
             "__itruediv__": operator.itruediv, "__ipow__": operator.ipow,
             "__ifloordiv__": operator.ifloordiv, "__imod__": operator.imod,
             "__imatmul__": operator.imatmul}


def _outcome(run):
    try:
        with np.errstate(all="ignore"):
            run()
    except Exception as e:   # noqa: BLE001 (comparing what is raised)
        return type(e), str(e)
    return None


@pytest.mark.parametrize("method", METHODS)
def test_helper_raises_exactly_where_the_operator_does(method):
    mismatches = []
    for value, other in itertools.product(VALUES, OTHERS):
        def python():
            target = value.copy() if hasattr(value, "copy") else value
            OPERATORS[method](target, other)

        def computed():   # what srcdiff runs: the check, then value op other
            with np.errstate(all="ignore"):
                check_update(value, other, method)
            binary = getattr(operator, method.replace("__i", "__", 1))
            binary(value, other)
        expected, got = _outcome(python), _outcome(computed)
        if isinstance(value, (float, int, tuple, np.generic)):
            # rebound, not changed in place: the same error, which Python words with "+"
            # (the operator srcdiff runs) where the statement has "+="
            expected, got = expected and expected[0], got and got[0]
        if expected != got:
            mismatches.append((value, other, expected, got))
    assert not mismatches, mismatches[:3]
