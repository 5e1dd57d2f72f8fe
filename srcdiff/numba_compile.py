"""The Numba path's compiling side (stage 7, emit, with numba_backend, which makes the kernel's
source: called by api.py, derivative.py and numba_codegen.py). Takes an Emitted derivative;
gives back a live function: the kernel compiled with `numba.njit(cache=True)` in a module of
its own on disk (cached across processes) and the wrapper that calls it (`load`, `jitted`).

The API's side too: which backend a `jit=` asks for (`choose`), the fallback to the NumPy
path with a warning under `jit="auto"`, and the refusal of arguments the kernel cannot take
(`argument_refusal`).
"""
import hashlib
import inspect
import linecache
import os
import re
import types

import numpy

from .runtime_checks import check_differentiable
from .numba_backend import NUMBA_HINT, NumbaUnsupported, _user_place, require_numba, split


def cache_dir():
    """Where kernels (and Numba's compiled code beside them) are kept between runs:
    $SRCDIFF_CACHE_DIR, else ~/.cache/srcdiff; None when it can not be written."""
    root = os.environ.get("SRCDIFF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "srcdiff")
    path = os.path.join(root, "numba")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def runtime_modules():
    """The modules of the Numba runtime, every srcdiff module named runtime_numba*, found by
    listing the package (a new one is hashed without being named here: a changed overload
    of a module left out kept running from Numba's disk cache)."""
    import importlib
    import pkgutil
    folder = os.path.dirname(os.path.abspath(__file__))
    names = sorted(m.name for m in pkgutil.iter_modules([folder])
                   if m.name.startswith("runtime_numba"))
    return [importlib.import_module(f"{__package__}.{name}") for name in names]


def _runtime_stamp():
    digest = hashlib.sha1()
    for module in runtime_modules():
        with open(module.__file__, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


_STAMP = []
_FORMAT = "kernel modules 2, boundscheck"  # changes when what a cached kernel depends on changes


def kernel_file(split_):
    """The file the kernel is compiled from (its name a hash of its text, of the Numba
    runtime, of Numba's version and of its optimisation level (NUMBA_OPT: code compiled at
    one is not read back at another), so Numba's on-disk cache beside it stays valid), or a
    name in linecache only when no cache directory can be written."""
    import numba
    if not _STAMP:
        _STAMP.append(_runtime_stamp())
    digest = hashlib.sha1((split_.kernel_text + _STAMP[0] + numba.__version__ + _FORMAT +
                           f" opt {int(numba.config.OPT)}").encode()).hexdigest()[:20]
    directory = cache_dir()
    base = f"{split_.kernel_name}_{digest}.py"
    if directory is None:
        return f"srcdiff-generated/numba/{base}", False
    path = os.path.join(directory, base)
    if not os.path.exists(path):
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(split_.kernel_text)
        os.replace(temporary, path)
    return path, True


def compile_kernel(split_, user_file, def_line=None, probe_globals=None):
    """The kernel as a Numba dispatcher, behind a call that turns Numba's typing errors
    into NumbaUnsupported at the user's line. The probes of try blocks the kernel calls in
    Python are defined in `probe_globals` (the NumPy path's globals)."""
    numba = require_numba()
    from . import runtime_numba
    filename, cache = kernel_file(split_)
    lines = split_.kernel_text.splitlines(keepends=True)
    linecache.cache.setdefault(filename, (len(split_.kernel_text), None, lines, filename))
    # the kernel's globals are a module's, importable by name (sys.modules): Numba's
    # on-disk cache finds the module of a cached function again by its name
    import sys
    module_name = "srcdiff.numba_kernels." + os.path.splitext(os.path.basename(filename))[0]
    module = sys.modules.get(module_name)
    if module is None:
        module = types.ModuleType(module_name)
        namespace = module.__dict__
        namespace.update(split_.bound)
        namespace.update(runtime_numba.HELPERS)
        namespace.update({"numpy": runtime_numba.NUMPY, "__file__": filename,
                          "objmode": numba.objmode})
        exec(compile(split_.kernel_text, filename, "exec"), namespace)
        sys.modules[module_name] = module
    namespace = module.__dict__
    where = namespace if probe_globals is None else probe_globals
    for probe in split_.probes:  # run in Python: the user's names, read live
        exec(compile(probe.text, filename, "exec"), where)
        namespace[probe.name] = where[probe.name]
    # boundscheck: an index out of range raises IndexError, as on the NumPy path (unchecked,
    # a write past the end gave a number)
    # (a kernel that runs a probe in Python holds a function object: not cached on disk)
    dispatcher = numba.njit(cache=cache and not split_.probes, boundscheck=True)(namespace[split_.kernel_name])
    return Kernel(dispatcher, filename, split_.kernel_text.splitlines(), user_file, def_line)


class CompileFailure(Exception):
    """Numba could not compile the kernel for these argument types (carries the refusal)."""

    def __init__(self, refusal):
        super().__init__(str(refusal))
        self.refusal = refusal


class Kernel:
    """Calls the compiled kernel; Numba's compile errors become a located refusal."""

    def __init__(self, dispatcher, filename, lines, user_file, def_line=None):
        self.def_line = def_line
        self.dispatcher = dispatcher
        self.filename = filename
        self.lines = lines
        self.user_file = user_file

    def __call__(self, *args):
        try:
            return self.dispatcher(*args)
        except Exception as exc:
            failure = self.failure(exc)
            if failure is None:
                raise
            raise failure from None

    def failure(self, exc):
        """A CompileFailure for Numba's error `exc` (None for any other exception)."""
        from numba.core.errors import NumbaError
        if not isinstance(exc, NumbaError) and not _while_compiling(exc):
            return None  # raised by the compiled code as it ran: the user's to see
        return CompileFailure(self._located(exc))

    def _located(self, exc):
        message = _plain(str(exc))
        lineno = None
        for m in re.finditer(r'File "([^"]*)", line (\d+)', message):
            if os.path.basename(m.group(1)) == os.path.basename(self.filename):
                lineno = int(m.group(2))
        summary = next((ln.strip() for ln in message.splitlines() if ln.strip()), "")
        detail = _short_reason(message) or _first_reason(message) or summary or \
            f"{type(exc).__name__} inside Numba's compiler (a call it can not type)"
        m = re.match(r"Numba has no (\w+) ", detail)
        if m and m.group(1) in _WRITE_HELPERS:
            detail = (f"an item write through an index it does not take (an index array, a "
                      f"mask, `...`): {m.group(1)} has no compiled version for it")
        emitted = _kernel_line(message, self.filename)
        if emitted and lineno is not None and _comment_free(self.lines, lineno):
            detail += f" (the compiled line `{emitted}`)"  # the user's line is not known
        return NumbaUnsupported(f"Numba cannot compile this derivative: {detail}",
                                hint=NUMBA_HINT,
                                **_user_place(self.lines, lineno, self.user_file,
                                              self.def_line))


_WRITE_HELPERS = ("saved_item", "take_and_zero")  # an item write's save, its adjoint's take


def _while_compiling(exc):
    """Whether `exc` came out of Numba's compiler (an internal error of its typing, say an
    assertion), not out of compiled code that ran."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_compile_for_args" and "numba" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


_NO_IMPLEMENTATION = re.compile(
    r"No implementation of function Function\((?:<function (\w+) at [^>]*>|"
    r"<built-in function (\w+)>|[^)]*'(\w+)'\)[^)]*)\)")
_UNKNOWN_ATTRIBUTE = re.compile(r"Unknown attribute '(\w+)' of type (.*)")


def _short_reason(message):
    """A sentence for Numba's typing error `message` (a call it has no version of, an
    attribute it does not know, arguments a function of the kernel's module cannot take),
    or None: Numba's own lines name its internals (its overloads' files, the literal and
    non-literal resolutions tried), not what to change."""
    m = _NO_IMPLEMENTATION.search(message)
    if m:
        name = next(g for g in m.groups() if g)
        name = name[4:] if name.startswith("npy_") else name  # numba's npy_max: max
        sig = re.search(r">>> \w+(\(.*\))", message)
        types_ = f" for the arguments {sig.group(1)}" if sig and len(sig.group(1)) < 160 \
            else " for these arguments"
        return f"Numba has no {name} {types_.strip()}"
    m = _UNKNOWN_ATTRIBUTE.search(message)
    if m:
        owner = m.group(2).strip()
        if "runtime_numba.numpy" in owner or "module 'numpy'" in owner:
            return f"Numba has no numpy.{m.group(1)}"
        return f"Numba has no attribute {m.group(1)} of {owner[:80]}"
    m = re.search(r"(\w+) expected \d+ arguments?, got 0", message)
    if m:
        return ("a try block's probe reads a value Numba cannot hand back to Python (a dict "
                "of values of several types, say)")
    return None


def _kernel_line(message, filename):
    """The kernel's line Numba's error quotes (the last one in the kernel's file), or None."""
    found = None
    lines = message.splitlines()
    for k, line in enumerate(lines):
        m = re.match(r'\s*File "([^"]*)", line \d+', line)
        if m and os.path.basename(m.group(1)) == os.path.basename(filename):
            block = lines[k + 1:k + 6]
            caret = next((j for j, x in enumerate(block) if x.strip() == "^"), None)
            if caret:  # the line Numba marks with ^ below it
                found = block[caret - 1].strip()
    return found


def _comment_free(lines, lineno):
    """Whether the kernel's line `lineno` has no `# line N` comment above it (the primal
    part, which the user's line is not read off)."""
    return not any(re.match(r"\s*# line \d+", ln) for ln in lines[:lineno - 1])


def _first_reason(message):
    for line in message.splitlines():
        line = line.strip()
        if line and not line.startswith(("Failed in", "During:", "File ", "<source")) and \
                not line.startswith("^"):
            return line[:300]
    return None


def _finalize_with(general):
    def finalize(grad, like, name, _float=float, _ndarray=numpy.ndarray,
                 _float64=numpy.dtype(float), _array=numpy.array):
        """The NumPy path's finalize, first the common case here: the kernel's number for
        a 0-d float64 input, given back as a 0-d array."""
        if type(grad) is _float and type(like) is _ndarray and like.dtype is _float64 and \
                not like.ndim:
            return _array(grad)
        return general(grad, like, name)
    return finalize


def _check_with(general):
    def check_differentiable(value, name, _ndarray=numpy.ndarray,
                             _float64=numpy.dtype(float)):
        """The NumPy path's check, first the common case: a float64 array passes."""
        if type(value) is _ndarray and value.dtype is _float64:
            return
        general(value, name)
    return check_differentiable



def scalar_in(value):
    """A 0-d NumPy array as the number it holds (one type per variable in the kernel)."""
    if type(value) is numpy.ndarray and not value.ndim:
        return value.item()  # a Python number: what Numba takes fastest
    return value


def differentiable_in(value, name, _ndarray=numpy.ndarray, _float64=numpy.dtype(float)):
    """check_differentiable(value, name), then scalar_in(value), in one call: a float64
    array (the common case) first."""
    if type(value) is _ndarray and value.dtype is _float64:
        return value.item() if not value.ndim else value
    check_differentiable(value, name)
    return scalar_in(value)


_NDARRAY = __import__("numpy").ndarray


def user_file_of(fn):
    try:
        return inspect.getsourcefile(fn)
    except TypeError:
        return None


def load(emitted):
    """The emitted derivative compiled by Numba: its wrapper function, whose `source` shows
    the kernel and the wrapper. Refusals of the pass raise here; Numba's own (typing) at the
    first call of each argument type, as CompileFailure."""
    from . import loader
    require_numba()
    user_file = user_file_of(emitted.fn) if emitted.fn is not None else None
    m = re.search(r":(\d+)$", emitted.origin)
    def_line = int(m.group(1)) if m else None
    names = loader.ChainGlobals(emitted.bindings, emitted.fn)

    def globals_of(name):
        try:
            return names[name]
        except (KeyError, Exception):
            return None

    header, _, _ = emitted.text.partition("\n")
    split_ = split(emitted.text, emitted.name, user_file, globals_of, def_line)
    kernel = compile_kernel(split_, user_file, def_line, names)
    bindings = dict(emitted.bindings)
    # the dispatcher itself (no call in between): Numba's errors at the first call of a
    # type are turned into a located refusal by api.Derivative, through _srcdiff_kernel
    bindings[split_.kernel_name] = kernel.dispatcher
    bindings["scalar_in"] = scalar_in
    bindings["differentiable_in"] = differentiable_in
    if "finalize" in bindings:
        bindings["finalize"] = _finalize_with(bindings["finalize"])
    if "check_differentiable" in bindings:
        bindings["check_differentiable"] = _check_with(bindings["check_differentiable"])
    wrapper_text = header + "\n" + split_.wrapper_text
    filename = "srcdiff-generated/numba/" + f"{emitted.origin.replace(':', '-')}/{emitted.name}.py"
    fn = loader.load(wrapper_text, emitted.name, filename, bindings, emitted.fn)
    loader._SOURCES[fn.__code__] = header + "\n" + split_.text
    fn._srcdiff_kernel = kernel
    return fn


# --- the API's side -----------------------------------------------------------------------
JIT_CHOICES = (False, True, "auto")


def choose(backend, jit):
    """(array module, jit) from the API's options: backend="numba" means jit=True."""
    if jit not in JIT_CHOICES or isinstance(jit, int) and not isinstance(jit, bool):
        from .errors import ArgumentError
        raise ArgumentError(f"jit must be True, False or 'auto', not {jit!r}")
    if backend == "numba":
        backend, jit = "numpy", jit or True
    if jit and backend != "numpy":
        from .errors import ArgumentError
        raise ArgumentError(f"jit={jit!r} compiles NumPy code with Numba; backend={backend!r} "
                            "binds the code to another array module", hint="pass one of them")
    if jit is True:
        require_numba()
    return backend, jit


def jitted(emitted, numpy_fn, jit, refused_by_arguments=None):
    """The compiled derivative, or (jit="auto") the NumPy one with a warning where the pass
    refuses; jit=True raises the refusal."""
    try:
        if refused_by_arguments:
            raise NumbaUnsupported(f"the Numba path cannot compile this derivative: "
                                   f"{refused_by_arguments}", hint=NUMBA_HINT)
        if jit == "auto":
            try:
                require_numba()
            except NumbaUnsupported as exc:
                fallback_warning(exc)
                return numpy_fn
        fn = load(emitted)
    except NumbaUnsupported as exc:
        if jit != "auto":
            raise
        fallback_warning(exc)
        return numpy_fn
    fn._srcdiff_numpy = numpy_fn
    return fn


class NumbaFallbackWarning(UserWarning):
    """jit='auto' runs the NumPy path: the Numba path refused this derivative."""


def fallback_warning(refusal):
    import warnings
    warnings.warn(NumbaFallbackWarning(f"jit='auto' runs the NumPy path: {refusal}"),
                  stacklevel=4)


def argument_refusal(containers, known, args, kwargs):
    """Why the arguments of a call keep it off the Numba path, or None."""
    import numpy
    if containers:
        return f"it takes lists, tuples or dicts ({', '.join(sorted(containers))})"
    if known:
        return f"it takes objects of user classes ({', '.join(sorted(known))})"
    for value in list(args) + list(kwargs.values()):
        if numpy.iscomplexobj(value):
            return "it takes complex values (the Numba path runs real ones)"
        if isinstance(value, numpy.ndarray) and value.dtype == object:
            return "it takes arrays of Python objects"
    return None
