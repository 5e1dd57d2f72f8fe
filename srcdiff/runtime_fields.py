"""The check that a field still holds the function a call was compiled for (run time: called
by emitted code, placed by field_calls.py). Takes the function an object's field holds where
it is called, the one srcdiff compiled the call for and the user's line; gives back nothing,
or refuses that line where they differ (setattr changed the field since: the code follows the
function it was compiled for, never another one's derivative)."""
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
