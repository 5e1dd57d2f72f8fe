"""srcdiff/method_refusals.py: a method call on an object whose class srcdiff cannot tell
is refused at the user's line, naming the user's expression (never a temporary of the
lowered code) and what to write instead, in both modes."""
import numpy as np
import pytest

from gradcheck import refusal


class Half:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return self.w * x


class Wave:
    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return np.sin(self.c * x)


def first_of_a_grown_list(w, x):
    layers = [Half(w), Wave(0.2)]
    layers.append(Half(w))
    return np.sum(layers[0].forward(x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_the_refusal_names_the_users_expression_and_what_to_write(mode):
    err = refusal(first_of_a_grown_list, (np.array([0.5, 2.0]), np.array([1.0, -1.0])), mode)
    text = str(err)
    assert "does not know the derivative of the method .forward()" in text, text
    assert "cannot tell the class of layers[0]" in text, text
    assert "call layers[0].forward(...) on its items" in text, text
    assert err.line.strip() == "return np.sum(layers[0].forward(x))"
