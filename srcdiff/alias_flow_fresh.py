"""Whether a function of the user's returns a new value nobody else holds (stage 3, lower:
called by alias_flow.py and aliasing.py). Takes a user function (`fresh_result`); gives back
whether every value it returns is made inside it and it stores nothing that outlives the
call (with the items of a returned list or tuple that may be its arguments; none that may
be: `fresh_items`); the parameters its result may be or hold (`returned_parameters`; of
**kw, only the keys it reads: `returned_sources`) and those it may store what its
arguments reach into (`stores_only_into`, for writing_helpers' variants).

A call of a function a module-level table holds (`ACTS[kind](t)`) keeps nothing where each
function the table holds keeps nothing: the derivative calls the one srcdiff read from the
table when compiling (function_dicts checks the item where it is called). A lambda bound
to a local that nothing reads is dropped at the return.

alias_flow.Flow follows which arrays each name may hold. A call of the user's own function
used to count as returning any of its arguments (or part of one), so that in

    vx_new = advect(vx, vx, vy)     # advect returns np.reshape(a new array, ...)
    vx, vy = project(vx_new, vy_new)  # project does vx -= ...; return vx, vy

the caller's `vx` seemed to be what project updates in place, and the call was refused.
`fresh_result(fn)` reads fn's syntax and proves that every value it returns is made inside
it (an arithmetic result, a NumPy function that copies, a view of such a value, another
such function's result) and that fn stores nothing anywhere that outlives the call (no
globals, attributes, closures, or items of containers it did not make), so no other name
holds the result. The items of a returned list or tuple may still be (parts of) fn's
arguments: the caller counts them as held by the result. Anything else, or anything
unknown, is not proven, and the caller keeps its conservative view.
"""
import types

import numpy

from . import syntax as S
from .alias_fresh_items import COMPREHENSIONS, bindings, class_function, dead_lambdas, \
    deep_fresh, items_of, own_class, returned_arity
from .library_results import (  # noqa: F401 (read here by alias_flow, aliasing, ...)
    _PLAIN, _TAME_BUILTINS, FRESH, FRESH_BUILTINS, FRESH_METHODS, READ_METHODS, STORE_METHODS,
    VIEW_ATTRIBUTES, VIEW_FUNCS, VIEW_METHODS, copies, fresh_call, keeps_nothing,
    may_return_receiver, numpy_array_call, plain_library_function, viewed_argument)

_DEPTH = 4   # how many calls of the user's functions deep a proof follows

def fresh_result(fn, _seen=()):
    """True when every value the user's function `fn` returns is made inside it and fn
    keeps no reference to anything (see the module docstring). False when not proven."""
    proof = _proof(fn, _seen)
    return proof is not None and proof.ok


def fresh_items(fn, _seen=()):
    """fresh_result, where what `fn` returns also holds nothing of its arguments' (or of
    anything else made before the call), at any depth: `{k: p[k] - lr * g[k] for k in p}`
    (alias_fresh_items.deep_fresh). False when not proven."""
    proof = _proof(fn, _seen)
    return proof is not None and proof.ok and deep_fresh(
        proof, fresh_items, lambda f: numpy_array_call(f) or f in FRESH_BUILTINS or (
            isinstance(f, types.FunctionType) and array_result(f, proof.seen)))


def array_result(fn, _seen=()):
    """fresh_result, where every value the user's function `fn` returns is a number or a
    new array (a constant, a ufunc's or copying NumPy function's result), never a list:
    `def act(self, t): return numpy.sin(t)`."""
    proof = _proof(fn, _seen)
    return proof is not None and proof.ok and bool(proof.returns) and all(
        r.value is not None and proof._no_list(r.value) for r in proof.returns)


def fresh_arity(fn):
    """For fresh_items(fn): the number of items of the tuple (or list) it always returns,
    each a new value of its own; None when not that."""
    proof = _proof(fn, ())
    return returned_arity(proof) if proof is not None and proof.ok else None


def keeps_no_argument(fn, _seen=()):
    """True when the user's function `fn` keeps no reference to anything once it returns
    (no globals, attributes, closures, items of containers it did not make), whatever it
    returns (one of its arguments, part of one, a new value): after the call, only its
    result can hold what it was given. False when not proven."""
    proof = _proof(fn, _seen)
    return proof is not None and proof.keeps_nothing


def stores_only_into(fn, _seen=()):
    """The parameters of the user's function `fn` it may store what its arguments reach
    into by item writes (`M[i] = M[i] * c`, `out[k] = v`; `out[:] = numpy.tanh(v)` stores a
    new array, `M[i] -= v` updates in place: nothing kept), where it keeps nothing anywhere
    else once it returns (see keeps_no_argument): a frozenset, empty when it stores nothing
    of theirs; None when not proven."""
    proof = _proof(fn, _seen)
    return None if proof is None else proof.stored


def returned_parameters(fn, _seen=()):
    """The parameters of the user's function `fn` whose values (or what they hold) what it
    returns may be or hold, where it keeps nothing (keeps_no_argument): `total = w; total =
    total + numpy.sum(a); return total` gives back w or a new number: {"w"}. A frozenset;
    None when not proven."""
    got = returned_sources(fn, _seen)
    return None if got is None else frozenset(p for p, _ in got)


def returned_sources(fn, _seen=()):
    """returned_parameters as pairs (parameter, None), where for the **kwargs parameter kw
    read only as `kw["a"]` or `kw.get("a", default)` in what may be returned, the pair
    (kw, "a") stands for kw: only the value given under that key (none where the call
    gives none) may be or be held by the result. `total = w * kw["a"]; ...; return total +
    kw.get("c", 0.5)` gives back {("w", None), ("kw", "a"), ("kw", "c")}: not what `b=u`
    gave. None when not proven."""
    proof = _proof(fn, _seen)
    return proof.returned if proof is not None and proof.keeps_nothing else None


def _proof(fn, seen):
    if fn in seen:
        return _Assumed(fn)
    if len(seen) >= _DEPTH:
        return None
    try:
        return _Proof(fn, seen + (fn,))
    except Exception:  # noqa: BLE001  (no source, a parse failure: not proven)
        return None


_ASSUMED = {}   # a function -> how many times a call of its own was taken to keep nothing


class _Assumed:
    """A recursive call (of a function whose proof is under way, directly or through
    others): taken to keep nothing, as the proof around it must then show of the function
    itself. That holds for every run by induction on the depth of the calls (each run's
    own statements keep nothing, and so do its calls), and where the proof shows otherwise,
    whatever it found assuming it is dropped (_Proof: `stored`). Nothing else is assumed:
    its result is unknown."""
    ok = False
    keeps_nothing = True
    stored = frozenset()
    returned = None

    def __init__(self, fn):
        _ASSUMED[fn] = _ASSUMED.get(fn, 0) + 1


_MISSING = object()
class _Proof:
    def __init__(self, fn, seen):
        from .frontend import Resolver, get_source
        from . import variadic
        self.fn, self.seen = fn, seen
        assumed = _ASSUMED.get(fn, 0)   # (_Assumed: whether a call of its own is taken so)
        fdef = get_source(fn).node
        names = variadic.parameter_names(fdef)
        self.params = set(names)
        self.kwarg = names[-1] if fdef.args.kwarg is not None else None   # (**kw's name)
        self.resolver = Resolver(fn)
        self.ok = self.keeps_nothing = False
        self.own = own_class(fn, fdef)   # (receiver, class): `self.act(t)` is cls.act
        self.stored = None   # (stores_only_into)
        nodes = [n for stmt in fdef.body for n in S.walk(stmt)]
        dead = self.dead = dead_lambdas(nodes)
        if any(isinstance(n, (S.Global, S.Nonlocal, S.FunctionDef, S.AsyncFunctionDef,
                              S.Lambda, S.ClassDef, S.Yield, S.YieldFrom, S.Await, S.Delete,
                              S.NamedExpr, S.GeneratorExp, S.Try, S.With, S.Import, S.ImportFrom))
               and id(n) not in dead for n in nodes):
            return
        self.locals = {n.id for n in nodes if isinstance(n, S.Name) and
                       isinstance(n.ctx, S.Store)} - self.params
        self.bindings = bindings(nodes)
        self.tame = set(self.locals)    # may hold only what the arguments reach, or new
        self.fresh = set(self.locals)   # surely a value made here
        for _ in range(len(self.locals) + 2):   # shrink both until nothing changes
            before = (set(self.tame), set(self.fresh))
            for name in self.locals:
                for target, value in self.bindings.get(name, [("?", None)]):
                    if value is None or not self._tame(value):
                        self.tame.discard(name)
                    if target != "name" or value is None or not self._fresh(value):
                        self.fresh.discard(name)
            self.fresh &= self.tame
            if (self.tame, self.fresh) == before:
                break
        else:
            return
        returns = self.returns = [n for n in nodes if isinstance(n, S.Return)]
        self.keeps_nothing = all(self._stores_nothing(n) for n in nodes)
        into = set()
        if self.keeps_nothing:
            self.stored = frozenset()
        elif all(self._stores_nothing(n, into) for n in nodes) and \
                _ASSUMED.get(fn, 0) == assumed:   # (not assuming what it disproved)
            self.stored = frozenset(into)
        self.ok = self.keeps_nothing and all(n.value is None or self._fresh(n.value)
                                             for n in returns)
        self.returned = self._returned(returns)

    def _returned(self, returns):
        """returned_parameters: the parameters each local may be or hold (a fixpoint over
        its bindings), then those of each returned value; None where one is not known."""
        sources = {}
        for _ in range(len(self.locals) + 2):
            before = dict(sources)
            for name in self.locals:
                got = set()
                for _, value in self.bindings.get(name, [("?", None)]):
                    part = frozenset() if id(value) in self.dead else \
                        None if value is None else self._sources(value, sources)
                    if part is None:
                        return None
                    got |= part
                sources[name] = frozenset(got)
            if sources == before:
                break
        else:
            return None
        out = set()
        for n in returns:
            part = set() if n.value is None else self._sources(n.value, sources)
            if part is None:
                return None
            out |= part
        return frozenset(out)

    def _sources(self, node, sources):
        """The parameters `node`'s value may be or hold (a new array from a ufunc or a
        copying NumPy function holds none), or None where not known."""
        if isinstance(node, S.Constant):
            return set()
        if isinstance(node, S.Name):
            return {(node.id, None)} if node.id in self.params else set(sources.get(node.id, ())) \
                if node.id in self.locals else set() if self._tame(node, True) else None
        key = self._kwarg_key(node)
        if key is not None:   # (kw["a"], kw.get("a", default): only what key "a" holds)
            rest = [self._sources(d, sources) for d in node.args[1:]] if \
                isinstance(node, S.Call) else []
            return None if None in rest else set().union({(self.kwarg, key)}, *rest)
        if isinstance(node, S.Call):
            func = self._callee(node)
            if (isinstance(func, numpy.ufunc) or func in FRESH or func in FRESH_BUILTINS) and \
                    viewed_argument(func, node) is None:   # (einsum('ii->i', a): a's memory)
                if not any(isinstance(a, S.Starred) for a in node.args) and not any(
                        k.arg in ("copy", "out") or k.arg is None for k in node.keywords):
                    return set()
            parts = list(node.args) + [k.value for k in node.keywords] + (
                [node.func] if func is _MISSING or func is not self._global(node.func)
                else [])   # (a method's receiver, self for self.m(...), a
            # function given as an argument: what it holds)
        elif isinstance(node, (S.Attribute, S.Subscript, S.Starred)):
            parts = [node.value]
        elif isinstance(node, (S.Tuple, S.List, S.Set)):
            parts = node.elts
        elif isinstance(node, S.Dict):
            parts = [e for e in node.keys + node.values if e is not None]
        elif isinstance(node, COMPREHENSIONS):
            parts = items_of(node)   # (its targets are locals bound from the iterables)
        elif isinstance(node, (S.BinOp, S.UnaryOp, S.Compare, S.BoolOp, S.IfExp)):
            parts = [e for e in S.iter_child_nodes(node)
                     if not isinstance(e, (S.operator, S.unaryop, S.cmpop, S.boolop))]
        else:
            return None
        out = set()
        for p in parts:
            got = self._sources(p, sources)
            if got is None:
                return None
            out |= got
        return out

    def _kwarg_key(self, node):
        """For `kw["a"]` or `kw.get("a")`, `kw.get("a", default)` of the **kwargs parameter
        kw (a dict made for the call, never bound anew here): "a". Else None."""
        if self.kwarg is None or self.kwarg in self.bindings:
            return None
        if isinstance(node, S.Subscript):
            base, key = node.value, node.slice
        elif isinstance(node, S.Call) and isinstance(node.func, S.Attribute) and \
                node.func.attr == "get" and 1 <= len(node.args) <= 2 and not node.keywords \
                and not any(isinstance(a, S.Starred) for a in node.args):
            base, key = node.func.value, node.args[0]
        else:
            return None
        if isinstance(base, S.Name) and base.id == self.kwarg and \
                isinstance(key, S.Constant) and type(key.value) is str:
            return key.value
        return None

    # -- names -----------------------------------------------------------------------
    def _global(self, node):
        """The value a global name or attribute chain means now, else _MISSING."""
        parts = []
        while isinstance(node, S.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, S.Name) or node.id in self.params or node.id in self.locals:
            return _MISSING
        obj = self.resolver.lookup(node.id, _MISSING)
        for attr in reversed(parts):
            if obj is _MISSING:
                break
            obj = getattr(obj, attr, _MISSING)
        return obj

    def _callee(self, call):
        """_global of what `call` calls, or for `self.m(...)` in a method of a class with no
        subclasses (whose own methods are the ones a call on self runs) that method."""
        func, node = self._global(call.func), call.func
        if func is _MISSING and self.own is not None and isinstance(node, S.Attribute) and \
                isinstance(node.value, S.Name) and node.value.id == self.own[0] and \
                node.value.id not in self.bindings:
            return class_function(self.own[1], node.attr, _MISSING)
        return func

    def _plain_global(self, node, arithmetic):
        obj = self._global(node)
        if obj is _MISSING:
            return False
        return isinstance(obj, _PLAIN) or (arithmetic and isinstance(obj, numpy.ndarray)
                                           and obj.dtype != object)

    # -- expressions -----------------------------------------------------------------
    def _tame(self, node, arithmetic=False):
        """Whether `node`'s value is new, or only what the arguments reach (for
        `arithmetic`, an operand of +, -, ...: a global array is fine too)."""
        if isinstance(node, S.Constant):
            return True
        if isinstance(node, S.Name):
            if node.id in self.params:
                return True
            if node.id in self.locals:
                return node.id in self.tame
            return self._plain_global(node, arithmetic)
        if isinstance(node, S.Attribute):
            if self._global(node) is not _MISSING:
                return self._plain_global(node, arithmetic)
            return self._tame(node.value, arithmetic)
        if isinstance(node, S.Subscript):
            return self._tame(node.value, arithmetic) and self._tame(node.slice, True)
        if isinstance(node, (S.Tuple, S.List, S.Set)):
            return all(self._tame(e, arithmetic) for e in node.elts)
        if isinstance(node, S.Dict):
            return all(self._tame(e, arithmetic) for e in node.keys + node.values
                       if e is not None)
        if isinstance(node, S.Starred):
            return self._tame(node.value, arithmetic)
        if isinstance(node, COMPREHENSIONS):
            return self._fresh(node)
        if isinstance(node, S.Slice):
            return all(self._tame(e, True) for e in (node.lower, node.upper, node.step)
                       if e is not None)
        if isinstance(node, (S.BinOp, S.UnaryOp, S.Compare, S.BoolOp, S.IfExp)):
            return all(self._tame(e, True) for e in S.iter_child_nodes(node)
                       if not isinstance(e, (S.operator, S.unaryop, S.cmpop, S.boolop)))
        if isinstance(node, S.Call):
            if self._fresh(node):
                return True
            parts = list(node.args) + [k.value for k in node.keywords]
            if not all(self._tame(a) for a in parts):
                return False
            func = self._global(node.func)
            if func is not _MISSING:   # (a builtin may give a global: getattr(module, ...))
                return (keeps_nothing(func) or func in _TAME_BUILTINS) and (
                    getattr(func, "__module__", None) != "builtins" or func in _TAME_BUILTINS)
            return isinstance(node.func, S.Attribute) and node.func.attr in \
                VIEW_METHODS | FRESH_METHODS | READ_METHODS and self._tame(node.func.value)
        return False   # a comprehension, f-string parts, ...: not followed

    def _fresh(self, node):
        """Whether `node`'s value is surely made here (no one else holds it)."""
        if isinstance(node, S.Constant):
            return True
        if isinstance(node, S.Name):
            return node.id in self.fresh
        if isinstance(node, (S.BinOp, S.UnaryOp, S.Compare)):
            return self._tame(node, True)
        if isinstance(node, S.IfExp):
            return self._fresh(node.body) and self._fresh(node.orelse)
        if isinstance(node, S.BoolOp):
            return all(self._fresh(v) for v in node.values)
        if isinstance(node, (S.Tuple, S.List, S.Dict)):
            return self._tame(node)   # a new container; its items: see the docstring
        if isinstance(node, COMPREHENSIONS):   # a new list, set or dict, built at once
            return all(self._tame(e) for e in items_of(node)) and all(
                self._tame(g.iter) and all(self._tame(c, True) for c in g.ifs)
                for g in node.generators)
        if isinstance(node, S.Attribute):
            return node.attr in VIEW_ATTRIBUTES and self._global(node) is _MISSING and \
                self._fresh(node.value)
        if not isinstance(node, S.Call) or any(isinstance(a, S.Starred) for a in node.args):
            return False
        if any(k.arg in ("copy", "out") or k.arg is None for k in node.keywords):
            return False
        func, table = self._callee(node), self._table(node.func)
        if func is _MISSING and table is not None:   # ACTS[kind](t): each one's is new
            return all(self._fresh_by(f, node) for f in table)
        if func is _MISSING:   # a method of a value computed here
            if not isinstance(node.func, S.Attribute):
                return False
            attr, receiver = node.func.attr, node.func.value
            if attr in FRESH_METHODS:
                return self._tame(receiver, True) and all(self._tame(a, True)
                                                          for a in node.args)
            return attr in VIEW_METHODS and self._fresh(receiver)
        return self._fresh_by(func, node)

    def _fresh_by(self, func, node):
        """Whether the call `node` of `func` surely gives a value made in it."""
        viewed = viewed_argument(func, node)
        if viewed is not None:   # (numpy.einsum('i->i', a): a view of a)
            return self._fresh(viewed)
        if isinstance(func, numpy.ufunc) or func in FRESH or func in FRESH_BUILTINS:
            return True
        from .callables import is_user_function
        if isinstance(func, types.FunctionType) and is_user_function(func):
            return all(self._tame(a) for a in node.args) and \
                all(self._tame(k.value) for k in node.keywords) and \
                fresh_result(func, self.seen)
        return False

    def _table(self, node):
        """The functions a module-level table holds, for a callee `ACTS[kind]` (a dict, list
        or tuple: the call runs the one srcdiff read from it when compiling, checked where it
        is called by function_dicts), else None."""
        table = self._global(node.value) if isinstance(node, S.Subscript) else None
        if type(table) not in (dict, list, tuple) or not 0 < len(table) <= 8:
            return None
        return list(table.values() if type(table) is dict else table)

    def _keeper_free(self, func):
        """Whether calling `func` leaves nothing it was given held once it returns."""
        from .callables import is_user_function
        if keeps_nothing(func) or (isinstance(func, type) and func in FRESH_BUILTINS):
            return True   # (NumPy's, float(i): a rule-less numpy.eye is no user's)
        if isinstance(func, types.FunctionType) and is_user_function(func):
            return keeps_no_argument(func, self.seen)
        return func in (list, tuple, dict, set, range, enumerate, zip, reversed)

    def _no_list(self, node):
        """Whether `node` is surely a number or an array (never a list): a constant, or a
        ufunc's or a copying NumPy function's result (of each function a table holds, or
        one of the user's giving only such values: `ACTS[kind](t)`)."""
        if isinstance(node, S.Constant):
            return True
        func = self._global(node.func) if isinstance(node, S.Call) else _MISSING
        table = self._table(node.func) if isinstance(node, S.Call) else None
        return all(isinstance(f, numpy.ufunc) or f in FRESH or (isinstance(
            f, types.FunctionType) and table is not None and array_result(f, self.seen))
            for f in (table if table is not None else [func])) and self._fresh(node)

    # -- statements ------------------------------------------------------------------
    def _stores_nothing(self, node, into=None):
        """Whether `node` stores nothing where it outlives the call: item writes and
        appends only into containers made here, of values the arguments reach at most;
        calls only of functions that keep nothing (NumPy, math, builtins, srcdiff's own
        and functions of the user's proven the same way). With a set `into`, item writes
        `p[...] = v` into a parameter p of such values are allowed too: p goes into `into`."""
        if isinstance(node, (S.Assign, S.AugAssign, S.AnnAssign)):
            targets = node.targets if isinstance(node, S.Assign) else [node.target]
            for t in targets:
                for part in S.walk(t):
                    if isinstance(part, S.Attribute) and isinstance(part.ctx, S.Store):
                        return False
                    if isinstance(part, S.Subscript) and isinstance(part.ctx, S.Store):
                        if node.value is None or not self._tame(node.value) or \
                                not isinstance(part.value, S.Name):
                            return False
                        if part.value.id in self.fresh:
                            continue
                        if into is None or part.value.id not in self.params or \
                                part.value.id in self.bindings or part is not t or (
                                    isinstance(node, S.AugAssign) and
                                    isinstance(node.op, S.Add) and not self._no_list(node.value)):
                            return False   # (a parameter rebound; `p[i] += v` may extend
                        if isinstance(node, S.Assign) and not self._no_list(node.value):
                            into.add(part.value.id)   # a list p[i] holds by v's items)
                        # (a number or a new array stored, or an update in place: nothing
                        # of the arguments' is kept)
            return True
        if not isinstance(node, S.Call):
            return True
        func = self._callee(node)
        if func is not _MISSING:
            return self._keeper_free(func)
        table = self._table(node.func)
        if table is not None:   # (each one keeps nothing)
            return all(self._keeper_free(f) for f in table)
        if not isinstance(node.func, S.Attribute):
            return False
        attr, receiver = node.func.attr, node.func.value
        if attr in STORE_METHODS:
            return isinstance(receiver, S.Name) and receiver.id in self.fresh and \
                all(self._tame(a) for a in node.args)
        return attr in VIEW_METHODS | FRESH_METHODS | READ_METHODS
