"""srcdiff/generator_inline.py: a user generator run lazily, inlined into the for loop that
takes its items. Programs written as users write them, checked against finite differences in
both modes and to second order (gradcheck.check); what Python prints and where it stops are
checked against Python itself."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

RNG = np.random.default_rng(13)


# -- a batch iterator -------------------------------------------------------------------
def batches(x, n):
    for i in range(0, len(x), n):
        yield x[i:i + n]


def batch_loss(w, x):
    total = 0.0
    for b in batches(x, 2):
        total = total + np.sum(np.tanh(w * b) ** 2)
    return total / len(x)


def test_a_batch_iterator():
    check(batch_loss, 0.7, RNG.normal(size=5), wrt=(0, 1))


# -- a sampler (reparameterised Monte Carlo estimate) ------------------------------------
def samples(mu, log_sigma, eps):
    sigma = np.exp(log_sigma)
    for e in eps:
        yield mu + sigma * e


def expected_energy(mu, log_sigma, eps):
    total = 0.0
    for k, z in enumerate(samples(mu, log_sigma, eps), 1):
        total = total + np.sum(z ** 2 + np.sin(z)) / k
    return total / len(eps)


def test_a_sampler():
    check(expected_energy, RNG.normal(size=3), RNG.normal(size=3) * 0.3,
          RNG.normal(size=(4, 3)), wrt=(0, 1))


# -- an integrator yielding (t, y), consumed until the state is small ---------------------
def trajectory(y0, k, dt, T):
    t, y = 0.0, y0
    while t < T:
        y = y + dt * (-k * y + 0.1 * np.sin(y))
        t = t + dt
        yield t, y


def decay_cost(y0, k):
    cost = 0.0
    for t, y in trajectory(y0, k, 0.1, 50.0):
        cost = cost + t * np.sum(y ** 2)
        if np.sum(y ** 2) < 0.05:
            break
    return cost


def test_an_integrator_with_a_while_loop_and_a_break_in_the_consumer():
    check(decay_cost, np.array([0.8, -0.6]), np.array([1.3, 0.9]), wrt=(0, 1))


# -- zip of two generators, nested loops and several yields, yield from, return -------------
def pairs(x):
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            if j - i > 2:
                continue
            yield x[i] * x[j]
        yield np.cos(x[i])


def chained(x):
    yield from pairs(x)
    for v in x:
        if v > 5.0:
            return
        yield v ** 3
    yield 1.0


def zipped_and_chained(x, y):
    total = 0.0
    for a, b in zip(batches(x, 2), batches(y, 2)):
        total = total + np.sum(a * b)
    for v in chained(x):
        if v < -2.0:
            continue
        total = total + np.sin(v)
    return total


def test_zip_of_two_generators_nested_loops_yield_from_and_return():
    check(zipped_and_chained, RNG.normal(size=4), RNG.normal(size=4), wrt=(0, 1))


def breaks_in_nested_generator_loops(x):
    total = 0.0
    count = 0
    for v in pairs(x):
        count += 1
        total = total + v * count
        if count == 4:
            break
        total = total * 1.1
    else:
        total = total + 100.0
    return total


def runs_out_with_else(x):
    total = 0.0
    for v in pairs(x[:2]):
        total = total + v
        if total > 1e6:
            break
    else:
        total = total * 2.0
    return total


@pytest.mark.parametrize("f", [breaks_in_nested_generator_loops, runs_out_with_else])
def test_break_leaves_every_loop_of_the_generator_and_else_runs_only_without(f):
    check(f, RNG.normal(size=5))


# -- a generator that never ends, and one that fails past where its consumer stops ---------
def halvings(x):
    v = x
    while True:
        yield v
        v = v * 0.5 + np.sin(v) * 0.1


def first_three(x):
    total = 0.0
    for k, v in enumerate(halvings(x)):
        if k == 3:
            break
        total = total + np.sum(v ** 2)
    return total


def reads_past_the_end(x):
    for i in range(len(x) + 1):
        yield x[i]    # fails at i == len(x): the consumer never gets there


def stops_before_the_failing_item(x):
    total = 0.0
    for i, v in enumerate(reads_past_the_end(x)):
        total = total + np.exp(v) * (i + 1)
        if i == len(x) - 1:
            break
    return total


@pytest.mark.parametrize("f", [first_three, stops_before_the_failing_item])
def test_stopping_a_generator_that_would_go_on_or_fail(f):
    check(f, RNG.normal(size=3))


# -- a generator local to the function, a recursive one (kept as a list) -----------------
def local_and_recursive(x, y):
    scale = 2.0

    def scaled(a):
        for v in a:
            yield scale * v

    total = 0.0
    for v in scaled(x):
        scale = scale * 0.5   # read by the next step of scaled, as in Python
        total = total + np.sin(v) * y
    for v in halves(x, 2):
        total = total + np.sum(v)
    return total


def halves(x, depth):
    yield x
    if depth > 0:
        yield from halves(x * 0.5, depth - 1)


def test_a_local_generator_and_a_recursive_one():
    check(local_and_recursive, RNG.normal(size=3), 0.4, wrt=(0, 1))


def squares(x):
    for i in range(len(x)):
        yield x[i] ** 2


def writes_what_its_generator_reads(x):
    x = x * 1.0
    total = 0.0
    for v in squares(x):
        x[-1] = total          # the generator's last item sees this write, as in Python
        total = total + v
    return total


def writes_into_a_view_it_was_given(x):
    x = x * 1.0
    total = 0.0
    for v in batches(x, 2):
        x[-1] = total          # v may be a view of x: refused
        total = total + np.sum(v ** 2)
    return total


def test_a_loop_writing_into_what_its_generator_reads_sees_the_write():
    check(writes_what_its_generator_reads, RNG.normal(size=3))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_loop_writing_into_an_item_it_holds_a_view_of_is_refused(mode):
    err = refusal(writes_into_a_view_it_was_given, (RNG.normal(size=3),), mode)
    assert err.line.strip().startswith("x[-1] = total") and "view" in str(err), str(err)


# -- prints show where Python shows them; a failing item past the break is never made -----
def noisy(x):
    for i in range(len(x) + 1):
        print("make", i)
        yield x[i]


def prints_until_break(x):
    total = 0.0
    for i, v in enumerate(noisy(x)):
        print("use", i)
        total = total + v ** 2
        if i == 1:
            break
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_prints_interleave_as_in_python(mode, capsys):
    f = prints_until_break
    x = np.array([0.3, -0.7, 1.1])
    value = f(x)
    python = capsys.readouterr().out
    assert python == "make 0\nuse 0\nmake 1\nuse 1\n"
    if mode == "grad":
        got, _ = srcdiff.value_and_grad(f)(x)
    else:
        got, _ = srcdiff.jvp(f)(x, np.ones(3))
    assert capsys.readouterr().out == python
    assert np.isclose(got, value)


# -- still the list of items, and its refusals ------------------------------------------
def star_generator(*xs):
    for v in xs:
        yield v


def calls_with_star_arguments(x):
    total = 0.0
    for v in star_generator(x[0], x[1]):
        total = total + v ** 2
    return total


def test_a_generator_not_inlined_still_runs_as_its_list():
    check(calls_with_star_arguments, RNG.normal(size=3))


def endless(x):
    v = x
    while True:
        yield v
        v = v * 0.5


def never_leaves(x):
    total = 0.0
    for v in endless(x):
        total = total + v
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_generator_that_never_ends_under_a_loop_that_never_leaves_is_refused(mode):
    err = refusal(never_leaves, (RNG.normal(size=2),), mode)
    assert err.line.strip() == "while True:" and "never ends" in str(err), str(err)


# -- sum of a generator, taken item by item (no list of its items is built) -----------------
def summed(x, y):
    total = sum(batches(x, 2))          # arrays of two: added as Python's sum adds them
    total += sum(squares(y), 1.0)
    return np.sum(total * sum(squares(x)))   # inside an expression: the list of items


def test_sum_of_a_generator():
    check(summed, RNG.normal(size=4), RNG.normal(size=3), wrt=(0, 1))
    emitted = srcdiff.source(srcdiff.grad(summed))
    assert "forward_batches" not in emitted and "forward_squares(tape, y)" not in emitted \
        and "forward_squares(tape, x)" in emitted, emitted


# -- a local generator yielding from another (refused before: `yield from` of a local) -----
def nested_local_generators(x):
    def pairs_of(a):
        for i in range(len(a) - 1):
            yield a[i] * a[i + 1]

    def framed(a):
        yield a[0]
        yield from pairs_of(a * 0.5)
        yield a[-1]

    total = 0.0
    for k, v in enumerate(framed(x)):
        total = total + np.sin(v) * (k + 1)
        if k == 3:
            break
    return total


def test_a_local_generator_yielding_from_another():
    check(nested_local_generators, RNG.normal(size=4))


# -- the generator's own refusals hold when it is inlined --------------------------------
def refilled(x):
    buf = np.zeros(2)
    for i in range(len(x) - 1):
        buf[0] = x[i]
        buf[1] = x[i + 1]
        yield buf


def loops_over_refilled(x):
    total = 0.0
    for b in refilled(x):
        total = total + np.sum(b ** 2)
    return total


def yields_as_a_value(x):
    y = yield x
    yield y


def loops_over_yields_as_a_value(x):
    total = 0.0
    for v in yields_as_a_value(x):
        total = total + v
    return total


@pytest.mark.parametrize("f, line, why", [
    (loops_over_refilled, "buf[0] = x[i]", "in place"),
    (loops_over_yields_as_a_value, "y = yield x", "used as a value"),
], ids=["refilled", "yield_as_value"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refusals_of_the_generator_itself_stay(f, line, why, mode):
    err = refusal(f, (RNG.normal(size=3),), mode)
    assert err.line.strip() == line and why in str(err), str(err)


# -- refusals name the generator's own names, not the ones srcdiff gave them -------------
def row_ends(x):
    acc = x * 1.0
    for i in range(len(x)):
        yield acc[i:]


def writes_into_a_view_of_a_generators_local(x):
    total = 0.0
    for b in row_ends(x):
        b[0] = 2.0
        total = total + np.sum(b)
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_refusal_names_the_generators_local_as_written(mode):
    # was: "b is a view into acc_row_ends", a name srcdiff gave row_ends's acc
    err = refusal(writes_into_a_view_of_a_generators_local, (RNG.normal(size=3),), mode)
    assert err.line.strip() == "b[0] = 2.0", str(err)
    assert "acc (in row_ends)" in str(err) and "acc_row_ends" not in str(err), str(err)
