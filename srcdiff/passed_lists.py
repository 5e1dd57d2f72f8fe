"""A nested function growing a list it is passed, every call passing the same list of the
function around it (stage 3, lower: called by nonlocal_writes._Scope for each function,
before nonlocal_lists.py). Takes a gast FunctionDef (a copy nonlocal_writes made, changed in
place) and nonlocal_lists' judge of a list; gives back the names of the lists now grown by
name.

    def f(x):                              def f(x):
        def push(out, v):                      feats = []
            out.append(v ** 2)                 def push(v):
        feats = []                                 feats.append(v ** 2)
        for v in x:                            for v in x:
            push(feats, v)                         push(v)
        return sum(feats)                      return sum(feats)

A parameter p of a nested function g (a def of the function's top level, bound once, not
decorated, its parameters plain positional ones without defaults) that g uses only by name
(never binding it, no function inside g reading it), with a statement `p.append(e)` or
`p.extend(e)`, where every call of g passes all its parameters by position, the same name L
of the function for p, and g calls no g itself: p is L while g runs, so g reads L by name
and takes one parameter fewer, its def moved after the statement of the function's top level
binding L where none binds L before it and every call comes after that statement. That is
kept only where nonlocal_lists then takes L (a new list nothing else keeps: nonlocal_lists'
_fits); otherwise g and its calls are put back as they were (a list passed twice, `g(a, a)`,
reads as one list: both parameters L).
"""
from . import syntax as S
from .nonlocal_lists import _bound_in, _called_as_statements, _grows


def passed_lists(outer, fits, follows):
    """The names of the lists outer's nested functions are passed and grow, now grown by
    name (the module's docstring); outer is changed in place. `fits(name, growers)`: whether
    nonlocal_lists takes the list; `follows`: nonlocal_writes' rules, (bound_before,
    statements, whole_call)."""
    done = []
    for g in [n for n in outer.body if isinstance(n, S.FunctionDef)]:
        if not _called_as_statements(outer, g, follows):
            continue
        calls = _calls(outer, g)
        if calls is None:
            continue
        names = {}
        for k, p in enumerate(a.id for a in g.args.args):
            if any(_grows(s) == p for s in S.scope_nodes(g)) and _by_name_only(g, p):
                passed = {c.args[k].id if isinstance(c.args[k], S.Name) else None
                          for c in calls}
                if len(passed) == 1 and None not in passed:
                    names[k] = passed.pop()
        lists = set(names.values())
        if not names or lists & _bound_in(g):
            continue
        undo = _rewrite(outer, g, calls, names, follows[0])
        if undo is not None and all(fits(name, [g]) for name in lists):
            done.extend(sorted(lists))
        elif undo is not None:
            undo()
    return done


def needed(fdef):
    """Whether a nested function of `fdef` grows a list that is its parameter."""
    return any(isinstance(g, S.FunctionDef) and g is not fdef and any(
        _grows(n) in {a.id for a in g.args.args} for n in S.scope_nodes(g))
        for g in S.walk(fdef))


def _calls(outer, g):
    """The calls of g in outer, each passing all its parameters by position; None where g
    is read otherwise, calls itself, or takes more than plain positional parameters."""
    a = g.args
    if g.decorator_list or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or \
            a.defaults:
        return None
    mine = {id(m) for m in S.walk(g)}
    reads = [m for m in S.walk(outer) if isinstance(m, S.Name) and m.id == g.name and
             isinstance(m.ctx, S.Load)]
    if any(id(m) in mine for m in reads):
        return None
    heads = {id(m) for m in reads}
    calls = [m for m in S.walk(outer) if isinstance(m, S.Call) and id(m.func) in heads]
    if len(calls) != len(reads) or any(
            c.keywords or len(c.args) != len(a.args) or
            any(isinstance(x, S.Starred) for x in c.args) for c in calls):
        return None
    return calls


def _by_name_only(g, p):
    """Whether g never binds p and no function inside g reads it."""
    own = {id(m) for m in S.scope_nodes(g)}
    for m in S.walk(g):
        if isinstance(m, S.Name) and m.id == p:
            if id(m) not in own or not isinstance(m.ctx, (S.Load, S.Param)):
                return False
    return True


def _rewrite(outer, g, calls, names, bound_before):
    """g reading the lists by name, its parameters and the calls' arguments for them dropped,
    its def moved after the lists are bound; gives back the function putting it all back, or
    None where a list is bound after a call (nothing changed then)."""
    body = list(outer.body)
    at = body.index(g)
    for name in set(names.values()):
        if bound_before(outer, name, g):
            continue
        binds = [i for i, s in enumerate(body) if isinstance(s, (S.Assign, S.AnnAssign)) and
                 s.value is not None and name in {
                     t.id for t in S.walk(s) if isinstance(t, S.Name) and
                     isinstance(t.ctx, S.Store)}]
        if not binds:
            return None
        at = max(at, binds[0])
    first_call = min(i for i, s in enumerate(body) for c in calls
                     if any(m is c for m in S.walk(s)))
    if at >= first_call:
        return None
    params = g.args.args
    args = [(c, list(c.args)) for c in calls]
    renamed = []
    for k, name in names.items():
        p = params[k].id
        for m in S.scope_nodes(g):
            if isinstance(m, S.Name) and m.id == p and isinstance(m.ctx, S.Load):
                m.id = name
                renamed.append((m, p))
    g.args.args = [a for k, a in enumerate(params) if k not in names]
    for c in calls:
        c.args = [x for k, x in enumerate(c.args) if k not in names]
    moved = [s for s in body if s is not g]
    moved.insert(at, g)
    outer.body[:] = moved

    def undo():
        for m, p in renamed:
            m.id = p
        g.args.args = params
        for c, was in args:
            c.args = was
        outer.body[:] = body
    return undo
