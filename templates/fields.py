"""Functions held in objects' fields (srcdiff/field_calls.py): the check placed before a call
of one, that the field still holds the function the code was compiled for, carries no
derivative."""
from srcdiff.rules import nondifferentiable
from srcdiff.runtime_fields import check_field_function

nondifferentiable(check_field_function)
