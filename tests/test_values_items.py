"""Issue #13 item 3 (srcdiff/values.py, nested_defs.named_item, function_dicts): `fs[1](x)`
on a list, tuple or dict display of lambdas or functions written in the function (lambdas
reading the function's values too), and on a module-level list or tuple of functions;
checked against central differences in both modes to second order. Which function an item
holds must be known before the code runs: a list changed in the function, an index
computed when it runs and a display with a starred item stay refused, located."""
import numpy as np
import pytest

from issue13_cases import on_args, refused_in_both_modes

X = np.array([0.4, -0.7, 1.2])


def square(t):
    return t * t


LAYERS = [square, np.tanh, lambda t: np.cos(t) * 3.0]
PAIR = (np.sin, square)


def lambdas_in_a_list(x):
    fs = [lambda t: t * t, lambda t: np.sin(t)]
    return np.sum(fs[1](x) + fs[0](x) * fs[-1](x))


def lambdas_in_a_tuple_reading_locals(x):
    c = x * 2.0
    k = np.sum(x)
    fs = (lambda t: t * c, np.tanh, lambda t: np.exp(t * k))
    return np.sum(fs[0](x) + fs[1](x) * fs[2](x))


def lambdas_in_a_dict(x):
    c = np.cos(x)
    fs = {"scale": lambda t: t * c, "act": np.sin, "sq": square}
    return np.sum(fs["act"](x) * fs["scale"](x) + fs["sq"](x))


def lambda_with_a_default_in_a_list(x):
    k = np.sum(x)
    fs = [lambda t, k=k: t * k, np.sin]
    return np.sum(fs[0](x) + fs[1](x))


def module_level_list(x):
    return np.sum(LAYERS[0](x) * LAYERS[1](x) + LAYERS[-1](x))


def module_level_tuple(x):
    return np.sum(PAIR[0](x) + PAIR[1](x) * x)


@pytest.mark.parametrize("f", [lambdas_in_a_list, lambdas_in_a_tuple_reading_locals,
                               lambdas_in_a_dict, lambda_with_a_default_in_a_list,
                               module_level_list, module_level_tuple])
def test_an_item_of_a_display_of_functions(f):
    on_args(f, (X.copy(),), 0)
    on_args(f, (0.6,), 0)


def list_changed(x):
    fs = [lambda t: t * t, np.sin]
    fs[0] = np.cos
    return np.sum(fs[0](x))


def index_known_when_it_runs(x):
    fs = [lambda t: t * t, np.sin]
    i = int(np.sum(x) > 0)
    return np.sum(fs[i](x))


def starred_display(x):
    gs = [np.sin]
    fs = [*gs, lambda t: t * t]
    return np.sum(fs[1](x))


def starred_display_shifts_the_items(x):
    """fs[1] is numpy.cos here, not square: srcdiff read the display's item 1 (square) and
    gave 2x for -sin(x) before."""
    gs = [np.sin, np.cos]
    fs = [*gs, square]
    return np.sum(fs[1](x))


def module_list_by_a_computed_index(x):
    i = len(x) - 2
    return np.sum(LAYERS[i](x))


@pytest.mark.parametrize("f", [list_changed, index_known_when_it_runs, starred_display,
                               starred_display_shifts_the_items,
                               module_list_by_a_computed_index])
def test_an_item_known_only_when_the_code_runs_stays_refused(f):
    refused_in_both_modes(f, (X.copy(),), (0,), "cannot tell which function")
