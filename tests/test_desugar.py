"""srcdiff/desugar.py: loops, exits, conditional and boolean expressions and
comprehensions lowered to core statements (index loops over ranges in names, flags for
break, continue and early return, if statements for expressions), and that the lowered
code computes what the user's function does (run as plain Python)."""
import numpy as np
import pytest

from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.core import Kind, validate
from srcdiff.transform import lower_function

import srcdiff
from gradcheck import check, refusal
from lowering import expect, run_lowered


# -- branches made of expressions ---------------------------------------------------------
def conditional(x):
    return x if x > 0 else -x


def test_a_conditional_expression_is_an_if_statement():
    expect(conditional, """
        cond_1 = x > 0
        if cond_1:
            choice_1 = x
        else:
            choice_1 = -x
        return choice_1""")
    assert run_lowered(conditional, -2.0) == 2.0


def both(a, b):
    return a and b


def either(a, b):
    return a or b


def test_boolean_operators_are_if_statements_keeping_python_semantics():
    expect(both, """
        both_1 = a
        cond_1 = both_1
        if cond_1:
            both_1 = b
        return both_1""")
    for a, b in [(0.0, 2.0), (3.0, 2.0), (3.0, 0.0)]:
        assert run_lowered(both, a, b) == (a and b)
        assert run_lowered(either, a, b) == (a or b)


# -- loops and exits ----------------------------------------------------------------------
def over_a_sequence(xs):
    s = 0.0
    for v in xs:
        s = s + v
    return s


def test_a_for_loop_over_a_sequence_is_an_index_loop_over_a_range_in_a_name():
    expect(over_a_sequence, """
        s = 0.0
        n_xs_1 = len(xs)
        range_1 = range(n_xs_1)
        for index_1 in range_1:
            v = xs[index_1]
            add_1 = s + v
            s = add_1
        return s""")
    low = lower_function(over_a_sequence)
    loop = low.body[3]
    assert loop.sd.kind is Kind.FOR and loop.sd.loop.kind is Kind.FOR
    assert loop.body[0].sd.loop_item   # the item read at each trip is shared, not a copy
    assert run_lowered(over_a_sequence, [1.0, 2.0, 4.0]) == 7.0


def with_break(x):
    s = 0.0
    for i in range(3):
        if s > 1.0:
            break
        s = s + x
    return s


def test_break_sets_a_flag_guards_the_rest_and_ends_the_body():
    expect(with_break, """
        s = 0.0
        range_1 = range(3)
        stop_1 = False
        for i in range_1:
            cond_1 = s > 1.0
            if cond_1:
                stop_1 = True
            go_on_1 = not stop_1
            if go_on_1:
                add_1 = s + x
                s = add_1
            cond_2 = stop_1
            if cond_2:
                break
        return s""")
    loop = lower_function(with_break).body[3].sd.loop
    assert loop.brk == "stop_1" and loop.cont is None and loop.ends_with_break
    for x in (0.2, 0.7, 2.0):
        assert run_lowered(with_break, x) == with_break(x)


def with_continue(x):
    s = 0.0
    for i in range(3):
        if i == 1:
            continue
        s = s + x
    return s


def test_continue_sets_a_flag_reset_at_each_trip():
    expect(with_continue, """
        s = 0.0
        range_1 = range(3)
        for i in range_1:
            skip_1 = False
            cond_1 = i == 1
            if cond_1:
                skip_1 = True
            go_on_1 = not skip_1
            if go_on_1:
                add_1 = s + x
                s = add_1
        return s""")
    assert run_lowered(with_continue, 1.5) == with_continue(1.5)


def early_return(x):
    for i in range(3):
        if x > 1.0:
            return x
        x = x * 2.0
    return x


def test_a_return_before_the_end_becomes_flags_and_one_return_at_the_end():
    body = lower_function(early_return).body
    assert [s.sd.kind for s in body] == [Kind.COPY, Kind.COPY, Kind.EFFECT_VALUE, Kind.COPY,
                                         Kind.FOR, Kind.OPAQUE, Kind.IF, Kind.RETURN]
    assert S.spell(body[0]).strip() == "returned = False"
    assert S.spell(body[-1]).strip() == "return result"
    assert sum(isinstance(s, S.Return) for s in analyze.flatten(body)) == 1
    for x in (0.1, 0.3, 2.0):
        assert run_lowered(early_return, x) == early_return(x)


def doubling(x):
    while x < 10.0:
        x = x * 2.0
    return x


def test_a_while_test_is_computed_before_the_loop_and_again_at_the_end_of_the_body():
    expect(doubling, """
        cond_1 = x < 10.0
        while cond_1:
            mul_1 = x * 2.0
            x = mul_1
            cond_1 = x < 10.0
        result_1 = x
        return result_1""")
    assert run_lowered(doubling, 0.7) == doubling(0.7)


def comprehension(xs):
    return [v * 2.0 for v in xs if v > 0.0]


def test_a_comprehension_is_a_loop_appending_to_a_fresh_list_with_private_names():
    expect(comprehension, """
        items_1 = []
        n_xs_1 = len(xs)
        range_1 = range(n_xs_1)
        for index_1 in range_1:
            v_1 = xs[index_1]
            cond_1 = v_1 > 0.0
            if cond_1:
                mul_1 = v_1 * 2.0
                items_1.append(mul_1)
        return items_1""")
    assert run_lowered(comprehension, [1.0, -2.0, 3.0]) == [2.0, 6.0]


def enumerated(xs):
    s = 0.0
    for i, v in enumerate(xs):
        s = s + i * v
    return s


def zipped(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s = s + a * b
    return s


def over_a_dict(d):
    s = 0.0
    for k, v in d.items():
        s = s + v
    return s


def test_enumerate_zip_and_dict_views_are_index_loops_too():
    for fn in (enumerated, zipped, over_a_dict):
        loops = [s for s in analyze.flatten(lower_function(fn).body) if isinstance(s, S.For)]
        assert len(loops) == 1 and isinstance(loops[0].iter, S.Name)
    assert run_lowered(enumerated, [1.0, 2.0, 3.0]) == enumerated([1.0, 2.0, 3.0])
    assert run_lowered(zipped, [1.0, 2.0], [3.0, 5.0]) == 13.0
    keys = [s for s in lower_function(over_a_dict).body if s.sd.loop_keys]
    assert len(keys) == 1   # the keys the loop goes through, read once
    assert run_lowered(over_a_dict, {"a": 1.0, "b": 2.5}) == 3.5



# -- more loops: reversed, while with break, nested exits ----------------------------------
def over_reversed(xs):
    s = 0.0
    for v in reversed(xs):
        s = s * 0.5 + v
    return s


def test_reversed_is_an_index_loop_over_a_falling_range():
    body = lower_function(over_reversed).body
    ranges = [s for s in body if s.sd.kind is Kind.EFFECT_VALUE]
    assert len(ranges) == 1 and S.spell(ranges[0].value).strip().endswith(", -1, -1)")
    xs = np.array([1.0, 2.0, 4.0])
    assert run_lowered(over_reversed, xs) == over_reversed(xs)   # order matters: s * 0.5
    check(over_reversed, xs)


def while_with_break(x):
    while x < 10.0:
        if x > 5.0:
            break
        x = x * 2.0
    return x


def test_a_break_in_a_while_loop_sets_a_flag_that_guards_the_rest_of_the_body():
    low = lower_function(while_with_break)
    loop = [s for s in low.body if s.sd.kind is Kind.WHILE][0]
    flag = loop.sd.loop.brk
    negations = {s.targets[0].id for s in loop.body if isinstance(s, S.Assign)
                 and S.spell(s.value).strip() == f"not {flag}"}
    guarded = [s for s in loop.body if s.sd.kind is Kind.IF and s.test.id in negations]
    assert len(guarded) == 1 and any("x * 2.0" in S.spell(b) for b in guarded[0].body)
    for x in (0.7, 3.0, 6.0, 12.0):
        assert run_lowered(while_with_break, x) == while_with_break(x)
    for x in (0.7, 3.0, 6.0):
        check(while_with_break, x)


def nested_break(x):
    s = 0.0
    for i in range(3):
        for j in range(3):
            if j > i:
                break
            s = s + x * j
    return s


def test_an_inner_break_flag_is_reset_at_each_trip_of_the_outer_loop():
    outer = [s for s in lower_function(nested_break).body if s.sd.kind is Kind.FOR][0]
    inner = [s for s in outer.body if s.sd.kind is Kind.FOR][0]
    flag = inner.sd.loop.brk
    resets = [s for s in outer.body if isinstance(s, S.Assign)
              and s.targets[0].id == flag and S.spell(s.value).strip() == "False"]
    assert len(resets) == 1 and outer.body.index(resets[0]) < outer.body.index(inner)
    assert run_lowered(nested_break, 1.5) == nested_break(1.5) == 6.0
    check(nested_break, 1.5)


def chained_conditional(x):
    return x if x > 1 else (x * x if x > 0 else -x)


def test_nested_conditional_expressions_are_nested_if_statements():
    body = lower_function(chained_conditional).body
    outer = [s for s in body if s.sd.kind is Kind.IF][0]
    assert any(s.sd.kind is Kind.IF for s in outer.orelse)
    for x in (2.0, 0.5, -3.0):
        assert run_lowered(chained_conditional, x) == chained_conditional(x)
        check(chained_conditional, x)


# -- comprehensions of other kinds ---------------------------------------------------------
def dict_comprehension(x):
    d = {k: x * k for k in range(3)}
    return d[2] + d[1]


def generator_sum(xs):
    return sum(v * v for v in xs)


def test_a_dict_comprehension_collects_keys_and_items_in_two_lists():
    appends = [s for s in analyze.flatten(lower_function(dict_comprehension).body)
               if s.sd.kind is Kind.APPEND]
    assert len(appends) == 2
    assert run_lowered(dict_comprehension, 1.5) == dict_comprehension(1.5)
    check(dict_comprehension, 1.5)


def test_a_generator_expression_is_a_list_built_by_a_loop():
    body = lower_function(generator_sum).body
    assert body[0].sd.kind is Kind.DISPLAY and any(s.sd.kind is Kind.FOR for s in body)
    xs = np.array([1.0, -2.0, 3.0])
    assert run_lowered(generator_sum, xs) == generator_sum(xs)
    check(generator_sum, xs)


# -- the derivatives of desugared code ----------------------------------------------------
@pytest.mark.parametrize("fn, x", [(conditional, -2.0), (conditional, 1.5),
                                   (with_break, 0.2), (with_break, 0.7),
                                   (with_continue, 1.5), (early_return, 0.3),
                                   (early_return, 2.0), (doubling, 0.7)])
def test_desugared_control_flow_differentiates_as_the_users_code(fn, x):
    check(fn, x)


def test_loops_over_sequences_differentiate_with_respect_to_the_items():
    check(over_a_sequence, np.array([1.0, 2.0, 4.0]))
    check(enumerated, np.array([1.0, 2.0, 3.0]))
    check(zipped, np.array([1.0, 2.0]), np.array([3.0, 5.0]), wrt=(0, 1))
    check(comprehension, np.array([1.0, -2.0, 3.0]))


@pytest.mark.parametrize("fn", [
    conditional, both, either, over_a_sequence, with_break, with_continue, early_return,
    doubling, comprehension, enumerated, zipped, over_a_dict, over_reversed,
    while_with_break, nested_break, chained_conditional, dict_comprehension, generator_sum])
def test_every_construct_lowers_to_valid_core_code(fn):
    validate(lower_function(fn))


# -- zip and enumerate in a for header read their sequences as the loop goes -------------
# Python's zip and enumerate are lazy: an item is read when the loop reaches it, so a write
# into a sequence in the body is seen by the items read after it. These gave wrong values
# and gradients while the inner zip was made a list before the loop (3.48 for 3.2).
def enumerate_zip_written(x):
    s = 0.0
    for i, (p, q) in enumerate(zip(x, x * 2.0)):
        s = s + p * q * (i + 1)
        x[-1] = 0.5 * x[0]
    return s


def enumerate_zip_started(x):
    s = 0.0
    for i, (p, q) in enumerate(zip(x, x * 2.0), 1):
        s = s + p * q * i
        x[-1] = np.sin(x[0])
    return s


def zip_of_enumerate_written(x, y):
    s = 0.0
    for (i, p), q in zip(enumerate(x), y):
        s = s + p * q * i
        x[-1] = x[0] * y[0]
    return s


def zip_item_kept_whole(x):
    s = 0.0
    for pq in zip(x, x ** 2):
        s = s + pq[0] * pq[1]
        x[-1] = 0.3 * x[1]
    return s


def enumerate_zip_item_kept_whole(x):
    s = 0.0
    for i, pq in enumerate(zip(x, x ** 2)):
        s = s + pq[0] * pq[1] * i
        x[-1] = 0.3 * x[1]
    return s


def enumerate_item_kept_whole(x):
    s = 0.0
    for ix in enumerate(x):
        s = s + ix[1] * ix[0]
    return s


@pytest.mark.parametrize("f", [enumerate_zip_written, enumerate_zip_started,
                               zip_item_kept_whole, enumerate_zip_item_kept_whole,
                               enumerate_item_kept_whole])
def test_zip_and_enumerate_nested_in_a_for_header_see_writes_made_in_the_body(f):
    x = np.array([0.5, -1.0, 0.7])
    value = f(x.copy())
    assert srcdiff.value_and_grad(f)(x.copy())[0] == pytest.approx(value)
    check(f, x)


def test_zip_of_enumerate_sees_writes_made_in_the_body():
    x, y = np.array([0.5, -1.0, 0.7]), np.array([0.2, 0.9, -0.4])
    assert srcdiff.value_and_grad(zip_of_enumerate_written)(x.copy(), y)[0] == \
        pytest.approx(zip_of_enumerate_written(x.copy(), y))
    check(zip_of_enumerate_written, x, y, wrt=(0, 1))


def test_a_for_header_that_does_not_unpack_zip_as_written_is_refused():
    def f(x):
        s = 0.0
        for p, q, r in zip(x, x):
            s = s + p
        return s
    error = refusal(f, (np.ones(3),), "grad")
    assert "unpack" in str(error)


_ONE_PASS_ITERATORS = '''
import itertools

import numpy as np


def over_ndindex(x):
    s = 0.0
    for i in np.ndindex(x.shape):
        s = s + x[i] ** 2 * (i[0] + 1.0)
    return s


def over_ndindex_written(x):
    y = np.zeros(3)
    for (i,) in np.ndindex(3):
        y[i] = x[i] * x[i]
    return np.sum(y * x)


def over_product(x):
    s = 0.0
    for i, j in itertools.product(range(3), range(3)):
        s = s + x[i] * x[j] * (i - j)
    return s


def over_combinations(x):
    s = 0.0
    for i, j in itertools.combinations(range(3), 2):
        s = s + np.sin(x[i] * x[j])
    return s


def over_chain(x):
    s = 0.0
    for i in itertools.chain(range(2), range(1, 3)):
        s = s + x[i] ** 3
    return s


def over_a_set(x):
    s = 0.0
    for i in {0, 2}:
        s = s + x[i] ** 2
    return s


def over_ndenumerate_of_a_constant(x):
    s = 0.0
    for i, c in np.ndenumerate(np.array([1.0, 2.0, 3.0])):
        s = s + c * x[i] ** 2
    return s
'''


def test_a_for_loop_over_an_iterator_without_len_reads_its_items_first(tmp_path):
    """`for i in np.ndindex(...)`, itertools.product/combinations/chain, a set: objects
    without len() or items by index. The emitted loop called len() on them (a TypeError
    from the generated code); the loop now runs over a tuple of their items, taken when it
    starts (as Python's for takes the iterator once)."""
    from user_modules import load
    m = load(tmp_path, "one_pass", _ONE_PASS_ITERATORS)
    x = np.array([0.3, -0.5, 0.8])
    for f in (m.over_ndindex, m.over_ndindex_written, m.over_product, m.over_combinations,
              m.over_chain, m.over_a_set, m.over_ndenumerate_of_a_constant):
        check(f, x, order=2)

