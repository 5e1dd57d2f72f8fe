"""Rules for everyday Python shapes (srcdiff/idioms.py): `x.tolist()`, and the calls that only
read: print (nondifferentiable.py), logging's functions and a logger's methods, warnings.warn,
and runtime_idioms.call_reading, through which a function of the user's called for its
effects runs on read-only views of what it is given, and runtime_idioms.append_value, which keeps
a value in a list outside the function (`losses.append(float(y))`). None of these carries a
derivative.
`d.pop(key)` rebinds d to dict_without(d, key), linear in the dict: its adjoint is the
result's with a zero under key (dict_without_grad). `dict(d, k=v)` is dict_merged([d, v],
("k",), d), linear in its parts.
"""
import logging
import warnings

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, nondifferentiable, reverse
from srcdiff.runtime_idioms import (append_value, array_tolist, array_tolist_grad,
                                    array_tolist_tangent, call_logger, call_reading, check_array_method, check_dict,
                                    check_dict_argument, dict_merged, dict_merged_grad,
                                    dict_without, dict_without_grad, str_method)

nondifferentiable(warnings.warn, logging.debug, logging.info, logging.warning, logging.error,
                  logging.critical, logging.exception, logging.log,
                  logging.Logger.debug, logging.Logger.info, logging.Logger.warning,
                  logging.Logger.error, logging.Logger.critical, logging.Logger.exception,
                  logging.Logger.log)
# srcdiff's checks, the read-only call of a callback and a value kept in a global list
nondifferentiable(append_value, call_logger, call_reading, check_array_method, check_dict, check_dict_argument,
                  str_method)


@reverse(array_tolist)
def tolist(y, value):
    d[value] = array_tolist_grad(d[y], value)


@forward(array_tolist)
def tolist(y, value):
    d[y] = array_tolist_tangent(d[value], value)


# forward over reverse: both helpers are linear in the derivative they are given
linear(array_tolist_grad, "grad")
linear(array_tolist_tangent, "tangent")


# d.pop(key): the dict without key (idioms.dict_write); linear in the dict
linear(dict_without, "value",
       transpose=lambda y, value, key: dict_without_grad(d[y], value, key))
linear(dict_without_grad, "grad")


# dict(d, k=v): dict_merged([d, v], ("k",), d), a new dict (idioms.py); linear in its parts
linear(dict_merged, "parts", transpose=lambda y, parts, keys, base: dict_merged_grad(
    d[y], parts, keys, base))
linear(dict_merged_grad, "grad")
