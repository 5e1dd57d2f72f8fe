"""Function values, objects and dataclasses (srcdiff/values.py): the helpers their
rewrites call.

`sorted(xs, key=f)` is the items of xs in the order sort_order gives their keys: an order
of positions, which carries no derivative. check_class (a method called on an object whose
class was read from the objects passed) only checks. A dataclass object's field read `p.w`
is record_field(p, 'w'): its adjoint is a FieldGrads holding the field's adjoint under its
name (record_field_grad, linear in it), and its tangent the field of p's tangent.
"""
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_closures import closure_of, partial_of
from srcdiff.runtime_values import (check_class, check_items, check_record, class_attribute,
                                     field_grads, finalize_items, finalize_record,
                                     named_tuple_grad,
                                     named_tuple_of, record_field, record_field_grad,
                                     record_field_tangent, record_of,
                                     record_of_grad, sort_order)

nondifferentiable(sort_order, check_class, check_record, check_items, class_attribute)


@reverse(record_field)
def field_read(y, obj, name):
    d[obj] = record_field_grad(d[y], obj, name)


@forward(record_field)
def field_read(y, obj, name):
    d[y] = record_field_tangent(d[obj], name, y)


linear(record_field_grad, "grad")
# (its field of the tangent: linear in it; met differentiating a jvp over a record again)
linear(record_field_tangent, "tangent",
       transpose=lambda y, tangent, name, field: record_field_grad(d[y], tangent, name))


# a record's gradient given back by a derivative srcdiff made, as a FieldGrads (compose_calls)
linear(field_grads, "value", transpose=lambda y, value: d[y])


# a dataclass object made in the function: record_of(P, names, items) (values.py)
linear(record_of, "items",
       transpose=lambda y, cls, names, items: record_of_grad(d[y], names, items))
linear(record_of_grad, "grad")


# a named tuple made in the function: named_tuple_of(P, items) (named_tuples.py)
linear(named_tuple_of, "items",
       transpose=lambda y, cls, items: named_tuple_grad(d[y], items))
linear(named_tuple_grad, "grad")


# the gradient with respect to a dataclass, given back as one (forward over reverse)
linear(finalize_record, "grad")
linear(finalize_items, "grad")   # a list, tuple or dict of them


# a function value carrying the enclosing function's values, passed to a helper: its
# fields are read by record_field in the callee (values.py)
linear(closure_of, "items",
       transpose=lambda y, fn, names, items: record_of_grad(d[y], names, items))
linear(partial_of, "items",
       transpose=lambda y, fn, names, items: record_of_grad(d[y], names, items))
