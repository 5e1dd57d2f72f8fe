"""A generated program as a tree of statements, rendered twice: as the program itself and
as a probe that records how close each comparison or kink came to a tie.

An expression is a pair (plain, probe) of source strings. A statement is either a
simple line or a compound header with blocks of statements. Programs keep this tree so
the shrinker can remove statements and unwrap blocks.
"""
import copy

INDENT = "    "


def j(template, *parts):
    """Format a template with expression pairs into a pair."""
    return (template.format(*[p[0] for p in parts]), template.format(*[p[1] for p in parts]))


def lit(text):
    return (text, text)


def near(a, b):
    """a, recorded by the probe as a distance to the tie at b."""
    return (a[0], f"_near({a[1]}, {b[1]})")


class Stmt:
    """A simple statement (text) or a compound one (blocks: [(header pair, [Stmt])])."""

    def __init__(self, text=None, blocks=None, keep=False):
        self.text = text
        self.blocks = blocks
        self.keep = keep  # never removed by the shrinker (a while loop's counter step)

    def render(self, probe, depth):
        pad = INDENT * depth
        k = 1 if probe else 0
        if self.blocks is None:
            return [pad + line for line in self.text[k].split("\n")]
        lines = []
        for header, body in self.blocks:
            lines.append(pad + header[k])
            inner = [line for s in body for line in s.render(probe, depth + 1)]
            lines.extend(inner or [pad + INDENT + "pass"])
        return lines


class Function:
    def __init__(self, name, params, body):
        self.name = name
        self.params = params  # the text inside the parentheses
        self.body = body      # [Stmt]; the last one returns

    def render(self, probe):
        lines = [f"def {self.name}({self.params}):"]
        lines.extend(line for s in self.body for line in s.render(probe, 1))
        if len(lines) == 1:
            lines.append(INDENT + "pass")
        return lines


HEADER = ("import math\n\nimport numpy as np\n\nfrom srcdiff import stop_gradient\n")

PROBE_HEADER = '''
_NEAR = []


def _near(a, b):
    gap = np.min(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)), initial=np.inf)
    _NEAR.append(float(gap))
    return a


def _tie(a, axis=None):
    values = np.asarray(a, dtype=float)
    values = values.reshape(-1) if axis is None else np.moveaxis(values, axis, -1)
    if values.shape[-1] > 1:
        ordered = np.sort(values, axis=-1)
        _NEAR.append(float(np.min(ordered[..., -1] - ordered[..., -2])))
        _NEAR.append(float(np.min(ordered[..., 1] - ordered[..., 0])))
    return a


def _keyed(xs, key=None):
    """xs; records how close two of the keys sorted() compares come."""
    keys = sorted(float(key(v) if key is not None else v) for v in xs)
    if len(keys) > 1:
        _NEAR.append(min(b - a for a, b in zip(keys, keys[1:])))
    return xs


def _nearmod(a, c, k=2.0):
    """a; records how close (k * a) % c comes to a jump."""
    r = np.mod(k * np.asarray(a, dtype=float), c)
    _NEAR.append(float(np.min(np.minimum(r, c - r), initial=np.inf)))
    return a
'''


FD_HEADER = ("import math\n\nimport numpy as np\n" + '''

class _Freeze:
    """stop_gradient for finite differences: the values seen at the sample point, replayed
    in call order when the inputs move (the control flow is the same near the point)."""

    def __init__(self):
        self.saved, self.live, self.n, self.replay = [], [], 0, False

    def __call__(self, value):
        if not self.replay:
            self.saved.append(np.array(value, copy=True) if isinstance(value, np.ndarray)
                              else value)
            self.live.append(value)
            return value
        self.n += 1
        saved = self.saved[self.n - 1]
        return np.array(saved, copy=True) if isinstance(saved, np.ndarray) else saved


    def faithful(self):
        """False when an array stop_gradient returned was written into afterwards (through
        the name it was given or another): a replayed copy would not see those writes."""
        return all(not isinstance(v, np.ndarray) or np.array_equal(v, saved)
                   for v, saved in zip(self.live, self.saved))


stop_gradient = _Freeze()
''')


class Program:
    """Helpers then the function `f` differentiated; `args` is the sample point."""

    def __init__(self, functions, args, wrt):
        self.functions = functions
        self.args = args
        self.wrt = wrt
        self.records = None   # the form of a list/tuple/dict of records f takes first

    def source(self, probe=False, frozen=False):
        """The program; with probe, recording distances to ties; with frozen, with
        stop_gradient holding values fixed for finite differences."""
        text = FD_HEADER if frozen else HEADER + (PROBE_HEADER if probe else "")
        for fn in self.functions:
            text += "\n\n" + "\n".join(fn.render(probe)) + "\n"
        return text

    def clone(self):
        return copy.deepcopy(self)

    def size(self):
        def count(stmts):
            n = 0
            for s in stmts:
                n += 1
                if s.blocks:
                    n += sum(count(b) for _, b in s.blocks)
            return n
        return sum(count(fn.body) for fn in self.functions) + len(self.functions)
