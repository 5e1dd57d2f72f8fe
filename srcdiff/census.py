"""What a function holds, counted in one walk, so that a pass with nothing to do returns at
once (stage 3, lower: called by idiom_rewrite.desugar, function_loops.unroll and
generator_calls.prepare at their entry, and by lower.py). Takes a gast FunctionDef (`take`);
gives back a `Census` of plain facts and the three questions those passes ask of it: whether
a loop over a known list of functions may be there (`may_unroll`), whether idiom_rewrite may
rewrite anything (`may_desugar`), and whether a generator may be made or called
(`may_generate`). lower.py asks whether alias_groups and loop_rows may rewrite anything
(`may_group_aliases`, `may_take_rows`) and, of a lowered body, whether the alias analysis
(aliasing.check_writes) has anything to check (`writes_in_place`), before it imports them.
source_rewrites.py asks its questions (a try block, views, aliases, rows) of one census,
taken again only after a rewrite acted, and lower.py reads the function's names from it;
desugar.py asks where a user's statement holds a return, break or continue
(`local_statements`: its blocks of statements only).

Each answer is conservative: False only where the pass itself, run in full, would give the
tree back unchanged and refuse nothing (each question says why). A True answer costs
nothing but the walk: the pass then runs as before. Nothing is cached between calls (a tree
a pass rewrote in place is counted afresh), and the walk is one `syntax.walk` (a few
hundred nodes of a 20-line function: a tenth of a millisecond).
"""
import types

from . import syntax as S
from .analyze import flatten
from .core import Kind

_DISPLAYS = (S.List, S.Tuple, S.Dict)
_LOOP_DESUGARED = ("zip", "enumerate", "max", "min", "dict", "filter", "next", "reversed")   # its _REWRITTEN
_LISTING = ("iteration_order", "sequence_of")   # generator_calls._lists_items


class Census:
    """The facts of one walk of a function's tree (its nested defs and lambdas included).

    function_items: a list, tuple or dict display read as a value that has an item other
    than a constant (where a known list of functions can come from); loop_else: a for or
    while loop with an else block; yields: a yield or yield from anywhere; called: the names
    called (`f(...)`); chains: (head, attributes) of each call of an attribute path
    (`np.linalg.norm(...)`: ("np", ("linalg", "norm"))); other_calls: a call of anything
    else (a subscript, a call's result); bound_to_calls: the names bound by
    `name = f(...)` (where an object of a class of the user's may be made); genexps: a
    generator expression anywhere (read lazily and once: generator_values checks its
    readers); unpacked: a dict display with `**` or an assignment to a target with a starred
    name (`a, *rest = v`), which idiom_rewrite rewrites; key_names: a list or tuple display
    of string constants only (keys a loop may pick functions by: key_loops.py).

    For source_rewrites.py and lower.py, from the same walk: tries: a try statement;
    view_binds, alias_binds, row_loops: what may_bind_views, may_group_aliases and
    may_take_rows look for; names: every name read or bound (a Name node's id); blocks: an
    import, with, del or match statement, a lambda with a name as a default, a list
    comprehension of lambdas or a def in a for loop (what
    plain_blocks.rewrite looks for: plain_blocks.needed); view_calls: an item write into an
    attribute or a call's result (`y.T[0] = v`: what reshaped_writes.rewrite looks for),
    any `.flat` (flat_items.rewrite), or a call given out= an item (out_views.rewrite); nonlocals: a nonlocal statement (what
    nonlocal_writes.rewrite looks for); item_appends: `g[k].append(v)` or `.extend` (what
    dict_idioms may rewrite); chosen: the names bound by `name = a if t else b` or
    `name = d[k]` (a function function_choices.py may pick where the code runs); defs: a def
    nested anywhere (what nonlocal_arrays.needed looks into)."""

    __slots__ = ("function_items", "loop_else", "yields", "called", "chains", "other_calls",
                 "bound_to_calls", "genexps", "unpacked", "key_names", "tries", "view_binds",
                 "alias_binds", "row_loops", "names", "blocks", "view_calls", "nonlocals",
                 "picked", "written", "item_appends", "chosen", "defs")

    def __init__(self):
        self.function_items = self.loop_else = self.yields = self.other_calls = False
        self.genexps = self.unpacked = self.key_names = False
        self.tries = self.view_binds = self.alias_binds = self.row_loops = False
        self.blocks = self.view_calls = self.nonlocals = self.item_appends = False
        self.called, self.chains, self.bound_to_calls = set(), [], set()
        self.names = set()
        self.picked, self.written = set(), set()   # `v = B[0]`; `v op= e`, `v[...] = e`
        self.chosen = set()   # `act = f if c else g`, `act = D[k]`: function_choices.py
        self.defs = False   # a def nested anywhere in the function (nonlocal_arrays.needed)


_BLOCKS = (S.Import, S.ImportFrom, S.With, S.Delete) + (
    (S.Match,) if hasattr(S, "Match") else ())


def take(fdef):
    """The `Census` of `fdef`, in one walk."""
    c = Census()
    names = c.names
    for n in S.nodes(fdef):
        cls = n.__class__
        if cls is S.Name:
            names.add(n.id)
        elif cls is S.Call:
            func = n.func
            if func.__class__ is S.Name:
                c.called.add(func.id)
            elif func.__class__ is S.Attribute:
                base, rest = S.attribute_chain(func)
                if base.__class__ is S.Name:
                    c.chains.append((base.id, tuple(rest)))
                else:
                    c.other_calls = True
                    if func.attr in ("append", "extend") and \
                            func.value.__class__ is S.Subscript:
                        c.item_appends = True   # g[k].append(v) (dict_idioms.py)
            else:
                c.other_calls = True
            if not c.view_calls and any(k.arg == "out" and k.value.__class__ is S.Subscript
                                        for k in n.keywords):
                c.view_calls = True   # f(a, b, out=y[1:]) (out_views.py)
        elif cls in _DISPLAYS:
            if cls is S.Dict and None in n.keys:
                c.unpacked = True
            if not c.function_items and (cls is S.Dict or n.ctx.__class__ is S.Load):
                items = n.values if cls is S.Dict else n.elts
                c.function_items = any(i.__class__ is not S.Constant for i in items)
                c.key_names = c.key_names or cls is not S.Dict and bool(items) and all(
                    i.__class__ is S.Constant and i.value.__class__ is str for i in items)
        elif cls is S.For or cls is S.While:
            c.loop_else = c.loop_else or bool(n.orelse)
            if cls is S.For and not c.row_loops:
                c.row_loops = _takes_rows(n)
            if cls is S.For and any(b.__class__ is S.FunctionDef for b in n.body):
                c.blocks = True   # a def in a loop (plain_blocks.needed: loop_lambdas.py)
        elif cls is S.Yield or cls is S.YieldFrom:
            c.yields = True
        elif cls is S.GeneratorExp:
            c.genexps = True
        elif cls is S.Assign:
            if n.value.__class__ is S.Call:
                c.bound_to_calls.update(t.id for t in n.targets if t.__class__ is S.Name)
            elif n.value.__class__ in (S.IfExp, S.Subscript):
                c.chosen.update(t.id for t in n.targets if t.__class__ is S.Name)
            if any(t.__class__ in (S.Tuple, S.List) and any(
                    e.__class__ is S.Starred for e in t.elts) for t in n.targets):
                c.unpacked = True
            c.alias_binds = c.alias_binds or _binds_alias(n)
            c.view_binds = c.view_binds or _binds_view(n)
            if not c.view_binds and _picks(n):
                c.picked.add(n.targets[0].id)
            c.written.update(_root_name(t) for t in n.targets if t.__class__ is S.Subscript)
            c.view_calls = c.view_calls or _writes_a_view(n.targets[0])
        elif cls is S.AugAssign:
            c.written.add(_root_name(n.target))
            c.view_calls = c.view_calls or _writes_a_view(n.target)
        elif cls is S.FunctionDef:
            c.defs = c.defs or n is not fdef
        elif cls is S.Try:
            c.tries = True
        elif cls is S.Nonlocal:
            c.nonlocals = True
        elif cls is S.Attribute and n.attr == "flat":
            c.view_calls = True   # x.flat[k], read or written (flat_items.py)
        elif cls in _BLOCKS or (cls is S.Lambda and not c.blocks and any(
                d.__class__ is S.Name for d in n.args.defaults)) or (
                cls is S.ListComp and n.elt.__class__ is S.Lambda):
            c.blocks = True
    return c


def _writes_a_view(target):
    """`y.T[i] = v`, `y.reshape(s)[i] += v`: reshaped_writes.py's statements."""
    return target.__class__ is S.Subscript and target.value.__class__ in (S.Attribute, S.Call)


def may_unroll(c):
    """False where function_loops.unroll has nothing to unroll: every list it unrolls is the
    items of a display (written in the loop's header, or bound once to a local, or a dict
    display's pairs), at least one item a function, never a constant; or the pairs or
    values of a module-level dict (`ACTS.items()`, function_dicts.py); or a display of
    string constants only, keys a loop may pick functions by (key_loops.py)."""
    return c.function_items or c.key_names or any(
        rest in (("items",), ("values",)) for _, rest in c.chains)


def may_desugar(c):
    """False where idiom_rewrite.desugar gives the tree back as it is: nothing to unroll
    (may_unroll), no
    loop with an else block, no call of a name it rewrites (zip, enumerate, max, min,
    dict, filter, next, reversed), no `**` in a dict display and no starred assignment target."""
    return may_unroll(c) or c.loop_else or c.unpacked or \
        not c.called.isdisjoint(_LOOP_DESUGARED)


def may_generate(c, resolve, known_types=()):
    """False where generator_calls.prepare has nothing to do: no yield (so neither the
    function nor a def inside it is a generator), no generator expression, no call of
    srcdiff's iteration_order or sequence_of, every name called resolving to something
    other than a generator function, a class or a partial of the user's (a name that
    resolves to nothing here, a parameter or a local, may hold a generator function or a
    partial of one: then True), and every attribute path called starting at a module and
    ending at no generator function (a path from a parameter of a known class, or from a
    local bound to a call's result, may reach a generator method: then True)."""
    from .generators import is_generator_function
    if c.yields or c.genexps or not c.called.isdisjoint(_LISTING):
        return True
    for name in c.called:
        obj = resolve(name)
        if obj is None or _generating(obj, is_generator_function) or (
                isinstance(obj, type) and obj.__module__ != "builtins"):
            return True
    known = dict(known_types)
    for head, rest in c.chains:
        if head in known or head in c.bound_to_calls:
            return True
        obj = resolve(head)
        if obj is None:
            continue   # a parameter or a local: no class known for it (see above)
        if not isinstance(obj, types.ModuleType):
            return True
        for attr in rest:
            obj = getattr(obj, attr, None)
            if isinstance(obj, type):
                return True
        if _generating(obj, is_generator_function):
            return True
    return False


def _generating(obj, is_generator_function):
    """Whether `obj` is a generator function, as generator_calls and generator_inline tell
    (through inspect, or a function's code flagged CO_GENERATOR)."""
    if obj is None:
        return False
    if isinstance(obj, types.FunctionType) and obj.__code__.co_flags & 0x20:
        return True
    return is_generator_function(obj)


def writes_in_place(body):
    """False where aliasing.check_writes has nothing to check in the lowered statements
    `body`: no statement, at any depth, writes an item (Kind.SETITEM) or stands for an
    update that may happen in place (`a = a + b` for `a += b`, its Info.inplace set), the
    two writes check_writes looks for before anything else (it returns no guards and
    refuses nothing without one). lower.py then neither runs nor imports the alias analysis
    (aliasing and the modules it imports: a tenth of a plain function's first derivative)."""
    return any(s.sd.kind == Kind.SETITEM or s.sd.inplace is not None for s in flatten(body))


def may_group_aliases(fdef):
    """False where alias_groups.rewrite gives `fdef` back: it needs an alias `a = b` between
    names (or `a = b = v`, several names bound to one value), and no assignment binds a
    name (or several) to a name here. `fdef`: a FunctionDef, or its `Census`."""
    return _census(fdef).alias_binds


def may_bind_views(fdef):
    """False where view_writes.rewrite gives `fdef` back: it needs a name bound to a slice
    of a name (`a2 = A[-1, :]`), or to an item of one and written into (`v = B[0]; v *= 3.0`),
    and there is none here. `fdef`: a FunctionDef, or its
    `Census`."""
    c = _census(fdef)
    return c.view_binds or not c.picked.isdisjoint(c.written)   # (v = B[0]; v *= 3.0)


def may_take_rows(fdef):
    """False where loop_rows.rewrite gives `fdef` back: it needs a loop taking a row into a
    name (`for row in m:`, `for k, row in enumerate(m):`) whose body writes into an item of
    that name, and there is none here. `fdef`: a FunctionDef, or its `Census`."""
    return _census(fdef).row_loops


def _census(fdef):
    return fdef if isinstance(fdef, Census) else take(fdef)


def _binds_alias(n):
    """Whether the assignment `n` binds a name to a name, or several names to one value."""
    return n.value.__class__ is S.Name or len(n.targets) > 1


def _binds_view(n):
    """Whether the assignment `n` binds a name to a slice of a name (`a2 = A[-1, :]`)."""
    if len(n.targets) == 1 and n.targets[0].__class__ is S.Name and \
            n.value.__class__ is S.Subscript and n.value.value.__class__ is S.Name:
        index = n.value.slice
        return any(p.__class__ is S.Slice for p in (
            index.elts if index.__class__ is S.Tuple else [index]))
    return False


def _picks(n):
    """Whether the assignment `n` binds a name to an item of a name by a constant or a
    name (`v = B[0]`, `v = B[i, 1]`: a row of an array of more dimensions)."""
    if len(n.targets) == 1 and n.targets[0].__class__ is S.Name and \
            n.value.__class__ is S.Subscript and n.value.value.__class__ is S.Name:
        index = n.value.slice
        return all(p.__class__ in (S.Constant, S.Name, S.UnaryOp) for p in (
            index.elts if index.__class__ is S.Tuple else [index]))
    return False


def _takes_rows(n):
    """Whether the for loop `n` takes a row into a name whose item its body writes (or
    which it updates: `row op= e`)."""
    target = n.target
    if target.__class__ is S.Tuple and len(target.elts) == 2 and n.iter.__class__ is S.Call:
        target = target.elts[1]
    return target.__class__ is S.Name and any(
        (w.__class__ is S.Subscript and w.ctx.__class__ is not S.Load and
         _root_name(w) == target.id) or call_writes_into(w, target.id) or
        w.__class__ is S.AugAssign and w.target.__class__ is S.Name and
        w.target.id == target.id
        for stmt in n.body for w in S.walk(stmt))


def call_writes_into(node, name):
    """Whether `node` is a call out_writes.py may lower as a write into `name`:
    `name.fill(v)`, `name.sort(...)`, `copyto(name, ...)`, `copyto(name[1:], ...)` (a part
    taken by slices alone: a view) (its syntax only: what the callee is, is asked where it
    is lowered)."""
    if node.__class__ is not S.Call:
        return False
    func = node.func
    if func.__class__ is S.Attribute and func.attr in ("fill", "sort"):
        return func.value.__class__ is S.Name and func.value.id == name
    if not node.args or (func.attr if func.__class__ is S.Attribute else getattr(
            func, "id", None)) != "copyto":
        return False
    first = node.args[0]
    if first.__class__ is S.Subscript and first.value.__class__ is S.Name:
        parts = first.slice.elts if first.slice.__class__ is S.Tuple else [first.slice]
        return first.value.id == name and all(p.__class__ is S.Slice or (
            p.__class__ is S.Constant and p.value is Ellipsis) for p in parts)
    return first.__class__ is S.Name and first.id == name


def _root_name(node):
    while node.__class__ in (S.Subscript, S.Attribute):
        node = node.value
    return node.id if node.__class__ is S.Name else None


# -- where a return, break or continue is (desugar.py asks it of each user statement) -------
def local_statements(stmt, into_loops=True):
    """The statements of a user statement (it first, its handlers and match cases too),
    without entering nested defs (and loops, if asked): where a return, break or continue
    is (statements all; the expressions, which hold none, are not looked into). In the order
    a walk of every node would meet them (the last block first, depth first)."""
    stack = [stmt]
    first = True
    while stack:
        node = stack.pop()
        yield node
        cls = node.__class__
        if cls in _SCOPES:
            continue
        if not first and not into_loops and (cls is S.For or cls is S.While):
            continue
        first = False
        fields = _STATEMENT_FIELDS.get(cls)
        if fields is None:
            fields = _STATEMENT_FIELDS[cls] = tuple(f for f in cls._fields
                                                    if f in _STATEMENT_BLOCKS)
        values = node.__dict__
        for field in fields:
            block = values.get(field)
            if block:
                stack.extend(block)


_SCOPES = (S.FunctionDef, S.Lambda, S.ClassDef)   # scopes not entered (an async def is)
_STATEMENT_BLOCKS = frozenset(("body", "orelse", "finalbody", "handlers", "cases"))
_STATEMENT_FIELDS = {}   # node class -> its fields of _STATEMENT_BLOCKS, in its order
