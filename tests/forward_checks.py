"""The forward-mode checks several test files share (tests/test_forward*.py): gradcheck's
check_jvp with `wrt` as parameter names, the emitted jvp of f, and jvp . v == <grad, v>."""
import inspect

import numpy as np

import srcdiff
from gradcheck import check_jvp as shared_check_jvp
from gradcheck import random_like
from srcdiff.forward_driver import forward_source
from srcdiff.transform import load_emitted


def check_jvp(f, args, wrt=None, tangents=None, rtol=1e-5, atol=1e-6, eps=1e-6):
    """The shared gradcheck.check_jvp, with `wrt` given as parameter names (default: the first)."""
    params = list(inspect.signature(f).parameters)
    names = tuple(wrt) if wrt is not None else (params[0],)
    return shared_check_jvp(f, *args, wrt=tuple(params.index(w) for w in names),
                            tangents=tangents, rtol=rtol, atol=atol, eps=eps)


def jvp_of(f, wrt):
    return load_emitted(forward_source(f, tuple(wrt)))


def check_against_grad(f, args, wrt=None):
    """For a scalar output: jvp . v == <grad, v>."""
    params = list(inspect.signature(f).parameters)
    wrt = tuple(wrt) if wrt is not None else (params[0],)
    positions = [params.index(w) for w in wrt]
    tangents = [random_like(args[p]) for p in positions]
    _, tangent = jvp_of(f, wrt)(*args, *tangents)
    grads = srcdiff.grad(f, wrt=tuple(positions) if len(positions) > 1 else positions[0])(*args)
    grads = grads if len(positions) > 1 else (grads,)
    dot = sum(float(np.sum(np.asarray(g) * np.asarray(t)))
              for g, t in zip(grads, tangents))
    np.testing.assert_allclose(float(tangent), dot, rtol=1e-9, atol=1e-12)


def check_jvp_of_jvp(f, *args, wrt=0, seed=0):
    """Forward over forward: the emitted jvp of f (at tangents drawn from `seed`) checked by
    gradcheck.check in forward mode, in the primal arguments `wrt` (a position or a tuple)
    and in their tangents."""
    from gradcheck import _emitted, check
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    rng = np.random.default_rng(seed)
    tangents = [rng.normal(size=np.shape(args[p])) for p in positions]
    inner = _emitted(srcdiff.jvp(f, wrt=wrt), list(args) + tangents)
    check(inner, *args, *tangents, wrt=positions + tuple(range(len(args), len(args) + len(
        tangents))), modes=("fwd",), order=1)
