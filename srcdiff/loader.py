"""Stage 8, load: turn emitted source into a live function.

The source is registered with `linecache` under a file name of its own, so
tracebacks, `inspect.getsource` and pdb show the emitted lines. The function's
globals see srcdiff's names (numpy, runtime helpers) first and then, live, the
user's closure cells, module globals and builtins: a global the user rebinds
later is seen by the derivative too.
"""
import linecache

from .frontend import Resolver


class ChainGlobals(dict):
    """Globals for emitted code: srcdiff's bindings, then the user's names, read live."""

    def __init__(self, bindings, user_fn):
        super().__init__(bindings)
        self._resolver = Resolver(user_fn) if user_fn is not None else None

    def __missing__(self, key):
        if self._resolver is None:
            raise KeyError(key)
        return self._resolver.lookup(key)


_SOURCES = {}


def load(text, name, filename, bindings, user_fn):
    """Compile `text`, returning the function called `name` defined in it."""
    lines = text.splitlines(keepends=True)
    linecache.cache[filename] = (len(text), None, lines, filename)
    code = compile(text, filename, "exec")
    namespace = ChainGlobals(bindings, user_fn)
    namespace["__name__"] = "srcdiff.generated"
    exec(code, namespace)
    fn = namespace[name]
    _SOURCES[fn.__code__] = text
    return fn


def source_of(fn):
    """The full emitted text a loaded function came from, or None."""
    code = getattr(fn, "__code__", None)
    return _SOURCES.get(code)
