"""The functions one emitted module holds besides the main derivative.

A call to the user's own function with differentiated arguments becomes a
call to a pair of emitted functions: `forward_g(tape, ...)` runs g's primal,
pushing what g's adjoint needs onto the caller's tape, and
`backward_g(tape, d_result)` pops it and returns the adjoints of g's active
parameters. A pair is made once per function and activity pattern and reused
by every call site (recursion included: the names exist before the bodies).
"""
from . import analyze
from . import syntax as S
from .names import TAPE, Namer


class Program:
    """Collects callee pairs, their definitions and the bindings they need."""

    def __init__(self, taken=()):
        self.namer = Namer(taken)
        self.pairs = {}
        self.defs = []
        self.bindings = {}
        self.user_names = []  # (the helper's Source, the names its own code binds)

    def pair(self, fn, wrt, containers, known=None):
        """(forward name, backward name) for `fn` differentiated with respect to `wrt`."""
        known = dict(known or {})
        key = (fn, tuple(wrt), frozenset(containers), tuple(sorted(known.items(),
                                                                    key=lambda kv: kv[0])))
        hit = self.pairs.get(key)
        if hit is not None:
            return hit
        base = fn.__name__ if fn.__name__ != "<lambda>" else "lambda"
        names = (self.namer.fresh("forward_" + base) if self._used("forward_" + base)
                 else self.namer.exact_or_fresh("forward_" + base),
                 self.namer.exact_or_fresh("backward_" + base))
        self.pairs[key] = names
        self._build(fn, tuple(wrt), containers, names, known)
        return names

    def _used(self, name):
        return name in self.namer.taken

    def _build(self, fn, wrt, containers, names, known):
        from .reverse import Reverse
        from .transform import lower_function
        low = lower_function(fn, known, containers)
        for stmt in analyze.flatten(low.body):
            if stmt.sd.kind in ("append", "pop"):
                lst = stmt.value.func.value.id
                if lst in low.params:
                    raise low.source.error(
                        stmt.sd.line, f"{fn.__qualname__} changes its argument {lst!r} in "
                        "place, which srcdiff cannot differentiate in reverse mode",
                        hint=f"build and return a new list instead of changing {lst}")
        refuse_grown_parameters(low, fn, containers)
        rev = Reverse(low, wrt, containers=containers, program=self)
        primal, adjoint = rev.generate(callee=True)
        self.bindings.update(low.bindings)
        self.bindings.update(rev.bindings)
        ret = low.body[-1]
        maybe = rev.defined.maybe(ret)
        must = rev.defined.must(ret)
        # trip counts of loops cut short (break, return) are read by the adjoint's loops
        # (made by the reverse pass, so unknown to `maybe`; None where the loop never ran)
        live = sorted(((rev.known_needed | set(wrt)) & set(maybe)) | set(rev.trip_vars.values()))
        # ranges and counts come back through no_derivative(), so forward mode over this
        # backward (second derivatives) knows they carry none
        counts = set(rev.trip_vars.values()) | {
            s.iter.id for s in analyze.flatten(rev.body)
            if isinstance(s, S.For) and isinstance(s.iter, S.Name)}
        counted = [n for n in live if n in counts]
        live = [n for n in live if n not in counts]
        preinit = [n for n in live if n not in must and n not in low.params]
        # a loop inside a block (an if, another loop, the rest of a body after an early
        # return) may never be reached: its range and trip count are pushed as None then
        top = {id(s) for s in rev.body}
        for s in analyze.flatten(rev.body):
            if isinstance(s, (S.For, S.While)) and id(s) not in top:
                for n in (rev.trip_vars.get(id(s)),
                          s.iter.id if isinstance(s, S.For) and isinstance(s.iter, S.Name)
                          else None):
                    if n in counted and n not in preinit:
                        preinit.append(n)
        forward_body = [S.Expr(value=S.const(
            f"Primal of {fn.__qualname__}, saving on `tape` what {names[1]} needs."))]
        forward_body += [S.Assign(targets=[S.store(n)], value=S.const(None), type_comment=None)
                         for n in preinit]
        forward_body += primal
        backward_body = [S.Expr(value=S.const(
            f"Adjoint of {fn.__qualname__} with respect to {', '.join(wrt)}."))]
        for n in counted:  # pushed before the values, so popped after them
            forward_body.append(S.Expr(value=S.Call(
                func=S.Attribute(value=S.load(TAPE), attr="append", ctx=S.Load()),
                args=[S.load(n)], keywords=[])))
        if live:
            pushed = S.load(live[0]) if len(live) == 1 else S.Tuple(
                elts=[S.load(n) for n in live], ctx=S.Load())
            forward_body.append(S.Expr(value=S.Call(
                func=S.Attribute(value=S.load(TAPE), attr="append", ctx=S.Load()),
                args=[pushed], keywords=[])))
            target = S.store(live[0]) if len(live) == 1 else S.Tuple(
                elts=[S.store(n) for n in live], ctx=S.Store())
            backward_body.append(S.Assign(targets=[target], value=S.quote_expr(f"{TAPE}.pop()"),
                                          type_comment=None))
        for n in reversed(counted):
            backward_body.append(S.Assign(targets=[S.store(n)], value=S.Call(
                func=rev.helper("no_derivative"), args=[S.quote_expr(f"{TAPE}.pop()")],
                keywords=[]), type_comment=None))
        forward_body.append(S.Return(value=S.load(rev.output)))
        from .optimize import propagate_copies
        adjoint_names = set(rev.adjoints.values()) | {
            n.id for stmt in adjoint for n in S.walk(stmt)
            if isinstance(n, S.Name) and n.id.startswith("d_") and n.id not in rev.primal_names}
        adjoint_names.discard(rev.seed_adj)  # the parameter
        returned = [S.Return(value=S.Tuple(elts=[S.load(rev.adjoints[w]) for w in wrt
                                                 if w in rev.final_state], ctx=S.Load()))]
        backward_body += propagate_copies(adjoint, adjoint_names, keep=returned)
        results = []
        for w in wrt:
            if w in rev.final_state:
                results.append(S.load(rev.adjoints[w]))
            else:
                rev.helper("zeros_like_value")
                results.append(S.quote_expr(f"zeros_like_value({w})"))
        self.bindings.update(rev.bindings)
        backward_body.append(S.Return(value=results[0] if len(results) == 1 else
                                      S.Tuple(elts=results, ctx=S.Load())))
        self.user_names.append((low.source, set(low.params) | set(rev.primal_names)))
        self.defs.append(S.function_def(names[0], [TAPE] + low.params, forward_body))
        self.defs.append(S.function_def(names[1], [TAPE, rev.seed_adj], backward_body))


def refuse_grown_parameters(low, fn, containers):
    """A helper that grows a list it was passed (`lst += [v]`, `lst.extend(...)`): the caller's
    list would not change in the derivative; refused at the line (a tuple, which `+=` only
    rebinds, is refused too: the static type does not tell the two apart)."""
    from .sequences import grown_parameters
    for stmt, name in grown_parameters(low.body, low.params, containers):
        raise low.source.error(
            stmt.sd.line, f"{fn.__qualname__} updates its argument {name!r} in place (+= or "
            ".extend on the list or tuple passed in), which srcdiff does not follow back into "
            "the caller's value",
            hint=f"build a new one and return it: new = {name} + [...]; return new")


def known_for_callee(stmt, params, known):
    """Classes of the user objects a call passes, by the callee's parameter names."""
    args = analyze.call_args(stmt)
    out = {p: known[a.id] for p, a in zip(params, args)
           if isinstance(a, S.Name) and a.id in known}
    from .objects import facts_for_callee
    out.update(facts_for_callee(params, args, known))
    return out


def active_params(stmt, params, active):
    """Which of a callee's parameters receive active arguments at this call."""
    args = analyze.call_args(stmt)
    return [p for p, a in zip(params, args) if isinstance(a, S.Name) and a.id in active]


__all__ = ["Program", "active_params", "analyze"]
