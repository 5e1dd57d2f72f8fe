"""srcdiff/syntax.py: the one module that touches gast."""
import ast
import os
import sys
import warnings

import gast
import pytest

from srcdiff import syntax as S

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STDLIB = os.path.dirname(ast.__file__)
# large files with most kinds of statement and expression (EVERY_KIND has the rest)
FILES = ([os.path.join(ROOT, "srcdiff", name) for name in ("lower.py", "reverse.py")]
         + [os.path.join(ROOT, "templates", name) for name in ("arrays.py", "linalg.py")]
         + [os.path.join(STDLIB, name) for name in ("asyncio/tasks.py", "dataclasses.py")])

EVERY_KIND = """
import a.b as c
from .d import e as f, g
@dec(1)
class K(Base, metaclass=M):
    x: int = 1
    async def m(self, a, /, b: int = 1, *c, d, e=2, **g) -> None:
        global h
        async with w as (p, q), v:
            async for i in it:
                await z
        lambda u, *w, k=1, **kw: (u, *w, {**kw}, {1, 2}, {k: v for k, v in kw.items()})
        [y := 1, f"{a!r:>{b}}", b"x", ..., None, 1j, -1.5e3, not a, a if b else c]
        x[1:2, ::3, ...] = yield from g
        del x[0], y.z
        try:
            raise E from None
        except (A, B) as err:
            nonlocal_ = 1
        else:
            assert a, "m"
        finally:
            return
        match p:
            case [1, *rest] if rest: pass
            case {"k": v, **kw}: pass
            case Point(x=0) | None: pass
            case str() as s: pass
        while a < b <= c is not d in e:
            break
        for i, (j, k) in enumerate(zip(a, b)):
            continue
        a @= b; a **= -b; a //= ~b; a >>= b << c & d | e ^ f
""" + ("""
try:
    pass
except* C as group:
    pass
""" if sys.version_info >= (3, 11) else "")


def test_to_python_ast_gives_gasts_own_tree():
    """The fast converter gives the tree gast.gast_to_ast gives, positions included, on
    every file of srcdiff and its rules, on a few large files of the standard library and
    on a module holding every kind of statement and expression."""
    tree = gast.parse(EVERY_KIND)
    assert ast.dump(S.to_python_ast(tree), include_attributes=True) == \
        ast.dump(gast.gast_to_ast(tree), include_attributes=True)
    compared = 0
    for path in FILES:
        with open(path, encoding="utf-8") as fh:
            try:
                tree = gast.parse(fh.read())
            except (SyntaxError, UnicodeDecodeError):
                continue
        expected = ast.dump(gast.gast_to_ast(tree), include_attributes=True)
        assert ast.dump(S.to_python_ast(tree), include_attributes=True) == expected, path
        compared += 1
    assert compared == len(FILES)


def test_to_python_ast_of_a_list_and_of_a_parameter_with_default():
    tree = gast.parse("def f(a, /, b: int = 1, *c, d, e=2, **g):\n"
                      "    try:\n        pass\n    except E as err:\n        raise\n")
    body = S.to_python_ast(tree.body)
    assert isinstance(body, list)
    assert ast.unparse(ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))) == \
        ast.unparse(gast.gast_to_ast(tree))


def test_walk_skips_expression_contexts():
    tree = S.parse_module("x = y + z\n")
    kinds = {type(n) for n in S.walk(tree)}
    assert S.Name in kinds and S.BinOp in kinds
    assert not kinds & {S.Load, S.Store, S.Del}


def _every_node(node):
    """Every node under `node`, breadth first, looking into every field but the contexts
    (ast.walk's order, without _LEAF_FIELDS): what `walk` must give."""
    queue, out = [node], []
    while queue:
        n = queue.pop(0)
        out.append(n)
        for field in n._fields:
            value = getattr(n, field, None)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, gast.AST) and not isinstance(item, gast.expr_context):
                    queue.append(item)
    return out


def test_walk_gives_every_node_the_fields_hold():
    """The fields `walk` does not look into (a name's id, a constant's value, a def's name:
    syntax._LEAF_FIELDS) hold no node in any tree: every kind of statement and expression,
    srcdiff's own modules and rules, and trees srcdiff made (the handler's name is a node)."""
    sources = [EVERY_KIND, "try:\n    pass\nexcept E as err:\n    raise\n"]
    for path in FILES:
        with open(path, encoding="utf-8") as fh:
            sources.append(fh.read())
    trees = [S.parse_module(text) for text in sources]
    trees += [S.function_def("f", ["x"], S.quote("y = x + 1.0\nreturn y"))]
    for tree in trees:
        assert [id(n) for n in S.walk(tree)] == [id(n) for n in _every_node(tree)]
    assert S.Name in {type(n) for n in S.walk(S.parse_module(sources[1]).body[0].handlers[0])}


def test_ast_to_gast_gives_gasts_own_tree():
    """The fast converter from the standard library's ast gives gast's own tree."""
    sources = [EVERY_KIND]
    for path in FILES:
        with open(path, encoding="utf-8") as fh:
            sources.append(fh.read())
    for text in sources:
        tree = ast.parse(text)
        assert gast.dump(S.ast_to_gast(tree), include_attributes=True) == \
            gast.dump(gast.ast_to_gast(tree), include_attributes=True)
        assert gast.dump(S.parse_module(text)) == gast.dump(gast.parse(text))


def test_place_unplaced_places_only_nodes_without_a_position():
    old = S.parse_function("def f(x):\n    y = x\n    return y").body[1]
    new = S.Assign(targets=[S.store("z")], value=S.load("q"), type_comment=None)
    kept = S.load("w")
    kept.lineno, kept.col_offset, kept.end_lineno, kept.end_col_offset = 9, 4, 9, 5
    new.value = kept
    assert S.place_unplaced(new, old) is new
    assert (new.lineno, new.targets[0].lineno, kept.lineno) == (old.lineno, old.lineno, 9)


def test_a_transformer_finds_each_classs_own_visit_method():
    """NodeTransformer.visit keeps the method it found per node class on each transformer
    class: a subclass overriding a visit method gets its own, the base keeps its."""
    class Rename(S.NodeTransformer):
        def visit_Name(self, node):
            return S.name(node.id + "_r", node.ctx)

    class Upper(Rename):
        def visit_Name(self, node):
            return S.name(node.id.upper(), node.ctx)

    class Plain(Rename):
        pass

    def names(tree):
        return sorted(n.id for n in S.walk(tree) if isinstance(n, S.Name))
    for transformer, expected in ((Rename, ["a_r", "b_r", "c_r"]), (Upper, ["A", "B", "C"]),
                                  (Plain, ["a_r", "b_r", "c_r"]),
                                  (Rename, ["a_r", "b_r", "c_r"])):
        assert names(transformer().visit(S.parse_module("a = b + c\n"))) == expected
    assert names(S.NodeTransformer().visit(S.parse_module("a = b + c\n"))) == ["a", "b", "c"]


def test_a_transformer_skips_the_children_it_would_give_back_unchanged():
    """A child of a class the transformer leaves to generic_visit, holding no node (a name,
    a constant, an operator), is not visited once its class was met: generic_visit runs
    for the first of each such class only. A class with a visit method, a transformer that
    overrides visit or generic_visit, and a name holding an annotation are still visited."""
    text = "a = b * 2.0 + c * 3.0 - f(d, e, 1.0) * g\n"
    visited = []
    generic = S.NodeTransformer.generic_visit.__code__

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is generic:
            visited.append(frame.f_locals["node"])
    class Fresh(S.NodeTransformer):   # (its table of classes met starts empty)
        pass
    tree = S.parse_module(text)
    sys.setprofile(profile)
    try:
        Fresh().visit(tree)
    finally:
        sys.setprofile(None)
    kinds = [n.__class__ for n in visited]
    assert kinds.count(S.Name) == kinds.count(S.Constant) == kinds.count(S.Mult) == 1, kinds
    assert len(visited) < len(S.nodes(tree))
    assert S.dump(tree) == S.dump(S.parse_module(text))

    class Constants(S.NodeTransformer):
        def visit_Constant(self, node):
            return S.const(node.value * 10)

    class Seen(S.NodeTransformer):
        def __init__(self):
            self.seen = []

        def generic_visit(self, node):
            self.seen.append(node.__class__.__name__)
            return super().generic_visit(node)

    class Visits(S.NodeTransformer):
        def __init__(self):
            self.seen = []

        def visit(self, node):
            self.seen.append(node.__class__.__name__)
            return super().visit(node)
    class Legacy(S.NodeTransformer):   # ast's visit_Constant calls it (deprecated)
        def visit_Num(self, node):
            return S.const(node.value * 10)
    for transformer in (Constants(), Legacy()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            out = transformer.visit(S.parse_module(text))
        assert sorted(n.value for n in S.walk(out) if isinstance(n, S.Constant)) == [10, 20, 30]
    every = sorted(n.__class__.__name__ for n in S.nodes(S.parse_module(text)))
    for transformer in (Seen(), Visits()):
        transformer.visit(S.parse_module(text))
        assert sorted(transformer.seen) == every

    class Annotations(S.NodeTransformer):
        def visit_Constant(self, node):
            return S.load("K")
    fdef = S.parse_module("def h(p: 1, q):\n    return p\n").body[0]
    Annotations().visit(fdef)
    assert [a.annotation.id if a.annotation else None for a in fdef.args.args] == ["K", None]


def test_own_nodes_leave_out_nested_functions_lambdas_and_classes():
    import ast
    text = ("def f(x):\n    y = x + 1\n    def g(z):\n        return z * 9\n"
            "    class C:\n        k = 3\n    return lambda q: q * y\n")
    for tree in (ast.parse(text).body[0], S.parse(text).body[0]):
        kinds = sorted(type(n).__name__ for n in S.own_nodes(tree))
        assert kinds.count("FunctionDef") == 1 and "ClassDef" in kinds and "Lambda" in kinds
        assert "Mult" not in kinds and not any(getattr(n, "value", None) in (9, 3)
                                               for n in S.own_nodes(tree))


def test_nodes_is_walk_as_a_list():
    """syntax.nodes gives walk's nodes, the same objects in the same order, on every file of
    srcdiff (parsed, then lowered and emitted trees are made of the same node classes)."""
    import glob
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for path in sorted(glob.glob(os.path.join(root, "srcdiff", "*.py"))):
        with open(path) as fh:
            tree = S.parse_module(fh.read())
        got, want = S.nodes(tree), list(S.walk(tree))
        assert type(got) is list and len(got) == len(want)
        assert all(a is b for a, b in zip(got, want))


def test_clone_copies_every_field_position_and_marker_and_shares_no_node():
    """clone (syntax._copy copies a node's dictionary whole, then its node fields again):
    equal to a copy made field by field, extras by extras, on srcdiff's own modules' trees
    (with markers set and a stray attribute, which a clone drops), sharing no node or list
    but the expression contexts."""
    import ast as std_ast
    import glob
    import os
    import gast
    from srcdiff import syntax as S

    def field_by_field(node):
        if isinstance(node, list):
            return [field_by_field(n) for n in node]
        if not isinstance(node, gast.AST) or type(node) in (gast.Load, gast.Store, gast.Del):
            return node
        new = type(node).__new__(type(node))
        for f in node._fields:
            new.__dict__[f] = field_by_field(getattr(node, f, None))
        for a in S._CLONE_EXTRAS:
            if a in node.__dict__:
                new.__dict__[a] = node.__dict__[a]
        return new

    def same(a, b):
        if type(a) is not type(b):
            return False
        if isinstance(a, list):
            return len(a) == len(b) and all(map(same, a, b))
        if isinstance(a, gast.AST):
            return a.__dict__.keys() == b.__dict__.keys() and all(
                same(v, b.__dict__[k]) for k, v in a.__dict__.items())
        return a is b or a == b

    files = sorted(glob.glob(os.path.join(os.path.dirname(S.__file__), "*.py")))[:40]
    for k, path in enumerate(files):
        with open(path) as fh:
            tree = S.ast_to_gast(std_ast.parse(fh.read()))
        for j, n in enumerate(gast.walk(tree)):
            if j % 7 == 0:
                setattr(n, S.FULL_PRODUCT, "left")
            if j % 11 == 0 and type(n) not in (gast.Load, gast.Store, gast.Del):
                n.stray_marker = j
        tree.body.append(gast.Expr(value=S.const([S.name("x"), 1])))  # a list in a constant
        copied = S.clone(tree)
        assert same(copied, field_by_field(tree)), path
        old = {id(n) for n in gast.walk(tree)} | {
            id(v) for n in gast.walk(tree) for v in vars(n).values() if isinstance(v, list)}
        for n in gast.walk(copied):
            assert id(n) not in old or type(n) in (gast.Load, gast.Store, gast.Del)
            assert not any(isinstance(v, list) and id(v) in old for v in vars(n).values())
            assert not hasattr(n, "stray_marker")
