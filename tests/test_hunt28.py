"""Hunt 28: programs written the way users write NumPy code, in kinds the earlier hunts
under-covered (ODE steppers with early exit, Newton/bisection/secant loops under a
tolerance, Horner and Clenshaw recurrences, np.select/np.piecewise, masked and
boolean-indexed updates, strided and reversed views, einsum and linear algebra in loops,
scans through lists, int/float/0-d mixing, math.* on scalars, generators, try/except,
for-else, recursion, dict-of-parameter models, classes, properties and dataclasses, ML
pieces, and tricky aliasing: tests/hunt28_programs.py), each checked against central
differences by gradcheck.check, to second order; and what the hunt fixed."""
import numpy as np
import pytest

from gradcheck import check
from hunt_cases import corpus_tests

import hunt28_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


# `max(x) - min(x)` of an array: the adjoint of the one-argument builtin max/min was a list
# (runtime_numpy.pick_grad), so the two uses' adjoints were joined by `+` into a list twice
# the length (ValueError: could not broadcast (10,) into (5,)). It is an array now.
def test_builtin_max_and_min_of_one_array_both_differentiate():
    check(P.min_max_builtins, np.array([0.3, 1.2, -0.4, 0.8, 1.5]), order=2)
    check(P.max_minus_min_array, np.array([0.3, 1.2, -0.4, 0.8, 1.5]), order=2)


# A list of floats halved by slices (v[:m], v[m:]) and passed to a function of the user's,
# recursively: the callee made for the slice did not know it was a list, so its adjoint
# added the list adjoints of `sum(v)` and of the halves with `+`, joining the lists — the
# gradient came back all zeros but the first entry, no error. A slice of a container is a
# container now (reverse._container_slices). Not only recursions: any function of the user's
# given a slice of a list or tuple and reading it twice (sum(v) + sum(v)) had half the
# gradient, or none.
@pytest.mark.parametrize("f", [P.recursive_pairwise_sum, P.recursive_halves_of_list,
                               P.helper_reads_list_slice_twice, P.helper_given_slice_and_whole,
                               P.helper_given_tuple_slice])
def test_a_recursion_on_slices_of_a_list_differentiates(f):
    check(f, np.array([0.3, 1.2, -0.4, 0.8, 1.5]), order=2)


# `row = C[0]; old = C; C = C * 2.0; row *= 3.0; ... old`: the check placed at the write
# compared row with what C held then (the new array), so the write into the old one, which
# old reads, went unseen — a wrong gradient, no error. Refused now, in both modes, at the
# write; where nothing reads the old array, the write still differentiates.
@pytest.mark.parametrize("f", [P.row_view_after_rebinding, P.slice_view_after_rebinding,
                               P.row_written_after_tuple_rebinding,
                               P.row_written_after_rebinding_dict_holds,
                               P.row_written_after_rebinding_list_holds,
                               P.row_written_after_rebinding_in_loop])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_view_written_after_its_holder_is_bound_anew_is_refused_not_wrong(f, mode):
    from gradcheck import refusal
    err = refusal(f, (P.B34,), mode)
    assert "bound anew in between" in str(err)


@pytest.mark.parametrize("f", [P.row_written_after_holder_rebound_unread,
                               P.holder_rebound_in_loop_view_written])
def test_a_row_written_after_its_holder_is_bound_anew_and_unread_differentiates(f):
    check(f, P.B34, order=2)
