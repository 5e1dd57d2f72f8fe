"""srcdiff/transform.py: the reverse pipeline's driver (has_aux splits a new lowered record)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import core, emit, transform
from tests.gradcheck import numerical_grad


def with_aux(x):
    y = np.sin(x) * x
    return np.sum(y * y), y + 1.0


def test_has_aux_leaves_the_frozen_lowered_function_as_it_was():
    low = transform.lower_function(with_aux)
    before = emit.to_source(low.body)
    ids = [id(s) for s in low.body]
    split, aux = transform._split_aux(low)
    assert [id(s) for s in low.body] == ids
    assert emit.to_source(low.body) == before
    assert "check_aux_pair" not in low.bindings
    assert split is not low and split.body is not low.body
    assert split.body[:len(ids) - 1] == low.body[:-1]
    with pytest.raises(AttributeError, match="frozen"):
        split.body = []
    core.validate(split)
    assert aux in {n for s in split.body for n in core.assigned_names([s])}


def test_has_aux_gradient_matches_finite_differences():
    x = np.array([0.3, -1.2, 2.0])
    g, aux = srcdiff.grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(g, numerical_grad(lambda x: with_aux(x)[0], [x], 0),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(aux, with_aux(x)[1])
    (value, aux), g2 = srcdiff.value_and_grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(value, with_aux(x)[0])
    np.testing.assert_allclose(g2, g)
