"""The public API: decorators, value_and_grad, vjp, types of gradients (wrt= and argnums= are
in tests/test_wrt.py, the caching of compiled variants in tests/test_derivative.py)."""
import inspect
import traceback

import numpy as np
import pytest

import srcdiff
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad


def loss(w, x, scale=2.0):
    return np.sum((w * x - 1.0) ** 2) * scale


W = np.array([0.5, -1.0, 2.0])
X = np.array([1.0, 2.0, -0.5])


def test_decorator_forms():
    @srcdiff.grad
    def a(x):
        return np.sum(x * x)

    @srcdiff.grad(wrt="y")
    def b(x, y):
        return np.sum(x * y * y)

    np.testing.assert_allclose(a(W), 2 * W)
    np.testing.assert_allclose(b(W, X), 2 * W * X)


def test_keyword_arguments_and_defaults():
    g = srcdiff.grad(loss)
    np.testing.assert_allclose(g(W, X), g(W, x=X, scale=2.0))
    np.testing.assert_allclose(g(W, X, 4.0), 2 * g(W, X))


def test_signature_is_the_functions():
    g = srcdiff.grad(loss)
    assert list(inspect.signature(g).parameters) == ["w", "x", "scale"]


def test_value_and_grad():
    value, g = srcdiff.value_and_grad(loss)(W, X)
    assert value == pytest.approx(loss(W, X))
    np.testing.assert_allclose(g, srcdiff.grad(loss)(W, X))


# --- issue 12 item 1: the value returned is what f returns ----------------------------
# The adjoint pops old values back into the names the function overwrote, writes old items
# back into arrays and pops lists; the value and aux are kept before it runs.
def squares_twice(x):
    v = x * 2.0
    v = v * v
    return v


def summed_squares_twice(x):
    v = x * 2.0
    v = v * v
    return np.sum(v)


def early_return(x, y):
    if x > 0:
        return x * y
    return y * 2.0


def scaled_in_loop(x):
    v = x * 1.0
    for r in [2.0, 3.0]:
        v = v * r
    return v


def writes_item(v):
    w = v * 1.0
    w[0] = w[1] * w[0]
    return w


def aux_written_by_helper(x):
    y = writes_item(x)
    return np.sum(y * y), y


def aux_written_in_place(x):
    """The item write comes before the pair is built: returning y is no alias problem."""
    y = x * 1.0
    y[1] = y[0] * 2.0
    s = np.sum(y ** 2)
    return s, y


def aux_list_appended(x):
    out = []
    for i in range(3):
        out.append(x * i)
    s = np.sum(out[1] ** 2 + out[2])
    return s, out


def aux_list_popped(x):
    out = [x, x * 2.0]
    z = out.pop()
    return np.sum(z * x), out


def aux_overwritten(x):
    v = x * 2.0
    a = v
    v = v * v
    a = a + 1.0
    return np.sum(v), a


def _same(got, want):
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("f, args", [
    (summed_squares_twice, (np.array([0.3, 0.6, 1.0]),)),
    (squares_twice, (np.array([0.3, 0.6, 1.0]),)),   # the gradient of the sum of the output
    (early_return, (1.5, 2.0)), (early_return, (-1.5, 2.0)),
    (early_return, (np.array(0.5), np.array(3.0))),
    (scaled_in_loop, (2.0,)), (scaled_in_loop, (np.array(-0.5),)),
], ids=["overwritten", "overwritten_vector", "return_if", "return_after", "return_0d", "loop", "loop_0d"])
def test_value_and_grad_returns_the_functions_value(f, args):
    want = f(*args)
    value, grad = srcdiff.value_and_grad(f)(*args)
    _same(value, want)
    np.testing.assert_allclose(grad, check_grad(f, *args))


@pytest.mark.parametrize("f", [aux_written_by_helper, aux_written_in_place, aux_list_appended, aux_list_popped,
                               aux_overwritten])
def test_value_and_grad_with_aux_returns_the_functions_values(f):
    x = np.array([0.5, 2.0, 3.0])
    want_value, want_aux = f(x.copy())
    (value, aux), grad = srcdiff.value_and_grad(f, has_aux=True)(x)
    _same(value, want_value)
    _same(aux, want_aux)
    np.testing.assert_allclose(grad, numerical_grad(lambda x: f(x)[0], [x], 0), rtol=1e-6)
    g, aux2 = srcdiff.grad(f, has_aux=True)(x)
    _same(aux2, want_aux)
    np.testing.assert_allclose(g, grad)


def test_vector_output_overwritten_value_in_jvp_and_vjp():
    x = np.array([0.3, 0.6, 1.0])
    check_jvp(squares_twice, x)  # checks the value against squares_twice(x) too
    check_vjp(squares_twice, x, cotangent=np.array([1.0, -2.0, 0.5]))
    check_jvp(scaled_in_loop, x)


def test_vjp_positional_and_keyword_cotangent():
    def f(x):
        return x * x * 3.0
    cot = np.array([1.0, -2.0, 0.5])
    got = check_vjp(f, W, cotangent=cot)
    np.testing.assert_allclose(srcdiff.vjp(f)(W, cotangent=cot), got)


def test_vjp_cotangent_shape_is_checked():
    with pytest.raises(srcdiff.ArgumentError, match="cotangent has shape"):
        srcdiff.vjp(lambda x: x * 2.0)(W, np.ones(4))


def test_gradient_types_follow_inputs():
    f = lambda x: x * x * x  # noqa: E731
    assert isinstance(srcdiff.grad(f)(2.0), float)
    g0 = srcdiff.grad(f)(np.array(2.0))
    assert isinstance(g0, np.ndarray) and g0.shape == ()
    g32 = srcdiff.grad(f)(np.ones(3, dtype=np.float32))
    assert g32.dtype == np.float32 and g32.shape == (3,)
    gs = srcdiff.grad(f)(np.float64(2.0))
    assert type(gs) is np.float64 and gs == 12.0
    # a 0-d input whose adjoint ends as a Python float (seeded by `1.0`) or an int
    def doubled(x):
        return x.sum() * 2.0

    def zero(x):
        return np.sum(x) * 0
    for fn in (doubled, zero):
        for dtype in (np.float64, np.float32):
            g = srcdiff.grad(fn)(np.array(3.0, dtype=dtype))
            assert type(g) is np.ndarray and g.shape == () and g.dtype == dtype
            assert g.flags.writeable and g == fn(np.array(1.0))


def test_output_independent_of_input_gives_zeros():
    g = srcdiff.grad(lambda x, y: np.sum(y * y), wrt=0)(W, X)
    np.testing.assert_array_equal(g, np.zeros_like(W))


@pytest.mark.parametrize("bad", [3, np.arange(3), np.array([True, False]), "text", None])
def test_integer_and_non_numeric_inputs_are_refused(bad):
    with pytest.raises(srcdiff.ArgumentError, match="cannot differentiate with respect to x"):
        srcdiff.grad(lambda x: x * 2.0)(bad)


def test_stop_gradient_is_identity():
    assert srcdiff.stop_gradient(3.0) == 3.0

    def z(x):
        u = srcdiff.stop_gradient(x * x)
        return np.sum(u * x)
    np.testing.assert_allclose(srcdiff.grad(z)(W), W * W)


def test_source_getsource_and_markdown():
    g = srcdiff.grad(loss)
    text = srcdiff.source(g)
    assert text.startswith("# Code generated by srcdiff")
    assert "def grad_loss(w, x, scale=2.0):" in text   # the user's default, shown
    assert "def grad_loss" in inspect.getsource(g)
    assert "```python" in g._repr_markdown_()


def test_traceback_shows_emitted_lines():
    def bad(x):
        return np.sum(x @ x)
    g = srcdiff.grad(bad)
    with pytest.raises(ValueError) as info:
        g(np.ones((2, 3)))
    frames = traceback.extract_tb(info.tb)
    emitted = [fr for fr in frames if fr.filename.startswith("srcdiff-generated")]
    assert emitted and emitted[-1].line  # the emitted source line is shown


def test_import_aliases_resolve_by_object():
    import numpy
    from numpy import sum as total

    def a(x):
        return numpy.sum(x * x)

    def b(x):
        return total(x * x)
    np.testing.assert_allclose(srcdiff.grad(a)(W), 2 * W)
    np.testing.assert_allclose(srcdiff.grad(b)(W), 2 * W)
    assert "= total(" not in srcdiff.source(srcdiff.grad(b))


SCALE = np.array([1.0, 2.0, 3.0])


def uses_global(x):
    return np.sum(SCALE * x * x)


def test_globals_are_read_live():
    global SCALE
    g = srcdiff.grad(uses_global)
    np.testing.assert_allclose(g(W), 2 * SCALE * W)
    old = SCALE
    try:
        SCALE = np.array([5.0, 5.0, 5.0])
        np.testing.assert_allclose(g(W), 10 * W)
    finally:
        SCALE = old


def test_closure_values():
    k = 3.0

    def f(x):
        return np.sum(k * x * x)
    np.testing.assert_allclose(srcdiff.grad(f)(W), 6 * W)


def test_plot_example_runs(tmp_path):
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples"))
    import plot_sin_derivative
    out = plot_sin_derivative.main(str(tmp_path / "sin.png"))
    if out is not None:
        assert os.path.getsize(out) > 1000


def scaled(x, s=2.0, *, shift=0.5):
    return np.sum(np.sin(x) * s ** 2 + shift * x)


def test_functions_with_defaults_in_every_mode():
    """jvp/vjp/hvp take the function's arguments (defaults filled in as a call would), then
    the tangents, cotangent or vector last or by name."""
    from gradcheck import check_hvp, check_jvp, check_vjp, numerical_grad
    x = np.array([0.3, -0.8, 1.1])
    np.testing.assert_allclose(srcdiff.grad(scaled)(x), numerical_grad(scaled, [x], 0),
                               rtol=1e-6)
    value, tangent = srcdiff.jvp(scaled)(x, np.ones(3))
    assert value == pytest.approx(scaled(x))
    assert tangent == pytest.approx(np.sum(numerical_grad(scaled, [x], 0)), rel=1e-6)
    assert srcdiff.jvp(scaled)(x, tangent_x=np.ones(3))[1] == pytest.approx(tangent)
    check_jvp(scaled, x, 3.0)
    check_vjp(scaled, x, 3.0, cotangent=2.0)
    got = srcdiff.vjp(scaled)(x, 2.0)
    np.testing.assert_allclose(got, 2.0 * numerical_grad(scaled, [x], 0), rtol=1e-6)
    v = np.array([1.0, 0.5, -2.0])
    check_hvp(scaled, x, vector=v)          # s from its default
    check_hvp(scaled, x, 3.0, vector=v)


class Scaler:
    def scaled(self, x, s=2.0, *, shift=0.5):
        return np.sum(np.sin(x) * s ** 2 + shift * x)


def test_methods_with_defaults_in_jvp_and_vjp():
    """A bound method's jvp/vjp fills its defaults as a call would (the tangent was taken
    for the defaulted parameter: a TypeError)."""
    from gradcheck import numerical_grad
    x, method = np.array([0.3, -0.8, 1.1]), Scaler().scaled
    fd = numerical_grad(method, [x], 0)
    v = np.array([1.0, 0.5, -2.0])
    value, tangent = srcdiff.jvp(method)(x, v)
    assert value == pytest.approx(method(x)) and tangent == pytest.approx(fd @ v, rel=1e-6)
    assert srcdiff.jvp(method)(x, 3.0, v)[1] == pytest.approx(
        numerical_grad(lambda x: method(x, 3.0), [x], 0) @ v, rel=1e-6)
    np.testing.assert_allclose(srcdiff.vjp(method)(x, 2.0), 2.0 * fd, rtol=1e-6)


def keyword_only_without_default(x, s=2.0, *, k):
    return np.sum(x * s + k * x * x)


def test_keyword_only_parameters_after_defaults():
    from gradcheck import numerical_grad
    x = np.array([0.3, -0.8])
    f = keyword_only_without_default
    np.testing.assert_allclose(srcdiff.grad(f)(x, k=3.0),
                               numerical_grad(lambda x: f(x, k=3.0), [x], 0), rtol=1e-6)
    np.testing.assert_allclose(srcdiff.grad(f)(x, 1.0, k=3.0),
                               numerical_grad(lambda x: f(x, 1.0, k=3.0), [x], 0), rtol=1e-6)


# --- no entry point changes the caller's arguments; in-place updates are followed --------
def doubles_in_place(x):
    x *= 2.0
    return np.sin(x) * x[0]


def updates_in_place(x):
    x *= 2.0
    x[0] = x[1] * x[2]
    x[1:] += x[:-1] ** 2
    return np.sum(np.sin(x) * x)


def updates_list_item(p):
    p[0] *= 2.0
    p[1] += p[0] ** 2
    return np.sum(np.sin(p[0]) * p[1])


def updates_dict_item(p):
    p["a"] *= 2.0
    p["b"] += p["a"] ** 2
    return np.sum(np.sin(p["a"]) * p["b"])


def _unchanged(before, after):
    from gradcheck import assert_close_tree
    assert_close_tree(after, before, 0, 0, "the caller's argument was changed")


def test_no_entry_point_changes_the_callers_arrays():
    from gradcheck import check_grad, check_hvp, check_jvp, check_vjp, copy_tree
    x0 = np.array([0.3, 0.6, 1.0])
    eps = 1e-6

    def fresh(f):  # the function on copies, as finite differences need
        return lambda x: f(x.copy())

    # Jacobians: reverse mode ran f on the caller's array (taken at the doubled point)
    for mode in ("reverse", "forward"):
        x = x0.copy()
        got = srcdiff.jacobian(doubles_in_place, mode=mode)(x)
        _unchanged(x0, x)
        want = np.stack([(fresh(doubles_in_place)(x0 + e) - fresh(doubles_in_place)(x0 - e))
                         / (2 * eps) for e in np.eye(3) * eps], axis=-1)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    f = updates_in_place
    x = x0.copy()
    check_grad(f, x)
    check_jvp(f, x)
    check_vjp(doubles_in_place, x, cotangent=np.array([1.0, -2.0, 0.5]))
    _unchanged(x0, x)
    value, gradient = srcdiff.value_and_grad(f)(x)
    _unchanged(x0, x)
    assert value == fresh(f)(x0)
    np.testing.assert_allclose(gradient, srcdiff.grad(f)(x0.copy()))
    g = srcdiff.grad(f)
    want = np.stack([(g(x0 + e) - g(x0 - e)) / (2 * eps) for e in np.eye(3) * eps], axis=-1)
    for second in (srcdiff.hessian(f), srcdiff.jacobian(g), srcdiff.jacobian(g, mode="forward")):
        x = copy_tree(x0)
        np.testing.assert_allclose(second(x), want, rtol=1e-5, atol=1e-7)
        _unchanged(x0, x)
    x = x0.copy()
    np.testing.assert_allclose(srcdiff.grad(g)(x), want.sum(axis=1), rtol=1e-5, atol=1e-7)
    check_hvp(f, x, vector=np.array([1.0, -2.0, 0.5]))
    _unchanged(x0, x)


@pytest.mark.parametrize("f, make", [
    (updates_list_item, lambda: [np.array([0.3, 0.6]), np.array([1.0, -0.5])]),
    (updates_dict_item, lambda: {"a": np.array([0.3, 0.6]), "b": np.array([1.0, -0.5])}),
], ids=["list", "dict"])
def test_no_entry_point_changes_the_callers_containers(f, make):
    from gradcheck import assert_close_tree, copy_tree, flatten, numerical_grad

    def fresh(q):  # the function on copies, as finite differences need
        return f(copy_tree(q))
    want = numerical_grad(fresh, [make()], 0)
    p = make()
    assert_close_tree(srcdiff.grad(f)(p), want, 1e-5, 1e-6)
    _unchanged(make(), p)
    assert_close_tree(srcdiff.vjp(f)(p, 2.0), numerical_grad(lambda q: 2.0 * fresh(q),
                                                              [make()], 0), 1e-5, 1e-6)
    _unchanged(make(), p)
    value, gradient = srcdiff.value_and_grad(f)(p)
    _unchanged(make(), p)
    assert value == fresh(make())
    assert_close_tree(gradient, want, 1e-5, 1e-6)
    tangent = copy_tree(make())
    tangent_leaves = [np.array([1.0, -2.0]), np.array([0.5, 3.0])]
    tangent = flatten(tangent)[1](tangent_leaves)
    value, got = srcdiff.jvp(f)(p, tangent)
    _unchanged(make(), p)
    assert value == fresh(make())
    eps = 1e-6
    leaves, rebuild = flatten(make())
    plus = rebuild([a + eps * t for a, t in zip(leaves, tangent_leaves)])
    minus = rebuild([a - eps * t for a, t in zip(leaves, tangent_leaves)])
    assert got == pytest.approx((fresh(plus) - fresh(minus)) / (2 * eps), rel=1e-6)


def writes_items(x):
    y = x * 1.0
    y[0] = y[1] * y[2]
    y[1:] += y[:-1] ** 2
    return y


def writes_list_items(x):
    out = [x * 2.0, x * x]
    out[0] = out[0] * 3.0
    return out


def test_cotangents_tangents_and_vectors_are_left_alone():
    """The adjoint updates its seed in place (item writes): a vjp's cotangent was zeroed
    under the caller's name."""
    from gradcheck import check_hvp, check_jvp, check_vjp
    x = np.array([0.3, 0.6, 1.0])
    u0 = np.array([1.0, -2.0, 0.5])
    u = u0.copy()
    check_vjp(writes_items, x, cotangent=u)
    _unchanged(u0, u)
    us = [u0.copy(), u0 * 2.0]
    check_vjp(writes_list_items, x, cotangent=us)
    _unchanged([u0, u0 * 2.0], us)
    check_jvp(writes_items, x, tangents=[u])        # checks the tangent is left alone too
    check_jvp(writes_list_items, x, tangents=[u])
    check_hvp(lambda x: np.sum(writes_items(x) ** 2), x, vector=u)
    _unchanged(u0, u)
    _unchanged(np.array([0.3, 0.6, 1.0]), x)


def updates_a_list_it_is_given(x, p):
    p[0] *= 2.0
    p[1] += x
    return np.sum(np.sin(x * p[0]) * p[1])


def updates_a_dict_it_is_given(x, p):
    p["a"] *= 2.0
    p["b"] += x
    return np.sum(np.sin(x * p["a"]) * p["b"])


@pytest.mark.parametrize("f, make", [
    (updates_a_list_it_is_given, lambda: [np.array([1.0, 2.0]), np.array([0.5, -1.0])]),
    (updates_a_dict_it_is_given, lambda: {"a": np.array([1.0, 2.0]), "b": np.array([0.5, -1.0])}),
], ids=["list", "dict"])
def test_second_order_entry_points_leave_a_container_argument_alone(f, make):
    from gradcheck import copy_tree
    x = np.array([0.3, 0.6])
    g = srcdiff.grad(f)
    eps = 1e-6
    want = np.stack([(g(x + e, make()) - g(x - e, make())) / (2 * eps)
                     for e in np.eye(2) * eps], axis=-1)
    from gradcheck import numerical_grad
    np.testing.assert_allclose(g(x, make()), numerical_grad(
        lambda x, p: f(x, copy_tree(p)), [x, make()], 0), rtol=1e-6)
    for second, expected in ((srcdiff.hessian(f), want),
                             (srcdiff.jacobian(g), want), (srcdiff.grad(g), want.sum(axis=1)),
                             (lambda x, p: srcdiff.hvp(f)(
                                 x, p, np.ones(2)), want @ np.ones(2))):
        p = make()
        np.testing.assert_allclose(second(x, p), expected, rtol=1e-5, atol=1e-7)
        _unchanged(make(), p)
    for mode in ("forward", "reverse"):
        p = make()
        srcdiff.jacobian(f, mode=mode)(x, p)
        _unchanged(make(), p)


def scales_its_output_in_place(x, s):
    y = np.where(x > -0.3, x, 0.0)
    y[::2] *= np.tanh(s)
    return y


def test_vjp_leaves_the_callers_cotangent_alone():
    """Found by the random-program tester: when the output is updated in place, the adjoint
    updated its derivative in place too, which was the caller's cotangent array: the vjp
    changed it and (checked against finite differences afterwards) looked wrong."""
    x, u = np.array([0.3, 0.6, 1.0]), np.array([1.0, 2.0, 3.0])
    before = u.copy()
    check_vjp(scales_its_output_in_place, x, 0.5, cotangent=u, wrt=1)
    np.testing.assert_array_equal(u, before)
    check_vjp(scales_its_output_in_place, x, 0.5, cotangent=u, wrt=0)
    np.testing.assert_array_equal(u, before)


def test_show_is_imported_at_its_first_use():
    """`import srcdiff` does not import html_view.py (html, hashlib): srcdiff.show, `from
    srcdiff import show` and dir(srcdiff) still find it (api.package_attribute)."""
    import os
    import subprocess
    import sys
    probe = ("import sys, srcdiff\n"
             "before = 'srcdiff.html_view' in sys.modules\n"
             "listed = 'show' in dir(srcdiff)\n"
             "from srcdiff import show\n"
             "from srcdiff import html_view\n"
             "print(before, listed, show is html_view.show, srcdiff.show is show)\n"
             "try:\n    srcdiff.no_such_name\nexcept AttributeError:\n    print('raised')\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(srcdiff.__file__)))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=root), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True", "True", "raised"]
