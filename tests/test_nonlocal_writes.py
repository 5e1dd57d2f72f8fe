"""srcdiff/nonlocal_writes.py: a nested function rebinding the enclosing function's variables
with `nonlocal` (an accumulator, a counter, a closure called in a loop, several closures
sharing one name, a list or array rebound, one calling another or itself) differentiates in
both modes and to second order (a name of a function two or three levels out too); what the rewrite cannot follow exactly (a call inside an
expression reading the name before it, a closure passed as a value, another nested function reading the name while it
changes, a name not bound before the def, a name of a function around the one differentiated,
a call in a try block) and `global` are refused at the user's line, saying what to write instead."""
import numpy as np
import pytest

import srcdiff
from srcdiff import nonlocal_writes
from srcdiff import syntax as S

from gradcheck import check


def accumulator(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * x
    add(x)
    add(np.sin(x))
    return total


def called_in_a_loop(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * x
    for i in range(3):
        add(x * i)
    return total


def counter_and_sum(x):
    count = 0
    total = np.zeros_like(x)

    def see(v):
        nonlocal count, total
        count = count + 1
        total = total + v
    for row in x:
        see(np.tanh(row))
    return np.sum(total) / count


def shared_by_two(x):
    acc = 1.0

    def mul(v):
        nonlocal acc
        acc = acc * v

    def add(v):
        nonlocal acc
        acc = acc + v
    mul(x)
    add(x * x)
    mul(np.cos(x))
    return acc


def list_rebound(x):
    items = []

    def push(v):
        nonlocal items
        items = items + [v * x]
    push(x)
    push(2.0)
    return items[0] + items[1]


def array_rebound(x):
    arr = np.ones(3)

    def scale(v):
        nonlocal arr
        arr = arr * v + np.arange(3.0)
    scale(x)
    scale(np.cos(x))
    return np.sum(arr * arr)


def returns_a_value_too(x):
    state = x

    def step(v):
        nonlocal state
        old = state
        state = np.sin(state) * v
        return old * 2.0
    y = step(x)
    z = step(1.5)
    return y + z + state


def one_calling_another(x):
    total = 1.0

    def add(v):
        nonlocal total
        total = total + v

    def twice(v):
        nonlocal total
        add(v)
        add(v * total)
        return total
    r = twice(x)
    return r * total


def branching_on_the_value(x):
    best = 0.0

    def keep(v):
        nonlocal best
        if v > best:
            best = v
            return True
        return False
    for k in range(4):
        keep(np.sin(x * k))
    return best


def calling_itself(x):
    total = 1.0

    def bump(n):
        nonlocal total
        if n > 0:
            total = total * x + 1.0
            bump(n - 1)
    bump(3)
    return total


def two_names_at_once(x):
    a = x
    b = 1.0

    def rot(t):
        nonlocal a, b
        a, b = a * np.cos(t) - b * np.sin(t), a * np.sin(t) + b * np.cos(t)
    rot(x)
    rot(0.3)
    return a * b


def its_result_rebinds_the_name(x):
    total = x

    def add(v):
        nonlocal total
        total = total + v
        return total * 3.0
    total = add(x * x)
    return total


def bound_in_a_loops_block(x):
    out = 0.0
    for i in range(2):
        c = x * i

        def add(t):
            nonlocal c
            c = c + t * x
        add(x)
        add(1.0)
        out = out + c
    return out


def bound_in_a_branch(x):
    if x > 0:
        c = x

        def add(t):
            nonlocal c
            c = c * t
        add(x)
    else:
        c = 1.0
    return c


SCALARS = [bound_in_a_loops_block, bound_in_a_branch, accumulator, called_in_a_loop, shared_by_two, list_rebound, array_rebound,
           returns_a_value_too, one_calling_another, branching_on_the_value, calling_itself,
           two_names_at_once, its_result_rebinds_the_name]


@pytest.mark.parametrize("f", SCALARS)
def test_nonlocal_writes_differentiate_to_second_order(f):
    check(f, 0.7, wrt=0, order=2)


def test_a_counter_and_an_array_accumulator():
    check(counter_and_sum, np.array([[0.2, -0.5], [0.3, 0.8], [1.1, -0.1]]), wrt=0, order=2)


def test_the_rewrite_gives_back_the_names_and_leaves_the_users_tree_alone():
    source = srcdiff.frontend.get_source(accumulator)
    before = S.spell(source.node)
    fdef = nonlocal_writes.rewrite(source, source.node)
    text = S.spell(fdef)
    assert "nonlocal" not in text
    assert "def add(total, v):" in text
    assert "(add_result, total) = add(total, x)" in text or \
        "add_result, total = add(total, x)" in text
    assert "return (None, total)" in text
    assert S.spell(source.node) == before and "nonlocal total" in before


def test_a_function_without_nonlocal_is_given_back_as_it_is():
    source = srcdiff.frontend.get_source(test_a_function_without_nonlocal_is_given_back_as_it_is)
    assert nonlocal_writes.rewrite(source, source.node) is source.node


# -- refused, located -----------------------------------------------------------------------
def inside_an_expression(x):
    # (2.0 * add(x) moves onto a line of its own: nonlocal_hoist.py, and so does
    # `y = total * add(x)`, total read first; `total += add(x)` does not: total is read
    # before add rebinds it, and += may change in place what it held)
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
        return v
    y = x * 1.0
    total += add(x)
    return y + total


def read_before_it_changes(x):
    total = x * 0.5

    def add(v):
        nonlocal total
        total = total * v
        return np.sin(v)
    y = total * add(x)
    return y + total


def test_what_a_statement_reads_before_the_call_is_read_first():
    # (refused before: "binding first what the statement reads before the call")
    check(read_before_it_changes, 0.7, order=2)


def passed_as_a_value(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
    for _ in map(add, [x, x]):
        pass
    return total


def read_by_another(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v

    def get():
        return total
    add(x)
    return get()


def gives_back_a_lambda_reading_it(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
        return lambda: total * 1.0
    get = add(x)
    add(x)
    return get()


def bound_after_the_def(x):
    def add(v):
        nonlocal total
        total = v
    total = 0.0
    add(x)
    return total


def _adder_of_a_function_around():
    total = 0.0

    def of_a_function_enclosing_the_one_differentiated(x):
        def outer(v):
            def add(w):
                nonlocal total
                total = total + w
            add(v)
        outer(x)
        return x * 2.0
    return of_a_function_enclosing_the_one_differentiated


of_a_function_enclosing_the_one_differentiated = _adder_of_a_function_around()


def called_in_a_try(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
    try:
        add(x)
    except ValueError:
        pass
    return total


def a_generator_declaring(x):
    total = 0.0

    def gen(v):
        nonlocal total
        total = total + v
        yield total
    return sum(gen(x))


G = 0.0


def writes_a_global(x):
    global G
    G = x
    return G * x


@pytest.mark.parametrize("f, line, says, hint", [
    (inside_an_expression, "total += add(x)", "whole value of a statement",
     "reads before the call"),
    (passed_as_a_value, "map(add, [x, x])", "whole value of a statement", "line of its own"),
    (read_by_another, "return total", "get reads total, which add rebinds",
     "pass total to it as an argument"),
    (gives_back_a_lambda_reading_it, "return lambda: total * 1.0",
     "this lambda reads total, which add rebinds", "declare total nonlocal in it"),
    (bound_after_the_def, "nonlocal total", "is not bound by a statement", "bind total before"),
    (of_a_function_enclosing_the_one_differentiated, "nonlocal total",
     "a function enclosing of_a_function_enclosing_the_one_differentiated, the function "
     "differentiated", "return the new value"),
    (called_in_a_try, "add(x)", "outside try blocks", "outside try blocks"),
    (a_generator_declaring, "def gen(v):", "generator gen declares", "return the new value"),
    (writes_a_global, "global G", "global statement", "return the new value"),
])
@pytest.mark.parametrize("transform", [srcdiff.grad, srcdiff.jvp])
def test_what_the_rewrite_cannot_follow_is_refused_at_its_line(f, line, says, hint, transform):
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        if transform is srcdiff.grad:
            transform(f)(0.5)
        else:
            transform(f)(0.5, 1.0)
    err = info.value
    assert err.filename.endswith("test_nonlocal_writes.py"), str(err)
    assert line in err.line and says in err.reason and hint in err.hint, str(err)


def appends_to_a_list_around_it(x):
    hist = []
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)
    for v in x:
        rec(v)
    return sum(hist) + s


def rebinds_the_list_around_it(x):
    hist = []
    s = 0.0

    def rec(v):
        nonlocal s, hist
        s = s + v
        hist = hist + [s * s]
    for v in x:
        rec(v)
    return sum(hist) + s


def appends_to_a_list_another_name_holds(x):
    hist = []
    kept = hist
    s = 0.0

    def rec(v):
        nonlocal s
        s = s + v
        hist.append(s * s)
    for v in x:
        rec(v)
    return sum(kept) + s


def test_a_nested_def_appending_to_a_list_around_it_differentiates():
    # (hunt 22's nonlocal_list_append: the append rebinds hist, nonlocal_lists.py)
    check(appends_to_a_list_around_it, np.array([0.3, -0.7, 1.1]), order=2)


def test_a_nested_def_appending_to_a_list_another_name_holds_says_to_rebind_it():
    # (hunt 22's nonlocal_list_append: "changes its argument 'hist'", an argument it has not;
    # where kept holds the list too, the append stays as written: refused)
    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.grad(appends_to_a_list_another_name_holds)(np.array([0.3, -0.7, 1.1]))
    err = info.value
    assert "a list of the function around it" in err.reason and "hist.append" in err.line
    assert "declare hist nonlocal in rec and rebind it" in err.hint
    check(rebinds_the_list_around_it, np.array([0.3, -0.7, 1.1]), order=1)


def of_a_function_further_out(x):
    total = 0.0

    def outer(v):
        def add(w):
            nonlocal total
            total = total + w * v
        add(v)
        add(np.sin(v))
    outer(x)
    return total


def a_grandchild_accumulating_in_a_loop(x):
    tot = 0.0
    n = 0

    def outer(v):
        def inner(w):
            nonlocal tot, n
            for k in range(3):
                tot = tot + np.sin(w * k) * v
                n = n + 1
        inner(v)
        inner(v * v)
    for v in x:
        outer(v)
    return tot * n


def three_levels_out(x):
    tot = x[0]

    def a(v):
        def b(w):
            def c(u):
                nonlocal tot
                tot = tot * np.cos(u) + u
            c(w)
            c(w * 2.0)
        b(v)
    for v in x[1:]:
        a(v)
    return tot


def the_middle_one_reads_it_between(x):
    tot = 0.0

    def outer(v):
        def inner(w):
            nonlocal tot
            tot = tot + w * w
        inner(v)
        r = tot * 2.0
        inner(r)
        return r
    s = 0.0
    for v in x:
        s = s + outer(v) * tot
    return s + tot


def the_middle_one_binds_its_own(x):
    tot = x * 1.0

    def outer(v):
        tot = v * 3.0

        def inner(w):
            nonlocal tot
            tot = tot + w * w
        inner(v)
        return tot
    return np.sum(outer(x) + tot)


@pytest.mark.parametrize("f", [of_a_function_further_out, a_grandchild_accumulating_in_a_loop,
                               three_levels_out, the_middle_one_reads_it_between,
                               the_middle_one_binds_its_own])
def test_a_nonlocal_name_of_a_function_further_out_to_second_order(f):
    """inner (inside outer, inside f) declaring f's tot nonlocal was refused; each function
    between now declares it nonlocal too (it binds none), so each passes it in and back."""
    check(f, np.array([0.3, -0.7, 0.9]), wrt=0, order=2)


def test_the_function_between_is_given_the_name_nonlocal():
    source = srcdiff.frontend.get_source(of_a_function_further_out)
    text = S.spell(nonlocal_writes.rewrite(source, source.node))
    assert "def outer(total, v):" in text and "def add(total, w):" in text
    assert "outer_result, total = outer(total, x)" in text
