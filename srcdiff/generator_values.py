"""What a generator (a user generator's call, a generator expression) can see and who takes
its items (stage 3, lower: called by generator_calls.prepare and generator_calls' checks).
Takes the user's `Source`, a gast FunctionDef and a resolver of its free names; gives back
nothing: lowering takes a generator expression as the list of its items, made where it
stands, which is only the same where all its items are taken once, at once, by code that
changes nothing it reads; `check_expressions` raises a located refusal for the others (a
generator expression read twice, after a name it reads is rebound or a value it reads is
written in place, returned, or passed to a helper that does not take each item once);
`consumed_once` tells whether a user helper takes every item of a parameter once, at once,
writing in place only into values it makes (so a generator passed to it may be its list);
a method of an object whose class is known where it is called (`acc = Acc();
acc.consume(g)`, `Summer().total(g)`: MethodOf) is such a helper, which may also rebind its
object's own fields where the generator cannot reach the object; so is a static, class or
plain method called on its class by the class's name (`Summer.product(g)`). The object may be
bound again where it is made right before the call (a loop written out: `acc = Acc()` in each
copy), or a module-level object, whose fields the method may not rebind (what the generator
reads may hold it).
The pieces shared with generator_calls' checks (`visible`, `writes`, ...) live in
generator_reach, imported here under the names generator_calls reads.
"""
import builtins
import types

from . import syntax as S
from .generator_reach import fresh_locals, parents_of, stores, visible, writes
from .generators import holding, own_nodes

# builtins that take every item of their argument (any/all may stop early)
FULL = ("list", "tuple", "sum", "sorted", "min", "max", "set", "frozenset", "dict")
EARLY = ("any", "all")
# methods of lists, dicts and str taking every item of their argument at once
TAKE_ALL = ("extend", "update", "join", "fromkeys")


def lists_items(call, resolve):
    """Whether `call` is srcdiff's iteration_order or sequence_of (in emitted code
    differentiated again: a loop's items, `list(gen(x))`; each takes every item at once)."""
    from .runtime_containers import iteration_order, sequence_of
    return isinstance(call.func, S.Name) and resolve(call.func.id) in (iteration_order,
                                                                      sequence_of)


def builtin(call, resolve, assigned, *names):
    f = call.func
    if isinstance(f, S.Name) and f.id in names and f.id not in assigned and \
            resolve(f.id) is getattr(builtins, f.id):
        return f.id
    return None


def visible_to_call(fdef, call, targets, free):
    """visible() seeded with what the generator called by `call` is given (its arguments,
    a method's object), its free names `free` and the names `targets` bound to its items."""
    seen = set().union(*[holding(a) for a in call.args + [k.value for k in call.keywords]])
    seen |= set(free) | set(targets)
    if isinstance(call.func, S.Attribute):   # a method's object: its self
        seen |= holding(call.func.value)
    return visible(fdef, seen)


# -- who takes a generator's items ---------------------------------------------------------
def consumer(node, parents, resolve, assigned):
    """How the generator value `node` is taken where it stands: ("for", loop), ("at once",
    None) (a comprehension, list(), sum(), ..., zip/enumerate there, `a, b = g`),
    ("helper", (function, index)), ("stored", assignment), ("return", statement), or
    (None, None) for a place srcdiff leaves as it is."""
    parent = parents.get(node)
    while isinstance(parent, S.Call) and node in parent.args and builtin(
            parent, resolve, assigned, "zip", "enumerate"):
        node, parent = parent, parents.get(parent)
    if isinstance(parent, S.For) and parent.iter is node:
        return "for", parent
    if isinstance(parent, S.comprehension) and parent.iter is node:
        return "at once", None
    if isinstance(parent, S.Assign) and parent.value is node:
        if all(isinstance(t, (S.Tuple, S.List)) for t in parent.targets):
            return "at once", None
        if len(parent.targets) == 1 and isinstance(parent.targets[0], S.Name):
            return "stored", parent
    if isinstance(parent, S.Return) and parent.value is node:
        return "return", parent
    if isinstance(parent, S.Call) and (node in parent.args or
                                       any(k.value is node for k in parent.keywords)):
        if builtin(parent, resolve, assigned, *FULL, *EARLY) or lists_items(parent, resolve):
            return "at once", None
        fn = _user_function(parent.func, resolve, assigned) or _local_def(parent, parents)
        if fn is not None:
            index = [id(a) for a in parent.args].index(id(node)) if node in parent.args \
                else None
            return "helper", (fn, index)
        if isinstance(parent.func, S.Attribute) and parent.func.attr not in TAKE_ALL:
            base, _ = S.attribute_chain(parent.func)
            if not (isinstance(base, S.Name) and base.id not in assigned and
                    isinstance(resolve(base.id), types.ModuleType)):
                method = _method_of(node, parent, parents, resolve)
                if method is not None:   # acc.consume(g) of `acc = Acc()`: Acc.consume
                    return "helper", method
                return "method", parent.func.attr   # obj.m(g): what m does with it, unknown
    return None, None


class MethodOf:
    """A method of the user's class a generator is passed to (`acc.consume(g)`): its
    function, and whether it may rebind its object's own fields (`self.total = ...`) while
    it takes the items: where the generator cannot reach the object (consumed_once)."""

    def __init__(self, fn, cls, own):
        self.fn, self.own = fn, own
        self.name = f"{cls.__name__}.{fn.__name__}"


def _method_of(node, call, parents, resolve):
    """(MethodOf, index) for `base.m(..., node, ...)` where base's class is a class of the
    user's that srcdiff can tell here: an object made where it is called (`Acc().m(g)`) or a
    local bound once, to such an object (`acc = Acc()`), or the class itself, named
    (`Summer.product(g)`: a static, class or plain method); None otherwise."""
    import inspect
    base = call.func.value
    root = base
    while parents.get(root) is not None:
        root = parents[root]
    if node not in call.args:
        return None
    index = call.args.index(node)
    if isinstance(base, S.Name) and not any(
            isinstance(n, S.Name) and n.id == base.id and not isinstance(n.ctx, S.Load)
            for n in S.walk(root)):
        cls = resolve(base.id)   # Summer.product(g): the class, named
        if isinstance(cls, type) and _users(cls):
            fn = inspect.getattr_static(cls, call.func.attr, None)
            if isinstance(fn, classmethod) and isinstance(fn.__func__, types.FunctionType):
                return MethodOf(fn.__func__, cls, False), index + 1   # (its cls first)
            if isinstance(fn, staticmethod):
                fn = fn.__func__
            if isinstance(fn, types.FunctionType):
                return MethodOf(fn, cls, False), index
            return None
    just_before = None
    if isinstance(base, S.Name):
        bound = [n for n in own_nodes(root) if isinstance(n, S.Name) and n.id == base.id and
                 not isinstance(n.ctx, S.Load)]
        made = [n.value for n in own_nodes(root) if isinstance(n, S.Assign) and any(
            t in bound for t in n.targets)]
        made = made[0] if len(bound) == 1 and len(made) == 1 else None
        if made is None and bound:   # bound again (a loop written out): the binding before
            just_before = _made_just_before(root, base.id, call, parents)
            made = just_before.value if just_before is not None else None
    else:
        made = base
    cls = resolve(made.func.id) if isinstance(made, S.Call) and isinstance(
        made.func, S.Name) else None
    if cls is None and isinstance(base, S.Name) and not bound:
        held = resolve(base.id)   # acc.consume(g) of a module-level object: its class
        cls = type(held) if _users(type(held)) and not isinstance(held, type) else None
    if not isinstance(cls, type) or not _users(cls):
        return None
    fn = inspect.getattr_static(cls, call.func.attr, None)
    if isinstance(fn, staticmethod):
        fn, index = fn.__func__, index - 1
    if not isinstance(fn, types.FunctionType):
        return None
    if isinstance(base, S.Name) and not bound:
        apart = False   # a module-level object: what the generator reads may hold it
    elif isinstance(base, S.Name):   # the object, reachable from what the generator reads?
        # (a name holding what the generator reads is not the generator reaching it:
        # rebinding the object's fields changes nothing the generator reads)
        reads = {n.id for n in S.walk(node) if isinstance(n, S.Name)}
        seen, _ = visible(root, reads)
        apart = base.id not in reads and (just_before is not None or _made_just_before(
            root, base.id, call, parents) is not None) or \
            just_before is None and base.id not in seen
    else:
        apart = True   # made there: nothing else holds it
    return MethodOf(fn, cls, apart), index + 1


def _made_just_before(root, name, call, parents):
    """The assignment `name = ...` right before the statement holding `call`, in the same
    block (with no walrus in it), or None: where it is `name = C(...)`, nothing but name
    can hold that new object yet, whatever the names the generator reads are bound to
    elsewhere."""
    stmt = call
    while stmt is not None and not isinstance(stmt, S.stmt):
        stmt = parents.get(stmt)
    if stmt is None or any(isinstance(n, S.NamedExpr) for n in S.walk(stmt)):
        return False
    block = _block_of(stmt, parents) or (root.body if stmt in root.body else None)
    at = next((k for k, s in enumerate(block or ()) if s is stmt), 0)
    before = block[at - 1] if at > 0 else None
    if isinstance(before, S.Assign) and len(before.targets) == 1 and isinstance(
            before.targets[0], S.Name) and before.targets[0].id == name:
        return before
    return None


def _users(cls):
    return cls.__module__ not in ("builtins", "numpy") and \
        not cls.__module__.startswith(("numpy.", "srcdiff"))


def _user_function(func, resolve, assigned):
    if not isinstance(func, S.Name) or func.id in assigned:
        return None
    obj = resolve(func.id)
    return obj if isinstance(obj, types.FunctionType) else None


def _local_def(call, parents):
    """The def, in the function `call` stands in, of the name `call` calls (None: none)."""
    if not isinstance(call.func, S.Name):
        return None
    root = call
    while parents.get(root) is not None:
        root = parents[root]
    found = [n for n in own_nodes(root) if isinstance(n, S.FunctionDef) and
             n.name == call.func.id]
    stores = [n for n in own_nodes(root) if isinstance(n, S.Name) and n.id == call.func.id
              and not isinstance(n.ctx, S.Load)]
    return found[0] if len(found) == 1 and not stores else None


def consumed_once(fn, index, depth=0, resolve=None):
    """Whether the user function `fn` takes every item of its parameter number `index` once,
    at once (a for header, a comprehension, list(), sum(), ..., or a helper doing so), not
    in a loop, rebinding no global and writing in place only into values it makes itself:
    then a generator passed there may be passed as the list of its items."""
    from .frontend import get_source
    own = ()   # a method's object, whose own fields it may rebind (MethodOf)
    if isinstance(fn, MethodOf):
        fn, own = fn.fn, (fn.own,)
    if isinstance(fn, S.FunctionDef):   # a def of the function calling it: its resolver
        fdef, resolve = fn, resolve or (lambda name: getattr(builtins, name, None))
    else:
        try:
            fdef = get_source(fn).node
        except Exception:
            return False
        resolve = _resolver(fn)
    params = fdef.args.posonlyargs + fdef.args.args
    if index is None or index >= len(params) or depth > 3 or \
            any(isinstance(n, (S.Yield, S.YieldFrom)) for n in own_nodes(fdef)) and depth > 0:
        return False
    name = params[index].id
    own = {params[0].id} if own and own[0] and index > 0 else set()
    if any(isinstance(n, (S.Global, S.Nonlocal)) for n in S.walk(fdef)):
        return False
    uses = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name]
    loads = [n for n in uses if isinstance(n.ctx, S.Load)]
    if len(uses) != 2 or len(loads) != 1 or loads[0] not in set(own_nodes(fdef)):
        return False   # the parameter itself, read once
    parents = parents_of(fdef)
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    how, what = consumer(loads[0], parents, resolve, assigned)
    if how == "helper":
        if not consumed_once(what[0], what[1], depth + 1, resolve):
            return False
    elif how not in ("for", "at once") or _repeated(loads[0], parents, fdef):
        return False
    fresh = fresh_locals(fdef)
    others = {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)} | \
        {n.id for n in own_nodes(fdef) if isinstance(n, S.Name)} - assigned
    seen, holds = visible(fdef, others)
    for n in own_nodes(fdef):
        for root, deep in writes(n):
            if root in own and not deep and not isinstance(n, (S.AugAssign, S.Call)):
                continue   # self.total = ...: a field of the object rebound, nothing written
            if not (root in fresh and root not in seen and not (deep and root in holds)):
                return False
    return True


def _resolver(fn):
    closure = dict(zip(fn.__code__.co_freevars,
                       [c.cell_contents for c in (fn.__closure__ or ())]))

    def resolve(name):
        if name in closure:
            return closure[name]
        if name in fn.__globals__:
            return fn.__globals__[name]
        return getattr(builtins, name, None)
    return resolve


def _repeated(node, parents, top):
    """Whether `node` runs more than once each time `top` (a function, a statement) runs:
    it is in a loop's body or test, or a comprehension's later part, inside `top`."""
    child, parent = node, parents.get(node)
    while parent is not None and child is not top:
        if isinstance(parent, S.While) or isinstance(parent, S.For) and \
                child is not parent.iter:
            return True
        if isinstance(parent, (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)) and \
                not (parent.generators and child is parent.generators[0]):
            return True
        if isinstance(parent, S.comprehension) and child is not parent.iter:
            return True
        if isinstance(parent, (S.Lambda, S.FunctionDef)) and parent is not top:
            return True
        child, parent = parent, parents.get(parent)
    return False


# -- generator expressions: taken as the list of their items where that is the same --------
def check_expressions(source, fdef, resolve):
    """Refuse, located, each generator expression of `fdef` that lowering's list of its
    items would not stand for (see the module's docstring)."""
    found = [n for n in own_nodes(fdef) if isinstance(n, S.GeneratorExp)]
    if not found:
        return
    parents = parents_of(fdef)
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    for gen in found:
        how, what = consumer(gen, parents, resolve, assigned)
        _Expression(source, fdef, gen, parents, resolve, assigned).check(how, what, gen)


class _Expression:
    def __init__(self, source, fdef, gen, parents, resolve, assigned):
        self.source, self.fdef, self.gen, self.parents = source, fdef, gen, parents
        self.resolve, self.assigned = resolve, assigned
        inner = {n.id for c in gen.generators for n in S.walk(c.target) if isinstance(n, S.Name)}
        self.free = {n.id for n in S.walk(gen) if isinstance(n, S.Name)} - inner
        later = [gen.elt] + gen.generators[0].ifs + [   # (the first iterable is read at once)
            part for c in gen.generators[1:] for part in [c.iter] + c.ifs]
        self.late = {n.id for e in later for n in S.walk(e) if isinstance(n, S.Name)} - inner
        self.text = "this generator expression"

    def check(self, how, what, at):
        if how == "helper":
            fn, index = what
            if not consumed_once(fn, index, resolve=self.resolve):
                raise self.source.error(
                    at, f"{self.text} is passed to {getattr(fn, 'name', None) or fn.__name__}, which does not take each "
                    "of its items once, at once, writing nothing it could read; srcdiff takes "
                    "a generator expression as the list of its items",
                    hint="pass a list instead: [... for ... in ...]")
        elif how == "method":
            raise self.source.error(at, f"{self.text} is passed to the method {what}, which "
                                    "srcdiff cannot tell takes each of its items once, at "
                                    "once; srcdiff takes a generator expression as the list "
                                    "of its items", hint="pass a list instead: "
                                    "[... for ... in ...]")
        elif how == "return":
            raise self.source.error(at, f"srcdiff does not return {self.text} (it takes one "
                                    "as the list of its items, made where it stands)",
                                    hint="return a list instead: [... for ... in ...]")
        elif how == "stored":
            self._stored(what)
        elif how == "for":
            targets = {n.id for n in S.walk(what.target) if isinstance(n, S.Name)}
            self._runs_meanwhile(what.body + what.orelse, targets, at)

    def _stored(self, assign):
        """`g = (... for ...)`, then g read once, later, in the same block, not in a loop."""
        name = assign.targets[0].id
        uses = [n for n in S.walk(self.fdef) if isinstance(n, S.Name) and n.id == name]
        loads = [n for n in uses if isinstance(n.ctx, S.Load)]
        block = _block_of(assign, self.parents)
        if len(uses) - len(loads) != 1 or len(loads) != 1 or block is None:
            raise self.source.error(
                loads[1] if len(loads) > 1 else assign,
                f"{name} holds a generator expression, which gives its items once; srcdiff "
                f"takes one as the list of its items, so {name} must be bound once and read "
                "once", hint=f"make {name} a list: {name} = [... for ... in ...]")
        use = loads[0]
        i = next(k for k, s in enumerate(block) if s is assign)
        later = [s for s in block[i + 1:] if _inside(use, s, self.parents)]
        if not later or _repeated(use, self.parents, later[0]):
            raise self.source.error(use, f"{name}, a generator expression, is read here "
                                    "where this may run more than once or before it is made; "
                                    "srcdiff takes one as the list of its items",
                                    hint=f"make {name} a list: {name} = [... for ... in ...]")
        j = block.index(later[0])
        self.text = name
        how, what = consumer(use, self.parents, self.resolve, self.assigned)
        if how == "for":
            targets = {n.id for n in S.walk(what.target) if isinstance(n, S.Name)}
        elif how in ("at once", "helper"):
            targets = set()
        else:
            raise self.source.error(use, f"{name} holds a generator expression and is read "
                                    "here where srcdiff cannot tell that all its items are "
                                    "taken once, at once",
                                    hint=f"make {name} a list: {name} = [... for ... in ...]")
        self._runs_meanwhile(block[i + 1:j + 1], targets, use)
        if how == "helper":
            self.check(how, what, use)

    def _runs_meanwhile(self, stmts, targets, at):
        """What runs while the generator expression gives its items rebinds no name it reads
        and writes in place only into values made here that it cannot reach."""
        seen, holds = visible(self.fdef, self.free | targets)
        fresh = fresh_locals(self.fdef)
        for stmt in stmts:
            for n in S.walk(stmt):
                stored = [t.id for t in stores(n) if t.id in self.late] + \
                    [t.id for t in S.walk(getattr(n, "target", None) or S.Pass())
                     if isinstance(n, (S.For, S.NamedExpr)) and isinstance(t, S.Name)
                     and t.id in self.late]
                if stored:
                    raise self.source.error(
                        n, f"this line rebinds {stored[0]!r}, which {self.text} reads while "
                        "it gives its items; srcdiff takes a generator expression as the list "
                        "of its items, made where it stands",
                        hint="make it a list where it stands: [... for ... in ...]")
                for root, deep in writes(n):
                    if root in fresh and root not in seen and not (deep and root in holds):
                        continue
                    raise self.source.error(
                        n, f"this line changes {root!r} in place while {self.text} may still "
                        "read it; srcdiff takes a generator expression as the list of its "
                        "items, made where it stands",
                        hint=f"make it a list where it stands ([... for ... in ...]), or "
                             f"write into a new value ({root} = {root} + ...)")


def _block_of(stmt, parents):
    parent = parents.get(stmt)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return block
    for handler in getattr(parent, "handlers", None) or []:
        if any(s is stmt for s in handler.body):
            return handler.body
    return None


def _inside(node, stmt, parents):
    while node is not None:
        if node is stmt:
            return True
        node = parents.get(node)
    return False
