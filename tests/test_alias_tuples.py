"""alias_tuples: a write into an array a library call gave back in a tuple of new arrays
(`U, s, Vt = numpy.linalg.svd(A); s[1:] = 0`) is differentiated, checked against central
differences in both modes to second order; where a later read does see the write (through
the tuple itself), it is refused at the user's line. And the tables themselves:
`tuple_arity` and `numeric_array` on lowered calls."""
import numpy as np
import pytest

import srcdiff
from srcdiff import syntax as S
from srcdiff.alias_tuples import numeric_array, tuple_arity
from issue13_cases import on_args, refused_in_both_modes

A = np.array([[1.0, 0.3, 0.2], [0.1, 2.0, 0.4], [0.5, 0.2, 3.0]])
X = np.array([0.4, 0.9, 1.3, 0.7])


def svd_truncated(A, b):
    U, s, Vt = np.linalg.svd(A)
    s[1:] = 0
    return np.sum(U * s @ Vt) + b


def eigh_dropped(A, b):
    A = A + A.T
    w, V = np.linalg.eigh(A)
    w[0] = 0.0
    return np.sum((V * w) @ V.T) + b


def qr_pinned(A, b):
    Q, R = np.linalg.qr(A)
    R[0, 0] = b
    return np.sum(Q @ R)


def svd_in_loop(A, b):
    out = []
    for k in range(2):
        U, s, Vt = np.linalg.svd(A * (k + 1.0))
        s[-1] = b
        out.append(s)
    return np.sum(out[0] * out[1])


def svd_alias_read(A, b):   # s2 is s itself: it reads the written array, as followed
    U, s, Vt = np.linalg.svd(A)
    s2 = s
    s[0] = b
    return np.sum(s2 * U[0])


def modf_written(x, b):
    fr, whole = np.modf(x * 3.0)
    fr[0] = b
    return np.sum(fr * x)


def divmod_written(x, b):
    q, r = np.divmod(x * 3.0, 1.0)
    r[0] = b
    return np.sum(r * x)


def frexp_written_in_loop(x, b):
    m, e = np.frexp(x)
    for i in range(2):
        m[i] = m[i] * b
    return np.sum(m * e)


@pytest.mark.parametrize("f", [svd_truncated, eigh_dropped, qr_pinned, svd_in_loop,
                               svd_alias_read])
def test_decomposition_items_written(f):
    on_args(f, (A, 0.3), (0, 1))


@pytest.mark.parametrize("f", [modf_written, divmod_written, frexp_written_in_loop])
def test_two_output_ufunc_items_written(f):
    on_args(f, (X, 0.3), (0, 1))


# --- a later read sees the write: refused ------------------------------------------------
def svd_tuple_read_after(A, b):
    r = np.linalg.svd(A)
    s = r[1]
    s[1:] = b
    return np.sum(r[1] * r[1]) + np.sum(s)


def divmod_tuple_read_after(x, b):
    t = np.divmod(x * 3.0, 1.0)
    q, r = t
    r[0] = b
    return np.sum(t[1] * x)


def svd_listed_then_written(A, b):
    U, s, Vt = np.linalg.svd(A)
    keep = [s, U]
    s[0] = b
    return np.sum(keep[0] ** 2)


@pytest.mark.parametrize("f, args, match", [
    (svd_tuple_read_after, (A, 0.3), "writing into s here would change r too"),
    (divmod_tuple_read_after, (X, 0.3), "writing into r here would change t too"),
])
def test_tuple_read_after_the_write_refused_in_reverse(f, args, match):
    """The reverse pass restores s but not what r's later read saw: refused when the run
    shows r holds s; forward mode follows the write (the tangent of s is r's item)."""
    with pytest.raises(srcdiff.RuntimeRefusal, match=match) as info:
        srcdiff.grad(f, wrt=(0, 1))(*(np.copy(a) for a in args))
    assert f.__code__.co_filename in str(info.value)
    on_args(f, args, (0, 1), modes=("fwd",))


def test_tuple_item_listed_then_written_refused():
    refused_in_both_modes(svd_listed_then_written, (A, 0.3), (0, 1), "would also change keep")


# --- the tables ----------------------------------------------------------------------------
def _call(text):
    return S.quote_expr(text)


@pytest.mark.parametrize("func, text, size", [
    (np.linalg.svd, "f(a)", 3),
    (np.linalg.svd, "f(a, full_matrices=False)", 3),
    (np.linalg.svd, "f(a, compute_uv=False)", None),   # one array
    (np.linalg.svd, "f(a, False, False)", None),
    (np.linalg.qr, "f(a)", 2),
    (np.linalg.qr, "f(a, 'complete')", 2),
    (np.linalg.qr, "f(a, mode='r')", None),            # R alone
    (np.linalg.qr, "f(a, mode=m)", None),
    (np.linalg.eigh, "f(a)", 2),
    (np.linalg.lstsq, "f(a, b)", 4),
    (np.modf, "f(a)", 2),
    (np.divmod, "f(a, b)", 2),
    (np.divmod, "f(a, b, out=(c, d))", None),          # writes into c and d
    (np.meshgrid, "f(a, b)", 2),
    (np.meshgrid, "f(a, b, copy=False)", None),        # views
    (np.histogram, "f(a, 5)", 2),
    (np.histogram, "f(a, bins=edges)", None),          # gives back edges itself
    (np.sin, "f(a)", None),
    (np.split, "f(a, 2)", None),
])
def test_tuple_arity(func, text, size):
    assert tuple_arity(func, _call(text)) == size


def test_numeric_array_follows_tuple_items_and_copies():
    from srcdiff.core import Kind

    class Sd:
        def __init__(self, kind, func=None):
            self.kind, self.func = kind, func

    def bind(name, text, kind, func=None):
        t = S.Assign(targets=[S.store(name)], value=S.quote_expr(text), type_comment=None)
        t.sd = Sd(kind, func)
        return t
    defs = {"svd_1": [bind("svd_1", "f(a)", Kind.CALL, np.linalg.svd)],
            "s_1": [bind("s_1", "svd_1[1]", Kind.SUBSCRIPT)],
            "s": [bind("s", "s_1", Kind.COPY)],
            "far": [bind("far", "svd_1[3]", Kind.SUBSCRIPT)],
            "m": [bind("m", "f(a)", Kind.CALL, np.modf)]}
    assert numeric_array("s", defs)
    assert not numeric_array("far", defs)   # (no fourth item)
    assert not numeric_array("svd_1", defs)   # (the tuple itself)
    assert not numeric_array("m", defs)       # (modf's tuple, not an array)
