"""User generator functions consumed at once (srcdiff/generators.py): checked against finite
differences in both modes and to second order; the shapes that cannot be taken as the list
of their items first are refused, located at the user's line."""
import itertools

import numpy as np
import pytest

from gradcheck import check, refusal

RNG = np.random.default_rng(7)


# -- autograd's bayesian_neural_net example (make_nn_funs, as written there) -------------
def make_nn_funs(layer_sizes, L2_reg, noise_variance, nonlinearity=np.tanh):
    shapes = list(itertools.pairwise(layer_sizes))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield (
                weights[:, : m * n].reshape((num_weight_sets, m, n)),
                weights[:, m * n : m * n + n].reshape((num_weight_sets, 1, n)),
            )
            weights = weights[:, (m + 1) * n :]

    def predictions(weights, inputs):
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        log_prior = -L2_reg * np.sum(weights**2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


NUM_WEIGHTS, PREDICTIONS, LOGPROB = make_nn_funs([1, 4, 3, 1], L2_reg=0.1, noise_variance=0.1)


def bnn_objective(weights, inputs, targets):
    return np.sum(LOGPROB(weights, inputs, targets))


def bnn_predictions(weights, inputs):
    return np.sum(PREDICTIONS(weights, inputs) ** 2)


def test_bayesian_neural_net_unpack_layers():
    weights = 0.5 * RNG.normal(size=(2, NUM_WEIGHTS))
    inputs = RNG.normal(size=(4, 1))
    targets = RNG.normal(size=(4, 1))
    check(bnn_objective, weights, inputs, targets, wrt=0)
    check(bnn_predictions, weights, inputs, wrt=0)


# -- a minibatch generator with a step ------------------------------------------------------
def batches(x, y, size):
    for start in range(0, len(x), size):
        yield x[start:start + size], y[start:start + size]


def minibatch_loss(w, x, y):
    total = 0.0
    for xb, yb in batches(x, y, 3):
        total = total + np.sum((np.tanh(xb @ w) - yb) ** 2)
    return total


def test_minibatch_generator():
    check(minibatch_loss, RNG.normal(size=3), RNG.normal(size=(7, 3)), RNG.normal(size=7),
          wrt=(0, 1))


# -- yield from, sum of a generator, a return in the middle --------------------------------
def neighbour_products(a):
    for i in range(len(a) - 1):
        yield a[i] * a[i + 1]


def both(a, b):
    yield from neighbour_products(a)
    yield np.sin(a[0] * b[0])
    yield from neighbour_products(b)


def sum_of_yield_from(a, b):
    return sum(both(a, b))


def test_yield_from_and_sum():
    check(sum_of_yield_from, RNG.normal(size=4), RNG.normal(size=3), wrt=(0, 1))


def squares_until(x, limit):
    for v in x:
        if v > limit:
            return
        yield v * v
    yield np.sum(x)


def stops_in_the_middle(x):
    return sum(squares_until(x, 0.5)) + 0.0


def test_return_in_the_middle():
    x = np.array([0.1, -0.4, 0.3, 0.9, 0.2])
    check(stops_in_the_middle, x)          # stops at 0.9
    check(stops_in_the_middle, x * 0.3)    # runs to the end: the last yield counts


# -- a generator over a dict's items ------------------------------------------------------
def scaled_items(params, scale):
    for name, w in params.items():
        yield name, scale * w


def dict_penalty(a, b):
    params = {"a": a, "b": b}
    total = 0.0
    for name, w in scaled_items(params, 2.0):
        total = total + np.sum(np.cos(w)) * len(name)
    return total


def test_generator_over_dict_items():
    check(dict_penalty, RNG.normal(size=3), RNG.normal(size=(2, 2)), wrt=(0, 1))


# -- every consumer: list, comprehension, zip, enumerate, tuple, while loop, a method ---------
def counted(x, n):
    i = 0
    while i < n:
        yield x[i] ** 2
        i += 1


def consumers(x):
    as_list = list(counted(x, 3))
    comp = [np.exp(v) for v in counted(x, 2)]
    zipped = 0.0
    for k, (u, v) in enumerate(zip(neighbour_products(x), neighbour_products(x[::-1]))):
        zipped = zipped + k * u * v
    return as_list[2] * comp[1] + zipped + sum(tuple(counted(x, 4))) + max(neighbour_products(x))


def test_consumers():
    check(consumers, RNG.normal(size=4))


class Stack:
    def __init__(self, n):
        self.n = n

    def layers(self, w):
        for i in range(self.n):
            yield w[i], w[i + 1]

    def forward(self, w, x):
        for a, b in self.layers(w):
            x = np.tanh(a * x + b)
        return x


def method_generator(w, x):
    return np.sum(Stack(3).forward(w, x))


def method_generator_outside(w, x):
    stack = Stack(2)
    total = 0.0
    for a, b in stack.layers(w):
        total = total + np.sum(a * b * x)
    return total


def test_method_generators():
    check(method_generator, RNG.normal(size=4), RNG.normal(size=2), wrt=(0, 1))
    check(method_generator_outside, RNG.normal(size=4), RNG.normal(size=2), wrt=(0, 1))


def test_the_loop_body_writes_into_its_own_list():
    def collect(x):
        out = []
        for v in neighbour_products(x):
            out.append(np.sin(v))
        acc = np.zeros(2)
        for v in neighbour_products(x):
            acc += v
        return np.sum(np.stack(out)) + np.sum(acc ** 2)
    check(collect, RNG.normal(size=4))


def test_break_out_of_a_bounded_generator():
    def first_big(x):
        total = 0.0
        for v in neighbour_products(x):
            total = total + v
            if total > 0.2:
                break
        return total
    check(first_big, np.array([0.3, 0.5, 0.9, 0.4]))
    check(first_big, np.array([0.1, -0.5, 0.1, 0.4]))


# -- refusals of generators themselves (where they are called: test_generator_calls.py) --------------------------------------------------------------------------------
def forever(x):
    v = x
    while True:
        yield v
        v = v * 0.5


def consumes_forever(x):
    return sum(forever(x))


def echo(x):
    y = yield x
    yield y


def consumes_echo(x):
    return sum(echo(x))


def buffered(x):
    buf = np.zeros(2)
    for i in range(len(x) - 1):
        buf[0] = x[i]
        buf[1] = x[i + 1]
        yield buf


def consumes_buffered(x):
    return sum(np.sum(b ** 2) for b in buffered(x))


REFUSED = [
    (consumes_forever, "while True:", "never ends"),
    (consumes_echo, "y = yield x", "used as a value"),
    (consumes_buffered, "buf[0] = x[i]", "in place"),
]


@pytest.mark.parametrize("f, line, why", REFUSED, ids=[r[0].__name__ for r in REFUSED])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refused(f, line, why, mode):
    err = refusal(f, (RNG.normal(size=4),), mode)
    assert err.line.strip() == line, str(err)
    assert why in str(err), str(err)


def test_a_generator_itself_is_refused():
    err = refusal(neighbour_products, (RNG.normal(size=4),), "grad")
    assert "cannot differentiate generators themselves" in str(err)
    err = refusal(neighbour_products, (RNG.normal(size=4),), "jvp")
    assert "cannot differentiate generators themselves" in str(err)


# -- generators defined inside the function, static and class methods, generator expressions --
def local_generator(x, y):
    scale = 1.5

    def pairs(a):
        for i in range(len(a) - 1):
            yield scale * a[i], a[i + 1]

    total = sum(np.sin(u) * v for u, v in pairs(x))
    for u, v in pairs(y):
        total = total + u * v
    return total


def test_local_generator():
    check(local_generator, RNG.normal(size=4), RNG.normal(size=3), wrt=(0, 1))


def rebinds_what_a_local_generator_reads(x):
    scale = 1.0

    def scaled(a):
        for v in a:
            yield scale * v

    total = 0.0
    for v in scaled(x):
        scale = scale + 1.0
        total = total + v
    return total


class Windows:
    @staticmethod
    def pairs(a):
        for i in range(len(a) - 1):
            yield a[i:i + 2]

    @classmethod
    def triples(cls, a):
        for i in range(len(a) - 2):
            yield a[i:i + 3]


def static_and_class_methods(x):
    return sum(np.prod(w) for w in Windows.pairs(x)) + sum(
        np.sum(np.exp(w)) for w in Windows.triples(x))


def test_static_and_class_method_generators():
    check(static_and_class_methods, RNG.normal(size=5))


def test_a_local_generator_reading_what_the_loop_rebinds():
    # inlined into the loop (generator_inline.py), the generator reads scale as Python's does:
    # after the body of the step before has rebound it
    check(rebinds_what_a_local_generator_reads, RNG.normal(size=3))


def writes_what_it_passed(x):
    acc = np.zeros(3)
    total = 0.0
    for v in neighbour_products(acc + x):   # a new array: not acc
        acc += v
        total = total + np.sum(acc)
    acc2 = np.zeros(3)
    held = {"acc": acc2}
    for v in scaled_items(held, 1.0):
        acc2 += x
        total = total + np.sum(v[1])
    return total


def test_a_loop_writing_into_what_its_generator_holds_is_refused():
    x = RNG.normal(size=3)
    err = refusal(writes_what_it_passed, (x,), "grad")   # the dict holds acc2 (aliasing.py)
    assert err.line.strip() == "acc2 += x" and "would also change held" in str(err), str(err)


def other_consumers(x):
    a, b, c = neighbour_products(x)
    d = dict((str(i), v) for i, v in enumerate(neighbour_products(x)))
    return a * b * c + sorted(neighbour_products(x))[0] + min(neighbour_products(x)) \
        + d["1"] * float(any(neighbour_products(x))) + np.sum(np.array(list(neighbour_products(x))) ** 2)


def test_unpacked_sorted_min_any_dict():
    check(other_consumers, np.array([0.3, 0.5, 0.9, 0.4]))
