"""Run the random-program tester: python scripts/fuzz.py --seed S --n N [--out DIR].

Checks programs S*1000000 + 0 .. N-1 (see tests/fuzzing; --idioms draws issue #13's idioms
too, a family of its own: the same seed gives other programs; --family F draws one of the
families of tests/fuzzing/families.py: plain, idioms, objects, functions, generators,
writes, control, users (all five of user code), habits (everyday habits: stateful
objects, optimiser loops, keyword calls, masks, ...), loops (while ... else, counting
down, while on an element, continue in nested loops, asserts, try/except that only reads),
funcs (partials called directly and of partials, map over bound methods, keys passed to
helpers picking from a module dict, callable objects in module containers, generators
given to methods, starred for targets, divmod and //)), prints a progress summary
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
from fuzzing.runner import failures, run_one, shrink_record, summarize  # noqa: E402


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
        record = run_one(seed, work, idioms=idioms)
        records.append(record)
        bad = failures(record)
        for name, outcome, detail in bad:
            text = str(detail).splitlines()[0][:160] if str(detail) else type(detail).__name__
            print(f"seed {seed}: {name} {outcome}: {text}", flush=True)
        if bad and not args.no_shrink:
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
