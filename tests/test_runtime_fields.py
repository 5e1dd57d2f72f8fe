"""srcdiff/runtime_fields.py: check_field_function passes the function a call was compiled
for and refuses, at the user's line, any other (the programs it guards: tests/test_field_calls.py
and tests/templates/test_fields.py); check_field_number passes a number and refuses an array
field's update in place (tests/test_field_writes.py)."""
import numpy as np
import pytest

import srcdiff
from srcdiff.runtime_fields import check_field_function


def test_the_same_function_passes_and_another_is_refused_at_the_line():
    check_field_function(np.tanh, np.tanh, f"{__file__}:1")
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        check_field_function(np.sin, np.tanh, f"{__file__}:1")
    assert info.value.filename == __file__ and info.value.lineno == 1
    assert "compiled this call for the function tanh" in str(info.value)
    assert "holds sin now" in str(info.value)


def test_an_update_of_a_number_field_passes_and_of_an_array_is_refused_at_the_line():
    from srcdiff.runtime_fields import check_field_number
    check_field_number(0.5, "r.b", f"{__file__}:1")
    check_field_number(np.float64(0.5), "r.b", f"{__file__}:1")
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        check_field_number(np.ones(2), "r.w", f"{__file__}:1")
    assert info.value.filename == __file__ and info.value.lineno == 1
    assert "r.w holds an array, which this update would change in place" in str(info.value)


def test_the_refusal_of_an_array_field_update_names_what_else_may_hold_it():
    from srcdiff.runtime_fields import check_field_number
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        check_field_number(np.ones(2), "r.w", f"{__file__}:1", "`w0 = r.w`")
    assert "(something else may hold it: `w0 = r.w`)" in str(info.value)
