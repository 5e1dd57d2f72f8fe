"""What a generator can reach in the function it is read in (srcdiff/generator_reach.py):
the names it sees through holders and aliases, what a statement rebinds and writes into, the
locals that are always fresh values, and the parent map."""
from srcdiff import syntax as S
from srcdiff.generator_reach import fresh_locals, parents_of, stores, visible, writes


def fdef(text):
    return S.parse_function(text)


def test_a_holder_seen_makes_what_it_holds_seen_and_an_alias_too():
    f = fdef("""
def f(x, a):
    pair = [x, a]
    v = a[1:]
    acc = Acc(x)
    return pair
""")
    seen, holds = visible(f, {"pair"})
    assert {"pair", "x", "a", "v"} <= seen
    assert "acc" not in seen      # acc holds x, which the generator sees; it does not see acc
    assert "acc" in holds and "pair" in holds


def test_nothing_seen_but_what_is_given():
    f = fdef("""
def f(x, a):
    b = a * 2.0
    return b
""")
    seen, _ = visible(f, {"x"})
    assert seen == {"x"}


def test_writes_tell_deep_writes_from_writes_into_the_root():
    stmts = fdef("""
def f(x, d):
    x[0] = 1.0
    d["k"][1] = 2.0
    x += 1.0
    d["k"] += 1.0
    lst.append(3)
""").body
    assert [list(writes(s)) for s in stmts[:4]] == [
        [("x", False)], [("d", True)], [("x", False)], [("d", True)]]
    assert list(writes(stmts[4])) == [] and list(writes(stmts[4].value)) == [("lst", False)]


def test_stores_names_the_rebound_names():
    s = fdef("def f():\n    a, (b, c) = 1, (2, 3)\n").body[0]
    assert sorted(n.id for n in stores(s)) == ["a", "b", "c"]


def test_fresh_locals_are_those_every_binding_of_which_is_new():
    f = fdef("""
def f(x):
    a = [1, 2]
    b = np.zeros(3)
    c = x
    d = [x]
    d = x.T
    for e in x:
        pass
    return a
""")
    assert fresh_locals(f) == {"a", "b"}


def test_parents_of_maps_each_child_to_its_parent():
    f = fdef("def f(x):\n    return x + 1\n")
    parents = parents_of(f)
    ret = f.body[0]
    assert parents[ret] is f and parents[ret.value] is ret
