"""The names of Python's operator methods (leaf: called by operator_methods.py, which lowers
an operator on objects of the user's classes, and factories.py, which reads the class such
an operator makes; one table, so that the two never disagree on what `+` calls). Takes an
operator's node class; gives back its method's name (`dunder`) and the tables below, and
tells a call of the builtin `abs` or `pow` as written (`builtin_protocol_call`).

BINARY maps a binary operator's node class to its method's stem (`S.Add` -> "add": `__add__`,
`__radd__`, `__iadd__`), UNARY a unary operator's node class to its method, SIGNS a stem to
the operator as written (for messages)."""
from . import syntax as S

BINARY = {S.Add: "add", S.Sub: "sub", S.Mult: "mul", S.Div: "truediv", S.MatMult: "matmul",
          S.Pow: "pow", S.FloorDiv: "floordiv", S.Mod: "mod"}
UNARY = {S.USub: "__neg__", S.UAdd: "__pos__"}
SIGNS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "matmul": "@", "pow": "**",
         "floordiv": "//", "mod": "%"}


def dunder(op):
    """The method Python calls first for the binary operator node `op` (`S.Add()` ->
    "__add__"), or None for one without such a method here."""
    stem = BINARY.get(type(op))
    return f"__{stem}__" if stem is not None else None


def builtin_protocol_call(node):
    """Whether `node` is written as a call of the builtin `abs(v)` or `pow(v, w)` (by its
    name, positional arguments only): Python calls v.__abs__() / v ** w for an object of
    the user's class (`_builtin_call` reads whether the name is the builtin's)."""
    return isinstance(node, S.Call) and isinstance(node.func, S.Name) and \
        node.func.id in ("abs", "pow") and not node.keywords and \
        len(node.args) == (1 if node.func.id == "abs" else 2) and \
        not any(isinstance(a, S.Starred) for a in node.args)
