"""Whether an item a user's `c[k] op= v` changes in place may be held by another name too
(stage 3, lower: a mixin of lower.Lowerer through lower_copies.CopyInsertion). Takes the
user's function (the Lowerer's fdef), the container's name and the update; gives back
whether another holder of the item is read afterwards (`_item_holders`), whether
the container may hold one object at two keys (`items_repeat`), what an assignment puts
into a container (`_puts`), whether an expression surely makes a new object
(`_fresh_value`), and the run-time checks put before such an update (`_item_guards`:
check_item_update where another holder is read, check_item_alone where only other keys of
the containers holding the item are).
"""
from . import syntax as S
from .core import Info, Kind
from .item_escapes import PUTTING_METHODS, escapes

_NOT_CONSTANT = object()



OP_TEXT_AUG = {"__iadd__": "+=", "__isub__": "-=", "__imul__": "*=", "__itruediv__": "/=",
               "__ipow__": "**=", "__imatmul__": "@=", "__ifloordiv__": "//=", "__imod__": "%="}


def _constant(index):
    """The value of a constant index (`P["w"]`, `L[1]`), else _NOT_CONSTANT."""
    return index.value if isinstance(index, S.Constant) else _NOT_CONSTANT


def _other_key(key, index):
    """Whether the constant index `index` surely names another item than the constant `key`
    (two strings, or two ints of one sign: L[-1] may be L[0])."""
    other = _constant(index)
    if other is _NOT_CONSTANT or other == key:
        return False
    return isinstance(key, str) and isinstance(other, str) or type(key) is int and \
        type(other) is int and (key < 0) == (other < 0)


def _after(node, update):
    """Whether `node` comes after the statement `update` in the text: on a later line, or
    on its last line past its end (`parts[0] *= 3.0; s = np.sum(B)`: statements joined by
    semicolons)."""
    line = getattr(update, "lineno", 0)
    at = getattr(node, "lineno", None)
    if at is None:
        return True
    end_line = getattr(update, "end_lineno", None) or line
    end_col = getattr(update, "end_col_offset", None)
    if at != end_line or end_col is None or getattr(node, "col_offset", None) is None:
        return at > line
    return node.col_offset >= end_col


def _read_after(fdef, update, sharers, keyed, key):
    """(whether a name of `sharers` is read after `update`, the containers of `keyed`
    read after it only at other keys than `key`, or, not sharers, anyhow but at key)."""
    from .repeated_items import comprehension_bound
    in_loop = any(isinstance(loop, (S.For, S.While)) and any(
        n is update for n in S.walk(loop)) for loop in S.walk(fdef))
    parents = {id(c): p for p in S.walk(fdef) for c in S.iter_child_nodes(p)}
    own = comprehension_bound(fdef)   # (a comprehension's `v` is not the function's)
    alone = set()
    for n in S.walk(fdef):
        if id(n) in own or not (isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and (
                in_loop or _after(n, update))) or any(
                    n is m for m in S.walk(update.target)):
            continue
        parent = parents.get(id(n))
        item = isinstance(parent, S.Subscript) and parent.value is n and \
            isinstance(parent.ctx, S.Load)
        if n.id in keyed and item and _other_key(key, parent.slice):
            alone.add(n.id)   # another item of a container holding the item at key
        elif n.id in sharers:
            return True, []
        elif n.id in keyed and not (item and key is not _NOT_CONSTANT and
                                    _constant(parent.slice) == key):
            alone.add(n.id)   # name, read whole (or at a key not known)
    return False, sorted(alone)


class ItemSharing:
    """Who else may hold an item updated in place (a mixin of lower.Lowerer)."""

    def _item_guards(self, target, base, index, current, method, update, out):
        """Put into `out` the check `update` (`target op= v`, current = base[index]) needs,
        if any: check_item_update where another holder of the item is read afterwards,
        check_item_alone where only other keys of containers holding it are."""
        shared, alone = self._item_holders(target, update)
        key = S.const(_constant(update.target.slice)) if isinstance(
            update.target.slice, S.Constant) else S.clone(index) if isinstance(
                index, (S.Name, S.Constant)) else None
        if shared or alone and key is None:
            out.append(self._item_update_check(base, current, method, update))
        elif alone:
            out.append(self._item_alone_check(current, key, alone, method, update, out))

    def _item_holders(self, base, update):
        """Whether another name may hold the item `name[k]` and be read after `update` (`name[k] op=
        v`, or `name[j][k] op= v`: `base` is name, or name[j]) runs. Its holders: the names whatever
        was put into `name` at key k may come from (its display's entry, `name[k] = a`,
        `name.append(a)`, `name.update(w=a)`, `dict(w=a)`, a helper's result holding a) unless that
        value is new (`np.array(...)`, `x * 2.0`, a display: nobody else holds it), and the names
        taking items out of it (w = name[k], a loop over it, unpacking it). Another constant key
        than k is another item. The items of what name copies are name's too (`name = dict(a)`,
        `a.copy()`, `list(a)`, `a + b` of lists, a comprehension over a, `for k, v in a.items():
        name[k] = v`): what went into a is followed as well.
        Gives back (shared, alone): shared, whether such a holder is read afterwards; alone, the
        names of the containers holding the item at k (name, or what name is a copy of keeping
        the keys: dict(a), a.copy(), list(a)) that are read afterwards only at other constant
        keys (or, name a parameter, anyhow but at k), whose other keys may hold the very item
        as the caller made them: runtime_item_checks.check_item_alone judges those."""
        from .repeated_items import held_names, holders   # (an item updated)
        while isinstance(base, S.Subscript):
            base = base.value
        if not isinstance(base, S.Name):
            return False, []
        name = base.id
        key = _constant(update.target.slice) if isinstance(update.target.value, S.Name) \
            else _NOT_CONSTANT   # (an item of an item: any key of the outer one)
        sharers, unknown = set(), []
        anywhere = []   # (containers whose items went into name at keys not known)

        def names(target):
            return {n.id for n in S.walk(target) if isinstance(n, S.Name)}

        def same_key(k):   # a store or read at key node k may be the item updated
            other = _constant(k) if k is not None else _NOT_CONSTANT
            return key is _NOT_CONSTANT or other is _NOT_CONSTANT or other == key or \
                bool(anywhere)

        looped = {}   # a loop's target -> the iterables it takes items of
        for loop in S.walk(self.fdef):
            if isinstance(loop, (S.For, S.comprehension)):
                for n in names(loop.target):
                    looped.setdefault(n, []).append(loop.iter)

        def put(value):    # `value` goes into the container: who else may hold it
            if not self._fresh_value(value):
                held = held_names(value)
                sharers.update(held)
                if not held:
                    unknown.append(value)
                for n in held & set(looped):   # for k, v in a.items(): name[k] = v
                    for it in looped[n]:
                        taken = held_names(it) - scanned - {n}
                        sharers.update(taken)
                        todo.extend(taken)
                        anywhere.extend(taken)

        todo, scanned = [name], set()
        keyed = {name}   # (the containers holding the item at key)
        # name, and the containers a shallow copy of which name (or one of them) is: their
        # items are name's (`m = dict(a)`, `a.copy()`, `list(c)`, a comprehension over them)
        while todo:
            container = todo.pop()
            if container in scanned:
                continue
            scanned.add(container)
            copied, everywhere = self._copied_from(container)
            if container in keyed:
                keyed |= copied - self._sorted_from(container)
            sharers.update(copied | everywhere)
            todo.extend(copied | everywhere)
            anywhere.extend(everywhere)
            self._scan_puts(container, update, names, same_key, put, sharers)
        if self._holds_items(name):   # every other read taking the item out (item_escapes)
            taken, lost = escapes(self, scanned, update,
                                  None if key is _NOT_CONSTANT else key, _other_key)
            unknown += [update] if lost else []
            sharers |= taken
        if unknown:
            return True, []
        sharers |= holders(self.fdef, name, sharers, self._fresh_value, lambda n: None
                           if n in self.locals else self.resolver.lookup(n, None),
                           {c for c in scanned if self._surely_dict(c)})
        sharers.discard(name)
        if anywhere or key is _NOT_CONSTANT and (name not in self.params or not isinstance(
                update.target.value, S.Name)) or keyed == {name} and not self._holds_items(name):
            keyed = set()   # (an array's items are its own elements; a key not known: a
            # parameter's items only, whose repeats no text here shows, are checked)
            if self.items_repeat(name):
                sharers.add(name)   # lst = [a, a]: lst[1] is the item lst[0] += v changes
        # (else check_item_alone sees whether another key of name holds the item)
        return _read_after(self.fdef, update, sharers, keyed, key)

    def _holds_items(self, name):
        """Whether `name` may be a list, tuple or dict (not an array): a container passed, a
        local bound to a display, a comprehension or a builtin making one."""
        import builtins
        if name in self.params:
            return name in self.containers or self.known_types.get(name) in (list, tuple, dict)
        if name in self.list_names or self._may_be_dict(S.load(name)):
            return True
        makers = (builtins.list, builtins.tuple, builtins.dict, sorted)
        return any(isinstance(n, S.Assign) and any(isinstance(t, S.Name) and t.id == name
                                                   for t in n.targets) and (
            isinstance(n.value, (S.List, S.Tuple, S.Dict, S.ListComp, S.DictComp)) or
            isinstance(n.value, S.Call) and isinstance(n.value.func, S.Name) and
            n.value.func.id not in self.locals and
            self.resolver.lookup(n.value.func.id, None) in makers) for n in S.walk(self.fdef))

    def _surely_dict(self, name):
        """Whether the local `name` is bound only to new dicts (`d = {...}`, `d = {k: ...
        for ...}`, `d = dict(...)`), so that `for k in d` goes through keys, which no array
        or list can be (they are not hashable)."""
        import builtins
        if name in self.params:
            return False
        binds = [n for n in S.walk(self.fdef) if isinstance(n, S.Name) and n.id == name and
                 not isinstance(n.ctx, S.Load)]
        made = [n for n in S.walk(self.fdef) if isinstance(n, S.Assign) and len(
            n.targets) == 1 and isinstance(n.targets[0], S.Name) and n.targets[0].id == name]
        return bool(made) and len(made) == len(binds) and not any(
            isinstance(n, (S.Global, S.Nonlocal)) and name in n.names
            for n in S.walk(self.fdef)) and all(
            isinstance(n.value, (S.Dict, S.DictComp)) or isinstance(n.value, S.Call) and
            isinstance(n.value.func, S.Name) and n.value.func.id not in self.locals and
            self.resolver.lookup(n.value.func.id, None) is builtins.dict for n in made)

    def _sorted_from(self, name):
        """The containers `name = sorted(a)` copies: their items, at other keys."""
        return {node.value.args[0].id for node in S.walk(self.fdef) if isinstance(
            node, S.Assign) and any(isinstance(t, S.Name) and t.id == name
                                    for t in node.targets) and isinstance(node.value, S.Call)
                and isinstance(node.value.func, S.Name) and node.value.func.id == "sorted"
                and node.value.args and isinstance(node.value.args[0], S.Name)}

    def _scan_puts(self, name, update, names, same_key, put, sharers):
        """Hand `put` what goes into `name` at the key updated; add to `sharers` the names
        taking items out of it."""
        for node in S.walk(self.fdef):
            if node is update:
                continue
            if isinstance(node, S.Assign):
                v = node.value
                if isinstance(v, S.Subscript) and isinstance(v.value, S.Name) and \
                        v.value.id == name and same_key(v.slice):
                    sharers |= set().union(*(names(t) for t in node.targets))
                if isinstance(v, S.Name) and v.id == name and \
                        any(isinstance(t, (S.Tuple, S.List)) for t in node.targets):
                    sharers |= set().union(*(names(t) for t in node.targets))
                for t in node.targets:
                    self._puts(t, v, name, same_key, put)
            elif isinstance(node, S.For) and isinstance(node.iter, S.Name) and \
                    node.iter.id == name and not self._surely_dict(name):
                sharers |= names(node.target)   # (for k in d: d's keys; a comprehension's
                # targets are its own: holders follows what it makes)
            elif isinstance(node, S.For) and name in names(node.target):
                put(node.iter)   # for P in Ps: P is an item Ps holds
            elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
                    isinstance(node.func.value, S.Name) and node.func.value.id == name and \
                    node.func.attr in PUTTING_METHODS:
                for a in list(node.args) + [k.value for k in node.keywords]:
                    put(a)

    def _copied_from(self, name):
        """({containers name is bound to a shallow copy of, keeping their keys}, {those a
        comprehension bound to name reads, lists `name = a + b` joins}): `name = dict(a)`,
        `dict(a, k=v)`, `a.copy()`, `list(a)`, `sorted(a)`: the very objects a holds are
        name's."""
        import builtins
        from .repeated_items import held_names
        kept, read = set(), set()
        for node in S.walk(self.fdef):
            if not (isinstance(node, S.Assign) and any(
                    isinstance(t, S.Name) and t.id == name for t in node.targets)):
                continue
            v = node.value
            if isinstance(v, S.BinOp) and isinstance(v.op, S.Add):   # lists: a + b
                read |= {o.id for o in (v.left, v.right) if isinstance(o, S.Name)
                         and o.id in self.list_names}
            elif isinstance(v, (S.DictComp, S.ListComp)) and not self._fresh_value(
                    v.value if isinstance(v, S.DictComp) else v.elt):
                for gen in v.generators:   # ({k: np.copy(v) ...}: new items, held by none)
                    read |= held_names(gen.iter)
            elif isinstance(v, S.Call) and isinstance(v.func, S.Attribute) and \
                    v.func.attr == "copy" and isinstance(v.func.value, S.Name) and not v.args:
                kept.add(v.func.value.id)
            elif isinstance(v, S.Call) and isinstance(v.func, S.Name) and v.args and \
                    isinstance(v.args[0], S.Name) and v.func.id not in self.locals and \
                    self.resolver.lookup(v.func.id, None) in (builtins.dict, builtins.list,
                                                              sorted):
                kept.add(v.args[0].id)
        return kept - {name}, read - {name}

    def items_repeat(self, name):
        """Whether the container `name` may hold one object at two keys (repeated_items)."""
        from .repeated_items import repeats_items
        return repeats_items(self.fdef, name, self._puts, PUTTING_METHODS, self._fresh_value)

    def _puts(self, target, value, name, same_key, put):
        """Hand `put` each value the assignment `target = value` puts into `name` at the
        key updated: `name = {...}` (its entries there), `name = call(...)` (the call, its
        arguments), `name[k] = v`, and those of tuple targets."""
        if isinstance(target, (S.Tuple, S.List)):
            if isinstance(value, (S.Tuple, S.List)) and len(value.elts) == len(target.elts) \
                    and not any(isinstance(e, S.Starred) for e in target.elts + value.elts):
                for t, v in zip(target.elts, value.elts):
                    self._puts(t, v, name, same_key, put)
            elif any(isinstance(n, S.Name) and n.id == name for n in S.walk(target)):
                put(value)
            return
        if isinstance(target, S.Subscript) and isinstance(target.value, S.Name) and \
                target.value.id == name and same_key(target.slice):
            put(value)
        elif isinstance(target, S.Name) and target.id == name:
            if isinstance(value, S.Dict):
                for k, v in zip(value.keys, value.values):
                    if k is None or same_key(k):
                        put(v)
            elif isinstance(value, (S.List, S.Tuple)):
                starred = any(isinstance(e, S.Starred) for e in value.elts)
                for i, e in enumerate(value.elts):   # (L[1] is its second item, L[-1] its last)
                    if starred or same_key(S.const(i)) or \
                            same_key(S.const(i - len(value.elts))):
                        put(e)
            elif isinstance(value, S.Call) and self._fresh_value(value):
                for a in list(value.args) + [k.value for k in value.keywords]:
                    put(a)   # dict(w=a), list(xs): a fresh container of what it is given
            elif isinstance(value, (S.ListComp, S.SetComp, S.DictComp)):
                put(value.value if isinstance(value, S.DictComp) else value.elt)
            else:
                put(value)

    def _fresh_value(self, node):
        """Whether the user's expression surely makes a new object nobody else holds (an
        arithmetic result, a display, a constant, a copying NumPy call, a builtin making a
        container, `v.copy()`, a function of the user's alias_flow_fresh proves new)."""
        import builtins
        import types

        import numpy
        from .alias_flow_fresh import FRESH, FRESH_BUILTINS, FRESH_METHODS, fresh_result
        from .callables import is_user_function
        if isinstance(node, (S.Constant, S.BinOp, S.UnaryOp, S.Compare, S.List, S.Tuple,
                             S.Dict, S.Set, S.ListComp, S.DictComp, S.SetComp, S.Lambda)):
            return True
        if isinstance(node, S.IfExp):
            return self._fresh_value(node.body) and self._fresh_value(node.orelse)
        if not isinstance(node, S.Call) or any(k.arg in ("copy", "out") or k.arg is None
                                               for k in node.keywords):
            return False
        base, rest = S.attribute_chain(node.func)
        if not isinstance(base, S.Name) or base.id in self.locals:
            # a method of a value: v.copy(), (np.flip(x)).copy(), v.astype(...)
            return isinstance(node.func, S.Attribute) and node.func.attr in FRESH_METHODS
        obj = self.resolver.lookup(base.id, None)
        for attr in rest:
            obj = getattr(obj, attr, None)
        if isinstance(obj, numpy.ufunc) or obj in FRESH or obj in FRESH_BUILTINS:
            return True
        if obj in (builtins.dict, builtins.list, builtins.tuple, builtins.set, sorted):
            return True   # a new container (of the items given: put() follows those)
        return isinstance(obj, types.FunctionType) and is_user_function(obj) and \
            fresh_result(obj)

    def _item_update_check(self, base, current, method, node):
        """check_item_update(base, current, ...) before `base[k] op= v` (see runtime)."""
        from . import checks, runtime
        text = S.spell(node.target)
        error = self.error(node, f"{text} {OP_TEXT_AUG.get(method, 'op=')} ... changes the "
                           f"item {text} in place when it is an array or a list, and another "
                           "name here may hold that item too, which srcdiff does not follow",
                           hint=f"write {text} = {text} {OP_TEXT_AUG.get(method, 'op=')[:-1]} "
                           "... (a new value), or copy the item where you take it")
        self.bindings["check_item_update"] = runtime.check_item_update
        guard = S.Expr(value=S.Call(func=S.load("check_item_update"), args=[
            base, current, S.const(method)] + checks.refusal_args(error), keywords=[]))
        guard.sd = Info(Kind.EFFECT, func=runtime.check_item_update, line=self.line)
        guard.lineno = self.line
        return guard

    def _item_alone_check(self, current, key, containers, method, node, out):
        """check_item_alone(current, key, method, ..., *containers) before `c[k] op= v` (see
        runtime_item_checks); key: k's constant or atom."""
        from . import checks
        from .runtime_item_checks import check_item_alone
        text = S.spell(node.target)
        op = OP_TEXT_AUG.get(method, "op=")
        error = self.error(node, f"{text} {op} ... changes the item {text} in place when it "
                           f"is an array or a list, and another item of {', '.join(containers)} "
                           "is that very item too (or holds it), which srcdiff does not follow",
                           hint=f"write {text} = {text} {op[:-1]} ... (a new value), "
                           "or copy the item where another key takes it")
        atoms = [self.expr(S.load(c), out) for c in containers]
        self.bindings["check_item_alone"] = check_item_alone
        guard = S.Expr(value=S.Call(func=S.load("check_item_alone"), args=[
            current, key, S.const(method)] +
            checks.refusal_args(error) + atoms, keywords=[]))
        guard.sd = Info(Kind.EFFECT, func=check_item_alone, line=self.line)
        guard.lineno = self.line
        return guard
