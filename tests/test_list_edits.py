"""A list's edits by position (srcdiff/list_edits.py): `lst.pop(i)` with a constant, computed
or negative index and queue-style in a loop, `lst.insert(i, v)` (constant, computed,
negative, past the end), `del lst[i]` with a computed index and `del lst[a:b]`, on lists
the function builds and on lists passed in (whose caller's list never changes).
Derivatives against central differences in reverse and forward mode and to second order
(gradcheck.check); an edit another name holding the list would see is refused at its line."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal

X = np.array([0.7, -1.3, 0.4])


def pops_a_constant_index(x):
    lst = [x[0], x[1] * 2.0, x[2] ** 2]
    a = lst.pop(1)
    return a * lst[0] + lst[1] * len(lst)


def pops_a_computed_and_a_negative_index(x):
    lst = [x[0], np.sin(x[1]), x[2] ** 2, x[0] * x[2]]
    k = len(lst) - 3
    a = lst.pop(k)
    b = lst.pop(-2)
    lst.pop(0)                       # the value dropped
    return a * b + lst[0] ** 3


def pops_like_a_queue(x):
    q = [x[0], x[1]]
    s = 0.0
    while q:
        v = q.pop(0)
        s = s + v * v
        if v > 0.0 and len(q) < 4:
            q.append(v * 0.5 - 0.1)
    return s


def pops_in_a_for_loop(x):
    lst = [x[0], x[1], x[2], x[0] * x[1]]
    total = 0.0
    for i in range(2):
        total = total + lst.pop(i) * (i + 1.0)
    return total * lst[-1]


def inserts_everywhere(x):
    lst = [x[0], x[1]]
    lst.insert(1, x[2] * 3.0)          # a constant index
    lst.insert(-1, x[0] * x[1])        # a negative one
    lst.insert(10, np.cos(x[2]))       # past the end: appended
    k = len(lst) - 5
    lst.insert(k, np.sin(x[0]))        # computed (0)
    lst.insert(-9, x[1])               # before the start: first
    return lst[0] * lst[1] + lst[2] * lst[3] - lst[4] * lst[5] + lst[6]


def inserts_in_a_loop(x):
    lst = []
    for i in range(3):
        lst.insert(i // 2, x[i] * (i + 1.0))
    return lst[0] * lst[1] ** 2 + lst[2]


def deletes_computed_items_and_slices(x):
    lst = [x[0], x[1], x[2] * x[0], x[1] ** 2, x[2], x[0] + x[2]]
    k = 1
    del lst[k]
    del lst[-k]
    del lst[k:k + 1]
    step = 2
    del lst[::step]
    return lst[0] * x[2]


def mixes_edits_with_append_and_pop(x):
    st = [x[0], x[1] * x[2]]
    st.insert(1, x[2] ** 2)
    a = st.pop()
    b = st.pop(0)
    st.append(a * b)
    del st[-2:]
    st.insert(-5, b)
    return st[0] * a + sum(st)


def pops_arrays(x):
    rows = [x * 1.0, x ** 2, np.sin(x)]
    first = rows.pop(0)
    rows.insert(1, first * 2.0)
    return np.sum(rows[0] * rows[1] + rows[2])


@pytest.mark.parametrize("f", [pops_a_constant_index, pops_a_computed_and_a_negative_index,
                               pops_like_a_queue, pops_in_a_for_loop, inserts_everywhere,
                               inserts_in_a_loop, deletes_computed_items_and_slices,
                               mixes_edits_with_append_and_pop, pops_arrays])
def test_edits_of_a_list_built_here(f):
    check(f, X, order=2)


def test_the_queue_takes_each_path():
    check(pops_like_a_queue, -X, order=2)   # x[0] < 0: nothing is appended


def edits_its_list(lst, x):
    v = lst.pop(1)
    lst.insert(0, v * x)
    del lst[-1]
    return np.sum(lst[0] * lst[1])


def test_a_list_passed_in_is_edited_on_a_copy():
    lst = [0.3, np.array([1.2, 0.1]), -0.5]
    check(edits_its_list, lst, 0.9, wrt=0, order=2)
    check(edits_its_list, lst, 0.9, wrt=1, order=2)
    g = srcdiff.grad(edits_its_list)(lst, 0.9)
    assert len(lst) == 3 and lst[0] == 0.3 and lst[2] == -0.5   # the caller's list
    assert len(g) == 3 and np.all(g[2] == 0.0)                    # its last item is dropped
    srcdiff.jvp(edits_its_list, wrt=1)(lst, 0.9, 1.0)
    assert len(lst) == 3


def deletes_an_item_of_its_list(p, y):
    del p[0]
    return np.sum(p[0] * y)


def test_del_of_an_item_of_a_list_passed_in():
    p = [X.copy(), X ** 2]
    check(deletes_an_item_of_its_list, p, X, wrt=(0, 1), order=2)
    assert len(p) == 2


# -- refused: another name would see the edit ------------------------------------------
def pops_a_list_another_name_may_hold(x):
    lst = [x[0], x[1], x[2]]
    b = [x[2]]
    if x[0] > 0:
        b = lst
    lst.pop(0)
    return b[0] * x[1]


def inserts_into_a_list_another_holds(x):
    lst = [x[0], x[1], x[2]]
    h = [lst, 1.0]
    lst.insert(0, x[2])
    return h[0][0] * x[1]


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f", [pops_a_list_another_name_may_hold,
                               inserts_into_a_list_another_holds])
def test_an_edit_another_name_would_see_is_refused(f, mode):
    err = refusal(f, (X,), mode)
    assert "would change" in str(err) and "build a new list" in str(err)


def aliased_then_popped(x):
    lst = [x[0], x[1], x[2]]
    b = lst
    lst.pop(0)
    return b[0] * x[1]


def test_an_exact_alias_reads_the_edited_list():
    check(aliased_then_popped, X, order=2)


def pops_an_array(x):
    a = x * 2.0
    return a.pop(0)


def test_no_list_raises_pythons_error():
    with pytest.raises(AttributeError, match="no attribute 'pop'"):
        srcdiff.grad(pops_an_array)(X)


def pops_a_tuple(t, x):
    lst = t
    v = lst.pop(0)
    return v * x


def test_pop_of_a_tuple_is_refused_or_raises():
    with pytest.raises((AttributeError, srcdiff.SrcdiffError)):
        srcdiff.grad(pops_a_tuple, wrt=1)((1.0, 2.0), 0.5)


def helper_pops(q):
    return q.pop(0)


def passes_its_list_to_a_helper_that_pops(lst, x):
    a = helper_pops(lst)
    return a * lst[0] * x


def test_a_helper_editing_the_list_it_is_given_is_refused():
    # the caller's list would not change in the derivative, where Python's does
    with pytest.raises(srcdiff.SrcdiffError, match="updates its argument 'q' in place"):
        srcdiff.grad(passes_its_list_to_a_helper_that_pops)([0.5, 0.25], 1.5)
