"""Functions for tests/test_names.py whose module-level names are the names srcdiff's
emitted code uses itself: `slice`, `tape`, builtins srcdiff calls (`len`, `reversed`, `zip`,
`isinstance`, `list`, `type`) and runtime helpers (`unbroadcast`, `finalize`). Emitted code
must neither read these in place of its own nor give the user's code its own instead."""
import numpy as np

tape = [1.0, 2.0, 0.5]         # a global list read by the differentiated function
unbroadcast = 3.0              # a global named like a runtime helper
SCALE = 1.5


def slice(a, b=None, c=None):  # every x[1:] srcdiff emits as slice(1, None) must not call this
    raise AssertionError("the user's slice was called by srcdiff's code")


def len(v):                     # noqa: A001 -- srcdiff's loops call the builtin
    raise AssertionError("the user's len was called by srcdiff's code")


def reversed(v):                # noqa: A001 -- srcdiff's adjoint loops call the builtin
    raise AssertionError("the user's reversed was called by srcdiff's code")


def zip(*a):                    # noqa: A001
    raise AssertionError("the user's zip was called by srcdiff's code")


def isinstance(*a):             # noqa: A001
    raise AssertionError("the user's isinstance was called by srcdiff's code")


def list(v):                    # noqa: A001 -- jvp copies an appended-to list argument
    raise AssertionError("the user's list was called by srcdiff's code")


def type(v):                    # noqa: A001
    raise AssertionError("the user's type was called by srcdiff's code")


def finalize(v):                # a user helper named like a runtime helper
    return v * 2.0


def local_tape(x):
    """A local list named `tape`, appended in a loop while x is overwritten."""
    tape = []
    for i in range(3):
        tape.append(x * (i + 1.0))
        x = np.sin(x) * 1.1
    return np.sum(np.stack(tape)) + np.sum(x[1:] * x[:-1])


def global_tape(x):
    """The module's global list `tape`, read in a loop that overwrites x."""
    s = 0.0
    for i in range(3):
        s = s + np.sum(x * tape[i])
        x = x * x[::-1] * 0.5
    return s


def _scaled(v, tape):
    for i in range(2):
        v = v * tape + np.sin(v)
    return v


def helper_parameter_tape(x):
    """A helper whose parameter is named `tape` (the emitted helper pairs take a tape)."""
    return np.sum(_scaled(x, 1.3) * x[::-1])


def slices_everywhere(x):
    y = x[1:] * x[:-1]
    z = x.copy()
    z[1:] = z[1:] * y
    for v in x[::2]:
        z = z * v
    return np.sum(z[::-1][1:] ** 2)


def global_named_like_a_helper(x):
    return np.sum(x * unbroadcast * x[::-1])


def helper_named_like_a_runtime_helper(x):
    return np.sum(finalize(x) * np.cos(x))


def parameters_named_like_builtins(x, slice, list, type):
    acc = []
    for v in x[1:]:
        acc.append(v * slice + list)
    return np.sum(np.stack(acc)) * type


def appends_to_its_argument(lst, x):
    lst.append(x * SCALE)
    return np.sum(np.stack(lst) * x)


def _make_closure():
    unbroadcast = 2.5   # a closure cell of the differentiated function

    def closure_named_like_a_helper(x):
        return np.sum(x * unbroadcast * x[::-1])
    return closure_named_like_a_helper


closure_named_like_a_helper = _make_closure()


def local_named_like_a_helper(x):
    ones_like_value = x * 2.0
    return np.sum(ones_like_value * x)


def _helper_with_bad_local(v, w):
    unbroadcast = v * w
    return unbroadcast * v


def helper_local_named_like_a_helper(x, w):
    return np.sum(_helper_with_bad_local(x, w) * x)
