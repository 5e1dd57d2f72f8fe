"""Refusals inside another package's code are named at the user's line that led there (stage 3,
lower: called by lower_copies.py, reverse_calls.py and forward_calls.py). Takes a refusal
raised while differentiating a called function and the caller's line; gives back the refusal
raised again at the caller's line (`at_caller`), with the library's lines after it.

srcdiff follows plain-Python functions of other packages (a flatten helper, a small
numerical routine) as it follows the user's own. Where it cannot (a try block, a
generator, a call with no rule deep in the package), a refusal located only at a line
inside site-packages leaves the user to guess which of their calls led there. So when a
refusal raised while differentiating a called function points into library code, it is
raised again at the caller's line, with the library's line (and any library lines in
between) after it: the user's line first, then the package's.
"""
import os
import sysconfig

from .errors import SrcdiffError


def _library_roots():
    roots = set()
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        try:
            path = sysconfig.get_paths().get(key)
        except Exception:  # noqa: BLE001 - an odd installation: fall back to the path's names
            path = None
        if path:
            roots.add(os.path.realpath(path))
    return roots


_ROOTS = None


def is_library_file(filename):
    """Whether `filename` belongs to an installed package or the standard library (not the
    user's code): under site-packages or dist-packages, or the interpreter's library."""
    global _ROOTS
    if not filename:
        return False
    parts = os.path.normpath(filename).split(os.sep)
    if "site-packages" in parts or "dist-packages" in parts:
        return True
    if _ROOTS is None:
        _ROOTS = _library_roots()
    real = os.path.realpath(filename)
    return any(real.startswith(root + os.sep) for root in _ROOTS)


def at_caller(error, source, line, callee):
    """`error` (a SrcdiffError located in library code, raised while differentiating a call
    of `callee` made at `source`'s line `line`) raised again at that line; None when the
    error is not located in library code. (A package's function calling another of its
    own is wrapped too: each caller up to the user's line is named, outermost first.)"""
    if not isinstance(error, SrcdiffError) or not is_library_file(error.filename):
        return None
    name = getattr(callee, "__module__", None)
    qual = getattr(callee, "__qualname__", getattr(callee, "__name__", "the function"))
    called = f"{name}.{qual}" if name else qual
    where = f"{error.filename}:{error.lineno}"
    quoted = f" ({error.line.strip()})" if error.line else ""
    reason = (f"{called}, called here, cannot be differentiated; at {where}{quoted}: "
              f"{error.reason}")
    hint = error.hint
    if name == "autograd.tracer" and qual.endswith("f_wrapped"):   # autograd.extend.primitive
        reason = (f"{called}, called here, is a primitive of autograd's own "
                  "(autograd.extend.primitive), whose derivatives srcdiff cannot use")
        hint = ("make it with srcdiff.extend.primitive and give its derivatives with "
                "srcdiff.extend.defvjp / defjvp (autograd's signatures)")
    try:
        new = source.error(line, reason, hint=hint, cls=type(error))
    except TypeError:   # an error class of another signature
        new = source.error(line, reason, hint=hint)
    new.library_where = [where] + list(getattr(error, "library_where", []))
    return new
