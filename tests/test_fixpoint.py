"""srcdiff/fixpoint.py: least fixed points over sets of names."""
from srcdiff.fixpoint import closure, reach


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
