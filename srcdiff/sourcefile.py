"""The text of a function's file: where its definition is, and whether that text is still what
the running function was compiled from (stage 1, frontend: called by frontend.py). Takes a
file's name and text, and the live function with its code object; gives back the parsed file
(`File`, from `parsed`, None where the text does not parse) and the definition as a gast
tree, or raises a located refusal where the text is not the code that runs
(`check_current`).

A file's text is parsed with the standard library's parser (in C: a 300-term expression in
another function of the file does not matter) and only the definition being differentiated
is converted to a gast tree. Before that, the text is compiled again and the function's
live code object is looked for among the code objects it gives (code objects compare by
bytecode, constants, names and line table): a file edited after import, or a notebook
cell re-run with new text, no longer gives it, and srcdiff refuses rather than
differentiate text that is not the code that runs.
"""
import ast
import types

from . import syntax as S
from .core import GENERATED_PREFIX
from .errors import UnsupportedCodeError

_KEPT = 16  # texts kept parsed (many functions of one file share one parse)
# the fields of statements (and of handlers and match cases) that hold statements
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


class File:
    """One text of one file, parsed; its definitions indexed by (name, line)."""

    def __init__(self, filename, text):
        self.filename = filename
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.tree = tree = S.parse_python(text, filename)
        self.defs = {}     # (name, first line or def line) -> [def nodes]
        # a def is a statement: only the blocks of statements are looked into, in ast.walk's
        # order (the expressions, most of a file's nodes, are walked for lambdas only)
        queue = [tree]
        for node in queue:
            values = node.__dict__
            for field in _BLOCKS:
                block = values.get(field)
                if block:
                    queue.extend(block)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                for line in {first, node.lineno}:
                    self.defs.setdefault((node.name, line), []).append(node)
        self._lambdas = None
        self._codes = None
        self._converted = {}  # id(ast node) -> (node, its gast tree)

    @property
    def lambdas(self):
        """line -> [lambda nodes], in source order (found at the first use: a lambda is
        differentiated far less often than a def)."""
        if self._lambdas is None:
            found = {}
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Lambda):
                    found.setdefault(node.lineno, []).append(node)
            for nodes in found.values():
                nodes.sort(key=lambda n: (n.lineno, n.col_offset))
            self._lambdas = found
        return self._lambdas

    def codes(self, code):
        """The code objects compiling the text gives with `code`'s name and first line."""
        if self._codes is None:
            self._codes = _code_index(self.text, self.filename)
        return self._codes.get((code.co_name, code.co_firstlineno), ())

    def gast(self, node):
        """The gast tree of one ast node of this file: converted at its first use (that tree
        given away, not copied: a process's first derivative reads each def once), then
        converted once more and kept, a copy given at each later use."""
        hit = self._converted.get(id(node))
        if hit is None or hit[0] is not node:
            self._converted[id(node)] = (node, None)
            return self._convert(node)
        if hit[1] is None:
            hit = self._converted[id(node)] = (node, self._convert(node))
        return S.clone(hit[1])

    def _convert(self, node):
        try:
            return S.ast_to_gast(node)
        except RecursionError:
            raise too_deep(self.filename, self.lines, node) from None


def _code_index(text, filename):
    try:
        top = compile(text, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    index = {}
    stack = [top]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                index.setdefault((const.co_name, const.co_firstlineno), []).append(const)
                stack.append(const)
    return index


_FILES = {}


def parsed(filename, text):
    """The `File` for this text of this file (kept for the last few texts), or None when the
    text does not parse as a whole (a cell with IPython syntax, a file edited into an
    error, or nested past the parser's limit)."""
    key = (filename, text)
    hit = _FILES.get(key)
    if hit is None:
        try:
            hit = File(filename, text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        while len(_FILES) >= _KEPT:
            try:
                del _FILES[next(iter(_FILES))]  # the oldest text
            except (KeyError, RuntimeError, StopIteration):  # another thread got there
                break
        _FILES[key] = hit
    return hit


def check_current(fn, code, file):
    """Refuse, located, when `file`'s text no longer compiles to `code` (the live function's
    code object): the file was edited after it was imported, or the notebook cell
    defining the function was run again with other text."""
    candidates = file.codes(code)
    if any(code == candidate for candidate in candidates):
        return
    if any(_contained(candidate, code) for candidate in candidates):
        return  # compiled by an import hook that adds code (pytest's rewritten asserts)
    raise changed(fn, code, file.filename, file.lines)


def _contained(text_code, live):
    """True when everything compiling the text gives is in the live code, which has more:
    an import hook that rewrites statements (pytest's assertion rewriting) keeps the
    other statements, and the positions, constants and names of what it rewrites. An edit
    of the text changes a position (an expression's span, a line moved), a constant or a
    name, so it is not contained."""
    if (text_code.co_argcount, text_code.co_kwonlyargcount, text_code.co_posonlyargcount,
            text_code.co_varnames[:text_code.co_argcount]) != \
            (live.co_argcount, live.co_kwonlyargcount, live.co_posonlyargcount,
             live.co_varnames[:live.co_argcount]):
        return False
    names = set(live.co_names) | set(live.co_varnames) | set(live.co_freevars) | \
        set(live.co_cellvars)
    if not set(text_code.co_names) | set(text_code.co_varnames) <= names:
        return False
    live_consts = {_const_key(c) for c in live.co_consts}
    if not {_const_key(c) for c in text_code.co_consts} <= live_consts:
        return False
    return _positions(text_code) <= _positions(live)


def _const_key(const):
    if isinstance(const, types.CodeType):
        return ("code", const.co_name, const.co_firstlineno)
    return (type(const).__name__, repr(const))


def _positions(code):
    return {p for p in code.co_positions() if None not in p}


def changed(fn, code, filename, lines):
    lineno = code.co_firstlineno
    line = lines[lineno - 1].rstrip("\n") if 1 <= lineno <= len(lines) else ""
    name = getattr(fn, "__qualname__", code.co_name)
    return UnsupportedCodeError(
        f"the source of {name} has changed since it was defined (the file was edited "
        f"after it was imported, or the cell defining it was run again with other text): "
        f"srcdiff reads the source, and would differentiate text that is not the code "
        f"that runs",
        hint="reload the module (importlib.reload) or run the cell that defines it again, "
             "then differentiate the function it defines",
        filename=filename, lineno=lineno, line=line)


def too_deep(filename, lines, node):
    """The refusal for a definition nested too deeply to transform: located at its most
    deeply nested statement."""
    line = _deepest_statement(node)
    text = lines[line - 1].rstrip("\n") if 1 <= line <= len(lines) else ""
    if filename.startswith(GENERATED_PREFIX):   # a derivative differentiated again (hvp, ...)
        return UnsupportedCodeError(
            "the derivative srcdiff made of this function is nested too deeply for srcdiff "
            "to differentiate it again (Python's recursion limit)",
            hint="split the function's long expressions into several statements with "
                 "intermediate variables, or the function into smaller functions of yours",
            filename=filename, lineno=line, line=text)
    return UnsupportedCodeError(
        "this expression is nested too deeply for srcdiff to transform (Python's recursion "
        "limit)", hint="split it into several statements with intermediate variables "
        "(for example, sum the terms in a loop or in parts)",
        filename=filename, lineno=line, line=text)


def _deepest_statement(node):
    """The line of the statement under `node` with the most deeply nested expression,
    found without recursion."""
    best, best_depth = getattr(node, "lineno", 1), -1
    stack = [(node, 0, getattr(node, "lineno", 1))]
    while stack:
        item, depth, line = stack.pop()
        if isinstance(item, (ast.stmt, S.stmt)):
            line = getattr(item, "lineno", line)
        if depth > best_depth:
            best, best_depth = line, depth
        for field in item._fields:
            value = getattr(item, field, None)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, (ast.AST, S.AST)):
                    stack.append((child, depth + 1, line))
    return best
