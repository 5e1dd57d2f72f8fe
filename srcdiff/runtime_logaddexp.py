"""Helpers that the rules of numpy.logaddexp.accumulate and numpy.logaddexp2.accumulate
(templates/reductions.py) emit (run time: called by emitted code; a leaf importing NumPy):
the tangent and the adjoint of the running log-sum-exp. Takes the input a, the result y
(y[i] = log_b(b**a[0] + ... + b**a[i]) along `axis`, b = e or 2) and a tangent or a
cotangent; gives back the tangent of y or the cotangent of a.

y's derivative in a[j] is b**(a[j] - y[i]) for i >= j. Both sums are run with the weight
b**(a[j] - y[j]) (at most 1) and the decay b**(y[j] - y[i]) (at most 1, as y only grows),
never with b**a or b**-y alone, so values far apart (whose powers overflow) stay exact; a
-inf element (log 0) adds nothing, and one where y is still -inf too gets derivative 0:

    tangent[i] = sum over j <= i of t[j] b**(a[j] - y[j]) b**(y[j] - y[i])
    adjoint[j] = b**(a[j] - y[j]) * sum over i >= j of g[i] b**(y[j] - y[i])

each summed by doubling: log2(n) steps, each adding the partial sum `step` places back,
decayed by b**(y[i - step] - y[i]).
"""
import numpy


def _along(value, axis):
    """value with `axis` last. axis=None is accepted by ufunc.accumulate for a 1-d array only
    (a 2-d one raises "accumulate does not allow multiple axes"), so the reshape keeps the
    vector it is given: nothing is flattened."""
    if axis is None:
        return numpy.reshape(value, (-1,))
    return numpy.moveaxis(value, axis, -1)


def _back(value, like, axis):
    """_along's inverse: `axis` back in its place (axis=None: like's shape, a vector's)."""
    if axis is None:
        return numpy.reshape(value, numpy.shape(like))
    return numpy.moveaxis(value, -1, axis)


def _power(base, x):
    return numpy.exp2(x) if base == 2 else numpy.exp(x)


def _ratio(base, top, bottom):
    """base**(top - bottom), 0 where both are the same infinity (a log(0) = -inf element
    over a running result still -inf: it adds nothing) rather than NaN."""
    same = numpy.isinf(top) & (top == bottom)
    with numpy.errstate(invalid="ignore"):   # (-inf - -inf: replaced below; on the array's
        gap = numpy.where(same, 0.0, top - bottom)   # own device, no host buffer)
    return numpy.where(same, 0.0, _power(base, gap))


def _decayed_sums(values, logs, base):
    """out[..., i] = sum over j <= i of values[..., j] * base**(logs[..., j] - logs[..., i])
    along the last axis, for nondecreasing logs (every factor at most 1)."""
    n = numpy.shape(values)[-1]
    step = 1
    while step < n:
        decay = _ratio(base, logs[..., :-step], logs[..., step:])
        values = numpy.concatenate([values[..., :step],
                                    values[..., step:] + decay * values[..., :-step]], axis=-1)
        step *= 2
    return values


def logaddexp_accumulate_tangent(t, a, y, axis, base):
    """The tangent of y = numpy.logaddexp.accumulate(a, axis) (base=2: logaddexp2) along t."""
    x, r = _along(a, axis), _along(y, axis)
    s = _along(t * numpy.ones_like(a), axis) * _ratio(base, x, r)
    return _back(_decayed_sums(s, r, base), a, axis)


def logaddexp_accumulate_grad(g, a, y, axis, base):
    """The adjoint of logaddexp_accumulate_tangent in t: a's cotangent from y's, g."""
    x, r = _along(a, axis), _along(y, axis)
    flipped = _decayed_sums(numpy.flip(_along(g * numpy.ones_like(y), axis), -1),
                            numpy.flip(-r, -1), base)
    return _back(numpy.flip(flipped, -1) * _ratio(base, x, r), a, axis)
