"""The coverage table: what srcdiff differentiates, read from the rule registry, beside its
peers (API: called by cli.py for `--coverage` and `--rules`). Takes the rule registry and
the peers' lists; gives back `rows`, `markdown()` (docs/coverage.md) and `text()`.

One row per user-facing function (NumPy, ndarray methods, SciPy, math, builtins, operator
functions), with srcdiff's reverse rule, forward rule and second order, and whether autograd
and JAX differentiate it. `markdown()` is docs/coverage.md (regenerate it with
``python -m srcdiff --coverage -o docs/coverage.md``); `text()` is what ``python -m srcdiff
--rules`` prints. Both are deterministic: canonical dotted names, sorted, no addresses, and
none of srcdiff's own runtime helpers (they are how rules are written, not what users call).

Second order is derived from the registry, the way srcdiff composes it (forward over
reverse: hvp, hessian, grad of grad): the function has a forward rule, and every call,
operator and array method in its reverse rule's body has a forward rule or carries no
derivative. A call the table can not resolve counts as not second order.

The peers' lists are small checked-in files (srcdiff/peers/*.txt) written by
scripts/peer_coverage.py where the peer is installed.
"""
import builtins
import importlib
import importlib.util
import os
import types

import numpy

from . import rules
from . import syntax as S
from .numpy_maps import MAPPED

GROUPS = (("numpy.ndarray.", "ndarray methods and attributes"), ("numpy.", "NumPy"),
          ("scipy.", "SciPy"), ("math.", "math"), ("builtins.", "builtins"),
          ("operator.", "operators"))
PEERS = ("autograd", "jax")
PEER_TITLES = {"autograd": "autograd", "jax": "JAX"}
PEER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers")

RULE, ZERO, REFUSED, NONE = "yes", "zero", "refused", "—"
LOOP = "loop"   # a map of a function written as its loops (srcdiff/numpy_maps.py: MAPPED)


def public_name(func):
    """The dotted name a user calls `func` by ('numpy.random.normal', 'builtins.abs',
    'numpy.random.RandomState.normal'), or None for srcdiff's own helpers."""
    from .callables import canonical_path
    module = getattr(func, "__module__", None) or ""
    if module.startswith("srcdiff"):
        return None
    owner, name = getattr(func, "__self__", None), getattr(func, "__name__", None)
    if owner is not None and not isinstance(owner, types.ModuleType) and name:
        # a bound method: the module attribute that holds it (numpy.random.normal is the
        # global RandomState's method), else Class.method
        owner_module = type(owner).__module__ or ""
        parts = owner_module.split(".")
        for i in range(1, len(parts) + 1):
            mod = ".".join(parts[:i])
            try:
                found = getattr(importlib.import_module(mod), name, None)
            except Exception:  # pragma: no cover - an owner module that does not import
                continue
            if found == func:
                return f"{mod}.{name}"
        for i in range(1, len(parts) + 1):  # a method of a module-level object:
            mod = ".".join(parts[:i])        # scipy.stats.norm.logpdf
            try:
                namespace = vars(importlib.import_module(mod))
            except Exception:  # pragma: no cover
                continue
            held = sorted(k for k, v in namespace.items() if v is owner and not k.startswith("_"))
            if held:
                return f"{mod}.{held[0]}.{name}"
        cls = type(owner)
        public = _public_module(cls)
        return f"{public}.{cls.__qualname__}.{name}"
    path = canonical_path(func)
    if path is None:
        return None
    if "." not in path:
        return f"builtins.{path}"
    return _shortest(path, func)


def _shortest(path, func):
    """The shortest public module path that holds `func` (scipy.stats._stats_py.mode is
    scipy.stats.mode), else `path`."""
    parts = path.split(".")
    name = parts[-1]
    for i in range(1, len(parts) - 1):
        mod = ".".join(parts[:i])
        try:
            if getattr(importlib.import_module(mod), name, None) is func:
                return f"{mod}.{name}"
        except Exception:  # pragma: no cover - a module that does not import
            continue
    return path


def _public_module(cls):
    parts = (cls.__module__ or "").split(".")
    for i in range(1, len(parts) + 1):
        mod = ".".join(parts[:i])
        try:
            if getattr(importlib.import_module(mod), cls.__name__, None) is cls:
                return mod
        except Exception:  # pragma: no cover
            continue
    return cls.__module__


def _canonical(path):
    """A peer's name folded onto srcdiff's name for the same object (numpy.abs is
    numpy.absolute); names that do not resolve here (SciPy absent) stay as they are."""
    if path.startswith(("numpy.ndarray.", "builtins.", "operator.")):
        return path
    from .callables import _resolve_path
    obj = _resolve_path(path)
    if obj is None:
        return path
    return public_name(obj) or path


def peer_lists():
    """{peer: ({name: 'rule' | 'nondiff'}, version line)} from the checked-in files."""
    # the rule modules first: they name the objects they differentiate (callables.name_path),
    # and a peer's name is folded onto those names
    rules.load_templates(optional=True)
    out = {}
    for peer in PEERS:
        table, version = {}, ""
        path = os.path.join(PEER_DIR, f"{peer}.txt")
        if os.path.exists(path):
            with open(path) as fh:
                for line in fh:
                    line = line.rstrip("\n")
                    if line.startswith("#"):
                        version = version or line.lstrip("# ").split(":")[0]
                        continue
                    if line:
                        name, kind = line.split("\t")
                        name = _canonical(name)
                        if table.get(name) != "rule":
                            table[name] = kind
        out[peer] = (table, version)
    return out


# --- second order ----------------------------------------------------------------------

def _callees(template):
    """The objects the body of `template` calls (operators included); None for a call the
    table can not resolve."""
    from .callables import ARRAY_ATTRIBUTES, ARRAY_METHODS, SHAPE_ATTRIBUTES
    from .lower_exprs import BINOPS
    import operator
    params = set(template.signature.parameters)
    found = []

    def lookup(node):
        if isinstance(node, S.Name):
            if node.id in params:
                return _ARRAY
            if node.id in template.namespace:
                return template.namespace[node.id]
            return getattr(builtins, node.id, None)
        if isinstance(node, S.Attribute):
            base = lookup(node.value)
            if isinstance(base, types.ModuleType):
                return getattr(base, node.attr, None)
            if base is _ARRAY or base is None:
                if node.attr in SHAPE_ATTRIBUTES:
                    return _SHAPE
                return ARRAY_ATTRIBUTES.get(node.attr)
            if base is not _SHAPE:  # a method of a module-level object: scipy.stats.t.pdf
                return rules.registered(getattr(base, node.attr, None))
            return None
        if isinstance(node, S.Subscript):
            return _ARRAY
        return None

    for stmt in template.body:
        for node in S.walk(stmt):
            if isinstance(node, S.Call):
                owner = lookup(node.func.value) if isinstance(node.func, S.Attribute) else None
                if isinstance(node.func, S.Attribute) and (owner is _ARRAY or owner is None):
                    found.append(ARRAY_METHODS.get(node.func.attr, None)
                                 if node.func.attr not in SHAPE_ATTRIBUTES else _SHAPE)
                else:
                    found.append(lookup(node.func))
            elif isinstance(node, S.BinOp):
                integer = (S.BitAnd, S.BitOr, S.BitXor, S.LShift, S.RShift)  # masks
                found.append(_SHAPE if isinstance(node.op, integer) else
                             BINOPS.get(type(node.op)))
            elif isinstance(node, S.UnaryOp):
                found.append({S.USub: operator.neg, S.UAdd: operator.pos}.get(
                    type(node.op), _SHAPE))
            elif isinstance(node, S.Attribute) and isinstance(node.ctx, S.Load):
                if node.attr in ARRAY_ATTRIBUTES and not isinstance(
                        lookup(node.value), types.ModuleType):
                    found.append(ARRAY_ATTRIBUTES[node.attr])
    return found


_ARRAY, _SHAPE = object(), object()  # an array operand; a value that carries no derivative


def _rule(table, func):
    """The rule of `func` in `table` when srcdiff's templates/ wrote it (rules users or
    tests register for their own functions are not srcdiff's coverage)."""
    template = table.find(func)
    if template is None or not str(template.namespace.get("__name__", "")).startswith(
            "srcdiff.templates."):
        return None
    return template


def _differentiable_forward(func):
    if func is _SHAPE or func is _ARRAY:
        return True
    if func is None:
        return False
    if isinstance(func, type) and func in (tuple, list, dict, int, bool, slice, range, str):
        return True
    return rules.FORWARD.find(func) is not None or rules.NONDIFFERENTIABLE.find(func) is not None


def second_order(func):
    """True when forward over reverse (hvp, grad of grad) differentiates `func`."""
    template = rules.REVERSE.find(func)
    if template is None or rules.FORWARD.find(func) is None:
        return False
    return all(_differentiable_forward(c) for c in _callees(template))


# --- rows --------------------------------------------------------------------------------

def _registry():
    """{public name: function} of everything the registry lists, and the ndarray methods
    and attributes with the function each one means."""
    from .callables import ARRAY_ATTRIBUTES, ARRAY_METHODS, SHAPE_ATTRIBUTES
    rules.load_templates(optional=True)  # every optional package's rules, imported or not
    funcs = {}
    for table in (rules.REVERSE, rules.FORWARD, rules.NONDIFFERENTIABLE, rules.NOT_IMPLEMENTED):
        for func in table.functions():
            name = public_name(func)
            if name is not None and any(name.startswith(p) for p, _ in GROUPS) and (
                    table not in (rules.REVERSE, rules.FORWARD) or _rule(table, func)):
                funcs.setdefault(name, func)
    for method, func in sorted({**ARRAY_METHODS, **ARRAY_ATTRIBUTES}.items()):
        funcs.setdefault(f"numpy.ndarray.{method}", func)
    for attr in sorted(SHAPE_ATTRIBUTES):  # x.shape, x.dtype, ...: facts, no derivative
        funcs.setdefault(f"numpy.ndarray.{attr}", numpy.shape)
    return funcs


class Row:
    def __init__(self, name, func, peers):
        self.name = name
        self.group = next((title for prefix, title in GROUPS if name.startswith(prefix)),
                          "other")
        if name in MAPPED:
            self.reverse = self.forward = self.second = LOOP
        elif func is None:
            self.reverse = self.forward = self.second = NONE
        elif rules.NONDIFFERENTIABLE.find(func) is not None:
            self.reverse = self.forward = self.second = ZERO
        elif rules.NOT_IMPLEMENTED.find(func) is not None and not _rule(rules.REVERSE, func):
            self.reverse = self.forward = self.second = REFUSED
        else:
            self.reverse = RULE if _rule(rules.REVERSE, func) else NONE
            self.forward = RULE if _rule(rules.FORWARD, func) else NONE
            self.second = RULE if second_order(func) else NONE
        self.peers = {}
        for peer, (table, _) in peers.items():
            kind = table.get(name)
            self.peers[peer] = RULE if kind == "rule" else ZERO if kind == "nondiff" else NONE

    @property
    def known(self):
        return self.reverse != NONE or self.forward != NONE


def rows():
    """Every row, sorted by group then name."""
    peers = peer_lists()
    funcs = _registry()
    have_scipy = importlib.util.find_spec("scipy") is not None
    names = set(funcs) | set(MAPPED)
    for table, _ in peers.values():
        names |= {n for n in table if have_scipy or not n.startswith("scipy.")}
    order = {title: i for i, (_, title) in enumerate(GROUPS)}
    out = [Row(n, funcs.get(n), peers) for n in names]
    return sorted(out, key=lambda r: (order.get(r.group, len(order)), r.name))


def totals(table):
    known = [r for r in table if r.known]
    out = {
        "functions srcdiff knows": len(known),
        "with a reverse rule": sum(r.reverse == RULE for r in table),
        "with a forward rule": sum(r.forward == RULE for r in table),
        "to second order": sum(r.second == RULE for r in table),
        "without a derivative by nature (zero)": sum(r.reverse == ZERO for r in table),
        "refused with a hint (not implemented yet)": sum(r.reverse == REFUSED for r in table),
        "maps of a function, written as loops": sum(r.reverse == LOOP for r in table),
    }
    for peer in PEERS:
        title = PEER_TITLES[peer]
        theirs = [r for r in table if r.peers.get(peer) == RULE]
        out[f"{title} differentiates"] = len(theirs)
        out[f"{title} differentiates, srcdiff has no rule"] = sum(
            r.reverse not in (RULE, ZERO, LOOP) for r in theirs)
    return out


LEGEND = (f"`{RULE}`: a rule; `{ZERO}`: runs, its result carries no derivative by nature "
          f"(shapes, comparisons, rounding); `{REFUSED}`: srcdiff refuses it at the user's line "
          f"with what to write instead; `{LOOP}`: a map of a function, written as the loops "
          f"it means (srcdiff/numpy_maps.py), differentiated where the function is; "
          f"`{NONE}`: no rule.")


def markdown():
    """The text of docs/coverage.md."""
    table = rows()
    peers = peer_lists()
    lines = ["# What differentiates: the coverage table", "",
             "Generated from srcdiff's rule registry by `python -m srcdiff --coverage -o "
             "docs/coverage.md`; do not edit (a test checks it is current). "
             "Second order: forward over reverse (`srcdiff.hvp`, `hessian`, grad of grad) "
             "differentiates the function: it has a forward rule, and everything its reverse "
             "rule calls has one too. Peers: "
             + ", ".join(f"{PEER_TITLES[p]} ({peers[p][1] or 'no list'})" for p in PEERS)
             + ", from the lists `scripts/peer_coverage.py` writes into `srcdiff/peers/`.",
             "", LEGEND, "", "## Totals", "", "| | |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in totals(table).items()]
    lines += ["", "| group | srcdiff knows | reverse | forward | second order | "
              + " | ".join(PEER_TITLES[p] for p in PEERS) + " |",
              "|---|---:|---:|---:|---:|" + "---:|" * len(PEERS)]
    for _, title in GROUPS:
        group = [r for r in table if r.group == title]
        if not group:
            continue
        lines.append(f"| {title} | {sum(r.known for r in group)} | "
                     f"{sum(r.reverse == RULE for r in group)} | "
                     f"{sum(r.forward == RULE for r in group)} | "
                     f"{sum(r.second == RULE for r in group)} | "
                     + " | ".join(str(sum(r.peers[p] == RULE for r in group)) for p in PEERS)
                     + " |")
    if importlib.util.find_spec("scipy") is None:
        lines += ["", "(SciPy is not installed here: its rows are left out.)"]
    for _, title in GROUPS:
        group = [r for r in table if r.group == title]
        if not group:
            continue
        lines += ["", f"## {title}", "",
                  "| function | reverse | forward | second order | "
                  + " | ".join(PEER_TITLES[p] for p in PEERS) + " |",
                  "|---|---|---|---|" + "---|" * len(PEERS)]
        for r in group:
            lines.append(f"| `{r.name}` | {r.reverse} | {r.forward} | {r.second} | "
                         + " | ".join(r.peers[p] for p in PEERS) + " |")
    return "\n".join(lines) + "\n"


def text():
    """What `python -m srcdiff --rules` prints: the functions srcdiff knows, one a line."""
    table = [r for r in rows() if r.known]
    lines = [f"{k}: {v}" for k, v in totals(table).items() if "differentiates" not in k]
    lines += ["", LEGEND.replace("`", ""), ""]
    width = max(len(r.name) for r in table)
    for _, title in GROUPS:
        group = [r for r in table if r.group == title]
        if not group:
            continue
        lines += [f"{title} ({len(group)}):",
                  f"  {'function':<{width}}  reverse  forward  second-order  "
                  + "  ".join(f"{PEER_TITLES[p]:<8}" for p in PEERS).rstrip()]
        for r in group:
            status = "nondifferentiable" if r.reverse == ZERO else (
                "not_implemented" if r.reverse == REFUSED else "")
            lines.append(f"  {r.name:<{width}}  {r.reverse:<7}  {r.forward:<7}  "
                         f"{r.second:<12}  "
                         + "  ".join(f"{r.peers[p]:<8}" for p in PEERS)
                         + (f"  {status}" if status else ""))
        lines.append("")
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
