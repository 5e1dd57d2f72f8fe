"""The names a checkpointed loop's segment functions take, keep and give back (stage 5,
reverse: called by checkpoint_adjoint.py). Takes the loop, its body or the blocks a segment
function holds; gives back sets of names: those the loop binds or writes into (`assigned`,
`written_in_place`), passes to the user's helpers (`handed_to_helpers`), reads (`loaded`,
`loaded_outside`: after it), a block reads before binding them (`exposed`: a segment
function's parameters) and the adjoint reads after popping them (`read_after_restore`); and
whether the adjoint only pops values back (`only_restores`).

A segment function's names are its own: a name `exposed` reports comes in as a parameter.
A function the block defines (a def, a lambda) reads its free variables when it is called,
which may be any time after its definition: they count as read where it is defined (a name
the segment binds later is then a parameter too, harmlessly), its parameters and its own
locals not at all.
"""
from . import analyze
from . import syntax as S
from .core import Kind
from .names import TAPE


def assigned(stmt, target):
    """Names the loop binds or changes in place (item writes, appends, pops)."""
    out = {target} - {None}
    for s in analyze.flatten(stmt.body):
        out |= stored(s)
    return out | written_in_place(stmt)


def written_in_place(stmt):
    out = set()
    for s in analyze.flatten(stmt.body):
        for n in S.walk(s):
            if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store) \
                    and isinstance(n.value, S.Name):
                out.add(n.value.id)
        kind = getattr(getattr(s, "sd", None), "kind", None)
        if kind in (Kind.APPEND, Kind.POP, Kind.SETITEM):
            call = s.value if isinstance(s, S.Expr) else getattr(s, "value", None)
            base = getattr(getattr(call, "func", None), "value", None)
            if isinstance(base, S.Name):
                out.add(base.id)
    return out


def handed_to_helpers(stmt):
    """Names the loop passes to a function of the user's (which may write into them)."""
    from .callables import is_user_function
    return {n.id for s in analyze.flatten(stmt.body) if s.sd.kind in (Kind.CALL, Kind.EFFECT)
            and is_user_function(s.sd.func) for n in S.walk(s.value) if isinstance(n, S.Name)}


def loaded(body):
    """Names the statements read (those their functions read when called too)."""
    return set().union(*(free_reads(s) for s in body))


def loaded_outside(body, loop):
    inner = {id(s) for s in analyze.flatten(loop.body)} | {id(loop)}
    out = set()
    for s in analyze.flatten(body):
        if id(s) in inner:
            continue
        parts = [s]
        if isinstance(s, S.For):
            parts = [s.iter]
        elif isinstance(s, S.While):
            parts = [s.test]
        elif isinstance(s, S.If):
            parts = [s.test]
        for part in parts:
            out |= {n.id for n in S.walk(part) if isinstance(n, S.Name)
                    and isinstance(n.ctx, S.Load)}
    return out


def exposed(stmts, defined):
    """Names a block reads before it surely assigned them (a loop may not run, but one
    over `segment`, never empty, runs at least once)."""
    out = set()
    _exposed_block(stmts, set(defined), out)
    return out


def _exposed_block(stmts, defined, out):
    for s in stmts:
        _exposed_stmt(s, defined, out)


def _exposed_stmt(s, defined, out):
    if isinstance(s, S.For):
        _reads(s.iter, defined, out)
        inner = set(defined)
        _stores(s.target, inner)
        _exposed_block(s.body, inner, out)
        if isinstance(s.iter, S.Name) and s.iter.id == "segment":
            defined |= inner
    elif isinstance(s, S.While):
        _reads(s.test, defined, out)
        _exposed_block(s.body, set(defined), out)
    elif isinstance(s, S.If):
        _reads(s.test, defined, out)
        a, b = set(defined), set(defined)
        _exposed_block(s.body, a, out)
        _exposed_block(s.orelse, b, out)
        defined |= a & b
    elif isinstance(s, S.AugAssign):
        _reads(s.value, defined, out)
        _reads(s.target, defined, out)
        if isinstance(s.target, S.Name) and s.target.id not in defined:
            out.add(s.target.id)
        _stores(s.target, defined)
    elif isinstance(s, S.Assign):
        _reads(s.value, defined, out)
        for t in s.targets:
            if not isinstance(t, (S.Name, S.Tuple, S.List)):
                _reads(t, defined, out)  # an item write reads its base and index
                if isinstance(t, S.Subscript) and isinstance(t.value, S.Name) \
                        and t.value.id not in defined:
                    out.add(t.value.id)
        for t in s.targets:
            _stores(t, defined)
    else:
        _reads(s, defined, out)
        _stores(s, defined)


def _reads(node, defined, out):
    out |= free_reads(node) - defined


def _stores(node, defined):
    defined |= stored(node)


_COMPREHENSIONS = (S.ListComp, S.SetComp, S.GeneratorExp, S.DictComp)


def free_reads(node):
    """The names `node` reads in its own scope: those a def or lambda it holds reads when
    called count unless that function binds them (its parameters, its own locals); those
    of a comprehension unless its targets bind them."""
    out = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, S.Name):
            if isinstance(n.ctx, S.Load):
                out.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.Lambda)):
            args = n.args
            heads = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
            todo.extend(heads + list(getattr(n, "decorator_list", [])))
            body = n.body if isinstance(n, S.FunctionDef) else [n.body]
            out |= set().union(*(free_reads(b) for b in body)) - _bound_in(n)
        elif isinstance(n, _COMPREHENSIONS):
            targets = set().union(*(stored(g.target) for g in n.generators))
            inner = set().union(*(free_reads(c) for c in S.iter_child_nodes(n)))
            out |= (inner - targets) | free_reads(n.generators[0].iter)
        else:
            todo.extend(S.iter_child_nodes(n))
    return out


def stored(node):
    """The names `node` binds in its own scope (a def's name, not what the def binds)."""
    out = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, S.Name):
            if isinstance(n.ctx, S.Store):
                out.add(n.id)
        elif isinstance(n, S.FunctionDef):
            out.add(n.name)
        elif not isinstance(n, (S.Lambda,) + _COMPREHENSIONS):
            todo.extend(S.iter_child_nodes(n))
    return out


def _bound_in(fn):
    """The names a def or lambda binds: its parameters and (a def) its own locals."""
    args = fn.args
    params = list(getattr(args, "posonlyargs", [])) + list(args.args) + list(args.kwonlyargs)
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    out = {p.id for p in params}
    if isinstance(fn, S.FunctionDef):
        out |= set().union(*(stored(st) for st in fn.body))
    return out


def read_after_restore(body):
    """Names the adjoint body reads after popping their old values back (anywhere later in
    the iteration, conservatively: across branches and inner loops)."""
    popped, out = set(), set()

    def visit(stmts):
        for st in stmts:
            if isinstance(st, (S.For, S.While, S.If)):
                head = st.iter if isinstance(st, S.For) else st.test
                out.update(n.id for n in S.walk(head) if isinstance(n, S.Name)
                           and n.id in popped)
                visit(st.body)
                visit(st.orelse)
                continue
            out.update(n.id for n in S.walk(st) if isinstance(n, S.Name)
                       and isinstance(n.ctx, S.Load) and n.id in popped)
            if isinstance(st, S.Assign) and _is_pop(st.value):
                for t in st.targets:
                    popped.update(n.id for n in S.walk(t) if isinstance(n, S.Name)
                                  and isinstance(n.ctx, S.Store))
    visit(body)
    return out


def only_restores(body):
    """Whether an adjoint body only pops values back (`v = tape.pop()`, `a[i] = tape.pop()`,
    `xs.pop()` undoing an append, in branches and loops too): it changes no adjoint, in place or otherwise, and undoes
    what the segment's taped run changed."""
    for st in analyze.flatten(body):
        if isinstance(st, (S.If, S.For, S.While)):
            continue
        if isinstance(st, S.Assign) and _is_pop(st.value):
            continue
        if isinstance(st, S.Expr) and (_is_pop(st.value) or _undoes_append(st.value) or (
                isinstance(st.value, S.Call) and isinstance(st.value.func, S.Name)
                and st.value.func.id == S.COMMENT)):
            continue
        return False
    return True


def _undoes_append(node):
    """`xs.pop()` of a list the taped run appended to (the adjoint undoing the append)."""
    return (isinstance(node, S.Call) and not node.args and isinstance(node.func, S.Attribute)
            and node.func.attr == "pop" and isinstance(node.func.value, S.Name)
            and not node.func.value.id.startswith("d_"))


def _is_pop(node):
    return (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
            and node.func.attr == "pop" and isinstance(node.func.value, S.Name)
            and node.func.value.id == TAPE)
