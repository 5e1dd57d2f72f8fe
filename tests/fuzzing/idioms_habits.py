"""Everyday habits of user code for the random-program tester (the `habits` family of
tests/fuzzing/families.py; module-level code in HABIT_HELPERS): stateful objects whose
methods set `self.field`, optimiser loops over dicts of parameters (`params =
update(params, grads)`, momentum returning a pair), early `return` from nested loops,
`while` on data with `break`, helpers with keyword defaults called with keywords, masks,
`np.where`, `np.maximum`, `np.clip` and `abs` away from their kinks, tuples returned and
unpacked, string-keyed dict comprehensions."""
from .expressions import THRESH
from .idioms import bound, inner
from .program import Stmt, j, lit, near

HABIT_HELPERS = '''


class Tracker:
    def __init__(self, w, decay=0.5):
        self.w = w
        self.decay = decay
        self.h = 0.0
        self.steps = 0

    def step(self, t):
        self.h = self.decay * self.h + np.tanh(self.w * t)
        self.steps += 1
        return self.h

    def energy(self):
        return np.sum(self.h * self.h) * self.w


def grad_like(p, t):
    return {"w": np.tanh(p["w"] * t), "b": 0.5 * p["b"]}


def update(p, g, lr=0.1):
    return {k: p[k] - lr * g[k] for k in p}


def momentum(p, g, v, beta=0.9, lr=0.05):
    v = {k: beta * v[k] + g[k] for k in v}
    return {k: p[k] - lr * v[k] for k in p}, v


def blend(a, b, w=0.5, act=np.tanh):
    return w * act(a) + (1.0 - w) * b


def soft_norm(v, p=2.0, eps=1e-3, axis=None):
    return (np.sum(np.abs(v) ** p, axis=axis) + eps) ** (1.0 / p)


def relu(t):
    return np.maximum(t, 0.0)


def split_stats(t):
    m = np.mean(t)
    return m, t - m


def head_tail(t, scale=1.0):
    return t[0] * scale, t[1:] * scale
'''


def _stateful(gen, scope, ex, loop_depth, nest):
    """An object made here whose methods set self.h (and self.steps), stepped in a loop,
    its method results sometimes dropped, a field set from outside, then read."""
    rnd = gen.rnd
    tr, acc, i = scope.fresh("tr"), scope.fresh("a"), scope.fresh("i")
    make = rnd.choice(["Tracker({0})", "Tracker({0}, decay=0.3)", "Tracker(w={0})"])
    out = [Stmt(j(f"{tr} = {make}", ex.squash(ex.expr("s", 1))))]
    form = rnd.randrange(4)
    if form == 0:
        h = scope.fresh("hd")
        out.append(Stmt(j(f"{h} = {{0}}", ex.expr("v", 1))))
        scope.bind(h, "v")
        scope.push()
        body = [Stmt(lit(f"{h} = {tr}.step({h})"))] + inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {i} in range({rnd.choice([1, 2, 3])}):"), body)]))
        out.append(Stmt(lit(f"{acc} = {tr}.energy() + np.sum({h})")))
        return bound(scope, acc, "s", out)
    if form == 1:   # results dropped: the state is what counts
        out.append(Stmt(j(f"{tr}.step({{0}})", ex.expr("v", 1))))
        out.append(Stmt(j(f"{tr}.step({{0}})", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = {tr}.h * 2.0")))
        return bound(scope, acc, "v", out)
    if form == 2:   # rows of a matrix fed in
        r = scope.fresh("row")
        out.append(Stmt(blocks=[(j(f"for {r} in {{0}}:", ex.expr("m", 1)),
                                 [Stmt(lit(f"{tr}.step({r})"))])]))
        out.append(Stmt(lit(f"{acc} = np.sum({tr}.h) / {tr}.steps")))
        return bound(scope, acc, "s", out)
    out.append(Stmt(j(rnd.choice([f"{tr}.w = {tr}.w * 0.5 + {{0}}", f"{tr}.w += {{0}}"]),
                      ex.squash(ex.expr("s", 1)))))
    out.append(Stmt(j(f"{acc} = {tr}.step({{0}}) + {tr}.w", ex.expr("v", 1))))
    return bound(scope, acc, "v", out)


def _optloop(gen, scope, ex, loop_depth, nest):
    """An optimiser loop over a dict of parameters: params = update(params, grads)."""
    rnd = gen.rnd
    p, g, acc, k = scope.fresh("P"), scope.fresh("G"), scope.fresh("a"), scope.fresh("step")
    t = scope.fresh("t")
    out = [Stmt(j(f'{p} = {{{{"w": {{0}}, "b": {{1}}}}}}', ex.expr("v", 1), ex.expr("s", 1))),
           Stmt(j(f"{t} = {{0}}", ex.squash(ex.expr("v", 1))))]
    scope.bind(t, "v")
    form = rnd.randrange(4)
    scope.push()
    if form == 2:
        v = scope.fresh("V")
        out.append(Stmt(lit(f"{v} = {{k_: 0.0 * w_ for k_, w_ in {p}.items()}}")))
        body = [Stmt(lit(f"{p}, {v} = momentum({p}, grad_like({p}, {t}), {v})"))]
    else:
        body = [Stmt(lit(f"{g} = grad_like({p}, {t})"))]
        if form == 0:
            body.append(Stmt(lit(f"{p} = update({p}, {g})")))
        elif form == 1:
            body.append(Stmt(lit(rnd.choice([f"{p} = update({p}, {g}, lr=0.2)",
                                             f"{p} = update(g={g}, p={p})"]))))
        else:
            body.append(Stmt(lit(f"{p} = {{k_: w_ - 0.1 * {g}[k_] for k_, w_ in "
                                 f"{p}.items()}}")))
    body += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(lit(f"for {k} in range({rnd.choice([1, 2, 3])}):"), body)]))
    out.append(Stmt(lit(f'{acc} = np.sum(np.tanh({p}["w"])) * {p}["b"]')))
    return bound(scope, acc, "s", out)


def _nestedreturn(gen, scope, ex, loop_depth, nest):
    """An early return from inside nested loops (a for over rows inside a range loop, or a
    while inside a for), else a value accumulated."""
    rnd = gen.rnd
    acc, i, r = scope.fresh("a"), scope.fresh("i"), scope.fresh("row")
    c = lit(rnd.choice(THRESH))
    out = [Stmt(j(f"{acc} = {{0}}", ex.expr("v", 1)))]
    scope.bind(acc, "v")
    scope.push()
    scope.bind(r, "v")
    test = near(lit(f"np.sum({r} * {acc})"), c)
    leave = [gen.returning(scope, ex)] if scope.returns is not None else [Stmt(lit("break"))]
    inner_body = [Stmt(lit(f"{acc} = 0.5 * {acc} + 0.25 * np.tanh({r})")),
                  Stmt(blocks=[(j(f"if {{0}} {rnd.choice(['>', '<'])} {{1}}:", test, c),
                                leave)])]
    inner_body += inner(gen, scope, ex, loop_depth + 1, nest + 1)
    scope.pop()
    rows = ex.expr("m", 1)
    if rnd.random() < 0.5:
        loop = Stmt(blocks=[(j(f"for {r} in {{0}}:", rows), inner_body)])
    else:
        k = scope.fresh("k")
        loop = Stmt(blocks=[(j(f"for {k}, {r} in enumerate({{0}}):", rows), inner_body)])
    out.append(Stmt(blocks=[(lit(f"for {i} in range({rnd.choice([1, 2])}):"), [loop])]))
    return bound(scope, acc, "v", out)


def _whilebreak(gen, scope, ex, loop_depth, nest):
    """`while` on data (with a counter, or not) leaving by `break` on another data test."""
    rnd = gen.rnd
    h, k = scope.fresh("hd"), scope.fresh("k")
    c = lit(rnd.choice(["0.05", "0.1", "0.3"]))
    c2 = lit(rnd.choice(THRESH))
    size = near(lit(f"np.sum({h} * {h})"), c)
    step = Stmt(j(f"{h} = 0.5 * {h} + 0.1 * np.tanh({{0}}) * {h}", ex.expr("v", 1)),
                keep=True)   # |h| at least shrinks by 0.4: the loop ends
    stop = Stmt(blocks=[(j(f"if {{0}} {rnd.choice(['<', '>'])} {{1}}:",
                           near(lit(f"np.sum({h})"), c2), c2), [Stmt(lit("break"))])])
    out = [Stmt(j(f"{h} = {{0}}", ex.expr("v", 1)))]
    scope.push()
    body = inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    if rnd.random() < 0.5:
        out.append(Stmt(lit(f"{k} = 0")))
        out.append(Stmt(blocks=[(j(f"while {{0}} > {{1}} and {k} < 6:", size, c),
                                 [Stmt(lit(f"{k} += 1"), keep=True), step, stop] + body)]))
    else:
        out.append(Stmt(blocks=[(j("while {0} > {1}:", size, c), [step, stop] + body)]))
    return bound(scope, h, "v", out)


def _kwcall(gen, scope, ex, loop_depth, nest):
    """Helpers with keyword defaults (one a function), called positionally, with keywords,
    keywords out of order, or some defaults left out."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    a, b = ex.expr("v", 1), ex.expr(rnd.choice("vs"), 1)
    call = rnd.choice(["blend({0}, {1})", "blend({0}, {1}, w=0.3)",
                       "blend(b={1}, a={0}, act=np.sin)", "blend({0}, {1}, 0.2, np.sin)",
                       "blend({0}, b={1}, act=relu)"])
    if rnd.random() < 0.4:
        norm = rnd.choice(["soft_norm({0})", "soft_norm({0}, p=3.0)",
                           "soft_norm(v={0}, eps=0.01)"])
        return bound(scope, acc, "s", [Stmt(j(f"{acc} = " + norm, ex.expr("v", 1)))])
    if rnd.random() < 0.2:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = soft_norm({{0}}, axis=0)",
                                              ex.expr("m", 1)))])
    return bound(scope, acc, "v", [Stmt(j(f"{acc} = " + call, a, b))])


def _kinks(gen, scope, ex, loop_depth, nest):
    """Masks and kinks as users write them, evaluated away from the kink: relu, a mask
    write, a mask product, np.where on a value, np.clip, abs."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    c = lit(rnd.choice(THRESH))
    v = ex.expr("v", 1)
    form = rnd.randrange(6)
    if form == 0:
        return bound(scope, acc, "v", [Stmt(j(f"{acc} = relu({{0}})", near(v, lit("0.0"))))])
    if form == 1:
        out = [Stmt(j(f"{acc} = {{0}} * 1.0", v))]
        out.append(Stmt(j(f"{acc}[{{0}} {rnd.choice(['<', '>'])} {{1}}] = "
                          f"{rnd.choice(['0.0', '0.5'])}", near(lit(acc), c), c)))
        return bound(scope, acc, "v", out)
    if form == 2:
        m = scope.fresh("mask")
        out = [Stmt(j(f"{m} = {{0}} > {{1}}", near(v, c), c)),
               Stmt(j(f"{acc} = {{0}} * {m} + 0.1 * {{0}}", ex.expr("v", 1)))]
        return bound(scope, acc, "v", out)
    if form == 3:
        return bound(scope, acc, "v", [Stmt(j(
            f"{acc} = np.where({{0}} > {{1}}, {{2}}, 0.5 * {{2}})", near(v, c), c,
            ex.expr("v", 1)))])
    if form == 4:
        lo, hi = lit("-0.5"), lit("0.5")
        return bound(scope, acc, "v", [Stmt(j("%s = np.clip({0}, {1}, {2})" % acc,
                                              near(near(v, lo), hi), lo, hi))])
    return bound(scope, acc, "s", [Stmt(j(f"{acc} = np.sum(np.abs({{0}})) + abs({{1}})",
                                          near(v, lit("0.0")),
                                          near(ex.expr("s", 1), lit("0.0"))))])


def _tuples(gen, scope, ex, loop_depth, nest):
    """Tuples returned by helpers and unpacked (a keyword call among them, a tuple passed
    through a loop)."""
    rnd = gen.rnd
    a, b, acc = scope.fresh("m"), scope.fresh("d"), scope.fresh("a")
    form = rnd.randrange(3)
    if form == 0:
        out = [Stmt(j(f"{a}, {b} = split_stats({{0}})", ex.expr("v", 1))),
               Stmt(lit(f"{acc} = {a} * {b} + {b} ** 2"))]
        return bound(scope, acc, "v", out)
    if form == 1:
        call = rnd.choice(["head_tail({0})", "head_tail({0}, scale=0.5)",
                           "head_tail(t={0}, scale=2.0)"])
        out = [Stmt(j(f"{a}, {b} = " + call, ex.expr("v", 1))),
               Stmt(lit(f"{acc} = {a} * np.sum({b})"))]
        return bound(scope, acc, "s", out)
    i = scope.fresh("i")
    out = [Stmt(j(f"{a}, {b} = {{0}}, {{1}}", ex.expr("s", 1), ex.expr("v", 1)))]
    out.append(Stmt(blocks=[(lit(f"for {i} in range(2):"), [
        Stmt(lit(f"{a}, {b} = 0.5 * {a} + np.sum(np.tanh({b})), np.sin({b}) * {a}"))])]))
    out.append(Stmt(lit(f"{acc} = {a} * np.sum({b})")))
    return bound(scope, acc, "s", out)


def _strdict(gen, scope, ex, loop_depth, nest):
    """String-keyed dict comprehensions: over enumerate, zip of names and values, a dict's
    items filtered by key; read by key and by values()."""
    rnd = gen.rnd
    dd, acc, k, v, i = (scope.fresh("D"), scope.fresh("a"), scope.fresh("k"),
                        scope.fresh("v"), scope.fresh("i"))
    form = rnd.randrange(3)
    if form == 0:
        out = [Stmt(j(f'{dd} = {{{{f"w{{{{{i}}}}}": {v} * ({i} + 1.0) for {i}, {v} in '
                      f'enumerate({{0}})}}}}', ex.expr("v", 1)))]
        out.append(Stmt(lit(f'{acc} = {dd}["w0"] * {dd}["w2"] + sum({dd}.values())')))
        return bound(scope, acc, "s", out)
    if form == 1:
        out = [Stmt(j(f'{dd} = {{{{{k}: np.tanh({v}) for {k}, {v} in zip(("a", "b"), '
                      f'({{0}}, {{1}}))}}}}', ex.expr("v", 1), ex.expr("s", 1)))]
        out.append(Stmt(lit(f'{acc} = np.sum({dd}["a"]) * {dd}["b"]')))
        return bound(scope, acc, "s", out)
    p = scope.fresh("P")
    out = [Stmt(j(f'{p} = {{{{"w": {{0}}, "b": {{1}}, "c": {{2}}}}}}', ex.expr("v", 1),
                  ex.expr("s", 1), ex.expr("s", 1))),
           Stmt(lit(f'{dd} = {{{k}: {v} * 2.0 for {k}, {v} in {p}.items() '
                    f'if {k} != "c"}}')),
           Stmt(lit(f'{acc} = np.sum({dd}["w"]) + {dd}["b"] * {p}["c"] + len({dd})'))]
    return bound(scope, acc, "s", out)


KINDS = {"stateful": _stateful, "optloop": _optloop, "nestedreturn": _nestedreturn,
         "whilebreak": _whilebreak, "kwcall": _kwcall, "kinks": _kinks, "tuples": _tuples,
         "strdict": _strdict}
