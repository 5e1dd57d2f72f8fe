"""Loops over a known list of functions unrolled (stage 3, lowering: called by
idiom_rewrite.desugar before the function is lowered). Takes the rewritten copy of the
user's FunctionDef and a `resolve(name)` for free names; gives back the same tree with each
such loop written out once per function, or unchanged where nothing applies.

A call needs to know its callee before the code runs. In

    fs = [np.sin, np.tanh]
    for g in fs:
        t = 0.5 * g(t) + 0.1

`g` holds each function in turn, so the loop is written out once per item, with the item in
place of the loop's variable (`t = 0.5 * np.sin(t) + 0.1`, then `np.tanh`), each copy keeping
the line of the loop's body. The same holds for a comprehension or generator over such a
list (`sum(np.sum(g(x)) for g in fs)` becomes the sum of a list display) and for a loop
unpacking tuples (`for k, fn in (("sin", np.sin), ("sq", np.square))`), and for the pairs
or values of a dict display (`for k, fn in acts.items()`, `for fn in acts.values()`).

It applies only where the items are known and cannot change while the loop runs: the
iterable is a list or tuple display, or a local bound once to one (the loops reading it come
after the binding, in the same block) and otherwise only read as the iterable of such
loops; each item a constant, a module-level name or attribute path (`np.sin`), a def of the
function's own body, or a local its own body binds once (`act = lambda v: ...`); at least
one item a function; the loop's body does not rebind the loop's variables it calls and has
no nested def or lambda reading them that may run in another trip (Python's closures would
see the last item; function_items.read_in_closure). A variable the body rebinds or such a
closure reads but the body never calls (`for g, c in zip(fs, (x[0], 0.5)): ...; c = ...`)
is bound by an assignment at the top of each copy (`c = x_item_0`), as the header binds it
each trip, where no code after the loop reads the loop's variables; the pieces of each copy
are loop_copies.py's. A body with break or continue is written out as one loop of one trip
per item (`for once_0 in range(1):`, where continue ends the trip), a break setting a flag
(`stopped_0 = True`) that skips the trips after it and the loop's else. A loop over a parameter
passed a list or tuple of functions (`def summed(x, fs): for f in fs: ...`, `*fs` too) is
written out over `fs[0]`, `fs[1]`, ... where the facts the function is compiled for say how
many there are and the function each holds (parameter_lists). A loop that does not
qualify is left alone: a call of its variable is then refused by the lowering, at the
call's line.
"""
import builtins

from . import census, function_dicts, key_loops
from . import syntax as S
from .function_items import MAX_ITEMS, hoisted as _hoisted, is_function as _is_function
from .function_items import parameter_lists
from .loop_lambdas import int_constant
from .object_lists import constant_index
from .function_items import read_in_closure as _read_in_closure, simple as _simple
from .loop_copies import bind as _bind, break_sets as _break_sets, calls as _calls
from .loop_copies import own_exits as _own_exits, stores as _stores, substitute as _substitute
from .loop_copies import unless as _unless


CONSUMERS = ("sum", "list", "tuple", "min", "max", "sorted", "any", "all", "set", "dict")


def unroll(fdef, resolve, known=None):
    """A copy of `fdef` with its loops and comprehensions over known lists of functions
    written out; `fdef` itself where there is none. `known`: the facts the function is
    specialised on (a parameter passed a list of functions: parameter_lists)."""
    params = parameter_lists(fdef, known)
    if not params and not census.may_unroll(census.take(fdef)):
        return fdef   # no display with an item other than a constant (srcdiff/census.py)
    if not any(isinstance(n, (S.For, S.comprehension)) and isinstance(
            n.iter, (S.Name, S.List, S.Tuple, S.Call, S.Subscript)) for n in S.walk(fdef)):
        return fdef
    tree = S.clone(fdef)
    _known_lists(tree, resolve, hoist=True)   # items computed here bound to names first
    unrolled = _Unroll(_known_lists(tree, resolve), resolve, tree)
    unrolled.params = params
    unrolled.visit(tree)
    return tree if unrolled.changed else fdef


class _Defs(set):
    """The names of the defs of fdef's own body (a set), with `stored`: every name the
    function binds, and `once`: {name: value} of the locals bound by one statement of its own
    body (`act = lambda v: ...`), bound nowhere else."""
    stored = frozenset()
    once = {}
    params = frozenset()   # the parameters its body never binds again


def _local_defs(fdef):
    """Names of the defs of fdef's own body (run once each), defined once and never
    rebound; the locals bound once there (see _Defs)."""
    counts, stores = {}, {}
    for n in S.walk(fdef):
        if isinstance(n, (S.FunctionDef, S.AsyncFunctionDef)) and n is not fdef:
            counts[n.name] = counts.get(n.name, 0) + 1
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            stores[n.id] = stores.get(n.id, 0) + (1 if isinstance(n.ctx, S.Store) else 2)
    declared = {name for n in S.walk(fdef) if isinstance(n, (S.Global, S.Nonlocal))
                for name in n.names}
    top = {stmt.name for stmt in fdef.body if isinstance(stmt, S.FunctionDef)}
    defs = _Defs(name for name, k in counts.items() if k == 1 and name in top
                 and name not in stores and name not in declared)
    defs.stored = frozenset(stores) | frozenset(counts)
    args = fdef.args
    rebound = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del))}
    defs.params = frozenset(a.id for a in args.posonlyargs + args.args + args.kwonlyargs
                            if isinstance(a, S.Name) and a.id not in rebound | declared)
    defs.once = {stmt.targets[0].id: stmt.value
                 for stmt in fdef.body + [n for n in S.walk(fdef) if getattr(n, "sd_hoisted", 0)]
                 if isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                 and isinstance(stmt.targets[0], S.Name)
                 and stores.get(stmt.targets[0].id) == 1
                 and stmt.targets[0].id not in counts and stmt.targets[0].id not in declared}
    return defs


def _known_lists(fdef, resolve, hoist=False):
    """{name: (display, binding)} for each local bound once, to a list or tuple display of
    simple items, and read only as the iterable of for headers and comprehensions, in the
    statements after its binding in the same block. With `hoist`, a display of functions
    with items computed here (`fs = [np.tanh, Dense(0.5, 0.1)]`) gets those items bound to
    fresh names just before it, in their order (the display evaluates them there): see
    _hoisted."""
    local_defs = _local_defs(fdef)
    stores, loads = {}, {}
    for n in S.walk(fdef):
        if isinstance(n, S.Name):
            (loads if isinstance(n.ctx, S.Load) else stores).setdefault(n.id, []).append(n)
    iters, dict_iters = set(), set()
    for n in S.walk(fdef):
        if isinstance(n, (S.For, S.comprehension)):
            it = n.iter
            wrapped = it.args if isinstance(it, S.Call) and isinstance(it.func, S.Name) and \
                it.func.id in ("enumerate", "zip", "reversed") else []
            if isinstance(it, S.Subscript) and _reverses(it.slice):
                wrapped = [it.value]
            iters.update(id(a) for a in [it] + wrapped if isinstance(a, S.Name))
            if isinstance(it, S.Call) and isinstance(it.func, S.Attribute) and \
                    it.func.attr in ("items", "values") and isinstance(it.func.value, S.Name):
                dict_iters.add(id(it.func.value))
    for n in S.walk(fdef):   # fs[2](x) besides `for f in fs`: an item read, no change
        if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Load) and isinstance(
                n.value, S.Name) and (constant_index(n.slice) is not None or isinstance(
                    n.slice, S.Constant) and type(n.slice.value) is str):
            iters.add(id(n.value))
            dict_iters.add(id(n.value))
        if isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id == "len" and \
                len(n.args) == 1 and isinstance(n.args[0], S.Name) and not n.keywords and \
                resolve("len") is len and "len" not in local_defs.stored:   # len(fs) too
            iters.add(id(n.args[0]))
            dict_iters.add(id(n.args[0]))
    declared = {name for n in S.walk(fdef) if isinstance(n, (S.Global, S.Nonlocal))
                for name in n.names}
    known, pending = {}, []
    taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | set(local_defs.stored)
    for block in _blocks(fdef):
        for i, stmt in enumerate(block):
            if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0], S.Name) and isinstance(stmt.value, (S.List, S.Tuple,
                                                                         S.Dict))):
                continue
            name, value = stmt.targets[0].id, stmt.value
            readers = dict_iters if isinstance(value, S.Dict) else iters
            if len(stores.get(name, [])) != 1 or name in declared or not all(
                    id(load) in readers for load in loads.get(name, [])):
                continue
            if isinstance(value, S.Dict):   # read only as `name.items()`: its pairs
                value = function_dicts.display_pairs(value)
                if value is None:
                    continue
            later = {id(n) for after in block[i + 1:] for n in S.walk(after)}
            if not all(id(load) in later for load in loads.get(name, [])):
                continue   # read where the binding may not have run first
            if _items(value, resolve, local_defs) is not None:
                known[name] = (value, stmt)
            elif key_loops.names(value) is not None:   # string keys: see key_loops.py
                known[name] = (key_loops.Keys(elts=value.elts, ctx=S.Load()), stmt)
            elif hoist and value is not None:
                # a dict display's values are hoisted in the dict itself (its pairs are a copy)
                shown = S.List(elts=stmt.value.values, ctx=S.Load()) \
                    if isinstance(stmt.value, S.Dict) else value
                hoisted = _hoisted(shown, resolve, local_defs, taken)
                if hoisted:
                    pending.append((block, stmt, hoisted))
    for block, stmt, hoisted in pending:
        at = next(i for i, s in enumerate(block) if s is stmt)
        block[at:at] = [_placed(h, stmt) for h in hoisted]
    return known


def _blocks(fdef):
    """Every statement list of the tree."""
    for node in S.walk(fdef):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], S.stmt):
                yield stmts


def _items(value, resolve, local_defs):
    """The items of a display worth unrolling, or None."""
    if not isinstance(value, (S.List, S.Tuple)) or not 0 < len(value.elts) <= MAX_ITEMS:
        return None
    if not all(_simple(e, resolve, local_defs) for e in value.elts):
        return None
    if not any(_is_function(e, resolve, local_defs) for e in value.elts):
        return None
    return value.elts


def _reverses(index):
    """Whether a subscript's index is the slice `::-1`."""
    return isinstance(index, S.Slice) and index.lower is None and index.upper is None and \
        isinstance(index.step, S.UnaryOp) and isinstance(index.step.op, S.USub) and \
        isinstance(index.step.operand, S.Constant) and index.step.operand.value == 1 or \
        isinstance(index, S.Slice) and index.lower is None and index.upper is None and \
        isinstance(index.step, S.Constant) and index.step.value == -1


def _displayed(value, resolve, local_defs):
    """The items of a list or tuple display of simple items (functions or not), or None."""
    if isinstance(value, (S.List, S.Tuple)) and 0 < len(value.elts) <= MAX_ITEMS and all(
            _simple(e, resolve, local_defs) for e in value.elts):
        return value.elts
    return None


class _Unroll(S.NodeTransformer):
    def __init__(self, known, resolve, fdef):
        self.known, self.resolve, self.fdef = known, resolve, fdef
        self.local_defs = _local_defs(fdef)
        self.stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)
                       and not isinstance(n.ctx, S.Load)}
        self.taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)} | set(
            self.local_defs.stored)
        self.seen = set()   # the binding statements already passed, in order
        self.changed = False
        self.params = {}   # parameters holding functions (parameter_lists), set by unroll
        # local displays of functions read only by items (`ops[key]`, `fs[i]`: key_loops)
        self.tables = key_loops.local_tables(fdef, lambda e: _is_function(
            e, resolve, self.local_defs))

    def items(self, iterable, keys=False):
        """The items `iterable` holds, where known; with `keys`, a display of string
        constants too (key_loops.py: the caller checked the loop picks functions by them)."""
        if isinstance(iterable, S.Name) and iterable.id in self.known:
            value, stmt = self.known[iterable.id]
            if isinstance(value, key_loops.Keys) and not keys:
                return None
            return value.elts if id(stmt) in self.seen else None
        if keys and key_loops.names(iterable) is not None:
            return key_loops.names(iterable)
        if keys and self.table_keys(iterable) is not None:
            return self.table_keys(iterable)
        if isinstance(iterable, S.Name) and iterable.id in self.params:
            return self.params[iterable.id]   # fs[0], fs[1]: a parameter's functions
        if isinstance(iterable, S.Subscript) and _reverses(iterable.slice) or \
                self.builtin_call(iterable) == "reversed" and len(iterable.args) == 1 and \
                not iterable.keywords:   # fs[::-1], reversed(fs)
            inner = iterable.value if isinstance(iterable, S.Subscript) else iterable.args[0]
            items = self.items(inner, keys) if isinstance(inner, (S.Name, S.List, S.Tuple)) \
                else None
            return None if items is None else items[::-1]
        wrapper = self.builtin_call(iterable)
        if wrapper == "enumerate" and len(iterable.args) == 1 and not iterable.keywords:
            items = self.items(iterable.args[0], keys)
            return None if items is None else [
                S.Tuple(elts=[S.const(k), item], ctx=S.Load()) for k, item in enumerate(items)]
        if wrapper == "zip" and iterable.args and not iterable.keywords:
            parts = [self.items(a, keys) if self.items(a, keys) is not None
                     else _displayed(a, self.resolve, self.local_defs)
                     for a in iterable.args]
            if any(p is None for p in parts):
                return None
            return [S.Tuple(elts=list(row), ctx=S.Load()) for row in zip(*parts)]
        if self.items_of_dict(iterable) is not None:
            return self.items_of_dict(iterable)
        return _items(iterable, self.resolve, self.local_defs)

    def table_keys(self, iterable):
        """The keys of a local table of functions (key_loops.local_tables) bound before
        here, as constants, where `iterable` goes through them: `range(len(fs))` of a list
        or tuple display, a dict display itself or its `.keys()`; the ints of a range of
        int literals (`range(2)`), whatever it indexes."""
        name = None
        bounds = [int_constant(a) for a in iterable.args] if self.builtin_call(
            iterable) == "range" and not iterable.keywords else [None]
        if 0 < len(bounds) <= 3 and None not in bounds and bounds[-1] != 0 and \
                0 < len(range(*bounds)) <= MAX_ITEMS:   # range(2): literal bounds
            return [S.const(i) for i in range(*bounds)]
        if self.builtin_call(iterable) == "range" and len(iterable.args) == 1 and \
                not iterable.keywords:
            inner = iterable.args[0]
            if isinstance(inner, S.Call) and isinstance(inner.func, S.Name) and \
                    inner.func.id == "len" and "len" not in self.stored and \
                    self.resolve("len") is len and len(inner.args) == 1 and \
                    isinstance(inner.args[0], S.Name) and not inner.keywords:
                name, dicts = inner.args[0].id, False
        elif isinstance(iterable, S.Name):
            name, dicts = iterable.id, True
        elif isinstance(iterable, S.Call) and isinstance(iterable.func, S.Attribute) and \
                iterable.func.attr == "keys" and isinstance(iterable.func.value, S.Name) \
                and not iterable.args and not iterable.keywords:
            name, dicts = iterable.func.value.id, True
        value, stmt = self.tables.get(name, (None, None))
        if value is None or id(stmt) not in self.seen or \
                isinstance(value, S.Dict) is not dicts:
            return None
        if not dicts:
            return [S.const(i) for i in range(len(value.elts))]
        keys = [k.value if isinstance(k, S.Constant) else None for k in value.keys]
        if any(type(k) not in (str, int) for k in keys) or len(set(keys)) != len(keys):
            return None
        return [S.const(k) for k in keys]

    def builtin_call(self, node):
        """'enumerate', 'zip', 'reversed' or 'range' where `node` calls that builtin (not a
        rebinding of it)."""
        if isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
                node.func.id in ("enumerate", "zip", "reversed", "range") and \
                node.func.id not in self.stored and \
                self.resolve(node.func.id) is getattr(builtins, node.func.id):
            return node.func.id
        return None

    def items_of_dict(self, node):
        """`d.items()` of a dict display (written there, or a local bound once to one and
        read only so): its (key, value) tuples, in the display's order (a dict's order);
        `d.values()`: the values, in that order."""
        if not (isinstance(node, S.Call) and not node.args and not node.keywords and
                isinstance(node.func, S.Attribute) and node.func.attr in ("items", "values")):
            return None
        if function_dicts.dict_read(node, self.resolve, self.stored | set(self.known)):
            pairs = function_dicts.pairs(node.func.value.id, self.resolve)
        elif isinstance(node.func.value, S.Name):
            pairs = self.items(node.func.value) if isinstance(
                self.known.get(node.func.value.id, (None,))[0], function_dicts.PairsOfDict) else None
            keys = self.table_keys(node.func.value) if pairs is None else None
            if keys is not None:   # a local table read by keys too (key_loops.local_tables):
                name = node.func.value.id   # (key, ops[key]), the very item
                pairs = [S.Tuple(elts=[k, S.Subscript(value=S.load(name), slice=S.clone(k),
                                                      ctx=S.Load())], ctx=S.Load())
                         for k in keys]
        else:
            pairs = function_dicts.display_pairs(node.func.value)
            pairs = None if pairs is None else _items(pairs, self.resolve, self.local_defs)
        if pairs is None or node.func.attr == "items":
            return pairs
        return [pair.elts[1] for pair in pairs]

    def visit(self, node):
        """A statement, with the checks of the module-level dicts of functions whose pairs
        the loops it holds were written out over (function_dicts.key_checks) before it."""
        if not isinstance(node, S.stmt) or node is self.fdef:
            return super().visit(node)
        outer, self.checks = getattr(self, "checks", []), []
        new = super().visit(node)
        checks, self.checks = self.checks, outer
        return checks + (new if isinstance(new, list) else [new]) if checks else new

    def visit_Assign(self, node):
        self.generic_visit(node)
        self.seen.add(id(node))
        return node

    def bindings(self, iterable, target, body, assign=False):
        """[{name: item part}] per item of a known `iterable` unpacked into `target`, where
        `body` neither rebinds those names nor reads them in a closure; else None. With
        `assign` (a for loop's body), a name the body rebinds or a closure reads but the
        body never calls is allowed: `self.assigned` names those, which each copy binds by
        an assignment at its top, as the loop's header does each trip."""
        self.assigned, self.keyed = set(), False
        items = self.items(iterable)
        if key_loops.keyed(target, body, self.resolve, self.stored, self.tables):
            items, self.keyed = self.items(iterable, keys=True), True
        self.last_items = items
        if items is None:
            return None
        bindings = [_bind(target, item) for item in items]
        if any(b is None for b in bindings):
            return None
        names = set(bindings[0])
        kept = {n for n in names if _stores(body, {n}) or _read_in_closure(self.fdef, body, {n})}
        if kept and not (assign and not _calls(body, kept)):
            return None
        self.assigned = kept
        return bindings

    def hoisted_zip(self, iterable):
        """A display in a for header, bare or in zip / enumerate / reversed (`zip(fs, (x[0],
        0.5))`, `for g in [np.tanh, Dense(0.5, 0.1)]`): each item computed here (not simple)
        bound to a fresh name before the loop, as the header has evaluated it when the loop
        starts; gives back the header with those names in their place and the assignments
        (none: `iterable`)."""
        wrapper = self.builtin_call(iterable)
        if isinstance(iterable, (S.List, S.Tuple)):
            displays = [iterable]
        elif wrapper in ("zip", "enumerate", "reversed") and not iterable.keywords:
            displays = [a for a in iterable.args if isinstance(a, (S.List, S.Tuple))]
        else:
            return iterable, []
        hoisted, copies = [], {}
        for a in displays:
            if self.items(a) is not None or _displayed(a, self.resolve, self.local_defs) \
                    is not None:
                continue
            copy = S.clone(a)
            # no function among them is fine: the loop is unrolled only where there is one
            made = _hoisted(copy, self.resolve, self.local_defs, self.taken, need_function=False)
            if made:
                hoisted += made
                copies[id(a)] = copy
                for h in made:
                    self.local_defs.once[h.targets[0].id] = h.value
        if not hoisted:
            return iterable, []
        if isinstance(iterable, (S.List, S.Tuple)):
            return copies[id(iterable)], hoisted
        return S.Call(func=iterable.func, args=[copies.get(id(a), a) for a in iterable.args],
                      keywords=[]), hoisted

    def visit_For(self, node):
        self.generic_visit(node)
        done = self.unrolled_for(node)
        if done is not node:   # ACTS.items(): its keys checked before the copies
            self.checks += function_dicts.key_checks(node.iter, self.resolve, self.stored, node)
        return done

    def unrolled_for(self, node):
        iterable, hoisted = self.hoisted_zip(node.iter)
        if hoisted:
            bindings = self.bindings(iterable, node.target, node.body, assign=True)
            if bindings is None:
                return node
            original, node.iter = node.iter, iterable
            done = self.unrolled(node, bindings, self.assigned)
            if done is node:
                node.iter = original
                return node
            return [_placed(stmt, node) for stmt in hoisted] + done
        bindings = self.bindings(node.iter, node.target, node.body, assign=True)
        if bindings is None:
            return node
        return self.unrolled(node, bindings, self.assigned)

    def unrolled(self, node, bindings, assigned=frozenset()):
        """The loop written out once per binding (`node` itself where it cannot be); the
        names in `assigned` bound by assignments at the top of each copy."""
        names, items = set(bindings[0]), self.last_items
        body_ids = {id(n) for stmt in node.body for n in S.walk(stmt)}
        read_after = any(isinstance(n, S.Name) and n.id in names and isinstance(
            n.ctx, S.Load) and id(n) not in body_ids for n in S.walk(self.fdef))
        if assigned:
            if read_after:
                return node   # the header's last item, or what the body rebound it to
            order = [n.id for n in S.walk(node.target) if isinstance(n, S.Name)]
            bindings = [([_placed(S.Assign(targets=[S.store(k)], value=S.clone(b[k]),
                                           type_comment=None), node)
                          for k in order if k in assigned],
                         {k: v for k, v in b.items() if k not in assigned}) for b in bindings]
        else:
            bindings = [([], b) for b in bindings]
        self.own = key_loops.own_locals(self.fdef, node, self.resolve, self.stored,
                                        self.tables) \
            if self.keyed else set()
        if _own_exits(node.body):
            return self.with_exits(node, bindings, read_after)
        out = [stmt for first, binding in bindings
               for stmt in first + self.copied(node, binding)]
        if read_after:   # the loop's variable, read after the loop, holds the last item
            out.append(_placed(S.Assign(targets=[S.clone(node.target)],
                                        value=S.clone(items[-1]), type_comment=None), node))
        self.changed = True
        return out + node.orelse

    def with_exits(self, node, bindings, read_after):
        """A body with break or continue: each copy is a loop of one trip (continue ends
        it), a break sets a flag that skips the copies after it (and the loop's else)."""
        if read_after or "range" in self.stored or self.resolve("range") is not range:
            return node
        flag, trip = self.fresh("stopped"), self.fresh("once")
        out = [S.Assign(targets=[S.store(flag)], value=S.const(False), type_comment=None)]
        for k, (first, binding) in enumerate(bindings):
            body = first + _break_sets(flag, self.copied(node, binding))
            loop = S.For(target=S.store(trip), iter=S.Call(
                func=S.load("range"), args=[S.const(1)], keywords=[]), body=body, orelse=[],
                type_comment=None)
            out.append(loop if k == 0 else _unless(flag, [loop]))
        if node.orelse:
            out.append(_unless(flag, node.orelse))
        self.changed = True
        return [_placed(stmt, node) for stmt in out]

    def copied(self, node, binding):
        """One copy of the loop's body for `binding`, the locals bound to the function a
        key picks (self.own: key_loops.own_locals) renamed to names of the copy's own."""
        stmts = [_substitute(stmt, binding) for stmt in node.body]
        return S.renamed(stmts, {n: self.fresh(n) for n in sorted(self.own)})

    def fresh(self, base):
        k = 0
        while f"{base}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    def comprehension(self, node, make):
        self.generic_visit(node)
        if len(node.generators) != 1 or node.generators[0].ifs or \
                node.generators[0].is_async:
            return node
        gen = node.generators[0]
        parts = self.elts(node)
        bindings = self.bindings(gen.iter, gen.target, parts)
        if bindings is None:
            return node
        self.changed = True
        self.checks += function_dicts.key_checks(gen.iter, self.resolve, self.stored, node)
        return _placed(make([[_substitute(p, b) for p in parts] for b in bindings]),
                       node)

    @staticmethod
    def elts(node):
        return [node.key, node.value] if isinstance(node, S.DictComp) else [node.elt]

    def visit_ListComp(self, node):
        return self.comprehension(node, lambda copies: S.List(
            elts=[c[0] for c in copies], ctx=S.Load()))

    def visit_Call(self, node):
        """A generator read at once by a builtin (`sum(g(x) for g in fs)`): its items as a
        list; a generator kept for later stays one (its items are computed when read)."""
        self.generic_visit(node)
        if isinstance(node.func, S.Name) and node.func.id in CONSUMERS and \
                node.func.id not in self.stored and \
                self.resolve(node.func.id) is getattr(builtins, node.func.id):
            node.args = [self.comprehension(a, lambda copies: S.List(
                elts=[c[0] for c in copies], ctx=S.Load())) if isinstance(a, S.GeneratorExp)
                else a for a in node.args]
        return node

    def visit_DictComp(self, node):
        return self.comprehension(node, lambda copies: S.Dict(
            keys=[c[0] for c in copies], values=[c[1] for c in copies]))


_placed = S.place_unplaced
