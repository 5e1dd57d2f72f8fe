"""srcdiff/entry_classes.py: the class of an object at an index of a tuple or list passed in
beside other values (`layer, scale = pair`, `pair[0]`), at a key of a dict (`model["enc"]`),
at an index of every row of a list of tuples (`for layer, s in pairs`), and of the objects
a helper's **kwargs gets (`run(l=layer, h=x)`), so that calling the object calls its class's
__call__ (issue #13; hunt22's record_in_tuple_param_with_number and kwargs_with_record are
gradchecked in test_hunt22.py). Checked against finite differences (gradcheck.check)."""
import numpy as np
import pytest

import srcdiff
from callable_layers import Layer, Scale, layer as _layer
from gradcheck import check, numerical_grad, refusal
from srcdiff.entry_classes import entry_facts

X = np.array([0.4, -0.3, 0.9])




L1, L2 = _layer(1), _layer(2)


def pair_index(pair, x):
    return pair[1] * np.sum(pair[0](x))


def enc_dec(model, x):
    enc, dec = model
    return np.sum(dec(enc(x)) ** 2)


def by_key(model, x):
    return model["scale"] * np.sum(model["enc"](x) ** 2)


def two_by_key(layers, x):   # (a dict of objects of one class: its `layers{}` fact)
    return np.sum(layers["dec"](layers["enc"](x)) ** 2)


def rows_unpacked(pairs, x):
    h = x
    for layer, s in pairs:
        h = s * layer(h)
    return np.sum(h)


def rows_indexed(pairs, x):
    h = x
    for k in range(len(pairs)):
        h = pairs[k][1] * pairs[k][0](h)
    return np.sum(h)


def kwargs_two(a, b, x):
    def run(**kw):
        return kw["second"](kw["first"](kw["h"]))

    return np.sum(run(first=a, second=b, h=x) ** 2)


def _scaled(pair, x):
    layer, s = pair
    return s * layer(x)


def through_a_helper(pair, x):
    return np.sum(_scaled(pair, x) ** 2)


CASES = [(pair_index, ((L1, 0.5), X)), (through_a_helper, ((L1, 0.5), X)), (enc_dec, ((L1, Scale(0.7)), X)),
         (by_key, ({"enc": L1, "scale": 0.7}, X)), (two_by_key, ({"enc": L1, "dec": L2}, X)),
         (rows_unpacked, ([(L1, 0.5), (L2, 2.0)], X)), (rows_indexed, ([(L1, 0.5), (L2, 2.0)], X)), (kwargs_two, (L1, Scale(0.3), X))]


@pytest.mark.parametrize("f,args", CASES, ids=[c[0].__name__ for c in CASES])
def test_an_object_called_from_a_container_differentiates(f, args):
    for wrt in range(len(args)):   # the container (its gradient has its structure) and x
        check(f, *args, wrt=wrt, order=2)


def layer_and_activation(pair, x):
    layer, act = pair
    return np.sum(act(layer(x)))


def test_a_function_unpacked_beside_the_object_is_called():
    check(layer_and_activation, (L1, np.tanh), X, wrt=1, order=2)
    check(layer_and_activation, (L1, np.sin), X, wrt=1, order=2)


def rows_with_activations(pairs, x):
    h = x
    for layer, act in pairs:
        h = act(layer(h))
    return np.sum(h)


def test_a_function_every_row_holds_is_called():
    check(rows_with_activations, [(L1, np.tanh), (L2, np.tanh)], X, wrt=1, order=2)
    check(rows_with_activations, [(L1, np.sin), (L2, np.sin)], X, wrt=1, order=2)


def test_rows_holding_other_functions_differentiate():
    # (values.function_items' pairs[k][1] facts: the loop is written out per row)
    rows = [(L1, np.tanh), (L2, np.sin)]
    check(rows_with_activations, rows, X, wrt=1, order=2)
    g = srcdiff.grad(rows_with_activations)(rows, X)   # the layers' fields, the functions
    assert [a for _, a in g] == [np.tanh, np.sin]      # as they were
    for k in range(2):
        want = numerical_grad(lambda w: rows_with_activations(
            [(Layer(w, L.b) if j == k else L, a) for j, (L, a) in enumerate(rows)], X),
            (rows[k][0].w,), 0)
        np.testing.assert_allclose(g[k][0].w, want, rtol=1e-5, atol=1e-7)


def test_the_code_is_compiled_for_the_classes_passed():
    g = srcdiff.grad(pair_index, wrt=1)
    for pair in [(L1, 0.5), (Scale(0.3), 0.5), (L2, 2.0)]:
        np.testing.assert_allclose(g(pair, X), numerical_grad(pair_index, (pair, X), 1),
                                   rtol=1e-6, atol=1e-8)


def test_the_facts():
    assert entry_facts("p", (L1, 0.7)) == {"p[0]": Layer}
    assert entry_facts("p", (0.7, L1, Scale(1.0))) == {"p[1]": Layer, "p[2]": Scale}
    assert entry_facts("p", [0.7, L1]) == {}   # a list's items: p[] only (objects.dispatch)
    assert entry_facts("d", {"enc": L1, "s": 0.5}) == {"d['enc']": Layer}
    assert entry_facts("p", [(L1, 0.5), (L2, 1.0)]) == {"p[][0]": Layer}
    assert entry_facts("p", [L1, L2]) == {}   # one class: p[] tells it
    assert entry_facts("p", [(L1, 0.5), (Scale(1.0), 1.0)]) == {}   # rows of two classes
    assert entry_facts("p", (X, 0.5)) == {}
    from srcdiff.values import function_items   # the function every row holds at 1
    assert set(function_items("p", [(L1, np.tanh)])) == {"p[][1]"}   # (no p.__len__)
    assert set(function_items("p", [(L1, np.tanh), (L2, np.sin)])) == {
        "p[0][1]", "p[1][1]", "p.__len__", "p[].__len__"}   # (rows holding other functions)


def reversed_first(pair, x):
    pair[0], pair[1] = pair[1], pair[0]   # the items change places: the class passed at 0
    layer, s = pair
    return s * np.sum(layer(x))


def rows_of_two_classes(pairs, x):
    h = x
    for layer, s in pairs:
        h = s * layer(h)
    return np.sum(h)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_objects_whose_class_is_not_told_are_refused_at_their_line(mode):
    err = refusal(reversed_first, ([Scale(0.5), L1], X), mode, wrt=1)
    assert "cannot tell which function 'layer' holds" in str(err)
    err = refusal(rows_of_two_classes, ([(L1, 0.5), (Scale(0.3), 2.0)], X), mode, wrt=1)
    assert "'layer'" in str(err)
