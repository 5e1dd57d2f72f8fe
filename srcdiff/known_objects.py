"""A name known to hold exactly one object (leaf: called by values.py, which notes it for the
names a lowered function passes to its callees, objects.py and returned_classes.py, which
read which function a parameter holds, and call_keys.py, which keys the derivative made on
it). Takes the object; gives back the marker `Known`, compared by identity."""


class Known:
    """A name known to hold exactly this object: calls through it are calls of it
    (compared by identity, so a cache keyed on it is specialised per object)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other):
        return isinstance(other, Known) and other.obj is self.obj

    def __hash__(self):
        return hash(("srcdiff.Known", id(self.obj)))

    def __repr__(self):
        return f"Known({getattr(self.obj, '__qualname__', type(self.obj).__name__)})"
