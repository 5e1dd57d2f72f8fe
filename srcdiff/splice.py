"""Template splicing: a rule's template made into emitted statements (stage 5, reverse and
forward: called by reverse_calls.py and forward_calls.py; imports only leaves: errors,
rule_template, runtime, syntax). Takes a rule's `rule_template.Template`, the call's atoms
for its parameters and which operands carry a derivative; gives back the statements to emit,
temporaries renamed fresh.

`instantiate_reverse` keeps the statements accumulating into active operands' adjoints
and yields ('stmt', node) and ('acc', (name, expr)) parts; `instantiate_forward` keeps
the tangent terms of operands with a nonzero tangent and returns (temporaries, terms,
shared parameters). Both substitute through one `Replace` (mode "reverse" or "forward")
and fold what literals alone determine (`fold_constants`).
"""
from . import rule_template, runtime
from . import syntax as S
from .errors import SrcdiffError


def instantiate_reverse(template, mapping, active, output_adjoint, namer, bindings, memo=None,
                key=None, once=False):
    """Splice a reverse template: yields ('stmt', node) and ('acc', (name, expr)).

    `mapping` maps template parameters to atoms. Statements accumulating into
    an inactive (or constant) operand are dropped, then temporaries nothing
    uses any more.

    `memo` (a dict kept by the caller) and `key` (what identifies the call
    statement): the adjoint is generated several times over (until the saved set
    and each loop's adjoint state are stable), and a statement spliced again with
    the same fresh names gives the same trees; they are copied from the memo.
    `once`: the statement is spliced only once (a straight-line body), so its trees
    are not kept for another round.
    """
    plan = memo.get(key) if memo is not None else None
    if plan is None:
        # the plan depends only on which operands are active: one per template and pattern
        pattern = ("plan", id(template), tuple(
            isinstance(mapping[p], S.Name) and mapping[p].id in active
            for p in _accumulated_parameters(template)))
        plan = memo.get(pattern) if memo is not None else None
        if plan is None:
            plan = _plan(template, mapping, active)
        if memo is not None:
            memo[key] = memo[pattern] = plan
    result, local, fold = plan
    renames = {n: namer.fresh(n) for n in local}
    for name in template.free:
        if name in template.namespace:
            bindings[name] = template.namespace[name]
    spliced_key = (key, output_adjoint, tuple(renames.values()))
    parts = memo.get(spliced_key) if memo is not None else None
    if parts is None:
        parts = []
        for stmt in result:
            stmt = Replace(_substitutions(mapping, renames), "reverse",
                           {template.result: output_adjoint}).copy(stmt)
            if fold:
                stmt = fold_constants(stmt)
            targets = [t for t in stmt.targets if isinstance(t, _AccTarget)] \
                if isinstance(stmt, S.Assign) else []
            if targets:
                parts.append(("acc", (targets[0].name, stmt.value)))
            else:
                parts.append(("stmt", stmt))
        if memo is None or once:
            yield from parts
            return
        memo[spliced_key] = parts
    for kind, payload in parts:
        yield (kind, (payload[0], S.clone(payload[1])) if kind == "acc" else S.clone(payload))


def _accumulated_parameters(template):
    """The parameters whose adjoints the template's statements accumulate into, in order."""
    cached = getattr(template, "_accumulated", None)
    if cached is None:
        cached = []
        for stmt in template.body:
            targets = [t.slice.id for t in getattr(stmt, "targets", []) if rule_template.is_d(t)]
            if targets:
                cached.append(targets[0])
        cached = tuple(cached)
        template._accumulated = cached
    return cached


def _plan(template, mapping, active):
    """The template statements an instantiation keeps, its temporaries, whether to fold."""
    kept = []
    for stmt in template.body:
        targets = [t.slice.id for t in getattr(stmt, "targets", []) if rule_template.is_d(t)]
        if targets:
            atom = mapping[targets[0]]
            if not (isinstance(atom, S.Name) and atom.id in active):
                continue
        kept.append(stmt)
    # drop temporaries no kept statement reads
    live = set()
    result = []
    for stmt in reversed(kept):
        targets = [t.slice.id for t in getattr(stmt, "targets", []) if rule_template.is_d(t)]
        names = [t.id for t in getattr(stmt, "targets", []) if isinstance(t, S.Name)]
        if targets or any(n in live for n in names) or not isinstance(stmt, S.Assign):
            result.append(stmt)
            live |= {n.id for n in S.walk_names(stmt.value if isinstance(stmt, S.Assign)
                                                else stmt)}
    result.reverse()
    local = sorted({t.id for stmt in result for t in getattr(stmt, "targets", [])
                    if isinstance(t, S.Name)})
    fold = any((isinstance(n, S.Name) and (n.id in FOLDABLE or n.id in KEYWORD_DEFAULTS))
               or (isinstance(n, S.keyword) and n.arg == "where") for stmt in result
               for n in S.walk(stmt))
    return result, local, fold


class _Fold(S.NodeTransformer):
    """Evaluate pure runtime helpers on literal arguments: `power_exponent(3.0)` is `2.0`."""

    def visit_Call(self, node):
        self.generic_visit(node)
        if (isinstance(node.func, S.Name) and node.func.id == "expand_reduced"
                and len(node.args) == 4 and not node.keywords
                and any(isinstance(a, S.Constant) and a.value is v
                        for a, v in ((node.args[2], None), (node.args[3], True)))):
            return node.args[0]  # a total or kept dims: broadcasts as it is
        if isinstance(node.func, S.Name) and node.func.id in KEYWORD_DEFAULTS:
            at, default = KEYWORD_DEFAULTS[node.func.id]
            if (len(node.args) > at and isinstance(node.args[at], S.Constant)
                    and node.args[at].value is default):
                return node.args[0]  # the reduction without where= / initial=
        if _on_numpy(node.func):
            node.keywords = [k for k in node.keywords if not (
                k.arg == "where" and isinstance(k.value, S.Constant) and k.value.value is True)]
        if (isinstance(node.func, S.Name) and node.func.id in FOLDABLE and not node.keywords
                and all(isinstance(a, S.Constant) for a in node.args)):
            value = getattr(runtime, node.func.id)(*[a.value for a in node.args])
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return S.const(value)
        return node


# runtime_keywords' helpers: (the argument, its value) that makes one its first argument
KEYWORD_DEFAULTS = {"where_filled": (1, True), "where_count": (1, True),
                    "with_initial": (1, None)}
FOLDABLE = {"power_exponent", "log_base", "expand_reduced"}


def _on_numpy(func):
    """Whether `func` is written numpy.name (where=True, its default, is dropped)."""
    return (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
            and func.value.id == "numpy")


def fold_constants(node):
    """Fold what a template leaves computable from literals alone."""
    return _Fold().visit(node)


class _AccTarget(S.AST):
    _fields = ()

    def __init__(self, name):
        super().__init__()
        self.name = name


class Replace(S.Substitute):
    """The one template substitution, for both modes (as Tangent's `template.replace`).

    Names: `subs` maps template parameters to the call's atoms (nodes) and the
    template's temporaries to fresh names (strings). Derivatives: a read `d[x]` with
    x in `derivatives` becomes that name (reverse: the result's adjoint; forward: the
    operands' tangents). In mode "reverse" a write `d[x] = e` marks an accumulation
    into x's adjoint (an _AccTarget the caller turns into `d_x += e`); in mode
    "forward" the statement's value is the tangent term and its target is unused.
    """

    def __init__(self, subs, mode, derivatives):
        super().__init__(subs)
        self.mode = mode
        self.derivatives = derivatives

    def visit_Subscript(self, node):
        return self._derivative(node) or self.generic_visit(node)

    def _derivative(self, node):
        """What a template's `d[x]` becomes (see the class docstring); None for another
        subscript, or a d[x] left as it is (its names substituted)."""
        if rule_template.is_d(node):
            key = node.slice.id
            if isinstance(node.ctx, S.Store) and self.mode == "reverse":
                return _AccTarget(self.subs[key].id)
            if isinstance(node.ctx, S.Load) and key in self.derivatives:
                return S.load(self.derivatives[key])
        return None

    def copy(self, node):
        """`self.visit(S.clone(node))`, in one pass over the template's tree `node` (which
        stays as it is): splicing copied each template statement, then visited the copy."""
        cls = node.__class__
        if cls is S.Name:
            return self.visit_Name(node) if node.id in self.subs else S.clone(node)
        if cls is S.Subscript:
            new = self._derivative(node)
            if new is not None:
                return new
        return S.copy_node(node, self.copy)


def _substitutions(mapping, renames):
    """Parameters to atoms, temporaries to fresh names (a temporary wins a clash)."""
    subs = dict(mapping)
    subs.update(renames)
    return subs


def _store_names(stmt):
    return [n.id for t in stmt.targets for n in S.walk_names(t) if isinstance(n.ctx, S.Store)]


def _load_names(node):
    return {n.id for n in S.walk_names(node) if n.ctx.__class__ is S.Load}


def instantiate_forward(template, mapping, tangent_of, namer, bind):
    """Splice a forward template: (temporary statements, tangent terms, shared parameters).

    `mapping` maps template parameters to atoms; `tangent_of` maps the
    parameters whose tangent is nonzero to their tangent names. A `d[y] = e`
    statement is kept when the one `d[arg]` it depends on (directly or through
    temporaries) is nonzero; temporaries no kept statement needs are dropped.
    Shared parameters are those whose tangent the result may share memory with.
    """
    body = template.body
    for stmt in body:
        if not isinstance(stmt, S.Assign):
            raise SrcdiffError(f"{template.origin}: a forward rule body may only hold "
                               "assignments", hint="compute branches with numpy.where "
                               "or a runtime helper")
    deps = {}        # temporary -> the d[arg]s it depends on
    plan = []        # (stmt, is_tangent, d-args it depends on)
    for stmt in body:
        reads = set(rule_template.d_reads(stmt))
        for n in _load_names(stmt.value):
            reads |= deps.get(n, set())
        is_tangent = bool(rule_template.d_targets(stmt))
        if is_tangent:
            if len(reads) != 1:
                raise SrcdiffError(f"{template.origin}: each d[{template.result}] statement of "
                                   "a forward rule must be linear in exactly one d[arg]; "
                                   f"this one reads {sorted(reads) or 'none'}",
                                   hint="split it into one statement per input")
        else:
            for n in _store_names(stmt):
                deps[n] = reads
        plan.append((stmt, is_tangent, reads))
    kept = []
    needed = set()
    for stmt, is_tangent, reads in reversed(plan):
        if is_tangent:
            if all(r in tangent_of for r in reads):
                kept.append(stmt)
                needed |= _load_names(stmt.value)
        elif any(n in needed for n in _store_names(stmt)):
            kept.append(stmt)
            needed |= _load_names(stmt.value)
    kept.reverse()
    local = sorted({n for stmt in kept if not rule_template.d_targets(stmt) for n in _store_names(stmt)})
    renames = {n: namer.fresh(n) for n in local}
    splice = Replace(_substitutions(mapping, renames), "forward", tangent_of)
    temps, terms = [], []
    shared = set()
    for stmt in kept:
        if rule_template.d_targets(stmt):
            shared |= _unsheltered_reads(stmt.value, False)
        else:
            shared |= set(rule_template.d_reads(stmt))   # through a temporary: assume it may
        for n in _load_names(stmt.value):
            if (n in template.free and n in template.namespace
                    and n not in renames and n not in mapping):
                bind(n, template.namespace[n])
        new = fold_constants(splice.copy(stmt))
        if rule_template.d_targets(stmt):
            terms.append(new.value)
        else:
            temps.append(new)
    return temps, terms, sorted(shared & set(tangent_of))


def _unsheltered_reads(node, sheltered):
    """The d[arg]s whose value may be returned as is (not under an arithmetic operator).

    `d[x] * 2`, `-d[x]` and `f(d[x] * 2)` make new values; `d[x]` and
    `f(d[x])` (a view, or the tangent itself) may share memory with d[x].
    """
    if rule_template.is_d(node):
        return set() if sheltered else {node.slice.id}
    if isinstance(node, (S.BinOp, S.UnaryOp)):
        sheltered = True
    out = set()
    for child in S.iter_child_nodes(node):
        out |= _unsheltered_reads(child, sheltered)
    return out
