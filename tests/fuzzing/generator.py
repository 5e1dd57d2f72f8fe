"""Random Python/NumPy programs, deterministic per seed (`random.Random(seed)`).

`generate(seed)` returns a Program: up to three module-level helpers (loops, defaults,
tuple returns, recursion) and `f(x, A, s)` (x: (3,), A: (3, 3), s: float) built from
assignments, augmented assignments, item and slice writes (index, slice, mask, fancy
index), if/elif/else, for loops (range, arrays, rows, enumerate, zip, reversed, lists,
tuples), while loops (counted and data dependent), break/continue, early returns, lists
built by append/pop then stacked, tuple packing/unpacking/swaps, lambdas and nested defs
(closures). Values are kept bounded (assignments in loops are squashed).
"""
import random

import numpy as np

from . import records_arg
from .expressions import THRESH, Expressions
from .program import Function, Program, Stmt, j, lit, near
from .records_arg import RECORDS

SHAPES = "svm"


class Scope:
    """Names visible at a point: typed values, integer loop indices, callables."""

    def __init__(self, rnd, helpers):
        self.rnd = rnd
        self.helpers = helpers      # [(name, [param shapes], result shape or tuple)]
        self.frames = [{}]
        self.counter = [0]
        self.returns = None         # the shape(s) the current function returns

    def fresh(self, prefix):
        self.counter[0] += 1
        return f"{prefix}{self.counter[0]}"

    def bind(self, name, kind):
        self.frames[-1][name] = kind

    def push(self):
        self.frames.append({})

    def pop(self):
        self.frames.pop()

    def visible(self):
        out = {}
        for frame in self.frames:
            out.update(frame)
        return out

    def names(self, shape):
        return sorted(n for n, k in self.visible().items() if k == shape)

    def ints(self, indexable=False):
        kinds = ("idx",) if indexable else ("idx", "int")
        return sorted(n for n, k in self.visible().items() if k in kinds)

    def lambdas(self):
        return sorted(n for n, k in self.visible().items() if k == "fn")

    def call(self, ex, shape, d):
        options = [h for h in self.helpers if h[2] == shape]
        lams = self.lambdas()
        if lams and (not options or self.rnd.random() < 0.4):
            return j("{0}({1})", lit(self.rnd.choice(lams)), ex.expr(shape, d))
        if not options:
            return None
        name, params, _, extra = self.rnd.choice(options)
        args = [ex.expr(p, d) for p in params]
        text = ", ".join("{%d}" % i for i in range(len(args)))
        if extra == "rec":
            return j(f"{name}({text}, {self.rnd.choice([1, 2, 3])})", *args)
        if extra == "default" and self.rnd.random() < 0.5:
            return j(f"{name}({text}, c={self.rnd.choice(['0.25', '-0.4', '1.1'])})", *args)
        return j(f"{name}({text})", *args)


class Generator:
    def __init__(self, seed, idioms=False):
        self.rnd = random.Random(seed)
        self.seed = seed
        self.helpers = []
        # draw issue #13's idioms too (tests/fuzzing/idioms.py): True for all of them, or a
        # tuple of the kinds (names of idioms.kinds()) to draw from
        self.idioms = idioms

    # -- statements -----------------------------------------------------------------------
    def block(self, scope, ex, n, loop_depth, nest):
        out = []
        for _ in range(n):
            out.extend(self.statement(scope, ex, loop_depth, nest))
        return out

    def value(self, scope, ex, shape, loop_depth):
        e = ex.expr(shape, self.rnd.randint(1, 3))
        if loop_depth or self.rnd.random() < 0.4:
            e = ex.squash(e)
        return e

    def condition(self, scope, ex):
        c = lit(self.rnd.choice(THRESH))
        op = self.rnd.choice([">", "<", ">="])
        return j("{0} %s {1}" % op, near(ex.expr("s", self.rnd.randint(1, 2)), c), c)

    def statement(self, scope, ex, loop_depth, nest):
        rnd = self.rnd
        kinds = ["assign"] * 5 + ["reassign"] * 3 + ["aug"] * 2 + ["write"] * 3 + ["tuple"]
        if nest < 2:
            kinds += ["if"] * 2 + ["for"] * 2 + ["while", "list", "fn"]
        if loop_depth:
            kinds += ["jump"] * 2
        if scope.returns is not None:
            kinds += ["return"]
        if self.idioms:
            kinds += ["idiom"] * (3 if self.idioms is True else 8)
        kind = rnd.choice(kinds)
        return getattr(self, "s_" + kind)(scope, ex, loop_depth, nest)

    def s_assign(self, scope, ex, loop_depth, nest):
        shape = self.rnd.choice("ssvvm")
        name = scope.fresh("a")
        e = self.value(scope, ex, shape, loop_depth)
        scope.bind(name, shape)
        return [Stmt(j(name + " = {0}", e))]

    def s_reassign(self, scope, ex, loop_depth, nest):
        shape = self.rnd.choice(SHAPES)
        names = scope.names(shape)
        if not names:
            return self.s_assign(scope, ex, loop_depth, nest)
        name = self.rnd.choice(names)
        e = self.value(scope, ex, shape, loop_depth)
        if loop_depth and self.rnd.random() < 0.5:
            return [Stmt(j(f"{name} = 0.5 * {name} + 0.5 * {{0}}", e))]
        if self.rnd.random() < 0.05:  # an alias, then a rebinding or an in-place update
            other = self.rnd.choice(names)
            return [Stmt(lit(f"{name} = {other}"))]
        return [Stmt(j(name + " = {0}", e))]

    def s_aug(self, scope, ex, loop_depth, nest):
        shape = self.rnd.choice(SHAPES)
        names = scope.names(shape)
        if not names:
            return self.s_assign(scope, ex, loop_depth, nest)
        name = self.rnd.choice(names)
        rhs = self.rnd.choice({"s": "s", "v": "sv", "m": "svm"}[shape])
        e = ex.squash(ex.expr(rhs, self.rnd.randint(0, 2)))
        op = self.rnd.choice(["+= {0}", "-= {0}", "*= (0.5 + 0.4 * {0})",
                              "/= (1.5 + {0} * {0})"])
        if loop_depth and op.startswith(("+", "-")):
            op = op[:3] + "0.3 * {0}"
        return [Stmt(j(f"{name} {op}", e))]

    def s_write(self, scope, ex, loop_depth, nest):
        rnd = self.rnd
        shape = rnd.choice("vvm")
        names = scope.names(shape)
        if not names:
            return self.s_assign(scope, ex, loop_depth, nest)
        t = rnd.choice(names)
        idx = scope.ints(indexable=True)
        i = lit(rnd.choice(idx if idx and rnd.random() < 0.5 else ["0", "1", "2", "-1"]))
        s = ex.squash(ex.expr("s", rnd.randint(0, 2)))
        v = ex.squash(ex.expr("v", rnd.randint(0, 2)))
        c = lit(rnd.choice(THRESH))
        if shape == "v":
            choice = rnd.randrange(9)
            forms = ["{t}[{i}] = {s}", "{t}[{i}] += {s}", "{t}[1:] = {t}[1:] * np.tanh({t}[:-1])",
                     "{t}[:2] = {v}[1:]", "{t}[::2] *= {s}", "{t}[{t} > {c}] = {s}",
                     "{t}[[0, 2]] += {s}", "{t}[np.array([2, 0])] = {v}[:2]", "{t}[-1] -= {s}"]
        else:
            choice = rnd.randrange(6)
            forms = ["{t}[{i}] = {v}", "{t}[:, {i}] = {v}", "{t}[{i}, 1] *= {s}",
                     "{t}[{t} > {c}] = {s}", "{t}[1:, :] = {t}[:-1, :] * 0.5", "{t}[{i}] += {v}"]
        form = forms[choice]
        tt = lit(t)
        mask = near(tt, c) if "{t} > {c}" in form else tt
        plain = form.replace("{t} > {c}", f"{mask[0]} > {c[0]}")
        probe = form.replace("{t} > {c}", f"{mask[1]} > {c[1]}")
        parts = {"t": tt, "i": i, "s": s, "v": v}
        return [Stmt((plain.format(**{k: p[0] for k, p in parts.items()}),
                      probe.format(**{k: p[1] for k, p in parts.items()})))]

    def s_tuple(self, scope, ex, loop_depth, nest):
        rnd = self.rnd
        shape = rnd.choice(SHAPES)
        names = scope.names(shape)
        r = rnd.randrange(4)
        if r == 0 and len(names) >= 2:
            a, b = rnd.sample(names, 2)
            return [Stmt(lit(f"{a}, {b} = {b}, {a}"))]
        tuple_helpers = [h for h in self.helpers if isinstance(h[2], tuple)]
        if r == 1 and tuple_helpers:
            name, params, result, _ = rnd.choice(tuple_helpers)
            args = [ex.expr(p, rnd.randint(0, 2)) for p in params]
            p, q = scope.fresh("p"), scope.fresh("q")
            scope.bind(p, result[0])
            scope.bind(q, result[1])
            text = ", ".join("{%d}" % k for k in range(len(args)))
            return [Stmt(j(f"{p}, {q} = {name}({text})", *args))]
        s1, s2 = rnd.choice(SHAPES), rnd.choice(SHAPES)
        e1, e2 = self.value(scope, ex, s1, loop_depth), self.value(scope, ex, s2, loop_depth)
        p, q = scope.fresh("p"), scope.fresh("q")
        if r == 2:
            tup = scope.fresh("tup")
            out = [Stmt(j(f"{tup} = ({{0}}, {{1}})", e1, e2)),
                   Stmt(lit(f"{p}, {q} = {tup}") if rnd.random() < 0.6
                        else lit(f"{p} = {tup}[0]\n{q} = {tup}[-1]"))]
        else:
            out = [Stmt(j(f"{p}, {q} = {{0}}, {{1}}", e1, e2))]
        scope.bind(p, s1)
        scope.bind(q, s2)
        return out

    def s_if(self, scope, ex, loop_depth, nest):
        blocks = []
        n = self.rnd.choice([1, 1, 2, 3])
        for k in range(n):
            if k == 0:
                header = j("if {0}:", self.condition(scope, ex))
            elif k == n - 1 and self.rnd.random() < 0.7:
                header = lit("else:")
            else:
                header = j("elif {0}:", self.condition(scope, ex))
            scope.push()
            blocks.append((header, self.block(scope, ex, self.rnd.randint(1, 3),
                                              loop_depth, nest + 1)))
            scope.pop()
        return [Stmt(blocks=blocks)]

    def s_for(self, scope, ex, loop_depth, nest):
        rnd = self.rnd
        scope.push()
        r = rnd.randrange(8)
        if r <= 1:
            i = scope.fresh("i")
            n = rnd.choice([1, 2, 3])
            header = lit(f"for {i} in range({n}):")
            scope.bind(i, "idx")
        elif r == 2:
            row = scope.fresh("row")
            header = j(f"for {row} in {{0}}:", ex.expr("m", rnd.randint(0, 1)))
            scope.bind(row, "v")
        elif r == 3:
            i, e = scope.fresh("i"), scope.fresh("r")
            header = j(f"for {i}, {e} in enumerate({{0}}):", ex.expr("v", rnd.randint(0, 1)))
            scope.bind(i, "idx")
            scope.bind(e, "s")
        elif r == 4:
            a, b = scope.fresh("r"), scope.fresh("q")
            header = j(f"for {a}, {b} in zip({{0}}, {{1}}):", ex.expr("v", rnd.randint(0, 1)),
                       ex.expr("v", rnd.randint(0, 1)))
            scope.bind(a, "s")
            scope.bind(b, "s")
        elif r == 5:
            e = scope.fresh("r")
            shape = rnd.choice("sv")
            header = j(f"for {e} in [{{0}}, {{1}}]:" if rnd.random() < 0.5
                       else f"for {e} in ({{0}}, {{1}}):", ex.expr(shape, 1), ex.expr(shape, 1))
            scope.bind(e, shape)
        else:
            e = scope.fresh("r")
            header = j(f"for {e} in {{0}}:" if r == 6 else f"for {e} in reversed({{0}}):",
                       ex.expr("v", rnd.randint(0, 1)))
            scope.bind(e, "s")
        body = self.block(scope, ex, rnd.randint(1, 3), loop_depth + 1, nest + 1)
        scope.pop()
        return [Stmt(blocks=[(header, body)])]

    def s_while(self, scope, ex, loop_depth, nest):
        k = scope.fresh("k")
        n = self.rnd.choice([2, 3, 4])
        if self.rnd.random() < 0.5:
            header = lit(f"while {k} < {n}:")
        else:
            header = j(f"while {k} < {n} and {{0}}:", self.condition(scope, ex))
        scope.push()
        scope.bind(k, "int")
        body = [Stmt(lit(f"{k} += 1"), keep=True)]
        body += self.block(scope, ex, self.rnd.randint(1, 3), loop_depth + 1, nest + 1)
        scope.pop()
        scope.bind(k, "int")
        return [Stmt(lit(f"{k} = 0")), Stmt(blocks=[(header, body)])]

    def s_jump(self, scope, ex, loop_depth, nest):
        word = self.rnd.choice(["break", "continue"])
        return [Stmt(blocks=[(j("if {0}:", self.condition(scope, ex)), [Stmt(lit(word))])])]

    def s_return(self, scope, ex, loop_depth, nest):
        return [Stmt(blocks=[(j("if {0}:", self.condition(scope, ex)),
                              [self.returning(scope, ex)])])]

    def returning(self, scope, ex):
        shapes = scope.returns if isinstance(scope.returns, tuple) else (scope.returns,)
        parts = [ex.expr(s, self.rnd.randint(1, 3)) for s in shapes]
        text = ", ".join("{%d}" % k for k in range(len(parts)))
        return Stmt(j(f"return {text}", *parts))

    def s_list(self, scope, ex, loop_depth, nest):
        rnd = self.rnd
        shape = rnd.choice("sv")
        name = scope.fresh("L")
        out = [Stmt(j(f"{name} = [{{0}}]", ex.expr(shape, 1)))]
        i = scope.fresh("i")
        scope.push()
        scope.bind(i, "idx")
        body = [Stmt(j(f"{name}.append({{0}})", self.value(scope, ex, shape, 1)))]
        body += self.block(scope, ex, rnd.randint(0, 2), loop_depth + 1, nest + 1)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {i} in range({rnd.choice([1, 2, 3])}):"), body)]))
        if rnd.random() < 0.4:
            out.append(Stmt(lit(f"{name}.pop()")))
        res = scope.fresh("a")
        if rnd.random() < 0.3:
            out.append(Stmt(lit(f"{res} = [{'t * 0.5' if shape == 's' else 'np.sum(t)'} "
                                f"for t in {name}]")))
            name, shape = res, "s"
            res = scope.fresh("a")
        forms = (["np.sum(np.stack({0}), axis=0)", "np.array({0}).mean(axis=0)", "sum({0})",
                  "np.stack({0})[-1]", "{0}[-1]", "{0}[0] * {0}[-1]", "np.vstack({0})[0]"])
        form = rnd.choice(forms[:-1] if shape == "s" else forms)
        out.append(Stmt(lit(f"{res} = " + form.format(name))))
        scope.bind(res, shape)
        return out

    def s_idiom(self, scope, ex, loop_depth, nest):
        from . import idioms
        return idioms.statement(self, scope, ex, loop_depth, nest)

    def s_fn(self, scope, ex, loop_depth, nest):
        name = scope.fresh("lam")
        scal = scope.names("s")
        body = ex.smooth(lit("t"))
        if scal and self.rnd.random() < 0.6:
            body = j("{0} * {1}", body, lit(self.rnd.choice(scal)))
        if self.rnd.random() < 0.5:
            stmt = Stmt(j(f"{name} = lambda t: {{0}}", body))
        else:
            stmt = Stmt(blocks=[(lit(f"def {name}(t):"), [Stmt(j("return {0}", body))])])
        scope.bind(name, "fn")
        return [stmt]

    # -- functions ------------------------------------------------------------------------
    def helper(self, k):
        rnd = self.rnd
        name = f"h{k}"
        kind = rnd.choice(["plain", "plain", "default", "tuple", "rec"])
        params = [rnd.choice(SHAPES) for _ in range(rnd.choice([1, 1, 2]))]
        pnames = ["t", "u"][:len(params)]
        scope = Scope(rnd, list(self.helpers))
        for p, shape in zip(pnames, params):
            scope.bind(p, shape)
        ex = Expressions(rnd, scope)
        if kind == "tuple":
            result = (rnd.choice(SHAPES), rnd.choice(SHAPES))
        elif kind == "rec":
            result = params[0]
        else:
            result = rnd.choice(SHAPES)
        sig = ", ".join(pnames)
        if kind == "default":
            sig += ", c=0.5"
            scope.bind("c", "s")
        if kind == "rec":
            scope.bind("n", "int")
            base = Stmt(blocks=[(lit("if n <= 0:"), [Stmt(j("return {0}", ex.expr(result, 1)))])])
            others = "".join(", " + p for p in pnames[1:])
            step = ex.squash(ex.expr(result, 2))
            body = [base] + self.block(scope, ex, rnd.randint(0, 2), 0, 1)
            body.append(Stmt(j(f"return {name}({{0}}{others}, n - 1)", step)))
            self.helpers.append((name, params, result, "rec"))
            return Function(name, sig + ", n", body)
        scope.returns = result
        body = self.block(scope, ex, rnd.randint(1, 4), 0, 0)
        body.append(self.returning(scope, ex))
        self.helpers.append((name, params, result, kind))
        return Function(name, sig, body)

    def program(self):
        rnd = self.rnd
        functions = [self.helper(k) for k in range(rnd.choice([0, 0, 1, 1, 2, 3]))]
        scope = Scope(rnd, list(self.helpers))
        for p, shape in (("x", "v"), ("A", "m"), ("s", "s")):
            scope.bind(p, shape)
        ex = Expressions(rnd, scope)
        scope.returns = rnd.choice("sssvm")
        records, body = None, []
        if isinstance(self.idioms, tuple) and RECORDS in self.idioms and rnd.random() < 0.5:
            body, records = records_arg.draw(self, scope, ex)   # f(P, A, s): x made from P
        body += self.block(scope, ex, rnd.randint(2, 7), 0, 0)
        body.append(self.returning(scope, ex))
        functions.append(Function("f", "P, A, s" if records else "x, A, s", body))
        if self.idioms:
            from .idioms import Raw, helpers
            functions.insert(0, Raw(helpers(self.idioms)))
        if records:
            from .idioms import Raw
            functions.insert(0, Raw(records_arg.IMPORT))
        wrt = rnd.choice([0, 0, 0, 1, 2])
        point = records_arg.point(rnd, records) if records else sample_point(rnd)
        program = Program(functions, point, wrt)
        program.records = records
        return program


def sample_point(rnd):
    nr = np.random.default_rng(rnd.randrange(2 ** 32))
    return (nr.normal(scale=0.7, size=3), nr.normal(scale=0.5, size=(3, 3)),
            float(nr.normal(scale=0.7)))


def generate(seed):
    """The program drawn for `seed` (always the same one)."""
    return Generator(seed).program()
