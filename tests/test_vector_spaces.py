"""User vector spaces (srcdiff.extend.VSpace, srcdiff/vector_spaces.py): differentiating with
respect to a value that is not arrays, passed only to primitives whose vjps (and jvps) work in
its space. gradcheck cannot take differences in such a space, so each derivative is checked
along random directions v of the space: the space's inner product of the gradient with v
(and the jvp along v) against central differences of the function at value +- eps * v."""
from itertools import chain

import numpy as np
import pytest

import srcdiff
from srcdiff.errors import RuleError, UnsupportedCodeError
from srcdiff.extend import Box, VSpace, defjvp, defvjp, func, primitive


def directional_check(f, value, args, space, directions, modes=("rev", "fwd"), rtol=1e-6):
    """grad (space.inner_prod(grad, v)) and jvp along v against central differences of
    f(value + t v, *args) in t, for each direction v of the space."""
    grad = srcdiff.grad(f)(value, *args) if "rev" in modes else None
    assert grad is None or type(grad) is type(value)
    for v in directions:
        def at(t):
            return float(f(space.add(value, space.scalar_mul(v, t)), *args))
        eps, fds = 1e-3, []
        for _ in range(4):   # the step goes down until two differences agree
            fds.append((at(eps) - at(-eps)) / (2 * eps))
            eps /= 10
        assert abs(fds[-1] - fds[-2]) <= 1e-6 * max(1.0, abs(fds[-1]))
        fd = fds[-1]
        if grad is not None:
            an = space.inner_prod(grad, v)
            assert abs(an - fd) <= rtol * max(1.0, abs(fd)), (an, fd)
        if "fwd" in modes:
            value_out, tangent = srcdiff.jvp(f, 0)(value, *args, v)
            assert value_out == pytest.approx(f(value, *args))
            assert abs(tangent - fd) <= rtol * max(1.0, abs(fd)), (tangent, fd)
    return grad


# ---- autograd's rkhs example, as it is written there (import lines changed) ----

class RKHSFun:
    def __init__(self, kernel, alphas=None):
        if alphas is None:
            alphas = {}
        self.alphas = alphas
        self.kernel = kernel
        self.vs = RKHSFunVSpace(self)

    @primitive
    def __call__(self, x):
        return sum([a * self.kernel(x, x_repr) for x_repr, a in self.alphas.items()], 0.0)

    def __add__(self, f):
        return self.vs.add(self, f)

    def __mul__(self, a):
        return self.vs.scalar_mul(self, a)


defvjp(func(RKHSFun.__call__), lambda ans, f, x: lambda g: RKHSFun(f.kernel, {x: 1}) * g)


class RKHSFunBox(Box, RKHSFun):
    @property
    def kernel(self):
        return self._value.kernel


RKHSFunBox.register(RKHSFun)


class RKHSFunVSpace(VSpace):
    def __init__(self, value):
        self.kernel = value.kernel

    def zeros(self):
        return RKHSFun(self.kernel)

    def _add(self, f, g):
        assert f.kernel is g.kernel
        return RKHSFun(f.kernel, add_dicts(f.alphas, g.alphas))

    def _scalar_mul(self, f, a):
        return RKHSFun(f.kernel, {x: a * a_cur for x, a_cur in f.alphas.items()})

    def _inner_prod(self, f, g):
        assert f.kernel is g.kernel
        return sum([a1 * a2 * f.kernel(x1, x2) for x1, a1 in f.alphas.items()
                    for x2, a2 in g.alphas.items()], 0.0)


RKHSFunVSpace.register(RKHSFun)


def add_dicts(d1, d2):
    d = {}
    for k, v in chain(d1.items(), d2.items()):
        d[k] = d[k] + v if k in d else v
    return d


def sq_exp_kernel(x1, x2):
    return np.exp(-((x1 - x2) ** 2))


def logprob(f, xs, ys):
    return -sum((f(x) - y) ** 2 for x, y in zip(xs, ys))


def test_rkhs_gradient_is_the_riesz_representer_along_random_functions():
    f = RKHSFun(sq_exp_kernel, {0.5: 0.7, 2.5: -0.4})
    xs, ys = range(5), [1, 2, 3, 2, 1]
    rng = np.random.default_rng(1350001)
    directions = [RKHSFun(sq_exp_kernel, dict(zip(rng.normal(size=3) * 2, rng.normal(size=3))))
                  for _ in range(3)] + [RKHSFun(sq_exp_kernel, {1.0: 1.0})]
    grad = directional_check(logprob, f, (xs, ys), f.vs, directions, modes=("rev",))
    assert set(grad.alphas) == set(xs)   # the cotangent's points are new keys


def test_rkhs_example_runs_its_loop_and_fits_the_data():
    f = RKHSFun(sq_exp_kernel)
    xs, ys = range(5), [1, 2, 3, 2, 1]
    for _ in range(100):
        f = f + srcdiff.grad(logprob)(f, xs, ys) * 0.01
    assert [f(x) for x in xs] == pytest.approx(ys, abs=0.25)


def test_rkhs_forward_mode_without_defjvp_is_refused_at_the_call():
    f = RKHSFun(sq_exp_kernel, {0.5: 0.7})
    with pytest.raises(UnsupportedCodeError) as err:
        srcdiff.jvp(logprob, 0)(f, range(3), [1, 2, 3], RKHSFun(sq_exp_kernel, {1.0: 1.0}))
    assert err.value.filename == __file__ and "f(x)" in err.value.line
    assert "no jvp was given" in str(err.value) and "defjvp" in err.value.hint


# ---- a space of our own: polynomials of degree < 5 as dicts exponent -> coefficient ----

class Poly:
    def __init__(self, coeffs):
        self.coeffs = coeffs


class PolySpace(VSpace):
    def __init__(self, value):
        pass

    def zeros(self):
        return Poly({})

    def _add(self, p, q):
        return Poly({k: p.coeffs.get(k, 0.0) + q.coeffs.get(k, 0.0)
                     for k in sorted(set(p.coeffs) | set(q.coeffs))})

    def _scalar_mul(self, p, a):
        return Poly({k: a * c for k, c in p.coeffs.items()})

    def _inner_prod(self, p, q):
        return sum(c * q.coeffs.get(k, 0.0) for k, c in p.coeffs.items())


PolySpace.register(Poly)
POLYS = PolySpace(None)
DEGREE = 5


@primitive
def evaluate(p, x):
    return sum(c * x ** k for k, c in p.coeffs.items())


defvjp(evaluate, lambda ans, p, x: lambda g: Poly({k: np.sum(g * x ** k) for k in range(DEGREE)}),
       lambda ans, p, x: lambda g: g * sum(k * c * x ** (k - 1) for k, c in p.coeffs.items()
                                            if k))
defjvp(evaluate, "same", lambda t, ans, p, x: t * sum(k * c * x ** (k - 1)
                                                     for k, c in p.coeffs.items() if k))


class Curve:   # a primitive method
    def __init__(self, coeffs):
        self.coeffs = coeffs

    @primitive
    def at(self, x):
        return sum(c * np.sin(k * x) for k, c in self.coeffs.items())


def _curve_vjp(ans, curve, x):
    return lambda g: Curve({k: np.sum(g * np.sin(k * x)) for k in range(DEGREE)})


defvjp(func(Curve.at), _curve_vjp)
PolySpace.register(Curve, lambda value: CurveSpace(value))


class CurveSpace(PolySpace):
    def zeros(self):
        return Curve({})

    def _add(self, p, q):
        return Curve(PolySpace._add(self, p, q).coeffs)

    def _scalar_mul(self, p, a):
        return Curve(PolySpace._scalar_mul(self, p, a).coeffs)


def random_polys(seed, n=3, cls=Poly):
    rng = np.random.default_rng(seed)
    return [cls({int(k): float(c) for k, c in zip(rng.choice(DEGREE, 3, replace=False),
                                                    rng.normal(size=3))}) for _ in range(n)]


def fit(p, x, y):
    r = evaluate(p, x) - y
    return np.sum(np.tanh(r) ** 2) + evaluate(p, 0.5) ** 3


def looped(p, xs):
    total = 0.0
    for x in xs:
        total = total + np.cos(evaluate(p, x)) * x
    return total


def test_a_polynomial_space_through_a_module_level_primitive_both_modes():
    p = Poly({0: 0.3, 2: -0.7})
    x, y = np.array([0.2, -1.1, 0.8]), np.array([0.1, 0.0, -0.3])
    directional_check(fit, p, (x, y), POLYS, random_polys(1350002))


def test_cotangents_of_one_value_reached_in_a_loop_are_added_in_the_space():
    p = Poly({1: 0.4, 3: 0.2})
    directional_check(looped, p, ([0.3, -0.6, 1.2],), POLYS, random_polys(1350003))


def test_the_gradient_for_a_value_no_call_reaches_is_the_space_zero():
    def unused(p, x):
        return evaluate(p, x) if x[0] > 10 else np.sum(x ** 2)
    grad = srcdiff.grad(unused)(Poly({2: 1.0}), np.array([0.5]))
    assert isinstance(grad, Poly) and grad.coeffs == {}


def test_a_primitive_method_of_the_value():
    def uses_curve(c, x):
        return np.sum(c.at(x) ** 2) + c.at(0.3)
    curve = Curve({1: 0.5, 2: -0.2})
    directional_check(uses_curve, curve, (np.array([0.1, 0.9]),), CurveSpace(curve),
                      random_polys(1350004, cls=Curve), modes=("rev",))


def test_the_other_argument_of_the_primitive_stays_differentiable():
    p = Poly({0: 0.3, 2: -0.7, 3: 0.1})
    from gradcheck import check
    check(lambda x: fit(p, x, np.array([0.1, 0.0, -0.3])), np.array([0.2, -1.1, 0.8]), order=1)


# ---- refusals, at the user's line ----

def reads_a_field(p, x):
    return evaluate(p, x) + p.coeffs[0]


def does_arithmetic(p, x):
    return evaluate(POLYS.scalar_mul(p, 2.0), x)


def passes_it_to_a_helper(p, x):
    return fit(p, x, 0.0)


def rebinds_it(p, x):
    p = Poly({0: 1.0})
    return evaluate(p, x)


def closes_over_it(p, x):
    g = lambda t: evaluate(p, t)   # noqa: E731
    return g(x)


@pytest.mark.parametrize("fn, line, why", [
    (reads_a_field, "p.coeffs[0]", "flows into code srcdiff differentiates"),
    (does_arithmetic, "POLYS.scalar_mul(p, 2.0)", "flows into code srcdiff differentiates"),
    (passes_it_to_a_helper, "fit(p, x, 0.0)", "flows into code srcdiff differentiates"),
    (rebinds_it, "p = Poly", "bound again"),
    (closes_over_it, "lambda t", "nested function or lambda"),
])
def test_a_value_of_a_space_used_outside_primitives_is_refused_where_used(fn, line, why):
    for transform in (srcdiff.grad(fn), lambda *a: srcdiff.jvp(fn, 0)(*a, Poly({0: 1.0}))):
        with pytest.raises(UnsupportedCodeError) as err:
            transform(Poly({0: 0.5}), 0.3)
        assert err.value.filename == __file__ and line in err.value.line, err.value
        assert why in str(err.value) and "only to primitives" in err.value.hint


@primitive
def half_given(p, x):
    return evaluate(p, x)


defvjp(half_given, lambda ans, p, x: lambda g: g, argnums=(1,))


def test_a_primitive_without_a_vjp_for_the_value_is_refused_at_the_call():
    def uses(p, x):
        return half_given(p, x) ** 2
    with pytest.raises(UnsupportedCodeError) as err:
        srcdiff.grad(uses)(Poly({1: 1.0}), 0.4)
    assert "half_given(p, x)" in err.value.line and "no vjp was given" in str(err.value)


@primitive
def wrong_space(p, x):
    return evaluate(p, x)


defvjp(wrong_space, lambda ans, p, x: lambda g: np.array([g]))


def test_a_vjp_returning_a_value_outside_the_space_is_refused():
    def uses(p, x):
        return wrong_space(p, x) + wrong_space(p, 2 * x)
    with pytest.raises(RuleError, match="outside its space|not a value of its vector space"):
        srcdiff.grad(uses)(Poly({1: 1.0}), 0.4)


def test_register_refuses_types_that_are_not_the_users():
    with pytest.raises(RuleError, match="classes of your own"):
        PolySpace.register(dict)

    class Coefficients(dict):
        pass
    with pytest.raises(RuleError, match="not lists, tuples, dicts, arrays or numbers"):
        PolySpace.register(Coefficients)


def test_box_subclasses_are_accepted_and_never_made():
    class AnyBox(Box):
        pass
    AnyBox.register(Poly)
    assert Box.types[Poly] is AnyBox
    assert func(Curve.at) is Curve.at


def test_second_derivatives_and_jacobians_with_respect_to_a_space_value_are_refused():
    p = Poly({0: 0.3, 2: -0.7})
    x, y = np.array([0.2, -1.1, 0.8]), np.array([0.1, 0.0, -0.3])
    for second in (lambda: srcdiff.hvp(fit, 0)(p, x, y, Poly({1: 1.0})),
                   lambda: srcdiff.hessian(fit, 0)(p, x, y)):
        with pytest.raises(UnsupportedCodeError) as err:
            second()
        assert err.value.filename == __file__ and "def fit" in err.value.line
        assert "first derivatives only" in str(err.value)
    with pytest.raises(srcdiff.ArgumentError, match="jacobian with respect to p") as err:
        srcdiff.jacobian(fit, 0)(p, x, y)
    assert err.value.filename == __file__ and "def fit" in err.value.line


def test_a_space_value_inside_a_list_is_refused():
    def from_list(ps, x):
        return evaluate(ps[0], x)
    with pytest.raises(srcdiff.ArgumentError, match=r"respect to ps\[0\]: a Poly is not"):
        srcdiff.grad(from_list)([Poly({1: 1.0})], 0.3)


def test_vjp_value_and_grad_and_grad_of_two_arguments_agree_with_grad():
    p = Poly({0: 0.3, 2: -0.7})
    x, y = np.array([0.2, -1.1, 0.8]), np.array([0.1, 0.0, -0.3])
    grad = srcdiff.grad(fit)(p, x, y).coeffs
    assert srcdiff.vjp(fit, 0)(p, x, y, 1.0).coeffs == pytest.approx(grad)
    assert srcdiff.value_and_grad(fit, 0)(p, x, y)[1].coeffs == pytest.approx(grad)
    both = srcdiff.grad(fit, (0, 1))(p, x, y)
    assert both[0].coeffs == pytest.approx(grad)
    from gradcheck import numerical_grad
    assert both[1] == pytest.approx(numerical_grad(lambda x: fit(p, x, y), (x,), 0), rel=1e-6)


# ---- an object whose __call__ is a primitive, its class no vector space ----

class Wave:
    def __init__(self, w):
        self.w = w

    @primitive
    def __call__(self, x):
        return np.sin(self.w * x)


defvjp(func(Wave.__call__), lambda ans, f, x: lambda g: Wave(np.sum(g * x * np.cos(f.w * x))),
       lambda ans, f, x: lambda g: g * f.w * np.cos(f.w * x))
defjvp(func(Wave.__call__), None, lambda t, ans, f, x: t * f.w * np.cos(f.w * x))


def through_wave(x, f):
    return np.sum(f(x) ** 2) + f(x[0])


def test_an_object_called_through_its_primitive_call_differentiates_its_other_arguments():
    from gradcheck import check
    check(through_wave, np.array([0.3, -0.4]), Wave(0.7), wrt=0, order=2)


def test_an_object_of_a_class_without_a_space_is_refused_where_its_primitive_is_called():
    with pytest.raises(UnsupportedCodeError) as err:
        srcdiff.grad(through_wave, 1)(np.array([0.3, -0.4]), Wave(0.7))
    assert err.value.filename == __file__ and "f(x)" in err.value.line
    assert "registered as a vector space" in str(err.value) and "VSpace" in err.value.hint


def test_a_tangent_outside_the_space_is_refused():
    with pytest.raises(srcdiff.ArgumentError, match="tangent for p must be a Poly"):
        srcdiff.jvp(fit, 0)(Poly({1: 1.0}), np.array([0.3]), np.array([0.0]), 1.0)


@primitive
def other_space(p, x):
    return evaluate(p, x)


defvjp(other_space, lambda ans, p, x: lambda g: Curve({0: g}))


def test_a_vjp_returning_a_value_of_another_space_is_refused():
    def uses(p, x):
        return other_space(p, x) + evaluate(p, x)
    with pytest.raises(RuleError, match="outside its space"):
        srcdiff.grad(uses)(Poly({1: 1.0}), 0.4)


def test_the_port_maps_rkhs_import_lines_to_srcdiff():
    import importlib.util
    import os
    import re
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts",
                        "port_autograd_examples.py")
    spec = importlib.util.spec_from_file_location("port_autograd_examples", path)
    port = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(port)

    def ported(line):
        for pattern, replacement in port.IMPORTS:
            new = re.sub(pattern, replacement, line)
            if new != line:
                return new
        return line
    assert ported("from autograd.extend import Box, VSpace, defvjp, primitive") == \
        "from srcdiff.extend import Box, VSpace, defvjp, primitive"
    assert ported("from autograd.util import func") == "from srcdiff.extend import func"
    namespace = {}
    exec(ported("from autograd.util import func"), namespace)
    assert namespace["func"] is func
