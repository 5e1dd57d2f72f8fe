"""The offline codegen command: write the derivatives of functions in a file as a standalone
module (API, the codegen command: called by `srcdiff` and `python -m srcdiff`). Takes the
command line (`main`) or the parsed targets (`generate`); gives back the module's text,
written to -o or printed, and an exit status.

    srcdiff FILE.py:FUNC [FILE.py:FUNC ...] [--wrt NAMES]
            [--mode reverse|forward|hvp|hessian] [--order 1|2]
            [--name NAME] [-o PATH] [--check] [--debug]

The module it writes needs NumPy and nothing of srcdiff, gast or astor: the
runtime helpers the derivative calls are copied into it. Names the derivative
reads from your module (helper functions, constants, arrays) are imported from
your module by its file name, so the generated module runs wherever your
module is importable (for instance, saved beside it).
"""
import argparse
import builtins
import inspect
import os
import sys
import traceback
import types

from .version import __version__
from . import codegen_inputs as inputs
from . import syntax as S
from .codegen_inputs import CodegenError  # noqa: F401  (the command's one-line errors)
from .boundary import debugging
from .errors import SrcdiffError


def _parser():
    p = argparse.ArgumentParser(
        prog="srcdiff",
        description="Write the derivative of Python functions as a standalone module.")
    p.add_argument("targets", nargs="*", metavar="FILE.py:FUNC",
                   help="the function(s) to differentiate")
    p.add_argument("--rules", action="store_true",
                   help="print the functions srcdiff knows (reverse, forward and second-order "
                        "rules, the non-differentiable ones and the ones not implemented yet, "
                        "beside autograd and JAX), then exit")
    p.add_argument("--coverage", action="store_true",
                   help="write the coverage table (docs/coverage.md) to OUTPUT or standard "
                        "output, then exit; with --check, exit 1 if OUTPUT is not current")
    p.add_argument("--wrt", default=None,
                   help="comma-separated parameter names to differentiate with respect to "
                        "(default: the first parameter)")
    p.add_argument("--mode", choices=("reverse", "forward", "hvp", "hessian"),
                   default="reverse",
                   help="reverse: a gradient function (default); forward: a JVP function; "
                        "hvp: a Hessian-vector product FUNC(args..., vector); hessian: the "
                        "Hessian (both second derivatives: forward mode over the gradient)")
    p.add_argument("--order", type=int, choices=(1, 2), default=1,
                   help="2: the second derivative (the same as --mode hessian)")
    p.add_argument("--name", default=None,
                   help="name of the emitted function (default: grad_FUNC in reverse mode, "
                        "jvp_FUNC in forward mode); only with a single target")
    p.add_argument("-o", "--output", default=None, help="output file (default: standard output)")
    p.add_argument("--checkpoint", default=None, metavar="POLICY",
                   help="checkpoint every outermost for loop: 'sqrt', a number of snapshots, "
                        "or a memory budget such as 64MB (reverse mode)")
    p.add_argument("--backend", default="numpy",
                   help="array module the emitted `numpy.` calls are bound to, e.g. cupy "
                        "(default: numpy, which also dispatches to CuPy and Dask arrays); "
                        "numba: the gradient compiled by Numba (needs srcdiff[numba])")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 if OUTPUT is not what would be generated now")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors (so does SRCDIFF_DEBUG=1)")
    p.add_argument("--version", action="version", version=f"srcdiff {__version__}")
    return p


def _target(spec):
    if ":" not in spec:
        raise CodegenError(f"{spec!r}: expected FILE.py:FUNC")
    path, func = spec.rsplit(":", 1)
    inputs.check_function_name(spec, func)
    module = inputs.load_module(path)
    fn = getattr(module, func, None)
    if fn is None:
        raise CodegenError(f"{path}: no function named {func!r}")
    if not inspect.isfunction(fn):
        raise CodegenError(f"{path}:{func}: {func!r} is not a Python function")
    if getattr(fn, "__wrapped__", None) is not None:  # functools.wraps: the wrapper runs
        raise CodegenError(f"{path}:{func}: {func!r} is a decorator's wrapper; the codegen "
                           "command differentiates undecorated functions")
    return path, func, module, fn


def generate(targets, wrt=None, mode="reverse", name=None, backend="numpy", output=None,
             checkpoint=None):
    """The text of the standalone module for `targets` (a list of 'FILE.py:FUNC')."""
    from . import transform
    from .checkpointing import parse_option
    from .runtime_checkpoint import policy_error
    checkpoint = parse_option(checkpoint)
    if checkpoint is not None and policy_error(checkpoint):
        raise CodegenError(f"--checkpoint: {policy_error(checkpoint)}")
    if checkpoint is not None and mode == "forward":
        raise CodegenError("--checkpoint applies to reverse mode, hvp and hessian (forward "
                           "mode keeps no tape)")
    if name is not None and len(targets) != 1:
        raise CodegenError("--name needs exactly one FILE:FUNC target")
    if name is not None:
        inputs.check_name(name)
    inputs.check_backend(backend)
    jit = backend == "numba"  # the derivative compiled by Numba (numba_codegen.py)
    if jit:
        if mode != "reverse":
            raise CodegenError("--backend numba makes gradients (--mode reverse)")
        if checkpoint is not None:
            raise CodegenError("--backend numba and --checkpoint cannot be used together yet "
                               "(the compiled path does not run checkpointed loops)")
        from . import numba_codegen
        backend = "numpy"
    for spec in targets:
        if ":" in spec:
            inputs.check_file_name(spec.rsplit(":", 1)[0])
    paths = [spec.rsplit(":", 1)[0] for spec in targets if ":" in spec]
    inputs.check_same_base_names(paths)
    inputs.check_output(output, paths)
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
        with inputs.shown_paths():
            if mode in ("hvp", "hessian"):
                from .compose_codegen import second_order_source
                em = second_order_source(fn, names, mode, name=name, checkpoint=checkpoint)
            elif mode == "reverse":
                em = transform.reverse_source(fn, names, "grad", name=name,
                                              checkpoint=checkpoint)
            else:
                from .forward_driver import forward_source
                em = forward_source(fn, names, name=name)
        if name is not None and em.name != name:  # srcdiff renamed it to avoid a clash
            raise CodegenError(f"{inputs.shown_name(path)}:{func}: the generated module "
                               f"already uses the name {name!r} (the derivative reads it); "
                               "choose another with --name")
        if jit:
            em = numba_codegen.emitted_for_numba(em, fn)
        emitted.append((path, func, module, em))
        sources.append(f"{inputs.shown_name(path)}:{func}")
    text = _assemble(emitted, sources, mode, backend)
    return numba_codegen.finish(text) if jit else text


def _held_elsewhere(obj, module, imports, user_imports, path):
    """How a standalone module reaches `obj`, bound for the emitted code under a name of
    srcdiff's: a module-level name of the user's module holding it (imported from there),
    or a function's own module path (`numpy.tanh`); None where neither is."""
    from .callables import canonical_path
    held = sorted(n for n, v in vars(module).items() if v is obj and not n.startswith("__"))
    if held:
        user_imports.setdefault(path, set()).add(held[0])
        return held[0]
    where = canonical_path(obj) if callable(obj) else None
    if where is not None and "." in where:
        imports.add(where.split(".")[0])
        return where
    return None


def _assemble(emitted, sources, mode, backend="numpy"):
    imports, helpers, user_imports, renamed = set(), {}, {}, set()
    for path, func, module, em in emitted:
        free = _free_names(em.function_text)
        if "srcdiff.class_defs.MADE." in em.function_text:   # (made where srcdiff compiled)
            raise CodegenError(f"{path}:{func}: the function defines a class in its body, "
                               "which srcdiff made where it compiled: a standalone module "
                               "can not import it (define the class at module level, or use "
                               "srcdiff.grad at run time)")
        for bound, obj in sorted(em.bindings.items()):
            if bound not in free:
                continue
            if isinstance(obj, types.ModuleType):
                imports.add(obj.__name__ if obj.__name__ == bound else
                            f"{obj.__name__} as {bound}")
            elif getattr(obj, "srcdiff_at_run_time", None):
                # a helper that makes derivatives with srcdiff while it runs (odeint's F's)
                raise CodegenError(f"{path}:{func}: the derivative calls {bound}, which "
                                   f"{obj.srcdiff_at_run_time} with srcdiff while it runs: a "
                                   "standalone module can not (use srcdiff.grad at run time)")
            elif getattr(obj, "__module__", "") and obj.__module__ not in sys.modules and \
                    obj.__module__.startswith("srcdiff"):
                # a derivative srcdiff made, which the function calls (compose_calls.py)
                raise CodegenError(f"{path}:{func}: the derivative calls {bound}, a derivative "
                                   "srcdiff made while it runs (srcdiff.grad(f)(...) called "
                                   "inside the function): a standalone module cannot hold it "
                                   "yet (use srcdiff.grad at run time)")
            elif getattr(obj, "__module__", "") and obj.__module__.startswith("srcdiff"):
                _collect_helper(bound, obj, helpers, imports)
            elif getattr(builtins, bound, None) is obj:
                continue
            elif getattr(builtins, getattr(obj, "__name__", ""), None) is obj:
                # a builtin srcdiff's code calls under a name of its own (`slice_1`: the
                # function has a variable `slice`)
                imports.add("builtins")
                renamed.add(f"{bound} = builtins.{obj.__name__}")
            elif (bound not in vars(module) or vars(module)[bound] is not obj) and \
                    (held := _held_elsewhere(obj, module, imports, user_imports, path)):
                # a parameter's default (`def f(x, y=C)`, `act=numpy.tanh`): the same
                # object under the module's name for it, or where it is defined
                renamed.add(f"{bound} = {held}")
            elif bound not in vars(module) or vars(module)[bound] is not obj:
                # a value a helper finds in its own closure (or in a module that can not be
                # imported by name), bound for the emitted code under a name of its own
                raise CodegenError(f"{path}:{func}: the derivative reads {bound!r}, a value a "
                                   "function it calls finds in its closure or in a module "
                                   "that can not be imported by name, which a standalone "
                                   "module can not import (make it a module-level name, or "
                                   "use srcdiff.grad at run time)")
            else:
                user_imports.setdefault(path, set()).add(bound)
        for n in sorted(free - set(em.bindings)):
            if hasattr(builtins, n) or n == em.name:
                continue
            if n in vars(module):
                user_imports.setdefault(path, set()).add(n)
            else:
                raise CodegenError(f"{path}:{func}: the derivative reads {n!r}, which is not "
                                   "a module-level name of that file (a closure variable?)")
    mode_text = {"reverse": "reverse (adjoint) mode: gradients",
                 "forward": "forward (tangent) mode: Jacobian-vector products",
                 "hvp": "forward over reverse mode: Hessian-vector products",
                 "hessian": "forward over reverse mode: Hessians"}[mode]
    lines = [f"# Code generated by srcdiff {__version__} from {', '.join(sources)}. DO NOT EDIT."]
    doc = [f'"""Derivatives generated by srcdiff {__version__}, in {mode_text}.', ""]
    for path, func, module, em in emitted:
        doc.append(f"{em.name}: derivative of {func} ({inputs.shown_name(path)}) with respect "
                   f"to {', '.join(em.wrt)}.")
    doc += ["", "Standalone: needs NumPy (and the modules imported below), not srcdiff."]
    if user_imports:
        doc += ["The names imported from your modules are bound when this module is imported:",
                "an array changed in place is seen, a name bound anew later is not."]
    doc.append('"""')
    lines += doc
    taken = {imp.split(" ")[-1].split(".")[0] for imp in imports} | {backend.split(".")[0]}
    for imp in sorted(imports, key=lambda i: (i.startswith("from "), i)):
        if imp == "numpy" and backend != "numpy":
            lines.append(f"import {backend} as numpy  # --backend {backend}: every numpy. "
                         f"call below runs on {backend}")
            continue
        lines.append(imp if imp.startswith("from ") else f"import {imp}")
    by_module = {}
    for path, names in user_imports.items():
        inputs.check_importable(path, names, taken)
        by_module.setdefault(inputs.module_name(path), set()).update(names)
    for mod, names in sorted(by_module.items()):
        lines.append(f"from {mod} import {', '.join(sorted(names))}")
    lines += sorted(renamed)
    from .subclasses import refuse_subclass_arguments
    _collect_helper("refuse_subclass_arguments", refuse_subclass_arguments, helpers, imports)
    if helpers:
        lines += ["", "", "# Runtime helpers, copied from srcdiff so this module stands alone."]
        for hname in _bases_first(helpers):
            lines += ["", "", helpers[hname].rstrip()]
    written, targets = {}, {}  # name -> (the target that emitted it, its text)
    for path, func, module, em in emitted:
        target = f"{inputs.shown_name(path)}:{func}"
        if em.name in targets:
            raise CodegenError(f"{targets[em.name]} and {target} both give a function named "
                               f"{em.name}; generate them into separate modules (with "
                               "--name)")
        targets[em.name] = target
        for fname, segment in inputs.top_level(em.function_text):
            if fname == em.name:
                segment = _with_argument_check(segment, module, func, path)
            if fname is not None and fname in written:
                first, text = written[fname]
                if text == segment:
                    continue  # a helper two targets differentiate through: written once
                raise CodegenError(f"{first} and {inputs.shown_name(path)}:{func} both give "
                                   f"a function named {fname} (different ones); generate "
                                   "them into separate modules, or rename one")
            if fname is not None:
                written[fname] = (f"{inputs.shown_name(path)}:{func}", segment)
            lines += ["", "", segment.rstrip()]
    text = "\n".join(lines) + "\n"
    _check_names(text, emitted)
    return text


def _with_argument_check(segment, module, func, path):
    """The emitted function `segment` refusing, first thing after its docstring, arguments
    that are ndarray subclasses overriding ndarray's operators (numpy.matrix: `*` would be
    a matrix product), as srcdiff.grad and the other entry points do (srcdiff/subclasses.py)."""
    node = S.parse_module(segment).body[0]
    a = node.args
    params = [p.id for p in a.posonlyargs + a.args]
    params += [p.id for p in ([a.vararg] if a.vararg else []) + a.kwonlyargs]
    params += [a.kwarg.id] if a.kwarg else []
    fn = getattr(module, func)
    try:
        lines, start = inspect.getsourcelines(fn)
        at = next((i for i, s in enumerate(lines)
                   if s.lstrip().startswith(("def ", "async def "))), 0)
        lineno, line = start + at, lines[at].strip()
    except (OSError, TypeError):
        lineno, line = fn.__code__.co_firstlineno, None
    one = "," if len(params) == 1 else ""
    values = ", ".join(params) + one
    names = ", ".join(repr(p) for p in params) + one
    check = (f"    refuse_subclass_arguments(\n"
             f"        ({values}), ({names}),\n"
             f"        {func!r}, {inputs.shown_name(path)!r}, {lineno}, {line!r})\n")
    text = segment.splitlines(keepends=True)
    after = node.body[0].end_lineno if isinstance(node.body[0], S.Expr) else node.lineno
    return "".join(text[:after] + [check] + text[after:])


def _check_names(text, emitted):
    """The emitted functions' names clash with nothing else the module defines or reads."""
    bound, read = inputs.defined_and_read(text)
    for path, func, module, em in emitted:
        if bound.get(em.name, 0) > 1 or em.name in read:
            raise CodegenError(f"{inputs.shown_name(path)}:{func}: the generated module "
                               f"already uses the name {em.name!r} for something else (an "
                               "import, a runtime helper or another derivative); choose "
                               "another with --name, or generate the targets into separate "
                               "modules")


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
        elif (inspect.isfunction(dep) or inspect.isclass(dep)) and \
                getattr(sys.modules.get(getattr(dep, "__module__", "")), n, None) is dep:
            # a name the helper's module imports from another (`from collections.abc import
            # Iterator`): imported the same way
            imports.add(f"from {dep.__module__} import {n}")


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
    if args.rules or args.coverage:
        if args.targets:
            parser.error("--rules and --coverage take no FILE.py:FUNC")
        from . import coverage
        if args.rules:
            sys.stdout.write(coverage.text())
            return 0
        return _deliver(coverage.markdown(), args)
    if not args.targets:
        parser.error("give at least one FILE.py:FUNC")
    try:
        mode = args.mode
        if args.order == 2:
            if mode not in ("reverse", "hessian"):
                parser.error("--order 2 writes the Hessian; leave --mode out (or use "
                             "--mode hvp alone)")
            mode = "hessian"
        text = generate(args.targets, args.wrt, mode, args.name, args.backend,
                        args.output, args.checkpoint)
    except (CodegenError, SrcdiffError) as exc:
        if args.debug or debugging():
            traceback.print_exc()
        print(f"srcdiff: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # an unexpected failure: still one clear line
        if args.debug or debugging():
            traceback.print_exc()
        print(f"srcdiff: error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return 2
    return _deliver(text, args)


def _deliver(text, args):
    """Write `text` to the output (or standard output), or with --check compare it."""
    try:
        if args.check:
            if args.output is None:
                print("srcdiff: error: --check needs -o/--output", file=sys.stderr)
                return 2
            if inputs.read_output(args.output) != text:
                print(f"srcdiff: {args.output} is stale; regenerate it without --check",
                      file=sys.stderr)
                return 1
            print(f"srcdiff: {args.output} is up to date")
            return 0
        if args.output is None:
            sys.stdout.write(text)
        else:
            inputs.write_output(args.output, text)
    except CodegenError as exc:
        print(f"srcdiff: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    return 0
