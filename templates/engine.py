"""Rules for the helpers srcdiff's own lowering inserts into the primal code."""
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime import own_copy


@reverse(own_copy)
def own_copy(y, value):
    d[value] = d[y]


@forward(own_copy)
def own_copy(y, value):
    d[y] = d[value]
