"""The coverage table (srcdiff/coverage.py): docs/coverage.md is current, names are canonical,
second order is derived from the registry, and `--rules` prints the same facts."""
import os
import subprocess
import sys

import numpy
import pytest

from srcdiff import coverage, rules
from srcdiff.rules import d, forward, reverse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "srcdiff", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_checked_in_table_is_current():
    """docs/coverage.md is what the registry gives now (SciPy's rows need SciPy; CI has it).
    Regenerate with: python -m srcdiff --coverage -o docs/coverage.md"""
    pytest.importorskip("scipy")
    with open(os.path.join(ROOT, "docs", "coverage.md")) as fh:
        checked_in = fh.read()
    assert coverage.markdown() == checked_in, (
        "docs/coverage.md is stale: run python -m srcdiff --coverage -o docs/coverage.md")


def test_coverage_command_writes_and_checks(tmp_path):
    out = tmp_path / "coverage.md"
    assert _cli("--coverage", "-o", str(out)).returncode == 0
    assert out.read_text() == coverage.markdown()
    assert _cli("--coverage", "-o", str(out), "--check").returncode == 0
    out.write_text(out.read_text().replace("| yes |", "| — |", 1))
    stale = _cli("--coverage", "-o", str(out), "--check")
    assert stale.returncode == 1 and "stale" in stale.stderr


def test_totals_count_the_rows():
    table = coverage.rows()
    text = coverage.markdown()
    head = text.split("## Totals")[1].split("\n## ")[0]
    totals = coverage.totals(table)
    assert totals["with a reverse rule"] == sum(r.reverse == "yes" for r in table) > 100
    for key, value in totals.items():
        assert f"| {key} | {value} |" in head
    assert text.index("## Totals") < text.index("## NumPy")


def test_names_are_canonical_and_user_facing():
    table = coverage.rows()
    names = [r.name for r in table]
    assert len(names) == len(set(names))
    for name in names:
        assert "<" not in name and "0x" not in name and not name.startswith("srcdiff"), name
        assert name.split(".")[0] in ("numpy", "scipy", "math", "builtins", "operator"), name
    by_name = {r.name: r for r in table}
    # numpy.random.normal is a method of the global RandomState: named as users call it
    assert by_name["numpy.random.normal"].reverse == "yes"
    assert by_name["numpy.sum"].second == "yes"
    assert by_name["numpy.argmax"].reverse == "zero"
    assert by_name["builtins.abs"].reverse == "yes"
    assert by_name["operator.mul"].forward == "yes"
    assert by_name["numpy.ndarray.sum"].reverse == "yes"  # x.sum() is numpy.sum
    # aliases fold onto one row (numpy.abs is numpy.absolute), peers included
    assert "numpy.abs" not in by_name and by_name["numpy.absolute"].peers["autograd"] == "yes"


def test_public_name_of_a_bound_method_without_a_module_attribute():
    state = numpy.random.RandomState(0)
    assert coverage.public_name(state.normal) == "numpy.random.RandomState.normal"
    assert coverage.public_name(numpy.random.normal) == "numpy.random.normal"
    from srcdiff import runtime
    assert coverage.public_name(runtime.unbroadcast) is None


def _scaled(x):
    return 3.0 * x


def _helper_without_tangent(g, x):
    return g * 3.0


def test_second_order_needs_forward_rules_for_what_the_reverse_rule_calls():
    """A reverse rule that calls a helper with no forward rule is first order only: forward
    over reverse would meet a call it can not differentiate."""
    @reverse(_scaled)
    def scaled(y, x):
        d[x] = _helper_without_tangent(d[y], x)

    @forward(_scaled)
    def scaled_fwd(y, x):
        d[y] = 3.0 * d[x]
    try:
        assert not coverage.second_order(_scaled)
        rules.FORWARD.put(_helper_without_tangent, rules.FORWARD.find(_scaled))
        assert coverage.second_order(_scaled)
    finally:
        for table in (rules.REVERSE, rules.FORWARD):
            for f in (_scaled, _helper_without_tangent):
                dict.pop(table, id(f), None)


def test_second_order_needs_the_functions_own_forward_rule():
    @reverse(_scaled)
    def scaled(y, x):
        d[x] = d[y] * 3.0
    try:
        assert not coverage.second_order(_scaled)
    finally:
        dict.pop(rules.REVERSE, id(_scaled), None)


def test_peer_lists_are_read_from_the_checked_in_files():
    peers = coverage.peer_lists()
    for peer in coverage.PEERS:
        table, version = peers[peer]
        assert version.startswith(peer) and len(table) > 100
    assert peers["autograd"][0]["numpy.sin"] == "rule"
    assert peers["autograd"][0]["numpy.argmax"] == "nondiff"


def test_rules_prints_the_same_facts_deterministically():
    a, b = _cli("--rules"), _cli("--rules")
    assert a.returncode == 0 and a.stdout == b.stdout
    assert "<bound" not in a.stdout and "0x" not in a.stdout and "srcdiff." not in a.stdout
    lines = {line.split()[0]: line.split() for line in a.stdout.splitlines()
             if line.startswith("  ") and not line.strip().startswith("function")}
    for r in coverage.rows():
        if r.known:
            assert lines[r.name][1:4] == [r.reverse, r.forward, r.second], r.name
        else:
            assert r.name not in lines
    assert "numpy.random.normal" in lines and "nondifferentiable" in lines["numpy.argmax"]


def test_aliases_fold_onto_one_row():
    """scipy.special.psi is digamma and jn is jv: autograd's names for them land on the rows
    srcdiff's rules make, not on rows of their own marked missing."""
    sp = pytest.importorskip("scipy.special")
    assert sp.psi is sp.digamma and sp.jn is sp.jv
    by_name = {r.name: r for r in coverage.rows()}
    assert "scipy.special.psi" not in by_name and "scipy.special.jn" not in by_name
    for name in ("scipy.special.digamma", "scipy.special.jv"):
        row = by_name[name]
        assert row.reverse == row.forward == row.second == "yes", name
        assert row.peers["autograd"] == "yes", name


def test_second_order_follows_methods_of_module_level_objects():
    """A cdf's reverse rule calls scipy.stats.<dist>.pdf, a bound method of a module-level
    object: it has forward rules, so the cdf is differentiable to second order (as
    tests/templates/test_scipy_stats.py checks against finite differences)."""
    pytest.importorskip("scipy")
    rows = {r.name: r for r in coverage.rows()}
    for name in ("scipy.stats.t.cdf", "scipy.stats.beta.logcdf", "scipy.stats.poisson.cdf"):
        assert rows[name].second == "yes", name
