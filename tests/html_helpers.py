"""A function in a file of its own, called by the functions of tests/test_html_view.py."""
import numpy as np


def scaled_sin(y):
    return np.sin(y) * 2.0
