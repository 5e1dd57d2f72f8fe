"""Copy propagation (srcdiff/optimize.py) and the definedness facts it and the reverse pass
read (analyze.Definedness): right results, in work linear in the function's length."""
import importlib.util

import numpy as np

from srcdiff import analyze, optimize, transform
from srcdiff import syntax as S
from gradcheck import check

_STEPS = (
    "a = np.sin(a) * 0.5 + b",
    "b = b * 0.5 - 0.25 * c",
    "c = np.tanh(c + a) * b",
    "s = s + np.sum(a * c)",
    "t = a + b",
    "a = t * 0.5",
    "c = c - np.mean(b) * t",
    "b = np.exp(-b * b) + t",
)


def straight_line(n, tmp_path):
    """A straight-line function of n steps, written to a real module (srcdiff reads source)."""
    lines = ["import numpy as np", "", "", "def f(x, y):",
             "    a = x", "    b = y", "    c = x * y", "    s = 0.0"]
    lines += ["    " + _STEPS[k % len(_STEPS)] for k in range(n)]
    lines.append("    return s + np.sum(a * b * c)")
    path = tmp_path / f"straight_{n}.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location(f"straight_{n}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def test_long_straight_line_function_is_right(tmp_path):
    f = straight_line(60, tmp_path)
    x = np.linspace(0.1, 0.9, 4)
    y = np.linspace(-0.5, 0.5, 4)
    check(f, x, y, wrt=(0, 1), modes=("rev", "fwd"), order=2)


def _scan_steps(f, monkeypatch):
    steps = [0]
    loads = optimize._Facts.loads

    def counted(self, j):
        steps[0] += 1
        return loads(self, j)
    monkeypatch.setattr(optimize._Facts, "loads", counted)
    transform.reverse_source(f, ["x", "y"])
    return steps[0]


def test_copy_propagation_work_is_linear(tmp_path, monkeypatch):
    """Statements looked at while propagating copies: proportional to the length (it was
    quadratic: a 3,000-line function took minutes)."""
    small = _scan_steps(straight_line(100, tmp_path), monkeypatch)
    large = _scan_steps(straight_line(400, tmp_path), monkeypatch)
    assert small > 0
    assert large <= 4.5 * small


def _reference(body, params):
    """Definedness as plainly stated: a full set before every statement."""
    out = {}

    def block(body, maybe, must):
        for stmt in body:
            out[id(stmt)] = (frozenset(maybe), frozenset(must))
            if isinstance(stmt, S.If):
                m1, d1 = block(stmt.body, set(maybe), set(must))
                m2, d2 = block(stmt.orelse, set(maybe), set(must))
                maybe, must = m1 | m2, d1 & d2
            elif isinstance(stmt, (S.For, S.While)):
                header = {stmt.target.id} if isinstance(stmt, S.For) else set()
                m1, _ = block(stmt.body, maybe | header, must | header)
                m2, _ = block(stmt.body, m1, must | header)
                maybe = m2
            else:
                name = analyze.assigned(stmt)
                if name is not None:
                    maybe, must = maybe | {name}, must | {name}
        return maybe, must
    block(body, set(params), set(params))
    return out


def branches_and_loops(x, n):
    y = x * 2.0
    if n > 1:
        z = y + 1.0
        w = z * z
    else:
        z = y - 1.0
    for i in range(n):
        y = y * z
        if i > 2:
            v = y + x
            break
    while n > 0:
        n = n - 1
        u = y * 0.5
    t = y + z
    return t


def test_definedness_matches_full_sets():
    low = transform.lower_function(branches_and_loops)
    defined = analyze.Definedness(low.body, low.params)
    expected = _reference(low.body, low.params)
    assert len(expected) > 10
    for stmt in analyze.flatten(low.body):
        maybe, must = expected[id(stmt)]
        assert set(defined.maybe(stmt)) == maybe
        assert set(defined.must(stmt)) == must
        names = {n.id for n in S.walk(stmt) if isinstance(n, S.Name)} | maybe | {"nowhere"}
        for name in names:
            assert (name in defined.maybe(stmt)) == (name in maybe)
            assert (name in defined.must(stmt)) == (name in must)


def _chain_of_copies(x, w):
    h = np.tanh(x * w)
    s = np.sum(h * h)
    return s * 2.0 + np.sum(w)


def test_copy_propagation_reads_the_names_the_transform_walked(monkeypatch):
    """transform.py walks the names of the adjoint's statements once (for its adjoint names
    and defer_scalar_factor); propagate_copies counts from that walk where the adjoint is
    still those statements, and gives what counting afresh gives."""
    import srcdiff
    from srcdiff.api import clear_cache
    given = []
    real = optimize.propagate_copies

    def checking(body, names, keep=(), names_of=None):
        given.append(names_of)
        if names_of is not None:
            assert [list(found) for found in names_of] == \
                [list(S.walk_names(stmt)) for stmt in body]
            fresh = [S.clone(stmt) for stmt in body]
            want = S.dump(S.Module(body=real(fresh, names, keep), type_ignores=[]))
            got = real(body, names, keep, names_of)
            assert S.dump(S.Module(body=got, type_ignores=[])) == want
            return got
        return real(body, names, keep)
    monkeypatch.setattr(optimize, "propagate_copies", checking)
    clear_cache()
    x, w = np.linspace(0.1, 0.9, 4), np.linspace(-0.5, 0.5, 4)
    srcdiff.grad(_chain_of_copies, wrt=(0, 1))(x, w)
    assert given and given[0] is not None
    check(_chain_of_copies, x, w, wrt=(0, 1))
