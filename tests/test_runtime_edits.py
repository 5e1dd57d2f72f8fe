"""srcdiff/runtime_edits.py: the helpers of numpy.delete, insert and meshgrid, tested
directly. Each adjoint is the transpose of a NumPy call linear in the operand it
differentiates, so finite differences of <cotangent, call(x)> give its exact answer; each
tangent must equal finite differences of the call along the tangent."""
import numpy
import pytest

from srcdiff import runtime_edits as re_
from gradcheck import assert_close_tree, numerical_grad

RNG = numpy.random.default_rng(23)


def _vjp(f, x, g):
    return numerical_grad(f, [x], 0, cotangent=g)


@pytest.mark.parametrize("obj, axis", [(1, None), (slice(0, 3), None), ([0, 2], 1),
                                       (-1, 0), (numpy.array([True, False, True, False]), 1)])
def test_delete_grad_is_the_transpose_of_numpy_delete(obj, axis):
    x = RNG.normal(size=(3, 4))
    y = numpy.delete(x, obj, axis)
    g = RNG.normal(size=y.shape)
    assert_close_tree(re_.delete_grad(g, x, obj, axis),
                      _vjp(lambda a: numpy.delete(a, obj, axis), x, g), 1e-6, 1e-8)


@pytest.mark.parametrize("obj, shape, axis", [(1, (), None), ([1, 3], (2,), None),
                                              (2, (3,), None), (1, (), 1), (1, (3,), 1),
                                              ([0, 2], (4,), 0)])
def test_insert_grad_is_the_transpose_in_both_operands(obj, shape, axis):
    x = RNG.normal(size=(3, 4))
    v = RNG.normal(size=shape) if shape else 0.7
    y = numpy.insert(x, obj, v, axis)
    g = RNG.normal(size=y.shape)
    assert_close_tree(re_.insert_grad(g, x, obj, v, axis, 0),
                      _vjp(lambda a: numpy.insert(a, obj, v, axis), x, g), 1e-6, 1e-8)
    vs = numpy.asarray(v, dtype=float)
    want = _vjp(lambda b: numpy.insert(x, obj, b, axis), vs, g)
    assert_close_tree(numpy.asarray(re_.insert_grad(g, x, obj, v, axis, 1)), want, 1e-6, 1e-8)
    t = RNG.normal(size=numpy.shape(v))
    step = 1e-6
    along = (numpy.insert(x, obj, vs + step * t, axis) - y) / step
    assert_close_tree(re_.insert_tangent(t, x, obj, v, axis, 1), along, 1e-5, 1e-6)


def test_gathered_sums_the_places_of_a_label_and_zeros_the_missing():
    labels = numpy.array([[1, 0, 3], [1, 1, 0]])
    g = numpy.arange(1.0, 7.0).reshape(2, 3)
    assert list(re_.gathered(g, labels, 4)) == [1.0 + 4.0 + 5.0, 0.0, 3.0, 0.0]
    assert list(re_.gathered(g, numpy.zeros((2, 3), int), 2)) == [0.0, 0.0]


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
def test_meshgrid_grad_and_tangent(indexing, sparse):
    xs = [RNG.normal(size=n) for n in (2, 3, 4)]
    grids = numpy.meshgrid(*xs, indexing=indexing, sparse=sparse)
    gs = [RNG.normal(size=numpy.shape(y)) for y in grids]
    for k in range(3):
        def part(a, k=k):
            args = list(xs)
            args[k] = a
            return numpy.meshgrid(*args, indexing=indexing, sparse=sparse)
        want = numerical_grad(lambda a: sum(numpy.sum(y * g) for y, g in zip(part(a), gs)),
                              [xs[k]], 0)
        got = re_.meshgrid_grad(gs, k, *xs, None, indexing)
        assert_close_tree(got, want, 1e-6, 1e-8)
        t = RNG.normal(size=xs[k].shape)
        tangents = re_.meshgrid_tangent(t, k, *xs, None, sparse, indexing)
        for j, (y, ty) in enumerate(zip(grids, tangents)):
            expected = part(xs[k] + 1e-6 * t)[j] - y
            assert_close_tree(ty, expected / 1e-6, 1e-5, 1e-6)
    assert numpy.all(re_.meshgrid_grad([None, gs[1], gs[2]], 0, *xs, None, indexing) == 0)


EDITS = '''import numpy as np

AT = np.array([0.0, 0.5, 1.7, 2.0])


def edits(x):
    a, b = np.meshgrid(x[:2], x, indexing="ij")
    return np.sum(np.gradient(x ** 2, AT) ** 2) + np.sum(np.delete(x, 1) ** 2) + \\
        np.sum(np.insert(x, 1, x[0] * 3.0) ** 3) + np.sum(a * b ** 2)
'''


@pytest.mark.parametrize("mode", ["reverse", "hvp"])
def test_the_codegen_command_copies_these_helpers_into_a_standalone_module(tmp_path, mode):
    """The codegen command's module runs where srcdiff cannot be imported (the helpers here
    and runtime_coordinates' are copied with what their modules import by name)."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    (tmp_path / "edits.py").write_text(EDITS)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    made = subprocess.run([sys.executable, "-m", "srcdiff", "edits.py:edits", "--mode", mode,
                           "-o", "d_edits.py"], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    x = numpy.array([0.3, -1.2, 0.7, 2.0])
    call = "d_edits.grad_edits(x)" if mode == "reverse" else "d_edits.hvp_edits(x, v)"
    code = ("import sys\n"
            f"sys.path = [p for p in sys.path if not p.startswith({root!r})]\n"
            f"sys.path.insert(0, {str(tmp_path)!r})\n"
            "sys.modules['srcdiff'] = None\nsys.modules['gast'] = None\n"
            "import numpy as np, d_edits\n"
            f"x = np.array({x.tolist()!r}); v = np.array([1.0, -0.5, 0.25, 2.0])\n"
            f"np.save('out.npy', {call})\n")
    ran = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True,
                         text=True)
    assert ran.returncode == 0, ran.stderr
    namespace = {}
    exec(compile(EDITS, str(tmp_path / "edits.py"), "exec"), namespace)
    f = namespace["edits"]
    if mode == "reverse":
        want = numerical_grad(f, [x], 0)
    else:
        import srcdiff
        g = srcdiff.grad(f)
        v = numpy.array([1.0, -0.5, 0.25, 2.0])
        want = (g(x + 1e-5 * v) - g(x - 1e-5 * v)) / 2e-5
    assert_close_tree(numpy.load(tmp_path / "out.npy"), want, 1e-5, 1e-6)
