"""scipy.linalg's structured matrices: toeplitz, hankel, circulant, block_diag (up to four
blocks; more do not bind to the rule: refused at the call's line), convolution_matrix
(n and mode held as given) and companion.

All but companion place their inputs' elements in a matrix: the forward rule makes the same
matrix of the tangents, the reverse rule sums the cotangent over each element's places
(srcdiff.runtime_structured). companion(a)'s first row is -a[1:] / a[0]. Real inputs only
(toeplitz(c) of a complex c conjugates it: a complex input is refused at the user's line).
Loaded only once the user's code has imported scipy.linalg (srcdiff.rules.OPTIONAL).
"""
import scipy.linalg

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, real_only, reverse
from srcdiff.runtime_structured import (companion_grad, companion_grad_tangent,
                                        companion_tangent, convolution_matrix_grad,
                                        structured_grad, structured_tangent)

_NAMES = "toeplitz hankel circulant block_diag convolution_matrix companion".split()
for _name in _NAMES:
    name_path(getattr(scipy.linalg, _name), "scipy.linalg." + _name)


@reverse(scipy.linalg.toeplitz)
def toeplitz(y, c, r=None):
    d[c] = structured_grad(d[y], "toeplitz", 0, c, r)
    d[r] = structured_grad(d[y], "toeplitz", 1, c, r)


@forward(scipy.linalg.toeplitz)
def toeplitz(y, c, r=None):
    d[y] = structured_tangent(d[c], "toeplitz", 0, c, r)
    d[y] = structured_tangent(d[r], "toeplitz", 1, c, r)


@reverse(scipy.linalg.hankel)
def hankel(y, c, r=None):
    d[c] = structured_grad(d[y], "hankel", 0, c, r)
    d[r] = structured_grad(d[y], "hankel", 1, c, r)


@forward(scipy.linalg.hankel)
def hankel(y, c, r=None):
    d[y] = structured_tangent(d[c], "hankel", 0, c, r)
    d[y] = structured_tangent(d[r], "hankel", 1, c, r)


@reverse(scipy.linalg.circulant)
def circulant(y, c):
    d[c] = structured_grad(d[y], "circulant", 0, c)


@forward(scipy.linalg.circulant)
def circulant(y, c):
    d[y] = scipy.linalg.circulant(d[c])


@reverse(scipy.linalg.block_diag)
def block_diag(y, x0, x1=None, x2=None, x3=None):
    d[x0] = structured_grad(d[y], "block_diag", 0, x0, x1, x2, x3)
    d[x1] = structured_grad(d[y], "block_diag", 1, x0, x1, x2, x3)
    d[x2] = structured_grad(d[y], "block_diag", 2, x0, x1, x2, x3)
    d[x3] = structured_grad(d[y], "block_diag", 3, x0, x1, x2, x3)


@forward(scipy.linalg.block_diag)
def block_diag(y, x0, x1=None, x2=None, x3=None):
    d[y] = structured_tangent(d[x0], "block_diag", 0, x0, x1, x2, x3)
    d[y] = structured_tangent(d[x1], "block_diag", 1, x0, x1, x2, x3)
    d[y] = structured_tangent(d[x2], "block_diag", 2, x0, x1, x2, x3)
    d[y] = structured_tangent(d[x3], "block_diag", 3, x0, x1, x2, x3)


@reverse(scipy.linalg.convolution_matrix)
def convolution_matrix(y, a, n, mode="full"):
    d[a] = convolution_matrix_grad(d[y], a, n, mode)


@forward(scipy.linalg.convolution_matrix)
def convolution_matrix(y, a, n, mode="full"):
    d[y] = scipy.linalg.convolution_matrix(d[a], n, mode)


@reverse(scipy.linalg.companion)
def companion(y, a):
    d[a] = companion_grad(d[y], a)


@forward(scipy.linalg.companion)
def companion(y, a):
    d[y] = companion_tangent(d[a], a, y)


@forward(companion_grad)
def companion_grad_tangent_rule(y, grad, a):
    d[y] = companion_grad(d[grad], a)
    d[y] = companion_grad_tangent(grad, a, d[a])


linear(structured_grad, "grad")
linear(convolution_matrix_grad, "grad")

for _name in _NAMES:
    real_only(f"scipy.linalg.{_name}", getattr(scipy.linalg, _name))
