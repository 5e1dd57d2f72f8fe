"""try/except blocks whose try part only reads (srcdiff/try_blocks.py): asked first whether
they raise, then run again where the answer is known. Each is checked against finite
differences in both modes and to second order (gradcheck.check), on both paths (the try
block completing, and raising); what cannot be rewritten exactly is refused at its line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.5, -1.0, 0.7])
A = np.array([[0.41, 0.19, -0.25], [0.22, -0.05, -0.57], [-0.02, -0.2, -0.04]])


def sum_or_zero(x):
    try:
        y = np.sum(x ** 2)
    except ValueError:
        y = 0.0
    return y * 2.0


def length_with_else(x):
    try:
        n = len(x)
    except TypeError:
        n = 1
    else:
        x = x * 2.0
    return np.sum(x ** 3) / n


def cholesky_or_jitter(x, a):
    k = a @ a.T + np.outer(x, x)
    try:
        chol = np.linalg.cholesky(k)
    except np.linalg.LinAlgError:
        chol = np.linalg.cholesky(k + 1e-3 * np.eye(3))
    return np.sum(np.log(np.diag(chol))) + np.sum(chol * x)


def cholesky_fails(x, a):
    k = np.outer(x, x) - np.eye(3) + 0.1 * a
    try:
        chol = np.linalg.cholesky(k)
    except np.linalg.LinAlgError:
        chol = np.tril(k) + 3.0 * np.eye(3)
    return np.sum(chol * chol) + np.sum(x)


def dict_lookups(x, a):
    opts = {"w": a[0]}
    try:
        scale = opts["scale"]
    except KeyError:
        scale = np.sum(a[1] * x)
    try:
        w = opts["w"]
    except KeyError:
        w = x
    return np.sum(w * x) * scale


def fails_after_one_statement(x, a):
    d = {"a": x * 2.0}
    try:
        u = d["a"] * a[0]
        v = d["b"]
        t = 1.0
    except (KeyError, IndexError):
        v = u * 3.0   # u was bound before the KeyError
        t = 2.0
    return np.sum(u * v) * t


def handlers_in_a_loop(x, a):
    s = 0.0
    for i in range(4):
        try:
            row = a[i]
            z = np.dot(row, x)
        except IndexError:
            z = np.sum(x) * 0.5
            s = s + z
            break
        except ValueError:
            z = 0.0
        s = s + np.tanh(z) * (i + 1)
    return s


def returns_from_the_handler(x):
    try:
        y = x[5]
    except IndexError:
        return np.sum(np.sin(x))
    return y * x[0]


CASES = [(sum_or_zero, (0,)), (length_with_else, (0,)), (cholesky_or_jitter, (0, 1)),
         (cholesky_fails, (0, 1)), (dict_lookups, (0, 1)), (fails_after_one_statement, (0, 1)),
         (handlers_in_a_loop, (0, 1)), (returns_from_the_handler, (0,))]


@pytest.mark.parametrize("f,wrts", CASES, ids=[f.__name__ for f, _ in CASES])
def test_a_try_block_that_only_reads_is_differentiated(f, wrts):
    args = (X.copy(), A.copy())[:f.__code__.co_argcount]
    for wrt in wrts:
        check(f, *args, wrt=wrt)


def test_the_emitted_code_asks_then_branches():
    text = srcdiff.source(srcdiff.grad(cholesky_or_jitter))
    assert "def attempt_1(k):" in text and "except np.linalg.LinAlgError:" in text
    assert "attempt_1(k)" in text


def shout(v):
    print(v)
    return v


def prints_in_try(x):
    try:
        y = shout(x)
    except ValueError:
        y = x
    return np.sum(y)


def writes_in_try(x):
    y = x.copy()
    try:
        y[0] = 1.0
    except IndexError:
        pass
    return np.sum(y * x)


def with_finally(x):
    try:
        y = np.log(x[2]) + x[0] ** 2
    except ValueError:
        y = x[1]
    else:
        y = y * 2.0
    finally:
        y = y + np.sin(x[1])
    return y


def finally_without_handlers(x):
    count = 0
    try:
        y = np.sum(x * 2.0)
    finally:
        count += 1
    return y * count


def finally_around_writes_and_loops(x):
    out = np.zeros(3)
    try:
        out[0] = x[0] * x[1]
        for v in x:
            if v < 0.0:
                continue
            out[2] = out[2] + v ** 2
            if out[2] > 5.0:
                break
    finally:
        out[1] = np.exp(x[2])
    return np.sum(out ** 2)


def return_in_try_with_finally(x):
    z = 2.0
    try:
        return np.sum(x ** 2) * z
    finally:
        z = 3.0


def break_in_finally(x):
    s = 0.0
    for v in x:
        try:
            s = s + v ** 2
        finally:
            if s > 0.3:
                break
    return s


def continue_in_try_with_finally(x):
    s = 0.0
    for v in x:
        try:
            if v < 0.0:
                continue
            s = s + v ** 2
        finally:
            s = s * 1.5
    return s


# try/finally (with or without except clauses) where nothing leaves the try statement early:
# the finally block runs after it (try_blocks._Rewriter.finally_)
@pytest.mark.parametrize("f", [with_finally, finally_without_handlers,
                               finally_around_writes_and_loops])
def test_a_finally_block_runs_after_the_try_statement(f):
    check(f, X.copy(), order=2)


# a return, break or continue leaving the try statement would run the finally block on the
# way out, before what follows: refused at that line, in both modes
@pytest.mark.parametrize("f,line", [
    (return_in_try_with_finally, "return np.sum(x ** 2) * z"),
    (break_in_finally, "break"),
    (continue_in_try_with_finally, "continue"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_finally_left_early_is_refused_at_its_line(f, line, mode):
    from gradcheck import refusal
    err = refusal(f, (X.copy(),), mode)
    assert err.filename.endswith("test_try_blocks.py") and "try/finally" in str(err)
    assert line in str(err) and "hint:" in str(err), str(err)


def reads_the_exception(x):
    try:
        y = x[7]
    except IndexError as err:
        y = len(str(err)) * x[0]
    return y


def reraises(x):
    try:
        y = x[7]
    except IndexError:
        raise
    return y


def loops_in_try(x):
    try:
        s = 0.0
        for v in x:
            s = s + v
    except ValueError:
        s = 0.0
    return s


@pytest.mark.parametrize("f,line,words", [
    (prints_in_try, "y = shout(x)", "calls shout, which might change something"),
    (writes_in_try, "y[0] = 1.0", "only where it only reads"),
    (reads_the_exception, "except IndexError as err:", "reads the exception (err)"),
    (reraises, "raise", "bare raise"),
    (loops_in_try, "for v in x:", "only where it only reads"),
])
def test_what_cannot_be_rewritten_is_refused_at_its_line(f, line, words):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(f)(X.copy())
    err = info.value
    assert err.filename.endswith("test_try_blocks.py") and words in str(err), str(err)
    assert line in str(err) and "hint:" in str(err), str(err)
