"""The Numba path: a pass over emitted code that makes it compile with `numba.njit` (stage 7,
emit: called by numba_compile.py and numba_codegen.py). Takes the emitted source of a
derivative (and the user's file and globals); gives back a `Split`: the kernel's source, the
wrapper's source and the globals the kernel reads, or raises a NumbaUnsupported naming the
user's line.

`srcdiff.grad(f, jit=True)` (also value_and_grad, vjp and jvp; `backend="numba"` is the
same) emits the derivative as usual, then this pass splits it in two readable functions:

- the *kernel*: the emitted statements, rewritten where Numba needs one type per variable
  and typed containers: one tape per saved variable (`tape_x.append(x)`, `x =
  tape_x.pop()`) and one per array and index of an item write (`tape_y_items.append(
  saved_item(y, t))`, `y[t] = tape_y_items.pop()`: numbers, or rows) instead of one list
  of everything, a counted reverse range instead of `reversed(range_1)`, the value
  itself saved where the NumPy path saves only a shape,
  `v.sum()` as `numpy.sum(v)` (which also takes a number here), and the runtime helpers of
  runtime_numba.py, which Numba dispatches by type. It takes the arguments (0-d arrays
  as numbers) and the user's module-level values it reads, so a global the user rebinds
  is seen, as on the NumPy path; `numba.njit(cache=True)` compiles it, cached on disk.
- the *wrapper*: the emitted checks of the arguments, the call of the kernel, and the
  emitted return, whose `finalize` turns numbers back into 0-d arrays, shaped like the
  inputs. An argument the kernel takes is checked where it is passed,
  `differentiable_in(x, 'x')` (check_differentiable, then the number of a 0-d array): a
  compiled derivative of a microsecond feels each call of the wrapper.

What the pass cannot rewrite, and what Numba cannot type, is refused with a
`NumbaUnsupported` naming the user's file:line; `jit="auto"` then runs the NumPy path and
warns (api.py). Compiling the kernel, its disk cache and the API's choices: numba_compile.py.
"""
import ast
import builtins
import copy
import linecache
import re
import types

from . import numba_probes, numba_tapes
from .numba_items import (_comment_line, _is_method, _item_key, _item_tapes,
                          _restore_key, _restore_places)
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
                 bound, probes=()):
        self.kernel_name = kernel_name
        self.kernel_text = kernel_text
        self.wrapper_text = wrapper_text
        self.kernel_params = kernel_params
        self.global_names = global_names  # user values the kernel takes as arguments
        self.bound = bound  # modules and functions it calls, by name
        self.probes = list(probes)  # try blocks' probes, run in Python (numba_probes)

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
    probes, dropped = numba_probes.lift(
        body, lines, lambda reason, node: _probe_refusal(reason, node, lines, user_file))
    for node in body:
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Return, ast.Yield, ast.Try, ast.With, ast.Lambda,
                                  ast.FunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal)):
                raise _refusal(f"the derivative has a {type(inner).__name__.lower()} "
                               "statement inside", inner, lines, user_file)
    prelude_names = [t.id for s in prelude if isinstance(s, ast.Assign) for t in s.targets]
    core_text = _rewrite(body, lines, user_file, probes, dropped)
    stored, loaded = _names(body)
    ret_loaded = {n.id for n in ast.walk(ret.value) if isinstance(n, ast.Name)}
    outside = params + prelude_names
    kernel_params = [n for n in outside if n in loaded or n in stored and n in ret_loaded]
    holes = sorted(n for n in ret_loaded if n in stored)
    free = sorted(n for n in loaded - stored - set(outside) - _BUILTINS - set(probes))
    global_names, bound = [], {}
    from .runtime_numba import HELPERS
    emitted_beside = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for n in free:
        value = globals_of(n) if globals_of is not None else None
        if n == "shape_of":
            continue  # only in tape pushes, which save the value itself here
        if n in emitted_beside:  # jvp_g, forward_g: the derivative of a function of yours
            use = next(x for s in body for x in ast.walk(s)
                       if isinstance(x, ast.Name) and x.id == n)
            raise _refusal(f"it calls {n}, the derivative of a function of yours, which the "
                           "Numba path does not compile", use, lines, user_file)
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
    kernel = [p.text + "\n\n" for p in probes.values()] + \
        [header, f"def {kernel_name}({signature}):", core_text]
    kernel.append(f"    return {returned}" if holes else "    return None")
    first = fn.decorator_list[0].lineno if fn.decorator_list else fn.lineno
    def_lines = lines[first - 1:(doc.end_lineno if doc else fn.body[0].lineno - 1)]
    wrapper = list(def_lines)
    fused = {}  # a kernel argument's check, made where it is passed (one call, not two)
    for s in prelude:
        checked = _checked_name(s)
        if checked in kernel_params and checked not in fused:
            fused[checked] = ast.unparse(s.value.args[1])
            continue
        wrapper.extend(lines[s.lineno - 1:s.end_lineno])
    call_args = [f"differentiable_in({n}, {fused[n]})" if n in fused else f"scalar_in({n})"
                 for n in kernel_params] + [f"scalar_in({n})" for n in global_names]
    call = f"{kernel_name}({', '.join(call_args)})"
    wrapper.append(f"    {', '.join(holes)} = {call}" if holes else f"    {call}")
    wrapper.extend(lines[ret.lineno - 1:ret.end_lineno])
    return Split(kernel_name, "\n".join(kernel) + "\n", "\n".join(wrapper) + "\n",
                 kernel_params, global_names, bound, probes.values())


def _is_prelude(stmt, params):
    """The checks of the arguments the emitted code starts with (run in the wrapper)."""
    if isinstance(stmt, ast.Expr) and _call_name(stmt.value) in (
            "check_differentiable", "check_arguments_apart", "check_tangent"):
        return True  # (a tangent's check whose copy is not kept: a check only)
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
            isinstance(stmt.targets[0], ast.Name):
        value = stmt.value
        if _call_name(value) in ("check_tangent", "check_cotangent"):
            return True
        return isinstance(value, ast.Name) and value.id in params  # x_input = x
    return False


def _checked_name(stmt):
    """`x` where `stmt` is the prelude's `check_differentiable(x, 'x')`, else None."""
    if isinstance(stmt, ast.Expr) and _call_name(stmt.value) == "check_differentiable":
        args = stmt.value.args
        if len(args) == 2 and not stmt.value.keywords and isinstance(args[0], ast.Name) and \
                isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            return args[0].id
    return None


_call_name = numba_tapes.call_name


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


def _rewrite(body, lines, user_file, probes=None, dropped=()):
    """The core statements' lines (comments kept), rewritten line by line for Numba (the
    lines of `dropped`, the probes' defs, left out)."""
    if not body:
        return "    pass"
    tapes = _tape_names(body)
    saved = []  # the tapes, in order of first push: tape_x for a variable x, and one per
    items = _item_tapes(body, tapes)  # array and index of a saved item (see _item_tapes)
    places = _restore_places(body, tapes, lines)
    edits = dict.fromkeys(dropped)  # line number -> new text of that line (None: dropped)

    def replace(node, text):
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
        if node.end_lineno != node.lineno:
            raise _refusal("a statement of several lines where Numba needs a rewrite",
                           node, lines, user_file)
        edits[node.lineno] = indent + text

    tape_inits, pushed, popped = {}, {}, {}  # tape -> [(statement, value, ...)]
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
                key = _item_key(item)
                if key is not None and key in items:  # saved_item(y, t): an item write's
                    tape = items[key]
                    if tape not in saved:
                        saved.append(tape)
                    mark = f"  # line {places[key]}" if places.get(key) else ""  # for errors
                    replace(n, f"{tape}.append({ast.unparse(item)})" + mark)
                    pushed.setdefault(tape, []).append((n, ast.unparse(item), mark))
                    continue
                if not isinstance(item, ast.Name):
                    raise _refusal("a tape entry that is not a variable", n, lines, user_file)
                if "tape_" + item.id not in saved:
                    saved.append("tape_" + item.id)
                replace(n, f"tape_{item.id}.append({item.id})")
                pushed.setdefault("tape_" + item.id, []).append((n, item.id, ""))
            elif isinstance(n, ast.Assign) and _is_method(n.value, tapes, "pop"):
                key = _restore_key(n)
                if key is not None and key in items:  # y[t] = tape.pop(): its old item back
                    replace(n, f"{ast.unparse(n.targets[0])} = {items[key]}.pop()")
                    popped.setdefault(items[key], []).append((n, ast.unparse(n.targets[0])))
                    continue
                if len(n.targets) != 1 or not isinstance(n.targets[0], ast.Name) or \
                        n.value.args:
                    raise _refusal("a tape read into something else than a variable", n,
                                   lines, user_file)
                target = n.targets[0].id
                replace(n, f"{target} = tape_{target}.pop()")
                popped.setdefault("tape_" + target, []).append((n, target))
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
                emitted = lines[n.lineno - 1].strip() if n.lineno <= len(lines) else n.id
                raise _refusal(f"the emitted line `{emitted}` reads the tape {n.id}, and the "
                               "compiled path follows a tape only where a variable is pushed "
                               "(tape.append(v)) and popped (v = tape.pop())", n, lines,
                               user_file)
    _index_lists(body, edits, replace)
    for s in body:
        for n in ast.walk(s):
            _set_orders(n, edits, replace, lines, user_file)
            _python_powers(n, edits, replace, lines, user_file)
            if _call_name(n) == "round" and len(n.args) + len(n.keywords) > 1:
                raise _refusal("round(x, ndigits) rounds otherwise in Numba (2.675 to 2.68; "
                               "Python's is 2.67)", n, lines, user_file)
    if probes:
        numba_probes.rewrite_calls(
            body, probes, lines, edits,
            lambda reason, node: _refusal(reason, node, lines, user_file))
    arrays = numba_tapes.preallocate(body, pushed, popped, lines, edits)
    for lineno, n in tape_inits.items():
        indent = re.match(r"\s*", lines[lineno - 1]).group(0)
        edits[lineno] = "\n".join(f"{indent}{t} = []" for t in saved if t not in arrays) or None
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


_INDEX_TAKERS = ("saved_item", "take_and_zero", "scatter_add")


def _index_lists(body, edits, replace):
    """`list_1 = [0, 2]`, a list literal of integers read only as an index (`x[list_1]`, and
    the index of saved_item, take_and_zero, scatter_add), made the array of those positions
    (`numpy.array([0, 2])`: Numba indexes by an array, not a list; NumPy indexes by
    both alike)."""
    made, uses = {}, {}
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and \
                    isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.List) and \
                    n.value.elts and all(isinstance(e, ast.Constant) and type(e.value) is int
                                         for e in n.value.elts):
                made.setdefault(n.targets[0].id, []).append(n)
    for s in body:
        for n in ast.walk(s):
            indexed = []
            if isinstance(n, ast.Subscript):
                indexed.append(n.slice)
            elif isinstance(n, ast.Call) and _call_name(n) in _INDEX_TAKERS:
                at = 2 if _call_name(n) == "scatter_add" else 1  # (saved_item(y, index))
                if len(n.args) > at:
                    indexed.append(n.args[at])
            for x in indexed:
                if isinstance(x, ast.Name):
                    uses[id(x)] = True
    for s in body:
        for n in ast.walk(s):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in made \
                    and id(n) not in uses:
                made.pop(n.id)
    for name, assigns in made.items():
        if len(assigns) == 1 and assigns[0].lineno not in edits:
            n = assigns[0]
            replace(n, f"{name} = numpy.array({ast.unparse(n.value)})")


def _number_set(node):
    """The tuple Python makes of `tuple({...})` of a set literal of numbers (the order
    CPython iterates it in, the NumPy path's at run time: numbers hash the same in every
    process), or None."""
    if _call_name(node) != "tuple" or len(node.args) != 1 or node.keywords or \
            not isinstance(node.args[0], ast.Set):
        return None
    try:
        items = ast.literal_eval(node.args[0])
    except ValueError:
        return None
    if not all(type(v) in (int, float, bool) for v in items):
        return None
    return tuple(items)


class _SetOrders(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        items = _number_set(node)
        return node if items is None else ast.Tuple(
            [ast.Constant(v) for v in items], ast.Load())


def _set_orders(n, edits, replace, lines, user_file):
    """A statement iterating a set literal of numbers (`tuple({0, 2})`) with the tuple in
    CPython's order written out (Numba has no tuple of a set, and its set may iterate in
    another order)."""
    if isinstance(n, (ast.Assign, ast.Expr)) and \
            any(_number_set(x) is not None for x in ast.walk(n)):
        if n.lineno in edits:
            raise _refusal("a set literal on a line Numba needs rewritten otherwise", n,
                           lines, user_file)
        replace(n, ast.unparse(_SetOrders().visit(copy.deepcopy(n))))


def _unsure_power(node):
    """`a ** b` whose exponent is not a constant >= 0: of two integers, Python's is a float
    where b < 0, Numba's an integer (2 ** -1 is 0)."""
    if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Pow):
        return False
    b = node.right
    return not (isinstance(b, ast.Constant) and isinstance(b.value, (int, float)) and
                b.value >= 0)


class _PythonPowers(ast.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        if _unsure_power(node):
            return ast.Call(ast.Name("python_power", ast.Load()), [node.left, node.right], [])
        return node


def _python_powers(n, edits, replace, lines, user_file):
    """A statement computing a power with _unsure_power rewritten to `python_power(a, b)`
    (runtime_numba: Python's number for two integers); refused in a loop's or branch's
    header."""
    if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)):
        if isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Pow):
            n = ast.copy_location(ast.Assign([ast.Name(n.target.id, ast.Store())],
                                             ast.BinOp(ast.Name(n.target.id, ast.Load()),
                                                       ast.Pow(), n.value)), n) \
                if isinstance(n.target, ast.Name) else n
        if any(_unsure_power(x) for x in ast.walk(n)):
            if n.lineno in edits:
                raise _refusal("a power on a line Numba needs rewritten otherwise", n, lines,
                               user_file)
            replace(n, ast.unparse(_PythonPowers().visit(copy.deepcopy(n))))
    elif isinstance(n, (ast.If, ast.While, ast.For)):
        head = n.iter if isinstance(n, ast.For) else n.test
        if any(_unsure_power(x) for x in ast.walk(head)):
            raise _refusal("a power in a loop's or branch's header (Numba's power of two "
                           "integers is an integer)", n, lines, user_file)


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


_METHOD = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z_0-9]*)\.(" + "|".join(_REDUCING_METHODS) +
                     r")\((\)|axis=)")


def _method_reductions(line):
    """`b.sum()` as `numpy.sum(b)`: one spelling for a number and an array (a 0-d array of
    the NumPy path is a number in the kernel, and numbers have no .sum()); `A.mean(axis=0)`
    as `numpy.mean(A, axis=0)` (Numba's methods take no axis; runtime_numba's functions
    do)."""
    if line.lstrip().startswith("#"):
        return line
    return _METHOD.sub(lambda m: f"numpy.{m.group(2)}({m.group(1)}" +
                       (")" if m.group(3) == ")" else ", axis="), line)


def _refusal(reason, node, lines, user_file):
    """A NumbaUnsupported located at the user's line the emitted `node` comes from
    (`user_file` is the pair (file, line of the def))."""
    lineno = getattr(node, "lineno", None)
    return NumbaUnsupported(f"the Numba path cannot compile this derivative: {reason}",
                            hint=NUMBA_HINT, **_user_place(lines, lineno, *user_file))


def _probe_refusal(reason, node, lines, user_file):
    """_refusal for a node of a try block's probe (which has no `# line N` comment): the
    user's line of its except clause, found in the user's function below its def."""
    filename, def_line = user_file
    if isinstance(node, ast.ExceptHandler) and filename and def_line:
        want = lines[node.lineno - 1].strip()
        for number in range(def_line, def_line + 10000):
            line = linecache.getline(filename, number)
            if not line:
                break
            if line.strip() == want:
                return NumbaUnsupported(
                    f"the Numba path cannot compile this derivative: {reason}",
                    hint=NUMBA_HINT, filename=filename, lineno=number, line=want)
    return _refusal(reason, node, lines, user_file)


def _user_place(lines, lineno, user_file, def_line=None):
    """filename/lineno/line of the user's line an emitted line comes from: the nearest
    `# line N: ...` comment above it."""
    if user_file is None:
        return {}
    own = re.search(r"  # line (\d+)$", lines[lineno - 1]) if lineno and \
        lineno <= len(lines) else None  # an item's save: the line of its write
    number = int(own.group(1)) if own else _comment_line(lines, lineno or 0)
    if number is None:  # a line of the primal part (no comments there): the user's def
        number = def_line
    if number is None:
        return {}
    line = linecache.getline(user_file, number).strip() or None
    return {"filename": user_file, "lineno": number, "line": line}
