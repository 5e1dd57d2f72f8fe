"""srcdiff/alias_flow_fresh.py: a helper of the user's whose result is made inside it.

fluidsim (autograd's examples) passes the results of its own `advect` to `project`, which
updates them in place (`vx -= ...; return vx, vy`). Those results are new arrays no other
name holds, so the update is unseen and the program is differentiated; checked against
finite differences in both modes and to second order. Where the array the helper updates
is the caller's input, or one a later read sees (a helper returning its argument, a view
of it, or a value it also keeps), the refusal stands, located. A method calling another of
its class (`self.act(t)`) whose result is surely a new array (array_result) holds nothing.
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff.alias_flow_fresh import fresh_result, keeps_no_argument

X = np.array([0.3, -1.2, 0.7, 0.45, -0.2, 1.1, 0.8, -0.6])
KEPT = []


def project(vx, vy):
    p = np.roll(vx, 1, axis=0) - np.roll(vy, -1, axis=1)
    vx -= 0.5 * np.roll(p, -1, axis=0)
    vy -= 0.25 * np.roll(p, 1, axis=1)
    return vx, vy


def advect(f, vx, vy):
    flat = (f * np.cos(vx) + 0.3 * vy).ravel()
    return np.reshape(flat, f.shape)


def advect_twice(f, vx, vy):
    once = advect(f, vx, vy)
    return advect(once, vx, vy)


def simulate(vx, vy, smoke, steps):
    for _ in range(steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
        smoke = advect(smoke, vx, vy)
    return smoke


def fluid(params):
    vx = np.reshape(params[:4], (2, 2))
    vy = np.reshape(params[4:], (2, 2))
    smoke = simulate(vx, vy, np.array([[1.0, 0.5], [0.2, 0.9]]), 2)
    return np.sum(smoke * smoke)


def nested_helper(params):
    vx = np.reshape(params[:4], (2, 2))
    vy = np.reshape(params[4:], (2, 2))
    a, b = project(advect_twice(vx, vx, vy), advect_twice(vy, vy, vx))
    return np.sum(a * b) + np.sum(vx * vy)


def scaled(v):
    out = v * 2.0
    out += 1.0
    return out


def write_into_result(x):
    y = scaled(x)
    y[0] = np.sin(x[1])
    return np.sum(y * x)


@pytest.mark.parametrize("f", [fluid, nested_helper, write_into_result],
                         ids=lambda f: f.__name__)
def test_update_of_a_helpers_fresh_result_is_differentiated(f):
    check(f, X)


def identity(v):
    return v


def flat_view(v):
    return np.reshape(v, (2, 2))


def kept(v):
    out = v * 2.0
    KEPT.append(out)
    return out


def pair(v, w):
    return [v, w]


def input_updated(vx, vy):
    a, b = project(vx, vy)   # vx is the caller's array, read again below
    return np.sum(a * b) + np.sum(vx)


def returned_argument_read_later(params):
    vx = np.reshape(params[:4], (2, 2)) * 1.0
    vy = np.reshape(params[4:], (2, 2)) * 1.0
    a, b = project(identity(vx), vy)
    return np.sum(a * b) + np.sum(vx)


def returned_view_read_later(params):
    v = params[:4] * 1.0
    a, b = project(flat_view(v), np.reshape(params[4:], (2, 2)) * 1.0)
    return np.sum(a * b) + np.sum(v)


def kept_result_written(x):
    y = kept(x)
    y[0] = 1.0
    return np.sum(y * x) + np.sum(KEPT[-1])


def item_of_returned_list_written(x):
    y = x * 1.0
    items = pair(y, x)
    w = items[0]
    w[0] = 1.0
    return np.sum(w * x) + np.sum(y)


@pytest.mark.parametrize("f, args", [
    (input_updated, (np.reshape(X[:4], (2, 2)), np.reshape(X[4:], (2, 2)))),
    (returned_argument_read_later, (X,)),
    (returned_view_read_later, (X,)),
    (kept_result_written, (X,)),
], ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_update_a_later_read_sees_is_still_refused(f, args, mode):
    KEPT.clear()
    refusal(f, [a.copy() for a in args], mode)


def test_write_into_an_item_of_a_returned_list():
    """The list `pair` returns holds y itself: a write into its item changes y, read
    later. Reverse mode refuses (its tape restores w, not y); forward mode follows it."""
    refusal(item_of_returned_list_written, [X.copy()], "grad")
    check(item_of_returned_list_written, X, modes=("fwd",), order=1)


def global_list(v):
    return KEPT + [v]


def uses_a_method(v):
    return v.reshape((2, -1))


def stored_in_attribute(v):
    out = v * 1.0
    project.cache = out
    return out


@pytest.mark.parametrize("fn, fresh", [
    (advect, True), (advect_twice, True), (scaled, True), (project, True),
    (identity, False), (flat_view, False), (kept, False), (pair, True),
    (global_list, False), (uses_a_method, False), (stored_in_attribute, False),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_fresh_result(fn, fresh):
    """`pair` and `project` return a new list or tuple (its items are their arguments: the
    caller counts them as held by it)."""
    assert fresh_result(fn) is fresh


def reads_a_dict(w, **kw):
    total = w * kw["a"]
    for k, v in kw.items():
        total = total + np.sum(v)
    return total + kw.get("c", 0.5)


def calls_a_keeper(v):
    return kept(v) + v


@pytest.mark.parametrize("fn, keeps_nothing", [
    (identity, True), (flat_view, True), (pair, True), (reads_a_dict, True),
    (kept, False), (global_list, True), (stored_in_attribute, False),
    (calls_a_keeper, False),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_keeps_no_argument(fn, keeps_nothing):
    """Whatever it returns (`identity` returns its argument), a function keeping nothing
    leaves only its result holding what it was given."""
    assert keeps_no_argument(fn) is keeps_nothing


# -- stores_only_into: the parameters a helper may store what its arguments reach into ---
def _fills(out, v):
    out[:] = np.tanh(v)


def _scales(M, c):
    for i in range(M.shape[0]):
        M[i] = M[i] * c
    return M


def _puts(out, v):
    out[0] = v


def _updates(out, v):
    out[0] -= 0.1 * v


def _extends(out, v):
    out[0] += v


def _keeps_in_a_global(v):
    _KEPT[0] = v


def _rebinds_then_stores(out, v):
    out = _KEPT
    out[0] = v


_KEPT = [None]


def test_stores_only_into_names_the_parameters_a_helper_stores_into():
    from srcdiff.alias_flow_fresh import stores_only_into
    assert stores_only_into(_fills) == frozenset()     # a new array: nothing of theirs
    assert stores_only_into(_updates) == frozenset()   # in place: nothing kept
    assert stores_only_into(_scales) == {"M"}
    assert stores_only_into(_puts) == {"out"}
    # (`out[0] += v` may extend a list by v's items; a global; a parameter rebound)
    for f in (_extends, _keeps_in_a_global, _rebinds_then_stores):
        assert stores_only_into(f) is None


# -- returned_parameters: which arguments a helper's result may be or hold ---------------
def _star_sum(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def _second(pair, other):
    return pair[1] * 1.0 if other is None else pair[1]


def _calls(g, v):
    return g(v)


def test_returned_parameters_follows_what_the_result_may_be():
    from srcdiff.alias_flow_fresh import returned_parameters
    assert returned_parameters(_star_sum) == {"w"}
    assert returned_parameters(_second) == {"pair", "other"}
    assert returned_parameters(_calls) is None   # (g may keep v: not proven)


def sums_rows_listed_then_writes(x):
    u = x * x + 0.0
    kept = [u, u]
    a = _star_sum(u.dot(x), *kept)
    u *= 0.5
    return a * np.sum(u)


def passes_the_array_itself_then_writes(x):
    u = x * x + 0.0
    a = _star_sum(u)
    u *= 0.5
    return np.sum(a * u)


def test_a_write_after_a_helper_that_returns_another_argument():
    # (refused on main 244b1cd: a seemed to hold u, an item of *args)
    check(sums_rows_listed_then_writes, np.array([0.3, -0.2, 0.5]))
    # star_sum gives back w = u itself here: the write is seen through a
    for make, args in ((srcdiff.grad, (X0,)), (srcdiff.jvp, (X0, X0))):
        with pytest.raises((srcdiff.UnsupportedCodeError, srcdiff.RuntimeRefusal),
                           match="change a") as info:
            make(passes_the_array_itself_then_writes)(*args)
        assert info.value.lineno == passes_the_array_itself_then_writes.__code__.co_firstlineno + 3


X0 = np.array([0.3, -0.2, 0.5])


def test_plain_library_functions_are_numpys_maths_tame_builtins_and_sequence_helpers():
    # (alias_flow: the name of such a function, read to call it, reaches no array)
    import math
    from srcdiff import runtime_containers
    from srcdiff.alias_flow_fresh import plain_library_function
    for func in (sum, max, len, np.sin, np.reshape, math.exp, runtime_containers.sequence_mul):
        assert plain_library_function(func), func
    for func in (globals, vars, getattr, [].append, np.ndarray, np.random.default_rng().normal,
                 plain_library_function):
        assert not plain_library_function(func), func


# === comprehensions: a new list, set or dict, made at once ===================================
def dict_step(p, g, lr=0.1):
    return {k: p[k] - lr * g[k] for k in p}


def list_of_rows(m, c):
    return [np.tanh(row) * c for row in m if np.sum(row) > -10.0]


def lambda_free_repeat(m, c):
    return [row * c for row in m]


def list_keeping_rows(m):
    return [row for row in m]   # (new list; its items are m's rows: held, not fresh)


def comprehension_keeping_into_a_global(m):
    return [KEPT.append(row) for row in m]


def lazy_rows(m):
    return list(row * 2.0 for row in m)   # (a generator runs later: not followed)


def test_comprehensions_are_fresh_containers():
    from srcdiff.alias_flow_fresh import returned_parameters
    assert fresh_result(dict_step) and fresh_result(list_of_rows)
    assert fresh_result(list_keeping_rows)   # (a new list; the caller counts m's rows in it)
    assert returned_parameters(list_keeping_rows) == {"m"}
    assert not keeps_no_argument(comprehension_keeping_into_a_global)
    assert not fresh_result(lazy_rows)
    from srcdiff.alias_flow_fresh import fresh_items
    assert fresh_items(dict_step) and fresh_items(list_of_rows)
    assert not fresh_items(list_keeping_rows) and not fresh_items(project)
    assert not fresh_items(lambda_free_repeat)   # (row * c: a list repeated, maybe)


def steps_then_writes(x):
    p = {"w": x, "b": 0.5}
    for _ in range(2):
        p = dict_step(p, {"w": np.tanh(p["w"]), "b": p["b"] * 0.5})
    x[1:] = x[1:] * np.tanh(x[:-1])
    return np.sum(p["w"] * x) + p["b"]


def steps_maybe_skipped_then_writes(x, n=2):
    p = {"w": x, "b": 0.5}
    for _ in range(n):
        p = dict_step(p, {"w": np.tanh(p["w"]), "b": p["b"] * 0.5})
    x[1:] = x[1:] * np.tanh(x[:-1])
    return np.sum(p["w"] * x) + p["b"]


def rows_kept_then_written(x):
    m = np.outer(x[:3], x[:3])
    rows = list_keeping_rows(m)
    m[0] = np.sin(x[:3])
    return np.sum(rows[0] * x[:3])


def test_a_write_into_what_a_dict_comprehension_made_differentiates():
    check(steps_then_writes, X.copy())
    check(steps_maybe_skipped_then_writes, X.copy())   # (the loop ran: p holds no x)
    with pytest.raises(srcdiff.RuntimeRefusal, match="would also change p"):
        srcdiff.grad(steps_maybe_skipped_then_writes)(X.copy(), 0)


def test_a_write_into_an_array_whose_rows_a_comprehension_kept_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="would"):
        srcdiff.grad(rows_kept_then_written)(X.copy())


class _Layer:
    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return self.act(self.w * t) + 1.0

    def act(self, t):
        return np.sin(t)

    def forward_list(self, t):
        return self.rows(t) + [self.w]

    def rows(self, t):
        return [t * 2.0]


def test_a_method_whose_result_is_a_new_array():
    from srcdiff.alias_flow_fresh import array_result, fresh_items
    assert array_result(_Layer.act) and not array_result(_Layer.rows)
    # self.act(...) + 1.0: an array plus a number, holding nothing; a list made by
    # self.rows, extended by the field the object holds, holds that field
    assert fresh_items(_Layer.forward) and not fresh_items(_Layer.forward_list)


def _eyes(t):
    for i in range(2):
        t = 0.5 * np.tanh(t) + np.sum(np.eye(3) * float(i))
    return np.where(t > 0.5, t * t, 0.0)


def test_numpy_functions_and_builtin_types_keep_nothing():
    # (numpy.eye has no derivative rule, so it read as a function of the user's, unproven;
    # float is a type, no builtin function)
    assert keeps_no_argument(_eyes) and fresh_result(_eyes)


# -- methods that may return their own array: ndarray.conj() of a real array is the array
# itself, and astype(..., copy=False) of the same dtype too (both gave wrong gradients as
# new arrays)
def conj_then_write(x):
    y = x * 1.0
    v = y.conj()
    v[0] = v[0] * 3.0 + x[1]
    return np.sum(y * y) + np.sum(x * v[0])


def conjugate_then_write(x):
    y = x * 1.0
    v = y.conjugate()
    v[0] = v[0] * 3.0 + x[1]
    return np.sum(y * y) + np.sum(x * v[0])


def astype_no_copy_then_write(x):
    y = x * 1.0
    v = y.astype(float, copy=False)
    v[0] = v[0] * 3.0 + x[1]
    return np.sum(y * y) + np.sum(x * v[0])


def astype_then_write(x):
    y = x * 1.0
    v = y.astype(np.float64)           # a copy: y is not changed
    v[0] = v[0] * 3.0 + x[1]
    return np.sum(y * y) + np.sum(x * v[0])


@pytest.mark.parametrize("f", [conj_then_write, conjugate_then_write,
                               astype_no_copy_then_write], ids=lambda f: f.__name__)
def test_a_method_that_may_return_its_array_is_no_new_array(f):
    from gradcheck import refusal
    err = refusal(f, (np.array([0.3, 0.7, 1.1]),), "grad")
    assert "writing into v here would change another array too" in str(err)


def test_astype_copies_and_its_result_is_written_freely():
    check(astype_then_write, np.array([0.3, 0.7, 1.1]))


# === a recursive helper (funcs family, seed 1981000001) =====================================
def settle(t, u, n):
    if n <= 0:
        return t * 1.0
    return settle(np.sin(t) + 0.1 * u, u, n - 1)


def keep_deep(t, n):
    if n <= 0:
        KEPT.append(t)
        return t
    return keep_deep(t, n - 1)


def swap_store(p, q, n):
    if n > 0:
        swap_store(q, p, n - 1)   # (stores p into q: what it proves of p alone is dropped)
    else:
        p[0] = q


def written_after_recursion(x, y):
    a = x * y
    s = settle(x, a, 2)   # (reads a, keeps nothing: a is no one else's)
    h = a[1:]
    z = np.sum(h * y[1:])
    a[1] += 1.0
    return z + np.sum(a * s)


def written_after_recursion_view_kept(x, y):
    a = x * y
    s = settle(x, a, 2)
    h = a[1:]
    a[1] += 1.0
    return np.sum(h * y[1:]) + np.sum(a * s)


def test_a_recursive_helper_keeps_nothing_where_each_run_keeps_nothing():
    from srcdiff.alias_flow_fresh import stores_only_into
    assert keeps_no_argument(settle) and not fresh_result(settle)   # (its result: unknown)
    assert not keeps_no_argument(keep_deep)
    assert stores_only_into(swap_store) is None


def test_a_write_after_a_recursive_helper_read_the_array():
    x, y = np.array([0.4, 0.9, 1.3, 0.7]), np.array([-0.2, 0.6, 1.1, 0.5])
    check(written_after_recursion, x, y, wrt=(0, 1), order=2)
    for mode in ("grad", "jvp"):
        err = refusal(written_after_recursion_view_kept, [x.copy(), y.copy()], mode, wrt=(0, 1))
        assert "h, a view of it" in str(err)


def _keyed_mix(w, **kw):
    total = w * kw["a"]
    for k, v in kw.items():
        total = total + 0.25 * np.sum(np.sin(v))
    return total + kw.get("c", 0.5)


def _keyed_then_whole(w, **kw):
    d = kw
    return w * kw["a"] + d["b"]


def test_returned_sources_names_the_keys_of_kwargs_the_result_reads():
    from srcdiff.alias_flow_fresh import returned_parameters, returned_sources
    from srcdiff.alias_fresh_items import at_key
    assert returned_sources(_keyed_mix) == {("w", None), ("kw", "a"), ("kw", "c")}
    assert returned_parameters(_keyed_mix) == {"w", "kw"}
    assert returned_sources(_keyed_then_whole) == {("w", None), ("kw", "a"), ("kw", None)}
    # (alias_flow's dicts of known keys: the objects under the key; none for a key not
    # there; all of base where a dict's keys are not known, or for the whole parameter)
    keyed = {"d": {"a": {"A"}, "b": {"B"}}}
    assert at_key({"d"}, keyed, "a") == {"A"} and at_key({"d"}, keyed, "c") == set()
    assert at_key({"d", "e"}, keyed, "a") == {"d", "e"} and at_key({"d"}, keyed, None) == {"d"}


# -- a lambda bound to a local nothing reads: dropped when the call returns ---------------
_LAMBDAS = '''
import numpy as np

KEPT = []


def with_unused_lambda(t, u, n):
    if n <= 0:
        return t
    lam = lambda t: np.arctan(t) * t   # (the fuzz's own shape: never called)
    return with_unused_lambda(0.5 * np.tanh(t * t), u, n - 1)


def lambda_returned(t):
    g = lambda s: s * t
    return g


def lambda_called(t):
    g = lambda s: s * t
    return g(2.0)


def lambda_kept(t):
    g = lambda s: s * t
    KEPT.append(g)
    return t * 1.0


def star_total(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def written_after_a_helper_with_a_lambda(x, A):
    u = np.sqrt(1.0 + x * x) * 1.0
    a = star_total(x[2], u, np.array([1.5 * t + np.sin(t) for t in u]))
    u[1:] += 0.3 * x[0]
    if with_unused_lambda(u[0], A + A, 3) < -1.0:
        u[u > 0.5] = x[1]
    else:
        for k in range(2):
            A[:, -1] = np.arctan(u)
    return np.sum(u * x) * a + np.sum(A * A)


ACTS = {"tanh": np.tanh, "sin": np.sin, "soft": lambda v: np.log1p(np.exp(v)),
        "same": lambda v: v}
STASH = []


def stash(v):
    STASH.append(v)
    return np.sin(v)


KEEPING = {"sin": np.sin, "stash": stash}


def act(t, kind="tanh"):
    return ACTS[kind](t)


def act_keeping(t, kind="sin"):
    return KEEPING[kind](t)


def written_after_table_calls(x, A):
    x = x * 1.0
    a = x
    for kind in ("sin", "tanh"):
        a = act(a, kind) * 0.9
    x[1] = A[0, 0] * 2.0
    return np.sum(x * A[0]) + np.sum(a)


def written_after_the_same_from_a_table(x, A):
    x = x * 1.0
    a = act(x, "same")     # (x itself)
    x[1] = A[0, 0] * 2.0
    return np.sum(x * A[0]) + np.sum(a)


def written_after_a_helper_returning_it(x, A):
    u = np.sqrt(1.0 + x * x) * 1.0
    v = with_unused_lambda(u, A + A, 0)   # (u itself: n is 0)
    u[1:] += 0.3 * x[0]
    return np.sum(v * x) + np.sum(A)
'''


@pytest.fixture(scope="module")
def lambdas(tmp_path_factory):
    import sys
    from user_modules import load
    module = load(tmp_path_factory.mktemp("lambdas"), "fresh_lambdas", _LAMBDAS)
    yield module
    del sys.modules["fresh_lambdas"]


def test_a_lambda_nothing_reads_keeps_nothing(lambdas):
    """A lambda bound to a local that nothing reads is a function object dropped at the
    return; one returned, called or stored is not proven (a closure holds t)."""
    assert keeps_no_argument(lambdas.with_unused_lambda)
    assert not keeps_no_argument(lambdas.lambda_returned)
    assert not keeps_no_argument(lambdas.lambda_called)
    assert not keeps_no_argument(lambdas.lambda_kept)


def test_a_call_through_a_module_level_table_keeps_nothing_where_each_function_does(lambdas):
    """`ACTS[kind](t)`: the call runs one of the functions the table holds (the one srcdiff
    read from it when compiling: function_dicts checks the item where it is called), so it
    keeps nothing where none of them does; one that may keep its argument is not proven.
    (fuzz 2017000022 and 2017000004, funcs: such a helper seemed to keep x, which a later
    write then seemed to change under the list or alias that had held it.)"""
    assert keeps_no_argument(lambdas.act)
    assert not keeps_no_argument(lambdas.act_keeping)
    x = np.array([0.3, -0.5, 0.8])
    A = np.array([[0.3, -0.2, 0.1], [0.5, 0.7, -0.6], [-0.4, 0.9, 0.2]])
    check(lambdas.written_after_table_calls, x, A, wrt=(0, 1), order=2)
    for mode in ("grad", "jvp"):   # (the neighbour: the table's function hands x back)
        err = refusal(lambdas.written_after_the_same_from_a_table, [x.copy(), A.copy()],
                      mode, wrt=(0, 1))
        assert "writing into x here" in str(err)


def test_a_write_before_a_helper_with_an_unused_lambda_differentiates(lambdas):
    """fuzz 1981000024 (users): the helper's unused lambda made it a keeper of anything, so
    `A[:, -1] = ...` later seemed to store u into A, and the write into u before the call
    was refused as seen through A. The neighbour, where the helper hands u back and v reads
    it after the write, stays refused."""
    x = np.array([0.3, -0.5, 0.8])
    A = np.array([[0.3, -0.2, 0.1], [0.5, 0.7, -0.6], [-0.4, 0.9, 0.2]])
    check(lambdas.written_after_a_helper_with_a_lambda, x, A, wrt=(0, 1), order=2)
    for mode in ("grad", "jvp"):
        err = refusal(lambdas.written_after_a_helper_returning_it, [x.copy(), A.copy()], mode,
                      wrt=(0, 1))
        assert "writing into u here" in str(err)
