"""Run the random-program tester: python scripts/fuzz.py --seed S --n N [--out DIR].

Checks programs S*1000000 + 0 .. N-1 (see tests/fuzzing; --idioms draws issue #13's idioms
too, a family of its own: the same seed gives other programs; --family F draws one of the
families of tests/fuzzing/families.py: plain, idioms, objects, functions, generators,
writes, control, users (all five of user code), habits (everyday habits: stateful
objects, optimiser loops, keyword calls, masks, ...), loops (while ... else, counting
down, while on an element, continue in nested loops, asserts, try/except that only reads),
funcs (partials called directly and of partials, map over bound methods, keys passed to
helpers picking from a module dict, callable objects in module containers, generators
given to methods, starred for targets, divmod and //), recent (session 21's idioms:
tests/fuzzing/idioms_recent.py; half its programs differentiate with respect to a list,
tuple or dict of records, tests/fuzzing/records_arg.py); --jit compares each program's
jit=True derivatives (value_and_grad and jvp, each called twice) with the NumPy path's
instead of running the checks against finite differences: a refusal is fine, another
number a wrong, any other exception a crash), prints a progress summary
(counts per outcome, refusal and failure causes grouped by message), shrinks each
crash and wrong result to a minimal program and writes it to a directory it prints.
"""
import argparse
import os
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
sys.path.insert(0, os.path.dirname(HERE))

from fuzzing.families import FAMILIES, idioms_of  # noqa: E402
from fuzzing.oracle import cause  # noqa: E402
from fuzzing.runner import (failures, quiet, run_one, shrink_record, summarize,  # noqa: E402
                            valid_program)


# --- --jit: the compiled path against the NumPy path ---------------------------------------
JIT_CHECKS = ("jit_value_and_grad", "jit_jvp")


def run_jit(seed, directory, idioms=False):
    """The record of the program drawn from `seed` (as run_one's), its checks JIT_CHECKS."""
    from fuzzing.oracle import ORDER, unload
    with quiet():
        program, module, discarded = valid_program(seed, directory, idioms=idioms)
        try:
            results = {name: jit_check(module.f, program, name, seed) for name in JIT_CHECKS}
        finally:
            unload(module)
    outcome = max((r[0] for r in results.values()), key=ORDER.index)
    return {"seed": seed, "program": program, "results": results, "outcome": outcome,
            "discarded": discarded}


def jit_check(f, program, name, seed):
    """(outcome, detail): jit=True's numbers against the NumPy path's at the program's point
    (a refusal of the NumPy path itself is reported as a refusal, marked so)."""
    import numpy as np

    import srcdiff
    from fuzzing.oracle import copies, unchanged
    from fuzzing.records_arg import flat, is_tree, unflat
    args, wrt = program.args, program.wrt
    rng = np.random.default_rng(seed)
    if is_tree(args[wrt]):   # a list, tuple or dict of records: a tangent of its shape
        tangent = unflat(args[wrt], rng.normal(size=flat(args[wrt]).size))
    else:
        tangent = (float(rng.normal()) if isinstance(args[wrt], float)
                   else rng.normal(size=np.shape(args[wrt])))

    given = []  # the arguments of each jit=True call: unchanged after it

    def call(jit):
        d = srcdiff.jvp(f, wrt=wrt, jit=jit) if name == "jit_jvp" else \
            srcdiff.value_and_grad(f, wrt=wrt, jit=jit)
        out = []
        for _ in range(1 if jit is False else 2):
            given.append(copies(args))
            out.append(d(*given[-1], tangent) if name == "jit_jvp" else d(*given[-1]))
        return out

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            want = call(False)[0]
        except Exception as err:  # noqa: BLE001 - the NumPy path's own outcome: not --jit's
            return "refused", RuntimeError(f"the NumPy path: {type(err).__name__}: {err}")
        try:
            given.clear()
            got = call(True)
        except srcdiff.SrcdiffError as err:
            return "refused", err
        except Exception as err:  # noqa: BLE001 - any other exception is a crash
            return "crash", err
    for k, result in enumerate(got):
        differ = _differ(result, want)
        if differ:
            return "wrong", f"{'value' if differ == 'value' else 'derivative'}: call {k + 1} " \
                f"of jit=True gives {result!r}, the NumPy path {want!r}"
    for passed in given:
        if unchanged(args, passed):
            return "wrong", "jit=True changed the caller's inputs"
    return "right", None


def _differ(got, want):
    """None where jit=True's (value, derivative) is the NumPy path's (to rounding), else
    'value' or 'derivative'."""
    import numpy as np

    from fuzzing.records_arg import flat, is_tree, structure
    for part, g, w in zip(("value", "derivative"), got, want):
        if is_tree(g) or is_tree(w):   # a derivative with respect to records: their leaves
            if structure(g) != structure(w):
                return part
            g, w = flat(g), flat(w)
        g, w = np.asarray(g, dtype=float), np.asarray(w, dtype=float)
        if g.shape != w.shape:
            return part
        scale = 1.0 + np.max(np.abs(w), initial=0.0)
        if not np.allclose(g, w, rtol=1e-9, atol=1e-12 * scale, equal_nan=True):
            return part
    return None


def report(records, started, out=sys.stdout):
    counts, causes = summarize(records)
    total = len(records)
    line = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("right", "refused", "crash", "wrong"))
    refused = counts.get("refused", 0)
    print(f"{total} programs in {time.time() - started:.0f} s: {line}; "
          f"refusal rate {100.0 * refused / max(total, 1):.1f}%", file=out)
    for (outcome, text), n in causes.most_common():
        print(f"  {n:5d}  {outcome:7s} {text}", file=out)
    out.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--out", default=None, help="directory for minimal repros")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--idioms", action="store_true",
                        help="draw issue #13's idioms too (dicts of parameters, *args helpers, "
                             "functions as values, objects in a list): tests/fuzzing/idioms.py")
    parser.add_argument("--family", default=None, choices=sorted(FAMILIES),
                        help="the family of programs drawn (tests/fuzzing/families.py); "
                             "--idioms is --family idioms")
    parser.add_argument("--kinds", default=None,
                        help="with --idioms: only these idioms, comma separated (the names of "
                             "tests/fuzzing/idioms.kinds(): dict, map, sorted, forelse, ...)")
    parser.add_argument("--shrink-budget", type=float, default=60.0,
                        help="seconds per failure spent shrinking")
    parser.add_argument("--shrink-per-cause", type=int, default=2,
                        help="failures shrunk per cause (check, outcome, message)")
    parser.add_argument("--every", type=int, default=200, help="progress summary interval")
    parser.add_argument("--jit", action="store_true",
                        help="compare jit=True (Numba) with the NumPy path on each program "
                             "instead of the checks against finite differences (no shrinking)")
    args = parser.parse_args(argv)
    idioms = tuple(args.kinds.split(",")) if args.idioms and args.kinds else args.idioms
    if args.family:
        idioms = idioms_of(args.family)
    print(f"family {args.family or ('idioms' if args.idioms else 'plain')}", flush=True)
    warnings.simplefilter("ignore")
    out_dir = args.out or tempfile.mkdtemp(prefix=f"srcdiff-fuzz-{args.seed}-")
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="srcdiff-fuzz-programs-")
    print(f"repros go to {out_dir}", flush=True)
    records, started, shrunk = [], time.time(), {}
    for k in range(args.n):
        seed = args.seed * 1000000 + k
        record = (run_jit if args.jit else run_one)(seed, work, idioms=idioms)
        records.append(record)
        bad = failures(record)
        for name, outcome, detail in bad:
            text = str(detail).splitlines()[0][:160] if str(detail) else type(detail).__name__
            print(f"seed {seed}: {name} {outcome}: {text}", flush=True)
        if bad and not args.no_shrink and not args.jit:
            def wanted(name, outcome, detail):
                key = cause(outcome, detail, name)
                shrunk[key] = shrunk.get(key, 0) + 1
                return shrunk[key] <= args.shrink_per_cause
            for path in shrink_record(record, work, out_dir, args.shrink_budget, wanted):
                print(f"  minimal repro: {path}", flush=True)
        if (k + 1) % args.every == 0 and k + 1 < args.n:
            report(records, started)
    report(records, started)
    print(f"repros in {out_dir}")
    counts, _ = summarize(records)
    return 1 if counts.get("crash") or counts.get("wrong") else 0


if __name__ == "__main__":
    sys.exit(main())
