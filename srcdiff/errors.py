"""srcdiff's exceptions: every refusal names the user's file and line and quotes it (leaf:
called by every stage that refuses, and by the runtime checks). Takes a reason, a hint and a
place (file, line, the line's text); gives back a `SrcdiffError` subclass
(UnsupportedCodeError, NoRuleError, RuleError, ArgumentError, RuntimeRefusal) whose message
says all of them, or one placed at a function's def line (`at_def`).
"""


class SrcdiffError(Exception):
    """Raised for code srcdiff cannot differentiate or arguments it cannot accept.

    Attributes:
      filename, lineno, col: where in the user's source (None when not tied to a line).
      line: the quoted source line.
      reason: why srcdiff refuses.
      hint: what to do instead.
      generated: where in srcdiff's emitted code a refusal met differentiating a derivative
        again was raised (FILE:LINE: statement), before it was named at the user's line;
        None otherwise (emitted_origins.relocate).
    """
    generated = None

    def __init__(self, reason, hint=None, filename=None, lineno=None, col=None,
                 line=None):
        self.reason = reason
        self.hint = hint
        self.filename = filename
        self.lineno = lineno
        self.col = col
        self.line = line
        super().__init__(self._render())

    def _render(self):
        parts = []
        if self.filename is not None and self.lineno is not None:
            where = f"{self.filename}:{self.lineno}"
            if self.col is not None:
                where += f":{self.col + 1}"
            parts.append(f"{where}: {self.reason}")
        else:
            parts.append(self.reason)
        if self.line:
            parts.append(f"    {self.line.strip()}")
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)


SHOWN_PATH = None  # the codegen command's renaming of file names in emitted code, or None


def where(filename, lineno):
    """'FILE:LINE': how emitted code names the user's statement a runtime check refuses
    (the codegen command names files by base name: see codegen_inputs.shown_paths)."""
    if SHOWN_PATH is not None and filename is not None:
        filename = SHOWN_PATH(filename)
    return f"{filename}:{lineno}"


class UnsupportedCodeError(SrcdiffError):
    """The function contains a construct srcdiff refuses to differentiate."""


class NoRuleError(SrcdiffError):
    """A called function has neither a derivative rule nor Python source."""


class RuleError(SrcdiffError):
    """A derivative rule that cannot be right (it reads or writes the wrong derivative, or
    names something its module does not define): raised where the rule is registered,
    naming the rule's own line."""


class ArgumentError(SrcdiffError, TypeError):
    """A bad argument to a srcdiff API (wrt, integer inputs, cotangent shapes)."""


class RuntimeRefusal(SrcdiffError, ValueError):
    """Refused while the derivative runs: only the values tell (an in-place update of an
    array another name shares, a row swap, a write that hits one element twice, a complex
    norm of another order). Named at the user's statement like the refusals made before
    it runs; also a ValueError, which these refusals were before they were located."""


def at_def(exc, fn):
    """Name the def line of the user's function `fn` in `exc`, a SrcdiffError without a
    place (raised by a runtime helper, or an argument check, that sees only a value)."""
    import linecache
    code = getattr(fn, "__code__", None) or getattr(getattr(fn, "__func__", None),
                                                    "__code__", None)
    if code is None:
        return exc
    exc.filename, exc.lineno = code.co_filename, code.co_firstlineno
    exc.line = linecache.getline(exc.filename, exc.lineno).strip() or None
    exc.args = (exc._render(),)
    return exc
