"""Idioms sessions 19 and 20 made differentiable, for the random-program tester (the `numpy`
family of tests/fuzzing/families.py; module-level code in NUMPY_HELPERS): NumPy's maps of a
function (`np.vectorize(g)(x)`, `@np.vectorize` local defs, `np.apply_along_axis`,
`np.piecewise` with functions, `np.frompyfunc`; g a lambda, a local def branching on its
argument, a module helper); records whose `__init__` calls `super().__init__(...)` or
`Base.__init__(self, ...)`, with methods calling `super().apply(t)`, a stateful method
setting `self.h`, and fields named U/S/Q/R; `zip(a, b, strict=True)` in for headers and
comprehensions; copies written into (`x.flatten()`, `B = A.copy(); v = B[:, 1:]; v *= c`)
and integer sums (`np.sum(x, dtype=int)`, no derivative, their jumps probed); named tuples'
`_replace`, `_asdict` and `_make`; `np.put`, `np.putmask`, `np.place`, `a.partition`,
`np.histogram`'s edges; and `w = u; u += x` on a local array. Branches of local defs and
data masks are probed (`near`); module-level code does not branch on data."""
from .expressions import THRESH
from .idioms import bound
from .program import Stmt, j, lit, near

NUMPY_HELPERS = '''
import collections


def soft_item(t):
    return math.tanh(t) * 0.5 + 0.1 * t * t


def row_energy(r):
    return np.sum(np.sin(r)) * 0.5 + r[0] * r[-1]


class BaseCell:
    def __init__(self, w):
        self.w = w
        self.h = 0.0

    def apply(self, t):
        return np.tanh(self.w * t)

    def step(self, t):
        self.h = 0.5 * self.h + np.sum(self.apply(t))
        return self.h


class ScaledCell(BaseCell):
    def __init__(self, w, c):
        super().__init__(w)
        self.c = c

    def apply(self, t):
        return super().apply(t) * self.c


class ShiftCell(BaseCell):
    def __init__(self, w, b):
        BaseCell.__init__(self, w)
        self.b = b

    def apply(self, t):
        return BaseCell.apply(self, t) + self.b


class Factors:
    def __init__(self, U, S):
        self.U = U
        self.S = S
        self.Q = U * 0.5
        self.R = S + 1.0

    def value(self, t):
        return self.U @ (self.S * t) + np.sum(self.Q) * self.R


Pair = collections.namedtuple("Pair", ["w", "b"])
'''

_ITEM_FNS = ["math.sin({0}) * {1}", "{0} * {0} * 0.5 + {1}", "math.tanh({0} + {1})",
             "math.exp(math.tanh({0})) * {1}"]


def _scalar_fn(gen, scope, ex, g):
    """A function of one float, bound to the name g: a lambda, a local def branching on its
    argument (probed), or the module helper; gives ([Stmt] defining it, its name)."""
    rnd = gen.rnd
    s = ex.expr("s", 1)
    form = rnd.randrange(3)
    if form == 0:
        return [Stmt(j(f"{g} = lambda t: " + rnd.choice(_ITEM_FNS).format("t", "{0}"), s))], g
    if form == 1:
        c = lit(rnd.choice(THRESH))
        body = [Stmt(blocks=[(j("if {0} > {1}:", near(lit("t"), c), c),
                              [Stmt(j("return t * {0}", s))])]),
                Stmt(lit("return math.sin(t) * 0.5"))]
        return [Stmt(blocks=[(lit(f"def {g}(t):"), body)])], g
    return [], "soft_item"


def _npmaps(gen, scope, ex, loop_depth, nest):
    """NumPy's maps of a Python function over an array's items, rows or pieces."""
    rnd = gen.rnd
    y, g = scope.fresh("y"), scope.fresh("g")
    form = rnd.randrange(6)
    if form in (0, 1):
        out, name = _scalar_fn(gen, scope, ex, g)
        shape = rnd.choice("vm")
        call = f"np.vectorize({name})({{0}})"
        if form == 1:
            call = f"np.frompyfunc({name}, 1, 1)({{0}}).astype(float)"
        out.append(Stmt(j(f"{y} = {call}", ex.expr(shape, 1))))
        return bound(scope, y, shape, out)
    if form == 2:   # a def decorated @np.vectorize, with a branch on its argument
        c = lit(rnd.choice(THRESH))
        body = [Stmt(blocks=[(j("if {0} < {1}:", near(lit("t"), c), c),
                              [Stmt(lit("return math.tanh(t) * u"))])]),
                Stmt(lit("return t * u * 0.5"))]
        out = [Stmt(lit("@np.vectorize"), keep=True),
               Stmt(blocks=[(lit(f"def {g}(t, u):"), body)]),
               Stmt(j(f"{y} = {g}({{0}}, {{1}})", ex.expr("v", 1), ex.expr("s", 1)))]
        return bound(scope, y, "v", out)
    if form == 3:   # rows or columns of a matrix to a number or a vector
        axis = rnd.choice([0, 1])
        if rnd.random() < 0.5:
            fn = rnd.choice(["row_energy", "lambda r: np.sum(np.tanh(r)) * r[0]"])
            kind = "v"
        else:
            fn = rnd.choice(["lambda r: np.tanh(r) * r[0]", "lambda r: np.cumsum(np.sin(r))"])
            kind = "m"
        out = [Stmt(j(f"{y} = np.apply_along_axis({fn}, {axis}, {{0}})", ex.expr("m", 1)))]
        return bound(scope, y, kind, out)
    if form == 4:   # pieces of a vector, a function for each (the mask's boundary probed)
        w = scope.fresh("w")
        c = lit(rnd.choice(THRESH))
        fns = rnd.choice(["[lambda t: t * t, lambda t: np.sin(t) + 0.5]",
                          "[np.tanh, lambda t: t * 0.5]", "[lambda t: np.exp(np.tanh(t)), 1.0]"])
        out = [Stmt(j(f"{w} = {{0}}", ex.expr("v", 1))),
               Stmt(j(f"{y} = np.piecewise({w}, [{{0}} < {{1}}, {w} >= {{1}}], {fns})",
                      near(lit(w), c), c))]
        scope.bind(w, "v")
        return bound(scope, y, "v", out)
    out = [Stmt(lit(f"{g} = np.vectorize(soft_item, otypes=[float])")),
           Stmt(j(f"{y} = {g}({{0}}) * {{1}}", ex.expr("v", 1), ex.expr("s", 1)))]
    return bound(scope, y, "v", out)


def _superrec(gen, scope, ex, loop_depth, nest):
    """Objects of classes whose __init__ and methods call the base class's (super() or by
    name), a stateful step setting self.h, a record of fields U, S, Q, R."""
    rnd = gen.rnd
    c, acc = scope.fresh("cell"), scope.fresh("a")
    form = rnd.randrange(4)
    make = rnd.choice(["ScaledCell({0}, {1})", "ShiftCell({0}, {1})"])
    if form == 0:
        out = [Stmt(j(f"{c} = {make}", ex.expr(rnd.choice("sv"), 1), ex.expr("s", 1))),
               Stmt(j(f"{acc} = {c}.apply({{0}})", ex.expr("v", 1)))]
        return bound(scope, acc, "v", out)
    if form == 1:   # the stateful step, in a loop
        k = scope.fresh("k")
        out = [Stmt(j(f"{c} = {make}", ex.expr("s", 1), ex.expr("s", 1))),
               Stmt(blocks=[(lit(f"for {k} in range({rnd.choice([2, 3])}):"),
                             [Stmt(j(f"{c}.step({{0}})", ex.expr("v", 1)))])]),
               Stmt(lit(f"{acc} = {c}.h * 0.5 + {c}.step({c}.w * 0.1)"))]
        return bound(scope, acc, "s", out)
    if form == 2:
        cells = scope.fresh("cells")
        out = [Stmt(j(f"{cells} = [ScaledCell({{0}}, 0.5), ShiftCell({{1}}, {{2}})]",
                      ex.expr("s", 1), ex.expr("v", 1), ex.expr("s", 1))),
               Stmt(j(f"{acc} = sum(np.sum({c}.apply({{0}})) for {c} in {cells})",
                      ex.expr("v", 1)))]
        return bound(scope, acc, "s", out)
    out = [Stmt(j(f"{c} = Factors({{0}}, {{1}})", ex.expr("m", 1), ex.expr("v", 1)))]
    if rnd.random() < 0.5:
        out.append(Stmt(j(f"{c}.S = {c}.S * {{0}}", ex.expr("s", 1))))
    out.append(Stmt(j(f"{acc} = {c}.value({{0}}) + {c}.R * np.sum({c}.U)", ex.expr("v", 1))))
    return bound(scope, acc, "v", out)


def _zipstrict(gen, scope, ex, loop_depth, nest):
    """zip(a, b, strict=True) in a for header, a generator, a list comprehension."""
    rnd = gen.rnd
    acc, a, b = scope.fresh("a"), scope.fresh("p"), scope.fresh("q")
    form = rnd.randrange(3)
    if form == 0:
        out = [Stmt(j(f"{acc} = {{0}}", ex.expr("s", 1))),
               Stmt(blocks=[(j(f"for {a}, {b} in zip({{0}}, {{1}}, strict=True):",
                               ex.expr("v", 1), ex.expr("v", 1)),
                             [Stmt(lit(f"{acc} = {acc} * 0.5 + {a} * np.sin({b})"))])])]
        return bound(scope, acc, "s", out)
    if form == 1:
        out = [Stmt(j(f"{acc} = sum({a} * np.tanh({b}) for {a}, {b} in zip({{0}}, {{1}}, "
                      f"strict=True))", ex.expr("v", 1), ex.expr("v", 1)))]
        return bound(scope, acc, "s", out)
    out = [Stmt(j(f"{acc} = np.array([np.tanh({a}) * {b} for {a}, {b} in zip({{0}}, {{1}}, "
                  f"strict=True)])", ex.expr("m", 1), ex.expr("v", 1)))]
    return bound(scope, acc, "m", out)


def _copywrite(gen, scope, ex, loop_depth, nest):
    """Copies written into: a flattened copy, a view of a parameter's copy written through,
    and sums to integers (no derivative; how close an item comes to a jump is probed)."""
    rnd = gen.rnd
    y, acc = scope.fresh("y"), scope.fresh("a")
    form = rnd.randrange(3)
    if form == 0:
        out = [Stmt(j(f"{y} = ({{0}}).flatten()", ex.expr("m", 1))),
               Stmt(j(f"{y}[{rnd.randrange(9)}] = {{0}}", ex.expr("s", 1))),
               Stmt(lit(f"{y}[:3] *= 0.5")),
               Stmt(lit(f"{acc} = np.sum(np.sin({y})) + {y}[4]"))]
        return bound(scope, acc, "s", out)
    if form == 1:
        b, v = scope.fresh("B"), scope.fresh("v")
        # a parameter's copy where f's A is in scope (not in a helper h0, h1, ...)
        src = lit("A") if scope.visible().get("A") == "m" and rnd.random() < 0.7 else \
            j("({0})", ex.expr("m", 1))
        view = rnd.choice(["[:, 1:]", "[1:, :]", "[0]", "[:, 0]"])
        out = [Stmt(j(f"{b} = {{0}}.copy()", src)), Stmt(lit(f"{v} = {b}{view}")),
               Stmt(j(f"{v} *= {{0}}", ex.expr("s", 1)))]
        if rnd.random() < 0.5:
            out.append(Stmt(j(f"{v} += {{0}}", ex.expr("s", 1))))
        scope.bind(b, "m")
        return bound(scope, b, "m", out)
    n = scope.fresh("n")
    w = scope.fresh("w")
    call = rnd.choice([f"np.sum({w}, dtype=int)", f"{w}.sum(dtype=int)",
                       f"np.cumsum({w}, dtype=int)[-1]", f"int(np.sum(np.trunc({w})))"])
    out = [Stmt(j(f"{w} = 2.0 * {{0}}", ex.expr("v", 1))),
           Stmt((f"{n} = {call}", f"{n} = {call.replace(w, f'_nearmod({w}, 1.0, 1.0)', 1)}")),
           Stmt(j(f"{acc} = np.sum(np.sin({w})) * (1.0 + 0.1 * {n})", ex.expr("v", 1)))]
    scope.bind(w, "v")
    return bound(scope, acc, "s", out)


def _namedtup(gen, scope, ex, loop_depth, nest):
    """A named tuple's _replace, _asdict and _make."""
    rnd = gen.rnd
    p, q, acc = scope.fresh("pr"), scope.fresh("pr"), scope.fresh("a")
    out = [Stmt(j(f"{p} = Pair({{0}}, {{1}})", ex.expr("v", 1), ex.expr("s", 1)))]
    form = rnd.randrange(3)
    if form == 0:
        out += [Stmt(j(f"{q} = {p}._replace(b={{0}})", ex.expr("s", 1))),
                Stmt(lit(f"{acc} = np.sum(np.tanh({q}.w)) * {q}.b + {p}.b"))]
    elif form == 1:
        d = scope.fresh("D")
        out += [Stmt(lit(f"{d} = {p}._asdict()")),
                Stmt(lit(f'{acc} = np.sum({d}["w"] * {d}["b"]) + len({d})'))]
    else:
        out += [Stmt(j(f"{q} = Pair._make([{p}.w * {{0}}, {p}.b])", ex.expr("s", 1))),
                Stmt(lit(f"{acc} = np.sum(np.sin({q}.w)) + {q}[1]"))]
    return bound(scope, acc, "s", out)


def _flatwrite(gen, scope, ex, loop_depth, nest):
    """np.put, np.putmask, np.place, a.partition into a fresh array; np.histogram's edges."""
    rnd = gen.rnd
    u, acc = scope.fresh("u"), scope.fresh("a")
    form = rnd.randrange(6)
    if form == 5:
        e = scope.fresh("edges")
        out = [Stmt(j(f"{e} = np.histogram({{0}}, bins={rnd.choice([2, 3, 4])})[1]",
                      ex.expr(rnd.choice("vm"), 1))),
               Stmt(lit(f"{acc} = np.sum({e} * {e}) + {e}[1]"))]
        return bound(scope, acc, "s", out)
    out = [Stmt(j(f"{u} = np.array({{0}})", ex.expr("v", 1)))]
    if form == 0:
        out.append(Stmt(j(f"np.put({u}, {rnd.choice(['[0, 2]', '[1]', '0'])}, {{0}})",
                          ex.expr(rnd.choice("sv"), 1))))
    elif form == 1:
        c = lit(rnd.choice(THRESH))
        out.append(Stmt(j(f"np.putmask({u}, {{0}} > {{1}}, {{2}})", near(lit(u), c), c,
                          ex.expr("v", 1))))
    elif form == 2:
        out.append(Stmt(j(f"np.place({u}, np.array([True, False, True]), {{0}})",
                          ex.expr(rnd.choice("sv"), 1))))
    elif form == 3:
        out.append(Stmt(j(f"{u}.put([2, 0], {{0}})", ex.expr("v", 1))))
    else:
        out.append(Stmt(lit(f"{u}.partition(1)")))
    out.append(Stmt(j(f"{acc} = np.sum({u} * {{0}}) + {u}[1]", ex.expr("v", 1))))
    return bound(scope, acc, "s", out)


def _aliasinc(gen, scope, ex, loop_depth, nest):
    """`w = u; u += x` on a local array: the update seen through w."""
    rnd = gen.rnd
    u, w, acc = scope.fresh("u"), scope.fresh("w"), scope.fresh("a")
    make = rnd.choice(["np.array({0})", "({0}).copy()", "np.zeros(3) + {0}"])
    op = rnd.choice(["+=", "*=", "-="])
    out = [Stmt(j(f"{u} = " + make, ex.expr("v", 1))), Stmt(lit(f"{w} = {u}")),
           Stmt(j(f"{u} {op} {{0}}", ex.expr(rnd.choice("sv"), 1))),
           Stmt(j(f"{acc} = np.sum({w} * {{0}}) + {u}[0]", ex.expr("v", 1)))]
    return bound(scope, acc, "s", out)


def _listedit(gen, scope, ex, loop_depth, nest):
    """A list's edits by position (session 21, srcdiff/list_edits.py): lst.pop(i) with a
    constant, computed or negative index, q.pop(0) in a while loop, lst.insert(i, v) (also
    negative and past the end), del lst[i] and del lst[a:b]."""
    rnd = gen.rnd
    lst, k, t, acc = scope.fresh("L"), scope.fresh("k"), scope.fresh("t"), scope.fresh("a")
    if rnd.random() < 0.3:   # a queue: every item taken from the front
        out = [Stmt(j(f"{lst} = [{{0}}, {{1}}, {{2}}]", ex.expr("s", 1), ex.expr("s", 1),
                      ex.expr("s", 1))),
               Stmt(lit(f"{acc} = 0.0")),
               Stmt(blocks=[(lit(f"while {lst}:"), [
                   Stmt(lit(f"{t} = {lst}.pop(0)")),
                   Stmt(lit(f"{acc} = {acc} * 0.5 + {t} * {t}"))])])]
        return bound(scope, acc, "s", out)
    out = [Stmt(j(f"{lst} = [{{0}}, {{1}}, {{2}}, {{3}}]", ex.expr("v", 1), ex.expr("v", 1),
                  ex.expr("v", 1), ex.expr("v", 1))),
           Stmt(lit(f"{k} = len({lst}) - {rnd.choice([2, 3, 4])}"))]
    index = rnd.choice([k, "0", "-1", "1", f"-{k} - 1"])
    out.append(Stmt(lit(f"{t} = {lst}.pop({index})")))
    form = rnd.randrange(4)
    if form == 0:
        out.append(Stmt(j(f"{lst}.insert({rnd.choice([k, '-1', '10', '0', '-7'])}, {{0}})",
                          ex.expr("v", 1))))
    elif form == 1:
        out.append(Stmt(lit(f"del {lst}[{rnd.choice([k, '-1', '0'])}]")))
    elif form == 2:
        out.append(Stmt(lit(f"del {lst}[{rnd.choice([f'{k}:', ':' + k, '1:3', '::2'])}]")))
    else:
        out.append(Stmt(j(f"{lst}.insert({k}, {t} * {{0}})", ex.expr("s", 1))))
    out.append(Stmt(lit(f"{acc} = np.sum({t} * {t}) + np.sum({lst}[0] * {t}) + len({lst})")))
    return bound(scope, acc, "s", out)


def _flatitem(gen, scope, ex, loop_depth, nest):
    """x.flat[...] read and written (session 21, srcdiff/flat_items.py) on a fresh array or
    a parameter's copy: an int (negative too), a slice, an index list, an augmented write."""
    rnd = gen.rnd
    u, acc = scope.fresh("u"), scope.fresh("a")
    make = rnd.choice(["np.array({0})", "({0}).copy()", "({0}) * 1.0"])
    out = [Stmt(j(f"{u} = " + make, ex.expr(rnd.choice("vm"), 1)))]
    for _ in range(rnd.randrange(1, 3)):
        form = rnd.randrange(4)
        if form == 0:
            out.append(Stmt(j(f"{u}.flat[{rnd.choice(['0', '1', '-1', '2'])}] = {{0}}",
                              ex.expr("s", 1))))
        elif form == 1:
            out.append(Stmt(j(f"{u}.flat[{rnd.choice(['0:2', '1:3', '::2'])}] = {{0}}",
                              ex.expr(rnd.choice("sv"), 1))))
        elif form == 2:
            out.append(Stmt(j(f"{u}.flat[[2, 0]] = {{0}}[:2]", ex.expr("v", 1))))
        else:
            out.append(Stmt(j(f"{u}.flat[{rnd.choice(['0', '-1'])}] "
                              f"{rnd.choice(['+=', '*='])} {{0}}", ex.expr("s", 1))))
    out.append(Stmt(lit(f"{acc} = np.sum(np.sin({u})) + {u}.flat[1] * {u}.flat[-1]")))
    return bound(scope, acc, "s", out)


def _gradaxes(gen, scope, ex, loop_depth, nest):
    """numpy.gradient with a spacing per axis (session 21, srcdiff/spacing_calls.py):
    numbers and coordinates, with or without axis=."""
    rnd = gen.rnd
    g0, g1, acc = scope.fresh("g"), scope.fresh("g"), scope.fresh("a")
    h = j("(0.5 + 0.1 * np.tanh({0}))", ex.expr("s", 1))
    c = rnd.choice(["np.array([0.0, 0.4, 1.1])", "np.cumsum(np.exp(np.tanh({1})))"])
    call = rnd.choice([f"np.gradient({{0}}, {{2}}, {c})", f"np.gradient({{0}}, {c}, {{2}}, "
                       f"axis=(1, 0), edge_order={rnd.choice([1, 2])})"])
    out = [Stmt(j(f"{g0}, {g1} = " + call, ex.expr("m", 1), ex.expr("v", 1), h)),
           Stmt(lit(f"{acc} = np.sum({g0} * {g1}) + np.sum({g1})"))]
    return bound(scope, acc, "s", out)


KINDS = {"npmaps": _npmaps, "superrec": _superrec, "zipstrict": _zipstrict,
         "copywrite": _copywrite, "namedtup": _namedtup, "flatwrite": _flatwrite,
         "aliasinc": _aliasinc, "listedit": _listedit, "flatitem": _flatitem,
         "gradaxes": _gradaxes}
