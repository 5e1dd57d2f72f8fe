"""srcdiff/reshaped_writes.py: writes through a transposed or reshaped view of a local array
(`y.T[0] += v`, `numpy.transpose(y)[1] = v`, `y.reshape(3, 2)[1] = v`, `y.ravel()[4] = v`)
rewritten as writes of the array itself. Each program is checked against central
differences (gradcheck.check: both modes, second order); a reshape that is a copy leaves y
as Python leaves it; a module-level array stays refused, located."""
from dataclasses import dataclass

import numpy as np
import pytest

import srcdiff
import srcdiff.syntax as S
from srcdiff import reshaped_writes
from gradcheck import check

M = np.arange(6.0).reshape(2, 3) * 0.3 + 0.1
MODULE_ARRAY = np.ones((2, 3))


def transposed_update(m):
    y = m * 2.0
    z = y                     # another name: it sees the write, as in Python
    y.T[0] += m[:, 1]
    return np.sum(y ** 2) + np.sum(z * 3.0)


def transposed_column(m):
    y = m * 2.0
    y.T[:, 1] = m[0] * m[1]
    return np.sum(y ** 2)


def numpy_transpose_row(m):
    y = m * 2.0
    np.transpose(y)[1] = m[:, 0] ** 2
    return np.sum(y ** 2)


def transpose_method_item(m):
    y = m * 2.0
    y.transpose()[2, 1] *= m[0, 0]
    return np.sum(y ** 2)


def reshaped_row(m):
    y = m * 2.0
    y.reshape(3, 2)[1] = m[0, :2] ** 2
    return np.sum(y ** 2)


def numpy_reshape_and_ravel(m):
    y = m * 2.0
    np.reshape(y, (3, 2))[1] += m[0, :2] ** 2
    y.ravel()[4] = m[1, 1] ** 3
    return np.sum(y ** 2)


def parameter_transposed(m):
    m.T[1] = m[:, 0] ** 2
    return np.sum(m ** 2)


def in_a_loop(m):
    y = m * 2.0
    for i in range(3):
        y.T[i] *= m[0, i]
    return np.sum(y ** 2)


@pytest.mark.parametrize("f", [transposed_update, transposed_column, numpy_transpose_row,
                               transpose_method_item, reshaped_row, numpy_reshape_and_ravel,
                               parameter_transposed, in_a_loop])
def test_writes_through_views_differentiate(f):
    check(f, M)


def test_the_rewrite_writes_the_array_in_place_and_checks_a_reshape_is_a_view():
    import gast
    import inspect
    import textwrap
    tree = gast.parse(textwrap.dedent(inspect.getsource(reshaped_row))).body[0]
    new = reshaped_writes.rewrite(tree, lambda name: {"np": np}.get(name))
    text = S.spell(new) if hasattr(S, "spell") else ""
    assert new is not tree and "y_view = y.reshape(3, 2).copy()" in text
    assert "if np.shares_memory(y.reshape(3, 2), y):" in text
    assert "y[...] = y_view.reshape(y.shape)" in text
    plain = gast.parse("def f(x):\n    y = x * 2\n    y[0] = 1.0\n    return y").body[0]
    assert reshaped_writes.rewrite(plain, lambda name: None) is plain


def test_a_reshape_that_copies_leaves_the_array_as_python_does():
    def copied(m):
        y = np.zeros((2, 3), order="F")   # not C-contiguous: reshape(6) of it is a copy
        y[...] = m * 2.0
        y.reshape(6)[1] = m[1, 1] ** 2     # into the copy: y keeps its values
        return np.sum(y ** 2)
    check(copied, M)

    def transposed_then_reshaped(m):
        y = (m * 2.0).T   # not surely an array by loop_rows' rule: left as written
        y.reshape(6)[1] = m[1, 1] ** 2
        return np.sum(y ** 2)
    with pytest.raises(srcdiff.SrcdiffError, match="does not own") as info:
        srcdiff.grad(transposed_then_reshaped)(M)
    assert info.value.filename == __file__


@dataclass
class Holder:
    T: np.ndarray


def test_an_object_with_a_field_named_like_a_view_is_not_taken_for_an_array():
    def reads(m):   # h.T is the field, not a transpose of h (was an IndexError)
        h = Holder(m * 2.0)
        return np.sum(h.T[0] ** 2) + np.sum(np.sin(h.T))
    check(reads, M)

    def made_here(m):   # a write into the array the field holds, h's alone: followed
        h = Holder(m * 2.0)
        h.T[0] = m[0] ** 2      # a write into the array h.T holds: not h[...]
        return np.sum(h.T ** 2)
    check(made_here, M)

    def passed_in(h, m):   # the caller's object: refused
        h.T[0] = m[0] ** 2
        return np.sum(h.T ** 2)
    with pytest.raises(srcdiff.SrcdiffError, match="does not follow") as info:
        srcdiff.grad(passed_in, wrt=1)(Holder(M * 2.0), M)
    assert info.value.filename == __file__


def test_a_module_level_array_stays_refused():
    def module_array(m):
        MODULE_ARRAY.T[0] = m[:, 0]
        return np.sum(MODULE_ARRAY * m)
    with pytest.raises(srcdiff.SrcdiffError, match="does not own") as info:
        srcdiff.grad(module_array)(M)
    assert info.value.filename == __file__
