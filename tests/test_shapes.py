"""Shape specialisation (srcdiff/shapes.py): dropping `unbroadcast` must never change a gradient.

Random broadcasting programs, in straight lines and loops, are written to a module,
differentiated with and without knowing the shapes, and checked against finite
differences.
"""
import importlib.util
import sys

import numpy as np
import pytest

import srcdiff
from corpus import squares_in_a_loop
from gradcheck import numerical_grad
from srcdiff import shapes, transform

SHAPES = {"a": (3, 1), "b": (4,), "c": (), "d": (3, 4)}
UNARY = ["np.sin({})", "np.tanh({})", "({}) * 0.5", "-({})", "np.exp(0.1 * {})"]
BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / (2.0 + {} * {}))"]


def random_expr(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(list(SHAPES))
    if rng.random() < 0.4:
        return rng.choice(UNARY).format(random_expr(rng, depth - 1))
    form = rng.choice(BINARY)
    parts = [random_expr(rng, depth - 1) for _ in range(form.count("{}"))]
    return form.format(*parts)


def write_program(tmp_path, seed):
    rng = np.random.default_rng(seed)
    lines = ["import numpy as np", "", "", "def f(a, b, c, d):"]
    for i in range(3):
        lines.append(f"    t{i} = {random_expr(rng, 3)}")
    lines.append("    acc = t0")
    lines.append("    for k in range(2):")
    lines.append(f"        acc = acc * 0.5 + {random_expr(rng, 2)} + t1")
    lines.append("    return np.sum(acc * t2)")
    path = tmp_path / f"prog_{seed}.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location(f"prog_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.f


@pytest.mark.parametrize("seed", range(24))
def test_random_broadcasting_programs(tmp_path, seed):
    f = write_program(tmp_path, seed)
    rng = np.random.default_rng(100 + seed)
    args = [rng.uniform(0.2, 0.9, size=SHAPES[n]) for n in "abcd"]
    args[2] = float(args[2])
    for i, name in enumerate("abcd"):
        got = srcdiff.grad(f, wrt=i)(*args)           # shapes known: specialised code
        general = transform.load_emitted(transform.reverse_source(f, (name,)))
        np.testing.assert_allclose(got, general(*args), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got, numerical_grad(f, args, i), rtol=1e-5, atol=1e-7)


def test_broadcast_and_matmul_shape_rules():
    assert shapes.broadcast((3, 1), (4,)) == (3, 4)
    assert shapes.broadcast((3,), (4,)) is None
    assert shapes.matmul_shape((2, 3), (3, 4)) == (2, 4)
    assert shapes.matmul_shape((3,), (3, 4)) == (4,)
    assert shapes.matmul_shape((5, 2, 3), (3,)) == (5, 2)
    assert shapes.matmul_shape((2, 3), (4, 5)) is None


def scaled_sum(x, y):
    return np.sum(np.sin(x * y))


@pytest.mark.parametrize("x_shape, y_shape, summed", [
    ((2, 3, 4), (4,), "(d_mul_1 * x).sum(axis=(0, 1))"),
    ((2, 3, 4), (3, 1), "(d_mul_1 * x).sum(axis=(0, 2)).reshape((3, 1))"),
    ((2, 3, 4), (1, 3, 1), "(d_mul_1 * x).sum(axis=(0, 2), keepdims=True)"),
    ((2, 3, 4), (), "(d_mul_1 * x).sum()"),
    ((3, 4), (1, 1), "(d_mul_1 * x).sum(keepdims=True)"),
    ((3, 4), (1,), "(d_mul_1 * x).sum().reshape((1,))"),
])
def test_known_broadcasts_are_summed_in_place(x_shape, y_shape, summed):
    """With both shapes known, `unbroadcast` becomes the `.sum(...)` it stands for."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.0, size=x_shape)
    y = rng.uniform(0.5, 1.0, size=y_shape)
    if y_shape == ():
        y = float(y)
    text = transform.reverse_source(scaled_sum, ("y",), input_shapes={
        "x": x_shape, "y": y_shape}).text
    assert summed in text and "unbroadcast(" not in text.split("def unbroadcast")[0]
    got = srcdiff.grad(scaled_sum, wrt=1)(x, y)
    assert np.shape(got) == y_shape
    np.testing.assert_allclose(got, numerical_grad(scaled_sum, [x, y], 1), rtol=1e-6)


def test_known_shapes_need_no_stand_ins():
    """A total's adjoint broadcasts to a known shape: nothing is kept on the tape for it,
    and the square's product, of that shape, reads the seed itself (srcdiff/fold.py)."""
    rng = np.random.default_rng(1)
    w, xs = rng.uniform(-1, 1, size=4), rng.uniform(-1, 1, size=(5, 3, 4))
    text = transform.reverse_source(squares_in_a_loop, ("w",), input_shapes={
        "w": (4,), "xs": (5, 3, 4)}).text
    body = text.split("def shape_of")[0]
    assert "d_h = d_h + h * 2.0" in body and "broadcast_to" not in body, body
    assert "shape_of(" not in body and "expand_reduced(" not in body
    np.testing.assert_allclose(srcdiff.grad(squares_in_a_loop)(w, xs),
                               numerical_grad(squares_in_a_loop, [w, xs], 0), rtol=1e-6)


def reductions_over_axes(a, b):
    m = np.max(a, axis=1, keepdims=True)
    centred = np.exp(a - m) * b
    rows = np.sum(centred, axis=0)
    cols = np.mean(centred, 1)
    return np.sum(rows * 2.0) + np.sum(cols * cols) + np.sum(np.min(a, axis=-1) * b[0])


def test_reductions_over_literal_axes_have_known_shapes():
    rng = np.random.default_rng(2)
    a, b = rng.uniform(-1, 1, size=(3, 4)), rng.uniform(0.5, 1, size=(4,))
    text = transform.reverse_source(reductions_over_axes, ("a", "b"), input_shapes={
        "a": (3, 4), "b": (4,)}).text
    assert "unbroadcast(" not in text.split("def unbroadcast")[0]
    assert ".sum(axis=1, keepdims=True)" in text and ".sum(axis=0)" in text
    for i, name in enumerate("ab"):
        got = srcdiff.grad(reductions_over_axes, wrt=i)(a, b)
        general = transform.load_emitted(transform.reverse_source(reductions_over_axes, (name,)))
        np.testing.assert_allclose(got, general(a, b), rtol=1e-12)
        np.testing.assert_allclose(got, numerical_grad(reductions_over_axes, [a, b], i),
                                   rtol=1e-6, atol=1e-9)


def dots_and_detach(m, v):
    y = np.dot(m, v) + 1.0                 # matrix . vector
    fixed = srcdiff.stop_gradient(y * y)
    s = np.dot(fixed * y, y)                # vector . vector
    return s + np.sum(np.dot(m, m.T) * 0.5)  # matrix . matrix


def test_dot_and_stop_gradient_keep_shape_facts():
    rng = np.random.default_rng(3)
    m, v = rng.uniform(-1, 1, size=(3, 4)), rng.uniform(-1, 1, size=4)
    text = transform.reverse_source(dots_and_detach, ("m", "v"), input_shapes={
        "m": (3, 4), "v": (4,)}).text
    assert "unbroadcast(" not in text.split("def unbroadcast")[0]
    for i, name in enumerate("mv"):
        got = srcdiff.grad(dots_and_detach, wrt=i)(m, v)
        general = transform.load_emitted(transform.reverse_source(dots_and_detach, (name,)))
        np.testing.assert_allclose(got, general(m, v), rtol=1e-12)
    # stop_gradient makes `fixed` a constant: finite differences must hold it still
    frozen = (np.dot(m, v) + 1.0) ** 2

    def held(m, v):
        y = np.dot(m, v) + 1.0
        return np.dot(frozen * y, y) + np.sum(np.dot(m, m.T) * 0.5)
    for i in range(2):
        np.testing.assert_allclose(srcdiff.grad(dots_and_detach, wrt=i)(m, v),
                                   numerical_grad(held, [m, v], i), rtol=1e-6, atol=1e-9)


def _rebinds(a, b):
    a = a * 2.0
    return np.sum(a + b)


def test_sizes_are_read_from_the_parameters_never_written_as_numbers():
    """One variant serves every size of a shape pattern: where the adjoint needs a size, the
    emitted code reads it from a parameter that is never rebound (`b.shape`), and a shape
    known only through a rebound parameter keeps the general code; the gradients are right
    at other sizes of the same pattern."""
    import re
    from gradcheck import check
    g = srcdiff.grad(_rebinds, wrt=(0, 1))
    for n in (3, 7):
        a = np.linspace(0.1, 1.0, 2 * n).reshape(2, n)
        b = np.linspace(-1.0, 1.0, 2 * n).reshape(2, n)
        check(_rebinds, a, b, wrt=(0, 1))
        got = g(a, b)
        np.testing.assert_allclose(got[0], np.full_like(a, 2.0))
        np.testing.assert_allclose(got[1], np.ones_like(b))
    src = g.source
    assert "unbroadcast" not in src and "b.shape" in src and "a.shape" not in src, src
    assert not re.search(r"\b[37]\b", src.split('"""')[-1]), src  # no size written as a number


# --- the entry points: input_shapes, concrete, Shapes over lowered code -----------------------
def test_input_shapes_stand_sizes_in_by_placeholders():
    """Sizes other than 0 and 1 become placeholders, equal sizes the same one, so the facts
    found hold for every size; floats are 0-d; other values are left unknown."""
    pattern = shapes.input_shapes(["a", "b", "c", "d", "e"],
                                  [np.zeros((3, 1)), np.zeros((5, 3)), 2.0, True, [1.0]], {})
    a, b = pattern["a"], pattern["b"]
    assert a[1] == 1 and a[0] == b[1] and b[0] != b[1]
    assert not shapes.concrete(a) and shapes.concrete((3, 1)) and not shapes.concrete(None)
    assert pattern["c"] == () and "d" not in pattern and "e" not in pattern
    assert shapes.input_shapes(["x"], [], {"x": np.zeros(0)}) == {"x": (0,)}


def shape_differs_by_branch(x, c):
    if c > 0:
        y = x * 2.0
    else:
        y = np.sum(x) * 1.0
    return np.sum(np.sin(y) * x)


def test_shapes_that_differ_by_branch_are_unknown():
    from srcdiff.transform import lower_function
    low = lower_function(shape_differs_by_branch)
    facts = shapes.Shapes(low, {"x": (3,), "c": ()})
    assert facts.final.get("y") is None                  # (3,) or (): not certain
    x = np.array([0.3, -0.8, 1.1])
    for c in (1.0, -1.0):
        np.testing.assert_allclose(srcdiff.grad(shape_differs_by_branch)(x, c),
                                   numerical_grad(shape_differs_by_branch, [x, c], 0),
                                   rtol=1e-6, atol=1e-8)


def one_size_for_all(x, w):
    return np.sum(np.tanh(x * w) @ np.ones((x.shape[1], 2)))


def test_one_derivative_serves_every_size_of_a_pattern():
    g = srcdiff.grad(one_size_for_all, wrt=1)
    rng = np.random.default_rng(4)
    texts = []
    for n in (3, 7):
        x, w = rng.normal(size=(2, n)), rng.normal(size=n)
        np.testing.assert_allclose(g(x, w), numerical_grad(one_size_for_all, [x, w], 1),
                                   rtol=1e-6, atol=1e-8)
        texts.append(srcdiff.source(g))
    assert texts[0] == texts[1]          # sizes are never written into the code as numbers


def _ints_and_items(x, n, w):
    y = np.zeros_like(x)
    z = x.copy()
    k = 0
    j = 0
    for t in range(1, x.shape[0]):
        y[t] = z[t - 1] * w           # t - 1: an int, so z[t - 1] is one number
        k = k + 2
        j = j + 1
        z[k % 3] = y[j - 1]
    j = 0.5                            # j is bound to a float too: not surely an int
    m = n - 1                          # n is a parameter: what the caller passes
    return np.sum(y * z) + j + m


def test_integer_names_and_item_writes_keep_shape_facts():
    """Names only ever bound to ints (loop counters, literals, +, -, *, //, % of them,
    `k = k + 2` by induction) index one item; zeros_like and x.copy() keep x's shape, and
    so does an item write into the array."""
    low = transform.lower_function(_ints_and_items)
    facts = shapes.Shapes(low, {"x": (5,), "w": ()})
    assert {"t", "k"} <= facts.ints and not {"j", "n", "m", "x", "w"} & facts.ints
    final = facts.final
    assert final["y"] == (5,) and final["z"] == (5,)
    items = {s.targets[0].id: facts.of(s, s.targets[0].id)
             for s in transform.analyze.flatten(low.body)
             if isinstance(s, shapes.S.Assign) and isinstance(s.targets[0], shapes.S.Name)
             and s.sd.kind == shapes.Kind.SUBSCRIPT and s.value.value.id in ("y", "z")}
    known = {name: shape for name, shape in items.items() if shape is not None}
    assert list(known.values()) == [()] and len(items) == 2, items  # z[t-1], not y[j-1]
    rng = np.random.default_rng(5)
    args = [rng.normal(size=5), 3, 0.7]
    np.testing.assert_allclose(srcdiff.grad(_ints_and_items, wrt=(0, 2))(*args)[0],
                               numerical_grad(_ints_and_items, args, 0), rtol=1e-6, atol=1e-9)
