"""Single-use temporaries written where they are read (srcdiff/temporaries.py): shorter
emitted code, the same derivatives (checked against finite differences), and no move
that could change what runs first."""
import numpy as np

import srcdiff
from srcdiff import emit
from srcdiff import syntax as S
from srcdiff.temporaries import inline_temporaries
from gradcheck import check


def _inlined(source):
    fdef = S.parse_function(source)
    inline_temporaries(fdef)
    return emit.to_source(fdef)


def rows_loop(x):
    s = 0.0
    for t in range(x.shape[0]):
        s = s + np.sin(x[t]) * x[t]
    return s


def branchy(x):
    total = np.sum(x)
    if total > 1.0:
        total = total * 2.0
    return total * np.sum(x * x)


X = np.linspace(0.1, 0.9, 4)


def test_a_loop_over_a_range_of_a_shape_is_one_line():
    grad = srcdiff.grad(rows_loop)
    grad(X)
    jvp = srcdiff.jvp(rows_loop)
    jvp(X, np.ones(4))
    assert "range_1 = range(x.shape[0])" in srcdiff.source(grad)
    assert "for t in range(x.shape[0]):" in srcdiff.source(jvp)
    for text in (srcdiff.source(grad), srcdiff.source(jvp)):
        assert "shape_1" not in text and "item_1 = shape" not in text
    check(rows_loop, X)


def test_a_branch_test_is_written_in_the_if():
    grad = srcdiff.grad(branchy)
    grad(X)
    assert "if total > 1.0:" in srcdiff.source(grad) or "cond_1" in srcdiff.source(grad)
    check(branchy, X)
    check(branchy, X * 0.1)


def test_a_chain_of_temporaries_is_one_expression():
    got = _inlined("def f(ys):\n    n_1 = len(ys)\n    r_1 = range(n_1)\n"
                   "    for i in r_1:\n        pass\n")
    assert "for i in range(len(ys)):" in got and "n_1" not in got


def test_a_temporary_read_twice_or_bound_twice_stays():
    got = _inlined("def f(x):\n    a_1 = x + 1\n    b = a_1 * a_1\n    return b\n")
    assert "a_1 = x + 1" in got
    got = _inlined("def f(x):\n    a_1 = x + 1\n    a_1 = x + 2\n    b = a_1 * 2\n    return b\n")
    assert "b = a_1 * 2" in got


def test_a_users_name_and_a_derivative_stay():
    got = _inlined("def f(x):\n    a = x + 1\n    d_a_1 = a * 2\n    tan_b_1 = d_a_1 + 1\n"
                   "    return tan_b_1\n")
    assert "a = x + 1" in got and "d_a_1 = a * 2" in got and "tan_b_1 = d_a_1 + 1" in got


def test_nothing_that_runs_first_is_passed():
    # lst[0] would be read after the pop: a different value
    got = _inlined("def f(lst):\n    v_1 = lst.pop()\n    y = lst[0] + v_1\n    return y\n")
    assert "v_1 = lst.pop()" in got
    # a call between the two statements may change what the value reads
    got = _inlined("def f(lst, g):\n    v_1 = lst[0]\n    g(lst)\n    y = v_1 + 1\n    return y\n")
    assert "v_1 = lst[0]" in got
    # a value with effects does not move past a statement, however pure
    got = _inlined("def f(lst):\n    v_1 = lst.pop()\n    k = 2\n    y = v_1 + k\n"
                   "    return y, k\n")
    assert "v_1 = lst.pop()" in got
    # a pure value moves past pure statements that do not rebind what it reads
    got = _inlined("def f(x):\n    n_1 = len(x)\n    k_1 = x * 2\n    z = k_1 + n_1\n"
                   "    return z\n")
    assert "z = x * 2 + len(x)" in got
    got = _inlined("def f(x):\n    n_1 = len(x)\n    x = x * 2\n    z = x + n_1\n    return z\n")
    assert "n_1 = len(x)" in got


def test_a_read_that_may_run_never_or_often_stays():
    for use in ("    while c_1:\n        c_1 = False\n",
                "    y = x and c_1\n",
                "    y = [c_1 for i in x]\n",
                "    y = (lambda: c_1)()\n",
                "    for i in x:\n        y = c_1\n"):
        got = _inlined("def f(x):\n    c_1 = x > 1\n" + use + "    return x\n")
        assert "c_1 = x > 1" in got, use


def test_a_call_with_effects_is_computed_where_it_was():
    ns = {}
    exec(_inlined("def f(lst):\n    v_1 = lst.pop()\n    w_1 = lst.pop()\n"
                  "    return [v_1, w_1]\n"), ns)
    assert ns["f"]([1, 2, 3]) == [3, 2]
    exec(_inlined("def f(lst):\n    v_1 = lst.pop()\n    y = lst + [v_1]\n    return y\n"), ns)
    assert ns["f"]([1, 2, 3]) == [1, 2, 3]


def test_a_copy_of_a_temporary_binds_the_value_directly():
    got = _inlined("def f(v, w):\n    a_1 = v[1]\n    b_1 = w[1]\n    c_1 = a_1\n    y = c_1\n"
                   "    z = b_1\n    return y, z\n")
    assert got == "def f(v, w):\n    y = v[1]\n    z = w[1]\n    return y, z\n"


def test_a_copy_whose_target_is_seen_in_between_stays():
    got = _inlined("def f(g, v, y):\n    a_1 = g(v)\n    t = y + 1\n    y = a_1\n"
                   "    return y, t\n")
    assert "a_1 = g(v)" in got and "y = a_1" in got


def test_forward_mode_binds_the_new_value_and_tangent_directly():
    jvp = srcdiff.jvp(rows_loop)
    jvp(X, np.ones(4))
    text = srcdiff.source(jvp)
    assert "tan_s = tan_add_1" not in text and "tan_s = broadcast_like(tan_s, add_1)" in text


def nested_loops(x):
    s = 0.0
    for i in range(2):
        for t in range(x.shape[0]):
            s = s + np.sin(x[t]) * s
    return s


def test_a_pure_value_moves_past_a_push_on_the_tape():
    grad = srcdiff.grad(nested_loops)
    grad(X)
    assert "range_2 = range(x.shape[0])" in srcdiff.source(grad)
    check(nested_loops, X)
    tape = "__srcdiff_tape__"
    got = _inlined(f"def f(x, y):\n    n_1 = len(x)\n    {tape}.append(y)\n    r_1 = range(n_1)\n"
                   "    return r_1\n")
    assert "return range(len(x))" in got
    # not past a push of something the value reads, nor with a value that has effects
    for value in (f"len({tape})", "x.pop()"):
        got = _inlined(f"def f(x, y):\n    n_1 = {value}\n    {tape}.append(y)\n"
                       "    r_1 = range(n_1)\n    return r_1\n")
        assert f"n_1 = {value}" in got, value


def test_the_counts_after_inlining_are_a_fresh_count():
    # inline_temporaries counts once: the counts it reads after inlining (the temporaries
    # inlined taken out) are what counting the inlined function again gives
    from srcdiff import temporaries
    sources = [
        "def f(ys):\n    n_1 = len(ys)\n    r_1 = range(n_1)\n    for i in r_1:\n"
        "        a_1 = ys[i] * 2\n        b = a_1 + n_1\n    return b\n",
        "def f(x):\n    n_1 = len(x)\n    k_1 = x * 2\n    z = k_1 + n_1\n"
        "    def g(y):\n        m_1 = y + 1\n        return m_1\n    return g(z)\n",
        "def f(x):\n    a_1 = x + 1\n    b = a_1 * a_1\n    c_1 = b\n    return c_1\n",
    ]
    for source in sources:
        fdef = S.parse_function(source)
        counts, _ = temporaries._census(fdef)
        before = len(counts)
        temporaries._blocks(fdef.body, counts)
        assert len(counts) < before, "a temporary was inlined"
        assert counts == temporaries._census(fdef)[0]
