"""collections.deque and heapq's heaps rewritten as plain lists, which the lowering already
differentiates (stage 3, lower: called by source_rewrites.counted_rewrite). Takes the user's
FunctionDef and a lookup of its free names; gives back a copy with the rewrites below, or the
FunctionDef itself where none applies.

A deque: a local bound once, to ``deque(...)`` or ``collections.deque(...)`` (no argument, an
iterable, ``maxlen=K`` a literal int), and otherwise only appended to and popped from
(``append``, ``appendleft``, ``pop``, ``popleft``, the first two as statements), read by
``sum``, ``len``, ``list``, ``tuple``, ``max``, ``min``, ``sorted``, ``enumerate``, an item
``q[i]``, a loop or a test. It becomes a list: ``list(it)``, ``q.insert(0, v)``, ``q.pop(0)``,
each append followed by ``if len(q) > K: q.pop(0)`` (``q.pop()`` after appendleft).

A heap: a local (not a parameter) bound only to a fresh list (a display, a comprehension,
``list(...)``, ``sorted(...)``) and otherwise only given to heapq.heapify, heappush (statements)
and heappop, to ``len`` or tested. It is kept unordered: heapify does nothing, heappush
appends, and heappop pops the smallest item, ``h.pop(min(range(len(h)), key=lambda k: h[k],
default=0))`` (the first of equal ones: items that compare equal are equal values; an empty
heap's IndexError as heappop's). The order is
decided by values, so it is piecewise constant; the derivatives flow through the items.
"""
import builtins
import collections
import heapq

from . import syntax as S
from .accumulate_loops import quote_at, quote_expr_at
from .itertools_calls import NamePass

_READERS = ("sum", "len", "list", "tuple", "max", "min", "sorted", "enumerate")
_DEQUE_METHODS = ("append", "appendleft", "pop", "popleft")
_HEAP_CALLS = (heapq.heapify, heapq.heappush, heapq.heappop)


def rewrite(fdef, lookup):
    """A copy of `fdef` with its deques and heaps as lists (the module's docstring), or
    `fdef`."""
    tree = S.clone(fdef)
    pass_ = _Pass(tree, lookup)
    if not pass_.deques and not pass_.heaps:
        return fdef
    pass_.visit(tree)
    return tree


def _parents(tree):
    out = {}
    for node in S.walk(tree):
        for child in S.iter_child_nodes(node):
            out[id(child)] = node
    return out


class _Pass(NamePass):
    def __init__(self, tree, lookup):
        super().__init__(tree, lookup)
        self.params = {a.id for a in S.walk(tree.args) if isinstance(a, S.Name)}
        self.parents = _parents(tree)
        names = {}
        for n in S.walk(tree):
            if isinstance(n, S.Name) and n.id not in self.params:
                names.setdefault(n.id, []).append(n)
        self.deques = {}   # name: maxlen (None: none)
        self.heaps = set()
        for name, uses in names.items():
            stores = [n for n in uses if not isinstance(n.ctx, S.Load)]
            loads = [n for n in uses if isinstance(n.ctx, S.Load)]
            maxlen = self._deque_binding(stores)
            if maxlen is not False and all(self._deque_read(n) for n in loads):
                self.deques[name] = maxlen
            elif stores and all(self._fresh_list(n) for n in stores) and loads and \
                    all(self._heap_read(n) for n in loads) and \
                    any(self._heap_call(self.parents.get(id(n))) for n in loads):
                self.heaps.add(name)

    # -- which names are deques, which heaps ---------------------------------------------
    def _deque_binding(self, stores):
        """maxlen (None for none) where `stores` is one `q = deque(...)`, else False."""
        if len(stores) != 1:
            return False
        target = stores[0]
        stmt = self.parents.get(id(target))
        if not (isinstance(stmt, S.Assign) and stmt.targets == [target] and
                isinstance(stmt.value, S.Call)):
            return False
        call = stmt.value
        if self.means(call.func) is not collections.deque or len(call.args) > 1 or \
                any(isinstance(a, S.Starred) for a in call.args):
            return False
        maxlen = None
        for k in call.keywords:
            if k.arg != "maxlen" or not (isinstance(k.value, S.Constant) and (
                    k.value.value is None or type(k.value.value) is int and k.value.value >= 0)):
                return False
            maxlen = k.value.value
        return maxlen

    def _deque_read(self, name):
        parent = self.parents.get(id(name))
        if isinstance(parent, S.Attribute) and parent.attr in _DEQUE_METHODS:
            call = self.parents.get(id(parent))
            if not (isinstance(call, S.Call) and call.func is parent):
                return False
            if parent.attr in ("append", "appendleft"):
                return len(call.args) == 1 and not call.keywords and \
                    isinstance(self.parents.get(id(call)), S.Expr)
            return not call.args and not call.keywords
        return self._plain_read(name, parent, _READERS)

    def _plain_read(self, name, parent, readers):
        if isinstance(parent, S.Call) and parent.args[:1] == [name] and \
                len(parent.args) == 1 and isinstance(parent.func, S.Name) and \
                parent.func.id in readers and parent.func.id not in self.local and \
                self.lookup(parent.func.id) is getattr(builtins, parent.func.id):
            return True
        if isinstance(parent, (S.If, S.While, S.IfExp)) and parent.test is name:
            return True
        if readers is not _READERS:
            return False
        if isinstance(parent, (S.For, S.comprehension)) and parent.iter is name:
            return True
        return isinstance(parent, S.Subscript) and parent.value is name and \
            not isinstance(parent.slice, S.Slice)

    def _fresh_list(self, target):
        stmt = self.parents.get(id(target))
        if not (isinstance(stmt, S.Assign) and stmt.targets == [target]):
            return False
        value = stmt.value
        if isinstance(value, (S.List, S.ListComp)):
            return True
        return isinstance(value, S.Call) and isinstance(value.func, S.Name) and \
            value.func.id in ("list", "sorted") and value.func.id not in self.local and \
            self.lookup(value.func.id) is getattr(builtins, value.func.id)

    def _heap_call(self, call):
        return isinstance(call, S.Call) and self.means(call.func) in _HEAP_CALLS

    def _heap_read(self, name):
        parent = self.parents.get(id(name))
        if self._heap_call(parent) and parent.args[:1] == [name] and not parent.keywords:
            func = self.means(parent.func)
            statement = isinstance(self.parents.get(id(parent)), S.Expr)
            if func is heapq.heappop:
                return len(parent.args) == 1
            return statement and len(parent.args) == (1 if func is heapq.heapify else 2)
        return self._plain_read(name, parent, ("len",))

    # -- the rewrite ----------------------------------------------------------------------
    def visit_Assign(self, node):
        self.generic_visit(node)
        target = node.targets[0]
        if isinstance(target, S.Name) and target.id in self.deques and \
                isinstance(node.value, S.Call):
            q, maxlen = target.id, self.deques[target.id]
            items = node.value.args
            out = quote_at(f"{q} = list(IT)" if items else f"{q} = []", node,
                           **({"IT": items[0]} if items else {}))
            if items and maxlen is not None:
                out += quote_at(f"while len({q}) > {maxlen}:\n    {q}.pop(0)", node)
            return out
        return node

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, S.Call) and isinstance(call.func, S.Attribute) and \
                isinstance(call.func.value, S.Name) and call.func.value.id in self.deques \
                and call.func.attr in ("append", "appendleft"):
            self.generic_visit(node)
            q, maxlen = call.func.value.id, self.deques[call.func.value.id]
            left = call.func.attr == "appendleft"
            out = quote_at(f"{q}.insert(0, V)" if left else f"{q}.append(V)", node,
                           V=call.args[0])
            if maxlen is not None:
                out += quote_at(f"if len({q}) > {maxlen}:\n    {q}.pop({'' if left else 0})",
                                node)
            return out
        if self._heap_call(call) and isinstance(call.args[0], S.Name) and \
                call.args[0].id in self.heaps:
            self.generic_visit(node)
            h, func = call.args[0].id, self.means(call.func)
            if func is heapq.heapify:
                return quote_at("pass", node)
            if func is heapq.heappush:
                return quote_at(f"{h}.append(V)", node, V=call.args[1])
        return self.generic_visit(node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, S.Attribute) and node.func.attr == "popleft" and \
                isinstance(node.func.value, S.Name) and node.func.value.id in self.deques:
            return quote_expr_at(f"{node.func.value.id}.pop(0)", node)
        if self._heap_call(node) and self.means(node.func) is heapq.heappop and \
                isinstance(node.args[0], S.Name) and node.args[0].id in self.heaps:
            h, k = node.args[0].id, self.fresh("position")
            return quote_expr_at(f"{h}.pop(min(range(len({h})), key=lambda {k}: {h}[{k}], "
                                 f"default=0))", node)
        return node
