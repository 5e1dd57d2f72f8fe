"""Method-call lowering: `obj.m(...)` as one core statement (stage 3, lower: a mixin of
lower.Lowerer through lower_calls.CallLowering, which calls `method_call`). Takes a gast Call
whose callee is an attribute that names no module path; gives back an Assign or Expr of the
core language, its operands lowered to atoms.

Methods of objects whose class is known (followed from their source; staticmethods and
classmethods too), super() calls, frozen scipy.stats distributions, list methods (append,
pop, insert, extend), dict views and writes, methods that change their array (a.fill(v),
a.sort()), and array methods (`x.sum()` is `numpy.sum(x)`). srcdiff's own call of a bound
method a local holds, `m.__func__(m.__self__, x)`, read again where a derivative is
differentiated, is the call `m(x)`.
"""
from . import idioms, named_tuples, out_writes
from . import objects as fobjects, operator_lowering
from . import syntax as S
from . import values as fvalues, variadic as fvariadic
from .callables import (ARRAY_METHODS, MUTATING_METHODS, SAME_AS_METHOD, VARARG_METHODS,
                        canonical_path, is_user_function)
from .core import Kind, UserCall, assigned_names
from .dict_facts import DICT_VIEWS


class MethodLowering:
    """Method calls to core statements (a mixin of lower.Lowerer, through CallLowering)."""

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
        own = method in _LIST_LIKE and _own_method(self, func.value, method)
        if method in ("pop", "insert") and (node.args or node.keywords) and not own:
            from . import list_edits   # lst.pop(i), lst.insert(i, v) of a list
            written = list_edits.method(self, node, base, out, discard)
        if not own:
            written = written or idioms.dict_write(self, node, base, out, discard) or \
                named_tuples.method_call(self, node, base, out, discard)   # d.update
        if written is not None:
            return written
        if method in MUTATING_METHODS and not own:   # a.fill(v), a.sort(): a[...] = ...;
            return out_writes.method(self, node, base, method, out, discard)   # others refused
        if method == "append" and not own:
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
        if method == "pop" and not own:
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
        stmt = _class_held_call(self, node, base, out, discard)   # cls.sq(v) in a classmethod
        if stmt is not None:
            return stmt
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
            from . import field_calls, item_fields   # p.act(x): a field's function, not a method
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


def _class_held_call(lw, node, base, out, discard):
    """`cls.m(...)` where the name cls holds a class of the user's known before the code runs
    (a classmethod's first parameter, specialised on the class it is called on): the call of
    that class's staticmethod, classmethod or function m, as `C.m(...)` written with the
    class's own name is; None where cls holds no such class or m is none of those."""
    import inspect
    if not isinstance(base, S.Name):
        return None
    owner = fvalues.held(lw, base.id)
    if not (isinstance(owner, type) and fobjects.is_user_class(owner)):
        return None
    static = inspect.getattr_static(owner, node.func.attr, None)
    if not isinstance(static, (staticmethod, classmethod)) and not inspect.isfunction(static):
        return None
    ref = S.Attribute(value=base, attr=node.func.attr, ctx=S.Load())
    return fvalues.call_held(lw, node, getattr(owner, node.func.attr), out, discard, ref)


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


# the methods of lists, dicts and arrays lowered as theirs: a class of the user's defining one
# (`stats.update(v)`, `buffer.append(v)`, `queue.clear()`) has its own method followed instead
_LIST_LIKE = MUTATING_METHODS | {"append", "pop"}


def _own_method(lw, node, method):
    """Whether `node` holds an object of a class of the user's (told by the call, or made
    here) whose class defines `method` itself."""
    from .object_lists import is_user_class
    cls = lw.known_types.get(node.id) if isinstance(node, S.Name) else None
    if cls is not None and node.id in assigned_names(lw.fdef.body):
        cls = None
    if cls is None:
        cls = fobjects.class_of(lw, node, set())
    return isinstance(cls, type) and is_user_class(cls) and any(
        method in vars(c) for c in cls.__mro__ if is_user_class(c))
