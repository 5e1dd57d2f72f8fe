"""srcdiff/rule_trees.py: rule text parsed by an earlier process, kept beside the rule modules'
bytecode. A kept tree is the tree parsing gives (positions included); it is found only for
the same text, the same code and the same fingerprint of srcdiff and its rule files (a touched
file makes a new one); a damaged file is ignored."""
import importlib.util
import os
import sys

import numpy as np
import pytest

from gradcheck import check
from srcdiff import rule_forms, rule_index, rule_template, rule_trees
from srcdiff import syntax as S

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RULES = '''\
import numpy


def square_rule(y, x):
    """d[x] += 2 x d[y]"""
    d[x] = d[y] * 2.0 * x


twice = lambda y, x: 2.0 * x


def other(y, x):
    return numpy.cos(x)
'''


@pytest.fixture
def rule_folder(tmp_path, monkeypatch):
    """A folder holding one rule module, imported; rule_trees keeping its trees there."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "tree_rules.py"
    path.write_text(RULES)
    spec = importlib.util.spec_from_file_location("tree_rules", path)
    module = importlib.util.module_from_spec(spec)
    module.d = None
    spec.loader.exec_module(module)
    saved = (rule_trees._folder, rule_trees._key, rule_trees._valid, dict(rule_trees._new),
             rule_trees._entries)
    rule_trees.start(str(tmp_path), "key one")
    yield tmp_path, module
    rule_trees._folder, rule_trees._key, rule_trees._valid = saved[:3]
    rule_trees._entries = saved[4]
    rule_trees._new.clear()
    rule_trees._new.update(saved[3])


def _entry_files(folder):
    cache = folder / "__pycache__"
    return [f for d in (cache.iterdir() if cache.exists() else ())
            if d.name.startswith(rule_trees._PREFIX) for f in d.iterdir()
            if f.name != rule_trees._KEY_FILE]


def _dump(node):
    return S.dump(node, include_attributes=True, show_empty=True)


def test_a_kept_def_is_found_by_a_later_process_as_parsed(rule_folder):
    folder, module = rule_folder
    body = rule_template.parse_template(module.square_rule)   # parsed, kept
    rule_trees.flush()
    assert len(_entry_files(folder)) == 1
    rule_trees.start(str(folder), "key one")   # as a new process: read from the file
    code = module.square_rule.__code__
    text = "".join(open(code.co_filename).readlines()[3:6])
    kept = rule_trees.tree("def", text, code)
    assert kept is not None and _dump(kept.body[1]) == _dump(body[0])
    assert [_dump(s) for s in rule_template.parse_template(module.square_rule)] == \
        [_dump(s) for s in body]
    assert rule_trees.tree("def", text, code) is not kept   # a fresh copy each time


def test_a_kept_lambda_is_found_as_parsed(rule_folder):
    folder, module = rule_folder
    lines = open(module.twice.__code__.co_filename).readlines()
    first = rule_forms._lambda_tree(module.twice, lines)
    rule_trees.flush()
    rule_trees.start(str(folder), "key one")
    assert rule_trees._new == {}
    again = rule_forms._lambda_tree(module.twice, lines)
    assert _dump(again) == _dump(first)
    assert rule_trees._valid and rule_trees._new == {}   # found, not parsed again


def test_an_entry_is_not_found_for_other_text_other_code_or_another_key(rule_folder):
    folder, module = rule_folder
    rule_template.parse_template(module.square_rule)
    code = module.square_rule.__code__
    text = "".join(open(code.co_filename).readlines()[3:6])
    assert rule_trees.tree("def", text, code) is not None
    assert rule_trees.tree("def", text.replace("2.0", "3.0"), code) is None
    assert rule_trees.tree("def", text, module.other.__code__) is None
    assert rule_trees.tree("lambda", text, code) is None
    rule_trees.flush()
    rule_trees.start(str(folder), "key two")   # srcdiff or a rule file changed
    assert rule_trees.tree("def", text, code) is None
    rule_template.parse_template(module.other)
    rule_trees.flush()   # the folder of the other key removed
    assert len([d for d in (folder / "__pycache__").iterdir()
                if d.name.startswith(rule_trees._PREFIX)]) == 1


def test_a_touched_rule_file_gives_a_new_key(tmp_path):
    (tmp_path / "some_rules.py").write_text(RULES)
    before = rule_index.fingerprint(str(tmp_path), ["some_rules"], "1")
    st = os.stat(tmp_path / "some_rules.py")
    os.utime(tmp_path / "some_rules.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1000))
    assert rule_index.fingerprint(str(tmp_path), ["some_rules"], "1") != before


def test_a_damaged_file_is_ignored_and_replaced(rule_folder):
    folder, module = rule_folder
    rule_template.parse_template(module.square_rule)
    rule_trees.flush()
    (path,) = _entry_files(folder)
    key_file = path.parent / rule_trees._KEY_FILE
    code = module.square_rule.__code__
    text = "".join(open(code.co_filename).readlines()[3:6])
    for damaged_file in (path, key_file):
        data = damaged_file.read_bytes()
        for damaged in (b"", b"\x00garbage", data[:-7], data[:-20] + b"x" * 20):
            damaged_file.write_bytes(damaged)
            rule_trees.start(str(folder), "key one")
            assert rule_trees.tree("def", text, code) is None
        damaged_file.write_bytes(data)
        rule_trees.start(str(folder), "key one")
        assert rule_trees.tree("def", text, code) is not None
    path.write_bytes(b"garbage")
    body = rule_template.parse_template(module.square_rule)   # parsed again, kept again
    rule_trees.flush()
    rule_trees.start(str(folder), "key one")
    assert _dump(rule_trees.tree("def", text, code).body[1]) == _dump(body[0])


def test_nothing_is_written_without_bytecode(rule_folder, monkeypatch):
    folder, module = rule_folder
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    rule_template.parse_template(module.square_rule)
    rule_trees.flush()
    assert not _entry_files(folder)


def test_a_rule_outside_the_folder_is_not_kept(rule_folder):
    assert rule_trees._entry_key("def", "x", test_a_touched_rule_file_gives_a_new_key.__code__,
                                 "") is None


def test_every_rule_module_round_trips():
    """Every tree of srcdiff's rule files decodes to the tree parsing gives."""
    folder = os.path.join(ROOT, "templates")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            tree = S.parse_module(open(os.path.join(folder, name)).read())
            assert _dump(rule_trees._decode(rule_trees._encode(tree))) == _dump(tree), name


def test_derivatives_with_kept_rules():
    """A derivative built from kept trees (this process or an earlier one) is right."""
    def f(x, y):
        return np.sum(np.tanh(x) * np.exp(y) + np.sin(x) ** 2 / (1.0 + y * y))
    rng = np.random.default_rng(3)
    check(f, rng.normal(size=4), rng.normal(size=4), wrt=(0, 1))


def test_an_entry_of_another_key_in_the_same_folder_is_not_used(rule_folder):
    """Two fingerprints whose CRCs (the folder's name) are equal: each entry holds 32 more
    bits of its fingerprint, so one kept under the other is not found."""
    folder, module = rule_folder
    rule_template.parse_template(module.square_rule)
    rule_trees.flush()
    one = rule_trees._entries
    code = module.square_rule.__code__
    text = "".join(open(code.co_filename).readlines()[3:6])
    rule_trees.start(str(folder), "key two")
    rule_trees._entries, rule_trees._valid = one, True   # as if the CRCs were equal
    assert rule_trees.tree("def", text, code) is None
    rule_trees.start(str(folder), "key one")
    assert rule_trees.tree("def", text, code) is not None
