"""Function values and variadic calls (srcdiff/values.py): the helpers their rewrites call.

`sorted(xs, key=f)` is the items of xs in the order sort_order gives their keys: an order
of positions, which carries no derivative.
"""
from srcdiff.rules import nondifferentiable
from srcdiff.runtime_values import sort_order

nondifferentiable(sort_order)
