"""srcdiff/placeholder_lists.py: a list of placeholders filled item by item right after it is
made (`fs = [None, None]; fs[0] = make(c); fs[1] = np.sin`), its items called by constant
index or in a loop (issue #13); checked against central differences in both modes and to
second order. A list written again later, a value reading the list, a closure reading it and
a try block around it are left as written: the call of an item stays refused, located."""
import ast

import numpy as np
import pytest

import srcdiff
from gradcheck import check, refusal
from srcdiff import placeholder_lists
from srcdiff import syntax as S

X = np.array([0.4, -0.7, 1.2])


def filled_by_two_factories(x):
    def make_scale(c):
        return lambda v: v * c

    def make_shift(s):
        def shift(v):
            return np.sin(v + s)
        return shift

    fs = [None, None]
    fs[0] = make_scale(x[0])
    fs[1] = make_shift(2.0)
    return np.sum(fs[0](x) * fs[1](x)) + np.sum(fs[-1](x[::-1]))


def filled_out_of_order_and_looped(x):
    c = np.cos(x)
    fs = [None] * 3
    fs[2] = np.tanh
    fs[0] = lambda v: v * c
    fs[1] = np.sin
    total = 0.0
    for f in fs:
        total = total + np.sum(f(x))
    return total + np.sum(fs[0](x)) * len(fs)


def with_a_slot_left_empty(x):
    fs = [None, None, None]
    fs[0] = np.sin
    fs[1] = lambda v: v ** 3
    return np.sum(fs[0](x) + fs[1](x)) * (fs[2] is None)


@pytest.mark.parametrize("f", [filled_by_two_factories, filled_out_of_order_and_looped,
                               with_a_slot_left_empty])
def test_a_list_filled_item_by_item_differentiates(f):
    check(f, X.copy(), order=2)


def written_again_later(x):
    fs = [None, None]
    fs[0] = np.sin
    fs[1] = np.tanh
    y = np.sum(fs[0](x))
    fs[0] = np.cos
    return y + np.sum(fs[0](x))


def value_reads_the_list(x):
    fs = [None, None]
    fs[0] = np.sin
    fs[1] = fs[0]
    return np.sum(fs[1](x))


def closure_reads_the_list(x):
    def first(v):
        return fs[0](v) if fs[0] is not None else v
    fs = [None, None]
    fs[0] = np.sin
    fs[1] = first
    return np.sum(fs[1](x))


def in_a_try_block(x):
    try:
        fs = [None, None]
        fs[0] = np.sin
        fs[1] = np.tanh
    except ValueError:
        fs = [np.cos, np.cos]
    return np.sum(fs[0](x))


@pytest.mark.parametrize("f", [written_again_later, value_reads_the_list,
                               closure_reads_the_list, in_a_try_block])
def test_a_list_changed_or_seen_half_filled_is_left_as_written(f):
    tree = srcdiff.frontend.get_source(f).node
    assert placeholder_lists.rewrite(tree) is tree
    err = refusal(f, (X.copy(),), "grad")
    assert "cannot tell which function" in str(err) or "try block" in str(err), str(err)


def test_items_read_only_by_index_become_names_of_their_own():
    tree = S.parse_function('''
        def f(x):
            fs = [None] * 2
            fs[1] = g(x)
            fs[0] = h
            return fs[0](x) + fs[1](x)
        ''')
    out = ast.unparse(S.gast_to_ast(placeholder_lists.rewrite(tree)))
    assert "fs_1 = g(x)\n    fs_0 = h\n    return fs_0(x) + fs_1(x)" in out, out


def in_a_with_block_inside_a_branch(x):
    import contextlib
    if x[0] > -10.0:
        with contextlib.suppress(ValueError):
            fs = [None, None]
            fs[0] = np.sin
            fs[1] = np.tanh
    return np.sum(fs[0](x))


def test_a_list_filled_in_a_with_block_is_left_as_written():
    tree = srcdiff.frontend.get_source(in_a_with_block_inside_a_branch).node
    assert placeholder_lists.rewrite(tree) is tree
