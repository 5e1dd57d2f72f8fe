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
"""
from collections.abc import Mapping

from . import syntax as S
from .callables import ARRAY_METHODS, is_user_function
from .core import Kind
from .lower_exprs import _stem_of_ref
from .markers import UNINDEXED_PASSED

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
            return isinstance(node.func, S.Name) and node.func.id in self.local_functions or \
                is_user_function(obj)   # (helpers.weights() of a module of the user's too)
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

    def _items_may_be_dicts(self, node, seen=None):
        """Whether a loop unpacking the items of this value (`for a, b in it`) may unpack a
        dict (then its keys): a list or tuple display of dicts, a local bound to one, or a
        module-level or closure list or tuple holding a dict. Narrower than _may_hold_dicts,
        so that `for W, b in params` reads its pairs as written."""
        seen = set() if seen is None else seen
        if isinstance(node, (S.List, S.Tuple)):
            return any(self._may_be_dict(e, set(seen)) for e in node.elts)
        if isinstance(node, S.Name) and node.id in self.locals and node.id not in self.params:
            if node.id in seen:
                return False
            seen.add(node.id)
            return any(direct and self._items_may_be_dicts(value, seen)
                       for value, direct in self._sources().get(node.id, ()))
        if isinstance(node, (S.Name, S.Attribute)) and self._global_path(node) is not None:
            value = self._callee_object(node)
            return isinstance(value, (list, tuple)) and any(isinstance(v, Mapping)
                                                            for v in value)
        return False

    def _may_be_set(self, node, seen=None):
        """Whether the value is a set (`for k in S`, `a, b = {1, 0}` go through it in
        Python's order, by iteration_order: a set has no positions): a set display or
        comprehension, set(...) or frozenset(...), a module-level or closure set, a
        parameter passed a set, a dict's view or an iterator, or a local bound only to
        those."""
        if isinstance(node, (S.Set, S.SetComp)):
            return True
        if isinstance(node, S.Call):
            return self._callee_object(node.func) in (set, frozenset)
        if isinstance(node, S.Name) and node.id in self.params:   # a set passed in
            return bool(self.known_types.get(node.id + UNINDEXED_PASSED))
        if isinstance(node, (S.Name, S.Attribute)) and self._global_path(node) is not None:
            return isinstance(self._callee_object(node), (set, frozenset))
        if isinstance(node, S.Name) and node.id in self.locals and node.id not in self.params:
            seen = set() if seen is None else seen
            sources = self._sources().get(node.id, ())
            if node.id in seen or not sources:
                return False
            seen.add(node.id)
            return all(direct and self._may_be_set(value, seen) for value, direct in sources)
        return False

    def _unpacks_keys(self, node, seen=None):
        """Whether `a, b = node` may unpack a dict or a set (then its keys, its items): a dict
        display or comprehension, dict(...), a mapping's class called (Counter(...)),
        vars(...), d.copy() of one, a module-level or closure dict, a parameter passed a
        dict, a set (_may_be_set), or a local bound to one of these or taken from a
        container whose items may be dicts (_items_may_be_dicts). A tuple a function of the
        user's returns, `a, b = pair(x)`, and `for layer in params: W, b = layer` unpack as
        written."""
        seen = set() if seen is None else seen
        if self._may_be_set(node) or self._global_dict(node) or \
                isinstance(node, (S.Dict, S.DictComp)):
            return True
        if isinstance(node, S.Call):
            obj = self._callee_object(node.func)
            if obj is dict or obj is vars or isinstance(obj, type) and issubclass(obj, Mapping):
                return True
            return isinstance(node.func, S.Attribute) and node.func.attr == "copy" and \
                not node.args and not node.keywords and self._unpacks_keys(node.func.value, seen)
        if isinstance(node, S.Name) and node.id in self.params:
            return self._may_be_dict(node)   # (a dict passed in)
        if isinstance(node, S.Name) and node.id in self.locals and node.id not in seen:
            seen.add(node.id)
            return any(self._unpacks_keys(value, seen) if direct else
                       self._items_may_be_dicts(value)
                       for value, direct in self._sources().get(node.id, ()))
        return False

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
