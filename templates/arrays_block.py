"""numpy.block: linear in every array of its nested lists. The tangent is numpy.block of the
tangents; the adjoint of each array is the box of the result's gradient it fills
(srcdiff.runtime_block.block_grad)."""
import numpy

from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, reverse
from srcdiff.runtime_block import block_grad


@reverse(numpy.block)
def block(y, arrays):
    d[arrays] = block_grad(d[y], arrays)


@forward(numpy.block)
def block(y, arrays):
    d[y] = numpy.block(d[arrays])


linear(block_grad, "grad")
