"""Functions held in a field of the objects of a list passed in or made here (stage 3,
lower: called by lower_calls.py and derivative.py). Takes the lowering's state, a call
`p.act(...)` where p is an item of such a list (`for p in layers:`) and the list's values
when the code is compiled (derivative.py reads them); gives back the facts read from the
list (`layers[].act`: the function every item holds, or the functions the items hold), the
lowered call (a branch per function where the items hold several), or None where the call
is of another form (field_calls.py then follows it or refuses it).

`Layer(w, act=numpy.tanh)` objects in a list passed in: the functions their fields hold
are read from the values passed, as field_calls.field_facts reads those of an object passed
in, and are part of what the code is compiled for; in a list made here (a display, a
comprehension, one grown only by its own .append calls), the function each item's call
gives the field (or its default: field_calls._given). Where every item holds the same
function, the call is the call of that function (checked where it runs: the field read
must hold it, runtime_fields.check_field_function); where they hold several, it is a
branch per function on the field's value (`if act is numpy.tanh:`, the exact object), the
last branch checking its function, so an item holding another function is refused where
the code runs, never differentiated through a wrong one. A method called on the items
(`layer(x)`, reading `self.act`) is followed with the function the field holds: one known
to all items is noted for it; for several, the call is a branch per function (dispatch).
"""
from . import syntax as S
from . import values
from .core import Kind
from .objects import _fact_key, _only_loop_binding, _user_object, known_values


def item_field_facts(name, value):
    """{name + '[].attr': Known(fn)} for each attribute every item of the list or tuple
    `value` (objects of the user's classes) holds a function value in, where all hold the
    same one; a tuple of Known, in the items' order, where they hold several; for an object
    of the user's, those of the lists its attributes hold (name.attr[].act); {} else."""
    if _user_object(value) and type(value) not in (list, tuple):   # self.layers[].act
        facts = {}
        for attr, v in sorted(getattr(value, "__dict__", {}).items()):
            if isinstance(attr, str) and attr.isidentifier() and type(v) in (list, tuple):
                facts.update(item_field_facts(f"{name}.{attr}", v))
        return facts
    items = list(value) if type(value) in (list, tuple) else []
    if not items or not all(_user_object(v) and hasattr(v, "__dict__") for v in items):
        return {}
    shared = set.intersection(*(set(vars(v)) for v in items))
    facts = {}
    for attr in sorted(a for a in shared if isinstance(a, str) and a.isidentifier()):
        held = [vars(v)[attr] for v in items]
        if not all(callable(h) and not isinstance(h, type) and values.is_function_value(h)
                   for h in held):
            continue
        distinct = []
        for h in held:
            if not any(h is d for d in distinct):
                distinct.append(h)
        facts[f"{name}[].{attr}"] = values.Known(distinct[0]) if len(distinct) == 1 else \
            tuple(values.Known(d) for d in distinct)
    return facts


def list_key(lw, node):
    """'layers' where `node` is the item of a loop over a list whose facts were read from
    the values passed (`for p in layers`, `for p in self.layers[1:]`), else None."""
    loop = _only_loop_binding(lw, node.id) if isinstance(node, S.Name) else None
    if loop is None:
        return None
    it = loop[0].value if isinstance(loop[0], S.Subscript) and isinstance(
        loop[0].slice, S.Slice) else loop[0]
    return _fact_key(lw, it)


def item_facts(lw, node, name):
    """The functions every item's field holds, noted under `name` (the item's atom) for the
    methods called on it: {name.attr: Known(fn)}."""
    key = list_key(lw, node)
    if key is None:
        made = _made_items(lw, node)
        fields = _fields(lw, made[0]) if made else ()
        found = {a: _given_functions(lw, made, a) for a in fields}
        return {f"{name}.{a}": fns[0] for a, fns in found.items() if fns and len(fns) == 1}
    stem = key + "[]."
    return {name + "." + k[len(stem):]: v for k, v in lw.known_types.items()
            if k.startswith(stem) and isinstance(v, values.Known)}


def _made_items(lw, node):
    """The item expressions of the list made here (a display, a comprehension, grown only
    by its own .append calls: objects' _local_items) the loop item `node` iterates, else
    None."""
    from .objects import _local_items
    loop = _only_loop_binding(lw, node.id) if isinstance(node, S.Name) else None
    return _local_items(lw, loop[0]) if loop is not None else None


def _fields(lw, item):
    from .objects import class_of
    from .records import record_fields
    cls = class_of(lw, item, set())
    return tuple(record_fields(cls) or ()) if isinstance(cls, type) else ()


def _given_functions(lw, items, attr):
    """The distinct functions (Known, in the items' order) each item made here gives its
    field `attr` (`Layer(w, np.tanh)`, or the field's default), or None where one cannot
    be told."""
    from .field_calls import _given
    from .objects import class_of
    found = []
    for e in items:
        cls = class_of(lw, e, set())
        fn = _given(lw, e, cls, attr) if isinstance(cls, type) else None
        if fn is None or isinstance(fn, values.LocalPartial):
            return None
        if not any(fn is k.obj for k in found):
            found.append(values.Known(fn))
    return found


def choices(lw, node, attr):
    """The functions the field `attr` of the loop item `node` may hold: a list of Known (one
    where every item holds the same), or None where nothing was read for it."""
    key = list_key(lw, node)
    if key is None:   # a list made here: what each item was given
        made = _made_items(lw, node)
        return _given_functions(lw, made, attr) if made else None
    known = lw.known_types.get(f"{key}[].{attr}") if key is not None else None
    if isinstance(known, values.Known):
        return [known]
    if isinstance(known, tuple) and known and all(isinstance(k, values.Known) for k in known):
        return list(known)
    return None


def call_item_field(lw, node, base, cls, out, discard):
    """`p.act(...)` where p is the item of a list passed in and `act` a field of its class
    (see the module): the lowered call; None for any other call."""
    from . import field_calls
    attr = node.func.attr
    if discard or not isinstance(base, S.Name) or attr not in field_calls.instance_fields(
            cls) or field_calls._sets_attributes(lw):
        return None   # (a value dropped: field_calls.py's, the call is of one function)
    found = choices(lw, node.func.value, attr)
    if found is None:
        return None
    from .field_calls import read_field   # (not on the plain path: test_transform)
    read = read_field(lw, base, cls, attr, out)

    def one(fn, body):
        return values.call_held(lw, node, fn, body, False, _named(lw, fn, cls, attr)[1])
    return _branches(lw, read, [k.obj for k in found], cls, attr, one, out)


def call_item_method(lw, node, base, cls, out, discard, lower_one):
    """`layer.forward(x)` (`layer(x)`) on the item of a list passed in whose items' field
    holds one of several functions: a branch per function on the field's value, each
    calling the method on a name noted to hold an object whose field holds that function
    (`lower_one(name, cls, out)` lowers that call); None where no field of cls holds
    several (the method is then called as any other: one function is noted by
    note_items), or the call's value is dropped."""
    from . import field_calls
    if discard or not isinstance(base, S.Name) or field_calls._sets_attributes(lw):
        return None
    several = [(a, c) for a in sorted(field_calls.instance_fields(cls))
               for c in [choices(lw, node.func.value, a)] if c is not None and len(c) > 1]
    if len(several) != 1:   # (two fields of several functions each: not followed)
        return None
    attr, found = several[0]
    from .field_calls import read_field   # (not on the plain path: test_transform)
    read = read_field(lw, base, cls, attr, out)

    def one(fn, body):
        alias = lw.namer.fresh(cls.__name__.lower())
        lw.locals.add(alias)
        body.append(lw.assign(alias, S.load(base.id), Kind.COPY))
        known_values(lw)[alias] = cls
        known_values(lw).update(item_facts(lw, node.func.value, alias))
        known_values(lw)[f"{alias}.{attr}"] = values.Known(fn)
        return lower_one(S.load(alias), cls, body)
    return _branches(lw, read, [k.obj for k in found], cls, attr, one, out)


def _branches(lw, read, fns, cls, attr, one, out):
    """A branch per function of `fns` on `read is fn` (the last checking that the field
    holds it), each the statement `one(fn, body)` makes: the value they bind."""
    from . import runtime_fields
    from .errors import where
    result = lw.namer.fresh(attr)

    def branch(fn, last):
        body = []
        if last:
            check = runtime_fields.check_field_function
            lw.bindings[check.__name__] = check
            guard = S.Expr(value=S.Call(func=S.load(check.__name__), args=[
                read, _named(lw, fn, cls, attr)[0], S.const(where(lw.src.filename, lw.line))],
                keywords=[]))
            body.append(lw.info(guard, Kind.EFFECT, func=check))
        stmt = one(fn, body)
        stmt.targets = [S.store(result)]
        body.append(stmt)
        return body

    block = branch(fns[-1], True)
    for fn in reversed(fns[:-1]):
        inner = []
        test = S.Compare(left=read, ops=[S.Is()], comparators=[_named(lw, fn, cls, attr)[0]])
        cond = lw.temp(inner, test, Kind.OPAQUE, "is_" + attr)
        inner.append(lw.info(S.If(test=cond, body=branch(fn, False), orelse=block), Kind.IF))
        block = inner
    out.extend(block)
    return lw.assign("_", S.load(result), Kind.COPY)


def _named(lw, fn, cls, attr):
    """(how the emitted code names fn, the reference its call is made through: None where
    it is called by its own module path)."""
    import inspect

    import numpy

    from .callables import canonical_path
    from .records import bound_name
    path = canonical_path(fn) if inspect.isroutine(fn) or isinstance(fn, numpy.ufunc) \
        else None
    if path is not None and not path.startswith("__main__"):
        return lw.bind(path, fn), None
    named = bound_name(lw, fn, f"{cls.__name__}_{attr}")
    return named, named


def note_items(lw, node, base):
    """Note, for the methods called on the loop item `node` (lowered to `base`), the
    functions every item's fields hold (item_facts)."""
    if isinstance(base, S.Name):
        known_values(lw).update(item_facts(lw, node, base.id))
