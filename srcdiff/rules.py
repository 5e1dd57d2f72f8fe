"""The rule table: derivative templates keyed by the Python object they differentiate (leaf:
called by lowering, which asks whether a call is differentiable, held constant or real only,
and by the adjoint and tangent stages, `lookup`). Takes rules from the decorators
(`reverse`, `forward`, `nondifferentiable`, `not_implemented`, ...) and the modules of
templates/; gives back Templates (rule_template.py parses and checks each), hints and the
lists.

A template is an ordinary Python function whose body is spliced into emitted
code. Its first parameter names the result; the others mirror the
differentiated function's own parameters (same names, same defaults), so a
call binds to the template exactly as it binds to the function. Inside a body,
``d[x]`` means "the derivative of x":

* reverse templates assign ``d[arg] = expr``: *add* expr to arg's adjoint,
  reading ``d[result]``; a statement is kept only when ``arg`` is active;
* forward templates assign ``d[result] = expr``: one statement per input,
  each linear in one ``d[arg]``; statements whose ``d[arg]`` is inactive are
  dropped, so no arithmetic is spent on zeros.

Other assignments in a body are temporaries (renamed fresh when spliced).
Free names (``numpy``, runtime helpers) are resolved in the template's module.
Everything is checked when a template is built: a mismatch fails loudly, never in emitted
code. A user's rule is built at once (the error comes at its decorator); srcdiff's own ~500
are built when first looked up, from the trees an earlier process parsed where rule_trees
kept them (parsing all was most of a first derivative's time); the tests build every one.
Three lists are kept apart: functions with rules (`REVERSE`, `FORWARD`), functions non-
differentiable by nature (`NONDIFFERENTIABLE`), known but not implemented (`NOT_IMPLEMENTED`).
"""
import inspect
import sys
import textwrap
import threading
import types

from .rule_template import Template, location_of, parse_template, parse_template_text


class _Derivative:
    """The `d` in templates: only ever read as syntax, never executed."""

    def __getitem__(self, key, value=None):
        raise RuntimeError("templates are spliced into emitted code, not called")

    __setitem__ = __getitem__


d = _Derivative()


def _ufunc_method(func):
    """(ufunc, name) for a ufunc's method (numpy.add.reduce, numpy.multiply.outer: a new
    bound-method object at each attribute read), else None."""
    owner = getattr(func, "__self__", None)
    if owner is not None and type(owner).__name__ == "ufunc" and \
            type(owner).__module__ == "numpy":
        return owner, getattr(func, "__name__", None)
    return None


def _same(a, b):
    if a is b:
        return True
    method = _ufunc_method(a)
    return method is not None and method[0] is getattr(b, "__self__", None) and \
        method[1] == getattr(b, "__name__", None)


class Table(dict):
    """A dict keyed by function object (by identity, so unhashable objects work; a ufunc's
    method by its ufunc and name)."""

    @staticmethod
    def _key(func):
        method = _ufunc_method(func)
        return id(func) if method is None else ("ufunc", id(method[0]), method[1])

    def put(self, func, value):
        if not _loaded and not _importing:
            if _index is not None:
                _load_for(func)   # a user's rule: after srcdiff's own for it, which it replaces
            else:
                _early.append((self, func, value))   # put again once srcdiff's are loaded
        if _registered_by is not None and _importing:
            _registered_by.setdefault(_importing[0], []).append(func)
        if isinstance(func, types.MethodType):
            _METHODS.setdefault((id(func.__self__), id(func.__func__)), func)
            func = _METHODS[(id(func.__self__), id(func.__func__))]
        dict.__setitem__(self, self._key(func), (func, value))

    def find(self, func):
        if _index is not None and not _loaded:
            _load_for(func)
        key = self._key(func)
        hit = dict.get(self, key)
        if hit is None or not _same(hit[0], func):
            return None
        return self._built(key, hit)[1]

    def _built(self, key, entry):
        """The entry with a rule registered lazily (_Deferred) built into its Template."""
        if isinstance(entry[1], _Deferred):
            entry = (entry[0], entry[1].build())
            dict.__setitem__(self, key, entry)
        return entry

    def values(self):
        _load_all()
        return [self._built(key, entry) for key, entry in list(dict.items(self))]

    def items(self):
        _load_all()
        return [(key, self._built(key, entry)) for key, entry in list(dict.items(self))]

    def functions(self):
        _load_all()
        return [func for func, _ in dict.values(self)]


class _Deferred:
    """A rule of srcdiff's own, registered but not parsed yet (see the module docstring)."""

    __slots__ = ("mode", "func", "source", "namespace", "origin")

    def __init__(self, mode, func, source, namespace, origin):
        self.mode, self.func, self.source = mode, func, source
        self.namespace, self.origin = namespace, origin

    def build(self):
        body, signature, location = self.source.get()
        return Template(self.mode, self.func, body, signature, self.namespace, self.origin,
                        location)


class _Source:
    """A rule body and signature, made once for every function the rule is registered for
    (their Templates share the body, as when built at once)."""

    def __init__(self, make):
        self.make = make
        self.made = None
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            if self.made is None:
                self.made = self.make()
            return self.made


# a bound method is made anew at each attribute access (scipy.stats.norm.logpdf): rules for
# one are kept under the first such object registered, found again by (instance, function)
_METHODS = {}


def registered(obj):
    """The object rules are kept under for `obj`: the bound method registered for the same
    instance and function, else `obj` itself."""
    if isinstance(obj, types.MethodType):
        if _pending:
            load_templates()  # the optional rule modules of packages imported since
        if _index is not None and not _loaded:
            _load_for(obj)
        hit = _METHODS.get((id(obj.__self__), id(obj.__func__)))
        if hit is not None and hit.__self__ is obj.__self__ and hit.__func__ is obj.__func__:
            return hit
    return obj


REVERSE = Table()
FORWARD = Table()
NONDIFFERENTIABLE = Table()
NOT_IMPLEMENTED = Table()
HELD_CONSTANT = Table()
REAL_ONLY = Table()


def _register(mode, table, funcs, fn, body=None, signature=None, origin=None):
    """Register a rule for each of `funcs`: `body` (statements, or a function making them;
    parsed from `fn` when None), `signature` (or a function making it; fn's when None)."""
    origin = origin or f"{fn.__module__}.{fn.__qualname__}"
    namespace = fn.__globals__ if fn is not None else {}

    def make():
        made = body() if callable(body) else body
        # a signature may come as a function making it (rule_forms: made only if built)
        sig = signature() if callable(signature) else signature or inspect.signature(fn)
        if made is not None:
            return made, sig, None
        return parse_template(fn), sig, lambda: location_of(fn)   # read for an error only
    source = _Source(make)
    if not str(namespace.get("__name__", "")).startswith("srcdiff.templates."):
        source.get()  # a user's rule: built now, so a mistake fails at its decorator
        for func in funcs:
            table.put(func, _Deferred(mode, func, source, namespace, origin).build())
        return
    for func in funcs:
        table.put(func, _Deferred(mode, func, source, namespace, origin))


def reverse(*funcs):
    """Decorator: register the body as the reverse (adjoint) rule of each of `funcs`."""
    def deco(fn):
        _register("reverse", REVERSE, funcs, fn)
        return fn
    return deco


def forward(*funcs):
    """Decorator: register the body as the forward (tangent) rule of each of `funcs`."""
    def deco(fn):
        _register("forward", FORWARD, funcs, fn)
        return fn
    return deco


def from_source(mode, func, source, namespace, origin):
    """Register a rule given as the source text of a def (rules made from one pattern, as
    templates/scipy_stats.py makes a distribution's); `namespace` resolves its free names."""
    code = textwrap.dedent(source)
    scope = {}
    exec(compile(code, origin, "exec"), {}, scope)  # only for the def's signature
    (fn,) = scope.values()
    table = REVERSE if mode == "reverse" else FORWARD
    _register(mode, table, [func], _Holder(namespace), lambda: parse_template_text(code),
              inspect.signature(fn), origin)


class _Holder:
    def __init__(self, namespace):
        self.__globals__ = namespace
        self.__module__ = namespace.get("__name__", "?")


def nondifferentiable(*funcs):
    """Mark functions whose outputs carry no derivative (shapes, argmax, comparisons)."""
    for func in funcs:
        NONDIFFERENTIABLE.put(func, True)
    return funcs[0] if len(funcs) == 1 else None


def not_implemented(func, hint):
    """Mark a function srcdiff knows but cannot differentiate yet, saying what to do instead."""
    NOT_IMPLEMENTED.put(func, hint)


def held_constant(func, /, **reasons):
    """Mark arguments of `func` its rules do not differentiate (an order, a count that may be
    a float): a derivative with respect to one is refused at the user's line, saying why."""
    HELD_CONSTANT.put(func, reasons)


def real_only(reason, *funcs):
    """Mark functions whose rules hold for real arguments only: a differentiated call with a
    complex argument is refused at the user's line when it runs (checks.guard_real_arguments)."""
    for func in funcs:
        REAL_ONLY.put(func, reason)


def real_only_reason(func):
    if _pending:
        _load_optional()
    return REAL_ONLY.find(func) if func is not None else None


def held_argument(func, differentiated):
    """(parameter, reason) of the first argument of `func` held constant whose name
    `differentiated(parameter)` says carries a derivative here, else None."""
    for name, reason in (HELD_CONSTANT.find(func) or {}).items():
        if differentiated(name):
            return name, reason
    return None


def lookup(mode, func):
    table = REVERSE if mode == "reverse" else FORWARD
    hit = table.find(func)
    if hit is None and _pending:
        _load_optional()
        hit = table.find(func)
    return hit


def is_nondifferentiable(func):
    if _pending:
        _load_optional()
    return NONDIFFERENTIABLE.find(func) is not None


def not_implemented_hint(func):
    if _pending:
        _load_optional()
    return NOT_IMPLEMENTED.find(func)


_loaded = False   # every rule module of srcdiff imported
_loading = threading.RLock()  # first uses from several threads wait for one load
_index = None     # {name_key: [rule modules]} (rule_index.py) while modules are imported as asked
_modules = []     # the rule modules (not those of OPTIONAL)
_imported = set()
_importing = []   # the rule module being imported (the outermost), while one is
_early = []       # rules registered before srcdiff's own were loaded (replaced by none of them)
_registered_by = None  # rule module -> the functions it registered, while the index is made


def _name_key(obj):
    """rule_index.name_key, bound here at the first call (asked at every lookup: a function's
    import statement there was a twentieth of a transform)."""
    global _name_key
    from .rule_index import name_key
    _name_key = name_key
    return name_key(obj)


def _templates_package():
    """The srcdiff.templates package: installed inside srcdiff, or at a checkout's root."""
    import importlib
    import os
    import sys
    try:
        return importlib.import_module("srcdiff.templates")
    except ModuleNotFoundError:
        pass
    try:   # importlib.util's own functions, without its import (half a millisecond)
        from importlib._bootstrap import module_from_spec
        from importlib._bootstrap_external import spec_from_file_location
    except ImportError:  # pragma: no cover (another Python's layout)
        from importlib.util import module_from_spec, spec_from_file_location
    # running from a source checkout: the rules live in templates/ beside srcdiff/
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "templates")
    spec = spec_from_file_location(
        "srcdiff.templates", os.path.join(root, "__init__.py"),
        submodule_search_locations=[root])
    module = module_from_spec(spec)
    sys.modules["srcdiff.templates"] = module
    spec.loader.exec_module(module)
    return module


# rule modules for optional packages: loaded once the package they differentiate has been
# imported (by the user's code), so `import srcdiff` and programs without it never pay for it
OPTIONAL = {"scipy_runtime": "scipy", "scipy_special": "scipy.special", "scipy_stats": "scipy.stats",
            "scipy_linalg": "scipy.linalg", "scipy_signal": "scipy.signal", "scipy_lu": "scipy.linalg",
            "scipy_special_more": "scipy.special", "scipy_banded": "scipy.linalg",
            "scipy_integrate": "scipy.integrate", "scipy_linalg_decomp": "scipy.linalg",
            "scipy_special_extra": "scipy.special", "scipy_structured": "scipy.linalg", "scipy_fft": "scipy.fft",
            "scipy_linalg_spectral": "scipy.linalg"}
_pending = {}
_looked_at = [None]   # (len(sys.modules), len(_pending)) at the last look


def _load_optional(force=False):
    """Import the pending optional rule modules whose package is imported (`force`: every
    one whose package can be imported; each popped first: its import reenters load_templates,
    which may take out a later one). Called with `_loading` held."""
    if not force and _looked_at[0] == (len(sys.modules), len(_pending)):
        return   # nothing imported, nothing new pending since the last look
    _looked_at[0] = (len(sys.modules), len(_pending))
    import importlib
    for module, package in list(_pending.items()):
        if (package in sys.modules or force) and _pending.pop(module, None) is not None:
            try:
                importlib.import_module(package)
            except ImportError:
                continue
            importlib.import_module(module)


def _import_rule_module(name):
    """Import rule module `name` of srcdiff.templates (with `_loading` held)."""
    import importlib
    global _loaded
    if name in _imported:
        return
    _importing.append(name)
    try:
        importlib.import_module(f"srcdiff.templates.{name}")
    finally:
        _importing.pop()
    _imported.add(name)
    if len(_imported) == len(_modules):
        _loaded = True  # only now: a thread that sees it set finds every rule registered


# id(obj) -> (obj, name_key) of library objects (NumPy's, builtins, ufuncs: 168 lookups of 15
# in a 20-line function), held; not Python functions nor methods bound to an object (kept alive)
_KEYS = {}


def _key_of(func):
    """rule_index.name_key of `func`, kept for a library object (_KEYS)."""
    hit = _KEYS.get(id(func))
    if hit is not None and hit[0] is func:
        return hit[1]
    key = _name_key(func)
    try:
        owner = getattr(func, "__self__", None)
    except Exception:   # an attribute that raises (name_key gave None): not kept
        return key
    if type(func) not in (types.FunctionType, types.MethodType) and (
            owner is None or isinstance(owner, types.ModuleType)):
        _KEYS[id(func)] = (func, key)
    return key


def _load_for(func):
    """Import the rule modules the index says register anything for `func` (all of them
    where it has no name)."""
    key = _key_of(func)
    if key is None:
        _load_all()
        return
    wanted = _index.get(key)
    if wanted and not _imported.issuperset(wanted):
        with _loading:
            for name in wanted:
                _import_rule_module(name)


def _load_all():
    """Import every rule module not imported yet (a listing of the tables, a name not known)."""
    if _loaded or _index is None:
        return
    with _loading:
        for name in _modules:
            _import_rule_module(name)


def _start():
    """Find the rule modules; read their index, or (none kept for these files) import them
    all and keep the index they give. Called with `_loading` held."""
    import os
    from . import rule_index
    from .version import __version__
    global _index, _registered_by
    pkg = _templates_package()
    folder = pkg.__path__[0]
    names = sorted(n[:-3] for n in os.listdir(folder)
                   if n.endswith(".py") and n[:-3].isidentifier() and n != "__init__.py")
    for name in names:
        if name in OPTIONAL:
            _pending[f"{pkg.__name__}.{name}"] = OPTIONAL[name]
        else:
            _modules.append(name)
    try:
        key = rule_index.fingerprint(folder, _modules, __version__)
    except OSError:
        key = None
    if key is not None:
        from . import rule_trees
        rule_trees.start(folder, key)   # rules' parsed text kept by earlier processes
    index = rule_index.read(folder, key) if key is not None else None
    if index is not None and set(m for ms in index.values() for m in ms) <= set(_modules):
        _index = index   # rule modules are imported as functions are asked for
        return
    # a rule module imported before this (`import srcdiff.templates.arithmetic`) registered
    # its rules unrecorded: an index written now would lack them, for every later process
    complete = not any(f"{pkg.__name__}.{name}" in sys.modules for name in _modules)
    _registered_by = {}
    try:
        for name in _modules:
            _import_rule_module(name)
        made = {}
        for name, funcs in _registered_by.items():
            for func in funcs:
                named = rule_index.name_key(func)
                if named is not None and name not in made.setdefault(named, []):
                    made[named].append(name)
    finally:
        _registered_by = None
    if key is not None and complete:
        rule_index.write(folder, key, made)


def load_templates(optional=False, every=False):
    """Make srcdiff's rules ready to be asked for: their index read (each rule module is then
    imported when a function it registers is asked for), or every module imported (and the
    index kept for the next process); with `every`, every module imported; with `optional`,
    those of OPTIONAL too whenever their package can be imported (else once it is)."""
    if (_loaded or _index is not None and not (optional or every)) and not _pending:
        return
    with _loading:
        if not _loaded and _index is None:
            _start()
            while _early:
                table, func, value = _early.pop(0)
                table.put(func, value)
        if optional or every:
            _load_all()
        if _pending:
            _load_optional(force=optional)


def describe(name):
    """Printable summary of the three lists: each function as `name(function)` calls it (the
    caller passes callables.canonical_path; rules, a leaf, imports no stage to name them)."""
    def names(table):
        return sorted(name(f) or repr(f) for f in table.functions())
    load_templates(optional=True)
    return {"rules": names(REVERSE), "nondifferentiable": names(NONDIFFERENTIABLE),
            "not_implemented": names(NOT_IMPLEMENTED)}
