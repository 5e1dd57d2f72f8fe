"""srcdiff/field_writes.py: a field of a record made in the function written (`r.b = e`,
`r.b += e`), checked against finite differences in both modes and to second order
(gradcheck.check); the located refusals where another holder would see the write, where the
object came from the caller, and of `+=` on an array field (changed in place)."""
import numpy as np
import pytest

import srcdiff
from gradcheck import check
from object_fixtures import B, W, XS, Cell, Layer

X = np.array([0.5, -1.0, 0.5])


def sets_a_field(x):
    r = Cell(x * 2.0, x[0])
    r.b = r.b * 0.5 + x[1]
    return r.energy()


def adds_to_a_field(x):
    r = Cell(x * 2.0, x[0])
    r.b += x[1]
    r.b *= x[2]
    return r.energy()


def writes_fields_in_a_loop(x):
    r = Cell(x * 2.0, x[0])
    for i in range(3):
        r.w = np.tanh(r.w * r.b + x)
        r.b -= 0.25 * x[i]
    return r.energy() + np.sum(r.w)


def writes_a_field_in_a_branch(x):
    r = Cell(x, 1.0)
    if x[0] > 0.0:
        r.b = x[1] * x[2]
    else:
        r.b = 2.0
    return r.energy()


def a_closure_reads_the_field_after_the_write(x):
    r = Cell(x * 2.0, x[0])

    def scaled(t):
        return r.b * t
    before = scaled(x[2])
    r.b = x[1]
    return r.energy() + scaled(x[0]) + before


def writes_a_field_of_a_plain_record(x):
    layer = Layer(W * x[0], B)
    layer.b = layer.b + x
    layer.w = layer.w * x[1]
    return np.sum(layer.forward(XS))


@pytest.mark.parametrize("f", [sets_a_field, adds_to_a_field, writes_fields_in_a_loop,
                               writes_a_field_in_a_branch,
                               a_closure_reads_the_field_after_the_write,
                               writes_a_field_of_a_plain_record])
def test_a_field_written_is_seen_by_every_later_read(f):
    check(f, X.copy())


def another_name_holds_it(x):
    r = Cell(x * 2.0, x[0])
    s = r
    r.b = x[1]
    return s.energy()


def a_list_holds_it(x):
    r = Cell(x * 2.0, x[0])
    cells = [r]
    r.b = x[1]
    return cells[0].energy()


def an_item_of_a_list(x):
    t = 0.0
    for r in [Cell(x, 1.0), Cell(x * 2.0, 2.0)]:
        r.b = x[1]
        t = t + r.energy()
    return t


def writes_the_callers_object(r, x):
    r.b = x[1]
    return r.energy()


@pytest.mark.parametrize("f, args, words", [
    (another_name_holds_it, (X,), "another name holds this object: `s = r`, which would see "
                                  "the change too (both names are one object in Python"),
    (a_list_holds_it, (X,), "another name holds this object: `cells = [r]`"),
    (an_item_of_a_list, (X,), "the sequence"),
    (writes_the_callers_object, (Cell(X, 1.0), X), "an object the caller passed")])
def test_a_write_another_holder_would_see_is_refused_at_its_line(f, args, words):
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(f, wrt=len(args) - 1)(*args)
    assert info.value.filename == __file__
    assert info.value.line.strip().endswith("= x[1]")
    assert words in str(info.value)


def adds_into_an_array_field(x):
    w = x * 2.0
    r = Cell(w, x[0])
    r.w += x
    return r.energy() + np.sum(w)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_an_update_of_an_array_field_is_refused_where_it_runs(mode):
    # r.w += x would change the array w holds too
    f = srcdiff.grad(adds_into_an_array_field) if mode == "rev" else \
        srcdiff.jvp(adds_into_an_array_field)
    args = (X.copy(),) if mode == "rev" else (X.copy(), np.ones(3))
    with pytest.raises(srcdiff.RuntimeRefusal) as info:
        f(*args)
    assert info.value.filename == __file__ and info.value.line == "r.w += x"
    assert "holds an array, which this update would change in place" in str(info.value)


def rebinds_to_new_records(x):
    # what a field write is lowered to (and what the derivative srcdiff emits holds when it
    # is differentiated again): a name rebound to records of one class
    r = Cell(x * 2.0, x[0])
    r = Cell(np.tanh(r.w), r.b * x[1])
    if x[2] > 0.0:
        r = Cell(r.w * x, r.b)
    return r.energy()


def test_a_name_rebound_to_records_of_one_class_keeps_its_class():
    check(rebinds_to_new_records, X.copy())

