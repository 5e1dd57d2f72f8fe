"""Build the Jacobian-vector product (forward mode) of a lowered function (stage 5, forward:
called by forward_driver.py). Takes a `core.Lowered`, `wrt` and options (the containers
passed, the callee table); gives back a `forward.Tangents` (`Forward.run`): the jvp body,
each primal statement followed by its tangent statements, the tangent names and the callee
table holding the jvp_ variants it calls.

The emitted function runs the primal statements in their order, each followed
by its tangent statement(s), with the same loops and branches: no tape and no
second pass. Every active value `v` (varied by `wrt` and useful to the
output) carries a tangent `tan_v`, the directional derivative of `v` along
the input tangents.

Tangents are tracked statically:

* zero: never computed, so no arithmetic is spent on zeros. Where a tangent
  is nonzero on one path into a merge only (a branch, a loop's back edge), a
  zero is materialized on the other path with `zeros_like_value`.
* owned or borrowed: an owned tangent was made here and shares memory with no
  other tangent except where the primal values share it too (copies and
  views), so it may be updated in place for `y[i] = v` and `lst.append(v)`.
  A borrowed one (the caller's input tangent, or a rule's result, which may
  be one of its inputs' tangents) is copied once before the first such update.
  Aliases are kept in groups: when a rule reads a tangent, its whole group
  becomes borrowed.

Rules come from the forward templates (`rules.lookup("forward", func)`): each
`d[y] = expr` statement is linear in one `d[arg]`; the statements whose
`d[arg]` is a nonzero tangent are kept and summed.
"""
import dataclasses
import itertools

from . import analyze, checks, helper_effects, idioms, sequences, try_blocks, zero_cotangents
from . import syntax as S
from .errors import SrcdiffError
from .fixpoint import closure, reach
from .forward_calls import CallTangents
from .forward_control import ControlTangents
from .forward_writes import WriteTangents
from .program import Program, refuse_grown_parameters
from .refusals import effect_error
from .syntax import comment
from .status import TangentState, surely_read
from .core import Kind


@dataclasses.dataclass(frozen=True)
class Tangents:
    """What the forward pass returns (`Forward.run`): the jvp body and what its caller needs.

    body: the statements (primal ones, each followed by its tangent statements);
    output: the returned name; output_tangent: its tangent's name, None where it is
    statically zero; inputs: each differentiated active parameter's tangent name;
    primal_names, tangent_names: the names the body binds; bindings: the objects the
    emitted statements read by name (runtime helpers, template globals); program: the
    callee table holding the jvp_ variants of the user's functions it calls.
    """
    body: list
    output: str
    output_tangent: object
    inputs: dict
    primal_names: frozenset
    tangent_names: frozenset
    bindings: dict
    program: object


class Forward(CallTangents, WriteTangents, ControlTangents):
    """Generates the body of a forward-mode (jvp) function from a `Lowered` function."""

    def __init__(self, low, wrt, containers=(), program=None):
        self.low = low
        self.callee_builder = FORWARD_CALLEE  # how program.py makes a callee's jvp_
        self.program = program if program is not None else Program(low.namer.taken)
        self._replaced = {}      # id(primal statement) -> the statement emitted instead
        self._pre = {}           # id(primal statement) -> statements to run before it
        self._user_calls = set()
        self.wrt = list(wrt)
        self.src = low.source
        self.body = low.body
        self.output = self.body[-1].value.id
        self.mutated, aliases = _mutated_aliases(self.body)
        self.containers = set(containers) | _container_names(self.body)
        # lists shared with the caller are outputs too: the caller reads what we append
        shared = [w for w in self.wrt if w in containers]
        self.active = _activity(self.body, self.wrt, self.output, aliases, self.containers,
                                shared, emitted=_emitted(low))
        for stmt in analyze.effects_on_varied(self.body, self.wrt, self.containers):
            if not idioms.reads_instead(low, stmt):   # a callback of yours only reads
                raise effect_error(low.source, stmt)
        # names whose tangents may hold a selection's zeros (clip's bounds): their products
        # are kept zero through a NaN slope (zero_cotangents.py)
        self.zero_carriers = zero_cotangents.tangent_carriers(self.body, self.active)
        self.namer = low.namer
        self.tangents = {}
        self.arms = {}     # flag -> names bound at the end of `if flag:`'s arms (forward_control)
        self.copies = {}   # name -> the flag it copies (`cond_7 = cond_1`)
        self.bindings = {}
        self._gids = itertools.count()
        self.primal_names = analyze.primal_names(low.params, self.body)

    # -- names and helpers -------------------------------------------------
    def tan(self, name):
        if name not in self.tangents:
            self.tangents[name] = self.namer.exact_or_fresh("tan_" + name)
        return self.tangents[name]

    def gid(self):
        return next(self._gids)

    def helper(self, name):
        from . import forward_runtime, runtime
        module = forward_runtime if hasattr(forward_runtime, name) else runtime
        self.bind(name, getattr(module, name))
        return S.load(name)

    def bind(self, name, obj):
        if name in self.bindings and self.bindings[name] is not obj:
            raise SrcdiffError(f"srcdiff's generated code needs two different objects named "
                               f"{name!r} ({self.bindings[name]!r} and {obj!r})",
                               hint="rename one of the template helpers")
        self.bindings[name] = obj

    def assign(self, target, value):
        if isinstance(target, str):
            target = S.store(target)
        return S.Assign(targets=[target], value=value, type_comment=None)

    def zeros_of(self, atom):
        return S.Call(func=self.helper("zeros_like_value"), args=[S.clone(atom)],
                      keywords=[])

    def materialize(self, name, state):
        state.fresh(name, self.gid(), True)
        return self.assign(self.tan(name), self.zeros_of(S.load(name)))

    def tangent_atom(self, atom, state):
        """The tangent name of an operand, or None when it is statically zero."""
        if isinstance(atom, S.Name) and atom.id in self.active and state.nonzero(atom.id):
            return self.tan(atom.id)
        return None

    # -- driver ------------------------------------------------------------
    def run(self, shared=()):
        """The jvp body and what its caller needs, as a `Tangents` record."""
        body = self.generate(shared)
        nonzero = self.output in self.active and self.final_state.nonzero(self.output)
        return Tangents(body=body, output=self.output,
                        output_tangent=self.tan(self.output) if nonzero else None,
                        inputs={w: self.tan(w) for w in self.wrt if w in self.active},
                        primal_names=frozenset(self.primal_names),
                        tangent_names=frozenset(self.tangents.values()),
                        bindings=self.bindings, program=self.program)

    def generate(self, shared=()):
        """Return the statements of the jvp body (after the input checks) and the output.

        `shared`: parameters whose tangents mirror lists the caller shares with this
        function; they are updated in place, as the lists themselves are.
        """
        state = TangentState(must=self.low.params)
        for w in self.wrt:
            if w in self.active or w in shared:
                self.tan(w)
                # the caller's tangent: never written, unless it mirrors a shared list
                state.fresh(w, self.gid(), w in shared)
        body = self.block(self.body[:-1], state)
        self.final_state = state
        return body

    def block(self, stmts, state):
        items = []   # (line or None, statements, has tangent statements)
        for stmt in stmts:
            self.note_flags(stmt)
            if isinstance(stmt, S.If):
                items.append((None, self.forward_if(stmt, state), False))
            elif isinstance(stmt, (S.For, S.While)):
                items.append((None, self.forward_loop(stmt, state), False))
            elif checks.idle_check(stmt, self.active, "forward"):
                continue
            else:
                pre, post = self.forward_stmt(stmt, state)
                primal = self._replaced.pop(id(stmt), None) or _plain(stmt)
                pre = self._pre.pop(id(stmt), []) + pre
                changed = bool(pre or post) or not isinstance(primal, type(stmt)) or \
                    primal is not stmt and id(stmt) in self._user_calls
                items.append((stmt.sd.line, pre + [primal] + post, changed))
        out = []
        i = 0
        while i < len(items):
            line = items[i][0]
            if line is None:
                out += items[i][1]
                i += 1
                continue
            j = i
            while j < len(items) and items[j][0] == line:
                j += 1
            if any(item[2] for item in items[i:j]):
                out.append(comment(f"line {line}: {self.src.line(line).strip()}"))
            for item in items[i:j]:
                out += item[1]
            i = j
        return out

    # -- simple statements -------------------------------------------------
    def forward_stmt(self, stmt, state):
        """(statements before the primal one, statements after it); updates `state`."""
        kind = stmt.sd.kind
        if kind == Kind.POP and isinstance(stmt, S.Assign):
            # the tangent list mirrors the list: pop it too, whether or not the value matters
            name = stmt.targets[0].id
            base = stmt.value.func.value.id
            state.must.add(name)
            if base in self.active and state.nonzero(base):
                popped = S.quote_expr(f"{self.tan(base)}.pop()")
                state.kill(name)
                if name in self.active:
                    state.fresh(name, self.gid(), False)
                    return [], [self.assign(self.tan(name), popped)]
                return [], [S.Expr(value=popped)]
            state.kill(name)
            return [], []
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            name = stmt.targets[0].id
            post = []
            # which except clause caught: an int, and a call that changes nothing
            probe = kind == Kind.CALL and try_blocks.is_probe(stmt.sd.func)
            if name in self.active and not probe:
                post = self.forward_assign(stmt, name, state)
            elif not probe and self._changes_active_list(stmt):
                # its result is not needed, but the call appends to a list whose tangent is
                # (an emitted helper's forward saving values on the tape its backward reads)
                post = self.forward_user_call(stmt, name, state)
            else:
                state.kill(name)
            state.must.add(name)
            state.must |= surely_read(stmt.value)
            return [], post
        if kind == Kind.SETITEM:
            return self.forward_setitem(stmt, state)
        if kind == Kind.APPEND:
            return self.forward_append(stmt, state)
        if kind == Kind.POP:
            base = stmt.value.func.value.id
            if base in self.active and state.nonzero(base):
                call = S.quote_expr(f"{self.tan(base)}.pop()")
                return [], [S.Expr(value=call)]
            return [], []
        if kind == Kind.EFFECT and isinstance(stmt, S.Expr) and \
                helper_effects.forward_treated(stmt.sd.func):
            return self.forward_helper_effect(stmt, state)
        return [], []   # checks, assert, raise, pass: nothing to differentiate

    def forward_assign(self, stmt, name, state):
        kind = stmt.sd.kind
        value = stmt.value
        tan = self.tan(name)
        if kind in (Kind.COPY, Kind.SUBSCRIPT):
            base = value if kind == Kind.COPY else value.value
            pre = []
            if (name in self.mutated and isinstance(base, S.Name) and base.id in self.active
                    and base.id not in self.containers):
                # `name` is written in place later and shares memory with `base`: so must
                # their tangents, or the write would not reach the tangent of `base`
                self.own(base.id, state, pre)
            src = self.tangent_atom(base, state)
            if src is None:
                state.kill(name)
                return pre
            if kind == Kind.COPY:
                state.alias(name, base.id)
                return pre + [self.assign(tan, S.load(src))]
            if base.id in self.containers:
                state.fresh(name, self.gid(), False)   # an element: it may be anything
            else:
                state.alias(name, base.id)             # a view or a copy, like the primal
            return pre + [self.assign(tan, S.Subscript(value=S.load(src),
                                                       slice=S.clone(value.slice),
                                                       ctx=S.Load()))]
        if kind == Kind.DISPLAY:
            elts = value.values if isinstance(value, S.Dict) else value.elts
            tans = [self.tangent_atom(e, state) for e in elts]
            if not any(tans):
                state.kill(name)
                return []
            parts = [S.load(t) if t else self.zeros_of(e) for t, e in zip(tans, elts)]
            if isinstance(value, S.Dict):
                new = S.Dict(keys=[S.clone(k) for k in value.keys], values=parts)
            else:
                new = type(value)(elts=parts, ctx=S.Load())
            state.kill(name)
            state.fresh(name, self.gid(), True)   # a new container of its own
            return [self.assign(tan, new)]
        if kind == Kind.POP:
            base = value.func.value.id
            if base in self.active and state.nonzero(base):
                state.kill(name)
                state.fresh(name, self.gid(), False)
                return [self.assign(tan, S.quote_expr(f"{self.tan(base)}.pop()"))]
            state.kill(name)
            return []
        if kind in (Kind.BINOP, Kind.UNARY, Kind.CALL):
            return self.forward_call(stmt, name, state)
        if kind == Kind.ATTRIBUTE:
            if self.tangent_atom(value.value, state) is not None:   # see records.py
                from .records import attribute_refusal
                raise attribute_refusal(self.src, getattr(self.low, "known_types", {}), stmt)
        # opaque, stop_gradient, effect_value, constants: the tangent is zero
        state.kill(name)
        return []

    # -- control flow ------------------------------------------------------
def _mutated_aliases(body):
    """Names written in place (item writes, append), directly or through a copy or view.

    Returns (mutated names, {name: names it may share memory with and that are
    written in place}): `r = y[0]; r[1] = v` changes y as well.
    """
    mutated = set()
    pairs = []
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and not isinstance(stmt.targets[0], S.Name):
            mutated.add(stmt.targets[0].value.id)
        elif isinstance(stmt, S.Expr) and stmt.sd.kind == Kind.APPEND:
            mutated.add(stmt.value.func.value.id)
        elif (isinstance(stmt, S.Assign) and stmt.sd.kind in (Kind.COPY, Kind.SUBSCRIPT)):
            base = stmt.value if stmt.sd.kind == Kind.COPY else stmt.value.value
            if isinstance(base, S.Name):
                pairs.append((stmt.targets[0].id, base.id))
    mutated = reach(mutated, [(target, base) for target, base in pairs])
    aliases = {}
    for target, base in pairs:
        if target in mutated:
            aliases.setdefault(base, set()).add(target)
    return mutated, aliases


def _activity(body, wrt, output, aliases, containers=(), extra_outputs=(), emitted=False):
    """`analyze.activity`, plus: a value written in place through an alias depends on it."""
    extra = [(base, sorted(targets)) for base, targets in aliases.items()]
    return analyze.activity(body, wrt, output, containers, extra_outputs, extra, emitted)


def _emitted(low):
    """Whether `low` is srcdiff's emitted code (a derivative differentiated again)."""
    from .core import GENERATED_PREFIX
    return low.source.filename.startswith(GENERATED_PREFIX)


def _container_names(body):
    out = set()
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and (stmt.sd.kind == Kind.DISPLAY
                                           or sequences.produces(stmt)):
            out.add(stmt.targets[0].id)
        if isinstance(stmt, S.Expr) and stmt.sd.kind == Kind.APPEND:
            out.add(stmt.value.func.value.id)
    stmts = list(analyze.flatten(body))
    return closure(out, lambda done: [
        stmt.targets[0].id for stmt in stmts
        if (isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.COPY
            and isinstance(stmt.targets[0], S.Name)
            and isinstance(stmt.value, S.Name) and stmt.value.id in done)
        or _zero_list_of(stmt, done)])


def _zero_list_of(stmt, containers):
    """`tan_tape = zeros_like_value(tape)` in emitted forward code: the tangent of a list
    (a tape its helpers fill) is a list too, filled by the same calls (forward over forward:
    third derivatives through helpers)."""
    return (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)
            and stmt.targets[0].id not in containers and stmt.sd.kind == Kind.CALL
            and stmt.sd.func is _zeros_like_value() and len(stmt.value.args) == 1
            and isinstance(stmt.value.args[0], S.Name) and stmt.value.args[0].id in containers)


# helpers whose results may be lists or tuples: their tangent terms add item by item
def _plain(stmt):
    return S.clone(stmt)


# -- the emitted function ------------------------------------------------------------
class _ForwardCallee:
    """How the callee table (program.py) makes a forward variant: `jvp_g`."""

    @staticmethod
    def names(namer, base):
        return namer.exact_or_fresh("jvp_" + base)

    @staticmethod
    def build(program, low, fn, wrt, containers, name, zero_cotangents=False):
        from . import runtime
        refuse_grown_parameters(low, fn, containers)
        fwd = Forward(low, wrt, containers=containers, program=program)
        if zero_cotangents:   # a tangent given may hold a selection's zeros
            from . import zero_cotangents as zeros
            fwd.zero_carriers = zeros.tangent_carriers(fwd.body, fwd.active, fwd.wrt)
        tangent_params = [fwd.tan(w) for w in wrt]
        body = [S.Expr(value=S.const(
            f"{fn.__qualname__} and its tangent along {', '.join(wrt)}."))]
        done = fwd.run(shared=[w for w in wrt if w in containers])
        body += done.body
        program.bindings.update(low.bindings)
        program.bindings.update(done.bindings)
        output = done.output
        if done.output_tangent is not None:
            out_tan = S.load(done.output_tangent)
        else:
            program.bindings["zeros_like_value"] = runtime.zeros_like_value
            out_tan = S.quote_expr(f"zeros_like_value({output})")
        body.append(S.Return(value=S.Tuple(elts=[S.load(output), out_tan], ctx=S.Load())))
        program.user_names.append((low.source, set(low.params) | set(done.primal_names)))
        program.defs.append(S.function_def(name, low.params + tangent_params, body))


FORWARD_CALLEE = _ForwardCallee()


def _zeros_like_value():
    from .runtime import zeros_like_value
    return zeros_like_value
