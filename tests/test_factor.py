"""srcdiff/factor.py: a whole-dataset scalar factor of the gradient applied after the linear
part of the backward pass. Every case is checked against central differences (reverse,
forward, second order), where the rewrite applies and where it must not."""
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


def test_each_statement_of_the_adjoint_is_walked_once(monkeypatch):
    """defer_scalar_factor reads the names of each top-level statement in one walk (its
    stores, the split points and the stores of the two parts), rewriting as before."""
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
    assert walked and len({id(n) for n in walked}) == len(walked)
