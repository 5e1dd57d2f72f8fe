"""What a generator can reach in the function it is read in, and what that function writes
(stage 3, lower: called by generator_values and generator_calls). Takes a gast FunctionDef
(or one of its statements) and the names a generator is seen to read; gives back names:
those whose object the generator may reach (`visible`), the names a statement rebinds
(`stores`) or writes into in place (`writes`), the locals every binding of which makes a
new value (`fresh_locals`), and a child-to-parent map of a tree (`parents_of`).

A name is reached through a holder the generator sees (a list, an object, a dict holding
it) and through an alias (a view, the same object under another name); a name holding a
value the generator sees is kept apart (`holds`): writing into it deeply may change what the
generator reads, rebinding one of its fields does not.
"""
from . import syntax as S
from .generators import MUTATORS, holding, own_nodes, written_root

FRESH_CALLS = {"zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
               "full_like", "array", "copy", "eye", "identity", "arange", "linspace", "list",
               "dict", "deepcopy"}


def stores(n):
    if isinstance(n, (S.Assign, S.AugAssign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            yield from (m for m in S.walk(t) if isinstance(m, S.Name) and
                        isinstance(m.ctx, S.Store))


def writes(n):
    """(root name, deep) of each in-place write statement or call `n` makes: deep where it
    writes into an object `root` holds (x[i][j] = v, x[i] += v) rather than into root's."""
    if isinstance(n, S.AugAssign):
        if isinstance(n.target, S.Name):
            yield n.target.id, False
        elif written_root(n.target) is not None:
            yield written_root(n.target), True
    elif isinstance(n, (S.Assign, S.AnnAssign)):
        for t in (n.targets if isinstance(n, S.Assign) else [n.target]):
            for m in S.walk(t):
                if isinstance(m, (S.Subscript, S.Attribute)) and isinstance(m.ctx, S.Store):
                    root = written_root(m)
                    if root is not None:
                        yield root, not isinstance(m.value, S.Name)
    elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
            n.func.attr in MUTATORS:
        root = written_root(n.func.value, True)
        if root is not None:
            yield root, not isinstance(n.func.value, S.Name)


def visible(fdef, seen):
    """Names of `fdef` whose object a generator may reach, from `seen` (what it is passed,
    its free names, the names bound to its items) through their views and what they hold,
    and names that may hold such an object (`holds`)."""
    seen = set(seen)
    links = []   # (holder names, aliased names, held names)
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.AugAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            holders = {m.id for t in targets for m in S.walk(t) if isinstance(m, S.Name)}
            same = set() if isinstance(n, S.AugAssign) else aliased(n.value)
            links.append((holders, same, holding(n.value)))   # x += v: x stays itself
        elif isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                n.func.attr in MUTATORS:
            links.append((holding(n.func.value), set(),
                          set().union(*[holding(a) for a in n.args])))
    holds = set()
    while True:
        before = len(seen), len(holds)
        for holders, same, held in links:
            if holders & seen:
                seen |= held          # reached through a holder the generator sees
            if same & seen:
                seen |= holders       # the same object (or memory) as one it sees
            if held & (seen | holds):
                holds |= holders
        if (len(seen), len(holds)) == before:
            return seen, holds


def aliased(value):
    """Names whose object (or memory) `value` may be: x, x[1:], x.T, x.reshape(..)."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Subscript, S.Attribute, S.Starred)):
        return aliased(value.value)
    if isinstance(value, S.Call) and isinstance(value.func, S.Attribute):
        return aliased(value.func.value)
    if isinstance(value, S.IfExp):
        return aliased(value.body) | aliased(value.orelse)
    if isinstance(value, (S.Tuple, S.List)):   # a, b = x, y
        return set().union(*[aliased(e) for e in value.elts])
    return set()



def fresh_locals(fdef):
    """Locals every binding of which makes a new value (a display, a number, a new array)."""
    good, bad = set(), set()
    for n in own_nodes(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            for t in targets:
                if isinstance(t, S.Name):
                    (good if len(targets) == 1 and _makes_new(n.value) else bad).add(t.id)
                else:
                    bad |= {m.id for m in S.walk(t) if isinstance(m, S.Name)
                            and isinstance(m.ctx, S.Store)}
        elif isinstance(n, (S.For, S.comprehension, S.With, S.NamedExpr)):
            target = getattr(n, "target", None) or getattr(n, "optional_vars", None)
            if target is not None:
                bad |= {m.id for m in S.walk(target) if isinstance(m, S.Name)}
    bad |= {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)}
    return good - bad


def _makes_new(value):
    if isinstance(value, (S.List, S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp,
                          S.Constant, S.BinOp, S.UnaryOp)):
        return True
    if isinstance(value, S.Call):
        f = value.func
        name = f.attr if isinstance(f, S.Attribute) else getattr(f, "id", None)
        return name in FRESH_CALLS
    return False




def parents_of(root):
    parents = {}
    for n in S.walk(root):
        for child in S.iter_child_nodes(n):
            parents[child] = n
    return parents
