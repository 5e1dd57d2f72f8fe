"""How much an emitted derivative grows: lines of the emitted adjoint and tangent per
primal line, for the golden functions (tests/golden/) and the function each example in
examples/ differentiates.

    python scripts/emitted_size.py [--markdown]

A line is a line of code: blank lines, comments (srcdiff's `# line N:` markers
included) and docstrings are not counted, in the primal nor in the derivative. The
derivative is what the codegen command writes (`python -m srcdiff FILE.py:FUNC`),
helper functions it emits included; the runtime helpers copied into a standalone
module are not counted.
"""
import argparse
import ast
import io
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import tokenize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")

# (label, file in examples/, function, wrt)
TARGETS = [
    ("golden: mlp_loss", "models.py", "mlp_loss", "w1,b1,w2,b2"),
    ("golden: rnn_loss", "models.py", "rnn_loss", "wx,wh"),
    ("golden: decayed_sum", "models.py", "decayed_sum", "x"),
    ("attention", "attention.py", "attention_loss", "wq,wk,wv"),
    ("autograd_tour", "autograd_tour.py", "f", "a"),
    ("custom_rule", "custom_rule.py", "loss", "scores"),
    ("dask_loss", "dask_loss.py", "least_squares", "w"),
    ("heat_equation", "heat_equation.py", "heat_loss", "u0,alpha"),
    ("kalman_filter", "kalman_filter.py", "kalman_loglik", "params"),
    ("lotka_volterra", "lotka_volterra.py", "final_population", "theta"),
    ("lstm", "lstm.py", "loss", "params_list"),
    ("plot_sin_derivative", "plot_sin_derivative.py", "f", "x"),
    ("spring_mass", "spring_mass.py", "final_energy", "params"),
    ("tanh_derivatives", "tanh_derivatives.py", "f", "x"),
]


def code_lines(text):
    """The number of lines holding code: not blank, not only a comment, not a docstring."""
    tree = ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING)
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in skip:
            lines.update(r for r in range(tok.start[0], tok.end[0] + 1) if r not in docstrings)
    return len(lines)


def _derivative_text(path, func, wrt, mode):
    """(the emitted functions' text, their names) as the codegen command writes them,
    from the derivative's own def on (the runtime helpers copied before it left out);
    None where the command refuses."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "derivative.py")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
        done = subprocess.run([sys.executable, "-m", "srcdiff", f"{path}:{func}", "--wrt", wrt,
                               "--mode", mode, "-o", out], cwd=EXAMPLES, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            return None
        with open(out) as fh:
            text = fh.read()
    lines = text.splitlines()
    own = ("grad_" if mode == "reverse" else "jvp_") + func
    defs = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)]
    first = next(i for i, n in enumerate(defs) if n.name == own)
    start = min([defs[first].lineno] + [d.lineno for d in defs[first].decorator_list])
    return "\n".join(lines[start - 1:]) + "\n", [n.name for n in defs[first:]]


def _primal_text(path, func, emitted_names):
    """The differentiated function and the functions of its file the derivative has
    variants of (`forward_f`, `backward_f`, `jvp_f_1`, ...)."""
    with open(os.path.join(EXAMPLES, path)) as fh:
        text = fh.read()
    parts = []
    for n in ast.parse(text).body:
        if isinstance(n, ast.FunctionDef) and (n.name == func or any(
                re.fullmatch(rf"(grad|jvp|forward|backward)_{n.name}(_\d+)?", e)
                for e in emitted_names)):
            parts.append(textwrap.dedent(ast.get_source_segment(text, n)))
    return "\n\n".join(parts) + "\n"


def measure():
    rows = []
    for label, fname, func, wrt in TARGETS:
        row = [label, 0]
        names = []
        for mode in ("reverse", "forward"):
            got = _derivative_text(fname, func, wrt, mode)
            row.append(None if got is None else code_lines(got[0]))
            names += got[1] if got else []
        row[1] = code_lines(_primal_text(fname, func, names))
        rows.append(row)
    return rows


def _ratio(n, primal):
    return "-" if n is None else f"{n} ({n / primal:.1f}x)"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = p.parse_args(argv)
    rows = measure()
    total = [0, 0, 0]
    if args.markdown:
        print("| function | primal lines | adjoint lines (per primal line) "
              "| tangent lines (per primal line) |")
        print("| --- | ---: | ---: | ---: |")
    else:
        print(f"{'function':32} {'primal':>7} {'adjoint':>16} {'tangent':>16}")
    for label, primal, rev, fwd in rows:
        if args.markdown:
            print(f"| {label} | {primal} | {_ratio(rev, primal)} | {_ratio(fwd, primal)} |")
        else:
            print(f"{label:32} {primal:7d} {_ratio(rev, primal):>16} {_ratio(fwd, primal):>16}")
        if rev is not None and fwd is not None:
            total = [total[0] + primal, total[1] + rev, total[2] + fwd]
    line = ("all (where both modes apply)", total[0], total[1], total[2])
    if args.markdown:
        print(f"| {line[0]} | {line[1]} | {_ratio(line[2], line[1])} | {_ratio(line[3], line[1])} |")
    else:
        print(f"{line[0]:32} {line[1]:7d} {_ratio(line[2], line[1]):>16} "
              f"{_ratio(line[3], line[1]):>16}")


if __name__ == "__main__":
    main()
