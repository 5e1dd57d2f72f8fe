"""Private names in methods, as Python compiles them (stage 1, frontend: called by
frontend.py). Takes a function's gast def and the live function (its qualified name tells
the class it is defined in); gives back the tree rewritten in place, every private `__name`
written as `_Class__name` (`mangle`).

Inside a class body Python rewrites every identifier `__name` (two leading underscores, not
two trailing) to `_Class__name` ("name mangling"): `self.__w` in a method of `M` reads the
attribute `_M__w`. srcdiff emits a method's derivative as a function outside any class,
where no such rewriting happens, so it rewrites the method's tree here, once, the way the
compiler did: attributes, names (parameters, locals, globals), keyword arguments and nested
definitions, each class nested in the method mangling its own body by its own name.
"""
from . import syntax as S


def enclosing_class(qualname):
    """The name of the innermost class a function of this `__qualname__` is defined in, or
    None: 'M.loss' -> 'M', 'M.loss.<locals>.inner' -> 'M', 'f.<locals>.g' -> None."""
    parts = qualname.split(".")[:-1]
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "<locals>":
            continue
        if i + 1 < len(parts) and parts[i + 1] == "<locals>":
            continue  # a function the definition is nested in
        return parts[i]
    return None


def mangled(name, cls):
    """`name` as the compiler writes it inside class `cls` (Python's rule)."""
    if cls is None or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = cls.lstrip("_")
    return f"_{stripped}{name}" if stripped else name


def mangle(node, fn):
    """Rewrite the private names of `fn`'s def `node` (in place) as Python compiled them."""
    cls = enclosing_class(getattr(fn, "__qualname__", "") or "")
    if cls is not None and cls.lstrip("_"):
        _Mangler(cls).visit(node)
    return node


class _Mangler(S.NodeTransformer):
    def __init__(self, cls):
        self.cls = cls

    def visit_Name(self, node):
        node.id = mangled(node.id, self.cls)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        node.attr = mangled(node.attr, self.cls)
        return node

    def visit_keyword(self, node):
        self.generic_visit(node)
        if node.arg is not None:
            node.arg = mangled(node.arg, self.cls)
        return node

    def visit_FunctionDef(self, node):
        node.name = mangled(node.name, self.cls)
        return self.generic_visit(node)

    def visit_ClassDef(self, node):
        inner = _Mangler(node.name)  # its body: mangled by its own name as written
        node.name = mangled(node.name, self.cls)
        for field in ("bases", "keywords", "decorator_list"):
            setattr(node, field, [self.visit(n) for n in getattr(node, field)])
        node.body = [inner.visit(n) for n in node.body]
        return node
