"""Where a value of a user vector space is differentiated (stage 3, lower: called by
transform.py and forward_driver.py before lowering, lower_calls.py and api_composite.py).
Takes the user's function, the parameters differentiated, the classes of the objects passed
for them (known_types) and the mode; gives back the names of the values of registered vector
spaces (srcdiff.extend.VSpace.register) where each is only handed to primitives whose
derivatives were given for it, and how emitted code names a primitive method
(primitive_reference), or raises a located refusal at the first other use.

A value of a user vector space (autograd's rkhs example: a function in a kernel space, a dict
of points to coefficients) is not arrays: srcdiff cannot differentiate code that reads its
fields, does arithmetic on it or passes it to the user's helpers, since that code's adjoint
would be made of the fields' derivatives, not of the space's cotangents. What it can do
exactly is what autograd's rkhs does: pass the value to primitives (`f(x)` with a primitive
`__call__`, `f.m(x)` with a primitive method, `p(f, x)` with p a primitive), whose vjps
(reverse mode) give cotangents in the space, added with the space's `_add` starting from its
`zeros()` (runtime_extend.VSpaceCotangent), and whose jvps (forward mode, defjvp or "same")
take a tangent in the space. Every other use is refused here, at its line, saying so.
"""
import inspect

from . import syntax as S


def check_uses(fn, wrt, known_types, mode):
    """Refuse, at its line, a use of a differentiated value of a user vector space that is
    not an argument of a primitive with a derivative given for it (`mode`: "reverse" needs
    a vjp, "forward" a jvp); gives back the names of those values (the reverse pass adds
    their cotangents with runtime_adjoint.add_adjoints, as a container's)."""
    objects = {name: cls for name, cls in (known_types or {}).items()
               if name in wrt and isinstance(cls, type)}
    spaces = {name: cls for name, cls in objects.items()
              if getattr(cls, "__srcdiff_vspace__", None) is not None}
    others = {name: cls for name, cls in objects.items() if name not in spaces and any(
        _as_primitive(v) for v in vars(cls).values())}   # objects with primitive methods
    if not (spaces or others) or not (inspect.isfunction(fn) or inspect.ismethod(fn)):
        return set()
    if others:
        _refuse_primitive_methods(fn, others)
    if not spaces:
        return set()
    code = getattr(fn, "__code__", None)
    if code is not None and "srcdiff-generated" in code.co_filename:
        from .errors import UnsupportedCodeError
        name = sorted(spaces)[0]
        raise UnsupportedCodeError(
            f"srcdiff makes first derivatives only with respect to {name}, a value of the "
            f"user vector space {spaces[name].__name__} (VSpace.register): a second "
            "derivative (hvp, hessian, a derivative of a derivative) would differentiate "
            "the space's own addition and the primitives' vjps, which srcdiff does not read",
            hint="take second derivatives with respect to arrays: hold the value's numbers in "
                 "arrays and build it inside the function from them",
            filename=code.co_filename, lineno=code.co_firstlineno)   # emitted_origins: the
                                                                     # user's def line
    source, resolver, parents = _with_parents(fn)
    for node in S.walk(source.node):
        if not (isinstance(node, S.Name) and node.id in spaces):
            continue
        cls = spaces[node.id]
        if isinstance(node.ctx, S.Param) and parents.get(node) is source.node.args:
            continue   # the parameter itself
        if not isinstance(node.ctx, S.Load):
            raise _refusal(source, node, cls, "it is bound again here")
        nested = parents.get(node)
        while nested is not None and nested is not source.node:
            if isinstance(nested, (S.Lambda, S.FunctionDef, S.AsyncFunctionDef)):
                raise _refusal(source, node, cls, "a nested function or lambda reads it")
            nested = parents.get(nested)
        prim, argnum = _primitive_use(node, parents, cls, resolver)
        if prim is None:
            raise _refusal(source, node, cls, "it flows into code srcdiff differentiates "
                           "from source (not only into primitives)")
        given = getattr(prim, "__srcdiff_modes__", {}).get(mode, ())
        if argnum not in given:
            what = "defvjp" if mode == "reverse" else "defjvp"
            raise source.error(node, f"{node.id} is a value of the vector space "
                               f"{cls.__name__}, passed here to the primitive "
                               f"{prim.__qualname__} as its argument {argnum}, and no "
                               f"{'vjp' if mode == 'reverse' else 'jvp'} was given for that "
                               f"argument ({'reverse' if mode == 'reverse' else 'forward'} "
                               "mode makes none of the other mode's for a vector space)",
                               hint=f"give one with srcdiff.extend.{what}({prim.__qualname__}"
                                    f", ..., argnums=({argnum},))")
    return set(spaces)


def _primitive_use(node, parents, cls, resolver):
    """(primitive, argnum) where the name `node` is an argument of a primitive's call:
    `f(x)` (a primitive __call__), `f.m(x)` (a primitive method), `p(..., f, ...)`."""
    parent = parents.get(node)
    if isinstance(parent, S.Call) and parent.func is node:
        return _as_primitive(inspect.getattr_static(cls, "__call__", None)), 0
    if isinstance(parent, S.Attribute) and parent.value is node:
        call = parents.get(parent)
        if isinstance(call, S.Call) and call.func is parent:
            return _as_primitive(inspect.getattr_static(cls, parent.attr, None)), 0
        return None, None
    if isinstance(parent, S.Call) and node in parent.args and not any(
            isinstance(a, S.Starred) for a in parent.args):
        return _as_primitive(_static(parent.func, resolver)), parent.args.index(node)
    return None, None


def _as_primitive(fn):
    return fn if getattr(fn, "__srcdiff_primitive__", False) else None


def _static(func, resolver):
    """The object a callee written as a name or a dotted path reads (None where not
    known before the code runs)."""
    path = []
    while isinstance(func, S.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, S.Name):
        return None
    obj = resolver.lookup(func.id, None)
    for attr in reversed(path):
        obj = getattr(obj, attr, None)
    return obj


def _refusal(source, node, cls, why):
    return source.error(
        node, f"{node.id} is a value of the user vector space {cls.__name__} "
        f"(VSpace.register), and {why}: srcdiff differentiates with respect to such a value "
        "only where it is passed to primitives, whose vjps give its cotangent",
        hint=f"pass {node.id} only to primitives (a @primitive __call__ or method of "
             f"{cls.__name__}, or p({node.id}, ...) with p a primitive) given defvjp (and "
             "defjvp for forward mode), or differentiate with respect to arrays: hold "
             "the value's numbers in arrays and build it inside the function from them")


def primitive_reference(lw, fn):
    """How the emitted code names the primitive method `fn` called on an object (`f(x)`
    lowered as `RKHSFun.__call__(f, x)`): its path in the script where that reads it there,
    else a name the emitted module binds to it (never `f.__call__`, which is bound)."""
    from .callables import canonical_path
    path = canonical_path(fn)
    if path is not None and path.startswith("__main__."):
        own = lw.script_path(path, fn)
        if own is not None:
            return own
    name = lw.namer.fresh("_".join(fn.__qualname__.replace("<", "").replace(">", "")
                                   .strip("_").split(".")).replace("__", "_"))
    lw.bindings[name] = fn
    return S.load(name)


def refuse_array_form(f, value, name, transform):
    """Raise an ArgumentError, at f's def line, for a transform that needs a value of a user
    vector space as an array (jacobian: one row or column per element)."""
    if getattr(type(value), "__srcdiff_vspace__", None) is None:
        return
    import linecache
    from .errors import ArgumentError
    code = getattr(f, "__code__", None)
    filename, lineno = (code.co_filename, code.co_firstlineno) if code else (None, None)
    raise ArgumentError(
        f"cannot make the {transform} with respect to {name}: a {type(value).__name__} is a "
        "value of a user vector space (VSpace.register), which has no elements to make "
        "rows or columns of",
        hint=f"take grad (a {type(value).__name__}) or jvp along a {type(value).__name__} "
             "instead, or differentiate with respect to arrays",
        filename=filename, lineno=lineno,
        line=linecache.getline(filename, lineno) if filename else None)


def _refuse_primitive_methods(fn, others):
    """Refuse `f(x)` / `f.m(x)` with a primitive __call__ or method where f is a
    differentiated object of a class with no vector space: its vjp's cotangent (an object
    of the class, or whatever the maker returns) has no addition srcdiff knows."""
    source, resolver, parents = _with_parents(fn)
    for node in S.walk(source.node):
        if isinstance(node, S.Name) and node.id in others and isinstance(node.ctx, S.Load):
            parent = parents.get(node)
            if not (isinstance(parent, S.Call) and parent.func is node or
                    isinstance(parent, S.Attribute) and parent.value is node):
                continue
            prim, _ = _primitive_use(node, parents, others[node.id], resolver)
            if prim is not None:
                cls = others[node.id].__name__
                raise source.error(
                    node, f"{node.id}, an object of {cls} being differentiated, is passed to "
                    f"the primitive {prim.__qualname__}, whose vjp gives its cotangent; "
                    f"srcdiff adds such cotangents only for a class registered as a vector "
                    "space", hint=f"register one for {cls} (class {cls}Space(VSpace) with "
                    f"zeros, _add, _scalar_mul, _inner_prod; {cls}Space.register({cls})), or "
                    "differentiate with respect to arrays")


def _with_parents(fn):
    """fn's `Source`, its free-name `Resolver`, and each node of its tree -> its parent."""
    from .frontend import Resolver, get_source
    source, resolver = get_source(fn), Resolver(fn)
    parents = {}
    for node in S.walk(source.node):
        for child in S.iter_child_nodes(node):
            parents[child] = node
    return source, resolver, parents
