"""The rules of templates/quotients.py against central differences: divmod (builtins and
numpy) on arrays, broadcast operands, NumPy scalars and Python floats; // (and //=) with a
zero derivative; the % operator beside them. Points are kept off the quotient's jumps."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

rng = np.random.default_rng(13)


def _away_from_jumps(a, b):
    """a with a / b kept at least 0.1 away from an integer (the remainder jumps there)."""
    q = a / b
    return np.where(np.abs(q - np.round(q)) < 0.1, a + 0.25 * b, a)


@pytest.mark.parametrize("divmod_", [divmod, np.divmod], ids=["builtin", "numpy"])
@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((3,), ())],
                         ids=["same", "row", "outer", "scalar"])
def test_divmod_arrays(divmod_, sa, sb):
    b = rng.uniform(0.7, 1.9, size=sb)
    a = _away_from_jumps(rng.uniform(-4.0, 4.0, size=sa), b)

    def f(a, b):
        q, r = divmod_(a, b)
        return np.sum(r * r + q * np.sin(r))
    check(f, a, b, wrt=(0, 1), order=2)


def test_divmod_python_floats():
    def f(a, b):
        q, r = divmod(a * 3.0, b)
        return r * r * b + q
    check(f, 2.3, 1.1, wrt=(0, 1), order=2)


def test_divmod_only_quotient_read_has_zero_derivative():
    def f(a):
        q, _ = divmod(a, 0.6)
        return np.sum(q * 1.0 + a)
    a = np.array([0.25, 1.3, -2.1])
    check(f, a, order=2)
    np.testing.assert_allclose(srcdiff.grad(f)(a), np.ones(3))


def test_floor_division_and_its_augmented_form():
    def f(a, b):
        c = a * 1.0
        c //= b
        return np.sum((a // b) * a + c * b + a % b)
    b = np.array([0.9, 1.4, 1.7])
    check(f, _away_from_jumps(np.array([2.3, -1.2, 4.1]), b), b, wrt=(0, 1), order=2)
