"""Stage 7, emit: gast trees to readable, deterministic Python source.

The one module that imports astor. astor is unmaintained, so any failure falls
back to the standard library's `ast.unparse`; srcdiff never breaks because
astor does. Comment markers placed by the transforms become `# ...` lines.
"""
import ast
import re

from . import syntax as S

try:  # pragma: no cover - exercised when astor is installed
    import astor as _astor
except Exception:  # pragma: no cover
    _astor = None

COMMENT = "__srcdiff_comment__"
_MARKER = re.compile(r"^(\s*)" + COMMENT + r"\((.*)\)\s*$")


def _unparse(tree, use_astor=True):
    if use_astor and _astor is not None:
        try:
            return _astor.to_source(tree, indent_with="    ",
                                    pretty_source=lambda parts: "".join(parts))
        except Exception:
            pass
    return ast.unparse(tree) + "\n"


def to_source(nodes, use_astor=True):
    """Source text for a gast node or a list of gast statements."""
    if isinstance(nodes, list):
        module = S.Module(body=nodes, type_ignores=[])
    elif isinstance(nodes, S.Module):
        module = nodes
    else:
        module = S.Module(body=[nodes], type_ignores=[])
    tree = S.to_python_ast(module)
    ast.fix_missing_locations(tree)
    text = _unparse(tree, use_astor)
    lines = []
    for line in text.splitlines():
        match = _MARKER.match(line)
        if match:
            indent, literal = match.groups()
            lines.append(f"{indent}# {ast.literal_eval(literal)}")
        else:
            lines.append(line)
    return _blank_lines("\n".join(lines)) + "\n"


def _blank_lines(text):
    """Two blank lines between top-level definitions, as PEP 8 has it."""
    out = []
    for line in text.splitlines():
        if (line.startswith("def ") or line.startswith("class ")) and out and out[-1] != "":
            out += ["", ""]
        out.append(line)
    return "\n".join(out).strip("\n")
