"""Copy propagation in emitted adjoint code (stage 6, optimize: called by transform.py and
reverse_callee.py). Takes an emitted function body; gives back the body with copies of
adjoints used nowhere else removed (`propagate_copies`).

Rule templates hand adjoints on by name (`d_add_1 = d_x`, then `d_mul_1 = d_add_1`).
Within one straight-line block, a copy `a = b` of an adjoint used nowhere else is
removed and `a` replaced by `b` in the statements that follow, until `b` changes.
The result reads like hand-written code (`d_sin_1 = d_x * x`) and skips the
renames. Safe because an adjoint the reverse pass hands on by name is never updated
in place while the copy is alive (see reverse.py on owned and borrowed adjoints).
"""
from . import syntax as S


def propagate_copies(body, names, keep=(), names_of=None):
    """Remove copies `a = b` between `names` (adjoint variables) where that is safe.

    `keep`: extra nodes (e.g. the return statement) whose names count as uses.
    `names_of`: the Name nodes of each statement of `body` as it is (`S.walk_names`'), where
    the caller walked them.
    """
    counts = {}
    if names_of is None:
        names_of = [S.walk_names(node) for node in body]
    for found in list(names_of) + [S.walk_names(node) for node in keep]:
        for n in found:
            if n.id in names:
                counts[n.id] = counts.get(n.id, 0) + 1
    _block(body, names, counts)
    return body


def _block(body, names, counts):
    """One pass over a block; linear in its length.

    Statements removed are marked dead and dropped once at the end, and each
    statement's loads and stores are read once (kept up to date through renames),
    so a long straight-line adjoint is not rescanned for every copy.
    """
    facts = _Facts(body)
    for i, stmt in enumerate(body):
        if i in facts.dead:
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _block(inner, names, counts)
        copy = _copy(stmt, names)
        if copy is not None and _replace_uses(facts, i, *copy, counts):
            facts.dead.add(i)
    if facts.dead:
        body[:] = [s for k, s in enumerate(body) if k not in facts.dead]


def _copy(stmt, names):
    if (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Name)
            and stmt.targets[0].id in names and stmt.value.id in names
            and stmt.targets[0].id != stmt.value.id):
        return stmt.targets[0].id, stmt.value.id
    return None


def _is_copy(stmt, target, source):
    """`target = source`: after the rewrite `b = b`, which changes nothing."""
    return (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and stmt.targets[0].id == target
            and isinstance(stmt.value, S.Name) and stmt.value.id == source)


class _Facts:
    """Per statement of one block: the names it loads (with counts) and stores."""

    def __init__(self, body):
        self.body = body
        self.dead = set()
        self._loads = {}
        self._stores = {}
        self.cleaned = False

    def _read(self, j):
        loads, stores = {}, set()
        for n in S.walk_names(self.body[j]):
            if isinstance(n.ctx, S.Load):
                loads[n.id] = loads.get(n.id, 0) + 1
            elif isinstance(n.ctx, S.Store):
                stores.add(n.id)
        self._loads[j], self._stores[j] = loads, stores

    def loads(self, j):
        if j not in self._loads:
            self._read(j)
        return self._loads[j]

    def stores(self, j):
        if j not in self._stores:
            self._read(j)
        return self._stores[j]

    def rename(self, j, a, b):
        _Rename(a, b).visit(self.body[j])
        loads = self.loads(j)
        loads[b] = loads.get(b, 0) + loads.pop(a, 0)

    def drop_self_copies(self):
        """`x = x` is a no-op: drop them all, once (later ones are dropped as they appear)."""
        if not self.cleaned:
            self.cleaned = True
            for j, stmt in enumerate(self.body):
                if _is_self_copy(stmt):
                    self.dead.add(j)


def _is_self_copy(stmt):
    return (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Name)
            and stmt.targets[0].id == stmt.value.id)


def _uses(node, name):
    return sum(1 for n in S.walk_names(node) if n.id == name and isinstance(n.ctx, S.Load))


def _replace_uses(facts, i, a, b, counts):
    """Rewrite the uses of `a` after statement i to `b`; True if every use of `a` was rewritten."""
    body = facts.body
    remaining = counts.get(a, 0) - 1          # the copy's own target
    plan = []
    for j in range(i + 1, len(body)):
        if remaining == 0:
            break
        if j in facts.dead:
            continue
        stmt = body[j]
        if isinstance(stmt, (S.If, S.For, S.While)):
            return False                      # a use inside a nested block: keep the copy
        uses = facts.loads(j).get(a, 0)
        assigned = facts.stores(j)
        if a in assigned:
            return False
        if uses:
            if isinstance(stmt, S.AugAssign) and _uses(stmt.value, a) != uses:
                return False
            plan.append(j)
            remaining -= uses
        if b in assigned and remaining and not _is_copy(stmt, b, a):
            return False                      # b changes while a is still needed
    if remaining:
        return False
    for j in plan:
        facts.rename(j, a, b)
    counts[b] = counts.get(b, 0) + counts.get(a, 0) - 1
    counts[a] = 0
    # `b = b` left behind by the rewrite is a no-op
    facts.drop_self_copies()
    for j in plan:
        if _is_self_copy(body[j]):
            facts.dead.add(j)
    facts.dead.discard(i)
    return True


class _Rename(S.NodeTransformer):
    def __init__(self, old, new):
        self.old = old
        self.new = new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, S.Load):
            return S.name(self.new, node.ctx)
        return node
