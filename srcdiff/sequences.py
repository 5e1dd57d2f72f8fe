"""`+` and `*` on lists and tuples: concatenation and repetition, not arithmetic (stage 3,
lower: called by lower.py, lower_exprs.py, and by reverse.py, forward.py and program.py for
the kinds of values). Takes lowered core statements with the parameters and their containers
(`rewrite`), or a call (`operator_call`, `lower_concat`); gives back the statements with
every `+` or `*` that may meet a list or tuple as a call of srcdiff.runtime.sequence_add or
sequence_mul; and the local names surely bound only to list displays (`list_names`).

Python's `a + b` joins two lists (two tuples) and `seq * n` repeats a sequence;
the same operators on arrays are arithmetic with broadcasting. The derivative
rules of operator.add and operator.mul are the arithmetic ones, so after the
lowering, every `+` or `*` that may meet a list or tuple becomes a call to
srcdiff.runtime.sequence_add or sequence_mul, whose rules
(templates/containers.py) decide when they run which of the two it is.

What an operand may be is found flow-insensitively over the lowered body:
SEQ (always a list or tuple), DICT (a dict display: its items may be anything),
OTHER (never: numbers, arrays, results of NumPy and math functions and of
arithmetic) or UNKNOWN (an item of a list or dict, a user function's or another
library's result, a method's result, a name bound to two kinds). `+` and `*` on OTHER
operands stay plain operators; a float or array operand rules concatenation
and repetition out as well.

The call forms mean the same: `operator.add(a, b)` (operator.__add__) and `operator.mul(a, b)`
are lowered as the operators (operator_call); `operator.concat(a, b)`, `list.__add__(a, b)` and
`tuple.__add__(a, b)` as `a + b` after
`check_concat(a, b)` (srcdiff.runtime_sequences), which raises the call's TypeError where a
or b is no sequence it joins (numbers, NumPy arrays).
"""
import copy
import operator

import numpy

from . import analyze, fixpoint, runtime
from . import syntax as S
from .core import GENERATED_PREFIX, Kind
from .callables import is_user_function

SEQ, DICT, OTHER, UNKNOWN = "seq", "dict", "other", "unknown"

# NumPy functions whose result is a list or tuple of arrays
_SEQUENCE_RESULTS = {
    "split", "array_split", "hsplit", "vsplit", "dsplit", "meshgrid", "broadcast_arrays",
    "atleast_1d", "atleast_2d", "atleast_3d", "unstack", "nonzero", "where", "gradient",
    "histogram", "histogram2d", "histogramdd", "unravel_index", "divmod", "frexp", "modf",
    "eig", "eigh", "svd", "qr", "slogdet", "lstsq", "ix_", "indices", "tril_indices",
    "triu_indices", "diag_indices", "sort", "sorted",
}


# srcdiff.runtime helpers the lowering calls whose result is always a list
_SEQUENCE_HELPERS = {"sequence_of", "dict_values", "dict_items", "dict_keys"}


_NUMBER_BUILTINS = (len, abs, float, int, round, pow, complex, bool)
# srcdiff's own helpers (met when emitted code is differentiated) that give arrays or numbers
_ARRAY_HELPERS = {
    "matmul_grad_left", "matmul_grad_right", "expand_reduced", "reduce_grad", "prod_others",
    "extremum_grad", "extremum_weights", "cumsum_grad", "tie_split", "dot_grad_left",
    "dot_grad_right", "cast_grad", "diagonal_grad", "imag_grad", "abs_slope",
    "abs_slope_tangent", "power_exponent", "log_base", "reshape_like", "log_of_base",
    "safe_divide", "norm_weights", "det_cofactor", "det_grad", "solve_grad_a", "solve_grad_b",
    "solve_tangent_a", "inner_grad", "take_grad", "take_along_axis_grad", "repeat_grad",
    "clip_mask",
    "reduced_count", "ones_like_value", "broadcast_back",
}


# the container helpers' names (and their derivatives'): results that may be lists or dicts,
# whose tangent terms forward mode adds item by item
CONTAINER_HELPERS = {
    name + suffix
    for name in ("sequence_add", "sequence_mul", "sequence_iadd", "sequence_extend",
                 "sequence_sum", "sequence_of", "iteration_order", "dict_from_lists",
                 "dict_values", "dict_items", "dict_keys")
    for suffix in ("", "_grad", "_tangent")}


# operator functions that are the operators themselves (operator.__add__ is operator.add):
# a call means what the operator means, concatenation and repetition included
_OPERATOR_CALLS = {operator.add: S.Add, operator.mul: S.Mult, operator.concat: S.Add,
                   list.__add__: S.Add, tuple.__add__: S.Add}
# calls that only join sequences (raising for numbers and arrays, see lower_concat)
_CONCATENATIONS = (operator.concat, list.__add__, tuple.__add__)


def operator_call(lowerer, call):
    """`operator.add(a, b)` (or operator.mul) in the user's code as the BinOp `a + b` it is,
    lowered (and rewritten here) the way the operator is; None for any other call."""
    if lowerer.src.filename.startswith(GENERATED_PREFIX) or not isinstance(call, S.Call):
        return None
    func = call.func
    if isinstance(func, S.Attribute) and lowerer._global_path(func) is None:
        return None   # a method of a local value
    if isinstance(func, S.Name) and func.id in lowerer.local_functions:
        return None
    try:
        op = _OPERATOR_CALLS.get(lowerer._callee_object(func))
    except TypeError:   # an unhashable callable
        return None
    if op is None or len(call.args) != 2 or call.keywords or any(
            isinstance(a, S.Starred) for a in call.args):
        return None
    binop = S.copy_location(S.BinOp(left=call.args[0], op=op(), right=call.args[1]), call)
    binop.concat = any(lowerer._callee_object(func) is c for c in _CONCATENATIONS)
    return binop


def lower_concat(lowerer, binop, out):
    """operator.concat(a, b): its operands as atoms, after them `check_concat(a, b)`, which
    raises where the call would (numbers, arrays); the BinOp a + b on those atoms."""
    from . import runtime_sequences
    left, right = lowerer.expr(binop.left, out), lowerer.expr(binop.right, out)
    func = runtime_sequences.check_concat
    if func.__name__ in lowerer.locals:
        raise lowerer.error(binop, f"the local name {func.__name__!r} hides srcdiff's helper",
                            hint=f"rename the local variable {func.__name__!r}")
    lowerer.bindings[func.__name__] = func
    ref = S.load(func.__name__)
    check = S.Expr(value=S.Call(func=ref, args=[left, right], keywords=[]))
    out.append(lowerer.info(check, Kind.EFFECT, func=func))
    return S.copy_location(S.BinOp(left=left, op=S.Add(), right=right), binop)


def _join(a, b):
    if a is None:
        return b
    if b is None or a == b:
        return a
    return UNKNOWN


def rewrite(body, params, containers, global_kind, helper):
    """Turn `+`/`*` statements that may concatenate or repeat into sequence_add/mul calls.

    params: the function's parameters; containers: those known to hold a list, tuple or
    dict; global_kind(atom): SEQ/OTHER/UNKNOWN of a module-level value; helper(name): the
    atom naming a runtime helper (binding it)."""
    from . import runtime
    stmts = list(analyze.flatten(body))
    local_names = set(params)
    for stmt in stmts:
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            local_names.add(stmt.targets[0].id)
        elif isinstance(stmt, S.For):
            local_names.add(stmt.target.id)

    def kind_in(kinds, atom):
        if isinstance(atom, S.Constant):
            return SEQ if isinstance(atom.value, (tuple, list)) else OTHER
        if isinstance(atom, S.Name) and isinstance(getattr(atom, "ctx", None), S.Load) \
                and atom.id in local_names:
            return kinds.get(atom.id) or UNKNOWN
        return global_kind(atom)

    def bindings(kinds):
        for stmt in stmts:
            if isinstance(stmt, S.For):
                yield stmt.target.id, OTHER
            elif isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
                yield stmt.targets[0].id, _value_kind(stmt, lambda a: kind_in(kinds, a))

    kinds = fixpoint.least({p: (SEQ if p in containers else OTHER) for p in params},
                           bindings, _join)

    def of(atom):
        return kind_in(kinds, atom)

    for stmt in stmts:
        if isinstance(stmt, S.Assign):
            # a statement the lowering wrote twice (a while loop's condition, before the loop
            # and at the end of its body) may share its facts with its twin: change a copy
            stmt.sd = copy.copy(stmt.sd)
        if isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and len(
                stmt.value.args) > 2 and getattr(stmt.sd.func, "__name__", "") == "gradient":
            from . import spacing_calls   # numpy.gradient(f, dx, dy): a spacing per axis
            if spacing_calls.rewrite(stmt, helper):
                continue
        if (isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and stmt.sd.func is sum
                and len(stmt.value.args) + len(stmt.value.keywords) == 2
                and all(k.arg == "start" for k in stmt.value.keywords)):
            start = (stmt.value.keywords[0].value if stmt.value.keywords
                     else stmt.value.args[1])
            if of(start) == OTHER:
                continue
            # sum(items, start) where start may be a list: it concatenates
            stmt.value.args = [stmt.value.args[0], start]
            stmt.value.keywords = []
            stmt.value.func = helper("sequence_sum")
            stmt.sd.func = runtime.sequence_sum
            continue
        if isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.BINOP and _may_be_sequence_op(
                stmt, of):
            value = stmt.value
            func = (runtime.sequence_mul if stmt.sd.func is operator.mul
                    else runtime.sequence_iadd if stmt.sd.augmented
                    else runtime.sequence_add)
            stmt.value = S.Call(func=helper(func.__name__), args=[value.left, value.right],
                                keywords=[])
            stmt.sd.kind = Kind.CALL
            stmt.sd.func = func
    return kinds


def _may_be_sequence_op(stmt, of):
    func = stmt.sd.func
    if func not in (operator.add, operator.mul):
        return False
    left, right = stmt.value.left, stmt.value.right
    a, b = of(left), of(right)
    if func is operator.add and stmt.sd.augmented:
        return a != OTHER   # a list += a tuple takes its items
    if func is operator.add:
        return a != OTHER and b != OTHER
    return (a != OTHER and _may_be_int(right)) or (b != OTHER and _may_be_int(left))


def _may_be_int(atom):
    if isinstance(atom, S.Constant):
        return isinstance(atom.value, int)
    return True


def _value_kind(stmt, of):
    kind = stmt.sd.kind
    value = stmt.value
    if kind == Kind.DISPLAY:
        return DICT if isinstance(value, S.Dict) else SEQ
    if kind == Kind.STOP_GRADIENT and isinstance(value, S.Call):
        return of(value.args[0])   # no_derivative(x): x's own kind
    if kind in (Kind.COPY, Kind.STOP_GRADIENT):
        return of(value)
    if kind == Kind.BINOP:
        if stmt.sd.func is operator.add:
            a, b = of(value.left), of(value.right)
            if stmt.sd.augmented and a != OTHER:
                return a
            if OTHER in (a, b):
                return OTHER
            return SEQ if a == b == SEQ else UNKNOWN
        if stmt.sd.func is operator.mul:
            if not _may_be_sequence_op(stmt, of):
                return OTHER
            a, b = of(value.left), of(value.right)
            if SEQ in (a, b) and all(isinstance(x, S.Constant) or k == SEQ
                                     for x, k in ((value.left, a), (value.right, b))):
                return SEQ
            return UNKNOWN
        return OTHER
    if kind == Kind.SUBSCRIPT:
        base = of(value.value)
        if base == OTHER:
            return OTHER
        if base == SEQ and isinstance(value.slice, S.Slice):
            return SEQ
        return UNKNOWN
    if kind == Kind.CALL:
        func = stmt.sd.func
        if getattr(func, "__name__", "") == "no_derivative" and value.args:
            return of(value.args[0])   # stop_gradient(x): x's own kind
        if stmt.sd.dynamic_method or func is None or is_user_function(func):
            return UNKNOWN
        if func in (list, tuple, sorted) or getattr(func, "__name__", "") in _SEQUENCE_HELPERS:
            return SEQ
        if getattr(func, "__name__", "") in _SEQUENCE_RESULTS or produces(stmt):
            return UNKNOWN
        module = getattr(func, "__module__", None) or ""
        if isinstance(getattr(func, "__self__", None), numpy.ufunc):
            module = "numpy"   # numpy.add.reduce, numpy.multiply.outer: arrays
        if module == "numpy" or module.startswith("numpy.") or module == "math" or \
                func in _NUMBER_BUILTINS or ((module in runtime.MODULES
                                              or module == "srcdiff.forward_runtime")
                                             and func.__name__ in _ARRAY_HELPERS):
            return OTHER   # arrays and numbers
        return UNKNOWN     # another library's function may return a list
    if kind in (Kind.POP, Kind.ATTRIBUTE):
        return UNKNOWN
    return OTHER   # unary, opaque (comparisons, not, f-strings), ranges


def produces(stmt):
    """Whether a lowered statement calls one of the container helpers (or iteration_order):
    its result may be a list or a dict."""
    func = stmt.sd.func
    return stmt.sd.kind == Kind.CALL and getattr(func, "__module__", "") in runtime.MODULES \
        and getattr(func, "__name__", "") in CONTAINER_HELPERS


def maybe_dicts(body, containers):
    """Names that may hold a dict: dict displays and comprehensions, container parameters,
    copies of them."""
    out = set(containers)
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and (isinstance(stmt.value, S.Dict) or (
                stmt.sd.kind == Kind.CALL
                and getattr(stmt.sd.func, "__name__", "") == "dict_from_lists")):
            out.add(stmt.targets[0].id)
    return fixpoint.reach(out, analyze.copies(body))


LIST_INPLACE = ("__iadd__", "__imul__")   # list's own in-place operators (extend: __iadd__)


def grown_parameters(body, params, containers):
    """`(statement, name)` for each `p += ...`, `p *= ...` or `p.extend(...)` on a list
    parameter p: the lowering rebinds p, which the caller of a helper would not see (its list
    would not grow). Other operators (`p -= ...`) have no in-place form on lists or tuples:
    on what may be one (a user function's result) they can only be an array's."""
    out, rebound, made = [], set(), {}
    for top in body:
        for stmt in analyze.flatten([top]):
            if (isinstance(stmt, S.Assign) and stmt.sd.inplace in LIST_INPLACE
                    and isinstance(stmt.targets[0], S.Name) and stmt.targets[0].id in params
                    and stmt.targets[0].id in containers
                    and stmt.targets[0].id not in rebound):
                out.append((stmt, stmt.targets[0].id))
            edited = _edited_list(stmt)   # p.pop(i), p.insert(i, v), del p[i]: list_edits.py
            if edited in params and edited in containers and edited not in rebound:
                out.append((stmt, edited))
        if isinstance(top, S.Assign) and isinstance(top.targets[0], S.Name):
            name = top.targets[0].id
            made[name] = top
            if name in params and top.sd.inplace is None and _new_value(top, made):
                rebound.add(name)   # `p = p.copy()` first: the caller's p is no longer grown
    return out


def _edited_list(stmt):
    """The list name a list edit (list_edits.py: `rest = list_without(p, i)`) rebinds, or
    None."""
    from .container_writes import _LIST_EDITS
    func = getattr(stmt.sd, "func", None) if isinstance(stmt, S.Assign) else None
    if getattr(func, "__module__", "") != "srcdiff.runtime_list_edits" or \
            func.__name__ not in _LIST_EDITS:
        return None
    held = stmt.value.args[_LIST_EDITS[func.__name__]]
    return held.id if isinstance(held, S.Name) else None


_COPIES = ("method_copy", "copy", "deepcopy", "list", "sequence_add", "sequence_mul")


def _new_value(stmt, made):
    """Whether the top-level `p = value` binds p to a value no other name holds: a copy
    (`p.copy()`, numpy.copy, copy.copy, list(p)) or arithmetic (`p * 1.0`,
    `p + [v]`), read through one temporary."""
    if stmt.sd.kind == Kind.COPY and isinstance(stmt.value, S.Name) and \
            stmt.value.id in made and made[stmt.value.id] is not stmt:
        stmt = made[stmt.value.id]
    if stmt.sd.kind == Kind.BINOP:
        return True
    return stmt.sd.kind == Kind.CALL and getattr(stmt.sd.func, "__name__", None) in _COPIES


def list_names(body):
    """Local names every assignment of which is a list or tuple display or comprehension
    (lst = [a, b]): a ufunc given one of them gets an array of it (see lower.py's Lowerer.call)."""
    kinds, others = set(), set()
    for node in S.nodes(S.Module(body=list(body), type_ignores=[])):
        if isinstance(node, S.Assign):
            listy = isinstance(node.value, (S.List, S.Tuple, S.ListComp))
            for target in node.targets:
                if isinstance(target, S.Name):
                    (kinds if listy else others).add(target.id)
                else:
                    others |= {n.id for n in S.walk(target) if isinstance(n, S.Name)}
        elif isinstance(node, (S.AugAssign, S.AnnAssign)) and isinstance(node.target, S.Name):
            others.add(node.target.id)
        elif isinstance(node, (S.For, S.comprehension, S.withitem, S.NamedExpr)):
            target = getattr(node, "target", None) or getattr(node, "optional_vars", None)
            others |= {n.id for n in S.walk(target) if isinstance(n, S.Name)} if target else set()
    return kinds - others
