"""A helper's writes into what its caller passes it, handed back (stage 3, lower: called by
lower_copies.py). Takes a function of the user's and the parameters it writes into in place
(`returning_written`); gives back a variant of it returning (its result, each such
parameter), or None where no such variant can be made.

`fill(out, v)` doing `out[:] = numpy.tanh(v)`, `scale_rows(M, c)` writing rows in place,
an optimiser step writing `p["w"] = ...` into a dict it is given: the change to the caller's
value is the point of such a helper. srcdiff's derivative of a helper works on a copy of
what it writes into (lower_copies' own_copy), so the caller's value would not change. Where
the caller passes a name only it holds, lower_copies lowers `fill(out, x)` as
`t = fill_writing(out, x); out = t[1]`: the variant returns the helper's copy, and the
caller's name is bound to it, which is what Python's caller sees (alias_flow proves no
other name holds the old array; a check at run time that no other argument does). Where
another name may hold it too (or alias_flow cannot tell), and where the caller passes a
view it takes right there (`fill(A[1:], x)`), the copy is written back into the caller's
array instead, `out[...] = t[1]` (`A[1:] = t[1]`), as Python's holders all see it: an item
write aliasing.check_writes then refuses or checks as the user's own, and checks at run
time that it is an array of numbers (a view of the base: runtime_alias).

The variant is the helper's own text with each `return e` read as `return (e), p` (`return`
as `return None, p`, and one more such line where the body may end without a return),
compiled with the helper's globals and defaults under the user's file name and line
numbers, so refusals inside it name the user's lines; the loader keeps its text, where
frontend.get_source reads it. A helper with a closure, decorators, a generator, or that
binds the parameter anew anywhere is not handled (None).
"""
import ast
import textwrap
import types
import weakref

from . import syntax as S

_MADE = weakref.WeakKeyDictionary()   # a helper -> {(its code, params): the variant}
_NO_RESULT = 0x20 | 0x80 | 0x100 | 0x200   # generator, coroutine, iterable coroutine, async gen


def returning_written(fn, params, updated=False):
    """The variant of `fn` returning (its result, *params) (see the module's docstring), or
    None. `updated`: `p op= v` on a parameter is no new binding (lower_copies gives the
    variant arrays only, which the operator changes in place)."""
    if not isinstance(fn, types.FunctionType) or fn.__code__.co_freevars or \
            fn.__code__.co_flags & _NO_RESULT:
        return None
    made = _MADE.setdefault(fn, {})
    key = (fn.__code__, tuple(params), updated)
    if key not in made:
        made[key] = _variant(fn, tuple(params), updated)
    return made[key]


def _variant(fn, params, updated=False):
    from . import loader
    from .frontend import get_source
    try:
        source = get_source(fn)
    except Exception:  # noqa: BLE001 (no source: the call is refused as before)
        return None
    node = source.node
    if getattr(node, "decorator_list", None) or not getattr(node, "end_lineno", None):
        return None
    first, last = node.lineno, node.end_lineno
    segment = textwrap.dedent("".join(source.lines[first - 1:last]))
    try:
        tree = ast.parse(segment)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
        return None
    fdef = tree.body[0]
    if fdef.name != fn.__code__.co_name or any(s.lineno == fdef.lineno for s in fdef.body) \
            or _rebinds(fdef, params, updated):
        return None
    text = _edited(segment, fdef, params)
    if text is None:
        return None
    text = "\n" * (first - 1) + text
    try:
        code = compile(text, source.filename, "exec", dont_inherit=True)
    except SyntaxError:
        return None
    inner = [c for c in code.co_consts if isinstance(c, types.CodeType)
             and c.co_name == fn.__code__.co_name]
    if len(inner) != 1:
        return None
    variant = types.FunctionType(inner[0], fn.__globals__, fn.__name__, fn.__defaults__)
    variant.__kwdefaults__ = dict(fn.__kwdefaults__) if fn.__kwdefaults__ else None
    variant.__qualname__ = fn.__qualname__
    variant.__doc__ = fn.__doc__
    variant._srcdiff_written = params   # (alias_flow: its result's items 1.. are these,
    variant._srcdiff_returns = _returned_parameter(fdef, updated)   # item 0 this one)
    loader._SOURCES[inner[0]] = text   # (frontend.get_source reads the variant's text there)
    return variant


def _returned_parameter(fdef, updated=False):
    """The parameter every return of `fdef` gives back (`return M`), where the body ends
    with such a return and binds that parameter nowhere; else None."""
    returns = [n for n in S.own_nodes(fdef) if isinstance(n, ast.Return)]
    names = {n.value.id if isinstance(n.value, ast.Name) else None for n in returns}
    if len(names) != 1 or None in names or not fdef.body or \
            not isinstance(fdef.body[-1], ast.Return):
        return None
    name = names.pop()
    params = [a.arg for a in fdef.args.posonlyargs + fdef.args.args + fdef.args.kwonlyargs]
    return name if name in params and not _rebinds(fdef, [name], updated) else None


def _rebinds(fdef, params, updated=False):
    """Whether the body binds one of `params` anew (then what it returns is not what the
    caller's value became), or names it global or nonlocal. A comprehension's own variable
    (`[np.tanh(t) for t in v]`) lives in the comprehension's scope: it binds nothing; with
    `updated`, neither does `p op= v`."""
    scoped = {id(m) for n in S.own_nodes(fdef) if isinstance(n, ast.comprehension)
              for m in ast.walk(n.target)}
    if updated:
        scoped |= {id(n.target) for n in S.own_nodes(fdef) if isinstance(n, ast.AugAssign)}
    for n in S.own_nodes(fdef):
        if isinstance(n, ast.Name) and n.id in params and not isinstance(n.ctx, ast.Load) \
                and id(n) not in scoped:
            return True
        if isinstance(n, (ast.Global, ast.Nonlocal)) and set(n.names) & set(params):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                n.name in params:
            return True
    return False


def _edited(segment, fdef, params):
    """`segment` (the def's text) with its returns handing back `params` too."""
    lines = [line.encode() for line in segment.splitlines(keepends=True)]
    tail = ", ".join(params)
    edits = []   # (line, byte column, bytes to remove, text to insert)
    for n in S.own_nodes(fdef):
        if not isinstance(n, ast.Return):
            continue
        if n.value is None:
            if n.lineno != n.end_lineno:
                return None
            edits.append((n.lineno, n.col_offset, n.end_col_offset - n.col_offset,
                          f"return None, {tail}"))
        else:
            v = n.value
            edits.append((v.end_lineno, v.end_col_offset, 0, f"), {tail}"))
            edits.append((v.lineno, v.col_offset, 0, "("))
    for line, col, remove, insert in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        b = lines[line - 1]
        lines[line - 1] = b[:col] + insert.encode() + b[col + remove:]
    text = b"".join(lines).decode()
    if not isinstance(fdef.body[-1], (ast.Return, ast.Raise)):
        indent = " " * fdef.body[0].col_offset
        if not text.endswith("\n"):
            text += "\n"
        text += f"{indent}return None, {tail}\n"
    return text


# -- the caller's side: lower_copies.CopyInsertion's calls -----------------------------------
def take(lw, node, fn, fdef, params, args, writes, error, out=(), guard=None):
    """Whether the call `node` of `fn` (its lowered operands `args` in fn's parameter order),
    which writes into the parameters of `writes` ((parameter, where) pairs), can be lowered
    as a call of the variant handing back what it wrote into: each such parameter is given
    a local name of the caller's own (not a parameter or a global), or a view of one taken
    right there (`h(A[1:])`, `h(A[0])`: srcdiff's temporary bound in `out`, the statements
    lowered so far). The call is noted on `lw`; `rewrite` finds it in the lowered body, or
    raises `error`. `guard`: for a helper doing `p op= v` (an array changed in place, a
    number rebound: `writes` names p), the check before the call that refuses arrays
    (lower_copies); `rewrite` then runs the variant where the run gives an array, and the
    call as it was, after that check, where it does not (`updated`)."""
    from .callables import LocalFunction
    local = fn
    if isinstance(fn, LocalFunction):
        fn = standalone(fn, _bound_names(lw.fdef))
    if not isinstance(fn, types.FunctionType):
        return False
    variadic = {getattr(a, "id", None) or getattr(a, "arg", None)
                for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None}
    written, views = [], {}
    for param in dict.fromkeys(p for p, _ in writes):
        i = params.index(param) if param in params and param not in variadic else None
        arg = args[i] if i is not None and i < len(args) else None
        if not isinstance(arg, S.Name) or any(name == arg.id for _, name in written):
            return False
        if lw.items_repeat(arg.id):
            return False   # lst = [a, a]: a write into lst[0] changes lst[1] too
        if arg.id not in lw.user_names or arg.id not in lw.locals:
            taken = _view_taken(lw, arg.id, out)
            if taken is None:
                return False
            views[arg.id] = taken
        written.append((param, arg.id))
    variant = returning_written(fn, [p for p, _ in written], guard is not None)
    if variant is None:
        return False
    if not hasattr(lw, "handed_back"):
        lw.handed_back = []
    lw.handed_back.append(types.SimpleNamespace(
        args=[id(a) for a in args], fn=fn, called=local, variant=variant, written=written, error=error,
        views=views, guard=guard, line=getattr(node, "lineno", lw.line)))
    return True


def _bound_names(fdef):
    """The names a function's text binds anywhere (its parameters, assignments, defs,
    imports), nested functions' too: more than it binds."""
    names = set()
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            names.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)):
            names.add(n.name)
        elif isinstance(n, S.alias):
            names.add((n.asname or n.name).split(".")[0])
    return names


def _global_reads(code):
    """The global (and attribute) names `code` and the code nested in it read."""
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_reads(c)
    return names


def standalone(local, enclosing=()):
    """A function defined inside the differentiated one (callables.LocalFunction) that reads
    none of its variables, no other nested function and no default but literals, made a
    plain Python function of its own text (the enclosing function's globals, the user's file
    name and line numbers: get_source reads its text), so that its writes into what it is
    given can be handed back as a module-level helper's are; else None. `enclosing`: the
    names the enclosing function binds, which the function must not read. Made once each."""
    from . import loader
    if local.free or local.variadic or getattr(local, "nested", None) or \
            getattr(local.source, "lifted", None) is not None or local.resolver is None:
        return None
    made = getattr(local, "_standalone", False)
    if made is not False:
        return made
    local._standalone = None   # (None until made: a refusal stays one)
    node = getattr(local, "written", None)
    source = local.source
    if not isinstance(node, S.FunctionDef) or node.decorator_list or \
            not getattr(node, "end_lineno", None):
        return None
    first, last = node.lineno, node.end_lineno
    text = "\n" * (first - 1) + textwrap.dedent("".join(source.lines[first - 1:last]))
    try:
        code = compile(text, source.filename, "exec", dont_inherit=True)
    except SyntaxError:
        return None
    inner = [c for c in code.co_consts if isinstance(c, types.CodeType)
             and c.co_name == node.name]
    if len(inner) != 1 or inner[0].co_freevars or _global_reads(inner[0]) & set(enclosing):
        return None   # (a name the enclosing function binds: Python's closure reads it)
    scope = {}
    try:
        exec(code, local.resolver.globals, scope)   # (only the def: its defaults literals)
    except Exception:  # noqa: BLE001 (a default it cannot compute alone: refused as before)
        return None
    fn = scope.get(node.name)
    if not isinstance(fn, types.FunctionType):
        return None
    fn.__qualname__ = local.__qualname__
    loader._SOURCES[fn.__code__] = text
    local._standalone = fn
    return fn


def _view_taken(lw, temp, out):
    """(the caller's name, the index) where srcdiff's temporary `temp` is bound, in `out`,
    to an item or slice of a local name of the user's (`A[1:]`, `A[i, :]`) and read nowhere
    yet; else None."""
    from .core import Kind
    made = [t for t in out if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
            and t.targets[0].id == temp]
    if len(made) != 1 or made[0].sd.kind != Kind.SUBSCRIPT:
        return None
    value = made[0].value
    base = value.value
    if not isinstance(base, S.Name) or base.id not in lw.user_names or \
            base.id not in lw.locals:
        return None
    at = next(i for i, t in enumerate(out) if t is made[0])
    for t in out[at + 1:]:
        if any(isinstance(n, S.Name) and (n.id == temp or (
                n.id == base.id and not isinstance(n.ctx, S.Load))) for n in S.walk(t)):
            return None   # (read already, or its base bound anew in between)
    return base.id, value.slice


def rewrite(lw, body):
    """Lower each call `take` noted as `t = variant(...)`, then `r = t[0]` where its result is
    kept and, for each caller's name it writes into, `name = t[k]` where no other name bound
    before the call reads the old array after it (alias_flow), else the helper's copy written
    back into the caller's array in place (`name[...] = t[k]`: write_back), as into a view's
    base (`h(A[1:])`: `A[1:] = t[k]`) always; those writes are then checked like the user's
    own (aliasing.check_writes). Before the call, a check that no other argument shares what
    the helper writes into (runtime_alias.check_written_unshared). Raises the call's refusal
    where the call is not found. Gives back the caller's names the helpers write into (a
    parameter among them gets its own copy first, as one written directly: lower_copies),
    an empty set where there are none."""
    noted = getattr(lw, "handed_back", None)
    if not noted:
        return set()
    from . import alias_flow
    lw.handed_back = []
    made = []
    for note in noted:
        found = _find(body, note)
        if found is None and note.guard is not None:
            continue   # (the call as it was, its check before it)
        if found is None:
            raise note.error
        block, i = found
        if note.guard is not None:
            block, i = updated(lw, block, i, note)
        made.append((_lowered(lw, block, i, note), note))
        for _, name in note.written:
            if name in note.views:
                write_back(lw, body, note, name)
    turned = True
    while turned:   # (a name written back stays the caller's array: the others looked at anew)
        turned = False
        # (the variant's results are new: it wrote into a copy of its own, made as it began)
        flow = alias_flow.Flow(body, fresh=[id(call) for call, _ in made])
        flow.rows_apart = flow.array_rows()   # (`for r in m: helper(r)`: m's other rows)
        for call, note in made:
            for _, name in note.written:
                if name in note.binds and \
                        flow.seen_by(call, name, owned=lw.params) is not None:
                    write_back(lw, body, note, name)   # (own_copy's premise: owned)
                    turned = True
    return {note.views[name][0] if name in note.views else name
            for _, note in made for _, name in note.written}


def updated(lw, block, i, note):
    """For a helper doing `p op= v` (note.guard: the check before the call refusing arrays):
    `cond = isinstance(name, numpy.ndarray)`, then `if cond:` a copy of the call, for
    _lowered to make the variant's (the helper changes the caller's array in place), `else:`
    the check and the call as they were (a number is rebound inside the helper only; a list
    is refused). Gives back (the if's body, 0), where the copy is."""
    import numpy
    from .core import Kind
    stmt = block[i]
    j = next(k for k, t in enumerate(block) if t is note.guard)
    lw.line = stmt.sd.line
    copy = S.clone(stmt)
    copy.sd = stmt.sd   # (read for its line only: _lowered replaces it)
    cond = lw.namer.fresh("cond")
    test = lw.assign(cond, S.Call(func=lw.bind("isinstance", isinstance), args=[
        S.load(note.written[0][1]), lw.bind("numpy.ndarray", numpy.ndarray)], keywords=[]),
        Kind.CALL, func=isinstance)
    branch = lw.info(S.If(test=S.load(cond), body=[copy], orelse=[note.guard, stmt]),
                     Kind.IF)
    block[j:i + 1] = block[j + 1:i] + [test, branch]
    return branch.body, 0


def write_back(lw, body, note, name):
    """Replace `name = t[k]` (the binding _lowered placed) by the helper's copy written back
    into the caller's array: `c = t[k]`, checks that the run gives arrays of numbers of one
    shape (runtime_alias.check_written_back; for a view, runtime_alias.check_view_of: one of
    the base's memory), then `name[...] = c` (`A[1:] = c` for a view taken as `A[1:]`). The
    call's result, where it is the parameter written (`return M`), is then read as the
    caller's array (`r = name`, or `r = A[1:]`); any other kept result is checked to hold no
    part of the helper's copy (runtime_alias.check_written_unshared)."""
    from . import checks, runtime_alias
    from .core import Kind
    stmt = note.binds.pop(name)
    block = next(b for b in blocks(body) if any(t is stmt for t in b))
    at = next(i for i, t in enumerate(block) if t is stmt)
    lw.line = stmt.sd.line
    param = next(p for p, n in note.written if n == name)
    fn = note.fn.__name__
    base, index = note.views.get(name, (name, S.const(Ellipsis)))
    shown = base if name not in note.views else f"{base}[...]"
    copy = lw.namer.fresh(f"{base}_written")
    lw.locals.add(copy)
    lw.spelled[copy] = f"what {fn} wrote into on line {note.line}"
    new = [lw.assign(copy, stmt.value, Kind.SUBSCRIPT)]

    def check(func, args, reason, hint):
        lw.bindings[func.__name__] = func
        error = lw.src.error(note.line, reason, hint=hint)
        guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=args + checks.refusal_args(
            error), keywords=[]))
        new.append(lw.info(guard, Kind.EFFECT, func=func))
    hint = (f"make {fn} change a copy and return it ({param} = {param}.copy() first, then "
            f"return {param}), and assign the result here")
    if name in note.views:
        check(runtime_alias.check_view_of, [S.load(name), S.load(base)],
              f"{fn} writes into its argument {param!r} in place, which is taken from {base} "
              f"with an index: Python's change shows in {base} only where that index picks "
              "a view (ints and slices of an array), and srcdiff follows no other", hint)
    check(runtime_alias.check_written_back, [S.load(name), S.load(copy)],
          f"{fn} writes into {shown} in place, and another name here may hold that value too; "
          "srcdiff writes the change back into it so that every holder sees it, which it "
          "follows for an array of numbers only (not a list, a dict or an object)", hint)
    result = note.result
    if result is not None and note.variant._srcdiff_returns != param:
        check(runtime_alias.check_written_unshared, [S.load(copy), S.Tuple(elts=[
            S.load(result)], ctx=S.Load())],
              f"{fn} returns (part of) what it writes into ({param!r}), and srcdiff writes "
              f"its change back into {shown} in place, so what it returns would no longer be "
              "(part of) the same array as in Python", hint)
    new.append(lw.info(S.Assign(targets=[S.Subscript(value=S.load(base), slice=S.clone(
        index), ctx=S.Store())], value=S.load(copy), type_comment=None), Kind.SETITEM))
    if result is not None and note.variant._srcdiff_returns == param:
        if name in note.views:   # (a view of the array written into, taken anew)
            new.append(lw.assign(result, S.Subscript(value=S.load(base), slice=S.clone(index),
                                                     ctx=S.Load()), Kind.SUBSCRIPT))
        else:
            new.append(lw.assign(result, S.load(name), Kind.COPY))
    block[at:at + 1] = new


def _find(body, note):
    """(the block, the index) of the call statement `note` is about, or None."""
    for block in blocks(body):
        for i, stmt in enumerate(block):
            value = getattr(stmt, "value", None)
            if getattr(stmt, "sd", None) is not None and stmt.sd.func is note.called and \
                    isinstance(value, S.Call) and (stmt.sd.user_call is None or (
                        note.called is not note.fn and stmt.sd.user_call.form == "local")) and \
                    [id(a) for a in value.args] == note.args and \
                    (isinstance(stmt, S.Expr) or isinstance(stmt.targets[0], S.Name)):
                return block, i
    return None


def blocks(body):
    """The statement lists of a lowered body, nested ones too (not those of nested defs)."""
    yield body
    for stmt in body:
        if isinstance(stmt, S.FunctionDef):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from blocks(inner)


def _lowered(lw, block, i, note):
    """Replace block[i] (the call) by the variant's call and the bindings after it; gives
    back the new call statement."""
    from . import checks, runtime_alias
    from .core import Kind
    stmt = block[i]
    call = stmt.value
    lw.line = stmt.sd.line
    ref = lw.namer.fresh(f"{note.fn.__name__}_writing")
    lw.bindings[ref] = note.variant
    call.func = S.load(ref)
    new = []
    names = [a.id for a in call.args if isinstance(a, S.Name)]
    read = _parameters_read(note.fn)   # (an argument the helper never reads: unseen)
    params = note.fn.__code__.co_varnames[:note.fn.__code__.co_argcount]
    for param, name in note.written:
        if read is None or len(call.args) > len(params) or param not in params:
            others = list(names)
            others.remove(name)
        else:   # (the arguments bound to the parameters it reads, but the one written)
            others = [a.id for k, a in enumerate(call.args) if isinstance(a, S.Name) and
                      params[k] in read and params[k] != param]
        if not others:
            continue
        func = runtime_alias.check_written_unshared
        lw.bindings[func.__name__] = func
        error = lw.src.error(note.line, f"{note.fn.__name__} writes into its argument "
                             f"{param!r} in place, and another argument of this call holds "
                             f"(part of) the same value, so the helper would see its own "
                             "write through it, which srcdiff does not follow",
                             hint=f"pass {name} once, or a copy of it: numpy.copy({name})")
        guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
            S.load(name), S.Tuple(elts=[S.load(o) for o in others], ctx=S.Load()),
            ] + checks.refusal_args(error), keywords=[]))
        new.append(lw.info(guard, Kind.EFFECT, func=func))
    held = lw.namer.fresh(f"{note.fn.__name__}_results")
    lw.locals.add(held)
    lw.spelled[held] = f"what {note.fn.__name__} returned on line {note.line}"
    made = lw.assign(held, call, Kind.CALL, func=note.variant)
    for attr in (S.VARIADIC, S.KEYWORD_ONLY):
        if hasattr(call, attr):
            setattr(made.value, attr, getattr(call, attr))
    new.append(made)
    note.result = stmt.targets[0].id if isinstance(stmt, S.Assign) else None
    if note.result is not None:
        new.append(lw.assign(note.result, _item(held, 0), Kind.SUBSCRIPT))
    note.binds = {}   # (the caller's name -> its binding `name = t[k]`: write_back's)
    for k, (_, name) in enumerate(note.written):
        new.append(lw.assign(name, _item(held, k + 1), Kind.SUBSCRIPT))
        note.binds[name] = new[-1]
    block[i:i + 1] = new
    return made


def _parameters_read(fn):
    """The names `fn`'s text reads anywhere (nested functions and comprehensions too: more
    than its parameters read), or None without its text."""
    from .frontend import get_source
    try:
        node = get_source(fn).node
    except Exception:  # noqa: BLE001
        return None
    return {n.id for n in S.walk(node) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}


def _item(name, k):
    return S.Subscript(value=S.load(name), slice=S.const(k), ctx=S.Load())
