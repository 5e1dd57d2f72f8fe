"""srcdiff/rule_index.py: the index of srcdiff's rule modules (which registers what), kept
beside their bytecode so a process imports only the rule modules its derivatives ask for.
Every rule, refusal and mark a process that imported every module finds is found the same
by a process reading the index; the index is remade when a rule file changes."""
import json
import marshal
import os
import subprocess
import sys
import textwrap

import numpy as np

from gradcheck import check
from srcdiff import rule_index, rules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_ANSWERS = textwrap.dedent('''
    import json, sys
    import numpy
    import srcdiff
    from srcdiff import callables, rules
    rules.load_templates()
    lazy = rules._index is not None
    before = len(rules._imported)
    if sys.argv[1] == "list":
        paths = sorted({p for t in (rules.REVERSE, rules.FORWARD, rules.NONDIFFERENTIABLE,
                                    rules.NOT_IMPLEMENTED, rules.HELD_CONSTANT, rules.REAL_ONLY)
                        for f in t.functions() for p in [callables.canonical_path(f)] if p})
    else:
        paths = json.loads(open(sys.argv[2]).read())
    answers = {}
    for path in paths:
        f = callables._resolve_path(path)
        if f is None:
            continue
        r, fw = rules.lookup("reverse", f), rules.lookup("forward", f)
        answers[path] = [r and r.origin, fw and fw.origin, rules.is_nondifferentiable(f),
                         rules.not_implemented_hint(f), rules.real_only_reason(f),
                         sorted(rules.HELD_CONSTANT.find(f) or {})]
    print(json.dumps({"lazy": lazy, "before": before, "imported": len(rules._imported),
                      "modules": len(rules._modules), "answers": answers}))
''')


def _run(tmp_path, *args):
    script = tmp_path / "answers.py"
    script.write_text(_ANSWERS)
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # the index is kept as bytecode is
    done = subprocess.run([sys.executable, str(script), *args], env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _folder():
    return rules._templates_package().__path__[0]


def _drop_index():
    cache = os.path.join(_folder(), "__pycache__")
    for name in os.listdir(cache) if os.path.isdir(cache) else ():
        if name.startswith("srcdiff-rule-index."):
            os.remove(os.path.join(cache, name))


def test_a_process_reading_the_index_finds_every_rule_as_one_importing_all(tmp_path):
    _drop_index()
    full = _run(tmp_path, "list")      # no index: imports every module and keeps the index
    assert not full["lazy"] and full["imported"] == full["modules"]
    assert len(full["answers"]) > 500
    (tmp_path / "paths.json").write_text(json.dumps(sorted(full["answers"])))
    lazy = _run(tmp_path, "ask", str(tmp_path / "paths.json"))
    assert lazy["lazy"] and lazy["before"] == 0   # nothing imported until asked
    assert lazy["answers"] == full["answers"]


def test_a_derivative_imports_only_the_rule_modules_it_asks_for(tmp_path):
    _run(tmp_path, "ask", _write(tmp_path, []))  # the index is made, if it was not
    (tmp_path / "f.py").write_text(textwrap.dedent('''
        import json
        import numpy as np
        import srcdiff
        from srcdiff import rules

        def f(x):
            return np.sum(np.tanh(x) * x)

        g = srcdiff.grad(f)(np.linspace(-1.0, 1.0, 5))
        imported = sorted(rules._imported)
        rules.load_templates(every=True)
        print(json.dumps({"lazy": rules._index is not None, "imported": imported,
                          "modules": len(rules._modules), "g": g.tolist(),
                          "every": len(rules._imported), "loaded": rules._loaded}))
        '''))
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, str(tmp_path / "f.py")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["lazy"] and 0 < len(out["imported"]) < out["modules"]
    assert out["loaded"] and out["every"] == out["modules"]   # load_templates(every=True)
    x = np.linspace(-1.0, 1.0, 5)
    assert np.allclose(out["g"], np.tanh(x) + x * (1 - np.tanh(x) ** 2))
    check(lambda x: np.sum(np.tanh(x) * x), x, wrt=(0,))


def _write(tmp_path, paths):
    path = tmp_path / "none.json"
    path.write_text(json.dumps(paths))
    return str(path)


def test_the_fingerprint_follows_the_rule_files(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(f"X = {name!r}\n")
    key = rule_index.fingerprint(str(tmp_path), ["a", "b"], "1.0")
    assert key == rule_index.fingerprint(str(tmp_path), ["a", "b"], "1.0")
    assert key != rule_index.fingerprint(str(tmp_path), ["a", "b"], "1.1")
    assert key != rule_index.fingerprint(str(tmp_path), ["a"], "1.0")
    path = tmp_path / "b.py"
    before = path.stat()
    path.write_text("X = 'c'\n")   # same size, other text, written later
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert key != rule_index.fingerprint(str(tmp_path), ["a", "b"], "1.0")


def test_the_index_file_round_trips_and_a_damaged_one_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    rule_index.write(str(tmp_path), "k1", {"numpy|sin|numpy|ufunc": ["ufuncs"]})
    assert rule_index.read(str(tmp_path), "k1") == {"numpy|sin|numpy|ufunc": ["ufuncs"]}
    assert rule_index.read(str(tmp_path), "k2") is None
    rule_index.write(str(tmp_path), "k2", {})
    kept = os.listdir(tmp_path / "__pycache__")
    assert kept == [os.path.basename(rule_index._path(str(tmp_path), "k2"))]   # k1's dropped
    (tmp_path / "__pycache__" / kept[0]).write_bytes(b"\x00damaged")
    assert rule_index.read(str(tmp_path), "k2") is None
    (tmp_path / "__pycache__" / kept[0]).write_bytes(marshal.dumps(
        {"format": rule_index.FORMAT, "key": "k2", "names": {"x": "ufuncs"}}))
    assert rule_index.read(str(tmp_path), "k2") is None
    (tmp_path / "__pycache__" / kept[0]).write_bytes(marshal.dumps(   # the name's CRC is
        {"format": rule_index.FORMAT, "key": "k1", "names": {}}))     # not trusted: the key
    assert rule_index.read(str(tmp_path), "k2") is None                # is compared in full
    monkeypatch.setattr(sys, "dont_write_bytecode", True)   # as bytecode: not written
    rule_index.write(str(tmp_path), "k3", {})
    assert rule_index.read(str(tmp_path), "k3") is None


def test_a_name_is_the_same_for_the_same_function_and_none_where_not_text():
    assert rule_index.name_key(np.sin) == rule_index.name_key(np.sin)
    assert rule_index.name_key(np.sin) != rule_index.name_key(np.cos)
    assert rule_index.name_key(np.add.reduce) == rule_index.name_key(np.add.reduce)
    assert rule_index.name_key(np.sum) != rule_index.name_key(np.add.reduce)

    class Odd:
        def __call__(self):
            return 0
    odd = Odd()
    odd.__module__ = ["not", "text"]
    assert rule_index.name_key(odd) is None


def test_a_users_rule_registered_before_the_first_derivative_replaces_srcdiffs(tmp_path):
    (tmp_path / "mine.py").write_text(textwrap.dedent('''
        import numpy as np
        import srcdiff
        from srcdiff import d, rules

        @srcdiff.reverse_rule(np.sinh)
        def mine(y, x):
            d[x] = d[y] * 7.0

        print(rules.lookup("reverse", np.sinh).origin)
        '''))
    for drop in ("PYTHONDONTWRITEBYTECODE", "nothing"):   # with and without the index
        env = dict(os.environ, PYTHONPATH=ROOT)
        env.pop(drop, None)
        done = subprocess.run([sys.executable, str(tmp_path / "mine.py")], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "__main__.mine"


def test_a_rule_module_imported_before_the_rules_start_leaves_no_partial_index(tmp_path):
    # its rules were registered before the index was made, unrecorded: an index written by
    # that process lacked them, and every later process found no rule for operator.add
    _drop_index()
    first = tmp_path / "first.py"
    first.write_text("from srcdiff import rules\n"
                     "rules._templates_package()   # found, not started\n"
                     "import srcdiff.templates.arithmetic\nimport srcdiff\n"
                     "print(srcdiff.grad(lambda x: x * x + x)(3.0))\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, str(first)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert float(done.stdout) == 7.0
    later = _run(tmp_path, "ask", _write(tmp_path, ["operator.add", "numpy.multiply"]))
    assert later["answers"]["operator.add"][0] is not None
    assert later["answers"]["numpy.multiply"][0] is not None
    check(lambda x: x * x + x, np.array([3.0, -1.0]), wrt=(0,))
