"""The shape of lowered code that alias_flow reads: where a statement sits and whether nested
functions are only called where they are defined (stage 3, lower: called by alias_flow.py).
Takes lowered core statements; gives back plain facts: a statement's block, the way to it
from the function's body, the blocks around it (`places`, `path_to`, `blocks_around`,
`local_functions_only_called`).
"""
from . import analyze
from . import syntax as S


def places(body):
    """{id(statement): (id of the statement list holding it directly, its index there)}."""
    out = {}

    def walk(block):
        for k, u in enumerate(block):
            out[id(u)] = (id(block), k)
            for field in ("body", "orelse"):
                inner = getattr(u, field, None)
                if isinstance(inner, list) and not isinstance(u, S.FunctionDef):
                    walk(inner)
    walk(body)
    return out


def path_to(body, stmt):
    """[(block, index)] from the function's body inwards: the statement lists holding
    `stmt` (directly or nested) and where in each the way to it goes; None if not there."""
    for i, t in enumerate(body):
        if t is stmt:
            return [(body, i)]
        for field in ("body", "orelse"):
            inner = getattr(t, field, None)
            if isinstance(inner, list) and not isinstance(t, S.FunctionDef):
                found = path_to(inner, stmt)
                if found is not None:
                    return [(body, i)] + found
    return None


def blocks_around(body, stmt):
    """The statement lists holding `stmt` (directly or nested), from the body of the
    innermost loop around it (or the function's body) inwards."""
    def path(block, owner):
        for t in block:
            if t is stmt:
                return [(block, owner)]
            for field in ("body", "orelse"):
                inner = getattr(t, field, None)
                if isinstance(inner, list) and not isinstance(t, S.FunctionDef):
                    found = path(inner, t)
                    if found is not None:
                        return [(block, owner)] + found
        return None
    out = []
    for block, owner in path(body, None) or []:
        if isinstance(owner, (S.For, S.While)):
            out = []
        out.append(block)
    return out


def is_local(stmt):
    return stmt.sd.user_call is not None and stmt.sd.user_call.form == "local"


def local_functions_only_called(stmts):
    """Whether every nested def and lambda is only called where it is defined (the lowering
    passes its free variables to each such call, so what it reads is seen there): one used
    as a value (passed on, stored, returned) may run anywhere, and this analysis gives up."""
    defined = set()
    for t in stmts:
        if isinstance(t, S.ClassDef):
            return False
        if isinstance(t, S.FunctionDef):
            defined.add(t.name)
        elif isinstance(t, S.Assign) and isinstance(t.value, S.Lambda) and \
                isinstance(t.targets[0], S.Name):
            defined.add(t.targets[0].id)
    for t in stmts:
        if isinstance(t, S.FunctionDef) or (isinstance(t, S.Assign) and
                                            isinstance(t.value, S.Lambda)):
            continue
        own = [t.test] if isinstance(t, (S.If, S.While)) else [t.iter] \
            if isinstance(t, S.For) else [t]   # (a block's statements are checked apart)
        if any(isinstance(n, (S.Lambda, S.FunctionDef)) for o in own for n in S.walk(o)):
            return False
        if defined & set(analyze.operands(t)):
            return False
    return True


def inplace(stmt):
    return stmt.sd.inplace is not None
