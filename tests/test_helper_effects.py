"""srcdiff/helper_effects.py: which of srcdiff's own helpers a differentiated program may
call for their effect (read-only checks, and drop_missing, which forward mode repeats on
the tangent), and the refusal of any other."""
import ast
import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import srcdiff
import srcdiff.helper_effects as helper_effects
from srcdiff.runtime import add_at, add_item, drop_missing

import gradcheck


def _own_modules():
    names = [m.name for m in pkgutil.iter_modules(srcdiff.__path__, "srcdiff.")]
    return sorted(n for n in names if helper_effects.is_own_helper(
        type("probe", (), {"__module__": n})))


def test_every_check_helper_is_listed_as_reading_only():
    """A new check_* helper must be listed (after reading it): a helper called for its
    effect that is not listed is refused where it is given a value being differentiated."""
    missing = []
    for module in _own_modules():
        for name, obj in vars(importlib.import_module(module)).items():
            if (name.startswith("check_") or name == "refuse") and callable(obj) and \
                    obj.__module__ == module and not helper_effects.reads_only(obj):
                missing.append(f"{module}.{name}")
    assert not missing, missing


_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
             "sort", "fill", "put", "resize", "itemset", "__setitem__", "__delitem__"}


def _writes_into_a_parameter(func):
    """Statements of func's source that write into one of its parameters (item and attribute
    stores, del, augmented item stores, mutating methods, out=, ufunc.at)."""
    tree = ast.parse(inspect.getsource(func).lstrip())
    node = tree.body[0]
    params = {a.arg for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs}
    if node.args.vararg:
        params.add(node.args.vararg.arg)

    def root(target):
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        return target.id if isinstance(target, ast.Name) else None

    found = []
    for n in ast.walk(node):
        targets = n.targets if isinstance(n, (ast.Assign, ast.Delete)) else \
            [n.target] if isinstance(n, ast.AugAssign) else []
        for t in targets:
            if isinstance(t, (ast.Subscript, ast.Attribute)) and root(t) in params:
                found.append(ast.unparse(n))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            if n.func.attr in _MUTATORS and root(n.func.value) in params:
                found.append(ast.unparse(n))
            if n.func.attr == "at":
                found.append(ast.unparse(n))
        if isinstance(n, ast.Call) and any(k.arg == "out" for k in n.keywords):
            found.append(ast.unparse(n))
    return found


def _listed(table):
    for module, names in sorted(table.items()):
        for name in sorted(names):
            yield getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("func", list(_listed(helper_effects.READS_ONLY)),
                         ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_a_helper_listed_as_reading_only_writes_into_no_parameter(func):
    assert helper_effects.reads_only(func) and helper_effects.followed(func)
    assert not _writes_into_a_parameter(func)


def test_a_writing_helper_is_not_listed_and_the_scan_sees_its_write():
    for func in (add_item, add_at):
        assert helper_effects.is_own_helper(func) and not helper_effects.followed(func)
        assert _writes_into_a_parameter(func)
    assert helper_effects.forward_treated(drop_missing) and not helper_effects.reads_only(
        drop_missing)
    assert helper_effects.deleted_key(drop_missing) == 1
    assert not helper_effects.is_own_helper(np.add.at) and not helper_effects.is_own_helper(len)


def add_item_for_effect(x):
    y = np.zeros(3)
    add_item(y, 1, x[0] * x[2])   # y[1] += x[0] * x[2], in place: no derivative follows it
    return np.sum(y * x)


def add_at_for_effect(x):
    y = x * 1.0
    add_at(y, np.array([0, 0]), x[1] ** 2)
    return np.sum(y * y)


@pytest.mark.parametrize("f", [add_item_for_effect, add_at_for_effect])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_writing_helper_called_for_its_effect_is_refused_where_it_was_silently_wrong(f, mode):
    """Both modes skipped srcdiff's own helpers called for their effect: grad of
    add_item_for_effect was [0, -1, 0] (the write into y lost), its jvp along e0 -1.5 where
    central differences give -3."""
    x = np.array([0.5, 1.5, -2.0])
    err = gradcheck.refusal(f, (x,), mode)
    assert "own helpers" in err.hint and "is dropped" in str(err)


def dict_writes(x):
    d = {}
    d["a"] = x[0] * x[1]
    d["b"] = d["a"] * x[2]
    d["a"] = d["a"] + x[2] ** 2
    return d["a"] * d["b"]


def test_drop_missing_in_a_gradient_differentiated_again_is_followed_on_the_tangent():
    """The adjoint of dict writes restores each key and drops the ones that were missing
    (drop_missing); forward mode over it deletes the key from the tangent dict too, and a
    third derivative deletes it from the tangent's tangent (drop_missing_tangent)."""
    x = np.array([0.3, -1.2, 0.7])
    gradcheck.check(dict_writes, x, order=2)
    source = srcdiff.hvp(dict_writes).source
    assert "drop_missing_tangent(tan_d, d, 'a')" in source
    gradient = srcdiff.grad(dict_writes)

    def along(x, v):
        return np.sum(gradient(x) * v)
    gradcheck.check(along, x, np.array([1.0, 2.0, -0.5]), order=2)
