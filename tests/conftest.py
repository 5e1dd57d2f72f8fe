import os
import sys

sys.path.append(os.path.dirname(__file__))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _check_tape_pairing(monkeypatch):
    """Every emitted adjoint in the tests asserts that its tape pushes and pops paired."""
    import srcdiff.api
    monkeypatch.setattr(srcdiff.api, "CHECK_TAPE", True)
