"""srcdiff/idiom_rewrite.py: the pass before lowering, called directly on a parsed def. Each
shape it rewrites (for/else and while/else, zip/enumerate read once, zip(*rows), max/min of
several, dict(zip(...))) comes back as the plainer code its docstring names, runs as the
original does, and leaves the user's tree alone; through srcdiff the rewritten functions are
checked against central differences in both modes and to second order."""
import ast
import builtins
import textwrap

import numpy as np
import pytest

from gradcheck import check
from srcdiff import syntax as S
from srcdiff.idiom_rewrite import desugar
from rewritten import run_def


def _resolve(name):
    return getattr(builtins, name, None)


def _rewrite(source):
    """(the parsed def, the def desugar gives, its source text)."""
    fdef = S.parse_function(textwrap.dedent(source))
    new = desugar(fdef, _resolve)
    return fdef, new, ast.unparse(S.to_python_ast(new))


_run = run_def   # (tests/rewritten.py)


FOR_ELSE = """
def f(xs, limit):
    total = 0.0
    for x in xs:
        if x > limit:
            break
        total = total + x
    else:
        total = total * 10.0
    return total
"""

WHILE_ELSE = """
def f(xs, limit):
    i = 0
    total = 0.0
    while i < len(xs):
        if xs[i] > limit:
            break
        total = total + xs[i]
        i = i + 1
    else:
        total = -total
    return total
"""

ZIP_VALUE = """
def f(xs, ys):
    return sum(list(zip(xs, ys))[1])
"""

ZIP_BOUND = """
def f(xs, ys):
    z = zip(xs, ys)
    total = 0.0
    for a, b in z:
        total = total + a * b
    return total
"""

ZIP_STAR = """
def f(rows):
    columns = list(zip(*rows))
    return [sum(c) for c in columns]
"""

MAX_OF_SEVERAL = """
def f(a, b, c):
    return max(a, b, c) - min(c, b, a)
"""

MAX_WITH_KEY = """
def f(pairs, a, b):
    return max(pairs, key=lambda p: p[0])[1] - min(pairs, key=lambda p: p[0])[1] + max(a, b, key=abs)
"""

MAX_WITH_DEFAULT = """
def f(pairs, a):
    return [max(pairs, default=a), min(pairs, default=-a),
            max(pairs, key=lambda p: -p, default=a), min(pairs, default=0.0, key=abs)]
"""

DICT_SPREAD = """
def f(d, v):
    return [{**d, "k": v}, {**d}, {"k": v, **d}, {**d, "not a name": v}]
"""

STARRED_ASSIGN = """
def f(xs):
    first, *middle, last = xs
    *init, end = xs
    return [first, middle, last, init, end]
"""

DICT_OF_ZIP = """
def f(keys, values):
    return dict(zip(keys, values))
"""

FIRST_ITEM = """
def f(d, xs, it):
    e = {k: v * 2.0 for k, v in d.items()}
    seen = []
    for v in xs:
        seen = seen + [v]
    return [next(iter(d)), next(iter(d.values())), next(iter(e.items())), next(iter(xs)),
            next(iter(xs), None), next(iter(it)), next(iter(seen))]
"""


def test_the_first_item_of_a_container_is_its_list_s_first():
    """next(iter(c)) of a parameter passed a list, tuple or dict, or of a local bound only to
    displays: list(c)[0]. A name that may hold an iterator (a parameter not passed a
    container, a name bound otherwise) keeps next: list() would use it up."""
    fdef = S.parse_function(textwrap.dedent(FIRST_ITEM))
    new = desugar(fdef, _resolve, containers={"d", "xs"})
    text = ast.unparse(S.to_python_ast(new))
    for piece in ["list(d)[0]", "list(d.values())[0]", "list(e.items())[0]", "list(xs)[0]",
                  "next(iter(xs), None)", "next(iter(it))", "next(iter(seen))"]:
        assert piece in text, text
    original = S.parse_function(textwrap.dedent(FIRST_ITEM))
    for args in [({"b": 1.0, "a": 2.0}, [3.0, 4.0], [5.0]), ({"k": 5.0}, (6.0,), (7.0, 8.0))]:
        assert _run(new, *args[:2], iter(args[2])) == _run(original, *args[:2], iter(args[2]))


@pytest.mark.parametrize("source, present, absent, calls", [
    (FOR_ELSE, ["if not"], ["else:"], [([1.0, 2.0], 5.0), ([1.0, 9.0, 2.0], 5.0)]),
    (WHILE_ELSE, ["if not"], ["else:"], [([1.0, 2.0], 5.0), ([1.0, 9.0], 5.0)]),
    (ZIP_VALUE, ["for"], [], [([1.0, 2.0], [3.0, 4.0])]),
    (ZIP_BOUND, [], ["z = zip"], [([1.0, 2.0], [3.0, 4.0])]),
    # zip(*rows) names rows with `:=` inside the comprehension's iterable, which the lowering
    # reads but Python's compiler refuses: its text only (run through srcdiff below)
    (ZIP_STAR, ["range(", "tuple(["], ["zip(*"], []),
    (MAX_OF_SEVERAL, ["max(max(a, b), c)", "min(min(c, b), a)"], [],
     [(1.0, 3.0, 2.0), (3.0, 3.0, -1.0)]),
    (DICT_OF_ZIP, ["{", "for"], ["dict("], [(["a", "b"], [1.0, 2.0])]),
    # only a dict spread first, then keys that are names, becomes dict(d, k=v)
    (DICT_SPREAD, ["dict(d, k=v)", "dict(d)", "{'k': v, **d}", "{**d, 'not a name': v}"], [],
     [({"k": 1.0, "j": 2.0}, 3.0)]),
    (STARRED_ASSIGN, ["list(xs)", "raise ValueError"], ["*middle", "*init"],
     [([1.0, 2.0],), ([1.0, 2.0, 3.0, 4.0],), ((5.0, 6.0, 7.0),)]),
    # ties: max and min both pick the first of the equal keys
    (MAX_WITH_KEY, ["reverse=True)[0]", "sorted(pairs, key=lambda p: p[0])[0]"], ["max(", "min("],
     [([(2.0, 1.0), (2.0, 5.0), (1.0, 7.0), (1.0, -3.0)], -2.0, 2.0),
      ([(0.0, 1.0)], 1.0, -3.0)]),
    # default: the value where the sequence is empty; ties pick the first as max does
    (MAX_WITH_DEFAULT, ["+ [a])[0]", "+ [-a])[0]", "+ [0.0])[0]"], ["max(", "min("],
     [([2.0, -3.0, 2.0, 5.0], 1.5), ([], 1.5), ([-3.0, 3.0], 0.5)]),
], ids=["for-else", "while-else", "zip-value", "zip-bound", "zip-star", "max-min", "dict-zip",
        "dict-spread", "starred-assign", "max-min-key", "max-min-default"])
def test_each_shape_is_rewritten_and_runs_as_written(source, present, absent, calls):
    fdef, new, text = _rewrite(source)
    assert new is not fdef
    for piece in present:
        assert piece in text, text
    for piece in absent:
        assert piece not in text, text
    original = S.parse_function(textwrap.dedent(source))
    for args in calls:
        assert _run(new, *args) == _run(original, *args)


def test_a_starred_assignment_too_short_raises_pythons_error():
    fdef, new, _ = _rewrite(STARRED_ASSIGN)
    with pytest.raises(ValueError, match="not enough values to unpack"):
        _run(new, [1.0])


def test_the_users_tree_is_left_alone_and_nothing_to_do_gives_it_back():
    fdef = S.parse_function(textwrap.dedent(FOR_ELSE))
    before = ast.dump(S.to_python_ast(fdef))
    desugar(fdef, _resolve)
    assert ast.dump(S.to_python_ast(fdef)) == before
    plain = S.parse_function("def g(x):\n    return x * 2.0\n")
    assert desugar(plain, _resolve) is plain


def test_a_shadowed_builtin_is_not_rewritten():
    """`max` bound to the user's own function is not the builtin: left as written."""
    fdef = S.parse_function(textwrap.dedent(MAX_OF_SEVERAL))
    text = ast.unparse(S.to_python_ast(desugar(fdef, lambda name: None)))
    assert "max(a, b, c)" in text


def for_else(x, limit):
    total = 0.0
    for i in range(x.shape[0]):
        if limit < i:
            break
        total = total + np.sin(x[i]) * x[i]
    else:
        total = total * total
    return total


def max_of_three(x):
    return max(np.sum(x * x), np.sum(np.sin(x)) + 3.0, np.sum(x)) * 2.0


def zip_star(x, y):
    rows = [x, y * y]
    total = 0.0
    for column in zip(*rows):
        total = total + column[0] * np.sin(column[1])
    return total


def zip_bound(x, y):
    z = zip(x, y)
    total = 0.0
    for a, b in z:
        total = total + a * np.tanh(b)
    return total


def starred_assignment(x, y):
    head, *tail = x
    *rows, last = [x * y, y, np.sin(x)]
    return head * sum(tail) + np.sum(sum(rows) * last)


def max_min_with_key(x, y):
    pairs = [(y[0], x[0]), (y[1], x[1]), (y[1], x[2])]   # a tie: the first is picked
    return max(pairs, key=lambda p: p[0])[1] * min(x[0], y[0], x[2], key=abs)


def first_of_a_dict(params, x):
    first = next(iter(params))              # the first key, as users pick a default layer
    w = next(iter(params.values()))
    name, b = next(iter(params.items()))
    return np.sum(params[first] * x) + np.sum(w * b) * len(name)


@pytest.mark.parametrize("f, args", [
    (first_of_a_dict, ({"w": np.array([0.3, -0.7]), "b": np.array([1.1, 0.2])},
                       np.array([0.5, 2.0]))),
    (max_min_with_key, (np.array([0.3, -0.7, 1.1]), np.array([-0.5, 0.9]))),
    (starred_assignment, (np.array([0.3, -0.7, 1.1]), np.array([-0.5, 0.9, 0.2]))),
    (for_else, (np.array([0.3, -0.7, 1.1]), 5)),         # no break: the else block runs
    (for_else, (np.array([0.3, -0.7, 1.1]), 0)),         # a break: it does not
    (max_of_three, (np.array([0.4, -0.2]),)),
    (zip_bound, (np.array([0.3, -0.7]), np.array([1.1, 0.2]))),
    (zip_star, (np.array([0.3, -0.7]), np.array([1.1, 0.2]))),
], ids=["first-of-a-dict", "max-min-key", "starred-assign", "for-else-no-break", "for-else-break", "max-of-three", "zip-bound", "zip-star"])
def test_derivatives_of_rewritten_functions(f, args):
    check(f, *args)


def max_of_a_filtered_comprehension(x):
    big = max([v * v for v in x if v > 0.5], default=0.0)
    small = min((np.sin(v) for v in x if v > 9.0), default=x[0])   # empty: the default
    return big * small + max(x, key=lambda v: -v, default=1.0)


def test_max_and_min_with_a_default_against_central_differences():
    check(max_of_a_filtered_comprehension, np.array([0.31, 0.77, 1.13]), order=2)


def max_default_computed_before_its_key(x):
    # Python evaluates x[0] * 2.0 before abs; the rewrite would evaluate them the other way
    return max(x, default=x[0] * 2.0, key=abs)


def test_a_default_computed_before_the_key_stays_refused_at_its_line():
    from gradcheck import refusal
    err = refusal(max_default_computed_before_its_key, (np.array([0.31, 0.77]),), "grad")
    assert "default" in str(err)


# -- hunt27: reversed(xs) read at once by a builtin (`list(reversed(xs))`, `sum(reversed(
# ...))`) was refused with a hint saying to write list(reversed(...)), the code refused; it
# is now the comprehension [v for v in reversed(xs)], whose header srcdiff follows ---------
def reversed_list_of_an_array(x):
    rev = list(reversed(x))
    return rev[0] * x[1] + sum(reversed([x[0], x[2] ** 2])) * rev[-1]


def reversed_list_of_a_list(x):
    items = [x[i] * (i + 1) for i in range(len(x))]
    rev = tuple(reversed(items))
    return sum(a * b for a, b in zip(rev, items)) + max(reversed(items))


@pytest.mark.parametrize("f", [reversed_list_of_an_array, reversed_list_of_a_list])
def test_reversed_read_at_once_differentiates(f):
    check(f, np.array([0.4, -0.7, 1.1]), order=2)


def reversed_in_an_enumerate_header(x):
    s = 0.0
    for k, v in enumerate(reversed(x)):   # read lazily: a write into x would be seen
        s = s + v * k
    return s


def reversed_in_an_enumerate_header_written(x):
    y = x * 1.0
    s = 0.0
    for k, v in enumerate(reversed(y)):
        y[0] = y[0] + v   # seen by the last item reversed() reads
        s = s + v * k
    return s


def test_reversed_inside_a_lazy_enumerate_header_stays_refused_where_the_loop_writes():
    # itertools_calls takes reversed(x) given to enumerate as [*x][::-1] (session 30),
    # exact where the loop writes nothing reversed() reads; where it does, still refused
    from gradcheck import check, refusal
    check(reversed_in_an_enumerate_header, np.array([0.4, -0.7, 1.1]), order=2)
    err = refusal(reversed_in_an_enumerate_header_written, (np.array([0.4, -0.7, 1.1]),),
                  "grad")
    assert "reversed()" in str(err)
