"""Lists, tuples and dicts in differentiated code: the helpers the lowering calls for them.

`a + b` and `a * b` where an operand is, or may be, a list or tuple are lowered to
srcdiff.runtime.sequence_add and sequence_mul (`a += b` to sequence_iadd, where a list
takes a tuple's items, and `lst.extend(b)` to sequence_extend); the helpers the rules
call decide when they run, as Python does: two lists (two tuples) concatenate, a
sequence times a Python int repeats, anything else is array arithmetic with the usual
broadcasting rules. A sequence's derivative is a list with one entry per item.
`sum(items, start)` whose start may be a list is sequence_sum (it concatenates when start
is a list or tuple).

Dicts: `for k in d` iterates over iteration_order(d) (the keys, which carry no
derivative), `d.values()` and `d.items()` become lists (dict_values, dict_items) whose
adjoints go back under their keys, and `list(v)` / `tuple(v)` is sequence_of. A dict's
derivative is a dict with the same keys; a dict comprehension collects its keys and values
in two lists and makes the dict with dict_from_lists.

A list's edits by position (srcdiff/list_edits.py) are new lists bound to its name:
`lst.pop(i)` and `del lst[i]` list_without, `del lst[a:b]` list_cut, `lst.insert(i, v)`
list_inserted([lst, v], i, lst); each is linear in the list (and the item), its adjoint
the result's put back where the items came from (srcdiff/runtime_list_edits.py).
"""
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_list_edits import (check_list_edit, list_cut, list_cut_grad,
                                        list_inserted, list_inserted_grad, list_without,
                                        list_without_grad)
from srcdiff.runtime_sequences import check_concat
from srcdiff.runtime import (dict_from_lists, dict_from_lists_grad, dict_from_lists_tangent,
                             dict_items, dict_items_grad, dict_items_tangent, dict_keys,
                             dict_values, dict_values_grad, dict_values_tangent,
                             iteration_order, iteration_order_grad, iteration_order_tangent,
                             sequence_add, sequence_add_grad, sequence_add_tangent,
                             sequence_extend, sequence_extend_grad, sequence_extend_tangent,
                             sequence_iadd, sequence_mul, sequence_mul_grad,
                             sequence_mul_tangent, sequence_of, sequence_of_grad,
                             sequence_of_tangent, sequence_sum, sequence_sum_grad,
                             sequence_sum_tangent)


@reverse(sequence_add)
def concatenate_or_add(y, x1, x2):
    d[x1] = sequence_add_grad(d[y], x1, x2, 0)
    d[x2] = sequence_add_grad(d[y], x1, x2, 1)


@forward(sequence_add)
def concatenate_or_add(y, x1, x2):
    d[y] = sequence_add_tangent(d[x1], x1, x2, y, 0)
    d[y] = sequence_add_tangent(d[x2], x1, x2, y, 1)


@reverse(sequence_iadd)
def add_in_place(y, x1, x2):
    d[x1] = sequence_extend_grad(d[y], x1, x2, 0, False)
    d[x2] = sequence_extend_grad(d[y], x1, x2, 1, False)


@forward(sequence_iadd)
def add_in_place(y, x1, x2):
    d[y] = sequence_extend_tangent(d[x1], x1, x2, y, 0, False)
    d[y] = sequence_extend_tangent(d[x2], x1, x2, y, 1, False)


@reverse(sequence_extend)
def extend(y, x1, x2):
    d[x1] = sequence_extend_grad(d[y], x1, x2, 0, True)
    d[x2] = sequence_extend_grad(d[y], x1, x2, 1, True)


@forward(sequence_extend)
def extend(y, x1, x2):
    d[y] = sequence_extend_tangent(d[x1], x1, x2, y, 0, True)
    d[y] = sequence_extend_tangent(d[x2], x1, x2, y, 1, True)


@reverse(sequence_mul)
def repeat_or_multiply(y, x1, x2):
    d[x1] = sequence_mul_grad(d[y], x1, x2, 0)
    d[x2] = sequence_mul_grad(d[y], x1, x2, 1)


@forward(sequence_mul)
def repeat_or_multiply(y, x1, x2):
    d[y] = sequence_mul_tangent(d[x1], x1, x2, y, 0)
    d[y] = sequence_mul_tangent(d[x2], x1, x2, y, 1)


# `for k in d`: a dict is iterated over its keys, which carry no derivative
@reverse(iteration_order)
def iteration_order_rule(y, value):
    d[value] = iteration_order_grad(d[y], value)


@forward(iteration_order)
def iteration_order_rule(y, value):
    d[y] = iteration_order_tangent(d[value], value)


# d.values(), d.items() (lists the lowering makes of them), d.keys(), list(v), tuple(v)
nondifferentiable(dict_keys)


@reverse(dict_values)
def dict_values_rule(y, value):
    d[value] = dict_values_grad(d[y], value)


@forward(dict_values)
def dict_values_rule(y, value):
    d[y] = dict_values_tangent(d[value], value)


@reverse(dict_items)
def dict_items_rule(y, value):
    d[value] = dict_items_grad(d[y], value)


@forward(dict_items)
def dict_items_rule(y, value):
    d[y] = dict_items_tangent(d[value], value)


@reverse(sequence_of)
def sequence_of_rule(y, kind, value):
    d[value] = sequence_of_grad(d[y], value)


@forward(sequence_of)
def sequence_of_rule(y, kind, value):
    d[y] = sequence_of_tangent(d[value], value)


@reverse(dict_from_lists)
def dict_from_lists_rule(y, keys, values):
    d[values] = dict_from_lists_grad(d[y], keys, values)


@forward(dict_from_lists)
def dict_from_lists_rule(y, keys, values):
    d[y] = dict_from_lists_tangent(d[values], keys, values)


@reverse(sequence_sum)
def sequence_sum_rule(y, iterable, start):
    d[iterable] = sequence_sum_grad(d[y], iterable, start, 0)
    d[start] = sequence_sum_grad(d[y], iterable, start, 1)


@forward(sequence_sum)
def sequence_sum_rule(y, iterable, start):
    d[y] = sequence_sum_tangent(d[iterable], iterable, start, y, 0)
    d[y] = sequence_sum_tangent(d[start], iterable, start, y, 1)

# operator.concat(a, b) and operator.iconcat(a, b) are a + b and a += b on sequences: the check
# that raises where they would not concatenate carries no derivative
nondifferentiable(check_concat)


# lst.pop(i), del lst[i], del lst[a:b], lst.insert(i, v): new lists, linear in the list
nondifferentiable(check_list_edit)
linear(list_without, "value",
       transpose=lambda y, value, index: list_without_grad(d[y], value, index))
linear(list_without_grad, "grad")
linear(list_cut, "value", transpose=lambda y, value, lower, upper, step: list_cut_grad(
    d[y], value, lower, upper, step))
linear(list_cut_grad, "grad")
linear(list_inserted, "parts", transpose=lambda y, parts, index, base: list_inserted_grad(
    d[y], parts, index, base))
linear(list_inserted_grad, "grad")
