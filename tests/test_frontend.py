"""Stage 1, frontend (srcdiff/frontend.py, srcdiff/resolver.py): from a live function to its
syntax tree in its real file, and its free names to live objects."""
import functools
import importlib
import inspect
import os
import sys
import textwrap

import numpy as np
import pytest

import srcdiff
from srcdiff import frontend, resolver
from srcdiff import syntax as S
from srcdiff.errors import UnsupportedCodeError

HERE = os.path.abspath(__file__)


def square_sum(x):
    return np.sum(x * x)


class Model:
    def __init__(self, w):
        self.w = w

    def loss(self, x):
        return np.sum(self.w * x)


def doubled(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return 2.0 * fn(x)
    return wrapper


@doubled
def decorated(x):
    return x * x


REGISTRY = []


def registered(fn):  # a decorator that returns the function itself
    REGISTRY.append(fn)
    return fn


@registered
def kept(x):
    return 3.0 * x


def cubed(x):
    return x * x * x


def _line_of(fn):
    return inspect.getsourcelines(fn)[1]


def test_a_module_level_function_is_found_in_its_file():
    source = frontend.get_source(square_sum)
    assert os.path.abspath(source.filename) == HERE
    assert isinstance(source.node, S.FunctionDef) and source.node.name == "square_sum"
    assert source.node.lineno == _line_of(square_sum)  # the user's own line numbers
    assert source.line(source.node.lineno) == "def square_sum(x):"


def test_a_bound_method_is_read_as_its_function():
    source = frontend.get_source(Model(1.0).loss)
    assert source.node.name == "loss"
    assert [a.id for a in source.node.args.args] == ["self", "x"]
    assert source.node.lineno == _line_of(Model.loss)


def test_a_lambda_becomes_a_def_of_its_expression():
    f = lambda x: x * 2.0  # noqa: E731
    source = frontend.get_source(f)
    assert isinstance(source.node, S.FunctionDef)
    assert [a.id for a in source.node.args.args] == ["x"]
    assert isinstance(source.node.body[-1], S.Return)
    assert source.node.lineno == f.__code__.co_firstlineno


def test_a_decorated_function_is_the_code_that_runs():
    """A functools.wraps wrapper is not unwrapped: its own code is what a call runs."""
    source = frontend.get_source(decorated)
    assert source.node.name == "wrapper"
    source = frontend.get_source(kept)  # a decorator returning the function: its def
    assert source.node.name == "kept"
    assert source.line(source.node.lineno) == "def kept(x):"  # below its decorator line
    assert source.line(kept.__code__.co_firstlineno) == "@registered"


def test_the_derivatives_agree_with_what_the_frontend_reads():
    from gradcheck import check
    check(decorated, 1.5)
    check(kept, 1.5)
    # second order too: gradcheck binds the emitted vjp of a method to its object
    check(Model(np.array([1.0, 2.0])).loss, np.array([0.5, -1.0]))


def test_no_source_is_a_located_refusal():
    with pytest.raises(UnsupportedCodeError, match="not a Python function"):
        frontend.get_source(np.sin)
    namespace = {}
    exec(compile("def typed(x):\n    return x\n", "<stdin>", "exec"), namespace)
    with pytest.raises(UnsupportedCodeError, match="source of typed is not available"):
        frontend.get_source(namespace["typed"])


@pytest.fixture
def module_file(tmp_path, monkeypatch):
    """Write a module, import it, and return (module, path)."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(name, text):
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(text))
        module = importlib.import_module(name)
        monkeypatch.setitem(sys.modules, name, module)
        return module, path
    return make


def test_a_file_edited_after_import_is_stale_source(module_file):
    module, path = module_file("fe_stale_mod", """
        def f(x):
            return x * x
        """)
    assert frontend.get_source(module.f).node.name == "f"
    path.write_text("def f(x):\n    return x * x * x\n")  # edited, not reloaded
    import linecache
    linecache.checkcache(str(path))
    with pytest.raises(UnsupportedCodeError) as info:
        frontend.get_source(module.f)
    assert info.value.filename == str(path)


def test_the_resolver_reads_cells_then_globals_then_builtins():
    np_here = "a global"  # noqa: F841 - a local of this test, not a cell of g

    def make():
        sum = "a cell"  # noqa: A001 - shadows the builtin in g's closure

        def g():
            return sum, np, len
        return g
    names = resolver.Resolver(make())
    assert names.lookup("sum") == "a cell"
    assert names.lookup("np") is np
    assert names.lookup("len") is len
    assert names.lookup("nowhere", None) is None
    with pytest.raises(KeyError):
        names.lookup("nowhere")


def test_tracking_tells_when_a_function_read_by_name_is_redefined(module_file):
    module, _ = module_file("fe_tracked_mod", """
        def helper(x):
            return x * x

        def f(x):
            return helper(x)
        """)
    with resolver.tracking() as deps:
        resolver.Resolver(module.f).lookup("helper")
    assert deps == [(vars(module), "helper", module.helper)]
    assert not resolver.stale(deps)
    module.helper = lambda x: x
    assert resolver.stale(deps)


def test_a_redefined_helper_makes_the_derivative_again(module_file):
    module, _ = module_file("fe_redefined_mod", """
        def helper(x):
            return x * x

        def f(x):
            return helper(x)
        """)
    g = srcdiff.grad(module.f)

    def central_difference(x, h=1e-6):
        return (module.f(x + h) - module.f(x - h)) / (2 * h)
    before = g(3.0)
    assert before == pytest.approx(central_difference(3.0), rel=1e-6)
    module.helper = cubed  # redefined: the same derivative is made again for it
    assert g(3.0) == pytest.approx(central_difference(3.0), rel=1e-6)
    assert g(3.0) != pytest.approx(before)


def test_the_frontend_reexports_what_it_moved_to_the_resolver():
    assert frontend.Resolver is resolver.Resolver
    assert frontend.stale is resolver.stale and frontend.tracking is resolver.tracking


def test_source_error_names_the_users_line():
    source = frontend.get_source(square_sum)
    err = source.error(source.node.lineno + 1, "why", hint="what instead")
    assert err.filename == source.filename and err.lineno == source.node.lineno + 1
    assert "return np.sum(x * x)" in str(err) and "what instead" in str(err)
