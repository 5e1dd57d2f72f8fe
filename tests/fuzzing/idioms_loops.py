"""Everyday control flow the other families do not draw (the `loops` family of
tests/fuzzing/families.py): `while ... else` left by a break, loops counting down with
`range(len(x) - 1, -1, -1)` (a recurrence into a fresh array too), rows of a matrix written
into a fresh vector by index, `while` loops whose test reads an array's element, `continue`
in nested loops, asserts, and try/except blocks that only read (srcdiff/try_blocks.py)."""
from .expressions import THRESH
from .idioms import bound, inner
from .program import Stmt, j, lit, near


def _whileelse(gen, scope, ex, loop_depth, nest):
    """A counted while on data left by a break, its else block run when it ran out."""
    rnd = gen.rnd
    h, k = scope.fresh("hd"), scope.fresh("k")
    c = lit(rnd.choice(THRESH))
    out = [Stmt(j(f"{h} = {{0}}", ex.expr("v", 1))), Stmt(lit(f"{k} = 0"))]
    scope.push()
    scope.bind(h, "v")
    body = [Stmt(lit(f"{k} += 1"), keep=True),
            Stmt(j(f"{h} = 0.5 * {h} + 0.1 * np.tanh({{0}}) * {h}", ex.expr("v", 1)), keep=True),
            Stmt(blocks=[(j(f"if {{0}} {rnd.choice(['>', '<'])} {{1}}:",
                            near(lit(f"np.sum({h})"), c), c), [Stmt(lit("break"))])])]
    body += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    orelse = [Stmt(j(f"{h} = {h} * 0.5 + np.cos({{0}})", ex.expr("v", 1)))]
    out.append(Stmt(blocks=[(lit(f"while {k} < {rnd.choice([2, 3, 4])}:"), body),
                            (lit("else:"), orelse)]))
    return bound(scope, h, "v", out)


def _backrange(gen, scope, ex, loop_depth, nest):
    """A loop counting down over a vector's indices: an accumulation, or a recurrence
    into a fresh array reading the item after."""
    rnd = gen.rnd
    w, i = scope.fresh("w"), scope.fresh("i")
    out = [Stmt(j(f"{w} = {{0}}", ex.expr("v", 1)))]
    scope.bind(w, "v")
    if rnd.random() < 0.5:
        acc = scope.fresh("a")
        out.append(Stmt(j(f"{acc} = {{0}}", ex.expr("s", 1))))
        scope.bind(acc, "s")
        scope.push()
        scope.bind(i, "idx")
        body = [Stmt(lit(f"{acc} = {acc} * 0.5 + np.sin({w}[{i}]) * {w}[0]"))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {i} in range(len({w}) - 1, -1, -1):"), body)]))
        return bound(scope, acc, "s", out)
    y = scope.fresh("y")
    out += [Stmt(lit(f"{y} = np.zeros_like({w})")), Stmt(lit(f"{y}[-1] = {w}[-1]"))]
    body = [Stmt(lit(f"{y}[{i}] = 0.5 * {y}[{i} + 1] + np.tanh({w}[{i}])"))]
    out.append(Stmt(blocks=[(lit(f"for {i} in range(len({w}) - 2, -1, -1):"), body)]))
    return bound(scope, y, "v", out)


def _rowindex(gen, scope, ex, loop_depth, nest):
    """Each row of a matrix reduced into a fresh vector by index (enumerate of the rows,
    or range over its first axis)."""
    rnd = gen.rnd
    out_, i, row, m = scope.fresh("o"), scope.fresh("i"), scope.fresh("row"), scope.fresh("M")
    out = [Stmt(j(f"{m} = {{0}}", ex.expr("m", 1))), Stmt(lit(f"{out_} = np.zeros(3)"))]
    v = ex.expr("v", 1)
    if rnd.random() < 0.5:
        head = lit(f"for {i}, {row} in enumerate({m}):")
        body = [Stmt(j(f"{out_}[{i}] = np.dot({row}, {{0}}) + np.sin({row}[{i}])", v))]
    else:
        head = lit(f"for {i} in range({m}.shape[0]):")
        body = [Stmt(j(f"{out_}[{i}] = np.sum(np.tanh({m}[{i}] * {{0}}))", v))]
    out.append(Stmt(blocks=[(head, body)]))
    scope.bind(m, "m")
    return bound(scope, out_, "v", out)


def _elemwhile(gen, scope, ex, loop_depth, nest):
    """A while whose test reads an element: shrinking a vector until its first item is
    small, or scanning indices while the items stay below a threshold."""
    rnd = gen.rnd
    y, n = scope.fresh("y"), scope.fresh("n")
    if rnd.random() < 0.5:
        c = lit(rnd.choice(["0.05", "0.1", "0.3"]))
        out = [Stmt(j(f"{y} = {{0}}", ex.expr("v", 1))), Stmt(lit(f"{n} = 0"))]
        test = near(lit(f"abs({y}[{rnd.randrange(3)}])"), c)
        body = [Stmt(lit(f"{n} += 1"), keep=True),
                Stmt(j(f"{y} = {y} * (0.6 + 0.1 * np.tanh({{0}}))", ex.expr("v", 1)), keep=True)]
        out.append(Stmt(blocks=[(j(f"while {{0}} > {{1}} and {n} < 30:", test, c), body)]))
        return bound(scope, y, "v", out)
    c = lit(rnd.choice(THRESH))
    acc = scope.fresh("a")
    out = [Stmt(j(f"{y} = {{0}}", ex.expr("v", 1))), Stmt(lit(f"{n} = 0")),
           Stmt(j(f"{acc} = {{0}}", ex.expr("s", 1)))]
    test = near(lit(f"{y}[{n}]"), c)
    body = [Stmt(lit(f"{acc} = {acc} + {y}[{n}] ** 2"), keep=True),
            Stmt(lit(f"{n} += 1"), keep=True)]
    out.append(Stmt(blocks=[(j(f"while {n} < len({y}) and {{0}} < {{1}}:", test, c), body)]))
    return bound(scope, acc, "s", out)


def _nestedcontinue(gen, scope, ex, loop_depth, nest):
    """`continue` in an inner loop over a row's items and in the outer loop over rows."""
    rnd = gen.rnd
    acc, row, e = scope.fresh("a"), scope.fresh("row"), scope.fresh("e")
    c, c2 = lit(rnd.choice(THRESH)), lit(rnd.choice(THRESH))
    out = [Stmt(j(f"{acc} = {{0}}", ex.expr("s", 1)))]
    scope.bind(acc, "s")
    skip = Stmt(blocks=[(j(f"if {{0}} {rnd.choice(['>', '<'])} {{1}}:", near(lit(e), c), c),
                         [Stmt(lit("continue"))])])
    inner_loop = Stmt(blocks=[(lit(f"for {e} in {row}:"),
                               [skip, Stmt(lit(f"{acc} = {acc} * 0.9 + np.sin({e})"))])])
    scope.push()
    scope.bind(row, "v")
    outer = [inner_loop,
             Stmt(blocks=[(j(f"if {{0}} {rnd.choice(['>', '<'])} {{1}}:",
                             near(lit(f"np.sum({row})"), c2), c2), [Stmt(lit("continue"))])]),
             Stmt(lit(f"{acc} = {acc} + np.sum(np.tanh({row})) * 0.25"))]
    outer += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    out.append(Stmt(blocks=[(j(f"for {row} in {{0}}:", ex.expr("m", 1)), outer)]))
    return bound(scope, acc, "s", out)


def _asserts(gen, scope, ex, loop_depth, nest):
    """Asserts on shapes and values before a value is used."""
    w = scope.fresh("w")
    out = [Stmt(j(f"{w} = {{0}}", ex.expr("v", 1))),
           Stmt(lit(f'assert {w}.shape == (3,), "w holds three items"')),
           Stmt(lit(f"assert np.all(np.isfinite({w}))")),
           Stmt(lit(f"{w} = np.tanh({w}) * 2.0"))]
    return bound(scope, w, "v", out)


def _tryread(gen, scope, ex, loop_depth, nest):
    """try/except blocks that only read: a Cholesky factor with a fallback, a missing dict
    key, an index past the end, several statements stopped half way (with else:)."""
    rnd = gen.rnd
    form = rnd.randrange(4)
    u = scope.fresh("u")
    if form == 0:
        w = scope.fresh("w")
        shift = rnd.choice(["2.0", "-0.5"])   # -0.5: often not positive definite
        out = [Stmt(j(f"{w} = {{0}}", ex.expr("v", 1))),
               Stmt(blocks=[
                   (lit("try:"), [Stmt(lit(f"{u} = np.linalg.cholesky(np.outer({w}, {w}) + "
                                           f"{shift} * np.eye(3))"))]),
                   (lit("except np.linalg.LinAlgError:"),
                    [Stmt(lit(f"{u} = np.eye(3) + np.outer({w}, {w}) * 0.1"))])])]
        return bound(scope, u, "m", out)
    if form == 1:
        d = scope.fresh("D")
        key = rnd.choice(["w", "scale"])
        out = [Stmt(j(f'{d} = {{{{"w": {{0}}, "b": {{1}}}}}}', ex.expr("s", 1), ex.expr("s", 1))),
               Stmt(blocks=[(lit("try:"), [Stmt(lit(f'{u} = {d}["{key}"] * {d}["b"]'))]),
                            (lit("except KeyError:"), [Stmt(j(f"{u} = {{0}}", ex.expr("s", 1)))])])]
        return bound(scope, u, "s", out)
    w = scope.fresh("w")
    out = [Stmt(j(f"{w} = {{0}}", ex.expr("v", 1)))]
    if form == 2:
        at = rnd.choice([1, 5])
        out.append(Stmt(blocks=[(lit("try:"), [Stmt(lit(f"{u} = {w}[{at}] * 2.0"))]),
                                (lit("except IndexError:"),
                                 [Stmt(lit(f"{u} = np.sum({w}) * 0.5"))])]))
        return bound(scope, u, "s", out)
    t, d = scope.fresh("t"), scope.fresh("D")
    key = rnd.choice(["b", "c"])
    out += [Stmt(j(f'{d} = {{{{"b": {{0}}}}}}', ex.expr("s", 1))),
            Stmt(blocks=[(lit("try:"), [Stmt(lit(f"{u} = np.sum({w} * {w})")),
                                        Stmt(lit(f'{t} = {d}["{key}"]'))]),
                         (lit("except (KeyError, IndexError):"),
                          [Stmt(lit(f"{t} = {u} * 0.5"))]),
                         (lit("else:"), [Stmt(lit(f"{t} = {t} + np.sin({u})"))])])]
    scope.bind(u, "s")
    return bound(scope, t, "s", out)


KINDS = {"whileelse": _whileelse, "backrange": _backrange, "rowindex": _rowindex,
         "elemwhile": _elemwhile, "nestedcontinue": _nestedcontinue, "asserts": _asserts,
         "tryread": _tryread}
