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
