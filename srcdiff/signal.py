"""`srcdiff.signal.convolve`, autograd's convolution over chosen axes (a leaf: called by
the user's code; the rules of templates/signal.py and the emitted code call its helpers).
Takes two arrays, the axes to convolve and to contract, a mode; gives back their
convolution. Written in NumPy for programs ported from autograd (`autograd.scipy.signal`,
which SciPy does not have: scripts/port_autograd_examples.py maps it here).

`convolve(A, B, axes=None, dot_axes=[(), ()], mode="full")`:

* `axes = (axes_A, axes_B)`: the axes convolved, in pairs (default: every axis of A with
  the same axis of B);
* `dot_axes = (dot_A, dot_B)`: axes summed over in pairs, as numpy.tensordot does;
* the output's axes: A's other axes in order, then B's other axes, then one per convolved
  pair, of size n_A + n_B - 1 ("full"), |n_A - n_B| + 1 ("valid": one array must be at
  least as large as the other along every convolved pair) or n_A ("same": centred as
  autograd centres it, the first (n_B - 1) // 2 positions of the full output left out).

Along each convolved pair, out[n] = sum_k A[k] * B[n + start - k] (B zero outside its
range), `start` being where the mode's part of the full convolution begins. Every product
is one numpy.einsum over the windows (stacked slices) of the zero-padded other operand:
`convolve_grad(g, A, B, axes, dot_axes, mode, which)` is the adjoint of A (which=0) or B
(which=1) for the output's adjoint g, computed the same way; both are linear in g and in
the other operand, which is all their derivatives need.
"""
import itertools
import string

import numpy

MODES = ("full", "valid", "same")
LETTERS = string.ascii_letters


def _layout(A, B, axes, dot_axes):
    """(conv_A, conv_B, dot_A, dot_B, ignore_A, ignore_B) as tuples of axis numbers."""
    nA, nB = numpy.ndim(A), numpy.ndim(B)
    if axes is None:
        axes = (tuple(range(nA)), tuple(range(nA)))
    if dot_axes is None:
        dot_axes = ((), ())
    conv_A, conv_B = (tuple(int(a) % n if n else int(a) for a in ax)
                      for ax, n in zip(axes, (nA, nB)))
    dot_A, dot_B = (tuple(int(a) % n if n else int(a) for a in ax)
                    for ax, n in zip(dot_axes, (nA, nB)))
    if len(conv_A) != len(conv_B) or len(dot_A) != len(dot_B):
        raise ValueError("convolve: axes and dot_axes pair an axis of A with one of B: "
                         f"got axes={axes!r}, dot_axes={dot_axes!r}")
    for mine, n, name in ((conv_A + dot_A, nA, "A"), (conv_B + dot_B, nB, "B")):
        if len(set(mine)) != len(mine) or any(not 0 <= a < n for a in mine):
            raise ValueError(f"convolve: the axes of {name} must be distinct axes of its "
                             f"{n} dimensions: got axes={axes!r}, dot_axes={dot_axes!r}")
    ignore_A = tuple(a for a in range(nA) if a not in conv_A + dot_A)
    ignore_B = tuple(b for b in range(nB) if b not in conv_B + dot_B)
    return conv_A, conv_B, dot_A, dot_B, ignore_A, ignore_B


def _spans(A, B, layout, mode):
    """Per convolved pair: (n_A, n_B, start, length) of the mode's part of the output."""
    if mode not in MODES:
        raise ValueError(f"convolve: mode must be one of {MODES}, not {mode!r}")
    conv_A, conv_B = layout[0], layout[1]
    sizes = [(numpy.shape(A)[a], numpy.shape(B)[b]) for a, b in zip(conv_A, conv_B)]
    if mode == "valid" and not (all(na >= nb for na, nb in sizes) or
                                all(na <= nb for na, nb in sizes)):
        raise ValueError("convolve: in 'valid' mode one array must be at least as large as "
                         "the other along every convolved pair of axes")
    spans = []
    for na, nb in sizes:
        if mode == "full":
            spans.append((na, nb, 0, na + nb - 1))
        elif mode == "valid":
            spans.append((na, nb, min(na, nb) - 1, abs(na - nb) + 1))
        else:
            spans.append((na, nb, (nb - 1) // 2, na))
    return spans


def _windows(Y, axes, offsets, lengths, widths):
    """W, windows of Y, zero outside its range, with W[..., q, ..., j] = Y[q + offset + j]
    along each of `axes` (q < length; the window index j < width is a new last axis, one
    per axis in order). Slices stacked (numpy.stack dispatches to the array's own module,
    so a CuPy array stays on its device)."""
    pad = [(0, 0)] * numpy.ndim(Y)
    cut = [slice(None)] * numpy.ndim(Y)
    for ax, off, length, width in zip(axes, offsets, lengths, widths):
        n = numpy.shape(Y)[ax]
        left = max(0, -off)
        right = max(0, off + length + width - 1 - n)
        pad[ax] = (left, right)
        cut[ax] = slice(off + left, off + left + length + width - 1)
    if any(p != (0, 0) for p in pad):
        Y = numpy.pad(Y, pad)
    Y = Y[tuple(cut)]
    slices = []
    for starts in itertools.product(*[range(w) for w in widths]):
        at = [slice(None)] * numpy.ndim(Y)
        for ax, j, length in zip(axes, starts, lengths):
            at[ax] = slice(j, j + length)
        slices.append(Y[tuple(at)])
    stacked = numpy.stack(slices, axis=-1)
    return numpy.reshape(stacked, numpy.shape(stacked)[:-1] + tuple(widths))


def _einsum(x, sub_x, y, sub_y, sub_out):
    """numpy.einsum with the subscripts written as a string (label k is the k-th letter)."""
    def word(sub):
        return "".join(LETTERS[k] for k in sub)
    return numpy.einsum(f"{word(sub_x)},{word(sub_y)}->{word(sub_out)}", x, y)


def _array(x):
    """x, or the array of a list or number (an array of any module is kept as it is)."""
    return x if hasattr(x, "shape") and hasattr(x, "ndim") else numpy.asarray(x)


def _labels(count, start):
    return list(range(start, start + count))


class _Plan:
    """The einsum labels both convolve and its adjoints use: `ia`, `ib` the axes of A and B
    neither convolved nor contracted, `c` the output's convolved positions, `w` a window's
    positions, `dots` the contracted axes; `sub_A` A's subscripts; `spans` per convolved axis
    (len in A, len in B, the first window's start, the output's length)."""

    def __init__(self, A, B, axes, dot_axes, mode):
        layout = _layout(A, B, axes, dot_axes)
        self.conv_A, self.conv_B, self.dot_A, self.dot_B, self.ignore_A, self.ignore_B = layout
        self.spans = _spans(A, B, layout, mode)
        self.k = k = len(self.conv_A)
        self.ia = _labels(len(self.ignore_A), 0)
        self.ib = _labels(len(self.ignore_B), len(self.ia))
        base = len(self.ia) + len(self.ib)
        self.c, self.w = _labels(k, base), _labels(k, base + k)
        self.dots = _labels(len(self.dot_A), base + 2 * k)
        self.sub_A = _subscripts(numpy.ndim(A), (self.ignore_A, self.ia), (self.conv_A, self.w),
                                 (self.dot_A, self.dots))

    def windows_of_B(self, B):
        """B's windows as convolve reads them, and their subscripts."""
        spans = self.spans
        view = _windows(B, self.conv_B, [s - (na - 1) for na, nb, s, n in spans],
                        [n for na, nb, s, n in spans], [na for na, nb, s, n in spans])
        sub_B = _subscripts(numpy.ndim(B), (self.ignore_B, self.ib), (self.conv_B, self.c),
                            (self.dot_B, self.dots)) + self.w
        return view, sub_B


def convolve(A, B, axes=None, dot_axes=None, mode="full"):
    """The convolution of A and B over `axes`, contracted over `dot_axes` (see the module
    docstring)."""
    A, B = _array(A), _array(B)
    plan = _Plan(A, B, axes, dot_axes, mode)
    view, sub_B = plan.windows_of_B(B)
    flipped = numpy.flip(A, axis=plan.conv_A) if plan.k else A
    return _einsum(flipped, plan.sub_A, view, sub_B, plan.ia + plan.ib + plan.c)


def _subscripts(ndim, *groups):
    sub = [None] * ndim
    for axes, labels in groups:
        for a, label in zip(axes, labels):
            sub[a] = label
    return sub


def convolve_grad(g, A, B, axes=None, dot_axes=None, mode="full", which=0):
    """The adjoint of A (which=0) or B (which=1) in y = convolve(A, B, axes, dot_axes, mode),
    for y's adjoint g: linear in g and in the other operand (the operand itself gives only
    its shape)."""
    A, B, g = _array(A), _array(B), _array(g)
    plan = _Plan(A, B, axes, dot_axes, mode)
    ia, ib, c, w, dots, k, spans = plan.ia, plan.ib, plan.c, plan.w, plan.dots, plan.k, plan.spans
    sub_A, sub_g = plan.sub_A, plan.ia + plan.ib + plan.c
    if which == 0:
        # dA[k] = sum_n g[n] B[n + start - k]: the output's windows of B, as convolve reads
        # them, weighed by g; read along the flipped window
        view, sub_B = plan.windows_of_B(B)
        flipped = _einsum(g, sub_g, view, sub_B, sub_A)
        return numpy.flip(flipped, axis=plan.conv_A) if k else flipped
    # dB[p] = sum_j A[j] g[p - start + j]: windows of g over B's positions
    g_conv = tuple(range(len(ia) + len(ib), len(ia) + len(ib) + k))
    view = _windows(g, g_conv, [-s for na, nb, s, n in spans],
                    [nb for na, nb, s, n in spans], [na for na, nb, s, n in spans])
    p = c   # the labels of g's convolved axes now run over B's positions
    sub_B = _subscripts(numpy.ndim(B), (plan.ignore_B, ib), (plan.conv_B, p),
                        (plan.dot_B, dots))
    return _einsum(A, sub_A, view, sub_g + w, sub_B)
