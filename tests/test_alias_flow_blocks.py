"""srcdiff/alias_flow_blocks.py: where a lowered statement sits, read by alias_flow."""
import numpy as np

from srcdiff import alias_flow_blocks as blocks
from srcdiff.transform import lower_function


def branchy(x):
    y = x * 1.0
    if np.sum(x) > 0.0:
        y[0] = 2.0
    for k in range(2):
        y = y + k
    return np.sum(y)


def _write(body):
    from srcdiff import analyze
    from srcdiff.core import Kind
    return next(s for s in analyze.flatten(body) if s.sd.kind == Kind.SETITEM)


def test_the_way_to_a_statement_and_its_place():
    body = lower_function(branchy).body
    write = _write(body)
    path = blocks.path_to(body, write)
    assert path[0][0] is body and path[-1][0][path[-1][1]] is write
    where = blocks.places(body)
    assert where[id(write)] == (id(path[-1][0]), path[-1][1])
    assert blocks.blocks_around(body, write)[-1] is path[-1][0]
    assert blocks.local_functions_only_called(list(body))

