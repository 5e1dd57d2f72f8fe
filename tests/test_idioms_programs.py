"""Everyday Python shapes (srcdiff/idioms.py, srcdiff/runtime_idioms.py; issue 13; the rules
of templates/idioms.py are tested in tests/templates/test_idioms.py): dicts as
parameter containers, zip/enumerate as values, for/else, reduce, math.prod, .item(),
.tolist(), and calls that only read. Every derivative against central differences in
reverse and forward mode and to second order (gradcheck.check); what srcdiff cannot follow
is refused at the user's line."""
import functools
import logging
import math
import operator
import warnings

import numpy as np
import pytest

import srcdiff
from gradcheck import check

P = {"w": np.array([0.3, 0.5, 0.7]), "b": np.array([1.1, -0.4, 0.2])}
X = np.array([0.4, 0.9, 1.3])


def both(f, p=P, x=X):
    """f(p, x) checked with respect to the dict p and the array x together, then to x alone
    (which adds the Hessian-vector product)."""
    check(f, {k: v.copy() for k, v in p.items()}, x.copy(), wrt=(0, 1), order=2)
    check(f, {k: v.copy() for k, v in p.items()}, x.copy(), wrt=1, order=2)


# --- dicts as parameter containers ------------------------------------------------------
def dict_get(p, x):
    return np.sum(p.get("w") * x) + np.sum(p.get("missing", x ** 2) * p.get("b", x))


def dict_get_on_local(p, x):
    q = {"a": x * 2.0}
    return np.sum(q.get("a") * q.get("b", np.cos(x)) * p["w"])


def dict_of_zip(p, x):
    names = ["w", "b"]
    q = dict(zip(names, [x * 2.0, x ** 2]))
    return np.sum(q["w"] * q["b"]) + np.sum(p["w"] * q["w"])


def dict_of_zip_of_own_items(p, x):
    g = dict(zip(list(p.keys()), [v * x for v in p.values()]))
    return np.sum(g["w"] - g["b"] ** 2)


def dict_of_enumerate(p, x):
    q = dict(enumerate([x[0], x[1] ** 2, p["w"][2]]))
    return q[0] * q[1] + q[2]


def dict_of_pairs(p, x):
    q = dict([("a", x * p["b"]), ("b", np.sin(x))])
    return np.sum(q["a"] * q["b"])


def results_of(x, w):
    out = {}
    for name, fn in (("sin", np.sin), ("sq", np.square)):
        pass
    out["sin"] = np.sum(np.sin(x * w))
    out["sq"] = np.sum(np.square(x) * w)
    return out


def dict_of_results(p, x):
    r = results_of(x, p["w"])
    return r["sin"] * r["sq"] + sum(r.values())


def items_values_keys(p, x):
    s = 0.0
    for k, v in p.items():
        s = s + np.sum(v * x)
    for k in p.keys():
        s = s + np.sum(p[k] ** 2)
    return s * sum(np.sum(v) for v in p.values())


@pytest.mark.parametrize("f", [dict_get, dict_get_on_local, dict_of_zip, dict_of_zip_of_own_items,
                               dict_of_enumerate, dict_of_pairs, dict_of_results,
                               items_values_keys])
def test_dict_idioms(f):
    both(f)


def test_gradient_has_the_dicts_structure():
    g = srcdiff.grad(dict_get)(P, X)
    assert isinstance(g, dict) and sorted(g) == ["b", "w"]
    assert all(np.shape(g[k]) == np.shape(P[k]) for k in g)


class Box:
    def __init__(self, scale):
        self.scale = scale

    def get(self, k):
        return self.scale * len(k)


def test_get_of_an_object_of_the_users_is_its_own_method():
    def f(x, b):
        return x * b.get("ab")
    check(f, 1.5, Box(0.7), wrt=0, order=2)


def test_get_on_a_list_is_refused_at_the_line():
    def f(x, opts):
        return x * opts.get(0)
    with pytest.raises(srcdiff.errors.SrcdiffError, match=r"\.get\(\) is called on opts, a list passed in") \
            as info:
        srcdiff.grad(f)(1.5, [1.0])
    assert info.value.lineno == f.__code__.co_firstlineno + 1


def test_a_dicts_method_on_a_tuple_passed_in_is_refused_at_the_line():
    def f(x, opts):
        return x * len(opts.keys())
    with pytest.raises(srcdiff.errors.SrcdiffError,
                       match=r"\.keys\(\) is called on opts, a tuple passed in") as info:
        srcdiff.grad(f)(1.5, (1.0, 2.0))
    assert info.value.lineno == f.__code__.co_firstlineno + 1


# --- zip and enumerate as values, zip(*rows) --------------------------------------------
def zip_listed(p, x):
    pairs = list(zip(x, p["w"]))
    s = 0.0
    for a, b in pairs:
        s = s + a * b ** 2
    return s


def enumerate_of_zip(p, x):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, p["b"])):
        s = s + (i + 1) * a * np.sin(b)
    return s


def zip_star(p, x):
    pairs = [(x[0], p["w"][1]), (x[1] ** 2, x[2]), (p["b"][0], x[0] * x[1])]
    firsts, seconds = zip(*pairs)
    return sum(a * b for a, b in zip(firsts, seconds)) + firsts[2] * seconds[0]


def zip_star_of_array_rows(p, x):
    m = np.outer(x, p["w"])
    cols = list(zip(*m))
    return sum(c[0] * c[2] for c in cols)


def enumerate_listed(p, x):
    return sum(i * v for i, v in list(enumerate(x * p["w"], 1)))


def zip_in_sum_and_max(p, x):
    return sum(a * b for a, b in zip(x, p["w"])) + max(list(zip(x, p["b"]))[1])


@pytest.mark.parametrize("f", [zip_listed, enumerate_of_zip, zip_star, zip_star_of_array_rows,
                               enumerate_listed, zip_in_sum_and_max])
def test_zip_and_enumerate_as_values(f):
    both(f)


# --- loops with else, nested comprehensions, max/min of several -------------------------
def for_else_no_break(p, x):
    s = 0.0
    for v in x:
        s = s + v ** 2
    else:
        s = s * p["w"][0]
    return s


def for_else_breaks(p, x):
    s = 0.0
    for v in x * p["w"]:
        if v > 0.3:
            s = s + v * 10.0
            break
        s = s + v ** 2
    else:
        s = s - 100.0
    return s


def for_else_runs(p, x):
    s = 0.0
    for v in x * p["w"]:
        if v > 5.0:
            break
        s = s + v ** 2
    else:
        s = s * 3.0
    return s


def while_else_breaks(p, x):
    s = 1.0
    i = 0
    while i < 3:
        s = s * x[i]
        if s > 0.3:
            break
        i += 1
    else:
        s = s + 7.0
    return s * p["b"][1]


def while_else_runs(p, x):
    s = 0.0
    i = 0
    while i < 3:
        s = s + x[i] * p["w"][i]
        i += 1
    else:
        s = s ** 2
    return s


def nested_loops_with_else(p, x):
    s = 0.0
    for a in x:
        for b in p["w"]:
            if a * b > 0.6:
                break   # breaks the inner loop only
            s = s + a * b
        else:
            s = s + a
    else:
        s = s * 2.0
    return s


def nested_comprehensions(p, x):
    m = [[a * b for b in x] for a in p["w"]]
    flat = [v for row in m for v in row if True]
    return sum(flat) + sum(a * b for a in x for b in p["b"] if b > 0)


def max_min_of_several(p, x):
    return max(x[0], x[1] * p["w"][0], x[2]) + min(x[0] ** 2, x[1], p["b"][2])


def modulo(p, x):
    return np.sum(x % 0.7 * p["w"]) + (x[1] * 5.0) % 2.0


@pytest.mark.parametrize("f", [for_else_no_break, for_else_breaks, for_else_runs,
                               while_else_breaks, while_else_runs, nested_loops_with_else,
                               nested_comprehensions, max_min_of_several, modulo])
def test_loops_and_comprehensions(f):
    both(f)


def test_for_else_runs_as_python_does():
    for f in (for_else_no_break, for_else_breaks, for_else_runs, while_else_breaks,
              while_else_runs, nested_loops_with_else):
        value, _ = srcdiff.value_and_grad(f, wrt=1)(P, X)
        assert value == pytest.approx(f(P, X))


# --- reduce, math.prod, item, tolist, list(x), tuple(x) ---------------------------------
def reduce_add(p, x):
    return functools.reduce(operator.add, [x[0], x[1] ** 2, p["w"][2]])


def reduce_mul_values(p, x):
    return np.sum(functools.reduce(operator.mul, p.values())) * x[0]


def reduce_lambda_initial(p, x):
    return functools.reduce(lambda a, b: a * b + 1.0, [x[0], x[1], p["b"][2]], 0.5)


def reduce_numpy_function(p, x):
    return np.sum(functools.reduce(np.maximum, [x, x[::-1] * 1.1, p["w"]]))


def prod(p, x):
    return math.prod(x) + math.prod([p["w"][0], x[1]], start=2.0)


def item(p, x):
    m = np.outer(x, p["w"])
    return np.dot(x, x).item() * m.item(4) + m.item(1, 2) * x[:1].item()


def tolist(p, x):
    m = np.outer(x, p["w"]).tolist()
    v = x.tolist()
    return m[0][1] * m[2][2] + sum(m[1]) * v[2]


def rows(p, x):
    m = np.outer(x, p["b"])
    a, b, c = tuple(m)
    return np.sum(a * c) + sum(np.sum(r ** 2) for r in list(m)) + np.sum(b)


@pytest.mark.parametrize("f", [reduce_add, reduce_mul_values, reduce_lambda_initial,
                               reduce_numpy_function, prod, item, tolist, rows])
def test_calls_of_everyday_code(f):
    both(f)


def test_item_of_more_than_one_element_raises_as_numpy_does():
    def f(x):
        return x.item() * 2.0
    with pytest.raises(ValueError, match="size 1"):
        srcdiff.grad(f)(X)


# --- calls that only read ---------------------------------------------------------------
LOG = logging.getLogger("srcdiff.tests.idioms")
SEEN = []


def progress(value, params, label="step"):
    SEEN.append((label, float(np.sum(value)), sorted(params)))


def reads(p, x):
    y = np.sin(x) * p["w"]
    print("y =", y, p)
    logging.info("y = %s", y)
    LOG.debug("p = %s", p)
    LOG.info("x = %s", x)
    progress(y, p, label="reads")
    if np.sum(y) > 1e9:
        warnings.warn(f"large: {y}")
        print(y)
    return np.sum(y ** 2)


def test_reading_calls_run_and_carry_no_derivative(capsys):
    del SEEN[:]
    both(reads)
    assert "y =" in capsys.readouterr().out
    assert SEEN and SEEN[0][0] == "reads" and SEEN[0][2] == ["b", "w"]


def test_a_read_only_call_in_a_branch_that_never_runs():
    def f(x):
        y = x ** 2
        if np.sum(y) > 1e9:
            progress(y, {"y": y})
        return np.sum(y)
    g = srcdiff.grad(f)(X)
    assert np.allclose(g, 2 * X)


def writes_in_place(v):
    v[0] = 0.0


def writes_through_numpy(v):
    np.copyto(v, 0.0)


def appends(lst):
    lst.append(1.0)


def sets_key(d):
    d["new"] = 1.0


def _writes_into_a_name_of_its_own(x):
    y = x * 2.0
    writes_in_place(y)   # (y becomes what the helper made of it: writing_helpers.py)
    return np.sum(y * x)


def test_a_callback_that_writes_in_place_is_refused_at_its_line():
    check(_writes_into_a_name_of_its_own, X)

    def f(x):   # z = y, an exact alias, sees the callback's write (alias_groups.py)
        y = x * 2.0
        z = y
        writes_in_place(y)
        return np.sum(z)
    check(f, X)


@pytest.mark.parametrize("callback, make", [(writes_through_numpy, lambda y: y),
                                            (appends, lambda y: [y]),
                                            (sets_key, lambda y: {"y": y})])
def test_a_callback_that_changes_what_it_is_given_is_refused_when_it_runs(callback, make):
    def f(x):
        y = x * 2.0
        callback(make(y))
        return np.sum(y)
    for transform, args in ((srcdiff.grad(f), (X,)), (srcdiff.jvp(f), (X, X))):
        with pytest.raises(srcdiff.errors.SrcdiffError,
                           match="changes what it is given|in place") as info:
            transform(*args)
        call_line = f.__code__.co_firstlineno + 2
        # refused at the call, or (found before the run) at the write, naming the call
        assert info.value.lineno == call_line or \
            f"test_idioms_programs.py:{call_line}" in str(info.value)


def test_a_callback_given_an_object_is_refused_at_the_call():
    class Holder:
        pass

    def f(x):
        progress(x, Holder())
        return np.sum(x)
    with pytest.raises(srcdiff.errors.SrcdiffError, match="read-only views|cannot pass it") as info:
        srcdiff.grad(f)(X)
    assert info.value.lineno == f.__code__.co_firstlineno + 1


def logs_through_a_local_logger(p, x):
    log = logging.getLogger("srcdiff.tests.idioms.local")
    y = x * p["w"]
    log.info("y = %s", y)
    log.warning("%s", p, stacklevel=1)
    print(*y, sep=", ")
    return np.sum(y ** 2)


def test_a_local_logger_and_print_of_starred_values(capsys):
    both(logs_through_a_local_logger)
    assert ", " in capsys.readouterr().out


class Recorder:
    def __init__(self):
        self.seen = []

    def info(self, value):
        self.seen.append(value)


def test_info_of_an_object_of_a_class_of_yours_held_in_a_dict_is_followed():
    """Session 21 (records21): a dict passed in whose values are of one class of the user's
    tells the lowering that class, so `r.info(...)` is its method, followed as one called
    on an argument: run for its effect where f reads nothing it stores (it was refused as a
    logger call on an object whose class only the run could tell), refused where f reads
    back what it stored."""
    def f(x, box):
        r = box["r"]
        r.info(x * 2.0)
        return np.sum(x)

    def reads_back(x, box):
        r = box["r"]
        r.info(x * 2.0)
        return np.sum(r.seen[-1] * x)
    box = {"r": Recorder()}
    np.testing.assert_allclose(srcdiff.grad(f)(X, box), np.ones_like(X))
    np.testing.assert_allclose(box["r"].seen[0], X * 2.0)
    with pytest.raises(srcdiff.errors.SrcdiffError, match="changes the attribute .seen") as info:
        srcdiff.grad(reads_back)(X, {"r": Recorder()})
    assert info.value.lineno == reads_back.__code__.co_firstlineno + 2


def fill(lst, v):
    lst.append(v)


def test_the_method_of_an_item_of_a_list_passed_in_is_followed():
    # box[0] of a list passed in: its class is read from the value passed (as `for r in
    # box` reads it), so Recorder.info is followed as written, not taken for a logger's
    def f(x, box):
        r = box[0]
        r.info(x * 2.0)
        return np.sum(x)
    rec = Recorder()
    check(f, X.copy(), [rec], wrt=0)
    np.testing.assert_allclose(rec.seen[0], X * 2.0)   # the method ran as written


def test_a_helper_changing_values_not_differentiated_still_runs_as_written():
    # only calls given a value being differentiated run on read-only views
    def f(x):
        counts = []
        fill(counts, 1.0)
        fill(counts, 2.0)
        return x * len(counts) * counts[1]
    check(f, X, order=2)


def test_item_and_tolist_of_an_object_not_an_array_are_refused():
    class Holder:
        def item(self):
            return 2.0

        def tolist(self):
            return [2.0]

    for method in ("item", "tolist"):
        def f(x, box, method=method):
            h = box[0]
            v = h.item() if method == "item" else h.tolist()[0]
            return x * v
        with pytest.raises(srcdiff.errors.SrcdiffError, match="read as an array's method"):
            srcdiff.grad(f)(1.5, [Holder()])


def item_of_index_tuple(p, x):
    m = np.outer(x, p["w"])
    return m.item((2, 1)) * m.item(1, 0) + enumerate_start(x)


def enumerate_start(x):
    return sum(i * v for i, v in enumerate(x, start=2))


def test_item_with_a_tuple_index_and_enumerate_start():
    both(item_of_index_tuple)


# --- isinstance, list.__add__, a dict of results returned, sums of generators --------------
def isinstance_checks(p, x):
    s = 0.0
    for k, v in p.items():
        if isinstance(v, np.ndarray) and isinstance(k, str):
            s = s + np.sum(v * x)
        elif isinstance(v, (list, tuple)):
            s = s + 1.0
    if isinstance(x, float):
        return 0.0
    return s


def list_add_called(p, x):
    parts = list.__add__([x[0]], [x[1] * p["w"][0]])
    pair = tuple.__add__((x[2],), (p["b"][1],))
    return parts[0] * parts[1] + pair[0] * pair[1]


def returns_a_dict_of_results(p, x):
    out = {}
    for k in p:
        out[k] = np.sum(p[k] * x)
    out["total"] = sum(out.values())
    return out


def sums_of_generators(p, x):
    return sum(sum(v * w for w in x) for v in p["w"]) + sum(np.sin(v) for v in x)


@pytest.mark.parametrize("f", [isinstance_checks, list_add_called, sums_of_generators])
def test_python_shapes(f):
    both(f)


def test_a_dict_of_results_returned():
    # no Hessian-vector product: the output is not a number
    check(returns_a_dict_of_results, P, X, wrt=(0, 1), order=2)


def test_list_add_of_an_array_raises_as_python_does():
    def f(x):
        return np.sum(list.__add__(x, [1.0]))
    with pytest.raises(TypeError):
        srcdiff.grad(f)(X)


def runs(fn):
    fn()


def test_a_callback_given_a_closure_is_refused_at_the_call():
    # bump could change y, which the derivative reads, through its closure
    def f(x):
        y = x * 2.0

        def bump():
            y[0] *= y[1]
        runs(bump)
        return np.sum(y * y)
    with pytest.raises(srcdiff.errors.SrcdiffError, match="read-only views|cannot pass it") as info:
        srcdiff.grad(f)(X)
    assert info.value.lineno == f.__code__.co_firstlineno + 5
