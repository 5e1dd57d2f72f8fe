"""Rewrite a function into the small core language (stage 3, lower: called by transform.py).
Takes a `frontend.Source` and a name resolver; gives back a frozen `core.Lowered`
(`Lowerer(...).run()`), or raises a located refusal.

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

Every statement carries ``sd`` (a `core.Info`): its `core.Kind`, the Python object a
call means, the user's line it comes from, and the facts later stages need (an in-place
update, a call of the user's own code, a loop's item, a check). The user's loops and
branches stay loops and branches. `core.validate` checks this grammar (SRCDIFF_VALIDATE=1).

Takes a `frontend.Source` and a name resolver; `Lowerer(...).run()` returns a frozen
`core.Lowered`. The work is split by job into mixins composed here:

* lower.py: the entry (`run`), the refusal fence (REFUSED) and simple statements
  (assignments, augmented assignments, item writes, if, assert, raise, nested defs);
* lower_exprs.py: expressions to atoms and single operations;
* desugar.py: loops, exits (break/continue/return flags), conditional and boolean
  expressions, comprehensions;
* lower_calls.py: calls (classification, the user's functions and methods, derivatives
  srcdiff made, super(), array methods, list methods);
* lower_copies.py: private copies of written parameters and checks of writes; the
  whole-function alias checks are aliasing.py, alias_flow.py, checks.py, update_checks.py.
"""
import importlib
import types

from . import (analyze, census, checks, class_tests, core, inplace_calls, out_writes, sequences,
               source_rewrites, update_checks)
from . import syntax as S
from . import values as fvalues
from . import variadic as fvariadic
from .callables import reference
from .core import GENERATED_PREFIX, Info, Kind, Lowered, assigned_names
from .desugar import Desugaring
from .lower_calls import CallLowering
from .lower_copies import INPLACE_METHODS, CopyInsertion
from .lower_exprs import BINOPS, OP_NAMES, ExpressionLowering, _stem
from .factories import names_objects
from .names import Namer
from .tuple_lengths import display_length


REFUSED = {
    S.Try: ("try/except", "move the error handling outside the function you differentiate"),
    S.With: ("a with-block", "enter the context outside the function you differentiate"),
    S.Global: ("a global statement", "pass the value in as an argument and return the new value"),
    S.Nonlocal: ("a nonlocal statement", "pass the value in as an argument and return the new value"),
    S.ClassDef: ("a class definition", "define the class at module level (srcdiff reads a "
                 "class's methods and operators before the code runs)"),
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

def _module_names_objects(fdef, resolver, local):
    """Whether the function reads, through a module it names (`m.make(x)`, `m.V`), a
    class of the user's or a factory of one (factories.names_objects)."""
    for n in S.nodes(fdef):
        if isinstance(n, S.Attribute) and isinstance(n.value, S.Name) and \
                n.value.id not in local:
            module = resolver.lookup(n.value.id, None)
            if isinstance(module, types.ModuleType) and \
                    names_objects(getattr(module, n.attr, None)):
                return True
    return False


class Lowerer(CallLowering, CopyInsertion, Desugaring, ExpressionLowering):
    """Turns one user function (gast FunctionDef) into a `Lowered` core function."""

    def __init__(self, source, resolver, known_types=None, containers=()):
        self.src = source
        # parameters known to hold a list, tuple or dict (the derivative is made per kind)
        self.containers = frozenset(containers)
        self.resolver = resolver
        # parameter name -> the class of the object passed for it (user objects only):
        # `obj.method(x)` then means `type(obj).method(obj, x)`, differentiated like any call
        self.known_types = class_tests.settled(dict(known_types or {}), source.node)
        early = class_tests.early_facts(dict(known_types or {}), source.node)   # act=None
        # try blocks, views, aliases, rows written in a loop, idioms and generators,
        # rewritten in the source first (source_rewrites.py)
        fdef, counted, self.resolver = source_rewrites.counted_rewrite(
            source, resolver, self.containers, self.known_types, early)
        self.fdef = fdef
        args = fdef.args
        if args.vararg or args.kwarg:
            fvariadic.check_variadic(source, fdef, self.known_types)
        self.params = fvariadic.parameter_names(fdef)
        reassigned = assigned_names(fdef.body)
        self.locals = set(self.params) | reassigned
        # names holding lists: locals bound only to list displays, and list or tuple
        # arguments never rebound (known_types says which arguments are)
        self.list_names = (sequences.list_names(fdef.body) - set(self.params)) | {
            p for p, cls in self.known_types.items() if cls in (list, tuple)
            and p in self.params and p not in reassigned}
        all_names = counted.names   # every Name of fdef (census.take's walk)
        self.user_names = all_names | set(self.params)
        self.namer = Namer(all_names | set(self.params))
        self.objects_read = bool(self.known_types) or any(   # (a class of the user's named,
            names_objects(self.resolver.lookup(n, None))      # or a factory of one)
            for n in all_names - self.locals) or (
            not source.filename.startswith(GENERATED_PREFIX) and   # (srcdiff's own code
            _module_names_objects(fdef, self.resolver, self.locals))   # names classes by module)
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
            out.append(self.assign(self.ret_flag, S.const(False), Kind.COPY))
            out.append(self.assign(self.ret_value, S.const(None), Kind.COPY))
            out += self.block(body)
            ret = S.Return(value=S.load(self.ret_value))
        else:
            out += self.block(body)
            ret = None
            if out and isinstance(out[-1], S.Return):
                ret = out.pop()
            if ret is None:
                ret = S.Return(value=S.const(None))
        self.info(ret, Kind.RETURN)
        if not isinstance(ret.value, S.Name) or ret.value.id in self.params:
            # the returned value gets a name of its own so the adjoint can seed it
            value = ret.value
            ret.value = self.temp(out, value, Kind.COPY, "result")
        out.append(ret)
        kinds = sequences.rewrite(out, self.params, self.containers, self._global_kind,
                                  self._runtime_helper)
        out = self._own_written_params(out)
        if not self.src.filename.startswith(GENERATED_PREFIX):
            # code srcdiff emitted was checked when the user's code was; its own views
            # (`y_item_1 = y[1:]`) are read under the tape's restore discipline
            if _container_work(out):
                from .container_writes import check_appends, check_dict_views, guard_dict_loops
                check_appends(self.src, out)
                check_dict_views(self.src, out)
                guard_dict_loops(self.src, out, self.bindings)
            guards = []
            if census.writes_in_place(out):   # the alias analysis, where it has work
                from .aliasing import check_writes as check
                guards = check(self.src, self.user_names, out, self.spelled, self.containers)
            if "check_argument_update" in self.bindings:   # lower_copies placed one
                from .argument_writes import relax_unseen_argument_updates
                relax_unseen_argument_updates(out, self.bindings)
            checks.guard_shared_writes(out, guards, self.bindings)
            lists = {name for name, kind in kinds.items() if kind == sequences.SEQ}
            update_checks.guard_updates(out, self.params, self._static_value, self.bindings,
                                        lists)
            checks.guard_complex_norms(out, self.src, self.bindings)
            checks.guard_arguments(out, self.src, self.bindings)
            checks.guard_real_arguments(out, self.src, self.bindings)
            checks.guard_float_stores(out, self.src, self.bindings)
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
        low.freeze()
        if core.VALIDATE:
            core.validate(low)
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

    # -- statements --------------------------------------------------------

    def stmt(self, node):
        if self.objects_read:   # for e in obj, float(obj), obj += w on the user's objects
            from . import protocol_objects
            node = protocol_objects.check(self, node)
        guard = checks.view_guard(self, node)   # a view rewrite: Dask's slices are copies
        return guard + self._stmt(node) if guard else self._stmt(node)

    def _stmt(self, node):
        if isinstance(node, S.Delete) and all(isinstance(t, S.Name) for t in node.targets):
            return []  # `del name` only frees memory: dropped (the adjoint may read the value)
        if isinstance(node, S.Delete):
            from .container_writes import lower_dict_delete
            deleted = lower_dict_delete(self, node)   # del d[k]: d.pop(k)
            if deleted is not None:
                return deleted
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
        if isinstance(value, S.Call) and out_writes.writes_in_place(self, value):
            return out_writes.lower_statement(self, value, out)   # copyto, fill_diagonal
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
        if any(isinstance(t, (S.Tuple, S.List)) for t in targets) and self._keyed(value):
            atom = self._iteration_order(atom, out, value)   # `a, b = d` unpacks d's keys
        for target in targets:
            self.store(target, atom, out)
        return out

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
                out[-1].sd.inplace = method
            if isinstance(node.op, S.Add) and len(out) >= 2 and out[-2].sd.kind == Kind.BINOP:
                out[-2].sd.augmented = True   # a list += any iterable (sequences.py)
            return out
        if isinstance(target, S.Subscript):
            base = self.expr(target.value, out)
            index = self.index(target.slice, out)
            current = self.temp(out, S.Subscript(value=base, slice=index, ctx=S.Load()),
                                Kind.SUBSCRIPT, _stem(base) + "_item")
            method = INPLACE_METHODS.get(type(node.op))
            if method:
                self._item_guards(target.value, base, index, current, method, node, out)
            rhs = self.expr(node.value, out)
            if method and not self.src.filename.startswith(GENERATED_PREFIX):
                out.append(update_checks.item_guard(self, current, rhs, method))
            op = BINOPS.get(type(node.op))
            new = self.temp(out, S.BinOp(left=current, op=node.op, right=rhs), Kind.BINOP,
                            OP_NAMES.get(op, "op"), func=op)
            out.append(self.setitem(base, index, new, target, out))
            return out
        if isinstance(target, S.Attribute):   # r.b += e of a record made here
            from . import field_writes, property_setters
            if not property_setters.update(self, node, out):   # s.value += e: a setter
                field_writes.update(self, node, out)
            return out
        raise self.error(node, "srcdiff can only update names and array items in place",
                         hint="assign to a local variable instead")

    def assign_to(self, target, value, out):
        """`target = value`, with value lowered straight into the target when safe."""
        if isinstance(value, S.Name) and value.id == target:
            return
        update = inplace_calls.same_name_update(self, target, value)
        if update is not None:   # a = operator.iadd(a, b) is a += b, whatever a holds
            out += self.stmt_AugAssign(update)
            return
        if isinstance(value, S.Lambda):
            from . import lower_funcs_defaults   # a nested function's defaults
            value = lower_funcs_defaults.hoisted(self, target, value, out)
            self.local_function(target, value)
            out.append(self.assign(target, self.as_written(value), Kind.OPAQUE))
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
        out.append(self.assign(target, atom, Kind.COPY))

    def store(self, target, atom, out):
        if isinstance(target, S.Name):
            out.append(self.assign(target.id, atom, Kind.COPY))
        elif isinstance(target, (S.Tuple, S.List)):
            if any(isinstance(e, S.Starred) for e in target.elts):
                raise self.error(target, "starred unpacking is not supported",
                                 hint="index the sequence explicitly")
            self._check_unpacked(atom, len(target.elts), out)
            for i, elt in enumerate(target.elts):
                item = self.temp(out, S.Subscript(value=atom, slice=S.const(i), ctx=S.Load()),
                                 Kind.SUBSCRIPT, _stem(atom) + f"_{i}")
                self.store(elt, item, out)
        elif isinstance(target, S.Subscript):
            base = self.expr(target.value, out)
            index = self.index(target.slice, out)
            out.append(self.setitem(base, index, atom, target, out))
        elif isinstance(target, S.Attribute):   # r.b = e of a record made here
            from . import field_writes, property_setters
            if not property_setters.store(self, target, atom, out):   # s.value = e: a setter
                field_writes.store(self, target, atom, out)
        else:
            raise self.error(target, "srcdiff cannot assign to this target",
                             hint="assign to a local variable or an array item")

    def _check_unpacked(self, atom, count, out):
        """Before `a, b, c = atom` is lowered to atom[0], atom[1], atom[2]: Python's
        ValueError where atom holds another number of items (runtime_checks.check_unpacked),
        unless atom is a display of `count` items bound just before (in `out`), or a local
        every binding of which is a tuple display of `count` items (`t = c, d` ... `e, g = t`:
        tuple_lengths.display_length, kept per name)."""
        if isinstance(atom, S.Name):
            lengths = self.__dict__.setdefault("_tuple_lengths", {})
            if atom.id not in lengths:
                lengths[atom.id] = display_length(self.fdef, self.params, atom.id)
            if lengths[atom.id] == count:
                return
        if isinstance(atom, S.Name):
            bound = next((s for s in reversed(out) if isinstance(s, S.Assign)
                          and analyze.assigned(s) == atom.id), None)
            if bound is not None and isinstance(bound.value, (S.Tuple, S.List)) and \
                    len(bound.value.elts) == count and \
                    not any(isinstance(e, S.Starred) for e in bound.value.elts):
                return
        from . import runtime_checks
        check = S.Call(func=self._runtime_helper("check_unpacked", runtime_checks),
                       args=[atom, S.const(count), S.const(f"{self.src.filename}:{self.line}")],
                       keywords=[])
        out.append(self.info(S.Expr(value=check), Kind.EFFECT,
                             func=runtime_checks.check_unpacked))

    def setitem(self, base, index, value, node, out=None):
        if not isinstance(base, S.Name) or base.id not in self.locals:
            if out is not None:   # P["w"][0] = v: container_writes.item_of_item
                from .container_writes import item_of_item
                return item_of_item(self, base, index, value, node, out)
            raise self.error(node, "item assignment into a value the function does not "
                             "own is not supported", hint="copy it into a local array first")
        stmt = S.Assign(targets=[S.Subscript(value=base, slice=index, ctx=S.Store())],
                        value=value, type_comment=None)
        return self.info(stmt, Kind.SETITEM)

    def stmt_If(self, node):
        out = []
        cond = self.condition(node.test, out)
        line = self.line
        body = self.block(node.body)
        self.line = line
        orelse = self.block(node.orelse)
        self.line = line
        out.append(self.info(S.If(test=cond, body=body, orelse=orelse), Kind.IF))
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
        out.append(self.info(S.Assert(test=test, msg=msg), Kind.ASSERT))
        return out

    def stmt_Raise(self, node):
        out = []
        exc = self.expr(node.exc, out) if node.exc is not None else None
        out.append(self.info(S.Raise(exc=exc, cause=None), Kind.RAISE))
        return out

    def stmt_FunctionDef(self, node):
        """A nested def stays in the primal as written; calls with differentiated
        arguments go to a lifted copy that takes its free variables as parameters."""
        out = []
        from . import lower_funcs_defaults
        node = lower_funcs_defaults.hoisted(self, node.name, node, out)
        self.local_function(node.name, node)
        return out + [self.info(self.as_written(node), Kind.EFFECT)]

    def local_function(self, name, node):
        """Record the nested def or lambda bound to `name` (nested_defs.py, imported where a
        function defines one)."""
        from . import nested_defs
        return nested_defs.local_function(self, name, node)

    def as_written(self, node):
        """The nested def or lambda `node` for the primal, its globals read where this
        function finds them (nested_defs.as_written)."""
        from . import nested_defs
        return nested_defs.as_written(self, node)


def _container_work(body):
    """Whether a statement appends, pops or calls a helper of srcdiff's (a dict's view, keys,
    rest): all container_writes' checks look for. A plain function has none."""
    for info in (stmt.sd for stmt in analyze.flatten(body)):
        if info.kind in (Kind.APPEND, Kind.POP) or info.kind == Kind.CALL and str(
                getattr(info.func, "__module__", "")).startswith("srcdiff."):
            return True
    return False
