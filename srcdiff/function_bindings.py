"""Which binding of a nested function's name a call reaches (stage 3, lower: called by
nested_defs.py where a nested def or lambda bound to a name is recorded). Takes the
lowering's state, the name and the def or lambda; gives back nothing, or raises a located
refusal where a call of the name could reach another binding than the one recorded.

srcdiff follows a call of a nested function by the one it recorded for the name when it
lowered that function's binding, statement by statement. That is exact where every
binding of the name sits in the function's own body, outside any branch, loop, `try` or
`with`: the statements run in that order, so a call reaches the binding lowered last
before it. A binding inside a branch or a loop breaks it: after

    if w[0] > 0:
        act = lambda v: v * v
    else:
        act = lambda v: v ** 3
    y = act(w)

the call would run whichever was lowered last, and a parameter rebound in a branch
(`def f(w, act=np.sin): if c: act = lambda v: v * v`) may still hold the function passed
in. Such names (bound more than once, a parameter counting as a binding, one of the
bindings inside a block) are refused at the def or lambda, with what to write instead.
"""
from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef, S.ListComp, S.SetComp,
           S.DictComp, S.GeneratorExp)


def check_single_reaching(lw, name, node):
    """Refuse, located at `node` (the def or lambda bound to `name`), a name whose calls
    could reach another binding than the one lowered last before them (module docstring)."""
    from .core import GENERATED_PREFIX
    if lw.src.filename.startswith(GENERATED_PREFIX):
        return   # srcdiff's own code, differentiated again: the user's was checked
    top, nested = _binding_counts(lw).get(name, (0, 0))
    param = name in lw.params
    if top + nested + param <= 1 or not nested:
        return
    also = "a parameter, rebound" if param else "bound more than once"
    raise lw.error(node, f"srcdiff cannot tell which function {name!r} holds where it is "
                   f"called: {name} is {also} here, inside a branch or loop, and srcdiff "
                   "follows a call of a nested function by its one binding known before the "
                   "code runs", hint=f"give each function its own name and call the one "
                   f"chosen in each branch ({name}_a = lambda ...; y = {name}_a(x)), or "
                   "choose between module-level functions with a conditional expression "
                   f"({name} = np.tanh if c else np.sin)")


def _binding_counts(lw):
    """name -> (bindings in the function's own body, bindings inside its blocks), nested
    scopes (defs, lambdas, classes, comprehensions) counted only by their own name."""
    cached = getattr(lw, "_binding_counts_cache", None)
    if cached is not None and cached[0] is lw.fdef:
        return cached[1]
    counts = {}

    def note(target, depth):
        top, nested = counts.get(target, (0, 0))
        counts[target] = (top + (depth == 0), nested + (depth > 0))

    def visit(stmt, depth):
        if isinstance(stmt, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
            note(stmt.name, depth)
            return
        blocks = [getattr(stmt, f, None) for f in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", None) or []]
        heads = [c for c in S.iter_child_nodes(stmt) if not isinstance(c, list) and not any(
            c in b for b in blocks if isinstance(b, list))]
        for head in heads:   # targets and tests: what the statement itself binds
            for n in _walk_own(head):
                if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
                    note(n.id, depth)
        for handler in getattr(stmt, "handlers", None) or []:
            if isinstance(handler.name, S.Name):
                note(handler.name.id, depth + 1)
        for block in blocks:
            for inner in block if isinstance(block, list) else ():
                visit(inner, depth + 1)

    for stmt in lw.fdef.body:
        visit(stmt, 0)
    lw._binding_counts_cache = (lw.fdef, counts)
    return counts


def _walk_own(node):
    """The nodes of `node` outside the nested scopes in it (a lambda's or comprehension's
    own names are not the function's)."""
    yield node
    if isinstance(node, _SCOPES):
        return
    for child in S.iter_child_nodes(node):
        yield from _walk_own(child)
