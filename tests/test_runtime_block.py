"""srcdiff/runtime_block.py: block_grad gives each array of numpy.block the box of the
gradient it fills, by place (an array given twice gets both of its boxes)."""
import numpy as np

from srcdiff.runtime_block import block_grad


def test_each_array_gets_its_box():
    a, b = np.ones((2, 2)), np.ones((2, 3))
    c, e = np.ones((1, 2)), np.ones((1, 3))
    grad = np.arange(15.0).reshape(3, 5)
    got = block_grad(grad, [[a, b], [c, e]])
    np.testing.assert_array_equal(got[0][0], grad[:2, :2])
    np.testing.assert_array_equal(got[0][1], grad[:2, 2:])
    np.testing.assert_array_equal(got[1][0], grad[2:, :2])
    np.testing.assert_array_equal(got[1][1], grad[2:, 2:])


def test_an_array_given_twice_and_promoted_shapes():
    a = np.ones(2)
    grad = np.arange(8.0).reshape(2, 4)
    got = block_grad(grad, [[a, a], [np.ones((1, 2)), np.ones(2)]])
    np.testing.assert_array_equal(got[0][0], grad[0, :2])
    np.testing.assert_array_equal(got[0][1], grad[0, 2:])
    assert got[0][0].shape == (2,) and got[1][0].shape == (1, 2)


def test_a_number_gets_a_number():
    got = block_grad(np.array([1.0, 2.0, 3.0]), [1.5, np.ones(2)])
    assert got[0] == 1.0
    np.testing.assert_array_equal(got[1], [2.0, 3.0])
