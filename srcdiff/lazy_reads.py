"""Whether a loop's body may change what its iterable reads while the loop runs (stage 3,
lower: called by itertools_calls.py before it rewrites an iterator as the list of its items).
Takes the user's FunctionDef, a `for` statement or a comprehension of it, and a lookup of the
function's free names; gives back True where the body may change an object the iterable
reads, or an alias of one.

An iterator of itertools (`chain(a, b)`, `islice(xs, 1, 4)`, `accumulate(xs)`) reads its
sequences lazily, item by item, as the loop asks: a write into `xs` in the body is seen by
the items still to come. The list of items srcdiff writes in its place (`[*a, *b]`) is
taken once, before the loop, so the rewrite is exact only where the body changes none of
those sequences. "May change" is told from the text, erring towards yes: an item or
attribute written, an augmented assignment, a method call other than a reading one, or the
name given to a call that is neither a builtin nor a NumPy function without `out=`, of any
name the iterable reads or of a name bound to (or from) one anywhere in the function; and
any such name read inside a nested function or lambda (which the body may call).
"""
import builtins

from . import syntax as S

_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)
_COMPREHENSIONS = (S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)
# methods of arrays, lists and dicts that read only (a call of any other may write)
_READING_METHODS = frozenset((
    "copy", "sum", "mean", "max", "min", "prod", "std", "var", "dot", "reshape", "astype",
    "tolist", "item", "index", "count", "keys", "values", "items", "get", "ravel",
    "flatten", "transpose", "any", "all", "argmax", "argmin", "cumsum", "cumprod", "round",
    "conj", "conjugate", "squeeze", "nonzero", "clip", "trace", "diagonal", "take"))
_READING_BUILTINS = frozenset((
    len, sum, min, max, abs, float, int, bool, range, enumerate, zip, sorted, list, tuple,
    dict, set, print, isinstance, round, repr, str, reversed, iter, any, all, map, filter))
_WRITING_NUMPY = frozenset(("copyto", "put", "place", "putmask", "fill_diagonal", "shuffle",
                            "put_along_axis", "at"))


def body_may_change(fdef, loop, lookup):
    """Whether the body of `loop` (a For, or a comprehension: its items, conditions and later
    iterables) may change what its (first) iterable reads; see the module's docstring."""
    if isinstance(loop, _COMPREHENSIONS):
        first = loop.generators[0]
        reads, body = first.iter, [first.target] + [
            g for g in loop.generators[1:]] + list(first.ifs) + (
            [loop.key, loop.value] if isinstance(loop, S.DictComp) else [loop.elt])
    else:
        reads, body = loop.iter, list(loop.body) + list(loop.orelse)
    callees = {id(S.attribute_chain(n.func)[0]) for n in S.walk(reads)
               if isinstance(n, S.Call)}   # (itertools of itertools.chain: not read)
    names = _aliases(fdef, {n.id for n in S.walk(reads) if isinstance(n, S.Name) and
                            id(n) not in callees})
    if _read_in_nested_scopes(fdef, names):
        return True
    return any(_changes(n, names, lookup) for part in body for n in S.walk(part))


def _root(node):
    while isinstance(node, (S.Subscript, S.Attribute, S.Starred)):
        node = node.value
    return node.id if isinstance(node, S.Name) else None


def _aliases(fdef, names):
    """`names` with every local name bound anywhere in fdef to a value that may be, hold or
    view one of them (`z = y`, `z = y[1:]`, `L = [y, w]`, `z = helper(y)`; `_held`), or
    whose value such a binding of one of them holds, until nothing is added."""
    names = set(names)
    local = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and
             not isinstance(n.ctx, S.Load)}   # (parameters too; a module's names never)
    pairs = []
    for n in S.walk(fdef):
        if isinstance(n, (S.Assign, S.AnnAssign, S.NamedExpr)) and n.value is not None:
            targets = n.targets if isinstance(n, S.Assign) else [n.target]
            pairs.append((targets, n.value))
        elif isinstance(n, (S.For, S.comprehension)) and isinstance(
                n.iter, (S.List, S.Tuple, S.Set)):   # (an item of anything else is no
            pairs.append(([n.target], n.iter))       # sequence the iterator reads)
        elif isinstance(n, S.With):
            pairs += [([i.optional_vars], i.context_expr) for i in n.items
                      if i.optional_vars is not None]
    bound = [({m.id for t in targets for m in S.walk(t) if isinstance(m, S.Name)} & local,
              _held(value) & local) for targets, value in pairs]
    grown = True
    while grown:
        grown = False
        for left, right in bound:
            if right and (left & names or right & names) and not (left | right) <= names:
                names |= left | right
                grown = True
    return names


# calls giving back a view of their (first) argument, or the argument itself
_VIEWS = frozenset(("reshape", "ravel", "view", "transpose", "squeeze", "swapaxes", "asarray",
                    "asanyarray", "atleast_1d", "atleast_2d", "atleast_3d", "expand_dims",
                    "moveaxis", "broadcast_to", "diagonal", "real", "imag", "flat", "T"))
# calls making a new object of their arguments' values
_FRESH = frozenset(("copy", "array", "list", "tuple", "sorted", "sum", "len", "float", "int",
                    "abs", "dict", "set", "str", "range", "zeros", "ones", "empty", "full",
                    "zeros_like", "ones_like", "full_like", "concatenate", "stack",
                    "flatten", "tolist", "astype", "mean", "dot", "prod"))


def _held(value):
    """The names whose object `value` may be, hold or view (arithmetic and calls making new
    objects hold none; a call of anything else, a function of the user's, may give back
    what it is given)."""
    if isinstance(value, S.Name):
        return {value.id}
    if isinstance(value, (S.Subscript, S.Attribute, S.Starred)):
        return _held(value.value)
    if isinstance(value, (S.Tuple, S.List, S.Set)):
        return set().union(*map(_held, value.elts))
    if isinstance(value, S.Dict):
        return set().union(*map(_held, value.values))
    if isinstance(value, S.IfExp):
        return _held(value.body) | _held(value.orelse)
    if isinstance(value, S.BoolOp):
        return set().union(*map(_held, value.values))
    if isinstance(value, S.NamedExpr):
        return _held(value.value) | {value.target.id}
    if isinstance(value, S.Call):
        name = S.called_name(value.func)
        if name in _FRESH:
            return set()
        held = set().union(*map(_held, value.args), *(_held(k.value) for k in value.keywords))
        if isinstance(value.func, S.Attribute) and name in _VIEWS:
            held |= _held(value.func.value)
        return held
    return set()


def _read_in_nested_scopes(fdef, names):
    for n in S.walk(fdef):
        if n is not fdef and isinstance(n, _SCOPES):
            if any(isinstance(m, S.Name) and m.id in names for m in S.walk(n)):
                return True
    return False


def _changes(node, names, lookup):
    """Whether `node` (a node of the body) may change an object one of `names` holds."""
    if isinstance(node, (S.Subscript, S.Attribute)) and \
            isinstance(node.ctx, (S.Store, S.Del)):
        return _root(node) in names
    if isinstance(node, S.AugAssign):
        return _root(node.target) in names
    if not isinstance(node, S.Call):
        return False
    func = node.func
    if isinstance(func, S.Attribute) and _root(func.value) in names and \
            func.attr not in _READING_METHODS:
        return True   # (y.append(v), y.sort(), y.fill(0.0))
    given = [a for a in node.args] + [k.value for k in node.keywords]
    if not any(_root(a) in names for a in given):
        return False
    return not _reads_only(func, node, lookup)


def _reads_only(func, call, lookup):
    """Whether the callee reads its arguments only: a builtin of _READING_BUILTINS, or a
    NumPy function that writes into none (no out=)."""
    base, rest = S.attribute_chain(func)
    if not isinstance(base, S.Name):
        return False
    value = lookup(base.id)
    if value is None and not rest:
        value = getattr(builtins, base.id, None)
    for attr in rest:
        value = getattr(value, attr, None)
    if any(value is b for b in _READING_BUILTINS):
        return True
    module = str(getattr(value, "__module__", "") or "")
    name = getattr(value, "__name__", "")
    return (module.split(".")[0] == "numpy" or type(value).__name__ == "ufunc") and \
        name not in _WRITING_NUMPY and not any(k.arg == "out" for k in call.keywords)
