"""Copy insertion and write checks (stage 3, lower: a mixin of lower.Lowerer). Takes lowered
core statements or one user statement; gives back core statements with private copies, or a
check statement, or raises a located refusal.

`CopyInsertion` is a mixin of `lower.Lowerer`; each method takes lowered core statements or
one user statement and returns core statements or a check statement:

* parameters written into get a private copy first (`x = own_copy(x)`): the caller's arrays
  never change;
* a swap of rows or slices that NumPy would not swap is refused, at once or by a check when
  it runs; `c[k] op= v` where another name may hold the item gets a check (item_sharing.py);
* a call of the user's function that writes into what it is given is refused (or checked
  when it runs, for `p op= ...`), unless it is given a new value or a name only the caller
  holds (writing_helpers.py then binds that name to what the helper made of it); `out=` and
  `overwrite_*=` arguments are refused.

The whole-function alias checks live in aliasing.py, alias_flow.py, checks.py and
update_checks.py, which `Lowerer.run` calls on the lowered body.
"""
import os
from . import analyze
from . import checks
from . import inplace_calls
from . import syntax as S
from . import variadic as fvariadic
from .callables import LocalFunction, canonical_path, writes_argument, written_positions
from .core import GENERATED_PREFIX, Kind
from .item_sharing import ItemSharing
from .lower_calls import _is_numpy_ufunc

def _fresh_temporary(stmt, out, fresh_argument, user_names, depth=0):
    """Whether the lowered `stmt` binds a new value no other name holds (fresh_argument),
    seen through stop_gradient, which hands back the value it is given: the caller's
    `h(stop_gradient(np.maximum(x, y)))` gives h a temporary only h sees."""
    if fresh_argument(stmt):
        return True
    value = stmt.value
    if depth > 3 or stmt.sd.kind != Kind.STOP_GRADIENT or \
            not isinstance(value, S.Call) or len(value.args) != 1 or value.keywords or \
            not isinstance(value.args[0], S.Name) or value.args[0].id in user_names:
        return False
    inner = value.args[0].id
    made = [t for t in out if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name)
            and t.targets[0].id == inner]
    reads = [t for t in out if inner in {n.id for n in S.walk(t) if isinstance(n, S.Name)
                                          and isinstance(n.ctx, S.Load)}]
    return len(made) == 1 and len(reads) == 1 and \
        _fresh_temporary(made[0], out, fresh_argument, user_names, depth + 1)


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


def _written_arguments(node, obj):
    """(parameter name, argument) of the out= and overwrite_*= arguments of a call of the
    library function `obj`, passed by name or by position (bound to obj's signature)."""
    found = [(k.arg, k.value) for k in node.keywords if k.arg and writes_argument(k.arg)]
    if not node.args or any(isinstance(a, S.Starred) for a in node.args):
        return found
    for i, name in written_positions(obj):
        if i < len(node.args):
            found.append((name, node.args[i]))
    return found


class CopyInsertion(ItemSharing):
    """Private copies and checks of writes (a mixin of lower.Lowerer; whether an updated
    item may be shared: item_sharing.ItemSharing)."""

    def _own_written_params(self, body):
        """Parameters written into get a private copy first: the caller's arrays never change."""
        from . import runtime
        # helpers writing into the caller's names: the variant writes into the name's array
        handed = set()
        if getattr(self, "handed_back", None):   # (writing_helpers noted a call: imported then)
            from . import writing_helpers
            handed = writing_helpers.rewrite(self, body)
        if not self.src.filename.startswith(GENERATED_PREFIX) and (   # (checked as the user's)
                getattr(self, "item_copies", None) or any(
                    t.sd.kind == Kind.SETITEM for t in analyze.flatten(body))):
            from . import container_writes   # an item written: a plain function writes none
            container_writes.store_back_items(self, body)   # w = P["w"]; w[1] = v; P read
            container_writes.check_item_copies(self, body)   # P["w"][0] = v lowered
        stmts = list(analyze.flatten(body))
        written = {s.targets[0].value.id for s in stmts if s.sd.kind == Kind.SETITEM}
        written |= {s.targets[0].id for s in stmts if isinstance(s, S.Assign)
                    and isinstance(s.targets[0], S.Name) and s.sd.inplace is not None}
        # a write through a row, a slice or an alias (x = A[1]; x[0] = v), or through an
        # item of a tuple holding it (a, b = b, a; a[0] = v), lands in the parameter it was
        # taken from: that parameter gets its own copy too
        written |= _shared_with_written(stmts, written)
        written |= handed   # (a parameter a helper writes into: the caller's array, else)
        prelude = []
        for name in self.params:
            if name in written:
                ref = self.bind("own_copy", runtime.own_copy)
                self.line = self.fdef.lineno
                prelude.append(self.assign(name, S.Call(func=ref, args=[S.load(name)],
                                                        keywords=[]), Kind.CALL,
                                           func=runtime.own_copy))
        return prelude + body

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
            out.append(self.info(guard, Kind.EFFECT, func=runtime.check_item_copies))

    def _refuse_out_argument(self, node, obj, out_taken=False):
        """out= (or a ufunc's outputs passed by position) writes the result into an array the
        caller holds: the rules give a new value, and the write would go unseen (a zero or
        stale derivative), so such a call is refused, whatever is differentiated. SciPy's
        overwrite_a=True, overwrite_b=True, ... let the call write into the arrays it is
        handed: the rules, which read them after the call, would see the garbage. Both are
        found passed by name or by position (`out_taken`: out_writes.py lowers the out=)."""
        given = _written_arguments(node, obj)
        if _is_numpy_ufunc(obj) and isinstance(getattr(obj, "nin", None), int):
            given += [("out", a) for a in node.args[obj.nin:]]
        name = canonical_path(obj) or getattr(obj, "__name__", "this function")
        for arg, value in given:
            if arg == "out" and not out_taken and not (isinstance(value, S.Constant) and
                                                       value.value is None):
                raise self.error(node, f"{name} is given an out= array to write its result "
                                 "into; srcdiff follows values, not writes into arrays a call "
                                 "is handed", hint="assign the result instead: o = f(...) (or "
                                 "o[...] = f(...) to fill a part of o)")
            if arg != "out" and not (isinstance(value, S.Constant) and not value.value):
                raise self.error(node, f"{name} is given {arg}=, which lets it write into "
                                 "the array it is handed; srcdiff's derivative reads that array "
                                 "as it was", hint=f"leave {arg} out (or pass "
                                 f"{arg}=False), so that the call works on a copy")

    def _unless_fresh(self, writes, fdef, params, args, out, source, name, hint):
        """The writes of `writes` (parameter, node) that would change an array the caller
        holds: not those into a parameter given a new array nobody else holds (`helper(x *
        2.0)`: argument_writes.fresh_argument), whose change no one sees. Such an argument
        gets a check that the run gave a plain array (a list made by `+` holds the caller's
        items: check_fresh_argument refuses it, at the write)."""
        from . import runtime_alias
        from .argument_writes import fresh_argument
        variadic = {getattr(a, "id", None) or getattr(a, "arg", None)   # gast Name, ast arg
                    for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None}
        left, checked = [], []
        for param, where in writes:
            i = params.index(param) if param in params and param not in variadic else None
            arg = args[i] if i is not None and i < len(args) else None
            made = [t for t in out if isinstance(t, S.Assign) and isinstance(arg, S.Name)
                    and isinstance(t.targets[0], S.Name) and t.targets[0].id == arg.id]
            if not isinstance(arg, S.Name) or arg.id in self.user_names or len(made) != 1 or \
                    not _fresh_temporary(made[0], out, fresh_argument, self.user_names):
                left.append((param, where))
            elif arg.id not in checked:
                checked.append(arg.id)
                error = source.error(where, f"{name} writes into its argument {param!r} in "
                                     "place; what the call is given here is not a new array "
                                     "but a list, tuple or object whose items the caller's "
                                     "names may hold too", hint=hint.format(p=param))
                func = runtime_alias.check_fresh_argument
                self.bindings[func.__name__] = func
                guard = S.Expr(value=S.Call(func=S.load(func.__name__), args=[
                    S.load(arg.id)] + checks.refusal_args(error), keywords=[]))
                out.append(self.info(guard, Kind.EFFECT, func=func))
        return left

    def _check_argument_writes(self, node, fn, args, out, own=()):
        """A called function that changes what it is given in place (v[0] = ..., v -= ...)
        would change the caller's array, which its derivative does not follow: refused,
        pointing at the write. `v op= ...` rebinds numbers, so for those only the run
        tells: a check before the call refuses arrays (`args`: the call's operands in
        the callee's parameter order). `own`: parameters left out (a state method's object,
        state_methods.py: its field writes are followed)."""
        from . import runtime
        from .argument_writes import argument_writes, passed_on_write
        from .frontend import get_source
        if self.src.filename.startswith(GENERATED_PREFIX):
            return   # srcdiff's own code, made from user code checked already
        source = fn.source if isinstance(fn, LocalFunction) else get_source(fn)
        if source.filename.startswith(GENERATED_PREFIX):
            return
        fdef = source.node
        params = fvariadic.parameter_names(fdef)
        resolver = fn.resolver if isinstance(fn, LocalFunction) else None
        resolve = inplace_calls.callee_resolver(fn, resolver, fdef, params)
        writes, updates = argument_writes(fdef, params, resolve)
        if own:
            writes = [w for w in writes if w[0] not in own]
            updates = [u for u in updates if u[0] not in own]
        name = getattr(fn, "__qualname__", fdef.name)
        if not writes:
            passed = passed_on_write(fdef, params, resolve, _callee_syntax, {fn})
            if passed is not None and passed[0] in own:
                passed = None
            if passed is not None and len(passed) > 4:   # an update: in place for arrays
                updates = updates + [(passed[0], passed[4], passed[1])]
            elif passed is not None:
                param, call, callee, inner = passed
                error = source.error(call, f"{name} passes its argument {param!r} to {callee}, "
                                     f"which writes into it in place ({inner}), so the "
                                     "caller's value would change too; srcdiff cannot follow "
                                     "a change a called function makes to what it is given",
                                     hint=f"make {callee} change a copy and return it, and "
                                          "assign the result where it is called")
                from .library_calls import at_caller
                raise at_caller(error, self.src, getattr(node, "lineno", self.line), fn) \
                    or error
        called = f"{os.path.basename(self.src.filename)}:{getattr(node, 'lineno', self.line)}"
        hint = (f"make {name} change a copy and return it ({{p}} = {{p}}.copy() first, then "
                f"return {{p}}), and assign the result where it is called ({called})")
        free = set(getattr(fn, "free", ()))   # a nested function's enclosing variables
        if writes:
            writes = self._unless_fresh(writes, fdef, params, args, out, source, name, hint)
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
            error = at_caller(error, self.src, getattr(node, "lineno", self.line), fn) or error
            from . import writing_helpers   # (a user's function writing into what it is given)
            if free or not writing_helpers.take(self, node, fn, fdef, params, args, writes,
                                                error, out):
                raise error
        for param, op, where in updates:
            i = params.index(param)
            arg = args[i] if i < len(args) else None
            if not isinstance(arg, S.Name):
                continue   # a literal: a number, rebound
            reason = (f"{name} updates its argument {param!r} in place: for an array that "
                      "changes the caller's array too, which srcdiff cannot follow")
            hint_text = (f"make {name} return the new value ({param} = {param} "
                         f"{_OP_TEXT.get(op, 'op')} ...; return {param}), and assign it where "
                         f"it is called ({called})")
            if param in getattr(fdef, S.NONLOCAL_TAKEN, ()):   # (nonlocal_writes passes it)
                reason = (f"{name} updates {param!r}, a variable of the function around it "
                          "declared nonlocal, in place: for an array another name of that "
                          "function may hold too, which would change with it; srcdiff cannot "
                          "follow that")
                hint_text = (f"bind {param} to a new array where it is bound ({param} = "
                             f"numpy.zeros(...), or {param} = v.copy() of the value v it is "
                             f"given), or write {param} = {param} {_OP_TEXT.get(op, 'op')} ... "
                             f"in {name}")
            self.bindings["check_argument_update"] = runtime.check_argument_update
            guard = S.Expr(value=S.Call(func=S.load("check_argument_update"), args=[
                S.load(arg.id), S.const(_INPLACE_ANY.get(op, "__iadd__")), S.const(reason),
                S.const(hint_text), S.const(source.filename),
                S.const(where.lineno), S.const(where.col_offset)], keywords=[]))
            out.append(self.info(guard, Kind.EFFECT, func=runtime.check_argument_update))
            if not writes and len({p for p, _, _ in updates}) == 1:   # (an array: handed
                from . import writing_helpers
                writing_helpers.take(self, node, fn, fdef, params, args, [(param, where)],
                                     None, out, guard=out[-1])   # back, writing_helpers)
                break


def _shared_with_written(stmts, written):
    """The names whose arrays a write into `written` may land in (analyze.taken_from's
    rows and copies, and the items of a tuple or list built here: after `a, b = b, a`,
    lowered t = (b, a); a = t[0]; b = t[1], `a[0] = 1.0` writes into the array the
    parameter b held), transitively."""
    parents = {}
    for stmt in stmts:
        if not (isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name)):
            continue
        value, target = stmt.value, stmt.targets[0].id
        if isinstance(value, S.Subscript) and isinstance(value.value, S.Name):
            parents.setdefault(target, set()).add(value.value.id)
        elif stmt.sd.kind == Kind.COPY and isinstance(value, S.Name):
            parents.setdefault(target, set()).add(value.id)
        elif stmt.sd.kind == Kind.DISPLAY and isinstance(value, (S.Tuple, S.List)):
            parents.setdefault(target, set()).update(
                e.id for e in value.elts if isinstance(e, S.Name))
    out, todo = set(written), list(written)
    while todo:
        for base in parents.get(todo.pop(), ()):
            if base not in out:
                out.add(base)
                todo.append(base)
    return out - set(written)


def _callee_syntax(callee):
    """How argument_writes.passed_on_write reads a function the code hands a parameter on
    to: (source, its parameters, its call resolver) for a function of the user's with
    source, else None (one without is followed at its own call, or refused there)."""
    from .callables import is_user_function
    from .frontend import get_source
    if not is_user_function(callee):
        return None
    try:
        source = get_source(callee)
    except Exception:  # noqa: BLE001
        return None
    params = fvariadic.parameter_names(source.node)
    return source, params, inplace_calls.callee_resolver(callee, None, source.node, params)
