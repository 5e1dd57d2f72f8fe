"""vjp_makers.applied: an autograd-style vjp maker rewritten as one function of (g, ans,
*args) computing the same value; makers of other forms, or whose file changed since, are
left alone (None). Their derivatives through srcdiff.extend: tests/test_extend.py."""
import importlib
import linecache
import sys

import numpy as np

from srcdiff.vjp_makers import applied


def def_maker(ans, x, scale=2.0):
    """A docstring, skipped."""
    shape = x.shape
    return lambda g: np.full(shape, g) * np.exp(x - ans) * scale


def inner_def_maker(ans, x):
    weight = np.cos(x)

    def vjp(g):
        """The vjp."""
        scaled = g * weight
        return scaled * ans
    return vjp


lambda_maker = lambda ans, x: lambda g: g * np.sin(x) * ans   # noqa: E731
twins = (lambda ans, x: lambda g: g * x, lambda ans, x: lambda g: g * 2 * x)  # noqa: E731


def test_each_form_computes_what_the_maker_returns():
    x, ans, g = np.array([0.2, 0.7]), 1.3, 0.4
    for maker in (def_maker, inner_def_maker, lambda_maker):
        flat = applied(maker)
        assert flat is not None, maker
        np.testing.assert_array_equal(flat(g, ans, x), maker(ans, x)(g))
    assert applied(def_maker).__name__ == "def_maker_applied"


def test_other_forms_are_left_alone():
    power = 3

    def closure_maker(ans, x):   # reads `power` of this function
        return lambda g: g * power * x
    def looping_maker(ans, x):   # noqa: E306 - a loop around the inner function's return
        for _ in range(2):
            return lambda g: g * x
    def shadowing_maker(ans, g):   # noqa: E306 - the vjp's parameter shadows the maker's
        return lambda g: g * ans
    for maker in (closure_maker, looping_maker, shadowing_maker, twins[0], np.sin,
                  lambda ans, x: np.sin):
        assert applied(maker) is None, maker


def test_a_maker_whose_file_changed_since_is_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "edited_maker.py"
    path.write_text("def maker(ans, x):\n    return lambda g: g * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("edited_maker")
    try:
        assert applied(module.maker) is not None
        path.write_text("def maker(ans, x):\n    return lambda g: g * x * 2.0\n")
        linecache.checkcache(str(path))
        assert applied(module.maker) is None   # the text no longer compiles to its code
    finally:
        sys.modules.pop("edited_maker", None)
