"""Everyday dict idioms, and itertools.accumulate, rewritten into shapes the lowering already
differentiates (stage 3, lower: called by source_rewrites.py before idiom_rewrite). Takes a
gast FunctionDef, a resolver of its free names and the classes of the objects passed
(`rewrite`); gives back a rewritten copy, or the same FunctionDef where nothing applies.

Each rewrite keeps Python's meaning exactly, and acts only where that is sure from the
function's own text; elsewhere the code is left as written (and lowered or refused as
before):

  - ``dict.fromkeys(keys, v)``: ``{k: v for k in keys}`` (v a constant or a name: the one
    object every key shares); ``d = dict.fromkeys(keys, e)``, e computed: ``value = e``
    first, then ``d = {k: value for k in keys}`` (so the alias analysis sees every key hold
    that one object: ``d["u"] += v`` changes them all when it is an array).
  - ``d = collections.defaultdict(float)`` (int, list, dict, tuple, or a lambda giving a
    constant or an empty display) and ``d = OrderedDict(...)``, a local bound once and read
    only as a dict is read here (items, methods get/items/keys/values/setdefault/pop/update,
    len, dict, sorted, list, ..., for headers, ``k in d``, ``{**d}``): a plain dict, ``{}``
    or ``dict(...)``.
    A defaultdict's item read ``d[k]`` is ``d.setdefault(k, default)`` (the item Python's
    __missing__ inserts), and ``d[k] += v`` first runs ``if k not in d: d[k] = default``.
  - ``g.setdefault(k, []).append(v)`` (or ``.extend(vs)``, or ``g[k].append(v)`` of such a
    defaultdict(list)), g a dict made empty here: ``g[k] = g.get(k, []) + [v]`` (``+
    list(vs)``); ``g[k].append(v)`` of a dict made here of new empty lists (``{"a": [],
    "b": []}``, ``{k: [] for k in names}``): ``g[k] = g[k] + [v]``. Exact where no other name holds one of g's lists while they grow: g is bound
    once, by a statement of the function's body before the appends, and every other read of
    g (but ``k in g`` and ``len(g)``) comes in a later statement of the body.
  - ``d.update(e)`` and ``d |= e`` (d a local bound only to dicts, or a parameter passed a
    dict; e such a name, a dict comprehension, a dict(...) call or a display of pairs, no
    keywords): ``for k, v in dict(e).items(): d[k] = v``;
    ``d |= {"k": v}``: ``d.update({"k": v})``, which idioms.py lowers.
  - ``dict(sorted(pairs))`` (``list``, ``tuple``, ``reversed``: never a mapping):
    ``{k: v for k, v in sorted(pairs)}``.
  - ``{**a, "k": v, **b}`` (the shapes idiom_rewrite does not take): ``{k: v for k, v in
    list(dict(a).items()) + [("k", v)] + list(dict(b).items())}``, in the order written.
  - ``acc = list(itertools.accumulate(xs, f, initial=i))``: the loop it means
    (accumulate_loops.py).
"""
import builtins
import collections

from . import syntax as S
from .markers import DICT_PASSED
from .accumulate_loops import accumulate, accumulated, quote_at as _quote, \
    quote_expr_at as _quote_expr

_FACTORIES = {float: "0.0", int: "0", list: "[]", dict: "{}", tuple: "()"}
_METHODS = frozenset(("get", "items", "keys", "values", "setdefault", "pop", "update"))
_READERS = frozenset(("len", "dict", "sorted", "list", "tuple", "sum", "min", "max", "any", "all",
                      "set", "enumerate", "zip", "iter", "reversed"))
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_COMPOUND = (S.If, S.For, S.AsyncFor, S.While, S.With, S.AsyncWith, S.Try)


def rewrite(fdef, lookup, known_types=None):
    """A copy of `fdef` with the idioms of the module's docstring rewritten, or `fdef`."""
    tree = S.clone(fdef)
    pass_ = _Pass(tree, lookup, known_types or {})
    if not pass_.work:
        return fdef
    tree.body = pass_.block(tree.body)
    return tree if pass_.changed else fdef


def _own(nodes, top=None):
    """(node, parent, index of its statement in the body) of every node under `nodes` (the
    body's statements), nested functions, lambdas and classes left out."""
    stack = [(n, None, i if top is None else top) for i, n in enumerate(nodes)]
    while stack:
        node, parent, at = stack.pop()
        yield node, parent, at
        if isinstance(node, _SCOPES):
            continue
        for child in S.iter_child_nodes(node):
            stack.append((child, node, at))


def _is_name(node, ident):
    return isinstance(node, S.Name) and node.id == ident


def _method_call(node, method):
    """The Name whose method `method` `node` calls (`g.setdefault(...)`), else None."""
    if isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
            node.func.attr == method and isinstance(node.func.value, S.Name):
        return node.func.value
    return None


def _empty_list(node):
    return isinstance(node, S.List) and not node.elts


class _Pass(S.NodeTransformer):
    def __init__(self, fdef, lookup, known_types):
        self.lookup = lookup
        args = fdef.args
        params = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
        params += [a.id for a in (args.vararg, args.kwarg) if a is not None]
        self.params = set(params)
        self.taken = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
        self.stores = collections.Counter(
            n.id for n in S.walk(fdef) if isinstance(n, S.Name)
            and isinstance(n.ctx, (S.Store, S.Del)))
        self.local = set(self.stores) | self.params
        self.own = list(_own(fdef.body))
        self.defaults = self._plain_dicts(fdef)   # defaultdict name -> its default's source
        self.dicts = self._dict_names(known_types)
        self.growing = {g for g in self.dicts if self._grows_safely(fdef, g)}
        self.changed = False
        self.work = bool(self.defaults) or bool(self.growing) or any(
            self._fromkeys(n) or self._merged(n) or accumulated(self, n) is not None
            or self._pairs_dict(n)
            or self._updated(n) is not None for n, _, _ in self.own)

    # -- what names mean ---------------------------------------------------------------
    def means(self, node, obj):
        base, rest = S.attribute_chain(node)
        if not isinstance(base, S.Name) or base.id in self.local:
            return False
        value = self.lookup(base.id)
        for attr in rest:
            value = getattr(value, attr, None)
        return value is obj

    def fresh(self, base):
        k = 0
        while f"{base}_{k}" in self.taken:
            k += 1
        self.taken.add(f"{base}_{k}")
        return f"{base}_{k}"

    def _bindings(self, ident):
        """The Assign statements binding `ident` (alone, as the one target) in the body."""
        return [n for n, _, _ in self.own if isinstance(n, S.Assign) and len(n.targets) == 1
                and _is_name(n.targets[0], ident)]

    def _plain_dicts(self, fdef):
        """defaultdict and OrderedDict locals to make plain dicts: name -> the default's
        source (None for an OrderedDict)."""
        out = {}
        for node, _, _ in self.own:
            if not (isinstance(node, S.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], S.Name) and isinstance(node.value, S.Call)):
                continue
            ident, call = node.targets[0].id, node.value
            if ident in self.params or self.stores[ident] != 1 or not self._read_as_dict(
                    fdef, ident):
                continue
            if self.means(call.func, collections.OrderedDict) and (
                    not call.args and not call.keywords or "dict" not in self.local):
                out[ident] = None
            elif self.means(call.func, collections.defaultdict) and len(call.args) == 1 \
                    and not call.keywords and self._factory(call.args[0]) is not None:
                out[ident] = self._factory(call.args[0])
        return out

    def _factory(self, node):
        if isinstance(node, S.Lambda):
            body, a = node.body, node.args
            if a.args or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg:
                return None
            if isinstance(body, S.Constant) or isinstance(body, (S.List, S.Dict, S.Tuple)) \
                    and not getattr(body, "elts", getattr(body, "keys", None)):
                return S.spell(body)
            return None
        for cls, text in _FACTORIES.items():
            if self.means(node, cls):
                return text
        return None

    def _read_as_dict(self, fdef, ident):
        """Every read of `ident` is one a plain dict answers as the object made does."""
        own = [n for n, _, _ in self.own if _is_name(n, ident)]
        if len(own) != sum(1 for n in S.walk(fdef) if _is_name(n, ident)):
            return False   # read by a nested function or lambda
        for node, parent, _ in self.own:
            if not _is_name(node, ident) or not isinstance(node.ctx, S.Load):
                continue
            if isinstance(parent, S.Subscript) and parent.value is node or isinstance(
                    parent, S.Attribute) and parent.attr in _METHODS or isinstance(
                    parent, (S.For, S.comprehension)) and parent.iter is node:
                continue
            if isinstance(parent, S.Dict) and any(   # {**d, ...}
                    k is None and v is node for k, v in zip(parent.keys, parent.values)):
                continue
            if isinstance(parent, S.Compare) and node in parent.comparators and all(
                    isinstance(op, (S.In, S.NotIn)) for op in parent.ops):
                continue
            if isinstance(parent, S.Call) and node in parent.args and isinstance(
                    parent.func, S.Name) and parent.func.id in _READERS and self.means(
                    parent.func, getattr(builtins, parent.func.id)):
                continue
            return False
        return True

    def _made_dict(self, value):
        return isinstance(value, (S.Dict, S.DictComp)) or isinstance(value, S.Call) and (
            self.means(value.func, dict) or self._fromkeys(value))

    def _dict_names(self, known_types):
        """Names surely holding a dict: locals bound only to dicts made here (alone), the
        plain dicts above, and parameters passed a dict and never bound anew."""
        out = {p for p in self.params if known_types.get(p + DICT_PASSED) is dict and
               not self.stores[p]}
        ors = collections.Counter(n.target.id for n, _, _ in self.own if isinstance(
            n, S.AugAssign) and isinstance(n.op, S.BitOr) and isinstance(n.target, S.Name))
        for ident in set(self.stores) - self.params:
            binds = self._bindings(ident)   # (d |= e keeps a dict a dict)
            if binds and len(binds) + ors[ident] == self.stores[ident] and all(
                    ident in self.defaults or self._made_dict(b.value) for b in binds):
                out.add(ident)
        return out

    # -- lists in a dict, grown by append ----------------------------------------------
    def _append_of(self, stmt):
        """(g, key, value node, 'append' | 'extend') of `g.setdefault(k, []).append(v)` or,
        g a defaultdict(list), `g[k].append(v)`; else None."""
        if not (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)):
            return None
        call = stmt.value
        func = call.func
        if not (isinstance(func, S.Attribute) and func.attr in ("append", "extend") and
                len(call.args) == 1 and not call.keywords):
            return None
        inner = func.value
        g = _method_call(inner, "setdefault")
        if g is not None and len(inner.args) == 2 and not inner.keywords and \
                _empty_list(inner.args[1]):
            return g.id, inner.args[0], call.args[0], func.attr
        if isinstance(inner, S.Subscript) and isinstance(inner.value, S.Name) and (
                self.defaults.get(inner.value.id) == "[]" or
                inner.value.id in self.dicts and self._of_empty_lists(inner.value.id)):
            return inner.value.id, inner.slice, call.args[0], func.attr
        return None

    def _of_empty_lists(self, g):
        """Whether g is bound once, to a dict display or comprehension whose every value is
        a new empty list (`{"a": [], "b": []}`, `{k: [] for k in names}`): lists no other
        name holds."""
        binds = self._bindings(g) if self.stores[g] == 1 else []
        value = binds[0].value if len(binds) == 1 else None
        values = value.values if isinstance(value, S.Dict) else \
            [value.value] if isinstance(value, S.DictComp) else []
        return bool(values) and None not in getattr(value, "keys", [0]) and \
            all(_empty_list(v) for v in values)

    def _grows_safely(self, fdef, g):
        """Whether every append to a list of g may become `g[k] = g.get(k, []) + [v]`."""
        binds = self._bindings(g) if self.stores[g] == 1 else []
        bind = binds[0] if len(binds) == 1 else None
        if bind is None or g in self.params or not (
                isinstance(bind.value, S.Dict) and not bind.value.keys or
                isinstance(bind.value, S.Call) and not bind.value.args and
                not bind.value.keywords and self.means(bind.value.func, dict)
                or self.defaults.get(g) == "[]" or self._of_empty_lists(g)):
            return False
        appends = [(n, at) for n, _, at in self.own
                   if (self._append_of(n) or (None,))[0] == g]
        if not appends or any(isinstance(p, _SCOPES) for n, p, _ in self.own
                              if any(n is a for a, _ in appends)):
            return False
        first, last = min(at for _, at in appends), max(at for _, at in appends)
        if not any(s is bind for s in fdef.body[:first]):
            return False
        # the receiver of each append (g in g.setdefault(k, []) or g[k]); a g in the key or
        # the value appended is a read like any other
        inside = {id(a.value.func.value.func.value if isinstance(a.value.func.value, S.Call)
                     else a.value.func.value.value) for a, _ in appends}
        for node, parent, at in self.own:
            if not _is_name(node, g) or node is bind.targets[0] or id(node) in inside:
                continue
            if isinstance(parent, S.Compare) and node in parent.comparators or isinstance(
                    parent, S.Call) and _is_name(parent.func, "len") and \
                    self.means(parent.func, len):
                continue
            if at <= last:
                return False   # another holder of g's lists while they grow
        return True

    # -- expressions -------------------------------------------------------------------
    def _fromkeys(self, node):
        return isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
            node.func.attr == "fromkeys" and self.means(node.func.value, dict) and \
            1 <= len(node.args) <= 2 and not node.keywords and \
            not any(isinstance(a, S.Starred) for a in node.args)

    def _merged(self, node):
        """A dict display with `**` that idiom_rewrite does not make `dict(d, k=v)`."""
        if not (isinstance(node, S.Dict) and None in node.keys) or "dict" in self.local \
                or not self.means(S.load("dict"), dict):
            return False
        rest = list(node.keys[1:])
        return not (node.keys[0] is None and all(
            isinstance(k, S.Constant) and isinstance(k.value, str) and k.value.isidentifier()
            for k in rest) and len({k.value for k in rest}) == len(rest))

    def _pairs_dict(self, node):
        """`dict(C(...))`, C sorted, list, tuple or reversed: a list or iterator (never a
        mapping), whose pairs dict() takes as the comprehension does."""
        if not (isinstance(node, S.Call) and self.means(node.func, dict) and
                len(node.args) == 1 and not node.keywords):
            return False
        inner = node.args[0]
        return isinstance(inner, S.Call) and isinstance(inner.func, S.Name) and any(
            self.means(inner.func, c) for c in (sorted, list, tuple, reversed))

    def visit_Call(self, node):
        self.generic_visit(node)
        if self._pairs_dict(node):
            k, v = self.fresh("key"), self.fresh("value")
            self.changed = True
            return _quote_expr(f"{{{k}: {v} for {k}, {v} in PAIRS}}", node, PAIRS=node.args[0])
        if not self._fromkeys(node) or len(node.args) == 2 and not isinstance(
                node.args[1], (S.Constant, S.Name)):
            return node   # (a value computed here: bound to a name first, by statement)
        value = node.args[1] if len(node.args) == 2 else S.const(None)
        k = self.fresh("key")
        self.changed = True
        return _quote_expr(f"{{{k}: V for {k} in KEYS}}", node, V=value, KEYS=node.args[0])

    def _fromkeys_computed(self, stmt):
        """`d = dict.fromkeys(keys, e)`, e computed: `value = e` first (the one object every
        key shares, as the alias analysis then sees), keys computed before it."""
        call = stmt.value
        out = []
        keys = self.visit(call.args[0])
        if not isinstance(keys, (S.Name, S.Constant)):
            name = self.fresh("keys")
            out.append(S.Assign(targets=[S.store(name)], value=keys, type_comment=None))
            keys = S.load(name)
        value = self.fresh("value")
        out.append(S.Assign(targets=[S.store(value)], value=self.visit(call.args[1]),
                            type_comment=None))
        k = self.fresh("key")
        stmt.value = _quote_expr(f"{{{k}: {value} for {k} in KEYS}}", call, KEYS=keys)
        out.append(stmt)
        self.changed = True
        return [S.place_unplaced(n, stmt) for n in out]

    def visit_Dict(self, node):
        self.generic_visit(node)
        if not self._merged(node):
            return node
        parts = []
        for key, value in zip(node.keys, node.values):
            if key is None:
                parts.append(_quote_expr("list(dict(D).items())", node, D=value))
            else:
                parts.append(S.List(elts=[S.Tuple(elts=[key, value], ctx=S.Load())],
                                    ctx=S.Load()))
        items = parts[0]
        for p in parts[1:]:
            items = S.BinOp(left=items, op=S.Add(), right=p)
        k, v = self.fresh("key"), self.fresh("value")
        self.changed = True
        new = _quote_expr(f"{{{k}: {v} for {k}, {v} in ITEMS}}", node, ITEMS=items)
        return S.place_unplaced(new, node)

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, S.Load) and isinstance(node.value, S.Name) and \
                self.defaults.get(node.value.id):
            self.changed = True
            new = _quote_expr(f"D.setdefault(K, {self.defaults[node.value.id]})", node,
                               D=node.value.id, K=node.slice)
            return S.place_unplaced(new, node)
        return node

    def visit_FunctionDef(self, node):
        return node   # a nested function is its own (it reads no name rewritten here)

    visit_Lambda = visit_ClassDef = visit_AsyncFunctionDef = visit_FunctionDef

    # -- statements --------------------------------------------------------------------
    def block(self, stmts):
        out = []
        for stmt in stmts:
            out += self.statement(stmt)
        return out

    def statement(self, stmt):
        if isinstance(stmt, _COMPOUND):   # its header's expressions, then its blocks
            for field in ("test", "iter", "target", "items", "handlers"):
                if getattr(stmt, field, None) is not None:
                    heads = getattr(stmt, field)
                    setattr(stmt, field, [self.visit(h) if not isinstance(
                        h, S.ExceptHandler) else h for h in heads] if isinstance(
                        heads, list) else self.visit(heads))
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
            for h in getattr(stmt, "handlers", ()):
                h.body = self.block(h.body)
            return [stmt]
        grown = self._append_of(stmt)
        if grown is not None and grown[0] in self.growing:
            return self._grow(stmt, *grown)
        if isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], S.Name) and stmt.targets[0].id in self.defaults:
            call = stmt.value
            self.changed = True
            stmt.value = S.place_unplaced(S.Dict(keys=[], values=[]) if (
                self.defaults[stmt.targets[0].id] is not None or not call.args and
                not call.keywords) else S.Call(func=S.load("dict"), args=call.args,
                                               keywords=call.keywords), call)
            return [stmt]
        if accumulated(self, stmt) is not None:
            return accumulate(self, stmt)
        if isinstance(stmt, S.Assign) and self._fromkeys(stmt.value) and \
                len(stmt.value.args) == 2 and not isinstance(stmt.value.args[1],
                                                              (S.Constant, S.Name)):
            return self._fromkeys_computed(stmt)
        updated = self._updated(stmt)
        if updated is not None:
            d, other = updated
            if isinstance(other, S.Dict) and None not in other.keys:   # d |= {"k": v}
                new = S.Expr(value=S.Call(func=S.Attribute(value=S.load(d), attr="update",
                                                           ctx=S.Load()),
                                          args=[self.visit(other)], keywords=[]))
                self.changed = True
                return [S.place_unplaced(new, stmt)]
            k, v = self.fresh("key"), self.fresh("value")
            new = _quote(f"for {k}, {v} in dict(E).items():\n    {d}[{k}] = {v}", stmt,
                          E=self.visit(other))
            self.changed = True
            return [S.place_unplaced(n, stmt) for n in new]
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.target, S.Subscript) and \
                isinstance(stmt.target.value, S.Name) and \
                self.defaults.get(stmt.target.value.id):
            return self._missing_first(stmt)
        return [self.visit(stmt)]

    def _key_atom(self, key, out, stmt):
        key = self.visit(key)
        if isinstance(key, (S.Name, S.Constant)):
            return key
        name = self.fresh("key")
        out.append(S.place_unplaced(S.Assign(targets=[S.store(name)], value=key,
                                             type_comment=None), stmt))
        return S.load(name)

    def _grow(self, stmt, g, key, value, how):
        out = []
        key = self._key_atom(key, out, stmt)
        value = self.visit(value)
        more = S.List(elts=[value], ctx=S.Load()) if how == "append" else \
            S.Call(func=S.load("list"), args=[value], keywords=[])
        if isinstance(stmt.value.func.value, S.Subscript) and g not in self.defaults:
            # g[k].append(v) of a dict of lists made here: g[k] must be there (KeyError)
            out += _quote("G[K] = G[K] + MORE", stmt, G=g, K=key, MORE=more)
        else:
            out += _quote("G[K] = G.get(K, []) + MORE", stmt, G=g, K=key, MORE=more)
        self.changed = True
        return [S.place_unplaced(n, stmt) for n in out]

    def _missing_first(self, stmt):
        out = []
        target = stmt.target
        d = target.value.id
        key = self._key_atom(target.slice, out, stmt)
        out += _quote(f"if K not in D:\n    D[K] = {self.defaults[d]}", stmt, K=key, D=d)
        target.slice = S.clone(key)
        stmt.value = self.visit(stmt.value)
        out.append(stmt)
        self.changed = True
        return [S.place_unplaced(n, stmt) for n in out]

    def _updated(self, stmt):
        """(d, e) of `d.update(e)` or `d |= e`, d surely a dict, e neither a display nor
        given keywords; else None."""
        if "dict" in self.local or not self.means(S.load("dict"), dict):
            return None
        if isinstance(stmt, S.AugAssign) and isinstance(stmt.op, S.BitOr) and isinstance(
                stmt.target, S.Name) and stmt.target.id in self.dicts and (
                    isinstance(stmt.value, S.Dict) and None not in stmt.value.keys or
                    self._surely_dict(stmt.value)):
            return stmt.target.id, stmt.value
        if isinstance(stmt, S.Expr):
            d = _method_call(stmt.value, "update")
            if d is not None and d.id in self.dicts and len(stmt.value.args) == 1 and \
                    not stmt.value.keywords and self._surely_dict(stmt.value.args[0]):
                return d.id, stmt.value.args[0]
        return None

    def _surely_dict(self, node):
        """A name surely holding a dict, a dict made here (not a display: idioms.py lowers
        d.update({...}) as it is), or a display of pairs."""
        return isinstance(node, S.Name) and node.id in self.dicts or isinstance(
            node, S.DictComp) or isinstance(node, S.Call) and (
                self.means(node.func, dict) or self._fromkeys(node)) or isinstance(
            node, (S.List, S.Tuple)) and all(isinstance(e, S.Tuple) and len(e.elts) == 2
                                             for e in node.elts)
