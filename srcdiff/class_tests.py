"""Tests of a parameter's class that srcdiff can answer where it compiles the code, folded
(stage 3, lower: called by source_rewrites.py first, and by operator_lowering.py, which
notes the facts). Takes a gast FunctionDef, a resolver of its free names and the facts
the call gives about the parameters (`rewrite`); gives back a copy where each `if` whose
test it can answer is the branch taken, or the same FunctionDef where there is none.

An operator method written for objects and numbers alike branches on its operand:

    def __add__(self, o):
        if isinstance(o, Dual):
            return Dual(self.v + o.v, self.d + o.d)
        return Dual(self.v + o, self.d)

srcdiff makes a variant of the method per kind of operand (program.Program), so in each
only one branch ever runs; the other reads the operand as what it is not (`o.v` of a
number, `self.v + o` of a Dual, which no method of the class takes) and would be refused.
Here the test is answered and the branch that cannot run dropped, together with the code
after a branch taken that ends in return, raise, break or continue:

* `isinstance(p, C)` (C a class or a tuple of classes the function's scope names, never
  rebound in it), where p is a parameter the function never rebinds, and the call tells:
  p's class exactly (`known_types[p]`, a class of the user's: checked where the code runs,
  runtime_values.check_class or runtime_checks.check_operands), so the answer is
  issubclass; or that p holds a number or a NumPy array (`known_types[p + NUMBER_OR_ARRAY]`:
  operator_lowering.py notes it for an operand that runtime_checks.check_operands checks
  is one), so the answer is False for a class of the user's that no number or array can be
  an instance of (a plain class, not one subclassing a number or an array, nor with a
  subclass that does);
* `p is None` and `p is not None`, where p is a parameter the function never rebinds and the
  call passed None for it or left it to a default of None (`known_types[p + NONE_PASSED]`,
  markers.py; a variant is made per None passed: its key has None's type, also in the key of
  the variant for any shapes). A mask or options argument left out, `if mask is not None:`,
  drops the branch whose code would be refused though it never runs;
* `isinstance(o, (int, float))` of such an operand, which a number or an array may pass or
  fail (a Python float and a NumPy float64 pass, a 0-d array and a float32 do not): never
  answered before the code runs; operator_lowering.py makes the test where the code runs
  (`number_tests` names the classes) and calls, in each branch, the method's variant told
  the answer (`known_types[p + INSTANCE_OF]`: (classes, answer)). In the variant told
  False, a branch whose first statement reads an attribute no number or array has (`o.v`)
  raises the AttributeError Python would raise there;
* `not t`, `t and u`, `t or u` of such tests, and the same tests in `a if t else b`.

Anything else (a class srcdiff cannot tell, a test of a local, isinstance rebound) stays as
written, both branches lowered as before.
"""
import abc
import builtins

import numpy

from . import syntax as S
from .markers import NONE_PASSED

NUMBER_OR_ARRAY = ".__number_or_array__"   # known_types[p + this]: p holds a number or array
INSTANCE_OF = ".__instance_of__"   # known_types[p + this]: (classes, isinstance(p, classes))
_PLAIN = (int, float, complex, numpy.ndarray, numpy.generic)
_SCOPES = (S.FunctionDef, S.AsyncFunctionDef, S.Lambda, S.ClassDef)


def early_facts(known_types, fdef):
    """{p: whether p holds None} for each parameter p that fdef rebinds and of which the call
    told that it holds None (NONE_PASSED) or something else (a class, a function: known_types
    has p itself): true until p's first binding, so `if act is None: act = np.tanh` as the
    body's first statements is answered (rewrite's `early`)."""
    params = _params(fdef)
    stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del))}
    out = {}
    for p in params & stored:
        if known_types.get(p + NONE_PASSED) is True:
            out[p] = True
        elif known_types.get(p) is not None:
            out[p] = False
    return out


def rewrite(fdef, resolve, known_types, early=None):
    """`fdef`, or a copy with the tests answered here folded (see the docstring); `early`
    (early_facts) answers `p is None` for a parameter rebound later, in the statements of the
    body itself before p's first binding."""
    known = dict(known_types or {})
    params = _params(fdef)
    stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del))}
    told = {p for p in params - stored if _exact(known.get(p)) or known.get(
        p + NUMBER_OR_ARRAY) is True or known.get(p + INSTANCE_OF) is not None}
    nones = {p for p in params - stored if known.get(p + NONE_PASSED) is True}
    if "isinstance" in stored or resolve("isinstance") is not builtins.isinstance:
        told = set()
    if not told and not nones and not early:
        return fdef
    tree = S.clone(fdef)
    fold = _Fold(resolve, known, told, stored, nones)
    fold.early = dict(early or {})
    tree.body = fold.block(tree.body, top=True) or [S.place_unplaced(S.Pass(), fdef)]
    return tree if fold.changed else fdef


def settled(known_types, fdef):
    """known_types without the NUMBER_OR_ARRAY, INSTANCE_OF and NONE_PASSED facts of
    parameters fdef rebinds (what the call told no longer holds there, nor for the callees it
    passes the name to)."""
    keys = {k: k[:-len(f)] for k in known_types
            for f in (NUMBER_OR_ARRAY, INSTANCE_OF, NONE_PASSED) if k.endswith(f)}
    if not keys:
        return known_types
    stored = {n.id for n in S.walk(fdef) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del))}
    return {k: v for k, v in known_types.items() if not (k in keys and keys[k] in stored)}


def tested_params(fn):
    """The parameters of the user's function fn whose class an `isinstance(p, ...)` in it
    tests (where operator_lowering notes what it knows of the operand passed for one)."""
    from .frontend import get_source
    try:
        tree = get_source(fn).node
    except Exception:
        return frozenset()
    params = _params(tree)
    return frozenset(n.args[0].id for n in S.walk(tree) if _isinstance_call(n) and isinstance(
        n.args[0], S.Name) and n.args[0].id in params)


def number_tests(fn, param):
    """The classes of the one `isinstance(param, C)` test (C a class or tuple of classes
    fn's globals name) of the user's function fn that knowing param holds a number or an
    array does not answer (`isinstance(o, (int, float))`: a Python float and a NumPy
    float64 are instances of float, a 0-d array and a float32 are not), where there is
    exactly one such (tested where the code runs: operator_lowering.py); else None."""
    from .frontend import get_source
    try:
        tree = get_source(fn).node
    except Exception:
        return None
    stored = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and isinstance(
        n.ctx, (S.Store, S.Del))}
    if param in stored or "isinstance" in stored or getattr(
            fn, "__globals__", {}).get("isinstance", builtins.isinstance) is not \
            builtins.isinstance:
        return None

    def resolve(name):
        scope = getattr(fn, "__globals__", {})
        return scope[name] if name in scope else getattr(builtins, name, None)
    fold = _Fold(resolve, {}, set(), stored)
    found = set()
    for n in S.walk(tree):
        if _isinstance_call(n) and isinstance(n.args[0], S.Name) and n.args[0].id == param:
            classes = fold.classes(n.args[1])
            if classes is None:
                return None   # (a class srcdiff cannot read: left as today)
            if not all(_never_plain(c) for c in classes):
                found.add(classes)
    return found.pop() if len(found) == 1 else None


def _params(fdef):
    args = fdef.args
    return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
            if isinstance(a, S.Name)}


def _exact(cls):
    from .object_lists import is_user_class
    return isinstance(cls, type) and is_user_class(cls)


def _isinstance_call(node):
    return isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
        node.func.id == "isinstance" and len(node.args) == 2 and not node.keywords


def _none_test(node):
    """(p, True) for `p is None` (or `None is p`), (p, False) for `p is not None`; else None."""
    if not (isinstance(node, S.Compare) and len(node.ops) == 1 and
            isinstance(node.ops[0], (S.Is, S.IsNot))):
        return None
    pair = [node.left, node.comparators[0]]
    names = [n for n in pair if isinstance(n, S.Name)]
    nones = [n for n in pair if isinstance(n, S.Constant) and n.value is None]
    if len(names) != 1 or len(nones) != 1:
        return None
    return names[0].id, isinstance(node.ops[0], S.Is)


_TERMINAL = (S.Return, S.Raise, S.Break, S.Continue)


class _Fold:
    def __init__(self, resolve, known, told, stored, nones=frozenset()):
        self.resolve, self.known, self.told, self.stored = resolve, known, told, stored
        self.nones = nones
        self.early = {}   # {p: holds None} until p's first binding (early_facts)
        self.changed = False

    def block(self, stmts, top=False):
        out, passed = [], None   # passed: a test answered whose branch taken was empty
        for stmt in stmts:
            if passed is not None:   # (the statement after it runs first: `o.v` there)
                raised = self.unreachable(passed, [stmt])
                passed = None
                if raised[0] is not stmt:
                    return out + raised
            live = self.early if top else {}
            if live:   # what stmt binds is no longer what the call passed, after it
                for n in S.walk(stmt):
                    if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load) and \
                            n.id in self.early:
                        self.early = {k: v for k, v in self.early.items() if k != n.id}
            if isinstance(stmt, S.If):
                answer = self.answer(stmt.test, live)
                if answer is not None:
                    self.changed = True
                    taken = self.block(stmt.body if answer else stmt.orelse)
                    taken = self.unreachable(stmt.test, taken)
                    passed = None if taken else stmt.test
                    out += taken
                    if taken and isinstance(taken[-1], _TERMINAL):
                        return out   # (what follows a branch that leaves never runs)
                    continue
            if not isinstance(stmt, _SCOPES):
                for field in ("body", "orelse", "finalbody"):
                    inner = getattr(stmt, field, None)
                    if isinstance(inner, list) and inner:
                        folded = self.block(inner)
                        setattr(stmt, field, folded or [S.place_unplaced(S.Pass(), stmt)])
                for handler in getattr(stmt, "handlers", None) or []:
                    handler.body = self.block(handler.body) or [
                        S.place_unplaced(S.Pass(), handler)]
                stmt = _Expressions(self).visit(stmt)
            out.append(stmt)
        return out

    def unreachable(self, test, taken):
        """`taken`, or, where the test answered is isinstance(p, C) of an operand tested
        where the code runs (INSTANCE_OF) and the branch's first statement reads an
        attribute of p no number or NumPy array has (`o.v`) wherever it runs, the
        AttributeError Python raises there, so the variant for numbers compiles."""
        if not (_isinstance_call(test) and isinstance(test.args[0], S.Name) and self.known.get(
                test.args[0].id + INSTANCE_OF) is not None) or not taken:
            return taken
        name = test.args[0].id
        attrs = [a for a in _read_attributes(taken[0], name) if not any(
            hasattr(t, a) for t in _PLAIN)]
        if not attrs or not isinstance(taken[0], (S.Return, S.Assign, S.Expr, S.AugAssign)):
            return taken
        message = (f"{name} is a number or an array, which has no attribute {attrs[0]!r} "
                   f"(it is not an instance of the classes tested)")
        error = S.Raise(exc=S.Call(func=S.load("AttributeError"), args=[S.const(message)],
                                   keywords=[]), cause=None)
        return [S.place_unplaced(error, taken[0])]

    def answer(self, test, live=None):
        """True or False where the test's value is known here, else None (`live`: the early
        facts still true where the test runs)."""
        live = live or {}
        if isinstance(test, S.UnaryOp) and isinstance(test.op, S.Not):
            inner = self.answer(test.operand, live)
            return None if inner is None else not inner
        if isinstance(test, S.BoolOp):
            values = [self.answer(v, live) for v in test.values]
            stop = isinstance(test.op, S.Or)   # (or: a True decides; and: a False)
            for v in values:   # Python stops at the first deciding one, the rest unread
                if v is None:
                    return None
                if v is stop:
                    return stop
            return not stop
        if isinstance(test, S.Name) and (test.id in self.nones or live.get(test.id) is True):
            return False   # `if callback:` of a parameter holding None
        none = _none_test(test)
        if none is not None:
            name, is_ = none
            if name in live:
                return is_ if live[name] else not is_
            return is_ if name in self.nones else None
        if not _isinstance_call(test) or not isinstance(test.args[0], S.Name) or \
                test.args[0].id not in self.told:
            return None
        classes = self.classes(test.args[1])
        if classes is None:
            return None
        held = self.known.get(test.args[0].id)
        if _exact(held):
            return issubclass(held, classes)
        tested = self.known.get(test.args[0].id + INSTANCE_OF)
        if tested is not None and set(tested[0]) == set(classes):
            return tested[1]   # (the test run where the code runs, this variant its answer's)
        if all(_never_plain(c) for c in classes):
            return False   # a number or an array is an instance of none of them
        return None

    def classes(self, node):
        """The classes `node` names (a name, a dotted path, a tuple of them), each a plain
        class or an ABC; None where not that."""
        if isinstance(node, S.Tuple):
            parts = [self.classes(e) for e in node.elts]
            return None if any(p is None for p in parts) else tuple(
                c for p in parts for c in p)
        head, attrs = S.attribute_chain(node)
        if not isinstance(head, S.Name) or head.id in self.stored:
            return None
        obj = self.resolve(head.id)
        for a in attrs:
            obj = getattr(obj, a, None)
        if isinstance(obj, type) and type(obj) in (type, abc.ABCMeta):
            return (obj,)
        return None


def _read_attributes(stmt, name):
    """The attributes `name.attr` that the statement reads wherever it runs (not inside a
    lambda, a branch of `a if t else b`, the operands after the first of `and`/`or`, or a
    comprehension), in the order they are met."""
    out = []

    def visit(node):
        if isinstance(node, (S.Lambda, S.ListComp, S.SetComp, S.DictComp, S.GeneratorExp)):
            return
        if isinstance(node, S.IfExp):
            return visit(node.test)
        if isinstance(node, S.BoolOp):
            return visit(node.values[0])
        if isinstance(node, S.Attribute) and isinstance(node.value, S.Name) and \
                node.value.id == name and isinstance(node.ctx, S.Load):
            out.append(node.attr)
        for child in S.iter_child_nodes(node):
            visit(child)
    visit(stmt)
    return out


def _never_plain(cls):
    """Whether no number or NumPy array can be an instance of the user's class cls: a
    class of plain `type`, not itself a number or array class, nor any subclass of it."""
    from .object_lists import is_user_class
    if not is_user_class(cls) or type(cls) is not type:
        return False
    seen, todo = set(), [cls]
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        if issubclass(c, _PLAIN):
            return False
        todo += c.__subclasses__()
    return True


class _Expressions(S.NodeTransformer):
    """`a if t else b` with t answered: the operand taken (not inside nested functions)."""

    def __init__(self, fold):
        self.fold = fold

    def visit_IfExp(self, node):
        self.generic_visit(node)
        answer = self.fold.answer(node.test)
        if answer is None:
            return node
        self.fold.changed = True
        return node.body if answer else node.orelse

    def visit_Lambda(self, node):
        return node

    def visit_FunctionDef(self, node):
        return node
