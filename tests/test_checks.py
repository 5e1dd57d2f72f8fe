"""srcdiff/checks.py: the checks placed in the primal code, before the call they guard, that
refuse when the derivative runs what only the values can tell (numpy.pad's mode,
numpy.gradient's spacing, a random sample's zero scale, complex arguments of rules for real
ones), each naming the user's line; left out where the value they guard is not
differentiated; raised when the derivative is made where the source already shows the
refusal. (The alias checks and most run-time refusals are in tests/test_errors.py.)"""
import numpy as np
import pytest

import srcdiff
from srcdiff import analyze, errors
from srcdiff.core import Kind
from srcdiff.transform import lower_function

from gradcheck import check
from lowering import assert_located

try:
    import scipy.special as special
except ImportError:   # the Quickstart installs no SciPy
    special = None


def checks_in(fn):
    return [s for s in analyze.flatten(lower_function(fn).body) if s.sd.check is not None]


def placed_before_its_call(fn, helper, callee):
    """The one check calling `helper` sits right before the call of `callee` it guards,
    and guards that call's result."""
    body = lower_function(fn).body
    at = [i for i, s in enumerate(body) if s.sd.check is not None
          and s.sd.func.__name__ == helper]
    assert len(at) == 1, [s.sd.func for s in body]
    call = body[at[0] + 1]
    assert call.sd.kind is Kind.CALL and call.sd.func is callee
    assert body[at[0]].sd.kind is Kind.EFFECT
    return body[at[0]].sd.check, call


# -- numpy.pad's mode ---------------------------------------------------------------
def pad_by_name(x, mode):
    return np.sum(np.pad(x, 1, mode=mode) ** 2)


def pad_written(x):
    return np.sum(np.pad(x, 1, mode="empty") ** 2)


def pad_not_differentiated(x):
    m = "mean"
    return np.sum(np.pad(np.ones(3), 1, mode=m)) * np.sum(x * x)


X = np.array([0.5, -1.5, 2.0])


def test_a_pad_mode_held_in_a_name_is_checked_when_the_derivative_runs():
    guard, call = placed_before_its_call(pad_by_name, "check_pad_mode", np.pad)
    assert guard.guards == call.targets[0].id and guard.error is None
    check(pad_by_name, X, "edge")
    check(pad_by_name, X, "reflect")
    check(pad_by_name, X, "median")
    for run in (lambda: srcdiff.grad(pad_by_name)(X, "empty"),
                lambda: srcdiff.jvp(pad_by_name)(X, "empty", np.ones(3))):
        with pytest.raises(errors.RuntimeRefusal, match="not mode='empty'") as info:
            run()
        assert_located(info.value, pad_by_name, 1, "return np.sum(np.pad(x, 1, mode=mode) ** 2)")


def test_a_pad_mode_the_source_shows_is_refused_when_the_derivative_is_made():
    guard, _ = placed_before_its_call(pad_written, "refuse", np.pad)
    assert isinstance(guard.error, errors.UnsupportedCodeError)
    for make in (lambda: srcdiff.grad(pad_written)(X),
                 lambda: srcdiff.jvp(pad_written)(X, np.ones(3))):
        with pytest.raises(errors.UnsupportedCodeError, match="not mode='empty'") as info:
            make()
        assert_located(info.value, pad_written, 1,
                       'return np.sum(np.pad(x, 1, mode="empty") ** 2)')


def test_a_check_of_a_value_not_differentiated_is_left_out():
    assert len(checks_in(pad_not_differentiated)) == 1   # placed while lowering ...
    check(pad_not_differentiated, X)                     # ... idle in both modes
    assert "check_pad_mode" not in srcdiff.source(srcdiff.grad(pad_not_differentiated))
    assert "check_pad_mode" in srcdiff.source(srcdiff.grad(pad_by_name))


def linspace_step_not_differentiated(x):
    v, step = np.linspace(0.0, 1.0, 4, retstep=True)
    return np.sum(v * x) * step


def test_a_refusal_the_source_shows_is_not_raised_where_nothing_is_differentiated():
    guard = checks_in(linspace_step_not_differentiated)[0].sd.check
    assert isinstance(guard.error, errors.UnsupportedCodeError)
    check(linspace_step_not_differentiated, np.array([1.0, 2.0, -1.0, 0.5]))


# -- numpy.gradient's spacing -----------------------------------------------------------
def spaced_gradient(x, h):
    return np.sum(np.gradient(x * x, h) ** 2)


def test_numpy_gradient_with_a_spacing_of_several_dimensions_is_refused_when_it_runs():
    placed_before_its_call(spaced_gradient, "check_gradient_spacing", np.gradient)
    check(spaced_gradient, X, 0.5)
    check(spaced_gradient, X[:3], np.array([0.0, 1.0, 3.0]))   # coordinates differentiate
    with pytest.raises(errors.RuntimeRefusal, match="one array of coordinates") as info:
        srcdiff.grad(spaced_gradient)(X[:3], np.array([[0.0, 1.0, 3.0]]))
    assert_located(info.value, spaced_gradient, 1,
                   "return np.sum(np.gradient(x * x, h) ** 2)")


# -- random samples: the scale behind the draw ----------------------------------------
def sample(x, s):
    np.random.seed(0)
    return np.sum(np.random.normal(x, s, 3) ** 2)


def test_a_samples_scale_is_checked_only_where_the_scale_is_differentiated():
    guard = [c.sd.check for c in checks_in(sample) if c.sd.func.__name__ == "check_spread"]
    assert len(guard) == 1 and guard[0].guards == "s"
    np.testing.assert_allclose(srcdiff.grad(sample, wrt=0)(X, 0.0), 2.0 * X)   # s = 0: fine
    with pytest.raises(errors.RuntimeRefusal, match="zero scale") as info:
        srcdiff.grad(sample, wrt=1)(X, 0.0)
    assert_located(info.value, sample, 2, "return np.sum(np.random.normal(x, s, 3) ** 2)")
    check(sample, X, 0.7, wrt=(0, 1))


# -- rules for real arguments only -----------------------------------------------------
def log_gamma(x):
    return np.sum(special.gammaln(x) * x)


@pytest.mark.skipif(special is None, reason="SciPy is not installed")
def test_a_complex_argument_of_a_real_only_rule_is_refused_when_it_runs():
    placed_before_its_call(log_gamma, "check_real", special.gammaln)
    check(log_gamma, np.array([1.5, 2.0, 3.25]))
    for run in (lambda z: srcdiff.grad(log_gamma)(z),
                lambda z: srcdiff.jvp(log_gamma)(z, np.ones(2, complex))):
        with pytest.raises(errors.RuntimeRefusal, match="real arguments only") as info:
            run(np.array([1.5, 2.0]) + 0.5j)
        assert_located(info.value, log_gamma, 1, "return np.sum(special.gammaln(x) * x)")


# -- norms of complex values -------------------------------------------------------------
def complex_norm(x, order):
    return np.linalg.norm(x * (1.0 + 2.0j), ord=order)


def test_a_norm_of_complex_values_is_checked_for_the_orders_srcdiff_takes_for_real_ones():
    assert any(c.sd.func.__name__.startswith("check") for c in checks_in(complex_norm))
    check(complex_norm, X, 2)   # the 2-norm of complex values is differentiated
    with pytest.raises(errors.RuntimeRefusal, match="norms of complex values") as info:
        srcdiff.grad(complex_norm)(X, 1)
    assert_located(info.value, complex_norm, 1,
                   "return np.linalg.norm(x * (1.0 + 2.0j), ord=order)")


FRESH_PROCESS = '''
import sys
import numpy as np
import srcdiff

def plain(x):
    return np.sum(np.tanh(x) ** 2)

def drawn(x, s):
    return np.sum(np.random.normal(x, s, 3) ** 2)

srcdiff.grad(plain)(np.ones(3))
print("random after plain:", "numpy.random" in sys.modules)
print("rule index read:", srcdiff.rules._index is not None)
try:
    srcdiff.grad(drawn, wrt=1)(np.ones(3), 0.0)
    print("drawn: no refusal")
except srcdiff.RuntimeRefusal as exc:
    print("drawn: refused,", "zero scale" in str(exc))
'''


def test_numpy_random_is_imported_only_by_a_function_that_reads_it(tmp_path):
    """NumPy imports numpy.random when it is first read (milliseconds): the checks of its
    samples' scales are placed without srcdiff reading it, and still placed, in a fresh
    process, for a function whose call of np.random.normal read it first. (Where the rule
    index can not be kept, every rule module is imported, one of them reading
    numpy.random: then only the second half is checked.)"""
    import os
    import subprocess
    import sys
    script = tmp_path / "fresh.py"
    script.write_text(FRESH_PROCESS)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # as installed: the rule index kept
    for _ in range(2):   # the first may write the rule index, importing every rule module
        done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[2] == "drawn: refused, True"
    if lines[1] == "rule index read: True":
        assert lines[0] == "random after plain: False"


_INTEGER_STORES = '''
import numpy as np


def into_int_zeros(x):
    a = np.zeros(4, dtype=int)
    a[0] = x[0] * 10
    return np.sum(a * x)


def into_an_array_of_int_literals(x):
    a = np.array([1, 2, 3, 4])
    a[3] = x[3] * 9
    return np.sum(a * x)


def into_arange_in_a_loop(x):
    a = np.arange(4)
    for i in range(4):
        a[i] = x[i] * 10
    return np.sum(a * x)


def into_int_slice(x):
    a = np.ones(4, dtype=np.int64)
    a[1:3] = x[1:3] * 5
    return np.sum(a * x)


def into_floats(x):
    a = np.zeros(4)
    a[0] = x[0] * 10
    b = np.array([1.0, 2.0, 3.0, 4.0])
    b[1:3] = x[1:3] * 5
    return np.sum(a * x) + np.sum(b * x)


def ints_into_ints(x):
    a = np.arange(4)
    k = int(np.argmax(x))
    a[k] = 7
    a[0] = k
    return np.sum(a * x)


def a_bool_mask_from_values(x):
    m = np.zeros(4, dtype=bool)
    m[0] = x[0]
    return np.sum(m * x)


class Buffer:
    def __init__(self, n):
        self.data = np.zeros(n)

    def __setitem__(self, i, v):
        self.data[i] = v

    def __getitem__(self, i):
        return self.data[i]


def into_an_object_with_setitem(x):
    b = Buffer(4)
    b[0] = x[0] * 2.0
    return b[0] * x[1] + np.sum(b.data * x)


def indices_in_a_loop(x):
    order = np.zeros(4, dtype=int)
    best = np.zeros(4)
    for i in range(4):
        k = int(np.argmax(x * (i + 1.0)))
        order[i] = k             # an integer array: no derivative stored, no refusal
        best[i] = x[k] * i
    return np.sum(best * x) + np.sum(order * x)


def rebound_in_a_loop(x):
    total = 0.0
    for i in range(3):
        a = np.zeros(4) if i < 2 else np.arange(4)
        a[i] = x[i] * 3.0        # floats twice, then integers: refused on the third trip
        total = total + np.sum(a * x)
    return total


def a_bool_mask_from_comparisons(x):
    m = np.zeros(4, dtype=bool)
    m[0] = x[0] > 0.0
    return np.sum(np.where(m, x, 0.0)) + np.sum(m * x)
'''


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    from user_modules import load
    return load(tmp_path_factory.mktemp("stores"), "stores", _INTEGER_STORES)


X4 = np.array([0.33, -0.52, 0.81, 0.17])


@pytest.mark.parametrize("name", ["into_int_zeros", "into_an_array_of_int_literals",
                                  "into_arange_in_a_loop", "into_int_slice",
                                  "a_bool_mask_from_values"])
def test_a_differentiated_value_stored_into_an_integer_array_is_refused(stores, name):
    """NumPy rounds a float stored into an integer array: the stored value's derivative is
    zero. srcdiff's derivative passed the value's on (the gradient 2.4 where it is 0.33 for
    into_int_zeros); now refused in the run, in both modes, located at the store."""
    f = getattr(stores, name)
    for derivative in (srcdiff.grad(f), srcdiff.jvp(f)):
        args = (X4.copy(),) if derivative.__name__.startswith("grad") else (X4.copy(),
                                                                           np.ones(4))
        with pytest.raises(srcdiff.RuntimeRefusal, match=r"stores.py:[0-9]+: [am] holds "
                           r"integers"):
            derivative(*args)


@pytest.mark.parametrize("name", ["into_floats", "ints_into_ints",
                                  "a_bool_mask_from_comparisons"])
def test_stores_into_float_arrays_or_of_values_without_derivative_differentiate(stores, name):
    check(getattr(stores, name), X4, order=2)


def test_a_differentiated_value_stored_into_an_object_of_a_class_is_refused(stores):
    """`b[0] = v` on an object whose class defines __setitem__: the derivative's adjoint
    crashed (KeyError in scatter_add, reading b as a dict); now refused, located, naming the
    class: by protocol_objects where srcdiff can tell b's class, else by check_float_store
    when it runs."""
    with pytest.raises(srcdiff.SrcdiffError, match=r"stores.py:[0-9]+(:[0-9]+)?: .*class "
                       r"Buffer"):
        srcdiff.grad(stores.into_an_object_with_setitem)(X4.copy())
    from srcdiff import runtime_checks
    with pytest.raises(srcdiff.RuntimeRefusal, match="the class Buffer"):
        runtime_checks.check_float_store(stores.Buffer(2), "why", "what", None)


def test_a_store_in_a_loop_is_checked_once_before_the_loop(stores):
    """a's dtype can only change where a is bound again: a loop that never binds it gets one
    check before it (the outermost such loop), not one each trip; a loop that binds it
    keeps the check at the write, and refuses on the trip that stores into integers."""
    text = srcdiff.source(srcdiff.grad(stores.into_arange_in_a_loop))
    assert text.count("check_float_store(") == 1
    assert text.index("check_float_store(a,") < text.index("for ")
    check(stores.indices_in_a_loop, X4, order=2)
    text = srcdiff.source(srcdiff.grad(stores.rebound_in_a_loop))
    assert text.index("check_float_store(a,") > text.index("for ")
    with pytest.raises(srcdiff.RuntimeRefusal, match=r"stores.py:[0-9]+: a holds integers"):
        srcdiff.grad(stores.rebound_in_a_loop)(X4.copy())


def test_stores_into_arrays_made_of_floats_need_no_check(stores):
    """`a = np.zeros(4)` (or ones, empty, linspace, full with a float, a copy of one,
    arithmetic with a float): the emitted code carries no check_float_store before its
    writes; an array of int literals keeps it."""
    text = srcdiff.source(srcdiff.grad(stores.into_floats))
    assert text.count("check_float_store(") == 1   # b = np.array([1.0, ...]): checked
    assert "check_float_store(b," in text


def test_every_function_runtime_linalg_checks_is_one_checks_asks_it_about():
    """checks imports runtime_linalg only where a call of a function it has an argument
    check for is made (_linalg_checked: numpy.linalg's, einsum, polymul): a function added
    to its table and not to that question would have its check silently left out."""
    from srcdiff import checks, runtime_linalg
    table = runtime_linalg.argument_checks()
    assert table and all(checks._linalg_checked(func) for func in table)
    assert not checks._linalg_checked(np.sum) and not checks._linalg_checked(np.tanh)
