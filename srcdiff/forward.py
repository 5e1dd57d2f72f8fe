"""Stage 5, forward: build the Jacobian-vector product (forward mode) of a lowered function.

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
import copy
import itertools

from . import __version__, analyze, checks, frontend, idioms, lower, rules, sequences
from . import syntax as S
from .errors import NoRuleError, SrcdiffError
from .names import LIST, TYPE, settle
from .reverse import comment, fold_constants, no_rule_error, splice_name


class TangentState:
    """Which tangents are nonzero at a point of the program, and how they may be updated.

    owned: name -> bool, present only for nonzero tangents (True: safe in place).
    group: name -> alias group id (tangents sharing memory the way their primals do).
    must:  names certainly bound here (zeros are materialized only for those).
    """

    def __init__(self, owned=None, group=None, must=()):
        self.owned = dict(owned or {})
        self.group = dict(group or {})
        self.must = set(must)

    def copy(self):
        return TangentState(self.owned, self.group, self.must)

    def nonzero(self, name):
        return name in self.owned

    def kill(self, name):
        self.owned.pop(name, None)
        self.group.pop(name, None)

    def fresh(self, name, gid, owned):
        self.owned[name] = owned
        self.group[name] = gid

    def alias(self, target, source):
        self.owned[target] = self.owned[source]
        self.group[target] = self.group[source]

    def demote(self, name):
        """A rule read this tangent: its result may share memory with the whole group."""
        if name not in self.owned:
            return
        gid = self.group[name]
        for other, g in self.group.items():
            if g == gid:
                self.owned[other] = False

    def key(self):
        groups = {}
        for name, gid in self.group.items():
            groups.setdefault(gid, set()).add(name)
        return (frozenset(self.owned.items()),
                frozenset(frozenset(g) for g in groups.values()))


def merge(a, b, new_gid):
    """The state after two paths join (a name zero on one path is materialized there)."""
    names = set(a.owned) | set(b.owned)
    parent = {n: n for n in names}

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for state in (a, b):
        first = {}
        for n in sorted(state.group):
            g = state.group[n]
            if g in first:
                parent[find(n)] = find(first[g])
            else:
                first[g] = n
    out = TangentState(must=a.must & b.must)
    roots = {}
    for n in sorted(names):
        root = find(n)
        if root not in roots:
            roots[root] = new_gid()
        out.owned[n] = a.owned.get(n, True) and b.owned.get(n, True)
        out.group[n] = roots[root]
    return out


class Forward:
    """Generates the body of a forward-mode (jvp) function from a `Lowered` function."""

    def __init__(self, low, wrt, containers=(), program=None):
        self.low = low
        self.program = program if program is not None else ForwardProgram(low.namer.taken)
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
                                shared)
        for stmt in analyze.effects_on_varied(self.body, self.wrt, self.containers):
            from .reverse import effect_error
            if not idioms.reads_instead(low, stmt):   # a callback of yours only reads
                raise effect_error(low.source, stmt)
        self.namer = low.namer
        self.tangents = {}
        self.bindings = {}
        self._gids = itertools.count()
        self.primal_names = set(low.params)
        for stmt in analyze.flatten(self.body):
            name = analyze.assigned(stmt)
            if name:
                self.primal_names.add(name)
            if isinstance(stmt, S.For):
                self.primal_names.add(stmt.target.id)

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
        if kind == "pop" and isinstance(stmt, S.Assign):
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
            if name in self.active:
                post = self.forward_assign(stmt, name, state)
            elif self._changes_active_list(stmt):
                # its result is not needed, but the call appends to a list whose tangent is
                # (an emitted helper's forward saving values on the tape its backward reads)
                post = self.forward_user_call(stmt, name, state)
            else:
                state.kill(name)
            state.must.add(name)
            return [], post
        if kind == "setitem":
            return self.forward_setitem(stmt, state)
        if kind == "append":
            return self.forward_append(stmt, state)
        if kind == "pop":
            base = stmt.value.func.value.id
            if base in self.active and state.nonzero(base):
                call = S.quote_expr(f"{self.tan(base)}.pop()")
                return [], [S.Expr(value=call)]
            return [], []
        return [], []   # effect, assert, raise, pass: nothing to differentiate

    def forward_assign(self, stmt, name, state):
        kind = stmt.sd.kind
        value = stmt.value
        tan = self.tan(name)
        if kind in ("copy", "subscript"):
            base = value if kind == "copy" else value.value
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
            if kind == "copy":
                state.alias(name, base.id)
                return pre + [self.assign(tan, S.load(src))]
            if base.id in self.containers:
                state.fresh(name, self.gid(), False)   # an element: it may be anything
            else:
                state.alias(name, base.id)             # a view or a copy, like the primal
            return pre + [self.assign(tan, S.Subscript(value=S.load(src),
                                                       slice=S.clone(value.slice),
                                                       ctx=S.Load()))]
        if kind == "display":
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
        if kind == "pop":
            base = value.func.value.id
            if base in self.active and state.nonzero(base):
                state.kill(name)
                state.fresh(name, self.gid(), False)
                return [self.assign(tan, S.quote_expr(f"{self.tan(base)}.pop()"))]
            state.kill(name)
            return []
        if kind in ("binop", "unary", "call"):
            return self.forward_call(stmt, name, state)
        if kind == "attribute":
            if self.tangent_atom(value.value, state) is not None:
                raise self.src.error(stmt.sd.line, f"srcdiff cannot differentiate through the "
                                     f"attribute .{value.attr} of a value being "
                                     "differentiated", hint="compute it from arrays with "
                                     "numpy functions", cls=NoRuleError)
        # opaque, stop_gradient, effect_value, constants: the tangent is zero
        state.kill(name)
        return []

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
        held = rules.held_argument(func, lambda p: p in tangent_of or (
            isinstance(mapping.get(p), S.Name) and mapping[p].id in self.active))
        if held is not None:
            raise self.src.error(stmt.sd.line, f"srcdiff does not differentiate "
                                 f"{_describe(func)} with respect to {held[0]!r}: {held[1]}",
                                 hint=f"wrap {held[0]} in srcdiff.stop_gradient if no "
                                      "derivative should flow through it")

    def forward_call(self, stmt, name, state):
        func = stmt.sd.func
        value = stmt.value
        if stmt.sd.kind == "call" and func is not None and rules.is_nondifferentiable(func):
            state.kill(name)
            return []
        args, keywords = analyze.call_parts(value)
        operands = args + list(keywords.values())
        if isinstance(stmt.sd.extra, tuple) and stmt.sd.extra[0] in ("local", "method"):
            # a nested def or lambda: its free variables are operands too; a method of a
            # known class: its object too (a dataclass's tangent, values.py)
            operands = analyze.call_args(stmt) + list(keywords.values())
        if stmt.sd.kind == "call" and stmt.sd.extra == "method":
            operands = operands + [value.func.value]
        live = [a.id for a in operands if self.tangent_atom(a, state) is not None]
        if not live:
            self._refuse_held(stmt, func, args, keywords, {})
            state.kill(name)
            return []
        if stmt.sd.kind == "call" and stmt.sd.extra == "method":
            raise self.src.error(stmt.sd.line, f"srcdiff does not know the derivative of the "
                                 f"method .{value.func.attr}()",
                                 hint="call the numpy function instead, or register a rule",
                                 cls=NoRuleError)
        template = rules.lookup("forward", func)
        if template is None and stmt.sd.kind == "call" and lower.is_user_function(func):
            return self.forward_user_call(stmt, name, state)
        if template is None:
            raise self._no_rule(stmt, func)
        try:
            mapping = template.bind(S.load(name), args, keywords)
        except TypeError as exc:
            raise self.src.error(stmt.sd.line, f"srcdiff's rule for {_describe(func)} does "
                                 f"not accept this call: {exc}",
                                 hint="pass only the arguments the rule knows") from None
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
        container = name in self.containers or getattr(func, "__name__", "") in _CONTAINER_RESULTS
        return temps + [self.assign(self.tan(name), _sum(terms, self.helper, container))]

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
        from .program import known_for_callee
        known = known_for_callee(stmt, params, getattr(self.low, "known_types", {}))
        try:
            callee = self.program.pair(fn, wrt, containers, known)
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
        if stmt.sd.kind != "call" or not lower.is_user_function(stmt.sd.func):
            return False
        return any(isinstance(a, S.Name) and a.id in self.containers and a.id in self.active
                   for a in analyze.call_args(stmt))

    def _no_rule(self, stmt, func):
        return no_rule_error(self.src, stmt, func, "forward (tangent) rule",
                             "srcdiff.forward_rule")

    def own(self, name, state, pre):
        """Make `tan_name` safe to update in place (materialize or copy it once)."""
        tan = self.tan(name)
        if not state.nonzero(name):
            pre.append(self.materialize(name, state))
        elif not state.owned[name]:
            pre.append(self.assign(tan, S.Call(func=self.helper("copy_tangent"),
                                               args=[S.load(tan)], keywords=[])))
            state.fresh(name, self.gid(), True)

    def forward_setitem(self, stmt, state):
        target = stmt.targets[0]
        base = target.value.id
        value = stmt.value
        if base not in self.active:
            return [], []
        src = self.tangent_atom(value, state)
        if src is None and not state.nonzero(base):
            return [], []
        pre = []
        self.own(base, state, pre)
        item = S.load(src) if src else self.zeros_of(value)
        write = self.assign(S.Subscript(value=S.load(self.tan(base)),
                                        slice=S.clone(target.slice), ctx=S.Store()), item)
        return pre, [write]

    def forward_append(self, stmt, state):
        base = stmt.value.func.value.id
        item = stmt.value.args[0]
        if base not in self.active:
            return [], []
        src = self.tangent_atom(item, state)
        if src is None and not state.nonzero(base):
            return [], []
        pre = []
        self.own(base, state, pre)   # before the primal append: zeros match the old list
        new = S.load(src) if src else self.zeros_of(item)
        call = S.Call(func=S.Attribute(value=S.load(self.tan(base)), attr="append",
                                       ctx=S.Load()), args=[new], keywords=[])
        return pre, [S.Expr(value=call)]

    # -- control flow ------------------------------------------------------
    def forward_if(self, stmt, state):
        s1, s2 = state.copy(), state.copy()
        body = self.block(stmt.body, s1)
        orelse = self.block(stmt.orelse, s2)
        for name in sorted(set(s1.owned) | set(s2.owned)):
            if not s1.nonzero(name) and name in s1.must:
                body.append(self.materialize(name, s1))
            if not s2.nonzero(name) and name in s2.must:
                orelse.append(self.materialize(name, s2))
        merged = merge(s1, s2, self.gid)
        _replace(state, merged)
        return [S.If(test=S.clone(stmt.test), body=body or [S.Pass()], orelse=orelse)]

    def forward_loop(self, stmt, state):
        """The loop with tangents, its body iterated until the nonzero set is stable."""
        saved_namer = copy.deepcopy(self.namer)
        saved_tangents = dict(self.tangents)
        hoisted = set()   # borrowed tangents the body writes in place: copied once, before
        while True:
            entry = state.copy()
            for name in sorted(hoisted):
                entry.fresh(name, self.gid(), True)
            head = entry.copy()
            while True:
                self.namer = copy.deepcopy(saved_namer)
                self.tangents = dict(saved_tangents)
                exit_state = head.copy()
                if isinstance(stmt, S.For):
                    exit_state.kill(stmt.target.id)
                    exit_state.must.add(stmt.target.id)
                body = self.block(stmt.body, exit_state)
                new_head = merge(head, exit_state, self.gid)
                new_head.must = set(entry.must)
                if new_head.key() == head.key():
                    break
                head = new_head
            more = {n for n in head.owned if not head.owned[n] and exit_state.owned.get(n)
                    and entry.nonzero(n) and not entry.owned[n] and n in entry.must}
            if not more - hoisted:
                break
            hoisted |= more
        before = [self.assign(self.tan(n), S.Call(func=self.helper("copy_tangent"),
                                                  args=[S.load(self.tan(n))], keywords=[]))
                  for n in sorted(hoisted)]
        for name in sorted(head.owned):
            if not entry.nonzero(name) and name in entry.must:
                before.append(self.materialize(name, entry))
        at_end = []
        for name in sorted(head.owned):
            if not exit_state.nonzero(name) and name in exit_state.must:
                at_end.append(self.materialize(name, exit_state))
        if at_end:
            loop = stmt.sd.loop
            if loop is not None and loop.ends_with_break:
                body[-1:-1] = at_end   # before the final `if flag: break`
            else:
                body += at_end
        _replace(state, head)
        state.must = set(entry.must)
        if isinstance(stmt, S.For):
            new = S.For(target=S.clone(stmt.target), iter=S.clone(stmt.iter), body=body,
                        orelse=[], type_comment=None)
        else:
            new = S.While(test=S.clone(stmt.test), body=body, orelse=[])
        return before + [new]


def _replace(state, new):
    state.owned = new.owned
    state.group = new.group
    state.must = new.must


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
        elif isinstance(stmt, S.Expr) and stmt.sd.kind == "append":
            mutated.add(stmt.value.func.value.id)
        elif (isinstance(stmt, S.Assign) and stmt.sd.kind in ("copy", "subscript")):
            base = stmt.value if stmt.sd.kind == "copy" else stmt.value.value
            if isinstance(base, S.Name):
                pairs.append((stmt.targets[0].id, base.id))
    changed = True
    while changed:
        changed = False
        for target, base in pairs:
            if target in mutated and base not in mutated:
                mutated.add(base)
                changed = True
    aliases = {}
    for target, base in pairs:
        if target in mutated:
            aliases.setdefault(base, set()).add(target)
    return mutated, aliases


def _activity(body, wrt, output, aliases, containers=(), extra_outputs=()):
    """`analyze.activity`, plus: a value written in place through an alias depends on it."""
    extra = [(base, sorted(targets)) for base, targets in aliases.items()]
    return analyze.activity(body, wrt, output, containers, extra_outputs, extra)


def _container_names(body):
    out = set()
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and (stmt.sd.kind == "display"
                                           or sequences.produces(stmt)):
            out.add(stmt.targets[0].id)
        if isinstance(stmt, S.Expr) and stmt.sd.kind == "append":
            out.add(stmt.value.func.value.id)
    changed = True
    while changed:
        changed = False
        for stmt in analyze.flatten(body):
            if (isinstance(stmt, S.Assign) and stmt.sd.kind == "copy"
                    and isinstance(stmt.targets[0], S.Name)
                    and isinstance(stmt.value, S.Name) and stmt.value.id in out
                    and stmt.targets[0].id not in out) or _zero_list_of(stmt, out):
                out.add(stmt.targets[0].id)
                changed = True
    return out


def _zero_list_of(stmt, containers):
    """`tan_tape = zeros_like_value(tape)` in emitted forward code: the tangent of a list
    (a tape its helpers fill) is a list too, filled by the same calls (forward over forward:
    third derivatives through helpers)."""
    return (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)
            and stmt.targets[0].id not in containers and stmt.sd.kind == "call"
            and stmt.sd.func is _zeros_like_value() and len(stmt.value.args) == 1
            and isinstance(stmt.value.args[0], S.Name) and stmt.value.args[0].id in containers)


# helpers whose results may be lists or tuples: their tangent terms add item by item
_CONTAINER_RESULTS = sequences.CONTAINER_HELPERS | {
                      "add_adjoints", "scatter_add", "take_and_zero", "pop_adjoint",
                      "unpop_adjoint", "split_grad", "unstack_grad", "array_grad",
                      "builtin_sum_grad", "sum_to_gradient",
                      # srcdiff.runtime_arrays (templates/arrays.py)
                      "select_grad", "stacked_grad", "gradient_spacing_tangent",
                      # srcdiff.runtime_integrate (templates/scipy_integrate.py): odeint's
                      # args adjoint is a list, one gradient per argument
                      "odeint_vjp_jvp",
                      # srcdiff.compose_runtime: the tangent of a call of a derivative srcdiff
                      # made, which may return a tuple (value_and_grad, jvp)
                      "tangent_part", "tangent_of", "with_column",
                      # second-order terms of `a * b` (templates/compose_rules.py)
                      "sequence_mul_tangent_moved", "sequence_mul_grad_moved"}


def _sum(terms, helper, container=False):
    """`t1 + t2 + ...`; tuple or list displays (several outputs) are added item by item."""
    total = terms[0]
    for term in terms[1:]:
        if container or any(isinstance(t, (S.Tuple, S.List)) or (
                isinstance(t, S.Call) and isinstance(t.func, S.Name)
                and t.func.id in _CONTAINER_RESULTS) for t in (total, term)):
            total = S.Call(func=helper("add_tangents"), args=[total, term], keywords=[])
        else:
            total = S.BinOp(left=total, op=S.Add(), right=term)
    return total


def _plain(stmt):
    return S.clone(stmt)


def _describe(func):
    from .lower import canonical_path
    if func is None:
        return "this call"
    return canonical_path(func) or getattr(func, "__qualname__", None) or repr(func)


# -- templates -----------------------------------------------------------------
def _store_names(stmt):
    return [n.id for t in stmt.targets for n in S.walk(t)
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)]


def _load_names(node):
    return {n.id for n in S.walk(node) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}


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
        reads = set(rules._d_reads(stmt))
        for n in _load_names(stmt.value):
            reads |= deps.get(n, set())
        is_tangent = bool(rules._d_targets(stmt))
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
    local = sorted({n for stmt in kept if not rules._d_targets(stmt) for n in _store_names(stmt)})
    renames = {n: namer.fresh(n) for n in local}
    splice = _Splice(mapping, renames, tangent_of, template.result)
    temps, terms = [], []
    shared = set()
    for stmt in kept:
        if rules._d_targets(stmt):
            shared |= _unsheltered_reads(stmt.value, False)
        else:
            shared |= set(rules._d_reads(stmt))   # through a temporary: assume it may
        for n in _load_names(stmt.value):
            if (n in template.free and n in template.namespace
                    and n not in renames and n not in mapping):
                bind(n, template.namespace[n])
        new = fold_constants(splice.visit(S.clone(stmt)))
        if rules._d_targets(stmt):
            terms.append(new.value)
        else:
            temps.append(new)
    return temps, terms, sorted(shared & set(tangent_of))


def _unsheltered_reads(node, sheltered):
    """The d[arg]s whose value may be returned as is (not under an arithmetic operator).

    `d[x] * 2`, `-d[x]` and `f(d[x] * 2)` make new values; `d[x]` and
    `f(d[x])` (a view, or the tangent itself) may share memory with d[x].
    """
    if rules._is_d(node):
        return set() if sheltered else {node.slice.id}
    if isinstance(node, (S.BinOp, S.UnaryOp)):
        sheltered = True
    out = set()
    for child in S.iter_child_nodes(node):
        out |= _unsheltered_reads(child, sheltered)
    return out


class _Splice(S.NodeTransformer):
    def __init__(self, mapping, renames, tangent_of, result):
        self.mapping = mapping
        self.renames = renames
        self.tangent_of = tangent_of
        self.result = result

    def visit_Subscript(self, node):
        if rules._is_d(node) and isinstance(node.ctx, S.Load):
            return S.load(self.tangent_of[node.slice.id])
        return self.generic_visit(node)

    visit_Name = splice_name


# -- the emitted function ------------------------------------------------------------
class ForwardProgram:
    """The jvp functions of the user's own functions that one emitted module holds."""

    def __init__(self, taken=()):
        from .names import Namer
        self.namer = Namer(taken)
        self.pairs = {}
        self.defs = []
        self.bindings = {}
        self.user_names = []  # (the helper's Source, the names its own code binds)

    def pair(self, fn, wrt, containers, known=None):
        known = dict(known or {})
        key = (fn, tuple(wrt), frozenset(containers),
               tuple(sorted(known.items(), key=lambda kv: kv[0])))
        if key in self.pairs:
            return self.pairs[key]
        from . import runtime, transform
        base = fn.__name__ if fn.__name__ != "<lambda>" else "lambda"
        name = self.namer.exact_or_fresh("jvp_" + base)
        self.pairs[key] = name
        low = transform.lower_function(fn, known, containers)
        from .program import refuse_grown_parameters
        refuse_grown_parameters(low, fn, containers)
        fwd = Forward(low, wrt, containers=containers, program=self)
        tangent_params = [fwd.tan(w) for w in wrt]
        body = [S.Expr(value=S.const(
            f"{fn.__qualname__} and its tangent along {', '.join(wrt)}."))]
        body += fwd.generate(shared=[w for w in wrt if w in containers])
        self.bindings.update(low.bindings)
        self.bindings.update(fwd.bindings)
        output = fwd.output
        if output in fwd.active and fwd.final_state.nonzero(output):
            out_tan = S.load(fwd.tan(output))
        else:
            self.bindings["zeros_like_value"] = runtime.zeros_like_value
            out_tan = S.quote_expr(f"zeros_like_value({output})")
        body.append(S.Return(value=S.Tuple(elts=[S.load(output), out_tan], ctx=S.Load())))
        self.user_names.append((low.source, set(low.params) | set(fwd.primal_names)))
        self.defs.append(S.function_def(name, low.params + tangent_params, body))
        return name


def forward_source(fn, wrt, kind="jvp", containers=(), name=None, known_types=None):
    """Emit the forward-mode derivative (jvp) of `fn` with respect to parameter names `wrt`.

    The emitted `jvp_<name>(<fn's parameters>, tangent_<w> for each w in wrt)`
    returns `(value, output tangent)`.
    """
    if kind != "jvp":
        raise ValueError(f"forward_source makes kind='jvp', not {kind!r}")
    with frontend.home(fn):
        return _forward_source(fn, wrt, kind, containers, name, known_types)


def _forward_source(fn, wrt, kind, containers, name, known_types):
    from . import runtime, transform
    wrt = tuple(wrt)
    low = transform.lower_function(fn, known_types, containers)
    user_name = fn.__name__ if fn.__name__ != "<lambda>" else "lambda"
    for w in wrt:
        if w not in low.params:
            raise SrcdiffError(f"wrt={w!r} is not a parameter of {user_name}; its parameters "
                               f"are {tuple(low.params)}")
    fwd = Forward(low, wrt, containers=containers)
    tangent_params = [fwd.namer.exact_or_fresh("tangent_" + w) for w in wrt]
    # the function's own name first: a helper of the same name (a lambda calling a lambda,
    # both jvp_lambda) must get another
    name = fwd.namer.exact_or_fresh(name or f"{kind}_{user_name}")
    fwd.program.namer.taken.add(name)
    generated = fwd.generate()
    namer = fwd.namer
    bindings = dict(low.bindings)
    bindings.update(fwd.program.bindings)
    for bound, obj in fwd.bindings.items():
        if bound in bindings and bindings[bound] is not obj:
            raise SrcdiffError(f"srcdiff's generated code needs two different objects named "
                               f"{bound!r}")
        bindings[bound] = obj
    bindings["check_differentiable"] = runtime.check_differentiable
    from . import forward_runtime
    bindings["check_tangent"] = forward_runtime.check_tangent
    bindings["output_tangent"] = forward_runtime.output_tangent
    taken = set(low.params) | fwd.primal_names | set(fwd.tangents.values()) | set(tangent_params)
    for bound in bindings:
        if bound in taken:
            raise low.source.error(low.source.node, f"the name {bound!r} is used by srcdiff's "
                                   "generated code", hint=f"rename your variable {bound!r}")
    origin = transform.origin_of(fn, low.source)
    wrt_text = ", ".join(wrt)
    doc = (f"Jacobian-vector product of {user_name} with respect to {wrt_text} "
           f"(forward mode).\n\n"
           f"    Generated by srcdiff {__version__} from {origin}.\n"
           f"    Takes {user_name}'s arguments, then one tangent per differentiated input "
           f"({', '.join(tangent_params)}),\n"
           f"    each shaped like its input; returns ({user_name}(...), the output's "
           f"tangent).\n    ")
    body = [S.Expr(value=S.const(doc))]
    from .objects import check_text
    for w, t in zip(wrt, tangent_params):
        text, needs = check_text(low, w)   # a dataclass: its fields (objects.py)
        body += S.quote(text)
        bindings.update(needs)
        check = f"check_tangent({t}, {w}, {w!r})"
        if w in fwd.active:
            body += S.quote(f"{fwd.tan(w)} = {check}")
        else:
            body += S.quote(check)
    # lists passed in that the function appends to or pops from: changed on a copy, so the
    # caller's list stays as it was (as grad leaves it)
    changed = {st.value.func.value.id for st in analyze.flatten(low.body)
               if st.sd.kind == "append" and isinstance(st.value.func.value, S.Name)}
    changed |= {analyze.popped_list(st) for st in analyze.flatten(low.body)
                if st.sd.kind == "pop"}
    for p in low.params:
        if p in changed:
            body += S.quote(f"{p} = {LIST}({p}) if {TYPE}({p}) is {LIST} else {p}")
            if p in wrt and p in fwd.active:
                body += S.quote(f"{fwd.tan(p)} = {LIST}({fwd.tan(p)})")
    body += generated
    output = fwd.output
    out_tan = fwd.tan(output) if output in fwd.active and fwd.final_state.nonzero(output) \
        else "None"
    body += S.quote(f"return {output}, output_tangent({out_tan}, {output})")
    fdef = S.function_def(name, low.params + tangent_params, body)
    header = (f"# Code generated by srcdiff {__version__} from {origin} "
              f"(Jacobian-vector product, forward mode). DO NOT EDIT.\n")
    from . import emit
    from .tidy import tidy
    defs = tidy([fdef] + fwd.program.defs)
    settle(defs, bindings)
    transform.refuse_captured_names(fwd.program, bindings)
    function_text = emit.to_source(defs)
    return transform.Emitted(header + function_text, name, bindings, fn, origin, function_text,
                             "forward", wrt)


def _zeros_like_value():
    from .runtime import zeros_like_value
    return zeros_like_value
