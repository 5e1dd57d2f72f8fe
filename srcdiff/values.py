"""Functions used as values, and variadic calls: what lowering makes of them.

A function is differentiated from its source, so a call must say, before the code runs,
which function it calls. Where the callee is a value (`def rk4(f, y, ...): k1 = f(y, ...)`),
srcdiff specialises on the object passed, as it specialises a method on the class of its
object: a parameter, or a local bound once, that holds a function (`Known`) is called as
that function. Values known this way:

* functions passed in (the differentiated function's arguments, api.py) or passed on to
  the user's helpers (a module-level function, a nested def or lambda without free
  variables, a parameter known in turn): the callee is lowered per object passed;
* a local bound once to a module-level function (`act = numpy.tanh`);
* `functools.partial` objects: module-level ones (their arguments are constants, bound by
  the emitted module), and ones made in the function (`p = partial(g, a, k=b)`), whose
  arguments are copied into temporaries where the partial is made and passed there to g
  at each call of p (the derivative flows through them);
* bound methods of module-level objects, classmethods, staticmethods.

`map(f, xs)` is the list `[f(x) for x in xs]`, `sorted(xs, key=f)` is the items of xs in
the order of their keys (an order carries no derivative). A helper's `*args` and
`**kwargs` parameters are a tuple and a dict made at each call (`f(a, *xs)` passes xs as
`args` where it fills it, `f(**kw)` passes the keys a dict display gives); `[*a, b]`
and `(*a, b)` are concatenations.

What cannot be followed is refused at the user's line: a function value that closes over
the caller's variables passed on to a helper, a partial made here passed on, a starred
argument of unknown length that does not fill a `*args`.
"""
import functools
import inspect

from . import syntax as S
from .callables import LocalFunction, canonical_path, is_user_function


class Known:
    """A name known to hold exactly this object: calls through it are calls of it
    (compared by identity, so a cache keyed on it is specialised per object)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, Known) and other.obj is self.obj

    def __hash__(self):
        return hash(("srcdiff.Known", id(self.obj)))

    def __repr__(self):
        return f"Known({getattr(self.obj, '__qualname__', type(self.obj).__name__)})"


def is_function_value(obj):
    """An object srcdiff specialises a call through a name on: a user function, a function
    with rules, a partial of one."""
    if isinstance(obj, functools.partial):
        return is_function_value(obj.func)
    if isinstance(obj, LocalFunction):
        return not obj.free
    if inspect.ismethod(obj):
        owner = obj.__self__ if isinstance(obj.__self__, type) else type(obj.__self__)
        if is_user_function(obj.__func__) and is_user_class(owner):
            return True
    if isinstance(obj, type) or not callable(obj):
        return False
    from . import rules
    return is_user_function(obj) or rules.lookup("reverse", obj) is not None or (
        rules.is_nondifferentiable(obj)) or rules.lookup("forward", obj) is not None


class LocalPartial:
    """`p = functools.partial(fn, a, k=b)` made in the function: fn and the atoms holding
    the arguments where p was made."""

    def __init__(self, fn, args, keywords):
        self.fn, self.args, self.keywords = fn, args, keywords


def _state(lw):
    st = getattr(lw, "_values_state", None)
    if st is None:
        st = lw._values_state = {"known": {}, "partials": {}, "bindings": None}
    return st


def known_values(lw):
    """Names the lowered function passes to its callees, and what each is known to hold."""
    return _state(lw)["known"]


def _single_bindings(lw):
    """Local names bound exactly once, by `name = value`: name -> value node."""
    st = _state(lw)
    if st["bindings"] is None:
        counts, values = {}, {}
        for n in S.walk(lw.fdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
                counts[n.id] = counts.get(n.id, 0) + 1
            if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                    n.targets[0], S.Name):
                values[n.targets[0].id] = n.value
            if isinstance(n, (S.AugAssign, S.AnnAssign)) and isinstance(n.target, S.Name):
                counts[n.target.id] = counts.get(n.target.id, 0) + 1
        st["bindings"] = {k: v for k, v in values.items()
                          if counts.get(k) == 1 and k not in lw.params}
    return st["bindings"]


def held(lw, name):
    """What the local `name` is known to hold when called (a function, a partial, a
    LocalPartial), or None."""
    from .lower import assigned_names
    known = lw.known_types.get(name)
    if isinstance(known, Known) and name in lw.params and name not in assigned_names(
            lw.fdef.body):
        return known.obj
    value = _single_bindings(lw).get(name)
    if value is None:
        return None
    if id(value) in _state(lw)["partials"]:
        return _state(lw)["partials"][id(value)]
    if isinstance(value, (S.Name, S.Attribute)) and lw._global_path(value) is not None:
        obj = lw._callee_object(value)
        if obj is not None and is_function_value(obj):
            return obj
    if isinstance(value, S.Name) and value.id in lw.locals and value.id != name:
        return held(lw, value.id)
    return None


def called_value(lw, obj):
    """A module-level object called by name that is a function value of another kind: a
    partial, a bound method of a module-level object or class (classmethod)."""
    from . import rules
    if rules.lookup("reverse", obj) is not None or rules.lookup("forward", obj) is not None \
            or rules.is_nondifferentiable(obj) or rules.not_implemented_hint(obj) is not None:
        return None   # scipy.stats.norm.logpdf: a bound method with rules of its own
    if isinstance(obj, functools.partial) and is_function_value(obj):
        return obj
    if inspect.ismethod(obj) and is_user_function(obj.__func__) and is_user_class(
            obj.__self__ if isinstance(obj.__self__, type) else type(obj.__self__)):
        return obj
    return None


def call_held(lw, node, obj, out, discard, ref=None):
    """The call `node` of a value known to be `obj`; `ref` names it in emitted code (a
    parameter or local; None: the module-level name the call is written with)."""
    args, keywords = arguments(lw, node, obj, out)
    if ref is None and lw._global_path(node.func) is not None:
        ref = lw.global_value(node.func, out)
    return _call_with(lw, node, obj, args, keywords, out, discard, ref)


def _part(lw, ref, attr, out, key=None):
    """An atom for ref.attr (ref.attr[key]): a part of a function value, read where it is
    called (a partial's function and arguments, a bound method's object)."""
    atom = lw.temp(out, S.Attribute(value=ref, attr=attr, ctx=S.Load()), "attribute",
                   attr.strip("_"))
    lw.locals.add(atom.id)
    if key is not None:
        atom = lw.temp(out, S.Subscript(value=atom, slice=S.const(key), ctx=S.Load()),
                       "subscript", attr.strip("_") + (f"_{key}" if isinstance(key, str)
                                                       else f"_{key}"))
        lw.locals.add(atom.id)
    return atom


def _call_with(lw, node, obj, args, keywords, out, discard, ref):
    if isinstance(obj, LocalPartial):
        kws = {k.arg for k in keywords}
        merged = [S.keyword(arg=k, value=v) for k, v in obj.keywords.items() if k not in kws]
        return _call_with(lw, node, obj.fn, list(obj.args) + args, merged + keywords, out,
                          discard, _local_ref(lw, obj.fn))
    if isinstance(obj, functools.partial):
        fixed = [_part(lw, ref, "args", out, i) for i in range(len(obj.args))]
        given = {k.arg for k in keywords}
        merged = [S.keyword(arg=k, value=_part(lw, ref, "keywords", out, k))
                  for k in obj.keywords if k not in given]
        inner = None if canonical_path(obj.func) is not None else _part(lw, ref, "func", out)
        if isinstance(obj.func, (functools.partial,)) or inspect.ismethod(obj.func):
            inner = _part(lw, ref, "func", out)
        return _call_with(lw, node, obj.func, fixed + args, merged + keywords, out, discard,
                          inner)
    if inspect.ismethod(obj):
        owner = obj.__self__
        me = _part(lw, ref, "__self__", out)
        if not isinstance(owner, type):
            known_values(lw)[me.id] = type(owner)   # its methods are followed in turn
            known_values(lw).update(object_facts(me.id, owner))
        fn = obj.__func__
        inner = None if canonical_path(fn) is not None else _part(lw, ref, "__func__", out)
        return _call_with(lw, node, fn, [me] + args, keywords, out, discard, inner)
    if isinstance(obj, LocalFunction):
        if obj.free and obj not in lw.local_functions.values():
            raise lw.error(node, f"{obj.__name__} uses its enclosing function's variables "
                           f"({', '.join(obj.free)}), which srcdiff cannot pass on here",
                           hint="define it at module level and pass what it uses as "
                                "arguments")
        if obj.free:
            return _call_local(lw, node, obj, args, keywords, discard)
        if ref is None:
            ref = S.load(_local_name(lw, obj))
    if ref is None and canonical_path(obj) is None:
        raise lw.error(node, "srcdiff cannot tell how to name this function in the code it "
                       "emits", hint="call a function defined at module level")
    return lw.call_object(node, node.func, obj, args, keywords, out, discard, ref)


def _local_ref(lw, fn):
    if isinstance(fn, LocalFunction):
        return S.load(_local_name(lw, fn))
    return None


def _local_name(lw, local):
    for name, fn in lw.local_functions.items():
        if fn is local:
            return name
    return local.__name__


def _call_local(lw, node, local, args, keywords, discard):
    """A nested def or lambda of this function, called with lowered arguments (its free
    variables are passed to its lifted copy, as lower.call does)."""
    args, _ = lw._bind_user_call(node, local, args, keywords)
    args = args[:len(local.own_params)] + [S.load(v) for v in local.free]
    value = S.Call(func=S.load(_local_name(lw, local)), args=args[:len(local.own_params)],
                   keywords=[])
    stmt = lw._result(value, "call", local, discard)
    stmt.sd.extra = ("local", args)
    return stmt


# -- arguments -----------------------------------------------------------------------
def arguments(lw, node, obj, out):
    """The call's arguments lowered to atoms; where the callee is the user's function, the
    function values among them are noted (their callee is specialised on them)."""
    user = is_user_function(obj) or isinstance(obj, (LocalPartial, functools.partial)) or (
        inspect.ismethod(obj))
    args = [argument(lw, a, out) if user else lw.expr(a, out) for a in node.args]
    keywords = [S.keyword(arg=k.arg, value=argument(lw, k.value, out) if user
                          else lw.expr(k.value, out)) for k in node.keywords]
    return args, keywords


def argument(lw, node, out):
    """One argument of a call to the user's function: a function value passed is noted in
    known_values (a module-level one gets a local name first), others lowered as usual."""
    if isinstance(node, S.Lambda):
        return lambda_value(lw, node, out, passed=True)
    if isinstance(node, (S.Name, S.Attribute)) and lw._global_path(node) is not None:
        obj = lw._callee_object(node)
        if obj is not None and (is_function_value(obj) or called_value(lw, obj)):
            stem = getattr(obj, "__name__", "function")
            stem = stem if stem.isidentifier() else "function"
            atom = lw.temp(out, lw.global_value(node, out), "opaque", stem)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = Known(obj)
            return atom
        if obj is not None and (_user_object(obj) or (type(obj) in (list, tuple) and
                                                       _items_class(obj) is not None)):
            # a module-level object: its class (and those of the objects it holds) for the
            # callee; a rebinding of the name makes the code again (frontend.py)
            stem = type(obj).__name__.lower() if _user_object(obj) else "items"
            atom = lw.temp(out, lw.global_value(node, out), "opaque", stem)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = type(obj)
            known_values(lw).update(object_facts(atom.id, obj))
            return atom
    atom = lw.expr(node, out)
    if isinstance(atom, S.Name) and atom.id in lw.locals:
        name = atom.id
        local = lw.local_functions.get(name)
        if local is not None:
            if local.free:
                raise lw.error(node, f"the nested function {name} uses this function's "
                               f"variables ({', '.join(local.free)}), so srcdiff cannot pass "
                               "it to another function", hint="define it at module level and "
                               "pass what it uses as arguments (or use it only here)")
            known_values(lw)[name] = Known(local)
            return atom
        if isinstance(node, S.Name) and name not in lw.known_types:
            object_class(lw, node, atom, out)   # an object's class, for the callee (checked)
        obj = held(lw, name)
        if isinstance(obj, LocalPartial):
            raise lw.error(node, f"{name} is a functools.partial made in this function, which "
                           "srcdiff cannot pass to another function",
                           hint="pass the function and its arguments separately")
        if obj is not None:
            known_values(lw)[name] = Known(obj)
    return atom


def lambda_value(lw, node, out, passed=False):
    """A lambda written where a value is expected: a nested function of its own name."""
    name = lw.namer.fresh("function")
    lw.locals.add(name)
    local = lw.local_function(name, node)
    if passed and local.free:
        raise lw.error(node, f"this lambda uses this function's variables "
                       f"({', '.join(local.free)}), so srcdiff cannot pass it to another "
                       "function", hint="define it at module level and pass what it uses as "
                       "arguments")
    out.append(lw.assign(name, S.clone(node), "opaque"))
    if not local.free:
        known_values(lw)[name] = Known(local)
    return S.load(name)


# -- functools.partial made here, map, sorted ----------------------------------------
def desugar_call(lw, node, obj, out, discard):
    if obj is map:
        return _map(lw, node, out, discard)
    if obj is functools.partial:
        return lw._result(make_partial(lw, node, out), "opaque", None, discard)
    return _sorted(lw, node, out, discard)


def make_partial(lw, node, out):
    """`functools.partial(fn, a, k=b)` in the function: its arguments copied where it is
    made, for the calls of the name it is bound to (held)."""
    if not node.args:
        raise lw.error(node, "functools.partial needs the function first")
    fn_node = node.args[0]
    fn = _function_of(lw, fn_node)
    if any(k.arg is None for k in node.keywords):
        raise lw.error(node, "** in functools.partial is not supported")
    args = [_kept(lw, a, lw.expr(a, out), out) for a in node.args[1:]]
    keywords = {k.arg: _kept(lw, k.value, lw.expr(k.value, out), out) for k in node.keywords}
    _state(lw)["partials"][id(node)] = LocalPartial(fn, args, keywords)
    ref = lw.bind("functools.partial", functools.partial)
    fn_atom = lw.expr(fn_node, out)
    value = S.Call(func=ref, args=[fn_atom] + args,
                   keywords=[S.keyword(arg=k, value=v) for k, v in keywords.items()])
    return value


def _kept(lw, node, atom, out):
    """A partial's argument, kept as the partial keeps it: the object the name had (a later
    rebinding of the name does not change it; a write into it in place changes both, so the
    copy of the name is one the aliasing checks see, aliasing.py)."""
    if not (isinstance(atom, S.Name) and atom.id in lw.locals):
        return atom
    name = lw.namer.exact_or_fresh(atom.id + "_in_partial")
    out.append(lw.assign(name, atom, "copy"))
    lw.locals.add(name)
    lw.user_names.add(name)
    return S.load(name)


def _function_of(lw, fn_node):
    """The function a function expression means here (partial's first argument, map's)."""
    if isinstance(fn_node, S.Name) and fn_node.id in lw.local_functions:
        return lw.local_functions[fn_node.id]
    if isinstance(fn_node, S.Name) and fn_node.id in lw.locals:
        obj = held(lw, fn_node.id)
    elif isinstance(fn_node, (S.Name, S.Attribute)) and lw._global_path(fn_node) is not None:
        obj = lw._callee_object(fn_node)
    else:
        obj = None
    if obj is None or not (is_function_value(obj) or called_value(lw, obj)
                           or isinstance(obj, LocalPartial)):
        raise lw.error(fn_node, "srcdiff needs to know which function this is where the "
                       "code is compiled", hint="name a function defined at module level or "
                       "in this function")
    return obj


def _callable_node(lw, node, out):
    """A name for map's or sorted's function that a call in a comprehension can use."""
    if isinstance(node, S.Lambda):
        return lambda_value(lw, node, out)
    _function_of(lw, node)
    return S.clone(node)


def _fresh_local(lw, stem):
    name = lw.namer.fresh(stem)
    lw.locals.add(name)
    return name


def _map(lw, node, out, discard):
    if len(node.args) < 2 or node.keywords:
        raise lw.error(node, "map takes a function and one or more sequences")
    for n in S.walk(lw.fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.NamedExpr)) and n.value is node:
            # an iterator, used up by its first reader: srcdiff makes a list, which is not
            raise lw.error(node, "srcdiff reads map(...) as the list of its results, which "
                           "a name bound to it would not be after its first use",
                           hint="bind list(map(...)) instead, or use map where it is read "
                                "(for v in map(...), sum(map(...)), list(map(...)))")
    fn = _callable_node(lw, node.args[0], out)
    seqs = [S.load(_fresh_local(lw, "seq")) for _ in node.args[1:]]
    for name, seq in zip(seqs, node.args[1:]):
        out.append(lw.assign(name.id, lw.expr(seq, out), "copy"))
    items = [S.load(_fresh_local(lw, "item")) for _ in seqs]
    if len(seqs) == 1:
        target, it = S.store(items[0].id), seqs[0]
    else:
        target = S.Tuple(elts=[S.store(i.id) for i in items], ctx=S.Store())
        it = S.Call(func=S.load("zip"), args=seqs, keywords=[])
        it = _builtin(lw, it, "zip")
    comp = S.ListComp(elt=S.Call(func=fn, args=items, keywords=[]), generators=[
        S.comprehension(target=target, iter=it, ifs=[], is_async=0)])
    _place(comp, node)
    atom = lw.comprehension(comp, out)
    return lw._result(atom, "copy", None, discard)


def _builtin(lw, call, name):
    """A call of the builtin `name` inside a rewrite: refused where a local hides it."""
    if name in lw.locals or lw.resolver.lookup(name, None) is not __builtins_of(name):
        raise lw.error(call, f"the name {name!r} does not mean the builtin here",
                       hint=f"rename what hides {name}")
    return call


def __builtins_of(name):
    import builtins
    return getattr(builtins, name)


def _place(new, old):
    for n in S.walk(new):
        if hasattr(n, "lineno") or isinstance(n, (S.expr, S.stmt)):
            n.lineno, n.col_offset = old.lineno, old.col_offset


def _sorted(lw, node, out, discard):
    """sorted(xs, key=f, reverse=r): the items of xs in the order runtime_values.sort_order
    gives their keys (a permutation: no derivative)."""
    from . import runtime_values
    if len(node.args) != 1 or any(k.arg not in ("key", "reverse") for k in node.keywords):
        raise lw.error(node, "sorted takes one sequence, and key= and reverse=")
    kw = {k.arg: k.value for k in node.keywords}
    seq = _fresh_local(lw, "seq")
    out.append(lw.assign(seq, lw.sequence(node.args[0], out), "copy"))   # a dict's keys
    keys = S.load(seq)
    if kw.get("key") is not None and not (isinstance(kw["key"], S.Constant)
                                          and kw["key"].value is None):
        fn = _callable_node(lw, kw["key"], out)
        item = _fresh_local(lw, "item")
        comp = S.ListComp(elt=S.Call(func=fn, args=[S.load(item)], keywords=[]), generators=[
            S.comprehension(target=S.store(item), iter=S.load(seq), ifs=[], is_async=0)])
        _place(comp, node)
        keys = lw.comprehension(comp, out)
    reverse = lw.expr(kw["reverse"], out) if "reverse" in kw else S.const(False)
    lw.bindings["sort_order"] = runtime_values.sort_order
    order = lw.temp(out, S.Call(func=S.load("sort_order"), args=[keys, reverse], keywords=[]),
                    "call", "order", func=runtime_values.sort_order)
    lw.locals.add(order.id)
    index = _fresh_local(lw, "index")
    comp = S.ListComp(elt=S.Subscript(value=S.load(seq), slice=S.load(index), ctx=S.Load()),
                      generators=[S.comprehension(target=S.store(index), iter=order, ifs=[],
                                                  is_async=0)])
    _place(comp, node)
    atom = lw.comprehension(comp, out)
    return lw._result(atom, "copy", None, discard)


# -- *args, **kwargs -----------------------------------------------------------------
def parameter_names(fdef):
    """A def's parameters in the order of its signature, *args and **kwargs included."""
    a = fdef.args
    names = [p.id for p in a.posonlyargs + a.args]
    if a.vararg is not None:
        names.append(_arg_name(a.vararg))
    names += [p.id for p in a.kwonlyargs]
    if a.kwarg is not None:
        names.append(_arg_name(a.kwarg))
    return names


def _arg_name(node):
    return node.id if isinstance(node, S.Name) else node.arg


def check_variadic(source, fdef, known_types):
    """*args and **kwargs: followed in a helper called with them (its caller made the tuple
    and the dict, known_types says so); refused in the function differentiated itself."""
    a = fdef.args
    for extra, kind in ((a.vararg, tuple), (a.kwarg, dict)):
        if extra is not None and known_types.get(_arg_name(extra)) is not kind:
            raise source.error(fdef, "*args and **kwargs parameters of the function "
                               "differentiated itself are not supported",
                               hint="list the parameters explicitly (a helper it calls may "
                                    "take *args and **kwargs)")


def bind_call(lw, node, fn, args, keywords, out):
    """A call's arguments in the callee's parameter order, defaults filled; a *args
    parameter gets a tuple display of the extra positional arguments, **kwargs a dict
    display of the extra keywords. Returns (args, [], variadic): variadic is None, or the
    kinds of the parameters (for emit.py to spell the call)."""
    if isinstance(fn, LocalFunction):
        full, _ = lw._bind_user_call(node, fn, args, keywords)
        return full, [], None
    sig = inspect.signature(fn, follow_wrapped=False)
    kinds = [p.kind for p in sig.parameters.values()]
    if inspect.Parameter.VAR_POSITIONAL not in kinds and \
            inspect.Parameter.VAR_KEYWORD not in kinds:
        full, _ = lw._bind_user_call(node, fn, args, keywords)
        return full, [], None
    try:
        bound = sig.bind(*args, **{k.arg: k.value for k in keywords})
    except TypeError as exc:
        raise lw.error(node, f"this call does not match {fn.__qualname__}'s parameters: "
                       f"{exc}") from None
    from .callables import is_literal
    full, spelled = [], []
    for name, param in sig.parameters.items():
        if param.kind == param.VAR_POSITIONAL:
            items = list(bound.arguments.get(name, ()))
            given = _passed_through(node, items)
            if given is not None:
                atom = given
            else:
                atom = lw.temp(out, S.Tuple(elts=items, ctx=S.Load()), "display", name)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = tuple
            full.append(atom)
            spelled.append(("*", name))
        elif param.kind == param.VAR_KEYWORD:
            extra = bound.arguments.get(name, {})
            atom = lw.temp(out, S.Dict(keys=[S.const(k) for k in extra],
                                       values=list(extra.values())), "display", name)
            lw.locals.add(atom.id)
            known_values(lw)[atom.id] = dict
            full.append(atom)
            spelled.append(("**", name))
        else:
            if name in bound.arguments:
                full.append(bound.arguments[name])
            elif is_literal(param.default):
                full.append(S.const(param.default))
            else:
                raise lw.error(node, f"the default value of {fn.__qualname__}'s parameter "
                               f"{name!r} is not a literal", hint=f"pass {name}= explicitly")
            spelled.append(("=" if param.kind == param.KEYWORD_ONLY else "", name))
    return full, [], tuple(spelled)


def _passed_through(node, items):
    """The tuple a `*xs` argument passes whole as the callee's *args (unstar_call marks
    it), or None."""
    through = getattr(node, "sd_star_through", None)
    if through is not None and len(items) == 1 and isinstance(items[0], S.Name) and \
            items[0].id == through.id:
        return through
    return None


def unstar_call(lw, node, out):
    """A call without `*xs` and `**kw` arguments: a starred display or a name bound once to
    one gives its items; `**{...}` and a dict display bound once (items written later with
    literal keys included) give their keywords; `f(a, *xs)` where f's *args takes what
    xs holds passes xs whole. Refused otherwise, at the call."""
    stars = [a for a in node.args if isinstance(a, S.Starred)]
    dstars = [k for k in node.keywords if k.arg is None]
    if not stars and not dstars:
        return node
    args, keywords, through = [], [], None
    for a in node.args:
        if not isinstance(a, S.Starred):
            args.append(a)
            continue
        items = _display_items(lw, a.value)
        if items is not None:
            args.extend(items)
            continue
        if a is node.args[-1] and len(stars) == 1 and _fills_varargs(lw, node, len(args)):
            atom = lw.expr(a.value, out)
            from . import runtime
            tup = lw.temp(out, S.Call(func=lw._runtime_helper("sequence_of"), args=[
                lw.bind("tuple", tuple), atom], keywords=[]), "call", "args",
                func=runtime.sequence_of)
            lw.locals.add(tup.id)
            through = tup
            args.append(tup)
            continue
        raise lw.error(node, "srcdiff passes *xs only where it fills a *args parameter, or "
                       "where xs is a list or tuple display it can see",
                       hint="pass the items one by one (f(xs[0], xs[1]))")
    for k in node.keywords:
        if k.arg is not None:
            keywords.append(k)
            continue
        entries = _dict_entries(lw, k.value)
        if entries is None:
            raise lw.error(node, "srcdiff passes **kw only where kw is a dict display with "
                           "string keys, or a local bound once to one",
                           hint="pass the keywords one by one")
        keywords += entries
    new = S.Call(func=node.func, args=args, keywords=keywords)
    _place_call(new, node)
    if through is not None:
        new.sd_star_through = through
    return new


def _place_call(new, old):
    new.lineno, new.col_offset = old.lineno, old.col_offset
    for attr in ("end_lineno", "end_col_offset"):
        if hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))


def _fills_varargs(lw, node, position):
    """Whether the callee of `node` is the user's function whose *args starts at
    `position` (so a trailing *xs is exactly its *args)."""
    func = node.func
    if isinstance(func, S.Name) and func.id in lw.locals:
        obj = held(lw, func.id)
    else:
        obj = lw._callee_object(func)
    if obj is None or not is_user_function(obj) or isinstance(obj, LocalFunction):
        return False
    params = list(inspect.signature(obj, follow_wrapped=False).parameters.values())
    for i, p in enumerate(params):
        if p.kind == p.VAR_POSITIONAL:
            return i == position
    return False


def _display_items(lw, node):
    """The item expressions of a list or tuple display (or a local bound once to one,
    whose items are names never rebound), for `*xs`; None otherwise."""
    if isinstance(node, (S.List, S.Tuple)) and not any(isinstance(e, S.Starred)
                                                       for e in node.elts):
        return list(node.elts)
    if isinstance(node, S.Name) and node.id in lw.locals:
        # a local bound once to a display, whose length nothing changes: its items now
        value = _single_bindings(lw).get(node.id)
        if isinstance(value, (S.List, S.Tuple)) and not any(
                isinstance(e, S.Starred) for e in value.elts) and not _grown(lw, node.id):
            return [S.Subscript(value=S.load(node.id), slice=S.const(i), ctx=S.Load())
                    for i in range(len(value.elts))]
    return None


def _dict_entries(lw, node):
    if isinstance(node, S.Dict) and all(isinstance(k, S.Constant) and isinstance(
            k.value, str) for k in node.keys):
        return [S.keyword(arg=k.value, value=v) for k, v in zip(node.keys, node.values)]
    if isinstance(node, S.Name) and node.id in lw.locals:
        value = _single_bindings(lw).get(node.id)
        if isinstance(value, S.Dict) and all(isinstance(k, S.Constant) and isinstance(
                k.value, str) for k in value.keys):
            keys = [k.value for k in value.keys]
            # items added by statements of the body itself before the call: kw['c'] = ...
            for stmt in lw.fdef.body:
                if isinstance(stmt, S.Assign) and stmt.lineno < node.lineno and len(
                        stmt.targets) == 1 and _literal_item(stmt.targets[0], node.id):
                    if stmt.targets[0].slice.value not in keys:
                        keys.append(stmt.targets[0].slice.value)
            for n in S.walk(lw.fdef):   # other writes: the keys may differ when called
                if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store) and isinstance(
                        n.value, S.Name) and n.value.id == node.id:
                    if not _literal_item(n, node.id) or n.slice.value not in keys:
                        return None
            return [S.keyword(arg=k, value=S.Subscript(value=S.load(node.id), slice=S.const(k),
                                                       ctx=S.Load())) for k in keys]
    return None


def _literal_item(node, name):
    return (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
            and node.value.id == name and isinstance(node.slice, S.Constant)
            and isinstance(node.slice.value, str))


def starred_display(lw, node, out, target):
    """`[*a, b]` / `(*a, b)`: the concatenation list(a) + [b] (tuple(a) + (b,))."""
    from . import runtime
    kind = list if isinstance(node, S.List) else tuple
    parts, run = [], []

    def flush():
        if run:
            parts.append(lw.temp(out, type(node)(elts=list(run), ctx=S.Load()), "display",
                                 "items"))
            run.clear()
    for e in node.elts:
        if isinstance(e, S.Starred):
            flush()
            atom = lw.expr(e.value, out)
            parts.append(lw.temp(out, S.Call(func=lw._runtime_helper("sequence_of"), args=[
                lw.bind(kind.__name__, kind), atom], keywords=[]), "call", "items",
                func=runtime.sequence_of))
        else:
            run.append(lw.expr(e, out))
    flush()
    for p in parts:
        lw.locals.add(p.id)
    total = parts[0]
    for p in parts[1:-1]:
        total = lw.temp(out, S.BinOp(left=total, op=S.Add(), right=p), "binop", "items",
                        func=__import__("operator").add)
        lw.locals.add(total.id)
    if len(parts) == 1:
        return lw.assign(target, total, "copy")
    import operator
    return lw.assign(target, S.BinOp(left=total, op=S.Add(), right=parts[-1]), "binop",
                     func=operator.add)


def special_method(lw, node, base, cls, fn, args, keywords, out, discard):
    """`obj.m(...)` where m is a staticmethod or classmethod of obj's known class: its
    function, called with the class first for a classmethod (emitted as written)."""
    ref = S.Attribute(value=base, attr=node.func.attr, ctx=S.Load())
    func = fn.__func__
    if not is_user_function(func):
        raise lw.error(node, f"srcdiff cannot follow {cls.__name__}.{node.func.attr}",
                       hint="call a function defined at module level")
    if isinstance(fn, staticmethod):
        return lw.call_object(node, node.func, func, args, keywords, out, discard, ref)
    me = lw.temp(out, S.Attribute(value=base, attr="__class__", ctx=S.Load()), "attribute",
                 "cls")
    lw.locals.add(me.id)
    stmt = lw.call_object(node, node.func, func, [me] + args, keywords, out, discard, ref)
    call = stmt.value
    full = list(call.args)
    call.args = full[1:]
    spelled = getattr(call, S.VARIADIC, None)
    if spelled is not None:
        setattr(call, S.VARIADIC, spelled[1:])
    stmt.sd.extra = ("method", full)
    return stmt


# -- objects whose class is known where they are used --------------------------------
# Besides a parameter's class (known_types[name]), known_types holds facts about the
# objects inside an argument, read from the value passed (api.py): "layers[]" -> the class
# of every item of the list `layers`, "self.layers[]" -> of every item of the attribute,
# "self.encoder" -> the class of an attribute that is an object.
def facts_for_callee(params, args, known):
    """The facts about the objects inside a call's arguments, by the callee's names."""
    out = {}
    for key, value in known.items():
        root = key.split(".")[0].split("[")[0]
        if root == key:
            continue
        for p, a in zip(params, args):
            if isinstance(a, S.Name) and a.id == root:
                out[p + key[len(root):]] = value
    return out


def is_user_class(obj):
    """A class of the user's (not numpy's, not a builtin), whose methods srcdiff follows."""
    return isinstance(obj, type) and (obj.__module__ or "").split(".")[0] not in (
        "numpy", "builtins", "scipy", "srcdiff", "functools", "collections")


def object_class(lw, node, base, out):
    """The class of the object `node` (lowered to the name `base`) where srcdiff can tell
    it before the code runs: an object made here (`Layer(w).forward(x)`, `layer = Layer(w)`
    bound once), an item of a list whose items' class is known (`for layer in
    self.layers`), an attribute known to hold an object. Noted for the callees."""
    cls = _class_of(lw, node, set())
    if cls is None:
        return None
    if not isinstance(node, S.Call):
        # read from the objects passed when compiled: checked where the code runs, so that
        # code compiled for one class never runs a method of another
        path = canonical_path(cls)
        if path is None:
            return None
        from . import runtime_values
        from .errors import where
        lw.bindings["check_class"] = runtime_values.check_class
        guard = S.Expr(value=S.Call(func=S.load("check_class"), args=[
            base, lw.bind(path, cls), S.const(where(lw.src.filename, lw.line))], keywords=[]))
        out.append(lw.info(guard, "effect", func=runtime_values.check_class))
    known_values(lw)[base.id] = cls
    if _made_here(lw, node, set()) or lw.known_types.get(_fact_key(lw, node) or "",
                                                         None) is cls and lw.known_types.get(
            (_fact_key(lw, node) or "") + ".__record__") is cls:
        known_values(lw)[base.id + ".__record__"] = cls   # its fields may carry derivatives
    return cls


def _made_here(lw, node, seen):
    """Whether `node` is an object of a record class made in this function (a call of the
    class, or a name bound once to one)."""
    if isinstance(node, S.Call):
        return is_record_class(_class_of(lw, node, set()))
    if isinstance(node, S.Name) and node.id in lw.locals and node.id not in seen:
        seen.add(node.id)
        value = _single_bindings(lw).get(node.id)
        return value is not None and _made_here(lw, value, seen)
    return False


def _class_of(lw, node, seen):
    if isinstance(node, S.Call) and isinstance(node.func, (S.Name, S.Attribute)):
        if lw._global_path(node.func) is not None:
            obj = lw._callee_object(node.func)
            return obj if is_user_class(obj) else None
        return None
    key = _fact_key(lw, node)
    if key is not None and isinstance(lw.known_types.get(key), type):
        return lw.known_types[key]
    if isinstance(node, S.Attribute):   # a dataclass's field annotated with a class
        import dataclasses
        owner = _class_of(lw, node.value, seen)
        if owner is not None and dataclasses.is_dataclass(owner):
            field = {f.name: f for f in dataclasses.fields(owner)}.get(node.attr)
            typ = getattr(field, "type", None)
            return typ if field is not None and is_user_class(typ) else None
        return None
    if key is not None:
        return None
    if not isinstance(node, S.Name) or node.id not in lw.locals or node.id in seen:
        return None
    seen.add(node.id)
    value = _single_bindings(lw).get(node.id)
    if value is not None:
        return _class_of(lw, value, seen)
    loop = _only_loop_binding(lw, node.id)
    if loop is not None:
        it, item = loop
        key = _fact_key(lw, it)
        if key is not None:
            cls = lw.known_types.get(key + "[]")
            return cls if isinstance(cls, type) else None
        if isinstance(it, S.Name) and it.id in lw.locals and it.id not in lw.params:
            value = _single_bindings(lw).get(it.id)
            if isinstance(value, (S.List, S.Tuple)) and value.elts and not _grown(lw, it.id):
                classes = {_class_of(lw, e, set(seen)) for e in value.elts}
                if len(classes) == 1:
                    return classes.pop()
    return None


def _fact_key(lw, node):
    """'p', 'p.attr' for a parameter never rebound (or an attribute of one), else None."""
    from .lower import assigned_names
    parts = []
    while isinstance(node, S.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, S.Name) or node.id not in lw.params or node.id in assigned_names(
            lw.fdef.body):
        return None
    return ".".join([node.id] + parts[::-1])


def _grown(lw, name):
    """Whether the function may change which items the list `name` holds."""
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and isinstance(
                n.func.value, S.Name) and n.func.value.id == name:
            return True
        if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store) and isinstance(
                n.value, S.Name) and n.value.id == name:
            return True
    return False


def _only_loop_binding(lw, name):
    """(the iterated expression, the target) where the only binding of `name` is as the
    target of `for name in seq` (or `for i, name in enumerate(seq)`), else None."""
    found = []
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, (S.Store, S.Del)):
            found.append(n)
    if len(found) != 1:
        return None
    for n in S.walk(lw.fdef):
        if isinstance(n, (S.For, S.comprehension)):
            if n.target is found[0]:
                return n.iter, n.target
            if isinstance(n.target, S.Tuple) and len(n.target.elts) == 2 and \
                    n.target.elts[1] is found[0] and isinstance(n.iter, S.Call) and \
                    isinstance(n.iter.func, S.Name) and n.iter.func.id == "enumerate" and \
                    len(n.iter.args) == 1:
                return n.iter.args[0], n.target
    return None


def _user_object(value):
    from .api import _is_user_object
    return _is_user_object(value)


def _items_class(seq):
    """The one class of a non-empty list's or tuple's items when they are all user objects
    of it, else None."""
    if not seq or not _user_object(seq[0]):
        return None
    cls = type(seq[0])
    return cls if all(type(v) is cls for v in seq) else None


def object_facts(name, value):
    """Facts about the objects inside an argument (see facts_for_callee): a list's items'
    class, an object's attributes that hold objects or lists of objects of one class."""
    facts = {}
    if type(value) in (list, tuple):
        cls = _items_class(value)
        if cls is not None:
            facts[name + "[]"] = cls
    elif _user_object(value):
        for attr, v in sorted(getattr(value, "__dict__", {}).items()):
            if not isinstance(attr, str) or not attr.isidentifier():
                continue
            if type(v) in (list, tuple):
                cls = _items_class(v)
                if cls is not None:
                    facts[f"{name}.{attr}[]"] = cls
            elif _user_object(v):
                facts[f"{name}.{attr}"] = type(v)
    return facts


# -- dataclasses ------------------------------------------------------------------------
def record_read(lw, node, base, out):
    """`p.w` where p is a dataclass object of a class known here and w one of its fields:
    (the call runtime_values.record_field(p, 'w'), the function), whose rules give p a
    derivative of the same dataclass; None otherwise."""
    import dataclasses
    if not isinstance(base, S.Name):
        return None
    cls = lw.known_types.get(base.id)
    from .lower import assigned_names
    if not isinstance(cls, type) or base.id in assigned_names(lw.fdef.body):
        cls = _class_of(lw, node.value, set())
    fields = record_fields(cls) if isinstance(cls, type) else None
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        fields = tuple(f.name for f in dataclasses.fields(cls))   # passed in, or made here
    elif base.id in lw.params and lw.known_types.get(base.id) is cls and \
            lw.known_types.get(base.id + ".__record__") is not cls:
        # an object of a plain class passed in: only a dataclass can be given back as a
        # gradient of its own class, so its attributes stay attributes (refused if varied)
        return None
    if fields is None or node.attr not in fields:
        return None
    from . import runtime_values
    lw.bindings["record_field"] = runtime_values.record_field
    call = S.Call(func=S.load("record_field"), args=[base, S.const(node.attr)], keywords=[])
    return call, runtime_values.record_field


def is_record_class(obj):
    """A class whose objects are their fields: a dataclass whose generated __init__ only
    stores its arguments (no __post_init__, no field left out of __init__), or a class whose
    own __init__ only stores each parameter under its own name (`self.w = w`). Made in
    differentiated code by runtime_values.record_of, field by field."""
    return record_fields(obj) is not None


_RECORD_FIELDS = {}


def record_fields(cls):
    """The field names of a record class (see is_record_class), or None."""
    import dataclasses
    if not (isinstance(cls, type) and is_user_class(cls)):
        return None
    try:
        hit = _RECORD_FIELDS.get(cls)
    except TypeError:
        return None
    if hit is not None and hit[0] is cls.__dict__.get("__init__", cls.__init__):
        return hit[1]
    init = cls.__init__
    fields = None
    code = getattr(init, "__code__", None)
    if dataclasses.is_dataclass(cls):
        params = getattr(cls, "__dataclass_params__", None)
        if (params is not None and params.init and not hasattr(cls, "__post_init__")
                and all(f.init for f in dataclasses.fields(cls))
                and code is not None and code.co_filename == "<string>"):
            fields = tuple(f.name for f in dataclasses.fields(cls))
    elif inspect.isfunction(init) and not hasattr(cls, "__slots__") and \
            cls.__setattr__ is object.__setattr__ and cls.__getattribute__ is \
            object.__getattribute__:
        fields = _stored_parameters(init)
    _RECORD_FIELDS[cls] = (cls.__dict__.get("__init__", init), fields)
    return fields


def _stored_parameters(init):
    """The parameters of an __init__ whose body only stores each (positional) parameter
    under its own name, `self.p = p`, every one once; None for any other body."""
    from .frontend import get_source
    try:
        fdef = get_source(init).node
    except Exception:
        return None
    a = fdef.args
    if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or not a.args:
        return None
    me, params = a.args[0].id, [p.id for p in a.args[1:]]
    body = fdef.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    stored = []
    for stmt in body:
        if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1):
            return None
        t, v = stmt.targets[0], stmt.value
        if not (isinstance(t, S.Attribute) and isinstance(t.value, S.Name) and t.value.id == me
                and isinstance(v, S.Name) and v.id == t.attr and v.id in params):
            return None
        stored.append(v.id)
    if sorted(stored) != sorted(params) or not params:
        return None
    return tuple(params)


def make_record(lw, node, cls, out, discard):
    """`P(a, b=c)` of a dataclass P: record_of(P, ('a', 'b', ...), [a, c, ...]), every
    field given (defaults filled where they are literals)."""
    import dataclasses
    from . import runtime_values
    from .callables import is_literal
    args = [lw.expr(a, out) for a in node.args]
    kws = {k.arg: lw.expr(k.value, out) for k in node.keywords}
    try:
        bound = inspect.signature(cls).bind(*args, **kws)
    except TypeError as exc:
        raise lw.error(node, f"this call does not match {cls.__qualname__}'s fields: "
                       f"{exc}") from None
    names, items = [], []
    parameters = inspect.signature(cls).parameters
    for name in record_fields(cls):
        default = parameters[name].default
        if name in bound.arguments:
            items.append(bound.arguments[name])
        elif default is not inspect.Parameter.empty and is_literal(default):
            items.append(S.const(default))
        else:
            raise lw.error(node, f"the default value of {cls.__qualname__}'s field "
                           f"{name!r} is not a literal", hint=f"pass {name}= explicitly")
        names.append(name)
    listed = lw.temp(out, S.List(elts=items, ctx=S.Load()), "display", "fields")
    lw.locals.add(listed.id)
    path = canonical_path(cls)
    ref = lw.bind(path, cls) if path is not None else lw.free_reference(node.func)
    lw.bindings["record_of"] = runtime_values.record_of
    value = S.Call(func=S.load("record_of"), args=[ref, S.const(tuple(names)), listed],
                   keywords=[])
    return lw._result(value, "call", runtime_values.record_of, discard)
