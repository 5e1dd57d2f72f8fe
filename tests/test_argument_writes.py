"""srcdiff/argument_writes.py: passed_on_write follows a parameter handed on to a function
that writes into it, as far down as `follow` lets it (the syntax-only checks of
argument_writes itself are in tests/test_aliasing.py)."""
import numpy as np

from srcdiff import frontend, inplace_calls, variadic
from srcdiff import syntax as S
from srcdiff.argument_writes import argument_writes, fresh_argument, passed_on_write


def _writes(t):
    t[0] = 1.0
    return 0.0


def _hands_on(t, u):
    return _writes(t) * u


def _hands_on_twice(a, b):
    return _hands_on(b, a) + 1.0


def _rebinds_then_hands_on(a):
    a = a * 2.0
    return _hands_on(a, 1.0)


def _syntax(fn):
    source = frontend.get_source(fn)
    params = variadic.parameter_names(source.node)
    return source, params, inplace_calls.callee_resolver(fn, None, source.node, params)


def _follow_all(callee):
    return _syntax(callee) if callee in (_writes, _hands_on, _hands_on_twice) else None


def _passed(fn, follow=_follow_all):
    source, params, resolve = _syntax(fn)
    assert argument_writes(source.node, params, resolve) == ([], [])
    return passed_on_write(source.node, params, resolve, follow, {fn})


def test_a_write_one_call_down_names_the_parameter_and_the_callee():
    param, call, name, where = _passed(_hands_on)
    assert (param, name) == ("t", "_writes")
    assert where.startswith("test_argument_writes.py:")
    assert call.func.id == "_writes"


def test_a_write_two_calls_down_maps_the_parameters_on_the_way():
    # _hands_on_twice(a, b) passes b as _hands_on's t, which _writes writes into
    param, _, name, _ = _passed(_hands_on_twice)
    assert param == "b"
    assert name == "_hands_on (and on to _writes)"


def test_follow_decides_which_callees_are_read():
    assert _passed(_hands_on_twice, follow=lambda callee: None) is None
    only_one_down = lambda callee: _syntax(callee) if callee is _hands_on else None  # noqa: E731
    assert _passed(_hands_on_twice, follow=only_one_down) is None


def test_a_parameter_rebound_first_is_not_the_callers():
    assert _passed(_rebinds_then_hands_on) is None


def _made_fresh(x):
    return np.tanh(x) * 2.0


def _made_shared(x):
    return x


def _argument_statements(fn):
    from srcdiff import analyze
    from srcdiff.transform import lower_function
    return {s.targets[0].id: s for s in analyze.flatten(lower_function(fn).body)
            if hasattr(s, "targets") and isinstance(s.targets[0], S.Name)}


def _calls_makers(x):
    a = x * 2.0
    b = -x
    c = np.sin(x)
    d = np.reshape(x, (3,))
    e = _made_fresh(x)
    f = _made_shared(x)
    g = np.array(x, copy=False)
    h = x[1:]
    i = (x * 2.0).copy()
    j = x.astype(float)
    return a, b, c, d, e, f, g, h, i, j


def test_fresh_argument_knows_new_values_from_shared_ones():
    # (x.copy() of a list shares its items: check_fresh_argument refuses one when it runs)
    made = _argument_statements(_calls_makers)
    assert [n for n in "abcdefghij" if fresh_argument(made[n])] == ["a", "b", "c", "e", "i",
                                                                     "j"]
