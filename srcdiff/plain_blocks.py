"""Statements that change no differentiated value, run as plain code (stage 3, lower: called
by source_rewrites.rewrite, first of its rewrites). Takes the user's `frontend.Source`, its
gast FunctionDef and the resolver of its free names (`rewrite`); gives back the FunctionDef
to go on with (a rewritten copy, or the same one where nothing applies) and the resolver
(a copy knowing the function's own imports, or the same one).

* ``import numpy as np``, ``import scipy.special``, ``from math import tanh`` in the body
  of the function, not inside a branch or loop: the module (or the object imported) is
  imported now, as the function would, and its name is resolved as a free name is: a
  closure cell of its own on a copy of the resolver, so the emitted code reads it through
  `frontend.home.reference` (a module path or a binding srcdiff names), never through the
  user's alias. Refused where the name is also assigned in the function, imported twice,
  or read before the import (Python raises UnboundLocalError there); relative and star
  imports, and imports inside a branch or loop, stay refused by lower.py's fence.
* ``with np.errstate(divide="ignore", ...):``, ``with np.printoptions(...):`` and
  ``with warnings.catch_warnings():`` around differentiated code: the block's statements
  run as they are (the context changes how a warning is reported or an array printed,
  never a value). Inside catch_warnings, a ``warnings.simplefilter(...)`` /
  ``warnings.filterwarnings(...)`` that only silences or shows warnings is dropped with the
  context (run without it, it would change the filters of the whole process). So the
  derivative may show a warning the context silenced, or raise FloatingPointError where
  the program set numpy.seterr(all="raise") and the context relaxed it: never a different
  value. Refused, located: a context that would change what runs (``np.errstate(all="raise")``, a filter
  "error", ``catch_warnings(record=True)``, ``as`` names), arguments other than constants;
  any other with-block stays refused by lower.py's fence.
* ``match`` on literal patterns (``case "tanh":``, ``case 1 | 2:``, ``case None:``,
  ``case _:``, guards): the if/elif chain Python's match is (``==`` for a value, ``is``
  for None/True/False), the subject read once. Capture, sequence, mapping and class
  patterns stay refused.
* ``del L[k]`` (k an int constant) where L is bound only to list displays and
  comprehensions: the items after k taken off with L.pop() and appended back after one more
  L.pop(), so L stays the same list object (a name sharing it sees the removal, as in
  Python) and the derivative follows pops and appends as it does everywhere; IndexError
  where k is out of range, as del raises. ``del L[-1]`` is ``L.pop()``. Slices and indices
  computed at run time of a list are list_edits.delete's (L bound to a new list), attributes
  stay refused; ``del d[k]`` on a dict is container_writes.lower_dict_delete's.
* lambdas made in a loop, each binding the loop's value as a default: the list display of
  the lambdas with literal defaults (loop_lambdas.py).
"""
import importlib
import types

from . import syntax as S

_ERRSTATE_OK = ("ignore", "warn", "print", "log")
_FILTER_OK = ("ignore", "default", "always", "module", "once")


def needed(fdef):
    """Whether `rewrite` may act on `fdef` (one walk; a plain function skips the rest)."""
    kinds = (S.Import, S.ImportFrom, S.With, S.Delete) + (
        (S.Match,) if hasattr(S, "Match") else ())
    return any(isinstance(n, kinds) or isinstance(n, S.Lambda) and any(
        isinstance(d, S.Name) for d in n.args.defaults) or isinstance(n, S.ListComp) and
        isinstance(n.elt, S.Lambda) or isinstance(n, S.For) and any(
            isinstance(b, S.FunctionDef) for b in n.body) for n in S.walk(fdef))


def rewrite(source, fdef, resolver):
    """(FunctionDef, resolver) with the function's imports, harmless with-blocks and
    literal matches rewritten (see the module docstring)."""
    if not needed(fdef):
        return fdef, resolver
    tree = S.clone(fdef)
    resolver = _imports(source, tree, resolver)
    pass_ = _Blocks(source, tree, resolver)
    pass_.block(tree.body)
    return tree, resolver


# -- imports in the function's body -----------------------------------------------------------
def _bound(alias, node):
    """(name bound, object) for one alias of an Import / ImportFrom statement."""
    if isinstance(node, S.Import):
        module = importlib.import_module(alias.name)
        if alias.asname:
            return alias.asname, module
        root = alias.name.split(".")[0]
        return root, importlib.import_module(root)
    module = importlib.import_module(node.module)
    try:
        return alias.asname or alias.name, getattr(module, alias.name)
    except AttributeError:
        return alias.asname or alias.name, importlib.import_module(
            node.module + "." + alias.name)


def _imports(source, tree, resolver):
    """Take the top-level imports out of `tree.body`; the resolver (a copy) binds each
    imported name to its object in a cell of its own."""
    stmts = tree.body
    found = [s for s in stmts if isinstance(s, (S.Import, S.ImportFrom)) and not (
        isinstance(s, S.ImportFrom) and (s.level or s.module is None or
                                          any(a.name == "*" for a in s.names)))]
    if not found:
        return resolver
    cells = {}
    stores = {}
    for n in S.walk(tree):
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            stores.setdefault(n.id, n)
        elif isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not tree:
            stores.setdefault(n.name, n)
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    params |= {a.id for a in (tree.args.vararg, tree.args.kwarg) if a is not None}
    for stmt in found:
        for alias in stmt.names:
            try:
                name, obj = _bound(alias, stmt)
            except ImportError as exc:
                raise source.error(stmt, f"srcdiff cannot import {alias.name!r} here: {exc}",
                                   hint="import it at module level") from None
            if name in cells or name in stores or name in params:
                raise source.error(stmt, f"the imported name {name!r} is bound again in the "
                                   "function", hint=f"import {alias.name} once, at module "
                                   "level, and use another name for the other value")
            before = stmts[:stmts.index(stmt)]
            for n in (m for s in before for m in S.walk(s)):
                if isinstance(n, S.Name) and n.id == name:
                    raise source.error(n, f"{name!r} is read before the import that binds "
                                       "it in the function (Python raises UnboundLocalError)",
                                       hint="import it at module level")
            cells[name] = types.CellType(obj)
    stmts[:] = [s for s in stmts if not any(s is f for f in found)] or [S.Pass()]
    import copy
    new = copy.copy(resolver)
    new.cells = dict(resolver.cells)
    new.cells.update(cells)
    return new


# -- with-blocks and match statements ---------------------------------------------------------
class _Blocks:
    def __init__(self, source, tree, resolver):
        self.src, self.resolver = source, resolver
        self.local = {n.id for n in S.walk(tree) if isinstance(n, S.Name) and
                      not isinstance(n.ctx, S.Load)}
        self.taken = {n.id for n in S.walk(tree) if isinstance(n, S.Name)}
        self.count = 0
        self.tree = tree
        import builtins
        self.plain_range = "range" not in self.local and \
            resolver.lookup("range", None) is builtins.range

    def fresh(self, base):
        while True:
            self.count += 1
            name = f"{base}_{self.count}"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def resolve(self, node):
        """The object a dotted free name means (None where it is local or unknown)."""
        node, parts = S.attribute_chain(node)
        if not isinstance(node, S.Name) or node.id in self.local:
            return None
        obj = self.resolver.lookup(node.id, None)
        for attr in parts:
            obj = getattr(obj, attr, None)
        return obj

    def block(self, stmts):
        """Rewrite a statement list in place (not inside nested functions)."""
        out = []
        for stmt in stmts:
            made = _lambdas_made(out[-1] if out else None, stmt, self.fresh) \
                if self.plain_range else None
            if made is not None:   # fs = [lambda t, k=k: ... for k in range(3)]
                if out and made[0] is not None:
                    out.pop()
                out.extend(S.place_unplaced(m, stmt) for m in made[1])
                continue
            if isinstance(stmt, S.With):
                kept = self.with_(stmt)
                if kept is not None:
                    self.block(kept)
                    out.extend(kept)
                    continue
            if isinstance(stmt, S.Delete):
                new = self.delete(stmt)
                if new is not None:
                    out.extend(new)
                    continue
            if hasattr(S, "Match") and isinstance(stmt, S.Match):
                new = self.match(stmt)
                if new is not None:
                    self.block(new)
                    out.extend(new)
                    continue
            if not isinstance(stmt, (S.FunctionDef, S.AsyncFunctionDef, S.ClassDef)):
                for field in ("body", "orelse", "finalbody"):
                    inner = getattr(stmt, field, None)
                    if isinstance(inner, list) and inner and isinstance(inner[0], S.stmt):
                        self.block(inner)
                for handler in getattr(stmt, "handlers", ()):
                    self.block(handler.body)
            out.append(stmt)
        stmts[:] = out

    # with np.errstate(...): ...
    def with_(self, node):
        """The statements to run in place of `node`, or None where its context is not one
        of those that change no value (lower.py's fence refuses it)."""
        kinds = []
        for item in node.items:
            kind = self.context(item.context_expr)
            if kind is None:
                return None
            if item.optional_vars is not None:
                raise self.src.error(node, "srcdiff runs a with-block of "
                                     f"{S.spell(item.context_expr.func)} only without 'as'",
                                     hint="drop 'as ...' (read warnings or print options "
                                          "outside the function you differentiate)")
            kinds.append(kind)
        body = list(node.body)
        if "warnings" in kinds:
            body = [s for s in body if not self.silencing(s)]
            self.no_nested_filters(body)
        return body or [S.place_unplaced(S.Pass(), node)]

    def context(self, call):
        """'numpy' / 'warnings' where `call` makes a context that changes no value, after
        checking its arguments; None for any other expression."""
        import warnings
        import numpy
        if not isinstance(call, S.Call):
            return None
        obj = self.resolve(call.func)
        if obj is None or obj not in (numpy.errstate, numpy.printoptions,
                                      warnings.catch_warnings):
            return None
        spelled = S.spell(call.func)
        if any(not isinstance(a, S.Constant) for a in call.args) or any(
                k.arg is None or not isinstance(k.value, S.Constant) for k in call.keywords):
            raise self.src.error(call, f"srcdiff runs a with-block of {spelled} only with "
                                 "constant arguments", hint="write the settings as constants")
        given = {k.arg: k.value.value for k in call.keywords}
        if obj is numpy.errstate:
            bad = {k: v for k, v in given.items() if v not in _ERRSTATE_OK}
            if call.args or bad:
                raise self.src.error(call, f"{spelled}(...) here changes what the block does "
                                     f"({', '.join(f'{k}={v!r}' for k, v in bad.items())}), "
                                     "not only how a warning is reported",
                                     hint="enter the context outside the function you "
                                          "differentiate")
            return "numpy"
        if obj is warnings.catch_warnings:
            action = given.get("action")
            if given.get("record") or call.args or (action is not None and
                                                    action not in _FILTER_OK):
                raise self.src.error(call, f"{spelled}(...) here records or raises warnings, "
                                     "which changes what the block does",
                                     hint="enter the context outside the function you "
                                          "differentiate")
            return "warnings"
        return "numpy"

    def no_nested_filters(self, body):
        """Refuse a warnings filter set inside a branch or loop of a catch_warnings block:
        run without the context, it would change the filters of the whole process."""
        import warnings
        filters = (warnings.simplefilter, warnings.filterwarnings, warnings.resetwarnings)
        for n in (m for s in body for m in S.walk(s)):
            if isinstance(n, S.Call) and self.resolve(n.func) in filters:
                raise self.src.error(n, f"srcdiff runs a catch_warnings block without the "
                                     f"context, so {S.spell(n.func)}(...) here would change "
                                     "the warnings filters of the whole program",
                                     hint="set the filter as the block's own statement, or "
                                          "outside the function you differentiate")

    def silencing(self, stmt):
        """Whether `stmt` is `warnings.simplefilter(...)` / `warnings.filterwarnings(...)`
        that only silences or shows warnings (refused, located, where it turns them into
        errors)."""
        import warnings
        if not (isinstance(stmt, S.Expr) and isinstance(stmt.value, S.Call)):
            return False
        call = stmt.value
        obj = self.resolve(call.func)
        if obj not in (warnings.simplefilter, warnings.filterwarnings):
            return False
        action = call.args[0] if call.args else next(
            (k.value for k in call.keywords if k.arg == "action"), None)
        if not (isinstance(action, S.Constant) and action.value in _FILTER_OK):
            raise self.src.error(call, f"{S.spell(call.func)}(...) here may turn a warning "
                                 "into an error, which changes what the block does",
                                 hint="set the filter outside the function you differentiate")
        return True

    # match on literal patterns
    def match(self, node):
        """The if/elif chain of a match on literal patterns, or None (lower.py's fence
        refuses the match) where a pattern is anything else."""
        cases = node.cases
        for i, case in enumerate(cases):
            if self.wildcard(case.pattern) and (case.guard is not None or i != len(cases) - 1):
                return None   # Python refuses an irrefutable pattern before the last case
            if not self.wildcard(case.pattern) and self.test(case.pattern, S.load("s")) is None:
                return None
            if case.guard is not None and any(isinstance(n, S.NamedExpr)
                                              for n in S.walk(case.guard)):
                return None   # a guard binding names: the subject is no longer read once
        out = []
        subject = node.subject
        if not isinstance(subject, S.Name):
            name = self.fresh("match_subject")
            bind = S.Assign(targets=[S.Name(id=name, ctx=S.Store(), annotation=None,
                                            type_comment=None)], value=subject)
            out.append(S.place_unplaced(bind, node))
            subject = S.load(name)
        chain = None
        for case in reversed(cases):
            if self.wildcard(case.pattern):
                chain = list(case.body)
                continue
            test = self.test(case.pattern, subject)
            if case.guard is not None:
                test = S.BoolOp(op=S.And(), values=[test, case.guard])
            branch = S.If(test=test, body=list(case.body), orelse=chain or [])
            S.place_unplaced(branch, case.pattern)
            chain = [branch]
        return out + (chain or [S.place_unplaced(S.Pass(), node)])

    @staticmethod
    def wildcard(pattern):
        return isinstance(pattern, S.MatchAs) and pattern.pattern is None and \
            pattern.name is None

    def test(self, pattern, subject):
        """The test a literal pattern makes of `subject`, or None for another pattern."""
        if isinstance(pattern, S.MatchOr):
            tests = [self.test(p, subject) for p in pattern.patterns]
            if any(t is None for t in tests):
                return None
            return S.BoolOp(op=S.Or(), values=tests)
        if isinstance(pattern, S.MatchSingleton):
            return S.Compare(left=S.clone(subject), ops=[S.Is()],
                             comparators=[S.const(pattern.value)])
        if isinstance(pattern, S.MatchValue):
            value = pattern.value
            literal = isinstance(value, S.Constant) or (
                isinstance(value, S.UnaryOp) and isinstance(value.op, S.USub) and
                isinstance(value.operand, S.Constant))
            if not literal and self.resolve(value) is None:
                return None
            return S.Compare(left=S.clone(subject), ops=[S.Eq()],
                             comparators=[S.clone(value)])
        return None

    # del L[k]
    def delete(self, node):
        """Statements doing `del L[k]` with pops and appends, or None where a target is
        not an int constant index into a local bound only to lists."""
        import builtins
        from .loop_lambdas import int_constant
        for t in node.targets:
            if not (isinstance(t, S.Subscript) and isinstance(t.value, S.Name)
                    and int_constant(t.slice) is not None
                    and _only_lists(self.tree, t.value.id)):
                return None
        if any(n in self.local or self.resolver.lookup(n, None) is not getattr(builtins, n)
               for n in ("len", "range", "IndexError")):
            return None
        out = []
        for t in node.targets:
            name, k = t.value.id, int_constant(t.slice)
            if k == -1:
                text = f"{name}.pop()"
            else:
                moved, step = self.fresh("moved"), self.fresh("step")
                short = f"len({name}) <= {k}" if k >= 0 else f"len({name}) < {-k}"
                count = f"len({name}) - {k + 1}" if k >= 0 else f"{-k - 1}"
                text = (f"if {short}:\n"
                        f"    raise IndexError('list assignment index out of range')\n"
                        f"{moved} = []\n"
                        f"for {step} in range({count}):\n"
                        f"    {moved}.append({name}.pop())\n"
                        f"{name}.pop()\n"
                        f"for {step} in range(len({moved})):\n"
                        f"    {name}.append({moved}.pop())\n")
            out += [S.place_unplaced(s, t) for s in _parsed(text)]
        return out


def _parsed(text):
    """The statements of `text`, with no source positions (place_unplaced gives them)."""
    import ast
    body = S.ast_to_gast(ast.parse(text)).body
    for n in (m for s in body for m in S.walk(s)):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(n, attr):
                setattr(n, attr, None)
    return body


def _only_lists(fdef, name):
    """Whether `name` is bound in `fdef` only by `name = [...]` / `name = [... for ...]`
    (not a parameter, a loop variable, an unpacked target or anything else)."""
    args = fdef.args
    if name in {a.id for a in args.posonlyargs + args.args + args.kwonlyargs} | {
            a.id for a in (args.vararg, args.kwarg) if a is not None}:
        return False
    plain = set()
    for node in S.walk(fdef):
        if isinstance(node, S.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], S.Name) and node.targets[0].id == name:
            if not isinstance(node.value, (S.List, S.ListComp)):
                return False
            plain.add(id(node.targets[0]))
    stores = [n for n in S.walk(fdef) if isinstance(n, S.Name) and n.id == name and
              not isinstance(n.ctx, S.Load)]
    return bool(plain) and all(id(n) in plain for n in stores)


def _lambdas_made(previous, stmt, fresh):
    """loop_lambdas.lambdas_made, its module imported at the first call (a function whose
    with-blocks and match statements this pass never rewrites imports none of it)."""
    from .loop_lambdas import lambdas_made
    return lambdas_made(previous, stmt, fresh)
