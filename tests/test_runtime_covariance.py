"""srcdiff/runtime_covariance.py: the helpers of numpy.cov's and numpy.corrcoef's rules, tested
directly: X R^T is numpy.cov for every argument form, the row stacking's split and embedding
are each other's transposes, and the tangents agree with differences of NumPy's own
functions (the rules themselves are tests/templates/test_covariance.py's)."""
import numpy as np
import pytest

from srcdiff import runtime_covariance as rc
from gradcheck import assert_close_tree, directional_difference

RNG = np.random.default_rng(31)
AW = np.array([1.0, 2.0, 3.0, 0.5, 1.5])
FW = np.array([1, 2, 1, 3, 1])

FORMS = [  # (m, y, rowvar)
    (RNG.normal(size=(3, 5)), None, True),
    (RNG.normal(size=5), None, True),
    (RNG.normal(size=(5, 2)), RNG.normal(size=5), False),
    (RNG.normal(size=(2, 5)), RNG.normal(size=(3, 5)), True),
    (RNG.normal(size=(1, 5)), None, False),   # NumPy keeps a single row as it is
]


@pytest.mark.parametrize("m, y, rowvar", FORMS)
@pytest.mark.parametrize("bias, ddof, fw, aw", [(False, None, None, None),
                                                (True, None, None, None),
                                                (False, 2, None, AW),
                                                (False, None, FW, AW),
                                                (False, 0, FW, None)])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # one observation of (1, 5).T
def test_x_times_r_is_numpy_cov(m, y, rowvar, bias, ddof, fw, aw):
    x = rc.cov_rows(m, y, rowvar)
    if x.shape[1] != 5 and (fw is not None or aw is not None):
        pytest.skip("weights are one per observation: five here")
    got = np.matmul(x, np.swapaxes(rc.cov_right(x, bias, ddof, fw, aw), 0, 1))
    want = np.cov(m, y, rowvar, bias, ddof, fw, aw)
    assert np.allclose(np.reshape(got, np.shape(want)), want, equal_nan=True)


@pytest.mark.parametrize("m, y, rowvar", FORMS)
def test_split_and_embed_are_transposes(m, y, rowvar):
    x = rc.cov_rows(m, y, rowvar)
    g = RNG.normal(size=x.shape)
    for part, v in ((0, m), (1, y)):
        if v is None:
            continue
        t = RNG.normal(size=np.shape(v))
        left = np.sum(g * rc.cov_rows_embed(t, m, y, rowvar, part))
        right = np.sum(rc.cov_rows_part(g, m, y, rowvar, part) * t)
        assert np.isclose(left, right)
        assert np.shape(rc.cov_rows_part(g, m, y, rowvar, part)) == np.shape(v)


def test_square_reshapes_a_single_variable():
    assert rc.cov_square(np.float64(2.0), np.ones((1, 4))).shape == (1, 1)
    assert rc.cov_square(np.ones((3, 3)), np.ones((3, 4))).shape == (3, 3)


@pytest.mark.parametrize("m, y, rowvar", FORMS[:4])
def test_tangents_match_differences_of_numpy(m, y, rowvar):
    t = RNG.normal(size=np.shape(m))
    c = np.cov(m, y, rowvar)
    x = rc.cov_rows(m, y, rowvar)
    tx = rc.cov_rows_embed(t, m, y, rowvar, 0)
    want = directional_difference(lambda v: np.cov(v, y, rowvar), m, t)
    assert_close_tree(rc.cov_tangent(tx, rc.cov_right(x, False, None, None, None), c), want,
                      1e-6, 1e-8)
    if np.shape(x)[0] > 1:
        r = np.corrcoef(m, y, rowvar)
        want = directional_difference(lambda v: np.corrcoef(v, y, rowvar), m, t)
        assert_close_tree(rc.corr_tangent(tx, x, r), want, 1e-6, 1e-8)
