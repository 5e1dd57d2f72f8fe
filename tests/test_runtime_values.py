"""srcdiff/runtime_values.py: sorted's order, the class check before a method call compiled
for one class, and dataclass objects as differentiated values (field reads, objects made,
gradients of the same class). End-to-end gradients through dataclasses are checked against
finite differences in tests/test_callables_values.py; here the helpers themselves."""
import dataclasses

import numpy
import pytest

from srcdiff import runtime_values as rv
from srcdiff.errors import SrcdiffError


@dataclasses.dataclass
class Params:
    w: numpy.ndarray
    b: float
    name: str = "layer"


@dataclasses.dataclass
class Model:
    first: Params
    scale: float


@pytest.mark.parametrize("keys", [[3.0, 1.0, 2.0, 1.0], [], [2, 2, 2], ["b", "a"]])
@pytest.mark.parametrize("reverse", [False, True])
def test_sort_order_is_the_order_sorted_uses_ties_included(keys, reverse):
    items = list(range(len(keys)))
    assert [items[i] for i in rv.sort_order(keys, reverse)] == \
        sorted(items, key=keys.__getitem__, reverse=reverse)


def test_check_class_refuses_an_object_of_another_class():
    rv.check_class(Params(numpy.ones(2), 0.0), Params, "model.py:3")
    with pytest.raises(SrcdiffError, match="compiled this call for objects of class Params"):
        rv.check_class(Model(None, 1.0), Params, "model.py:3")


def test_field_adjoints_add_by_name_and_read_back():
    total = rv.record_field_grad(numpy.ones(2), None, "w") + rv.record_field_grad(2.0, None, "b")
    total = total + rv.record_field_grad(numpy.ones(2), None, "w") + 0
    assert rv.record_field(total, "b") == 2.0
    numpy.testing.assert_array_equal(rv.record_field(total, "w"), [2.0, 2.0])
    assert rv.record_field(total, "never") == 0.0
    zero = numpy.zeros((), dtype=object)
    assert rv.record_grad(zero) is None and rv.record_field(zero, "w") == 0.0


def test_finalize_record_gives_a_dataclass_of_the_same_class_with_zeros_for_unread_fields():
    like = Model(Params(numpy.ones(3), 1.0), 2.0)
    grads = rv.FieldGrads(first=rv.FieldGrads(w=numpy.arange(3.0)))

    def finalize(g, value, name):
        return numpy.zeros_like(value) if g is None else g
    out = rv.finalize_record(grads, like, "model", finalize)
    assert type(out) is Model and type(out.first) is Params and out.first.name == "layer"
    numpy.testing.assert_array_equal(out.first.w, [0.0, 1.0, 2.0])
    assert out.first.b == 0.0 and out.scale == 0.0
    assert like.first.w[0] == 1.0      # the caller's object is not changed
    with pytest.raises(TypeError, match="not the fields of a Model"):
        rv.finalize_record(numpy.ones(2), like, "model", finalize)


def test_check_record_needs_a_float_field_and_checks_each():
    checked = []
    rv.check_record(Model(Params(numpy.ones(2), 1.0), 2.0), "m", lambda v, n: checked.append(n))
    assert checked == ["m.first.w", "m.first.b", "m.scale"]

    @dataclasses.dataclass
    class Labels:
        names: list
    with pytest.raises(TypeError, match="holds no float array or number"):
        rv.check_record(Labels(["a"]), "labels", lambda v, n: None)


def test_items_of_records_checked_and_given_back_item_by_item():
    layers = {"enc": Params(numpy.ones(2), 1.0, "e"), "dec": [Params(numpy.ones(2), 2.0)]}
    checked = []
    rv.check_items(layers, "layers", lambda v, n: checked.append(n))
    assert checked == ["layers['enc'].w", "layers['enc'].b", "layers['dec'][0].w",
                       "layers['dec'][0].b"]
    with pytest.raises(TypeError, match="layers\\['enc'\\]: the Labels holds no float"):
        rv.check_items({"enc": Labels(["a"])}, "layers", lambda v, n: None)
    with pytest.raises(TypeError, match="the list holds no float"):
        rv.check_items(["a", 1], "layers", lambda v, n: None)

    def finalize(g, value, name):
        return numpy.zeros_like(value) if g is None else g
    grads = {"enc": rv.FieldGrads(b=5.0)}
    out = rv.finalize_items(grads, layers, "layers", finalize)
    assert list(out) == ["enc", "dec"] and type(out["enc"]) is Params
    assert out["enc"].b == 5.0 and out["enc"].name == "e"
    numpy.testing.assert_array_equal(out["enc"].w, [0.0, 0.0])
    assert type(out["dec"]) is list and out["dec"][0].b == 0.0
    assert layers["enc"].b == 1.0      # the caller's objects are not changed


@dataclasses.dataclass
class Labels:
    names: list


def test_record_of_and_its_adjoint_are_transposes():
    items = [numpy.array([1.0, 2.0]), 3.0]
    made = rv.record_of(Params, ["w", "b"], items)
    assert type(made) is Params and made.w is items[0] and made.b == 3.0
    grads = rv.record_of_grad(rv.FieldGrads(b=5.0), ["w", "b"], items)
    numpy.testing.assert_array_equal(grads[0], [0.0, 0.0])
    assert grads[1] == 5.0
    assert rv.record_of_grad(None, ["w", "b"], items)[1] == 0.0


def test_class_attribute_reads_the_class_and_refuses_an_objects_own_value():
    from srcdiff.errors import RuntimeRefusal
    from srcdiff.runtime_values import class_attribute

    class Amp:
        gain = 2.0
    a = Amp()
    assert class_attribute(a, "gain", "why", "what", "m.py:3") == 2.0
    a.gain = 5.0
    with pytest.raises(RuntimeRefusal, match="m.py:3: why"):
        class_attribute(a, "gain", "why", "what", "m.py:3")


class _Node:   # a record class (its __init__ stores each parameter): a link to another node
    def __init__(self, v, parent):
        self.v = v
        self.parent = parent


def test_cycle_path_names_the_field_that_leads_back():
    node = _Node(numpy.ones(2), None)
    node.parent = node
    assert rv.cycle_path(node, "node") == "node.parent is node"
    a, b = _Node(numpy.ones(2), None), _Node(numpy.ones(2), None)
    a.parent, b.parent = b, a
    assert rv.cycle_path([1.0, a], "xs") == "xs[1].parent.parent is xs[1]"
    shared = Params(numpy.ones(2), 1.0)   # the same record twice is no cycle
    assert rv.cycle_path(Model(shared, 1.0), "m") is None
    assert rv.cycle_path([shared, shared, {"k": shared}], "xs") is None


def test_a_record_holding_itself_is_refused_not_walked_without_end():
    node = _Node(numpy.ones(2), None)
    node.parent = node
    with pytest.raises(TypeError, match=r"holds itself \(node.parent is node\)"):
        rv.check_record(node, "node", lambda v, n: None, ("v", "parent"))
    with pytest.raises(TypeError, match=r"holds itself \(nodes\[0\].parent is nodes\[0\]\)"):
        rv.check_items([node], "nodes", lambda v, n: None)


def _read_parent(node, x):
    return numpy.sum(node.parent.v * x)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_differentiating_a_cyclic_object_is_a_located_error(mode):
    import srcdiff
    node = _Node(numpy.array([1.0, 2.0]), None)
    other = _Node(numpy.array([3.0, 4.0]), node)
    node.parent = other   # node -> other -> node
    x = numpy.array([0.5, -1.5])
    with pytest.raises(SrcdiffError, match=r"holds itself \(node.parent.parent is node\)") \
            as err:
        if mode == "grad":
            srcdiff.grad(_read_parent)(node, x)
        else:
            srcdiff.jvp(_read_parent)(node, x, node)
    assert err.value.filename == __file__ and "def _read_parent" in err.value.line
    assert "keep the links between objects in an argument not differentiated" in str(err.value)


def test_field_grads_holds_a_records_gradient_as_differentiated_code_does():
    @dataclasses.dataclass
    class R:
        w: object
        name: str

    got = rv.field_grads(R(numpy.ones(2), "n"))
    assert type(got) is rv.FieldGrads and set(got) == {"w"}   # (the string carries none)
    assert rv.field_grads(3.0) == 3.0


def test_a_field_of_a_zero_derivative_is_a_zero():
    # (the tangent of a record's tangent, differentiated again, can be a zero of any kind:
    # record_field_tangent's own forward rule passes it on)
    for zero in (None, 0, 0.0, numpy.array(0, dtype=object)):
        assert rv.record_field(zero, "w") == 0.0
        got = rv.record_field_tangent(zero, "w", numpy.ones(3))
        assert isinstance(got, numpy.ndarray) and numpy.array_equal(got, numpy.zeros(3))
