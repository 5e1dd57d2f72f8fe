"""srcdiff/runtime_keywords.py: the helpers of where= and initial= on their own (their use in
derivatives is checked against central differences in tests/templates/test_reductions.py)."""
import numpy as np

from srcdiff import runtime_keywords as rk


def test_where_filled_broadcasts_the_mask():
    got = rk.where_filled(np.ones((2, 3)), np.array([True, False, True]), 0.0)
    np.testing.assert_array_equal(got, [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]])


def test_where_count_counts_the_kept_elements_with_kept_dims():
    mask = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(rk.where_count(6, mask, np.zeros((2, 3)), 1), [[2], [1]])
    np.testing.assert_array_equal(rk.where_count(6, mask, np.zeros((2, 3)), None), [[3]])
    np.testing.assert_array_equal(rk.where_count(6, mask[0], np.zeros((2, 3)), 0),
                                  [[2, 0, 2]])


def test_with_initial():
    assert rk.with_initial(2.0, None) == 2.0
    assert rk.with_initial(2.0, 1.5) == 3.0


def test_initial_weight_only_where_no_element_attains():
    a = np.array([[0.1, 0.4], [0.9, 0.2]])
    y = np.max(a, axis=1, initial=0.5)  # [0.5, 0.9]
    np.testing.assert_array_equal(rk.initial_weight(a, y, 0.5, 1, False), [1.0, 0.0])
    y = np.max(a, axis=1, keepdims=True, initial=0.5)
    np.testing.assert_array_equal(rk.initial_weight(a, y, 0.5, 1, True), [[1.0], [0.0]])
    # a tie of initial with an element: the element's
    assert rk.initial_weight(np.array([0.5, 0.1]), 0.5, 0.5, None, False) == 0.0
    # masked elements are NaN: never attain
    assert rk.initial_weight(np.array([np.nan, 0.1]), 0.5, 0.5, None, False) == 1.0
