"""Build the adjoint (reverse-mode) function of a lowered function (stage 5, reverse: called by
transform.py). Takes a `core.Lowered`, `wrt` and options (the containers passed, the callee
table, shapes, a checkpoint policy); gives back a `reverse.Adjoint` (`Reverse.run`): the
primal statements with their tape pushes, the adjoint statements (run in reverse), the
adjoint names and the callee table holding the forward_/backward_ pairs it calls.

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
from dataclasses import FrozenInstanceError

from . import analyze, fixpoint, idioms, sequences, shift, zero_cotangents
from . import syntax as S
from .syntax import comment
from .names import LINALG_RUNTIME, TAPE
from .status import BORROWED, OWNED, ZERO, State
from .program import Program
from .refusals import effect_error
from .reverse_calls import CallAdjoints, passes_its_target
from .reverse_control import ControlAdjoints
from .reverse_tape import TapeMixin
from .reverse_writes import WriteAdjoints
from .core import GENERATED_PREFIX, Kind


class Adjoint:
    """What the reverse pass returns (`Reverse.run`): the two halves and what callers need.

    primal: the primal statements with their pushes; adjoint: the adjoint statements;
    output: the returned name; seed: its adjoint's name (the cotangent's); adjoints:
    primal name -> its adjoint's name; final: the adjoint state at the end (a name
    absent is statically zero); active, primal_names: as the pass found them; saved:
    the primal names the adjoint reads; trip_counts: id(loop) -> its trip count's
    name; bindings: the objects the emitted statements read by name; tape_used;
    program: the callee table holding the forward_/backward_ pairs it calls.
    """
    # a plain record, written out: a frozen dataclass was a millisecond of a first call
    # (the code dataclasses generates is compiled when the class is made)
    __slots__ = ("primal", "adjoint", "output", "seed", "adjoints", "final", "active",
                 "primal_names", "saved", "trip_counts", "bindings", "tape_used", "program")

    def __init__(self, **fields):
        if set(fields) != set(self.__slots__):
            raise TypeError(f"Adjoint takes the fields {', '.join(self.__slots__)}")
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __repr__(self):
        return "Adjoint(" + ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__) + ")"


def _container_slices(body, containers):
    """Names bound to a slice of a container (`half = v[:m]` of a list v): a list or tuple
    too, so a callee given it is made for a container and adds its adjoints item by item,
    never with `+`, which would join two lists (a recursive pairwise sum of a list of floats
    had the halves' adjoints joined, and so had `sum(v) + sum(v)` in a helper given `w[1:]`:
    a wrong gradient, no error)."""
    found = set()
    slices = [(stmt.value.value.id, stmt.targets[0].id) for stmt in analyze.flatten(body)
              if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)
              and isinstance(stmt.value, S.Subscript) and isinstance(stmt.value.value, S.Name)
              and isinstance(stmt.value.slice, S.Slice)]
    grown = True
    while grown:
        grown = False
        for source, target in slices:
            if (source in containers or source in found) and target not in found:
                found.add(target)
                grown = True
    return found


class Reverse(TapeMixin, CallAdjoints, WriteAdjoints, ControlAdjoints):
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
        self.containers |= _container_slices(self.body, self.containers)
        self.maybe_dicts = sequences.maybe_dicts(self.body, containers)
        # names that may hold a list, tuple or dict though no display made them (an item of a
        # list, `firsts = cols[0]`): their adjoints add item by item, never with `+=`, which
        # would join two lists
        self.maybe_containers = fixpoint.reach(
            {name for name, kind in getattr(low, "kinds", {}).items() if kind != sequences.OTHER},
            analyze.copies_and_own_copies(self.body))
        self.active = analyze.activity(self.body, self.wrt, self.output, self.containers,
                                       emitted=low.source.filename.startswith(GENERATED_PREFIX))
        # a max subtracted for floating point only (softmax, log-sum-exp) has no derivative
        self.active -= shift.shift_invariant(self.body, shapes, low.params)
        # names whose adjoints may hold a selection's zeros (where's unchosen branch): their
        # rules' products keep those zero through a NaN slope (zero_cotangents.py)
        self.zero_carriers = zero_cotangents.carriers(self.body, self.active)
        for stmt in analyze.effects_on_varied(self.body, self.wrt, self.containers):
            if not idioms.reads_instead(low, stmt):   # a callback of yours only reads
                raise effect_error(self.src, stmt)
        self.defined = analyze.Definedness(self.body, low.params)
        self._calls = {}
        self.spliced = {}  # instantiate's memo, shared by the generation rounds
        self.single_round = False  # no statement's adjoint is generated twice
        self._ints = None  # names that only hold ints (see _integer_names), when first needed
        self.primal_names = analyze.primal_names(low.params, self.body)
        self.bindings = {}
        self.preinit = set()

    # -- names -------------------------------------------------------------
    def _container_names(self):
        out = set()
        for stmt in analyze.flatten(self.body):
            if isinstance(stmt, S.Assign) and (stmt.sd.kind == Kind.DISPLAY
                                               or sequences.produces(stmt)):
                out.add(stmt.targets[0].id)
            if isinstance(stmt, S.Expr) and stmt.sd.kind == Kind.APPEND:
                out.add(stmt.value.func.value.id)
            if isinstance(stmt, S.Assign) and self._is_user_call(stmt):
                out.add(stmt.targets[0].id)  # a user function may return a tuple
            if isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and getattr(
                    stmt.sd.func, "__module__", None) in ("numpy.linalg", LINALG_RUNTIME):
                from . import runtime_linalg   # (a function calling none never imports it)
                if runtime_linalg.returns_tuple(stmt.sd.func):
                    out.add(stmt.targets[0].id)  # svd(a), eigh(a): adjoints add item by item
                elif stmt.sd.func is runtime_linalg.result_field and \
                        isinstance(stmt.value.args[0], S.Name):
                    out.add(stmt.value.args[0].id)  # r.S: r's adjoint is a list of its items'
        # and copies of them (`v = entries_1`, a dict comprehension's result as the user
        # names it): a callee given v is made for a container (a dict's keys, not positions)
        return fixpoint.reach(out, analyze.copies(self.body))

    def adj(self, name):
        if name not in self.adjoints:
            self.adjoints[name] = self.namer.exact_or_fresh("d_" + name)
        return self.adjoints[name]

    def helper(self, name):
        from . import runtime
        self.bindings[name] = getattr(runtime, name)
        return S.load(name)

    # -- driver ------------------------------------------------------------
    def run(self, callee=False):
        """The primal and adjoint statements and what callers need, as an `Adjoint`."""
        primal, adjoint = self.generate(callee)
        return Adjoint(primal=primal, adjoint=adjoint, output=self.output, seed=self.seed_adj,
                       adjoints=self.adjoints, final=self.final_state,
                       active=frozenset(self.active), primal_names=frozenset(self.primal_names),
                       saved=frozenset(self.known_needed), trip_counts=self.trip_vars,
                       bindings=self.bindings, tape_used=self.tape_used, program=self.program)

    def generate(self, callee=False):
        """Return (primal statements, adjoint statements).

        Generation repeats until the set of primal names the adjoint reads is
        stable: saving a name adds restores, which can make a loop's reverse
        non-empty, which reads its range or trip count, which may then need
        saving in turn. Each round starts from the same namer, so the result
        is deterministic. A round whose input would be the last one's (the same saves
        decided: _decide_again) is not run: it would build the same statements.
        """
        namer0 = copy.deepcopy(self.low.namer)
        needed = set()
        self.callee = callee
        decided = None   # the saves for `needed`, when _decide_again already decided them
        while True:
            self.checkpoints = {}
            self.namer = copy.deepcopy(namer0)
            self.adjoints = {}
            self.trip_vars = {}
            self.tape_used = False
            self.known_needed = needed
            if decided is None:
                self.preinit = set()
                self.saves = self._decide_saves(needed)
            else:
                self.saves, self.rereads, self.end_saves, self.preinit = decided
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
            decided = self._decide_again(needed)
            if decided is None:
                break   # a second round would build the same statements (_decide_again)
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
                   and stmt.sd.kind not in (Kind.APPEND, Kind.POP, Kind.SETITEM)
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

    def _decide_again(self, needed):
        """The saves for `needed` (saves, rereads, end_saves, preinit) that the next round of
        `generate` starts from; None where that round would build this round's statements
        again, and the decision is then kept (known_needed, saves: as that round's).

        A round reads `needed` only through the saves decided for it, and through
        known_needed in an append's adjoint and in the restore of an item write (the other
        names of the array bound again); a checkpointed loop reads the names needed so far.
        So where none of those three is in the body and the saves, rereads and end saves
        decided for `needed` are this round's, the next round's input is this round's."""
        appends = any(stmt.sd.kind == Kind.APPEND for stmt in analyze.flatten(self.body)
                      if isinstance(stmt, S.Expr))
        item_saves = any(id(stmt) in self.saves for stmt in analyze.flatten(self.body)
                         if isinstance(stmt, S.Assign) and not isinstance(stmt.targets[0],
                                                                          S.Name))
        first = (self.saves, self.rereads, self.end_saves, self.preinit)
        self.preinit = set()
        saves = self._decide_saves(needed)
        decided = (saves, self.rereads, self.end_saves, self.preinit)
        self.saves, self.rereads, self.end_saves, self.preinit = first
        if appends or item_saves or self.checkpoints or decided[:3] != first[:3]:
            return decided
        self.known_needed = needed
        return None

    def read(self, node):
        """Note every primal name an emitted adjoint statement reads, and how.

        A name read only for its shape (the `like` of unbroadcast or
        expand_reduced, numpy.shape, numpy.ndim) is saved as a shape stand-in,
        so the tape does not keep whole arrays alive for their shapes.
        """
        shape_positions = set()
        nodes = S.nodes(node)
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
        zero = S.Call(func=self.helper("zeros_like_value"), args=[S.load(name)], keywords=[])
        if self._number_zero(name):
            zero = S.const(0.0)
        stmt = S.Assign(targets=[S.store(self.adj(name))], value=zero, type_comment=None)
        self.read(stmt)
        return stmt

    def _number_zero(self, name):
        """Whether the zero adjoint of `name` may be the number 0.0: a parameter passed as a
        0-d array (or a number) and never bound again nor indexed, whose adjoint is only
        ever added to (`d_a += e` on a 0-d array is a slow in-place ufunc call; finalize
        gives the 0-d array of a's dtype back)."""
        if self.shapes is None or self.shapes.inputs.get(name) != ():
            return False
        if getattr(self, "_indexed", None) is None:
            self._indexed = {n.value.id for stmt in analyze.flatten(self.body)
                             for n in S.walk(stmt) if isinstance(n, S.Subscript)
                             and isinstance(n.value, S.Name)}
        return name not in self._indexed

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
            if not passes_its_target(stmt, call[2]):   # else the old value's adjoint, kept
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
        if kind == Kind.POP:
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
        if kind == Kind.SETITEM:
            self.adjoint_setitem(stmt, state, out)
            restored = len(out)
            self.restore(stmt, out)
            if len(out) > restored:
                self.zero_restored_slot(stmt, state, out)
            return out
        if kind == Kind.APPEND:
            self.adjoint_append(stmt, state, out)
            return out
        if kind == Kind.POP:
            self.adjoint_pop(stmt, None, state, out)
            return out
        return out

    def adjoint_assign(self, stmt, name, state, out, d_out_name):
        kind = stmt.sd.kind
        value = stmt.value
        d_out = S.load(d_out_name)
        if kind == Kind.COPY:
            if isinstance(value, S.Name) and value.id in self.active:
                self.accumulate(out, value.id, d_out, state)
            return
        if kind == Kind.SUBSCRIPT:
            base = value.value
            if isinstance(base, S.Name) and base.id in self.active:
                index = index_value(value.slice)
                if state.get(base.id) == OWNED and self.shapes is not None and \
                        self.shapes.of(stmt, name) == () and \
                        self.shapes.int_index(value.slice, self.shapes.of(stmt, base.id)):
                    # one number read from an array the adjoint owns: added in place
                    self.emit(out, [S.Assign(targets=[S.store(self.adj(base.id))], value=S.Call(
                        func=self.helper("add_item"), args=[
                            S.load(self.adj(base.id)), S.clone(value.slice), d_out],
                        keywords=[]), type_comment=None)])
                    return
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
        if kind == Kind.DISPLAY:
            elts = value.values if isinstance(value, S.Dict) else value.elts
            keys = value.keys if isinstance(value, S.Dict) else [S.const(i) for i in
                                                                 range(len(elts))]
            for key, elt in zip(keys, elts):
                if isinstance(elt, S.Name) and elt.id in self.active:
                    item = S.Subscript(value=S.clone(d_out), slice=S.clone(key),
                                       ctx=S.Load())
                    self.accumulate(out, elt.id, item, state)
            return
        if kind in (Kind.BINOP, Kind.UNARY, Kind.CALL):
            self.adjoint_call(stmt, name, state, out, d_out_name)
            return
        if kind == Kind.ATTRIBUTE:   # no record's field (records.py says what to write)
            from .records import attribute_refusal
            raise attribute_refusal(self.src, getattr(self.low, "known_types", {}), stmt)
        # opaque, stop_gradient, effect_value: nothing flows back

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


index_value = S.index_value  # `1:` as the value slice(1, None), for helpers


_CALLEE = []   # the one ReverseCallee, made at the first call of a user's function


def _callee_builder(self):
    """How program.py makes the forward_/backward_ pair of a user's function called here
    (reverse_callee.py; imported at the first such call: a plain function makes none)."""
    if not _CALLEE:
        from .reverse_callee import ReverseCallee
        _CALLEE.append(ReverseCallee(Reverse))
    return _CALLEE[0]


Reverse.callee_builder = property(_callee_builder)

