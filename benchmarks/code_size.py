"""Size of the emitted code: lines of each emitted derivative per line of its primal.

Over the codegen command's golden targets (tests/test_cli.py: models.py's mlp_loss,
rnn_loss, decayed_sum) and every module-level function of examples/ that srcdiff
differentiates with respect to its first parameter, in reverse mode (`grad`) and
forward mode (`jvp`). A line is a line of code: blank lines, comments and the
docstring are not counted, in the primal or in the emitted function. The emitted code
is the general variant (not specialised on argument shapes), as the codegen command
writes it.

    python benchmarks/code_size.py            # totals and ratios
    python benchmarks/code_size.py --each     # one row per function and mode
"""
import ast
import glob
import importlib.util
import inspect
import io
import os
import sys
import tokenize
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "examples"))

import srcdiff  # noqa: E402

GOLDEN = [("models.py", "mlp_loss", (0, 1, 2, 3)), ("models.py", "rnn_loss", (0, 1)),
          ("models.py", "decayed_sum", (0,))]


def code_lines(text):
    """Lines holding code: no blank lines, comments or docstrings."""
    tree = ast.parse(text)
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docs.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                        tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        lines.update(range(tok.start[0], tok.end[0] + 1))
    return len(lines - docs)


def _module(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings(), open(os.devnull, "w") as devnull:
        warnings.simplefilter("ignore")
        old = sys.stdout
        sys.stdout = devnull  # examples print as they run
        try:
            spec.loader.exec_module(mod)
        finally:
            sys.stdout = old
    return mod


def targets():
    seen = set()
    for name, fn, wrt in GOLDEN:
        mod = _module(os.path.join(ROOT, "examples", name))
        seen.add((name, fn))
        yield name, getattr(mod, fn), wrt
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.py"))):
        name = os.path.basename(path)
        try:
            mod = _module(path)
        except Exception:
            continue
        for fn_name, fn in sorted(vars(mod).items()):
            if (name, fn_name) in seen or not inspect.isfunction(fn) \
                    or fn.__module__ != mod.__name__ or not inspect.signature(fn).parameters:
                continue
            yield name, fn, (0,)


def measure():
    rows = []
    for name, fn, wrt in targets():
        primal = code_lines(inspect.getsource(fn))
        for mode, make in (("grad", srcdiff.grad), ("jvp", srcdiff.jvp)):
            try:
                text = srcdiff.source(make(fn, wrt=wrt if len(wrt) > 1 else wrt[0]))
            except Exception:
                continue  # not differentiable this way (a refusal): not counted
            rows.append((f"{name}:{fn.__name__}", mode, primal, code_lines(text)))
    return rows


def main(argv):
    rows = measure()
    if "--each" in argv:
        for where, mode, primal, emitted in rows:
            print(f"{where:<40} {mode:<5} {primal:>4} {emitted:>5} {emitted / primal:6.2f}")
    for mode in ("grad", "jvp"):
        picked = [r for r in rows if r[1] == mode]
        p, e = sum(r[2] for r in picked), sum(r[3] for r in picked)
        print(f"{mode}: {len(picked)} functions, {p} primal lines, {e} emitted lines, "
              f"{e / p:.2f} emitted lines per primal line")


if __name__ == "__main__":
    main(sys.argv[1:])
