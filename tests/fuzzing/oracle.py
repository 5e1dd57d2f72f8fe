"""Checks one generated program against central finite differences.

Each check runs srcdiff once (grad, value_and_grad, vjp with a random cotangent, jvp with
a random tangent, second order: hvp for an array, grad of grad for a float, and, for one
program seed in SRCDIFF_FUZZ_THIRD_EVERY (3 unless set), third order: jvp of hvp, grad of
grad of grad) and
compares with central differences along one random direction at two step sizes; a
mismatch counts only where the two step sizes agree with each other much better than
with srcdiff. Values returned by srcdiff are compared with f's own, and the caller's
inputs must be left unchanged. Outcome of a check and of a program: right, refused (a
srcdiff.SrcdiffError), crash (any other exception, or a refusal placed elsewhere than at a
line of the program or a file it imports, or naming a temporary the program does not hold:
a MislocatedRefusal) or wrong.
"""
import importlib.util
import os
import re
import sys
import traceback
import warnings

import numpy as np

import srcdiff
import srcdiff.derivative

from .records_arg import flat, is_tree, structure, tree_copy, unflat

STEPS = (1e-5, 2.5e-6)
SECOND_STEPS = (1e-3, 5e-4)   # second differences lose digits as 1/h**2
MARGIN = 1e-3          # comparisons and kinks must be this far from a tie at the sample point
RTOL = 1e-4
ORDER = ("right", "refused", "crash", "wrong")
CHECKS = ("grad", "value_and_grad", "vjp", "jvp", "second", "third")
# the third-order check runs for one program seed in this many; SRCDIFF_FUZZ_THIRD_EVERY sets
# it (1: every program, 0: off). Every third by default since session 17 (its crash, a nested
# def emitted without the module globals it reads, fixed: nested_defs.as_written). Measured
# then: on every program it adds 1-15% to a program's CPU time (generating and validating the
# program dominates); tests/test_fuzz.py took 125 CPU s with every third against 137 s off,
# the same within the shared machine's noise
THIRD_EVERY = int(os.environ.get("SRCDIFF_FUZZ_THIRD_EVERY", "3"))


class Invalid(Exception):
    """The program itself fails, is not finite, or sits too close to a tie at the point."""


_count = [0]


def load(source, directory, stem):
    """Write `source` to directory/stem_N.py and import it as a fresh module."""
    _count[0] += 1
    name = f"{stem}_{os.getpid()}_{_count[0]}"
    path = os.path.join(directory, name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def unload(module):
    sys.modules.pop(module.__name__, None)


def copies(args):
    return tuple(a if isinstance(a, float) else tree_copy(a) if is_tree(a)
                 else np.array(a, copy=True) for a in args)


def moved(args, wrt, direction, step):
    """args with args[wrt] moved by step * direction (a list, tuple or dict of records
    (records_arg.py) moved as its float leaves, direction a tree of its shape)."""
    out = list(copies(args))
    if is_tree(args[wrt]):
        out[wrt] = unflat(args[wrt], flat(args[wrt]) + step * flat(direction))
    else:
        out[wrt] = args[wrt] + step * direction
    return tuple(out)


def as_float(value):
    return np.asarray(value, dtype=float)


def mismatch(got, fd1, fd2):
    """A description if `got` disagrees with the two agreeing difference quotients, else None."""
    got, fd1, fd2 = as_float(got), as_float(fd1), as_float(fd2)
    if got.shape != fd2.shape:
        return f"shape {got.shape}, want {fd2.shape}"
    if not (np.all(np.isfinite(fd1)) and np.all(np.isfinite(fd2))):
        return None
    scale = 1.0 + np.max(np.abs(fd2), initial=0.0)
    if not np.all(np.isfinite(got)):
        return f"got {got!r}, finite differences give {fd2!r}"
    err = np.max(np.abs(got - fd2), initial=0.0)
    spread = np.max(np.abs(fd1 - fd2), initial=0.0)
    if err > RTOL * scale and spread < 0.1 * err:
        return f"got {got!r}, finite differences give {fd2!r} (steps {STEPS}: {fd1!r})"
    return None


def same_value(got, want):
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return f"value has shape {got.shape}, f returns {want.shape}"
    if not np.allclose(got.astype(float), want.astype(float), rtol=1e-9, atol=1e-12):
        return f"value {got!r}, f returns {want!r}"
    return None


def unchanged(before, after):
    for b, a in zip(before, after):
        if is_tree(b) and (structure(b) != structure(a) or not np.array_equal(flat(b), flat(a))):
            return "the caller's inputs were changed"
        if not is_tree(b) and not np.array_equal(np.asarray(b), np.asarray(a)):
            return "the caller's inputs were changed"
    return None


class Oracle:
    """Runs the checks on f at args (wrt a position), with a direction drawn from `seed`."""

    def __init__(self, f, args, wrt, seed, frozen=None):
        """`frozen`: a module with the same f whose stop_gradient holds its values at
        `args` fixed (the function finite differences see); None: f itself."""
        self.f, self.args, self.wrt, self.seed = f, args, wrt, seed
        self.fd_f = f
        if frozen is not None:
            freeze = frozen.stop_gradient
            freeze.saved, freeze.live, freeze.n, freeze.replay = [], [], 0, False
            frozen.f(*copies(args))
            if not freeze.faithful():
                raise Invalid("a value stop_gradient returned is changed in place later")
            freeze.replay = True

            def fd_f(*a):
                freeze.n = 0
                return frozen.f(*a)
            self.fd_f = fd_f
        rng = np.random.default_rng(seed)
        if is_tree(args[wrt]):   # a tree of records: its float leaves
            self.direction = unflat(args[wrt], rng.normal(size=flat(args[wrt]).size))
        else:
            self.direction = float(rng.normal()) if isinstance(args[wrt], float) \
                else rng.normal(size=np.shape(args[wrt]))
        self.value = f(*copies(args))
        out_shape = np.shape(self.value)
        self.cotangent = rng.normal(size=out_shape) if out_shape else float(rng.normal())
        self.fd = [self.quotient(h) for h in STEPS]

    def quotient(self, h):
        plus = as_float(self.fd_f(*moved(self.args, self.wrt, self.direction, h)))
        minus = as_float(self.fd_f(*moved(self.args, self.wrt, self.direction, -h)))
        return (plus - minus) / (2 * h)

    def along(self, gradient):
        return float(np.sum(flat(gradient) * flat(self.direction)))

    def fd_sum(self):
        return [float(np.sum(q)) for q in self.fd]

    def fd_cot(self):
        return [float(np.sum(q * as_float(self.cotangent))) for q in self.fd]

    # -- checks: each returns None (right) or a description of a wrong result -----------------
    def check_grad(self):
        args = copies(self.args)
        g = srcdiff.grad(self.f, wrt=self.wrt)(*args)
        if structure(g) != structure(self.args[self.wrt]):
            return f"gradient shape {structure(g)}"
        return unchanged(self.args, args) or mismatch(self.along(g), *self.fd_sum())

    def check_value_and_grad(self):
        args = copies(self.args)
        value, g = srcdiff.value_and_grad(self.f, wrt=self.wrt)(*args)
        return (unchanged(self.args, args) or same_value(value, self.value)
                or mismatch(self.along(g), *self.fd_sum()))

    def check_vjp(self):
        args = copies(self.args)
        g = srcdiff.vjp(self.f, wrt=self.wrt)(*args, self.cotangent)
        return unchanged(self.args, args) or mismatch(self.along(g), *self.fd_cot())

    def check_jvp(self):
        args = copies(self.args)
        value, t = srcdiff.jvp(self.f, wrt=self.wrt)(*args, self.direction)
        return (unchanged(self.args, args) or same_value(value, self.value)
                or mismatch(t, *self.fd))

    def check_second(self):
        if self.fd_f is not self.f:
            return self.check_second_frozen()
        grad = srcdiff.grad(self.f, wrt=self.wrt)
        fd = []
        for h in STEPS:
            plus = self.leaves(grad(*moved(self.args, self.wrt, self.direction, h)))
            minus = self.leaves(grad(*moved(self.args, self.wrt, self.direction, -h)))
            fd.append((plus - minus) / (2 * h))
        args = copies(self.args)
        if isinstance(self.args[self.wrt], float):
            w = self.wrt
            got = srcdiff.grad(srcdiff.grad(self.f, wrt=w), wrt=w)(*args) * self.direction
        else:
            got = self.leaves(srcdiff.hvp(self.f, wrt=self.wrt)(*args, self.direction))
        return unchanged(self.args, args) or mismatch(got, *fd)

    def leaves(self, value):
        """A derivative as an array: the float leaves of a tree of records (records_arg.py)
        where f's argument is one, else as it is."""
        return flat(value) if is_tree(self.args[self.wrt]) else as_float(value)

    def check_third(self):
        """Third order, forward over forward over the emitted gradient: the tangent of
        hvp(f)(x, v) along v (grad of grad of grad for a float) against central differences
        of srcdiff's own (checked) second derivative along v. It reaches the adjoint's tape
        restores through two passes of forward mode (a popped list's tangents, a restored
        write's other names). Skipped with stop_gradient (the frozen function's third
        derivative is no difference of its hvp) and where srcdiff refuses a transform of a
        transform (the program's own refusals are the other checks')."""
        if self.fd_f is not self.f or not THIRD_EVERY or self.seed % THIRD_EVERY \
                or is_tree(self.args[self.wrt]):   # (records: first and second order only)
            return None
        w, v = self.wrt, self.direction
        try:
            if isinstance(self.args[w], float):
                second = srcdiff.grad(srcdiff.grad(self.f, wrt=w), wrt=w)
                third = srcdiff.grad(second, wrt=w)
            else:
                second = srcdiff.hvp(self.f, wrt=w)
                third = srcdiff.jvp(second, wrt=w)
            args = copies(self.args)
            if isinstance(self.args[w], float):
                got = third(*args) * v * v
            else:
                got = third(*args, v, v)[1]
        except srcdiff.SrcdiffError:
            return None
        fd = []
        for h in STEPS:
            if isinstance(self.args[w], float):
                plus, minus = (as_float(second(*moved(self.args, w, v, s)) * v) for s in (h, -h))
            else:
                plus, minus = (as_float(second(*moved(self.args, w, v, s), v)) for s in (h, -h))
            fd.append((plus - minus) / (2 * h))
        return unchanged(self.args, args) or mismatch(got, *fd)

    def check_second_frozen(self):
        """With stop_gradient, the stopped values are constants at every order (as in JAX and
        PyTorch), so the Hessian is not the derivative of the gradient function (whose
        stopped values move with x). Checked instead: <v, hvp(v)> against second
        differences of the frozen function's sum along v, at two steps."""
        args = copies(self.args)
        if isinstance(self.args[self.wrt], float):
            w = self.wrt
            hvp = srcdiff.grad(srcdiff.grad(self.f, wrt=w), wrt=w)(*args) * self.direction
        else:
            hvp = srcdiff.hvp(self.f, wrt=self.wrt)(*args, self.direction)
        got = float(np.sum(self.leaves(hvp) * self.leaves(self.direction)))
        centre = float(np.sum(as_float(self.fd_f(*copies(self.args)))))
        fd = []
        for h in SECOND_STEPS:
            plus = float(np.sum(as_float(self.fd_f(*moved(self.args, self.wrt,
                                                          self.direction, h)))))
            minus = float(np.sum(as_float(self.fd_f(*moved(self.args, self.wrt,
                                                           self.direction, -h)))))
            fd.append((plus - 2 * centre + minus) / (h * h))
        return unchanged(self.args, args) or mismatch(got, *fd)

    def run(self, name):
        """(outcome, detail) of one check."""
        old = srcdiff.derivative.CHECK_TAPE
        srcdiff.derivative.CHECK_TAPE = True
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                wrong = getattr(self, "check_" + name)()
        except srcdiff.SrcdiffError as err:
            wrong_place = mislocated(err, self.f)
            if wrong_place:
                return "crash", MislocatedRefusal(f"{wrong_place}: {err}")
            return "refused", err
        except RecursionError as err:
            return "crash", err
        except Exception as err:  # noqa: BLE001 - any other exception is a crash
            return "crash", err
        finally:
            srcdiff.derivative.CHECK_TAPE = old
        return ("wrong", wrong) if wrong else ("right", None)


class MislocatedRefusal(Exception):
    """A refusal naming srcdiff's own code or names (a crash: the user cannot act on it)."""


# a name srcdiff makes (mul_1, row_i, items_2), not followed by a call, an attribute or .py
TEMPORARY = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*_(?:\d+|i\d*))(?![\w(.])")


def mislocated(err, f):
    """Why the refusal `err` of a derivative of the program's `f` is not at the user's code,
    or None: it names a file that is not on disk (srcdiff's emitted code), a line outside
    the program or one other than it quotes, or a temporary the program's text lacks."""
    program = f.__code__.co_filename
    with open(program) as fh:
        text = fh.read()
    lines = text.splitlines()
    if err.filename is not None and not os.path.exists(err.filename):
        return f"placed in {err.filename}, not a file of the program's"
    if err.filename is not None and err.lineno is not None and \
            os.path.abspath(err.filename) == os.path.abspath(program):
        if not 1 <= err.lineno <= len(lines):
            return f"line {err.lineno} is outside the program's {len(lines)} lines"
        if err.line is not None and err.line.strip() != lines[err.lineno - 1].strip():
            return f"quotes {err.line.strip()!r}, not line {err.lineno}"
    said = (err.reason or "") + " " + (err.hint or "")
    made = [n for n in TEMPORARY.findall(said) if not re.search(rf"\b{n}\b", text)]
    return f"names {made[0]}, a name the program does not hold" if made else None


def validate(module, probe, args):
    """Raise Invalid unless f runs, is finite and keeps away from ties at `args`."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            value = module.f(*copies(args))
            probe._NEAR.clear()
            probe.f(*copies(args))
        except Exception as err:  # noqa: BLE001
            raise Invalid(f"f fails: {type(err).__name__}: {err}") from None
    if not np.all(np.isfinite(as_float(value))) or np.max(np.abs(as_float(value)),
                                                          initial=0) > 1e6:
        raise Invalid("f is not finite or too large")
    if np.shape(value) not in ((), (3,), (3, 3)):
        raise Invalid(f"output shape {np.shape(value)}")
    if probe._NEAR and min(probe._NEAR) < MARGIN:
        raise Invalid("too close to a tie")


def describe(outcome, detail):
    if detail is None:
        return outcome
    if isinstance(detail, BaseException):
        return f"{type(detail).__name__}: {detail}"
    return str(detail)


def where(err):
    """The innermost srcdiff frame of a crash, to group crashes by place."""
    frames = traceback.extract_tb(err.__traceback__)
    for fr in reversed(frames):
        if "srcdiff" in fr.filename or "templates" in fr.filename:
            return f"{os.path.basename(fr.filename)}:{fr.name}"
    return frames[-1].name if frames else "?"


NAMES = (r"\b(a|p|q|r|row|i|k|L|lam|tup|h|D|v|z|c|g|fs|ys|y|t|P|kw|layers|layer|names|pairs"
         r"|fi|se|u|w|fn|hd|R|recs|Q|it|ops)\d+\b")


def cause(outcome, detail, check):
    """A short key grouping failures and refusals of the same kind."""
    if outcome == "refused":
        text = getattr(detail, "reason", str(detail))
        text = re.sub(NAMES, "NAME", text)
        text = re.sub(r"'[^']*'", "'...'", text)
        text = re.sub(r"line \d+", "line N", text)
        text = re.sub(r"\b[a-z]+_\d+\b", "TEMP", text)
        return text.split("\n")[0][:120]
    if outcome == "crash":
        msg = re.sub(NAMES, "NAME", str(detail))
        msg = re.sub(r"^\S+\.py:\d+: ", "", msg)
        msg = re.sub(r"\d+", "N", msg)
        return f"{check}: {type(detail).__name__} at {where(detail)}: {msg.splitlines()[0][:80]}" \
            if msg else f"{check}: {type(detail).__name__} at {where(detail)}"
    if outcome == "wrong":
        text = str(detail)
        kind = "value" if text.startswith("value") else (
            "mutation" if "changed" in text else "derivative")
        return f"{check}: wrong {kind}"
    return outcome


def reproduce(path, args, wrt, seed, name):
    """Run one check on the f of a repro file (as the fuzzer did): (outcome, detail)."""
    import tempfile

    from .program import FD_HEADER, HEADER
    with open(path) as fh:
        text = fh.read().split("\nARGS = ")[0]
    directory = tempfile.mkdtemp(prefix="srcdiff-repro-")
    module = load(text, directory, "repro")
    frozen = load(text.replace(HEADER, FD_HEADER), directory, "frozen") \
        if "stop_gradient(" in text else None
    return Oracle(module.f, args, wrt, seed, frozen).run(name)

