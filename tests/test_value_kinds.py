"""value_kinds: the kinds of container a value may be, told without running anything: by a
display's syntax, by what calling an object makes, by a held object's type, and by a user
function's return statements (unpacking a dict goes by its keys, so a wrong "sequence" here
would unpack a dict by position). Its use by the lowering is tested in tests/test_dict_facts.py."""
import collections
import textwrap

import numpy as np

from srcdiff import syntax as S
from srcdiff.value_kinds import (DICT, SEQUENCE, SET, UNKNOWN, kind_of_object, made_by,
                                 may_be_keyed, returned_kinds)


def _returns(source, names=None, items=False):
    fdef = S.parse_function(textwrap.dedent(source))
    resolve = (lambda node: (names or {}).get(getattr(node, "id", None)))
    return returned_kinds(fdef, resolve, items)


def test_displays_and_comprehensions_tell_their_kind():
    assert _returns("def f(x):\n    return {'a': x}\n") == {DICT}
    assert _returns("def f(x):\n    return {k: x for k in 'ab'}\n") == {DICT}
    assert _returns("def f(x):\n    return {x}\n") == {SET}
    assert _returns("def f(x):\n    return [x, x]\n") == {SEQUENCE}
    assert _returns("def f(x):\n    return x, x\n") == {SEQUENCE}
    assert _returns("def f(x):\n    return x * 2.0\n") == {SEQUENCE}


def test_a_merge_of_dicts_and_a_parameter_are_not_told():
    assert _returns("def f(a, b):\n    return a | b\n") == {UNKNOWN}
    assert _returns("def f(x):\n    return x\n") == {UNKNOWN}


def test_calls_tell_their_kind_by_what_they_call():
    names = {"dict": dict, "od": collections.OrderedDict, "frozenset": frozenset,
             "sorted": sorted, "sin": np.sin, "g": print}
    assert _returns("def f(x):\n    return dict(a=x)\n", names) == {DICT}
    assert _returns("def f(x):\n    return od(a=x)\n", names) == {DICT}
    assert _returns("def f(x):\n    return frozenset(x)\n", names) == {SET}
    assert _returns("def f(x):\n    return sorted(x)\n", names) == {SEQUENCE}
    assert _returns("def f(x):\n    return sin(x)\n", names) == {SEQUENCE}
    assert _returns("def f(x):\n    return g(x)\n", names) == {UNKNOWN}


def test_locals_and_branches_join_their_kinds():
    assert _returns("""
        def f(x, flag):
            out = {"a": x}
            if flag:
                return out
            pairs = [x, x]
            return pairs
    """) == {DICT, SEQUENCE}
    # a name bound by a loop, or unpacked, is not told
    assert _returns("""
        def f(xs):
            for out in xs:
                pass
            return out
    """) == {UNKNOWN}
    assert _returns("""
        def f(x):
            a, b = x
            return a
    """) == {UNKNOWN}


def test_a_generator_and_nested_defs_returns():
    assert _returns("def f(x):\n    yield {'a': x}\n") == {UNKNOWN}
    # the return of a nested def is its own, not f's
    assert _returns("""
        def f(x):
            def g():
                return {"a": x}
            return [x]
    """) == {SEQUENCE}


def test_the_kinds_of_items():
    assert _returns("def f(x):\n    return [{'a': x}, {'b': x}]\n", items=True) == {DICT}
    assert _returns("def f(x):\n    return [{'a': v} for v in x]\n", items=True) == {DICT}
    assert _returns("def f(x):\n    return [*x]\n", items=True) == {UNKNOWN}


def test_made_by_and_held_objects():
    assert made_by(dict) == {DICT} and made_by(vars) == {DICT}
    assert made_by(collections.Counter) == {DICT}
    assert made_by(set) == {SET} and made_by(tuple) == {SEQUENCE}
    assert made_by(np.zeros) == {UNKNOWN}
    assert kind_of_object({"a": 1}) == {DICT}
    assert kind_of_object({}.keys()) == {SET} and kind_of_object({1}) == {SET}
    assert kind_of_object((1, 2)) == {SEQUENCE}
    assert kind_of_object(np.zeros(2)) == {UNKNOWN}


def test_what_is_not_told_may_be_a_dict():
    assert may_be_keyed(None) == {UNKNOWN}
    assert may_be_keyed(frozenset([UNKNOWN])) == {UNKNOWN, DICT}
    assert may_be_keyed(frozenset([SEQUENCE])) == {SEQUENCE}
