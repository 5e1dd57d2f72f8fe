"""Which values of the user's function may be dicts (stage 3, lower: a mixin of lower.Lowerer
through desugar.Desugaring, asked by desugar.py, idioms.py and lower_calls.py). Takes a user
expression; gives back whether it may be or hold a dict, or for a loop the atom to iterate
over.

`DictFacts` is a mixin of `lower.Lowerer` (through desugar.Desugaring). It takes a user
expression and answers, before the code runs, whether its value may be a dict
(`_may_be_dict`) or hold dicts (`_may_hold_dicts`), from what is bound to each local name
(`_sources`); `for k in d` then goes through iteration_order(d) (the keys of a dict,
anything else as it is: `_keys_if_dict`), and `d.items()`, `d.values()`, `d.keys()` of a
local, or of a module-level or closure dict, are dict views (`_dict_view`, `DICT_VIEWS`:
the method -> its runtime helper); a module-level dict `D` is iterated by its keys too. It
gives back a yes or no, or for a loop the atom to iterate over (a new temporary where the
keys are read). The dict idioms (idioms.py) and method calls (lower_calls.py) ask it too.

Unpacking (`a, b = v`, lower.py) and a loop unpacking its items (`for a, b in v`,
desugar.py) go by one narrower fact, the kinds v's value may have (`_kinds`, `_item_kinds`:
value_kinds' DICT, SET, SEQUENCE, UNKNOWN): a dict or a set is unpacked through iteration_order, anything
else as written (`W, b = layer` of a list of pairs passed in). A function of the user's is
told by its return statements (value_kinds.returned_kinds); what the call passed by the markers
derivative.py notes, which call_keys.py makes part of the variant's key.
"""
from collections.abc import Mapping
from types import FunctionType

from . import syntax as S
from .callables import ARRAY_METHODS, is_user_function
from .core import Kind
from .lower_exprs import _stem_of_ref
from .markers import DICT_PASSED, KEYED_ITEMS_PASSED, UNINDEXED_PASSED
from .value_kinds import (DICTS, DISPLAY_KINDS, KEYED, SEQUENCES, SETS, UNKNOWNS, function_returns,
                          kind_of_object, made_by, may_be_keyed, returned_kinds)

DICT_VIEWS = {"values": "dict_values", "items": "dict_items", "keys": "dict_keys"}

class DictFacts:
    """Whether a value may be a dict (a mixin of lower.Lowerer)."""

    def _dict_view(self, node):
        """Whether a for loop's iterable is `d.items()`, `d.values()` or `d.keys()` of a
        local name (not an object whose class srcdiff follows) or of a module-level or
        closure dict."""
        if not (isinstance(node, S.Call) and isinstance(node.func, S.Attribute)
                and node.func.attr in DICT_VIEWS and not node.args and not node.keywords):
            return False
        base = node.func.value
        if isinstance(base, S.Name) and base.id in self.locals:
            return base.id not in self.known_types
        return self._global_dict(base)

    def _global_dict(self, node):
        """Whether `node` is a module-level or closure name (or attributes of one,
        `cfg.weights`) holding a dict when the function is transformed: a loop over it goes
        through its keys, never its positions."""
        return isinstance(node, (S.Name, S.Attribute)) and \
            self._global_path(node) is not None and isinstance(self._callee_object(node), dict)

    def _keys_if_dict(self, node, atom, out):
        """`for k in d` goes through a dict's keys: where `node` may be a dict, the loop
        iterates over iteration_order(atom) (the keys of a dict, anything else as it is)."""
        if not (isinstance(atom, S.Name) and self._may_be_dict(node) or
                self._global_dict(node) or   # (`for k in cfg.weights`: an attribute)
                self._may_be_set(node)):
            return atom
        return self._iteration_order(atom, out, node)

    def _iteration_order(self, atom, out, node):
        """iteration_order(atom) in a new temporary: what a loop over atom (or unpacking it)
        goes through, a dict's keys or anything else as it is."""
        from . import runtime
        ref = self._runtime_helper("iteration_order")
        keys = self.temp(out, S.Call(func=ref, args=[atom], keywords=[]), Kind.CALL,
                         "order_" + _stem_of_ref(atom), func=runtime.iteration_order)
        # refusals name what the user wrote, not this temporary
        self.spelled[keys.id] = self.spelled.get(getattr(atom, "id", None), node)
        return keys

    def _may_be_dict(self, node, seen=None):
        """Whether the value of a user expression may be a dict (`for k in it` then goes
        through its keys): dict displays, comprehensions and dict() calls, `d.copy()` of
        one, container parameters (but a list or tuple passed), items and attributes of objects,
        module-level and closure names (and attribute paths) holding a dict, methods of
        those (`D.copy()`), calls of a mapping's class (`collections.Counter(...)`) and
        `vars(obj)`, results of the user's functions, and locals bound to any of these (a loop variable counts when its loop may go through
        such values). Arrays, numbers and list displays may not."""
        seen = set() if seen is None else seen
        if isinstance(node, (S.Dict, S.DictComp)):
            return True
        if isinstance(node, S.Call):
            obj = self._callee_object(node.func)
            if obj is dict or obj is vars or isinstance(obj, type) and issubclass(obj, Mapping):
                return True   # (collections.Counter(...), OrderedDict(...), vars(cfg))
            if isinstance(node.func, S.Attribute) and (
                    self._global_path(node.func) is None or self._global_dict(node.func.value)):
                if node.func.attr == "copy" and not node.args and not node.keywords:
                    return self._may_be_dict(node.func.value, seen)   # d.copy()
                return node.func.attr not in DICT_VIEWS and node.func.attr not in ARRAY_METHODS
            if isinstance(node.func, S.Name) and node.func.id in self.local_functions:
                return True
            # (helpers.weights() of a module of the user's too; not one returning a tuple)
            return is_user_function(obj) and bool(self._call_kinds(node, seen) - SEQUENCES)
        if self._global_dict(node):
            return True
        if isinstance(node, S.Attribute):
            return self._global_path(node) is None
        if isinstance(node, S.Subscript):
            return self._may_hold_dicts(node.value, seen)
        if isinstance(node, S.Name):
            if node.id in self.params and node.id in self.containers and \
                    self.known_types.get(node.id) not in (list, tuple):
                return True
            if node.id in self.params and node.id not in self._sources():
                return False   # (a list or tuple passed, never bound anew)
            if node.id not in self.locals or node.id in seen:
                return False
            seen.add(node.id)
            for value, direct in self._sources().get(node.id, ()):
                if self._may_be_dict(value, seen) if direct else self._may_hold_dicts(value,
                                                                                       seen):
                    return True
        return False

    def _kinds(self, node, seen=None):
        """The one fact unpacking and `for a, b in it` go by: the kinds node's value may have,
        a frozenset of DICT, SET, SEQUENCE and UNKNOWN (what srcdiff can not tell before the
        code runs). Displays, comprehensions and calls of dict, set, list, tuple or a mapping's
        class; `x.copy()` of one; module-level and closure values; a parameter by what the
        call passed (markers: DICT_PASSED, UNINDEXED_PASSED; a list or tuple); a function of
        the user's by its return statements (`returned_kinds`); a subscript by the kinds of
        the items of what it indexes; a local by every value bound to it."""
        seen = set() if seen is None else seen
        if type(node) in DISPLAY_KINDS:
            return DISPLAY_KINDS[type(node)]
        if isinstance(node, S.Call):
            return self._call_kinds(node, seen)
        if isinstance(node, (S.Name, S.Attribute)) and self._global_path(node) is not None:
            return kind_of_object(self._callee_object(node))
        if isinstance(node, S.Subscript) and not isinstance(node.slice, S.Slice):
            return self._item_kinds(node.value, seen)
        if not isinstance(node, S.Name):
            return UNKNOWNS
        out = frozenset()
        if node.id in self.params:
            out = self._passed_kinds(node.id)
            if node.id not in self._sources():
                return out
        elif node.id not in self.locals or not self._sources().get(node.id):
            return UNKNOWNS
        if node.id in seen:
            return out
        seen.add(node.id)
        for value, direct in self._sources().get(node.id, ()):
            out |= self._kinds(value, seen) if direct else self._item_kinds(value, seen)
        return out

    def _call_kinds(self, node, seen):
        """The kinds of a call's value (see _kinds)."""
        obj = self._callee_object(node.func)
        if made_by(obj) is not UNKNOWNS:   # (Counter(...), OrderedDict(...), vars(cfg))
            return made_by(obj)
        if isinstance(node.func, S.Attribute) and node.func.attr == "copy" and \
                not node.args and not node.keywords:
            return self._kinds(node.func.value, seen)   # d.copy()
        return may_be_keyed(self._users_returns(node, items=False))

    def _users_returns(self, call, items):
        """The kinds of what the function of the user's `call` calls returns (of its items,
        where `items`), read from its return statements; None for any other call."""
        obj = self._callee_object(call.func)
        if is_user_function(obj) and isinstance(obj, FunctionType):
            cache = self.__dict__.setdefault("_returned_kinds", {})
            if (obj, items) not in cache:
                cache[obj, items] = function_returns(obj, items)
            return cache[obj, items]
        if isinstance(call.func, S.Name) and call.func.id in self.local_functions:
            return self._nested_returns(call.func.id, items)
        return None

    def _nested_returns(self, name, items=False):
        """The kinds of what a function defined inside this one returns (a def, bound once)."""
        defs = [n for n in S.walk(self.fdef) if isinstance(n, (S.FunctionDef, S.Lambda))
                and getattr(n, "name", None) == name or isinstance(n, (S.Assign, S.NamedExpr))
                and name in {t.id for t in S.walk(n) if isinstance(t, S.Name)
                             and isinstance(t.ctx, S.Store)}]
        if len(defs) != 1 or not isinstance(defs[0], S.FunctionDef):
            return UNKNOWNS
        fdef = defs[0]
        own = {a.id for a in S.walk(fdef.args) if isinstance(a, S.Name)} | {
            n.id for n in S.walk(fdef) if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}

        def resolve(node):
            root = node
            while isinstance(root, S.Attribute):
                root = root.value
            if not isinstance(root, S.Name) or root.id in own:
                return None
            return self._callee_object(node)
        return returned_kinds(fdef, resolve, items)

    def _passed_kinds(self, name):
        """The kinds of what the call passed for parameter `name` (the variant's key)."""
        known = self.known_types
        if known.get(name + UNINDEXED_PASSED):
            return SETS
        if known.get(name) in (list, tuple) or isinstance(known.get(name), type) and \
                issubclass(known[name], tuple):   # (a named tuple)
            return SEQUENCES
        if known.get(name + DICT_PASSED) or name in self.containers:
            return DICTS   # (a dict of a class of its own too)
        return UNKNOWNS

    def _item_kinds(self, node, seen=None):
        """The kinds of the items of node's value (`for a, b in it` unpacks them): of each
        item of a display, of a module-level list or tuple, of a list or tuple passed in
        (markers.KEYED_ITEMS_PASSED: the call passed one holding dicts or sets), or of the
        values bound to a local."""
        seen = set() if seen is None else seen
        if isinstance(node, (S.List, S.Tuple, S.Set)):
            return frozenset().union(*(self._kinds(e, set(seen)) for e in node.elts))
        if isinstance(node, S.Dict):
            return frozenset().union(*(self._kinds(v, set(seen)) for v in node.values))
        if isinstance(node, (S.ListComp, S.SetComp, S.GeneratorExp)):
            return self._kinds(node.elt, seen)
        if isinstance(node, S.DictComp):
            return self._kinds(node.value, seen)
        if isinstance(node, S.Call) and self._users_returns(node, items=True) is not None:
            return may_be_keyed(self._users_returns(node, items=True))
        if isinstance(node, S.Name) and node.id in self.params:
            if node.id in self._sources():
                return UNKNOWNS | (KEYED if self.known_types.get(
                    node.id + KEYED_ITEMS_PASSED) else frozenset())
            return KEYED if self.known_types.get(node.id + KEYED_ITEMS_PASSED) else UNKNOWNS
        if isinstance(node, (S.Name, S.Attribute)) and self._global_path(node) is not None:
            value = self._callee_object(node)
            if isinstance(value, (list, tuple)):
                return frozenset().union(*map(kind_of_object, value))
            if isinstance(value, Mapping):
                return frozenset().union(*map(kind_of_object, value.values()))
            return UNKNOWNS
        if isinstance(node, S.Name) and node.id in self.locals and self._sources().get(node.id):
            if node.id in seen:
                return frozenset()
            seen.add(node.id)
            out = frozenset()
            for value, direct in self._sources()[node.id]:
                out |= self._item_kinds(value, seen) if direct else UNKNOWNS
            return out
        return UNKNOWNS

    def _keyed(self, node):
        """Whether unpacking node's value may unpack a dict or a set (then its keys, its
        items in Python's order: iteration_order), so `a, b = d` reads d's keys and a tuple
        a function of the user's returns, `a, b = pair(x)`, unpacks as written."""
        return bool(self._kinds(node) & KEYED)

    def _items_keyed(self, node):
        """Whether `for a, b in node` may unpack a dict or a set (see _keyed)."""
        return bool(self._item_kinds(node) & KEYED)

    def _may_be_set(self, node):
        """Whether the value is a set (`for k in S` goes through it in Python's order, by
        iteration_order: a set has no positions): a set display or comprehension, set(...)
        or frozenset(...), a module-level or closure set, a parameter passed a set, a dict's
        view or an iterator, or a local bound only to those."""
        return self._kinds(node) == SETS

    def _may_hold_dicts(self, node, seen):
        """Whether items of this value may be dicts: any container may hold them."""
        if isinstance(node, S.Name) and node.id in self.params:
            return node.id in self.containers
        if isinstance(node, (S.List, S.Tuple)):
            return any(self._may_be_dict(e, seen) or isinstance(e, (S.List, S.Tuple))
                       for e in node.elts)
        if isinstance(node, S.Call) and self._callee_object(node.func) in (range, enumerate):
            return False
        if isinstance(node, S.Name) and node.id in self.locals:
            sources = self._sources().get(node.id, ())
            return any(not direct or not isinstance(value, (S.ListComp, S.Constant))
                       for value, direct in sources) and node.id not in seen
        return not isinstance(node, S.Constant)

    def _sources(self):
        """For each local name: the user expressions bound to it, as (node, True) for
        `name = node` and (node, False) for an item of node (unpacking, loop variables)."""
        if getattr(self, "_source_map", None) is None:
            out = {}

            def bind(target, value, direct):
                if isinstance(target, S.Name):
                    out.setdefault(target.id, []).append((value, direct))
                elif isinstance(target, (S.Tuple, S.List)):
                    for elt in target.elts:
                        bind(elt, value, False)
            for node in S.walk(self.fdef):
                if isinstance(node, S.Assign):
                    for target in node.targets:
                        bind(target, node.value, True)
                elif isinstance(node, (S.AnnAssign, S.NamedExpr)) and node.value is not None:
                    bind(node.target, node.value, True)
                elif isinstance(node, S.AugAssign):
                    bind(node.target, node.value, True)
                elif isinstance(node, (S.For, S.comprehension)):
                    bind(node.target, node.iter, False)
            self._source_map = out
        return self._source_map
