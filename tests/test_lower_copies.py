"""srcdiff/lower_copies.py: private copies of parameters written into (the caller's arrays
never change), and refusals or run-time checks, at the user's line, of writes another name
would see: swaps through row views, updates of items another name holds, calls of
functions writing into what they are given, outputs passed to ufuncs."""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze, errors
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import assert_located, expect, run_lowered


def written_parameter(x):
    x[0] = 1.0
    return x


def test_a_parameter_written_into_gets_a_private_copy_first():
    expect(written_parameter, """
        x = own_copy(x)
        x[0] = 1.0
        result_1 = x
        return result_1""")
    x = np.array([3.0, 4.0])
    assert np.array_equal(run_lowered(written_parameter, x), [1.0, 4.0])
    assert np.array_equal(x, [3.0, 4.0])


def updated_parameter(x, v):
    x += v
    return np.sum(x * x)


def test_a_parameter_updated_in_place_is_copied_and_the_callers_array_never_changes():
    body = lower_function(updated_parameter).body
    assert S.spell(body[0]).strip() == "x = own_copy(x)"
    x, v = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    check(updated_parameter, x, v, wrt=(0, 1))   # also asserts the inputs are unchanged
    srcdiff.jvp(updated_parameter)(x, v, np.ones(2))
    np.testing.assert_array_equal(x, [1.0, -2.0])


# -- swaps: NumPy does not swap rows through views --------------------------------------
def swap(y):
    y = y * 1.0
    y[0], y[1] = y[1], y[0]
    return np.sum(y * np.arange(1.0, y.shape[0] + 1.0).reshape((-1,) + (1,) * (y.ndim - 1)) * y)


def checks_named(fn, helper):
    return [s for s in analyze.flatten(lower_function(fn).body)
            if s.sd.kind is Kind.EFFECT and getattr(s.sd.func, "__name__", "") == helper]


def test_a_swap_of_items_is_checked_and_differentiates_where_the_items_are_copies():
    assert len(checks_named(swap, "check_item_copies")) == 2
    check(swap, np.array([1.0, 2.0, 3.0]))


def test_a_swap_of_rows_is_refused_when_it_runs_at_the_users_line():
    with pytest.raises(errors.RuntimeRefusal, match="NumPy does not swap rows") as info:
        srcdiff.grad(swap)(np.arange(6.0).reshape(3, 2))
    assert_located(info.value, swap, 2, "y[0], y[1] = y[1], y[0]")


# -- calls that write into what they are given ---------------------------------------
def writer(p, v):
    p[0] = v
    return p


def calls_writer(x):
    y = x * 1.0
    writer(y, 2.0)
    return np.sum(y * x)


def updater(p, v):
    p += v
    return p


def calls_updater(x):
    y = x * 1.0
    updater(y, x)
    return np.sum(y * x)


def calls_writer_on_its_parameter(x):
    writer(x, 2.0)
    return np.sum(x * x)


def calls_writer_on_a_row(x):
    writer(x[1:], 2.0)
    return np.sum(x * x)


def test_a_call_writing_into_the_callers_parameter_differentiates():
    # srcdiff never changes the caller's arrays (as for x[0] = v, x is the function's own)
    check(calls_writer_on_its_parameter, np.array([0.5, -1.0, 0.7]))


SHARED = np.array([1.0, 2.0, 3.0])


def calls_writer_on_a_global(x):
    writer(SHARED, x[0])
    return np.sum(SHARED * x)


def test_a_call_writing_into_a_view_of_the_callers_array_differentiates():
    # the helper's copy is written back into x at that index (writing_helpers.write_back)
    check(calls_writer_on_a_row, np.array([0.5, -1.0, 0.7]))


def test_a_call_of_a_function_writing_into_its_argument_is_refused_at_the_write():
    # (a global: an array the function does not own, which its caller may read)
    with pytest.raises(errors.UnsupportedCodeError, match="writes into its argument 'p'") as info:
        lower_function(calls_writer_on_a_global)
    assert_located(info.value, writer, 1, "p[0] = v")
    call_line = calls_writer_on_a_global.__code__.co_firstlineno + 1
    assert f"test_lower_copies.py:{call_line}" in info.value.hint   # where it is called


def test_a_call_writing_into_a_name_only_the_caller_holds_differentiates():
    # the caller's y becomes what writer made of it (writing_helpers.py)
    check(calls_writer, np.array([0.5, -1.0, 0.7]))


def calls_updater_on_a_list(x):
    L = [x[0], x[1]]
    updater(L, [x[2]])
    return L[0] * L[2]


def test_a_call_of_a_function_updating_its_argument_is_checked_when_it_runs():
    assert len(checks_named(calls_updater, "check_argument_update")) == 1
    check(calls_updater, 1.5)   # a number: `p += v` rebinds p inside updater only
    # an array: updater's variant changes its copy, which becomes y (writing_helpers.updated)
    check(calls_updater, np.array([1.0, 2.0]))
    with pytest.raises(errors.SrcdiffError, match="updates its argument 'p'") as info:
        srcdiff.grad(calls_updater_on_a_list)(np.array([1.0, 2.0, 0.5]))   # a list: refused
    assert_located(info.value, updater, 1, "p += v")


def writes_and_reads(t, s):
    t[1] = t[0] * s
    t[2] = np.cos(t[1]) * t[2]
    return np.sum(t * t)


def passes_new_arrays(x):
    a = writes_and_reads(x * 2.0, x[0])        # an arithmetic result
    b = writes_and_reads(np.sin(x), x[2])      # a ufunc's
    c = writes_and_reads(-x, x[1])
    return a * b + c + np.sum(x)


def passes_new_arrays_in_a_loop(x):
    s = 0.0
    for i in range(2):
        s = s + writes_and_reads(x - 0.5 * s, x[1])
    return s


def same_expression_after(x):
    u = writes_and_reads(x * 2.0, x[0])
    y = x * 2.0                                 # the same expression: a new array again
    return u * np.sum(y * x)


def passes_copies(x):
    a = writes_and_reads((x * 2.0).copy(), x[0])   # an array's copy (fuzz --family writes)
    return a * writes_and_reads(x.astype(float), x[2])


@pytest.mark.parametrize("fn", [passes_new_arrays, passes_new_arrays_in_a_loop,
                                same_expression_after, passes_copies])
def test_a_function_writing_into_a_new_array_it_is_given_differentiates(fn):
    # nobody else holds the array the call is given: the write is seen by no one
    check(fn, np.array([0.5, -1.0, 0.7]))


def writes_into_an_item(t):
    t[0][1] = 3.0
    return t


def passes_a_new_list_of_its_arrays(x):
    a = x * 1.0
    writes_into_an_item([a] + [x])
    return np.sum(a * x)


def passes_its_own_name(x):
    y = x * 2.0
    writes_and_reads(y, x[0])
    return np.sum(y * x)


def test_a_new_list_holding_the_callers_arrays_is_refused_when_it_runs():
    assert len(checks_named(passes_a_new_list_of_its_arrays, "check_fresh_argument")) == 1
    with pytest.raises(errors.RuntimeRefusal, match="not a new array but a list") as info:
        srcdiff.grad(passes_a_new_list_of_its_arrays)(np.array([0.5, -1.0, 0.7]))
    assert_located(info.value, writes_into_an_item, 1, "t[0][1] = 3.0")


def passes_a_name_another_holds_too(x):
    y = x * 2.0
    z = x * 1.0
    if x[1] < 0.0:
        z = y            # (in one branch: alias_groups follows only exact aliases)
    writes_and_reads(y, x[0])
    return np.sum(z * x)


def passes_a_name_an_exact_alias_holds_too(x):
    y = x * 2.0
    z = y
    writes_and_reads(y, x[0])   # alias_groups reads z as y after it
    return np.sum(z * x)


def test_a_name_of_the_callers_passed_to_a_writing_function_is_refused_where_another_sees():
    check(passes_its_own_name, np.array([0.5, -1.0, 0.7]))
    check(passes_a_name_an_exact_alias_holds_too, np.array([0.5, -1.0, 0.7]))
    # z may hold y: the helper's copy is written back into y, checked as a write into y,
    # refused when the run finds z holding it, followed where it does not
    check(passes_a_name_another_holds_too, np.array([0.5, 1.0, 0.7]))
    with pytest.raises(errors.RuntimeRefusal, match="would also change z") as info:
        srcdiff.grad(passes_a_name_another_holds_too)(np.array([0.5, -1.0, 0.7]))
    assert_located(info.value, passes_a_name_another_holds_too, 5, "writes_and_reads(y, x[0])")


# -- out= arguments ---------------------------------------------------------------------
def output_by_position(x):
    y = np.zeros_like(x)
    np.multiply(x, 2.0, y)
    return np.sum(y * x)


def test_a_ufuncs_output_passed_by_position_is_lowered_as_an_item_write():
    # like out=y (out_writes.py): the call's value, then y[...] = it
    low = lower_function(output_by_position)
    writes = [s for s in analyze.flatten(low.body) if s.sd.kind == Kind.SETITEM]
    assert [S.spell(w.targets[0]) for w in writes] == ["y[...]"]
    check(output_by_position, np.array([0.3, -1.2, 0.8]))


@pytest.mark.parametrize("fn", [
    written_parameter, updated_parameter, swap, calls_updater])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))


# -- a parameter written in place, passed the same array as another argument (session 16):
# Python's write shows through the other argument, the derivative's copy did not, and the
# gradient was of another function, silently (value 18 where f gives 38). Refused at the
# entry, named at the def; apart arguments, or aliased ones no parameter is written into,
# differentiate
def _writes_x_reads_y(x, y):
    x[0] = 5.0
    return np.sum(x * y)


def _scales_x_sums_y(x, y):
    x *= 2.0
    return np.sum(y * y)


def _reads_both(x, y):
    return np.sum(x * y)


@pytest.mark.parametrize("f", [_writes_x_reads_y, _scales_x_sums_y])
@pytest.mark.parametrize("transform", ["grad", "jvp", "vjp"])
def test_a_written_parameter_sharing_memory_with_another_argument_is_refused(f, transform):
    a = np.array([1.0, 2.0, 3.0])
    for x, y in ((a, a), (a[:2], a[1:])):   # the same array; overlapping views
        call = {"grad": lambda: srcdiff.grad(f, wrt=(0, 1))(x, y),
                "jvp": lambda: srcdiff.jvp(f, wrt=1)(x, y, np.ones_like(y)),
                "vjp": lambda: srcdiff.vjp(f, wrt=1)(x, y, 1.0)}[transform]
        with pytest.raises(errors.ArgumentError, match="share memory") as info:
            call()
        assert info.value.lineno == f.__code__.co_firstlineno
        assert info.value.hint == "pass a copy for one of them (x.copy())"
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("f", [_writes_x_reads_y, _scales_x_sums_y])
def test_a_written_parameter_apart_from_the_others_differentiates(f):
    a = np.array([1.0, 2.0, 3.0])
    check(f, a[::2].copy(), a[1:].copy(), wrt=1, order=2)
    check(f, a[:2], a[2:] * 1.0, wrt=1)   # views of one array that do not overlap


def test_aliased_arguments_nothing_writes_into_need_no_check():
    a = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(srcdiff.grad(_reads_both)(a, a), a)
    assert "check_arguments_apart" not in srcdiff.source(srcdiff.grad(_reads_both))


def test_the_check_runs_before_the_numba_kernel():
    pytest.importorskip("numba")
    a = np.array([1.0, 2.0, 3.0])
    g = srcdiff.grad(_scales_x_sums_y, wrt=(0, 1), jit=True)
    np.testing.assert_allclose(g(a, a * 2.0)[1], 4.0 * a)
    with pytest.raises(errors.ArgumentError, match="share memory"):
        g(a, a)


def test_a_library_helper_writing_into_a_parameter_given_its_default_is_refused_located(
        tmp_path):
    """copy.deepcopy writes into its `memo` parameter, which the call leaves to its default:
    the check of what the argument was crashed (AttributeError on a constant); now a located
    refusal at the user's line."""
    import numpy as np
    import pytest
    import srcdiff
    from user_modules import load
    m = load(tmp_path, "deep", "import copy\nimport numpy as np\n\n\ndef f(x):\n"
             "    y = x * 1.0\n    t = copy.deepcopy([y])[0]\n    return np.sum(t * y)\n")
    with pytest.raises(srcdiff.UnsupportedCodeError, match="deep.py:7: copy.deepcopy"):
        srcdiff.grad(m.f)(np.array([0.3, -0.5]))
