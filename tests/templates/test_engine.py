"""templates/engine.py: the rules of the helpers srcdiff's own lowering puts into the primal:
`own_copy` (a parameter written in place gets a private copy), and `shape_of` and
`check_differentiable` (no derivative: a shape kept on the tape, an argument check).

Programs that make the compiler emit each helper, checked against finite differences in
both modes and to second order (forward over the emitted gradient meets the helpers too).
"""
import numpy as np

import srcdiff
import srcdiff.rules as rules
from gradcheck import check, numerical_grad
from srcdiff import runtime, transform

rng = np.random.default_rng(13)


def writes_its_parameter(x):
    x[0] = x[1] * 2.0
    x[2] = x[2] * x[0]
    return np.sum(np.sin(x) * x)


def writes_its_parameter_in_a_loop(x, w):
    for i in range(1, x.shape[0]):
        x[i] = x[i - 1] * w + np.cos(x[i])
    return np.sum(x * x)


def test_own_copy_in_both_modes_and_second_order():
    text = srcdiff.source(srcdiff.grad(writes_its_parameter))
    assert "own_copy(x)" in text
    x = rng.normal(size=4)
    before = x.copy()
    check(writes_its_parameter, x)
    np.testing.assert_array_equal(x, before)     # the caller's array is never written
    check(writes_its_parameter_in_a_loop, rng.normal(size=4), 0.7, wrt=(0, 1))


def decayed_sum(x):
    total = 0.0
    scale = 1.0
    while scale > 0.05:
        total = total + scale * np.sum(np.sin(x))
        if total > 10.0:
            break
        scale = scale * 0.5
    return total


def test_shape_of_on_the_tape():
    """Where shapes are not known, values the adjoint reads only the shape of are taped as
    `shape_of(...)`: no derivative flows through it, and the gradient is still right (the
    specialised code of srcdiff.grad to second order)."""
    emitted = transform.reverse_source(decayed_sum, ("x",))   # shapes unknown: general code
    assert "shape_of(" in emitted.text
    general = transform.load_emitted(emitted)
    for x in (rng.normal(size=3), np.full(3, 1.2)):         # the second takes the break
        np.testing.assert_allclose(general(x), numerical_grad(decayed_sum, [x], 0),
                                   rtol=1e-6, atol=1e-8)
        check(decayed_sum, x)


def test_the_helpers_rules_are_registered():
    rules.load_templates()
    for func in (runtime.shape_of, runtime.check_differentiable):
        assert rules.is_nondifferentiable(func)
    assert rules.lookup("reverse", runtime.own_copy) is not None
    assert rules.lookup("forward", runtime.own_copy) is not None


def test_own_copy_called_directly():
    check(lambda v: np.sum(runtime.own_copy(v * v) * v), rng.normal(size=3))
