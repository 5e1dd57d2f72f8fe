"""The core language: the statements lowering produces, as types (leaf: called by lower.py,
which builds it, and by every stage after it; imports only syntax and the standard library).
Takes the lowered statements' facts; gives back `Kind`, `Info`, `LoopInfo`, `Check`, the
frozen `Lowered`, and `validate(lowered)`, which checks the grammar.

Lowering (stage 3) turns a user function into a `Lowered` function whose body is a list of
gast statements of the small core language described in lower.py's docstring; each
statement carries `sd`, an `Info` saying what `Kind` of statement it is and what the later
stages need to know about it. `validate(lowered)` checks the grammar (run when the
SRCDIFF_VALIDATE environment variable is 1, as the test suite sets it).
"""
import enum
import os

from . import syntax as S

GENERATED_PREFIX = "srcdiff-generated/"  # file names of emitted code (see transform.py)


class Kind(str, enum.Enum):
    """The kinds of core statement. A str enum: `Kind.CALL == "call"`."""

    # x = E: one operation on atoms
    CALL = "call"                 # a function applied to atoms; Info.func is the object
    BINOP = "binop"               # a op b; Info.func is the operator function
    UNARY = "unary"               # -a, ~a; Info.func is the operator function
    COPY = "copy"                 # x = atom
    SUBSCRIPT = "subscript"       # x = a[i, j:k]
    ATTRIBUTE = "attribute"       # x = a.attr (a field of an object)
    DISPLAY = "display"           # x = (a, b), [a, b], {k: a}
    OPAQUE = "opaque"             # comparisons, not, f-strings, shapes: never differentiated
    STOP_GRADIENT = "stop_gradient"   # x = no_derivative(a)
    EFFECT_VALUE = "effect_value"     # x = range(...): a value without a derivative
    POP = "pop"                   # x = lst.pop()
    # statements that change a value or run for an effect
    SETITEM = "setitem"           # a[i] = b, into a local array, list or dict
    APPEND = "append"             # lst.append(a)
    EFFECT = "effect"             # a call kept for its effect, a check, a nested def, pass
    # control flow
    IF = "if"
    FOR = "for"
    WHILE = "while"
    BREAK = "break"               # only as `if flag: break`, the last statement of a loop body
    RETURN = "return"             # once, at the end
    ASSERT = "assert"
    RAISE = "raise"

    def __str__(self):
        return self.value

    __format__ = str.__format__


# kinds of `name = E` statements
ASSIGNMENTS = frozenset({Kind.CALL, Kind.BINOP, Kind.UNARY, Kind.COPY, Kind.SUBSCRIPT,
                         Kind.ATTRIBUTE, Kind.DISPLAY, Kind.OPAQUE, Kind.STOP_GRADIENT,
                         Kind.EFFECT_VALUE, Kind.POP})


class _Frozen:
    """A value object: equal by its fields, hashable, and read-only once made (what
    `dataclasses.dataclass(frozen=True)` gives, written out: making three dataclasses was a
    millisecond of every process's first derivative)."""

    __slots__ = ()
    _FIELDS = ()

    def _values(self):
        return tuple(getattr(self, f) for f in self._FIELDS)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash(self._values())

    def __repr__(self):
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._FIELDS)
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}: a {type(self).__name__} is "
                             "frozen")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field {name!r}: a {type(self).__name__} is "
                             "frozen")


class UserCall(_Frozen):
    """A call of the user's own code whose operands the derivative passes on.

    form: 'local' (a nested function: `args` ends with its free variables) or 'method'
    (a method of an object whose class srcdiff follows: `args` starts with the object).
    args: the atoms passed, in the callee's parameter order.
    """

    _FIELDS = ("form", "args")

    def __init__(self, form, args):
        object.__setattr__(self, "form", form)
        object.__setattr__(self, "args", args)


class Check(_Frozen):
    """A check statement (checks.py): `guards` is the name of the value whose derivative
    needs it, 'reverse' or 'forward' for one mode's pass, or None (always kept); `error` is
    the refusal to raise before any code is emitted, where the source already shows it."""

    _FIELDS = ("guards", "error")

    def __init__(self, guards=None, error=None):
        object.__setattr__(self, "guards", guards)
        object.__setattr__(self, "error", error)


class Info:
    """What one core statement does.

    kind: its `Kind` (a plain string naming one is converted).
    func: the Python object a call or operator means (None where none).
    line: the user's line it comes from.
    loop: the `LoopInfo` of a for or while statement.
    inplace: for `a = new` standing for `a op= b`: the in-place method (`__iadd__`), the
      statement then changes an array in place (aliasing.py checks it as a write into a).
    augmented: the `a + b` of `a += b` (a list += any iterable: sequences.py).
    user_call: a `UserCall`, for a call of the user's nested function or method.
    dynamic_method: a method call `obj.m(...)` on an object whose class srcdiff does not
      follow, kept as written.
    loop_item: the item a for loop reads at each trip (a row of an array is shared).
    loop_keys: the keys a loop over `d.items()`/`d.values()`/`d.keys()` goes through.
    check: a `Check`, for a check statement (checks.py).

    Compared by identity (one statement's facts); written out rather than made by
    `dataclasses` (see `_Frozen`).
    """

    __slots__ = ("kind", "func", "line", "loop", "inplace", "augmented", "user_call",
                 "dynamic_method", "loop_item", "loop_keys", "check")
    DEFAULTS = {"func": None, "line": None, "loop": None, "inplace": None, "augmented": False,
                "user_call": None, "dynamic_method": False, "loop_item": False,
                "loop_keys": False, "check": None}

    def __init__(self, kind, func=None, line=None, loop=None, inplace=None, augmented=False,
                 user_call=None, dynamic_method=False, loop_item=False, loop_keys=False,
                 check=None):
        set_ = object.__setattr__
        set_(self, "kind", kind if kind.__class__ is Kind else Kind(kind))
        set_(self, "func", func)
        set_(self, "line", line)
        set_(self, "loop", loop)
        set_(self, "inplace", inplace)
        set_(self, "augmented", augmented)
        set_(self, "user_call", user_call)
        set_(self, "dynamic_method", dynamic_method)
        set_(self, "loop_item", loop_item)
        set_(self, "loop_keys", loop_keys)
        set_(self, "check", check)

    def __setattr__(self, name, value):
        if name == "kind" and value.__class__ is not Kind:
            value = Kind(value)   # (a member given is kept: Enum's call is slow)
        object.__setattr__(self, name, value)

    def __repr__(self):
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__)
        return f"Info({fields})"

    def __copy__(self):
        """copy.copy of these facts, field by field (copy's own way with __slots__, through
        __reduce_ex__ and copyreg, is slow; sequences.rewrite copies every assignment's)."""
        new = object.__new__(Info)
        set_ = object.__setattr__
        for field in Info.__slots__:
            set_(new, field, getattr(self, field))
        return new

    def replace(self, **changes):
        """A copy with `changes` applied."""
        values = {f: getattr(self, f) for f in self.__slots__}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"Info has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return Info(**values)

    _FACTS = ("inplace", "augmented", "user_call", "dynamic_method", "loop_item", "loop_keys",
              "check")

    @property
    def marked(self):
        """Whether lowering noted any fact beyond kind, func, line and loop."""
        return any(getattr(self, f) for f in self._FACTS)

    def clear_facts(self):
        """Forget every fact beyond kind, func, line and loop (the statement was rewritten)."""
        for f in self._FACTS:
            setattr(self, f, self.DEFAULTS[f])

    @property
    def call_args(self):
        """The operands of a call of the user's own code, or None."""
        return list(self.user_call.args) if self.user_call is not None else None


class LoopInfo:
    """Facts the reverse pass needs about one loop."""

    def __init__(self, kind, name):
        self.kind = kind if kind.__class__ is Kind else Kind(kind)   # Kind.FOR or Kind.WHILE
        self.name = name          # a short readable stem used for its temporaries
        self.brk = None           # flag name set by break/return, or None
        self.cont = None          # flag name set by continue, or None
        self.ends_with_break = False


class Lowered:
    """The lowered function: parameters, core body, names, and bindings.

    After `freeze()` (lowering calls it last) its parameters, body, defaults and facts can
    no longer be replaced; `namer` and `bindings` stay open (later stages take fresh names
    and bind the helpers their code calls).
    """

    _OPEN = frozenset({"namer", "bindings", "_frozen"})

    def __init__(self, name, params, defaults, body, namer, bindings, source):
        self._frozen = False
        self.name = name
        self.params = params
        self.defaults = defaults
        self.body = body
        self.namer = namer
        self.bindings = bindings   # identifier -> object the emitted code needs
        self.source = source
        self.known_types = {}      # parameter -> the class of what is passed for it
        self.kinds = {}            # local -> sequences.SEQ/OTHER/UNKNOWN

    def freeze(self):
        self._frozen = True
        return self

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False) and name not in self._OPEN:
            raise AttributeError(f"a lowered function is frozen: {name} cannot be replaced")
        object.__setattr__(self, name, value)


def assigned_names(nodes):
    """Names bound anywhere in a list of user statements (Python's local rule)."""
    out = set()
    for stmt in nodes:
        for node in S.nodes(stmt):
            if isinstance(node, S.Name) and isinstance(node.ctx, (S.Store, S.Param)):
                out.add(node.id)
            elif isinstance(node, (S.FunctionDef,)):
                out.add(node.name)
    return out


# -- the grammar ---------------------------------------------------------------
VALIDATE = os.environ.get("SRCDIFF_VALIDATE") == "1"


class GrammarError(AssertionError):
    """Lowered code that breaks the core language's grammar: a bug in srcdiff."""


def validate(lowered):
    """Check that `lowered.body` obeys the core language (lower.py's docstring); raise
    `GrammarError` naming the first statement that does not. Returns `lowered`.

    Checked: every statement has an Info with a Kind matching its shape; operands are
    atoms; an assignment's target is not among its operands; if and while test a name; a
    for loop runs a name over a range held in a name; `if flag: break` is only the last
    statement of a loop body (and there exactly when its LoopInfo says so), no other break;
    one return, of a name, at the very end. Allowed, as lowering produces them on purpose:
    atoms include dotted references to module-level values (`numpy.pi`); a copy may bind a
    lambda (a nested function's value); `x = own_copy(x)` rebinds a parameter written
    into; checks (effects) pass index values and tuples built of atoms; opaque values
    (comparisons, not, f-strings, shapes) may be any expression, never differentiated."""
    body = list(lowered.body)
    if not body or not isinstance(body[-1], S.Return):
        _fail(body[-1] if body else None, "the body does not end with a return")
    _check_block(body, loop=None, top=True)
    return lowered


def _fail(stmt, why):
    text = S.spell(stmt).strip() if stmt is not None else "(empty body)"
    line = getattr(getattr(stmt, "sd", None), "line", None)
    raise GrammarError(f"lowered code breaks the core grammar: {why}: {text!r}"
                       + (f" (from the user's line {line})" if line is not None else ""))


def is_operand(node):
    """A name, a constant, or a dotted reference to a module-level value (numpy.pi)."""
    while isinstance(node, S.Attribute):
        node = node.value
    return isinstance(node, (S.Name, S.Constant))


def _index_ok(node):
    if isinstance(node, S.Slice):
        return all(p is None or is_operand(p) for p in (node.lower, node.upper, node.step))
    if isinstance(node, S.Tuple):
        return all(_index_ok(e) for e in node.elts)
    return is_operand(node)


def _call_ok(call):
    return (isinstance(call, S.Call) and is_operand(call.func)
            and all(is_operand(a.value if isinstance(a, S.Starred) else a) for a in call.args)
            and all(is_operand(k.value) for k in call.keywords))


def _built_of_atoms(node):
    """An atom, or tuples, lists and helper calls of atoms: the index values and name
    tuples a check statement passes (`check_no_view(r, m, (slice_of(None, None), 0))`)."""
    if isinstance(node, (S.Tuple, S.List)):
        return all(_built_of_atoms(e) for e in node.elts)
    if isinstance(node, S.Starred):
        return is_operand(node.value)
    if isinstance(node, S.Call):
        return is_operand(node.func) and all(_built_of_atoms(a) for a in node.args) and \
            all(_built_of_atoms(k.value) for k in node.keywords)
    return is_operand(node)


def _value_ok(kind, value):
    """Whether `value` has the shape a statement of `kind` assigns."""
    if kind is Kind.COPY:
        return is_operand(value) or isinstance(value, S.Lambda)
    if kind is Kind.BINOP:
        return isinstance(value, S.BinOp) and is_operand(value.left) and is_operand(value.right)
    if kind is Kind.UNARY:
        return isinstance(value, S.UnaryOp) and is_operand(value.operand)
    if kind in (Kind.CALL, Kind.STOP_GRADIENT, Kind.EFFECT_VALUE, Kind.POP):
        return _call_ok(value)
    if kind is Kind.SUBSCRIPT:
        return isinstance(value, S.Subscript) and is_operand(value.value) and \
            _index_ok(value.slice)
    if kind is Kind.ATTRIBUTE:
        return isinstance(value, S.Attribute) and is_operand(value.value)
    if kind is Kind.DISPLAY:
        if isinstance(value, S.Dict):
            return all(is_operand(k) for k in value.keys) and all(is_operand(v) for v in value.values)
        return isinstance(value, (S.Tuple, S.List)) and all(is_operand(e) for e in value.elts)
    return True   # opaque: any expression, never differentiated


def _operands(value):
    return {n.id for n in S.walk(value) if isinstance(n, S.Name) and isinstance(n.ctx, S.Load)}


def _check_block(body, loop, top=False):
    for i, stmt in enumerate(body):
        info = getattr(stmt, "sd", None)
        if not isinstance(info, Info) or not isinstance(info.kind, Kind):
            _fail(stmt, "the statement has no Info with a Kind")
        kind = info.kind
        last = i == len(body) - 1
        if kind in ASSIGNMENTS:
            if not (isinstance(stmt, S.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], S.Name)):
                _fail(stmt, f"a {kind} statement assigns one name")
            if not _value_ok(kind, stmt.value):
                _fail(stmt, f"the value of a {kind} statement is not one operation on atoms")
            if kind is not Kind.OPAQUE and stmt.targets[0].id in _operands(stmt.value) \
                    and not _own_copy(stmt):
                _fail(stmt, "the target is among the operands")
        elif kind is Kind.SETITEM:
            target = stmt.targets[0] if isinstance(stmt, S.Assign) else None
            if not (isinstance(target, S.Subscript) and isinstance(target.value, S.Name)
                    and _index_ok(target.slice) and is_operand(stmt.value)):
                _fail(stmt, "an item write is name[atoms] = atom")
        elif kind is Kind.APPEND:
            call = getattr(stmt, "value", None)
            if not (isinstance(stmt, S.Expr) and isinstance(call, S.Call)
                    and isinstance(call.func, S.Attribute) and call.func.attr == "append"
                    and isinstance(call.func.value, S.Name) and len(call.args) == 1
                    and is_operand(call.args[0])):
                _fail(stmt, "an append is name.append(atom)")
        elif kind is Kind.EFFECT:
            if isinstance(stmt, S.Expr):
                # a call kept for its effect, or a check: its arguments may be index values
                if not (isinstance(stmt.value, S.Call) and _built_of_atoms(stmt.value)):
                    _fail(stmt, "an effect is a call on atoms")
            elif not isinstance(stmt, (S.FunctionDef, S.Pass)):
                _fail(stmt, "an effect is a call, a nested def or pass")
        elif kind is Kind.IF:
            if not (isinstance(stmt, S.If) and isinstance(stmt.test, S.Name)):
                _fail(stmt, "an if tests a condition name")
            if _is_loop_exit(stmt):
                if not (loop is not None and last):
                    _fail(stmt, "`if flag: break` is only the last statement of a loop body")
            else:
                _check_block(stmt.body, loop)
                _check_block(stmt.orelse, loop)
        elif kind is Kind.FOR:
            if not (isinstance(stmt, S.For) and isinstance(stmt.target, S.Name)
                    and isinstance(stmt.iter, S.Name) and not stmt.orelse):
                _fail(stmt, "a for loop runs a name over a range held in a name")
            _check_loop(stmt)
        elif kind is Kind.WHILE:
            if not (isinstance(stmt, S.While) and isinstance(stmt.test, S.Name)
                    and not stmt.orelse):
                _fail(stmt, "a while loop tests a condition name")
            _check_loop(stmt)
        elif kind is Kind.RETURN:
            if not (top and last and isinstance(stmt, S.Return)
                    and isinstance(stmt.value, S.Name)):
                _fail(stmt, "the one return returns a name at the very end")
        elif kind is Kind.ASSERT:
            if not (isinstance(stmt, S.Assert) and is_operand(stmt.test)
                    and (stmt.msg is None or is_operand(stmt.msg))):
                _fail(stmt, "an assert tests an atom")
        elif kind is Kind.RAISE:
            if not (isinstance(stmt, S.Raise) and (stmt.exc is None or is_operand(stmt.exc))):
                _fail(stmt, "a raise raises an atom")
        elif kind is Kind.BREAK:
            _fail(stmt, "a break outside `if flag: break`")


def _own_copy(stmt):
    """`x = own_copy(x)`, `x = sequence_of(list, x)`-like rebindings of a parameter: the
    value is copied before the name is rebound (lower_copies.py)."""
    value = stmt.value
    return isinstance(value, S.Call) and len(value.args) >= 1 and \
        getattr(stmt.sd.func, "__name__", None) == "own_copy"


def _is_loop_exit(stmt):
    return (len(stmt.body) == 1 and not stmt.orelse
            and getattr(getattr(stmt.body[0], "sd", None), "kind", None) is Kind.BREAK)


def _check_loop(stmt):
    if stmt.sd.loop is None or stmt.sd.loop.kind is not stmt.sd.kind:
        _fail(stmt, "a loop carries the LoopInfo of its own kind")
    _check_block(stmt.body, stmt.sd.loop)
    exits = [s for s in stmt.body if isinstance(s, S.If) and _is_loop_exit(s)]
    if stmt.sd.loop.ends_with_break != bool(exits):
        _fail(stmt, "a loop ends with `if flag: break` exactly when its LoopInfo says so")
