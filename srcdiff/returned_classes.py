"""The class of the object a helper of the user's returns, given the classes of the
arguments a call passes it (stage 3, lower: called by objects.class_of where factories.py's
made_class, which reads no argument, cannot tell it). Takes the function a call calls, the
call and a reader of an argument's class; gives back the one class every `return` makes.

`def euler(rhs, v, dt): return v + rhs(v) * dt` returns an object of v's class where that
class's `__add__` makes one of it again; so does `def step(v): for _ in range(n): v = v +
f(v) * dt; return v` (a parameter or local bound to one class and updated only by operators
or helpers making that class again), and a helper returning another helper's result
(`return step(v)`). Takes the function a call calls, the call, and `class_of` reading an
argument's class in the caller's code; gives back the one class every `return` makes, or
None. What is read here is never trusted alone: objects.object_class checks the object's
class where the code runs (runtime_values.check_class), so code compiled for one class never
runs another's method.
"""
import inspect

from . import syntax as S
from .factories import _FOLLOWING, _resolved, _user_def, made_by_method, made_class
from .known_objects import Known
from .object_lists import is_user_class
from .operator_names import BINARY, UNARY, dunder


def call_class(fn, call, class_of):
    """The class the call `call` of the user's function `fn` gives back, reading the classes
    of its arguments with `class_of` (a node of the caller's -> its class or None)."""
    fdef = _user_def(fn)
    if fdef is None or id(call) in _READING:
        return None   # (an argument's class that reads this call's class again: not told)
    _READING.add(id(call))
    try:
        classes = _bound(fdef, call, class_of)
    finally:
        _READING.discard(id(call))
    return returned_class(fn, classes) if classes else None


_READING = set()   # the calls whose arguments' classes are being read (call_class)


def held_call_class(lw, node, class_of):
    """The class `rhs(v)` gives back where the parameter `rhs`, never rebound, holds a
    function of the user's passed in (values.Known: the derivative is made for that
    function), or `rhs` names a def or lambda nested in the function (its free variables'
    classes read in the function), reading v's class with `class_of`; else None."""
    from .core import assigned_names
    name = node.func.id
    local = lw.local_functions.get(name)
    if local is not None:
        return _local_class(lw, local, node, class_of)
    known = lw.known_types.get(name)
    if not isinstance(known, Known) or name not in lw.params or \
            name in assigned_names(lw.fdef.body) or not inspect.isfunction(known.obj):
        return None
    made = made_class(known.obj)
    return made if is_user_class(made) else call_class(known.obj, node, class_of)


def _local_class(lw, local, node, class_of):
    """held_call_class of a nested def or lambda (callables.LocalFunction): its lifted
    copy's returns read with its own parameters' classes from the call, its free variables'
    from the function, the names it reads of the module resolved as the function's are."""
    if local.variadic or any(isinstance(a, S.Starred) for a in node.args) or node.keywords:
        return None
    classes = {}
    for p, a in list(zip(local.own_params, node.args)) + [(v, S.load(v)) for v in local.free]:
        cls = class_of(a)
        if is_user_class(cls):
            classes[p] = cls
    if not classes:
        return None

    def resolve(func):
        return lw._callee_object(func) if lw._global_path(func) is not None else None
    return _Reader(local, local.source.node, classes, resolve, node.func.id).returned()


def _bound(fdef, call, class_of):
    """{parameter: class} for the arguments of `call` whose class is known (a starred
    argument ends the positional ones read)."""
    params = [a.arg if hasattr(a, "arg") else a.id for a in
              fdef.args.posonlyargs + fdef.args.args]
    out = {}
    for p, a in zip(params, call.args):
        if isinstance(a, S.Starred):
            break
        cls = class_of(a)
        if is_user_class(cls):
            out[p] = cls
    for k in call.keywords:
        if k.arg in params:
            cls = class_of(k.value)
            if is_user_class(cls):
                out[k.arg] = cls
    return out


def returned_class(fn, classes):
    """The one class every `return` of `fn` makes where its parameters hold objects of
    `classes` ({name: class}), or None (a generator, a return of another class or of one
    this cannot tell, a recursion)."""
    fdef = _user_def(fn)
    if fdef is None or fn in _FOLLOWING:
        return None
    _FOLLOWING.add(fn)
    try:
        return _Reader(fn, fdef, classes, lambda func: _resolved(fn, func)).returned()
    finally:
        _FOLLOWING.discard(fn)


class _Reader:
    """One function's bindings, read once: what `returned` follows."""

    def __init__(self, fn, fdef, classes, resolve, recursive=None):
        self.fn, self.classes, self.resolve = fn, classes, resolve
        self.recursive, self.assumed, self.recursed = recursive, None, False
        self.params = [a.id for a in fdef.args.posonlyargs + fdef.args.args +
                       fdef.args.kwonlyargs]
        self.returns, self.assigned, self.updates, self.stores = [], {}, {}, {}
        self.shared = set()   # names a nested def may rebind (nonlocal, global)
        self.ok = True
        for n in S.own_nodes(fdef):
            if isinstance(n, (S.Yield, S.YieldFrom)):
                self.ok = False
            elif isinstance(n, S.Return):
                self.returns.append(n.value)
            elif isinstance(n, (S.Nonlocal, S.Global)):
                self.shared.update(n.names)
            elif isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
                self.stores[n.id] = self.stores.get(n.id, 0) + 1
            elif isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                    n.targets[0], S.Name):
                self.assigned.setdefault(n.targets[0].id, []).append(n.value)
            elif isinstance(n, S.AugAssign) and isinstance(n.target, S.Name):
                self.updates.setdefault(n.target.id, []).append(n)
        self.shared.update(name for n in S.walk(fdef) if isinstance(n, (S.Nonlocal, S.Global))
                           for name in n.names)   # (a nested def's too)

    def returned(self):
        """The one class of every return; a function calling itself (`return shrink(v * 0.5,
        k - 1)`) is read again assuming its other returns' class for its own calls, which
        must pass its parameters objects of the classes they hold here."""
        if not self.ok or not self.returns:
            return None
        found = {self.of(v, {}) if v is not None else None for v in self.returns}
        if self.recursed and len(found - {None}) == 1:
            self.assumed = next(iter(found - {None}))
            found = {self.of(v, {}) if v is not None else None for v in self.returns}
        return found.pop() if len(found) == 1 and None not in found else None

    def of(self, node, assumed):
        """The class of the object `node` holds, or None."""
        if isinstance(node, S.Name):
            return self._name(node.id, assumed)
        if isinstance(node, S.BinOp) and type(node.op) in BINARY:
            left = self.of(node.left, assumed)
            if left is not None:
                return self._method(left, dunder(node.op))
            if isinstance(node.left, S.Constant) and type(node.left.value) in (int, float):
                right = self.of(node.right, assumed)   # 0.5 * v: v's __rmul__
                return self._method(right, f"__r{BINARY[type(node.op)]}__") if right else None
            return None
        if isinstance(node, S.UnaryOp) and type(node.op) in UNARY:
            operand = self.of(node.operand, assumed)
            return self._method(operand, UNARY[type(node.op)]) if operand else None
        if isinstance(node, S.Call):
            return self._call(node, assumed)
        return None

    def _method(self, cls, name):
        made = made_by_method(cls, name) if name else None
        return made if is_user_class(made) else None

    def _name(self, name, assumed):
        """The class of the object the name holds; None for a name whose class is being read
        already (names updated from each other in a loop: a cycle)."""
        reading = self.__dict__.setdefault("_reading", set())
        if name in assumed or name in reading:
            return assumed.get(name)
        reading.add(name)
        try:
            return self._name_now(name, assumed)
        finally:
            reading.discard(name)

    def _name_now(self, name, assumed):
        if name in self.shared:
            return None
        own = self.assigned.get(name, [])
        ups = list(self.updates.get(name, []))
        if self.stores.get(name, 0) != len(own) + len(ups):
            return None   # bound by a loop, a tuple, a with: not followed
        made = []
        for value in own:
            reads = any(isinstance(r, S.Name) and r.id == name for r in S.walk(value))
            (ups if reads else made).append(value)
        classes = {self.of(v, assumed) for v in made}
        if name in self.params:
            classes.add(self.classes.get(name))
        if len(classes) != 1 or None in classes:
            return None
        cls = classes.pop()
        inner = {**assumed, name: cls}   # kept only where every update makes one again
        for update in ups:
            if isinstance(update, S.AugAssign):
                own_method = f"__i{BINARY.get(type(update.op), '')}__"
                if inspect.getattr_static(cls, own_method, None) is not None:
                    made_cls = self._method(cls, own_method)
                else:
                    made_cls = self.of(S.BinOp(left=S.load(name), op=update.op,
                                               right=update.value), inner)
            else:
                made_cls = self.of(update, inner)
            if made_cls is not cls:
                return None
        return cls

    def _call(self, node, assumed):
        func = node.func
        root = S.attribute_chain(func)[0] if isinstance(func, S.Attribute) else None
        if isinstance(func, S.Attribute) and not (isinstance(root, S.Name) and root.id not in
                                                  self.params and root.id not in self.stores):
            owner = self.of(func.value, assumed)   # v.scaled(2.0): a method of v's class
            return self._method(owner, func.attr) if owner is not None else None
        if not isinstance(func, (S.Name, S.Attribute)):
            return None
        if isinstance(func, S.Name) and func.id == self.recursive and \
                func.id not in self.params and func.id not in self.stores:
            return self._again(node, assumed)
        if isinstance(func, S.Name) and (func.id in self.params or func.id in self.stores):
            return None   # rhs(v): a function passed in, read where it is called
        callee = self.resolve(func)
        if isinstance(callee, type):   # V(...)
            return callee if is_user_class(callee) else None
        if not inspect.isfunction(callee):
            return None
        made = made_class(callee)   # a factory of one class
        if made is not None:
            return made if is_user_class(made) else None
        fdef = _user_def(callee)
        if fdef is None:
            return None
        classes = _bound(fdef, node, lambda a: self.of(a, assumed))
        return returned_class(callee, classes) if classes else None

    def _again(self, node, assumed):
        """The class a call of the function itself gives back: None on the first reading,
        the class assumed on the second where it passes each parameter whose class is read
        an object of that class again."""
        self.recursed = True
        if self.assumed is None or node.keywords or any(
                isinstance(a, S.Starred) for a in node.args):
            return None
        for p, a in zip(self.params, node.args):
            if p in self.classes and self.of(a, assumed) is not self.classes[p]:
                return None
        return self.assumed


def gradient_class(derivative, call, class_of):
    """The class of what a gradient srcdiff made gives back at `call`
    (`srcdiff.grad(loss)(layer, x)`): the gradient with respect to one parameter has that
    argument's structure, an object of its class; None for any other transform (a tuple of
    gradients, value_and_grad's pair, has_aux, a bound method's) or an argument not told."""
    if getattr(derivative, "_kind", None) != "grad" or not derivative._single or (
            derivative._has_aux or derivative._self is not None or derivative._variadic):
        return None
    try:
        bound = inspect.signature(derivative._fn).bind(*call.args, **{
            k.arg: k.value for k in call.keywords if k.arg is not None})
    except TypeError:
        return None
    if any(isinstance(a, S.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords):
        return None
    node = bound.arguments.get(derivative._wrt[0])
    cls = class_of(node) if node is not None else None
    return cls if is_user_class(cls) else None
