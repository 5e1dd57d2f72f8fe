"""srcdiff/generator_splice.py: the loop's body spliced in at each yield of an inlined
generator, its exits made flags. The rewritten function (generator_inline.inline_loops, as
the Lowerer's preparation runs it) is run as plain Python and must print and return what the
original does, item for item, on many inputs; then differentiated (gradcheck.check)."""
import ast
import builtins

import numpy as np
import pytest

from gradcheck import check
from srcdiff import frontend, generator_inline, idiom_rewrite
from srcdiff import syntax as S


def rewritten(f):
    """f after the inlining, compiled as plain Python in f's module."""
    source = frontend.get_source(f)

    def resolve(name):
        return f.__globals__.get(name, getattr(builtins, name, None))

    fdef = idiom_rewrite.desugar(source.node, resolve)
    fdef = generator_inline.inline_loops(source, fdef, resolve)
    text = ast.unparse(S.to_python_ast(fdef))
    namespace = dict(f.__globals__)
    exec(compile(text, source.filename, "exec"), namespace)
    return namespace[f.__name__], text


def grid(x, n):
    """Rows of x in pairs (i, j) with j near i; the first row ends the generator at 'stop'."""
    for i in range(len(x)):
        j = i
        while j < len(x):
            if j - i > n:
                break
            if x[i] > 2.5:
                print("stop", i)
                return
            print("make", i, j)
            yield x[i] * x[j]
            j += 1
        else:
            yield -x[i]


def skips_and_breaks(x):
    total = 0.0
    for k, v in enumerate(grid(x, 1)):
        if k % 3 == 1:
            print("skip", k)
            continue
        total = total + v * (k + 1)
        if total > 1.5:
            print("break", k)
            break
        print("use", k)
    else:
        total = total - 1.0
    return total


def stops_in_a_nested_loop(x):
    total = 0.0
    for v in grid(x, 2):
        for r in range(3):
            if r == 2:
                break            # the inner loop's own break
            total = total + v * r
        if v < -1.0:
            return total * 2.0   # leaves the function from inside the generator's loops
    return total


@pytest.mark.parametrize("f", [skips_and_breaks, stops_in_a_nested_loop])
def test_the_rewritten_loop_prints_and_returns_as_python(f, capsys):
    g, text = rewritten(f)
    assert "grid(" not in text and "yield" not in text, text
    rng = np.random.default_rng(3)
    for trial in range(40):
        x = rng.normal(size=int(rng.integers(1, 6))) * 1.5
        want = f(x)
        printed = capsys.readouterr().out
        assert g(x) == want, (x, text)
        assert capsys.readouterr().out == printed, (x, text)


def test_flags_only_where_read():
    def plain(x):
        total = 0.0
        for v in grid(x, 0):
            total = total + v
        return total

    _, text = rewritten(plain)
    assert "skip" not in text and "stop = True" in text, text   # the generator's return


@pytest.mark.parametrize("f", [skips_and_breaks, stops_in_a_nested_loop])
def test_the_spliced_loop_differentiates(f):
    check(f, np.array([0.3, -0.7, 1.1, 0.4]))
    check(f, np.array([0.9, 1.2, -1.6]))
