"""The tangents of calls (stage 5, forward: a mixin of forward.Forward). Takes a lowered call
statement and the tangent state; gives back the tangent statements that follow it.

Tangents of calls: a rule's forward template spliced in (splice.py), its terms summed,
and calls to the user's own functions through their jvp_ variant (program.py).
"""
from . import analyze, callables, rules, sequences, zero_cotangents
from . import syntax as S
from .errors import SrcdiffError
from .program import known_for_callee
from .refusals import bind_rule, casts_to_integers, no_rule_error, refuse_held
from .splice import instantiate_forward
from .core import Kind


class CallTangents:
    """Methods of forward.Forward (see forward.py for the state they share)."""

    def _refuse_held(self, stmt, func, args, keywords, tangent_of):
        """Refuse a call whose rule holds an argument constant that carries a derivative
        here: one with a tangent, or an active value that has none (a nested function
        closing over a differentiated variable, passed as odeint's F)."""
        template = rules.lookup("forward", func) if func is not None else None
        if template is None:
            return
        try:
            mapping = template.bind(S.load("result"), args, keywords)
        except TypeError:
            return
        refuse_held(self.src, stmt, func, lambda p: p in tangent_of or (
            isinstance(mapping.get(p), S.Name) and mapping[p].id in self.active))

    def forward_call(self, stmt, name, state):
        func = stmt.sd.func
        value = stmt.value
        if stmt.sd.kind == Kind.CALL and func is not None and rules.is_nondifferentiable(func):
            state.kill(name)
            return []
        args, keywords = analyze.call_parts(value)
        operands = args + list(keywords.values())
        if stmt.sd.user_call is not None:
            # a nested def or lambda: its free variables are operands too; a method of a
            # known class: its object too (a dataclass's tangent, values.py)
            operands = analyze.call_args(stmt) + list(keywords.values())
        if stmt.sd.kind == Kind.CALL and stmt.sd.dynamic_method:
            operands = operands + [value.func.value]
        live = [a.id for a in operands if self.tangent_atom(a, state) is not None]
        if not live:
            self._refuse_held(stmt, func, args, keywords, {})
            state.kill(name)
            return []
        if stmt.sd.kind == Kind.CALL and stmt.sd.dynamic_method:
            from .method_refusals import method_refusal   # what to write instead
            raise method_refusal(self.src, stmt)
        template = rules.lookup("forward", func)
        if template is None and stmt.sd.kind == Kind.CALL and callables.is_user_function(func):
            return self.forward_user_call(stmt, name, state)
        if template is None:
            raise self._no_rule(stmt, func)
        mapping = bind_rule(self.src, stmt, template, S.load(name), args, keywords, func)
        tangent_of = {}
        for pname, atom in mapping.items():
            t = self.tangent_atom(atom, state)
            if t is not None and pname != template.result:
                tangent_of[pname] = t
        self._refuse_held(stmt, func, args, keywords, tangent_of)
        temps, terms, shared = instantiate_forward(template, mapping, tangent_of, self.namer,
                                                   self.bind)
        for pname in shared:   # the result may be (part of) this operand's tangent
            state.demote(mapping[pname].id)
        state.kill(name)
        if not terms:
            return temps
        state.fresh(name, self.gid(), False)
        carried = [tangent_of[p] for p in tangent_of if isinstance(mapping.get(p), S.Name)
                   and mapping[p].id in self.zero_carriers]
        if carried:   # a selection's zeros kept through a NaN slope
            terms = zero_cotangents.kept_zero_terms(terms, carried, self.helper)
        container = name in self.containers or getattr(func, "__name__", "") in _CONTAINER_RESULTS
        tangent = _sum(terms, self.helper, container)
        if casts_to_integers(func, keywords, self.bindings):   # sum(x, dtype=int): none
            tangent = S.Call(func=self.helper("cast_grad"), args=[
                tangent, S.load(name), S.load(name)], keywords=[])
        return temps + [self.assign(self.tan(name), tangent)]

    def forward_user_call(self, stmt, name, state):
        """`t, tan_t = jvp_g(args..., tangents...)`: one emitted jvp per activity pattern."""
        import inspect
        fn = stmt.sd.func
        params = getattr(fn, "lifted_params", None) or list(
            inspect.signature(fn, follow_wrapped=False).parameters)
        args = analyze.call_args(stmt)
        containers = [p for p, a in zip(params, args)
                      if isinstance(a, S.Name) and a.id in self.containers]
        wrt, tangents, pre = [], [], []
        for p, a in zip(params, args):
            if p in containers and isinstance(a, S.Name) and a.id in self.primal_names:
                # the callee may append to or pop from a list it shares with us: its tangent
                # list must exist, and be ours to change, so both change together
                self.own(a.id, state, pre)
            t = self.tangent_atom(a, state)
            if t is None and p in containers and isinstance(a, S.Name) and \
                    state.nonzero(a.id):
                t = self.tan(a.id)
            if t is not None:
                wrt.append(p)
                tangents.append(S.load(t))
        known = known_for_callee(stmt, params, getattr(self.low, "known_types", {}))
        try:
            carried = any(isinstance(a, S.Name) and a.id in self.zero_carriers for a in args)
            callee = self.program.callee("forward", fn, wrt, containers, known,
                                         self.callee_builder, zero_cotangents=carried)
        except SrcdiffError as err:
            from .library_calls import at_caller
            moved = at_caller(err, self.low.source, stmt.sd.line, fn)
            if moved is None:
                raise
            raise moved from None
        call = S.Call(func=S.load(callee), args=[S.clone(a) for a in args] + tangents,
                      keywords=[])
        target = S.Tuple(elts=[S.store(name), S.store(self.tan(name))], ctx=S.Store())
        self._replaced[id(stmt)] = S.Assign(targets=[target], value=call, type_comment=None)
        self._user_calls.add(id(stmt))
        state.kill(name)
        state.fresh(name, self.gid(), False)
        self._pre[id(stmt)] = pre
        return []

    def _changes_active_list(self, stmt):
        """A call to a user function given a list that is active here: the callee may
        append varied values to it, so it must be called through its jvp."""
        if stmt.sd.kind != Kind.CALL or not callables.is_user_function(stmt.sd.func):
            return False
        return any(isinstance(a, S.Name) and a.id in self.containers and a.id in self.active
                   for a in analyze.call_args(stmt))

    def _no_rule(self, stmt, func):
        return no_rule_error(self.src, stmt, func, "forward (tangent) rule",
                             "srcdiff.forward_rule")


_CONTAINER_RESULTS = sequences.CONTAINER_HELPERS | {
                      "add_adjoints", "scatter_add", "take_and_zero", "pop_adjoint",
                      "unpop_adjoint", "split_grad", "unstack_grad", "array_grad",
                      "builtin_sum_grad", "sum_to_gradient",
                      # srcdiff.runtime_arrays (templates/arrays.py)
                      "select_grad", "stacked_grad", "gradient_spacing_tangent",
                      # srcdiff.runtime_spacings: numpy.gradient(f, dx, dy)'s tuple
                      "gradient_spacings", "spacings_tangent",
                      # srcdiff.runtime_edits (templates/edits.py): meshgrid's grids
                      "meshgrid_tangent",
                      # srcdiff.runtime_moves (templates/moves.py): broadcast_arrays' arrays,
                      # the adjoints of choose's choices
                      "broadcast_arrays_tangent", "choose_grad",
                      # srcdiff.runtime_products (numpy.linalg.multi_dot): one per operand
                      "multi_dot_grad", "multi_dot_grad_along",
                      # srcdiff.runtime_integrate (templates/scipy_integrate.py): odeint's
                      # args adjoint is a list, one gradient per argument
                      "odeint_vjp_jvp",
                      # srcdiff.misc (templates/fixed_points.py): a's adjoint has a's
                      # structure (fixed_point(f, (A, b), ...))
                      "fixed_point_vjp_jvp",
                      # srcdiff.compose_runtime: the tangent of a call of a derivative srcdiff
                      # made, which may return a tuple (value_and_grad, jvp)
                      "tangent_part", "tangent_of", "with_column",
                      # srcdiff.runtime_scipy_linalg, runtime_linalg and runtime_scipy
                      # (templates/scipy_linalg_*.py, linalg.py): a pair, or one array
                      "eigh_tangent", "eigh_tangent_moved", "eigh_tangent_of",
                      "eigh_tangent_of_moved", "hessenberg_tangent_of",
                      "hessenberg_tangent_of_moved", "schur_tangent", "schur_tangent_moved",
                      "expm_frechet_pair",
                      # second-order terms of `a * b` (templates/compose_rules.py)
                      "sequence_mul_tangent_moved", "sequence_mul_grad_moved"}


def _sum(terms, helper, container=False):
    """`t1 + t2 + ...`; tuple or list displays (several outputs) are added item by item.
    A negated term is subtracted: `t1 - e`, not `t1 + -e`."""
    total = terms[0]
    for term in terms[1:]:
        if container or any(isinstance(t, (S.Tuple, S.List)) or (
                isinstance(t, S.Call) and isinstance(t.func, S.Name)
                and t.func.id in _CONTAINER_RESULTS) for t in (total, term)):
            total = S.Call(func=helper("add_tangents"), args=[total, term], keywords=[])
        elif isinstance(term, S.UnaryOp) and isinstance(term.op, S.USub):
            total = S.BinOp(left=total, op=S.Sub(), right=term.operand)
        else:
            total = S.BinOp(left=total, op=S.Add(), right=term)
    return total
