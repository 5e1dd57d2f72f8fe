import os
import sys

sys.path.append(os.path.dirname(__file__))
# every function the tests lower is checked against the core grammar (srcdiff/core.py)
os.environ.setdefault("SRCDIFF_VALIDATE", "1")


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
