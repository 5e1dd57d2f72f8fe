"""srcdiff/compose_calls.py: derivatives srcdiff made, called inside a function srcdiff
differentiates (written at the call, made once outside, in loops), differentiated through
to any transform."""
import re

import numpy as np
import pytest

import srcdiff
from gradcheck import check_transform


DATA = np.array([0.5, -1.0, 2.0])
W0 = np.array([0.2, 0.4, -0.3])


def inner_loss(w, x):
    return np.sum(np.tanh(w * x) ** 2)


def outer_loss(w):
    return np.sum(np.sin(w) * w)


def one_step_written_inside(w):
    w1 = w - 0.1 * srcdiff.grad(inner_loss)(w, DATA)
    return outer_loss(w1)


inner_gradient = srcdiff.grad(inner_loss)  # made once, outside


def one_step_made_outside(w):
    w1 = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w1)


def unrolled_steps(w):
    for _ in range(3):  # an unrolled inner optimisation, kept as a loop
        w = w - 0.1 * inner_gradient(w, DATA)
    return outer_loss(w)


def newton_step(w):
    g = srcdiff.grad(inner_loss)(w, DATA)
    step = srcdiff.hvp(inner_loss)(w, DATA, g)
    return outer_loss(w - 0.05 * step) + np.sum(srcdiff.jvp(inner_loss)(w, DATA, g)[1])


@pytest.mark.parametrize("loss", [one_step_written_inside, one_step_made_outside,
                                  unrolled_steps, newton_step])
@pytest.mark.parametrize("kind", ["grad", "jvp", "vjp", "hvp", "hessian"])
def test_derivatives_inside_differentiated_code(loss, kind):
    check_transform(kind, loss, W0)


def test_inner_loop_is_kept_and_names_say_what_runs():
    text = srcdiff.source(srcdiff.grad(unrolled_steps))
    assert "for " in text and "reversed(" in text  # the loop stays a loop
    # the inner gradient's vjp, by name (numbered when another one of that name was made)
    assert re.search(r"vjp_w_of_grad_inner_loss(_\d+)?\(w, DATA", text), text
