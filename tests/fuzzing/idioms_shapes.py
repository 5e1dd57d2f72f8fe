"""Python shapes of everyday code for the random-program tester (see idioms.py): `list(x)`,
`tuple(x)`, `zip(*pairs)`, `enumerate(zip(...))`, `zip` kept in a name, nested
comprehensions, `for ... else` with a break, `%` on arrays, `.item()`, `.tolist()` kept
inside, `sum(generator)`, `isinstance` checks and read-only `print` calls."""
from .expressions import THRESH
from .idioms import bound, inner
from .program import Stmt, j, lit, near


def _listtuple(gen, scope, ex, loop_depth, nest):
    rnd = gen.rnd
    form = rnd.randrange(3)
    if form == 0:
        a, b, c = scope.fresh("p"), scope.fresh("p"), scope.fresh("p")
        out = [Stmt(j(f"{a}, {b}, {c} = tuple({{0}})", ex.expr("v", 1)))]
        for name in (a, b):
            scope.bind(name, "s")
        return bound(scope, c, "s", out)
    seq, acc = scope.fresh("L"), scope.fresh("a")
    if form == 1:
        return bound(scope, acc, "s", [
            Stmt(j(f"{seq} = list({{0}})", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = {seq}[0] * {seq}[2] + sum({seq})"))])
    return bound(scope, acc, "v", [
        Stmt(j(f"{seq} = list({{0}})", ex.expr("m", 1))),
        Stmt(lit(f"{acc} = {seq}[0] * 0.5 + {seq}[-1] * {seq}[1]"))])


def _zipstar(gen, scope, ex, loop_depth, nest):
    """zip(*pairs): the pairs transposed, then read by index and zipped again."""
    rnd = gen.rnd
    pairs, fi, se, acc = (scope.fresh("pairs"), scope.fresh("fi"), scope.fresh("se"),
                          scope.fresh("a"))
    out = [Stmt(j(f"{pairs} = [({{0}}, {{1}}), ({{2}}, {{3}})]", *[ex.expr("s", 1)
                                                                  for _ in range(4)])),
           Stmt(lit(f"{fi}, {se} = zip(*{pairs})"))]
    if rnd.random() < 0.5:
        out.append(Stmt(lit(f"{acc} = sum(u * np.sin(w) for u, w in zip({fi}, {se}))")))
    else:
        out.append(Stmt(lit(f"{acc} = {fi}[0] * {se}[1] + {fi}[1]")))
    return bound(scope, acc, "s", out)


def _enumzip(gen, scope, ex, loop_depth, nest):
    """for i, (p, q) in enumerate(zip(a, b)), with random statements in its body."""
    i, p, q, acc = scope.fresh("i"), scope.fresh("p"), scope.fresh("q"), scope.fresh("a")
    start = gen.rnd.choice(["", ", 1"])
    out = [Stmt(lit(f"{acc} = 0.0"))]
    scope.bind(acc, "s")
    scope.push()
    scope.bind(i, "int")
    scope.bind(p, "s")
    scope.bind(q, "s")
    body = [Stmt(lit(f"{acc} = {acc} + ({i} + 1) * {p} * np.cos({q})"))]
    body += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(j(f"for {i}, ({p}, {q}) in enumerate(zip({{0}}, {{1}}){start}):",
                               ex.expr("v", 1), ex.expr("v", 1)), body)]))
    return bound(scope, acc, "s", out)


def _zipped(gen, scope, ex, loop_depth, nest):
    """z = zip(a, b) kept in a name, then looped over once."""
    z, acc, p, q = scope.fresh("z"), scope.fresh("a"), scope.fresh("p"), scope.fresh("q")
    out = [Stmt(j(f"{z} = zip({{0}}, {{1}})", ex.expr("v", 1), ex.expr("v", 1))),
           Stmt(lit(f"{acc} = 0.0")),
           Stmt(blocks=[(lit(f"for {p}, {q} in {z}:"),
                         [Stmt(lit(f"{acc} = {acc} + {p} * np.cos({q})"))])])]
    return bound(scope, acc, "s", out)


def _nested(gen, scope, ex, loop_depth, nest):
    """Nested comprehensions: a list of lists made an array, a flattened double loop with
    a condition (probed), a generator summed."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    u, w = scope.fresh("u"), scope.fresh("w")
    v1, v2 = ex.expr("v", 1), ex.expr("v", 1)
    form = rnd.randrange(3)
    if form == 0:
        return bound(scope, acc, "m", [Stmt(j(
            f"{acc} = np.array([[{u} * np.sin({w}) for {w} in {{0}}] for {u} in {{1}}])",
            v1, v2))])
    if form == 1:
        c = lit(rnd.choice(THRESH))
        cond = j("{0} > {1}", near(lit(w), c), c)
        return bound(scope, acc, "s", [Stmt(j(
            f"{acc} = sum([{u} * {w} for {u} in {{0}} for {w} in {{1}} if {{2}}])", v1, v2,
            cond))])
    return bound(scope, acc, "s", [Stmt(j(
        f"{acc} = sum(sum({u} * {w} for {w} in {{0}}) for {u} in {{1}})", v1, v2))])


def _genexpr(gen, scope, ex, loop_depth, nest):
    """sum(generator expression) over an array's elements or a matrix's rows."""
    acc, t = scope.fresh("a"), scope.fresh("t")
    form = gen.rnd.randrange(2)
    if form == 0:
        return bound(scope, acc, "s", [Stmt(j(
            f"{acc} = sum(np.sin({t}) * {{1}} for {t} in {{0}})", ex.expr("v", 1),
            ex.expr("s", 1)))])
    return bound(scope, acc, "v", [Stmt(j(
        f"{acc} = sum(np.tanh({t}) for {t} in {{0}})", ex.expr("m", 1)))])


def _forelse(gen, scope, ex, loop_depth, nest):
    """for ... else with a conditional break and random statements in the body."""
    rnd = gen.rnd
    acc, r = scope.fresh("a"), scope.fresh("r")
    out = [Stmt(lit(f"{acc} = 0.0"))]
    scope.bind(acc, "s")
    scope.push()
    scope.bind(r, "s")
    c = lit(rnd.choice(THRESH))
    brk = Stmt(blocks=[(j("if {0} > {1}:", near(lit(f"({acc} + {r})"), c), c),
                        [Stmt(lit("break"))])])
    body = [Stmt(lit(f"{acc} = {acc} + np.sin({r}) * 0.5")), brk]
    body += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    orelse = [Stmt(lit(f"{acc} = {acc} * 0.5 + 0.1"))]
    out.append(Stmt(blocks=[(j(f"for {r} in {{0}}:", ex.expr("v", 1)), body),
                            (lit("else:"), orelse)]))
    return bound(scope, acc, "s", out)


def _mod(gen, scope, ex, loop_depth, nest):
    """% on arrays and floats; the probe records how close a value comes to a jump."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    c = rnd.choice(["0.7", "1.5", "2.0"])
    shape = rnd.choice("sv")
    e = ex.expr(shape, 1)
    probe = (e[0], f"_nearmod({e[1]}, {c})")
    return bound(scope, acc, shape, [Stmt(j(f"{acc} = ({{0}} * 2.0) % {c}", probe))])


def _item(gen, scope, ex, loop_depth, nest):
    acc = scope.fresh("a")
    form = gen.rnd.choice(["np.sum({0} * {1}).item()", "{1}.item(1)", "{2}.item(1, 2)",
                           "{2}.item(4) * {0}[:1].item()"])
    return bound(scope, acc, "s", [Stmt(j(f"{acc} = " + form, ex.expr("v", 1),
                                          ex.expr("v", 1), ex.expr("m", 1)))])


def _tolist(gen, scope, ex, loop_depth, nest):
    seq, acc = scope.fresh("L"), scope.fresh("a")
    if gen.rnd.random() < 0.5:
        return bound(scope, acc, "s", [
            Stmt(j(f"{seq} = {{0}}.tolist()", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = {seq}[0] * {seq}[2] + sum({seq})"))])
    return bound(scope, acc, "s", [
        Stmt(j(f"{seq} = {{0}}.tolist()", ex.expr("m", 1))),
        Stmt(lit(f"{acc} = {seq}[0][1] * {seq}[2][2] + sum({seq}[1])"))])


def _isinstance(gen, scope, ex, loop_depth, nest):
    """isinstance of a value of the program picks a branch."""
    rnd = gen.rnd
    visible = sorted(n for n, k in scope.visible().items() if k in ("s", "v", "m"))
    name = rnd.choice(visible) if visible else "s"
    acc = scope.fresh("a")
    test = rnd.choice(["isinstance({0}, np.ndarray)", "isinstance({0}, float)",
                       "isinstance({0}, (list, tuple))", "not isinstance({0}, np.ndarray)"])
    out = [Stmt(blocks=[(lit(f"if {test.format(name)}:"),
                         [Stmt(lit(f"{acc} = np.sum({name}) * 0.5"))]),
                        (lit("else:"), [Stmt(lit(f"{acc} = np.sum(np.tanh({name}))"))])])]
    return bound(scope, acc, "s", out)


def _print(gen, scope, ex, loop_depth, nest):
    """A read-only print of values of the program (the tester sends stdout nowhere)."""
    rnd = gen.rnd
    visible = sorted(n for n, k in scope.visible().items() if k in ("s", "v", "m"))
    names = rnd.sample(visible, min(2, len(visible))) or ["s"]
    form = rnd.choice(['print("values:", {0})', "print({0}, sep=\", \")",
                       'print(f"{{{1}}}")'])
    return [Stmt(lit(form.format(", ".join(names), names[0])))]


KINDS = {"listtuple": _listtuple, "zipstar": _zipstar, "enumzip": _enumzip,
         "zipped": _zipped, "nested": _nested, "genexpr": _genexpr, "forelse": _forelse,
         "mod": _mod, "item": _item, "tolist": _tolist, "isinstance": _isinstance,
         "print": _print}
