"""The body of a generator inlined into a for loop (stage 3, lowering: called by
generator_inline). Takes the generator's statements (locals renamed), the loop and its body;
gives back the statements with each `yield e` replaced by the loop's target bound to `e` (with
enumerate's count) and a copy of the body, where the body's `break` sets a flag `stop` that
leaves every loop of the generator (`if stop: break` after each statement that may set it,
`if not stop:` over what follows outside the loops), its `continue` sets `skip` (what
follows in that copy runs under `if not skip:`), and the generator's `return` sets `stop`.
`drop_unread` then drops the assignments to a flag nothing reads.
"""
from . import idiom_rewrite
from . import syntax as S
from .generators import SCOPES


def _walk_exits(stmt):
    """The nodes of `stmt` whose break and continue belong to the loop around `stmt`
    (nested loops and scopes not entered)."""
    todo = [stmt]
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, SCOPES):
            continue
        if isinstance(n, (S.For, S.While)):   # only the orelse: the body is its own
            todo.extend(n.orelse)
            continue
        todo.extend(c for c in S.iter_child_nodes(n) if isinstance(c, (S.stmt, S.excepthandler)))


def jumps(stmt):
    """A break or continue in `stmt` that leaves the loop around it."""
    return any(isinstance(n, (S.Break, S.Continue)) for n in _walk_exits(stmt))


def assign(name, value, where):
    """`name = value` placed at `where`."""
    return placed(S.Assign(targets=[S.store(name)], value=value, type_comment=None), where)


def placed(new, old):
    return idiom_rewrite.placed_at(new, old)


def drop_unread(stmts, flags):
    """`stmts` without the assignments to `flags` (flags nothing reads)."""
    out = []
    for s in stmts:
        if isinstance(s, S.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], S.Name) and s.targets[0].id in flags:
            continue
        for field in ("body", "orelse"):
            value = getattr(s, field, None)
            if isinstance(value, list) and value and isinstance(value[0], S.stmt):
                setattr(s, field, drop_unread(value, flags) or [placed(S.Pass(), s)])
        out.append(s)
    return out


class Splice:
    """The generator's body with each yield replaced by the loop's body, and the exits
    (the body's break and continue, the generator's return) made flags."""

    def __init__(self, fresh, loop, body, counter):
        self.fresh = fresh
        self.loop = loop
        self.body = body
        self.counter = counter
        self.flags = {}

    def flag(self, kind):
        """The name of the flag `kind` ("stop" or "skip"), made on first use."""
        if kind not in self.flags:
            self.flags[kind] = self.fresh(kind)
        return self.flags[kind]

    def set_flag(self, kind, at):
        return assign(self.flag(kind), S.const(True), at)

    def check(self, at):
        """`if stop: break`."""
        return placed(S.If(test=S.load(self.flag("stop")), body=[placed(S.Break(), at)],
                           orelse=[]), at)

    def guard(self, kinds, rest, at):
        names = [S.load(self.flag(k)) for k in sorted(kinds)]
        test = names[0] if len(names) == 1 else S.BoolOp(op=S.Or(), values=names)
        return placed(S.If(test=S.UnaryOp(op=S.Not(), operand=test), body=rest, orelse=[]),
                      at)

    # the generator's statements: (new statements, whether they may leave the generator)
    def gen_block(self, stmts, in_loop, checked_after):
        out, left = [], False
        for i, s in enumerate(stmts):
            last = i == len(stmts) - 1
            if isinstance(s, S.Expr) and isinstance(s.value, S.Yield):
                new, leaves = self.yield_site(s)
            elif isinstance(s, S.Return):
                out.append(self.set_flag("stop", s))
                if in_loop:
                    out.append(placed(S.Break(), s))
                return out, True
            elif isinstance(s, S.If):
                s.body, l1 = self.gen_block(s.body, in_loop, True)
                s.orelse, l2 = self.gen_block(s.orelse, in_loop, True)
                s.body = s.body or [placed(S.Pass(), s)]
                new, leaves = [s], l1 or l2
            elif isinstance(s, (S.For, S.While)):
                s.body, l1 = self.gen_block(s.body, True, False)
                s.orelse, l2 = self.gen_block(s.orelse, in_loop, True)
                s.body = s.body or [placed(S.Pass(), s)]
                new, leaves = [s], l1 or l2
            else:
                new, leaves = [s], False
            out.extend(new)
            if not leaves:
                continue
            left = True
            if in_loop:
                if not (last and checked_after):
                    out.append(self.check(s))
                continue
            rest, _ = self.gen_block(stmts[i + 1:], in_loop, checked_after)
            if rest:
                out.append(self.guard({"stop"}, rest, s))
            return out, True
        return out, left

    def yield_site(self, stmt):
        loop = self.loop
        value = stmt.value.value if stmt.value.value is not None else S.const(None)
        out = []
        target = loop.target
        if self.counter is not None and isinstance(target, (S.Tuple, S.List)) and \
                len(target.elts) == 2 and all(isinstance(e, S.Name) for e in target.elts) \
                and target.elts[0].id != target.elts[1].id:   # i, v = count, e
            out.append(placed(S.Assign(targets=[S.clone(target.elts[1])], value=value,
                                    type_comment=None), stmt))
            target, value = target.elts[0], S.load(self.counter)
        elif self.counter is not None:
            value = placed(S.Tuple(elts=[S.load(self.counter), value], ctx=S.Load()), stmt)
        out.append(placed(S.Assign(targets=[S.clone(target)], value=value,
                                type_comment=None), stmt))
        if self.counter is not None:
            out.append(placed(S.quote(f"{self.counter} = {self.counter} + 1")[0], stmt))
        body, kinds = self.body_block([S.clone(s) for s in self.body])
        if "skip" in kinds:
            out.append(assign(self.flag("skip"), S.const(False), stmt))
        return out + body, "stop" in kinds

    # the loop's body: (new statements, the flags it may set)
    def body_block(self, stmts):
        out = []
        for i, s in enumerate(stmts):
            if isinstance(s, S.Break):
                out.append(self.set_flag("stop", s))
                return out, {"stop"}
            if isinstance(s, S.Continue):
                out.append(self.set_flag("skip", s))
                return out, {"skip"}
            if not (isinstance(s, S.If) and jumps(s)):
                out.append(s)
                continue
            s.body, k1 = self.body_block(s.body)
            s.orelse, k2 = self.body_block(s.orelse)
            s.body = s.body or [placed(S.Pass(), s)]
            out.append(s)
            kinds = k1 | k2
            rest, k3 = self.body_block(stmts[i + 1:])
            if rest:
                out.append(self.guard(kinds, rest, s))
            return out, kinds | k3
        return out, set()
