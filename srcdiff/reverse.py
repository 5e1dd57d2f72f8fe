"""Stage 5, reverse: build the adjoint (reverse-mode) function of a lowered function.

The emitted function runs the primal statements, then the adjoint statements
in reverse order, with the same loops and branches. The invariant that makes
control flow work: when the adjoint of statement s runs, every value the
adjoint reads holds what it held right after s ran forward. The primal keeps it
by pushing the old value of a name onto `tape` (a plain list) just before
overwriting it, only when the adjoint reads that name and an old value may
exist; the adjoint pops it back right after differentiating s. Array items
written in place are saved and restored the same way. Loops record their trip
count (only when a break can cut them short, or when nested); branches are
decided again from their saved condition.

Adjoints are tracked statically as zero, borrowed (may share memory with
another adjoint) or owned (safe to update in place), so no zero array is made
for a derivative that is assigned before it is read, and scatter-adds into a
loop's array adjoint happen in place.
"""
import copy


from . import analyze, checkpointing, checks, fold, idioms, rules, runtime_linalg, sequences, shift
from . import syntax as S
from .syntax import COMMENT, comment  # noqa: F401  (inline.py, checkpointing.py read them here)
from .names import TAPE
from .status import BORROWED, OWNED, ZERO, join
from .program import Program, active_params, known_for_callee, refuse_grown_parameters
from .errors import NoRuleError, SrcdiffError, where
from .splice import instantiate_reverse
from .refusals import describe as _describe, effect_error, no_rule_error  # noqa: F401
from .shapes import _KnownShapes, _sum_broadcast_axes



class State(dict):
    """Adjoint state: name -> BORROWED | OWNED (status.py); absent means statically ZERO."""

    def get(self, name, default=ZERO):
        return super().get(name, default)

    def copy(self):
        return State(self)


def merge(a, b):
    """The state where two paths meet; a zero adjoint on one path counts as borrowed."""
    return State({name: join(a.get(name), b.get(name), BORROWED) for name in set(a) | set(b)})


class Reverse:
    """Generates the body of a reverse-mode function from a `Lowered` function."""

    def __init__(self, low, wrt, containers=(), program=None, shapes=None, checkpoint=None):
        self.low = low
        self.checkpoint = checkpoint  # the policy for every outermost for loop (checkpointing.py)
        self.checkpoints = {}  # id(loop) -> checkpoint.Record, made by the adjoint pass
        self.checkpoint_names = {}  # id(loop) -> its segment functions' names
        self.callee = False
        self.shapes = shapes  # srcdiff.shapes.Shapes, when the input shapes are known
        self.program = program if program is not None else Program(low.namer.taken)
        self.wrt = list(wrt)
        self.src = low.source
        self.body = low.body
        ret = self.body[-1]
        self.output = ret.value.id
        self.containers = set(containers) | self._container_names()
        self.maybe_dicts = sequences.maybe_dicts(self.body, containers)
        # names that may hold a list, tuple or dict though no display made them (an item of a
        # list, `firsts = cols[0]`): their adjoints add item by item, never with `+=`, which
        # would join two lists
        self.maybe_containers = {name for name, kind in getattr(low, "kinds", {}).items()
                                 if kind != sequences.OTHER}
        self.active = analyze.activity(self.body, self.wrt, self.output, self.containers)
        # a max subtracted for floating point only (softmax, log-sum-exp) has no derivative
        self.active -= shift.shift_invariant(self.body, shapes)
        for stmt in analyze.effects_on_varied(self.body, self.wrt, self.containers):
            if not idioms.reads_instead(low, stmt):   # a callback of yours only reads
                raise effect_error(self.src, stmt)
        self.defined = analyze.Definedness(self.body, low.params)
        self._calls = {}
        self.spliced = {}  # instantiate's memo, shared by the generation rounds
        self.single_round = False  # no statement's adjoint is generated twice
        self._ints = None  # names that only hold ints (see _integer_names), when first needed
        self.primal_names = set(low.params)
        for stmt in analyze.flatten(self.body):
            name = analyze.assigned(stmt)
            if name:
                self.primal_names.add(name)
            if isinstance(stmt, S.For):
                self.primal_names.add(stmt.target.id)
        self.bindings = {}
        self.preinit = set()

    # -- names -------------------------------------------------------------
    def _container_names(self):
        out = set()
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and (stmt.sd.kind == "display"
                                               or sequences.produces(stmt)):
                out.add(stmt.targets[0].id)
            if isinstance(stmt, S.Expr) and stmt.sd.kind == "append":
                out.add(stmt.value.func.value.id)
            if isinstance(stmt, S.Assign) and self._is_user_call(stmt):
                out.add(stmt.targets[0].id)  # a user function may return a tuple
            if isinstance(stmt, S.Assign) and stmt.sd.kind == "call" and \
                    runtime_linalg.returns_tuple(stmt.sd.func):
                out.add(stmt.targets[0].id)  # svd(a), eigh(a): adjoints add item by item
        return out

    @staticmethod
    def _is_user_call(stmt):
        from .callables import is_user_function
        return (stmt.sd.kind == "call" and stmt.sd.extra != "method"
                and is_user_function(stmt.sd.func) and isinstance(stmt.targets[0], S.Name))

    def user_call(self, stmt):
        """(forward name, backward name, [(param, atom)]) for an active call to a user function."""
        if not (isinstance(stmt, S.Assign) and self._is_user_call(stmt)):
            return None
        if stmt.targets[0].id not in self.active:
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
                    fwd, bwd = self.program.callee("reverse", fn, wrt, containers, known,
                                                   REVERSE_CALLEE)
                except SrcdiffError as err:
                    from .library_calls import at_caller
                    moved = at_caller(err, self.src, stmt.sd.line, fn)
                    if moved is None:
                        raise
                    raise moved from None
                pairs = [(p, a) for p, a in zip(params, args) if p in wrt]
                self._calls[key] = (fwd, bwd, pairs)
        return self._calls[key]

    def adj(self, name):
        if name not in self.adjoints:
            self.adjoints[name] = self.namer.exact_or_fresh("d_" + name)
        return self.adjoints[name]

    def helper(self, name):
        from . import runtime
        self.bindings[name] = getattr(runtime, name)
        return S.load(name)

    # -- driver ------------------------------------------------------------
    def generate(self, callee=False):
        """Return (primal statements, adjoint statements).

        Generation repeats until the set of primal names the adjoint reads is
        stable: saving a name adds restores, which can make a loop's reverse
        non-empty, which reads its range or trip count, which may then need
        saving in turn. Each round starts from the same namer, so the result
        is deterministic.
        """
        namer0 = copy.deepcopy(self.low.namer)
        needed = set()
        self.callee = callee
        while True:
            self.checkpoints = {}
            self.namer = copy.deepcopy(namer0)
            self.adjoints = {}
            self.trip_vars = {}
            self.preinit = set()
            self.tape_used = False
            self.known_needed = needed
            self.saves = self._decide_saves(needed)
            self.needed = set()
            self.value_needed = set()
            self.seed_adj = self.adj(self.output)
            state = self._seed_state()
            journal = [] if not needed and self._straight_line() else None
            self.single_round = journal is not None  # see _replay_with_restores
            adjoint = self.adjoint_block(self.body[:-1], state, journal)
            self.single_round = False
            self.final_state = state
            if self.needed <= needed:
                break
            needed = needed | self.needed
            if journal is not None:
                adjoint = self._replay_with_restores(journal, needed)
                break
        self.low.namer = self.namer
        self.shape_only = self.needed - self.value_needed
        primal = self.primal_block(self.body[:-1], depth=0)
        pre = [S.Assign(targets=[S.store(n)], value=S.const(None), type_comment=None)
               for n in sorted(self.preinit)]
        if self.tape_used and not callee:
            pre.insert(0, S.quote(f"{TAPE} = []")[0])
        return pre + primal, adjoint

    def _seed_state(self):
        return State({self.output: OWNED}) if self.output in self.active else State()

    def _decide_saves(self, needed):
        saves = set()
        seen_through = self._views_needed(needed)
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
                name = stmt.targets[0].id
                if name in needed and name in self.defined.maybe(stmt):
                    saves.add(id(stmt))
                    if name not in self.defined.must(stmt) and name not in self.low.params:
                        self.preinit.add(name)
            elif isinstance(stmt, S.Assign):  # item write: always restore the old item
                base = stmt.targets[0].value.id
                if base in needed or base in self.active or base in seen_through:
                    saves.add(id(stmt))
            elif isinstance(stmt, S.For):
                name = stmt.target.id
                if name in needed and name in self.defined.maybe(stmt):
                    saves.add(id(stmt))
                    if name not in self.defined.must(stmt):
                        self.preinit.add(name)
        return saves

    def _views_needed(self, needed):
        """The arrays whose memory the adjoint reads through another name: a name it needs
        that was taken from them by an index (a row `for row in A`, a slice) or is an alias
        of them. An item write into such an array must be undone before the adjoint reads
        the view, even when the array itself is neither active nor read by name."""
        return analyze.taken_from(self.body, needed)

    # -- primal ------------------------------------------------------------
    def primal_block(self, body, depth):
        out = []
        for stmt in body:
            out += self.primal_stmt(stmt, depth)
        return out

    def push(self, value):
        self.tape_used = True
        return S.Expr(value=S.Call(func=S.Attribute(value=S.load(TAPE), attr="append",
                                                    ctx=S.Load()),
                                   args=[value], keywords=[]))

    def _saved_value(self, name):
        """What to push before overwriting `name`: the value, or its shape if that is all
        the adjoint reads."""
        if name in getattr(self, "shape_only", ()):
            return S.Call(func=self.helper("shape_of"), args=[S.load(name)], keywords=[])
        return S.load(name)

    def pop_into(self, target):
        self.tape_used = True
        return S.Assign(targets=[target], value=S.quote_expr(f"{TAPE}.pop()"),
                        type_comment=None)

    def primal_stmt(self, stmt, depth):
        if checks.idle_check(stmt, self.active, "reverse"):
            return []
        saved = self.saves is not None and id(stmt) in self.saves
        call = self.user_call(stmt)
        if call is not None and checkpointing.is_checkpointed_function(stmt.sd.func):
            self.tape_used = True
            return checkpointing.call_primal(self, stmt, saved)
        if call is not None:
            self.tape_used = True
            out = [self.push(self._saved_value(stmt.targets[0].id))] if saved else []
            value = S.Call(func=S.load(call[0]), args=[S.load(TAPE)] + [
                S.clone(a) for a in analyze.call_args(stmt)], keywords=[])
            return out + [S.Assign(targets=[S.store(stmt.targets[0].id)], value=value,
                                   type_comment=None)]
        if isinstance(stmt, S.Assign):
            target = stmt.targets[0]
            out = []
            if saved and isinstance(target, S.Name):
                out.append(self.push(self._saved_value(target.id)))
            elif saved:
                out.append(self.push(S.Call(func=self.helper("saved_item"),
                                            args=[S.load(target.value.id),
                                                  index_value(target.slice)], keywords=[])))
            return out + [_plain(stmt)]
        if isinstance(stmt, S.If):
            new = S.If(test=stmt.test, body=self.primal_block(stmt.body, depth),
                       orelse=self.primal_block(stmt.orelse, depth))
            if isinstance(stmt.test, S.Name) and stmt.test.id in self.value_needed \
                    and stmt.test.id not in self.low.params \
                    and stmt.test.id not in self._read_not_as_test() \
                    and stmt.test.id not in self._plain_conditions():
                # the adjoint branches on it again: a Python bool, so a lazy array's
                # condition (Dask) is computed once, not at each test
                from . import lazy_runtime
                self.bindings["decided"] = lazy_runtime.decided
                return S.quote(f"{stmt.test.id} = decided({stmt.test.id})") + [new]
            return [new]
        if isinstance(stmt, (S.For, S.While)) and id(stmt) in self.checkpoints:
            return checkpointing.primal(self, stmt, depth)
        if isinstance(stmt, (S.For, S.While)):
            out = []
            if saved:
                out.append(self.push(self._saved_value(stmt.target.id)))
            trips = self.trip_vars.get(id(stmt))
            body = self.primal_block(stmt.body, depth + 1)
            if trips is not None:
                out.append(S.quote(f"{trips} = 0")[0])
                body = S.quote(f"{trips} += 1") + body
            if isinstance(stmt, S.For):
                loop = S.For(target=stmt.target, iter=stmt.iter, body=body, orelse=[],
                             type_comment=None)
            else:
                loop = S.While(test=stmt.test, body=body, orelse=[])
            out.append(loop)
            if trips is not None and depth > 0:
                out.append(self.push(S.load(trips)))
            return out
        if isinstance(stmt, S.Break):
            return [S.Break()]
        return [_plain(stmt)]

    def _read_not_as_test(self):
        """Names the primal reads other than as the test of an `if` (kept as they are)."""
        if getattr(self, "_not_tests", None) is None:
            self._not_tests = set()
            for stmt in analyze.flatten(self.body):
                parts = [stmt] if not isinstance(stmt, S.If) else []
                if isinstance(stmt, (S.For, S.While)):
                    parts = [stmt.target, stmt.iter] if isinstance(stmt, S.For) else [stmt.test]
                for part in parts:
                    self._not_tests |= {n.id for n in S.walk(part) if isinstance(n, S.Name)
                                        and isinstance(n.ctx, S.Load)}
        return self._not_tests

    def _plain_conditions(self):
        """Names only ever set to `not <value>` (a Python bool already: no `decided`)."""
        if getattr(self, "_plain_tests", None) is None:
            plain, other = set(), set()
            for stmt in analyze.flatten(self.body):
                name = analyze.assigned(stmt)
                if name is None:
                    continue
                if isinstance(stmt, S.Assign) and isinstance(stmt.value, S.UnaryOp) \
                        and isinstance(stmt.value.op, S.Not):
                    plain.add(name)
                else:
                    other.add(name)
            self._plain_tests = plain - other
        return self._plain_tests

    # -- adjoint -----------------------------------------------------------
    def adjoint_block(self, body, state, journal=None):
        """Adjoint statements for `body` (in reverse order); updates `state`. `journal`, a
        list, receives each statement with its adjoint statements (_replay_with_restores)."""
        out = []
        for stmt in reversed(body):
            stmts = self.adjoint_stmt(stmt, state)
            if journal is not None:
                journal.append((stmt, list(stmts)))
            self._place(out, stmt, stmts)
        return out

    def _place(self, out, stmt, stmts):
        """Append a statement's adjoint statements to `out`, under a comment quoting the
        primal line unless the statements before came from the same line."""
        if stmts and not isinstance(stmt, (S.If, S.For, S.While)):
            line = stmt.sd.line
            if not (out and getattr(out[-1], "line_of", None) == line):
                stmts = [comment(f"line {line}: {self.src.line(line).strip()}")] + stmts
            for s in stmts:
                s.line_of = line
        out += stmts

    def _straight_line(self):
        """Whether the body is plain assignments to names (no loop, branch, item write, list
        append or pop), so that saving a value changes its adjoint only by a restore."""
        return all(isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                   and isinstance(stmt.targets[0], S.Name)
                   and stmt.sd.kind not in ("append", "pop", "setitem")
                   for stmt in self.body[:-1])

    def _replay_with_restores(self, journal, needed):
        """The second round of `generate` for straight-line code, without generating again.

        There a saved value changes nothing in the adjoint but the restore that follows its
        statement's adjoint statements (`x = tape.pop()`, which reads no primal name and takes
        no fresh name), so the first round's statements are kept and the restores put in
        place: the same statements a second round would build, at a fraction of the cost.
        """
        self.known_needed = needed
        self.saves = self._decide_saves(needed)
        out = []
        for stmt, stmts in journal:
            restored = []
            self.restore(stmt, restored)
            self._place(out, stmt, stmts + restored)
        return out

    def read(self, node):
        """Note every primal name an emitted adjoint statement reads, and how.

        A name read only for its shape (the `like` of unbroadcast or
        expand_reduced, numpy.shape, numpy.ndim) is saved as a shape stand-in,
        so the tape does not keep whole arrays alive for their shapes.
        """
        shape_positions = set()
        nodes = list(S.walk(node))
        for n in nodes:
            if isinstance(n, S.Call):
                position = _shape_position(n)
                if position is not None and position < len(n.args):
                    shape_positions.add(id(n.args[position]))
        for n in nodes:
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id in self.primal_names:
                self.needed.add(n.id)
                if id(n) not in shape_positions:
                    self.value_needed.add(n.id)

    def emit(self, out, stmts):
        for stmt in stmts:
            self.read(stmt)
            out.append(stmt)

    def accumulate(self, out, name, expr, state):
        d = self.adj(name)
        if name in self.containers or name in self.maybe_containers:
            if state.get(name) is ZERO:
                new = S.Assign(targets=[S.store(d)], value=expr, type_comment=None)
                state[name] = BORROWED
            else:
                new = S.Assign(targets=[S.store(d)], value=S.Call(
                    func=self.helper("add_adjoints"), args=[S.load(d), expr], keywords=[]),
                    type_comment=None)
                state[name] = OWNED
        elif state.get(name) is ZERO:
            new = S.Assign(targets=[S.store(d)], value=expr, type_comment=None)
            state[name] = BORROWED
        else:
            op = S.Add()
            if isinstance(expr, S.UnaryOp) and isinstance(expr.op, S.USub):
                op, expr = S.Sub(), expr.operand  # d_m - e, not d_m + -e
            if state.get(name) == OWNED:
                new = S.AugAssign(target=S.store(d), op=op, value=expr)
            else:
                new = S.Assign(targets=[S.store(d)],
                               value=S.BinOp(left=S.load(d), op=op, right=expr),
                               type_comment=None)
                state[name] = OWNED
        self.emit(out, [new])

    def materialize(self, name):
        stmt = S.Assign(targets=[S.store(self.adj(name))],
                        value=S.Call(func=self.helper("zeros_like_value"), args=[S.load(name)],
                                     keywords=[]), type_comment=None)
        self.read(stmt)
        return stmt

    def restore(self, stmt, out):
        if self.saves is None or id(stmt) not in self.saves:
            return
        target = stmt.targets[0] if isinstance(stmt, S.Assign) else stmt.target
        if isinstance(target, S.Name):
            out.append(self.pop_into(S.store(target.id)))
        else:
            # writing the old item back needs the array itself, not a shape stand-in of it
            self.needed.add(target.value.id)
            self.value_needed.add(target.value.id)
            # and the index as it was then (a mask or index array computed in a loop)
            for n in S.walk(target.slice):
                if isinstance(n, S.Name):
                    self.needed.add(n.id)
                    self.value_needed.add(n.id)
            out.append(self.pop_into(S.Subscript(value=S.load(target.value.id),
                                                 slice=S.clone(target.slice),
                                                 ctx=S.Store())))
            if target.value.id in self.maybe_dicts:
                # the write may have added the key: the restore takes it out again
                out.append(S.Expr(value=S.Call(func=self.helper("drop_missing"), args=[
                    S.load(target.value.id), index_value(target.slice)], keywords=[])))

    def adjoint_stmt(self, stmt, state):
        out = []
        kind = stmt.sd.kind
        if isinstance(stmt, S.If):
            return self.adjoint_if(stmt, state)
        if isinstance(stmt, S.For):
            return self.adjoint_for(stmt, state)
        if isinstance(stmt, S.While):
            return self.adjoint_while(stmt, state)
        call = self.user_call(stmt)
        if call is not None:
            self.adjoint_user_call(stmt, call, state, out)
            state.pop(stmt.targets[0].id, None)
            self.restore(stmt, out)
            return out
        if isinstance(stmt, S.Assign) and self._is_user_call(stmt) and not any(
                isinstance(a, S.Name) and a.id in self.active for a in analyze.call_args(stmt)):
            # a user call on constants (its result counts as active only because a later call
            # may share it as a list): nothing flows back through it
            state.pop(stmt.targets[0].id, None)
            self.restore(stmt, out)
            return out
        if kind == "pop":
            name = stmt.targets[0].id
            self.adjoint_pop(stmt, name, state, out)
            state.pop(name, None)
            self.restore(stmt, out)
            return out
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            name = stmt.targets[0].id
            if name in self.active and state.get(name) is not ZERO:
                d_out = self.adj(name)
                reads_itself = name in analyze.operands(stmt)
                if reads_itself:
                    # `x = own_copy(x)`: the old x gets a fresh adjoint, so move the new one aside
                    d_out = self.namer.fresh(f"d_{name}_out")
                    self.emit(out, S.quote(f"{d_out} = {self.adj(name)}"))
                    state.pop(name, None)
                self.adjoint_assign(stmt, name, state, out, d_out)
            else:
                reads_itself = name in analyze.operands(stmt)
            state.pop(name, None) if not reads_itself else None
            self.restore(stmt, out)
            return out
        if kind == "setitem":
            self.adjoint_setitem(stmt, state, out)
            self.restore(stmt, out)
            return out
        if kind == "append":
            self.adjoint_append(stmt, state, out)
            return out
        if kind == "pop":
            self.adjoint_pop(stmt, None, state, out)
            return out
        return out

    def adjoint_assign(self, stmt, name, state, out, d_out_name):
        kind = stmt.sd.kind
        value = stmt.value
        d_out = S.load(d_out_name)
        if kind == "copy":
            if isinstance(value, S.Name) and value.id in self.active:
                self.accumulate(out, value.id, d_out, state)
            return
        if kind == "subscript":
            base = value.value
            if isinstance(base, S.Name) and base.id in self.active:
                index = index_value(value.slice)
                call = S.Call(func=self.helper("scatter_add"),
                              args=[S.load(self.adj(base.id)) if state.get(base.id) is not ZERO
                                    else S.const(None), S.load(base.id), index, d_out],
                              keywords=[S.keyword(arg="owned",
                                                  value=S.const(state.get(base.id) == OWNED))]
                              + self._where(stmt, index))
                self.emit(out, [S.Assign(targets=[S.store(self.adj(base.id))], value=call,
                                         type_comment=None)])
                state[base.id] = OWNED
            return
        if kind == "display":
            elts = value.values if isinstance(value, S.Dict) else value.elts
            keys = value.keys if isinstance(value, S.Dict) else [S.const(i) for i in
                                                                 range(len(elts))]
            for key, elt in zip(keys, elts):
                if isinstance(elt, S.Name) and elt.id in self.active:
                    item = S.Subscript(value=S.clone(d_out), slice=S.clone(key),
                                       ctx=S.Load())
                    self.accumulate(out, elt.id, item, state)
            return
        if kind in ("binop", "unary", "call"):
            self.adjoint_call(stmt, name, state, out, d_out_name)
            return
        if kind == "attribute":
            raise self.src.error(stmt.sd.line, f"srcdiff cannot differentiate through the "
                                 f"attribute .{value.attr} of a value being differentiated",
                                 hint="compute it from arrays with numpy functions",
                                 cls=NoRuleError)
        # opaque, stop_gradient, effect_value: nothing flows back

    def adjoint_call(self, stmt, name, state, out, d_out_name):
        func = stmt.sd.func
        value = stmt.value
        args, keywords = analyze.call_parts(value)
        if stmt.sd.kind == "call" and stmt.sd.extra == "method":
            raise self.src.error(stmt.sd.line, f"srcdiff does not know the derivative of the "
                                 f"method .{value.func.attr}()",
                                 hint="call the numpy function instead, or register a rule; "
                                      "methods of your own objects are followed when the "
                                      "object is an argument of the derivative's call",
                                 cls=NoRuleError)
        template = rules.lookup("reverse", func)
        if template is None and func is not None and rules.is_nondifferentiable(func):
            return  # e.g. y = numpy.zeros_like(x): y's later writes carry the derivative
        if template is None:
            raise self._no_rule(stmt, func)
        try:
            mapping = template.bind(S.load(name), args, keywords)
        except TypeError as exc:
            raise self.src.error(stmt.sd.line, f"srcdiff's rule for {_describe(func)} does "
                                 f"not accept this call: {exc}",
                                 hint="pass only the arguments the rule knows") from None
        held = rules.held_argument(func, lambda p: isinstance(mapping.get(p), S.Name)
                                   and mapping[p].id in self.active)
        if held is not None:
            raise self.src.error(stmt.sd.line, f"srcdiff does not differentiate "
                                 f"{_describe(func)} with respect to {held[0]!r}: {held[1]}",
                                 hint=f"wrap {held[0]} in srcdiff.stop_gradient if no "
                                      "derivative should flow through it")
        parts = list(instantiate_reverse(template, mapping, self.active, d_out_name, self.namer,
                                 self.bindings, self.spliced, id(stmt), self.single_round))
        if self.shapes is not None:
            known = _KnownShapes(self.shapes, stmt, self.bindings)
            parts = [(k, (p[0], known.visit(p[1])) if k == "acc" else known.visit(p))
                     for k, p in parts]
        parts = [(k, (p[0], self._drop_unbroadcast(stmt, name, p[1])))
                 if k == "acc" else (k, p) for k, p in parts]
        if self.shapes is not None:
            for k, p in parts:
                if k == "acc":
                    fold.mark_full_products(p[1], d_out_name, name, stmt, self.shapes)
        parts = _merge_twins(parts)
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

    def _no_rule(self, stmt, func):
        return no_rule_error(self.src, stmt, func, "derivative rule", "srcdiff.reverse_rule")

    def adjoint_user_call(self, stmt, call, state, out):
        """`d_a, d_b = backward_g(tape, d_t)`: always run, so g's pops match its pushes."""
        fwd, bwd, pairs = call
        name = stmt.targets[0].id
        if state.get(name) is ZERO:
            seed = self.materialize(name)
            self.emit(out, [seed])
        self.tape_used = True
        if checkpointing.is_checkpointed_function(stmt.sd.func):
            checkpointing.call_adjoint(self, stmt, fwd, out)
        parts = [self.namer.fresh(f"d_{p}_from_{fwd[len('forward_'):]}") for p, _ in pairs]
        target = S.store(parts[0]) if len(parts) == 1 else S.Tuple(
            elts=[S.store(n) for n in parts], ctx=S.Store())
        self.emit(out, [S.Assign(targets=[target], value=S.Call(
            func=S.load(bwd), args=[S.load(TAPE), S.load(self.adj(name))], keywords=[]),
            type_comment=None)])
        for part, (_, atom) in zip(parts, pairs):
            self.accumulate(out, atom.id, S.load(part), state)

    def _where(self, stmt, index):
        """[where='FILE:LINE'] for a helper given `index`, which may refuse it when it runs
        (an index array that repeats a position, a boolean mask Dask can not count), naming
        the user's line; [] for indices of ints alone and in code srcdiff emitted (refused
        when the user's code ran)."""
        from .lower import GENERATED_PREFIX
        if self._ints is None:
            self._ints = _integer_names(self.body)
        if self.src.filename.startswith(GENERATED_PREFIX) or not any(
                isinstance(n, S.Name) and n.id not in self._ints for n in S.walk(index)):
            return []
        return [S.keyword(arg="where", value=S.const(where(self.src.filename, stmt.sd.line)))]

    def adjoint_setitem(self, stmt, state, out):
        target = stmt.targets[0]
        base = target.value.id
        value = stmt.value
        if base not in self.active or state.get(base) is ZERO:
            return
        d_base = self.adj(base)
        taken = self.namer.fresh("d_item")
        index = index_value(target.slice)
        keywords = [S.keyword(arg="owned", value=S.const(state.get(base) == OWNED))]
        call = S.Call(func=self.helper("take_and_zero"), args=[S.load(d_base), index],
                      keywords=keywords + self._where(stmt, index))
        assign = S.Assign(targets=[S.Tuple(elts=[S.store(taken), S.store(d_base)],
                                           ctx=S.Store())], value=call, type_comment=None)
        self.emit(out, [assign])
        state[base] = OWNED
        if isinstance(value, S.Name) and value.id in self.active:
            expr = S.Call(func=self.helper("unbroadcast"), args=[S.load(taken),
                                                                 S.load(value.id)],
                          keywords=[])
            self.accumulate(out, value.id, expr, state)

    def adjoint_append(self, stmt, state, out):
        base = stmt.value.func.value.id
        item = stmt.value.args[0]
        if base in self.active and state.get(base) is not ZERO:
            d_base = self.adj(base)
            taken = self.namer.fresh("d_item")
            call = S.Call(func=self.helper("pop_adjoint"), args=[S.load(d_base)], keywords=[])
            self.emit(out, [S.Assign(targets=[S.Tuple(elts=[S.store(taken), S.store(d_base)],
                                                      ctx=S.Store())],
                                     value=call, type_comment=None)])
            state[base] = OWNED
            if isinstance(item, S.Name) and item.id in self.active:
                self.accumulate(out, item.id, S.load(taken), state)
        if base in self.known_needed or base in self.active:
            self.emit(out, [S.Expr(value=S.quote_expr(f"{base}.pop()"))])

    def adjoint_pop(self, stmt, name, state, out):
        """`x = lst.pop()` in reverse: push x back onto lst, and d_x onto lst's adjoint."""
        base = analyze.popped_list(stmt)
        if name is None:
            # the popped value was dropped: restoring it needs it saved
            raise self.src.error(stmt.sd.line, "lst.pop() whose value is dropped can not be "
                                 "differentiated in reverse mode",
                                 hint="assign the popped value to a name")
        restore = S.Expr(value=S.Call(func=S.Attribute(value=S.load(base), attr="append",
                                                       ctx=S.Load()),
                                      args=[S.load(name)], keywords=[]))
        self.emit(out, [restore])
        if base in self.active and (state.get(name) is not ZERO or state.get(base) is not ZERO):
            grad = S.load(self.adj(name)) if state.get(name) is not ZERO else S.const(None)
            buf = S.load(self.adj(base)) if state.get(base) is not ZERO else S.const(None)
            call = S.Call(func=self.helper("unpop_adjoint"), args=[buf, S.load(base), grad],
                          keywords=[])
            self.emit(out, [S.Assign(targets=[S.store(self.adj(base))], value=call,
                                     type_comment=None)])
            state[base] = OWNED

    def adjoint_if(self, stmt, state):
        s1, s2 = state.copy(), state.copy()
        body = self.adjoint_block(stmt.body, s1)
        orelse = self.adjoint_block(stmt.orelse, s2)
        merged = merge(s1, s2)
        must = self.defined.must(stmt)
        for name in sorted(merged):
            if name not in s1:
                body.append(self.materialize(name))
            if name not in s2:
                orelse.append(self.materialize(name))
            if (name not in s1 or name not in s2) and name not in must \
                    and name not in self.low.params:
                # unbound on some path (e.g. after an early return): None gives a 0.0 zero
                self.preinit.add(name)
        state.clear()
        state.update(merged)
        if not body and not orelse:
            return []
        self.needed.add(stmt.test.id)
        self.value_needed.add(stmt.test.id)
        if not body:
            return [S.If(test=S.UnaryOp(op=S.Not(), operand=S.load(stmt.test.id)),
                         body=orelse, orelse=[])]
        return [S.If(test=S.load(stmt.test.id), body=body, orelse=orelse)]

    def _loop_body(self, stmt, state):
        """Adjoint of a loop body, iterated until the adjoint state is stable."""
        entry = state.copy()
        saved_namer = copy.deepcopy(self.namer)
        saved_adjoints = dict(self.adjoints)
        saved_trips = dict(self.trip_vars)
        while True:
            self.namer = copy.deepcopy(saved_namer)
            self.adjoints = dict(saved_adjoints)
            self.trip_vars = dict(saved_trips)
            exit_state = entry.copy()
            body = self.adjoint_block(stmt.body, exit_state)
            new_entry = merge(entry, exit_state)
            for name in exit_state:
                if name not in state and name not in entry:
                    # zero before the loop: it gets a fresh (owned) zero array there
                    new_entry[name] = OWNED
            if new_entry == entry:
                break
            entry = new_entry
        before = []
        must = self.defined.must(stmt)
        for name in sorted(entry):
            if name not in state:
                before.append(self.materialize(name))
                if name not in must and name not in self.low.params:
                    self.preinit.add(name)
            if name not in exit_state:
                body.append(self.materialize(name))
                if name not in must and name not in self.low.params:
                    self.preinit.add(name)
        state.clear()
        state.update(entry)
        return before, body

    def adjoint_for(self, stmt, state):
        policy = checkpointing.policy_of(self, stmt)
        if policy is not None:
            return checkpointing.adjoint(self, stmt, state, policy)
        before, body = self._loop_body(stmt, state)
        loop = stmt.sd.loop
        out = []
        if not body:
            self.restore(stmt, out)
            return before + out
        rng = stmt.iter.id
        self.needed.add(rng)
        self.value_needed.add(rng)
        if loop.ends_with_break:
            trips = self.trip_vars.setdefault(id(stmt), self.namer.fresh("trips"))
            if self._nested(stmt):
                out.append(self.pop_into(S.store(trips)))
            it = S.quote_expr(f"reversed({rng}[:{trips}])")
        else:
            it = S.quote_expr(f"reversed({rng})")
        self.bindings["reversed"] = reversed
        out.append(S.For(target=S.store(stmt.target.id), iter=it, body=body, orelse=[],
                         type_comment=None))
        self.restore(stmt, out)
        return before + out

    def adjoint_while(self, stmt, state):
        policy = checkpointing.policy_of(self, stmt)
        if policy is not None:
            return checkpointing.adjoint(self, stmt, state, policy)
        before, body = self._loop_body(stmt, state)
        if not body:
            return before
        trips = self.trip_vars.setdefault(id(stmt), self.namer.fresh("trips"))
        out = []
        if self._nested(stmt):
            out.append(self.pop_into(S.store(trips)))
        step = self.namer.fresh("step")
        self.bindings["range"] = range
        out.append(S.For(target=S.store(step), iter=S.quote_expr(f"range({trips})"), body=body,
                         orelse=[], type_comment=None))
        return before + out

    def _nested(self, stmt):
        return any(id(s) == id(stmt) for loop in analyze.flatten(self.body)
                   if isinstance(loop, (S.For, S.While))
                   for s in analyze.flatten(loop.body))


_SHAPE_POSITIONS = {"unbroadcast": 1, "expand_reduced": 1, "broadcast_back": 1}


def _shape_position(call):
    """Which argument of a helper call is read only for its shape, if any."""
    func = call.func
    if isinstance(func, S.Name):
        return _SHAPE_POSITIONS.get(func.id)
    if (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
            and func.value.id == "numpy" and func.attr in ("shape", "ndim")):
        return 0
    return None


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


index_value = S.index_value  # `1:` as the value slice(1, None), for helpers


def _plain(stmt):
    """A copy of a core statement for emission (annotations dropped)."""
    return S.clone(stmt)


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


# -- the user's functions called here: their forward_/backward_ pairs (program.py) --
class _ReverseCallee:
    """How the callee table (program.py) makes a reverse variant: `forward_g` and `backward_g`."""

    @staticmethod
    def names(namer, base):
        return (namer.fresh("forward_" + base) if "forward_" + base in namer.taken
                else namer.exact_or_fresh("forward_" + base),
                namer.exact_or_fresh("backward_" + base))

    def build(self, program, low, fn, wrt, containers, names):
        for stmt in analyze.flatten(low.body):
            if stmt.sd.kind in ("append", "pop"):
                lst = stmt.value.func.value.id
                if lst in low.params:
                    raise low.source.error(
                        stmt.sd.line, f"{fn.__qualname__} changes its argument {lst!r} in "
                        "place, which srcdiff cannot differentiate in reverse mode",
                        hint=f"build and return a new list instead of changing {lst}")
        refuse_grown_parameters(low, fn, containers)
        rev = Reverse(low, wrt, containers=containers, program=program)
        primal, adjoint = rev.generate(callee=True)
        program.bindings.update(low.bindings)
        program.bindings.update(rev.bindings)
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
        program.bindings.update(rev.bindings)
        backward_body.append(S.Return(value=results[0] if len(results) == 1 else
                                      S.Tuple(elts=results, ctx=S.Load())))
        program.user_names.append((low.source, set(low.params) | set(rev.primal_names)))
        program.defs.append(S.function_def(names[0], [TAPE] + low.params, forward_body))
        program.defs.append(S.function_def(names[1], [TAPE, rev.seed_adj], backward_body))


REVERSE_CALLEE = _ReverseCallee()
