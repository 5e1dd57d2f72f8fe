"""Derivatives made from several threads at once (issue 20, "Threads and caches").

Each case runs in a fresh interpreter (a subprocess), so the threads really make srcdiff's
first derivatives at once: loading the rule table, tracking the helpers a derivative
calls. Every derivative is checked against central differences (gradcheck.check: reverse,
forward and second order)."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent('''
    import importlib.util, os, sys, tempfile, threading
    import numpy as np
    import srcdiff
    import gradcheck

    N = 8
    folder = tempfile.mkdtemp()

    def module(i, power):
        """A module of its own: a helper `h` and a function `f` calling it."""
        path = os.path.join(folder, f"m{i}_{power}.py")
        with open(path, "w") as out:
            out.write("import numpy as np\\n"
                      "def h(x):\\n"
                      f"    return x ** {power} * {i + 1}\\n"
                      "def f(x):\\n"
                      "    return np.sum(np.sin(x) * h(x))\\n")
        spec = importlib.util.spec_from_file_location(f"m{i}_{power}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    def at_once(work):
        """Run work(i) in N threads released together; the errors they raised."""
        errors = []
        barrier = threading.Barrier(N)
        def run(i):
            try:
                barrier.wait()
                work(i)
            except BaseException as exc:
                errors.append(f"thread {i}: {exc!r}")
        threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return errors

    x = np.array([0.3, -0.7, 1.1])
    mods = [module(i, 2) for i in range(N)]
    grads = [srcdiff.grad(m.f) for m in mods]
    jvps = [srcdiff.jvp(m.f) for m in mods]
    hvps = [srcdiff.hvp(m.f) for m in mods]
    v = np.array([0.5, 1.0, -2.0])

    shared = module(N, 2)  # one function all threads differentiate at once, too
    shared_grad = srcdiff.grad(shared.f)

    def first(i):
        grads[i](x); jvps[i](x, v); hvps[i](x, v)  # the first derivatives, made at once
        np.testing.assert_allclose(shared_grad(x), gradcheck.numerical_grad(shared.f, [x], 0),
                                   rtol=1e-5, atol=1e-6)
        gradcheck.check(mods[i].f, x)

    errors = at_once(first)
    assert not errors, errors

    # redefine each module's helper (a notebook cell re-run): no derivative is stale
    for i, m in enumerate(mods):
        m.h = module(i, 3).h

    def again(i):
        got = grads[i](x)
        want = gradcheck.numerical_grad(mods[i].f, [x], 0)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        value, tangent = jvps[i](x, v)
        np.testing.assert_allclose(value, mods[i].f(x))
        np.testing.assert_allclose(tangent, want @ v, rtol=1e-5, atol=1e-6)
        gradcheck.check(mods[i].f, x)

    errors = at_once(again)
    assert not errors, errors
    print("ok")
''')


def _run(script):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT, os.path.join(ROOT, "tests"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), \
        done.stdout + done.stderr


def test_eight_threads_make_their_first_derivatives_at_once_repeated():
    for _ in range(3):  # each run a fresh interpreter: the first uses really are first
        _run(SCRIPT)
