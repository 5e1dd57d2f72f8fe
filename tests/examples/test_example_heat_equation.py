"""examples/heat_equation.py: an in-place heat-equation stepper against finite differences,
both modes and second order."""
import numpy as np

import heat_equation
from gradcheck import check


def test_heat_loss_gradient():
    x = np.linspace(0.0, 1.0, 6)
    u0 = np.sin(np.pi * x) + 0.2 * np.cos(2 * x)
    check(heat_equation.heat_loss, u0, 0.2, 0.5 * np.sin(np.pi * x), 4, wrt=(0, 1))


def test_callers_initial_profile_is_unchanged():
    u0 = np.linspace(0.0, 1.0, 6) ** 2
    before = u0.copy()
    import srcdiff
    srcdiff.grad(heat_equation.heat_loss)(u0, 0.2, np.zeros(6), 3)
    np.testing.assert_array_equal(u0, before)


def test_main_runs():
    du0, dalpha = heat_equation.main()
    assert np.all(np.isfinite(du0)) and np.isfinite(dalpha)
