"""Break derivative rules on purpose and report which breakages the rule tests miss.

Each mutation flips the sign of the right-hand side of one ``d[...] = ...`` statement of
one rule of templates/ in one mode: ``d[x] = e`` becomes ``d[x] = -(e)`` (in a forward
rule that is one term of the tangent, in a reverse rule one contribution to an adjoint).
The rule tests of that rule's template file (tests/templates/test_<module>.py) then run
in a fresh subprocess with the mutation applied to the rule table when pytest starts
(this file is also the pytest plugin that applies it). A mutation the tests do not fail
*survives*: a wrong rule would go unnoticed.

A rule is one template body as written in templates/ (one @reverse or @forward function,
or one mode of an `elementwise(...)` line), whatever the number of functions it serves.

    python scripts/mutate_rules.py                      # every statement of every rule
    python scripts/mutate_rules.py --module ufuncs      # the rules of templates/ufuncs.py
    python scripts/mutate_rules.py --rule logaddexp --rule fmod --mode forward
    python scripts/mutate_rules.py --list               # the mutations, without running
    python scripts/mutate_rules.py --jobs 2 --json out.json

Exits 1 when a mutation survives (or a run errs), 0 when every mutation is killed.
"""
import argparse
import copy
import json
import keyword
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = "SRCDIFF_MUTATION"


def _rules():
    """[(key, mode, module, origin, [Template]), ...]: each rule body of templates/ once."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from srcdiff import rules
    from srcdiff.callables import canonical_path
    rules.load_templates()
    out, seen, count = [], {}, {}
    for mode, table in (("reverse", rules.REVERSE), ("forward", rules.FORWARD)):
        for func, template in table.values():
            module = template.namespace.get("__name__", "")
            if not module.startswith("srcdiff.templates."):
                continue  # a rule registered by a test or a user
            body = id(template.body)
            if (mode, body) in seen:
                seen[(mode, body)][4].append(template)
                seen[(mode, body)][5].append(canonical_path(func) or repr(func))
                continue
            short = module.rsplit(".", 1)[-1]
            name = template.origin
            if name.startswith(module + "."):
                name = name[len(module) + 1:]
            base = f"{mode}:{short}.{name}"
            n = count[base] = count.get(base, 0) + 1
            key = base + (f"#{n}" if n > 1 else "")
            entry = [key, mode, short, template.origin, [template],
                     [canonical_path(func) or repr(func)]]
            seen[(mode, body)] = entry
            out.append(entry)
    return out


def _d_assignments(body):
    """The `d[...] = ...` statements of a rule body, in order (nested ones included)."""
    from srcdiff import rules
    from srcdiff import syntax as S
    return [node for stmt in body for node in S.walk(stmt)
            if isinstance(node, S.Assign) and rules._d_targets(node)]


def mutations(modules=None, names=None, mode=None):
    """[(mutation id, module, functions, statement source)] for the chosen rules."""
    import astor
    from srcdiff import syntax as S
    out = []
    for key, rmode, module, origin, templates, funcs in _rules():
        if modules and module not in modules:
            continue
        if mode and rmode != mode:
            continue
        if names and not any(n == origin.rsplit(".", 1)[-1] or f"({n})" in origin
                             or any(f.rsplit(".", 1)[-1] == n for f in funcs) for n in names):
            continue
        for k, stmt in enumerate(_d_assignments(templates[0].body)):
            text = astor.to_source(S.to_python_ast(stmt)).strip()
            out.append((f"{key}:{k}", module, funcs, text))
    return out


def apply(mutation):
    """Flip the sign of statement k of the rule `mode:origin[#n]:k` in the rule table."""
    from srcdiff import syntax as S
    key, k = mutation.rsplit(":", 1)
    for rkey, _mode, _module, _origin, templates, _funcs in _rules():
        if rkey != key:
            continue
        body = copy.deepcopy(templates[0].body)
        targets = _d_assignments(body)
        stmt = targets[int(k)]
        stmt.value = S.UnaryOp(op=S.USub(), operand=stmt.value)
        for template in templates:
            template.body = body
        return
    raise LookupError(f"no rule {key!r} in the rule table")


def pytest_configure(config):
    """pytest plugin hook: apply the mutation named in $SRCDIFF_MUTATION."""
    if os.environ.get(ENV):
        apply(os.environ[ENV])


def _test_file(module):
    path = os.path.join("tests", "templates", f"test_{module}.py")
    if os.path.exists(os.path.join(ROOT, path)):
        return [path]
    return [os.path.join("tests", "templates")]


def _keyword(funcs):
    """A pytest -k expression selecting the tests named after the rule's functions."""
    names = sorted({f.rsplit(".", 1)[-1] for f in funcs})
    names = [n for n in names if n.isidentifier() and not keyword.iskeyword(n)]
    return " or ".join(names)


def _pytest(mutation, paths, timeout, python, select=None):
    env = dict(os.environ)
    env[ENV] = mutation
    env["PYTHONPATH"] = os.pathsep.join([ROOT, os.path.join(ROOT, "scripts")]
                                        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    cmd = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "mutate_rules",
           *paths] + (["-k", select] if select else [])
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, ["timed out"]
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()


def run_one(mutation, module, funcs, timeout, python):
    """(outcome, detail, seconds): the tests named after the rule's functions first (a quick
    kill), then the whole test file of the rule's module."""
    start = time.time()
    select = _keyword(funcs)
    rc, tail = _pytest(mutation, _test_file(module), timeout, python, select) if select \
        else (0, [])
    if rc in (0, 5):  # survived the named tests, or no test is named so
        rc, tail = _pytest(mutation, _test_file(module), timeout, python)
    seconds = time.time() - start
    if rc == 0:
        return "survived", tail[-1] if tail else "", seconds
    if rc == 1:
        failed = [line for line in tail if line.startswith("FAILED")]
        return "killed", failed[0] if failed else tail[-1], seconds
    return "error", "\n".join(tail[-5:]), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="templates/<module>.py (repeatable)")
    parser.add_argument("--rule", action="append",
                        help="a rule by its template name or a function it serves (repeatable)")
    parser.add_argument("--mode", choices=("reverse", "forward"))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--json", help="write every result to this file")
    args = parser.parse_args(argv)
    todo = mutations(args.module, args.rule, args.mode)
    if args.list:
        for mutation, module, funcs, text in todo:
            print(f"{mutation}  [{', '.join(funcs)}]  {text}")
        print(f"{len(todo)} mutations")
        return 0
    results = []

    def work(item):
        mutation, module, funcs, text = item
        outcome, detail, seconds = run_one(mutation, module, funcs, args.timeout,
                                           sys.executable)
        print(f"{outcome:8s} {seconds:5.1f}s {mutation}  {text}", flush=True)
        return {"mutation": mutation, "module": module, "functions": funcs, "statement": text,
                "outcome": outcome, "detail": detail, "seconds": round(seconds, 1)}

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(work, todo))
    killed = [r for r in results if r["outcome"] == "killed"]
    survived = [r for r in results if r["outcome"] == "survived"]
    errors = [r for r in results if r["outcome"] == "error"]
    print(f"\n{len(results)} mutations: {len(killed)} killed, {len(survived)} survived, "
          f"{len(errors)} errors")
    for r in survived:
        print(f"SURVIVED {r['mutation']}  [{', '.join(r['functions'])}]  {r['statement']}")
    for r in errors:
        print(f"ERROR    {r['mutation']}  {r['detail']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0 if not survived and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
