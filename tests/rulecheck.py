"""Check one rule every way it is used: reverse, forward and second order, each against
central differences (via tests/gradcheck.py), for the edge-case tests of templates/."""
import numpy as np

from gradcheck import check_grad, check_hvp, check_jvp

_rng = np.random.default_rng(77)


def check_modes(f, *args, wrt=0, order=2, rtol=1e-5, atol=1e-6):
    """grad and jvp of f against finite differences and, with order=2, hvp against
    finite differences of the (checked) gradient; returns the gradient."""
    got = check_grad(f, *args, wrt=wrt, rtol=rtol, atol=atol)
    check_jvp(f, *args, wrt=wrt, rtol=rtol, atol=atol)
    if order >= 2:
        x = args[wrt]
        vector = float(_rng.normal()) if isinstance(x, float) else _rng.normal(size=np.shape(x))
        check_hvp(f, *args, vector=vector, wrt=wrt, rtol=rtol, atol=max(atol, 1e-6))
    return got
