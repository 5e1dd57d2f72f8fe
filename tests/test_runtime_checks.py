"""srcdiff/runtime_checks.py called directly: each check passes what is fine without
changing it and refuses the rest with a RuntimeRefusal located at the user's line (its text
quoted from the file), or, for the API's argument checks, with the TypeError or ValueError
the API turns into an ArgumentError."""
import collections

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff.errors import RuntimeRefusal, SrcdiffError
from srcdiff.runtime_checks import (check_argument_update, check_aux_pair, check_cotangent,
                                    check_differentiable, check_directive, check_in_place,
                                    check_item_copies, check_item_update, check_no_step,
                                    check_no_view, check_not_shared, check_spread,
                                    check_unpacked,
                                    directive_refusal, linspace_step_refusal, refuse)

LINE = "    z += v"


@pytest.fixture
def where(tmp_path):
    source = tmp_path / "user.py"
    source.write_text("def f(z, v):\n" + LINE + "\n    return z\n")
    return f"{source}:2"


def _refused(call, *args):
    with pytest.raises(RuntimeRefusal) as info:
        call(*args)
    return info.value


def test_refuse_locates_and_quotes_the_users_line(where):
    error = _refused(refuse, "why", "what instead", where)
    assert isinstance(error, SrcdiffError)
    assert (error.lineno, error.line, error.reason, error.hint) == (2, LINE.strip(), "why",
                                                                   "what instead")
    assert error.filename == where.rsplit(":", 1)[0]
    assert _refused(refuse, "why", "hint", None).filename is None


def test_in_place_updates_are_refused_for_arrays_not_numbers(where):
    check_in_place(1.0, "__iadd__", "r", "h", where)
    assert _refused(check_in_place, np.ones(2), "__iadd__", "r", "h", where).lineno == 2
    check_item_update([1.0], 2.0, "__iadd__", "r", "h", where)
    check_item_update(np.ones(2), np.ones(2), "__iadd__", "r", "h", where)   # followed
    _refused(check_item_update, [np.ones(2)], np.ones(2), "__iadd__", "r", "h", where)
    check_argument_update(1.0, "__imul__", "r", "h", where.rsplit(":", 1)[0], 2, 4)
    error = _refused(check_argument_update, [1.0], "__iadd__", "r", "h",
                     where.rsplit(":", 1)[0], 2, 4)
    assert error.line == LINE.strip()


class _Record:
    def __init__(self, w, b):
        self.w, self.b = w, b


def test_shared_values_and_views_are_refused(where):
    m = np.arange(6.0).reshape(2, 3)
    _refused(check_not_shared, m[0], m, "r", "h", where)        # a row view
    check_not_shared(m[[0]], m, "r", "h", where)                # an index array's copy
    check_not_shared(m[0, 1], m, "r", "h", where)               # a number
    items = [np.ones(2)]
    _refused(check_not_shared, items[0], items, "r", "h", where)
    _refused(check_not_shared, m, (m[1], 2.0), "r", "h", where)   # an item views it
    _refused(check_not_shared, m, [{"a": (m,)}], "r", "h", where)  # held deeper down
    check_not_shared(m, (m[1].copy(), 2.0, [m.sum()]), "r", "h", where)
    _refused(check_not_shared, m, _Record(m[:, 1:], 0.5), "r", "h", where)  # a record's field
    _refused(check_not_shared, m, [_Record(1.0, {"w": m})], "r", "h", where)   # deeper down
    check_not_shared(m, _Record(m.copy(), m.sum()), "r", "h", where)
    check_not_shared(m, _Record, "r", "h", where)   # (a class: no record of values)
    _refused(check_not_shared, m, zip(m, m), "r", "h", where)   # (an iterator hides them)
    _refused(check_not_shared, m, [iter(m[0])], "r", "h", where)
    check_not_shared(m, [np.sum, np.sin, range(3), None, "w", len], "r", "h", where)
    _refused(check_not_shared, m, (m.sum, 1.0), "r", "h", where)   # (a bound method)
    _refused(check_no_view, m[0], m, 0, "r", "h", where)        # the write lands in the view
    check_no_view(m[0], m, 1, "r", "h", where)                  # another row
    check_no_view(m[0].copy(), m, 0, "r", "h", where)
    _refused(check_no_view, [m[1], m[0]], m, 0, "r", "h", where)   # a list of rows: each
    check_no_view([m[1], (m[1],)], m, 0, "r", "h", where)
    _refused(check_item_copies, m, 0, "r", "h", where)          # y[0], y[1] = y[1], y[0]
    check_item_copies(np.arange(3.0), 0, "r", "h", where)
    assert np.array_equal(m, np.arange(6.0).reshape(2, 3))      # nothing written


def test_argument_checks_raise_what_the_api_turns_into_argument_errors():
    check_differentiable({"a": [1.0, np.ones(2)]}, "x")
    check_differentiable(1j, "x")
    with pytest.raises(TypeError, match=r"x\[1\]: it is the integer 2; pass a float"):
        check_differentiable([1.0, 2], "x")
    with pytest.raises(TypeError, match="dtype is int64"):
        check_differentiable(np.arange(2, dtype=np.int64), "x")
    with pytest.raises(TypeError, match="a str is not a number or an array"):
        check_differentiable("a", "x")
    u = np.ones(3)
    private = check_cotangent(u, np.zeros(3))
    assert np.array_equal(private, u) and private is not u
    with pytest.raises(ValueError, match=r"shape \(2,\) but the output has shape \(3,\)"):
        check_cotangent(np.ones(2), np.zeros(3))
    check_aux_pair((1.0, "aux"))
    with pytest.raises(TypeError, match="has_aux=True"):
        check_aux_pair(1.0)


def test_directive_linspace_and_spread_checks(where):
    assert directive_refusal("0,2") is None and directive_refusal("-1") is None
    assert "'r'" in directive_refusal("r")[0]
    check_directive("1", where)
    check_directive(np.ones(2), where)
    assert _refused(check_directive, "c", where).lineno == 2
    check_no_step(False, where)
    assert _refused(check_no_step, True, where).reason == linspace_step_refusal()[0]
    check_spread(0.0, np.array([1.0, 2.0]), "scale", where)
    assert "scale" in _refused(check_spread, 0.0, np.array([1.0, 0.0]), "scale", where).reason
    assert "bounds" in _refused(check_spread, 1.0, 1.0, "bounds", where).reason


def test_check_array_refuses_lists_dicts_and_objects_that_are_no_arrays():
    """Before `a.sort()` / `a.fill(v)`, lowered as `a[...] = ...` (out_writes.py)."""
    from srcdiff import runtime_checks
    runtime_checks.check_array(np.zeros(3), "why", "what", "f.py:1")
    for value in ([1.0, 2.0], {"a": 1.0}, (1.0,), 2.5):
        with pytest.raises(RuntimeRefusal, match="f.py:1: why"):
            runtime_checks.check_array(value, "why", "what", "f.py:1")


# -- hunt19: a vjp of a function returning a tuple of an array and a number ----------------
def returns_an_array_and_a_number(x):
    return x * 2, np.sum(x * x)


def returns_a_list_of_an_array_and_a_pair(x):
    return [np.sin(x), (x[0] * x[1], np.sum(x))]


@pytest.mark.parametrize("f", [returns_an_array_and_a_number,
                               returns_a_list_of_an_array_and_a_pair])
def test_a_vjp_of_a_tuple_of_an_array_and_a_number(f):
    # numpy.shape of (array(3), float) raised NumPy's "inhomogeneous shape" ValueError
    # in check_cotangent: every vjp of such a function crashed
    check(f, np.array([0.5, -1.0, 0.7]))


def test_check_cotangent_compares_a_tuple_item_by_item():
    value = (np.zeros(3), 1.0)
    got = check_cotangent((np.ones(3), 2.0), value)
    assert np.array_equal(got[0], np.ones(3)) and got[1] == 2.0
    with pytest.raises(ValueError, match=r"the cotangent \[0\] has shape \(2,\) but the output "
                                         r"item has shape \(3,\)"):
        check_cotangent((np.ones(2), 2.0), value)
    with pytest.raises(ValueError, match="has 1 items but the output has 2"):
        check_cotangent((np.ones(3),), value)
    with pytest.raises(ValueError, match=r"\['b'\] is a tuple but the output item is a float"):
        check_cotangent({"a": 1.0, "b": (1.0,)}, {"a": 0.0, "b": 0.0})
    assert np.array_equal(check_cotangent(np.ones(2), [0.0, 0.0]), np.ones(2))


def test_check_updated_array_refuses_numbers_lists_and_0d_arrays():
    """Before `u op= e` read as `u[...] op= e` (alias_groups.py, inplace_arrays.py): only an
    array of one or more dimensions is updated in place as srcdiff follows it."""
    from srcdiff import runtime_checks
    runtime_checks.check_updated_array(np.zeros(3), "{kind}", "what", "f.py:1")
    runtime_checks.check_updated_array(np.zeros((2, 2)), "{kind}", "what", "f.py:1")
    for value, kind in ((2.5, "float"), (np.float64(1.0), "numpy.float64"),
                        ([1.0], "list"), (np.array(1.0), "0-d array")):
        with pytest.raises(RuntimeRefusal, match=f"f.py:1: {kind}"):
            runtime_checks.check_updated_array(value, "{kind}", "what", "f.py:1")


class _Vec:
    def __init__(self, a):
        self.a = a


class _Sub(_Vec):
    pass


def test_check_operands_passes_the_operands_the_method_was_chosen_for():
    from srcdiff.runtime_checks import check_operands
    v = _Vec(np.ones(2))
    check_operands(v, v, _Vec, _Vec, "f.py:1")
    check_operands(v, np.ones(2), _Vec, None, "f.py:1")   # v * x: V.__mul__(x)
    check_operands(v, np.float64(2.0), _Vec, None, "f.py:1")
    check_operands(2.0, v, None, _Vec, "f.py:1")   # 2.0 * v: V.__rmul__(2.0)
    check_operands(3, v, None, _Vec, "f.py:1")


@pytest.mark.parametrize("left, right, lcls, rcls, says", [
    (_Sub(1.0), _Vec(1.0), _Vec, _Vec, "left operand, but it is a _Sub"),
    (_Vec(1.0), [1.0], _Vec, None, "number or an array as its right operand"),
    (np.ones(2), _Vec(1.0), None, _Vec, "number on the left of a _Vec .*ndarray"),
    (np.float64(2.0), _Vec(1.0), None, _Vec, "number on the left of a _Vec .*float64"),
    (True, _Vec(1.0), None, _Vec, "number on the left of a _Vec .*bool")])
def test_check_operands_refuses_operands_python_would_send_elsewhere(left, right, lcls, rcls,
                                                                     says):
    from srcdiff.runtime_checks import check_operands
    with pytest.raises(RuntimeRefusal, match=f"f.py:1: srcdiff compiled this operator for a "
                                             f"(.|\\n)*{says}"):
        check_operands(left, right, lcls, rcls, "f.py:1")


def test_check_no_object_passes_numpys_operands_and_refuses_an_object_of_the_users():
    import collections
    from srcdiff.runtime_checks import check_no_object
    pair = collections.namedtuple("pair", "a b")
    for value in (np.ones(2), np.float64(1.0), 2.0, 3, 1j, [1.0], (1.0,), {"a": 1.0},
                  pair(1.0, 2.0), None, "text"):
        check_no_object(value, "f.py:1")
    with pytest.raises(RuntimeRefusal, match="f.py:1: srcdiff could not tell before the code "
                                             "runs that this operand is an object of your "
                                             "class _Vec"):
        check_no_object(_Vec(1.0), "f.py:1")


def test_check_implemented_refuses_not_implemented_only():
    from srcdiff.runtime_checks import check_implemented
    check_implemented(_Vec(1.0), "V.__add__", "f.py:1")
    check_implemented(None, "V.__add__", "f.py:1")
    with pytest.raises(RuntimeRefusal, match="f.py:1: V.__add__ returned NotImplemented"):
        check_implemented(NotImplemented, "V.__add__", "f.py:1")


def doubled_in_float32(x):
    return np.float32(2.0) * np.sum(x ** 2)


def test_a_python_number_cotangent_takes_the_outputs_numpy_type():
    """A float64 output times a float32 factor: the Python float cotangent times that factor
    was float32 (NEP 50: a Python float is weak), so the vjp was off in its eighth digit
    (<u, jvp(v)> and <vjp(u), v> disagreed)."""
    u = check_cotangent(0.3, np.float64(1.0))
    assert type(u) is np.float64 and u == 0.3
    assert type(check_cotangent(0.3, np.float32(1.0))) is np.float32
    pair = check_cotangent((0.3, np.ones(2)), (np.float64(1.0), np.zeros(2)))
    assert type(pair[0]) is np.float64
    assert type(check_cotangent(0.3, 1.0)) is float   # a Python float output: as given
    x = np.array([0.3, -1.2, 0.7])
    np.testing.assert_array_equal(srcdiff.vjp(doubled_in_float32)(x, 0.3),
                                  srcdiff.vjp(doubled_in_float32)(x, np.float64(0.3)))
    check(doubled_in_float32, x)


def test_check_unpacked_raises_pythons_value_error_at_the_users_line(tmp_path):
    src = tmp_path / "prog.py"
    src.write_text("x = 1\na, b = seq\n")
    where = f"{src}:2"
    for value in (np.ones(2), [1.0, 2.0], (1.0, 2.0), np.ones((2, 5)), "ab"):
        assert check_unpacked(value, 2, where) is None
    assert check_unpacked(np.float64(1.0), 2, where) is None   # no length: its reads raise
    Point = collections.namedtuple("Point", "x y")
    assert check_unpacked(Point(1.0, 2.0), 2, where) is None   # a named tuple: its items

    class Pair:   # an object of the user's class: Python unpacks what its __iter__ gives
        def __iter__(self):
            return iter((1.0, 2.0))

        def __len__(self):
            return 2
    with pytest.raises(srcdiff.RuntimeRefusal, match="cannot unpack an object of your class"):
        check_unpacked(Pair(), 2, where)
    for value, text in ((np.ones(3), "too many values to unpack (expected 2, got 3)"),
                        ([1.0], "not enough values to unpack (expected 2, got 1)"),
                        (np.ones((4, 2)), "too many values to unpack (expected 2, got 4)")):
        with pytest.raises(ValueError) as info:
            check_unpacked(value, 2, where)
        assert isinstance(info.value, SrcdiffError) and text in str(info.value)
        assert info.value.lineno == 2 and "a, b = seq" in str(info.value)
