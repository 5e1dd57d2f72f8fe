"""Operators on objects of the user's classes lowered as the calls of their methods (stage 3,
lower: called by lower_exprs.py and protocol_objects.py). Takes the lowering's state and an
expression or update of the user's; gives back the call it means, lowered (`lower`), or the
assignment an update means (`update`), or None where no operand is an object of a class of
the user's that srcdiff knows, or raises a located refusal. What Python calls is read by
operator_methods.py (given objects.class_of, which reads it in turn: that module imports
neither); this one lowers it, with the checks of where the code runs:
runtime_checks.check_operands (the operands are of the classes the method was chosen for)
and check_implemented (a method that may decline did not); a method testing its operand, a
number or an array, against number classes (`isinstance(o, (int, float))`) is called in
the branch of that test made where the code runs (`_dispatched`). operator_methods and
state_methods are imported where an object of the user's class is met: a plain function's
operators are only guarded (`guard_operands`).
"""
from . import runtime_checks
from . import syntax as S
from .core import Kind
from .errors import where
from .objects import class_of, object_class


def call_for(lw, node, strict=True):
    """operator_methods.call_for, with objects.class_of."""
    from . import operator_methods
    return operator_methods.call_for(lw, node, class_of, strict)


def _class(lw, node):
    from . import operator_methods
    return operator_methods._class(lw, node, class_of)


def update(lw, stmt):
    """`v += w` (an AugAssign on a name) as the assignment it means where v or w is an object
    of the user's class: `v = v.__iadd__(w)`, or `v = v + w`; None otherwise. An __iadd__
    writing v's fields is followed where it gives back v itself on every path (`self.w =
    self.w + o; return self`: state_methods.call, where v is the one holder of its object,
    field_writes.record_held_once), refused otherwise."""
    from . import operator_methods, state_methods
    from .operator_methods import _as_binop, _sign
    value = operator_methods.update_call(lw, stmt, class_of)
    operator = getattr(value, "sd_operator", None)
    if operator is not None and state_methods._writes_self(operator[1], operator[0]) and \
            not operator_methods.returns_self(operator[1]):
        cls, name, me = operator[0].__name__, value.func.attr, stmt.target.id
        sign = _sign(_as_binop(stmt))
        raise lw.error(stmt, f"srcdiff cannot follow {cls}.{name} here: it changes {me}'s "
                       "fields in place, and srcdiff follows operators that make a new "
                       "object", hint=f"return a new object from {name} ({cls}(...)), or "
                       f"define only {name.replace('__i', '__', 1)} ({me} {sign}= w then "
                       f"means {me} = {me} {sign} w)")
    if value is None:
        return None
    return S.place_unplaced(S.Assign(targets=[S.store(stmt.target.id)], value=value,
                                     type_comment=None), stmt)


def lower(lw, call, out, target):
    """`target = call` lowered (a method call `call_for` gave): its operands are lowered
    first, each object's class noted for the call; where the code runs, that Python calls
    that method for the operands passed is checked (runtime_checks.check_operands) and,
    for a method that may decline, that it did not (check_implemented)."""
    from . import state_methods
    from .operator_methods import operand_classes
    cls, fn, declines = call.sd_operator
    me = lw.expr(call.func.value, out)
    args = [lw.expr(a, out) for a in call.args]
    for atom in [me] + args:
        if isinstance(atom, S.Name):
            lw.locals.add(atom.id)   # (a temporary: read as a local, not a global)
    here = S.const(where(lw.src.filename, lw.line))
    operands = getattr(call, "sd_operands", None)
    if operands is not None:   # a binary operator: (left, right) as Python passes them
        left, right = operands[:2]
        lcls, rcls = _class(lw, left), _class(lw, right)
        latom, ratom = (me, args[0]) if call.func.value is left else (args[0], me)
        for atom, c in ((latom, lcls), (ratom, rcls)):
            if c is not None and isinstance(atom, S.Name):
                operand_classes(lw)[atom.id] = c
        _guard(lw, out, runtime_checks.check_operands, [
            latom, ratom, _class_ref(lw, lcls), _class_ref(lw, rcls), here])
        if (rcls if call.func.value is left else lcls) is None and args and \
                _tests_operand(fn):
            args[0] = _told_plain(lw, args[0], out)
            tested = _number_tests(fn)   # isinstance(o, (int, float)): run where it runs
            if tested is not None and not declines and not call.func.attr.startswith("__i"):
                return _dispatched(lw, call, me, args[0], tested, out, target)
    else:
        for atom, node in zip([me] + args, [call.func.value] + call.args):
            c = cls if atom is me else _class(lw, node)
            if c is not None and isinstance(atom, S.Name):
                operand_classes(lw)[atom.id] = c
        if _in_place(call.func.attr) and args and _class(lw, call.args[0]) is None and \
                _tests_operand(fn):   # v += 2.0, __iadd__ testing isinstance(o, V)
            _guard(lw, out, runtime_checks.check_operands, [
                me, args[0], _class_ref(lw, cls), S.const(None), here])
            args[0] = _told_plain(lw, args[0], out)
    lowered = S.Call(func=S.Attribute(value=me, attr=call.func.attr, ctx=S.Load()),
                     args=args, keywords=[])
    S.place_unplaced(lowered, call)
    made = lw.namer.fresh(target) if declines else target   # (checked, then bound)
    if call.func.attr.startswith("__i"):   # v.__iadd__(w): the class's method (lower_calls
        from .values import argument       # takes a method of that name for a list's)
        args = [argument(lw, a, out) for a in args]
        object_class(lw, me, me, out)
        stmt = state_methods.call(lw, lowered, me, cls, args, [], out, False) or \
            lw._class_method(lowered, me, cls, args, [], out, False)
        stmt.targets = [S.store(made)]
    else:
        stmt = lw.operation(lowered, out, made)
    if declines:
        lw.locals.add(made)
        out.append(stmt)
        _guard(lw, out, runtime_checks.check_implemented, [
            S.load(made), S.const(f"{cls.__qualname__}.{call.func.attr}"), S.clone(here)])
        return lw.assign(target, S.load(made), Kind.COPY)
    return stmt


def _tests_operand(fn):
    """Whether the operator method fn tests the class of its operand (its second positional
    parameter: `isinstance(o, V)`), which class_tests.py answers where it is told."""
    import inspect
    from .class_tests import tested_params
    params = [p.name for p in inspect.signature(fn).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(params) >= 2 and params[1] in tested_params(fn)


def _number_tests(fn):
    """The classes of the one test of the operator method fn's operand that a number or an
    array may pass or fail (class_tests.number_tests), or None."""
    import inspect
    from .class_tests import number_tests
    params = [p.name for p in inspect.signature(fn).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return number_tests(fn, params[1]) if len(params) >= 2 else None


def _dispatched(lw, call, me, operand, classes, out, target):
    """`target = me.<method>(operand)` where the method tests `isinstance(o, classes)` of
    its operand, a number or an array (checked just before) that may pass or fail it (a
    Python float and a NumPy float64 are floats; a 0-d array, a float32 are not): the test
    is made where the code runs, and each branch calls the method's variant for its answer
    (class_tests.INSTANCE_OF), so no answer is guessed before the code runs."""
    from .class_tests import INSTANCE_OF, NUMBER_OR_ARRAY
    from .objects import known_values
    cond = lw.namer.fresh("is_instance")
    lw.bindings["isinstance"] = isinstance
    shown = "_".join(c.__name__ for c in classes)   # (the classes given by name: an atom)
    tested = next((n for n, v in lw.bindings.items() if v == classes and n.startswith(
        shown)), None) or lw.namer.fresh(shown if shown.isidentifier() else "classes")
    lw.bindings[tested] = classes
    test = S.Call(func=S.load("isinstance"), args=[S.clone(operand), S.load(tested)],
                  keywords=[])
    out.append(lw.info(S.Assign(targets=[S.store(cond)], value=test, type_comment=None),
                       Kind.CALL, func=isinstance))
    lw.locals.add(cond)
    made = lw.namer.fresh(target)
    branches = []
    for answer in (True, False):
        block = []
        atom = lw.temp(block, S.clone(operand), Kind.COPY, "operand")
        lw.locals.add(atom.id)
        known_values(lw)[atom.id + NUMBER_OR_ARRAY] = True
        known_values(lw)[atom.id + INSTANCE_OF] = (classes, answer)
        lowered = S.place_unplaced(S.Call(func=S.Attribute(
            value=S.clone(me), attr=call.func.attr, ctx=S.Load()), args=[atom], keywords=[]),
            call)
        block.append(lw.operation(lowered, block, made))
        branches.append(block)
    out.append(lw.info(S.If(test=S.load(cond), body=branches[0], orelse=branches[1]),
                       Kind.IF))
    lw.locals.add(made)
    return lw.assign(target, S.load(made), Kind.COPY)


def _told_plain(lw, atom, out):
    """The operand `atom`, which check_operands (placed just before) checks is a number or a
    NumPy array, as a name bound once noting that for the method's variant
    (class_tests.NUMBER_OR_ARRAY: its isinstance tests of the operand are then answered)."""
    from .class_tests import NUMBER_OR_ARRAY
    from .objects import known_values
    if not isinstance(atom, S.Name) or atom.id in lw.user_names:
        atom = lw.temp(out, atom, Kind.COPY, "operand")   # (a name the user may bind again)
        lw.locals.add(atom.id)
    known_values(lw)[atom.id + NUMBER_OR_ARRAY] = True
    return atom


def _in_place(method):
    """Whether `method` is an update's (`__iadd__`, not `__invert__`)."""
    from .operator_names import BINARY
    return method.startswith("__i") and method[3:-2] in BINARY.values()


def _class_ref(lw, cls):
    if cls is None:
        return S.const(None)
    from .callables import canonical_path
    path = canonical_path(cls)
    if path is None:
        raise lw.error(lw.fdef, f"srcdiff cannot name the class {cls.__qualname__} in the "
                       "code it emits", hint="define the class at a module's top level")
    return lw.bind(path, cls)


def _guard(lw, out, helper, args):
    lw.bindings[helper.__name__] = helper
    stmt = S.Expr(value=S.Call(func=S.load(helper.__name__), args=args, keywords=[]))
    out.append(lw.info(stmt, Kind.EFFECT, func=helper))


def _operator_method_names():
    """The names of the methods Python calls for an operator (`__add__`, `__radd__`, `__neg__`,
    `__getitem__`, ...), or for an update (`__iadd__`: `v += w`)."""
    from . import operator_methods
    return frozenset(
        [f"__{op}__" for op in operator_methods.BINARY.values()] +
        [f"__r{op}__" for op in operator_methods.BINARY.values()] +
        [f"__i{op}__" for op in operator_methods.BINARY.values()] +
        list(operator_methods.UNARY.values()) + ["__getitem__"])


def guard_operands(lw, out, atoms, node):
    """Before an operator lowered as NumPy's where no operand's class was known: in code that
    may meet objects of the user's classes defining operators (`may_meet_objects`), each
    operand that is a name is checked to hold no such object where the code runs
    (runtime_checks.check_no_object): Python would call the object's method, whose
    derivative NumPy's is not."""
    if not may_meet_objects(lw):
        return
    here = S.const(where(lw.src.filename, getattr(node, "lineno", None) or lw.line))
    for atom in atoms:
        if isinstance(atom, S.Name):
            _guard(lw, out, runtime_checks.check_no_object, [S.load(atom.id), S.clone(here)])


def may_meet_objects(lw):
    """Whether the function may meet objects of a class of the user's with operator methods:
    one among its module's globals, the names it reads, its parameters' known classes, or
    the globals of the user's functions and modules it reads (a factory's module)."""
    known = getattr(lw, "_meets_operator_objects", None)
    if known is None:
        classes = _user_classes(lw)
        known = False
        if classes:   # (operator_methods imported only where a class of the user's is met)
            from . import operator_methods
            names = _operator_method_names()
            known = any(operator_methods.method_of(c, m) is not None
                        for c in classes for m in names)
        lw._meets_operator_objects = known
    return known


def guard_method(lw, out, base, method, node):
    """Before `v.sum()` lowered as an array's method where v's class was not known: in code
    that may meet objects of the user's classes defining a method of that name, v is checked
    to hold no such object where the code runs (runtime_checks.check_no_object): Python
    calls the object's own method, whose derivative the array's is not (a wrong tangent
    where the method takes **kw, a crash elsewhere)."""
    classes = _user_classes(lw) if isinstance(base, S.Name) else []
    if not classes:
        return
    from . import operator_methods
    if any(operator_methods.method_of(c, method) is not None for c in classes):
        here = S.const(where(lw.src.filename, getattr(node, "lineno", None) or lw.line))
        _guard(lw, out, runtime_checks.check_no_object, [S.load(base.id), here])


def _user_classes(lw):
    """The classes of the user's (not duck arrays) the function may meet: among its module's
    globals, the names it reads, its parameters' known classes, or the globals of the
    user's functions and modules it reads (a factory's module)."""
    known = getattr(lw, "_meets_user_classes", None)
    if known is None:
        from .object_lists import is_user_class
        scope = getattr(lw.resolver, "globals", None)
        found = list(scope.values()) if isinstance(scope, dict) else []
        read = [lw.resolver.lookup(n, None) for n in sorted(lw.user_names - lw.locals)]
        found += read + list(lw.known_types.values())
        for value in read:
            found += _user_globals(value)
        known = []
        for c in found:
            if is_user_class(c) and not _duck_array(c) and c not in known:
                known.append(c)
        lw._meets_user_classes = known
    return known


def _duck_array(cls):
    """Whether objects of `cls` are arrays NumPy dispatches to (a duck array, as CuPy's and
    Dask's): their operators are NumPy's, as the lowering takes them (no check needed)."""
    return any(hasattr(cls, a) for a in ("__array_ufunc__", "__array_function__",
                                         "__array_namespace__", "__cuda_array_interface__"))


def _user_globals(value):
    """The values of the globals of a function of the user's, or of a module of the user's
    (not a library's), that the function reads; none for anything else."""
    import types
    if isinstance(value, types.FunctionType):
        scope = value.__globals__
    elif isinstance(value, types.ModuleType):
        scope = vars(value)
    else:
        return []
    if (scope.get("__name__") or "").split(".")[0] in (
            "numpy", "builtins", "scipy", "srcdiff", "functools", "collections"):
        return []
    return list(scope.values())
