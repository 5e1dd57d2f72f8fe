"""srcdiff/callback_stores.py: a callback of the user's, run for its effects on a value being
differentiated, that stores the value where the differentiated code reads it back is refused
at the callback's call, in both modes; every one of these shapes gave a silently wrong
derivative before (the stored value carried no derivative). Callbacks whose stores nothing
differentiated reads (a history of losses, a logger object, a counter) still run, and the
derivatives stay right against central differences (gradcheck.check, both modes, second
order)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.3, 0.7, 1.1])

losses = []
state = {"last": 0.0}
counter = 0.0


class Box:
    pass


box = Box()
box.v = 0.0


def keep(v):
    losses.append(v)


def put(v):
    state["last"] = v


def put_field(v):
    box.v = v


def extend_with(v):
    losses.extend([v])


def update_with(v):
    state.update(last=v)


def rebind_global(v):
    global counter
    counter = v


def last_loss():
    return losses[-1]


def reads_list_back(x):
    keep(np.sum(x * 2.0))
    return np.sum(losses[-1] * x)


def reads_dict_back(x):
    put(np.sum(x * 2.0))
    return state["last"] * np.sum(x)


def reads_through_a_helper(x):
    keep(np.sum(x * 2.0))
    return last_loss() * np.sum(x)


def reads_field_back(x):
    put_field(np.sum(x * 2.0))
    return box.v * np.sum(x)


def reads_extended_back(x):
    extend_with(np.sum(x * 2.0))
    return losses[-1] * np.sum(x)


def reads_updated_back(x):
    update_with(np.sum(x * 2.0))
    return state["last"] * np.sum(x)


def reads_in_a_loop(x):
    for i in range(2):
        put_field(np.sum(x * 2.0) + i)
    return box.v * np.sum(x)


def reads_rebound_global(x):
    rebind_global(np.sum(x * 2))
    return counter * np.sum(x)


def nested_callback_read_back(x):
    def inner(v):
        losses.append(v)
    inner(np.sum(x * 2))
    return losses[-1] * np.sum(x)


def _started():
    return []


def nested_callback_into_a_local(x):
    seen = _started()   # (a helper's list: srcdiff cannot tell no other name holds it)

    def note(v):
        seen.append(v)
    note(np.sum(x * 2))
    return seen[-1] * np.sum(x)


def nested_callback_into_a_new_list(x):
    seen = []

    def note(v):
        seen.append(v)
    note(np.sum(x * 2))
    return seen[-1] * np.sum(x)


def nested_callback_into_a_list_call(x):
    seen = list()   # (the builtin's new list, as a display)

    def note(v):
        seen.append(v)
    note(np.sum(x * 2))
    return seen[-1] * np.sum(x)


@pytest.mark.parametrize("f", [nested_callback_into_a_new_list, nested_callback_into_a_list_call])
def test_a_nested_callback_appending_to_a_new_list_read_back_differentiates(f):
    # (refused above before: the append now rebinds seen, declared nonlocal in note,
    # nonlocal_lists.py, so its derivative reaches the read)
    from gradcheck import check
    check(f, X.copy(), wrt=0, order=2)


def _keeper(v):
    history = losses        # an alias of the global, then a write through it
    history.append(v)


def reads_alias_written(x):
    _keeper(np.sum(x * 2.0))
    return losses[-1] * np.sum(x)


def _keep_twice(v):
    keep(v)                 # the store is one call further down


def reads_after_deeper_store(x):
    _keep_twice(np.sum(x * 3.0))
    return np.sum(x) * losses[-1]


class Model:
    def __init__(self):
        self.hist = []

    def log(self, v):
        self.hist.append(v)

    def loss(self, x):
        self.log(np.sum(x * 2))
        return self.hist[-1] * np.sum(x)

    def quiet_loss(self, x):
        self.log(np.sum(x * 2))
        return np.sum(x ** 2)


READ_BACK = [reads_list_back, reads_dict_back, reads_through_a_helper, reads_field_back,
             reads_extended_back, reads_updated_back, reads_in_a_loop, reads_rebound_global,
             nested_callback_read_back, nested_callback_into_a_local, reads_alias_written, reads_after_deeper_store]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f", READ_BACK, ids=lambda f: f.__name__)
def test_a_store_read_back_is_refused_at_the_callback(f, mode):
    err = refusal(f, (X.copy(),), mode)
    assert "is called for its effects with a value being differentiated" in str(err)
    assert "callback may print, plot or keep values" in str(err)


def test_the_refusal_names_what_is_read_and_by_whom():
    err = refusal(reads_through_a_helper, (X.copy(),), "grad")
    assert "changes losses, which last_loss reads" in str(err)
    err = refusal(reads_rebound_global, (X.copy(),), "grad")
    assert "the global counter" in str(err)
    err = refusal(nested_callback_into_a_local, (X.copy(),), "grad")
    assert "may change seen, which this function reads" in str(err)


def test_a_method_storing_into_its_object_read_back_is_refused():
    m = Model()
    with pytest.raises(srcdiff.SrcdiffError, match=r"changes the attribute \.hist, which "
                                                   r"Model\.loss reads"):
        srcdiff.grad(m.loss)(X.copy())


# -- neighbours: stores nothing differentiated reads back ------------------------------------
def logs_losses(x):
    y = np.sum(np.sin(x) * x)
    keep(float(y))
    return y * 2.0


def logs_in_a_loop(x):
    for k in range(3):
        x = np.tanh(x) * 1.1
        put_field(np.sum(x))
        keep(x[0])
    return np.sum(x ** 2)


def logs_through_a_closure(x):
    seen = []

    def note(v):
        seen.append(v)
    note(np.sum(x))
    return np.sum(x ** 3)


@pytest.mark.parametrize("f", [logs_losses, logs_in_a_loop, logs_through_a_closure],
                         ids=lambda f: f.__name__)
def test_a_history_nothing_reads_back_is_right(f):
    before = len(losses)
    check(f, X.copy())
    if f is not logs_through_a_closure:
        assert len(losses) > before       # the callback really ran


def test_a_method_logging_into_its_object_is_right():
    m = Model()
    check(m.quiet_loss, X.copy())
    assert m.hist and all(np.ndim(v) == 0 for v in m.hist)


# -- a global list appended to directly (idioms._global_append) -----------------------------
history = []


def appends_a_history(x):
    y = np.sum(np.sin(x) ** 2)
    losses.append(y.item())
    for k in range(2):
        y = y * np.cos(x[k])
        history.append(float(y))
    history.append((k, y))           # a tuple of a number and a NumPy scalar
    return y


def _last_loss():
    return losses[-1]


def appends_then_a_helper_reads(x):
    y = np.sum(x ** 2)
    losses.append(float(y))
    return y * _last_loss()


def appends_then_reads_itself(x):
    y = np.sum(x ** 2)
    losses.append(float(y))
    return y * losses[-1]


def appends_an_array(x):
    y = x * 2.0
    losses.append(y)
    return np.sum(y)


def test_a_global_list_appended_to_and_never_read_back():
    del history[:]
    check(appends_a_history, X.copy())
    assert history and all(isinstance(v, (float, tuple)) for v in history)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_global_list_read_back_is_refused_at_the_append(mode):
    err = refusal(appends_then_a_helper_reads, (X.copy(),), mode)
    assert "_last_loss reads losses" in str(err)
    err = refusal(appends_then_reads_itself, (X.copy(),), mode)
    assert "read here" in str(err)


def test_an_array_appended_to_a_global_list_is_refused_when_it_runs():
    err = refusal(appends_an_array, (X.copy(),), "grad")
    assert "float(v)" in str(err)
