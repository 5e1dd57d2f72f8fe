"""The local functions a checkpointed loop's segment functions define again (stage 5,
reverse: called by checkpoint_adjoint.py). Takes the reverse pass's state, the loop and the
names a segment function reads; gives back the definitions (clones of the function's own, in
its order) to put at the segment function's top and the names those read, or a located
refusal.

forward_segment_N and backward_segment_N run the loop's steps in functions of their own,
whose names are their own. A function the loop's body defines (a def, a lambda, the probe
srcdiff writes for a try block) is defined there as in the loop and reads the segment's
names, as it read the function's. A local function defined before the loop is another
matter: the function's closure reads the function's names, which hold the values from the
segment's start while a segment runs. Where it reads (itself, or through another local
function it reads) a name the loop binds or writes into, each segment function defines it
again at its top, as written, so that it reads the segment's names as the original reads the
function's while the loop runs; the names it reads become the segment function's parameters
like any other. The derivative of a call of it does not depend on this (calls with
differentiated arguments go to its lifted copy, which takes what it reads as arguments), its
plain runs (forward_segment_N, a sort key) do. A local function bound more than once in the
function (which definition would the loop call?) is refused, located at the statement of the
loop that reads it.
"""
from . import analyze
from . import syntax as S
from .checkpoint_names import assigned, free_reads, stored


def defined_again(rev, loop, reads):
    """(the definitions to put at a segment function's top, the names they read) for the
    local functions that `reads` (a segment function's free names) reach that read a name
    the loop binds or writes into, directly or through another local function."""
    rebound = _changed(loop)
    inner = {id(s) for s in analyze.flatten(loop.body)} | {id(loop)}
    order, made, counts = [], {}, {}
    for st in analyze.flatten(rev.body):
        for name in _binds(st):
            counts[name] = counts.get(name, 0) + 1
        name = _defined(st)
        if name is not None and id(st) not in inner:
            made[name] = st
            order.append(st)
    reached, todo = set(), [n for n in reads if n in made]
    while todo:   # the local functions the segment reads, and those they read
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo += [n for n in free_reads(made[name]) if n in made]
    stale = {n for n in reached if free_reads(made[n]) & rebound}
    grown = True
    while grown:  # one reading a function that reads the loop's names reads them too
        more = {n for n in reached - stale if free_reads(made[n]) & stale}
        grown = bool(more)
        stale |= more
    for name in sorted(stale):
        if counts.get(name, 0) > 1:
            line = _first_read(loop, name)
            reason = sorted(free_reads(made[name]) & (rebound | stale))
            raise rev.src.error(line, f"this checkpointed loop reads the local function "
                                f"{name}, which reads {', '.join(reason)} (changed by the loop) "
                                f"and is bound more than once in the function: srcdiff runs the "
                                "loop's steps again in functions of their own, which must define "
                                f"{name} again, and can not tell which definition",
                                hint=f"bind {name} once, or pass {reason[0]} to it as an "
                                "argument, or do not checkpoint this loop")
    copies = [S.clone(st) for st in order if _defined(st) in stale]
    read = set().union(*(free_reads(c) for c in copies)) if copies else set()
    return copies, read - stale


def _defined(st):
    """The name a def, or an assignment of a lambda to a name, binds (else None)."""
    if isinstance(st, S.FunctionDef):
        return st.name
    if isinstance(st, S.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], S.Name) \
            and isinstance(st.value, S.Lambda):
        return st.targets[0].id
    return None


def _binds(st):
    """The names one statement binds itself (a loop's or a branch's body not included)."""
    if isinstance(st, S.For):
        return stored(st.target)
    if isinstance(st, (S.While, S.If)):
        return set()
    return stored(st)


def _first_read(loop, name):
    for st in analyze.flatten(loop.body):
        head = st.iter if isinstance(st, S.For) else st.test \
            if isinstance(st, (S.While, S.If)) else st
        if name in free_reads(head):
            return st.sd.line
    return loop.sd.line


def _changed(loop):
    """The names the loop binds, and those it writes items or fields of."""
    out = assigned(loop, loop.target.id if isinstance(loop, S.For) else None)
    for st in analyze.flatten(loop.body):
        for n in S.walk(st):
            if isinstance(n, (S.Subscript, S.Attribute)) and isinstance(n.ctx, S.Store):
                while isinstance(n, (S.Subscript, S.Attribute)):
                    n = n.value
                if isinstance(n, S.Name):
                    out.add(n.id)
    return out
