"""map, sorted and functools.partial made in the function (srcdiff/value_builtins.py):
`map(partial(g, a), xs)` with the partial written in the call, map of the user's function
and of the differentiated function itself, recursively (autograd's hmm_em example, issue
#13). Checked against finite differences in both modes and to second order.
(The earlier map and sorted cases are in tests/test_callables_values.py.)"""
import dataclasses
import functools
import re
from functools import partial

import numpy as np
import pytest

from gradcheck import check, refusal

X = np.array([0.3, 0.7, 1.1])
PARAMS = [np.array([0.3, 0.5]), np.array([1.2, -0.7])]
DATA = [np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.2, 0.4])]


def scaled(w, x, s=1.0):
    return np.sin(w * x) * s


def mapped_partial(x):
    return sum(map(partial(scaled, x[0], s=x[2]), [x[1], x[2] * 2.0]))


def mapped_partial_by_module_path(x):
    xs = [x[0], x[1]]
    return sum(map(functools.partial(scaled, s=x[2]), xs, xs))


def mapped_user_function(x):
    return sum(map(scaled, [x[0], x[1]], [x[2], x[0]]))


def sorted_by_a_partial(x):
    xs = [x[0], x[1] * -2.0, x[2]]
    ys = sorted(xs, key=partial(scaled, 1.3))
    return ys[0] * 3.0 + ys[1] * ys[2]



@pytest.mark.parametrize("f", [mapped_partial, mapped_partial_by_module_path,
                               mapped_user_function, sorted_by_a_partial])
def test_map_and_sorted_of_a_partial_written_in_the_call(f):
    check(f, X)


# -- autograd's hmm_em: the differentiated function mapped over a list, recursively ------
def log_partition_function(natural_params, data):
    if isinstance(data, list):
        return sum(map(partial(log_partition_function, natural_params), data))
    log_a, log_b = natural_params
    return np.sum(np.log(np.exp(log_a * data) + np.exp(log_b)))


def log_partition_mapped(natural_params, data):
    if isinstance(data, list):
        return sum(map(log_partition_mapped, [natural_params] * len(data), data))
    log_a, log_b = natural_params
    return np.sum(np.tanh(log_a * data) * log_b)


@pytest.mark.parametrize("f", [log_partition_function, log_partition_mapped])
def test_the_function_itself_mapped_over_a_list(f):
    check(f, PARAMS, DATA, wrt=0)
    check(f, PARAMS, DATA[0], wrt=0)


def partial_of_a_partial(x):
    return sum(map(partial(partial(scaled, x[0]), s=2.0), [x[1]]))


def partial_of_a_named_partial(x):
    inner = partial(scaled, x[0])
    return sum(map(partial(inner, s=2.0), [x[1]]))


def test_a_partial_of_a_partial_in_map_is_one_partial():
    check(partial_of_a_partial, X.copy(), order=2)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_partial_of_a_named_partial_in_map_is_refused(mode):
    err = refusal(partial_of_a_named_partial, (X,), mode)
    assert "partial here only of a named function" in str(err)


MAIN_PROGRAM = '''
import dataclasses
import functools
import re
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from gradcheck import check


def f(y, x):
    return [v * y[0] for v in x]


def p(x, y):
    g = functools.partial(f, y)     # called where nothing is differentiated
    it = list(g(y))
    return it[0] * x[0] + x[1] * it[1]


def q(x, y):
    g = functools.partial(f, x)     # and where it is
    return sum(g(y)) + x[2]


P = functools.partial(f, np.array([2.0]))   # a module-level partial


class K:
    def m(self, x):
        return [v * 3.0 for v in x]


k = K()


def r(x, y):
    it = list(P(y))
    g = k.m                                 # a bound method of the script's class
    return it[0] * x[0] + list(g(y))[1] * x[1]


X = np.array([0.5, -1.0, 0.25])
check(p, X, X + 1.0)
check(q, X, X + 1.0)
check(r, X, X + 1.0)
print("checked")
'''


def test_a_partial_of_a_function_of_main_called_here(tmp_path):
    """A partial (made here or at module level) or a bound method holding a function of
    `__main__` (a script's own), called in the function: the call goes to the function by
    its own path in the script (lower_calls.call_object), not to the partial or method again
    (which passed their arguments twice: a TypeError)."""
    import os
    import subprocess
    import sys
    script = tmp_path / "script.py"
    script.write_text(MAIN_PROGRAM)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
         os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(script), os.path.dirname(__file__)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "checked" in done.stdout, done.stderr[-3000:]


# dataclasses.replace(p, w=v): the record P(w=v, b=p.b, ...) (value_builtins._replace), its
# class followed through a helper returning it (factories.replaced_argument) and through a
# name rebound to it in a loop (`p = step(p, lr)`: factories.self_replaced)
@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass(frozen=True)
class Frozen:
    w: np.ndarray
    s: float = 1.0


@dataclasses.dataclass
class Doubled:
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w * 2.0


def init_params(x):
    return Params(w=np.tanh(x), b=x[1:] * 1.5)


def step(p, lr):
    return dataclasses.replace(p, w=p.w - lr * p.w ** 2)


def replaced_here(x):
    p = Params(w=x, b=x * 2.0)
    q = dataclasses.replace(p, b=np.sin(p.b))
    return np.sum(q.w * q.b) + np.sum(p.b)   # p itself is unchanged


def replaced_by_a_helper(x):
    p = init_params(x)
    q = step(p, 0.1)
    return np.sum(q.w) + np.sum(q.b ** 2) + np.sum(p.w)


def replaced_in_a_loop(x):
    p = init_params(x)
    for lr in (0.1, 0.2):
        p = step(p, lr)
    p = step(p, x[0])
    return np.sum(p.w * p.w[0]) + np.sum(p.b ** 2)


def replaced_frozen(x):
    p = Frozen(x, 2.0)
    q = dataclasses.replace(p, s=float(x[0]) * 3.0)
    return np.sum(q.w * q.s)


def replaced_parameter(p, x):
    q = dataclasses.replace(p, w=p.w * x)
    return np.sum(q.w + q.b)


@pytest.mark.parametrize("f", [replaced_here, replaced_by_a_helper, replaced_in_a_loop,
                               replaced_frozen])
def test_dataclasses_replace_against_central_differences(f):
    check(f, X.copy(), order=2)


def test_dataclasses_replace_of_a_parameter():
    check(replaced_parameter, Params(X.copy(), X * 2.0), X.copy(), wrt=(0, 1), order=1)


def replaced_with_a_post_init(x):
    p = Doubled(x)
    q = dataclasses.replace(p, w=x * 3.0)   # __post_init__ runs again: not a record
    return np.sum(q.w)


def replaced_with_keywords_unpacked(x, changes={}):
    p = Frozen(x, 2.0)
    q = dataclasses.replace(p, **changes)
    return np.sum(q.w)


def replaced_unknown_field(x):
    p = Params(x, x)
    q = dataclasses.replace(p, z=x)
    return np.sum(q.w)


@pytest.mark.parametrize("f, message", [
    (replaced_with_a_post_init, "no __post_init__"),
    (replaced_with_keywords_unpacked, r"\*\*kw"),
    (replaced_unknown_field, "changes only Params's fields"),
])
def test_dataclasses_replace_srcdiff_cannot_follow_is_refused_at_its_line(f, message):
    err = refusal(f, (X,), "grad")
    assert re.search(message, str(err)), str(err)


class _Scale:
    def __init__(self, w):
        self.w = w

    def apply(self, x, c=1.0):
        return self.w * np.sin(x) * c


def partial_of_a_method(x):
    layer = _Scale(x * x)
    g = functools.partial(layer.apply)
    return np.sum(g(x))


def partial_of_a_method_with_arguments(x):
    layer = _Scale(np.cos(x))
    g = partial(layer.apply, c=3.0)
    return np.sum(g(x) + partial(layer.apply, x)(c=2.0))


def partial_of_a_method_of_an_object_passed(x, layer):
    return np.sum(functools.partial(layer.apply, x)(0.5) * x)


def partial_of_a_method_in_map(x, layer):
    return sum(map(functools.partial(layer.apply, c=2.0), [x, x * x]))


@pytest.mark.parametrize("f", [partial_of_a_method, partial_of_a_method_with_arguments])
def test_a_partial_of_a_method_of_an_object_made_here(f):
    check(f, np.array([0.3, -0.5, 0.7]))


@pytest.mark.parametrize("f", [partial_of_a_method_of_an_object_passed,
                               partial_of_a_method_in_map])
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_partial_of_a_method_of_an_object_passed(f, wrt):
    x = np.array([0.3, -0.5, 0.7])
    check(f, x.copy(), _Scale(x + 2.0), wrt=wrt)
