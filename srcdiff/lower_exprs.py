"""Lowering of expressions: a user expression to an atom (stage 3, lower: a mixin of
lower.Lowerer). Takes a gast expression; gives back an atom and the core statements that
compute it.

`ExpressionLowering` is a mixin of `lower.Lowerer`: `expr(node, out)` takes a gast
expression and returns an atom (a Name or a Constant), appending the core statements that
compute it to `out`; `operation(node, out, target)` returns the one statement
`target = op(atoms)`. Module-level values (globals, numpy.pi) are atoms read where used.
Calls go to `lower_calls.CallLowering`, conditional and boolean expressions and
comprehensions to `desugar.Desugaring`.
"""
import operator
import types
from . import inplace_calls
from . import named_tuples
from . import records
from . import sequences
from . import syntax as S
from . import values as fvalues
from . import variadic as fvariadic
from .callables import ARRAY_ATTRIBUTES, SHAPE_ATTRIBUTES, canonical_path
from .errors import where
from .operator_names import builtin_protocol_call
from .core import Kind
from .resolver import track_attribute

BINOPS = {
    S.Add: operator.add, S.Sub: operator.sub, S.Mult: operator.mul,
    S.Div: operator.truediv, S.Pow: operator.pow, S.MatMult: operator.matmul,
    S.FloorDiv: operator.floordiv, S.Mod: operator.mod,
    S.BitAnd: operator.and_, S.BitOr: operator.or_, S.BitXor: operator.xor,
    S.LShift: operator.lshift, S.RShift: operator.rshift,
}


OP_NAMES = {
    operator.add: "add", operator.sub: "sub", operator.mul: "mul",
    operator.truediv: "div", operator.pow: "pow", operator.matmul: "matmul",
    operator.floordiv: "floordiv", operator.mod: "mod", operator.neg: "neg",
    operator.pos: "pos", operator.and_: "and", operator.or_: "or",
    operator.xor: "xor", operator.lshift: "lshift", operator.rshift: "rshift",
    operator.invert: "invert",
}


def _fold(op, left, right):
    """Fold arithmetic on two numeric literals (1000 ** 2 becomes 1000000)."""
    if not (isinstance(left, S.Constant) and isinstance(right, S.Constant)):
        return None
    a, b = left.value, right.value
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)):
        return None
    if op is operator.pow and (abs(b) > 64 or abs(a) > 1e6):
        return None
    try:
        return S.const(op(a, b))
    except (ArithmeticError, TypeError, ValueError):
        return None


def _strip_ctx(node):
    for n in S.walk(node):
        if hasattr(n, "ctx"):
            n.ctx = S.Load()


def _stem(atom):
    if isinstance(atom, S.Name):
        return atom.id
    return "value"


def _stem_of_ref(node):
    if isinstance(node, S.Name):
        return node.id
    if isinstance(node, S.Attribute):
        return node.attr
    return "value"


def _is_number(obj):
    return isinstance(obj, (int, float, complex)) and not isinstance(obj, bool)


def _op_stem(node):
    if isinstance(node, S.BinOp):
        return OP_NAMES.get(BINOPS.get(type(node.op)), "op")
    if isinstance(node, S.UnaryOp):
        return {S.USub: "neg", S.Not: "not", S.Invert: "invert"}.get(type(node.op), "pos")
    if isinstance(node, S.Call):
        func = node.func
        if isinstance(func, S.Attribute):
            return func.attr
        if isinstance(func, S.Name):
            return func.id
        return "call"
    if isinstance(node, S.Subscript):
        return _stem(node.value) + "_item" if isinstance(node.value, S.Name) else "item"
    if isinstance(node, S.Attribute):
        return node.attr
    if isinstance(node, S.Compare):
        return "cmp"
    if isinstance(node, (S.Tuple, S.List, S.Dict)):
        return type(node).__name__.lower()
    return "t"



class ExpressionLowering:
    """Expressions to atoms and single operations (a mixin of lower.Lowerer)."""

    def expr(self, node, out):
        """Lower an expression to an atom, appending the statements it needs to `out`."""
        if isinstance(node, S.Constant):
            return node
        if isinstance(node, S.Name):
            if node.id in self.locals:
                return S.load(node.id)
            return self.global_value(node, out)
        if isinstance(node, S.Attribute) and self._global_path(node) is not None:
            return self.global_value(node, out)
        if isinstance(node, S.IfExp):
            return self.ifexp(node, out)
        if isinstance(node, S.BoolOp):
            return self.boolop(node, out)
        if isinstance(node, S.NamedExpr):
            atom = self.expr(node.value, out)
            out.append(self.assign(node.target.id, atom, Kind.COPY))
            return S.load(node.target.id)
        if isinstance(node, (S.ListComp, S.GeneratorExp, S.DictComp)):
            return self.comprehension(node, out)
        name = self.namer.fresh(_op_stem(node))
        self.spelled[name] = node  # refusals name the user's expression, not `name`
        stmt = self.operation(node, out, name)
        if stmt is None:
            raise self.error(node, f"srcdiff does not support the expression "
                             f"{type(node).__name__}")
        if stmt.sd.kind == Kind.COPY and isinstance(stmt.value, S.Constant):
            return stmt.value  # a folded literal needs no name
        out.append(stmt)
        return S.load(name)

    def global_value(self, node, out):
        """A module-level value (a constant, an array, numpy.pi): read it live."""
        obj = self._static_value(node)
        if isinstance(obj, types.ModuleType):
            raise self.error(node, "a module is not a value srcdiff can use here")
        path = self._global_path(node)
        root_obj = self.resolver.lookup(path[0], None)
        if isinstance(node, S.Attribute) and isinstance(root_obj, types.ModuleType):
            ref = self.bind(root_obj.__name__ + "." + ".".join(path[1:]), obj)
        else:
            ref = self.free_reference(node)
        # a module-level value is an atom: read where it is used, never saved or differentiated
        return ref

    def free_reference(self, node):
        """An expression for a free name (or attributes of one) that reads it where this
        function finds it: the emitted module reads free names the way the differentiated
        function does, so a helper's own globals (another module) or closure cells are
        reached through a module path or a binding of their own (`frontend.home`)."""
        ref = S.clone(node)
        _strip_ctx(ref)
        root = ref
        while isinstance(root, S.Attribute):
            root = root.value
        if isinstance(root, S.Name):
            from .frontend import free_name_reference
            new = free_name_reference(self, root.id)
            if new is not None:
                if root is ref:
                    return new
                parent = ref
                while parent.value is not root:
                    parent = parent.value
                parent.value = new
        return ref

    def script_path(self, path, obj):
        """`__main__.K.m` (a function of the script) as the expression `K.m` where that
        reads `obj` here, or None (lower_calls.call_object names such a function by it)."""
        parts = path.split(".")[1:]
        found = self.resolver.lookup(parts[0], None) if parts else None
        for attr in parts[1:]:
            found = getattr(found, attr, None)
        if found is not obj:
            return None
        ref = S.load(parts[0])
        for attr in parts[1:]:
            ref = S.Attribute(value=ref, attr=attr, ctx=S.Load())
        return ref

    def _global_path(self, node):
        node, parts = S.attribute_chain(node)
        if isinstance(node, S.Name) and node.id not in self.locals:
            return [node.id] + parts
        return None

    def _static_value(self, node):
        path = self._global_path(node)
        try:
            obj = self.resolver.lookup(path[0])
        except KeyError:
            if path[0] == self.fdef.name:   # a nested def's lifted copy (nested_defs.py)
                raise self.error(node, f"the nested function {path[0]} calls itself: srcdiff "
                                 "follows recursion in functions defined at module level only",
                                 hint=f"define {path[0]} at module level (passing it what it "
                                 "reads from the enclosing function)") from None
            raise self.error(node, f"name {path[0]!r} is not defined",
                             hint="define it before differentiating the function") from None
        for attr in path[1:]:
            owner = obj
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                raise self.error(node, f"{'.'.join(path)} does not exist") from None
            track_attribute(owner, attr, obj)   # (`cfg.act = numpy.sin` later: stale)
        return obj

    def _callee_object(self, func):
        if isinstance(func, S.Name) and func.id in self.locals:
            return None
        if isinstance(func, (S.Name, S.Attribute)) and self._global_path(func) is not None:
            try:
                return self._static_value(func)
            except Exception:
                return None
        return None

    def index(self, node, out):
        """Lower a subscript's index: slices and tuples keep their shape, parts become atoms."""
        if isinstance(node, S.Slice):
            return S.Slice(lower=self.expr(node.lower, out) if node.lower else None,
                           upper=self.expr(node.upper, out) if node.upper else None,
                           step=self.expr(node.step, out) if node.step else None)
        if isinstance(node, S.Tuple):
            return S.Tuple(elts=[self.index(e, out) for e in node.elts], ctx=S.Load())
        return self.expr(node, out)

    def _as_array(self, atom, out):
        """numpy.asarray(atom) in a temporary: a list display given to a ufunc."""
        import numpy
        call = S.Call(func=self.bind("numpy.asarray", numpy.asarray), args=[atom], keywords=[])
        return self.temp(out, call, Kind.CALL, "asarray", func=numpy.asarray)

    def index_concatenation(self, node, out):
        """numpy.r_[a, b] / numpy.c_[a, b] concatenate: a call of runtime.index_concat (which
        has rules), not an index into an object (no derivative); numpy.mgrid/ogrid[...]
        become runtime.index_grid. Their ranges a:b:c become runtime.range_item(a, b, c),
        refused where a bound is differentiated. None for other subscripts."""
        from . import runtime
        obj = self._callee_object(node.value)
        kinds = {"RClass": runtime.index_concat, "CClass": runtime.index_concat,
                 "MGridClass": runtime.index_grid, "OGridClass": runtime.index_grid}
        helper = kinds.get(type(obj).__name__) if obj is not None else None
        if helper is None or getattr(obj, "__module__", "").split(".")[0] != "numpy":
            return None
        parts = node.slice.elts if isinstance(node.slice, S.Tuple) else [node.slice]
        items = []
        for part in parts:
            if isinstance(part, S.Slice):
                bounds = [self.expr(b, out) if b is not None else S.const(None)
                          for b in (part.lower, part.upper, part.step)]
                call = S.Call(func=self.bind("range_item", runtime.range_item), args=bounds,
                              keywords=[])
                items.append(self.temp(out, call, Kind.CALL, "range", func=runtime.range_item))
            else:
                items.append(self.expr(part, out))
        if helper is runtime.index_grid and not isinstance(node.slice, S.Tuple):
            listed = items[0]   # mgrid[a:b] is 1-d; only mgrid[a:b,] is a grid of one axis
        else:
            listed = self.temp(out, S.List(elts=items, ctx=S.Load()), Kind.DISPLAY, "list")
        return S.Call(func=self.bind(helper.__name__, helper),
                      args=[self.global_value(node.value, out), listed], keywords=[]), helper

    def operation(self, node, out, target):
        """Lower one operation into `target = op(atoms)`; None if `node` is no operation."""
        if isinstance(node, (S.Name, S.Constant)) or (
                isinstance(node, S.Attribute) and self._global_path(node) is not None):
            atom = self.expr(node, out)
            return self.assign(target, atom, Kind.COPY)
        if self.objects_read and (isinstance(node, (S.BinOp, S.UnaryOp, S.Subscript)) or
                                  builtin_protocol_call(node)) or \
                getattr(node, "sd_operator", None):   # (v.__iadd__(w): operator_lowering.update)
            from . import operator_lowering   # v + w, -v, v[i], abs(v): their methods
            call = operator_lowering.call_for(self, node)
            if call is not None:
                return operator_lowering.lower(self, call, out, target)
        if builtin_protocol_call(node):   # abs(v) lowered as a number's: v checked where it
            from . import operator_lowering   # runs to be no object of the user's classes
            names = [S.load(a.id) for a in node.args if isinstance(a, S.Name) and
                     a.id in self.locals]
            operator_lowering.guard_operands(self, out, names, node)
        if isinstance(node, S.BinOp):
            left = self.expr(node.left, out)
            right = self.expr(node.right, out)
            from . import operator_lowering   # (an object whose class was not told: refused)
            operator_lowering.guard_operands(self, out, [left, right], node)
            op = BINOPS[type(node.op)]
            folded = _fold(op, left, right)
            if folded is not None:
                return self.assign(target, folded, Kind.COPY)
            return self.assign(target, S.BinOp(left=left, op=node.op, right=right), Kind.BINOP,
                               func=op)
        if isinstance(node, S.UnaryOp):
            operand = self.expr(node.operand, out)
            if not isinstance(node.op, S.Not):
                from . import operator_lowering
                operator_lowering.guard_operands(self, out, [operand], node)
            if isinstance(node.op, S.UAdd):
                return self.assign(target, operand, Kind.COPY)
            if isinstance(node.op, S.Not):
                return self.assign(target, S.UnaryOp(op=node.op, operand=operand), Kind.OPAQUE)
            op = operator.neg if isinstance(node.op, S.USub) else operator.invert
            if (op is operator.neg and isinstance(operand, S.Constant)
                    and isinstance(operand.value, (int, float)) and not isinstance(
                        operand.value, bool)):
                return self.assign(target, S.const(-operand.value), Kind.COPY)
            return self.assign(target, S.UnaryOp(op=node.op, operand=operand), Kind.UNARY, func=op)
        if isinstance(node, S.Compare):
            parts = [self.expr(node.left, out)] + [self.expr(c, out) for c in node.comparators]
            expr = S.Compare(left=parts[0], ops=node.ops, comparators=parts[1:])
            return self.assign(target, expr, Kind.OPAQUE)
        if isinstance(node, S.Call):
            binop = sequences.operator_call(self, node)
            if binop is not None:   # operator.add(a, b) is a + b, lists and tuples included
                if binop.concat:   # checked first: numbers and arrays raise there
                    binop = sequences.lower_concat(self, binop, out)
                    return self.assign(target, binop, Kind.BINOP, func=operator.add)
                return self.operation(binop, out, target)
            if inplace_calls.applies(self, node):   # operator.iadd(a, b) and its siblings
                return inplace_calls.lower(self, node, out, target)
            call = self.call(node, out)
            if isinstance(call, S.Assign):
                call.targets = [S.store(target)]
                return call
            return call
        if isinstance(node, S.Subscript):
            concatenation = self.index_concatenation(node, out)
            if concatenation is not None:
                call, helper = concatenation
                return self.assign(target, call, Kind.CALL, func=helper)
            base = self.expr(node.value, out)
            index = self.index(node.slice, out)
            from . import operator_lowering   # (an object whose class was not told: refused)
            operator_lowering.guard_operands(self, out, [base], node)
            return self.assign(target, S.Subscript(value=base, slice=index, ctx=S.Load()),
                               Kind.SUBSCRIPT)
        if isinstance(node, S.Attribute):
            base = self.expr(node.value, out)
            index = named_tuples.field_index(self, node, base)   # p.w of a named tuple: p[0]
            if index is not None:
                return self.assign(target, S.Subscript(value=base, slice=S.const(index),
                                                       ctx=S.Load()), Kind.SUBSCRIPT)
            names = named_tuples.fields_read(self, node, base)   # p._fields: its names
            if names is not None:
                return self.assign(target, names, Kind.DISPLAY)
            field = records.record_read(self, node, base, out)   # a dataclass's field
            if field is not None:
                return self.assign(target, field[0], Kind.CALL, func=field[1])
            if node.attr in ARRAY_ATTRIBUTES:   # (after the records: a field may be named T)
                func = ARRAY_ATTRIBUTES[node.attr]
                ref = self.bind(canonical_path(func), func)
                return self.assign(target, S.Call(func=ref, args=[base], keywords=[]), Kind.CALL,
                                   func=func)
            if self.objects_read:   # s.perimeter of an item of a list of several classes
                stmt = records.property_dispatch(self, node, base, out, target)
                if stmt is not None:
                    return stmt
            from . import runtime_linalg   # (only an attribute read of a value comes here)
            if node.attr in runtime_linalg.RESULT_FIELDS:  # svd(a).S, eigh(a).eigenvalues
                # (after the user's records and named tuples: a field of theirs may be
                # called U or S too)
                func = runtime_linalg.result_field
                self.bindings[func.__name__] = func
                here = S.const(where(self.src.filename, self.line))
                return self.assign(target, S.Call(func=S.load(func.__name__), args=[
                    base, S.const(node.attr), here], keywords=[]), Kind.CALL, func=func)
            kind = Kind.OPAQUE if node.attr in SHAPE_ATTRIBUTES else Kind.ATTRIBUTE
            return self.assign(target, S.Attribute(value=base, attr=node.attr, ctx=S.Load()),
                               kind)
        if isinstance(node, (S.Tuple, S.List)):
            if any(isinstance(e, S.Starred) for e in node.elts):
                return fvariadic.starred_display(self, node, out, target)
            elts = [self.expr(e, out) for e in node.elts]
            return self.assign(target, type(node)(elts=elts, ctx=S.Load()), Kind.DISPLAY)
        if isinstance(node, S.Dict):
            if any(k is None for k in node.keys):
                raise self.error(node, "** in a dict display is not supported")
            keys = [self.expr(k, out) for k in node.keys]
            values = [self.expr(v, out) for v in node.values]
            return self.assign(target, S.Dict(keys=keys, values=values), Kind.DISPLAY)
        if isinstance(node, S.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, S.FormattedValue):
                    value = S.FormattedValue(value=self.expr(value.value, out),
                                             conversion=value.conversion,
                                             format_spec=value.format_spec)
                parts.append(value)
            return self.assign(target, S.JoinedStr(values=parts), Kind.OPAQUE)
        if isinstance(node, S.Lambda):
            return self.assign(target, fvalues.lambda_value(self, node, out), Kind.COPY)
        if isinstance(node, (S.Yield, S.YieldFrom, S.Await)):
            raise self.error(node, "srcdiff cannot differentiate generators or coroutines")
        if isinstance(node, S.Set) and all(isinstance(e, S.Constant) for e in node.elts):
            # a set of constants (`mode in {"tanh", "relu"}`): a value never differentiated
            return self.assign(target, S.Set(elts=list(node.elts)), Kind.OPAQUE)
        if isinstance(node, (S.SetComp, S.Set)):
            raise self.error(node, f"{type(node).__name__} is not supported",
                             hint="build a list with a for loop and append")
        return None
