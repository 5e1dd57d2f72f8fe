"""Call lowering: what a call means, as one core statement (stage 3, lower: a mixin of
lower.Lowerer, called by lower.py and lower_copies.py). Takes a gast Call; gives back an
Assign or Expr of the core language, its operands lowered to atoms.

`CallLowering` is a mixin of `lower.Lowerer`. `call(node, out, discard)` takes a gast Call
and returns an Assign (its target filled in by the caller) or, when the value is dropped,
an Expr; its operands are atoms appended to `out`. It classifies the callee: the user's
nested functions (`Info.user_call`; also as `fs[0]` of a display holding one,
nested_defs.named_item), the user's own functions and methods of objects whose
class is known (bound to their parameters, defaults filled), derivatives srcdiff made,
super() calls, frozen scipy.stats distributions, array methods (`x.sum()` is
`numpy.sum(x)`), list methods (append, pop, extend), `stop_gradient`, and library
functions, named by their canonical path (never by the user's import alias). srcdiff's own
call of a bound method a local holds, `m.__func__(m.__self__, x)`, read again where a
derivative is differentiated, is the call `m(x)`.
"""
import dataclasses
import functools
from .class_calls import own_class_call
from . import generators, idioms, item_fields, named_tuples, out_writes, records, rules
from . import objects as fobjects, operator_lowering
from . import syntax as S
from . import values as fvalues, variadic as fvariadic
from .callables import (ARRAY_METHODS, MUTATING_METHODS, SAME_AS_METHOD, VARARG_METHODS,
                        canonical_path, is_literal as _is_literal, is_user_function)
from .core import Kind, UserCall, assigned_names
from .dict_facts import DICT_VIEWS

def _is_numpy_ufunc(obj):
    """A NumPy ufunc (numpy.log, numpy.maximum, ...) or numpy.sinc: elementwise functions
    that make arrays of list arguments."""
    if type(obj).__name__ == "ufunc" and type(obj).__module__ == "numpy":
        return True
    return getattr(obj, "__name__", None) == "sinc" and \
        getattr(obj, "__module__", "").split(".")[0] == "numpy"


class CallLowering:
    """Calls to core statements (a mixin of lower.Lowerer)."""

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
        if isinstance(func, S.Name) and func.id in self.local_functions:
            from . import nested_defs
            return nested_defs.local_call(self, node, out, discard)
        if isinstance(func, S.Name) and func.id in self.locals:
            held = fvalues.held(self, func.id)   # a parameter or local holding a function
            if isinstance(held, type) and records.is_record_class(held):
                return records.make_record(self, node, held, out, discard)   # a classmethod's cls(...)
            if held is not None:
                return fvalues.call_held(self, node, held, out, discard, S.load(func.id))
            from . import field_calls   # net(x) of an object: net.__call__(x)
            if field_calls.callable_object(self, func):
                return self._call(field_calls.dunder_call(node), out, discard)
            method = fobjects.bound_method_call(self, node)   # m = layer.forward; m(x)
            if method is not None:
                return self._call(method, out, discard)
            from .markers import provided   # g = srcdiff.grad(inner) here: compose_calls
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
        from .markers import is_user_object, provided  # a derivative srcdiff made, called here
        derived = provided("derivative_called")(self, func)  # compose_calls.py
        if derived is not None:
            return self._derivative_call(node, derived, out, discard)
        if not isinstance(func, (S.Name, S.Attribute)):
            from . import field_calls   # layers[1](x) of objects: layers[1].__call__(x)
            if isinstance(func, S.Subscript) and field_calls.callable_item(self, func):
                return self._call(field_calls.dunder_call(node), out, discard)
            if isinstance(func, S.Subscript):   # fs[0](x) of a list srcdiff cannot read
                shown = S.spell(func)
                raise self.error(node, f"srcdiff can only call functions by name, or an item "
                                 f"of a list or tuple of functions it can read: it cannot "
                                 f"tell which function {shown} holds before the code runs",
                                 hint="bind the list once, to a display of functions bound "
                                      "once each (fs = (numpy.tanh, act)), and change it "
                                      "nowhere; or call the function by its name")
            raise self.error(node, "srcdiff can only call functions by name")
        obj = rules.registered(self._static_value(func))
        if is_user_object(obj):   # NET(x) of a module-level object: NET.__call__(x)
            from . import field_calls   # (called_object: never anything else)
            if field_calls.called_object(obj):
                return self._call(field_calls.dunder_call(node), out, discard)
        from .flatten import is_unflatten
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
        from .markers import stop_gradient
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
        """A call of a derivative srcdiff made (srcdiff/compose.py): a call of the function
        with the emitted code it runs, differentiated like any other."""
        args = [self.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out)) for k in node.keywords]
        full, _ = self._bind_user_call(node, fn, args, keywords)
        name = self.namer.fresh(fn.__name__)
        self.bindings[name] = fn
        value = S.Call(func=S.load(name), args=full, keywords=[])
        return self._result(value, Kind.CALL, fn, discard)

    def _class_method(self, node, base, cls, args, keywords, out, discard):
        """`base.method(args)` where base holds an object of the user's class `cls`: the
        method followed from its source (None where cls has no such function)."""
        import inspect
        method = node.func.attr
        fn = inspect.getattr_static(cls, method, None)
        if isinstance(fn, (staticmethod, classmethod)):
            return self._special_method(node, base, cls, fn, args, keywords, out, discard)
        if getattr(fn, "__srcdiff_primitive__", False):   # srcdiff.extend's, by its rules
            from . import vector_spaces
            return self.call_object(node, node.func, fn, [S.load(base.id)] + args, keywords,
                                    out, discard, vector_spaces.primitive_reference(self, fn))
        if not (inspect.isfunction(fn) and is_user_function(fn)):
            return None
        from .generator_calls import check_method_call   # a generator method: where it stands
        check_method_call(self, node, fn)
        full, _, variadic = fvariadic.bind_call(self, node, fn, [S.load(base.id)] + args,
                                              keywords, out)
        self._check_argument_writes(node, fn, full, out)
        value = S.Call(func=S.Attribute(value=base, attr=method, ctx=S.Load()),
                       args=full[1:], keywords=[])
        if variadic is not None:
            setattr(value, S.VARIADIC, variadic[1:])
        stmt = self._result(value, Kind.CALL, fn, discard)
        stmt.sd.user_call = UserCall("method", tuple(full))
        return stmt

    def _special_method(self, node, base, cls, fn, args, keywords, out, discard):
        """`obj.m(...)` where m is a staticmethod or classmethod of obj's known class: its
        function, called with the class first for a classmethod (emitted as written)."""
        ref = S.Attribute(value=base, attr=node.func.attr, ctx=S.Load())
        func = fn.__func__
        if not is_user_function(func):
            raise self.error(node, f"srcdiff cannot follow {cls.__name__}.{node.func.attr}",
                             hint="call a function defined at module level")
        if isinstance(fn, staticmethod):
            return self.call_object(node, node.func, func, args, keywords, out, discard, ref)
        me = self.temp(out, S.Attribute(value=base, attr="__class__", ctx=S.Load()),
                       Kind.OPAQUE, "cls")   # the class: no derivative, whatever it carries
        self.locals.add(me.id)
        fvalues.known_values(self)[me.id] = fvalues.Known(cls)   # cls(...) makes a cls
        stmt = self.call_object(node, node.func, func, [me] + args, keywords, out, discard, ref)
        call = stmt.value
        full = list(call.args)
        call.args = full[1:]
        spelled = getattr(call, S.VARIADIC, None)
        if spelled is not None:
            setattr(call, S.VARIADIC, spelled[1:])
        stmt.sd.user_call = UserCall("method", tuple(full))
        return stmt

    def _super_call(self, node, out, discard):
        """super().method(...) / super(Cls, self).method(...): the function it resolves to
        (srcdiff/super_calls.py), called with the object first."""
        from . import super_calls
        me, fn = super_calls.resolve(self, node, self.known_types,
                                     assigned_names(self.fdef.body))
        args = [self.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out)) for k in node.keywords]
        full, _ = self._bind_user_call(node, fn, [S.load(me)] + args, keywords)
        self._check_argument_writes(node, fn, full, out)
        name = self.namer.fresh(f"{fn.__qualname__.split('.')[-2]}_{fn.__name__}"
                                if "." in fn.__qualname__ else fn.__name__)
        self.bindings[name] = fn
        value = S.Call(func=S.load(name), args=full, keywords=[])
        stmt = self._result(value, Kind.CALL, fn, discard)
        return stmt

    def _extend(self, base, node, out):
        """`lst.extend(b)` is `lst += b`: lowered as lst = sequence_extend(lst, b), checked as
        an in-place update of lst (aliasing.py)."""
        from . import runtime
        items = self.expr(node.args[0], out)
        ref = self._runtime_helper("sequence_extend")
        value = self.temp(out, S.Call(func=ref, args=[S.load(base.id), items], keywords=[]),
                          Kind.CALL, base.id + "_extended", func=runtime.sequence_extend)
        stmt = self.assign(base.id, value, Kind.COPY)
        stmt.sd.inplace = "__iadd__"
        return stmt

    def method_call(self, node, out, discard):
        func = node.func
        if (isinstance(func.value, S.Call) and isinstance(func.value.func, S.Name)
                and func.value.func.id == "super" and "super" not in self.locals):
            return self._super_call(node, out, discard)
        from . import frozen_calls   # a method call only (a plain function has none)
        frozen = frozen_calls.frozen_call(self, node)
        if frozen is not None:
            return self.call(frozen, out, discard)
        again = _bound_method_again(self, node)   # m.__func__(m.__self__, x): m(x)
        if again is not None:
            return self._call(again, out, discard)
        base = self.expr(func.value, out)
        method = func.attr
        if method == "extend" and discard and isinstance(base, S.Name) and \
                base.id in self.locals and len(node.args) == 1 and not node.keywords:
            return self._extend(base, node, out)
        written = None
        if method in ("pop", "insert") and (node.args or node.keywords):
            from . import list_edits   # lst.pop(i), lst.insert(i, v) of a list
            written = list_edits.method(self, node, base, out, discard)
        written = written or idioms.dict_write(self, node, base, out, discard) or \
            named_tuples.method_call(self, node, base, out, discard)   # d.update; p._replace
        if written is not None:
            return written
        if method in MUTATING_METHODS:   # a.fill(v), a.sort(): a[...] = ...; others refused
            return out_writes.method(self, node, base, method, out, discard)
        if method == "append":
            if len(node.args) != 1 or node.keywords:
                raise self.error(node, "append takes exactly one argument")
            if not isinstance(base, S.Name) or base.id not in self.locals:
                raise self.error(node, "srcdiff can only append to a local list")
            item = self.expr(node.args[0], out)
            stmt = S.Expr(value=S.Call(func=S.Attribute(value=base, attr="append",
                                                        ctx=S.Load()),
                                       args=[item], keywords=[]))
            self.info(stmt, Kind.APPEND)
            if discard:
                return stmt
            raise self.error(node, "the result of append is None")
        if method == "pop":
            if node.args or node.keywords:   # (list_edits imported above: refused here)
                raise list_edits.refusal(self, node)
            if not isinstance(base, S.Name) or base.id not in self.locals:
                raise self.error(node, "srcdiff can only pop from a local list")
            value = S.Call(func=S.Attribute(value=base, attr="pop", ctx=S.Load()), args=[],
                           keywords=[])
            if discard:
                # the dropped value is named: reverse mode pushes it back from that name
                return self.assign(self.namer.fresh("popped"), value, Kind.POP)
            stmt = S.Assign(targets=[S.store("_")], value=value, type_comment=None)
            return self.info(stmt, Kind.POP)
        args = [fvalues.argument(self, a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=fvalues.argument(self, k.value, out))
                    for k in node.keywords]
        cls = self.known_types.get(base.id) if isinstance(base, S.Name) else None
        if cls is not None and base.id in assigned_names(self.fdef.body):
            cls = None
        if cls is None and isinstance(base, S.Name):
            cls = fobjects.object_class(self, func.value, base, out)   # made here, a list item
            if cls is None:   # an item of a list of objects of several classes made here
                classes = fobjects.item_classes(self, func.value)
                if classes:
                    def one(b, c, o):
                        return self._class_method(node, b, c, args, keywords, o, discard)
                    return fobjects.dispatch(self, node, base, classes, out, discard, one)
        if isinstance(cls, type):
            from . import field_calls   # p.act(x): the function a field holds, not a method
            field_calls.note_fields(self, func.value, base)
            item_fields.note_items(self, func.value, base)   # self.act in layer(x)
            stmt = item_fields.call_item_field(self, node, base, cls, out, discard) or \
                field_calls.call_field(self, node, base, cls, out, discard)   # for p in ps
            if stmt is not None:
                return stmt
            from . import state_methods   # cell.step(x) setting self.h: state_methods.py
            def one(b, c, o):   # (item_fields: a branch per function a field holds)
                return self._class_method(node, b, c, args, keywords, o, discard)
            stmt = state_methods.call(self, node, base, cls, args, keywords, out, discard) or \
                item_fields.call_item_method(self, node, base, cls, out, discard, one) or \
                one(base, cls, out)
            if stmt is not None:
                return stmt
        expanded = idioms.expand_method(self, node, base, args, out, discard)  # d.get, x.item
        if expanded is not None:
            return expanded
        if method in DICT_VIEWS and not args and not keywords and isinstance(base, S.Name):
            # d.values() / d.items() / d.keys(): lists, differentiated item by item
            from . import runtime
            fn = getattr(runtime, DICT_VIEWS[method])
            value = S.Call(func=self._runtime_helper(fn.__name__), args=[base], keywords=[])
            return self._result(value, Kind.CALL, fn, discard)
        if method in ARRAY_METHODS:
            operator_lowering.guard_method(self, out, base, method, node)   # (not the user's)
            fn = ARRAY_METHODS[method]
            written = out_writes.prepare(self, node, fn, args, keywords)   # x.sum(out=a)
            args, keywords = written[1:] if written else (args, keywords)
            if method in VARARG_METHODS and (len(args) > 1 or (
                    len(args) == 1 and isinstance(args[0], S.Constant)
                    and isinstance(args[0].value, int))):
                packed = self.temp(out, S.Tuple(elts=args, ctx=S.Load()), Kind.DISPLAY, "shape")
                args = [packed]
            ref = self.bind(canonical_path(fn), fn)
            value = S.Call(func=ref, args=[base] + args, keywords=keywords)
            if method in SAME_AS_METHOD:
                setattr(value, S.METHOD_FORM, method)
            if written:
                return out_writes.finish(self, node, value, fn, written[0], out, discard)
            return self._result(value, Kind.CALL, fn, discard)
        value = S.Call(func=S.Attribute(value=base, attr=method, ctx=S.Load()),
                       args=args, keywords=keywords)
        stmt = self._result(value, Kind.CALL, None, discard)
        stmt.sd.dynamic_method = True
        return stmt


def _bound_method_again(lw, node):
    """`m.__func__(m.__self__, *args)`, srcdiff's own call of a bound method m held by a
    local (`fs[1]`, a classmethod), read again where a derivative is differentiated: the
    call `m(*args)` it is, where m is known to hold a bound method; else None."""
    import inspect
    func, first = node.func, node.args[0] if node.args else None
    if not (func.attr == "__func__" and isinstance(func.value, S.Name) and
            func.value.id in lw.locals and isinstance(first, S.Attribute) and
            first.attr == "__self__" and S.spell(first.value) == func.value.id and
            inspect.ismethod(fvalues.held(lw, func.value.id))):
        return None
    return S.place_unplaced(S.Call(func=S.load(func.value.id), args=node.args[1:],
                                   keywords=node.keywords), node)
