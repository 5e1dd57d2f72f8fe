"""Which rules of templates/ the session's gradcheck.check calls reached, for
tests/test_rules.py::test_every_rule_is_checked and, under pytest-xdist, for the controller
(conftest.py), which adds up what every worker's checks reached: each worker runs only some
of the rule tests."""
import json
import os
import subprocess
import sys

from srcdiff import rules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# lower.py turns `+x` into a plain copy, so no emitted code asks for operator.pos's rule; nor
# for operator.iadd's (and its siblings'), written as `a += b` or `a + b` (inplace_calls.py),
# whose tests are in tests/test_inplace_calls.py
NEVER_LOOKED_UP = {"operator.pos"} | {f"operator.{name}" for name in (
    "iadd", "isub", "imul", "itruediv", "ipow", "imatmul", "imod")}


def rules_of_templates():
    """{mode: the canonical names of templates/' rules}."""
    from gradcheck import rule_name
    rules.load_templates(optional=True)  # the SciPy rules too, where SciPy is installed
    out = {}
    for mode, table in (("reverse", rules.REVERSE), ("forward", rules.FORWARD)):
        out[mode] = {rule_name(func) for func, template in table.values()
                     if template.namespace.get("__name__", "").startswith("srcdiff.templates.")}
        out[mode] -= NEVER_LOOKED_UP
    return out


def checked_here():
    """{mode: the canonical names of the rules this process's checks reached}."""
    import gradcheck
    return {mode: sorted(gradcheck.rule_name(f) for f in funcs.values())
            for mode, funcs in gradcheck.CHECKED.items()}


def missing(seen):
    """{mode: the rules of templates/ that `seen` ({mode: names}) lacks}."""
    wanted = rules_of_templates()
    return {mode: sorted(wanted[mode] - set(seen.get(mode, ()))) for mode in wanted}


def rerun_rule_tests(out_file):
    """Run tests/templates in a subprocess, one process; {mode: the rules its checks reached}."""
    env = dict(os.environ, SRCDIFF_CHECKED_OUT=str(out_file),
               PYTHONPATH=os.pathsep.join([ROOT] + [p for p in [os.environ.get(
                   "PYTHONPATH")] if p]))
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           os.path.join(ROOT, "tests", "templates")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    with open(out_file, encoding="utf-8") as fh:
        return json.load(fh)


# -- tests/test_backends_rules.py::test_every_rule_is_covered ----------------------------------
# (its rules are looked up by compiling a case, not checked against differences)
_NOT_BACKEND_CASES = (None, "runtime_rules", "engine", "scipy_runtime", "lazy_rules")


def backend_rule_name(func):
    from srcdiff.callables import canonical_path
    return canonical_path(func) or repr(func)


def backend_rules_missing(seen):
    """{mode: the rules of templates/ (but the runtime helpers' own rules, runtime_rules and
    lazy_rules, which forward-over-reverse code meets) no case of test_backends_rules looked
    up}, given `seen`, {mode: the names (backend_rule_name) of the rules they looked up}."""
    rules.load_templates(optional=True)   # the SciPy rules too, where SciPy is installed
    out = {}
    for mode, table in (("reverse", rules.REVERSE), ("forward", rules.FORWARD)):
        out[mode] = sorted(
            backend_rule_name(func) for func, template in table.values()
            if _templates_module(template) not in _NOT_BACKEND_CASES
            and not (getattr(func, "__module__", None) or "").startswith("srcdiff.")
            and backend_rule_name(func) not in set(seen.get(mode, ()))
            and backend_rule_name(func) not in NEVER_LOOKED_UP)
    return out


def _templates_module(template):
    """The templates/ module a rule comes from (None for rules that tests register)."""
    module = template.namespace.get("__name__", "")
    return module.rsplit(".", 1)[-1] if module.startswith("srcdiff.templates.") else None


def rerun_backend_rule_check():
    """Run test_backends_rules.py::test_every_rule_is_covered in one process (it compiles the
    cases themselves): (whether it passed, the end of its output)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT] + [p for p in [os.environ.get(
        "PYTHONPATH")] if p]))
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", os.path.join(
                               ROOT, "tests", "test_backends_rules.py") +
                           "::test_every_rule_is_covered"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode == 0, done.stdout[-3000:]
