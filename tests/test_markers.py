"""srcdiff/markers.py, the leaf the stages below the API test values against."""
import numpy as np

import srcdiff
from srcdiff import markers
from srcdiff.compose import Composed
from srcdiff.derivative import Composite, Derivative


def cube_sum(x):
    return np.sum(x * x * x)


def test_the_public_transforms_are_provided_by_name():
    for name in ("grad", "value_and_grad", "vjp", "jvp", "hvp", "hessian", "jacobian"):
        assert markers.provided(name) is getattr(srcdiff, name)
    from srcdiff import api, compose_calls
    assert markers.provided("make") is api._transform
    assert markers.provided("derivative_called") is compose_calls.derivative_called


def test_what_srcdiff_makes_is_told_by_the_base_classes():
    g = srcdiff.grad(cube_sum)
    h = srcdiff.hessian(cube_sum)
    gg = srcdiff.grad(srcdiff.grad(lambda x: x ** 3))
    assert isinstance(g, Derivative) and isinstance(g, markers.DerivativeBase)
    assert isinstance(h, Composite) and isinstance(h, markers.CompositeBase)
    assert isinstance(gg, Composed) and isinstance(gg, markers.ComposedBase)
    assert not isinstance(g, markers.CompositeBase) and not isinstance(h, markers.DerivativeBase)


def test_stop_gradient_and_user_objects():
    assert srcdiff.stop_gradient is markers.stop_gradient
    assert srcdiff.api.stop_gradient is markers.stop_gradient

    class Model:
        pass
    assert markers.is_user_object(Model())
    for value in (np.ones(2), 1.0, [1.0], {"a": 1}, None, np.float64(1), cube_sum):
        assert not markers.is_user_object(value)



def test_keyed_items_tells_containers_holding_dicts_or_collections_without_positions():
    from srcdiff.markers import keyed_items
    assert keyed_items([(1, 0), {1: 0}]) and keyed_items(({2, 0},))
    assert keyed_items({"a": {}.keys()}) and keyed_items([iter([1, 2])])
    assert not keyed_items([(1, 0), [2, 3], np.zeros(2)]) and not keyed_items({"a": 1.0})
    assert not keyed_items([])
