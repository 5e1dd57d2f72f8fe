"""Checks placed in the primal code that refuse, when the derivative runs, what only the values
can tell (stage 3, lower: called by lower.py, lower_copies.py, inplace_calls.py, and by
reverse_tape.py and forward.py, which leave idle ones out). Takes lowered core statements
and the user's `Source`; gives back the statements with check statements placed (`guard_*`),
each naming the user's file and line (srcdiff.RuntimeRefusal). The checks:

* writes into arrays another name shares (aliasing.check_writes finds them): `z += v` on
  an array (a rebinding for numbers), writes into `r = m[i]` when r is a row view or an
  item of m, writes into m while such a row is read later, writes into a name that may be
  the same array as another;
* norms of complex values of an order srcdiff differentiates for real values only, and
  complex arguments of functions whose rules hold for real ones only (rules.real_only);
* calls whose derivative a value of an argument rules out: numpy.linspace(retstep=r),
  numpy.r_/c_[directive, ...] with a matrix directive, a random sample of zero spread
  (scale, high - low) differentiated with respect to it, numpy.pad in a mode srcdiff has
  no rule for, numpy.gradient with coordinate arrays as its spacing.

A check is an `effect` statement whose Info.check is a core.Check: a pass leaves it
out of its primal code (`idle_check`) where it guards a derivative that pass does not take.
Where the source already shows the refusal (retstep=True, numpy.r_['r', ...]) the check is
runtime.refuse itself, with the error in Info.check.error: a pass that keeps it raises that
error before any code is emitted.
"""
import sys

import numpy

from . import analyze, runtime
from . import syntax as S
from .errors import where
from .core import Kind


def insert_guards(body, guards, make):
    """alias_guards.insert_guards, imported where there is a guard to place (a plain
    function's checks place none: issue #16's first call imports no alias_guards)."""
    if guards:
        from .alias_guards import insert_guards as insert
        insert(body, guards, make)


def refusal_args(error):
    """The constant arguments (reason, hint, where) of a runtime check that raises `error`,
    a located refusal of the user's statement, when the run shows it applies."""
    return [S.const(error.reason), S.const(error.hint),
            S.const(where(error.filename, error.lineno))]


def idle_check(stmt, active, mode):
    """Whether `stmt` is a check the derivative does not need: one for a value that is not
    active (a norm srcdiff takes no derivative of), or one for the other `mode`'s pass
    ('reverse' or 'forward'). The primal code leaves it out."""
    check = getattr(getattr(stmt, "sd", None), "check", None)
    if check is None:
        return False
    if check.guards in ("reverse", "forward"):
        idle = check.guards != mode
    else:
        idle = check.guards is not None and check.guards not in active
    if not idle and check.error is not None:
        raise check.error  # refused by the source itself: the derivative is not emitted
    return idle


def _check(func, args, line, what, bindings, error=None):
    from .core import Check, Info, Kind
    bindings[func.__name__] = func
    guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=args, keywords=[]))
    guard.sd = Info(Kind.EFFECT, func=func, line=line, check=Check(what, error))
    guard.lineno = line
    return guard


def view_guard(lw, node):
    """[the check before `node`] where a rewrite reads the slices or rows that `node` takes of
    an array as views of it (syntax.VIEWS_OF; runtime.check_views), else []."""
    views = getattr(node, S.VIEWS_OF, None)
    if views is None:
        return []
    checked, view, kind, line, *shown = views   # (shown: the user's text of a private name)
    array = shown[0] if shown else checked
    rows = {"rows": True, "array slice": True, "array rows": 2, "flat": True}.get(kind)
    if kind == "array index":   # v = B[i]: B of `rows` or more dimensions
        view, rows = view
    if kind == "update":   # u op= e as u[...] op= e (alias_groups.py)
        others, op = view
        reason = (f"{array} holds a {{kind}} here: srcdiff follows `{array} {op} ...` as "
                  f"NumPy's in-place update, which {others} sharing {array}'s array see(s), "
                  "only for NumPy arrays of one or more dimensions (a number is bound anew, "
                  "a list extended)")
        hint = (f"write {array} = {array} {op[0]} (...) if a new value is meant, or make "
                f"{others.split(', ')[0]} a copy: numpy.copy({array})")
        error = lw.src.error(line, reason, hint)
        return [_check(runtime.check_updated_array, [S.load(checked)] + refusal_args(error),
                       line, None, lw.bindings)]
    if kind in ("slice", "array slice"):
        reason = (f"{array} is a {{kind}} here, whose slices are new arrays, not views: in "
                  f"your function a write into {array} or {view} is not seen through the "
                  "other, and srcdiff's derivative follows NumPy's meaning, where it is")
        hint = (f"write into {array} itself ({array}[...] = ...) and read {array}[...] where "
                f"you read {view}, or make {view} a copy: {view} = {array}[...].copy()")
    elif kind == "flat":   # x.flat[k] read as numpy.take(x, ...) (flat_items.py)
        reason = (f"{array} is a {{kind}} here, not a NumPy array: srcdiff reads "
                  f"{array}.flat[...] as the items of an array by flat position")
        hint = (f"read .flat of a NumPy array: of an item of {array} where it is a tuple or "
                f"list of arrays, or of numpy.asarray({array})")
    elif kind == "array items":   # for row in rows, a list of new items (loop_rows.py)
        from .runtime_checks import check_item_arrays
        error = lw.src.error(line, f"{array} holds {{kind}} here: srcdiff follows the writes "
                             f"into {view} as writes into that item of {array}, which holds "
                             f"it, for NumPy arrays of one or more dimensions, each its own",
                             f"write into {array} by index ({array}[i][...] = ...)")
        return [_check(check_item_arrays, [S.load(checked)] + refusal_args(error), line, None,
                       lw.bindings)]
    elif kind in ("array rows", "array index"):
        what = f"a row of {array}" if kind == "array rows" else f"{array}[...]"
        reason = (f"{array} is a {{kind}} here, not an array of {rows} or more dimensions: "
                  f"srcdiff follows the writes into {view} as writes into {array}, since "
                  f"{view} is {what}, a view of it, in such an array (a number, or a "
                  "list's copy, is bound anew instead)")
        hint = (f"write into {array} by index ({array}[i] += ...), or make {view} a "
                f"copy: numpy.copy(...)") if array == checked else (
            f"name it first, rows = {array}, and write into rows by index (rows[i] += "
            f"...), or make {view} a copy: numpy.copy(...)")
    else:
        reason = (f"{array} is a {{kind}} here, not an array whose rows are views of it: "
                  f"srcdiff's derivative writes each {view} back into {array} as NumPy's "
                  f"rows are written, which a {{kind}}'s are not")
        hint = (f"write into {array} by index (for i in range(len({array})): "
                f"{array}[i, ...] = ...), or loop over a copy: for {view} in {array}.copy()")
    error = lw.src.error(line, reason, hint)
    args = [S.load(checked)] + refusal_args(error) + ([S.const(rows)] if rows else [])
    return [_check(runtime.check_views, args, line, None, lw.bindings)]


def guard_float_stores(body, src, bindings):
    """Before each `a[i] = v` (a local array, list or dict) where v may carry a derivative:
    a check that a is no array of integers or booleans (runtime.check_float_store), into
    which NumPy stores v rounded, whose derivative is zero; left out where v carries none.
    A write in a loop that never binds the name a again is checked once, before the
    outermost such loop (a's dtype is the same on every trip)."""
    found, stmts = {}, list(analyze.flatten(body))
    defs = {}
    for t in stmts:
        if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
            defs.setdefault(t.targets[0].id, []).append(t)
    bound = {}   # id(loop) -> the names it binds (_bound_in), walked once
    for stmt, loops in _item_writes(body, ()):
        if not isinstance(stmt.value, S.Name) or \
                not isinstance(stmt.targets[0].value, S.Name) or \
                _surely_floats(stmt.targets[0].value.id, defs):
            continue
        name = stmt.targets[0].value.id
        for loop in loops:
            if id(loop) not in bound:
                bound[id(loop)] = _bound_in(loop)
        at = next((loop for loop in loops if name not in bound[id(loop)]), stmt)
        if any(parts[2][0].id == name and parts[3] == stmt.value.id
               for parts in found.get(id(at), ())):
            continue   # one check a loop, for its first write of the value into the name
        error = src.error(stmt.sd.line, f"{name} holds integers (or booleans) here: NumPy "
                          "rounds what is written into it (derivative zero)",
                          f"make {name} floats ({name}.astype(float)), or round explicitly")
        found.setdefault(id(at), []).append((
            stmt.sd.line, runtime.check_float_store, [S.load(name)] + refusal_args(error),
            stmt.value.id, None))

    def make(line, func, args, what, error):
        return _check(func, args, line, what, bindings, error)
    insert_guards(body, found, make)


def _item_writes(body, loops):
    """(item write, the loops around it, outermost first) for each SETITEM of `body`."""
    for stmt in body:
        if stmt.sd.kind == Kind.SETITEM:
            yield stmt, loops
        if isinstance(stmt, S.FunctionDef):
            continue
        inner = loops + (stmt,) if isinstance(stmt, (S.For, S.While)) else loops
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list):
                yield from _item_writes(getattr(stmt, field), inner)


def _bound_in(loop):
    """The names a loop binds anywhere in it (its target too): its arrays' dtype may change
    from one trip to the next, so their float-store checks stay at each write."""
    return {n.id for n in S.walk(loop) if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}


_FLOAT_MAKERS = ("zeros", "ones", "empty", "eye", "identity", "linspace")


def _surely_floats(name, defs, depth=0):
    """Whether every binding of `name` makes an array of floats, so that no check is needed:
    numpy.zeros/ones/empty/eye/identity/linspace without a dtype, numpy.full with a float,
    a copy or `*_like` of such an array, or arithmetic with a float constant or a true
    division. (Parameters and anything else: the run checks.)"""
    ds = defs.get(name)
    if not ds or depth > 3:
        return False
    for t in ds:
        value = t.value
        if t.sd.kind == Kind.BINOP and isinstance(value, S.BinOp) and (
                isinstance(value.op, S.Div) or any(
                    isinstance(o, S.Constant) and type(o.value) is float
                    for o in (value.left, value.right))):
            continue
        func = t.sd.func if t.sd.kind == Kind.CALL and isinstance(value, S.Call) else None
        if func is None or any(k.arg == "dtype" for k in value.keywords):
            return False
        fname = getattr(func, "__name__", "") if getattr(func, "__module__", "") == "numpy" \
            else ""
        if fname in _FLOAT_MAKERS or fname == "full" and len(value.args) > 1 and \
                isinstance(value.args[1], S.Constant) and type(value.args[1].value) is float:
            continue
        if fname in ("copy", "zeros_like", "ones_like", "empty_like") and value.args and \
                isinstance(value.args[0], S.Name) and \
                _surely_floats(value.args[0].id, defs, depth + 1):
            continue
        return False
    return True


def guard_shared_writes(body, guards, bindings):
    """Put aliasing.check_writes' checks into `body`, each a tuple (statement, error,
    holder, view, only). holder None: `z += v` refused when z is an array (check_in_place);
    a view: a write into holder refused when it lands in the row `view`, read later
    (check_no_view); otherwise a write refused when it shares holder's array
    (check_not_shared). only: 'reverse' for an item write into a row r = m[i] of the
    user's m, which forward mode follows (the tangent's row is a view of the tangent too)."""
    def make(stmt, error, holder, view, only):
        target = stmt.targets[0]
        if holder is None:
            func, args = runtime.check_in_place, [S.load(target.id),
                                                  S.const(stmt.sd.inplace)]
        elif view is not None:
            index = S.index_value(target.slice) if stmt.sd.kind == Kind.SETITEM else \
                S.const(None)
            func, args = runtime.check_no_view, [S.load(view), S.load(holder), index]
        else:
            func, args = runtime.check_not_shared, [
                S.load(target.id if isinstance(target, S.Name) else target.value.id),
                S.load(holder)]
        return _check(func, args + refusal_args(error), stmt.sd.line, only, bindings)
    by_stmt = {}
    for g in guards:
        by_stmt.setdefault(id(g[0]), []).append(g)
    insert_guards(body, by_stmt, make)


def _norms():
    """The norm functions (and their kind, as runtime.norm_weights names it) this NumPy has."""
    names = (("norm", "norm"), ("vector_norm", "vector"), ("matrix_norm", "matrix"))
    return [(getattr(numpy.linalg, n), kind) for n, kind in names if hasattr(numpy.linalg, n)]


def guard_complex_norms(body, src, bindings):
    """Before a norm whose order srcdiff differentiates for real values only: a check that
    the values are real, in the primal code, so that both modes (and forward mode over an
    emitted gradient) refuse at the user's line; left out where the norm is not active."""
    kinds = {id(f): kind for f, kind in _norms()}
    found = {}
    for stmt in analyze.flatten(body):
        if not (isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL
                and id(stmt.sd.func) in kinds and isinstance(stmt.value, S.Call)):
            continue
        kind = kinds[id(stmt.sd.func)]
        args, keywords = analyze.call_parts(stmt.value)
        order = keywords.get("ord", args[1] if kind == "norm" and len(args) > 1 else None)
        axis = keywords.get("axis", args[2] if kind == "norm" and len(args) > 2 else None)
        if not args or order is None or (isinstance(order, S.Constant) and (
                order.value in (None, "fro") or (order.value == 2 and kind == "vector"))):
            continue  # the default order, or one srcdiff differentiates for complex values
        found[id(stmt)] = [(stmt, (args[0], order, axis or S.const(None), kind))]

    def make(stmt, parts):
        x, order, axis, kind = parts
        args = [S.clone(x), S.clone(order), S.clone(axis), S.const(kind),
                S.const(where(src.filename, stmt.sd.line))]
        return _check(runtime.check_norm_order, args, stmt.sd.line, stmt.targets[0].id,
                      bindings)
    insert_guards(body, found, make)


def _bound(stmt):
    """The operands of a call with a reverse rule, by the rule's parameter names (defaults
    as constants); {} where the call does not bind to it (the pass refuses it then)."""
    from . import rules
    template = rules.lookup("reverse", stmt.sd.func)
    args, keywords = analyze.call_parts(stmt.value)
    try:
        return template.bind(S.load(stmt.targets[0].id), args, keywords) if template else {}
    except TypeError:
        return {}


def _static(src, stmt, refusal):
    """runtime.refuse of (reason, hint) at stmt: raised by the pass that keeps it."""
    error = src.error(stmt.sd.line, *refusal)
    return runtime.refuse, refusal_args(error), stmt.targets[0].id, error


def _linspace_check(stmt, src, here, displays):
    """numpy.linspace(..., retstep=r): the samples and the step come back as a pair."""
    retstep = _bound(stmt).get("retstep")
    if isinstance(retstep, S.Constant):
        return _static(src, stmt, runtime.linspace_step_refusal()) if retstep.value else None
    if retstep is not None:
        return runtime.check_no_step, [S.clone(retstep), here], stmt.targets[0].id, None
    return None


def _directive_check(stmt, src, here, displays):
    """numpy.r_/c_[first, ...]: a matrix directive first makes a matrix (no rule)."""
    items = displays.get(getattr(stmt.value.args[1], "id", None))
    first = items[0] if items else None
    if isinstance(first, S.Constant) and isinstance(first.value, str):
        refusal = runtime.directive_refusal(first.value)
        return _static(src, stmt, refusal) if refusal else None
    if isinstance(first, S.Name):  # a string only the run shows
        return runtime.check_directive, [S.clone(first), here], stmt.targets[0].id, None
    return None


def _spread_check(stmt, src, here, displays):
    """A sample's derivative needs the standard draw behind it: (y - loc) / scale (normal,
    exponential), needed where the scale is differentiated, or (y - low) / (high - low)
    (uniform), needed for both bounds: where the sample is differentiated."""
    bound = _bound(stmt)
    if stmt.sd.func is numpy.random.uniform and "high" in bound:
        args = [S.clone(bound["low"]), S.clone(bound["high"]), S.const("bounds")]
        return runtime.check_spread, args + [here], stmt.targets[0].id, None
    scale = bound.get("scale")
    if isinstance(scale, S.Name):
        args = [S.const(0.0), S.clone(scale), S.const("scale")]
        return runtime.check_spread, args + [here], scale.id, None
    return None


def _value_check(name, refusal, check):
    """A check of the argument `name` of a call: runtime.refuse where the source shows
    the value (refusal(value) gives (reason, hint) or None), else `check` at run time.
    `refusal` and `check` name functions of srcdiff.runtime_arrays, imported only where such
    a call is met (most derivatives have none)."""
    def make(stmt, src, here, displays):
        from . import runtime_arrays
        refusal_of, checker = getattr(runtime_arrays, refusal), getattr(runtime_arrays, check)
        value = _bound(stmt).get(name)
        if isinstance(value, S.Constant):
            found = refusal_of(value.value)
            return _static(src, stmt, found) if found else None
        if isinstance(value, S.Name):
            return checker, [S.clone(value), here], stmt.targets[0].id, None
        return None
    return make


def _named_check(helper, names):
    """A check `helper(*the call's arguments called names, where)` (srcdiff.runtime_linalg's
    table: the values a linear-algebra rule does not cover, such as einsum's interleaved
    form or svd's full_matrices=True of a non-square matrix)."""
    def make(stmt, src, here, displays):
        bound = _bound(stmt)
        if not bound:
            return None
        args = [S.clone(bound[n]) for n in names]
        if all(isinstance(a, S.Constant) for a in args):  # the source shows the values
            try:
                helper(*[a.value for a in args], None)
            except runtime.RuntimeRefusal as exc:
                return _static(src, stmt, (exc.reason, exc.hint))
            return None
        return helper, args + [here], stmt.targets[0].id, None
    return make


# the functions runtime_linalg.argument_checks has checks for: NumPy's linear algebra and
# these of numpy (a test holds its table to this), so that a function calling none of them
# does not import runtime_linalg
_LINALG_CHECKED = ("einsum", "polymul", "poly", "polydiv")


def _linalg_checked(func):
    return getattr(func, "__module__", None) == "numpy.linalg" or any(
        func is getattr(numpy, name, None) for name in _LINALG_CHECKED)


def _argument_checks(body):
    checks = {id(numpy.linspace): _linspace_check, id(runtime.index_concat): _directive_check,
              id(numpy.pad): _value_check("mode", "pad_refusal", "check_pad_mode"),
              id(numpy.gradient): _value_check("spacing", "gradient_refusal",
                                               "check_gradient_spacing")}
    random = sys.modules.get("numpy.random")   # NumPy imports it when first read (in
    if random is not None:                      # milliseconds): a call of it read it already
        for name in ("normal", "exponential", "uniform"):
            checks[id(getattr(random, name))] = _spread_check
    if any(isinstance(stmt, S.Assign) and stmt.sd.kind == Kind.CALL and
           _linalg_checked(stmt.sd.func) for stmt in analyze.flatten(body)):
        from . import runtime_linalg
        for func, (helper, names) in runtime_linalg.argument_checks().items():
            checks[id(func)] = _named_check(helper, names)
    if "scipy" in sys.modules:   # (checks of SciPy's functions: none before its import)
        from . import runtime_integrate, runtime_scipy
        for module in (runtime_scipy, runtime_integrate):
            for func, (helper, names) in module.argument_checks().items():
                checks[id(func)] = _named_check(helper, names)
    return checks


def guard_arguments(body, src, bindings):
    """Before a call whose derivative an argument's value rules out (numpy.linspace with
    retstep, numpy.r_/c_ with a matrix directive, a random sample whose scale or high - low
    is zero, numpy.pad's other modes, numpy.gradient's coordinate arrays): a check naming the user's line, left out where the call is not
    differentiated; runtime.refuse itself where the source shows the argument."""
    makers = _argument_checks(body)
    displays, found = {}, {}
    for stmt in analyze.flatten(body):
        if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)):
            continue
        if stmt.sd.kind == Kind.DISPLAY and isinstance(stmt.value, S.List):
            displays[stmt.targets[0].id] = stmt.value.elts
        elif stmt.sd.kind == Kind.CALL and isinstance(stmt.value, S.Call) and \
                id(stmt.sd.func) in makers:
            here = S.const(where(src.filename, stmt.sd.line))
            check = makers[id(stmt.sd.func)](stmt, src, here, displays)
            if check is not None:
                found[id(stmt)] = [(stmt.sd.line,) + check]

    def make(line, func, args, what, error):
        return _check(func, args, line, what, bindings, error)
    insert_guards(body, found, make)


def guard_real_arguments(body, src, bindings):
    """Before a call whose rules hold for real arguments only (rules.real_only: most SciPy
    rules): a check that its array and number arguments are real, naming the user's line;
    left out where the call is not differentiated."""
    from . import rules
    found = {}
    for stmt in analyze.flatten(body):
        if isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name) and \
                stmt.sd.kind == Kind.CALL and isinstance(stmt.value, S.Call):
            reason = rules.real_only_reason(stmt.sd.func)
            if reason is not None:
                found[id(stmt)] = [(stmt, reason)]

    def make(stmt, reason):
        from .runtime_scipy import check_real
        args, keywords = analyze.call_parts(stmt.value)
        operands = [S.clone(a) for a in list(args) + list(keywords.values())
                    if isinstance(a, S.Name)]
        return _check(check_real, [S.const(reason), S.const(where(src.filename, stmt.sd.line))]
                      + operands, stmt.sd.line, stmt.targets[0].id, bindings)
    insert_guards(body, found, make)
