"""Where the function lowered calls a user generator (stage 3, lower: called by
Lowerer.__init__, through `prepare`, which first makes a generator being lowered the
function building the list of its items: generators.py). Takes the user's `Source`, a gast
FunctionDef and a resolver of its free names; gives back nothing: it marks
(generators.APPROVED) each call of a generator function that stands where all its items are
taken at once, and raises a located refusal for the others:

  - allowed: the iterable of a for header or a comprehension, the argument of list, tuple,
    sum, sorted, min, max, set, dict, any, all, or of zip/enumerate standing there, the
    value unpacked by `a, b = gen(x)`;
  - a for loop over a generator may write in place only into values made here that the
    generator cannot reach (`_visible`: what it is passed, its free names, the loop's
    targets, their views and holders), rebinds none of a local generator's free names, and
    leaves early (break, return) only where the generator's loops are bounded (no while
    loop); any, all and zip stop early too;
  - kept in a variable, passed on, given to next(), sent to: refused, saying what to write.
"""
import builtins
import inspect

from . import syntax as S
from .generator_inline import inline_loops
from .generators import (APPROVED, MUTATORS, as_list_function, exits, holding, is_generator,
                         is_generator_function, own_nodes, walk_block, written_root)

# builtins that take every item of their argument (any/all may stop early)
FULL = ("list", "tuple", "sum", "sorted", "min", "max", "set", "frozenset", "dict")
EARLY = ("any", "all")
FRESH_CALLS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
               "full_like", "array", "copy", "eye", "identity", "arange", "linspace", "list",
               "dict", "deepcopy"}


def check_calls(source, fdef, resolve, known_types=()):
    """Refuse each call of a generator function in `fdef` that does not stand where its
    items are all taken at once; mark (APPROVED) the others."""
    local_defs = {n.name: n for n in own_nodes(fdef) if isinstance(n, S.FunctionDef)}
    assigned = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                and isinstance(n.ctx, (S.Store, S.Param))}
    calls = []
    for n in S.walk(fdef):
        if isinstance(n, S.Call):
            gen = _generator_called(n, resolve, known_types, local_defs, assigned)
            if gen is not None:
                calls.append((n, gen))
    if not calls:
        return
    parents = {}
    for n in S.walk(fdef):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    fresh = _fresh_locals(fdef)
    for call, gen in calls:
        _check_call(source, call, gen, parents, resolve, assigned, (fdef, fresh))
        setattr(call, APPROVED, True)


def _check_call(source, call, gen, parents, resolve, assigned, fresh):
    name = S.spell(call.func)
    parent = parents.get(call)
    bounded = gen.bounded
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
        _check_body(source, parent, call, name, gen, *fresh)
        return
    if isinstance(parent, S.comprehension) and parent.iter is call:
        return
    if isinstance(parent, S.YieldFrom) and isinstance(parents.get(parent), S.Expr):
        return   # in a nested generator: a for loop over all its items (generators.py)
    if isinstance(parent, S.Assign) and parent.value is call and all(
            isinstance(t, (S.Tuple, S.List)) for t in parent.targets):
        return   # a, b = gen(x): unpacked at once
    if _taken_by_the_next_statement(parent, call, parents, resolve, assigned, fresh[0]):
        return   # g_1 = gen(x); items = list(g_1): the one read, right after (emitted code)
    if isinstance(parent, S.Call) and call in parent.args:
        if _builtin(parent, resolve, assigned, *FULL) or _lists_items(parent, resolve):
            return
        if _builtin(parent, resolve, assigned, *EARLY):
            if bounded:
                return
            raise source.error(call, f"{S.spell(parent.func)} stops early and {name} loops "
                               "with while, so srcdiff cannot take all its items first",
                               hint=f"give {name} a bounded loop (for ... in range(n))")
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


def _check_body(source, loop, call, name, gen, fdef, fresh):
    """The body of a for loop over a generator writes in place only into values made here
    that the generator cannot see (and rebinds none of a local generator's free names)."""
    seen, holds = _visible(fdef, call, loop, gen)
    for n in walk_block(loop.body + loop.orelse):
        for target in _stores(n):
            if isinstance(target, S.Name) and target.id in gen.free:
                raise source.error(n, f"this loop over {name}(...) rebinds {target.id!r}, "
                                   f"which {name} reads while it runs; srcdiff takes "
                                   "a generator's items before the loop",
                                   hint=f"pass {target.id} to {name} as an argument, or "
                                        f"take the items first: items = list({name}(...))")
        for root, deep in _writes(n):
            if root in fresh and root not in seen and not (deep and root in holds):
                continue
            raise source.error(n, f"this loop over {name}(...) changes {root!r} in place "
                               f"while {name} runs; srcdiff takes a generator's items before "
                               "the loop, which is only the same when the loop changes "
                               "nothing the generator could read",
                               hint=f"take the items first (items = list({name}(...)), then "
                                    f"loop over items), or write into a new value "
                                    f"({root} = {root} + ...)")


def _stores(n):
    if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            yield from (m for m in S.walk(t) if isinstance(m, S.Name) and
                        isinstance(m.ctx, S.Store))


def _writes(n):
    """(root name, deep) of each in-place write statement or call `n` makes: deep where it
    writes into an object `root` holds (x[i][j] = v, x[i] += v) rather than into root's."""
    if isinstance(n, S.AugAssign):
        if isinstance(n.target, S.Name):
            yield n.target.id, False
        elif written_root(n.target) is not None:
            yield written_root(n.target), True
    elif isinstance(n, (S.Assign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            for m in S.walk(t):
                if isinstance(m, (S.Subscript, S.Attribute)) and isinstance(m.ctx, S.Store):
                    root = written_root(m)
                    if root is not None:
                        yield root, not isinstance(m.value, S.Name)
    elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
            n.func.attr in MUTATORS:
        root = written_root(n.func.value, True)
        if root is not None:
            yield root, not isinstance(n.func.value, S.Name)


def _visible(fdef, call, loop, gen):
    """Names of `fdef` whose object the generator may reach (`seen`: its arguments, its free
    names, the loop's targets, their views and what they hold) and names that may hold such
    an object (`holds`)."""
    seen = set().union(*[holding(a) for a in call.args + [k.value for k in call.keywords]])
    seen |= gen.free | {n.id for n in S.walk(loop.target) if isinstance(n, S.Name)}
    links = []   # (holder names, aliased names, held names)
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.AugAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            holders = {m.id for t in targets for m in S.walk(t) if isinstance(m, S.Name)}
            aliased = set() if isinstance(n, S.AugAssign) else _aliased(n.value)
            links.append((holders, aliased, holding(n.value)))   # x += v: x stays itself
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS:
            links.append((holding(n.func.value), set(),
                          set().union(*[holding(a) for a in n.args])))
    holds = set()
    while True:
        before = len(seen), len(holds)
        for holders, aliased, held in links:
            if holders & seen:
                seen |= held          # reached through a holder the generator sees
            if aliased & seen:
                seen |= holders       # the same object (or memory) as one it sees
            if held & (seen | holds):
                holds |= holders
        if (len(seen), len(holds)) == before:
            return seen, holds


def _aliased(value):
    """Names whose object (or memory) `value` may be: x, x[1:], x.T, x.reshape(..)."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Subscript, S.Attribute, S.Starred)):
        return _aliased(value.value)
    if isinstance(value, S.Call) and isinstance(value.func, S.Attribute):
        return _aliased(value.func.value)
    if isinstance(value, S.IfExp):
        return _aliased(value.body) | _aliased(value.orelse)
    if isinstance(value, (S.Tuple, S.List)):   # a, b = x, y
        return set().union(*[_aliased(e) for e in value.elts])
    return set()


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
                obj = inspect.getattr_static(obj, attr, None) if inspect.isclass(obj) \
                    else getattr(obj, attr, None)
                obj = getattr(obj, "__func__", obj)   # staticmethod, classmethod
    if obj is None or not is_generator_function(obj):
        return None
    try:
        from .frontend import get_source
        return _Generator(get_source(getattr(obj, "__func__", obj)).node)
    except Exception:   # no source: lowering the call refuses it, located
        return None


def _taken_by_the_next_statement(parent, call, parents, resolve, assigned, fdef):
    """Whether `parent` is `t = call` with t bound nowhere else and read once, in the next
    statement of the same block (after `del`s only), as the argument of a call taking every item (list(), sum(),
    srcdiff's sequence_of or iteration_order): the generator is consumed there at once, as
    in `list(gen(x))`. Lowered code, differentiated again, has this form."""
    if not (isinstance(parent, S.Assign) and parent.value is call and len(parent.targets) == 1
            and isinstance(parent.targets[0], S.Name)):
        return False
    name = parent.targets[0].id
    uses = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name]
    loads = [n for n in uses if isinstance(n.ctx, S.Load)]
    stores = [n for n in uses if isinstance(n.ctx, S.Store)]
    if len(loads) != 1 or len(stores) != 1:
        return False   # (other uses: `del t`, which ends it)
    consumer = parents.get(loads[0])
    if not (isinstance(consumer, S.Call) and loads[0] in consumer.args and (
            _builtin(consumer, resolve, assigned, *FULL) or _lists_items(consumer, resolve))):
        return False
    block = parents.get(parent)
    for field in ("body", "orelse", "finalbody"):
        stmts = getattr(block, field, None)
        if isinstance(stmts, list) and parent in stmts:
            i = stmts.index(parent) + 1
            while i < len(stmts) and isinstance(stmts[i], S.Delete):
                i += 1   # `del` of temporaries between (lowered code)
            return i < len(stmts) and any(n is loads[0] for n in S.walk(stmts[i]))
    return False


def _lists_items(call, resolve):
    """Whether `call` is srcdiff's iteration_order or sequence_of (in emitted code
    differentiated again: a loop's items, `list(gen(x))`; each takes every item at once)."""
    from .runtime_containers import iteration_order, sequence_of
    return isinstance(call.func, S.Name) and resolve(call.func.id) in (iteration_order,
                                                                      sequence_of)


def _builtin(call, resolve, assigned, *names):
    f = call.func
    if isinstance(f, S.Name) and f.id in names and f.id not in assigned and \
            resolve(f.id) is getattr(builtins, f.id):
        return f.id
    return None


def _fresh_locals(fdef):
    """Locals every binding of which makes a new value (a display, a number, a new array)."""
    good, bad = set(), set()
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            for t in targets:
                if isinstance(t, S.Name):
                    (good if len(targets) == 1 and _makes_new(n.value) else bad).add(t.id)
                else:
                    bad |= {m.id for m in S.walk(t) if isinstance(m, S.Name)
                            and isinstance(m.ctx, S.Store)}
        elif isinstance(n, (S.For, S.comprehension, S.With, S.NamedExpr)):
            target = getattr(n, "target", None) or getattr(n, "optional_vars", None)
            if target is not None:
                bad |= {m.id for m in S.walk(target) if isinstance(m, S.Name)}
    bad |= {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)}
    return good - bad


def _makes_new(value):
    if isinstance(value, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp,
                          S.Constant, S.BinOp, S.UnaryOp)):
        return True
    if isinstance(value, S.Call):
        f = value.func
        name = f.attr if isinstance(f, S.Attribute) else getattr(f, "id", None)
        return name in FRESH_CALLS
    return False


def prepare(source, fdef, resolve, known_types=()):
    """The Lowerer's one call: a generator as its list-building function, then the calls
    of generators in it checked."""
    fdef = as_list_function(source, fdef)
    fdef = inline_loops(source, fdef, resolve)
    check_calls(source, fdef, resolve, known_types)
    return fdef
