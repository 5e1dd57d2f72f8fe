"""Runtime helpers of the bilinear products' rules (numpy.kron, cross, tensordot, einsum,
linalg.multi_dot in templates/linalg.py): what emitted code calls for their adjoints (run
time: called by emitted code; a leaf importing numpy only). Takes the cotangent, the
operands and which one; gives back the adjoint of that operand, a new array shaped like it.

Each adjoint is linear in the cotangent and in the other operand: `*_grad(g, ..., which)`
returns the adjoint of operand `which`, a new array shaped like it; einsum's adjoint is
another einsum, its subscripts parsed by `einsum_parse`; multi_dot's (`multi_dot_grad`)
are a list, one per operand. None writes its arguments; each is
a plain NumPy function the codegen command can copy, and has a tangent rule beside the
templates.
"""
import numpy


def kron_grad(g, a, b, which):
    """The adjoint of a (which=0) or b (which=1) in y = numpy.kron(a, b): y reshaped to
    (p1, q1, p2, q2, ...) is a[i1, i2, ...] * b[j1, j2, ...]."""
    sa, sb = numpy.shape(a), numpy.shape(b)
    nd = max(len(sa), len(sb))
    pa = (1,) * (nd - len(sa)) + tuple(sa)
    pb = (1,) * (nd - len(sb)) + tuple(sb)
    pairs = numpy.reshape(g, [n for p, q in zip(pa, pb) for n in (p, q)])
    if which == 0:
        other = numpy.reshape(b, [n for q in pb for n in (1, q)])
        out = numpy.sum(pairs * other, axis=tuple(range(1, 2 * nd, 2)))
        return numpy.reshape(out, sa)
    other = numpy.reshape(a, [n for p in pa for n in (p, 1)])
    out = numpy.sum(pairs * other, axis=tuple(range(0, 2 * nd, 2)))
    return numpy.reshape(out, sb)


def cross_grad(g, a, b, axisa, axisb, axisc, axis, which):
    """The adjoint of a (which=0) or b (which=1) in y = numpy.cross(a, b, ...): for vectors
    of length 3, <g, a x b> = <a, b x g> = <b, g x a>; 2-vectors are 3-vectors with a zero
    last component (and a scalar result is the third component)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    va = numpy.moveaxis(a, axisa, -1)
    vb = numpy.moveaxis(b, axisb, -1)
    vector = numpy.shape(va)[-1] == 3 or numpy.shape(vb)[-1] == 3
    vg = numpy.moveaxis(g, axisc, -1) if vector else g
    g3 = cross_as3(vg, vector)
    a3, b3 = cross_as3(va, True), cross_as3(vb, True)
    if which == 0:
        out, mine, axis_mine = numpy.cross(b3, g3), va, axisa
    else:
        out, mine, axis_mine = numpy.cross(g3, a3), vb, axisb
    out = out[..., :numpy.shape(mine)[-1]]
    shape = numpy.shape(mine)
    extra = numpy.ndim(out) - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape)
                                      if n == 1 and numpy.shape(out)[extra + i] != 1)
    if axes:
        out = numpy.reshape(numpy.sum(out, axis=axes), shape)
    return numpy.moveaxis(out, -1, axis_mine)


def cross_as3(v, vector):
    """A stack of 2- or 3-vectors (last axis) as 3-vectors; a stack of scalars (vector
    False: the z component of a cross product of 2-vectors) as (0, 0, v)."""
    if not vector:
        v = numpy.expand_dims(v, -1)
        zero = v * 0
        return numpy.concatenate([zero, zero, v], axis=-1)
    if numpy.shape(v)[-1] == 3:
        return v
    return numpy.concatenate([v, v[..., :1] * 0], axis=-1)


def tensordot_axes(a, b, axes):
    """numpy.tensordot's axes= as two lists of contracted axes (>= 0)."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if isinstance(axes, int) or (hasattr(axes, "__index__") and numpy.ndim(axes) == 0):
        n = int(axes)
        return list(range(na - n, na)), list(range(n))
    xa, xb = axes
    xa = [xa] if isinstance(xa, int) else list(xa)
    xb = [xb] if isinstance(xb, int) else list(xb)
    return [int(x) % na for x in xa], [int(x) % nb for x in xb]


def tensordot_grad(g, a, b, axes, which):
    """The adjoint of a (which=0) or b (which=1) in y = numpy.tensordot(a, b, axes): g
    contracted with the other operand over its free axes, the axes put back in order."""
    xa, xb = tensordot_axes(a, b, axes)
    na, nb = numpy.ndim(a), numpy.ndim(b)
    free_a = [i for i in range(na) if i not in xa]
    free_b = [i for i in range(nb) if i not in xb]
    ka = len(free_a)
    if which == 0:
        # g's axes: free_a then free_b; contract free_b with b's free axes
        out = numpy.tensordot(g, b, (list(range(ka, ka + len(free_b))), free_b))
        # out's axes: free_a, then b's contracted ones in b's order, each paired with one of a
        order = free_a + [xa[xb.index(bx)] for bx in sorted(xb)]
        return numpy.transpose(out, sorted(range(len(order)), key=order.__getitem__))
    out = numpy.tensordot(a, g, (free_a, list(range(ka))))
    order = [xb[xa.index(ax)] for ax in sorted(xa)] + free_b
    return numpy.transpose(out, sorted(range(len(order)), key=order.__getitem__))


def einsum_parse(subscripts, shapes):
    """Explicit subscripts of numpy.einsum: one string per operand (`...` spelled out with
    letters of its own) and the output's, implicit output as NumPy makes it."""
    import string
    text = subscripts.replace(" ", "")
    if "->" in text:
        inputs, output = text.split("->")
    else:
        inputs, output = text, None
    parts = inputs.split(",")
    if len(parts) != len(shapes):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(parts)} operands, "
                         f"{len(shapes)} given")
    spare = [c for c in string.ascii_letters if c not in text]
    dims = [len(shape) - len(p.replace("...", "")) for p, shape in zip(parts, shapes)
            if "..." in p]
    width = max(dims, default=0)
    ellipsis = "".join(spare[:width])
    out_parts = []
    for p, shape in zip(parts, shapes):
        if "..." in p:
            own = len(shape) - len(p.replace("...", ""))
            p = p.replace("...", ellipsis[width - own:] if own else "")
        out_parts.append(p)
    if output is None:
        letters = "".join(out_parts)
        user = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        output = ellipsis + "".join(user)
    else:
        output = output.replace("...", ellipsis)
    return out_parts, output


def einsum_operands(op0, op1, op2, op3, op4, op5):
    return [op for op in (op0, op1, op2, op3, op4, op5) if op is not None]


def einsum_apply(subscripts, optimize, op0, op1=None, op2=None, op3=None, op4=None, op5=None):
    """numpy.einsum of the operands given (a forward rule's term)."""
    ops = einsum_operands(op0, op1, op2, op3, op4, op5)
    return numpy.einsum(subscripts, *ops, optimize=optimize)


def einsum_grad(g, subscripts, which, op0, op1=None, op2=None, op3=None, op4=None, op5=None):
    """The adjoint of operand `which` in y = numpy.einsum(subscripts, *ops): one einsum of g
    and the other operands onto that operand's subscripts; an index only that operand has
    is met with ones, an index it repeats (a diagonal, 'ii->i') with an identity matrix,
    and an axis broadcast from length 1 is summed back."""
    ops = einsum_operands(op0, op1, op2, op3, op4, op5)
    shapes = [numpy.shape(op) for op in ops]
    parts, output = einsum_parse(subscripts, shapes)
    size = {}
    for p, shape in zip(parts, shapes):
        for c, n in zip(p, shape):
            size[c] = max(size.get(c, 1), n)
    mine = parts[which]
    like = ops[which]
    seen = set(output).union(*[set(p) for k, p in enumerate(parts) if k != which])
    terms = [output] + [p for k, p in enumerate(parts) if k != which]
    values = [g] + [op for k, op in enumerate(ops) if k != which]
    import string
    fresh = iter(c for c in string.ascii_letters
                 if c not in set(output).union(*[set(p) for p in parts]))
    target = ""
    for c in mine:
        if c in target:        # a repeated index: a fresh one, tied to the first by identity
            new = next(fresh)
            terms.append(c + new)
            values.append(numpy.diag(numpy.ones_like(like, shape=(size[c],))))
            target += new
        else:
            target += c
    for c in dict.fromkeys(mine):
        if c not in seen:
            terms.append(c)
            values.append(numpy.ones_like(like, shape=(size[c],)))
    out = numpy.einsum(",".join(terms) + "->" + target, *values)
    shape = numpy.shape(like)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and numpy.shape(out)[i] != 1)
    if axes:
        out = numpy.sum(out, axis=axes, keepdims=True)
    return out


def einsum_grad_along(g, subscripts, which, vary, op0, op1=None, op2=None, op3=None,
                      op4=None, op5=None):
    """einsum_grad with operand `vary` replaced by its tangent (given in its place): zero
    when vary is `which` (the adjoint depends on that operand's shape alone)."""
    ops = [op0, op1, op2, op3, op4, op5]
    if vary == which:
        return numpy.zeros_like(ops[which])
    return einsum_grad(g, subscripts, which, *ops)


def _chain_factors(arrays):
    """numpy.linalg.multi_dot's operands as matrices: a 1-d first one a row, a 1-d last one a
    column (as multi_dot reads them)."""
    mats = list(arrays)
    last = len(mats) - 1
    if numpy.ndim(mats[0]) == 1:
        mats[0] = numpy.reshape(mats[0], (1, -1))
    if numpy.ndim(mats[last]) == 1:
        mats[last] = numpy.reshape(mats[last], (-1, 1))
    return mats


def multi_dot_grad(g, arrays):
    """The adjoints of numpy.linalg.multi_dot(arrays), one per operand, as a list: operand i's
    is (A_1 ... A_(i-1))^T G (A_(i+1) ... A_n)^T, in the operand's shape."""
    mats = _chain_factors(arrays)
    n = len(mats)
    left = [numpy.reshape(g, (numpy.shape(mats[0])[0], numpy.shape(mats[-1])[1]))]
    for i in range(1, n):   # left[i] = (A_1 ... A_i)^T G
        left.append(numpy.matmul(numpy.swapaxes(mats[i - 1], 0, 1), left[-1]))
    out = [None] * n
    right = None            # (A_(i+1) ... A_n)^T
    for i in range(n - 1, -1, -1):
        piece = left[i] if right is None else numpy.matmul(left[i], right)
        out[i] = numpy.reshape(piece, numpy.shape(arrays[i]))
        step = numpy.swapaxes(mats[i], 0, 1)
        right = step if right is None else numpy.matmul(right, step)
    return out


def multi_dot_tangent(tangents, arrays):
    """The tangent of numpy.linalg.multi_dot(arrays) along `tangents` (one per operand): the
    sum over i of the product with operand i replaced by its tangent."""
    total = None
    for i, t in enumerate(tangents):
        term = numpy.linalg.multi_dot(list(arrays[:i]) + [t] + list(arrays[i + 1:]))
        total = term if total is None else total + term
    return total


def multi_dot_grad_along(g, arrays, tangents):
    """The tangent of multi_dot_grad(g, arrays) along `tangents` of the operands: operand i's
    adjoint is linear in each other operand, so it is the sum over j != i of the adjoint with
    operand j replaced by its tangent."""
    out = [None] * len(arrays)
    for j, t in enumerate(tangents):
        grads = multi_dot_grad(g, list(arrays[:j]) + [t] + list(arrays[j + 1:]))
        for i, piece in enumerate(grads):
            if i != j:
                out[i] = piece if out[i] is None else out[i] + piece
    return out
