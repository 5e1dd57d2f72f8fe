"""srcdiff/factor.py: a whole-dataset scalar factor of the gradient applied after the linear
part of the backward pass. Every case is checked against central differences (reverse,
forward, second order), where the rewrite applies and where it must not."""
import types

import numpy as np

import srcdiff
from gradcheck import check

rng = np.random.default_rng(3)
X, Y, W = rng.normal(size=(7, 3)), rng.normal(size=7), rng.normal(size=3)


def _source(f, *args, wrt=0):
    d = srcdiff.grad(f, wrt=wrt)
    d(*args)
    return srcdiff.source(d)


def rmse(w, X, y):
    r = X @ w - y
    return np.sqrt(np.mean(r ** 2))


def branch_on_mean(w, X, y):
    r = X @ w - y
    m = np.mean(r * r)
    if m > 1.0:
        return np.sqrt(m)
    return m


def log_of_sum_with_temporaries(w, X):
    z = np.tanh(X @ w)
    s = np.sum(z * z) + 1.0
    return np.log(s) * np.exp(-s / 10.0)


def penalised_rmse(w, X, y):
    """The penalty's gradient reaches w without going through the mean: not rewritten."""
    r = X @ w - y
    return np.sqrt(np.mean(r ** 2)) + 0.1 * np.sum(w * w)


def cube(x):
    """The seed reaches x by two paths (the first derivative of x * x * x)."""
    return x * x * x


def listed(ws, X):
    r = X @ ws[0] + ws[1]
    return np.sqrt(np.mean(r * r))


def test_rmse_and_branch_are_rewritten_and_right():
    for f in (rmse, branch_on_mean):
        assert "scale_gradient(" in _source(f, W, X, Y, wrt=(0, 1, 2))
        check(f, W, X, Y, wrt=(0, 1, 2))
    check(branch_on_mean, W * 0.01, X * 0.1, Y * 0.1, wrt=(0, 1, 2))


def test_temporaries_and_nonlinear_heads():
    assert "scale_gradient(" in _source(log_of_sum_with_temporaries, W, X)
    check(log_of_sum_with_temporaries, W, X, wrt=(0, 1))


def test_not_rewritten_where_a_gradient_bypasses_the_scalar():
    assert "scale_gradient(" not in _source(penalised_rmse, W, X, Y)
    check(penalised_rmse, W, X, Y, wrt=(0, 1, 2))
    assert "scale_gradient(" not in _source(cube, np.float64(2.0))
    check(cube, np.float64(1.5))
    check(cube, np.array(0.7))


def test_container_gradients_are_left_alone():
    ws = [W, rng.normal(size=7)]
    assert "scale_gradient(" not in _source(listed, ws, X)
    check(listed, ws, X, wrt=(0, 1))


def test_the_adjoint_is_not_walked_again(monkeypatch):
    """defer_scalar_factor reads the names of each top-level statement (its stores, the split
    points and the stores of the two parts) from the walk transform.py made of them for the
    adjoint names, rewriting as before; asked alone, it walks each statement once."""
    from srcdiff import factor
    from srcdiff import syntax
    walked = []

    class Counting:
        def __getattr__(self, name):
            return getattr(syntax, name)

        def walk_names(self, node):
            walked.append(node)
            return syntax.walk_names(node)
    monkeypatch.setattr(factor, "S", Counting())
    srcdiff.api.clear_cache()
    assert "scale_gradient(" in _source(rmse, W, X, Y, wrt=(0, 1, 2))
    srcdiff.api.clear_cache()
    assert walked == []
    adjoint = [syntax.quote(text)[0] for text in (
        "d_v = 0.5 / np.sqrt(v)", "d_r = d_v * r", "d_w = X.T @ d_r")]
    rev = types.SimpleNamespace(adjoints={"w": "d_w", "v": "d_v", "r": "d_r"}, body=[],
                                primal_names=set(), active={"w", "v", "r"}, containers=())
    factor.defer_scalar_factor(adjoint, rev, object(), None, {"d_w"}, {"d_v", "d_r", "d_w"},
                               {})   # (no shapes known: no scalar, no rewrite)
    assert len(walked) == 3 and len({id(n) for n in walked}) == 3
