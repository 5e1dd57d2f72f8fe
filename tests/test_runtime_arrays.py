"""srcdiff/runtime_arrays.py: the array helpers emitted adjoints and tangents call, tested
directly. Each adjoint helper is the transpose of a NumPy function that is linear in the
argument it differentiates, so finite differences of <cotangent, numpy_function(x)> give its
exact answer; each tangent helper must equal finite differences of the NumPy function along
the tangent."""
import numpy
import pytest

from srcdiff import runtime_arrays as ra
from srcdiff.errors import SrcdiffError
from gradcheck import assert_close_tree, directional_difference, numerical_grad

RNG = numpy.random.default_rng(17)


def _vjp_by_differences(f, x, cotangent):
    return numerical_grad(f, [x], 0, cotangent=cotangent)



@pytest.mark.parametrize("mode", ra.PAD_MODES)
@pytest.mark.parametrize("width", [1, ((1, 2), (0, 3)), ((2, 2), (2, 1))])
def test_pad_grad_is_the_transpose_of_numpy_pad(mode, width):
    x = RNG.normal(size=(3, 4))
    y = numpy.pad(x, width, mode)
    g = RNG.normal(size=y.shape)
    expected = _vjp_by_differences(lambda a: numpy.pad(a, width, mode), x, g)
    assert_close_tree(ra.pad_grad(g, x, width, mode), expected, 1e-6, 1e-8)


@pytest.mark.parametrize("mode", ["maximum", "minimum", "mean", "median", "edge"])
@pytest.mark.parametrize("stat_length", [None, ((1, 3), (2, 2))])
def test_pad_tangent_is_the_derivative_of_numpy_pad(mode, stat_length):
    x = RNG.normal(size=(3, 4))
    t = RNG.normal(size=x.shape)
    width = ((1, 2), (2, 1))
    keywords = {} if mode == "edge" else {"stat_length": stat_length}
    expected = directional_difference(lambda a: numpy.pad(a, width, mode, **keywords), x, t)
    got = ra.pad_tangent(t, x, width, mode, keywords.get("stat_length"))
    assert_close_tree(got, expected, 1e-6, 1e-8)
    g = RNG.normal(size=got.shape)   # pad_grad is its transpose
    assert numpy.isclose(numpy.sum(got * g), numpy.sum(t * ra.pad_grad(g, x, width, mode,
                                                                         keywords.get(
                                                                             "stat_length"))))


@pytest.mark.parametrize("constant", [0.5, ((1.5, -2.0), (0.25, 3.0))])
def test_pad_constant_grad_and_tangent_in_the_constant(constant):
    x = RNG.normal(size=(2, 3))
    width = ((1, 2), (2, 1))
    c = numpy.asarray(constant, dtype=float)

    def padded(values):
        return numpy.pad(x, width, "constant", constant_values=values)
    y = padded(c)
    g = RNG.normal(size=y.shape)
    expected = _vjp_by_differences(padded, c, g)
    got = ra.pad_constant_grad(g, x, width, constant)
    assert_close_tree(numpy.asarray(got, dtype=float), numpy.asarray(expected), 1e-6, 1e-8)
    t = RNG.normal(size=c.shape)
    assert_close_tree(ra.pad_constant_tangent(t, x, width, y), directional_difference(padded, c, t),
                      1e-6, 1e-8)


@pytest.mark.parametrize("ends", [0.5, (0.5, -1.5), ((1.5, -2.0), (0.25, 3.0)), [[0.5], [2.0]]],
                         ids=str)
def test_pad_ramp_ends_grad_and_tangent_in_the_end_values(ends):
    x = RNG.normal(size=(2, 3))
    width = ((1, 2), (3, 1))
    e = numpy.asarray(ends, dtype=float)

    def padded(values):
        return numpy.pad(x, width, "linear_ramp", end_values=values)
    y = padded(e)
    g = RNG.normal(size=y.shape)
    expected = _vjp_by_differences(padded, e, g)
    got = ra.pad_ramp_ends_grad(g, x, width, ends)
    assert_close_tree(numpy.asarray(got, dtype=float), numpy.asarray(expected), 1e-6, 1e-8)
    t = RNG.normal(size=e.shape)
    assert_close_tree(ra.pad_ramp_ends_tangent(t, x, width, y),
                      directional_difference(padded, e, t), 1e-6, 1e-8)


def test_pad_refuses_a_mode_without_a_rule_and_names_the_ones_it_has():
    assert ra.pad_refusal("edge") is None and ra.pad_refusal("median") is None
    reason, hint = ra.pad_refusal("empty")
    assert "mode='empty'" in reason and "wrap" in reason and "concatenate" in hint


@pytest.mark.parametrize("shape, reps", [((3,), 2), ((2, 3), (2, 1)), ((2, 3), (3,)),
                                          ((3,), (2, 2))])
def test_tile_grad_is_the_transpose_of_numpy_tile(shape, reps):
    x = RNG.normal(size=shape)
    g = RNG.normal(size=numpy.tile(x, reps).shape)
    expected = _vjp_by_differences(lambda a: numpy.tile(a, reps), x, g)
    assert_close_tree(ra.tile_grad(g, x, reps), expected, 1e-6, 1e-8)


@pytest.mark.parametrize("shape, k", [((4,), 0), ((3,), 1), ((3,), -2), ((4, 4), 1), ((3, 5), -1)])
def test_diag_grad_is_the_transpose_of_numpy_diag(shape, k):
    x = RNG.normal(size=shape)
    g = RNG.normal(size=numpy.diag(x, k).shape)
    expected = _vjp_by_differences(lambda a: numpy.diag(a, k), x, g)
    assert_close_tree(ra.diag_grad(g, x, k), expected, 1e-6, 1e-8)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("which", [0, 1])
def test_append_grad_and_tangent(axis, which):
    arr = RNG.normal(size=(2, 3))
    values = RNG.normal(size=(2, 3))
    parts = [arr, values]

    def appended(p):
        both = list(parts)
        both[which] = p
        return numpy.append(both[0], both[1], axis)
    y = appended(parts[which])
    g = RNG.normal(size=y.shape)
    expected = _vjp_by_differences(appended, parts[which], g)
    assert_close_tree(ra.append_grad(g, arr, values, axis, which), expected, 1e-6, 1e-8)
    t = RNG.normal(size=parts[which].shape)
    assert_close_tree(ra.append_tangent(t, arr, values, axis, which),
                      directional_difference(appended, parts[which], t), 1e-6, 1e-8)


@pytest.mark.parametrize("kind, axis, sections", [(None, 0, 3), (None, 1, [1, 3]),
                                                   ("h", None, 2), ("v", None, [2])])
def test_split_join_is_the_transpose_of_a_split(kind, axis, sections):
    x = RNG.normal(size=(4, 4))
    split = {"h": numpy.hsplit, "v": numpy.vsplit}.get(kind)
    pieces = split(x, sections) if split else numpy.array_split(x, sections, axis)
    grads = [RNG.normal(size=p.shape) for p in pieces]
    grads[-1] = None           # a piece the loss does not use

    def loss(a):
        ps = split(a, sections) if split else numpy.array_split(a, sections, axis)
        return sum(numpy.sum(p * g) for p, g in zip(ps, grads) if g is not None)
    expected = numerical_grad(loss, [x], 0)
    got = ra.split_join(grads, x, sections, axis if kind is None else 0, kind)
    assert_close_tree(got, expected, 1e-6, 1e-8)


@pytest.mark.parametrize("kind, stack", [("column", numpy.column_stack), ("depth", numpy.dstack)])
def test_stacked_grad_is_the_transpose_of_the_stack(kind, stack):
    arrays = [RNG.normal(size=(3,)), RNG.normal(size=(3, 2))] if kind == "column" else \
        [RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3, 2))]
    g = RNG.normal(size=stack(arrays).shape)
    for i in range(len(arrays)):
        def stacked(a, i=i):
            both = list(arrays)
            both[i] = a
            return stack(both)
        expected = _vjp_by_differences(stacked, arrays[i], g)
        assert_close_tree(ra.stacked_grad(g, arrays, kind)[i], expected, 1e-6, 1e-8)


@pytest.mark.parametrize("axis", [None, 0, -1])
def test_permuted_grad_and_tangent_of_a_sort_without_ties(axis):
    a = RNG.normal(size=(3, 4))
    y = numpy.sort(a, axis)
    g = RNG.normal(size=y.shape)
    expected = _vjp_by_differences(lambda v: numpy.sort(v, axis), a, g)
    assert_close_tree(ra.permuted_grad(g, a, y, axis), expected, 1e-6, 1e-8)
    t = RNG.normal(size=a.shape)
    assert_close_tree(ra.permuted_tangent(t, a, y, axis),
                      directional_difference(lambda v: numpy.sort(v, axis), a, t), 1e-6, 1e-8)


def test_permuted_grad_and_tangent_are_transposes_with_ties():
    # where values tie, sort has no derivative; the helpers share evenly, and must still
    # be each other's transpose (the pair a forward-over-reverse derivative relies on)
    a = numpy.array([[2.0, 1.0, 2.0, 0.5], [3.0, 3.0, 3.0, -1.0]])
    y = numpy.sort(a, -1)
    g, t = RNG.normal(size=a.shape), RNG.normal(size=a.shape)
    left = numpy.sum(g * ra.permuted_tangent(t, a, y, -1))
    right = numpy.sum(ra.permuted_grad(g, a, y, -1) * t)
    assert left == pytest.approx(right, rel=1e-12)


@pytest.mark.parametrize("n, axis, prepend, append", [(1, -1, None, None), (2, 0, None, None),
                                                      (1, 1, 0.5, None), (1, 0, None, [[2.0, 1.0, 0.0, -1.0, 3.0]]),
                                                      (2, 1, 1.0, 2.0)])
def test_diff_grad_and_tangent_in_each_argument(n, axis, prepend, append):
    a = RNG.normal(size=(4, 5))
    given = {"a": a, "prepend": prepend, "append": append}
    for which in [w for w, v in given.items() if v is not None]:
        value = numpy.asarray(given[which], dtype=float)

        def differenced(v, which=which):
            args = dict(given)
            args[which] = v
            kw = {k: args[k] for k in ("prepend", "append") if args[k] is not None}
            return numpy.diff(args["a"], n, axis, **kw)
        y = differenced(value)
        g = RNG.normal(size=y.shape)
        got = ra.diff_grad(g, a, n, axis, prepend, append, which)
        expected = _vjp_by_differences(differenced, value, g)
        assert_close_tree(numpy.asarray(got, dtype=float), numpy.asarray(expected), 1e-6, 1e-8)
        t = RNG.normal(size=value.shape)
        assert_close_tree(ra.diff_tangent(t, a, n, axis, prepend, append, which),
                          directional_difference(differenced, value, t), 1e-6, 1e-8)


@pytest.mark.parametrize("axis", [None, 0, 1, (1, 0)])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_grad_is_the_transpose_of_numpy_gradient(axis, edge_order):
    f = RNG.normal(size=(5, 4))
    spacing = 0.5

    def grad_of(v):
        return numpy.gradient(v, spacing, axis=axis, edge_order=edge_order)
    y = grad_of(f)
    single = not isinstance(y, (list, tuple))
    gs = RNG.normal(size=numpy.shape(y)) if single else [RNG.normal(size=v.shape) for v in y]

    def paired(v):
        out = grad_of(v)
        return numpy.sum(out * gs) if single else sum(numpy.sum(o * g) for o, g in zip(out, gs))
    expected = numerical_grad(paired, [f], 0)
    assert_close_tree(ra.gradient_grad(gs, f, spacing, axis, edge_order), expected, 1e-6, 1e-8)


def test_select_grad_and_tangent_in_the_choices():
    x = RNG.normal(size=(6,))
    condlist = [x < -0.5, x > 0.5]
    choices = [RNG.normal(size=6), RNG.normal(size=6)]
    y = numpy.select(condlist, choices, 0.0)
    g = RNG.normal(size=y.shape)
    grads = ra.select_grad(g, condlist, choices, y)
    for i in range(2):
        def selected(c, i=i):
            both = list(choices)
            both[i] = c
            return numpy.select(condlist, both, 0.0)
        assert_close_tree(grads[i], _vjp_by_differences(selected, choices[i], g), 1e-6, 1e-8)
    ts = [RNG.normal(size=6), RNG.normal(size=6)]
    along = directional_difference(lambda s: numpy.select(condlist, [choices[0] + s * ts[0],
                                                                  choices[1] + s * ts[1]], 0.0),
                                0.0, 1.0)
    assert_close_tree(ra.select_tangent(ts, condlist, y), along, 1e-6, 1e-8)


@pytest.mark.parametrize("ndim, axis, start", [(3, 2, 0), (4, 1, 3), (4, -1, 1), (3, 0, 3)])
def test_rollaxis_inverse_undoes_rollaxis(ndim, axis, start):
    x = numpy.zeros(tuple(range(2, 2 + ndim)))
    rolled = numpy.rollaxis(x, axis, start)
    assert numpy.transpose(rolled, ra.rollaxis_inverse(ndim, axis, start)).shape == x.shape


def test_negative_shift_of_an_int_and_a_tuple():
    assert ra.negative_shift(3) == -3
    assert ra.negative_shift((1, -2)) == (-1, 2)


def test_check_pad_mode_refuses_at_the_given_place():
    with pytest.raises(SrcdiffError, match="mode='empty'"):
        ra.check_pad_mode("empty", "model.py:7")
