"""Stage 1, frontend: from a live Python function to its syntax tree.

Finds the function's source in its real file (so every node carries the user's
own line numbers), parses it with gast, and resolves the names the function
uses to the Python objects they mean (closure cells, then globals, then
builtins). Rules are looked up by object, never by spelling.
"""
import builtins
import inspect
import linecache
import types

from . import syntax as S
from .errors import UnsupportedCodeError

_MISSING = object()


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
        return cls(reason, hint=hint, filename=self.filename, lineno=lineno,
                   col=col, line=self.line(lineno))


def _unwrap(fn):
    while isinstance(fn, types.MethodType):
        fn = fn.__func__
    return inspect.unwrap(fn)


def get_source(fn):
    """Return a `Source` for a plain Python function or lambda.

    Raises UnsupportedCodeError when no source can be found (builtins, C
    extensions, functions typed at a bare interactive prompt).
    """
    fn = _unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        raise UnsupportedCodeError(
            f"{fn!r} is not a Python function, so srcdiff cannot read its source",
            hint="give it a derivative rule with srcdiff.reverse_rule, or "
                 "mark it with srcdiff.nondifferentiable")
    filename = code.co_filename
    lines = _emitted_lines(code) or linecache.getlines(filename, fn.__globals__)
    if not lines:
        raise UnsupportedCodeError(
            f"the source of {fn.__qualname__} is not available",
            hint="define the function in a file (or a notebook cell) rather "
                 "than at an interactive prompt",
            filename=filename, lineno=code.co_firstlineno)
    node = _find_def(fn, code, "".join(lines))
    if node is None:
        raise UnsupportedCodeError(
            f"could not locate the definition of {fn.__qualname__} in its source",
            filename=filename, lineno=code.co_firstlineno)
    return Source(filename, lines, node)


def _emitted_lines(code):
    """The text of a function srcdiff emitted, read from the loader: linecache keeps only
    the variant last loaded under a file name (a shape-specialised gradient shares its file
    name with the general one), so forward mode over an emitted gradient would read another
    variant's code."""
    from .loader import source_of_code
    text = source_of_code(code)
    return text.splitlines(keepends=True) if text is not None else None


_PARSED = {}


def _parse_cached(filename, text):
    """Parse a whole file once per content (many lambdas in one file share the parse)."""
    key = (filename, hash(text), len(text))
    module = _PARSED.get(key)
    if module is None:
        if len(_PARSED) > 64:
            _PARSED.clear()
        module = _PARSED[key] = S.parse_module(text)
    return module


def _find_def(fn, code, text):
    try:
        module = _parse_cached(code.co_filename, text)
    except SyntaxError:
        return _find_def_fragment(fn, code)
    want = code.co_firstlineno
    is_lambda = fn.__name__ == "<lambda>"
    if not is_lambda:
        key = (id(module), want, fn.__name__)
        hit = _DEFS.get(key)
        if hit is not None and hit[0] is module:
            return S.clone(hit[1])
    if is_lambda:
        candidates = _match_lambda(_lambdas_at(module, want), code)
        return _lambda_to_def(S.clone(candidates[0])) if len(candidates) == 1 else None
    candidates = []
    for node in S.walk(module):
        if isinstance(node, S.FunctionDef) and node.name == fn.__name__:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first == want or node.lineno == want:
                candidates.append(node)
    if not candidates:
        return None
    _DEFS[key] = (module, candidates[0])
    return S.clone(candidates[0])


_DEFS = {}  # (parsed module, first line, name) -> its def, found once
_LAMBDAS = {}  # id(parsed module) -> (module, {line: the lambdas starting on it})


def _lambdas_at(module, lineno):
    """The lambdas of a parsed module that start on `lineno`, in source order (the module
    is indexed once: a file of many lambdas is not walked once per lambda)."""
    hit = _LAMBDAS.get(id(module))
    if hit is None or hit[0] is not module:
        index = {}
        for node in S.walk(module):
            if isinstance(node, S.Lambda):
                index.setdefault(node.lineno, []).append(node)
        if len(_LAMBDAS) > 64:
            _LAMBDAS.clear()
        hit = _LAMBDAS[id(module)] = (module, index)
    return list(hit[1].get(lineno, ()))


def _find_def_fragment(fn, code):
    """Fallback when the whole file does not parse: use inspect's slice."""
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    import textwrap
    try:
        module = S.parse_module(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return None
    for node in S.walk(module):
        if hasattr(node, "lineno"):
            node.lineno += start - 1
            if hasattr(node, "end_lineno") and node.end_lineno:
                node.end_lineno += start - 1
    for node in S.walk(module):
        if isinstance(node, S.FunctionDef) and node.name == fn.__name__:
            return node
        if isinstance(node, S.Lambda):
            return _lambda_to_def(node)
    return None


def _lambda_params(node):
    args = node.args
    return [a.id for a in args.posonlyargs + args.args]


def _match_lambda(candidates, code):
    names = list(code.co_varnames[:code.co_argcount])
    matched = [c for c in candidates if _lambda_params(c) == names]
    if len(matched) > 1:
        cols = {pos[2] for pos in code.co_positions() if pos[2] is not None}
        first_col = min(cols) if cols else None
        matched = [c for c in matched if first_col is not None
                   and c.body.col_offset <= first_col < c.body.end_col_offset] or matched
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


_TRACKING = []  # while a derivative is made: the lists its function lookups go to


class tracking:
    """`with tracking() as deps:` collects (namespace, name, function) for every Python
    function the transform looks up by name, so a derivative can tell when one of them
    has been redefined since (a helper edited in a notebook) and must be made again."""

    def __enter__(self):
        self.deps = []
        _TRACKING.append(self.deps)
        return self.deps

    def __exit__(self, *exc):
        _TRACKING.pop()
        return False


def stale(deps):
    """True when a function recorded by `tracking` is no longer what its name holds."""
    for where, name, obj in deps:
        if name is None:
            try:
                now = where.cell_contents
            except ValueError:
                return True
        else:
            now = where.get(name)
        if now is not obj:
            return True
    return False


class Resolver:
    """Maps the free names of a function to live Python objects."""

    def __init__(self, fn):
        fn = _unwrap(fn)
        self.globals = fn.__globals__
        code = fn.__code__
        cells = fn.__closure__ or ()
        self.cells = dict(zip(code.co_freevars, cells))

    def lookup(self, identifier, default=_MISSING):
        cell = self.cells.get(identifier)
        if cell is not None:
            try:
                value = cell.cell_contents
            except ValueError:
                pass
            else:
                if _TRACKING and isinstance(value, types.FunctionType):
                    _TRACKING[-1].append((cell, None, value))
                return value
        try:
            value = self.globals[identifier]  # a dict, or the globals of emitted code
        except KeyError:
            pass
        else:
            if _TRACKING and isinstance(value, types.FunctionType) and \
                    isinstance(self.globals, dict):
                _TRACKING[-1].append((self.globals, identifier, value))
            return value
        builtin_ns = self.globals.get("__builtins__", builtins)
        if isinstance(builtin_ns, types.ModuleType):
            builtin_ns = vars(builtin_ns)
        if identifier in builtin_ns:
            return builtin_ns[identifier]
        if default is _MISSING:
            raise KeyError(identifier)
        return default

    def has(self, identifier):
        return self.lookup(identifier, None) is not None or identifier in self.globals


_HOME = []  # while a derivative is made: how its emitted module reads free names


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
        self.resolver = Resolver(fn)
        self.aliases = {}    # (id of where the value is found, name) -> binding name
        self.taken = set()

    def __enter__(self):
        _HOME.append(self)
        return self

    def __exit__(self, *exc):
        _HOME.pop()
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
        if _TRACKING:
            _TRACKING[-1].append((where, key, value))
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
    return _HOME[-1].reference(lowerer, name) if _HOME else None
