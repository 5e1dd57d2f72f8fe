"""The user's own functions a differentiated function calls (stage 5, reverse: called by
program.py's callee table through reverse.py's `callee_builder`). Takes the callee table, a
callee's lowered code, its function, `wrt` and the two names (`names`); gives back nothing:
`ReverseCallee.build` adds the `forward_g` / `backward_g` definitions and their bindings to
the callee table, or raises a located refusal.

Each callee gets a pair the emitted module holds (program.py's callee table):
`forward_g(tape, ...)`, its primal saving on the tape what the adjoint reads, and
`backward_g(tape, d_out)`, the adjoint, which pops those values back (it takes no other
parameters) and returns the adjoints of g's differentiated parameters.
"""
from . import analyze
from . import syntax as S
from .core import Kind
from .names import TAPE
from .program import refuse_grown_parameters


class ReverseCallee:
    """How the callee table (program.py) makes a reverse variant: `forward_g` and `backward_g`.

    `make` is reverse.Reverse (passed in: this module is imported by reverse.py)."""

    def __init__(self, make):
        self.make = make

    @staticmethod
    def names(namer, base):
        return (namer.fresh("forward_" + base) if "forward_" + base in namer.taken
                else namer.exact_or_fresh("forward_" + base),
                namer.exact_or_fresh("backward_" + base))

    def build(self, program, low, fn, wrt, containers, names, zero_cotangents=False):
        for stmt in analyze.flatten(low.body):
            if stmt.sd.kind in (Kind.APPEND, Kind.POP):
                lst = stmt.value.func.value.id
                if lst in getattr(fn, "free", ()):   # a nested def's list of the function around it
                    raise low.source.error(
                        stmt.sd.line, f"{fn.__qualname__} changes {lst!r}, a list of the "
                        "function around it, in place, which srcdiff cannot differentiate "
                        "in reverse mode", hint=f"declare {lst} nonlocal in {fn.__name__} "
                        f"and rebind it: {lst} = {lst} + [...]")
                if lst in low.params:
                    raise low.source.error(
                        stmt.sd.line, f"{fn.__qualname__} changes its argument {lst!r} in "
                        "place, which srcdiff cannot differentiate in reverse mode",
                        hint=f"build and return a new list instead of changing {lst}")
        refuse_grown_parameters(low, fn, containers)
        rev = self.make(low, wrt, containers=containers, program=program)
        if zero_cotangents:   # the caller's cotangent may hold a selection's zeros
            from . import zero_cotangents as zeros
            rev.zero_carriers = zeros.carriers(rev.body, rev.active, (rev.output,))
        done = rev.run(callee=True)
        primal, adjoint = done.primal, done.adjoint
        program.bindings.update(low.bindings)
        program.bindings.update(done.bindings)
        ret = low.body[-1]
        maybe = rev.defined.maybe(ret)
        must = rev.defined.must(ret)
        # trip counts of loops cut short (break, return) are read by the adjoint's loops
        # (made by the reverse pass, so unknown to `maybe`; None where the loop never ran)
        live = sorted(((done.saved | set(wrt)) & set(maybe)) | set(done.trip_counts.values()))
        # ranges and counts come back through no_derivative(), so forward mode over this
        # backward (second derivatives) knows they carry none
        counts = set(done.trip_counts.values()) | {
            s.iter.id for s in analyze.flatten(low.body)
            if isinstance(s, S.For) and isinstance(s.iter, S.Name)}
        counted = [n for n in live if n in counts]
        live = [n for n in live if n not in counts]
        preinit = [n for n in live if n not in must and n not in low.params]
        # a loop inside a block (an if, another loop, the rest of a body after an early
        # return) may never be reached: its range and trip count are pushed as None then
        top = {id(s) for s in low.body}
        for s in analyze.flatten(low.body):
            if isinstance(s, (S.For, S.While)) and id(s) not in top:
                for n in (done.trip_counts.get(id(s)),
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
        forward_body.append(S.Return(value=S.load(done.output)))
        from .optimize import propagate_copies
        adjoint_names = set(done.adjoints.values()) | {
            n.id for stmt in adjoint for n in S.walk(stmt)
            if isinstance(n, S.Name) and n.id.startswith("d_") and n.id not in done.primal_names}
        adjoint_names.discard(done.seed)  # the parameter
        returned = [S.Return(value=S.Tuple(elts=[S.load(done.adjoints[w]) for w in wrt
                                                 if w in done.final], ctx=S.Load()))]
        backward_body += propagate_copies(adjoint, adjoint_names, keep=returned)
        results = []
        for w in wrt:
            if w in done.final:
                results.append(S.load(done.adjoints[w]))
            else:
                rev.helper("zeros_like_value")
                results.append(S.quote_expr(f"zeros_like_value({w})"))
        program.bindings.update(done.bindings)
        backward_body.append(S.Return(value=results[0] if len(results) == 1 else
                                      S.Tuple(elts=results, ctx=S.Load())))
        program.user_names.append((low.source, set(low.params) | set(done.primal_names)))
        program.defs.append(S.function_def(names[0], [TAPE] + low.params, forward_body))
        program.defs.append(S.function_def(names[1], [TAPE, done.seed], backward_body))
