"""Classes defined in the body of the function being differentiated, made once where srcdiff
compiles (stage 3, lower: called by source_rewrites.counted_rewrite where the function's
body holds a class statement). Takes the user's `frontend.Source`, its gast FunctionDef and
the resolver of its free names; gives back the FunctionDef without the class statements it
made and a copy of the resolver binding each class's name to the class made, or both as
they were where there is none; refuses, located, a class it cannot make this way.

    def f(logits):                          class Softmax:  (made once, from the same lines)
        class Softmax:                          def __init__(self, t): ...
            def __init__(self, t): ...          def __call__(self, z): ...
            def __call__(self, z): ...      def f(logits):
        sm = Softmax(0.5)                       sm = Softmax(0.5)
        return np.sum(sm(logits))               return np.sum(sm(logits))

srcdiff reads a class's methods and operators before the code runs, from the class object
(as it does a module-level class's). A class statement in the function's body (not in a
branch or loop) makes a new class each call, whose methods read the module's names when
called; where nothing in the class reads a name of the function, and nothing is kept on the
class itself between calls, the class made once from the same lines (compiled from the
user's file, its methods at the user's lines, their globals the module's) behaves as the
class each call makes. It fits where: the class has no decorators and no keywords
(metaclass=...); its bases are module-level names or classes of the function's body
made before it; its body holds only a docstring, defs
(decorated by property, staticmethod, classmethod or a property's .setter at most) and
names bound to number or string literals; nothing in it reads or binds a name the
function binds (its parameters, variables, nested defs, or the class's own name: a method
making another object of the class, `return Softmax(...)`, reads it from the function's
frame); no method assigns an attribute of the class (`cls.n = ...`, `type(self).n`,
`Softmax.n`), calls setattr or declares a name global or nonlocal; and the function binds
the class's name only there, after any read of it. Refused, located, saying what to write,
otherwise.
"""
import ast
import builtins
import copy
import types

from . import syntax as S


def rewrite(source, fdef, resolver):
    """(FunctionDef, resolver): each class statement of the function's body made once (see
    the module's docstring)."""
    classes = [s for s in fdef.body if isinstance(s, S.ClassDef)]
    if not classes or not isinstance(resolver.globals, dict):
        return fdef, resolver
    cells = {}
    for cls in classes:
        _check(source, fdef, cls, _bound(fdef, cls), resolver, cells)
        cells[cls.name] = _made(source, cls, resolver, cells)
    fdef = S.clone(fdef)
    fdef.body = [s for s in fdef.body if not isinstance(s, S.ClassDef)] or [S.Pass()]
    new = copy.copy(resolver)
    new.cells = dict(resolver.cells)
    new.cells.update({name: types.CellType(obj) for name, obj in cells.items()})
    return fdef, new


def _bound(fdef, cls):
    """{name: the number of bindings} of every name the function binds (parameters, stores,
    defs, classes, imports), nested scopes included, outside the class statement `cls`."""
    out = {}
    inside = {id(n) for n in S.walk(cls)} - {id(cls)}
    for n in S.walk(fdef):
        if id(n) in inside:
            continue
        if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
            out[n.id] = out.get(n.id, 0) + 1
        elif isinstance(n, (S.FunctionDef, S.ClassDef)) and n is not fdef:
            out[n.name] = out.get(n.name, 0) + 1
        elif isinstance(n, S.alias):
            name = (n.asname or n.name).split(".")[0]
            out[name] = out.get(name, 0) + 1
    return out


_DECORATORS = ("property", "staticmethod", "classmethod")


def _check(source, fdef, cls, bound, resolver, made=()):
    """Refuse, located, a class statement that does not fit (the module's docstring); `made`:
    the classes of the function's body made before it (a base may be one of them)."""
    def refuse(node, why, hint):
        raise source.error(node, f"srcdiff cannot make the class {cls.name!r} defined in the "
                           f"function once, where it compiles: {why}", hint=hint)
    at_module = "define the class at module level"
    if cls.decorator_list or cls.keywords:
        refuse(cls, "it has a decorator or a keyword (metaclass=...)", at_module)
    for base in cls.bases:   # (a class of the function's body made before, bound once: as made)
        for n in S.walk(base):
            if isinstance(n, S.Name) and n.id in bound and not (
                    n.id in made and bound[n.id] == 1 and n is base):
                refuse(n, f"its base reads {n.id!r}, a name of the function (each call's "
                       "class takes its base from that call)", "make the base a class of "
                       "the function's body defined before it, or " + at_module)
    for scope, own in _scopes(cls):
        for n in S.walk(scope):
            if isinstance(n, S.Name) and n.id in bound and n.id not in own:
                refuse(n, f"it reads {n.id!r}, a name of the function (each call's class "
                       "reads it from that call)", "write type(self)(...) for an object of "
                       "the same class, or " + at_module if n.id == cls.name else
                       f"pass {n.id} to the method or to the class's __init__, or " +
                       at_module)
    for n in S.walk(cls):
        if isinstance(n, (S.Global, S.Nonlocal)):
            refuse(n, "it declares a name global or nonlocal", at_module)
        if isinstance(n, S.Call) and isinstance(n.func, S.Name) and n.func.id in (
                "setattr", "delattr"):
            refuse(n, f"it calls {n.func.id} (what it changes may be the class, made once "
                   "here but anew each call)", at_module)
        if isinstance(n, S.Attribute) and not isinstance(n.ctx, S.Load) and \
                _names_the_class(n.value, cls.name):
            refuse(n, "a method assigns an attribute of the class (kept between calls here, "
                   "not where each call makes its own class)", "assign it on self, or " +
                   at_module)
    for stmt in cls.body:
        for dec in getattr(stmt, "decorator_list", ()):
            if not (isinstance(dec, S.Name) and dec.id in _DECORATORS and resolver.lookup(
                    dec.id, None) in (None, getattr(builtins, dec.id)) or isinstance(
                    dec, S.Attribute) and
                    dec.attr in ("setter", "getter", "deleter")):
                refuse(dec, f"the method {stmt.name} has the decorator @{S.spell(dec)}, "
                       "which would run once here, not at each call (only property, "
                       "staticmethod and classmethod are known)", at_module)
        if isinstance(stmt, S.FunctionDef) or isinstance(stmt, S.Expr) and isinstance(
                stmt.value, S.Constant) and isinstance(stmt.value.value, str):
            continue
        if isinstance(stmt, S.Assign) and all(isinstance(t, S.Name) for t in stmt.targets) \
                and _literal(stmt.value):
            continue
        refuse(stmt, "its body holds more than defs, a docstring and names bound to number "
               "or string literals", at_module)
    if bound.get(cls.name, 0) != 1:
        refuse(cls, f"the function binds {cls.name!r} again", f"give the class a name of "
               "its own, or " + at_module)
    before = fdef.body[:next(i for i, s in enumerate(fdef.body) if s is cls)]
    for n in (m for s in before for m in S.walk(s)):
        if isinstance(n, S.Name) and n.id == cls.name:
            refuse(n, f"{cls.name!r} is read before the class statement (Python raises "
                   "UnboundLocalError there)", at_module)


def _scopes(cls):
    """[(a node, the names it binds as its own)]: each method with its parameters and the
    names it binds outside the scopes nested in it, and each other statement of the class's
    body with the names the class binds (a name a nested scope binds reads as a free one
    here: refused where the function binds it too)."""
    out, top = [], {t.id for s in cls.body if isinstance(s, S.Assign) for t in s.targets} | {
        s.name for s in cls.body if isinstance(s, S.FunctionDef)}
    for stmt in cls.body:
        if not isinstance(stmt, S.FunctionDef):
            out.append((stmt, top))
            continue
        a = stmt.args
        own = {p.id for p in a.posonlyargs + a.args + a.kwonlyargs if isinstance(p, S.Name)}
        own |= {p.id for p in (a.vararg, a.kwarg) if isinstance(p, S.Name)}
        stack = list(stmt.body)
        while stack:
            n = stack.pop()
            if isinstance(n, (S.FunctionDef, S.Lambda, S.ClassDef, S.ListComp, S.SetComp,
                              S.DictComp, S.GeneratorExp)):
                if hasattr(n, "name"):
                    own.add(n.name)
                continue
            if isinstance(n, S.Name) and not isinstance(n.ctx, S.Load):
                own.add(n.id)
            stack.extend(S.iter_child_nodes(n))
        for d in stmt.decorator_list + a.defaults + [d for d in a.kw_defaults if d]:
            out.append((d, top))
        out.append((stmt, own))
    return out


def _literal(node):
    """A number or string literal (`-1` too): nothing a method can change in place."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, (S.USub, S.UAdd)):
        node = node.operand
    return isinstance(node, S.Constant) and isinstance(node.value, (int, float, complex, str,
                                                                    bool))


def _names_the_class(node, name):
    """`Name`, `cls`, `type(...)`, `x.__class__`: what may be the class itself."""
    if isinstance(node, S.Name):
        return node.id in (name, "cls")
    if isinstance(node, S.Call):
        return isinstance(node.func, S.Name) and node.func.id == "type"
    return isinstance(node, S.Attribute) and node.attr == "__class__"


def _made(source, cls, resolver, made=()):
    """The class the statement `cls` makes, compiled from the user's file at its lines, its
    methods' globals the module's; its bases read the classes of the function's body `made`
    before it first."""
    from gast import gast_to_ast
    tree = ast.Module(body=[gast_to_ast(S.clone(cls))], type_ignores=[])
    ast.fix_missing_locations(tree)
    code = compile(tree, source.filename, "exec", dont_inherit=True)
    namespace = dict(made)   # (the class body's names in its own dict)
    exec(code, resolver.globals, namespace)
    made = namespace[cls.name]
    from .callables import name_path
    key = f"{cls.name}_{len(vars(MADE)) + 1}"
    setattr(MADE, key, made)   # (the path emitted code checks an object's class by)
    name_path(made, f"srcdiff.class_defs.MADE.{key}")
    return made


# The classes made, each under a name of its own: emitted code names a class by a path
# (callables.canonical_path), and a class made here is in no module of the user's.
MADE = types.SimpleNamespace()
