"""srcdiff/wrt.py: which parameters a transform differentiates: `wrt=` by position or
name, JAX's `argnums=` by position, refused clearly otherwise."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check_grad, numerical_grad
from srcdiff import wrt as wrt_module


def loss(w, x, scale=2.0):
    return np.sum((w * x - 1.0) ** 2) * scale


W = np.array([0.5, -1.0, 2.0])
X = np.array([1.0, 2.0, -0.5])


def test_wrt_position_name_and_tuple():
    by_pos = srcdiff.grad(loss, wrt=1)(W, X)
    by_name = srcdiff.grad(loss, wrt="x")(W, X)
    np.testing.assert_allclose(by_pos, by_name)
    gw, gx = srcdiff.grad(loss, wrt=(0, "x"))(W, X)
    np.testing.assert_allclose(gx, by_pos)
    check_grad(loss, W, X, wrt=(0, 1))


@pytest.mark.parametrize("wrt, message", [(2, "out of range"), ("z", "not a parameter"),
                                          (1.5, "position or name"), ((), "empty")])
def test_bad_wrt(wrt, message):
    with pytest.raises(srcdiff.ArgumentError, match=message):
        srcdiff.grad(lambda x, y: x * y, wrt=wrt)


def _two_args(w, x):
    return np.sum(np.sin(w) * x ** 2)


def test_argnums_is_wrt_by_position_in_every_entry_point():
    """JAX's argnums= is accepted as wrt= given by position (and compared with wrt=)."""
    w, x = np.array([0.3, -0.7]), np.array([1.5, 0.4])
    v = np.array([0.2, -1.0])
    pairs = [
        (srcdiff.grad(_two_args, argnums=1)(w, x), srcdiff.grad(_two_args, wrt=1)(w, x)),
        (srcdiff.grad(_two_args, argnums=(0, 1))(w, x),
         srcdiff.grad(_two_args, wrt=(0, 1))(w, x)),
        (srcdiff.value_and_grad(_two_args, argnums=1)(w, x)[1],
         srcdiff.value_and_grad(_two_args, wrt="x")(w, x)[1]),
        (srcdiff.vjp(_two_args, argnums=1)(w, x, 2.0), srcdiff.vjp(_two_args, wrt=1)(w, x, 2.0)),
        (srcdiff.jvp(_two_args, argnums=1)(w, x, v)[1], srcdiff.jvp(_two_args, wrt=1)(w, x, v)[1]),
        (srcdiff.hvp(_two_args, argnums=1)(w, x, v), srcdiff.hvp(_two_args, wrt=1)(w, x, v)),
        (srcdiff.jacobian(_two_args, argnums=1)(w, x), srcdiff.jacobian(_two_args, wrt=1)(w, x)),
        (srcdiff.hessian(_two_args, argnums=1)(w, x), srcdiff.hessian(_two_args, wrt=1)(w, x)),
    ]
    for got, expected in pairs:
        for g, e in zip(np.atleast_1d(got) if not isinstance(got, tuple) else got,
                        np.atleast_1d(expected) if not isinstance(expected, tuple) else expected):
            assert np.allclose(g, e)
    # and the gradient itself is right (finite differences)
    assert np.allclose(srcdiff.grad(_two_args, argnums=1)(w, x),
                       numerical_grad(_two_args, (w, x), 1), rtol=1e-6)

    @srcdiff.grad(argnums=1)
    def decorated(w, x):
        return np.sum(w * x * x)
    assert np.allclose(decorated(w, x), 2 * w * x)


@pytest.mark.parametrize("kwargs, match", [
    (dict(wrt=1, argnums=0), "not both"),
    (dict(argnums="x"), "position"),
    (dict(argnums=(0, "x")), "position"),
    (dict(argnums=True), "position"),
])
def test_bad_argnums_is_a_clear_error(kwargs, match):
    with pytest.raises(srcdiff.ArgumentError, match=match):
        srcdiff.grad(_two_args, **kwargs)


@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "vjp", "jvp", "hessian", "hvp",
                                       "jacobian"])
@pytest.mark.parametrize("wrt", [0, 1, "x"])
def test_wrt_and_argnums_together_are_refused_naming_both(transform, wrt):
    """An explicit wrt=0 is not the default: with argnums=1 beside it, which one is meant is
    unknown (before, argnums won silently)."""
    with pytest.raises(srcdiff.ArgumentError, match="not both") as err:
        getattr(srcdiff, transform)(_two_args, wrt=wrt, argnums=1)
    assert f"wrt={wrt!r}" in str(err.value) and "argnums=1" in str(err.value)


def test_the_default_wrt_is_position_0_and_argnums_replaces_it():
    w, x = np.array([0.5, -1.0]), np.array([2.0, 0.3])
    np.testing.assert_allclose(srcdiff.grad(_two_args)(w, x), numerical_grad(_two_args, (w, x), 0))
    v = np.array([1.0, -2.0])

    def slope_along_v(w, x):
        return np.dot(numerical_grad(_two_args, (w, x), 1, eps=1e-4), v)
    np.testing.assert_allclose(srcdiff.hvp(_two_args, argnums=1)(w, x, v),
                               numerical_grad(slope_along_v, (w, x), 1, eps=1e-4), rtol=1e-5)


def test_a_negative_position_counts_from_the_last_parameter():
    by_negative = srcdiff.grad(loss, wrt=-1)(W, X, 3.0)
    np.testing.assert_allclose(by_negative, check_grad(loss, W, X, 3.0, wrt=2))
    np.testing.assert_allclose(srcdiff.grad(loss, wrt=-3)(W, X), check_grad(loss, W, X, wrt=0))


def test_a_tuple_or_list_of_one_gives_a_tuple_a_single_wrt_the_gradient_itself():
    one = srcdiff.grad(loss, wrt=(0,))(W, X)
    assert isinstance(one, tuple) and len(one) == 1
    listed = srcdiff.grad(loss, wrt=[1, 0])(W, X)
    assert isinstance(listed, tuple) and len(listed) == 2
    np.testing.assert_allclose(listed[0], srcdiff.grad(loss, wrt=1)(W, X))
    np.testing.assert_allclose(listed[1], one[0])
    assert isinstance(srcdiff.grad(loss, wrt=0)(W, X), np.ndarray)


def keyword_only(x, *, k=1.5):
    return np.sum(x * x) * k


def test_a_keyword_only_parameter_is_differentiated_by_name():
    got = srcdiff.grad(keyword_only, wrt="k")(W, k=2.0)
    np.testing.assert_allclose(got, numerical_grad(lambda x, k: keyword_only(x, k=k), (W, 2.0), 1))
    with pytest.raises(srcdiff.ArgumentError, match="out of range"):
        srcdiff.grad(keyword_only, wrt=2)


@pytest.mark.parametrize("wrt, message", [((0, "w"), "'w' twice"),
                                          (-4, "out of range: loss has 3 parameter"),
                                          ((0, None), "position or name"),
                                          (True, "position or name")])
def test_a_wrt_naming_no_parameter_once_is_refused_before_anything_runs(wrt, message):
    with pytest.raises(srcdiff.ArgumentError, match=message):
        srcdiff.grad(loss, wrt=wrt)


class Model:
    def energy(self, x):
        return x * x * 3.0


def test_a_bound_methods_parameters_leave_out_its_object():
    np.testing.assert_allclose(srcdiff.grad(Model().energy)(2.0), 12.0)
    with pytest.raises(srcdiff.ArgumentError, match="its parameters are \\('x',\\)"):
        srcdiff.grad(Model().energy, wrt="self")


def takes_any(*args):
    return args[0] * 2.0


def test_wrt_inside_args_counts_the_positions_passed():
    # differentiated per call (tests/test_wrt_varargs.py); a position the call does not
    # pass is an ArgumentError
    assert srcdiff.grad(takes_any, wrt=0)(1.0) == 2.0
    with pytest.raises(srcdiff.ArgumentError, match="wrt=1 is out of range for this call"):
        srcdiff.grad(takes_any, wrt=1)(1.0)


def test_wrt_naming_no_parameter_of_a_function_taking_args_is_refused_at_its_def():
    for wrt, message in (("x", "name no parameter"),):
        with pytest.raises(srcdiff.UnsupportedCodeError, match=message) as info:
            srcdiff.grad(takes_any, wrt=wrt)(1.0)
        assert info.value.filename == __file__
        assert info.value.lineno == takes_any.__code__.co_firstlineno
        assert info.value.line.strip() == "def takes_any(*args):"
        assert "decorator" not in info.value.reason   # no __wrapped__: not called a wrapper


def test_a_function_whose_source_cannot_be_read_is_refused_clearly():
    # a ufunc with no rule (numpy.sin has one: it is differentiated through it, wrt_varargs)
    with pytest.raises(srcdiff.ArgumentError, match="Python function"):
        srcdiff.grad(np.nextafter)


def test_defaults_of_compares_by_identity():
    def f(x, p=np.ones(2)):
        return x
    first = wrt_module.defaults_of(f)
    assert wrt_module.defaults_of(f) == first          # (arrays in it are not compared)
    f.__defaults__ = (np.ones(2),)
    assert wrt_module.defaults_of(f) != first
