"""Shape facts for a lowered function, given the shapes of the arrays passed to it (stage 4,
analyze: called by transform.py, derivative.py, reverse_calls.py and reduction_shapes.py).
Takes lowered core statements and the input shapes; gives back each name's shape where it is
certain (`Shapes`), None where it is not.

A forward pass over the core language tracks each name's shape where it is
certain: literals and arrays passed in, elementwise NumPy ufuncs and operators
(broadcasting), matrix products and transposes, reductions over a literal axis,
and integer indexing by a loop counter or a literal. Loops and branches merge
what they know; anything unsure is unknown (None), and unknown shapes keep the
general code. The reverse pass uses the facts to specialise adjoints: an operand whose
shape equals the result's was not broadcast (no `unbroadcast`); one that was is
summed over known axes (`d.sum(axis=0)`); matrix adjoints become `g @ b.T`; and
`numpy.shape(x)` becomes a literal, so x is not kept for its shape.
"""
import operator

import numpy

from . import analyze
from . import syntax as S
from .runtime_numpy import method_copy
from .core import Kind

ELEMENTWISE_OPERATORS = {operator.add, operator.sub, operator.mul, operator.truediv,
                         operator.pow, operator.neg, operator.pos}
REDUCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min}
UNKNOWN = None


def broadcast(*shapes):
    """NumPy's broadcasting of shapes, on sizes alone (numpy.broadcast_shapes would make
    arrays of the placeholder sizes below, and overflow)."""
    if any(s is UNKNOWN for s in shapes):
        return UNKNOWN
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(ndim):
        sizes = {s[i - ndim + len(s)] for s in shapes if i - ndim + len(s) >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            return UNKNOWN  # e.g. (2,) with (3,): an error when it runs
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def matmul_shape(a, b):
    """The shape of a @ b (NumPy's rules for vectors, matrices and stacks)."""
    if a is UNKNOWN or b is UNKNOWN or not a or not b:
        return UNKNOWN
    a1, b1 = len(a) == 1, len(b) == 1
    a2 = (1,) + a if a1 else a
    b2 = b + (1,) if b1 else b
    if a2[-1] != b2[-2]:
        return UNKNOWN
    batch = broadcast(a2[:-2], b2[:-2])
    if batch is UNKNOWN:
        return UNKNOWN
    out = batch + (a2[-2], b2[-1])
    if a1:
        out = out[:-2] + out[-1:]
    if b1:
        out = out[:-1]
    return tuple(out)


class Shapes:
    """`at[id(stmt)]`: the known shapes of a statement's operands and result."""

    def __init__(self, low, inputs):
        self.at = {}
        self.int_loop_vars = set()
        for stmt in analyze.flatten(low.body):
            if isinstance(stmt, S.For) and isinstance(stmt.iter, S.Name):
                self.int_loop_vars.add(stmt.target.id)  # loops over a range() temporary
        self.ints = surely_ints(low)
        state = {p: s for p, s in inputs.items() if s is not UNKNOWN}
        # where emitted code can read a placeholder's size: a parameter never rebound
        rebound = {n.id for stmt in analyze.flatten(low.body) for n in S.nodes(stmt)
                   if isinstance(n, S.Name) and isinstance(n.ctx, S.Store)}
        self.inputs = {p: s for p, s in state.items() if p in low.params and p not in rebound}
        self.sources = {}
        for p, shape in sorted(self.inputs.items()):
            for axis, n in enumerate(shape):
                if n >= PLACEHOLDER:
                    self.sources.setdefault(n, (p, axis))
        self._block(low.body, state)
        self.final = state  # shapes known after the last statement

    def spell(self, shape):
        """`shape` as an expression of the emitted code: a literal of actual sizes, else
        made of the parameters' shapes (`x.shape`, `(x.shape[0], 1)`); None if unknown."""
        if shape is UNKNOWN:
            return None
        if concrete(shape):
            return S.Tuple(elts=[S.const(n) for n in shape], ctx=S.Load())
        for p, known in sorted(self.inputs.items()):
            if known == shape:
                return S.Attribute(value=S.load(p), attr="shape", ctx=S.Load())
        elts = []
        for n in shape:
            if n < PLACEHOLDER:
                elts.append(S.const(n))
            elif n in self.sources:
                p, axis = self.sources[n]
                elts.append(S.Subscript(value=S.Attribute(value=S.load(p), attr="shape",
                                                          ctx=S.Load()),
                                        slice=S.const(axis), ctx=S.Load()))
            else:
                return None
        return S.Tuple(elts=elts, ctx=S.Load())

    def _atom(self, atom, state):
        if isinstance(atom, S.Constant):
            value = atom.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return ()
            return UNKNOWN
        if isinstance(atom, S.Name):
            return state.get(atom.id, UNKNOWN)
        return UNKNOWN

    def _value(self, stmt, state):
        info = stmt.sd
        value = stmt.value
        if info.kind == Kind.STOP_GRADIENT:  # no_derivative(x)
            return self._atom(value.args[0], state)
        if info.kind == Kind.COPY:
            return self._atom(value, state)
        if info.kind in (Kind.BINOP, Kind.UNARY) and info.func in ELEMENTWISE_OPERATORS:
            args, _ = analyze.call_parts(value)
            return broadcast(*[self._atom(a, state) for a in args])
        if info.func in (operator.matmul, numpy.matmul, numpy.dot):
            args, keywords = analyze.call_parts(value)
            if len(args) == 2 and not keywords:
                shapes = [self._atom(a, state) for a in args]
                if info.func is numpy.dot and not all(s and len(s) <= 2 for s in shapes):
                    return UNKNOWN  # dot of scalars or stacks is not matmul
                return matmul_shape(*shapes)
        if info.kind == Kind.CALL and info.user_call is None and info.inplace is None:
            func = info.func
            args, keywords = analyze.call_parts(value)
            if isinstance(func, numpy.ufunc) and func.signature is None and func.nout == 1 \
                    and func.nin == len(args) \
                    and not keywords:
                return broadcast(*[self._atom(a, state) for a in args])
            if func is numpy.transpose and len(args) == 1 and not keywords:
                shape = self._atom(args[0], state)
                return UNKNOWN if shape is UNKNOWN else shape[::-1]
            if func in REDUCTIONS:
                return _reduced(self._atom(args[0], state) if args else UNKNOWN, args[1:],
                                keywords)
            if func in SAME_SHAPE and len(args) == SAME_SHAPE[func] \
                    and set(keywords) <= {"dtype", "order"}:
                return self._atom(args[0], state)   # numpy.zeros_like(x), numpy.copy(x)
        if info.kind == Kind.SUBSCRIPT:
            base = self._atom(value.value, state)
            if base and self.int_index(value.slice, base):
                return base[1:]
        return UNKNOWN

    def int_index(self, index, base):
        """Whether `index` is certainly one integer (so `a[index]` is `a`'s item of shape
        base[1:]): a loop counter over a range, a name only ever bound to integers, or an
        integer literal within the first axis."""
        if isinstance(index, S.Name):
            return index.id in self.int_loop_vars or index.id in self.ints
        return isinstance(index, S.Constant) and type(index.value) is int \
            and -base[0] <= index.value < base[0]

    def _block(self, body, state):
        for stmt in body:
            if isinstance(stmt, S.If):
                a, b = dict(state), dict(state)
                self._block(stmt.body, a)
                self._block(stmt.orelse, b)
                _replace(state, _merge(a, b))
            elif isinstance(stmt, (S.For, S.While)):
                if isinstance(stmt, S.For):
                    state.pop(stmt.target.id, None)
                for _ in range(8):
                    entry = dict(state)
                    inner = dict(state)
                    self._block(stmt.body, inner)
                    merged = _merge(entry, inner)
                    _replace(state, merged)
                    if merged == entry:
                        break
                else:  # pragma: no cover - shapes that never settle are unknown
                    state.clear()
                    self._block(stmt.body, dict(state))
            elif isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
                target = stmt.targets[0].id
                shape = self._value(stmt, state)
                known = {n: state[n] for n in analyze.operands(stmt) if n in state}
                if shape is not UNKNOWN:
                    known[target] = shape
                    state[target] = shape
                else:
                    state.pop(target, None)
                self.at[id(stmt)] = known
            elif isinstance(stmt, S.Assign) and stmt.targets[0].value.id in state \
                    and state[stmt.targets[0].value.id]:
                # an item write into an array: its shape stays (a number has no items)
                self.at[id(stmt)] = {n: state[n] for n in analyze.operands(stmt)
                                     if n in state}
                self.at[id(stmt)][stmt.targets[0].value.id] = state[stmt.targets[0].value.id]
            else:
                name = analyze.assigned(stmt)
                if name is not None:
                    state.pop(name, None)  # an item write or append: keep it simple

    def item_shape(self, stmt):
        """The shape of the item `a[i]` the item write `a[i] = v` replaces, where `a`'s
        shape is known there and `i` is certainly one integer; else None."""
        target = stmt.targets[0]
        base = self.of(stmt, target.value.id)
        if base and self.int_index(target.slice, base):
            return base[1:]
        return UNKNOWN

    def of(self, stmt, name):
        """The shape of `name` at this statement, or None."""
        return self.at.get(id(stmt), {}).get(name)

    def same(self, stmt, operand, result):
        """True when `operand` certainly has the shape of `result` at this statement."""
        known = self.at.get(id(stmt), {})
        return (operand in known and result in known
                and known[operand] == known[result])


SAME_SHAPE = {numpy.zeros_like: 1, numpy.ones_like: 1, numpy.empty_like: 1,
              numpy.full_like: 2, numpy.copy: 1, method_copy: 1}   # method_copy: `x.copy()`
INT_OPERATORS = {operator.add, operator.sub, operator.mul, operator.floordiv, operator.mod}


def surely_ints(low):
    """The names every binding of which gives a Python int: a loop counter over a
    `range(...)` temporary, an int literal, `len(...)`, and +, -, *, // and % of those
    (the largest such set: `k = 0 ... k = k + 1` is one by induction). A parameter, or a
    name bound any other way, is not."""
    stmts = list(analyze.flatten(low.body))
    ranges = {s.targets[0].id for s in stmts if isinstance(s, S.Assign)
              and isinstance(s.targets[0], S.Name) and getattr(s.sd, "func", None) is range}
    bindings = {}
    counters = set()
    other = set(low.params)
    for stmt in stmts:
        if isinstance(stmt, S.For):
            if isinstance(stmt.iter, S.Name) and stmt.iter.id in ranges \
                    and all(not (isinstance(s, S.Assign) and isinstance(s.targets[0], S.Name)
                                 and s.targets[0].id == stmt.iter.id
                                 and getattr(s.sd, "func", None) is not range)
                            for s in stmts):
                counters.add(stmt.target.id)
                continue
            other.update(n.id for n in S.walk(stmt.target) if isinstance(n, S.Name))
        elif isinstance(stmt, S.Assign) and isinstance(stmt.targets[0], S.Name):
            bindings.setdefault(stmt.targets[0].id, []).append(stmt)
        elif isinstance(stmt, (S.If, S.While)) or (isinstance(stmt, S.Assign)):
            continue   # an item write changes no binding
        else:
            for node in S.walk(stmt):
                if isinstance(node, S.Name) and isinstance(node.ctx, S.Store):
                    other.add(node.id)
                elif isinstance(node, (S.FunctionDef, S.ClassDef)):
                    other.add(node.name)
    ints = (set(bindings) | counters) - other
    changed = True
    while changed:
        changed = False
        for name in sorted(ints):
            if not all(_int_value(stmt, ints) for stmt in bindings.get(name, ())):
                ints.discard(name)
                changed = True
    return ints


def _int_value(stmt, ints):
    def is_int(atom):
        return (isinstance(atom, S.Constant) and type(atom.value) is int) or \
            (isinstance(atom, S.Name) and atom.id in ints)
    info = stmt.sd
    if info.kind == Kind.COPY:
        return is_int(stmt.value)
    if info.kind == Kind.BINOP and info.func in INT_OPERATORS:
        args, keywords = analyze.call_parts(stmt.value)
        return not keywords and all(is_int(a) for a in args)
    return info.kind == Kind.CALL and info.func is len and info.user_call is None


def _reduced(shape, args, keywords):
    """The shape of numpy.sum(x, axis, keepdims=...) and its kin, for literal arguments."""
    if len(args) > 1 or set(keywords) - {"axis", "keepdims"}:
        return UNKNOWN
    axis = args[0] if args else keywords.get("axis", S.Constant(value=None, kind=None))
    keepdims = keywords.get("keepdims", S.Constant(value=False, kind=None))
    if not (isinstance(axis, S.Constant) and isinstance(keepdims, S.Constant)
            and type(keepdims.value) is bool):
        return UNKNOWN
    if axis.value is None:
        if keepdims.value:
            return UNKNOWN if shape is UNKNOWN else (1,) * len(shape)
        return ()
    if shape is UNKNOWN or type(axis.value) is not int or not -len(shape) <= axis.value < len(shape):
        return UNKNOWN
    a = axis.value % len(shape)
    return shape[:a] + ((1,) if keepdims.value else ()) + shape[a + 1:]


def _merge(a, b):
    return {k: v for k, v in a.items() if k in b and b[k] == v}


def _replace(state, new):
    state.clear()
    state.update(new)


# A derivative is specialised on the *pattern* of the input shapes, not on their sizes:
# each size other than 0 and 1 stands for a placeholder (equal sizes for one), so all
# inputs of one pattern share one variant, and a new size costs no transform. The facts
# above depend on sizes only through equality and being 0 or 1 (no size is ever made
# from a literal), so a fact found for the placeholders holds for every size they stand
# for; a shape holding a placeholder is never written into emitted code (`concrete`).
PLACEHOLDER = 1 << 40


def input_shapes(params, args, kwargs):
    """The pattern of the shapes of the arrays and floats passed in, by parameter name."""
    out = {}
    sizes = {}
    for name, value in list(zip(params, args)) + list(kwargs.items()):
        if isinstance(value, (float, int)) and not isinstance(value, bool):
            out[name] = ()
        elif isinstance(value, (numpy.ndarray, numpy.generic)):
            if any(n >= PLACEHOLDER for n in value.shape):
                continue  # not an array of this world: its shape stays unknown
            out[name] = tuple(n if n in (0, 1) else sizes.setdefault(n, PLACEHOLDER + len(sizes))
                              for n in value.shape)
    return out


def concrete(shape):
    """Whether `shape` is known and holds actual sizes only (no placeholder)."""
    return shape is not None and all(n < PLACEHOLDER for n in shape)


class AtStatement(S.NodeTransformer):
    """A rewrite of one adjoint expression of the primal statement `stmt`, reading the
    shape facts there (`shapes`) and binding what it calls into `bindings`."""

    def __init__(self, shapes, stmt, bindings=None):
        self.shapes = shapes
        self.stmt = stmt
        self.bindings = bindings


class _KnownShapes(AtStatement):
    """`numpy.shape(x)` is a literal where x's shape is known at the statement, so
    the adjoint need not keep x (or a stand-in of it) for its shape."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, S.Attribute) and isinstance(func.value, S.Name)
                and func.value.id == "numpy" and func.attr == "shape" and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], S.Name)):
            spelled = self.shapes.spell(self.shapes.of(self.stmt, node.args[0].id))
            if spelled is not None:
                return spelled
        if (isinstance(func, S.Name) and func.id == "broadcast_back" and len(node.args) == 2
                and self.bindings is not None and isinstance(node.args[1], S.Name)):
            # a sum's adjoint onto a NumPy array of a known shape (srcdiff/lazy_runtime.py)
            spelled = self.shapes.spell(self.shapes.of(self.stmt, node.args[1].id))
            if spelled is not None:
                self.bindings["numpy"] = numpy  # as the templates bind it
                return S.Call(func=S.Attribute(value=S.load("numpy"), attr="broadcast_to",
                                               ctx=S.Load()),
                              args=[node.args[0], spelled], keywords=[])
        return node


def _sum_broadcast_axes(grad, shape, spell, result):
    """`grad.sum(axis=...)` that undoes broadcasting `shape` to `result`, or None.

    Shapes are known only for NumPy arrays passed in, so `grad` is an ndarray here
    and has the method (cheaper than NumPy's `numpy.sum` wrapper on small arrays).
    """
    if shape is None or not result or len(shape) > len(result):
        return None
    extra = len(result) - len(shape)
    kept = [extra + i for i, n in enumerate(shape) if n == 1 and result[extra + i] != 1]
    if any(n != 1 and n != result[extra + i] for i, n in enumerate(shape)):
        return None
    axes = list(range(extra)) + kept
    shape_node = spell(shape) if kept and extra else None
    if not axes or (kept and extra and shape_node is None):
        return None
    axis = S.const(axes[0]) if len(axes) == 1 else S.Tuple(elts=[S.const(a) for a in axes],
                                                           ctx=S.Load())
    keywords = [] if len(axes) == len(result) else [S.keyword(arg="axis", value=axis)]
    if kept and not extra:
        keywords.append(S.keyword(arg="keepdims", value=S.const(True)))
    total = S.Call(func=S.Attribute(value=grad, attr="sum", ctx=S.Load()), args=[],
                   keywords=keywords)
    if kept and extra:
        total = S.Call(func=S.Attribute(value=total, attr="reshape", ctx=S.Load()),
                       args=[shape_node], keywords=[])
    return total
