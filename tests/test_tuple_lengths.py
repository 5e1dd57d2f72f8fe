"""tuple_lengths.display_length: a local bound only to tuple displays of one length holds that
many items; any other binding (a parameter, `+=`, a loop or unpacking target, a list, a def,
an import, `global`) leaves it untold. lower's use of it (no run-time check of `e, g = t`) is
tested in tests/test_lower.py."""
import textwrap

import pytest

from srcdiff import syntax as S
from srcdiff.tuple_lengths import display_length


def _length(source, name="t"):
    fdef = S.parse_function(textwrap.dedent(source))
    params = {a.id for a in fdef.args.args}
    return display_length(fdef, params, name)


def test_tuple_displays_of_one_length_tell_it():
    assert _length("""
        def f(x):
            t = x[0], x[1]
            if x[2] > 0:
                t = (x[1], x[0])
            a, b = t
            return a * b
    """) == 2


@pytest.mark.parametrize("binding", [
    "t = (x[0],)\n    t = (x[0], x[1])",    # two lengths
    "t = (x[0], x[1])\n    t += (x[2],)",     # grown
    "t = [x[0], x[1]]",                         # a list may grow
    "t = (*x,)",                                # starred: any length
    "t = u = (x[0], x[1])",                     # a chained assignment
    "for t in [(x[0], x[1])]:\n        pass",  # a loop's target
    "t, u = (x[0], x[1]), x",                   # an unpacking's target
    "import math as t",
    "def t():\n        return 0",
    "global t\n    t = (x[0], x[1])",
])
def test_any_other_binding_leaves_the_length_untold(binding):
    assert _length(f"def f(x):\n    {binding}\n    return x\n") is None


def test_a_parameter_or_a_nested_functions_binding_leaves_it_untold():
    assert _length("def f(t):\n    t = (1, 2)\n    return t\n") is None
    assert _length("""
        def f(x):
            t = (x[0], x[1])
            def g():
                nonlocal t
                t = (x[0],)
            g()
            return t
    """) is None


def test_a_name_never_bound_is_untold():
    assert _length("def f(x):\n    return x\n") is None
