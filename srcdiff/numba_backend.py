"""The Numba path: a pass over emitted code that makes it compile with `numba.njit`.

`srcdiff.grad(f, jit=True)` (also value_and_grad, vjp and jvp; `backend="numba"` is the
same) emits the derivative as usual, then this pass splits it in two readable functions:

- the *kernel*: the emitted statements, rewritten where Numba needs one type per variable
  and typed containers: one tape per saved variable (`tape_x.append(x)`, `x =
  tape_x.pop()`) instead of one list of everything, a counted reverse range instead of
  `reversed(range_1)`, the value itself saved where the NumPy path saves only a shape,
  `v.sum()` as `numpy.sum(v)` (which also takes a number here), and the runtime helpers of
  runtime_numba.py, which Numba dispatches by type. It takes the arguments (0-d arrays
  as numbers) and the user's module-level values it reads, so a global the user rebinds
  is seen, as on the NumPy path; `numba.njit(cache=True)` compiles it, cached on disk.
- the *wrapper*: the emitted checks of the arguments, the call of the kernel, and the
  emitted return, whose `finalize` turns numbers back into 0-d arrays, shaped like the
  inputs.

What the pass cannot rewrite, and what Numba cannot type, is refused with a
`NumbaUnsupported` naming the user's file:line; `jit="auto"` then runs the NumPy path and
warns (api.py).
"""
import ast
import builtins
import hashlib
import inspect
import linecache
import os
import re
import types

import numpy

from .errors import UnsupportedCodeError

NUMBA_HINT = "use jit=False (the NumPy path), or jit='auto' to fall back to it with a warning"
INSTALL_HINT = "pip install srcdiff[numba] (or pip install numba)"
_BUILTINS = frozenset(dir(builtins))
_REDUCING_METHODS = ("sum", "max", "min", "mean")


class NumbaUnsupported(UnsupportedCodeError):
    """A derivative the Numba path can not compile (the NumPy path can run it)."""


def require_numba():
    """numba, with the overloads of runtime_numba registered; a clear error without it."""
    try:
        import numba  # noqa: F401
    except ImportError:
        raise NumbaUnsupported("jit=True compiles the derivative with Numba, which is not "
                               "installed", hint=INSTALL_HINT) from None
    from . import runtime_numba
    return runtime_numba.install()


# --- the pass -----------------------------------------------------------------------------
class Split:
    """The kernel and wrapper sources made from one emitted function."""

    def __init__(self, kernel_name, kernel_text, wrapper_text, kernel_params, global_names,
                 bound):
        self.kernel_name = kernel_name
        self.kernel_text = kernel_text
        self.wrapper_text = wrapper_text
        self.kernel_params = kernel_params
        self.global_names = global_names  # user values the kernel takes as arguments
        self.bound = bound  # modules and functions it calls, by name

    @property
    def text(self):
        return self.kernel_text + "\n\n" + self.wrapper_text


def split(text, name, user_file=None, globals_of=None, def_line=None):
    """Rewrite the emitted function `name` (in `text`) for Numba.

    `globals_of(name)` gives the value a free name of the kernel has (srcdiff's bindings,
    then the user's names), to tell values passed in from functions and modules.
    """
    tree = ast.parse(text)
    lines = text.splitlines()
    user_file = (user_file, def_line)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    body = list(fn.body)
    doc = body.pop(0) if body and isinstance(body[0], ast.Expr) and \
        isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else None
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
    if fn.args.vararg or fn.args.kwarg:
        raise _refusal("the function takes *args or **kwargs", fn, lines, user_file)
    prelude = []
    while body and _is_prelude(body[0], params):
        prelude.append(body.pop(0))
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        raise _refusal("the derivative does not end in one return", fn, lines, user_file)
    ret = body.pop()
    for node in body:
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Return, ast.Yield, ast.Try, ast.With, ast.Lambda,
                                  ast.FunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)):
                raise _refusal(f"the derivative has a {type(inner).__name__.lower()} "
                               "statement inside", inner, lines, user_file)
    prelude_names = [t.id for s in prelude if isinstance(s, ast.Assign) for t in s.targets]
    core_text = _rewrite(body, lines, user_file)
    stored, loaded = _names(body)
    ret_loaded = {n.id for n in ast.walk(ret.value) if isinstance(n, ast.Name)}
    outside = params + prelude_names
    kernel_params = [n for n in outside if n in loaded or n in stored and n in ret_loaded]
    holes = sorted(n for n in ret_loaded if n in stored)
    free = sorted(n for n in loaded - stored - set(outside) - _BUILTINS)
    global_names, bound = [], {}
    from .runtime_numba import HELPERS
    for n in free:
        value = globals_of(n) if globals_of is not None else None
        if n == "shape_of":
            continue  # only in tape pushes, which save the value itself here
        if n not in HELPERS and getattr(value, "__module__", "").startswith("srcdiff."):
            use = next(x for s in body for x in ast.walk(s)
                       if isinstance(x, ast.Name) and x.id == n)
            raise _refusal(f"srcdiff's helper {n} has no Numba version", use, lines, user_file)
        if not isinstance(value, (types.ModuleType, types.FunctionType)) and \
                not callable(value) and n != "numpy":
            global_names.append(n)  # a user's value (number, array): passed in, read live
        elif n != "numpy" and n not in HELPERS and value is not None:
            bound[n] = value  # a module or function: a constant of the compiled code
    kernel_name = f"{name}_kernel"
    signature = ", ".join(kernel_params + global_names)
    returned = ", ".join(holes)
    header = (f"# Compiled by Numba (jit=True): {name}'s statements, one type per variable "
              "and one tape per saved variable.")
    kernel = [header, f"def {kernel_name}({signature}):", core_text]
    kernel.append(f"    return {returned}" if holes else "    return None")
    first = fn.decorator_list[0].lineno if fn.decorator_list else fn.lineno
    def_lines = lines[first - 1:(doc.end_lineno if doc else fn.body[0].lineno - 1)]
    wrapper = list(def_lines)
    for s in prelude:
        wrapper.extend(lines[s.lineno - 1:s.end_lineno])
    call_args = [f"scalar_in({n})" for n in kernel_params] + \
        [f"scalar_in({n})" for n in global_names]
    call = f"{kernel_name}({', '.join(call_args)})"
    wrapper.append(f"    {', '.join(holes)} = {call}" if holes else f"    {call}")
    wrapper.extend(lines[ret.lineno - 1:ret.end_lineno])
    return Split(kernel_name, "\n".join(kernel) + "\n", "\n".join(wrapper) + "\n",
                 kernel_params, global_names, bound)


def _is_prelude(stmt, params):
    """The checks of the arguments the emitted code starts with (run in the wrapper)."""
    if isinstance(stmt, ast.Expr) and _call_name(stmt.value) == "check_differentiable":
        return True
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name):
        value = stmt.value
        if _call_name(value) in ("check_tangent", "check_cotangent"):
            return True
        return isinstance(value, ast.Name) and value.id in params  # x_input = x
    return False


def _call_name(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _names(stmts):
    stored, loaded = set(), set()
    for s in stmts:
        for n in ast.walk(s):
            if isinstance(n, ast.Name):
                (stored if isinstance(n.ctx, (ast.Store, ast.Del)) else loaded).add(n.id)
    return stored, loaded


def _tape_names(stmts):
    """The names assigned an empty list and used as a tape (append and pop only)."""
    out = set()
    for s in stmts:
        for n in ast.walk(s):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and \
                    isinstance(n.targets[0], ast.Name) and n.targets[0].id.startswith("tape") \
                    and isinstance(n.value, ast.List) and not n.value.elts:
                out.add(n.targets[0].id)
    return out


def _rewrite(body, lines, user_file):
    """The core statements' lines (comments kept), rewritten line by line for Numba."""
    if not body:
        return "    pass"
    tapes = _tape_names(body)
    saved = []  # the variables with a tape, in order of first push
    edits = {}  # line number -> new text of that line

    def replace(node, text):
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        if node.end_lineno != node.lineno:
            raise _refusal("a statement of several lines where Numba needs a rewrite",
                           node, lines, user_file)
        edits[node.lineno] = indent + text

    tape_inits = {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and \
                    isinstance(n.targets[0], ast.Name) and n.targets[0].id in tapes:
                if isinstance(n.value, ast.List) and not n.value.elts:
                    tape_inits[n.lineno] = n
                    continue
                target = n.targets[0].id
                raise _refusal(f"the tape {target} is assigned", n, lines, user_file)
            if isinstance(n, ast.Expr) and _is_method(n.value, tapes, "append"):
                item = n.value.args[0] if len(n.value.args) == 1 else None
                if _call_name(item) == "shape_of" and len(item.args) == 1:
                    item = item.args[0]  # one type per tape: the value, not its shape
                if not isinstance(item, ast.Name):
                    raise _refusal("a tape entry that is not a variable", n, lines, user_file)
                if item.id not in saved:
                    saved.append(item.id)
                replace(n, f"tape_{item.id}.append({item.id})")
            elif isinstance(n, ast.Assign) and _is_method(n.value, tapes, "pop"):
                if len(n.targets) != 1 or not isinstance(n.targets[0], ast.Name) or \
                        n.value.args:
                    raise _refusal("a tape read into something else than a variable", n,
                                   lines, user_file)
                target = n.targets[0].id
                replace(n, f"{target} = tape_{target}.pop()")
            elif isinstance(n, ast.Assert) and _tape_check(n, tapes):
                edits[n.lineno] = None  # the pairing check: the tapes below are checked
            elif isinstance(n, ast.For) and _call_name(n.iter) == "reversed":
                seq = n.iter.args[0] if len(n.iter.args) == 1 else None
                count = None
                if isinstance(seq, ast.Subscript) and isinstance(seq.slice, ast.Slice) and \
                        seq.slice.lower is None and seq.slice.step is None and \
                        isinstance(seq.slice.upper, ast.Name):
                    # the trips a loop left by break made: range_1[:trips_1]
                    count = f"min({seq.slice.upper.id}, len({seq.value.id}))"
                    seq = seq.value
                if not isinstance(seq, ast.Name) or n.end_lineno is None:
                    raise _refusal("a loop over reversed() of something else than a range",
                                   n, lines, user_file)
                r = seq.id
                count = count or f"len({r})"
                counted = (f"range({r}.start + ({count} - 1) * {r}.step, {r}.start - {r}.step, "
                           f"-{r}.step)")
                line = lines[n.lineno - 1]
                old = ast.get_source_segment("\n".join(lines), n.iter)
                if old is None or old not in line:
                    raise _refusal("a loop header over several lines", n, lines, user_file)
                edits[n.lineno] = line.replace(old, counted, 1)
            elif isinstance(n, ast.Delete):
                replace(n, "pass  # " + ast.unparse(n) + " (Numba frees it)")
            elif isinstance(n, ast.Name) and n.id in tapes and not _tape_use_ok(n, body):
                raise _refusal(f"the tape {n.id} is used other than by append and pop", n,
                               lines, user_file)
    for lineno, n in tape_inits.items():
        indent = re.match(r"\s*", lines[lineno - 1]).group(0)
        edits[lineno] = "\n".join(f"{indent}tape_{v} = []" for v in saved) or None
    start = body[0].lineno
    while start > 1 and lines[start - 2].strip().startswith("#"):
        start -= 1
    out = []
    for number in range(start, body[-1].end_lineno + 1):
        text = edits.get(number, lines[number - 1])
        if text is None:
            continue
        out.append(_method_reductions(text))
    return "\n".join(out)


def _is_method(node, owners, method):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        node.func.attr == method and isinstance(node.func.value, ast.Name) and \
        node.func.value.id in owners


def _tape_check(node, tapes):
    return isinstance(node.test, ast.UnaryOp) and isinstance(node.test.operand, ast.Name) and \
        node.test.operand.id in tapes


def _tape_use_ok(name, body):
    # every use of a tape's name is matched by the cases above (append, pop, the check,
    # the initial empty list); a read of it elsewhere is found there as an unmatched name
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                    n.func.value is name and n.func.attr in ("append", "pop"):
                return True
            if isinstance(n, ast.Assign) and name in n.targets:
                return True
            if isinstance(n, ast.Assert) and getattr(n.test, "operand", None) is name:
                return True
    return False


_METHOD = re.compile(r"\b([A-Za-z_][A-Za-z_0-9]*)\.(" + "|".join(_REDUCING_METHODS) + r")\(\)")


def _method_reductions(line):
    """`b.sum()` as `numpy.sum(b)`: one spelling for a number and an array (a 0-d array of
    the NumPy path is a number in the kernel, and numbers have no .sum())."""
    if line.lstrip().startswith("#"):
        return line
    return _METHOD.sub(lambda m: f"numpy.{m.group(2)}({m.group(1)})", line)


def _refusal(reason, node, lines, user_file):
    """A NumbaUnsupported located at the user's line the emitted `node` comes from
    (`user_file` is the pair (file, line of the def))."""
    lineno = getattr(node, "lineno", None)
    return NumbaUnsupported(f"the Numba path cannot compile this derivative: {reason}",
                            hint=NUMBA_HINT, **_user_place(lines, lineno, *user_file))


def _user_place(lines, lineno, user_file, def_line=None):
    """filename/lineno/line of the user's line an emitted line comes from: the nearest
    `# line N: ...` comment above it."""
    if user_file is None:
        return {}
    number = None
    for k in range(min(lineno or 0, len(lines)) - 1, -1, -1):
        m = re.match(r"\s*# line (\d+):", lines[k])
        if m:
            number = int(m.group(1))
            break
    else:  # a line of the primal part (no comments there): the user's def
        number = def_line
    if number is None:
        return {}
    line = linecache.getline(user_file, number).strip() or None
    return {"filename": user_file, "lineno": number, "line": line}



# --- compiling ----------------------------------------------------------------------------
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


def _runtime_stamp():
    from . import runtime_numba
    with open(runtime_numba.__file__, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


_STAMP = []
_FORMAT = "kernel modules 1"  # changes when what a cached kernel depends on changes


def kernel_file(split_):
    """The file the kernel is compiled from (its name a hash of its text, of the Numba
    runtime and of Numba's version, so Numba's on-disk cache beside it stays valid), or a
    name in linecache only when no cache directory can be written."""
    import numba
    if not _STAMP:
        _STAMP.append(_runtime_stamp())
    digest = hashlib.sha1((split_.kernel_text + _STAMP[0] + numba.__version__ + _FORMAT)
                          .encode()).hexdigest()[:20]
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


def compile_kernel(split_, user_file, def_line=None):
    """The kernel as a Numba dispatcher, behind a call that turns Numba's typing errors
    into NumbaUnsupported at the user's line."""
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
        namespace.update({"numpy": runtime_numba.NUMPY, "__file__": filename})
        exec(compile(split_.kernel_text, filename, "exec"), namespace)
        sys.modules[module_name] = module
    namespace = module.__dict__
    dispatcher = numba.njit(cache=cache)(namespace[split_.kernel_name])
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
        detail = _first_reason(message) or summary or \
            f"{type(exc).__name__} inside Numba's compiler (a call it can not type)"
        return NumbaUnsupported(f"Numba cannot compile this derivative: {detail}",
                                hint=NUMBA_HINT,
                                **_user_place(self.lines, lineno, self.user_file,
                                              self.def_line))


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
    kernel = compile_kernel(split_, user_file, def_line)
    bindings = dict(emitted.bindings)
    # the dispatcher itself (no call in between): Numba's errors at the first call of a
    # type are turned into a located refusal by api.Derivative, through _srcdiff_kernel
    bindings[split_.kernel_name] = kernel.dispatcher
    bindings["scalar_in"] = scalar_in
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
