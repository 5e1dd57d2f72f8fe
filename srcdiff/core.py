"""The core language: the statements lowering produces (lower.py), as types.

Leaf module: imports only syntax, errors and the standard library.
"""
from . import syntax as S

GENERATED_PREFIX = "srcdiff-generated/"  # file names of emitted code (see transform.py)


class Info:
    """What one core statement does.

    kind: 'call' (a function applied to atoms; `func` is the object and
    `op_ref` how emitted code names it), 'binop', 'unary', 'copy',
    'subscript', 'attribute', 'display', 'opaque', 'setitem', 'append',
    'effect', 'stop_gradient', 'if', 'for', 'while', 'return', 'assert',
    'raise', 'break'.
    """

    __slots__ = ("kind", "func", "line", "loop", "extra")

    def __init__(self, kind, func=None, line=None, loop=None, extra=None):
        self.kind = kind
        self.func = func
        self.line = line
        self.loop = loop
        self.extra = extra


class LoopInfo:
    """Facts the reverse pass needs about one loop."""

    def __init__(self, kind, name):
        self.kind = kind          # 'for' or 'while'
        self.name = name          # a short readable stem used for its temporaries
        self.brk = None           # flag name set by break/return, or None
        self.cont = None          # flag name set by continue, or None
        self.ends_with_break = False


class Lowered:
    """The lowered function: parameters, core body, names, and bindings."""

    def __init__(self, name, params, defaults, body, namer, bindings, source):
        self.name = name
        self.params = params
        self.defaults = defaults
        self.body = body
        self.namer = namer
        self.bindings = bindings   # identifier -> object the emitted code needs
        self.source = source


def assigned_names(nodes):
    """Names bound anywhere in a list of user statements (Python's local rule)."""
    out = set()
    for stmt in nodes:
        for node in S.walk(stmt):
            if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Param)):
                out.add(node.id)
            elif isinstance(node, (S.FunctionDef,)):
                out.add(node.name)
    return out
