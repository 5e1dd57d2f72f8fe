"""The items of the lists of objects a function makes, and the facts behind them (stage 3,
lower: called by objects.py, values.py and records.py). Takes the lowering's state and a local list (or
a name); gives back the expressions of the list's items (a display's, a comprehension's,
then each appended one), or None where other code could grow it; the names bound once, the
loops binding a name, the displays a name bound several times holds (display_rebindings),
the classes of the objects a name bound only to new objects may hold (made_classes) and a
field every one of them stores (shared_field: `layer.w`, of A or B), the items a loop may bind (loop_items: a display's, or every copy's where a loop written out
binds the list once per copy),
whether a list is read only by items (only_indexed), the values known to the lowered
function's callees, the sequence a loop's item comes from (through enumerate and zip too)
and the object of the user's class a module-level dict, list or tuple holds at a constant
key (`_module_item`: `FNS["scale"](x)`).

A list bound once to a display (`layers = []`) and grown only by its own `.append(item)`
calls, every other read of it indexing or iterating it, holds exactly the objects those
expressions make: objects.py reads their classes from them, as from a display's items
(one class: checked where the code runs; several: dispatched per item). A list given to
another function, bound to another name, extended or written by index is not read here.
A loop written out once per function (function_loops.py) binds its body's displays once
per copy: a name bound only to displays holds one of them wherever it is read.
"""
import builtins
import os
import sys
import sysconfig

from . import syntax as S
from .core import GENERATED_PREFIX


def is_user_class(obj):
    """A class of the user's, whose methods srcdiff follows (objects.py gives it to its
    callers): not numpy's, scipy's or srcdiff's, nor one of Python's own modules'
    (builtins, itertools.product, collections.deque, types.SimpleNamespace: their methods
    are no source to read; a namespace's fields are read as any object's attributes)."""
    if not isinstance(obj, type):
        return False
    package = (obj.__module__ or "").split(".")[0]
    return package not in ("numpy", "scipy", "srcdiff") and not pythons_own(package)


def pythons_own(package):
    """Whether the top-level module named `package` is one of Python's own (its standard
    library: built in, or read from Python's library folder), not a module of the user's
    that happens to share its name (a script named code.py or profile.py)."""
    if package not in sys.stdlib_module_names:
        return False
    path = getattr(sys.modules.get(package), "__file__", None)
    return not path or os.path.realpath(path).startswith(_PYTHON_LIBRARY)


_PYTHON_LIBRARY = os.path.realpath(sysconfig.get_paths()["stdlib"]) + os.sep


def appended_items(lw, name, bindings):
    """The item expressions of the local list `name` bound once to a display (`layers =
    []`) and grown only by `name.append(item)` (in loops or not), every other read of it
    indexing or iterating it (so no other code can grow it): the display's items, then
    each appended expression; None otherwise. `bindings`: the function's names bound once,
    name -> value node (_single_bindings)."""
    value = bindings.get(name)
    if not isinstance(value, S.List) or any(isinstance(e, S.Starred) for e in value.elts):
        return None
    items = list(value.elts)
    for parent, node in _reads(lw.fdef, name):
        if isinstance(parent, S.Attribute):
            call = _call_of(lw.fdef, parent)
            if parent.attr != "append" or call is None or len(call.args) != 1 or \
                    call.keywords or isinstance(call.args[0], S.Starred):
                return None
            items.append(call.args[0])
        elif isinstance(parent, S.Subscript) and isinstance(parent.ctx, S.Load):
            continue
        elif isinstance(parent, (S.For, S.comprehension)) and parent.iter is node:
            continue
        elif isinstance(parent, S.Call) and isinstance(parent.func, S.Name) and \
                parent.func.id in ("len", "enumerate", "reversed") and \
                lw._callee_object(parent.func) in (len, enumerate, reversed):
            continue
        else:
            return None
    return items or None


def _reads(tree, name):
    """(parent, node) for each read of the name `name` under tree."""
    for n in S.walk(tree):
        for child in S.iter_child_nodes(n):
            if isinstance(child, S.Name) and child.id == name and isinstance(
                    child.ctx, S.Load):
                yield n, child


def _call_of(tree, func):
    """The call whose callee is the node `func`, or None."""
    for n in S.walk(tree):
        if isinstance(n, S.Call) and n.func is func:
            return n
    return None


# -- the lowering's facts about local names (read by objects.py and its callers) --------
def _state(lw):
    st = getattr(lw, "_values_state", None)
    if st is None:
        st = lw._values_state = {"known": {}, "partials": {}, "bindings": None}
    return st


def known_values(lw):
    """Names the lowered function passes to its callees, and what each is known to hold."""
    return _state(lw)["known"]


def _single_bindings(lw):
    """Local names bound exactly once, by `name = value`: name -> value node."""
    st = _state(lw)
    if st["bindings"] is None:
        counts, values = {}, {}
        for n in S.walk(lw.fdef):
            if isinstance(n, S.Name) and isinstance(n.ctx, (S.Store, S.Del)):
                counts[n.id] = counts.get(n.id, 0) + 1
            if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                    n.targets[0], S.Name):
                values[n.targets[0].id] = n.value
            if isinstance(n, (S.AugAssign, S.AnnAssign)) and isinstance(n.target, S.Name):
                counts[n.target.id] = counts.get(n.target.id, 0) + 1
        st["bindings"] = {k: v for k, v in values.items() if counts.get(k) == 1 and (
            k not in lw.params or _rebound_before_read(lw.fdef, k))}
    return st["bindings"]


def _rebound_before_read(fdef, name):
    """Whether the parameter `name` is bound by a statement of the body itself (not inside a
    block) before anything reads it: the value passed is never read (`act = np.tanh` left of
    `if act is None:` answered where the call passed None: class_tests.early_facts)."""
    for stmt in fdef.body:
        stores = [n for n in S.walk(stmt) if isinstance(n, S.Name) and n.id == name]
        if any(isinstance(n.ctx, S.Load) for n in stores):
            return False
        if stores:
            return isinstance(stmt, S.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], S.Name) and stmt.targets[0].id == name
    return False


def _local_items(lw, it):
    """The item expressions of the list `it` where it is a local bound once to a display
    (`[ConvLayer(f), DenseLayer(w)]`) or a list comprehension (`[Layer(p) for p in ps]`:
    its one item expression) and never grown, or a display iterated itself (`for layer in
    (Shift(b), Dense(w))`); None otherwise."""
    if isinstance(it, S.Call) and isinstance(it.func, S.Name) and len(it.args) == 1 and \
            not it.keywords and lw._callee_object(it.func) in (reversed, list, tuple):
        return _local_items(lw, it.args[0])   # for layer in reversed(layers)
    if isinstance(it, (S.List, S.Tuple)):
        value = it
    elif not (isinstance(it, S.Name) and it.id in lw.locals and it.id not in lw.params):
        return None
    elif _grown(lw, it.id):
        return appended_items(lw, it.id, _single_bindings(lw))
    else:
        value = _single_bindings(lw).get(it.id)
    if isinstance(value, (S.List, S.Tuple)) and value.elts and not any(
            isinstance(e, S.Starred) for e in value.elts):
        return list(value.elts)
    if isinstance(value, S.ListComp):
        return [value.elt]
    return None


def loop_items(lw, it):
    """The item expressions a loop `for item in it` may bind: _local_items', or where the
    list is bound to a display once per copy of a loop written out (display_rebindings),
    the items of every copy's display (the loop of each copy reads one of them)."""
    items = _local_items(lw, it)
    if items or not isinstance(it, (S.Name, S.Call)):
        return items
    if isinstance(it, S.Call):   # for layer in reversed(layers)
        inner = it.args[0] if isinstance(it.func, S.Name) and len(it.args) == 1 and \
            not it.keywords and lw._callee_object(it.func) in (reversed, list, tuple) else None
        return loop_items(lw, inner) if isinstance(inner, S.Name) else None
    displays = display_rebindings(lw, it.id)
    return [e for v in displays for e in v.elts] if displays else None


def _displayed(lw, it):
    """Whether the list `it` (see _local_items) is a display, item for item."""
    if isinstance(it, S.Name) and _grown(lw, it.id):
        return False
    value = it if isinstance(it, (S.List, S.Tuple)) else _single_bindings(lw).get(it.id) \
        if isinstance(it, S.Name) else None
    return isinstance(value, (S.List, S.Tuple))


def _grown(lw, name):
    """Whether the function may change which items the list `name` holds."""
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Call) and isinstance(n.func, S.Attribute) and isinstance(
                n.func.value, S.Name) and n.func.value.id == name:
            return True
        if isinstance(n, S.Subscript) and isinstance(n.ctx, S.Store) and isinstance(
                n.value, S.Name) and n.value.id == name:
            return True
    return False


def note_loop(lw, node):
    """A loop a comprehension became: its item names are fresh (lower.comprehension renames
    them), so the user's tree does not show what they iterate over; noted here."""
    target = node.target
    names = [target] if isinstance(target, S.Name) else list(target.elts) if isinstance(
        target, S.Tuple) else []
    loops = _state(lw).setdefault("loops", {})
    for n in names:
        if isinstance(n, S.Name) and n.id not in lw.user_names:
            seq = _sequence_of(lw, node.iter, target, n)
            if seq is not None:
                loops[n.id] = (seq, n)


def _sequence_of(lw, it, target, name):
    """The sequence whose items the loop target's `name` takes in `for target in it`: `it`
    for `for name in it`, xs for `for i, name in enumerate(xs)` and for the i-th name of
    `for a, name in zip(ys, xs)`; None otherwise."""
    if target is name:
        return it
    if _dict_method(it, "items") and isinstance(target, S.Tuple) and \
            len(target.elts) == 2 and target.elts[1] is name:
        # for k, name in d.items(): name takes d.values()' items
        return S.Call(func=S.Attribute(value=it.func.value, attr="values", ctx=S.Load()),
                      args=[], keywords=[])
    if not (isinstance(target, S.Tuple) and isinstance(it, S.Call) and
            isinstance(it.func, S.Name) and not it.keywords and
            not any(isinstance(a, S.Starred) for a in it.args)):
        return None
    if it.func.id in lw.locals or lw.resolver.lookup(it.func.id, None) is not getattr(
            builtins, it.func.id, None):
        return None   # a function of the user's named enumerate or zip
    position = next((i for i, e in enumerate(target.elts) if e is name), None)
    if it.func.id == "enumerate" and len(it.args) == 1 and len(target.elts) == 2 and \
            position == 1:
        return it.args[0]
    if it.func.id == "zip" and len(it.args) == len(target.elts) and position is not None:
        return it.args[position]
    return None


def _dict_method(it, method):
    """Whether `it` is `d.method()` with d a name (d.values(), d.items())."""
    return isinstance(it, S.Call) and isinstance(it.func, S.Attribute) and \
        it.func.attr == method and isinstance(it.func.value, S.Name) and \
        not it.args and not it.keywords


def rebound_names(lw):
    """Names the function's body binds (core.assigned_names) less the parameters of the
    defs and lambdas nested in it, which bind names of their own (a recursive nested def's
    lifted copy holds a copy of its def, whose parameters are not the copy's)."""
    st = _state(lw)
    if st.get("rebound") is None:
        from .core import assigned_names
        params = {n.id for n in S.walk(lw.fdef) if isinstance(n, S.Name) and isinstance(
            n.ctx, S.Param)}
        stored = {n.id for n in S.walk(lw.fdef) if isinstance(n, S.Name) and not isinstance(
            n.ctx, (S.Load, S.Param))}
        st["rebound"] = assigned_names(lw.fdef.body) - (params - stored)
    return st["rebound"]


def _fact_key(lw, node):
    """'p', 'p.attr' for a parameter never rebound (or an attribute of one), else None."""
    node, parts = S.attribute_chain(node)
    if not isinstance(node, S.Name) or node.id not in lw.params or node.id in rebound_names(lw):
        return None
    return ".".join([node.id] + parts)


def unpacked_from(lw, name):
    """The name `src` where the local `name` is bound once, by unpacking it (`a, b = src`,
    no starred target), else None."""
    stores = [n for n in S.walk(lw.fdef) if isinstance(n, S.Name) and n.id == name and
              isinstance(n.ctx, (S.Store, S.Del))]
    if len(stores) != 1:
        return None
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], (S.Tuple, S.List)) and isinstance(n.value, S.Name) and any(
                e is stores[0] for e in n.targets[0].elts):
            return n.value
    return None


def _only_loop_binding(lw, name):
    """(the iterated expression, the target) where the only binding of `name` is as the
    target of `for name in seq` (or `for i, name in enumerate(seq)`, `for name, v in
    zip(seq, vs)`), else None. Several such loops (`for layer in layers[1:]: ...` then
    `for layer in layers[::-1]: ...`) count as one where each iterates over the same name
    (sliced or not): the first is given back."""
    found = []
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, (S.Store, S.Del)):
            found.append(n)
    if not found:
        return _state(lw).get("loops", {}).get(name)   # a comprehension's item
    loops = []
    for target in found:
        loops += [(seq, n.target) for n in S.walk(lw.fdef) if isinstance(
            n, (S.For, S.comprehension)) for seq in [_sequence_of(lw, n.iter, n.target,
                                                                  target)] if seq is not None]
    if len(loops) != len(found) or len({S.spell(_unsliced(seq)) for seq, _ in loops}) != 1:
        return None
    return loops[0]


def _unsliced(seq):
    """`layers` for `layers[1:]` (a slice's items are the list's); `seq` otherwise."""
    return seq.value if isinstance(seq, S.Subscript) and isinstance(seq.slice, S.Slice) else seq


def rebindings(lw, name):
    """The values a local `name` (no parameter) is bound to where every binding of it is a
    plain `name = value` (field_writes.py's rebinding of a record, as the code it emits
    reads when it is differentiated again) or, in srcdiff's own code, the restore `name =
    tape.pop()` of a value it held before (_restores); None otherwise."""
    if name in lw.params:
        return None
    values, stores = [], 0
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name and isinstance(n.ctx, (S.Store, S.Del)):
            stores += 1
        if isinstance(n, S.Assign) and len(n.targets) == 1 and isinstance(
                n.targets[0], S.Name) and n.targets[0].id == name:
            if _restores(lw, n.value):
                stores -= 1
            else:
                values.append(n.value)
    return values if values and stores == len(values) else None


def made_classes(lw, name):
    """The classes of the objects the local `name` holds where every binding of it makes
    one (`layer = A(w) if flag else B(w)`, or `layer = A(w)` and `layer = B(w)` in the
    branches of an if), of two classes or more, each a class of the user's with a module
    path, in the order they appear; None otherwise. objects.item_classes gives them: a call
    of its method is a dispatch on the object's exact class where the code runs."""
    from .callables import canonical_path
    made = []

    def makes(value):
        if isinstance(value, S.IfExp):
            return makes(value.body) and makes(value.orelse)
        cls = None
        if isinstance(value, S.Call) and isinstance(value.func, (S.Name, S.Attribute)) and \
                lw._global_path(value.func) is not None:
            try:
                cls = lw._callee_object(value.func)
            except Exception:
                return False
        made.append(cls)
        return is_user_class(cls) and canonical_path(cls) is not None
    values = rebindings(lw, name)
    if not values or not all([makes(v) for v in values]):
        return None
    classes = tuple(dict.fromkeys(made))
    return classes if len(classes) > 1 else None


def shared_field(lw, node, record_fields):
    """`layer.w` where the local layer holds objects made here of several classes
    (made_classes: `layer = A(w) if flag else B(w)`), each a record class storing w as a
    field (`record_fields`: records.record_fields, given by records.record_read), none with
    a class attribute of that name (a property, a constant): the first of those classes,
    read as record_read reads a field (runtime_values.record_field, the same for either
    object); None otherwise."""
    import inspect
    if not isinstance(node, S.Attribute) or not isinstance(node.value, S.Name):
        return None
    classes = made_classes(lw, node.value.id) if node.value.id in lw.locals else None
    if not classes or not all(node.attr in (record_fields(c) or ()) and inspect.getattr_static(
            c, node.attr, None) is None for c in classes):
        return None
    return classes[0]

def _generated(lw):
    """Whether the function being lowered is a derivative srcdiff emitted."""
    return lw.src.filename.startswith(GENERATED_PREFIX)


def _restores(lw, value):
    """Whether `value` is `tape.pop()` in a derivative srcdiff emitted (being differentiated
    again): the reverse sweep's restore of the value its target held when it was saved
    (`tape.append(name)` just before a rebinding), so one of the target's other values."""
    func = value.func if isinstance(value, S.Call) else None
    return _generated(lw) and isinstance(
        func, S.Attribute) and func.attr == "pop" and isinstance(
        func.value, S.Name) and func.value.id == "tape" and not value.args and \
        not value.keywords


def display_rebindings(lw, name):
    """The displays a local list or tuple `name` is bound to where it is bound more than
    once, each time by a plain `name = [...]` (a loop written out once per function binds
    its body's displays once per copy), and never grown: the values any read of it sees are
    among them; None otherwise."""
    if name not in lw.locals or name in _single_bindings(lw) or _grown(lw, name):
        return None
    values = [v for v in rebindings(lw, name) or () if not (
        isinstance(v, S.Constant) and v.value is None)]   # None: no item to call
    if not values or not all(isinstance(v, (S.List, S.Tuple)) and not any(
            isinstance(e, S.Starred) for e in v.elts) for v in values):
        return None
    return values


def only_indexed(lw, name):
    """Whether the function reads the list `name` only by items (`fs[0]`) and `len(name)`,
    so that nothing it does can change which function an item holds (a tuple: always; in
    srcdiff's own code, a list it never grows: there the user's code read it only by items,
    and what srcdiff adds passes it only to its own helpers and the user's, which write into
    no argument)."""
    if lw.known_types.get(name) is tuple:
        return True
    value = _single_bindings(lw).get(name)
    if isinstance(value, S.Tuple) or value is None and all(
            isinstance(v, S.Tuple) for v in display_rebindings(lw, name) or [None]):
        return True
    parents = {}
    for n in S.walk(lw.fdef):
        for child in S.iter_child_nodes(n):
            parents[id(child)] = n
    for n in S.walk(lw.fdef):
        if isinstance(n, S.Name) and n.id == name:
            up = parents.get(id(n))
            if isinstance(n.ctx, S.Load) and not (isinstance(up, S.Subscript) and up.value is n
                                                  and isinstance(up.ctx, S.Load)) and not (
                    _generated(lw) and not _grown(lw, name)) and not _length_of(lw, up, n):
                return False
            if isinstance(n.ctx, S.Store) and not isinstance(up, S.Assign):
                return False
    return True


def _length_of(lw, call, node):
    """Whether `call` is `len(node)` of the builtin len (which changes no item)."""
    return isinstance(call, S.Call) and isinstance(call.func, S.Name) and \
        call.func.id == "len" and call.args == [node] and not call.keywords and \
        lw._callee_object(call.func) is len


def constant_index(node):
    """The int a subscript's index is written as (`0`, `-1`), or None."""
    if isinstance(node, S.UnaryOp) and isinstance(node.op, S.USub):
        inner = constant_index(node.operand)
        return None if inner is None else -inner
    if isinstance(node, S.Constant) and type(node.value) is int:
        return node.value
    return None


def _user_object(value):
    from .markers import is_user_object
    return is_user_object(value)


def _held_object(value):
    """A user object, or a named tuple of the user's (a list of layers as named tuples)."""
    return _user_object(value) or (isinstance(value, tuple) and hasattr(
        type(value), "_fields") and hasattr(type(value), "_make"))


def _items_class(seq):
    """The one class of a non-empty list's or tuple's items when they are all user objects
    (or named tuples) of it, else None."""
    if not seq or not _held_object(seq[0]):
        return None
    cls = type(seq[0])
    return cls if all(type(v) is cls for v in seq) else None


def _items_classes(seq):
    """The class of a list's items (_items_class), or where they are user objects of
    several classes, those classes in the order they first appear (a tuple: item_classes
    dispatches on it); None otherwise."""
    cls = _items_class(seq)
    if cls is not None or not seq or not all(_held_object(v) for v in seq):
        return cls
    return tuple(dict.fromkeys(type(v) for v in seq))


def _module_item(lw, node, key=None):
    """The object of the user's class that `node`, `D[k]` of a module-level dict, list or
    tuple D at a constant key (or at `key`, the one a parameter is known to hold, checked
    where it runs), holds when the code is compiled; None otherwise."""
    if key is None:
        key = node.slice.value if isinstance(node.slice, S.Constant) else constant_index(
            node.slice)
    if not isinstance(node.value, S.Name) or node.value.id in lw.locals or key is None:
        return None
    table = lw.resolver.lookup(node.value.id, None)
    if type(table) not in (dict, list, tuple):
        return None
    try:
        item = table[key]
    except (KeyError, IndexError, TypeError):
        return None
    return item if _user_object(item) else None
