"""Nested functions and lambdas of the function being lowered (stage 3, lower: called by
lower.Lowerer for a nested def or a lambda bound to a name, and by values.py). Takes the
lowering's state, the name and the gast FunctionDef or Lambda; gives back the
`callables.LocalFunction` recorded for it (its free variables: the enclosing function's
locals it reads), or raises a located refusal.

A nested def stays in the primal as written; calls of it with differentiated arguments go to
a lifted copy that takes its free variables as parameters (callables.LocalFunction).
"""
from . import syntax as S
from .callables import LocalFunction
from .core import assigned_names


def local_function(lw, name, node):
    """The `LocalFunction` of the nested def or lambda `node` bound to `name`, recorded in
    lw.local_functions: its free variables are the enclosing function's locals it reads.
    Refused, located: decorators, *args/**kwargs, nonlocal/global, and a nested function
    reading another nested function (whose free variables would be lost on the way)."""
    if getattr(node, "decorator_list", None):
        raise lw.error(node, "decorated nested functions are not supported",
                         hint="define the helper at module level")
    args = node.args
    if args.vararg or args.kwarg:
        raise lw.error(node, "*args and **kwargs parameters are not supported",
                         hint="list the parameters explicitly")
    own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    body_nodes = node.body if isinstance(node.body, list) else [node.body]
    inner_locals = own | assigned_names(body_nodes)
    for n in S.walk(node):
        if isinstance(n, (S.Nonlocal, S.Global)):
            raise lw.error(n, "nested functions may not rebind outer variables",
                             hint="return the new value instead")
    load_nodes = [n for b in body_nodes for n in S.walk(b)
                  if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]
    for n in load_nodes:
        if n.id in lw.local_functions and n.id not in inner_locals and n.id != name:
            # its free variables would be lost on the way (a silently zero derivative)
            raise lw.error(n, f"the nested function {name} uses the nested function "
                             f"{n.id}, which srcdiff does not support yet",
                             hint=f"define {n.id} at module level (passing what it uses "
                                  f"as arguments), or write its body into {name}")
    loads = [n.id for n in load_nodes]
    free = []
    for n in loads:
        if n in lw.locals and n not in inner_locals and n not in free and n != name:
            free.append(n)
    lw.local_functions[name] = LocalFunction(name, node, free, lw.src, lw.resolver,
                                               lw.fdef.name)
    return lw.local_functions[name]
