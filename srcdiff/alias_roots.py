"""The names whose arrays a name may hold, be part of, or be (stage 3, lower: called by
aliasing.py). Takes the lowered core statements (`Roots`); gives back, for one name, what it
was copied, indexed or viewed from and the items of a list or tuple built here it is (`roots`),
those and the arguments' roots of functions of the user's it came from (`may_share`), and
the names it may be the very same array as (`same_as`).

aliasing.check_writes asks these questions of the bindings alone (no order, no branches):
where a name may hold another's array, its write is then followed by alias_flow, checked at
run time (alias_guards, alias_rows), or refused.
"""
from . import analyze
from . import syntax as S
from .alias_flow_fresh import VIEW_FUNCS, may_return_receiver
from .alias_rows import shares_items
from .callables import is_user_function
from .core import Kind


class Roots:
    """The bindings of a lowered body (`defs`: name -> its bindings; `displays`: name -> the
    list, tuple or dict built here it is bound to) and the questions asked of them."""

    def __init__(self, stmts):
        self.defs = {}
        for t in stmts:
            if isinstance(t, S.Assign) and isinstance(t.targets[0], S.Name):
                self.defs.setdefault(t.targets[0].id, []).append(t)
        self.displays = {t.targets[0].id: t.value for t in stmts if t.sd.kind == Kind.DISPLAY
                         and isinstance(t.targets[0], S.Name)}

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
            elif t.sd.kind == Kind.CALL and (t.sd.func in VIEW_FUNCS or t.sd.dynamic_method or
                                             may_return_receiver(v)) and isinstance(v, S.Call):
                # a view (`a.T[2]`, numpy.reshape(a, ...)[0]; a method may give one): its
                # rows and items are a's memory too
                base = v.args[0] if (t.sd.func in VIEW_FUNCS or may_return_receiver(v)) and \
                    v.args else \
                    v.func.value if isinstance(v.func, S.Attribute) else None
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
