"""What a user sees when something goes wrong: tracebacks without srcdiff's own frames, and the
emitted lines of a derivative that fails while it runs (leaf: called by api.py,
api_composite.py, cli.py, compose.py, derivative.py and flatten.py; __init__.py installs its
hooks). Takes a srcdiff error on its way out of the public API (`api`, `trimmed`); gives
back the error with its traceback cut down to the user's frames, and installs the traceback
hooks (`install_hooks`).

A srcdiff error (a refusal, a bad argument) leaves the public API with its traceback cut
down to the user's frames: the user's call comes first and the message names the user's
line. With the environment variable SRCDIFF_DEBUG=1 the full traceback is kept.

Emitted code has no file on disk: its lines live in `linecache` (loader.py), which the
`traceback` module, IPython, pytest and pdb read. Python 3.10 to 3.12 print an uncaught
exception in C, reading source files from disk only; on those versions srcdiff's hooks print
a traceback that passes through emitted code with the `traceback` module instead, as 3.13
does for every traceback.
"""
import functools
import os
import sys
import traceback
import types

from .errors import SrcdiffError

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_GENERATED_PREFIX = "srcdiff-generated/"  # lower.GENERATED_PREFIX (not imported: lower is big)


def debugging():
    """True when SRCDIFF_DEBUG asks for srcdiff's own frames in tracebacks."""
    return os.environ.get("SRCDIFF_DEBUG", "").strip().lower() not in ("", "0", "false", "no")


def _internal(tb):
    filename = tb.tb_frame.f_code.co_filename
    return filename.startswith(_PACKAGE + os.sep) or filename == _PACKAGE


def trimmed(tb):
    """The traceback `tb` without srcdiff's own frames (the user's and emitted code's kept)."""
    kept = []
    while tb is not None:
        if not _internal(tb):
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for entry in reversed(kept):
        out = types.TracebackType(out, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return out


def hide_internals(exc):
    """Cut srcdiff's own frames from exc's traceback, unless SRCDIFF_DEBUG is set. Called in
    an `except` clause that then re-raises with a bare `raise`. A refusal met differentiating
    srcdiff's own code again names the user's line (emitted_origins)."""
    from . import emitted_origins
    emitted_origins.relocate(exc)
    if debugging():
        return
    kept = trimmed(exc.__traceback__)
    if _length(kept) < _length(exc.__traceback__) and hasattr(exc, "add_note") \
            and NOTE not in getattr(exc, "__notes__", ()):
        exc.add_note(NOTE)
    if sys.version_info >= (3, 11):
        exc.with_traceback(kept)
    elif exc.__traceback__ is not None:
        # 3.10's bare `raise` re-raises the traceback the except clause caught, not the
        # exception's: that one is cut in place, keeping its first entry (the entry point)
        exc.__traceback__.tb_next = trimmed(exc.__traceback__.tb_next)


NOTE = "(srcdiff hid its own frames from this traceback; SRCDIFF_DEBUG=1 shows them)"


def _length(tb):
    n = 0
    while tb is not None:
        n, tb = n + 1, tb.tb_next
    return n


def api(fn):
    """Decorate a public entry point: a SrcdiffError leaving it shows the user's frames only.

    The error is re-raised with a bare `raise`, which adds no frame of its own: from Python
    3.11 on the traceback starts at the user's call. On 3.10 the entry point's frame stays."""

    @functools.wraps(fn)
    def entry(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SrcdiffError as exc:
            hide_internals(exc)
            raise

    return entry


def _through_emitted(exc):
    """Whether the traceback of exc (or of an exception it chains) passes through emitted code."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.startswith(_GENERATED_PREFIX):
                return True
            tb = tb.tb_next
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return False


def _excepthook(previous):
    def hook(exc_type, exc, tb):
        if exc is not None and _through_emitted(exc):
            traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        else:
            previous(exc_type, exc, tb)
    hook.srcdiff_previous = previous
    return hook


def _thread_excepthook(previous):
    def hook(args):
        if args.exc_value is not None and _through_emitted(args.exc_value) \
                and sys.stderr is not None:
            name = args.thread.name if args.thread is not None else "?"
            print(f"Exception in thread {name}:", file=sys.stderr, flush=True)
            traceback.print_exception(args.exc_type, args.exc_value, args.exc_traceback,
                                      file=sys.stderr)
            sys.stderr.flush()
        else:
            previous(args)
    hook.srcdiff_previous = previous
    return hook


def install_hooks():
    """On Python < 3.13, print uncaught exceptions that pass through emitted code with the
    `traceback` module (which reads linecache), so the emitted lines show. Hooks the user
    or another library set are left alone; so is Python 3.13 on, which needs none."""
    if sys.version_info >= (3, 13):
        return
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _excepthook(sys.excepthook)
    import threading
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = _thread_excepthook(threading.excepthook)
