"""Checkpointed loops and calls (srcdiff/checkpointing.py): the same derivatives as the taped
ones, checked by finite differences to second order, in bounded memory; refusals located."""
import tracemalloc

import numpy as np
import pytest

import srcdiff
from gradcheck import check
import control_corpus as corpus

rng = np.random.default_rng(18)
X = rng.normal(size=4) * 0.5
W = rng.normal(size=(4, 4)) * 0.4


# --- in the source: for t in srcdiff.checkpointed(...) -------------------------------------
def rnn_sqrt(x, w):
    h = x
    for t in srcdiff.checkpointed(range(13)):
        h = np.tanh(w @ h + 0.1 * t)
    return np.sum(h * h)


def rnn_snapshots(x, w):
    h = x
    for t in srcdiff.checkpointed(range(17), snapshots=3):
        h = np.tanh(w @ h) + 0.5 * h
    return np.sum(h)


def rnn_budget(x, w):
    h = x
    for t in srcdiff.checkpointed(range(11), snapshots="100B"):  # 3 snapshots of 32 bytes
        h = np.sin(w @ h) * x
    return np.sum(h)


def rnn_variable_policy(x, w, k):
    h = x
    for t in srcdiff.checkpointed(range(9), snapshots=k):
        h = np.tanh(w @ h)
    return np.sum(h)


def carried_pair_and_branch(x, w):
    a = x
    b = x * 2.0
    for t in srcdiff.checkpointed(range(10), snapshots=2):
        if np.sum(a) > 0:
            a, b = b * 0.5, np.sin(a)
        else:
            a = a - 0.1 * b
        if t % 3 == 0:
            continue
        b = b + np.cos(w @ a)
    return np.sum(a * b)


def writes_into_carried_array(x, w):
    buf = x * 1.0
    for t in srcdiff.checkpointed(range(8), snapshots=2):
        buf[t % 4] = np.tanh(buf[(t + 1) % 4] * buf[t % 4] + 0.3)
    return np.sum(buf * buf)


def appends_in_loop(x, w):
    hs = []
    h = x
    for t in srcdiff.checkpointed(range(6), snapshots=2):
        h = np.tanh(w @ h)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2)


def inner_loop_with_break(x, w):
    h = x
    for t in srcdiff.checkpointed(range(7), snapshots=2):
        for j in range(4):
            h = np.sin(h) + 0.2 * h
            if np.sum(h) > 1.0 + t:
                break
    return np.sum(h)


def over_enumerate_and_zip(x, w):
    s = x * 0.0
    for i, row in srcdiff.checkpointed(enumerate(w), snapshots=2):
        s = s + np.tanh(row * s + x) * (i + 1)
    for r, v in srcdiff.checkpointed(zip(w, x)):
        s = s * v + r
    return np.sum(s)


def breaks_out(x, w):
    h = x
    for t in srcdiff.checkpointed(range(30), snapshots=2):
        h = np.sin(w @ h) + h
        if np.sum(h) > 3.0:
            break
    return np.sum(h * h)


def returns_from_the_loop(x, w):
    h = x
    for t in srcdiff.checkpointed(range(30), snapshots=3):
        h = np.sin(w @ h) + h
        if np.sum(h) > 3.0:
            return np.sum(h)
    return np.sum(h * h)


def while_loop(x, w):
    h = x
    i = 0
    while srcdiff.checkpointed(np.sum(h * h) < 50.0 and i < 40, snapshots=3):
        h = np.tanh(w @ h) * 1.3 + h
        i = i + 1
    return np.sum(h)


def while_loop_with_break(x, w):
    h = x
    k = 0
    while srcdiff.checkpointed(k < 25):
        k = k + 1
        h = np.cos(w @ h) * 0.5 + h
        if np.max(h) > 2.5:
            break
    return np.sum(h * h)


def overwritten_each_step(x, w):
    """y is set anew at each step and unread after the loop: its adjoint is zeroed each
    step, like the value it had before (at a segment's first step, the segment's start)."""
    y = x
    for t in srcdiff.checkpointed(range(7), snapshots=2):
        y = np.sin(w @ x) * t
    return np.sum(x * 2.0)


def inside_a_branch(x, w):
    h = x * 1.0
    if np.sum(x) > 0:
        for t in srcdiff.checkpointed(range(6), snapshots=2):
            h = np.sin(w @ h) + x
    else:
        h = h * 3.0
    return np.sum(h * h)


def empty_range(x, w):
    h = x * 2.0
    for t in srcdiff.checkpointed(range(0)):
        h = np.tanh(w @ h)
    return np.sum(h)


def _cell(h, w):
    return np.tanh(w @ h) + 0.1 * h


def calls_a_helper(x, w):
    h = x
    for t in srcdiff.checkpointed(range(9), snapshots=3):
        h = _cell(h, w)
    return np.sum(h ** 2)


def reads_a_name_changed_later(x, w):
    c = x * 0.5
    h = x
    for t in srcdiff.checkpointed(range(6), snapshots=2):
        h = np.sin(h) * c
    c = c * 3.0  # the recomputation must read c as it was
    return np.sum(h + c)


def long_while_with_break(x, w):
    """An online loop of ~150 trips with 5 snapshots: kept ones thinned several times,
    segments reversed with the binomial schedule; left by break."""
    h = x
    i = 0
    while srcdiff.checkpointed(i < 400, snapshots=5):
        h = np.tanh(w @ h) * 0.9 + 0.05 * h
        i = i + 1
        if i * 0.01 > np.abs(np.sum(x)) + 1.0:
            break
    return np.sum(h * h)


IN_SOURCE = [rnn_sqrt, long_while_with_break, rnn_snapshots, rnn_budget, carried_pair_and_branch, breaks_out,
             returns_from_the_loop, while_loop, while_loop_with_break, overwritten_each_step,
             inside_a_branch,
             writes_into_carried_array, appends_in_loop, inner_loop_with_break,
             over_enumerate_and_zip, empty_range, calls_a_helper, reads_a_name_changed_later]


@pytest.mark.parametrize("f", IN_SOURCE, ids=lambda f: f.__name__)
def test_checkpointed_loops_to_second_order(f):
    """grad, vjp, jvp and forward over the checkpointed adjoint (hvp) by finite differences."""
    check(f, X.copy(), W.copy(), wrt=(0, 1))


def _taped_twin(f, tmp_path):
    """f with srcdiff.checkpointed(...) dropped from its source (a module of its own)."""
    import importlib
    import inspect
    import re
    import sys
    text = re.sub(r"srcdiff\.checkpointed\((.*?)(, snapshots=[^)]*)?\):", r"\1:",
                  inspect.getsource(f))
    assert "checkpointed" not in text
    name = f"taped_{f.__name__}"
    (tmp_path / f"{name}.py").write_text("import numpy as np\n" + inspect.getsource(_cell)
                                         + "\n\n" + text)
    sys.path.insert(0, str(tmp_path))
    try:
        return getattr(importlib.import_module(name), f.__name__)
    finally:
        sys.path.remove(str(tmp_path))


@pytest.mark.parametrize("f", IN_SOURCE, ids=lambda f: f.__name__)
def test_checkpointed_loops_give_the_taped_gradient(f, tmp_path):
    """The same function with its loop taped gives the same value and gradients."""
    plain = _taped_twin(f, tmp_path)
    got = srcdiff.value_and_grad(f, wrt=(0, 1))(X.copy(), W.copy())
    want = srcdiff.value_and_grad(plain, wrt=(0, 1))(X.copy(), W.copy())
    np.testing.assert_allclose(got[0], want[0], rtol=1e-13)
    for g, w in zip(got[1], want[1]):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


def test_a_loop_in_the_branch_not_taken():
    check(inside_a_branch, -np.abs(X), W.copy(), wrt=(0, 1))


@pytest.mark.parametrize("k", [1, 2, 5, 100, "sqrt", "64B"])
def test_policy_given_at_run_time(k):
    check(rnn_variable_policy, X.copy(), W.copy(), k, wrt=(0, 1))


def test_outside_srcdiff_the_function_runs_as_written():
    r = range(5)
    assert srcdiff.checkpointed(r, snapshots=3) is r
    assert srcdiff.checkpoint(_cell)(X, W) is not None
    np.testing.assert_array_equal(srcdiff.checkpoint(_cell)(X, W), _cell(X, W))


def test_emitted_code_is_a_readable_loop_over_segments():
    text = srcdiff.source(srcdiff.grad(rnn_snapshots))
    assert "def forward_segment_1(segment, h, w):" in text
    assert "def backward_segment_1(segment," in text
    assert "for action_1, segment_1 in schedule_1:" in text
    assert "checkpointed loop (at most 3 snapshots, binomial schedule" in text
    assert "a snapshot keeps h" in text


# --- per function: grad(f, checkpoint=...) over the control-flow corpus ------------------
def _has_loop(f):
    import inspect
    text = inspect.getsource(f)
    return "for " in text or "while " in text


LOOPS = [f for f in corpus.CORPUS if _has_loop(f)]


@pytest.mark.parametrize("policy", ["sqrt", 2, 3, "200B"])
@pytest.mark.parametrize("f", LOOPS + corpus.MATRIX_CORPUS, ids=lambda f: f.__name__)
def test_corpus_with_a_checkpoint_policy(f, policy):
    """Every corpus function with a loop (for, while, left by break or return): with
    checkpointing of its outermost loops, the gradient is the taped one (to rounding) and
    the value is f's."""
    xs = [corpus.MAT] if f in corpus.MATRIX_CORPUS else list(corpus.INPUTS.values())
    for x in xs:
        want = srcdiff.grad(f)(x.copy())
        value, got = srcdiff.value_and_grad(f, checkpoint=policy)(x.copy())
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(value, f(x.copy()), rtol=1e-12)


def test_vjp_with_a_checkpoint_policy():
    def f(x):
        y = x
        for i in range(6):
            y = np.sin(y) * x
        return y
    ct = np.arange(4.0)
    got = srcdiff.vjp(f, checkpoint=2)(X.copy(), ct)
    np.testing.assert_allclose(got, srcdiff.vjp(f)(X.copy(), ct), rtol=1e-12)
    check(f, X.copy(), modes=("rev",), order=1)


# --- per call: srcdiff.checkpoint(g) ----------------------------------------------------
_cell_kept = srcdiff.checkpoint(_cell)


@srcdiff.checkpoint
def _decorated(h, w):
    return np.sin(w @ h) * h


def checkpointed_calls(x, w):
    h = x
    for t in range(4):
        h = _cell_kept(h, w)
        h = srcdiff.checkpoint(_cell)(h, w)
        h = _decorated(h, w)
    return np.sum(h * h)


def test_checkpointed_calls_to_second_order():
    check(checkpointed_calls, X.copy(), W.copy(), wrt=(0, 1))


def test_checkpointed_call_is_run_again_in_the_backward_pass():
    text = srcdiff.source(srcdiff.grad(checkpointed_calls, wrt=(0, 1)))
    assert "_cell is checkpointed: run again, taped" in text
    assert "_cell_kept(h, w)" in text  # the primal calls the function itself, untaped


def checkpoint_bound_in_the_function(x, w):
    step = srcdiff.checkpoint(_cell)   # as jax.checkpoint is often bound where it is used
    h = x
    for t in range(4):
        h = step(h, w)
    return np.sum(h * h)


def test_checkpoint_bound_to_a_local_name():
    check(checkpoint_bound_in_the_function, X.copy(), W.copy(), wrt=(0, 1))
    text = srcdiff.source(srcdiff.grad(checkpoint_bound_in_the_function, wrt=(0, 1)))
    assert "_cell is checkpointed: run again, taped" in text
    assert "step = _cell" in text and "checkpointing.checkpoint" not in text


def checkpoint_of_a_lambda(x, w):
    step = srcdiff.checkpoint(lambda h: np.tanh(h * w))
    return np.sum(step(x))


def test_checkpoint_of_a_lambda_bound_here_is_refused_at_the_line():
    with pytest.raises(srcdiff.SrcdiffError, match="takes one function, named") as err:
        srcdiff.grad(checkpoint_of_a_lambda)(X.copy(), W.copy())
    assert err.value.filename.endswith("test_checkpointing.py")
    assert "srcdiff.checkpoint(lambda" in err.value.line


# --- refusals -------------------------------------------------------------------------
def nested_checkpointed(x):
    h = x
    for i in range(3):
        for t in srcdiff.checkpointed(range(5)):
            h = np.sin(h)
    return np.sum(h)


def bad_constant_policy(x):
    for t in srcdiff.checkpointed(range(5), snapshots="lots"):
        x = np.sin(x)
    return np.sum(x)


def _callee_with_checkpointed_loop(h):
    for t in srcdiff.checkpointed(range(3)):
        h = np.sin(h)
    return h


def calls_a_checkpointed_loop(x):
    return np.sum(_callee_with_checkpointed_loop(x))


@pytest.mark.parametrize("f,match", [
    (nested_checkpointed, "not inside another loop"),
    (bad_constant_policy, "not a checkpoint policy"),
    (calls_a_checkpointed_loop, "only in the function it differentiates"),
])
def test_refusals_name_the_line(f, match):
    with pytest.raises(srcdiff.SrcdiffError, match=match) as err:
        srcdiff.grad(f)(X.copy())
    assert err.value.filename.endswith("test_checkpointing.py")
    assert err.value.line and "for" in err.value.line


def test_a_bad_policy_at_run_time_is_refused_at_the_line():
    with pytest.raises(srcdiff.RuntimeRefusal, match="at least 1") as err:
        srcdiff.grad(rnn_variable_policy)(X.copy(), W.copy(), 0)
    assert "checkpointed" in err.value.line


def test_bad_policy_arguments():
    with pytest.raises(srcdiff.ArgumentError):
        srcdiff.grad(rnn_sqrt, checkpoint="cubic")
    with pytest.raises(srcdiff.ArgumentError):
        srcdiff.checkpointed(range(3), snapshots=0)
    with pytest.raises(srcdiff.ArgumentError):
        srcdiff.checkpoint(np.sin)


# --- memory -------------------------------------------------------------------------
def long_scalar_loop(x):
    for t in range(20000):
        x = x * 0.9999 + 0.0001 * np.sin(x)
    return x


def long_scalar_while(x, n):
    t = 0
    while t < n:
        x = x * 0.9999 + 0.0001 * np.sin(x)
        t = t + 1
    return x


def _peak(g, *args):
    tracemalloc.start()
    try:
        g(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_sqrt_policy_bounds_the_memory_of_a_long_loop():
    taped = srcdiff.grad(long_scalar_loop)
    kept = srcdiff.grad(long_scalar_loop, checkpoint="sqrt")
    assert kept(0.3) == pytest.approx(taped(0.3), rel=1e-12)
    assert _peak(kept, 0.3) < 0.1 * _peak(taped, 0.3)


def test_online_policy_bounds_the_memory_of_a_long_while_loop():
    """A while loop checkpointed online with k = 8: its peak memory does not grow with the
    trip count (k snapshots, one unit's tape, one segment's schedule) and is a small part
    of the taped one."""
    taped = srcdiff.grad(long_scalar_while)
    kept = srcdiff.grad(long_scalar_while, checkpoint=8)
    assert kept(0.3, 20000) == pytest.approx(taped(0.3, 20000), rel=1e-12)
    short, long_ = _peak(kept, 0.3, 5000), _peak(kept, 0.3, 40000)
    assert long_ < 1.5 * short + 20000
    assert long_ < 0.1 * _peak(taped, 0.3, 40000)
    sqrt = srcdiff.grad(long_scalar_while, checkpoint="sqrt")
    assert sqrt(0.3, 20000) == pytest.approx(taped(0.3, 20000), rel=1e-12)
    assert _peak(sqrt, 0.3, 40000) < 0.1 * _peak(taped, 0.3, 40000)


def _runs_in_the_backward_pass(g, *args):
    """Steps the segment functions run when g runs: (plainly, taped)."""
    import sys
    runs = {"forward_segment": 0, "backward_segment": 0}

    def profile(frame, event, arg):
        if event == "call":
            kind = frame.f_code.co_name.rstrip("_0123456789")
            if kind in runs:
                runs[kind] += len(frame.f_locals["segment"])
    g(*args)  # compiled first
    sys.setprofile(profile)
    try:
        g(*args)
    finally:
        sys.setprofile(None)
    return runs["forward_segment"], runs["backward_segment"]


@pytest.mark.parametrize("k,steps", [(4, 3000), (8, 3000), (9, 20000), ("sqrt", 5000)])
def test_online_recomputation_within_the_bound(k, steps):
    """A while loop of T steps, online: the primal runs it once (no counting pass: the
    segment functions run only in the backward pass), every step is run taped once, and
    segment j's steps run plainly at most r_j times more, r_j the least with
    C(k - 1 - j + r, r) >= the segment's units (srcdiff/checkpointing.py's bound)."""
    from srcdiff import revolve
    g = srcdiff.grad(long_scalar_while, checkpoint=k)
    assert "count_steps" not in srcdiff.source(g)
    plain, taped = _runs_in_the_backward_pass(g, 0.3, steps)
    assert taped == steps
    if k == "sqrt":
        assert plain == 0
        return
    keep, stride = max(1, k // 2), 1
    while -(-steps // stride) > keep:
        stride *= 2
    bound, count = 0, -(-steps // stride)
    for j in range(count):
        segment = range(steps)[j * stride:(j + 1) * stride]
        unit = revolve.units_for(len(segment), k - j, max(1, 1000 // count))
        bound += len(segment) * revolve.repetitions(k - j - 1, -(-len(segment) // unit))
    assert 0 < plain <= bound


def test_online_loop_is_emitted_readably():
    text = srcdiff.source(srcdiff.grad(while_loop))
    assert "count_steps" not in text
    assert "online, the trip count T known only at the loop's end" in text
    assert "kept_1.append((" in text and "kept_1 = kept_1[::2]" in text
    assert "stride_1 = stride_1 * 2" in text
    assert "elif action_1 == 'restore_kept':" in text


# --- the device-like array type, the codegen command --------------------------------------
def test_on_the_strict_array_type():
    from device_arrays import StrictArray
    x, w = StrictArray(X.copy()), StrictArray(W.copy())
    got = srcdiff.grad(rnn_snapshots, wrt=(0, 1))(x, w)
    want = srcdiff.grad(rnn_snapshots, wrt=(0, 1))(X.copy(), W.copy())
    for g, v in zip(got, want):
        assert isinstance(g, StrictArray)
        np.testing.assert_allclose(g._data, v, rtol=1e-12)
    got = srcdiff.grad(writes_into_carried_array)(StrictArray(X.copy()), w)
    assert isinstance(got, StrictArray)
    np.testing.assert_allclose(got._data, srcdiff.grad(writes_into_carried_array)(
        X.copy(), W.copy()), rtol=1e-12)


def test_codegen_checkpoint_option(tmp_path, monkeypatch):
    import subprocess
    import sys
    import os
    module = tmp_path / "loopmod.py"
    module.write_text("import numpy as np\n\n\ndef loss(w, x):\n    h = x\n"
                      "    for t in range(30):\n        h = np.tanh(w * h + 0.1)\n"
                      "    return np.sum(h)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    subprocess.run([sys.executable, "-m", "srcdiff", "loopmod.py:loss", "--checkpoint", "4",
                    "-o", "gen_loop.py"], cwd=tmp_path, check=True, env=env)
    text = (tmp_path / "gen_loop.py").read_text()
    assert "def backward_segment_1(" in text and "import srcdiff" not in text
    out = subprocess.run([sys.executable, "-c", "import numpy as np, gen_loop; "
                          "print(repr(gen_loop.grad_loss(0.7, np.ones(3))))"],
                         cwd=tmp_path, check=True, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=""))
    monkeypatch.syspath_prepend(str(tmp_path))
    import loopmod
    assert float(out.stdout) == pytest.approx(srcdiff.grad(loopmod.loss)(0.7, np.ones(3)),
                                              rel=1e-12)
    bad = subprocess.run([sys.executable, "-m", "srcdiff", "loopmod.py:loss",
                          "--checkpoint", "cubic"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "not a checkpoint policy" in bad.stderr


def _helper_with_a_checkpointed_call(h, w):
    return _cell_kept(h, w) * 0.5 + h


def checkpointed_call_in_a_helper_and_a_checkpointed_loop(x, w):
    h = x
    for t in srcdiff.checkpointed(range(5), snapshots=2):
        h = _helper_with_a_checkpointed_call(h, w)
    return np.sum(np.sin(h))


def test_checkpointed_call_in_a_helper_inside_a_checkpointed_loop():
    check(checkpointed_call_in_a_helper_and_a_checkpointed_loop, X.copy(), W.copy(),
          wrt=(0, 1))


def test_on_dask_arrays():
    da = pytest.importorskip("dask.array")
    x, w = da.from_array(X.copy(), chunks=2), da.from_array(W.copy(), chunks=2)
    for f in (rnn_snapshots, rnn_budget, while_loop):
        got = srcdiff.grad(f, wrt=(0, 1))(x, w)
        want = srcdiff.grad(f, wrt=(0, 1))(X.copy(), W.copy())
        for g, v in zip(got, want):
            assert isinstance(g, da.Array)
            np.testing.assert_allclose(g.compute(), v, rtol=1e-12)


def _plain_loop(x, w):
    h = x
    for t in range(6):
        h = np.tanh(w * h) + 0.1 * h
    return np.sum(h * h)


def test_composed_over_a_function_checkpoint_policy():
    """grad of grad(f, checkpoint=2): forward mode over the checkpointed adjoint, against
    central differences of that adjoint (gradcheck.check_transform)."""
    from gradcheck import check_transform
    check_transform("grad", srcdiff.grad(_plain_loop, checkpoint=2), X, 0.7)
    check_transform("jvp", srcdiff.grad(_plain_loop, checkpoint="sqrt"), X, 0.7)


def test_checkpoint_with_jit_is_refused(tmp_path):
    with pytest.raises(srcdiff.ArgumentError, match="checkpoint= and jit="):
        srcdiff.grad(_plain_loop, checkpoint="sqrt", jit=True)
    from srcdiff.cli import main
    src = tmp_path / "loop.py"
    src.write_text("import numpy as np\n\ndef f(x):\n    for t in range(3):\n"
                   "        x = np.sin(x)\n    return np.sum(x)\n")
    assert main([f"{src}:f", "--backend", "numba", "--checkpoint", "sqrt"]) != 0


# --- checkpoint= on second derivatives: forward mode over the checkpointed gradient ---------
def _while_plain(x, w):
    h = x
    i = 0
    while i < 23:
        h = np.tanh(w @ h) * 0.8 + 0.1 * h * h
        i = i + 1
        if np.sum(h) > 40.0:
            break
    return np.sum(h * np.sin(h))


def _numeric_hvp(f, policy, x, w, v, eps=1e-6):
    """Central differences of the checkpointed gradient along v (the gradient itself is
    checked against f by finite differences above)."""
    g = srcdiff.grad(f, checkpoint=policy)
    return (g(x + eps * v, w) - g(x - eps * v, w)) / (2 * eps)


@pytest.mark.parametrize("policy", ["sqrt", 1, 2, 3, "100B"])
@pytest.mark.parametrize("f", [_plain_loop, _while_plain], ids=lambda f: f.__name__)
def test_hvp_and_hessian_with_a_checkpoint_policy(f, policy):
    x, w = X.copy(), W.copy() if f is _while_plain else 0.7
    check(lambda x: f(x, w), x, modes=("rev",), order=1)  # the gradient, by differences of f
    np.testing.assert_allclose(srcdiff.grad(f, checkpoint=policy)(x, w),
                               srcdiff.grad(f)(x, w), rtol=1e-12, atol=1e-15)
    v = rng.normal(size=x.shape)
    got = srcdiff.hvp(f, checkpoint=policy)(x, w, v)
    np.testing.assert_allclose(got, _numeric_hvp(f, policy, x, w, v), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got, srcdiff.hvp(f)(x, w, v), rtol=1e-12, atol=1e-14)
    hess = srcdiff.hessian(f, checkpoint=policy)(x, w)
    columns = [_numeric_hvp(f, policy, x, w, e) for e in np.eye(x.size)]
    np.testing.assert_allclose(hess, np.stack(columns, axis=-1), rtol=1e-5, atol=1e-7)


def test_hvp_with_a_checkpoint_policy_runs_the_checkpointed_gradient():
    h = srcdiff.hvp(_while_plain, checkpoint=3)
    h(X.copy(), W.copy(), X.copy())
    text = srcdiff.source(h)
    assert "jvp_backward_segment" in text and "restore_kept" in text


def test_bad_policy_on_second_derivatives():
    with pytest.raises(srcdiff.ArgumentError):
        srcdiff.hvp(_plain_loop, checkpoint="cubic")
    with pytest.raises(srcdiff.ArgumentError):
        srcdiff.hessian(_plain_loop, checkpoint=0)


def test_codegen_hvp_with_checkpoint(tmp_path, monkeypatch):
    """`--mode hvp --checkpoint 3`: standalone forward-over-checkpointed-reverse code, the
    same products as srcdiff.hvp (checked by differences above); forward mode refuses it."""
    import subprocess
    import sys
    import os
    (tmp_path / "whilemod.py").write_text(
        "import numpy as np\n\n\ndef loss(x, w):\n    h = x\n    i = 0\n"
        "    while i < 17:\n        h = np.tanh(w * h) + 0.1 * h * h\n        i = i + 1\n"
        "    return np.sum(h)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root)
    subprocess.run([sys.executable, "-m", "srcdiff", "whilemod.py:loss", "--mode", "hvp",
                    "--checkpoint", "3", "-o", "gen_hvp.py"], cwd=tmp_path, check=True,
                   env=env)
    text = (tmp_path / "gen_hvp.py").read_text()
    assert "restore_kept" in text and "import srcdiff" not in text
    out = subprocess.run([sys.executable, "-c", "import numpy as np, gen_hvp; print(repr("
                          "list(gen_hvp.hvp_loss(np.linspace(0.1, 0.4, 3), 0.7, "
                          "np.array([1.0, -2.0, 0.5])))))"], cwd=tmp_path, check=True,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=""))
    monkeypatch.syspath_prepend(str(tmp_path))
    import whilemod
    want = srcdiff.hvp(whilemod.loss, checkpoint=3)(np.linspace(0.1, 0.4, 3), 0.7,
                                                      np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(eval(out.stdout, {"np": np}), want, rtol=1e-12)
    bad = subprocess.run([sys.executable, "-m", "srcdiff", "whilemod.py:loss", "--mode",
                          "forward", "--checkpoint", "3"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--checkpoint applies to" in bad.stderr


@pytest.mark.parametrize("transform", ["hvp", "hessian"])
def test_checkpoint_given_to_a_transform_of_a_derivative_is_refused_not_dropped(transform):
    # hvp(grad(f), checkpoint=2) runs over grad(f)'s emitted code: the policy would be
    # silently ignored there, so it is refused with a pointer to where it belongs
    def f(x):
        for _ in range(3):
            x = np.sin(x)
        return np.sum(x)
    with pytest.raises(srcdiff.errors.ArgumentError, match="inner grad"):
        getattr(srcdiff, transform)(srcdiff.grad(f), checkpoint=2)


def _online_with_temporaries(x, w):
    k = 0
    while k < 7:
        z = np.sin(x * w)
        c = np.cos(x) * 0.5
        x = z + c
        k = k + 1
    return np.sum(x * z)


@pytest.mark.parametrize("policy", ["sqrt", 3])
def test_online_loop_emits_only_what_its_sweep_runs(policy):
    # "sqrt" online: the sweep only restores kept snapshots and turns, so no
    # forward_segment_N, no 'advance' or 'restore' branch and no tape in the gradient
    # itself; with k snapshots they stay. Neither binds loop temporaries to None first
    # (only what a snapshot reads before the loop binds it)
    f = _online_with_temporaries
    x, w = X.copy(), 0.7
    g = srcdiff.grad(f, checkpoint=policy)
    text = srcdiff.source(g)
    main = text.split("\ndef backward_segment")[0]
    assert ("def forward_segment_1" in text) == (policy != "sqrt")
    assert ("== 'advance'" in main) == (policy != "sqrt")
    assert ("tape = []" in main) == (policy != "sqrt")
    assert "cos_1 = None" not in main and "c = None" not in main
    check(lambda x: f(x, w), x, modes=("rev",), order=1)
    np.testing.assert_allclose(g(x, w), srcdiff.grad(f)(x, w), rtol=1e-12, atol=1e-15)
    v = rng.normal(size=x.shape)
    got = srcdiff.hvp(f, checkpoint=policy)(x, w, v)
    np.testing.assert_allclose(got, _numeric_hvp(f, policy, x, w, v), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got, srcdiff.hvp(f)(x, w, v), rtol=1e-12, atol=1e-14)


# -- hunt19: a checkpointed loop calling a local function (ckpt20: the closures reading what
# the loop changes, a def, lambda or try block in its body: tests/test_checkpoint_closures.py)
def steps_a_closure_reading_what_the_loop_leaves(x, s):
    a = s * 1.0
    step = lambda t: np.sin(t * a)   # noqa: E731
    h = s
    for i in srcdiff.checkpointed(range(4), snapshots=2):
        h = step(x[i % 3]) * h
    return h


def test_a_checkpointed_loop_calling_a_closure_over_other_names_differentiates():
    check(steps_a_closure_reading_what_the_loop_leaves, np.array([0.5, -1.3, 0.7]), 0.4,
          wrt=(0, 1))
    check(_unmarked_carry, np.array([0.5, -1.3, 0.7]), 0.4, wrt=(0, 1))


def _unmarked_carry(x, s):   # the same loop not checkpointed: differentiated as written
    def step(t):
        return np.tanh(t * s)
    for i in range(5):
        s = step(x[i % 3])
    return s * x[0]
