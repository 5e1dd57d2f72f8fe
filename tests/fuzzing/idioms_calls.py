"""Idioms of calls for the random-program tester (see idioms.py): functions passed as values
(to a helper that calls them, in a list of functions, `map`, `sorted(key=)`), `*args` and
`**kwargs` helpers, starred displays and calls, objects (layers of two classes in a list,
a dataclass of parameters made in the function, static and class methods), closures
(lambdas and nested defs reading the program's variables) and `functools.partial`."""
from .expressions import THRESH
from .idioms import bound, inner
from .program import Stmt, j, lit, near


def vector_functions(gen, scope):
    """Names of functions mapping a vector to a vector, as the program can pass them."""
    return (["np.sin", "np.tanh", "Scale.act", "Scale.scaled"] + scope.lambdas()
            + [h[0] for h in gen.helpers if h[1] == ["v"] and h[2] == "v" and h[3] != "rec"])


def scalar_functions(gen, scope):
    """Names of functions mapping a float to a float."""
    return (["np.sin", "np.tanh", "math.cos", "Scale.act"] + scope.lambdas()
            + [h[0] for h in gen.helpers if h[1] == ["s"] and h[2] == "s" and h[3] != "rec"])


def _fnval(gen, scope, ex, loop_depth, nest):
    """A function value passed to a helper that calls it (twice, or in its loop)."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    func = rnd.choice(vector_functions(gen, scope))
    if rnd.random() < 0.5:
        stmt = Stmt(j(f"{acc} = apply_twice({func}, {{0}})", ex.expr("v", 1)))
    else:
        stmt = Stmt(j(f"{acc} = euler({func}, {{0}}, 0.1{rnd.choice(['', ', n=3', ', 1'])})",
                      ex.expr("v", 1)))
    return bound(scope, acc, "v", [stmt])


def _fnlist(gen, scope, ex, loop_depth, nest):
    """A list of functions called in a loop (with random statements in its body)."""
    rnd = gen.rnd
    fs, g, acc, t = scope.fresh("fs"), scope.fresh("g"), scope.fresh("a"), scope.fresh("t")
    names = rnd.sample(vector_functions(gen, scope), 2)
    out = [Stmt(lit(f"{fs} = [{', '.join(names)}]")),
           Stmt(j(f"{t} = {{0}}", ex.expr("v", 1)))]
    scope.bind(t, "v")
    scope.push()
    body = [Stmt(lit(f"{t} = 0.5 * {g}({t}) + 0.1"))] + inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(lit(f"for {g} in {fs}:"), body)]))
    if rnd.random() < 0.5:
        out.append(Stmt(lit(f"{acc} = sum(np.sum(f_({t})) for f_ in {fs})")))
        return bound(scope, acc, "s", out)
    return bound(scope, t, "v", out)


def _map(gen, scope, ex, loop_depth, nest):
    rnd = gen.rnd
    acc, ys = scope.fresh("a"), scope.fresh("ys")
    func = rnd.choice(scalar_functions(gen, scope))
    e1, e2 = ex.expr("s", 1), ex.expr("s", 1)
    form = rnd.randrange(4)
    if form == 0:
        return bound(scope, acc, "s", [
            Stmt(j(f"{ys} = list(map({func}, [{{0}}, {{1}}]))", e1, e2)),
            Stmt(lit(f"{acc} = {ys}[0] * {ys}[-1] + {ys}[1]"))])
    if form == 1:
        return bound(scope, acc, "s", [Stmt(j(f"{acc} = sum(map({func}, [{{0}}, {{1}}]))",
                                              e1, e2))])
    if form == 2:
        return bound(scope, acc, "s", [Stmt(j(
            f"{acc} = sum(map(lambda u, w: u * np.cos(w), [{{0}}, 0.5], [{{1}}, {{0}}]))",
            e1, e2))])
    y = scope.fresh("y")
    return bound(scope, acc, "s", [
        Stmt(lit(f"{acc} = 0.0")),
        Stmt(blocks=[(j(f"for {y} in map({func}, ({{0}}, {{1}})):", e1, e2),
                      [Stmt(lit(f"{acc} = {acc} + {y} * 0.5"))])])])


def _sorted(gen, scope, ex, loop_depth, nest):
    """sorted() of three numbers by a key (a lambda reading a variable, a function value)
    or reversed; the probe records how close two keys come."""
    rnd = gen.rnd
    acc, ys = scope.fresh("a"), scope.fresh("ys")
    items = j("[{0}, {1}, {2}]", ex.expr("s", 1), ex.expr("s", 1), ex.expr("s", 1))
    form = rnd.randrange(3)
    if form == 0:
        key, extra = rnd.choice(scalar_functions(gen, scope)), ""
    elif form == 1:
        c = rnd.choice(scope.names("s") or ["0.3"])
        key, extra = f"lambda t_: (t_ - {c}) ** 2", ", reverse=True"
    else:
        key, extra = None, ", reverse=True"
    if key is None:
        text = (f"{ys} = sorted({items[0]}{extra})", f"{ys} = sorted(_keyed({items[1]}){extra})")
    else:
        text = (f"{ys} = sorted({items[0]}, key={key}{extra})",
                f"{ys} = sorted(_keyed({items[1]}, {key}), key={key}{extra})")
    return bound(scope, acc, "s", [Stmt(text),
                                   Stmt(lit(f"{acc} = {ys}[0] * 2.0 + {ys}[1] * {ys}[2]"))])


def _kwargs(gen, scope, ex, loop_depth, nest):
    """A helper taking **kwargs, called with keywords or a dict spread with **."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    c = ", c=0.25" if rnd.random() < 0.3 else ""
    if rnd.random() < 0.5:
        return bound(scope, acc, "s", [Stmt(j(f"{acc} = kw_mix({{0}}, a={{1}}, b={{2}}{c})",
                                              ex.expr("s", 1), ex.expr("s", 1),
                                              ex.expr("v", 1)))])
    kw = scope.fresh("kw")
    return bound(scope, acc, "s", [
        Stmt(j(f'{kw} = {{{{"a": {{0}}, "b": {{1}}}}}}', ex.expr("s", 1), ex.expr("v", 1))),
        Stmt(j(f"{acc} = kw_mix({{0}}, **{kw}{c})", ex.expr("s", 1)))])


def _starred(gen, scope, ex, loop_depth, nest):
    """Starred displays ([*a, b], (*a, b)) and a call with a starred list."""
    rnd = gen.rnd
    pair, acc = scope.fresh("L"), scope.fresh("a")
    out = [Stmt(j(f"{pair} = {rnd.choice(['[{0}, {1}]', '({0}, {1})'])}",
                  ex.expr("v", 1), ex.expr("v", 1)))]
    form = rnd.randrange(3)
    if form == 0:
        out.append(Stmt(j(f"{acc} = np.stack([*{pair}, {{0}}])", ex.expr("v", 1))))
        return bound(scope, acc, "m", out)
    if form == 1:
        out.append(Stmt(lit(f"{acc} = np.add(*{pair}) * 0.5")))
        return bound(scope, acc, "v", out)
    out.append(Stmt(j(f"{acc} = (*{pair}, {{0}})", ex.expr("v", 1))))
    out.append(Stmt(lit(f"{acc} = {acc}[0] * {acc}[-1] + {acc}[1]")))
    return bound(scope, acc, "v", out)


def _objects(gen, scope, ex, loop_depth, nest):
    """Layers of one or two classes in a list, a loop calling their forward method."""
    rnd = gen.rnd
    layers, h, layer = scope.fresh("layers"), scope.fresh("a"), scope.fresh("layer")
    second = rnd.choice(["Scale", "Shift"])
    out = [Stmt(j(f"{layers} = [Scale({{0}}), {second}({{1}})]", ex.expr("s", 1),
                  ex.expr("s", 1))),
           Stmt(j(f"{h} = {{0}}", ex.expr("v", 1)))]
    scope.bind(h, "v")
    scope.push()
    body = [Stmt(lit(f"{h} = {layer}.forward({h})"))] + inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(lit(f"for {layer} in {layers}:"), body)]))
    return bound(scope, h, "v", out)


def _dataclass(gen, scope, ex, loop_depth, nest):
    """A dataclass of parameters made in the function; its method and fields read."""
    rnd = gen.rnd
    p, acc = scope.fresh("P"), scope.fresh("a")
    out = [Stmt(j(f"{p} = Params({{0}}, {{1}})" if rnd.random() < 0.5
                  else f"{p} = Params(w={{0}}, b={{1}})", ex.expr("v", 1), ex.expr("s", 1)))]
    if rnd.random() < 0.5:
        out.append(Stmt(j(f"{acc} = {p}.predict({{0}})", ex.expr("v", 1))))
        return bound(scope, acc, "v", out)
    out.append(Stmt(lit(f"{acc} = {p}.b * np.sum({p}.w) + np.sum({p}.predict({p}.w))")))
    return bound(scope, acc, "s", out)


def _methods(gen, scope, ex, loop_depth, nest):
    """Static and class methods, called on the class, on an instance, or made here."""
    acc = scope.fresh("a")
    form = gen.rnd.choice(["Scale.act({0}) + Scale.scaled({1})",
                           "Scale({2}).act({0}) * Scale({2}).forward({1})",
                           "Scale({2}).scaled({0}) + Shift({2}).forward({1})"])
    return bound(scope, acc, "v", [Stmt(j(f"{acc} = " + form, ex.expr("v", 1),
                                          ex.expr("v", 1), ex.expr("s", 1)))])


def _closure(gen, scope, ex, loop_depth, nest):
    """A lambda or a nested def reading variables of the program, or a partial made of one,
    passed to a helper that calls it."""
    rnd = gen.rnd
    c, acc = scope.fresh("c"), scope.fresh("a")
    out = [Stmt(j(f"{c} = {{0}}", ex.expr("s", 1)))]
    form = rnd.randrange(3)
    if form == 0:
        out.append(Stmt(j(f"{acc} = apply_twice(lambda t: np.tanh(t * {c}), {{0}})",
                          ex.expr("v", 1))))
    elif form == 1:
        g = scope.fresh("g")
        out.append(Stmt(lit(f"{g} = functools.partial(np.multiply, {c})")))
        out.append(Stmt(j(f"{acc} = apply_twice({g}, {{0}})", ex.expr("v", 1))))
    else:
        g = scope.fresh("g")
        vecs = scope.names("v")
        extra = f" + 0.1 * {rnd.choice(vecs)}" if vecs else ""
        out.append(Stmt(blocks=[(lit(f"def {g}(t):"), [
            Stmt(lit(f"return np.sin(t) * {c}{extra}"))])]))
        out.append(Stmt(j(f"{acc} = euler({g}, {{0}}, 0.2)", ex.expr("v", 1))))
    scope.bind(c, "s")
    return bound(scope, acc, "v", out)


def _maxpair(gen, scope, ex, loop_depth, nest):
    """max(a, b) / min(a, b) of two array elements or floats; the probe records the gap."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    v = ex.expr("v", 1)
    a, b = j("{0}[0]", v), j("({0}[1] * {1})", v, ex.expr("s", 0))
    if rnd.random() < 0.5:
        a, b = ex.expr("s", 1), lit(rnd.choice(THRESH))
    fn = rnd.choice(["max", "min"])
    return bound(scope, acc, "s", [Stmt(j(f"{acc} = {fn}({{0}}, {{1}})", near(a, b), b))])


KINDS = {"fnval": _fnval, "fnlist": _fnlist, "map": _map, "sorted": _sorted,
         "kwargs": _kwargs, "starred": _starred, "objects": _objects,
         "dataclass": _dataclass, "methods": _methods, "closure": _closure,
         "maxpair": _maxpair}
