"""Idioms of issue #13's audit for the random-program tester (see idioms.py; helper `idioms`,
tests/test_issue13_idioms.py): calls that only read (logging, a progress callback given
arrays, print in a branch that never runs), a dict copied (`dict(d)`, `{**d, "c": v}`,
`dict(d, b=v)`, `d.copy()`) then written, `max`/`min` with `key=`, starred assignment
(`first, *rest = ...`), a fixed-parameter function called with a starred display of
starred items (`blend(*(*L, v))`), an integrator passing `*args` on to the right-hand side
it takes, and plain-Python code of another package on the way (tests/fake_site's flatlib,
put on sys.path here so that the programs can import it)."""
import os
import sys

from .idioms import bound
from .program import Stmt, j, lit

_SITE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                     "fake_site", "site-packages")
if _SITE not in sys.path:
    sys.path.append(_SITE)

AUDIT_HELPERS = '''
import logging

import flatlib

LOG = logging.getLogger("srcdiff.fuzz")


def progress(step, value):
    if step < -1:
        print(step, value)


def blend(a, b, c=0.5):
    return a * c + np.tanh(b)


def rk2(g, y, dt, *args):
    k1 = g(y, *args)
    k2 = g(y + dt * k1, *args)
    return y + 0.5 * dt * (k1 + k2)


def decay_rhs(y, k):
    return -k * y + 0.1 * np.sin(y)
'''


def _visible(scope):
    return sorted(n for n, k in scope.visible().items() if k in ("s", "v", "m")) or ["s"]


def _readers(gen, scope, ex, loop_depth, nest):
    """Calls that only read values of the program: logging, a user's progress callback,
    print in a branch that never runs."""
    rnd = gen.rnd
    names = rnd.sample(_visible(scope), min(2, len(_visible(scope))))
    form = rnd.randrange(4)
    if form == 0:
        return [Stmt(lit(f'LOG.debug("values %s", {", ".join(names)})'))]
    if form == 1:
        return [Stmt(lit(f'logging.info("%s and %s", {names[0]}, {names[-1]})'))]
    if form == 2:
        return [Stmt(lit(f"progress({rnd.randrange(3)}, {names[0]})"))]
    return [Stmt(blocks=[(lit(f"if np.sum(np.abs({names[0]})) > 1e9:"),
                          [Stmt(lit(f'print("diverged", {names[0]})'))])])]


def _dictcopy(gen, scope, ex, loop_depth, nest):
    """A dict of parameters copied, the copy written, both read."""
    rnd = gen.rnd
    d, q, acc = scope.fresh("D"), scope.fresh("Q"), scope.fresh("a")
    out = [Stmt(j(f'{d} = {{{{"w": {{0}}, "b": {{1}}}}}}', ex.expr("v", 1), ex.expr("s", 1)))]
    copy = rnd.choice([f"dict({d})", f'{{{{**{d}, "c": {{0}}}}}}', f"dict({d}, b={{0}})",
                       f"{d}.copy()"])
    out.append(Stmt(j(f"{q} = {copy}", ex.expr("s", 1))))
    out.append(Stmt(j(f'{q}["w"] = {q}["w"] * 0.5 + {{0}}', ex.squash(ex.expr("v", 1)))))
    out.append(Stmt(lit(f'{acc} = np.sum({q}["w"] * {d}["w"]) + {q}["b"] * {d}["b"] + '
                        f'{q}.get("c", 0.25)')))
    return bound(scope, acc, "s", out)


def _maxkey(gen, scope, ex, loop_depth, nest):
    """max / min with key=: of three numbers by a function or a lambda, of two numbers, or
    the position of the smallest item of a vector; the probe records how close keys come."""
    from .idioms_calls import scalar_functions
    rnd = gen.rnd
    acc, fn = scope.fresh("a"), rnd.choice(["max", "min"])
    form = rnd.randrange(3)
    if form == 2:
        vec, k = scope.fresh("V"), scope.fresh("k")
        key = "lambda i_: " + vec + "[i_]"
        return bound(scope, acc, "s", [
            Stmt(j(f"{vec} = {{0}}", ex.expr("v", 1))),
            Stmt((f"{k} = {fn}(range(3), key={key})",
                  f"{k} = {fn}(_keyed([0, 1, 2], {key}), key={key})")),
            Stmt(j(f"{acc} = {vec}[{k}] * {{0}}", ex.expr("s", 1)))])
    key = rnd.choice(scalar_functions(gen, scope) + ["abs", "lambda t_: (t_ - 0.3) ** 2"])
    if form == 0:
        items = j("[{0}, {1}, {2}]", ex.expr("s", 1), ex.expr("s", 1), ex.expr("s", 1))
        text = (f"{acc} = {fn}({items[0]}, key={key})",
                f"{acc} = {fn}(_keyed({items[1]}, {key}), key={key})")
    else:
        a, b = ex.expr("s", 1), ex.expr("s", 1)
        text = (f"{acc} = {fn}({a[0]}, {b[0]}, key={key})",
                f"{acc} = {fn}(_keyed([{a[1]}, {b[1]}], {key}), key={key})")
    return bound(scope, acc, "s", [Stmt(text)])


def _starassign(gen, scope, ex, loop_depth, nest):
    """first, *rest = ...; *init, last = ...; head, *mid, tail = ..."""
    rnd = gen.rnd
    acc, a, b = scope.fresh("a"), scope.fresh("p"), scope.fresh("r")
    form = rnd.randrange(3)
    if form == 0:
        return bound(scope, acc, "s", [
            Stmt(j(f"{a}, *{b} = list({{0}})", ex.expr("v", 1))),
            Stmt(lit(f"{acc} = {a} * sum({b}) + len({b})"))])
    if form == 1:
        return bound(scope, acc, "s", [
            Stmt(j(f"*{b}, {a} = [{{0}}, {{1}}, {{2}}]", ex.expr("s", 1), ex.expr("s", 1),
                   ex.expr("s", 1))),
            Stmt(lit(f"{acc} = sum({b}) * {a}"))])
    c = scope.fresh("t")
    return bound(scope, acc, "v", [
        Stmt(j(f"{a}, *{b}, {c} = ({{0}}, {{1}}, {{2}}, {{3}})", *[ex.expr("v", 1)
                                                                  for _ in range(4)])),
        Stmt(lit(f"{acc} = {a} * {c} + sum({b})"))])


def _starcall(gen, scope, ex, loop_depth, nest):
    """A function of fixed parameters called with a starred display of starred items."""
    rnd = gen.rnd
    items, parts, acc = scope.fresh("L"), scope.fresh("T"), scope.fresh("a")
    out = [Stmt(j(f"{items} = [{{0}}]", ex.expr("v", 1)))]
    form = rnd.randrange(3)
    if form == 0:
        out.append(Stmt(j(f"{parts} = (*{items}, {{0}})", ex.expr("v", 1))))
        out.append(Stmt(lit(f"{acc} = blend(*{parts})")))
    elif form == 1:
        out.append(Stmt(j(f"{acc} = blend(*(*{items}, {{0}}), c={{1}})", ex.expr("v", 1),
                          ex.expr("s", 1))))
    else:
        out.append(Stmt(j(f"{parts} = [*{items}, {{0}}, {{1}}]", ex.expr("v", 1),
                          ex.expr("s", 1))))
        out.append(Stmt(lit(f"{acc} = blend(*{parts})")))
    return bound(scope, acc, "v", out)


def _rhs(gen, scope, ex, loop_depth, nest):
    """An integrator taking the right-hand side as a value and passing *args on to it."""
    rnd = gen.rnd
    y, k = scope.fresh("Y"), scope.fresh("k")
    out = [Stmt(j(f"{y} = {{0}}", ex.expr("v", 1))),
           Stmt(j(f"{k} = 0.5 + 0.25 * np.tanh({{0}})", ex.expr("s", 1)))]
    scope.bind(k, "s")
    if rnd.random() < 0.5:
        out.append(Stmt(lit(f"{y} = rk2(decay_rhs, {y}, 0.1, {k})")))
    else:
        i = scope.fresh("i")
        out.append(Stmt(blocks=[(lit(f"for {i} in range(2):"),
                                 [Stmt(lit(f"{y} = rk2(decay_rhs, {y}, 0.05, {k})"))])]))
    return bound(scope, y, "v", out)


def _library(gen, scope, ex, loop_depth, nest):
    """Plain-Python code of another package (flatlib) called on values of the program."""
    rnd = gen.rnd
    acc, flat = scope.fresh("a"), scope.fresh("F")
    form = rnd.randrange(3)
    if form == 0:
        return bound(scope, acc, "s", [
            Stmt(j(f"{flat} = flatlib.flatten([{{0}}, {{1}}])", ex.expr("v", 1),
                   ex.expr("v", 1))),
            Stmt(lit(f"{acc} = flatlib.weighted_norm({flat}, np.arange(1.0, 7.0)) * 0.1"))])
    if form == 1:
        return bound(scope, acc, "s", [Stmt(j("%s = flatlib.pairs([{0}, {1}, {2}])" % acc,
                                              ex.expr("s", 1), ex.expr("s", 1),
                                              ex.expr("s", 1)))])
    return bound(scope, acc, "v", [Stmt(j(f"{acc} = flatlib.flatten([{{0}}, {{1}}])[1:4]",
                                          ex.expr("v", 1), ex.expr("s", 1)))])


KINDS = {"readers": _readers, "dictcopy": _dictcopy, "maxkey": _maxkey,
         "starassign": _starassign, "starcall": _starcall, "rhs": _rhs, "library": _library}
