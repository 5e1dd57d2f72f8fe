"""What the user sees when something goes wrong (srcdiff/boundary.py): a srcdiff error's
traceback starts at the user's line and hides srcdiff's frames (SRCDIFF_DEBUG=1 shows them);
an uncaught error inside emitted code shows the emitted lines, as Python itself prints it."""
import os
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

import srcdiff
from srcdiff import boundary

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "srcdiff") + os.sep


def run_script(tmp_path, body, debug=False):
    """Run `body` as a script file; (its path, its traceback's frames, stderr's lines)."""
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(body))
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("SRCDIFF_DEBUG", None)
    if debug:
        env["SRCDIFF_DEBUG"] = "1"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    frames = [ln.strip() for ln in lines if ln.startswith('  File "')]
    return str(script), frames, lines


REFUSED = """\
    import numpy as np
    import srcdiff

    def f(x):
        y = x.copy()
        y.byteswap(True)
        return np.sum(y)

    srcdiff.grad(f)(np.ones(3))
"""


def internal(frames):
    return [fr for fr in frames if PACKAGE in fr]


def test_a_refusal_shows_the_users_lines_only(tmp_path):
    script, frames, lines = run_script(tmp_path, REFUSED)
    assert frames[0] == f'File "{script}", line 9, in <module>'
    # Python 3.10 re-raises the traceback it caught: the entry point's frame stays there
    assert len(internal(frames)) == (0 if sys.version_info >= (3, 11) else 1), frames
    message = [ln for ln in lines if ln.startswith("srcdiff.errors.UnsupportedCodeError")]
    assert message and f"{script}:6:" in message[0]  # the refused line, named and quoted
    assert "    y.byteswap(True)" in lines


def test_srcdiff_debug_keeps_the_full_traceback(tmp_path):
    script, frames, _ = run_script(tmp_path, REFUSED, debug=True)
    assert frames[0] == f'File "{script}", line 9, in <module>'
    assert any(os.path.join("srcdiff", "lower.py") in fr for fr in internal(frames)), frames


def test_a_bad_argument_shows_the_users_line(tmp_path):
    script, frames, lines = run_script(tmp_path, """\
        import srcdiff

        def f(x):
            return x * x

        srcdiff.hessian(f, wrt=3)
    """)
    assert frames[0] == f'File "{script}", line 6, in <module>'
    assert len(internal(frames)) == (0 if sys.version_info >= (3, 11) else 1), frames
    assert any(ln.startswith("srcdiff.errors.ArgumentError: wrt=3 is out of range")
               for ln in lines), lines


CRASH = """\
    import sys
    import threading
    import numpy as np
    import srcdiff

    def f(x, i):
        return np.sum(x[i] * x)

    g = srcdiff.grad(f)
    g(np.ones(3), 1)
    print(srcdiff.source(g))
    sys.stdout.flush()
    if IN_THREAD:
        worker = threading.Thread(target=g, args=(np.ones(3), 1.5), name="worker")
        worker.start()
        worker.join()
        raise SystemExit(1)
    g(np.ones(3), 1.5)  # a float index: numpy raises inside the emitted gradient
"""


@pytest.mark.parametrize("in_thread", [False, True])
def test_an_error_inside_emitted_code_shows_the_emitted_line(tmp_path, in_thread):
    script = tmp_path / "user_script.py"
    script.write_text(f"IN_THREAD = {in_thread}\n" + textwrap.dedent(CRASH))
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("SRCDIFF_DEBUG", None)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    emitted = done.stdout.splitlines()
    lines = done.stderr.splitlines()
    at = [i for i, ln in enumerate(lines) if ln.startswith('  File "srcdiff-generated/')]
    assert at, done.stderr
    shown = lines[at[-1] + 1].strip()
    assert shown and any(shown == ln.strip() for ln in emitted), done.stderr
    assert "IndexError" in lines[-1]
    if in_thread:
        assert "Exception in thread worker:" in lines


def test_caught_refusals_carry_the_trimmed_traceback():
    def f(x):
        y = x.copy()
        y.byteswap(True)
        return np.sum(y)

    with pytest.raises(srcdiff.UnsupportedCodeError) as info:
        srcdiff.hessian(f)(np.ones(2))  # through a Composite and the gradient it runs
    frames = traceback.extract_tb(info.tb)
    assert frames and not [fr for fr in frames if fr.filename.startswith(PACKAGE)
                           and sys.version_info >= (3, 11)]
    assert frames[0].filename == __file__
    if hasattr(info.value, "add_note"):
        assert info.value.__notes__ == [boundary.NOTE]


def test_other_exceptions_keep_their_traceback():
    def f(x):
        return np.sum(x @ x)

    with pytest.raises(ValueError) as info:
        srcdiff.grad(f)(np.ones((2, 3)))
    frames = traceback.extract_tb(info.tb)
    assert any(fr.filename.startswith(PACKAGE) for fr in frames)


def test_debugging_reads_the_environment(monkeypatch):
    for value, expected in [("", False), ("0", False), ("no", False), ("1", True),
                            ("yes", True)]:
        monkeypatch.setenv("SRCDIFF_DEBUG", value)
        assert boundary.debugging() is expected
    monkeypatch.delenv("SRCDIFF_DEBUG")
    assert boundary.debugging() is False


def test_hooks_set_by_others_are_left_alone(monkeypatch):
    import threading

    def mine(*args):
        pass

    monkeypatch.setattr(sys, "excepthook", mine)
    monkeypatch.setattr(threading, "excepthook", mine)
    boundary.install_hooks()
    assert sys.excepthook is mine and threading.excepthook is mine
