"""srcdiff/memo_drops.py: a recursive nested function caching its results in a dict of the
function around it (`if n in memo: return memo[n]` ... `memo[n] = v; return v`), called once,
differentiates, both modes, to second order, the cache dropped; a cache read with another
key, a value changed after it is stored, a seeded cache, a function writing or drawing
random numbers, or one called twice with what it reads changed in between, is left as
written (refused at the write, located, as before)."""
import numpy as np
import pytest

from gradcheck import check, refusal
from hunt27_programs import memo_recursion

X = np.array([0.4, -0.7, 1.1])

def memo_two_calls(x):   # called twice, x changed in between: Python's second call reads the cache
    memo = {}
    def a(n):
        if n in memo:
            return memo[n]
        out = x[n] * 2.0 if n < 1 else a(n - 1) * x[n]
        memo[n] = out
        return out
    r = a(2)
    x = x * 3.0
    return r + a(2)
def memo_other_key(x):   # the cache read with another key
    memo = {}
    def a(n):
        if n in memo:
            return memo[n - 1]
        out = x[0] if n < 1 else a(n - 1) * x[1]
        memo[n] = out
        return out
    return a(2)
def memo_mutating(x):
    memo = {}
    y = x.copy()
    def a(n):
        if n in memo:
            return memo[n]
        if n < 1:
            out = y[0]
        else:
            out = a(n - 1) * y[1]
        y[0] = 1.0
        memo[n] = out
        return out
    return a(2)
def memo_cached_then_changed(x):
    memo = {}
    def a(n):
        if n in memo:
            return memo[n]
        out = x[0] if n < 1 else a(n - 1) * x[1] + np.sin(a(n - 1))
        memo[n] = out
        out = out * 2.0
        return out
    return a(3)
def memo_seeded(x):
    memo = {0: 1.0}
    def a(n):
        if n in memo:
            return memo[n]
        out = a(n - 1) * x[1]
        memo[n] = out
        return out
    return a(3)
def memo_random(x):
    memo = {}
    def a(n):
        if n in memo:
            return memo[n]
        out = x[0] * np.random.rand() if n < 1 else a(n - 1) + a(n - 1)
        memo[n] = out
        return out
    return a(2)

def memo_tribonacci(x):
    memo = {}
    def t(k):
        if k in memo:
            return memo[k]
        if k < 3:
            return x[k]
        v = t(k - 1) * np.cos(t(k - 3)) + 0.3 * t(k - 2)
        memo[k] = v
        return v
    total = t(7) ** 2
    return total


def memo_with_a_guarded_store(x):
    cache = {}

    def s(k):
        if k in cache:
            return cache[k]
        if k == 0:
            return x[0]
        if k % 2:
            r = s(k - 1) * x[1] + x[2]
            cache[k] = r
            return r
        r = np.tanh(s(k - 1)) + s(k - 2) * 0.5 if k > 1 else s(k - 1) ** 2
        cache[k] = r
        return r
    return s(6) * x[1]


@pytest.mark.parametrize("f", [memo_recursion, memo_tribonacci, memo_with_a_guarded_store])
def test_a_memo_of_a_pure_recursion_is_dropped(f):
    check(f, X.copy(), order=2)


@pytest.mark.parametrize("f,line", [
    (memo_two_calls, "memo[n] = out"),
    (memo_other_key, "memo[n] = out"),
    (memo_mutating, "y[0] = 1.0"),
    (memo_cached_then_changed, "memo[n] = out"),
    (memo_seeded, "memo[n] = out"),
    (memo_random, "memo[n] = out"),
])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_memo_not_of_that_pattern_is_refused_at_its_line(f, line, mode):
    err = refusal(f, (X.copy(),), mode)
    assert err.filename.endswith("test_memo_drops.py") and line in str(err), str(err)
    assert "hint:" in str(err)
