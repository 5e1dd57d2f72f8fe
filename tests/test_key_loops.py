"""key_loops: a loop over string keys written in a display, whose variable picks a function
of a module-level dict (`for name in ("tanh", "sin"): x = ACTS[name](x)`, or passes the key
to a helper reading `ACTS[kind]`), written out once per key; checked against central
differences in both modes and to second order. Keys taken from data stay loops, refused at
the read's line; a key passed to a helper at run time stays checked where it runs."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import census, key_loops
from srcdiff import syntax as S

X = np.array([0.4, 0.9, 1.3])
W = np.array([0.7, -0.3, 0.5])


def cube(v):
    return v * v * v


ACTS = {"tanh": np.tanh, "sin": np.sin, "cube": cube}


def act(x, kind="tanh"):
    return ACTS[kind](x)


def layer(x, w, kind="sin"):
    return act(x * w, kind=kind) + 0.1 * x   # reads ACTS two calls deep


def header_keys(x):
    for name in ("tanh", "sin"):
        x = ACTS[name](x)
    return np.sum(x)


def keys_bound_once(x, w):
    names = ["sin", "cube", "tanh"]
    for name in names:
        x = 0.5 * ACTS[name](x * w) + x
    return np.sum(x)


def helper_chooses(x, w):
    y = x * 0.0
    for name in ["tanh", "sin"]:
        y = y + act(x, kind=name)
    for kind in ("cube", "tanh"):
        y = y * layer(y, w, kind)
    return np.sum(y)


def function_bound_in_the_body(x, w):
    for name in ("tanh", "cube"):
        g = ACTS[name]
        x = w * g(x) + x
    return np.sum(x)


def keys_in_a_comprehension(x, w):
    ys = [ACTS[k](x * w) for k in ("sin", "tanh")]
    return np.sum(ys[0] * ys[1]) + sum(np.sum(act(x, k)) for k in ["cube", "sin"])


def keys_zipped_and_counted(x, w):
    total = 0.0
    for name, scale in zip(("tanh", "sin"), (0.5, 2.0)):
        g = ACTS[name]
        total = total + scale * np.sum(g(x * w))
    for i, name in enumerate(reversed(("cube", "sin"))):
        total = total + (i + 1) * np.sum(ACTS[name](w))
    return total


def keys_with_break(x):
    for name in ("tanh", "sin", "cube"):
        x = ACTS[name](x)
        if name == "sin":
            break
    else:
        x = 2.0 * x
    return np.sum(x)


def keys_in_a_trip_loop(x, w):
    for _ in range(2):
        for name in ("sin", "tanh"):
            x = ACTS[name](x * w)
    return np.sum(x)


@pytest.mark.parametrize("f", [keys_bound_once, helper_chooses, function_bound_in_the_body,
                               keys_in_a_comprehension, keys_zipped_and_counted,
                               keys_in_a_trip_loop])
def test_derivatives_against_central_differences(f):
    check(f, X.copy(), W.copy(), wrt=(0, 1), order=2)


@pytest.mark.parametrize("f", [header_keys, keys_with_break])
def test_derivatives_of_one_argument(f):
    check(f, X.copy(), order=2)


def test_each_copy_reads_its_own_key_and_binds_its_own_name():
    text = srcdiff.source(srcdiff.grad(function_bound_in_the_body))
    assert "g_0 = ACTS['tanh']" in text and "ACTS['cube']" in text
    assert "name" not in text.replace("__name__", "")


def keys_from_a_parameter(x, names):
    for name in names:
        x = ACTS[name](x)
    return np.sum(x)


def keys_changed_before_the_loop(x):
    names = ["tanh", "sin"]
    names.append("cube")
    for name in names:
        x = ACTS[name](x)
    return np.sum(x)


def key_computed_from_the_loop_variable(x):
    for name in ("TANH", "SIN"):
        key = name.lower()
        x = ACTS[key](x)
    return np.sum(x)


def key_missing(x):
    for name in ("tanh", "relu"):
        x = ACTS[name](x)
    return np.sum(x)


@pytest.mark.parametrize("f, args, message", [
    (keys_from_a_parameter, (X, ("tanh", "sin")), "which function of ACTS this key names"),
    (keys_changed_before_the_loop, (X,), "which function of ACTS this key names"),
    (key_computed_from_the_loop_variable, (X,), "which function of ACTS this key names"),
    (key_missing, (X,), "ACTS has no key 'relu'"),
])
def test_keys_known_only_at_run_time_are_refused_at_their_line(f, args, message):
    with pytest.raises(srcdiff.UnsupportedCodeError, match=message) as info:
        srcdiff.grad(f)(*args)
    assert "test_key_loops.py" in str(info.value) and "ACTS[" in str(info.value)


def test_a_key_from_data_passed_to_a_helper_is_checked_where_it_runs():
    def caller(x, names=("sin", "tanh")):
        y = x
        for name in names:   # no display: stays a loop; act is compiled for its default
            y = act(y, kind=name)
        return np.sum(y)
    with pytest.raises(srcdiff.RuntimeRefusal, match="key is 'sin'"):
        srcdiff.grad(caller)(X)


def test_a_loop_over_strings_that_picks_no_function_stays_a_loop():
    fdef = S.parse_function("def f(x):\n    for name in ('a', 'b'):\n        print(name)\n"
                            "    return x\n")
    from srcdiff import function_loops
    assert function_loops.unroll(fdef, {"print": print}.get) is fdef
    assert not key_loops.keyed(fdef.body[0].target, fdef.body[0].body, {}.get, set())


def test_the_census_sees_a_display_of_keys():
    text = "def f(x):\n    for name in ('tanh', 'sin'):\n        x = ACTS[name](x)\n" \
        "    return x\n"
    taken = census.take(S.parse_function(text))
    assert taken.key_names and census.may_unroll(taken) and census.may_desugar(taken)
    plain = census.take(S.parse_function("def f(x):\n    return x[(1, 2)] + len('ab')\n"))
    assert not plain.key_names and not census.may_unroll(plain)


def _expr(text):
    return S.parse_module(text).body[0].value


def test_names_are_string_displays_of_a_few_items():
    assert key_loops.names(_expr("('a', 'b')")) is not None
    assert key_loops.names(_expr("['a', 1]")) is None
    assert key_loops.names(_expr("()")) is None
    assert key_loops.names(_expr(repr(tuple("abcdefghi")))) is None


# -- local tables of functions (issue #13): a dict or list display of functions bound in the
# function, read only by items, picked by a loop's key or index --------------------------
def square(v):
    return v * v


def dict_picked_by_key(x):
    ops = {"sin": np.sin, "sq": lambda v: v * v, "cube": cube}
    total = 0.0
    for key in ["sin", "sq", "cube"]:
        total = total + np.sum(ops[key](x))
    return total


def dict_iterated_by_its_keys(x):
    ops = {"a": np.sin, "b": lambda v: v * np.cos(v)}
    total = 0.0
    for k in ops:
        total = total + np.sum(ops[k](x)) * len(k)
    for k in ops.keys():
        g = ops[k]
        total = total + np.sum(g(x * 0.5))
    for k, h in ops.items():
        total = total + np.sum(h(x)) ** 2
    return total + np.sum(ops["a"](x))


def list_picked_by_index(x):
    fs = [np.sin, np.tanh, lambda t: t ** 3]
    ws = (0.5, 2.0, -1.0)
    total = 0.0
    for i in range(len(fs)):
        total = total + np.sum(fs[i](x * ws[i])) * (i + 1)
    return total


def tuple_over_a_literal_range_with_a_break(x):
    fs = (np.sin, square, np.tanh)
    ops = {0: np.cos, 1: square, 2: np.exp}
    total = 0.0
    for i in range(3):
        if i == 2:
            break
        total = total + np.sum(fs[i](x)) + np.sum(ops[i](x))
    return total


def backwards_with_the_index_read_after(x):
    fs = [np.sin, np.cos, np.tanh]
    total = 0.0
    for i in range(2, -1, -1):
        total = total * 0.5 + np.sum(fs[i](x)) * i
    return total + i   # the loop leaves i at its last value, 0


@pytest.mark.parametrize("f", [dict_picked_by_key, dict_iterated_by_its_keys,
                               list_picked_by_index, tuple_over_a_literal_range_with_a_break,
                               backwards_with_the_index_read_after])
def test_a_local_table_picked_by_a_loops_key(f):
    check(f, X, order=2)


def grown_before_the_loop(x):
    fs = [np.sin, np.tanh]
    fs.append(np.cos)   # len(fs) is 3 when the loop runs: never the display's 2
    total = 0.0
    for i in range(len(fs)):
        total = total + np.sum(fs[i](x))
    return total


def item_written_before_the_loop(x):
    ops = {"sin": np.sin, "sq": lambda v: v * v}
    ops["sin"] = np.cos
    total = 0.0
    for key in ["sin", "sq"]:
        total = total + np.sum(ops[key](x))
    return total


def passed_on(x):
    fs = [np.sin, np.tanh]
    total = 0.0
    for i in range(len(fs)):
        total = total + np.sum(fs[i](x))
    return total + len(str(fs))


def repeated_keys(x):
    ops = {"sin": np.sin, "sin": np.cos}   # noqa: F601 - one key, the last value
    total = 0.0
    for key in ops:
        total = total + np.sum(ops[key](x))
    return total


def key_from_data(x):
    ops = {"sin": np.sin, "sq": lambda v: v * v}
    key = "sin" if x[0] > 0 else "sq"
    return np.sum(ops[key](x))


@pytest.mark.parametrize("f", [grown_before_the_loop, item_written_before_the_loop,
                               passed_on, repeated_keys, key_from_data])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_table_that_may_change_or_a_key_from_data_is_refused_at_the_call(f, mode):
    from gradcheck import refusal
    err = refusal(f, (X,), mode)
    assert "cannot tell which function" in str(err) and "g = fs[i]" in str(err), str(err)


def key_from_data_bound_first(x):
    ops = {"sin": np.sin, "sq": lambda v: v * v}
    key = "sin" if x[0] > 0 else "sq"
    g = ops[key]   # function_choices: the call of whichever the run picks
    return np.sum(g(x))


@pytest.mark.parametrize("x", [X, -X])
def test_a_key_from_data_bound_to_a_name_first_differentiates(x):
    check(key_from_data_bound_first, x, order=2)


def test_local_tables_are_displays_read_only_by_items():
    import textwrap
    tree = S.parse_function(textwrap.dedent('''
        def f(x):
            a = {"s": np.sin}
            b = [np.sin, np.cos]
            c = [np.sin]
            c.append(np.cos)
            d = [1.0, 2.0]
            e = [np.sin]
            e[0] = np.cos
            return a["s"](x) + b[len(b) - 1](x) + c[0](x) + d[0] + e[0](x)
        '''))
    tables = key_loops.local_tables(tree, lambda e: not isinstance(e, S.Constant))
    assert sorted(tables) == ["a", "b"]
