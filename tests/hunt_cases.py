"""The runner the hunt corpora share (tests/test_hunt21.py, tests/test_hunt21_state.py,
tests/test_hunt22.py, ...): one user-style program checked against central differences by
gradcheck.check, to second order where its corpus lists it; a program reading SciPy skips
where SciPy is not installed (the README's test command installs none). A corpus module
(tests/hunt22_programs.py, ...) lists CASES as (name, f, args, options) and the names it
refuses today in REFUSED (and crashes left in CRASHES): `split` parts them, `check_refused`
checks a refusal is located at the user's line."""
import inspect
import importlib.util

import pytest

import srcdiff
from gradcheck import check


def split(corpus):
    """The corpus's cases that differentiate, those refused today, and the names of the cases
    checked to second order (all but those whose options say order 1)."""
    left_out = corpus.REFUSED | getattr(corpus, "CRASHES", set())
    cases = [c for c in corpus.CASES if c[0] not in left_out]
    refused = [c for c in corpus.CASES if c[0] in corpus.REFUSED]
    second_order = {c[0] for c in cases if c[3].get("order") != 1}
    return cases, refused, second_order


def corpus_tests(corpus):
    """The two tests every hunt file runs on its corpus, parametrized by case name: each case
    that differentiates agrees with central differences (to second order unless its options
    say order 1), and each case refused today is refused at the user's line. A hunt file binds
    them to module names so that pytest collects them."""
    cases, refused, second_order = split(corpus)

    @pytest.mark.parametrize("name,f,args,options", cases, ids=[c[0] for c in cases])
    def test_program_derivatives_agree_with_finite_differences(name, f, args, options):
        check_case(name, f, args, options, second_order)

    @pytest.mark.parametrize("name,f,args,options", refused, ids=[c[0] for c in refused])
    def test_programs_refused_today_are_refused_at_their_line(name, f, args, options):
        check_refused(name, f, args, options)

    return (test_program_derivatives_agree_with_finite_differences,
            test_programs_refused_today_are_refused_at_their_line)


def check_refused(name, f, args, options):
    with pytest.raises(srcdiff.SrcdiffError) as info:
        check_case(name, f, args, options, set())
    err = info.value
    assert err.filename is not None and err.lineno is not None and err.line, str(err)


def check_case(name, f, args, options, second_order):
    if _reads_scipy(f) and importlib.util.find_spec("scipy") is None:
        pytest.skip("needs SciPy (pip install '.[scipy]')")
    options = dict(options)
    options.setdefault("order", 2 if name in second_order else 1)
    check(f, *args, **options)


def _reads_scipy(f):
    try:
        text = inspect.getsource(f)
    except (OSError, TypeError):
        return False
    return any(word in text for word in ("scipy", "special.", "stats."))
