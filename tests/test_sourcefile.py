"""srcdiff/sourcefile.py: a function's definition is found in its file's text, and only
when that text is still what the running function was compiled from (issue 20: a file
edited after import, a notebook cell run again with new text, a 300-term expression in
another function of the file)."""
import importlib.util
import linecache
import textwrap

import numpy as np
import pytest

import srcdiff
from gradcheck import check, check_hvp

X = np.array([0.4, -1.3, 2.2])


def _module(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def _refusals(f, x, *must):
    """Every transform refuses f, each naming the file and line and quoting it."""
    for make in (lambda: srcdiff.grad(f)(x), lambda: srcdiff.value_and_grad(f)(x),
                 lambda: srcdiff.jvp(f)(x, np.ones_like(x)),
                 lambda: srcdiff.hvp(f)(x, np.ones_like(x))):
        with pytest.raises(srcdiff.SrcdiffError) as info:
            make()
        text = str(info.value)
        for part in must:
            assert part in text, text


SQUARE = """
    import numpy as np
    def f(x):
        return np.sum(x * x)
"""


def test_a_file_edited_after_import_is_refused(tmp_path):
    module, path = _module(tmp_path, "edited_body", SQUARE)
    # the same lines, another body: the running f still squares (a derivative made before
    # the edit is kept: it was made from f's own text)
    path.write_text(textwrap.dedent(SQUARE).replace("x * x", "x * x * x"))
    linecache.checkcache(str(path))
    _refusals(module.f, X, f"{path}:3:", "has changed since it was defined",
              "def f(x):", "importlib.reload")


def test_a_function_moved_by_an_edit_is_refused(tmp_path):
    module, path = _module(tmp_path, "edited_above", SQUARE)
    path.write_text("# a comment\n# and another\n" + textwrap.dedent(SQUARE))
    linecache.checkcache(str(path))
    _refusals(module.f, X, f"{path}:3:", "has changed since it was defined")


def test_a_constant_edited_in_place_is_refused(tmp_path):
    module, path = _module(tmp_path, "edited_constant", """
        import numpy as np
        def f(x):
            return np.sum(x * 2.0)
    """)
    path.write_text(path.read_text().replace("2.0", "3.0"))
    linecache.checkcache(str(path))
    _refusals(module.f, X, "has changed since it was defined")


def test_a_notebook_cell_run_again_with_new_text_is_refused():
    cell = "<cell-srcdiff-test-1>"
    old = "import numpy as np\ndef f(x):\n    return np.sum(x * x)\n"
    new = "import numpy as np\ndef f(x):\n    return np.sum(x * x * x)\n"
    namespace = {}
    linecache.cache[cell] = (len(old), None, old.splitlines(True), cell)
    try:
        exec(compile(old, cell, "exec"), namespace)
        f = namespace["f"]
        linecache.cache[cell] = (len(new), None, new.splitlines(True), cell)
        _refusals(f, X, f"{cell}:2:", "has changed since it was defined")
    finally:
        linecache.cache.pop(cell, None)


def test_an_edit_elsewhere_in_the_file_refuses_nothing(tmp_path):
    module, path = _module(tmp_path, "edited_elsewhere", SQUARE + """
    def g(x):
        return np.sum(x)
    """)
    path.write_text(path.read_text().replace("np.sum(x)\n", "np.sum(x) + 1.0\n"))
    linecache.checkcache(str(path))
    check(module.f, X)  # f's own code is the file's: differentiated
    _refusals(module.g, X, "has changed since it was defined")


def test_a_file_edited_into_a_syntax_error_elsewhere(tmp_path):
    """The whole text no longer parses: the definition is compiled alone and compared."""
    module, path = _module(tmp_path, "edited_broken", SQUARE + """
    def g(x):
        return np.sum(x)
    """)
    path.write_text(path.read_text().replace("return np.sum(x)\n", "return np.sum(x\n"))
    linecache.checkcache(str(path))
    check(module.f, X)
    module.f = module.f2 = _module(tmp_path, "edited_broken_2", SQUARE)[0].f
    path = tmp_path / "edited_broken_2.py"
    path.write_text(path.read_text().replace("x * x", "x + x") + "def g(:\n")
    linecache.checkcache(str(path))
    _refusals(module.f, X, "has changed since it was defined")


KINDS = """
    import functools
    import numpy as np

    SCALE = 1.5
    REGISTRY = []

    def register(fn):
        REGISTRY.append(fn)
        return fn

    @register
    def decorated(x):
        return np.sum(np.sin(x) * SCALE)

    def outer(a):
        def inner(x):
            return np.sum(x * x * a)
        return inner

    square = lambda x: np.sum(x * x); cube = lambda x: np.sum(x * x * x)

    class Model:
        def __init__(self, w):
            self.w = w

        def loss(self, x):
            return np.sum(np.tanh(x) * self.w)

        @staticmethod
        def plain(x):
            return np.sum(np.exp(x) * 0.5)

        @classmethod
        def made(cls, x):
            return np.sum(np.cos(x))
"""


def _kinds(namespace):
    model = namespace["Model"](2.0)
    return [namespace["decorated"], namespace["outer"](0.7), namespace["square"],
            namespace["cube"], model.loss, namespace["Model"].plain, namespace["Model"].made]


def _check(f):
    import inspect
    # gradcheck's second order composes the emitted vjp, which takes a bound method's
    # object first: methods are checked to first order there, and by hvp to second
    check(f, X, order=1 if inspect.ismethod(f) else 2)
    if inspect.ismethod(f):
        check_hvp(f, X, vector=np.array([1.0, -0.5, 2.0]))


def test_functions_of_every_kind_in_a_file_are_not_refused(tmp_path):
    module, _ = _module(tmp_path, "kinds", KINDS)
    for f in _kinds(vars(module)):
        _check(f)


def test_functions_of_every_kind_in_a_notebook_cell_are_not_refused():
    cell = "<cell-srcdiff-test-2>"
    text = textwrap.dedent(KINDS)
    linecache.cache[cell] = (len(text), None, text.splitlines(True), cell)
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(text, cell, "exec"), namespace)
        for f in _kinds(namespace):
            _check(f)
    finally:
        linecache.cache.pop(cell, None)


def test_a_very_deep_expression_breaks_no_other_function_of_its_file(tmp_path):
    """A 300-term sum differentiates (srcdiff's tree conversions recurse less than gast's,
    which could not); a 1,000-term one is refused, located, and neither breaks the other
    functions of its file."""
    terms = " + ".join(f"x * {i}.0" for i in range(300))
    deeper = " + ".join(f"x * {i}.0" for i in range(1000))
    module, path = _module(tmp_path, "deep", f"""
        import numpy as np
        def deep(x):
            return {terms}
        def small(x):
            return np.sum(np.sin(x) * x)
        def deeper(x):
            return {deeper}
    """)
    check(module.small, X)
    check(lambda x: np.sum(module.deep(x)), X, order=1)   # (linear in x: no second order)
    _refusals(module.deeper, X, f"{path}:8:", "nested too deeply", "return x * 0.0 + x * 1.0",
              "split it")


def test_index_of_defs_and_lambdas_is_ast_walks():
    """File indexes its defs from the blocks of statements alone and its lambdas at their
    first use: both are what a walk of every node finds, in the same order (srcdiff's own
    files, tests/test_d*.py, and a file of decorated, nested, conditional and matched defs)."""
    import ast
    import glob
    import os
    from srcdiff import sourcefile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    texts = [open(p).read() for p in sorted(glob.glob(os.path.join(root, "srcdiff", "*.py")) +
                                            glob.glob(os.path.join(root, "tests", "test_d*.py")))]
    texts.append(textwrap.dedent('''
        import functools
        @functools.lru_cache
        @staticmethod
        def f(x): return (lambda y: y + 1)(x)
        class A:
            def f(self, x):
                def g(y): return y
                return g(x) if x else (lambda z: z)(x)
        try:
            def h(x): return x
        except ImportError:
            def h(x): return -x
        else:
            k = [lambda a: a, lambda b: b]
        finally:
            def m(x): return x
        match 3:
            case 3:
                def n(x): return x
        while False:
            def w(x): return x
        else:
            async def v(x): return x
    '''))
    for text in texts:
        file = sourcefile.File("<text>", text)
        defs, lambdas = {}, {}
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                for line in {first, node.lineno}:
                    defs.setdefault((node.name, line), []).append(
                        (node.lineno, node.col_offset))
            elif isinstance(node, ast.Lambda):
                lambdas.setdefault(node.lineno, []).append((node.lineno, node.col_offset))
        for found in lambdas.values():
            found.sort()
        assert {k: [(n.lineno, n.col_offset) for n in v] for k, v in file.defs.items()} == defs
        assert {k: [(n.lineno, n.col_offset) for n in v]
                for k, v in file.lambdas.items()} == lambdas
    assert ("n", 20) in file.defs and ("v", 24) in file.defs and len(file.lambdas[15]) == 2


def test_a_derivative_too_deep_to_differentiate_again_says_so():
    """Met differentiating srcdiff's emitted code again (an hvp of a long function): the
    refusal says the derivative is what is too deep (emitted_origins then names the user's
    line), not "this expression" of a line the user did not write."""
    import ast
    from srcdiff import sourcefile
    text = "def grad_f(x):\n    y = x * 2.0\n    return y\n"
    err = sourcefile.too_deep("srcdiff-generated/m.py-1/grad_f.py", text.splitlines(True),
                              ast.parse(text).body[0])
    assert "the derivative srcdiff made of this function" in err.reason
    assert "differentiate it again" in err.reason and "smaller functions" in err.hint
    user = sourcefile.too_deep("m.py", text.splitlines(True), ast.parse(text).body[0])
    assert user.reason.startswith("this expression is nested too deeply")
