"""srcdiff/census.py: the one-walk census that lets idiom_rewrite.desugar,
function_loops.unroll and generator_calls.prepare return at once when there is nothing for
them. Its answers must be conservative: wherever a census says "nothing to do", the pass
run in full (the census switched off) gives back the very same tree and refuses nothing.
That is checked on every function of the test modules of those passes (functions over
lists of functions, generators, idioms, for/else, ...), and on small written cases."""
import importlib
import inspect
import textwrap
import types

import numpy as np
import pytest

from srcdiff import census, frontend, function_loops, generator_calls, idiom_rewrite
from srcdiff import syntax as S
from srcdiff.generators import APPROVED

MODULES = ("test_function_loops", "test_generator_calls", "test_generator_inline",
           "test_generator_names", "test_generators", "test_idiom_rewrite",
           "test_idioms_programs", "test_idioms", "test_generator_values",
           "test_function_items", "test_object_lists", "test_objects", "test_value_builtins",
           "test_callables_values", "test_fuzz_found", "test_issue13_idioms",
           "test_function_dicts", "test_issue13_functions", "test_issue13_aliases",
           "test_try_blocks", "test_nested_defs", "test_key_loops", "test_filter_calls")


def _functions():
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__ \
                    and not value.__name__.startswith("test_"):
                try:
                    source = frontend.get_source(value)
                except Exception:
                    continue
                found.append((value, source))
    return found


FUNCTIONS = _functions()


def test_the_corpus_is_varied():
    """The corpus holds functions each pass has work in, and functions none has."""
    takes = [census.take(source.node) for _, source in FUNCTIONS]
    assert len(takes) > 100
    assert sum(census.may_unroll(c) for c in takes) > 10
    assert sum(not census.may_desugar(c) for c in takes) > 10
    assert sum(c.yields for c in takes) > 10


def _full(monkeypatch):
    """The passes with the census switched off (as they ran before it)."""
    for question in ("may_unroll", "may_desugar", "may_generate"):
        monkeypatch.setattr(census, question, lambda *a, **k: True)


@pytest.mark.parametrize("fn, source", FUNCTIONS, ids=[f.__qualname__ for f, _ in FUNCTIONS])
def test_nothing_to_do_means_the_full_pass_changes_nothing(fn, source, monkeypatch):
    resolver = frontend.Resolver(fn)

    def resolve(name):
        return resolver.lookup(name, None)

    fdef = S.clone(source.node)
    taken = census.take(fdef)
    unroll = census.may_unroll(taken)
    desugar = census.may_desugar(taken)
    generate = census.may_generate(taken, resolve)
    _full(monkeypatch)
    before = S.dump(fdef)
    if not unroll:
        assert function_loops.unroll(fdef, resolve) is fdef
    if not desugar:
        assert idiom_rewrite.desugar(fdef, resolve) is fdef
    if not generate:
        assert generator_calls.prepare(source, fdef, resolve, {}) is fdef
        assert not any(getattr(n, APPROVED, False) for n in S.walk(fdef))
    assert S.dump(fdef) == before   # nor was the tree changed in place


def _take(text):
    return census.take(S.parse_function(textwrap.dedent(text)))


def gen_items(x):
    yield x
    yield 2 * x


class Sampler:
    def draws(self, x):
        yield x


def test_plain_numpy_function_needs_none_of_the_passes():
    c = _take('''
        def f(w, x):
            h = np.tanh(x @ w)
            a, b = h.shape
            for i in range(3):
                h = h * 2.0 + np.sum(w) * (1, 2)[0]
            return np.max(h) + x.sum()
        ''')
    scope = {"np": np, "range": range}.get   # as the resolver finds builtins
    assert not census.may_unroll(c)
    assert not census.may_desugar(c)
    assert not census.may_generate(c, scope)


@pytest.mark.parametrize("text", [
    "def f(x):\n    for g in (np.sin, np.cos):\n        x = g(x)\n    return x\n",
    "def f(x):\n    fs = [np.sin]\n    return sum(g(x) for g in fs)\n",
    "def f(x):\n    d = {'a': np.sin}\n    for k, g in d.items():\n        x = g(x)\n    return x\n",
    "def f(x):\n    for k, g in ACTS.items():\n        x = g(x)\n    return x\n",   # module-level
    "def f(x):\n    return sum(g(x) for g in ACTS.values())\n",
])
def test_a_display_of_non_constants_may_be_unrolled(text):
    assert census.may_unroll(_take(text))
    assert census.may_desugar(_take(text))


@pytest.mark.parametrize("text", [
    "def f(x):\n    for i in range(2):\n        x = x + 1\n    else:\n        x = x * 2\n"
    "    return x\n",
    "def f(x, y):\n    return sum(a * b for a, b in zip(x, y))\n",
    "def f(x, y, z):\n    return max(x, y, z)\n",
    "def f(x):\n    return dict(enumerate(x))\n",
    "def f(x, d):\n    e = {**d, 'k': x}\n    return e['k']\n",
    "def f(x):\n    a, *rest = x\n    return a\n",
])
def test_what_idiom_rewrite_reads_is_seen(text):
    assert census.may_desugar(_take(text))


@pytest.mark.parametrize("text, scope, known", [
    ("def f(x):\n    yield x\n", {}, {}),
    ("def f(x):\n    return sum(gen_items(x))\n", {"gen_items": gen_items}, {}),
    ("def f(x):\n    return sum(m.gen_items(x))\n",
     {"m": inspect.getmodule(gen_items)}, {}),
    ("def f(s, x):\n    return sum(s.draws(x))\n", {}, {"s": Sampler}),
    ("def f(x):\n    s = Sampler()\n    return sum(s.draws(x))\n", {"Sampler": Sampler}, {}),
    ("def f(x):\n    return sum(Sampler.draws(None, x))\n", {"Sampler": Sampler}, {}),
    ("def f(x):\n    return sequence_of(x)\n", {}, {}),
])
def test_what_may_reach_a_generator_is_seen(text, scope, known):
    assert census.may_generate(_take(text), scope.get, known)
