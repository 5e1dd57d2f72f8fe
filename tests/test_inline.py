"""srcdiff/inline.py: a large temporary read once, by a later statement's arithmetic, is
written into it (NumPy then reuses its buffer); derivatives checked against finite
differences in both modes and to second order, through the emitted code."""
import numpy as np

import srcdiff
from gradcheck import check


def two_layers(w1, w2, x):
    h = np.tanh(x @ w1 + 1.0)
    return np.sum(np.sin(h @ w2))


def read_twice(a):
    b = a @ a.T
    return np.sum(b * b + b)




def test_matrix_products_are_written_into_their_reader(small_threshold):
    rng = np.random.default_rng(5)
    w1, w2, x = (rng.standard_normal(s) for s in ((3, 4), (4, 2), (5, 3)))
    check(two_layers, w1, w2, x, wrt=(0, 1))
    g = srcdiff.grad(two_layers, wrt=(0, 1))
    g(w1, w2, x)
    src = g.source
    assert "x @ w1 + 1.0" in src, src               # the primal's product, inlined
    assert "d_h = " not in src and "@ w2.T * (1 - h * h)" in src, src   # and the adjoint's


def test_small_values_stay_named():
    rng = np.random.default_rng(5)
    w1, w2, x = (rng.standard_normal(s) for s in ((3, 4), (4, 2), (5, 3)))
    g = srcdiff.grad(two_layers, wrt=(0, 1))
    g(w1[:1, :1], w2[:1, :1], x[:1, :1])
    # (the primal's single-use temporaries are written into their readers at any size, for
    # readability: srcdiff/temporaries.py; an adjoint's only where it is large)
    assert "d_h = d_matmul_2 @ w2.T" in g.source, g.source


def test_a_value_read_twice_stays_named(small_threshold):
    a = np.random.default_rng(6).standard_normal((3, 4))
    check(read_twice, a)
    g = srcdiff.grad(read_twice)
    g(a)
    assert "b = a @ a.T" in g.source, g.source
