"""Named tuples in differentiated code (srcdiff/named_tuples.py): made in the function,
passed in, read by field name, by index, unpacked and looped over, checked against central
differences (gradcheck.check: both modes, second order); the gradient with respect to one is
one of its class. They were refused (`p.w`: "cannot differentiate through the attribute";
`p[0]` of one made here: "Python calls its __getitem__"; `P(a, b)`: "no derivative rule")."""
import collections
import typing

import numpy as np
import pytest

import srcdiff
from gradcheck import check


class Pair(typing.NamedTuple):
    w: np.ndarray
    b: float = 0.5


class Swapped(typing.NamedTuple):   # the same fields in the other order
    b: float
    w: np.ndarray


Old = collections.namedtuple("Old", ["w", "b"])
X = np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7])


def by_field(x):
    p = Pair(x[:3], x[3])
    return np.sum(p.w) * p.b


def by_index_and_unpacked(x):
    p = Pair(w=x[:3], b=x[4])
    w, b = p
    return np.sum(p[0] * w) * b + p[1]


def looped_over(x):
    p = Old(x[:3], x[3])
    total = 0.0
    for v in p:
        total = total + np.sum(v * v)
    return total + p.b


def default_left_out(x):
    p = Pair(x[:3])
    return np.sum(np.tanh(p.w)) * p.b


def made_in_a_loop(x):
    p = Pair(x[:3], 1.0)
    for k in range(3):
        p = Pair(p.w * p.b + x[3:], p.b * 0.5 + x[k])
    return np.sum(p.w ** 2) + p.b


def uses(p, x):
    return np.sum(p.w * x) * p.b + np.sum(p[0])


@pytest.mark.parametrize("f", [by_field, by_index_and_unpacked, looped_over, default_left_out,
                               made_in_a_loop])
def test_named_tuples_made_here_differentiate(f):
    check(f, X)


def test_the_gradient_with_respect_to_a_named_tuple_is_one_of_its_class():
    pair = Pair(X[:3], 0.5)
    check(uses, pair, X[3:], wrt=(0, 1))
    g = srcdiff.grad(uses)(pair, X[3:])
    assert type(g) is Pair


def test_a_named_tuple_class_with_other_field_positions_gets_code_of_its_own():
    """`p.w` reads p[0] for Pair and p[1] for Swapped: the compiled code is chosen by the
    class (call_keys.kind), so the second call does not reuse the first's positions."""
    def by_name(p, x):
        return np.sum(p.w * x) * p.b
    g = srcdiff.grad(by_name)
    a = g(Pair(X[:3], 0.5), X[3:])
    b = g(Swapped(0.5, X[:3]), X[3:])
    np.testing.assert_allclose(a.w, b.w)
    assert a.b == pytest.approx(b.b)
    check(by_name, Swapped(0.5, X[:3]), X[3:], wrt=(0, 1))


def test_a_default_that_is_no_literal_is_refused_located():
    class Arrayed(typing.NamedTuple):
        w: np.ndarray
        v: np.ndarray = np.ones(3)

    def f(x):
        p = Arrayed(x[:3])
        return np.sum(p.w * p.v)
    with pytest.raises(srcdiff.SrcdiffError, match="field v is left to its default") as info:
        srcdiff.grad(f)(X)
    assert info.value.lineno == f.__code__.co_firstlineno + 1


def _helper(p, x):
    return np.sum(p.w * x) * p.b


def made_inline_for_a_helper(x):
    return _helper(Pair(x[:3], x[3]), x[3:]) + _helper(Old(w=x[3:], b=x[0]), x[:3])


def test_a_named_tuple_made_inline_as_a_helpers_argument_differentiates():
    """The helper read `p.b` of an object whose class it was not told: refused as "cannot
    differentiate through the attribute"; its class is now noted as for a name bound to it."""
    check(made_inline_for_a_helper, X)


class Dense(typing.NamedTuple):
    W: np.ndarray
    b: np.ndarray


def mlp(params, x):
    h = x
    for layer in params:
        h = np.tanh(layer.W @ h + layer.b)
    return np.sum(h ** 2)


def mlp_made_here(x):
    params = [Dense(x[:4].reshape(2, 2), x[4:6]), Dense(x[2:6].reshape(2, 2), x[:2])]
    return mlp(params, np.array([0.5, -0.3]))


def test_a_list_of_named_tuples_as_parameters_differentiates():
    """The JAX-style MLP: a list of (W, b) named tuples, looped over, read by field name;
    the gradient is a list of named tuples of the same class. `layer.b` was refused: srcdiff
    took a list's items' class from user objects with a __dict__ only."""
    params = [Dense(np.array([[0.3, -0.2], [0.5, 0.1]]), np.array([0.1, -0.1])),
              Dense(np.array([[0.2, 0.4], [-0.3, 0.6]]), np.array([0.05, 0.2]))]
    x = np.array([0.5, -0.3])
    check(mlp, params, x, wrt=(0, 1))
    g = srcdiff.grad(mlp)(params, x)
    assert [type(layer) for layer in g] == [Dense, Dense]
    check(mlp_made_here, X)


# -- the methods: p._replace(w=v), p._asdict(), P._make(seq), p._fields ------------------
# each was refused ("collections.Pair._replace ... no derivative rule for tuple.__new__";
# _asdict: "zip() is only supported in a for statement header")
def replaced(x):
    p = Pair(x[:3], x[3])
    q = p._replace(w=p.w * x[4])
    return np.sum(q.w ** 2) * q.b + np.sum(p.w)


def replaced_old_style(x):
    p = Old(x[:3], x[3])
    q = p._replace(b=p.b ** 2, w=np.sin(p.w))
    return np.sum(q.w) * q.b


def as_dict(x):
    p = Swapped(x[0], x[1:4])
    d = p._asdict()
    return np.sum(d["w"] ** 2) * d["b"] + len(d)


def made_of_a_display(x):
    p = Pair._make([x[:3], x[3]])
    q = Old._make((x[3:], x[0] * x[1]))
    return np.sum(p.w * q.w) * p.b + q.b


def made_of_a_list(x):
    items = [x[:3], x[3] * x[4]]
    p = Pair._make(items)
    return np.sum(p.w) * p.b


def reads_its_fields(x):
    p = Pair(x[:3], x[3])
    return np.sum(p.w) * len(p._fields) + p.b * len(Pair._fields)


@pytest.mark.parametrize("f", [replaced, replaced_old_style, as_dict, made_of_a_display,
                               made_of_a_list, reads_its_fields])
def test_a_named_tuples_methods_differentiate(f):
    check(f, X)


def _replaced_passed(p, x):
    q = p._replace(b=p.b * x[0])
    r = q._replace(w=q.w * x)
    return np.sum(r.w * x) * r.b


def _as_dict_passed(p, x):
    return np.sum(p._asdict()["w"] * x) * p._asdict()["b"]


@pytest.mark.parametrize("f", [_replaced_passed, _as_dict_passed])
def test_a_named_tuple_passed_in_keeps_its_class_through_its_methods(f):
    pair = Pair(X[:3], 0.7)
    check(f, pair, X[3:], wrt=(0, 1))
    g = srcdiff.grad(f)(pair, X[3:])
    assert type(g) is Pair


def test_a_replace_of_a_field_the_class_has_not_is_refused_located():
    def f(x):
        p = Pair(x[:3], x[3])
        return np.sum(p._replace(v=x[:3]).w)
    with pytest.raises(srcdiff.UnsupportedCodeError, match="Pair has no field v") as info:
        srcdiff.grad(f)(X)
    assert "test_named_tuples.py" in str(info.value) and "w, b" in info.value.hint


def test_a_make_of_another_number_of_items_is_refused_located():
    def f(x):
        return np.sum(Pair._make([x[:3], x[3], x[4]]).w)
    with pytest.raises(srcdiff.UnsupportedCodeError, match="3 items for 2 fields"):
        srcdiff.grad(f)(X)
