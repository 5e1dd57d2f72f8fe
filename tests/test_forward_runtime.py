"""srcdiff/forward_runtime.py's tangent helpers called directly with small arrays.

The engine helpers (broadcast_like, check_tangent, copy_tangent, add_tangents,
output_tangent) are checked for the shapes, types and refusals emitted jvp code relies on;
the tangents of the adjoint helpers (prod_others_tangent, det_cofactor_tangent, ...) against
central differences of the helper they differentiate, at kinks (zeros, singular matrices)
too. (Their use inside Hessians is tests/templates/test_runtime_rules.py's.)
"""
import dataclasses

import numpy as np
import pytest

from gradcheck import directional_difference
from srcdiff.forward_runtime import (add_tangents, broadcast_like, check_tangent, copy_tangent,
                                     det_cofactor_tangent, det_grad_tangent_a, log_base_tangent,
                                     norm_weights_tangent, output_tangent, prod_others_tangent)
from srcdiff.runtime_matrices import det_cofactor, det_grad, norm_weights
from srcdiff.runtime_numpy import log_base, prod_others

rng = np.random.default_rng(31)


def close(actual, expected, rtol=1e-6, atol=1e-8):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# --- the engine helpers -----------------------------------------------------------------
def test_broadcast_like_gives_the_values_shape():
    like = np.zeros((2, 3))
    out = broadcast_like(np.array([1.0, 2.0, 3.0]), like)
    assert out.shape == (2, 3)
    close(out, np.tile([1.0, 2.0, 3.0], (2, 1)))
    same = rng.normal(size=(2, 3))
    assert broadcast_like(same, like) is same
    close(broadcast_like([1.0, 2.0], np.zeros(2)), [1.0, 2.0])   # a list tangent adds itemwise
    assert np.shape(broadcast_like(0.5, np.zeros(()))) == ()
    assert broadcast_like(0.5, np.zeros(2)).shape == (2,)


def test_check_tangent_refuses_what_does_not_fit():
    x = np.zeros(3)
    t = np.ones(3)
    assert np.array_equal(check_tangent(t, x, "x"), t)
    with pytest.raises(ValueError, match=r"tangent for x has shape \(2,\) but x has shape \(3,\)"):
        check_tangent(np.ones(2), x, "x")
    with pytest.raises(ValueError, match="must be a number or an array"):
        check_tangent("t", x, "x")
    with pytest.raises(ValueError, match=r"tangent for x is missing \(None\)"):
        check_tangent(None, x, "x")   # the default a written jvp's def shows
    with pytest.raises(ValueError, match=r"tangent for xs is missing \(None\)"):
        check_tangent(None, [x, x], "xs")
    with pytest.raises(ValueError, match="list or tuple of 2 tangents"):
        check_tangent([np.ones(3)], [x, x], "xs")
    with pytest.raises(ValueError, match=r"tangent for xs\[1\] has shape"):
        check_tangent([np.ones(3), np.ones(4)], [x, x], "xs")
    with pytest.raises(ValueError, match="dict with the keys"):
        check_tangent({"a": 1.0}, {"a": 0.0, "b": 0.0}, "d")
    out = check_tangent((np.ones(3), 1.0), (x, 2.0), "p")
    assert isinstance(out, tuple) and len(out) == 2


def test_copy_tangent_is_private():
    t = rng.normal(size=3)
    c = copy_tangent(t)
    c[0] = 99.0
    assert t[0] != 99.0
    items = [t]
    copied = copy_tangent(items)
    copied.append(1.0)
    assert len(items) == 1
    assert copy_tangent((1.0, 2.0)) == [1.0, 2.0]     # written into: a list
    d = {"a": t}
    copy_tangent(d)["b"] = 1.0
    assert set(d) == {"a"}


def test_add_tangents_by_structure():
    a, b = rng.normal(size=2), rng.normal(size=2)
    close(add_tangents(a, b), a + b)
    out = add_tangents((a, 1.0), (b, 2.0))
    assert isinstance(out, tuple)
    close(out[0], a + b)
    close(out[1], 3.0)
    out = add_tangents({"x": a}, {"x": b, "y": 4.0})
    close(out["x"], a + b)
    assert out["y"] == 4.0


def test_output_tangent_has_the_outputs_type_and_shape():
    assert output_tangent(None, 1.5) == 0.0 and type(output_tangent(None, 1.5)) is float
    assert type(output_tangent(np.array(2.0), 1.5)) is float
    z = output_tangent(None, np.float32(1.0))
    assert type(z) is np.float32 and z == 0
    out = output_tangent(None, np.arange(3))          # integer output: a float zero tangent
    assert out.dtype == float and out.shape == (3,) and not out.any()
    out = output_tangent(2.0, np.zeros((2, 2)))        # a scalar tangent spread over the value
    close(out, np.full((2, 2), 2.0))
    out = output_tangent(None, (np.zeros(2), 3.0, None))
    assert isinstance(out, tuple) and out[1] == 0.0 and out[2] is None
    out = output_tangent({"a": np.ones(2)}, {"a": np.zeros(2), "b": 1.0})
    close(out["a"], 1.0)
    assert out["b"] == 0.0
    assert type(output_tangent(np.array(1j), 2.0 + 0j)) is complex


# --- tangents of the adjoint helpers against central differences ---------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
def test_prod_others_tangent(axis):
    for a in (rng.normal(size=(3, 4)), np.array([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0]])):
        t = rng.normal(size=a.shape)
        close(prod_others_tangent(t, a, axis),
              directional_difference(lambda a: prod_others(a, axis), a, t))


def test_det_cofactor_tangent_regular_and_singular():
    a = rng.normal(size=(3, 3))
    singular = np.outer([1.0, 2.0, -1.0], [0.5, 1.0, 3.0])   # rank 1: cofactors move linearly
    stack = rng.normal(size=(2, 4, 4))
    for m in (a, singular, stack, np.array([[2.0]])):
        t = rng.normal(size=m.shape)
        close(det_cofactor_tangent(t, m), directional_difference(det_cofactor, m, t),
              rtol=1e-5, atol=1e-7)
    g = rng.normal(size=2)
    t = rng.normal(size=stack.shape)
    close(det_grad_tangent_a(t, g, stack),
          directional_difference(lambda m: det_grad(g, m), stack, t), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("ord,axis,shape", [
    (None, None, (4,)), (3, 0, (4,)), (2, 1, (2, 3)), ("fro", None, (3, 3)),
    ("nuc", None, (3, 2)), ("nuc", None, (2, 3)), (2, None, (3, 3)), (-2, None, (2, 2)), (1, None, (4,))])
def test_norm_weights_tangent_along_x_and_along_the_norm(ord, axis, shape):
    x = rng.normal(size=shape)
    y = np.linalg.norm(x, ord=ord, axis=axis)
    tx, ty = rng.normal(size=shape), rng.normal(size=np.shape(y))
    close(norm_weights_tangent(tx, None, x, y, ord, axis, False),
          directional_difference(lambda x: norm_weights(x, y, ord, axis, False), x, tx),
          rtol=1e-5, atol=1e-7)
    close(norm_weights_tangent(None, ty, x, y, ord, axis, False),
          directional_difference(lambda y: norm_weights(x, y, ord, axis, False), y, ty),
          rtol=1e-5, atol=1e-7)


def test_log_base_tangent():
    for base in (np.array([0.5, 2.0, 3.0]), 1.7, np.array([0.4 + 1j, -2.0 + 0.5j])):
        t = rng.normal(size=np.shape(base)) * (1 + 0.5j if np.iscomplexobj(base) else 1)
        close(log_base_tangent(t, base), directional_difference(log_base, base, t))
    # where the base is mapped to 1 (base <= 0), log_base is constant: a zero tangent
    close(log_base_tangent(np.ones(2), np.array([-1.0, 0.0])), 0.0)
    assert log_base_tangent(1.0, -2.0) == 0.0


def test_dicts_of_derivatives_are_added_key_by_key_in_one_place():
    """add_by_key: the one home of adding two dicts of derivatives (tangents here, a record
    field's derivatives in runtime_values): `add` where both have a key, a's keys first."""
    import operator

    from srcdiff import forward_runtime, runtime_values
    out = forward_runtime.add_by_key({"a": 1.0, "b": 2.0}, {"b": 3.0, "c": 4.0}, operator.add)
    assert out == {"a": 1.0, "b": 5.0, "c": 4.0} and list(out) == ["a", "b", "c"]
    nested = forward_runtime.add_tangents({"a": {"x": 1.0}}, {"a": {"x": 2.0, "y": 1.0}})
    assert nested == {"a": {"x": 3.0, "y": 1.0}}
    fields = runtime_values._add({"w": [1.0, 2.0]}, {"w": [3.0, 4.0], "b": 1.0})
    assert fields == {"w": [4.0, 6.0], "b": 1.0}


# --- a tangent the caller writes after the call --------------------------------------------
def _identity(x):
    return x


def _tail(x):
    return x[1:]


def _plus_zero(x):
    return x + 0.0


def _reshaped(x):
    return x.reshape(2, 2)


@pytest.mark.parametrize("f", [_identity, _tail, _plus_zero, _reshaped],
                         ids=lambda f: f.__name__)
def test_a_jvps_tangent_is_not_the_callers_array(f):
    """A Jacobian by columns, one tangent buffer written for each (`t[:] = 0; t[i] = 1`):
    the output's tangent was the caller's tangent (or a view of it) wherever it is the input's
    tangent unchanged, so each column already returned became the last one. The tangents a
    jvp is given are private to it, as a vjp's cotangent is (check_cotangent)."""
    import srcdiff
    x = np.array([0.3, -0.5, 0.7, 0.2])
    t = np.zeros(4)
    columns = []
    for i in range(4):
        t[:] = 0.0
        t[i] = 1.0
        columns.append(np.ravel(srcdiff.jvp(f)(x, t)[1]))
    got = np.stack(columns, axis=-1)
    want = np.stack([np.ravel(directional_difference(f, x, e)) for e in np.eye(4)], axis=-1)
    np.testing.assert_allclose(got, want, atol=1e-8)


def test_aliased_tangent_follows_the_very_list_only():
    from srcdiff.forward_runtime import aliased_tangent
    lst, other = [1.0], [1.0]
    assert aliased_tangent(lst, "old", lst, "copy") == "copy"
    assert aliased_tangent(other, "old", lst, "copy") == "old"   # equal, not the same
    a = np.ones(2)
    assert aliased_tangent(a, "old", a, "copy") == "old"   # arrays: their views are followed


def test_copy_tangent_copies_a_lists_read_only_arrays_only():
    shared, frozen = np.ones(3), np.diagonal(np.eye(3))   # (a read-only view)
    got = copy_tangent([shared, frozen, 2.0])
    assert got[0] is shared and got[2] == 2.0
    assert got[1] is not frozen and got[1].flags.writeable
    np.testing.assert_array_equal(got[1], frozen)


@dataclasses.dataclass
class _Rec:
    w: np.ndarray
    b: float
    label: str = "r"


class _Plain:
    def __init__(self, w, b):
        self.w = w
        self.b = b


def test_check_tangent_takes_a_records_derivative_held_by_fields():
    # (a gradient's record read field by field, passed on to a vjp of that gradient)
    from srcdiff.runtime_values import FieldGrads
    rec = _Rec(np.ones(2), 2.0)
    got = check_tangent(FieldGrads(w=np.array([1.0, 3.0])), rec, "p")
    assert type(got) is _Rec and np.array_equal(got.w, [1.0, 3.0]) and got.b == 0.0
    plain = check_tangent({"b": 4.0}, _Plain(np.ones(2), 1.0), "p")
    assert type(plain) is _Plain and plain.b == 4.0 and np.array_equal(plain.w, [0.0, 0.0])
    whole = check_tangent(FieldGrads(w=np.ones(2)), FieldGrads(w=np.ones(2), b=1.0), "d")
    assert set(whole) == {"w", "b"} and whole["b"] == 0.0
    with pytest.raises(ValueError):   # a key that is no field of it
        check_tangent({"q": 1.0}, rec, "p")


def test_two_gradients_of_a_record_add_field_by_field():
    got = add_tangents(_Rec(np.ones(2), 1.0, "a"), _Rec(np.full(2, 2.0), 0.5, "a"))
    assert type(got) is _Rec and np.array_equal(got.w, [3.0, 3.0]) and got.b == 1.5
    assert got.label == "a"   # (a field carrying no derivative: as it was)


def test_a_records_gradient_meets_a_zero():
    # (a zero made before the record's derivative was known: 0, 0.0 or the 0-d object
    # array zeros_like_value makes; third order met one in a jvp over a record)
    rec = _Rec(np.ones(2), 1.0, "a")
    for zero in (0, 0.0, np.array(0, dtype=object)):
        assert add_tangents(rec, zero) is rec and add_tangents(zero, rec) is rec
