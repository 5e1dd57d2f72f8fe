"""Call lowering: what a call means, as one core statement (stage 3, lower: a mixin of
lower.Lowerer, called by lower.py and lower_copies.py). Takes a gast Call; gives back an
Assign or Expr of the core language, its operands lowered to atoms.

`CallLowering` is a mixin of `lower.Lowerer`. `call(node, out, discard)` takes a gast Call
and returns an Assign (its target filled in by the caller) or, when the value is dropped,
an Expr; its operands are atoms appended to `out`. It classifies the callee: the user's
nested functions (`Info.user_call`; also as `fs[0]` of a display holding one,
nested_defs.named_item), the user's own functions (bound to their parameters, defaults
filled), derivatives srcdiff made, `stop_gradient`, and library functions, named by their
canonical path (never by the user's import alias). Method calls `obj.m(...)` (methods of
objects whose class is known, super() calls, array and list methods) are
lower_methods.MethodLowering's.
"""
import dataclasses
import functools
from .class_calls import own_class_call
from . import generators, idioms, out_writes, records, rules
from . import objects as fobjects
from . import syntax as S
from .dict_facts import DICT_VIEWS
from .flatten import is_unflatten
from .markers import is_user_object, provided, stop_gradient
from . import values as fvalues, variadic as fvariadic
from .callables import canonical_path, is_literal as _is_literal, is_user_function
from .core import Kind
from .lower_methods import MethodLowering

def _is_numpy_ufunc(obj):
    """A NumPy ufunc (numpy.log, numpy.maximum, ...) or numpy.sinc: elementwise functions
    that make arrays of list arguments."""
    if type(obj).__name__ == "ufunc" and type(obj).__module__ == "numpy":
        return True
    return getattr(obj, "__name__", None) == "sinc" and \
        getattr(obj, "__module__", "").split(".")[0] == "numpy"


class CallLowering(MethodLowering):
    """Calls to core statements (a mixin of lower.Lowerer; method calls `obj.m(...)` in
    lower_methods.MethodLowering)."""

    def call(self, node, out, discard=False):
        """Lower a call. Returns an Assign (target filled in later) or an Expr."""
        expanded = idioms.expand_call(self, node, out, discard)  # reduce, print, callbacks
        if expanded is not None:
            return expanded
        if self.local_functions:   # (nested_defs.py: imported where the function has one)
            from . import nested_defs
            node = nested_defs.closures_again(self, node)   # closure_of(g, ...) passed: g
        node = fvariadic.unstar_call(self, node, out)   # f(*xs), f(**kw) of known lengths and keys
        if getattr(node, "sd_spread", None):   # f(*xs) without derivative: spread when run
            return fvariadic.spread_call(self, node, self._call(node, out, discard))
        return self._call(node, out, discard)

    def _call(self, node, out, discard):
        func = node.func
        made = own_class_call(self, node, out, discard)   # type(self)(...): its class
        if made is not None:
            return made
        if isinstance(func, S.Attribute) and self._global_path(func) is None:
            return self.method_call(node, out, discard)
        if isinstance(func, S.Attribute) and func.attr in DICT_VIEWS and not node.args and \
                not node.keywords and self._global_dict(func.value):
            # D.items() of a module-level dict: a list (what sorted(D.items()) indexes)
            from . import runtime
            fn = getattr(runtime, DICT_VIEWS[func.attr])
            value = S.Call(func=self._runtime_helper(fn.__name__),
                           args=[self.expr(func.value, out)], keywords=[])
            return self._result(value, Kind.CALL, fn, discard)
        if isinstance(func, S.Name) and func.id in self.local_functions:
            from . import nested_defs
            return nested_defs.local_call(self, node, out, discard)
        if isinstance(func, S.Name) and func.id in self.locals and self.local_functions:
            from . import nested_defs
            named = nested_defs.named_alias(self, func)   # g = scale; g(x)
            if named is not None:
                return self._call(S.place_unplaced(S.Call(
                    func=S.place_unplaced(S.load(named), func), args=node.args,
                    keywords=node.keywords), node), out, discard)
        if isinstance(func, S.Name) and func.id in self.locals:
            held = fvalues.held(self, func.id)   # a parameter or local holding a function
            if isinstance(held, type) and records.is_record_class(held):
                return records.make_record(self, node, held, out, discard)   # a classmethod's cls(...)
            from .markers import CompositeBase, ComposedBase, DerivativeBase
            if held is not None and not isinstance(held, (DerivativeBase, CompositeBase,
                                                          ComposedBase)):
                return fvalues.call_held(self, node, held, out, discard, S.load(func.id))
            from . import field_calls   # net(x) of an object: net.__call__(x)
            if field_calls.callable_object(self, func):
                return self._call(field_calls.dunder_call(node), out, discard)
            method = fobjects.bound_method_call(self, node)   # m = layer.forward; m(x)
            if method is not None:
                return self._call(method, out, discard)
            derived = provided("derivative_called")(self, func)
            if derived is not None:
                return self._derivative_call(node, derived, out, discard)
            shown = self.spelled.get(func.id, func.id)   # g, not the comprehension's g_1
            raise self.error(node, f"srcdiff cannot tell which function {shown!r} holds "
                             "before the code runs (it is bound more than once, or to a value "
                             "computed here), so it cannot differentiate the call",
                             hint=f"bind {shown} once to one function ({shown} = "
                                  "numpy.tanh), loop over a list of functions written in "
                                  "this function (for g in [numpy.sin, numpy.tanh]), or call "
                                  "each function where it is chosen")
        named = None
        if self.local_functions:
            from . import nested_defs
            named = nested_defs.named_item(self, func)   # fs[0](x), fs = (lam, np.tanh)
        if named is not None:
            return self._call(S.place_unplaced(S.Call(func=S.load(named), args=node.args,
                                                      keywords=node.keywords), node),
                              out, discard)
        item = fvalues.item_held(self, func)   # fs[0](x): an item of a list of functions
        if item is not None:
            ref = self.expr(func, out)
            self.locals.add(ref.id)
            return fvalues.call_held(self, node, item, out, discard, ref)
        if isinstance(func, S.Call):  # srcdiff.checkpoint(g)(x)
            from . import checkpointing
            func = checkpointing.inline_call(self, func) or func
            node.func = func
        derived = provided("derivative_called")(self, func)  # compose_calls.py
        if derived is not None:
            return self._derivative_call(node, derived, out, discard)
        if not isinstance(func, (S.Name, S.Attribute)):
            from . import field_calls   # layers[1](x) of objects: layers[1].__call__(x)
            if isinstance(func, (S.Subscript, S.Call)) and field_calls.callable_item(self,
                                                                                    func):
                return self._call(field_calls.dunder_call(node), out, discard)   # p.m(a)(x)
            if isinstance(func, S.Subscript):   # fs[0](x) of a list srcdiff cannot read
                shown = S.spell(func)
                raise self.error(node, f"srcdiff can only call functions by name, or an item "
                                 f"of a list or tuple of functions it can read: it cannot "
                                 f"tell which function {shown} holds before the code runs",
                                 hint="bind the list once, to a display of functions bound "
                                      "once each (fs = (numpy.tanh, act)), and change it "
                                      "nowhere; pick by a key known only when the code runs "
                                      "through a name (g = fs[i], then g(x)); or call the "
                                      "function by its name")
            raise self.error(node, "srcdiff can only call functions by name")
        obj = rules.registered(self._static_value(func))
        if is_user_object(obj):   # NET(x) of a module-level object: NET.__call__(x)
            from . import field_calls   # (called_object: never anything else)
            if field_calls.called_object(obj):
                return self._call(field_calls.dunder_call(node), out, discard)
        if is_unflatten(obj):   # srcdiff.flatten's unflatten: one helper carries the rules
            return self._unflatten_call(node, func, out, discard)
        if obj is super:
            raise self.error(node, "srcdiff follows super() only in a call of a method on it",
                             hint="write super().method(...) (or super(Cls, self).method(...))"
                                  " where the method is called")
        if obj is range:
            value = self._range_call(node, out)
            return self._result(value, Kind.EFFECT_VALUE, range, discard)
        if obj in (enumerate, zip, reversed, iter, next, filter):   # an iterator kept
            from .filter_calls import refused_iterator
            raise refused_iterator(self, node, obj)
        held = fvalues.called_value(self, obj)   # a functools.partial, a classmethod
        if held is not None:
            return fvalues.call_held(self, node, held, out, discard)
        if obj in (map, sorted, functools.partial, dataclasses.replace):
            from . import value_builtins
            return value_builtins.desugar_call(self, node, obj, out, discard)
        if records.made_field_by_field(obj):   # a dataclass (a named tuple) object made here
            return records.make_record(self, node, obj, out, discard)
        node = fvariadic.displays_passed(self, node, obj, out)   # f(x, [np.sin, g])
        args, keywords = fvalues.arguments(self, node, obj, out)
        if _is_numpy_ufunc(obj):  # numpy.log([a, b]): the rules compute with arrays, not lists
            args = [self._as_array(a, out) if isinstance(n, (S.List, S.Tuple)) or (
                isinstance(n, S.Name) and n.id in self.list_names) else a
                for a, n in zip(args, node.args)]
        if obj is dict and not args:
            # dict(a=x, b=y) is the display {'a': x, 'b': y}
            value = S.Dict(keys=[S.const(k.arg) for k in keywords],
                           values=[k.value for k in keywords])
            return self._result(value, Kind.DISPLAY, None, discard)
        if obj in (list, tuple) and len(args) == 1 and not keywords:
            # list(v) / tuple(v): items of a sequence, keys of a dict, rows of an array
            from . import runtime
            value = S.Call(func=self._runtime_helper("sequence_of"),
                           args=[self.bind(obj.__name__, obj), args[0]], keywords=[])
            return self._result(value, Kind.CALL, runtime.sequence_of, discard)
        if obj is stop_gradient:
            if len(args) != 1 or keywords:
                raise self.error(node, "stop_gradient takes exactly one argument")
            from . import runtime  # emitted as no_derivative(x): a derivative of the emitted
            ref = self.bind("no_derivative", runtime.no_derivative)  # code keeps the stop
            value = S.Call(func=ref, args=[args[0]], keywords=[])
            return self._result(value, Kind.STOP_GRADIENT, runtime.no_derivative, discard)
        return self.call_object(node, func, obj, args, keywords, out, discard)

    def call_object(self, node, func, obj, args, keywords, out, discard, ref=None):
        """The call of `obj` (lowered `args` and `keywords`); `ref`: how emitted code names
        it, where not by its own path (a parameter holding a function: values.py)."""
        variadic = written = None
        generators.refuse_unchecked(self, node, obj)   # a generator's call checked where it is
        if is_user_function(obj):
            args, keywords, variadic = fvariadic.bind_call(self, node, obj, args, keywords, out)
            self._check_argument_writes(node, obj, args, out)
        else:   # out=a: a[...] = f(...) (out_writes.py); overwrite_*=: refused
            written = out_writes.prepare(self, node, obj, args, keywords)
            args, keywords = written[1:] if written else (args, keywords)
        path = canonical_path(obj)
        module = getattr(obj, "__module__", "") or ""
        if path is not None and path.split(".")[0] == "srcdiff" and (
                module in ("srcdiff.runtime", "srcdiff.forward_runtime",
                           "srcdiff.lazy_runtime", "srcdiff.compose_runtime")
                or module.startswith("srcdiff.runtime_")):
            # srcdiff's own helpers (runtime, forward_runtime, runtime_stats, ...), met when
            # differentiating emitted code: bare names
            helper = path.rsplit(".", 1)[1]
            if helper in self.locals:
                raise self.error(node, f"the local name {helper!r} hides srcdiff's helper")
            self.bindings[helper] = obj
            ref = S.load(helper)
        elif ref is not None:
            pass
        elif path is not None and not path.startswith("__main__"):
            ref = self.bind(path, obj)
        else:
            # a function of the script by its own path where it has one (the call may be
            # written through a partial or a bound method holding it, which would pass their
            # arguments again), else as the call is written
            own = self.script_path(path, obj) if path is not None else None
            ref = self.free_reference(own if own is not None else func)
        value = S.Call(func=ref, args=args, keywords=keywords)
        if variadic is not None:
            setattr(value, S.VARIADIC, variadic)   # f(a, *args, **kw) when emitted (emit.py)
        if is_user_function(obj):
            import inspect
            kwonly = [n for n, p in inspect.signature(obj, follow_wrapped=False).parameters.items()
                      if p.kind == p.KEYWORD_ONLY]
            if kwonly:  # the call to the function itself passes these by name (emit.py)
                setattr(value, S.KEYWORD_ONLY, kwonly)
        elif written:
            return out_writes.finish(self, node, value, obj, written[0], out, discard)
        return self._result(value, Kind.CALL, obj, discard)

    def _bind_user_call(self, node, fn, args, keywords):
        """Arguments of a call to the user's own function, in parameter order, defaults filled."""
        import inspect
        try:
            sig = inspect.signature(fn, follow_wrapped=False)  # the code called
            bound = sig.bind(*args, **{k.arg: k.value for k in keywords})
        except TypeError as exc:
            raise self.error(node, f"this call does not match {fn.__qualname__}'s "
                             f"parameters: {exc}") from None
        out = []
        for name, param in sig.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise self.error(node, f"{fn.__qualname__} takes *args or **kwargs, which "
                                 "srcdiff does not support", hint="list its parameters")
            if name in bound.arguments:
                out.append(bound.arguments[name])
            else:
                out.append(self.default_argument(fn, name, param.default))
        return out, []

    def default_argument(self, fn, name, default):
        """What a call leaving parameter `name` of `fn` out passes: the default, made once, when
        the def runs: a literal is a constant, any other object (`def f(x, y=y)`) the same object
        each call, given to the emitted code by name (`f_default_y`), with no derivative, and
        refused where written into (a nested def's computed default: lower_funcs_defaults)."""
        if _is_literal(default):
            return S.const(default)
        from . import lower_funcs_defaults   # a default that is not a literal
        default = lower_funcs_defaults.passed(self, default)
        if isinstance(default, S.Name):
            return default
        base = f"{getattr(fn, '__name__', 'function')}_default_{name}".strip("_")
        for bound, obj in self.bindings.items():
            if obj is default and bound.startswith(base):
                return S.load(bound)
        bound = self.namer.fresh(base)
        self.bindings[bound] = default
        if fvalues.is_function_value(default) or fvalues.called_value(self, default):
            fvalues.known_values(self)[bound] = fvalues.Known(default)   # the callee is specialised on it
        return S.load(bound)

    def _result(self, value, kind, func, discard):
        if discard:
            if kind in (Kind.STOP_GRADIENT,):
                return None
            stmt = S.Expr(value=value)
            return self.info(stmt, Kind.EFFECT, func=func)
        stmt = S.Assign(targets=[S.store("_")], value=value, type_comment=None)
        return self.info(stmt, kind, func=func)

    def _unflatten_call(self, node, func, out, discard):
        """`unflatten(v)`, unflatten made by srcdiff.flatten: call_unflatten(unflatten, v)."""
        from .runtime_closures import call_unflatten
        if len(node.args) != 1 or node.keywords:
            raise self.error(node, "unflatten takes one vector")
        fn = self.temp(out, self.free_reference(func) if isinstance(func, S.Name) and
                       func.id not in self.locals else self.expr(func, out), Kind.OPAQUE,
                       "unflatten")
        self.locals.add(fn.id)
        values = self.expr(node.args[0], out)
        return self.call_object(node, func, call_unflatten, [fn, values], [], out, discard)

    def _derivative_call(self, node, fn, out, discard):
        """A call of a derivative srcdiff made (compose.py; a lambda's: compose_calls)."""
        args = [self.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out)) for k in node.keywords]
        args, keywords = getattr(fn, "free_arguments", lambda *a: a[:2])(args, keywords, self, out)
        full, _ = self._bind_user_call(node, fn, args, keywords)
        fn = self._for_records(node, fn)
        name = self.namer.fresh(fn.__name__)
        self.bindings[name] = fn
        value = S.Call(func=S.load(name), args=full, keywords=[])
        return self._result(value, Kind.CALL, fn, discard)

    def _for_records(self, node, fn):
        """`fn`, or its copy whose reverse rule gives the derivatives of the records passed
        (objects of the user's record classes the call's arguments hold, by parameter) as
        differentiated code holds them (compose_calls.for_records)."""
        import inspect
        from .objects import class_of, is_user_class
        if any(isinstance(a, S.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            return fn
        try:
            bound = inspect.signature(fn).bind(*node.args, **{
                k.arg: k.value for k in node.keywords})
        except TypeError:
            return fn
        records = {p for p, a in bound.arguments.items()
                   if hasattr(a, "_fields") and is_user_class(class_of(self, a, set()))}
        return provided("derivative_for_records")(fn, records) if records else fn
