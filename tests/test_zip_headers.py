"""srcdiff/zip_headers.py: a for header's zip and enumerate calls (their nesting, unpacking
and lazy reading are tested in test_desugar.py, which lowers the loop) and zip's strict=:
`strict=False` is zip as before; `strict=True` (which linters ask for) checks the lengths
before the loop and raises Python's ValueError, in the derivatives too; gradients checked
against finite differences (both modes, second order)."""
import itertools

import numpy as np
import pytest

import srcdiff
from gradcheck import check

A, B = np.array([0.5, -1.2, 0.7]), np.array([0.3, 0.9, -0.4])


def strict_generator(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def strict_enumerated(a, b):
    t = 0.0
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        t = t + i * x * np.sin(y)
    return t


def strict_pairs_listed(a, b):
    pairs = list(zip(a, b, strict=True))
    return sum(p[0] * p[1] for p in pairs)


def strict_dict_of_names(a):
    d = dict(zip(["u", "v", "w"], a, strict=True))
    return d["u"] * d["w"] + np.sin(d["v"])


def not_strict(a, b):
    return sum(x * y for x, y in zip(a, b, strict=False))


@pytest.mark.parametrize("f", [strict_generator, strict_enumerated, strict_pairs_listed])
def test_zip_strict_differentiates(f):
    check(f, A, B, wrt=(0, 1))


def test_zip_strict_into_a_dict():
    check(strict_dict_of_names, A)


def test_zip_not_strict_stops_at_the_shortest():
    check(not_strict, A, np.append(B, 2.0), wrt=(0, 1))


@pytest.mark.parametrize("f", [strict_generator, strict_enumerated, strict_pairs_listed])
def test_zip_strict_raises_pythons_error_on_unequal_lengths(f):
    b = np.append(B, 2.0)
    with pytest.raises(ValueError):
        f(A, b)
    for derivative in (srcdiff.grad(f, wrt=(0, 1)), srcdiff.value_and_grad(f, wrt=(0, 1))):
        with pytest.raises(ValueError, match="strict=True"):
            derivative(A, b)
    with pytest.raises(ValueError, match="strict=True"):
        srcdiff.jvp(f, wrt=(0, 1))(A, b, A, b)


def zip_of_zip_strict(a, b):
    return sum(x * y[0] * y[1] for x, y in zip(a, zip(b, b ** 2), strict=True))


def test_a_strict_zip_of_a_zip():
    check(zip_of_zip_strict, A, B, wrt=(0, 1))
    with pytest.raises(ValueError, match="strict=True"):
        srcdiff.grad(zip_of_zip_strict, wrt=(0, 1))(A, np.append(B, 2.0))


def _zipped_with_a_count(a):
    s = 0.0
    for v, k in zip(a, itertools.count(1)):
        s = s + v * k
    return s


def _zipped_with_a_cycle(a):
    s = 0.0
    for v, w in zip(a, itertools.cycle([1.0, 2.0])):
        s = s + v * w
    return s


@pytest.mark.parametrize("f, named, hint", [
    (_zipped_with_a_count, "count", "enumerate(xs, start)"),
    (_zipped_with_a_cycle, "cycle", "k % len(ys)")])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_endless_iterator_in_a_zip_is_refused_at_its_line(f, named, hint, mode):
    """Before, the derivative took len() of it: a TypeError out of srcdiff's own code."""
    from gradcheck import refusal
    err = refusal(f, (A,), mode)
    assert err.line.strip().startswith("for v, ") and f"itertools.{named}(...)" in err.reason
    assert "without end" in err.reason and hint in err.hint
