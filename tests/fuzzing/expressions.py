"""Typed random expressions: a scalar 's', a vector 'v' (3,) or a matrix 'm' (3, 3).

Each template is a format string over typed operands; functions with a kink or a
branch (abs, maximum, where, masks, max, norms, comparisons) mark the place of the
tie with `near`, so the probe rendering records how close the sample point came to it.
Domains are kept safe (log of positive values, exp of bounded values).
"""
from .program import j, lit, near

# elementwise maps safe on any real input: "{0}" is the operand
SMOOTH = [
    "np.sin({0})", "np.cos({0})", "np.tanh({0})", "np.exp(np.tanh({0}))",
    "np.log(1.5 + {0} * {0})", "np.sqrt(1.0 + {0} * {0})", "np.arctan({0})",
    "np.log1p(np.exp(np.tanh({0})))", "1.0 / (1.0 + np.exp(-{0}))", "np.square(np.tanh({0}))",
    "({0} ** 2)", "np.expm1(np.sin({0}))", "np.cosh(np.tanh({0}))", "np.sinh(np.tanh({0}))",
    "np.arcsinh({0})", "np.log(np.cosh({0}))", "np.power(1.5 + np.sin({0}), 1.5)",
    "np.hypot({0}, 1.0)", "np.logaddexp({0}, 0.5)", "np.exp2(np.tanh({0}))",
    "np.log2(2.0 + np.sin({0}))", "np.log10(2.0 + np.cos({0}))", "np.tan(0.5 * np.tanh({0}))",
    "np.arcsin(0.5 * np.tanh({0}))", "np.arccos(0.5 * np.tanh({0}))", "np.cbrt(2.0 + np.tanh({0}))",
    "np.reciprocal(2.0 + np.sin({0}))", "-{0}", "(0.5 * {0})", "np.sqrt(np.exp(np.tanh({0})))",
    "np.arctan2({0}, 2.0)", "np.float_power(1.2 + np.cos({0}), 2.0)",
]
# elementwise maps with a kink at zero (the operand is probed)
KINKED = ["abs({0})", "np.abs({0})", "np.maximum({0}, 0.0)", "np.minimum({0}, 0.1)",
          "np.clip({0}, -0.5, 0.5)", "np.fmax({0}, -0.2)", "np.sign({0}) * {0}"]
KINK_AT = {"np.maximum({0}, 0.0)": ("0.0",), "np.minimum({0}, 0.1)": ("0.1",),
           "np.clip({0}, -0.5, 0.5)": ("-0.5", "0.5"), "np.fmax({0}, -0.2)": ("-0.2",)}
MATH = ["math.sin({0})", "math.exp(math.tanh({0}))", "math.sqrt(1.0 + {0} * {0})",
        "math.cos({0})", "math.log(2.0 + math.sin({0}))", "pow({0}, 2)", "float({0})"]
CONST = ["0.5", "1.5", "(-0.7)", "2.0", "0.3", "(-1.2)", "0.9"]
THRESH = ["0.0", "0.2", "-0.3", "0.5", "1.0", "-1.0"]


class Expressions:
    """Draws expressions from a random source and a scope (see generator.Scope)."""

    def __init__(self, rnd, scope):
        self.rnd = rnd
        self.scope = scope

    def pick(self, options):
        return self.rnd.choice(options)

    def const(self):
        return lit(self.pick(CONST))

    def squash(self, e):
        t = self.pick(["np.tanh({0})", "np.sin({0})", "0.5 * np.tanh({0})",
                       "{0} / (1.0 + {0} * {0})", "np.arctan({0})"])
        return j(t, e)

    def smooth(self, e):
        return j(self.pick(SMOOTH), e)

    def kinked(self, e):
        t = self.pick(KINKED)
        probe = e
        for c in KINK_AT.get(t, ("0.0",)):
            probe = near(probe, lit(c))
        return j(t, probe)

    def leaf(self, shape):
        names = self.scope.names(shape)
        if shape == "s":
            ints = self.scope.ints()
            r = self.rnd.random()
            if ints and r < 0.15:
                return j(self.pick(["float({0})", "({0} * 0.3)", "(0.1 * {0} + 0.5)"]),
                         lit(self.pick(ints)))
            if not names or r < 0.3:
                return self.const()
        if names:
            return lit(self.pick(names))
        if shape == "v":
            return j(self.pick(["(np.ones(3) * {0})", "np.array([{0}, 0.5, -0.2])",
                                "np.full(3, {0})", "(np.linspace(0.0, 1.0, 3) * {0})"]),
                     self.expr("s", 0))
        return j(self.pick(["(np.eye(3) * {0})", "(np.ones((3, 3)) * {0})"]), self.expr("s", 0))

    def expr(self, shape, depth):
        if depth <= 0 or self.rnd.random() < 0.2:
            return self.leaf(shape)
        maker = {"s": self.scalar, "v": self.vector, "m": self.matrix}[shape]
        return maker(depth - 1)

    # -- shapes ---------------------------------------------------------------------------
    def scalar(self, d):
        e = self.expr
        r = self.rnd.randrange(15)
        if r == 0:
            return self.smooth(e("s", d))
        if r == 1:
            return j(self.pick(["({0} + {1})", "({0} - {1})", "({0} * {1})",
                                "({0} / (1.5 + {1} * {1}))"]), e("s", d), e("s", d))
        if r == 2:
            return j(self.pick(["np.sum({0})", "np.mean({0})", "{0}.sum()", "{0}.mean()",
                                "np.prod(1.0 + 0.5 * np.tanh({0}))", "np.std({0})",
                                "np.var({0})", "sum({0})", "np.sum({0} * {0})"]), e("v", d))
        if r == 3:
            shape = self.pick("vm")
            v = e(shape, d)
            t = self.pick(["np.max({0})", "np.min({0})", "{0}.max()", "np.linalg.norm({0})"]
                          + (["max({0}[0], {0}[1])", "min({0}[0], {0}[1])"]
                             if shape == "v" else []))
            probe = j("_tie({0})", v) if "max" in t or "min" in t else near(v, lit("0.0"))
            if t.startswith(("max(", "min(")):
                probe = j("_tie({0}[:2])", v)
                return (t.format(v[0]), t.format(probe[1]))
            return (t.format(v[0]), t.format(probe[1]))
        if r == 4:
            return j(self.pick(["{0}[0]", "{0}[-1]", "{0}[2]", "{0}[1]"]), e("v", d))
        if r == 5:
            return j(self.pick(["{0}[1, 2]", "{0}[0][1]", "{0}[-1, 0]", "np.trace({0})",
                                "np.linalg.det(np.tanh({0}))", "{0}.sum()",
                                "np.mean({0})"]), e("m", d))
        if r == 6:
            return j(self.pick(["({0} @ {1})", "np.dot({0}, {1})", "{0}.dot({1})",
                                "np.inner({0}, {1})"]), e("v", d), e("v", d))
        if r == 7:
            c = lit(self.pick(THRESH))
            return j("({1} if {0} > {3} else {2})", near(e("s", d), c), e("s", d), e("s", d), c)
        if r == 8:
            return self.kinked(e("s", d))
        if r == 9:
            return j(self.pick(MATH), e("s", d))
        if r == 10:
            return j("stop_gradient({0})", e("s", d))
        if r == 11:
            call = self.scope.call(self, "s", d)
            if call:
                return call
        if r == 12:
            ints = self.scope.ints(indexable=True)
            if ints:
                return j("{0}[{1}]", e("v", d), lit(self.pick(ints)))
        if r == 13:
            return j(self.pick(["np.sum({0}, axis=0)[1]", "np.max({0}, axis=1)[0]"]),
                     e("m", d)) if self.rnd.random() < 0.3 else j(
                "({0} * {1})", e("s", d), e("s", d))
        return j(self.pick(["({0} + {1})", "({0} * {1})", "({0} - {1})"]), e("s", d), e("s", d))

    def vector(self, d):
        e = self.expr
        r = self.rnd.randrange(18)
        if r == 0:
            return self.smooth(e("v", d))
        if r == 1:
            a, b = self.pick([("v", "v"), ("v", "s"), ("s", "v")])
            return j(self.pick(["({0} + {1})", "({0} - {1})", "({0} * {1})",
                                "({0} / (1.5 + {1} * {1}))"]), e(a, d), e(b, d))
        if r == 2:
            a, b = self.pick([("m", "v"), ("v", "m")])
            return j(self.pick(["({0} @ {1})", "np.dot({0}, {1})"]), e(a, d), e(b, d))
        if r == 3:
            return j(self.pick(["np.sum({0}, axis=0)", "{0}.mean(axis=1)", "{0}.sum(axis=1)",
                                "np.sum({0}, axis=1, keepdims=True)[:, 0]", "np.diag({0})",
                                "np.mean({0} - np.mean({0}, axis=0, keepdims=True), axis=1)",
                                "{0}[1]", "{0}[:, 0]", "{0}[-1, :]", "{0}.T[2]",
                                "np.linalg.norm({0}, axis=1)", "{0}.dot({1})",
                                "np.linalg.solve(3.0 * np.eye(3) + np.tanh({0}), {1})"]),
                     e("m", d), e("v", d))
        if r == 4:
            m = e("m", d)
            t = self.pick(["np.max({0}, axis=1)", "np.min({0}, axis=0)", "{0}.max(axis=0)"])
            return (t.format(m[0]), t.format(f"_tie({m[1]}, {t[-2]})"))
        if r == 5:
            return j(self.pick(["{0}[::-1]", "{0}[[2, 0, 1]]", "{0}[np.array([1, 1, 0])]",
                                "np.concatenate([{0}[1:], {0}[:1]])", "np.cumsum({0})",
                                "np.cumprod(1.0 + 0.3 * np.tanh({0}))", "{0}.copy()",
                                "np.flip({0})", "np.roll({0}, 1)", "np.array({0})",
                                "np.concatenate([{0}[:2] * 0.5, {0}[2:]])"]), e("v", d))
        if r == 6:
            c = lit(self.pick(THRESH))
            return j(self.pick(["np.where({0} > {3}, {1}, {2})", "np.where({0} < {3}, {1}, {2})"]),
                     near(e("v", d), c), e("v", d), e(self.pick("vs"), d), c)
        if r == 7:
            a, b = e("v", d), e("v", d)
            return (f"np.maximum({a[0]}, {b[0]})",
                    f"np.maximum(_near({a[1]}, {b[1]}), {b[1]})")
        if r == 8:
            return self.kinked(e("v", d))
        if r == 9:
            return j(self.pick(["np.stack([{0}, {1}, {2}])", "np.array([{0}, {1}, {2}])"]),
                     e("s", d), e("s", d), e("s", d))
        if r == 10:
            return j("stop_gradient({0})", e("v", d))
        if r == 11:
            call = self.scope.call(self, "v", d)
            if call:
                return call
        if r == 12:
            return j(self.pick(["np.array([{0} * t + np.sin(t) for t in {1}])",
                                "np.stack([np.tanh(t) for t in {1}])"]), e("s", d), e("v", d))
        if r == 13:
            return j(self.pick(["np.stack([row @ {1} for row in {0}])",
                                "np.array([np.sum(row * row) for row in {0}])"]),
                     e("m", d), e("v", d))
        if r == 14:
            c = lit(self.pick(THRESH))
            return j("np.where({0} > {2}, {1}, 0.0)", near(e("v", d), c), e("v", d), c)
        return j(self.pick(["({0} + {1})", "({0} * {1})"]), e("v", d), e("v", d))

    def matrix(self, d):
        e = self.expr
        r = self.rnd.randrange(12)
        if r == 0:
            return self.smooth(e("m", d))
        if r == 1:
            a, b = self.pick([("m", "m"), ("m", "v"), ("v", "m"), ("m", "s"), ("s", "m")])
            return j(self.pick(["({0} + {1})", "({0} - {1})", "({0} * {1})"]), e(a, d), e(b, d))
        if r == 2:
            return j(self.pick(["({0}[:, None] * {1})", "np.outer({0}, {1})",
                                "np.stack([{0}, {1}, {0}])", "np.stack([{0}, {1}, {1}], axis=1)"]),
                     e("v", d), e("v", d))
        if r == 3:
            return j(self.pick(["({0} @ {1})", "np.dot({0}, {1})", "np.matmul({0}, {1})"]),
                     e("m", d), e("m", d))
        if r == 4:
            return j(self.pick(["{0}.T", "np.transpose({0})", "{0}[::-1]", "{0}[:, [2, 0, 1]]",
                                "{0}.reshape(9).reshape(3, 3)",
                                "({0} - np.mean({0}, axis=0, keepdims=True))",
                                "({0} / (1.0 + np.sum({0} * {0}, axis=1, keepdims=True)))",
                                "np.linalg.inv(3.0 * np.eye(3) + np.tanh({0}))",
                                "{0}.copy()", "np.triu({0})"]), e("m", d))
        if r == 5:
            c = lit(self.pick(THRESH))
            return j("np.where({0} > {2}, {0}, {1})", near(e("m", d), c), e("m", d), c)
        if r == 6:
            return self.kinked(e("m", d))
        if r == 7:
            return j("(np.eye(3) * {0})", e("s", d))
        if r == 8:
            return j("stop_gradient({0})", e("m", d))
        if r == 9:
            call = self.scope.call(self, "m", d)
            if call:
                return call
        return j(self.pick(["({0} + {1})", "({0} * {1})"]), e("m", d), e("m", d))
