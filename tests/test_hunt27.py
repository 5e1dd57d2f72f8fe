"""Hunt 27: programs written the way users write NumPy code, in kinds the earlier hunts did
not try (integrators with adaptive steps and early exit, optimisation loops with momentum
and line searches, mixtures and HMMs by logsumexp, FIR/IIR filters and convolutions, image
stencils by np.pad/np.roll, linear algebra, tree recursion, string-keyed parameters, lists
of arrays pushed and popped, slice and mask writes, broadcasting corners, negative axes,
reshape chains, closures and small classes: tests/hunt27_programs.py), each checked against
central differences by gradcheck.check, to second order; and what the hunt fixed."""
import numpy as np
import pytest

from gradcheck import check
from hunt_cases import corpus_tests

import hunt27_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


# `A = W34.copy()` of a module-level array, then `A[0:2] += x`: refused in reverse mode,
# "no derivative rule for ndarray.copy" (a method bound to a constant, called with nothing
# active, gives a constant: reverse_calls._method_of_a_constant).
def test_a_copy_of_a_module_level_array_updated_in_place_differentiates():
    check(P.broadcast_inplace_adds, np.array([0.4, -0.7, 1.1, 0.3]), order=2)


# `list(reversed(items))` was refused with a hint to write list(reversed(...)), the code
# refused (idiom_rewrite.reversed_items).
def test_a_list_of_reversed_items_differentiates():
    check(P.reversed_list_and_slices, np.array([0.4, -0.7, 1.1, 0.3, 0.9]), order=2)


# An item of a list or dict updated in place (`parts[0] *= 3.0`) where another name holding
# it (B, whose rows the list holds; W2 = net["W"]) is read later on the same line (statements
# joined by semicolons): the check before the update looked for reads on later lines only,
# so none was put in, and the derivative took B as unchanged — a wrong value and gradient,
# no error. Refused now, in both modes, where the run shows the item is an array.
@pytest.mark.parametrize("f", [P.rows_listed_scaled_one_line, P.row_in_dict_shifted_one_line,
                               P.dict_item_kept_scaled_one_line])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_item_updated_on_a_line_that_reads_its_holder_is_refused_not_wrong(f, mode):
    from gradcheck import refusal
    err = refusal(f, (P.M3,), mode)
    assert "another name here may hold that item too" in str(err)


# `np.copyto(y[1:3], v)` into a slice of a local array was refused ("writes into an array
# this function does not own"): now the write y[1:3] = v (out_writes._sliced_local).
def test_copyto_into_a_slice_of_a_local_array_differentiates():
    check(P.fill_and_copyto, np.array([0.4, -0.7, 1.1]), order=2)
