"""srcdiff/fixpoint.py: the fixed points over names the analyses share."""
from srcdiff.fixpoint import closure, greatest, least, reach


def test_reach_follows_chains_in_any_order():
    edges = [("c", "d"), ("b", "c"), ("a", "b"), ("x", "y")]
    assert reach({"a"}, edges) == {"a", "b", "c", "d"}
    assert reach(set(), edges) == set()
    assert reach({"x", "d"}, edges) == {"x", "y", "d"}


def test_reach_terminates_on_cycles():
    assert reach({"a"}, [("a", "b"), ("b", "a"), ("b", "c")]) == {"a", "b", "c"}


def test_closure_with_a_rule_reading_the_whole_set():
    # n implies n + 1 while below 5; 10 implies nothing
    got = closure({0, 10}, lambda done: [n + 1 for n in done if n < 5])
    assert got == {0, 1, 2, 3, 4, 5, 10}


def test_closure_does_not_change_its_start():
    start = {1}
    closure(start, lambda done: [2])
    assert start == {1}


def test_closure_takes_a_generator_and_sees_its_own_additions():
    # a chain given in program order settles in one round; the result is the same either way
    chain = [("a", "b"), ("b", "c"), ("c", "d")]
    rounds = []

    def implied(done):
        rounds.append(len(done))
        for a, b in chain:
            if a in done:
                yield b
    assert closure({"a"}, implied) == {"a", "b", "c", "d"}
    assert len(rounds) == 2   # one that adds the chain, one that adds nothing
    assert closure({"a"}, lambda done: [b for a, b in reversed(chain) if a in done]) == \
        {"a", "b", "c", "d"}


def test_greatest_drops_what_depends_on_a_dropped_member():
    # x keeps while y does; y keeps while z does; z never keeps; w always
    deps = {"x": "y", "y": "z", "w": None}
    got = greatest({"x", "y", "z", "w"},
                   lambda n, kept: n in deps and (deps[n] is None or deps[n] in kept))
    assert got == {"w"}
    assert greatest(set(), lambda n, kept: True) == set()


def test_greatest_keeps_a_cycle_that_supports_itself():
    deps = {"a": "b", "b": "a", "c": "d"}
    assert greatest({"a", "b", "c"}, lambda n, kept: deps[n] in kept) == {"a", "b"}


def test_least_joins_facts_per_name():
    # facts join to "many" when a name gets two different ones; b copies a's fact
    def join(old, new):
        return new if old is None or old == new else "many"

    def updates(current):
        yield "a", "list"
        yield "b", current.get("a", "list")
        yield "a", "array"
    got = least({"c": "number"}, updates, join)
    assert got == {"a": "many", "b": "many", "c": "number"}
