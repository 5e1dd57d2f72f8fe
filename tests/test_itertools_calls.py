"""srcdiff/itertools_calls.py: itertools.pairwise, itertools.combinations and np.ndenumerate
rewritten as zips and lists, called directly on a parsed def (the rewritten function gives
what the original gives), the calls it cannot be sure of left alone, and the derivatives of
functions using them, both modes to second order."""
import itertools

import numpy as np
import pytest

import rewrite_runs
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.itertools_calls import rewrite

GLOBALS = {"itertools": itertools, "np": np, "numpy": np, "pairwise": itertools.pairwise,
           "combinations": itertools.combinations}
X = np.array([0.3, -0.7, 0.5, 1.1, 2.0])


_lookup, _rewritten, _run = rewrite_runs.helpers(GLOBALS, rewrite)


@pytest.mark.parametrize("call", [
    "itertools.pairwise(x)", "pairwise(x)",
    "itertools.combinations(x, 1)", "itertools.combinations(x, 2)",
    "combinations(x, 3)", "itertools.combinations(x, 4)",
    "np.ndenumerate(x)", "numpy.ndenumerate(x)"])
@pytest.mark.parametrize("arg", [X, list(X), X.reshape(5, 1)])
def test_the_rewritten_call_gives_the_same_items(call, arg):
    source = f"def f(x):\n    return list({call})\n"
    before, after = _rewritten(source)
    assert after is not before
    got, want = _run(after, arg), _run(before, arg)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert len(g) == len(w)
        for a, b in zip(g, w):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("call", [
    "itertools.pairwise(x + 1.0)",          # not a name: it would be computed twice
    "itertools.combinations(x, r)",         # r not a literal
    "itertools.combinations(x, 5)",         # more loops than written out
    "itertools.combinations(x, r=2)",       # a keyword
    "itertools.pairwise(*[x])",             # starred
    "pairwise(x)"])                         # pairwise a local below
def test_calls_it_cannot_be_sure_of_are_left_alone(call):
    source = f"def f(x, r=2):\n    pairwise = itertools.pairwise\n    return list({call})\n"
    before, after = _rewritten(source)
    assert after is before


def test_ndenumerate_from_a_bare_name_is_left_alone():
    GLOBALS["ndenumerate"] = np.ndenumerate
    before, after = _rewritten("def f(x):\n    return list(ndenumerate(x))\n")
    assert after is before


def test_rewritten_nodes_sit_at_the_users_line():
    _, after = _rewritten("def f(x):\n    s = 0.0\n    return sum(a * b for a, b in "
                          "itertools.pairwise(x))\n")
    assert {n.lineno for n in S.walk(after.body[-1]) if isinstance(n, S.expr)} == {3}


def pairwise_steps(x):
    return sum((b - a) ** 2 for a, b in itertools.pairwise(x))


def pairwise_loop(x):
    s = 0.0
    for a, b in itertools.pairwise(x):
        s = s + a * np.sin(b)
    return s


def pair_products(x):
    return sum(a * b for a, b in itertools.combinations(x, 2))


def triple_products(x):
    total = 0.0
    for a, b, c in itertools.combinations(x, 3):
        total += a * b * c
    return total


def rows_pairs(A):
    return sum(np.dot(r, s) ** 2 for r, s in itertools.combinations(A, 2))


def weighted_entries(A):
    s = 0.0
    for (i, j), v in np.ndenumerate(A):
        s += (i + 2 * j + 1) * v ** 3
    return s


@pytest.mark.parametrize("f", [pairwise_steps, pairwise_loop, pair_products, triple_products])
def test_derivatives_of_vectors(f):
    check(f, X, order=2)


def test_derivatives_of_lists():
    check(pairwise_steps, [0.3, -0.7, 1.1], order=2)
    check(weighted_entries, [[0.3, -0.7], [1.1, 0.4]], order=2)


def test_derivatives_of_matrices():
    A = X[:4].reshape(2, 2)
    check(weighted_entries, A, order=2)
    check(rows_pairs, np.arange(6.0).reshape(3, 2) * 0.1 + 0.2, order=2)
