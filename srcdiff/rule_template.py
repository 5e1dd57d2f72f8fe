"""A rule's template parsed and checked: the body spliced into emitted code (leaf: called by
rules.py when a rule is built, splice.py when it is spliced, rule_forms.py and
compose_calls.py; imports syntax, rule_source and rule_trees). Takes a rule's def (or the source text of one), the
function it differentiates and the namespace its free names come from; gives back a
`Template`, or raises a RuleError at the rule's own line.

A `Template` holds the rule's result and parameter names, signature, body statements (module
aliases written out: `np.exp` is `numpy.exp` in emitted code) and free names; the RuleError
comes where the body assigns or reads a derivative its mode does not allow, or uses a name
its module does not define. `is_d`, `d_targets`, `d_reads` read the `d[x]` of a body.

`d` names the derivative map in a rule, so a parameter the function itself names `d`
(scipy.linalg.eigh_tridiagonal(d, e)) is written `d_` in its rule (`d[d_]` its derivative):
`bind` gives a call's keyword `d=` to it, and a rule naming a parameter `d` is refused.
"""
import inspect
import linecache
import sys
import textwrap
import types

from . import rule_source, rule_trees
from . import syntax as S


class Template:
    """A parsed rule: parameter names, signature, body statements, free names."""

    def __init__(self, mode, func, body, signature, namespace, origin, location=None):
        # (file, line of the body's first line) of a def, or None; or a function giving it
        # (read only for an error: inspect.getsourcefile was a tenth of a rule's build)
        self._location = location
        self.mode = mode
        self.func = func
        self.body = body
        self.signature = signature
        params = list(signature.parameters)
        self.result = params[0]
        self.params = params[1:]
        self.namespace = namespace
        self.origin = origin
        if "d" in params:
            raise self._error(body[0] if body else None, f"the rule {origin} names a "
                              "parameter d, which its body reads as the derivative map",
                              "name it d_ (a call's keyword d= binds to d_)")
        self.free = free_names(body, set(params) | {"d"})
        missing = [n for n in self.free if n not in namespace and n not in _BUILTIN_NAMES]
        if missing:
            at = next((stmt for stmt in body for n in S.walk(stmt)
                       if isinstance(n, S.Name) and n.id in missing), None)
            raise self._error(at, f"the rule {origin} uses names its module does not "
                                  f"define: {', '.join(missing)}",
                              "import them in the rule's module (a rule's names are looked "
                              "up there), or pass them as the function's parameters")
        self._unalias_modules()
        self._check()

    @property
    def location(self):
        if callable(self._location):
            self._location = self._location()
        return self._location

    def _unalias_modules(self):
        """`np.exp` in a rule becomes `numpy.exp`: emitted code names modules by their
        own names, never by the rule author's import aliases."""
        renames = {}
        for name in self.free:
            module = self.namespace.get(name)
            if not isinstance(module, types.ModuleType) or module.__name__ == name:
                continue
            root = module.__name__.split(".")[0]
            if sys.modules.get(root) is None or self.namespace.get(root, sys.modules[root]) \
                    is not sys.modules[root] or name in ("d", root):
                continue  # the module's own name means something else here: keep the alias
            renames[name] = module.__name__
        if not renames:
            return
        self.namespace = dict(self.namespace)
        for name, path in renames.items():
            root = path.split(".")[0]
            self.namespace[root] = sys.modules[root]
            self.body = [_Unalias(name, path).visit(stmt) for stmt in self.body]
        self.free = free_names(self.body, set(self.signature.parameters) | {"d"})

    _SHAPE = {"reverse": "a reverse rule adds to d[argument] for each argument, reading "
                         "d[result] (its first parameter)",
              "forward": "a forward rule assigns d[result] (its first parameter), reading "
                         "d[argument]"}

    def _check(self):
        for stmt in self.body:
            for target in d_targets(stmt):
                ok = self.params if self.mode == "reverse" else [self.result]
                if target not in ok:
                    raise self._error(stmt, f"d[{target}] can not be assigned in the "
                                            f"{self.mode} rule {self.origin}",
                                      self._SHAPE[self.mode])
            for read in d_reads(stmt):
                ok = [self.result] if self.mode == "reverse" else self.params
                if read not in ok:
                    raise self._error(stmt, f"d[{read}] can not be read in the "
                                            f"{self.mode} rule {self.origin}",
                                      self._SHAPE[self.mode])

    def _error(self, stmt, reason, hint):
        """A RuleError at `stmt`'s line of the rule's file, where the rule is a def."""
        from .errors import RuleError
        if self.location is None or stmt is None or getattr(stmt, "lineno", None) is None:
            return RuleError(reason, hint=hint)
        import linecache
        filename, first = self.location
        lineno = first + stmt.lineno - 1
        return RuleError(reason, hint=hint, filename=filename, lineno=lineno,
                         line=linecache.getline(filename, lineno) or None)

    def bind(self, result, args, keywords):
        """Map template parameters to call operands (gast atoms); a keyword `d` goes to
        the parameter `d_` (the module docstring)."""
        if "d" in keywords and "d_" in self.signature.parameters:
            keywords = {("d_" if k == "d" else k): v for k, v in keywords.items()}
        plain = self.__dict__.get("_plain")
        if plain is None:
            plain = self._plain = _plain_parameters(self.signature)
        if plain:   # what signature.bind gives, without its general machinery
            mapping = _bind_plain(plain, result, args, keywords)
            if mapping is not None:
                return mapping
        bound = self.signature.bind(result, *args, **keywords)
        mapping = {}
        for pname, param in self.signature.parameters.items():
            if pname in bound.arguments:
                mapping[pname] = bound.arguments[pname]
            else:
                mapping[pname] = S.const(param.default)
        return mapping


def _plain_parameters(signature):
    """(the names taken by position, every name in order, {name: default or _REQUIRED}) of a
    signature whose parameters are all positional-or-keyword or keyword-only (most rules'),
    else () (Template.bind then asks the signature itself)."""
    positional, defaults = [], {}
    for name, param in signature.parameters.items():
        if param.kind is param.POSITIONAL_OR_KEYWORD and len(positional) == len(defaults):
            positional.append(name)
        elif param.kind is not param.KEYWORD_ONLY:
            return ()
        defaults[name] = _REQUIRED if param.default is param.empty else param.default
    return tuple(positional), tuple(defaults), defaults


_REQUIRED = object()


def _bind_plain(plain, result, args, keywords):
    """signature.bind's mapping for a plain signature (_plain_parameters), a default where
    nothing is passed; None for any call it would refuse (the signature then says why)."""
    positional, names, defaults = plain
    if len(args) >= len(positional):
        return None
    given = dict(zip(positional, (result, *args)))
    for name, value in keywords.items():
        if name in given or name not in defaults:
            return None
        given[name] = value
    mapping = {}
    for name in names:
        if name in given:
            mapping[name] = given[name]
        elif defaults[name] is _REQUIRED:
            return None
        else:
            mapping[name] = S.const(defaults[name])
    return mapping


class _Unalias(S.NodeTransformer):
    def __init__(self, alias, path):
        self.alias = alias
        self.path = path

    def visit_Name(self, node):
        if node.id != self.alias:
            return node
        parts = self.path.split(".")
        new = S.Name(id=parts[0], ctx=S.Load(), annotation=None, type_comment=None)
        for attr in parts[1:]:
            new = S.Attribute(value=new, attr=attr, ctx=S.Load())
        return new


_BUILTIN_NAMES = set(dir(__import__("builtins")))


def is_d(node):
    return (isinstance(node, S.Subscript) and isinstance(node.value, S.Name)
            and node.value.id == "d" and isinstance(node.slice, S.Name))


def d_targets(stmt):
    if isinstance(stmt, S.Assign):
        return [t.slice.id for t in stmt.targets if is_d(t)]
    return []


def d_reads(stmt):
    nodes = [stmt.value] if isinstance(stmt, S.Assign) else [stmt]
    return [n.slice.id for root in nodes for n in S.nodes(root) if is_d(n)]


def free_names(body, bound):
    """The names `body` reads and neither binds nor finds in `bound`, in the order of their
    first read (one walk of each statement)."""
    names = [n for stmt in body for n in S.nodes(stmt) if isinstance(n, S.Name)]
    assigned = {n.id for n in names if isinstance(n.ctx, S.Store)}
    free = []
    for n in names:
        if isinstance(n.ctx, S.Load) and n.id not in bound and n.id not in assigned \
                and n.id not in free:
            free.append(n.id)
    return free


def parse_template(fn):
    """The body of rule def `fn`, from its file's lines (rule_source: no tokenizing; the cut
    parsed once, its tree compiled for the check and converted; the tree kept on disk for
    the next process, rule_trees) or, where that cut does not give its exact source, from
    inspect.getsource."""
    code = fn.__code__
    text = rule_source.def_cut(code, linecache.getlines(code.co_filename))
    if text is not None:
        kept = rule_trees.tree("def", text, code)   # parsed and checked by an earlier process
        if kept is not None:
            return _body_of(kept, fn.__qualname__)
        try:
            tree = S.parse_python(text)
        except (SyntaxError, ValueError):
            tree = None
        if tree is not None and len(tree.body) == 1 and rule_source.same_code(tree, code):
            node = S.ast_to_gast(tree.body[0])
            rule_trees.keep("def", text, code, node)
            return _body_of(node, fn.__qualname__)
    text = textwrap.dedent(inspect.getsource(fn))
    return parse_template_text(text, fn.__qualname__)


def parse_template_text(source, name="from_source"):
    return _body_of(S.parse_function(source), name)


def _body_of(node, name):
    """A rule def's statements, its docstring left out."""
    while not isinstance(node, S.FunctionDef):  # pragma: no cover
        raise SyntaxError(f"template {name} must be a def")
    body = node.body
    if body and isinstance(body[0], S.Expr) and isinstance(body[0].value, S.Constant):
        body = body[1:]
    return body


def location_of(fn):
    """(file, line) where the source inspect.getsource gives for `fn` starts, or None."""
    try:
        return inspect.getsourcefile(fn), fn.__code__.co_firstlineno
    except (TypeError, AttributeError):
        return None
