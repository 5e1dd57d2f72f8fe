"""What the random-program tester found (scripts/fuzz.py --idioms, tests/fuzzing/), each shrunk
to a minimal program and checked against finite differences in both modes and to second order
(gradcheck.check). Each is a strict xfail until the module that owns it is fixed: a fix makes
it pass, and then its marker goes. First the wrong derivatives (where a located refusal is a
right answer too), then correct programs srcdiff refuses."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.5, -1.0, 0.5])
A = np.array([[0.41, 0.19, -0.25], [0.22, -0.05, -0.57], [-0.02, -0.2, -0.04]])


def right_or_refused(f, *args, **kwargs):
    """check(f, ...) passes, or srcdiff refuses f at a line of this file."""
    try:
        check(f, *args, **kwargs)
    except srcdiff.SrcdiffError as err:
        assert err.filename.endswith("test_fuzz_found.py"), err


# -- wrong derivatives ------------------------------------------------------------------
def writes_through_a_column_of_its_argument(x, a):
    v = a.T[2]
    v[0] = 0.0
    return np.sum(x * a[0])


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_write_through_a_column_view_of_an_argument(wrt):
    # seed 417000013: the gradient wrt a kept 0.5 at a[0, 2] and the caller's a changed;
    # now refused where it runs (aliasing traces a row of a.T back to a)
    right_or_refused(writes_through_a_column_of_its_argument, X.copy(), A.copy(), wrt=wrt)


def divides_while_looping_over_its_rows(a):
    for row in a:
        a /= 1.5 + np.sin(np.dot(row, a)) ** 2
        a = a
    return np.sum(a)


def test_an_update_of_the_array_a_loop_takes_rows_of_then_rebound_to_itself():
    # seed 419000035: value -0.09030 for -0.09046 once the body ended with `a = a`; now
    # refused at the update
    right_or_refused(divides_while_looping_over_its_rows, A.copy())


def writes_x_while_enumerating_a_zip_of_it(x):
    s = 0.0
    for i, (p, q) in enumerate(zip(x, x * 2.0)):
        s = s + p * q
        x[-1] = 0.5
    return s


def test_a_write_into_an_array_while_enumerating_a_zip_of_it():
    # seed 505000007: 3.48 for 3.2 (the inner zip was made a list first); now read lazily
    right_or_refused(writes_x_while_enumerating_a_zip_of_it, np.array([0.5, -1.0, 0.7]))


# -- correct programs refused -----------------------------------------------------------


class Scale:
    K = 0.7

    def __init__(self, w):
        self.w = w

    def forward(self, t):
        return np.tanh(t * self.w)

    @classmethod
    def scaled(cls, t):
        return t * cls.K


def dead_method_result(x):
    h = Scale(0.5).forward(x)
    x = x + h
    return 2.0


def dead_layers(x):
    layers = [Scale(0.5), Scale(0.2)]
    h = x
    for layer in layers:
        h = layer.forward(h)
    x = x + h
    return 2.0


def dead_class_method_result(x):
    a = Scale(0.3).scaled(x)
    x = x + a
    return 2.0


# fuzz (seeds 401000050, 602000014): the Hessian-vector product was refused inside the
# generated gradient ('cannot tell the class of Scale_1'); the second transform now reads
# the class from record_of(Scale, ...), a list's items and the dispatch's branches
@pytest.mark.parametrize("f", [dead_method_result, dead_layers, dead_class_method_result])
def test_second_order_through_a_method_whose_result_is_unused(f):
    check(f, X.copy())


def list_of_functions(x):
    fs = [np.sin, np.tanh]
    t = x
    for g in fs:
        t = 0.5 * g(t) + 0.1
    return np.sum(t)


def generator_over_functions(x):
    fs = [np.sin, np.tanh]
    return sum(np.sum(g(x)) for g in fs)


def table_of_named_functions(x):
    d = {}
    for k, fn in (("sin", np.sin), ("sq", np.square)):
        d[k] = np.sum(fn(x))
    return d["sin"] * d["sq"]


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="fuzz --idioms (fnlist, dict_build): a loop or generator over a list "
                          "of functions is refused: 'srcdiff cannot tell which function 'g' "
                          "holds before the code runs' (the generator's message names the "
                          "temporary g_1)")
@pytest.mark.parametrize("f", [list_of_functions, generator_over_functions,
                               table_of_named_functions])
def test_calls_of_each_function_of_a_list(f):
    check(f, X.copy())


def item_of_a_dict_written_after_its_values_were_read(x):
    d = {"w": x * 1.0, "b": x[0]}
    s = sum(np.sum(v) for v in d.values())
    w = d["w"]
    w[0] = 5.0
    return s + np.sum(w * x)


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="fuzz --idioms (dict): writing into an array taken out of a dict "
                          "that nothing reads afterwards is refused: 'w is an item of d, "
                          "shared with it, not a copy'")
def test_write_into_an_item_of_a_dict_no_longer_read():
    check(item_of_a_dict_written_after_its_values_were_read, X.copy())


def zips_then_writes_in_a_loop(x, A, s):
    z1 = zip(x, np.stack([s, s, s]))
    for p3, q4 in z1:
        pass
    z14 = zip(np.cos(x), x)
    a15 = 0.0
    for p16, q17 in z14:
        a15 = a15 + p16 * np.cos(q17)
    k18 = 0
    while k18 < 2:
        k18 += 1
        x[np.array([2, 0])] = 0.5 * np.tanh(np.array([np.sum(row * row) for row in A]))[:2]
        x[::2] *= abs(a15) / (1.0 + abs(a15) * abs(a15))
    return np.sum(A[1] * x)


def test_write_after_a_zip_was_consumed():
    # refused before, naming srcdiff's temporary z1_arg_0; the alias analysis now proves no
    # later read sees the write
    check(zips_then_writes_in_a_loop, np.array([0.55, -1.0, 0.54]), np.eye(3) * 0.3, 0.16,
          wrt=0)


def writes_item_of_its_argument(t):
    t[0] = np.sin(t[1])
    return t * 2.0


def passes_a_fresh_array(x):
    return np.sum(writes_item_of_its_argument(x * 2.0))


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="fuzz (plain and --idioms, the most frequent refusal): a helper "
                          "writing into an item of its argument is refused even when the "
                          "caller passes a fresh array nothing else sees (x * 2.0): 'writes "
                          "into its argument 't' in place, so the caller's value would change "
                          "too'")
def test_a_helper_writing_into_a_fresh_array_it_is_given():
    check(passes_a_fresh_array, X.copy())


def dict_rebuilt_each_pass_then_written(x):
    w = x * 1.0
    s = 0.0
    for i in range(2):
        d = {"w": w, "b": x[0]}
        s = s + sum(np.sum(v) for v in d.values())
        w[0] = 5.0
    return s + np.sum(w)


def test_write_into_an_array_of_a_dict_rebuilt_before_its_next_read():
    # refused before; no later read sees the write
    check(dict_rebuilt_each_pass_then_written, X.copy())


def star_sum(w, *args):
    total = w
    for a in args:
        total = total + 0.5 * np.sum(np.tanh(a))
    return total


def kw_mix(w, **kw):
    total = w * kw["a"]
    for k, v in kw.items():
        total = total + 0.25 * np.sum(np.sin(v))
    return total + kw.get("c", 0.5)


def star_call_then_write(x):
    a = star_sum(x[0], x, x * 2.0)
    x[0] = 1.0
    return np.sum(x) * a


def starred_list_call_then_write(x):
    parts = [x, x * 2.0]
    a = star_sum(x[0], *parts)
    x[0] = 1.0
    return np.sum(x) * a


def keywords_call_then_write(x):
    a = kw_mix(x[0], a=x[1], b=x)
    x[0] = 1.0
    return np.sum(x) * a


@pytest.mark.xfail(strict=True, raises=srcdiff.SrcdiffError,
                   reason="fuzz --idioms (star, kwargs): after a call of a *args or **kwargs "
                          "helper has returned, a write into an array passed to it is refused, "
                          "naming srcdiff's temporary: 'writing into x here would also change "
                          "args_1' (kw_1; or the list spread with *, read no more)")
@pytest.mark.parametrize("f", [star_call_then_write, starred_list_call_then_write,
                               keywords_call_then_write])
def test_write_after_a_variadic_call_returned(f):
    check(f, X.copy())
