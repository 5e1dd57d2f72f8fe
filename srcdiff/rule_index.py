"""The rule index (a leaf: called by rules when srcdiff's rules are first asked for). Takes
the rule modules of templates/ and what each registered when imported; gives back, from a
file kept beside their bytecode, the rule modules that register anything for a function, so
a process imports the few rule modules its derivatives use instead of all of them.

Importing every rule module was a fifth of a first derivative's time. The index maps a name
of each function with rules (`name_key`) to the modules registering it, in any table (rules,
non-differentiable, not implemented, held constant, real only). A function whose name is
not in the index has no rule in any of srcdiff's modules; one that has no name
(`name_key` None) makes its asker import them all. A name may be shared by several objects
(methods of one class): its modules are imported for each, which costs time, never a rule.

The file is made by a process that imported every module, and read only by a process that
finds the same `fingerprint`: the size and time of every rule module and of every module
of srcdiff (as Python's bytecode of them follows their files), srcdiff's, Python's and
NumPy's versions. (Reading and hashing the rule modules' text was 2 ms of every process's
first derivative; a rule module whose text changed while its size and time did not would
run from stale bytecode as well.) Anything else (a file that
can not be read or written, a damaged one) falls back to importing every module, as before.
Like bytecode, it is written with `marshal` (the index is read at the first derivative of
every process: json's import alone took a millisecond), and not written where
`sys.dont_write_bytecode` is set. The fingerprint is the whole text of what it depends on,
kept in the file and compared in full; the file's name holds a CRC of it (zlib, which NumPy
has imported: hashlib's import was 3 ms of a process's first derivative).
"""
import marshal
import os
import sys
import types
import zlib

FORMAT = 2
_PREFIX = "srcdiff-rule-index."


def name_key(obj):
    """A text naming `obj` the same way in every process: (module, qualified name, type) of
    a function or class, (owner's class, name) of a method bound to an object; None where
    its names are not plain text."""
    try:
        owner = getattr(obj, "__self__", None)
        if owner is not None and not isinstance(owner, types.ModuleType):
            parts = (type(owner).__module__, type(owner).__qualname__,
                     getattr(obj, "__name__", None))
        else:
            parts = (getattr(obj, "__module__", None),
                     getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None),
                     type(obj).__module__, type(obj).__qualname__)
    except Exception:  # an attribute that raises: no name (the asker imports every module)
        return None
    for part in parts:   # (a loop, not all(<generator>): asked at every rule lookup)
        if part is not None and type(part) is not str:
            return None
    return "|".join([str(part) for part in parts])


def fingerprint(template_dir, modules, version):
    """What the index of the rule `modules` in `template_dir` depends on, as one text."""
    import numpy
    parts = [f"{FORMAT} {version} {sys.version} {numpy.__version__}"]
    for name in modules:
        st = os.stat(os.path.join(template_dir, name + ".py"))
        parts.append(f"{name} {st.st_mtime_ns} {st.st_size} {st.st_ino}")
    own = os.path.dirname(os.path.abspath(__file__))
    if os.stat in os.supports_dir_fd and os.listdir in os.supports_fd:
        folder = os.open(own, os.O_RDONLY)
        try:   # each module's time read relative to the folder (no path joined or resolved)
            for name in sorted(os.listdir(folder)):
                if name.endswith(".py"):
                    st = os.stat(name, dir_fd=folder)
                    parts.append(f"{name} {st.st_mtime_ns} {st.st_size}")
        finally:
            os.close(folder)
    else:  # pragma: no cover (Windows)
        for name in sorted(os.listdir(own)):
            if name.endswith(".py"):
                st = os.stat(os.path.join(own, name))
                parts.append(f"{name} {st.st_mtime_ns} {st.st_size}")
    return "\0".join(parts)


def _path(template_dir, key):
    crc = zlib.crc32(key.encode("utf-8", "surrogatepass"))
    return os.path.join(template_dir, "__pycache__", f"{_PREFIX}{crc:08x}.marshal")


def read(template_dir, key):
    """The index {name: [modules]} kept for `key`, or None."""
    try:
        with open(_path(template_dir, key), "rb") as fh:
            data = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    names = data.get("names")
    if not isinstance(names, dict):
        return None
    lists = names.values()   # the types, checked kind by kind (a generator per entry: 0.4 ms)
    if set(map(type, names)) - {str} or set(map(type, lists)) - {list} or \
            {type(m) for v in lists for m in v} - {str}:
        return None
    return names


def write(template_dir, key, names):
    """Keep the index {name: [modules]} for `key` (replacing the files of other keys);
    nothing where the folder can not be written."""
    if sys.dont_write_bytecode:
        return
    path = _path(template_dir, key)
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as fh:
            fh.write(marshal.dumps({"format": FORMAT, "key": key,
                                    "names": {k: list(v) for k, v in sorted(names.items())}}))
        os.replace(temporary, path)
        for name in os.listdir(folder):
            if name.startswith(_PREFIX) and name != os.path.basename(path) and \
                    name.endswith(".marshal"):
                os.remove(os.path.join(folder, name))
    except OSError:
        return
