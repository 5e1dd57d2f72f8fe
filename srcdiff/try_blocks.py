"""try/except blocks whose try part only reads, rewritten into a probe and an if (stage 3,
lower: called by lower.py's Lowerer.__init__, before idiom_rewrite.desugar, and by
forward.py, which asks `is_probe`). Takes the
user's `frontend.Source`, its gast FunctionDef and a resolver of free names (`rewrite`);
gives back a rewritten copy (the user's tree is left alone), or the same one where it holds
no try, or raises a located refusal of a try srcdiff cannot rewrite exactly.

The core language has no try: an adjoint must know which statements ran, and an exception
may stop the try block anywhere. A try block that only reads (assignments to names, `pass`,
expression statements, asserts; calls of NumPy, math and Python functions that change
nothing) can be asked first whether it raises, then run again where the answer is known::

    try:                           def attempt_1(K):          # kept in the primal as written
        L = np.linalg.cholesky(K)      try:
    except np.linalg.LinAlgError:          L = np.linalg.cholesky(K)
        L = np.eye(3)                  except np.linalg.LinAlgError:
                                           return 1
                                       return 0
                                   caught_1 = attempt_1(K)
                                   if caught_1 == 0:
                                       L = np.linalg.cholesky(K)      # differentiated
                                   else:
                                       L = np.eye(3)

The probe `attempt_N` runs the try block on the same values with the user's except clauses
and answers which clause caught (0: none); a nested def stays in the primal as written and
its answer is an int, so nothing of it is differentiated. With several statements in the
try block the probe also answers how many of them completed (`caught_1, done_1 = ...`):
those ran in Python before the exception and are run again, in order, before the handler.
Each statement of a try block changes only names and binds them once its value is computed,
so a statement either ran whole or not at all. The `else:` block follows the try block's
statements. A `finally:` block runs after the try statement (rewritten as above, or as
written where it has no except clause): where no return, break or continue leaves the try
statement early that is where it runs, and an exception leaving it ends the function either
way. Refused, located, with what to write instead: a try block with another kind of
statement (a write into an array, a loop, a return) or a call that might change something
or print (it would run twice), a return, break or continue leaving a try statement with a
`finally:`, a handler reading the exception (`as e`), a bare
`raise` in a handler.
"""
import builtins
import types

from . import syntax as S
from .core import assigned_names
from .errors import SrcdiffError

PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "complex", "dict", "divmod", "enumerate", "float",
    "frozenset", "getattr", "hasattr", "int", "isinstance", "issubclass", "len", "list",
    "max", "min", "pow", "range", "reversed", "round", "set", "slice", "sorted", "str",
    "sum", "tuple", "type", "zip"})
# methods of arrays, dicts, lists and strings that return a value and change nothing
PURE_METHODS = frozenset({
    "all", "any", "argmax", "argmin", "astype", "conj", "copy", "count", "cumprod", "cumsum",
    "diagonal", "dot", "flatten", "get", "index", "item", "items", "keys", "max", "mean",
    "min", "nonzero", "prod", "ravel", "repeat", "reshape", "round", "squeeze", "startswith",
    "std", "sum", "swapaxes", "take", "tolist", "trace", "transpose", "values", "var"})
PURE_MODULES = ("numpy", "math", "cmath", "scipy.special", "scipy.linalg", "operator")
_SIMPLE = (S.Assign, S.AugAssign, S.AnnAssign, S.Pass, S.Expr, S.Assert)


def rewrite(source, fdef, resolve):
    """A copy of `fdef` with each try statement rewritten (see the docstring); `fdef`
    itself where it holds none. `resolve(name)` is the object a free name means."""
    if not any(isinstance(n, S.Try) for n in S.walk(fdef)):
        return fdef
    for node in fdef.body:
        if isinstance(node, S.Try) and _answers_only(node):
            # a probe of ours, lowered itself: forward mode follows a call passing a list or
            # dict with tangents (rewriting it again would never end)
            raise source.error(node, "srcdiff cannot differentiate this try block in forward "
                               "mode: it reads a list or dict holding differentiated values",
                               hint="read what the try block needs from the list or dict "
                                    "into names before the try statement")
    tree = S.clone(fdef)
    taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
    taken |= {n.name for n in S.walk(tree) if isinstance(n, S.FunctionDef)}
    params = _parameters(tree.args)
    local = params | assigned_names(tree.body)
    _Rewriter(source, resolve, taken, local).block(tree.body)
    return tree


def _parameters(args):
    out = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    out |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    return out


class _Rewriter:
    def __init__(self, source, resolve, taken, local):
        self.src, self.resolve, self.taken, self.local = source, resolve, taken, local
        self.count = 0

    def fresh(self, *bases):
        """Names base_k for each of `bases`, with the first k none of them takes."""
        while True:
            self.count += 1
            names = [f"{base}_{self.count}" for base in bases]
            if not self.taken & set(names):
                self.taken |= set(names)
                return names

    def block(self, stmts):
        """Rewrite the try statements of a statement list, in place (not inside nested
        functions, which are lowered on their own where they are differentiated)."""
        out = []
        for stmt in stmts:
            if isinstance(stmt, S.Try):
                out.extend(self.try_(stmt))
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], S.stmt) \
                        and not isinstance(stmt, (S.FunctionDef, S.AsyncFunctionDef,
                                                  S.ClassDef)):
                    self.block(inner)
            out.append(stmt)
        stmts[:] = out

    # -- one try statement ------------------------------------------------------------
    def try_(self, node):
        if node.finalbody:
            return self.finally_(node)
        self.check(node)
        body, handlers = node.body, node.handlers
        probe, caught, done = self.fresh("attempt", "caught", "done")
        done = done if len(body) > 1 else None
        passed = _read_before_bound(body, self.local)
        # the probe: the user's try block and except clauses, answering which one caught
        answer = (lambda k: S.Tuple(elts=[S.const(k), S.load(done)], ctx=S.Load())
                  if done else S.const(k))
        inner = []
        for k, stmt in enumerate(body):
            inner.append(S.clone(stmt))
            if done and k < len(body) - 1:
                inner.append(S.Assign(targets=[S.store(done)], value=S.const(k + 1),
                                      type_comment=None))
        clauses = [S.ExceptHandler(type=S.clone(h.type), name=None,
                                   body=[S.Return(value=answer(k + 1))])
                   for k, h in enumerate(handlers)]
        probe_body = ([S.Assign(targets=[S.store(done)], value=S.const(0), type_comment=None)]
                      if done else [])
        probe_body += [S.Try(body=inner, handlers=clauses, orelse=[], finalbody=[]),
                       S.Return(value=S.Tuple(elts=[S.const(0), S.const(len(body))],
                                              ctx=S.Load()) if done else S.const(0))]
        define = S.function_def(probe, passed, probe_body)
        call = S.Call(func=S.load(probe), args=[S.load(p) for p in passed], keywords=[])
        target = S.Tuple(elts=[S.store(caught), S.store(done)], ctx=S.Store()) if done \
            else S.store(caught)
        ask = S.Assign(targets=[target], value=call, type_comment=None)
        # what runs after the answer: the try block and else block, or the statements that
        # completed and the handler that caught
        ran = [S.clone(s) for s in body] + list(node.orelse)
        failed = [S.If(test=S.Compare(left=S.load(done), ops=[S.GtE()],
                                      comparators=[S.const(k + 1)]),
                       body=[S.clone(body[k])], orelse=[]) for k in range(len(body) - 1)]
        chain = list(handlers[-1].body)
        for k in range(len(handlers) - 2, -1, -1):
            chain = [S.If(test=_equals(caught, k + 1), body=list(handlers[k].body),
                          orelse=chain)]
        failed += chain
        branch = S.If(test=_equals(caught, 0), body=ran, orelse=failed)
        out = [define, ask, branch]
        for stmt in out:
            S.place_unplaced(stmt, node)
        self.block(branch.body)
        self.block(branch.orelse)
        return out

    def finally_(self, node):
        """`try: B [except ...] finally: F` as the try without its finally, then F: the
        same where the try statement ends normally, and where an exception leaves it the
        function raises in both (F cannot stop it: a return, break or continue that would
        leave the try statement is refused)."""
        for n in _leaving(node):
            raise self.src.error(
                n, "srcdiff differentiates try/finally only where no return, break or "
                "continue leaves it (the finally block would run on the way out)",
                hint="set a flag in the try block and return (or break) after the try "
                     "statement")
        fin = list(node.finalbody)
        if node.handlers:
            rest = S.Try(body=node.body, handlers=node.handlers, orelse=node.orelse,
                         finalbody=[])
            S.place_unplaced(rest, node)
            out = self.try_(rest)
        else:
            out = list(node.body) + list(node.orelse)
            self.block(out)
        self.block(fin)
        return out + fin

    def check(self, node):
        if not node.handlers:
            raise self.src.error(node, "srcdiff does not differentiate a try without except")
        for stmt in node.body:
            if not isinstance(stmt, _SIMPLE) or not _names_only(stmt):
                raise self.src.error(
                    stmt, "srcdiff differentiates a try block only where it only reads: "
                    "assignments to names and calls that change nothing (it runs the block "
                    "once to learn whether it raises, then again to differentiate it)",
                    hint="keep only the lines that may raise in the try block, assigning "
                         "names, and do the rest after it (in its else: block)")
            for call in (n for n in S.walk(stmt) if isinstance(n, S.Call)):
                if not self.pure(call.func):
                    raise self.src.error(
                        call, f"the try block calls {S.spell(call.func)}, which might change "
                        "something or print: srcdiff runs a try block twice (once to learn "
                        "whether it raises, once to differentiate it)",
                        hint=f"call {S.spell(call.func)} before the try statement, or after "
                             "it in its else: block")
        for handler in node.handlers:
            if handler.name is not None and any(
                    isinstance(n, S.Name) and n.id == handler.name.id
                    for s in handler.body for n in S.walk(s)):
                raise self.src.error(handler, f"srcdiff does not differentiate a handler that "
                                     f"reads the exception ({handler.name.id})",
                                     hint="drop the `as` name, or handle the error outside "
                                          "the function you differentiate")
            for n in (n for s in handler.body for n in S.walk(s)):
                if isinstance(n, S.Raise) and n.exc is None:
                    raise self.src.error(n, "srcdiff does not differentiate a bare raise "
                                         "in an except block",
                                         hint="raise a new exception: raise ValueError(...)")

    def pure(self, func):
        """Whether a call of `func` (an expression) changes nothing: a builtin of
        PURE_BUILTINS, a function of a module of PURE_MODULES (not numpy.random), or a
        method of PURE_METHODS of a value."""
        base, attrs = S.attribute_chain(func)
        method = bool(attrs) and attrs[-1] in PURE_METHODS
        if not isinstance(base, S.Name) or base.id in self.local:
            return method   # a method of a value
        obj = self.resolve(base.id)
        if method and not isinstance(obj, (types.ModuleType, type)):
            return True     # a method of a global value
        if obj is None:
            return False
        if not attrs and obj is getattr(builtins, base.id, None):
            return base.id in PURE_BUILTINS
        for a in attrs:
            try:
                obj = getattr(obj, a)
            except AttributeError:
                return False
        module = "numpy" if type(obj).__name__ == "ufunc" else \
            (getattr(obj, "__module__", None) or "")
        if module.startswith(("numpy.random", "numpy.testing")):
            return False
        return any(module == m or module.startswith(m + ".") or module.startswith("_" + m)
                   for m in PURE_MODULES)


def _answers_only(node):
    """Whether each except clause of a try statement only returns which clause caught (the
    probes this module writes)."""
    def answer(v):
        return isinstance(v, S.Constant) and type(v.value) is int or isinstance(v, S.Tuple) \
            and len(v.elts) == 2 and answer(v.elts[0]) and isinstance(v.elts[1], S.Name)
    return bool(node.handlers) and all(   # (try/finally has none: not a probe)
        len(h.body) == 1 and isinstance(h.body[0], S.Return) and
        h.body[0].value is not None and answer(h.body[0].value) for h in node.handlers)


def _names_only(stmt):
    """Whether a statement of a try block binds only plain names (or tuples of them)."""
    if isinstance(stmt, S.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (S.AugAssign, S.AnnAssign)):
        targets = [stmt.target]
    else:
        return True

    def names(t):
        if isinstance(t, S.Name):
            return True
        if isinstance(t, (S.Tuple, S.List)):
            return all(names(e) for e in t.elts)
        return isinstance(t, S.Starred) and names(t.value)
    return all(names(t) for t in targets)


def _read_before_bound(body, local):
    """The locals of f a try block reads before binding them itself, in order of reading
    (the probe's parameters)."""
    bound, out = set(), []
    for stmt in body:
        if isinstance(stmt, (S.Assign, S.AnnAssign)):
            reads, stores = [stmt.value] if stmt.value is not None else [], []
            stores = stmt.targets if isinstance(stmt, S.Assign) else [stmt.target]
        elif isinstance(stmt, S.AugAssign):
            reads, stores = [stmt.value, S.load(stmt.target.id)], [stmt.target]
        else:
            reads, stores = [stmt], []
        for r in reads:
            own = {n.id for n in S.walk(r) if isinstance(n, S.Name)   # comprehensions'
                   and isinstance(n.ctx, S.Store)}
            for n in S.walk(r):
                if isinstance(n, S.Name) and isinstance(n.ctx, S.Load) and n.id in local \
                        and n.id not in bound | own and n.id not in out:
                    out.append(n.id)
        bound |= {n.id for s in stores for n in S.walk(s) if isinstance(n, S.Name)}
    return out


def _leaving(node):
    """The return, yield, break and continue statements in a try statement that would leave
    it (those of nested functions and of loops inside it are not)."""
    def walk(stmts, in_loop):
        for stmt in stmts:
            if isinstance(stmt, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
                continue
            if isinstance(stmt, (S.Return, S.Break, S.Continue)) and not (
                    in_loop and isinstance(stmt, (S.Break, S.Continue))):
                yield stmt
                continue
            if isinstance(stmt, S.stmt):
                for n in S.walk(stmt):
                    if isinstance(n, (S.Yield, S.YieldFrom)) and not _in_nested(stmt, n):
                        yield stmt
                        break
            loop = in_loop or isinstance(stmt, (S.For, S.AsyncFor, S.While))
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(stmt, field, None) or []
                yield from walk(inner, loop and field != "orelse" or in_loop)
            for case in getattr(stmt, "cases", None) or []:
                yield from walk(case.body, in_loop)
    yield from walk([node], False)


def _in_nested(stmt, target):
    """Whether `target` lies inside a function, lambda or class nested in `stmt`."""
    for n in S.walk(stmt):
        if n is not stmt and isinstance(n, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef,
                                            S.Lambda)):
            if any(m is target for m in S.walk(n)):
                return True
    return False


def _equals(name, k):
    return S.Compare(left=S.load(name), ops=[S.Eq()], comparators=[S.const(k)])


def is_probe(fn):
    """Whether `fn` (a nested function lifted by lower.py: callables.LocalFunction) is a
    probe this module wrote, or any function of that shape: one try statement whose except
    clauses return ints (or an int and a name bound only to ints), a try block that only
    reads, nothing else but ints bound and returned. Its result is an int without
    derivative, so neither mode needs to follow the call (forward mode would otherwise
    lower it, and rewrite its try block again)."""
    node = getattr(getattr(fn, "source", None), "node", None)
    if not isinstance(node, S.FunctionDef):
        return False
    tries = [s for s in node.body if isinstance(s, S.Try)]
    if len(tries) != 1 or not _answers_only(tries[0]) or tries[0].orelse:
        return False
    counters = {t.id for s in S.walk(tries[0]) if isinstance(s, S.Return)
                and isinstance(s.value, S.Tuple) for t in s.value.elts[1:]}
    for n in S.walk(node):
        if isinstance(n, S.Assign) and any(isinstance(t, S.Name) and t.id in counters
                                           for t in n.targets):
            if not (isinstance(n.value, S.Constant) and type(n.value.value) is int):
                return False
        elif isinstance(n, (S.AugAssign, S.AnnAssign)) and isinstance(n.target, S.Name) \
                and n.target.id in counters:
            return False

    def ints(v):
        return isinstance(v, S.Constant) and type(v.value) is int or \
            isinstance(v, S.Tuple) and all(ints(e) for e in v.elts)
    for s in node.body:
        if s is tries[0]:
            continue
        if isinstance(s, S.Return) and s.value is not None and ints(s.value):
            continue
        if isinstance(s, S.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], S.Name) and s.targets[0].id in counters and \
                ints(s.value):
            continue
        return False
    resolver = getattr(fn, "resolver", None)
    if resolver is None:
        return False
    local = _parameters(node.args) | assigned_names(node.body)
    try:
        _Rewriter(fn.source, lambda name: resolver.lookup(name, None), set(), local).check(
            tries[0])
    except SrcdiffError:
        return False
    return True
