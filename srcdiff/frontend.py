"""From a live Python function to its syntax tree (stage 1, frontend: called by transform.py,
forward_driver.py, derivative.py and the lowering's constructs). Takes a live function;
gives back a `Source`: its file name, lines and gast def, whose nodes carry the user's line
numbers.

Finds the function's source in its real file (so every node carries the user's
own line numbers), parses it with gast, and resolves the names the function
uses to the Python objects they mean (closure cells, then globals, then
builtins). Rules are looked up by object, never by spelling.
"""
import inspect
import linecache
import types

from . import syntax as S
from .errors import UnsupportedCodeError
from .resolver import (_MISSING, _STATE, Resolver, _unwrap, stale,  # noqa: F401 (re-exported)
                       tracking)


class Source:
    """Where a function came from: file name, lines, and its def node."""

    def __init__(self, filename, lines, node):
        self.filename = filename
        self.lines = lines
        self.node = node

    def line(self, lineno):
        if lineno is not None and 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1].rstrip("\n")
        return ""

    def error(self, node, reason, hint=None, cls=UnsupportedCodeError):
        """Build a located error for `node` (a gast node or a line number)."""
        lineno = node if isinstance(node, int) else getattr(node, "lineno", None)
        col = None if isinstance(node, int) else getattr(node, "col_offset", None)
        if getattr(self, "renamed", None):   # names srcdiff gave the user's (generator_inline)
            reason = _as_written(reason, self.renamed, 0)
            hint = _as_written(hint, self.renamed, 1)
        return cls(reason, hint=hint, filename=self.filename, lineno=lineno,
                   col=col, line=self.line(lineno))


def _as_written(text, renamed, form):
    """`text` with each name srcdiff gave in `renamed` (name -> (as said, as written in code))
    spelled as the user wrote it."""
    import re
    return text if text is None else re.sub(
        r"(?<!\w)(" + "|".join(map(re.escape, sorted(renamed, key=len, reverse=True))) +
        r")(?!\w)",
        lambda m: renamed[m.group(1)][form], text)


def get_source(fn):
    """Return a `Source` for a plain Python function or lambda.

    Raises UnsupportedCodeError when no source can be found (builtins, C
    extensions, functions typed at a bare interactive prompt), or when the source found
    is no longer the text the function was compiled from (sourcefile.check_current).
    """
    fn = _unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        raise UnsupportedCodeError(
            f"{fn!r} is not a Python function, so srcdiff cannot read its source",
            hint="give it a derivative rule with srcdiff.reverse_rule, or "
                 "mark it with srcdiff.nondifferentiable")
    filename = code.co_filename
    emitted = _emitted_lines(code)
    lines = emitted or _user_lines(filename, fn.__globals__)
    if not lines:
        raise UnsupportedCodeError(
            f"the source of {fn.__qualname__} is not available",
            hint="define the function in a file (or a notebook cell) rather "
                 "than at an interactive prompt",
            filename=filename, lineno=code.co_firstlineno)
    node = _find_def(fn, code, "".join(lines), checked=emitted is None)
    if node is None:
        raise UnsupportedCodeError(
            f"could not locate the definition of {fn.__qualname__} in its source",
            filename=filename, lineno=code.co_firstlineno)
    if "." not in (getattr(fn, "__qualname__", "") or ""):
        return Source(filename, lines, node)   # defined in no class: no private name to mangle
    from .private_names import mangle
    return Source(filename, lines, mangle(node, fn))


def too_deep(fn):
    """The located refusal for a function whose transform ran past Python's recursion
    limit (an expression nested too deeply)."""
    from . import sourcefile
    try:
        source = get_source(fn)
    except RecursionError:
        code = _unwrap(fn).__code__
        return UnsupportedCodeError(
            "this function is nested too deeply for srcdiff to transform (Python's recursion "
            "limit)", hint="split its expressions into several statements",
            filename=code.co_filename, lineno=code.co_firstlineno,
            line=linecache.getline(code.co_filename, code.co_firstlineno))
    return sourcefile.too_deep(source.filename, source.lines, source.node)


def _user_lines(filename, module_globals):
    """The lines of a user's file, read through linecache (which holds notebook cells). An
    entry this read adds is taken out again: srcdiff keeps no copy of a file per function
    (the parse of the last few texts is kept by sourcefile)."""
    had = filename in linecache.cache
    lines = linecache.getlines(filename, module_globals)
    if not had:
        entry = linecache.cache.get(filename)
        if entry is not None and len(entry) == 4 and entry[2] is lines:
            linecache.cache.pop(filename, None)
    return lines


def _emitted_lines(code):
    """The text of a function srcdiff emitted, read from the loader: linecache keeps only
    the variant last loaded under a file name (a shape-specialised gradient shares its file
    name with the general one), so forward mode over an emitted gradient would read another
    variant's code."""
    from .loader import source_of_code
    text = source_of_code(code)
    return text.splitlines(keepends=True) if text is not None else None


def _find_def(fn, code, text, checked=True):
    """The gast def of `fn` in `text`. Only that definition is converted from the standard
    library's parse; with `checked`, the text must compile to `fn`'s live code first."""
    from . import sourcefile
    file = sourcefile.parsed(code.co_filename, text)
    if file is None:
        node = _find_def_fragment(fn, code)
        if node is not None and checked:
            _check_fragment(fn, code, text, node)
        return node
    if checked:
        sourcefile.check_current(fn, code, file)
    want = code.co_firstlineno
    if code.co_name == "<lambda>":
        candidates = _match_lambda(file.lambdas.get(want, []), code)
        return _lambda_to_def(file.gast(candidates[0])) if len(candidates) == 1 else None
    # the code's own name: a functools.wraps wrapper carries the name of what it wraps
    candidates = file.defs.get((code.co_name, want))
    if not candidates:
        return None
    if not isinstance(candidates[0], sourcefile.ast.FunctionDef):
        return None  # async def: not differentiated
    return file.gast(candidates[0])


def _check_fragment(fn, code, text, node):
    """When the file's text does not parse as a whole, its definition of `fn` is compiled
    alone (outside its class or enclosing function, so the bytecode may differ): the
    positions of its instructions relative to its first line, and its constants, must be
    the live code's."""
    import textwrap
    from . import sourcefile
    try:
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return
    fragment = "".join(lines)
    dedented = textwrap.dedent(fragment)
    indent = len(lines[0]) - len(lines[0].lstrip()) - (
        len(dedented.splitlines()[0]) - len(dedented.splitlines()[0].lstrip()))
    try:
        top = compile(dedented, code.co_filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # nothing to compare with (nonlocal names outside their function)
    want = _shape(code, start, 0)
    stack = [top]
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                if const.co_name == code.co_name and _shape(const, 1, -indent) == want:
                    return
                stack.append(const)
    raise sourcefile.changed(fn, code, code.co_filename, text.splitlines(keepends=True))


_SCOPE_OPS = {"PUSH_NULL", "MAKE_CELL", "COPY_FREE_VARS", "RESUME", "NOP", "CACHE"}


def _shape(code, first, shift):
    """What a def compiled alone shares with the same def compiled in its file: every
    instruction's operation (loads and stores whatever their scope) and position relative
    to the first line, and the constants."""
    import dis
    ops = []
    for instr in dis.get_instructions(code):
        pos = instr.positions
        if instr.opname in _SCOPE_OPS or pos is None or None in pos:
            continue
        op = instr.opname.split("_")[0] if instr.opname.startswith(("LOAD_", "STORE_",
                                                                     "DELETE_")) \
            else instr.opname
        arg = instr.argrepr if instr.opname in ("BINARY_OP", "COMPARE_OP") else None
        ops.append((op, arg, pos.lineno - first, pos.col_offset - shift,
                    pos.end_lineno - first, pos.end_col_offset - shift))
    consts = [repr(c) for c in code.co_consts if not isinstance(c, types.CodeType)]
    return sorted(ops), consts


def _find_def_fragment(fn, code):
    """Fallback when the whole file does not parse: use inspect's slice (of the code object:
    inspect would follow a wrapper's __wrapped__)."""
    try:
        lines, start = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return None
    import textwrap
    try:
        module = S.parse_module(textwrap.dedent("".join(lines)))
    except (SyntaxError, RecursionError):
        return None
    for node in S.walk(module):
        if hasattr(node, "lineno"):
            node.lineno += start - 1
            if hasattr(node, "end_lineno") and node.end_lineno:
                node.end_lineno += start - 1
    for node in S.walk(module):
        if isinstance(node, S.FunctionDef) and node.name == code.co_name:
            return node
        if isinstance(node, S.Lambda):
            return _lambda_to_def(node)
    return None


def _lambda_params(node):
    args = node.args
    return [getattr(a, "arg", None) or a.id for a in args.posonlyargs + args.args]


def _match_lambda(candidates, code):
    """The lambdas starting on the code's first line that take its parameters and whose
    span holds every position of its instructions (the innermost one: a lambda inside a
    lambda holds the inner one's positions too)."""
    names = list(code.co_varnames[:code.co_argcount])
    matched = [c for c in candidates if _lambda_params(c) == names]
    positions = [p for p in code.co_positions()   # not RESUME's empty span at column 0
                 if None not in p and (p[0], p[2]) != (p[1], p[3])]
    if len(matched) > 1 and positions:
        low = min((line, col) for line, _, col, _ in positions)
        high = max((end, end_col) for _, end, _, end_col in positions)
        inside = [c for c in matched if (c.lineno, c.col_offset) <= low
                  and high <= (c.end_lineno, c.end_col_offset)]
        inside.sort(key=lambda c: (c.lineno, c.col_offset), reverse=True)
        matched = inside[:1] or matched
    return matched


def _lambda_to_def(node):
    ret = S.Return(value=node.body)
    S.copy_location(ret, node.body) if hasattr(S, "copy_location") else None
    ret.lineno, ret.col_offset = node.body.lineno, node.body.col_offset
    fdef = S.FunctionDef(name="lambda", args=node.args, body=[ret],
                         decorator_list=[], returns=None, type_comment=None,
                         type_params=[])
    fdef.lineno, fdef.col_offset = node.lineno, node.col_offset
    return fdef


class home:
    """`with home(fn):` while the derivative of `fn` is made. The emitted module reads free
    names as `fn` does (its closure cells, its module's globals, builtins); a helper that
    finds a name elsewhere (its own closure, another module) gets a reference that reads the
    value where the helper does:

    * a global of another module (one importable by its name): `module.NAME`, read live;
    * a closure cell of its own, or a global of a module that cannot be imported by name:
      the value, bound under a name of its own (`k_of_g`); the derivative records it
      (`tracking`) and is made again when the name is rebound.
    """

    def __init__(self, fn):
        self.fn = fn   # the function being differentiated (callback_stores' root)
        self.resolver = Resolver(fn)
        self.aliases = {}    # (id of where the value is found, name) -> binding name
        self.taken = set()

    def __enter__(self):
        _STATE.home.append(self)
        return self

    def __exit__(self, *exc):
        _STATE.home.pop()
        return False

    def reference(self, lowerer, name):
        """None where `name` means for the emitted module what it means for the function
        being lowered (a bare name is right), else an expression reading the right value."""
        import sys
        here = lowerer.resolver
        home_cells = self.resolver.cells
        cell = here.cells.get(name)
        if cell is not None and _cell_bound(cell):
            if home_cells.get(name) is cell and not _taken_by_srcdiff(name, cell.cell_contents):
                return None
            value = cell.cell_contents
            where, key = cell, None
        elif name in here.globals:
            if here.globals is self.resolver.globals and name not in home_cells \
                    and not _taken_by_srcdiff(name, here.globals[name]):
                return None
            module = sys.modules.get(here.globals.get("__name__"))
            root = module.__name__.split(".")[0] if module is not None else None
            if module is not None and getattr(module, "__dict__", None) is here.globals and \
                    self.resolver.lookup(root, sys.modules.get(root)) is sys.modules.get(root):
                return lowerer.bind(module.__name__ + "." + name, None)
            value = here.globals[name]
            where, key = here.globals, name
        else:
            return None  # a builtin
        alias = self.aliases.get((id(where), name))
        if alias is None:
            stem = f"{name}_of_{lowerer.fdef.name}"
            alias, i = stem, 1
            while alias in self.taken:
                i += 1
                alias = f"{stem}_{i}"
            self.taken.add(alias)
            self.aliases[(id(where), name)] = alias
        if alias in lowerer.locals:
            raise lowerer.error(lowerer.fdef, f"the local name {alias!r} hides the value "
                                f"srcdiff binds for {name!r}", hint=f"rename {alias!r}")
        lowerer.bindings[alias] = value
        if _STATE.tracking:
            _STATE.tracking[-1].append((where, key, value))
        return S.load(alias)


def _cell_bound(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


_NOTHING = object()


def _taken_by_srcdiff(name, value):
    """Whether emitted code may bind `name` to something other than the user's `value` (a
    runtime helper, numpy, a builtin): the user's name is then read through a module path
    or a binding of its own, never captured by srcdiff's."""
    import builtins
    import importlib
    from . import forward_runtime, runtime
    meaning = _NOTHING
    for namespace in (vars(runtime), vars(forward_runtime)):
        if name in namespace and not name.startswith("_"):
            meaning = namespace[name]
            break
    else:
        if name in ("numpy", "math", "cmath", "builtins", "operator", "srcdiff"):
            meaning = importlib.import_module(name)
        elif hasattr(builtins, name):
            meaning = getattr(builtins, name)
    return meaning is not _NOTHING and meaning is not value


def free_name_reference(lowerer, name):
    """`home.reference` of the derivative being made (None outside one: a bare name)."""
    home_now = _STATE.home
    return home_now[-1].reference(lowerer, name) if home_now else None
