"""Function values and variadic calls (srcdiff/values.py): the helpers their rewrites call.

`sorted(xs, key=f)` is the items of xs in the order sort_order gives their keys: an order
of positions, which carries no derivative. check_class (a method called on an object whose
class was read from the objects passed) only checks.
"""
from srcdiff.rules import nondifferentiable
from srcdiff.runtime_values import check_class, sort_order

nondifferentiable(sort_order, check_class)
