"""Running the command line (`python -m srcdiff ...`) and the standalone modules it writes,
for the test files that check it (tests/test_cli.py, test_compose_codegen.py,
test_container_programs.py)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")


def run_cli(*args, cwd=EXAMPLES):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "srcdiff", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def run_standalone(folder, script):
    """Run `script` in a Python whose import path can not reach srcdiff."""
    code = ("import sys\n"
            f"sys.path = [p for p in sys.path if not p.startswith({ROOT!r})]\n"
            f"sys.path.insert(0, {str(folder)!r})\n"
            "sys.modules['srcdiff'] = None\n"  # importing srcdiff now fails
            "sys.modules['gast'] = None\nsys.modules['astor'] = None\n" + script)
    result = subprocess.run([sys.executable, "-c", code], cwd=str(folder), capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout
