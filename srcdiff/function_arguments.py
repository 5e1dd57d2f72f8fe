"""Nested helpers given a function as an argument, specialised on it (stage 3, lower: called
by source_rewrites.counted_rewrite where the function defines nested functions). Takes a gast
FunctionDef and a lookup of its free names; gives back a rewritten copy in which each call of
a nested helper passing a function it can name calls a copy of the helper made for that
function, or the FunctionDef itself where no call fits.

    def f(k):                                  def f(k):
        def rk4(rhs, y, dt, n):                    def rk4(rhs, y, dt, n): ...
            ... rhs(y) ...                         def pendulum(y): ...
        def pendulum(y): ...                       def rk4_pendulum(y, dt, n):
        y = rk4(pendulum, y0, 0.1, 10)                 ... pendulum(y) ...
                                                   y = rk4_pendulum(y0, 0.1, 10)

The function passed is one srcdiff knows before the code runs: a nested def of the function
(bound by its def alone), a lambda written at the call (made a nested def first, just before
the statement holding the call, so it reads the function's variables as the lambda did), or
a module-level name or attribute holding a function (`np.sin`, a def of the module). The
copy drops the parameter and reads the function wherever the helper read the parameter, as
methods are specialised on their class (class_calls.py) and module-level functions by name.
A helper fits where it takes plain positional parameters (no *args or **kwargs) and neither
it nor anything inside it binds the parameter's name again; a call fits where it is written
in the function itself (not inside a nested def, lambda or comprehension: a lambda there may
read their variables) and passes the function by position or keyword. A copy's own calls of
helpers, now given a nested def by name, are specialised the same way (to a few rounds). A
helper whose copies replaced every call (nothing else reads its name) is dropped.
"""
import types

import numpy

from . import syntax as S

_ROUNDS = 8
_SCOPES = (S.FunctionDef, S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)


def needed(fdef):
    """Whether the function defines a nested function (the rewrite may act)."""
    return any(isinstance(s, S.FunctionDef) for s in fdef.body)


def rewrite(fdef, lookup):
    """The FunctionDef with nested helpers' calls passing a function specialised on it (see
    the module's docstring), or `fdef` itself where no call fits."""
    original, copied = fdef, set()
    for _ in range(_ROUNDS):
        done = _one(fdef, lookup, original is fdef)
        if done is None:
            break
        fdef, name = done
        copied.add(name)
    return _unused_dropped(fdef, copied)


def _unused_dropped(fdef, copied):
    """fdef without the defs of the helpers in `copied` that nothing reads any more (their
    copies replaced every call): the code made holds the copies alone."""
    while copied:   # (a helper only a dropped one called goes too: outer's inner)
        keep = []
        for s in fdef.body:
            if isinstance(s, S.FunctionDef) and s.name in copied:
                own = {id(n) for n in S.walk(s)}
                if not any(isinstance(n, S.Name) and n.id == s.name and id(n) not in own
                           for n in S.walk(fdef)):
                    continue
            keep.append(s)
        if len(keep) == len(fdef.body):
            break
        fdef.body = keep   # (fdef is a copy: _specialised made it)
    return fdef


def _one(fdef, lookup, first):
    """(a copy of fdef with one helper call specialised, the helper's name), or None where
    none fits."""
    helpers = _helpers(fdef)
    if not helpers:
        return None
    bound = _bound_names(fdef)
    for index, stmt in enumerate(fdef.body):
        if isinstance(stmt, S.FunctionDef):
            continue
        for call in _calls_here(stmt):
            helper = helpers.get(call.func.id)
            if helper is None:
                continue
            found = _passed_function(call, helper, helpers, bound, lookup, stmt)
            if found is not None:
                return _specialised(fdef, index, call, helper, *found), helper.name
    return None


def _helpers(fdef):
    """{name: def} of the nested functions bound by their def alone and taking plain
    positional parameters, with constant defaults."""
    defs = {}
    for s in fdef.body:
        if isinstance(s, S.FunctionDef):
            a = s.args
            # (its copy is made just before the call: defaults other than constants would be
            # computed there, not where the helper is defined)
            ok = not (a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or s.decorator_list
                      ) and all(isinstance(d, S.Constant) for d in a.defaults)
            defs[s.name] = s if ok and s.name not in defs else None
    stores = set()
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
            stores.add(n.id)
    return {k: v for k, v in defs.items() if v is not None and k not in stores}


def _bound_names(node):
    """Every name bound anywhere under `node` (parameters, targets, defs): for a function, a
    name not among them is one of the module's."""
    nodes = list(S.walk(node))
    return {n.id for n in nodes if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load)} | {
        n.name for n in nodes if isinstance(n, (S.FunctionDef, S.ClassDef))}


def _calls_here(node):
    """The calls of a name under node, outside nested scopes, in source order."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, S.Call) and isinstance(n.func, S.Name):
            out.append(n)
        for child in reversed(list(S.iter_child_nodes(n))):
            if not isinstance(child, _SCOPES):
                stack.append(child)
            elif isinstance(child, S.Lambda) and isinstance(n, S.Call):
                continue   # (a lambda passed: its body is not a call written here)
    return out


def _passed_function(call, helper, helpers, bound, lookup, stmt):
    """(parameter name, where passed, the function node) of the first argument of `call`
    (written in the function's statement `stmt`) that passes a function srcdiff knows to a
    parameter the helper may drop; else None."""
    params = [a.id for a in helper.args.args]
    if any(isinstance(a, S.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords) or len(call.args) > len(params):
        return None
    passed = [(params[i], ("arg", i), a) for i, a in enumerate(call.args)]
    passed += [(k.arg, ("kw", k.arg), k.value) for k in call.keywords if k.arg in params]
    for param, where, value in passed:
        if _known_function(value, helpers, bound, lookup) and _droppable(helper, param) \
                and _root(value) not in _bound_names(helper) and (   # (read as the caller's)
                    not isinstance(value, S.Lambda) or _defaults_keep(value, stmt)):
            return param, where, value
    return None


def _defaults_keep(lam, stmt):
    """Whether a lambda's defaults, computed where it is made a nested def (just before the
    function's statement `stmt` that holds the call), are those Python computes where the
    lambda is written: constants, or anything where `stmt` is a simple statement without a
    walrus. A loop's or a while test's lambda computes its defaults on each trip (`while
    g(lambda v, k=k: v * k) < 3: k += 1`), a branch's only where it runs."""
    if all(isinstance(d, S.Constant) for d in lam.args.defaults):
        return True
    return isinstance(stmt, (S.Assign, S.AugAssign, S.AnnAssign, S.Expr, S.Return)) and \
        not any(isinstance(n, S.NamedExpr) for n in S.walk(stmt))


def _root(value):
    """The name an expression passed starts from (None for a lambda)."""
    base = S.attribute_chain(value)[0] if isinstance(value, S.Attribute) else value
    return base.id if isinstance(base, S.Name) else None


def _known_function(value, helpers, bound, lookup):
    """Whether `value` names a function srcdiff knows before the code runs."""
    if isinstance(value, S.Lambda):
        a = value.args
        return not (a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs)
    if isinstance(value, S.Name) and value.id in helpers:
        return True
    if not isinstance(value, (S.Name, S.Attribute)):
        return False
    base, attrs = S.attribute_chain(value)
    if not isinstance(base, S.Name) or base.id in bound:
        return False
    obj = lookup(base.id)
    for attr in attrs:
        obj = getattr(obj, attr, None)
    return isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, numpy.ufunc)) or (
        callable(obj) and getattr(obj, "__module__", "") and
        str(getattr(obj, "__module__", "")).startswith("numpy") and not isinstance(obj, type))


def _droppable(helper, param):
    """Whether nothing in the helper binds `param` again (its own parameter aside)."""
    for n in S.walk(helper):
        if n is helper:
            continue
        if isinstance(n, S.Name) and n.id == param and not isinstance(n.ctx, S.Load):
            if not _is_own_param(helper, n):
                return False
        if isinstance(n, (S.FunctionDef, S.ClassDef)) and n.name == param:
            return False
        if isinstance(n, S.Global) or isinstance(n, S.Nonlocal):
            if param in n.names:
                return False
    return True


def _is_own_param(helper, node):
    return any(a is node for a in helper.args.args)


def _specialised(fdef, index, call, helper, param, where, value):
    """fdef with `call` (in fdef.body[index]) calling a copy of `helper` made for the
    function `value` passed for `param`."""
    taken = _bound_names(fdef) | {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    new_body = list(fdef.body)
    inserted = []
    if isinstance(value, S.Lambda):   # made a nested def, just before the statement
        lam_name = S.fresh_name(f"{helper.name}_{param}_fn", taken)
        params = [a.id for a in value.args.args]
        lam_def = S.function_def(lam_name, params,
                                 [S.place_unplaced(S.Return(value=S.clone(value.body)),
                                                   value)],
                                 defaults=S.clone(value.args.defaults))
        inserted.append(S.place_unplaced(lam_def, call))
        fn_expr = S.load(lam_name)
        spelled = lam_name
    else:
        fn_expr = value
        spelled = S.spell(value).replace(".", "_")
    copy_name = S.fresh_name(f"{helper.name}_{spelled}", taken)
    copy = S.clone(helper)
    copy.name = copy_name
    i = [a.id for a in copy.args.args].index(param)
    n_args, n_defaults = len(copy.args.args), len(copy.args.defaults)
    first_default = n_args - n_defaults
    del copy.args.args[i]
    if i >= first_default:
        del copy.args.defaults[i - first_default]
    copy = _substituted(copy, param, fn_expr)
    _recursion_kept(copy, helper.name, i, param, fn_expr)
    inserted.append(copy)
    stmt = S.clone(fdef.body[index])
    # find the call again in the cloned statement, by position in _calls_here order
    original_calls = _calls_here(fdef.body[index])
    new_calls = _calls_here(stmt)
    new_call = new_calls[[c is call for c in original_calls].index(True)]
    new_call.func = S.place_unplaced(S.load(copy_name), new_call.func)
    if where[0] == "arg":
        del new_call.args[where[1]]
    else:
        new_call.keywords = [k for k in new_call.keywords if k.arg != where[1]]
    new_body[index:index + 1] = inserted + [stmt]
    out = S.clone(fdef)
    out.body = new_body
    return out


def _recursion_kept(copy, name, i, param, fn_expr):
    """In the helper's copy, its calls of itself passing the same function on (`twice(f,
    f(v), n - 1)`, now `twice(np.sin, ...)`) call the copy instead, without that argument:
    else each round would specialise the recursion once more."""
    spelled = S.spell(fn_expr)
    for n in S.walk(copy):
        if not (isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id == name):
            continue
        if len(n.args) > i and not any(isinstance(a, S.Starred) for a in n.args[:i + 1]) \
                and S.spell(n.args[i]) == spelled:
            del n.args[i]
        elif any(k.arg == param and S.spell(k.value) == spelled for k in n.keywords):
            n.keywords = [k for k in n.keywords if k.arg != param]
        else:
            continue
        n.func = S.place_unplaced(S.load(copy.name), n.func)


def _substituted(node, param, fn_expr):
    """node with each read of the name `param` replaced by a copy of fn_expr."""
    class Sub(S.NodeTransformer):
        def visit_Name(self, n):
            if n.id == param and isinstance(n.ctx, S.Load):
                return _placed_copy(fn_expr, n)
            return n
    return Sub().visit(node)


def _placed_copy(fn_expr, at):
    """A copy of fn_expr placed at `at` (the read it replaces: errors name that line)."""
    copy = S.clone(fn_expr)
    for n in S.walk(copy):
        if isinstance(n, S.expr):
            n.lineno, n.col_offset = at.lineno, at.col_offset
            n.end_lineno = getattr(at, "end_lineno", at.lineno)
            n.end_col_offset = getattr(at, "end_col_offset", at.col_offset)
    return copy
