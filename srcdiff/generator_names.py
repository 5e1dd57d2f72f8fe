"""A user generator kept in a name and read by next(), for loops and consumers (stage 3,
lower: called by generator_calls.prepare). Takes the user's `Source`, a gast FunctionDef
and a finder of generator calls; gives back the function with each generator kept in a
name rewritten as the list of its items and a position in it (a copy; the same function
where there is none), and the statements to check for writes the generator could see, or
raises a located refusal.

`it = gen(x)` bound once, then read only in later statements of the same block, by
`next(it)`, `next(it, default)`, `for v in it:`, or (last) by a consumer taking all that is
left (list(it), sum(it), zip(it, ...) or enumerate(it) in a for header or a consumer, a
comprehension over it) becomes

    it_items = list(gen(x))                  # approved: generator_calls
    it_at = 0
    ...
    if it_at == len(it_items):               # next(it), at its statement's line
        raise StopIteration
    it_1 = it_items[it_at]
    it_at = it_at + 1
    a = it_1 * 0.5

so StopIteration is raised where Python raises it, a `for` loop over `it` moves the
position item by item (a `break` leaves it where Python leaves it), and a consumer takes
`it_items[it_at:]`. Taking the items first is the same as taking them one by one only where
the generator ends on its own (a bounded one, or one taken to its end) and nothing between
changes what it reads: generator_calls checks the statements given back as it checks a for
loop's body. Other uses (passing `it` on, next() under a condition or in a while test, the
name read inside a for loop over it) are refused at the use, naming what the user wrote.
"""
import builtins

from . import syntax as S
from .generators import SCOPES, exits, own_nodes

FULL = ("list", "tuple", "sum", "sorted", "min", "max", "set", "frozenset", "dict")
PAIRS = ("zip", "enumerate")
NEEDED = ("list", "len", "range", "next", "StopIteration")


def keep_items(source, fdef, generator_of, resolve):
    """`fdef` with each generator kept in a name rewritten (see the module docstring), and
    [(list call, gen, statements after it up to its last use, names bound to its items,
    how the user wrote it)]."""
    if _next_kept(fdef, generator_of, set()) is None:
        return fdef, []   # (no copy made: most functions keep no generator)
    fdef = _split_rebound(source, fdef, generator_of)
    stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
              not isinstance(n.ctx, S.Load)}
    if any(name in stored or resolve(name) is not getattr(builtins, name) for name in NEEDED):
        return fdef, []   # the user's own list, len, ...: left to generator_calls' refusal
    kept = []
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    while True:
        found = _next_kept(fdef, generator_of, {id(k[0]) for k in kept})
        if found is None:
            return fdef, kept
        block, i, gen = found
        kept.append(_Kept(source, fdef, block, i, gen, taken, resolve).rewrite())


def _split_rebound(source, fdef, generator_of):
    """`fdef` (a copy where it changes) with a name bound to a generator more than once
    (`it = gen(x); ...; it = gen(y); ...`) given a name of its own for each binding after
    the first, where every binding is `name = ...` in one block and every read follows the
    first binding in that block (outside any nested scope): each read then sees only the
    binding before it, so the names say the same."""
    bound = {}
    for stmts in _blocks(fdef):
        for stmt in stmts:
            if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
                    isinstance(stmt.targets[0], S.Name):
                bound.setdefault(stmt.targets[0].id, []).append((stmts, stmt))
    twice = [name for name, found in bound.items() if len(found) > 1 and any(
        isinstance(st.value, S.Call) and generator_of(st.value) is not None for _, st in found)]
    if not twice:
        return fdef
    fdef = S.clone(fdef)
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    own = {id(n) for n in own_nodes(fdef)}
    for name in twice:
        binds = [st for stmts in _blocks(fdef) for st in stmts if isinstance(st, S.Assign) and
                 len(st.targets) == 1 and isinstance(st.targets[0], S.Name) and
                 st.targets[0].id == name]
        block = next(stmts for stmts in _blocks(fdef) if any(st is binds[0] for st in stmts))
        at = [k for k, st in enumerate(block) if any(st is b for b in binds)]
        names = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name]
        loads = {id(n) for n in names if isinstance(n.ctx, S.Load)}
        if len(at) != len(binds) or len(names) - len(loads) != len(binds) or \
                any(id(n) not in own for n in names):
            continue   # bound elsewhere too (a parameter, a for target), or read in a closure
        segment = {}
        for k, stmt in enumerate(block[at[0]:], at[0]):
            for n in S.walk(stmt):
                if isinstance(n, S.Name) and n.id == name:
                    segment[id(n)] = sum(1 for b in at if b < k) - (0 if k in at and not
                                                                    isinstance(n.ctx, S.Load) else 1)
        if len(segment) != len(names) or any(segment[i] < 0 for i in loads):
            continue   # read before its first binding (a loop's next pass) or elsewhere
        fresh = {k: S.fresh_name(f"{name}_{k + 1}", taken) for k in range(1, len(at))}
        for n in names:
            if segment[id(n)] > 0:
                n.id = fresh[segment[id(n)]]
        said = getattr(source, "renamed", None) or {}
        said.update({new: (name, name) for new in fresh.values()})
        source.renamed = said   # refusals name what the user wrote (frontend.Source)
    return fdef


def _next_kept(fdef, generator_of, done):
    """(block, index, generator) of the first `name = gen(...)` not yet rewritten."""
    for stmts in _blocks(fdef):
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and \
                    isinstance(stmt.targets[0], S.Name) and isinstance(stmt.value, S.Call) \
                    and id(stmt.value) not in done:
                gen = generator_of(stmt.value)
                if gen is not None:
                    return stmts, i, gen
    return None


def _blocks(node):
    for n in [node] + [m for m in own_nodes(node) if isinstance(m, S.stmt)]:
        if n is node or not isinstance(n, SCOPES):
            yield from _inner_blocks(n)


class _Kept:
    def __init__(self, source, fdef, block, i, gen, taken, resolve):
        self.source, self.fdef, self.block, self.i, self.gen = source, fdef, block, i, gen
        self.resolve = resolve
        self.assign = block[i]
        self.name = self.assign.targets[0].id
        self.call = self.assign.value
        self.shown = f"{self.name} ({S.spell(self.call.func)}(...))"
        self.items = S.fresh_name(f"{self.name}_items", taken)
        self.at = S.fresh_name(f"{self.name}_at", taken)
        self.taken = taken
        self.targets = set()
        said = getattr(source, "renamed", None) or {}
        said.update({self.items: (f"the items of {self.name}", self.name),
                     self.at: (f"the position in {self.name}", self.name),
                     f"{self.items}[{self.at}:]": (f"what is left of {self.name}",
                                                   f"list({self.name})")})
        source.renamed = said   # refusals name what the user wrote (frontend.Source)

    # -- where the name is read ---------------------------------------------------------
    def uses(self):
        """[(statement index in the block, the Name node, its parents)], in source order;
        refuses a use anywhere else."""
        found, stores, dels = [], 0, 0
        for j, stmt in enumerate(self.block):
            for node, parents in _with_parents(stmt):
                if isinstance(node, S.Name) and node.id == self.name:
                    if isinstance(node.ctx, S.Del):
                        dels += 1   # `del t` (emitted code differentiated again)
                    elif not isinstance(node.ctx, S.Load):
                        stores += 1
                    elif j <= self.i:
                        return None
                    else:
                        found.append((j, node, parents))
        others = [n for n in S.walk(self.fdef) if isinstance(n, S.Name) and
                  n.id == self.name]
        if stores != 1 or len(others) != len(found) + dels + 1:
            return None   # bound twice, or read outside this block: generator_calls refuses
        return found

    def rewrite(self):
        uses = self.uses()
        if uses is None:
            return self.call, self.gen, [], set(), None   # left as it is: refused as kept
        kinds = [self.kind(node, parents) for _, node, parents in uses]
        last = len(uses) - 1
        again = [_repeated(node, parents) for _, node, parents in uses]
        for k, ((j, node, parents), kind) in enumerate(zip(uses, kinds)):
            if kind in ("all", "pairs") and k != last:
                raise self.refuse(node, "takes all its items here, and the name is read "
                                  "again after", "read it once more only by next() or a "
                                  "for loop before it, or take its items into a list first")
            if kind in ("all", "pairs") and again[k]:
                raise self.refuse(node, "takes all its items here, again on each pass of "
                                  "the loop around it (Python finds none left after the "
                                  "first)", "take its items into a list before the loop")
            if kind == "loop" and any(n.id == self.name for n in S.walk(parents[-1])
                                      if isinstance(n, S.Name) and n is not node):
                raise self.refuse(node, "is read inside the for loop that goes through it",
                                  "take the items into a list first and index it")
        ends = kinds[last] in ("all", "pairs") or kinds[last] == "loop" and \
            exits(uses[last][2][-1].body, returns=True) is None
        if not self.gen.bounded and not ends:
            raise self.refuse(uses[last][1], "is not taken to its end, and its generator "
                              "loops with while, so srcdiff cannot take all its items first",
                              f"give {S.spell(self.call.func)} a bounded loop (for ... in "
                              "range(n)), or take all its items")
        # a position is kept where an item is taken by next(), or by a loop that more
        # code follows or that runs again on each pass of a loop around it
        moved = "next" in kinds or "loop" in kinds[:last] or any(again)
        end_stmt = self.block[uses[last][0]]
        for (j, node, parents), kind, twice in reversed(list(zip(uses, kinds, again))):
            if kind in ("all", "pairs"):
                _replace(parents[-1], node,
                         _at(self.rest() if moved else S.load(self.items), node))
            elif kind == "loop":
                self.loop(parents[-1], node is not uses[last][1] or twice, moved)
        self.hoist_all(self.block, self.i + 1)
        left = [n for n in S.walk(self.fdef) if _is_next_of(n, self.name)]
        if left:
            raise self.refuse(left[0], "is given to next() where srcdiff cannot take the "
                              "item before the statement (a while loop's test, evaluated "
                              "again and again)", f"take the item in a statement of its "
                              f"own: v = next({self.name}), then test v")
        listed = S.Call(func=S.load("list"), args=[self.call], keywords=[])
        new = [S.Assign(targets=[S.store(self.items)], value=listed, type_comment=None)]
        if moved:
            new += S.quote(f"{self.at} = 0")
        for stmt in new:
            _at(stmt, self.assign, keep=self.call)
        self.block[self.i:self.i + 1] = new
        end = self.block.index(end_stmt) + 1
        return listed, self.gen, self.block[self.i + len(new):end], self.targets, self.shown

    def kind(self, node, parents):
        parent = parents[-1]
        if isinstance(parent, S.Call) and isinstance(parent.func, S.Name) and \
                parent.func.id == "next" and parent.args and parent.args[0] is node and \
                len(parent.args) <= 2 and not parent.keywords:
            return "next"
        if isinstance(parent, S.For) and parent.iter is node:
            return "loop"
        if isinstance(parent, S.comprehension) and parent.iter is node:
            return "all"
        if isinstance(parent, S.Call) and node in parent.args:
            if self._builtin(parent, *FULL) or self._lists_items(parent):
                return "all"
            if self._builtin(parent, *PAIRS) and self._paired(parents):
                return "pairs"
        what = ("passed on" if isinstance(parent, S.Call) else "sent to or closed"
                if isinstance(parent, S.Attribute) else "read here")
        raise self.refuse(node, f"is {what}", "read it only by next(), a for loop over it, "
                          "or list()/sum()/zip() of what is left")

    def _paired(self, parents):
        """zip(it, ...) / enumerate(it) (nested) standing in a for header, a comprehension or
        a consumer of every item."""
        k = len(parents) - 1
        while k > 0 and isinstance(parents[k - 1], S.Call) and \
                self._builtin(parents[k - 1], *PAIRS):
            k -= 1
        holder, outer = parents[k], parents[k - 1] if k > 0 else None
        if isinstance(outer, (S.For, S.comprehension)) and outer.iter is holder:
            return True
        return isinstance(outer, S.Call) and holder in outer.args and \
            (self._builtin(outer, *FULL) or self._lists_items(outer))

    def _builtin(self, call, *names):
        f = call.func
        return isinstance(f, S.Name) and f.id in names and \
            self.resolve(f.id) is getattr(builtins, f.id)

    def _lists_items(self, call):
        """srcdiff's iteration_order or sequence_of (emitted code differentiated again)."""
        from .runtime_containers import iteration_order, sequence_of
        return isinstance(call.func, S.Name) and \
            self.resolve(call.func.id) in (iteration_order, sequence_of)

    def refuse(self, node, why, hint):
        return self.source.error(node, f"srcdiff takes the items of a generator kept in a "
                                 f"name one by one only through next(), for loops and "
                                 f"consumers of all that is left; here {self.shown} {why}",
                                 hint=hint)

    # -- the rewrites ---------------------------------------------------------------------
    def rest(self):
        return S.quote_expr(f"{self.items}[{self.at}:]")   # placed by the caller

    def loop(self, loop, keeps_position, moved):
        self.targets |= {n.id for n in S.walk(loop.target) if isinstance(n, S.Name)}
        if not keeps_position:   # nothing reads the position after: loop over what is left
            loop.iter = _at(self.rest() if moved else S.load(self.items), loop.iter)
            return
        k = S.fresh_name(f"{self.name}_k", self.taken)
        self.source.renamed[k] = (f"the position in {self.name}", self.name)
        head = _quote(f"{self.at} = {k} + 1\nTARGET = {self.items}[{k}]", loop,
                      TARGET=loop.target)
        loop.target = _at(S.store(k), loop.target)
        loop.iter = _at(S.quote_expr(f"range({self.at}, len({self.items}))"), loop.iter)
        loop.body = head + loop.body

    def hoist_all(self, stmts, start=0):
        """Each next() of the name in `stmts[start:]` (and their blocks) taken before the
        statement that evaluates it, in its own block."""
        k = start
        while k < len(stmts):
            stmt = stmts[k]
            if not isinstance(stmt, SCOPES):
                for block in _inner_blocks(stmt):
                    self.hoist_all(block)
            new = self.hoist(stmt)
            stmts[k:k + 1] = new
            k += len(new)

    def hoist(self, stmt):
        """`stmt` with each next() of the name it evaluates first taken before it."""
        before = []
        for call, parent in self._nexts(stmt):
            value = S.fresh_name(f"{self.name}_next", self.taken)
            self.source.renamed[value] = (f"next({self.name})", f"next({self.name})")
            self.targets.add(value)
            if len(call.args) == 1:
                before += _quote(f"if {self.at} == len({self.items}):\n"
                                 f"    raise StopIteration\n"
                                 f"{value} = {self.items}[{self.at}]\n"
                                 f"{self.at} = {self.at} + 1", call)
            else:
                before += _quote(f"{value} = DEFAULT\n"
                                 f"if {self.at} < len({self.items}):\n"
                                 f"    {value} = {self.items}[{self.at}]\n"
                                 f"    {self.at} = {self.at} + 1", call, DEFAULT=call.args[1])
            _replace(parent, call, _at(S.load(value), call))
        return before + [stmt]

    def _nexts(self, stmt):
        """(call, parent) of the next() calls of the name that `stmt` makes before its body,
        in the order Python makes them; refuses one it makes only on some paths."""
        found = []
        for part in _evaluated_first(stmt):
            for node, parents in _post_order(part, [stmt]):
                if _is_next_of(node, self.name):
                    if any(_conditional(p, c) for p, c in zip(parents, parents[1:] + [node])):
                        raise self.refuse(node, "is given to next() where it runs only on "
                                          "some paths (a condition, a comprehension or a "
                                          "lambda)", f"take the item first: v = "
                                          f"next({self.name}), then use v there")
                    found.append((node, parents[-1]))
        return found


def _repeated(node, parents):
    """Whether `node` (under the statement parents[0]) may run more than once: it lies in
    the body of a loop below that statement, or in the test of a while loop."""
    for parent, child in zip(parents, parents[1:] + [node]):
        if isinstance(parent, S.While) and child is not None:
            return True
        if isinstance(parent, S.For) and child is not parent.iter and child is not \
                parent.target:
            return True
    return False


def _is_next_of(node, name):
    return isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
        node.func.id == "next" and bool(node.args) and isinstance(node.args[0], S.Name) \
        and node.args[0].id == name


def _inner_blocks(stmt):
    for field in ("body", "orelse", "finalbody"):
        stmts = getattr(stmt, field, None)
        if isinstance(stmts, list) and stmts and isinstance(stmts[0], S.stmt):
            yield stmts
    for handler in getattr(stmt, "handlers", []) or []:
        yield handler.body


def _post_order(node, parents):
    """(node, its ancestors) for `node` and every node under it, children first (the order
    Python evaluates them; nested scopes skipped)."""
    for child in S.iter_child_nodes(node):
        if not isinstance(child, SCOPES):
            yield from _post_order(child, parents + [node])
    yield node, parents


def _evaluated_first(stmt):
    """The expressions a statement evaluates once, before any body of its own."""
    if isinstance(stmt, S.Assign):
        return [stmt.value] + stmt.targets
    if isinstance(stmt, (S.AugAssign, S.AnnAssign)):
        return [v for v in (stmt.value, stmt.target) if v is not None]
    if isinstance(stmt, (S.Expr, S.Return)):
        return [stmt.value] if stmt.value is not None else []
    if isinstance(stmt, S.If):
        return [stmt.test]
    if isinstance(stmt, S.For):
        return [stmt.iter]
    if isinstance(stmt, S.With):
        return [item.context_expr for item in stmt.items]
    return []


def _conditional(parent, child):
    """Whether `child` of `parent` is evaluated only on some paths, or many times."""
    if isinstance(parent, S.BoolOp):
        return child is not parent.values[0]
    if isinstance(parent, S.IfExp):
        return child is not parent.test
    if isinstance(parent, (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
        return not (parent.generators and child is parent.generators[0])
    if isinstance(parent, S.comprehension):
        return True
    return False


def _with_parents(root):
    """(node, [root ... its parent]) for each node under `root` (nested scopes skipped)."""
    out = []

    def visit(node, parents):
        for child in S.iter_child_nodes(node):
            if not isinstance(child, SCOPES):
                out.append((child, parents + [node]))
                visit(child, parents + [node])
    visit(root, [])
    return out


def _quote(source, old, **nodes):
    """The statements of `source` placed at `old`'s position, each name in `nodes` replaced
    by that node (the user's own, keeping its position)."""
    stmts = S.quote(source)
    for stmt in stmts:
        _at(stmt, old)
    for stmt in stmts:
        for node, parents in _with_parents(stmt):
            if isinstance(node, S.Name) and node.id in nodes:
                _replace(parents[-1], node, nodes[node.id])
    return stmts


def _at(new, old, keep=None):
    """`new` and every node under it (but `keep`'s) placed at `old`'s position."""
    inside = {id(n) for n in S.walk(keep)} if keep is not None else set()
    for n in S.walk(new):
        if isinstance(n, (S.stmt, S.expr)) and id(n) not in inside:
            n.lineno, n.col_offset = old.lineno, old.col_offset
            n.end_lineno = getattr(old, "end_lineno", old.lineno)
            n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    return new


def _replace(parent, old, new):
    for field, value in S.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list):
            for k, item in enumerate(value):
                if item is old:
                    value[k] = new
                    return
    raise AssertionError("not a child")
