"""Functions held in objects' fields (srcdiff/field_calls.py): the check placed before a call
of one, that the field still holds the function the code was compiled for, carries no
derivative; so does the check that `r.b += e` updates no array in place
(srcdiff/field_writes.py). An object made of its fields without its __init__ (object_of)
is linear in them."""
from srcdiff.rule_forms import linear
from srcdiff.rules import d, nondifferentiable
from srcdiff.runtime_fields import check_field_function, check_field_number, object_of
from srcdiff.runtime_values import record_of_grad

nondifferentiable(check_field_function, check_field_number)

# an object whose __init__ computes its fields, made of them (init_fields.py,
# field_writes.py, state_methods.py): its adjoint's fields are its items' adjoints
linear(object_of, "items",
       transpose=lambda y, cls, names, items: record_of_grad(d[y], names, items))
