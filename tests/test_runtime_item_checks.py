"""srcdiff/runtime_item_checks.py: check_item_alone refuses `c[k] op= v` exactly where the
item is changed in place and another key of a container holding it holds it too (itself, a
view of it, a list holding it); numbers, items alone and non-container arguments pass."""
import numpy as np
import pytest

from srcdiff.errors import RuntimeRefusal
from srcdiff.runtime_item_checks import check_item_alone

A = np.arange(4.0)
WHERE = ("reason", "hint", "")


@pytest.mark.parametrize("container, key", [
    ({"w": A, "b": A}, "w"), ({"w": A, "b": A[1:]}, "w"), ({"w": A, "b": [0, [A]]}, "w"),
    ([A, 1.0, A], 0), ([A, 1.0, A], -1)])
def test_another_key_holding_the_item_is_refused(container, key):
    with pytest.raises(RuntimeRefusal, match="reason"):
        check_item_alone(container[key], key, "__iadd__", *WHERE, {"x": 1}, container)


@pytest.mark.parametrize("container, key, item", [
    ({"w": A, "b": A.copy()}, "w", A), ([A, A.copy()], -2, A), ({"w": 1.0, "b": 1.0}, "w", 1.0),
    ({"w": (A,), "b": A}, "w", (A,)), ({"w": A}, "w", A)])
def test_an_item_alone_or_rebound_passes(container, key, item):
    check_item_alone(item, key, "__iadd__", *WHERE, container, A, None)
