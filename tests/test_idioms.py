"""srcdiff/idioms.py's pass before lowering, tested directly on the shapes it rewrites:
`z = zip(x, y)` / `e = enumerate(x)` kept in a name and iterated once (a for header or a
comprehension's first `for`, later in the same block) run as Python runs them; a second
iteration of the same iterator, which Python finds used up, stays refused at the binding
with what to write instead. Derivatives against central differences in reverse and forward
mode and to second order (gradcheck.check)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.4, 0.9, 1.3])
Y = np.array([1.1, -0.4, 0.2])


def zip_in_a_name(x, y):
    z = zip(x, y)
    s = 0.0
    for a, b in z:
        s = s + a * np.sin(b)
    return s


def enumerate_in_a_name(x, y):
    e = enumerate(x * y, start=1)
    w = y * 2.0          # statements between the binding and the loop
    return sum(i * v * w[0] for i, v in e)


def zip_read_in_a_branch(x, y):
    z = zip(x, y)
    s = x[0]
    if s > 0:
        for a, b in z:
            s = s + a * b ** 2
    return s


def zip_in_a_loop_body(x, y):
    s = 0.0
    for k in range(2):
        z = zip(x, y * (k + 1))     # bound anew each time round: one iteration each
        s = s + sum([a * b for a, b in z])
    return s


def zip_of_a_name_rebound_after(x, y):
    z = zip(x, y)
    x = x * 3.0          # zip holds the array it was given, not the name
    return sum(a * b for a, b in z) + np.sum(x)


CASES = [zip_in_a_name, enumerate_in_a_name, zip_read_in_a_branch, zip_in_a_loop_body,
         zip_of_a_name_rebound_after]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_an_iterator_kept_in_a_name_and_read_once(f):
    check(f, X, Y, wrt=(0, 1))


def test_the_rewrite_reads_the_iterator_where_it_is_looped_over():
    text = srcdiff.source(srcdiff.grad(zip_in_a_name, wrt=(0, 1)))
    assert "z_arg_0 = x" in text and "z_arg_1 = y" in text


def zip_looped_twice(x, y):
    z = zip(x, y)
    s = 0.0
    for a, b in z:
        s = s + a * b
    for a, b in z:       # Python: z is used up, this loop runs no time
        s = s + a * b
    return s


def zip_in_a_loop_read_each_time(x, y):
    z = zip(x, y)
    s = 0.0
    for k in range(2):
        for a, b in z:   # Python: only the first time round finds items
            s = s + a * b
    return s


def zip_read_by_next(x, y):
    z = zip(x, y)
    a, b = next(z)
    return a * b


@pytest.mark.parametrize("f", [zip_looped_twice, zip_in_a_loop_read_each_time,
                               zip_read_by_next])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_an_iterator_read_more_than_once_is_refused_with_what_to_write(f, mode):
    err = refusal(f, (X, Y), mode, wrt=(0, 1))
    assert "list(zip" in str(err) and err.lineno == f.__code__.co_firstlineno + 1


def test_zip_bound_to_a_name_is_refused_with_what_to_write():
    # moved from tests/test_idioms_programs.py (read twice now: once is supported)
    def f(x):
        z = zip(x, x)
        return sum(a * b for a, b in z) + sum(a for a, b in z)
    with pytest.raises(srcdiff.errors.SrcdiffError, match=r"list\(zip") as info:
        srcdiff.grad(f)(X)
    assert info.value.lineno == f.__code__.co_firstlineno + 1


# -- dict(d, k=v) and {**d, "k": v}: a copy of the dict d (issue #13) ------------------------
P = {"w": np.array([0.3, 0.5, 0.7]), "b": np.array([1.1, -0.4, 0.2])}


def dict_copies(p, x):
    q = dict(p)
    q["w"] = q["w"] * 2.0          # the copy is written, p is not
    r = dict(p, b=x * q["w"])
    s = {**r, "x": np.sin(x)}
    return np.sum(q["w"] * p["w"] * r["b"] + s["x"] * s["b"]) + np.sum(dict(s)["w"])


def test_dict_of_a_dict_and_a_display_spreading_one_are_copies():
    check(dict_copies, {k: v.copy() for k, v in P.items()}, X.copy(), wrt=(0, 1))


def dict_of_list_of_pairs(pairs, x):
    return np.sum(dict(pairs)["a"] * x)


def test_dict_of_a_list_of_pairs_passed_in_differentiates_in_the_other_input():
    check(dict_of_list_of_pairs, [("a", X.copy())], X.copy(), wrt=1, order=2)


def test_dict_of_a_list_of_pairs_differentiated_in_the_pairs_is_refused():
    err = refusal(dict_of_list_of_pairs, ([("a", X.copy())], X.copy()), "grad", wrt=(0, 1))
    assert "builtins.dict" in str(err) and err.hint


# -- methods only strings have, on a dict's keys (issue #13) ---------------------------------
def string_methods_of_keys(p, x):
    total = 0.0
    for name in list(p):
        if name.startswith("w") or name.upper().endswith("_B"):
            total = total + np.sum(p[name] * x) * len(name.split("_"))
    label = "{}:{}".format("loss", len(p))
    return total * len(label)


def test_string_methods_of_a_dicts_keys_run_and_carry_no_derivative():
    p = {"w_1": X.copy(), "bias_b": Y.copy(), "c": X * 2.0}
    check(string_methods_of_keys, p, X.copy(), wrt=(0, 1))


def writes_through_exec(x):
    y = x * 1.0
    exec("y[0] = 5.0")
    return np.sum(y * x)


def reads_through_locals(x):
    y = x * 2.0
    return np.sum(locals()["y"] * x)


def evaluates(x):
    return eval("np.sum(x * x)")


@pytest.mark.parametrize("f", [writes_through_exec, reads_through_locals, evaluates])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_code_or_names_the_source_does_not_show_are_refused(f, mode):
    """exec("y[0] = 5.0") wrote into y where srcdiff's derivative, seeing a call with a
    string, did not follow it (silently wrong: 1.26 where it is 0.63); exec, eval, locals(),
    globals() and vars() are now refused, located."""
    err = refusal(f, (np.array([0.3, -0.5, 0.8]),), mode)
    assert "cannot follow" in str(err)
