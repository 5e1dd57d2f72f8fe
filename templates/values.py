"""Function values, objects and dataclasses (srcdiff/values.py): the helpers their
rewrites call.

`sorted(xs, key=f)` is the items of xs in the order sort_order gives their keys: an order
of positions, which carries no derivative. check_class (a method called on an object whose
class was read from the objects passed) only checks. A dataclass object's field read `p.w`
is record_field(p, 'w'): its adjoint is a FieldGrads holding the field's adjoint under its
name (record_field_grad, linear in it), and its tangent the field of p's tangent.
"""
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_values import (check_class, check_record, finalize_record, record_field,
                                     record_field_grad, record_of, record_of_grad, sort_order)

nondifferentiable(sort_order, check_class, check_record)


@reverse(record_field)
def field_read(y, obj, name):
    d[obj] = record_field_grad(d[y], obj, name)


@forward(record_field)
def field_read(y, obj, name):
    d[y] = record_field(d[obj], name)


@forward(record_field_grad)
def field_adjoint(y, grad, obj, name):
    d[y] = record_field_grad(d[grad], obj, name)


# a dataclass object made in the function: record_of(P, names, items) (values.py)
@reverse(record_of)
def record_made(y, cls, names, items):
    d[items] = record_of_grad(d[y], names, items)


@forward(record_of)
def record_made(y, cls, names, items):
    d[y] = record_of(cls, names, d[items])


@forward(record_of_grad)
def record_made_adjoint(y, grad, names, items):
    d[y] = record_of_grad(d[grad], names, items)


# the gradient with respect to a dataclass, given back as one (forward over reverse)
@forward(finalize_record)
def record_gradient(y, grad, like, name, finish):
    d[y] = finalize_record(d[grad], like, name, finish)
