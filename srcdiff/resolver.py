"""Free names of a function, read live (leaf: called by frontend.py, loader.py and wrt.py).
Takes a function; gives back a `Resolver` mapping its free names to Python objects (closure
cells, module globals, builtins) for the frontend, the lowering and the loaded emitted code,
with `tracking` recording the functions found and `stale` telling whether one was redefined.
"""
import builtins
import sys
import threading
import types


_MISSING = object()
MISSING = _MISSING   # (reading's value of a name that was not found)


def _unwrap(fn):
    """The function a bound method calls. A function a decorator wrapped (functools.wraps
    sets `__wrapped__`) is not unwrapped: its own code, which calls the wrapped function,
    is what runs, so it is what is differentiated."""
    while isinstance(fn, types.MethodType):
        fn = fn.__func__
    return fn


class _PerThread(threading.local):
    """What a derivative being made keeps while it is made, one per thread: derivatives made
    at once in several threads each see their own (the lists their function lookups go to,
    and how their emitted modules read free names)."""

    def __init__(self):
        self.tracking = []
        self.home = []
        self.reads = []   # lists `reading` collects every name's value into


_STATE = _PerThread()


class reading:
    """`with reading() as reads:` collects (namespace, name, value) for every name a
    `Resolver` looks up and every attribute `track_attribute` is told of, whatever the
    value (numbers, arrays and lists too, which `tracking` leaves to be read live), the
    value being `MISSING` where the name was not there (the namespace: a closure cell with
    name None, a dict, or the mapping emitted code reads its globals from):
    lowered_cache.py keeps a lowering only while each is what it was."""

    def __enter__(self):
        self.reads = []
        _STATE.reads.append(self.reads)
        return self.reads

    def __exit__(self, *exc):
        _STATE.reads.pop()
        return False


class tracking:
    """`with tracking() as deps:` collects (namespace, name, function) for every Python
    function the transform looks up by name, so a derivative can tell when one of them
    has been redefined since (a helper edited in a notebook) and must be made again."""

    def __enter__(self):
        self.deps = []
        _STATE.tracking.append(self.deps)
        return self.deps

    def __exit__(self, *exc):
        _STATE.tracking.pop()
        return False


def _user_class(cls):
    """A class of the user's (not a builtin's, nor one of an installed library's): its
    methods are read from source, so replacing one makes derivatives stale."""
    name = getattr(cls, "__module__", None) or ""
    if name == "__main__":
        return True
    if name in ("builtins", "abc") or name.split(".")[0] in ("numpy", "scipy", "srcdiff"):
        return False
    path = getattr(sys.modules.get(name), "__file__", None) or ""
    return not path or ("site-packages" not in path and not path.startswith(sys.base_prefix))


def class_deps(cls, out):
    """Append to `out` (the class's attributes, name, value) for each method, static or
    class method and property of `cls` and its bases of the user's: a method replaced
    later (`Model.forward = new_forward`) makes a derivative that read it stale. The
    attributes are read through a live view of the class's dict."""
    for klass in getattr(cls, "__mro__", ())[:-1]:
        if not _user_class(klass):
            continue
        attrs = vars(klass)
        for name, value in attrs.items():
            if isinstance(value, (types.FunctionType, staticmethod, classmethod, property)):
                out.append((attrs, name, value))


class OfType:
    """What `tracking` keeps for an object of the user's found by name (a layer held in a
    global): its class, which the derivative is specialised on. Another object of that
    class under the name later is read live; one of another class makes it stale."""
    __slots__ = ("cls",)

    def __init__(self, cls):
        self.cls = cls


def _track(where, name, value):
    """Record what a derivative is specialised on, found by name: a function; a class (one
    of the user's with its methods: a class defined again in a notebook is a new object
    under the same name); a library's function, ufunc or module (`act = numpy.tanh`,
    bound later to numpy.sin); an object of the user's, by its class and methods. Arrays,
    numbers and containers are read live by the emitted code: not recorded."""
    tracking_now = _STATE.tracking
    if not tracking_now:
        return
    deps = tracking_now[-1]
    if isinstance(value, types.FunctionType):
        deps.append((where, name, value))
    elif isinstance(value, type):
        deps.append((where, name, value))
        if _user_class(value):
            class_deps(value, deps)
    elif _user_class(type(value)) and hasattr(value, "__dict__"):
        deps.append((where, name, OfType(type(value))))
        class_deps(type(value), deps)
    elif isinstance(value, types.ModuleType) or callable(value):
        deps.append((where, name, value))


class _AttributesOf:
    """An object's attributes read as a namespace (`where` of a `tracking` record for
    `cfg.act`, `Config.act`, `ns.act`): a method reads as its function, which stays one
    object (a bound method is new at each read)."""
    __slots__ = ("owner",)

    def __init__(self, owner):
        self.owner = owner

    def __getitem__(self, name):
        try:
            return _unwrap(getattr(self.owner, name))
        except AttributeError:
            raise KeyError(name) from None


def track_attribute(owner, attr, value):
    """Record `owner.attr` read when a derivative is made (lower_exprs' static values), as
    `_track` records a name: a module, class or object of the user's whose attribute is
    bound again later (`cfg.act = numpy.sin`) makes the derivative stale. Attributes of
    NumPy, SciPy, math and srcdiff are not recorded."""
    if _STATE.reads:
        _STATE.reads[-1].append((_AttributesOf(owner), attr, _unwrap(value)))
    if not _STATE.tracking:
        return
    home = owner.__name__ if isinstance(owner, types.ModuleType) else \
        getattr(owner if isinstance(owner, type) else type(owner), "__module__", "") or ""
    if home.split(".")[0] in ("numpy", "scipy", "math", "srcdiff", "builtins"):
        return
    _track(_AttributesOf(owner), attr, _unwrap(value))


def stale(deps):
    """True when a function recorded by `tracking` is no longer what its name holds."""
    for where, name, obj in deps:
        if name is None:
            try:
                now = where.cell_contents
            except ValueError:
                return True
        else:
            try:   # where[name]: emitted code's globals read the user's names on a miss
                now = where[name]
            except KeyError:
                return True
        if now is not obj and not (isinstance(obj, OfType) and type(now) is obj.cls):
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
        reads = _STATE.reads[-1] if _STATE.reads else None
        cell = self.cells.get(identifier)
        if cell is not None:
            try:
                value = cell.cell_contents
            except ValueError:
                if reads is not None:
                    reads.append((cell, None, _MISSING))   # (bound later: read then)
            else:
                if reads is not None:
                    reads.append((cell, None, value))
                _track(cell, None, value)
                return value
        try:
            value = self.globals[identifier]  # a dict, or the globals of emitted code
        except KeyError:
            if reads is not None:
                reads.append((self.globals, identifier, _MISSING))
        else:
            if reads is not None:
                reads.append((self.globals, identifier, value))
            if isinstance(self.globals, dict):
                _track(self.globals, identifier, value)
            return value
        builtin_ns = self.globals.get("__builtins__", builtins)
        if isinstance(builtin_ns, types.ModuleType):
            builtin_ns = vars(builtin_ns)
        if reads is not None:
            reads.append((builtin_ns, identifier, builtin_ns.get(identifier, _MISSING)))
        if identifier in builtin_ns:
            return builtin_ns[identifier]
        if default is _MISSING:
            raise KeyError(identifier)
        return default

    def has(self, identifier):
        return self.lookup(identifier, None) is not None or identifier in self.globals
