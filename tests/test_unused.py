"""Unused helper variants and nested functions dropped from emitted code
(srcdiff/unused.py); the derivatives still agree with finite differences."""
import re

import numpy as np

import srcdiff
from srcdiff import emit
from srcdiff import syntax as S
from srcdiff.unused import drop_unused
from gradcheck import check


def rhs(y, theta):
    return theta * y - 0.1 * y * y


def step(f, y, theta):
    return y + 0.1 * f(y, theta)


def run(theta, y0):
    y = y0
    for i in range(3):
        y = step(rhs, y, theta)
    return np.sum(y)


THETA = np.array([0.5, 0.7])
Y0 = np.array([1.0, 2.0])


def _defs(text):
    return re.findall(r"^def (\w+)\(", text, re.M)


def test_every_emitted_variant_is_called():
    jvp = srcdiff.jvp(run)
    jvp(THETA, Y0, THETA)
    text = srcdiff.source(jvp)
    defs = _defs(text)
    # the loop's first fixpoint round made jvp_rhs and jvp_step for an inactive y; y turned
    # active, and the round was rolled back (program.py): only the variants called remain
    assert defs == ["jvp_run", "jvp_rhs", "jvp_step"]
    for name in defs[1:]:
        assert len(re.findall(rf"\b{name}\(", text)) >= 2, name  # its def, and a call
    grad = srcdiff.grad(run)
    grad(THETA, Y0)
    assert _defs(srcdiff.source(grad)) == ["grad_run", "forward_rhs", "backward_rhs",
                                           "forward_step", "backward_step"]
    check(run, THETA, Y0, wrt=(0, 1))


def test_a_nested_def_nothing_reads_goes():
    fdefs = [S.parse_function("def f(x):\n    def g(y):\n        return y\n"
                              "    def h(y):\n        return y\n    return h(x)\n")]
    text = emit.to_source(drop_unused(fdefs))
    assert "def g(" not in text and "def h(" in text


def test_a_def_read_by_its_name_as_text_or_bound_twice_stays():
    for source in ("def f(x):\n    def g(y):\n        return y\n    return locals()['g'](x)\n",
                   "def f(x):\n    def g(y):\n        return y\n    g = 1\n    return x\n"):
        text = emit.to_source(drop_unused([S.parse_function(source)]))
        assert "def g(" in text


def test_functions_named_twice_are_all_kept():
    fdefs = [S.parse_function("def f(x):\n    return x\n"),
             S.parse_function("def g(x):\n    return x\n"),
             S.parse_function("def g(x):\n    return x + 1\n")]
    assert len(drop_unused(fdefs)) == 3


def test_a_function_declaring_a_global_or_nonlocal_keeps_its_nested_defs():
    for declaration in ("global q", "nonlocal q"):
        source = (f"def f(x):\n    q = 1\n    def outer(y):\n        {declaration}\n"
                  "        def g(z):\n            return z\n        return y\n    return x\n")
        text = emit.to_source(drop_unused([S.parse_function(source)]))
        assert "def g(" in text, declaration


def test_the_statements_alone_say_whether_a_function_nests_a_def():
    # _drop_nested returns at once where _defines finds no def or class among the statements;
    # on every function of srcdiff's own modules and of tests/test_d*.py, it must agree with a
    # full walk
    import glob
    import os
    from srcdiff import unused
    root = os.path.dirname(os.path.dirname(os.path.abspath(unused.__file__)))
    seen = nesting = 0
    for path in sorted(glob.glob(os.path.join(root, "srcdiff", "*.py")) +
                       glob.glob(os.path.join(root, "tests", "test_d*.py"))):
        with open(path) as fh:
            tree = S.parse_module(fh.read())
        for fdef in S.walk(tree):
            if fdef.__class__ is not S.FunctionDef:
                continue
            walked = any(n.__class__ in (S.FunctionDef, S.ClassDef)
                         for n in S.walk(fdef) if n is not fdef)
            assert unused._defines(fdef.body) == walked, (path, fdef.name)
            seen += 1
            nesting += walked
    assert seen > 1000 and nesting > 50   # both answers met
