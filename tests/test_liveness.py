"""srcdiff/liveness.py: a large temporary is `del`-ed after its last reader (its memory is
then reused), and `del name` in a function srcdiff differentiates is dropped (so emitted
code containing it can be differentiated again: second order)."""
import re

import numpy as np
import pytest

import srcdiff
from srcdiff import liveness
from srcdiff import syntax as S
from gradcheck import check


def mlp_like(w, x):
    h = np.tanh(x @ w + 1.0)
    z = np.exp(h - np.max(h, axis=1, keepdims=True))
    return np.sum(np.log(np.sum(z, axis=1, keepdims=True)) * h[:, :1])


def chain(a):
    b = np.sin(a) * a
    c = np.exp(b)
    d = np.cos(c) + b
    return np.sum(d * d)


@pytest.mark.parametrize("f, args", [
    (mlp_like, lambda rng: (rng.standard_normal((3, 4)), rng.standard_normal((5, 3)))),
    (chain, lambda rng: (rng.standard_normal((3, 4)),)),
])
def test_temporaries_deleted_and_derivatives_unchanged(small_threshold, f, args):
    values = args(np.random.default_rng(0))
    wrt = tuple(range(len(values))) if len(values) > 1 else 0
    check(f, *values, wrt=wrt)  # both modes, second order through the emitted code
    g = srcdiff.grad(f, wrt=wrt)
    g(*values)
    assert "\n    del " in g.source, g.source


def test_small_values_are_not_deleted():
    """Sizes known to be small (0-d, size-1) give no `del`; a (3, 4) input gives them, since
    its code also serves (1000, 1000), an input of the same shape pattern (srcdiff/shapes.py)."""
    g = srcdiff.grad(chain)
    g(np.ones((1, 1)))
    assert "del " not in g.source
    g = srcdiff.grad(chain)
    g(np.ones((3, 4)))
    small = g.source
    g(np.ones((1000, 1000)))
    assert "del " in small and g.source == small


def test_not_deleted_without_known_shapes(small_threshold):
    from srcdiff.transform import reverse_source
    assert "del " in reverse_source(chain, ["a"], input_shapes={"a": (3, 4)}).text
    assert "del " not in reverse_source(chain, ["a"]).text


def user_del(x):
    y = x * 2.0
    z = np.sin(y) * x
    del y
    return np.sum(z)


def user_del_item(x):
    y = [x, x * 2.0]
    del y[1:]      # (test_plain_blocks.py: del y[0]; test_list_edits.py: del y[i], y[a:b])
    return np.sum(y[0])


def test_user_del_of_a_name_is_dropped():
    check(user_del, np.linspace(0.1, 1.0, 5))


def test_user_del_of_a_slice_of_a_list_differentiates():
    check(user_del_item, np.linspace(0.1, 1.0, 3))   # (srcdiff/list_edits.py)


# ---- reuse_dead_operands: `d = r * t` written into t's memory (`t *= r`) ---------------

def logsumexp(a):
    m = np.max(a, axis=1, keepdims=True)
    return np.sum(m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True)))


def softmax_weighted(a, w):
    e = np.exp(a)
    p = e / np.sum(e, axis=1, keepdims=True)
    return np.sum(p * w)


def scaled_by_input(a, s):
    """The factor's dtype is an input's (unknown to the variant): no reuse."""
    return np.sum(np.exp(a) * s)


def read_again(a):
    e = np.exp(a)
    return np.sum(e / np.sum(e, axis=0)) + np.sum(e * e)


@pytest.mark.parametrize("f, args", [
    (logsumexp, lambda rng: (rng.standard_normal((4, 5)),)),
    (softmax_weighted, lambda rng: (rng.standard_normal((4, 5)), rng.standard_normal((4, 5)))),
    (read_again, lambda rng: (rng.standard_normal((4, 5)),)),
    (scaled_by_input, lambda rng: (rng.standard_normal((4, 5)), rng.standard_normal((4, 1)))),
])
def test_dead_operand_reused_derivatives_unchanged(small_threshold, f, args):
    values = args(np.random.default_rng(1))
    wrt = tuple(range(len(values))) if len(values) > 1 else 0
    check(f, *values, wrt=wrt)  # both modes, second order through the emitted code


def test_dead_operand_reused_where_dtype_and_shape_are_certain():
    g = srcdiff.grad(logsumexp)
    a = np.random.default_rng(2).standard_normal((300, 300))
    g(a)
    assert re.search(r"\n    exp_1 \*= 1 / sum_\d+\n    d_a = exp_1\n", g.source), g.source
    # a float32 input (the same variant) keeps its dtype, and the input is not written
    a32 = a.astype(np.float32)
    before = a32.copy()
    got = g(a32)
    assert got.dtype == np.float32 and np.array_equal(a32, before)
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(got, e / e.sum(axis=1, keepdims=True), rtol=1e-5)


def test_dead_operand_not_reused_without_certainty(small_threshold):
    a = np.random.default_rng(3).standard_normal((4, 5))
    g = srcdiff.grad(scaled_by_input)
    g(a, np.ones((4, 1)))
    assert " *= " not in g.source, g.source      # s's dtype is not known
    g = srcdiff.grad(read_again)
    g(a)
    assert "exp_1 *=" not in g.source, g.source   # e is read after the product
    g = srcdiff.grad(logsumexp)
    g(np.ones((1, 1)))
    assert " *= " not in g.source, g.source       # small: nothing to gain


def test_dead_operand_not_reused_without_shapes(small_threshold):
    from srcdiff.transform import reverse_source
    assert "exp_1 *=" in reverse_source(logsumexp, ["a"], input_shapes={"a": (3, 4)}).text
    assert " *= " not in reverse_source(logsumexp, ["a"]).text


P, Q = 1 << 40, (1 << 40) + 1   # srcdiff/shapes.py's placeholder sizes


def _reused(text, shapes):
    from srcdiff import emit, liveness
    from srcdiff import syntax as S
    body = S.quote(text)
    liveness.reuse_dead_operands(body, shapes)
    return emit.to_source(body).strip()


@pytest.mark.parametrize("text, shapes, reused", [
    # the softmax's gradient: t's dtype made by exp, the factor's from t's sum
    ("e = numpy.exp(x)\ns = numpy.sum(e, axis=1, keepdims=True)\nd = 1 / s * e",
     {"e": (P, Q), "s": (P, 1)}, True),
    ("e = numpy.exp(x)\ns = numpy.sum(e, axis=1, keepdims=True)\nd = e / s",
     {"e": (P, Q), "s": (P, 1)}, True),
    ("e = numpy.exp(x)\nd = 2.0 * e", {"e": (P, Q)}, True),
    ("e = numpy.exp(x)\ns = numpy.sum(e, axis=1, keepdims=True)\nd = s * e",
     {"e": (P, 1), "s": (P, 1)}, True),
    # the factor would make the result larger than t, or its shape is not known
    ("e = numpy.exp(x)\ns = numpy.sum(e, axis=1, keepdims=True)\nd = s * e",
     {"e": (P, 1), "s": (1, Q)}, False),
    ("e = numpy.exp(x)\nf = numpy.sin(e) + e\nd = numpy.sum(f, axis=0) * e",
     {"e": (P, 1), "f": (P, 1)}, False),
    # a division's divisor is never the reused operand
    ("e = numpy.exp(x)\nd = 1.0 / e", {"e": (P, Q)}, False),
    # the factor's dtype unknown (an input's), or the factor's shape
    ("e = numpy.exp(x)\nd = y * e", {"e": (P, Q), "y": (P, Q)}, False),
    ("e = numpy.exp(x)\ns = numpy.sum(e, axis=1, keepdims=True)\nd = 1 / s * e",
     {"e": (P, Q)}, False),
    # t read after, rebound, not fresh (a view), an int-valued function, t small
    ("e = numpy.exp(x)\nd = 2.0 * e\nz = e", {"e": (P, Q)}, False),
    ("e = numpy.exp(x)\nd = 2.0 * e\ne = x", {"e": (P, Q)}, False),
    ("e = x.T\nd = 2.0 * e", {"e": (P, Q)}, False),
    ("e = numpy.negative(x)\nd = 1 / e * e", {"e": (P, Q)}, False),
    ("e = numpy.exp(x)\nd = 2.0 * e", {"e": (3, 4)}, False),
])
def test_reuse_conditions(text, shapes, reused):
    out = _reused(text, shapes)
    assert (" *= " in out or " /= " in out) == reused, out
    if reused:
        assert out.splitlines()[-1] == "d = e", out


@pytest.mark.parametrize("f, args", [
    (mlp_like, lambda rng: (rng.standard_normal((3, 4)), rng.standard_normal((5, 3)))),
    (chain, lambda rng: (rng.standard_normal((3, 4)),)),
    (logsumexp, lambda rng: (rng.standard_normal((4, 5)),)),
    (softmax_weighted, lambda rng: (rng.standard_normal((4, 5)), rng.standard_normal((4, 5)))),
])
def test_the_three_passes_share_one_census_kept_up_to_date(small_threshold, monkeypatch, f,
                                                          args):
    """inline_single_use, reuse_dead_operands and free_dead read the names of each statement
    from one census of the body (liveness.census, taken once per derivative), each keeping
    it up to date as it rewrites the body: after each pass it is what a fresh census of the
    body gives."""
    from srcdiff import inline, liveness
    taken, checked = [], []
    real = liveness.census

    def census(body):
        taken.append(len(body))
        return real(body)

    def checking(name, run):
        def wrapped(body, facts, names=liveness.UNCOUNTED):
            before = [S.dump(s) for s in body]
            out = run(body, facts, names)
            assert names is not liveness.UNCOUNTED, f"{name} took its own census"
            if names is not None:
                assert names == real(body), name
            checked.append((name, before != [S.dump(s) for s in body]))
            return out
        return wrapped
    monkeypatch.setattr(liveness, "census", census)
    monkeypatch.setattr(inline, "inline_single_use",
                        checking("inline", inline.inline_single_use))
    monkeypatch.setattr(liveness, "reuse_dead_operands",
                        checking("reuse", liveness.reuse_dead_operands))
    monkeypatch.setattr(liveness, "free_dead", checking("free", liveness.free_dead))
    values = args(np.random.default_rng(0))
    wrt = tuple(range(len(values))) if len(values) > 1 else 0
    srcdiff.grad(f, wrt=wrt)(*values)
    assert len(taken) == 1 and [n for n, _ in checked] == ["inline", "reuse", "free"]
    assert any(changed for _, changed in checked), checked


def test_the_census_stops_at_a_closure():
    body = S.quote("a = x * 2.0\nf = lambda z: z * a\nb = f(a)\n")
    assert liveness.census(body) is None
    assert liveness.census(body[:1]) == [(["x"], ["a"])]
