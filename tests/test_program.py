"""srcdiff/program.py: the callee table one emitted module holds (both modes).

A call to the user's own function becomes a call to an emitted variant of it
(`forward_g`/`backward_g` in reverse mode, `jvp_g` in forward mode), made once
per activity pattern. The forward pass generates a loop body several times,
until its set of nonzero tangents is stable; a variant made in a round that is
thrown away must not stay in the emitted module.
"""
import re

import numpy as np

from gradcheck import check
from srcdiff.forward_driver import forward_source
from srcdiff.transform import reverse_source


def scaled(a, b):
    return a * b


def tangent_grows_in_loop(x):
    # round 1 of the loop's fixpoint: y's tangent is zero, so scaled is
    # differentiated along b only; round 2: along a and b
    y = 1.0
    z = 2.0
    for i in range(3):
        z = scaled(y, x)
        y = z
    return z


def twice_in_loop(x, w):
    s = x * 0.0
    t = w
    for i in range(2):
        s = s + scaled(t, x)
        t = scaled(s, w)
    return s + t


def _unused_variants(text):
    """The emitted functions, other than the first (the derivative itself), that no other
    emitted function calls."""
    bodies = {m.group(1): m.group(0) for m in
              re.finditer(r"^def (\w+)\(.*?(?=^def |\Z)", text, flags=re.M | re.S)}
    main = next(iter(bodies))
    return [name for name in bodies if name != main and not any(
        re.search(rf"\b{name}\(", body) for other, body in bodies.items() if other != name)]


def test_no_dead_jvp_variant_after_a_loop_fixpoint_round():
    text = forward_source(tangent_grows_in_loop, ("x",)).text
    assert _unused_variants(text) == [], text
    assert "def jvp_scaled(" in text   # the one variant keeps the plain name


def test_no_dead_variant_with_two_growing_tangents():
    for wrt in (("x",), ("w",), ("x", "w")):
        text = forward_source(twice_in_loop, wrt).text
        assert _unused_variants(text) == [], text


def test_reverse_callees_all_called():
    text = reverse_source(twice_in_loop, ("x", "w")).text
    assert _unused_variants(text) == [], text


def test_derivatives_through_rolled_back_table():
    check(tangent_grows_in_loop, 0.7, wrt=0)
    check(twice_in_loop, 0.7, np.array([0.3, -1.2]), wrt=(0, 1))


def two_patterns(x, w):
    a = scaled(x, 2.0)   # differentiated along its first parameter
    b = scaled(3.0, w)   # along its second
    return a * b


def test_a_second_variant_is_named_by_what_it_differentiates():
    # which variant is made first depends on the mode (reverse mode meets the calls
    # backwards); the other is named by the parameter it differentiates
    for text, prefixes in ((reverse_source(two_patterns, ("x", "w")).text,
                            ("forward_", "backward_")),
                           (forward_source(two_patterns, ("x", "w")).text, ("jvp_",))):
        defined = set(re.findall(r"^def (\w+)\(", text, flags=re.M))
        for prefix in prefixes:
            variants = {n for n in defined if n.startswith(prefix + "scaled")}
            assert variants in ({prefix + "scaled", prefix + "scaled_wrt_a"},
                                {prefix + "scaled", prefix + "scaled_wrt_b"}), text
        assert not any(re.search(r"_\d+$", n) for n in defined), text
    check(two_patterns, 0.7, -1.3, wrt=(0, 1))
    check(two_patterns, np.array([0.2, 0.9]), np.array([1.5, -0.5]), wrt=(0, 1))


# -- issue #13 item 1: recursive helpers taking *args ----------------------------------------
def product_of(w, *args):
    if len(args) == 0:
        return w
    return product_of(w * args[0], *args[1:])


def sum_of_squares(*xs):
    if not xs:
        return 0.0
    return xs[0] * xs[0] + sum_of_squares(*xs[1:])


def star_list(w):
    items = [w, np.sin(w), 2.0]
    return product_of(w, *items)


def star_parameter(w, v):
    return product_of(w, v, v * v) + sum_of_squares(w, np.sin(v), 3.0)


def star_built_in_a_loop(w):
    items = []
    for i in range(3):
        items.append(w * (i + 1.0))
    return product_of(w, *items) + sum_of_squares(*items)


def test_recursive_helpers_taking_star_args():
    from issue13_cases import on_args
    on_args(star_list, (0.7,), 0)
    on_args(star_list, (np.array([0.3, -0.5]),), 0)
    on_args(star_parameter, (0.7, 0.3), (0, 1))
    on_args(star_built_in_a_loop, (0.6,), 0)


def growing(w, n, *args):
    if n == 0:
        return sum(args) * w
    return growing(w, n - 1, *args, w * n)


def calls_growing(w):
    return growing(w, 3)


def growing_list(w, n, items):
    if n == 0:
        return sum(items) * w
    return growing_list(w, n - 1, items + [w * n])


def calls_growing_list(w):
    return growing_list(w, 3, [])


def test_recursion_with_more_star_args_at_each_level_is_refused_at_its_def():
    """A variant per number of items would never end (Python's recursion limit, and a
    message about nesting, before); the hint's list form differentiates."""
    from issue13_cases import on_args, refused_in_both_modes
    refused_in_both_modes(calls_growing, (0.7,), (0,), "more \\*args items at each level")
    on_args(calls_growing_list, (0.7,), 0)
