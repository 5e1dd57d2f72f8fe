"""srcdiff/reverse_callee.py: a user function the differentiated function calls becomes the
pair forward_g (its primal, pushing what the adjoint reads) and backward_g (popping it back,
returning the adjoints of g's differentiated parameters); one pair per activity pattern,
shared by every call site. Checked against finite differences, both modes, second order."""
import numpy as np

import srcdiff
from gradcheck import check


def scaled_tanh(v, w):
    return np.tanh(v * w)


def calls_it_twice_in_a_loop(x, w):
    h = x
    for _ in range(3):
        h = scaled_tanh(h, w) + scaled_tanh(h, 0.5)
    return np.sum(h)


def test_a_callee_is_a_forward_and_backward_pair_shared_by_its_call_sites():
    x, w = np.array([0.3, -0.8, 1.2]), 0.7
    check(calls_it_twice_in_a_loop, x, w, wrt=(0, 1))
    g = srcdiff.grad(calls_it_twice_in_a_loop, wrt=(0, 1))
    g(x, w)
    code = srcdiff.source(g)
    # w is differentiated at one call site and a constant at the other: two variants
    assert code.count("def forward_scaled_tanh") + code.count("def forward_scaled_tanh_") >= 1
    assert "def backward_scaled_tanh" in code


def test_the_backward_function_takes_only_the_tape_and_the_output_adjoint():
    g = srcdiff.grad(calls_it_twice_in_a_loop)
    g(np.array([0.3, -0.8]), 0.7)
    code = srcdiff.source(g)
    headers = [line.strip() for line in code.splitlines()
               if line.strip().startswith("def backward_scaled_tanh")]
    assert headers and all(h.count(",") == 1 for h in headers), headers
