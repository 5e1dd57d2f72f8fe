"""The last tidying passes over emitted code (srcdiff/tidy.py): `a + -e` written `a - e`,
`x ** 1` in a product written `x`; the derivatives still agree with finite differences."""
import numpy as np

import srcdiff
from srcdiff import emit
from srcdiff import syntax as S
from srcdiff.tidy import tidy
from gradcheck import check


def _tidied(source):
    fdef = S.parse_function(source)
    tidy([fdef])
    return emit.to_source(fdef)


def difference(x, y):
    return np.sum(np.sin(x) * 2.0 - x * y)


def squares(x):
    return np.sum(x ** 2 + x ** 2.0)


def cubes(x):
    return np.sum(x ** 3.0)


X = np.linspace(0.1, 0.9, 4)
Y = np.linspace(-0.5, 0.5, 4)


def test_a_difference_is_written_with_a_minus_in_forward_mode():
    jvp = srcdiff.jvp(difference, wrt=(0, 1))
    jvp(X, Y, np.ones(4), np.ones(4))
    text = srcdiff.source(jvp)
    assert "+ -" not in text
    assert "broadcast_like(tan_mul_1, sub_1) - broadcast_like(tan_mul_2, sub_1)" in text
    check(difference, X, Y, wrt=(0, 1))


def test_an_update_by_a_negation_is_a_subtraction():
    got = _tidied("def f(a, e):\n    a += -e\n    b = a + -(e * e)\n    return b\n")
    assert "a -= e" in got and "b = a - e * e" in got


def test_a_negation_first_or_subtracted_stays():
    got = _tidied("def f(a, e):\n    b = -e + a\n    c = a - -e\n    return b, c\n")
    assert "b = -e + a" in got and "c = a - -e" in got


def test_a_power_of_one_in_a_product_is_its_base():
    for f in (squares,):
        grad = srcdiff.grad(f)
        grad(X)
        jvp = srcdiff.jvp(f)
        jvp(X, np.ones(4))
        for text in (srcdiff.source(grad), srcdiff.source(jvp)):
            assert "** 1" not in text
        check(f, X)


def test_second_order_has_no_power_of_one():
    """grad of grad (forward over the emitted gradient) of x ** 3.0 meets x ** 2.0's
    derivative, 2.0 * x ** 1.0."""
    gg = srcdiff.grad(srcdiff.grad(lambda_free_cubes))
    gg(X)
    assert "** 1" not in srcdiff.source(gg)
    check(cubes, X)


def lambda_free_cubes(x):
    return np.sum(x ** 3.0)


def test_a_power_of_one_outside_a_product_stays():
    got = _tidied("def f(x, k):\n    a = x ** 1\n    b = x ** 1.0 * k\n    c = x ** 1 + k\n"
                  "    return a, b, c\n")
    # alone, x ** 1 is a new array (not x itself); x ** 1.0 of an int array is a float one
    assert "a = x ** 1\n" in got and "b = x ** 1.0 * k" in got and "c = x ** 1 + k" in got
    assert _tidied("def f(x, k):\n    return k * 2.0 * x ** 1.0 / x ** 1\n").strip().endswith(
        "return k * 2.0 * x / x")


def test_an_int_array_keeps_its_dtype():
    x = np.arange(4)
    ns = {}
    exec(_tidied("def f(x, k):\n    return x ** 1 * k\n"), ns)
    assert ns["f"](x, 3).dtype == (x ** 1 * 3).dtype


def test_tidy_walks_each_function_once_for_the_arithmetic_and_the_temporaries(monkeypatch):
    # the arithmetic tidy and the census of temporaries read one walk of the function (the
    # arithmetic rewrites no name and adds no global, nonlocal or try): what is emitted is
    # as with a walk each
    source = ("def f(x, y):\n    a_1 = x ** 1 * y\n    b_1 = a_1 + -y\n    c = b_1 * 2.0\n"
              "    d_1 = c\n    c += -d_1\n    return c\n")
    walked = []
    nodes = S.nodes

    def counting(node):
        walked.append(node)
        return nodes(node)
    monkeypatch.setattr(S, "nodes", counting)
    fdef = S.parse_function(source)
    tidy([fdef])
    assert walked.count(fdef) == 1, walked
    monkeypatch.setattr(S, "nodes", nodes)
    from srcdiff import temporaries, tidy as tidying
    apart = S.parse_function(source)
    tidying._arithmetic(apart)
    temporaries.inline_temporaries(apart)
    assert emit.to_source(fdef) == emit.to_source(apart)
    assert "x * y - y" in emit.to_source(fdef) and "-=" in emit.to_source(fdef)
