"""Hunt 26: programs written the way scientists and ML people write NumPy code (simulations
with while loops and break, Newton iterations, an adaptive ODE solver, chemistry, minibatch
logistic regression, dynamic programming, likelihoods with linalg, in-place updates,
try/except, asserts, module constants, lambdas as keys: tests/hunt26_programs.py), each
checked against central differences by gradcheck.check, to second order; and the wrong
derivatives and crashes the hunt found, now fixed or refused."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, numerical_grad, refusal
from hunt_cases import corpus_tests

import hunt26_programs as P

(test_program_derivatives_agree_with_finite_differences,
 test_programs_refused_today_are_refused_at_their_line) = corpus_tests(P)


# `for i in LABEL_OF` over a module-level dict went through its positions (LABEL_OF[0],
# LABEL_OF[1], ...) instead of its keys: with integer keys a wrong value and a wrong gradient,
# no error; `.items()`/`.values()` of a module-level dict, and `for c in CONFIG.weights` of a
# namespace's dict, crashed. dict_facts now tells a module-level or closure dict by its value.
def test_a_loop_over_a_module_level_dict_goes_through_its_keys():
    logits = np.array([[0.3, -0.2], [1.1, 0.4], [-0.5, 0.8]])
    value, grad = srcdiff.value_and_grad(P.labelled_rows_global_dict)(logits)
    assert value == pytest.approx(P.labelled_rows_global_dict(logits), rel=1e-12)
    np.testing.assert_allclose(grad, numerical_grad(P.labelled_rows_global_dict, (logits,), 0),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f", [P.class_weight_namespace, P.class_weights_values,
                               P.reaction_quotient])
def test_views_and_attributes_of_module_level_dicts_differentiate(f):
    x = np.array([[0.3, -0.2], [1.1, 0.4], [-0.5, 0.8]]) if f is P.class_weight_namespace \
        else np.array([0.4, 1.3, 0.2])
    check(f, x, order=1)


def test_a_loop_over_a_closure_dict_goes_through_its_keys():
    order = {2: 0.5, 0: 1.5, 1: -1.0}

    def f(x):
        s = 0.0
        for k in order:
            s = s + order[k] * x[k] ** 3
        return s + sum(v * x[k] for k, v in order.items())
    check(f, np.array([0.3, 0.7, -1.1]), order=1)


# `r = B[1]; s = r[1:]; s *= 3` (and `s = B[1][1:]`, `u = B[1:].T`) changes B through a view
# of a view, where alias_flow could not tell who sees the write: aliasing.py only looked for
# reads of r (not read again), so `s *= 3` was taken as s bound anew — a wrong value and a
# wrong gradient with no error (so were `r2 = r; r2 *= 2`, `v = B.reshape(-1)[2:5]; v += 1`,
# `s = row_of(B, 1)[1:]; s *= 2` through a helper returning a row, and `s = rows[1][1:]` of
# a list of B's rows). Reads of what r was viewed from (B) now count too: the run checks s
# shares none of B's memory, refused at the write where it does, in both modes
# (helper_copy_tail_scaled and listed_copies_tail_scaled, sharing none, run).
@pytest.mark.parametrize("f", [P.row_then_slice_scaled, P.row_slice_chain_scaled,
                               P.block_transposed_scaled, P.row_alias_scaled,
                               P.reshaped_window_shifted, P.helper_row_tail_scaled,
                               P.listed_row_tail_scaled])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_inplace_update_through_a_view_of_a_view_is_refused_not_wrong(f, mode):
    err = refusal(f, (P.A3,), mode)
    assert "would change another array too" in str(err)


def test_an_inplace_update_of_a_number_taken_through_a_row_still_rebinds():
    def f(x):
        B = np.outer(x, x)
        r = B[1]
        v = r[0]      # a number: `v *= 3` binds it anew, B unchanged
        v *= 3.0
        return np.sum(B) + v
    check(f, np.array([0.4, -0.7, 1.1]), order=1)


# adam_on_dict_params and nested_dict_item_updated were refused (session 26's report):
# `{k: np.zeros_like(v) for k, v in params.items()}` bound the function's own k and v as
# holders of params' items (a comprehension's names are its own), the keys `for k in params`
# binds were taken for its items, and in `net["l1"]["W"][0, 0] += ...` net, the holder
# written through, was taken for another. Both run now (in CASES); the same programs with
# a name holding an item, read after the write, are still refused.
def adam_keeping_the_first_weights(w):
    params = {"w": w.copy(), "b": np.zeros(2)}
    first = params["w"]
    m = {k: np.zeros_like(v) for k, v in params.items()}
    for t in range(1, 3):
        grads = {"w": 2.0 * params["w"], "b": params["b"] + 1.0}
        for k in params:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            params[k] -= 0.1 * m[k]
    return np.sum(params["w"] ** 2) + np.sum(first * w)


def adam_keeping_a_snapshot(w):
    params = {"w": w.copy(), "b": np.zeros(2)}
    start = {k: v for k, v in params.items()}
    for t in range(1, 3):
        for k in params:
            params[k] -= 0.1 * (2.0 * params[k] + 1.0)
    return np.sum(params["w"] ** 2) + np.sum(start["w"] * w)


def nested_dict_layer_read_by_its_array(w):
    W = np.outer(w, w)
    net = {"l1": {"W": W}}
    net["l1"]["W"] *= 0.5
    net["l1"]["W"][0, 0] += w[1]
    return np.sum(net["l1"]["W"] ** 2) + np.sum(W)


@pytest.mark.parametrize("f", [adam_keeping_the_first_weights, adam_keeping_a_snapshot,
                               nested_dict_layer_read_by_its_array])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_dict_params_updated_while_another_name_holds_one_are_refused(f, mode):
    err = refusal(f, (np.array([0.5, -0.3]),), mode)
    assert "in place" in str(err) or "holds it too" in str(err)
