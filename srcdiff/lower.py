"""Stage 3, lower: rewrite a function into the small core language.

The core language (what every later stage may assume):

* ``x = E`` where E is an atom (name or constant), or one operation on atoms:
  ``a op b``, ``op a``, ``f(a, k=b)``, ``a[i, j:k]``, ``a.attr``, ``(a, b)``,
  ``[a, b]``, ``{k: a}``, or an *opaque* expression (comparisons, ``not``,
  f-strings): a value that is never differentiated. The target never appears
  among the operands.
* ``x[idx] = a`` (an item write into a local array or list) and
  ``lst.append(a)``; other expression statements are calls kept for effects.
* ``if c: ... else: ...`` whose test is a fresh condition temporary.
* ``for i in r: ...`` where ``r`` is a ``range`` held in a temporary, and
  ``while c: ...`` whose test is recomputed at the end of the body. A loop
  body may end with ``if flag: break``; no other break or continue remains.
* one ``return a`` at the very end.
* ``operator.add(a, b)`` and ``operator.mul(a, b)`` are ``a + b`` and ``a * b``;
  ``operator.concat(a, b)`` is ``a + b`` after ``check_concat(a, b)`` (sequences.py).
* ``+`` and ``*`` that may meet a list or tuple are calls of runtime.sequence_add /
  sequence_mul (sequences.py); ``for k in d`` over a value that may be a dict iterates
  over runtime.iteration_order(d); ``d.values()``, ``d.items()``, ``list(v)``, dict
  comprehensions are calls of list- and dict-making helpers (templates/containers.py).
* ``operator.iadd(a, b)`` (isub, imul, ...) is an ``if`` on ``changes_in_place(a, ...)``:
  ``a += b`` where a's type has the in-place method, ``a + b`` where not (inplace_calls.py).
* ``a op= b`` and ``c[k] op= b``, where the value updated may be an array, first call
  ``check_update(a, b, method)``, which raises NumPy's error where the result does not fit
  the array in place (update_checks.py).

Every statement carries ``sd`` (an `Info`): what kind of operation it is, the
Python object a call means, and the user's line it comes from. The user's
loops and branches stay loops and branches.
"""
import functools
import operator
import os
import types

from . import analyze, idioms, inplace_calls, rules, runtime_linalg, sequences, update_checks
from . import objects as fobjects
from . import values as fvalues
from . import variadic as fvariadic
from . import syntax as S
from . import checks
from . import alias_flow
from .aliasing import check_appends, check_dict_views, check_writes
from .callables import (ARRAY_ATTRIBUTES, ARRAY_METHODS, MUTATING_METHODS,  # noqa: F401
                        SAME_AS_METHOD, SHAPE_ATTRIBUTES, VARARG_METHODS, LocalFunction, canonical_path,
                        is_distribution, is_user_function, is_literal as _is_literal,
                        reference)
from .core import GENERATED_PREFIX, Info, LoopInfo, Lowered, assigned_names  # noqa: F401
from .errors import where
from .lower_exprs import BINOPS, OP_NAMES, ExpressionLowering, _stem  # noqa: F401
from .desugar import DICT_VIEWS, Desugaring
from .names import Namer

# methods of a frozen scipy.stats distribution d(*params) that mean d.method(point, *params)
FROZEN_METHODS = {"pdf", "logpdf", "cdf", "logcdf", "pmf", "logpmf", "sf", "logsf", "ppf",
                  "isf", "mean", "var", "std", "median", "entropy"}

INPLACE_METHODS = {
    S.Add: "__iadd__", S.Sub: "__isub__", S.Mult: "__imul__", S.Div: "__itruediv__",
    S.Pow: "__ipow__", S.MatMult: "__imatmul__", S.FloorDiv: "__ifloordiv__",
    S.Mod: "__imod__",
}
_INPLACE_ANY = {**INPLACE_METHODS, S.BitOr: "__ior__", S.BitAnd: "__iand__",
                S.BitXor: "__ixor__", S.LShift: "__ilshift__", S.RShift: "__irshift__"}
_OP_TEXT = {S.Add: "+", S.Sub: "-", S.Mult: "*", S.Div: "/", S.Pow: "**", S.MatMult: "@",
            S.FloorDiv: "//", S.Mod: "%", S.BitOr: "|", S.BitAnd: "&", S.BitXor: "^",
            S.LShift: "<<", S.RShift: ">>"}

REFUSED = {
    S.Try: ("try/except", "move the error handling outside the function you differentiate"),
    S.With: ("a with-block", "enter the context outside the function you differentiate"),
    S.Global: ("a global statement", "pass the value in as an argument and return the new value"),
    S.Nonlocal: ("a nonlocal statement", "pass the value in as an argument and return the new value"),
    S.ClassDef: ("a class definition", "define the class at module level"),
    S.Delete: ("del of an item or attribute", "drop the del statement; the adjoint needs the value"),
    S.AsyncFunctionDef: ("an async function", "differentiate a plain function"),
    S.AsyncFor: ("async for", "use a plain for loop"),
    S.AsyncWith: ("async with", "enter the context outside the function"),
    S.Import: ("an import inside the function", "import at module level"),
    S.ImportFrom: ("an import inside the function", "import at module level"),
}
if hasattr(S, "Match"):
    REFUSED[S.Match] = ("a match statement", "use if/elif/else")
if hasattr(S, "TryStar"):
    REFUSED[S.TryStar] = ("try/except*", "move the error handling outside the function")



class _Spelling(dict):
    """Temporary names to the user's expressions they hold, spelled as source text only
    when a refusal asks (spelling every expression up front cost a fifth of lowering)."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return S.spell(value) if isinstance(value, S.AST) else value

    def get(self, key, default=None):
        return self[key] if key in self else default

OP_TEXT_AUG = {"__iadd__": "+=", "__isub__": "-=", "__imul__": "*=", "__itruediv__": "/=",
               "__ipow__": "**=", "__imatmul__": "@=", "__ifloordiv__": "//=", "__imod__": "%="}


class Lowerer(Desugaring, ExpressionLowering):
    """Turns one user function (gast FunctionDef) into a `Lowered` core function."""

    def __init__(self, source, resolver, known_types=None, containers=()):
        self.src = source
        # parameters known to hold a list, tuple or dict (the derivative is made per kind)
        self.containers = frozenset(containers)
        self.resolver = resolver
        # parameter name -> the class of the object passed for it (user objects only):
        # `obj.method(x)` then means `type(obj).method(obj, x)`, differentiated like any call
        self.known_types = dict(known_types or {})
        # for/else, zip(...) as a value, ...: rewritten first (idioms.py)
        fdef = idioms.desugar(source.node, lambda name: resolver.lookup(name, None))
        self.fdef = fdef
        args = fdef.args
        if args.vararg or args.kwarg:
            fvariadic.check_variadic(source, fdef, self.known_types)
        self.params = fvariadic.parameter_names(fdef)
        self.locals = set(self.params) | assigned_names(fdef.body)
        # names holding lists: locals bound only to list displays, and list or tuple
        # arguments never rebound (known_types says which arguments are)
        reassigned = assigned_names(fdef.body)
        self.list_names = (_list_names(fdef.body) - set(self.params)) | {
            p for p, cls in self.known_types.items() if cls in (list, tuple)
            and p in self.params and p not in reassigned}
        all_names = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
        self.user_names = all_names | set(self.params)
        self.namer = Namer(all_names | set(self.params))
        self.bindings = {}
        self.spelled = _Spelling()  # temporary's name -> the expression it holds, as written
        self.loops = []
        self.local_functions = {}
        self.ret_flag = None
        self.ret_value = None
        self.line = fdef.lineno

    # -- helpers -----------------------------------------------------------
    def error(self, node, reason, hint=None):
        return self.src.error(node, reason, hint)

    def info(self, stmt, kind, **kw):
        stmt.sd = Info(kind, line=self.line, **kw)
        stmt.lineno = self.line
        return stmt

    def assign(self, target, value, kind, **kw):
        stmt = S.Assign(targets=[S.store(target)], value=value, type_comment=None)
        return self.info(stmt, kind, **kw)

    def temp(self, out, value, kind, base, **kw):
        name = self.namer.fresh(base)
        out.append(self.assign(name, value, kind, **kw))
        return S.load(name)

    def bind(self, path, obj):
        root = path.split(".")[0]
        if root in self.locals:
            raise self.error(self.fdef, f"the local name {root!r} hides the module srcdiff "
                             f"needs to call {path}", hint=f"rename the local variable {root!r}")
        if "." in path or isinstance(obj, types.ModuleType):
            import importlib
            module = importlib.import_module(root)
            name = root
            if self.resolver.lookup(root, module) is not module:
                # the code reads `root` as something else (a function named like its
                # module: lotka_volterra in lotka_volterra.py): the module gets a name of its own
                name, i = f"{root}_module", 1
                while name in self.locals or self.bindings.get(name, module) is not module:
                    i += 1
                    name = f"{root}_module_{i}"
            self.bindings.setdefault(name, module)
            return reference(name + path[len(root):])
        if root not in self.bindings:
            self.bindings[root] = obj
        return reference(path)

    # -- entry -------------------------------------------------------------
    def run(self):
        body = self.fdef.body
        if (body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant)
                and isinstance(body[0].value.value, str)):
            body = body[1:]
        needs_flag = self._has_nonfinal_return(body)
        out = []
        if needs_flag:
            self.ret_flag = self.namer.exact_or_fresh("returned")
            self.ret_value = self.namer.exact_or_fresh("result")
            out.append(self.assign(self.ret_flag, S.const(False), "copy"))
            out.append(self.assign(self.ret_value, S.const(None), "copy"))
            out += self.block(body)
            ret = S.Return(value=S.load(self.ret_value))
        else:
            out += self.block(body)
            ret = None
            if out and isinstance(out[-1], S.Return):
                ret = out.pop()
            if ret is None:
                ret = S.Return(value=S.const(None))
        self.info(ret, "return")
        if not isinstance(ret.value, S.Name) or ret.value.id in self.params:
            # the returned value gets a name of its own so the adjoint can seed it
            value = ret.value
            ret.value = self.temp(out, value, "copy", "result")
        out.append(ret)
        kinds = sequences.rewrite(out, self.params, self.containers, self._global_kind,
                                  self._runtime_helper)
        out = self._own_written_params(out)
        if not self.src.filename.startswith(GENERATED_PREFIX):
            # code srcdiff emitted was checked when the user's code was; its own views
            # (`y_item_1 = y[1:]`) are read under the tape's restore discipline
            check_appends(self.src, out)
            check_dict_views(self.src, out)
            guards = check_writes(self.src, self.user_names, out, self.spelled)
            alias_flow.relax_unseen_argument_updates(out, self.bindings)
            checks.guard_shared_writes(out, guards, self.bindings)
            lists = {name for name, kind in kinds.items() if kind == sequences.SEQ}
            update_checks.guard_updates(out, self.params, self._static_value, self.bindings,
                                        lists)
            checks.guard_complex_norms(out, self.src, self.bindings)
            checks.guard_arguments(out, self.src, self.bindings)
            checks.guard_real_arguments(out, self.src, self.bindings)
        defaults = {}
        args = self.fdef.args
        positional = args.posonlyargs + args.args
        for a, dflt in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            defaults[a.id] = dflt
        for a, dflt in zip(args.kwonlyargs, args.kw_defaults):
            if dflt is not None:
                defaults[a.id] = dflt
        low = Lowered(self.fdef.name, self.params, defaults, out, self.namer,
                      self.bindings, self.src)
        low.known_types = {**self.known_types, **fvalues.known_values(self)}
        low.kinds = kinds   # sequences.SEQ/OTHER/... of each local (reverse.accumulate reads it)
        return low

    def _global_kind(self, atom):
        """Whether a module-level value read by the function is a list or tuple (as it is
        now: the derivative is made again when the function is)."""
        if isinstance(atom, S.Name) and atom.id in self.bindings:
            obj = self.bindings[atom.id]   # a value the emitted code is given by name
            return sequences.SEQ if isinstance(obj, (list, tuple)) else sequences.OTHER
        try:
            obj = self._static_value(atom)
        except Exception:
            path = self._global_path(atom) if isinstance(atom, (S.Name, S.Attribute)) else None
            root = self.bindings.get(path[0]) if path else None
            return sequences.OTHER if isinstance(root, types.ModuleType) else sequences.UNKNOWN
        return sequences.SEQ if isinstance(obj, (list, tuple)) else sequences.OTHER

    def _runtime_helper(self, name, module=None):
        """A reference to srcdiff's helper `name` of `module` (runtime by default)."""
        if module is None:
            from . import runtime as module
        if name in self.locals:
            raise self.error(self.fdef, f"the local name {name!r} hides srcdiff's helper",
                             hint=f"rename the local variable {name!r}")
        self.bindings[name] = getattr(module, name)
        return S.load(name)

    def _own_written_params(self, body):
        """Parameters written into get a private copy first: the caller's arrays never change."""
        from . import runtime
        stmts = list(analyze.flatten(body))
        written = {s.targets[0].value.id for s in stmts if s.sd.kind == "setitem"}
        written |= {s.targets[0].id for s in stmts if isinstance(s, S.Assign)
                    and isinstance(s.targets[0], S.Name) and isinstance(s.sd.extra, tuple)
                    and s.sd.extra[:1] == ("inplace",)}
        # a write through a row, a slice or an alias (x = A[1]; x[0] = v) lands in the
        # parameter it was taken from: that parameter gets its own copy too
        written |= analyze.taken_from(body, written)
        prelude = []
        for name in self.params:
            if name in written:
                ref = self.bind("own_copy", runtime.own_copy)
                self.line = self.fdef.lineno
                prelude.append(self.assign(name, S.Call(func=ref, args=[S.load(name)],
                                                        keywords=[]), "call",
                                           func=runtime.own_copy))
        return prelude + body

    # -- statements --------------------------------------------------------

    def stmt(self, node):
        if isinstance(node, S.Delete) and all(isinstance(t, S.Name) for t in node.targets):
            return []  # `del name` only frees memory: dropped (the adjoint may read the value)
        for cls, (what, hint) in REFUSED.items():
            if isinstance(node, cls):
                raise self.error(node, f"srcdiff cannot differentiate through {what}", hint)
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise self.error(node, f"srcdiff does not support the statement "
                             f"{type(node).__name__}", hint="rewrite it with assignments, "
                             "if and loops")
        return method(node)

    def stmt_Pass(self, node):
        return []

    def stmt_Expr(self, node):
        value = node.value
        if isinstance(value, S.Constant):
            return []
        if isinstance(value, (S.Yield, S.YieldFrom, S.Await)):
            raise self.error(node, "srcdiff cannot differentiate generators or coroutines",
                             hint="return a value (or a list of values) instead of yielding")
        out = []
        if isinstance(value, S.Call) and inplace_calls.applies(self, value):
            stmt = inplace_calls.lower(self, value, out)   # operator.iadd(a, b)
            return out + ([stmt] if stmt is not None else [])
        if isinstance(value, S.Call):
            call = self.call(value, out, discard=True)
            if call is not None:
                out.append(call)
            return out
        self.expr(value, out)
        return out

    def stmt_Assign(self, node):
        out = []
        targets = node.targets
        value = node.value
        if len(targets) == 1 and isinstance(targets[0], S.Name):
            self.assign_to(targets[0].id, value, out)
            return out
        if len(targets) == 1 and isinstance(targets[0], (S.Tuple, S.List)) and \
                isinstance(value, (S.Tuple, S.List)):
            self._guard_swap(targets[0], value, out)
        atom = self.expr(value, out)
        for target in targets:
            self.store(target, atom, out)
        return out

    def _guard_swap(self, target, value, out):
        """`y[0], y[1] = y[1], y[0]`: on a 2-D array the items read are row views, so the
        first write changes the second value too (NumPy copies one row into both). Refused:
        at once for slices, when it runs for rows (items of a 1-D array are copies)."""
        from . import runtime
        written = {t.value.id for t in target.elts
                   if isinstance(t, S.Subscript) and isinstance(t.value, S.Name)}
        for item in value.elts:
            if not (isinstance(item, S.Subscript) and isinstance(item.value, S.Name)
                    and item.value.id in written):
                continue
            base = item.value.id
            hint = (f"write it with index arrays, which copy: "
                    f"{base}[[i, j]] = {base}[[j, i]]")
            parts = item.slice.elts if isinstance(item.slice, S.Tuple) else [item.slice]
            if any(isinstance(p, S.Slice) for p in parts):
                raise self.error(item, f"this assignment reads {base}[...] as a view and "
                                 f"writes into {base} first, so the view changes before it "
                                 "is stored (NumPy does not swap here)", hint=hint)
            error = self.error(item, f"this assignment reads a row of {base} (a view) "
                               f"and writes into {base} first, so the row changes before it "
                               "is stored (NumPy does not swap rows this way)", hint=hint)
            index = self.index(item.slice, out)
            self.bindings["check_item_copies"] = runtime.check_item_copies
            guard = S.Expr(value=S.Call(func=S.load("check_item_copies"), args=[
                S.load(base), index] + checks.refusal_args(error), keywords=[]))
            out.append(self.info(guard, "effect", func=runtime.check_item_copies))

    def stmt_AnnAssign(self, node):
        if node.value is None:
            return []
        return self.stmt_Assign(S.Assign(targets=[node.target], value=node.value,
                                         type_comment=None))

    def stmt_AugAssign(self, node):
        target = node.target
        out = []
        if isinstance(target, S.Name):
            value = S.BinOp(left=S.load(target.id), op=node.op, right=node.value)
            self.assign_to(target.id, value, out)
            # `z += v` is lowered as z = z + v, which is what it does to numbers; an array
            # is changed in place instead, so aliasing.py checks it as a write into z
            method = INPLACE_METHODS.get(type(node.op))
            if out and method and analyze.assigned(out[-1]) == target.id:
                out[-1].sd.extra = ("inplace", method)
            if isinstance(node.op, S.Add) and len(out) >= 2 and out[-2].sd.kind == "binop":
                out[-2].sd.extra = "augmented"   # a list += any iterable (sequences.py)
            return out
        if isinstance(target, S.Subscript):
            base = self.expr(target.value, out)
            index = self.index(target.slice, out)
            current = self.temp(out, S.Subscript(value=base, slice=index, ctx=S.Load()),
                                "subscript", _stem(base) + "_item")
            method = INPLACE_METHODS.get(type(node.op))
            if method and isinstance(target.value, S.Name) and \
                    self._items_may_be_shared(target.value.id, node):
                out.append(self._item_update_check(base, current, method, node))
            rhs = self.expr(node.value, out)
            if method and not self.src.filename.startswith(GENERATED_PREFIX):
                out.append(update_checks.item_guard(self, current, rhs, method))
            op = BINOPS.get(type(node.op))
            new = self.temp(out, S.BinOp(left=current, op=node.op, right=rhs), "binop",
                            OP_NAMES.get(op, "op"), func=op)
            out.append(self.setitem(base, index, new, target))
            return out
        raise self.error(node, "srcdiff can only update names and array items in place",
                         hint="assign to a local variable instead")

    def _items_may_be_shared(self, name, update):
        """Whether another name may hold an item of the container `name` and be read after
        `update` (`name[k] op= v`) runs: a name bound from its items (w = name[0], a loop
        over it, unpacking it), or a name it was built from (name = [a, b])."""
        sharers = set()

        def names(target):
            return {n.id for n in S.walk(target) if isinstance(n, S.Name)}
        for node in S.walk(self.fdef):
            if node is update:
                continue
            if isinstance(node, S.Assign):
                v = node.value
                if isinstance(v, S.Subscript) and isinstance(v.value, S.Name) and \
                        v.value.id == name:
                    sharers |= set().union(*(names(t) for t in node.targets))
                if isinstance(v, S.Name) and v.id == name and \
                        any(isinstance(t, (S.Tuple, S.List)) for t in node.targets):
                    sharers |= set().union(*(names(t) for t in node.targets))
                if any(isinstance(t, S.Name) and t.id == name for t in node.targets) and \
                        isinstance(v, (S.List, S.Tuple, S.Dict)):
                    sharers |= {e.id for e in (v.values if isinstance(v, S.Dict) else v.elts)
                                if isinstance(e, S.Name)}
            elif isinstance(node, (S.For, S.comprehension)) and isinstance(node.iter, S.Name) \
                    and node.iter.id == name:
                sharers |= names(node.target)
        sharers.discard(name)
        if not sharers:
            return False
        in_loop = any(isinstance(loop, (S.For, S.While)) and any(
            n is update for n in S.walk(loop)) for loop in S.walk(self.fdef))
        line = getattr(update, "lineno", 0)
        return any(isinstance(n, S.Name) and n.id in sharers and isinstance(n.ctx, S.Load)
                   and (in_loop or getattr(n, "lineno", line + 1) > line)
                   for n in S.walk(self.fdef))

    def _item_update_check(self, base, current, method, node):
        """check_item_update(base, current, ...) before `base[k] op= v` (see runtime)."""
        from . import checks, runtime
        text = S.spell(node.target)
        error = self.error(node, f"{text} {OP_TEXT_AUG.get(method, 'op=')} ... changes the "
                           f"item {text} in place when it is an array or a list, and another "
                           "name here may hold that item too, which srcdiff does not follow",
                           hint=f"write {text} = {text} {OP_TEXT_AUG.get(method, 'op=')[:-1]} "
                           "... (a new value), or copy the item where you take it")
        self.bindings["check_item_update"] = runtime.check_item_update
        guard = S.Expr(value=S.Call(func=S.load("check_item_update"), args=[
            base, current, S.const(method)] + checks.refusal_args(error), keywords=[]))
        guard.sd = Info("effect", func=runtime.check_item_update, line=self.line)
        guard.lineno = self.line
        return guard

    def assign_to(self, target, value, out):
        """`target = value`, with value lowered straight into the target when safe."""
        if isinstance(value, S.Name) and value.id == target:
            return
        update = inplace_calls.same_name_update(self, target, value)
        if update is not None:   # a = operator.iadd(a, b) is a += b, whatever a holds
            out += self.stmt_AugAssign(update)
            return
        if isinstance(value, S.Lambda):
            self.local_function(target, value)
            out.append(self.assign(target, S.clone(value), "opaque"))
            return
        operands = {n.id for n in S.walk(value) if isinstance(n, S.Name)}
        if target not in operands and not isinstance(value, (S.IfExp, S.BoolOp, S.NamedExpr,
                                                            S.ListComp, S.GeneratorExp,
                                                            S.DictComp)):
            stmt = self.operation(value, out, target)
            if stmt is not None:
                out.append(stmt)
                return
        atom = self.expr(value, out)
        out.append(self.assign(target, atom, "copy"))

    def store(self, target, atom, out):
        if isinstance(target, S.Name):
            out.append(self.assign(target.id, atom, "copy"))
        elif isinstance(target, (S.Tuple, S.List)):
            if any(isinstance(e, S.Starred) for e in target.elts):
                raise self.error(target, "starred unpacking is not supported",
                                 hint="index the sequence explicitly")
            for i, elt in enumerate(target.elts):
                item = self.temp(out, S.Subscript(value=atom, slice=S.const(i), ctx=S.Load()),
                                 "subscript", _stem(atom) + f"_{i}")
                self.store(elt, item, out)
        elif isinstance(target, S.Subscript):
            base = self.expr(target.value, out)
            index = self.index(target.slice, out)
            out.append(self.setitem(base, index, atom, target))
        else:
            raise self.error(target, "srcdiff cannot assign to this target",
                             hint="assign to a local variable or an array item")

    def setitem(self, base, index, value, node):
        if not isinstance(base, S.Name) or base.id not in self.locals:
            raise self.error(node, "item assignment into a value the function does not "
                             "own is not supported", hint="copy it into a local array first")
        stmt = S.Assign(targets=[S.Subscript(value=base, slice=index, ctx=S.Store())],
                        value=value, type_comment=None)
        return self.info(stmt, "setitem")

    def stmt_If(self, node):
        out = []
        cond = self.condition(node.test, out)
        line = self.line
        body = self.block(node.body)
        self.line = line
        orelse = self.block(node.orelse)
        self.line = line
        out.append(self.info(S.If(test=cond, body=body, orelse=orelse), "if"))
        return out

    def condition(self, test, out, name=None):
        """Lower a test into a fresh `cond` name, which the branch can not overwrite."""
        name = name or self.namer.fresh("cond")
        self.assign_to(name, test, out)
        return S.load(name)

    def stmt_Assert(self, node):
        out = []
        test = self.expr(node.test, out)
        msg = self.expr(node.msg, out) if node.msg is not None else None
        out.append(self.info(S.Assert(test=test, msg=msg), "assert"))
        return out

    def stmt_Raise(self, node):
        out = []
        exc = self.expr(node.exc, out) if node.exc is not None else None
        out.append(self.info(S.Raise(exc=exc, cause=None), "raise"))
        return out

    def stmt_FunctionDef(self, node):
        """A nested def stays in the primal as written; calls with differentiated
        arguments go to a lifted copy that takes its free variables as parameters."""
        self.local_function(node.name, node)
        stmt = S.clone(node)
        return [self.info(stmt, "effect")]

    def local_function(self, name, node):
        if getattr(node, "decorator_list", None):
            raise self.error(node, "decorated nested functions are not supported",
                             hint="define the helper at module level")
        args = node.args
        if args.vararg or args.kwarg:
            raise self.error(node, "*args and **kwargs parameters are not supported",
                             hint="list the parameters explicitly")
        own = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        body_nodes = node.body if isinstance(node.body, list) else [node.body]
        inner_locals = own | assigned_names(body_nodes)
        for n in S.walk(node):
            if isinstance(n, (S.Nonlocal, S.Global)):
                raise self.error(n, "nested functions may not rebind outer variables",
                                 hint="return the new value instead")
        load_nodes = [n for b in body_nodes for n in S.walk(b)
                      if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)]
        for n in load_nodes:
            if n.id in self.local_functions and n.id not in inner_locals and n.id != name:
                # its free variables would be lost on the way (a silently zero derivative)
                raise self.error(n, f"the nested function {name} uses the nested function "
                                 f"{n.id}, which srcdiff does not support yet",
                                 hint=f"define {n.id} at module level (passing what it uses "
                                      f"as arguments), or write its body into {name}")
        loads = [n.id for n in load_nodes]
        free = []
        for n in loads:
            if n in self.locals and n not in inner_locals and n not in free and n != name:
                free.append(n)
        self.local_functions[name] = LocalFunction(name, node, free, self.src, self.resolver,
                                                   self.fdef.name)
        return self.local_functions[name]

    # -- expressions -------------------------------------------------------

    def call(self, node, out, discard=False):
        """Lower a call. Returns an Assign (target filled in later) or an Expr."""
        expanded = idioms.expand_call(self, node, out, discard)  # reduce, print, callbacks
        if expanded is not None:
            return expanded
        node = fvariadic.unstar_call(self, node, out)   # f(*xs), f(**kw) of known lengths and keys
        func = node.func
        if isinstance(func, S.Attribute) and self._global_path(func) is None:
            return self.method_call(node, out, discard)
        if isinstance(func, S.Name) and func.id in self.local_functions:
            local = self.local_functions[func.id]
            args = [self.expr(a, out) for a in node.args]
            keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out))
                        for k in node.keywords]
            args, _ = self._bind_user_call(node, local, args, keywords)
            args = args[:len(local.own_params)] + [S.load(v) for v in local.free]
            self._check_argument_writes(node, local, args, out)
            value = S.Call(func=S.load(func.id), args=args[:len(local.own_params)], keywords=[])
            stmt = self._result(value, "call", local, discard)
            stmt.sd.extra = ("local", args)
            return stmt
        if isinstance(func, S.Name) and func.id in self.locals:
            held = fvalues.held(self, func.id)   # a parameter or local holding a function
            if held is not None:
                return fvalues.call_held(self, node, held, out, discard, S.load(func.id))
            raise self.error(node, f"srcdiff cannot tell which function {func.id!r} holds "
                             "before the code runs (it is bound more than once, or to a value "
                             "computed here), so it cannot differentiate the call",
                             hint=f"bind {func.id} once to one function ({func.id} = "
                                  "numpy.tanh), or call each function where it is chosen")
        if isinstance(func, S.Call):  # srcdiff.checkpoint(g)(x)
            from . import checkpointing
            func = checkpointing.inline_call(self, func) or func
            node.func = func
        from . import compose_calls  # a derivative srcdiff made, called here
        derived = compose_calls.derivative_called(self, func)
        if derived is not None:
            return self._derivative_call(node, derived, out, discard)
        if not isinstance(func, (S.Name, S.Attribute)):
            raise self.error(node, "srcdiff can only call functions by name")
        obj = rules.registered(self._static_value(func))
        if obj is super:
            raise self.error(node, "srcdiff follows super() only in a call of a method on it",
                             hint="write super().method(...) (or super(Cls, self).method(...))"
                                  " where the method is called")
        if obj is range:
            value = self._range_call(node, out)
            return self._result(value, "effect_value", range, discard)
        if obj in (enumerate, zip, reversed, iter, next, filter):
            raise self.error(node, f"{obj.__name__}() is only supported in a for statement "
                             "header or where its items are read at once",
                             hint=f"loop over it with for, or make a list of its items: "
                             f"list({obj.__name__}(...))")
        from .api import stop_gradient
        held = fvalues.called_value(self, obj)   # a functools.partial, a classmethod
        if held is not None:
            return fvalues.call_held(self, node, held, out, discard)
        if obj in (map, sorted, functools.partial):
            return fvalues.desugar_call(self, node, obj, out, discard)
        if fobjects.is_record_class(obj):   # a dataclass object made here
            return fobjects.make_record(self, node, obj, out, discard)
        args, keywords = fvalues.arguments(self, node, obj, out)
        if _is_numpy_ufunc(obj):  # numpy.log([a, b]): the rules compute with arrays, not lists
            args = [self._as_array(a, out) if isinstance(n, (S.List, S.Tuple)) or (
                isinstance(n, S.Name) and n.id in self.list_names) else a
                for a, n in zip(args, node.args)]
        if obj is dict and not args:
            # dict(a=x, b=y) is the display {'a': x, 'b': y}
            value = S.Dict(keys=[S.const(k.arg) for k in keywords],
                           values=[k.value for k in keywords])
            return self._result(value, "display", None, discard)
        if obj in (list, tuple) and len(args) == 1 and not keywords:
            # list(v) / tuple(v): items of a sequence, keys of a dict, rows of an array
            from . import runtime
            value = S.Call(func=self._runtime_helper("sequence_of"),
                           args=[self.bind(obj.__name__, obj), args[0]], keywords=[])
            return self._result(value, "call", runtime.sequence_of, discard)
        if obj is stop_gradient:
            if len(args) != 1 or keywords:
                raise self.error(node, "stop_gradient takes exactly one argument")
            from . import runtime  # emitted as no_derivative(x): a derivative of the emitted
            ref = self.bind("no_derivative", runtime.no_derivative)  # code keeps the stop
            value = S.Call(func=ref, args=[args[0]], keywords=[])
            return self._result(value, "stop_gradient", runtime.no_derivative, discard)
        return self.call_object(node, func, obj, args, keywords, out, discard)

    def call_object(self, node, func, obj, args, keywords, out, discard, ref=None):
        """The call of `obj` (lowered `args` and `keywords`); `ref`: how emitted code names
        it, where not by its own path (a parameter holding a function: values.py)."""
        variadic = None
        if is_user_function(obj):
            args, keywords, variadic = fvariadic.bind_call(self, node, obj, args, keywords, out)
            self._check_argument_writes(node, obj, args, out)
        else:
            self._refuse_out_argument(node, obj)
        path = canonical_path(obj)
        module = getattr(obj, "__module__", "") or ""
        if path is not None and path.split(".")[0] == "srcdiff" and (
                module in ("srcdiff.runtime", "srcdiff.forward_runtime",
                           "srcdiff.lazy_runtime", "srcdiff.compose_runtime")
                or module.startswith("srcdiff.runtime_")):
            # srcdiff's own helpers (runtime, forward_runtime, runtime_stats, ...), met when
            # differentiating emitted code: bare names
            helper = path.rsplit(".", 1)[1]
            if helper in self.locals:
                raise self.error(node, f"the local name {helper!r} hides srcdiff's helper")
            self.bindings[helper] = obj
            ref = S.load(helper)
        elif ref is not None:
            pass
        elif path is not None and not path.startswith("__main__"):
            ref = self.bind(path, obj)
        else:
            ref = self.free_reference(func)
        value = S.Call(func=ref, args=args, keywords=keywords)
        if variadic is not None:
            setattr(value, S.VARIADIC, variadic)   # f(a, *args, **kw) when emitted (emit.py)
        if is_user_function(obj):
            import inspect
            kwonly = [n for n, p in inspect.signature(obj, follow_wrapped=False).parameters.items()
                      if p.kind == p.KEYWORD_ONLY]
            if kwonly:  # the call to the function itself passes these by name (emit.py)
                setattr(value, S.KEYWORD_ONLY, kwonly)
        return self._result(value, "call", obj, discard)

    def _refuse_out_argument(self, node, obj):
        """out= (or a ufunc's outputs passed by position) writes the result into an array the
        caller holds: the rules give a new value, and the write would go unseen (a zero or
        stale derivative), so such a call is refused, whatever is differentiated. SciPy's
        overwrite_a=True, overwrite_b=True, ... let the call write into the arrays it is
        handed: the rules, which read them after the call, would see the garbage. Both are
        found passed by name or by position."""
        given = _written_arguments(node, obj)
        if _is_numpy_ufunc(obj) and isinstance(getattr(obj, "nin", None), int):
            given += [("out", a) for a in node.args[obj.nin:]]
        name = canonical_path(obj) or getattr(obj, "__name__", "this function")
        for arg, value in given:
            if arg == "out" and not (isinstance(value, S.Constant) and value.value is None):
                raise self.error(node, f"{name} is given an out= array to write its result "
                                 "into; srcdiff follows values, not writes into arrays a call "
                                 "is handed", hint="assign the result instead: o = f(...) (or "
                                 "o[...] = f(...) to fill a part of o)")
            if arg != "out" and not (isinstance(value, S.Constant) and not value.value):
                raise self.error(node, f"{name} is given {arg}=, which lets it write into "
                                 "the array it is handed; srcdiff's derivative reads that array "
                                 "as it was", hint=f"leave {arg} out (or pass "
                                 f"{arg}=False), so that the call works on a copy")

    def _bind_user_call(self, node, fn, args, keywords):
        """Arguments of a call to the user's own function, in parameter order, defaults filled."""
        import inspect
        try:
            sig = inspect.signature(fn, follow_wrapped=False)  # the code called
            bound = sig.bind(*args, **{k.arg: k.value for k in keywords})
        except TypeError as exc:
            raise self.error(node, f"this call does not match {fn.__qualname__}'s "
                             f"parameters: {exc}") from None
        out = []
        for name, param in sig.parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise self.error(node, f"{fn.__qualname__} takes *args or **kwargs, which "
                                 "srcdiff does not support", hint="list its parameters")
            if name in bound.arguments:
                out.append(bound.arguments[name])
            elif _is_literal(param.default):
                out.append(S.const(param.default))
            else:
                raise self.error(node, f"the default value of {fn.__qualname__}'s parameter "
                                 f"{name!r} is not a literal", hint=f"pass {name}= explicitly")
        return out, []

    def _check_argument_writes(self, node, fn, args, out):
        """A called function that changes what it is given in place (v[0] = ..., v -= ...)
        would change the caller's array, which its derivative does not follow: refused,
        pointing at the write. `v op= ...` rebinds numbers, so for those only the run
        tells: a check before the call refuses arrays (`args`: the call's operands in
        the callee's parameter order)."""
        from . import runtime
        from .aliasing import argument_writes
        from .frontend import get_source
        if self.src.filename.startswith(GENERATED_PREFIX):
            return   # srcdiff's own code, made from user code checked already
        source = fn.source if isinstance(fn, LocalFunction) else get_source(fn)
        if source.filename.startswith(GENERATED_PREFIX):
            return
        fdef = source.node
        params = fvariadic.parameter_names(fdef)
        resolver = fn.resolver if isinstance(fn, LocalFunction) else None
        writes, updates = argument_writes(fdef, params, inplace_calls.callee_resolver(
            fn, resolver, fdef, params))
        name = getattr(fn, "__qualname__", fdef.name)
        called = f"{os.path.basename(self.src.filename)}:{getattr(node, 'lineno', self.line)}"
        hint = (f"make {name} change a copy and return it ({{p}} = {{p}}.copy() first, then "
                f"return {{p}}), and assign the result where it is called ({called})")
        free = set(getattr(fn, "free", ()))   # a nested function's enclosing variables
        if writes:
            param, where = writes[0]
            what = f"the enclosing function's {param!r}" if param in free else \
                f"its argument {param!r}"
            if param in free:
                hint = (f"pass {param} to {name} as an argument, change a copy there and "
                        f"return it, and assign the result where it is called ({called})")
            error = source.error(where, f"{name} writes into {what} in place, "
                                 "so the caller's value would change too; srcdiff cannot "
                                 "follow a change a called function makes to what it is "
                                 "given", hint=hint.format(p=param))
            from .library_calls import at_caller
            raise at_caller(error, self.src, getattr(node, "lineno", self.line), fn) or error
        for param, op, where in updates:
            i = params.index(param)
            arg = args[i] if i < len(args) else None
            if not isinstance(arg, S.Name):
                continue   # a literal: a number, rebound
            reason = (f"{name} updates its argument {param!r} in place: for an array that "
                      "changes the caller's array too, which srcdiff cannot follow")
            self.bindings["check_argument_update"] = runtime.check_argument_update
            guard = S.Expr(value=S.Call(func=S.load("check_argument_update"), args=[
                S.load(arg.id), S.const(_INPLACE_ANY.get(op, "__iadd__")), S.const(reason),
                S.const(f"make {name} return the new value ({param} = {param} "
                        f"{_OP_TEXT.get(op, 'op')} ...; return {param}), and assign it where it "
                        f"is called ({called})"), S.const(source.filename),
                S.const(where.lineno), S.const(where.col_offset)], keywords=[]))
            out.append(self.info(guard, "effect", func=runtime.check_argument_update))

    def _result(self, value, kind, func, discard):
        if discard:
            if kind in ("stop_gradient",):
                return None
            stmt = S.Expr(value=value)
            return self.info(stmt, "effect", func=func)
        stmt = S.Assign(targets=[S.store("_")], value=value, type_comment=None)
        return self.info(stmt, kind, func=func)

    def _derivative_call(self, node, fn, out, discard):
        """A call of a derivative srcdiff made (srcdiff/compose.py): a call of the function
        with the emitted code it runs, differentiated like any other."""
        args = [self.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out)) for k in node.keywords]
        full, _ = self._bind_user_call(node, fn, args, keywords)
        name = self.namer.fresh(fn.__name__)
        self.bindings[name] = fn
        value = S.Call(func=S.load(name), args=full, keywords=[])
        return self._result(value, "call", fn, discard)

    def _super_call(self, node, out, discard):
        """super().method(...) / super(Cls, self).method(...): the function it resolves to
        (srcdiff/super_calls.py), called with the object first."""
        from . import super_calls
        me, fn = super_calls.resolve(self, node, self.known_types,
                                     assigned_names(self.fdef.body))
        args = [self.expr(a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=self.expr(k.value, out)) for k in node.keywords]
        full, _ = self._bind_user_call(node, fn, [S.load(me)] + args, keywords)
        self._check_argument_writes(node, fn, full, out)
        name = self.namer.fresh(f"{fn.__qualname__.split('.')[-2]}_{fn.__name__}"
                                if "." in fn.__qualname__ else fn.__name__)
        self.bindings[name] = fn
        value = S.Call(func=S.load(name), args=full, keywords=[])
        stmt = self._result(value, "call", fn, discard)
        return stmt

    def _frozen_call(self, node):
        """`norm(loc, scale).logpdf(x)`, or `dist.logpdf(x)` where `dist = norm(loc, scale)`
        is the only binding of dist: the call `norm.logpdf(x, loc, scale)` it means (a frozen
        scipy.stats distribution passes its arguments after the method's), or None."""
        func, base = node.func, node.func.value
        if func.attr not in FROZEN_METHODS or len(node.args) > 1:
            return None  # e.g. rvs(size): its positional arguments mean something else
        make = base if isinstance(base, S.Call) else None
        if isinstance(base, S.Name) and base.id in self.locals and base.id not in self.params:
            make = self._freezes().get(base.id)
        if make is None or not is_distribution(self._callee_object(make.func)):
            return None
        if any(isinstance(a, S.Starred) for a in make.args) or any(
                k.arg is None for k in make.keywords):
            raise self.error(make, "*args and **kwargs in calls are not supported",
                             hint="pass the arguments one by one")
        if make is not base:
            # the frozen object keeps the values its arguments had: the call made here reads
            # them again, so each must be bound once, before the freezing, if at all
            stores = {}
            for n in S.walk(self.fdef):
                if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
                    stores.setdefault(n.id, []).append((n.lineno, n.col_offset))
            here = (make.lineno, make.col_offset)
            for arg in list(make.args) + [k.value for k in make.keywords]:
                moving = {n.id for n in S.walk(arg) if isinstance(n, S.Name) and (
                    len(stores.get(n.id, ())) > 1 or any(at > here for at in stores.get(
                        n.id, ())))}
                if moving:
                    raise self.error(node, f"the frozen distribution {base.id!r} was made "
                                     f"from {sorted(moving)[0]!r}, which this function "
                                     "assigns again or later", hint=f"call the distribution's method with "
                                     f"the parameters: {S.spell(make.func)}.{func.attr}(x, ...)")
        call = S.Call(func=S.Attribute(value=S.clone(make.func), attr=func.attr, ctx=S.Load()),
                      args=[S.clone(a) for a in list(node.args) + list(make.args)],
                      keywords=[S.keyword(arg=k.arg, value=S.clone(k.value))
                                for k in list(make.keywords) + list(node.keywords)])
        for n in (call, call.func):
            n.lineno, n.col_offset = node.lineno, node.col_offset
        return call

    def _freezes(self):
        """Local names bound once, to a frozen scipy.stats distribution: name -> the call."""
        if getattr(self, "_frozen", None) is None:
            counts, calls = {}, {}
            for n in S.walk(self.fdef):
                if isinstance(n, S.Name) and isinstance(n.ctx, S.Store):
                    counts[n.id] = counts.get(n.id, 0) + 1
                if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                        n.targets[0], S.Name) and isinstance(n.value, S.Call):
                    calls[n.targets[0].id] = n.value
            self._frozen = {name: call for name, call in calls.items()
                            if counts.get(name) == 1 and name not in self.params
                            and is_distribution(self._callee_object(call.func))}
        return self._frozen

    def _extend(self, base, node, out):
        """`lst.extend(b)` is `lst += b`: lowered as lst = sequence_extend(lst, b), checked as
        an in-place update of lst (aliasing.py)."""
        from . import runtime
        items = self.expr(node.args[0], out)
        ref = self._runtime_helper("sequence_extend")
        value = self.temp(out, S.Call(func=ref, args=[S.load(base.id), items], keywords=[]),
                          "call", base.id + "_extended", func=runtime.sequence_extend)
        stmt = self.assign(base.id, value, "copy")
        stmt.sd.extra = ("inplace", "__iadd__")
        return stmt

    def method_call(self, node, out, discard):
        func = node.func
        if (isinstance(func.value, S.Call) and isinstance(func.value.func, S.Name)
                and func.value.func.id == "super" and "super" not in self.locals):
            return self._super_call(node, out, discard)
        frozen = self._frozen_call(node)
        if frozen is not None:
            return self.call(frozen, out, discard)
        base = self.expr(func.value, out)
        method = func.attr
        if method == "extend" and discard and isinstance(base, S.Name) and \
                base.id in self.locals and len(node.args) == 1 and not node.keywords:
            return self._extend(base, node, out)
        if method in MUTATING_METHODS:
            hint = "build a new value instead (for lists, only append is supported)"
            if method in ("sort", "partition"):
                hint = (f"build a new value instead: y = numpy.{method}(y, ...), which "
                        "srcdiff differentiates")
            raise self.error(node, f".{method}() changes its object in place, which srcdiff "
                             "does not support", hint=hint)
        if method == "append":
            if len(node.args) != 1 or node.keywords:
                raise self.error(node, "append takes exactly one argument")
            if not isinstance(base, S.Name) or base.id not in self.locals:
                raise self.error(node, "srcdiff can only append to a local list")
            item = self.expr(node.args[0], out)
            stmt = S.Expr(value=S.Call(func=S.Attribute(value=base, attr="append",
                                                        ctx=S.Load()),
                                       args=[item], keywords=[]))
            self.info(stmt, "append")
            if discard:
                return stmt
            raise self.error(node, "the result of append is None")
        if method == "pop":
            if node.args or node.keywords:
                raise self.error(node, "only lst.pop() without arguments is supported",
                                 hint="index the list instead")
            if not isinstance(base, S.Name) or base.id not in self.locals:
                raise self.error(node, "srcdiff can only pop from a local list")
            value = S.Call(func=S.Attribute(value=base, attr="pop", ctx=S.Load()), args=[],
                           keywords=[])
            if discard:
                # the dropped value is named: reverse mode pushes it back from that name
                return self.assign(self.namer.fresh("popped"), value, "pop")
            stmt = S.Assign(targets=[S.store("_")], value=value, type_comment=None)
            return self.info(stmt, "pop")
        args = [fvalues.argument(self, a, out) for a in node.args]
        keywords = [S.keyword(arg=k.arg, value=fvalues.argument(self, k.value, out))
                    for k in node.keywords]
        cls = self.known_types.get(base.id) if isinstance(base, S.Name) else None
        if cls is not None and base.id in assigned_names(self.fdef.body):
            cls = None
        if cls is None and isinstance(base, S.Name):
            cls = fobjects.object_class(self, func.value, base, out)   # made here, a list item
        if isinstance(cls, type):
            import inspect
            fn = inspect.getattr_static(cls, method, None)
            if isinstance(fn, (staticmethod, classmethod)):
                return fvalues.special_method(self, node, base, cls, fn, args, keywords, out,
                                             discard)
            if inspect.isfunction(fn) and is_user_function(fn):
                full, _, variadic = fvariadic.bind_call(self, node, fn, [S.load(base.id)] + args,
                                                      keywords, out)
                self._check_argument_writes(node, fn, full, out)
                value = S.Call(func=S.Attribute(value=base, attr=method, ctx=S.Load()),
                               args=full[1:], keywords=[])
                if variadic is not None:
                    setattr(value, S.VARIADIC, variadic[1:])
                stmt = self._result(value, "call", fn, discard)
                stmt.sd.extra = ("method", full)
                return stmt
        expanded = idioms.expand_method(self, node, base, args, out, discard)  # d.get, x.item
        if expanded is not None:
            return expanded
        if method in DICT_VIEWS and not args and not keywords and isinstance(base, S.Name):
            # d.values() / d.items() / d.keys(): lists, differentiated item by item
            from . import runtime
            fn = getattr(runtime, DICT_VIEWS[method])
            value = S.Call(func=self._runtime_helper(fn.__name__), args=[base], keywords=[])
            return self._result(value, "call", fn, discard)
        if method in ARRAY_METHODS:
            fn = ARRAY_METHODS[method]
            self._refuse_out_argument(node, fn)
            if method in VARARG_METHODS and (len(args) > 1 or (
                    len(args) == 1 and isinstance(args[0], S.Constant)
                    and isinstance(args[0].value, int))):
                packed = self.temp(out, S.Tuple(elts=args, ctx=S.Load()), "display", "shape")
                args = [packed]
            ref = self.bind(canonical_path(fn), fn)
            value = S.Call(func=ref, args=[base] + args, keywords=keywords)
            if method in SAME_AS_METHOD:
                setattr(value, S.METHOD_FORM, method)
            return self._result(value, "call", fn, discard)
        value = S.Call(func=S.Attribute(value=base, attr=method, ctx=S.Load()),
                       args=args, keywords=keywords)
        stmt = self._result(value, "call", None, discard)
        stmt.sd.extra = "method"
        return stmt


def _list_names(body):
    """Local names every assignment of which is a list or tuple display or comprehension
    (lst = [a, b]): a ufunc given one of them gets an array of it (see Lowerer.call)."""
    kinds, others = set(), set()
    for node in S.walk(S.Module(body=list(body), type_ignores=[])):
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


def _written_arguments(node, obj):
    """(parameter name, argument) of the out= and overwrite_*= arguments of a call of the
    library function `obj`, passed by name or by position (bound to obj's signature)."""
    def writes(name):
        return name == "out" or name.startswith("overwrite_")
    found = [(k.arg, k.value) for k in node.keywords if k.arg and writes(k.arg)]
    if not node.args or any(isinstance(a, S.Starred) for a in node.args):
        return found
    import inspect
    try:
        params = list(inspect.signature(obj).parameters.values())
    except (TypeError, ValueError):
        return found
    for param, value in zip(params, node.args):
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            break
        if writes(param.name):
            found.append((param.name, value))
    return found


def _is_numpy_ufunc(obj):
    """A NumPy ufunc (numpy.log, numpy.maximum, ...) or numpy.sinc: elementwise functions
    that make arrays of list arguments."""
    if type(obj).__name__ == "ufunc" and type(obj).__module__ == "numpy":
        return True
    return getattr(obj, "__name__", None) == "sinc" and \
        getattr(obj, "__module__", "").split(".")[0] == "numpy"
