"""The probes of try blocks on the Numba path (stage 7, emit: called by numba_backend.split
and numba_compile.load). Takes the emitted derivative's statements and source lines; gives
back the probes lifted out of the kernel, the kernel's calls of them rewritten, or raises a
refusal naming the user's line.

A try block becomes a probe `attempt_N`, a nested def that runs the user's try block and
answers which except clause caught (try_blocks.py). Numba compiles no nested def, and
catches no exception class but Exception, so the probe stays Python: its def is taken out
of the kernel (kept above it in the kernel's source, to read), and its call runs in Python
from the compiled code::

    with objmode(caught_1='int64'):
        caught_1 = attempt_1(K)

`numba_compile.load` binds the probe to the NumPy path's globals (the user's names, read
live), so it runs the same except clauses on the same arrays. A probe whose clauses catch
arithmetic errors or everything (`except Exception`, a bare `except`) is refused: numbers
are Python floats in the kernel, and a float divided by zero raises where NumPy's float64
gives inf.
"""
import ast
import re

PROBE = re.compile(r"attempt_\d+$")
_ARITHMETIC = frozenset({"Exception", "BaseException", "ArithmeticError", "ZeroDivisionError",
                         "OverflowError", "FloatingPointError"})


class Probe:
    """One lifted probe: its name, its source (dedented) and the type of its answer."""

    def __init__(self, name, text, answer_type):
        self.name = name
        self.text = text
        self.answer_type = answer_type


def is_probe(node):
    """Whether `node` is the def of a try block's probe (try_blocks.py's shape)."""
    if not isinstance(node, ast.FunctionDef) or not PROBE.match(node.name) or \
            node.decorator_list or node.args.vararg or node.args.kwarg:
        return False
    return any(isinstance(s, ast.Try) for s in node.body)


def lift(body, lines, refuse):
    """The probes defined in `body` (a list of statements, changed in place: each def is
    replaced by a `pass` on its lines, which the kernel leaves out): {name: Probe}, and the
    line numbers the defs took. `refuse(reason, node)` makes the located refusal."""
    probes, dropped = {}, set()

    def visit(stmts):
        for k, s in enumerate(stmts):
            if is_probe(s):
                probes[s.name] = _probe(s, lines, refuse)
                dropped.update(range(s.lineno, s.end_lineno + 1))
                stmts[k] = ast.copy_location(ast.Pass(), s)
                stmts[k].end_lineno = s.end_lineno
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and not isinstance(s, ast.FunctionDef):
                    visit(inner)
            for handler in getattr(s, "handlers", ()):
                visit(handler.body)
    visit(body)
    return probes, dropped


def _probe(node, lines, refuse):
    for handler in (h for t in ast.walk(node) if isinstance(t, ast.Try) for h in t.handlers):
        caught = [n for n in ast.walk(handler.type)] if handler.type is not None else []
        names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in caught
                 if isinstance(n, (ast.Name, ast.Attribute))}
        if handler.type is None or names & _ARITHMETIC:
            what = "everything" if handler.type is None or names & {
                "Exception", "BaseException"} else "arithmetic errors"
            raise refuse(f"the try block's except clause catches {what}: the compiled kernel "
                         "holds numbers as Python floats, which raise where NumPy's float64 "
                         "gives inf or nan, so the block could take another branch", handler)
    returns = [r.value for r in ast.walk(node) if isinstance(r, ast.Return)]
    sizes = {len(v.elts) if isinstance(v, ast.Tuple) else 0 for v in returns}
    if len(sizes) != 1:
        raise refuse("a try block's probe with answers of two shapes", node)
    size = sizes.pop()
    answer_type = f"UniTuple(int64, {size})" if size else "int64"
    first = lines[node.lineno - 1]
    indent = len(first) - len(first.lstrip())
    text = "\n".join(line[indent:] for line in lines[node.lineno - 1:node.end_lineno])
    return Probe(node.name, text, answer_type)


def rewrite_calls(body, probes, lines, edits, refuse):
    """Each statement calling a probe, rewritten in `edits` (line number -> text) to call it
    in Python first (`with objmode(...)`) and read its answer."""
    text = "\n".join(lines)
    parents = {}
    for s in body:
        for n in ast.walk(s):
            for child in ast.iter_child_nodes(n):
                parents[child] = n
    for s in body:
        for call in ast.walk(s):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
                    call.func.id in probes):
                continue
            stmt = call
            while not isinstance(stmt, ast.stmt):
                stmt = parents[stmt]
            probe = probes[call.func.id]
            line = lines[stmt.lineno - 1]
            indent = line[:len(line) - len(line.lstrip())]
            segment = ast.get_source_segment(text, call)
            header_ok = isinstance(stmt, ast.If) and line.lstrip().startswith("if ") and \
                _inside(call, stmt.test)
            simple = isinstance(stmt, (ast.Assign, ast.Expr, ast.AugAssign)) and \
                stmt.end_lineno == stmt.lineno
            if not (header_ok or simple) or stmt.lineno in edits or segment is None or \
                    segment not in line:
                raise refuse("a try block's probe called where the compiled path can not "
                             "run it in Python first", stmt)
            if isinstance(stmt, ast.Assign) and stmt.value is call and \
                    len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                answer = stmt.targets[0].id
                after = []
            else:
                answer = f"{probe.name}_answer"
                after = [line.replace(segment, answer, 1)]
            edits[stmt.lineno] = "\n".join(
                [f"{indent}with objmode({answer}='{probe.answer_type}'):  # in Python: "
                 "the try block's except clauses", f"{indent}    {answer} = {segment}"] +
                after)


def _inside(node, tree):
    return any(n is node for n in ast.walk(tree))
