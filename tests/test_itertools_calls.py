"""srcdiff/itertools_calls.py: itertools.pairwise, itertools.combinations and np.ndenumerate
rewritten as zips and lists, called directly on a parsed def (the rewritten function gives
what the original gives), the calls it cannot be sure of left alone, and the derivatives of
functions using them, both modes to second order."""
import itertools
import operator

import numpy as np
import pytest

import rewrite_runs
import srcdiff
import srcdiff.errors
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


# islice, chain, chain.from_iterable, zip_longest, product, repeat, accumulate (also with
# operator.mul, max or a lambda) in for headers, comprehensions and sum(...), and
# reversed(...) given to enumerate or zip.

def islice_loop(x):
    s = 0.0
    for v in itertools.islice(x, 1, 4):
        s += v ** 2
    return s


def islice_steps(x):
    return sum(v * np.sin(v) for v in itertools.islice(x, 0, 5, 2)) + \
        sum(itertools.islice(x, 2))


def chain_lists(x):
    a = [v ** 2 for v in x]
    s = 0.0
    for v in itertools.chain(a, x[1:3]):
        s += v * v
    return s


def chain_rows(x):
    rows = [[x[0], x[1]], [x[2] * x[3]], list(x[3:])]
    return sum(v ** 3 for v in itertools.chain.from_iterable(rows))


def zip_longest_filled(x):
    s = 0.0
    for a, b in itertools.zip_longest(x, x[:3], fillvalue=0.0):
        s += a * b + np.cos(a)
    return s


def product_pairs(x):
    return sum(a * b ** 2 for a, b in itertools.product(x[:2], x[2:]))


def repeat_horner(x):
    s = 0.0
    for v in itertools.repeat(x[0], 3):
        s = s * v + x[1]
    return s


def accumulate_sums(x):
    s = sum(itertools.accumulate(x))
    for c in itertools.accumulate(x):
        s += c ** 2
    return s + sum(c * c for c in itertools.accumulate(x))


def accumulate_listed(x):
    a = list(itertools.accumulate(x))
    return a[2] * a[4] + list(itertools.accumulate(x))[1] ** 2


def accumulate_products(x):
    return sum(itertools.accumulate(x, operator.mul))


def accumulate_maxima(x):
    return sum(c ** 2 for c in itertools.accumulate(x, max))


def accumulate_lambda(x):
    return sum(itertools.accumulate(x, lambda a, b: 0.5 * a + b * b))


def enumerate_reversed(x):
    return sum(np.sin(v) * (i + 0.5) for i, v in enumerate(reversed([t * x[0] for t in x])))


def zip_reversed(x):
    return sum(a * b ** 2 for a, b in zip(reversed(x), x))


@pytest.mark.parametrize("f", [
    islice_loop, islice_steps, chain_lists, chain_rows, zip_longest_filled, product_pairs,
    repeat_horner, accumulate_sums, accumulate_listed, accumulate_products,
    accumulate_maxima, accumulate_lambda, enumerate_reversed, zip_reversed])
def test_more_iterators_differentiate(f):
    check(f, X, order=2)


def test_more_iterators_of_lists():
    for f in (islice_loop, chain_lists, zip_longest_filled, product_pairs, accumulate_sums,
              zip_reversed):
        check(f, list(X), order=2)


@pytest.mark.parametrize("call", [
    "list(itertools.islice(x, 1, 4))", "list(itertools.islice(x, 3))",
    "list(itertools.islice(x, 0, None, 2))", "list(itertools.chain(x, [1.0], x[1:]))",
    "list(itertools.chain.from_iterable([x, x[:2]]))",
    "list(itertools.zip_longest(x, x[:2], fillvalue=0.0))",
    "list(itertools.zip_longest(x, x[:2]))", "list(itertools.product(x[:2], x))",
    "list(itertools.repeat(x[0], 3))", "list(enumerate(reversed(x)))",
    "list(zip(x, reversed(x)))", "sum(itertools.accumulate(x))"])
def test_more_rewritten_calls_give_the_same_items(call):
    GLOBALS["operator"] = operator
    before, after = _rewritten(f"def f(x):\n    return {call}\n")
    assert after is not before
    got, want = _run(after, list(X)), _run(before, list(X))
    assert repr(got) == repr(want)


@pytest.mark.parametrize("call", [
    "itertools.islice(x, a, 3)",            # a bound not a literal: may be negative
    "itertools.islice(x, 0, 4, 0)",         # a step of 0 islice refuses
    "itertools.islice(g, 2)",               # g an iterator: a slice would not use it up
    "itertools.product(x, g)",              # product would read g again and again
    "itertools.zip_longest(x, g)",
    "zip(reversed(g), x)",
    "itertools.product(x, repeat=2)"])      # a keyword
def test_more_calls_it_cannot_be_sure_of_are_left_alone(call):
    source = f"def f(x, a=1):\n    g = iter(x)\n    return list({call})\n"
    before, after = _rewritten(source)
    assert after is before


def test_accumulate_under_a_condition_is_not_hoisted():
    _, after = _rewritten("def f(x):\n    return sum(itertools.accumulate(x)) if x else 0.0\n")
    assert len(after.body) == 1


def test_zip_longest_of_a_dict_gives_its_keys_as_python_does():
    before, after = _rewritten("def f(x, d):\n    return list(itertools.zip_longest(d, x))\n")
    d = {1: 5.0, 0: 7.0}
    assert _run(after, [0.5, 0.25, 2.0], d) == _run(before, [0.5, 0.25, 2.0], d)


@pytest.mark.parametrize("call", ["list(zip(reversed(d), x))", "list(itertools.islice(d, 1))"])
def test_a_dict_gives_its_keys_as_python_does(call):
    before, after = _rewritten(f"def f(x, d):\n    return {call}\n")
    d = {1: 5.0, 0: 7.0}
    assert _run(after, [0.5, 0.25], d) == _run(before, [0.5, 0.25], d)


def zip_repeat(x):
    return sum(a * b ** 2 for a, b in zip(x, itertools.repeat(x[0])))


def product_of_ranges(x):
    s = 0.0
    for i, v in itertools.product(range(2), x[1:]):
        s += (i + 1) * v ** 2
    for i, j in itertools.product(range(2), range(3)):
        s += x[i] * x[j]
    return s


@pytest.mark.parametrize("f", [zip_repeat, product_of_ranges])
def test_repeat_in_a_zip_and_products_of_ranges_differentiate(f):
    check(f, X, order=2)


def endless_repeat(x):
    s = 0.0
    for v in itertools.repeat(x[0]):
        s = s + v
        if s > 3.0:
            break
    return s


def test_an_endless_repeat_is_refused_at_its_line():
    with pytest.raises(srcdiff.errors.UnsupportedCodeError,
                       match=r"itertools.repeat\(v, n\) only with its count") as info:
        srcdiff.grad(endless_repeat)(X)
    assert info.value.lineno == endless_repeat.__code__.co_firstlineno + 2
    assert "[v] * n" in str(info.value)


def test_accumulate_is_not_hoisted_where_list_is_the_users():
    _, after = _rewritten("def f(x):\n    list = tuple\n    return sum(itertools.accumulate(x))\n")
    assert len(after.body) == 2


# An iterator reads its sequences item by item as the loop asks: a write into them in the
# loop's body is seen by the items still to come. The list of items the rewrite takes
# before the loop is not, so such a loop was silently wrong (value and derivative:
# `for v in chain(y, y): y[0] *= 1.5` summed the old y[0] twice); now refused at the
# call, where the body may change what it reads (srcdiff/lazy_reads.py); `list(...)` around
# the call (all items taken at once, as the rewrite does) differentiates.
def _chain_written_while_read(x):
    y = x * 1.0
    s = 0.0
    for v in itertools.chain(y, y):
        y[0] = y[0] * 1.5
        s = s + v
    return s


def _islice_written_while_read(x):
    y = x * 1.0
    s = 0.0
    for v in itertools.islice(y, 0, 3):
        y[2] = y[2] + v
        s = s + v * v
    return s + np.sum(y)


def _accumulate_of_an_alias_written(x):
    y = x * 1.0
    z = y
    s = 0.0
    for v in itertools.accumulate(y):
        z[-1] = z[-1] + v
        s = s + v
    return s


def _accumulate_given_to_a_helper_that_writes(x):
    def bump(a):
        a[-1] = a[-1] + 1.0

    y = x * 1.0
    s = 0.0
    for v in itertools.accumulate(y):
        bump(y)
        s = s + v * v
    return s


def _chain_taken_whole_first(x):
    y = x * 1.0
    s = 0.0
    for v in list(itertools.chain(y, y)):
        y[0] = y[0] * 1.5
        s = s + v
    return s + np.sum(y)


def _chain_read_only_in_the_body(x):
    y = x * 1.0
    out = np.zeros(2 * len(x))
    for k, v in enumerate(itertools.chain(y, y[::-1])):
        out[k] = v * np.sum(y)
    return np.sum(out ** 2)


@pytest.mark.parametrize("f", [_chain_written_while_read, _islice_written_while_read,
                               _accumulate_of_an_alias_written,
                               _accumulate_given_to_a_helper_that_writes])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_iterator_whose_sequence_the_loop_writes_into_is_refused(f, mode):
    from gradcheck import refusal
    err = refusal(f, (X,), mode)
    assert "reads while the loop runs" in str(err) and "list(...)" in str(err.hint)
    assert err.line and "itertools." in err.line


@pytest.mark.parametrize("f", [_chain_taken_whole_first, _chain_read_only_in_the_body])
def test_an_iterator_taken_whole_or_only_read_differentiates(f):
    check(f, X, order=2)
