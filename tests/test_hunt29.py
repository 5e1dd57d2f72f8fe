"""Hunt 29: programs written the way scientists and ML users write NumPy code, in kinds the
earlier hunts covered least — autograd-examples style networks over lists of (W, b) tuples,
optimisers written by hand over lists and dicts of arrays, functions passed as values,
*args/**kwargs, starred displays, dict comprehensions, small classes, properties and
dataclasses, comprehensions and zip(*pairs), for-else and while with break/continue, NumPy
and linear algebra idioms, in-place updates on preallocated arrays, print/logging, isinstance,
.item() and .tolist() (tests/hunt29_programs.py), each checked against central differences by
gradcheck.check, to second order; and what the hunt fixed."""
import numpy as np
import pytest

from gradcheck import check
from hunt_cases import corpus_tests

import hunt29_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


def _row_scaled_twice(M):
    A = M.copy()
    for row in A:
        row *= 2.0
        row *= 3.0
    return np.sum(A ** 2) + np.sum(A * M)


def _row_updated_then_read(M):
    A = M.copy()
    for row in A:
        row *= 2.0
        row += row[0]
        row -= 0.1 * np.sum(A)
    return np.sum(A ** 2) + np.sum(A * M)


# `for row in A: row *= 2.0; row += row[0]` over a copy: loop_rows stored the row back after
# the first write (`A[row_i] = row`), so aliasing.py took the second write into row for a
# write into what A holds and refused, naming "line 1" (the store-back's). A row written
# twice or more is stored back as a copy now (loop_rows.Rows.change).
@pytest.mark.parametrize("f", [P.rows_of_copy_scaled_by_for, _row_scaled_twice,
                               _row_updated_then_read])
def test_a_loop_row_written_twice_differentiates(f):
    check(f, P.A3, order=2)
