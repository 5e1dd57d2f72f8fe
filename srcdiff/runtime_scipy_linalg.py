"""Helpers the derivative rules of scipy.linalg's solve, inv, eigh, svd, qr, lstsq, pinv,
lu_factor / lu_solve, eigh_tridiagonal, hessenberg and schur call,
templates/scipy_linalg_decomp.py, scipy_lu.py and scipy_linalg_spectral.py (run time: called
by emitted code; checks.py places its argument checks). Takes the primal values and the
cotangent or tangent a rule passes; gives back new arrays, or nothing for a check that
passes.

Never imports SciPy when imported (hessenberg's and schur's helpers do when called): the
rule modules that call these helpers are loaded only once the user's code has imported
scipy.linalg (srcdiff.rules.OPTIONAL). Each helper the emitted gradient calls has its own
tangent rule beside the templates that use it, so forward-over-reverse code (hvp)
differentiates emitted gradients through it.
"""
import numpy

from .runtime_checks import refuse
from .runtime_linalg_more import check_lu, check_polar
from .runtime_linalg import eigh_tangent, eigh_tangent_moved

_STRUCTURES = {"sym": "sym", "symmetric": "sym", "her": "sym", "hermitian": "sym",
               "pos": "sym", "positive definite": "sym", "upper triangular": "upper",
               "lower triangular": "lower", "diagonal": "diagonal",
               "tridiagonal": "tridiagonal"}


def structured(a, assume_a, lower):
    """The matrix scipy.linalg.solve or inv reads in a for its assume_a: the symmetric matrix
    of one triangle ('sym', 'her', 'pos': the lower one with lower=True, else the upper), a
    triangle, the diagonal or the three middle diagonals; a itself for None or 'gen'."""
    kind = _STRUCTURES.get(assume_a)
    if kind == "sym":
        part = numpy.tril(a) if lower else numpy.triu(a)
        return part + numpy.swapaxes(part, -1, -2) - numpy.tril(numpy.triu(a))
    if kind == "upper":
        return numpy.triu(a)
    if kind == "lower":
        return numpy.tril(a)
    if kind == "diagonal":
        return numpy.tril(numpy.triu(a))
    if kind == "tridiagonal":
        return numpy.tril(numpy.triu(a, -1), 1)
    return a


def structured_adjoint(g, assume_a, lower):
    """The adjoint of structured: the gradient with respect to a from that with respect to
    the matrix read (an entry off the diagonal of a symmetric one stands for two)."""
    if _STRUCTURES.get(assume_a) == "sym":
        both = g + numpy.swapaxes(g, -1, -2)
        strict = numpy.tril(both, -1) if lower else numpy.triu(both, 1)
        return strict + numpy.tril(numpy.triu(g))
    return structured(g, assume_a, lower)


def check_structure(assume_a, where):
    """scipy.linalg.solve: every assume_a but 'banded' (whose band scipy finds in a's
    values)."""
    if assume_a is not None and assume_a not in _STRUCTURES and assume_a not in ("gen",
                                                                              "general"):
        refuse(f"srcdiff differentiates scipy.linalg.solve with assume_a=None, 'gen', 'sym', "
               f"'her', 'pos', 'diagonal', 'tridiagonal' or a triangular one, not "
               f"{assume_a!r}", "use scipy.linalg.solve_banded for a banded matrix", where)


def check_inv_structure(assume_a, where):
    """scipy.linalg.inv: assume_a None, 'gen', 'sym', 'her', 'pos' or triangular (SciPy 1.17's
    inv with 'diagonal' keeps a's entries off the diagonal: no inverse to differentiate)."""
    if assume_a not in (None, "gen", "general", "sym", "her", "pos", "upper triangular",
                        "lower triangular"):
        refuse(f"srcdiff differentiates scipy.linalg.inv with assume_a=None, 'gen', 'sym', "
               f"'her', 'pos' or a triangular one, not {assume_a!r}",
               "leave assume_a out, or invert a diagonal matrix as 1 / numpy.diagonal(a)",
               where)


def eigh_factors(y, a, lower, eigvals_only):
    """[w, v] of scipy.linalg.eigh(a): its result, or, where it gave the eigenvalues alone,
    both computed again (numpy.linalg.eigh reads the same triangle)."""
    if eigvals_only:
        return list(numpy.linalg.eigh(a, "L" if lower else "U"))
    return list(y)


def eigh_factors_given(t, y, a, lower, eigvals_only):
    """The tangent of eigh_factors along y's tangent t."""
    if eigvals_only:
        w, v = numpy.linalg.eigh(a, "L" if lower else "U")
        return [w * 0, v * 0]
    return list(t)


def eigh_factors_recomputed(t, y, a, lower, eigvals_only):
    """The tangent of eigh_factors along a's tangent t."""
    if eigvals_only:
        w, v = numpy.linalg.eigh(a, "L" if lower else "U")
        return list(eigh_tangent(t, w, v, "L" if lower else "U"))
    return [y[0] * 0, y[1] * 0]


def eigh_cotangents(g, factors, eigvals_only):
    """[gw, gv]: the adjoint of eigh's result, zeros for the vectors it did not return."""
    if eigvals_only:
        return [g, factors[1] * 0]
    return list(g)


def eigh_tangent_of(t, a, y, lower, eigvals_only):
    """scipy.linalg.eigh's result's tangent along t (the eigenvalues' alone for
    eigvals_only=True)."""
    w, v = eigh_factors(y, a, lower, eigvals_only)
    out = eigh_tangent(t, w, v, "L" if lower else "U")
    return out[0] if eigvals_only else out


def eigh_tangent_of_moved(t, a, y, lower, eigvals_only, factors):
    """The tangent of eigh_tangent_of(t, a, y, lower, eigvals_only) (t held) as its factors
    [w, v] move along `factors` (eigh_factors' tangent)."""
    w, v = eigh_factors(y, a, lower, eigvals_only)
    out = eigh_tangent_moved(t, w, v, "L" if lower else "U", factors[0], factors[1])
    return out[0] if eigvals_only else out


def check_eigh(b, subset_by_index, subset_by_value, where):
    """scipy.linalg.eigh and eigvalsh: the standard problem (b=None), every eigenvalue."""
    if b is not None:
        refuse("srcdiff differentiates scipy.linalg.eigh and eigvalsh of one matrix only, not "
               "the generalized problem a v = w b v", "with a Cholesky factor L of b, take "
               "eigh(inv(L) @ a @ inv(L).T) and map the vectors back with inv(L).T", where)
    if subset_by_index is not None or subset_by_value is not None:
        refuse("srcdiff differentiates scipy.linalg.eigh and eigvalsh for every eigenvalue, "
               "not a subset (subset_by_index, subset_by_value)", "compute them all and "
               "index the result (w[-k:])", where)


def check_svd_shape(a, full_matrices, compute_uv, where):
    """scipy.linalg.svd: the vectors with full_matrices=True of a square matrix only."""
    shape = numpy.shape(a)
    if compute_uv and full_matrices and shape[-1] != shape[-2]:
        refuse("scipy.linalg.svd with full_matrices=True of a non-square matrix has no "
               "derivative (the extra singular vectors are any orthonormal completion)",
               "pass full_matrices=False", where)


def check_qr_mode(a, mode, pivoting, where):
    """scipy.linalg.qr: mode='economic' (or 'full' of a square matrix), no pivoting, at least
    as many rows as columns."""
    shape = numpy.shape(a)
    if pivoting:
        refuse("srcdiff differentiates scipy.linalg.qr without pivoting only",
               "leave pivoting out", where)
    if mode not in ("economic", "full") or (mode == "full" and shape[-2] != shape[-1]):
        refuse(f"srcdiff differentiates scipy.linalg.qr with mode='economic' (or 'full' of a "
               f"square matrix) only, not mode={mode!r} of a {shape} matrix",
               "pass mode='economic'", where)
    if shape[-2] < shape[-1]:
        refuse("srcdiff differentiates scipy.linalg.qr of matrices with at least as many "
               "rows as columns only", "take the QR decomposition of the transpose (an LQ "
               "decomposition) or of the leading square block", where)


def check_lstsq_driver(lapack_driver, where):
    """scipy.linalg.lstsq: not 'gelsy', which returns no singular values."""
    if lapack_driver == "gelsy":
        refuse("srcdiff differentiates scipy.linalg.lstsq with the 'gelsd' or 'gelss' driver, "
               "not 'gelsy' (which returns no singular values)", "leave lapack_driver out",
               where)


def check_pinv_rank(return_rank, where):
    """scipy.linalg.pinv: return_rank=False (the rank is an integer, and a pair of the
    pseudo-inverse and it is not taken)."""
    if return_rank:
        refuse("srcdiff differentiates scipy.linalg.pinv with return_rank=False only",
               "leave return_rank out, and take the rank with numpy.linalg.matrix_rank",
               where)


# -- eigh_tridiagonal (templates/scipy_linalg_spectral.py) --------------------------------

def off_diagonal(e):
    """The symmetric matrix with e on its first sub- and superdiagonals, zero elsewhere (the
    part of eigh_tridiagonal's matrix e stands for)."""
    return numpy.diag(e, 1) + numpy.diag(e, -1)


def off_diagonal_adjoint(g):
    """The adjoint of off_diagonal: the gradient with respect to e from that with respect to
    the matrix (each e[k] stands for two entries)."""
    return numpy.diagonal(g, 1) + numpy.diagonal(g, -1)


def check_tridiagonal_select(select, where):
    """scipy.linalg.eigh_tridiagonal: every eigenvalue (select='a')."""
    if select not in ("a", "all", 0):
        refuse(f"srcdiff differentiates scipy.linalg.eigh_tridiagonal for every eigenvalue "
               f"(select='a'), not select={select!r}", "compute them all and index the "
               "result (w[-k:])", where)


# -- hessenberg (templates/scipy_linalg_spectral.py) --------------------------------------
# a = q h q^T, q = the product of LAPACK's Householder reflectors, its first column e1 fixed.
# Along da, with c = q^T da q and omega = q^T dq (antisymmetric, first row and column zero),
# dh = c + h omega - omega h must stay upper Hessenberg: entry (i, j), i > j + 1, gives
# omega[i, j + 1] h[j + 1, j] from what columns 0..j of omega hold, column by column.

def hessenberg_factors(y, a, calc_q):
    """[h, q] of scipy.linalg.hessenberg(a): its result, or both computed again where it gave h
    alone (calc_q=False)."""
    if calc_q:
        return list(y)
    import scipy.linalg
    return list(scipy.linalg.hessenberg(a, calc_q=True))


def hessenberg_factors_given(t, y, a, calc_q):
    """The tangent of hessenberg_factors along y's tangent t."""
    if calc_q:
        return list(t)
    return [y * 0, y * 0]


def hessenberg_factors_recomputed(t, y, a, calc_q):
    """The tangent of hessenberg_factors along a's tangent t."""
    if calc_q:
        return [y[0] * 0, y[1] * 0]
    h, q = hessenberg_factors(y, a, calc_q)
    return list(hessenberg_tangent(t, h, q))


def hessenberg_cotangents(g, factors, calc_q):
    """[gh, gq]: the adjoint of hessenberg's result, zero for q where it did not return it."""
    if calc_q:
        return list(g)
    return [g, factors[1] * 0]


def hessenberg_omega(c, h):
    """omega = q^T dq from c = q^T da q (the block comment above): the antisymmetric matrix,
    first row and column zero, that makes c + h omega - omega h upper Hessenberg."""
    n = numpy.shape(h)[-1]
    omega = numpy.zeros(numpy.shape(h), dtype=numpy.result_type(c, h))
    for j in range(n - 2):
        r = (c[j + 2:, j] + numpy.matmul(h[j + 2:, :], omega[:, j]) -
             numpy.matmul(omega[j + 2:, :j + 1], h[:j + 1, j])) / h[j + 1, j]
        omega[j + 2:, j + 1] = r
        omega[j + 1, j + 2:] = -r
    return omega


def hessenberg_omega_adjoint(g, h):
    """The adjoint of hessenberg_omega in c: hessenberg_omega's loop run backwards."""
    n = numpy.shape(h)[-1]
    g = numpy.array(g, dtype=numpy.result_type(g, h))
    out = numpy.zeros(numpy.shape(h), dtype=g.dtype)
    for j in reversed(range(n - 2)):
        r = (g[j + 2:, j + 1] - g[j + 1, j + 2:]) / h[j + 1, j]
        out[j + 2:, j] = r
        g[:, j] += numpy.matmul(numpy.swapaxes(h[j + 2:, :], -1, -2), r)
        g[j + 2:, :j + 1] -= numpy.outer(r, h[:j + 1, j])
    return out


def hessenberg_tangent(t, h, q):
    """(dh, dq) of scipy.linalg.hessenberg along a's tangent t."""
    c = numpy.matmul(numpy.swapaxes(q, -1, -2), numpy.matmul(t, q))
    omega = hessenberg_omega(c, h)
    return numpy.triu(c + numpy.matmul(h, omega) - numpy.matmul(omega, h), -1), numpy.matmul(
        q, omega)


def hessenberg_tangent_of(t, a, y, calc_q):
    """scipy.linalg.hessenberg's result's tangent along t: [dh, dq], or dh for calc_q=False."""
    dh, dq = hessenberg_tangent(t, *hessenberg_factors(y, a, calc_q))
    return [dh, dq] if calc_q else dh


def hessenberg_tangent_moved(t, h, q, dh, dq):
    """The tangent of hessenberg_tangent(t, h, q) (t held) as h moves along dh and q along dq,
    h upper Hessenberg and dh too (every h and tangent of h hessenberg's rules give):
    omega(c, h) makes c + h omega - omega h upper Hessenberg, so its tangent makes
    dc + dh omega - omega dh + h domega - domega h so, domega = omega(dc + dh omega -
    omega dh, h)."""
    c = numpy.matmul(numpy.swapaxes(q, -1, -2), numpy.matmul(t, q))
    dc = numpy.matmul(numpy.swapaxes(dq, -1, -2), numpy.matmul(t, q)) + numpy.matmul(
        numpy.swapaxes(q, -1, -2), numpy.matmul(t, dq))
    omega = hessenberg_omega(c, h)
    moved = dc + numpy.matmul(dh, omega) - numpy.matmul(omega, dh)
    domega = hessenberg_omega(moved, h)
    return numpy.triu(moved + numpy.matmul(h, domega) - numpy.matmul(domega, h), -1), \
        numpy.matmul(dq, omega) + numpy.matmul(q, domega)


def hessenberg_tangent_of_moved(t, a, y, calc_q, factors):
    """The tangent of hessenberg_tangent_of(t, a, y, calc_q) (t held) as its factors [h, q]
    move along `factors` (hessenberg_factors' tangent)."""
    dh, dq = hessenberg_tangent_moved(t, *hessenberg_factors(y, a, calc_q), *factors)
    return [dh, dq] if calc_q else dh


def check_hessenberg(a, where):
    """scipy.linalg.hessenberg: every Householder reflector LAPACK applies is a reflection
    (tau != 0). Where the column one would reduce is zero already (a triangular or
    Hessenberg a) LAPACK applies none, and nearby one that flips the signs of h's entries:
    no derivative there."""
    n = numpy.shape(a)[-1]
    if numpy.ndim(a) != 2 or n < 3 or numpy.iscomplexobj(a):
        return
    import scipy.linalg.lapack
    tau = scipy.linalg.lapack.dgehrd(numpy.asarray(a, dtype=float))[1]
    if not numpy.all(tau[:n - 2] != 0):
        refuse("scipy.linalg.hessenberg has no derivative at this a: a column below its "
               "subdiagonal is zero already, where LAPACK applies no reflector (and nearby "
               "one that flips the signs of h's entries)", "differentiate a function of a "
               "that does not depend on the reduction (its eigenvalues, numpy.linalg.eigvals), "
               "or move a off such a matrix", where)


# -- schur (templates/scipy_linalg_spectral.py) ------------------------------------------
# a = z t z^T with t upper triangular (every eigenvalue real; check_schur refuses the rest):
# along da, with c = z^T da z and omega = z^T dz antisymmetric, dt = c + t omega - omega t
# stays upper triangular: column j of omega below the diagonal solves
# (t[j+1:, j+1:] - t[j, j]) omega[j+1:, j] = omega[j+1:, :j] t[:j, j] - c[j+1:, j].

def schur_omega(c, t):
    """omega = z^T dz from c = z^T da z (the block comment above): the antisymmetric matrix
    that makes c + t omega - omega t upper triangular."""
    import scipy.linalg
    n = numpy.shape(t)[-1]
    omega = numpy.zeros(numpy.shape(t), dtype=numpy.result_type(c, t))
    for j in range(n - 1):
        m = t[j + 1:, j + 1:] - t[j, j] * numpy.eye(n - j - 1)
        w = scipy.linalg.solve_triangular(m, numpy.matmul(omega[j + 1:, :j], t[:j, j]) -
                                          c[j + 1:, j])
        omega[j + 1:, j] = w
        omega[j, j + 1:] = -w
    return omega


def schur_omega_adjoint(g, t):
    """The adjoint of schur_omega in c: schur_omega's loop run backwards."""
    import scipy.linalg
    n = numpy.shape(t)[-1]
    g = numpy.array(g, dtype=numpy.result_type(g, t))
    out = numpy.zeros(numpy.shape(t), dtype=g.dtype)
    for j in reversed(range(n - 1)):
        m = t[j + 1:, j + 1:] - t[j, j] * numpy.eye(n - j - 1)
        r = scipy.linalg.solve_triangular(m, g[j + 1:, j] - g[j, j + 1:], trans=1)
        out[j + 1:, j] = -r
        g[j + 1:, :j] += numpy.outer(r, t[:j, j])
    return out


def schur_tangent(da, t, z):
    """[dt, dz] of scipy.linalg.schur along a's tangent da."""
    c = numpy.matmul(numpy.swapaxes(z, -1, -2), numpy.matmul(da, z))
    omega = schur_omega(c, t)
    return [numpy.triu(c + numpy.matmul(t, omega) - numpy.matmul(omega, t)),
            numpy.matmul(z, omega)]


def schur_tangent_moved(da, t, z, dt, dz):
    """The tangent of schur_tangent(da, t, z) (da held) as t moves along dt and z along dz:
    hessenberg_tangent_moved's, with schur_omega (upper triangular rather than Hessenberg),
    which reads t's upper triangle alone (so dt's, there)."""
    c = numpy.matmul(numpy.swapaxes(z, -1, -2), numpy.matmul(da, z))
    dc = numpy.matmul(numpy.swapaxes(dz, -1, -2), numpy.matmul(da, z)) + numpy.matmul(
        numpy.swapaxes(z, -1, -2), numpy.matmul(da, dz))
    omega = schur_omega(c, t)
    upper = numpy.triu(dt)
    domega = schur_omega(dc + numpy.matmul(upper, omega) - numpy.matmul(omega, upper), t)
    return [numpy.triu(dc + numpy.matmul(dt, omega) - numpy.matmul(omega, dt) + numpy.matmul(
        t, domega) - numpy.matmul(domega, t)), numpy.matmul(dz, omega) + numpy.matmul(z, domega)]


def check_schur(a, output, sort, where):
    """scipy.linalg.schur: the real form (output='real'), unsorted, of a matrix whose
    eigenvalues are real and distinct (t triangular; a 2 x 2 block of a complex pair, or a
    repeated eigenvalue, leaves z's columns free to turn within a plane: no derivative)."""
    if output not in ("real", "r"):
        refuse(f"srcdiff differentiates scipy.linalg.schur with output='real' only, not "
               f"{output!r}", "leave output out", where)
    if sort is not None:
        refuse("srcdiff differentiates scipy.linalg.schur without sort only (sorting moves "
               "eigenvalues across where the condition changes)", "leave sort out", where)
    if numpy.ndim(a) != 2 or numpy.iscomplexobj(a) or numpy.shape(a)[-1] < 2:
        return
    import scipy.linalg
    t = scipy.linalg.schur(a)[0]
    w = numpy.diagonal(t)
    gaps = numpy.where(numpy.eye(len(w), dtype=bool), numpy.inf,
                       numpy.abs(w[:, None] - w[None, :]))
    if numpy.any(numpy.diagonal(t, -1) != 0) or numpy.min(gaps) <= 1e-10 * max(
            1.0, numpy.max(numpy.abs(w))):
        refuse("srcdiff differentiates scipy.linalg.schur of a matrix whose eigenvalues are "
               "real and distinct only (this one has a complex pair, a 2 x 2 block of t, or a "
               "repeated eigenvalue: its Schur vectors are not unique nearby)",
               "for a symmetric a take scipy.linalg.eigh; else differentiate its "
               "eigenvalues (numpy.linalg.eigvals)", where)


def linalg_checks(linalg):
    """srcdiff.runtime_scipy.argument_checks' entries of scipy.linalg: {function: (check, names
    of its arguments the check is given)}, empty before the user's code imported it."""
    if linalg is None:
        return {}
    return {linalg.solve: (check_structure, ["assume_a"]),
            linalg.inv: (check_inv_structure, ["assume_a"]),
            linalg.eigh: (check_eigh, ["b", "subset_by_index", "subset_by_value"]),
            linalg.eigvalsh: (check_eigh, ["b", "subset_by_index", "subset_by_value"]),
            linalg.svd: (check_svd_shape, ["a", "full_matrices", "compute_uv"]),
            linalg.qr: (check_qr_mode, ["a", "mode", "pivoting"]),
            linalg.lstsq: (check_lstsq_driver, ["lapack_driver"]),
            linalg.pinv: (check_pinv_rank, ["return_rank"]),
            linalg.lu_factor: (check_lu_square, ["a"]),
            linalg.polar: (check_polar, ["a"]),
            linalg.lu: (check_lu, ["a", "permute_l", "p_indices"]),
            linalg.eigh_tridiagonal: (check_tridiagonal_select, ["select"]),
            linalg.hessenberg: (check_hessenberg, ["a"]),
            linalg.schur: (check_schur, ["a", "output", "sort"])}


# -- lu_factor / lu_solve (templates/scipy_lu.py) -----------------------------------------

def pivot_rows(piv):
    """The rows of a that lu_factor's lu = L U stands for, in order (a[rows] = L U), from its
    pivots (row i swapped with row piv[i], one after the other)."""
    rows = list(range(numpy.shape(piv)[-1]))
    for i, p in enumerate(numpy.asarray(piv).tolist()):
        rows[i], rows[p] = rows[p], rows[i]
    return numpy.array(rows)


def permute_rows(m, piv):
    """m's rows in lu_factor's pivoted order (P m)."""
    return m[..., pivot_rows(piv), :]


def unpermute_rows(m, piv):
    """The adjoint (and inverse) of permute_rows: P^T m."""
    return m[..., numpy.argsort(pivot_rows(piv)), :]


def unit_lower(lu):
    """The unit lower triangular factor L that lu_factor's lu holds below its diagonal."""
    return numpy.tril(lu, -1) + numpy.eye(numpy.shape(lu)[-1], dtype=numpy.result_type(lu))


def check_lu_square(a, where):
    """scipy.linalg.lu_factor: of a square matrix (a single one: no stacks)."""
    if numpy.ndim(a) != 2 or numpy.shape(a)[0] != numpy.shape(a)[1]:
        refuse(f"srcdiff differentiates scipy.linalg.lu_factor of one square matrix only, not "
               f"of shape {numpy.shape(a)}", "loop over a stack of matrices; for a "
               "rectangular one use scipy.linalg.qr or lstsq", where)
