"""scipy.linalg.solve_banded, with respect to the banded matrix ab and the right-hand side b
(a vector or a matrix of columns), for real arguments (a complex one is refused at the
user's line); and the tangent and adjoint rules of its helpers (srcdiff.runtime_banded).

x = A^-1 b: the adjoint of b is A^-T g, itself a banded solve with the transposed band
storage; that of ab is -(A^-T g) x^T on the band (the entries of ab solve_banded never
reads get none). The tangent is A^-1 (db - dA x). Loaded once the user's code has imported
scipy.linalg (srcdiff.rules.OPTIONAL).
"""
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, held_constant, real_only, reverse
from srcdiff.runtime_banded import band_matmul, band_outer, transposed_band

name_path(scipy.linalg.solve_banded, "scipy.linalg.solve_banded")
real_only("scipy.linalg.solve_banded", scipy.linalg.solve_banded)
held_constant(scipy.linalg.solve_banded,
              l_and_u="l_and_u, the numbers of sub- and superdiagonals, are integers")


@reverse(scipy.linalg.solve_banded)
def solve_banded(y, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    grad = scipy.linalg.solve_banded((l_and_u[1], l_and_u[0]),
                                     transposed_band(ab, l_and_u[0], l_and_u[1]), d[y])
    d[b] = grad
    d[ab] = -band_outer(grad, y, l_and_u[0], l_and_u[1])


@forward(scipy.linalg.solve_banded)
def solve_banded(y, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    d[y] = scipy.linalg.solve_banded(l_and_u, ab, -band_matmul(d[ab], l_and_u[0], l_and_u[1],
                                                               y))
    d[y] = scipy.linalg.solve_banded(l_and_u, ab, d[b])


# -- the helpers' rules (each helper is linear in each array argument) -----------------------

linear(transposed_band, "ab",
       transpose=lambda y, ab, lower, upper: transposed_band(d[y], upper, lower))


@reverse(band_matmul)
def band_matmul_adjoint(y, ab, lower, upper, v):
    d[ab] = band_outer(d[y], v, lower, upper)
    d[v] = band_matmul(transposed_band(ab, lower, upper), upper, lower, d[y])


linear(band_matmul, "ab", "v")


@reverse(band_outer)
def band_outer_adjoint(y, p, q, lower, upper):
    d[p] = band_matmul(d[y], lower, upper, q)
    d[q] = band_matmul(transposed_band(d[y], lower, upper), upper, lower, p)


linear(band_outer, "p", "q")
