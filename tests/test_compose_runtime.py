"""srcdiff/compose_runtime.py: the helpers of transforms of derivatives (a Jacobian built
column by column from forward passes): unit tangents, copies with one element or column set,
and the contractions of outputs. Whole compositions are checked against finite differences
in tests/test_compose.py; here the helpers."""
import numpy
import pytest

from srcdiff import compose_runtime as cr


@pytest.mark.parametrize("like", [2.0, numpy.zeros(4), numpy.zeros((2, 3))])
def test_units_walk_every_element_in_c_order(like):
    size = numpy.size(like)
    units = [cr.unit(like, i) for i in range(size)]
    if isinstance(like, float):
        assert units == [1.0]
        return
    assert numpy.array_equal(numpy.reshape(units, (size, size)), numpy.eye(size))
    assert units[0].dtype == float and units[0].shape == like.shape


def test_with_item_and_with_column_copy_and_never_change_their_input():
    a = numpy.zeros((2, 2))
    b = cr.with_item(a, 3, 5.0 + 0j)
    assert b[1, 1] == 5.0 and not numpy.any(a)
    assert cr.with_item(1.0, 0, 2.5) == 2.5
    like = numpy.zeros((2, 3))
    jac = cr.jacobian_start(numpy.zeros(4), like)
    assert jac.shape == (4, 2, 3)
    col = numpy.arange(4.0)
    out = cr.with_column(jac, 4, col, like)
    numpy.testing.assert_array_equal(out[:, 1, 1], col)
    assert not numpy.any(jac) and numpy.count_nonzero(out) == 3


def test_jacobians_of_several_outputs_are_built_output_by_output():
    like = numpy.zeros(2)
    jac = cr.jacobian_start((1.0, numpy.zeros(3)), like)
    assert isinstance(jac, tuple) and jac[0].shape == (2,) and jac[1].shape == (3, 2)
    jac = cr.with_column(jac, 1, (7.0, numpy.ones(3)), like)
    assert jac[0][1] == 7.0 and numpy.all(jac[1][:, 1] == 1)
    named = cr.with_column(cr.jacobian_start({"a": 0.0}, 0.0), 0, {"a": 3.0}, 0.0)
    assert named == {"a": 3.0}


def test_total_and_vdot_over_containers():
    value = {"a": numpy.ones(3), "b": (2.0, numpy.full(2, 0.5))}
    assert cr.total(value) == pytest.approx(6.0)
    assert cr.total(None) == 0.0
    cot = {"a": numpy.arange(3.0), "b": (1.0, numpy.ones(2))}
    assert cr.vdot(cot, value) == pytest.approx(3.0 + 2.0 + 1.0)


@pytest.mark.parametrize("cot, message", [({"a": 1.0}, "dict with the output's keys"),
                                          ([1.0], "tuple or list of 2"),
                                          ((1.0, numpy.ones(3)), "has shape")])
def test_vdot_names_the_cotangent_that_does_not_fit(cot, message):
    value = {"a": 1.0, "b": 2.0} if isinstance(cot, dict) else (1.0, numpy.ones(2))
    with pytest.raises(ValueError, match=message):
        cr.vdot(cot, value)
