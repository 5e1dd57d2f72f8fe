"""The static status of a derivative at a point of the emitted code, for both modes (stage 4,
analyze: called by reverse.py, forward.py and their mixins). Takes the statuses of
derivatives on the paths into a point; gives back their join (`join`, `merge`,
`merge_tangents`): `Status` ZERO, BORROWED or OWNED per derivative.

A leaf the reverse pass (adjoints) and the forward pass (tangents) share:

* ZERO: never computed; no arithmetic is spent on it. Where it is nonzero on
  one path into a merge only (a branch, a loop's back edge), a zero is
  materialized on the other path.
* BORROWED: may share memory with another derivative (the caller's seed or
  input tangent, a rule's result that may be one of its inputs): copied once
  before it is updated in place, or updated by rebinding (`d = d + e`).
* OWNED: made here and shared with no other derivative: safe to update in
  place (`d += e`, `d[i] = v`).
"""
import enum


class Status(enum.Enum):
    ZERO = "zero"
    BORROWED = "borrowed"
    OWNED = "owned"


ZERO, BORROWED, OWNED = Status.ZERO, Status.BORROWED, Status.OWNED


def join(a, b, materialized):
    """The status after two paths meet, one with `a`, the other with `b`.

    A ZERO met with a nonzero status is materialized on its path, as a derivative
    of status `materialized` (the forward pass makes an owned zero there; the
    reverse pass counts it as borrowed); the result is OWNED only when both paths
    own theirs.
    """
    if a is ZERO and b is ZERO:
        return ZERO
    a = materialized if a is ZERO else a
    b = materialized if b is ZERO else b
    return OWNED if a is OWNED and b is OWNED else BORROWED


# -- moved from reverse.py, no change --
class State(dict):
    """Adjoint state: name -> BORROWED | OWNED (status.py); absent means statically ZERO."""

    def get(self, name, default=ZERO):
        return super().get(name, default)

    def copy(self):
        return State(self)


def merge(a, b):
    """The state where two paths meet; a zero adjoint on one path counts as borrowed."""
    return State({name: join(a.get(name), b.get(name), BORROWED) for name in set(a) | set(b)})


# -- moved from forward.py, no change (merge named merge_tangents) --
class TangentState:
    """Which tangents are nonzero at a point of the program, and how they may be updated.

    status: name -> BORROWED | OWNED (status.py), present only for nonzero tangents.
    group: name -> alias group id (tangents sharing memory the way their primals do).
    must:  names certainly bound here (zeros are materialized only for those).
    """

    def __init__(self, status=None, group=None, must=()):
        self.status = dict(status or {})
        self.group = dict(group or {})
        self.must = set(must)

    def copy(self):
        return TangentState(self.status, self.group, self.must)

    def nonzero(self, name):
        return name in self.status

    def kill(self, name):
        self.status.pop(name, None)
        self.group.pop(name, None)

    def owned(self, name):
        """Whether the tangent is nonzero and safe to update in place."""
        return self.status.get(name) is OWNED

    def fresh(self, name, gid, owned):
        self.status[name] = OWNED if owned else BORROWED
        self.group[name] = gid

    def alias(self, target, source):
        self.status[target] = self.status[source]
        self.group[target] = self.group[source]

    def demote(self, name):
        """A rule read this tangent: its result may share memory with the whole group."""
        if name not in self.status:
            return
        gid = self.group[name]
        for other, g in self.group.items():
            if g == gid:
                self.status[other] = BORROWED

    def key(self):
        groups = {}
        for name, gid in self.group.items():
            groups.setdefault(gid, set()).add(name)
        return (frozenset(self.status.items()),
                frozenset(frozenset(g) for g in groups.values()))


def merge_tangents(a, b, new_gid):
    """The state after two paths join (a name zero on one path is materialized there)."""
    names = set(a.status) | set(b.status)
    parent = {n: n for n in names}

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for state in (a, b):
        first = {}
        for n in sorted(state.group):
            g = state.group[n]
            if g in first:
                parent[find(n)] = find(first[g])
            else:
                first[g] = n
    out = TangentState(must=a.must & b.must)
    roots = {}
    for n in sorted(names):
        root = find(n)
        if root not in roots:
            roots[root] = new_gid()
        out.status[n] = join(a.status.get(n, ZERO), b.status.get(n, ZERO), OWNED)
        out.group[n] = roots[root]
    return out


def surely_read(node):
    """The names an expression reads whenever it runs to its end: bound after a statement
    computing it ran (Python raised otherwise), so a zero tangent may be materialized for
    them (`u = ...` in a try block, then `t = u * 0.5` in its handler: u is bound after the
    handler). The branches of a conditional expression, a lambda's body, the operands a
    short-circuit may skip and a comprehension's parts after its first iterable are left out."""
    from . import syntax as S
    out, todo = set(), [node]
    while todo:
        n = todo.pop()
        if isinstance(n, S.Name):
            if isinstance(n.ctx, S.Load):
                out.add(n.id)
        elif isinstance(n, S.IfExp):
            todo.append(n.test)
        elif isinstance(n, S.BoolOp):
            todo.append(n.values[0])
        elif isinstance(n, (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
            todo.append(n.generators[0].iter)
        elif not isinstance(n, S.Lambda):
            todo.extend(S.iter_child_nodes(n))
    return out
