"""The static status of a derivative at a point of the emitted code, for both modes.

A leaf the reverse pass (adjoints) and the forward pass (tangents) share:

* ZERO: never computed; no arithmetic is spent on it. Where it is nonzero on
  one path into a merge only (a branch, a loop's back edge), a zero is
  materialized on the other path.
* BORROWED: may share memory with another derivative (the caller's seed or
  input tangent, a rule's result that may be one of its inputs): copied once
  before it is updated in place, or updated by rebinding (`d = d + e`).
* OWNED: made here and shared with no other derivative: safe to update in
  place (`d += e`, `d[i] = v`).
"""
import enum


class Status(enum.Enum):
    ZERO = "zero"
    BORROWED = "borrowed"
    OWNED = "owned"


ZERO, BORROWED, OWNED = Status.ZERO, Status.BORROWED, Status.OWNED


def join(a, b, materialized):
    """The status after two paths meet, one with `a`, the other with `b`.

    A ZERO met with a nonzero status is materialized on its path, as a derivative
    of status `materialized` (the forward pass makes an owned zero there; the
    reverse pass counts it as borrowed); the result is OWNED only when both paths
    own theirs.
    """
    if a is ZERO and b is ZERO:
        return ZERO
    a = materialized if a is ZERO else a
    b = materialized if b is ZERO else b
    return OWNED if a is OWNED and b is OWNED else BORROWED


# -- moved from reverse.py, no change --
class State(dict):
    """Adjoint state: name -> BORROWED | OWNED (status.py); absent means statically ZERO."""

    def get(self, name, default=ZERO):
        return super().get(name, default)

    def copy(self):
        return State(self)


def merge(a, b):
    """The state where two paths meet; a zero adjoint on one path counts as borrowed."""
    return State({name: join(a.get(name), b.get(name), BORROWED) for name in set(a) | set(b)})
