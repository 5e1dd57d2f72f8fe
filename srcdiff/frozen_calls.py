"""Frozen scipy.stats distributions (stage 3, lower: called by lower_calls.method_call).
Takes the lowering's state and a method call `dist.logpdf(x)`; gives back the call it means,
`norm.logpdf(x, loc, scale)` (a gast Call, lowered by the caller like any call), or None.

A frozen distribution (`norm(loc, scale)`) keeps the values its arguments had when it was
made. Its method is rewritten as the distribution's own function called with the
parameters after the method's arguments, where `dist` is bound once, to the distribution,
and the names its parameters read are not bound again later (else refused, located: the
call made here would read their new values).
"""
from . import syntax as S
from .callables import is_distribution

FROZEN_METHODS = {"pdf", "logpdf", "cdf", "logcdf", "pmf", "logpmf", "sf", "logsf", "ppf",
                  "isf", "mean", "var", "std", "median", "entropy"}


def frozen_call(lw, node):
    """`norm(loc, scale).logpdf(x)`, or `dist.logpdf(x)` where `dist = norm(loc, scale)`
    is the only binding of dist: the call `norm.logpdf(x, loc, scale)` it means (a frozen
    scipy.stats distribution passes its arguments after the method's), or None."""
    func, base = node.func, node.func.value
    if func.attr not in FROZEN_METHODS or len(node.args) > 1:
        return None  # e.g. rvs(size): its positional arguments mean something else
    make = base if isinstance(base, S.Call) else None
    if isinstance(base, S.Name) and base.id in lw.locals and base.id not in lw.params:
        make = _freezes(lw).get(base.id)
    if make is None or not is_distribution(lw._callee_object(make.func)):
        return None
    if any(isinstance(a, S.Starred) for a in make.args) or any(
            k.arg is None for k in make.keywords):
        raise lw.error(make, "*args and **kwargs in calls are not supported",
                       hint="pass the arguments one by one")
    if make is not base:
        # the frozen object keeps the values its arguments had: the call made here reads
        # them again, so each must be bound once, before the freezing, if at all
        stores = {}
        for n in S.walk(lw.fdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
                stores.setdefault(n.id, []).append((n.lineno, n.col_offset))
        here = (make.lineno, make.col_offset)
        for arg in list(make.args) + [k.value for k in make.keywords]:
            moving = {n.id for n in S.walk(arg) if isinstance(n, S.Name) and (
                len(stores.get(n.id, ())) > 1 or any(at > here for at in stores.get(
                    n.id, ())))}
            if moving:
                raise lw.error(node, f"the frozen distribution {base.id!r} was made "
                               f"from {sorted(moving)[0]!r}, which this function "
                               "assigns again or later",
                               hint="call the distribution's method with the parameters: "
                                    f"{S.spell(make.func)}.{func.attr}(x, ...)")
    call = S.Call(func=S.Attribute(value=S.clone(make.func), attr=func.attr, ctx=S.Load()),
                  args=[S.clone(a) for a in list(node.args) + list(make.args)],
                  keywords=[S.keyword(arg=k.arg, value=S.clone(k.value))
                            for k in list(make.keywords) + list(node.keywords)])
    for n in (call, call.func):
        n.lineno, n.col_offset = node.lineno, node.col_offset
    return call


def _freezes(lw):
    """Local names bound once, to a frozen scipy.stats distribution: name -> the call."""
    if getattr(lw, "_frozen_distributions", None) is None:
        counts, calls = {}, {}
        for n in S.walk(lw.fdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
                counts[n.id] = counts.get(n.id, 0) + 1
            if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                    n.targets[0], S.Name) and isinstance(n.value, S.Call):
                calls[n.targets[0].id] = n.value
        lw._frozen_distributions = {name: call for name, call in calls.items()
                                    if counts.get(name) == 1 and name not in lw.params
                                    and is_distribution(lw._callee_object(call.func))}
    return lw._frozen_distributions
