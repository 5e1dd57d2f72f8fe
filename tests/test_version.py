"""srcdiff/version.py: the one version string: the package's, the project metadata's, and
the one stamped into every emitted module's header and docstring."""
import os
import re

import numpy as np

import srcdiff
from srcdiff import version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_package_exports_the_version_module_holds():
    assert srcdiff.__version__ is version.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+([.-]?(a|b|rc|dev|post)\d*)?", version.__version__)


def test_the_project_metadata_has_the_same_version():
    with open(os.path.join(ROOT, "pyproject.toml")) as fh:
        declared = re.search(r'^version\s*=\s*"([^"]+)"', fh.read(), re.M).group(1)
    assert declared == version.__version__


def cubic(x):
    return np.sum(x ** 3)


def test_emitted_code_is_stamped_with_the_version():
    for made in (srcdiff.grad(cubic), srcdiff.jvp(cubic), srcdiff.hvp(cubic)):
        text = srcdiff.source(made)
        assert f"srcdiff {version.__version__}" in text.splitlines()[0]
