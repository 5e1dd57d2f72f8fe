"""srcdiff/liveness.py: a large temporary is `del`-ed after its last reader (its memory is
then reused), and `del name` in a function srcdiff differentiates is dropped (so emitted
code containing it can be differentiated again: second order)."""
import numpy as np
import pytest

import srcdiff
from srcdiff.errors import SrcdiffError
from gradcheck import check


def mlp_like(w, x):
    h = np.tanh(x @ w + 1.0)
    z = np.exp(h - np.max(h, axis=1, keepdims=True))
    return np.sum(np.log(np.sum(z, axis=1, keepdims=True)) * h[:, :1])


def chain(a):
    b = np.sin(a) * a
    c = np.exp(b)
    d = np.cos(c) + b
    return np.sum(d * d)


@pytest.mark.parametrize("f, args", [
    (mlp_like, lambda rng: (rng.standard_normal((3, 4)), rng.standard_normal((5, 3)))),
    (chain, lambda rng: (rng.standard_normal((3, 4)),)),
])
def test_temporaries_deleted_and_derivatives_unchanged(small_threshold, f, args):
    values = args(np.random.default_rng(0))
    wrt = tuple(range(len(values))) if len(values) > 1 else 0
    check(f, *values, wrt=wrt)  # both modes, second order through the emitted code
    g = srcdiff.grad(f, wrt=wrt)
    g(*values)
    assert "\n    del " in g.source, g.source


def test_small_values_are_not_deleted():
    """Sizes known to be small (0-d, size-1) give no `del`; a (3, 4) input gives them, since
    its code also serves (1000, 1000), an input of the same shape pattern (srcdiff/shapes.py)."""
    g = srcdiff.grad(chain)
    g(np.ones((1, 1)))
    assert "del " not in g.source
    g = srcdiff.grad(chain)
    g(np.ones((3, 4)))
    small = g.source
    g(np.ones((1000, 1000)))
    assert "del " in small and g.source == small


def test_not_deleted_without_known_shapes(small_threshold):
    from srcdiff.transform import reverse_source
    assert "del " in reverse_source(chain, ["a"], input_shapes={"a": (3, 4)}).text
    assert "del " not in reverse_source(chain, ["a"]).text


def user_del(x):
    y = x * 2.0
    z = np.sin(y) * x
    del y
    return np.sum(z)


def user_del_item(x):
    y = [x, x * 2.0]
    del y[0]
    return np.sum(y[0])


def test_user_del_of_a_name_is_dropped():
    check(user_del, np.linspace(0.1, 1.0, 5))


def test_user_del_of_an_item_is_refused():
    with pytest.raises(SrcdiffError, match="del of an item or attribute"):
        srcdiff.grad(user_del_item)(np.ones(3))
