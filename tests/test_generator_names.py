"""srcdiff/generator_names.py: a user generator kept in a name and read by next() (with and
without a default), for loops (that may break and leave items for later), zip of generators
and consumers of what is left; checked against finite differences in both modes and to
second order. StopIteration is raised where Python raises it; uses srcdiff cannot follow
are refused at the user's line, naming the user's name and call."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.5, -1.0, 0.3, 0.7])


def running_sum(v):
    total = 0.0
    for e in v:
        total = total + e
        yield total


def squares(x):
    for i in range(len(x)):
        yield x[i] ** 2


def halving(x):
    k = len(x)
    while k > 0:
        k -= 1
        yield x[k]


def takes_two_by_next(x):
    it = running_sum(x)
    a = next(it) * 0.5
    return a + np.sin(next(it))


def takes_past_the_end_with_a_default(x):
    it = squares(x)
    a = next(it, x[0])
    b = next(it, 2.0)
    c = next(it, x[1])
    d = next(it, x[2] * 3.0)   # three items: the default
    return a * b + np.cos(c) * d


def finishes_with_a_for_loop(x):
    it = running_sum(x)
    first = next(it)
    s = 0.0
    for v in it:
        s = s + first * np.sin(v)
    return s


def breaks_then_takes_the_next(x):
    it = squares(x * 2.0)
    s = 0.0
    for v in it:
        s = s + v
        if s > 0.5:
            break
    last = next(it, 1.0)
    return s * last


def takes_one_then_lists_the_rest(x):
    it = running_sum(x)
    head = next(it)
    rest = list(it)
    return head * rest[0] + np.sum(np.array(rest) ** 2)


def takes_in_a_loop_and_in_a_test(x):
    it = squares(x)
    s = 0.0
    for k in range(2):
        s = s + next(it) * (k + 1.0)
    if next(it) > 0.05:
        s = s * 2.0
    return s


def zips_two_kept_generators(x):
    g1 = squares(x)
    g2 = running_sum(x)
    s = 0.0
    for a, b in zip(g1, g2):
        s = s + a * b
    return s


def zips_two_generator_calls(x):
    pairs = list(zip(squares(x), running_sum(x)))
    return sum(a * np.sin(b) for a, b in zip(squares(x), running_sum(x))) + pairs[1][0]


def pairs_of(v):
    for i in range(len(v) - 1):
        yield v[i], v[i + 1]


class Sampler:
    @staticmethod
    def sines(v):
        for t in v:
            yield np.sin(t)


def made_anew_in_a_loop(x):
    s = 0.0
    for k in range(2):
        it = pairs_of(x * (k + 1.0))
        a, b = next(it)
        s = s + a * np.cos(b)
    return s


def a_staticmethod_then_the_rest(x):
    it = Sampler.sines(x)
    a = next(it)
    rest = list(it)
    return a * rest[-1]


def breaks_then_sums_the_rest(x):
    it = pairs_of(x)
    s = 0.0
    for a, b in it:
        s = s + a * b
        break
    return s + sum(p * q for p, q in it)


def kept_in_a_branch(x):
    if x[0] > 0:
        it = pairs_of(x)
        a, b = next(it)
        return a * b
    return x[1]


def takes_in_an_elif_test(x):
    it = pairs_of(x)
    if x[0] > 5:
        return x[0]
    elif next(it)[0] > 0:
        return np.sin(next(it)[1])
    return x[2]


def takes_until_the_default(x):
    it = pairs_of(x)
    out = []
    while True:
        pair = next(it, None)
        if pair is None:
            break
        out.append(pair[0] * pair[1])
    return sum(out)


def loops_over_it_on_each_pass(x):
    it = running_sum(x)
    s = 0.0
    for epoch in range(3):
        for v in it:   # Python: the first pass takes every item, the others none
            s = s + v * (epoch + 1.0)
            if v < -0.3:
                break   # ... unless it breaks: the next pass goes on from there
    return s


@pytest.mark.parametrize("f", [takes_two_by_next, takes_past_the_end_with_a_default,
                               finishes_with_a_for_loop, breaks_then_takes_the_next,
                               takes_one_then_lists_the_rest, takes_in_a_loop_and_in_a_test,
                               zips_two_kept_generators, zips_two_generator_calls,
                               made_anew_in_a_loop, a_staticmethod_then_the_rest,
                               breaks_then_sums_the_rest, kept_in_a_branch,
                               takes_in_an_elif_test, takes_until_the_default,
                               loops_over_it_on_each_pass])
def test_a_generator_kept_in_a_name(f):
    check(f, X.copy())


def takes_one_too_many(x):
    it = squares(x)
    a = next(it) + next(it) + next(it)
    print("three taken")
    return a * next(it)


@pytest.mark.parametrize("make", [lambda f: srcdiff.grad(f),
                                  lambda f: lambda x: srcdiff.jvp(f)(x, np.ones_like(x)),
                                  lambda f: lambda x: srcdiff.hvp(f)(x, np.ones_like(x))],
                         ids=["grad", "jvp", "hvp"])
def test_stop_iteration_where_python_raises_it(make, capsys):
    x = X[:3].copy()   # three items
    with pytest.raises(StopIteration):
        takes_one_too_many(x)
    assert capsys.readouterr().out == "three taken\n"
    with pytest.raises(StopIteration):
        make(takes_one_too_many)(x)
    assert capsys.readouterr().out == "three taken\n"   # after the line before, not sooner


def helper(g):
    return next(g)


def passes_it_on(x):
    it = squares(x)
    return helper(it)


def takes_on_some_paths(x):
    it = squares(x)
    a = next(it)
    return a > 0.1 and next(it) > 0.2 or a


def takes_in_a_while_test(x):
    it = squares(x)
    s = 0.0
    while next(it) > 0.5:
        s = s + 1.0
    return s * x[0]


def takes_some_of_a_while_generator(x):
    it = halving(x)
    return next(it) * next(it)


def writes_what_it_reads(x):
    v = x * 1.0
    it = squares(v)
    a = next(it)
    v[1] = 0.0
    return a * next(it)


def reads_it_inside_its_loop(x):
    it = squares(x)
    s = 0.0
    for v in it:
        s = s + v * next(it, 0.0)
    return s + next(it, 0.0)


def rebinds_what_a_local_generator_reads(x):
    c = 2.0

    def scaled(v):
        for e in v:
            yield e * c
    it = scaled(x)
    a = next(it)
    c = 3.0   # Python's next item reads c = 3.0
    return a * next(it)


def sums_it_on_each_pass(x):
    it = running_sum(x)
    s = 0.0
    for epoch in range(2):
        s = s + sum(it) * (epoch + 1.0)
    return s


@pytest.mark.parametrize("f, line, why", [
    (sums_it_on_each_pass, "s = s + sum(it) * (epoch + 1.0)", "again on each pass"),
    (rebinds_what_a_local_generator_reads, "c = 3.0   # Python's next item reads c = 3.0",
     "rebinds 'c', which scaled reads while it runs, and it (scaled(...)) still gives"),
    (passes_it_on, "return helper(it)", "here it (squares(...)) is passed on"),
    (takes_on_some_paths, "return a > 0.1 and next(it) > 0.2 or a", "only on some paths"),
    (takes_in_a_while_test, "while next(it) > 0.5:",
     "a while loop's test, evaluated again and again"),
    (takes_some_of_a_while_generator, "return next(it) * next(it)", "loops with while"),
    (writes_what_it_reads, "v[1] = 0.0", "changes 'v' in place while squares runs"),
    (reads_it_inside_its_loop, "for v in it:", "read inside the for loop that goes through"),
], ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_uses_srcdiff_cannot_follow_are_refused(f, line, why, mode):
    err = refusal(f, (X.copy(),), mode)
    assert err.line.strip() == line, str(err)
    assert why in str(err), str(err)


def rows_of(a):
    for i in range(a.shape[0]):
        yield a[i]


def writes_a_row_after_its_loop(a):
    m = a * 1.0
    it = rows_of(m)
    first = next(it)
    s = 0.0
    for r in it:
        s = s + np.sum(r * first)
    r[0] = 1.0
    return s + np.sum(r)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_refusal_names_the_generator_as_written(mode):
    # srcdiff's it_items[it_at:] is said as the user would: what is left of it
    err = refusal(writes_a_row_after_its_loop, (np.eye(2) + 0.5,), mode)
    assert err.line.strip() == "r[0] = 1.0", str(err)
    assert "what is left of it" in str(err) and "it_items" not in str(err) and \
        "it_at" not in str(err), str(err)


# -- a name bound to one generator after another --------------------------------------------
def squares_of(x):
    for i in range(len(x)):
        yield x[i] * x[i]


def rebound_and_looped(x, y):
    s = 0.0
    it = squares_of(x)
    for v in it:
        s = s + v
    it = squares_of(y)
    for v in it:
        s = s + 2.0 * np.sin(v)
    return s


def rebound_and_read_by_next(x, y):
    it = squares_of(x)
    a = next(it)
    it = squares_of(y * a)
    b = next(it)
    return a * b + sum(it)


def rebound_from_itself_in_a_loop(x, y):
    s = 0.0
    for k in range(2):
        it = squares_of(x + k)
        it = squares_of(list(it) + [y[0]])
        s = s + sum(it)
    return s


@pytest.mark.parametrize("f", [rebound_and_looped, rebound_and_read_by_next,
                               rebound_from_itself_in_a_loop])
def test_a_name_bound_to_one_generator_after_another(f):
    rng = np.random.default_rng(1262)
    check(f, rng.normal(size=3), rng.normal(size=3), wrt=(0, 1))


def rebound_under_a_condition(x, y):
    it = squares_of(x)
    if x[0] > 0:
        it = squares_of(y)
    return sum(it)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_generator_rebound_on_some_paths_is_refused(mode):
    err = refusal(rebound_under_a_condition, (np.ones(3), np.ones(3)), mode)
    assert err.line.strip() == "it = squares_of(x)", str(err)
    assert "kept in a variable" in str(err), str(err)
