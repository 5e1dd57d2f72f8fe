"""The helper that the rule of numpy.block (templates/arrays_block.py) emits (run time: called
by emitted code; a leaf importing NumPy only). Takes the result's gradient and the nested
lists of arrays numpy.block assembled; gives back the gradient of each, in the same nesting.

Each array of a block occupies one box of the result (its shape with ones in front to the
result's dimension): `block_grad` finds that box as the ones of numpy.block applied to ones
in the array's place and zeros elsewhere, and reads the gradient there (in C order, the
array's own order; an array given twice has two boxes, found by place). Like srcdiff.runtime, it stands alone (numpy and nothing else).
"""
import numpy


def block_grad(grad, arrays):
    """The adjoint of numpy.block(arrays): nested lists like `arrays`, each gradient shaped
    like its array (a number for a number)."""
    def marked(item, path, target):
        if isinstance(item, list):
            return [marked(sub, path + (i,), target) for i, sub in enumerate(item)]
        return (numpy.ones_like if path == target else numpy.zeros_like)(item, dtype=bool)

    def build(item, path):
        if isinstance(item, list):
            return [build(sub, path + (i,)) for i, sub in enumerate(item)]
        piece = grad[numpy.block(marked(arrays, (), path))]
        if numpy.ndim(item) == 0 and not isinstance(item, numpy.ndarray):
            return piece[0]
        return numpy.reshape(piece, numpy.shape(item))

    return build(arrays, ())
