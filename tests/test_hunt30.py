"""Hunt 30: programs written the way people write NumPy code, in the kinds the earlier hunts
covered least — numerical physics (Verlet and leapfrog integrators, N-body forces by pairwise
loops, heat and wave steppers writing into slices, spring networks), signal processing (FIR
and IIR filters over samples, convolution by hand, Goertzel, numpy.fft), statistics (Kalman
filters, an HMM forward pass with a hand-written logsumexp, Gaussian processes through
cholesky and solve, robust losses), machine learning (attention, normalisations, RNN/GRU/
LSTM cells, Adam and RMSprop by hand over dicts and lists), optimisation (line searches,
Newton, projected gradient), finance (payoffs, discounting, binomial trees), geometry
(rotations, shoelace areas, quaternions), and the everyday Python around them: classes with
methods, properties and operators, dataclasses, closures, generators, for-else, try/except,
views written in place (tests/hunt30_programs.py), each checked against central differences
by gradcheck.check, to second order; and what the hunt fixed."""
import numpy as np
import pytest

from gradcheck import check
from hunt_cases import corpus_tests

import hunt30_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


# abs(acc) of a Vec2 (vec2_operators, abs_of_vector_objects_in_list): the emitted code
# called numpy.sign(acc) on the object (a TypeError); abs(v) is v.__abs__() now, as Python
# calls it (operator_methods.py; tests/test_operator_methods.py).
@pytest.mark.parametrize("f", [P.vec2_operators, P.abs_of_vector_objects_in_list])
def test_abs_of_a_users_vector_object_differentiates(f):
    check(f, P.V4, order=2)
