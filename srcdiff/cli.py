"""The offline codegen command: write the derivatives of functions in a file as a standalone module.

    srcdiff FILE.py:FUNC [FILE.py:FUNC ...] [--wrt NAMES] [--mode reverse|forward]
            [--name NAME] [-o PATH] [--check] [--debug]

The module it writes needs NumPy and nothing of srcdiff, gast or astor: the
runtime helpers the derivative calls are copied into it. Names the derivative
reads from your module (helper functions, constants, arrays) are imported from
your module by its file name, so the generated module runs wherever your
module is importable (for instance, saved beside it).
"""
import argparse
import builtins
import importlib.util
import inspect
import os
import sys
import traceback
import types

from . import __version__
from . import syntax as S
from .errors import SrcdiffError


class CodegenError(Exception):
    """A one-line error the command prints before exiting with status 2."""


def _parser():
    p = argparse.ArgumentParser(
        prog="srcdiff",
        description="Write the derivative of Python functions as a standalone module.")
    p.add_argument("targets", nargs="*", metavar="FILE.py:FUNC",
                   help="the function(s) to differentiate")
    p.add_argument("--rules", action="store_true",
                   help="print the functions with rules, the non-differentiable ones and the "
                        "ones not implemented yet, then exit")
    p.add_argument("--wrt", default=None,
                   help="comma-separated parameter names to differentiate with respect to "
                        "(default: the first parameter)")
    p.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                   help="reverse: a gradient function (default); forward: a JVP function")
    p.add_argument("--name", default=None,
                   help="name of the emitted function (default: grad_FUNC in reverse mode, "
                        "jvp_FUNC in forward mode); only with a single target")
    p.add_argument("-o", "--output", default=None, help="output file (default: standard output)")
    p.add_argument("--backend", default="numpy",
                   help="array module the emitted `numpy.` calls are bound to, e.g. cupy "
                        "(default: numpy, which also dispatches to CuPy and Dask arrays)")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 if OUTPUT is not what would be generated now")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    p.add_argument("--version", action="version", version=f"srcdiff {__version__}")
    return p


def _load_module(path):
    if not os.path.exists(path):
        raise CodegenError(f"{path}: no such file")
    directory = os.path.dirname(os.path.abspath(path))
    module_name = os.path.splitext(os.path.basename(path))[0]
    if directory not in sys.path:
        sys.path.insert(0, directory)
    if module_name in sys.modules and os.path.abspath(
            getattr(sys.modules[module_name], "__file__", "") or "") == os.path.abspath(path):
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise CodegenError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from exc
    return module


def _target(spec):
    if ":" not in spec:
        raise CodegenError(f"{spec}: expected FILE.py:FUNC")
    path, func = spec.rsplit(":", 1)
    module = _load_module(path)
    fn = getattr(module, func, None)
    if fn is None:
        raise CodegenError(f"{path}: no function named {func!r}")
    if not inspect.isfunction(fn):
        raise CodegenError(f"{path}:{func}: {func!r} is not a Python function")
    return path, func, module, inspect.unwrap(fn)


def generate(targets, wrt=None, mode="reverse", name=None, backend="numpy"):
    """The text of the standalone module for `targets` (a list of 'FILE.py:FUNC')."""
    from . import transform
    if name is not None and len(targets) != 1:
        raise CodegenError("--name needs exactly one FILE:FUNC target")
    emitted, sources = [], []
    for spec in targets:
        path, func, module, fn = _target(spec)
        params = [p for p in inspect.signature(fn).parameters]
        names = tuple(w.strip() for w in wrt.split(",")) if wrt else (params[:1] or ())
        for w in names:
            if w not in params:
                raise CodegenError(f"{path}:{func}: --wrt {w!r} is not a parameter; its "
                                   f"parameters are {', '.join(params)}")
        if not names:
            raise CodegenError(f"{path}:{func}: the function has no parameters")
        if mode == "reverse":
            em = transform.reverse_source(fn, names, "grad", name=name)
        else:
            from .forward import forward_source
            em = forward_source(fn, names, name=name)
        emitted.append((path, func, module, em))
        sources.append(f"{path}:{func}")
    return _assemble(emitted, sources, mode, backend)


def _assemble(emitted, sources, mode, backend="numpy"):
    imports, helpers, user_imports, renamed = set(), {}, {}, set()
    for path, func, module, em in emitted:
        free = _free_names(em.function_text)
        for bound, obj in sorted(em.bindings.items()):
            if bound not in free:
                continue
            if isinstance(obj, types.ModuleType):
                imports.add(obj.__name__ if obj.__name__ == bound else
                            f"{obj.__name__} as {bound}")
            elif getattr(obj, "__module__", "") and obj.__module__.startswith("srcdiff"):
                _collect_helper(bound, obj, helpers, imports)
            elif getattr(builtins, bound, None) is obj:
                continue
            elif getattr(builtins, getattr(obj, "__name__", ""), None) is obj:
                # a builtin srcdiff's code calls under a name of its own (`slice_1`: the
                # function has a variable `slice`)
                imports.add("builtins")
                renamed.add(f"{bound} = builtins.{obj.__name__}")
            elif bound not in vars(module) or vars(module)[bound] is not obj:
                # a value a helper finds in its own closure (or in a module that can not be
                # imported by name), bound for the emitted code under a name of its own
                raise CodegenError(f"{path}:{func}: the derivative reads {bound!r}, a value a "
                                   "function it calls finds in its closure or in a module "
                                   "that can not be imported by name, which a standalone "
                                   "module can not import (make it a module-level name, or "
                                   "use srcdiff.grad at run time)")
            else:
                user_imports.setdefault(module.__name__, set()).add(bound)
        for n in sorted(free - set(em.bindings)):
            if hasattr(builtins, n) or n == em.name:
                continue
            if n in vars(module):
                user_imports.setdefault(module.__name__, set()).add(n)
            else:
                raise CodegenError(f"{path}:{func}: the derivative reads {n!r}, which is not "
                                   "a module-level name of that file (a closure variable?)")
    mode_text = "reverse (adjoint) mode: gradients" if mode == "reverse" else \
        "forward (tangent) mode: Jacobian-vector products"
    lines = [f"# Code generated by srcdiff {__version__} from {', '.join(sources)}. DO NOT EDIT."]
    doc = [f'"""Derivatives generated by srcdiff {__version__}, in {mode_text}.', ""]
    for path, func, module, em in emitted:
        doc.append(f"{em.name}: derivative of {func} ({os.path.basename(path)}) with respect "
                   f"to {', '.join(em.wrt)}.")
    doc += ["", "Standalone: needs NumPy (and the modules imported below), not srcdiff.",
            '"""']
    lines += doc
    for imp in sorted(imports):
        if imp == "numpy" and backend != "numpy":
            lines.append(f"import {backend} as numpy  # --backend {backend}: every numpy. "
                         f"call below runs on {backend}")
            continue
        lines.append(f"import {imp}")
    for mod, names in sorted(user_imports.items()):
        lines.append(f"from {mod} import {', '.join(sorted(names))}")
    lines += sorted(renamed)
    if helpers:
        lines += ["", "", "# Runtime helpers, copied from srcdiff so this module stands alone."]
        for hname in _bases_first(helpers):
            lines += ["", "", helpers[hname].rstrip()]
    for path, func, module, em in emitted:
        lines += ["", "", em.function_text.rstrip()]
    return "\n".join(lines) + "\n"


def _free_names(text):
    tree = S.parse_module(text)
    loads, stores = set(), set()
    for node in S.walk(tree):
        if isinstance(node, S.Name):
            (stores if isinstance(node.ctx, (S.Store, S.Param)) else loads).add(node.id)
        elif isinstance(node, S.FunctionDef):
            stores.add(node.name)
    return loads - stores


def _bases_first(helpers):
    """The helpers' names in order, but each class after the copied classes it derives from
    (RuntimeRefusal after SrcdiffError)."""
    order, placed = [], set()

    def place(name):
        if name in placed:
            return
        placed.add(name)
        tree = S.parse_module(helpers[name]).body[0]
        for base in getattr(tree, "bases", []):
            if isinstance(base, S.Name) and base.id in helpers:
                place(base.id)
        order.append(name)
    for name in sorted(helpers):
        place(name)
    return order


def _collect_helper(name, obj, helpers, imports):
    """Copy a runtime helper's source, with the helpers and modules it uses in turn."""
    if name in helpers:
        return
    source = inspect.getsource(obj)
    helpers[name] = source
    module = sys.modules[obj.__module__]
    for n in sorted(_free_names(source)):
        dep = getattr(module, n, None)
        if (inspect.isfunction(dep) or inspect.isclass(dep)) and \
                getattr(dep, "__module__", "").startswith("srcdiff"):
            _collect_helper(n, dep, helpers, imports)
        elif isinstance(dep, types.ModuleType):
            imports.add(dep.__name__ if dep.__name__ == n else f"{dep.__name__} as {n}")


def _one_line(exc):
    if isinstance(exc, SrcdiffError) and exc.filename is not None:
        where = os.path.relpath(exc.filename) if os.path.isabs(exc.filename) else exc.filename
        if where.startswith(".."):
            where = exc.filename
        text = f"{where}:{exc.lineno}: {exc.reason}"
        if exc.line:
            text += f" [{exc.line.strip()}]"
        if exc.hint:
            text += f"; {exc.hint}"
        return text
    return " ".join(part.strip() for part in str(exc).splitlines())


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.rules:
        from .rules import describe
        for title, names in describe().items():
            print(f"{title} ({len(names)}):")
            for n in names:
                print(f"  {n}")
        return 0
    if not args.targets:
        parser.error("give at least one FILE.py:FUNC")
    try:
        text = generate(args.targets, args.wrt, args.mode, args.name, args.backend)
    except (CodegenError, SrcdiffError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"srcdiff: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # an unexpected failure: still one clear line
        if args.debug:
            traceback.print_exc()
        print(f"srcdiff: error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return 2
    if args.check:
        if args.output is None:
            print("srcdiff: error: --check needs -o/--output", file=sys.stderr)
            return 2
        try:
            with open(args.output) as fh:
                current = fh.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"srcdiff: {args.output} is stale; regenerate it without --check",
                  file=sys.stderr)
            return 1
        print(f"srcdiff: {args.output} is up to date")
        return 0
    if args.output is None:
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as fh:
            fh.write(text)
    return 0
