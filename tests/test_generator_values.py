"""Generator expressions and generators passed to helpers (srcdiff/generator_values.py):
where all their items are taken once, at once, they are checked against finite differences
in both modes and to second order; where lowering's list of their items would give another
value (read twice, read after what they read changed, returned, a helper reading them
twice), they are refused, located at the user's line."""
import numpy as np
import pytest

from gradcheck import check, refusal

RNG = np.random.default_rng(12)


def squares(x):
    for v in x:
        yield v * v


def counted(x):
    for i in range(len(x)):
        yield x[i] * x[i]


def total(it):
    s = 0.0
    for v in it:
        s = s + v
    return s


def total_of_sines(it):
    return sum([np.sin(v) for v in it])


def passes_on(it):
    return 2.0 * total(it)


def twice(it):
    s = 0.0
    for v in it:
        s = s + v
    for v in it:
        s = s + 10.0 * v
    return s


def first_item(it):
    return next(it) * 2.0


def keeps_buffer(it, buf):
    for v in it:
        buf[0] = v
    return buf[0]


# -- correct code that works ----------------------------------------------------------------
def generator_to_helper(x):
    return total(squares(x)) * total(counted(x)) + total_of_sines(squares(x))


def generator_through_two_helpers(x):
    return passes_on(squares(x)) + passes_on(np.cos(v) for v in x)


def expression_to_helper(x, y):
    return total(v * w for v, w in zip(x, y)) + total_of_sines(v * 2.0 for v in x)


def expression_stored(x, y):
    g = (np.sin(v) * w for v, w in zip(x, y))
    scale = np.sum(y)
    s = 0.0
    for v in g:
        s = s + v * scale
    h = (v * v for v in squares(x))
    return s + sum(h) + total(u * 3.0 for u in x)


def expression_in_a_loop_header(x):
    acc = []
    for v in (np.exp(u) for u in x):
        acc.append(v * v)
    return np.sum(np.stack(acc))


def expression_extended_into_a_list(x):
    out = [x[0]]
    out.extend(np.sin(v) for v in x)
    return sum(out) * out[-1]


def first_iterable_rebound(x):
    g = (v * v for v in x)     # x is read here, once: rebinding it after changes nothing
    x = x * 2.0
    s = 0.0
    for v in (np.sin(u) for u in x):
        x = x + v
        s = s + v
    return sum(g) + np.sum(x) + s


def local_helpers(x):
    c = 2.0

    def g(v_):
        for e in v_:
            yield np.sin(e) * c

    def tot(it):
        return sum([u * u for u in it])
    return tot(g(x)) + tot(v * 2.0 for v in x)


@pytest.mark.parametrize("f, n", [(generator_to_helper, 1), (generator_through_two_helpers, 1),
                                  (local_helpers, 1), (first_iterable_rebound, 1),
                                  (expression_extended_into_a_list, 1),
                                  (expression_to_helper, 2), (expression_stored, 2),
                                  (expression_in_a_loop_header, 1)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_works(f, n):
    check(f, *[RNG.normal(size=3) for _ in range(n)], wrt=tuple(range(n)))


# -- correct code whose list would give another value: refused, located ---------------------
def expression_read_twice(x):
    g = (v * v for v in x)
    s = sum(g)
    return s + 10.0 * sum(g)


def expression_listed_twice(x):
    g = (v * v for v in x)
    a = list(g)
    b = list(g)
    return sum(a) + sum(b)


def expression_read_after_rebinding(x):
    k = 1.0
    g = (v * k for v in x)
    k = 2.0
    return sum(g)


def expression_read_after_a_write(x):
    y = x * 1.0
    g = (u * 2.0 for u in y)
    y[0] = 5.0
    return sum(g)


def loop_body_writes_what_the_expression_reads(x):
    y = np.ones(1)
    s = 0.0
    for v in (y[0] * u for u in x):
        y[0] = v
        s = s + v
    return s


def expression_to_a_helper_reading_twice(x):
    return twice(v * v for v in x)


def generator_to_a_helper_reading_twice(x):
    return twice(squares(x))


def expression_to_next(x):
    return first_item(v * v for v in x)


def generator_to_a_helper_writing(x):
    buf = np.zeros(1)
    return keeps_buffer(squares(x), buf)


def expression_read_in_a_loop(x):
    g = (v * v for v in x)
    s = 0.0
    for i in range(2):
        s = s + sum(g)
    return s


class Doubler:
    def __init__(self, c):
        self.c = c

    def twice(self, it):
        return (twice(it) + sum(it)) * self.c


def expression_to_a_method(x):
    return Doubler(2.0).twice(v * v for v in x)


def make_expression(x):
    return (v * v for v in x)


def expression_returned(x):
    return sum(make_expression(x))


def local_helper_reading_twice(x):
    def tot(it):
        return sum(it) + sum(it)
    return tot(squares(x))


REFUSED = [
    (local_helper_reading_twice, "return tot(squares(x))", "each of its items"),
    (expression_read_twice, "return s + 10.0 * sum(g)", "read once"),
    (expression_listed_twice, "b = list(g)", "read once"),
    (expression_read_after_rebinding, "k = 2.0", "rebinds 'k'"),
    (expression_read_after_a_write, "y[0] = 5.0", "in place"),
    (loop_body_writes_what_the_expression_reads, "y[0] = v", "in place"),
    (expression_to_a_helper_reading_twice, "return twice(v * v for v in x)", "each of its items"),
    (generator_to_a_helper_reading_twice, "return twice(squares(x))", "each of its items"),
    (expression_to_next, "return first_item(v * v for v in x)", "each of its items"),
    (generator_to_a_helper_writing, "return keeps_buffer(squares(x), buf)", "each of its items"),
    (expression_read_in_a_loop, "s = s + sum(g)", "more than once"),
    (expression_returned, "return (v * v for v in x)", "return a list"),
    (expression_to_a_method, "return Doubler(2.0).twice(v * v for v in x)",
     "Doubler.twice, which does not take each"),
]


@pytest.mark.parametrize("f, line, why", REFUSED, ids=[r[0].__name__ for r in REFUSED])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_refused(f, line, why, mode):
    x = RNG.normal(size=3)
    f(x)   # the program itself runs
    err = refusal(f, (x,), mode)
    assert err.line.strip() == line, str(err)
    assert why in str(err), str(err)


# -- issue #13 item 4: a generator passed to a method of an object the code cannot name once ---
class Accumulator:
    def __init__(self, scale):
        self.scale = scale
        self.total = 0.0

    def consume(self, items):
        for item in items:
            self.total = self.total + self.scale * np.sum(item)
        return self.total


class SquareSummer:
    def total(self, items):
        return sum(np.sum(v * v) for v in items)


def scaled_items(t, c):
    for i in range(3):
        yield t * c + 0.1 * i


def halving(t):
    while True:
        yield t
        t = t * 0.5


class Taker:
    def first(self, items):
        for v in items:
            return v * 2.0
        return 0.0


SUMMER = SquareSummer()
ACCUMULATOR = Accumulator(0.5)
ACTS = {"sin": np.sin, "tanh": np.tanh}


def method_in_a_loop_written_out(a, s):
    """The loop over ACTS.items() is written out: `summer` is bound once per copy, each
    right before the call (funcs 1981000036's shape)."""
    t = 0.0
    for name, act in ACTS.items():
        summer = SquareSummer()
        t = t + summer.total(scaled_items(act(a), s)) * len(name)
    return t


def method_in_a_range_loop(a, s):
    t = 0.0
    for i in range(2):
        acc = Accumulator(0.5)
        t = t + acc.consume(scaled_items(a * (i + 1.0), s))
    return t


def method_of_a_module_level_object(a, s):
    return SUMMER.total(scaled_items(a, s))


@pytest.mark.parametrize("f", [method_in_a_loop_written_out, method_in_a_range_loop,
                               method_of_a_module_level_object])
def test_generator_passed_to_a_method(f):
    check(f, np.array([0.3, -0.4]), 0.7, wrt=(0, 1))


def module_level_object_writing_its_fields(a, s):
    return ACCUMULATOR.consume(scaled_items(a, s))


def endless_generator_to_a_method(a):
    taker = Taker()
    return np.sum(taker.first(halving(a)))


@pytest.mark.parametrize("f,args,match", [
    (module_level_object_writing_its_fields, (np.array([0.3, -0.4]), 0.7),
     "does not take each of its items once"),
    (endless_generator_to_a_method, (np.array([0.3, -0.4]),), "never ends"),
])
def test_generator_passed_to_a_method_stays_refused(f, args, match):
    for mode in ("grad", "jvp"):
        err = refusal(f, args, mode)
        assert match in str(err) and "test_generator_values.py" in str(err), str(err)
