"""Checks placed in the primal code that refuse, when the derivative runs, what only the
values can tell, each naming the user's file and line (srcdiff.RuntimeRefusal):

* writes into arrays another name shares (aliasing.check_writes finds them): `z += v` on
  an array (a rebinding for numbers), writes into `r = m[i]` when r is a row view or an
  item of m, writes into m while such a row is read later, writes into a name that may be
  the same array as another;
* norms of complex values of an order srcdiff differentiates for real values only.

A check is an `effect` statement whose Info.extra is ('checks', what): a pass leaves it
out of its primal code (`idle_check`) where it guards a derivative that pass does not take.
"""
import numpy

from . import analyze, runtime
from . import syntax as S
from .aliasing import insert_guards
from .errors import where


def refusal_args(error):
    """The constant arguments (reason, hint, where) of a runtime check that raises `error`,
    a located refusal of the user's statement, when the run shows it applies."""
    return [S.const(error.reason), S.const(error.hint),
            S.const(where(error.filename, error.lineno))]


def idle_check(stmt, active, mode):
    """Whether `stmt` is a check the derivative does not need: one for a value that is not
    active (a norm srcdiff takes no derivative of), or one for the other `mode`'s pass
    ('reverse' or 'forward'). The primal code leaves it out."""
    extra = getattr(getattr(stmt, "sd", None), "extra", None)
    if not (isinstance(extra, tuple) and extra[0] == "checks"):
        return False
    if extra[1] in ("reverse", "forward"):
        return extra[1] != mode
    return extra[1] is not None and extra[1] not in active


def _check(func, args, line, what, bindings):
    from .lower import Info
    bindings[func.__name__] = func
    guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=args, keywords=[]))
    guard.sd = Info("effect", func=func, line=line, extra=("checks", what))
    guard.lineno = line
    return guard


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
                                                  S.const(stmt.sd.extra[1])]
        elif view is not None:
            index = S.index_value(target.slice) if stmt.sd.kind == "setitem" else \
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
        if not (isinstance(stmt, S.Assign) and stmt.sd.kind == "call"
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
