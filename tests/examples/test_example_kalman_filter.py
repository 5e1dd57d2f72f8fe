"""examples/kalman_filter.py: the Kalman-filter log-likelihood against finite differences,
both modes and second order."""
import numpy as np

import kalman_filter
from gradcheck import check


def test_loglik_gradient():
    ys = kalman_filter.simulate(n=6)
    check(kalman_filter.kalman_loglik, np.array([0.5, np.log(0.3), np.log(0.4)]), ys)


def test_gradient_wrt_the_data_too():
    ys = kalman_filter.simulate(n=5, seed=1)
    check(kalman_filter.kalman_loglik, np.array([0.8, -1.0, -0.5]), ys, wrt=(0, 1), order=1)


def test_main_fits():
    params = kalman_filter.main()
    assert np.all(np.isfinite(params))
