"""Runtime helpers of the calls values.py rewrites (sorted with a key)."""


def sort_order(keys, reverse=False):
    """The positions of `keys` in the order sorted(..., reverse=reverse) puts them (stable,
    as sorted is): sorted(xs, key=f) is [xs[i] for i in sort_order([f(x) for x in xs])]."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))
