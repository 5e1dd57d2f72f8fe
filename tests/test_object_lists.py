"""srcdiff/object_lists.py: the items of a local list of objects grown only by its own
.append calls (read from the appended expressions), and the lists it leaves alone (given to
another function or name, extended); the programs that use them are checked against finite
differences in tests/test_objects.py and tests/test_fuzz_found.py."""
import builtins
import dataclasses
import types

import numpy as np
import pytest

import srcdiff
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.object_lists import appended_items


def _items(source):
    fdef = S.parse_function(source)
    bindings = {n.targets[0].id: n.value for n in S.walk(fdef) if isinstance(n, S.Assign)
                and isinstance(n.targets[0], S.Name)}
    lw = types.SimpleNamespace(fdef=fdef, _callee_object=lambda n: getattr(builtins, n.id, None))
    items = appended_items(lw, "layers", bindings)
    return None if items is None else [S.spell(e) for e in items]


def test_the_display_then_each_appended_expression():
    assert _items("def f(x):\n    layers = [A(1)]\n    for c in x:\n"
                  "        layers.append(B(c))\n    for l in layers:\n        x = l(x)\n"
                  "    return x + len(layers) + layers[0](x)\n") == ["A(1)", "B(c)"]


@pytest.mark.parametrize("use", ["g(layers)", "other = layers", "layers.extend([B(1)])",
                                 "layers.insert(0, B(1))", "layers.append(*more)"])
def test_a_list_other_code_may_grow_is_left_alone(use):
    assert _items(f"def f(x):\n    layers = []\n    layers.append(A(1))\n    {use}\n"
                  "    return x\n") is None


class Gain:
    def __init__(self, g):
        self.g = g

    def forward(self, t):
        return np.tanh(t * self.g)


def appended_then_indexed(x):
    layers = []
    for i in range(2):
        layers.append(Gain(x[i]))
    h = layers[1].forward(x) + layers[-1].forward(x[::-1])
    for layer in reversed(layers):
        h = layer.forward(h)
    return np.sum(h) * len(layers)


def test_items_of_an_appended_list_indexed_and_iterated():
    check(appended_then_indexed, np.array([0.5, -1.0, 0.5]))


def _lowering(source, filename="user.py"):
    from srcdiff.object_lists import _state
    fdef = S.parse_function(source)
    names = {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
    lw = types.SimpleNamespace(fdef=fdef, params={a.id for a in fdef.args.args},
                               locals=names, src=types.SimpleNamespace(filename=filename))
    _state(lw)
    return lw


def test_a_display_bound_once_per_copy_of_a_loop_written_out():
    from srcdiff.object_lists import display_rebindings
    twice = ("def f(x):\n    fs = (np.sin, A(1))\n    x = fs[1](x)\n"
             "    fs = (np.cos, A(2))\n    return fs[1](x)\n")
    assert [S.spell(v) for v in display_rebindings(_lowering(twice), "fs")] == [
        "(np.sin, A(1))", "(np.cos, A(2))"]
    for other in ("fs = g(x)", "fs.append(np.tanh)", "fs[0] = np.tanh", "fs, y = (np.sin,), 1"):
        src = f"def f(x):\n    fs = (np.sin, A(1))\n    {other}\n    return fs[1](x)\n"
        assert display_rebindings(_lowering(src), "fs") is None, other
    once = "def f(x):\n    fs = (np.sin, A(1))\n    return fs[1](x)\n"
    assert display_rebindings(_lowering(once), "fs") is None   # bound once: not this rule


def test_a_restore_from_the_tape_counts_only_in_srcdiffs_own_code():
    from srcdiff.object_lists import rebindings
    src = ("def f(x):\n    tape = []\n    fs = (np.sin, A(x))\n    tape.append(fs)\n"
           "    fs = (np.sin, A(2))\n    fs = tape.pop()\n    return fs\n")
    made = rebindings(_lowering(src, "srcdiff-generated/m.py-3/vjp_f.py"), "fs")
    assert [S.spell(v) for v in made] == ["(np.sin, A(x))", "(np.sin, A(2))"]
    # the user's own list named tape: its pop is a value like any other
    assert S.spell(rebindings(_lowering(src), "fs")[-1]) == "tape.pop()"


def items_of_a_list_made_each_trip_of_a_while_loop(x, s):
    # second order differentiates the emitted derivative, where the list is saved on the
    # tape, restored from it, and bound to None before the loop
    t = x
    k = 0
    while k < 3:
        k += 1
        fs = [np.tanh, Gain(np.sum(t) * s)]
        t = fs[1].forward(fs[0](t) * 0.5)
    return np.sum(t)


def test_items_of_a_list_made_in_a_while_loop_to_second_order():
    check(items_of_a_list_made_each_trip_of_a_while_loop, np.array([0.3, -0.2, 0.5]), 0.7)


@dataclasses.dataclass
class _Unit:
    w: np.ndarray
    b: float


def _two_loops_over_one_list(x):
    """`layer` bound by two loops over the same list (the second over a slice): it was
    refused ("attribute .b") as bound more than once."""
    layers = [_Unit(x[:2], x[4]), _Unit(x[2:4], x[5]), _Unit(x[1:3], x[0])]
    h = x[:2]
    for layer in layers:
        h = np.tanh(layer.w * h + layer.b)
    for layer in layers[::-1]:
        h = np.tanh(layer.w * h * layer.b)
    return np.sum(h ** 2)


def test_a_name_two_loops_over_one_list_bind_knows_its_class():
    check(_two_loops_over_one_list, np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


def test_a_name_loops_over_two_lists_bind_stays_unknown():
    def f(x):
        ones = [_Unit(x[:2], x[4])]
        others = [_Unit(x[2:4], x[5])]
        h = x[:2]
        for layer in ones:
            h = h * layer.b
        for layer in others:
            h = h * layer.b
        return np.sum(h)
    with pytest.raises(srcdiff.NoRuleError, match="attribute .b"):
        srcdiff.grad(f)(np.array([0.3, 1.2, -0.7, 2.1, 0.55, 1.7]))


# -- a name bound to objects of several classes: its method call is a dispatch ----------
class _Sine:
    def __init__(self, w):
        self.w = w

    def f(self, x):
        return np.sin(self.w * x)


class _Shift:
    def __init__(self, w):
        self.w = w * 2.0   # computed: an init_fields record

    def f(self, x):
        return np.cos(self.w + x) * x


@dataclasses.dataclass
class _Scale:
    w: float

    def f(self, x):
        return self.w * x ** 2


def _picked_by_a_conditional(x, flag):
    layer = _Sine(x[0]) if flag else _Shift(x[1])
    y = layer.f(x)
    return np.sum(y ** 2)


def _picked_in_branches(x, flag):
    if flag > 0:
        layer = _Sine(x[0])
    elif flag < 0:
        layer = _Scale(x[2])
    else:
        layer = _Shift(x[1])
    out = np.zeros(3)
    out[:] = layer.f(x)   # the method's result written into an array
    return np.sum(out ** 2) + np.sum(layer.f(out))


@pytest.mark.parametrize("f, flags", [(_picked_by_a_conditional, (True, False)),
                                      (_picked_in_branches, (1, -1, 0))])
def test_a_method_of_an_object_whose_class_is_decided_at_run_time_differentiates(f, flags):
    """`layer = A(w) if flag else B(w); layer.f(x)` was refused ("cannot tell the class of
    layer before the code runs"): the call is a dispatch on the object's exact class, one
    derivative for every flag."""
    x = np.array([0.3, 1.2, -0.7])
    for flag in flags:
        check(f, x, flag, wrt=0)
    grad = srcdiff.grad(f, wrt=0)
    assert not np.allclose(grad(x, flags[0]), grad(x, flags[1]))


def test_made_classes_are_those_of_every_binding_or_none():
    from srcdiff.object_lists import made_classes

    class _Lw:   # the lowering's state made_classes reads
        params = ()
        src = types.SimpleNamespace(filename="user.py")

        def __init__(self, source):
            self.fdef = S.parse_function(source)

        def _global_path(self, node):
            return [node.id] if isinstance(node, S.Name) else None

        def _callee_object(self, node):
            return {"A": _Sine, "B": _Shift, "g": len}[node.id]
    assert made_classes(_Lw("def f(x, c):\n    o = A(x) if c else B(x)\n"), "o") == \
        (_Sine, _Shift)
    assert made_classes(_Lw("def f(x, c):\n    o = A(x) if c else g(x)\n"), "o") is None
    assert made_classes(_Lw("def f(x, c):\n    o = A(x) if c else A(x)\n"), "o") is None
    assert made_classes(_Lw("def f(x, c):\n    o = A(x)\n    o = x\n"), "o") is None


class _Dense:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def forward(self, h):
        return np.tanh(self.w * h + self.b)

    def energy(self):
        return self.w ** 2


def _doubled(t):
    return 2.0 * t


def _layers_in_a_loop_written_out(x):
    """The loop over [np.sin, _doubled] is written out once per function (function_loops):
    `layers` is bound to a display in each copy and `layer` by each copy's loop; it was
    refused ("cannot tell the class of layer") (fuzz seed 2420, family users)."""
    t = x * 1.0
    for g in reversed([np.sin, _doubled]):
        t = 0.5 * g(t) + 0.1
        layers = [_Dense(x[0], x[1]), _Dense(x[2], x[1])]
        h = t * t
        for layer in layers:
            h = layer.forward(h) + 0.1 * layer.energy()
        x = x + 0.2 * np.tanh(h)
    return np.sum(x)


def _rebound_to_displays_of_two_classes(x):
    layers = [_Dense(x[0], x[1])]
    h = x * 1.0
    for layer in layers:
        h = layer.forward(h)
    layers = [_Sine(x[2]), _Dense(x[1], x[0])]
    for layer in layers:
        h = h + layer.f(h) if isinstance(layer, _Sine) else layer.forward(h)
    return np.sum(h ** 2)


@pytest.mark.parametrize("f", [_layers_in_a_loop_written_out])
def test_a_list_bound_to_a_display_once_per_copy_of_a_loop_knows_its_items(f):
    check(f, np.array([0.3, 1.2, -0.7]))


def test_a_list_rebound_to_displays_of_other_classes_dispatches_or_refuses_located():
    """Both loops read `layers`, bound to two displays: each item may be of either's
    classes, so `layer.forward(h)` is a dispatch over them, refused where one of them has
    no such method (never run through another class's method)."""
    with pytest.raises(srcdiff.UnsupportedCodeError, match="_Sine, which has no method 'forward'"):
        srcdiff.grad(_rebound_to_displays_of_two_classes)(np.array([0.3, 1.2, -0.7]))


# -- a field of an object whose class is decided at run time: read as a field ------------
class _Bare:
    def __init__(self, v):
        self.v = v

    def f(self, x):
        return self.v * x


def _field_of_a_conditional(x, flag):
    layer = _Sine(x[0]) if flag else _Shift(x[1])
    return np.sum(layer.f(x) ** 2) + layer.w * x[2]


def _field_in_branches(x, flag):
    if flag > 0:
        layer = _Sine(x[0])
    elif flag < 0:
        layer = _Scale(x[2])
    else:
        layer = _Shift(x[1])
    return np.sum(layer.f(x)) * layer.w


@pytest.mark.parametrize("f, flags", [(_field_of_a_conditional, (True, False)),
                                      (_field_in_branches, (1, -1, 0))])
def test_a_field_every_class_stores_differentiates_whichever_class_runs(f, flags):
    """`layer = A(w) if flag else B(w); layer.w` where both record classes store w: read as
    a field whichever class runs (object_lists.shared_field; it was refused, "cannot
    differentiate through the attribute .w")."""
    x = np.array([0.3, 1.2, -0.7])
    for flag in flags:
        check(f, x, flag, wrt=0)


def test_a_field_one_of_the_classes_lacks_stays_refused():
    def f(x, flag):
        layer = _Sine(x[0]) if flag else _Bare(x[1])
        return np.sum(layer.f(x)) + layer.w
    with pytest.raises(srcdiff.NoRuleError, match="attribute .w"):
        srcdiff.grad(f, wrt=0)(np.array([0.3, 1.2, -0.7]), True)


@dataclasses.dataclass
class DictLayer:
    w: np.ndarray
    b: np.ndarray


@dataclasses.dataclass
class SwappedLayer:   # the same fields in the other order: a wrong class read would show
    b: np.ndarray
    w: np.ndarray


def chain_over_items(P, A, s):
    x = np.full(3, 0.1)
    for name, layer in P.items():
        x = np.tanh(layer.w * x + layer.b)
    return np.sum(A @ x) * s


def chain_over_values(P, A, s):
    x = np.full(3, 0.1)
    for layer in P.values():
        x = np.tanh(layer.w * x + layer.b)
    return np.sum(A @ x) * s


def chain_after_replacing_one(P, A, s):
    P["enc"] = SwappedLayer(P["enc"].w * 2.0, P["enc"].b)
    return chain_over_values(P, A, s)


@pytest.mark.parametrize("f", [chain_over_items, chain_over_values, chain_after_replacing_one])
def test_a_loop_over_the_values_of_a_dict_of_records_passed_in(f):
    # for k, r in P.items() / for r in P.values(), P a dict of records differentiated:
    # r's class is the dict's values' one class (was refused: "cannot tell the class")
    rng = np.random.default_rng(8)
    P = {"enc": DictLayer(rng.normal(size=3), rng.normal(size=3)),
         "dec": DictLayer(rng.normal(size=3), rng.normal(size=3))}
    check(f, P, rng.normal(size=(2, 3)), 1.5, order=2)


def test_a_loop_over_a_dict_of_records_of_two_classes_is_not_guessed():
    rng = np.random.default_rng(9)
    P = {"enc": DictLayer(rng.normal(size=3), rng.normal(size=3)),
         "dec": SwappedLayer(rng.normal(size=3), rng.normal(size=3))}
    try:
        check(chain_over_items, P, rng.normal(size=(2, 3)), 1.5, order=2)
    except srcdiff.SrcdiffError as e:
        assert "chain_over_items" in str(e) or "test_object_lists.py" in str(e)


# -- a, b = layers: items of a list passed in, unpacked (object_lists.unpacked_from) ---------
class Scaled:
    def __init__(self, w):
        self.w = w

    def __call__(self, t):
        return np.tanh(self.w * t)


def unpacked_layers(layers, t):
    a, b = layers
    return np.sum(a(t) * b(t)) + np.sum(a.w * b.w)


def test_objects_unpacked_from_a_list_passed_in_are_called_as_their_class():
    layers = [Scaled(np.array([0.3, -0.2])), Scaled(np.array([1.1, 0.4]))]
    check(unpacked_layers, layers, np.array([0.5, 0.7]), wrt=0, order=1)
    check(unpacked_layers, layers, np.array([0.5, 0.7]), wrt=1, order=1)


# -- Python's own classes are no user's (is_user_class, pythons_own) -----------------------
def test_pythons_own_classes_are_no_users_and_a_users_class_is():
    import collections
    import itertools
    from srcdiff.object_lists import is_user_class, pythons_own
    for cls in (itertools.product, types.SimpleNamespace, collections.OrderedDict,
                collections.deque, dataclasses.Field, int, np.ndarray):
        assert not is_user_class(cls), cls
    assert is_user_class(Scaled) and is_user_class(_Dense)
    assert not is_user_class(Scaled(1.0))   # an object is no class
    assert pythons_own("itertools") and pythons_own("types") and not pythons_own("gradcheck")


def test_a_module_of_the_users_named_like_one_of_pythons_is_the_users(tmp_path, monkeypatch):
    """A script of the user's named code.py (a name of Python's library) keeps its classes."""
    import importlib
    import sys
    from srcdiff.object_lists import is_user_class
    (tmp_path / "code.py").write_text("class Gain:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "code", raising=False)
    mine = importlib.import_module("code")
    assert is_user_class(mine.Gain)


class _Shift2:
    def __init__(self, s):
        self.s = s

    def apply(self, t):
        return np.tanh(self.s * t)


def pairs_from_itertools(x):
    """An object of the user's class and a loop over itertools.product in one function."""
    import itertools
    layer = _Shift2(0.7)
    total = 0.0
    for i, j in itertools.product(range(2), range(3)):
        total = total + layer.apply(x[i] * x[j])
    return total


def test_a_loop_over_itertools_product_beside_a_users_object_differentiates():
    check(pairs_from_itertools, np.array([0.3, -0.5, 0.8]), order=2)


def stepped_by_config(x, cfg):
    """Settings read from a SimpleNamespace passed in: a count, a rate, a function."""
    for _ in range(cfg.steps):
        x = x - cfg.lr * cfg.act(x)
    return np.sum(x ** 2)


def test_settings_read_from_a_namespace_passed_in_differentiate():
    cfg = types.SimpleNamespace(steps=3, lr=0.1, act=np.sin)
    check(stepped_by_config, np.array([0.3, -0.5, 0.8]), cfg, wrt=0, order=2)


def namespace_fields(cfg, x):
    return np.sum(np.tanh(cfg.w * x) + cfg.b)


def test_a_namespace_differentiated_is_refused_naming_pythons_class():
    cfg = types.SimpleNamespace(w=np.array([0.5, 1.0, 2.0]), b=0.3)
    with pytest.raises(srcdiff.SrcdiffError, match="types.SimpleNamespace is Python's own") \
            as info:
        srcdiff.grad(namespace_fields)(cfg, np.ones(3))
    assert "dataclass" in info.value.hint and "cfg.b" in info.value.line
