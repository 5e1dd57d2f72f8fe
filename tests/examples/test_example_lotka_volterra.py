"""examples/lotka_volterra.py: RK4 with the right-hand side passed as a parameter, against
finite differences, both modes and second order (functions passed as values: srcdiff/values.py)."""
import numpy as np
import pytest

import lotka_volterra
import srcdiff
from gradcheck import check


def test_final_population_gradient():
    check(lotka_volterra.final_population, np.array([1.0, 0.4, 0.3, 0.8]),
          np.array([2.0, 1.0]), wrt=(0, 1))


def test_main_runs():
    assert np.all(np.isfinite(lotka_volterra.main()))


def test_the_right_hand_side_alone():
    check(lotka_volterra.lotka_volterra, np.array([2.0, 1.0]), 0.0,
          np.array([1.0, 0.4, 0.3, 0.8]), wrt=(0, 2))
