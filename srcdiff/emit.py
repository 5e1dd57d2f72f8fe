"""Gast trees to readable, deterministic Python source (stage 7, emit: called by transform.py
and forward_driver.py). Takes emitted gast trees (the functions of a derivative's module);
gives back their source text (`to_source`).

The one module that imports astor. astor is unmaintained, so any failure falls
back to the standard library's `ast.unparse`; srcdiff never breaks because
astor does. Comment markers placed by the transforms become `# ...` lines.
"""
import ast
import math
import re

from . import syntax as S

try:  # pragma: no cover - exercised when astor is installed
    import astor as _astor
except Exception:  # pragma: no cover
    _astor = None

from .syntax import COMMENT  # the marker syntax.comment writes
_MARKER = re.compile(r"^(\s*)" + COMMENT + r"\((.*)\)\s*$")


def _unparse(tree, use_astor=True):
    if use_astor and _astor is not None:
        try:
            return _astor.to_source(tree, indent_with="    ",
                                    pretty_source=lambda parts: "".join(parts))
        except Exception:
            pass
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def to_source(nodes, use_astor=True, walked=None):
    """Source text for a gast node or a list of gast statements. `walked`: the nodes of
    the list's statements (S.settle's `walked`), where walked already."""
    if isinstance(nodes, list):
        module = S.Module(body=nodes, type_ignores=[])
    elif isinstance(nodes, S.Module):
        module = nodes
    else:
        module = S.Module(body=[nodes], type_ignores=[])
    marked, empty, negative = _survey(module, walked)
    if marked:
        module = _MethodForm().visit(S.clone(module))
    if negative:
        module = _NegativeBases().visit(S.clone(module))
    if empty:
        module = S.clone(module)
        for stmt, field in _empty_blocks(module):
            getattr(stmt, field).append(S.Pass())
    # converted without source positions: astor reads none (ast.unparse, the fallback,
    # is given them by ast.fix_missing_locations)
    text = _unparse(S.to_python_ast(module, positions=False), use_astor)
    lines = []
    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            indent, literal = match.groups()
            lines.append(f"{indent}# {ast.literal_eval(literal)}")
        else:
            lines.append(line)
    return _blank_lines("\n".join(lines)) + "\n"


_REQUIRED = ("body",)            # blocks Python requires to hold a statement
_OPTIONAL = ("orelse", "finalbody")  # blocks that may be absent, but not present and empty


def _survey(module, walked=None):
    """(whether a call is marked to print in its written form, whether a block is empty,
    whether a negative number is a power's base or an attribute's owner), in one pass
    over the module's nodes (`walked`: its statements', where walked already: the module
    itself holds none of these)."""
    marked = empty = negative = False
    call, blocks, power = S.Call, (S.stmt, S.excepthandler), S.BinOp
    for node in S.nodes(module) if walked is None else walked:
        if node.__class__ is call:   # the marks are set on calls (syntax.py)
            if not marked:
                held = node.__dict__
                marked = bool(held.get(S.METHOD_FORM) or held.get(S.KEYWORD_ONLY)
                              or held.get(S.VARIADIC))
        elif not empty and isinstance(node, blocks) and _empty_fields(node):
            empty = True
        elif not negative and (node.__class__ is power and node.op.__class__ is S.Pow and
                               _negative(node.left) or
                               isinstance(node, (S.Attribute, S.Subscript)) and
                               _negative(node.value)):
            negative = True
    return marked, empty, negative


def _negative(node):
    """A number constant printed with a leading minus (folding makes them of `-2.0`): -0.0
    too, and a complex one whose real part is negative or a zero that prints as none."""
    if not isinstance(node, S.Constant):
        return False
    v = node.value
    if type(v) in (int, float):
        return math.copysign(1.0, v) < 0
    return type(v) is complex and (math.copysign(1.0, v.real) < 0 or
                                   v.real == 0 and math.copysign(1.0, v.imag) < 0)


class _NegativeBases(S.NodeTransformer):
    """`(-2.0) ** k` printed as written: a negative number constant as a power's base (or
    an attribute's owner) becomes `-(2.0)`, which astor and ast.unparse put in parentheses;
    printed bare, `-2.0 ** k` is `-(2.0 ** k)` to Python."""

    def _minus(self, node):
        if not _negative(node):
            return node
        return S.UnaryOp(op=S.USub(), operand=S.Constant(value=-node.value, kind=None))

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, S.Pow):
            node.left = self._minus(node.left)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        node.value = self._minus(node.value)
        return node

    visit_Subscript = visit_Attribute


def _empty_fields(node):
    """The blocks of a statement (or handler) that would print with no statement in them."""
    if not isinstance(node, (S.stmt, S.excepthandler)):
        return []
    out = []
    for field in _REQUIRED + _OPTIONAL:
        block = getattr(node, field, None)
        if not isinstance(block, list) or (field in _OPTIONAL and not block):
            continue
        if all(_is_comment(s) for s in block):
            out.append(field)
    return out


def _empty_blocks(module):
    """(statement, field) for each block that would print with no statement in it.

    Passes can leave a block empty (copy propagation removing `d_v = d_v`) or holding
    only comment markers, which print as `#` lines; Python needs a `pass` there."""
    return [(node, field) for node in S.walk(module) for field in _empty_fields(node)]


def _is_comment(stmt):
    return (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)
            and isinstance(stmt.value.func, S.Name) and stmt.value.func.id == COMMENT)


class _MethodForm(S.NodeTransformer):
    """`numpy.sum(x, axis=1)` back to `x.sum(axis=1)` where the user wrote the method.

    Lowering names array methods by their NumPy functions (to find their rules);
    the method is both what the user wrote and cheaper: on small arrays NumPy's
    function wrappers cost more than the call itself.
    """

    def visit_Call(self, node):
        self.generic_visit(node)
        spelled = getattr(node, S.VARIADIC, None)
        if spelled and len(spelled) == len(node.args) and not node.keywords:
            # f(a, *args, k=b, **kwargs): the tuple and dict made for the call spread again
            args, keywords = [], []
            for (kind, name), value in zip(spelled, node.args):
                if kind == "*":
                    args.append(S.Starred(value=value, ctx=S.Load()))
                elif kind == "**":
                    keywords.append(S.keyword(arg=None, value=value))
                elif kind == "=":
                    keywords.append(S.keyword(arg=name, value=value))
                else:
                    args.append(value)
            return S.Call(func=node.func, args=args, keywords=keywords)
        kwonly = getattr(node, S.KEYWORD_ONLY, None)
        if kwonly and len(node.args) >= len(kwonly) and not node.keywords:
            # a call of the user's function with keyword-only parameters: pass them by name
            n = len(node.args) - len(kwonly)
            return S.Call(func=node.func, args=node.args[:n], keywords=[
                S.keyword(arg=k, value=v) for k, v in zip(kwonly, node.args[n:])])
        method = getattr(node, S.METHOD_FORM, None)
        if method is None or not node.args or not isinstance(node.args[0], S.Name) \
                or any(isinstance(a, S.Starred) for a in node.args):
            return node
        func = S.Attribute(value=node.args[0], attr=method, ctx=S.Load())
        return S.Call(func=func, args=node.args[1:], keywords=node.keywords)


def _blank_lines(text):
    """Two blank lines between top-level definitions, as PEP 8 has it."""
    out = []
    for line in text.splitlines():
        if (line.startswith("def ") or line.startswith("class ")) and out and out[-1] != "":
            out += ["", ""]
        out.append(line)
    return "\n".join(out).strip("\n")
