"""Plain-Python code of another package on the way is followed; where srcdiff cannot
follow it, the refusal names the user's line first, then the package's line
(srcdiff/library_calls.py). tests/fake_site/site-packages/flatlib stands for the package."""
import os
import sys

import numpy as np
import pytest

import srcdiff
from gradcheck import check

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fake_site", "site-packages"))
import flatlib  # noqa: E402

from srcdiff.library_calls import is_library_file  # noqa: E402

LIB = os.path.realpath(flatlib.__file__)


def flattened_loss(a, b):
    v = flatlib.flatten([a, b])
    return flatlib.weighted_norm(v, np.arange(1.0, 6.0))


def pairs_loss(x):
    return flatlib.pairs([x[0], x[1], x[2]]) * np.sum(x)


def calls_deep(x):
    y = x * 2.0
    return flatlib.deeper(y)


def calls_writer(x):
    y = x * 2.0
    z = flatlib.normalize_in_place(y)
    return np.sum(z * y)


def test_the_fake_package_counts_as_library_code():
    assert is_library_file(flatlib.__file__)
    assert not is_library_file(__file__)


def test_plain_python_of_a_package_is_followed():
    check(flattened_loss, np.array([0.1, 0.2, 0.3]), np.array([[1.0, -2.0]]), wrt=(0, 1))
    check(pairs_loss, np.array([0.5, -1.0, 2.0]))


def _line_of(func_text, path):
    with open(path) as fh:
        return next(i for i, line in enumerate(fh, 1) if func_text in line)


@pytest.mark.parametrize("make", [srcdiff.grad, srcdiff.jvp, srcdiff.hessian])
def test_a_refusal_inside_a_package_names_the_users_line_first(make):
    x = np.array([1.0, 2.0])
    args = (x, np.ones(2)) if make is srcdiff.jvp else (x,)
    with pytest.raises(srcdiff.SrcdiffError) as info:
        make(calls_deep)(*args)
    err = info.value
    assert (os.path.realpath(err.filename), err.lineno) == (
        os.path.realpath(__file__), _line_of("return flatlib.deeper(y)", __file__))
    text = str(err)
    deeper = f"{LIB}:{_line_of('return unsupported(v) + 1.0', LIB)}"
    # (a try block that returns: refused at the return in it, try_blocks.py)
    tried = f"{LIB}:{_line_of('        return np.sum(v * v)', LIB)}"
    assert deeper in text and tried in text and text.index(deeper) < text.index(tried)
    assert "try" in text and err.hint


def test_a_package_writing_into_its_argument_is_named_at_the_users_call():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(calls_writer)(np.array([1.0, 2.0]))
    err = info.value
    assert (os.path.realpath(err.filename), err.lineno) == (
        os.path.realpath(__file__), _line_of("z = flatlib.normalize_in_place(y)", __file__))
    assert f"{LIB}:{_line_of('v[0] = v[0] * 1.0', LIB)}" in str(err)


def test_the_standard_library_and_dist_packages_count_as_library_code():
    import json
    assert is_library_file(json.__file__)
    assert is_library_file("/usr/lib/python3/dist-packages/somepkg/mod.py")
    assert not is_library_file(None) and not is_library_file("")
    assert not is_library_file(srcdiff.__file__.replace("srcdiff", "elsewhere"))


def test_the_raised_refusal_keeps_the_library_lines_it_went_through():
    with pytest.raises(srcdiff.SrcdiffError) as info:
        srcdiff.grad(calls_deep)(np.array([1.0, 2.0]))
    where = info.value.library_where
    assert where and all(w.startswith(LIB + ":") for w in where)
    assert where[0] == f"{LIB}:{_line_of('return unsupported(v) + 1.0', LIB)}"


def test_a_refusal_in_the_users_own_code_is_not_moved():
    from srcdiff import library_calls
    from srcdiff.errors import UnsupportedCodeError
    own = UnsupportedCodeError("because", filename=__file__, lineno=3, line="x")
    assert library_calls.at_caller(own, None, 1, calls_deep) is None
    assert library_calls.at_caller(ValueError("no"), None, 1, calls_deep) is None


def test_a_primitive_of_autograds_own_is_named_with_what_to_use_instead():
    autograd_extend = pytest.importorskip("autograd.extend")
    import numpy as np
    from gradcheck import refusal

    @autograd_extend.primitive
    def wrapped_sin(x):
        return np.sin(x)

    def uses_wrapped_sin(x):
        return np.sum(wrapped_sin(x))

    err = refusal(uses_wrapped_sin, (np.array([0.5]),), "grad")
    assert "a primitive of autograd's own" in str(err) and "srcdiff.extend" in err.hint
