"""The public transforms built from emitted derivatives: hvp, hessian, jacobian (API: called by
the user, through srcdiff/__init__.py). Takes a function, `wrt` and options; gives back a
`Composite`.

Each returns a `Composite` (derivative.py): forward mode over the emitted gradient for hvp and
hessian (forward-over-reverse), one vjp per output element or one jvp per input element
for jacobian. A derivative srcdiff made is composed by srcdiff/compose.py instead.
"""
import inspect

from . import boundary as _boundary
from . import vector_spaces
from .api import _checkpointed, _is_derived, _transform, jvp, vjp
from .derivative import Composite
from .errors import ArgumentError
from .markers import provide
from .wrt import WRT_DEFAULT, _choose_wrt, _fname, _normalize_wrt, _signature


def _bound(fn, args, kwargs):
    bound = _signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _gradient_arguments(f, args, kwargs):
    """The arguments of a call of f by name, for the emitted gradient of f (which takes a
    bound method's object first, under the name the method gives it)."""
    arguments = _bound(f, args, kwargs)
    if inspect.ismethod(f):
        first = next(iter(_signature(f.__func__).parameters))
        arguments = {first: f.__self__, **arguments}
    return arguments


class _OverGradient:
    """Forward mode over f's emitted gradient (with respect to `grad_wrt`), along `wrt`.

    The gradient is compiled for the containers and the classes of the user objects each
    call passes (a method of an object passed in is followed only when its class is
    known), and made again when a function it calls is redefined.
    """

    def __init__(self, f, grad_wrt, wrt, checkpoint=None):
        self._f = f
        self._grad = _checkpointed(lambda: _transform("grad", f, grad_wrt), checkpoint, False)
        self._wrt = wrt
        self._made = {}
        self._latest = None

    def __call__(self, args, kwargs):
        """(the jvp of the emitted gradient for this call, the call's arguments by name)."""
        self._grad._check_array_types(args, kwargs)
        bound = _bound(self._f, args, kwargs)
        emitted = self._grad._compile(self._grad._containers((), bound),
                                      self._grad._known_types((), bound), None)
        along = self._made.get(emitted)
        if along is None:
            along = self._made[emitted] = jvp(emitted, wrt=self._wrt)
        self._latest = along
        return along, _gradient_arguments(self._f, args, kwargs)

    @property
    def derivative(self):
        """The jvp of the emitted gradient made for the latest call (or a general one)."""
        if self._latest is None:
            self._latest = jvp(self._grad.__wrapped__, wrt=self._wrt)
        return self._latest

    @property
    def source(self):
        return self.derivative.source


def _of_derivative(kind, f, wrt, checkpoint):
    """hvp/hessian of a derivative srcdiff made: run over its emitted code (compose.py). A
    checkpoint policy belongs to the gradient it was made as: refused here, never dropped."""
    if checkpoint is not None:
        raise ArgumentError("checkpoint= applies to the gradient of a function, not of a "
                            "derivative srcdiff made", hint="give checkpoint= to the inner grad")
    from . import compose
    return compose.transform(kind, f, wrt)


def _one_parameter(kind, f, wrt):
    """The one parameter name hvp/hessian differentiate with respect to."""
    names, single = _normalize_wrt(f, wrt)
    if not single:
        raise ArgumentError(f"{kind} differentiates with respect to one parameter",
                            hint="pass wrt as a single position or name")
    return names[0]


@_boundary.api
def hvp(f, wrt=WRT_DEFAULT, argnums=None, checkpoint=None):
    """Hessian-vector product: `hvp(f)(*args, vector)`, without forming the Hessian.

    Forward mode over the emitted reverse-mode gradient (forward-over-reverse); checkpoint=
    as for grad (forward mode over the checkpointed gradient).
    """
    return _second_order("hvp", f, wrt, argnums, checkpoint, _hvp_of)


def _second_order(kind, f, wrt, argnums, checkpoint, build):
    """hvp and hessian: a derivative srcdiff made goes to compose.py; else build(f, name, over)
    with the one parameter `name` they differentiate and the forward mode over f's gradient."""
    wrt = _choose_wrt(wrt, argnums)
    if _is_derived(f):
        return _of_derivative(kind, f, wrt, checkpoint)
    from . import wrt_varargs   # a position inside *args: made per call's arguments
    if isinstance(f, wrt_varargs.AtCall) or wrt_varargs.applies(f, wrt):
        public = hvp if kind == "hvp" else hessian
        return wrt_varargs.transform(kind, f, wrt,
                                     lambda g, w: public(g, w, checkpoint=checkpoint))
    name = _one_parameter(kind, f, wrt)
    return build(f, name, _OverGradient(f, name, name, checkpoint))


def _hvp_of(f, name, over):
    def product(*args, **kwargs):
        if "vector" in kwargs:
            vector = kwargs.pop("vector")
        else:
            *args, vector = args
        from .subclasses import check_arguments
        check_arguments(f, ["vector"], [vector], {})
        along, arguments = over(args, kwargs)
        return along(**arguments, **{f"tangent_{name}": vector})[1]

    return Composite(f"hvp_{f.__name__}", f, _hvp_signature(f), product, over,
                     ("hvp", f, name))


def _hvp_signature(f):
    """f's parameters, then `vector`: what a call of hvp(f) inside a differentiated function
    is bound by (compose_calls.py), in the order srcdiff/compose.py passes them. Where f has
    defaults or keyword-only parameters, `vector` (the last positional argument, when a
    call leaves defaults out) is keyword-only there: a call passes it by name. (It was
    left out, and such a call bound the vector to f's defaulted parameter: a wrong second
    derivative.)"""
    P = inspect.Parameter
    params = list(_signature(f).parameters.values())
    plain = all(p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD) and p.default is P.empty
                for p in params)
    vector = P("vector", P.POSITIONAL_OR_KEYWORD if plain else P.KEYWORD_ONLY)
    at = len(params) - (params[-1].kind == P.VAR_KEYWORD if params else 0)
    return _signature(f).replace(parameters=params[:at] + [vector] + params[at:])


def _copied(tree):
    """Arrays, lists, tuples and dicts copied all the way down (other objects shared)."""
    import numpy
    if isinstance(tree, numpy.ndarray):
        return tree.copy()
    if isinstance(tree, (list, tuple)):
        from .runtime_checks import same_sequence
        return same_sequence(tree, [_copied(v) for v in tree])
    if isinstance(tree, dict):   # an OrderedDict, a defaultdict: one of its class
        import copy
        out = copy.copy(tree)
        out.update((k, _copied(v)) for k, v in tree.items())
        return out
    return tree


def _basis(value):
    import numpy
    if isinstance(value, float):
        yield (), 1.0
        return
    for index in numpy.ndindex(numpy.shape(value)):
        e = numpy.zeros_like(value)
        e[index] = 1
        yield index, e


def _structured(e, like):
    """A unit `e` of _basis in the structure of `like`: a list or tuple of numbers or arrays
    (read as one array by the Jacobian and the Hessian) gets a list or tuple of tangents,
    which is what a jvp takes for it."""
    if isinstance(like, (list, tuple)):
        from .runtime_checks import same_sequence
        return same_sequence(like, [_structured(e[i], v) for i, v in enumerate(like)])
    if isinstance(like, (float, complex)):
        return like.__class__(e)
    return e


def _stack(columns, out_shape, in_value):
    """Assemble J[out..., in...] from one output-shaped column per input element."""
    import numpy
    in_shape = numpy.shape(in_value)
    result = numpy.zeros(tuple(out_shape) + tuple(in_shape),
                         dtype=_derivative_dtype([c for _, c in columns]))
    for index, column in columns:
        result[(Ellipsis,) + tuple(index)] = column
    if not out_shape and not in_shape and isinstance(in_value, float):
        return float(result)
    if not out_shape and isinstance(in_value, numpy.generic):
        return result[()]   # a NumPy scalar in, one of its type out (as grad returns)
    return result


def _derivative_dtype(parts):
    """The dtype of a Jacobian or Hessian assembled from `parts` (columns or rows): theirs
    (float32 derivatives of a float32 input stay float32, as grad and hvp return them);
    float64, or complex128 for complex parts, where a part is a Python number or none is
    inexact."""
    import numpy
    dtype = numpy.result_type(*[numpy.asarray(p) for p in parts]) if parts else numpy.float64
    if not numpy.issubdtype(dtype, numpy.inexact):
        return float
    return dtype


@_boundary.api
def jacobian(f, wrt=WRT_DEFAULT, mode="reverse", argnums=None):
    """The Jacobian of f's output with respect to one parameter: shape out.shape + in.shape.

    mode="reverse" runs one vjp per output element; mode="forward" one jvp per
    input element (cheaper when the input is smaller than the output).
    """
    wrt = _choose_wrt(wrt, argnums)
    import numpy
    if mode not in ("reverse", "forward"):
        raise ArgumentError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    if _is_derived(f):
        from . import compose
        return compose.transform("jacobian", f, wrt, mode=mode)
    from . import wrt_varargs   # a position inside *args: made per call's arguments
    if isinstance(f, wrt_varargs.AtCall) or wrt_varargs.applies(f, wrt):
        return wrt_varargs.transform("jacobian", f, wrt, lambda g, w: jacobian(g, w, mode=mode))
    names, single = _normalize_wrt(f, wrt)
    if not single:
        raise ArgumentError("jacobian differentiates with respect to one parameter")
    name = names[0]
    if mode == "forward":
        derivative = jvp(f, wrt=name)

        def jac(*args, **kwargs):
            arguments = _bound(f, args, kwargs)
            x = arguments[name]
            vector_spaces.refuse_array_form(f, x, name, "jacobian")   # a user space's value
            _refuse_unstacked_input("jacobian", f, x, name)
            columns, out_shape = [], ()
            for index, e in _basis(x):   # (a list's units are lists: _structured)
                value, tangent = derivative(**arguments,
                                            **{f"tangent_{name}": _structured(e, x)})
                out_shape = _output_shape(f, value)
                if _is_complex(x):  # the tangent along the imaginary direction too
                    along_i = derivative(**arguments,
                                         **{f"tangent_{name}": _structured(1j * e, x)})[1]
                    tangent = _complex_column(f, value, tangent, along_i)
                columns.append((index, tangent))
            return _stack(columns, out_shape, x)
    else:
        derivative = vjp(f, wrt=name)

        def jac(*args, **kwargs):
            arguments = _bound(f, args, kwargs)
            x = arguments[name]
            vector_spaces.refuse_array_form(f, x, name, "jacobian")   # a user space's value
            _refuse_unstacked_input("jacobian", f, x, name)
            value = f(**_copied(arguments))  # f may update its arguments in place
            out_shape = _output_shape(f, value)
            complex_out = _is_complex(value)
            found = []
            for index, e in _basis(value if out_shape else float(value)):
                row = derivative(**arguments, cotangent=_structured(e, value))
                if complex_out:  # the cotangent along the imaginary direction too
                    along_i = derivative(**arguments, cotangent=_structured(1j * e, value))
                    row = _complex_row(f, x, row, along_i)
                found.append((index, row))
            dtype = _derivative_dtype([r for _, r in found])
            if complex_out or _is_complex(x):
                dtype = numpy.result_type(dtype, numpy.complex64)
            rows = numpy.zeros(out_shape + numpy.shape(x), dtype=dtype)
            for index, row in found:
                rows[index] = row
            if isinstance(x, float) and not numpy.shape(value) and not complex_out:
                return float(rows)
            if not out_shape and isinstance(x, numpy.generic):
                return rows[()]   # a NumPy scalar in, one of its type out (as grad returns)
            return rows
    return Composite(f"jacobian_{f.__name__}", f, _signature(f), jac, derivative,
                     ("jacobian", f, name))


def _output_shape(f, value):
    """The shape of f's output, the Jacobian's leading axes: a list or tuple of values of one
    shape stacks as an array does; a dict, or values of different shapes (`return y, loss`),
    has no Jacobian as one array: refused, saying what to write."""
    shape = _stacked_shape(value)
    if shape is None:
        raise ArgumentError(
            f"jacobian: {_fname(f)} returns a {type(value).__name__} whose items do not stack "
            "into one array (a dict, or items of different shapes), so its Jacobian is no "
            "array", hint="take the Jacobian of each output (a function returning that one "
            "item), or vjp/jvp of the whole")
    return shape


def _refuse_unstacked_input(what, f, x, name):
    """A Jacobian or Hessian is taken with respect to an array (or a number, or a list of
    equal shapes, read as one array): a dict, a record, or items of different shapes are
    refused."""
    if _stacked_shape(x) is None:
        raise ArgumentError(
            f"srcdiff.{what} of {_fname(f)} with respect to {name}, a {type(x).__name__} whose "
            "items do not stack into one array (a dict, or items of different shapes): its "
            f"{what} would be no array", hint="take it with respect to a parameter holding "
            "one array, or use grad, vjp, jvp or hvp, which take containers")


def _stacked_shape(value):
    """numpy.shape of a value that reads as one array (containers of equal shapes), else None."""
    import numpy
    if isinstance(value, dict) or hasattr(value, "__dataclass_fields__"):
        return None
    if not isinstance(value, (list, tuple)):
        return numpy.shape(value)
    try:
        return numpy.shape(numpy.asarray(value, dtype=complex if _any_complex(value)
                                         else float))
    except (ValueError, TypeError):
        return None


def _any_complex(value):
    return any(_is_complex(v) if not isinstance(v, (list, tuple, dict)) else _any_complex(v)
               for v in (value.values() if isinstance(value, dict) else value))


def _is_complex(value):
    import numpy
    return isinstance(value, complex) or numpy.iscomplexobj(value)


# The Jacobian of a function with complex values (README, "Complex numbers"): for a real
# output of a complex input, each row is that output's gradient (df/da - i df/db, the
# convention of grad); for a complex output, the complex derivative df/dz, which exists
# only where f is holomorphic (Cauchy-Riemann: the derivative along i is i times the one
# along 1). A non-holomorphic f (conj, abs, real parts) has no complex Jacobian, only a
# real one of twice the size: refused rather than half of it returned.
def _complex_column(f, value, along_1, along_i):
    """J's column from the tangents along 1 and along i of a complex input."""
    import numpy
    if not _is_complex(value):
        return along_1 - 1j * along_i
    _require_holomorphic(f, along_i, 1j * numpy.asarray(along_1))
    return along_1


def _complex_row(f, x, row_1, row_i):
    """J's row from the vjps of cotangents 1 and i on a complex output."""
    import numpy
    if not _is_complex(x):  # d Re f / dx - i d(-Im f) / dx
        return numpy.asarray(row_1) - 1j * numpy.asarray(row_i)
    _require_holomorphic(f, row_i, 1j * numpy.asarray(row_1))
    return row_1


def _require_holomorphic(f, got, want):
    import numpy
    got, want = numpy.asarray(got), numpy.asarray(want)
    scale = max(1.0, float(numpy.max(numpy.abs(want), initial=0.0)))
    if not numpy.allclose(got, want, rtol=1e-7, atol=1e-9 * scale):
        raise ArgumentError(
            f"srcdiff.jacobian of {_fname(f)}: f maps complex values to complex values and "
            "is not holomorphic here (its derivative along i is not i times its derivative "
            "along 1, as with conj, abs or real parts), so it has no complex Jacobian",
            hint="differentiate its real and imaginary parts as real functions of z.real "
                 "and z.imag, or use srcdiff.jvp / srcdiff.vjp directly")


def _refuse_complex(what, f, *values):
    if any(_is_complex(v) for v in values):
        raise ArgumentError(
            f"srcdiff.{what} of {_fname(f)} at complex values: the second derivative of a "
            "real function of complex values is a real matrix of twice the size, which "
            "srcdiff does not assemble",
            hint="use srcdiff.hvp (complex vectors follow the gradient's convention)")


@_boundary.api
def hessian(f, wrt=WRT_DEFAULT, argnums=None, checkpoint=None):
    """The Hessian of a scalar function with respect to one parameter (forward-over-reverse;
    checkpoint= as for grad).

    Shape in.shape + in.shape; a float for a float input.
    """
    return _second_order("hessian", f, wrt, argnums, checkpoint, _hessian_of)


def _hessian_of(f, name, over):
    import numpy

    def hess(*args, **kwargs):
        along, arguments = over(args, kwargs)
        x = arguments[name]
        _refuse_unstacked_input("hessian", f, x, name)
        _refuse_complex("hessian", f, x)
        columns = [(index, along(**arguments, **{f"tangent_{name}": _structured(e, x)})[1])
                   for index, e in _basis(x)]
        return _stack(columns, numpy.shape(x), x)

    return Composite(f"hessian_{f.__name__}", f, _signature(f), hess, over,
                     ("hessian", f, name))


for _public in (hvp, jacobian, hessian):
    provide(_public.__name__, _public)
