"""Session 21's idioms not drawn before, for the random-program tester (the `recent` family
of tests/fuzzing/families.py; module-level code in RECENT_HELPERS): a small vector space
(`Vec`, a dataclass with `__add__`, `__mul__`, `__rmul__`, `__getitem__` and an `__iadd__`
returning a new object, sometimes one writing `self`'s fields) stepped in loops and by an
integrator; `nonlocal` counters and accumulators of nested defs (several names, an int
counter, a recursive nested def counting its calls, `*args`/`**kwargs` nested defs called
with starred tuples and dicts); rows and views of a fresh array updated in place
(`r = y[i]; r += ...`, columns, `r[:] = ...`, the row read after); a loss passed to a helper
that calls `srcdiff.grad(loss)` inside (an inner gradient step, also kept in a name, also with
respect to the second argument); one array at two places of a list, tuple or dict (read, or
updated in place through one place: srcdiff must follow it or refuse, never differ). The
family also draws the kinds of session 21 other families hold (closures, operators,
listedit, flatitem, gradaxes) and, through records_arg.py, makes a list, tuple or dict of
records f's differentiated argument."""
from .idioms import bound
from .program import Stmt, j, lit

RECENT_HELPERS = '''
import srcdiff


@dataclasses.dataclass
class Vec:
    p: np.ndarray
    q: float

    def __add__(self, o):
        return Vec(self.p + o.p, self.q + o.q)

    def __mul__(self, c):
        return Vec(self.p * c, self.q * c)

    def __rmul__(self, c):
        return Vec(c * self.p, c * self.q)

    def __getitem__(self, i):
        return self.p[i] * self.q

    def __iadd__(self, o):
        return Vec(self.p * 1.0 + o.p, self.q + o.q)


@dataclasses.dataclass
class Acc:
    p: np.ndarray
    q: float

    def __add__(self, o):
        return Acc(self.p + o.p, self.q + o.q)

    def __mul__(self, c):
        return Acc(self.p * c, self.q * c)

    __rmul__ = __mul__

    def __iadd__(self, o):
        self.p = self.p + o.p
        self.q = self.q + o.q
        return self


def vec_rhs(v):
    return Vec(np.sin(v.p) * v.q - 0.5 * v.p, 0.1 * np.sum(v.p))


def vec_euler(rhs, v, dt, n=2):
    for _ in range(n):
        v = v + dt * rhs(v)
    return v


def inner_loss(w, t):
    return np.sum(np.tanh(w * t)) + 0.5 * np.sum(w * w)


def inner_fit(w, t):
    return np.sum((np.sin(w) - t) ** 2) * 0.5


def descend(loss, w, t, n=2, lr=0.1):
    for _ in range(n):
        w = w - lr * srcdiff.grad(loss)(w, t)
    return w


def descend_data(loss, w, t):
    return t - 0.2 * srcdiff.grad(loss, wrt=1)(w, t)


def bump_first(lst, c):
    lst[0] += c
'''


def _vecspace(gen, scope, ex, loop_depth, nest):
    """The vector space Vec: + and scalar * (reflected too), v[i], v += w (Vec's __iadd__
    returns a new object, Acc's writes self's fields), in loops and an integrator."""
    rnd = gen.rnd
    v, acc, k = scope.fresh("v"), scope.fresh("a"), scope.fresh("k")
    cls = "Acc" if rnd.random() < 0.2 else "Vec"
    out = [Stmt(j(f"{v} = {cls}({{0}}, {{1}})", ex.expr("v", 1), ex.expr("s", 1)))]
    form = rnd.randrange(4)
    n = rnd.choice([2, 3])
    if form == 0:   # += in a loop, the step reading v[i]
        out.append(Stmt(blocks=[(lit(f"for {k} in range({n}):"), [
            Stmt(j(f"{v} += 0.5 * {cls}(np.tanh({v}.p) * {{0}}, {v}.q * 0.1)",
                   ex.squash(ex.expr("s", 1)))),
            Stmt(lit(f"{v} = {v} * 0.8"))])]))
    elif form == 1:   # an update from the loop's items (rows of a matrix)
        r = scope.fresh("r")
        out.append(Stmt(blocks=[(j(f"for {r} in {{0}}:", ex.expr("m", 1)), [
            Stmt(lit(f"{v} = {v} + {cls}({r} * 0.3, np.sum({r}) * 0.1) * 0.5")),
            Stmt(lit(f"{v} += {v} * 0.1"))])]))
    elif form == 2:   # the integrator given the right-hand side
        if cls == "Acc":
            out[0] = Stmt(j(f"{v} = Vec({{0}}, {{1}})", ex.expr("v", 1), ex.expr("s", 1)))
        out.append(Stmt(j(f"{v} = vec_euler(vec_rhs, {v}, {{0}}, n={n})",
                          j("0.1 * np.tanh({0})", ex.expr("s", 1)))))
    else:   # a list of them summed by a loop
        w, t = scope.fresh("w"), scope.fresh("t")
        out.append(Stmt(j(f"{w} = [{v}, {cls}({{0}}, 0.5), 2.0 * {v}]", ex.expr("v", 1))))
        out.append(Stmt(blocks=[(lit(f"for {t} in {w}[1:]:"), [
            Stmt(lit(f"{v} = {v} + 0.5 * {t}"))])]))
    fin = rnd.choice([f"{v}[0] + np.sum({v}.p) * {v}.q", f"{v}[1] * {v}.q",
                      f"np.sum(np.sin({v}.p)) + {v}[2]"])
    out.append(Stmt(lit(f"{acc} = {fin}")))
    return bound(scope, acc, "s", out)


def _counters(gen, scope, ex, loop_depth, nest):
    """nonlocal counters and accumulators: an int count and an array total of a visitor, a
    recursive nested def counting its calls, *args/**kwargs nested defs given starred
    tuples and dicts."""
    rnd = gen.rnd
    g, t, acc = scope.fresh("g"), scope.fresh("t"), scope.fresh("a")
    c, tot = scope.fresh("c"), scope.fresh("c")
    form = rnd.randrange(4)
    if form == 0:
        r = scope.fresh("r")
        body = f"def {g}({t}):\n    nonlocal {c}, {tot}\n    {c} += 1\n" \
               f"    {tot} = {tot} + {t} * {c}"
        if rnd.random() < 0.5:
            body += f"\n    return {tot}[0]"
        loop = rnd.choice([(j(f"for {r} in {{0}}:", ex.expr("m", 1)), f"{g}({r})"),
                           (lit(f"for {r} in range(3):"), f"{g}(np.sin({tot}) + {r})")])
        out = [Stmt(lit(f"{c} = 0")), Stmt(j(f"{tot} = {{0}} * 0.5", ex.expr("v", 1))),
               Stmt(lit(body)), Stmt(blocks=[(loop[0], [Stmt(lit(loop[1]))])]),
               Stmt(lit(f"{acc} = {tot} / {c}"))]
        return bound(scope, acc, "v", out)
    if form == 1:
        n = scope.fresh("n")
        out = [Stmt(lit(f"{c} = 0")),
               Stmt(j(f"def {g}({t}, {n}):\n    nonlocal {c}\n    {c} += 1\n"
                      f"    if {n} <= 0:\n        return {t}\n" + rnd.choice([
                          f"    return {g}(np.tanh({t}) * {{0}}, {n} - 1) + 0.5 * {t}",
                          f"    r = {g}(np.tanh({t}) * {{0}}, {n} - 1)\n"
                          f"    return r + 0.5 * {t}"]),
                      ex.squash(ex.expr("s", 1)))),
               Stmt(j(f"{acc} = {g}({{0}}, {rnd.choice([1, 2, 3])})", ex.expr("v", 1)))]
        if rnd.random() < 0.5:   # the count read after the call (a call of its own line)
            out.append(Stmt(lit(f"{acc} = {acc} * (1.0 + 0.1 * {c})")))
        return bound(scope, acc, "v", out)
    if form == 2:
        targs = scope.fresh("t")
        out = [Stmt(lit(f"def {g}(*ts, **kw):\n    out = kw.get(\"c\", 1.0) * ts[0]\n"
                        f"    for {t} in ts[1:]:\n        out = out + {t} * kw[\"w\"]\n"
                        f"    return out")),
               Stmt(j(f"{targs} = ({{0}}, {{1}})", ex.expr("v", 1), ex.expr("s", 1)))]
        call = rnd.choice([f"{g}(*{targs}, w={{0}})", f"{g}({{1}}, *{targs}, w={{0}}, c=0.5)",
                           f"{g}(*{targs}, **{{{{\"w\": {{0}}, \"c\": 2.0}}}})"])
        out.append(Stmt(j(f"{acc} = " + call, ex.expr("s", 1), ex.expr("v", 1))))
        return bound(scope, acc, "v", out)
    # two closures: one accumulating by nonlocal, one reading the total
    h = scope.fresh("g")
    out = [Stmt(j(f"{tot} = 0.0 * {{0}}", ex.expr("s", 1))),
           Stmt(lit(f"def {g}({t}):\n    nonlocal {tot}\n    {tot} += np.sum({t} * {t})")),
           Stmt(lit(f"def {h}({t}):\n    nonlocal {tot}\n    return {t} * {tot}"
                    if rnd.random() < 0.5 else f"def {h}({t}):\n    return {t} * {tot}")),
           Stmt(j(f"{g}({{0}})", ex.expr("v", 1))),
           Stmt(j(f"{g}({{0}})", ex.expr("m", 1))),
           Stmt(j(f"{acc} = {h}({{0}})", ex.expr("v", 1)))]
    return bound(scope, acc, "v", out)


def _rowview(gen, scope, ex, loop_depth, nest):
    """Rows and views of a fresh array (or a parameter's copy) updated in place: `r = y[i];
    r += ...` in a loop over rows, a column `c = y[:, i]; c *= ...`, `r[:] = ...`, the row
    read after its update."""
    rnd = gen.rnd
    y, r, i, acc = scope.fresh("y"), scope.fresh("r"), scope.fresh("i"), scope.fresh("a")
    src = lit("A") if scope.visible().get("A") == "m" and rnd.random() < 0.5 else \
        j("({0})", ex.expr("m", 1))
    make = rnd.choice(["{0}.copy()", "np.array({0})", "{0} * 1.0"])
    out = [Stmt(j(f"{y} = " + make, src))]
    form = rnd.randrange(4)
    if form == 0:
        op = rnd.choice(["+=", "-=", "*="])
        body = [Stmt(lit(f"{r} = {y}[{i}]")),
                Stmt(j(f"{r} {op} {{0}}", ex.squash(ex.expr(rnd.choice("sv"), 1))))]
        if rnd.random() < 0.5:
            body.append(Stmt(lit(f"{r}[0] = {r}[1] * 0.5")))
        out.append(Stmt(blocks=[(lit(f"for {i} in range({rnd.choice([2, 3])}):"), body)]))
    elif form == 1:
        c = scope.fresh("c")
        out += [Stmt(lit(f"{c} = {y}[:, {rnd.randrange(3)}]")),
                Stmt(j(f"{c} *= {{0}}", ex.expr("s", 1))),
                Stmt(j(f"{c} += {{0}}", ex.expr("v", 1)))]
    elif form == 2:
        out += [Stmt(lit(f"{r} = {y}[{rnd.randrange(3)}]")),
                Stmt(j(f"{r}[:] = np.tanh({r}) * {{0}}", ex.expr("s", 1))),
                Stmt(lit(f"{acc} = np.sum({r} * {r})"))]
        out.append(Stmt(lit(f"{acc} = {acc} + np.sum({y})")))
        scope.bind(y, "m")
        return bound(scope, acc, "s", out)
    else:   # a loop over the rows themselves, each updated and read after
        out.append(Stmt(lit(f"{acc} = 0.0")))
        out.append(Stmt(blocks=[(lit(f"for {r} in {y}:"), [
            Stmt(j(f"{r} *= {{0}}", ex.squash(ex.expr("s", 1)))),
            Stmt(lit(f"{acc} = {acc} + np.sum({r})"))])]))
        out.append(Stmt(lit(f"{acc} = {acc} * 0.5 + np.sum({y} * {y})")))
        scope.bind(y, "m")
        return bound(scope, acc, "s", out)
    return bound(scope, y, "m", out)


def _gradin(gen, scope, ex, loop_depth, nest):
    """A loss passed to a helper calling srcdiff.grad(loss) inside (an inner descent), the
    derivative made at the call or kept in a name, with respect to the data too."""
    rnd = gen.rnd
    w, acc, gname = scope.fresh("w"), scope.fresh("a"), scope.fresh("g")
    loss = rnd.choice(["inner_loss", "inner_fit"])
    form = rnd.randrange(4)
    if form == 0:
        out = [Stmt(j(f"{w} = descend({loss}, {{0}}, {{1}}, n={rnd.choice([1, 2])})",
                      ex.expr("v", 1), ex.expr(rnd.choice("sv"), 1)))]
    elif form == 1:
        out = [Stmt(j(f"{w} = descend_data({loss}, {{0}}, {{1}})", ex.expr("v", 1),
                      ex.expr("v", 1)))]
    elif form == 2:
        k = scope.fresh("k")
        out = [Stmt(lit(f"{gname} = srcdiff.grad({loss})")),
               Stmt(j(f"{w} = {{0}}", ex.expr("v", 1))),
               Stmt(blocks=[(lit(f"for {k} in range(2):"), [
                   Stmt(j(f"{w} = {w} - 0.1 * {gname}({w}, {{0}})", ex.expr("v", 1)))])])]
    else:
        out = [Stmt(j(f"{w} = {{0}} - 0.2 * srcdiff.grad({loss})({{0}}, {{1}})",
                      ex.expr("v", 1), ex.expr("s", 1)))]
    out.append(Stmt(lit(f"{acc} = {w} * 0.5")))
    return bound(scope, acc, "v", out)


def _repeated(gen, scope, ex, loop_depth, nest):
    """One array at two places of a list, tuple or dict: read through both, or updated in
    place through one (`lst[0] += v`, `d["a"] *= c`, `grid[0][0] += v`, a helper updating
    lst[0]) and read through the other: followed or refused, never a wrong derivative."""
    rnd = gen.rnd
    u, L, acc = scope.fresh("u"), scope.fresh("L"), scope.fresh("a")
    out = [Stmt(j(f"{u} = " + rnd.choice(["np.array({0})", "({0}).copy()", "{0} * 1.0"]),
                  ex.expr("v", 1)))]
    form = rnd.randrange(5)
    if form == 0:   # read only
        t = scope.fresh("t")
        out += [Stmt(lit(f"{L} = " + rnd.choice([f"[{u}, {u}]", f"({u}, {u})",
                                                 f"[{u}, {u} * 2.0, {u}]"]))),
                Stmt(lit(f"{acc} = sum(np.sum(np.sin({t}) * {t}) for {t} in {L})"))]
        return bound(scope, acc, "s", out)
    if form == 1:
        out += [Stmt(lit(f"{L} = [{u}, {u}]")),
                Stmt(j(f"{L}[{rnd.choice([0, 1])}] {rnd.choice(['+=', '*='])} {{0}}",
                       ex.expr(rnd.choice("sv"), 1)))]
    elif form == 2:
        out += [Stmt(lit(f'{L} = {{"a": {u}, "b": {u}}}')),
                Stmt(j(f'{L}["a"] {rnd.choice(["+=", "-=", "*="])} {{0}}',
                       ex.expr(rnd.choice("sv"), 1)))]
        out.append(Stmt(j(f'{acc} = np.sum({L}["b"] * {{0}}) + np.sum({u})', ex.expr("v", 1))))
        return bound(scope, acc, "s", out)
    elif form == 3:
        out += [Stmt(lit(f"{L} = [[{u}], [{u}]]")),
                Stmt(j(f"{L}[0][0] += {{0}}", ex.expr("v", 1)))]
        out.append(Stmt(j(f"{acc} = np.sum({L}[1][0] * {{0}})", ex.expr("v", 1))))
        return bound(scope, acc, "s", out)
    else:
        out += [Stmt(lit(f"{L} = [{u}, {u}]")),
                Stmt(j(f"bump_first({L}, {{0}})", ex.expr(rnd.choice("sv"), 1)))]
    out.append(Stmt(j(f"{acc} = np.sum({L}[1] * {{0}}) + np.sum({L}[0])", ex.expr("v", 1))))
    return bound(scope, acc, "s", out)


KINDS = {"vecspace": _vecspace, "counters": _counters, "rowview": _rowview,
         "gradin": _gradin, "repeated": _repeated}
