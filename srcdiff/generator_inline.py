"""A user generator inlined into the for loop that takes its items (stage 3, lowering:
called by generator_calls.prepare before the calls left are checked). Takes the gast
FunctionDef being lowered and the resolver of its free names; gives back the function with
each `for T in gen(args): BODY` (and `for i, T in enumerate(gen(args))`, and `y =
sum(gen(args))` as such a loop adding to an accumulator) it can inline rewritten so the
generator runs lazily, step by step with the loop's body, as in Python:

    p = args                     # the generator's parameters (its locals renamed apart)
    <gen's body, each `yield e` replaced by `T = e` and a copy of BODY>

BODY's `break` sets a flag that leaves every loop of the generator (`if stop: break` after
each statement that may set it, `if not stop:` over what follows outside its loops); its
`continue` skips the rest of that copy of BODY; the generator's `return` leaves the same
way; `yield from it` is a loop over `it` (inlined in turn where `it` is a generator call).
So a `print` in the generator shows between the body's, and a loop that breaks before an
item that would fail never reaches it.

Inlined: a generator defined in the function (its free names are the function's own) or a
plain module-level one of the same file whose free names mean here what they mean there.
Left as the list of its items (generators.py; the call then checked by generator_calls.py):
a generator called by a method or through a value, recursively (one already being inlined),
with `*args`, `**kwargs` or a default that is not a literal, with nested functions, `try`,
`with`, `global`, a `return` of a value, a yield used as a value, a loop `else:` or an exit
of BODY inside a `with`/`try`, or a generator that never ends under a loop that never leaves.
"""
import builtins
import types

from . import idiom_rewrite
from . import syntax as S
from .generator_splice import Splice, assign as _assign, drop_unread, jumps, placed as _at
from .generators import SCOPES, check_generator, exits, is_generator, own_nodes

_REFUSED_INSIDE = SCOPES + (S.Try, S.With, S.Global, S.Nonlocal, S.AsyncFor, S.AsyncWith,
                            S.Await)


def inline_loops(source, fdef, resolve):
    """`fdef` with each for loop over a generator call that can be inlined rewritten (a
    copy; `fdef` itself when there is none)."""
    if not any(isinstance(n, S.For) and isinstance(n.iter, S.Call) or isinstance(n, S.Call)
               and isinstance(n.func, S.Name) and n.func.id == "sum" for n in S.walk(fdef)):
        return fdef
    inliner = _Inliner(source, fdef, resolve)
    if not any(inliner.plan(n, ()) if isinstance(n, S.For) else inliner.sum_plan(n, ())
               for n in own_nodes(fdef) if isinstance(n, (S.For, S.Assign, S.AugAssign,
                                                          S.Return))):
        return fdef
    fdef = S.clone(fdef)
    inliner.local_defs = _local_defs(fdef)
    fdef.body = _without_unused_generators(inliner.block(fdef.body, ()))
    return fdef


def _without_unused_generators(body):
    """`body` without the defs of local generators no longer called (all inlined)."""
    while True:
        defs = [n for s in body for n in [s] + list(own_nodes(s))
                if isinstance(n, S.FunctionDef) and is_generator(n)]
        unused = set()
        for d in defs:
            inside = {id(n) for n in S.walk(d)}
            if not any(isinstance(n, S.Name) and n.id == d.name and id(n) not in inside
                       for s in body for n in S.walk(s)):
                unused.add(id(d))
        if not unused:
            return body
        body = _drop_defs(body, unused)


def _drop_defs(stmts, ids):
    out = []
    for s in stmts:
        if id(s) in ids:
            continue
        if not isinstance(s, SCOPES):
            for field in ("body", "orelse", "finalbody"):
                value = getattr(s, field, None)
                if isinstance(value, list) and value and isinstance(value[0], S.stmt):
                    setattr(s, field, _drop_defs(value, ids) or [_at(S.Pass(), s)])
        out.append(s)
    return out


def _local_defs(fdef):
    defs = {}
    for n in own_nodes(fdef):
        if isinstance(n, S.FunctionDef):
            defs.setdefault(n.name, []).append(n)
    return {k: v[0] for k, v in defs.items() if len(v) == 1}


def _bound(fdef):
    """Every name `fdef` (nested scopes too) binds."""
    out = set()
    for n in S.walk(fdef):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            out.add(n.id)
        elif isinstance(n, (S.FunctionDef, S.ClassDef, S.AsyncFunctionDef)):
            out.add(n.name)
        elif isinstance(n, S.alias):
            out.add((n.asname or n.name).split(".")[0])
    return out


class _Plan:
    """One generator to inline: its (copied) def, the key of the recursion guard, the
    values bound to its parameters."""

    def __init__(self, key, gdef, source):
        self.key, self.gdef, self.source = key, gdef, source


class _Inliner:
    def __init__(self, source, fdef, resolve):
        self.source = source
        self.resolve = resolve
        self.local_defs = _local_defs(fdef)
        self.bound = _bound(fdef)
        self.stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
                       not isinstance(n.ctx, S.Load)}
        self.taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | self.bound

    def fresh(self, base):
        name, k = base, 0
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    # -- which loops ---------------------------------------------------------------------
    def plan(self, loop, stack):
        """The generator `loop` runs over, when it can be inlined there; else None."""
        call, count = self.split_enumerate(loop.iter)
        if not isinstance(call, S.Call) or not isinstance(call.func, S.Name) or loop.orelse:
            return None
        found = self.generator_def(call.func.id, loop)
        if found is None:
            return None
        key, gdef, source = found
        if key in stack or not self.fits(call, gdef) or not self.body_fits(loop.body):
            return None
        if any(isinstance(n, S.While) and isinstance(n.test, S.Constant) and n.test.value
               and not exits(n.body) for n in own_nodes(gdef)) and \
                exits(loop.body, returns=True) is None:
            return None   # never ends and the loop never leaves: refused as a list
        check_generator(source, gdef, endless=True)
        return _Plan(key, gdef, source)

    def split_enumerate(self, it):
        if isinstance(it, S.Call) and isinstance(it.func, S.Name) and it.func.id == \
                "enumerate" and "enumerate" not in self.bound and \
                self.resolve("enumerate") is builtins.enumerate and not it.keywords and \
                len(it.args) in (1, 2) and not any(isinstance(a, S.Starred) for a in it.args):
            return it.args[0], (it.args[1] if len(it.args) == 2 else S.const(0))
        return it, None

    def generator_def(self, name, loop):
        """(recursion key, a copy of the def, its Source) of the generator `name` calls."""
        if name in self.local_defs:   # defined once, before the loop, never rebound
            node = self.local_defs[name]
            return (("local", name), S.clone(node), self.source) if is_generator(node) and \
                name not in self.stored and node.lineno < loop.lineno else None
        if name in self.bound:
            return None
        fn = self.resolve(name)
        if not isinstance(fn, types.FunctionType) or fn.__code__.co_freevars or \
                not fn.__code__.co_flags & 0x20:   # CO_GENERATOR
            return None
        try:
            from .frontend import get_source
            source = get_source(fn)
        except Exception:   # no source: the call is lowered (and refused) as it is
            return None
        if source.filename != self.source.filename or not is_generator(source.node):
            return None
        gdef = idiom_rewrite.desugar(S.clone(source.node), self.resolve)
        local = _locals(gdef)
        for n in own_nodes(gdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id not in local:
                if n.id in self.bound:
                    return None
                there = fn.__globals__.get(n.id, getattr(builtins, n.id, _MISSING))
                if there is _MISSING or self.resolve(n.id) is not there:
                    return None
        return fn, gdef, source

    def fits(self, call, gdef):
        a = gdef.args
        if a.vararg or a.kwarg or a.kwonlyargs or any(
                isinstance(x, S.Starred) for x in call.args) or \
                any(k.arg is None for k in call.keywords):
            return False
        params = [p.id for p in a.posonlyargs + a.args]
        given = params[:len(call.args)] + [k.arg for k in call.keywords]
        if len(call.args) > len(params) or len(set(given)) != len(given) or \
                not set(given) <= set(params) or \
                any(k.arg in [p.id for p in a.posonlyargs] for k in call.keywords):
            return False
        defaults = dict(zip(params[len(params) - len(a.defaults):], a.defaults))
        if any(p not in given and not isinstance(defaults.get(p), S.Constant)
               for p in params):
            return False
        for n in own_nodes(gdef):
            if isinstance(n, _REFUSED_INSIDE) or isinstance(n, S.Return) and not (
                    n.value is None or isinstance(n.value, S.Constant)):
                return False
            if isinstance(n, (S.Yield, S.YieldFrom)) and not _yield_statement(gdef, n):
                return False
        return True

    def body_fits(self, body):
        """The loop's own break and continue stand in ifs only (not in with, try or a
        nested loop's else)."""
        for s in body:
            if isinstance(s, S.If):
                if not (self.body_fits(s.body) and self.body_fits(s.orelse)):
                    return False
            elif not isinstance(s, (S.Break, S.Continue)) and jumps(s):
                return False
        return True

    # -- the rewrite ---------------------------------------------------------------------
    def block(self, stmts, stack):
        out = []
        for s in stmts:
            plan = self.plan(s, stack) if isinstance(s, S.For) else None
            if plan is not None:
                out.extend(self.inline(s, plan, stack))
                continue
            summed = self.summed(s, stack)
            if summed is not None:
                out.extend(summed)
                continue
            if not isinstance(s, SCOPES):
                for field in ("body", "orelse", "finalbody"):
                    value = getattr(s, field, None)
                    if isinstance(value, list) and value and isinstance(value[0], S.stmt):
                        setattr(s, field, self.block(value, stack))
                for handler in getattr(s, "handlers", None) or []:
                    handler.body = self.block(handler.body, stack)
            out.append(s)
        return out

    def sum_plan(self, stmt, stack):
        """(the loop over the generator, its plan) where `stmt` is `y = sum(gen(args))`,
        `return sum(...)` or `y += sum(...)` (a literal start too); else None."""
        value = getattr(stmt, "value", None)
        if not isinstance(stmt, (S.Assign, S.AugAssign, S.Return)) or not (
                isinstance(value, S.Call) and isinstance(value.func, S.Name) and
                value.func.id == "sum" and "sum" not in self.bound and
                self.resolve("sum") is builtins.sum and not value.keywords and
                len(value.args) in (1, 2) and isinstance(value.args[0], S.Call) and
                all(isinstance(a, S.Constant) for a in value.args[1:])):
            return None
        loop = _at(S.For(target=S.store("item"), iter=value.args[0], body=[], orelse=[],
                         type_comment=None), value)
        plan = self.plan(loop, stack)
        return None if plan is None else (loop, plan)

    def summed(self, stmt, stack):
        """`y = sum(gen(args))` as `acc = 0`, a for loop adding each item to acc, inlined,
        then `y = acc`."""
        found = self.sum_plan(stmt, stack)
        if found is None:
            return None
        loop, plan = found
        value = stmt.value
        acc, loop.target.id = self.fresh("acc"), self.fresh("item")
        loop.body = [_at(S.quote(f"{acc} = {acc} + {loop.target.id}")[0], value)]
        start = value.args[1] if len(value.args) == 2 else S.const(0)
        stmt.value = _at(S.load(acc), value)
        return [_assign(acc, start, value)] + self.inline(loop, plan, stack) + [stmt]

    def inline(self, loop, plan, stack):
        gdef = plan.gdef
        call, count = self.split_enumerate(loop.iter)
        gname = gdef.name
        renames = {n: self.fresh(f"{n}_{gname}") for n in sorted(_locals(gdef))}
        said = getattr(self.source, "renamed", None) or {}
        said.update({new: (f"{n} (in {gname})", n) for n, new in renames.items()})
        self.source.renamed = said   # refusals name what the user wrote (frontend.Source)
        for n in S.walk(gdef):
            if isinstance(n, S.Name) and n.id in renames:
                n.id = renames[n.id]
        first = []
        params = [p.id for p in gdef.args.posonlyargs + gdef.args.args]
        stored = _stored(gdef.body) | _stored(loop.body) | _stored([loop.target])
        same = {}   # a parameter never rebound, passed a name the loop never rebinds
        for p, value in zip(params, call.args):
            if isinstance(value, S.Name) and p not in stored and value.id not in stored:
                same[p] = value.id
            else:
                first.append(_assign(p, value, call))
        for k in call.keywords:
            first.append(_assign(renames[k.arg], k.value, call))
        given = params[:len(call.args)] + [renames[k.arg] for k in call.keywords]
        defaults = dict(zip(params[len(params) - len(gdef.args.defaults):],
                            gdef.args.defaults))
        for p in params:
            if p not in given:
                first.append(_assign(p, defaults[p], call))
        if same:
            for n in S.walk(gdef):
                if isinstance(n, S.Name) and n.id in same:
                    n.id = same[n.id]
        counter = None
        if count is not None:
            counter = self.fresh("count")
            first.append(_assign(counter, count, loop))
        body = self.block(_yields_from(gdef.body, self), stack + (plan.key,))
        consumer = self.block(loop.body, stack)
        splice = Splice(self.fresh, loop, consumer, counter)
        body, _ = splice.gen_block(body, False, False)
        if splice.flags:
            used = {n.id for s in body for n in S.walk(s)
                    if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}
            body = drop_unread(body, set(splice.flags.values()) - used)
            if splice.flags.get("stop") in used:
                first.insert(0, _assign(splice.flags["stop"], S.const(False), loop))
        return first + body


_MISSING = object()


def _locals(gdef):
    return {p.id for p in gdef.args.posonlyargs + gdef.args.args} | {
        n.id for n in own_nodes(gdef) if isinstance(n, S.Name) and
        not isinstance(n.ctx, S.Load)}


def _stored(stmts):
    return {n.id for s in stmts for n in S.walk(s) if isinstance(n, S.Name) and
            not isinstance(n.ctx, S.Load)}


def _yield_statement(gdef, node):
    return any(isinstance(n, S.Expr) and n.value is node for n in own_nodes(gdef))


def _yields_from(stmts, inliner):
    """`yield from it` as `for item in it: yield item`."""
    out = []
    for s in stmts:
        if isinstance(s, S.Expr) and isinstance(s.value, S.YieldFrom):
            item = inliner.fresh("item")
            loop = S.For(target=S.store(item), iter=s.value.value, body=[
                S.Expr(value=S.Yield(value=S.load(item)))], orelse=[], type_comment=None)
            out.append(_at(loop, s))
            continue
        if not isinstance(s, SCOPES):
            for field in ("body", "orelse", "finalbody"):
                value = getattr(s, field, None)
                if isinstance(value, list) and value and isinstance(value[0], S.stmt):
                    setattr(s, field, _yields_from(value, inliner))
        out.append(s)
    return out
