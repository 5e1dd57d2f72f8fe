"""The names whose arrays a name may hold, be part of, or be (stage 3, lower: called by
aliasing.py). Takes the lowered core statements (`Roots`); gives back, for one name, what it
was copied, indexed or viewed from and the items of a list or tuple built here it is (`roots`),
those and the arguments' roots of functions of the user's it came from (`may_share`), the
arguments of those calls as the user named them (`given_to_calls`: a method's object too,
`layers[1].copied()`, a class dispatch's), and the names it may be the very same array as
(`same_as`), and the names made of it (`derived`); and for one statement,
the list or dict it stores a name's array into (`stored_into`).

aliasing.check_writes asks these questions of the bindings alone (no order, no branches):
where a name may hold another's array, its write is then followed by alias_flow, checked at
run time (alias_guards, alias_rows), or refused.
"""
from . import analyze
from . import syntax as S
from .alias_flow_blocks import never_a_list
from .alias_flow_fresh import viewed_argument
from .alias_rows import shares_items
from .callables import is_user_function
from .core import Kind


class Roots:
    """The bindings of a lowered body (`defs`: name -> its bindings; `displays`: name -> the
    list, tuple or dict built here it is bound to) and the questions asked of them."""

    def __init__(self, stmts):
        self.stmts, self.defs = stmts, {}
        for t in stmts:
            if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
                self.defs.setdefault(t.targets[0].id, []).append(t)
        self.displays = {t.targets[0].id: t.value for t in stmts if t.sd.kind == Kind.DISPLAY
                         and isinstance(t.targets[0], S.Name)}

    def derived(self, name):
        """`name`, the names bound from it (a row, a list of its rows) and the lists it is
        appended or stored to, transitively; not through a ufunc or copying call."""
        from .alias_guards import makes_new_array
        from .alias_rows import is_view_index
        out, grew = {name}, True
        while grew:
            grew = False
            for t in self.stmts:
                reads = set(analyze.operands(t))
                made = {h for h, v in [stored_into(t, self.defs) or (None, None)] if v in out
                        and not is_view_index(t.targets[0].slice)} - {None} \
                    if t.sd.kind == Kind.SETITEM else set() if not out & reads or \
                    makes_new_array(t) else \
                    {analyze.assigned(t)} - {None} if isinstance(t, S.Assign) or \
                    t.sd.kind == Kind.APPEND else reads if isinstance(t, S.Expr) and \
                    t.sd.kind != Kind.EFFECT else set()   # (a call for its effects: anywhere)
                if made - out:
                    out |= made
                    grew = True
        return out

    def roots(self, name, seen=None):
        """`name` and the names whose arrays it may hold or be part of: what it was copied
        or indexed from, and the items of a list or tuple built here."""
        seen = set() if seen is None else seen
        if name in seen:
            return seen
        seen.add(name)
        for t in self.defs.get(name, []):
            v = t.value
            if t.sd.kind == Kind.COPY and isinstance(v, S.Name):
                self.roots(v.id, seen)
            elif t.sd.kind == Kind.SUBSCRIPT and isinstance(v.value, S.Name):
                self.roots(v.value.id, seen)
            elif t.sd.kind == Kind.CALL and _holds_its_arguments(t.sd.func):
                for a in v.args:   # dict_from_lists(keys, values): a dict of those very items
                    if isinstance(a, S.Name):
                        self.roots(a.id, seen)
            elif t.sd.kind == Kind.CALL and (viewed_argument(t.sd.func, v) is not None or
                                             t.sd.dynamic_method) and isinstance(v, S.Call):
                # a view (`a.T[2]`, numpy.reshape(a, ...)[0]; a method may give one): its
                # rows and items are a's memory too
                base = viewed_argument(t.sd.func, v)
                if base is None:
                    base = v.func.value if isinstance(v.func, S.Attribute) else None
                if isinstance(base, S.Name):
                    self.roots(base.id, seen)
        if name in self.displays:
            items = self.displays[name]
            for e in (items.values if isinstance(items, S.Dict) else items.elts):
                if isinstance(e, S.Name):
                    self.roots(e.id, seen)
        return seen

    def may_share(self, name):
        """The names whose arrays `name` may hold: roots, and through calls of functions
        of the user's (which may return an argument), the roots of their arguments."""
        out = set(self.roots(name))
        for n in list(out):
            for t in self.defs.get(n, []):
                if t.sd.kind == Kind.CALL and is_user_function(t.sd.func):
                    for a in analyze.call_args(t):
                        if isinstance(a, S.Name):
                            out |= self.roots(a.id)
        return out

    def same_as(self, name, seen=None):
        """The names `name` may be the very same array as: copies (through temporaries and
        branches) and results of functions of the user's given them (rows and items are
        checked, precisely, by alias_rows.guard_rows_read_after and the displays' rule)."""
        seen = set() if seen is None else seen
        if name in seen:
            return seen
        seen.add(name)
        for t in self.defs.get(name, []):
            if t.sd.kind == Kind.COPY and isinstance(t.value, S.Name):
                self.same_as(t.value.id, seen)
            elif t.sd.kind == Kind.CALL and (is_user_function(t.sd.func) or shares_items(t)):
                # a function of the user's may return its argument; list(rows_of(m)),
                # sorted(rows): a new list of the same items
                for a in analyze.call_args(t):
                    if isinstance(a, S.Name):
                        self.same_as(a.id, seen)
        return seen

    def given_to_calls(self, name, user_names):
        """Where `name` is bound to what a function of the user's returned (a method too,
        `g = layers[1].copied()`), directly or through srcdiff's copies of such results (a
        class dispatch's arms, `copied_1 = grab_1.copied()`, then `g = copied_1`): the names
        of the arguments given those calls, which the result may hold or be, each traced
        back through srcdiff's copies to the user's name (`grab_1 = layer`: layer)."""
        out, todo, seen = set(), [name], set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            for t in self.defs.get(n, []):
                if t.sd.kind == Kind.COPY and isinstance(t.value, S.Name) and \
                        t.value.id not in user_names:
                    todo.append(t.value.id)
                elif t.sd.kind == Kind.CALL and is_user_function(t.sd.func):
                    out |= {self._named(a.id, user_names) for a in analyze.call_args(t)
                            if isinstance(a, S.Name)}
        return out

    def _named(self, name, user_names):
        """The user's name srcdiff's `name` copies (through its copies), else `name`."""
        for _ in range(8):
            made = self.defs.get(name, [])
            if name in user_names or not made or not all(
                    t.sd.kind == Kind.COPY and isinstance(t.value, S.Name) for t in made) or \
                    len({t.value.id for t in made}) != 1:
                return name
            name = made[0].value.id
        return name


def _holds_its_arguments(func):
    """srcdiff's own builders of a container from lists (a dict comprehension's
    `dict_from_lists(keys, values)`, a record's `object_of(cls, names, fields)`, which
    state_methods.py binds to the fields a method leaves: they may be its arguments): the
    result holds the lists' very items."""
    return (getattr(func, "__name__", None), getattr(func, "__module__", None)) in (
        ("dict_from_lists", "srcdiff.runtime_containers"),
        ("object_of", "srcdiff.runtime_fields"))


def stored_into(s, defs):
    """(the holder, the name stored) where `s` stores a name's value into an item of a list
    or dict (`d["w"] = y`, `L[0] = y`: the holder then holds y's array itself), else None.
    A store into an array copies the values (never_a_list: surely not a list or dict)."""
    if s.sd.kind != Kind.SETITEM or not isinstance(s.value, S.Name) or \
            not isinstance(s.targets[0].value, S.Name):
        return None
    holder = s.targets[0].value.id
    if never_a_list(holder, defs) and not any(
            t.sd.kind == Kind.DISPLAY and isinstance(t.value, S.Dict) for t in defs[holder]):
        return None
    return holder, s.value.id
