"""Transforms of derivatives srcdiff made, to any order and depth (srcdiff/compose.py);
derivatives called inside differentiated code are in tests/test_compose_calls.py, second
derivatives written by the codegen command in tests/test_compose_codegen.py.

Every composition of two transforms, and a chosen set of three, on a corpus with a loop,
a branch, helpers (one from another module) and a method call, each checked against
central differences of the derivative one order below (gradcheck.check_transform).
"""
import numpy as np
import pytest

import srcdiff
from compose_corpus import Spring, branch, helpers, loop, method, vector
from gradcheck import TRANSFORMS, check_transform, make_transform, transform_extras

X = np.array([0.3, -0.4, 0.7])
SPRING = Spring(np.array([1.5, 0.5, 2.0]))
CORPUS = {"loop": (loop, ()), "branch": (branch, ()), "helpers": (helpers, ()),
          "method": (method, (SPRING,)), "vector": (vector, ())}


def _inner(kind, name):
    f, rest = CORPUS[name]
    args = [X, *rest]
    return make_transform(kind, f), args + transform_extras(kind, f, args)


def _rotated(pairs, names, per_pair):
    """(pair..., name) cases: each pair on `per_pair` programs, the programs taken in turn
    (the k-th pair starts at names[k % len(names)]), so that every transform, outer or
    inner, meets every program while the suite makes a fraction of all the cases."""
    return [(*pair, names[(k + j) % len(names)])
            for k, pair in enumerate(pairs) for j in range(per_pair)]


# every pair of transforms, each on two of the five programs: with 8 transforms, each outer
# (and each inner) transform meets every program (16 cases of 5 names in turn)
PAIRS = _rotated([(o, i) for o in TRANSFORMS for i in TRANSFORMS], sorted(CORPUS), 2)


@pytest.mark.parametrize("outer, inner, name", PAIRS)
def test_every_pair(outer, inner, name):
    d, args = _inner(inner, name)
    check_transform(outer, d, *args)


TRIPLES = [("grad", "grad", "grad"), ("jvp", "grad", "hvp"), ("hessian", "grad", "grad"),
           ("vjp", "jacobian", "grad"), ("value_and_grad", "jvp", "vjp"),
           ("jacobian_fwd", "hvp", "jvp"), ("hvp", "value_and_grad", "grad"),
           ("grad", "hessian", "jacobian"), ("jvp", "jvp", "jvp"), ("vjp", "vjp", "vjp")]


@pytest.mark.parametrize("outer, middle, inner, name",
                         _rotated(TRIPLES, ["loop", "branch", "helpers", "method"], 2))
def test_chosen_triples(outer, middle, inner, name):
    d, args = _inner(inner, name)
    d2 = make_transform(middle, d)
    check_transform(outer, d2, *(args + transform_extras(middle, d, args, seed=3)))


# --- derivatives of tanh to the sixth, against the closed form and finite differences --------
def tanh_derivative_polynomial(n):
    """Coefficients (lowest first) of P_n with d^n/dx^n tanh(x) = P_n(tanh(x)): P_0(t) = t and
    P_{n+1}(t) = P_n'(t) (1 - t^2), by the chain rule."""
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(n):
        p = p.deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0])
    return p


def _tanh(x):
    return np.tanh(x)


def test_tanh_derivatives_to_the_sixth():
    xs = np.linspace(-2.0, 2.0, 9)
    derivative = _tanh
    for n in range(1, 7):
        lower, derivative = derivative, srcdiff.grad(derivative)
        closed = tanh_derivative_polynomial(n)(np.tanh(xs))
        np.testing.assert_allclose(derivative(xs), closed, rtol=1e-10, atol=1e-10)
        for x in (0.3, -1.1):  # floats too, against differences of the order below
            assert derivative(x) == pytest.approx(closed[0] * 0 + tanh_derivative_polynomial(n)(
                np.tanh(x)), rel=1e-10, abs=1e-10)
            check_transform("grad", lower, x)
        check_transform("grad", lower, xs)


def test_eighth_derivative_of_a_loop():
    def power_loop(x):
        y = x
        for _ in range(3):
            y = np.sin(y) * x
        return y
    d = power_loop
    for _ in range(4):
        d = srcdiff.grad(d)
    check_transform("grad", d, 0.4)


# --- second and third derivatives through what first derivatives handle -------------------
def test_methods_of_objects_passed_in():
    check_transform("hvp", method, X, SPRING)  # method calls spring.energy
    check_transform("hvp", SPRING.energy, X)  # a bound method itself
    check_transform("hessian", SPRING.energy, X)
    check_transform("grad", srcdiff.grad(SPRING.energy), X)
    check_transform("hvp", srcdiff.grad(SPRING.energy), X)


def test_mutual_recursion_to_third_order():
    from corpus import mutual_recursion
    check_transform("grad", srcdiff.grad(mutual_recursion), 0.7)
    check_transform("grad", srcdiff.grad(srcdiff.grad(mutual_recursion)), 0.7)
    check_transform("hvp", mutual_recursion, np.array([0.7, -0.2]))


def test_helpers_from_other_modules_to_third_order():
    from calls_helpers import uses_third_module
    check_transform("hvp", uses_third_module, X)
    check_transform("grad", srcdiff.grad(srcdiff.grad(uses_third_module)), X)


# --- examples/tanh_derivatives.py ------------------------------------------------------------
def _example():
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples"))
    import tanh_derivatives
    return tanh_derivatives


def test_tanh_example_checks_every_curve():
    example = _example()
    curves = example.derivatives(np.linspace(-3.0, 3.0, 50))  # asserts the closed forms
    assert len(curves) == 7


def test_tanh_example_plots(tmp_path):
    import os
    pytest.importorskip("matplotlib")
    out = _example().main(str(tmp_path / "tanh.png"))
    assert out is not None and os.path.getsize(out) > 1000


# --- several wrt, refusals, names ---------------------------------------------------------
def _two(x, y):
    return np.sum(np.sin(x) * y ** 2)


def test_several_wrt_of_a_derivative():
    from gradcheck import check_grad, check_jvp
    gradient = srcdiff.grad(_two)
    y = np.array([1.0, -2.0, 0.5])
    check_jvp(gradient, X, y, wrt=(0, 1))
    check_grad(gradient, X, y, wrt=(0, 1))
    check_grad(srcdiff.jvp(_two, wrt=1), X, y, X, wrt=(0, 1))


def test_what_is_refused_says_so():
    with pytest.raises(srcdiff.ArgumentError, match="has_aux"):
        srcdiff.grad(srcdiff.grad(lambda x: (np.sum(x * x), 1.0), has_aux=True))
    with pytest.raises(srcdiff.ArgumentError, match="list, tuple or dict"):
        srcdiff.grad(srcdiff.jvp(lambda p: p[0] * p[1]))([0.5, 2.0], [1.0, 0.0])


def test_names_say_what_each_function_differentiates():
    d = srcdiff.value_and_grad(srcdiff.jvp(loop))
    d(X, X)
    text = srcdiff.source(d)
    assert text.splitlines()[1].startswith("def value_and_grad_jvp_loop(x, tangent_x):")
    assert "def jvp_jvp_loop(" in text  # the function it calls, shown below it
    third = srcdiff.grad(srcdiff.grad(srcdiff.grad(loop)))
    assert "def grad_grad_grad_loop(x):" in srcdiff.source(third)


def test_a_cotangent_that_does_not_fit_is_an_argument_error():
    d = srcdiff.vjp(srcdiff.jvp(loop))  # the output is a pair (value, tangent)
    with pytest.raises(srcdiff.ArgumentError, match="cotangent must be a tuple"):
        d(X, X, 1.0)
    with pytest.raises(srcdiff.ArgumentError, match="cotangent has shape"):
        srcdiff.vjp(srcdiff.grad(vector))(X, np.ones(2))


# -- third order through a nested def (session 16, hunt8: the random tester's third-order check,
# seeds 1664000006/21 generators, 1664000022 objects, 1664000018 habits). The nested def stays
# in the emitted code as written, reading the user's module alias `np`; hvp's module binds it,
# but the module of jvp(hvp(f)) did not: NameError at the third order. Fixed in session 17
# (nested_defs.as_written reads the nested def's globals where the function being lowered
# finds them).
def sums_through_a_nested_def(x):
    def total(values):
        s = 0.0
        for u in values:
            s = s + np.sin(u)
        return s
    a = total([1.0, 2.0])
    return np.sum(x * x * x) * a


def test_third_order_through_a_nested_def():
    x, v = np.array([0.31, -0.42, 0.57]), np.array([1.0, 0.5, -0.5])
    third = srcdiff.jvp(srcdiff.hvp(sums_through_a_nested_def), wrt=0)
    hvp = srcdiff.hvp(sums_through_a_nested_def)
    got = third(x, v, v)[1]
    want = (hvp(x + 1e-6 * v, v) - hvp(x - 1e-6 * v, v)) / 2e-6
    assert np.allclose(got, want, rtol=1e-5, atol=1e-7)
