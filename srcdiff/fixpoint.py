"""Least fixed points over sets of names: the closure the passes compute again and again.

A leaf. `closure(start, implied)` is the smallest superset of `start` closed under
`implied` (called with the set so far, it yields what those members imply);
`reach(start, edges)` is the common case of (from, to) pairs: every `to` whose
`from` is in the set. Both stop when a round adds nothing, so they terminate for
any finite universe and give the same set whatever order the rules run in.
"""


def closure(start, implied):
    done = set(start)
    while True:
        new = set(implied(done)) - done
        if not new:
            return done
        done |= new


def reach(start, edges):
    edges = list(edges)
    return closure(start, lambda done: [b for a, b in edges if a in done])
