"""Delta debugging over statements: remove statements, unwrap blocks and drop helpers
while the failure persists, until no single edit keeps it (a 1-minimal program)."""
import time


def _lists(program):
    """Every statement list in the program, as (function index, trail) paths."""
    out = []

    def walk(fi, stmts, trail):
        out.append((fi, trail))
        for si, s in enumerate(stmts):
            for bi, (_, body) in enumerate(s.blocks or ()):
                walk(fi, body, trail + ((si, bi),))
    for fi, fn in enumerate(program.functions):
        walk(fi, fn.body, ())
    return out


def _get(program, fi, trail):
    stmts = program.functions[fi].body
    for si, bi in trail:
        stmts = stmts[si].blocks[bi][1]
    return stmts


def candidates(program):
    """Programs one edit smaller, biggest edits first."""
    for k in range(len(program.functions) - 1):      # drop a helper (f is last)
        c = program.clone()
        del c.functions[k]
        yield c
    for fi, trail in _lists(program):
        stmts = _get(program, fi, trail)
        for si, s in enumerate(stmts):
            if not getattr(s, "keep", False):
                c = program.clone()
                del _get(c, fi, trail)[si]
                yield c
            for bi, (_, body) in enumerate(s.blocks or ()):
                if s.blocks[0][0][0].startswith("def "):
                    continue
                c = program.clone()
                target = _get(c, fi, trail)
                target[si:si + 1] = list(_get(c, fi, trail + ((si, bi),)))
                yield c


def shrink(program, fails, deadline=None):
    """The smallest program reached from `program` by edits for which fails(candidate) holds."""
    current = program
    progress = True
    while progress:
        progress = False
        for c in candidates(current):
            if deadline is not None and time.time() > deadline:
                return current
            if c.size() < current.size() and fails(c):
                current = c
                progress = True
                break
    return current
