"""srcdiff/rule_source.py: a rule's def or lambda read from its file's lines without the
tokenizer: the exact text inspect.getsource gives, or None where the short way does not
give the function's own code (the rule is then read the long way)."""
import importlib
import importlib.util
import inspect
import linecache
import textwrap

import pytest

from srcdiff import rule_forms, rule_source, rules
from srcdiff import syntax as S


def _lines(text):
    return textwrap.dedent(text).splitlines(keepends=True)


def _code_of(text, name):
    scope = {}
    exec(compile("".join(text), "<test>", "exec"), {"deco": lambda f: f}, scope)
    return scope[name].__code__


def test_every_rule_def_of_srcdiff_reads_as_inspect_reads_it():
    rules.load_templates(optional=True)
    package = importlib.import_module("srcdiff.templates")
    checked, short = 0, 0
    for name in sorted(importlib.import_module("pkgutil").iter_modules(package.__path__),
                       key=lambda i: i.name):
        if name.name in rules.OPTIONAL and importlib.util.find_spec(
                rules.OPTIONAL[name.name].split(".")[0]) is None:
            continue   # the rules of an optional package not installed: never imported
        module = importlib.import_module(f"srcdiff.templates.{name.name}")
        for fn in vars(module).values():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and \
                    fn.__name__ != "<lambda>":
                code = fn.__code__
                text = rule_source.def_source(code, linecache.getlines(code.co_filename))
                # None: read the long way (inspect), never another text
                assert text in (None, textwrap.dedent(inspect.getsource(fn))), fn.__qualname__
                checked += 1
                short += text is not None
    assert checked > 100 and short >= 0.9 * checked


def test_a_decorated_def_ends_where_python_ends_it():
    lines = _lines('''
        x = 1


        @deco
        def f(y, a):
            t = a * 2
        # a comment at column 0 inside the body

            return t + y
        # the next statement's comment

        z = 2
        ''')
    text = rule_source.def_source(_code_of(lines, "f"), lines)
    assert text == "".join(lines[4:10])
    assert "return t + y" in text and "next statement" not in text


def test_a_cut_that_is_not_the_function_is_refused():
    lines = _lines('''
        def f(a,
              b,
        ):
            return a * b
        ''')
    # Python ends the def later than indentation says: the cut does not compile
    assert rule_source.def_source(_code_of(lines, "f"), lines) is None
    doc = _lines('''
        def g(a):
            s = """
        text at column 0
        """
            return a
        ''')
    assert rule_source.def_source(_code_of(doc, "g"), doc) is None
    # the file changed since the function was compiled: another body, refused
    changed = _lines('''
        def f(y, a):
            return a * 3
        ''')
    code = _code_of(_lines('''
        def f(y, a):
            return a * 2
        '''), "f")
    assert rule_source.def_source(code, changed) is None
    assert rule_source.def_source(code, []) is None


def test_the_statement_around_a_line():
    lines = _lines('''
        a = 1
        elementwise(
            numpy.sin,
            lambda y, x: numpy.cos(x),
        )
        # after
        b = 2
        ''')
    first, chunk = rule_source.statement_lines(lines, 5)
    assert first == 3 and "".join(chunk).startswith("elementwise(") and "b = 2" not in "".join(chunk)
    assert rule_source.statement_lines(lines, 0) is None
    assert rule_source.statement_lines(lines, len(lines) + 1) is None


def test_a_lambda_is_found_from_its_statement(tmp_path, monkeypatch):
    module = tmp_path / "lambda_rules_for_test.py"
    module.write_text(textwrap.dedent('''
        import numpy
        pairs = [
            lambda y, x: numpy.cos(x),
            lambda y, x: -numpy.sin(x),
        ]
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    loaded = importlib.import_module("lambda_rules_for_test")
    lines = linecache.getlines(str(module))
    texts = [rule_forms._lambda_in_statement(fn, lines, fn.__code__.co_firstlineno, ["y", "x"])
             for fn in loaded.pairs]
    assert texts == ["(numpy.cos(x))", "(-numpy.sin(x))"]
    # the same text as the whole file's parse gives
    rule_forms._LAMBDAS.pop(str(module), None)
    assert [rule_forms._lambda_source(fn, lines) for fn in loaded.pairs] == texts
    assert S.dump(S.quote_expr(texts[1])) == S.dump(S.quote_expr("(-numpy.sin(x))"))
    # a file changed since: not this lambda, refused (the long way then says so)
    changed = [line.replace("cos", "tan") for line in lines]
    assert rule_forms._lambda_in_statement(loaded.pairs[0], changed,
                                           loaded.pairs[0].__code__.co_firstlineno,
                                           ["y", "x"]) is None
    with pytest.raises(Exception, match="changed since"):
        rule_forms._LAMBDAS.pop(str(module), None)
        rule_forms._lambda_source(loaded.pairs[0], changed)
