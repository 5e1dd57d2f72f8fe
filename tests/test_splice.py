"""srcdiff/splice.py: templates made into emitted statements, in both modes.

Each case splices a registered rule for a call `y = f(a, b)`, runs the spliced
statements on numbers, and compares what they compute with finite differences
of f: the adjoints d_a, d_b for a cotangent g (reverse), the tangent of y for
tangents of a and b (forward). Also: inactive operands drop their statements,
and temporaries get fresh names.
"""
import numpy as np
import pytest
try:  # scipy is optional: its case runs where it is installed
    import scipy.special
except ImportError:  # pragma: no cover
    scipy = None

from srcdiff import emit, rules
from srcdiff import syntax as S
from srcdiff.names import Namer
from srcdiff.splice import Replace, instantiate_forward, instantiate_reverse

rules.load_templates()

CASES = [
    (np.arctan2, 0.7, -1.3),
    (np.divide, 1.1, 0.4),
] + ([(scipy.special.betaln, 1.7, 2.6)]   # a temporary shared by both operands' statements
     if scipy is not None else [])


def _run(stmts, values):
    """Run emitted statements in a function of the names in `values`; its locals after."""
    namespace = dict(values.pop("__bindings__", {}))
    params = sorted(values)
    fdef = S.function_def("spliced", params, stmts + S.quote("return locals()"))
    exec(emit.to_source([fdef]), namespace)
    return namespace["spliced"](**{p: values[p] for p in params})


def _fd(f, a, b, da, db, eps=1e-6):
    return (f(a + eps * da, b + eps * db) - f(a - eps * da, b - eps * db)) / (2 * eps)


def _splice_reverse(func, active):
    template = rules.lookup("reverse", func)
    mapping = template.bind(S.load("y"), [S.load("a"), S.load("b")], {})
    bindings = {}
    parts = list(instantiate_reverse(template, mapping, active, "g", Namer({"a", "b", "y", "g"}),
                                     bindings))
    return parts, bindings


@pytest.mark.parametrize("func, a, b", CASES)
def test_reverse_splice_gives_the_adjoints(func, a, b):
    parts, bindings = _splice_reverse(func, {"a", "b"})
    stmts = [p for k, p in parts if k == "stmt"]
    stmts += [S.Assign(targets=[S.store(f"acc_{target}")], value=expr, type_comment=None)
              for k, (target, expr) in ((k, p) for k, p in parts if k == "acc")]
    assert sorted(p[0] for k, p in parts if k == "acc") == ["a", "b"]
    g = 0.9
    got = _run(stmts, {"a": a, "b": b, "y": func(a, b), "g": g, "__bindings__": bindings})
    assert got["acc_a"] == pytest.approx(g * _fd(func, a, b, 1.0, 0.0), rel=1e-6)
    assert got["acc_b"] == pytest.approx(g * _fd(func, a, b, 0.0, 1.0), rel=1e-6)


@pytest.mark.parametrize("func, a, b", CASES)
def test_reverse_splice_drops_inactive_operands(func, a, b):
    parts, _ = _splice_reverse(func, {"b"})
    assert [p[0] for k, p in parts if k == "acc"] == ["b"]
    parts, _ = _splice_reverse(func, set())
    assert parts == []   # temporaries nothing reads are dropped too


@pytest.mark.parametrize("func, a, b", CASES)
@pytest.mark.parametrize("tangents", [("ta", "tb"), ("ta", None), (None, "tb")])
def test_forward_splice_gives_the_tangent(func, a, b, tangents):
    template = rules.lookup("forward", func)
    mapping = template.bind(S.load("y"), [S.load("a"), S.load("b")], {})
    params = list(template.signature.parameters)[1:3]   # the template's names for a, b
    tangent_of = {p: t for p, t in zip(params, tangents) if t is not None}
    bindings = {}
    temps, terms, _ = instantiate_forward(template, mapping, tangent_of,
                                          Namer({"a", "b", "y", "ta", "tb"}),
                                          bindings.__setitem__)
    assert len(terms) == len(tangent_of)
    total = terms[0]
    for t in terms[1:]:
        total = S.BinOp(left=total, op=S.Add(), right=t)
    stmts = temps + [S.Assign(targets=[S.store("tan_y")], value=total, type_comment=None)]
    ta, tb = 0.3, -0.8
    got = _run(stmts, {"a": a, "b": b, "y": func(a, b), "ta": ta, "tb": tb,
                       "__bindings__": bindings})
    da = ta if tangents[0] else 0.0
    db = tb if tangents[1] else 0.0
    assert got["tan_y"] == pytest.approx(_fd(func, a, b, da, db), rel=1e-6)


def test_temporaries_get_fresh_names_in_both_modes():
    pytest.importorskip("scipy.special")
    namer = Namer({"both"})   # the template's temporary name is taken
    template = rules.lookup("reverse", scipy.special.betaln)
    mapping = template.bind(S.load("y"), [S.load("a"), S.load("b")], {})
    parts = list(instantiate_reverse(template, mapping, {"a"}, "g", namer, {}))
    (kind, temp), = [p for p in parts if p[0] == "stmt"]
    assert temp.targets[0].id != "both" and temp.targets[0].id.startswith("both")
    template = rules.lookup("forward", scipy.special.betaln)
    mapping = template.bind(S.load("y"), [S.load("a"), S.load("b")], {})
    temps, terms, _ = instantiate_forward(template, mapping, {"a": "ta"}, namer, lambda n, o: 0)
    assert temps[0].targets[0].id not in ("both", temp.targets[0].id)


def test_replace_one_substitution_for_both_modes():
    stmt = S.quote("d[x] = d[y] * x + t")[0]
    subs = {"x": S.load("u"), "t": "t_1"}
    rev = Replace(subs, "reverse", {"y": "g"}).visit(S.clone(stmt))
    assert rev.targets[0].name == "u"   # an accumulation into u's adjoint
    assert S.dump(rev.value) == S.dump(S.quote_expr("g * u + t_1"))
    fwd = Replace(subs, "forward", {"x": "tan_u"}).visit(S.clone(stmt))
    assert S.dump(fwd.value) == S.dump(S.quote_expr("d[y] * u + t_1"))
    fwd = Replace(subs, "forward", {"y": "tan_y"}).visit(S.clone(stmt))
    assert S.dump(fwd.value) == S.dump(S.quote_expr("tan_y * u + t_1"))
    names_only = S.quote("z = x + t", x=S.load("u"), t="t_1")[0]
    assert S.dump(names_only) == S.dump(S.quote("z = u + t_1")[0])
