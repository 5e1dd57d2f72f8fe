"""Break derivative rules on purpose and report which breakages the rule tests miss.

Each mutation breaks the right-hand side of one ``d[...] = ...`` statement of one rule of
templates/ in one mode (in a forward rule that is one term of the tangent, in a reverse rule
one contribution to an adjoint): by default ``d[x] = e`` becomes ``d[x] = -(e)``;
``--kind drop`` leaves the term out (``0.0 * (e)``), ``--kind scale`` makes it 1% wrong.
The rule tests of that rule's template file (tests/templates/test_<module>.py; all of
tests/templates/ for a module without its own file) then run with the mutation applied to
the rule table: first the tests named after the rule's functions (pytest -k, a quick kill),
then, if they all pass, the whole file. Each template module's mutations run one after
another in one fresh subprocess (pytest in-process, srcdiff's derivative cache cleared and
the rule restored between mutations). A mutation the tests do not fail *survives*: a wrong
rule would go unnoticed.

A rule is one template body as written in templates/ (one @reverse or @forward function,
or one mode of a declaration of srcdiff/rule_forms.py: `partials(...)`, `elementwise(...)`,
`linear(...)`, each of which writes both modes' templates), whatever the number of
functions it serves.

    python scripts/mutate_rules.py                      # every statement of every rule
    python scripts/mutate_rules.py --module ufuncs      # the rules of templates/ufuncs.py
    python scripts/mutate_rules.py --rule logaddexp --rule fmod --mode forward
    python scripts/mutate_rules.py --kind drop --kind scale --module shapes
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


def _rules():
    """[(key, mode, module, origin, [Template]), ...]: each rule body of templates/ once."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from srcdiff import rules
    from srcdiff.callables import canonical_path
    rules.load_templates(optional=True)  # the SciPy rules too, where SciPy is installed
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
    from srcdiff import rule_template
    from srcdiff import syntax as S
    return [node for stmt in body for node in S.walk(stmt)
            if isinstance(node, S.Assign) and rule_template.d_targets(node)]


KINDS = {
    "neg": "d[x] = e becomes d[x] = -(e)",
    "drop": "d[x] = e becomes d[x] = 0.0 * (e): the term is left out",
    "scale": "d[x] = e becomes d[x] = 1.01 * (e): a 1% error",
}


def _mutated(value, kind):
    from srcdiff import syntax as S
    if kind == "neg":
        return S.UnaryOp(op=S.USub(), operand=value)
    factor = {"drop": 0.0, "scale": 1.01}[kind]
    return S.BinOp(left=S.Constant(value=factor, kind=None), op=S.Mult(), right=value)


def mutations(modules=None, names=None, mode=None, kinds=("neg",)):
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
            text = " ".join(astor.to_source(S.to_python_ast(stmt)).split())
            for kind in kinds:
                suffix = "" if kind == "neg" else f"/{kind}"
                out.append((f"{key}:{k}{suffix}", module, funcs, text))
    return out


def apply(mutation):
    """Break statement k of the rule `mode:module.name[#n]:k[/kind]` in the rule table (the
    sign flipped by default, see KINDS); return a function that undoes it."""
    mutation, _, kind = mutation.partition("/")
    key, k = mutation.rsplit(":", 1)
    for rkey, _mode, _module, _origin, templates, _funcs in _rules():
        if rkey != key:
            continue
        original = templates[0].body
        body = copy.deepcopy(original)
        stmt = _d_assignments(body)[int(k)]
        stmt.value = _mutated(stmt.value, kind or "neg")
        for template in templates:
            template.body = body

        def undo():
            for template in templates:
                template.body = original
        return undo
    raise LookupError(f"no rule {key!r} in the rule table")


def _test_file(module):
    path = os.path.join("tests", "templates", f"test_{module}.py")
    if os.path.exists(os.path.join(ROOT, path)):
        return path
    return os.path.join("tests", "templates")


def _keyword(funcs):
    """A pytest -k expression selecting the tests named after the rule's functions."""
    names = sorted({f.rsplit(".", 1)[-1] for f in funcs})
    names = [n for n in names if n.isidentifier() and not keyword.iskeyword(n)]
    return " or ".join(names)


class _Failures:
    """pytest plugin: the first failing test of a run."""

    def __init__(self):
        self.failed = []

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.append(report.nodeid)


def _pytest(path, select=None):
    """Run pytest in this process (stop at the first failure): (exit code, failing tests)."""
    import contextlib
    import io

    import pytest
    from srcdiff import api
    api.clear_cache()  # derivatives compiled under another mutation
    failures = _Failures()
    args = ["-x", "-q", "-p", "no:cacheprovider", path] + (["-k", select] if select else [])
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        rc = pytest.main(args, plugins=[failures])
    return int(rc), failures.failed


def run_one(mutation, module, funcs):
    """(outcome, detail, seconds) for one mutation, in this process: the tests named after
    the rule's functions first (a quick kill), then the whole test file of its module."""
    start = time.time()
    undo = apply(mutation)
    try:
        path = _test_file(module)
        select = _keyword(funcs)
        rc, failed = _pytest(path, select) if select else (5, [])
        if rc in (0, 5):  # survived the named tests, or no test is named so
            rc, failed = _pytest(path)
    finally:
        undo()
    seconds = time.time() - start
    if rc == 0:
        return "survived", "", seconds
    if rc == 1:
        return "killed", failed[0] if failed else "", seconds
    return "error", f"pytest exit code {rc}", seconds


def _worker(todo_file):
    """Run the mutations listed in todo_file (JSON) one after another; print a JSON line each."""
    os.chdir(ROOT)
    for root in (ROOT, os.path.join(ROOT, "tests")):
        if root not in sys.path:
            sys.path.insert(0, root)
    with open(todo_file) as fh:
        todo = json.load(fh)
    for mutation, module, funcs, text in todo:
        outcome, detail, seconds = run_one(mutation, module, funcs)
        print(json.dumps({"mutation": mutation, "module": module, "functions": funcs,
                          "statement": text, "outcome": outcome, "detail": detail,
                          "seconds": round(seconds, 1)}), flush=True)


def _run_module(todo, python, report):
    """One fresh subprocess runs one module's mutations; returns their results."""
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(todo, fh)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                                  else []))
    proc = subprocess.Popen([python, os.path.abspath(__file__), "--worker", fh.name], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, text=True)
    results = []
    for line in proc.stdout:
        if line.startswith("{"):
            result = json.loads(line)
            results.append(result)
            report(result)
    proc.wait()
    os.unlink(fh.name)
    done = {r["mutation"] for r in results}
    for mutation, module, funcs, text in todo:
        if mutation not in done:
            results.append({"mutation": mutation, "module": module, "functions": funcs,
                            "statement": text, "outcome": "error",
                            "detail": f"worker exited with {proc.returncode}", "seconds": 0})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", help="templates/<module>.py (repeatable)")
    parser.add_argument("--rule", action="append",
                        help="a rule by its template name or a function it serves (repeatable)")
    parser.add_argument("--mode", choices=("reverse", "forward"))
    parser.add_argument("--kind", action="append", choices=sorted(KINDS),
                        help="how to break a statement (repeatable; default neg): "
                        + "; ".join(f"{k}: {v}" for k, v in KINDS.items()).replace("%", "%%"))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--json", help="write every result to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return 0
    todo = mutations(args.module, args.rule, args.mode, tuple(args.kind or ("neg",)))
    if args.list:
        for mutation, module, funcs, text in todo:
            print(f"{mutation}  [{', '.join(funcs)}]  {text}")
        print(f"{len(todo)} mutations")
        return 0
    groups = {}
    for item in todo:
        groups.setdefault(item[1], []).append(item)

    def report(r):
        print(f"{r['outcome']:8s} {r['seconds']:5.1f}s {r['mutation']}  {r['statement']}",
              flush=True)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        parts = list(pool.map(lambda items: _run_module(items, sys.executable, report),
                              groups.values()))
    results = [r for part in parts for r in part]
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
