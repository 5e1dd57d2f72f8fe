"""The HTML view of a derivative (srcdiff/html_view.py), read without a browser: every
link goes to the primal line its marker names, source text is escaped, long sources
fold, the output is deterministic. tests/test_html_browser.py clicks it in Chromium."""
import html.parser
import os

import numpy as np
import pytest

import srcdiff
from srcdiff import html_view
from html_helpers import long_function, scaled_sin


def looped(x, w):
    """Doc with <script>window.pwned = 1</script> in it."""
    h = np.tanh(x @ w)
    s = 0.0
    for i in range(3):
        if s < 1.0:
            s = s + np.sum(scaled_sin(h) * h)  # a <b>comment</b> & more
        else:
            s = s * 2.0
    return s


def summed_loop(x):
    h = np.tanh(x)
    s = np.zeros(3)
    for i in range(3):
        s = s + h * i
    return np.sum(s * s)


class Layer:
    def __init__(self, w):
        self.w = w

    def apply(self, x):
        return np.tanh(x * self.w)


def through_method(layer, x):
    y = layer.apply(x)
    return np.sum(y)


def quadratic(x):
    y = x * x
    return np.sum(np.sin(y))


class Page(html.parser.HTMLParser):
    """The elements of an HTML page in document order: [tag, attributes, text inside,
    the elements it is inside]."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), "", list(self.open)]
        self.elements.append(element)
        if tag not in ("meta", "br", "img", "link", "input"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element[2] += data

    def find(self, tag=None, cls=None, inside=None, **attrs):
        return [e for e in self.elements if (tag is None or e[0] == tag)
                and (cls is None or cls in e[1].get("class", "").split())
                and (inside is None or any(p is inside for p in e[3]))
                and all(e[1].get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def rows(self, inside):
        """The source lines shown inside an element (without their line numbers)."""
        return [self.find(cls="sd-code", inside=row)[0][2]
                for row in self.find(cls="sd-line", inside=inside)]


def _code(element):
    return element[2]


def _links(page):
    """(block, primal line element) for each block of emitted lines."""
    out = []
    for block in page.find("a", cls="sd-block"):
        href = block[1]["href"]
        assert href.startswith("#")
        targets = page.find(id=href[1:])
        assert len(targets) == 1, href
        target = targets[0]
        assert target[1]["data-sd"] == block[1]["data-sd"]
        out.append((block, target))
    return out


def _check_links(page):
    """Each block starts with a marker comment naming the primal line it links to, and
    quoting it word for word."""
    links = _links(page)
    assert links
    for block, target in links:
        marker = page.rows(block)[0].strip()
        assert marker.startswith("# line ")
        number, quoted = marker[len("# line "):].split(": ", 1)
        assert target[1]["id"].endswith(f"-{number}")
        assert page.find(cls="sd-code", inside=target)[0][2].strip() == quoted
    return links


X, W = np.linspace(0.1, 0.3, 3), np.ones((3, 2)) * 0.1


@pytest.mark.parametrize("make", [
    lambda: srcdiff.grad(looped), lambda: srcdiff.value_and_grad(looped, wrt=(0, 1)),
    lambda: srcdiff.vjp(looped), lambda: srcdiff.jvp(looped),
    lambda: srcdiff.hessian(looped), lambda: srcdiff.hvp(looped),
    lambda: srcdiff.jacobian(looped), lambda: srcdiff.jacobian(looped, mode="forward"),
    lambda: srcdiff.grad(srcdiff.grad(quadratic)),
    lambda: srcdiff.jacobian(srcdiff.grad(quadratic))],
    ids=["grad", "value_and_grad", "vjp", "jvp", "hessian", "hvp", "jacobian",
         "jacobian_forward", "grad_of_grad", "jacobian_of_grad"])
def test_every_kind_links_blocks_to_the_lines_their_markers_name(make):
    page = Page(make()._repr_html_())
    links = _check_links(page)
    assert len(page.find("div", cls="srcdiff-view")) == 1
    assert len(page.find("script")) == 1
    # every linked primal line is linked from a block, and says so with data-sd
    linked = {e[1]["data-sd"] for e in page.find(cls="sd-line") if "data-sd" in e[1]}
    assert linked == {block[1]["data-sd"] for block, _ in links}


def test_reverse_blocks_link_the_loop_body_and_the_callee():
    page = Page(srcdiff.grad(looped)._repr_html_())
    lines = looped.__code__.co_firstlineno
    titles = [_code(e) for e in page.find(cls="sd-title")]
    assert titles[0].startswith("looped ") and "test_html_view.py:" in titles[0]
    assert titles[1].startswith("scaled_sin ") and "html_helpers.py:" in titles[1]
    targets = {target[1]["id"].split("-", 1)[1] for _, target in _links(page)}
    assert f"p0-{lines + 6}" in targets      # s = s + np.sum(scaled_sin(h) * h)
    assert f"p0-{lines + 8}" in targets      # s = s * 2.0
    assert f"p0-{lines + 2}" in targets      # h = np.tanh(x @ w)
    helper = scaled_sin.__code__.co_firstlineno
    assert f"p1-{helper + 1}" in targets     # return np.sin(y) * 2.0, in html_helpers.py


@pytest.mark.parametrize("kind", ["grad", "jvp"])
def test_a_method_of_an_object_passed_in_gets_its_section(kind):
    d = getattr(srcdiff, kind)(through_method, wrt=1)
    d(Layer(2.0), X) if kind == "grad" else d(Layer(2.0), X, X)
    page = Page(d._repr_html_())
    titles = [_code(e).split()[0] for e in page.find(cls="sd-title")]
    assert titles == ["through_method", "Layer.apply"]
    targets = {target[1]["id"].split("-", 1)[1] for _, target in _check_links(page)}
    assert f"p1-{Layer.apply.__code__.co_firstlineno + 1}" in targets


def test_forward_mode_leaves_an_unmarked_primal_statement_out_of_a_block():
    page = Page(srcdiff.jvp(looped)._repr_html_())
    for block, _ in _links(page):
        assert "s = 0.0" not in [row.strip() for row in page.rows(block)]
    assert "s = 0.0" in [row.strip() for row in page.rows(page.find(cls="sd-emitted")[0])]


def test_reverse_blocks_leave_out_srcdiffs_frame():
    page = Page(srcdiff.grad(summed_loop)._repr_html_())
    blocks = [[row.strip() for row in page.rows(block)] for block, _ in _check_links(page)]
    assert len(blocks) == 3  # return ..., s = s + h * i, h = np.tanh(x)
    emitted = [row.strip() for row in page.rows(page.find(cls="sd-emitted")[0])]
    assert "d_h = zeros_like_value(h)" in emitted
    assert "return finalize(d_x, x, 'x')" in emitted
    for rows in blocks:
        assert "d_h = zeros_like_value(h)" not in rows
        assert "return finalize(d_x, x, 'x')" not in rows


def test_source_text_is_escaped():
    text = srcdiff.grad(looped)._repr_html_()
    assert "<script>window.pwned" not in text and "<b>comment" not in text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in text
    assert "&lt;b&gt;comment&lt;/b&gt; &amp; more" in text
    page = Page(text)
    assert len(page.find("script")) == 1 and "pwned" not in page.find("script")[0][2]
    assert any("<script>window.pwned" in _code(e) for e in page.find(cls="sd-line"))


def test_a_marker_whose_line_says_something_else_is_not_linked():
    section = html_view.Section("f", "f.py", 10, ["def f(x):", "    y = x * x",
                                                  "    return y"])
    lines = ["def grad_f(x):", "    # line 11: y = x * x", "    d_x = 2 * x",
             "    # line 12: return x", "    d_y = 1.0", "    return d_x"]
    assert html_view.attribute(lines, [section]) == [
        None, (0, 11), (0, 11), None, None, None]


def test_blocks_end_at_dedents_compound_statements_and_blank_lines():
    section = html_view.Section("f", "f.py", 1, ["def f(x):", "    y = x", "    z = y",
                                                 "    return z"])
    lines = ["def g(x):", "    # line 2: y = x", "    a = 1", "    if a:",
             "        # line 3: z = y", "        b = [1,", "2]", "    c = 2",
             "    # line 4: return z", "    d = 3", "", "def h():", "    e = 4"]
    assert html_view.attribute(lines, [section]) == [
        None, (0, 2), (0, 2), None, (0, 3), (0, 3), (0, 3), None, (0, 4), (0, 4),
        None, None, None]


def test_long_sources_fold_short_ones_do_not():
    short = Page(srcdiff.grad(quadratic)._repr_html_())
    assert not short.find("details")
    page = Page(srcdiff.grad(long_function())._repr_html_())
    folds = page.find("details", cls="sd-fold")
    assert len(folds) == 2  # the 72-line primal and its longer gradient
    assert all("open" not in f[1] for f in folds)
    _check_links(page)


def test_output_is_deterministic_and_identifies_the_view():
    first = srcdiff.grad(looped)._repr_html_()
    assert srcdiff.grad(looped)._repr_html_() == first
    called, again = srcdiff.grad(looped), srcdiff.grad(looped)
    called(X, W)  # the view shows the variant compiled for the latest call
    again(X, W)
    assert called._repr_html_() == again._repr_html_()
    page = Page(called._repr_html_())
    assert page.rows(page.find(cls="sd-emitted")[0]) == srcdiff.source(called).splitlines()
    other = srcdiff.grad(looped, wrt=1)._repr_html_()
    assert Page(other).find(cls="srcdiff-view")[0][1]["id"] != \
        Page(first).find(cls="srcdiff-view")[0][1]["id"]


def test_show_writes_one_self_contained_page(tmp_path):
    g = srcdiff.jvp(looped)
    path = srcdiff.show(g, tmp_path / "view.html")
    assert path == str(tmp_path / "view.html")
    text = open(path, encoding="utf-8").read()
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert g._repr_html_() in text
    for external in ("http:", "https:", "src=", "<link", "@import"):
        assert external not in text
    default = srcdiff.show(g)
    try:
        assert os.path.basename(default).startswith("srcdiff-jvp_looped-")
        assert open(default, encoding="utf-8").read() == text
    finally:
        os.remove(default)


def test_show_refuses_what_srcdiff_did_not_make(tmp_path):
    with pytest.raises(srcdiff.ArgumentError, match="srcdiff.show needs a derivative"):
        srcdiff.show(quadratic, tmp_path / "no.html")
    assert not (tmp_path / "no.html").exists()


def test_without_the_primal_source_the_emitted_code_shows_alone(monkeypatch):
    g = srcdiff.grad(quadratic)
    emitted = srcdiff.source(g)

    def gone(fn):
        raise srcdiff.UnsupportedCodeError("the source of <quadratic> is not available")
    monkeypatch.setattr("srcdiff.frontend.get_source", gone)
    page = Page(g._repr_html_())
    assert not page.find(cls="sd-block") and not page.find(cls="sd-section")
    assert page.rows(page.find(cls="sd-emitted")[0]) == emitted.splitlines()
    assert "source of <quadratic> is not available" in _code(page.find(cls="sd-missing")[0])


def test_jupyter_gets_a_fragment():
    text = srcdiff.hessian(quadratic)._repr_html_()
    assert text.startswith('<div class="srcdiff-view"') and "<html" not in text
    page = Page(text)
    # hessian: forward mode over the emitted gradient, shown beside that gradient
    assert "the emitted gradient" in _code(page.find(cls="sd-pane-title")[0])
    assert _code(page.find(cls="sd-title")[0]).startswith("grad_quadratic")
