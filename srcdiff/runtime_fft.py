"""Runtime helpers of the FFT rules, templates/fft.py (run time: called by emitted code; a leaf
importing numpy only). Takes the cotangent and the transform's arguments; gives back a new
array shaped like the input.

Every numpy.fft transform is linear over the reals, so its reverse rule is its transpose,
under srcdiff's complex convention (the adjoint of a real loss L is dL/dRe - i dL/dIm, as
autograd and JAX): a map y = M x that is linear over the complex numbers has the adjoint
M^T g (no conjugate); the unnormalized DFT matrix is symmetric, so fft's adjoint is fft
itself with the same norm=, cut or zero-padded back to the input's length; a real input
takes the real part. Each helper takes the cotangent and the transform's arguments and
returns a new array shaped like the input; none writes its arguments. Each is a plain NumPy
function the codegen command can copy, and has a tangent rule beside the templates.
"""
import numpy


def fft_axes(a, s, axes, default_all=True, inverse_real=False):
    """NumPy's (s, axes) of an n-dimensional transform of `a`: lengths and axes (>= 0).

    `default_all`: axes=None means every axis (fftn) rather than the last len(s) ones;
    `inverse_real`: the last length defaults to 2 * (m - 1) (irfftn)."""
    ndim = numpy.ndim(a)
    shape = numpy.shape(a)
    if isinstance(axes, int):  # a one-dimensional transform: n= and axis=
        s, axes = (None if s is None else [s]), [axes]
    if axes is None:
        axes = list(range(ndim)) if s is None else list(range(-len(s), 0))
    axes = [int(ax) % ndim for ax in axes]
    if s is None:
        s = [shape[ax] for ax in axes]
        if inverse_real:
            s[-1] = 2 * (shape[axes[-1]] - 1)
    s = [shape[ax] if n is None else int(n) for n, ax in zip(s, axes)]
    return s, axes


def fft_fit(g, axis, length):
    """`g` cut or zero-padded along `axis` to `length` (the transpose of NumPy's own fitting
    of an input to n=)."""
    have = numpy.shape(g)[axis]
    if have == length:
        return g
    if have > length:
        index = [slice(None)] * numpy.ndim(g)
        index[axis] = slice(0, length)
        return g[tuple(index)]
    widths = [(0, 0)] * numpy.ndim(g)
    widths[axis] = (0, length - have)
    return numpy.pad(g, widths)


def fft_real_part(g, a):
    """The real part of an adjoint where the input `a` is real."""
    return g if numpy.iscomplexobj(a) else numpy.real(g)


def fft_swap_norm(norm):
    """hfft and ihfft are irfft and rfft with the norm's direction swapped."""
    return {None: "forward", "backward": "forward", "ortho": "ortho",
            "forward": "backward"}[norm]


def fft_complex_adjoint(g, a, s, axes, norm, inverse, default_all=True):
    """The adjoint of fftn / ifftn (and fft, fft2, ifft, ifft2) of `a` for the cotangent g."""
    s, axes = fft_axes(a, s, axes, default_all)
    transform = numpy.fft.ifftn if inverse else numpy.fft.fftn
    out = transform(g, axes=axes, norm=norm)
    for ax in axes:
        out = fft_fit(out, ax, numpy.shape(a)[ax])
    return fft_real_part(out, a)


def fft_real_adjoint(g, a, s, axes, norm):
    """The adjoint of rfftn (and rfft, rfft2) of the real `a` for the cotangent g: fftn's
    over the full-length axes, then, along the last axis, the half spectrum zero-padded to
    the length n transformed back by fft."""
    s, axes = fft_axes(a, s, axes)
    out = g
    if len(axes) > 1:
        out = numpy.fft.fftn(out, axes=axes[:-1], norm=norm)
    out = numpy.fft.fft(fft_fit(out, axes[-1], s[-1]), axis=axes[-1], norm=norm)
    for ax in axes:
        out = fft_fit(out, ax, numpy.shape(a)[ax])
    return fft_real_part(out, a)


def fft_inverse_real_adjoint(g, a, s, axes, norm):
    """The adjoint of irfftn (and irfft, irfft2) of the half spectrum `a` for the real
    cotangent g: along the last axis (length n), ifft of g kept to its n // 2 + 1 first
    terms, the ones that stand for two (all but the first and, n even, the last) doubled;
    then ifftn's adjoint over the other axes."""
    s, axes = fft_axes(a, s, axes, inverse_real=True)
    last, n = axes[-1], s[-1]
    out = fft_fit(numpy.fft.ifft(g, axis=last, norm=norm), last, n // 2 + 1)
    out = fft_double_inner(out, last, n)
    if len(axes) > 1:
        out = numpy.fft.ifftn(out, axes=axes[:-1], norm=norm)
    for ax in axes:
        out = fft_fit(out, ax, numpy.shape(a)[ax])
    return fft_real_part(out, a)


def fft_double_inner(h, axis, n):
    """`h` (n // 2 + 1 terms along `axis`) with the terms standing for two doubled: all but
    the first and, for an even n, the last."""
    m = n // 2 + 1
    stop = m - 1 if n % 2 == 0 else m
    parts = [_fft_take(h, axis, 0, 1), 2.0 * _fft_take(h, axis, 1, stop)]
    if stop < m:
        parts.append(_fft_take(h, axis, stop, m))
    return numpy.concatenate(parts, axis=axis)


def _fft_take(h, axis, start, stop):
    index = [slice(None)] * numpy.ndim(h)
    index[axis] = slice(start, stop)
    return h[tuple(index)]


def hfft_adjoint(g, a, n, axis, norm):
    """hfft(a) = irfft(conj(a)) with the norm's direction swapped."""
    return numpy.conjugate(fft_inverse_real_adjoint(g, numpy.conjugate(a), n, axis,
                                                    fft_swap_norm(norm)))


def ihfft_adjoint(g, a, n, axis, norm):
    """ihfft(a) = conj(rfft(a)) with the norm's direction swapped (a real)."""
    return fft_real_adjoint(numpy.conjugate(g), a, n, axis, fft_swap_norm(norm))


def fftshift_adjoint(g, axes, inverse):
    """fftshift's adjoint is ifftshift (the inverse permutation), and the other way round."""
    return numpy.fft.fftshift(g, axes) if inverse else numpy.fft.ifftshift(g, axes)
