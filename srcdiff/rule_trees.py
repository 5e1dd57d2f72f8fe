"""Parsed rule text kept on disk (a leaf: called by rules when srcdiff's rules are first asked
for, and by rule_template and rule_forms when one of them is built). Takes the text a rule of
templates/ is read from (a def cut from its file, the statement holding a lambda) and the code
object that text must compile to; gives back the gast tree made from that text in an earlier
process, or None (the caller then parses and checks the text, and keeps the tree here).

Parsing a rule's text and compiling it again to check it is the function imported
(rule_source.same_code) was most of the time a first derivative spent building its rules
(a 20-line function's fourteen rules: 4 to 5 ms). A tree depends only on the text it was
parsed from, on the code it was checked against and on the Python and srcdiff that parsed and
converted it. Each entry is therefore keyed by the whole text, by what `same_code` compares
of the code (rule_source.fingerprint) and by what the caller adds (a lambda's line in its
statement and its parameters), and the file of entries by the fingerprint rule_index keeps its
index under (the size and time of every rule module and every module of srcdiff, srcdiff's,
Python's and NumPy's versions): an entry made from other text, other code or another srcdiff
is never found. Only rules in the templates folder of srcdiff are kept (a user's rule is built
at its decorator, where its mistakes are reported).

The file sits beside the rule modules' bytecode, written with `marshal` like the index (not
where `sys.dont_write_bytecode` is set; to a temporary file, then renamed), once a process
ends (or at `flush`), merged with what other processes wrote since. It holds a CRC of its
entries: a damaged or unreadable file, or an entry that does not decode to a tree, is
ignored (the rule is parsed as before). A tree is kept only if decoding its encoding gives
the same tree back, positions included.
"""
import marshal
import os
import sys
import threading
import zlib

from . import syntax as S

FORMAT = 1
_PREFIX = "srcdiff-rule-trees."

_lock = threading.Lock()
_folder = None     # srcdiff's templates folder, once `start` was called
_key = None        # the fingerprint the entries are kept under
_entries = None    # {entry key: encoded tree}, read from the file at the first use
_new = {}          # entries made by this process, not written yet
_exit_hooked = False


def start(folder, key):
    """Keep the trees of rules in `folder` under fingerprint `key` (rules._start)."""
    global _folder, _key, _entries
    with _lock:
        _folder, _key, _entries = os.path.abspath(folder), key, None
        _new.clear()


def _entry_key(kind, text, code, extra):
    """The entry of `text` (None where `code` is not one of the kept folder's rules)."""
    if _folder is None or os.path.dirname(os.path.abspath(code.co_filename)) != _folder:
        return None
    from .rule_source import fingerprint
    return f"{kind}\0{extra}\0{fingerprint(code)!r}\0{text}"


def tree(kind, text, code, extra=""):
    """A fresh copy of the tree kept for `text` checked against `code`, or None."""
    key = _entry_key(kind, text, code, extra)
    if key is None:
        return None
    with _lock:
        if _entries is None:
            _load()
        encoded = _new.get(key) or _entries.get(key)
    if encoded is None:
        return None
    try:
        return _decode(encoded)
    except (_Undecodable, TypeError, ValueError, AttributeError, KeyError):
        return None


def keep(kind, text, code, node, extra=""):
    """Keep `node`, the tree parsed from `text` and checked against `code`, for later
    processes (nothing where it can not be encoded and decoded back the same)."""
    global _exit_hooked
    key = _entry_key(kind, text, code, extra)
    if key is None or sys.dont_write_bytecode:
        return
    try:
        encoded = _encode(node)
        same = S.dump(_decode(encoded), include_attributes=True, show_empty=True) == \
            S.dump(node, include_attributes=True, show_empty=True)
    except (_Undecodable, TypeError, ValueError, AttributeError, KeyError):
        return
    if not same:
        return
    with _lock:
        _new[key] = encoded
        if not _exit_hooked:
            import atexit
            atexit.register(flush)
            _exit_hooked = True


def _path(folder, key):
    crc = zlib.crc32(key.encode("utf-8", "surrogatepass"))
    return os.path.join(folder, "__pycache__", f"{_PREFIX}{crc:08x}.marshal")


def _read(folder, key):
    """The entries of the file kept for `key` ({} where there is none or it is damaged)."""
    try:
        with open(_path(folder, key), "rb") as fh:
            data = marshal.loads(fh.read())
        fmt, kept_key, crc, payload = data
        if fmt != FORMAT or kept_key != key or type(payload) is not bytes or \
                zlib.crc32(payload) != crc:
            return {}
        entries = marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if type(entries) is not dict or set(map(type, entries)) - {str}:
        return {}
    return entries


def _load():
    global _entries
    _entries = _read(_folder, _key)


def flush():
    """Write the entries this process made (merged with the file's) for later processes."""
    with _lock:
        if not _new or _folder is None or sys.dont_write_bytecode:
            return
        entries = _read(_folder, _key)
        entries.update(_new)
        path = _path(_folder, _key)
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            payload = marshal.dumps(entries)
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "wb") as fh:
                fh.write(marshal.dumps((FORMAT, _key, zlib.crc32(payload), payload)))
            os.replace(temporary, path)
            for name in os.listdir(folder):
                if name.startswith(_PREFIX) and name != os.path.basename(path) and \
                        name.endswith(".marshal"):
                    os.remove(os.path.join(folder, name))
        except OSError:
            return
        _new.clear()
        if _entries is not None:
            _entries.update(entries)


class _Undecodable(Exception):
    pass


_LEAVES = (type(None), bool, int, float, complex, str, bytes, type(Ellipsis))


def _encode(node):
    """A tree as lists, tuples and constants: (class name, fields, positions) per node."""
    cls = node.__class__
    if cls is list:
        return [_encode(n) for n in node]
    if isinstance(node, S.AST):
        values = node.__dict__
        return (cls.__name__,
                tuple(_encode(values[f] if f in values else getattr(node, f, None))
                      for f in cls._fields),
                tuple(values.get(a) for a in cls._attributes))
    if cls not in _LEAVES:
        raise _Undecodable(cls.__name__)   # a tuple constant would read as a node
    return node


_CLASSES = {}


def _decode(value):
    cls = value.__class__
    if cls is list:
        return [_decode(v) for v in value]
    if cls is not tuple:
        return value
    name, fields, positions = value
    node_cls = _CLASSES.get(name)
    if node_cls is None:
        node_cls = getattr(S, name, None)
        if not (isinstance(node_cls, type) and issubclass(node_cls, S.AST)):
            raise _Undecodable(name)
        _CLASSES[name] = node_cls
    if len(fields) != len(node_cls._fields) or len(positions) != len(node_cls._attributes):
        raise _Undecodable(name)
    node = node_cls.__new__(node_cls)
    values = node.__dict__
    for field, v in zip(node_cls._fields, fields):
        values[field] = _decode(v)
    for attr, v in zip(node_cls._attributes, positions):
        if v is not None:
            values[attr] = v
    return node
