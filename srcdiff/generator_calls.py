"""Where the function lowered calls a user generator (stage 3, lower: called by
Lowerer.__init__, and by lower_calls for a generator method only lowering can tell
(`check_method_call`), through `prepare`, which first makes a generator being lowered the
function building the list of its items: generators.py, inlines the loops it can:
generator_inline.py, and rewrites generators kept in a name: generator_names.py). Takes the
user's `Source`, a gast FunctionDef and a resolver of its free names; gives back nothing: it
marks (generators.APPROVED) each call of a generator function that stands where all its
items are taken at once, and raises a located refusal for the others:

  - allowed: the iterable of a for header or a comprehension, the argument of list, tuple,
    sum, sorted, min, max, set, dict, any, all, or of zip/enumerate standing there, the
    value unpacked by `a, b = gen(x)`, and `it_items = list(gen(x))` that generator_names
    made of a generator kept in a name (the statements up to its last use checked as a
    loop's body is); where the consumer is no list()-like builtin, the approved call is
    wrapped in list(), so that whatever the derivative of its items, lowering binds it to
    a list (a raw generator lives only from its call to the list() lowering puts right
    after it, which generator_names reads as a generator kept in a name when srcdiff
    differentiates its own output again);
  - a generator function called through a functools.partial (bound to a local once, at
    module level, or called where it is made: `partial(gen, a)(x)` is `gen(a, x)`) is
    checked as the generator, what the partial holds counting as read by it;
  - a for loop over a generator may write in place only into values made here that the
    generator cannot reach (`generator_values.visible`: what it is passed, its free names, the loop's
    targets, their views and holders), rebinds none of a local generator's free names, and
    leaves early (break, return) only where the generator's loops are bounded (no while
    loop); any, all and zip stop early too;
  - kept in a variable other than generator_names' way, passed on, given to next()
    directly, sent to: refused, saying what to write.
"""
import inspect

from . import census
from . import syntax as S
from .generators import (APPROVED, as_list_function, exits, holding, is_generator,
                         is_generator_function, own_nodes, walk_block)

def check_calls(source, fdef, resolve, known_types=(), kept=()):
    """Refuse each call of a generator function in `fdef` that does not stand where its
    items are all taken at once; mark (APPROVED) the others. `kept`: generator_names'
    [(list call, gen, statements, names)] of generators kept in a name, whose statements
    are checked as a for loop's body is."""
    from .generator_values import fresh_locals as _fresh_locals
    finder = _finder(fdef, resolve, known_types)
    assigned = finder.assigned
    calls = []
    for n in S.walk(fdef):
        if isinstance(n, S.Call):
            gen = finder(n)
            if gen is not None:
                calls.append((n, gen))
    if not calls:
        return
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    fresh = _fresh_locals(fdef)
    later = {id(listed.args[0]): (stmts, targets, shown)
             for listed, _, stmts, targets, shown in kept}
    for call, gen in calls:
        if id(call) in later:   # it_items = list(gen(x)), then next(it), ...
            stmts, targets, shown = later[id(call)]
            _check_stmts(source, stmts, targets, call, S.spell(call.func), gen, fdef, fresh,
                         kept=shown)
        else:
            _check_call(source, call, gen, parents, resolve, assigned, (fdef, fresh))
        setattr(call, APPROVED, True)


class _finder:
    """Calls of generator functions in `fdef`: the _Generator called, or None."""

    def __init__(self, fdef, resolve, known_types):
        self.local_defs = {n.name: n for n in own_nodes(fdef) if isinstance(n, S.FunctionDef)}
        self.assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                         and isinstance(n.ctx, (S.Store, S.Param))}
        self.fdef, self.resolve, self.given, self.known = fdef, resolve, known_types, None
        self.partials = None

    def __call__(self, call):
        if self.known is None and isinstance(call.func, S.Attribute):   # made when needed
            self.known = {**_made_here(self.fdef, self.resolve), **dict(self.given)}
        if isinstance(call.func, S.Name) and call.func.id in self.assigned:
            if self.partials is None:
                self.partials = {}   # (a partial of a partial: not followed)
                self.partials = self._partials()
            if call.func.id in self.partials:
                return self.partials[call.func.id]
        return _generator_called(call, self.resolve, self.known or self.given,
                                 self.local_defs, self.assigned)


    def _partials(self):
        """{name: _Generator} of the locals bound once, to functools.partial(gen, ...) of a
        generator function (what the partial holds counts as read by the generator)."""
        import functools
        stores, found = {}, {}
        for n in S.walk(self.fdef):
            if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
                stores[n.id] = stores.get(n.id, 0) + 1
        for n in own_nodes(self.fdef):
            if not (isinstance(n, S.Assign) and len(n.targets) == 1 and
                    isinstance(n.targets[0], S.Name) and stores[n.targets[0].id] == 1 and
                    isinstance(n.value, S.Call) and n.value.args and
                    not isinstance(n.value.args[0], S.Starred)):
                continue
            f = n.value.func
            if isinstance(f, S.Attribute) and isinstance(f.value, S.Name) and \
                    f.value.id not in self.assigned:
                made = getattr(self.resolve(f.value.id), f.attr, None)
            else:
                made = self.resolve(f.id) if isinstance(f, S.Name) and \
                    f.id not in self.assigned else None
            if made is not functools.partial:
                continue
            gen = self(S.Call(func=n.value.args[0], args=[], keywords=[]))
            if gen is not None:
                gen.free = gen.free | set().union(*[holding(a) for a in n.value.args[1:] +
                                                    [k.value for k in n.value.keywords]])
                found[n.targets[0].id] = gen
        return found


def _class_function(cls, attr):
    """What `obj.attr` of an object of class `cls` is where the class alone tells (a method,
    a staticmethod): None for a field an instance may set (a dataclass field, a name
    __init__ reads or writes), whose function only the object knows."""
    import dataclasses
    if dataclasses.is_dataclass(cls) and attr in {f.name for f in dataclasses.fields(cls)}:
        return None
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get("__init__")
        if attr in getattr(getattr(init, "__code__", None), "co_names", ()):
            return None
    return inspect.getattr_static(cls, attr, None)


def _made_here(fdef, resolve):
    """{name: class} of the locals bound once, to `Cls(...)` of a class of the user's (the
    class of `s` in `s = Sampler(); for v in s.draws(x)`)."""
    stores = {}
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Param, S.Del)):
            stores[n.id] = stores.get(n.id, 0) + 1
    made = {}
    for n in own_nodes(fdef):
        if isinstance(n, S.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], S.Name) and stores.get(n.targets[0].id) == 1 and \
                isinstance(n.value, S.Call) and isinstance(n.value.func, S.Name) and \
                n.value.func.id not in stores:
            cls = resolve(n.value.func.id)
            if inspect.isclass(cls) and not issubclass(cls, BaseException) and \
                    getattr(cls, "__module__", "builtins") != "builtins":
                made[n.targets[0].id] = cls
    return made


def check_method_call(lowerer, call, fn):
    """`obj.method(...)` of a generator method whose class only lowering could tell (an
    item of a list of objects): checked where it stands, as check_calls checks the calls
    it finds before lowering (lower_calls._class_method calls this)."""
    if getattr(call, APPROVED, False) or not is_generator_function(fn):
        return
    from .frontend import get_source
    from .generator_values import fresh_locals as _fresh_locals
    fdef = lowerer.fdef
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    _check_call(lowerer.src, call, _Generator(get_source(fn).node), parents,
                lambda name: lowerer.resolver.lookup(name, None), assigned,
                (fdef, _fresh_locals(fdef)), wrap=False)
    setattr(call, APPROVED, True)


def _check_call(source, call, gen, parents, resolve, assigned, fresh, wrap=True):
    from .generator_values import (EARLY, FULL, builtin as _builtin, consumed_once, consumer,
                                   lists_items as _lists_items)
    name = S.spell(call.func)
    parent = parents.get(call)
    bounded = gen.bounded
    listed = _ListedAt(call, parents, resolve, assigned) if wrap else (lambda: None)
    while isinstance(parent, S.Call) and call in parent.args and _builtin(
            parent, resolve, assigned, "zip", "enumerate"):   # nested: enumerate(zip(g(x), y))
        stops = _builtin(parent, resolve, assigned, "zip") is not None and len(parent.args) > 1
        if stops and not bounded:
            raise source.error(call, f"zip stops taking items from {name}(...) early, and "
                               f"{name} loops with while, so srcdiff cannot take all its "
                               "items first", hint=f"give {name} a bounded loop (for ... in "
                               "range(n)) or zip lists of the same length")
        call, parent = parent, parents.get(parent)
    if isinstance(parent, S.For) and parent.iter is call:
        early = exits(parent.body, returns=True)
        if early is not None and not bounded:
            raise source.error(early, f"this loop over {name}(...) can stop early, and {name} "
                               "loops with while, so srcdiff cannot take all its items first",
                               hint=f"give {name} a bounded loop (for ... in range(n)), or "
                                    "loop over all its items")
        targets = {n.id for n in S.walk(parent.target) if isinstance(n, S.Name)}
        _check_stmts(source, parent.body + parent.orelse, targets, call, name, gen, *fresh)
        return listed()
    if isinstance(parent, S.comprehension) and parent.iter is call:
        return listed()
    if isinstance(parent, S.YieldFrom) and isinstance(parents.get(parent), S.Expr):
        return   # in a nested generator: a for loop over all its items (generators.py)
    if isinstance(parent, S.Assign) and parent.value is call and all(
            isinstance(t, (S.Tuple, S.List)) for t in parent.targets):
        return listed()   # a, b = gen(x): unpacked at once
    if isinstance(parent, S.Call) and call in parent.args:
        if _builtin(parent, resolve, assigned, *FULL) or _lists_items(parent, resolve):
            return listed()
        if _builtin(parent, resolve, assigned, *EARLY):
            if bounded:
                return listed()
            raise source.error(call, f"{S.spell(parent.func)} stops early and {name} loops "
                               "with while, so srcdiff cannot take all its items first",
                               hint=f"give {name} a bounded loop (for ... in range(n))")
    how, what = consumer(call, parents, resolve, assigned)
    if how == "helper":   # total(gen(x)): a helper taking each item once, at once
        if consumed_once(*what, resolve=resolve):
            return listed()
        helper = getattr(what[0], "name", None) or what[0].__name__
        raise source.error(call, f"{name}(...) is passed to {helper}, which does not take each "
                           "of its items once, at once, writing nothing the generator could "
                           "read (passed on, read twice, by next(), or in a loop); srcdiff "
                           "takes a generator passed to a helper as the list of its items",
                           hint=f"pass the list of its items: {helper}(list({name}(...))), or "
                                f"loop over {name}(...) in {helper}'s caller")
    what = ("kept in a variable" if isinstance(parent, (S.Assign, S.AnnAssign, S.NamedExpr))
            else "given to next()" if isinstance(parent, S.Call) and
            isinstance(parent.func, S.Name) and parent.func.id in ("next", "iter")
            else "sent to or closed" if isinstance(parent, S.Attribute)
            else "passed on or kept")
    raise source.error(call, f"srcdiff differentiates a generator only where all its items "
                       f"are taken at once (a for header, a comprehension, list(), sum(), ...); "
                       f"here {name}(...) is {what}",
                       hint=f"loop over {name}(...) directly, or take its items first: "
                            f"items = list({name}(...)), then index or loop over items")


class _ListedAt:
    """Called once a generator's call is approved: the call wrapped in list() where its
    consumer does not already take every item at once (a for header, a comprehension, zip,
    any), so that the value lowering binds it to is the list of its items whatever their
    derivative (the callee srcdiff differentiates builds that list too)."""

    def __init__(self, call, parents, resolve, assigned):
        self.call, self.parents = call, parents
        self.resolve, self.assigned = resolve, assigned

    def __call__(self):
        from .generator_values import builtin as _builtin, lists_items as _lists_items
        parent = self.parents.get(self.call)
        if isinstance(parent, S.Call) and self.call in parent.args and (
                _builtin(parent, self.resolve, self.assigned, "list", "tuple", "sum",
                         "sorted", "set", "frozenset", "dict", "min", "max")
                or _lists_items(parent, self.resolve)):
            return   # taken at once already
        if "list" in self.assigned or self.resolve("list") is not list:
            return
        listed = S.Call(func=S.load("list"), args=[self.call], keywords=[])
        S.place_unplaced(listed, self.call)
        for field, value in S.iter_fields(parent):
            if value is self.call:
                setattr(parent, field, listed)
            elif isinstance(value, list) and any(v is self.call for v in value):
                value[[id(v) for v in value].index(id(self.call))] = listed
        self.parents[listed], self.parents[self.call] = parent, listed


def _check_stmts(source, stmts, targets, call, name, gen, fdef, fresh, kept=None):
    """Statements running while a generator is taken (a for loop's body, what follows a
    generator `kept` in a name up to its last use) write in place only into values made
    here that the generator cannot see (and rebind none of a local generator's free
    names); `targets`: names bound to its items."""
    from .generator_values import stores as _stores, visible_to_call, writes as _writes
    seen, holds = visible_to_call(fdef, call, targets, gen.free)
    doing = f"this loop over {name}(...)" if kept is None else "this line"
    still = "" if kept is None else f", and {kept} still gives items after it"
    where = "before the loop" if kept is None else "where it is called"
    runs = "the loop" if kept is None else "what runs before its last item is taken"
    for n in walk_block(stmts):
        for target in _stores(n):
            if isinstance(target, S.Name) and target.id in gen.free:
                raise source.error(n, f"{doing} rebinds {target.id!r}, which {name} reads "
                                   f"while it runs{still}; srcdiff takes a generator's items "
                                   f"{where}",
                                   hint=f"pass {target.id} to {name} as an argument, or "
                                        f"take the items first: items = list({name}(...))")
        for root, deep in _writes(n):
            if root in fresh and root not in seen and not (deep and root in holds):
                continue
            raise source.error(n, f"{doing} changes {root!r} in place while {name} runs"
                               f"{still}; srcdiff takes a generator's items {where}, which "
                               f"is only the same when {runs} changes nothing the generator "
                               "could read",
                               hint=f"take the items first (items = list({name}(...)), then "
                                    f"{'loop over items' if kept is None else 'index items'}"
                                    f"), or write into a new value ({root} = {root} + ...)")


class _Generator:
    def __init__(self, fdef):
        self.bounded = not any(isinstance(n, S.While) for n in own_nodes(fdef))
        params = {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)}
        stored = {n.id for n in own_nodes(fdef) if isinstance(n, S.Name)
                  and isinstance(n.ctx, S.Store)}
        self.free = {n.id for n in own_nodes(fdef) if isinstance(n, S.Name)
                     and isinstance(n.ctx, S.Load)} - params - stored


def _generator_called(call, resolve, known_types, local_defs, assigned):
    func = call.func
    if isinstance(func, S.Name) and func.id in local_defs:
        node = local_defs[func.id]
        return _Generator(node) if is_generator(node) else None
    obj = None
    if isinstance(func, S.Name) and func.id not in assigned:
        obj = resolve(func.id)
    elif isinstance(func, S.Attribute):
        base, rest = S.attribute_chain(func)
        if isinstance(base, S.Name):
            head = base.id
            if head in dict(known_types):
                obj = dict(known_types)[head]
            elif head not in assigned:
                obj = resolve(head)
            for attr in rest:
                obj = _class_function(obj, attr) if inspect.isclass(obj) \
                    else getattr(obj, attr, None)
                obj = getattr(obj, "__func__", obj)   # staticmethod, classmethod
    if obj is None or not is_generator_function(obj):
        return None
    import functools
    while isinstance(obj, functools.partial):   # a module-level partial of a generator
        obj = obj.func
    try:
        from .frontend import get_source
        return _Generator(get_source(getattr(obj, "__func__", obj)).node)
    except Exception:   # no source: lowering the call refuses it, located
        return None


def _call_partials_made_in_place(fdef, resolve, apply=True):
    """`functools.partial(gen, a, k=b)(x)` of a generator function `gen` becomes, in `fdef`
    itself (where `apply`), `gen(a, x, k=b)`: the same arguments, evaluated in the same order
    (the partial's keywords are names or constants); gives back whether there is one."""
    found = False
    import functools
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
                not isinstance(n.ctx, S.Load)}
    for call in [n for n in S.walk(fdef) if isinstance(n, S.Call)]:
        made = call.func
        if not (isinstance(made, S.Call) and made.args and isinstance(made.args[0], S.Name)
                and made.args[0].id not in assigned and not any(
                    isinstance(a, S.Starred) for a in made.args + call.args) and
                all(k.arg is not None for k in made.keywords + call.keywords) and
                all(isinstance(k.value, (S.Name, S.Constant)) for k in made.keywords)):
            continue
        f = made.func
        head = f.value if isinstance(f, S.Attribute) else f
        if not isinstance(head, S.Name) or head.id in assigned:
            continue
        maker = getattr(resolve(head.id), f.attr, None) if isinstance(f, S.Attribute) \
            else resolve(head.id)
        if maker is not functools.partial or \
                not is_generator_function(resolve(made.args[0].id)):
            continue
        found = True
        if not apply:
            continue
        given = {k.arg for k in call.keywords}
        call.args = made.args[1:] + call.args
        call.keywords = [k for k in made.keywords if k.arg not in given] + call.keywords
        call.func = made.args[0]
    return found


def prepare(source, fdef, resolve, known_types=()):
    """The Lowerer's one call: a generator as its list-building function, then the calls
    of generators in it checked."""
    if not census.may_generate(census.take(fdef), resolve, known_types):
        return fdef   # no yield, no call that may reach a generator (srcdiff/census.py)
    from .generator_inline import inline_loops   # imported only where the census says
    from .generator_names import keep_items      # there may be work for them
    from .generator_values import check_expressions
    fdef = as_list_function(source, fdef)
    if _call_partials_made_in_place(fdef, resolve, apply=False):
        fdef = S.clone(fdef)
        _call_partials_made_in_place(fdef, resolve)
    check_expressions(source, fdef, resolve)
    fdef = inline_loops(source, fdef, resolve)
    fdef, kept = keep_items(source, fdef, _finder(fdef, resolve, known_types), resolve)
    check_calls(source, fdef, resolve, known_types, kept)
    return fdef
