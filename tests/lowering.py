"""What the lowering tests share (tests/test_lower.py and the files of its split modules:
test_desugar, test_lower_exprs, test_lower_calls, test_lower_copies): lowered code read with
srcdiff's own printer, and the lowered body run as plain Python."""
import textwrap

from srcdiff import analyze
from srcdiff import syntax as S
from srcdiff.transform import lower_function


def text(fn):
    return "\n".join(S.spell(s).rstrip() for s in lower_function(fn).body)


def kinds(fn):
    return [s.sd.kind for s in analyze.flatten(lower_function(fn).body)]


def expect(fn, source):
    assert text(fn) == textwrap.dedent(source).strip()


def run_lowered(fn, *args):
    """Run the lowered body as a Python function (the primal the derivatives start from)."""
    low = lower_function(fn)
    fdef = S.function_def(low.name, list(low.params), list(low.body))
    fdef.lineno = 1
    env = dict(low.bindings)
    exec(S.spell(fdef), env)
    return env[low.name](*args)


def assert_located(error, fn, offset, quoted):
    """A refusal names fn's file, the line `offset` lines below its def, and quotes it."""
    assert error.filename == fn.__code__.co_filename, error.filename
    assert error.lineno == fn.__code__.co_firstlineno + offset, (error.lineno, str(error))
    assert error.line.strip() == quoted, error.line
