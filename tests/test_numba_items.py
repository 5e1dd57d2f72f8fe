"""numba_items: the item tapes of the Numba kernel, keyed by array and index."""
import ast

from srcdiff import numba_items

KERNEL = """\
tape = []
tape.append(saved_item(y, t))
y[t] = 1.0
tape.append(saved_item(y, __srcdiff_slice__(1, None)))
y[1:] = 0.0
tape.append(saved_item(z, t))
z[t] = 2.0
# line 7: y[1:] = 0.0
y[1:] = tape.pop()
# line 5: y[t] = 1.0
y[t] = tape.pop()
"""


def test_each_array_and_index_gets_its_own_tape_named_after_the_array():
    body = ast.parse(KERNEL).body
    tapes = numba_items._item_tapes(body, {"tape"})
    assert tapes == {("y", ast.dump(ast.Name("t", ast.Load()))): "tape_y_items",
                     ("y", ("slice", ast.dump(ast.Constant(1)), None, None)): "tape_y_items2",
                     ("z", ast.dump(ast.Name("t", ast.Load()))): "tape_z_items"}


def test_a_slice_written_as_a_subscript_and_as_saved_item_s_value_is_one_key():
    subscript = ast.parse("y[1:] = tape.pop()").body[0]
    saved = ast.parse("saved_item(y, __srcdiff_slice__(1, None))").body[0].value
    assert numba_items._restore_key(subscript) == numba_items._item_key(saved)


def test_the_user_line_of_each_restore_is_read_off_the_comment_above_it():
    lines = KERNEL.splitlines()
    places = numba_items._restore_places(ast.parse(KERNEL).body, {"tape"}, lines)
    assert sorted(places.values()) == [5, 7]
    assert numba_items._comment_line(lines, 1) is None
