"""srcdiff's caches hold nothing per function that is gone (issue 20, "Threads and caches"):
the derivatives made of a function live on the function, linecache entries go with the
emitted code, the parse of a file is kept for the last few texts only. A derivative
pickles by reference, like the function it differentiates."""
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np

import srcdiff
from gradcheck import check, numerical_grad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent('''
    import gc, importlib.util, linecache, os, sys, tempfile, tracemalloc, weakref
    import numpy as np
    import srcdiff

    folder = tempfile.mkdtemp()
    gone = []

    def one(i):
        """A function in a module of its own, differentiated, then dropped with its module."""
        path = os.path.join(folder, f"distinct_{i}.py")
        with open(path, "w") as out:
            out.write("import numpy as np\\n"
                      f"def f(x):\\n    return np.sum(np.sin(x) * x * {i % 5 + 1}.0)\\n")
        spec = importlib.util.spec_from_file_location(f"distinct_{i}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        x = np.array([0.5, -1.5])
        got = srcdiff.grad(module.f)(x)
        assert np.allclose(got, (np.cos(x) * x + np.sin(x)) * (i % 5 + 1)), (i, got)
        gone.append((weakref.ref(module.f), path))

    WARM, MEASURED = 30, 120
    tracemalloc.start()  # traced from the start: the bounded caches are full of traced objects
    for i in range(WARM):
        one(i)
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(WARM, WARM + MEASURED):
        one(i)
    gc.collect()
    per_function = (tracemalloc.get_traced_memory()[0] - before) / MEASURED
    alive = [path for ref, path in gone if ref() is not None]
    cached = [path for _, path in gone if path in linecache.cache]
    emitted = [name for name in linecache.cache if "distinct_" in name]
    print(f"per function {per_function:.0f} B; alive {len(alive)}; linecache {len(cached)} "
          f"files, {len(emitted)} emitted")
    assert not alive, alive[:3]
    assert not cached and not emitted, (cached[:3], emitted[:3])
    # what is left is CPython's own: each file name compiled (the user's too) is kept
    assert per_function < 1000, per_function
    print("ok")
''')


def test_memory_stays_flat_over_many_distinct_functions():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), \
        done.stdout + done.stderr


def test_derivatives_of_a_function_are_kept_on_it_and_shared():
    def f(x):
        return np.sum(np.exp(x) * x)
    x = np.array([0.2, 0.7])
    first, second = srcdiff.grad(f), srcdiff.grad(f)
    first(x)
    second(x)
    assert next(iter(first._compiled.values())) is next(iter(second._compiled.values()))
    srcdiff.api.clear_cache(f)
    assert not vars(f)["__srcdiff_derivatives__"]
    check(f, x)


def smooth(x, y):
    return np.sum(np.tanh(x) * y + x * x)


class Scaled:
    def __init__(self, k):
        self.k = k

    def loss(self, x):
        return np.sum(np.sin(x) * self.k)


def test_a_derivative_pickles_by_reference_after_its_first_call():
    x, y = np.array([0.3, -0.4]), np.array([1.5, 2.0])
    v = np.array([1.0, -1.0])
    made = [(srcdiff.grad(smooth), (x, y)), (srcdiff.grad(smooth, wrt=(0, 1)), (x, y)),
            (srcdiff.value_and_grad(smooth, wrt="y"), (x, y)),
            (srcdiff.vjp(smooth), (x, y, 2.0)), (srcdiff.jvp(smooth), (x, y, v)),
            (srcdiff.grad(Scaled(3.0).loss), (x,))]
    for derivative, args in made:
        before = derivative(*args)
        again = pickle.loads(pickle.dumps(derivative))
        assert repr(again) == repr(derivative)
        after = again(*args)
        for a, b in zip(np.atleast_1d(np.asarray(before, dtype=object)),
                        np.atleast_1d(np.asarray(after, dtype=object))):
            np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    # and what is unpickled is right: against central differences
    again = pickle.loads(pickle.dumps(srcdiff.grad(smooth, wrt=1)))
    np.testing.assert_allclose(again(x, y), numerical_grad(smooth, [x, y], 1), rtol=1e-6)
