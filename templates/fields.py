"""Functions held in objects' fields (srcdiff/field_calls.py): the check placed before a call
of one, that the field still holds the function the code was compiled for, carries no
derivative; so does the check that `r.b += e` updates no array in place
(srcdiff/field_writes.py)."""
from srcdiff.rules import nondifferentiable
from srcdiff.runtime_fields import check_field_function, check_field_number

nondifferentiable(check_field_function, check_field_number)
