"""srcdiff/resolver.py: a function's free names read live (closure cells, then module
globals, then builtins), and `tracking` / `stale`: the functions found by name, recorded so
that a derivative is made again when one is redefined. (The first tests of the resolver
are in tests/test_frontend.py, which the frontend re-exports it from.)"""
import functools
import threading

import numpy as np

from srcdiff import resolver


def helper(x):
    return x * x


def uses_helper(x):
    return helper(x) * 2.0


class Holder:
    def method(self, x):
        return helper(x)


def test_a_bound_method_reads_the_names_of_the_function_it_calls():
    names = resolver.Resolver(Holder().method)
    assert names.lookup("helper") is helper
    assert names.has("helper") and names.has("len") and not names.has("nowhere")


def test_a_decorators_wrapper_is_read_as_its_own_code_not_the_wrapped_function():
    def decorate(fn):
        scale = 3.0

        @functools.wraps(fn)
        def wrapper(x):
            return fn(x) * scale
        return wrapper
    names = resolver.Resolver(decorate(uses_helper))
    assert names.lookup("scale") == 3.0 and names.lookup("fn") is uses_helper
    assert names.lookup("helper") is helper   # the wrapper's module globals too


WEIGHTS = np.ones(3)


def test_tracking_records_what_is_specialised_on_not_the_values_read_live():
    cell_fn = helper

    def outer(x):
        return cell_fn(x) + helper(x) + np.sum(x) * WEIGHTS
    names = resolver.Resolver(outer)
    with resolver.tracking() as deps:
        names.lookup("cell_fn")
        names.lookup("helper")
        names.lookup("np")        # a module (bound to another later: made again)
        names.lookup("WEIGHTS")   # an array: the emitted code reads it when it runs
        names.lookup("len")       # a builtin
    assert [(name, obj) for _, name, obj in deps] == [(None, helper), ("helper", helper),
                                                      ("np", np)]
    assert not resolver.stale(deps)
    names.lookup("helper")   # outside a tracking block nothing is recorded
    assert len(deps) == 3


class _Box:
    def act(self, t):
        return t


class _Other:
    pass


BOX = _Box()


def test_an_object_of_the_users_is_tracked_by_its_class():
    with resolver.tracking() as deps:
        resolver.Resolver(test_an_object_of_the_users_is_tracked_by_its_class).lookup("BOX")
    assert not resolver.stale(deps)
    global BOX
    saved = BOX
    try:
        BOX = _Box()           # another object of the class: read live, not stale
        assert not resolver.stale(deps)
        BOX = _Other()         # another class: stale
        assert resolver.stale(deps)
    finally:
        BOX = saved


def test_an_attribute_read_of_a_users_object_is_tracked_and_numpys_are_not():
    with resolver.tracking() as deps:
        resolver.track_attribute(BOX, "act", BOX.act)      # a bound method: its function
        resolver.track_attribute(np, "tanh", np.tanh)      # NumPy's: not recorded
    assert len(deps) == 1 and not resolver.stale(deps)
    BOX.act = np.sin   # (an instance attribute hiding the method)
    try:
        assert resolver.stale(deps)
    finally:
        del BOX.act
    assert not resolver.stale(deps)


def test_a_function_rebound_in_a_closure_cell_is_stale():
    inner = helper

    def outer(x):
        return inner(x)
    with resolver.tracking() as deps:
        resolver.Resolver(outer).lookup("inner")
    assert not resolver.stale(deps)
    inner = np.sin   # noqa: F841 - rebinds the cell outer reads
    assert resolver.stale(deps)


def test_nested_tracking_blocks_record_into_the_innermost():
    names = resolver.Resolver(uses_helper)
    with resolver.tracking() as outer_deps:
        with resolver.tracking() as inner_deps:
            names.lookup("helper")
        assert len(inner_deps) == 1 and outer_deps == []


def test_tracking_is_per_thread():
    names = resolver.Resolver(uses_helper)
    seen = []

    def other():
        names.lookup("helper")    # another thread: not in this thread's tracking block
        with resolver.tracking() as deps:
            names.lookup("helper")
        seen.append(len(deps))
    with resolver.tracking() as deps:
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert deps == [] and seen == [1]



class Shape:
    def area(self):
        return 1.0


def test_a_class_of_the_users_is_tracked_with_its_methods():
    """A class found by name is recorded with each of its methods: the name bound to a new
    class, or a method replaced, makes the record stale; numpy's classes are not recorded."""
    def uses_shape(x):
        return Shape().area() * x
    with resolver.tracking() as deps:
        resolver.Resolver(uses_shape).lookup("Shape")
    assert ("Shape", Shape) in [(name, obj) for _, name, obj in deps]
    assert ("area", Shape.__dict__["area"]) in [(name, obj) for _, name, obj in deps]
    assert not resolver.stale(deps)
    saved = Shape.area
    try:
        Shape.area = lambda self: 2.0
        assert resolver.stale(deps)
    finally:
        Shape.area = saved
    assert not resolver.stale(deps)
    out = []
    resolver.class_deps(np.ndarray, out)
    assert out == []
