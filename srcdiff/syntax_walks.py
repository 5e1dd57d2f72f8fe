"""The walks over a tree's nodes (a leaf, part of syntax.py: called by every stage through
`syntax.walk`, `syntax.nodes`, `syntax.walk_names`, `syntax.own_nodes` and
`syntax.scope_nodes` and `syntax.map_own_statements`). Takes a gast node
(or, for own_nodes, a def of either ast); gives back its nodes breadth first, as ast.walk
would, without the expression contexts and the fields that never hold a node.

The passes read trees many times (a 20-line function's first derivative makes some 1,900
walks, over 12,000 nodes), so the walks are written for speed: a list field is queued whole
(one `extend`, not a question per item) and what in it is not a node (a name in Global's names, a None among a dict
display's keys) is skipped when it is read. With syntax.py and syntax_trees.py, the only
modules that import gast; every other module reaches the walks through syntax.
"""
import gast

_WALKED_FIELDS = {}   # node class -> the fields `walk` and NodeTransformer look into

# fields gast fills with names, numbers, flags or constants, never with a node (identifiers,
# type comments, a constant's value): `walk` skips them, as it skips the expression contexts
# (`name` is a node of ExceptHandler and TypeAlias, so it is listed by class)
_LEAF_FIELDS = {
    "Name": ("id", "type_comment"), "Attribute": ("attr",), "keyword": ("arg",),
    "Constant": ("value", "kind"), "FunctionDef": ("name", "type_comment"),
    "AsyncFunctionDef": ("name", "type_comment"), "ClassDef": ("name",),
    "Assign": ("type_comment",), "For": ("type_comment",), "AsyncFor": ("type_comment",),
    "With": ("type_comment",), "AsyncWith": ("type_comment",), "comprehension": ("is_async",),
    "FormattedValue": ("conversion",), "AnnAssign": ("simple",),
    "ImportFrom": ("module", "level"), "alias": ("name", "asname"),
}


def _walked_fields(cls):
    """The fields of node class `cls` that may hold a node (kept in _WALKED_FIELDS)."""
    leaves = _LEAF_FIELDS.get(cls.__name__, ()) if getattr(gast, cls.__name__, None) is cls \
        else ()
    fields = _WALKED_FIELDS[cls] = tuple(f for f in cls._fields
                                         if f != "ctx" and f not in leaves)
    return fields


def own_nodes(fdef):
    """The nodes of a function's body, not those of functions, lambdas or classes defined
    inside it (their own nodes). Works on gast and on Python's ast trees alike."""
    todo = list(fdef.body)
    while todo:
        n = todo.pop()
        yield n
        if type(n).__name__ not in ("FunctionDef", "AsyncFunctionDef", "Lambda", "ClassDef"):
            todo.extend(gast.iter_child_nodes(n))


def scope_nodes(fn):
    """The nodes under `fn` (a def, lambda or class) of its own scope: its arguments (their
    Param names, defaults and annotations), decorators and body, not the nodes of functions,
    lambdas or classes defined inside it. Unlike own_nodes, a parameter's Name is among
    them, so a walk for the names `fn` binds sees its parameters too."""
    todo = list(gast.iter_child_nodes(fn))
    while todo:
        n = todo.pop()
        yield n
        if type(n).__name__ not in ("FunctionDef", "AsyncFunctionDef", "Lambda", "ClassDef"):
            todo.extend(gast.iter_child_nodes(n))


class _Entries(dict):
    """class -> what the walks read of an object of that class met in a field: the fields
    to look into of a node (an empty tuple for a node with none, as a constant or an
    operator), None for anything else (a name in Global's names, a None among a dict
    display's keys), which the walks skip as they meet it. Filled on first sight
    (`__missing__`), so that a walk reads it with one subscript, not a method call."""

    def __missing__(self, cls):
        entry = self[cls] = _walked_fields(cls) if issubclass(cls, gast.AST) else None
        return entry


_WALK = _Entries()   # the items of lists are queued all at once, strays skipped when read


def _not_a_node(node):
    raise AttributeError(f"{type(node).__name__!r} is not a node: nothing to walk")


# The three walks share one loop, written out in each (a call per node would cost more
# than the loop): `fields = walked[type(node)]` is the class's entry; a field not set on
# a node (a node built without an optional field) reads as None (the `try`, free in
# Python 3.11 when nothing is raised); a list field is queued whole.

def walk(node):
    """Every node of a tree, breadth first (as ast.walk, about three times faster), except
    the expression contexts (the Load/Store/Del under every name), which no pass reads:
    they are a third of the nodes of a lowered function. Fields that never hold a node
    (_LEAF_FIELDS: a name's id, a constant's value) are not looked into. The queue is a
    list read in order as it grows (a node's children are read once it has been yielded,
    as from a deque, without a popleft per node); a list field is queued whole, and what
    in it is not a node (a stray) is skipped when it is read, not asked about first."""
    if not isinstance(node, gast.AST):
        _not_a_node(node)
    queue = [node]
    append = queue.append
    extend = queue.extend
    walked = _WALK
    for node in queue:
        fields = walked[type(node)]
        if fields:
            yield node
            values = node.__dict__
            for field in fields:
                try:
                    value = values[field]
                except KeyError:
                    continue
                if type(value) is list:
                    extend(value)
                elif value is not None:
                    append(value)
        elif fields is not None:
            yield node


def nodes(node):
    """`walk`'s nodes, in its order, as a list: for a pass that reads a whole tree without
    changing it (no generator step per node; the children of a node are read before the
    caller sees it, so a change made while reading the list is not followed)."""
    if not isinstance(node, gast.AST):
        _not_a_node(node)
    queue = [node]
    append = queue.append
    extend = queue.extend
    walked = _WALK
    strays = False
    for node in queue:
        fields = walked[type(node)]
        if fields:
            values = node.__dict__
            for field in fields:
                try:
                    value = values[field]
                except KeyError:
                    continue
                if type(value) is list:
                    extend(value)
                elif value is not None:
                    append(value)
        elif fields is None:
            strays = True
    if strays:
        ast_type = gast.AST
        return [n for n in queue if isinstance(n, ast_type)]
    return queue


def walk_names(node):
    """The Name nodes of a tree, in `walk`'s order: what `(n for n in walk(node) if
    isinstance(n, Name))` gives, without a generator step for every other node (most
    passes count or collect names: fold, deadcode, temporaries, ...)."""
    if not isinstance(node, gast.AST):
        _not_a_node(node)
    queue = [node]
    append = queue.append
    extend = queue.extend
    name_type = gast.Name
    walked = _WALK
    for node in queue:
        cls = type(node)
        if cls is name_type:
            yield node
        fields = walked[cls]
        if fields:
            values = node.__dict__
            for field in fields:
                try:
                    value = values[field]
                except KeyError:
                    continue
                if type(value) is list:
                    extend(value)
                elif value is not None:
                    append(value)


_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_BLOCKS = ("body", "orelse", "finalbody")


def map_own_statements(stmts, replace):
    """`stmts` as a new list, each statement of their own scope (also those in the blocks of
    if, for, while, with, try and match, not in nested functions or classes) for which
    replace(stmt) gives a statement put in its place; the compound statements' blocks are
    changed in place."""
    out = []
    for stmt in stmts:
        new = replace(stmt)
        if new is not None:
            out.append(new)
            continue
        if not isinstance(stmt, _SCOPES):
            for field in _BLOCKS:
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                    setattr(stmt, field, map_own_statements(block, replace))
            for part in list(getattr(stmt, "handlers", None) or ()) + list(
                    getattr(stmt, "cases", None) or ()):
                part.body = map_own_statements(part.body, replace)
        out.append(stmt)
    return out


def block_holding(fdef, stmt):
    """The list of statements (a body, orelse or finalbody of a node under `fdef`) that
    holds `stmt` itself; AssertionError where none does."""
    for n in walk(fdef):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(n, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block
    raise AssertionError("a statement outside every block")   # pragma: no cover
