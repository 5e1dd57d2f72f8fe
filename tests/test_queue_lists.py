"""srcdiff/queue_lists.py: collections.deque and heapq's heaps as plain lists, called directly
on a parsed def (the rewritten function gives what the original gives), the uses it cannot be
sure of left alone, and the derivatives of functions using them, both modes to second
order."""
import collections
import heapq

import numpy as np
import pytest

import rewrite_runs
from gradcheck import check
from srcdiff import syntax as S
from srcdiff.queue_lists import rewrite

GLOBALS = {"collections": collections, "deque": collections.deque, "heapq": heapq,
           "heappush": heapq.heappush, "helper": lambda q: q.append(1.0)}
X = np.array([0.3, -0.7, 0.5, 1.1, 2.0, -1.4])


_lookup, _rewritten, _run = rewrite_runs.helpers(GLOBALS, rewrite)


SAME = {
    "window": """
        def f(x):
            q = deque(maxlen=3)
            out = []
            for v in x:
                q.append(v)
                out.append((sum(q), len(q), max(q), q[0], q[-1], list(q)))
            return out
        """,
    "left": """
        def f(x):
            q = collections.deque(x[:2], maxlen=2)
            for v in x:
                q.appendleft(v * 2.0)
                if len(q) > 1:
                    q.append(q.popleft())
            return [w for w in q], tuple(q)
        """,
    "unbounded": """
        def f(x):
            q = deque(x)
            a = q.popleft()
            b = q.pop()
            q.appendleft(a + b)
            while q:
                a = a + q.pop() * len(q)
            return a
        """,
    "start-longer": """
        def f(x):
            q = deque(list(x), maxlen=2)
            return list(q)
        """,
    "heap": """
        def f(x):
            heap = [(v * v, i) for i, v in enumerate(x)]
            heapq.heapify(heap)
            order = []
            while len(heap) > 1:
                a, i = heapq.heappop(heap)
                b, j = heapq.heappop(heap)
                order.append((a, b, i, j))
                heappush(heap, (a + b, min(i, j)))
            return order, heapq.heappop(heap)
        """,
    "heap-grown": """
        def f(x):
            h = []
            for v in x:
                heapq.heappush(h, v)
            if h:
                return [heapq.heappop(h) for _ in range(len(h))]
            return []
        """,
}


@pytest.mark.parametrize("name", SAME)
@pytest.mark.parametrize("x", [X, list(X[:4]), X[:1] * 0 + 3.0, X[:0]])
def test_the_rewritten_function_gives_the_same(name, x):
    before, after = _rewritten(SAME[name])
    assert after is not before
    try:
        want = _run(before, x)
    except IndexError:   # (a pop from an empty deque or heap: the same error)
        with pytest.raises(IndexError):
            _run(after, x)
        return
    assert _run(after, x) == want


LEFT_ALONE = {
    "deque-passed": "q = deque(maxlen=2)\n    helper(q)\n    return list(q)",
    "deque-rebound": "q = deque(maxlen=2)\n    q = deque(x)\n    return list(q)",
    "deque-extended": "q = deque(maxlen=2)\n    q.extend(x)\n    return list(q)",
    "deque-maxlen-name": "n = 2\n    q = deque(x, maxlen=n)\n    return list(q)",
    "deque-aliased": "q = deque(maxlen=2)\n    r = q\n    r.append(1.0)\n    return list(q)",
    "deque-appended-as-value": "q = deque(x)\n    y = q.append(1.0)\n    return list(q)",
    "heap-peeked": "h = list(x)\n    heapq.heapify(h)\n    return h[0]",
    "heap-iterated": "h = list(x)\n    heapq.heapify(h)\n    return sum(h)",
    "heap-parameter": "heapq.heapify(x)\n    return heapq.heappop(x)",
    "heap-aliased": "h = x\n    heapq.heapify(h)\n    return heapq.heappop(h)",
}


@pytest.mark.parametrize("name", LEFT_ALONE)
def test_uses_it_cannot_be_sure_of_are_left_alone(name):
    before, after = _rewritten(f"def f(x):\n    {LEFT_ALONE[name]}\n")
    assert after is before


def test_rewritten_statements_sit_at_the_users_line():
    _, after = _rewritten(SAME["window"])   # (its line 6: q.append(v))
    loop = after.body[2]
    assert {n.lineno for s in loop.body[:2] for n in S.walk(s) if isinstance(n, S.stmt)} == {6}


def moving_average(x):
    win = collections.deque(maxlen=3)
    out = 0.0
    for v in x:
        win.append(v * v)
        out = out + (sum(win) / len(win)) ** 2
    return out


def front_and_back(x):
    q = collections.deque(x, maxlen=4)
    total = 0.0
    while len(q) > 1:
        total = total + q.popleft() * q.pop()
        q.appendleft(total * 0.5)
    return total + q[0]


def merged_costs(x):
    heap = [(v * v + 0.1 * i, i) for i, v in enumerate(x)]
    heapq.heapify(heap)
    total = 0.0
    while len(heap) > 1:
        a, i = heapq.heappop(heap)
        b, j = heapq.heappop(heap)
        total += a * b
        heapq.heappush(heap, (a + b, min(i, j)))
    return total


def values_by_constant_priority(x):
    """priorities that carry no derivative, values that do"""
    h = []
    for i, v in enumerate(x):
        heapq.heappush(h, ((i * 7) % 5, v * v))
    out = 0.0
    k = 1.0
    while h:
        _, v = heapq.heappop(h)
        out = out + k * v
        k = k + 1.0
    return out


@pytest.mark.parametrize("f", [moving_average, front_and_back, merged_costs,
                               values_by_constant_priority])
def test_derivatives(f):
    check(f, X, order=2)


def _pops_its_argument(d):
    return d.popleft()


def _deque_given_to_a_helper(x):
    d = collections.deque([x * 1.0, x * 2.0])
    a = _pops_its_argument(d)
    return np.sum(a * x)


def _deque_aliased(x):
    d = collections.deque([x * 1.0, x * 2.0])
    e = d
    e.append(x * 3.0)
    return np.sum(d.popleft() * x)


def _deque_rotated(x):
    d = collections.deque([x * 1.0, x * 2.0])
    d.rotate(1)
    return np.sum(d[0] * x)


def _reads_items(items):
    return sum(np.sum(v * v) for v in items)


def _twice(v):
    return v * 2.0


def _deque_items_passed(x):
    d = collections.deque([x * 1.0, x * 2.0])
    d.append(x * 3.0)
    a = _twice(d.popleft())
    return np.sum(a * x) + _reads_items(list(d))


@pytest.mark.parametrize("f", [_deque_given_to_a_helper, _deque_aliased, _deque_rotated])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_deque_aliased_or_passed_on_is_refused_with_what_to_write(f, mode):
    """Before: "no forward (tangent) rule for collections.deque" (register a rule), or the
    class of d unknown (build the objects' list here): neither said what srcdiff follows of
    a deque. The refusal names the user's line (the deque made, or the helper's popleft)."""
    from gradcheck import refusal
    err = refusal(f, (np.array([0.5, 1.5, 2.0]),), mode)
    assert "collections.deque" in err.reason and "function that makes it" in err.reason
    assert "pass list(d), a copy" in err.hint and "rule" not in err.hint
    assert err.line.strip() in ("d = collections.deque([x * 1.0, x * 2.0])",
                                "return d.popleft()", "return np.sum(d.popleft() * x)")


def test_what_the_hint_says_to_write_differentiates():
    check(_deque_items_passed, np.array([0.5, 1.5, 2.0]), order=2)
