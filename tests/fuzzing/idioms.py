"""The idioms of issue #13 for the random-program tester (scripts/fuzz.py --idioms).

`statement` draws one idiom statement (a list of Stmt) in one of three groups:
- containers (here): dicts holding parameters (`.items()`, `.values()`, `.keys()`,
  `.get()`, iteration over the dict, dict comprehensions, `dict(zip(names, values))`,
  `.update`, `.setdefault`, `.pop`, a dict of results built in a loop);
- calls (idioms_calls.py): functions passed as values (to helpers calling them, in a list
  of functions, `map`, `sorted(key=)`), `*args`/`**kwargs` helpers and starred displays,
  objects (a list of layers of two classes, a dataclass of parameters made in the
  function, static and class methods), closures and `functools.partial`;
- Python shapes (idioms_shapes.py): `list(x)`, `tuple(x)`, `zip(*pairs)`,
  `enumerate(zip(...))`, nested comprehensions, `for ... else`, `%` on arrays,
  `.item()`, `.tolist()`, `sum(generator)`, `max(a, b)` of elements, `isinstance`,
  read-only `print` calls, `zip` kept in a name;
- the audit's (idioms_audit.py): logging and a progress callback given arrays, print in a
  branch never run, a dict copied then written, max/min with key=, starred assignment,
  `f(*(*L, v))`, an integrator passing *args on to its right-hand side, and plain-Python
  code of another package (tests/fake_site's flatlib).
Several of them hold a block of random statements (loops, branches, in-place writes) in
their loop bodies, and their results are bound to names later statements read and write
into. Constructs srcdiff does not support are refused (counted as refusals), never
crashes or wrong results.

The module-level code they call (IDIOM_HELPERS) goes into each program drawn with idioms.
The families of user code (families.py: objects, functions, generators, writes, control)
draw the kinds of idioms_users.py and idioms_flow.py by name, with user_helpers.py's
module-level code too; `habits`, `loops` and `funcs` (idioms_habits.py, idioms_loops.py,
idioms_funcs.py: partials called directly and of partials, map over bound methods, keys
passed to helpers picking from a module dict, callable objects in module containers,
generators to methods, starred for targets, divmod and //) and `numpy` (idioms_numpy.py:
NumPy's maps of functions, super() in records, zip strict=, copies written into, named
tuples, np.put/putmask/place, `w = u; u += x`) draw theirs by name too;
`--idioms` (True) draws only the kinds above.
"""
from .program import Stmt, j, lit

IDIOM_HELPERS = '''
import dataclasses
import functools


def star_sum(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def kw_mix(w, **kw):
    total = w * kw["a"]
    for k, v in kw.items():
        total = total + 0.25 * np.sum(np.sin(v))
    return total + kw.get("c", 0.5)


def apply_twice(g, v):
    return g(g(v) * 0.5)


def euler(g, y, dt, n=2):
    for _ in range(n):
        y = y + dt * g(y)
    return y


class Scale:
    K = 0.7

    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return np.tanh(t * self.w + 0.1)

    @staticmethod
    def act(t):
        return np.sin(t) * 0.5

    @classmethod
    def scaled(cls, t):
        return t * cls.K


class Shift:
    def __init__(self, b):
        self.b = b

    def forward(self, t):
        return np.sin(t + self.b)


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: float

    def predict(self, t):
        return np.tanh(t * self.w + self.b)
'''


class Raw:
    """Module-level source kept as it is (the shrinker may drop it whole)."""

    def __init__(self, text):
        self.text = text
        self.name = "idiom_helpers"
        self.body = []

    def render(self, probe):
        return self.text.strip("\n").split("\n")


def kinds(users=True):
    """{name: maker(gen, scope, ex, loop_depth, nest)} of every idiom statement; without
    `users`, only those of issue #13 that --idioms draws (the kinds of the families of user
    code, idioms_users.py and idioms_flow.py, are drawn by name: families.py)."""
    from . import (idioms_audit, idioms_calls, idioms_flow, idioms_funcs, idioms_habits,
                   idioms_loops, idioms_numpy, idioms_recent, idioms_shapes, idioms_users)
    out = {"dict": _dict, "dict_build": _dict_build, "star": _star}
    out.update(idioms_calls.KINDS)
    out.update(idioms_shapes.KINDS)
    out.update(idioms_audit.KINDS)
    if users:
        out.update(idioms_users.KINDS)
        out.update(idioms_flow.KINDS)
        out.update(idioms_habits.KINDS)
        out.update(idioms_loops.KINDS)
        out.update(idioms_funcs.KINDS)
        out.update(idioms_numpy.KINDS)
        out.update(idioms_recent.KINDS)
    return out


def helpers(idioms):
    """The module-level code of programs drawn with `idioms` (True or kind names)."""
    from . import (idioms_audit, idioms_flow, idioms_funcs, idioms_habits, idioms_numpy,
                   idioms_recent, idioms_users)
    from .user_helpers import USER_HELPERS
    users = set(idioms_users.KINDS) | set(idioms_flow.KINDS)
    if not isinstance(idioms, (tuple, list)):
        return IDIOM_HELPERS + idioms_audit.AUDIT_HELPERS
    text = IDIOM_HELPERS
    if set(idioms_audit.KINDS) & set(idioms):
        text += idioms_audit.AUDIT_HELPERS
    if users & set(idioms):
        text += USER_HELPERS
    if set(idioms_habits.KINDS) & set(idioms):
        text += idioms_habits.HABIT_HELPERS
    if set(idioms_funcs.KINDS) & set(idioms):
        text += idioms_funcs.FUNC_HELPERS
    if set(idioms_numpy.KINDS) & set(idioms):
        text += idioms_numpy.NUMPY_HELPERS
    if set(idioms_recent.KINDS) & set(idioms):
        text += idioms_recent.RECENT_HELPERS
    return text


def statement(gen, scope, ex, loop_depth, nest=0):
    """One idiom statement (a list of Stmt), binding its result in `scope`."""
    table = kinds()
    allowed = gen.idioms if isinstance(gen.idioms, (tuple, list)) else sorted(kinds(False))
    kind = gen.rnd.choice([k for k in allowed if k != "recordarg"])   # records_arg.RECORDS
    scope.last_idiom = None
    out = table[kind](gen, scope, ex, loop_depth, nest)
    return out + _used(gen, scope)


WIDER = {"s": "svm", "v": "vm", "m": "m"}


def _used(gen, scope):
    """Often, the idiom's result folded into a value of the program (so that derivatives
    flow through it to what f returns)."""
    last = scope.last_idiom
    if last is None or gen.rnd.random() < 0.4:
        return []
    name, kind = last
    targets = [n for n in sorted(scope.visible()) if scope.visible()[n] in WIDER[kind]
               and n != name]
    if not targets:
        return []
    target = gen.rnd.choice(targets)
    return [Stmt(lit(f"{target} = {target} + 0.2 * np.tanh({name})"))]


def inner(gen, scope, ex, loop_depth, nest):
    """A few random statements for a loop body an idiom holds (none when nested deep)."""
    if nest >= 2:
        return []
    return gen.block(scope, ex, gen.rnd.randint(0, 2), loop_depth + 1, nest + 1)


def bound(scope, name, kind, stmts):
    scope.bind(name, kind)
    scope.last_idiom = (name, kind)
    return stmts


def _dict(gen, scope, ex, loop_depth, nest):
    rnd = gen.rnd
    d, acc = scope.fresh("D"), scope.fresh("a")
    out = [Stmt(j(f'{d} = {{{{"w": {{0}}, "b": {{1}}}}}}', ex.expr("v", 1), ex.expr("s", 1)))]
    k, v = scope.fresh("k"), scope.fresh("v")
    form = rnd.randrange(9)
    if form == 4:
        out.append(Stmt(j(f"{d}.update(w={{0}})", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = np.sum({d}[\"w\"]) * {d}[\"b\"]")))
    elif form == 5:
        out.append(Stmt(lit(f"{v} = {d}.pop(\"w\")")))
        out.append(Stmt(lit(f"{acc} = np.sum(np.sin({v})) + {d}[\"b\"] * len({d})")))
    elif form == 0:
        out.append(Stmt(lit(f"{acc} = 0.0")))
        scope.push()
        body = [Stmt(lit(f"{acc} = {acc} + np.sum({v} * {v}) * 0.5"))]
        body += inner(gen, scope, ex, loop_depth, nest)
        scope.pop()
        out.append(Stmt(blocks=[(lit(f"for {k}, {v} in {d}.items():"), body)]))
    elif form == 1:
        out.append(Stmt(lit(f"{acc} = sum(np.sum(np.sin({v})) for {v} in {d}.values())")))
    elif form == 2:
        out.append(Stmt(lit(f"{acc} = np.sum({d}.get(\"w\") * {d}.get(\"c\", {d}[\"b\"]))")))
    elif form == 6:
        head = rnd.choice([f"for {k} in {d}:", f"for {k} in {d}.keys():",
                           f"for {k} in sorted({d}):"])
        out.append(Stmt(lit(f"{acc} = 0.0")))
        out.append(Stmt(blocks=[(lit(head), [Stmt(lit(
            f"{acc} = {acc} + np.sum(np.cos({d}[{k}]))"))])]))
    elif form == 7:
        out.append(Stmt(j(f"{v} = {d}.setdefault(\"c\", {{0}})", ex.expr("s", 1))))
        out.append(Stmt(lit(f"{acc} = np.sum({d}.setdefault(\"w\", 0.0)) * {v} + {d}[\"c\"]")))
    elif form == 8:
        names = scope.fresh("names")
        d2 = scope.fresh("D")
        out.append(Stmt(lit(f'{names} = ["u", "w"]')))
        out.append(Stmt(j(f"{d2} = dict(zip({names}, [{{0}}, {d}[\"w\"]]))", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = np.sum({d2}[\"u\"] * np.tanh({d2}[\"w\"])) + {d}[\"b\"]")))
    else:
        d2 = scope.fresh("D")
        out.append(Stmt(lit(f"{d2} = {{{k}: np.tanh({v}) for {k}, {v} in {d}.items()}}")))
        out.append(Stmt(lit(f"{acc} = np.sum({d2}[\"w\"]) + {d2}[\"b\"]")))
    return bound(scope, acc, "s", out)


def _dict_build(gen, scope, ex, loop_depth, nest):
    """A dict of results built in a loop, then read by its values."""
    rnd = gen.rnd
    d, acc, k, fn = scope.fresh("D"), scope.fresh("a"), scope.fresh("k"), scope.fresh("fn")
    pairs = rnd.sample([("sin", "np.sin"), ("sq", "np.square"), ("th", "np.tanh"),
                        ("ex", "np.exp")], 2)
    if rnd.random() < 0.3:   # the function each entry applies, from a table of pairs
        table = ", ".join(f'("{n}", {f})' for n, f in pairs)
        body = [Stmt(j(f"{d}[{k}] = np.sum({fn}({{0}}))", ex.squash(ex.expr("v", 1))))]
        head = f"for {k}, {fn} in ({table}):"
    else:
        names = ", ".join(f'"{n}"' for n, _ in pairs)
        body = [Stmt(j(f"{d}[{k}] = np.sum(np.sin({{0}})) * len({k})",
                       ex.squash(ex.expr("v", 1))))]
        head = f"for {k} in [{names}]:"
    out = [Stmt(lit(f"{d} = {{}}")), Stmt(blocks=[(lit(head), body)])]
    form = rnd.randrange(3)
    if form == 0:
        out.append(Stmt(lit(f"{acc} = sum({d}.values())")))
    elif form == 1:
        out.append(Stmt(lit(f'{acc} = {d}["{pairs[0][0]}"] * {d}["{pairs[1][0]}"]')))
    else:
        out.append(Stmt(lit(f"{acc} = np.array(list({d}.values()))")))
        out.append(Stmt(lit(f"{acc} = np.sum({acc} ** 2)")))
    return bound(scope, acc, "s", out)


def _star(gen, scope, ex, loop_depth, nest):
    rnd = gen.rnd
    acc = scope.fresh("a")
    if rnd.random() < 0.5:
        stmt = Stmt(j(f"{acc} = star_sum({{0}}, {{1}}, {{2}})", ex.expr("s", 1),
                      ex.expr("v", 1), ex.expr(rnd.choice("svm"), 1)))
        return bound(scope, acc, "s", [stmt])
    items = scope.fresh("L")
    return bound(scope, acc, "s", [
        Stmt(j(f"{items} = [{{0}}, {{1}}]", ex.expr("v", 1), ex.expr("v", 1))),
        Stmt(j(f"{acc} = star_sum({{0}}, *{items})", ex.expr("s", 1)))])
