"""Functions used as values: what lowering makes of a call through a name (stage 3, lower:
called by lower.py, lower_calls.py, lower_exprs.py, value_builtins.py, variadic.py and
derivative.py). Takes a name, or an item of a list or tuple, that a call goes through, with
the lowering's state; gives back the function it holds (`Known`, `called_value`,
`call_held`) where it is known before the code runs, or raises a located refusal.

A function is differentiated from its source, so a call must say, before the code runs,
which function it calls. Where the callee is a value (`def rk4(f, y, ...): k1 = f(y, ...)`),
srcdiff specialises on the object passed, as it specialises a method on the class of its
object: a parameter, or a local bound once, that holds a function (`Known`) is called as
that function. Values known this way:

* functions passed in (the differentiated function's arguments, api.py) or passed on to
  the user's helpers (a module-level function, a nested def or lambda without free
  variables, a parameter known in turn): the callee is lowered per object passed;
* a local bound once to a module-level function (`act = numpy.tanh`);
* an item of a list or tuple of functions read only by items (`apply(fs[0], x)`, `fs[1](x)`):
  a display bound once, or a parameter (the code is specialised on the functions it holds);
* `functools.partial` objects: module-level ones (their arguments are constants, bound by
  the emitted module), and ones made in the function (`p = partial(g, a, k=b)`), whose
  arguments are copied into temporaries where the partial is made and passed there to g
  at each call of p (the derivative flows through them);
* bound methods of module-level objects, classmethods, staticmethods;
* a nested def or lambda reading this function's variables, and a partial made here (bound
  to a name, or written where it is passed), passed to a helper: they travel as a
  runtime_closures.Closure carrying those values (the free variables; the partial's
  arguments) as fields, which the callee reads with record_field
  where it calls the value, so their derivatives flow back to this function's variables
  (the callee cannot rebind them while it runs, so the values carried are the ones a
  Python closure would read); a function among them (a parameter holding one) is known to
  the callee too, and so is the class of an object among them (checked where the closure
  is made).

`map(f, xs)`, `sorted(xs, key=f)`, `functools.partial(...)` made here: value_builtins.py.

What cannot be followed is refused at the user's line: a closure passed on that writes into
the variables it reads (as a direct call of it is), a partial made here of a function made
here passed on, a partial whose argument is written into in place, `m = map(...)` (an
iterator).

Calls with `*args` and `**kwargs` are variadic.py's; objects and the classes srcdiff knows
them by are objects.py's, dataclasses records.py's.
"""
import functools
import inspect

from . import function_dicts, named_tuples, objects, rules
from . import syntax as S
from .objects import _single_bindings, _state, known_values  # noqa: F401 (lowering state)
from .display_items import constant_key, display_item
from .object_lists import constant_index, only_indexed
from .callables import LocalFunction, canonical_path, is_user_function
from .checkpointing import held as checkpoint_held
from .core import Kind, UserCall, assigned_names
from .known_objects import Known


def is_function_value(obj):
    """An object srcdiff specialises a call through a name on: a user function, a function
    with rules, a partial of one."""
    if isinstance(obj, functools.partial):
        return is_function_value(obj.func)
    if isinstance(obj, LocalFunction):
        return not obj.free
    if inspect.ismethod(obj):
        owner = obj.__self__ if isinstance(obj.__self__, type) else type(obj.__self__)
        if is_user_function(obj.__func__) and objects.is_user_class(owner):
            return True
    if isinstance(obj, type) or not callable(obj):
        return False
    from . import rules
    rules.load_templates()   # asked before the first derivative is made (derivative.py)
    return is_user_function(obj) or rules.lookup("reverse", obj) is not None or (
        rules.is_nondifferentiable(obj)) or rules.lookup("forward", obj) is not None


def function_items(name, value):
    """Facts for a list or tuple passed in that holds functions (derivative.py specialises on
    them): `name[i]` -> Known(item) per function item, `name.__len__` where all are; for a
    list of tuples, `name[][i]` -> Known(f) where every tuple holds the same function f at i,
    and for a list or tuple of rows, tuples of one length holding functions
    (`[(np.tanh, 0.5), (act, 2.0)]`): `name[k][i]` -> Known(f) per row k and function f at
    i, `name.__len__` and the rows' `name[].__len__` (function_items.parameter_lists)."""
    if type(value) not in (list, tuple):
        return {}
    out = {f"{name}[{i}]": Known(v) for i, v in enumerate(value)
           if callable(v) and not isinstance(v, type) and is_function_value(v)}
    if 0 < len(out) == len(value):
        out[name + ".__len__"] = len(value)
    if type(value) is list and value and all(type(r) is tuple for r in value) and len(
            {len(r) for r in value}) == 1:   # for layer, act in pairs: the one act of all rows
        out.update({f"{name}[][{i}]": Known(f) for i, f in enumerate(value[0]) if callable(
            f) and not isinstance(f, type) and is_function_value(f) and all(
            r[i] is f for r in value)})
    out.update(_row_functions(name, value, out))
    return out


def _row_functions(name, value, shared):
    """The facts of function_items for a list or tuple of rows holding functions, where not
    every row holds the same function at each index (`shared`: the `name[][i]` facts)."""
    if not value or any(type(r) is not tuple for r in value) or len(
            {len(r) for r in value}) != 1:
        return {}
    held = [(k, i, f) for k, r in enumerate(value) for i, f in enumerate(r)
            if callable(f) and not isinstance(f, type) and is_function_value(f)]
    if all(f"{name}[][{i}]" in shared for _, i, _ in held):   # none, or one per index
        return {}
    out = {f"{name}[{k}][{i}]": Known(f) for k, i, f in held}
    out[name + ".__len__"] = len(value)
    out[name + "[].__len__"] = len(value[0])
    return out


def item_held(lw, node):
    """The function `node`, a constant item of a list, tuple or dict, holds where srcdiff can
    tell: `fs[0]` of a parameter passed a list or tuple of functions (never rebound), or of
    a local bound once to a display nothing changes (or to several such displays, as a loop
    written out once per function binds its body's, all holding the same function there),
    `fs["relu"]` of a dict display with constant keys (display_items); None otherwise."""
    key = constant_key(node.slice) if isinstance(node, S.Subscript) else None
    if key is not None and isinstance(node.value, S.Subscript):
        return _row_item(lw, node)   # layers[1][0] of rows passed in
    if key is not None and isinstance(node.value, S.Tuple):   # a row of those, indexed
        item = display_item(node.value, node.slice)            # ((layers[1][0], ...)[0])
        return _row_item(lw, item) if isinstance(item, S.Subscript) and isinstance(
            item.value, S.Subscript) else None
    if key is None or not isinstance(node.value, S.Name) or node.value.id not in lw.locals:
        obj = function_dicts.item_held(lw, node)   # ACTS["tanh"], ACTS[act]
        return obj if is_function_value(obj) or called_value(lw, obj) else None
    name = node.value.id
    if not only_indexed(lw, name):
        return None
    if name in lw.params and name not in assigned_names(lw.fdef.body):
        i = constant_index(node.slice)
        known = lw.known_types.get(f"{name}[{i}]") if i is not None else None
        if known is None and i is not None and i < 0:
            n = lw.known_types.get(name + ".__len__")
            known = lw.known_types.get(f"{name}[{i + n}]") if n is not None else None
        return known.obj if isinstance(known, Known) else None
    value = _single_bindings(lw).get(name)
    if value is None:   # bound once per copy of a loop written out: the same item in each
        found = [_item_of(lw, node, v) for v in objects.display_rebindings(lw, name) or ()]
        same = found and found[0] is not None and all(f == found[0] for f in found)
        return found[0] if same else None
    return _item_of(lw, node, value)


def _row_item(lw, node):
    """The function `layers[k][i]` holds, of a parameter passed a list or tuple of rows
    holding functions (function_items' `name[k][i]` facts), never rebound and read only by
    items; None otherwise."""
    from .core import assigned_names
    row = node.value
    k, i = constant_index(row.slice), constant_index(node.slice)
    if not isinstance(row.value, S.Name) or k is None or i is None:
        return None
    name = row.value.id
    if name not in lw.params or name in assigned_names(lw.fdef.body) or \
            not only_indexed(lw, name):
        return None
    n, width = (lw.known_types.get(name + tail) for tail in (".__len__", "[].__len__"))
    if type(n) is not int or type(width) is not int or not (-n <= k < n and -width <= i < width):
        return None
    known = lw.known_types.get(f"{name}[{k % n}][{i % width}]")
    return known.obj if isinstance(known, Known) else None


def _item_of(lw, node, value):
    """The function held by the item of the display `value` that `node` reads, or None."""
    if node.value.id not in lw.locals or objects._grown(lw, node.value.id):
        return None
    item = display_item(value, node.slice)
    if item is None:
        return None
    if isinstance(item, S.Subscript) and item is not node:
        return item_held(lw, item)   # gs = (cube, fs[0])
    if isinstance(item, S.Name) and item.id in lw.local_functions:
        local = lw.local_functions[item.id]
        return None if local.free else local
    if isinstance(item, S.Name) and item.id in lw.locals:
        return held(lw, item.id)
    if isinstance(item, (S.Name, S.Attribute)) and lw._global_path(item) is not None:
        obj = lw._callee_object(item)
        if obj is not None and (is_function_value(obj) or called_value(lw, obj)):
            return obj
    return None


class LocalPartial:
    """`p = functools.partial(fn, a, k=b)` made in the function: fn and the atoms holding
    the arguments where p was made."""

    def __init__(self, fn, args, keywords):
        self.fn, self.args, self.keywords = fn, args, keywords


def held(lw, name):
    """What the local `name` is known to hold when called (a function, a partial, a
    LocalPartial), or None."""
    from .core import assigned_names
    known = lw.known_types.get(name)
    if isinstance(known, Known) and name in lw.params and name not in assigned_names(
            lw.fdef.body):
        return known.obj
    value = _single_bindings(lw).get(name)   # (None: no case below)
    if id(value) in _state(lw)["partials"]:
        return _state(lw)["partials"][id(value)]
    if isinstance(value, (S.Name, S.Attribute)) and lw._global_path(value) is not None:
        obj = lw._callee_object(value)
        if obj is not None and is_function_value(obj):
            return obj
    if isinstance(value, S.Name) and value.id in lw.locals and value.id != name:
        return held(lw, value.id)
    if isinstance(value, S.Subscript):   # f = fs[0]: an item of a list of functions
        obj = item_held(lw, value)
        if obj is None:   # act = row[1] of row = pairs[j]: the function every row holds
            from .entry_classes import entry_key, row_entry
            entry = row_entry(lw, value)
            known = lw.known_types.get(entry_key(*entry)) if entry is not None else None
            obj = known.obj if isinstance(known, Known) else None
        return obj
    if isinstance(value, S.Call):   # step = srcdiff.checkpoint(cell): the checkpointed cell
        return checkpoint_held(lw, value)
    if value is None and name not in lw.params:   # layer, act = pair: pair[1]'s function
        from .entry_classes import entry_key, looped_entry, unpacked_entry
        entry = unpacked_entry(lw, name) or looped_entry(lw, name)   # for layer, act in pairs
        known = lw.known_types.get(entry_key(*entry)) if entry is not None else None
        return known.obj if isinstance(known, Known) else None
    return None


def called_value(lw, obj):
    """A module-level object called by name that is a function value of another kind: a
    partial, a bound method of a module-level object or class (classmethod)."""
    if rules.lookup("reverse", obj) is not None or rules.lookup("forward", obj) is not None \
            or rules.is_nondifferentiable(obj) or rules.not_implemented_hint(obj) is not None:
        return None   # scipy.stats.norm.logpdf: a bound method with rules of its own
    if isinstance(obj, functools.partial) and is_function_value(obj):
        return obj
    if inspect.ismethod(obj) and is_user_function(obj.__func__) and objects.is_user_class(
            obj.__self__ if isinstance(obj.__self__, type) else type(obj.__self__)):
        return None if named_tuples.is_make(obj) else obj   # P._make: records.make_record
    return None


def call_held(lw, node, obj, out, discard, ref=None):
    """The call `node` of a value known to be `obj`; `ref` names it in emitted code (a
    parameter or local; None: the module-level name the call is written with)."""
    function_dicts.guard(lw, node.func, obj, ref, out)   # ACTS[act]: checked where it runs
    args, keywords = arguments(lw, node, obj, out)
    if ref is None and lw._global_path(node.func) is not None:
        ref = lw.global_value(node.func, out)
    return _call_with(lw, node, obj, args, keywords, out, discard, ref)


def _part(lw, ref, attr, out, key=None):
    """An atom for ref.attr (ref.attr[key]): a part of a function value, read where it is
    called (a partial's function and arguments, a bound method's object)."""
    atom = lw.temp(out, S.Attribute(value=ref, attr=attr, ctx=S.Load()), Kind.ATTRIBUTE,
                   attr.strip("_"))
    lw.locals.add(atom.id)
    if key is not None:
        atom = lw.temp(out, S.Subscript(value=atom, slice=S.const(key), ctx=S.Load()),
                       Kind.SUBSCRIPT, f"{attr.strip('_')}_{key}")
        lw.locals.add(atom.id)
    return atom


def _call_with(lw, node, obj, args, keywords, out, discard, ref):
    if isinstance(obj, LocalPartial):
        kws = {k.arg for k in keywords}
        merged = [S.keyword(arg=k, value=v) for k, v in obj.keywords.items() if k not in kws]
        return _call_with(lw, node, obj.fn, list(obj.args) + args, merged + keywords, out,
                          discard, _local_ref(lw, obj.fn))
    if isinstance(obj, functools.partial):
        fixed = [_part(lw, ref, "args", out, i) for i in range(len(obj.args))]
        given = {k.arg for k in keywords}
        merged = [S.keyword(arg=k, value=_part(lw, ref, "keywords", out, k))
                  for k in obj.keywords if k not in given]
        inner = None if canonical_path(obj.func) is not None else _part(lw, ref, "func", out)
        if isinstance(obj.func, (functools.partial,)) or inspect.ismethod(obj.func):
            inner = _part(lw, ref, "func", out)
        return _call_with(lw, node, obj.func, fixed + args, merged + keywords, out, discard,
                          inner)
    if inspect.ismethod(obj):
        owner = obj.__self__
        me = _part(lw, ref, "__self__", out)
        if not isinstance(owner, type):
            known_values(lw)[me.id] = type(owner)   # its methods are followed in turn
            known_values(lw).update(objects.object_facts(me.id, owner))
        else:   # a classmethod: its cls(...) makes an object of that class (factories.py)
            known_values(lw)[me.id] = Known(owner)
        fn = obj.__func__
        inner = None if canonical_path(fn) is not None else _part(lw, ref, "__func__", out)
        return _call_with(lw, node, fn, [me] + args, keywords, out, discard, inner)
    if isinstance(obj, PassedPartial):
        fixed = [_field(lw, ref, f"arg{i}", out) for i in range(obj.nargs)]
        if obj.owner is not None:   # a bound method's object: its class, checked where made
            known_values(lw)[fixed[0].id] = obj.owner
        given = {k.arg for k in keywords}
        merged = [S.keyword(arg=k, value=_field(lw, ref, f"kw_{k}", out))
                  for k in obj.keywords if k not in given]
        return _call_with(lw, node, obj.fn, fixed + args, merged + keywords, out, discard,
                          None)
    if isinstance(obj, LocalFunction):
        if obj.free and obj not in lw.local_functions.values():
            return _call_closure(lw, node, obj, args, keywords, out, discard, ref)
        if obj.free:
            return _call_local(lw, node, obj, args, keywords, discard)
        if ref is None:
            ref = S.load(_local_name(lw, obj))
    if ref is None and canonical_path(obj) is None:
        raise lw.error(node, "srcdiff cannot tell how to name this function in the code it "
                       "emits", hint="call a function defined at module level")
    return lw.call_object(node, node.func, obj, args, keywords, out, discard, ref)


def _call_closure(lw, node, local, args, keywords, out, discard, ref):
    """A call, in a callee, of a nested function of the caller that reads the caller's
    variables: they are the fields of the Closure passed (`ref`), read here and passed to
    the nested function's lifted copy as _call_local passes them."""
    if ref is None:
        raise lw.error(node, "srcdiff cannot tell how to name this function in the code it "
                       "emits", hint="call a function defined at module level")
    free = [_carried(lw, ref, v, out) for v in local.free]
    args, _ = lw._bind_user_call(node, local, args, keywords)
    args = args[:len(local.own_params)] + free
    lw._check_argument_writes(node, local, args, out)   # into its own or carried values
    value = S.Call(func=ref, args=args[:len(local.own_params)], keywords=[])
    stmt = lw._result(value, Kind.CALL, local, discard)
    stmt.sd.user_call = UserCall("local", tuple(args))
    return stmt


def _carried(lw, ref, name, out):
    """A free variable of a closure passed here (`ref`): its field; a function it is known
    to hold (_pass_closure noted it, the code is specialised on it) by its own name where it
    has one, so that code differentiating this code again knows it too."""
    fact = lw.known_types.get(f"{ref.id}.{name}") if isinstance(ref, S.Name) else None
    if isinstance(fact, type):   # an object's class, checked where the closure was made
        atom = _field(lw, ref, name, out)
        known_values(lw)[atom.id] = fact
        return atom
    if not isinstance(fact, Known):
        return _field(lw, ref, name, out)
    path = canonical_path(fact.obj)
    if path is None or isinstance(fact.obj, (LocalFunction, functools.partial)):
        atom = _field(lw, ref, name, out)
    else:
        stem = getattr(fact.obj, "__name__", "function")
        atom = lw.temp(out, lw.bind(path, fact.obj), Kind.OPAQUE,
                       stem if isinstance(stem, str) and stem.isidentifier() else "function")
        lw.locals.add(atom.id)
    known_values(lw)[atom.id] = fact
    return atom


def _field(lw, ref, name, out):
    """An atom for a value a Closure carries (runtime_closures), read as a record's field."""
    from . import runtime_values
    lw.bindings["record_field"] = runtime_values.record_field
    atom = lw.temp(out, S.Call(func=S.load("record_field"), args=[ref, S.const(name)],
                               keywords=[]), Kind.CALL, name.lstrip("_") or "field",
                   func=runtime_values.record_field)
    lw.locals.add(atom.id)
    return atom


class PassedPartial:
    """A functools.partial made in a calling function, as its callee knows it: the function,
    and how many positional arguments and which keywords it carries (the fields arg0, ...,
    kw_<name> of the Closure passed), and the class of the object it carries first where
    it is a bound method (`apply(layer.forward, x)`: objects.bound_method)."""

    def __init__(self, fn, nargs, keywords, owner=None):
        self.fn, self.nargs, self.keywords, self.owner = fn, nargs, tuple(keywords), owner


def _closure(lw, fn_atom, names, items, out, stem, make="closure_of"):
    """closure_of(fn, names, [items]): a function value made here, passed to a helper with
    the values it carries (runtime_closures.Closure), whose derivatives flow back to them."""
    from . import runtime_closures
    listed = lw.temp(out, S.List(elts=list(items), ctx=S.Load()), Kind.DISPLAY, "carried")
    lw.locals.add(listed.id)
    helper = getattr(runtime_closures, make)
    lw.bindings[make] = helper
    atom = lw.temp(out, S.Call(func=S.load(make), args=[
        fn_atom, S.const(tuple(names)), listed], keywords=[]), Kind.CALL, stem, func=helper)
    lw.locals.add(atom.id)
    return atom


def _pass_closure(lw, name, local, out):
    """The nested function `name` reading this function's variables, passed on: a Closure
    carrying their values now (the callee cannot rebind them while it runs)."""
    atom = _closure(lw, S.load(name), local.free, [S.load(v) for v in local.free], out,
                    name + "_closure")
    known_values(lw)[atom.id] = Known(local)
    for v in local.free:   # a function it reads (a parameter holding one): for the callee
        obj = held(lw, v) if v in lw.locals else None
        if obj is not None and not isinstance(obj, LocalPartial):
            known_values(lw)[f"{atom.id}.{v}"] = Known(obj)
        elif v in lw.locals:   # an object it reads: its class (checked here), for the callee
            cls = lw.known_types.get(v) or known_values(lw).get(v) or objects.object_class(
                lw, S.load(v), S.load(v), out)
            if isinstance(cls, type) and objects.is_user_class(cls):
                known_values(lw)[f"{atom.id}.{v}"] = cls
    return atom


def _pass_partial(lw, node, name, partial, out):
    """A functools.partial made here, passed on: a Closure carrying the partial's
    arguments (as the partial holds them, copied where it was made)."""
    fn = partial.fn
    if isinstance(fn, (LocalPartial, LocalFunction)) or canonical_path(fn) is None:
        raise lw.error(node, f"{name} is a functools.partial of a function made in this "
                       "function, which srcdiff cannot pass to another function",
                       hint="make the partial of a function defined at module level")
    kws = list(partial.keywords)
    names = [f"arg{i}" for i in range(len(partial.args))] + [f"kw_{k}" for k in kws]
    items = list(partial.args) + [partial.keywords[k] for k in kws]
    # the function itself, not the partial made of the values here: no derivative flows
    # through it (the values reach the callee as the Closure's fields)
    ref = lw.bind(canonical_path(fn), fn)
    atom = _closure(lw, ref, names, items, out, name + "_closure", "partial_of")
    known_values(lw)[atom.id] = Known(PassedPartial(fn, len(partial.args), kws))
    return atom


def _local_ref(lw, fn):
    if isinstance(fn, LocalFunction):
        return S.load(_local_name(lw, fn))
    return None


def _local_name(lw, local):
    for name, fn in lw.local_functions.items():
        if fn is local:
            return name
    return local.__name__


def _call_local(lw, node, local, args, keywords, discard):
    """A nested def or lambda of this function, called with lowered arguments (its free
    variables are passed to its lifted copy, as lower.call does)."""
    args, _ = lw._bind_user_call(node, local, args, keywords)
    args = args[:len(local.own_params)] + [S.load(v) for v in local.free]
    value = S.Call(func=S.load(_local_name(lw, local)), args=args[:len(local.own_params)],
                   keywords=[])
    stmt = lw._result(value, Kind.CALL, local, discard)
    stmt.sd.user_call = UserCall("local", tuple(args))
    return stmt


# -- arguments -----------------------------------------------------------------------
def arguments(lw, node, obj, out):
    """The call's arguments lowered to atoms; where the callee is the user's function, the
    function values among them are noted (their callee is specialised on them)."""
    user = is_user_function(obj) or isinstance(obj, (LocalPartial, functools.partial)) or (
        inspect.ismethod(obj))
    args = [argument(lw, a, out) if user else lw.expr(a, out) for a in node.args]
    keywords = [S.keyword(arg=k.arg, value=argument(lw, k.value, out) if user
                          else lw.expr(k.value, out)) for k in node.keywords]
    return args, keywords


def argument(lw, node, out):
    """One argument of a call to the user's function: a function value passed is noted in
    known_values (a module-level one gets a local name first), others lowered as usual."""
    if isinstance(node, S.Lambda):
        return lambda_value(lw, node, out, passed=True)
    from .markers import provided
    derivative = provided("derivative_passed")(lw, node)   # apply(srcdiff.grad(f), w)
    if derivative is not None:   # (compose_calls: the callee calls it as the derivative)
        ref = lw.bind(lw.namer.fresh("derivative"), derivative)
        atom = lw.temp(out, ref, Kind.OPAQUE, "derivative")
        lw.locals.add(atom.id)
        known_values(lw)[atom.id] = Known(derivative)
        return atom
    if isinstance(node, (S.Name, S.Attribute)) and lw._global_path(node) is not None:
        obj = lw._callee_object(node)
        if obj is not None and (is_function_value(obj) or called_value(lw, obj)):
            stem = getattr(obj, "__name__", "function")
            stem = stem if stem.isidentifier() else "function"
            atom = lw.temp(out, lw.global_value(node, out), Kind.OPAQUE, stem)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = Known(obj)
            return atom
        if obj is not None and (objects._user_object(obj) or (type(obj) in (list, tuple) and
                                                       objects._items_class(obj) is not None)):
            # a module-level object: its class (and those of the objects it holds) for the
            # callee; a rebinding of the name makes the code again (frontend.py)
            stem = type(obj).__name__.lower() if objects._user_object(obj) else "items"
            atom = lw.temp(out, lw.global_value(node, out), Kind.OPAQUE, stem)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = type(obj)
            known_values(lw).update(objects.object_facts(atom.id, obj))
            return atom
    method = objects.bound_method(lw, node)
    if method is not None:   # apply(layer.forward, x): the class's function, the object
        me = lw.expr(node.value, out)
        objects.object_class(lw, node.value, me, out)
        atom = _pass_partial(lw, node, "method", LocalPartial(method, [me], {}), out)
        known_values(lw)[atom.id].obj.owner = objects.class_of(lw, node.value, set())
        return atom
    item = item_held(lw, node)
    if item is not None:   # apply(fs[0], x): the function the item holds, for the callee
        atom = lw.expr(node, out)
        if isinstance(atom, S.Name):
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = Known(item)
        return atom
    from .record_notes import noted_made   # g(D(w, b), x): D, for g
    atom = noted_made(lw, node, lw.expr(node, out), out)
    made = _state(lw)["partials"].get(id(node)) if isinstance(node, S.Call) else None
    if made is not None and isinstance(atom, S.Name):   # apply(functools.partial(g, k=a), x)
        lw.locals.add(atom.id)
        return _pass_partial(lw, node, "partial", made, out)
    if isinstance(atom, S.Name) and atom.id in lw.locals:
        name = atom.id
        local = lw.local_functions.get(name)
        if local is not None:
            if local.free:
                return _pass_closure(lw, name, local, out)
            known_values(lw)[name] = Known(local)
            return atom
        if isinstance(node, S.Name) and name not in lw.known_types:
            objects.object_class(lw, node, atom, out)   # an object's class, for the callee (checked)
        obj = held(lw, name)
        if isinstance(obj, LocalPartial):
            return _pass_partial(lw, node, name, obj, out)
        if obj is not None:
            known_values(lw)[name] = Known(obj)
    return atom


def lambda_value(lw, node, out, passed=False):
    """A lambda written where a value is expected: a nested function of its own name."""
    name = lw.namer.fresh("function")
    lw.locals.add(name)
    written = node
    from .lower_funcs_defaults import hoisted
    node = hoisted(lw, name, node, out)
    local = lw.local_function(name, node)
    lw.lambda_names = getattr(lw, "lambda_names", {})
    lw.lambda_names[id(written)] = name   # fs = [lambda t: ..., ...]: fs[0] is this name
    out.append(lw.assign(name, lw.as_written(node), Kind.OPAQUE))
    if passed and local.free:
        return _pass_closure(lw, name, local, out)
    if not local.free:
        known_values(lw)[name] = Known(local)
    return S.load(name)
