"""The shared finite-difference checker: every derivative srcdiff emits is tested with it.

Works on any pytree of float arrays, Python floats, lists, tuples and dicts.
Derivatives are compared with central differences of the function itself,
never with a formula derived by hand.

`check(f, *args, wrt=..., modes=("rev", "fwd"), order=2)` is the one checker every rule
of templates/ goes through (see the comment above it); check_grad, check_jvp, check_vjp
and check_hvp test one transform each.
"""
import atexit
import copy
import dataclasses
import inspect
import os
import types
import zlib

import numpy as np

import srcdiff
import srcdiff.rules
from srcdiff.records import is_record_class, record_fields


def _is_record(tree):
    """A dataclass object, or an object of a record class (srcdiff.records.is_record_class:
    its __init__ only stores each parameter under its own name)."""
    if isinstance(tree, type):
        return False
    return dataclasses.is_dataclass(tree) or is_record_class(type(tree))


def _replace(tree, **changes):
    """A copy of a record object with some fields changed."""
    if dataclasses.is_dataclass(tree):
        return dataclasses.replace(tree, **changes)
    out = copy.copy(tree)
    for k, v in changes.items():
        setattr(out, k, v)
    return out


def _record_fields(tree):
    """The fields of a record object that are differentiated: numbers, arrays and
    containers or records of them (other fields are kept as they are)."""
    out = []
    names = [f.name for f in dataclasses.fields(tree)] if dataclasses.is_dataclass(tree) \
        else record_fields(type(tree))
    for name in names:
        v = getattr(tree, name)
        if isinstance(v, (float, complex, np.ndarray, np.generic, list, tuple, dict)) or \
                _is_record(v):
            out.append(name)
    return out


def flatten(tree):
    """Leaves of a pytree, in a fixed order, and a function rebuilding it."""
    if _is_record(tree):   # a record: its numeric fields, rebuilt by _replace
        names = _record_fields(tree)
        inner_leaves, inner_rebuild = flatten([getattr(tree, n) for n in names])

        def rebuild_record(values):
            return _replace(tree, **dict(zip(names, inner_rebuild(values))))
        return inner_leaves, rebuild_record
    if isinstance(tree, dict):
        keys = sorted(tree)
        parts = [flatten(tree[k]) for k in keys]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(values):
            built, i = {}, 0
            for k, (ls, rb) in zip(keys, parts):
                built[k] = rb(values[i:i + len(ls)])
                i += len(ls)
            return {k: built[k] for k in tree}   # the caller's key order: f may read it
        return leaves, rebuild
    if isinstance(tree, (list, tuple)):
        parts = [flatten(t) for t in tree]
        leaves = [leaf for p in parts for leaf in p[0]]

        def rebuild(values):
            out, i = [], 0
            for ls, rb in parts:
                out.append(rb(values[i:i + len(ls)]))
                i += len(ls)
            return type(tree)._make(out) if hasattr(tree, "_fields") else type(tree)(out)
        return leaves, rebuild
    return [tree], lambda values: values[0]


def _as_scalar(y):
    return float(np.sum(np.real(y)))


def refusal(f, args, mode, wrt=0, error=None):
    """The SrcdiffError srcdiff raises making or running f's derivative in `mode`: "grad", or
    "jvp" with tangents of ones shaped like the differentiated arguments. Fails the test where
    none is raised; checks the error names the file f is defined in and quotes that line."""
    error = error or srcdiff.SrcdiffError
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    try:
        if mode == "grad":
            srcdiff.grad(f, wrt=wrt)(*args)
        else:
            srcdiff.jvp(f, wrt=wrt)(*args, *[np.ones_like(args[i]) for i in positions])
    except error as err:
        assert err.filename is not None and os.path.samefile(
            err.filename, f.__code__.co_filename), (err.filename, str(err))
        with open(err.filename) as fh:
            assert err.line.strip() == fh.read().splitlines()[err.lineno - 1].strip(), str(err)
        return err
    raise AssertionError(f"{mode} of {f.__name__} was not refused")


def numerical_hessian(f, x, *rest, h=1e-4):
    """Second central differences of f itself with respect to its first argument x (any
    shape): an array of shape x.shape + x.shape."""
    n = x.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                y = x.astype(float).copy()
                y.flat[i] += di
                y.flat[j] += dj
                return f(y, *rest)
            out[i, j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return out.reshape(x.shape + x.shape)


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
    elif isinstance(arg, (list, tuple, dict)) or _is_record(arg):
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


# --- one checker for every rule ---------------------------------------------------------
# check(f, *args, wrt=..., modes=("rev", "fwd"), order=2) runs every test a derivative
# rule must pass, in both modes, against central differences of f itself:
#
# * rev: vjp(f)(*args, u) for a random cotangent u equals the central-difference
#   gradient of <u, f>; value_and_grad(f) returns f's value and the gradient of sum(f);
# * fwd: jvp(f)(*args, *v) for random tangents v returns f's value and the directional
#   central difference of f along v;
# * both: <u, jvp(v)> == <vjp(u), v>;
# * every call leaves the caller's arguments (and tangents) unchanged, and derivatives
#   have the type, shape and dtype of what they differentiate;
# * order=2: the forward-mode checks on the emitted derivative function x -> vjp(f)(x, u)
#   (forward over reverse, the way srcdiff.hvp, srcdiff.hessian and grad(grad(f)) compose),
#   and srcdiff.hvp itself for a scalar f of one argument (one function in three:
#   _checks_hvp; SRCDIFF_CHECK_EVERY_HVP=1 for all). Every other composition is
#   checked by check_transform below (tests/test_compose.py): srcdiff/compose.py builds it
#   from forward mode over emitted code (forward over forward uses the tangent rules of
#   templates/compose_rules.py); reverse mode is never run over emitted reverse code.
#
# Complex leaves follow srcdiff's (JAX's) convention: for a real f of z = a + ib the
# gradient is df/da - i df/db, and cotangents pair with values by Re(sum(u * y)).
# A finite difference that disagrees is tried again with a larger step (cancellation)
# before the check fails. Everything is float64 (or complex128).

EPS_STEPS = (1e-6, 1e-4)


def _copy_args(tree):
    """A deep copy of the arrays in a pytree; every other leaf (ints, floats, None) as is."""
    if _is_record(tree):
        return _replace(tree, **{n: _copy_args(getattr(tree, n)) for n in _record_fields(tree)})
    if isinstance(tree, dict):
        return {k: _copy_args(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        items = [_copy_args(t) for t in tree]
        return type(tree)._make(items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, np.ndarray):
        return tree.copy()
    return tree


def _assert_unchanged(now, before, what):
    a_leaves, _ = flatten(now)
    b_leaves, _ = flatten(before)
    assert len(a_leaves) == len(b_leaves), f"{what} changed the structure of its arguments"
    for a, b in zip(a_leaves, b_leaves):
        if isinstance(b, np.ndarray) or isinstance(b, (float, complex, np.generic)):
            np.testing.assert_array_equal(a, b, err_msg=f"{what} changed its arguments")


def _is_complex(leaf):
    return np.iscomplexobj(leaf)


def _random_tree(value, rng):
    """Random float64 (complex128 for complex leaves) values with the structure of `value`."""
    leaves, rebuild = flatten(value)
    out = []
    for leaf in leaves:
        shape = np.shape(leaf)
        r = rng.normal(size=shape)
        if _is_complex(leaf):
            r = r + 1j * rng.normal(size=shape)
        if isinstance(leaf, (float, complex)) or (not isinstance(leaf, np.ndarray) and shape == ()):
            out.append(complex(r) if _is_complex(leaf) else float(r))
        else:
            out.append(np.asarray(r))
    return rebuild(out)


def _pair(a, b):
    """Re(sum(a * b)) summed over the leaves of two pytrees of the same structure."""
    a_leaves, b_leaves = flatten(a)[0], flatten(b)[0]
    assert len(a_leaves) == len(b_leaves), "pairing trees of different structure"
    return float(sum(np.sum(np.real(np.asarray(x) * np.asarray(y)))
                     for x, y in zip(a_leaves, b_leaves)))


def directional_difference(f, x, tangent, eps=1e-6):
    """Central difference of f at x along tangent: (f(x + eps t) - f(x - eps t)) / (2 eps),
    for the runtime helpers' tangent tests (f of one array or number)."""
    return _difference(f(x + eps * tangent), f(x - eps * tangent), eps)


def _difference(plus, minus, step):
    """(plus - minus) / (2 step), leaf by leaf, for outputs that are pytrees."""
    p_leaves, rebuild = flatten(plus)
    m_leaves = flatten(minus)[0]
    out = []
    for p, m in zip(p_leaves, m_leaves):
        dtype = complex if _is_complex(p) else float
        out.append((np.asarray(p, dtype=dtype) - np.asarray(m, dtype=dtype)) / (2 * step))
    return rebuild(out)


def _set_leaf(leaf, idx, delta):
    base = np.array(leaf, dtype=complex if _is_complex(leaf) or np.iscomplexobj(delta)
                    else float)
    base[idx] += delta
    if isinstance(leaf, float):
        return float(base)
    if isinstance(leaf, complex):
        return complex(base)
    if isinstance(leaf, np.generic):
        return type(leaf)(base[()])
    return base


def _along(f, args, positions, tangents, step):
    """f at args moved by step * tangents (one tangent pytree per position)."""
    moved = list(_copy_args(list(args)))
    for p, t in zip(positions, tangents):
        leaves, rebuild = flatten(args[p])
        moved[p] = rebuild([_shift(leaf, tl, step) for leaf, tl in zip(leaves, flatten(t)[0])])
    return f(*moved)


def _shift(leaf, tangent, step):
    value = np.asarray(leaf) + step * np.asarray(tangent)
    if isinstance(leaf, float):
        return float(value)
    if isinstance(leaf, complex):
        return complex(value)
    if isinstance(leaf, np.generic):
        return type(leaf)(value[()])
    return np.array(value)


def _coordinates(args, positions):
    """(position, leaf number, index, unit) for every real coordinate of the wrt arguments."""
    for p in positions:
        for li, leaf in enumerate(flatten(args[p])[0]):
            units = (1.0, 1j) if _is_complex(leaf) else (1.0,)
            for idx in np.ndindex(np.shape(leaf)):
                for unit in units:
                    yield p, li, idx, unit


def _columns(f, args, positions, step):
    """Central differences of f along every real coordinate of the wrt arguments."""
    columns = []
    for p, li, idx, unit in _coordinates(args, positions):
        def at(delta):
            trial = list(_copy_args(list(args)))
            leaves, rebuild = flatten(args[p])
            leaves = list(leaves)
            leaves[li] = _set_leaf(leaves[li], idx, delta)
            trial[p] = rebuild(leaves)
            return f(*trial)
        columns.append(((p, li, idx, unit), _difference(at(step * unit), at(-step * unit), step)))
    return columns


def _numeric_vjp(columns, args, positions, cotangent):
    """The gradient of <cotangent, f> from the columns, shaped like each wrt argument."""
    grads = {}
    for p in positions:
        leaves = flatten(args[p])[0]
        grads[p] = [np.zeros(np.shape(leaf), dtype=complex if _is_complex(leaf) else float)
                    for leaf in leaves]
    for (p, li, idx, unit), column in columns:
        slope = _pair(cotangent, column)
        grads[p][li][idx] += slope if unit == 1.0 else -1j * slope
    out = []
    for p in positions:
        leaves, rebuild = flatten(args[p])
        out.append(rebuild([float(g) if isinstance(leaf, float) else
                            complex(g) if isinstance(leaf, complex) else g
                            for g, leaf in zip(grads[p], leaves)]))
    return out


def _mismatch(actual, expected, rtol, atol):
    """None when two pytrees agree, else a message saying where they differ."""
    a_leaves, _ = flatten(actual)
    e_leaves, _ = flatten(expected)
    if len(a_leaves) != len(e_leaves):
        return f"structure differs: {len(a_leaves)} leaves, want {len(e_leaves)}"
    for k, (a, e) in enumerate(zip(a_leaves, e_leaves)):
        if np.shape(a) != np.shape(e):
            return f"leaf {k}: shape {np.shape(a)}, want {np.shape(e)}"
        a, e = np.asarray(a), np.asarray(e)
        if not np.iscomplexobj(e) and np.iscomplexobj(a) and np.any(np.imag(a) != 0):
            return f"leaf {k}: complex {a}, want the real {e}"
        scale = max(1.0, float(np.max(np.abs(e)))) if e.size else 1.0
        if not np.allclose(a, e, rtol=rtol, atol=atol * scale, equal_nan=False):
            return f"leaf {k}:\n  got  {a!r}\n  want {e!r}"
    return None


def _agrees(what, actual, expected_at, rtol, atol):
    """Assert `actual` matches expected_at(step) for the first step, or the second one
    (a larger step, where cancellation spoils the first)."""
    first = None
    for step in EPS_STEPS:
        problem = _mismatch(actual, expected_at(step), rtol, atol)
        if problem is None:
            return
        first = first or problem
    raise AssertionError(f"{what} disagrees with central differences: {first}")


def _check_structure(what, derivative, like):
    """A derivative has the container types, leaf types and shapes of what it pairs with."""
    d_leaves, _ = flatten(derivative)
    l_leaves, _ = flatten(like)
    assert len(d_leaves) == len(l_leaves), f"{what}: structure differs"
    if isinstance(like, (list, tuple, dict)) or _is_record(like):
        assert type(derivative) is type(like), \
            f"{what}: {type(like).__name__} in, {type(derivative).__name__} out"
    for dl, ll in zip(d_leaves, l_leaves):
        if isinstance(ll, float):
            assert isinstance(dl, float), f"{what}: float in, {type(dl).__name__} out"
        elif isinstance(ll, np.ndarray):
            assert isinstance(dl, np.ndarray), f"{what}: ndarray in, {type(dl).__name__} out"
            assert dl.shape == ll.shape, f"{what}: shape {ll.shape} in, {dl.shape} out"
            if ll.dtype.kind in "fc":
                assert dl.dtype == ll.dtype, f"{what}: dtype {ll.dtype} in, {dl.dtype} out"


def _check_once(f, args, wrt, modes, rtol, atol, rng, label):
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    before = _copy_args(list(args))
    value = f(*_copy_args(list(args)))
    _assert_unchanged(list(args), before, f"{label}f")
    columns = {}

    def columns_at(step):
        if step not in columns:
            columns[step] = _columns(f, args, positions, step)
        return columns[step]

    def as_wrt(items):
        return tuple(items) if isinstance(wrt, tuple) else items[0]

    cotangent = tangent = vjp_got = tangents = grad = None
    if "rev" in modes:
        cotangent = _random_tree(value, rng)
        vjp_got = srcdiff.vjp(f, wrt=wrt)(*args, _copy_args(cotangent))
        _assert_unchanged(list(args), before, f"{label}vjp")
        _agrees(f"{label}vjp", vjp_got,
                lambda s: as_wrt(_numeric_vjp(columns_at(s), args, positions, cotangent)),
                rtol, atol)
        for p, g in zip(positions, vjp_got if isinstance(wrt, tuple) else (vjp_got,)):
            _check_structure(f"{label}vjp (argument {p})", g, args[p])
        if not isinstance(value, (list, tuple, dict)) and not _is_record(value):
            got_value, grad = srcdiff.value_and_grad(f, wrt=wrt)(*args)
            _assert_unchanged(list(args), before, f"{label}value_and_grad")
            problem = _mismatch(got_value, value, 1e-12, 1e-12)
            assert problem is None, f"{label}value_and_grad returned a wrong value: {problem}"
            ones = flatten(value)[1]([np.ones_like(np.real(leaf)) if isinstance(leaf, np.ndarray)
                                      else 1.0 for leaf in flatten(value)[0]])
            _agrees(f"{label}value_and_grad's gradient", grad,
                    lambda s: as_wrt(_numeric_vjp(columns_at(s), args, positions, ones)),
                    rtol, atol)
    if "fwd" in modes:
        tangents = [_random_tree(args[p], rng) for p in positions]
        t_before = _copy_args(tangents)
        got_value, tangent = srcdiff.jvp(f, wrt=wrt)(*args, *_copy_args(tangents))
        _assert_unchanged(list(args), before, f"{label}jvp")
        _assert_unchanged(tangents, t_before, f"{label}jvp (tangents)")
        problem = _mismatch(got_value, value, 1e-12, 1e-12)
        assert problem is None, f"{label}jvp returned a wrong value: {problem}"
        _agrees(f"{label}jvp", tangent,
                lambda s: _difference(_along(f, args, positions, tangents, s),
                                      _along(f, args, positions, tangents, -s), s),
                rtol, atol)
        _check_structure(f"{label}jvp's tangent", tangent, value)
    if "rev" in modes and "fwd" in modes:
        left = _pair(cotangent, tangent)
        right = sum(_pair(g, t) for g, t in
                    zip(vjp_got if isinstance(wrt, tuple) else (vjp_got,), tangents))
        assert np.isclose(left, right, rtol=1e-9, atol=1e-9 * max(1.0, abs(left))), \
            f"{label}<u, jvp(v)> = {left} but <vjp(u), v> = {right}"
    return value, cotangent, tangents, grad


def _emitted(derivative, args):
    """The plain emitted function a Derivative runs for these arguments (srcdiff can
    differentiate it again); for a transform of a derivative (srcdiff/compose.py), the
    function it generated for them."""
    if not isinstance(derivative, srcdiff.api.Derivative):
        from srcdiff.compose import plain
        return plain(derivative, args, {})[0]
    fn = derivative._compile(derivative._containers(args, {}), derivative._known_types(args, {}),
                             derivative._shapes(args, {}) if derivative._kind != "jvp" else None)
    owner = getattr(derivative._fn, "__self__", None)
    if inspect.ismethod(derivative._fn):
        return types.MethodType(fn, owner)   # emitted for the method: `self` first
    return fn


# the rules each mode looked up while `check` ran: {"reverse": {id: func}, "forward": {...}};
# tests/test_rules.py asserts that every rule of templates/ is in it
CHECKED = {"reverse": {}, "forward": {}}


def rule_name(func):
    """A readable dotted name for the function a rule is registered for: its canonical path,
    or for a bound method of a module-level object (numpy.random.normal is RandomState's
    method bound to the global state) the module attribute holding it; else its repr."""
    import importlib
    from srcdiff.callables import canonical_path
    path = canonical_path(func)
    if path is not None:
        return path
    owner, name = getattr(func, "__self__", None), getattr(func, "__name__", None)
    module = getattr(func, "__module__", None) or getattr(type(owner), "__module__", None)
    if owner is not None and name and module:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            try:
                found = getattr(importlib.import_module(".".join(parts[:i])), name, None)
            except ImportError:
                continue
            if found is func:
                return ".".join(parts[:i] + [name])
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", None)
    if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
        # no path reaches it (srcdiff.flatten.flatten_adjoint: srcdiff.flatten is the
        # function): a name the same in every process, which a repr's address is not
        return f"{module}:{qualname}"
    return repr(func)


def _dump_checked():
    """With $SRCDIFF_CHECKED_OUT set, write the canonical paths of CHECKED there at exit
    (tests/test_rules.py runs the rule tests in a subprocess when a session ran only some)."""
    import json
    with open(os.environ["SRCDIFF_CHECKED_OUT"], "w") as fh:
        json.dump({mode: sorted(rule_name(f) for f in seen.values())
                   for mode, seen in CHECKED.items()}, fh)


if os.environ.get("SRCDIFF_CHECKED_OUT"):
    atexit.register(_dump_checked)


class _Recording:
    """While active, srcdiff.rules.lookup records the rules it finds in CHECKED."""

    def __enter__(self):
        self.lookup = srcdiff.rules.lookup
        original = self.lookup

        def recording(mode, func):
            template = original(mode, func)
            if template is not None:
                CHECKED[mode][id(func)] = func
            return template
        srcdiff.rules.lookup = recording
        return self

    def __exit__(self, *exc):
        srcdiff.rules.lookup = self.lookup
        return False


def check(f, *args, wrt=0, modes=("rev", "fwd"), order=2, rtol=1e-5, atol=1e-6, seed=0,
          eps=None):
    """Check srcdiff's derivatives of f at args in `modes` ("rev", "fwd") against central
    differences, to first or second `order` (see the comment above).

    Returns srcdiff.grad(f)'s gradient (None when f's output is a container or "rev" is
    not in modes). `wrt` is a position or a tuple of them. Use float64 (complex128)
    inputs. `eps` replaces the two finite-difference steps by eps and 10 * eps.
    """
    if eps is not None:
        global EPS_STEPS
        saved, EPS_STEPS = EPS_STEPS, (eps, 10 * eps)
        try:
            return check(f, *args, wrt=wrt, modes=modes, order=order, rtol=rtol, atol=atol,
                         seed=seed)
        finally:
            EPS_STEPS = saved
    with _Recording():
        return _check(f, args, wrt, modes, order, rtol, atol, seed)


def _check(f, args, wrt, modes, order, rtol, atol, seed):
    assert order in (1, 2) and modes and set(modes) <= {"rev", "fwd"}, (order, modes)
    rng = np.random.default_rng(seed)
    value, cotangent, tangents, grad = _check_once(f, args, wrt, modes, rtol, atol, rng, "")
    if order < 2:
        return grad
    if "rev" in modes:
        # forward over reverse: the tangent of the emitted x -> vjp(f)(x, u), which takes
        # every parameter of f (it fills no defaults): those not in args, f's defaults
        every = _with_defaults(f, args)
        inner = _emitted(srcdiff.vjp(f, wrt=wrt), every + [cotangent])
        _check_once(inner, every + [cotangent], _positions(wrt, len(args)), ("fwd",), rtol,
                    atol, rng, "second order (forward over reverse, through vjp(f)): ")
    if "rev" in modes and "fwd" in modes and not isinstance(wrt, tuple) and _checks_hvp(f) \
            and not isinstance(value, (list, tuple, dict)) and not _is_record(value) \
            and np.ndim(value) == 0 and not np.iscomplexobj(value) \
            and not isinstance(args[wrt], (list, tuple, dict)):
        vector = _random_tree(args[wrt], rng)
        got = srcdiff.hvp(f, wrt=wrt)(*args, _copy_args(vector))
        gradient = srcdiff.grad(f, wrt=wrt)
        _agrees("hvp", got, lambda s: _difference(gradient(*_moved_at(args, wrt, vector, s)),
                                                  gradient(*_moved_at(args, wrt, vector, -s)), s),
            rtol, atol)
    return grad


def _checks_hvp(f):
    """Whether `check` runs srcdiff.hvp on f too: for one function in three, chosen by its
    name and first line (the same in every run and every worker), or for all of them with
    SRCDIFF_CHECK_EVERY_HVP=1. The second order of every function is checked through
    vjp(f) above; hvp (the same forward over reverse, over grad's code) costs two more
    transforms, which made it a fifth of the suite's time."""
    if os.environ.get("SRCDIFF_CHECK_EVERY_HVP") == "1":
        return True
    code = getattr(f, "__code__", None)
    key = f"{getattr(f, '__qualname__', '')}:{getattr(code, 'co_firstlineno', 0)}"
    return zlib.crc32(key.encode()) % 3 == 0


def _with_defaults(f, args):
    """args followed by the defaults of f's positional parameters args leaves out, then of
    its keyword-only ones (copies: a default array is shared by every call of f)."""
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return list(args)
    parameters = list(parameters)
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    rest = positional[len(args):]
    if not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        # keyword-only parameters (`def f(x, *, scale=2.0)`) follow the positional ones in
        # the emitted function's signature
        rest += [p for p in parameters if p.kind == p.KEYWORD_ONLY]
    if any(p.default is p.empty for p in rest):
        return list(args)   # a missing argument: the call says so
    return list(args) + [_copy_args(p.default) for p in rest]


def _positions(wrt, count):
    """wrt with negative positions counted from the last of the `count` arguments given."""
    if isinstance(wrt, tuple):
        return tuple(_positions(p, count) for p in wrt)
    return wrt + count if isinstance(wrt, int) and wrt < 0 else wrt


def _moved_at(args, p, vector, step):
    moved = list(_copy_args(list(args)))
    leaves, rebuild = flatten(args[p])   # a dataclass too
    moved[p] = rebuild([_shift(leaf, t, step)
                        for leaf, t in zip(leaves, flatten(vector)[0])])
    return moved


def complex_numerical_grad(f, z, eps=1e-6):
    """df/da - i df/db of a real-valued f by central differences (z = a + ib): the convention
    srcdiff's complex gradients follow (those of abs, norm, var and vdot)."""
    g = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[i] = eps
        g[i] = (f(z + e) - f(z - e)) / (2 * eps) - 1j * (f(z + 1j * e) - f(z - 1j * e)) / (2 * eps)
    return g


# --- transforms of derivatives (srcdiff/compose.py) ---------------------------------------
TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "jacobian", "jacobian_fwd", "hessian",
              "hvp")


def make_transform(kind, f, wrt=0):
    """srcdiff.<kind>(f, wrt) ("jacobian_fwd": srcdiff.jacobian(f, mode="forward"))."""
    if kind == "jacobian_fwd":
        return srcdiff.jacobian(f, wrt=wrt, mode="forward")
    return getattr(srcdiff, kind)(f, wrt=wrt)


def transform_extras(kind, f, args, wrt=0, seed=0):
    """The arguments a transform takes after f's: a cotangent shaped like f's output (vjp),
    a tangent or vector shaped like the wrt argument (jvp, hvp), nothing for the others."""
    rng = np.random.default_rng(seed)
    if kind == "vjp":
        return [_random_tree(f(*_copy_args(list(args))), rng)]
    if kind in ("jvp", "hvp"):
        return [_random_tree(args[wrt], rng)]
    return []


def _total(value):
    return float(sum(np.sum(np.real(leaf)) for leaf in flatten(value)[0]))


def check_transform(kind, d, *args, wrt=0, rtol=1e-4, atol=1e-6, seed=1):
    """Assert srcdiff.<kind>(d) matches central differences of d itself along its argument
    `wrt` (a real array or float), and return it. `d` is any function srcdiff can
    differentiate: a derivative it made (grad(f), hessian(f), jvp(f), ...) included, so a
    composition is checked against finite differences of the derivative one order below.

    grad, value_and_grad, vjp: the gradient of sum(d) (of <u, d> for vjp, u random); jvp:
    d's value and its directional difference along a random tangent; jacobian (either
    mode): every column; hessian and hvp: central differences of srcdiff.grad(d) (itself
    checked by the grad case). Nothing passed in may change.
    """
    rng = np.random.default_rng(seed)
    x = args[wrt]
    units = [np.eye(np.size(x))[i].reshape(np.shape(x)) if np.ndim(x) else 1.0
             for i in range(np.size(x))]
    before = _copy_args(list(args))

    def along(fn, direction):
        return lambda s: _difference(fn(*_moved_at(args, wrt, direction, s)),
                                     fn(*_moved_at(args, wrt, direction, -s)), s)

    def gradient_of(scalar):
        def at(s):
            slopes = [scalar(along(d, e)(s)) for e in units]
            return np.reshape(slopes, np.shape(x)) if np.ndim(x) else float(slopes[0])
        return at

    t = make_transform(kind, d, wrt)
    if kind == "grad":
        got = t(*args)
        _agrees(f"grad of {d!r}", got, gradient_of(_total), rtol, atol)
    elif kind == "value_and_grad":
        value, got = t(*args)
        _agrees(f"value_and_grad's value of {d!r}", value, lambda s: d(*_copy_args(list(args))),
                1e-10, 1e-12)
        _agrees(f"value_and_grad of {d!r}", got, gradient_of(_total), rtol, atol)
    elif kind == "vjp":
        cotangent = _random_tree(d(*_copy_args(list(args))), rng)
        got = t(*args, cotangent)
        _agrees(f"vjp of {d!r}", got, gradient_of(lambda col: _pair(cotangent, col)), rtol,
                atol)
    elif kind == "jvp":
        tangent = _random_tree(x, rng)
        value, got = t(*args, tangent)
        _agrees(f"jvp's value of {d!r}", value, lambda s: d(*_copy_args(list(args))), 1e-10,
                1e-12)
        _agrees(f"jvp of {d!r}", got, along(d, tangent), rtol, atol)
    elif kind in ("jacobian", "jacobian_fwd"):
        got = t(*args)

        def columns(s):
            cols = [along(d, e)(s) for e in units]
            leaves = [flatten(c)[0] for c in cols]
            rebuild = flatten(cols[0])[1]
            stacked = [np.reshape(np.stack([np.asarray(c[k]) for c in leaves], -1),
                                  np.shape(leaves[0][k]) + np.shape(x))
                       for k in range(len(leaves[0]))]
            return rebuild([float(j) if np.ndim(j) == 0 and isinstance(x, float) else j
                            for j in stacked])
        _agrees(f"{kind} of {d!r}", got, columns, rtol, atol)
    elif kind == "hessian":
        got = t(*args)
        g = srcdiff.grad(d, wrt=wrt)
        _agrees(f"hessian of {d!r}", got, lambda s: np.reshape(
            np.stack([np.asarray(along(g, e)(s)) for e in units], -1),
            np.shape(x) + np.shape(x)) if np.ndim(x) else float(along(g, 1.0)(s)), rtol, atol)
    elif kind == "hvp":
        vector = _random_tree(x, rng)
        got = t(*args, vector)
        _agrees(f"hvp of {d!r}", got, along(srcdiff.grad(d, wrt=wrt), vector), rtol, atol)
    else:
        raise ValueError(kind)
    _assert_unchanged(list(args), before, f"{kind} of {d!r}")
    return got
