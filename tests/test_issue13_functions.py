"""Issue 13's function idioms that were still refused (the funcs3 list), each a small program
written the way users write it and checked with gradcheck.check against central differences
in reverse and forward mode, to second order: a partial called where it is made, a partial
of a partial, map over a bound method, a key passed to a helper that picks a function from a
module-level dict, callable objects held in module-level dicts and lists, starred targets of
for headers and comprehensions, divmod and floor division. Where correctness forbids one, the
test checks the located refusal and what it says to write instead."""
import functools
from functools import partial

import numpy as np
import pytest

import srcdiff
from gradcheck import check

X = np.array([0.4, 0.9, 1.3])
Y = np.array([-0.2, 0.6, 1.1])


def on_xy(f, **kw):
    check(f, X.copy(), Y.copy(), wrt=(0, 1), order=2, **kw)


# === functools.partial called where it is made, partials of partials ========================
def g(x, a=1.0, b=2.0):
    return np.sin(a * x) * b


def g3(a, b, x):
    return a * np.sin(b * x)


def partial_called_directly(x, y):
    return np.sum(functools.partial(g, a=1.5)(x) * y)


def partial_of_arrays_called_directly(x, y):
    return np.sum(partial(g, b=y)(x) + partial(g3, y, 0.5)(x))


def partial_call_overrides_keyword(x, y):
    return np.sum(partial(g, a=2.0, b=y)(x, a=0.5))


def partial_of_partial(x, y):
    h = partial(partial(g3, 2.0), 0.5)
    return np.sum(h(x) * y)


def partial_of_partial_keywords(x, y):
    h = partial(partial(g, a=2.0, b=x), b=3.0)
    return np.sum(h(x, b=y) + h(y))


def partial_of_partial_called_directly(x, y):
    return np.sum(partial(partial(g3, y), 0.5)(x))


def partial_of_a_named_partial(x, y):
    inner = partial(g, b=y)
    outer = partial(inner, a=0.7)
    return np.sum(outer(x) * outer(y, a=1.1))


def partial_keyword_overridden_in_a_loop(x, y):
    h = partial(g, a=1.0, b=y)
    s = 0.0
    for k in range(3):
        s = s + np.sum(h(x, a=0.5 * k))
    return s


def partial_called_directly_with_starred_display(x, y):
    return np.sum(partial(g, a=1.5)(*[x], b=y))


def partial_with_starred_arguments(x, y):
    args = (1.5,)
    return np.sum(partial(g, x, *args)(b=y))


def map_over_a_partial_of_a_partial(x, y):
    outs = list(map(partial(partial(g3, y), 0.5), [x, np.sin(x)]))
    return np.sum(outs[0] * outs[1])


class TestPartials:
    def test_called_directly(self):
        on_xy(partial_called_directly)

    def test_called_directly_with_arrays(self):
        on_xy(partial_of_arrays_called_directly)

    def test_call_overrides_keyword(self):
        on_xy(partial_call_overrides_keyword)

    def test_partial_of_partial(self):
        on_xy(partial_of_partial)

    def test_partial_of_partial_keywords(self):
        on_xy(partial_of_partial_keywords)

    def test_partial_of_partial_called_directly(self):
        on_xy(partial_of_partial_called_directly)

    def test_partial_of_a_named_partial(self):
        on_xy(partial_of_a_named_partial)

    def test_keyword_overridden_in_a_loop(self):
        on_xy(partial_keyword_overridden_in_a_loop)

    def test_called_directly_with_starred_display(self):
        on_xy(partial_called_directly_with_starred_display)

    def test_starred_arguments_of_the_partial_are_refused_with_what_to_write(self):
        with pytest.raises(srcdiff.SrcdiffError, match="pass the arguments one by one"):
            srcdiff.grad(partial_with_starred_arguments, wrt=(0, 1))(X.copy(), Y.copy())

    def test_map_over_a_partial_of_a_partial(self):
        on_xy(map_over_a_partial_of_a_partial)

    def test_values_match_python(self):
        for f in (partial_called_directly, partial_of_partial_keywords,
                  partial_of_partial_called_directly):
            value, _ = srcdiff.value_and_grad(f, wrt=(0, 1))(X.copy(), Y.copy())
            assert np.allclose(value, f(X.copy(), Y.copy()))


# === map over bound methods ===============================================================
class Layer:
    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return np.tanh(self.w * x)


class Affine:
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def apply(self, x):
        return self.w * x + self.b


def map_bound_method(x, y):
    layer = Layer(y)
    outs = list(map(layer.forward, [x, 2 * x]))
    return np.sum(outs[0] + outs[1] ** 2)


def map_bound_method_starred(x, y):
    layer = Layer(y)
    outs = [*map(layer.forward, [x, x * x])]
    return np.sum(outs[0] * outs[1])


def map_bound_method_in_a_generator(x, y):
    affine = Affine(y, 0.5)
    return sum(np.sum(v * v) for v in map(affine.apply, [x, np.sin(y)]))


def map_methods_of_objects_in_a_list(x, y):
    layers = [Layer(y), Layer(2 * y)]
    s = 0.0
    for layer in layers:
        outs = list(map(layer.forward, [x, x + 1]))
        s = s + np.sum(outs[0] * outs[1])
    return s


def map_method_of_a_parameter(layer, x):
    return np.sum(np.stack(list(map(layer.forward, [x, np.cos(x)]))))


def sorted_by_a_bound_method(x, y):
    layer = Layer(y)
    ordered = sorted([x, 2 * x, x + 0.3], key=lambda v: float(np.sum(layer.forward(v))))
    return np.sum(ordered[0] * ordered[2])


def map_lambda_calling_a_method(x, y):
    layers = [Layer(y), Layer(y * y)]
    outs = list(map(lambda layer: layer.forward(x), layers))
    return np.sum(outs[0] * outs[1])


def map_lambda_calling_methods_of_two_lists(x, y):
    layers = [Layer(y), Layer(2.0 * y)]
    inputs = [x, np.cos(x)]
    return sum(np.sum(o) for o in map(lambda layer, v: layer.forward(v) * v, layers, inputs))


def methods_of_objects_zipped_with_inputs(x, y):
    layers = [Layer(y), Layer(2.0 * y)]
    inputs = [x, np.cos(x)]
    s = 0.0
    for layer, v in zip(layers, inputs):
        s = s + np.sum(layer.forward(v) * v)
    return s + sum(np.sum(item.forward(v)) for v, item in zip(inputs, layers))


class Net:
    def __init__(self, layers):
        self.layers = layers

    def outputs(self, x):
        return list(map(self.layers[0].forward, [x, 2.0 * x]))


def map_method_of_an_object_path(x, y):
    net = Net([Layer(y)])
    outs = net.outputs(x)
    return np.sum(outs[0] * outs[1])


class Scorer:
    def __init__(self, w):
        self.w = w

    def score(self, v):
        return float(np.dot(self.w, v))


def sorted_and_max_by_a_bound_method(x, y):
    scorer = Scorer(np.array([1.0, -0.5, 0.25]))
    ordered = sorted([x, y, x * y], key=scorer.score)
    best = max([x, 2.0 * y], key=scorer.score)
    return np.sum(ordered[0] * ordered[-1] + best)


class TestMapOverBoundMethods:
    def test_list_of_map(self):
        on_xy(map_bound_method)

    def test_starred_map(self):
        on_xy(map_bound_method_starred)

    def test_map_in_sum_of_generator(self):
        on_xy(map_bound_method_in_a_generator)

    def test_objects_in_a_list(self):
        on_xy(map_methods_of_objects_in_a_list)

    def test_method_of_a_parameter_object(self):
        check(map_method_of_a_parameter, Layer(Y.copy()), X.copy(), wrt=(0, 1), order=2)

    def test_lambda_calling_a_method_of_each_item(self):
        on_xy(map_lambda_calling_a_method)

    def test_lambda_of_two_lists(self):
        on_xy(map_lambda_calling_methods_of_two_lists)

    def test_objects_zipped_with_inputs(self):
        on_xy(methods_of_objects_zipped_with_inputs)

    def test_method_of_an_object_path_is_refused_with_what_to_write(self):
        with pytest.raises(srcdiff.SrcdiffError, match=r"obj = self.layers\[0\]"):
            srcdiff.grad(map_method_of_an_object_path, wrt=(0, 1))(X.copy(), Y.copy())

    def test_sorted_and_max_keyed_by_a_bound_method(self):
        on_xy(sorted_and_max_by_a_bound_method)

    def test_sorted_by_a_bound_method_key(self):
        on_xy(sorted_by_a_bound_method)


# === a key passed to a helper whose default picks a function ===============================
ACTS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0), "sin": np.sin}
KIND = "sin"


def act(x, kind="tanh"):
    return ACTS[kind](x)


def act_no_default(x, kind):
    return ACTS[kind](x)


def layer_with_kind(x, w, kind="tanh"):
    return act(w * x, kind)


def act_positional(x, y):
    return np.sum(act(x * y, "relu") + act(x))


def act_keyword_literal(x, y):
    return np.sum(act(x * y, kind="sin") * act(y, kind="tanh"))


def act_keyword_module_constant(x, y):
    return np.sum(act(x * y, kind=KIND))


def act_keyword_local(x, y):
    k = "relu"
    return np.sum(act(x * y, kind=k))


def act_without_default(x, y):
    return np.sum(act_no_default(x, "sin") * act_no_default(y, kind="tanh"))


def act_key_through_two_helpers(x, y):
    return np.sum(layer_with_kind(x, y, "sin") + layer_with_kind(x, y))


def act_key_computed(x, y, names=("sin", "tanh")):
    return np.sum(act(x, names[0]) * y)


class TestKeyPassedToAHelper:
    def test_positional(self):
        on_xy(act_positional)

    def test_keyword_literal(self):
        on_xy(act_keyword_literal)

    def test_keyword_module_constant(self):
        on_xy(act_keyword_module_constant)

    def test_module_constant_rebound_is_refused_where_it_runs(self, monkeypatch):
        grad = srcdiff.grad(act_keyword_module_constant, wrt=(0, 1))
        grad(X.copy(), Y.copy())
        monkeypatch.setitem(globals(), "KIND", "tanh")
        with pytest.raises(srcdiff.SrcdiffError, match="compiled this call for ACTS"):
            grad(X.copy(), Y.copy())

    def test_keyword_local(self):
        on_xy(act_keyword_local)

    def test_parameter_without_default(self):
        on_xy(act_without_default)

    def test_key_through_two_helpers(self):
        on_xy(act_key_through_two_helpers)

    def test_key_computed_where_it_runs_is_still_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="compiled this call for ACTS"):
            srcdiff.grad(act_key_computed, wrt=(0, 1))(X.copy(), Y.copy())


# === callable objects in module-level dicts and lists =====================================
class Scale:
    def __init__(self, c):
        self.c = c

    def __call__(self, v):
        return self.c * np.sin(v)


class Poly:
    def __call__(self, v):
        return v ** 2 + v


FNS = {"scale": Scale(2.0), "poly": Poly()}
FNLIST = [Scale(0.5), Poly()]


def callable_from_dict(x, y):
    return np.sum(FNS["scale"](x) * y + FNS["poly"](y))


def callable_from_list_loop(x, y):
    s = 0.0
    for f in FNLIST:
        s = s + np.sum(f(x * y))
    return s


def callable_from_list_index(x, y):
    return np.sum(FNLIST[0](x) * FNLIST[-1](y))


def callable_item_bound_to_a_name(x, y):
    f = FNS["scale"]
    return np.sum(f(x) * f(y))


TUP = (Scale(1.5), Poly())


def callables_of_dict_values(x, y):
    s = 0.0
    for f in FNS.values():
        s = s + np.sum(f(x) * y)
    return s


def callables_of_dict_items_in_a_comprehension(x, y):
    out = {k: np.sum(f(x * y)) for k, f in FNS.items()}
    return out["scale"] + out["poly"]


def callable_tuple_items(x, y):
    return np.sum(TUP[0](x) + TUP[1](y))


def callables_enumerated(x, y):
    s = 0.0
    for i, f in enumerate(FNLIST):
        s = s + (i + 1) * np.sum(f(x) * y)
    return s


def apply_named(x, kind="scale"):
    return FNS[kind](x)


def apply_bound_to_a_name(x, kind="scale"):
    f = FNS[kind]
    return 2.0 * f(x)


def callable_picked_by_a_key(x, y):
    return np.sum(apply_named(x, "poly") * y + apply_named(y) + apply_bound_to_a_name(x, "poly"))


def callable_picked_by_a_key_passed_where_it_runs(x, kind):
    return np.sum(apply_named(x, kind))


class TestCallableObjectsInModuleContainers:
    def test_dict_values_loop(self):
        on_xy(callables_of_dict_values)

    def test_dict_items_comprehension(self):
        on_xy(callables_of_dict_items_in_a_comprehension)

    def test_tuple_items(self):
        on_xy(callable_tuple_items)

    def test_enumerated_list(self):
        on_xy(callables_enumerated)

    def test_picked_by_a_key_passed_or_defaulted(self):
        on_xy(callable_picked_by_a_key)

    def test_a_key_other_than_the_compiled_one_is_refused_where_it_runs(self):
        grad = srcdiff.grad(callable_picked_by_a_key_passed_where_it_runs)
        grad(X.copy(), "scale")   # compiled for the parameter's default of apply_named
        with pytest.raises(srcdiff.RuntimeRefusal, match="the key is 'poly'"):
            grad(X.copy(), "poly")
        with pytest.raises(srcdiff.RuntimeRefusal, match="the key is 'poly'"):
            srcdiff.grad(apply_bound_to_a_name)(X.copy(), "poly")

    def test_dict_item_called(self):
        on_xy(callable_from_dict)

    def test_list_loop(self):
        on_xy(callable_from_list_loop)

    def test_list_item_called(self):
        on_xy(callable_from_list_index)

    def test_item_bound_to_a_name(self):
        on_xy(callable_item_bound_to_a_name)

    def test_item_replaced_by_another_object_of_the_class_is_followed(self, monkeypatch):
        grad = srcdiff.grad(callable_from_dict, wrt=(0, 1))
        grad(X.copy(), Y.copy())
        monkeypatch.setitem(FNS, "scale", Scale(3.0))
        got = grad(X.copy(), Y.copy())
        check(callable_from_dict, X.copy(), Y.copy(), wrt=(0, 1), order=1)
        assert np.allclose(got[1], srcdiff.grad(callable_from_dict, wrt=(0, 1))(X, Y)[1])

    def test_item_of_another_class_is_refused_where_it_runs(self, monkeypatch):
        grad = srcdiff.grad(callable_from_dict, wrt=(0, 1))
        grad(X.copy(), Y.copy())
        monkeypatch.setitem(FNS, "scale", Poly())
        with pytest.raises(srcdiff.SrcdiffError):
            grad(X.copy(), Y.copy())


# === generators passed to an object's method that takes each item once ====================
class Accumulator:
    def __init__(self, scale):
        self.scale = scale
        self.total = 0.0

    def consume(self, items):
        for item in items:
            self.total = self.total + self.scale * np.sum(item)
        return self.total

    def consume_twice(self, items):
        first = [np.sum(v) for v in items]
        return sum(first) + sum(np.sum(v) for v in items)

    def consume_in_place(self, items):
        for item in items:
            self.total += np.sum(item)
        return self.total


class Summer:
    def total(self, items):
        return sum(np.sum(v * v) for v in items)

    @staticmethod
    def product(items):
        out = 1.0
        for v in items:
            out = out * np.sum(v)
        return out


def items_of(x, y):
    for i in range(3):
        yield x * y + i


def generator_function_to_a_method(x, y):
    acc = Accumulator(2.0)
    return acc.consume(items_of(x, y))


def generator_expression_to_a_method(x, y):
    acc = Accumulator(0.5)
    return acc.consume(v * y for v in [x, x * x])


def generator_expression_to_a_method_of_a_new_object(x, y):
    return Summer().total(np.sin(v) * y for v in (x, y))


def generator_to_a_staticmethod(x, y):
    s = Summer()
    return s.product(np.cos(v) + y for v in (x, 2.0 * x))


def generator_read_twice_by_the_method(x, y):
    acc = Accumulator(1.0)
    return acc.consume_twice(v * y for v in [x, y])


def generator_reads_the_object_the_method_rebinds(x, y):
    acc = Accumulator(1.0)
    return acc.consume(v * acc.total for v in [x, y])


def generator_to_a_method_adding_in_place(x, y):
    acc = Accumulator(1.0)
    return acc.consume_in_place(v * y for v in [x, y])


class TestGeneratorsToMethods:
    def test_generator_function(self):
        on_xy(generator_function_to_a_method)

    def test_generator_expression(self):
        on_xy(generator_expression_to_a_method)

    def test_new_object(self):
        on_xy(generator_expression_to_a_method_of_a_new_object)

    def test_staticmethod(self):
        on_xy(generator_to_a_staticmethod)

    def test_read_twice_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="Accumulator.consume_twice"):
            srcdiff.grad(generator_read_twice_by_the_method, wrt=(0, 1))(X.copy(), Y.copy())

    def test_method_adding_in_place_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="Accumulator.consume_in_place"):
            srcdiff.grad(generator_to_a_method_adding_in_place, wrt=(0, 1))(X.copy(), Y.copy())

    def test_object_the_generator_reads_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="pass a list instead"):
            srcdiff.grad(generator_reads_the_object_the_method_rebinds, wrt=(0, 1))(
                X.copy(), Y.copy())


# === starred targets of for headers and comprehensions ====================================
def starred_for(x, y):
    pairs = [(x, y, x * y), (y, x, y * y)]
    s = 0.0
    for a, *rest in pairs:
        s = s + np.sum(a * rest[0] + rest[-1])
    return s


def starred_generator_expression(x, y):
    pairs = [(x, y, x * y), (y, x, y * y)]
    return np.sum(sum(a * len(rest) * rest[1] for a, *rest in pairs))


def starred_middle_in_list_comprehension(x, y):
    rows = [(x, y, x, y), (y, x, y, x)]
    return np.sum([first * last * np.sum(mid[0]) for first, *mid, last in rows])


def starred_in_dict_comprehension(x, y):
    rows = [("a", x, y), ("b", y, x * x)]
    d = {k: np.sum(vals[0] * vals[1]) for k, *vals in rows}
    return d["a"] + 2.0 * d["b"]


def starred_rest_extended_in_loop(x, y):
    s = 0.0
    for *init, last in [(x, y, 2.0 * x), (y, x)]:
        init = init + [last]
        s = s + np.sum(init[0] * init[-1]) * len(init)
    return s


def starred_of_array_rows(x, y):
    m = np.stack([x, y, x * y])
    s = 0.0
    for first, *rest in m:
        s = s + np.sum(first * rest[-1])
    return s


def starred_too_short(x, y):
    s = 0.0
    for a, *rest, b in [(x, y), (x,)]:
        s = s + np.sum(a * b)
    return s


class TestStarredTargets:
    def test_for_header(self):
        on_xy(starred_for)

    def test_generator_expression(self):
        on_xy(starred_generator_expression)

    def test_list_comprehension_middle(self):
        on_xy(starred_middle_in_list_comprehension)

    def test_dict_comprehension(self):
        on_xy(starred_in_dict_comprehension)

    def test_rest_is_a_list(self):
        on_xy(starred_rest_extended_in_loop)

    def test_rows_of_an_array(self):
        on_xy(starred_of_array_rows)

    def test_too_short_raises_as_python_does(self):
        with pytest.raises(ValueError, match="not enough values to unpack"):
            starred_too_short(X, Y)
        with pytest.raises(ValueError, match="not enough values to unpack"):
            srcdiff.grad(starred_too_short, wrt=(0, 1))(X.copy(), Y.copy())


# === divmod, // and % =====================================================================
def divmod_arrays(x, y):
    q, r = divmod(x * 3.0, y + 2.0)
    return np.sum(r * x + q)


def divmod_numbers(x, y):
    q, r = divmod(np.sum(x) * 5.0, 1.7)
    return r * np.sum(y) + q


def divmod_python_floats(x, y):
    q, r = divmod(float(x[0]) * 7.0, float(y[2]))
    return r * r + q


def divmod_kept_as_a_tuple(x, y):
    t = divmod(x * 4.1, 1.3)
    return np.sum(t[1] * y)


def numpy_divmod(x, y):
    q, r = np.divmod(x * 3.0, y + 2.0)
    return np.sum(r * r + q * y)


def floor_division(x, y):
    n = (x * 5.1) // 1.3
    return np.sum(n * y + x)


def mod_and_floor_division(x, y):
    a, b = x * 3.0, y + 2.0
    return np.sum(a % b + a // b * x)


def mod_rebuilt_from_floor_division(x, y):
    a, b = x * 3.0, y + 2.0
    r = a - b * (a // b)
    return np.sum(r * r - (a % b) * y)


def augmented_floor_division(x, y):
    z = x * 4.3
    z //= 1.1
    return np.sum(z * y)


class TestDivmod:
    def test_arrays(self):
        on_xy(divmod_arrays)

    def test_numbers(self):
        on_xy(divmod_numbers)

    def test_python_floats(self):
        on_xy(divmod_python_floats)

    def test_tuple_kept(self):
        on_xy(divmod_kept_as_a_tuple)

    def test_numpy_divmod(self):
        on_xy(numpy_divmod)

    def test_floor_division(self):
        on_xy(floor_division)

    def test_mod_and_floor_division(self):
        on_xy(mod_and_floor_division)

    def test_mod_rebuilt_from_floor_division(self):
        on_xy(mod_rebuilt_from_floor_division)

    def test_augmented_floor_division(self):
        on_xy(augmented_floor_division)


# === h14 (funcs4): generators passed to a method called on its class, by name ===============
class Pool:
    scale = 0.5

    @staticmethod
    def product(items):
        out = 1.0
        for v in items:
            out = out * np.tanh(np.sum(v))
        return out

    @classmethod
    def scaled_sum(cls, items):
        return cls.scale * sum(np.sum(v * v) for v in items)

    def total(self, items):
        return sum(np.sum(v) for v in items)

    @staticmethod
    def both(items):
        first = [np.sum(v) for v in items]
        return sum(first) + sum(np.sum(v) for v in items)


def generator_to_a_staticmethod_on_its_class(x, y):
    return Pool.product(np.sin(e) * y for e in [x, np.fmax(x, -0.2)])


def generator_to_a_classmethod_on_its_class(x, y):
    return Pool.scaled_sum(e * y for e in (x, x * y))


def generator_to_a_plain_method_on_its_class(x, y):
    return Pool.total(Pool(), (np.cos(e) * y for e in (x, y)))


def generator_to_a_static_method_reading_it_twice(x, y):
    return Pool.both(e * y for e in (x, y))


def generator_to_an_object_made_of_what_it_reads(x, y):
    s = 0.0
    for r in x:
        acc = Accumulator(r * y[0])
        s = s + acc.consume(e * x for e in (y, x * r))
    return s


def generator_to_an_object_made_of_x_in_a_loop(x, y):
    out = y
    for row in np.stack([x, y]):
        acc = Accumulator(np.sin(row[0]))
        out = out + 0.2 * np.tanh(acc.consume(e * np.sum(x * x) for e in (row - 1.2, row)))
    return np.sum(out)


def generators_to_objects_made_just_before(x, y):
    # a1 is bound (by the swaps) to what acc5.consume gives back too; the generator given to
    # acc5.consume reads a1 where acc5 is new, made on the line before: it cannot reach it
    acc2 = Accumulator(0.5)
    a1 = acc2.consume(items_of(x * y, -1.2))
    acc5 = Accumulator(0.5)
    a4 = acc5.consume(items_of(2.0 * x, 0.1 * a1))
    a1 = a1 + 0.2 * np.tanh(a4)
    for _ in range(3):
        a1, a4 = a4, a1
    return a1 + 0.5 * a4


def generator_reads_the_object_through_another_name(x, y):
    acc = Accumulator(1.0)
    keep = acc
    return acc.consume(v * keep.total for v in [x, y])


class TestGeneratorsToMethodsOnTheirClass:
    def test_objects_made_just_before(self):
        on_xy(generators_to_objects_made_just_before)

    def test_object_read_through_another_name_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="Accumulator.consume") as err:
            srcdiff.grad(generator_reads_the_object_through_another_name, wrt=(0, 1))(
                X.copy(), Y.copy())
        assert "pass a list instead" in str(err.value)

    def test_staticmethod_on_the_class(self):
        on_xy(generator_to_a_staticmethod_on_its_class)

    def test_classmethod_on_the_class(self):
        on_xy(generator_to_a_classmethod_on_its_class)

    def test_plain_method_on_the_class(self):
        on_xy(generator_to_a_plain_method_on_its_class)

    def test_static_method_reading_it_twice_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="Pool.both") as err:
            srcdiff.grad(generator_to_a_static_method_reading_it_twice, wrt=(0, 1))(
                X.copy(), Y.copy())
        assert "pass a list instead" in str(err.value) and err.value.lineno is not None

    def test_object_made_of_what_the_generator_reads(self):
        on_xy(generator_to_an_object_made_of_what_it_reads)

    def test_object_made_of_x_in_a_loop(self):
        on_xy(generator_to_an_object_made_of_x_in_a_loop)


# === h14 (funcs4): functions held in tuples, loops over zips rebinding a partner ============
class Gain:
    K = 0.7

    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, t):
        return np.tanh(self.w * t + self.b)

    @classmethod
    def scaled(cls, t):
        return t * cls.K


def classmethod_in_a_tuple_not_reaching_the_result(x, y):
    t = x * x
    fs = (np.tanh, Gain.scaled)
    a = fs[1](fs[0](t) * 0.5)
    y = y + 0.2 * np.tanh(a)
    return np.sum(y * y)


def closure_in_a_tuple_called_by_index(x, y):
    s = np.sum(y)
    lam = lambda t: np.sqrt(np.exp(np.tanh(t))) * s   # noqa: E731
    fs = (lam, np.tanh)
    return np.sum(fs[1](fs[0](x) * 0.5))


def nested_def_in_a_list_called_by_index(x, y):
    def step(t):
        return np.sin(t) * y

    fs = [np.cos, step]
    return np.sum(fs[-1](x) + fs[0](y))


def zip_loop_rebinding_its_partner(x, y):
    out = 0.0
    for r in (0.3, x[0]):
        t = x + y
        fs = (Gain.scaled, Gain(0.5, 0.1))
        for g, c in zip(fs, (np.sin(r), 0.5)):
            t = t * 0.5 + c * g(t)
            c = 0.5 * c + 0.5 * np.arctan(y[1])
            out = out + c
        x = x + t
    return x.dot(x) + out


def closure_in_a_tuple_rebound(x, y):
    lam = lambda t: t * y   # noqa: E731
    fs = (lam, np.tanh)
    lam = np.sin   # noqa: F841
    return np.sum(fs[0](x))


def zip_loop_partner_read_after(x, y):
    t = x
    for g, c in zip((np.sin, np.tanh), (y[0], 0.5)):
        t = c * g(t)
        c = c * 2.0
    return np.sum(t) * c


class TestFunctionsHeldInTuples:
    def test_classmethod_in_a_tuple_second_order(self):
        on_xy(classmethod_in_a_tuple_not_reaching_the_result)
        check(classmethod_in_a_tuple_not_reaching_the_result, X.copy(), Y.copy(), wrt=0,
              order=2)

    def test_closure_in_a_tuple(self):
        on_xy(closure_in_a_tuple_called_by_index)

    def test_nested_def_in_a_list(self):
        on_xy(nested_def_in_a_list_called_by_index)

    def test_zip_loop_rebinding_its_partner(self):
        on_xy(zip_loop_rebinding_its_partner)

    def test_closure_rebound_after_the_tuple_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match=r"which function fs\[0\] holds") as err:
            srcdiff.grad(closure_in_a_tuple_rebound, wrt=(0, 1))(X.copy(), Y.copy())
        assert err.value.filename.endswith("test_issue13_functions.py")
        assert "bound once each" in str(err.value) and "fs[0](x)" in err.value.line

    def test_partner_read_after_the_loop_is_refused(self):
        with pytest.raises(srcdiff.SrcdiffError, match="cannot tell which function 'g'") as err:
            srcdiff.grad(zip_loop_partner_read_after, wrt=(0, 1))(X.copy(), Y.copy())
        assert "loop over a list of functions" in str(err.value)
