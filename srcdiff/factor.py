"""Apply a whole-dataset scalar factor of the gradient after the linear part of the backward
pass (stage 6, optimize: called by transform.py). Takes an emitted adjoint body and its
shape facts; gives back the body rewritten to seed the linear part with a unit and scale the
gradients last (`defer_scalar_factor`), or the body unchanged where that does not apply.

A loss such as `sqrt(mean(r ** 2))`, or one that branches on `mean(r * r)`, ends in a
scalar `v` reduced from the whole dataset; the adjoint first computes its cotangent
`d_v` (which depends on the reduced value: `0.5 / sqrt(v)`), then runs the linear part
of the backward pass (`d_r = ... d_v ...`, `d_w = X.T @ d_r`). On a chunked, lazy
array (Dask) every chunk of that linear part then waits for `d_v`, which needs every
chunk of the forward pass: all of X is held in memory at once.

Where the backward pass meets such a point, the rewrite here runs the linear part
with a unit seed in place of `d_v` and multiplies the gradients by `d_v` at the end:
`d_w = X.T @ (2 r / n)`, then `d_w * d_v` (what a hand-written gradient does). The
result is the same by linearity, the chunks no longer wait (each is read once), and on
NumPy the scalar multiplies the (smaller) gradient instead of the data-sized
cotangent. It applies only when:

* the adjoint splits, at its top level, into a part A computing `d_v` and a part B that
  reads nothing of A but `d_v`, and never assigns `d_v`;
* `v` is a scalar (every definition has the known shape `()`, srcdiff/shapes.py), so
  B(d_v) = d_v * B(1);
* A reads a differentiated value (so `d_v` is not a constant: nothing to gain otherwise);
* every returned gradient is made in B only, and none is a list, tuple or dict's.

At run time a complex `d_v` (adjoints that conjugate are not complex-linear) or a None
one is not deferred (srcdiff/lazy_runtime.py).
"""
from . import analyze
from . import syntax as S

# helpers that read a value only for its shape: all of their arguments, or all but the first
_SHAPE_ONLY = ("ones_like_value", "zeros_like_value", "reduced_count")
_LIKE = ("unbroadcast", "broadcast_like", "reduce_grad", "broadcast_back")


def defer_scalar_factor(adjoint, rev, shapes, namer, finals, names, bindings, names_of=None):
    """Rewrite `adjoint` (top-level statements, in place) as above; returns it. `names_of`,
    where given: the Name nodes of each statement of `adjoint` as it is (`S.walk_names`'),
    which the caller walked for its own use."""
    if shapes is None or len(adjoint) < 2:
        return adjoint
    primal_of = {a: v for v, a in rev.adjoints.items()}
    scalars = _scalars(rev, shapes)
    # every name the adjoint sets that is not a primal value (restored from the tape) may
    # carry a cotangent: the templates' temporaries too, not only the `d_` names
    # (the statements' names, walked once: nothing below changes the adjoint before the
    # rewrite at the end)
    if names_of is None:
        names_of = [list(S.walk_names(s)) for s in adjoint]
    stores_of = [_stores(ns) for ns in names_of]
    tracked = set(names) | (set().union(*stores_of) - set(rev.primal_names))
    points = [(p, d_v) for p, d_v in _splits(names_of, tracked) if primal_of.get(d_v) in scalars]
    if not points:
        return adjoint
    p, d_v = points[-1]
    v = primal_of[d_v]
    head, tail = adjoint[:p + 1], adjoint[p + 1:]
    if not _reads_varied(head, rev.active):
        return adjoint
    stored_head = set().union(*stores_of[:p + 1])
    stored_tail = set().union(*stores_of[p + 1:])
    if d_v in stored_tail or any(f in stored_head for f in finals):
        return adjoint
    scaled = sorted(f for f in finals if f in stored_tail)
    if not scaled or any(rev.adjoints.get(w) in scaled for w in rev.containers):
        return adjoint  # (forward mode over a container's gradient would add lists)
    from . import lazy_runtime
    bindings["unit_like"] = lazy_runtime.unit_like
    bindings["scale_gradient"] = lazy_runtime.scale_gradient
    unit = namer.exact_or_fresh("unit_" + v)
    for stmt in tail:
        _Rename(d_v, unit).visit(stmt)
    adjoint[:] = (head + S.quote(f"{unit} = unit_like({d_v})") + tail
                  + [S.quote(f"{f} = scale_gradient({f}, {d_v})")[0] for f in scaled])
    return adjoint


def _stores(names):
    """The names stored of a statement's Name nodes (`S.walk_names`')."""
    return {n.id for n in names if n.ctx.__class__ is S.Store}


def _splits(names_of, names):
    """(p, d_v) for each top-level point after statement p where exactly one adjoint name
    assigned up to p is read after p, and none that comes from before the statements is
    (linear in the number of statements). `names_of`: the Name nodes of each top-level
    statement of the adjoint (`S.walk_names`')."""
    first_store, first_load, last_load = {}, {}, {}
    for i, stmt_names in enumerate(names_of):
        for n in stmt_names:
            if n.id in names:
                if isinstance(n.ctx, S.Store):
                    first_store.setdefault(n.id, i)
                elif isinstance(n.ctx, S.Load):
                    first_load.setdefault(n.id, i)
                    last_load[n.id] = i
    # adjoints that come in from before these statements (the seed, None-initialised
    # ones), or may be read before they are set here: B must read none of them
    outside = [last_load[n] for n, i in first_load.items()
               if n not in first_store or i <= first_store[n]]
    earliest = max(outside, default=-1)
    opens, closes = {}, {}
    for n, i in first_store.items():
        j = last_load.get(n, -1)
        if j > i:
            opens.setdefault(i, []).append(n)
            closes.setdefault(j, []).append(n)
    live = set()
    out = []
    for p in range(len(names_of) - 1):
        live.update(opens.get(p, ()))
        live.difference_update(closes.get(p, ()))
        if len(live) == 1 and p >= earliest:
            out.append((p, next(iter(live))))
    return out


def _scalars(rev, shapes):
    """Primal names whose every definition has the known shape ()."""
    scalar, other = set(), set()
    for s in analyze.flatten(rev.body):
        v = analyze.assigned(s)
        if v is None:
            continue
        if isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name) and shapes.of(s, v) == ():
            scalar.add(v)
        else:
            other.add(v)
    return scalar - other


def _reads_varied(head, active):
    """Whether the statements read a differentiated value other than for its shape."""
    todo = list(head)
    while todo:
        node = todo.pop()
        if isinstance(node, S.Call) and isinstance(node.func, S.Name):
            if node.func.id in _SHAPE_ONLY:
                continue
            if node.func.id in _LIKE and node.args:
                todo.append(node.args[0])
                continue
        if isinstance(node, S.Name) and isinstance(node.ctx, S.Load) and node.id in active:
            return True
        todo.extend(S.iter_child_nodes(node))
    return False


class _Rename(S.NodeTransformer):
    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, S.Load):
            return S.name(self.new, node.ctx)
        return node
