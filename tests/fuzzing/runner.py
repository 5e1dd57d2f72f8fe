"""Generate, validate and check programs; shrink failures; write repros. What the programs
print (the read-only print calls of --idioms) goes nowhere."""
import contextlib
import io
import os
import random
import signal
import time
from collections import Counter

from . import records_arg
from .generator import Generator, sample_point
from .oracle import (CHECKS, ORDER, Invalid, Oracle, cause, describe, load, unload,
                     validate)
from .shrink import shrink


def _load_pair(program, directory):
    module = load(program.source(), directory, "fuzz")
    probe = load(program.source(probe=True), directory, "probe")
    return module, probe


def _frozen(program, directory):
    return load(program.source(frozen=True), directory, "frozen")


def valid_program(seed, directory, attempts=20, idioms=False):
    """The first program drawn from `seed` that runs and keeps away from ties at a point
    (with idioms, drawing issue #13's idioms too: tests/fuzzing/idioms.py).

    Returns (program, module, discarded)."""
    discarded = 0
    for attempt in range(attempts):
        program = Generator(f"{seed}:{attempt}", idioms=idioms).program()
        try:
            module, probe = _load_pair(program, directory)
        except Exception:  # noqa: BLE001 - a program that does not even import
            discarded += 1
            continue
        unload(probe)
        rnd = random.Random(f"{seed}:{attempt}:points")
        frozen = _frozen(program, directory) if "stop_gradient(" in program.source() else None
        for _ in range(6):
            try:
                validate(module, probe, program.args)
                try:
                    Oracle(module.f, program.args, program.wrt, seed, frozen)
                except Invalid:
                    raise
                except Exception as err:  # noqa: BLE001 - f fails near the point
                    raise Invalid(f"f fails near the point: {err}") from None
                if frozen is not None:
                    unload(frozen)
                return program, module, discarded
            except Invalid as err:
                if "tie" not in str(err):
                    break
                program.args = records_arg.point(rnd, program.records) if program.records \
                    else sample_point(rnd)
        if frozen is not None:
            unload(frozen)
        unload(module)
        discarded += 1
    raise RuntimeError(f"no valid program for seed {seed}")


def check(module, program, seed, directory, only=None):
    """{check: (outcome, detail)} for the program's f at its point."""
    frozen = _frozen(program, directory) if "stop_gradient(" in program.source() else None
    try:
        oracle = Oracle(module.f, program.args, program.wrt, seed, frozen)
    finally:
        if frozen is not None:
            unload(frozen)
    results = {}
    for name in only or CHECKS:
        if name == "second" and results.get("grad", ("right",))[0] != "right":
            continue  # second order is checked against srcdiff's own (checked) gradient
        results[name] = oracle.run(name)
    return results


def outcome_of(results):
    return max((r[0] for r in results.values()), key=ORDER.index, default="right")


def signature(name, outcome, detail):
    """What must persist while a failure is shrunk: the check, the outcome, and the
    exception type of a crash or the kind of a wrong result."""
    kind = type(detail).__name__ if outcome == "crash" else cause(outcome, detail, name)
    return (name, outcome, kind)


def quiet():
    """The programs' prints go nowhere while they run."""
    return contextlib.redirect_stdout(io.StringIO())


def run_one(seed, directory, idioms=False):
    with quiet():
        program, module, discarded = valid_program(seed, directory, idioms=idioms)
        try:
            results = check(module, program, seed, directory)
        finally:
            unload(module)
    return {"seed": seed, "program": program, "results": results,
            "outcome": outcome_of(results), "discarded": discarded}


def failures(record):
    """[(check, outcome, detail)] of the checks that crashed or were wrong."""
    return [(name, out, det) for name, (out, det) in record["results"].items()
            if out in ("crash", "wrong")]


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def still_fails(directory, seed, name, wanted, limit_s=10):
    """Whether a candidate fails the same way; a candidate running over limit_s seconds
    (where SIGALRM exists) does not."""
    def test(candidate):
        try:
            module, probe = _load_pair(candidate, directory)
        except Exception:  # noqa: BLE001
            return False
        timed = hasattr(signal, "SIGALRM")
        if timed:
            old = signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(limit_s)
        try:
            with quiet():
                validate(module, probe, candidate.args)
                out, det = check(module, candidate, seed, directory, only=[name])[name]
        except (Invalid, _Slow):
            return False
        finally:
            if timed:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, old)
            unload(module)
            unload(probe)
        return signature(name, out, det) == wanted
    return test


def repro_text(program, seed, name, outcome, detail):
    lines = [f"# srcdiff fuzz repro (seed {seed}): check {name!r} is {outcome}",
             *["#   " + line for line in describe(outcome, detail).splitlines()[:6]],
             "# run: PYTHONPATH=<repo>" + (":<repo>/tests" if program.records else "")
             + " python <this file>", ""]
    footer = f'''

{records_arg.IMPORT if program.records else ""}ARGS = {records_arg.args_text(program.args)}
WRT = {program.wrt}

if __name__ == "__main__":
    import sys
    sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))!r})
    from fuzzing.oracle import reproduce
    print(reproduce(__file__, ARGS, WRT, {seed!r}, {name!r}))
'''
    return "\n".join(lines) + program.source() + footer


def shrink_record(record, directory, out_dir, budget_s=60.0, wanted=None):
    """Shrink each failing check of a record (those `wanted(name, outcome, detail)`
    accepts); write and return the repro paths."""
    paths = []
    for name, out, det in failures(record):
        if wanted is not None and not wanted(name, out, det):
            continue
        test = still_fails(directory, record["seed"], name, signature(name, out, det))
        small = shrink(record["program"], test, deadline=time.time() + budget_s)
        path = os.path.join(out_dir, f"seed{record['seed']}_{name}_{out}.py")
        with open(path, "w") as fh:
            fh.write(repro_text(small, record["seed"], name, out, det))
        paths.append(path)
    return paths


def summarize(records):
    counts = Counter(r["outcome"] for r in records)
    causes = Counter()
    for r in records:
        for name, (out, det) in r["results"].items():
            if out != "right":
                causes[(out, cause(out, det, name))] += 1
    return counts, causes
