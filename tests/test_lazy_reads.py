"""lazy_reads.body_may_change: whether a loop's body may change what its iterable reads (an
iterator reads it item by item, so a list of its items taken before the loop would differ).
Told from the text, erring towards yes; its use (itertools_calls refuses such an iterator at
its line) is tested in tests/test_itertools_calls.py."""
import numpy as np
import pytest

from srcdiff import syntax as S
from srcdiff.lazy_reads import body_may_change

GLOBALS = {"np": np, "itertools": __import__("itertools")}


def _may_change(body, before="y = x * 1.0"):
    lines = ["def f(x):"] + ["    " + line.strip() for line in before.split("\n")] + \
        ["    for v in itertools.chain(y, y):"] + ["        " + line for line in body.split("\n")]
    fdef = S.parse_function("\n".join(lines) + "\n")
    loop = next(n for n in S.walk(fdef) if isinstance(n, S.For))
    return body_may_change(fdef, loop, GLOBALS.get)


@pytest.mark.parametrize("body", [
    "y[0] = v",                       # an item written
    "y[1:] += v",                     # an augmented item
    "y += v",                         # in place, an array's
    "y.append(v)",                    # a method that writes
    "y.sort()",
    "np.copyto(y, v)",                # a NumPy function that writes
    "np.add(y, v, out=y)",
    "helper(y)",                      # a function that may write into what it is given
])
def test_writes_into_the_sequence_may_change_it(body):
    assert _may_change(body)


@pytest.mark.parametrize("before", [
    "y = x * 1.0\n    z = y",              # z is y
    "y = x * 1.0\n    z = y[1:]",          # a view of it
    "y = x * 1.0\n    z = y.reshape(-1)",
    "y = x * 1.0\n    z = [y, x]",         # a list holding it: z[0] is y
    "y = x * 1.0\n    z = pick(y)",        # a function may give back what it is given
])
def test_a_write_through_an_alias_may_change_it(before):
    assert _may_change("z[0] = v", before)


def test_a_nested_function_reading_the_sequence_may_change_it():
    assert _may_change("s = v", "y = x * 1.0\n    g = lambda: y.fill(0.0)")


@pytest.mark.parametrize("body", [
    "s = v * np.sum(y)",              # reads only
    "out = np.sin(y) + v",            # a NumPy function reading it
    "n = len(y) + y.sum()",           # a builtin and a reading method
    "w = y.copy()\nw[0] = v",         # a copy written
    "y = y * 2.0",                    # y bound anew: the iterator keeps the old array
    "t = float(v)\nt += 1.0",         # a new number
])
def test_reads_copies_and_new_bindings_do_not(body):
    assert not _may_change(body)


def test_arithmetic_of_the_sequence_is_no_alias():
    assert not _may_change("z[0] = v", "y = x * 1.0\n    z = y * 2.0")
    assert not _may_change("z[0] = v", "y = x * 1.0\n    z = np.array(y)")
