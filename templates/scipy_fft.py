"""scipy.fft's discrete cosine transforms: dct, idct, dctn and idctn, with every type, n or s,
axis or axes, norm and orthogonalize SciPy takes (srcdiff.runtime_dct: the adjoint applies
each axis' matrix transposed). They are linear: the forward rule is the same call of the
tangent. Real inputs (a complex one is refused at the user's line). Loaded once the user's
code has imported scipy.fft (srcdiff.rules.OPTIONAL).
"""
import scipy.fft

from srcdiff.callables import name_path
from srcdiff.rule_forms import linear
from srcdiff.rules import d, forward, real_only, reverse
from srcdiff.runtime_dct import dct_grad

for _name in ("dct", "idct", "dctn", "idctn"):
    name_path(getattr(scipy.fft, _name), "scipy.fft." + _name)
    real_only(f"scipy.fft.{_name}", getattr(scipy.fft, _name))


@reverse(scipy.fft.dct)
def dct(y, x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,
        orthogonalize=None):
    d[x] = dct_grad(d[y], x, "dct", type, n, axis, norm, orthogonalize)


@forward(scipy.fft.dct)
def dct(y, x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,
        orthogonalize=None):
    d[y] = scipy.fft.dct(d[x], type, n, axis, norm, orthogonalize=orthogonalize)


@reverse(scipy.fft.idct)
def idct(y, x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,
         orthogonalize=None):
    d[x] = dct_grad(d[y], x, "idct", type, n, axis, norm, orthogonalize)


@forward(scipy.fft.idct)
def idct(y, x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,
         orthogonalize=None):
    d[y] = scipy.fft.idct(d[x], type, n, axis, norm, orthogonalize=orthogonalize)


@reverse(scipy.fft.dctn)
def dctn(y, x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,
         orthogonalize=None):
    d[x] = dct_grad(d[y], x, "dctn", type, s, axes, norm, orthogonalize)


@forward(scipy.fft.dctn)
def dctn(y, x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,
         orthogonalize=None):
    d[y] = scipy.fft.dctn(d[x], type, s, axes, norm, orthogonalize=orthogonalize)


@reverse(scipy.fft.idctn)
def idctn(y, x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,
          orthogonalize=None):
    d[x] = dct_grad(d[y], x, "idctn", type, s, axes, norm, orthogonalize)


@forward(scipy.fft.idctn)
def idctn(y, x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,
          orthogonalize=None):
    d[y] = scipy.fft.idctn(d[x], type, s, axes, norm, orthogonalize=orthogonalize)


linear(dct_grad, "grad")
