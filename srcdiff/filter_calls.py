"""`filter(f, xs)` read at once, written as a list comprehension (stage 3, lower: called by
idiom_rewrite._Desugar.visit_Call). Takes a call of the builtin filter (gast), an argument
of a builtin that reads its items right away (`list(filter(...))`, `sum(filter(...))`), and
a maker of fresh names; gives back the comprehension `[v for v in xs if f(v)]`, or the call
as it was where it does not qualify (the lowering then refuses it at its line, with the
error `refused_iterator` makes: for enumerate, zip, reversed, iter and next kept too).

    ys = list(filter(lambda v: v > 0.5, x))        # [v for v in x if v > 0.5]
    n = sum(filter(None, flags))                   # [item_0 for item_0 in flags if item_0]
    zs = sorted(filter(is_small, x))               # [item_0 for item_0 in x if is_small(item_0)]

A builtin reading an iterator at once (idiom_rewrite.CONSUMERS) asks filter for every item
before it does anything else, so computing the items first, as the comprehension does,
calls f on the same items in the same order and reads xs once, where filter did. The
predicate qualifies where evaluating it once per item is the same as evaluating it once: a
lambda of one parameter (its body is the comprehension's test, with its parameter as the
comprehension's variable, which the comprehension's own scope holds), None (the items
themselves are tested), or a name or an attribute path of names (`np.isfinite`). Anything
else (a call making the predicate, a lambda with defaults or several parameters, `*args`,
keywords) stays a call of filter. A filter read lazily, by a for header, stays one: the
loop's body may change what the predicate reads between items.
"""
from . import syntax as S


def filtered(call, fresh):
    """`filter(f, xs)` (call) as `[v for v in xs if f(v)]`, or `call` where it does not
    qualify; `fresh(base)` gives a name the function does not use."""
    if len(call.args) != 2 or call.keywords or any(isinstance(a, S.Starred)
                                                  for a in call.args):
        return call
    pred, seq = call.args
    if isinstance(pred, S.Lambda):
        args = pred.args
        if len(args.args) != 1 or args.posonlyargs or args.vararg or args.kwonlyargs or \
                args.kwarg or args.defaults:
            return call
        var, test = args.args[0].id, pred.body
    elif isinstance(pred, S.Constant) and pred.value is None:
        var = fresh("item")
        test = S.load(var)
    elif _path_of_names(pred):
        var = fresh("item")
        test = S.Call(func=pred, args=[S.load(var)], keywords=[])
    else:
        return call
    comp = S.ListComp(elt=S.load(var), generators=[S.comprehension(
        target=S.store(var), iter=seq, ifs=[test], is_async=0)])
    return S.place_unplaced(comp, call)


def _path_of_names(node):
    """Whether `node` is a name or an attribute path from a name (`np.isfinite`)."""
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, S.Name)


def refused_iterator(lw, node, obj):
    """The located error for a call of filter, enumerate, zip, reversed, iter or next the
    lowering meets as a value (not read at once, nor a for header's: lower_calls.py)."""
    if obj is filter:
        return lw.error(node, "srcdiff follows filter(f, xs) only where a builtin reads its "
                        "items at once (list, sum, sorted, ...), f a lambda of one parameter, "
                        "a function's name or None",
                        hint="write the comprehension [v for v in xs if f(v)]")
    return lw.error(node, f"{obj.__name__}() is only supported in a for statement header or "
                    "where its items are read at once", hint="loop over it with for, or make "
                    f"a list of its items: list({obj.__name__}(...))")
