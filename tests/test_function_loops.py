"""srcdiff/function_loops.py: loops, comprehensions and generators over a known list of
functions, written out once per function before lowering. Each program is checked against
central differences in both modes and to second order (gradcheck.check); where the list is
not known before the code runs (an argument, a list appended to, a loop with break, a
closure reading the loop's variable) the call stays refused at the user's line."""
import ast
import builtins
import textwrap

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.function_loops import unroll

X = np.array([0.5, -1.0, 0.3])


def halve(v):
    return 0.5 * v


def loop_over_a_display(x):
    t = x
    for g in (np.sin, halve, np.exp):
        t = g(t) + 0.1
    return np.sum(t)


def map_of_the_loops_function(x):
    total = 0.0
    for fn in [np.tanh, np.cos]:
        total = total + sum(map(fn, [x[0], x[1] * x[2]]))
    return total


def sorted_by_the_loops_function(x):
    fs = [np.sin, np.cos]
    out = 0.0
    for key in fs:
        ys = sorted([x[0], x[1], x[2]], key=key)
        out = out + ys[0] * ys[2]
    return out


def nested_defs_and_the_last_item_read_after(x):
    def cube(v):
        return v * v * v

    def shift(v):
        return v + x[0]

    fs = [cube, shift, np.tanh]
    t = x * 1.0
    for h in fs:
        t = h(t)
    return np.sum(t) * np.sum(h(x))


def dict_comprehension_of_functions(x):
    parts = {name: np.sum(fn(x)) for name, fn in (("s", np.sin), ("e", np.exp))}
    return parts["s"] * parts["e"]


def list_comprehension_of_functions(x):
    return np.sum(np.stack([g(x * x) for g in [np.sin, np.arctan]]))


def nested_loops_over_functions(x):
    t = 0.0
    for f in [np.sin, np.cos]:
        for g in [np.tanh, np.exp]:
            t = t + np.sum(f(g(x)))
    return t


def breaks_and_continues(x, limit):
    t = x
    total = 0.0
    for g in [np.sin, np.tanh, np.exp, np.cos]:
        if np.sum(t) > 50.0:
            continue
        t = g(t) + 0.1
        total = total + np.sum(t)
        if total > limit:
            break
    else:
        total = total * 2.0
    return total + np.sum(t * x)


def list_bound_in_a_loop_body(x):
    out = 0.0
    for r in x:
        fs = [np.sin, np.cos]
        t = x * r
        for g in fs:
            t = 0.5 * g(t) + 0.1
        out = out + np.sum(t) + sum(np.sum(f_(t)) for f_ in fs)
    return out


@pytest.mark.parametrize("limit", [-10.0, 0.5, 10.0])
def test_a_break_stops_the_functions_after_it(limit):
    # -10: breaks after the first function; 0.5: later; 10: never (the else runs)
    check(breaks_and_continues, X.copy(), limit, wrt=0)


@pytest.mark.parametrize("f", [list_bound_in_a_loop_body, loop_over_a_display,
                               map_of_the_loops_function,
                               sorted_by_the_loops_function,
                               nested_defs_and_the_last_item_read_after,
                               dict_comprehension_of_functions,
                               list_comprehension_of_functions,
                               nested_loops_over_functions])
def test_calls_of_each_function_are_differentiated(f):
    check(f, X.copy())


def functions_passed_in(x, fs):
    t = x
    for g in fs:
        t = g(t)
    return np.sum(t)


def functions_appended_to(x):
    fs = [np.sin]
    fs.append(np.cos)
    t = x
    for g in fs:
        t = g(t)
    return np.sum(t)


def closure_reading_the_loops_variable(x):
    hs = []
    for g in [np.sin, np.cos]:
        hs.append(lambda v: g(v))
    return np.sum(hs[0](x))


def test_a_loop_over_functions_passed_in_is_written_out_over_them():
    # the code is compiled for the functions the list holds (values.function_items, its
    # length too): the loop is written out over fs[0], fs[1] (function_items.parameter_lists)
    check(functions_passed_in, X.copy(), [np.sin, np.cos], order=1)
    check(generator_over_functions_passed_in, X.copy(), (np.tanh, np.sin, np.cos), order=1)


@pytest.mark.parametrize("f, args", [
    (functions_passed_in, (X.copy(), [np.sin, 2.0])),   # an item that is no function
    (functions_appended_to, (X.copy(),)),
    (closure_reading_the_loops_variable, (X.copy(),)),
])
def test_functions_not_known_before_the_code_runs_are_refused_at_the_call(f, args):
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(f)(*args)
    assert err.value.filename.endswith("test_function_loops.py")
    assert "_1" not in str(err.value).splitlines()[0]


def _unrolled(source, **free):
    fdef = S.parse_function(textwrap.dedent(source))
    scope = dict(vars(builtins), np=np, **free)
    new = unroll(fdef, scope.get)
    return fdef, new, ast.unparse(S.to_python_ast(new))


def test_the_loop_is_written_once_per_function_and_the_users_tree_is_left_alone():
    fdef, new, text = _unrolled("""
    def f(x):
        fs = [np.sin, np.tanh]
        for g in fs:
            x = g(x)
        return x
    """)
    assert new is not fdef
    assert "for" not in text and "np.sin(x)" in text and "np.tanh(x)" in text
    assert text.index("np.sin(x)") < text.index("np.tanh(x)")
    assert any(isinstance(n, S.For) for n in S.walk(fdef))


def test_a_generator_kept_for_later_stays_a_generator():
    fdef, new, _ = _unrolled("""
    def f(x):
        gen = (g(x) for g in [np.sin, np.cos])
        x[0] = 2.0
        return sum(gen)
    """)
    assert new is fdef


def test_loops_over_numbers_are_left_alone():
    fdef, new, _ = _unrolled("""
    def f(x):
        for c in (1.0, 2.0):
            x = x * c
        return x
    """)
    assert new is fdef


def generator_over_functions_passed_in(x, fs):
    return sum(np.sum(g(x)) for g in fs)


def test_the_refusal_names_the_comprehensions_variable_as_written():
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(generator_over_functions_passed_in)(X.copy(), [np.sin, "tanh"])
    first = str(err.value).splitlines()[0]
    assert "function 'g' holds" in first, first


def lambdas_and_aliases_bound_once(x):
    lam = lambda v: v * np.cos(v)   # noqa: E731
    act = np.tanh
    fs = [lam, act, np.sin]
    t = x
    for g in fs:
        t = g(t) + 0.2
    return np.sum(t) + sum(np.sum(f_(x)) for f_ in fs)


def test_lambdas_and_names_bound_once_are_items_too():
    check(lambdas_and_aliases_bound_once, X.copy())


def a_lambda_rebound(x):
    lam = lambda v: v * 2.0   # noqa: E731
    t = x
    for g in [lam, np.sin]:
        t = g(t)
        lam = np.cos
    return np.sum(t)


def test_an_item_rebound_is_not_unrolled():
    # the loop's list holds the first lambda; lam is rebound in the body, so the loop is
    # left alone (and its call refused), never unrolled with the new value
    with pytest.raises(srcdiff.SrcdiffError):
        srcdiff.grad(a_lambda_rebound)(X.copy())


def enumerated_display(x):
    t = x
    for i, g in enumerate([np.sin, np.tanh]):
        t = t * 0.5 + (i + 1) * 0.25 * g(t)
    return np.sum(t)


def enumerated_list_bound_once(x):
    fs = [np.sin, np.tanh]
    t = x
    for i, g in enumerate(fs):
        t = t * 0.5 + (i + 1) * 0.25 * g(t)
    return np.sum(t)


def zipped_with_constants(x):
    t = x
    for g, c in zip([np.sin, np.tanh, np.cos], (0.3, 0.5)):
        t = t * 0.5 + c * g(t)
    return np.sum(t)


def items_of_a_dict_display(x):
    out = 0.0
    for k, g in {"first": np.sin, "second": np.tanh}.items():
        out = out + len(k) * np.sum(g(x))
    return out


def items_of_a_dict_bound_once(x):
    ops = {"first": np.sin, "second": np.tanh}
    t = x
    for name, g in ops.items():
        t = 0.5 * g(t) + 0.1
    return np.sum(t)


@pytest.mark.parametrize("f", [enumerated_display, enumerated_list_bound_once,
                               zipped_with_constants, items_of_a_dict_display,
                               items_of_a_dict_bound_once])
def test_functions_from_enumerate_zip_and_a_dicts_items(f):
    check(f, X.copy())


def dict_of_functions_also_read_by_key(x):
    ops = {"first": np.sin, "second": np.tanh}
    t = x
    for name, g in ops.items():
        t = 0.5 * g(t) + 0.1
    ops["second"] = np.cos
    return np.sum(t)


def enumerate_with_a_start(x):
    t = x
    for i, g in enumerate([np.sin, np.tanh], start=1):
        t = t * 0.5 + i * g(t)
    return np.sum(t)


@pytest.mark.parametrize("f", [dict_of_functions_also_read_by_key, enumerate_with_a_start])
def test_forms_not_unrolled_stay_refused_at_the_call(f):
    with pytest.raises(srcdiff.SrcdiffError) as err:
        srcdiff.grad(f)(X.copy())
    assert err.value.filename.endswith("test_function_loops.py")


def test_a_zip_stops_at_its_shortest_display():
    fdef, new, text = _unrolled("""
        def f(x):
            for g, c in zip([np.sin, np.tanh, np.cos], (0.3, 0.5)):
                x = c * g(x)
            return x
    """)
    assert "np.cos" not in text and text.count("np.sin(x)") == 1 and "zip" not in text


def reversed_list(x):
    fs = [np.sin, np.tanh]
    t = x
    for g in reversed(fs):
        t = 0.5 * g(t) + 0.1
    return np.sum(t)


def list_read_backwards(x):
    fs = (np.sin, np.square)
    t = x
    for g in fs[::-1]:
        t = 0.5 * g(t) + 0.1
    return np.sum(t)


@pytest.mark.parametrize("f", [reversed_list, list_read_backwards])
def test_functions_taken_backwards(f):
    check(f, X.copy())


def test_backwards_is_the_reversed_order():
    fdef, new, text = _unrolled("""
        def f(x):
            fs = [np.sin, np.tanh]
            for g in fs[::-1]:
                x = g(x)
            return x
    """)
    assert text.index("np.tanh(x)") < text.index("np.sin(x)")


def zipped_with_items_computed_here(x):
    t = x
    for g, c in zip([np.sin, np.tanh], (x[0], 0.5)):
        t = t * 0.5 + c * g(t)
    return np.sum(t)


def zip_reads_its_items_before_the_loop(x):
    t = x * 1.0
    y = x * 2.0
    for g, c in zip([np.sin, np.tanh, np.cos], [y[0] * 0.5, np.sum(y) * 0.1, y[1]]):
        y = y * c            # rebinding y after zip read the items: they keep the old y
        t = t * 0.5 + c * g(t) + 0.1 * np.sum(y)
    return np.sum(t) + np.sum(y) + c


@pytest.mark.parametrize("f", [zipped_with_items_computed_here,
                               zip_reads_its_items_before_the_loop])
def test_zip_of_functions_with_items_computed_here(f):
    check(f, X.copy())


def test_items_computed_here_are_read_once_before_the_copies():
    tree = S.parse_function(textwrap.dedent('''
        def f(x):
            for g, c in zip([np.sin, np.tanh], (x[0], 0.5)):
                x = g(x) * c
            return x
    '''))
    out = ast.unparse(S.gast_to_ast(unroll(tree, {"np": np, "zip": zip}.get)))
    assert out.splitlines()[1:] == [
        "    item_0 = x[0]", "    x = np.sin(x) * item_0", "    x = np.tanh(x) * 0.5",
        "    return x"], out


class Affine:
    """A callable object of the user's, made inside the function."""

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __call__(self, t):
        return self.a * t + self.b


def loops_over_functions_and_objects_made_here(x):
    fs = [np.tanh, Affine(0.5, 0.1), lambda v: v * v]
    t = x
    for g in reversed(fs):
        t = 0.5 * g(t) + 0.1
    ops = {"first": Affine(x[0], 0.2), "second": np.sin}
    for k, g in ops.items():
        t = 0.5 * g(t) + 0.1
    for g, c in zip((Affine(0.3, x[1]), np.cos), (x[2], 0.5)):
        t = t + c * g(t)
    return np.sum(t)


def test_items_made_here_are_bound_to_names_before_the_display():
    check(loops_over_functions_and_objects_made_here, X.copy())
    tree = S.parse_function(textwrap.dedent('''
        def f(x):
            fs = [np.tanh, Affine(0.5, x[0])]
            for g in fs:
                x = g(x)
            return x
    '''))
    out = ast.unparse(S.gast_to_ast(unroll(tree, {"np": np, "Affine": Affine}.get)))
    assert out.splitlines()[1:] == [
        "    item_0 = Affine(0.5, x[0])", "    fs = [np.tanh, item_0]", "    x = np.tanh(x)",
        "    x = item_0(x)", "    return x"], out


def objects_made_in_a_loop(x):
    t = x
    for k in range(2):
        fs = [np.tanh, Affine(0.5, 0.1)]
        for g in fs:
            t = 0.5 * g(t) + 0.1
    return np.sum(t)


def objects_made_in_a_loop_from_its_values(x, s):
    t = x
    for k in range(3):
        fs = (Affine(t[0], s * t[1]), np.sin)
        for g in fs:
            t = 0.5 * g(t) + 0.1
    return np.sum(t)


def objects_made_in_a_while_loop_enumerated(x, s):
    t = x
    k = 0
    while k < 2:
        k += 1
        fs = [Affine(s, t[k]), np.tanh]
        for i, g in enumerate(fs):
            t = t * 0.5 + (i + 1) * 0.25 * g(t)
    return np.sum(t)


def objects_made_in_a_loop_zipped_with_values(x, s):
    t = x
    for j in range(2):
        fs = (Affine(0.5, 0.1), np.sin)
        for g, c in zip(fs, (np.max(t), s)):
            t = t * 0.5 + c * g(t)
    return np.sum(t)


def objects_made_in_a_loop_in_a_comprehension(x, s):
    t = x
    for k in range(2):
        fs = (np.tanh, Affine(t[2], s))
        t = np.sum(np.stack([g(t) for g in fs]), axis=0)
    return np.sum(t)


def objects_made_in_a_branch_of_a_loop_from_its_variable(x, s):
    t = x
    for w in (0.5, s, 0.3):
        if w > 0.4:
            for g in (Affine(w, t[0]), np.sin):
                t = g(t) * 0.9
    return np.sum(t)


@pytest.mark.parametrize("f", [objects_made_in_a_loop_from_its_values,
                               objects_made_in_a_while_loop_enumerated,
                               objects_made_in_a_loop_zipped_with_values,
                               objects_made_in_a_loop_in_a_comprehension,
                               objects_made_in_a_branch_of_a_loop_from_its_variable])
def test_objects_made_in_a_loop_are_followed_each_trip(f):
    # each trip binds the hoisted name to that trip's object, of the one class its binding
    # names; the derivative flows through the fields made from the loop's values
    check(f, X.copy(), 0.7)


def test_an_object_made_in_a_loop_is_bound_before_its_display():
    check(objects_made_in_a_loop, X.copy())
    tree = S.parse_function(textwrap.dedent('''
        def f(x):
            for k in range(2):
                fs = [np.tanh, Affine(0.5, x[0])]
                for g in fs:
                    x = g(x)
            return x
    '''))
    out = ast.unparse(S.gast_to_ast(unroll(tree, {"np": np, "Affine": Affine}.get)))
    assert out.splitlines()[2:] == [
        "        item_0 = Affine(0.5, x[0])", "        fs = [np.tanh, item_0]",
        "        x = np.tanh(x)", "        x = item_0(x)", "    return x"], out


def closures_called_in_their_trip(x, s):
    t = x
    for g, c in zip([np.tanh, np.sin], (s, 0.5)):
        lam = lambda u: g(u) * c

        def h(u):
            return u * c + g(u)
        t = t * 0.5 + lam(t)
        t = h(t) * 0.7
    return np.sum(t)


def a_closure_called_after_the_loop(x, s):
    t = x
    for g in [np.tanh, np.sin]:
        lam = lambda u: g(u) * s
        t = t * 0.5
    return np.sum(lam(t))


def test_a_loop_making_closures_called_in_the_same_trip_is_written_out():
    check(closures_called_in_their_trip, X.copy(), 0.7)


def test_a_closure_called_in_another_trip_keeps_the_loop_and_is_refused():
    # Python's closure reads g when it runs, after the loop (np.sin): not written out
    with pytest.raises(srcdiff.UnsupportedCodeError, match="which function 'g' holds"):
        srcdiff.grad(a_closure_called_after_the_loop)(X.copy(), 0.7)


def loops_over_the_values_of_a_dict_of_functions(x):
    acts = {"tanh": np.tanh, "affine": Affine(0.5, x[0]), "sin": np.sin}
    t = x
    for g in acts.values():
        t = 0.5 * g(t) + 0.1
    return np.sum(t) + sum(np.sum(g(x)) for g in {"a": np.cos, "b": np.tanh}.values())


def test_a_loop_over_the_values_of_a_dict_of_functions():
    check(loops_over_the_values_of_a_dict_of_functions, X.copy())


def rows_of_parameters(first, second, x):
    # rows holding different objects and functions, the objects passed in: each row's copy
    # calls its own (a parameter never bound again is an item the copies may repeat)
    h = x
    for layer, act in [(first, np.tanh), (second, np.sin)]:
        h = act(layer(h))
    return np.sum(h ** 2)


def rows_of_a_parameter_rebound(first, second, x):
    h = x
    for layer, act in [(first, np.tanh), (second, np.sin)]:
        h = act(layer(h))
        first = second
    return np.sum(h ** 2)


def test_rows_of_parameters_and_functions_are_written_out():
    from callable_layers import Scale, layer
    check(rows_of_parameters, layer(3), Scale(0.7), X.copy(), wrt=(0, 1, 2), order=2)
    check(rows_of_parameters, Scale(0.4), layer(5), X.copy(), wrt=2, order=2)
    # (first rebound in the body: the loop is left alone, its call refused)
    with pytest.raises(srcdiff.SrcdiffError, match="cannot tell which function 'act'"):
        srcdiff.grad(rows_of_a_parameter_rebound, wrt=2)(layer(3), Scale(0.7), X.copy())
