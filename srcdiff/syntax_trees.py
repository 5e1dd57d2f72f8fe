"""Conversion between the standard library's ast trees and gast trees, node by node (a leaf,
part of syntax.py: called by syntax's parsers and by srcdiff's stages through
`syntax.ast_to_gast` and `syntax.to_python_ast`). Takes an ast tree (a parsed file or def) or
a gast tree (an emitted function); gives back the same tree in the other form, source
positions kept.

With syntax.py and syntax_walks.py, the only modules that import gast: the converters are apart so that
syntax.py stays short; every other module reaches them through syntax.
"""
import ast

import gast


def ast_to_gast(node):
    """Convert one node of a standard library ast (a def found in a parsed file) to gast.

    The same tree as gast.ast_to_gast gives (a test compares them), about three times
    faster: fields are copied by name, with gast's differences mended (a parameter is a
    Name in the Param context, a handler's name a Name, a def has type_params on every
    Python); a node kind not known here is converted by gast itself."""
    return _to_gast(node)


_GAST_SPECS = {}  # ast class -> (gast class, its fields, fields ast lacks) or None
_GAST_CONTEXTS = {ast.Load: gast.Load, ast.Store: gast.Store, ast.Del: gast.Del}


def _to_gast(node):
    # _to_ast's mirror image, kept as a twin rather than one converter over tables: both
    # run once per node of every tree parsed and emitted, and their special cases differ
    cls = node.__class__
    if cls is list:
        return [_to_gast(n) for n in node]
    if not isinstance(node, ast.AST):
        return node
    if cls is ast.Name:
        new = gast.Name(id=node.id, ctx=_GAST_CONTEXTS[node.ctx.__class__](),
                        annotation=None, type_comment=None)
    elif cls in _GAST_CONTEXTS:
        return _GAST_CONTEXTS[cls]()
    elif cls is ast.arg:
        new = gast.Name(id=node.arg, ctx=gast.Param(), annotation=_to_gast(node.annotation),
                        type_comment=node.type_comment)
    elif cls is ast.ExceptHandler and node.name:
        new = gast.ExceptHandler(type=_to_gast(node.type),
                                 name=gast.Name(id=node.name, ctx=gast.Store(),
                                                annotation=None, type_comment=None),
                                 body=_to_gast(node.body))
    else:
        spec = _GAST_SPECS.get(cls, False)
        if spec is False:
            spec = _GAST_SPECS[cls] = _gast_spec(cls)
        if spec is None:
            return gast.ast_to_gast(node)
        target, fields, absent = spec
        values = node.__dict__
        new = target.__new__(target)
        for field in fields:
            setattr(new, field, _to_gast(values[field]) if field not in absent else [])
    _copy_position(node, new)
    return new


def _gast_spec(cls):
    """(gast class, its fields, the fields the ast node lacks) when only `type_params`
    (a def's or a class's before Python 3.12, always empty) is missing on the ast side."""
    target = getattr(gast, cls.__name__, None)
    if target is None:
        return None
    absent = set(target._fields) - set(cls._fields)
    if absent - {"type_params"}:
        return None
    return target, target._fields, absent


def to_python_ast(node, positions=True):
    """Convert a gast tree into the standard library's ast.

    The same tree as gast.gast_to_ast gives (a test compares them on every file of the
    project), about four times faster: fields are copied by name, with gast's three
    differences mended (a Name that is a parameter becomes an `arg`, a handler's name a
    string, and a plain Name drops gast's annotation); a node kind not known here is
    converted by gast itself. Without `positions`, the source positions are left out (for
    text made from the tree, which reads none: emit.py)."""
    place = _copy_position if positions else None
    if isinstance(node, list):
        return [_to_ast(n, place) for n in node]
    return _to_ast(node, place)


_AST_SPECS = {}  # gast class -> (ast class, its fields) or None: convert with gast
_CONTEXTS = {gast.Load: ast.Load(), gast.Store: ast.Store(), gast.Del: ast.Del()}


def _to_ast(node, place):
    cls = node.__class__
    if cls is list:
        return [_to_ast(n, place) for n in node]
    if not isinstance(node, gast.AST):
        return node
    if cls is gast.Name:
        new = ast.Name(id=node.id, ctx=_CONTEXTS[node.ctx.__class__])
    elif cls in _CONTEXTS:
        return _CONTEXTS[cls]
    elif cls is gast.arguments:
        new = ast.arguments(
            posonlyargs=[_to_arg(a, place) for a in node.posonlyargs],
            args=[_to_arg(a, place) for a in node.args], vararg=_to_arg(node.vararg, place),
            kwonlyargs=[_to_arg(a, place) for a in node.kwonlyargs],
            kw_defaults=_to_ast(node.kw_defaults, place), kwarg=_to_arg(node.kwarg, place),
            defaults=_to_ast(node.defaults, place))
        return new
    elif cls is gast.ExceptHandler:
        new = ast.ExceptHandler(type=_to_ast(node.type, place),
                                name=node.name.id if node.name else None,
                                body=_to_ast(node.body, place))
    else:
        spec = _AST_SPECS.get(cls, False)
        if spec is False:
            spec = _AST_SPECS[cls] = _ast_spec(cls)
        if spec is None:
            return gast.gast_to_ast(node)
        target, fields = spec
        values = node.__dict__
        new = target.__new__(target)
        for field in fields:
            setattr(new, field, _to_ast(values[field], place))
    if place is not None:
        place(node, new)
    return new


def _ast_spec(cls):
    """(ast class, fields) when the gast node has the same fields as its ast twin."""
    target = getattr(ast, cls.__name__, None)
    if target is None or set(target._fields) - set(cls._fields):
        return None
    return target, target._fields


def _to_arg(node, place):
    if node is None:
        return None
    new = ast.arg(arg=node.id, annotation=_to_ast(node.annotation, place),
                  type_comment=node.type_comment)
    if place is not None:
        place(node, new)
    return new


def _copy_position(node, new):
    """The source position of `node` (ast or gast) given to its twin `new`."""
    values = node.__dict__
    for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if attr in values:
            setattr(new, attr, values[attr])
