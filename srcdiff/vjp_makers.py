"""An autograd-style vjp maker written as one function srcdiff can read (leaf: called by
extend.py). Takes a maker `(ans, *args) -> (g -> adjoint)`; gives back the function
`(g, ans, *args) -> adjoint` with the same statements, its source registered with linecache,
or None where the maker is not of a form rewritten here.

srcdiff follows the user's functions by their source, but not a function another call
returned: in `maker(ans, x)(g)` the vjp is opaque, so a second derivative through it
(forward over reverse for hvp, reverse over reverse for grad of grad) could not be made.
A maker of one of autograd's usual forms,

    def m(ans, x):                 m = lambda ans, x: lambda g: E
        S ...
        return lambda g: E         (or: def vjp(g): T ...; return U  /  return vjp)

is rewritten as `def m_applied(g, ans, x): S ...; return E` (T ...; return U for the def), which
computes the same value by the same statements, and srcdiff then differentiates it as the
user's own code. A maker of another form (reading variables of an enclosing function, with
returns or loops around the inner function, its parameter named as one of the maker's) is
left alone: extend.py calls it through runtime_extend.vjp_of, and second order is refused.
"""
import ast
import inspect
import linecache


def applied(maker):
    """The function (g, ans, *args) -> maker(ans, *args)(g), or None (see the docstring)."""
    code = getattr(maker, "__code__", None)
    if code is None or code.co_freevars or not inspect.isfunction(maker):
        return None
    node = _maker_node(maker, code)
    if node is None:
        return None
    parts = _body_and_result(node)
    if parts is None:
        return None
    statements, g, result = parts
    if g in code.co_varnames or any(isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom,
                                                    ast.Nonlocal, ast.Global, ast.Lambda,
                                                    ast.FunctionDef))
                                    for s in statements for n in ast.walk(s)):
        return None
    name = f"{getattr(maker, '__name__', 'vjp')}_applied"
    if not name.isidentifier():
        name = "vjp_applied"
    args = node.args
    args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=g)] + args.posonlyargs + args.args,
                         vararg=args.vararg, kwonlyargs=args.kwonlyargs,
                         kw_defaults=args.kw_defaults, kwarg=args.kwarg, defaults=args.defaults)
    fdef = ast.FunctionDef(name=name, args=args, body=statements + [ast.Return(value=result)],
                           decorator_list=[], returns=None, type_comment=None)
    if "type_params" in ast.FunctionDef._fields:   # Python 3.12 on
        fdef.type_params = []
    text = ast.unparse(ast.fix_missing_locations(ast.Module(body=[fdef], type_ignores=[]))) + "\n"
    where = f"{code.co_filename}:{code.co_firstlineno}"
    filename = f"<srcdiff: the vjp {maker.__qualname__} returns, applied ({where})>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    made = {}
    try:
        exec(compile(text, filename, "exec"), maker.__globals__, made)
    except SyntaxError:   # pragma: no cover - unparse of a parsed tree compiles
        return None
    fn = made[name]
    fn.__qualname__ = f"{maker.__qualname__}.<vjp applied>"
    return fn


def _maker_node(maker, code):
    """The def or lambda node of `maker` in its file, or None (no source, more than one
    candidate, or a text that no longer compiles to the maker's code)."""
    lines = linecache.getlines(code.co_filename, maker.__globals__)
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        return None
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Lambda):
            first = n.lineno
        elif isinstance(n, ast.FunctionDef) and n.name == code.co_name:
            first = min([n.lineno] + [d.lineno for d in n.decorator_list])
        else:
            continue
        if first == code.co_firstlineno and n.args.vararg is None and n.args.kwarg is None \
                and [a.arg for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs] == params:
            found.append(n)
    if len(found) != 1 or not _same_code(tree, code):
        return None
    return found[0]


def _same_code(tree, code):
    """Whether the file's text (`tree`) compiles to a code object like the maker's at its
    line: the file was not edited since the maker was made."""
    try:
        compiled = compile(tree, code.co_filename, "exec")
    except (SyntaxError, ValueError, TypeError):
        return False
    stack, found = [compiled], []
    while stack:
        c = stack.pop()
        if c.co_name == code.co_name and c.co_firstlineno == code.co_firstlineno:
            found.append(c)
        stack.extend(k for k in c.co_consts if isinstance(k, type(code)))
    return any(_same(c, code) for c in found)


def _same(a, b):
    """Code objects alike: instructions, names and constants (nested code too)."""
    if a.co_code != b.co_code or a.co_names != b.co_names or a.co_varnames != b.co_varnames \
            or len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, type(a)) or isinstance(y, type(a)):
            if not (isinstance(x, type(a)) and isinstance(y, type(a)) and _same(x, y)):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def _body_and_result(node):
    """(statements, g, expression): the maker's statements, the returned function's
    parameter, and the value it returns; None for another form."""
    if isinstance(node, ast.Lambda):
        return _inner([], node.body)
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and \
            isinstance(body[0].value.value, str):
        body = body[1:]   # a docstring
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    returned = body[-1].value
    if isinstance(returned, ast.Lambda):
        return _inner(body[:-1], returned)
    if isinstance(returned, ast.Name):
        defs = [s for s in body[:-1] if isinstance(s, ast.FunctionDef) and s.name == returned.id]
        if len(defs) != 1:
            return None
        inner = defs[0]
        rest = [s for s in body[:-1] if s is not inner]
        if inner.decorator_list or any(isinstance(n, ast.Name) and n.id == inner.name
                                       for s in rest + inner.body for n in ast.walk(s)):
            return None
        parts = _single_parameter(inner.args)
        inner_body = list(inner.body)
        if inner_body and isinstance(inner_body[0], ast.Expr) and \
                isinstance(inner_body[0].value, ast.Constant):
            inner_body = inner_body[1:]
        if parts is None or not inner_body or not isinstance(inner_body[-1], ast.Return) or \
                inner_body[-1].value is None:
            return None
        return rest + inner_body[:-1], parts, inner_body[-1].value
    return None


def _inner(statements, lam):
    if not isinstance(lam, ast.Lambda):
        return None
    g = _single_parameter(lam.args)
    return None if g is None else (statements, g, lam.body)


def _single_parameter(args):
    if args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg or args.defaults or \
            len(args.args) != 1:
        return None
    return args.args[0].arg
