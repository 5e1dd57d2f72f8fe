"""known_objects.py: Known compares the object it holds by identity."""
from srcdiff import values
from srcdiff.known_objects import Known


def test_known_is_by_identity():
    a, b = [1.0], [1.0]
    assert Known(a) == Known(a) and hash(Known(a)) == hash(Known(a))
    assert Known(a) != Known(b)
    assert values.Known is Known
