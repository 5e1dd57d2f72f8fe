"""srcdiff/transform.py: the reverse pipeline's driver (has_aux splits a new lowered record)."""
import numpy as np
import pytest

import srcdiff
from srcdiff import core, emit, transform
from gradcheck import numerical_grad


def with_aux(x):
    y = np.sin(x) * x
    return np.sum(y * y), y + 1.0


def test_has_aux_leaves_the_frozen_lowered_function_as_it_was():
    low = transform.lower_function(with_aux)
    before = emit.to_source(low.body)
    ids = [id(s) for s in low.body]
    split, aux = transform._split_aux(low)
    assert [id(s) for s in low.body] == ids
    assert emit.to_source(low.body) == before
    assert "check_aux_pair" not in low.bindings
    assert split is not low and split.body is not low.body
    assert split.body[:len(ids) - 1] == low.body[:-1]
    with pytest.raises(AttributeError, match="frozen"):
        split.body = []
    core.validate(split)
    assert aux in {n for s in split.body for n in core.assigned_names([s])}


def test_has_aux_gradient_matches_finite_differences():
    x = np.array([0.3, -1.2, 2.0])
    g, aux = srcdiff.grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(g, numerical_grad(lambda x: with_aux(x)[0], [x], 0),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(aux, with_aux(x)[1])
    (value, aux), g2 = srcdiff.value_and_grad(with_aux, has_aux=True)(x)
    np.testing.assert_allclose(value, with_aux(x)[0])
    np.testing.assert_allclose(g2, g)


# -- the user's defaults in the shown signature ------------------------------------------
STEPS = 3


def with_defaults(x, n=3, scale=-1.5, axes=(0,), label="a", flag=None):
    return np.sum(np.sin(x) ** 2, axis=axes) * n * scale


def default_read_from_a_global(x, n=STEPS, scale=2.0):
    return np.sum(x ** 3) * n * scale


def default_then_required(x, scale=2.0, *, tol, k=0.5):
    return np.sum(x * x) * scale * k * tol


def _loaded(text, name):
    space = {}
    exec(compile(text, "<emitted>", "exec"), space)   # the standalone module of `codegen`
    return space[name]


def test_grad_shows_literal_defaults_and_is_callable_without_them():
    g = srcdiff.grad(with_defaults)
    text = srcdiff.source(g)
    assert "def grad_with_defaults(x, n=3, scale=-1.5, axes=(0,), label='a', flag=None):" \
        in text
    x = np.array([0.4, -1.1, 2.0])
    want = numerical_grad(lambda x: with_defaults(x), [x], 0)
    np.testing.assert_allclose(g(x), want, rtol=1e-6, atol=1e-9)
    from srcdiff.cli import generate
    standalone = _loaded(generate([f"{__file__}:with_defaults"], wrt="x"),
                         "grad_with_defaults")
    np.testing.assert_allclose(standalone(x), want, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        standalone(x, 2, 0.5), numerical_grad(lambda x: with_defaults(x, 2, 0.5), [x], 0),
        rtol=1e-6, atol=1e-9)


def test_a_default_written_otherwise_ends_the_shown_run():
    # n=STEPS is not a literal: n and the parameters before it show none, scale shows its own
    text = srcdiff.source(srcdiff.grad(default_read_from_a_global))
    assert "def grad_default_read_from_a_global(x, n, scale=2.0):" in text
    # a parameter without a default after one with: only the defaults after it show
    g = srcdiff.grad(default_then_required)
    assert "def grad_default_then_required(x, scale, tol, k=0.5):" in srcdiff.source(g)
    x = np.array([0.3, 0.7])
    np.testing.assert_allclose(
        g(x, tol=3.0), numerical_grad(lambda x: default_then_required(x, tol=3.0), [x], 0),
        rtol=1e-6)


def test_a_default_changed_since_the_def_is_not_shown():
    def f(x, scale=2.0):
        return np.sum(x * x) * scale
    f.__defaults__ = (5.0,)
    g = srcdiff.grad(f)
    assert "def grad_f(x, scale):" in srcdiff.source(g)
    x = np.array([0.3, 0.7])
    np.testing.assert_allclose(g(x), numerical_grad(f, [x], 0), rtol=1e-6)


def test_vjp_keeps_every_parameter_required_and_jvp_shows_the_defaults():
    # the cotangent comes last and stays required (a None cotangent would pass its check),
    # so nothing before it shows a default; a jvp's tangents take None, which check_tangent
    # refuses, so the user's defaults show and a call leaving them out names the tangents
    assert "def vjp_with_defaults(x, n, scale, axes, label, flag, cotangent):" in \
        srcdiff.source(srcdiff.vjp(with_defaults))
    text = srcdiff.source(srcdiff.jvp(with_defaults))
    assert "def jvp_with_defaults(x, n=3, scale=-1.5, axes=(0,), label='a', flag=None, " \
        "tangent_x=None):" in text


def test_second_order_over_a_gradient_that_shows_defaults():
    # forward mode over the emitted gradient reads its def, defaults included
    from gradcheck import check
    check(lambda x: with_defaults(x), np.array([0.4, -1.1, 2.0]))
    check(default_read_from_a_global, np.array([0.4, -1.1]), 2.0, 1.5)


# the modules a plain NumPy function's transform never needs: imported only behind the
# census gates and the early returns that say a pass has work (issue #16, a first call's time)
_NOT_NEEDED = ("function_loops", "function_items", "generator_inline", "generator_names",
               "generator_values", "generator_splice", "field_writes", "value_builtins",
               "alias_flow", "alias_rows", "runtime_updates", "wrt_varargs", "runtime_scipy",
               "runtime_integrate", "nested_defs", "aliasing", "alias_flow_blocks",
               "alias_flow_fresh", "alias_fresh_items", "argument_writes", "runtime_values",
               "alias_groups", "loop_rows", "generator_calls", "frozen_calls",
               # imported at their first use (a loop's lambdas, filter(...), a rule that
               # reads an FFT or product helper through runtime_linalg)
               "loop_lambdas", "filter_calls", "runtime_fft", "runtime_products",
               # behind the question that needs them (session 18, issue #16's first call):
               # census's blocks and desugar, a starred for target, an idiom expanded, a
               # checkpoint policy or loop, objects read, an entry check to place
               "plain_blocks", "idiom_rewrite", "checkpoint_adjoint", "protocol_objects",
               "runtime_alias",
               # session 19: behind a call of the user's that writes into what it is given
               # (lower_copies) and an item written (container_writes.store_back_items);
               # a check to place (checks, update_checks)
               "writing_helpers", "alias_guards",
               # session 20: a nested function's defaults, a value passed on made by a call,
               # numpy.put/putmask/place and a.put/partition/resize, a user's function called;
               # an append, a pop, a dict's view or keys, an item written
               "lower_funcs_defaults", "record_notes", "flat_writes", "reverse_callee",
               "container_writes",
               # session 21: an item updated in place (c[k] += v: lower_copies)
               "repeated_items",
               # session 21: an object's fields (field_calls: an object passed in); an
               # attribute of a value read, a numpy.linalg function called (runtime_linalg)
               "field_calls", "runtime_linalg", "runtime_polynomials",
               # session 23: an effect statement (helper_effects), a zip/enumerate loop
               # header, a method of an object of the user's class, an operator on one
               "helper_effects", "zip_headers", "item_fields", "operator_methods",
               "state_methods")

_PLAIN = '''
import json, sys
import numpy as np
import srcdiff


def layer_loss(w, x, y):
    h = np.tanh(x @ w)
    s = np.sum(h * 2.0 + 1.0, axis=1)
    p = np.exp(s - np.max(s))
    loss = -np.sum(y * np.log(p / np.sum(p) + 1e-9))
    r = 0.0
    for i in range(3):
        r = r + np.sum(w * w) * 0.01
    if loss > 0:
        loss = loss + r
    return loss + np.mean(h ** 2)


rng = np.random.default_rng(0)
g = srcdiff.grad(layer_loss)(rng.normal(size=(4, 5)), rng.normal(size=(6, 4)), rng.random(6))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("srcdiff."))))
'''


def test_a_plain_function_imports_no_pass_it_has_no_work_for(tmp_path):
    import json
    import os
    import subprocess
    import sys
    script = tmp_path / "plain.py"
    script.write_text(_PLAIN)
    root = os.path.dirname(os.path.dirname(os.path.abspath(transform.__file__)))
    # bytecode and the rule index written (as after pip install): without the index, a
    # process imports every rule module, and templates/python.py imports runtime_updates
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _ in range(2):   # the first run may write the index; the second reads it
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              env=dict(env, PYTHONPATH=root), timeout=300)
        assert done.returncode == 0, done.stderr
    imported = {m.split(".", 1)[1] for m in json.loads(done.stdout)}
    assert "transform" in imported and "lower" in imported   # the probe did transform
    assert not imported & set(_NOT_NEEDED), sorted(imported & set(_NOT_NEEDED))


_GC_PROBE = '''
import gc, json, sys, weakref
import numpy as np
import srcdiff


class Node:
    pass


def f(x):
    return np.sum(np.sin(x) * x)


frozen = [object() for _ in range(3)]
if sys.argv[1] == "frozen":
    gc.freeze()   # the program froze objects itself: srcdiff leaves them frozen
before = gc.get_freeze_count()
a, b = Node(), Node()
a.other, b.other = b, a   # a cycle, garbage once its names go
gone = weakref.ref(a)
del a, b
g = srcdiff.grad(f)(np.arange(3.0))
print(json.dumps({"before": before, "after": gc.get_freeze_count(), "enabled": gc.isenabled(),
                  "collected": gc.collect() >= 0 and gone() is None}))
'''


@pytest.mark.parametrize("mode", ["plain", "frozen"])
def test_first_transform_leaves_the_collector_as_it_was(tmp_path, mode):
    """derivative._settle_imported moves what a first transform left tracked to the oldest
    generation (gc.freeze, gc.unfreeze): nothing stays frozen, the collector is on again,
    the program's cyclic garbage is still collected, and objects the program froze itself
    stay frozen."""
    import json
    import os
    import subprocess
    import sys
    script = tmp_path / "probe.py"
    script.write_text(_GC_PROBE)
    root = os.path.dirname(os.path.dirname(os.path.abspath(transform.__file__)))
    done = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=root), timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["enabled"] and out["collected"]
    # plain: nothing stays frozen; frozen: the program's frozen objects were not unfrozen
    # (the count moves a little as frozen objects are freed, but never falls to nothing)
    assert (out["before"] > 0) == (out["after"] > 0) == (mode == "frozen")


# -- apart_check_texts: the entry checks of a parameter written in place (hunt9, session 17)
APART_W = np.array([0.5, -1.0, 2.0])
APART_SCALE = 3.0


def _writes_reads_global(x):
    x[0] = 1.0
    return np.sum(x * APART_W) * APART_SCALE


def _reads_global_only(x):
    return np.sum(x * APART_W)


def _writes_reads_numbers_only(x):
    x[1] = APART_SCALE
    return np.sum(np.sin(x))


def test_apart_check_texts_name_the_arrays_a_written_function_reads():
    text = srcdiff.source(srcdiff.grad(_writes_reads_global))
    line = [t for t in text.splitlines() if "check_globals_apart(" in t]
    assert len(line) == 1 and "(x, 'x', (APART_W,), ('APART_W',), '_writes_reads_global'" \
        in line[0]   # a number, numpy and srcdiff's own helpers are not checked
    assert "check_globals_apart" not in srcdiff.source(srcdiff.grad(_reads_global_only))
    assert "check_globals_apart" not in srcdiff.source(srcdiff.grad(_writes_reads_numbers_only))
    assert "check_globals_apart(" in srcdiff.source(srcdiff.jvp(_writes_reads_global))


def test_apart_check_texts_repeat_a_gradients_checks_at_the_second_order():
    # the gradient's own check sees the copy its lowering makes of x; hvp checks what the
    # caller passed, before that copy
    text = srcdiff.source(srcdiff.hvp(_writes_reads_global))
    body = text.split("def jvp_grad__writes_reads_global(", 1)[1]
    first = body.index("check_globals_apart(x, 'x', (APART_W,)")
    assert first < body.index("own_copy(x)")
