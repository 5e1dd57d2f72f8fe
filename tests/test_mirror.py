"""The tests mirror the code one to one: every module of srcdiff/ has tests/test_<module>.py,
every module of templates/ has tests/templates/test_<module>.py (issue #17). A module with
no logic of its own (a package's re-exports, `python -m`'s entry point) is listed below with
where it is exercised, and keeps that place only while it defines no function or class.

Two test files of one name in two folders (tests/test_values.py beside
tests/templates/test_values.py) are possible because pytest imports test files in importlib
mode (pyproject.toml); helper modules shared by several test files sit in tests/ as
non-test modules (gradcheck.py, rule_tables.py, lowering.py, ...)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# module -> why it has no mirror test file of its own
WITHOUT_LOGIC = {
    "srcdiff/__init__.py": "the public names, re-exported (tests/test_api.py uses them)",
    "srcdiff/__main__.py": "`python -m srcdiff` calls cli.main (tests/test_cli.py runs it)",
    "templates/__init__.py": "the package of the rule modules (its docstring only)",
}

MIRRORS = [(package, path.name) for package in ("srcdiff", "templates")
           for path in sorted((ROOT / package).glob("*.py"))]


def _mirror(package, name):
    folder = TESTS if package == "srcdiff" else TESTS / "templates"
    return folder / f"test_{name}"


@pytest.mark.parametrize("package,name", MIRRORS, ids=[f"{p}/{n}" for p, n in MIRRORS])
def test_every_module_has_its_mirror_test_file(package, name):
    module = f"{package}/{name}"
    if module in WITHOUT_LOGIC:
        assert not _mirror(package, name).exists(), \
            f"{module} has a mirror test file now: take it off WITHOUT_LOGIC"
        return
    assert _mirror(package, name).is_file(), (
        f"{module} has no mirror test file: add {_mirror(package, name).relative_to(ROOT)} "
        "with focused tests of that module")


@pytest.mark.parametrize("module", sorted(WITHOUT_LOGIC))
def test_a_module_without_a_mirror_defines_nothing(module):
    """Listed as having no logic of its own: no def or class in it (else it needs tests)."""
    tree = ast.parse((ROOT / module).read_text())
    defined = [node.name for node in ast.walk(tree)
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    assert not defined, f"{module} defines {defined}: give it tests/…/test_<module>.py"


# tests/templates/ files that check one behaviour across several rule modules
ACROSS_RULE_MODULES = {
    "test_extrema_nan.py": "a NaN extremum: reductions.py's max, ufuncs.py's maximum/fmax, "
                           "python.py's builtin max",
}


def test_every_mirror_test_file_names_a_module():
    """A file tests/templates/test_<name>.py mirrors templates/<name>.py; the others are
    listed with the rule modules they span."""
    stray = sorted(path.name for path in (TESTS / "templates").glob("test_*.py")
                   if not (ROOT / "templates" / path.name[len("test_"):]).exists()
                   and path.name not in ACROSS_RULE_MODULES)
    assert not stray, f"tests/templates/ files that mirror no templates/ module: {stray}"
    assert all((TESTS / "templates" / name).is_file() for name in ACROSS_RULE_MODULES)


def test_no_test_file_imports_another_test_file():
    """Shared helpers, fixtures and corpora live in non-test modules of tests/ (or in
    conftest.py): a test file imported by another runs twice under two names, and one whose
    name is in both tests/ and tests/templates/ is whichever comes first on sys.path."""
    tests = {path.stem for path in TESTS.rglob("test_*.py")}
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in tests]
    assert not found, found
