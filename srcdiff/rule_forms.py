"""Rule declarations that write both modes' templates from one statement of the math (leaf:
called by the rule modules of templates/ when they are imported, and by the user through
srcdiff.elementwise; imports rules, rule_template, rule_source, rule_trees and syntax).
Takes a function and its partial derivatives (or its linearity); registers its reverse and
forward rules in the rule table (rules.py) and gives back the declared function.

A rule written as a `@reverse` and a `@forward` template states the same derivative twice,
and the two can drift apart. Three declarations state it once and generate both templates
(ordinary `srcdiff.rules` Templates, checked and spliced as the hand-written ones are):

* ``partials(*funcs)``, a decorator on a def (or applied to a lambda) whose first parameter
  names the result and the others mirror the function's: optional setup assignments, then
  ``return p1, p2, ...``, one partial derivative per parameter (``None`` where there is
  none: a parameter the result is piecewise constant in, or not an operand)::

      @partials(numpy.arctan2)
      def arctan2(y, x1, x2):
          u = x1 * x1 + x2 * x2
          return x2 / u, -x1 / u

  gives ``u = ...; d[x1] = unbroadcast(d[y] * x2 / u, x1); ...`` (reverse) and
  ``u = ...; d[y] = broadcast_like(d[x1] * x2 / u, y); ...`` (forward). The broadcast
  helpers are added when the function takes more than one parameter (its operands may
  broadcast against each other), never for a unary one (nor with ``broadcast=False``,
  for functions of numbers such as math.atan2).
* ``elementwise(func, lambda y, x: f'(x))``: the unary case in one line. The older form
  with the derivative as a string and a namespace (``elementwise(f, "1 / x", globals())``)
  still works, for users' rules.
* ``linear(func, *arguments, transpose=None)``: `func` is linear in each of `arguments`
  (one: linear; two: bilinear, as a product): the forward rule applies `func` to each
  argument's tangent in turn (the product rule's sum); ``transpose`` (a lambda of the
  result and the function's parameters, reading ``d[result]``), where given, is the
  reverse rule of the one argument.

A partial ``p`` multiplies the incoming derivative ``g`` as ``g * p``, written the way a
person would: ``1`` gives ``g``, ``-q`` gives ``-g * q``, ``a / b`` gives ``g * a / b``
(so ``1 / b`` gives ``g / b``), ``a * b`` gives ``g * a * b``: emitted code reads as the
hand-written rules did. `elementwise` keeps ``g * (p)`` as it stands, as it always wrote
it (srcdiff.fold folds a broadcast seed into that product, not into a quotient).
Everything is generated when the rule is first looked up, like the hand-written ones
(`rules` builds srcdiff's own lazily), and checked by `rule_template.Template`.
"""
import ast
import inspect
import linecache

from . import rule_source
from . import rule_template
from . import rule_trees
from . import rules
from . import syntax as S
from .errors import RuleError


def partials(*funcs, broadcast=None):
    """Decorator: register the reverse and forward rules of each of `funcs` from the partial
    derivatives the decorated def (or lambda) returns; see the module docstring.
    `broadcast=False`: the operands are numbers (math.atan2), no broadcast helpers."""
    def deco(fn):
        signature, names = _lazy_signature(fn)
        params = names[1:]
        origin = f"{fn.__module__}.{fn.__qualname__}" if fn.__name__ != "<lambda>" else \
            f"partials({_name(funcs[0])})"
        split = _splitter(fn, len(params))
        _declare(funcs, fn.__globals__, signature, split, origin,
                 broadcast=len(params) > 1 if broadcast is None else broadcast, names=names)
        return fn
    return deco


def elementwise(func, derivative, namespace=None, params=("x",)):
    """One-line rule for a unary elementwise function from f'(x): a lambda of the result and
    the argument (``lambda y, x: numpy.cos(x)``), or (users' older form) the expression as a
    string in `params` and y, with the `namespace` resolving its names."""
    name = f"elementwise({_name(func)})"
    if callable(derivative):
        signature, names = _lazy_signature(derivative)
        _declare([func], derivative.__globals__, signature, _splitter(derivative, 1),
                 name, broadcast=False, times=_product, names=names)
        return
    (x,) = params
    signature = _signature(["y", x])
    _declare([func], namespace, signature, lambda: ([], [S.quote_expr(f"({derivative})")]),
             name, broadcast=False, times=_product)


def linear(func, *arguments, transpose=None):
    """Register the forward rule of `func`, linear in each of `arguments` (several: linear in
    each separately, as a product is): one statement per argument, `func` called with that
    argument's tangent in its place. `transpose`, a lambda of the result and `func`'s
    parameters whose expression reads d[result], is the reverse rule of the one argument."""
    signature = inspect.signature(func)
    names = list(signature.parameters)
    result = next(n for n in ("y", "out", "result", "r") if n not in names)
    signature = signature.replace(parameters=[_plain(result)] + list(
        signature.parameters.values()))
    unknown = [a for a in arguments if a not in names]
    if unknown or not arguments:
        raise RuleError(f"linear({_name(func)}, ...) names no parameter of it: "
                        f"{', '.join(unknown) or 'none given'}",
                        hint=f"name the parameters it is linear in, among {', '.join(names)}")
    namespace = transpose.__globals__ if transpose is not None else \
        inspect.currentframe().f_back.f_globals
    callee, namespace = _name_in(namespace, func)
    origin = f"linear({callee})"

    def tangent():
        return [S.quote("d[Y] = F", Y=result, F=_call(callee, signature, arg))[0]
                for arg in arguments]
    rules._register("forward", rules.FORWARD, [func], _Namespace(namespace), tangent,
                    signature, origin)
    if transpose is None:
        return
    if len(arguments) != 1:
        raise RuleError(f"linear({callee}, ...): a transpose is the reverse rule of one "
                        f"argument, not of {len(arguments)}",
                        hint="write the reverse rule of a multilinear function with @reverse")
    if list(inspect.signature(transpose).parameters) != [result] + names:
        raise RuleError(f"the transpose of linear({callee}, ...) must take ({result}, "
                        f"{', '.join(names)}): the result, then {callee}'s parameters")

    split = _splitter(transpose, 1)

    def adjoint():
        _, (expr,) = split()
        return S.quote("d[X] = E", X=arguments[0], E=expr)
    rules._register("reverse", rules.REVERSE, [func], _Namespace(namespace), adjoint,
                    signature, origin)


# -- the two templates made from partials --------------------------------------------------
def _lazy_signature(fn):
    """(signature, parameter names) of a rule's def or lambda. One that takes plain
    parameters only (no defaults, keyword-only, *args or **kwargs: every rule of srcdiff's)
    has its names read off its code and its signature made when the rule is first built
    (a function giving it: rules._register), as inspect.signature, 50 µs a rule, was a third
    of the import of a rule module."""
    code = getattr(fn, "__code__", None)
    if code is None or type(fn) is not _FUNCTION or fn.__defaults__ or fn.__kwdefaults__ \
            or code.co_kwonlyargcount or code.co_posonlyargcount \
            or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS) \
            or "__signature__" in fn.__dict__ or "__wrapped__" in fn.__dict__:
        signature = inspect.signature(fn)
        return signature, list(signature.parameters)
    names = list(code.co_varnames[:code.co_argcount])
    if fn.__annotations__:
        return (lambda: inspect.signature(fn)), names
    # plain parameters, no annotations: the signature inspect would give, made directly
    return (lambda: _signature(names)), names


_FUNCTION = type(_lazy_signature)


def _declare(funcs, namespace, signature, split, origin, broadcast, times=None, names=None):
    """Register both modes' templates of `funcs`; `split()` gives (setup statements, one
    partial expression or None per parameter). `signature`: the rule's, or a function giving
    it (`_lazy_signature`), with `names` its parameters' names."""
    names = list(signature.parameters) if names is None else list(names)
    result, params = names[0], names[1:]
    namespace = _Namespace(namespace, broadcast)
    times = times or _times

    def build(mode):
        """The rule's statements in `mode`: reverse adds g * partial (unbroadcast to the
        input) to each input's adjoint; forward sums tangent * partial into the result's."""
        setup, terms = split()   # made anew at each call: its nodes are this body's own
        body = list(setup)
        for param, term in zip(params, terms):
            if term is None:
                continue
            source, target = (result, param) if mode == "reverse" else (param, result)
            value = times(_d(source, S.Load()), term)   # new nodes, the term's copied in
            if broadcast:
                wrap = "unbroadcast" if mode == "reverse" else "broadcast_like"
                negated, value = _pulled_negation(value)
                value = S.Call(func=S.load(wrap), args=[value, S.load(target)], keywords=[])
                if negated:   # -unbroadcast(g, x): the sum of terms reads `a - e`
                    value = S.UnaryOp(op=S.USub(), operand=value)
            body.append(S.Assign(targets=[_d(target, S.Store())], value=value,
                                 type_comment=None))
        return body

    def reverse():
        return build("reverse")

    def forward():
        return build("forward")
    rules._register("reverse", rules.REVERSE, funcs, namespace, reverse, signature, origin)
    rules._register("forward", rules.FORWARD, funcs, namespace, forward, signature, origin)


def _d(name, ctx):
    """`d[name]` (a template's derivative of `name`), made as a tree: the statements above
    are built node by node rather than quoted (parsing and copying them was most of a
    rule's first build)."""
    return S.Subscript(value=S.load("d"), slice=S.load(name), ctx=ctx)


def _product(g, p):
    """g * (p) as it stands: an elementwise rule's product (`d[y] * (1 / x)`: the optimizer's
    folding of a broadcast seed reads a product, srcdiff.fold)."""
    return S.BinOp(left=g, op=S.Mult(), right=S.clone(p))


def _pulled_negation(value):
    """(True, e) for a term -e or -g * q (as e = g * q), else (False, value)."""
    if isinstance(value, S.UnaryOp) and isinstance(value.op, S.USub):
        return True, value.operand
    if isinstance(value, S.BinOp) and isinstance(value.op, (S.Mult, S.Div)):
        negated, left = _pulled_negation(value.left)
        if negated:
            return True, S.BinOp(left=left, op=value.op, right=value.right)
    return False, value


def _times(g, p):
    """g * p, written as a person would (see the module docstring)."""
    if isinstance(p, S.Constant) and p.value == 1 and type(p.value) in (int, float):
        return g
    if isinstance(p, S.UnaryOp) and isinstance(p.op, S.USub):
        return _times(S.UnaryOp(op=S.USub(), operand=g), p.operand)
    if isinstance(p, S.BinOp) and isinstance(p.op, (S.Div, S.Mult)):
        return S.BinOp(left=_times(g, p.left), op=p.op, right=S.clone(p.right))
    return S.BinOp(left=g, op=S.Mult(), right=S.clone(p))


def _splitter(fn, count):
    """A function giving (setup statements, [partial or None] * count) of a partials def or
    lambda. A lambda's source is read now, as its module is imported (the file may change
    before the rule is first looked up); the parsing waits for that lookup."""
    if fn.__name__ == "<lambda>":
        lines = _source_lines(fn)   # kept as they are now; parsed at the first lookup
        # parsed at each call (not quoted: no copy of a cached tree, used once)
        return lambda: _terms(fn, [], _lambda_tree(fn, lines), count)

    def split():
        body = rule_template.parse_template(fn)
        setup, last = body[:-1], body[-1] if body else None
        if not isinstance(last, S.Return) or last.value is None or \
                not all(isinstance(stmt, S.Assign) for stmt in setup):
            raise _error(fn, "a partials rule is setup assignments, then `return` of the "
                             "partial derivatives")
        return _terms(fn, setup, last.value, count)
    return split


def _terms(fn, setup, value, count):
    terms = value.elts if count > 1 and isinstance(value, S.Tuple) else [value]
    if len(terms) != count:
        raise _error(fn, f"the rule returns {len(terms)} partial derivative(s) for "
                         f"{count} parameter(s)")
    return setup, [None if isinstance(t, S.Constant) and t.value is None else t
                   for t in terms]


_LAMBDAS = {}  # file name -> (its lines, {line: [lambda nodes]}): each file parsed once


def _source_lines(fn):
    """The lines of the file lambda `fn` was defined in, as they are when its module is
    imported (read once per file; the file may change before the rule is first used)."""
    lines = linecache.getlines(fn.__code__.co_filename)
    if not lines:
        raise _error(fn, "the source of the rule's lambda can not be read (code run by exec?): "
                         "give elementwise the derivative as a string, or write a def")
    return lines


def _lambda_tree(fn, lines):
    """The gast expression of lambda `fn`'s body, read from `lines` (its file): the tree an
    earlier process made from the same statement and lambda (rule_trees), else parsed (and
    kept for the next process where the statement alone gave it)."""
    code = fn.__code__
    line = code.co_firstlineno
    found = rule_source.statement_lines(lines, line)
    # the parameters' names inspect gives a lambda follow from its code (in the key,
    # rule_source.fingerprint); one given a signature of its own is not kept
    plain = "__signature__" not in fn.__dict__ and "__wrapped__" not in fn.__dict__
    if found is not None and plain:
        first, chunk = found
        text, where = "".join(chunk), str(line - first)
        kept = rule_trees.tree("lambda", text, code, where)
        if kept is not None:
            return kept
        quick = _lambda_in_statement(fn, lines, line, list(inspect.signature(fn).parameters))
        if quick is not None:
            node = S.parse_module(quick).body[0].value
            rule_trees.keep("lambda", text, code, node, where)
            return node
    return S.parse_module(_lambda_source(fn, lines)).body[0].value


def _lambda_source(fn, lines=None):
    """The source of lambda `fn`'s expression, in parentheses, read from `lines`, its file
    (where it must be the only lambda with its parameters on its line)."""
    filename, line = fn.__code__.co_filename, fn.__code__.co_firstlineno
    lines = _source_lines(fn) if lines is None else lines
    names = list(inspect.signature(fn).parameters)
    cached = _LAMBDAS.get(filename)
    if cached is None or cached[0] is not lines and cached[0] != lines:
        quick = _lambda_in_statement(fn, lines, line, names)
        if quick is not None:
            return quick
        by_line = {}
        for node in ast.walk(ast.parse("".join(lines))):
            if isinstance(node, ast.Lambda):
                by_line.setdefault(node.lineno, []).append(node)
        cached = _LAMBDAS[filename] = (lines, by_line)
    found = [n for n in cached[1].get(line, ()) if [a.arg for a in n.args.args] == names]
    if len(found) != 1:
        raise _error(fn, "a rule's lambda must be the only one with its parameters on its "
                         "line (its source is read from the file)")
    compiled = compile("(" + _segment(lines, found[0]) + ")", filename, "eval")
    if _fingerprint(fn.__code__) not in [_fingerprint(c) for c in compiled.co_consts
                                         if isinstance(c, type(fn.__code__))]:
        raise _error(fn, "the rule's file changed since it was imported")
    return "(" + _segment(lines, found[0].body) + ")"


def _lambda_in_statement(fn, lines, line, names):
    """The source of lambda `fn`'s expression found by parsing only the top-level statement
    holding it (rule_source.statement_lines: a rule file's statement, not the whole file),
    or None where that does not find exactly the lambda imported (then the file is parsed)."""
    found = rule_source.statement_lines(lines, line)
    if found is None:
        return None
    first, chunk = found
    try:
        tree = ast.parse("".join(chunk))
    except SyntaxError:
        return None
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
            and n.lineno + first - 1 == line and [a.arg for a in n.args.args] == names]
    if len(hits) != 1:
        return None
    if not rule_source.same_code("(" + _segment(chunk, hits[0]) + ")", fn.__code__):
        return None
    return "(" + _segment(chunk, hits[0].body) + ")"


def _segment(lines, node):
    """The source text of `node` (ast offsets count UTF-8 bytes)."""
    text = [line.encode() for line in lines[node.lineno - 1:node.end_lineno]]
    text[-1] = text[-1][:node.end_col_offset]
    text[0] = text[0][node.col_offset:]
    return b"".join(text).decode()


def _fingerprint(code):
    """What a lambda's source determines of its code (names, constants), to tell the lambda
    read from the file is the one imported."""
    return (code.co_varnames, sorted(code.co_names),
            [c for c in code.co_consts if not isinstance(c, type(code))])


def _call(callee, signature, arg):
    """`callee(...)` with signature's parameters (the result's left out) as arguments, d[arg]
    in place of `arg`."""
    args, keywords = [], []
    for name, param in list(signature.parameters.items())[1:]:
        value = f"d[{name}]" if name == arg else name
        if param.kind == param.KEYWORD_ONLY:
            keywords.append(f"{name}={value}")
        elif param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise RuleError(f"linear({callee}, ...): {callee} takes *{name}",
                            hint="write its rules with @forward and @reverse")
        else:
            args.append(value)
    return S.quote_expr(f"{callee}({', '.join(args + keywords)})")


class _Namespace:
    """What rules._register reads off a rule function: its module's names (and, for partials
    that broadcast, the broadcast helpers the templates call)."""

    def __init__(self, namespace, broadcast=False):
        if broadcast:
            from .runtime import broadcast_like, unbroadcast
            for name, helper in (("unbroadcast", unbroadcast), ("broadcast_like", broadcast_like)):
                if namespace.get(name, helper) is not helper:
                    raise RuleError(f"the module of a partials rule defines {name}, which the "
                                    f"generated rules call as srcdiff's helper",
                                    hint=f"rename that module's {name}")
            namespace = dict(namespace, unbroadcast=unbroadcast, broadcast_like=broadcast_like)
        self.__globals__ = namespace
        self.__module__ = namespace.get("__name__", "?")


def _signature(names):
    return inspect.Signature([_plain(n) for n in names])


def _plain(name):
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _name(func):
    return getattr(func, "__name__", None) or repr(func)


def _name_in(namespace, func):
    """The name the rule calls `func` by (its own), and the namespace where it means `func`
    (the module's, with `func` added where the name is free: a function defined in a
    function)."""
    name = _name(func)
    if namespace.get(name, func) is func:
        return name, dict(namespace, **{name: func})
    raise RuleError(f"linear({name}, ...) is declared in a module where {name} is another "
                    f"object", hint=f"declare it where {name} is the function")


def _error(fn, reason):
    filename, line = fn.__code__.co_filename, fn.__code__.co_firstlineno
    return RuleError(f"the rule {fn.__qualname__}: {reason}", filename=filename, lineno=line,
                     line=linecache.getline(filename, line) or None,
                     hint="see srcdiff.rule_forms for the forms a rule takes")
