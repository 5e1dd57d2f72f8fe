"""templates/scipy_integrate.py: a differentiated odeint is refused at the user's line, both
modes; an odeint whose arguments carry no derivative runs as it is."""
import numpy as np
import pytest

si = pytest.importorskip("scipy.integrate")

import srcdiff  # noqa: E402
from gradcheck import check  # noqa: E402


def decay(y, t, k):
    return -k * y


def through_odeint(y0, k):
    return np.sum(si.odeint(decay, y0, np.array([0.0, 0.5, 1.0]), args=(k,)))


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("mode", ["grad", "jvp", "hvp"])
def test_differentiated_odeint_is_refused_located(mode, wrt):
    y0, k = np.array([1.0, 2.0]), 0.5
    tangent = np.ones(2) if wrt == 0 else 1.0
    call = {"grad": lambda: srcdiff.grad(through_odeint, wrt=wrt)(y0, k),
            "jvp": lambda: srcdiff.jvp(through_odeint, wrt=wrt)(y0, k, tangent),
            "hvp": lambda: srcdiff.hvp(through_odeint, wrt=wrt)(y0, k, tangent)}[mode]
    with pytest.raises(srcdiff.SrcdiffError, match=r"test_scipy_integrate.py:\d+") as info:
        call()
    assert "odeint" in str(info.value) and "not implemented" in str(info.value)


def constant_odeint(k):
    return k * np.sum(si.odeint(decay, np.array([1.0, 2.0]), np.array([0.0, 1.0]), args=(0.5,)))


def test_odeint_of_constants_runs():
    check(constant_odeint, 0.3)
