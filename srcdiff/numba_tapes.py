"""Tapes the Numba kernel preallocates (stage 7, emit: called by numba_backend.py). Takes the
kernel's statements, each tape's pushes and pops and the source lines; gives back the line
edits that make those tapes arrays (or lists) of the loop's length, filled by trip number.

numba_backend.py gives each saved variable (and each array and index of an item write) a
tape of its own, a list grown by `append` and shrunk by `pop`. Where a tape is pushed once
per trip of a `for` over a range, directly in the loop's body, the loop has no `break` or
`continue` (so it runs `len(range_1)` trips, known when it starts), and it is popped once
per trip, directly in the body of the loop running that range backwards, the kernel
instead allocates the tape on the first trip, `tape_x = empty_tape(len(range_1), x)` (an
array of x's type for a number, a list of that length otherwise), writes trip k's value at
`tape_x[range_1_at]` and reads it back at `tape_x[range_1_back]`:

    range_1_at = -1
    for t in range_1:
        range_1_at += 1
        ...
        if range_1_at == 0:
            tape_x = empty_tape(len(range_1), x)
        tape_x[range_1_at] = x
    ...
    range_1_back = len(range_1)
    for t in <range_1 backwards>:
        range_1_back -= 1
        x = tape_x[range_1_back]

Any other tape (pushed in a branch, in a loop inside a loop, before the loop too, in a
loop left by break) stays a list. A loop that runs no trip allocates nothing and reads
nothing back.
"""
import ast
import re



def call_name(node):
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        else None


def preallocate(body, pushed, popped, lines, edits):
    """The tapes preallocated, their lines rewritten in `edits` (line number -> text):
    `pushed` maps each tape to its pushes (statement, value's text, comment), `popped`
    to its pops (statement, target's text)."""
    chosen = counted(body, {t: [p[0] for p in v] for t, v in pushed.items()},
                     {t: [p[0] for p in v] for t, v in popped.items()})
    taken = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name)}
    rewrite({t: loops + pushed[t][0] + popped[t][0] for t, loops in chosen.items()},
            lines, taken, edits.__setitem__, lambda k: edits.get(k, lines[k - 1]))
    return set(chosen)


def counted(body, pushes, pops):
    """{tape: (forward loop, backward loop)} for the tapes that can be preallocated:
    `pushes` and `pops` map each tape to the statements that push onto it and pop it."""
    forward, backward = {}, {}
    for stmt in body:
        if not isinstance(stmt, ast.For):
            continue
        if isinstance(stmt.iter, ast.Name):
            forward.setdefault(stmt.iter.id, []).append(stmt)
        elif call_name(stmt.iter) == "reversed" and len(stmt.iter.args) == 1 and \
                isinstance(stmt.iter.args[0], ast.Name):
            backward.setdefault(stmt.iter.args[0].id, []).append(stmt)
    out = {}
    for tape, pushed in pushes.items():
        popped = pops.get(tape, ())
        if len(pushed) != 1 or len(popped) != 1:
            continue
        loop = next((loops[0] for loops in forward.values()
                     if len(loops) == 1 and pushed[0] in loops[0].body), None)
        if loop is None or any(isinstance(n, (ast.Break, ast.Continue))
                               for n in ast.walk(loop)):
            continue
        back = backward.get(loop.iter.id, ())
        if len(back) == 1 and popped[0] in back[0].body:
            out[tape] = (loop, back[0])
    return out


def rewrite(chosen, lines, taken, edit, header):
    """Rewrite the chosen tapes' pushes, pops and loop headers: `edit(lineno, text)` sets a
    line's text, `header(lineno)` gives a loop header's text as it is rewritten so far
    (the backward loop's counted range). `chosen` maps each tape to (forward loop,
    backward loop, push statement, pushed value's text, its comment, pop statement, popped
    target's text), `taken` the names the kernel uses."""
    counters = {}
    for tape, (loop, back, push, value, mark, pop, target) in sorted(chosen.items()):
        rng = loop.iter.id
        if rng not in counters:
            at, down = _fresh(f"{rng}_at", taken), _fresh(f"{rng}_back", taken)
            counters[rng] = (at, down)
            _around(loop, f"{at} = -1", f"{at} += 1", lines, edit, header)
            _around(back, f"{down} = len({rng})", f"{down} -= 1", lines, edit, header)
        at, down = counters[rng]
        indent = _indent(lines, push.lineno)
        edit(push.lineno, f"{indent}if {at} == 0:\n{indent}    {tape} = empty_tape(len({rng}), "
                          f"{value}){mark}\n{indent}{tape}[{at}] = {value}{mark}")
        edit(pop.lineno, f"{_indent(lines, pop.lineno)}{target} = {tape}[{down}]")


def _around(loop, before, first, lines, edit, header):
    indent = _indent(lines, loop.lineno)
    inner = _indent(lines, loop.body[0].lineno)
    edit(loop.lineno, f"{indent}{before}\n{header(loop.lineno)}\n{inner}{first}")


def _fresh(name, taken):
    k, out = 1, name
    while out in taken:
        k += 1
        out = f"{name}{k}"
    taken.add(out)
    return out


def _indent(lines, lineno):
    return re.match(r"\s*", lines[lineno - 1]).group(0)
