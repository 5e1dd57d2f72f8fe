"""Stage 6, optimize: copy propagation in emitted adjoint code.

Rule templates hand adjoints on by name (`d_add_1 = d_x`, then `d_mul_1 = d_add_1`).
Within one straight-line block, a copy `a = b` of an adjoint used nowhere else is
removed and `a` replaced by `b` in the statements that follow, until `b` changes.
The result reads like hand-written code (`d_sin_1 = d_x * x`) and skips the
renames. Safe because an adjoint the reverse pass hands on by name is never updated
in place while the copy is alive (see reverse.py on owned and borrowed adjoints).
"""
from . import syntax as S


def propagate_copies(body, names, keep=()):
    """Remove copies `a = b` between `names` (adjoint variables) where that is safe.

    `keep`: extra nodes (e.g. the return statement) whose names count as uses.
    """
    counts = {}
    for node in list(body) + list(keep):
        for n in S.walk(node):
            if isinstance(n, S.Name) and n.id in names:
                counts[n.id] = counts.get(n.id, 0) + 1
    _block(body, names, counts)
    return body


def _block(body, names, counts):
    i = 0
    while i < len(body):
        stmt = body[i]
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and not isinstance(stmt, S.FunctionDef):
                _block(inner, names, counts)
        copy = _copy(stmt, names)
        if copy is not None and _replace_uses(body, i, *copy, counts):
            del body[i]
            continue
        i += 1


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


def _assigns(stmt):
    out = set()
    for n in S.walk(stmt):
        if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
            out.add(n.id)
    return out


def _uses(node, name):
    return sum(1 for n in S.walk(node) if isinstance(n, S.Name) and n.id == name
               and isinstance(n.ctx, S.Load))


def _replace_uses(body, i, a, b, counts):
    """Rewrite the uses of `a` after body[i] to `b`; True if every use of `a` was rewritten."""
    remaining = counts.get(a, 0) - 1          # the copy's own target
    plan = []
    for j in range(i + 1, len(body)):
        stmt = body[j]
        if remaining == 0:
            break
        if isinstance(stmt, (S.If, S.For, S.While)):
            return False                      # a use inside a nested block: keep the copy
        uses = _uses(stmt, a)
        assigned = _assigns(stmt)
        if a in assigned:
            return False
        if uses:
            if isinstance(stmt, S.AugAssign) and _uses(stmt.value, a) != uses:
                return False
            plan.append(stmt)
            remaining -= uses
        if b in assigned and remaining and not _is_copy(stmt, b, a):
            return False                      # b changes while a is still needed
    if remaining:
        return False
    for stmt in plan:
        _Rename(a, b).visit(stmt)
    counts[b] = counts.get(b, 0) + counts.get(a, 0) - 1
    counts[a] = 0
    # `b = b` left behind by the rewrite is a no-op
    body[:] = [s for s in body if not (isinstance(s, S.Assign) and len(s.targets) == 1
                                       and isinstance(s.targets[0], S.Name)
                                       and isinstance(s.value, S.Name)
                                       and s.targets[0].id == s.value.id) or s is body[i]]
    return True


class _Rename(S.NodeTransformer):
    def __init__(self, old, new):
        self.old = old
        self.new = new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, S.Load):
            return S.name(self.new, node.ctx)
        return node
