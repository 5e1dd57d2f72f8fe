"""Nested functions and lambdas of the function being lowered (stage 3, lower: called by
lower.Lowerer for a nested def or a lambda bound to a name, by values.py, and by
lower_calls.py for the calls that name one). Takes the lowering's state, the name and the
gast FunctionDef or Lambda (or a call); gives back the `callables.LocalFunction` recorded for
it (its free variables: the enclosing function's locals it reads), or raises a located
refusal; for a call, the lowered call of a nested function (`local_call`), the nested
function's name it calls as `fs[0]` (`named_item`) or under another name bound to it once
(`g = scale; g(x)`, `named_alias`) and the call with srcdiff's own
`closure_of(g, ...)` arguments as `g` (`closures_again`).

A nested def stays in the primal as written; calls of it with differentiated arguments go to
a lifted copy that takes its free variables as parameters (callables.LocalFunction).

A nested function calling another (`def g(t): ...; def h(t): return g(t) * 2`) is lifted
with a copy of each nested function it reads (and of those they read) at the top of its
body, as they were written, and with their free variables as its own: the copy of g inside
lifted h reads them as h's parameters, which hold the enclosing function's values when h is
called, as g's closure does then (a nested function rebinds no outer name: nonlocal_writes.py
rewrote those before). This holds only where each nested function read is bound once in the
enclosing function, before h, and reads no name h binds itself; otherwise h is refused,
located.

Nested functions calling each other (`even` calling `odd`, defined after it, which calls
`even` back) are lifted together, over the free variables of them all, each with a copy of
them all (`_mutual_group`), where every call of them comes after the last of their defs;
refused, located, else.

A nested function calling itself is lifted with a copy of itself too; lowering the lifted
copy, that copy's def stands for the lifted function itself (`Source.lifted`), so the
recursive call goes to the same emitted variant, as a module-level helper's does. *args and
**kwargs are parameters of the lifted copy holding a tuple and a dict, made at each call
(variadic.bind_call), as a module-level helper's are.

The def (or lambda) as the primal writes it (`as_written`) reads the module-level names
it reads where the function being lowered finds them (`lower_exprs.free_reference`): a
helper of another module, or emitted code differentiated again (jvp of hvp), sits in a
module whose globals are not its own, where a bare `np` would not be defined.
"""
from . import syntax as S
from .callables import LocalFunction
from .core import assigned_names


def local_function(lw, name, node):
    """The `LocalFunction` of the nested def or lambda `node` bound to `name`, recorded in
    lw.local_functions: its free variables are the enclosing function's locals it reads.
    A nested function it reads, or itself, is copied into its lifted copy (see the module's
    docstring). Refused, located: decorators, nonlocal/global (nonlocal_writes.py rewrote
    those it follows), and a nested function reading another that is bound twice or reads a
    name this one binds, or calling one defined after it that is called before that."""
    owner = getattr(lw.src, "lifted", None)
    if owner is not None and owner.__name__ == name and _same_def(node, owner.written):
        lw.local_functions[name] = owner   # the copy of itself a recursive one holds
        return owner
    made = {**getattr(lw.src, "lifted_group", {}), **getattr(lw, "pending_group", {})}.get(name)
    if made is not None and _same_def(node, made.written):
        lw.local_functions[name] = made   # a member of functions calling each other
        getattr(lw, "pending_group", {}).pop(name, None)
        return made
    from .function_bindings import check_single_reaching   # bound in a branch, a loop
    check_single_reaching(lw, name, node)
    if getattr(node, "decorator_list", None):
        _cache_decorators(lw, name, node)
    original = node
    args = node.args
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs} | {
        getattr(a, "id", getattr(a, "arg", None)) for a in (args.vararg, args.kwarg) if a}
    body_nodes = node.body if isinstance(node.body, list) else [node.body]
    inner_locals = own | assigned_names(body_nodes)
    for n in S.walk(node):
        if isinstance(n, (S.Nonlocal, S.Global)):
            raise lw.error(n, "nested functions may not rebind outer variables",
                             hint="return the new value instead")
    load_nodes = [n for b in body_nodes for n in S.walk(b)
                  if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]
    group = _later_called(lw, name, node)
    if group:
        return _mutual_group(lw, name, node, group)
    used = _nested_used(lw, name, load_nodes, inner_locals)
    loads = [n.id for n in load_nodes]
    free = []
    for n in loads:
        if n in lw.locals and n not in inner_locals and n not in free and n != name and \
                n not in used:
            free.append(n)
    for dep in used.values():   # the free variables of the nested functions it reads
        free += [v for v in dep.free if v not in free]
    if getattr(node, "decorator_list", None) and free:   # a cache over values that may change
        raise lw.error(node.decorator_list[0], f"srcdiff differentiates the cached function "
                       f"{name!r} as if uncached only where it reads none of the enclosing "
                       f"function's variables; it reads {free[0]!r}, which a cached call "
                       "would not see change", hint=f"pass {free[0]} to {name} as an "
                       "argument, or drop the cache decorator")
    if getattr(node, "decorator_list", None):
        _cached_returns(lw, name, node)
    recursive = name in loads and name not in inner_locals and isinstance(node, S.FunctionDef)
    if used or recursive:
        itself = {name: _Written(original)} if recursive else {}
        node = _with_copies(node, {**used, **itself})
    local = LocalFunction(name, node, free, lw.src, lw.resolver, lw.fdef.name,
                          getattr(lw, "hoisted_defaults", ()))
    lw.local_functions[name] = local
    local.written = original   # as the user wrote it, for copies
    local.nested = used
    if recursive:   # its lifted copy calls the copy of itself it holds: this function
        local.source.lifted = local
    return local


_CACHES = ("lru_cache", "cache")


def _cache_decorators(lw, name, node):
    """Refuse, located and naming it, a decorator of the nested def `node` other than
    functools.lru_cache (`@lru_cache`, `@lru_cache(maxsize=...)`) or functools.cache: a
    cache returns what the function returned for the same arguments, so where the function
    reads nothing that changes between calls (local_function checks it reads none of the
    enclosing function's variables) its values, and derivatives, are the undecorated
    function's. Any other decorator may change what a call computes."""
    import functools
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, S.Call) else dec
        path, root = [], target
        while isinstance(root, S.Attribute):
            path.insert(0, root.attr)
            root = root.value
        obj = None
        if isinstance(root, S.Name) and root.id not in lw.locals:
            obj = lw.resolver.lookup(root.id, None)
            for attr in path:
                obj = getattr(obj, attr, None)
        if obj is None or not any(obj is getattr(functools, c, False) for c in _CACHES):
            raise lw.error(dec, f"srcdiff cannot differentiate the nested function {name!r} "
                           f"through its decorator @{S.spell(dec)}: it reads the function as "
                           "written, and a decorator may change what each call computes "
                           "(only functools.lru_cache and functools.cache are known)",
                           hint=f"call the undecorated function, or define {name} at module "
                           "level and give its decorated form a rule (srcdiff.extend)")


def _cached_returns(lw, name, node):
    """Refuse, located, a return of the cached nested def `node` that may give an object
    a caller can change (an array, a list: the cache hands every caller the same one)."""
    returns = [n for n in S.walk(node) if isinstance(n, S.Return)]
    scalars = _scalar_names(node, name, lw)
    for ret in returns:
        if ret.value is None or not _scalar(ret.value, scalars, name, lw):
            raise lw.error(ret, f"srcdiff differentiates the cached function {name!r} as if "
                           "uncached only where each return gives a number or a tuple of "
                           "numbers made by arithmetic, math functions or builtins: a cache "
                           "hands every caller the same object, so an array or list it "
                           "returns, changed by one caller, is what the next one gets",
                           hint="return a number (float(...)), or drop the cache decorator")


_SCALAR_BUILTINS = ("abs", "float", "int", "round", "min", "max", "pow", "len", "bool")


def _scalar_names(node, itself, lw):
    """The parameters of the nested def `node` its body does not rebind, and the names its
    body binds only by plain assignments of scalar expressions (_scalar)."""
    args = node.args
    names = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    stores, body = {}, [m for b in node.body for m in S.walk(b)]
    for n in body:
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            stores.setdefault(n.id, []).append(n)
    values = {}
    for n in body:
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], S.Name):
            values.setdefault(n.targets[0].id, []).append(n.value)
        elif isinstance(n, S.AugAssign) and isinstance(n.target, S.Name):
            values.setdefault(n.target.id, []).append(
                S.BinOp(left=S.load(n.target.id), op=n.op, right=n.value))
    names -= set(stores)   # a parameter rebound: only where its new values are scalars
    names |= {k for k, vs in values.items() if len(vs) == len(stores[k])}
    while True:   # (the largest set: `w += ...` reads w, a number where w was one before)
        dropped = {k for k in values if k in names and not all(
            _scalar(v, names, itself, lw) for v in values[k])}
        if not dropped:
            return names
        names -= dropped


def _scalar(expr, names, itself, lw):
    """Whether `expr` gives a number or a tuple of numbers where `names` hold them: a
    number constant, such a name, arithmetic, comparisons and conditionals of such, a call of
    a math function, of a few builtins (abs, float, min, ...) or of the cached function
    itself (`itself`) with arguments of such."""
    if isinstance(expr, S.Constant):
        return isinstance(expr.value, (int, float, complex, bool))
    if isinstance(expr, S.Name):
        return expr.id in names
    if isinstance(expr, S.BinOp):
        return _scalar(expr.left, names, itself, lw) and _scalar(expr.right, names, itself, lw)
    if isinstance(expr, S.UnaryOp):
        return _scalar(expr.operand, names, itself, lw)
    if isinstance(expr, (S.BoolOp, S.Tuple)):
        return all(_scalar(v, names, itself, lw) for v in getattr(expr, "values", None) or
                   expr.elts)
    if isinstance(expr, S.Compare):
        return all(_scalar(v, names, itself, lw) for v in [expr.left] + expr.comparators)
    if isinstance(expr, S.IfExp):
        return all(_scalar(v, names, itself, lw) for v in (expr.test, expr.body, expr.orelse))
    if isinstance(expr, S.Call) and not expr.keywords and all(
            _scalar(a, names, itself, lw) for a in expr.args):
        f = expr.func
        if isinstance(f, S.Name) and f.id == itself:
            return True
        if lw is None:
            return False
        import math
        if isinstance(f, S.Name) and f.id not in lw.locals and f.id in _SCALAR_BUILTINS:
            return lw.resolver.lookup(f.id, None) is None   # (the builtin, not shadowed)
        if isinstance(f, S.Attribute) and isinstance(f.value, S.Name) and \
                f.value.id not in lw.locals:
            return lw.resolver.lookup(f.value.id, None) is math
    return False


class _Written:
    """What _with_copies reads of a nested function: the def as written."""

    def __init__(self, written):
        self.written = written


def _same_def(node, written):
    return isinstance(node, S.FunctionDef) and isinstance(written, S.FunctionDef) and \
        (node.lineno, node.col_offset) == (written.lineno, written.col_offset)


def _later_called(lw, name, node):
    """{name: def} of the nested functions defined after `name` in the function that it
    calls (`even` calling `odd`), and those they call in turn, in the order they are
    defined; empty where it calls none."""
    later = {}
    for n in S.own_nodes(lw.fdef):
        if isinstance(n, S.FunctionDef) and n.name not in lw.local_functions and \
                n.name != name:
            later.setdefault(n.name, n)
    found, todo = {}, [node]
    while todo:
        member = todo.pop()
        body = member.body if isinstance(member.body, list) else [member.body]
        own = _inner_locals(member)
        for n in (m for b in body for m in S.walk(b)):
            if isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id in later \
                    and n.func.id not in own and n.func.id not in found:
                found[n.func.id] = later[n.func.id]
                todo.append(later[n.func.id])
    return dict(sorted(found.items(), key=lambda kv: (kv[1].lineno, kv[1].col_offset)))


def _inner_locals(node):
    """The names a nested def or lambda binds itself: its parameters and assignments."""
    args = node.args
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs} | {
        getattr(a, "id", getattr(a, "arg", None)) for a in (args.vararg, args.kwarg) if a}
    return own | assigned_names(node.body if isinstance(node.body, list) else [node.body])


def _mutual_group(lw, name, node, later):
    """The `LocalFunction` of `name`, a nested def calling `later`, nested functions defined
    after it (that may call it back: `even` and `odd`). Each of them is lifted over the free
    variables of them all, with a copy of each of them (and of the nested functions they
    read) at the top of its body; lowering a lifted copy, a member's copy stands for that
    member's lifted function (`Source.lifted_group`), so the calls go to their emitted
    variants, as module-level functions calling each other do. The members after `name` are
    recorded when their defs are met (`lw.pending_group`). This holds where each is bound
    once, all are defined in one block, each binds none of the names the others read from
    the function, and every other read of them comes after the last def (so each call
    finds them all defined); refused, located, else."""
    members = {name: node, **later}
    first = next(iter(later))
    call = next(n for b in (node.body if isinstance(node.body, list) else [node.body])
                 for n in S.walk(b) if isinstance(n, S.Call) and
                 isinstance(n.func, S.Name) and n.func.id in later)

    def refuse(why):
        return lw.error(call, f"the nested function {name} calls {call.func.id}, a nested "
                        f"function defined after it, and {why}: srcdiff follows nested "
                        "functions calling each other where each is bound once, all are "
                        "defined in one block, and they are called only after the last "
                        "of them is defined",
                        hint=f"define {call.func.id} before {name} is called, or define "
                             "them at module level")
    if not isinstance(node, S.FunctionDef):
        raise refuse(f"{name} is a lambda")
    for m in members:
        if len(_bindings(lw, m)) != 1:
            raise refuse(f"{m} is bound more than once in {lw.fdef.name}")
    block = _block_holding(lw.fdef, node)
    where = {(s.lineno, s.col_offset): k for k, s in enumerate(block or ())
             if isinstance(s, S.FunctionDef)}
    at = [where.get((d.lineno, d.col_offset)) for d in members.values()]
    if None in at:
        raise refuse(f"{first} is not defined in the block that defines {name}")
    inside = {id(n) for k in at for b in block[k].body for n in S.walk(b)}
    after = {id(n) for s in block[max(at) + 1:] for n in S.walk(s)}
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id in members and isinstance(n.ctx, S.Load) and \
                id(n) not in inside and id(n) not in after:
            raise refuse(f"{n.id} is used at line {n.lineno}, before {first} is defined")
    free, used, own = [], {}, {}
    for m, d in members.items():
        own[m] = _inner_locals(d)
        loads = [n for b in d.body for n in S.walk(b)
                 if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]
        uses = _nested_used(lw, m, loads, own[m])
        free += [n.id for n in loads if n.id in lw.locals and n.id not in own[m] and
                 n.id not in free and n.id not in members and n.id not in uses]
        for dep in uses.values():
            free += [v for v in dep.free if v not in free]
        for dep, local in uses.items():
            used.setdefault(dep, local)
    hoisted = getattr(lw, "hoisted_defaults", ())
    for d in members.values():   # (lower_funcs_defaults: a copy's default reads them too)
        free += [a.id for a in d.args.defaults + d.args.kw_defaults if isinstance(
            a, S.Name) and a.id in hoisted and a.id not in free]
    for m in members:
        clash = sorted(own[m] & (set(free) | set(members) | set(used)))
        if clash:
            raise refuse(f"{m} binds {clash[0]!r}, which another of them reads from "
                         f"{lw.fdef.name}")
    copies = {**used, **{m: _Written(d) for m, d in members.items()}}
    made = {}
    for m, d in members.items():
        made[m] = LocalFunction(m, _with_copies(d, copies), free, lw.src, lw.resolver,
                                lw.fdef.name, hoisted)
        made[m].written = d
    for m, local in made.items():
        local.nested = {**used, **{k: v for k, v in made.items() if k != m}}
        local.source.lifted_group = made
    lw.local_functions[name] = made[name]
    lw.pending_group = {**getattr(lw, "pending_group", {}),
                        **{k: v for k, v in made.items() if k != name}}
    return made[name]


def _block_holding(fdef, node):
    """The list of statements of `fdef` holding the def at `node`'s place; None if none."""
    for n in S.walk(fdef):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(n, field, None)
            if isinstance(block, list) and any(
                    isinstance(s, S.FunctionDef) and _same_def(node, s) for s in block):
                return block
    return None


def _nested_used(lw, name, load_nodes, inner_locals):
    """{name: LocalFunction} of the nested functions `name`'s body reads (and those they
    read, in the order their copies must be written), each checked to be bound once in the
    enclosing function and to read no name `name` binds itself; refused, located, else."""
    used = {}
    for n in load_nodes:
        dep = n.id
        if dep not in lw.local_functions or dep in inner_locals or dep == name or dep in used:
            continue
        local = lw.local_functions[dep]
        bound = _bindings(lw, dep)
        clash = [v for v in local.free + list(getattr(local, "nested", ())) if v in inner_locals]
        if len(bound) != 1 or clash or not hasattr(local, "written"):
            why = f"{dep} is bound more than once in {lw.fdef.name}" if len(bound) != 1 \
                else f"{name} binds {clash[0]!r}, which {dep} reads from {lw.fdef.name}" \
                if clash else f"srcdiff cannot tell which function {dep} is"
            # its free variables would be lost on the way (a silently zero derivative)
            raise lw.error(n, f"the nested function {name} uses the nested function "
                             f"{dep}, which srcdiff follows only where it is bound once, "
                             f"before {name}, and reads no name {name} binds ({why})",
                             hint=f"bind {dep} once, before {name}, and rename {name}'s own "
                                  f"names that {dep} reads; or pass {dep} what it uses as "
                                  "arguments")
        for inner, inner_local in getattr(local, "nested", {}).items():
            used.setdefault(inner, inner_local)   # the copies the copy of dep reads
        used[dep] = local
    return used


def _with_copies(node, used):
    """A def of `node` (a def or a lambda) with a copy of each nested function in `used`
    written first in its body, as the user wrote it, at the user's lines."""
    if isinstance(node, S.Lambda):
        ret = S.Return(value=node.body)
        ret.lineno, ret.col_offset = node.body.lineno, node.body.col_offset
        body = [ret]
    else:
        body = list(node.body)
    copies = []
    for dep, local in used.items():
        written = S.clone(local.written)
        if isinstance(written, S.Lambda):
            written = S.Assign(targets=[S.name(dep, S.Store())], value=written,
                               type_comment=None)
            written.lineno, written.col_offset = local.written.lineno, local.written.col_offset
        copies.append(written)
    new = S.FunctionDef(name=getattr(node, "name", "lambda"), args=node.args,
                        body=copies + body, decorator_list=[], returns=None,
                        type_comment=None, type_params=[])
    new.lineno, new.col_offset = node.lineno, node.col_offset
    return new


def local_call(lw, node, out, discard):
    """The lowered call `node` of the nested function it names: its arguments bound to the
    parameters (*args as a tuple, **kwargs as a dict), its free variables passed after them
    to the lifted copy (`Info.user_call`); the primal calls the def as written."""
    from . import generators, objects, record_notes, variadic
    from .core import Kind, UserCall
    local = lw.local_functions[node.func.id]
    generators.refuse_unchecked(lw, node, local)
    objects.note_free_objects(lw, local, out)   # the objects it reads from here
    args = [record_notes.noted_made(lw, a, lw.expr(a, out), out) for a in node.args]   # g(V(..))
    keywords = [S.keyword(arg=k.arg, value=lw.expr(k.value, out)) for k in node.keywords]
    args, _, spelled = variadic.bind_call(lw, node, local, args, keywords, out)
    args = args[:len(local.own_params)] + [S.load(v) for v in local.free]
    lw._check_argument_writes(node, local, args, out)
    value = S.Call(func=S.load(node.func.id), args=args[:len(local.own_params)], keywords=[])
    if spelled is not None:   # g(a, *args, **kw) when emitted (emit.py)
        setattr(value, S.VARIADIC, spelled)
    stmt = lw._result(value, Kind.CALL, local, discard)
    stmt.sd.user_call = UserCall("local", tuple(args))
    return stmt


def named_item(lw, func):
    """`fs[i]` (called) where fs is a local bound once to a list or tuple display (or `fs[k]`
    of a dict display with constant keys) read only by items and item i is the name of a
    nested function bound once in the function, or a lambda written there: that name (the
    lambda's, values.lambda_value), called in its place; None otherwise. Every function
    object one def or lambda of the function makes behaves the same (its closure reads the
    function's current values), so `fs[i]` and the name hold the same function when
    called."""
    from .object_lists import _grown, _single_bindings, only_indexed
    from .display_items import display_item
    if not (isinstance(func, S.Subscript) and isinstance(func.value, S.Name) and
            func.value.id in lw.locals):
        return None
    name = func.value.id
    value = _single_bindings(lw).get(name)
    item = display_item(value, func.slice)
    if item is None or _grown(lw, name) or not only_indexed(lw, name):
        return None
    if isinstance(item, S.Lambda):   # named where the display was lowered (values.lambda_value)
        return getattr(lw, "lambda_names", {}).get(id(item))
    if not (isinstance(item, S.Name) and item.id in lw.local_functions):
        return None
    return item.id if len(_bindings(lw, item.id)) == 1 else None


def named_alias(lw, func):
    """`g` (called) where g is a local bound once, to the name of a nested function bound
    once in the function (`g = scale`), or to an item of a display named_item reads (`g =
    ops["sq"]`): that name, called in its place; None otherwise.
    Every function object the one def of scale makes reads the function's current values
    when called, so g and scale hold the same function when g is called."""
    from .object_lists import _single_bindings
    if not (isinstance(func, S.Name) and func.id not in lw.local_functions and
            len(_bindings(lw, func.id)) == 1):
        return None
    value = _single_bindings(lw).get(func.id)
    if isinstance(value, S.Subscript):   # g = ops["sq"] of a display of lambdas and defs
        return named_item(lw, value)
    if not (isinstance(value, S.Name) and value.id in lw.local_functions and
            len(_bindings(lw, value.id)) == 1):
        return None
    return value.id


def closures_again(lw, node):
    """The call `node` with each argument `closure_of(g, ('c', 'x'), [c, x])` (srcdiff's own
    code passing the nested function g with the values of its free variables, read again
    where a derivative is differentiated; or a name bound to that just before the statement
    that reads it, once) replaced by `g`, where g is a nested function of this function,
    bound once, whose free variables are those names, read there under their own names:
    passing g is passing that closure (the callee cannot rebind them while it runs)."""
    args = [_closure_again(lw, a) for a in node.args]
    keywords = [S.keyword(arg=k.arg, value=_closure_again(lw, k.value)) for k in node.keywords]
    if all(a is b for a, b in zip(args, node.args)) and all(
            k.value is j.value for k, j in zip(keywords, node.keywords)):
        return node
    return S.place_unplaced(S.Call(func=node.func, args=args, keywords=keywords), node)


def _closure_again(lw, arg):
    from .runtime_closures import closure_of
    made = arg
    if isinstance(arg, S.Name) and arg.id in lw.locals:
        made = _bound_just_before(lw, arg.id)
    if not (isinstance(made, S.Call) and len(made.args) == 3 and not made.keywords and
            isinstance(made.func, (S.Name, S.Attribute)) and
            lw._global_path(made.func) is not None and
            lw._callee_object(made.func) is closure_of):
        return arg
    fn, names, items = made.args
    local = lw.local_functions.get(fn.id) if isinstance(fn, S.Name) else None
    if local is None or not isinstance(names, S.Tuple) or not isinstance(
            items, S.List) or len(names.elts) != len(items.elts):
        return arg
    given = [(n.value, v.id) for n, v in zip(names.elts, items.elts)
             if isinstance(n, S.Constant) and isinstance(v, S.Name)]
    if len(given) != len(names.elts) or any(n != v for n, v in given) or \
            sorted(n for n, _ in given) != sorted(local.free) or len(_bindings(lw, fn.id)) != 1:
        return arg
    return S.place_unplaced(S.load(fn.id), arg)


def _bindings(lw, name):
    """Every binding of `name` in the function: stores, defs (a nested function's own
    names included)."""
    return [m for m in S.walk(lw.fdef) if isinstance(m, S.Name) and m.id == name and
            not isinstance(m.ctx, S.Load)] + [
        m for m in S.walk(lw.fdef) if isinstance(m, S.FunctionDef) and m.name == name]


def _bound_just_before(lw, name):
    """The value of `name = value`, the one binding of name, where the statement right
    after it in its block holds the one read of name (nothing runs between); else None."""
    if len(_bindings(lw, name)) != 1 or sum(
            isinstance(m, S.Name) and m.id == name and isinstance(m.ctx, S.Load)
            for m in S.walk(lw.fdef)) != 1:
        return None
    for n in S.walk(lw.fdef):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(n, field, None)
            if not isinstance(block, list):
                continue
            for k, stmt in enumerate(block[:-1]):
                if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                        stmt.targets[0], S.Name) and stmt.targets[0].id == name:
                    reads = any(isinstance(m, S.Name) and m.id == name
                                for m in S.walk(block[k + 1]))
                    return stmt.value if reads else None
    return None


def as_written(lw, node):
    """A copy of the nested def or lambda `node` for the primal, each free name it reads that
    the function being lowered finds outside itself (a module global, a closure cell of its
    own) read where it finds it (`lw.free_reference`). A name bound anywhere inside `node`
    stays as written, and so does a builtin."""
    copy = S.clone(node)
    bound = set(lw.locals)
    for n in S.walk(copy):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            bound.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not copy:
            bound.add(n.name)
        elif isinstance(n, S.alias):
            bound.add((n.asname or n.name).split(".")[0])
    free = {n.id for n in S.walk(copy) if isinstance(n, S.Name) and
            isinstance(n.ctx, S.Load) and n.id not in bound}
    if not free:
        return copy
    references, missing = {}, object()
    for name in sorted(free):
        if lw.resolver.lookup(name, missing) is missing:
            continue    # a builtin, or a name defined only later: read as written
        ref = lw.free_reference(S.load(name))
        if not (isinstance(ref, S.Name) and ref.id == name):
            references[name] = ref
    return _Redirect(references).visit(copy) if references else copy


class _Redirect(S.NodeTransformer):
    def __init__(self, references):
        self.references = references

    def visit_Name(self, node):
        ref = self.references.get(node.id)
        if ref is None or not isinstance(node.ctx, S.Load):
            return node
        new = S.clone(ref)
        new.lineno, new.col_offset = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        return new
