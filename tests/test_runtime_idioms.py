"""srcdiff/runtime_idioms.py: read-only calls (a callback given the values the derivative is
computed from may read them, never change them), the checks before dict and array methods,
and tolist's adjoint and tangent."""
import logging

import numpy
import pytest

from srcdiff import runtime_idioms as ri
from srcdiff.errors import SrcdiffError

WHERE = "model.py:12"


def test_a_callback_reads_what_it_is_given_and_its_result_is_dropped():
    seen = []
    x, items, table = numpy.arange(3.0), [1.0, 2.0], {"w": numpy.ones(2)}
    ri.call_reading(WHERE, lambda a, b, c=None: seen.append((a.sum(), len(b), c["w"].sum())),
                    x, items, c=table)
    assert seen == [(3.0, 2, 2.0)]


@pytest.mark.parametrize("change", [lambda a, b, c: a.__setitem__(0, 5.0),
                                    lambda a, b, c: b.append(3.0),
                                    lambda a, b, c: c.update(w=0),
                                    lambda a, b, c: c.pop("w")])
def test_a_callback_that_changes_what_it_is_given_is_refused_and_nothing_changes(change):
    x, items, table = numpy.arange(3.0), [1.0, 2.0], {"w": numpy.ones(2)}
    with pytest.raises(SrcdiffError, match="called for its effects"):
        ri.call_reading(WHERE, change, x, items, table)
    assert x[0] == 0.0 and items == [1.0, 2.0] and list(table) == ["w"]


def test_an_object_a_callback_could_change_is_refused():
    class Holder:
        pass
    with pytest.raises(SrcdiffError):
        ri.call_reading(WHERE, print, Holder())


def test_a_logger_logs_and_anything_else_is_refused(caplog):
    log = logging.getLogger("srcdiff-test-idioms")
    with caplog.at_level(logging.INFO, logger="srcdiff-test-idioms"):
        ri.call_logger(WHERE, log, "info", "loss %s", 1.5)
    assert "loss 1.5" in caplog.text

    class NotALogger:
        def info(self, *args):
            pass
    with pytest.raises(SrcdiffError, match=r"\.info\(\)"):
        ri.call_logger(WHERE, NotALogger(), "info", "loss")


def test_dict_and_array_method_checks():
    ri.check_dict({}, "get", WHERE)
    with pytest.raises(SrcdiffError, match="dict's method"):
        ri.check_dict([("a", 1)], "get", WHERE)
    assert ri.str_method(WHERE, "w_1", "startswith", "w") is True
    with pytest.raises(SrcdiffError, match="str's method"):
        ri.str_method(WHERE, numpy.ones(2), "split")
    ri.check_dict_argument({"a": 1}, WHERE)
    with pytest.raises(SrcdiffError, match="read as its copy"):
        ri.check_dict_argument([("a", 1)], WHERE)
    ri.check_array_method(numpy.ones(2), "tolist", WHERE)
    ri.check_array_method(numpy.float64(1.0), "item", WHERE, single=True)
    with pytest.raises(SrcdiffError):
        ri.check_array_method([1.0], "tolist", WHERE)
    with pytest.raises(ValueError):
        ri.check_array_method(numpy.ones(2), "item", WHERE, single=True)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_tolist_adjoint_is_the_transpose_and_the_tangent_the_same_map(shape):
    rng = numpy.random.default_rng(3)
    x, t = rng.normal(size=shape), rng.normal(size=shape)
    as_list = ri.array_tolist(x)
    assert as_list == x.tolist()
    g = rng.normal(size=shape).tolist()
    back = ri.array_tolist_grad(g, x)
    assert back.shape == x.shape
    assert numpy.sum(back * t) == pytest.approx(numpy.sum(numpy.asarray(g) * numpy.asarray(
        ri.array_tolist_tangent(t, x))))


def test_dict_merged_keeps_the_order_and_its_adjoint_is_the_transpose():
    d = {"w": numpy.array([1.0, 2.0]), "b": 3.0}
    merged = ri.dict_merged([d, 5.0, numpy.ones(2)], ("b", "c"), d)
    assert list(merged) == ["w", "b", "c"] and merged["b"] == 5.0 and d["b"] == 3.0
    grad = {"w": numpy.array([0.5, -1.0]), "b": 2.0, "c": numpy.array([3.0, 4.0])}
    back = ri.dict_merged_grad(grad, [d, 5.0, numpy.ones(2)], ("b", "c"), d)
    assert back[0]["b"] == 0.0 and numpy.array_equal(back[0]["w"], grad["w"])
    assert back[1] == 2.0 and numpy.array_equal(back[2], grad["c"])
    # a zero tangent of d that is not a dict stands for zeros under d's keys
    tangent = ri.dict_merged([0.0, 1.0, numpy.ones(2)], ("b", "c"), d)
    assert numpy.array_equal(tangent["w"], numpy.zeros(2)) and tangent["b"] == 1.0


def test_append_value_keeps_numbers_and_refuses_arrays():
    kept = []
    ri.append_value("f.py:1", kept.append, (1, numpy.float64(2.5), "a"))
    assert kept == [(1, 2.5, "a")]
    with pytest.raises(SrcdiffError, match="float"):
        ri.append_value("f.py:1", kept.append, numpy.ones(2))
    assert len(kept) == 1


def test_a_refused_helper_of_the_users_is_named_as_the_user_wrote_it():
    # hunt27: a def inside the user's function is, once emitted, nested in srcdiff's own
    # function; its qualified name (`__srcdiff_bind__.<locals>.vjp_f.<locals>.push`) was
    # the one the refusal named
    def push(out, v):
        out.append(v)
    push.__qualname__ = "__srcdiff_bind__.<locals>.vjp_f.<locals>.push"
    with pytest.raises(SrcdiffError) as info:
        ri.call_reading(WHERE, push, [], 1.0)
    assert "push is called for its effects" in str(info.value)
    assert "__srcdiff" not in str(info.value)
