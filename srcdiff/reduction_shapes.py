"""A reduction's adjoint helpers written out where the shapes are known (stage 5, reverse:
called by reverse_calls.py). Takes a spliced adjoint statement and the shape facts at it
(`KnownReductions`); gives back the statement with `reduce_grad`, `expand_reduced` and
`reduced_count` calls replaced by what they compute, where the shapes are known.

The rules of `numpy.sum`, `numpy.mean` and the other reductions (templates/reductions.py)
call `reduce_grad(g, a, axis, keepdims)`, `expand_reduced(g, a, axis, keepdims)` and
`reduced_count(a, y)`, which read the reduced array `a` and the result `y` for their
shapes only. Where srcdiff/shapes.py knows those shapes (NumPy arrays passed in), the
calls become what they compute -- `numpy.broadcast_to(g, <shape>)`,
`numpy.expand_dims(g, <axes>)`, a count such as `x.shape[0]` -- so the adjoint no longer
reads `a` and `y`, and a value computed only for them (a loss the gradient does not
return: `-np.mean(np.sum(log_probs * labels, axis=1))`) is dropped as dead code.

Exact: the same broadcast view, the same axes inserted, the same integer count.
"""
from . import syntax as S
from .shapes import PLACEHOLDER, UNKNOWN, AtStatement


class KnownReductions(AtStatement):
    """Rewrites the three helpers in one adjoint expression of the primal `stmt`."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if not (isinstance(func, S.Name) and not node.keywords):
            return node
        if func.id == "reduced_count" and len(node.args) == 2:
            return self._count(node) or node
        if func.id in ("reduce_grad", "expand_reduced") and len(node.args) == 4:
            return self._spread(node, func.id) or node
        return node

    def _shape(self, atom):
        if not isinstance(atom, S.Name):
            return UNKNOWN
        return self.shapes.of(self.stmt, atom.id)

    def _dim(self, n):
        """One size as an expression: a number, or a parameter's `x.shape[axis]`."""
        if n < PLACEHOLDER:
            return S.const(n)
        if n not in self.shapes.sources:
            return None
        p, axis = self.shapes.sources[n]
        return S.Subscript(value=S.Attribute(value=S.load(p), attr="shape", ctx=S.Load()),
                           slice=S.const(axis), ctx=S.Load())

    def _count(self, node):
        """How many elements of `a` each element of `y` sums: the sizes of `a` that `y`
        lacks, multiplied (the runtime's `size(a) // size(y)`)."""
        like, result = (self._shape(a) for a in node.args)
        if like is UNKNOWN or result is UNKNOWN or 0 in like or 0 in result:
            return None
        left = list(like)
        for n in result:
            if n == 1:
                continue
            if n not in left:
                return None  # not a plain reduction of `a`: keep the general helper
            left.remove(n)
        dims = [self._dim(n) for n in left if n != 1]
        if any(d is None for d in dims):
            return None
        if not dims:
            return S.const(1)
        total = dims[0]
        for d in dims[1:]:
            total = S.BinOp(left=total, op=S.Mult(), right=d)
        return total

    def _spread(self, node, helper):
        grad, like, axis, keepdims = node.args
        shape = self._shape(like)
        if shape is UNKNOWN or not isinstance(keepdims, S.Constant) \
                or not isinstance(keepdims.value, bool):
            return None
        axes = _axes(axis, len(shape))
        if axes is False:
            return None
        expanded = grad
        if not keepdims.value and axes is not None and shape:
            expanded = _numpy_call("expand_dims", [grad, _literal(axes)])
        self.bindings["numpy"] = __import__("numpy")  # as the templates bind it
        if helper == "expand_reduced":
            return expanded
        spelled = self.shapes.spell(shape)
        if spelled is None:
            return None
        return _numpy_call("broadcast_to", [expanded, spelled])


def _axes(axis, ndim):
    """The reduced axes as sorted non-negative ints, None for all, False if not literal."""
    if isinstance(axis, S.Constant) and axis.value is None:
        return None
    values = axis.elts if isinstance(axis, S.Tuple) else [axis]
    out = []
    for v in values:
        if not (isinstance(v, S.Constant) and type(v.value) is int) or ndim == 0 \
                or not -ndim <= v.value < ndim:
            return False
        out.append(v.value % ndim)
    return tuple(sorted(out))


def _literal(axes):
    if len(axes) == 1:
        return S.const(axes[0])
    return S.Tuple(elts=[S.const(a) for a in axes], ctx=S.Load())


def _numpy_call(name, args):
    return S.Call(func=S.Attribute(value=S.load("numpy"), attr=name, ctx=S.Load()),
                  args=args, keywords=[])
