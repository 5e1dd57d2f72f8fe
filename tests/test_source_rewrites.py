"""srcdiff/source_rewrites.py: the rewrites before lowering. A plain function's tree comes back
as it is (no pass acts, none is imported for it); each rewrite acts where its shape is, and
the rewritten functions differentiate right against central differences (gradcheck.check)."""
import numpy as np

from srcdiff import frontend, source_rewrites
from srcdiff import syntax as S

from gradcheck import check


def plain(x):
    return np.sum(np.tanh(x) * x)


def through_a_view(x):
    y = x * 1.0
    w = y[1:]
    w *= 2.0                  # view_writes: a write into y[1:]
    return np.sum(y * x)


def through_an_alias(x):
    y = x * 1.0
    a = y
    a[0] = a[0] * 3.0         # alias_groups: y sees it
    return np.sum(y * x)


def with_for_else(x):
    s = 0.0
    for v in x:
        if v > 5.0:
            break
    else:
        s = np.sum(x ** 2)    # idiom_rewrite: for/else
    return s


def with_errstate(x):
    with np.errstate(divide="ignore"):      # plain_blocks: the block runs as it is
        y = np.log(x) * x
    return np.sum(y)


def _rewrite(fn):
    source = frontend.get_source(fn)
    return source, source_rewrites.rewrite(source, frontend.Resolver(fn), (), {})[0]


def test_a_plain_function_comes_back_as_it_is():
    source, fdef = _rewrite(plain)
    assert fdef is source.node


def test_each_shape_is_rewritten_into_a_copy_and_differentiates():
    x = np.array([0.3, 0.7, 1.1])
    for fn in (through_a_view, through_an_alias, with_for_else, with_errstate):
        source, fdef = _rewrite(fn)
        assert fdef is not source.node and S.dump(fdef) != S.dump(source.node), fn.__name__
        check(fn, x.copy())


def test_a_function_without_imports_keeps_its_resolver():
    source = frontend.get_source(plain)
    resolver = frontend.Resolver(plain)
    assert source_rewrites.rewrite(source, resolver, (), {})[1] is resolver


def vectorized_in_a_loop(x, n):
    s = 0.0
    for i in range(n):
        @np.vectorize
        def g(t):
            return t * t + i * np.sin(t)
        s = s + np.sum(g(x))
    return s


def vectorized_outside_a_loop(x):
    @np.vectorize
    def g(t):
        return t * np.cos(t)
    return np.sum(g(x))


def test_a_def_decorated_with_vectorize_in_a_loop_or_outside():
    # the decorated def inside a loop was "decorated nested functions are not supported":
    # the maps' pass looked for decorated defs at the top of the body only
    x = np.array([0.3, -0.5, 0.7])
    check(vectorized_in_a_loop, x.copy(), 3)
    check(vectorized_outside_a_loop, x.copy())


def test_the_decorated_def_is_found_in_nested_blocks_only_where_it_is():
    assert source_rewrites._decorated_def(frontend.get_source(vectorized_in_a_loop).node.body)
    assert not source_rewrites._decorated_def(frontend.get_source(check).node.body)
