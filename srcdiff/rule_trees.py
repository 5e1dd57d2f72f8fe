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

Each entry is a small file (a process reads only those of the rules it builds: one file of
every rule was 1 MB, read in milliseconds) in a folder beside the rule modules' bytecode,
named by a CRC of the fingerprint and holding the whole fingerprint in a key file; written
with `marshal` like the index (not where `sys.dont_write_bytecode` is set; to a temporary
file, then renamed) once a process ends (or at `flush`); the folders of other fingerprints
are removed then. Each file holds a CRC of its contents: a damaged or unreadable file, or an
entry that does not decode to a tree, is ignored (the rule is parsed as before). A tree is
kept only if decoding its encoding gives the same tree back, positions included.
"""
import marshal
import os
import sys
import threading
import zlib

from . import syntax as S
from .rule_source import fingerprint

FORMAT = 1
_PREFIX = "srcdiff-rule-trees."
_KEY_FILE = "key.marshal"

_lock = threading.Lock()
_folder = None     # srcdiff's templates folder, once `start` was called
_key = None        # the fingerprint the entries are kept under
_valid = None      # whether the entries' folder is kept under `_key` (read at first use)
_entries = None    # that folder (named by a CRC of the key: made once, the key is long)
_check = None      # another 32 bits of the key, kept in every entry (two keys of one CRC)
_new = {}          # entry file name -> its bytes, made by this process, not written yet
_exit_hooked = False


def start(folder, key):
    """Keep the trees of rules in `folder` under fingerprint `key` (rules._start)."""
    global _folder, _key, _valid, _entries, _check
    with _lock:
        _folder, _key, _valid = os.path.abspath(folder), key, None
        data = key.encode("utf-8", "surrogatepass")
        crc, _check = zlib.crc32(data), zlib.adler32(data)
        _entries = os.path.join(_folder, "__pycache__", f"{_PREFIX}{crc:08x}")
        _new.clear()


def _entry_key(kind, text, code, extra):
    """The entry of `text` (None where `code` is not one of the kept folder's rules)."""
    if _folder is None or os.path.dirname(os.path.abspath(code.co_filename)) != _folder:
        return None
    return f"{kind}\0{extra}\0{fingerprint(code)!r}\0{text}"


def _name(key):
    """An entry's file name: 64 bits of its key, the same in every process (the file holds
    the whole key, compared when read: two keys of one name only miss)."""
    data = key.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data) | zlib.adler32(data) << 32:016x}.marshal"


def _pack(value):
    payload = marshal.dumps(value)
    return marshal.dumps((FORMAT, zlib.crc32(payload), payload))


def _unpack(data):
    """What `_pack` made of `data` (ValueError where it is damaged)."""
    fmt, crc, payload = marshal.loads(data)
    if fmt != FORMAT or type(payload) is not bytes or zlib.crc32(payload) != crc:
        raise ValueError("damaged")
    return marshal.loads(payload)


def _read(path):
    with open(path, "rb") as fh:
        return _unpack(fh.read())


_DAMAGED = (OSError, ValueError, EOFError, TypeError)


def tree(kind, text, code, extra=""):
    """A fresh copy of the tree kept for `text` checked against `code`, or None."""
    global _valid
    key = _entry_key(kind, text, code, extra)
    if key is None:
        return None
    name = _name(key)
    with _lock:
        if _valid is None:
            try:
                _valid = _read(os.path.join(_entries, _KEY_FILE)) == _key
            except _DAMAGED:
                _valid = False
        blob = _new.get(name)
        valid = _valid
    try:   # one small file per entry: a process reads only the trees of the rules it builds
        if blob is not None:
            check, kept_key, encoded = _unpack(blob)
        elif valid:
            check, kept_key, encoded = _read(os.path.join(_entries, name))
        else:
            return None
        return _decode(encoded) if kept_key == key and check == _check else None
    except _DAMAGED + (_Undecodable, AttributeError, KeyError):
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
        _new[_name(key)] = _pack((_check, key, encoded))
        if not _exit_hooked:
            import atexit
            atexit.register(flush)
            _exit_hooked = True


def _write(path, data):
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as fh:
        fh.write(data)
    os.replace(temporary, path)


def _remove_tree(path):
    if os.path.isdir(path):
        for name in os.listdir(path):
            os.remove(os.path.join(path, name))
        os.rmdir(path)
    else:
        os.remove(path)


def flush():
    """Write the entries this process made, for later processes: one file each, in a folder
    whose key file names the fingerprint (the folders of other fingerprints removed)."""
    global _valid
    with _lock:
        if not _new or _folder is None or sys.dont_write_bytecode:
            return
        folder = _entries
        try:
            os.makedirs(folder, exist_ok=True)
            key_file = os.path.join(folder, _KEY_FILE)
            try:
                kept = _read(key_file) == _key
            except _DAMAGED:
                kept = False
            if not kept:   # another fingerprint's entries (a CRC shared) or a damaged key
                for name in os.listdir(folder):
                    os.remove(os.path.join(folder, name))
                _write(key_file, _pack(_key))
            for name, data in _new.items():
                _write(os.path.join(folder, name), data)
            parent = os.path.dirname(folder)
            for name in os.listdir(parent):
                if name.startswith(_PREFIX) and name != os.path.basename(folder):
                    _remove_tree(os.path.join(parent, name))
        except OSError:
            return
        _new.clear()
        _valid = True


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


_CLASSES = {}   # class name -> (class, its fields, its positions' names, their counts)


def _decode(value):
    """The tree `_encode` gave `value` for (nodes made directly: only nodes and lists of them
    recurse, the leaves are taken as they are)."""
    cls = value.__class__
    if cls is list:
        return [_decode(v) if v.__class__ is tuple else v for v in value]
    if cls is not tuple:
        return value
    name, fields, positions = value
    spec = _CLASSES.get(name)
    if spec is None:
        node_cls = getattr(S, name, None)
        if not (isinstance(node_cls, type) and issubclass(node_cls, S.AST)):
            raise _Undecodable(name)
        spec = _CLASSES[name] = (node_cls, node_cls._fields, node_cls._attributes,
                                 len(node_cls._fields), len(node_cls._attributes))
    node_cls, field_names, position_names, count, position_count = spec
    if len(fields) != count or len(positions) != position_count:
        raise _Undecodable(name)
    node = node_cls.__new__(node_cls)
    values = node.__dict__
    for field, v in zip(field_names, fields):
        kind = v.__class__
        if kind is tuple:
            v = _decode(v)
        elif kind is list:
            v = [_decode(i) if i.__class__ is tuple else i for i in v]
        values[field] = v
    for attr, v in zip(position_names, positions):
        if v is not None:
            values[attr] = v
    return node
