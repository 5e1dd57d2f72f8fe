"""The one module that imports gast (with its parts syntax_trees.py, the converters from and
to the standard library's ast, and syntax_walks.py, the walks over a tree's nodes): parsing,
node construction and quoting (leaf: called by every stage). Takes source text, gast nodes or Python values; gives back gast trees (parsed,
built, quoted with substitutions, settled names), atoms and constants, and standard-library
ast trees for the emitter.

Every other stage builds and inspects trees through this module, so a change in
gast's API is mended here alone. Trees are gast trees (uniform across Python
versions); `to_python_ast` converts them for the emitter and the compiler.
"""
import ast
import textwrap
import threading

from gast import *  # noqa: F401,F403  -- re-export the node classes
import gast  # after the star import, which binds gast's own submodule of that name

from .names import _PRIVATE, SLICE  # noqa: E402
from .syntax_trees import _to_gast, ast_to_gast, to_python_ast  # noqa: E402,F401
from .syntax_walks import (_WALKED_FIELDS, _walked_fields, map_own_statements,  # noqa: E402,F401
                           block_holding, nodes, own_nodes, scope_nodes, walk, walk_names)
from .syntax_walks import nodes as _nodes  # noqa: E402  (settle's parameter is `nodes`)

__all__ = [name for name in dir(gast) if name[:1].isupper()] + [
    "parse_module", "parse_function", "parse_python", "to_python_ast", "ast_to_gast", "name", "load", "store",
    "const", "quote", "quote_expr", "is_atom", "walk", "nodes", "walk_names", "dump",
    "iter_child_nodes", "clone", "copy_node", "place_unplaced", "function_def", "COMMENT", "comment",
    "Substitute",
    "attribute_chain",
]



def _holds_no_node(node, fields):
    """Whether each of `fields` (those of node's class that may hold a node) is unset or None
    in `node`: then generic_visit of it changes nothing, and NodeTransformer skips its visit."""
    inner = node.__dict__
    for field in fields:
        if inner.get(field) is not None:
            return False
    return True


class NodeTransformer(gast.NodeTransformer):
    """ast.NodeTransformer, its generic_visit about a third faster: fields read from the
    node's dict, the expression contexts (which no transformer of srcdiff's visits) not
    visited, as `walk` skips them; `visit` finds each node class's method once per
    transformer class (ast's builds the name `visit_<class>` and looks it up at every node).
    A child that visiting would give back unchanged is not visited: one of a class the
    transformer leaves to generic_visit (no `visit_<class>`, `visit` and `generic_visit`
    not overridden; a constant's is ast's visit_Constant, which calls generic_visit where
    no visit_Num or the like is defined), each of whose fields that may hold a node is unset or None (an
    operator, a constant, a name; generic_visit of it changes nothing)."""

    def visit(self, node):
        cls = self.__class__
        table = cls.__dict__.get("_sd_visitors")
        if table is None:
            table = {}
            cls._sd_visitors = table   # on this class itself: a subclass keeps its own
            cls._sd_plain = {}
        kind = node.__class__
        method = table.get(kind)
        if method is None:
            method = getattr(cls, "visit_" + kind.__name__, cls.generic_visit)
            if method is _CONSTANT_VISIT and not any(
                    hasattr(cls, "visit_" + legacy) for legacy in _LEGACY_CONSTANTS):
                method = cls.generic_visit   # what ast's visit_Constant calls, without them
            table[kind] = method
            if method is _GENERIC_VISIT and cls.visit is _VISIT:
                fields = _WALKED_FIELDS.get(kind)
                cls._sd_plain[kind] = _walked_fields(kind) if fields is None else fields
        return method(self, node)

    def generic_visit(self, node):
        cls = node.__class__
        fields = _WALKED_FIELDS.get(cls)
        if fields is None:
            fields = _walked_fields(cls)
        values = node.__dict__
        ast_type = gast.AST
        plain = self.__class__.__dict__.get("_sd_plain") or _NONE_PLAIN
        for field in fields:
            old = values.get(field)
            if old.__class__ is list:
                new = []
                for value in old:
                    if isinstance(value, ast_type):
                        leaves = plain.get(value.__class__)
                        if leaves is not None and _holds_no_node(value, leaves):
                            new.append(value)   # unchanged by its visit
                            continue
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, ast_type):
                            new.extend(value)
                            continue
                    new.append(value)
                old[:] = new
            elif isinstance(old, ast_type):
                leaves = plain.get(old.__class__)
                if leaves is not None and _holds_no_node(old, leaves):
                    continue   # unchanged by its visit
                replaced = self.visit(old)
                if replaced is None:
                    delattr(node, field)
                else:
                    setattr(node, field, replaced)
        return node


_GENERIC_VISIT = NodeTransformer.generic_visit
_VISIT = NodeTransformer.visit
_NONE_PLAIN = {}
# ast.NodeVisitor's visit_Constant looks for these old methods (deprecated), then calls
# generic_visit: a transformer defining none of them has generic_visit for a constant
_CONSTANT_VISIT = ast.NodeVisitor.visit_Constant
_LEGACY_CONSTANTS = ("Num", "Str", "Bytes", "NameConstant", "Ellipsis")


# Set on a call `numpy.sum(x, ...)` that the user wrote as `x.sum(...)`: the name of the
# method, so emitted code can show the call as written (emit.py).
METHOD_FORM = "sd_method_form"
# Set on a call to one of the user's functions whose arguments are all passed positionally:
# the names of its keyword-only parameters (the last arguments), passed by name when emitted.
KEYWORD_ONLY = "sd_keyword_only"
# Set on a call to one of the user's functions taking *args or **kwargs, whose arguments are
# in the order of its parameters: (kind, name) per argument, kind '' (positional), '*'
# (the tuple of *args), '=' (keyword-only), '**' (the dict of **kwargs) (emit.py).
VARIADIC = "sd_variadic"


# on a product `a * b` of an adjoint: which operand may be replaced by anything that
# broadcasts to its shape (srcdiff/fold.py)
FULL_PRODUCT = "sd_full_product"

# Set on a statement whose rewrite (view_writes.py, loop_rows.py) reads a slice or a row of an
# array as a view of it: (the array's name, the view's, 'slice' or 'rows', the user's line); the
# lowering checks in the run that the array's slices are views (checks.view_guard).
VIEWS_OF = "sd_views_of"

# Set on a nested def nonlocal_writes.py rewrote to take the names it declared nonlocal as
# its first parameters: those names, so that a refusal of one calls it what the user wrote
# (a variable of the enclosing function, not an argument).
NONLOCAL_TAKEN = "sd_nonlocal_taken"

_CLONE_EXTRAS = ("lineno", "col_offset", "end_lineno", "end_col_offset", "sd",
                 METHOD_FORM, KEYWORD_ONLY, FULL_PRODUCT, VARIADIC, VIEWS_OF, NONLOCAL_TAKEN)


def place_unplaced(new, old):
    """Every statement and expression under `new` that has no position placed at `old`'s
    line and column (nodes srcdiff wrote in place of the user's `old`); gives back `new`."""
    for n in walk(new):
        if isinstance(n, (stmt, expr)) and getattr(n, "lineno", None) is None:
            n.lineno, n.col_offset = old.lineno, old.col_offset
            n.end_lineno = getattr(old, "end_lineno", old.lineno)
            n.end_col_offset = getattr(old, "end_col_offset", old.col_offset)
    return new


def clone(node):
    """A deep copy of a tree, much faster than copy.deepcopy for gast nodes.

    Copies the node's fields, its source position and srcdiff's own markers (`sd`,
    METHOD_FORM, KEYWORD_ONLY); it is the hottest function of the transform, so it
    reads and writes the nodes' dictionaries directly.
    """
    if isinstance(node, list):
        return [clone(n) for n in node]
    if not isinstance(node, _AST):
        return node
    return _copy(node)


def _copy(node):
    """clone of a node (`node` is one): its dictionary copied whole (fields, position,
    markers), then what it holds that is not one of those dropped (the rare case), a field
    it lacks filled (as getattr reads it), and the fields that may hold a node (`walk`'s)
    copied again, the items of their lists that are nodes directly, without clone's
    questions."""
    cls = node.__class__
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _plan(cls)
    if plan is _SHARED:
        return node   # Load, Store, Del: no field, never changed in place (shared, as ast's)
    kept, fields, walked = plan
    new = cls.__new__(cls)
    src, dst = node.__dict__, new.__dict__
    dst.update(src)
    if not kept.issuperset(src):
        for attr in [a for a in src if a not in kept]:
            del dst[attr]
    if not fields.issubset(src):
        for field in cls._fields:
            if field not in src:
                dst[field] = getattr(node, field, None)
    for field in walked:
        value = dst[field]
        if isinstance(value, list):
            dst[field] = [_copy(n) if isinstance(n, _AST) else clone(n) for n in value]
        elif isinstance(value, _AST):
            dst[field] = _copy(value)
    return new


_PLANS = {}   # node class -> _SHARED, or (the attributes a clone keeps, its fields, walk's)
_SHARED = object()


def _plan(cls):
    """What `_copy` does with a node of class `cls` (kept in _PLANS): _SHARED for the
    expression contexts; otherwise the attributes a copy keeps (the fields and
    _CLONE_EXTRAS), the fields, and the fields that may hold a node, walk's, with the
    context (a Param is copied) and a constant's value (a list in it is): the others hold
    names, numbers and flags, which the copy shares, as clone would."""
    if cls in _CONTEXTS:
        plan = _SHARED
    else:
        walked = _WALKED_FIELDS.get(cls)
        if walked is None:
            walked = _walked_fields(cls)
        plan = (frozenset(cls._fields) | frozenset(_CLONE_EXTRAS), frozenset(cls._fields),
                walked + tuple(f for f in ("ctx", "value") if f in cls._fields and
                               f not in walked))   # a gast.Param copied; S.const([...])'s list
    _PLANS[cls] = plan
    return plan


def copy_node(node, child):
    """A copy of `node` (one node, as `clone` makes it) whose children in the fields a
    transformer visits (`walk`'s) are `child(c)`, the others cloned: a substitution copies
    and rewrites a template's tree in one pass (splice.Replace.copy) instead of cloning it,
    then visiting the clone."""
    cls = node.__class__
    if cls in _CONTEXTS:
        return node
    walked = _WALKED_FIELDS.get(cls)
    if walked is None:
        walked = _walked_fields(cls)
    new = cls.__new__(cls)
    src, dst = node.__dict__, new.__dict__
    for field in cls._fields:
        value = src[field] if field in src else getattr(node, field, None)
        make = child if field in walked else _copy
        if isinstance(value, list):
            dst[field] = [make(n) if isinstance(n, _AST) else clone(n) for n in value]
        elif isinstance(value, _AST):
            dst[field] = make(value)
        else:
            dst[field] = value
    for attr in _CLONE_EXTRAS:
        if attr in src:
            dst[attr] = src[attr]
    return new


_AST = gast.AST
_CONTEXTS = (gast.Load, gast.Store, gast.Del)
dump = gast.dump
iter_child_nodes = gast.iter_child_nodes


# CPython 3.11 builds the Python objects of a parsed tree with one recursion counter per
# interpreter: two threads parsing at once can trip it ("SystemError: AST constructor
# recursion depth mismatch"). Every parse in srcdiff goes through this lock.
_PARSING = threading.RLock()


def parse_python(source, filename="<unknown>"):
    """A standard-library ast of Python source text (thread-safe)."""
    with _PARSING:
        return ast.parse(source, filename)


def _gast_parse(source):
    with _PARSING:
        tree = ast.parse(source)
    return _to_gast(tree)


def parse_module(source):
    """Parse Python source text into a gast Module."""
    return _gast_parse(source)


def parse_function(source):
    """Parse the (dedented) source of one function and return its def node."""
    module = _gast_parse(textwrap.dedent(source))
    return module.body[0]


def index_value(node):
    """An index as a value that can be passed to a helper: `1:` becomes `slice(1, None)`."""
    if isinstance(node, gast.Slice):
        parts = [node.lower, node.upper, node.step]
        while parts and parts[-1] is None and len(parts) > 2:
            parts.pop()
        return gast.Call(func=load(SLICE), args=[p if p is not None else const(None)
                                                   for p in parts], keywords=[])
    if isinstance(node, gast.Tuple):
        return gast.Tuple(elts=[index_value(e) for e in node.elts], ctx=gast.Load())
    return clone(node)


def spell(node):
    """The source text of an expression, as the user would write it (for messages)."""
    import ast
    return ast.unparse(to_python_ast(node))


def attribute_chain(node):
    """(base, attributes) of `a.b.c`: the innermost value (`a`) and ['b', 'c']."""
    parts = []
    while isinstance(node, Attribute):
        parts.append(node.attr)
        node = node.value
    return node, parts[::-1]


def called_name(func):
    """The last name of a called name or attribute path (`chain` of `itertools.chain`), ''
    for anything else."""
    if isinstance(func, Attribute):
        return func.attr
    return getattr(func, "id", "") or ""


def name(identifier, ctx=None):
    """A Name node; ctx defaults to Load. Made without gast's constructor (the stages make
    hundreds per transform); its fields are the constructor's."""
    node = _NAME.__new__(_NAME)
    fields = node.__dict__
    fields["id"] = identifier
    fields["ctx"] = ctx or gast.Load()
    fields["annotation"] = fields["type_comment"] = None
    return node


def load(identifier):
    return name(identifier, gast.Load())


def store(identifier):
    return name(identifier, gast.Store())


def const(value):
    node = _CONSTANT.__new__(_CONSTANT)
    fields = node.__dict__
    fields["value"] = value
    fields["kind"] = None
    return node


_NAME, _CONSTANT = gast.Name, gast.Constant


def function_def(name, params, body, defaults=()):
    """`def name(params): body` with plain positional parameters (names as strings);
    `defaults` are the default expressions of the last parameters."""
    args = gast.arguments(args=[gast.Name(id=p, ctx=gast.Param(), annotation=None,
                                          type_comment=None) for p in params],
                          posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                          kwarg=None, defaults=list(defaults))
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def is_atom(node):
    """Atoms are what the core language allows as operands: names and constants."""
    return isinstance(node, (gast.Name, gast.Constant))


class Substitute(NodeTransformer):
    """Replace names: each name in `subs` by a new identifier (a string) or a copy of a
    node. The one substitution: `quote` uses it, and splice.Replace extends it with the
    derivative subscripts `d[x]` of templates."""

    def __init__(self, subs):
        self.subs = subs

    def visit_Name(self, node):
        if node.id not in self.subs:
            return node
        new = self.subs[node.id]
        if isinstance(new, str):
            return gast.Name(id=new, ctx=node.ctx, annotation=None, type_comment=None)
        new = clone(new)
        if isinstance(new, gast.Name):
            new.ctx = node.ctx
        return new


_QUOTED = {}  # source -> parsed statements; quote hands out copies


def quote(source, **subs):
    """Parse statements from `source`, replacing each name in `subs`.

    A substitution value is either a string (a new identifier) or a node
    (copied in). Returns a list of statements.
    """
    parsed = _QUOTED.get(source)
    if parsed is None:
        parsed = _QUOTED[source] = _gast_parse(textwrap.dedent(source)).body
    body = clone(parsed)
    if subs:
        body = [Substitute(subs).visit(stmt) for stmt in body]
    return body


def quote_expr(source, **subs):
    """Like `quote`, for a single expression; returns the expression node."""
    (stmt,) = quote(source, **subs)
    return stmt.value


COMMENT = "__srcdiff_comment__"


def comment(text):
    """A statement the emitter turns into a `# text` line."""
    return Expr(value=Call(func=load(COMMENT), args=[const(text)], keywords=[]))


# -- placeholders (names.py's private names) made readable; moved from names.py --
def settle(nodes, bindings, walked=None):
    """Rename the placeholders in `nodes` (gast trees, changed in place) to free readable
    names, binding the builtins among them in `bindings`. `walked`, a list where given,
    receives the nodes of the trees (for a reader of them all after the renaming:
    emit.to_source)."""
    used, found = set(bindings), set()
    every = [] if walked is None else walked
    for node in nodes:
        every += _nodes(node)
    name_type = gast.Name
    for n in every:
        if n.__class__ is name_type:   # most nodes with a name (asked first, no generator)
            name = n.id
            (found if name in _PRIVATE else used).add(name)
        elif isinstance(n, _NAMING):
            for name in _identifiers(n):
                (found if name in _PRIVATE else used).add(name)
    chosen = {}
    for placeholder in sorted(found):
        base, obj = _PRIVATE[placeholder]
        name, i = base, 0
        while name in used:
            i += 1
            name = f"{base}_{i}"
        used.add(name)
        chosen[placeholder] = name
        if obj is not None:
            bindings[name] = obj
    if chosen:
        for n in every:
            if isinstance(n, gast.Name) and n.id in chosen:  # parameters are Names in gast
                n.id = chosen[n.id]
    return chosen


_NAMING = (gast.FunctionDef, gast.ClassDef, gast.alias, gast.Global)   # _identifiers' others


def _identifiers(node):
    if isinstance(node, gast.Name):
        yield node.id
    elif isinstance(node, (gast.FunctionDef, gast.ClassDef)):
        yield node.name
    elif isinstance(node, gast.alias):
        yield (node.asname or node.name).split(".")[0]
    elif isinstance(node, gast.Global):
        yield from node.names


def fresh_name(base, taken):
    """`base`, or `base_2`, `base_3`, ... where it is in `taken`: a name not in `taken`,
    added to it."""
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def renamed(stmts, names):
    """`stmts` with each name in `names` (a dict: old -> new) renamed, in place (the callers'
    own clones: a parent's __init__ inlined, a loop body copied, a map's statements); gives
    back `stmts`."""
    for stmt in stmts:
        for n in walk(stmt):
            if isinstance(n, Name) and n.id in names:
                n.id = names[n.id]
    return stmts
