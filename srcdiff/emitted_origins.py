"""Where emitted code came from (leaf: called by transform.load_emitted and
boundary.hide_internals). Takes each emitted derivative as it is loaded (its file name, its
text, the user's function), and a refusal raised while srcdiff differentiated that code again
(an hvp, a grad of a grad, a jacobian of a gradient); gives back the refusal named at the
user's line that led there, never at a line of srcdiff's generated file.

The user's line is, in this order: the one line of the user's function that reads as the
generated statement does, qualifiers and spaces aside (`y = opaque(h)` is emitted as
written, `y = np.sin(h)` as `y = numpy.sin(h)`); the line a `# line N: ...`
comment above it names in the same generated function, where the user's file still reads so
at line N; the user's def line. The generated file, line and statement are kept on the
refusal (`generated`), out of its message: the statement names srcdiff's temporaries. A derivative of a derivative's derivative goes back through each
generated file in turn to the user's function.
"""
import collections
import linecache
import re
import weakref

from .core import GENERATED_PREFIX

_KEPT = 256   # the emitted files remembered (the latest ones; each holds its text)
_ORIGINS = collections.OrderedDict()   # generated file name -> (text, weakref to user fn)
_COMMENT = r"^\s*# line (\d+): (.*)$"   # compiled at its first use (re caches it), not at import


def register(filename, text, user_fn, loaded):
    """Remember that the emitted code `text`, loaded as `filename` (the function `loaded`),
    was made from `user_fn`; forgotten when `loaded` goes (srcdiff keeps nothing per dead
    function)."""
    try:
        entry = (text, weakref.ref(user_fn))
        weakref.finalize(loaded, _forget, filename, id(entry))
    except TypeError:
        return
    _ORIGINS[filename] = entry
    _ORIGINS.move_to_end(filename)
    while len(_ORIGINS) > _KEPT:
        _ORIGINS.popitem(last=False)


def _forget(filename, token):
    entry = _ORIGINS.get(filename)
    if entry is not None and id(entry) == token:
        del _ORIGINS[filename]


def relocate(exc):
    """Name the user's line in `exc` (a SrcdiffError) where it names a line of emitted code
    srcdiff knows the origin of; leaves any other error as it is."""
    found = user_line(exc.filename, exc.lineno)
    if found is None:
        return
    filename, lineno, shown, caller = found
    exc.generated = f"{exc.filename}:{exc.lineno}: {shown}"   # (its names are srcdiff's)
    reached = f"; in a helper reached from line {caller}" if caller is not None else ""
    exc.reason = (f"{exc.reason} (met differentiating srcdiff's own derivative of it "
                  f"again{reached})")
    exc.filename, exc.lineno, exc.col = filename, lineno, None
    exc.line = linecache.getline(filename, lineno).rstrip("\n")
    exc.args = (exc._render(),)


def user_line(filename, lineno):
    """(the user's file, line, the generated statement, the user's line calling the helper
    that line is in or None) for line `lineno` of the emitted file `filename`, or None where
    it is not one srcdiff remembers."""
    if not (isinstance(filename, str) and filename.startswith(GENERATED_PREFIX)):
        return None
    entry = _ORIGINS.get(filename)
    user = entry[1]() if entry is not None else None
    code = getattr(user, "__code__", None)
    if code is None:
        return None
    lines = entry[0].splitlines()
    shown = lines[lineno - 1].strip() if isinstance(lineno, int) and 0 < lineno <= len(
        lines) else ""
    home = code.co_filename
    if home.startswith(GENERATED_PREFIX):   # made from emitted code itself: its own origin
        inner = user_line(home, code.co_firstlineno)
        return None if inner is None else (inner[0], inner[1], shown, inner[3])
    first = code.co_firstlineno
    own = _function_lines(home, first)
    same = [n for n, text in own if shown and _plain(text) == _plain(shown)]
    if len(same) == 1:
        return home, same[0], shown, None
    commented = _commented_line(lines, lineno, home, {n for n, _ in own})
    if commented is None:   # a helper of the user's, emitted beside: its own line, and the
        helper = _commented_line(lines, lineno, home, None)   # line of theirs calling it
        if helper is not None:
            return home, helper, shown, _caller_line(lines, lineno, home,
                                                     {n for n, _ in own})
    return home, commented or first, shown, None


def _caller_line(lines, lineno, home, own):
    """N of the user's line (of `own`) whose emitted statements call the generated function
    holding line `lineno` (a helper's derivative emitted beside the user's), or None."""
    for i in range(min(lineno, len(lines)) - 1, -1, -1):
        match = re.match(r"^def (\w+)\(", lines[i])
        if match:
            call = re.compile(rf"\b{match.group(1)}\(")
            for j, line in enumerate(lines):
                if j != i and call.search(line) and not line.startswith("def "):
                    return _commented_line(lines, j + 1, home, own)
            return None
    return None


_QUALIFIER = r"\b[A-Za-z_][A-Za-z_0-9]*\.(?=[A-Za-z_])"   # compiled at first use


def _plain(text):
    """A statement's text without qualifiers and spaces (`np.sum(y)` and the emitted
    `numpy.sum(y)` read alike)."""
    return "".join(re.sub(_QUALIFIER, "", text.strip()).split())


def _function_lines(filename, first):
    """(number, text) of the lines of the def starting at line `first` of `filename`: up to
    the next line indented no deeper than the def."""
    lines = linecache.getlines(filename)
    if not 0 < first <= len(lines):
        return []
    indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
    out = []
    for n in range(first, len(lines) + 1):
        text = lines[n - 1]
        if n > first and text.strip() and not text.lstrip().startswith((")", "#")) and \
                len(text) - len(text.lstrip()) <= indent and not text.lstrip().startswith("@"):
            break
        out.append((n, text))
    return out


def _commented_line(lines, lineno, home, own):
    """N of the nearest `# line N: text` above line `lineno` in the same generated function,
    where line N of the user's function (of `own`; of its file where `own` is None) still
    reads `text`; None otherwise."""
    if not isinstance(lineno, int):
        return None
    for i in range(min(lineno, len(lines)) - 1, -1, -1):
        line = lines[i]
        if line.startswith("def "):
            return None
        match = re.match(_COMMENT, line)
        if match:
            n = int(match.group(1))
            if (own is None or n in own) and linecache.getline(home, n).strip() == match.group(2).strip():
                return n
            return None
    return None
