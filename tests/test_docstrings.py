"""Every module of srcdiff/ opens with a docstring in one form (issue #17; docs/architecture.md,
"Docstrings"): its first paragraph says what the module does, then, in parentheses, where it
sits and who calls it: `(stage N, <stage name>: called by ...)` for the pipeline's stages,
`(driver, ...)`, `(API ...)`, `(composition: ...)`, `(derivative: ...)` for the layers above
them, `(leaf: ...)` for modules that import no stage, `(run time: ...)` for the helpers
emitted code calls (a mixin says "a mixin of <class>" for its caller); then "Takes ...;
gives back ..." (or "Returns"). Repository-wide: it mirrors no single module
(tests/test_mirror.py only checks tests/templates/ for strays)."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRCDIFF = ROOT / "srcdiff"
MODULES = sorted(path.name for path in SRCDIFF.glob("*.py"))

# the stages of docs/architecture.md, by the names a docstring gives them (SYNONYMS: also
# taken, as the older docstrings wrote them)
STAGES = {1: "frontend", 3: "lower", 4: "analyze", 5: "reverse|forward|reverse and forward",
          6: "optimize", 7: "emit", 8: "load"}
SYNONYMS = {3: "lowering", 8: "loader"}
PLACE = re.compile(
    r"\((?:stage (?P<n>[1-8]), (?P<name>[a-z ]+?)"
    r"|(?:the |a )?(?:driver|API|composition|derivative|leaf)|run time)"
    r"\b[^()]*?(?:\([^()]*\)[^()]*?)*: (?:called by|a mixin of) ")


def docstring(name):
    tree = ast.parse((SRCDIFF / name).read_text(encoding="utf-8"))
    return ast.get_docstring(tree, clean=False)


def first_paragraph(text):
    return " ".join(text.strip().split("\n\n")[0].split())


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_names_a_stage_and_a_caller(name):
    text = docstring(name)
    assert text, f"srcdiff/{name} has no module docstring"
    head = first_paragraph(text)
    found = PLACE.search(head)
    assert found, (f"srcdiff/{name}: the first paragraph must say where the module sits and "
                   f"who calls it, e.g. '(stage 3, lower: called by lower.py)' or '(run time: "
                   f"called by emitted code)'; it says: {head[:300]!r}")
    if found.group("n"):
        n, stage = int(found.group("n")), found.group("name").strip()
        assert stage in (STAGES[n] + "|" + SYNONYMS.get(n, "")).split("|"), \
            f"srcdiff/{name}: stage {n} is {STAGES[n]!r}, not {stage!r}"


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_says_what_the_module_takes_and_gives_back(name):
    head = first_paragraph(docstring(name) or "")
    assert re.search(r"\bTakes\b", head), f"srcdiff/{name}: no 'Takes ...' in {head[:300]!r}"
    assert re.search(r"\bgives (?:it |them )?back\b|\bReturns\b", head), \
        f"srcdiff/{name}: no 'gives back ...' / 'Returns ...' in {head[:300]!r}"


def test_the_stages_are_those_of_the_module_map():
    """docs/architecture.md names each numbered stage the way the docstrings do."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for n, names in STAGES.items():
        for stage in names.split("|"):
            assert f"stage {n}, {stage}" in text, f"docs/architecture.md lacks 'stage {n}, {stage}'"


def test_the_form_is_checked_for_real():
    """The checks above fail a docstring that misses a part (so they cannot pass vacuously)."""
    good = ("Copy propagation (stage 6, optimize: called by transform.py). Takes a body; "
            "gives back the body.")
    assert PLACE.search(good)
    for bad in ["Copy propagation. Takes a body; gives back the body.",
                "Copy propagation (stage 6, optimize). Takes a body; gives back the body.",
                "Copy propagation (somewhere: called by x). Takes a body; gives back it."]:
        assert not PLACE.search(bad), bad


def _layers():
    """LAYERS of tests/test_layers.py, read from its text (a test file imports no test file)."""
    tree = ast.parse((ROOT / "tests" / "test_layers.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "LAYERS":
            return ast.literal_eval(node.value)
    raise AssertionError("tests/test_layers.py has no LAYERS")


def _map_sections():
    """{layer: [modules listed in its section]} of docs/architecture.md's module map."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    sections, layer = {}, None
    for line in text.splitlines():
        heading = re.match(r"### `([^`]+)`", line)
        if heading:
            layer = heading.group(1)
            sections[layer] = []
        elif line.startswith("## "):
            layer = None
        elif layer is not None:
            row = re.match(r"\| `([^`]+)` \|", line)
            if row:
                sections[layer].append(row.group(1))
    return sections


def test_the_module_map_lists_every_module_once_in_its_layer():
    layers = _layers()
    sections = _map_sections()
    assert list(sections) == [name for name, _ in layers], \
        "docs/architecture.md's sections are not LAYERS' layers, in order"
    for name, members in layers:
        listed = sections[name]
        doubled = sorted({m for m in listed if listed.count(m) > 1})
        assert not doubled, f"listed twice in `{name}`: {doubled}"
        assert set(listed) == set(members), (
            f"layer `{name}`: missing from docs/architecture.md {sorted(set(members) - set(listed))}, "
            f"listed but not in LAYERS {sorted(set(listed) - set(members))}")
