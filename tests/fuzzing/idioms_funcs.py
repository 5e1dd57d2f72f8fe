"""Issue #13's function idioms that round 1 made differentiable, for the random-program
tester (the `funcs` family of tests/fuzzing/families.py; module-level code in FUNC_HELPERS):
`functools.partial` called where it is made (with a starred display too) and partials of
partials; `map` over a bound method of an object (`list(map(layer.forward, xs))` for each
layer of a list), lambdas calling each object's method, objects zipped with their inputs,
`sorted`/`max`/`min` keyed by a bound method (the probe records how close two keys come); a helper
picking a function from a module-level dict by a key its caller passes (`act(x, "sin")`);
callable objects (with `__call__`) held in module-level dicts, lists and tuples; a generator
passed to an object's method that takes each item once; starred targets of for headers and
comprehensions (`for a, *rest in pairs`); `divmod`, `np.divmod`, `//` and `//=`, their
dividends kept away from multiples of the divisor (the probe records how close they come,
as for `%`); nested defs rebinding a nonlocal accumulator, calling themselves, taking
**kwargs and *args (session 21). User vector spaces are out of scope."""
from .idioms import bound, inner
from .program import Stmt, j, lit

FUNC_HELPERS = '''
from functools import partial


def wave(t, a=1.0, b=2.0):
    return np.sin(a * t) * b


def mix3(a, b, t):
    return a * np.sin(b * t)


class Unit:
    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return np.tanh(self.w * t + 0.1)

    def score(self, t):
        return float(np.sum(np.tanh(self.w * t)))


class Affine:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def apply(self, t):
        return 0.5 * self.w * t + self.b


ACTS = {"tanh": np.tanh, "sin": np.sin, "soft": lambda v: np.log1p(np.exp(v))}
KIND = "sin"


def act(t, kind="tanh"):
    return ACTS[kind](t)


def act_named(t, kind):
    return ACTS[kind](t)


def layer_act(t, w, kind="tanh"):
    return act(w * t, kind)


class Scaler:
    def __init__(self, c):
        self.c = c

    def __call__(self, v):
        return self.c * np.sin(v)


class Poly:
    def __call__(self, v):
        return 0.5 * v * v + v


FNS = {"scale": Scaler(1.5), "poly": Poly()}
FNLIST = [Scaler(0.5), Poly()]
FNTUP = (Poly(), Scaler(-0.8))


def apply_fn(t, kind="scale"):
    return FNS[kind](t)


class Accumulator:
    def __init__(self, scale):
        self.scale = scale
        self.total = 0.0

    def consume(self, items):
        for item in items:
            self.total = self.total + self.scale * np.sum(item)
        return self.total


class Summer:
    def total(self, items):
        return sum(np.sum(v * v) for v in items)

    @staticmethod
    def product(items):
        out = 1.0
        for v in items:
            out = out * np.tanh(np.sum(v))
        return out


def items_of(t, c):
    for i in range(3):
        yield t * c + 0.1 * i
'''


def _partials(gen, scope, ex, loop_depth, nest):
    """functools.partial called where it is made, a partial of a partial (named, called
    directly, of a named partial, with keywords overridden), map over one."""
    rnd = gen.rnd
    acc, h = scope.fresh("a"), scope.fresh("g")
    pname = rnd.choice(["functools.partial", "partial"])
    v, c = ex.expr("v", 1), ex.expr("s", 1)
    form = rnd.randrange(8)
    if form == 7:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = {pname}(wave, a=1.5)(*[{{0}}], b={{1}})",
                                              v, ex.expr(rnd.choice("sv"), 1)))])
    if form == 0:
        kw = rnd.choice(["a", "b"])
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = {pname}(wave, {kw}={{1}})({{0}})",
                                              v, ex.squash(c)))])
    if form == 1:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = {pname}(mix3, {{1}}, 0.5)({{0}})",
                                              v, c))])
    if form == 2:
        return bound(scope, acc, "v", [
            Stmt(j(f"{h} = {pname}({pname}(mix3, {{0}}), 0.5)", c)),
            Stmt(j(f"{acc} = {h}({{0}}) * {h}({{1}})", v, ex.expr("v", 1)))])
    if form == 3:
        return bound(scope, acc, "v", [Stmt(j(
            f"{acc} = {pname}({pname}(mix3, {{1}}), 0.5)({{0}})", v, ex.expr("v", 1)))])
    if form == 4:
        g2 = scope.fresh("g")
        return bound(scope, acc, "v", [
            Stmt(j(f"{h} = {pname}(wave, b={{0}})", ex.expr(rnd.choice("sv"), 1))),
            Stmt(lit(f"{g2} = {pname}({h}, a=0.7)")),
            Stmt(j(f"{acc} = {g2}({{0}}) + {g2}({{1}}, a=1.1)", v, ex.expr("v", 1)))])
    if form == 5:
        k = scope.fresh("k")
        out = [Stmt(j(f"{h} = {pname}(wave, a=1.0, b={{0}})", ex.expr("v", 1))),
               Stmt(lit(f"{acc} = 0.0"))]
        scope.bind(acc, "v")
        scope.push()
        scope.bind(k, "idx")
        body = [Stmt(j(f"{acc} = {acc} + {h}({{0}}, a=0.5 * {k})", v))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {k} in range({rnd.choice([2, 3])}):"), body)]))
        return bound(scope, acc, "v", out)
    ys = scope.fresh("ys")
    return bound(scope, acc, "v", [
        Stmt(j(f"{ys} = list(map({pname}({pname}(mix3, {{0}}), 0.5), [{{1}}, {{2}}]))",
               ex.expr("v", 1), v, ex.expr("v", 1))),
        Stmt(lit(f"{acc} = {ys}[0] * {ys}[1]"))])


def _mapmethod(gen, scope, ex, loop_depth, nest):
    """map over a bound method: of each object of a list in a loop, of a local object
    (list(), [*map(...)], consumed by sum of a generator), of a parameter-free lambda."""
    rnd = gen.rnd
    acc, h, ys = scope.fresh("a"), scope.fresh("hd"), scope.fresh("ys")
    out = [Stmt(j(f"{h} = {{0}}", ex.expr("v", 1)))]
    scope.bind(h, "v")
    form = rnd.randrange(8)
    if form == 0:
        layers, layer = scope.fresh("layers"), scope.fresh("layer")
        out.append(Stmt(j(f"{layers} = [Unit({{0}}), Unit({{1}})]", ex.expr("s", 1),
                          ex.expr(rnd.choice("sv"), 1))))
        scope.push()
        body = [Stmt(lit(f"{ys} = list(map({layer}.forward, [{h}, np.sin({h})]))")),
                Stmt(lit(f"{h} = 0.5 * {ys}[0] + 0.25 * {ys}[1]"))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {layer} in {layers}:"), body)]))
        return bound(scope, h, "v", out)
    obj = scope.fresh("u")
    if form == 1:
        out.append(Stmt(j(f"{obj} = Unit({{0}})", ex.expr(rnd.choice("sv"), 1))))
        out.append(Stmt(j(f"{ys} = [*map({obj}.forward, [{h}, {{0}}])]", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = {ys}[0] * {ys}[1]")))
        return bound(scope, acc, "v", out)
    if form == 2:
        out.append(Stmt(j(f"{obj} = Affine({{0}}, {{1}})", ex.expr(rnd.choice("sv"), 1),
                          ex.expr("s", 1))))
        out.append(Stmt(j(f"{acc} = sum(np.sum(np.tanh(w_)) for w_ in map({obj}.apply, "
                          f"[{h}, {{0}}]))", ex.expr("v", 1))))
        return bound(scope, acc, "s", out)
    if form == 3:
        out.append(Stmt(j(f"{obj} = Unit({{0}})", ex.expr("s", 1))))
        out.append(Stmt(j(f"{acc} = np.stack(list(map({obj}.forward, [{h}, {{0}}, {{1}}])))",
                          ex.expr("v", 1), ex.expr("v", 1))))
        return bound(scope, acc, "m", out)
    if form == 5:   # keyed by a bound method; the probe records how close two keys come
        out.append(Stmt(j(f"{obj} = Unit({{0}})", ex.expr(rnd.choice("sv"), 1))))
        fn = rnd.choice(["max", "min", "sorted"])
        items = j(f"[{h}, {{0}}, {{1}}]", ex.expr("v", 1), ex.expr("v", 1))
        pick = "" if fn != "sorted" else "[0]"
        out.append(Stmt((f"{acc} = {fn}({items[0]}, key={obj}.score){pick}",
                         f"{acc} = {fn}(_keyed({items[1]}, {obj}.score), key={obj}.score)"
                         f"{pick}")))
        return bound(scope, acc, "v", out)
    layers = scope.fresh("layers")
    out.append(Stmt(j(f"{layers} = [Unit({{0}}), Unit({{1}})]", ex.expr("s", 1),
                      ex.expr("s", 1))))
    if form == 6:
        ins, layer, v_ = scope.fresh("ins"), scope.fresh("layer"), scope.fresh("e")
        out.append(Stmt(j(f"{ins} = [{h}, {{0}}]", ex.expr("v", 1))))
        if rnd.random() < 0.5:
            out.append(Stmt(lit(f"{acc} = sum(np.sum(o_) for o_ in map(lambda l_, {v_}: "
                                f"l_.forward({v_}) * {v_}, {layers}, {ins}))")))
            return bound(scope, acc, "s", out)
        out.append(Stmt(lit(f"{acc} = 0.0")))
        out.append(Stmt(blocks=[(lit(f"for {layer}, {v_} in zip({layers}, {ins}):"), [
            Stmt(lit(f"{acc} = {acc} + np.sum({layer}.forward({v_}) * {v_})"))])]))
        return bound(scope, acc, "s", out)
    out.append(Stmt(lit(f"{ys} = list(map(lambda l_: l_.forward({h}), {layers}))")))
    out.append(Stmt(lit(f"{acc} = {ys}[0] * {ys}[-1]")))
    return bound(scope, acc, "v", out)


def _dispatch(gen, scope, ex, loop_depth, nest):
    """A helper picking a function from the module-level ACTS by a key its caller passes:
    positional, keyword, a module constant, a local bound once, through two helpers, the
    default; now and then a key known only where it runs (a loop's), which srcdiff refuses."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    key = rnd.choice(['"tanh"', '"sin"', '"soft"'])
    v = ex.expr("v", 1)
    form = rnd.randrange(7)
    if form == 0:
        text = j(f"{acc} = act({{0}}, {key}) + act({{1}})", v, ex.expr("v", 1))
    elif form == 1:
        text = j(f"{acc} = act({{0}}, kind={key}) * act_named({{1}}, {key})", v,
                 ex.expr("v", 1))
    elif form == 2:
        text = j(f"{acc} = act({{0}}, kind=KIND)", v)
    elif form == 3:
        k = scope.fresh("kd")
        return bound(scope, acc, "v", [Stmt(lit(f"{k} = {key}")),
                                       Stmt(j(f"{acc} = act({{0}}, kind={k})", v))])
    elif form == 4:
        text = j(f"{acc} = layer_act({{0}}, {{1}}, {key}) + layer_act({{0}}, 0.5)", v,
                 ex.expr(rnd.choice("sv"), 1))
    elif form == 5:
        text = j(f"{acc} = act_named({{0}}, kind={key})", v)
    else:
        kd = scope.fresh("kd")
        out = [Stmt(j(f"{acc} = {{0}}", v))]
        out.append(Stmt(blocks=[(lit(f'for {kd} in ("sin", "tanh"):'), [
            Stmt(lit(f"{acc} = act({acc}, {kd}) * 0.9"))])]))
        return bound(scope, acc, "v", out)
    return bound(scope, acc, "v", [Stmt(text)])


def _callobj(gen, scope, ex, loop_depth, nest):
    """Callable objects of module-level dicts, lists and tuples called through them: by a
    constant key or index, bound to a name, in loops over values, items, enumerate, and
    picked by a key passed to a helper."""
    rnd = gen.rnd
    acc, fn = scope.fresh("a"), scope.fresh("fn")
    v, w = ex.expr("v", 1), ex.expr("v", 1)
    form = rnd.randrange(9)
    if form == 0:
        return bound(scope, acc, "v", [Stmt(j(
            f'{acc} = FNS["scale"]({{0}}) * {{1}} + FNS["poly"]({{1}})', v, ex.squash(w)))])
    if form == 1:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = FNLIST[0]({{0}}) * FNLIST[-1]({{1}}) + "
                                              f"FNTUP[1]({{0}})", v, ex.squash(w)))])
    if form == 2:
        key = rnd.choice(['"scale"', '"poly"'])
        return bound(scope, acc, "v", [Stmt(lit(f"{fn} = FNS[{key}]")),
                                       Stmt(j(f"{acc} = {fn}({{0}}) * {fn}({{1}})", v,
                                              ex.squash(w)))])
    if form == 3:
        key = rnd.choice(['"poly"', ""])
        sep = ", " if key else ""
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = apply_fn({{0}}{sep}{key}) + "
                                              f'apply_fn({{1}}, kind="scale")', v, w))])
    if form == 7:
        k = scope.fresh("k")
        return bound(scope, acc, "s", [
            Stmt(j(f"{fn} = {{{{{k}: np.sum(f_({{0}})) for {k}, f_ in FNS.items()}}}}",
                   ex.squash(v))),
            Stmt(lit(f'{acc} = {fn}["scale"] + 0.5 * {fn}["poly"]'))])
    t = scope.fresh("t")
    out = [Stmt(j(f"{t} = {{0}}", ex.squash(v)))]
    scope.bind(t, "v")
    i = scope.fresh("i")
    if form == 4:
        head, step = f"for {fn} in FNLIST:", f"{t} = 0.5 * {fn}({t}) + 0.1"
    elif form == 5:
        head, step = f"for {fn} in FNS.values():", f"{t} = np.tanh({fn}({t}))"
    elif form == 8:
        head = f"for {i}, {fn} in FNS.items():"
        step = f"{t} = 0.5 * {t} + 0.25 * np.tanh({fn}({t})) * len({i})"
    else:
        head = f"for {i}, {fn} in enumerate({rnd.choice(['FNLIST', 'FNTUP'])}):"
        step = f"{t} = 0.5 * {t} + 0.2 * ({i} + 1) * np.tanh({fn}({t}))"
    scope.push()
    if form == 6:
        scope.bind(i, "idx")
    body = [Stmt(lit(step))] + inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(lit(head), body)]))
    return bound(scope, t, "v", out)


def _genmethod(gen, scope, ex, loop_depth, nest):
    """A generator (an expression, a generator function's call) passed to a method of an
    object of a known class that takes each item once."""
    rnd = gen.rnd
    acc, obj, v_ = scope.fresh("a"), scope.fresh("acc"), scope.fresh("e")
    c = ex.expr("s", 1)
    items = j("[{0}, {1}]" if rnd.random() < 0.5 else "({0}, {1})", ex.expr("v", 1),
              ex.expr("v", 1))
    form = rnd.randrange(6)
    if form == 5:
        return bound(scope, acc, "s", [Stmt(j(
            f"{acc} = Summer.product(np.sin({v_}) * {{1}} for {v_} in {{0}})", items,
            ex.squash(c)))])
    if form == 0:
        return bound(scope, acc, "s", [
            Stmt(j(f"{obj} = Accumulator({{0}})", ex.squash(c))),
            Stmt(j(f"{acc} = {obj}.consume({v_} * {{1}} for {v_} in {{0}})", items,
                   ex.expr(rnd.choice("sv"), 1)))])
    if form == 1:
        return bound(scope, acc, "s", [
            Stmt(lit(f"{obj} = Accumulator(0.5)")),
            Stmt(j(f"{acc} = {obj}.consume(items_of({{0}}, {{1}}))", ex.expr("v", 1), c))])
    if form == 2:
        return bound(scope, acc, "s", [Stmt(j(
            f"{acc} = Summer().total(np.sin({v_}) * {{1}} for {v_} in {{0}})", items, c))])
    if form == 3:
        return bound(scope, acc, "s", [
            Stmt(lit(f"{obj} = Summer()")),
            Stmt(j(f"{acc} = {obj}.product(np.cos({v_}) + {{1}} for {v_} in {{0}})", items,
                   ex.squash(c)))])
    return bound(scope, acc, "s", [
        Stmt(j(f"{obj} = Accumulator({{0}})", ex.squash(c))),
        Stmt(j(f"{acc} = {obj}.consume(np.tanh({v_}) for {v_} in {{0}}) + "
               f"{obj}.total * 0.5", items))])


def _starfor(gen, scope, ex, loop_depth, nest):
    """Starred targets: for a, *rest in pairs (with random statements in its body), in
    generator, list and dict comprehensions, *init, last, and over an array's rows."""
    rnd = gen.rnd
    acc, p, a, rest = scope.fresh("a"), scope.fresh("pairs"), scope.fresh("p"), scope.fresh("r")
    shape = rnd.choice("sv")
    row = [ex.expr(shape, 1) for _ in range(3)]
    row2 = [ex.expr(shape, 1) for _ in range(3)]
    pairs = j(f"{p} = [({{0}}, {{1}}, {{2}}), ({{3}}, {{4}}, {{5}})]", *row, *row2)
    form = rnd.randrange(6)
    if form == 0:
        out = [Stmt(pairs), Stmt(lit(f"{acc} = 0.0"))]
        scope.bind(acc, "s")
        scope.push()
        scope.bind(a, shape)
        body = [Stmt(lit(f"{acc} = {acc} + np.sum({a} * {rest}[0] + {rest}[-1])"))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {a}, *{rest} in {p}:"), body)]))
        return bound(scope, acc, "s", out)
    if form == 1:
        return bound(scope, acc, "s", [Stmt(pairs), Stmt(lit(
            f"{acc} = np.sum(sum({a} * len({rest}) * {rest}[1] for {a}, *{rest} in {p}))"))])
    if form == 2:
        m, lst = scope.fresh("mid"), scope.fresh("z")
        return bound(scope, acc, "s", [
            Stmt(j(f"{p} = [({{0}}, {{1}}, {{2}}, {{0}}), ({{3}}, {{4}}, {{5}}, {{3}})]",
                   *row, *row2)),
            Stmt(lit(f"{acc} = np.sum([{a} * {lst} * np.sum({m}[0]) "
                     f"for {a}, *{m}, {lst} in {p}])"))])
    if form == 3:
        d, k = scope.fresh("D"), scope.fresh("k")
        return bound(scope, acc, "s", [
            Stmt(j(f'{p} = [("a", {{0}}, {{1}}), ("b", {{2}}, {{3}})]', *row[:2], *row2[:2])),
            Stmt(lit(f"{d} = {{{k}: np.sum({rest}[0] * {rest}[1]) for {k}, *{rest} in {p}}}")),
            Stmt(lit(f'{acc} = {d}["a"] + 2.0 * {d}["b"]'))])
    if form == 4:
        lst = scope.fresh("z")
        out = [Stmt(lit(f"{acc} = 0.0"))]
        scope.bind(acc, "s")
        head = j(f"for *{rest}, {lst} in [({{0}}, {{1}}, {{2}}), ({{3}}, {{4}})]:",
                 *row, *row2[:2])
        body = [Stmt(lit(f"{rest} = {rest} + [{lst}]")),
                Stmt(lit(f"{acc} = {acc} + np.sum({rest}[0] * {rest}[-1]) * len({rest})"))]
        out.append(Stmt(blocks=[(head, body)]))
        return bound(scope, acc, "s", out)
    out = [Stmt(lit(f"{acc} = 0.0"))]
    scope.bind(acc, "s")
    body = [Stmt(lit(f"{acc} = {acc} + np.sum({a} * {rest}[-1]) + np.sin({rest}[0])"))]
    out.append(Stmt(blocks=[(j(f"for {a}, *{rest} in {{0}}:", ex.expr("m", 1)), body)]))
    return bound(scope, acc, "s", out)


def _quotient(e, c, k):
    """(k * e) as the program writes it, the probe recording how close it comes to a
    multiple of c (a jump of the quotient)."""
    return (f"({e[0]}) * {k}", f"_nearmod({e[1]}, {c[1]}, {k}) * {k}")


def _quotients(gen, scope, ex, loop_depth, nest):
    """divmod (of arrays, of floats, kept as a tuple), np.divmod, // and //=, % with //;
    the dividend's distance to a multiple of the divisor is probed."""
    rnd = gen.rnd
    acc, q, r = scope.fresh("a"), scope.fresh("q"), scope.fresh("r")
    shape = rnd.choice("sv")
    e = ex.expr(shape, 1)
    k = rnd.choice(["2.0", "3.0", "2.5"])
    c = lit(rnd.choice(["0.7", "1.3", "1.7"]))
    form = rnd.randrange(7)
    if form in (0, 1):   # a divisor made of the program's values
        b = scope.fresh("b")
        fn = "divmod" if form == 0 else "np.divmod"
        c = lit(b)
        return bound(scope, acc, shape, [
            Stmt(j(f"{b} = 1.2 + 0.4 * np.tanh({{0}})", ex.expr(rnd.choice(shape + "s"), 1))),
            Stmt(j(f"{q}, {r} = {fn}({{0}}, {b})", _quotient(e, c, k))),
            Stmt(j(f"{acc} = {r} * {{0}} + {q}", ex.expr(shape, 1)))])
    if form == 2:
        return bound(scope, acc, "s", [
            Stmt(j(f"{q}, {r} = divmod(float({{0}}), {c[0]})",
                   _quotient(ex.expr("s", 1), c, k))),
            Stmt(lit(f"{acc} = {r} * {r} + {q}"))])
    if form == 3:
        t = scope.fresh("t")
        return bound(scope, acc, shape, [
            Stmt(j(f"{t} = divmod({{0}}, {c[0]})", _quotient(e, c, k))),
            Stmt(j(f"{acc} = {t}[1] * {{0}} + {t}[0] * 0.1", ex.expr(shape, 1)))])
    if form == 4:
        return bound(scope, acc, shape, [
            Stmt(j(f"{q} = ({{0}}) // {c[0]}", _quotient(e, c, k))),
            Stmt(j(f"{acc} = {q} * {{0}} + {{1}}", ex.squash(ex.expr(shape, 1)),
                   ex.expr(shape, 1)))])
    if form == 5:
        a = scope.fresh("n")
        return bound(scope, acc, shape, [
            Stmt(j(f"{a} = {{0}}", _quotient(e, c, k))),
            Stmt(lit(f"{acc} = {a} % {c[0]} + {a} // {c[0]} * 0.5"))])
    z = scope.fresh("z")
    return bound(scope, z, shape, [
        Stmt(j(f"{z} = {{0}}", _quotient(e, c, k))),
        Stmt(lit(f"{z} //= {c[0]}")),
        Stmt(j(f"{z} = {z} * {{0}}", ex.squash(ex.expr(shape, 1))))])


def _closures(gen, scope, ex, loop_depth, nest):
    """Nested defs (session 21): an accumulator rebound through `nonlocal` by a closure called
    in a loop, two closures sharing one nonlocal name (one returning a value too), a nested
    def calling itself, **kwargs (of a dict display passed as **d) and *args of a nested
    def. The nonlocal name is the idiom's own (no other statement reads it)."""
    rnd = gen.rnd
    acc, f, g, t = scope.fresh("a"), scope.fresh("g"), scope.fresh("g"), scope.fresh("t")
    cell = scope.fresh("c")
    form = rnd.randrange(5)
    if form == 0:
        k = scope.fresh("k")
        body = [Stmt(j(f"{f}({{0}} * ({k} + 1.0))", ex.expr("v", 1)))]
        return bound(scope, acc, "v", [
            Stmt(j(f"{cell} = 0.0 * {{0}}", ex.expr("v", 1))),
            Stmt(j(f"def {f}({t}):\n    nonlocal {cell}\n    {cell} = {cell} + {t} * {{0}}",
                   ex.squash(ex.expr("s", 1)))),
            Stmt(blocks=[(lit(f"for {k} in range({rnd.choice([2, 3])}):"), body)]),
            Stmt(lit(f"{acc} = {cell}"))])
    if form == 1:
        old = scope.fresh("o")
        return bound(scope, acc, "v", [
            Stmt(j(f"{cell} = {{0}}", ex.expr("v", 1))),
            Stmt(lit(f"def {f}({t}):\n    nonlocal {cell}\n    {old} = {cell}\n"
                     f"    {cell} = {cell} * {t}\n    return {old}")),
            Stmt(lit(f"def {g}({t}):\n    nonlocal {cell}\n    {cell} = {cell} + {t}")),
            Stmt(j(f"{old} = {f}({{0}})", ex.squash(ex.expr("s", 1)))),
            Stmt(j(f"{g}({{0}})", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = {cell} + {old}"))])
    if form == 2:
        n = scope.fresh("n")
        return bound(scope, acc, "v", [
            Stmt(j(f"def {f}({t}, {n}):\n    if {n} == 0:\n        return {t}\n"
                   f"    return {f}(np.sin({t}) * {{0}}, {n} - 1) + {t}", ex.expr("s", 1))),
            Stmt(j(f"{acc} = {f}({{0}}, {rnd.choice([1, 2, 3])})", ex.expr("v", 1)))])
    if form == 3:
        d = scope.fresh("D")
        call = rnd.choice([f'{f}({{0}}, **{d})', f'{f}({{0}}, p={{1}}, q={{2}})'])
        return bound(scope, acc, "v", [
            Stmt(lit(f'def {f}({t}, **kw):\n    return {t} * kw["p"] + kw["q"]')),
            Stmt(j(f'{d} = {{{{"p": {{0}}, "q": {{1}}}}}}', ex.expr("s", 1),
                   ex.expr("v", 1))),
            Stmt(j(f"{acc} = {call}", ex.expr("v", 1), ex.expr("s", 1), ex.expr("v", 1)))])
    return bound(scope, acc, "v", [
        Stmt(lit(f"def {f}(*ts):\n    return sum(ts) * ts[0]")),
        Stmt(j(f"{acc} = {f}({{0}}, {{1}}, {{2}})", ex.expr("v", 1), ex.squash(ex.expr("s", 1)),
               ex.expr("v", 1)))])


KINDS = {"partials": _partials, "mapmethod": _mapmethod, "dispatch": _dispatch,
         "callobj": _callobj, "genmethod": _genmethod, "starfor": _starfor,
         "quotients": _quotients, "closures": _closures}
