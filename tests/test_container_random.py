"""Seeded random programs over lists, tuples and dicts (concatenation, repetition, +=,
extend, item writes, dict building and iteration, items/values, sum of lists), each checked
against central differences in reverse mode, forward mode and to second order.

`python tests/test_container_random.py SEED N` runs more of them and prints any that fail.
"""
import importlib.util
import random
import sys

import numpy as np
import pytest

from gradcheck import check_grad, check_hvp, check_jvp


def _expr(rng, names):
    """A smooth array expression of x and the array names bound so far."""
    a = rng.choice(names)
    forms = ["{a} * {c}", "np.sin({a})", "{a} * x", "np.tanh({a}) + {c}", "{a} * {a}",
             "np.cos(x) * {a}"]
    return rng.choice(forms).format(a=a, c=round(rng.uniform(0.5, 1.5), 2))


def _statement(rng, scope, k):
    """One statement changing the list L, the tuple T, the dict D or the array acc."""
    e = _expr(rng, scope)
    kind = rng.choice(["concat", "concat_left", "repeat", "iadd_list", "iadd_tuple", "extend",
                       "setitem", "tuple", "dict_set", "dict_update", "dict_loop", "items",
                       "list_loop", "values", "sum_lists", "copy_item"])
    if kind == "concat":
        return [f"L = L + [{e}]"]
    if kind == "concat_left":
        return [f"L = [{e}] + L"]
    if kind == "repeat":
        return [f"L = L[-2:] * {rng.choice([1, 2])}"]
    if kind == "iadd_list":
        return [f"L += [{e}, L[0]]"]
    if kind == "iadd_tuple":
        return [f"L += ({e},)"]
    if kind == "extend":
        return [f"L.extend([{e}])"]
    if kind == "setitem":
        return [f"L[{rng.choice([0, -1])}] = L[-1] * {e}"]
    if kind == "tuple":
        return [f"T = T + ({e},)", "L = L + list(T[-2:])"]
    if kind == "dict_set":
        return [f"D[{rng.choice(['a', 'b', 'c'])!r}] = {e}"]
    if kind == "dict_update":
        return ["D['a'] = D['a'] * np.tanh(acc)"]
    if kind == "dict_loop":
        return ["for key in D:", f"    acc = acc + D[key] * {rng.uniform(0.1, 0.9):.2f}"]
    if kind == "items":
        return ["for key, value in D.items():", "    acc = acc + np.sin(value)"]
    if kind == "list_loop":
        return ["for item in L:", "    acc = acc * 0.5 + item"]
    if kind == "values":
        return ["acc = acc + np.sum(np.stack(list(D.values())), axis=0)"]
    if kind == "sum_lists":
        return [f"L = sum([[{e}], L[:2]], L[-1:])"]
    return [f"acc = acc + L[{rng.choice([0, -1])}] * T[0]"]


def program(seed):
    """The source of one random function f(x) of a 1-D array x."""
    rng = random.Random(seed)
    lines = ["def f(x):", "    L = [x, x * 2.0]", "    T = (np.sin(x),)",
             "    D = {'a': x * 0.5}", "    acc = x * 0.1"]
    scope = ["x", "acc", "L[0]", "L[-1]", "T[-1]", "D['a']"]
    for k in range(rng.randint(3, 7)):
        lines += ["    " + s for s in _statement(rng, scope, k)]
    lines += ["    out = np.sum(np.stack(L) ** 2) * 0.1 + np.sum(acc ** 2)",
              "    for key in D:", "        out = out + np.sum(D[key] * acc)",
              "    return out + len(T) * np.sum(np.stack(T))"]
    return "\n".join(lines) + "\n"


def load(seed, directory):
    """Write program(seed) to a file (srcdiff reads sources) and import its f."""
    path = directory / f"container_program_{seed}.py"
    path.write_text("import numpy as np\n\n\n" + program(seed))
    spec = importlib.util.spec_from_file_location(f"container_program_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def check(f, seed):
    x = np.random.default_rng(seed).uniform(-0.8, 0.8, size=3)
    check_grad(f, x, rtol=1e-4, atol=1e-6)
    check_jvp(f, x, rtol=1e-4, atol=1e-6)
    v = np.random.default_rng(seed + 1).normal(size=3)
    check_hvp(f, x, vector=v, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("seed", range(25))
def test_random_container_program(seed, tmp_path):
    check(load(seed, tmp_path), seed)


if __name__ == "__main__":
    import pathlib
    import tempfile
    first, count = (int(a) for a in sys.argv[1:3])
    with tempfile.TemporaryDirectory() as tmp:
        failed = 0
        for seed in range(first, first + count):
            try:
                check(load(seed, pathlib.Path(tmp)), seed)
            except Exception as exc:   # report every failure with its program
                failed += 1
                print(f"--- seed {seed}: {type(exc).__name__}: {str(exc)[:300]}")
                print(program(seed))
        print(f"{failed} of {count} failed")
