"""Runtime helpers of function values passed to the user's helpers (run time: called by emitted
code; values.py and lower_calls.py lower to them). Takes a function value and the values it
carries; gives back a `Closure` (or `CarriedPartial`) holding them as fields, or the result
of an unflatten function's call (`call_unflatten`).

Runtime helpers of function values passed to the user's helpers (values.py): a nested
function that reads the enclosing function's variables, or a functools.partial made in the
function, travels to the callee as a Closure, which holds the values it carries (the free
variables, the partial's arguments) as fields, so that their derivatives flow back the way
a record's fields do (runtime_values.record_field / record_of_grad). An unflatten function
srcdiff.flatten made is called through call_unflatten, which has its rules.
"""


class Closure:
    """A function value made in differentiated code, with the values it carries by name.
    Calling it calls the function itself; differentiated code reads its fields instead."""

    def __init__(self, fn, fields):
        self._srcdiff_fn = fn
        for name, value in fields.items():
            setattr(self, name, value)

    def __call__(self, *args, **kwargs):
        return self._srcdiff_fn(*args, **kwargs)

    def __repr__(self):
        shown = {k: v for k, v in vars(self).items() if k != "_srcdiff_fn"}
        return f"Closure({getattr(self._srcdiff_fn, '__name__', 'function')}, {shown})"


def closure_of(fn, names, items):
    """The function value fn carrying items under names (its tangent: one carrying their
    tangents)."""
    return Closure(fn, dict(zip(names, items)))


class CarriedPartial(Closure):
    """functools.partial(fn, arg0, ..., k=kw_k) as a Closure: its arguments are fields."""

    def __call__(self, *args, **kwargs):
        fields = vars(self)
        fixed = [fields[f"arg{i}"] for i in range(sum(k.startswith("arg") for k in fields))]
        bound = {k[3:]: v for k, v in fields.items() if k.startswith("kw_")}
        return self._srcdiff_fn(*fixed, *args, **{**bound, **kwargs})


def partial_of(fn, names, items):
    """The partial of fn carrying items under names (arg0, ..., kw_<keyword>): its tangent
    is one carrying their tangents."""
    return CarriedPartial(fn, dict(zip(names, items)))


def call_unflatten(unflatten, values):
    """`unflatten(values)` in differentiated code, unflatten made by srcdiff.flatten
    (lower_calls.py): each is a new function, this one helper carries their rules
    (templates/flattening.py)."""
    return unflatten(values)
