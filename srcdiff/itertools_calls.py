"""itertools.pairwise, itertools.combinations and numpy.ndenumerate rewritten as the zips and
lists they mean, which the lowering already differentiates (stage 3, lower: called by
source_rewrites.counted_rewrite). Takes the user's FunctionDef and a lookup of its free names;
gives back a copy in which each such call, where its sequence is a name or an attribute path
(read twice, so it must be one that reading changes nothing) and combinations' r a literal
int from 1 to 4, is replaced by

* ``itertools.pairwise(xs)``: ``zip(xs, xs[1:])``;
* ``itertools.combinations(xs, 2)``:
  ``[(xs[i0], xs[i1]) for i0 in range(len(xs)) for i1 in range(i0 + 1, len(xs))]``
  (and the same with r loops for r);
* ``np.ndenumerate(a)`` (a NumPy module's attribute): ``[(i, np.asarray(a)[i]) for i in
  np.ndindex(np.shape(a))]`` (asarray: a list, or a list of lists, is indexed by the tuple i
  too),

or the FunctionDef itself where there is none. Also gives the rewrites' pass base, NamePass
(what a called name means, fresh names), which queue_lists' pass shares. Before, the items these iterators give were
tuples built where srcdiff could not see them ("no derivative rule for builtins.tuple").
"""
import itertools

import numpy

from . import syntax as S
from .accumulate_loops import quote_expr_at

NAMES = ("pairwise", "combinations", "ndenumerate")   # (source_rewrites._ITERATORS)


def rewrite(fdef, lookup):
    """A copy of `fdef` with the calls of the module's docstring rewritten, or `fdef`."""
    tree = S.clone(fdef)
    pass_ = _Pass(tree, lookup)
    pass_.visit(tree)
    return tree if pass_.changed else fdef


def _plain_path(node):
    """Whether `node` is a name or an attribute path from a name (reading it twice reads the
    same value)."""
    base, _rest = S.attribute_chain(node)
    return isinstance(base, S.Name) and base is not node or isinstance(node, S.Name)


class NamePass(S.NodeTransformer):
    """A rewrite's pass over a copied FunctionDef (queue_lists' too): what a called name or
    attribute path means (`means`) and names of its own (`fresh`)."""

    def __init__(self, tree, lookup):
        self.lookup = lookup
        self.local = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and
                      isinstance(n.ctx, (S.Store, S.Param))}
        self.taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
        self.changed = False

    def means(self, func):
        """What the called name or attribute path means here (None for a local's)."""
        base, rest = S.attribute_chain(func)
        if not isinstance(base, S.Name) or base.id in self.local:
            return None
        value = self.lookup(base.id)
        for attr in rest:
            value = getattr(value, attr, None)
        return value

    def fresh(self, stem):
        k = 0
        while f"{stem}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{stem}_{k}")
        return f"{stem}_{k}"


class _Pass(NamePass):
    def visit_Call(self, node):
        self.generic_visit(node)
        if node.keywords or any(isinstance(a, S.Starred) for a in node.args) or \
                not node.args or not _plain_path(node.args[0]):
            return node
        what = self.means(node.func)
        new = None
        if what is getattr(itertools, "pairwise", None) and len(node.args) == 1:
            new = quote_expr_at("zip(XS, XS[1:])", node, XS=node.args[0])
        elif what is itertools.combinations and len(node.args) == 2:
            new = self._combinations(node, node.args[0], node.args[1])
        elif what is numpy.ndenumerate and len(node.args) == 1 and \
                isinstance(node.func, S.Attribute):
            module = node.func.value   # np (or numpy): its ndindex and shape
            index = self.fresh("index")
            new = quote_expr_at(f"[({index}, NP.asarray(A)[{index}]) for {index} in "
                               f"NP.ndindex(NP.shape(A))]", node, A=node.args[0], NP=module)
        if new is None:
            return node
        self.changed = True
        return new

    def _combinations(self, node, xs, r):
        if not (isinstance(r, S.Constant) and type(r.value) is int and 1 <= r.value <= 4):
            return None
        picks = [self.fresh("pick") for _ in range(r.value)]
        loops = " ".join(f"for {p} in range({'0' if k == 0 else picks[k - 1] + ' + 1'}, "
                         f"len(XS))" for k, p in enumerate(picks))
        items = ", ".join(f"XS[{p}]" for p in picks)
        return quote_expr_at(f"[({items},) {loops}]", node, XS=xs)
