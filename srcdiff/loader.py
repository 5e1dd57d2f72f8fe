"""Turn emitted source into a live function (stage 8, load: called by transform.py,
derivative.py, compose.py and the other modules that run generated code). Takes emitted
source and its bindings; gives back a live function (`load`), its text registered with
`linecache`, or one made from a rewritten tree of the user's code (`load_made`).

The source is registered with `linecache` under a file name of its own, so
tracebacks, `inspect.getsource` and pdb show the emitted lines. The function's
globals see srcdiff's names (numpy, runtime helpers) first and then, live, the
user's closure cells, module globals and builtins: a global the user rebinds
later is seen by the derivative too.
"""
import itertools
import linecache
import weakref

from .resolver import Resolver


class ChainGlobals(dict):
    """Globals for emitted code: srcdiff's bindings, then the user's names, read live."""

    def __init__(self, bindings, user_fn):
        super().__init__(bindings)
        self._resolver = Resolver(user_fn) if user_fn is not None else None

    def __missing__(self, key):
        if self._resolver is None:
            raise KeyError(key)
        return self._resolver.lookup(key)

    def __contains__(self, key):
        # a name read through the user's function counts as one of these globals: code that
        # differentiates emitted code (a derivative of a derivative) asks where names live
        if dict.__contains__(self, key):
            return True
        resolver = self._resolver
        return resolver is not None and (key in resolver.globals or key in resolver.cells)


_SOURCES = weakref.WeakKeyDictionary()  # an emitted function's code -> its full text


def load(text, name, filename, bindings, user_fn):
    """Compile `text`, returning the function called `name` defined in it.

    When the user's function is a plain module-level one, the emitted functions
    get the user's module dict itself as their globals (read live, and fast:
    CPython specialises global loads on plain dicts), with srcdiff's names bound
    as closure variables of a factory. Functions with closures of their own go
    through `ChainGlobals`, which also reads their cells.
    """
    fn = _load_fast(text, name, filename, bindings, user_fn)
    if fn is None:
        lines = text.splitlines(keepends=True)
        linecache.cache[filename] = (len(text), None, lines, filename)
        code = compile(text, filename, "exec")
        namespace = ChainGlobals(bindings, user_fn)
        namespace["__name__"] = "srcdiff.generated"
        exec(code, namespace)
        fn = namespace[name]
        _release_with(fn, filename, lines)
        _register_helpers(code, text)
    _SOURCES[fn.__code__] = text
    return fn


def _register_helpers(code, text):
    """Every function the text defines (an emitted gradient's helper pairs too) reads its
    source from the loader, not from linecache, which keeps only the variant last loaded
    under a file name: differentiating a derivative reads its helpers' code."""
    import types
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name != FACTORY:
                _SOURCES[const] = text
            _register_helpers(const, text)


def _release_with(fn, filename, lines):
    """The linecache entry of an emitted function goes when the function does (a derivative
    of a function that is gone is gone too: srcdiff keeps nothing per dead function)."""
    weakref.finalize(fn, _forget_lines, filename, lines)


def _forget_lines(filename, lines):
    entry = linecache.cache.get(filename)
    if entry is not None and len(entry) == 4 and entry[2] is lines:
        linecache.cache.pop(filename, None)


FACTORY = "__srcdiff_bind__"


def _load_fast(text, name, filename, bindings, user_fn):
    import textwrap
    import types
    from .resolver import _unwrap
    if user_fn is None:
        return None
    fn = _unwrap(user_fn)
    code_of = getattr(fn, "__code__", None)
    if code_of is None or code_of.co_freevars or not isinstance(fn.__globals__, dict) \
            or type(fn.__globals__) is not dict:
        return None
    header, _, rest = text.partition("\n")
    if not header.startswith("#"):
        return None
    params = ", ".join(sorted(bindings))
    factory = (f"def {FACTORY}({params}):  {header}\n"
               + textwrap.indent(rest, "    ", lambda line: True)
               + f"\n    return {name}\n")
    lines = factory.splitlines(keepends=True)
    linecache.cache[filename] = (len(factory), None, lines, filename)
    module_code = compile(factory, filename, "exec")
    inner = next(c for c in module_code.co_consts
                 if isinstance(c, types.CodeType) and c.co_name == FACTORY)
    make = types.FunctionType(inner, fn.__globals__, FACTORY)
    made = make(**bindings)
    _release_with(made, filename, lines)
    _register_helpers(inner, text)
    return made


def source_of(fn):
    """The full emitted text a loaded function came from, or None."""
    return source_of_code(getattr(fn, "__code__", None))


def source_of_code(code):
    """The full emitted text a loaded function's code object came from, or None."""
    return _SOURCES.get(code)


_MADE_FILES = itertools.count(1)


def load_made(tree, header, kind, bindings, origin):
    """A function srcdiff wrote from the user's own (an `__init__` or a method rewritten as
    a function of its object's fields): gast `tree` unparsed under the comment `header`,
    loaded from a generated file named by `kind`, and registered so that a refusal met
    while differentiating it names `origin`'s line. Gives back the live function."""
    import ast
    from . import emitted_origins
    from . import syntax as S
    from .core import GENERATED_PREFIX
    from .version import __version__
    text = (f"# Code generated by srcdiff {__version__}: {header}. DO NOT EDIT.\n"
            + ast.unparse(ast.fix_missing_locations(S.to_python_ast(tree))) + "\n")
    filename = f"{GENERATED_PREFIX}{kind}-{next(_MADE_FILES)}/{tree.name}.py"
    made = load(text, tree.name, filename, bindings, origin)
    emitted_origins.register(filename, text, origin, made)
    return made
