"""templates/covariance.py: numpy.cov and numpy.corrcoef against central differences, both
modes and second order, over the argument forms users pass (y=, rowvar=False, bias=, ddof=,
fweights=/aweights= held constant, one variable, 1-d and 2-d data); derivatives with respect
to the weights, dtype= and complex data refused at the user's line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

RNG = np.random.default_rng(1807)
X35 = RNG.normal(size=(3, 5))
W33 = np.arange(1.0, 10.0).reshape(3, 3) / 4
AW = np.array([1.0, 2.0, 3.0, 0.5, 1.5])
FW = np.array([1, 2, 1, 3, 1])


def cov_plain(x):
    return np.sum(np.cov(x) * np.arange(1.0, 10.0).reshape(3, 3))


def cov_of_y(x, y):
    return np.sum(np.sin(np.cov(x, y, rowvar=False, ddof=0)))


def cov_biased_one_variable(x):
    return np.cov(x, bias=True) ** 2


def cov_weighted(x):
    return np.sum(np.cov(x, fweights=FW, aweights=AW) ** 2 * W33)


def cov_aweights_ddof(x):
    return np.sum(np.cov(x, ddof=2, aweights=AW) * W33)


def cov_weights_passed(x, w):
    return np.sum(np.cov(x, None, True, False, None, None, w) ** 2 * W33)


def cov_columns(m):
    return np.sum(np.exp(np.cov(m, rowvar=False)))


def cov_then_solve(x):
    c = np.cov(x) + np.eye(3)
    return np.sum(np.linalg.solve(c, np.ones(3)))


def test_cov_of_rows():
    check(cov_plain, X35.copy())
    check(cov_then_solve, X35.copy())


@pytest.mark.parametrize("ny", [None, 3])
def test_cov_with_y_and_rowvar_false(ny):
    y = RNG.normal(size=(5,) if ny is None else (5, ny))
    check(cov_of_y, RNG.normal(size=(5, 2)), y, wrt=(0, 1))
    check(cov_of_y, RNG.normal(size=(5, 2)), y, wrt=1)


def test_cov_of_one_variable_biased():
    check(cov_biased_one_variable, RNG.normal(size=6))


def test_cov_rowvar_false_of_columns():
    check(cov_columns, RNG.normal(size=(6, 3)) / 2)
    check(cov_columns, RNG.normal(size=(6, 1)))   # one column: X is its transpose


@pytest.mark.parametrize("f", [cov_weighted, cov_aweights_ddof])
def test_cov_with_weights_held_constant(f):
    check(f, X35.copy())


def test_cov_with_weights_passed_in_and_held():
    check(cov_weights_passed, X35.copy(), AW.copy(), wrt=0)


def corr_plain(x):
    return np.sum(np.corrcoef(x) * np.arange(1.0, 10.0).reshape(3, 3))


def corr_of_y(x, y):
    return np.sum(np.sin(np.corrcoef(x, y, rowvar=False)))


def corr_of_two_vectors(x, y):
    return np.corrcoef(x, y)[0, 1] ** 2


def corr_one_variable(x):
    return np.corrcoef(x) * x[0]


def test_corrcoef_of_rows():
    check(corr_plain, X35.copy())


def test_corrcoef_with_y_and_rowvar_false():
    check(corr_of_y, RNG.normal(size=(5, 2)), RNG.normal(size=5), wrt=(0, 1))
    check(corr_of_two_vectors, RNG.normal(size=6), RNG.normal(size=6), wrt=(0, 1))


def test_corrcoef_of_one_variable_is_constant():
    check(corr_one_variable, RNG.normal(size=5))


def wrt_aweights(w, x):
    return np.sum(np.cov(x, aweights=w))


def wrt_fweights(w, x):
    return np.sum(np.cov(x, fweights=w))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f, words", [(wrt_aweights, "numpy.average"),
                                      (wrt_fweights, "counts")])
def test_weights_are_held_constant_and_refused_located(f, words, mode):
    call = srcdiff.grad(f, wrt=0) if mode == "grad" else (
        lambda a, b: srcdiff.jvp(f, wrt=0)(a, b, np.ones(5)))
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_covariance.py:\d+") as info:
        call(np.ones(5), X35.copy())
    assert "with respect to 'aweights'" in str(info.value) or \
        "with respect to 'fweights'" in str(info.value)
    assert words in str(info.value)


def with_dtype(x):
    return np.sum(np.cov(x, dtype=np.float32))


def of_complex(x):
    return np.sum(np.cov(x * (1.0 + 0.5j)).real)


def corr_of_complex(x):
    return np.sum(np.corrcoef(x * 1j).real)


@pytest.mark.parametrize("f, words", [(with_dtype, "dtype"), (of_complex, "real arguments"),
                                      (corr_of_complex, "real arguments")])
def test_dtype_and_complex_data_refused_located(f, words):
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_covariance.py:\d+") as info:
        srcdiff.grad(f)(X35.copy())
    assert words in str(info.value)
