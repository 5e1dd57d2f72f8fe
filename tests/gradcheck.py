"""The shared finite-difference checker: every derivative srcdiff emits is tested with it.

Works on any pytree of float arrays, Python floats, lists, tuples and dicts.
Derivatives are compared with central differences of the function itself,
never with a formula derived by hand.
"""
import numpy as np

import srcdiff


def flatten(tree):
    """Leaves of a pytree, in a fixed order, and a function rebuilding it."""
    if isinstance(tree, dict):
        keys = sorted(tree)
        parts = [flatten(tree[k]) for k in keys]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(values):
            out, i = {}, 0
            for k, (ls, rb) in zip(keys, parts):
                out[k] = rb(values[i:i + len(ls)])
                i += len(ls)
            return out
        return leaves, rebuild
    if isinstance(tree, (list, tuple)):
        parts = [flatten(t) for t in tree]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(values):
            out, i = [], 0
            for ls, rb in parts:
                out.append(rb(values[i:i + len(ls)]))
                i += len(ls)
            return type(tree)(out)
        return leaves, rebuild
    return [tree], lambda values: values[0]


def _as_scalar(y):
    return float(np.sum(np.real(y)))


def numerical_grad(f, args, argnum, eps=1e-6, cotangent=None):
    """Central-difference gradient of sum(cotangent * f(*args)) with respect to args[argnum]."""
    args = list(args)
    leaves, rebuild = flatten(args[argnum])
    out_leaves = []
    for li, leaf in enumerate(leaves):
        base = np.array(leaf, dtype=float)
        grad = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            def at(delta):
                moved = base.copy()
                moved[idx] += delta
                new_leaves = list(leaves)
                new_leaves[li] = float(moved) if isinstance(leaf, float) else moved
                trial = list(args)
                trial[argnum] = rebuild(new_leaves)
                y = f(*trial)
                if cotangent is not None:
                    return float(np.sum(np.asarray(cotangent) * y))
                return _as_scalar(y)
            grad[idx] = (at(eps) - at(-eps)) / (2 * eps)
        out_leaves.append(float(grad) if isinstance(leaf, float) else grad)
    return rebuild(out_leaves)


def assert_close_tree(actual, expected, rtol, atol, what="gradient"):
    a_leaves, _ = flatten(actual)
    e_leaves, _ = flatten(expected)
    assert len(a_leaves) == len(e_leaves), f"{what}: structure differs"
    for a, e in zip(a_leaves, e_leaves):
        assert np.shape(a) == np.shape(e), f"{what}: shape {np.shape(a)} != {np.shape(e)}"
        np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(e, dtype=float),
                                   rtol=rtol, atol=atol, err_msg=what)


def check_grad(f, *args, wrt=0, rtol=1e-5, atol=1e-6, eps=1e-6):
    """Assert srcdiff.grad(f) matches central differences, for each wrt, and return it.

    Also checks the gradient has the type and shape of its input and that
    the inputs were not mutated.
    """
    wrts = wrt if isinstance(wrt, tuple) else (wrt,)
    before = [np.array(leaf, copy=True) for leaf in flatten(list(args))[0]]
    got = srcdiff.grad(f, wrt=wrt)(*args)
    after = flatten(list(args))[0]
    for b, a in zip(before, after):
        np.testing.assert_array_equal(b, a, err_msg="the gradient mutated its input")
    got_tuple = got if isinstance(wrt, tuple) else (got,)
    for w, g in zip(wrts, got_tuple):
        argnum = w
        expected = numerical_grad(f, args, argnum, eps=eps)
        assert_close_tree(g, expected, rtol, atol)
        _check_type(g, args[argnum])
    return got


def _check_type(grad, arg):
    if isinstance(arg, float):
        assert isinstance(grad, float), f"float in, {type(grad).__name__} out"
    elif isinstance(arg, np.ndarray):
        assert isinstance(grad, np.ndarray), f"ndarray in, {type(grad).__name__} out"
        assert grad.shape == arg.shape and grad.dtype == arg.dtype
    elif isinstance(arg, np.generic):
        assert type(grad) is type(arg)
    elif isinstance(arg, (list, tuple, dict)):
        assert type(grad) is type(arg)


def check_vjp(f, *args, cotangent, wrt=0, rtol=1e-5, atol=1e-6):
    got = srcdiff.vjp(f, wrt=wrt)(*args, cotangent)
    expected = numerical_grad(f, args, wrt, cotangent=cotangent)
    assert_close_tree(got, expected, rtol, atol, "vjp")
    return got


# --- forward mode ---------------------------------------------------------------------
_rng = np.random.default_rng(1234)


def random_like(value):
    """A random tangent with the structure of `value`."""
    leaves, rebuild = flatten(value)
    return rebuild([float(_rng.normal()) if isinstance(leaf, float)
                    else _rng.normal(size=np.shape(leaf)) for leaf in leaves])


def copy_tree(tree):
    leaves, rebuild = flatten(tree)
    return rebuild([leaf if isinstance(leaf, float) else np.array(leaf, copy=True)
                    for leaf in leaves])


def _moved(value, tangent, step):
    leaves, rebuild = flatten(value)
    out = []
    for leaf, t in zip(leaves, flatten(tangent)[0]):
        new = np.asarray(leaf, dtype=float) + step * np.asarray(t, dtype=float)
        out.append(float(new) if isinstance(leaf, float) else new)
    return rebuild(out)


def check_jvp(f, *args, wrt=0, tangents=None, rtol=1e-5, atol=1e-6, eps=1e-6):
    """Assert srcdiff.jvp(f) matches (f(x + eps v) - f(x - eps v)) / 2 eps; return the tangent.

    `wrt` is a position or a tuple of them; `tangents` default to random ones.
    Also checks the value, that nothing passed in was mutated, and that the
    tangent has the structure, type and shapes of the value.
    """
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    if tangents is None:
        tangents = [random_like(args[p]) for p in positions]
    before = copy_tree([list(args), list(tangents)])
    value, tangent = srcdiff.jvp(f, wrt=wrt)(*args, *tangents)
    assert_close_tree([list(args), list(tangents)], before, 0, 0, "inputs were mutated")
    expected = f(*copy_tree(list(args)))
    assert_close_tree(value, expected, 1e-12, 1e-12, "value")

    def along(step):
        moved = list(copy_tree(list(args)))
        for p, t in zip(positions, tangents):
            moved[p] = _moved(args[p], t, step)
        return f(*moved)

    plus, minus = flatten(along(eps)), flatten(along(-eps))
    numeric = plus[1]([(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) / (2 * eps)
                       for a, b in zip(plus[0], minus[0])])
    assert_close_tree(tangent, numeric, rtol, atol, "jvp")
    for t, v in zip(flatten(tangent)[0], flatten(expected)[0]):
        if isinstance(v, np.ndarray):
            assert isinstance(t, np.ndarray) and t.shape == v.shape, (type(t), np.shape(t))
        elif isinstance(v, float):
            assert isinstance(t, float), f"float out, {type(t).__name__} tangent"
    if isinstance(expected, (list, tuple)):
        assert type(tangent) is type(expected), \
            f"{type(expected).__name__} value, {type(tangent).__name__} tangent"
    return tangent


def check_hvp(f, *args, vector, wrt=0, rtol=1e-5, atol=1e-7, eps=1e-6):
    """Assert srcdiff.hvp(f, wrt)(*args, vector) matches central differences of srcdiff.grad
    along `vector` (the first derivative is checked against f by check_grad); return it."""
    args = list(args)
    grad = srcdiff.grad(f, wrt=wrt)
    plus, minus = list(args), list(args)
    plus[wrt] = args[wrt] + eps * vector
    minus[wrt] = args[wrt] - eps * vector
    want = (np.asarray(grad(*plus)) - np.asarray(grad(*minus))) / (2 * eps)
    got = srcdiff.hvp(f, wrt=wrt)(*args, vector)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg="hvp")
    return got
