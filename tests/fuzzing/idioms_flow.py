"""Control-flow idioms of user code for the random-program tester (families of
tests/fuzzing/families.py): user generator functions (user_helpers.py, or one defined in
f) consumed by for loops with break/continue, by sum(), zip(), enumerate(), list() and
next(); while loops on data (with or without a counter, `while True` with a break) that
may return early; `for ... else` searches that break, continue or return."""
from .expressions import THRESH
from .idioms import bound, inner
from .program import Stmt, j, lit, near


def _jump(gen, test, word):
    """`if <test probed against a threshold>: <word>`."""
    c = lit(gen.rnd.choice(THRESH))
    op = gen.rnd.choice([">", "<"])
    return Stmt(blocks=[(j(f"if {{0}} {op} {{1}}:", near(lit(test), c), c), [Stmt(lit(word))])])


def _usergen(gen, scope, ex, loop_depth, nest):
    rnd = gen.rnd
    if tuple(gen.idioms) == ("usergen",) and rnd.random() < 0.5:   # the generators family
        return _usergen_passed(gen, scope, ex)    # only: users' programs stay as they were
    acc = scope.fresh("a")
    form = rnd.randrange(7)
    if form == 0:   # a for loop over a generator, with break or continue
        p, q = scope.fresh("p"), scope.fresh("q")
        out = [Stmt(lit(f"{acc} = 0.0"))]
        src = ex.expr("v", 1)
        scope.bind(acc, "s")
        scope.push()
        scope.bind(p, "s")
        if rnd.random() < 0.5:
            head = j(f"for {p}, {q} in pairs_of({{0}}):", src)
            test = f"{p} * {q}"
            scope.bind(q, "s")
        else:
            head = j(f"for {p} in running_sum({{0}}):", src)
            test = f"{p}"
        word = rnd.choice(["break", "continue"])
        step = Stmt(lit(f"{acc} = {acc} + {p} * np.cos({q})" if "pairs_of" in head[0]
                        else f"{acc} = {acc} + np.sin({p})"))
        body = [step, _jump(gen, test, word)] if rnd.random() < 0.5 else \
            [_jump(gen, test, word), step]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(head, body)]))
        return bound(scope, acc, "s", out)
    if form == 1:
        return bound(scope, acc, "s", [Stmt(j(rnd.choice([
            f"{acc} = sum(running_sum({{0}}))",
            f"{acc} = sum(np.sum(r_) for r_ in rows_scaled({{1}}, {{2}}))",
            f"{acc} = sum(u_ * w_ for u_, w_ in pairs_of({{0}}))"]),
            ex.expr("v", 1), ex.expr("m", 1), ex.expr("s", 1)))])
    if form == 2:   # zip of a generator with another or with an array
        u, r = scope.fresh("u"), scope.fresh("r")
        other = rnd.choice(["rows_scaled({1}, {2})", "{3}"])
        out = [Stmt(lit(f"{acc} = 0.0")),
               Stmt(blocks=[(j(f"for {u}, {r} in zip(running_sum({{0}}), {other}):",
                               ex.expr("v", 1), ex.expr("m", 1), ex.expr("s", 1),
                               ex.expr("v", 1)),
                             [Stmt(lit(f"{acc} = {acc} + {u} * np.sum({r})"))])])]
        return bound(scope, acc, "s", out)
    if form == 3:
        seq = scope.fresh("L")
        return bound(scope, acc, "s", [
            Stmt(j(f"{seq} = list(running_sum({{0}}))", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = {seq}[-1] * {seq}[0] + {seq}[1]"))])
    if form == 4:   # enumerate of a generator of rows
        i, r = scope.fresh("i"), scope.fresh("row")
        out = [Stmt(j(f"{acc} = {{0}}", ex.expr("v", 1)))]
        head = j(f"for {i}, {r} in enumerate(rows_scaled({{0}}, {{1}})):", ex.expr("m", 1),
                 ex.expr("s", 1))
        scope.bind(acc, "v")
        scope.push()
        scope.bind(i, "idx")
        scope.bind(r, "v")
        body = [Stmt(lit(f"{acc} = {acc} * 0.5 + ({i} + 1) * np.tanh({r})"))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(head, body)]))
        return bound(scope, acc, "v", out)
    if form == 5:
        it = scope.fresh("it")
        return bound(scope, acc, "s", [
            Stmt(j(f"{it} = running_sum({{0}})", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = next({it}) * 0.5")),
            Stmt(lit(f"{acc} = {acc} + np.sin(next({it}))"))])
    # a generator function defined in f, reading a variable of f
    g, c, e = scope.fresh("g"), scope.fresh("c"), scope.fresh("t")
    out = [Stmt(j(f"{c} = {{0}}", ex.expr("s", 1))),
           Stmt(blocks=[(lit(f"def {g}(v_):"), [Stmt(blocks=[(lit(f"for {e} in v_:"), [
               Stmt(lit(f"yield np.sin({e}) * {c}"))])])])]),
           Stmt(j(rnd.choice([f"{acc} = sum({g}({{0}}))",
                              f"{acc} = sum(w_ * 0.5 for w_ in {g}({{0}}))"]),
                  ex.expr("v", 1)))]
    scope.bind(c, "s")
    return bound(scope, acc, "s", out)


def _usergen_passed(gen, scope, ex):
    """Generators as users pass them around (issue #13, round h12): to a helper of f that
    loops over its parameter, a generator expression kept in a name and read later, a name
    bound to one generator after another, functools.partial of a generator, list() of one,
    `yield from` in a generator of f, a generator over a dict's items."""
    rnd = gen.rnd
    acc = scope.fresh("a")
    form = rnd.randrange(7)
    v1, v2, m, c = ex.expr("v", 1), ex.expr("v", 1), ex.expr("m", 1), ex.expr("s", 1)
    if form == 0:   # a helper of f taking a generator (or a generator expression)
        h = scope.fresh("tot")
        arg = rnd.choice(["running_sum({0})", "(np.tanh(w_) * 2.0 for w_ in {0})",
                          "(p_ * q_ for p_, q_ in pairs_of({0}))"])
        out = [Stmt(blocks=[(lit(f"def {h}(it_):"), [
                   Stmt(lit("s_ = 0.0")),
                   Stmt(blocks=[(lit("for u_ in it_:"), [Stmt(lit("s_ = s_ + np.sin(u_)"))])]),
                   Stmt(lit("return s_"))])]),
               Stmt(j(f"{acc} = {h}({arg})", v1))]
    elif form == 1:   # a generator expression kept in a name, read once later
        g = scope.fresh("G")
        out = [Stmt(j(f"{g} = (np.cos(r_) * {{1}} for r_ in running_sum({{0}}))", v1, c))]
        if rnd.random() < 0.5:
            out.append(Stmt(j(f"{acc} = sum({g})")))
        else:
            out += [Stmt(lit(f"{acc} = 0.0")),
                    Stmt(blocks=[(lit(f"for r_ in {g}:"), [Stmt(lit(f"{acc} = {acc} + r_ * r_"))])])]
    elif form == 2:   # one name, two generators
        it = scope.fresh("it")
        out = [Stmt(j(f"{it} = running_sum({{0}})", v1)),
               Stmt(lit(f"{acc} = next({it}) * 0.5")),
               Stmt(j(f"{it} = rows_scaled({{0}}, {{1}})", m, c)),
               Stmt(lit(f"{acc} = {acc} + sum(np.sum(r_) for r_ in {it})"))]
    elif form == 3:   # functools.partial of a generator function
        f = scope.fresh("P")
        out = [Stmt(j(f"{f} = functools.partial(rows_scaled, c={{0}})", c)),
               Stmt(j(f"{acc} = sum(np.sum(np.sin(r_)) for r_ in {f}({{0}}))", m))]
    elif form == 4:   # list() of a generator, indexed
        seq = scope.fresh("L")
        out = [Stmt(j(f"{seq} = list(pairs_of({{0}}))", v1)),
               Stmt(lit(f"{acc} = {seq}[0][0] * {seq}[-1][1] + len({seq})"))]
    elif form == 5:   # yield from in a generator of f
        g = scope.fresh("gf")
        out = [Stmt(blocks=[(lit(f"def {g}(a_, b_):"), [
                   Stmt(lit("yield from running_sum(a_)")),
                   Stmt(lit("yield np.sum(b_ * b_)"))])]),
               Stmt(j(f"{acc} = sum({g}({{0}}, {{1}}))", v1, v2))]
    else:   # a generator over a dict's items
        g, d = scope.fresh("gd"), scope.fresh("D")
        out = [Stmt(j(f'{d} = {{{{"w": {{0}}, "bias": {{1}}}}}}', v1, c)),
               Stmt(blocks=[(lit(f"def {g}(d_):"), [
                   Stmt(blocks=[(lit("for k_, w_ in d_.items():"), [
                       Stmt(lit("yield np.sum(np.tanh(w_)) * len(k_)"))])])])]),
               Stmt(lit(f"{acc} = sum({g}({d}))"))]
    return bound(scope, acc, "s", out)


def _whiledata(gen, scope, ex, loop_depth, nest):
    """A while loop on data: shrinking a value until it is small (with or without a counter,
    or `while True` with a break), possibly returning early from inside."""
    rnd = gen.rnd
    h, k = scope.fresh("hd"), scope.fresh("k")
    c = lit(rnd.choice(["0.05", "0.1", "0.3"]))
    size = near(lit(f"np.sum({h} * {h})"), c)
    step = Stmt(j(f"{h} = 0.5 * {h} + 0.1 * np.tanh({{0}}) * {h}", ex.expr("v", 1)),
                keep=True)   # keeps the loop finite: |h| at least shrinks by 0.4
    out = [Stmt(j(f"{h} = {{0}}", ex.expr("v", 1)))]
    form = rnd.randrange(3)
    scope.push()
    body = inner(gen, scope, ex, loop_depth, nest)
    if scope.returns is not None and rnd.random() < 0.5:
        ret = gen.returning(scope, ex)
        body.append(Stmt(blocks=[(j("if {0} > {1}:", near(lit(f"np.sum({h})"), c), c),
                                  [ret])]))
    scope.pop()
    if form == 0:
        out.append(Stmt(blocks=[(j(f"while {{0}} > {{1}}:", size, c), [step] + body)]))
    elif form == 1:
        out.append(Stmt(lit(f"{k} = 0")))
        out.append(Stmt(blocks=[(j(f"while {{0}} > {{1}} and {k} < {rnd.choice([2, 3, 5])}:",
                                   size, c),
                                 [Stmt(lit(f"{k} += 1"), keep=True), step] + body)]))
    else:
        stop = Stmt(blocks=[(j(f"if {{0}} < {{1}}:", size, c), [Stmt(lit("break"))])],
                    keep=True)
        # the break right after the step: a continue among the body's statements must not
        # skip it (the loop would never end)
        out.append(Stmt(blocks=[(lit("while True:"), [step, stop] + body)]))
    return bound(scope, h, "v", out)


def _forsearch(gen, scope, ex, loop_depth, nest):
    """for ... else: a search that breaks when found (else: a default), with continue, or
    with a return from the loop or from the else block."""
    rnd = gen.rnd
    r, acc = scope.fresh("r"), scope.fresh("a")
    c = lit(rnd.choice(THRESH))
    form = rnd.randrange(3)
    out = [Stmt(j(f"{acc} = {{0}}", ex.expr("s", 1)))]
    src = ex.expr("m" if form == 2 else "v", 1)
    scope.bind(acc, "s")
    scope.push()
    scope.bind(r, "s" if form != 2 else "v")
    if form == 0:
        found = [Stmt(lit(f"{acc} = {acc} + {r} * 2.0")), Stmt(lit("break"))]
        body = [Stmt(blocks=[(j("if {0} > {1}:", near(lit(r), c), c), found)])]
        head = j(f"for {r} in {{0}}:", src)
    elif form == 1:
        body = [_jump(gen, r, "continue"), Stmt(lit(f"{acc} = {acc} * 0.5 + np.sin({r})"))]
        head = j(f"for {r} in {{0}}:", src)
    else:
        body = [Stmt(lit(f"{acc} = {acc} + np.sum(np.tanh({r})) * 0.25")),
                _jump(gen, f"np.sum({r})", "break")]
        head = j(f"for {r} in {{0}}:", src)
    body += inner(gen, scope, ex, loop_depth, nest)
    scope.pop()
    orelse = [Stmt(j(f"{acc} = {acc} * 0.5 + np.sum(np.cos({{0}}))", ex.expr("v", 1)))]
    if scope.returns is not None and rnd.random() < 0.3:
        orelse.append(gen.returning(scope, ex))
    out.append(Stmt(blocks=[(head, body), (lit("else:"), orelse)]))
    return bound(scope, acc, "s", out)


KINDS = {"usergen": _usergen, "whiledata": _whiledata, "forsearch": _forsearch}
