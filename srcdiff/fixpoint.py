"""Fixed points over names: the closures the passes compute again and again (stage 4, analyze:
called by analyze.py, deadcode.py, forward.py, sequences.py, transform.py and
update_checks.py). Takes a start set (or a universe, or a map of facts) and a rule; gives
back its closure (`closure`, `reach`), the greatest subset keeping a property (`greatest`)
or the least map of joined facts (`least`).

A leaf. Every analysis that grows (or shrinks) a set of names until nothing changes
goes through one of these, so each stops when a round adds nothing and terminates
for any finite universe:

- `closure(start, implied)`: the smallest superset of `start` closed under `implied`
  (called with the set so far, it yields what those members imply);
- `reach(start, edges)`: the common case of (from, to) pairs: every `to` whose `from`
  is in the set;
- `greatest(universe, keeps)`: the largest subset of `universe` whose every member
  `keeps(member, subset)` (a name is a number until one of its bindings may not be);
- `least(start, updates, join)`: a map from names to facts, each new fact joined into
  the name's own (`updates`, called with the map so far, yields (name, fact) pairs).

What `implied` and `updates` yield joins the result at once (and what `greatest` drops
leaves it at once), so later rules of the same round already see it: a round in program
order settles most bodies. `implied` may be a generator, but not one looping over the set
it is given. For monotone rules the result does not depend on the order rules run in.
"""


def least(start, updates, join):
    current = dict(start)
    while True:
        grew = False
        for name, fact in updates(current):
            old = current.get(name)
            new = join(old, fact)
            if new != old:
                current[name] = new
                grew = True
        if not grew:
            return current


def closure(start, implied):
    done = set(start)
    while True:
        size = len(done)
        for item in implied(done):
            done.add(item)
        if len(done) == size:
            return done


def reach(start, edges):
    edges = list(edges)
    return closure(start, lambda done: (b for a, b in edges if a in done))


def greatest(universe, keeps):
    kept = set(universe)
    while True:
        size = len(kept)
        for name in sorted(kept):
            if not keeps(name, kept):
                kept.discard(name)
        if len(kept) == size:
            return kept
