"""examples/spring_mass.py: a `while t < T` simulation against finite differences, both
modes and second order."""
import numpy as np

import spring_mass
from gradcheck import check


def test_energy_gradient():
    x0, v0 = np.array([1.0, 0.5]), np.array([0.0, -0.2])
    check(spring_mass.final_energy, np.array([4.0, 0.3]), x0, v0, 0.5, 0.05)


def test_energy_gradient_wrt_the_initial_state():
    check(spring_mass.final_energy, np.array([2.0, 0.1]), np.array([0.3, -0.4]),
          np.array([0.2, 0.1]), 0.3, 0.05, wrt=(0, 1, 2), order=1)


def test_main_runs():
    assert np.all(np.isfinite(spring_mass.main()))
