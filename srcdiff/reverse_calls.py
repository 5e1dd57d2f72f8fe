"""The adjoints of calls (stage 5, reverse: a mixin of reverse.Reverse). Takes a lowered call
statement and the adjoint state; gives back the adjoint statements that follow it back.

Adjoints of calls: a rule's template spliced in (splice.py), shape specialisation
(shapes.py), and calls to the user's own functions through their forward_/backward_ pair
(program.py).
"""
from . import analyze, checkpointing, fold, rules, zero_cotangents
from . import syntax as S
from .errors import SrcdiffError, where
from .names import TAPE
from .program import active_params, known_for_callee
from .refusals import bind_rule, casts_to_integers, no_rule_error, refuse_held
from .reduction_shapes import KnownReductions
from .shapes import _KnownShapes, _sum_broadcast_axes
from .splice import instantiate_reverse
from .status import ZERO
from .core import Kind
from .callables import is_user_function


class CallAdjoints:
    """Methods of reverse.Reverse (see reverse.py for the state they share)."""

    @staticmethod
    def _is_user_call(stmt):
        return (stmt.sd.kind == Kind.CALL and not stmt.sd.dynamic_method
                and is_user_function(stmt.sd.func) and isinstance(stmt.targets[0], S.Name))

    def user_call(self, stmt):
        """(forward name, backward name, [(param, atom)]) for an active call to a user function."""
        if not (isinstance(stmt, S.Assign) and self._is_user_call(stmt)):
            return None
        if stmt.targets[0].id not in self.active:
            self._refuse_free_list_growth(stmt)
            return None
        key = id(stmt)
        if key not in self._calls:
            import inspect
            fn = stmt.sd.func
            params = getattr(fn, "lifted_params", None) or list(
                inspect.signature(fn, follow_wrapped=False).parameters)
            wrt = active_params(stmt, params, self.active)
            if not wrt:
                self._calls[key] = None
            else:
                args = analyze.call_args(stmt)
                containers = [p for p, a in zip(params, args)
                              if isinstance(a, S.Name) and a.id in self.containers]
                known = known_for_callee(stmt, params, getattr(self.low, "known_types", {}))
                try:
                    fwd, bwd = self.program.callee(
                        "reverse", fn, wrt, containers, known, self.callee_builder,
                        zero_cotangents=stmt.targets[0].id in self.zero_carriers)
                except SrcdiffError as err:
                    from .library_calls import at_caller
                    moved = at_caller(err, self.src, stmt.sd.line, fn)
                    if moved is None:
                        raise
                    raise moved from None
                pairs = [(p, a) for p, a in zip(params, args) if p in wrt]
                self._calls[key] = (fwd, bwd, pairs)
        return self._calls[key]

    def _refuse_free_list_growth(self, stmt):
        """A nested function growing a list of the function around it, called where its
        result carries no derivative (`map(add, xs)`, `[add(v) for v in xs]`: add returns
        None): no derivative of it is made, so what it adds to the list would carry none.
        Refused, at the call, where a value being differentiated is passed (a direct call as
        a statement is rewritten by nonlocal_lists.py; one whose result is differentiated
        is refused at the append by reverse_callee.py)."""
        import inspect
        fn = stmt.sd.func
        free = set(getattr(fn, "free", ()))
        source = getattr(fn, "source", None)
        if not free or source is None:
            return
        params = getattr(fn, "lifted_params", None) or list(
            inspect.signature(fn, follow_wrapped=False).parameters)
        if not active_params(stmt, params, self.active):
            return
        for n in S.own_nodes(source.node):
            if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and \
                    n.func.attr in ("append", "extend", "insert") and \
                    isinstance(n.func.value, S.Name) and n.func.value.id in free:
                lst, name = n.func.value.id, fn.__name__
                raise self.src.error(
                    stmt.sd.line, f"{fn.__qualname__} adds to {lst!r}, a list of the "
                    f"function around it (line {n.lineno}), where its result carries no "
                    "derivative (a call through map, or in a comprehension): srcdiff makes no "
                    f"derivative of {name} there, so what it adds to {lst} would carry none",
                    hint=f"call {name}(v) as a statement of its own (for v in xs: {name}(v)), "
                    f"which srcdiff follows, or return the value from {name} and build the "
                    f"list of the results ({lst} = [g(v) for v in xs])")

    def adjoint_call(self, stmt, name, state, out, d_out_name):
        func = stmt.sd.func
        value = stmt.value
        args, keywords = analyze.call_parts(value)
        if stmt.sd.kind == Kind.CALL and stmt.sd.dynamic_method:
            from .method_refusals import method_refusal   # what to write instead
            raise method_refusal(self.src, stmt)
        template = rules.lookup("reverse", func)
        if template is None and func is not None and rules.is_nondifferentiable(func):
            return  # e.g. y = numpy.zeros_like(x): y's later writes carry the derivative
        if template is None and self._method_of_a_constant(func, args, keywords):
            return  # A = W.copy() of a module-level W: no derivative reaches W
        if template is None:
            raise self._no_rule(stmt, func)
        if casts_to_integers(func, keywords, self.bindings):   # sum(x, dtype=int): none
            d_cast = self.namer.fresh(f"d_{name}_cast")
            self.emit(out, [S.Assign(targets=[S.store(d_cast)], value=S.Call(
                func=self.helper("cast_grad"), args=[S.load(d_out_name), S.load(name),
                                                     S.load(name)], keywords=[]),
                type_comment=None)])
            d_out_name = d_cast
        mapping = bind_rule(self.src, stmt, template, S.load(name), args, keywords, func)
        refuse_held(self.src, stmt, func, lambda p: isinstance(mapping.get(p), S.Name)
                    and mapping[p].id in self.active)
        parts = list(instantiate_reverse(template, mapping, self.active, d_out_name, self.namer,
                                 self.bindings, self.spliced, id(stmt), self.single_round))
        if self.shapes is not None:
            for known in (_KnownShapes(self.shapes, stmt, self.bindings),
                          KnownReductions(self.shapes, stmt, self.bindings)):
                parts = [(k, (p[0], known.visit(p[1])) if k == "acc" else known.visit(p))
                         for k, p in parts]
        parts = [(k, (p[0], self._drop_unbroadcast(stmt, name, p[1])))
                 if k == "acc" else (k, p) for k, p in parts]
        if self.shapes is not None:
            for k, p in parts:
                if k == "acc":
                    fold.mark_full_products(p[1], d_out_name, name, stmt, self.shapes)
        parts = _merge_twins(parts)
        if name in self.zero_carriers:   # a selection's zeros kept through a NaN slope
            parts = zero_cotangents.kept_zero(parts, d_out_name, self.helper)
        for stmt_kind, payload in parts:
            if stmt_kind == "stmt":
                self.emit(out, [payload])
            else:
                target, expr = payload
                self.read(expr)
                self.accumulate(out, target, expr, state)

    def _drop_unbroadcast(self, stmt, result, expr):
        """`unbroadcast(e, x)` is `e` when x certainly has the shape of the result, and
        a plain `e.sum(axis=...)` when both shapes are known."""
        if self.shapes is None:
            return expr
        if (isinstance(expr, S.Call) and isinstance(expr.func, S.Name)
                and expr.func.id == "unbroadcast" and len(expr.args) == 2
                and isinstance(expr.args[1], S.Name)):
            if self.shapes.same(stmt, expr.args[1].id, result):
                return expr.args[0]
            summed = _sum_broadcast_axes(expr.args[0], self.shapes.of(stmt, expr.args[1].id),
                                         self.shapes.spell,
                                         self.shapes.of(stmt, result))
            return expr if summed is None else summed
        if (isinstance(expr, S.Call) and isinstance(expr.func, S.Name)
                and expr.func.id in ("matmul_grad_left", "matmul_grad_right",
                                     "dot_grad_left", "dot_grad_right")
                and len(expr.args) == 3 and all(isinstance(a, S.Name) for a in expr.args[1:])
                and all(len(self.shapes.of(stmt, a.id) or ()) == 2 for a in expr.args[1:])):
            # two matrices (a @ b or numpy.dot(a, b)): a plain product with a transpose
            g, a, b = expr.args
            if expr.func.id.endswith("_left"):
                return S.BinOp(left=g, op=S.MatMult(),
                               right=S.Attribute(value=b, attr="T", ctx=S.Load()))
            return S.BinOp(left=S.Attribute(value=a, attr="T", ctx=S.Load()), op=S.MatMult(),
                           right=g)
        if isinstance(expr, S.UnaryOp):
            expr.operand = self._drop_unbroadcast(stmt, result, expr.operand)
        return expr

    def _method_of_a_constant(self, func, args, keywords):
        """Whether `func` is a method bound to an array read from outside the function (a
        module-level or closure constant, `W.copy`, `W.reshape`) called with no argument a
        derivative flows into: its result is a constant, whatever the method."""
        import numpy
        if not isinstance(getattr(func, "__self__", None), (numpy.ndarray, numpy.generic)):
            return False
        parts = list(args) + [k.value for k in keywords]
        return not any(isinstance(n, S.Name) and n.id in self.active
                       for p in parts for n in S.walk(p))

    def _no_rule(self, stmt, func):
        if func in (tuple, list):   # the items of an itertools call, taken: name the call
            func = self._itertools_source(stmt) or func
        return no_rule_error(self.src, stmt, func, "derivative rule", "srcdiff.reverse_rule")

    def _itertools_source(self, stmt):
        """The itertools function whose call binds the name `tuple(name)` (or list) reads at
        `stmt` (the innermost of such calls given one another), or None."""
        found, args = None, analyze.call_args(stmt)
        while args and isinstance(args[0], S.Name):   # islice(cycle(x), n): cycle's
            bound = [s for s in analyze.flatten(self.body) if isinstance(s, S.Assign) and
                     isinstance(s.targets[0], S.Name) and s.targets[0].id == args[0].id and
                     s.sd.kind == Kind.CALL and
                     getattr(s.sd.func, "__module__", None) == "itertools"]
            if len(bound) != 1 or bound[0].sd.func is found:
                break
            found, args = bound[0].sd.func, analyze.call_args(bound[0])
        return found

    def adjoint_user_call(self, stmt, call, state, out):
        """`d_a, d_b = backward_g(tape, d_t)`: always run, so g's pops match its pushes."""
        fwd, bwd, pairs = call
        name = stmt.targets[0].id
        if state.get(name) is ZERO:
            seed = self.materialize(name)
            self.emit(out, [seed])
        self.tape_used = True
        if checkpointing.is_checkpointed_function(stmt.sd.func):
            from . import checkpoint_adjoint
            checkpoint_adjoint.call_adjoint(self, stmt, fwd, out)
        parts = [self.namer.fresh(f"d_{p}_from_{fwd[len('forward_'):]}") for p, _ in pairs]
        target = S.store(parts[0]) if len(parts) == 1 else S.Tuple(
            elts=[S.store(n) for n in parts], ctx=S.Store())
        self.emit(out, [S.Assign(targets=[target], value=S.Call(
            func=S.load(bwd), args=[S.load(TAPE), S.load(self.adj(name))], keywords=[]),
            type_comment=None)])
        if passes_its_target(stmt, pairs):
            # `s = g(2.0)` where the local g reads s: the new s's adjoint went into the
            # backward call; the old s's starts afresh from what g gives back
            state.pop(name, None)
        for part, (_, atom) in zip(parts, pairs):
            self.accumulate(out, atom.id, S.load(part), state)

    def _where(self, stmt, index):
        """[where='FILE:LINE'] for a helper given `index`, which may refuse it when it runs
        (an index array that repeats a position, a boolean mask Dask can not count), naming
        the user's line; [] for indices of ints alone and in code srcdiff emitted (refused
        when the user's code ran)."""
        from .core import GENERATED_PREFIX
        if self._ints is None:
            self._ints = _integer_names(self.body)
        if self.src.filename.startswith(GENERATED_PREFIX) or not any(
                isinstance(n, S.Name) and n.id not in self._ints for n in S.walk(index)):
            return []
        return [S.keyword(arg="where", value=S.const(where(self.src.filename, stmt.sd.line)))]


def passes_its_target(stmt, pairs):
    """Whether the user call `stmt` (target = g(...)) passes its own target to g, by an
    argument or as a free variable a local function reads (`s = lam(2.0)`, lam reading s)."""
    name = stmt.targets[0].id
    return any(isinstance(atom, S.Name) and atom.id == name for _, atom in pairs)


def _merge_twins(parts):
    """`x * x` adds the same term to d_x twice: add it once, doubled."""
    targets = [payload[0] for kind, payload in parts if kind == "acc"]
    if len(set(targets)) == len(targets):
        return parts  # no two terms for one adjoint
    out = []
    seen = {}
    for kind, payload in parts:
        if kind == "acc":
            key = (payload[0], S.dump(payload[1]))
            if key in seen:
                i = seen[key]
                target, expr = out[i][1]
                out[i] = ("acc", (target, S.BinOp(left=expr, op=S.Mult(), right=S.const(2.0))))
                seen.pop(key)
                continue
            seen[key] = len(out)
        out.append((kind, payload))
    return out


def _integer_names(body):
    """Names that only ever hold a Python int: counters of loops over range(...) and names
    bound to integer literals. An index made of them alone can not repeat a position."""
    kinds = {}
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            value = stmt.value
            kind = "range" if stmt.sd.func is range and isinstance(value, S.Call) else \
                "int" if isinstance(value, S.Constant) and type(value.value) is int else "other"
            kinds.setdefault(stmt.targets[0].id, set()).add(kind)
        elif isinstance(stmt, S.For):
            for node in S.walk(stmt.target):
                if isinstance(node, S.Name):
                    kinds.setdefault(node.id, set()).add(
                        ("counter", stmt.iter.id) if isinstance(stmt.target, S.Name)
                        and isinstance(stmt.iter, S.Name) else "other")
    ranges = {n for n, k in kinds.items() if k == {"range"}}
    return {n for n, k in kinds.items()
            if all(x == "int" or (isinstance(x, tuple) and x[1] in ranges) for x in k)}
