"""The 20-line function's later transform counted in instructions (issue #16; the probe of
docs/benchmarks.md's first-call section, sessions 21 to 27).

`python benchmarks/first_call_count.py MODE`, run from a checkout (or a `git archive` of one)
with it on PYTHONPATH, under valgrind:

    export OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0; unset PYTHONDONTWRITEBYTECODE
    python benchmarks/first_call_count.py warm      # twice: bytecode and rule trees on disk
    valgrind --tool=callgrind python benchmarks/first_call_count.py before
    valgrind --tool=callgrind python benchmarks/first_call_count.py after

The transform's count is `after` less `before` ("Collected"): both processes import NumPy
and srcdiff and differentiate `chapter` first; `after` then makes `grad(layer_loss)` of a
fresh function and calls it once; both end by `os._exit` (no interpreter exit counted).
`warm` does the same and exits normally, so that the rule trees it parsed are kept
(srcdiff/rule_trees.py writes them at exit; with PYTHONDONTWRITEBYTECODE set nothing is
kept, and every process compiles and parses again: sessions 21 to 26 counted so, and with
the installed checkout's templates/ and rule caches, shared with every other checkout).
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from first_call import FUNCTION  # noqa: E402

# an editable install's finder would give this checkout the installed one's templates/ (and
# its rule caches, which every checkout's process rewrites in turn): left out, as first_call
# does, so that a checkout reads and keeps its own
sys.meta_path[:] = [f for f in sys.meta_path
                    if "editable" not in getattr(f, "__name__", type(f).__name__).lower()]

import numpy as np  # noqa: E402

folder = os.path.join(tempfile.gettempdir(), "srcdiff-first-call-count")
os.makedirs(folder, exist_ok=True)
path = os.path.join(folder, "first_call_functions.py")
if not os.path.exists(path) or open(path).read() != FUNCTION:
    with open(path, "w") as fh:
        fh.write(FUNCTION)
sys.path.insert(0, folder)

import srcdiff  # noqa: E402
import first_call_functions as m  # noqa: E402

rng = np.random.default_rng(0)
w, x, y = rng.normal(size=(4, 5)), rng.normal(size=(6, 4)), rng.random(6)
srcdiff.grad(m.chapter)(np.arange(4.0))
mode = sys.argv[1] if len(sys.argv) > 1 else "after"
if mode == "before":
    os._exit(0)
srcdiff.grad(m.layer_loss)(w, x, y)
if mode == "warm":
    sys.exit(0)
os._exit(0)
