"""The Numba pass (srcdiff/numba_backend.py): the kernel it makes from emitted code reads
as Python, takes the user's module-level values as arguments, and compiles the control-flow
corpus or refuses it (never a wrong number).
"""
import numpy as np
import pytest

import srcdiff
from gradcheck import numerical_grad
from numba_checks import needs_numba, source_after_call, own_cache, workloads  # noqa: F401 (own_cache: autouse)
from srcdiff import numba_backend


@needs_numba
def test_emitted_kernel_is_readable_python():
    text = source_after_call(srcdiff.grad(workloads.scalar_loop, jit=True), np.array(0.7))
    assert "reversed(" not in text and "tape = []" not in text
    assert "def grad_scalar_loop_kernel(x):" in text and "def grad_scalar_loop(x):" in text
    assert "# line 46:" in text
    # the wrapper checks the argument where it passes it to the kernel, in one call
    assert "grad_scalar_loop_kernel(differentiable_in(x, 'x'))" in text
    assert "check_differentiable" not in text
    compile(text, "<kernel>", "exec")


SCALE = 2.0


def uses_a_global(x):
    y = x
    for i in range(3):
        y = np.sin(y) * SCALE
    return y


@needs_numba
def test_module_globals_are_passed_in_and_read_live():
    global SCALE
    g = srcdiff.grad(uses_a_global, jit=True)
    x = np.array(0.4)
    first = g(x)
    np.testing.assert_allclose(first, numerical_grad(uses_a_global, (x,), 0), rtol=1e-5)
    SCALE = 3.0
    try:
        again = g(x)
        np.testing.assert_allclose(again, numerical_grad(uses_a_global, (x,), 0), rtol=1e-5)
        assert not np.allclose(first, again)
    finally:
        SCALE = 2.0


# --- the control-flow corpus ----------------------------------------------------------------
def _corpus():
    import control_corpus as corpus
    out = [(f, x) for f in corpus.CORPUS for x in corpus.INPUTS.values()]
    return out + [(f, m) for f in corpus.MATRIX_CORPUS for m in (corpus.MAT, -corpus.MAT)]


COMPILED = []


@needs_numba
@pytest.mark.parametrize("f, x", _corpus(), ids=lambda v: getattr(v, "__name__", ""))
def test_corpus(f, x):
    """Each function Numba can compile gives the finite-difference gradient; the others are
    refused by a NumbaUnsupported (never a wrong number)."""
    try:
        got = srcdiff.grad(f, jit=True)(x)
    except numba_backend.NumbaUnsupported as exc:
        assert "Numba" in str(exc)
        pytest.skip(f"refused: {str(exc).splitlines()[0]}")
    COMPILED.append(f.__name__)
    np.testing.assert_allclose(got, numerical_grad(f, (x,), 0), rtol=1e-4, atol=1e-5)


@needs_numba
def test_most_of_the_corpus_compiles():
    """Refusal is not the answer for everything: the loops and branches over arrays that
    the pass knows (37 of the 66 functions when written) compile."""
    import control_corpus as corpus
    compiled = []
    for f in corpus.CORPUS:
        try:
            srcdiff.grad(f, jit=True)(corpus.INPUTS["mixed"])
            compiled.append(f.__name__)
        except numba_backend.NumbaUnsupported:
            pass
    assert len(compiled) >= 30, compiled
    for name in ("if_else", "nested_if", "for_range", "while_data", "nested_while_in_for",
                 "for_break", "while_break", "early_return", "for_zip", "rebinds_its_sequence",
                 "for_range_from_shape"):
        assert name in compiled


# --- a function of the user's that the derivative differentiates through ------------------
def _scaled_sine(a, b):
    return a * np.sin(b)


def calls_a_helper_in_a_loop(x):
    s = x
    for i in range(3):
        s = _scaled_sine(s, x)
    return s


@needs_numba
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_differentiated_helper_is_refused_not_a_name_error(mode):
    """The forward-mode code calls jvp__scaled_sine, a function emitted beside it: the kernel
    took it as a module-level value to pass in (a NameError in the wrapper). Each mode
    refuses at the user's line, and jit='auto' runs the NumPy path, whose numbers are right."""
    x, t = 0.4, 1.0
    make = srcdiff.grad if mode == "grad" else srcdiff.jvp
    args = (x,) if mode == "grad" else (x, t)
    with pytest.raises(numba_backend.NumbaUnsupported, match="test_numba_backend.py"):
        make(calls_a_helper_in_a_loop, jit=True)(*args)
    with pytest.warns(UserWarning):
        got = make(calls_a_helper_in_a_loop, jit="auto")(*args)
    want = numerical_grad(calls_a_helper_in_a_loop, (x,), 0)
    np.testing.assert_allclose(got if mode == "grad" else got[1], want * t, rtol=1e-6)


# --- Python's int ** negative int -----------------------------------------------------------
def halving_weights(x):
    s = x
    for k in range(1, 4):
        s = s + x * 2 ** -k
    return s


def inverse_powers(x):
    s = 0.0
    for k in range(1, 4):
        n = k + 1
        s = s + x ** 2 * n ** (1 - k) + 3 ** -2 * x
    return s


@needs_numba
@pytest.mark.parametrize("f", [halving_weights, inverse_powers], ids=lambda f: f.__name__)
def test_an_int_to_a_negative_int_power_is_a_float(f):
    """Python's 2 ** -1 is 0.5; Numba's, of two integers, is 0: the compiled gradient (and
    value) came out as if each such term were 0, silently. The kernel computes a power of two
    integers as Python's float."""
    x = 0.4
    want = numerical_grad(f, (x,), 0)
    value, got = srcdiff.value_and_grad(f, jit=True)(x)
    np.testing.assert_allclose(value, f(x), rtol=1e-12)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    value, along = srcdiff.jvp(f, jit=True)(x, 1.0)
    np.testing.assert_allclose(along, want, rtol=1e-6)


# --- Python's round(x, ndigits) ---------------------------------------------------------------
def rounded_scale(x):
    return x * round(2.675, 2) + x ** 2 * round(x * 10.0, 1)


@needs_numba
def test_round_with_digits_is_refused_not_rounded_otherwise():
    """Python rounds the double nearest 2.675 (2.67499...) to 2.67; Numba's round(x, 2)
    scales first and gives 2.68: the compiled value and gradient were silently off. Refused at
    the user's line; jit='auto' runs the NumPy path, whose gradient is right."""
    x = 0.37
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_numba_backend.py:\d+"):
        srcdiff.grad(rounded_scale, jit=True)(x)
    with pytest.warns(UserWarning):
        got = srcdiff.grad(rounded_scale, jit="auto")(x)
    np.testing.assert_allclose(got, numerical_grad(rounded_scale, (x,), 0), rtol=1e-6)


# --- item writes ------------------------------------------------------------------------------
def two_writes(x, a):
    y = np.zeros_like(x)
    y[0] = x[0]
    for t in range(1, x.shape[0]):
        y[t] = a * y[t - 1] + x[t]
    return np.sum(y ** 2)


@needs_numba
def test_an_item_write_saves_its_item_on_a_tape_of_its_own():
    """`y[t] = v` saves y[t] (saved_item) on the NumPy path's one tape; the kernel gives the
    items of each array and index a tape of its own (numbers here), restored by
    `y[t] = tape_y_items.pop()`, and the index saved as an integer tape where the emitted
    code saves it; in the loop, whose trip count is known when it starts, those tapes are
    arrays of its length (numba_tapes.py), written and read by trip number. A Numba error at
    the save points at the user's write (its `# line N`)."""
    x = np.linspace(0.1, 1.0, 6)
    g = srcdiff.grad(two_writes, wrt=(0, 1), jit=True)
    got = g(x, np.array(0.5))
    want = srcdiff.grad(two_writes, wrt=(0, 1))(x, np.array(0.5))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    text = g.source
    line = two_writes.__code__.co_firstlineno
    assert f"tape_y_items.append(saved_item(y, 0))  # line {line + 2}" in text
    assert f"tape_y_items2[range_1_at] = saved_item(y, t)  # line {line + 4}" in text
    assert "y[t] = tape_y_items2[range_1_back]" in text and "y[0] = tape_y_items.pop()" in text
    assert "tape_sub_1 = empty_tape(len(range_1), sub_1)" in text
    assert "tape_sub_1[range_1_at] = sub_1" in text and ".append(saved_item(y, t))\n" not in text
    assert "tape_sub_1 = []" not in text and "tape_y_items = []" in text
    compile(text, "<kernel>", "exec")



EMITTED_JVP = """def jvp_f(x, A, s, tangent_s):
    check_differentiable(s, 's')
    check_tangent(tangent_s, s, 's')
    check_arguments_apart(A, 'A', (x, s), ('x', 's'), 'f')
    A = own_copy(A)
    y = A * 0.5
    return finalize_value(y), 0.0
"""


def test_a_tangent_checked_but_not_kept_is_checked_in_the_wrapper():
    """jvp with respect to an input the function rebinds first checks its tangent without
    keeping it (`check_tangent(...)`, no assignment; seen in fuzz programs): a check of the
    wrapper, with the others, not a kernel statement refused as "check_tangent has no Numba
    version" (which took every such program off the Numba path)."""
    split = numba_backend.split(EMITTED_JVP, "jvp_f")
    assert "check_tangent" not in split.kernel_text
    assert "check_arguments_apart" not in split.kernel_text
    wrapper = split.wrapper_text
    assert wrapper.index("check_tangent(tangent_s, s, 's')") < \
        wrapper.index("check_arguments_apart(") < wrapper.index("jvp_f_kernel(")


EMITTED_TAPE_READ = """def grad_f(x):
    tape = []
    y = x * 2.0
    tape.append(y)
    # line 7: n = len(steps)
    n = len(tape)
    y = tape.pop()
    return y * n
"""


def test_a_tape_read_otherwise_is_refused_quoting_the_emitted_line():
    """A tape read by anything but its pushes and pops (here len(tape)) is refused at the
    user's line, quoting the emitted line that reads it (the message once said only "used
    other than by append and pop")."""
    with pytest.raises(numba_backend.NumbaUnsupported) as info:
        numba_backend.split(EMITTED_TAPE_READ, "grad_f", "user.py", def_line=1)
    text = str(info.value)
    assert "`n = len(tape)` reads the tape tape" in text and "tape.append(v)" in text
    assert info.value.lineno == 7, text


def over_a_set(x):
    s = 0.0
    for k in {3, 0, 2, 1}:   # the order matters: CPython's, as on the NumPy path
        s = s * 0.5 + x[k] ** 2 * x[0]
    return s


def _compiled_agrees(f, x):
    """jit=True's derivative of f against central differences (check_jit) and the NumPy
    path's."""
    from numba_checks import check_jit
    check_jit(f, x)
    np.testing.assert_allclose(srcdiff.grad(f, jit=True)(x), srcdiff.grad(f)(x), rtol=1e-12)


def over_a_mixed_set(x):
    s = 0.0
    for k in {3, 0, 2.0}:
        s = s * 0.5 + x[int(k)] * x[0]
    return s


@needs_numba
def test_a_loop_over_a_set_literal_of_numbers_compiles_in_pythons_order():
    x = np.array([0.3, -0.7, 0.5, 1.2])
    _compiled_agrees(over_a_set, x)
    assert f"= {tuple({3, 0, 2, 1})}" in source_after_call(srcdiff.grad(over_a_set, jit=True), x)
    with pytest.raises(numba_backend.NumbaUnsupported, match=r"test_numba_backend.py:\d+"):
        srcdiff.grad(over_a_mixed_set, jit=True)(x)   # an int and a float: refused


def read_by_a_list(x):
    y = x[[0, 2, 2]] * 2.0   # a repeated position: its adjoints add up
    m = x.reshape(2, 2)
    return np.sum(y * y) + np.sum(m[[1, 0]] * m) + len([0, 1])


def written_by_a_list(x):
    z = np.zeros(4)
    z[[1, 3]] = x[:2]
    return np.sum(z * x)


def written_twice_by_a_list(x):
    z = np.zeros(4)
    z[[1, 1]] = x[:2]
    return np.sum(z * x)


@needs_numba
def test_a_list_literal_index_read_and_write_compile():
    """x[[0, 2]] and z[[1, 3]] = v: the list made the array of its positions (saved_item
    and take_and_zero take it as the index of the write); a repeated position is the NumPy
    path's error."""
    x = np.array([0.3, -0.7, 0.5, 1.2])
    _compiled_agrees(read_by_a_list, x)
    assert "= numpy.array([0, 2, 2])" in source_after_call(
        srcdiff.grad(read_by_a_list, jit=True), x)
    _compiled_agrees(written_by_a_list, x)
    with pytest.raises(Exception) as numpy_path:
        srcdiff.grad(written_twice_by_a_list)(x)
    with pytest.raises(type(numpy_path.value)):
        srcdiff.grad(written_twice_by_a_list, jit=True)(x)


def method_reductions_along_axes(A):
    return np.sum(np.tanh(A.mean(axis=0)) * A.max(axis=0)) + np.sum(A.sum(axis=1) ** 2)


def test_a_reducing_method_with_an_axis_is_spelled_as_the_function():
    assert numba_backend._method_reductions("    y = A.mean(axis=0) + b.sum() + s.A.max()") == \
        "    y = numpy.mean(A, axis=0) + numpy.sum(b) + s.A.max()"


@needs_numba
def test_a_reducing_method_along_an_axis_compiles():
    A = np.array([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4]])
    _compiled_agrees(method_reductions_along_axes, A)
