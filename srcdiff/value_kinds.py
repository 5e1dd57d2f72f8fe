"""The kinds of container a value of the user's may be (stage 3, lower: called by
dict_facts.py for unpacking and dict iteration). Takes a display, a callee object or a function of the user's;
gives back a set of kinds (DICT, SET, SEQUENCE, UNKNOWN).

A display tells its kind by its syntax (`DISPLAY_KINDS`); what calling an object makes by the
object (`made_by`: dict, a mapping's class, set, list, ...); a value srcdiff holds when it
transforms by its type (`kind_of_object`); and a function of the user's by its return
statements (`returned_kinds`, `function_returns`), without running it.
"""
import builtins
from collections.abc import Mapping, MappingView, Set

from . import syntax as S

# the kinds of value a fact names (_kinds): unpacking one of KEYED goes by its keys (a
# dict's) or Python's order (a set's), through iteration_order; a SEQUENCE by positions
DICT, SET, SEQUENCE, UNKNOWN = "dict", "set", "sequence", "unknown"
DICTS, SETS = frozenset([DICT]), frozenset([SET])
SEQUENCES, UNKNOWNS = frozenset([SEQUENCE]), frozenset([UNKNOWN])
KEYED = DICTS | SETS
DISPLAY_KINDS = {S.Dict: DICTS, S.DictComp: DICTS, S.Set: SETS, S.SetComp: SETS,
             S.Tuple: SEQUENCES, S.List: SEQUENCES, S.ListComp: SEQUENCES}




def made_by(obj):
    """The kind of what calling obj makes: dict, vars or a mapping's class, set or
    frozenset, list, tuple or sorted."""
    if obj is dict or obj is vars or isinstance(obj, type) and issubclass(obj, Mapping):
        return DICTS
    if obj in (set, frozenset):
        return SETS
    return SEQUENCES if obj in (list, tuple, sorted) else UNKNOWNS


def kind_of_object(value):
    """The kind of a value srcdiff holds when it transforms (module-level, closure)."""
    if isinstance(value, Mapping):
        return DICTS
    if isinstance(value, (Set, MappingView)):
        return SETS
    if isinstance(value, (list, tuple)):
        return SEQUENCES
    return UNKNOWNS


def may_be_keyed(kinds):
    """What a function of the user's returns, where srcdiff can not tell it (a parameter
    returned, a value of another function), may be a dict: unpacking it goes by
    iteration_order, which gives a sequence as it is. None (not the user's): UNKNOWN."""
    if kinds is None:
        return UNKNOWNS
    return kinds | DICTS if UNKNOWN in kinds else kinds


def function_returns(fn, items=False):
    """The kinds of what a function of the user's returns (of its items, where `items`):
    `returned_kinds` of its def."""
    from .frontend import get_source
    try:
        fdef = get_source(fn).node
    except Exception:   # (no source to read: nothing can be told)
        return UNKNOWNS
    return returned_kinds(fdef, lambda node: global_value(fn, node), items)


def returned_kinds(fdef, resolve, items=False):
    """The kinds of what the def `fdef` returns, read from its return statements (not those
    of functions defined inside it): a dict, set, list or tuple display or comprehension, a
    call of dict, set, list, tuple or a mapping's class (`resolve` tells what a name or
    attribute path called means, None where not known), arithmetic or a NumPy function's
    value (no dict), or a local bound only to those; anything else (a generator's, a
    parameter) is UNKNOWN. Where `items`: the kinds of the items of what it returns (those
    of a list, tuple or set display's items, or of a comprehension's element)."""
    bound, returned = {}, []

    def visit(node):
        for child in S.iter_child_nodes(node):
            if isinstance(child, (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)):
                continue
            if isinstance(child, (S.Yield, S.YieldFrom)):
                returned.append(None)   # (a generator)
            elif isinstance(child, S.Return):
                returned.append(child.value)
            elif isinstance(child, S.Assign):
                for target in child.targets:
                    if isinstance(target, S.Name):
                        bound.setdefault(target.id, []).append(child.value)
                    else:   # (a name unpacked from a value: not told)
                        for name in S.walk(target):
                            if isinstance(name, S.Name):
                                bound.setdefault(name.id, []).append(None)
            elif isinstance(child, (S.AugAssign, S.AnnAssign, S.NamedExpr, S.For,
                                    S.comprehension)) and isinstance(child.target, S.Name):
                bound.setdefault(child.target.id, []).append(None)
            visit(child)
    visit(fdef)

    def kinds(node, seen):
        if type(node) in DISPLAY_KINDS:
            return DISPLAY_KINDS[type(node)]
        if isinstance(node, (S.BinOp, S.UnaryOp)) and not isinstance(
                getattr(node, "op", None), S.BitOr):   # (d1 | d2 of dicts is a dict)
            return SEQUENCES
        if isinstance(node, S.Call):
            obj = resolve(node.func)
            if getattr(obj, "__module__", None) and obj.__module__.split(".")[0] == "numpy":
                return SEQUENCES   # (an array or a number)
            return made_by(obj)
        if isinstance(node, S.Name) and node.id in bound and node.id not in seen:
            seen.add(node.id)
            return frozenset().union(*(UNKNOWNS if v is None else kinds(v, seen)
                                       for v in bound[node.id]))
        return UNKNOWNS

    def item_kinds(node, seen):
        if isinstance(node, (S.List, S.Tuple, S.Set)) and not any(
                isinstance(e, S.Starred) for e in node.elts):
            return frozenset().union(*(kinds(e, set(seen)) for e in node.elts))
        if isinstance(node, (S.ListComp, S.SetComp, S.GeneratorExp)):
            return kinds(node.elt, set(seen))
        if isinstance(node, S.Name) and node.id in bound and node.id not in seen:
            seen.add(node.id)
            return frozenset().union(*(UNKNOWNS if v is None else item_kinds(v, seen)
                                       for v in bound[node.id]))
        return UNKNOWNS
    read = item_kinds if items else kinds
    return frozenset().union(*(UNKNOWNS if v is None else read(v, set())
                               for v in returned)) or UNKNOWNS


def global_value(fn, node):
    """What a name (or attribute path of one) means in fn's module, None where it is not
    one of its globals or builtins."""
    if isinstance(node, S.Attribute):
        base = global_value(fn, node.value)
        return None if base is None else getattr(base, node.attr, None)
    if isinstance(node, S.Name) and node.id not in fn.__code__.co_varnames and \
            node.id not in fn.__code__.co_cellvars and node.id not in fn.__code__.co_freevars:
        return fn.__globals__.get(node.id, getattr(builtins, node.id, None))
    return None
