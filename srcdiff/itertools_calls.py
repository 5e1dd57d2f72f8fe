"""itertools.pairwise, itertools.combinations, numpy.ndenumerate and more of itertools rewritten
as the zips, slices and lists they mean, which the lowering already differentiates (stage 3,
lower: called by source_rewrites.counted_rewrite). Takes the user's FunctionDef and a lookup
of its free names; gives back a copy in which each such call, where its sequence is a name
or an attribute path (read twice, so it must be one that reading changes nothing) and
combinations' r a literal int from 1 to 4, is replaced by

* ``itertools.pairwise(xs)``: ``zip(xs, xs[1:])``;
* ``itertools.combinations(xs, 2)``:
  ``[(xs[i0], xs[i1]) for i0 in range(len(xs)) for i1 in range(i0 + 1, len(xs))]``
  (and the same with r loops for r);
* ``np.ndenumerate(a)`` (a NumPy module's attribute): ``[(i, np.asarray(a)[i]) for i in
  np.ndindex(np.shape(a))]`` (asarray: a list, or a list of lists, is indexed by the tuple i
  too);
* ``itertools.islice(xs, a, b, step)`` (bounds literal ints not below 0 or None, step above
  0): ``[*xs][a:b:step]``; ``chain(a, b)``: ``[*a, *b]``; ``chain.from_iterable(rows)``: a
  comprehension over the rows' items; ``zip_longest(a, b, fillvalue=f)``: a zip of the items
  padded, ``[*a, *[f] * (max(len(a), len(b)) - len(a))]``; ``product(a, b)``: a
  comprehension with a loop for each; ``repeat(v, n)``: ``[v] * n`` (``repeat(v)`` given to
  zip beside sequences: ``[v] * len(xs)``); ``reversed(xs)`` given
  to zip or enumerate: ``[*xs][::-1]``
  (sequences read more than once or indexed must be pure paths not bound to an iterator);
* ``itertools.accumulate(...)`` evaluated once and unconditionally by a simple statement or
  a for header: bound first as ``acc = list(itertools.accumulate(...))``, which
  accumulate_loops writes out as a loop,

or the FunctionDef itself where there is none. Also gives the rewrites' pass base, NamePass
(what a called name means, fresh names), which queue_lists' pass shares. Before, the items these iterators give were
tuples built where srcdiff could not see them ("no derivative rule for builtins.tuple").
"""
import itertools

import numpy

from . import lazy_reads
from . import syntax as S
from .accumulate_loops import quote_at, quote_expr_at

NAMES = ("pairwise", "combinations", "ndenumerate", "islice", "chain", "from_iterable",
         "zip_longest", "product", "repeat", "reversed", "accumulate")
# (source_rewrites._ITERATORS)
_PURE = (S.Name, S.Attribute, S.Subscript, S.Slice, S.Constant, S.Load, S.BinOp, S.UnaryOp,
         S.operator, S.unaryop, S.Tuple)
_ITERATOR_MAKERS = {"iter", "map", "filter", "zip", "enumerate", "reversed", "islice", "chain",
                    "from_iterable", "zip_longest", "product", "repeat", "accumulate",
                    "pairwise", "combinations", "count", "cycle", "tee", "starmap",
                    "takewhile", "dropwhile", "groupby", "compress", "filterfalse"}


def rewrite(fdef, lookup, source=None):
    """A copy of `fdef` with the calls of the module's docstring rewritten, or `fdef`; where
    `source` (frontend.Source) is given, a repeat call not
    rewritten (an endless one) is refused at its line."""
    tree = S.clone(fdef)
    pass_ = _Pass(tree, lookup)
    pass_.source = source
    pass_.kept = _lazily_read(tree, lookup)
    pass_.visit(tree)
    if pass_.means(S.load("list")) is list:   # (the bindings call Python's list)
        _hoist_accumulates(tree, pass_)
    return tree if pass_.changed else fdef


_BODIES = ("body", "orelse", "finalbody")


def _lazily_read(tree, lookup):
    """The ids of the calls of NAMES (those this pass rewrites) that a loop's (or
    comprehension's) iterable makes and the loop uses up item by item (not given to list,
    tuple or sorted first), where the loop's body may change what they read
    (lazy_reads.body_may_change): the iterator sees those changes as it goes, a list of
    its items taken before the loop would not."""
    kept = set()
    for loop in S.walk(tree):
        if isinstance(loop, S.For):
            reads = loop.iter
        elif isinstance(loop, (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
            reads = loop.generators[0].iter
        else:
            continue
        lazy = _lazy_calls(reads)
        if lazy and lazy_reads.body_may_change(tree, loop, lookup):
            kept.update(id(n) for n in lazy)
    return kept


def _lazy_calls(node):
    """The calls under `node` whose name is one of NAMES, but those inside a call of list,
    tuple or sorted (which takes every item at once)."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        name = S.called_name(n.func) if isinstance(n, S.Call) else None
        if name in ("list", "tuple", "sorted"):
            continue
        if name in NAMES:
            out.append(n)
        stack.extend(S.iter_child_nodes(n))
    return out


def _hoist_accumulates(tree, pass_):
    """Each `itertools.accumulate(...)` call that a simple statement (or a for statement's
    header) evaluates once and unconditionally bound first as `acc = list(call)`, which
    dict_idioms writes out as a loop; the call then reads `acc`."""
    for node in list(S.walk(tree)):
        for field in _BODIES:
            body = getattr(node, field, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], S.stmt):
                continue
            new = []
            for stmt in body:
                hoist = _Hoist(pass_)
                if isinstance(stmt, S.For):
                    stmt.iter = hoist.visit(stmt.iter)
                elif isinstance(stmt, (S.Assign, S.AugAssign, S.AnnAssign, S.Return,
                                       S.Expr)) and stmt.value is not None and \
                        not _accumulated_binding(stmt, pass_):
                    stmt.value = hoist.visit(stmt.value)
                new += hoist.bound + [stmt]
            setattr(node, field, new)


def _accumulated_binding(stmt, pass_):
    """Whether `stmt` is already `acc = list(itertools.accumulate(...))`."""
    value = stmt.value
    return isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
        stmt.targets[0], S.Name) and isinstance(value, S.Call) and \
        pass_.means(value.func) is list and len(value.args) == 1 and \
        isinstance(value.args[0], S.Call) and \
        pass_.means(value.args[0].func) is itertools.accumulate


class _Hoist(S.NodeTransformer):
    """The accumulate calls of an expression evaluated once, each replaced by a fresh name
    bound (in `bound`) before the statement; not inside a lambda, a comprehension's items,
    conditions or later iterables, nor a branch of a conditional or and/or expression."""

    def __init__(self, pass_):
        self.pass_ = pass_
        self.bound = []

    def visit_Lambda(self, node):
        return node

    def visit_IfExp(self, node):
        node.test = self.visit(node.test)
        return node

    def visit_BoolOp(self, node):
        node.values[0] = self.visit(node.values[0])
        return node

    def _comprehension(self, node):
        node.generators[0].iter = self.visit(node.generators[0].iter)
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.pass_.means(node.func) is not itertools.accumulate or any(
                isinstance(a, S.Starred) for a in node.args):
            return node
        acc = self.pass_.fresh("acc")
        self.bound += quote_at(f"{acc} = list(CALL)", node, CALL=node)
        self.pass_.changed = True
        return quote_expr_at(acc, node)


def _pure(node):
    """Whether reading `node` again reads the same value: names, attribute paths, items,
    slices, constants and arithmetic on them, nothing called."""
    return all(isinstance(n, _PURE) for n in S.walk(node))


def _iterator_names(tree):
    """The names `tree` binds (anywhere) to a generator expression or to a call making an
    iterator, which an index or a slice would read without using its items up."""
    out = set()
    for n in S.walk(tree):
        if isinstance(n, (S.Assign, S.AnnAssign, S.NamedExpr)) and n.value is not None and (
                isinstance(n.value, S.GeneratorExp) or isinstance(n.value, S.Call) and
                S.called_name(n.value.func) in _ITERATOR_MAKERS):
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            out |= {t.id for t in targets if isinstance(t, S.Name)}
    return out


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
        self.iterators = _iterator_names(tree)

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
    kept = frozenset()   # (_lazily_read's)

    def visit_Call(self, node):
        if id(node) in self.kept:
            self._refuse_lazy(node)
            return node
        if any(self.means(node.func) is f for f in (zip, enumerate)):   # reversed(xs) given
            node.args = [self._reversed(a) for a in node.args]
            if self.means(node.func) is zip:
                node.args = [self._repeated(a, node.args) for a in node.args]
        self.generic_visit(node)
        new = self._more(node)
        if new is not None:
            self.changed = True
            return new
        self._refuse(node)
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

    def _refuse_lazy(self, node):
        """Raise the located refusal of an iterator the loop's body may change the sequences
        of (none without a source, or for a call this pass does not rewrite: reversed alone,
        a for header's own, as desugar lowers it)."""
        what = self.means(node.func)
        name = getattr(what, "__name__", None)
        if getattr(self, "source", None) is None or name not in NAMES or what is reversed:
            return
        raise self.source.error(
            node, f"the loop writes into what {name}() reads while the loop runs (an "
            "iterator reads its sequences item by item, and sees the writes); srcdiff "
            "takes an iterator's items before the loop",
            hint="take the items first, list(...) around the call, where that is what you "
            "mean; or write into a copy of the sequence")

    def _refuse(self, node):
        """Raise the located refusal of a repeat call left as it is (none without a
        source)."""
        what = self.means(node.func)
        for fn, why, hint in _REFUSED:
            if what is fn and getattr(self, "source", None) is not None:
                raise self.source.error(node, why, hint=hint)

    def _sequence(self, node):
        """Whether `node` is a sequence that can be indexed or sliced as it is: a list, a
        list comprehension, a range, or a pure path (not a name bound to an iterator)."""
        if isinstance(node, (S.List, S.ListComp)):
            return True
        if isinstance(node, S.Call) and self.means(node.func) is range and \
                not node.keywords and all(_pure(a) for a in node.args):
            return True
        return _pure(node) and not any(isinstance(n, S.Name) and n.id in self.iterators
                                       for n in S.walk(node))

    def _repeated(self, arg, args):
        """`repeat(v)`, given to zip beside sequences, as `[v] * len(xs)` (the shortest's)."""
        if not (isinstance(arg, S.Call) and self.means(arg.func) is itertools.repeat and
                len(arg.args) == 1 and not arg.keywords) or id(arg) in self.kept:
            return arg
        others = [a for a in args if a is not arg]
        if not others or not all(self._sequence(a) for a in others):
            return arg
        subs = {f"XS{k}": a for k, a in enumerate(others)}
        lengths = ", ".join(f"len(XS{k})" for k in range(len(others)))
        shortest = f"min({lengths})" if len(others) > 1 else lengths
        self.changed = True
        return quote_expr_at(f"[V] * {shortest}", arg, V=arg.args[0], **subs)

    def _reversed(self, arg):
        """`reversed(xs)`, given to zip or enumerate, as `[*xs][::-1]` (the same items, a dict's
        keys too)."""
        if isinstance(arg, S.Call) and self.means(arg.func) is reversed and \
                len(arg.args) == 1 and not arg.keywords and self._sequence(arg.args[0]) and \
                id(arg) not in self.kept:
            self.changed = True
            seq = arg.args[0]
            if isinstance(seq, (S.Tuple, S.List)) and all(   # (keys stay literals: key_loops)
                    isinstance(e, (S.Constant, S.Name)) for e in seq.elts):
                return S.place_unplaced(type(seq)(elts=[S.clone(e) for e in reversed(
                    seq.elts)], ctx=S.Load()), arg)
            return quote_expr_at("[*XS][::-1]", arg, XS=arg.args[0])
        return arg

    def _more(self, node):
        """islice, chain, chain.from_iterable, zip_longest, product and repeat as the slices
        and lists they mean, or None."""
        what, args = self.means(node.func), node.args
        if any(isinstance(a, S.Starred) for a in args):
            return None
        keywords = {k.arg: k.value for k in node.keywords}
        if what is itertools.islice and not keywords and 2 <= len(args) <= 4 and \
                self._sequence(args[0]) and all(_bound(a) for a in args[1:]):
            bounds = [S.Constant(value=None, kind=None)] + args[1:] if len(args) == 2 \
                else args[1:]
            if len(bounds) == 3 and not (isinstance(bounds[2], S.Constant) and (
                    bounds[2].value is None or bounds[2].value > 0)):
                return None   # a step of 0 is an error islice raises
            subs = {f"B{k}": b for k, b in enumerate(bounds)}
            return quote_expr_at("[*XS][" + ":".join(subs) + "]", node, XS=args[0], **subs)
        if what is itertools.chain and not keywords:
            return S.List(elts=[S.Starred(value=a, ctx=S.Load()) for a in args],
                          ctx=S.Load())
        if getattr(what, "__self__", None) is itertools.chain and \
                getattr(what, "__name__", "") == "from_iterable" and not keywords and \
                len(args) == 1:
            part, item = self.fresh("part"), self.fresh("item")
            return quote_expr_at(f"[{item} for {part} in XS for {item} in {part}]", node,
                                 XS=args[0])
        if what is itertools.zip_longest and set(keywords) <= {"fillvalue"} and args and \
                all(self._sequence(a) for a in args) and \
                _pure(keywords.get("fillvalue", S.Constant(value=None, kind=None))):
            fill = keywords.get("fillvalue", S.Constant(value=None, kind=None))
            subs = {f"XS{k}": a for k, a in enumerate(args)}
            lengths = ", ".join(f"len(XS{k})" for k in range(len(args)))
            longest = f"max({lengths})" if len(args) > 1 else lengths
            padded = ", ".join(f"[*XS{k}, *[FILL] * ({longest} - len(XS{k}))]"
                               for k in range(len(args)))
            return quote_expr_at(f"zip({padded})", node, FILL=fill, **subs)
        if what is itertools.product and not keywords and args and \
                all(self._sequence(a) for a in args[1:]):
            picks = [self.fresh("pick") for _ in args]
            subs = {f"XS{k}": a for k, a in enumerate(args)}
            loops = " ".join(f"for {p} in XS{k}" for k, p in enumerate(picks))
            return quote_expr_at(f"[({', '.join(picks)},) {loops}]", node, **subs)
        if what is itertools.repeat and not keywords and len(args) == 2:
            return quote_expr_at("[V] * N", node, V=args[0], N=args[1])
        return None


_REFUSED = [   # (islice, zip_longest, product not rewritten: desugar's one-pass loops)
    (itertools.repeat, "srcdiff differentiates itertools.repeat(v, n) only with its count n, "
     "or given to zip beside a list or an array (an endless repeat has no list of items)",
     "give the count, or write [v] * n (zip(xs, [v] * len(xs)) in a zip)")]


def _bound(node):
    """Whether `node` is an islice bound that a slice reads the same: None or an int literal
    not below 0 (islice refuses negative ones, which a slice counts from the end)."""
    return isinstance(node, S.Constant) and (node.value is None or (
        type(node.value) is int and node.value >= 0))
