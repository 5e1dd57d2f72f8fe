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


# writes_in_place: lower.py runs the alias analysis (aliasing.check_writes) only where it says
# True; wherever it says False, that analysis run in full must give no guard and refuse nothing
WRITING_MODULES = ("test_aliasing", "test_issue13_aliases", "test_issue13_aliases2",
                   "test_issue13_writes", "test_update_checks", "test_inplace_calls",
                   "test_argument_writes", "test_container_writes", "test_alias_groups",
                   "test_loop_rows", "test_fuzz_found")


def _writing_functions():
    found = []
    for name in WRITING_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__ \
                    and not value.__name__.startswith("test_") and "<" not in value.__qualname__:
                found.append(value)
    return found


WRITING = _writing_functions()


def test_no_write_in_place_means_the_alias_analysis_has_nothing_to_do(monkeypatch):
    from srcdiff import aliasing, runtime, transform
    from srcdiff.analyze import flatten
    from srcdiff.errors import SrcdiffError
    real_gate, real_check = census.writes_in_place, aliasing.check_writes
    answers = []

    def gate(body):
        answers.append([real_gate(body), None])
        return True   # the analysis runs everywhere, its outcome kept beside the answer

    def check(*args, **kwargs):
        try:
            answers[-1][1] = real_check(*args, **kwargs)
        except SrcdiffError as exc:
            answers[-1][1] = exc
            raise
        return answers[-1][1]

    monkeypatch.setattr(census, "writes_in_place", gate)
    monkeypatch.setattr(aliasing, "check_writes", check)
    seen = {True: 0, False: 0}
    for fn in WRITING:
        del answers[:]
        try:
            low = transform.lower_function(fn)
        except SrcdiffError:
            low = None
        except Exception:   # not a function srcdiff lowers (a helper of the tests)
            continue
        for says, outcome in answers:
            seen[says] += 1
            if not says:
                assert outcome == [], (fn.__qualname__, outcome)
        if low is not None and "check_argument_update" not in low.bindings:
            # lower.py's other gate: argument_writes.relax_unseen_argument_updates rewrites
            # only the checks lower_copies placed, which bind that name
            assert not any(s.sd.func is runtime.check_argument_update
                           for s in flatten(low.body))
    assert seen[True] > 20 and seen[False] > 20, seen


def plain_layer(w, x, y):
    h = np.tanh(x @ w)
    s = np.sum(h * 2.0 + 1.0, axis=1)
    loss = -np.sum(y * np.log(np.exp(s) / np.sum(np.exp(s))))
    r = 0.0
    for i in range(3):
        r = r + np.sum(w * w) * 0.01
    if loss > 0:
        loss = loss + r
    return loss


def item_write(x):
    y = x * 1.0
    y[0] = 2.0 * x[1]
    return np.sum(y)


def augmented(x):
    y = x * 1.0
    y += x
    return np.sum(y)


def test_what_writes_in_place_is_seen():
    from srcdiff import transform
    assert not census.writes_in_place(transform.lower_function(plain_layer).body)
    assert census.writes_in_place(transform.lower_function(item_write).body)
    assert census.writes_in_place(transform.lower_function(augmented).body)


def test_no_alias_or_row_loop_means_those_passes_give_the_tree_back():
    """lower.py imports and runs alias_groups and loop_rows only where census.may_group_aliases
    and census.may_take_rows say they may act; wherever they say no, the pass run in full
    gives the very tree back (on the writing tests' functions and the census corpus)."""
    from srcdiff import alias_groups, loop_rows
    said = {"group": [0, 0], "rows": [0, 0]}
    for fn in WRITING + [f for f, _ in FUNCTIONS]:
        try:
            source = frontend.get_source(fn)
        except Exception:
            continue
        fdef = S.clone(source.node)
        before = S.dump(fdef)
        group, rows = census.may_group_aliases(fdef), census.may_take_rows(fdef)
        said["group"][group] += 1
        said["rows"][rows] += 1
        if not group:
            assert alias_groups.rewrite(fdef) is fdef, fn.__qualname__
        if not rows:
            resolver = frontend.Resolver(fn)
            assert loop_rows.rewrite(fdef, lambda n: resolver.lookup(n, None)) is fdef, \
                fn.__qualname__
        assert S.dump(fdef) == before
    assert min(said["group"] + said["rows"]) > 5, said


def test_no_view_bound_by_a_slice_means_view_writes_gives_the_tree_back():
    """lower.py imports and runs view_writes only where census.may_bind_views finds a name
    bound to a slice of a name; wherever it says no, the pass run in full gives the very
    tree back."""
    from srcdiff import view_writes
    said = [0, 0]
    for fn in WRITING + [f for f, _ in FUNCTIONS]:
        try:
            source = frontend.get_source(fn)
        except Exception:
            continue
        fdef = S.clone(source.node)
        views = census.may_bind_views(fdef)
        said[views] += 1
        if not views:
            resolver = frontend.Resolver(fn)
            assert view_writes.rewrite(fdef, lambda n: resolver.lookup(n, None)) is fdef, \
                fn.__qualname__
    assert said[0] > 5, said
    assert census.may_bind_views(_take_tree("def f(A):\n    a = A[-1, :]\n    a -= 1\n"))
    assert not census.may_bind_views(frontend.get_source(plain_layer).node)


def test_a_plain_function_needs_neither_alias_pass():
    fdef = frontend.get_source(plain_layer).node
    assert not census.may_group_aliases(fdef) and not census.may_take_rows(fdef)
    assert census.may_group_aliases(_take_tree("def f(x):\n    a = x\n    a[0] = 1\n"))
    assert census.may_take_rows(_take_tree("def f(m):\n    for r in m:\n        r[0] = 1\n"))


def _take_tree(text):
    return S.parse_function(text)


def test_the_facts_for_source_rewrites_and_lower_are_those_of_separate_walks():
    """take's walk also answers what source_rewrites.py and lower.py asked in walks of their
    own: a try statement, every Name's id; may_bind_views, may_group_aliases and
    may_take_rows give the same answer of a tree and of its census."""
    said = {"tries": 0, "views": 0, "aliases": 0, "rows": 0}
    for fn in WRITING + [f for f, _ in FUNCTIONS]:
        try:
            fdef = frontend.get_source(fn).node
        except Exception:
            continue
        c = census.take(fdef)
        assert c.names == {n.id for n in S.walk(fdef) if isinstance(n, S.Name)}
        assert c.tries == any(isinstance(n, S.Try) for n in S.walk(fdef))
        aliases = any(isinstance(n, S.Assign) and (isinstance(n.value, S.Name) or
                                                   len(n.targets) > 1) for n in S.walk(fdef))
        assert census.may_group_aliases(c) == census.may_group_aliases(fdef) == aliases
        assert census.may_bind_views(c) == census.may_bind_views(fdef)
        assert census.may_take_rows(c) == census.may_take_rows(fdef)
        said["tries"] += c.tries
        said["views"] += c.view_binds
        said["aliases"] += c.alias_binds
        said["rows"] += c.row_loops
    assert min(said.values()) > 0, said


def test_source_rewrites_asks_one_walk_of_a_plain_function(monkeypatch):
    """source_rewrites.counted_rewrite takes one census of a function no rewrite acts on
    (lower.py reads its names from it), and a census of the rewritten tree where one
    acted."""
    from srcdiff import source_rewrites
    walked = []
    walk, nodes = S.walk, S.nodes   # a walk either way (the census takes a list: nodes)
    monkeypatch.setattr(S, "walk", lambda node: walked.append(node) or walk(node))
    monkeypatch.setattr(S, "nodes", lambda node: walked.append(node) or nodes(node))
    source = frontend.get_source(plain_layer)
    resolver = frontend.Resolver(plain_layer)
    fdef, counted, _ = source_rewrites.counted_rewrite(source, resolver, (), {})
    assert fdef is source.node and sum(w is fdef for w in walked) == 1
    monkeypatch.undo()
    rewritten = 0
    for fn in WRITING + [f for f, _ in FUNCTIONS]:
        try:
            source = frontend.get_source(fn)
            fdef, counted, _ = source_rewrites.counted_rewrite(source, frontend.Resolver(fn),
                                                            (), {})
        except Exception:
            continue
        rewritten += fdef is not source.node
        again = census.take(fdef)
        assert all(getattr(counted, f) == getattr(again, f) for f in census.Census.__slots__), \
            fn.__qualname__
    assert rewritten > 5, rewritten


def test_local_statements_find_the_exits_a_walk_of_every_node_finds():
    """census.local_statements (desugar.py's question) looks into blocks of statements only:
    the returns, breaks and continues it meets are those a walk of every node meets (nested
    defs and classes left out, loops too where asked), in the same order, on every statement
    of srcdiff's files and the tests' (the order names the flags of a guard: `not (stop or
    skip)`)."""
    import glob
    import os

    def every_node(stmt, into_loops=True):
        stack, first = [stmt], True
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, (S.FunctionDef, S.Lambda, S.ClassDef)) and (
                    not first or node is stmt):
                continue
            if not first and not into_loops and isinstance(node, (S.For, S.While)):
                continue
            first = False
            stack.extend(S.iter_child_nodes(node))

    exits = (S.Return, S.Break, S.Continue)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    compared = 0
    for path in sorted(glob.glob(os.path.join(root, "srcdiff", "*.py")) +
                       glob.glob(os.path.join(root, "tests", "test_d*.py"))):
        with open(path) as fh:
            tree = S.parse_module(fh.read())
        for node in S.walk(tree):
            if isinstance(node, S.stmt):
                for into_loops in (True, False):
                    want = [n for n in every_node(node, into_loops) if isinstance(n, exits)]
                    got = [n for n in census.local_statements(node, into_loops)
                           if isinstance(n, exits)]
                    assert len(got) == len(want) and all(a is b for a, b in zip(got, want))
                    compared += bool(want)
    assert compared > 1000


def test_a_flat_item_read_or_written_is_a_view_call():
    # flat_items.rewrite runs where view_calls is set: x.flat[k], read or written
    assert _take("def f(x):\n    return x.flat[1]\n").view_calls
    assert _take("def f(x):\n    x.flat[1] = 2.0\n    return x\n").view_calls
    assert not _take("def f(x):\n    return x[1]\n").view_calls
