"""Objects in differentiated code: the classes srcdiff knows them by, and calls of their
methods; records, the objects whose fields carry gradients, are records.py's (stage 3,
lower: called by lower_calls.py, desugar.py, values.py, records.py, program.py,
derivative.py and transform.py). Takes the lowering's state (the function, the facts read
from the arguments passed) and a node; gives back an object's class (`object_class` /
`class_of`), the classes of a list's items (`item_classes`), the lowered dispatch of a
method call over them, or the facts read from a value passed (`object_facts`). The located
refusal of a method whose object's class is unknown is method_refusals.py's.

A method is differentiated from the source of the class's function, so srcdiff must know
an object's class before the code runs. Besides a parameter's class (api.py), it knows:
an object made in the function (`Layer(w).forward(x)`, `layer = Layer(w)` bound once, a
classmethod constructor or a factory: factories.py), an
item of a list whose items' classes it can read (`for layer in self.layers`, a list
argument, a local list bound once to a display or a comprehension of objects made here and
grown only by its own `.append` calls, a display iterated itself), an attribute holding an object (`self.encoder`),
a dataclass field annotated with a class, a module-level object, an object a nested def or
lambda reads from the function (note_free_objects: noted for its lifted copy), a method
bound to a name (`fwd = layer.forward; fwd(x)`: bound_method_call). What it read from the
objects passed (object_facts) is part of what the code is compiled for, and is checked
where the code runs (runtime_values.check_class), so code made for one class never runs
another's method.

Several classes in one list (`[ConvLayer(f), DenseLayer(w)]`, or such a list passed in):
a call `layer.forward(h)` on its items is a dispatch (dispatch): a branch per class on
`type(layer) is C` (the exact class, never isinstance, which a subclass passes too), each
calling its class's method on a name known to hold it, the last branch checking its class.
Where the class cannot be known (a list another function may grow, a name bound to several
objects), the call is refused at the user's line with what to write instead
(method_refusal).
"""
from . import syntax as S
from .callables import canonical_path
from .core import Kind
from .edited_lists import edited_class
from .operator_names import builtin_protocol_call
from .object_lists import (_dict_method, _displayed, _fact_key, _grown, _items_class,  # noqa: F401
                           _items_classes,
                           _local_items, _module_item, _only_loop_binding, _single_bindings,
                           _state, _user_object, display_rebindings, known_values, note_loop,
                           is_user_class, loop_items, made_classes, rebindings, rebound_names,
                           unpacked_from)


# -- objects whose class is known where they are used --------------------------------
# Besides a parameter's class (known_types[name]), known_types holds facts about the
# objects inside an argument, read from the value passed (api.py): "layers[]" -> the class
# of every item of the list `layers`, "self.layers[]" -> of every item of the attribute,
# "self.encoder" -> the class of an attribute that is an object.
def facts_for_callee(params, args, known):
    """The facts about the objects inside a call's arguments, by the callee's names."""
    out = {}
    for key, value in known.items():
        root = key.split(".")[0].split("[")[0].split("{")[0]
        if root == key:
            continue
        for p, a in zip(params, args):
            if isinstance(a, S.Name) and a.id == root:
                out[p + key[len(root):]] = value
    return out


def object_class(lw, node, base, out):
    """The class of the object `node` (lowered to the name `base`) where srcdiff can tell
    it before the code runs: an object made here (`Layer(w).forward(x)`, `layer = Layer(w)`
    bound once), an item of a list whose items' class is known (`for layer in
    self.layers`), an attribute known to hold an object. Noted for the callees."""
    cls = class_of(lw, node, set())
    if cls is None:
        return None
    if not isinstance(node, S.Call) or not _made_by_its_class(lw, node):
        # read from the objects passed when compiled, or from a factory's source: checked
        # where the code runs, so that code compiled for one class never runs a method of
        # another
        path = canonical_path(cls)
        if path is None:
            return None
        from . import runtime_values
        from .errors import where
        from .function_dicts import guard   # FNS[kind]: the key checked where it runs
        guard(lw, node, None, None, out)
        lw.bindings["check_class"] = runtime_values.check_class
        guard = S.Expr(value=S.Call(func=S.load("check_class"), args=[
            base, lw.bind(path, cls), S.const(where(lw.src.filename, lw.line))], keywords=[]))
        out.append(lw.info(guard, Kind.EFFECT, func=runtime_values.check_class))
    known_values(lw)[base.id] = cls
    known_values(lw).update(_static_item_facts(lw, node, cls, base.id))
    return cls


def note_free_objects(lw, local, out):
    """The classes of the objects a nested def or lambda reads from this function (its free
    variables, passed to its lifted copy: `layer = Layer(w); h = lambda u:
    layer.forward(u)`), noted for that copy as for any callee (checked where they run)."""
    for v in local.free:
        if v in lw.locals and v not in known_values(lw) and v not in lw.known_types:
            object_class(lw, S.load(v), S.load(v), out)


def bound_method_call(lw, node):
    """`m(x)` where the local `m` is bound once to a method of an object (`m = layer.forward`,
    in the function's own body): the call `layer.forward(x)` it makes, where that reads the
    same method of the same object (the object a parameter never rebound, or a local bound
    once in the function's own body, and no attribute of it written); else None."""
    import inspect
    from .core import assigned_names
    value = _single_bindings(lw).get(node.func.id)
    if not (isinstance(value, S.Attribute) and isinstance(value.value, S.Name)):
        return None
    obj = value.value.id
    top = {id(stmt.value) for stmt in lw.fdef.body if isinstance(stmt, S.Assign)}
    once = obj in lw.params and obj not in assigned_names(lw.fdef.body) or \
        id(_single_bindings(lw).get(obj)) in top
    cls = class_of(lw, value.value, set()) if once and id(value) in top else None
    if cls is None or not callable(inspect.getattr_static(cls, value.attr, None)) and not \
            isinstance(inspect.getattr_static(cls, value.attr, None), (staticmethod,
                                                                        classmethod)):
        return None
    if any(isinstance(n, S.Attribute) and not isinstance(n.ctx, S.Load) and isinstance(
            n.value, S.Name) and n.value.id == obj for n in S.walk(lw.fdef)):
        return None   # layer.forward = ...: the name may hold what the object held before
    call = S.Call(func=S.Attribute(value=S.load(obj), attr=value.attr, ctx=S.Load()),
                  args=node.args, keywords=node.keywords)
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if hasattr(node, attr):
            setattr(call, attr, getattr(node, attr))
            setattr(call.func, attr, getattr(node, attr))
    return call


def bound_method(lw, node):
    """The class's function where `node` is `obj.method` of a local object (or one made
    there: `Layer(w).forward`) whose class srcdiff knows (class_of) and `method` a plain
    function of that class, else None."""
    import inspect
    if not (isinstance(node, S.Attribute) and (isinstance(node.value, S.Call) or isinstance(
            node.value, S.Name) and node.value.id in lw.locals) and
            lw._global_path(node) is None):
        return None
    cls = class_of(lw, node.value, set())
    fn = inspect.getattr_static(cls, node.attr, None) if cls is not None else None
    return fn if inspect.isfunction(fn) and canonical_path(fn) is not None else None


def _made_by_its_class(lw, node):
    """Whether the call `node` calls a class itself (or srcdiff's record_of of one)."""
    if not isinstance(node.func, (S.Name, S.Attribute)) or lw._global_path(node.func) is None:
        return False
    obj = lw._callee_object(node.func)
    return isinstance(obj, type) or _is_record_of(obj)


def receiver(lw, func):
    """obj where `func` is `type(obj)` (the builtin) or `obj.__class__`, else None."""
    if isinstance(func, S.Attribute) and func.attr == "__class__":
        return func.value
    if isinstance(func, S.Call) and len(func.args) == 1 and not func.keywords and \
            isinstance(func.func, S.Name) and func.func.id not in lw.locals and \
            not isinstance(func.args[0], S.Starred) and \
            lw._global_path(func.func) is not None and lw._static_value(func.func) is type:
        return func.args[0]
    return None


def _global_derivative(lw, func):
    """Whether `func` names, at module level, a derivative srcdiff made."""
    from .markers import DerivativeBase
    if not isinstance(func, (S.Name, S.Attribute)) or lw._global_path(func) is None or (
            isinstance(func, S.Name) and func.id in lw.locals):
        return False
    return isinstance(lw._callee_object(func), DerivativeBase)


def class_of(lw, node, seen):
    if lw.objects_read and (isinstance(node, (S.BinOp, S.UnaryOp, S.Subscript, S.Name)) or
                            builtin_protocol_call(node)):
        from .operator_methods import operator_class   # v + w: what v.__add__(w) makes
        cls = operator_class(lw, node, seen, class_of)   # (v bound once and updated by v += w)
        if cls is not None:
            return cls
    if isinstance(node, S.Call) and receiver(lw, node.func) is not None:
        return class_of(lw, receiver(lw, node.func), seen)   # type(o)(...): o's class
    if isinstance(node, S.Call) and (isinstance(node.func, S.Call) or isinstance(
            node.func, S.Name) and node.func.id in lw.locals and node.func.id not in
            lw.params) or isinstance(node, S.Call) and _global_derivative(lw, node.func):
        from .markers import provided   # g = srcdiff.grad(loss)(layer, x): layer's class
        from .returned_classes import gradient_class
        derivative = provided("derivative_passed")(lw, node.func)
        if derivative is not None:
            return gradient_class(derivative, node, lambda a: class_of(lw, a, set(seen)))
    if isinstance(node, S.Call) and isinstance(node.func, S.Name) and (
            node.func.id in lw.params or node.func.id in lw.local_functions):
        from .returned_classes import held_call_class   # rhs(v): passed in, or a nested def
        return held_call_class(lw, node, lambda a: class_of(lw, a, set(seen)))
    if isinstance(node, S.Call) and isinstance(node.func, (S.Name, S.Attribute)):
        if lw._global_path(node.func) is not None:
            obj = lw._callee_object(node.func)
            if _is_record_of(obj) and node.args and isinstance(
                    node.args[0], (S.Name, S.Attribute)):
                # srcdiff's own code making a record (records.make_record): a derivative
                # transformed again knows the class it builds
                obj = lw._callee_object(node.args[0])
            if not isinstance(obj, type):   # a classmethod constructor, a factory
                from .factories import made_class, replaced_argument
                from .init_fields import maker_class   # C_made(w): srcdiff's copy of C()
                at = replaced_argument(obj, node)   # dataclasses.replace(p, ...): p's class
                if at is not None:
                    return class_of(lw, at, seen)
                fn, obj = obj, maker_class(obj) or made_class(obj)
                if obj is None:   # euler(v, dt) returning v + ...: read for v's class here
                    from .returned_classes import call_class
                    obj = call_class(fn, node, lambda a: class_of(lw, a, set(seen)))
            return obj if is_user_class(obj) else None
        if isinstance(node.func, S.Attribute) and node.func.attr == "pop" and isinstance(
                node.func.value, S.Name) and node.func.value.id in lw.locals:
            return edited_class(lw, node.func.value.id, seen, class_of)   # v = vs.pop(0)
        if isinstance(node.func, S.Attribute):   # obj.init(w): a factory on an object
            from .factories import made_by_method
            owner = class_of(lw, node.func.value, seen)
            made = made_by_method(owner, node.func.attr) if owner is not None else None
            return made if is_user_class(made) else None
        return None
    if isinstance(node, S.Subscript) and not isinstance(node.slice, S.Slice):
        # an item of a list made here (`layer = layers[i]`): the one class of its items,
        # checked where the code runs (object_class), so a slice is never taken for one
        key = _fact_key(lw, node.value)
        if key is not None:
            cls = lw.known_types.get(key + "[]") or lw.known_types.get(key + "{}")
            if isinstance(cls, type):
                return cls
            from .entry_classes import entry_class   # pair[0] of pair = (layer, 0.7)
            return entry_class(lw, node)
        held = _module_item(lw, node, _key_of(lw, node))
        if held is not None:   # SCALERS["a"], MODELS[0]: checked where it runs (object_class)
            return type(held)
        items = _local_items(lw, node.value)
        at = node.slice.value if isinstance(node.slice, S.Constant) else None
        if items and type(at) is int and -len(items) <= at < len(items) and \
                _displayed(lw, node.value):
            items = [items[at]]   # `layers[0]` of a display: that item
        if not items and type(at) is int and isinstance(node.value, S.Name):
            # a display bound once per copy of a loop written out: item `at` of each
            items = [v.elts[at] for v in display_rebindings(lw, node.value.id) or ()
                     if -len(v.elts) <= at < len(v.elts)]
        if not items and isinstance(node.value, S.Name) and node.value.id in lw.locals:
            return edited_class(lw, node.value.id, seen, class_of)   # c[0] after c[0] = ...
        classes = {class_of(lw, e, set(seen)) for e in items or ()}
        if not classes:   # layer = pairs[j][0]: the class every row holds there
            from .entry_classes import entry_key, row_entry
            entry = row_entry(lw, node)
            cls = lw.known_types.get(entry_key(*entry)) if entry is not None else None
            return cls if isinstance(cls, type) else None
        return classes.pop() if len(classes) == 1 else None
    key = _fact_key(lw, node)
    if key is not None and isinstance(lw.known_types.get(key), type):
        return lw.known_types[key]
    if isinstance(node, S.Attribute):   # a dataclass's field annotated with a class
        import dataclasses
        owner = class_of(lw, node.value, seen)
        if owner is not None and dataclasses.is_dataclass(owner):
            field = {f.name: f for f in dataclasses.fields(owner)}.get(node.attr)
            typ = getattr(field, "type", None)
            return typ if field is not None and is_user_class(typ) else None
        return None
    if key is not None:
        return None
    if not isinstance(node, S.Name) or node.id not in lw.locals or node.id in seen:
        return None
    seen.add(node.id)
    src = unpacked_from(lw, node.id)   # a, b = layers: an item of a list passed in
    if src is not None and isinstance(lw.known_types.get(f"{_fact_key(lw, src)}[]"), type):
        return lw.known_types[f"{_fact_key(lw, src)}[]"]
    if src is not None:
        from .entry_classes import unpacked_class   # layer, scale = pair
        cls = unpacked_class(lw, node.id)
        if cls is not None:
            return cls
    value = _single_bindings(lw).get(node.id)
    if value is not None:
        return class_of(lw, value, seen) or _branch_class(lw, node.id, value)
    # r = Record(...); r.b = e: rebound to a new record; `layer = fs[1]` in each copy of a
    # loop written out
    from .factories import self_replaced   # p = replace(p, ...) keeps p's class
    made = [v for v in rebindings(lw, node.id) or () if not self_replaced(lw, v, node.id)]
    if made:
        classes = {class_of(lw, v, set(seen)) if isinstance(v, (S.Call, S.Subscript))
                   else None for v in made}
        if len(classes) == 1 and None not in classes:
            return classes.pop()   # checked where it runs (object_class)
    loop = _only_loop_binding(lw, node.id)
    if loop is not None:   # (over a slice, layers[1:] or layers[::-1]: layers' classes)
        it = loop[0].value if isinstance(loop[0], S.Subscript) and isinstance(
            loop[0].slice, S.Slice) else loop[0]
        values_of = _dict_method(it, "values")   # for r in d.values(), for k, r in d.items()
        key = _fact_key(lw, it.func.value if values_of else it)
        if key is not None:
            cls = lw.known_types.get(key + ("{}" if values_of else "[]"))
            return cls if isinstance(cls, type) else None
        cls = _static_classes(lw, it)
        if cls is not None:
            return cls if isinstance(cls, type) else None
        items = loop_items(lw, it)
        if items:
            classes = {class_of(lw, e, set(seen)) for e in items}
            if len(classes) == 1:
                return classes.pop()
        elif isinstance(it, S.Name) and it.id in lw.locals:   # layers = list(layers); .pop()
            return edited_class(lw, it.id, seen, class_of)
        return None
    from .entry_classes import looped_class   # for layer, scale in pairs
    return looped_class(lw, node.id)


def _branch_class(lw, name, value):
    """The class C where `name = obj` opens the branch `if type(obj) is C:`, or follows
    `check_class(obj, C, ...)` (the forms dispatch emits: a derivative transformed again
    knows the class each branch calls), else None."""
    if not isinstance(value, S.Name):
        return None
    for n in S.walk(lw.fdef):
        for field in ("body", "orelse"):
            block = getattr(n, field, None)
            if not isinstance(block, list):
                continue
            for i, stmt in enumerate(block):
                if not (isinstance(stmt, S.Assign) and stmt.value is value):
                    continue
                if i > 0:
                    return _checked_class(lw, block[i - 1], value.id)
                if isinstance(n, S.If) and field == "body":
                    return _tested_class(lw, n.test, value.id)
                return None
    return None


def _class_named(lw, node):
    obj = lw._callee_object(node) if isinstance(node, (S.Name, S.Attribute)) else None
    return obj if is_user_class(obj) else None


def _tested_class(lw, test, name):
    """C where `test` is `type(name) is C`, else None."""
    if isinstance(test, S.Compare) and len(test.ops) == 1 and isinstance(
            test.ops[0], S.Is) and isinstance(test.left, S.Call) and len(
            test.left.args) == 1 and not test.left.keywords and isinstance(
            test.left.args[0], S.Name) and test.left.args[0].id == name and \
            isinstance(test.left.func, S.Name) and lw._callee_object(test.left.func) is type:
        return _class_named(lw, test.comparators[0])
    return None


def _checked_class(lw, stmt, name):
    """C where `stmt` is `check_class(name, C, ...)` (runtime_values.check_class), else
    None."""
    from . import runtime_values
    call = stmt.value if isinstance(stmt, S.Expr) else None
    if isinstance(call, S.Call) and isinstance(call.func, S.Name) and len(call.args) >= 2 \
            and isinstance(call.args[0], S.Name) and call.args[0].id == name and \
            lw._callee_object(call.func) is runtime_values.check_class:
        return _class_named(lw, call.args[1])
    return None


def _is_record_of(obj):
    from . import runtime_fields, runtime_values
    return obj is runtime_values.record_of or obj is runtime_fields.object_of


def item_classes(lw, node):
    """The classes of the items of a list of objects, where they are several: a local list
    made here (`layers = [ConvLayer(f), DenseLayer(w)]`, bound once and never grown), or a
    list passed in (`for layer in self.layers`: the classes read from the value passed,
    object_facts); in the order they first appear; None otherwise."""
    if not isinstance(node, S.Name) or node.id not in lw.locals:
        return None
    if made_classes(lw, node.id):   # layer = A(w) if flag else B(w)
        return made_classes(lw, node.id)
    loop = _only_loop_binding(lw, node.id)
    value = _single_bindings(lw).get(node.id)
    if loop is None and isinstance(value, S.Subscript) and not isinstance(
            value.slice, S.Slice):   # `layer = layers[i]`
        loop = value.value, None
    key = _fact_key(lw, loop[0]) if loop is not None else None
    if key is not None or loop is not None and _static_classes(lw, loop[0]) is not None:
        # a list passed in (the classes read from it, object_facts), or one a global or a
        # closure holds (read from it now, each item's class checked where it runs)
        classes = lw.known_types.get(key + "[]") if key is not None else _static_classes(
            lw, loop[0])
        if isinstance(classes, tuple) and all(canonical_path(c) for c in classes):
            return classes
        return None
    items = loop_items(lw, loop[0]) if loop is not None else None
    if not items:
        return None
    classes = []
    for e in items:
        cls = class_of(lw, e, {node.id})
        if cls is None or canonical_path(cls) is None:
            return None
        if cls not in classes:
            classes.append(cls)
    return tuple(classes) if len(classes) > 1 else None


def dispatch(lw, node, base, classes, out, discard, lower_one):
    """`base.method(...)` where base is an item of a list holding objects of several
    classes (item_classes): a branch per class on the object's exact class, each calling
    that class's method on a name known to hold it (`lower_one(name, cls, out)` lowers that
    call); the last branch checks its class (runtime_values.check_class), so an object of
    any other class is refused where the code runs, never run through a wrong method."""
    from . import runtime_values
    from .errors import where
    method = node.func.attr
    result = None if discard else lw.namer.fresh(method)

    def branch(cls, last):
        body = []
        ref = lw.bind(canonical_path(cls), cls)
        if last:
            lw.bindings["check_class"] = runtime_values.check_class
            guard = S.Expr(value=S.Call(func=S.load("check_class"), args=[
                S.load(base.id), ref, S.const(where(lw.src.filename, lw.line))], keywords=[]))
            body.append(lw.info(guard, Kind.EFFECT, func=runtime_values.check_class))
        alias = lw.namer.fresh(cls.__name__.lower())
        lw.locals.add(alias)
        body.append(lw.assign(alias, S.load(base.id), Kind.COPY))
        known_values(lw)[alias] = cls
        known_values(lw).update(_static_item_facts(lw, node.func.value, cls, alias))
        stmt = lower_one(S.load(alias), cls, body)
        if stmt is None:
            raise lw.error(node, f"the list holds objects of class {cls.__qualname__}, which "
                           f"has no method {method!r} srcdiff can follow",
                           hint=f"give {cls.__qualname__} a method {method}, or call it on "
                                "the objects that have it")
        if result is not None:
            stmt.targets = [S.store(result)]
        body.append(stmt)
        return body

    block = branch(classes[-1], True)
    for cls in reversed(classes[:-1]):
        ref = lw.bind(canonical_path(cls), cls)
        test = S.Compare(left=S.Call(func=lw.bind("type", type), args=[S.load(base.id)],
                                     keywords=[]), ops=[S.Is()], comparators=[ref])
        inner = []
        cond = lw.temp(inner, test, Kind.OPAQUE, "is_" + cls.__name__.lower())
        body = branch(cls, False)
        inner.append(lw.info(S.If(test=cond, body=body, orelse=block), Kind.IF))
        block = inner
    out.extend(block)
    if result is None:
        return None
    return lw.assign("_", S.load(result), Kind.COPY)


def _static_classes(lw, it):
    """The class (or classes, a tuple) of the items of a list or tuple a global or a
    closure holds (`for layer in layer_specs` of an enclosing function), read from the list
    as it is now; None for any other value."""
    root, _ = S.attribute_chain(it)
    if not isinstance(root, S.Name) or root.id in lw.locals:
        return None
    try:
        value = lw._static_value(it)
    except Exception:
        return None
    return _items_classes(value) if type(value) in (list, tuple) else None


def _static_item_facts(lw, node, cls, name):
    """Facts about the objects inside the items of class `cls` of the list a global or a
    closure holds that `node` (a loop's item) iterates over (object_facts, under `name`),
    those every such item shares; {} for any other node."""
    loop = _only_loop_binding(lw, node.id) if isinstance(node, S.Name) else None
    if loop is None or _static_classes(lw, loop[0]) is None:
        return {}
    common = None
    for item in lw._static_value(loop[0]):
        if type(item) is cls:
            facts = object_facts(name, item)
            common = facts if common is None else {
                k: v for k, v in common.items() if facts.get(k) == v}
    return common or {}


def _key_of(lw, node):
    """The key `node`, a subscript, reads where it is a parameter of a constant default or
    a key its caller passes (function_dicts: checked where it runs, by object_class's
    guard); None otherwise (a constant key is read by _module_item itself)."""
    if not isinstance(node.slice, S.Name):
        return None
    from .function_dicts import _key
    key = _key(lw, node.slice)
    return None if key is None else key[0]


def object_facts(name, value):
    """Facts about the objects inside an argument (see facts_for_callee): a list's items'
    class (a tuple of classes where they are of several), an object's attributes that hold
    objects or lists of objects."""
    facts = {}
    if type(value) in (list, tuple, dict):   # the objects beside other values: pair[0]
        from .entry_classes import entry_facts
        facts.update(entry_facts(name, value))
    if type(value) in (list, tuple):
        cls = _items_classes(value)
        if cls is not None:
            facts[name + "[]"] = cls
    elif _user_object(value):
        for attr, v in sorted(getattr(value, "__dict__", {}).items()):
            if not isinstance(attr, str) or not attr.isidentifier():
                continue
            if type(v) in (list, tuple):
                cls = _items_classes(v)
                if cls is not None:
                    facts[f"{name}.{attr}[]"] = cls
            elif _user_object(v) and is_user_class(type(v)):   # not a partial (field_calls)
                facts[f"{name}.{attr}"] = type(v)
    return facts

