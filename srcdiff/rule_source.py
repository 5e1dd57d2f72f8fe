"""Rule source reading (a leaf: called by rule_template and rule_forms when one of srcdiff's
rules is first built). Takes a rule's def or lambda and the lines of its file; gives back the
def's source text as `inspect.getsource` gives it, and the one top-level statement that holds
a line, or None where the short way does not apply (the caller then reads it the long way).

`inspect.getsource` tokenizes the file from the def on (the tokenizer's first use in a
process compiles its regular expressions: several milliseconds), and finding a lambda by
parsing its whole file costs milliseconds per rule file: most of the time a first derivative
spent building its rules. Here a def is cut from its file's lines by indentation and a
lambda's statement by the top-level lines around it; a cut is used only when it compiles to
code equal to the function's own (`same_code`), so a cut that went wrong (a line
continued by brackets, a string spanning lines, a file changed since its import) falls back
to the long way instead of giving a different rule.
"""
import textwrap

_OPENERS = (")", "]", "}", "#")


def _indent(line):
    return len(line) - len(line.lstrip(" \t"))


def _blank(line):
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def def_source(code, lines):
    """The source of the def (with its decorators) whose code is `code`, cut from `lines` (its
    file's), dedented; None where the cut is not that def's exact source."""
    text = def_cut(code, lines)
    return text if text is not None and same_code(text, code) else None


def def_cut(code, lines):
    """def_source's cut before its check (the caller checks it: rule_template parses the cut
    once, compiles that tree for `same_code` and converts the same tree); None where no def
    starts at the code's first line."""
    start = code.co_firstlineno - 1
    if not lines or not 0 <= start < len(lines):
        return None
    indent = _indent(lines[start])
    header = start
    while header < len(lines) and not lines[header].lstrip().startswith(("def ", "async def ")):
        header += 1   # the decorators, then the def line
    if header == len(lines) or _indent(lines[header]) != indent:
        return None
    end = header + 1
    while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > indent):
        end += 1
    while end > header + 1 and _blank(lines[end - 1]):
        end -= 1   # trailing blank lines and comments belong to what follows
    return textwrap.dedent("".join(lines[start:end]))


def statement_lines(lines, line):
    """(first line number, lines) of the top-level statement of `lines` that holds line
    number `line` (1-based): from the nearest line above that starts at column 0 (not a
    comment or a closing bracket) to the next such line; None where `line` is out of range."""
    if not 1 <= line <= len(lines):
        return None

    def starts(i):
        text = lines[i]
        return text[:1] not in ("", " ", "\t", "\n", "\r") and not text.startswith(_OPENERS)
    first = line - 1
    while first > 0 and not starts(first):
        first -= 1
    end = line
    while end < len(lines) and not starts(end):
        end += 1
    return first + 1, lines[first:end]


def same_code(text, code):
    """Whether `text` (source text, or a module's standard-library ast parsed from it)
    compiles to a module holding a function whose code is `code`'s (the same bytecode,
    names, variables and constants: the line numbers may differ)."""
    try:
        module = compile(text, "<rule>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return any(fingerprint(c) == fingerprint(code) for c in _codes(module))


def _codes(code):
    for const in code.co_consts:
        if isinstance(const, type(code)):
            yield const
            yield from _codes(const)


def fingerprint(code):
    """What a function's source determines of its code (its names, variables, constants and
    the span of lines it covers from its first), whichever 3.x release compiled it (the
    bytecode itself differs between patch releases: an imported module's may come from
    bytecode cached by another)."""
    lines = [line for _, _, line in code.co_lines() if line is not None]
    return (code.co_name, code.co_argcount, code.co_kwonlyargcount, code.co_varnames,
            code.co_freevars, tuple(sorted(code.co_names)),
            max(lines, default=code.co_firstlineno) - code.co_firstlineno,
            tuple(fingerprint(c) if isinstance(c, type(code)) else (type(c), repr(c))
                  for c in code.co_consts))
