"""The documentation site (mkdocs.yml, docs/): it builds with `mkdocs build --strict`, its code
runs, the gallery is the code srcdiff emits now, and every page and public name is in it."""
import importlib.util
import os
import re
import subprocess
import sys

import pytest

import srcdiff

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


def _gallery_script():
    spec = importlib.util.spec_from_file_location(
        "srcdiff_gallery_script", os.path.join(ROOT, "scripts", "gallery.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gallery = _gallery_script()

# pages whose ```python blocks, run in order as one script, make a complete program
RUNNABLE = ["index.md", "getting-started.md", "guide/refusals.md", "guide/custom-rules.md",
            "guide/checkpointing.md"]


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]),
                NO_MKDOCS_2_WARNING="1")


@pytest.mark.parametrize("page", RUNNABLE)
def test_the_code_on_a_page_runs(tmp_path, page):
    path = os.path.join(DOCS, page)
    assert gallery.python_blocks(path), f"{page} has no python code"
    script = tmp_path / (os.path.basename(page)[:-3].replace("-", "_") + ".py")
    script.write_text(gallery.page_script(path))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=_env(), cwd=tmp_path, timeout=300)
    assert done.returncode == 0, f"the code of docs/{page} fails:\n{done.stderr}"


def test_a_failing_block_fails_the_page(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("text\n\n```python\nx = 1\n```\n\n```bash\nexit 1\n```\n\n"
                    "```python\nassert x == 2\n```\n")
    assert gallery.python_blocks(str(page)) == ["x = 1\n", "assert x == 2\n"]
    script = tmp_path / "page.py"
    script.write_text(gallery.page_script(str(page)))
    assert subprocess.run([sys.executable, str(script)], capture_output=True).returncode == 1


def test_gallery_is_current():
    """docs/gallery.md is what scripts/gallery.py writes now.
    Regenerate with: python scripts/gallery.py"""
    with open(os.path.join(DOCS, "gallery.md"), encoding="utf-8") as fh:
        checked_in = fh.read()
    assert gallery.markdown() == checked_in, (
        "docs/gallery.md is stale: run python scripts/gallery.py")


def test_gallery_shows_the_emitted_code():
    text = open(os.path.join(DOCS, "gallery.md"), encoding="utf-8").read()
    for module, name, kind, _, _ in gallery.ENTRIES:
        prefix = "grad" if kind == "grad" else "jvp"
        assert f"def {prefix}_{name}(" in text


def _nav_pages():
    with open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8") as fh:
        return set(re.findall(r":\s*([\w/.-]+\.md)\s*$", fh.read(), re.M))


def test_every_page_is_in_the_navigation():
    pages = set()
    for folder, _, files in os.walk(DOCS):
        pages |= {os.path.relpath(os.path.join(folder, f), DOCS).replace(os.sep, "/")
                  for f in files if f.endswith(".md")}
    assert pages == _nav_pages()


def test_every_public_name_is_in_the_reference():
    with open(os.path.join(DOCS, "reference.md"), encoding="utf-8") as fh:
        documented = set(re.findall(r"^::: srcdiff\.(?:[\w.]+\.)?(\w+)\s*$", fh.read(), re.M))
    missing = set(srcdiff.__all__) - documented - {"d"}  # d[x]: the rules' notation
    assert not missing, f"docs/reference.md does not document {sorted(missing)}"


def test_names_table_covers_the_entry_points():
    with open(os.path.join(DOCS, "names.md"), encoding="utf-8") as fh:
        text = fh.read()
    for name in ("grad", "value_and_grad", "vjp", "jvp", "hvp", "jacobian", "hessian",
                 "stop_gradient", "flatten", "reverse_rule", "forward_rule", "source"):
        assert f"srcdiff.{name}(" in text, name


def test_mkdocs_build_strict(tmp_path):
    """The site builds with no warning (broken links, unresolved API references). Needs the
    `docs` extra: pip install ".[docs]"."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    pytest.importorskip("mkdocstrings_handlers.python")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(tmp_path / "site"), "--config-file",
                           os.path.join(ROOT, "mkdocs.yml")],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "reference" / "index.html").read_text().count("doc-heading") \
        >= len(srcdiff.__all__) - 1
