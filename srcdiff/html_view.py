"""HTML views of a derivative: the primal source left, the emitted code right, linked
(derivative: called by derivative.py and compose.py for `_repr_html_`, and by the user's
`srcdiff.show`). Takes a derivative srcdiff made; gives back the HTML text (`to_html`) or
writes it to a file (`show`).

Jupyter shows a derivative through `_repr_html_` (derivative.py and compose.py call
`to_html`); `show` writes the same view to one self-contained HTML file (inline CSS and
JavaScript, nothing fetched). Emitted code marks where the derivative of each primal statement starts with
a comment `# line N: <the primal line>`; each such block of emitted lines becomes a link
to primal line N, and hovering or clicking either side highlights both.

A block is the marker comment and the lines after it, up to the next marker at the
same or a shallower indentation, a line indented less than the marker, a compound
statement (`if`, `for`, ...: their derivatives carry markers of their own inside), a
blank line, a line that is word for word another primal line (forward mode leaves
statements that need no tangent unmarked), or srcdiff's own frame around blocks (an
adjoint zeroed before a reversed loop, the gradient returned). A marker is linked only
when the primal line it names says what the marker quotes, so a link never points at the
wrong line. Every piece of source text is HTML-escaped. The output depends only on the
sources.
"""
import hashlib
import html
import io
import os
import re
import tokenize
import types

from .errors import ArgumentError, SrcdiffError

COLLAPSE_LINES = 60  # a source longer than this starts folded in a <details> element

EMITTED = "emitted by srcdiff"  # the origin of a section that is emitted code itself
_MARKER = re.compile(r"^(\s*)# line (\d+): (.*)$")
# set-up and wind-up srcdiff writes around blocks (an adjoint zeroed before the reversed loop
# that adds to it, the gradient returned), not part of the block before them
_FRAME = re.compile(r"^(\w+ = zeros_like_value\(|return finalize\()")
_COMPOUND = re.compile(r"^(if|elif|else|for|while|try|except|finally|with|def|class|async)\b")


class Section:
    """A primal function's lines as the view shows them: `first` is the file line number
    of `lines[0]`."""

    def __init__(self, title, origin, first, lines, file_lines=None, filename=None):
        self.title = title
        self.origin = origin  # what the view says it came from: a file's base name
        self.filename = filename
        self.first = first
        self.lines = lines
        self.file_lines = file_lines  # the whole file's, where other functions may be found

    def line(self, lineno):
        index = lineno - self.first
        return self.lines[index] if 0 <= index < len(self.lines) else None


# --- what is shown ---------------------------------------------------------------------
def _shown_derivative(obj):
    """The Derivative whose emitted code `obj` runs (a Composite runs one's)."""
    from .markers import ComposedBase, CompositeBase, DerivativeBase
    if isinstance(obj, ComposedBase):  # a transform of a derivative: the jvp its function calls
        obj = obj.shown_derivative
    if not isinstance(obj, (DerivativeBase, CompositeBase)):
        raise ArgumentError(f"srcdiff.show needs a derivative made by srcdiff.grad, "
                            f"value_and_grad, vjp, jvp, hessian, hvp or jacobian, not {obj!r}")
    if isinstance(obj, CompositeBase):
        shown = obj._shown
        return getattr(shown, "derivative", shown)
    return obj


def primal_sections(derivative):
    """The primal sources the emitted code of `derivative` differentiates: its function
    (a user's function, or the whole emitted gradient forward mode runs over), then the
    user's functions it calls."""
    from . import frontend
    from .loader import source_of_code
    emitted = derivative._emitted()
    fn = frontend._unwrap(derivative._fn)
    text = source_of_code(getattr(fn, "__code__", None))
    if text is not None:  # forward mode over an emitted gradient: all of its text
        name = getattr(fn, "__name__", "f")
        return [Section(name, EMITTED, 1, text.splitlines())]
    sections = [_section(frontend.get_source(fn), getattr(fn, "__qualname__", "f"))]
    seen = {(sections[0].filename, sections[0].first)}
    for where, _, callee in getattr(emitted, "_srcdiff_deps", ()):
        callee = frontend._unwrap(callee)
        if callee is fn or not hasattr(callee, "__code__") or \
                isinstance(where, types.MappingProxyType):   # (a class's method, maybe unused)
            continue
        try:
            section = _section(frontend.get_source(callee), callee.__qualname__)
        except (SrcdiffError, OSError, TypeError):
            continue
        if (section.filename, section.first) not in seen:
            seen.add((section.filename, section.first))
            sections.append(section)
    for section in _enclosing_defs(derivative.source.splitlines(), sections):
        if (section.filename, section.first) not in seen:
            seen.add((section.filename, section.first))
            sections.append(section)
    return sections


def _enclosing_defs(lines, sections):
    """Sections for markers no section holds (a method of an object passed in, which is
    found through its class rather than by name): the innermost def, in a file already
    shown, whose line N says what the marker quotes."""
    import ast
    found = []
    trees = {}
    for line in lines:
        marker = _MARKER.match(line)
        if not marker:
            continue
        lineno, quoted = int(marker.group(2)), marker.group(3)
        if any(s.line(lineno) is not None and s.line(lineno).strip() == quoted
               for s in sections + found):
            continue
        for s in sections:
            if s.file_lines is None or not (0 < lineno <= len(s.file_lines)) or \
                    s.file_lines[lineno - 1].strip() != quoted:
                continue
            if s.filename not in trees:
                try:
                    trees[s.filename] = ast.parse("".join(s.file_lines))
                except (SyntaxError, ValueError, RecursionError):
                    trees[s.filename] = None
            best = _innermost_def(trees[s.filename], lineno)
            if best is not None:
                node, title = best
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found.append(Section(title, s.origin, first,
                                     [ln.rstrip("\n") for ln in
                                      s.file_lines[first - 1:node.end_lineno]],
                                     s.file_lines, s.filename))
                break
    return found


def _innermost_def(tree, lineno):
    """(def node, qualified name) of the innermost function defined across `lineno`."""
    import ast
    best = None
    stack = [(tree, "")] if tree is not None else []
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if not (getattr(child, "lineno", 0) <= lineno <= (getattr(child, "end_lineno", 0)
                                                             or 0)):
                continue
            name = prefix
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}.{child.name}" if prefix else child.name
                if not isinstance(child, ast.ClassDef):
                    best = (child, name)
            stack.append((child, name))
    return best


def _section(source, title):
    from . import syntax as S
    node = source.node
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    last = max(getattr(n, "end_lineno", None) or getattr(n, "lineno", 0) or 0
               for n in S.walk(node))
    lines = [source.line(i) for i in range(first, last + 1)]
    return Section(title, os.path.basename(source.filename), first, lines, source.lines,
                   source.filename)


# --- which primal line each emitted line comes from ---------------------------------------
def _logical_starts(lines):
    """For each line (0-based), the index of the line its logical line starts on."""
    starts = list(range(len(lines)))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return starts
    skip = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER)
    start = None
    for tok in tokens:
        if tok.type == tokenize.NEWLINE:
            start = None
        elif tok.type not in skip:
            if start is None:
                start = tok.start[0] - 1
            for row in range(tok.start[0] - 1, min(tok.end[0], len(lines))):
                starts[row] = start
    return starts


def _resolve(lineno, quoted, sections, function):
    """(section index, line) of the primal line a marker names, or None when no section's
    line `lineno` is the line the marker quotes."""
    found = [k for k, s in enumerate(sections)
             if s.line(lineno) is not None and s.line(lineno).strip() == quoted]
    if len(found) > 1:  # the section of the function the emitted helper differentiates
        named = [k for k in found if function.endswith("_" + sections[k].title.split(".")[-1])]
        found = named or found
    return (found[0], lineno) if found else None


def attribute(lines, sections):
    """For each emitted line, the (section index, primal line) it derives from, or None."""
    starts = _logical_starts(lines)
    primal_text = {}  # stripped primal text -> the (section, line)s saying it
    for k, s in enumerate(sections):
        for i, text in enumerate(s.lines):
            if text.strip() and not text.strip().startswith("#"):
                primal_text.setdefault(text.strip(), set()).add((k, s.first + i))
    out = [None] * len(lines)
    stack = []  # (indent, target or None) of the markers in scope
    function = ""
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if starts[i] != i:  # a continuation line: with its statement
            out[i] = out[starts[i]]
            continue
        if not stripped:
            stack = []
            continue
        marker = _MARKER.match(line)
        if marker:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            target = _resolve(int(marker.group(2)), marker.group(3), sections, function)
            stack.append((indent, target))
            out[i] = target
            continue
        if stripped.startswith("#"):
            out[i] = stack[-1][1] if stack else None
            continue
        while stack and (stack[-1][0] > indent or
                         stack[-1][0] == indent and _COMPOUND.match(stripped)):
            stack.pop()
        if indent == 0 and stripped.startswith("def "):
            function = stripped[4:].split("(")[0]
        if stack and stack[-1][1] is not None:
            other = primal_text.get(stripped, set()) - {stack[-1][1]}
            if other and stack[-1][1] not in primal_text.get(stripped, set()) or \
                    stack[-1][0] == indent and _FRAME.match(stripped):
                stack[-1] = (stack[-1][0], None)  # another primal line, or srcdiff's frame
        out[i] = stack[-1][1] if stack else None
    return out


# --- HTML ---------------------------------------------------------------------------------
def _describe(obj, emitted_text):
    header = emitted_text.splitlines()[0] if emitted_text else ""
    mode = re.search(r"\(([^()]*mode)\)\. DO NOT EDIT\.$", header)
    name = repr(obj)
    if name.startswith("<srcdiff ") and name.endswith(">"):
        name = name[len("<srcdiff "):-1]
    return name, mode.group(1) if mode else ""


def _code_line(number, text, attrs=""):
    cls = "sd-line sd-comment" if text.strip().startswith("#") else "sd-line"
    return (f'<div class="{cls}"{attrs}><span class="sd-no">{number}</span>'
            f'<span class="sd-code">{html.escape(text)}</span></div>')


def _fold(body, count, what):
    if count <= COLLAPSE_LINES:
        return body
    return (f'<details class="sd-fold"><summary>{html.escape(what)}: {count} lines'
            f'</summary>{body}</details>')


def _where(section):
    return section.origin if section.origin == EMITTED else f"{section.origin}:{section.first}"


def _primal_html(sections, linked, prefix):
    parts = []
    for k, s in enumerate(sections):
        rows = []
        for i, text in enumerate(s.lines):
            n = s.first + i
            attrs = f' id="{prefix}-p{k}-{n}"'
            if (k, n) in linked:
                attrs += f' data-sd="{k}-{n}"'
            rows.append(_code_line(n, text, attrs))
        body = f'<div class="sd-box">{"".join(rows)}</div>'
        parts.append(f'<div class="sd-section"><div class="sd-title">'
                     f'{html.escape(s.title)} <span class="sd-origin">'
                     f'{html.escape(_where(s))}</span></div>'
                     f'{_fold(body, len(s.lines), s.title)}</div>')
    return "".join(parts)


def _emitted_html(lines, targets, sections, prefix):
    rows = []
    i = 0
    while i < len(lines):
        target = targets[i]
        j = i
        while j < len(lines) and targets[j] == target:
            j += 1
        block = "".join(_code_line(n + 1, lines[n]) for n in range(i, j))
        if target is None:
            rows.append(block)
        else:
            k, n = target
            where = f"line {n} of {sections[k].title}"
            rows.append(f'<a class="sd-block" href="#{prefix}-p{k}-{n}" data-sd="{k}-{n}" '
                        f'title="{html.escape(where)}">{block}</a>')
        i = j
    return f'<div class="sd-box">{"".join(rows)}</div>'


_CSS = """
.srcdiff-view{font-family:system-ui,sans-serif;font-size:13px;color:#1f2328;
 background:#fff;max-width:100%}
.srcdiff-view .sd-head{margin:0 0 6px 0}
.srcdiff-view .sd-head b{font-size:14px}
.srcdiff-view .sd-head span{color:#59636e;margin-left:.6em}
.srcdiff-view .sd-panes{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.4fr);
 gap:10px;align-items:start}
.srcdiff-view .sd-pane-title{font-weight:600;margin:2px 0 4px 0;color:#59636e}
.srcdiff-view .sd-section{margin-bottom:8px}
.srcdiff-view .sd-title{font-family:ui-monospace,Menlo,Consolas,monospace;margin:2px 0}
.srcdiff-view .sd-origin{color:#59636e;font-size:12px}
.srcdiff-view .sd-box{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;
 line-height:1.45;border:1px solid #d1d9e0;border-radius:4px;background:#f6f8fa;
 overflow:auto;max-height:75vh;padding:2px 0}
.srcdiff-view .sd-line{white-space:pre;min-height:1.45em;padding-right:8px}
.srcdiff-view .sd-no{display:inline-block;width:3.2em;padding-right:.8em;text-align:right;
 color:#8c959f;user-select:none;-webkit-user-select:none}
.srcdiff-view .sd-comment .sd-code{color:#6e7781;font-style:italic}
.srcdiff-view a.sd-block{display:block;color:inherit;text-decoration:none;
 border-left:3px solid #afb8c1;cursor:pointer}
.srcdiff-view [data-sd]{cursor:pointer}
.srcdiff-view .sd-line[data-sd]{border-left:3px solid #afb8c1}
.srcdiff-view .sd-line:not([data-sd]){border-left:3px solid transparent}
.srcdiff-view .sd-block .sd-line{border-left:0}
.srcdiff-view .sd-hover{background:#fff8c5}
.srcdiff-view .sd-selected{background:#ffe58f;border-left-color:#d4a72c}
.srcdiff-view .sd-line:target{background:#ffe58f;outline:1px solid #d4a72c}
.srcdiff-view details.sd-fold>summary{cursor:pointer;color:#0969da;margin:2px 0}
.srcdiff-view details.sd-fold:not([open])>summary::after{content:" (click to unfold)"}
.srcdiff-view .sd-missing{white-space:pre-wrap;color:#9a6700}
.srcdiff-view .sd-help{color:#59636e;font-size:12px;margin-top:4px}
"""

_JS = """
(function () {
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  each(document.querySelectorAll(".srcdiff-view:not([data-sd-ready])"), function (view) {
    view.setAttribute("data-sd-ready", "1");
    function marked(t) { return view.querySelectorAll('[data-sd="' + t + '"]'); }
    function owner(ev) {
      var el = ev.target.closest ? ev.target.closest("[data-sd]") : null;
      return el && view.contains(el) ? el : null;
    }
    function hover(ev, on) {
      var el = owner(ev);
      if (el) each(marked(el.getAttribute("data-sd")), function (m) {
        m.classList.toggle("sd-hover", on); });
    }
    function reveal(el) {
      for (var p = el.parentNode; p && p !== view; p = p.parentNode)
        if (p.tagName === "DETAILS") p.open = true;
      el.scrollIntoView({block: "nearest", inline: "nearest"});
    }
    view.addEventListener("mouseover", function (ev) { hover(ev, true); });
    view.addEventListener("mouseout", function (ev) { hover(ev, false); });
    view.addEventListener("click", function (ev) {
      var el = owner(ev);
      if (!el) return;
      ev.preventDefault();
      var t = el.getAttribute("data-sd");
      each(view.querySelectorAll(".sd-selected"), function (m) {
        m.classList.remove("sd-selected"); });
      each(marked(t), function (m) { m.classList.add("sd-selected"); });
      var other = view.querySelector((el.classList.contains("sd-block") ?
        '.sd-line' : 'a.sd-block') + '[data-sd="' + t + '"]');
      if (other) reveal(other);
    });
  });
})();
"""


def to_html(obj, standalone=False):
    """The view of a derivative (anything `srcdiff.source` accepts from srcdiff.grad,
    value_and_grad, vjp, jvp, hessian, hvp, jacobian): an HTML fragment for Jupyter, or a
    whole document with `standalone`."""
    derivative = _shown_derivative(obj)
    text = derivative.source
    lines = text.splitlines()
    try:
        sections, missing = primal_sections(derivative), ""
    except SrcdiffError as exc:  # e.g. its file was edited since: the emitted code alone
        sections, missing = [], f"The primal source is not available: {exc}"
    note = f'<div class="sd-missing">{html.escape(missing)}</div>' if missing else ""
    targets = attribute(lines, sections)
    digest = hashlib.sha1("\0".join([text] + ["\n".join(s.lines) for s in sections])
                          .encode("utf-8", "surrogatepass")).hexdigest()[:10]
    prefix = f"sd{digest}"
    linked = {t for t in targets if t is not None}
    name, mode = _describe(obj, text)
    emitted_name = next((ln[4:].split("(")[0] for ln in lines if ln.startswith("def ")), "")
    over = len(sections) == 1 and sections[0].origin == EMITTED
    left = "primal: the emitted gradient it runs over" if over else "primal"
    if over:
        mode = "forward mode over the emitted reverse-mode gradient"
    body = (
        f'<div class="srcdiff-view" id="{prefix}">'
        f'<style>{_CSS}</style>'
        f'<div class="sd-head"><b>{html.escape(name)}</b>'
        f'<span>{html.escape(mode)}</span></div>'
        f'<div class="sd-panes">'
        f'<div class="sd-pane sd-primal"><div class="sd-pane-title">{html.escape(left)}</div>'
        f'{_primal_html(sections, linked, prefix)}'
        f'{note}'
        f'</div>'
        f'<div class="sd-pane sd-emitted"><div class="sd-pane-title">emitted: '
        f'{html.escape(emitted_name)}</div>'
        f'{_fold(_emitted_html(lines, targets, sections, prefix), len(lines), emitted_name)}'
        f'</div></div>'
        f'<div class="sd-help">Each marked block of emitted code derives from the primal '
        f'line it links to: hover to highlight both, click to jump.</div>'
        f'<script>{_JS}</script></div>')
    if not standalone:
        return body
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>srcdiff: {html.escape(name)}</title></head>\n'
            f'<body>{body}</body></html>\n')


def show(derivative, path=None, open_browser=False):
    """Write the HTML view of `derivative` to one self-contained file and return its path.

    Without `path`, the file goes to the system's temporary directory, named after the
    derivative. `open_browser=True` opens it with the `webbrowser` module.
    """
    import tempfile
    page = to_html(derivative, standalone=True)
    if path is None:
        name = re.sub(r"[^A-Za-z0-9_]+", "_", getattr(derivative, "__name__", "derivative"))
        digest = hashlib.sha1(page.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        path = os.path.join(tempfile.gettempdir(), f"srcdiff-{name}-{digest}.html")
    path = os.fspath(path)
    with open(path, "w", encoding="utf-8") as out:
        out.write(page)
    if open_browser:
        import pathlib
        import webbrowser
        webbrowser.open(pathlib.Path(path).resolve().as_uri())
    return path
