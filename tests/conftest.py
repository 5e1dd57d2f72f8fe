import os
import sys

sys.path.append(os.path.dirname(__file__))
# every function the tests lower is checked against the core grammar (srcdiff/core.py)
os.environ.setdefault("SRCDIFF_VALIDATE", "1")
# Numba compiles the tests' derivatives without LLVM's optimisations: the same numbers
# (no fast-math either way), in less than half the compile time, which was a sixth of the
# suite; benchmarks/ measures the compiled path at Numba's default level
os.environ.setdefault("NUMBA_OPT", "0")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _check_tape_pairing(monkeypatch):
    """Every emitted adjoint in the tests asserts that its tape pushes and pops paired."""
    import srcdiff.derivative
    monkeypatch.setattr(srcdiff.derivative, "CHECK_TAPE", True)


@pytest.fixture
def small_threshold(monkeypatch):
    """Liveness and inlining at 4 elements (srcdiff/liveness.py's MIN_ELEMENTS), so that
    small test arrays count as large (tests/test_liveness.py, tests/test_inline.py)."""
    from srcdiff import liveness
    from srcdiff.api import clear_cache
    monkeypatch.setattr(liveness, "MIN_ELEMENTS", 4)
    clear_cache()
    yield
    clear_cache()


def pytest_collection_modifyitems(session, config, items):
    """tests/test_rules.py::test_every_rule_is_checked reads what the rule tests of this
    session recorded: it runs last."""
    last = [item for item in items if item.name == "test_every_rule_is_checked"]
    items[:] = [item for item in items if item not in last] + last


# Under pytest-xdist each worker runs some of the rule tests: a worker that collected
# test_every_rule_is_checked (which skips there) hands the controller the rules its checks
# reached, and the controller, once every worker is done, checks that together they reached
# every rule of templates/ (rerunning the rule tests in one process where they did not all
# run), failing the session where one is missed.
_WORKERS_CHECKED = {}


def _collected_the_rule_check(session):
    return any(item.name == "test_every_rule_is_checked" for item in session.items)


# The same for tests/test_backends_rules.py::test_every_rule_is_covered: the rules the cases
# of every worker looked up, and the cases they ran.
_WORKERS_REACHED = {}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    output = getattr(node, "workeroutput", {})
    for mode, names in (output.get("srcdiff_checked") or {}).items():
        _WORKERS_CHECKED.setdefault(mode, set()).update(names)
    for mode, reached in (output.get("srcdiff_backend_rules") or {}).items():
        for key, names in reached.items():
            _WORKERS_REACHED.setdefault(mode, {}).setdefault(key, set()).update(names)


def _report(session, failed, message):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write(f"\n{'FAILED ' if failed else ''}{message}\n", red=failed)
    if failed:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _check_backend_rules(session):
    """The controller: every rule of templates/ looked up by a case of
    tests/test_backends_rules.py, in each mode, the workers' cases together (where some case
    ran in no worker, the test runs again in one process, which compiles them all)."""
    import rule_coverage
    reached = _WORKERS_REACHED
    if all(set(r.get("all", ())) <= set(r.get("ran", ())) for r in reached.values()):
        missing = rule_coverage.backend_rules_missing({m: r.get("seen", ())
                                                       for m, r in reached.items()})
        failed, message = any(missing.values()), f"rules no case reaches: {missing}"
    else:
        passed, message = rule_coverage.rerun_backend_rule_check()
        failed = not passed
    if failed:
        _report(session, True, "tests/test_backends_rules.py::test_every_rule_is_covered (the "
                f"workers together): {message}")
    else:
        _report(session, False, "every rule of templates/ is looked up by a case of the "
                "workers (tests/test_backends_rules.py)")


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:   # a worker
        if _collected_the_rule_check(session):
            import rule_coverage
            workeroutput["srcdiff_checked"] = rule_coverage.checked_here()
        covered = [item for item in session.items if item.name == "test_every_rule_is_covered"]
        if covered:   # (the test module itself: importlib mode names it apart from sys.path's)
            workeroutput["srcdiff_backend_rules"] = covered[0].module.reached_here()
        return
    if _WORKERS_REACHED:
        _check_backend_rules(session)
    if not _WORKERS_CHECKED:
        return   # no workers, or none ran the rule check
    import tempfile

    import rule_coverage
    seen = _WORKERS_CHECKED
    if any(rule_coverage.missing(seen).values()):
        with tempfile.TemporaryDirectory() as work:
            seen = rule_coverage.rerun_rule_tests(os.path.join(work, "checked.json"))
    missing = rule_coverage.missing(seen)
    if any(missing.values()):
        _report(session, True, "tests/test_rules.py::test_every_rule_is_checked (the workers "
                f"together): rules no gradcheck.check call reaches: {missing}")
    else:
        _report(session, False, "every rule of templates/ is reached by a gradcheck.check "
                "call of the workers (tests/test_rules.py)")
