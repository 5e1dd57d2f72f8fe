"""Everyday Python shapes, rewritten into constructs the lowering already differentiates (stage
3, lower: called by lower_calls.py, and by reverse.py and forward.py for `reads_instead`).
Takes a call or method call with the Lowerer (`expand_call`, `expand_method`), or a lowered
statement (`reads_instead`); gives back the lowered statement, or None where no idiom
applies.

The pass over the user's function before it is lowered (for/else, zip and enumerate as
values, max of several, dict(zip(...))) is idiom_rewrite.py's. Two entry points here:

* `expand_call(lowerer, node, out, discard)` and `expand_method(...)`, asked first by
  Lowerer.call and Lowerer.method_call; each returns the lowered statement or None:

  - ``functools.reduce(f, items[, initial])``: ``acc = initial (or items[0]); for item in
    items[1:]: acc = f(acc, item)``, a loop the lowering differentiates like the user's own
    (f an operator function or the user's function).
  - ``math.prod(items, start=1)``: the same loop with ``acc = acc * item``.
  - ``dict(d, k=v)`` of a value that may be a dict: ``d.copy()``, or with keywords
    ``runtime_idioms.dict_merged([d, v], ("k",), d)`` (after a check, where it runs, that d
    is a dict).
  - calls made only to read (result dropped): print (also of ``*values``), logging's
    functions and a logger's methods (a local logger's, whose class is known only when it
    runs, through runtime_idioms.call_logger, which checks it), warnings.warn: they run as
    written and carry no derivative.
  - ``numpy.add.at(a, i, v)`` / ``numpy.subtract.at``: the item write ``a[...] =
    scattered_add(a, i, v, sign)`` (scatter_calls.py).
  - ``d.get(k[, default])`` on a value that may be a dict: ``d[k] if k in d else default``
    (after a check that d is a dict).
  - ``x.item(*index)``: the element as ``numpy.ravel(x)[i]`` (one index), ``x[i, j]``
    (several), or the only element of an array of size 1 (after checking the size).
  - ``x.tolist()``: runtime_idioms.array_tolist, whose rules are in templates/idioms.py.
  - a method only strings have (``k.startswith("w")``, ``name.split("_")``, ``"{}".format(v)``):
    runtime_idioms.str_method, which runs it on a str (refused for anything else) and
    carries no derivative.
  - ``d.update({k: v})``, ``d.update(k=v)``, ``d.setdefault(k, v)`` (dict_write, asked by
    Lowerer.method_call before it refuses methods that change their object): item writes
    ``d[k] = v`` after a check that d is a dict; ``d.pop(k[, default])``: the value read,
    then d bound to runtime_idioms.dict_without(d, k), refused by container_writes where
    another name holding the dict (or a live view of it) is read after.

  ``x.item()`` and ``x.tolist()`` first check, when they run, that x is an array or a NumPy
  scalar (an object of another class may mean something else by its method).

* `reads_instead(low, stmt)`, asked by reverse.py and forward.py for each call made for its
  effects that is given a value being differentiated (analyze.effects_on_varied): a function
  of the user's (a progress or plotting callback) then runs through
  runtime_idioms.call_reading, which hands it read-only views of what it is given: arrays
  that refuse writes, lists and dicts that refuse changes (ReadOnlyList, ReadOnlyDict),
  tuples item by item, numbers and strings as they are; any other object is refused at the
  call. It may read them, print them, plot them, keep copies; a write into them is refused
  at the call (a located RuntimeRefusal) instead of changing what the derivative was
  computed from. ``losses.append(v)`` into a list reached by a free name (a global history of
  losses) runs as runtime_idioms.append_value, which appends v's value and carries no
  derivative, refused where differentiated code reads the list back (callback_stores.
  check_appended). The lowering has already refused a callee that writes into its parameters
  where the source shows it (`v[0] = ...`). Calls given no value being differentiated run
  as written (a helper filling a list of counts). A library's function called for its
  effects on a differentiated value (numpy.copyto, numpy.add.at) stays refused, with the
  hint of reverse.effect_error.
"""
import functools
import math
import sys
import types
import warnings

from . import syntax as S
from .checkpointing import bound_value, checkpoint
from .core import Kind

READERS = (print, warnings.warn)   # and logging's functions (`_reads_only`)
LOGGER_METHODS = ("debug", "info", "warning", "error", "critical", "exception", "log")
# methods of str that no array, list or dict has (a key's `name.startswith("w")`)
STR_METHODS = frozenset({"startswith", "endswith", "lower", "upper", "strip", "lstrip",
                         "rstrip", "split", "rsplit", "join", "replace", "format", "isdigit",
                         "isalpha", "isidentifier", "title", "capitalize", "casefold",
                         "zfill", "removeprefix", "removesuffix", "partition", "find"})



def placed_at(new, old):
    """idiom_rewrite.placed_at, its module imported at the first idiom expanded (a plain
    function's calls expand none: issue #16's first call)."""
    from .idiom_rewrite import placed_at as place
    return place(new, old)

# -- calls, asked first by Lowerer.call / Lowerer.method_call -------------------------------
def expand_call(low, node, out, discard):
    """The lowered statement of a call of functools.reduce, math.prod, a function that only
    reads, a partial called where it is made (value_builtins.partial_called), or a user
    function whose result is dropped; None for any other call."""
    func = node.func
    if isinstance(func, S.Call):   # functools.partial(g, a)(x)
        from .value_builtins import partial_called
        return partial_called(low, node, out, discard)
    if not isinstance(func, (S.Name, S.Attribute)) or low._global_path(func) is None or (
            isinstance(func, S.Name) and func.id in low.local_functions):
        return None
    obj = low._callee_object(func)
    if obj is None:
        return None
    if any(obj is b for b in (exec, eval, locals, globals)) or obj is vars and not node.args:
        # (code or names the source does not show: exec("y[0] = 5.0") writes into y)
        raise low.error(node, f"srcdiff cannot follow {obj.__name__}(): the code it runs, or "
                        "the names it reads or changes, are not in the function's source",
                        hint="write the statements themselves in the function, and read "
                             "names directly")
    if obj is checkpoint:   # step = srcdiff.checkpoint(g): step holds g (values.held)
        return low._result(bound_value(low, node, out), Kind.COPY, None, discard)
    if obj is functools.reduce:
        return low._result(_reduce(low, node, out), Kind.COPY, None, discard)
    if obj is math.prod:
        return low._result(_prod(low, node, out), Kind.COPY, None, discard)
    if obj is dict and len(node.args) == 1 and not isinstance(node.args[0], S.Starred) and \
            all(k.arg is not None for k in node.keywords) and low._may_be_dict(node.args[0]):
        return low._result(_dict_copy(low, node, out), Kind.COPY, None, discard)
    if not discard:
        return None
    from .scatter_calls import is_scatter, lower_scatter
    if is_scatter(obj):   # numpy.add.at(a, i, v): an item write a[...] = scattered_add(...)
        return lower_scatter(low, node, obj, out)
    if _reads_only(obj):
        # print(*values) and print(**options) too: the call runs as written
        args = [S.Starred(value=low.expr(a.value, out), ctx=S.Load())
                if isinstance(a, S.Starred) else low.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=low.expr(k.value, out)) for k in node.keywords]
        value = S.Call(func=_reference(low, func, obj), args=args, keywords=keywords)
        # a bound logger method is known by its function (templates/idioms.py)
        return low._result(value, Kind.EFFECT, getattr(obj, "__func__", obj), True)
    return None


def _dict_copy(low, node, out):
    """`dict(d, k=v, ...)` of a value that may be a dict (after a check, where it runs, that
    d is a dict: dict(pairs) of a list is not a copy): `d.copy()`, or with keywords
    runtime_idioms.dict_merged([d, v, ...], ("k", ...), d), a new dict either way."""
    from . import runtime_idioms
    base = _local(low, low.expr(node.args[0], out))
    parts = None
    if node.keywords:   # the keywords' values read before the copy is made, as Python does
        parts = _local(low, low.expr(placed_at(S.List(elts=[S.clone(base)] + [
            k.value for k in node.keywords], ctx=S.Load()), node), out))
    check = S.Call(func=_helper(low, "check_dict_argument"), args=[
        S.clone(base), S.const(_where(low, node))], keywords=[])
    out.append(low.info(S.Expr(value=check), Kind.EFFECT,
                        func=runtime_idioms.check_dict_argument))
    if parts is None:
        copy = placed_at(S.Call(func=S.Attribute(value=S.clone(base), attr="copy",
                                                 ctx=S.Load()), args=[], keywords=[]), node)
        return _local(low, low.expr(copy, out))
    keys = _local(low, low.expr(placed_at(S.Tuple(elts=[S.const(k.arg) for k in node.keywords],
                                                  ctx=S.Load()), node), out))
    return _local(low, low.temp(out, S.Call(func=_helper(low, "dict_merged"), args=[
        parts, keys, S.clone(base)], keywords=[]), Kind.CALL, "merged",
        func=runtime_idioms.dict_merged))


def _reads_only(obj):
    if any(obj is r for r in READERS):
        return True
    logging = sys.modules.get("logging")   # not imported: the code calls none of it
    if logging is None:
        return False
    if any(obj is getattr(logging, m) for m in LOGGER_METHODS):
        return True
    fn = getattr(obj, "__func__", None)
    return isinstance(getattr(obj, "__self__", None), logging.Logger) and any(
        fn is getattr(logging.Logger, m) for m in LOGGER_METHODS)


def _reference(low, func, obj):
    from .callables import canonical_path
    path = canonical_path(obj)
    if path is not None and not path.startswith("__main__") and \
            not isinstance(obj, types.MethodType):
        return low.bind(path, obj)
    return low.free_reference(func)


def reads_instead(low, stmt):
    """A call of a function of the user's made for its effects (result dropped) and given a
    value being differentiated (analyze.effects_on_varied): rewritten in place as
    runtime_idioms.call_reading(where, f, *args), which runs f on read-only views of its
    arguments; True. False for any other call (a library's, which stays refused). The
    lowering checked already that f writes into none of its parameters."""
    from . import runtime_idioms
    from .callables import is_user_function
    call = stmt.value
    if low.source.filename.startswith("srcdiff-generated/") or not (
            isinstance(stmt, S.Expr) and isinstance(call, S.Call)):
        return False
    if _global_append(low, stmt):
        return True
    if not is_user_function(stmt.sd.func):
        return False
    from . import callback_stores   # what it stores, read back by differentiated code
    callback_stores.check(low, stmt, stmt.sd.func)
    args = list(call.args)
    keywords = list(call.keywords)
    named = getattr(call, S.KEYWORD_ONLY, None) or []
    if named:   # keyword-only parameters, passed last by position (see lower.call)
        given = args[len(args) - len(named):]
        args = args[:len(args) - len(named)]
        keywords += [S.keyword(arg=n, value=a) for n, a in zip(named, given)]
    name = runtime_idioms.call_reading.__name__
    low.bindings[name] = runtime_idioms.call_reading
    where = f"{low.source.filename}:{stmt.sd.line}"
    stmt.value = S.Call(func=S.load(name), args=[S.const(where), call.func] + args,
                        keywords=keywords)
    stmt.sd.func = runtime_idioms.call_reading
    stmt.sd.clear_facts()
    return True


def _global_append(low, stmt):
    """`losses.append(v)` where `losses` is a list the function reaches by a free name (a
    global or a closure cell) and v a value being differentiated: rewritten in place as
    runtime_idioms.append_value(where, losses.append, v), which appends v's value (a number,
    a string, a NumPy scalar, a tuple of them; an array is refused when it runs, as the
    derivative may change its memory after) and carries no derivative; True. Refused,
    located, where code srcdiff differentiates reads the list other than to append to it
    (callback_stores.check_appended). False for any other call."""
    from . import callback_stores, runtime_idioms
    from .core import assigned_names
    call, func = stmt.value, stmt.sd.func
    if not (isinstance(call.func, S.Attribute) and len(call.args) == 1 and
            not call.keywords and getattr(func, "__name__", None) == "append" and
            type(getattr(func, "__self__", None)) is list):
        return False
    user = low.source.node   # the name the user appends by, at this line, a free name
    bound = assigned_names(user.body) | set(low.params)
    names = {n.value.func.value.id for n in S.walk(user) if isinstance(n, S.Expr) and
             isinstance(n.value, S.Call) and isinstance(n.value.func, S.Attribute) and
             n.value.func.attr == "append" and isinstance(n.value.func.value, S.Name) and
             getattr(n, "lineno", None) == stmt.sd.line} - bound
    if len(names) != 1:
        return False
    callback_stores.check_appended(low, stmt, func.__self__, names.pop())
    name = runtime_idioms.append_value.__name__
    low.bindings[name] = runtime_idioms.append_value
    where = f"{low.source.filename}:{stmt.sd.line}"
    stmt.value = S.Call(func=S.load(name), args=[S.const(where), call.func, call.args[0]],
                        keywords=[])
    stmt.sd.func = runtime_idioms.append_value
    stmt.sd.clear_facts()
    return True


def _helper(low, name):
    from . import runtime_idioms
    return low._runtime_helper(name, runtime_idioms)


def _local(low, *atoms):
    """Atoms the lowering made, read again by user-shaped code lowered here: locals."""
    for atom in atoms:
        if isinstance(atom, S.Name):
            low.locals.add(atom.id)
    return atoms[0] if len(atoms) == 1 else atoms


def _where(low, node):
    return f"{low.src.filename}:{getattr(node, 'lineno', low.line)}"


def _loop(low, node, acc, items, step, out):
    """Lower `for item in items: acc = step(acc, item)` (user statements at node's line)."""
    item = low.namer.fresh("item")
    low.locals |= {acc, item}
    body = [placed_at(S.Assign(targets=[S.store(acc)], value=step(S.load(acc), S.load(item)),
                         type_comment=None), node)]
    loop = placed_at(S.For(target=S.store(item), iter=items, body=body, orelse=[],
                     type_comment=None), node)
    line = low.line
    out += low.block([loop])
    low.line = line
    return S.load(acc)


def _reduce(low, node, out):
    if node.keywords or not 2 <= len(node.args) <= 3 or any(
            isinstance(a, S.Starred) for a in node.args):
        raise low.error(node, "functools.reduce takes a function, the items and, if you "
                        "like, a first value, passed by position")
    fn = node.args[0]
    if isinstance(fn, S.Lambda):
        a = fn.args
        if len(a.args) != 2 or a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or \
                a.defaults:
            raise low.error(fn, "the lambda given to functools.reduce takes two parameters")
        names = [p.id for p in a.args]

        def step(left, right):
            return _Substitute({names[0]: left, names[1]: right}).visit(S.clone(fn.body))
    elif isinstance(fn, (S.Name, S.Attribute)):
        def step(left, right):
            return placed_at(S.Call(func=S.clone(fn), args=[left, right], keywords=[]), node)
    else:
        raise low.error(fn, "srcdiff can only reduce with a function named here or a lambda",
                        hint="name the function (operator.add, or one of yours)")
    items = low.expr(node.args[1], out)
    acc = low.namer.fresh("total")
    if len(node.args) == 3:
        out.append(low.assign(acc, low.expr(node.args[2], out), Kind.COPY))
        rest = items
    else:
        first = S.Subscript(value=items, slice=S.const(0), ctx=S.Load())
        out.append(low.assign(acc, first, Kind.SUBSCRIPT))
        rest = low.temp(out, S.Subscript(value=items, slice=S.Slice(
            lower=S.const(1), upper=None, step=None), ctx=S.Load()), Kind.SUBSCRIPT, "rest")
    _local(low, rest)
    return _loop(low, node, acc, rest, step, out)


def _prod(low, node, out):
    if len(node.args) != 1 or any(k.arg != "start" for k in node.keywords) or \
            isinstance(node.args[0], S.Starred):
        raise low.error(node, "math.prod takes the items and, if you like, start=")
    items = low.expr(node.args[0], out)
    acc = low.namer.fresh("product")
    start = low.expr(node.keywords[0].value, out) if node.keywords else S.const(1)
    out.append(low.assign(acc, start, Kind.COPY))
    _local(low, items)

    def step(left, right):
        return placed_at(S.BinOp(left=left, op=S.Mult(), right=right), node)
    return _loop(low, node, acc, items, step, out)


class _Substitute(S.NodeTransformer):
    def __init__(self, values):
        self.values = values

    def visit_Name(self, node):
        if node.id in self.values and isinstance(node.ctx, S.Load):
            return S.clone(self.values[node.id])
        return node

    def visit_Lambda(self, node):
        return node


def expand_method(low, node, base, args, out, discard):
    """d.get(k[, default]), x.item(*index), x.tolist() (see the docstring); None otherwise.
    `base` and `args` are the lowered object and arguments."""
    method = node.func.attr
    if discard and method in LOGGER_METHODS and isinstance(base, S.Name):
        # log.info(...) on a local logger (its class known only when it runs): logged as
        # written where it is a logging.Logger (or LoggerAdapter), refused otherwise
        from . import runtime_idioms
        keywords = [S.keyword(arg=k.arg, value=low.expr(k.value, out)) for k in node.keywords
                    if k.arg is not None]
        if len(keywords) == len(node.keywords):
            value = S.Call(func=_helper(low, "call_logger"), args=[
                S.const(_where(low, node)), base, S.const(method)] + args, keywords=keywords)
            return low._result(value, Kind.EFFECT, runtime_idioms.call_logger, True)
    if node.keywords:
        return None
    if method in STR_METHODS:
        # k.startswith("w") of a dict's key: run as written, no derivative (a check first,
        # where it runs, that the object is a str: another class may mean something else)
        from . import runtime_idioms
        value = S.Call(func=_helper(low, "str_method"), args=[
            S.const(_where(low, node)), base, S.const(method)] + args, keywords=[])
        return low._result(value, Kind.CALL, runtime_idioms.str_method, discard)
    receiver = node.func.value
    if isinstance(receiver, S.Name) and receiver.id in low.params and \
            receiver.id not in low._sources() and \
            low.known_types.get(receiver.id) in (list, tuple) and \
            not hasattr(low.known_types[receiver.id], method):
        # (opts.get(0) of a list passed in: Python would fail at the call; said here, located)
        kind = low.known_types[receiver.id].__name__
        raise low.error(node, f".{method}() is called on {receiver.id}, a {kind} passed in, "
                              f"which has no such method",
                        hint="call a function (or index the value) instead")
    if method == "get" and 1 <= len(args) <= 2 and low._may_be_dict(node.func.value):
        check = S.Call(func=_helper(low, "check_dict"), args=[
            base, S.const("get"), S.const(_where(low, node))], keywords=[])
        from . import runtime_idioms
        out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_dict))
        default = args[1] if len(args) == 2 else S.const(None)
        key = args[0]
        _local(low, base, key, default)
        choice = S.IfExp(test=S.Compare(left=key, ops=[S.In()], comparators=[base]),
                         body=S.Subscript(value=base, slice=key, ctx=S.Load()),
                         orelse=default)
        return low._result(low.ifexp(placed_at(choice, node), out), Kind.COPY, None, discard)
    if method == "item" or (method == "tolist" and not args):
        from . import runtime_idioms
        check = S.Call(func=_helper(low, "check_array_method"), args=[
            base, S.const(method), S.const(_where(low, node)),
            S.const(method == "item" and not args)], keywords=[])
        out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_array_method))
    if method == "item":
        if not args:
            args = [S.const(0)]
        if len(node.args) == 1 and isinstance(node.args[0], S.Tuple):   # x.item((i, j))
            args = [low.expr(e, out) for e in node.args[0].elts]
        if len(args) == 1:
            import numpy
            flat = low.temp(out, S.Call(func=low.bind("numpy.ravel", numpy.ravel), args=[base],
                                        keywords=[]), Kind.CALL, "flat", func=numpy.ravel)
            value = S.Subscript(value=flat, slice=args[0], ctx=S.Load())
        else:
            value = S.Subscript(value=base, slice=S.Tuple(elts=args, ctx=S.Load()),
                                ctx=S.Load())
        return low._result(value, Kind.SUBSCRIPT, None, discard)
    if method == "tolist" and not args:
        from . import runtime_idioms
        value = S.Call(func=_helper(low, "array_tolist"), args=[base], keywords=[])
        return low._result(value, Kind.CALL, runtime_idioms.array_tolist, discard)
    return None


# -- dict methods that change the dict ------------------------------------------------------
def dict_write(low, node, base, out, discard):
    """`d.update({k: v, ...})`, `d.update(k=v)`, `d.setdefault(k[, v])` and `d.pop(k[,
    default])` on a local that may be a dict (after a check, where they run, that it is
    one): the item writes `d[k] = v`, which the lowering differentiates with the aliasing
    care of any item write (a dict passed in is copied before it is written, a value read
    before keeps its adjoint); setdefault is `if k not in d: d[k] = v`, then d[k]; pop reads
    d[k] (or the default) and binds d to a new dict without k (runtime_idioms.dict_without:
    container_writes refuses it where another name holding the dict reads it after). None
    for any other call."""
    method = node.func.attr
    if method == "pop" and not node.args and not node.keywords:
        return None   # lst.pop(): a list's (the lowering's POP)
    if method not in ("update", "setdefault", "pop") or not (
            isinstance(base, S.Name) and base.id in low.locals
            and low._may_be_dict(node.func.value)):
        return None
    from . import runtime_idioms
    check = S.Call(func=_helper(low, "check_dict"), args=[
        base, S.const(method), S.const(_where(low, node))], keywords=[])
    out.append(low.info(S.Expr(value=check), Kind.EFFECT, func=runtime_idioms.check_dict))
    if method == "pop":
        return _pop(low, node, base, out, discard)
    if method == "setdefault":
        if node.keywords or not 1 <= len(node.args) <= 2:
            raise low.error(node, "setdefault takes a key and a default value")
        key = _local(low, low.expr(node.args[0], out))
        default = _local(low, low.expr(node.args[1], out)) if len(node.args) == 2 else \
            S.const(None)
        write = S.Assign(targets=[S.Subscript(value=S.clone(base), slice=S.clone(key),
                                              ctx=S.Store())], value=S.clone(default),
                         type_comment=None)
        test = S.Compare(left=S.clone(key), ops=[S.NotIn()], comparators=[S.clone(base)])
        lowered = low.stmt(placed_at(S.If(test=test, body=[write], orelse=[]), node))
        if discard:   # d.setdefault(k, v) as a statement: the write only
            out.extend(lowered[:-1])
            return lowered[-1]
        out.extend(lowered)
        value = S.Subscript(value=base, slice=key, ctx=S.Load())
        return low._result(value, Kind.SUBSCRIPT, None, discard)
    if not discard:
        raise low.error(node, "the result of update is None", hint="use the dict itself")
    pairs = []
    for arg in node.args:
        if not (len(node.args) == 1 and isinstance(arg, S.Dict) and None not in arg.keys):
            raise low.error(node, "srcdiff follows d.update(...) given a dict display or "
                            "keywords, whose keys it reads here",
                            hint="write d[k] = other[k] for each key, or d.update({k: v, ...})")
        # Python makes the whole dict first: every key and value read before any write
        pairs += [(low.expr(k, out), low.expr(v, out)) for k, v in zip(arg.keys, arg.values)]
    if any(k.arg is None for k in node.keywords):
        raise low.error(node, "srcdiff follows d.update(...) given a dict display or keywords",
                        hint="write d[k] = v for each key")
    pairs += [(S.const(k.arg), low.expr(k.value, out)) for k in node.keywords]
    last = None
    for key, value in pairs:
        _local(low, key, value)
        write = placed_at(S.Assign(targets=[S.Subscript(value=S.clone(base), slice=key,
                                                  ctx=S.Store())], value=value,
                             type_comment=None), node)
        if last is not None:
            out.append(last)
        lowered = low.stmt(write)
        out.extend(lowered[:-1])
        last = lowered[-1]
    return last if last is not None else out.pop()   # d.update(): the check only


def _pop(low, node, base, out, discard):
    """`v = d.pop(k[, default])`: `v = d[k]` (`d[k] if k in d else default`), then
    `d = dict_without(d, k)`."""
    from . import runtime_idioms
    if node.keywords or not 1 <= len(node.args) <= 2:
        raise low.error(node, "pop takes a key and a default value")
    key = _local(low, low.expr(node.args[0], out))
    if len(node.args) == 1:   # a missing key raises KeyError, as pop does
        value = low.temp(out, S.Subscript(value=S.clone(base), slice=S.clone(key),
                                          ctx=S.Load()), Kind.SUBSCRIPT, "popped")
    else:
        default = _local(low, low.expr(node.args[1], out))
        choice = S.IfExp(test=S.Compare(left=S.clone(key), ops=[S.In()],
                                        comparators=[S.clone(base)]),
                         body=S.Subscript(value=S.clone(base), slice=S.clone(key),
                                          ctx=S.Load()), orelse=default)
        value = low.temp(out, low.ifexp(placed_at(choice, node), out), Kind.COPY, "popped")
    _local(low, value)
    rest = low.temp(out, S.Call(func=_helper(low, "dict_without"), args=[
        S.clone(base), S.clone(key)], keywords=[]), Kind.CALL, base.id + "_rest",
        func=runtime_idioms.dict_without)
    _local(low, rest)
    rebind = low.assign(base.id, rest, Kind.COPY)
    if discard:
        return rebind
    out.append(rebind)
    return low._result(value, Kind.COPY, None, discard)
