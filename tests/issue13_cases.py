"""What the issue #13 test files share: a program checked against central differences in
both modes to second order (`on_args`), or refused in both modes at the user's file
(`refused_in_both_modes`), each on fresh copies of its arguments."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check


def _copies(args):
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def on_args(f, args, wrt, **kw):
    check(f, *_copies(args), wrt=wrt, order=2, **kw)


def refused_in_both_modes(f, args, wrt, match, error=srcdiff.SrcdiffError):
    """grad and jvp of f (tangents of ones) both raise `error` matching `match`, naming the
    file f is written in."""
    for make in (srcdiff.grad, srcdiff.jvp):
        given = _copies(args)
        if make is srcdiff.jvp:
            given += tuple(np.ones_like(given[i]) if isinstance(given[i], np.ndarray) else 1.0
                           for i in wrt)
        with pytest.raises(error, match=match) as info:
            make(f, wrt=wrt)(*given)
        assert f.__code__.co_filename in str(info.value)
