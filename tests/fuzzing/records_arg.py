"""A list, tuple or dict of records as f's first argument (session 21: srcdiff differentiates
with respect to one), for the random-program tester's `recent` family: `f(P, A, s)` where P
holds two records of one class (`Dense`, a dataclass, or `Layer`, a class whose `__init__`
stores its parameters), each a (3,) array `w` and a float `b`; f's body starts by making
its `x` from P (a loop over the records, indexing, a sum over them, a dict's keys or items)
and goes on as the generator's other programs do. The records' classes live here, where
the programs import them from (a record's class must be importable for its source).

The oracle treats such an argument as a tree of float leaves (`flat`, `unflat`: the arrays
and floats of the records in order), so that a direction, a step, a gradient and a tangent
are all the same shape of records."""
import copy
import dataclasses

import numpy as np

from .program import Stmt, lit

RECORDS = "recordarg"   # the pseudo-kind a family lists to make some programs' x such a P


@dataclasses.dataclass
class Dense:
    w: np.ndarray
    b: float


class Layer:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def __repr__(self):
        return f"Layer({self.w!r}, {self.b!r})"


IMPORT = "from fuzzing.records_arg import Dense, Layer\n"


# -- trees of float leaves --------------------------------------------------------------------
def is_tree(value):
    return isinstance(value, (list, tuple, dict, Dense, Layer))


def _children(tree):
    if isinstance(tree, dict):
        return [tree[k] for k in sorted(tree)]
    if isinstance(tree, (list, tuple)):
        return list(tree)
    return [tree.w, tree.b]


def flat(tree):
    """The float leaves of a tree (or an array or a float) as one 1-d vector."""
    if not is_tree(tree):
        return np.asarray(tree, dtype=float).reshape(-1)
    parts = [flat(c) for c in _children(tree)]
    return np.concatenate(parts) if parts else np.zeros(0)


def unflat(like, vector):
    """A tree shaped as `like` holding `vector`'s values (a float leaf stays a float)."""
    vector = np.asarray(vector, dtype=float)
    out, used = _unflat(like, vector, 0)
    assert used == vector.size, (used, vector.size)
    return out


def _unflat(like, vector, at):
    if isinstance(like, float):
        return float(vector[at]), at + 1
    if not is_tree(like):
        n = np.size(like)
        return vector[at:at + n].reshape(np.shape(like)).copy(), at + n
    if isinstance(like, dict):
        out = {}
        for k in sorted(like):
            out[k], at = _unflat(like[k], vector, at)
        return {k: out[k] for k in like}, at
    if isinstance(like, (list, tuple)):
        items = []
        for c in like:
            item, at = _unflat(c, vector, at)
            items.append(item)
        return type(like)(items), at
    w, at = _unflat(like.w, vector, at)
    b, at = _unflat(like.b, vector, at)
    made = copy.copy(like)
    made.w, made.b = w, b
    return made, at


def structure(tree):
    """The tree's shape without its numbers (classes, keys, array shapes)."""
    if isinstance(tree, dict):
        return ("dict", tuple((k, structure(tree[k])) for k in sorted(tree)))
    if isinstance(tree, (list, tuple)):
        return (type(tree).__name__, tuple(structure(c) for c in tree))
    if isinstance(tree, (Dense, Layer)):
        return (type(tree).__name__, structure(tree.w), structure(tree.b))
    return ("leaf", np.shape(tree))


def tree_copy(tree):
    return unflat(tree, flat(tree)) if is_tree(tree) else tree


# -- drawing ----------------------------------------------------------------------------------
def draw(gen, scope, ex):
    """([Stmt] making f's x from P, the form of P: "list:Dense", "dict:Layer", ...)."""
    rnd = gen.rnd
    container = rnd.choice(["list", "tuple", "dict"])
    form = f"{container}:{rnd.choice(['Dense', 'Dense', 'Layer'])}"
    r, k = scope.fresh("r"), scope.fresh("k")
    if container == "dict":
        choices = [
            [Stmt(lit('x = np.tanh(P["enc"].w * P["dec"].b) + P["dec"].w'))],
            [Stmt(lit("x = np.zeros(3)")),
             Stmt(blocks=[(lit(f"for {k} in P:"), [
                 Stmt(lit(f"x = x * 0.5 + np.sin(P[{k}].w) * P[{k}].b"))])])],
            [Stmt(lit("x = np.full(3, 0.1)")),
             Stmt(blocks=[(lit(f"for {k}, {r} in P.items():"), [
                 Stmt(lit(f"x = np.tanh({r}.w * x + {r}.b)"))])])]]
    else:
        choices = [
            [Stmt(lit("x = np.full(3, 0.1)")),
             Stmt(blocks=[(lit(f"for {r} in P:"), [
                 Stmt(lit(f"x = np.tanh({r}.w * x + {r}.b)"))])])],
            [Stmt(lit("x = P[0].w * P[1].b + np.sin(P[1].w) * P[0].b"))],
            [Stmt(lit(f"x = sum({r}.w * {r}.b for {r} in P) + P[-1].w"))],
            [Stmt(lit("x = np.zeros(3)")),
             Stmt(blocks=[(lit(f"for {k}, {r} in enumerate(P):"), [
                 Stmt(lit(f"x = x + ({k} + 1.0) * np.tanh({r}.w) * {r}.b"))])])]]
    out = rnd.choice(choices)
    if rnd.random() < 0.3:   # s reads a record too
        first = '"enc"' if container == "dict" else "0"
        out.append(Stmt(lit(f"s = s + np.sum(P[{first}].w) * 0.2")))
    scope.bind("x", "v")
    return out, form


def point(rnd, form):
    """(P, A, s): a sample point for a program whose first argument has this form."""
    from .generator import sample_point
    x, A, s = sample_point(rnd)
    nr = np.random.default_rng(rnd.randrange(2 ** 32))
    container, cls = form.split(":")
    make = Dense if cls == "Dense" else Layer
    items = [make(nr.normal(scale=0.7, size=3), float(nr.normal(scale=0.5))) for _ in range(2)]
    if container == "dict":
        return {"enc": items[0], "dec": items[1]}, A, s
    return (items if container == "list" else tuple(items)), A, s


def args_text(args):
    """The source of a repro's ARGS."""
    def text(v):
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k!r}: {text(c)}" for k, c in v.items()) + "}"
        if isinstance(v, (list, tuple)):
            inner = ", ".join(text(c) for c in v)
            return f"[{inner}]" if isinstance(v, list) else f"({inner},)"
        if isinstance(v, (Dense, Layer)):
            return f"{type(v).__name__}({text(v.w)}, {text(v.b)})"
        if isinstance(v, np.ndarray):
            return f"np.array({v.tolist()!r})"
        return repr(v)
    return "(" + ", ".join(text(a) for a in args) + ")"

