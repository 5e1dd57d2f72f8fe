"""The runner the hunt corpora share (tests/test_hunt21.py, tests/test_hunt21_state.py): one
user-style program checked against central differences by gradcheck.check, to second order
where its corpus lists it; a program reading SciPy skips where SciPy is not installed (the
README's test command installs none)."""
import inspect
import importlib.util

import pytest

from gradcheck import check


def check_case(name, f, args, options, second_order):
    if _reads_scipy(f) and importlib.util.find_spec("scipy") is None:
        pytest.skip("needs SciPy (pip install '.[scipy]')")
    options = dict(options)
    options.setdefault("order", 2 if name in second_order else 1)
    check(f, *args, **options)


def _reads_scipy(f):
    try:
        text = inspect.getsource(f)
    except (OSError, TypeError):
        return False
    return any(word in text for word in ("scipy", "special.", "stats."))
