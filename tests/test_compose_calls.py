"""srcdiff/compose_calls.py: derivatives srcdiff made, called inside a function srcdiff
differentiates (written at the call, made once outside, in loops), differentiated through
to any transform."""
import dataclasses
import inspect
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_transform, refusal
from lowering import assert_located


DATA = np.array([0.5, -1.0, 2.0])
W0 = np.array([0.2, 0.4, -0.3])


def inner_loss(w, x):
    return np.sum(np.tanh(w * x) ** 2)


def outer_loss(w):
    return np.sum(np.sin(w) * w)


def one_step_written_inside(w):
    w1 = w - 0.1 * srcdiff.grad(inner_loss)(w, DATA)
    return outer_loss(w1)


inner_gradient = srcdiff.grad(inner_loss)  # made once, outside


def one_step_made_outside(w):
    w1 = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w1)


def unrolled_steps(w):
    for _ in range(3):  # an unrolled inner optimisation, kept as a loop
        w = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w)


def newton_step(w):
    g = srcdiff.grad(inner_loss)(w, DATA)
    step = srcdiff.hvp(inner_loss)(w, DATA, g)
    return outer_loss(w - 0.05 * step) + np.sum(srcdiff.jvp(inner_loss)(w, DATA, g)[1])


@pytest.mark.parametrize("loss", [one_step_written_inside, one_step_made_outside,
                                  unrolled_steps, newton_step])
@pytest.mark.parametrize("kind", ["grad", "jvp", "vjp", "hvp", "hessian"])
def test_derivatives_inside_differentiated_code(loss, kind):
    check_transform(kind, loss, W0)


def test_inner_loop_is_kept_and_names_say_what_runs():
    text = srcdiff.source(srcdiff.grad(unrolled_steps))
    assert "for " in text and "reversed(" in text  # the loop stays a loop
    # the inner gradient's vjp, by name (numbered when another one of that name was made)
    assert re.search(r"vjp_w_of_grad_inner_loss(_\d+)?\(w, DATA", text), text


# --- more ways of calling a derivative inside ---------------------------------------------
def with_a_gradient_in_a_closure():
    gradient = srcdiff.grad(inner_loss)   # made once, in the enclosing function

    def step_in_closure(w):
        return outer_loss(w - 0.1 * gradient(w, DATA))
    return step_in_closure


def value_and_gradient_inside(w):
    value, gradient = srcdiff.value_and_grad(inner_loss)(w, DATA)
    return value * np.sum(gradient * w)


def gradient_with_respect_to_the_data(w):
    return np.sum(srcdiff.grad(inner_loss, wrt="x")(w, DATA * w) * w)


def data_by_keyword(w):
    return np.sum(srcdiff.grad(inner_loss)(w, x=DATA) * w)


@pytest.mark.parametrize("loss", [with_a_gradient_in_a_closure(), value_and_gradient_inside,
                                  gradient_with_respect_to_the_data, data_by_keyword],
                         ids=["closure", "value_and_grad", "wrt_x", "keyword"])
def test_more_ways_of_calling_a_derivative_inside(loss):
    check(loss, W0)


def options_computed_here(w, k):
    return np.sum(srcdiff.grad(inner_loss, wrt=k)(w, DATA))


def test_a_transform_made_inside_with_options_computed_there_is_refused_at_its_line():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="constant options") as info:
        srcdiff.grad(options_computed_here)(W0, 0)
    assert_located(info.value, options_computed_here, 1,
                   "return np.sum(srcdiff.grad(inner_loss, wrt=k)(w, DATA))")
    assert "g = srcdiff.grad(inner)" in info.value.hint


# --- a callee with a default ------------------------------------------------------------
def squared_times(a, b=2.0):
    return a * a * b


def passes_every_argument(x):
    return srcdiff.grad(squared_times)(x, 2.0) * x


def leaves_the_default(x):
    return srcdiff.grad(squared_times)(x) * x


def test_a_derivative_of_a_function_with_a_default_called_inside_to_first_order():
    check(passes_every_argument, 1.5, order=1)


def test_a_derivative_called_inside_without_a_defaulted_argument():
    """The plain function a call of a derivative lowers to keeps its function's defaults
    (compose_calls._called_function): the call may leave them out. Second order: below."""
    check(leaves_the_default, 1.5, order=1)


def test_a_derivative_of_a_function_with_a_default_called_inside_to_second_order():
    """Forward mode over the emitted gradient meets the call of vjp(grad(squared_times)) in
    it; that vjp's signature hid its cotangent (defaults before it), so the call was refused
    as 'too many positional arguments'. It now shows every parameter."""
    check(passes_every_argument, 1.5)
    check(leaves_the_default, 1.5)


def weighted(a, b=np.array([1.0, 2.0]), c=0.5):
    return np.sum(np.sin(a) * b) * c


def array_default_left_out(x):
    return np.sum(srcdiff.grad(weighted)(x) * x)


def keyword_default_given(x):
    return np.sum(srcdiff.grad(weighted)(x, c=2.0) * np.cos(x))


def vjp_of_defaults_inside(x):
    return np.sum(srcdiff.vjp(weighted)(x, np.ones(2) * 2.0, 1.5, x[0] * x[1]) * x)


@pytest.mark.parametrize("f", [array_default_left_out, keyword_default_given,
                               vjp_of_defaults_inside])
def test_derivatives_with_array_and_keyword_defaults_called_inside_to_second_order(f):
    check(f, np.array([0.3, -0.4]))


def vjp_leaving_a_default_out(x):
    return np.sum(srcdiff.vjp(squared_times)(x, x[0] * x[1]) * x)


def jvp_leaving_a_default_out(x):
    return np.sum(srcdiff.jvp(squared_times)(x, x * 2.0)[1] * x)


@pytest.mark.parametrize("f", [vjp_leaving_a_default_out, jvp_leaving_a_default_out])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_vjp_or_jvp_called_inside_without_a_default_is_refused(f, mode):
    """vjp(f)(x, u) leaving f's default b out matched the shown signature (a, b=2.0) with u
    as b: the derivative through it was wrong (the cotangent's adjoint taken as b's). Now the
    signature shows the cotangent (tangents) and the call is refused at its line."""
    err = refusal(f, (np.array([0.3, -0.4]),), mode, error=srcdiff.UnsupportedCodeError)
    assert "missing a required argument" in str(err)


def test_a_transform_of_a_derivative_with_defaults_shows_its_extras():
    sig = inspect.signature(srcdiff.vjp(srcdiff.grad(squared_times)))
    assert list(sig.parameters) == ["a", "b", "cotangent"]


negbin_like = lambda r, p: np.sum(r * np.log(p) + np.sin(r * p))   # noqa: E731


def score_of_lambda(r):
    # negative_binomial_maxlike: grad(loglike)(r, p(r)) of a lambda written inside; the
    # function made for the call was named `lambda`, a SyntaxError
    return srcdiff.grad(negbin_like)(r, 0.3 * r)


def test_a_derivative_of_a_lambda_called_inside():
    check(score_of_lambda, 1.5)


# --- a transform of a function passed to a helper -----------------------------------------
def _shifted_loss(w, theta):
    return np.sum((w - theta) ** 2 * np.exp(w))


def _wavy_loss(w, theta):
    return np.sum(np.cos(w * theta))


def _descend(loss, w, theta, steps=3, lr=0.1):
    # an optimiser taking the loss as a value: grad(loss) is made of the function passed
    for _ in range(steps):
        w = w - lr * srcdiff.grad(loss)(w, theta)
    return w


def unrolled_descent(theta):
    return np.sum(_descend(_shifted_loss, np.zeros(3), theta) ** 2)


def two_descents(theta):
    first = _descend(_shifted_loss, np.zeros(3), theta)
    second = _descend(_wavy_loss, np.ones(3), theta, steps=2)
    return np.sum(first * second)


THETA = np.array([0.3, -0.5, 0.7])


def test_a_transform_of_a_function_passed_to_a_helper():
    check(unrolled_descent, THETA, order=1)


def test_a_helper_given_two_functions_makes_each_ones_derivative():
    """The helper is specialised per function passed: each call runs its own loss's
    gradient (the same derivative for both would be wrong, not refused)."""
    check(two_descents, THETA, order=1)


def descent_to_second_order(theta):
    return np.sum(_descend(_wavy_loss, np.ones(3), theta, steps=2) ** 2)


def test_a_transform_of_a_function_passed_to_a_helper_to_second_order():
    check(descent_to_second_order, THETA, order=2)


def grad_of_a_closure(theta):
    def inner(w):
        return np.sum((w - theta) ** 2 * np.exp(w))
    w = np.zeros(3)
    for _ in range(2):
        w = w - 0.1 * srcdiff.grad(inner)(w)
    return np.sum(w ** 2)


def test_a_transform_of_a_nested_function_reading_the_outer_one():
    # was refused ("define inner at module level with theta as a parameter"): inner is
    # lifted over theta, which each call of its gradient passes as the closure reads it
    check(grad_of_a_closure, THETA, order=1)


# --- hvp of a function with defaults, keyword-only parameters ---------------------------
def cubed_times(a, b=2.0):
    return np.sum(a ** 3) * b + np.sum(np.sin(a))


def hvp_leaving_a_default_out(x):
    return np.sum(srcdiff.hvp(cubed_times)(x, x) * np.array([1.1, 0.4]))


def hvp_vector_by_name(x):
    return np.sum(srcdiff.hvp(cubed_times)(x, vector=x) * np.array([1.1, 0.4]))


def hvp_every_argument_by_name(x):
    return np.sum(srcdiff.hvp(cubed_times)(x, b=3.0, vector=x * x) * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_hvp_called_inside_without_a_default_is_refused(mode):
    """hvp(f)'s signature left `vector` out where f has defaults, so hvp(f)(x, v) bound v to
    f's b: the gradient of hvp_leaving_a_default_out was [0.746, -0.415] where central
    differences give [0.915, -1.380]. The vector is keyword-only in the signature now."""
    err = refusal(hvp_leaving_a_default_out, (np.array([0.3, -1.2]),), mode,
                  error=srcdiff.UnsupportedCodeError)
    assert "missing a required argument: 'vector'" in str(err)
    assert list(inspect.signature(srcdiff.hvp(cubed_times)).parameters) == ["a", "b", "vector"]


@pytest.mark.parametrize("f", [hvp_vector_by_name, hvp_every_argument_by_name])
def test_an_hvp_of_a_function_with_a_default_called_inside_with_the_vector_by_name(f):
    check(f, np.array([0.3, -1.2]))


def scaled_cosine(x, *, s=1.0):
    return np.sum(np.cos(s * x) * x ** 2)


def grad_with_a_keyword_only_argument(x):
    return np.sum(srcdiff.grad(scaled_cosine)(x, s=0.5) ** 2)


def grad_leaving_a_keyword_only_default_out(x):
    return np.sum(srcdiff.grad(scaled_cosine)(x) * x)


def hvp_with_a_keyword_only_argument(x):
    return np.sum(srcdiff.hvp(scaled_cosine)(x, s=2.0, vector=x) * x)


@pytest.mark.parametrize("f", [grad_with_a_keyword_only_argument,
                               grad_leaving_a_keyword_only_default_out,
                               hvp_with_a_keyword_only_argument])
def test_a_derivative_of_a_function_with_a_keyword_only_parameter_called_inside(f):
    # the function a call lowers to was def grad_scaled_cosine(x, *, s=...), called with s
    # by position: "takes 1 positional argument but 2 were given" (a TypeError)
    check(f, np.array([0.3, -1.2, 0.7]))


# --- a derivative made once inside the function, then called (HMC's leapfrog) -------------
def leapfrog_made_inside(q):
    gradient = srcdiff.grad(inner_loss)   # bound once, here
    p = -0.5 * 0.1 * gradient(q, DATA)
    for _ in range(3):
        q = q + 0.1 * p
        p = p - 0.1 * gradient(q, DATA)
    return outer_loss(q) + np.sum(p ** 2)


def a_helper_binding_the_function_passed(loss, w, x):
    step = srcdiff.grad(loss)
    return w - 0.1 * step(w, x)


def made_inside_a_helper(w):
    return outer_loss(a_helper_binding_the_function_passed(inner_loss, w, DATA))


def value_and_gradient_bound_inside(w):
    both = srcdiff.value_and_grad(inner_loss, wrt="x")
    value, gradient = both(w, DATA * w)
    return value * np.sum(gradient * w)


@pytest.mark.parametrize("loss", [leapfrog_made_inside, made_inside_a_helper,
                                  value_and_gradient_bound_inside])
def test_a_derivative_bound_once_inside_and_called(loss):
    # leapfrog_made_inside was refused: "srcdiff cannot tell which function 'gradient'
    # holds before the code runs (it is bound more than once, or to a value computed here)"
    check(loss, W0)


def rebound_derivative(w, flag):
    gradient = srcdiff.grad(inner_loss)
    if flag:
        gradient = srcdiff.grad(outer_loss_with_data)
    return np.sum(gradient(w, DATA))


def outer_loss_with_data(w, x):
    return np.sum(np.sin(w * x))


def derivative_with_options_computed_here(w, k):
    gradient = srcdiff.grad(inner_loss, wrt=k)
    return np.sum(gradient(w, DATA))


def test_a_derivative_bound_twice_or_with_computed_options_stays_refused_at_its_line():
    with pytest.raises(srcdiff.UnsupportedCodeError, match="bound more than once") as info:
        srcdiff.grad(rebound_derivative)(W0, True)
    assert_located(info.value, rebound_derivative, 4, "return np.sum(gradient(w, DATA))")
    with pytest.raises(srcdiff.UnsupportedCodeError, match="constant options") as info:
        srcdiff.grad(derivative_with_options_computed_here)(W0, 0)
    assert_located(info.value, derivative_with_options_computed_here, 1,
                   "gradient = srcdiff.grad(inner_loss, wrt=k)")


def grad_of_a_lambda_defined_here(q):
    potential = lambda x: 0.5 * np.sum(x ** 2) + np.sum(np.cos(x))   # noqa: E731
    return np.sum((q - 0.1 * srcdiff.grad(potential)(q)) ** 2)


def test_a_transform_of_a_function_defined_here_reading_nothing():
    # was refused ("potential is defined in this function: define it at module level")
    check(grad_of_a_lambda_defined_here, W0, order=1)


# --- a transform of a lambda or nested def reading the function around it ----------------
X3 = np.array([0.3, -0.7, 1.1])


def grad_of_a_lambda_reading_x(x):
    g = srcdiff.grad(lambda z: np.sum(np.sin(z) * x))
    return np.sum(g(x) ** 2)


def grad_of_a_lambda_written_at_the_call(x):
    return np.sum(srcdiff.grad(lambda z: np.sum(z ** 3 * x))(x + 1.0))


def grad_of_a_nested_def_reading_a_local(x):
    a = x * 2.0

    def energy(z):
        return np.sum(np.tanh(z * a))
    h = srcdiff.grad(energy)
    return np.sum(h(x[::-1]) * x)


def closure_read_after_its_variable_is_rebound(x):
    c = x * 1.0
    g = srcdiff.grad(lambda z: np.sum(np.sin(z) * c))
    c = c * 3.0   # the lambda reads c when g is called: the new c
    return np.sum(g(x) * x)


def closure_called_in_a_comprehension_rebinding_its_name(x):
    y = x
    g = srcdiff.grad(lambda z: np.sum(np.sin(z * y)))
    return sum([np.sum(g(x)) for y in [x * 1.0, x * 2.0]])   # (g reads the outer y)


def hvp_of_a_lambda(x):
    v = np.array([1.0, 0.5, -0.2])
    return np.sum(srcdiff.hvp(lambda z: np.sum(np.sin(z) ** 2 * x))(x, v))


def jvp_of_a_lambda(x):
    val, tan = srcdiff.jvp(lambda z: np.sum(np.exp(z * x)))(x, x)
    return val * tan


def lambda_made_in_a_loop(x):
    t = 0.0
    for k in range(3):
        g = srcdiff.grad(lambda z: np.sum(np.cos(z * k) * x))
        t = t + np.sum(g(x))
    return t


def grad_by_name_of_a_two_parameter_lambda(x):
    g = srcdiff.grad(lambda a, b: np.sum(a * b * x), wrt="b")
    return np.sum(g(x, b=x * 2.0))


@pytest.mark.parametrize("f", [grad_of_a_lambda_reading_x, grad_of_a_nested_def_reading_a_local])
def test_a_transform_of_a_closure_to_second_order(f):
    check(f, X3, order=2)


@pytest.mark.parametrize("f", [grad_of_a_lambda_written_at_the_call,
                               closure_read_after_its_variable_is_rebound,
                               closure_called_in_a_comprehension_rebinding_its_name,
                               hvp_of_a_lambda, jvp_of_a_lambda, lambda_made_in_a_loop,
                               grad_by_name_of_a_two_parameter_lambda])
def test_a_transform_of_a_closure(f):
    check(f, X3, order=1)


def test_a_transform_of_a_closure_emits_no_unread_lambda_nor_maker():
    for make in (srcdiff.grad, srcdiff.jvp):
        text = srcdiff.source(make(grad_of_a_lambda_reading_x))
        assert "lambda z" not in text and "srcdiff.api" not in text, text
        assert "grad_grad_of_a_lambda_reading_x_lambda_1(x, x)" in text, text


def closure_writing_a_nonlocal(x):
    s = 0.0

    def e(z):
        nonlocal s
        s = s + 1.0
        return np.sum(np.sin(z) * s)
    g = srcdiff.grad(e)
    return np.sum(g(x)) + s


def test_a_transform_of_a_closure_writing_a_nonlocal_is_refused_at_its_line():
    err = refusal(closure_writing_a_nonlocal, (X3,), "grad")
    assert err.lineno is not None and "nonlocal" in str(err)


# --- an optimiser taking a loss: a closure over the hyperparameter ------------------------
def _descend_by(loss, w, lr, steps):
    for _ in range(steps):
        w = w - lr * srcdiff.grad(loss)(w)
    return w


def tuned_through_a_closure(lam):
    # the loss reads lam from here; the helper makes its gradient (the closure's lifted
    # copy, lam passed from the Closure's field where the gradient is called)
    loss = lambda w: np.sum((w - 1.0) ** 2) + lam * np.sum(w ** 2)   # noqa: E731
    return np.sum(_descend_by(loss, np.zeros(3), 0.1, 3) ** 2)


def tuned_by_the_rate(lr):
    return np.sum(_descend_by(_sines, np.ones(3), lr, 3))


def _sines(w):
    return np.sum(np.sin(w) ** 2)


def tuned_through_a_lambda_passed(lam):
    return np.sum(_descend_by(lambda w: _penalised(w, lam), np.zeros(3), 0.1, 3) ** 2)


def _penalised(w, lam):
    return np.sum((w - 1.0) ** 2) + lam * np.sum(w ** 2)


def test_an_optimiser_given_a_closure_differentiates_in_its_hyperparameter():
    check(tuned_through_a_closure, 0.3, order=2)
    check(tuned_through_a_lambda_passed, 0.3, order=1)
    check(tuned_by_the_rate, 0.2, order=1)


def _descend_with(g, w, x):
    for _ in range(2):
        w = w - 0.1 * g(w, x)
    return np.sum(w ** 2)


def derivative_passed_to_a_helper(w):
    return _descend_with(srcdiff.grad(inner_loss), w, DATA)


def _wavy(w, x):
    return np.sum(np.sin(w * x) * w)


_wavy_gradient = srcdiff.grad(_wavy)


def two_derivatives_passed_to_one_helper(w):
    # the helper specialised per derivative: each call of it calls the one it is passed
    return _descend_with(srcdiff.grad(inner_loss), w, DATA) * _descend_with(
        _wavy_gradient, w, DATA) + _descend_with(srcdiff.grad(_wavy), 2.0 * w, DATA)


def test_a_derivative_passed_to_a_helper_differentiates():
    # (refused before, saying to pass the function: the helper now calls the derivative
    # made before the code runs, as it calls a function passed by name)
    for f in (derivative_passed_to_a_helper, two_derivatives_passed_to_one_helper):
        check(f, W0, wrt=0, order=2)


def derivative_of_a_lambda_passed_to_a_helper(w):
    k = np.cos(w[0])
    return _descend_with(srcdiff.grad(lambda v, x: np.sum(np.sin(v * x * k))), w, DATA)


def test_a_derivative_of_a_lambda_reading_variables_passed_to_a_helper_is_refused():
    err = refusal(derivative_of_a_lambda_passed_to_a_helper, (W0,), "grad")
    assert "g is a parameter" in err.reason and "srcdiff.grad(g)(...)" in err.hint, str(err)
    assert "g(w, x)" in err.line


def lambda_reading_its_comprehensions_variable(x):
    k = 5.0   # (another variable than the comprehension's k, which the lambda reads)
    return sum([np.sum(srcdiff.grad(lambda z: np.sum(np.cos(z * k) * x))(x))
                for k in [1.0, 2.0]]) + k


def test_a_transform_of_a_lambda_reading_its_comprehensions_variable_is_refused():
    # the lifted lambda was passed the function's k (or, with no k bound, a NameError)
    err = refusal(lambda_reading_its_comprehensions_variable, (X3,), "grad")
    assert "the variable of the comprehension" in err.reason, str(err)
    assert "srcdiff.grad(lambda z" in err.line


@dataclasses.dataclass
class _Affine:
    w: np.ndarray
    b: np.ndarray
    name: str = "affine"


class _PlainAffine:
    def __init__(self, w, b):
        self.w = w
        self.b = b


def _affine_loss(p, x):
    return np.sum(np.tanh(p.w @ x + p.b) ** 2)


def _bias_only_loss(p, x):
    return np.sum(np.sin(p.b * x[:2]))


def gradient_of_a_record_read_by_field(p, x):
    g = srcdiff.grad(_affine_loss)(p, x)
    return np.sum(g.w * p.w) + np.sum(g.b * x[:2])


def gradient_of_a_record_one_field_read(p, x):
    g = srcdiff.grad(_bias_only_loss)(p, x)   # (g.w: a zero the loss never reads)
    h = srcdiff.grad(_affine_loss, wrt=0)(p, x * np.sum(g.b))
    return np.sum(g.b ** 2) + np.sum(h.w * g.w) + np.sum(np.cos(h.b))


_AFFINE = _Affine(np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]), np.array([0.2, -0.1]))


def test_the_gradient_of_a_record_inside_has_its_class_and_fields():
    # (refused before: g's class was not told, so g.w could not be differentiated)
    x = np.array([0.5, -1.0, 0.7])
    check(gradient_of_a_record_read_by_field, _AFFINE, x, wrt=(0, 1), order=2)
    check(gradient_of_a_record_one_field_read, _AFFINE, x, wrt=(0, 1), order=2)
    # (an object of a record class that is no dataclass: to first order; differentiated
    # again, its tangent's fields are refused, located, in the loss)
    plain = _PlainAffine(_AFFINE.w, _AFFINE.b)
    check(gradient_of_a_record_read_by_field, plain, x, wrt=1, order=1)
