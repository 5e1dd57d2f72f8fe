"""srcdiff/display_items.py: the item a constant subscript reads from a list, tuple or dict
display, as Python would read it, or None where only the running code can tell."""
import gast
import pytest

from srcdiff.display_items import constant_key, display_item


def _parts(text):
    node = gast.parse(text).body[0].value
    return node.value, node.slice


@pytest.mark.parametrize("text,want", [
    ("[a, b, c][1]", "b"), ("(a, b, c)[-1]", "c"), ("{'x': a, 'y': b}['y']", "b"),
    ("{1: a, True: b}[1]", "b"), ("{1: a, 2.0: b}[2]", "b"), ("[a, b][2]", None),
    ("[*gs, b][1]", None), ("{k: a, 'y': b}['y']", None), ("[a, b][i]", None),
    ("{'x': a}['z']", None), ("[a, b]['x']", None),
])
def test_display_item_reads_as_python_does(text, want):
    item = display_item(*_parts(text))
    assert (item.id if item is not None else None) == want


def test_constant_key():
    assert [constant_key(_parts(t)[1]) for t in ("a[0]", "a[-2]", "a['k']", "a[k]", "a[1.5]")] \
        == [0, -2, "k", None, None]
