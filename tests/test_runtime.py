"""srcdiff/runtime.py, the namespace of the runtime helpers: it only re-exports.

Templates, the compiler and the tests name helpers as `srcdiff.runtime.<helper>`, and passes
ask whether a function is one of them by its `__module__` in `runtime.MODULES`; so every
public helper of those modules must be reachable here as the very same object, no name may be
defined by two of them (one would hide the other), and runtime.py defines nothing itself.
"""
import ast
import importlib
import inspect
from pathlib import Path

import numpy as np
import pytest

from srcdiff import runtime

HELPER_MODULES = sorted(runtime.MODULES - {"srcdiff.runtime"})


def _public(module_name):
    module = importlib.import_module(module_name)
    return {name: obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module_name}


def test_modules_names_the_namespace_and_existing_modules():
    assert "srcdiff.runtime" in runtime.MODULES
    for name in HELPER_MODULES:
        assert importlib.import_module(name).__file__.endswith(name.split(".")[1] + ".py")


@pytest.mark.parametrize("module_name", HELPER_MODULES)
def test_every_public_helper_is_reachable_as_the_same_object(module_name):
    helpers = _public(module_name)
    assert helpers, f"{module_name} defines no helper"
    for name, obj in helpers.items():
        assert getattr(runtime, name, None) is obj, f"srcdiff.runtime.{name} is not {module_name}'s"


def test_no_helper_name_is_defined_twice():
    seen = {}
    for module_name in HELPER_MODULES:
        for name in _public(module_name):
            assert name not in seen, f"{name} is defined in {seen.get(name)} and {module_name}"
            seen[name] = module_name


def test_runtime_only_reexports_and_imports_each_name_once():
    tree = ast.parse(Path(runtime.__file__).read_text())
    imported = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue                                  # the docstring
        assert isinstance(node, (ast.ImportFrom, ast.Assign)), ast.dump(node)[:80]
        if isinstance(node, ast.Assign):
            assert [t.id for t in node.targets] == ["MODULES"]
            continue
        imported += [alias.asname or alias.name for alias in node.names]
    twice = {name for name in imported if imported.count(name) > 1}
    assert not twice, f"imported more than once (the later hides the earlier): {twice}"
    for name in imported:
        obj = getattr(runtime, name)
        assert obj.__module__ != "srcdiff.runtime"


def test_reexports_outside_modules_are_the_few_named():
    """The helpers runtime.py re-exports from modules outside MODULES (tangent and lazy
    helpers, the refusal class) are still the defining module's objects."""
    from srcdiff import errors, forward_runtime, lazy_runtime
    outside = {name for name, obj in vars(runtime).items()
               if not name.startswith("_") and callable(obj)
               and obj.__module__ not in runtime.MODULES}
    assert outside == {"RuntimeRefusal", "broadcast_like", "broadcast_back"}
    assert runtime.broadcast_like is forward_runtime.broadcast_like
    assert runtime.broadcast_back is lazy_runtime.broadcast_back
    assert runtime.RuntimeRefusal is errors.RuntimeRefusal


def test_a_helper_reached_through_the_namespace_works():
    g = np.ones((3, 4))
    np.testing.assert_allclose(runtime.unbroadcast(g, np.zeros(4)), np.full(4, 3.0))
    np.testing.assert_allclose(runtime.broadcast_back(np.float64(2.0), np.zeros((2, 2))),
                               np.full((2, 2), 2.0))
