"""The codegen command's input boundary: the user's file, names and output path, checked (API,
the codegen command: called by cli.py). Takes what the command line names (files, functions,
--name, --backend, -o); gives back the loaded module, checked names and paths, or raises a
one-line `CodegenError`.

Everything the command pastes into the module it writes (file names, --name, --backend) is
checked here first, and every refusal is a `CodegenError`: one line, exit status 2.

* File names: the module names its inputs by their base names (`models.py`, whatever path was
  typed, so the bytes do not depend on the working directory and leak no directories, in the
  header and in the 'FILE:LINE' strings its runtime checks carry); a base name with a
  newline, a quote or a backslash is refused (it would be pasted into comments, docstrings and
  strings). A file whose names the derivative imports must be importable by its base name
  (`my-model.py` is not), and must not be called like a module the derivative itself imports
  (`numpy.py`).
* Loading: the user's folder is on `sys.path` only while the user's module runs (so it can
  import its siblings), after srcdiff has imported everything it needs (a sibling
  `pkgutil.py` is never srcdiff's pkgutil); the module is registered in `sys.modules` only
  under a name no other module has (`math.py`, `inspect.py` and `numpy.py` are loaded
  without shadowing the real ones); an exception or `sys.exit()` while it runs is a located
  error.
* Names: --name and --backend are Python names; the emitted functions' names clash with no
  other name the module defines or reads (two targets both called `loss`, --name numpy,
  --name check_differentiable); a function emitted twice (a helper two targets call) is
  written once, and two different functions of one name are refused.
* Output: -o is not an input file; a missing folder, a folder, an unwritable or full device
  are one-line errors.
"""
import contextlib
import importlib
import importlib.util
import keyword
import os
import sys
import traceback

from . import syntax as S


class CodegenError(Exception):
    """A one-line error the command prints before exiting with status 2."""


# --- file names --------------------------------------------------------------------------

def shown_name(path):
    """How the generated module names a file: its base name."""
    return os.path.basename(path)


def check_file_name(path):
    """Refuse a file name that can not be pasted into the generated module as it is."""
    base = shown_name(path)
    if not base.isprintable() or any(c in base for c in "\"'\\"):
        raise CodegenError(f"{path!r}: a file name with a newline, a quote or a backslash can "
                           "not be named in the generated module; rename the file")


def module_name(path):
    return os.path.splitext(shown_name(path))[0]


def check_importable(path, names, taken):
    """The generated module imports `names` from the file at `path` by its base name."""
    name = module_name(path)
    listed = ", ".join(sorted(names))
    if not name.isidentifier() or keyword.iskeyword(name) or not path.endswith(".py"):
        fix = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
        if not fix.isidentifier() or keyword.iskeyword(fix):
            fix = f"m_{fix}"
        raise CodegenError(f"{shown_name(path)}: the derivative imports {listed} from this "
                           f"file, but {name!r} is not a module name Python can import; "
                           f"rename it (e.g. {fix}.py)")
    if name in taken:
        raise CodegenError(f"{shown_name(path)}: the derivative imports {listed} from this "
                           f"file, but the generated module imports the module {name} "
                           f"itself; rename the file")
    real = os.path.realpath(path)
    other = sys.modules.get(name)
    if name in getattr(sys, "stdlib_module_names", ()) or name in sys.builtin_module_names \
            or (other is not None and os.path.realpath(
                getattr(other, "__file__", None) or "") != real):
        raise CodegenError(f"{shown_name(path)}: the derivative imports {listed} from this "
                           f"file, but `from {name} import ...` would import the module "
                           f"{name} Python already has; rename the file")


def check_same_base_names(paths):
    seen = {}
    for path in paths:
        real = os.path.realpath(path)
        other = seen.setdefault(shown_name(path), real)
        if other != real:
            raise CodegenError(f"two input files are named {shown_name(path)} ({path} and "
                               f"another); the generated module names its inputs by their "
                               f"base names: rename one, or generate one module per file")


@contextlib.contextmanager
def shown_paths():
    """While emitting: the 'FILE:LINE' strings of runtime checks name files by base name."""
    from . import errors
    previous = errors.SHOWN_PATH
    errors.SHOWN_PATH = lambda filename: shown_name(filename) if (
        os.path.isabs(filename) or os.path.exists(filename)) else filename
    try:
        yield
    finally:
        errors.SHOWN_PATH = previous


# --- loading -----------------------------------------------------------------------------

_LOADED = {}  # real path -> module
# what srcdiff imports while it works, imported before the user's folder is on sys.path
_OWN_MODULES = ("srcdiff.transform", "srcdiff.forward", "srcdiff.forward_driver", "srcdiff.emit",
                "srcdiff.loader", "textwrap", "pkgutil", "inspect", "linecache", "tokenize", "keyword",
                "importlib.util", "types", "builtins", "numpy")


def _prepare():
    from . import rules
    for name in _OWN_MODULES:
        importlib.import_module(name)
    rules.load_templates()


def _registrable(name, real):
    """May the user's module be put in sys.modules as `name`: no other module is called so."""
    if not name.isidentifier() or name in sys.modules or \
            name in getattr(sys, "stdlib_module_names", ()):
        return False
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return found is None or (found.origin is not None
                             and os.path.realpath(found.origin) == real)


def load_module(path):
    """Run the user's file as a module (once per file) and return it."""
    check_file_name(path)
    if not os.path.exists(path):
        raise CodegenError(f"{path}: no such file")
    if os.path.isdir(path):
        raise CodegenError(f"{path}: is a folder, not a Python file")
    real = os.path.realpath(path)
    if real in _LOADED:
        return _LOADED[real]
    _prepare()
    name = module_name(path)
    spec = importlib.util.spec_from_file_location(name, real)
    if spec is None:
        raise CodegenError(f"{path}: not a Python file (name it FILE.py)")
    module = importlib.util.module_from_spec(spec)
    registered = _registrable(name, real)
    if registered:
        sys.modules[name] = module
    saved = list(sys.path)
    sys.path.insert(0, os.path.dirname(real))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        if registered:
            sys.modules.pop(name, None)
        where = path if exc.filename is None or os.path.realpath(exc.filename) == real \
            else exc.filename
        raise CodegenError(f"{where}:{exc.lineno}: syntax error: {exc.msg}") from exc
    except (Exception, SystemExit) as exc:
        if registered:
            sys.modules.pop(name, None)
        line = _line_in(exc, real)
        where = f"{path}:{line}" if line else path
        if isinstance(exc, SystemExit):
            what = f"called sys.exit({exc.code!r})"
        else:
            what = f"raised {type(exc).__name__}: {exc}"
        raise CodegenError(f"{where}: running the file (to find the function) {what}; "
                           "the command runs FILE.py as a module: keep what should not run "
                           "then under if __name__ == '__main__':") from exc
    finally:
        sys.path[:] = saved
    _LOADED[real] = module
    return module


def _line_in(exc, real):
    """The line of the user's file the exception passed through last."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and os.path.realpath(frame.filename) == real:
            line = frame.lineno
    return line


# --- names -------------------------------------------------------------------------------

def check_function_name(spec, func):
    if not func.isidentifier():
        raise CodegenError(f"{spec!r}: {func!r} is not a function name (FILE.py:FUNC)")


def check_name(name):
    """--name: the emitted function's name."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CodegenError(f"--name {name!r}: not a Python identifier (letters, digits and _, "
                           "not starting with a digit, not a keyword)")


def check_backend(backend):
    """--backend: a module name pasted into `import BACKEND as numpy`."""
    parts = backend.split(".")
    if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        raise CodegenError(f"--backend {backend!r}: not a module name (e.g. numpy, cupy)")


def top_level(text):
    """[(name or None, source text)] of the top-level statements of emitted code."""
    lines = text.splitlines(keepends=True)
    out = []
    for node in S.parse_module(text).body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
        segment = "".join(lines[first - 1:node.end_lineno])
        name = node.name if isinstance(node, (S.FunctionDef, S.ClassDef)) else None
        out.append((name, segment))
    return out


def defined_and_read(text):
    """Names the module's top level binds ({name: count}), and the global names its
    functions and classes read."""
    bound, read = {}, set()
    tree = S.parse_module(text)
    for node in tree.body:
        if isinstance(node, (S.FunctionDef, S.ClassDef)):
            bound[node.name] = bound.get(node.name, 0) + 1
            stores = {n.id for n in S.walk(node)
                      if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Param))}
            stores |= {n.name for n in S.walk(node)
                       if isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not node}
            read |= {n.id for n in S.walk(node) if isinstance(n, S.Name)
                     and isinstance(n.ctx, S.Load) and n.id not in stores}
        elif isinstance(node, (S.Import, S.ImportFrom)):
            for alias in node.names:
                key = alias.asname or alias.name.split(".")[0]
                bound[key] = bound.get(key, 0) + 1
        else:
            for n in S.walk(node):
                if isinstance(n, S.Name):
                    (read.add(n.id) if isinstance(n.ctx, S.Load) else
                     bound.__setitem__(n.id, bound.get(n.id, 0) + 1))
    return bound, read


# --- output ------------------------------------------------------------------------------

def check_output(output, paths):
    if output is None:
        return
    if os.path.exists(output):
        for path in paths:
            if os.path.exists(path) and os.path.samefile(output, path):
                raise CodegenError(f"-o {output}: is the input file {path}; it would be "
                                   "overwritten (write the derivative to another file)")


def write_output(output, text):
    folder = os.path.dirname(output) or "."
    if not os.path.isdir(folder):
        raise CodegenError(f"-o {output}: no folder {folder} to write into")
    if os.path.isdir(output):
        raise CodegenError(f"-o {output}: is a folder; give a file name")
    try:
        with open(output, "w") as fh:
            fh.write(text)
    except OSError as exc:
        raise CodegenError(f"-o {output}: can not write it: "
                           f"{exc.strerror or type(exc).__name__}") from exc


def read_output(output):
    """The current text of OUTPUT for --check, or None when there is no such file."""
    if os.path.isdir(output):
        raise CodegenError(f"-o {output}: is a folder; give a file name")
    try:
        with open(output) as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodegenError(f"-o {output}: can not read it: "
                           f"{getattr(exc, 'strerror', None) or exc}") from exc
