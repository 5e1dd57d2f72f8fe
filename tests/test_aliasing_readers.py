"""srcdiff/aliasing.py: a write refused (or checked in the run) wherever alias_flow names a
later reader of the written array, even where the statement that made the alias names some
other holder (a method of an object handing back the array a field holds)."""
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from user_modules import load

_SOURCE = '''
import numpy as np


class Layer:
    def __init__(self, w):
        self.w = w

    def grab(self):
        return self.w

    def copied(self):
        return self.w.copy()

    def forward(self, v):
        return np.tanh(self.w * v)


def field_of(layer):
    return layer.w


def method_result_written_read_through_y(x):
    y = x * 1.0
    layer = Layer(y)
    g = layer.grab()
    g[1] = 5.0 * x[2]
    t = y
    return np.sum(t * np.arange(1.0, 5.0)) + np.sum(y * x)


def helper_result_written_read_through_y(x):
    y = x * 1.0
    layer = Layer(y)
    g = field_of(layer)
    g[2] = g[2] * x[0]
    return np.sum(y * x)


class Other:
    def __init__(self, w):
        self.w = w

    def copied(self):
        return np.array(self.w)


def method_copy_written(x):
    layer = Layer(x * 1.0)
    g = layer.copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(layer.w * x)


def method_copy_of_a_class_only_the_run_tells(x):
    layer = Layer(x * 1.0) if x[0] > 0.0 else Other(x * 2.0)
    g = layer.copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(layer.w * x)


class Grab:
    def __init__(self, w):
        self.w = w

    def copied(self):
        return self.w


def copied_of_a_class_only_the_run_tells(x):
    y = x * 1.0
    layer = Layer(y) if x[0] > 0.0 else Grab(y)
    g = layer.copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(y * x)


def copied_in_a_loop_over_objects(x):
    y = x * 1.0
    total = 0.0
    for layer in [Layer(y), Grab(y)]:
        g = layer.copied()
        g[2] = g[2] * x[0]
        total = total + np.sum(g * x)
    return total + np.sum(y * x)


def copied_of_a_list_item(x):
    y = x * 1.0
    layers = [Layer(y), Grab(y)]
    g = layers[1].copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(y * x)


def copied_of_a_list_item_that_copies(x):
    y = x * 1.0
    layers = [Layer(y), Grab(y)]
    g = layers[0].copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(y * x)


def copied_of_either_class_that_copies(x):
    layer = Layer(x * 1.0) if x[0] > 0.0 else Other(x * 2.0)
    g = layer.copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x)


def copied_of_an_object_made_in_one_arm(x):
    y = x * 1.0
    if x[0] > 0.0:
        layer = Grab(y)
        g = layer.copied()
    else:
        g = y * 2.0
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(y * x)


def copied_of_an_object_made_in_both_arms(x):
    y = x * 1.0
    if x[0] > 0.0:
        layer = Layer(y)
    else:
        layer = Other(y)
    g = layer.copied()
    g[2] = g[2] * x[0]
    return np.sum(g * x) + np.sum(y * x)


def kw_mix(w, **kw):
    total = w * kw["a"]
    for k, v in kw.items():
        total = total + 0.25 * np.sum(np.sin(v))
    return total + kw.get("c", 0.5)


def pick(w, **kw):
    return kw["a"]


def updated_after_a_helper_given_it(x):
    u = x * 1.0
    a = kw_mix(np.dot(u, x), a=max(u[0], u[1]), b=u)
    u *= 0.5 + 0.4 * x[2]
    P = {"w": x * 2.0, "b": a}
    return np.sum(np.tanh(P["w"])) * P["b"] + np.sum(u * x)


def updated_after_a_helper_handing_it_back(x):
    u = x * 1.0
    a = pick(np.dot(u, x), a=u, b=u)
    u *= 0.5 + 0.4 * x[2]
    return np.sum(a * x) + np.sum(u * x)


def rows_scaled(M, c):
    for row in M:
        yield row * c


def shifted_in_a_loop_after_a_generator(x, A):
    total = sum(np.sum(r) for r in rows_scaled(A, x[0]))
    for p, q in zip(x, x):
        if q >= 1.0:
            continue
        A[1:, :] = A[:-1, :] * q
    return np.sum(A * np.arange(1.0, 7.0).reshape(3, 2)) + total * x[1]


def shifted_in_nested_loops_after_a_generator(x, A):
    total = sum(np.sum(r) for r in rows_scaled(A, x[0]))
    for q in x:
        for k in range(2):
            A[1:, :] = A[1:, :] * np.tanh(q * A[:-1, :])
    return np.sum(A * np.arange(1.0, 7.0).reshape(3, 2)) + total * x[1]


def shifted_view_read_after_the_write(x, A):
    total = sum(np.sum(r) for r in rows_scaled(A, x[0]))
    for p, q in zip(x, x):
        if q >= 1.0:
            continue
        v = A[:-1, :]
        A[1:, :] = v * q
        total = total + np.sum(v)
    return np.sum(A) + total
'''


@pytest.fixture(scope="module")
def m(tmp_path_factory):
    module = load(tmp_path_factory.mktemp("readers"), "readers", _SOURCE)
    yield module
    del sys.modules["readers"]


X = np.array([0.3, -0.5, 0.8, 0.1])


@pytest.mark.parametrize("name", ["method_result_written_read_through_y",
                                  "helper_result_written_read_through_y"])
def test_a_field_s_array_handed_back_then_written_is_refused(m, name):
    """`g = layer.grab(); g[1] = c` writes the array layer.w (and y) hold; a later read of y
    or of the layer sees it. The gradient was silently wrong (1.0 where it is 0, the write
    missed); now refused in the run, located at the write."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        srcdiff.grad(getattr(m, name))(X.copy())
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        check(getattr(m, name), X, order=1)   # (vjp, jvp: every path)


A = np.array([[0.3, -0.2], [0.5, 0.7], [-0.4, 0.9]])


def test_a_view_read_before_a_write_in_a_loop_and_bound_anew_each_trip_differentiates(m):
    """`A[1:, :] = A[:-1, :] * q` in a loop, where a generator of the user's was handed A
    before (so alias_flow cannot follow A): the view srcdiff names is read before the write
    and bound anew at the top of each trip, so no read sees the write (fuzz 2017000036, once
    refused in the run)."""
    check(m.shifted_in_a_loop_after_a_generator, X[:3], A, wrt=(0, 1), order=2)
    # (in nested loops: the next trip of the outer loop reaches the inner one, whose body
    # binds the views again before reading them; fuzz 2017000007, users)
    check(m.shifted_in_nested_loops_after_a_generator, X[:3], A, wrt=(0, 1), order=2)


def test_a_view_read_after_the_write_in_the_same_trip_stays_refused(m):
    """The neighbour: v = A[:-1, :] is read after A[1:, :] changed it (the same memory)."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into A here"):
        srcdiff.grad(m.shifted_view_read_after_the_write, wrt=(0, 1))(X[:3].copy(), A.copy())


def test_a_method_returning_a_copy_is_written_freely(m):
    """`g = layer.copied(); g[2] = ...`, the class known: the method's own body proves its
    result new (alias_flow_fresh), so the write is unseen by layer.w. Where the object's
    class is one of two only the run tells, each arm calls its class's method (a dispatch)
    and both copy, so the run's check at the write passes; `layer.w`, a field of both record
    classes, is read as a field (object_lists.shared_field; it was refused there)."""
    check(m.method_copy_written, X, order=2)
    for x0 in (0.3, -0.3):
        check(m.method_copy_of_a_class_only_the_run_tells, np.array([x0, -0.5, 0.8, 0.1]),
              order=2)


@pytest.mark.parametrize("name, x0", [("copied_of_a_class_only_the_run_tells", -0.3),
                                      ("copied_in_a_loop_over_objects", 0.3),
                                      ("copied_in_a_loop_over_objects", -0.3),
                                      ("copied_of_a_list_item", 0.3)])
def test_a_field_handed_back_by_a_method_of_a_list_item_or_a_dispatch_is_refused(m, name, x0):
    """`g = obj.copied(); g[2] = ...; y` where obj is a list's item, a loop's item over a
    list of objects, or an object whose class only the run tells, and Grab.copied hands back
    self.w (y itself): the write changes y. The gradient was silently wrong (the argument
    of the call was srcdiff's name, never checked); now refused in the run, at the write."""
    x = np.array([x0, -0.5, 0.8, 0.1])
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        srcdiff.grad(getattr(m, name))(x.copy())
    with pytest.raises(srcdiff.SrcdiffError, match=r"readers.py:[0-9]+: writing into g here"):
        check(getattr(m, name), x, order=1)   # (vjp, jvp: every path)


def test_a_method_copying_its_field_of_a_list_item_or_a_dispatch_differentiates(m):
    """The neighbours: the object's method copies (Layer.copied; where the class is one of
    two only the run tells, Layer's arm), so the write is unseen: the run's check passes."""
    check(m.copied_of_a_list_item_that_copies, X, order=2)
    check(m.copied_of_a_class_only_the_run_tells, X, order=2)   # (x[0] > 0: Layer)
    for x0 in (0.3, -0.3):
        check(m.copied_of_either_class_that_copies, np.array([x0, -0.5, 0.8, 0.1]), order=2)


def test_a_holder_bound_in_one_arm_only_is_checked_at_the_write(m):
    """`layer = Grab(y); g = layer.copied()` in one arm of an if, g bound anew in the other,
    then `g[2] = ...`: the write was left unchecked (silently wrong for x[0] > 0), then
    refused on every path. Now checked in the run through layer's shadow (None where layer
    is unbound: alias_guards.Shadows): refused, located at the write, where layer holds g's
    array (x[0] > 0), differentiated where the other arm ran. The neighbour, layer bound in
    both arms (both methods copy), is checked in the run and differentiates."""
    for x0 in (0.3, -0.3):
        x = np.array([x0, -0.5, 0.8, 0.1])
        if x0 > 0.0:
            for make, more in ((srcdiff.grad, ()), (srcdiff.jvp, (np.ones(4),))):
                with pytest.raises(srcdiff.RuntimeRefusal, match=r"readers.py:[0-9]+: "
                                   "writing into g here would change layer"):
                    make(m.copied_of_an_object_made_in_one_arm)(x.copy(), *more)
        else:
            check(m.copied_of_an_object_made_in_one_arm, x, order=2)
        check(m.copied_of_an_object_made_in_both_arms, x, order=2)


def test_an_update_in_place_read_only_through_a_helpers_result_is_checked_when_it_runs(m):
    """`u *= c` where the only later reader is what a helper given u returned (a number here:
    max(u[0], u[1]) under **kw): like an item write, a check before it that the result
    shares nothing with u, where `z op= v` was refused for every array (fuzz 2122000038,
    writes). The neighbour, whose helper hands u back, is refused when it runs."""
    check(m.updated_after_a_helper_given_it, X[:3], order=2)
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"readers.py:[0-9]+: writing into u here"):
        srcdiff.grad(m.updated_after_a_helper_handing_it_back)(X[:3].copy())
