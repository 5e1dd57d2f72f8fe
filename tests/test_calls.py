"""Calls to the user's own functions, closures, containers and non-differentiable parts."""
import numpy as np
import pytest

import srcdiff
from calls_corpus import (calls_imported_function, calls_module_function, keyword_only_call,
                          lambda_local, literal_arguments, nested_closure_in_loop,
                          recursion_with_branch, unpacks_tuple)
from calls_helpers import dense
from gradcheck import check, check_grad, check_hvp, check_jvp

rng = np.random.default_rng(3)
X = rng.normal(size=3)
W = rng.normal(size=3)


CASES = [calls_module_function, literal_arguments, recursion_with_branch, lambda_local]
TWO_ARG = [calls_imported_function, unpacks_tuple, nested_closure_in_loop, keyword_only_call]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_one_argument(f):
    check_grad(f, X)


@pytest.mark.parametrize("f", TWO_ARG, ids=lambda f: f.__name__)
def test_two_arguments(f):
    check_grad(f, X, W, wrt=(0, 1))


def test_callee_is_differentiated_once_per_activity_pattern():
    text = srcdiff.source(srcdiff.grad(calls_module_function))
    assert text.count("def forward_square_sum(") == 1
    assert text.count("= forward_square_sum(tape") == 2


def test_recursion_emits_one_pair():
    text = srcdiff.source(srcdiff.grad(recursion_with_branch))
    assert text.count("def backward_power(") == 1


def model(params, x):
    h = dense(params, x)
    return np.sum(h * h) + 0.1 * np.sum(params["w"] ** 2)


def test_dict_of_parameters_through_a_helper():
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    x = rng.normal(size=(4, 3))
    g = check_grad(model, params, x)
    assert set(g) == {"w", "b"}


def tuple_params(ws, x):
    w1, w2 = ws
    return np.sum(np.tanh(x @ w1) @ w2)


def list_params(ws, x):
    return np.sum((x @ ws[0]) * ws[1])


def test_tuple_and_list_parameters():
    x = rng.normal(size=(2, 3))
    g = check_grad(tuple_params, (rng.normal(size=(3, 4)), rng.normal(size=(4, 2))), x)
    assert isinstance(g, tuple)
    g = check_grad(list_params, [rng.normal(size=(3, 2)), rng.normal(size=(2, 2))], x)
    assert isinstance(g, list)


def with_side_effects(x):
    n = x.shape[0]
    k = n * 2 + 1
    noise = np.random.default_rng(0).normal(size=n)
    print("computing", k)
    assert n > 0, "empty input"
    return np.sum(x * x) + np.sum(noise) * 0.0 + k


def test_non_differentiable_parts_run_unchanged(capsys):
    check_grad(with_side_effects, X)
    assert "computing 7" in capsys.readouterr().out


class Scaler:
    def __init__(self, scale):
        self.scale = scale


def uses_object(x, obj):
    return np.sum(obj.scale * x * x)


def test_attributes_of_inactive_objects():
    check_grad(uses_object, X, Scaler(3.0))


def test_differentiating_a_record_object_gives_an_object_of_its_class():
    # Scaler's __init__ only stores its parameter: its gradient is a Scaler (records.py)
    g = check_grad(lambda s: s.scale * 2.0, Scaler(np.array(2.0)))
    assert type(g) is Scaler


class Computing:
    def __init__(self, scale):
        self.scale = self.scaled(scale)   # a method called: no record (init_fields.py)

    def scaled(self, scale):
        return scale * 1.0


def test_differentiating_an_object_of_another_class_is_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="attribute .scale of a Computing"):
        srcdiff.grad(lambda s: s.scale * 2.0)(Computing(np.array(2.0)))


def with_aux(x, w):
    pred = x * w
    loss = np.sum((pred - 1.0) ** 2)
    return loss, {"pred": pred, "n": 3}


def test_has_aux_returns_aux_unchanged():
    g, aux = srcdiff.grad(with_aux, has_aux=True)(X, W)
    np.testing.assert_allclose(g, 2 * (X * W - 1.0) * W)
    np.testing.assert_allclose(aux["pred"], X * W)
    (value, aux2), g2 = srcdiff.value_and_grad(with_aux, wrt=(0, 1), has_aux=True)(X, W)
    assert value == pytest.approx(np.sum((X * W - 1.0) ** 2))
    np.testing.assert_allclose(g2[1], 2 * (X * W - 1.0) * X)
    assert aux2["n"] == 3


def test_has_aux_needs_a_pair():
    with pytest.raises(srcdiff.ArgumentError, match="not a pair"):
        srcdiff.grad(lambda x: np.sum(x * x), has_aux=True)(X)


def add_item(items, v):
    items.append(v * 2.0)


def appends_through_a_helper(x):
    items = []
    add_item(items, x)
    return np.sum(np.stack(items))


def returns_after_appending(items, v):
    items.append(v)
    return v * 2.0


def mutated_argument_with_result(x):
    items = [x]
    y = returns_after_appending(items, x * x)
    return np.sum(y) + np.sum(np.stack(items))


def test_helpers_that_change_their_arguments_are_refused():
    with pytest.raises(srcdiff.SrcdiffError, match="dropped"):
        srcdiff.grad(appends_through_a_helper)(X)
    with pytest.raises(srcdiff.SrcdiffError, match="changes its argument 'items' in place"):
        srcdiff.grad(mutated_argument_with_result)(X)


class Layer:
    def __init__(self, w, scale):
        self.w = w
        self.scale = scale

    def forward(self, x):
        return np.tanh(x @ self.w) * self.scale

    def loss(self, x):
        h = self.forward(x)
        return np.sum(h * h)


def model_loss(layer, x):
    return layer.loss(x) + np.sum(layer.forward(x * 2.0))


def test_methods_of_user_objects_passed_in():
    layer = Layer(rng.normal(size=(3, 2)), 1.5)
    x = rng.normal(size=(4, 3))
    check_grad(model_loss, layer, x, wrt=1)
    g = srcdiff.grad(model_loss, wrt=1)
    g(layer, x)
    text = srcdiff.source(g)
    assert "def forward_loss(tape, self, x):" in text and "def forward_forward(" in text


def test_gradient_of_a_bound_method():
    layer = Layer(rng.normal(size=(3, 2)), 0.5)
    x = rng.normal(size=(4, 3))
    from gradcheck import numerical_grad
    got = srcdiff.grad(layer.loss)(x)
    np.testing.assert_allclose(got, numerical_grad(lambda x: layer.loss(x), [x], 0), rtol=1e-5)


def _grow_until(v):
    for k in range(3):
        v = v * 1.1
        if np.sum(v) > 1.0:
            break
    return v


def _first_big(v):
    total = v * 0.0
    for k in range(5):
        total = total + np.sin(v * k)
        if np.sum(total) > 1.0:
            return total * 2.0
    return total


def _grow_while(v):
    while True:
        v = np.sin(v) + 0.9 * v
        if np.sum(v * v) > 4.0:
            break
    return v


def calls_loops_cut_short(x):
    return np.sum(_grow_until(x) * _first_big(x)) + np.sum(_grow_while(x))


@pytest.mark.parametrize("x", [np.array([0.3, 0.5]), np.array([0.05, 0.1])])
def test_helpers_whose_loops_break_or_return(x):
    """The trip counts of a helper's loops that break or return early go on the tape with the
    rest of what its backward needs (they were read unbound)."""
    check_grad(calls_loops_cut_short, x)
    check_hvp(calls_loops_cut_short, x, vector=np.array([1.0, -0.5]))


def _scaled(v, *, k, shift=0.0):
    return v * k + shift


def calls_keyword_only(x, c):
    fixed = _scaled(2.0, k=3.0)           # no argument differentiated: the function itself
    return np.sum(_scaled(x, k=c, shift=fixed) * x)


def test_helpers_with_keyword_only_parameters():
    x = np.array([0.3, -0.5])
    for wrt in (0, 1):
        check_grad(calls_keyword_only, x, 0.7, wrt=wrt)
    from gradcheck import check_jvp
    check_jvp(calls_keyword_only, x, 0.7, wrt=(0, 1))
    check_hvp(calls_keyword_only, x, 0.7, vector=np.array([1.0, 2.0]))


def _square(v):
    return v * v


def _cube(v):
    return v * v * v


_edited_helper = _square


def calls_edited_helper(x):
    return np.sum(_edited_helper(x))


def test_a_helper_redefined_after_the_first_call_is_followed():
    """As when a notebook cell redefines a helper: the derivative is made again, not reused."""
    global _edited_helper
    x = np.array([0.5, -2.0])
    grad = srcdiff.grad(calls_edited_helper)
    jvp = srcdiff.jvp(calls_edited_helper)
    from gradcheck import numerical_grad
    try:
        np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0),
                                   rtol=1e-6)
        _edited_helper = _cube
        check_grad(calls_edited_helper, x)
        np.testing.assert_allclose(grad(x), srcdiff.grad(calls_edited_helper)(x))
        np.testing.assert_allclose(jvp(x, np.ones(2))[1], np.sum(grad(x)))
        np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0),
                                   rtol=1e-6)
    finally:
        _edited_helper = _square
    np.testing.assert_allclose(grad(x), numerical_grad(calls_edited_helper, [x], 0), rtol=1e-6)


# --- free names of helpers: closures and other modules --------------------------------------
# A helper's free names are read where the helper finds them (its closure, its module's
# globals), not where the differentiated function would: they were NameErrors, or worse, the
# caller's own value of the same name.
import calls_helpers  # noqa: E402
import calls_helpers_more  # noqa: E402

DATA = np.array([5.0, -5.0, 7.0])   # not the DATA the imported helpers read


def _check_every_mode(f, x, *rest):
    """First order in both modes, second order (hessian, hvp, grad of grad) against central
    differences of the gradient (itself checked against f)."""
    from gradcheck import check_jvp
    check_grad(f, x, *rest)
    check_jvp(f, x, *rest)
    g = srcdiff.grad(f)
    eps = 1e-6
    want = np.stack([(g(x + e, *rest) - g(x - e, *rest)) / (2 * eps)
                     for e in np.eye(x.size) * eps], axis=-1)
    assert np.abs(want).max() > 0.1
    np.testing.assert_allclose(srcdiff.hessian(f)(x, *rest), want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(srcdiff.grad(g)(x, *rest), want.sum(axis=1), rtol=1e-5,
                               atol=1e-7)
    check_hvp(f, x, *rest, vector=np.array([1.0, -2.0, 0.5])[:x.size])


def make_closure_loss(k):
    def g(x):
        return x * k

    def f(x):
        return np.sum(g(x) ** 2 * DATA)
    return f


def make_nested_closure_loss(k, shift):
    def inner(x):
        return np.sin(x) * k

    def outer(x):
        return inner(x) * inner(x + shift)

    def f(x):
        return np.sum(outer(x)) + k
    return f


def calls_weighted(x):
    return calls_helpers.weighted(x) * np.sum(DATA * x)


def calls_helper_of_third_module(x):
    return calls_helpers.uses_third_module(x) ** 2


@pytest.mark.parametrize("f", [make_closure_loss(2.0), make_closure_loss(-0.5),
                               make_nested_closure_loss(1.5, 0.3), calls_weighted,
                               calls_helper_of_third_module],
                         ids=["closure_k2", "closure_k-0.5", "nested_closure", "module_global",
                              "third_module"])
def test_free_names_of_helpers(f):
    _check_every_mode(f, np.array([0.4, -0.3, 0.8]))


def make_rebindable(k):
    def g(x):
        return np.sin(x) * k

    def f(x):
        return np.sum(g(x) * x)

    def set_k(value):
        nonlocal k
        k = value
    return f, set_k


def test_a_helpers_closure_value_rebound_after_the_first_call_is_followed():
    f, set_k = make_rebindable(2.0)
    x = np.array([0.4, -0.3, 0.8])
    grad, jvp, hessian = srcdiff.grad(f), srcdiff.jvp(f), srcdiff.hessian(f)
    first = grad(x)
    check_grad(f, x)
    set_k(-3.0)
    assert not np.allclose(grad(x), first)
    _check_every_mode(f, x)
    for d, again in ((grad, srcdiff.grad(f)), (hessian, srcdiff.hessian(f))):
        np.testing.assert_allclose(d(x), again(x))
    v = np.array([1.0, 0.5, -1.0])
    np.testing.assert_allclose(jvp(x, v)[1], srcdiff.grad(f)(x) @ v)


def test_module_constants_rebound_after_the_first_call_are_read_again():
    x = np.array([0.4, -0.3, 0.8])
    grad, jvp = srcdiff.grad(calls_helper_of_third_module), srcdiff.jvp(
        calls_helper_of_third_module)
    hessian = srcdiff.hessian(calls_weighted)
    first, first_h = grad(x), hessian(x)
    old_scale, old_data = calls_helpers_more.SCALE, calls_helpers.DATA
    try:
        calls_helpers_more.SCALE = -1.5
        calls_helpers.DATA = np.array([0.5, 3.0, 1.0])
        assert not np.allclose(grad(x), first)
        assert not np.allclose(hessian(x), first_h)
        _check_every_mode(calls_helper_of_third_module, x)
        _check_every_mode(calls_weighted, x)
        v = np.array([1.0, 0.5, -1.0])
        np.testing.assert_allclose(jvp(x, v)[1], grad(x) @ v)
    finally:
        calls_helpers_more.SCALE, calls_helpers.DATA = old_scale, old_data
    np.testing.assert_allclose(grad(x), first)


def test_emitted_code_reads_another_modules_globals_through_the_module():
    g = srcdiff.grad(calls_helper_of_third_module)
    g(np.array([0.4, -0.3, 0.8]))
    text = srcdiff.source(g)
    assert "calls_helpers.DATA" in text and "calls_helpers_more.SCALE" in text
    g = srcdiff.grad(make_closure_loss(2.0))
    g(np.array([0.4, -0.3, 0.8]))
    assert "x * k_of_g" in srcdiff.source(g)


# --- helpers that change what they are given --------------------------------------------
# NumPy changes the caller's array; the derivative of a call follows only its result, so
# each form is refused, pointing at the write, whether or not the argument is
# differentiated (when it is not, the helper ran as is and changed the caller's array).
def _center(v):
    v -= v.mean()
    return 1.0


def _scale_first(v):
    v[0] = v[0] * 3.0
    return 1.0


def _scale_all(v):
    v *= 2.0
    return 1.0


def _fill_slice(v, c=1.5):
    v[:] = c * 2.0
    return 1.0


def _through_alias(v):
    w = v
    w[1] += 1.0
    return 1.0


def _through_view(v):
    r = v[1:]
    r *= 2.0
    return 1.0


def _fills(v):
    v.fill(0.5)
    return 1.0


class _Model:
    def __init__(self, w):
        self.w = w

    def nudge(self, x):
        self.w[0] = np.sum(x)
        return np.sum(self.w * x)

    def decay(self, x):
        self.w -= 0.1 * self.w
        return np.sum(self.w * x)


def centers(x):
    y = x * 1.0
    s = _center(y)
    return np.sum(y ** 2) * s


WRITERS = {"sub": (_center, "v -= v.mean()"), "item": (_scale_first, "v[0] = v[0] * 3.0"),
           "mul": (_scale_all, "v *= 2.0"), "slice": (_fill_slice, "v[:] = c * 2.0"),
           "alias": (_through_alias, "w[1] += 1.0"), "view": (_through_view, "r *= 2.0"),
           "fill": (_fills, "v.fill(0.5)")}


def _calls(helper):
    def active(x, c):
        y = x * 1.0
        s = helper(y)
        return np.sum(y ** 2) * s + np.sum(x * c)

    def inactive(x, c):
        s = helper(c)
        return np.sum(x * c) * s
    return active, inactive


# item writes of a helper into a name its caller made and reads after (`y = x * 1.0;
# helper(y); ... y ...`) differentiate (srcdiff/writing_helpers.py), and so do augmented
# updates (`v -= ...`, `v *= ...`: the helper's variant where the run gives an array); so
# does every write into the caller's own argument where that argument is not differentiated
# (it gets its own copy first, as one the caller writes itself); the other forms stay
# refused at the write
WRITTEN_BACK = {"alias", "fill", "item", "mul", "slice", "sub", "view"}   # (alias:
# alias_groups.py; fill: v[...] = 0.5, out_writes.py; view: `r = v[1:]; r *= 2.0`, a
# single-slice view of the parameter written, view_writes.py since session 21)
FOLLOWED_UNDIFFERENTIATED = {"alias", "fill", "item", "mul", "slice", "sub", "view"}


@pytest.mark.parametrize("form", sorted(WRITERS))
def test_helpers_writing_into_their_arguments_are_refused_at_the_write(form):
    import inspect
    helper, text = WRITERS[form]
    lines, start = inspect.getsourcelines(helper)
    lineno = start + next(i for i, line in enumerate(lines) if line.strip() == text)
    x0, c0 = np.array([0.3, 0.6, 1.0]), np.array([1.0, 2.0, 4.0])
    for f in _calls(helper):
        if f.__name__ == "active" and form in WRITTEN_BACK:
            check(f, x0.copy(), c0.copy(), wrt=(0, 1))
            continue
        if f.__name__ == "inactive" and form in FOLLOWED_UNDIFFERENTIATED:
            x, c = x0.copy(), c0.copy()
            check(f, x, c, wrt=0)
            for make in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.hessian):
                make(f)(x, c)
            srcdiff.jvp(f)(x, c, np.ones(3))
            np.testing.assert_array_equal(x, x0)
            np.testing.assert_array_equal(c, c0)   # the caller's arrays are left alone
            continue
        for make in (srcdiff.grad, srcdiff.value_and_grad, srcdiff.jvp, srcdiff.hessian,
                     srcdiff.hvp):
            x, c = x0.copy(), c0.copy()
            extra = (np.ones(3),) if make in (srcdiff.jvp, srcdiff.hvp) else ()
            with pytest.raises(srcdiff.SrcdiffError) as info:
                make(f)(x, c, *extra)
            err = info.value
            assert (err.filename, err.lineno) == (__file__, lineno), str(err)
            assert err.line.strip() == text
            np.testing.assert_array_equal(x, x0)
            np.testing.assert_array_equal(c, c0)   # the caller's arrays are left alone


def test_the_issues_centering_helper_is_followed():
    # (`v -= v.mean()` on y, an array: the helper's variant's copy becomes y)
    x = np.array([0.3, 0.6, 1.0])
    check(centers, x)
    np.testing.assert_array_equal(x, [0.3, 0.6, 1.0])


def nudges(x, model):
    return model.nudge(x)


def decays(x, model):
    return model.decay(x)


@pytest.mark.parametrize("loss", [nudges, decays], ids=lambda f: f.__name__)
def test_methods_writing_into_their_objects_arrays_are_refused(loss):
    w = np.array([1.0, -2.0, 0.5])
    model = _Model(w)
    x = np.array([0.3, 0.6, 1.0])
    for make in (srcdiff.grad, srcdiff.jvp):
        extra = (np.ones(3),) if make is srcdiff.jvp else ()
        with pytest.raises(srcdiff.SrcdiffError, match="writes into its argument 'self'"):
            make(loss)(x, model, *extra)
    np.testing.assert_array_equal(model.w, [1.0, -2.0, 0.5])


def _rebinds_then_writes(v):
    v = v * 1.0
    v[0] = v[1] * v[2]
    v -= 0.5
    return v


def _number_update(t, v):
    t += 1.0
    t *= np.sum(v)
    return t * v


def helpers_that_change_only_their_own_values(x):
    y = _rebinds_then_writes(x)
    return np.sum(_number_update(2.0, y) * x) + np.sum(_number_update(np.sum(x), x))


def test_helpers_changing_only_their_own_values_are_differentiated():
    x = np.array([0.4, -0.3, 0.8])
    _check_every_mode(helpers_that_change_only_their_own_values, x)


def _load_unlisted():
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "calls_unlisted.py")
    spec = importlib.util.spec_from_file_location("calls_unlisted_private", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UNLISTED = _load_unlisted()


def calls_unlisted_module(x):
    return UNLISTED.sine_sum(x) ** 2


def test_globals_of_a_module_missing_from_sys_modules_are_bound_and_followed():
    x = np.array([0.4, -0.3, 0.8])
    grad, hessian = srcdiff.grad(calls_unlisted_module), srcdiff.hessian(calls_unlisted_module)
    first, first_h = grad(x), hessian(x)
    _check_every_mode(calls_unlisted_module, x)
    try:
        UNLISTED.K = -3.0
        assert not np.allclose(grad(x), first)
        assert not np.allclose(hessian(x), first_h)
        _check_every_mode(calls_unlisted_module, x)
    finally:
        UNLISTED.K = 2.0
    np.testing.assert_allclose(grad(x), first)


def _mark(m, k):
    m |= k
    return 1.0


def marks_a_mask(x):
    m = x > 0.5
    s = _mark(m, x < 0.4)
    return np.sum(x * m) * s


def marks_numbers(x):
    return np.sum(x * x) * _mark(3, 4)


def writes_into_enclosing_array(x):
    buf = np.zeros(3)

    def put(v):
        buf[0] = v
        return 0.0
    t = put(x[0])
    return np.sum(buf * x) + t


def test_other_in_place_operators_and_enclosing_arrays():
    x = np.array([0.3, 0.6, 1.0])
    # (m, a comparison's result: an array srcdiff does not follow writes into)
    with pytest.raises(srcdiff.SrcdiffError, match=r"writing into m here would change"):
        srcdiff.grad(marks_a_mask)(x)
    check_grad(marks_numbers, x)   # ints are rebound: nothing to refuse
    # a closure's item write into the enclosing array is followed (srcdiff/nonlocal_arrays.py)
    check(writes_into_enclosing_array, x)


SHADOWED = 2.0


def _reads_module_global(x):
    return np.sin(x) * SHADOWED


def make_shadowing_closure(SHADOWED):   # noqa: N803 (the name is the point)
    def f(x):
        return np.sum(_reads_module_global(x) * x) * SHADOWED
    return f


def test_a_helper_reads_its_global_not_the_callers_closure_variable_of_that_name():
    """The differentiated function's closure has a SHADOWED of its own; the helper reads
    the module's (the emitted code reads the closure first, so the helper's read goes
    through the module)."""
    f = make_shadowing_closure(-3.0)
    _check_every_mode(f, np.array([0.4, -0.3, 0.8]))


def _zero_first_column(m):
    for i, row in enumerate(m):
        row[0] = 0.0
    return 1.0


def _set_through_row_list(m):
    rows = [r for r in m]
    rows[0][1] = 2.0
    return 1.0


def _set_through_numpy_view(m):
    w = np.reshape(m, (m.size,))
    w[0] = 9.0
    return 1.0


def _reorders_a_list_of_rows(m):
    rows = [m[0], m[1]]
    rows[0] = rows[1] * 2.0
    for i, row in enumerate(rows):
        i += 1
    return np.sum(np.stack(rows) ** 2)


@pytest.mark.parametrize("helper, text", [
    (_set_through_row_list, "rows[0][1] = 2.0"),
    (_set_through_numpy_view, "w[0] = 9.0")], ids=["row_list", "numpy_view"])
def test_writes_through_rows_and_views_of_an_argument_are_refused(helper, text):
    m0 = np.array([[0.3, 0.6], [1.0, -0.5]])

    def loss(m):
        y = m * 1.0
        return np.sum(y ** 2) * helper(y)
    for make in (srcdiff.grad, srcdiff.jvp):
        m = m0.copy()
        extra = (np.ones((2, 2)),) if make is srcdiff.jvp else ()
        with pytest.raises(srcdiff.SrcdiffError) as info:   # (at the write, whatever why)
            make(loss)(m, *extra)
        assert info.value.line.strip() == text
        np.testing.assert_array_equal(m, m0)


def zeroes_a_column_of_its_argument(m):
    y = m * 1.0
    z = y
    _zero_first_column(y)   # (its loop over the rows of an array argument: written back)
    return np.sum(y ** 2) + np.sum(z * m)


def test_a_helper_writing_through_the_rows_of_an_array_argument_differentiates():
    """_zero_first_column(y) writes into y's rows (`for i, row in enumerate(m): row[0] =
    0.0`): for an array argument loop_rows writes each row back, and the caller's y (and z,
    the same array) see it; refused before, when a parameter's kind was not used."""
    check_grad(zeroes_a_column_of_its_argument, np.array([[0.3, 0.6], [1.0, -0.5]]))
    from gradcheck import check
    check(zeroes_a_column_of_its_argument, np.array([[0.3, 0.6], [1.0, -0.5]]), order=2)


def reorders_rows(m):
    return _reorders_a_list_of_rows(m * 1.5)


def test_a_new_list_of_an_arguments_rows_may_be_changed():
    """[m[0], m[1]] is a new list: rebinding its items changes nothing the caller holds."""
    from gradcheck import check_jvp
    m = np.array([[0.3, 0.6], [1.0, -0.5]])
    check_grad(reorders_rows, m)
    check_jvp(reorders_rows, m)
    check_hvp(reorders_rows, m, vector=np.array([[1.0, -2.0], [0.5, 0.25]]))


def returns_before_its_loop(t, u):
    if u > 0.0:
        return np.inner(t, t)
    for i in range(2):
        if u < -5.0:
            return t[1]
        t = np.sin(t) * u
    return t[0]


def calls_a_helper_returning_before_its_loop(x, s):
    return 0.5 * np.tanh(returns_before_its_loop(x, s)) + np.sum(x * x * x)


@pytest.mark.parametrize("s", [0.3, -0.4])
def test_helper_returning_before_a_loop_it_may_not_reach(s):
    """Found by the random-program tester: a helper returning early, before a loop that
    itself may return, pushed that loop's range and trip count unbound
    (UnboundLocalError) when the early return was taken."""
    x = np.array([0.8, 0.09, 0.72])
    check_grad(calls_a_helper_returning_before_its_loop, x, s, wrt=(0, 1))
    check_jvp(calls_a_helper_returning_before_its_loop, x, s, wrt=(0, 1))
    check_hvp(calls_a_helper_returning_before_its_loop, x, s,
              vector=np.array([0.3, 1.0, -0.6]))


# -- defaults that are not literals: evaluated once, when the def ran ---------------------
def _with_defaults():
    offsets = np.array([0.5, -1.0, 2.0])

    def helper(x, y=offsets, act=np.tanh, scale=(2.0, offsets)):
        return np.sum(act(x * y) * scale[1]) * scale[0]

    def uses_defaults(x):
        return helper(x) * 2.0 + helper(x, act=np.sin)

    def passes_on(x, *rest):
        return helper(x, *rest)

    def variadic_defaults(x):
        return passes_on(x) + passes_on(x, x)

    def writes(x, buf=offsets):
        buf[0] = 1.0
        return np.sum(x * buf)

    def calls_writer(x):
        return writes(x)

    return uses_defaults, variadic_defaults, calls_writer, offsets


def test_a_default_array_function_and_tuple_are_the_objects_the_def_made():
    uses_defaults, variadic_defaults, _, offsets = _with_defaults()
    x = np.array([0.3, -0.2, 0.5])
    for f in (uses_defaults, variadic_defaults):
        assert srcdiff.value_and_grad(f)(x)[0] == pytest.approx(f(x))
        check(f, x, wrt=(0,), order=2)
    text = srcdiff.source(srcdiff.grad(uses_defaults))
    assert "helper_default_y" in text and "helper_default_act" in text
    offsets[:] = [1.0, 2.0, 3.0]   # the same object, as Python reads it at the next call
    check(uses_defaults, x, wrt=(0,), order=1)


def test_a_callee_writing_into_its_default_is_refused_at_the_write():
    _, _, calls_writer, _ = _with_defaults()
    with pytest.raises(srcdiff.UnsupportedCodeError, match=r"test_calls.py:\d+.*in place"):
        srcdiff.grad(calls_writer)(np.ones(3))


def _made(x):
    return x * 2.0


def _step_down(v, w):
    v -= w * 0.5
    return v


def passes_a_helpers_result_to_an_updating_helper(x, w):
    u = _made(x)
    return np.sum(_step_down(u, w) ** 2)


def test_minus_equals_on_what_a_helper_returned_is_no_list_growth():
    """`v -= ...` has no in-place form on a list or tuple: on a value a user function returned
    it is an array's update, never a list grown (fluidsim's project(vx, vy)). _made returns
    a new array nobody else holds (alias_flow_fresh proves it), so the update is unseen and
    differentiates; passed the caller's own x (its own copy), the helper's variant updates a
    copy of it, which becomes x."""
    check(passes_a_helpers_result_to_an_updating_helper, np.array([0.5, -1.0]),
          np.array([0.3, 0.2]), wrt=(0, 1))

    def passes_its_own_input(x, w):
        return np.sum(_step_down(x, w) ** 2) + np.sum(x)
    check(passes_its_own_input, np.array([0.5, -1.0]), np.array([0.3, 0.2]), wrt=(0, 1))
