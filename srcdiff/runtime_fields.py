"""The checks of objects' fields, and objects made of their fields (run time: called by emitted
code, placed by field_calls.py, field_writes.py, state_methods.py and init_fields.py). Takes
the function an object's field holds where it is called, the one srcdiff compiled the call
for and the user's line; a field's value an update `r.b += e` reads; or a record class and
its fields' names and values (object_of); gives back nothing, an object of that class made
of them without calling its __init__, or a refusal of that line: where the field holds
another function (setattr changed it since: the code follows the function it was compiled
for, never another one's derivative), or where the update would change an array in place."""
from .runtime_checks import refuse


def check_field_function(value, expected, where):
    """Refuse the call at `where` unless the field read holds `expected` itself."""
    if value is not expected:
        refuse(f"srcdiff compiled this call for the function {_name(expected)} the field held, "
               f"but it holds {_name(value)} now (changed while the function ran)",
               "make a new object with the function instead of changing the field "
               "(setattr), or pass the function itself", where)


def _name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def check_field_number(value, text, where, held=None):
    """Refuse `r.b op= e` at `where` where r.b holds an array, which `op=` would change in
    place (every holder of that array would see it; `held`: the user's code through which
    another may, as field_ownership.py found it); a number passes."""
    if hasattr(value, "shape") and hasattr(value, "__iadd__") and not isinstance(
            value, (int, float, complex)) and getattr(value, "ndim", 0) != 0:
        seen = f" (something else may hold it: {held})" if held else ""
        refuse(f"{text} holds an array, which this update would change in place: every "
               f"name holding that array would see the change{seen}, which srcdiff does "
               "not follow", f"write {text} = {text} + ... (a new array) instead", where)


def object_of(cls, names, items):
    """An object of the record class cls whose fields `names` hold `items`, made without
    calling its __init__ (which computes fields from its parameters: init_fields.py); its
    tangent is one made of the items' tangents, its adjoint their adjoints
    (templates/fields.py)."""
    obj = object.__new__(cls)
    for name, item in zip(names, items):
        setattr(obj, name, item)
    return obj
