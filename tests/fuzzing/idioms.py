"""The idioms of issue #13 for the random-program tester (scripts/fuzz.py --idioms).

Statements that hold parameters in dicts (`.items()`, `.values()`, `.get()`, dict
comprehensions, `.update(k=v)`, `.pop(k)`), call helpers taking `*args` (with explicit and
starred arguments), pass functions as values (numpy's, the program's lambdas, module-level
helpers, a lambda reading the program's variables, a functools.partial made there) to a
helper that calls them, keep objects in a list that a loop calls a method of, and loop once
over `z = zip(a, b)` kept in a name. Constructs srcdiff
does not support yet are refused (counted as refusals), never crashes or wrong results.

The module-level code they call (IDIOM_HELPERS) goes into each program drawn with idioms.
"""
from .program import Stmt, j, lit

IDIOM_HELPERS = '''
import functools


def star_sum(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def apply_twice(g, v):
    return g(g(v) * 0.5)


class Scale:
    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return np.tanh(t * self.w + 0.1)
'''


class Raw:
    """Module-level source kept as it is (the shrinker may drop it whole)."""

    def __init__(self, text):
        self.text = text
        self.name = "idiom_helpers"
        self.body = []

    def render(self, probe):
        return self.text.strip("\n").split("\n")


KINDS = ("dict", "star", "fnval", "objects", "closure", "zipped")


def statement(gen, scope, ex, loop_depth):
    """One idiom statement (a list of Stmt), binding its result in `scope`."""
    rnd = gen.rnd
    kind = rnd.choice(KINDS)
    return globals()["_" + kind](gen, scope, ex, loop_depth)


def _dict(gen, scope, ex, loop_depth):
    rnd = gen.rnd
    d, acc = scope.fresh("D"), scope.fresh("a")
    out = [Stmt(j(f'{d} = {{{{"w": {{0}}, "b": {{1}}}}}}', ex.expr("v", 1), ex.expr("s", 1)))]
    k, v = scope.fresh("k"), scope.fresh("v")
    form = rnd.randrange(6)
    if form == 4:
        out.append(Stmt(j(f"{d}.update(w={{0}})", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = np.sum({d}[\"w\"]) * {d}[\"b\"]")))
    elif form == 5:
        out.append(Stmt(lit(f"{v} = {d}.pop(\"w\")")))
        out.append(Stmt(lit(f"{acc} = np.sum(np.sin({v})) + {d}[\"b\"] * len({d})")))
    elif form == 0:
        out.append(Stmt(lit(f"{acc} = 0.0")))
        out.append(Stmt(blocks=[(lit(f"for {k}, {v} in {d}.items():"),
                                 [Stmt(lit(f"{acc} = {acc} + np.sum({v} * {v}) * 0.5"))])]))
    elif form == 1:
        out.append(Stmt(lit(f"{acc} = sum(np.sum(np.sin({v})) for {v} in {d}.values())")))
    elif form == 2:
        out.append(Stmt(lit(f"{acc} = np.sum({d}.get(\"w\") * {d}[\"b\"])")))
    else:
        d2 = scope.fresh("D")
        out.append(Stmt(lit(f"{d2} = {{{k}: np.tanh({v}) for {k}, {v} in {d}.items()}}")))
        out.append(Stmt(lit(f"{acc} = np.sum({d2}[\"w\"]) + {d2}[\"b\"]")))
    scope.bind(acc, "s")
    return out


def _star(gen, scope, ex, loop_depth):
    rnd = gen.rnd
    acc = scope.fresh("a")
    if rnd.random() < 0.5:
        stmt = Stmt(j(f"{acc} = star_sum({{0}}, {{1}}, {{2}})", ex.expr("s", 1),
                      ex.expr("v", 1), ex.expr(rnd.choice("svm"), 1)))
    else:
        items = scope.fresh("L")
        return [Stmt(j(f"{items} = [{{0}}, {{1}}]", ex.expr("v", 1), ex.expr("v", 1))),
                _bound(scope, acc, j(f"{acc} = star_sum({{0}}, *{items})", ex.expr("s", 1)))]
    return [_bound(scope, acc, stmt)]


def _bound(scope, name, text):
    scope.bind(name, "s")
    return text if isinstance(text, Stmt) else Stmt(text)


def _fnval(gen, scope, ex, loop_depth):
    rnd = gen.rnd
    acc = scope.fresh("a")
    choices = ["np.sin", "np.tanh"] + scope.lambdas() + [
        h[0] for h in gen.helpers if h[1] == ["v"] and h[2] == "v" and h[3] != "rec"]
    func = rnd.choice(choices)
    scope.bind(acc, "v")
    return [Stmt(j(f"{acc} = apply_twice({func}, {{0}})", ex.expr("v", 1)))]


def _objects(gen, scope, ex, loop_depth):
    layers, h, layer = scope.fresh("layers"), scope.fresh("a"), scope.fresh("layer")
    out = [Stmt(j(f"{layers} = [Scale({{0}}), Scale({{1}})]", ex.expr("s", 1),
                  ex.expr("s", 1))),
           Stmt(j(f"{h} = {{0}}", ex.expr("v", 1))),
           Stmt(blocks=[(lit(f"for {layer} in {layers}:"),
                         [Stmt(lit(f"{h} = {layer}.forward({h})"))])])]
    scope.bind(h, "v")
    return out


def _closure(gen, scope, ex, loop_depth):
    """A lambda reading a variable of the program, or a partial made of one, passed to a
    helper that calls it."""
    rnd = gen.rnd
    c, acc = scope.fresh("c"), scope.fresh("a")
    out = [Stmt(j(f"{c} = {{0}}", ex.expr("s", 1)))]
    if rnd.random() < 0.5:
        out.append(Stmt(j(f"{acc} = apply_twice(lambda t: np.tanh(t * {c}), {{0}})",
                          ex.expr("v", 1))))
    else:
        g = scope.fresh("g")
        out.append(Stmt(lit(f"{g} = functools.partial(np.multiply, {c})")))
        out.append(Stmt(j(f"{acc} = apply_twice({g}, {{0}})", ex.expr("v", 1))))
    scope.bind(c, "s")
    scope.bind(acc, "v")
    return out


def _zipped(gen, scope, ex, loop_depth):
    """z = zip(a, b) kept in a name, then looped over once."""
    z, acc, p, q = scope.fresh("z"), scope.fresh("a"), scope.fresh("p"), scope.fresh("q")
    out = [Stmt(j(f"{z} = zip({{0}}, {{1}})", ex.expr("v", 1), ex.expr("v", 1))),
           Stmt(lit(f"{acc} = 0.0")),
           Stmt(blocks=[(lit(f"for {p}, {q} in {z}:"),
                         [Stmt(lit(f"{acc} = {acc} + {p} * np.cos({q})"))])])]
    scope.bind(acc, "s")
    return out
